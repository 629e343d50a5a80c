/*
 * The ledger's rows, shared by the backends: each statement's text, and which record field
 * goes to which column in both directions. Only the columns an event type uses are written;
 * the rest stay NULL (docs/ledger.md lists them per type).
 */
#include "ledger/store_rows.h"

#include <stdio.h>
#include <string.h>

#include "ledger/store_prices.h"

#include "base/error.h"
#include "base/fixed.h"
#include "base/text.h"
#include "config/config.h"

/* Every event's row starts with these: a type that does not use the last three stores 0. */
#define EV_ID "INSERT INTO events (id, account, seq, type, ts, order_id, status, reason, "
#define EVENT_COLS                                                                             \
	"seq, type, ts, order_id, status, reason, symbol, side, order_type, tif, order_status, " \
	"order_reason, exit_reason, triggered, qty_e8, filled_e8, limit_e8, stop_e8, "          \
	"fill_notional_e8, order_fees_e8, oco_group, submitted_ts, updated_ts, confidence, "    \
	"client_id, strategy, signal_id, fill_seq, fill_reason, fill_flags, price_e8, fee_e8, "  \
	"ref_price_e8, alt_price_e8, halt_kind, day_start, equity_e8, cash_e8, value_e8, "       \
	"realized_e8, fees_e8, basis_e8, entry_ts, entry_qty_e8, entry_notional_e8, "            \
	"exit_qty_e8, exit_notional_e8, direction, exit_plan, plan_tp_e8, plan_sl_e8, "          \
	"plan_max_hold"
#define DECISION_COLS                                                                          \
	"id, created_ts, symbol, side, confidence, reasoning, take_profit, stop_loss, order_id, " \
	"status, processed_ts, outcome, risk, current_price"

const char *const store_sql_text[SQL__COUNT] = {
	[SQL_INS_ORDER_FULL] = EV_ID "symbol, side, order_type, tif, order_status, "
		"order_reason, exit_reason, triggered, qty_e8, filled_e8, limit_e8, stop_e8, "
		"fill_notional_e8, order_fees_e8, oco_group, submitted_ts, updated_ts, confidence, "
		"client_id, strategy, signal_id, exit_plan, plan_tp_e8, plan_sl_e8, plan_max_hold) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
		"?, ?, ?, ?, ?, ?, ?)",
	[SQL_INS_FILL] = EV_ID "symbol, side, qty_e8, price_e8, fee_e8, ref_price_e8, "
		"alt_price_e8, fill_seq, fill_reason, fill_flags, realized_e8) VALUES (?, ?, ?, ?, "
		"?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[SQL_INS_FILL_TRADE] = EV_ID "symbol, side, qty_e8, price_e8, fee_e8, ref_price_e8, "
		"alt_price_e8, fill_seq, fill_reason, fill_flags, realized_e8, trade_id, direction, "
		"entry_ts, entry_qty_e8, entry_notional_e8, exit_qty_e8, exit_notional_e8, pnl_e8, "
		"fees_e8, exit_reason, confidence, strategy, signal_id) VALUES (?, ?, ?, ?, ?, ?, "
		"?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[SQL_INS_ORDER_CHANGE] = EV_ID "symbol, side, qty_e8, limit_e8, stop_e8) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[SQL_INS_SNAPSHOT] = EV_ID "day_start, equity_e8, cash_e8, value_e8) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[SQL_INS_HALT] = EV_ID "halt_kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[SQL_INS_ACCOUNT_RESTORED] = EV_ID "cash_e8, realized_e8, fees_e8) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[SQL_INS_POSITION_RESTORED] = EV_ID "symbol, qty_e8, basis_e8, entry_ts, entry_qty_e8, "
		"entry_notional_e8, exit_qty_e8, exit_notional_e8, realized_e8, fees_e8, direction, "
		"confidence, strategy, signal_id, exit_plan, plan_tp_e8, plan_sl_e8, plan_max_hold) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[SQL_INS_ORDER_ROW] = "INSERT INTO order_state (key, account, id, accepted, status, "
		"reason, triggered, qty_e8, filled_e8, limit_e8, stop_e8, fill_notional_e8, fees_e8, "
		"updated_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[SQL_UPD_ORDER_ROW] = "UPDATE order_state SET status = ?, reason = ?, triggered = ?, "
		"qty_e8 = ?, filled_e8 = ?, limit_e8 = ?, stop_e8 = ?, fill_notional_e8 = ?, "
		"fees_e8 = ?, updated_ts = ? WHERE key = ?",
	[SQL_PUT_ACCOUNT_STATE] = "INSERT INTO account_state (account, event_seq, ts, cash_e8, "
		"realized_e8, fees_e8, fills, trades) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
		"ON CONFLICT (account) DO UPDATE SET event_seq = excluded.event_seq, "
		"ts = excluded.ts, cash_e8 = excluded.cash_e8, realized_e8 = excluded.realized_e8, "
		"fees_e8 = excluded.fees_e8, fills = excluded.fills, trades = excluded.trades",
	[SQL_PUT_POSITION_STATE] = "INSERT INTO position_state (account, symbol, qty_e8, "
		"basis_e8, entry_ts, realized_e8, fees_e8, price_e8, ts, event_seq, strategy, "
		"signal_id, confidence, exit_plan, plan_tp_e8, plan_sl_e8, plan_max_hold) VALUES (?, "
		"?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account, symbol) DO "
		"UPDATE SET qty_e8 = excluded.qty_e8, basis_e8 = excluded.basis_e8, "
		"entry_ts = excluded.entry_ts, realized_e8 = excluded.realized_e8, "
		"fees_e8 = excluded.fees_e8, price_e8 = excluded.price_e8, ts = excluded.ts, "
		"event_seq = excluded.event_seq, strategy = excluded.strategy, "
		"signal_id = excluded.signal_id, confidence = excluded.confidence, "
		"exit_plan = excluded.exit_plan, plan_tp_e8 = excluded.plan_tp_e8, "
		"plan_sl_e8 = excluded.plan_sl_e8, plan_max_hold = excluded.plan_max_hold",
	[SQL_PUT_MARK] = "INSERT INTO marks (account, symbol, price_e8, ts) VALUES (?, ?, ?, ?) "
		"ON CONFLICT (account, symbol) DO UPDATE SET price_e8 = excluded.price_e8, "
		"ts = excluded.ts",
	[SQL_ADD_ACCOUNT] = "INSERT INTO accounts (name, origin, created_ts) VALUES (?, ?, ?)",
	[SQL_PUT_CONFIG] = "INSERT INTO configs (account, key, value) VALUES (?, ?, ?)",
	[SQL_DEL_CONFIG] = "DELETE FROM configs WHERE account = ? AND key = ?",
	[SQL_FIND_ACCOUNT] = "SELECT id FROM accounts WHERE name = ?",
	[SQL_COUNT_ACCOUNTS] = "SELECT count(*) FROM accounts",
	[SQL_ACCOUNT_NAME] = "SELECT name FROM accounts ORDER BY id LIMIT 1 OFFSET ?",
	[SQL_EACH_CONFIG] = "SELECT key, value FROM configs WHERE account = ? ORDER BY key",
	[SQL_EACH_EVENT] = "SELECT " EVENT_COLS " FROM events WHERE id BETWEEN ? AND ? ORDER BY id",
	[SQL_EACH_MARK] = "SELECT symbol, price_e8, ts FROM marks WHERE account = ? ORDER BY symbol",
	[SQL_EACH_ORDER] = "SELECT s.id, e.symbol, e.side, e.order_type, e.tif, s.status, "
		"s.reason, e.exit_reason, s.triggered, s.qty_e8, s.filled_e8, s.limit_e8, s.stop_e8, "
		"s.fill_notional_e8, s.fees_e8, e.oco_group, e.submitted_ts, s.updated_ts, "
		"e.confidence, e.client_id, e.strategy, e.signal_id FROM order_state s JOIN events e "
		"ON e.id = s.accepted WHERE s.key BETWEEN ? AND ? ORDER BY s.key",
	[SQL_EACH_TRADE] = "SELECT trade_id, symbol, direction, entry_ts, ts, entry_qty_e8, "
		"entry_notional_e8, exit_qty_e8, exit_notional_e8, pnl_e8, fees_e8, exit_reason, "
		"confidence, strategy, signal_id FROM events WHERE id BETWEEN ? AND ? AND type = 6 "
		"AND trade_id IS NOT NULL ORDER BY id",
	/* The primary key read backwards from the range's end: one row, however long the log. */
	[SQL_LAST_EVENT] = "SELECT seq FROM events WHERE id BETWEEN ? AND ? ORDER BY id DESC "
		"LIMIT 1",
	[SQL_DECISION_ADD] = "INSERT INTO decisions (account, created_ts, symbol, side, "
		"confidence, reasoning, take_profit, stop_loss, risk, current_price) VALUES (?, ?, ?, "
		"?, ?, ?, ?, ?, ?, ?)",
	[SQL_DECISIONS_PENDING] = "SELECT " DECISION_COLS " FROM decisions WHERE account = ? AND "
		"status = 'pending' ORDER BY created_ts, id LIMIT ?",
	[SQL_EACH_DECISION] = "SELECT " DECISION_COLS " FROM decisions WHERE account = ? "
		"ORDER BY id",
	[SQL_DECISION_PUT] = "INSERT INTO decisions (account, created_ts, symbol, side, "
		"confidence, reasoning, take_profit, stop_loss, risk, current_price, status, "
		"order_id, processed_ts, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[SQL_DECISION_MARK] = "UPDATE decisions SET status = ?, order_id = ?, processed_ts = ?, "
		"outcome = ? WHERE id = ? AND status = 'pending'",
	[SQL_DECISION_STATUS] = "SELECT status FROM decisions WHERE id = ?",
	[SQL_PUT_BOOKMARK] = "INSERT INTO bookmarks (account, name, value, updated_ts) VALUES "
		"(?, ?, ?, ?) ON CONFLICT (account, name) DO UPDATE SET value = excluded.value, "
		"updated_ts = excluded.updated_ts",
	[SQL_GET_BOOKMARK] = "SELECT value FROM bookmarks WHERE account = ? AND name = ?",
	[SQL_PUT_PRICE] = STORE_SQL_PUT_PRICE,
	[SQL_PUT_FEED_HEALTH] = STORE_SQL_PUT_FEED_HEALTH,
	[SQL_EACH_PRICE] = STORE_SQL_EACH_PRICE,
	[SQL_EACH_FEED_HEALTH] = STORE_SQL_EACH_FEED_HEALTH,
};

/* ---- writing ---- */

static void u64(row_out *o, uint64_t v)
{
	/* uint64 ids keep their bits in the databases' signed 64-bit integers. */
	o->i64(o, (int64_t)v);
}

static void bind_head(row_out *o, const store_rec *r)
{
	o->i64(o, store_key(r->account, r->seq));
	o->i64(o, r->account);
	u64(o, r->seq);
	o->i64(o, r->type);
	o->i64(o, r->ts);
	u64(o, r->order_id);
	o->i64(o, r->status);
	o->i64(o, r->reason);
}

static void bind_plan(row_out *o, const exit_plan *p)
{
	o->i64(o, p->kind);
	o->i64(o, p->tp);
	o->i64(o, p->sl);
	o->i64(o, p->max_hold);
}

static void bind_order_full(row_out *o, const store_rec *r)
{
	const order *x = &r->ord;
	o->text(o, r->symbol);
	o->i64(o, x->side);
	o->i64(o, x->type);
	o->i64(o, x->tif);
	o->i64(o, x->status);
	o->i64(o, x->reason);
	o->i64(o, x->exit_reason);
	o->i64(o, x->triggered);
	o->i64(o, x->qty);
	o->i64(o, x->filled);
	o->i64(o, x->limit);
	o->i64(o, x->stop);
	o->i64(o, x->fill_notional);
	o->i64(o, x->fees);
	u64(o, x->oco_group);
	o->i64(o, x->submitted);
	o->i64(o, x->updated);
	o->f64(o, x->confidence);
	o->text(o, x->client_id);
	o->text(o, x->strategy);
	o->text(o, x->signal_id);
	bind_plan(o, &x->plan);
}

static void bind_fill(row_out *o, const store_rec *r)
{
	const fill *f = &r->f;
	o->text(o, r->symbol);
	o->i64(o, f->side);
	o->i64(o, f->qty);
	o->i64(o, f->price);
	o->i64(o, f->fee);
	o->i64(o, f->ref_price);
	o->i64(o, f->alt_price);
	u64(o, f->seq);
	o->i64(o, f->reason);
	o->i64(o, f->flags);
	o->i64(o, r->realized);
}

/* The round trip a fill closes, in the columns a restored position uses for its trip. */
static void bind_trade(row_out *o, const trade *t)
{
	u64(o, t->id);
	o->i64(o, t->direction);
	o->i64(o, t->entry_ts);
	o->i64(o, t->qty);
	o->i64(o, t->entry_notional);
	o->i64(o, t->exit_qty);
	o->i64(o, t->exit_notional);
	o->i64(o, t->pnl);
	o->i64(o, t->fees);
	o->i64(o, t->exit_reason);
	o->f64(o, t->confidence);
	o->text(o, t->strategy);
	o->text(o, t->signal_id);
}

/* Cancel, expiry, fill-time rejection, trigger, replace: the order's terms for people. */
static void bind_order_change(row_out *o, const store_rec *r)
{
	bool replaced = r->type == PAPER_EVENT_ORDER_REPLACED;
	o->text(o, r->symbol);
	o->i64(o, r->ord.side);
	o->i64(o, replaced ? r->qty : r->ord.qty);
	o->i64(o, replaced ? r->limit : r->ord.limit);
	o->i64(o, replaced ? r->stop : r->ord.stop);
}

static void bind_position(row_out *o, const store_rec *r)
{
	const position *p = &r->pos;
	o->text(o, r->symbol);
	o->i64(o, p->qty);
	o->i64(o, p->basis);
	o->i64(o, p->entry_ts);
	o->i64(o, p->entry_qty);
	o->i64(o, p->entry_notional);
	o->i64(o, p->exit_qty);
	o->i64(o, p->exit_notional);
	o->i64(o, p->realized);
	o->i64(o, p->fees);
	o->i64(o, p->direction);
	o->f64(o, p->confidence);
	o->text(o, p->strategy);
	o->text(o, p->signal_id);
	bind_plan(o, &p->plan);
}

store_sql store_event_sql(const store_rec *r)
{
	switch (r->type) {
	case PAPER_EVENT_ORDER_ACCEPTED:
		return SQL_INS_ORDER_FULL;
	case PAPER_EVENT_ORDER_REJECTED:
		return r->has_order ? SQL_INS_ORDER_FULL : SQL_INS_ORDER_CHANGE;
	case PAPER_EVENT_FILL:
		return r->has_trade ? SQL_INS_FILL_TRADE : SQL_INS_FILL;
	case PAPER_EVENT_SNAPSHOT:
		return SQL_INS_SNAPSHOT;
	case PAPER_EVENT_HALT:
		return SQL_INS_HALT;
	case PAPER_EVENT_ACCOUNT_RESTORED:
		return SQL_INS_ACCOUNT_RESTORED;
	case PAPER_EVENT_POSITION_RESTORED:
		return SQL_INS_POSITION_RESTORED;
	default:
		return SQL_INS_ORDER_CHANGE;
	}
}

void store_bind_event(row_out *o, store_sql id, const store_rec *r)
{
	bind_head(o, r);
	switch (id) {
	case SQL_INS_ORDER_FULL:
		bind_order_full(o, r);
		break;
	case SQL_INS_FILL:
		bind_fill(o, r);
		break;
	case SQL_INS_FILL_TRADE:
		bind_fill(o, r);
		bind_trade(o, &r->trade);
		break;
	case SQL_INS_SNAPSHOT:
		o->i64(o, r->day_start);
		o->i64(o, r->equity);
		o->i64(o, r->cash);
		o->i64(o, r->value);
		break;
	case SQL_INS_HALT:
		o->i64(o, r->halt_kind);
		break;
	case SQL_INS_ACCOUNT_RESTORED:
		o->i64(o, r->cash);
		o->i64(o, r->realized);
		o->i64(o, r->fees);
		break;
	case SQL_INS_POSITION_RESTORED:
		bind_position(o, r);
		break;
	default:
		bind_order_change(o, r);
		break;
	}
}

store_sql store_order_row_sql(const store_writes *w)
{
	return w->order == STORE_ORDER_INSERT ? SQL_INS_ORDER_ROW : SQL_UPD_ORDER_ROW;
}

/* The order's mutable state; its terms stay in the ORDER_ACCEPTED event (view orders). */
void store_bind_order_row(row_out *o, const store_rec *r, const store_writes *w)
{
	const order *x = &r->ord;
	bool insert = w->order == STORE_ORDER_INSERT;
	if (insert) {
		o->i64(o, store_key(r->account, x->id));
		o->i64(o, r->account);
		u64(o, x->id);
		o->i64(o, store_key(r->account, w->accepted_seq));
	}
	o->i64(o, x->status);
	o->i64(o, x->reason);
	o->i64(o, x->triggered);
	o->i64(o, x->qty);
	o->i64(o, x->filled);
	o->i64(o, x->limit);
	o->i64(o, x->stop);
	o->i64(o, x->fill_notional);
	o->i64(o, x->fees);
	o->i64(o, x->updated);
	if (!insert)
		o->i64(o, store_key(r->account, x->id));
}

void store_bind_account_state(row_out *o, const store_rec *r)
{
	o->i64(o, r->account);
	u64(o, r->seq);
	o->i64(o, r->ts);
	o->i64(o, r->after.cash);
	o->i64(o, r->after.realized);
	o->i64(o, r->after.fees);
	u64(o, r->after.fills);
	u64(o, r->after.trades);
}

/* The position after a fill or a restore; price_e8 is what values it until a mark is saved:
 * the fill's price, or a restored position's average price. */
void store_bind_position_state(row_out *o, const store_rec *r)
{
	const position *p = &r->pos;
	bool filled = r->type == PAPER_EVENT_FILL;
	int64_t price = filled ? r->f.price
		      : p->qty ? fx_muldiv(p->basis, FX_SCALE, fx_abs(p->qty)) : 0;
	o->i64(o, r->account);
	o->text(o, r->symbol);
	o->i64(o, p->qty);
	o->i64(o, p->basis);
	o->i64(o, p->entry_ts);
	o->i64(o, p->realized);
	o->i64(o, p->fees);
	o->i64(o, price);
	o->i64(o, filled ? r->f.ts : r->ts);
	u64(o, r->seq);
	o->text(o, p->strategy);
	o->text(o, p->signal_id);
	o->f64(o, p->confidence);
	bind_plan(o, &p->plan);
}

void store_bind_mark(row_out *o, const store_mark *m)
{
	o->i64(o, m->account);
	o->text(o, m->symbol);
	o->i64(o, m->price);
	o->i64(o, m->ts);
}

static const char *const status_names[] = { "pending", "executed", "skipped", "rejected" };

static const char *side_name(paper_side side)
{
	return side == PAPER_SIDE_BUY ? "buy" : "sell";
}

void store_bind_decision_add(row_out *o, const char *account, const paper_decision *d)
{
	o->text(o, account);
	o->i64(o, d->created_ts);
	o->text(o, d->symbol);
	o->text(o, side_name(d->side));
	o->f64(o, d->confidence);
	o->text(o, d->reasoning);
	o->f64(o, d->take_profit);
	o->f64(o, d->stop_loss);
	o->f64(o, d->risk);
	o->f64(o, d->current_price);
}

void store_bind_decision_put(row_out *o, const char *account, const store_decision *d)
{
	store_bind_decision_add(o, account, &d->d);
	o->text(o, status_names[d->d.status]);
	u64(o, d->d.order_id);
	if (d->processed_ts)
		o->i64(o, d->processed_ts);
	else
		o->null(o);
	o->text(o, d->outcome);
}

void store_bind_decision_mark(row_out *o, int64_t id, paper_decision_status status,
			      uint64_t order_id, paper_ts now, const char *outcome)
{
	o->text(o, status_names[status]);
	u64(o, order_id);
	o->i64(o, now);
	o->text(o, outcome ? outcome : "");
	o->i64(o, id);
}

void store_bind_bookmark(row_out *o, const store_bookmark *b)
{
	o->i64(o, b->account);
	o->text(o, b->name);
	o->text(o, b->value);
	o->i64(o, b->updated_ts);
}

void store_bind_range(row_out *o, int64_t account)
{
	store_bind_range_from(o, account, 1);
}

void store_bind_range_from(row_out *o, int64_t account, uint64_t from)
{
	o->i64(o, store_key(account, from));
	o->i64(o, store_key(account + 1, 0) - 1);
}

/* ---- an event as text ---- */

typedef struct text_out {
	row_out base; /* first: the binders call back with it */
	GString *s;
} text_out;

static void t_i64(row_out *o, int64_t v)
{
	g_string_append_printf(((text_out *)o)->s, "%" G_GINT64_FORMAT "|", v);
}

static void t_f64(row_out *o, double v)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	g_string_append_printf(((text_out *)o)->s, "%s|", g_ascii_dtostr(buf, sizeof buf, v));
}

static void t_text(row_out *o, const char *v)
{
	g_string_append_printf(((text_out *)o)->s, "'%s'|", v);
}

static void t_null(row_out *o)
{
	g_string_append(((text_out *)o)->s, "null|");
}

char *store_event_text(const store_rec *r)
{
	text_out o = { { t_i64, t_f64, t_text, t_null }, g_string_new(NULL) };
	store_sql id = store_event_sql(r);
	g_string_append_printf(o.s, "%d:", (int)id);
	store_bind_event(&o.base, id, r);
	return g_string_free(o.s, FALSE);
}

/* ---- reading events ---- */

/* Columns of SQL_EACH_EVENT, in the order EVENT_COLS lists them. */
enum {
	E_SEQ, E_TYPE, E_TS, E_ORDER_ID, E_STATUS, E_REASON, E_SYMBOL, E_SIDE, E_ORDER_TYPE, E_TIF,
	E_ORDER_STATUS, E_ORDER_REASON, E_EXIT_REASON, E_TRIGGERED, E_QTY, E_FILLED, E_LIMIT,
	E_STOP, E_FILL_NOTIONAL, E_ORDER_FEES, E_OCO_GROUP, E_SUBMITTED, E_UPDATED, E_CONFIDENCE,
	E_CLIENT_ID, E_STRATEGY, E_SIGNAL_ID, E_FILL_SEQ, E_FILL_REASON, E_FILL_FLAGS, E_PRICE,
	E_FEE, E_REF_PRICE, E_ALT_PRICE, E_HALT_KIND, E_DAY_START, E_EQUITY, E_CASH, E_VALUE,
	E_REALIZED, E_FEES, E_BASIS, E_ENTRY_TS, E_ENTRY_QTY, E_ENTRY_NOTIONAL, E_EXIT_QTY,
	E_EXIT_NOTIONAL, E_DIRECTION, E_EXIT_PLAN, E_PLAN_TP, E_PLAN_SL, E_PLAN_MAX_HOLD
};

static uint8_t u8(const row_in *in, int col)
{
	return (uint8_t)in->i64(in, col);
}

static int read_tags(const row_in *in, int strategy_col, char *strategy, char *signal_id)
{
	int rc = in->text(in, strategy_col, strategy, PAPER_TAG_MAX + 1, "a strategy tag");
	return rc ? rc : in->text(in, strategy_col + 1, signal_id, PAPER_ID_MAX + 1, "a signal id");
}

/* NULL in the events of a ledger older than schema version 4: no plan. */
static void read_plan(const row_in *in, exit_plan *p)
{
	p->kind = u8(in, E_EXIT_PLAN);
	p->tp = in->i64(in, E_PLAN_TP);
	p->sl = in->i64(in, E_PLAN_SL);
	p->max_hold = in->i64(in, E_PLAN_MAX_HOLD);
}

static int read_order_event(const row_in *in, store_rec *r)
{
	order *o = &r->ord;
	r->has_order = true;
	o->id = r->order_id;
	o->side = u8(in, E_SIDE);
	o->type = u8(in, E_ORDER_TYPE);
	o->tif = u8(in, E_TIF);
	o->status = u8(in, E_ORDER_STATUS);
	o->reason = u8(in, E_ORDER_REASON);
	o->exit_reason = u8(in, E_EXIT_REASON);
	o->triggered = in->i64(in, E_TRIGGERED) != 0;
	o->qty = in->i64(in, E_QTY);
	o->filled = in->i64(in, E_FILLED);
	o->limit = in->i64(in, E_LIMIT);
	o->stop = in->i64(in, E_STOP);
	o->fill_notional = in->i64(in, E_FILL_NOTIONAL);
	o->fees = in->i64(in, E_ORDER_FEES);
	o->oco_group = (uint64_t)in->i64(in, E_OCO_GROUP);
	o->submitted = in->i64(in, E_SUBMITTED);
	o->updated = in->i64(in, E_UPDATED);
	o->confidence = in->f64(in, E_CONFIDENCE);
	read_plan(in, &o->plan);
	int rc = in->text(in, E_CLIENT_ID, o->client_id, sizeof o->client_id, "a client id");
	return rc ? rc : read_tags(in, E_STRATEGY, o->strategy, o->signal_id);
}

static void read_fill(const row_in *in, store_rec *r)
{
	fill *f = &r->f;
	f->seq = (uint64_t)in->i64(in, E_FILL_SEQ);
	f->order_id = r->order_id;
	f->side = u8(in, E_SIDE);
	f->reason = u8(in, E_FILL_REASON);
	f->flags = (uint32_t)in->i64(in, E_FILL_FLAGS);
	f->ts = r->ts;
	f->qty = in->i64(in, E_QTY);
	f->price = in->i64(in, E_PRICE);
	f->fee = in->i64(in, E_FEE);
	f->ref_price = in->i64(in, E_REF_PRICE);
	f->alt_price = in->i64(in, E_ALT_PRICE);
	r->realized = in->i64(in, E_REALIZED);
}

static int read_position(const row_in *in, store_rec *r)
{
	position *p = &r->pos;
	p->qty = in->i64(in, E_QTY);
	p->basis = in->i64(in, E_BASIS);
	p->entry_ts = in->i64(in, E_ENTRY_TS);
	p->entry_qty = in->i64(in, E_ENTRY_QTY);
	p->entry_notional = in->i64(in, E_ENTRY_NOTIONAL);
	p->exit_qty = in->i64(in, E_EXIT_QTY);
	p->exit_notional = in->i64(in, E_EXIT_NOTIONAL);
	p->realized = in->i64(in, E_REALIZED);
	p->fees = in->i64(in, E_FEES);
	p->direction = u8(in, E_DIRECTION);
	p->confidence = in->f64(in, E_CONFIDENCE);
	read_plan(in, &p->plan);
	return read_tags(in, E_STRATEGY, p->strategy, p->signal_id);
}

/* An order event's terms for people (SQL_INS_ORDER_CHANGE): not replayed, but read back so
 * the record writes the same row again (store_event_text). */
static void read_terms(const row_in *in, store_rec *r)
{
	r->ord.side = u8(in, E_SIDE);
	r->ord.qty = in->i64(in, E_QTY);
	r->ord.limit = in->i64(in, E_LIMIT);
	r->ord.stop = in->i64(in, E_STOP);
}

store_event_walk *store_event_walk_new(int64_t account, store_rec_cb cb, void *ctx)
{
	store_event_walk *w = g_new(store_event_walk, 1);
	w->account = account;
	w->cb = cb;
	w->ctx = ctx;
	return w;
}

int store_event_walk_row(const row_in *in, void *walk)
{
	store_event_walk *w = walk;
	memset(&w->rec, 0, sizeof w->rec);
	w->rec.account = w->account;
	int rc = store_read_event(in, &w->rec);
	return rc ? rc : w->cb(w->ctx, &w->rec);
}

int store_mark_walk_row(const row_in *in, void *walk)
{
	const store_mark_walk *w = walk;
	store_mark m;
	int rc = store_read_mark(in, w->account, &m);
	return rc ? rc : w->cb(w->ctx, &m);
}

int store_order_walk_row(const row_in *in, void *walk)
{
	const store_item_walk *w = walk;
	order o;
	char symbol[PAPER_SYMBOL_MAX + 1];
	int rc = store_read_order(in, &o, symbol);
	return rc ? rc : w->cb.order(w->ctx, &o, symbol);
}

int store_trade_walk_row(const row_in *in, void *walk)
{
	const store_item_walk *w = walk;
	trade t;
	char symbol[PAPER_SYMBOL_MAX + 1];
	int rc = store_read_trade(in, &t, symbol);
	return rc ? rc : w->cb.trade(w->ctx, &t, symbol);
}

/* A row the reader cannot take still pending is handed on rejected, with the reason. */
int store_decision_walk_row(const row_in *in, void *walk)
{
	const store_item_walk *w = walk;
	store_decision d;
	char why[192];
	int rc = store_read_decision(in, &d, why, sizeof why);
	d.readable = rc == PAPER_OK;
	if (rc == PAPER_EFORMAT && d.d.status == PAPER_DECISION_PENDING) {
		d.d.status = PAPER_DECISION_REJECTED;
		g_strlcpy(d.outcome, why, sizeof d.outcome);
	}
	return rc && rc != PAPER_EFORMAT ? rc : w->cb.decision(w->ctx, &d);
}

int store_read_event(const row_in *in, store_rec *r)
{
	r->seq = (uint64_t)in->i64(in, E_SEQ);
	r->type = u8(in, E_TYPE);
	r->ts = in->i64(in, E_TS);
	r->order_id = (uint64_t)in->i64(in, E_ORDER_ID);
	r->status = u8(in, E_STATUS);
	r->reason = u8(in, E_REASON);
	int rc = in->text(in, E_SYMBOL, r->symbol, sizeof r->symbol, "a symbol");
	if (rc != PAPER_OK)
		return rc;
	switch (r->type) {
	case PAPER_EVENT_ORDER_ACCEPTED:
		return read_order_event(in, r);
	case PAPER_EVENT_ORDER_REJECTED:
		if (r->order_id == 0)
			return read_order_event(in, r);
		read_terms(in, r);
		return PAPER_OK;
	case PAPER_EVENT_FILL:
		read_fill(in, r);
		return PAPER_OK;
	case PAPER_EVENT_ORDER_REPLACED:
		r->ord.side = u8(in, E_SIDE);
		r->qty = in->i64(in, E_QTY);
		r->limit = in->i64(in, E_LIMIT);
		r->stop = in->i64(in, E_STOP);
		return PAPER_OK;
	case PAPER_EVENT_SNAPSHOT:
		r->day_start = in->i64(in, E_DAY_START) != 0;
		r->equity = in->i64(in, E_EQUITY);
		r->cash = in->i64(in, E_CASH);
		r->value = in->i64(in, E_VALUE);
		return PAPER_OK;
	case PAPER_EVENT_HALT:
		r->halt_kind = u8(in, E_HALT_KIND);
		return PAPER_OK;
	case PAPER_EVENT_ACCOUNT_RESTORED:
		r->cash = in->i64(in, E_CASH);
		r->realized = in->i64(in, E_REALIZED);
		r->fees = in->i64(in, E_FEES);
		return PAPER_OK;
	case PAPER_EVENT_POSITION_RESTORED:
		return read_position(in, r);
	default:
		read_terms(in, r);
		return PAPER_OK;
	}
}

/* ---- reading orders, trades, marks, decisions ---- */

/* Columns of SQL_EACH_ORDER: the order id, its symbol, then the order's fields. */
int store_read_order(const row_in *in, order *o, char *symbol)
{
	memset(o, 0, sizeof *o);
	o->id = (uint64_t)in->i64(in, 0);
	o->side = u8(in, 2);
	o->type = u8(in, 3);
	o->tif = u8(in, 4);
	o->status = u8(in, 5);
	o->reason = u8(in, 6);
	o->exit_reason = u8(in, 7);
	o->triggered = in->i64(in, 8) != 0;
	o->qty = in->i64(in, 9);
	o->filled = in->i64(in, 10);
	o->limit = in->i64(in, 11);
	o->stop = in->i64(in, 12);
	o->fill_notional = in->i64(in, 13);
	o->fees = in->i64(in, 14);
	o->oco_group = (uint64_t)in->i64(in, 15);
	o->submitted = in->i64(in, 16);
	o->updated = in->i64(in, 17);
	o->confidence = in->f64(in, 18);
	int rc = in->text(in, 1, symbol, PAPER_SYMBOL_MAX + 1, "an order's symbol");
	if (rc == PAPER_OK)
		rc = in->text(in, 19, o->client_id, sizeof o->client_id, "a client id");
	return rc ? rc : read_tags(in, 20, o->strategy, o->signal_id);
}

int store_read_trade(const row_in *in, trade *t, char *symbol)
{
	memset(t, 0, sizeof *t);
	t->id = (uint64_t)in->i64(in, 0);
	t->direction = u8(in, 2);
	t->entry_ts = in->i64(in, 3);
	t->exit_ts = in->i64(in, 4);
	t->qty = in->i64(in, 5);
	t->entry_notional = in->i64(in, 6);
	t->exit_qty = in->i64(in, 7);
	t->exit_notional = in->i64(in, 8);
	t->pnl = in->i64(in, 9);
	t->fees = in->i64(in, 10);
	t->exit_reason = u8(in, 11);
	t->confidence = in->f64(in, 12);
	int rc = in->text(in, 1, symbol, PAPER_SYMBOL_MAX + 1, "a trade's symbol");
	return rc ? rc : read_tags(in, 13, t->strategy, t->signal_id);
}

int store_read_mark(const row_in *in, int64_t account, store_mark *m)
{
	memset(m, 0, sizeof *m);
	m->account = account;
	m->price = in->i64(in, 1);
	m->ts = in->i64(in, 2);
	return in->text(in, 0, m->symbol, sizeof m->symbol, "a mark's symbol");
}

/* The index of the stored name in names, or -1. */
static int name_index(const char *text, const char *const *names, size_t n)
{
	for (size_t i = 0; text && i < n; i++)
		if (strcmp(text, names[i]) == 0)
			return (int)i;
	return -1;
}

/* Stored bytes fit to be shown: printable ASCII, anything else '?', cut to cap - 1. */
static void shown(const char *raw, char *out, size_t cap)
{
	size_t n = 0;
	for (; raw && raw[n] && n + 1 < cap; n++)
		out[n] = raw[n] > 0x20 && raw[n] < 0x7f ? raw[n] : '?';
	out[n] = '\0';
}

/*
 * The symbol, or why the reader cannot take it: any program may write the inbox, so a bad
 * row is the writer's mistake, not a corrupt ledger. Its symbol is then kept as shown().
 */
static bool read_symbol(const row_in *in, paper_decision *x, char *why, size_t cap)
{
	const char *raw = in->raw(in, 2);
	int rc = in->text(in, 2, x->symbol, sizeof x->symbol, "a decision's symbol");
	if (rc == PAPER_OK && paper__symbol_valid(x->symbol))
		return true;
	size_t n = raw ? strlen(raw) : 0;
	shown(raw, x->symbol, sizeof x->symbol);
	if (n > PAPER_SYMBOL_MAX)
		snprintf(why, cap, "the symbol is %zu bytes long (at most %d)", n, PAPER_SYMBOL_MAX);
	else if (rc != PAPER_OK)
		snprintf(why, cap, "the symbol holds a NUL byte");
	else if (n == 0)
		snprintf(why, cap, "the symbol is empty");
	else
		snprintf(why, cap, "the symbol '%s' is not 1 to %d bytes of A-Z a-z 0-9 . _ / : ^ = -",
			 x->symbol, PAPER_SYMBOL_MAX);
	return false;
}

/* Columns: DECISION_COLS. */
int store_read_decision(const row_in *in, store_decision *d, char *why, size_t why_cap)
{
	static const char *const sides[] = { "buy", "sell" };
	memset(d, 0, sizeof *d);
	paper_decision *x = &d->d;
	x->version = PAPER_DECISION_VERSION;
	x->id = in->i64(in, 0);
	x->created_ts = in->i64(in, 1);
	int status = name_index(in->raw(in, 9), status_names, G_N_ELEMENTS(status_names));
	if (status < 0) { /* the schema's CHECK allows no other: not a writer's mistake */
		char seen[32];
		shown(in->raw(in, 9), seen, sizeof seen);
		return paper__error(PAPER_ECORRUPT, "ledger '%s': decision %lld has status '%s'",
				    in->ledger, (long long)x->id, seen);
	}
	x->status = (paper_decision_status)status;
	x->confidence = in->f64(in, 4);
	/* Free text written by any program: cut to fit, as the API promises, never inside a
	 * character. Returned as written; libpaper never prints or logs it. */
	const char *text = in->raw(in, 5);
	g_strlcpy(x->reasoning, text ? text : "", sizeof x->reasoning);
	paper__text_trim_cut(x->reasoning);
	x->take_profit = in->f64(in, 6);
	x->stop_loss = in->f64(in, 7);
	x->order_id = (uint64_t)in->i64(in, 8);
	d->processed_ts = in->i64(in, 10);
	text = in->raw(in, 11);
	g_strlcpy(d->outcome, text ? text : "", sizeof d->outcome);
	x->risk = in->f64(in, 12);
	x->current_price = in->f64(in, 13);
	bool ok = read_symbol(in, x, why, why_cap);
	int side = name_index(in->raw(in, 3), sides, G_N_ELEMENTS(sides));
	x->side = side == 1 ? PAPER_SIDE_SELL : PAPER_SIDE_BUY;
	if (ok && side < 0) {
		char seen[32];
		shown(in->raw(in, 3), seen, sizeof seen);
		snprintf(why, why_cap, "side '%s' is not buy or sell", seen);
		ok = false;
	}
	if (ok && !(x->confidence >= 0.0 && x->confidence <= 1.0)) {
		snprintf(why, why_cap, "confidence %g is not in [0, 1]", x->confidence);
		ok = false;
	}
	if (ok && !(x->risk >= 0.0 && x->risk <= 1.0)) {
		snprintf(why, why_cap, "risk %g is not in [0, 1]", x->risk);
		ok = false;
	}
	if (ok && !(x->current_price >= 0.0 && x->current_price <= FX_MAX_DOUBLE)) {
		snprintf(why, why_cap, "current_price %g is not a price (or 0: none)",
			 x->current_price);
		ok = false;
	}
	return ok ? PAPER_OK : PAPER_EFORMAT;
}

int store_pending_walk_row(const row_in *in, void *walk)
{
	store_pending_walk *w = walk;
	store_decision d;
	store_bad_decision bad = { 0 };
	int rc = store_read_decision(in, &d, bad.why, sizeof bad.why);
	if (rc == PAPER_OK) {
		w->out[w->n++] = d.d;
	} else if (rc == PAPER_EFORMAT) {
		bad.id = d.d.id;
		g_array_append_val(w->bad, bad);
		rc = PAPER_OK;
	}
	return rc;
}
