/*
 * Alpaca market data v2 (stream.data.alpaca.markets/v2/iex): every server message is a JSON
 * array of objects tagged "T". The connection says success "connected", the client sends its
 * auth within ten seconds, the server says "authenticated", the client subscribes, the server
 * answers with the whole subscription. Data: "b" minute bars (stamped with the minute's
 * start), "q" quotes, "t" trades; prices are JSON numbers, times RFC 3339 with up to nine
 * decimals. "u" (a corrected bar for a past minute) is a revision, not new data: ignored.
 * REST bars (data.alpaca.markets/v2/stocks/{symbol}/bars) backfill, a page at a time.
 */
#include "feed/feed_parse.h"

#include <string.h>

#include "base/json.h"
#include "base/sumjson.h"
#include "base/tstext.h"
#include "feed/feed_json.h"
#include "feed/feed_msg.h"

#define MINUTE_US (INT64_C(60) * PAPER_TS_PER_SECOND)

/* Error codes after which retrying cannot help: a bad key, a plan without the feed, ... */
static bool fatal_code(int64_t code)
{
	return code == 402 || code == 405 || code == 408 || code == 409 || code == 410 ||
	       code == 411;
}

static int control(const json_value *o, const char *type, feed_parsed *out)
{
	const char *msg = fj_str(o, "msg");
	if (strcmp(type, "success") == 0) {
		if (msg && strcmp(msg, "connected") == 0)
			out->ctl |= FCTL_CONNECTED;
		else if (msg && strcmp(msg, "authenticated") == 0)
			out->ctl |= FCTL_AUTHENTICATED;
		return PAPER_OK;
	}
	if (strcmp(type, "subscription") == 0) {
		out->ctl |= FCTL_SUBSCRIBED;
		return PAPER_OK;
	}
	int64_t code = 0;
	fj_int_at(o, "code", &code);
	out->venue_code = (int)CLAMP(code, -1000000, 1000000);
	out->ctl |= FCTL_ERROR | (fatal_code(code) ? FCTL_FATAL : 0u);
	fm_error(out, "alpaca: error %lld: %s", (long long)code, msg ? msg : "");
	return PAPER_OK;
}

static int bar(const json_value *o, paper_ts recv, feed_parsed *out)
{
	paper_feed_msg m;
	if (!fm_init(&m, PAPER_FEED_BAR, fj_str(o, "S"), recv) || !fj_number_at(o, "o", &m.open) ||
	    !fj_number_at(o, "h", &m.high) || !fj_number_at(o, "l", &m.low) ||
	    !fj_number_at(o, "c", &m.close) || !fj_number_at(o, "v", &m.volume) ||
	    !fj_time_at(o, "t", &m.ts))
		return PAPER_EFORMAT;
	m.interval = MINUTE_US;
	return fm_add(out, &m) ? PAPER_OK : PAPER_EFORMAT;
}

static int quote(const json_value *o, paper_ts recv, feed_parsed *out)
{
	paper_feed_msg m;
	if (!fm_init(&m, PAPER_FEED_QUOTE, fj_str(o, "S"), recv) || !fj_number_at(o, "bp", &m.bid) ||
	    !fj_number_at(o, "ap", &m.ask) || !fj_time_at(o, "t", &m.ts))
		return PAPER_EFORMAT;
	/* A one-sided book (a zero side) is a quote without that side. */
	return fm_add(out, &m) ? PAPER_OK : PAPER_EFORMAT;
}

static int trade(const json_value *o, paper_ts recv, feed_parsed *out)
{
	paper_feed_msg m;
	int64_t id = 0;
	if (!fm_init(&m, PAPER_FEED_TRADE, fj_str(o, "S"), recv) || !fj_number_at(o, "p", &m.last) ||
	    !fj_number_at(o, "s", &m.size) || !fj_time_at(o, "t", &m.ts))
		return PAPER_EFORMAT;
	if (fj_int_at(o, "i", &id) && id > 0)
		m.seq = (uint64_t)id;
	return fm_add(out, &m) ? PAPER_OK : PAPER_EFORMAT;
}

static int one(const json_value *o, paper_ts recv, feed_parsed *out)
{
	const char *type = fj_str(o, "T");
	if (type == NULL)
		return PAPER_EFORMAT;
	if (strcmp(type, "b") == 0)
		return bar(o, recv, out);
	if (strcmp(type, "q") == 0)
		return quote(o, recv, out);
	if (strcmp(type, "t") == 0)
		return trade(o, recv, out);
	if (strcmp(type, "success") == 0 || strcmp(type, "subscription") == 0 ||
	    strcmp(type, "error") == 0)
		return control(o, type, out);
	out->ignored++; /* u, d, s, l, c, x: revisions, statuses, bands */
	return PAPER_OK;
}

int paper__alpaca_parse(const char *data, size_t len, paper_ts recv_ts, feed_parsed *out)
{
	json_value *root = NULL;
	char err[128];
	if (!json_parse(data, len, &root, err, sizeof err))
		return PAPER_EFORMAT;
	int rc = root->type == JSON_ARRAY ? PAPER_OK : PAPER_EFORMAT;
	/* One bad element spoils the frame's count, not its good neighbours. */
	for (guint i = 0; root->type == JSON_ARRAY && i < root->items->len; i++)
		if (one(g_ptr_array_index(root->items, i), recv_ts, out) != PAPER_OK)
			rc = PAPER_EFORMAT;
	json_free(root);
	return rc;
}

/* {"bars":[{"t":..,"o":..,...}],"symbol":"AAPL","next_page_token":null} */
int paper__alpaca_bars_parse(const char *data, size_t len, const char *symbol,
			     paper_ts interval_us, paper_ts recv_ts, feed_parsed *out,
			     char **next_page)
{
	guint start = out->msgs->len;
	json_value *root = NULL;
	char err[128];
	*next_page = NULL;
	if (!json_parse(data, len, &root, err, sizeof err))
		return PAPER_EFORMAT;
	const json_value *bars = json_get(root, "bars");
	int rc = bars && (bars->type == JSON_ARRAY || bars->type == JSON_NULL) ? PAPER_OK
									      : PAPER_EFORMAT;
	for (guint i = 0; rc == PAPER_OK && bars->type == JSON_ARRAY && i < bars->items->len; i++) {
		const json_value *b = g_ptr_array_index(bars->items, i);
		paper_feed_msg m;
		if (!fm_init(&m, PAPER_FEED_BAR, symbol, recv_ts) || !fj_number_at(b, "o", &m.open) ||
		    !fj_number_at(b, "h", &m.high) || !fj_number_at(b, "l", &m.low) ||
		    !fj_number_at(b, "c", &m.close) || !fj_number_at(b, "v", &m.volume) ||
		    !fj_time_at(b, "t", &m.ts)) {
			rc = PAPER_EFORMAT;
			break;
		}
		m.interval = interval_us;
		m.flags = PAPER_FEED_FLAG_BACKFILL;
		if (!fm_add(out, &m))
			rc = PAPER_EFORMAT;
	}
	const char *token = fj_str(root, "next_page_token");
	if (rc == PAPER_OK && token && token[0])
		*next_page = g_strdup(token);
	json_free(root);
	return fm_backfill_done(out, start, rc);
}

char *paper__alpaca_auth(const char *key, const char *secret)
{
	GString *g = g_string_new("{\"action\":\"auth\",\"key\":");
	sj_string(g, key);
	g_string_append(g, ",\"secret\":");
	sj_string(g, secret);
	g_string_append_c(g, '}');
	/* g_string_free would leave the old buffers of a growing string behind unwiped: the
	 * secret is short and the string was sized once, but copy it out to be sure. */
	char *msg = g_strndup(g->str, g->len);
	for (volatile char *p = g->str; *p; p++)
		*p = 0;
	g_string_free(g, TRUE);
	return msg;
}

static void list(GString *g, const feed_spec *spec, const char *name, unsigned kind)
{
	bool any = false;
	for (guint i = 0; i < spec->symbols->len; i++) {
		const feed_symbol *fs = &g_array_index(spec->symbols, feed_symbol, i);
		if (!(fs->kinds & kind))
			continue;
		g_string_append_printf(g, any ? "," : ",\"%s\":[", name);
		sj_string(g, fs->name);
		any = true;
	}
	if (any)
		g_string_append_c(g, ']');
}

char *paper__alpaca_subscribe(const feed_spec *spec)
{
	GString *g = g_string_new("{\"action\":\"subscribe\"");
	list(g, spec, "bars", FK_BARS);
	list(g, spec, "quotes", FK_QUOTES);
	list(g, spec, "trades", FK_TRADES);
	g_string_append_c(g, '}');
	return g_string_free(g, FALSE);
}

char *paper__alpaca_bars_path(const feed_spec *spec, const char *symbol, paper_ts from,
			      paper_ts to, const char *page_token)
{
	char a[TS_TEXT_CAP], b[TS_TEXT_CAP];
	ts_format(a, from);
	ts_format(b, to - 1); /* end is inclusive */
	char *tok = page_token ? g_uri_escape_string(page_token, NULL, FALSE) : NULL;
	char *path = g_strdup_printf("/v2/stocks/%s/bars?timeframe=1Min&start=%s&end=%s&limit=1000"
				     "&adjustment=raw&feed=%s%s%s", symbol, a, b,
				     strcmp(spec->alpaca_feed, "test") == 0 ? "iex" : spec->alpaca_feed,
				     tok ? "&page_token=" : "", tok ? tok : "");
	g_free(tok);
	return path;
}
