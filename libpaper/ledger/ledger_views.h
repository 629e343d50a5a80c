/*
 * Private: the SQL views of a ledger, one text for every backend (SQLite and PostgreSQL both
 * accept it), spliced into each backend's schema (sqlite_schema.c, pg_schema.c) so the two
 * cannot drift apart. docs/ledger.md documents every view and column.
 *
 * The first five show the log and the order rows in the tables' own units (exact integers in
 * 1e-8, enumerations as numbers). The last four answer the common questions for people and
 * dashboards: amounts as decimal numbers (NUMERIC on PostgreSQL, REAL on SQLite), enumerations
 * by name. Only portable SQL: CAST(... AS NUMERIC), round(x, n), CASE, NULLIF, COALESCE;
 * 1e8 is REAL on SQLite and NUMERIC on PostgreSQL, which makes every division below exact on
 * PostgreSQL and never an integer division on SQLite.
 */
#ifndef PAPER_PRIV_LEDGER_VIEWS_H
#define PAPER_PRIV_LEDGER_VIEWS_H

#define LEDGER_VIEW_ORDERS                                                                     \
	"CREATE VIEW orders AS SELECT s.account, s.id, e.symbol, e.side, e.order_type AS type,"  \
	" e.tif, s.status, s.reason, e.exit_reason, s.triggered, s.qty_e8, s.filled_e8,"          \
	" s.limit_e8, s.stop_e8, s.fill_notional_e8, s.fees_e8, e.oco_group, e.submitted_ts,"     \
	" s.updated_ts, e.confidence, e.client_id, e.strategy, e.signal_id, s.paper"              \
	" FROM order_state s JOIN events e ON e.id = s.accepted"

#define LEDGER_VIEW_FILLS                                                                      \
	"CREATE VIEW fills AS SELECT account, fill_seq AS seq, order_id, symbol, side, ts, qty_e8," \
	" price_e8, fee_e8, ref_price_e8, alt_price_e8, realized_e8, fill_reason AS reason,"      \
	" fill_flags AS flags, seq AS event_seq, paper FROM events WHERE type = 6"

#define LEDGER_VIEW_TRADES                                                                     \
	"CREATE VIEW trades AS SELECT account, trade_id AS id, symbol, direction, entry_ts,"     \
	" ts AS exit_ts, entry_qty_e8 AS qty_e8, entry_notional_e8, exit_qty_e8,"                 \
	" exit_notional_e8, pnl_e8, fees_e8, exit_reason, confidence, strategy, signal_id,"      \
	" seq AS event_seq, paper FROM events WHERE type = 6 AND trade_id IS NOT NULL"

#define LEDGER_VIEW_REJECTIONS                                                                 \
	"CREATE VIEW rejections AS SELECT account, seq AS event_seq, ts, order_id, symbol, side," \
	" qty_e8, reason, paper FROM events WHERE type = 2"

#define LEDGER_VIEW_SNAPSHOTS                                                                  \
	"CREATE VIEW snapshots AS SELECT account, seq AS event_seq, ts, cash_e8,"                 \
	" value_e8 AS positions_value_e8, equity_e8, day_start, paper FROM events WHERE type = 8"

/*
 * Open positions valued at the newest price the ledger has for the symbol: the mark saved with
 * the last snapshot or broker close, or the last fill's price when that is newer; money with
 * the symbol's multiplier (LEDGER_MULTIPLIER below). The version 4 step drops this view,
 * portfolio and recent_trades and creates them again, so an older ledger gets them too.
 */
#define LEDGER_VIEW_OPEN_POSITIONS                                                          \
	"CREATE VIEW open_positions AS SELECT account, account_name, symbol,"                     \
	" CASE WHEN qty_e8 > 0 THEN 'long' ELSE 'short' END AS direction,"                        \
	" qty_e8, basis_e8, mark_e8, round(abs(qty_e8) / 1e8, 8) AS qty,"                          \
	" round(basis_e8 * 1.0 / abs(qty_e8) / mult, 8) AS avg_price,"                            \
	" round(mark_e8 / 1e8, 8) AS mark,"                                                       \
	" round(abs(qty_e8) / 1e8 * mark_e8 / 1e8 * mult, 8) AS market_value,"                     \
	" round(CASE WHEN qty_e8 > 0 THEN abs(qty_e8) / 1e8 * mark_e8 / 1e8 * mult - basis_e8 / 1e8" \
	" ELSE basis_e8 / 1e8 - abs(qty_e8) / 1e8 * mark_e8 / 1e8 * mult END, 8)"                 \
	" AS unrealized_pnl,"                                                                     \
	" round(realized_e8 / 1e8, 8) AS realized_pnl, round(fees_e8 / 1e8, 8) AS fees,"           \
	" entry_ts, marked_ts, paper, mult AS multiplier, margined"                               \
	" FROM (SELECT p.account, a.name AS account_name, p.symbol, p.qty_e8, p.basis_e8,"        \
	" p.realized_e8, p.fees_e8, p.entry_ts, p.paper,"                                          \
	" " LEDGER_MULTIPLIER("p.account", "p.symbol") " AS mult,"                               \
	" " LEDGER_MARGINED("p.account", "p.symbol") " AS margined,"                             \
	" CASE WHEN m.ts IS NULL OR p.ts > m.ts THEN p.price_e8 ELSE m.price_e8 END AS mark_e8,"   \
	" CASE WHEN m.ts IS NULL OR p.ts > m.ts THEN p.ts ELSE m.ts END AS marked_ts"               \
	" FROM position_state p JOIN accounts a ON a.id = p.account"                              \
	" LEFT JOIN marks m ON m.account = p.account AND m.symbol = p.symbol"                      \
	" WHERE p.qty_e8 <> 0) AS x"

/* One row per account: money, positions at open_positions' prices, activity. */
#define LEDGER_VIEW_PORTFOLIO                                                               \
	"CREATE VIEW portfolio AS SELECT account, name, cash_e8, realized_e8, fees_e8,"           \
	" round(starting_cash, 8) AS starting_cash, round(cash_e8 / 1e8, 8) AS cash,"              \
	" round(long_value, 8) AS long_value, round(short_value, 8) AS short_value,"               \
	" round(cash_e8 / 1e8 + long_value - short_value + margined_pnl, 8) AS equity,"            \
	" round(unrealized, 8) AS unrealized_pnl, round(realized_e8 / 1e8, 8) AS realized_pnl,"    \
	" round(fees_e8 / 1e8, 8) AS fees, open_positions, open_orders, fills, trades,"            \
	" updated_ts, paper"                                                                     \
	" FROM (SELECT a.id AS account, a.name, CAST(c.value AS NUMERIC) AS starting_cash,"       \
	" COALESCE(s.cash_e8, CAST(round(CAST(c.value AS NUMERIC) * 100000000) AS BIGINT))"        \
	" AS cash_e8, COALESCE(s.realized_e8, 0) AS realized_e8, COALESCE(s.fees_e8, 0) AS fees_e8," \
	" COALESCE(s.fills, 0) AS fills, COALESCE(s.trades, 0) AS trades,"                         \
	" COALESCE(s.ts, a.created_ts) AS updated_ts, COALESCE(v.long_value, 0) AS long_value,"    \
	" COALESCE(v.short_value, 0) AS short_value, COALESCE(v.unrealized, 0) AS unrealized,"     \
	" COALESCE(v.margined_pnl, 0) AS margined_pnl,"                                            \
	" COALESCE(v.positions, 0) AS open_positions,"                                             \
	" (SELECT count(*) FROM order_state o WHERE o.key BETWEEN a.id * 1099511627776"            \
	" AND a.id * 1099511627776 + 1099511627775 AND o.status IN (1, 2)) AS open_orders, a.paper" \
	" FROM accounts a LEFT JOIN account_state s ON s.account = a.id"                           \
	" LEFT JOIN configs c ON c.account = a.id AND c.key = 'account.starting_cash'"             \
	" LEFT JOIN (SELECT account, count(*) AS positions,"                                       \
	" sum(CASE WHEN qty_e8 > 0 AND margined = 0 THEN market_value ELSE 0 END) AS long_value," \
	" sum(CASE WHEN qty_e8 < 0 AND margined = 0 THEN market_value ELSE 0 END) AS short_value," \
	" sum(CASE WHEN margined = 1 THEN unrealized_pnl ELSE 0 END) AS margined_pnl,"            \
	" sum(unrealized_pnl) AS unrealized FROM open_positions GROUP BY account) AS v"            \
	" ON v.account = a.id) AS x"

/* Closed round trips, newest first (add WHERE account_name = ... and LIMIT). */
#define LEDGER_VIEW_RECENT_TRADES                                                           \
	"CREATE VIEW recent_trades AS SELECT t.account, a.name AS account_name, t.id AS trade_id," \
	" t.symbol, CASE t.direction WHEN 1 THEN 'long' ELSE 'short' END AS direction,"           \
	" t.entry_ts, t.exit_ts, round(t.qty_e8 / 1e8, 8) AS qty,"                                 \
	" round(t.entry_notional_e8 * 1.0 / NULLIF(t.qty_e8, 0)"                                   \
	" / " LEDGER_MULTIPLIER("t.account", "t.symbol") ", 8) AS entry_price,"                   \
	" round(t.exit_notional_e8 * 1.0 / NULLIF(t.exit_qty_e8, 0)"                               \
	" / " LEDGER_MULTIPLIER("t.account", "t.symbol") ", 8) AS exit_price,"                    \
	" round(t.pnl_e8 / 1e8, 8) AS pnl_gross, round(t.fees_e8 / 1e8, 8) AS fees,"               \
	" round((t.pnl_e8 - t.fees_e8) / 1e8, 8) AS pnl_net,"                                      \
	" round((t.pnl_e8 - t.fees_e8) * 1.0 / NULLIF(t.entry_notional_e8, 0), 8) AS net_return,"  \
	" CASE t.exit_reason WHEN 1 THEN 'take_profit' WHEN 2 THEN 'stop_loss'"                    \
	" WHEN 3 THEN 'trailing_stop' WHEN 4 THEN 'time_limit' WHEN 5 THEN 'reverse_signal'"       \
	" WHEN 6 THEN 'manual' WHEN 7 THEN 'end_of_data' WHEN 8 THEN 'force' WHEN 9 THEN 'expiry'" \
	" ELSE 'none' END"                                                                        \
	" AS exit_reason, t.strategy, t.signal_id, t.paper"                                       \
	" FROM trades t JOIN accounts a ON a.id = t.account"                                      \
	" ORDER BY t.exit_ts DESC, t.account, t.id DESC"

/* Closed round trips by account and symbol; a win is a trade with a positive net P&L. */
#define LEDGER_VIEW_PERFORMANCE_BY_SYMBOL                                                      \
	"CREATE VIEW performance_by_symbol AS SELECT account, account_name, symbol,"              \
	" count(*) AS trades, sum(CASE WHEN net_e8 > 0 THEN 1 ELSE 0 END) AS wins,"               \
	" sum(CASE WHEN net_e8 < 0 THEN 1 ELSE 0 END) AS losses,"                                 \
	" round(sum(CASE WHEN net_e8 > 0 THEN 1 ELSE 0 END) * 1.0 / count(*), 6) AS win_rate,"    \
	" round(sum(pnl_e8) / 1e8, 8) AS pnl_gross, round(sum(fees_e8) / 1e8, 8) AS fees,"        \
	" round(sum(net_e8) / 1e8, 8) AS pnl_net, round(avg(net_e8) / 1e8, 8) AS avg_pnl_net,"    \
	" round(max(net_e8) / 1e8, 8) AS best, round(min(net_e8) / 1e8, 8) AS worst,"             \
	" round(sum(CASE WHEN net_e8 > 0 THEN net_e8 ELSE 0 END) * 1.0"                            \
	" / NULLIF(-sum(CASE WHEN net_e8 < 0 THEN net_e8 ELSE 0 END), 0), 6) AS profit_factor,"    \
	" min(paper) AS paper"                                                                   \
	" FROM (SELECT t.account, a.name AS account_name, t.symbol, t.pnl_e8, t.fees_e8,"         \
	" t.pnl_e8 - t.fees_e8 AS net_e8, t.paper FROM trades t JOIN accounts a"                   \
	" ON a.id = t.account) AS x GROUP BY account, account_name, symbol"

/* The outcome of a decision whose symbol the reader cannot take (schema version 2 marks an
 * older ledger's such rows rejected with it); SQL string text, so no quote. */
#define LEDGER_BAD_SYMBOL_OUTCOME                                                              \
	"the symbol is not 1 to 31 bytes of A-Z a-z 0-9 . _ / : ^ = -"

/* ---- schema version 4: the views in people's units (docs/ledger.md, "Views in people's units") ----
 *
 * Prices and amounts as decimal numbers, times as time values, enumerations by name, for SQL
 * written for other paper traders. Each backend passes its forms of a time and a date:
 * TIME(us) of a column of microseconds since 1970 (SQLite: UTC text 'YYYY-MM-DD HH:MM:SS', as
 * its datetime() writes, so `>= datetime('now', '-1 day')` compares right; PostgreSQL:
 * timestamptz, so `>= NOW() - INTERVAL '30 days'` does), DAY(d) of a day number since
 * 1970-01-01 (SQLite: text 'YYYY-MM-DD'; PostgreSQL: date). Every row keeps the exact
 * microseconds beside (*_ts). No round() of a DOUBLE PRECISION value (PostgreSQL has none):
 * amounts are e8 / 1e8, NUMERIC there.
 */
/*
 * A symbol's contract in SQL (docs/instruments.md): its [instrument.X] config rows (from the
 * config the account was created with, or a later paper_broker_define_instrument()), else an
 * OCC option symbol (ends in 6 digits, C or P, 8 digits: the broker refuses any other symbol of
 * that form), else an equity. The multiplier turns a price into money; a future is margined:
 * its notional is not paid, so it adds its unrealized P&L to equity, not its value.
 */
#define LEDGER_OCC(sym)                                                                       \
	"(length(" sym ") >= 16 AND substr(" sym ", length(" sym ") - 8, 1) IN ('C', 'P') AND"   \
	" ltrim(substr(" sym ", length(" sym ") - 14, 6) || substr(" sym ", length(" sym ") - 7)," \
	" '0123456789') = '')"
#define LEDGER_MULTIPLIER(acct, sym)                                                          \
	"COALESCE((SELECT CAST(value AS NUMERIC) FROM configs WHERE account = " acct             \
	" AND key = 'instrument.' || " sym " || '.multiplier'), (SELECT CASE value"             \
	" WHEN 'option' THEN 100 ELSE 1 END FROM configs WHERE account = " acct                  \
	" AND key = 'instrument.' || " sym " || '.asset_class'),"                                \
	" CASE WHEN " LEDGER_OCC(sym) " THEN 100 ELSE 1 END)"
#define LEDGER_MARGINED(acct, sym)                                                            \
	"COALESCE((SELECT 1 FROM configs WHERE account = " acct " AND key = 'instrument.' || "   \
	sym " || '.asset_class' AND value = 'future'), 0)"

#define LEDGER_SQLITE_TIME(us) "strftime('%Y-%m-%d %H:%M:%S', (" us ") / 1000000, 'unixepoch')"
#define LEDGER_SQLITE_DAY(d) "date((" d ") * 86400, 'unixepoch')"
#define LEDGER_PG_TIME(us) "to_timestamp((" us ") / 1000000.0)"
#define LEDGER_PG_DAY(d) "CAST(to_timestamp((" d ") * 86400) AT TIME ZONE 'UTC' AS DATE)"

/* The decision a signal id names ("decision-<id>", as paper run writes it), else NULL. */
#define LEDGER_DECISION_ID(col)                                                               \
	"CASE WHEN " col " LIKE 'decision-%' AND length(" col ") BETWEEN 10 AND 27"              \
	" AND ltrim(substr(" col ", 10), '0123456789') = ''"                                     \
	" THEN CAST(substr(" col ", 10) AS BIGINT) END"

#define LEDGER_EXIT_NAME(col)                                                                 \
	"CASE " col " WHEN 1 THEN 'take_profit' WHEN 2 THEN 'stop_loss'"                         \
	" WHEN 3 THEN 'trailing_stop' WHEN 4 THEN 'time_limit' WHEN 5 THEN 'reverse_signal'"     \
	" WHEN 6 THEN 'manual' WHEN 7 THEN 'end_of_data' WHEN 8 THEN 'force_exit'"              \
	" WHEN 9 THEN 'expiry' END"
#define LEDGER_TYPE_NAME(col)                                                                 \
	"CASE " col " WHEN 1 THEN 'market' WHEN 2 THEN 'limit' WHEN 3 THEN 'stop'"               \
	" WHEN 4 THEN 'stop_limit' END"
#define LEDGER_TIF_NAME(col)                                                                  \
	"CASE " col " WHEN 1 THEN 'gtc' WHEN 2 THEN 'day' WHEN 3 THEN 'ioc' WHEN 4 THEN 'fok' END"
#define LEDGER_STATUS_NAME(col)                                                               \
	"CASE " col " WHEN 1 THEN 'accepted' WHEN 2 THEN 'partially_filled' WHEN 3 THEN 'filled'" \
	" WHEN 4 THEN 'cancelled' WHEN 5 THEN 'expired' WHEN 6 THEN 'rejected' END"
#define LEDGER_REASON_NAME(col)                                                               \
	"CASE " col " WHEN 0 THEN NULL WHEN 1 THEN 'insufficient_funds'"                         \
	" WHEN 2 THEN 'short_not_allowed' WHEN 3 THEN 'no_market_data'"                          \
	" WHEN 4 THEN 'symbol_not_allowed' WHEN 5 THEN 'max_open_positions'"                     \
	" WHEN 6 THEN 'max_order_qty' WHEN 7 THEN 'max_order_notional'"                          \
	" WHEN 8 THEN 'max_position_fraction' WHEN 9 THEN 'min_confidence'"                      \
	" WHEN 10 THEN 'daily_loss_halt' WHEN 11 THEN 'kill_switch' WHEN 12 THEN 'fok_unfillable'" \
	" WHEN 13 THEN 'ioc_remainder' WHEN 14 THEN 'user_cancel' WHEN 15 THEN 'oco_sibling'"    \
	" WHEN 16 THEN 'out_of_range' WHEN 17 THEN 'expired' WHEN 18 THEN 'tick_size'"         \
	" WHEN 19 THEN 'lot_size' END"
#define LEDGER_CONFIDENCE(col) "CASE WHEN " col " >= 0 THEN " col " END"

/* One closed round trip per row. pnl_percent: the price move in percent of the entry price,
 * signed by direction, before costs (seed 003's); the outcome is by net P&L. */
#define LEDGER_VIEW_TRADES_V(TIME)                                                            \
	"CREATE VIEW trades_v AS SELECT a.name AS account_name, t.id AS trade_id, t.symbol,"      \
	" CASE t.direction WHEN 1 THEN 'LONG' ELSE 'SHORT' END AS direction,"                    \
	" round(t.qty_e8 / 1e8, 8) AS quantity,"                                                  \
	" " TIME("t.entry_ts") " AS entry_time, " TIME("t.exit_ts") " AS exit_time,"            \
	" round(t.entry_notional_e8 / 1e8 / NULLIF(t.qty_e8 / 1e8, 0)"                            \
	" / " LEDGER_MULTIPLIER("t.account", "t.symbol") ", 8) AS entry_price,"                   \
	" round(t.exit_notional_e8 / 1e8 / NULLIF(t.exit_qty_e8 / 1e8, 0)"                        \
	" / " LEDGER_MULTIPLIER("t.account", "t.symbol") ", 8) AS exit_price,"                    \
	" round(t.pnl_e8 / 1e8, 8) AS realized_pnl, round(t.fees_e8 / 1e8, 8) AS fees,"          \
	" round((t.pnl_e8 - t.fees_e8) / 1e8, 8) AS net_pnl,"                                     \
	" round((CASE t.direction WHEN 1 THEN 100 ELSE -100 END) * (t.exit_notional_e8 / 1e8"    \
	" * t.qty_e8 / NULLIF(t.exit_qty_e8 / 1e8 * t.entry_notional_e8, 0) - 1), 8)"            \
	" AS pnl_percent,"                                                                        \
	" round((t.pnl_e8 - t.fees_e8) * 100 / NULLIF(t.entry_notional_e8 / 1e8, 0) / 1e8, 8)"   \
	" AS net_return_pct,"                                                                     \
	" CASE WHEN t.pnl_e8 > t.fees_e8 THEN 'win' WHEN t.pnl_e8 < t.fees_e8 THEN 'loss'"       \
	" ELSE 'breakeven' END AS outcome, " LEDGER_EXIT_NAME("t.exit_reason") " AS exit_reason," \
	" round((t.exit_ts - t.entry_ts) / 60e6, 6) AS hold_minutes, t.strategy, t.signal_id,"   \
	" " LEDGER_DECISION_ID("t.signal_id") " AS decision_id,"                                 \
	" " LEDGER_CONFIDENCE("t.confidence") " AS confidence, t.entry_ts, t.exit_ts,"           \
	" t.account, t.paper FROM trades t JOIN accounts a ON a.id = t.account"

/* One open position per row, valued as open_positions values it. */
#define LEDGER_VIEW_POSITIONS_V(TIME)                                                         \
	"CREATE VIEW positions_v AS SELECT p.account_name, p.symbol,"                             \
	" upper(p.direction) AS direction, p.qty AS quantity, p.avg_price AS entry_price,"        \
	" p.mark AS current_price, p.market_value AS position_value,"                             \
	" round(p.basis_e8 / 1e8, 8) AS cost_basis, p.unrealized_pnl,"                           \
	" round(p.unrealized_pnl * 100 / NULLIF(p.basis_e8 / 1e8, 0), 8) AS unrealized_pnl_pct,"  \
	" p.realized_pnl, p.fees, " TIME("p.entry_ts") " AS entry_time,"                         \
	" " TIME("p.marked_ts") " AS marked_time, s.signal_id,"                                  \
	" " LEDGER_DECISION_ID("s.signal_id") " AS decision_id,"                                 \
	" " LEDGER_CONFIDENCE("s.confidence") " AS confidence, s.strategy,"                      \
	" CASE WHEN s.plan_tp_e8 > 0 THEN round(s.plan_tp_e8 / 1e8, 8) END AS take_profit,"      \
	" CASE WHEN s.plan_sl_e8 > 0 THEN round(s.plan_sl_e8 / 1e8, 8) END AS stop_loss,"        \
	" CASE WHEN s.plan_max_hold > 0 THEN round(s.plan_max_hold / 60e6, 6) END"               \
	" AS max_hold_minutes, p.entry_ts, p.marked_ts, p.account, p.paper"                      \
	" FROM open_positions p JOIN position_state s ON s.account = p.account"                   \
	" AND s.symbol = p.symbol"

/* Every order, with its fills' slippage and the decision it came from; and the orders refused
 * at submission (which have no id: order_id 0). */
#define LEDGER_ORDERS_V_COLS(TIME, o)                                                         \
	" CASE " o ".side WHEN 1 THEN 'buy' ELSE 'sell' END AS side,"                             \
	" " LEDGER_TYPE_NAME(o ".type") " AS order_type, " LEDGER_TIF_NAME(o ".tif") " AS tif,"   \
	" " LEDGER_STATUS_NAME(o ".status") " AS status, " LEDGER_REASON_NAME(o ".reason")       \
	" AS reason, round(" o ".qty_e8 / 1e8, 8) AS quantity,"                                  \
	" round(" o ".filled_e8 / 1e8, 8) AS filled_quantity,"                                   \
	" round(" o ".fill_notional_e8 / 1e8 / NULLIF(" o ".filled_e8 / 1e8, 0)"                 \
	" / " o ".mult, 8) AS avg_fill_price, CASE WHEN " o ".type IN (2, 4) THEN round(" o ".limit_e8 / 1e8, 8)" \
	" END AS limit_price, CASE WHEN " o ".type IN (3, 4) THEN round(" o ".stop_e8 / 1e8, 8)" \
	" END AS stop_price, round(" o ".fees_e8 / 1e8, 8) AS commission,"
#define LEDGER_VIEW_ORDERS_V(TIME)                                                            \
	"CREATE VIEW orders_v AS SELECT a.name AS account_name, o.id AS order_id, o.symbol,"    \
	LEDGER_ORDERS_V_COLS(TIME, "o")                                                           \
	" round(COALESCE(f.slippage, 0) * o.mult, 8) AS slippage,"                               \
	" " TIME("o.submitted_ts") " AS submitted_time, " TIME("o.updated_ts") " AS updated_time," \
	" " LEDGER_DECISION_ID("o.signal_id") " AS decision_id,"                                 \
	" CASE WHEN d.current_price > 0 THEN d.current_price END AS decision_price,"            \
	" o.signal_id, o.strategy, " LEDGER_CONFIDENCE("o.confidence") " AS confidence,"         \
	" " LEDGER_EXIT_NAME("o.exit_reason") " AS exit_reason, o.submitted_ts, o.updated_ts,"   \
	" o.account, o.paper FROM (SELECT u.*, " LEDGER_MULTIPLIER("u.account", "u.symbol")       \
	" AS mult FROM (SELECT account, id, symbol, side, type, tif, status, reason,"             \
	" qty_e8, filled_e8, fill_notional_e8, limit_e8, stop_e8, fees_e8, submitted_ts,"         \
	" updated_ts, signal_id, strategy, confidence, exit_reason, paper FROM orders"            \
	" UNION ALL SELECT account, 0, symbol, side, order_type, tif, 6, reason, qty_e8, 0, 0,"   \
	" limit_e8, stop_e8, 0, ts, ts, signal_id, strategy, confidence, exit_reason, paper"      \
	" FROM events WHERE type = 2 AND order_id = 0) AS u) AS o"                                \
	" JOIN accounts a ON a.id = o.account"                                                    \
	" LEFT JOIN (SELECT account, order_id, sum(abs(price_e8 - ref_price_e8) / 1e8"           \
	" * qty_e8 / 1e8) AS slippage FROM events WHERE type = 6 GROUP BY account, order_id) f"  \
	" ON f.account = o.account AND f.order_id = o.id AND o.id > 0"                           \
	" LEFT JOIN decisions d ON d.id = " LEDGER_DECISION_ID("o.signal_id")                    \
	" AND d.account = a.name"

/* seed 003's signal_results: closed trades, then open positions (exit columns NULL). */
#define LEDGER_VIEW_SIGNAL_RESULTS_V                                                          \
	"CREATE VIEW signal_results_v AS SELECT account_name, trade_id AS id, signal_id, symbol," \
	" direction, confidence, entry_price, entry_time AS entry_timestamp, exit_price,"        \
	" exit_time AS exit_timestamp, pnl_percent, outcome, exit_reason,"                       \
	" entry_time AS created_at, entry_ts, exit_ts FROM trades_v"                              \
	" UNION ALL SELECT account_name, NULL, signal_id, symbol, direction, confidence,"        \
	" entry_price, entry_time, NULL, NULL, NULL, NULL, NULL, entry_time, entry_ts, NULL"     \
	" FROM positions_v"

/*
 * One row per UTC day with a snapshot or a fill (as pnl_ledger.csv): the day's first snapshot
 * equity and its end - the next day's first snapshot, taken when that day begins and before
 * it changes anything, so the days chain even when one call marked several of them; the last
 * day's last snapshot - the realized P&L and fees of its fills, the trades it closed, and the
 * account's way so far from its starting cash and from its highest close.
 */
#define LEDGER_VIEW_DAILY_PNL_V(DAY)                                                          \
	"CREATE VIEW daily_pnl_v AS WITH snap AS (SELECT account, ts / 86400000000 AS day,"      \
	" min(seq) AS first_seq, max(seq) AS last_seq FROM events WHERE type = 8"                 \
	" GROUP BY account, ts / 86400000000),"                                                   \
	" fill AS (SELECT account, ts / 86400000000 AS day, sum(realized_e8) AS realized_e8,"     \
	" sum(fee_e8) AS fees_e8, count(trade_id) AS trades,"                                     \
	" sum(CASE WHEN trade_id IS NOT NULL AND pnl_e8 > fees_e8 THEN 1 ELSE 0 END) AS wins,"    \
	" sum(CASE WHEN trade_id IS NOT NULL AND pnl_e8 < fees_e8 THEN 1 ELSE 0 END) AS losses"   \
	" FROM events WHERE type = 6 GROUP BY account, ts / 86400000000),"                        \
	" days AS (SELECT account, day FROM snap UNION SELECT account, day FROM fill),"          \
	" d AS (SELECT x.account, x.day, s1.equity_e8 AS start_e8, s2.equity_e8 AS end_e8,"       \
	" COALESCE(f.realized_e8, 0) AS realized_e8, COALESCE(f.fees_e8, 0) AS fees_e8,"          \
	" COALESCE(f.trades, 0) AS trades, COALESCE(f.wins, 0) AS wins,"                          \
	" COALESCE(f.losses, 0) AS losses FROM days x"                                            \
	" LEFT JOIN snap s ON s.account = x.account AND s.day = x.day"                            \
	" LEFT JOIN events s1 ON s1.id = x.account * 1099511627776 + s.first_seq"                 \
	" LEFT JOIN events s2 ON s2.id = x.account * 1099511627776 + s.last_seq"                  \
	" LEFT JOIN fill f ON f.account = x.account AND f.day = x.day),"                          \
	" n AS (SELECT account, day, min(CASE WHEN start_e8 IS NOT NULL THEN day END) OVER"       \
	" (PARTITION BY account ORDER BY day ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)"   \
	" AS next_day FROM d),"                                                                   \
	" e AS (SELECT d.account, d.day, d.start_e8, CASE WHEN d.start_e8 IS NOT NULL THEN"      \
	" COALESCE(x.start_e8, d.end_e8) END AS end_e8, d.realized_e8, d.fees_e8, d.trades,"      \
	" d.wins, d.losses FROM d JOIN n ON n.account = d.account AND n.day = d.day"              \
	" LEFT JOIN d x ON x.account = d.account AND x.day = n.next_day),"                         \
	" w AS (SELECT account, day, start_e8, end_e8, realized_e8, fees_e8, trades, wins, losses," \
	" max(end_e8) OVER (PARTITION BY account ORDER BY day"                                    \
	" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS peak_e8 FROM e)"                   \
	" SELECT a.name AS account_name, " DAY("w.day") " AS date,"                              \
	" round(w.start_e8 / 1e8, 8) AS start_equity, round(w.end_e8 / 1e8, 8) AS end_equity,"    \
	" round((w.end_e8 - w.start_e8) / 1e8, 8) AS pnl,"                                        \
	" round((w.end_e8 - w.start_e8) / 1e8 * 100 / NULLIF(w.start_e8 / 1e8, 0), 8) AS pnl_pct," \
	" round(w.realized_e8 / 1e8, 8) AS realized_pnl, round(w.fees_e8 / 1e8, 8) AS fees,"      \
	" round((w.realized_e8 - w.fees_e8) / 1e8, 8) AS realized_pnl_net, w.trades, w.wins,"     \
	" w.losses, round(w.end_e8 / 1e8 - CAST(c.value AS NUMERIC), 8) AS cumulative_pnl,"       \
	" round((w.end_e8 / 1e8 - CAST(c.value AS NUMERIC)) * 100 / CAST(c.value AS NUMERIC), 8)" \
	" AS cumulative_pnl_pct, round(CASE WHEN w.end_e8 IS NULL THEN NULL"                      \
	" WHEN w.peak_e8 / 1e8 > CAST(c.value AS NUMERIC)"                                        \
	" THEN (w.peak_e8 - w.end_e8) / 1e8 * 100 / (w.peak_e8 / 1e8)"                            \
	" WHEN w.end_e8 / 1e8 < CAST(c.value AS NUMERIC) THEN (CAST(c.value AS NUMERIC)"          \
	" - w.end_e8 / 1e8) * 100 / CAST(c.value AS NUMERIC) ELSE 0 END, 8) AS drawdown_pct,"     \
	" w.day, a.id AS account, a.paper FROM w JOIN accounts a ON a.id = w.account"            \
	" LEFT JOIN configs c ON c.account = a.id AND c.key = 'account.starting_cash'"

/*
 * One row per account: the closed trades' statistics (win rate in percent, averages in money
 * and in percent), activity, refusals, the Sharpe ratio of the daily closes - each UTC day's
 * last equity snapshot, as paper stats resamples the curve (annualized by
 * metrics.periods_per_year, else as the metrics read the calendar: 365 when one day in
 * fourteen is a Saturday, crypto's week, else 252) - and from daily_pnl_v the largest
 * drawdown of a daily close.
 */
#define LEDGER_VIEW_PERFORMANCE_V(TIME)                                                       \
	"CREATE VIEW performance_v AS WITH t AS (SELECT account, count(*) AS n,"                 \
	" sum(CASE WHEN outcome = 'win' THEN 1 ELSE 0 END) AS wins,"                              \
	" sum(CASE WHEN outcome = 'loss' THEN 1 ELSE 0 END) AS losses,"                           \
	" avg(CASE WHEN outcome = 'win' THEN net_pnl END) AS avg_win,"                            \
	" avg(CASE WHEN outcome = 'loss' THEN net_pnl END) AS avg_loss,"                          \
	" avg(CASE WHEN outcome = 'win' THEN pnl_percent END) AS avg_win_pct,"                    \
	" avg(CASE WHEN outcome = 'loss' THEN pnl_percent END) AS avg_loss_pct,"                  \
	" avg(net_pnl) AS avg_pnl, sum(net_pnl) AS total_pnl, sum(realized_pnl) AS gross_pnl,"    \
	" sum(fees) AS total_fees, sum(CASE WHEN net_pnl > 0 THEN net_pnl ELSE 0 END) AS gains,"   \
	" sum(CASE WHEN net_pnl < 0 THEN -net_pnl ELSE 0 END) AS pains, max(net_pnl) AS best,"    \
	" min(net_pnl) AS worst, avg(hold_minutes) AS avg_hold, min(entry_ts) AS first_ts,"       \
	" max(exit_ts) AS last_ts FROM trades_v GROUP BY account),"                              \
	" c AS (SELECT e.account, e.seq, m.day, e.equity_e8 / 1e8 AS eq FROM events e JOIN"      \
	" (SELECT account, ts / 86400000000 AS day, max(seq) AS seq FROM events WHERE type = 8"   \
	" GROUP BY account, ts / 86400000000) m ON e.id = m.account * 1099511627776 + m.seq),"    \
	" r AS (SELECT account, eq / NULLIF(lag(eq) OVER (PARTITION BY account"                   \
	" ORDER BY seq), 0) - 1 AS ret FROM c),"                                                  \
	" s AS (SELECT account, count(ret) AS n, avg(ret) AS mean, sum(ret * ret) AS ss FROM r"   \
	" WHERE ret IS NOT NULL GROUP BY account),"                                               \
	" k AS (SELECT account, CASE WHEN sum(CASE WHEN day % 7 = 2 THEN 1 ELSE 0 END) * 14"     \
	" >= count(*) AND sum(CASE WHEN day % 7 = 2 THEN 1 ELSE 0 END) > 0 THEN 365 ELSE 252"     \
	" END AS ppy FROM c GROUP BY account),"                                                   \
	" dd AS (SELECT account, max(drawdown_pct) AS mdd FROM daily_pnl_v GROUP BY account)"     \
	" SELECT a.name AS account_name, COALESCE(t.n, 0) AS total_trades,"                      \
	" COALESCE(t.wins, 0) AS wins, COALESCE(t.losses, 0) AS losses,"                          \
	" COALESCE(t.n - t.wins - t.losses, 0) AS breakevens,"                                    \
	" round(t.wins * 100.0 / NULLIF(t.n, 0), 8) AS win_rate, round(t.avg_win, 8) AS avg_win," \
	" round(t.avg_loss, 8) AS avg_loss, round(t.avg_win_pct, 8) AS avg_win_pct,"              \
	" round(t.avg_loss_pct, 8) AS avg_loss_pct, round(t.avg_pnl, 8) AS avg_pnl,"              \
	" COALESCE(t.total_pnl, 0) AS total_pnl, COALESCE(t.gross_pnl, 0) AS gross_pnl,"          \
	" COALESCE(t.total_fees, 0) AS total_fees,"                                               \
	" round(t.gains / NULLIF(t.pains, 0), 8) AS profit_factor, t.best, t.worst,"             \
	" round(t.avg_hold, 6) AS avg_hold_minutes,"                                              \
	" (SELECT count(*) FROM position_state p WHERE p.account = a.id AND p.qty_e8 <> 0)"       \
	" AS open_positions, (SELECT count(*) FROM events e WHERE e.id BETWEEN"                   \
	" a.id * 1099511627776 AND a.id * 1099511627776 + 1099511627775 AND e.type = 2)"         \
	" AS rejections, (SELECT count(*) FROM decisions d WHERE d.account = a.name"              \
	" AND d.status = 'rejected') AS rejected_decisions,"                                      \
	" " TIME("t.first_ts") " AS first_entry_time, " TIME("t.last_ts") " AS last_exit_time,"  \
	" round(CASE WHEN s.n >= 2 AND s.ss - s.n * s.mean * s.mean > 0 THEN s.mean"             \
	" / sqrt((s.ss - s.n * s.mean * s.mean) / (s.n - 1)) * sqrt(COALESCE(NULLIF("           \
	" (SELECT CAST(value AS NUMERIC) FROM configs WHERE account = a.id"                       \
	" AND key = 'metrics.periods_per_year'), 0), k.ppy)) END, 8) AS sharpe_ratio_daily,"     \
	" COALESCE(dd.mdd, 0) AS max_drawdown_pct, a.id AS account, a.paper FROM accounts a"      \
	" LEFT JOIN t ON t.account = a.id LEFT JOIN s ON s.account = a.id"                        \
	" LEFT JOIN k ON k.account = a.id"                                                        \
	" LEFT JOIN dd ON dd.account = a.id"



#define LEDGER_VIEWS_V4(TIME, DAY)                                                            \
	"DROP VIEW portfolio", "DROP VIEW open_positions", "DROP VIEW recent_trades",            \
	LEDGER_VIEW_OPEN_POSITIONS, LEDGER_VIEW_PORTFOLIO, LEDGER_VIEW_RECENT_TRADES,            \
	LEDGER_VIEW_TRADES_V(TIME), LEDGER_VIEW_POSITIONS_V(TIME), LEDGER_VIEW_ORDERS_V(TIME),  \
	LEDGER_VIEW_SIGNAL_RESULTS_V, LEDGER_VIEW_DAILY_PNL_V(DAY), LEDGER_VIEW_PERFORMANCE_V(TIME)

#endif
