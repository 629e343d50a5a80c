/* Private: cash, positions and round trips; the only code that moves money. */
#ifndef PAPER_PRIV_ACCOUNT_H
#define PAPER_PRIV_ACCOUNT_H

#include "market/broker.h"

/* What a fill does to the account, computed before anything changes. */
struct fill_effect {
	position pos;          /* the symbol's position after the fill */
	int64_t cash_delta;
	int64_t realized_delta;
	bool closed;           /* a round trip closed: trade holds it */
	trade trade;
};

/* Plan fill f of order o against the current state; changes nothing. */
void account_plan_fill(const paper_broker *b, const order *o, const fill *f, fill_effect *e);

/* Apply a planned fill. */
void account_commit_fill(paper_broker *b, const fill *f, const fill_effect *e);

/* Money values of the open positions at their marks. */
void account_values(const paper_broker *b, int64_t *long_value, int64_t *short_value,
		    int64_t *unrealized);

/* cash + long value - short value, from the running total of position values. */
static inline int64_t account_equity(const paper_broker *b)
{
	return b->cash + b->net_value;
}

/* Re-value symbol sym's position at its mark after its quantity or mark changed. */
void account_revalue(paper_broker *b, uint32_t sym);

/* Signed quantity after adding qty on side to position q. */
static inline int64_t account_after(int64_t q, uint8_t side, int64_t qty)
{
	return side == PAPER_SIDE_BUY ? q + qty : q - qty;
}

#endif
