/*
 * Private: entry points for drivers inside the library (replay, sessions) that already hold
 * symbol indexes (paper__broker_symbol()) and fixed-point values, so the hot loop skips string
 * look-ups and double conversions. Same rules and errors as the public functions.
 */
#ifndef PAPER_PRIV_BROKER_FAST_H
#define PAPER_PRIV_BROKER_FAST_H

#include "market/broker.h"
#include "market/broker_store.h"

/*
 * paper_broker_on_bar() for symbol index sym; ohlcv = open, high, low, close, volume (1e-8).
 * The caller keeps ts, the prices and the volume within the limits (the replay's row checks
 * do, before any row gets here): they are not checked again on the hot path.
 */
int paper__broker_on_bar_fx(paper_broker *b, uint32_t sym, paper_ts ts, const int64_t ohlcv[5]);

/* paper_broker_exit_at() in fixed-point, for symbol index sym. */
typedef struct exit_fx {
	int64_t qty;         /* 0: the whole position */
	int64_t price;       /* inside the symbol's latest bar or quote */
	int64_t alt;         /* with PAPER_FILL_FLAG_AMBIGUOUS: the other rule's price */
	uint8_t style;       /* paper_exit_style */
	uint8_t reason;      /* paper_exit_reason */
	uint8_t fill_reason; /* paper_fill_reason */
	uint32_t flags;      /* PAPER_FILL_FLAG_* */
} exit_fx;

int paper__broker_exit_at_fx(paper_broker *b, uint32_t sym, const exit_fx *x, uint64_t *order_id_out);

#endif
