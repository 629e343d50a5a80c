/*
 * Series statistics: the one-pass kernel behind the pure functions, the accumulator and the
 * report, and the pure functions themselves (empyrical's names and definitions).
 *
 * Moments are kept as count, mean and centered second moment. One value at a time they are
 * updated by Welford's rule; arrays go in blocks whose moments are computed exactly in cache
 * (corrected two-pass) and merged by Chan's rule, which needs no division per value and lets
 * the compiler keep several sums in flight. Both are stable: they agree to rounding.
 */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "metrics/metrics.h"

#define BLOCK 256
/* A Julian year, for calendar-time annualization. */
#define YEAR_US (365.25 * 86400.0 * 1e6)

const metrics_key series_keys[] = {
#define X(name, kind) { #name, offsetof(series_result, name), kind },
	SERIES_KEYS(X)
#undef X
};
const size_t n_series_keys = sizeof series_keys / sizeof series_keys[0];

/* ---- moments ---- */

static void moments_init(moments *m)
{
	memset(m, 0, sizeof *m);
	m->min = INFINITY;
	m->max = -INFINITY;
}

static inline void moments_add_one(moments *m, double r, double req)
{
	m->n++;
	double d = r - m->mean;
	m->mean += d / (double)m->n;
	m->m2 += d * (r - m->mean);
	m->min = r < m->min ? r : m->min;
	m->max = r > m->max ? r : m->max;
	double down = r - req < 0 ? r - req : 0.0;
	m->down_ss += down * down;
}

/*
 * Two doubles per SIMD register with GCC's generic vectors (SSE2 on baseline x86-64, NEON on
 * arm64), two registers per sum so the additions overlap. Summing in lanes changes only the
 * order of additions.
 */
__extension__ typedef double v2d __attribute__((vector_size(16)));
__extension__ typedef int64_t v2i __attribute__((vector_size(16)));

static inline v2d v2_load(const double *p)
{
	v2d x;
	memcpy(&x, p, sizeof x);
	return x;
}

static inline void v2_store(double *p, v2d x)
{
	memcpy(p, &x, sizeof x);
}

static inline v2d v2_splat(double a)
{
	return (v2d){ a, a };
}

/* m ? a : b, lane by lane; m lanes are all ones or all zeros. */
static inline v2d v2_select(v2i m, v2d a, v2d b)
{
	return (v2d)(((v2i)a & m) | ((v2i)b & ~m));
}

static inline double v2_sum(v2d x, v2d y)
{
	double t[2], u[2];
	memcpy(t, &x, sizeof t);
	memcpy(u, &y, sizeof u);
	return (t[0] + u[0]) + (t[1] + u[1]);
}

static inline double v2_min(v2d x, v2d y)
{
	double t[2], u[2];
	memcpy(t, &x, sizeof t);
	memcpy(u, &y, sizeof u);
	return fmin(fmin(t[0], t[1]), fmin(u[0], u[1]));
}

static inline double v2_max(v2d x, v2d y)
{
	double t[2], u[2];
	memcpy(t, &x, sizeof t);
	memcpy(u, &y, sizeof u);
	return fmax(fmax(t[0], t[1]), fmax(u[0], u[1]));
}

/* One step of block_pass1 on two lanes. */
static inline void pass1_step(v2d x, v2d target, v2d *s, v2d *d, v2d *mn, v2d *mx)
{
	const v2d zero = v2_splat(0.0);
	v2d e = x - target;

	*s += x;
	e = v2_select(e < zero, e, zero);
	*d += e * e;
	*mn = v2_select(x < *mn, x, *mn);
	*mx = v2_select(x > *mx, x, *mx);
}

/* Sum, extremes and downside squares of a block. */
static void block_pass1(const double *r, size_t k, double req, double *sum, double *lo,
			double *hi, double *down_ss)
{
	const v2d target = v2_splat(req);
	v2d s0 = v2_splat(0.0), s1 = s0, d0 = s0, d1 = s0;
	v2d mn0 = v2_splat(INFINITY), mn1 = mn0, mx0 = v2_splat(-INFINITY), mx1 = mx0;
	size_t j = 0;

	for (; j + 4 <= k; j += 4) {
		pass1_step(v2_load(r + j), target, &s0, &d0, &mn0, &mx0);
		pass1_step(v2_load(r + j + 2), target, &s1, &d1, &mn1, &mx1);
	}
	double ts = 0, td = 0, tmn = INFINITY, tmx = -INFINITY;
	for (; j < k; j++) {
		double x = r[j], e = x - req < 0 ? x - req : 0.0;
		ts += x;
		td += e * e;
		tmn = x < tmn ? x : tmn;
		tmx = x > tmx ? x : tmx;
	}
	*sum = v2_sum(s0, s1) + ts;
	*down_ss = v2_sum(d0, d1) + td;
	*lo = fmin(v2_min(mn0, mn1), tmn);
	*hi = fmax(v2_max(mx0, mx1), tmx);
}

/* Centered second moment around mean, with the correction term of the two-pass method. */
static double block_m2(const double *r, size_t k, double mean)
{
	const v2d mu = v2_splat(mean);
	v2d q0 = v2_splat(0.0), q1 = q0, c0 = q0, c1 = q0;
	double tq = 0, tc = 0;
	size_t j = 0;

	for (; j + 4 <= k; j += 4) {
		v2d e0 = v2_load(r + j) - mu, e1 = v2_load(r + j + 2) - mu;
		q0 += e0 * e0;
		q1 += e1 * e1;
		c0 += e0;
		c1 += e1;
	}
	for (; j < k; j++) {
		double e = r[j] - mean;
		tq += e * e;
		tc += e;
	}
	double cs = v2_sum(c0, c1) + tc;
	double m2 = v2_sum(q0, q1) + tq - cs * cs / (double)k;
	return m2 > 0 ? m2 : 0.0;
}

/* Whether the block looks like returns of valid values: a finite sum, all above -1. */
static bool moments_add_block(moments *m, const double *r, size_t k, double req)
{
	double sum, lo, hi, down_ss;

	block_pass1(r, k, req, &sum, &lo, &hi, &down_ss);
	double mean_b = sum / (double)k;
	double m2_b = block_m2(r, k, mean_b);
	double na = (double)m->n, nb = (double)k, n = na + nb;
	double delta = mean_b - m->mean;

	/* Chan, Golub and LeVeque: merge two sets' moments. */
	m->mean += delta * (nb / n);
	m->m2 += m2_b + delta * delta * (na * nb / n);
	m->n += k;
	m->min = lo < m->min ? lo : m->min;
	m->max = hi > m->max ? hi : m->max;
	m->down_ss += down_ss;
	return isfinite(sum) && lo > -1.0;
}

/* ---- drawdown ---- */

static void drawdown_init(drawdown *d)
{
	memset(d, 0, sizeof *d);
	d->peak = -INFINITY;
	d->recovered = true; /* nothing to recover from yet */
}

/* Peak: last time at the running high; trough: first time at the low (as pyfolio). */
static inline void drawdown_step(drawdown *d, paper_ts ts, double v)
{
	if (v >= d->peak) {
		if (d->underwater) {
			/* Unsigned: exact for any ts >= peak_ts, where int64 could overflow. */
			uint64_t len = (uint64_t)ts - (uint64_t)d->peak_ts;
			d->longest = len > d->longest ? len : d->longest;
			d->underwater = false;
			if (!d->recovered) {
				d->recovered = true;
				d->dd_recovery_ts = ts;
			}
		}
		d->peak = v;
		d->peak_ts = ts;
		return;
	}
	d->underwater = true;
	double x = (v - d->peak) / d->peak;
	if (x < d->max_dd) {
		d->max_dd = x;
		d->has_dd = true;
		d->recovered = false;
		d->dd_peak_ts = d->peak_ts;
		d->dd_trough_ts = ts;
	}
}

/* ---- series state ---- */

void series_init(series_state *s, const paper_metrics_options *o)
{
	memset(s, 0, sizeof *s);
	s->o = *o;
	s->mode = SERIES_EMPTY;
	moments_init(&s->mo);
	drawdown_init(&s->dd);
	calendar_init(&s->cal);
	s->first = s->last = NAN;
}

static int check_mode(const series_state *s, series_mode want)
{
	if (s->mode != SERIES_EMPTY && s->mode != want)
		return paper__error(PAPER_ESTATE, "the accumulator holds %s; it cannot take %s too",
				    s->mode == SERIES_RETURNS ? "returns" : "equity points",
				    want == SERIES_RETURNS ? "returns" : "equity points");
	if (want == SERIES_RETURNS && s->o.years_basis == PAPER_YEARS_CALENDAR)
		return paper__error(PAPER_ESTATE, "calendar years need timestamps: add equity "
				    "points, or use the periods years basis");
	return PAPER_OK;
}

/* A returns series starts at value 1, point number 0. */
static void start_returns(series_state *s)
{
	s->mode = SERIES_RETURNS;
	if (s->points)
		return;
	s->points = 1;
	s->first = s->last = 1.0;
	s->first_ts = s->last_ts = 0;
	drawdown_step(&s->dd, 0, 1.0);
}

int series_add_return(series_state *s, double r)
{
	int rc = check_mode(s, SERIES_RETURNS);
	if (rc != PAPER_OK)
		return rc;
	if (!isfinite(r))
		return paper__error(PAPER_EINVAL, "return must be finite (got %g)", r);
	start_returns(s);
	moments_add_one(&s->mo, r, s->o.required_return);
	s->last *= 1.0 + r;
	s->last_ts = (paper_ts)s->points++;
	drawdown_step(&s->dd, s->last_ts, s->last);
	return PAPER_OK;
}

static int first_bad_return(const double *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(r[i]))
			return paper__error(PAPER_EINVAL, "returns[%zu] must be finite (got %g)", i,
					    r[i]);
	return PAPER_OK;
}

int series_add_returns(series_state *s, const double *r, size_t n)
{
	int rc = check_mode(s, SERIES_RETURNS);
	if (rc != PAPER_OK || n == 0)
		return rc;
	PAPER__CHECK_NULL(r, "returns");
	if ((rc = first_bad_return(r, n)))
		return rc;
	start_returns(s);
	for (size_t i = 0; i < n; i += BLOCK) {
		size_t k = n - i < BLOCK ? n - i : BLOCK;
		moments_add_block(&s->mo, r + i, k, s->o.required_return);
		double v = s->last;
		paper_ts p = s->last_ts;
		for (size_t j = 0; j < k; j++) {
			v *= 1.0 + r[i + j];
			drawdown_step(&s->dd, ++p, v);
		}
		s->last = v;
		s->last_ts = p;
		s->points += k;
	}
	return PAPER_OK;
}

/* Take a point into the statistics (after resampling). */
static void commit_point(series_state *s, paper_ts ts, double v)
{
	if (s->points)
		moments_add_one(&s->mo, v / s->last - 1.0, s->o.required_return);
	else {
		s->first = v;
		s->first_ts = ts;
	}
	s->points++;
	s->last = v;
	s->last_ts = ts;
	drawdown_step(&s->dd, ts, v);
	if (s->o.periods_per_year == 0)
		calendar_add(&s->cal, ts);
}

static paper_ts latest_ts(const series_state *s)
{
	return s->has_pending ? s->pending_ts : s->points ? s->last_ts : INT64_MIN;
}

static int check_point(const series_state *s, paper_ts ts, double v, size_t i, bool array)
{
	char where[48] = "";

	if (array)
		snprintf(where, sizeof where, " at index %zu", i);
	if (!(v > 0.0) || !isfinite(v))
		return paper__error(PAPER_EINVAL, "equity%s must be finite and > 0 (got %g)", where,
				    v);
	if (ts < latest_ts(s))
		return paper__error(PAPER_ETIME, "equity time %" PRId64 "%s is before the previous "
				    "point at %" PRId64, ts, where, latest_ts(s));
	return PAPER_OK;
}

/* Resampling keeps each period's last point: it is held until a later period starts. */
static void resample_point(series_state *s, paper_ts ts, double v)
{
	paper_ts period = s->o.resample_period;

	if (s->has_pending &&
	    series_bucket(ts, period) != series_bucket(s->pending_ts, period))
		commit_point(s, s->pending_ts, s->pending);
	s->has_pending = true;
	s->pending = v;
	s->pending_ts = ts;
}

int series_add_point(series_state *s, paper_ts ts, double v)
{
	int rc = check_mode(s, SERIES_EQUITY);
	if (rc == PAPER_OK)
		rc = check_point(s, ts, v, 0, false);
	if (rc != PAPER_OK)
		return rc;
	s->mode = SERIES_EQUITY;
	if (s->o.resample_period > 0)
		resample_point(s, ts, v);
	else
		commit_point(s, ts, v);
	return PAPER_OK;
}

/* The drawdown over a block, its state in registers rather than behind a pointer; whether the
   times never go back (checked here, where they are read anyway). */
static bool drawdown_block(drawdown *d, paper_ts prev_ts, const paper_ts *ts, const double *v,
			   size_t k)
{
	drawdown x = *d;
	int late = 0;

	for (size_t i = 0; i < k; i++) {
		late |= ts[i] < prev_ts;
		prev_ts = ts[i];
		drawdown_step(&x, ts[i], v[i]);
	}
	*d = x;
	return !late;
}

static inline bool valid_equity(double v)
{
	return v > 0.0 && v <= DBL_MAX;
}

/* r[i] = v[i] / v[i - 1] - 1, with prev before v[0]. */
static void block_returns(double *r, const double *v, size_t k, double prev)
{
	const v2d one = v2_splat(1.0);
	size_t i = 1;

	r[0] = v[0] / prev - 1.0;
	for (; i + 2 <= k; i += 2)
		v2_store(r + i, v2_load(v + i) / v2_load(v + i - 1) - one);
	for (; i < k; i++)
		r[i] = v[i] / v[i - 1] - 1.0;
}

static bool values_valid(const double *v, size_t k)
{
	for (size_t i = 0; i < k; i++)
		if (!valid_equity(v[i]))
			return false;
	return true;
}

/*
 * k points (k <= BLOCK) into the statistics: returns in one go, then the drawdown. Whether
 * they were all valid; if not, s holds garbage and the caller throws it away.
 */
static bool points_block(series_state *s, const paper_ts *ts, const double *v, size_t k)
{
	double r[BLOCK];
	size_t j = 0;
	bool ok = true;

	if (s->points == 0) {
		ok = valid_equity(v[0]);
		commit_point(s, ts[0], v[0]);
		j = 1;
	}
	if (j == k)
		return ok;
	block_returns(r, v + j, k - j, s->last);
	/*
	 * The value before the block is valid, so the first bad one shows in the returns: <= 0
	 * gives r <= -1, NaN or infinity a sum that is not finite. Only then check each value
	 * (a valid fall by a factor over 1e16 also rounds to r = -1).
	 */
	if (!moments_add_block(&s->mo, r, k - j, s->o.required_return))
		ok &= values_valid(v + j, k - j);
	ok &= drawdown_block(&s->dd, s->last_ts, ts + j, v + j, k - j);
	if (s->o.periods_per_year == 0)
		for (size_t i = j; i < k; i++)
			calendar_add(&s->cal, ts[i]);
	s->points += k - j;
	s->last = v[k - 1];
	s->last_ts = ts[k - 1];
	return ok;
}

/* The first point of a block that points_block() refused, named with its index in the array. */
static int block_error(paper_ts prev_ts, const paper_ts *ts, const double *v, size_t k,
		       size_t base)
{
	for (size_t j = 0; j < k; j++) {
		if (!valid_equity(v[j]))
			return paper__error(PAPER_EINVAL, "equity at index %zu must be finite and "
					    "> 0 (got %g)", base + j, v[j]);
		if (ts[j] < prev_ts)
			return paper__error(PAPER_ETIME, "equity time %" PRId64 " at index %zu is "
					    "before the previous point at %" PRId64, ts[j],
					    base + j, prev_ts);
		prev_ts = ts[j];
	}
	return paper__error(PAPER_EINVAL, "equity points from index %zu refused", base);
}

/* Works on a copy (series_add_points), so it may stop half-way. */
static int add_points_direct(series_state *s, const paper_ts *ts, const double *v, size_t n)
{
	for (size_t i = 0; i < n; i += BLOCK) {
		size_t k = n - i < BLOCK ? n - i : BLOCK;
		paper_ts prev = latest_ts(s);
		if (!points_block(s, ts + i, v + i, k))
			return block_error(prev, ts + i, v + i, k, i);
	}
	return PAPER_OK;
}

static int add_points_resampled(series_state *s, const paper_ts *ts, const double *v, size_t n)
{
	paper_ts cts[BLOCK];
	double cv[BLOCK];
	size_t k = 0;
	paper_ts period = s->o.resample_period;

	for (size_t i = 0; i < n; i++) {
		int rc = check_point(s, ts[i], v[i], i, true);
		if (rc != PAPER_OK)
			return rc;
		if (s->has_pending &&
		    series_bucket(ts[i], period) != series_bucket(s->pending_ts, period)) {
			cts[k] = s->pending_ts;
			cv[k++] = s->pending;
			if (k == BLOCK) {
				(void)points_block(s, cts, cv, k); /* checked above */
				k = 0;
			}
		}
		s->has_pending = true;
		s->pending = v[i];
		s->pending_ts = ts[i];
	}
	if (k)
		(void)points_block(s, cts, cv, k);
	return PAPER_OK;
}

int series_add_points(series_state *s, const paper_ts *ts, const double *v, size_t n)
{
	int rc = check_mode(s, SERIES_EQUITY);
	if (rc != PAPER_OK || n == 0)
		return rc;
	PAPER__CHECK_NULL(ts, "ts");
	PAPER__CHECK_NULL(v, "equity");
	/* Work on a copy so an error half-way leaves s as it was. */
	series_state t = *s;
	t.mode = SERIES_EQUITY;
	rc = t.o.resample_period > 0 ? add_points_resampled(&t, ts, v, n)
				     : add_points_direct(&t, ts, v, n);
	if (rc == PAPER_OK)
		*s = t;
	return rc;
}

/* ---- statistics ---- */

/* b - a for b >= a, exact even where int64 subtraction would overflow. */
static uint64_t span(paper_ts a, paper_ts b)
{
	return (uint64_t)b - (uint64_t)a;
}

static double annual_growth(double growth, double years)
{
	if (!(years > 0) || !(growth >= 0))
		return NAN;
	return pow(growth, 1.0 / years) - 1.0;
}

static void finish_drawdown(const series_state *s, series_result *out)
{
	const drawdown *d = &s->dd;
	/* Durations in seconds for timestamps, in periods for point numbers. */
	double unit = s->mode == SERIES_EQUITY ? (double)PAPER_TS_PER_SECOND : 1.0;

	out->max_drawdown = d->has_dd ? d->max_dd : 0.0;
	out->max_drawdown_peak_ts = d->has_dd ? (double)d->dd_peak_ts : NAN;
	out->max_drawdown_trough_ts = d->has_dd ? (double)d->dd_trough_ts : NAN;
	out->max_drawdown_recovery_ts = d->has_dd && d->recovered ? (double)d->dd_recovery_ts
								  : NAN;
	paper_ts dd_end = d->recovered ? d->dd_recovery_ts : s->last_ts;
	out->max_drawdown_duration = d->has_dd ? (double)span(d->dd_peak_ts, dd_end) / unit : 0.0;
	uint64_t open = d->underwater ? span(d->peak_ts, s->last_ts) : 0;
	out->longest_drawdown_duration = (double)(open > d->longest ? open : d->longest) / unit;
}

static void finish_empty(series_result *out)
{
	const double nan = NAN;

	for (size_t i = 0; i < n_series_keys; i++)
		memcpy((char *)out + series_keys[i].offset, &nan, sizeof nan);
}

/* The options with periods_per_year from the data when it is 0: returns have no calendar. */
static paper_metrics_options resolved(const series_state *s)
{
	paper_metrics_options o = s->o;

	if (o.periods_per_year == 0)
		o.periods_per_year = s->mode == SERIES_EQUITY ? calendar_periods_per_year(&s->cal)
							      : PAPER_PERIODS_PER_YEAR_DAILY;
	return o;
}

/*
 * As empyrical's calmar_ratio: only a series that fell has a Calmar ratio (NaN with no
 * drawdown), and an infinite quotient (an annual return that overflowed) is NaN too.
 */
static double calmar(double annual_return, double max_drawdown)
{
	if (!(max_drawdown < 0.0))
		return NAN;
	double r = annual_return / fabs(max_drawdown);
	return isinf(r) ? NAN : r;
}

static void finish_returns(const series_state *s, series_result *out)
{
	const moments *m = &s->mo;
	const paper_metrics_options ro = resolved(s), *o = &ro;
	double n = (double)m->n, sq = sqrt(o->periods_per_year);
	/* Equal values: the mean is that value and the spread is exactly zero. */
	bool flat = m->min == m->max;
	double mean = flat ? m->min : m->mean;
	double std = n < 2 ? NAN : flat ? 0.0 : sqrt(m->m2 / (n - (double)o->ddof));

	out->periods = n;
	out->mean_return = mean;
	out->annual_volatility = std * sq;
	out->sharpe_ratio = n < 2 ? NAN : metrics_ratio(mean - o->risk_free, std) * sq;
	out->downside_risk = sqrt(m->down_ss / n) * sq;
	out->sortino_ratio = n < 2 ? NAN : metrics_ratio((mean - o->required_return) *
						 o->periods_per_year, out->downside_risk);
	double growth = s->last / s->first;
	out->total_return = growth - 1.0;
	out->years = o->years_basis == PAPER_YEARS_CALENDAR
		? (double)span(s->first_ts, s->last_ts) / YEAR_US : n / o->periods_per_year;
	out->annual_return = annual_growth(growth, out->years);
	out->cagr = out->annual_return;
	finish_drawdown(s, out);
	out->calmar_ratio = calmar(out->annual_return, out->max_drawdown);
}

void series_finish(const series_state *s, series_result *out)
{
	series_state t = *s;

	if (t.has_pending) {
		commit_point(&t, t.pending_ts, t.pending);
		t.has_pending = false;
	}
	finish_empty(out);
	out->equity_points = (double)t.points;
	out->periods = 0;
	if (t.points) {
		out->start_ts = (double)t.first_ts;
		out->end_ts = (double)t.last_ts;
		out->start_equity = t.first;
		out->end_equity = t.last;
	}
	if (t.mo.n)
		finish_returns(&t, out);
}

/* ---- pure functions ---- */

static int pure_stats(const double *r, size_t n, double rf, double req, double ppy,
		      series_result *out)
{
	paper_metrics_options o = PAPER_METRICS_OPTIONS_INIT;
	series_state s;

	if (!isfinite(ppy) || ppy <= 0)
		return paper__error(PAPER_EINVAL, "periods_per_year must be finite and > 0 (got %g)",
				    ppy);
	if (!isfinite(rf) || !isfinite(req))
		return paper__error(PAPER_EINVAL, "risk-free and required returns must be finite "
				    "(got %g, %g)", rf, req);
	o.periods_per_year = ppy;
	o.risk_free = rf;
	o.required_return = req;
	series_init(&s, &o);
	int rc = dist_trim(&r, &n, "returns");
	if (rc == PAPER_OK)
		rc = series_add_returns(&s, r, n);
	if (rc == PAPER_OK)
		series_finish(&s, out);
	return rc;
}

#define PURE(out, expr, field)                                                             \
	do {                                                                               \
		PAPER__CHECK_NULL(out, "out");                                             \
		series_result res_;                                                        \
		int rc_ = (expr);                                                          \
		if (rc_ == PAPER_OK)                                                       \
			*(out) = res_.field;                                               \
		return rc_;                                                                \
	} while (0)

PAPER_API int paper_sharpe_ratio(double *out, const double *returns, size_t n, double risk_free,
				 double periods_per_year)
{
	PURE(out, pure_stats(returns, n, risk_free, 0, periods_per_year, &res_), sharpe_ratio);
}

PAPER_API int paper_sortino_ratio(double *out, const double *returns, size_t n,
				  double required_return, double periods_per_year)
{
	PURE(out, pure_stats(returns, n, 0, required_return, periods_per_year, &res_),
	     sortino_ratio);
}

PAPER_API int paper_downside_risk(double *out, const double *returns, size_t n,
				  double required_return, double periods_per_year)
{
	PURE(out, pure_stats(returns, n, 0, required_return, periods_per_year, &res_),
	     downside_risk);
}

PAPER_API int paper_annual_volatility(double *out, const double *returns, size_t n,
				      double periods_per_year)
{
	PURE(out, pure_stats(returns, n, 0, 0, periods_per_year, &res_), annual_volatility);
}

PAPER_API int paper_annual_return(double *out, const double *returns, size_t n,
				  double periods_per_year)
{
	PURE(out, pure_stats(returns, n, 0, 0, periods_per_year, &res_), annual_return);
}

PAPER_API int paper_cagr(double *out, const double *returns, size_t n, double periods_per_year)
{
	return paper_annual_return(out, returns, n, periods_per_year);
}

PAPER_API int paper_max_drawdown(double *out, const double *returns, size_t n)
{
	PURE(out, pure_stats(returns, n, 0, 0, PAPER_PERIODS_PER_YEAR_DAILY, &res_),
	     max_drawdown);
}

PAPER_API int paper_calmar_ratio(double *out, const double *returns, size_t n,
				 double periods_per_year)
{
	PURE(out, pure_stats(returns, n, 0, 0, periods_per_year, &res_), calmar_ratio);
}

PAPER_API int paper_simple_returns(double *out, const double *values, size_t n)
{
	if (n == 0)
		return PAPER_OK;
	PAPER__CHECK_NULL(values, "values");
	for (size_t i = 0; i < n; i++)
		if (!(values[i] > 0.0) || !isfinite(values[i]))
			return paper__error(PAPER_EINVAL, "values[%zu] must be finite and > 0 "
					    "(got %g)", i, values[i]);
	if (n < 2)
		return PAPER_OK;
	PAPER__CHECK_NULL(out, "out");
	for (size_t i = 1; i < n; i++)
		out[i - 1] = values[i] / values[i - 1] - 1.0;
	return PAPER_OK;
}
