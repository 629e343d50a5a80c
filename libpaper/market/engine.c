/*
 * The fill model (docs/semantics.md is its description for users):
 * - quotes: market orders take the ask (buy) or the bid (sell); limits fill when the quote is
 *   marketable, at the quote; stops trigger on the last price and then fill as market orders;
 * - bars (stamped at their open): market orders fill at the open; a limit fills at the open if
 *   the bar opens through it (the better price) or at the limit if the range reaches it; a stop
 *   fills at the open if the bar gaps through it (the worse price) or at the stop if the range
 *   reaches it;
 * - slippage moves the price against the order; limit fills never pass the limit;
 * - the volume participation cap limits a bar fill to a fraction of the bar's volume.
 */
#include "market/engine.h"

#include <math.h>

#include "base/fixed.h"
#include "base/rng.h"

static bool is_buy(const order *o)
{
	return o->side == PAPER_SIDE_BUY;
}

/* Slipped price for a fill at ref; limit fills are capped at the limit. */
int64_t engine_slip(const params *p, const order *o, const mkt *m, int64_t ref, int64_t qty,
		    bool limit_fill, uint64_t draw)
{
	double frac = p->slip_base * (limit_fill ? p->slip_limit : p->slip_market);
	if (frac == 0.0)
		return ref;
	if (m->is_bar && m->volume > 0)
		frac *= 1.0 + p->slip_impact * ((double)qty / (double)m->volume);
	if (p->slip_jitter > 0.0)
		frac *= 1.0 + p->slip_jitter * rng_symmetric(p->seed, draw);
	double px = fx_to_double(ref) * (is_buy(o) ? 1.0 + frac : 1.0 - frac) * (double)FX_SCALE;
	/* Converted only inside the range: a double beyond int64 (a sell slipped by more than
	 * its price, a huge size impact) would be undefined. Past the price limit (or NaN):
	 * saturated, and refused when the fill is planned; below one unit: one unit. */
	int64_t price = !(px < (double)FX_PRICE_MAX) ? INT64_MAX : px < 1.0 ? 1 : fx_round(px);
	if (limit_fill)
		price = is_buy(o) ? (price > o->limit ? o->limit : price)
				  : (price < o->limit ? o->limit : price);
	return price;
}

/* Limit logic against a bar from its open (at_open) or from an intrabar trigger. */
static bool bar_limit(const order *o, const mkt *m, int64_t *ref, uint8_t *reason)
{
	int64_t l = o->limit;

	if (is_buy(o) ? m->open <= l : m->open >= l) {
		*ref = m->open;
		*reason = m->open == l ? PAPER_FILL_LIMIT_TOUCHED : PAPER_FILL_LIMIT_GAP;
		return true;
	}
	if (is_buy(o) ? m->low <= l : m->high >= l) {
		*ref = l;
		*reason = PAPER_FILL_LIMIT_TOUCHED;
		return true;
	}
	return false;
}

/* Returns MATCH_FILL with ref/reason/limit_fill, MATCH_TRIGGER, or MATCH_NONE. */
static match_kind bar_decide(const order *o, const mkt *m, int64_t *ref, uint8_t *reason,
			     bool *limit_fill)
{
	bool buy = is_buy(o);

	switch (o->type) {
	case PAPER_ORDER_MARKET:
		*ref = m->open;
		*reason = PAPER_FILL_MARKET_OPEN;
		return MATCH_FILL;
	case PAPER_ORDER_LIMIT:
		*limit_fill = true;
		return bar_limit(o, m, ref, reason) ? MATCH_FILL : MATCH_NONE;
	case PAPER_ORDER_STOP:
		if (buy ? m->open >= o->stop : m->open <= o->stop) {
			*ref = m->open;
			*reason = m->open == o->stop ? PAPER_FILL_STOP_TRIGGERED : PAPER_FILL_STOP_GAP;
			return MATCH_FILL;
		}
		if (buy ? m->high >= o->stop : m->low <= o->stop) {
			*ref = o->stop;
			*reason = PAPER_FILL_STOP_TRIGGERED;
			return MATCH_FILL;
		}
		return MATCH_NONE;
	case PAPER_ORDER_STOP_LIMIT:
		*limit_fill = true;
		if (o->triggered || (buy ? m->open >= o->stop : m->open <= o->stop))
			return bar_limit(o, m, ref, reason) ? MATCH_FILL
			       : o->triggered ? MATCH_NONE : MATCH_TRIGGER;
		if (buy ? m->high >= o->stop : m->low <= o->stop) {
			/* Triggered inside the bar at the stop. Whether the range after that point
			 * reaches a limit beyond the stop is unknowable; only a limit at or past
			 * the stop fills now, at the stop. */
			if (buy ? o->limit >= o->stop : o->limit <= o->stop) {
				*ref = o->stop;
				*reason = PAPER_FILL_STOP_TRIGGERED;
				return MATCH_FILL;
			}
			return MATCH_TRIGGER;
		}
		return MATCH_NONE;
	}
	return MATCH_NONE;
}

static match_kind quote_decide(const order *o, const mkt *m, int64_t *ref, uint8_t *reason,
			       bool *limit_fill)
{
	bool buy = is_buy(o);
	int64_t take = buy ? m->ask : m->bid;
	bool triggered = o->triggered;

	if (o->type == PAPER_ORDER_STOP || o->type == PAPER_ORDER_STOP_LIMIT)
		triggered = triggered || (buy ? m->last >= o->stop : m->last <= o->stop);

	switch (o->type) {
	case PAPER_ORDER_MARKET:
		*ref = take;
		*reason = PAPER_FILL_MARKET_QUOTE;
		return MATCH_FILL;
	case PAPER_ORDER_STOP:
		if (!triggered)
			return MATCH_NONE;
		*ref = take;
		*reason = PAPER_FILL_STOP_QUOTE;
		return MATCH_FILL;
	case PAPER_ORDER_STOP_LIMIT:
		if (!triggered)
			return MATCH_NONE;
		/* now a limit order */
		__attribute__((fallthrough));
	case PAPER_ORDER_LIMIT:
		*limit_fill = true;
		if (buy ? take <= o->limit : take >= o->limit) {
			*ref = take;
			*reason = PAPER_FILL_LIMIT_QUOTE;
			return MATCH_FILL;
		}
		return triggered && !o->triggered ? MATCH_TRIGGER : MATCH_NONE;
	}
	return MATCH_NONE;
}

match_kind engine_match(const params *p, const order *o, const mkt *m, uint64_t draw, fill_match *out)
{
	int64_t ref = 0;
	uint8_t reason = 0;
	bool limit_fill = false;
	match_kind k = m->is_bar ? bar_decide(o, m, &ref, &reason, &limit_fill)
				 : quote_decide(o, m, &ref, &reason, &limit_fill);
	if (k != MATCH_FILL)
		return k;

	int64_t qty = o->qty - o->filled;
	uint32_t flags = 0;
	if (m->is_bar && p->participation > 0.0) {
		int64_t cap = (int64_t)floor((double)m->volume * p->participation);
		if (m->lot > 1)
			cap -= cap % m->lot;
		if (cap < qty) {
			qty = cap;
			flags |= PAPER_FILL_FLAG_PARTIAL_VOLUME;
		}
		if (qty <= 0)
			return MATCH_NONE;
	}
	out->ref = ref;
	out->qty = qty;
	out->reason = reason;
	out->flags = flags;
	out->price = engine_slip(p, o, m, ref, qty, limit_fill, draw);
	return MATCH_FILL;
}

/* Saturated past int64 (fx_mul_sat()): such a fee is past the money limit, which the fill's
 * plan refuses. */
int64_t engine_commission(const params *p, const instrument *s, const order *o, int64_t qty,
			  int64_t price)
{
	int64_t fee;
	bool contracts = s->c.asset_class == PAPER_ASSET_FUTURE ||
			 s->c.asset_class == PAPER_ASSET_OPTION;
	if (contracts && p->commission_per_contract > 0)
		return fx_mul_sat(qty, p->commission_per_contract);

	switch (p->commission_model) {
	case 1:
		fee = fx_mul_sat(qty, p->commission_per_share);
		return fee < p->commission_min ? p->commission_min : fee;
	case 2:
		return o->filled == 0 ? p->commission_fixed : 0;
	default:
		/* Of the notional: price x quantity x the contract's multiplier. */
		fee = fx_mul_sat(fx_mul3_sat(qty, price, s->c.mult), p->commission_rate);
		return fee < p->commission_min ? p->commission_min : fee;
	}
}

int64_t engine_reference_price(const order *o, const instrument *s)
{
	switch (o->type) {
	case PAPER_ORDER_LIMIT:
	case PAPER_ORDER_STOP_LIMIT:
		return o->limit;
	case PAPER_ORDER_STOP:
		return o->stop;
	default:
		/* The latest data decides: after a bar, an older quote's ask is stale. */
		if (s->last_is_bar)
			return s->mark;
		if (o->side == PAPER_SIDE_BUY && s->ask)
			return s->ask;
		if (o->side == PAPER_SIDE_SELL && s->bid)
			return s->bid;
		return s->mark;
	}
}
