/* Building and checking the messages the parsers produce. */
#include "feed/feed_msg.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

bool fm_init(paper_feed_msg *m, paper_feed_msg_type type, const char *symbol, paper_ts recv_ts)
{
	memset(m, 0, sizeof *m);
	m->version = PAPER_FEED_MSG_VERSION;
	m->type = type;
	m->recv_ts = recv_ts;
	if (symbol == NULL || !paper__symbol_valid(symbol))
		return false;
	g_strlcpy(m->symbol, symbol, sizeof m->symbol);
	return true;
}

static bool price_ok(double p)
{
	return isfinite(p) && p > 0 && p < 9e10;
}

static bool price_or_zero(double p)
{
	return p == 0 || price_ok(p);
}

bool fm_valid(const paper_feed_msg *m)
{
	if (m->symbol[0] == '\0' || m->ts <= 0 || m->ts > PAPER_TS_MAX)
		return false;
	switch ((int)m->type) {
	case PAPER_FEED_QUOTE:
		return price_or_zero(m->bid) && price_or_zero(m->ask) && price_or_zero(m->last) &&
		       (m->last > 0 || (m->bid > 0 && m->ask > 0)) && (m->bid == 0 || m->ask == 0 ||
								   m->bid <= m->ask);
	case PAPER_FEED_TRADE:
		return price_ok(m->last) && isfinite(m->size) && m->size >= 0;
	case PAPER_FEED_BAR:
		return price_ok(m->open) && price_ok(m->high) && price_ok(m->low) &&
		       price_ok(m->close) && m->low <= m->high && m->open >= m->low &&
		       m->open <= m->high && m->close >= m->low && m->close <= m->high &&
		       isfinite(m->volume) && m->volume >= 0 && m->interval > 0;
	case FEED_HEARTBEAT:
		return true;
	default:
		return false;
	}
}

bool fm_add(feed_parsed *out, const paper_feed_msg *m)
{
	if (!fm_valid(m))
		return false;
	g_array_append_val(out->msgs, *m);
	return true;
}

static int by_ts(const void *a, const void *b)
{
	const paper_feed_msg *x = a, *y = b;
	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

int fm_backfill_done(feed_parsed *out, guint start, int rc)
{
	if (rc == PAPER_OK && out->msgs->len > start)
		qsort(&g_array_index(out->msgs, paper_feed_msg, start), out->msgs->len - start,
		      sizeof(paper_feed_msg), by_ts);
	else
		g_array_set_size(out->msgs, start);
	return rc;
}

void fm_error(feed_parsed *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out->error, sizeof out->error, fmt, ap);
	va_end(ap);
}
