/*
 * The feed's health and queue as the network thread writes them (feed_core.h): messages
 * handed over, state changes said as STATUS messages, errors with any secret masked.
 */
#include "feed/feed_core.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void skew_sample(feed_health *h, const paper_feed_msg *m)
{
	if (m->flags & (PAPER_FEED_FLAG_RECV_TIME | PAPER_FEED_FLAG_BACKFILL))
		return;
	paper_ts venue = m->type == PAPER_FEED_BAR ? m->ts + m->interval : m->ts;
	h->skew_ms[h->skew_next] = (double)(m->recv_ts - venue) / 1000.0;
	h->skew_next = (h->skew_next + 1) % FEED_SKEW_SAMPLES;
	if (h->skew_n < FEED_SKEW_SAMPLES)
		h->skew_n++;
}

void paper__feed_deliver(paper_feed *f, const paper_feed_msg *m)
{
	bool price = m->type != PAPER_FEED_STATUS;
	bool queued = paper__queue_push(&f->q, m);
	if (!price)
		return;
	g_mutex_lock(&f->hmu);
	f->h.messages += queued;
	skew_sample(&f->h, m);
	g_mutex_unlock(&f->hmu);
}

void paper__feed_mask(const paper_feed *f, const char *text, char *buf, size_t cap)
{
	GString *g = g_string_new(text);
	const char *secrets[] = { f->secret, f->key };
	for (size_t i = 0; i < G_N_ELEMENTS(secrets); i++) {
		const char *s = secrets[i];
		char *at;
		if (s == NULL || s[0] == '\0')
			continue;
		while ((at = strstr(g->str, s)) != NULL) {
			gssize pos = at - g->str;
			g_string_erase(g, pos, (gssize)strlen(s));
			g_string_insert(g, pos, "***");
		}
	}
	g_strlcpy(buf, g->str, cap);
	/* The copy may hold the secret (before masking): clear it. */
	memset(g->str, 0, g->allocated_len);
	g_string_free(g, TRUE);
}

void paper__feed_state(paper_feed *f, paper_feed_state st, bool connected, const char *why)
{
	paper_feed_msg m = PAPER_FEED_MSG_INIT;
	m.type = PAPER_FEED_STATUS;
	m.state = st;
	m.ts = m.recv_ts = g_get_real_time();
	paper__feed_mask(f, why, m.text, sizeof m.text);
	g_mutex_lock(&f->hmu);
	f->h.state = st;
	f->h.connected = connected;
	g_mutex_unlock(&f->hmu);
	paper__queue_push(&f->q, &m);
}

void paper__feed_error(paper_feed *f, int code, const char *fmt, ...)
{
	char text[PAPER_FEED_TEXT_MAX + 1];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	g_mutex_lock(&f->hmu);
	f->h.error_code = code;
	paper__feed_mask(f, text, f->h.error, sizeof f->h.error);
	g_mutex_unlock(&f->hmu);
	memset(text, 0, sizeof text);
}

void paper__feed_frame(paper_feed *f, bool bad)
{
	g_mutex_lock(&f->hmu);
	f->h.frames++;
	f->h.bad += bad;
	f->h.last_rx = g_get_real_time();
	g_mutex_unlock(&f->hmu);
}

void paper__feed_track_stats(paper_feed *f, const track_stats *st, uint64_t reconnects)
{
	g_mutex_lock(&f->hmu);
	f->h.track = *st;
	f->h.reconnects = reconnects;
	g_mutex_unlock(&f->hmu);
}
