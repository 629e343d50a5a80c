/*
 * A feed's source string, parsed and checked before anything connects (docs/feeds.md):
 *
 *   coinbase:BTC-USD,ETH-USD[?channels=ticker,matches&bars=1m]
 *   binance:btcusdt[@1m|@book],...[?interval=1m]
 *   alpaca:AAPL,MSFT[?feed=iex&data=bars,quotes,trades]
 *   http-poll:URL#price=$.p&time=$.t&symbol=X&interval=5    (or the same keys in URL's query)
 *
 * Symbols are checked against each venue's form before they go into a URL or a stream name,
 * so nothing a user types can change the request beyond the symbol itself.
 */
#include "feed/feed_source.h"

#include <string.h>

#include "base/error.h"
#include "config/config.h"
#include "config/safety_feed.h"

#define MINUTE_US (INT64_C(60) * PAPER_TS_PER_SECOND)
#define MAX_SYMBOLS 256

static const char coinbase_ws[] = "wss://ws-feed.exchange.coinbase.com";
static const char coinbase_rest[] = "https://api.exchange.coinbase.com";
/* Binance's market-data-only hosts: they serve no account or order endpoint at all. */
static const char binance_ws[] = "wss://data-stream.binance.vision";
static const char binance_rest[] = "https://data-api.binance.vision";
static const char alpaca_ws[] = "wss://stream.data.alpaca.markets";
static const char alpaca_rest[] = "https://data.alpaca.markets";

typedef struct named_interval {
	const char *name;
	paper_ts us;
} named_interval;

/* Coinbase candle granularities (bars built from matches use the same, so gaps refill). */
static const named_interval coinbase_bars[] = {
	{ "1m", MINUTE_US }, { "5m", 5 * MINUTE_US }, { "15m", 15 * MINUTE_US },
	{ "1h", 60 * MINUTE_US }, { "6h", 360 * MINUTE_US }, { "1d", 1440 * MINUTE_US },
	{ NULL, 0 },
};

/* Binance kline intervals with a fixed length (1M, a calendar month, has none). */
static const named_interval binance_bars[] = {
	{ "1s", PAPER_TS_PER_SECOND }, { "1m", MINUTE_US }, { "3m", 3 * MINUTE_US },
	{ "5m", 5 * MINUTE_US }, { "15m", 15 * MINUTE_US }, { "30m", 30 * MINUTE_US },
	{ "1h", 60 * MINUTE_US }, { "2h", 120 * MINUTE_US }, { "4h", 240 * MINUTE_US },
	{ "6h", 360 * MINUTE_US }, { "8h", 480 * MINUTE_US }, { "12h", 720 * MINUTE_US },
	{ "1d", 1440 * MINUTE_US }, { "3d", 4320 * MINUTE_US }, { "1w", 10080 * MINUTE_US },
	{ NULL, 0 },
};

static paper_ts interval_find(const named_interval *t, const char *name)
{
	for (int i = 0; t[i].name; i++)
		if (strcmp(t[i].name, name) == 0) /* case matters: 1m is not 1M */
			return t[i].us;
	return 0;
}

void paper__feed_spec_free(feed_spec *s)
{
	if (s == NULL)
		return;
	if (s->symbols)
		g_array_free(s->symbols, TRUE);
	g_free(s->poll.price);
	g_free(s->poll.time);
	g_free(s->poll.bid);
	g_free(s->poll.ask);
	g_free(s->poll.volume);
	g_free(s->poll.url);
	g_free(s->ws_url);
	g_free(s->rest_base);
	g_free(s);
}

int paper__feed_spec_find(const feed_spec *s, const char *name)
{
	for (guint i = 0; i < s->symbols->len; i++)
		if (strcmp(g_array_index(s->symbols, feed_symbol, i).name, name) == 0)
			return (int)i;
	return -1;
}

static int bad(const char *fmt, const char *arg)
{
	return paper__error(PAPER_ECONFIG, fmt, arg);
}

/* A symbol of [A-Za-z0-9] plus the characters in extra, 1..PAPER_SYMBOL_MAX long. */
static bool symbol_form(const char *s, const char *extra)
{
	size_t n = strlen(s);
	if (n == 0 || n > PAPER_SYMBOL_MAX)
		return false;
	for (; *s; s++)
		if (!g_ascii_isalnum(*s) && !strchr(extra, *s))
			return false;
	return true;
}

static int add_symbol(feed_spec *s, const char *name, const char *stream, unsigned kinds)
{
	int at = paper__feed_spec_find(s, name);
	if (at >= 0) {
		g_array_index(s->symbols, feed_symbol, at).kinds |= kinds;
		return PAPER_OK;
	}
	if (s->symbols->len == MAX_SYMBOLS)
		return paper__error(PAPER_ECONFIG, "%s: at most %d symbols per feed", s->venue_name,
				    MAX_SYMBOLS);
	feed_symbol fs = { .kinds = kinds };
	g_strlcpy(fs.name, name, sizeof fs.name);
	g_strlcpy(fs.stream, stream, sizeof fs.stream);
	g_array_append_val(s->symbols, fs);
	return PAPER_OK;
}

/* ---- options after '?': key=value pairs ---- */

typedef int (*opt_fn)(feed_spec *s, const char *key, const char *value, unsigned *kinds);

static int each_option(feed_spec *s, const char *opts, opt_fn fn, unsigned *kinds)
{
	if (opts == NULL)
		return PAPER_OK;
	gchar **pairs = g_strsplit(opts, "&", -1);
	int rc = PAPER_OK;
	for (int i = 0; pairs[i] && rc == PAPER_OK; i++) {
		char *eq = strchr(pairs[i], '=');
		if (pairs[i][0] == '\0' || eq == NULL || eq == pairs[i] || eq[1] == '\0') {
			rc = bad("source option '%s' is not key=value", pairs[i]);
			break;
		}
		*eq = '\0';
		rc = fn(s, pairs[i], eq + 1, kinds);
	}
	g_strfreev(pairs);
	return rc;
}

/* A comma list of words each mapped to a kind bit. */
static int kinds_list(const char *value, const char *const *words, const unsigned *bits,
		      unsigned *out)
{
	gchar **items = g_strsplit(value, ",", -1);
	int rc = PAPER_OK;
	*out = 0;
	for (int i = 0; items[i] && rc == PAPER_OK; i++) {
		int k = 0;
		while (words[k] && strcmp(words[k], items[i]) != 0)
			k++;
		if (words[k] == NULL)
			rc = bad("'%s' is not a data kind of this venue", items[i]);
		else
			*out |= bits[k];
	}
	g_strfreev(items);
	return rc;
}

/* ---- coinbase ---- */

static int coinbase_option(feed_spec *s, const char *key, const char *value, unsigned *kinds)
{
	static const char *const words[] = { "ticker", "matches", NULL };
	static const unsigned bits[] = { FK_QUOTES, FK_TRADES | FK_BARS };
	if (strcmp(key, "channels") == 0) {
		unsigned bars = *kinds & FK_BARS;
		int rc = kinds_list(value, words, bits, kinds);
		*kinds = (*kinds & ~FK_BARS) | ((*kinds & FK_TRADES) ? bars : 0);
		return rc;
	}
	if (strcmp(key, "bars") == 0) {
		if (strcmp(value, "none") == 0) {
			*kinds &= ~FK_BARS;
			return PAPER_OK;
		}
		s->bar_us = interval_find(coinbase_bars, value);
		*kinds |= FK_BARS;
		return s->bar_us ? PAPER_OK
				 : bad("coinbase bars=%s: use 1m, 5m, 15m, 1h, 6h, 1d or none", value);
	}
	return bad("coinbase: unknown source option '%s' (channels, bars)", key);
}

static int parse_coinbase(feed_spec *s, char *body, char *opts)
{
	unsigned kinds = FK_QUOTES | FK_TRADES | FK_BARS;
	s->bar_us = MINUTE_US;
	int rc = each_option(s, opts, coinbase_option, &kinds);
	if (rc == PAPER_OK && (kinds & FK_BARS) && !(kinds & FK_TRADES))
		kinds &= ~FK_BARS; /* bars are built from matches */
	gchar **items = g_strsplit(body, ",", -1);
	for (int i = 0; items[i] && rc == PAPER_OK; i++) {
		char *up = g_ascii_strup(items[i], -1);
		const char *dash = strchr(up, '-');
		if (!symbol_form(up, "-") || dash == NULL || dash == up || dash[1] == '\0' ||
		    strchr(dash + 1, '-'))
			rc = bad("coinbase: '%s' is not a product id (like BTC-USD)", items[i]);
		else
			rc = add_symbol(s, up, up, kinds);
		g_free(up);
	}
	g_strfreev(items);
	return rc;
}

/* ---- binance ---- */

static int binance_option(feed_spec *s, const char *key, const char *value, unsigned *kinds)
{
	if (strcmp(key, "interval") != 0)
		return bad("binance: unknown source option '%s' (interval)", key);
	if (interval_find(binance_bars, value) == 0)
		return bad("binance interval=%s: use 1s, 1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 8h, 12h, "
			   "1d, 3d or 1w (case matters)", value);
	g_strlcpy(s->interval, value, sizeof s->interval);
	return PAPER_OK;
}

/* "btcusdt", "btcusdt@1m", "btcusdt@kline_1m", "btcusdt@book", "btcusdt@bookTicker". */
static int binance_stream(feed_spec *s, const char *item)
{
	const char *at = strchr(item, '@');
	char *sym = g_strndup(item, at ? (size_t)(at - item) : strlen(item));
	const char *what = at ? at + 1 : NULL;
	unsigned kinds = FK_BARS | FK_QUOTES;
	int rc = PAPER_OK;

	if (!symbol_form(sym, "")) {
		rc = bad("binance: '%s' is not a symbol (like btcusdt)", item);
	} else if (what && (strcmp(what, "book") == 0 || strcmp(what, "bookTicker") == 0)) {
		kinds = FK_QUOTES;
	} else if (what) {
		const char *iv = g_str_has_prefix(what, "kline_") ? what + 6 : what;
		kinds = FK_BARS;
		if (interval_find(binance_bars, iv) == 0)
			rc = bad("binance: '%s' is neither an interval (1m, 5m, 1h ...) nor book", what);
		else if (s->interval[0] && strcmp(s->interval, iv) != 0)
			rc = bad("binance: one bar interval per feed (%s)", item);
		else
			g_strlcpy(s->interval, iv, sizeof s->interval);
	}
	if (rc == PAPER_OK) {
		char *lower = g_ascii_strdown(sym, -1), *upper = g_ascii_strup(sym, -1);
		rc = add_symbol(s, upper, lower, kinds);
		g_free(lower);
		g_free(upper);
	}
	g_free(sym);
	return rc;
}

static int parse_binance(feed_spec *s, char *body, char *opts)
{
	unsigned unused = 0;
	int rc = each_option(s, opts, binance_option, &unused);
	gchar **items = g_strsplit(body, ",", -1);
	for (int i = 0; items[i] && rc == PAPER_OK; i++)
		rc = binance_stream(s, items[i]);
	g_strfreev(items);
	if (s->interval[0] == '\0')
		g_strlcpy(s->interval, "1m", sizeof s->interval);
	s->bar_us = interval_find(binance_bars, s->interval);
	return rc;
}

/* ---- alpaca ---- */

static int alpaca_option(feed_spec *s, const char *key, const char *value, unsigned *kinds)
{
	static const char *const words[] = { "bars", "quotes", "trades", NULL };
	static const unsigned bits[] = { FK_BARS, FK_QUOTES, FK_TRADES };
	static const char *const feeds[] = { "iex", "sip", "delayed_sip", "test", NULL };
	if (strcmp(key, "data") == 0)
		return kinds_list(value, words, bits, kinds);
	if (strcmp(key, "feed") == 0) {
		for (int i = 0; feeds[i]; i++)
			if (strcmp(feeds[i], value) == 0) {
				g_strlcpy(s->alpaca_feed, value, sizeof s->alpaca_feed);
				return PAPER_OK;
			}
		return bad("alpaca feed=%s: use iex, sip, delayed_sip or test", value);
	}
	return bad("alpaca: unknown source option '%s' (feed, data)", key);
}

static int parse_alpaca(feed_spec *s, char *body, char *opts)
{
	unsigned kinds = FK_BARS | FK_QUOTES;
	g_strlcpy(s->alpaca_feed, "iex", sizeof s->alpaca_feed);
	s->bar_us = MINUTE_US;
	int rc = each_option(s, opts, alpaca_option, &kinds);
	gchar **items = g_strsplit(body, ",", -1);
	for (int i = 0; items[i] && rc == PAPER_OK; i++) {
		char *up = g_ascii_strup(items[i], -1);
		if (!symbol_form(up, ".") || up[0] == '.')
			rc = bad("alpaca: '%s' is not a stock symbol (like AAPL or BRK.B)", items[i]);
		else
			rc = add_symbol(s, up, up, kinds);
		g_free(up);
	}
	g_strfreev(items);
	return rc;
}

/* ---- http-poll ---- */

/* "$", then .key / [index] / ['key'] steps; checked here, walked by feed_poll.c. */
static bool jpath_form(const char *p)
{
	if (*p++ != '$')
		return false;
	while (*p) {
		if (*p == '.') {
			const char *k = ++p;
			while (g_ascii_isalnum(*p) || *p == '_' || *p == '-')
				p++;
			if (p == k)
				return false;
		} else if (p[0] == '[' && p[1] == '\'') {
			const char *end = strstr(p + 2, "']");
			if (end == NULL || end == p + 2)
				return false;
			p = end + 2;
		} else if (*p == '[') {
			const char *k = ++p;
			while (g_ascii_isdigit(*p))
				p++;
			if (p == k || *p++ != ']')
				return false;
		} else {
			return false;
		}
	}
	return true;
}

static const char *const poll_keys[] = { "price", "time", "bid", "ask", "volume", "symbol",
					 "interval", NULL };

static bool poll_reserved(const char *key)
{
	for (int i = 0; poll_keys[i]; i++)
		if (strcmp(poll_keys[i], key) == 0)
			return true;
	return false;
}

static int poll_option(feed_spec *s, const char *key, const char *value, unsigned *kinds)
{
	char **slot = strcmp(key, "price") == 0	   ? &s->poll.price
		      : strcmp(key, "time") == 0   ? &s->poll.time
		      : strcmp(key, "bid") == 0	   ? &s->poll.bid
		      : strcmp(key, "ask") == 0	   ? &s->poll.ask
		      : strcmp(key, "volume") == 0 ? &s->poll.volume
						   : NULL;
	char *v = g_uri_unescape_string(value, NULL);
	int rc = PAPER_OK;
	if (v == NULL) {
		rc = bad("http-poll: bad percent-encoding in '%s'", value);
	} else if (slot) {
		if (!jpath_form(v))
			rc = paper__error(PAPER_ECONFIG, "http-poll %s=%s: not a path like $.data.price "
					  "($ then .key, [index] or ['key'] steps)", key, v);
		else
			g_free(*slot), *slot = g_strdup(v);
	} else if (strcmp(key, "symbol") == 0) {
		if (!paper__symbol_valid(v))
			rc = bad("http-poll: symbol '%s' is not a valid symbol", v);
		else
			rc = add_symbol(s, v, v, FK_QUOTES);
	} else if (strcmp(key, "interval") == 0) {
		char *end = NULL;
		double sec = g_ascii_strtod(v, &end);
		if (end == v || *end || !(sec >= 0.1 && sec <= 86400))
			rc = bad("http-poll interval=%s: seconds in [0.1, 86400]", v);
		else
			s->poll_us = (paper_ts)(sec * 1e6);
	} else {
		rc = bad("http-poll: unknown option '%s' (price, time, bid, ask, volume, symbol, "
			 "interval)", key);
	}
	g_free(v);
	(void)kinds;
	return rc;
}

/* The sugar form: reserved names leave the query (they are ours), the others are sent. */
static int poll_query(feed_spec *s, const char *query, GString *kept)
{
	gchar **pairs = g_strsplit(query, "&", -1);
	int rc = PAPER_OK;
	unsigned unused = 0;
	for (int i = 0; pairs[i] && rc == PAPER_OK; i++) {
		char *eq = strchr(pairs[i], '=');
		char *key = g_strndup(pairs[i], eq ? (size_t)(eq - pairs[i]) : strlen(pairs[i]));
		if (eq && poll_reserved(key)) {
			rc = each_option(s, pairs[i], poll_option, &unused);
		} else if (pairs[i][0]) {
			g_string_append_c(kept, kept->len ? '&' : '?');
			g_string_append(kept, pairs[i]);
		}
		g_free(key);
	}
	g_strfreev(pairs);
	return rc;
}

static int parse_poll(feed_spec *s, const char *body)
{
	unsigned unused = 0;
	const char *hash = strchr(body, '#');
	const char *q = strchr(body, '?');
	if (q && hash && q > hash)
		q = NULL;
	char *base = g_strndup(body, q ? (size_t)(q - body) : hash ? (size_t)(hash - body) : strlen(body));
	GString *kept = g_string_new(NULL);
	int rc = PAPER_OK;
	s->poll_us = 5 * PAPER_TS_PER_SECOND;
	if (q) {
		char *query = g_strndup(q + 1, hash ? (size_t)(hash - q - 1) : strlen(q + 1));
		rc = poll_query(s, query, kept);
		g_free(query);
	}
	if (rc == PAPER_OK && hash)
		rc = each_option(s, hash + 1, poll_option, &unused);
	s->poll.url = g_strconcat(base, kept->str, NULL);
	g_strlcpy(s->display, base, sizeof s->display);
	g_string_free(kept, TRUE);
	g_free(base);
	if (rc == PAPER_OK && s->poll.price == NULL && (s->poll.bid == NULL || s->poll.ask == NULL))
		rc = bad("%s", "http-poll: price=$.path (or both bid= and ask=) is required");
	if (rc == PAPER_OK && s->symbols->len != 1)
		rc = bad("%s", "http-poll: symbol=NAME (one) is required");
	return rc;
}

/* ---- endpoints ---- */

static char *trimmed(const char *url)
{
	char *u = g_strdup(url);
	size_t n = strlen(u);
	while (n > 0 && u[n - 1] == '/')
		u[--n] = '\0';
	return u;
}

static void binance_url(feed_spec *s, const char *base)
{
	GString *u = g_string_new(base);
	g_string_append(u, "/stream?streams=");
	for (guint i = 0; i < s->symbols->len; i++) {
		const feed_symbol *fs = &g_array_index(s->symbols, feed_symbol, i);
		if (fs->kinds & FK_BARS)
			g_string_append_printf(u, "%s%s@kline_%s", u->str[u->len - 1] == '=' ? "" : "/",
					       fs->stream, s->interval);
		if (fs->kinds & FK_QUOTES)
			g_string_append_printf(u, "%s%s@bookTicker", u->str[u->len - 1] == '=' ? "" : "/",
					       fs->stream);
	}
	s->ws_url = g_string_free(u, FALSE);
}

static int check_url(const char *what, const char *url, bool websocket)
{
	char *why = NULL;
	int rc = paper__safety_check_feed_url(url, websocket, &why);
	if (rc != PAPER_OK)
		paper__error(rc, "%s '%s': %s", what, url, why);
	g_free(why);
	return rc;
}

static int endpoints(feed_spec *s, const paper_feed_options *o)
{
	const char *url = o && o->url && o->url[0] ? o->url : NULL;
	const char *rest = o && o->rest_url && o->rest_url[0] ? o->rest_url : NULL;
	char *base = NULL;
	int rc = PAPER_OK;

	if (s->venue == FV_POLL) {
		if (url) {
			g_free(s->poll.url);
			s->poll.url = g_strdup(url);
		}
		return check_url("http-poll URL", s->poll.url, false);
	}
	if (url && (rc = check_url("feed URL", url, true)) != PAPER_OK)
		return rc;
	if (rest && (rc = check_url("REST URL", rest, false)) != PAPER_OK)
		return rc;
	switch (s->venue) {
	case FV_COINBASE:
		s->ws_url = g_strdup(url ? url : coinbase_ws);
		s->rest_base = trimmed(rest ? rest : coinbase_rest);
		break;
	case FV_BINANCE:
		base = trimmed(url ? url : binance_ws);
		binance_url(s, base);
		s->rest_base = trimmed(rest ? rest : binance_rest);
		break;
	case FV_ALPACA:
		base = trimmed(url ? url : alpaca_ws);
		s->ws_url = g_strdup_printf("%s/v2/%s", base, s->alpaca_feed);
		s->rest_base = trimmed(rest ? rest : alpaca_rest);
		break;
	case FV_POLL:
		break;
	}
	g_free(base);
	return rc;
}

static void display(feed_spec *s)
{
	if (s->venue == FV_POLL)
		return;
	GString *d = g_string_new(s->venue_name);
	g_string_append_c(d, ':');
	for (guint i = 0; i < s->symbols->len && d->len < sizeof s->display; i++)
		g_string_append_printf(d, "%s%s", i ? "," : "",
				       g_array_index(s->symbols, feed_symbol, i).name);
	g_strlcpy(s->display, d->str, sizeof s->display);
	if (d->len >= sizeof s->display)
		memcpy(s->display + sizeof s->display - 4, "...", 4);
	g_string_free(d, TRUE);
}

static int parse_body(feed_spec *s, const char *rest)
{
	if (s->venue == FV_POLL)
		return parse_poll(s, rest);
	char *body = g_strdup(rest);
	char *q = strchr(body, '?');
	if (q)
		*q++ = '\0';
	int rc = body[0] ? PAPER_OK : bad("%s: no symbols after the ':'", s->venue_name);
	if (rc == PAPER_OK)
		rc = s->venue == FV_COINBASE  ? parse_coinbase(s, body, q)
		     : s->venue == FV_BINANCE ? parse_binance(s, body, q)
					      : parse_alpaca(s, body, q);
	g_free(body);
	return rc;
}

static const char *const venue_names[] = { "coinbase", "binance", "alpaca", "http-poll" };

int paper__feed_spec_parse(const char *source, const paper_feed_options *opts, feed_spec **out)
{
	static const struct {
		const char *prefix;
		feed_venue venue;
	} venues[] = {
		{ "coinbase:", FV_COINBASE },
		{ "binance:", FV_BINANCE },
		{ "alpaca:", FV_ALPACA },
		{ "http-poll:", FV_POLL },
	};
	PAPER__CHECK_NULL(source, "source");
	feed_spec *s = g_new0(feed_spec, 1);
	s->symbols = g_array_new(FALSE, TRUE, sizeof(feed_symbol));
	int rc = PAPER_ECONFIG;
	for (size_t i = 0; i < G_N_ELEMENTS(venues); i++) {
		if (!g_str_has_prefix(source, venues[i].prefix))
			continue;
		s->venue = venues[i].venue;
		s->venue_name = venue_names[s->venue];
		rc = parse_body(s, source + strlen(venues[i].prefix));
		break;
	}
	if (s->venue_name == NULL)
		rc = bad("'%.40s' is not a feed source: coinbase:, binance:, alpaca: or http-poll:",
			 source);
	if (rc == PAPER_OK)
		rc = endpoints(s, opts);
	if (rc != PAPER_OK) {
		paper__feed_spec_free(s);
		return rc;
	}
	display(s);
	*out = s;
	return PAPER_OK;
}
