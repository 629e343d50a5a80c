/*
 * The report: trades and an equity curve in, every statistic out, computed once at build time
 * so the object is immutable (and so readable from many threads) afterwards.
 */
#include <glib.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "base/error.h"
#include "config/config.h"
#include "market/broker.h"
#include "metrics/metrics.h"

/* ---- input checks ---- */

static bool terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

static int check_trade(const paper_trade_info *t, size_t i)
{
	if (t->version != PAPER_TRADE_INFO_VERSION)
		return paper__error(PAPER_EVERSION, "trades[%zu]: paper_trade_info version %u "
				    "unsupported (expected %u)", i, t->version,
				    PAPER_TRADE_INFO_VERSION);
	if (!terminated(t->symbol, sizeof t->symbol) ||
	    !terminated(t->strategy, sizeof t->strategy))
		return paper__error(PAPER_EINVAL, "trades[%zu]: symbol or strategy is not "
				    "NUL-terminated", i);
	if (!isfinite(t->pnl_net) || !isfinite(t->pnl_gross) || !isfinite(t->fees))
		return paper__error(PAPER_EINVAL, "trades[%zu]: P&L and fees must be finite (net %g, "
				    "gross %g, fees %g)", i, t->pnl_net, t->pnl_gross, t->fees);
	if ((int)t->exit_reason < PAPER_EXIT_NONE || (int)t->exit_reason > PAPER_EXIT_EXPIRY)
		return paper__error(PAPER_EINVAL, "trades[%zu]: exit reason %d unknown", i,
				    (int)t->exit_reason);
	int64_t d;
	if (t->exit_ts < t->entry_ts || __builtin_sub_overflow(t->exit_ts, t->entry_ts, &d))
		return paper__error(PAPER_EINVAL, "trades[%zu]: exit %" PRId64 " before entry %"
				    PRId64 " or too far after it", i, t->exit_ts, t->entry_ts);
	return PAPER_OK;
}

static int check_points(const paper_ts *ts, const double *eq, const double *cash, size_t n)
{
	if (n == 0)
		return PAPER_OK;
	PAPER__CHECK_NULL(ts, "ts");
	PAPER__CHECK_NULL(eq, "equity");
	for (size_t i = 0; i < n; i++) {
		if (!(eq[i] > 0.0) || !isfinite(eq[i]))
			return paper__error(PAPER_EINVAL, "equity[%zu] must be finite and > 0 (got "
					    "%g): returns after it do not exist", i, eq[i]);
		if (cash && !isfinite(cash[i]))
			return paper__error(PAPER_EINVAL, "cash[%zu] must be finite (got %g)", i,
					    cash[i]);
		if (i > 0 && ts[i] < ts[i - 1])
			return paper__error(PAPER_ETIME, "ts[%zu] = %" PRId64 " is before ts[%zu] = %"
					    PRId64, i, ts[i], i - 1, ts[i - 1]);
	}
	return PAPER_OK;
}

/* ---- groups ---- */

/* Group numbers of names, first seen first. */
typedef struct namer {
	GHashTable *index; /* name -> number + 1; keys borrowed from names */
	GPtrArray *names;  /* char *, owned */
} namer;

static void namer_init(namer *g)
{
	g->index = g_hash_table_new(g_str_hash, g_str_equal);
	g->names = g_ptr_array_new_with_free_func(g_free);
}

static void namer_clear(namer *g)
{
	g_hash_table_unref(g->index);
	g_ptr_array_unref(g->names);
}

static uint32_t namer_get(namer *g, const char *name)
{
	gpointer v = g_hash_table_lookup(g->index, name);
	if (v)
		return GPOINTER_TO_UINT(v) - 1;
	char *copy = g_strdup(name);
	g_ptr_array_add(g->names, copy);
	g_hash_table_insert(g->index, copy, GUINT_TO_POINTER(g->names->len));
	return g->names->len - 1;
}

typedef struct named {
	const char *name;
	uint32_t k;
} named;

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

/* Group numbers in byte order of their names. */
static uint32_t *sorted_groups(const namer *g)
{
	uint32_t n = g->names->len;
	named *v = g_new(named, n ? n : 1);
	uint32_t *rank = g_new(uint32_t, n ? n : 1);

	for (uint32_t i = 0; i < n; i++)
		v[i] = (named){ g_ptr_array_index(g->names, i), i };
	qsort(v, n, sizeof *v, cmp_named);
	for (uint32_t i = 0; i < n; i++)
		rank[i] = v[i].k;
	g_free(v);
	return rank;
}

/* The statistics of each group: trades bucketed by group, keeping their order. */
static void build_groups(paper_metrics *m, int kind, const namer *g, const mtrade *mt, size_t n,
			 int64_t *scratch)
{
	size_t ng = g->names->len;
	size_t *start = g_new0(size_t, ng + 1);
	uint32_t *idx = g_new(uint32_t, n ? n : 1);

	for (size_t i = 0; i < n; i++)
		start[(kind ? mt[i].strat : mt[i].sym) + 1]++;
	for (size_t j = 0; j < ng; j++)
		start[j + 1] += start[j];
	size_t *next = g_memdup2(start, (ng + 1) * sizeof *start);
	for (size_t i = 0; i < n; i++)
		idx[next[kind ? mt[i].strat : mt[i].sym]++] = (uint32_t)i;

	uint32_t *rank = sorted_groups(g);
	m->by[kind] = g_new0(metrics_group, ng ? ng : 1);
	m->n_by[kind] = ng;
	for (size_t j = 0; j < ng; j++) {
		uint32_t k = rank[j];
		m->by[kind][j].name = g_strdup(g_ptr_array_index(g->names, k));
		trades_compute(&m->by[kind][j].stats, mt, idx + start[k], start[k + 1] - start[k],
			       &m->o, scratch);
	}
	g_free(rank);
	g_free(next);
	g_free(idx);
	g_free(start);
}

static int check_trades(const paper_trade_info *trades, size_t n)
{
	if (n && trades == NULL)
		return paper__error(PAPER_EINVAL, "trades must not be NULL when n_trades > 0");
	if (n > UINT32_MAX)
		return paper__error(PAPER_EINVAL, "too many trades (%zu)", n);
	for (size_t i = 0; i < n; i++) {
		int rc = check_trade(&trades[i], i);
		if (rc != PAPER_OK)
			return rc;
	}
	return PAPER_OK;
}

/* The trades as the statistics see them, numbering their symbols and strategies. */
static void to_mtrades(mtrade *mt, const paper_trade_info *trades, size_t n,
		       paper_pnl_basis basis, namer *syms, namer *strats)
{
	for (size_t i = 0; i < n; i++) {
		const paper_trade_info *t = &trades[i];
		mt[i] = (mtrade){ .pnl = basis == PAPER_PNL_GROSS ? t->pnl_gross : t->pnl_net,
				  .fees = t->fees,
				  .entry_ts = t->entry_ts,
				  .exit_ts = t->exit_ts,
				  .exit_reason = (uint8_t)t->exit_reason,
				  .sym = namer_get(syms, t->symbol),
				  .strat = namer_get(strats, t->strategy) };
	}
}

static int build_trades(paper_metrics *m, const paper_trade_info *trades, size_t n)
{
	int rc = check_trades(trades, n);
	if (rc != PAPER_OK)
		return rc;
	mtrade *mt = g_try_new(mtrade, n ? n : 1);
	int64_t *scratch = g_try_new(int64_t, n ? n : 1);
	if (mt == NULL || scratch == NULL) {
		g_free(mt);
		g_free(scratch);
		return paper__error(PAPER_ENOMEM, "out of memory for %zu trades", n);
	}
	namer syms, strats;
	namer_init(&syms);
	namer_init(&strats);
	to_mtrades(mt, trades, n, m->o.pnl_basis, &syms, &strats);
	trades_compute(&m->trades, mt, NULL, n, &m->o, scratch);
	build_groups(m, PAPER_METRICS_BY_SYMBOL - 1, &syms, mt, n, scratch);
	build_groups(m, PAPER_METRICS_BY_STRATEGY - 1, &strats, mt, n, scratch);
	namer_clear(&syms);
	namer_clear(&strats);
	g_free(scratch);
	g_free(mt);
	return PAPER_OK;
}

/* ---- the equity curve ---- */

/* Whether point i is kept: the last of its resampling period. */
static bool kept(const paper_ts *ts, size_t i, size_t n, paper_ts period)
{
	return period == 0 || i + 1 == n ||
	       series_bucket(ts[i], period) != series_bucket(ts[i + 1], period);
}

static int curve_alloc(paper_metrics *m, size_t k)
{
	size_t cap = k ? k : 1;
	m->ts = g_try_new(paper_ts, cap);
	m->equity = g_try_new(double, cap);
	m->cash = g_try_new(double, cap);
	m->drawdown = g_try_new(double, cap);
	m->returns = g_try_new(double, cap);
	if (!m->ts || !m->equity || !m->cash || !m->drawdown || !m->returns)
		return paper__error(PAPER_ENOMEM, "out of memory for %zu equity points", k);
	return PAPER_OK;
}

/* periods_per_year 0: the broker's config when it sets one, else the curve's calendar. */
static void resolve_ppy(paper_metrics *m, double config_ppy)
{
	if (m->o.periods_per_year > 0) {
		m->ppy_source = "options";
	} else if (config_ppy > 0) {
		m->o.periods_per_year = config_ppy;
		m->ppy_source = "config";
	} else {
		calendar c;
		calendar_init(&c);
		for (size_t i = 0; i < m->n_points; i++)
			calendar_add(&c, m->ts[i]);
		m->o.periods_per_year = calendar_periods_per_year(&c);
		m->ppy_source = "calendar";
	}
}

/* The statistics that need every return, from the curve's returns and drawdowns. */
static int build_dist(paper_metrics *m)
{
	size_t n = m->n_points ? m->n_points - 1 : 0;
	double *scratch = g_try_new(double, n ? n : 1);

	if (scratch == NULL)
		return paper__error(PAPER_ENOMEM, "out of memory for %zu returns", n);
	dist_compute(&m->dist, m->returns, n, m->drawdown, m->series.max_drawdown,
		     m->o.risk_free, m->o.required_return, scratch);
	g_free(scratch);
	return PAPER_OK;
}

static int build_curve(paper_metrics *m, const paper_ts *ts, const double *eq, const double *cash,
		       size_t n, double config_ppy)
{
	int rc = check_points(ts, eq, cash, n);
	paper_ts period = m->o.resample_period;
	size_t k = 0;

	if (rc != PAPER_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		k += kept(ts, i, n, period);
	if ((rc = curve_alloc(m, k)))
		return rc;
	double peak = -INFINITY;
	for (size_t i = 0, j = 0; i < n; i++) {
		if (!kept(ts, i, n, period))
			continue;
		m->ts[j] = ts[i];
		m->equity[j] = eq[i];
		m->cash[j] = cash ? cash[i] : NAN;
		peak = eq[i] > peak ? eq[i] : peak;
		m->drawdown[j] = eq[i] < peak ? (eq[i] - peak) / peak : 0.0;
		if (j)
			m->returns[j - 1] = eq[i] / m->equity[j - 1] - 1.0;
		j++;
	}
	m->n_points = k;
	resolve_ppy(m, config_ppy);

	/* The curve is resampled already: the kernel takes every point. */
	paper_metrics_options o = m->o;
	o.resample_period = 0;
	series_state s;
	series_init(&s, &o);
	if ((rc = series_add_points(&s, m->ts, m->equity, k)))
		return rc;
	series_finish(&s, &m->series);
	return build_dist(m);
}

/* ---- construction ---- */

static int metrics_build(paper_metrics **out, const paper_trade_info *trades, size_t n_trades,
			 const paper_ts *ts, const double *equity, const double *cash,
			 size_t n_points, const paper_metrics_options *opts, double config_ppy)
{
	PAPER__CHECK_NULL(out, "out");
	paper_metrics_options o;
	int rc = metrics_options_resolve(opts, &o);
	if (rc != PAPER_OK)
		return rc;
	paper_metrics *m = g_try_new0(paper_metrics, 1);
	if (m == NULL)
		return paper__error(PAPER_ENOMEM, "out of memory for a report");
	m->o = o;
	rc = build_curve(m, ts, equity, cash, n_points, config_ppy);
	if (rc == PAPER_OK)
		rc = build_trades(m, trades, n_trades);
	if (rc != PAPER_OK) {
		paper_metrics_free(m);
		return rc;
	}
	*out = m;
	return PAPER_OK;
}

PAPER_API int paper_metrics_from_arrays(paper_metrics **out, const paper_trade_info *trades,
					size_t n_trades, const paper_ts *ts, const double *equity,
					const double *cash, size_t n_points,
					const paper_metrics_options *opts)
{
	return metrics_build(out, trades, n_trades, ts, equity, cash, n_points, opts, 0);
}

typedef struct curve {
	paper_ts *ts;
	double *equity, *cash;
	size_t n;
} curve;

/* The broker's snapshots, then the account now (replacing a snapshot taken at the same time). */
static int broker_curve(const paper_broker *b, curve *c)
{
	size_t n = paper_broker_equity_count(b);
	c->ts = g_try_new(paper_ts, n + 1);
	c->equity = g_try_new(double, n + 1);
	c->cash = g_try_new(double, n + 1);
	c->n = 0;
	if (!c->ts || !c->equity || !c->cash)
		return paper__error(PAPER_ENOMEM, "out of memory for %zu equity points", n);
	for (size_t i = 0; i < n; i++) {
		paper_equity_info e = PAPER_EQUITY_INFO_INIT;
		int rc = paper_broker_equity_at(b, i, &e);
		if (rc != PAPER_OK)
			return rc;
		c->ts[c->n] = e.ts;
		c->equity[c->n] = e.equity;
		c->cash[c->n++] = e.cash;
	}
	paper_account_info a = PAPER_ACCOUNT_INFO_INIT;
	int rc = paper_broker_account(b, &a);
	if (rc != PAPER_OK || c->n == 0 || a.ts < c->ts[c->n - 1])
		return rc;
	if (a.ts == c->ts[c->n - 1])
		c->n--;
	c->ts[c->n] = a.ts;
	c->equity[c->n] = a.equity;
	c->cash[c->n++] = a.cash;
	return PAPER_OK;
}

static int broker_trades(const paper_broker *b, paper_trade_info **out, size_t *n_out)
{
	size_t n = paper_broker_trade_count(b);
	paper_trade_info *t = g_try_new(paper_trade_info, n ? n : 1);

	*out = t;
	*n_out = n;
	if (t == NULL)
		return paper__error(PAPER_ENOMEM, "out of memory for %zu trades", n);
	for (size_t i = 0; i < n; i++) {
		paper_trade_info x = PAPER_TRADE_INFO_INIT;
		int rc = paper_broker_trade_at(b, i, &x);
		if (rc != PAPER_OK)
			return rc;
		t[i] = x;
	}
	return PAPER_OK;
}

PAPER_API int paper_metrics_from_broker(paper_metrics **out, const paper_broker *b,
					const paper_metrics_options *opts)
{
	PAPER__CHECK_NULL(out, "out");
	PAPER__CHECK_NULL(b, "broker");
	curve c = { 0 };
	paper_trade_info *trades = NULL;
	size_t n_trades = 0;
	int rc = broker_curve(b, &c);
	if (rc == PAPER_OK)
		rc = broker_trades(b, &trades, &n_trades);
	if (rc == PAPER_OK)
		rc = metrics_build(out, trades, n_trades, c.ts, c.equity, c.cash, c.n, opts,
				   cfg_double(b->cfg, K_METRICS_PERIODS_PER_YEAR));
	g_free(trades);
	g_free(c.ts);
	g_free(c.equity);
	g_free(c.cash);
	return rc;
}

PAPER_API void paper_metrics_free(paper_metrics *m)
{
	if (m == NULL)
		return;
	for (int k = 0; k < 2; k++) {
		for (size_t j = 0; j < m->n_by[k]; j++)
			g_free(m->by[k][j].name);
		g_free(m->by[k]);
	}
	g_free(m->ts);
	g_free(m->equity);
	g_free(m->cash);
	g_free(m->drawdown);
	g_free(m->returns);
	g_free(m);
}

/* ---- reading ---- */

PAPER_API size_t paper_metrics_key_count(void)
{
	return n_trade_keys + n_series_keys + n_dist_keys;
}

PAPER_API const char *paper_metrics_key_name(size_t index)
{
	if (index < n_trade_keys)
		return trade_keys[index].name;
	index -= n_trade_keys;
	if (index < n_series_keys)
		return series_keys[index].name;
	index -= n_series_keys;
	if (index < n_dist_keys)
		return dist_keys[index].name;
	return NULL;
}

PAPER_API bool paper_metrics_key_is_trade(const char *key)
{
	return metrics_key_find(trade_keys, n_trade_keys, key) >= 0;
}

PAPER_API int paper_metrics_get(const paper_metrics *m, const char *key, double *out)
{
	PAPER__CHECK_NULL(m, "metrics");
	PAPER__CHECK_NULL(key, "key");
	PAPER__CHECK_NULL(out, "out");
	int k = metrics_key_find(trade_keys, n_trade_keys, key);
	if (k >= 0) {
		*out = metrics_key_value(&m->trades, &trade_keys[k]);
		return PAPER_OK;
	}
	k = metrics_key_find(series_keys, n_series_keys, key);
	if (k >= 0) {
		*out = metrics_key_value(&m->series, &series_keys[k]);
		return PAPER_OK;
	}
	k = metrics_key_find(dist_keys, n_dist_keys, key);
	if (k >= 0) {
		*out = metrics_key_value(&m->dist, &dist_keys[k]);
		return PAPER_OK;
	}
	return paper__error(PAPER_ENOTFOUND, "no statistic named '%s'", key);
}

PAPER_API int paper_metrics_options_get(const paper_metrics *m, paper_metrics_options *out)
{
	PAPER__CHECK_NULL(m, "metrics");
	PAPER__CHECK_NULL(out, "out");
	if (out->version != 1 && out->version != PAPER_METRICS_OPTIONS_VERSION)
		return paper__error(PAPER_EVERSION, "paper_metrics_options version %u unsupported "
				    "(expected 1 to %u)", out->version, PAPER_METRICS_OPTIONS_VERSION);
	/* The same layout in both versions; periods_per_year is the one the report used. */
	unsigned int v = out->version;
	*out = m->o;
	out->version = v;
	return PAPER_OK;
}

static bool group_kind(paper_metrics_group group, int *kind)
{
	if (group != PAPER_METRICS_BY_SYMBOL && group != PAPER_METRICS_BY_STRATEGY)
		return false;
	*kind = (int)group - 1;
	return true;
}

PAPER_API size_t paper_metrics_group_count(const paper_metrics *m, paper_metrics_group group)
{
	int kind;
	return m && group_kind(group, &kind) ? m->n_by[kind] : 0;
}

PAPER_API const char *paper_metrics_group_name(const paper_metrics *m, paper_metrics_group group,
					       size_t index)
{
	int kind;
	if (m == NULL || !group_kind(group, &kind) || index >= m->n_by[kind])
		return NULL;
	return m->by[kind][index].name;
}

PAPER_API int paper_metrics_group_get(const paper_metrics *m, paper_metrics_group group,
				      const char *name, const char *key, double *out)
{
	int kind;
	PAPER__CHECK_NULL(m, "metrics");
	PAPER__CHECK_NULL(name, "name");
	PAPER__CHECK_NULL(key, "key");
	PAPER__CHECK_NULL(out, "out");
	if (!group_kind(group, &kind))
		return paper__error(PAPER_EINVAL, "group %d is not a paper_metrics_group",
				    (int)group);
	int k = metrics_key_find(trade_keys, n_trade_keys, key);
	if (k < 0)
		return paper__error(PAPER_ENOTFOUND, "'%s' is not a trade statistic", key);
	for (size_t j = 0; j < m->n_by[kind]; j++)
		if (strcmp(m->by[kind][j].name, name) == 0) {
			*out = metrics_key_value(&m->by[kind][j].stats, &trade_keys[k]);
			return PAPER_OK;
		}
	return paper__error(PAPER_ENOTFOUND, "no trades in %s '%s'",
			    kind ? "strategy" : "symbol", name);
}

PAPER_API size_t paper_metrics_equity_count(const paper_metrics *m)
{
	return m ? m->n_points : 0;
}

PAPER_API int paper_metrics_equity_at(const paper_metrics *m, size_t index,
				      paper_equity_point *out)
{
	PAPER__CHECK_NULL(m, "metrics");
	PAPER__CHECK_NULL(out, "out");
	if (out->version != PAPER_EQUITY_POINT_VERSION)
		return paper__error(PAPER_EVERSION, "paper_equity_point version %u unsupported "
				    "(expected %u)", out->version, PAPER_EQUITY_POINT_VERSION);
	if (index >= m->n_points)
		return paper__error(PAPER_ERANGE, "equity index %zu >= %zu", index, m->n_points);
	out->ts = m->ts[index];
	out->equity = m->equity[index];
	out->cash = m->cash[index];
	out->drawdown = m->drawdown[index];
	return PAPER_OK;
}

PAPER_API size_t paper_metrics_return_count(const paper_metrics *m)
{
	return m && m->n_points ? m->n_points - 1 : 0;
}

PAPER_API int paper_metrics_return_at(const paper_metrics *m, size_t index, double *out)
{
	PAPER__CHECK_NULL(m, "metrics");
	PAPER__CHECK_NULL(out, "out");
	if (index >= paper_metrics_return_count(m))
		return paper__error(PAPER_ERANGE, "return index %zu >= %zu", index,
				    paper_metrics_return_count(m));
	*out = m->returns[index];
	return PAPER_OK;
}

/* ---- copies ---- */

static bool clone_groups(paper_metrics *c, const paper_metrics *m, int kind)
{
	size_t n = m->n_by[kind];

	c->by[kind] = g_try_new0(metrics_group, n ? n : 1);
	if (c->by[kind] == NULL)
		return false;
	c->n_by[kind] = n;
	for (size_t j = 0; j < n; j++) {
		c->by[kind][j].stats = m->by[kind][j].stats;
		c->by[kind][j].name = g_strdup(m->by[kind][j].name);
	}
	return true;
}

static void *dup_array(const void *p, size_t n, size_t size)
{
	return g_memdup2(p, (n ? n : 1) * size);
}

paper_metrics *metrics_clone(const paper_metrics *m)
{
	paper_metrics *c = g_try_new0(paper_metrics, 1);
	if (c == NULL)
		return NULL;
	*c = *m;
	c->by[0] = c->by[1] = NULL;
	c->n_by[0] = c->n_by[1] = 0;
	size_t n = m->n_points, nr = n ? n - 1 : 0;
	c->ts = dup_array(m->ts, n, sizeof *m->ts);
	c->equity = dup_array(m->equity, n, sizeof *m->equity);
	c->cash = dup_array(m->cash, n, sizeof *m->cash);
	c->drawdown = dup_array(m->drawdown, n, sizeof *m->drawdown);
	c->returns = dup_array(m->returns, nr, sizeof *m->returns);
	if (!clone_groups(c, m, 0) || !clone_groups(c, m, 1)) {
		paper_metrics_free(c);
		return NULL;
	}
	return c;
}
