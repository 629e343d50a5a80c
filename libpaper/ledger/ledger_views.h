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
 * the last snapshot or broker close, or the last fill's price when that is newer.
 */
#define LEDGER_VIEW_OPEN_POSITIONS                                                             \
	"CREATE VIEW open_positions AS SELECT account, account_name, symbol,"                     \
	" CASE WHEN qty_e8 > 0 THEN 'long' ELSE 'short' END AS direction,"                        \
	" qty_e8, basis_e8, mark_e8, round(abs(qty_e8) / 1e8, 8) AS qty,"                          \
	" round(basis_e8 * 1.0 / abs(qty_e8), 8) AS avg_price, round(mark_e8 / 1e8, 8) AS mark,"   \
	" round(abs(qty_e8) / 1e8 * mark_e8 / 1e8, 8) AS market_value,"                            \
	" round(CASE WHEN qty_e8 > 0 THEN abs(qty_e8) / 1e8 * mark_e8 / 1e8 - basis_e8 / 1e8"      \
	" ELSE basis_e8 / 1e8 - abs(qty_e8) / 1e8 * mark_e8 / 1e8 END, 8) AS unrealized_pnl,"      \
	" round(realized_e8 / 1e8, 8) AS realized_pnl, round(fees_e8 / 1e8, 8) AS fees,"           \
	" entry_ts, marked_ts, paper"                                                            \
	" FROM (SELECT p.account, a.name AS account_name, p.symbol, p.qty_e8, p.basis_e8,"        \
	" p.realized_e8, p.fees_e8, p.entry_ts, p.paper,"                                          \
	" CASE WHEN m.ts IS NULL OR p.ts > m.ts THEN p.price_e8 ELSE m.price_e8 END AS mark_e8,"   \
	" CASE WHEN m.ts IS NULL OR p.ts > m.ts THEN p.ts ELSE m.ts END AS marked_ts"               \
	" FROM position_state p JOIN accounts a ON a.id = p.account"                              \
	" LEFT JOIN marks m ON m.account = p.account AND m.symbol = p.symbol"                      \
	" WHERE p.qty_e8 <> 0) AS x"

/* One row per account: money, positions at open_positions' prices, activity. */
#define LEDGER_VIEW_PORTFOLIO                                                                  \
	"CREATE VIEW portfolio AS SELECT account, name, cash_e8, realized_e8, fees_e8,"           \
	" round(starting_cash, 8) AS starting_cash, round(cash_e8 / 1e8, 8) AS cash,"              \
	" round(long_value, 8) AS long_value, round(short_value, 8) AS short_value,"               \
	" round(cash_e8 / 1e8 + long_value - short_value, 8) AS equity,"                           \
	" round(unrealized, 8) AS unrealized_pnl, round(realized_e8 / 1e8, 8) AS realized_pnl,"    \
	" round(fees_e8 / 1e8, 8) AS fees, open_positions, open_orders, fills, trades,"            \
	" updated_ts, paper"                                                                     \
	" FROM (SELECT a.id AS account, a.name, CAST(c.value AS NUMERIC) AS starting_cash,"       \
	" COALESCE(s.cash_e8, CAST(round(CAST(c.value AS NUMERIC) * 100000000) AS BIGINT))"        \
	" AS cash_e8, COALESCE(s.realized_e8, 0) AS realized_e8, COALESCE(s.fees_e8, 0) AS fees_e8," \
	" COALESCE(s.fills, 0) AS fills, COALESCE(s.trades, 0) AS trades,"                         \
	" COALESCE(s.ts, a.created_ts) AS updated_ts, COALESCE(v.long_value, 0) AS long_value,"    \
	" COALESCE(v.short_value, 0) AS short_value, COALESCE(v.unrealized, 0) AS unrealized,"     \
	" COALESCE(v.positions, 0) AS open_positions,"                                             \
	" (SELECT count(*) FROM order_state o WHERE o.key BETWEEN a.id * 1099511627776"            \
	" AND a.id * 1099511627776 + 1099511627775 AND o.status IN (1, 2)) AS open_orders, a.paper" \
	" FROM accounts a LEFT JOIN account_state s ON s.account = a.id"                           \
	" LEFT JOIN configs c ON c.account = a.id AND c.key = 'account.starting_cash'"             \
	" LEFT JOIN (SELECT account, count(*) AS positions,"                                       \
	" sum(CASE WHEN qty_e8 > 0 THEN market_value ELSE 0 END) AS long_value,"                   \
	" sum(CASE WHEN qty_e8 < 0 THEN market_value ELSE 0 END) AS short_value,"                  \
	" sum(unrealized_pnl) AS unrealized FROM open_positions GROUP BY account) AS v"            \
	" ON v.account = a.id) AS x"

/* Closed round trips, newest first (add WHERE account_name = ... and LIMIT). */
#define LEDGER_VIEW_RECENT_TRADES                                                              \
	"CREATE VIEW recent_trades AS SELECT t.account, a.name AS account_name, t.id AS trade_id," \
	" t.symbol, CASE t.direction WHEN 1 THEN 'long' ELSE 'short' END AS direction,"           \
	" t.entry_ts, t.exit_ts, round(t.qty_e8 / 1e8, 8) AS qty,"                                 \
	" round(t.entry_notional_e8 * 1.0 / NULLIF(t.qty_e8, 0), 8) AS entry_price,"               \
	" round(t.exit_notional_e8 * 1.0 / NULLIF(t.exit_qty_e8, 0), 8) AS exit_price,"            \
	" round(t.pnl_e8 / 1e8, 8) AS pnl_gross, round(t.fees_e8 / 1e8, 8) AS fees,"               \
	" round((t.pnl_e8 - t.fees_e8) / 1e8, 8) AS pnl_net,"                                      \
	" round((t.pnl_e8 - t.fees_e8) * 1.0 / NULLIF(t.entry_notional_e8, 0), 8) AS net_return,"  \
	" CASE t.exit_reason WHEN 1 THEN 'take_profit' WHEN 2 THEN 'stop_loss'"                    \
	" WHEN 3 THEN 'trailing_stop' WHEN 4 THEN 'time_limit' WHEN 5 THEN 'reverse_signal'"       \
	" WHEN 6 THEN 'manual' WHEN 7 THEN 'end_of_data' WHEN 8 THEN 'force' ELSE 'none' END"      \
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

#endif
