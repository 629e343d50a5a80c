/*
 * Private: what stands between a venue's parsed messages and the caller's queue, per symbol:
 * duplicates dropped, out-of-order messages refused, gaps detected (Coinbase trade ids,
 * Binance bar times, a reconnect for Alpaca) and refilled from the venue's REST bars, bars
 * built from trades where the venue streams no bars (Coinbase matches). Bars leave strictly in
 * time order, each once: while a backfill is under way a symbol's newer bars wait for it.
 *
 * Pure logic, driven by the network thread (feed_net.c) and by tests: no I/O, no clock of its
 * own (every call says what time it is).
 */
#ifndef PAPER_PRIV_FEED_TRACK_H
#define PAPER_PRIV_FEED_TRACK_H

#include <paper/feed.h>

#include "feed/feed_source.h"

typedef struct feed_track feed_track;

typedef struct track_out {
	/* A message for the caller. */
	void (*emit)(void *ctx, const paper_feed_msg *m);
	/* Fetch symbol's closed bars in [from, to) and answer with track_backfill_done(). */
	void (*backfill)(void *ctx, const char *symbol, paper_ts from, paper_ts to);
	void *ctx;
} track_out;

typedef struct track_stats {
	uint64_t gaps, duplicates, out_of_order, backfilled;
	paper_ts last_data_ts; /* venue time of the newest price emitted */
} track_stats;

/* Grace after a built bar's end (by the venue's clock) before it closes without a later
 * trade: trades of its last moment may still be on the way. */
#define TRACK_BAR_GRACE_US (2 * PAPER_TS_PER_SECOND)

/* can_backfill: the venue has REST bars (a gap is then refilled, else only counted). */
feed_track *paper__track_new(const feed_spec *spec, bool can_backfill, const track_out *out);
void paper__track_free(feed_track *t);

/* One parsed message (FEED_HEARTBEAT included). */
void paper__track_msg(feed_track *t, const paper_feed_msg *m, paper_ts now);

/* Time passes: built bars whose end plus the grace is past by the venue's clock close. */
void paper__track_tick(feed_track *t, paper_ts now);

/* A new connection after a lost one: where bars are sparse (Alpaca), ask for what the
 * outage may have missed. */
void paper__track_reconnected(feed_track *t, paper_ts now);

/* At the first connection: the bars of the last `minutes` minutes, flagged backfill. */
void paper__track_initial_backfill(feed_track *t, uint32_t minutes, paper_ts now);

/* The answer to a backfill request (ok false: it failed; the waiting bars go out anyway). */
void paper__track_backfill_done(feed_track *t, const char *symbol, const paper_feed_msg *bars,
				size_t n, bool ok, paper_ts now);

const track_stats *paper__track_stats(const feed_track *t);

#endif
