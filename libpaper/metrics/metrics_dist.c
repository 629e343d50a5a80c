/*
 * Statistics of the whole distribution of returns: the ones empyrical defines over an array
 * (alpha and beta, excess Sharpe, omega, tail ratio, value at risk, stability), pandas' skew
 * and kurtosis, and quantstats' per-period ones (best and worst period, exposure, streaks,
 * ulcer index, recovery factor). They need every return at once, so the report computes them
 * from its returns and the pure functions from their arrays; the accumulator does not.
 *
 * Where a tool gives a value for an edge case, this gives the same one; docs/metrics.md
 * lists each.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "metrics/metrics.h"

const metrics_key dist_keys[] = {
#define X(name, kind) { #name, offsetof(dist_result, name), kind },
	DIST_KEYS(X)
#undef X
};
const size_t n_dist_keys = sizeof dist_keys / sizeof dist_keys[0];

/* pandas counts a sum of squares below this as rounding error, i.e. zero. */
#define PANDAS_FPERR 1e-14
/* empyrical's beta treats a benchmark variance below this as none. */
#define BETA_MIN_VARIANCE 1.0e-30


/* ---- moments ---- */

static double mean_of(const double *r, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += r[i];
	return s / (double)n;
}

/* Sums of the 2nd, 3rd and 4th powers of the deviations from the mean (pandas' order). */
static void central_sums(const double *r, size_t n, double *m2, double *m3, double *m4)
{
	double mu = mean_of(r, n), s2 = 0, s3 = 0, s4 = 0;

	for (size_t i = 0; i < n; i++) {
		double d = r[i] - mu, d2 = d * d;
		s2 += d2;
		s3 += d2 * d;
		s4 += d2 * d2;
	}
	*m2 = s2;
	*m3 = s3;
	*m4 = s4;
}

static double fperr(double x)
{
	return fabs(x) < PANDAS_FPERR ? 0.0 : x;
}

static double skew_of(const double *r, size_t n)
{
	double m2, m3, m4, c = (double)n;

	if (n < 3)
		return NAN;
	central_sums(r, n, &m2, &m3, &m4);
	m2 = fperr(m2);
	m3 = fperr(m3);
	if (m2 == 0)
		return 0.0;
	return (c * sqrt(c - 1) / (c - 2)) * (m3 / pow(m2, 1.5));
}

static double kurtosis_of(const double *r, size_t n)
{
	double m2, m3, m4, c = (double)n;

	if (n < 4)
		return NAN;
	central_sums(r, n, &m2, &m3, &m4);
	double adj = 3 * (c - 1) * (c - 1) / ((c - 2) * (c - 3));
	double num = fperr(c * (c + 1) * (c - 1) * m4);
	double den = fperr((c - 2) * (c - 3) * m2 * m2);
	if (den == 0)
		return 0.0;
	return num / den - adj;
}

/* ---- order statistics ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* numpy's linear percentile of sorted s, q in [0, 1], including its lerp rounding. */
static double percentile_sorted(const double *s, size_t n, double q)
{
	double pos = q * (double)(n - 1);
	size_t lo = (size_t)floor(pos);
	double t = pos - (double)lo;

	if (lo + 1 >= n)
		return s[n - 1];
	double a = s[lo], b = s[lo + 1], diff = b - a;
	return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

static double *sorted_copy(double *scratch, const double *r, size_t n)
{
	memcpy(scratch, r, n * sizeof *r);
	qsort(scratch, n, sizeof *scratch, cmp_double);
	return scratch;
}

static double cvar_sorted(const double *s, size_t n, double cutoff)
{
	size_t k = (size_t)floor((double)(n - 1) * cutoff);
	return mean_of(s, k + 1);
}

/* ---- regression and omega ---- */

static double stability_of(const double *r, size_t n)
{
	if (n < 2)
		return NAN;
	/* Means first, then the centered sums: as numpy's cov(bias=True) inside linregress. */
	double y = 0, ysum = 0;
	for (size_t i = 0; i < n; i++) {
		if (!(r[i] > -1.0))
			return NAN;
		y += log1p(r[i]);
		ysum += y;
	}
	double xm = (double)(n - 1) / 2, ym = ysum / (double)n, sxx = 0, sxy = 0, syy = 0;
	y = 0;
	for (size_t i = 0; i < n; i++) {
		y += log1p(r[i]);
		double dx = (double)i - xm, dy = y - ym;
		sxx += dx * dx;
		sxy += dx * dy;
		syy += dy * dy;
	}
	if (sxx * syy == 0)
		return 0.0;
	double rr = sxy / sqrt(sxx * syy);
	rr = rr > 1 ? 1 : rr < -1 ? -1 : rr;
	return rr * rr;
}

/* Gains over losses around a per-period threshold; NaN without a loss (empyrical). */
static double omega_of(const double *r, size_t n, double threshold)
{
	double up = 0, down = 0;

	if (n < 2)
		return NAN;
	for (size_t i = 0; i < n; i++) {
		double x = r[i] - threshold;
		if (x > 0)
			up += x;
		else if (x < 0)
			down -= x;
	}
	return down > 0 ? up / down : NAN;
}

/* ---- benchmark ---- */

void dist_alpha_beta(const double *r, const double *b, size_t n, double rf, double ppy,
		     double *alpha, double *beta)
{
	*alpha = *beta = NAN;
	if (n < 2)
		return;
	/* Only the benchmark is centered: mean((b - mean b) r) is the covariance. */
	double bm = mean_of(b, n), cov = 0, var = 0;
	for (size_t i = 0; i < n; i++) {
		double d = b[i] - bm;
		cov += d * r[i];
		var += d * d;
	}
	cov /= (double)n;
	var /= (double)n;
	if (!(var >= BETA_MIN_VARIANCE))
		return;
	double bt = cov / var, s = 0;
	for (size_t i = 0; i < n; i++)
		s += (r[i] - rf) - bt * (b[i] - rf);
	*beta = bt;
	*alpha = pow(1 + s / (double)n, ppy) - 1;
}

double dist_excess_sharpe(const double *r, const double *b, size_t n)
{
	if (n < 2)
		return NAN;
	double m = 0, ss = 0;
	for (size_t i = 0; i < n; i++)
		m += r[i] - b[i];
	m /= (double)n;
	for (size_t i = 0; i < n; i++) {
		double d = (r[i] - b[i]) - m;
		ss += d * d;
	}
	return metrics_ratio(m, sqrt(ss / (double)(n - 1)));
}

/* ---- per-period statistics (quantstats) ---- */

static void streaks(const double *r, size_t n, double *wins, double *losses)
{
	size_t w = 0, l = 0, bw = 0, bl = 0;

	for (size_t i = 0; i < n; i++) {
		w = r[i] > 0 ? w + 1 : 0;
		l = r[i] < 0 ? l + 1 : 0;
		bw = w > bw ? w : bw;
		bl = l > bl ? l : bl;
	}
	*wins = (double)bw;
	*losses = (double)bl;
}

static double exposure_of(const double *r, size_t n)
{
	size_t k = 0;

	if (n == 0)
		return NAN;
	for (size_t i = 0; i < n; i++)
		k += r[i] != 0;
	return (double)k / (double)n;
}

/* sqrt(sum of squared drawdowns over the n points after the start / (n - 1)). */
static double ulcer_of(const double *dd, size_t n)
{
	double s = 0;

	if (n < 2)
		return NAN;
	for (size_t i = 1; i <= n; i++)
		s += dd[i] * dd[i];
	return sqrt(s / (double)(n - 1));
}

/* PSR(0) and MinTRL(0, 95%) of the returns in excess of rf (the Sharpe ratio's numerator). */
static void psr_of(dist_result *out, const double *r, size_t n, double rf, double *scratch)
{
	psr_input p;
	if (rf != 0) {
		for (size_t i = 0; i < n; i++)
			scratch[i] = r[i] - rf;
		r = scratch;
	}
	psr_moments(r, n, &p);
	out->probabilistic_sharpe_ratio = psr_value(&p, 0.0);
	out->min_track_record_length = psr_min_trl(&p, 0.0, PSR_REPORT_CONFIDENCE);
}

void dist_compute(dist_result *out, const double *r, size_t n, const double *dd, double max_dd,
		  double rf, double t, double *scratch)
{
	memset(out, 0, sizeof *out);
	out->alpha = out->beta = out->information_ratio = NAN;
	out->skew = skew_of(r, n);
	out->kurtosis = kurtosis_of(r, n);
	out->exposure = exposure_of(r, n);
	streaks(r, n, &out->consecutive_wins, &out->consecutive_losses);
	out->omega_ratio = omega_of(r, n, rf + t);
	out->stability_of_timeseries = stability_of(r, n);
	out->ulcer_index = ulcer_of(dd, n);
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += r[i];
	out->recovery_factor = n && max_dd < 0 ? fabs(sum) / fabs(max_dd) : NAN;
	psr_of(out, r, n, rf, scratch);
	if (n == 0) {
		out->best_day = out->worst_day = out->tail_ratio = NAN;
		out->value_at_risk = out->conditional_value_at_risk = NAN;
		return;
	}
	const double *s = sorted_copy(scratch, r, n);
	out->worst_day = s[0];
	out->best_day = s[n - 1];
	out->tail_ratio = metrics_ratio(fabs(percentile_sorted(s, n, 0.95)),
					fabs(percentile_sorted(s, n, 0.05)));
	out->value_at_risk = percentile_sorted(s, n, DIST_VAR_CUTOFF);
	out->conditional_value_at_risk = cvar_sorted(s, n, DIST_VAR_CUTOFF);
}

/* ---- pure functions ---- */

/* Leading NaNs of either series dropped, then each must be finite. */
static int trim2(const double **r, const double **b, size_t *n)
{
	size_t i = 0, k = *n;

	if (k && (*r == NULL || *b == NULL))
		return paper__error(PAPER_EINVAL, "returns and benchmark must not be NULL when "
				    "n > 0");
	while (i < k && (isnan((*r)[i]) || isnan((*b)[i])))
		i++;
	const double *rr = *r + i, *bb = *b + i;
	size_t m = k - i;
	int rc = dist_trim(&rr, &m, "returns");
	if (rc == PAPER_OK)
		rc = dist_trim(&bb, &m, "benchmark");
	if (rc != PAPER_OK)
		return rc;
	*r = rr;
	*b = bb;
	*n = m;
	return PAPER_OK;
}

static int check_ppy(double ppy)
{
	if (!isfinite(ppy) || ppy <= 0)
		return paper__error(PAPER_EINVAL, "periods_per_year must be finite and > 0 (got %g)",
				    ppy);
	return PAPER_OK;
}

PAPER_API int paper_alpha_beta(double *alpha_out, double *beta_out, const double *returns,
			       const double *benchmark, size_t n, double risk_free,
			       double periods_per_year)
{
	int rc = check_ppy(periods_per_year);
	if (rc == PAPER_OK && !isfinite(risk_free))
		rc = paper__error(PAPER_EINVAL, "risk_free must be finite (got %g)", risk_free);
	if (rc == PAPER_OK)
		rc = trim2(&returns, &benchmark, &n);
	if (rc != PAPER_OK)
		return rc;
	double a, b;
	dist_alpha_beta(returns, benchmark, n, risk_free, periods_per_year, &a, &b);
	if (alpha_out)
		*alpha_out = a;
	if (beta_out)
		*beta_out = b;
	return PAPER_OK;
}

PAPER_API int paper_alpha(double *out, const double *returns, const double *benchmark, size_t n,
			  double risk_free, double periods_per_year)
{
	PAPER__CHECK_NULL(out, "out");
	return paper_alpha_beta(out, NULL, returns, benchmark, n, risk_free, periods_per_year);
}

PAPER_API int paper_beta(double *out, const double *returns, const double *benchmark, size_t n)
{
	PAPER__CHECK_NULL(out, "out");
	return paper_alpha_beta(NULL, out, returns, benchmark, n, 0.0,
				PAPER_PERIODS_PER_YEAR_DAILY);
}

PAPER_API int paper_excess_sharpe(double *out, const double *returns, const double *benchmark,
				  size_t n)
{
	PAPER__CHECK_NULL(out, "out");
	int rc = trim2(&returns, &benchmark, &n);
	if (rc == PAPER_OK)
		*out = dist_excess_sharpe(returns, benchmark, n);
	return rc;
}

PAPER_API int paper_information_ratio(double *out, const double *returns,
				      const double *benchmark, size_t n)
{
	return paper_excess_sharpe(out, returns, benchmark, n);
}

PAPER_API int paper_omega_ratio(double *out, const double *returns, size_t n, double risk_free,
				double required_return, double periods_per_year)
{
	PAPER__CHECK_NULL(out, "out");
	int rc = check_ppy(periods_per_year);
	if (rc == PAPER_OK && (!isfinite(risk_free) || !isfinite(required_return)))
		rc = paper__error(PAPER_EINVAL, "risk-free and required returns must be finite "
				  "(got %g, %g)", risk_free, required_return);
	if (rc == PAPER_OK)
		rc = dist_trim(&returns, &n, "returns");
	if (rc != PAPER_OK)
		return rc;
	double t;
	if (periods_per_year == 1)
		t = required_return;
	else if (required_return <= -1) {
		*out = NAN;
		return PAPER_OK;
	} else
		t = pow(1 + required_return, 1.0 / periods_per_year) - 1;
	*out = omega_of(returns, n, risk_free + t);
	return PAPER_OK;
}

/* One statistic of a sorted copy of the returns. */
typedef double (*sorted_stat)(const double *s, size_t n, double arg);

static int on_sorted(double *out, const double *returns, size_t n, sorted_stat f, double arg)
{
	PAPER__CHECK_NULL(out, "out");
	int rc = dist_trim(&returns, &n, "returns");
	if (rc != PAPER_OK)
		return rc;
	if (n == 0) {
		*out = NAN;
		return PAPER_OK;
	}
	double *s = malloc(n * sizeof *s);
	if (s == NULL)
		return paper__error(PAPER_ENOMEM, "out of memory for %zu returns", n);
	*out = f(sorted_copy(s, returns, n), n, arg);
	free(s);
	return PAPER_OK;
}

static double tail_sorted(const double *s, size_t n, double unused)
{
	(void)unused;
	return metrics_ratio(fabs(percentile_sorted(s, n, 0.95)), fabs(percentile_sorted(s, n, 0.05)));
}

static int check_cutoff(double cutoff)
{
	if (!(cutoff >= 0 && cutoff <= 1))
		return paper__error(PAPER_EINVAL, "cutoff must be in [0, 1] (got %g)", cutoff);
	return PAPER_OK;
}

PAPER_API int paper_tail_ratio(double *out, const double *returns, size_t n)
{
	return on_sorted(out, returns, n, tail_sorted, 0);
}

PAPER_API int paper_value_at_risk(double *out, const double *returns, size_t n, double cutoff)
{
	int rc = check_cutoff(cutoff);
	return rc ? rc : on_sorted(out, returns, n, percentile_sorted, cutoff);
}

PAPER_API int paper_conditional_value_at_risk(double *out, const double *returns, size_t n,
					      double cutoff)
{
	int rc = check_cutoff(cutoff);
	return rc ? rc : on_sorted(out, returns, n, cvar_sorted, cutoff);
}

/* One statistic of the returns as they are. */
static int on_plain(double *out, const double *returns, size_t n,
		    double (*f)(const double *, size_t))
{
	PAPER__CHECK_NULL(out, "out");
	int rc = dist_trim(&returns, &n, "returns");
	if (rc == PAPER_OK)
		*out = f(returns, n);
	return rc;
}

PAPER_API int paper_stability_of_timeseries(double *out, const double *returns, size_t n)
{
	return on_plain(out, returns, n, stability_of);
}

PAPER_API int paper_skew(double *out, const double *returns, size_t n)
{
	return on_plain(out, returns, n, skew_of);
}

PAPER_API int paper_kurtosis(double *out, const double *returns, size_t n)
{
	return on_plain(out, returns, n, kurtosis_of);
}
