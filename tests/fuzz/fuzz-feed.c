/*
 * Venue messages (docs/feeds.md): the input's first byte picks a parser, the rest is one frame
 * or REST body as a venue would send it: Coinbase, Binance and Alpaca stream frames, an
 * http-poll body mapped by a fixed source, and the three REST backfill answers. White-box: the
 * parsers are private pure functions (feed/feed_parse.h), so this target links the internal
 * library; the network around them adds no parsing.
 * Promises: no crash, no leak, no undefined behaviour; the answer is PAPER_OK or PAPER_EFORMAT;
 * whatever a parser forwards is something the broker would take (a symbol of at most
 * PAPER_SYMBOL_MAX characters, a time inside the library's range, finite positive prices with a
 * bar's high and low around its open and close, finite non-negative sizes); a backfill's bars
 * come in time order, and a backfill answer that cannot be read forwards none.
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include <paper/paper.h>

#include "feed/feed_parse.h"
#include "fuzz.h"

#define RECV_TS (INT64_C(1704067200) * PAPER_TS_PER_SECOND)
#define MINUTE (INT64_C(60) * PAPER_TS_PER_SECOND)

enum { COINBASE, BINANCE, ALPACA, POLL, COINBASE_CANDLES, BINANCE_KLINES, ALPACA_BARS, N_KINDS };

static feed_spec *poll_spec;

static bool price(double p)
{
	return isfinite(p) && p > 0 && p <= 9e10;
}

static bool price_or_zero(double p)
{
	return p == 0 || price(p);
}

static void check_symbol(const paper_feed_msg *m)
{
	size_t n = strnlen(m->symbol, sizeof m->symbol);
	fuzz_require(n > 0 && n <= PAPER_SYMBOL_MAX, "a message names a symbol that fits");
}

static void check_msg(const paper_feed_msg *m, paper_ts interval)
{
	fuzz_require(m->version == PAPER_FEED_MSG_VERSION, "a message carries its version");
	fuzz_require(m->recv_ts == RECV_TS, "a message is stamped with its arrival");
	if ((int)m->type == FEED_HEARTBEAT)
		return;
	check_symbol(m);
	fuzz_require(m->ts > 0 && m->ts <= PAPER_TS_MAX, "a message's time is in range");
	switch (m->type) {
	case PAPER_FEED_QUOTE:
		fuzz_require(price_or_zero(m->bid) && price_or_zero(m->ask) &&
				     price_or_zero(m->last),
			     "a quote's prices are finite, positive or unknown");
		fuzz_require(m->last > 0 || (m->bid > 0 && m->ask > 0), "a quote has a price");
		break;
	case PAPER_FEED_TRADE:
		fuzz_require(price(m->last), "a trade has a price");
		fuzz_require(isfinite(m->size) && m->size >= 0, "a trade's size is not negative");
		break;
	case PAPER_FEED_BAR:
		fuzz_require(price(m->open) && price(m->high) && price(m->low) && price(m->close),
			     "a bar's prices are finite and positive");
		fuzz_require(m->low <= fmin(m->open, m->close) && m->high >= fmax(m->open, m->close),
			     "a bar's high and low are around its open and close");
		fuzz_require(isfinite(m->volume) && m->volume >= 0, "a bar's volume is not negative");
		fuzz_require(m->interval > 0, "a bar has a length");
		fuzz_require(interval == 0 || m->interval == interval,
			     "a backfill bar has the length asked for");
		break;
	default:
		fuzz_require(false, "a parser forwards quotes, trades, bars and heartbeats only");
	}
}

static void check_parsed(const feed_parsed *p, int rc, paper_ts interval)
{
	fuzz_require(rc == PAPER_OK || rc == PAPER_EFORMAT, "a frame is read or refused");
	fuzz_require(rc == PAPER_OK || interval == 0 || p->msgs->len == 0,
		     "a backfill answer that cannot be read forwards no bar");
	fuzz_require(memchr(p->error, '\0', sizeof p->error) != NULL, "the error text ends");
	for (guint i = 0; i < p->msgs->len; i++) {
		const paper_feed_msg *m = &g_array_index(p->msgs, paper_feed_msg, i);
		check_msg(m, interval);
		if (interval && rc == PAPER_OK && i > 0)
			fuzz_require(m->ts >= g_array_index(p->msgs, paper_feed_msg, i - 1).ts,
				     "backfill bars come in time order");
	}
	for (guint i = 0; p->subscribed && i < p->subscribed->len; i++)
		fuzz_require(p->subscribed->pdata[i] != NULL, "a subscribed product has a name");
}

static feed_spec *make_poll_spec(void)
{
	static const char source[] = "http-poll:https://example.com/q#price=$.data[0].price"
				     "&bid=$.bid&ask=$['ask']&time=$.t&volume=$.v&symbol=BTC-USD";
	feed_spec *s = NULL;
	fuzz_require(paper__feed_spec_parse(source, NULL, &s) == PAPER_OK, "the http-poll source");
	return s;
}

static int parse(int kind, const char *d, size_t n, feed_parsed *p, paper_ts *interval)
{
	char *next = NULL;
	int rc;
	*interval = kind >= COINBASE_CANDLES ? MINUTE : 0;
	switch (kind) {
	case COINBASE:
		return paper__coinbase_parse(d, n, RECV_TS, p);
	case BINANCE:
		return paper__binance_parse(d, n, RECV_TS, p);
	case ALPACA:
		return paper__alpaca_parse(d, n, RECV_TS, p);
	case POLL:
		return paper__poll_parse(poll_spec, d, n, RECV_TS, p);
	case COINBASE_CANDLES:
		return paper__coinbase_candles_parse(d, n, "BTC-USD", MINUTE, RECV_TS, p);
	case BINANCE_KLINES:
		return paper__binance_klines_parse(d, n, "BTCUSDT", MINUTE, RECV_TS, p);
	default:
		rc = paper__alpaca_bars_parse(d, n, "AAPL", MINUTE, RECV_TS, p, &next);
		fuzz_require(next == NULL || rc == PAPER_OK, "a page token only with a read page");
		g_free(next);
		return rc;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (poll_spec == NULL)
		poll_spec = make_poll_spec();
	/* A copy of exactly the frame, so reading one byte past it is caught. */
	char *frame = g_malloc(MAX(size - 1, 1));
	memcpy(frame, data + 1, size - 1);
	feed_parsed p;
	paper__feed_parsed_init(&p);
	paper_ts interval;
	int rc = parse(data[0] % N_KINDS, frame, size - 1, &p, &interval);
	check_parsed(&p, rc, interval);
	paper__feed_parsed_clear(&p);
	g_free(frame);
	return 0;
}
