/* Private: storage of open orders (pool, id map, per-symbol lists) and recent closed ones. */
#ifndef PAPER_PRIV_ORDERS_H
#define PAPER_PRIV_ORDERS_H

#include "market/broker.h"

void orders_init(paper_broker *b, uint32_t closed_cap);
void orders_free(paper_broker *b);

/* A new open order slot linked at the tail of its symbol's list; fields from *o. */
order *orders_open(paper_broker *b, const order *o);
/* Move an open order to the closed history. */
void orders_close(paper_broker *b, order *o);
/* Open order by id, or NULL. */
order *orders_find_open(const paper_broker *b, uint64_t id);
/* Closed order by id if still held, or NULL. */
const order *orders_find_closed(const paper_broker *b, uint64_t id);

static inline order *orders_slot(const paper_broker *b, uint32_t slot)
{
	return slot == NO_SLOT ? NULL : &b->slots[slot];
}

#endif
