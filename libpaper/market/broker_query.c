/* Reading a broker: copies of its account, positions, orders, trades and fills. */
#include <stddef.h>
#include <string.h>

#include "base/error.h"
#include "base/fixed.h"
#include "market/account.h"
#include "market/broker.h"
#include "market/broker_store.h"
#include "market/orders.h"
#include "market/risk.h"

#define CHECK_OUT(out, VERSION, name)                                                        \
	do {                                                                                 \
		PAPER__CHECK_NULL(out, "out");                                               \
		if ((out)->version != (VERSION))                                             \
			return paper__error(PAPER_EVERSION, "%s version %u unsupported "     \
					    "(expected %u)", name, (out)->version, VERSION); \
	} while (0)

/* Average price per unit, rounded in fixed-point first so 7 fills at 9.55 read back as 9.55;
 * a contract's multiplier divides the money back out. */
static double avg(const instrument *s, int64_t notional, int64_t qty)
{
	return fx_to_double(account_avg_price(s, notional, qty));
}

PAPER_API int paper_broker_account(const paper_broker *b, paper_account_info *out)
{
	PAPER__CHECK_NULL(b, "broker");
	CHECK_OUT(out, PAPER_ACCOUNT_INFO_VERSION, "paper_account_info");
	int64_t lv, sv, u;
	account_values(b, &lv, &sv, &u);
	int64_t equity = account_equity(b);

	memset(out, 0, sizeof *out);
	out->version = PAPER_ACCOUNT_INFO_VERSION;
	out->ts = b->clock;
	out->starting_cash = fx_to_double(b->p.starting_cash);
	out->cash = fx_to_double(b->cash);
	out->equity = fx_to_double(equity);
	out->long_value = fx_to_double(lv);
	out->short_value = fx_to_double(sv);
	out->realized_pnl = fx_to_double(b->realized);
	out->unrealized_pnl = fx_to_double(u);
	out->fees = fx_to_double(b->fees);
	/* In doubles: equity less the margin in use can pass the int64 range near the limits.
	 * Futures' initial margin and short puts' cash are set aside (risk_reserved()). */
	fx_wide reserved, margined;
	risk_reserved(b, &reserved, &margined);
	out->buying_power = b->p.margin
		? (fx_to_double(equity) -
		   fx_to_double(fx_mul((int64_t)(lv + sv - margined), b->p.initial_margin)) -
		   (double)reserved / (double)FX_SCALE) / fx_to_double(b->p.initial_margin)
		: fx_to_double(b->cash) - (double)reserved / (double)FX_SCALE;
	out->day_start_equity = fx_to_double(b->day_start_equity);
	out->open_orders = b->n_open;
	out->open_positions = b->n_positions;
	out->fills = b->n_fills;
	out->closed_trades = b->n_trades;
	out->rejections = b->n_rejections;
	out->halted = b->halted_manual || b->halted_daily;
	out->starting_cash_e8 = b->p.starting_cash;
	out->cash_e8 = b->cash;
	out->realized_pnl_e8 = b->realized;
	out->fees_e8 = b->fees;
	return PAPER_OK;
}

/* A version 1 paper_position_info ends before fees. */
#define POSITION_INFO_V1_SIZE offsetof(paper_position_info, fees)

static int check_position_out(const paper_position_info *out)
{
	PAPER__CHECK_NULL(out, "out");
	if (out->version != 1 && out->version != PAPER_POSITION_INFO_VERSION)
		return paper__error(PAPER_EVERSION, "paper_position_info version %u unsupported "
				    "(expected %u)", out->version, PAPER_POSITION_INFO_VERSION);
	return PAPER_OK;
}

static void position_fill(const instrument *s, paper_position_info *out)
{
	const position *p = &s->pos;
	int64_t held = fx_abs(p->qty);
	/* The notional value (qty x mark x multiplier): kept at the mark by account.c, except
	 * for a future, whose kept value is its unrealized P&L. */
	int64_t value = account_margined(s) ? fx_mul3_sat(held, s->mark, s->c.mult)
					    : fx_abs(s->value);

	memset(out, 0, sizeof *out);
	out->version = PAPER_POSITION_INFO_VERSION;
	memcpy(out->symbol, s->name, sizeof out->symbol);
	out->direction = p->qty > 0 ? PAPER_LONG : PAPER_SHORT;
	out->qty = fx_to_double(p->qty);
	out->avg_price = avg(s, p->basis, held);
	out->cost_basis = fx_to_double(p->basis);
	out->market_price = fx_to_double(s->mark);
	out->market_value = fx_to_double(p->qty > 0 ? value : -value);
	out->unrealized_pnl = fx_to_double(p->qty > 0 ? value - p->basis : p->basis - value);
	out->realized_pnl = fx_to_double(p->realized);
	out->opened_ts = p->entry_ts;
	out->marked_ts = s->mark_ts;
	out->qty_e8 = p->qty;
	out->cost_basis_e8 = p->basis;
	out->fees = fx_to_double(p->fees);
	out->realized_pnl_e8 = p->realized;
	out->fees_e8 = p->fees;
}

/* Only the fields of the caller's version are written. */
static void position_info(const instrument *s, paper_position_info *out)
{
	paper_position_info all;
	unsigned int version = out->version;
	position_fill(s, &all);
	all.version = version;
	memcpy(out, &all, version == 1 ? POSITION_INFO_V1_SIZE : sizeof all);
}

PAPER_API int paper_broker_position(const paper_broker *b, const char *symbol,
				    paper_position_info *out)
{
	PAPER__CHECK_NULL(b, "broker");
	PAPER__CHECK_NULL(symbol, "symbol");
	int rc = check_position_out(out);
	if (rc != PAPER_OK)
		return rc;
	int64_t sym = paper__broker_symbol_find(b, symbol);
	if (sym < 0 || b->syms[sym].pos.qty == 0)
		return paper__error(PAPER_ENOTFOUND, "no open position in %s", symbol);
	position_info(&b->syms[sym], out);
	return PAPER_OK;
}

PAPER_API size_t paper_broker_position_count(const paper_broker *b)
{
	return b ? b->n_positions : 0;
}

PAPER_API int paper_broker_position_at(const paper_broker *b, size_t index,
				       paper_position_info *out)
{
	PAPER__CHECK_NULL(b, "broker");
	int rc = check_position_out(out);
	if (rc != PAPER_OK)
		return rc;
	if (index >= b->n_positions)
		return paper__error(PAPER_ERANGE, "position index %zu >= %u", index, b->n_positions);
	position_info(&b->syms[b->positions[index]], out);
	return PAPER_OK;
}

static void order_info(const paper_broker *b, const order *o, paper_order_info *out)
{
	memset(out, 0, sizeof *out);
	out->version = PAPER_ORDER_INFO_VERSION;
	out->id = o->id;
	memcpy(out->symbol, b->syms[o->sym].name, sizeof out->symbol);
	out->side = o->side;
	out->type = o->type;
	out->tif = o->tif;
	out->status = o->status;
	out->reason = o->reason;
	out->qty = fx_to_double(o->qty);
	out->filled_qty = fx_to_double(o->filled);
	out->avg_fill_price = avg(&b->syms[o->sym], o->fill_notional, o->filled);
	out->limit_price = fx_to_double(o->limit);
	out->stop_price = fx_to_double(o->stop);
	out->fees = fx_to_double(o->fees);
	out->submitted_ts = o->submitted;
	out->updated_ts = o->updated;
	memcpy(out->client_id, o->client_id, sizeof out->client_id);
	memcpy(out->strategy, o->strategy, sizeof out->strategy);
	memcpy(out->signal_id, o->signal_id, sizeof out->signal_id);
	out->confidence = o->confidence;
	out->exit_reason = o->exit_reason;
	out->oco_group = o->oco_group;
}

PAPER_API int paper_broker_order(const paper_broker *b, uint64_t order_id, paper_order_info *out)
{
	PAPER__CHECK_NULL(b, "broker");
	CHECK_OUT(out, PAPER_ORDER_INFO_VERSION, "paper_order_info");
	const order *o = orders_find_open(b, order_id);
	if (o == NULL)
		o = orders_find_closed(b, order_id);
	if (o == NULL)
		return paper__error(PAPER_ENOTFOUND, "no order with id %" G_GUINT64_FORMAT
				    " in memory", order_id);
	order_info(b, o, out);
	return PAPER_OK;
}

PAPER_API size_t paper_broker_open_order_count(const paper_broker *b)
{
	return b ? b->n_open : 0;
}

PAPER_API int paper_broker_open_order_at(const paper_broker *b, size_t index,
					 paper_order_info *out)
{
	PAPER__CHECK_NULL(b, "broker");
	CHECK_OUT(out, PAPER_ORDER_INFO_VERSION, "paper_order_info");
	if (index >= b->n_open)
		return paper__error(PAPER_ERANGE, "open order index %zu >= %u", index, b->n_open);
	order_info(b, &b->slots[b->open[index]], out);
	return PAPER_OK;
}

PAPER_API size_t paper_broker_trade_count(const paper_broker *b)
{
	return b ? b->trades.len : 0;
}

PAPER_API int paper_broker_trade_at(const paper_broker *b, size_t index, paper_trade_info *out)
{
	PAPER__CHECK_NULL(b, "broker");
	CHECK_OUT(out, PAPER_TRADE_INFO_VERSION, "paper_trade_info");
	const trade *t = ring_at(&b->trades, index);
	if (t == NULL)
		return paper__error(PAPER_ERANGE, "trade index %zu >= %zu", index, b->trades.len);
	memset(out, 0, sizeof *out);
	out->version = PAPER_TRADE_INFO_VERSION;
	out->id = t->id;
	memcpy(out->symbol, b->syms[t->sym].name, sizeof out->symbol);
	out->direction = t->direction;
	out->entry_ts = t->entry_ts;
	out->exit_ts = t->exit_ts;
	out->qty = fx_to_double(t->qty);
	out->entry_price = avg(&b->syms[t->sym], t->entry_notional, t->qty);
	out->exit_price = avg(&b->syms[t->sym], t->exit_notional, t->exit_qty);
	out->pnl_gross = fx_to_double(t->pnl);
	out->fees = fx_to_double(t->fees);
	out->pnl_net = fx_to_double(t->pnl - t->fees);
	out->exit_reason = t->exit_reason;
	memcpy(out->strategy, t->strategy, sizeof out->strategy);
	memcpy(out->signal_id, t->signal_id, sizeof out->signal_id);
	out->confidence = t->confidence;
	out->pnl_gross_e8 = t->pnl;
	out->fees_e8 = t->fees;
	return PAPER_OK;
}

PAPER_API size_t paper_broker_fill_count(const paper_broker *b)
{
	return b ? b->fills.len : 0;
}

PAPER_API int paper_broker_fill_at(const paper_broker *b, size_t index, paper_fill_info *out)
{
	PAPER__CHECK_NULL(b, "broker");
	CHECK_OUT(out, PAPER_FILL_INFO_VERSION, "paper_fill_info");
	const fill *f = ring_at(&b->fills, index);
	if (f == NULL)
		return paper__error(PAPER_ERANGE, "fill index %zu >= %zu", index, b->fills.len);
	memset(out, 0, sizeof *out);
	out->version = PAPER_FILL_INFO_VERSION;
	out->seq = f->seq;
	out->order_id = f->order_id;
	memcpy(out->symbol, b->syms[f->sym].name, sizeof out->symbol);
	out->side = f->side;
	out->ts = f->ts;
	out->qty = fx_to_double(f->qty);
	out->price = fx_to_double(f->price);
	out->fee = fx_to_double(f->fee);
	out->slippage = fx_to_double(fx_abs(f->price - f->ref_price));
	out->reason = f->reason;
	out->flags = f->flags;
	out->qty_e8 = f->qty;
	out->price_e8 = f->price;
	out->fee_e8 = f->fee;
	out->alt_price = fx_to_double(f->alt_price);
	return PAPER_OK;
}

PAPER_API size_t paper_broker_equity_count(const paper_broker *b)
{
	return b ? b->equity.len : 0;
}

PAPER_API int paper_broker_equity_at(const paper_broker *b, size_t index,
				     paper_equity_info *out)
{
	PAPER__CHECK_NULL(b, "broker");
	CHECK_OUT(out, PAPER_EQUITY_INFO_VERSION, "paper_equity_info");
	const equity_point *p = ring_at(&b->equity, index);
	if (p == NULL)
		return paper__error(PAPER_ERANGE, "equity index %zu >= %zu", index, b->equity.len);
	memset(out, 0, sizeof *out);
	out->version = PAPER_EQUITY_INFO_VERSION;
	out->ts = p->ts;
	out->equity = fx_to_double(p->equity);
	out->cash = fx_to_double(p->cash);
	out->equity_e8 = p->equity;
	out->cash_e8 = p->cash;
	return PAPER_OK;
}
