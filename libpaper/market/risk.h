/* Private: limits and buying power, checked before an order is accepted and before a fill. */
#ifndef PAPER_PRIV_RISK_H
#define PAPER_PRIV_RISK_H

#include "market/broker.h"

/*
 * May order o (not yet accepted) be accepted at reference price ref? Returns PAPER_OK or the
 * error code with *reason set and the message raised (paper_last_error()).
 */
int risk_check_order(const paper_broker *b, const order *o, int64_t ref, uint8_t *reason);

/* May a fill of qty at price of order o happen now? Same contract. */
int risk_check_fill(const paper_broker *b, const order *o, int64_t qty, int64_t price,
		    int64_t fee, uint8_t *reason);

#endif
