/*
 * A report against a benchmark: alpha, beta and the information ratio of the report's returns
 * and a benchmark's, paired by period. Pairing by resampling period (the same UTC day with
 * the default daily closes) is what aligning two daily pandas Series on their dates does.
 */
#include <glib.h>
#include <inttypes.h>
#include <math.h>

#include "base/error.h"
#include "metrics/metrics.h"

static int check_benchmark(const paper_ts *ts, const double *r, size_t n, size_t *first)
{
	const double *p = r;
	size_t k = n;
	int rc = dist_trim(&p, &k, "benchmark");

	if (rc != PAPER_OK)
		return rc;
	if (n)
		PAPER__CHECK_NULL(ts, "ts");
	for (size_t i = 1; i < n; i++)
		if (ts[i] < ts[i - 1])
			return paper__error(PAPER_ETIME, "benchmark ts[%zu] = %" PRId64 " is before "
					    "ts[%zu] = %" PRId64, i, ts[i], i - 1, ts[i - 1]);
	*first = n - k;
	return PAPER_OK;
}

/* Whether two times fall in the same period (the same time when the period is 0). */
static int64_t key_of(paper_ts ts, paper_ts period)
{
	return period > 0 ? series_bucket(ts, period) : ts;
}

/*
 * Pairs (report return, benchmark return) merged by period key: a report return is keyed by
 * its end point. When several benchmark returns share a period, the last one counts, as the
 * report keeps the last point of each period.
 */
static size_t pair_up(const paper_metrics *m, const paper_ts *ts, const double *r, size_t n,
		      double *pr, double *pb)
{
	paper_ts period = m->o.resample_period;
	size_t nr = m->n_points ? m->n_points - 1 : 0, i = 0, j = 0, k = 0;

	while (i < nr && j < n) {
		int64_t a = key_of(m->ts[i + 1], period), b = key_of(ts[j], period);
		if (j + 1 < n && key_of(ts[j + 1], period) == b) {
			j++;
			continue;
		}
		if (a < b) {
			i++;
		} else if (b < a) {
			j++;
		} else {
			pr[k] = m->returns[i++];
			pb[k++] = r[j++];
		}
	}
	return k;
}

PAPER_API int paper_metrics_with_benchmark(paper_metrics **out, const paper_metrics *m,
					   const paper_ts *ts, const double *returns, size_t n)
{
	PAPER__CHECK_NULL(out, "out");
	PAPER__CHECK_NULL(m, "metrics");
	size_t first = 0;
	int rc = check_benchmark(ts, returns, n, &first);
	if (rc != PAPER_OK)
		return rc;
	size_t cap = m->n_points ? m->n_points : 1;
	double *pr = g_try_new(double, cap), *pb = g_try_new(double, cap);
	paper_metrics *c = pr && pb ? metrics_clone(m) : NULL;
	if (c == NULL) {
		g_free(pr);
		g_free(pb);
		return paper__error(PAPER_ENOMEM, "out of memory for a report with a benchmark");
	}
	size_t k = n > first ? pair_up(m, ts + first, returns + first, n - first, pr, pb) : 0;
	dist_alpha_beta(pr, pb, k, m->o.risk_free, m->o.periods_per_year, &c->dist.alpha,
			&c->dist.beta);
	c->dist.information_ratio = dist_excess_sharpe(pr, pb, k);
	g_free(pr);
	g_free(pb);
	*out = c;
	return PAPER_OK;
}
