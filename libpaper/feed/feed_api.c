/*
 * The public feed API (include/paper/feed.h): open, poll, health, close. The network thread
 * lives in feed_net.c; this file is what the caller's thread runs, plus the few helpers the
 * thread uses to hand over messages and health under the feed's locks.
 */
#include "feed/feed_core.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "feed/feed_parse.h"

#define QUEUE_MIN 16u
#define QUEUE_MAX 1048576u

PAPER_API const char *paper_feed_msg_type_str(paper_feed_msg_type type)
{
	static const char *const names[] = { NULL, "quote", "trade", "bar", "status" };
	return type >= PAPER_FEED_QUOTE && type <= PAPER_FEED_STATUS ? names[type] : "unknown";
}

PAPER_API const char *paper_feed_state_str(paper_feed_state state)
{
	static const char *const names[] = { NULL, "connecting", "up", "reconnecting", "failed",
					     "stopped" };
	return state >= PAPER_FEED_CONNECTING && state <= PAPER_FEED_STOPPED ? names[state]
									   : "unknown";
}

PAPER_API int paper_feed_options_init(paper_feed_options *opts, unsigned int version)
{
	PAPER__CHECK_NULL(opts, "opts");
	if (version != PAPER_FEED_OPTIONS_VERSION)
		return paper__error(PAPER_EVERSION, "paper_feed_options version %u (this library: %u)",
				    version, PAPER_FEED_OPTIONS_VERSION);
	*opts = (paper_feed_options)PAPER_FEED_OPTIONS_INIT;
	return PAPER_OK;
}

static int check_options(const paper_feed_options *o)
{
	if (o->version != PAPER_FEED_OPTIONS_VERSION)
		return paper__error(PAPER_EVERSION, "paper_feed_options version %u (this library: %u)",
				    o->version, PAPER_FEED_OPTIONS_VERSION);
	if (o->queue_capacity < QUEUE_MIN || o->queue_capacity > QUEUE_MAX)
		return paper__error(PAPER_ECONFIG, "queue_capacity must be in [%u, %u] (got %u)",
				    QUEUE_MIN, QUEUE_MAX, o->queue_capacity);
	if (o->connect_timeout_ms < 100 || o->connect_timeout_ms > 600000)
		return paper__error(PAPER_ECONFIG, "connect_timeout_ms must be in [100, 600000] (got %u)",
				    o->connect_timeout_ms);
	if (o->idle_timeout_ms != 0 && (o->idle_timeout_ms < 100 || o->idle_timeout_ms > 3600000))
		return paper__error(PAPER_ECONFIG, "idle_timeout_ms must be 0 or in [100, 3600000] "
				    "(got %u)", o->idle_timeout_ms);
	if (o->backoff_base_ms < 1 || o->backoff_cap_ms < o->backoff_base_ms ||
	    o->backoff_cap_ms > 3600000)
		return paper__error(PAPER_ECONFIG, "backoff: need 1 <= backoff_base_ms <= backoff_cap_ms "
				    "<= 3600000 (got %u, %u)", o->backoff_base_ms, o->backoff_cap_ms);
	if (o->backfill_minutes > 10080)
		return paper__error(PAPER_ECONFIG, "backfill_minutes must be <= 10080 (a week; got %u)",
				    o->backfill_minutes);
	return PAPER_OK;
}

static int parse(const char *source, const paper_feed_options *opts, paper_feed_options *o,
		 feed_spec **spec)
{
	*o = (paper_feed_options)PAPER_FEED_OPTIONS_INIT;
	if (opts)
		*o = *opts;
	int rc = check_options(o);
	return rc == PAPER_OK ? paper__feed_spec_parse(source, o, spec) : rc;
}

PAPER_API int paper_feed_check(const char *source, const paper_feed_options *opts)
{
	paper_feed_options o;
	feed_spec *spec = NULL;
	int rc = parse(source, opts, &o, &spec);
	paper__feed_spec_free(spec);
	return rc;
}

/* Alpaca's keys, by the names its own SDKs read. Never written anywhere but the auth. */
static int read_keys(paper_feed *f)
{
	const char *key = getenv("APCA_API_KEY_ID"), *secret = getenv("APCA_API_SECRET_KEY");
	if (key == NULL || secret == NULL || key[0] == '\0' || secret[0] == '\0')
		return paper__error(PAPER_ECONFIG, "alpaca: set APCA_API_KEY_ID and "
				    "APCA_API_SECRET_KEY in the environment (market-data keys; they "
				    "are never stored or printed)");
	f->key = g_strdup(key);
	f->secret = g_strdup(secret);
	return PAPER_OK;
}

static void feed_free(paper_feed *f)
{
	paper__feed_wipe(f->key);
	paper__feed_wipe(f->secret);
	paper__queue_clear(&f->q);
	g_mutex_clear(&f->hmu);
	paper__feed_spec_free(f->spec);
	g_free(f);
}

PAPER_API int paper_feed_open(paper_feed **out, const char *source, const paper_feed_options *opts)
{
	PAPER__CHECK_NULL(out, "out");
	*out = NULL;
	paper_feed *f = g_new0(paper_feed, 1);
	g_mutex_init(&f->hmu);
	int rc = parse(source, opts, &f->opts, &f->spec);
	f->opts.url = f->opts.rest_url = NULL; /* the caller's strings: the spec has copies */
	if (rc == PAPER_OK && f->spec->venue == FV_ALPACA)
		rc = read_keys(f);
	if (rc == PAPER_OK)
		rc = paper__queue_init(&f->q, f->opts.queue_capacity);
	if (rc == PAPER_OK) {
		f->h.state = PAPER_FEED_CONNECTING;
		rc = paper__feed_net_start(f);
	}
	if (rc != PAPER_OK) {
		feed_free(f);
		return rc;
	}
	*out = f;
	return PAPER_OK;
}

PAPER_API void paper_feed_close(paper_feed *f)
{
	if (f == NULL)
		return;
	paper__feed_net_stop(f);
	feed_free(f);
}

static int poll_check(paper_feed *f, const paper_feed_msg *out)
{
	PAPER__CHECK_NULL(f, "feed");
	PAPER__CHECK_NULL(out, "out");
	if (out->version != PAPER_FEED_MSG_VERSION)
		return paper__error(PAPER_EVERSION, "paper_feed_msg version %u (this library: %u)",
				    out->version, PAPER_FEED_MSG_VERSION);
	return PAPER_OK;
}

PAPER_API int paper_feed_poll_many(paper_feed *f, paper_feed_msg *out, size_t cap, size_t *n,
				   int timeout_ms)
{
	PAPER__CHECK_NULL(n, "n");
	*n = 0;
	int rc = poll_check(f, out);
	if (rc != PAPER_OK)
		return rc;
	if (cap == 0)
		return paper__error(PAPER_EINVAL, "cap must be > 0");
	for (size_t i = 1; i < cap; i++)
		if (out[i].version != PAPER_FEED_MSG_VERSION)
			return paper__error(PAPER_EVERSION, "out[%zu].version is %u", i, out[i].version);
	bool closed = false;
	*n = paper__queue_pop(&f->q, out, cap, timeout_ms, &closed);
	if (*n > 0)
		return PAPER_OK;
	if (closed) {
		g_mutex_lock(&f->hmu);
		bool failed = f->h.state == PAPER_FEED_FAILED;
		g_mutex_unlock(&f->hmu);
		return paper__error(PAPER_ESTATE, "the feed has %s and nothing is left",
				    failed ? "failed" : "stopped");
	}
	return paper__error(PAPER_ENODATA, "no message within %d ms", timeout_ms);
}

PAPER_API int paper_feed_poll(paper_feed *f, paper_feed_msg *out, int timeout_ms)
{
	size_t n = 0;
	return paper_feed_poll_many(f, out, 1, &n, timeout_ms);
}

PAPER_API int paper_feed_fd(const paper_feed *f)
{
	return f ? f->q.efd : -1;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double skew_median(const feed_health *h)
{
	double s[FEED_SKEW_SAMPLES];
	if (h->skew_n == 0)
		return 0;
	memcpy(s, h->skew_ms, h->skew_n * sizeof s[0]);
	qsort(s, h->skew_n, sizeof s[0], by_value);
	return h->skew_n % 2 ? s[h->skew_n / 2] : (s[h->skew_n / 2 - 1] + s[h->skew_n / 2]) / 2;
}

PAPER_API int paper_feed_health(const paper_feed *f, paper_feed_health_info *out)
{
	PAPER__CHECK_NULL(f, "feed");
	PAPER__CHECK_NULL(out, "out");
	if (out->version != PAPER_FEED_HEALTH_INFO_VERSION)
		return paper__error(PAPER_EVERSION, "paper_feed_health_info version %u (this "
				    "library: %u)", out->version, PAPER_FEED_HEALTH_INFO_VERSION);
	paper_feed *mf = (paper_feed *)f; /* the locks are not part of the value */
	memset(out, 0, sizeof *out);
	out->version = PAPER_FEED_HEALTH_INFO_VERSION;
	g_strlcpy(out->venue, f->spec->venue_name, sizeof out->venue);
	g_strlcpy(out->source, f->spec->display, sizeof out->source);
	g_mutex_lock(&mf->hmu);
	const feed_health *h = &f->h;
	out->state = h->state;
	out->connected = h->connected;
	out->last_msg_ts = h->last_rx;
	out->last_msg_age_s = h->last_rx ? (double)(g_get_real_time() - h->last_rx) / 1e6 : -1.0;
	out->last_data_ts = h->track.last_data_ts;
	out->frames = h->frames;
	out->messages = h->messages;
	out->reconnects = h->reconnects;
	out->gaps = h->track.gaps;
	out->backfilled_bars = h->track.backfilled;
	out->duplicates = h->track.duplicates;
	out->out_of_order = h->track.out_of_order;
	out->bad_messages = h->bad;
	out->clock_skew_ms = skew_median(h);
	out->last_error_code = h->error_code;
	g_strlcpy(out->last_error, h->error, sizeof out->last_error);
	g_mutex_unlock(&mf->hmu);
	g_mutex_lock(&mf->q.mu);
	out->dropped = f->q.dropped;
	out->queued = f->q.len;
	out->queue_high = f->q.high;
	g_mutex_unlock(&mf->q.mu);
	return PAPER_OK;
}
