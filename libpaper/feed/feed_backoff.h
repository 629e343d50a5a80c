/*
 * Private: how long a feed waits before reconnecting. Exponential steps, min(cap, base * 2^n)
 * for the n-th failure in a row, with "equal jitter": half the step plus a uniform draw of up
 * to the other half, so a crowd of clients cut off together does not come back together, and
 * no wait is shorter than half its step. The draw is a pure function of (seed, draw number):
 * the same seed gives the same delays (tests, replays of a session's log).
 */
#ifndef PAPER_PRIV_FEED_BACKOFF_H
#define PAPER_PRIV_FEED_BACKOFF_H

#include <stdint.h>

uint32_t paper__backoff_ms(uint32_t base_ms, uint32_t cap_ms, unsigned attempt, uint64_t seed,
			   uint64_t draw);

#endif
