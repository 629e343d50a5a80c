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

/* cash + long value - short value. Each is within the limits, and so is the result. */
static inline int64_t account_equity(const paper_broker *b)
{
	return b->cash + (b->long_value - b->short_value);
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
	/* Far from every limit, the usual case on every bar: when |value| + long + short + |cash|
	 * is within the limit (each term is, so the unsigned sum cannot wrap), so are the new
	 * long and short totals and the equity (a mark leaves the cost bases as they are). */
	if (fx_mul_checked(s->pos.qty, price, &v) &&
	    (uint64_t)fx_abs(v) + (uint64_t)b->long_value + (uint64_t)b->short_value +
			    (uint64_t)fx_abs(b->cash) <= (uint64_t)FX_MONEY_MAX) {
		*value = v;
		return PAPER_OK;
	}
	return account_check_mark_slow(b, sym, price, value);
}

/* Set symbol sym's signed market value (from account_check_mark() or account_revalue()). */
static inline void account_set_value(paper_broker *b, uint32_t sym, int64_t v)
{
	instrument *s = &b->syms[sym];

	if (s->value > 0)
		b->long_value -= s->value;
	else
		b->short_value += s->value;
	if (v > 0)
		b->long_value += v;
	else
		b->short_value -= v;
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
