/* Private: cash, positions and round trips; the only code that moves money. */
#ifndef PAPER_PRIV_ACCOUNT_H
#define PAPER_PRIV_ACCOUNT_H

#include "base/error.h"
#include "base/fixed.h"
#include "market/broker.h"

/*
 * What a fill does to the account, computed before anything changes, every amount checked
 * against the limits (fixed.h): the account after it is within them, or the plan fails.
 */
struct fill_effect {
	position pos;          /* the symbol's position after the fill */
	int64_t cash, realized, fees;         /* the account after the fill */
	int64_t order_notional, order_fees;   /* the order's totals after the fill */
	int64_t realized_delta;
	bool closed;           /* a round trip closed: trade holds it */
	trade trade;
};

/*
 * Plan fill f of order o against the current state; changes nothing. mark_after is the mark
 * the symbol takes when the market event under way ends (0: none): the position must stay
 * within the limits at it too. PAPER_OK, or PAPER_ERANGE with a message naming the amount.
 */
int account_plan_fill(const paper_broker *b, const order *o, const fill *f, int64_t mark_after,
		      fill_effect *e);

/* Apply a planned fill. */
void account_commit_fill(paper_broker *b, const fill *f, const fill_effect *e);

/* Money values of the open positions at their marks and their unrealized P&L (running totals). */
void account_values(const paper_broker *b, int64_t *long_value, int64_t *short_value,
		    int64_t *unrealized);

/*
 * A margined contract (a future) is not paid for: opening it moves no cash, its position adds
 * its unrealized P&L to equity (not its market value), and its cost basis - kept for the P&L -
 * is not in the account's basis totals, so cash == starting cash + realized - fees - long basis
 * + short basis still holds, with the bases of the contracts paid for.
 */
static inline bool account_margined(const instrument *s)
{
	return s->c.asset_class == PAPER_ASSET_FUTURE;
}

/* The notional of qty at price: qty x price x multiplier, as money within the limits. */
static inline bool account_notional(const instrument *s, int64_t qty, int64_t price, int64_t *out)
{
	return fx_money_mul3(qty, price, s->c.mult, out);
}

/*
 * The signed value a position of qty (cost basis basis) at price adds to equity: its market
 * value qty x price x multiplier, or for a margined contract its unrealized P&L. false when it
 * does not fit in int64 (the caller checks the money limit).
 */
static inline bool account_value_of(const instrument *s, int64_t qty, int64_t basis, int64_t price,
				    int64_t *out)
{
	int64_t v;
	if (!fx_mul3_checked(qty, price, s->c.mult, &v))
		return false;
	if (!account_margined(s)) {
		*out = v;
		return true;
	}
	/* Never INT64_MIN: callers take its magnitude. */
	return fx_sub_checked(v, qty > 0 ? basis : -basis, out) && *out != INT64_MIN;
}

/* Average price per unit of an amount of money over qty: notional / (qty x multiplier). */
static inline int64_t account_avg_price(const instrument *s, int64_t notional, int64_t qty)
{
	int64_t q = fx_abs(qty);
	if (q == 0)
		return 0;
	if (s->c.mult == FX_SCALE) /* rounded in fixed point: 7 fills at 9.55 read back 9.55 */
		return fx_muldiv(notional, FX_SCALE, q);
	/* notional x 1e16 < 2^127 and qty x multiplier < 2^127: exact in 128 bits. */
	fx_uwide num = (fx_uwide)fx_abs(notional) * (fx_uwide)FX_SCALE * (fx_uwide)FX_SCALE;
	fx_uwide den = (fx_uwide)q * (fx_uwide)s->c.mult;
	fx_uwide r = (num + den / 2) / den;
	int64_t v = r > (fx_uwide)INT64_MAX ? INT64_MAX : (int64_t)r;
	return notional < 0 ? -v : v;
}

/* Market value of the long positions: gross + net is twice it, >= 0 and within int64 (each
 * total is within the money limit), so halving it is a shift. */
static inline int64_t account_long_value(const paper_broker *b)
{
	return (int64_t)((uint64_t)(b->gross_value + b->net_value) >> 1);
}

static inline int64_t account_short_value(const paper_broker *b)
{
	return (int64_t)((uint64_t)(b->gross_value - b->net_value) >> 1);
}

/* cash + long value - short value. Each is within the limits, and so is the result. */
static inline int64_t account_equity(const paper_broker *b)
{
	return b->cash + b->net_value;
}

/*
 * The value qty units of instrument s (cost basis basis) at price (>= 0) add to equity, signed
 * like qty and rounded half away from zero as fx_mul() does; false when it does not fit in
 * int64. The one place a position is valued. A contract with a multiplier or margined (a
 * future) takes account_value_of(); every other symbol the quick product below. *mag
 * receives |value|.
 */
static inline bool account_value(const instrument *s, int64_t qty, int64_t basis, int64_t price,
				 int64_t *out, uint64_t *mag)
{
	if (G_UNLIKELY(s->c.mult != FX_SCALE || account_margined(s))) {
		if (!account_value_of(s, qty, basis, price, out))
			return false;
		*mag = (uint64_t)fx_abs(*out);
		return true;
	}
	/* The sign without a branch: longs and shorts alternate unpredictably. */
	uint64_t neg = (uint64_t)0 - (uint64_t)(qty < 0); /* all ones for a short */
	uint64_t uq = ((uint64_t)qty ^ neg) - neg;
	fx_uwide m = (fx_uwide)uq * (uint64_t)price;
	uint64_t a;
	/* Most products fit in 64 bits with room for the rounding half: one multiplication by
	 * the inverse of the scale. */
	if (m < (fx_uwide)(UINT64_MAX - FX_SCALE / 2)) {
		a = ((uint64_t)m + FX_SCALE / 2) / FX_SCALE;
	} else {
		int64_t v;
		if (!fx_mul_checked(qty, price, &v))
			return false;
		a = (uint64_t)fx_abs(v);
	}
	*out = (int64_t)((a ^ neg) - neg);
	*mag = a;
	return true;
}

/*
 * Could symbol sym be marked at price? PAPER_OK with *value its position's signed market
 * value there, or PAPER_ERANGE: the value, the long or short total or the equity would pass
 * the limits. Changes nothing.
 */
int account_check_mark_slow(const paper_broker *b, uint32_t sym, int64_t price, int64_t *value);

static inline int account_check_mark(const paper_broker *b, uint32_t sym, int64_t price,
				     int64_t *value)
{
	const instrument *s = &b->syms[sym];
	int64_t v;
	uint64_t mag;
	/* Far from every limit, the usual case on every bar: when |value| + long + short + |cash|
	 * is within the limit, so are the new long and short totals and the equity (a mark leaves
	 * the cost bases as they are). |value| is checked first: with it within the limit the
	 * unsigned sum cannot wrap (long + short <= 2 limits, |cash| <= 1). */
	if (account_value(s, s->pos.qty, s->pos.basis, price, &v, &mag) &&
	    mag <= (uint64_t)FX_MONEY_MAX &&
	    mag + (uint64_t)b->gross_value + (uint64_t)fx_abs(b->cash) <= (uint64_t)FX_MONEY_MAX) {
		*value = v;
		return PAPER_OK;
	}
	/* Through a local: the caller's value then stays in a register on the quick path. */
	int64_t slow = 0;
	int rc = account_check_mark_slow(b, sym, price, &slow);
	*value = slow;
	return rc;
}

/* Set symbol sym's signed market value (from account_check_mark() or account_revalue()). */
static inline void account_set_value(paper_broker *b, uint32_t sym, int64_t v)
{
	instrument *s = &b->syms[sym];

	b->net_value += v - s->value;
	b->gross_value += fx_abs(v) - fx_abs(s->value);
	s->value = v;
}

/* Re-value symbol sym's position at its mark after its quantity or mark changed. */
void account_revalue(paper_broker *b, uint32_t sym);

/*
 * Could position p replace symbol sym's (a restored state)? PAPER_OK, or PAPER_ERANGE when
 * its amounts or the account's totals with it would pass the limits.
 */
int account_check_position(const paper_broker *b, uint32_t sym, const position *p);

/* Replace symbol sym's position by p (kept in the lists and totals). */
void account_set_position(paper_broker *b, uint32_t sym, const position *p);

/* Signed quantity after adding qty on side to position q. */
static inline int64_t account_after(int64_t q, uint8_t side, int64_t qty)
{
	return side == PAPER_SIDE_BUY ? q + qty : q - qty;
}

#endif
