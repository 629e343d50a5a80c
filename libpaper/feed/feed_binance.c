/*
 * Binance spot: the public market-data streams, combined on one connection
 * (/stream?streams=btcusdt@kline_1m/btcusdt@bookTicker, each payload wrapped as
 * {"stream":..,"data":..}), and REST klines for backfill. A kline is re-sent while it forms
 * and once more closed (k.x true): only closed klines become bars, stamped with their open
 * time (k.t, milliseconds). bookTicker carries no time: it is stamped when it arrives. Prices
 * are decimal strings. serverShutdown announces a disconnect: reconnect at once.
 */
#include "feed/feed_parse.h"

#include <string.h>

#include "base/json.h"
#include "feed/feed_json.h"
#include "feed/feed_msg.h"

#define MS INT64_C(1000)

static int kline(const json_value *o, paper_ts recv, feed_parsed *out)
{
	const json_value *k = json_get(o, "k");
	const json_value *closed = json_get(k, "x");
	paper_feed_msg m;
	int64_t t = 0, t_close = 0;
	paper_ts ts = 0;
	if (closed == NULL || closed->type != JSON_BOOL || !fj_int_at(k, "t", &t) ||
	    !fj_int_at(k, "T", &t_close) || !fj_scaled_time(t, MS, &ts) || t_close < t ||
	    t_close - t > INT64_C(1) << 40)
		return PAPER_EFORMAT;
	if (!closed->boolean) {
		out->ignored++; /* still forming: a bar only once it has closed */
		return PAPER_OK;
	}
	if (!fm_init(&m, PAPER_FEED_BAR, fj_str(k, "s") ? fj_str(k, "s") : fj_str(o, "s"), recv) ||
	    !fj_number_at(k, "o", &m.open) || !fj_number_at(k, "h", &m.high) ||
	    !fj_number_at(k, "l", &m.low) || !fj_number_at(k, "c", &m.close) ||
	    !fj_number_at(k, "v", &m.volume))
		return PAPER_EFORMAT;
	m.ts = ts;
	m.interval = (t_close - t + 1) * MS; /* T is the last millisecond of the bar */
	return fm_add(out, &m) ? PAPER_OK : PAPER_EFORMAT;
}

static int book_ticker(const json_value *o, paper_ts recv, feed_parsed *out)
{
	paper_feed_msg m;
	int64_t u = 0, e = 0;
	if (!fm_init(&m, PAPER_FEED_QUOTE, fj_str(o, "s"), recv) || !fj_number_at(o, "b", &m.bid) ||
	    !fj_number_at(o, "a", &m.ask))
		return PAPER_EFORMAT;
	if (fj_int_at(o, "u", &u) && u > 0)
		m.seq = (uint64_t)u;
	if (fj_int_at(o, "E", &e) && e > 0) {
		if (!fj_scaled_time(e, MS, &m.ts))
			return PAPER_EFORMAT;
	} else {
		m.ts = recv;
		m.flags |= PAPER_FEED_FLAG_RECV_TIME;
	}
	return fm_add(out, &m) ? PAPER_OK : PAPER_EFORMAT;
}

static int trade(const json_value *o, paper_ts recv, feed_parsed *out)
{
	paper_feed_msg m;
	int64_t t = 0, id = 0;
	if (!fm_init(&m, PAPER_FEED_TRADE, fj_str(o, "s"), recv) || !fj_number_at(o, "p", &m.last) ||
	    !fj_number_at(o, "q", &m.size) || !fj_int_at(o, "T", &t) ||
	    !fj_scaled_time(t, MS, &m.ts))
		return PAPER_EFORMAT;
	if (fj_int_at(o, "t", &id) && id > 0)
		m.seq = (uint64_t)id;
	return fm_add(out, &m) ? PAPER_OK : PAPER_EFORMAT;
}

static int payload(const json_value *o, paper_ts recv, feed_parsed *out)
{
	const char *e = fj_str(o, "e");
	if (o->type != JSON_OBJECT)
		return PAPER_EFORMAT;
	if (e == NULL && json_get(o, "u") && json_get(o, "b") && json_get(o, "a"))
		return book_ticker(o, recv, out);
	if (e == NULL && json_get(o, "id") && json_get(o, "result")) {
		out->ctl |= FCTL_SUBSCRIBED; /* a reply to a control message */
		return PAPER_OK;
	}
	if (e == NULL && json_get(o, "code") && json_get(o, "msg")) {
		fm_error(out, "binance: %s", fj_str(o, "msg") ? fj_str(o, "msg") : "error");
		out->ctl |= FCTL_ERROR;
		return PAPER_OK;
	}
	if (e == NULL)
		return PAPER_EFORMAT;
	if (strcmp(e, "kline") == 0)
		return kline(o, recv, out);
	if (strcmp(e, "bookTicker") == 0)
		return book_ticker(o, recv, out);
	if (strcmp(e, "trade") == 0)
		return trade(o, recv, out);
	if (strcmp(e, "serverShutdown") == 0) {
		out->ctl |= FCTL_SHUTDOWN;
		return PAPER_OK;
	}
	out->ignored++;
	return PAPER_OK;
}

int paper__binance_parse(const char *data, size_t len, paper_ts recv_ts, feed_parsed *out)
{
	json_value *root = NULL;
	char err[128];
	if (!json_parse(data, len, &root, err, sizeof err))
		return PAPER_EFORMAT;
	const json_value *inner = json_get(root, "data");
	int rc = inner && json_get(root, "stream") ? payload(inner, recv_ts, out)
						   : payload(root, recv_ts, out);
	json_free(root);
	return rc;
}

/* [[openTime, "o", "h", "l", "c", "v", closeTime, ...], ...], oldest first. */
int paper__binance_klines_parse(const char *data, size_t len, const char *symbol,
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
		if (row->type != JSON_ARRAY || row->items->len < 7 ||
		    !fm_init(&m, PAPER_FEED_BAR, symbol, recv_ts) ||
		    !fj_int(g_ptr_array_index(row->items, 0), &t) || !fj_scaled_time(t, MS, &m.ts) ||
		    !fj_number(g_ptr_array_index(row->items, 1), &m.open) ||
		    !fj_number(g_ptr_array_index(row->items, 2), &m.high) ||
		    !fj_number(g_ptr_array_index(row->items, 3), &m.low) ||
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

char *paper__binance_klines_path(const feed_spec *spec, const char *symbol, paper_ts from,
				 paper_ts to)
{
	return g_strdup_printf("/api/v3/klines?symbol=%s&interval=%s&startTime=%lld&endTime=%lld"
			       "&limit=1000", symbol, spec->interval, (long long)(from / MS),
			       (long long)(to / MS - 1));
}
