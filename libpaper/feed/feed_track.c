/*
 * Per-symbol bookkeeping between the parsers and the queue (feed_track.h).
 *
 * Quotes are ordered by the venue's update id when it has one (Coinbase ticker sequence,
 * Binance bookTicker u), else by time: an equal id is a duplicate, a smaller one is refused.
 * Trades likewise by trade id; Coinbase and Binance ids are consecutive, so a jump is a gap.
 * Coinbase's ticker/matches `sequence` counts the product's whole feed and jumps by design:
 * it orders, it never signals a gap. Bars are ordered by open time; where bars are dense
 * (Binance klines exist for every interval) a missing interval is a gap; where they are sparse
 * (Alpaca IEX: minutes without trades have no bar) only a reconnect is.
 */
#include "feed/feed_track.h"

#include <string.h>

#include "feed/feed_parse.h"

typedef struct builder {
	bool active, tainted; /* tainted: trades of this bucket may have been missed */
	paper_ts bucket;
	double open, high, low, close, volume;
} builder;

typedef struct sym_state {
	uint64_t quote_seq, trade_id, heartbeat_id;
	paper_ts quote_ts, trade_ts, bar_ts; /* bar_ts: open time of the last bar emitted */
	double bid, ask, last;  /* of the last quote emitted */
	builder b;
	bool in_flight;        /* a backfill is under way: newer bars wait in held */
	paper_ts req_from, req_to; /* the range asked for */
	bool next;             /* another range to fetch once this one is answered */
	paper_ts next_from, next_to;
	bool gap_open;         /* built bars are tainted from gap_from on */
	paper_ts gap_from;
	GArray *held;          /* paper_feed_msg: closed bars waiting for the backfill */
} sym_state;

struct feed_track {
	const feed_spec *spec;
	bool can_backfill;
	bool build_bars;       /* Coinbase: bars from matches */
	bool dense_bars;       /* Binance: a bar for every interval */
	bool consecutive_ids;  /* trade ids step by one */
	track_out out;
	paper_ts venue_now;    /* the newest venue time seen (heartbeats included) */
	sym_state *syms;
	track_stats st;
};

feed_track *paper__track_new(const feed_spec *spec, bool can_backfill, const track_out *out)
{
	feed_track *t = g_new0(feed_track, 1);
	t->spec = spec;
	t->can_backfill = can_backfill;
	t->build_bars = spec->venue == FV_COINBASE;
	t->dense_bars = spec->venue == FV_BINANCE;
	t->consecutive_ids = spec->venue == FV_COINBASE || spec->venue == FV_BINANCE;
	t->out = *out;
	t->syms = g_new0(sym_state, spec->symbols->len ? spec->symbols->len : 1);
	for (guint i = 0; i < spec->symbols->len; i++)
		t->syms[i].held = g_array_new(FALSE, FALSE, sizeof(paper_feed_msg));
	return t;
}

void paper__track_free(feed_track *t)
{
	if (t == NULL)
		return;
	for (guint i = 0; i < t->spec->symbols->len; i++)
		g_array_free(t->syms[i].held, TRUE);
	g_free(t->syms);
	g_free(t);
}

const track_stats *paper__track_stats(const feed_track *t)
{
	return &t->st;
}

static const feed_symbol *symbol_of(const feed_track *t, int i)
{
	return &g_array_index(t->spec->symbols, feed_symbol, i);
}

static void emit(feed_track *t, const paper_feed_msg *m)
{
	if (m->ts > t->st.last_data_ts)
		t->st.last_data_ts = m->ts;
	t->out.emit(t->out.ctx, m);
}

/* ---- bars ---- */

static void emit_bar(feed_track *t, sym_state *s, const paper_feed_msg *m)
{
	s->bar_ts = m->ts;
	if (m->flags & PAPER_FEED_FLAG_BACKFILL)
		t->st.backfilled++;
	emit(t, m);
}

static void request(feed_track *t, sym_state *s, int i, paper_ts from, paper_ts to)
{
	if (s->in_flight) { /* one request at a time per symbol: the ranges merge */
		s->next_from = s->next ? MIN(s->next_from, from) : from;
		s->next_to = s->next ? MAX(s->next_to, to) : to;
		s->next = true;
		return;
	}
	s->in_flight = true;
	s->req_from = from;
	s->req_to = to;
	t->out.backfill(t->out.ctx, symbol_of(t, i)->name, from, to);
}

/* A closed bar from the stream (or a built one): in order, once, after any backfill. */
static void bar_in(feed_track *t, int i, const paper_feed_msg *m)
{
	sym_state *s = &t->syms[i];
	if (s->bar_ts && m->ts <= s->bar_ts) {
		if (m->ts == s->bar_ts)
			t->st.duplicates++;
		else
			t->st.out_of_order++;
		return;
	}
	if (s->in_flight) {
		paper_feed_msg *last = s->held->len ? &g_array_index(s->held, paper_feed_msg,
								      s->held->len - 1) : NULL;
		if (last && m->ts <= last->ts)
			t->st.duplicates += m->ts == last->ts, t->st.out_of_order += m->ts < last->ts;
		else
			g_array_append_val(s->held, *m);
		return;
	}
	if (t->dense_bars && s->bar_ts && m->ts > s->bar_ts + m->interval) {
		t->st.gaps++;
		if (t->can_backfill) {
			g_array_append_val(s->held, *m);
			request(t, s, i, s->bar_ts + m->interval, m->ts);
			return;
		}
	}
	emit_bar(t, s, m);
}

static void builder_close(feed_track *t, int i)
{
	sym_state *s = &t->syms[i];
	builder *b = &s->b;
	paper_feed_msg m;
	if (!b->active)
		return;
	b->active = false;
	if (b->tainted && t->can_backfill) {
		/* What was missed is refilled from the venue's own bars once this bucket is over. */
		paper_ts from = s->gap_open ? s->gap_from : b->bucket;
		s->gap_open = false;
		if (s->bar_ts && from <= s->bar_ts)
			from = s->bar_ts + t->spec->bar_us;
		request(t, s, i, from, b->bucket + t->spec->bar_us);
		return;
	}
	memset(&m, 0, sizeof m);
	m.version = PAPER_FEED_MSG_VERSION;
	m.type = PAPER_FEED_BAR;
	g_strlcpy(m.symbol, symbol_of(t, i)->name, sizeof m.symbol);
	m.ts = b->bucket;
	m.recv_ts = g_get_real_time();
	m.open = b->open;
	m.high = b->high;
	m.low = b->low;
	m.close = b->close;
	m.volume = b->volume;
	m.interval = t->spec->bar_us;
	bar_in(t, i, &m);
}

/* Trades of this symbol from `from_bucket` on may be missing: those bars come from REST. */
static void taint(feed_track *t, int i, paper_ts from_bucket)
{
	sym_state *s = &t->syms[i];
	if (!s->gap_open || from_bucket < s->gap_from)
		s->gap_from = from_bucket;
	s->gap_open = true;
	if (s->b.active)
		s->b.tainted = true;
}

static void builder_add(feed_track *t, int i, const paper_feed_msg *m, bool gap)
{
	sym_state *s = &t->syms[i];
	builder *b = &s->b;
	paper_ts bucket = m->ts - ((m->ts % t->spec->bar_us) + t->spec->bar_us) % t->spec->bar_us;
	if (gap)
		taint(t, i, b->active ? b->bucket : bucket);
	if (b->active && bucket < b->bucket)
		return; /* a late trade of a bucket already closed */
	if (b->active && bucket > b->bucket) {
		if (gap)
			b->active = false; /* refilled together with this bucket, in one request */
		else
			builder_close(t, i);
	}
	if (!b->active) {
		if (s->bar_ts && bucket <= s->bar_ts)
			return; /* its bar is out already (a backfilled one) */
		*b = (builder){ .active = true, .tainted = s->gap_open, .bucket = bucket,
				.open = m->last, .high = m->last, .low = m->last };
	}
	b->high = MAX(b->high, m->last);
	b->low = MIN(b->low, m->last);
	b->close = m->last;
	b->volume += m->size;
}

/* ---- quotes and trades ---- */

static bool ordered(feed_track *t, uint64_t seq, uint64_t last_seq, paper_ts ts, paper_ts last_ts)
{
	if (seq && last_seq && seq <= last_seq) {
		if (seq == last_seq)
			t->st.duplicates++;
		else
			t->st.out_of_order++;
		return false;
	}
	if (ts < last_ts) {
		t->st.out_of_order++;
		return false;
	}
	return true;
}

static void quote_in(feed_track *t, int i, const paper_feed_msg *m)
{
	sym_state *s = &t->syms[i];
	if (!ordered(t, m->seq, s->quote_seq, m->ts, s->quote_ts))
		return;
	/* Without an id, the same time and prices again is the same quote (a polled endpoint
	 * that has nothing new). */
	if (!m->seq && m->ts == s->quote_ts && m->bid == s->bid && m->ask == s->ask &&
	    m->last == s->last) {
		t->st.duplicates++;
		return;
	}
	if (m->seq)
		s->quote_seq = m->seq;
	s->quote_ts = m->ts;
	s->bid = m->bid;
	s->ask = m->ask;
	s->last = m->last;
	emit(t, m);
}

static void trade_in(feed_track *t, int i, const paper_feed_msg *m)
{
	sym_state *s = &t->syms[i];
	if (!ordered(t, m->seq, s->trade_id, m->ts, s->trade_ts))
		return;
	bool gap = t->consecutive_ids && m->seq && s->trade_id && m->seq > s->trade_id + 1;
	t->st.gaps += gap;
	if (m->seq)
		s->trade_id = m->seq;
	s->heartbeat_id = 0;
	s->trade_ts = m->ts;
	emit(t, m);
	if (t->build_bars && (symbol_of(t, i)->kinds & FK_BARS))
		builder_add(t, i, m, gap);
}

/*
 * Coinbase heartbeats carry the product's last trade id. A trade id the previous heartbeat
 * announced that has still not arrived was lost (the matches channel may drop messages).
 */
static void heartbeat_in(feed_track *t, int i, const paper_feed_msg *m)
{
	sym_state *s = &t->syms[i];
	if (s->heartbeat_id && s->trade_id && s->trade_id < s->heartbeat_id) {
		t->st.gaps++;
		s->trade_id = s->heartbeat_id;
		if (t->build_bars && (symbol_of(t, i)->kinds & FK_BARS) && s->b.active)
			taint(t, i, s->b.bucket);
	}
	s->heartbeat_id = m->seq > s->trade_id ? m->seq : 0;
}

void paper__track_msg(feed_track *t, const paper_feed_msg *m, paper_ts now)
{
	int i = paper__feed_spec_find(t->spec, m->symbol);
	if (i < 0)
		return; /* a symbol we did not ask for */
	if (!(m->flags & PAPER_FEED_FLAG_RECV_TIME) && m->ts > t->venue_now)
		t->venue_now = m->ts;
	switch ((int)m->type) {
	case PAPER_FEED_QUOTE:
		quote_in(t, i, m);
		break;
	case PAPER_FEED_TRADE:
		trade_in(t, i, m);
		break;
	case PAPER_FEED_BAR:
		bar_in(t, i, m);
		break;
	case FEED_HEARTBEAT:
		heartbeat_in(t, i, m);
		break;
	default:
		break;
	}
	paper__track_tick(t, now);
}

/*
 * A built bar closes by the venue's clock (its heartbeats tick once a second even without
 * trades), so the local clock's skew cannot close a bar early or hold it back.
 */
void paper__track_tick(feed_track *t, paper_ts now)
{
	(void)now;
	if (!t->build_bars)
		return;
	for (guint i = 0; i < t->spec->symbols->len; i++)
		if (t->syms[i].b.active && t->venue_now >= t->syms[i].b.bucket + t->spec->bar_us +
								  TRACK_BAR_GRACE_US)
			builder_close(t, (int)i);
}

static paper_ts floor_to(paper_ts ts, paper_ts step)
{
	return ts - ((ts % step) + step) % step;
}

void paper__track_reconnected(feed_track *t, paper_ts now)
{
	if (t->dense_bars || t->build_bars || !t->can_backfill)
		return; /* the next bar, or the next trade id, shows the gap */
	for (guint i = 0; i < t->spec->symbols->len; i++) {
		sym_state *s = &t->syms[i];
		paper_ts to = floor_to(now, t->spec->bar_us);
		if (!(symbol_of(t, (int)i)->kinds & FK_BARS) || s->bar_ts == 0 || s->in_flight ||
		    to <= s->bar_ts + t->spec->bar_us)
			continue;
		request(t, s, (int)i, s->bar_ts + t->spec->bar_us, to);
	}
}

void paper__track_initial_backfill(feed_track *t, uint32_t minutes, paper_ts now)
{
	if (!t->can_backfill || minutes == 0)
		return;
	paper_ts to = floor_to(now, t->spec->bar_us);
	paper_ts from = floor_to(now - (paper_ts)minutes * 60 * PAPER_TS_PER_SECOND, t->spec->bar_us);
	for (guint i = 0; i < t->spec->symbols->len; i++)
		if ((symbol_of(t, (int)i)->kinds & FK_BARS) && !t->syms[i].in_flight && to > from)
			request(t, &t->syms[i], (int)i, from, to);
}

/* Held bars older than stop go out. */
static void release(feed_track *t, sym_state *s, paper_ts stop)
{
	guint k = 0;
	for (; k < s->held->len; k++) {
		const paper_feed_msg *m = &g_array_index(s->held, paper_feed_msg, k);
		if (m->ts >= stop)
			break;
		if (m->ts > s->bar_ts)
			emit_bar(t, s, m);
	}
	g_array_remove_range(s->held, 0, k);
}

void paper__track_backfill_done(feed_track *t, const char *symbol, const paper_feed_msg *bars,
				size_t n, bool ok, paper_ts now)
{
	int i = paper__feed_spec_find(t->spec, symbol);
	if (i < 0 || !t->syms[i].in_flight)
		return;
	sym_state *s = &t->syms[i];
	paper_ts until = s->held->len ? g_array_index(s->held, paper_feed_msg, 0).ts : INT64_MAX;
	/* Only closed bars of the range asked for (a venue may answer more), newer than the last
	 * one out and older than the first waiting. */
	for (size_t k = 0; ok && k < n; k++) {
		const paper_feed_msg *b = &bars[k];
		if (b->ts >= s->req_from && b->ts < s->req_to && b->ts > s->bar_ts && b->ts < until &&
		    b->ts + b->interval <= now)
			emit_bar(t, s, b);
	}
	s->in_flight = false;
	/* The waiting bars go out as they are (a gap the venue could not refill stays counted),
	 * up to a range still to fetch. */
	paper_ts from = MAX(s->next_from, s->bar_ts + t->spec->bar_us);
	bool more = s->next && from < s->next_to;
	s->next = false;
	release(t, s, more ? from : INT64_MAX);
	if (more)
		request(t, s, i, from, s->next_to);
}
