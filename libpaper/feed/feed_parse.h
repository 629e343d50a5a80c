/*
 * Private: the venue message parsers. Each turns the bytes of one WebSocket frame or REST
 * response into normalised messages plus what the connection must know (subscribed, an error,
 * a shutdown notice). They are pure functions of their input: no network, no state, so each
 * can be fuzzed on bytes (tests/fuzz/) and tested on the venues' documented examples.
 */
#ifndef PAPER_PRIV_FEED_PARSE_H
#define PAPER_PRIV_FEED_PARSE_H

#include <glib.h>
#include <paper/error.h>
#include <paper/feed.h>

#include "feed/feed_source.h"

/* Internal message type, never queued: a venue heartbeat (seq: its last trade id). */
#define FEED_HEARTBEAT 100

/* What a frame told the connection (bit set). */
#define FCTL_SUBSCRIBED 0x01u    /* coinbase subscriptions, alpaca subscription */
#define FCTL_CONNECTED 0x02u     /* alpaca: success "connected" (send the auth next) */
#define FCTL_AUTHENTICATED 0x04u /* alpaca: success "authenticated" (subscribe next) */
#define FCTL_ERROR 0x08u         /* a venue error: retry after a backoff */
#define FCTL_FATAL 0x10u         /* a venue error retrying cannot mend (bad key, bad product) */
#define FCTL_SHUTDOWN 0x20u      /* binance serverShutdown: reconnect now */

typedef struct feed_parsed {
	GArray *msgs;            /* paper_feed_msg, in frame order */
	unsigned ctl;            /* FCTL_* */
	int venue_code;          /* the venue's error code, 0 when none */
	char error[PAPER_FEED_TEXT_MAX + 1];
	GPtrArray *subscribed;   /* char *: the products a subscription reply lists */
	uint32_t ignored;        /* messages of types we do not use */
} feed_parsed;

void paper__feed_parsed_init(feed_parsed *p);
/* Empty it for the next frame, keeping the allocations. */
void paper__feed_parsed_reset(feed_parsed *p);
void paper__feed_parsed_clear(feed_parsed *p);

/*
 * One frame from the venue's stream. PAPER_OK (messages and/or control bits; unknown message
 * types are ignored as the venues ask) or PAPER_EFORMAT when the frame cannot be read (not
 * JSON, a known type without its fields). recv_ts stamps the messages.
 */
int paper__coinbase_parse(const char *data, size_t len, paper_ts recv_ts, feed_parsed *out);
int paper__binance_parse(const char *data, size_t len, paper_ts recv_ts, feed_parsed *out);
int paper__alpaca_parse(const char *data, size_t len, paper_ts recv_ts, feed_parsed *out);
/* One http-poll response body, mapped by spec->poll to one quote of spec's symbol. */
int paper__poll_parse(const feed_spec *spec, const char *data, size_t len, paper_ts recv_ts,
		      feed_parsed *out);

/*
 * REST backfill responses: bars of symbol, each interval_us long, as BAR messages flagged
 * PAPER_FEED_FLAG_BACKFILL in time order (the venues' own order varies). Alpaca's next page
 * token, if any, goes to *next_page (g_free()).
 */
int paper__coinbase_candles_parse(const char *data, size_t len, const char *symbol,
				  paper_ts interval_us, paper_ts recv_ts, feed_parsed *out);
int paper__binance_klines_parse(const char *data, size_t len, const char *symbol,
				paper_ts interval_us, paper_ts recv_ts, feed_parsed *out);
int paper__alpaca_bars_parse(const char *data, size_t len, const char *symbol,
			     paper_ts interval_us, paper_ts recv_ts, feed_parsed *out,
			     char **next_page);

/* What the client sends. Returned strings are g_free()d by the caller. */
char *paper__coinbase_subscribe(const feed_spec *spec);
/* The auth message holds the secret: the caller wipes it (paper__feed_wipe) after sending. */
char *paper__alpaca_auth(const char *key, const char *secret);
char *paper__alpaca_subscribe(const feed_spec *spec);

/* REST paths (appended to spec->rest_base) for the closed bars in [from, to). */
char *paper__coinbase_candles_path(const feed_spec *spec, const char *symbol, paper_ts from,
				   paper_ts to);
char *paper__binance_klines_path(const feed_spec *spec, const char *symbol, paper_ts from,
				 paper_ts to);
char *paper__alpaca_bars_path(const feed_spec *spec, const char *symbol, paper_ts from,
			      paper_ts to, const char *page_token);

/* Overwrite and free a string that held a secret. */
void paper__feed_wipe(char *s);

#endif
