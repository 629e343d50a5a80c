/*
 * The session's exit rules (docs/semantics.md, "Sessions"). After each piece of data for a
 * symbol the session manages: an entry that filled becomes a managed position with its levels,
 * and a managed position is checked in this order - time limit, gap through the stop, gap
 * through the target (all at the open), then stop and target inside the range (both: the
 * engine.intrabar rule, flagged ambiguous), then the trailing stop ratchets for the next bar.
 * Exits go through paper__broker_exit_at_fx(), which only takes prices the data reached.
 */
#include "sim/session.h"

#include "base/error.h"
#include "base/fixed.h"
#include "base/ring.h"
#include "base/tstext.h"
#include "market/account.h"
#include "market/log.h"
#include "market/orders.h"

/* Fills searched back for an entry's fill: one bar cannot record more than this many. */
#define FILL_LOOKBACK 64

static bool reached_stop(int dir, int64_t price, int64_t stop)
{
	return dir > 0 ? price <= stop : price >= stop;
}

static bool reached_target(int dir, int64_t price, int64_t target)
{
	return dir > 0 ? price >= target : price <= target;
}

/* Cancel the session's own orders still open in the symbol: an entry remainder, a reverse exit. */
static int cancel_own(paper_session *s, sess_pos *p)
{
	int rc = PAPER_OK;
	if (p->entry_order && orders_find_open(s->b, p->entry_order))
		rc = paper_broker_cancel(s->b, p->entry_order);
	if (rc == PAPER_OK && p->exit_order && orders_find_open(s->b, p->exit_order))
		rc = paper_broker_cancel(s->b, p->exit_order);
	p->entry_order = p->exit_order = 0;
	return rc;
}

typedef struct exit_how {
	int64_t price;
	uint8_t style, fill_reason, reason;
	int64_t alt; /* ambiguous: the level the other intrabar rule would have taken */
} exit_how;

static int do_exit(paper_session *s, uint32_t sym, sess_pos *p, exit_how h)
{
	int rc = cancel_own(s, p);
	if (rc != PAPER_OK)
		return rc;
	exit_fx x = { .price = h.price, .alt = h.alt, .style = h.style, .reason = h.reason,
		      .fill_reason = h.fill_reason, .flags = h.alt ? PAPER_FILL_FLAG_AMBIGUOUS : 0 };
	rc = paper__broker_exit_at_fx(s->b, sym, &x, NULL);
	if (rc != PAPER_OK)
		return rc;
	if (h.alt) {
		/* What the other rule would have received (long) or paid (short), fees unchanged. */
		const fill *f = ring_at(&s->b->fills, s->b->fills.len - 1);
		int64_t d;
		/* Prices within the limit: their difference fits; the product and sum are checked. */
		/* Money: times the contract's multiplier. */
		if (!fx_mul3_checked(h.alt - f->price, f->qty, s->b->syms[sym].c.mult, &d) ||
		    !fx_add_checked(s->amb_delta_e8, d * p->dir, &s->amb_delta_e8))
			s->pnl_overflow = true;
		s->st.ambiguous_trades++;
	}
	p->state = SS_FLAT;
	return PAPER_OK;
}

/* The stop in force: the stop loss or the trailing stop, whichever is tighter. */
static int64_t stop_level(const sess_pos *p, uint8_t *reason)
{
	bool trail_tighter = p->trail && (!p->sl || (p->dir > 0 ? p->trail > p->sl : p->trail < p->sl));
	*reason = trail_tighter ? PAPER_EXIT_TRAILING_STOP : PAPER_EXIT_STOP_LOSS;
	return trail_tighter ? p->trail : p->sl;
}

/* The bounds a bar must stay inside to fire no rule (session__on_bar_fx()'s quick path). */
static void set_guards(sess_pos *p)
{
	uint8_t reason;
	int64_t stop = stop_level(p, &reason);
	int64_t below = p->dir > 0 ? stop : p->tp, above = p->dir > 0 ? p->tp : stop;
	p->guard_lo = below ? below : INT64_MIN;
	p->guard_hi = above ? above : INT64_MAX;
	p->guard_ts = p->deadline ? p->deadline : INT64_MAX;
	if (p->trail_rate) { /* the stop follows every bar: none is quiet */
		p->guard_lo = INT64_MAX;
		p->guard_hi = INT64_MIN;
	}
}

/* After a bar or quote without an exit: the best price since entry and the stop behind it. */
static void trail_update(sess_pos *p, int64_t favorable)
{
	int64_t rate = p->trail_rate;
	if (!rate)
		return;
	if (p->dir > 0 ? favorable > p->best : favorable < p->best)
		p->best = favorable;
	int64_t level;
	/* A short's stop above the largest price never triggers: keep the one in force. */
	if (!fx_mul_checked(p->best, p->dir > 0 ? FX_SCALE - rate : FX_SCALE + rate, &level) ||
	    level > FX_PRICE_MAX)
		return;
	if (p->dir > 0 ? level > p->trail : level < p->trail) {
		p->trail = level;
		set_guards(p);
	}
}

static exit_how stop_exit(int64_t price, uint8_t fill_reason, uint8_t reason)
{
	return (exit_how){ .price = price, .style = PAPER_EXIT_STYLE_STOP, .fill_reason = fill_reason,
			   .reason = reason };
}

static exit_how target_exit(int64_t price, uint8_t fill_reason)
{
	return (exit_how){ .price = price, .style = PAPER_EXIT_STYLE_LIMIT, .fill_reason = fill_reason,
			   .reason = PAPER_EXIT_TAKE_PROFIT };
}

/* Both levels inside one bar: no bar data says which came first. */
static exit_how ambiguous_exit(const paper_session *s, int64_t stop, uint8_t stop_reason, int64_t tp)
{
	exit_how h = s->c.optimistic ? target_exit(tp, PAPER_FILL_LIMIT_TOUCHED)
				     : stop_exit(stop, PAPER_FILL_STOP_TRIGGERED, stop_reason);
	h.alt = s->c.optimistic ? stop : tp;
	return h;
}

/* Which exit, if any, a bar gives: true with *h set when it exits. */
static bool bar_exit(const paper_session *s, const sess_pos *p, const instrument *in, exit_how *h)
{
	int64_t o = in->bar_open;
	if (p->deadline && in->last_ts >= p->deadline) {
		*h = (exit_how){ .price = o, .style = PAPER_EXIT_STYLE_MARKET,
				 .fill_reason = PAPER_FILL_MARKET_OPEN, .reason = PAPER_EXIT_TIME_LIMIT };
		return true;
	}
	uint8_t sreason;
	int64_t stop = stop_level(p, &sreason), tp = p->tp;
	if (stop && reached_stop(p->dir, o, stop)) {
		*h = stop_exit(o, o == stop ? PAPER_FILL_STOP_TRIGGERED : PAPER_FILL_STOP_GAP, sreason);
		return true;
	}
	if (tp && reached_target(p->dir, o, tp)) {
		*h = target_exit(o, o == tp ? PAPER_FILL_LIMIT_TOUCHED : PAPER_FILL_LIMIT_GAP);
		return true;
	}
	int64_t adverse = p->dir > 0 ? in->bar_low : in->bar_high;
	int64_t favorable = p->dir > 0 ? in->bar_high : in->bar_low;
	bool stop_hit = stop && reached_stop(p->dir, adverse, stop);
	bool tp_hit = tp && reached_target(p->dir, favorable, tp);
	if (stop_hit && tp_hit)
		*h = ambiguous_exit(s, stop, sreason, tp);
	else if (stop_hit)
		*h = stop_exit(stop, PAPER_FILL_STOP_TRIGGERED, sreason);
	else if (tp_hit)
		*h = target_exit(tp, PAPER_FILL_LIMIT_TOUCHED);
	return stop_hit || tp_hit;
}

static int eval_bar(paper_session *s, uint32_t sym, sess_pos *p)
{
	const instrument *in = &s->b->syms[sym];
	exit_how h;

	p->evaluated = true;
	p->eval_ts = in->last_ts;
	if (bar_exit(s, p, in, &h))
		return do_exit(s, sym, p, h);
	trail_update(p, p->dir > 0 ? in->bar_high : in->bar_low);
	return PAPER_OK;
}

/* A quote: levels trigger on the last price, exits fill at the bid (long) or the ask (short). */
static int eval_quote(paper_session *s, uint32_t sym, sess_pos *p)
{
	const instrument *in = &s->b->syms[sym];
	int64_t last = in->last, px = p->dir > 0 ? in->bid : in->ask;
	uint8_t sreason;
	int64_t stop = stop_level(p, &sreason);

	if (p->deadline && in->last_ts >= p->deadline)
		return do_exit(s, sym, p, (exit_how){ .price = px, .style = PAPER_EXIT_STYLE_MARKET,
						     .fill_reason = PAPER_FILL_MARKET_QUOTE,
						     .reason = PAPER_EXIT_TIME_LIMIT });
	if (stop && reached_stop(p->dir, last, stop))
		return do_exit(s, sym, p, stop_exit(px, PAPER_FILL_STOP_QUOTE, sreason));
	if (p->tp && reached_target(p->dir, last, p->tp))
		return do_exit(s, sym, p, target_exit(px, PAPER_FILL_LIMIT_QUOTE));
	trail_update(p, last);
	return PAPER_OK;
}

/* Did the entry fill at the open of the latest bar (so the whole bar came after it)? */
static bool entry_at_open(const paper_session *s, const sess_pos *p, const instrument *in)
{
	if (!p->entry_limit)
		return true; /* a market order on a bar fills at its open */
	const ring *fills = &s->b->fills;
	for (size_t k = 0; k < fills->len && k < FILL_LOOKBACK; k++) {
		const fill *f = ring_at(fills, fills->len - 1 - k);
		if (f->order_id == p->entry_order)
			return f->ts == in->last_ts && f->ref_price == in->bar_open;
	}
	return false;
}

/* Percentage level from the entry: up (sign +1) or down (-1) by rate; 0 when unreachable. */
static int64_t level_from(int64_t entry, int sign, int64_t rate)
{
	if (!rate)
		return 0;
	int64_t v;
	/* A level past the largest price can never be reached: none. */
	if (!fx_mul_checked(entry, sign > 0 ? FX_SCALE + rate : FX_SCALE - rate, &v) ||
	    v > FX_PRICE_MAX)
		return 0;
	return v > 0 ? v : 0;
}

/* The entry filled: set the levels from the fill, then evaluate this data if it is after it. */
static int activate(paper_session *s, uint32_t sym, sess_pos *p)
{
	const instrument *in = &s->b->syms[sym];
	const position *pos = &in->pos;
	bool pct = !p->explicit_levels;

	/* Per unit: the cost basis is money, with the contract's multiplier. */
	p->entry_price = account_avg_price(in, pos->basis, pos->qty);
	p->entry_ts = pos->entry_ts;
	p->tp = p->tp_given ? p->tp_given : pct ? level_from(p->entry_price, p->dir, s->c.tp_rate) : 0;
	p->sl = p->sl_given ? p->sl_given : pct ? level_from(p->entry_price, -p->dir, s->c.sl_rate) : 0;
	p->best = p->entry_price;
	p->trail_rate = p->explicit_levels ? 0 : s->c.trail_rate;
	p->trail = level_from(p->entry_price, -p->dir, p->trail_rate);
	p->deadline = p->max_hold ? p->entry_ts + p->max_hold : 0;
	set_guards(p);
	p->state = SS_ACTIVE;
	s->st.entries_filled++;
	if (G_UNLIKELY(paper__log_wanted(s->b)))
		session__log_entry(s, sym, p, p->entry_order);
	bool same_bar = in->last_is_bar && !s->c.next_bar && entry_at_open(s, p, in);
	if (p->entry_order && !orders_find_open(s->b, p->entry_order))
		p->entry_order = 0;
	if (same_bar)
		return eval_bar(s, sym, p);
	/* Not evaluated on this data: exits start with the next bar or quote. */
	p->evaluated = true;
	p->eval_ts = in->last_ts;
	return PAPER_OK;
}

/*
 * The exits of an adopted entry: the plan recorded with its order (the levels it was entered
 * with, whichever session entered it), or, when none was (a manual order, an older ledger),
 * this session's percentages and time limit.
 */
static void adopt_plan(const paper_session *s, sess_pos *p, const exit_plan *plan)
{
	if (plan->kind == PLAN_NONE) {
		p->max_hold = s->c.max_hold;
		return;
	}
	p->explicit_levels = plan->kind == PLAN_EXPLICIT;
	p->tp_given = plan->tp;
	p->sl_given = plan->sl;
	p->max_hold = plan->max_hold;
}

/* A position the broker held before this session existed: manage it from the next data on. */
static void adopt_position(paper_session *s, uint32_t sym)
{
	const instrument *in = &s->b->syms[sym];
	sess_pos *p = session__pos(s, sym);

	memset(p, 0, sizeof *p);
	p->dir = in->pos.qty > 0 ? 1 : -1;
	adopt_plan(s, p, &in->pos.plan);
	bool pct = !p->explicit_levels;
	/* Per unit: the cost basis is money, with the contract's multiplier. */
	p->entry_price = account_avg_price(in, in->pos.basis, in->pos.qty);
	p->entry_ts = in->pos.entry_ts;
	p->tp = p->tp_given ? p->tp_given : pct ? level_from(p->entry_price, p->dir, s->c.tp_rate) : 0;
	p->sl = p->sl_given ? p->sl_given : pct ? level_from(p->entry_price, -p->dir, s->c.sl_rate) : 0;
	p->best = p->entry_price;
	p->trail_rate = pct ? s->c.trail_rate : 0;
	p->trail = level_from(p->entry_price, -p->dir, p->trail_rate);
	p->deadline = p->max_hold ? p->entry_ts + p->max_hold : 0;
	set_guards(p);
	p->state = SS_ACTIVE;
	p->evaluated = in->has_data;
	p->eval_ts = in->last_ts;
}

/* A resting order that opens a flat symbol: an entry this session will manage once it fills. */
static void adopt_entry(paper_session *s, const order *o)
{
	sess_pos *p = session__pos(s, o->sym);

	if (p->state != SS_FLAT)
		return;
	memset(p, 0, sizeof *p);
	p->dir = o->side == PAPER_SIDE_BUY ? 1 : -1;
	p->entry_limit = o->type == PAPER_ORDER_LIMIT || o->type == PAPER_ORDER_STOP_LIMIT;
	p->entry_order = o->id;
	adopt_plan(s, p, &o->plan);
	p->state = SS_PENDING;
}

void session__adopt(paper_session *s)
{
	for (uint32_t i = 0; i < s->b->n_positions; i++)
		adopt_position(s, s->b->positions[i]);
	for (uint32_t i = 0; i < s->b->n_open; i++) {
		const order *o = &s->b->slots[s->b->open[i]];
		if (o->exit_reason == PAPER_EXIT_NONE && s->b->syms[o->sym].pos.qty == 0)
			adopt_entry(s, o);
	}
}

int session__sync(paper_session *s, uint32_t sym)
{
	sess_pos *p = &s->pos[sym];
	const instrument *in = &s->b->syms[sym];
	int64_t q = in->pos.qty;
	bool held = q != 0 && (q > 0) == (p->dir > 0);

	if (p->state == SS_PENDING) {
		if (held)
			return activate(s, sym, p);
		if (!orders_find_open(s->b, p->entry_order)) {
			/* Refused at fill time (funds, limits, halt) or cancelled. */
			p->state = SS_FLAT;
			p->entry_order = 0;
			s->st.entries_failed++;
		}
		return PAPER_OK;
	}
	if (!held) { /* closed by a reverse order, or by the caller */
		p->state = SS_FLAT;
		return cancel_own(s, p);
	}
	if (!in->last_is_bar)
		return eval_quote(s, sym, p);
	if (p->evaluated && p->eval_ts == in->last_ts)
		return PAPER_OK;
	return eval_bar(s, sym, p);
}

/* ---- the public driving functions ---- */

PAPER_API int paper_session_on_bar(paper_session *s, const char *symbol, paper_ts ts, double open,
				   double high, double low, double close, double volume)
{
	PAPER__CHECK_NULL(s, "session");
	int rc = paper_broker_on_bar(s->b, symbol, ts, open, high, low, close, volume);
	if (rc == PAPER_OK) {
		uint32_t sym = paper__broker_symbol(s->b, symbol);
		if (session__pos(s, sym)->state != SS_FLAT)
			rc = session__sync(s, sym);
	}
	session__collect(s);
	return rc;
}

static int quote_one(paper_session *s, paper_ts ts, const char *symbol, double price)
{
	int rc = paper_broker_on_quote(s->b, symbol, ts, 0.0, 0.0, price);
	if (rc != PAPER_OK)
		return rc;
	uint32_t sym = paper__broker_symbol(s->b, symbol);
	return session__pos(s, sym)->state != SS_FLAT ? session__sync(s, sym) : PAPER_OK;
}

PAPER_API int paper_session_check_exits(paper_session *s, paper_ts ts, const char *const *symbols,
					const double *prices, size_t n)
{
	PAPER__CHECK_NULL(s, "session");
	if (!ts_in_range(ts))
		return ts_range_error("paper_session_check_exits", ts);
	if (n > 0 && (symbols == NULL || prices == NULL))
		return paper__error(PAPER_EINVAL, "symbols and prices must not be NULL when n > 0");
	int rc = PAPER_OK;
	for (size_t i = 0; i < n && rc == PAPER_OK; i++)
		rc = quote_one(s, ts, symbols[i], prices[i]);
	for (uint32_t sym = 0; n == 0 && sym < s->n_pos && rc == PAPER_OK; sym++)
		if (s->pos[sym].state != SS_FLAT && s->b->syms[sym].has_data)
			rc = session__sync(s, sym);
	session__collect(s);
	return rc;
}

static int check_reason(paper_exit_reason reason)
{
	if (reason <= PAPER_EXIT_NONE || reason > PAPER_EXIT_EXPIRY)
		return paper__error(PAPER_EINVAL, "exit reason %d is not a reason to exit", (int)reason);
	return PAPER_OK;
}

int session__exit_symbol(paper_session *s, uint32_t sym, paper_exit_reason reason)
{
	const char *name = s->b->syms[sym].name;
	sess_pos *p = session__pos(s, sym);
	int rc = paper_broker_cancel_all(s->b, name);
	p->entry_order = p->exit_order = 0;
	if (p->state == SS_PENDING)
		s->st.entries_failed++;
	p->state = SS_FLAT;
	if (rc == PAPER_OK && s->b->syms[sym].pos.qty != 0)
		rc = paper_broker_close_position(s->b, name, reason, NULL);
	return rc;
}

PAPER_API int paper_session_exit(paper_session *s, const char *symbol, paper_exit_reason reason)
{
	PAPER__CHECK_NULL(s, "session");
	PAPER__CHECK_NULL(symbol, "symbol");
	int rc = check_reason(reason);
	if (rc != PAPER_OK)
		return rc;
	int64_t found = paper__broker_symbol_find(s->b, symbol);
	uint32_t sym = found >= 0 ? (uint32_t)found : 0;
	if (found < 0 || (s->b->syms[sym].pos.qty == 0 && session__pos(s, sym)->state == SS_FLAT))
		return paper__error(PAPER_ENOTFOUND, "no open position or entry in %s", symbol);
	rc = session__exit_symbol(s, sym, reason);
	session__collect(s);
	return rc;
}

PAPER_API int paper_session_exit_all(paper_session *s, paper_exit_reason reason)
{
	PAPER__CHECK_NULL(s, "session");
	int rc = check_reason(reason);
	if (rc == PAPER_OK)
		rc = paper_broker_cancel_all(s->b, NULL);
	for (uint32_t sym = 0; sym < s->n_pos; sym++) {
		if (s->pos[sym].state == SS_PENDING)
			s->st.entries_failed++;
		s->pos[sym].state = SS_FLAT;
		s->pos[sym].entry_order = s->pos[sym].exit_order = 0;
	}
	/* Each close removes its symbol from the broker's list of positions. */
	while (rc == PAPER_OK && s->b->n_positions > 0) {
		uint32_t sym = s->b->positions[s->b->n_positions - 1];
		rc = paper_broker_close_position(s->b, s->b->syms[sym].name, reason, NULL);
		session__collect(s);
	}
	session__collect(s);
	return rc;
}
