/*
 * A feed's network thread, on libsoup 3 (docs/feeds.md). One thread per feed with a
 * GMainContext of its own: the session, the WebSocket and every REST request are created and
 * run there, so their callbacks and signals arrive there; the caller's thread only takes
 * messages from the queue (feed_queue.c) and reads the health.
 *
 * What libsoup 3.2 leaves to us (measured on Debian 12, notes in docs/feeds.md): a handshake
 * with no session timeout waits forever, so every step has a deadline of ours; there is no
 * pong timeout and a peer that stops reading is never noticed, so a watchdog reconnects when
 * nothing (data, heartbeat, pong) has arrived for the idle timeout; an abrupt drop gives
 * "closed" with code 0 and no error, and a protocol error may raise "error" several times
 * before the one "closed", which is where a reconnect is scheduled.
 *
 * Market data only: the messages sent are a subscription (Coinbase, Alpaca) and Alpaca's
 * auth; REST calls are GETs of bars.
 */
#include "feed/feed_core.h"

#include <libsoup/soup.h>
#include <string.h>

#include "base/error.h"
#include "feed/feed_backoff.h"
#include "feed/feed_parse.h"

#define WATCHDOG_MS 100
#define MAX_PAYLOAD (1024 * 1024)
#define STABLE_US (60 * G_USEC_PER_SEC)   /* up this long: the backoff starts over */
#define VENUE_BUSY_MS 30000               /* Alpaca 406, HTTP 429/503 without Retry-After */
#define POLL_FAILURES_DOWN 3              /* http-poll: failures in a row that mean "down" */

typedef enum phase {
	PH_CONNECTING, /* the handshake */
	PH_OPEN,       /* connected; waiting for the venue's hello, auth or subscription reply */
	PH_UP,         /* subscribed: data flows */
	PH_WAIT,       /* a reconnect is scheduled */
	PH_FAILED,     /* given up */
	PH_STOPPING,
} phase;

struct feed_net {
	paper_feed *f;
	const feed_spec *spec;
	GThread *thread;
	GMainContext *ctx;
	GMainLoop *loop;
	SoupSession *session;
	SoupWebsocketConnection *ws;
	GPtrArray *closing;          /* connections given up on, until their "closed" */
	GPtrArray *jobs;             /* rest_job *: backfills in flight, cancelled on stop */
	GCancellable *attempt_cancel;/* the handshake or poll under way */
	GSource *watchdog, *retry, *poll;
	phase ph;
	gint64 deadline;             /* monotonic: the current step ends by then */
	gint64 last_rx, up_since;
	unsigned attempt;            /* failed connections in a row */
	uint64_t draws, reconnects;
	bool ever_up, subscribe_refused;
	char refusal[PAPER_FEED_TEXT_MAX + 1]; /* the venue's words when it refused */
	unsigned poll_failures;
	uint32_t idle_ms;
	feed_track *track;
	feed_parsed parsed;
};

/* One REST backfill: a symbol's bars in [from, to), fetched in windows or pages. */
typedef struct rest_job {
	feed_net *n;
	char symbol[PAPER_SYMBOL_MAX + 1];
	paper_ts from, to, window_end;
	char *page;
	GCancellable *cancel;
	GSource *timer;
	GArray *bars;
} rest_job;

static void connect_ws(feed_net *n);
static void poll_now(feed_net *n);

static gint64 mono(void)
{
	return g_get_monotonic_time();
}

static GSource *add_timer(feed_net *n, guint ms, GSourceFunc fn, gpointer data)
{
	GSource *s = g_timeout_source_new(ms);
	g_source_set_callback(s, fn, data, NULL);
	g_source_attach(s, n->ctx);
	return s;
}

static void drop_source(GSource **s)
{
	if (*s) {
		g_source_destroy(*s);
		g_source_unref(*s);
		*s = NULL;
	}
}

static void publish_stats(feed_net *n)
{
	paper__feed_track_stats(n->f, paper__track_stats(n->track), n->reconnects);
}

/* ---- giving up on a connection ---- */

static void on_closed(SoupWebsocketConnection *ws, gpointer data);

/*
 * Leave the connection: it closes on its own time (its "closed" just releases it); force cuts
 * the socket at once, for a peer that stopped answering (libsoup would wait 5 s for its close).
 */
static void drop_ws(feed_net *n, gushort code, const char *why, bool force)
{
	SoupWebsocketConnection *ws = n->ws;
	if (ws == NULL)
		return;
	n->ws = NULL;
	g_ptr_array_add(n->closing, ws);
	if (soup_websocket_connection_get_state(ws) == SOUP_WEBSOCKET_STATE_OPEN)
		soup_websocket_connection_close(ws, code, why);
	if (force)
		g_io_stream_close(soup_websocket_connection_get_io_stream(ws), NULL, NULL);
}

static void fail(feed_net *n, const char *why)
{
	drop_ws(n, SOUP_WEBSOCKET_CLOSE_NORMAL, "failed", false);
	drop_source(&n->retry);
	drop_source(&n->poll);
	n->ph = PH_FAILED;
	paper__feed_error(n->f, PAPER_EIO, "%s", why);
	paper__feed_state(n->f, PAPER_FEED_FAILED, false, why);
	paper__queue_close(&n->f->q);
}

static gboolean on_retry(gpointer data)
{
	feed_net *n = data;
	drop_source(&n->retry);
	if (n->spec->venue == FV_POLL)
		poll_now(n);
	else
		connect_ws(n);
	return G_SOURCE_REMOVE;
}

/*
 * Lost, or never made: try again after the backoff (at least floor_ms, e.g. a venue's
 * Retry-After). count: a failure in a row (a planned reconnect, e.g. Binance's serverShutdown,
 * is not).
 */
static void schedule_retry(feed_net *n, uint32_t floor_ms, bool count, const char *why)
{
	if (n->ph == PH_FAILED || n->ph == PH_STOPPING)
		return;
	const paper_feed_options *o = &n->f->opts;
	if (count)
		n->attempt++;
	if (o->max_attempts && n->attempt >= o->max_attempts) {
		char text[PAPER_FEED_TEXT_MAX + 1];
		g_snprintf(text, sizeof text, "gave up after %u failed connections: %s", n->attempt,
			   why);
		fail(n, text);
		return;
	}
	uint32_t delay = count ? paper__backoff_ms(o->backoff_base_ms, o->backoff_cap_ms,
						   n->attempt - 1, o->seed, n->draws++)
			       : paper__backoff_ms(1, 1000, 0, o->seed, n->draws++);
	delay = MAX(delay, floor_ms);
	n->ph = PH_WAIT;
	char text[PAPER_FEED_TEXT_MAX + 1];
	g_snprintf(text, sizeof text, "%s; reconnecting in %u ms", why, delay);
	paper__feed_state(n->f, PAPER_FEED_RECONNECTING, false, text);
	drop_source(&n->retry);
	n->retry = add_timer(n, delay, on_retry, n);
}

static void lost(feed_net *n, gushort code, const char *why, bool force)
{
	paper__feed_error(n->f, PAPER_EIO, "%s", why);
	drop_ws(n, code, why, force);
	schedule_retry(n, 0, true, why);
}

/* ---- REST backfill ---- */

static void rest_next(rest_job *j);

static void rest_done(rest_job *j, bool ok)
{
	feed_net *n = j->n;
	drop_source(&j->timer);
	g_ptr_array_remove(n->jobs, j);
	if (n->ph != PH_STOPPING) {
		paper__track_backfill_done(n->track, j->symbol, (const paper_feed_msg *)j->bars->data,
					   j->bars->len, ok, g_get_real_time());
		publish_stats(n);
	}
	g_object_unref(j->cancel);
	g_array_free(j->bars, TRUE);
	g_free(j->page);
	g_free(j);
}

static int rest_parse(rest_job *j, const char *data, size_t len)
{
	feed_net *n = j->n;
	feed_parsed *p = &n->parsed;
	paper__feed_parsed_reset(p);
	paper_ts now = g_get_real_time();
	int rc = PAPER_EFORMAT;
	g_free(j->page);
	j->page = NULL;
	switch (n->spec->venue) {
	case FV_COINBASE:
		rc = paper__coinbase_candles_parse(data, len, j->symbol, n->spec->bar_us, now, p);
		break;
	case FV_BINANCE:
		rc = paper__binance_klines_parse(data, len, j->symbol, n->spec->bar_us, now, p);
		break;
	case FV_ALPACA:
		rc = paper__alpaca_bars_parse(data, len, j->symbol, n->spec->bar_us, now, p, &j->page);
		break;
	case FV_POLL:
		break;
	}
	if (rc == PAPER_OK)
		g_array_append_vals(j->bars, p->msgs->data, p->msgs->len);
	return rc;
}

static void on_rest(GObject *source, GAsyncResult *res, gpointer data)
{
	rest_job *j = data;
	GError *err = NULL;
	GBytes *body = soup_session_send_and_read_finish(SOUP_SESSION(source), res, &err);
	SoupMessage *msg = soup_session_get_async_result_message(SOUP_SESSION(source), res);
	guint status = msg ? soup_message_get_status(msg) : 0;
	bool ok = body != NULL && status == SOUP_STATUS_OK && j->n->ph != PH_STOPPING;
	paper__feed_frame(j->n->f, !ok);
	if (ok) {
		gsize len = 0;
		const char *data_ = g_bytes_get_data(body, &len);
		ok = rest_parse(j, data_, len) == PAPER_OK;
		if (!ok)
			paper__feed_error(j->n->f, PAPER_EFORMAT, "backfill %s: the venue's bars could "
					  "not be read", j->symbol);
	} else if (j->n->ph != PH_STOPPING) {
		paper__feed_error(j->n->f, PAPER_EIO, "backfill %s: %s", j->symbol,
				  err ? err->message : soup_status_get_phrase(status));
	}
	if (body)
		g_bytes_unref(body);
	g_clear_error(&err);
	if (ok && (j->page || j->window_end < j->to))
		rest_next(j);
	else
		rest_done(j, ok);
}

static gboolean on_rest_timeout(gpointer data)
{
	rest_job *j = data;
	g_cancellable_cancel(j->cancel);
	return G_SOURCE_CONTINUE; /* rest_done() destroys it */
}

/* The window of the next request: Coinbase answers at most 300 candles, Binance 1000. */
static char *rest_path(rest_job *j)
{
	const feed_spec *s = j->n->spec;
	paper_ts from = j->window_end ? j->window_end : j->from;
	switch (s->venue) {
	case FV_COINBASE:
		j->window_end = MIN(j->to, from + 300 * s->bar_us);
		return paper__coinbase_candles_path(s, j->symbol, from, j->window_end);
	case FV_BINANCE:
		j->window_end = MIN(j->to, from + 1000 * s->bar_us);
		return paper__binance_klines_path(s, j->symbol, from, j->window_end);
	case FV_ALPACA:
		j->window_end = j->to; /* pages instead of windows */
		return paper__alpaca_bars_path(s, j->symbol, j->from, j->to, j->page);
	case FV_POLL:
		break;
	}
	return NULL;
}

static void rest_next(rest_job *j)
{
	feed_net *n = j->n;
	char *path = rest_path(j);
	char *url = path ? g_strconcat(n->spec->rest_base, path, NULL) : NULL;
	SoupMessage *msg = url ? soup_message_new("GET", url) : NULL;
	g_free(path);
	g_free(url);
	if (msg == NULL) {
		rest_done(j, false);
		return;
	}
	if (n->spec->venue == FV_ALPACA) {
		SoupMessageHeaders *h = soup_message_get_request_headers(msg);
		soup_message_headers_append(h, "APCA-API-KEY-ID", n->f->key);
		soup_message_headers_append(h, "APCA-API-SECRET-KEY", n->f->secret);
	}
	drop_source(&j->timer);
	j->timer = add_timer(n, n->f->opts.connect_timeout_ms, on_rest_timeout, j);
	soup_session_send_and_read_async(n->session, msg, G_PRIORITY_DEFAULT, j->cancel, on_rest, j);
	g_object_unref(msg);
}

/* track_out.backfill */
static void backfill(void *ctx, const char *symbol, paper_ts from, paper_ts to)
{
	feed_net *n = ctx;
	rest_job *j = g_new0(rest_job, 1);
	j->n = n;
	g_strlcpy(j->symbol, symbol, sizeof j->symbol);
	j->from = from;
	j->to = to;
	j->cancel = g_cancellable_new();
	j->bars = g_array_new(FALSE, FALSE, sizeof(paper_feed_msg));
	g_ptr_array_add(n->jobs, j);
	rest_next(j);
}

/* track_out.emit */
static void emit(void *ctx, const paper_feed_msg *m)
{
	feed_net *n = ctx;
	paper__feed_deliver(n->f, m);
}

/* ---- the stream ---- */

static void send_text(feed_net *n, char *text, bool secret)
{
	if (n->ws && soup_websocket_connection_get_state(n->ws) == SOUP_WEBSOCKET_STATE_OPEN)
		soup_websocket_connection_send_text(n->ws, text);
	if (secret)
		paper__feed_wipe(text);
	else
		g_free(text);
}

static void went_up(feed_net *n)
{
	n->ph = PH_UP;
	n->up_since = mono();
	paper_ts now = g_get_real_time();
	if (n->ever_up) {
		n->reconnects++;
		paper__track_reconnected(n->track, now);
	} else {
		paper__track_initial_backfill(n->track, n->f->opts.backfill_minutes, now);
	}
	n->ever_up = true;
	publish_stats(n);
	paper__feed_state(n->f, PAPER_FEED_UP, true, n->reconnects ? "reconnected" : "connected");
}

/* Coinbase lists what it accepted; a product missing from it was refused. */
static void subscribed(feed_net *n, const feed_parsed *p)
{
	if (n->spec->venue == FV_COINBASE) {
		guint missing = 0;
		for (guint i = 0; i < n->spec->symbols->len; i++) {
			const char *name = g_array_index(n->spec->symbols, feed_symbol, i).name;
			bool found = false;
			for (guint k = 0; k < p->subscribed->len && !found; k++)
				found = strcmp(g_ptr_array_index(p->subscribed, k), name) == 0;
			missing += !found;
		}
		if (missing == n->spec->symbols->len) {
			fail(n, p->error[0] ? p->error : "coinbase: no product was subscribed");
			return;
		}
		if (missing)
			paper__feed_error(n->f, PAPER_ECONFIG, "coinbase: %u product(s) refused: %s",
					  missing, p->error[0] ? p->error : "not in the subscription");
	}
	if (n->ph == PH_OPEN)
		went_up(n);
}

static void control(feed_net *n, feed_parsed *p)
{
	if (p->ctl & FCTL_ERROR)
		paper__feed_error(n->f, PAPER_EIO, "%s", p->error);
	if (p->ctl & FCTL_FATAL) {
		fail(n, p->error);
		return;
	}
	if (p->venue_code == 1 && n->spec->venue == FV_COINBASE) {
		n->subscribe_refused = true; /* the subscriptions reply says what survived */
		g_strlcpy(n->refusal, p->error, sizeof n->refusal);
	}
	if (p->ctl & FCTL_CONNECTED)
		send_text(n, paper__alpaca_auth(n->f->key, n->f->secret), true);
	if (p->ctl & FCTL_AUTHENTICATED)
		send_text(n, paper__alpaca_subscribe(n->spec), false);
	if (p->ctl & FCTL_SUBSCRIBED)
		subscribed(n, p);
	if (n->ph == PH_FAILED)
		return;
	if (p->ctl & FCTL_SHUTDOWN) {
		drop_ws(n, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "server shutdown", false);
		schedule_retry(n, 0, false, "the venue announced a shutdown");
	} else if ((p->ctl & FCTL_ERROR) && n->spec->venue == FV_ALPACA) {
		/* 406: another connection holds the key; it takes a while to be released. */
		uint32_t floor = p->venue_code == 406 ? MIN(VENUE_BUSY_MS, n->f->opts.backoff_cap_ms) : 0;
		drop_ws(n, SOUP_WEBSOCKET_CLOSE_NORMAL, "error", false);
		paper__feed_error(n->f, PAPER_EIO, "%s", p->error);
		schedule_retry(n, floor, true, p->error);
	}
}

static int parse_frame(feed_net *n, const char *data, size_t len, paper_ts now)
{
	switch (n->spec->venue) {
	case FV_COINBASE:
		return paper__coinbase_parse(data, len, now, &n->parsed);
	case FV_BINANCE:
		return paper__binance_parse(data, len, now, &n->parsed);
	case FV_ALPACA:
		return paper__alpaca_parse(data, len, now, &n->parsed);
	case FV_POLL:
		return paper__poll_parse(n->spec, data, len, now, &n->parsed);
	}
	return PAPER_EFORMAT;
}

/* One frame or poll response: parsed, its control acted on, its prices tracked. */
static void frame(feed_net *n, const char *data, size_t len)
{
	paper_ts now = g_get_real_time();
	feed_parsed *p = &n->parsed;
	n->last_rx = mono();
	paper__feed_parsed_reset(p);
	int rc = parse_frame(n, data, len, now);
	paper__feed_frame(n->f, rc != PAPER_OK);
	if (p->ctl)
		control(n, p);
	if (n->ph == PH_FAILED || n->ph == PH_STOPPING)
		return;
	for (guint i = 0; i < p->msgs->len; i++)
		paper__track_msg(n->track, &g_array_index(p->msgs, paper_feed_msg, i), now);
	publish_stats(n);
}

static void on_message(SoupWebsocketConnection *ws, gint type, GBytes *message, gpointer data)
{
	feed_net *n = data;
	if (ws != n->ws)
		return;
	gsize len = 0;
	const char *bytes = g_bytes_get_data(message, &len);
	if (type != SOUP_WEBSOCKET_DATA_TEXT) {
		n->last_rx = mono();
		paper__feed_frame(n->f, true); /* the venues speak text only */
		return;
	}
	frame(n, bytes, len);
}

static void on_pong(SoupWebsocketConnection *ws, GBytes *message, gpointer data)
{
	feed_net *n = data;
	if (ws == n->ws)
		n->last_rx = mono();
}

/* May come several times for one bad frame; "closed" follows once. */
static void on_error(SoupWebsocketConnection *ws, GError *err, gpointer data)
{
	feed_net *n = data;
	if (ws == n->ws)
		paper__feed_error(n->f, PAPER_EIO, "stream error: %s", err->message);
}

static void on_closed(SoupWebsocketConnection *ws, gpointer data)
{
	feed_net *n = data;
	g_signal_handlers_disconnect_by_data(ws, n);
	if (g_ptr_array_remove(n->closing, ws))
		return; /* one we had given up on: it holds the last reference */
	if (ws != n->ws)
		return;
	n->ws = NULL;
	gushort code = soup_websocket_connection_get_close_code(ws);
	const char *reason = soup_websocket_connection_get_close_data(ws);
	char why[PAPER_FEED_TEXT_MAX + 1];
	if (code)
		g_snprintf(why, sizeof why, "closed by the venue (code %u%s%s)", code,
			   reason && reason[0] ? ": " : "", reason ? reason : "");
	else
		g_snprintf(why, sizeof why, "connection dropped");
	g_object_unref(ws);
	if (n->ph == PH_STOPPING || n->ph == PH_FAILED)
		return;
	if (n->ph == PH_OPEN && n->subscribe_refused) {
		fail(n, n->refusal);
		return;
	}
	lost(n, 0, why, false);
}

/* A venue that answers 429 or 503 says when to come back; at least that long. */
static uint32_t retry_after_ms(SoupMessage *msg, guint status)
{
	if (status != 429 && status != SOUP_STATUS_SERVICE_UNAVAILABLE)
		return 0;
	const char *ra = soup_message_headers_get_one(soup_message_get_response_headers(msg),
						      "Retry-After");
	gint64 s = ra ? g_ascii_strtoll(ra, NULL, 10) : 0;
	return s > 0 ? (uint32_t)MIN(s, 3600) * 1000u : VENUE_BUSY_MS;
}

static void on_ws_connected(GObject *source, GAsyncResult *res, gpointer data)
{
	feed_net *n = data;
	GError *err = NULL;
	SoupWebsocketConnection *ws = soup_session_websocket_connect_finish(SOUP_SESSION(source), res,
									   &err);
	g_clear_object(&n->attempt_cancel);
	if (n->ph != PH_CONNECTING) { /* stopping */
		g_clear_object(&ws);
		g_clear_error(&err);
		return;
	}
	if (ws == NULL) {
		SoupMessage *msg = soup_session_get_async_result_message(SOUP_SESSION(source), res);
		guint status = msg ? soup_message_get_status(msg) : 0;
		char why[PAPER_FEED_TEXT_MAX + 1];
		bool timeout = g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
			       g_error_matches(err, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
		if (status >= 300)
			g_snprintf(why, sizeof why, "handshake refused: HTTP %u %s", status,
				   soup_message_get_reason_phrase(msg));
		else if (timeout)
			g_snprintf(why, sizeof why, "no handshake within %u ms",
				   n->f->opts.connect_timeout_ms);
		else
			g_snprintf(why, sizeof why, "cannot connect: %s", err ? err->message : "?");
		g_clear_error(&err);
		paper__feed_error(n->f, PAPER_EIO, "%s", why);
		schedule_retry(n, msg ? retry_after_ms(msg, status) : 0, true, why);
		return;
	}
	n->ws = ws;
	n->ph = PH_OPEN;
	n->last_rx = mono();
	n->deadline = mono() + (gint64)n->f->opts.connect_timeout_ms * 1000;
	n->subscribe_refused = false;
	soup_websocket_connection_set_max_incoming_payload_size(ws, MAX_PAYLOAD);
	/* Our pings make a live peer answer (pong) even when the market is quiet. */
	soup_websocket_connection_set_keepalive_interval(ws, MAX(1u, n->idle_ms / 3000u));
	g_signal_connect(ws, "message", G_CALLBACK(on_message), n);
	g_signal_connect(ws, "pong", G_CALLBACK(on_pong), n);
	g_signal_connect(ws, "error", G_CALLBACK(on_error), n);
	g_signal_connect(ws, "closed", G_CALLBACK(on_closed), n);
	if (n->spec->venue == FV_COINBASE)
		send_text(n, paper__coinbase_subscribe(n->spec), false);
	else if (n->spec->venue == FV_BINANCE)
		went_up(n); /* the streams are in the URL: no reply to wait for */
}

static void connect_ws(feed_net *n)
{
	SoupMessage *msg = soup_message_new("GET", n->spec->ws_url);
	if (msg == NULL) {
		fail(n, "the feed URL cannot be parsed");
		return;
	}
	n->ph = PH_CONNECTING;
	n->deadline = mono() + (gint64)n->f->opts.connect_timeout_ms * 1000;
	g_clear_object(&n->attempt_cancel);
	n->attempt_cancel = g_cancellable_new();
	soup_session_websocket_connect_async(n->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
					     n->attempt_cancel, on_ws_connected, n);
	g_object_unref(msg);
}

/* ---- http-poll ---- */

static gboolean on_poll_timer(gpointer data)
{
	feed_net *n = data;
	drop_source(&n->poll);
	poll_now(n);
	return G_SOURCE_REMOVE;
}

static void poll_failed(feed_net *n, const char *why)
{
	paper__feed_error(n->f, PAPER_EIO, "%s", why);
	if (++n->poll_failures == POLL_FAILURES_DOWN) {
		paper__feed_state(n->f, PAPER_FEED_RECONNECTING, false, why);
	}
	if (n->f->opts.max_attempts && n->poll_failures >= n->f->opts.max_attempts)
		fail(n, why);
}

static void on_polled(GObject *source, GAsyncResult *res, gpointer data)
{
	feed_net *n = data;
	GError *err = NULL;
	GBytes *body = soup_session_send_and_read_finish(SOUP_SESSION(source), res, &err);
	SoupMessage *msg = soup_session_get_async_result_message(SOUP_SESSION(source), res);
	guint status = msg ? soup_message_get_status(msg) : 0;
	drop_source(&n->retry); /* the deadline */
	if (n->ph == PH_STOPPING || n->ph == PH_FAILED) {
		if (body)
			g_bytes_unref(body);
		g_clear_error(&err);
		return;
	}
	char why[PAPER_FEED_TEXT_MAX + 1];
	if (body && status == SOUP_STATUS_OK) {
		gsize len = 0;
		const char *bytes = g_bytes_get_data(body, &len);
		frame(n, bytes, len);
		if (n->parsed.msgs->len > 0 || n->parsed.error[0] == '\0') {
			bool was_down = n->poll_failures >= POLL_FAILURES_DOWN || !n->ever_up;
			n->poll_failures = 0;
			if (was_down)
				went_up(n);
		} else {
			poll_failed(n, n->parsed.error);
		}
	} else {
		g_snprintf(why, sizeof why, "poll: %s", err ? err->message
						: soup_status_get_phrase(status));
		paper__feed_frame(n->f, true);
		poll_failed(n, why);
	}
	if (body)
		g_bytes_unref(body);
	g_clear_error(&err);
	if (n->ph == PH_FAILED)
		return;
	uint32_t wait = (uint32_t)(n->spec->poll_us / 1000);
	if (n->poll_failures)
		wait = MAX(wait, paper__backoff_ms(n->f->opts.backoff_base_ms, n->f->opts.backoff_cap_ms,
						   n->poll_failures - 1, n->f->opts.seed, n->draws++));
	n->poll = add_timer(n, wait, on_poll_timer, n);
}

static gboolean on_poll_deadline(gpointer data)
{
	feed_net *n = data;
	if (n->attempt_cancel)
		g_cancellable_cancel(n->attempt_cancel);
	return G_SOURCE_CONTINUE; /* on_polled() destroys it */
}

static void poll_now(feed_net *n)
{
	SoupMessage *msg = soup_message_new("GET", n->spec->poll.url);
	if (msg == NULL) {
		fail(n, "the http-poll URL cannot be parsed");
		return;
	}
	n->ph = PH_UP;
	g_clear_object(&n->attempt_cancel);
	n->attempt_cancel = g_cancellable_new();
	n->retry = add_timer(n, n->f->opts.connect_timeout_ms, on_poll_deadline, n);
	soup_session_send_and_read_async(n->session, msg, G_PRIORITY_DEFAULT, n->attempt_cancel,
					 on_polled, n);
	g_object_unref(msg);
}

/* ---- the watchdog ---- */

static gboolean on_watchdog(gpointer data)
{
	feed_net *n = data;
	gint64 now = mono();
	char why[PAPER_FEED_TEXT_MAX + 1];
	paper__track_tick(n->track, g_get_real_time());
	publish_stats(n);
	switch (n->ph) {
	case PH_CONNECTING:
		/* The session timeout covers socket I/O; this covers the whole handshake. */
		if (now > n->deadline && n->attempt_cancel)
			g_cancellable_cancel(n->attempt_cancel);
		break;
	case PH_OPEN:
		if (now <= n->deadline)
			break;
		if (n->subscribe_refused) {
			fail(n, n->refusal);
			break;
		}
		g_snprintf(why, sizeof why, "no %s within %u ms",
			   n->spec->venue == FV_ALPACA ? "authentication and subscription"
						       : "subscription reply",
			   n->f->opts.connect_timeout_ms);
		lost(n, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, why, true);
		break;
	case PH_UP:
		if (n->spec->venue == FV_POLL)
			break;
		if (now - n->last_rx > (gint64)n->idle_ms * 1000) {
			g_snprintf(why, sizeof why, "nothing received for %u ms (idle timeout)",
				   n->idle_ms);
			lost(n, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, why, true);
		} else if (now - n->up_since > STABLE_US) {
			n->attempt = 0;
		}
		break;
	default:
		break;
	}
	/* Messages lost to a full queue are said, once there is room to say it. */
	g_mutex_lock(&n->f->q.mu);
	uint64_t lost_n = n->f->q.len < n->f->q.cap ? n->f->q.dropped_since : 0;
	if (lost_n)
		n->f->q.dropped_since = 0;
	g_mutex_unlock(&n->f->q.mu);
	if (lost_n) {
		g_snprintf(why, sizeof why, "%llu message(s) dropped: the queue was full",
			   (unsigned long long)lost_n);
		paper__feed_state(n->f, n->f->h.state, n->f->h.connected, why);
	}
	return G_SOURCE_CONTINUE;
}

/* ---- the thread ---- */

static uint32_t default_idle_ms(const feed_spec *s)
{
	switch (s->venue) {
	case FV_COINBASE:
		return 10000; /* heartbeats come every second */
	case FV_BINANCE:
	case FV_ALPACA:
		return 30000; /* our pings every 10 s are answered even in a quiet market */
	case FV_POLL:
		break;
	}
	return 0;
}

static bool loopback(const char *url)
{
	GUri *u = url ? g_uri_parse(url, G_URI_FLAGS_NONE, NULL) : NULL;
	const char *host = u ? g_uri_get_host(u) : NULL;
	bool lo = host && (strcmp(host, "127.0.0.1") == 0 || strcmp(host, "localhost") == 0 ||
			   strcmp(host, "::1") == 0);
	if (u)
		g_uri_unref(u);
	return lo;
}

static void stop_in_thread(feed_net *n)
{
	n->ph = PH_STOPPING;
	if (n->attempt_cancel)
		g_cancellable_cancel(n->attempt_cancel);
	for (guint i = 0; i < n->jobs->len; i++)
		g_cancellable_cancel(((rest_job *)g_ptr_array_index(n->jobs, i))->cancel);
	drop_source(&n->retry);
	drop_source(&n->poll);
	drop_source(&n->watchdog);
	drop_ws(n, SOUP_WEBSOCKET_CLOSE_NORMAL, "bye", true);
	for (guint i = 0; i < n->closing->len; i++)
		g_io_stream_close(soup_websocket_connection_get_io_stream(
					  g_ptr_array_index(n->closing, i)), NULL, NULL);
	soup_session_abort(n->session);
}

static gboolean on_stop(gpointer data)
{
	feed_net *n = data;
	stop_in_thread(n);
	g_main_loop_quit(n->loop);
	return G_SOURCE_REMOVE;
}

static gpointer thread_main(gpointer data)
{
	feed_net *n = data;
	const paper_feed_options *o = &n->f->opts;
	g_main_context_push_thread_default(n->ctx);
	n->session = soup_session_new_with_options("timeout", MAX(1u, (o->connect_timeout_ms + 999) / 1000),
						   "user-agent", "libpaper/" PAPER_VERSION " ", NULL);
	const char *url = n->spec->venue == FV_POLL ? n->spec->poll.url : n->spec->ws_url;
	if (loopback(url))
		soup_session_set_proxy_resolver(n->session, NULL); /* a local venue: no proxy */
	n->watchdog = add_timer(n, WATCHDOG_MS, on_watchdog, n);
	if (n->spec->venue == FV_POLL)
		poll_now(n);
	else
		connect_ws(n);
	g_main_loop_run(n->loop);
	/* Cancelled operations still call back: let them, so nothing is left behind. */
	gint64 until = mono() + 2 * G_USEC_PER_SEC;
	while ((n->closing->len > 0 || n->jobs->len > 0 || g_main_context_pending(n->ctx)) &&
	       mono() < until)
		if (!g_main_context_iteration(n->ctx, FALSE))
			g_usleep(1000);
	for (guint i = 0; i < n->closing->len; i++)
		g_signal_handlers_disconnect_by_data(g_ptr_array_index(n->closing, i), n);
	g_ptr_array_set_size(n->closing, 0);
	g_clear_object(&n->session);
	while (g_main_context_pending(n->ctx))
		g_main_context_iteration(n->ctx, FALSE);
	g_main_context_pop_thread_default(n->ctx);
	return NULL;
}

int paper__feed_net_start(paper_feed *f)
{
	feed_net *n = g_new0(feed_net, 1);
	n->f = f;
	n->spec = f->spec;
	n->ctx = g_main_context_new();
	n->loop = g_main_loop_new(n->ctx, FALSE);
	n->jobs = g_ptr_array_new();
	n->closing = g_ptr_array_new_with_free_func(g_object_unref);
	n->idle_ms = f->opts.idle_timeout_ms ? f->opts.idle_timeout_ms : default_idle_ms(f->spec);
	track_out out = { .emit = emit, .backfill = backfill, .ctx = n };
	n->track = paper__track_new(f->spec, f->spec->rest_base != NULL, &out);
	paper__feed_parsed_init(&n->parsed);
	f->net = n;
	GError *err = NULL;
	n->thread = g_thread_try_new("paper-feed", thread_main, n, &err);
	if (n->thread == NULL) {
		int rc = paper__error(PAPER_ENOMEM, "cannot start the feed thread: %s", err->message);
		g_error_free(err);
		f->net = NULL;
		paper__track_free(n->track);
		paper__feed_parsed_clear(&n->parsed);
		g_ptr_array_free(n->closing, TRUE);
		g_ptr_array_free(n->jobs, TRUE);
		g_main_loop_unref(n->loop);
		g_main_context_unref(n->ctx);
		g_free(n);
		return rc;
	}
	return PAPER_OK;
}

void paper__feed_net_stop(paper_feed *f)
{
	feed_net *n = f ? f->net : NULL;
	if (n == NULL)
		return;
	g_main_context_invoke(n->ctx, on_stop, n);
	g_thread_join(n->thread);
	paper__feed_state(f, PAPER_FEED_STOPPED, false, "closed");
	paper__queue_close(&f->q);
	paper__track_free(n->track);
	paper__feed_parsed_clear(&n->parsed);
	g_ptr_array_free(n->closing, TRUE);
	g_ptr_array_free(n->jobs, TRUE);
	g_clear_object(&n->attempt_cancel);
	g_main_loop_unref(n->loop);
	g_main_context_unref(n->ctx);
	g_free(n);
	f->net = NULL;
}
