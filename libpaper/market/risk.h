/* Private: limits and buying power, checked before an order is accepted and before a fill. */
#ifndef PAPER_PRIV_RISK_H
#define PAPER_PRIV_RISK_H

#include "base/fixed.h"
#include "market/broker.h"

/*
 * May order o (not yet accepted) be accepted at reference price ref? Returns PAPER_OK or the
 * error code with *reason set and the message raised (paper_last_error()).
 */
int risk_check_order(const paper_broker *b, const order *o, int64_t ref, uint8_t *reason);

/*
 * What positions in futures and options hold back: *reserved, the cash set aside (a future's
 * initial margin per contract, a short put's strike x multiplier per contract, and in a cash
 * account the futures' unrealized losses, which cash will pay at their close), and *margined,
 * the magnitude of the futures' values (their unrealized P&L, not a market value to margin).
 * Both 0 for an account without such positions.
 */
void risk_reserved(const paper_broker *b, fx_wide *reserved, fx_wide *margined);

/* May a fill of qty at price of order o happen now? Same contract. */
int risk_check_fill(const paper_broker *b, const order *o, int64_t qty, int64_t price,
		    int64_t fee, uint8_t *reason);

#endif
