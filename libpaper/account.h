/* Private: cash, positions and round trips; the only code that moves money. */
#ifndef PAPER_PRIV_ACCOUNT_H
#define PAPER_PRIV_ACCOUNT_H

#include "broker.h"

/*
 * Apply fill f of order o. If the fill returns a position to zero, the closed round trip is
 * written to *closed and true is returned.
 */
bool account_apply_fill(paper_broker *b, const order *o, const fill *f, trade *closed);

/* Money values of the open positions at their marks. */
void account_values(const paper_broker *b, int64_t *long_value, int64_t *short_value,
		    int64_t *unrealized);

/* cash + long value - short value. */
int64_t account_equity(const paper_broker *b);

/* Signed quantity after adding qty on side to position q. */
static inline int64_t account_after(int64_t q, uint8_t side, int64_t qty)
{
	return side == PAPER_SIDE_BUY ? q + qty : q - qty;
}

#endif
