/*
 * Coinbase Exchange: the public WebSocket feed (ws-feed.exchange.coinbase.com) and the REST
 * candles used to backfill. Channels: ticker (a quote after every match: best bid/ask and the
 * last price, ordered by the product's `sequence`), matches (one message per trade with a
 * consecutive per-product `trade_id`, the first one `last_match`), heartbeat (once a second per
 * product, with the last trade id). Prices are decimal strings, times RFC 3339 with
 * microseconds. Unknown message types are ignored, as the venue's documentation asks.
 */
#include "feed/feed_parse.h"

#include <string.h>

#include "base/json.h"
#include "base/sumjson.h"
#include "base/tstext.h"
#include "feed/feed_json.h"
#include "feed/feed_msg.h"

/* "Failed to subscribe" (a product or channel refused): retrying cannot mend it. */
#define COINBASE_SUBSCRIBE_FAILED 1

static bool stamp(paper_feed_msg *m, const json_value *o)
{
	if (fj_time_at(o, "time", &m->ts))
		return true;
	if (json_get(o, "time"))
		return false; /* there, but not a time */
	m->ts = m->recv_ts;
	m->flags |= PAPER_FEED_FLAG_RECV_TIME;
	return true;
}

static int ticker(const json_value *o, paper_ts recv, feed_parsed *out)
{
	paper_feed_msg m;
	int64_t seq = 0;
	if (!fm_init(&m, PAPER_FEED_QUOTE, fj_str(o, "product_id"), recv) ||
	    !fj_number_at(o, "price", &m.last) || !stamp(&m, o))
		return PAPER_EFORMAT;
	/* best_bid / best_ask are optional in older messages. */
	if (json_get(o, "best_bid") && !fj_number_at(o, "best_bid", &m.bid))
		return PAPER_EFORMAT;
	if (json_get(o, "best_ask") && !fj_number_at(o, "best_ask", &m.ask))
		return PAPER_EFORMAT;
	if (fj_int_at(o, "sequence", &seq) && seq > 0)
		m.seq = (uint64_t)seq;
	return fm_add(out, &m) ? PAPER_OK : PAPER_EFORMAT;
}

static int match(const json_value *o, paper_ts recv, feed_parsed *out)
{
	paper_feed_msg m;
	int64_t id = 0;
	if (!fm_init(&m, PAPER_FEED_TRADE, fj_str(o, "product_id"), recv) ||
	    !fj_number_at(o, "price", &m.last) || !fj_number_at(o, "size", &m.size) ||
	    !fj_int_at(o, "trade_id", &id) || id <= 0 || !stamp(&m, o))
		return PAPER_EFORMAT;
	m.seq = (uint64_t)id;
	return fm_add(out, &m) ? PAPER_OK : PAPER_EFORMAT;
}

static int heartbeat(const json_value *o, paper_ts recv, feed_parsed *out)
{
	paper_feed_msg m;
	int64_t id = 0;
	if (!fm_init(&m, PAPER_FEED_QUOTE, fj_str(o, "product_id"), recv) || !stamp(&m, o))
		return PAPER_EFORMAT;
	m.type = (paper_feed_msg_type)FEED_HEARTBEAT;
	/* 0 means unknown (the venue has sent 0 for a while at times). */
	if (fj_int_at(o, "last_trade_id", &id) && id > 0)
		m.seq = (uint64_t)id;
	g_array_append_val(out->msgs, m);
	return PAPER_OK;
}

/* The reply to a subscribe: the whole current set; what we asked for but is missing failed. */
static int subscriptions(const json_value *o, feed_parsed *out)
{
	const json_value *chans = json_get(o, "channels");
	if (chans == NULL || chans->type != JSON_ARRAY)
		return PAPER_EFORMAT;
	for (guint i = 0; i < chans->items->len; i++) {
		const json_value *c = g_ptr_array_index(chans->items, i);
		const char *name = fj_str(c, "name");
		const json_value *ids = json_get(c, "product_ids");
		if (name == NULL || ids == NULL || ids->type != JSON_ARRAY)
			continue;
		if (strcmp(name, "ticker") != 0 && strcmp(name, "matches") != 0)
			continue;
		for (guint k = 0; k < ids->items->len; k++) {
			const json_value *id = g_ptr_array_index(ids->items, k);
			if (id->type == JSON_STRING)
				g_ptr_array_add(out->subscribed, g_strdup(id->text));
		}
	}
	out->ctl |= FCTL_SUBSCRIBED;
	return PAPER_OK;
}

static int error(const json_value *o, feed_parsed *out)
{
	const char *msg = fj_str(o, "message"), *reason = fj_str(o, "reason");
	fm_error(out, "coinbase: %s%s%s", msg ? msg : "error", reason ? ": " : "",
		 reason ? reason : "");
	out->ctl |= FCTL_ERROR;
	if (msg && strcmp(msg, "Failed to subscribe") == 0)
		out->venue_code = COINBASE_SUBSCRIBE_FAILED;
	return PAPER_OK;
}

int paper__coinbase_parse(const char *data, size_t len, paper_ts recv_ts, feed_parsed *out)
{
	json_value *root = NULL;
	char err[128];
	if (!json_parse(data, len, &root, err, sizeof err))
		return PAPER_EFORMAT;
	const char *type = fj_str(root, "type");
	int rc = PAPER_OK;
	if (type == NULL)
		rc = PAPER_EFORMAT;
	else if (strcmp(type, "ticker") == 0)
		rc = ticker(root, recv_ts, out);
	else if (strcmp(type, "match") == 0 || strcmp(type, "last_match") == 0)
		rc = match(root, recv_ts, out);
	else if (strcmp(type, "heartbeat") == 0)
		rc = heartbeat(root, recv_ts, out);
	else if (strcmp(type, "subscriptions") == 0)
		rc = subscriptions(root, out);
	else if (strcmp(type, "error") == 0)
		rc = error(root, out);
	else
		out->ignored++;
	json_free(root);
	return rc;
}

/* [[time, low, high, open, close, volume], ...], newest first in practice; times in s. */
int paper__coinbase_candles_parse(const char *data, size_t len, const char *symbol,
				  paper_ts interval_us, paper_ts recv_ts, feed_parsed *out)
{
	guint start = out->msgs->len;
	json_value *root = NULL;
	char err[128];
	if (!json_parse(data, len, &root, err, sizeof err))
		return PAPER_EFORMAT;
	int rc = root->type == JSON_ARRAY ? PAPER_OK : PAPER_EFORMAT;
	for (guint i = 0; rc == PAPER_OK && i < root->items->len; i++) {
		const json_value *row = g_ptr_array_index(root->items, i);
		paper_feed_msg m;
		int64_t t = 0;
		if (row->type != JSON_ARRAY || row->items->len < 6 ||
		    !fm_init(&m, PAPER_FEED_BAR, symbol, recv_ts) ||
		    !fj_int(g_ptr_array_index(row->items, 0), &t) ||
		    !fj_scaled_time(t, PAPER_TS_PER_SECOND, &m.ts) ||
		    !fj_number(g_ptr_array_index(row->items, 1), &m.low) ||
		    !fj_number(g_ptr_array_index(row->items, 2), &m.high) ||
		    !fj_number(g_ptr_array_index(row->items, 3), &m.open) ||
		    !fj_number(g_ptr_array_index(row->items, 4), &m.close) ||
		    !fj_number(g_ptr_array_index(row->items, 5), &m.volume)) {
			rc = PAPER_EFORMAT;
			break;
		}
		m.interval = interval_us;
		m.flags = PAPER_FEED_FLAG_BACKFILL;
		if (!fm_add(out, &m))
			rc = PAPER_EFORMAT;
	}
	json_free(root);
	return fm_backfill_done(out, start, rc);
}

static void channel(GString *g, const feed_spec *spec, const char *name, unsigned kind,
		    bool *first)
{
	bool any = false;
	for (guint i = 0; i < spec->symbols->len; i++) {
		const feed_symbol *fs = &g_array_index(spec->symbols, feed_symbol, i);
		if (!(fs->kinds & kind))
			continue;
		if (!any) {
			g_string_append_printf(g, "%s{\"name\":\"%s\",\"product_ids\":[", *first ? "" : ",",
					       name);
			*first = false;
		}
		g_string_append(g, any ? "," : "");
		sj_string(g, fs->name);
		any = true;
	}
	if (any)
		g_string_append(g, "]}");
}

/* The heartbeat channel for every product: the venue's own liveness signal, once a second. */
char *paper__coinbase_subscribe(const feed_spec *spec)
{
	GString *g = g_string_new("{\"type\":\"subscribe\",\"channels\":[");
	bool first = true;
	channel(g, spec, "heartbeat", FK_QUOTES | FK_TRADES | FK_BARS, &first);
	channel(g, spec, "ticker", FK_QUOTES, &first);
	channel(g, spec, "matches", FK_TRADES, &first);
	g_string_append(g, "]}");
	return g_string_free(g, FALSE);
}

/* ISO-8601 for start/end; at most 300 candles a request (the caller pages). */
char *paper__coinbase_candles_path(const feed_spec *spec, const char *symbol, paper_ts from,
				   paper_ts to)
{
	char a[TS_TEXT_CAP], b[TS_TEXT_CAP];
	ts_format(a, from);
	ts_format(b, to);
	return g_strdup_printf("/products/%s/candles?granularity=%lld&start=%s&end=%s", symbol,
			       (long long)(spec->bar_us / PAPER_TS_PER_SECOND), a, b);
}
