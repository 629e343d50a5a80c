/*
 * Private: entry points for drivers inside the library (replay, sessions) that already hold
 * symbol indexes (paper__broker_symbol()) and fixed-point values, so the hot loop skips string
 * look-ups and double conversions. Same rules and errors as the public functions.
 */
#ifndef PAPER_PRIV_BROKER_FAST_H
#define PAPER_PRIV_BROKER_FAST_H

#include "broker.h"
#include "broker_store.h"

/* paper_broker_on_bar() for symbol index sym; ohlcv = open, high, low, close, volume (1e-8). */
int paper__broker_on_bar_fx(paper_broker *b, uint32_t sym, paper_ts ts, const int64_t ohlcv[5]);

#endif
