/*
 * Drift: the closed trades of a paper account matched one to one with a backtest's, by the
 * rule of <paper/drift.h> (signal id first, then the nearest entry time within a tolerance),
 * and the differences of each pair. Everything is computed on the brokers' exact amounts.
 */
#include "sim/drift.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/fixed.h"
#include "base/ring.h"
#include "market/broker.h"

/* A closed trade of one side, with what matching needs. */
typedef struct cand {
	const trade *t;
	const char *symbol;
	drift_side side;
	bool used;
} cand;

typedef struct side_set {
	cand *c;
	size_t n;
} side_set;

/* ---- reading a broker ---- */

static int64_t avg_price(int64_t notional, int64_t qty)
{
	return qty ? fx_muldiv(notional, FX_SCALE, qty) : 0;
}

static int cmp_fill(const void *a, const void *b)
{
	const fill *x = *(const fill *const *)a, *y = *(const fill *const *)b;
	if (x->sym != y->sym)
		return x->sym < y->sym ? -1 : 1;
	return (x->ts > y->ts) - (x->ts < y->ts);
}

/* Fills of the broker, by symbol then time, so a trade's fills are one run. */
static const fill **sorted_fills(const paper_broker *b, size_t *n)
{
	*n = b->fills.len;
	const fill **f = g_new(const fill *, *n ? *n : 1);
	for (size_t i = 0; i < *n; i++)
		f[i] = ring_at(&b->fills, i);
	qsort(f, *n, sizeof *f, cmp_fill);
	return f;
}

/* |price - reference| x qty over the fills of t's symbol from its entry to its exit. */
static int64_t slippage_of(const trade *t, const fill **f, size_t n)
{
	size_t lo = 0, hi = n;
	while (lo < hi) { /* first fill of the symbol at or after the entry */
		size_t mid = lo + (hi - lo) / 2;
		if (f[mid]->sym < t->sym || (f[mid]->sym == t->sym && f[mid]->ts < t->entry_ts))
			lo = mid + 1;
		else
			hi = mid;
	}
	int64_t sum = 0;
	for (size_t i = lo; i < n && f[i]->sym == t->sym && f[i]->ts <= t->exit_ts; i++)
		if (f[i]->ref_price > 0)
			sum += fx_mul(fx_abs(f[i]->price - f[i]->ref_price), f[i]->qty);
	return sum;
}

static bool in_range(const paper_drift_options *o, paper_ts ts)
{
	return (o->from == 0 || ts >= o->from) && (o->to == 0 || ts < o->to);
}

static void load_side(side_set *s, const paper_broker *b, const paper_drift_options *o)
{
	size_t nf;
	const fill **f = sorted_fills(b, &nf);
	s->c = g_new0(cand, b->trades.len ? b->trades.len : 1);
	s->n = 0;
	for (size_t i = 0; i < b->trades.len; i++) {
		const trade *t = ring_at(&b->trades, i);
		if (!in_range(o, t->entry_ts))
			continue;
		cand *c = &s->c[s->n++];
		c->t = t;
		c->symbol = b->syms[t->sym].name;
		c->side = (drift_side){
			.present = true, .id = t->id, .entry_ts = t->entry_ts, .exit_ts = t->exit_ts,
			.entry_price = avg_price(t->entry_notional, t->qty),
			.exit_price = avg_price(t->exit_notional, t->exit_qty), .qty = t->qty,
			.pnl_net = t->pnl - t->fees, .slippage = slippage_of(t, f, nf),
			.exit_reason = t->exit_reason,
		};
	}
	g_free(f);
}

/* ---- matching ---- */

static bool same_kind(const cand *p, const cand *b)
{
	return p->t->direction == b->t->direction && strcmp(p->symbol, b->symbol) == 0;
}

static paper_ts gap(const cand *p, const cand *b)
{
	paper_ts d = p->side.entry_ts - b->side.entry_ts;
	return d < 0 ? -d : d;
}

static void add_row(paper_drift *d, paper_drift_kind kind, paper_drift_match match, cand *p, cand *b)
{
	drift_row r;
	memset(&r, 0, sizeof r);
	const cand *any = p ? p : b;
	r.kind = kind;
	r.match = match;
	g_strlcpy(r.symbol, any->symbol, sizeof r.symbol);
	r.direction = any->t->direction;
	g_strlcpy(r.signal_id, p && p->t->signal_id[0] ? p->t->signal_id : any->t->signal_id,
		  sizeof r.signal_id);
	if (p) {
		r.paper = p->side;
		p->used = true;
	}
	if (b) {
		r.backtest = b->side;
		b->used = true;
	}
	g_array_append_val(d->rows, r);
}

/* Rule 1: equal non-empty signal ids (of the same symbol and direction), nearest entry first. */
static void match_ids(paper_drift *d, side_set *ps, side_set *bs)
{
	GHashTable *by_id = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
						  (GDestroyNotify)g_ptr_array_unref);
	for (size_t j = 0; j < bs->n; j++) {
		const char *id = bs->c[j].t->signal_id;
		if (!id[0])
			continue;
		GPtrArray *list = g_hash_table_lookup(by_id, id);
		if (!list) {
			list = g_ptr_array_new();
			g_hash_table_insert(by_id, (gpointer)id, list);
		}
		g_ptr_array_add(list, &bs->c[j]);
	}
	for (size_t i = 0; i < ps->n; i++) {
		cand *p = &ps->c[i];
		GPtrArray *list = p->t->signal_id[0] ? g_hash_table_lookup(by_id, p->t->signal_id) : NULL;
		cand *best = NULL;
		for (guint k = 0; list && k < list->len; k++) {
			cand *b = g_ptr_array_index(list, k);
			if (!b->used && same_kind(p, b) && (!best || gap(p, b) < gap(p, best)))
				best = b;
		}
		if (best)
			add_row(d, PAPER_DRIFT_MATCHED, PAPER_DRIFT_MATCH_SIGNAL_ID, p, best);
	}
	g_hash_table_destroy(by_id);
}

typedef struct pair {
	paper_ts gap;
	cand *p, *b;
} pair;

static int cmp_pair(const void *a, const void *b)
{
	const pair *x = a, *y = b;
	if (x->gap != y->gap)
		return x->gap < y->gap ? -1 : 1;
	if (x->p->side.entry_ts != y->p->side.entry_ts)
		return x->p->side.entry_ts < y->p->side.entry_ts ? -1 : 1;
	if (x->b->side.entry_ts != y->b->side.entry_ts)
		return x->b->side.entry_ts < y->b->side.entry_ts ? -1 : 1;
	/* Same times: the order the trades closed in. */
	if (x->p != y->p)
		return x->p < y->p ? -1 : 1;
	return (x->b > y->b) - (x->b < y->b);
}

static int cmp_cand_entry(const void *a, const void *b)
{
	const cand *x = *(const cand *const *)a, *y = *(const cand *const *)b;
	int c = strcmp(x->symbol, y->symbol);
	if (c)
		return c;
	if (x->t->direction != y->t->direction)
		return x->t->direction < y->t->direction ? -1 : 1;
	if (x->side.entry_ts != y->side.entry_ts)
		return x->side.entry_ts < y->side.entry_ts ? -1 : 1;
	return (x > y) - (x < y);
}

/* The unused trades of a side, sorted by symbol, direction and entry time. */
static cand **unused_sorted(side_set *s, size_t *n)
{
	cand **v = g_new(cand *, s->n ? s->n : 1);
	*n = 0;
	for (size_t i = 0; i < s->n; i++)
		if (!s->c[i].used)
			v[(*n)++] = &s->c[i];
	qsort(v, *n, sizeof *v, cmp_cand_entry);
	return v;
}

/* c against the key (symbol, direction, entry time): the order unused_sorted() sorts in. */
static int cmp_key(const cand *c, const cand *key, paper_ts ts)
{
	int r = strcmp(c->symbol, key->symbol);
	if (r)
		return r;
	if (c->t->direction != key->t->direction)
		return c->t->direction < key->t->direction ? -1 : 1;
	return (c->side.entry_ts > ts) - (c->side.entry_ts < ts);
}

/* Rule 2: every pair of the same symbol and direction within the tolerance, closest first. */
static void match_times(paper_drift *d, side_set *ps, side_set *bs)
{
	size_t np, nb;
	cand **p = unused_sorted(ps, &np), **b = unused_sorted(bs, &nb);
	GArray *pairs = g_array_new(FALSE, FALSE, sizeof(pair));
	paper_ts tol = d->o.time_tolerance;
	for (size_t i = 0; i < np; i++) {
		/* The first backtest trade of p[i]'s kind entered at or after p[i]'s entry - tol. */
		paper_ts earliest = p[i]->side.entry_ts > INT64_MIN + tol ? p[i]->side.entry_ts - tol
									  : INT64_MIN;
		size_t lo = 0, hi = nb;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (cmp_key(b[mid], p[i], earliest) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t j = lo; j < nb && same_kind(p[i], b[j]) &&
				    b[j]->side.entry_ts - p[i]->side.entry_ts <= tol; j++) {
			pair x = { gap(p[i], b[j]), p[i], b[j] };
			g_array_append_val(pairs, x);
		}
	}
	g_array_sort(pairs, cmp_pair);
	for (guint k = 0; k < pairs->len; k++) {
		pair *x = &g_array_index(pairs, pair, k);
		if (!x->p->used && !x->b->used)
			add_row(d, PAPER_DRIFT_MATCHED, PAPER_DRIFT_MATCH_TIME, x->p, x->b);
	}
	g_array_free(pairs, TRUE);
	g_free(p);
	g_free(b);
}

/* ---- the rows in order, the summary ---- */

static paper_ts row_ts(const drift_row *r)
{
	if (!r->paper.present)
		return r->backtest.entry_ts;
	if (!r->backtest.present)
		return r->paper.entry_ts;
	return MIN(r->paper.entry_ts, r->backtest.entry_ts);
}

static int cmp_row(const void *a, const void *b)
{
	const drift_row *x = a, *y = b;
	paper_ts tx = row_ts(x), ty = row_ts(y);
	if (tx != ty)
		return tx < ty ? -1 : 1;
	int c = strcmp(x->symbol, y->symbol);
	if (c)
		return c;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	uint64_t ix = x->paper.present ? x->paper.id : x->backtest.id;
	uint64_t iy = y->paper.present ? y->paper.id : y->backtest.id;
	return (ix > iy) - (ix < iy);
}

/* Signed so that positive is worse for the paper account. */
static double drift_bps(int64_t paper, int64_t backtest, int sign)
{
	if (backtest == 0)
		return NAN;
	double v = (fx_to_double(paper) - fx_to_double(backtest)) / fx_to_double(backtest) * 1e4;
	return v == 0 ? 0.0 : v * sign; /* never -0 */
}

void drift__row_public(const drift_row *r, paper_drift_row *out)
{
	const drift_side *p = &r->paper, *b = &r->backtest;
	int dir = r->direction == PAPER_LONG ? 1 : -1;
	memset(out, 0, sizeof *out);
	out->version = PAPER_DRIFT_ROW_VERSION;
	out->kind = r->kind;
	out->match = r->match;
	memcpy(out->symbol, r->symbol, sizeof out->symbol);
	out->direction = (paper_direction)r->direction;
	memcpy(out->signal_id, r->signal_id, sizeof out->signal_id);
	out->paper_trade = p->id;
	out->backtest_trade = b->id;
	out->paper_entry_ts = p->entry_ts;
	out->backtest_entry_ts = b->entry_ts;
	out->paper_exit_ts = p->exit_ts;
	out->backtest_exit_ts = b->exit_ts;
	out->paper_entry_price = p->present ? fx_to_double(p->entry_price) : NAN;
	out->backtest_entry_price = b->present ? fx_to_double(b->entry_price) : NAN;
	out->paper_exit_price = p->present ? fx_to_double(p->exit_price) : NAN;
	out->backtest_exit_price = b->present ? fx_to_double(b->exit_price) : NAN;
	out->paper_qty = fx_to_double(p->qty);
	out->backtest_qty = fx_to_double(b->qty);
	out->paper_reason = (paper_exit_reason)p->exit_reason;
	out->backtest_reason = (paper_exit_reason)b->exit_reason;
	out->paper_pnl = fx_to_double(p->pnl_net);
	out->backtest_pnl = fx_to_double(b->pnl_net);
	out->paper_pnl_e8 = p->pnl_net;
	out->backtest_pnl_e8 = b->pnl_net;
	out->paper_slippage = fx_to_double(p->slippage);
	out->backtest_slippage = fx_to_double(b->slippage);
	out->pnl_drift = fx_to_double(p->pnl_net - b->pnl_net);
	bool both = p->present && b->present;
	out->entry_delay = both ? (double)(p->entry_ts - b->entry_ts) / 1e6 : NAN;
	out->exit_delay = both ? (double)(p->exit_ts - b->exit_ts) / 1e6 : NAN;
	out->entry_price_diff = both ? fx_to_double(p->entry_price - b->entry_price) : NAN;
	out->exit_price_diff = both ? fx_to_double(p->exit_price - b->exit_price) : NAN;
	out->entry_drift_bps = both ? drift_bps(p->entry_price, b->entry_price, dir) : NAN;
	out->exit_drift_bps = both ? drift_bps(p->exit_price, b->exit_price, -dir) : NAN;
	out->qty_diff = both ? fx_to_double(p->qty - b->qty) : NAN;
}

static double mean_or_nan(double sum, uint64_t n)
{
	return n ? sum / (double)n : NAN;
}

static void summarize(paper_drift *d, const side_set *ps, const side_set *bs)
{
	paper_drift_summary *s = &d->sum;
	double entry = 0, exit = 0, entry_bps = 0, exit_bps = 0;
	memset(s, 0, sizeof *s);
	s->version = PAPER_DRIFT_SUMMARY_VERSION;
	s->paper_trades = ps->n;
	s->backtest_trades = bs->n;
	for (size_t i = 0; i < ps->n; i++) {
		s->paper_pnl_e8 += ps->c[i].side.pnl_net;
		d->paper_slip += ps->c[i].side.slippage;
	}
	for (size_t i = 0; i < bs->n; i++) {
		s->backtest_pnl_e8 += bs->c[i].side.pnl_net;
		d->backtest_slip += bs->c[i].side.slippage;
	}
	for (guint i = 0; i < d->rows->len; i++) {
		const drift_row *r = &g_array_index(d->rows, drift_row, i);
		if (r->kind == PAPER_DRIFT_MISSED) {
			s->missed++;
			s->missed_pnl_e8 += r->backtest.pnl_net;
			continue;
		}
		if (r->kind == PAPER_DRIFT_EXTRA) {
			s->extra++;
			s->extra_pnl_e8 += r->paper.pnl_net;
			continue;
		}
		paper_drift_row pr;
		drift__row_public(r, &pr);
		s->matched++;
		s->matched_by_signal_id += r->match == PAPER_DRIFT_MATCH_SIGNAL_ID;
		s->matched_by_time += r->match == PAPER_DRIFT_MATCH_TIME;
		s->exit_reason_changes += r->paper.exit_reason != r->backtest.exit_reason;
		s->matched_pnl_drift_e8 += r->paper.pnl_net - r->backtest.pnl_net;
		d->matched_paper_slip += r->paper.slippage;
		d->matched_backtest_slip += r->backtest.slippage;
		entry += pr.entry_delay;
		exit += pr.exit_delay;
		entry_bps += pr.entry_drift_bps;
		exit_bps += pr.exit_drift_bps;
		s->max_entry_delay = fmax(s->max_entry_delay, fabs(pr.entry_delay));
		s->max_exit_delay = fmax(s->max_exit_delay, fabs(pr.exit_delay));
	}
	s->mean_entry_delay = mean_or_nan(entry, s->matched);
	s->mean_exit_delay = mean_or_nan(exit, s->matched);
	s->mean_entry_drift_bps = mean_or_nan(entry_bps, s->matched);
	s->mean_exit_drift_bps = mean_or_nan(exit_bps, s->matched);
	if (!s->matched)
		s->max_entry_delay = s->max_exit_delay = NAN;
	s->paper_pnl = fx_to_double(s->paper_pnl_e8);
	s->backtest_pnl = fx_to_double(s->backtest_pnl_e8);
	s->pnl_drift = fx_to_double(s->paper_pnl_e8 - s->backtest_pnl_e8);
	s->matched_pnl_drift = fx_to_double(s->matched_pnl_drift_e8);
	s->missed_pnl = fx_to_double(s->missed_pnl_e8);
	s->extra_pnl = fx_to_double(s->extra_pnl_e8);
	s->paper_slippage = fx_to_double(d->paper_slip);
	s->backtest_slippage = fx_to_double(d->backtest_slip);
	s->matched_paper_slippage = fx_to_double(d->matched_paper_slip);
	s->matched_backtest_slippage = fx_to_double(d->matched_backtest_slip);
	s->time_tolerance = d->o.time_tolerance;
	s->match_by_time = d->o.match_by_time;
}

/* ---- the API ---- */

static int check_opts(const paper_drift_options *o)
{
	if (o->version != PAPER_DRIFT_OPTIONS_VERSION)
		return paper__error(PAPER_EVERSION, "paper_drift_options version %u unsupported",
				    o->version);
	if (o->time_tolerance < 0)
		return paper__error(PAPER_EINVAL, "time_tolerance must be >= 0 (got %" G_GINT64_FORMAT
				    " microseconds)", o->time_tolerance);
	if (o->from < 0 || o->to < 0 || (o->to && o->to <= o->from))
		return paper__error(PAPER_EINVAL, "drift range: to must be after from (0: no bound)");
	return PAPER_OK;
}

PAPER_API int paper_drift_compare(paper_drift **out, const paper_broker *paper,
				  const paper_broker *backtest, const paper_drift_options *opts)
{
	static const paper_drift_options defaults = PAPER_DRIFT_OPTIONS_INIT;
	PAPER__CHECK_NULL(out, "out");
	PAPER__CHECK_NULL(paper, "paper");
	PAPER__CHECK_NULL(backtest, "backtest");
	const paper_drift_options *o = opts ? opts : &defaults;
	int rc = check_opts(o);
	if (rc != PAPER_OK)
		return rc;
	paper_drift *d = g_new0(paper_drift, 1);
	d->o = *o;
	d->rows = g_array_new(FALSE, FALSE, sizeof(drift_row));
	side_set ps, bs;
	load_side(&ps, paper, o);
	load_side(&bs, backtest, o);
	match_ids(d, &ps, &bs);
	if (o->match_by_time)
		match_times(d, &ps, &bs);
	for (size_t j = 0; j < bs.n; j++)
		if (!bs.c[j].used)
			add_row(d, PAPER_DRIFT_MISSED, PAPER_DRIFT_MATCH_NONE, NULL, &bs.c[j]);
	for (size_t i = 0; i < ps.n; i++)
		if (!ps.c[i].used)
			add_row(d, PAPER_DRIFT_EXTRA, PAPER_DRIFT_MATCH_NONE, &ps.c[i], NULL);
	g_array_sort(d->rows, cmp_row);
	summarize(d, &ps, &bs);
	g_free(ps.c);
	g_free(bs.c);
	*out = d;
	return PAPER_OK;
}

PAPER_API void paper_drift_free(paper_drift *d)
{
	if (d == NULL)
		return;
	g_array_free(d->rows, TRUE);
	g_free(d);
}

PAPER_API int paper_drift_summary_get(const paper_drift *d, paper_drift_summary *out)
{
	PAPER__CHECK_NULL(d, "drift");
	PAPER__CHECK_NULL(out, "out");
	if (out->version != PAPER_DRIFT_SUMMARY_VERSION)
		return paper__error(PAPER_EVERSION, "paper_drift_summary version %u unsupported",
				    out->version);
	*out = d->sum;
	return PAPER_OK;
}

PAPER_API size_t paper_drift_row_count(const paper_drift *d)
{
	return d ? d->rows->len : 0;
}

PAPER_API int paper_drift_row_at(const paper_drift *d, size_t index, paper_drift_row *out)
{
	PAPER__CHECK_NULL(d, "drift");
	PAPER__CHECK_NULL(out, "out");
	if (out->version != PAPER_DRIFT_ROW_VERSION)
		return paper__error(PAPER_EVERSION, "paper_drift_row version %u unsupported",
				    out->version);
	if (index >= d->rows->len)
		return paper__error(PAPER_ERANGE, "drift row %zu >= %u", index, d->rows->len);
	drift__row_public(&g_array_index(d->rows, drift_row, index), out);
	return PAPER_OK;
}

PAPER_API const char *paper_drift_kind_str(paper_drift_kind kind)
{
	switch (kind) {
	case PAPER_DRIFT_MATCHED:
		return "matched";
	case PAPER_DRIFT_MISSED:
		return "missed";
	case PAPER_DRIFT_EXTRA:
		return "extra";
	}
	return "unknown";
}

PAPER_API const char *paper_drift_match_str(paper_drift_match match)
{
	switch (match) {
	case PAPER_DRIFT_MATCH_NONE:
		return "none";
	case PAPER_DRIFT_MATCH_SIGNAL_ID:
		return "signal_id";
	case PAPER_DRIFT_MATCH_TIME:
		return "time";
	}
	return "unknown";
}
