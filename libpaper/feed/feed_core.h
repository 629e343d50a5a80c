/*
 * Private: the feed handle, shared by the public functions (feed_api.c, the caller's thread)
 * and the network thread (feed_net.c). The thread writes messages into the queue and the
 * health under hmu; the caller only reads them. Nothing here may hold the secret in a text:
 * paper__feed_error() masks it.
 */
#ifndef PAPER_PRIV_FEED_CORE_H
#define PAPER_PRIV_FEED_CORE_H

#include <glib.h>
#include <paper/feed.h>

#include "feed/feed_queue.h"
#include "feed/feed_source.h"
#include "feed/feed_track.h"

#define FEED_SKEW_SAMPLES 64

typedef struct feed_net feed_net;

typedef struct feed_health {
	paper_feed_state state;
	bool connected;
	paper_ts last_rx;       /* wall clock of the last frame or response */
	uint64_t frames, messages, reconnects, bad;
	track_stats track;
	double skew_ms[FEED_SKEW_SAMPLES];
	unsigned skew_n, skew_next;
	int error_code;
	char error[PAPER_FEED_TEXT_MAX + 1];
} feed_health;

struct paper_feed {
	feed_spec *spec;
	paper_feed_options opts;  /* url and rest_url point into spec's copies: do not use */
	char *key, *secret;       /* alpaca, read from the environment; wiped on close */
	feed_queue q;
	GMutex hmu;
	feed_health h;
	feed_net *net;
};

/* ---- feed_api.c: for the network thread ---- */

/* A message for the caller (prices are counted, their clock skew sampled). */
void paper__feed_deliver(paper_feed *f, const paper_feed_msg *m);

/* The state changes: health, and a STATUS message saying why. */
void paper__feed_state(paper_feed *f, paper_feed_state st, bool connected, const char *why);

/* Remember the last connection error (the secret, if any, masked). */
void paper__feed_error(paper_feed *f, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A frame or response arrived (bad: it could not be read). */
void paper__feed_frame(paper_feed *f, bool bad);

void paper__feed_track_stats(paper_feed *f, const track_stats *st, uint64_t reconnects);

/* text with the alpaca key and secret replaced by ***, into buf. */
void paper__feed_mask(const paper_feed *f, const char *text, char *buf, size_t cap);

/* ---- feed_net.c (feed_none.c without libsoup) ---- */

/* Start the network thread; PAPER_EUNSUPPORTED in a build without feeds. */
int paper__feed_net_start(paper_feed *f);
/* Stop and join it; the queue is closed. NULL-safe. */
void paper__feed_net_stop(paper_feed *f);

#endif
