/*
 * Series statistics over a 10-million-point equity curve, in one pass through the public
 * streaming API (paper_series_acc_add_equity_array, then every statistic), against a baseline
 * that does the least any such pass must: a plain loop computing the returns' mean and
 * variance from naive sums. Each is run several times; the medians are printed as
 *
 *   BENCH metrics_points_per_sec=<median>            (the contract name)
 *   BENCH metrics_baseline_points_per_sec=<median>
 *   BENCH metrics_vs_baseline=<ratio of the medians>
 *
 * Usage: bench-metrics [points] [runs]   (defaults 10000000 and 7)
 */
#include <paper/paper.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A minute-bar equity walk from a fixed xorshift seed: the same curve on every run. */
static void make_curve(paper_ts *ts, double *eq, size_t n)
{
	uint64_t s = 0x9e3779b97f4a7c15u;
	double e = 100000;

	for (size_t i = 0; i < n; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		double u = (double)(s >> 11) * 0x1.0p-53 - 0.5; /* uniform in [-0.5, 0.5) */
		e *= 1.0 + 0.002 * u + 0.00001;
		ts[i] = INT64_C(1700000000000000) + (paper_ts)i * 60 * PAPER_TS_PER_SECOND;
		eq[i] = e;
	}
}

static const char *const series_keys[] = {
	"equity_points", "periods", "years", "total_return", "mean_return", "annual_return",
	"annual_volatility", "sharpe_ratio", "sortino_ratio", "downside_risk", "max_drawdown",
	"max_drawdown_peak_ts", "max_drawdown_trough_ts", "max_drawdown_recovery_ts",
	"max_drawdown_duration", "longest_drawdown_duration", "calmar_ratio",
};

/* One pass of the library; returns the seconds taken. */
static double run_metrics(const paper_ts *ts, const double *eq, size_t n, double *sharpe,
			  double *mdd)
{
	paper_metrics_options o = PAPER_METRICS_OPTIONS_INIT;
	paper_series_acc *acc = NULL;
	double sum = 0, v;

	o.periods_per_year = 252.0 * 390.0;
	o.resample_period = 0;
	if (paper_series_acc_new(&acc, &o) != PAPER_OK)
		abort();
	double t0 = now();
	if (paper_series_acc_add_equity_array(acc, ts, eq, n) != PAPER_OK) {
		fprintf(stderr, "bench-metrics: %s\n", paper_last_error());
		abort();
	}
	for (size_t k = 0; k < sizeof series_keys / sizeof series_keys[0]; k++) {
		if (paper_series_acc_get(acc, series_keys[k], &v) != PAPER_OK)
			abort();
		sum += v;
	}
	double t = now() - t0;
	paper_series_acc_get(acc, "sharpe_ratio", sharpe);
	paper_series_acc_get(acc, "max_drawdown", mdd);
	paper_series_acc_free(acc);
	if (isnan(sum) && n > 2)
		fprintf(stderr, "bench-metrics: a statistic is NaN\n");
	return t;
}

/* The baseline: returns and their mean and variance, nothing else. */
static double run_baseline(const double *eq, size_t n, double *var_out)
{
	double t0 = now();
	double s = 0, s2 = 0;

	for (size_t i = 1; i < n; i++) {
		double r = eq[i] / eq[i - 1] - 1.0;
		s += r;
		s2 += r * r;
	}
	double m = s / (double)(n - 1);
	*var_out = (s2 - m * s) / (double)(n - 2);
	return now() - t0;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000;
	size_t runs = argc > 2 ? strtoull(argv[2], NULL, 10) : 7;
	if (n < 3 || runs < 1) {
		fprintf(stderr, "usage: bench-metrics [points >= 3] [runs >= 1]\n");
		return 2;
	}
	paper_ts *ts = malloc(n * sizeof *ts);
	double *eq = malloc(n * sizeof *eq);
	double *lib = malloc(runs * sizeof *lib), *base = malloc(runs * sizeof *base);
	if (!ts || !eq || !lib || !base) {
		fprintf(stderr, "bench-metrics: out of memory for %zu points\n", n);
		return 1;
	}
	make_curve(ts, eq, n);

	double sharpe = 0, mdd = 0, var = 0;
	for (size_t r = 0; r < runs; r++) {
		lib[r] = (double)n / run_metrics(ts, eq, n, &sharpe, &mdd);
		base[r] = (double)n / run_baseline(eq, n, &var);
	}
	double ml = median(lib, runs), mb = median(base, runs);
	printf("# %zu points, %zu runs; sharpe %.6g, max drawdown %.6g, variance %.6g\n", n, runs,
	       sharpe, mdd, var);
	printf("# metrics runs min %.4g max %.4g; baseline runs min %.4g max %.4g points/s\n",
	       lib[0], lib[runs - 1], base[0], base[runs - 1]);
	printf("BENCH metrics_points_per_sec=%.0f\n", ml);
	printf("BENCH metrics_baseline_points_per_sec=%.0f\n", mb);
	printf("BENCH metrics_vs_baseline=%.3f\n", ml / mb);
	free(ts);
	free(eq);
	free(lib);
	free(base);
	return 0;
}
