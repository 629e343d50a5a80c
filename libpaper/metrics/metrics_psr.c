/*
 * The probabilistic Sharpe ratio and the minimum track record length (Bailey and López de
 * Prado, "The Sharpe Ratio Efficient Frontier", Journal of Risk 15(2), 2012): how likely the
 * true Sharpe ratio exceeds a benchmark given n returns, their skewness and kurtosis, and how
 * many returns it takes before that is likely enough. Everything is per period (not
 * annualised), as in the paper: SR = mean / std (ddof 1), g3 = m3 / m2^1.5 and the
 * non-excess g4 = m4 / m2^2 with population moments m_k = (1/n) sum (r - mean)^k.
 */
#include <math.h>

#include "base/error.h"
#include "metrics/metrics.h"

void psr_moments(const double *r, size_t n, psr_input *out)
{
	double sum = 0, m2 = 0, m3 = 0, m4 = 0, lo = INFINITY, hi = -INFINITY;

	out->n = (double)n;
	out->sr = out->g3 = out->g4 = NAN;
	if (n < 2)
		return;
	for (size_t i = 0; i < n; i++) {
		sum += r[i];
		lo = fmin(lo, r[i]);
		hi = fmax(hi, r[i]);
	}
	/* Every return the same: no spread, so no Sharpe ratio to test (not an infinite one). */
	if (lo == hi)
		return;
	double mean = sum / (double)n;
	for (size_t i = 0; i < n; i++) {
		double d = r[i] - mean, d2 = d * d;
		m2 += d2;
		m3 += d2 * d;
		m4 += d2 * d2;
	}
	double c = (double)n;
	out->sr = mean / sqrt(m2 / (c - 1));
	m2 /= c;
	out->g3 = (m3 / c) / pow(m2, 1.5);
	out->g4 = (m4 / c) / (m2 * m2);
}

/* 1 - g3 SR + (g4 - 1) / 4 SR^2: n - 1 times the variance of the estimated SR. */
static double sr_spread(const psr_input *p)
{
	return 1.0 - p->g3 * p->sr + (p->g4 - 1.0) / 4.0 * p->sr * p->sr;
}

double psr_normal_cdf(double x)
{
	return 0.5 * erfc(-x / M_SQRT2);
}

/*
 * The standard normal quantile of p in (0, 1). Bisection on the CDF to the last bit, then one
 * Newton step: exact enough for a threshold and free of tabled coefficients.
 */
double psr_normal_quantile(double p)
{
	double lo = -40.0, hi = 40.0;
	for (int i = 0; i < 200 && hi - lo > 0; i++) {
		double mid = 0.5 * (lo + hi);
		if (mid <= lo || mid >= hi)
			break;
		if (psr_normal_cdf(mid) < p)
			lo = mid;
		else
			hi = mid;
	}
	double x = 0.5 * (lo + hi), pdf = exp(-0.5 * x * x) / sqrt(2.0 * M_PI);
	return pdf > 0 ? x - (psr_normal_cdf(x) - p) / pdf : x;
}

double psr_value(const psr_input *p, double sr_star)
{
	double v = sr_spread(p);
	if (!isfinite(p->sr) || !(v > 0))
		return NAN;
	return psr_normal_cdf((p->sr - sr_star) * sqrt(p->n - 1.0) / sqrt(v));
}

double psr_min_trl(const psr_input *p, double sr_star, double confidence)
{
	double v = sr_spread(p);
	if (!isfinite(p->sr) || !(v > 0))
		return NAN;
	if (p->sr <= sr_star)
		return INFINITY; /* no track record is long enough to beat a benchmark it trails */
	double z = psr_normal_quantile(confidence) / (p->sr - sr_star);
	return 1.0 + v * z * z;
}

static int check_args(double *out, const double **r, size_t *n, double sr_star)
{
	PAPER__CHECK_NULL(out, "out");
	if (!isfinite(sr_star))
		return paper__error(PAPER_EINVAL, "benchmark_sharpe must be finite (got %g)", sr_star);
	return dist_trim(r, n, "returns");
}

PAPER_API int paper_probabilistic_sharpe_ratio(double *out, const double *returns, size_t n,
					       double benchmark_sharpe)
{
	int rc = check_args(out, &returns, &n, benchmark_sharpe);
	if (rc != PAPER_OK)
		return rc;
	psr_input p;
	psr_moments(returns, n, &p);
	*out = psr_value(&p, benchmark_sharpe);
	return PAPER_OK;
}

PAPER_API int paper_min_track_record_length(double *out, const double *returns, size_t n,
					    double benchmark_sharpe, double confidence)
{
	int rc = check_args(out, &returns, &n, benchmark_sharpe);
	if (rc != PAPER_OK)
		return rc;
	if (!(confidence > 0 && confidence < 1))
		return paper__error(PAPER_EINVAL, "confidence must be in (0, 1) (got %g)", confidence);
	psr_input p;
	psr_moments(returns, n, &p);
	*out = psr_min_trl(&p, benchmark_sharpe, confidence);
	return PAPER_OK;
}
