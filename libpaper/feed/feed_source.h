/*
 * Private: a feed's source string, parsed (feed_source.c). The grammar is in docs/feeds.md;
 * everything a connection needs to know about what to ask for lives here, checked before any
 * network is touched.
 */
#ifndef PAPER_PRIV_FEED_SOURCE_H
#define PAPER_PRIV_FEED_SOURCE_H

#include <glib.h>
#include <paper/feed.h>

typedef enum feed_venue {
	FV_COINBASE,
	FV_BINANCE,
	FV_ALPACA,
	FV_POLL,
} feed_venue;

/* What to subscribe to for one symbol. */
#define FK_QUOTES 0x1u /* coinbase ticker, binance bookTicker, alpaca quotes */
#define FK_TRADES 0x2u /* coinbase matches, alpaca trades */
#define FK_BARS 0x4u   /* binance kline, alpaca bars, coinbase bars built from matches */

typedef struct feed_symbol {
	char name[PAPER_SYMBOL_MAX + 1]; /* as delivered: BTC-USD, BTCUSDT, AAPL */
	char stream[PAPER_SYMBOL_MAX + 1]; /* as the venue's stream wants it: btcusdt */
	unsigned kinds;                  /* FK_* */
} feed_symbol;

/* http-poll: where the numbers are in the JSON document (a "$.a.b[0]" path, or NULL). */
typedef struct feed_poll_map {
	char *price, *time, *bid, *ask, *volume;
	char *url;        /* the URL polled (reserved parameters of the sugar form removed) */
} feed_poll_map;

typedef struct feed_spec {
	feed_venue venue;
	const char *venue_name;  /* static */
	GArray *symbols;         /* feed_symbol */
	paper_ts bar_us;         /* bars: interval (coinbase built bars, binance kline, alpaca 1m) */
	char interval[8];        /* bars as the venue names them: "1m" (binance) */
	char alpaca_feed[16];    /* iex, sip, delayed_sip, test */
	feed_poll_map poll;
	paper_ts poll_us;        /* http-poll interval */
	char display[128];       /* the source for people: no query, no secret */
	/* Endpoints, after the options' url / rest_url replaced the defaults. */
	char *ws_url;            /* coinbase/binance/alpaca: the full WebSocket URL to connect */
	char *rest_base;         /* backfill REST base (NULL: none) */
} feed_spec;

/* Parse and check source with opts' endpoints; PAPER_OK or PAPER_E* with the message set. */
int paper__feed_spec_parse(const char *source, const paper_feed_options *opts, feed_spec **out);
void paper__feed_spec_free(feed_spec *s);

/* The symbol's index in s->symbols, or -1. */
int paper__feed_spec_find(const feed_spec *s, const char *name);

#endif
