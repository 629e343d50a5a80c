/*
 * Private: a ring of fixed-size records that keeps the newest `cap` items, or grows without
 * bound when cap is 0. Index 0 is the oldest item still held.
 */
#ifndef PAPER_PRIV_RING_H
#define PAPER_PRIV_RING_H

#include <stddef.h>
#include <stdint.h>

typedef struct ring {
	unsigned char *data;
	size_t elem;  /* bytes per item */
	size_t cap;   /* 0 = unbounded */
	size_t alloc; /* items allocated */
	size_t head;  /* index of the oldest item */
	size_t len;
} ring;

void ring_init(ring *r, size_t elem, size_t cap);
void ring_clear(ring *r);
/* Slot for a new item (the oldest is dropped when full); never NULL. */
void *ring_push(ring *r);
/* Item i (0 = oldest) or NULL if i >= len. */
void *ring_at(const ring *r, size_t i);

#endif
