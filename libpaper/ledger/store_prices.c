/*
 * The rows of the prices and feed_health tables, for both backends: which field of a record
 * goes to which column (store_prices.h has the statements).
 */
#include "ledger/store_prices.h"

#include <paper/error.h>
#include <string.h>

#include "base/fixed.h"
#include "ledger/store_rows.h"

void store_bind_price(row_out *o, const store_price *sp)
{
	const paper_price_record *p = &sp->p;
	o->i64(o, sp->account);
	o->i64(o, (int64_t)p->event_seq);
	o->i64(o, p->applied_ts);
	o->i64(o, p->ts);
	o->i64(o, p->recv_ts);
	o->text(o, p->symbol);
	o->i64(o, p->kind);
	o->i64(o, p->price_e8);
	o->i64(o, p->bid_e8);
	o->i64(o, p->ask_e8);
	o->i64(o, p->open_e8);
	o->i64(o, p->high_e8);
	o->i64(o, p->low_e8);
	o->i64(o, p->close_e8);
	o->i64(o, p->volume_e8);
	o->i64(o, p->interval);
	o->i64(o, p->flags);
	o->text(o, p->source);
}

static int read_price(const row_in *in, store_price *sp)
{
	paper_price_record *p = &sp->p;
	memset(p, 0, sizeof *p);
	p->version = PAPER_PRICE_RECORD_VERSION;
	p->event_seq = (uint64_t)in->i64(in, 0);
	p->applied_ts = in->i64(in, 1);
	p->ts = in->i64(in, 2);
	p->recv_ts = in->i64(in, 3);
	p->kind = (paper_price_kind)in->i64(in, 5);
	int64_t *e8[] = { &p->price_e8, &p->bid_e8, &p->ask_e8, &p->open_e8, &p->high_e8,
			  &p->low_e8, &p->close_e8, &p->volume_e8 };
	double *d[] = { &p->price, &p->bid, &p->ask, &p->open, &p->high, &p->low, &p->close,
			&p->volume };
	for (size_t i = 0; i < G_N_ELEMENTS(e8); i++) {
		*e8[i] = in->i64(in, 6 + (int)i);
		*d[i] = fx_to_double(*e8[i]);
	}
	p->interval = in->i64(in, 14);
	p->flags = (uint32_t)in->i64(in, 15);
	int rc = in->text(in, 4, p->symbol, sizeof p->symbol, "a price's symbol");
	return rc ? rc : in->text(in, 16, p->source, sizeof p->source, "a price's source");
}

int store_price_walk_row(const row_in *in, void *walk)
{
	const store_price_walk *w = walk;
	store_price sp = { .account = w->account };
	int rc = read_price(in, &sp);
	return rc ? rc : w->cb(w->ctx, &sp);
}

void store_bind_feed_health(row_out *o, const store_feed_health *fh)
{
	const paper_feed_health_info *h = &fh->h;
	o->i64(o, fh->account);
	o->text(o, h->source);
	o->text(o, h->venue);
	o->i64(o, h->state);
	o->i64(o, h->connected);
	o->i64(o, h->last_msg_ts);
	o->i64(o, h->last_data_ts);
	const uint64_t counts[] = { h->frames, h->messages, h->reconnects, h->gaps,
				    h->backfilled_bars, h->duplicates, h->out_of_order,
				    h->bad_messages, h->dropped, h->queue_high };
	for (size_t i = 0; i < G_N_ELEMENTS(counts); i++)
		o->i64(o, (int64_t)counts[i]);
	o->f64(o, h->clock_skew_ms);
	o->i64(o, h->last_error_code);
	o->text(o, h->last_error);
	o->i64(o, fh->written_ts);
}

int store_health_walk_row(const row_in *in, void *walk)
{
	const store_health_walk *w = walk;
	store_feed_health fh = { .account = w->account };
	paper_feed_health_info *h = &fh.h;
	h->version = PAPER_FEED_HEALTH_INFO_VERSION;
	h->state = (paper_feed_state)in->i64(in, 2);
	h->connected = in->i64(in, 3) != 0;
	h->last_msg_ts = in->i64(in, 4);
	h->last_data_ts = in->i64(in, 5);
	uint64_t *counts[] = { &h->frames, &h->messages, &h->reconnects, &h->gaps,
			       &h->backfilled_bars, &h->duplicates, &h->out_of_order,
			       &h->bad_messages, &h->dropped, &h->queue_high };
	for (size_t i = 0; i < G_N_ELEMENTS(counts); i++)
		*counts[i] = (uint64_t)in->i64(in, 6 + (int)i);
	h->clock_skew_ms = in->f64(in, 16);
	h->last_error_code = (int)in->i64(in, 17);
	fh.written_ts = in->i64(in, 19);
	h->last_msg_age_s = h->last_msg_ts ? (double)(fh.written_ts - h->last_msg_ts) / 1e6 : -1;
	int rc = in->text(in, 0, h->source, sizeof h->source, "a feed's source");
	if (rc == PAPER_OK)
		rc = in->text(in, 1, h->venue, sizeof h->venue, "a feed's venue");
	if (rc == PAPER_OK)
		rc = in->text(in, 18, h->last_error, sizeof h->last_error, "a feed's last error");
	return rc ? rc : w->cb(w->ctx, &fh);
}
