/*
 * Metrics: hand-computed values for every statistic, the edge cases docs/metrics.md promises,
 * streaming == batch on random data, breakdowns, the broker's equity curve and the JSON.
 *
 * Expected values were computed with Python's fractions/decimal at 50 digits from the
 * definitions in docs/metrics.md (not with the code under test), and are written below as
 * literals rounded to 17 significant digits.
 */
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#define DAY_US (INT64_C(86400) * PAPER_TS_PER_SECOND)
/* 2023-11-14T00:00:00Z: a UTC day boundary, so intraday times stay in one day. */
#define DAY0 (INT64_C(1699920000) * PAPER_TS_PER_SECOND)
#define REL 1e-12
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void close_to(double got, double want, double rel, const char *what)
{
	if (isnan(want)) {
		ck_assert_msg(isnan(got), "%s: got %.17g, want NaN", what, got);
		return;
	}
	if (isinf(want)) {
		ck_assert_msg(got == want, "%s: got %.17g, want %g", what, got, want);
		return;
	}
	double scale = fmax(fabs(got), fabs(want));
	ck_assert_msg(fabs(got - want) <= rel * scale, "%s: got %.17g, want %.17g (rel %.3g)",
		      what, got, want, scale > 0 ? fabs(got - want) / scale : 0.0);
}

static double get(const paper_metrics *m, const char *key)
{
	double v = -12345;
	ck_ok(paper_metrics_get(m, key, &v));
	return v;
}

static double acc_get(const paper_series_acc *acc, const char *key)
{
	double v = -12345;
	ck_ok(paper_series_acc_get(acc, key, &v));
	return v;
}

static double group_get(const paper_metrics *m, paper_metrics_group g, const char *name,
			const char *key)
{
	double v = -12345;
	ck_ok(paper_metrics_group_get(m, g, name, key, &v));
	return v;
}

/* The statistics that need every return: the report has them, the accumulator does not. */
static const char *const whole_series_keys[] = {
	"skew", "kurtosis", "best_day", "worst_day", "exposure", "consecutive_wins",
	"consecutive_losses", "omega_ratio", "tail_ratio", "value_at_risk",
	"conditional_value_at_risk", "stability_of_timeseries", "ulcer_index", "recovery_factor",
	"alpha", "beta", "information_ratio", "probabilistic_sharpe_ratio",
	"min_track_record_length",
};

static bool is_whole_series_key(const char *k)
{
	for (size_t i = 0; i < NELEM(whole_series_keys); i++)
		if (strcmp(k, whole_series_keys[i]) == 0)
			return true;
	return false;
}

/* The series statistics the streaming/batch comparisons go over: the accumulator's keys. */
static bool is_series_key(const char *k)
{
	return !paper_metrics_key_is_trade(k) && !is_whole_series_key(k);
}

/* ---- options ---- */

START_TEST(options_defaults_and_validation)
{
	paper_metrics_options o = PAPER_METRICS_OPTIONS_INIT;
	ck_assert_uint_eq(o.version, PAPER_METRICS_OPTIONS_VERSION);
	ck_assert_uint_eq(o.version, 2);
	ck_assert_double_eq(o.periods_per_year, PAPER_PERIODS_PER_YEAR_FROM_DATA);
	ck_assert_double_eq(o.risk_free, 0.0);
	ck_assert_double_eq(o.required_return, 0.0);
	ck_assert_uint_eq(o.ddof, 1);
	ck_assert_int_eq(o.years_basis, PAPER_YEARS_PERIODS);
	ck_assert_int_eq(o.resample_period, INT64_C(86400000000));
	ck_assert_double_eq(o.breakeven_band, 0.0);
	ck_assert_int_eq(o.win_rate_basis, PAPER_WIN_RATE_ALL_TRADES);
	ck_assert_int_eq(o.pnl_basis, PAPER_PNL_NET);

	paper_metrics_options p;
	memset(&p, 0xff, sizeof p);
	ck_ok(paper_metrics_options_init(&p, PAPER_METRICS_OPTIONS_VERSION));
	ck_assert_uint_eq(p.version, o.version);
	ck_assert_double_eq(p.periods_per_year, o.periods_per_year);
	ck_assert_double_eq(p.risk_free, o.risk_free);
	ck_assert_double_eq(p.required_return, o.required_return);
	ck_assert_uint_eq(p.ddof, o.ddof);
	ck_assert_int_eq(p.years_basis, o.years_basis);
	ck_assert_int_eq(p.resample_period, o.resample_period);
	ck_assert_double_eq(p.breakeven_band, o.breakeven_band);
	ck_assert_int_eq(p.win_rate_basis, o.win_rate_basis);
	ck_assert_int_eq(p.pnl_basis, o.pnl_basis);
	ck_assert_int_eq(paper_metrics_options_init(&p, 99), PAPER_EVERSION);
	ck_assert_int_eq(paper_metrics_options_init(NULL, 1), PAPER_EINVAL);
	/* Version 1, what libpaper 1.0's callers pass: 252 by default, and 0 is refused. */
	ck_ok(paper_metrics_options_init(&p, 1));
	ck_assert_uint_eq(p.version, 1);
	ck_assert_double_eq(p.periods_per_year, 252.0);

	paper_series_acc *acc = NULL;
	paper_metrics_options b = p;
	ck_ok(paper_series_acc_new(&acc, &b));
	paper_series_acc_free(acc);
	acc = NULL;
	b.periods_per_year = 0;
	ck_assert_int_eq(paper_series_acc_new(&acc, &b), PAPER_EINVAL);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "periods_per_year"));
	b = o;
	b.version = 3;
	ck_assert_int_eq(paper_series_acc_new(&acc, &b), PAPER_EVERSION);
	b = o, b.periods_per_year = -1;
	ck_assert_int_eq(paper_series_acc_new(&acc, &b), PAPER_EINVAL);
	b = o, b.periods_per_year = NAN;
	ck_assert_int_eq(paper_series_acc_new(&acc, &b), PAPER_EINVAL);
	b = o, b.risk_free = INFINITY;
	ck_assert_int_eq(paper_series_acc_new(&acc, &b), PAPER_EINVAL);
	b = o, b.required_return = NAN;
	ck_assert_int_eq(paper_series_acc_new(&acc, &b), PAPER_EINVAL);
	b = o, b.ddof = 2;
	ck_assert_int_eq(paper_series_acc_new(&acc, &b), PAPER_EINVAL);
	b = o, b.years_basis = (paper_years_basis)7;
	ck_assert_int_eq(paper_series_acc_new(&acc, &b), PAPER_EINVAL);
	b = o, b.resample_period = -1;
	ck_assert_int_eq(paper_series_acc_new(&acc, &b), PAPER_EINVAL);
	b = o, b.breakeven_band = -0.5;
	ck_assert_int_eq(paper_series_acc_new(&acc, &b), PAPER_EINVAL);
	b = o, b.win_rate_basis = (paper_win_rate_basis)0;
	ck_assert_int_eq(paper_series_acc_new(&acc, &b), PAPER_EINVAL);
	b = o, b.pnl_basis = (paper_pnl_basis)3;
	ck_assert_int_eq(paper_series_acc_new(&acc, &b), PAPER_EINVAL);
	ck_assert_ptr_null(acc);
	ck_assert_int_eq(paper_series_acc_new(NULL, NULL), PAPER_EINVAL);
	ck_ok(paper_series_acc_new(&acc, NULL));
	paper_series_acc_free(acc);
	paper_series_acc_free(NULL);
	paper_series_acc_reset(NULL);
}
END_TEST

/* ---- pure functions, by hand ---- */

static const double R5[] = { 0.01, -0.02, 0.03, 0.015, -0.005 };

START_TEST(sharpe_by_hand)
{
	double v;
	/* mean 0.006, sample std 0.019170289512680814; 0.006 / std * sqrt(252) */
	ck_ok(paper_sharpe_ratio(&v, R5, 5, 0.0, 252));
	close_to(v, 4.9684720272649504, REL, "sharpe rf 0");
	/* (0.006 - 0.001) / std * sqrt(252) */
	ck_ok(paper_sharpe_ratio(&v, R5, 5, 0.001, 252));
	close_to(v, 4.1403933560541253, REL, "sharpe rf 0.001");
	/* std * sqrt(252) */
	ck_ok(paper_annual_volatility(&v, R5, 5, 252));
	close_to(v, 0.30431891166997821, REL, "annual volatility");
	/* 365 periods: scales by sqrt(365 / 252) */
	ck_ok(paper_sharpe_ratio(&v, R5, 5, 0.0, PAPER_PERIODS_PER_YEAR_CRYPTO_DAILY));
	close_to(v, 4.9684720272649504 * sqrt(365.0 / 252.0), REL, "sharpe 365");
}
END_TEST

START_TEST(sortino_and_downside_by_hand)
{
	double v;
	/* downside over all 5 periods: sqrt((0.02^2 + 0.005^2) / 5) * sqrt(252) */
	ck_ok(paper_downside_risk(&v, R5, 5, 0.0, 252));
	close_to(v, 0.14635573101180562, REL, "downside risk");
	/* 0.006 * 252 / downside */
	ck_ok(paper_sortino_ratio(&v, R5, 5, 0.0, 252));
	close_to(v, 10.330992777303926, REL, "sortino");
	/* Target 0.01: the shortfalls are 0, 0.03, 0, 0, 0.015 (0.01 itself counts as zero). */
	ck_ok(paper_downside_risk(&v, R5, 5, 0.01, 252));
	close_to(v, 0.23811761799581315, REL, "downside risk 0.01");
	ck_ok(paper_sortino_ratio(&v, R5, 5, 0.01, 252));
	close_to(v, -4.2332020977033449, REL, "sortino 0.01");
}
END_TEST

START_TEST(annual_return_drawdown_calmar_by_hand)
{
	double v;
	/* prod(1 + r) = 1.02961247795; over 5/12 of a year: 1.02961247795^(12/5) - 1 */
	ck_ok(paper_annual_return(&v, R5, 5, 12));
	close_to(v, 0.072548928194653723, REL, "annual return");
	ck_ok(paper_cagr(&v, R5, 5, 12));
	close_to(v, 0.072548928194653723, REL, "cagr");
	/* 1.02961247795^(252/5) - 1 */
	ck_ok(paper_annual_return(&v, R5, 5, 252));
	close_to(v, 3.3527064365220945, REL, "annual return 252");

	/* Values 1, 1.1, 0.88, 0.924, 1.2012, 0.6006: -20% then -50% from 1.2012. */
	static const double r[] = { 0.1, -0.2, 0.05, 0.3, -0.5 };
	ck_ok(paper_max_drawdown(&v, r, 5));
	close_to(v, -0.5, REL, "max drawdown");
	ck_ok(paper_max_drawdown(&v, r, 2));
	close_to(v, -0.2, REL, "max drawdown of the first two");
	/* 0.6006^(12/5) - 1 = -0.70582566060064829; / 0.5 */
	ck_ok(paper_calmar_ratio(&v, r, 5, 12));
	close_to(v, -1.4116513212012966, REL, "calmar");
	/* A fall from the starting value counts: the series starts at 1. */
	static const double down[] = { -0.1 };
	ck_ok(paper_max_drawdown(&v, down, 1));
	close_to(v, -0.1, REL, "first period falls");
}
END_TEST

START_TEST(simple_returns)
{
	static const double values[] = { 100, 110, 99, 99 };
	double out[3] = { 0 };
	ck_ok(paper_simple_returns(out, values, 4));
	close_to(out[0], 0.1, 1e-15, "r0");
	close_to(out[1], -0.1, 1e-15, "r1");
	ck_assert_double_eq(out[2], 0.0);
	ck_ok(paper_simple_returns(NULL, values, 1));
	ck_ok(paper_simple_returns(NULL, NULL, 0));
	static const double bad[] = { 100, 0, 3 };
	ck_assert_int_eq(paper_simple_returns(out, bad, 3), PAPER_EINVAL);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "values[1]"));
	static const double nan_v[] = { 100, NAN };
	ck_assert_int_eq(paper_simple_returns(out, nan_v, 2), PAPER_EINVAL);
	ck_assert_int_eq(paper_simple_returns(NULL, values, 2), PAPER_EINVAL);
}
END_TEST

/* ---- edge cases of the series statistics ---- */

typedef struct all_stats {
	double sharpe, sortino, downside, vol, annual, mdd, calmar;
} all_stats;

static all_stats pure_all(const double *r, size_t n, double ppy)
{
	all_stats s;
	ck_ok(paper_sharpe_ratio(&s.sharpe, r, n, 0, ppy));
	ck_ok(paper_sortino_ratio(&s.sortino, r, n, 0, ppy));
	ck_ok(paper_downside_risk(&s.downside, r, n, 0, ppy));
	ck_ok(paper_annual_volatility(&s.vol, r, n, ppy));
	ck_ok(paper_annual_return(&s.annual, r, n, ppy));
	ck_ok(paper_max_drawdown(&s.mdd, r, n));
	ck_ok(paper_calmar_ratio(&s.calmar, r, n, ppy));
	return s;
}

START_TEST(empty_and_one_point)
{
	all_stats s = pure_all(NULL, 0, 252);
	ck_assert(isnan(s.sharpe) && isnan(s.sortino) && isnan(s.downside) && isnan(s.vol));
	ck_assert(isnan(s.annual) && isnan(s.mdd) && isnan(s.calmar));

	static const double loss[] = { -0.1 };
	s = pure_all(loss, 1, 252);
	ck_assert(isnan(s.sharpe) && isnan(s.sortino) && isnan(s.vol));
	/* sqrt(0.1^2 / 1) * sqrt(252) */
	close_to(s.downside, 1.5874507866387544, REL, "downside of one loss");
	close_to(s.mdd, -0.1, REL, "mdd of one loss");
	/* 0.9^252 - 1 */
	close_to(s.annual, pow(0.9, 252) - 1, REL, "annual of one loss");
	close_to(s.calmar, (pow(0.9, 252) - 1) / 0.1, REL, "calmar of one loss");

	static const double gain[] = { 0.1 };
	s = pure_all(gain, 1, 1);
	ck_assert_double_eq(s.downside, 0.0);
	ck_assert_double_eq(s.mdd, 0.0);
	close_to(s.annual, 0.1, REL, "annual one year");
	ck_assert(isnan(s.calmar)); /* no drawdown: no Calmar ratio, as empyrical */
}
END_TEST

START_TEST(zero_variance)
{
	/* 0.1 three times: the rounded mean is not 0.1, yet the spread is exactly zero. */
	static const double up[] = { 0.1, 0.1, 0.1 };
	all_stats s = pure_all(up, 3, 252);
	ck_assert(isinf(s.sharpe) && s.sharpe > 0);
	ck_assert_double_eq(s.vol, 0.0);
	ck_assert(isinf(s.sortino) && s.sortino > 0); /* no losing period */
	ck_assert_double_eq(s.downside, 0.0);
	ck_assert_double_eq(s.mdd, 0.0);
	ck_assert(isnan(s.calmar)); /* no drawdown, as empyrical: NaN, not +inf */

	static const double down[] = { -0.01, -0.01, -0.01, -0.01 };
	s = pure_all(down, 4, 252);
	ck_assert(isinf(s.sharpe) && s.sharpe < 0);
	ck_assert_double_eq(s.vol, 0.0);
	close_to(s.downside, 0.01 * sqrt(252), REL, "downside all losses");
	close_to(s.sortino, -0.01 * 252 / (0.01 * sqrt(252)), REL, "sortino all losses");
	close_to(s.mdd, pow(0.99, 4) - 1, 1e-14, "mdd all losses");

	static const double flat[] = { 0, 0, 0 };
	s = pure_all(flat, 3, 252);
	ck_assert(isnan(s.sharpe));  /* 0 / 0 */
	ck_assert(isnan(s.sortino)); /* 0 / 0 */
	ck_assert_double_eq(s.vol, 0.0);
	ck_assert_double_eq(s.annual, 0.0);
	ck_assert(isnan(s.calmar)); /* no drawdown */

	/* Returns equal to the risk-free rate: no excess, no spread. */
	double v;
	static const double at_rf[] = { 0.001, 0.001 };
	ck_ok(paper_sharpe_ratio(&v, at_rf, 2, 0.001, 252));
	ck_assert(isnan(v));
	/* Even where the sum rounds: (0.1 + 0.1 + 0.1) / 3 is 0.10000000000000002 in doubles,
	   yet equal returns have exactly their own value as the mean. */
	ck_ok(paper_sharpe_ratio(&v, up, 3, 0.1, 252));
	ck_assert(isnan(v));
	paper_series_acc *acc = NULL;
	ck_ok(paper_series_acc_new(&acc, NULL));
	ck_ok(paper_series_acc_add_returns(acc, up, 3));
	ck_assert_double_eq(acc_get(acc, "mean_return"), 0.1);
	ck_assert_double_eq(acc_get(acc, "annual_volatility"), 0.0);
	paper_series_acc_free(acc);
}
END_TEST

START_TEST(no_losing_period_and_total_loss)
{
	static const double r[] = { 0.01, 0.02, 0.0, 0.03 };
	all_stats s = pure_all(r, 4, 252);
	ck_assert(isinf(s.sortino) && s.sortino > 0);
	ck_assert_double_eq(s.downside, 0.0);
	ck_assert_double_eq(s.mdd, 0.0);
	ck_assert(isfinite(s.sharpe) && s.sharpe > 0);

	/* Everything lost: the compounded value is 0, the annual return -100%. */
	static const double wiped[] = { 0.5, -1.0 };
	s = pure_all(wiped, 2, 252);
	ck_assert_double_eq(s.annual, -1.0);
	ck_assert_double_eq(s.mdd, -1.0);
	close_to(s.calmar, -1.0, REL, "calmar wiped");
	/* More than everything: the geometric rate does not exist. */
	static const double negative[] = { -1.5, 0.1 };
	s = pure_all(negative, 2, 252);
	ck_assert(isnan(s.annual));
	ck_assert(isnan(s.calmar));
	close_to(s.mdd, -1.55, REL, "mdd below zero");
	/* A fall, then an annual return past the largest double: empyrical's isinf rule, NaN. */
	static const double soaring[] = { 1000.0, -0.5 };
	s = pure_all(soaring, 2, 252);
	ck_assert(isinf(s.annual) && s.mdd == -0.5);
	ck_assert(isnan(s.calmar));
}
END_TEST

START_TEST(bad_input_is_refused)
{
	double v = 7;
	static const double with_nan[] = { 0.01, NAN, 0.02 };
	static const double with_inf[] = { 0.01, -INFINITY };
	ck_assert_int_eq(paper_sharpe_ratio(&v, with_nan, 3, 0, 252), PAPER_EINVAL);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "returns[1]"));
	ck_assert_int_eq(paper_sortino_ratio(&v, with_inf, 2, 0, 252), PAPER_EINVAL);
	ck_assert_int_eq(paper_max_drawdown(&v, with_nan, 3), PAPER_EINVAL);
	ck_assert_int_eq(paper_annual_return(&v, with_inf, 2, 252), PAPER_EINVAL);
	ck_assert_double_eq(v, 7); /* untouched */
	ck_assert_int_eq(paper_sharpe_ratio(NULL, R5, 5, 0, 252), PAPER_EINVAL);
	ck_assert_int_eq(paper_sharpe_ratio(&v, NULL, 5, 0, 252), PAPER_EINVAL);
	ck_assert_int_eq(paper_sharpe_ratio(&v, R5, 5, 0, 0), PAPER_EINVAL);
	ck_assert_int_eq(paper_sharpe_ratio(&v, R5, 5, 0, -252), PAPER_EINVAL);
	ck_assert_int_eq(paper_sharpe_ratio(&v, R5, 5, 0, NAN), PAPER_EINVAL);
	ck_assert_int_eq(paper_sharpe_ratio(&v, R5, 5, NAN, 252), PAPER_EINVAL);
	ck_assert_int_eq(paper_sortino_ratio(&v, R5, 5, INFINITY, 252), PAPER_EINVAL);
	ck_assert_int_eq(paper_calmar_ratio(&v, R5, 5, 0), PAPER_EINVAL);
	ck_assert_double_eq(v, 7);
}
END_TEST

/* ---- streaming == batch ---- */

static double normal(GRand *g, double mu, double sigma)
{
	double u1 = g_rand_double(g), u2 = g_rand_double(g);
	return mu + sigma * sqrt(-2.0 * log(1.0 - u1)) * cos(2.0 * G_PI * u2);
}

static void compare_acc(const paper_series_acc *a, const paper_series_acc *b, const char *what)
{
	for (size_t i = 0; i < paper_metrics_key_count(); i++) {
		const char *k = paper_metrics_key_name(i);
		if (!is_series_key(k))
			continue;
		char label[128];
		snprintf(label, sizeof label, "%s: %s", what, k);
		close_to(acc_get(a, k), acc_get(b, k), REL, label);
	}
}

START_TEST(streaming_matches_batch_on_returns)
{
	enum { N = 10007 }; /* not a multiple of the block size */
	GRand *g = g_rand_new_with_seed(42);
	double *r = g_new(double, N);
	for (size_t i = 0; i < N; i++)
		r[i] = normal(g, 0.0005, 0.01);
	paper_metrics_options o = PAPER_METRICS_OPTIONS_INIT;
	o.risk_free = 0.0001;
	o.required_return = 0.0002;
	paper_series_acc *one = NULL, *all = NULL, *chunks = NULL;
	ck_ok(paper_series_acc_new(&one, &o));
	ck_ok(paper_series_acc_new(&all, &o));
	ck_ok(paper_series_acc_new(&chunks, &o));
	for (size_t i = 0; i < N; i++)
		ck_ok(paper_series_acc_add_return(one, r[i]));
	ck_ok(paper_series_acc_add_returns(all, r, N));
	for (size_t i = 0; i < N; i += 777)
		ck_ok(paper_series_acc_add_returns(chunks, r + i, N - i < 777 ? N - i : 777));
	compare_acc(one, all, "one by one vs array");
	compare_acc(one, chunks, "one by one vs chunks");
	ck_assert_double_eq(acc_get(one, "periods"), N);
	ck_assert_double_eq(acc_get(one, "equity_points"), N + 1);

	/* The pure functions are the same kernel over an array. */
	double v;
	ck_ok(paper_sharpe_ratio(&v, r, N, 0.0001, 252));
	close_to(v, acc_get(one, "sharpe_ratio"), REL, "pure sharpe");
	ck_ok(paper_sortino_ratio(&v, r, N, 0.0002, 252));
	close_to(v, acc_get(one, "sortino_ratio"), REL, "pure sortino");
	ck_ok(paper_downside_risk(&v, r, N, 0.0002, 252));
	close_to(v, acc_get(one, "downside_risk"), REL, "pure downside");
	ck_ok(paper_annual_volatility(&v, r, N, 252));
	close_to(v, acc_get(one, "annual_volatility"), REL, "pure volatility");
	ck_ok(paper_annual_return(&v, r, N, 252));
	close_to(v, acc_get(one, "annual_return"), REL, "pure annual return");
	ck_ok(paper_max_drawdown(&v, r, N));
	close_to(v, acc_get(one, "max_drawdown"), REL, "pure max drawdown");
	ck_ok(paper_calmar_ratio(&v, r, N, 252));
	close_to(v, acc_get(one, "calmar_ratio"), REL, "pure calmar");

	/* And all of them against a plain two-pass computation in long double. */
	long double sum = 0, sq = 0;
	for (size_t i = 0; i < N; i++)
		sum += r[i];
	long double mean = sum / N;
	for (size_t i = 0; i < N; i++)
		sq += (r[i] - mean) * (r[i] - mean);
	double ref = (double)((mean - 0.0001L) / sqrtl(sq / (N - 1)) * sqrtl(252.0L));
	close_to(acc_get(one, "sharpe_ratio"), ref, 1e-11, "sharpe vs two-pass");
	paper_series_acc_free(one);
	paper_series_acc_free(all);
	paper_series_acc_free(chunks);
	g_free(r);
	g_rand_free(g);
}
END_TEST

/* A random walk of equity with irregular times, several points a day. */
static void random_curve(GRand *g, size_t n, paper_ts *ts, double *eq)
{
	paper_ts t = DAY0;
	double e = 100000;
	for (size_t i = 0; i < n; i++) {
		t += g_rand_int_range(g, 0, 8) * HOUR_US; /* equal times happen too */
		e *= 1.0 + normal(g, 0.0002, 0.01);
		ts[i] = t;
		eq[i] = e;
	}
}

static void streaming_matches_batch_on_equity(paper_ts resample)
{
	enum { N = 5003 };
	GRand *g = g_rand_new_with_seed(7);
	paper_ts *ts = g_new(paper_ts, N);
	double *eq = g_new(double, N);
	random_curve(g, N, ts, eq);
	paper_metrics_options o = PAPER_METRICS_OPTIONS_INIT;
	o.resample_period = resample;
	o.risk_free = 0.00005;
	paper_series_acc *one = NULL, *all = NULL;
	ck_ok(paper_series_acc_new(&one, &o));
	ck_ok(paper_series_acc_new(&all, &o));
	for (size_t i = 0; i < N; i++)
		ck_ok(paper_series_acc_add_equity(one, ts[i], eq[i]));
	ck_ok(paper_series_acc_add_equity_array(all, ts, eq, 1000));
	ck_ok(paper_series_acc_add_equity_array(all, ts + 1000, eq + 1000, N - 1000));
	compare_acc(one, all, resample ? "equity resampled" : "equity");

	/* The report over the same curve gives the same statistics. */
	paper_metrics *m = NULL;
	ck_ok(paper_metrics_from_arrays(&m, NULL, 0, ts, eq, NULL, N, &o));
	for (size_t i = 0; i < paper_metrics_key_count(); i++) {
		const char *k = paper_metrics_key_name(i);
		if (is_series_key(k))
			close_to(get(m, k), acc_get(one, k), REL, k);
	}
	size_t points = (size_t)acc_get(one, "equity_points");
	ck_assert_uint_eq(paper_metrics_equity_count(m), points);
	ck_assert_uint_eq(paper_metrics_return_count(m), points - 1);
	if (resample == 0)
		ck_assert_uint_eq(points, N);
	else
		ck_assert_uint_lt(points, N / 2); /* about three points a day were merged */
	paper_metrics_free(m);
	paper_series_acc_free(one);
	paper_series_acc_free(all);
	g_free(ts);
	g_free(eq);
	g_rand_free(g);
}

START_TEST(streaming_matches_batch_on_equity_points)
{
	streaming_matches_batch_on_equity(0);
}
END_TEST

START_TEST(streaming_matches_batch_on_daily_closes)
{
	streaming_matches_batch_on_equity(PAPER_METRICS_RESAMPLE_DAILY);
}
END_TEST

START_TEST(accumulator_errors_change_nothing)
{
	paper_series_acc *acc = NULL;
	paper_metrics_options o = PAPER_METRICS_OPTIONS_INIT;
	o.resample_period = 0;
	ck_ok(paper_series_acc_new(&acc, &o));
	ck_ok(paper_series_acc_add_equity(acc, DAY0, 100));
	ck_ok(paper_series_acc_add_equity(acc, DAY0 + DAY_US, 110));
	ck_assert_int_eq(paper_series_acc_add_equity(acc, DAY0, 120), PAPER_ETIME);
	ck_assert_int_eq(paper_series_acc_add_equity(acc, DAY0 + 2 * DAY_US, NAN), PAPER_EINVAL);
	ck_assert_int_eq(paper_series_acc_add_equity(acc, DAY0 + 2 * DAY_US, 0), PAPER_EINVAL);
	ck_assert_int_eq(paper_series_acc_add_equity(acc, DAY0 + 2 * DAY_US, -5), PAPER_EINVAL);
	ck_assert_int_eq(paper_series_acc_add_return(acc, 0.1), PAPER_ESTATE);
	ck_assert_int_eq(paper_series_acc_add_returns(acc, R5, 5), PAPER_ESTATE);

	/* An array with a bad value late in it adds nothing at all. */
	enum { N = 600 };
	paper_ts ts[N];
	double eq[N];
	for (size_t i = 0; i < N; i++) {
		ts[i] = DAY0 + (paper_ts)(i + 2) * DAY_US;
		eq[i] = 100 + (double)(i % 7);
	}
	eq[555] = INFINITY;
	ck_assert_int_eq(paper_series_acc_add_equity_array(acc, ts, eq, N), PAPER_EINVAL);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "index 555"));
	eq[555] = 100;
	ts[300] = ts[299] - 1;
	ck_assert_int_eq(paper_series_acc_add_equity_array(acc, ts, eq, N), PAPER_ETIME);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "index 300"));
	ck_assert_int_eq(paper_series_acc_add_equity_array(acc, NULL, eq, N), PAPER_EINVAL);
	ck_assert_double_eq(acc_get(acc, "equity_points"), 2);
	close_to(acc_get(acc, "total_return"), 0.1, 1e-15, "total return kept");

	double v;
	ck_assert_int_eq(paper_series_acc_get(acc, "win_rate", &v), PAPER_ENOTFOUND);
	ck_assert_int_eq(paper_series_acc_get(acc, NULL, &v), PAPER_EINVAL);
	ck_assert_int_eq(paper_series_acc_get(NULL, "sharpe_ratio", &v), PAPER_EINVAL);
	ck_assert_int_eq(paper_series_acc_add_return(NULL, 0.1), PAPER_EINVAL);

	paper_series_acc_reset(acc);
	ck_assert_double_eq(acc_get(acc, "equity_points"), 0);
	ck_assert(isnan(acc_get(acc, "sharpe_ratio")));
	ck_ok(paper_series_acc_add_return(acc, 0.1)); /* empty again: any mode */
	ck_assert_int_eq(paper_series_acc_add_return(acc, NAN), PAPER_EINVAL);
	ck_assert_int_eq(paper_series_acc_add_equity(acc, DAY0, 100), PAPER_ESTATE);
	static const double with_nan[] = { 0.1, 0.2, NAN };
	ck_assert_int_eq(paper_series_acc_add_returns(acc, with_nan, 3), PAPER_EINVAL);
	ck_assert_double_eq(acc_get(acc, "periods"), 1);
	paper_series_acc_free(acc);

	/* Calendar years need timestamps. */
	o.years_basis = PAPER_YEARS_CALENDAR;
	ck_ok(paper_series_acc_new(&acc, &o));
	ck_assert_int_eq(paper_series_acc_add_return(acc, 0.1), PAPER_ESTATE);
	paper_series_acc_free(acc);
}
END_TEST

/* ---- drawdown details, years, resampling ---- */

START_TEST(drawdown_peak_trough_recovery)
{
	/* Daily: 100 110 105 99 104 112 90 95. Falls: 110 -> 99 (-10%, back on day 5),
	   112 -> 90 (-22/112 = -0.19642857142857143, not back). */
	static const double eq[] = { 100, 110, 105, 99, 104, 112, 90, 95, 120 };
	paper_ts ts[NELEM(eq)];
	for (size_t i = 0; i < NELEM(eq); i++)
		ts[i] = DAY0 + (paper_ts)i * DAY_US;
	paper_metrics *m = NULL;
	ck_ok(paper_metrics_from_arrays(&m, NULL, 0, ts, eq, NULL, 8, NULL));
	close_to(get(m, "max_drawdown"), -0.19642857142857143, REL, "max drawdown");
	ck_assert_double_eq(get(m, "max_drawdown_peak_ts"), (double)ts[5]);
	ck_assert_double_eq(get(m, "max_drawdown_trough_ts"), (double)ts[6]);
	ck_assert(isnan(get(m, "max_drawdown_recovery_ts")));
	ck_assert_double_eq(get(m, "max_drawdown_duration"), 2 * 86400); /* peak to the end */
	ck_assert_double_eq(get(m, "longest_drawdown_duration"), 4 * 86400); /* day 1 to 5 */
	paper_equity_point p = PAPER_EQUITY_POINT_INIT;
	ck_ok(paper_metrics_equity_at(m, 3, &p));
	close_to(p.drawdown, -0.1, REL, "drawdown at day 3");
	ck_assert(isnan(p.cash));
	ck_ok(paper_metrics_equity_at(m, 5, &p));
	ck_assert_double_eq(p.drawdown, 0.0);
	paper_metrics_free(m);

	/* The ninth point, 120, recovers it on day 8. */
	ck_ok(paper_metrics_from_arrays(&m, NULL, 0, ts, eq, NULL, 9, NULL));
	ck_assert_double_eq(get(m, "max_drawdown_recovery_ts"), (double)ts[8]);
	ck_assert_double_eq(get(m, "max_drawdown_duration"), 3 * 86400);
	ck_assert_double_eq(get(m, "longest_drawdown_duration"), 4 * 86400);
	paper_metrics_free(m);

	/* Ties: the peak is the last time at the high, the trough the first time at the low. */
	static const double tie[] = { 100, 110, 110, 100, 100, 110 };
	ck_ok(paper_metrics_from_arrays(&m, NULL, 0, ts, tie, NULL, 6, NULL));
	ck_assert_double_eq(get(m, "max_drawdown_peak_ts"), (double)ts[2]);
	ck_assert_double_eq(get(m, "max_drawdown_trough_ts"), (double)ts[3]);
	ck_assert_double_eq(get(m, "max_drawdown_recovery_ts"), (double)ts[5]);
	paper_metrics_free(m);

	/* Never falling: no drawdown, no times. */
	static const double rise[] = { 100, 101, 102 };
	ck_ok(paper_metrics_from_arrays(&m, NULL, 0, ts, rise, NULL, 3, NULL));
	ck_assert_double_eq(get(m, "max_drawdown"), 0.0);
	ck_assert(isnan(get(m, "max_drawdown_peak_ts")));
	ck_assert_double_eq(get(m, "max_drawdown_duration"), 0.0);
	ck_assert(isnan(get(m, "calmar_ratio"))); /* as empyrical: no drawdown, no ratio */
	ck_assert(isinf(get(m, "sortino_ratio")));
	paper_metrics_free(m);

	/* In a returns accumulator, times are point numbers and durations periods. */
	paper_series_acc *acc = NULL;
	ck_ok(paper_series_acc_new(&acc, NULL));
	static const double r[] = { 0.1, -0.2, 0.05, 0.3, -0.5 };
	ck_ok(paper_series_acc_add_returns(acc, r, 5));
	ck_assert_double_eq(acc_get(acc, "max_drawdown_peak_ts"), 4);
	ck_assert_double_eq(acc_get(acc, "max_drawdown_trough_ts"), 5);
	/* under water from point 1 (1.1) until point 4 (1.2012) */
	ck_assert_double_eq(acc_get(acc, "longest_drawdown_duration"), 3);
	paper_series_acc_free(acc);
}
END_TEST

START_TEST(years_basis)
{
	/* 100 -> 110 -> 121 over exactly two Julian years: CAGR 10% on calendar time. */
	const paper_ts year = (paper_ts)(365.25 * 86400) * PAPER_TS_PER_SECOND;
	paper_ts ts[] = { DAY0, DAY0 + year, DAY0 + 2 * year };
	static const double eq[] = { 100, 110, 121 };
	paper_metrics_options o = PAPER_METRICS_OPTIONS_INIT;
	o.years_basis = PAPER_YEARS_CALENDAR;
	paper_metrics *m = NULL;
	ck_ok(paper_metrics_from_arrays(&m, NULL, 0, ts, eq, NULL, 3, &o));
	close_to(get(m, "years"), 2.0, REL, "calendar years");
	close_to(get(m, "annual_return"), 0.1, REL, "calendar cagr");
	close_to(get(m, "cagr"), 0.1, REL, "calendar cagr alias");
	close_to(get(m, "total_return"), 0.21, REL, "total return");
	paper_metrics_free(m);
	/* The same two returns as periods of a 252-period year: 1.21^(252/2) - 1. */
	ck_ok(paper_metrics_from_arrays(&m, NULL, 0, ts, eq, NULL, 3, NULL));
	close_to(get(m, "years"), 2.0 / 252, REL, "period years");
	close_to(get(m, "annual_return"), pow(1.21, 126) - 1, 1e-12, "period cagr");
	paper_metrics_free(m);
	/* One timestamp only: no time has passed, nothing to annualize. */
	paper_ts same[] = { DAY0, DAY0 };
	o.resample_period = 0;
	ck_ok(paper_metrics_from_arrays(&m, NULL, 0, same, eq, NULL, 2, &o));
	ck_assert_double_eq(get(m, "years"), 0.0);
	ck_assert(isnan(get(m, "annual_return")));
	paper_metrics_free(m);
}
END_TEST

START_TEST(resampling_keeps_daily_closes)
{
	paper_ts ts[] = { DAY0 + 10 * HOUR_US, DAY0 + 15 * HOUR_US, DAY0 + DAY_US,
			  DAY0 + DAY_US + 20 * HOUR_US, DAY0 + 3 * DAY_US };
	static const double eq[] = { 100, 102, 101, 103, 99 };
	static const double cash[] = { 50, 51, 52, 53, 54 };
	paper_metrics *m = NULL;
	ck_ok(paper_metrics_from_arrays(&m, NULL, 0, ts, eq, cash, 5, NULL));
	ck_assert_uint_eq(paper_metrics_equity_count(m), 3);
	paper_equity_point p = PAPER_EQUITY_POINT_INIT;
	ck_ok(paper_metrics_equity_at(m, 0, &p));
	ck_assert_int_eq(p.ts, ts[1]);
	ck_assert_double_eq(p.equity, 102);
	ck_assert_double_eq(p.cash, 51);
	ck_ok(paper_metrics_equity_at(m, 1, &p));
	ck_assert_int_eq(p.ts, ts[3]);
	ck_ok(paper_metrics_equity_at(m, 2, &p));
	ck_assert_int_eq(p.ts, ts[4]);
	close_to(p.drawdown, 99.0 / 103 - 1, 1e-15, "drawdown of the last close");
	ck_assert_int_eq(paper_metrics_equity_at(m, 3, &p), PAPER_ERANGE);
	paper_equity_point old = { .version = 9 };
	ck_assert_int_eq(paper_metrics_equity_at(m, 0, &old), PAPER_EVERSION);
	double r;
	ck_ok(paper_metrics_return_at(m, 0, &r));
	close_to(r, 103.0 / 102 - 1, 1e-15, "return 0");
	ck_ok(paper_metrics_return_at(m, 1, &r));
	close_to(r, 99.0 / 103 - 1, 1e-15, "return 1");
	ck_assert_int_eq(paper_metrics_return_at(m, 2, &r), PAPER_ERANGE);
	ck_assert_double_eq(get(m, "periods"), 2);
	paper_metrics_free(m);

	/* Day boundaries are UTC and floor before the epoch too: -1 us and 0 differ. */
	paper_ts around[] = { -1, 0 };
	ck_ok(paper_metrics_from_arrays(&m, NULL, 0, around, eq, NULL, 2, NULL));
	ck_assert_uint_eq(paper_metrics_equity_count(m), 2);
	paper_metrics_free(m);
	paper_ts before[] = { -DAY_US, -1 };
	ck_ok(paper_metrics_from_arrays(&m, NULL, 0, before, eq, NULL, 2, NULL));
	ck_assert_uint_eq(paper_metrics_equity_count(m), 1);
	ck_assert_double_eq(get(m, "periods"), 0);
	ck_assert(isnan(get(m, "max_drawdown"))); /* no period yet */
	ck_assert_double_eq(get(m, "start_equity"), 102); /* the close of that day */
	paper_metrics_free(m);
}
END_TEST

START_TEST(equity_curve_edge_cases)
{
	paper_metrics *m = NULL;
	ck_ok(paper_metrics_from_arrays(&m, NULL, 0, NULL, NULL, NULL, 0, NULL));
	ck_assert_uint_eq(paper_metrics_equity_count(m), 0);
	ck_assert_uint_eq(paper_metrics_return_count(m), 0);
	ck_assert_double_eq(get(m, "equity_points"), 0);
	ck_assert_double_eq(get(m, "periods"), 0);
	ck_assert(isnan(get(m, "sharpe_ratio")) && isnan(get(m, "max_drawdown")));
	ck_assert(isnan(get(m, "start_equity")) && isnan(get(m, "total_return")));
	paper_metrics_free(m);

	paper_ts ts[] = { DAY0, DAY0 + DAY_US, DAY0 + 2 * DAY_US };
	static const double eq[] = { 100, 50, 100 };
	static const double bad_eq[] = { 100, 0, 100 };
	static const double bad_cash[] = { 1, NAN, 1 };
	paper_ts back[] = { DAY0, DAY0 - 1, DAY0 + 1 };
	m = NULL;
	ck_assert_int_eq(paper_metrics_from_arrays(&m, NULL, 0, ts, bad_eq, NULL, 3, NULL),
			 PAPER_EINVAL);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "equity[1]"));
	ck_assert_int_eq(paper_metrics_from_arrays(&m, NULL, 0, ts, eq, bad_cash, 3, NULL),
			 PAPER_EINVAL);
	ck_assert_int_eq(paper_metrics_from_arrays(&m, NULL, 0, back, eq, NULL, 3, NULL),
			 PAPER_ETIME);
	ck_assert_int_eq(paper_metrics_from_arrays(&m, NULL, 0, NULL, eq, NULL, 3, NULL),
			 PAPER_EINVAL);
	ck_assert_int_eq(paper_metrics_from_arrays(NULL, NULL, 0, ts, eq, NULL, 3, NULL),
			 PAPER_EINVAL);
	ck_assert_ptr_null(m);

	/* Halved then doubled: -50% drawdown, back at the start, zero total return. */
	ck_ok(paper_metrics_from_arrays(&m, NULL, 0, ts, eq, NULL, 3, NULL));
	ck_assert_double_eq(get(m, "max_drawdown"), -0.5);
	ck_assert_double_eq(get(m, "total_return"), 0.0);
	ck_assert_double_eq(get(m, "annual_return"), 0.0);
	ck_assert_double_eq(get(m, "calmar_ratio"), 0.0);
	/* returns -0.5 and +1: mean 0.25, sample std sqrt(1.125) */
	close_to(get(m, "sharpe_ratio"), 0.25 / sqrt(1.125) * sqrt(252), REL, "sharpe");
	/* population std with ddof 0: sqrt(0.5625) */
	paper_metrics_free(m);
	paper_metrics_options o = PAPER_METRICS_OPTIONS_INIT;
	o.ddof = 0;
	ck_ok(paper_metrics_from_arrays(&m, NULL, 0, ts, eq, NULL, 3, &o));
	close_to(get(m, "annual_volatility"), 0.75 * sqrt(252), REL, "ddof 0 volatility");
	paper_metrics_free(m);
}
END_TEST

/* ---- trade statistics ---- */

static paper_trade_info trade(const char *sym, const char *strategy, double pnl, double fees,
			      int hours, paper_exit_reason reason, paper_ts exit_ts)
{
	paper_trade_info t = PAPER_TRADE_INFO_INIT;
	g_strlcpy(t.symbol, sym, sizeof t.symbol);
	g_strlcpy(t.strategy, strategy, sizeof t.strategy);
	t.direction = PAPER_LONG;
	t.exit_ts = exit_ts;
	t.entry_ts = exit_ts - hours * HOUR_US;
	t.qty = 1;
	t.pnl_net = pnl;
	t.fees = fees;
	t.pnl_gross = pnl + fees;
	t.exit_reason = reason;
	return t;
}

/* Net P&L in closing order: +100 +200 -50 0 -25 -75 +50. */
static void seven_trades(paper_trade_info *t)
{
	t[0] = trade("AAPL", "trend", 100, 1, 1, PAPER_EXIT_TAKE_PROFIT, DAY0 + 1 * HOUR_US);
	t[1] = trade("AAPL", "trend", 200, 2, 2, PAPER_EXIT_TAKE_PROFIT, DAY0 + 2 * HOUR_US);
	t[2] = trade("AAPL", "", -50, 1, 3, PAPER_EXIT_STOP_LOSS, DAY0 + 3 * HOUR_US);
	t[3] = trade("MSFT", "", 0, 1, 4, PAPER_EXIT_MANUAL, DAY0 + 4 * HOUR_US);
	t[4] = trade("MSFT", "mr", -25, 1, 5, PAPER_EXIT_STOP_LOSS, DAY0 + 5 * HOUR_US);
	t[5] = trade("MSFT", "mr", -75, 3, 6, PAPER_EXIT_STOP_LOSS, DAY0 + 6 * HOUR_US);
	t[6] = trade("MSFT", "trend", 50, 1, 10, PAPER_EXIT_END_OF_DATA, DAY0 + 7 * HOUR_US);
}

START_TEST(trade_statistics_by_hand)
{
	paper_trade_info t[7];
	seven_trades(t);
	paper_metrics *m = NULL;
	ck_ok(paper_metrics_from_arrays(&m, t, 7, NULL, NULL, NULL, 0, NULL));
	ck_assert_double_eq(get(m, "total_trades"), 7);
	ck_assert_double_eq(get(m, "wins"), 3);
	ck_assert_double_eq(get(m, "losses"), 3);
	ck_assert_double_eq(get(m, "breakevens"), 1); /* exactly 0 with the default band */
	close_to(get(m, "win_rate"), 3.0 / 7, REL, "win rate");
	ck_assert_double_eq(get(m, "total_pnl"), 200);
	ck_assert_double_eq(get(m, "gross_profit"), 350);
	ck_assert_double_eq(get(m, "gross_loss"), -150);
	ck_assert_double_eq(get(m, "total_fees"), 10);
	close_to(get(m, "avg_pnl"), 28.571428571428571, REL, "avg pnl = 200/7");
	close_to(get(m, "avg_win"), 116.66666666666667, REL, "avg win = 350/3");
	ck_assert_double_eq(get(m, "avg_loss"), -50);
	ck_assert_double_eq(get(m, "largest_win"), 200);
	ck_assert_double_eq(get(m, "largest_loss"), -75);
	close_to(get(m, "profit_factor"), 2.3333333333333333, REL, "profit factor 350/150");
	close_to(get(m, "expectancy"), 28.571428571428571, REL, "expectancy (350-150)/7");
	close_to(get(m, "payoff_ratio"), 2.3333333333333333, REL, "payoff (350/3)/50");
	/* durations 1 2 3 4 5 6 10 hours */
	close_to(get(m, "avg_duration"), 15942.857142857143, REL, "avg duration 31h/7");
	ck_assert_double_eq(get(m, "median_duration"), 4 * 3600);
	ck_assert_double_eq(get(m, "max_duration"), 10 * 3600);
	/* W W L B L L W: the breakeven splits the losses 1 + 2. */
	ck_assert_double_eq(get(m, "longest_winning_streak"), 2);
	ck_assert_double_eq(get(m, "longest_losing_streak"), 2);
	ck_assert_double_eq(get(m, "exit_reasons.take_profit"), 2);
	ck_assert_double_eq(get(m, "exit_reasons.stop_loss"), 3);
	ck_assert_double_eq(get(m, "exit_reasons.manual"), 1);
	ck_assert_double_eq(get(m, "exit_reasons.end_of_data"), 1);
	ck_assert_double_eq(get(m, "exit_reasons.time_limit"), 0);
	ck_assert_double_eq(get(m, "exit_reasons.reverse_signal"), 0);
	paper_metrics_free(m);
}
END_TEST

START_TEST(trade_conventions)
{
	paper_trade_info t[7];
	seven_trades(t);
	paper_metrics *m = NULL;
	paper_metrics_options o = PAPER_METRICS_OPTIONS_INIT;

	/* Band 30: -25 and 0 are breakevens. */
	o.breakeven_band = 30;
	ck_ok(paper_metrics_from_arrays(&m, t, 7, NULL, NULL, NULL, 0, &o));
	ck_assert_double_eq(get(m, "wins"), 3);
	ck_assert_double_eq(get(m, "losses"), 2);
	ck_assert_double_eq(get(m, "breakevens"), 2);
	ck_assert_double_eq(get(m, "gross_loss"), -125);
	close_to(get(m, "expectancy"), 32.142857142857143, REL, "expectancy (350-125)/7");
	close_to(get(m, "avg_pnl"), 200.0 / 7, REL, "avg pnl keeps every trade");
	ck_assert_double_eq(get(m, "longest_losing_streak"), 1);
	paper_metrics_free(m);

	/* Wins over decided trades only. */
	o.win_rate_basis = PAPER_WIN_RATE_DECIDED;
	ck_ok(paper_metrics_from_arrays(&m, t, 7, NULL, NULL, NULL, 0, &o));
	close_to(get(m, "win_rate"), 3.0 / 5, REL, "win rate of decided");
	close_to(get(m, "expectancy"), 225.0 / 5, REL, "expectancy of decided");
	paper_metrics_free(m);

	/* Gross P&L: +101 +202 -49 +1 -24 -72 +51; the former breakeven is now a win. */
	o = (paper_metrics_options)PAPER_METRICS_OPTIONS_INIT;
	o.pnl_basis = PAPER_PNL_GROSS;
	ck_ok(paper_metrics_from_arrays(&m, t, 7, NULL, NULL, NULL, 0, &o));
	ck_assert_double_eq(get(m, "wins"), 4);
	ck_assert_double_eq(get(m, "breakevens"), 0);
	ck_assert_double_eq(get(m, "total_pnl"), 210);
	ck_assert_double_eq(get(m, "longest_winning_streak"), 2);
	ck_assert_double_eq(get(m, "longest_losing_streak"), 2);
	paper_metrics_options used = PAPER_METRICS_OPTIONS_INIT;
	ck_ok(paper_metrics_options_get(m, &used));
	ck_assert_int_eq(used.pnl_basis, PAPER_PNL_GROSS);
	paper_metrics_free(m);
}
END_TEST

START_TEST(trade_breakdowns)
{
	paper_trade_info t[7];
	seven_trades(t);
	paper_metrics *m = NULL;
	ck_ok(paper_metrics_from_arrays(&m, t, 7, NULL, NULL, NULL, 0, NULL));
	ck_assert_uint_eq(paper_metrics_group_count(m, PAPER_METRICS_BY_SYMBOL), 2);
	ck_assert_str_eq(paper_metrics_group_name(m, PAPER_METRICS_BY_SYMBOL, 0), "AAPL");
	ck_assert_str_eq(paper_metrics_group_name(m, PAPER_METRICS_BY_SYMBOL, 1), "MSFT");
	ck_assert_ptr_null(paper_metrics_group_name(m, PAPER_METRICS_BY_SYMBOL, 2));
	/* AAPL: +100 +200 -50 */
	const paper_metrics_group S = PAPER_METRICS_BY_SYMBOL, G = PAPER_METRICS_BY_STRATEGY;
	ck_assert_double_eq(group_get(m, S, "AAPL", "total_trades"), 3);
	ck_assert_double_eq(group_get(m, S, "AAPL", "total_pnl"), 250);
	close_to(group_get(m, S, "AAPL", "profit_factor"), 6, REL, "AAPL pf 300/50");
	ck_assert_double_eq(group_get(m, S, "AAPL", "median_duration"), 2 * 3600);
	ck_assert_double_eq(group_get(m, S, "AAPL", "longest_winning_streak"), 2);
	/* MSFT: 0 -25 -75 +50 (4, 5, 6, 10 hours) */
	ck_assert_double_eq(group_get(m, S, "MSFT", "total_trades"), 4);
	ck_assert_double_eq(group_get(m, S, "MSFT", "breakevens"), 1);
	ck_assert_double_eq(group_get(m, S, "MSFT", "median_duration"), 5.5 * 3600);
	close_to(group_get(m, S, "MSFT", "win_rate"), 0.25, REL, "MSFT win rate");
	ck_assert_double_eq(group_get(m, S, "MSFT", "exit_reasons.stop_loss"), 2);

	/* Strategies, in byte order: "" (no tag), "mr", "trend". */
	ck_assert_uint_eq(paper_metrics_group_count(m, G), 3);
	ck_assert_str_eq(paper_metrics_group_name(m, G, 0), "");
	ck_assert_str_eq(paper_metrics_group_name(m, G, 1), "mr");
	ck_assert_str_eq(paper_metrics_group_name(m, G, 2), "trend");
	ck_assert_double_eq(group_get(m, G, "trend", "total_trades"), 3);
	ck_assert_double_eq(group_get(m, G, "trend", "total_pnl"), 350);
	ck_assert(isinf(group_get(m, G, "trend", "profit_factor"))); /* no losing trade */
	ck_assert(isnan(group_get(m, G, "trend", "payoff_ratio")));
	ck_assert(isnan(group_get(m, G, "trend", "avg_loss")));
	ck_assert_double_eq(group_get(m, G, "mr", "win_rate"), 0);
	ck_assert_double_eq(group_get(m, G, "mr", "profit_factor"), 0); /* 0 / 100 */
	ck_assert(isnan(group_get(m, G, "mr", "largest_win")));
	ck_assert_double_eq(group_get(m, G, "mr", "longest_losing_streak"), 2);
	ck_assert_double_eq(group_get(m, G, "", "total_pnl"), -50);

	double v;
	ck_assert_int_eq(paper_metrics_group_get(m, G, "nope", "total_trades", &v),
			 PAPER_ENOTFOUND);
	ck_assert_int_eq(paper_metrics_group_get(m, G, "mr", "sharpe_ratio", &v), PAPER_ENOTFOUND);
	ck_assert_int_eq(paper_metrics_group_get(m, (paper_metrics_group)9, "mr", "wins", &v),
			 PAPER_EINVAL);
	ck_assert_uint_eq(paper_metrics_group_count(m, (paper_metrics_group)9), 0);
	ck_assert_uint_eq(paper_metrics_group_count(NULL, G), 0);

	/* The groups add up to the whole. */
	double sum = 0;
	for (size_t i = 0; i < paper_metrics_group_count(m, G); i++)
		sum += group_get(m, G, paper_metrics_group_name(m, G, i), "total_pnl");
	ck_assert_double_eq(sum, get(m, "total_pnl"));
	paper_metrics_free(m);
}
END_TEST

START_TEST(trade_edge_cases)
{
	paper_metrics *m = NULL;
	ck_ok(paper_metrics_from_arrays(&m, NULL, 0, NULL, NULL, NULL, 0, NULL));
	ck_assert_double_eq(get(m, "total_trades"), 0);
	ck_assert_double_eq(get(m, "total_pnl"), 0);
	ck_assert_double_eq(get(m, "longest_winning_streak"), 0);
	static const char *const nan_keys[] = { "win_rate", "avg_pnl", "avg_win", "avg_loss",
						"largest_win", "largest_loss", "profit_factor",
						"expectancy", "payoff_ratio", "avg_duration",
						"median_duration", "max_duration" };
	for (size_t i = 0; i < NELEM(nan_keys); i++)
		ck_assert_msg(isnan(get(m, nan_keys[i])), "%s of no trades", nan_keys[i]);
	ck_assert_uint_eq(paper_metrics_group_count(m, PAPER_METRICS_BY_SYMBOL), 0);
	paper_metrics_free(m);

	/* Only breakevens: no profit, no loss. */
	paper_trade_info t[3];
	for (int i = 0; i < 3; i++)
		t[i] = trade("X", "", 0, 0, 1, PAPER_EXIT_NONE, DAY0 + i * HOUR_US);
	ck_ok(paper_metrics_from_arrays(&m, t, 3, NULL, NULL, NULL, 0, NULL));
	ck_assert(isnan(get(m, "profit_factor")));
	ck_assert_double_eq(get(m, "win_rate"), 0);
	ck_assert_double_eq(get(m, "expectancy"), 0);
	ck_assert_double_eq(get(m, "exit_reasons.none"), 3);
	paper_metrics_free(m);
	paper_metrics_options o = PAPER_METRICS_OPTIONS_INIT;
	o.win_rate_basis = PAPER_WIN_RATE_DECIDED;
	ck_ok(paper_metrics_from_arrays(&m, t, 3, NULL, NULL, NULL, 0, &o));
	ck_assert(isnan(get(m, "win_rate"))); /* nothing decided */
	ck_assert(isnan(get(m, "expectancy")));
	paper_metrics_free(m);

	/* All losses. */
	t[0].pnl_net = -1, t[1].pnl_net = -2, t[2].pnl_net = -3;
	ck_ok(paper_metrics_from_arrays(&m, t, 3, NULL, NULL, NULL, 0, NULL));
	ck_assert_double_eq(get(m, "profit_factor"), 0);
	ck_assert_double_eq(get(m, "longest_losing_streak"), 3);
	ck_assert_double_eq(get(m, "expectancy"), -2);
	ck_assert(isnan(get(m, "avg_win")));
	paper_metrics_free(m);

	/* Bad trades are refused, naming the index. */
	m = NULL;
	t[1].pnl_net = NAN;
	ck_assert_int_eq(paper_metrics_from_arrays(&m, t, 3, NULL, NULL, NULL, 0, NULL),
			 PAPER_EINVAL);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "trades[1]"));
	t[1].pnl_net = 1;
	t[2].exit_ts = t[2].entry_ts - 1;
	ck_assert_int_eq(paper_metrics_from_arrays(&m, t, 3, NULL, NULL, NULL, 0, NULL),
			 PAPER_EINVAL);
	t[2].exit_ts = t[2].entry_ts;
	t[2].exit_reason = (paper_exit_reason)42;
	ck_assert_int_eq(paper_metrics_from_arrays(&m, t, 3, NULL, NULL, NULL, 0, NULL),
			 PAPER_EINVAL);
	t[2].exit_reason = PAPER_EXIT_NONE;
	t[0].version = 77;
	ck_assert_int_eq(paper_metrics_from_arrays(&m, t, 3, NULL, NULL, NULL, 0, NULL),
			 PAPER_EVERSION);
	t[0].version = PAPER_TRADE_INFO_VERSION;
	memset(t[0].symbol, 'A', sizeof t[0].symbol);
	ck_assert_int_eq(paper_metrics_from_arrays(&m, t, 3, NULL, NULL, NULL, 0, NULL),
			 PAPER_EINVAL);
	ck_assert_int_eq(paper_metrics_from_arrays(&m, NULL, 3, NULL, NULL, NULL, 0, NULL),
			 PAPER_EINVAL);
	ck_assert_ptr_null(m);
}
END_TEST

START_TEST(key_table)
{
	paper_trade_info t[7];
	seven_trades(t);
	paper_metrics *m = NULL;
	ck_ok(paper_metrics_from_arrays(&m, t, 7, NULL, NULL, NULL, 0, NULL));
	size_t n = paper_metrics_key_count(), trade_keys = 0;
	ck_assert_uint_gt(n, 40);
	for (size_t i = 0; i < n; i++) {
		const char *k = paper_metrics_key_name(i);
		double v;
		ck_assert_ptr_nonnull(k);
		ck_ok(paper_metrics_get(m, k, &v));
		/* Trade keys come first. */
		if (paper_metrics_key_is_trade(k))
			ck_assert_uint_eq(trade_keys++, i);
		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(k, paper_metrics_key_name(j));
	}
	ck_assert_ptr_null(paper_metrics_key_name(n));
	/* The exit reasons are spelled as paper_exit_reason_str() spells them. */
	for (int r = PAPER_EXIT_NONE; r <= PAPER_EXIT_FORCE; r++) {
		char key[64];
		double v;
		snprintf(key, sizeof key, "exit_reasons.%s", paper_exit_reason_str(r));
		ck_ok(paper_metrics_get(m, key, &v));
	}
	/* The names the JSON contract promises. */
	static const char *const promised[] = { "total_trades", "win_rate", "sharpe_ratio",
						"max_drawdown", "profit_factor", "expectancy",
						"sortino_ratio", "calmar_ratio", "annual_return",
						"cagr", "annual_volatility", "downside_risk" };
	for (size_t i = 0; i < NELEM(promised); i++) {
		double v;
		ck_ok(paper_metrics_get(m, promised[i], &v));
	}
	double v;
	ck_assert_int_eq(paper_metrics_get(m, "sharpe", &v), PAPER_ENOTFOUND);
	ck_assert_int_eq(paper_metrics_get(m, NULL, &v), PAPER_EINVAL);
	ck_assert_int_eq(paper_metrics_get(NULL, "wins", &v), PAPER_EINVAL);
	ck_assert_int_eq(paper_metrics_get(m, "wins", NULL), PAPER_EINVAL);
	ck_assert(!paper_metrics_key_is_trade("sharpe_ratio"));
	ck_assert(!paper_metrics_key_is_trade(NULL));
	paper_metrics_free(m);
	paper_metrics_free(NULL);
}
END_TEST

/* ---- the broker's equity curve and the report from a broker ---- */

static void order(paper_broker *b, const char *sym, paper_side side, double qty,
		  const char *strategy, paper_exit_reason reason)
{
	paper_order_request r = PAPER_ORDER_REQUEST_INIT;
	r.symbol = sym;
	r.side = side;
	r.qty = qty;
	r.strategy = strategy;
	r.exit_reason = reason;
	ck_ok(paper_broker_submit(b, &r, NULL));
}

START_TEST(report_from_broker)
{
	paper_broker *b = tu_broker_plain();
	const paper_ts t0 = DAY0 + 14 * HOUR_US, t1 = t0 + DAY_US;
	paper_metrics *m = NULL;

	/* No market data yet: no curve. */
	ck_ok(paper_metrics_from_broker(&m, b, NULL));
	ck_assert_uint_eq(paper_metrics_equity_count(m), 0);
	paper_metrics_free(m);

	ck_ok(paper_broker_on_quote(b, "AAPL", t0, 0, 0, 100)); /* day start: snapshot */
	order(b, "AAPL", PAPER_SIDE_BUY, 10, "trend", PAPER_EXIT_NONE);
	ck_ok(paper_broker_on_quote(b, "AAPL", t0 + HOUR_US, 0, 0, 100));
	order(b, "AAPL", PAPER_SIDE_SELL, 10, NULL, PAPER_EXIT_TAKE_PROFIT);
	ck_ok(paper_broker_on_quote(b, "AAPL", t0 + 2 * HOUR_US, 0, 0, 110)); /* +100 */
	ck_ok(paper_broker_mark(b, "AAPL", t0 + 3 * HOUR_US, 110)); /* snapshot */
	ck_ok(paper_broker_on_quote(b, "MSFT", t1, 0, 0, 50)); /* day start: snapshot */
	order(b, "MSFT", PAPER_SIDE_BUY, 20, "mr", PAPER_EXIT_NONE);
	ck_ok(paper_broker_on_quote(b, "MSFT", t1 + HOUR_US, 0, 0, 50));
	order(b, "MSFT", PAPER_SIDE_SELL, 20, NULL, PAPER_EXIT_STOP_LOSS);
	ck_ok(paper_broker_on_quote(b, "MSFT", t1 + 2 * HOUR_US, 0, 0, 45)); /* -100 */

	/* The broker's own curve: the three snapshots. */
	ck_assert_uint_eq(paper_broker_equity_count(b), 3);
	paper_equity_info e = PAPER_EQUITY_INFO_INIT;
	ck_ok(paper_broker_equity_at(b, 0, &e));
	ck_assert_int_eq(e.ts, t0);
	ck_assert_double_eq(e.equity, 100000);
	ck_assert_double_eq(e.cash, 100000);
	ck_ok(paper_broker_equity_at(b, 1, &e));
	ck_assert_int_eq(e.ts, t0 + 3 * HOUR_US);
	ck_assert_int_eq(e.equity_e8, INT64_C(100100) * PAPER_FIXED_SCALE);
	ck_assert_int_eq(e.cash_e8, INT64_C(100100) * PAPER_FIXED_SCALE);
	ck_ok(paper_broker_equity_at(b, 2, &e));
	ck_assert_int_eq(e.ts, t1);
	ck_assert_int_eq(paper_broker_equity_at(b, 3, &e), PAPER_ERANGE);
	paper_equity_info old = { .version = 5 };
	ck_assert_int_eq(paper_broker_equity_at(b, 0, &old), PAPER_EVERSION);
	ck_assert_int_eq(paper_broker_equity_at(NULL, 0, &e), PAPER_EINVAL);
	ck_assert_uint_eq(paper_broker_equity_count(NULL), 0);

	/* Every point: the snapshots and the account now. */
	paper_metrics_options o = PAPER_METRICS_OPTIONS_INIT;
	o.resample_period = 0;
	ck_ok(paper_metrics_from_broker(&m, b, &o));
	ck_assert_uint_eq(paper_metrics_equity_count(m), 4);
	paper_equity_point p = PAPER_EQUITY_POINT_INIT;
	ck_ok(paper_metrics_equity_at(m, 3, &p));
	ck_assert_int_eq(p.ts, t1 + 2 * HOUR_US);
	ck_assert_double_eq(p.equity, 100000);
	close_to(get(m, "max_drawdown"), -100.0 / 100100, REL, "broker max drawdown");
	ck_assert_double_eq(get(m, "max_drawdown_peak_ts"), (double)t1);
	ck_assert_double_eq(get(m, "max_drawdown_trough_ts"), (double)(t1 + 2 * HOUR_US));
	ck_assert_double_eq(get(m, "total_return"), 0);
	ck_assert_double_eq(get(m, "total_trades"), 2);
	ck_assert_double_eq(get(m, "wins"), 1);
	ck_assert_double_eq(get(m, "losses"), 1);
	ck_assert_double_eq(get(m, "profit_factor"), 1);
	ck_assert_double_eq(get(m, "exit_reasons.take_profit"), 1);
	ck_assert_double_eq(get(m, "exit_reasons.stop_loss"), 1);
	ck_assert_double_eq(get(m, "avg_duration"), 3600);
	paper_account_info a = tu_account(b);
	ck_assert_double_eq(get(m, "total_pnl"), a.realized_pnl - a.fees);
	ck_assert_double_eq(group_get(m, PAPER_METRICS_BY_SYMBOL, "AAPL", "total_pnl"), 100);
	ck_assert_double_eq(group_get(m, PAPER_METRICS_BY_STRATEGY, "mr", "total_pnl"), -100);
	paper_metrics_free(m);

	/* Daily closes (the default): one close per UTC day. */
	ck_ok(paper_metrics_from_broker(&m, b, NULL));
	ck_assert_uint_eq(paper_metrics_equity_count(m), 2);
	close_to(get(m, "total_return"), 100000.0 / 100100 - 1, REL, "close to close");
	paper_metrics_free(m);

	/* A snapshot at the broker's clock is replaced by the account now, not doubled. */
	ck_ok(paper_broker_snapshot(b));
	ck_assert_uint_eq(paper_broker_equity_count(b), 4);
	ck_ok(paper_metrics_from_broker(&m, b, &o));
	ck_assert_uint_eq(paper_metrics_equity_count(m), 4);
	paper_metrics_free(m);

	ck_assert_int_eq(paper_metrics_from_broker(&m, NULL, NULL), PAPER_EINVAL);
	ck_assert_int_eq(paper_metrics_from_broker(NULL, b, NULL), PAPER_EINVAL);
	paper_broker_free(b);
}
END_TEST

START_TEST(equity_history_is_bounded)
{
	paper_config *cfg = tu_config_plain();
	int64_t v = -1;
	ck_ok(paper_config_get_int(cfg, "engine.equity_history", &v));
	ck_assert_int_eq(v, 0); /* all, by default */
	ck_ok(paper_config_set(cfg, "engine.equity_history", "16"));
	ck_assert_int_eq(paper_config_set(cfg, "engine.equity_history", "-1"), PAPER_ECONFIG);
	paper_broker *b = tu_broker(cfg);
	/* The first mark opens the day (one snapshot) and marks (another): 41 in all. */
	for (int i = 0; i < 40; i++)
		ck_ok(paper_broker_mark(b, "X", DAY0 + i * PAPER_TS_PER_SECOND, 10 + i));
	ck_assert_uint_eq(paper_broker_equity_count(b), 16);
	paper_equity_info e = PAPER_EQUITY_INFO_INIT;
	ck_ok(paper_broker_equity_at(b, 0, &e));
	ck_assert_int_eq(e.ts, DAY0 + 24 * PAPER_TS_PER_SECOND);
	ck_ok(paper_broker_equity_at(b, 15, &e));
	ck_assert_int_eq(e.ts, DAY0 + 39 * PAPER_TS_PER_SECOND);
	paper_broker_free(b);
}
END_TEST

/* ---- JSON ---- */


START_TEST(json_export)
{
	paper_trade_info t[7];
	seven_trades(t);
	g_strlcpy(t[3].strategy, "q\"uo\\te\n\x01", sizeof t[3].strategy); /* needs escapes */
	g_strlcpy(t[4].strategy, "caf\xc3\xa9 \xff", sizeof t[4].strategy); /* UTF-8 and not */
	paper_ts ts[] = { DAY0, DAY0 + DAY_US };
	static const double eq[] = { 100000, 100200 };
	paper_metrics *m = NULL;
	ck_ok(paper_metrics_from_arrays(&m, t, 7, ts, eq, NULL, 2, NULL));
	char *json = NULL;
	ck_ok(paper_metrics_to_json(&json, m, 0));
	ck_assert_ptr_nonnull(strstr(json, "\"total_trades\":7,"));
	ck_assert_ptr_nonnull(strstr(json, "\"gross_profit\":350,"));
	ck_assert_ptr_nonnull(strstr(json, "\"sharpe_ratio\":null")); /* one return */
	ck_assert_ptr_nonnull(strstr(json, "\"max_drawdown_peak_ts\":null"));
	ck_assert_ptr_nonnull(strstr(json, "\"start_ts\":1699920000000000,"));
	ck_assert_ptr_nonnull(strstr(json, "\"exit_reasons\":{\"none\":0,\"take_profit\":2,"));
	/* Two points on a Tuesday: 252 from the calendar. */
	ck_assert_ptr_nonnull(strstr(json, "\"conventions\":{\"periods_per_year\":252,"
				     "\"periods_per_year_from\":\"calendar\","));
	ck_assert_ptr_nonnull(strstr(json, "\"years_basis\":\"periods\""));
	ck_assert_ptr_nonnull(strstr(json, "\"ddof\":1"));
	ck_assert_ptr_nonnull(strstr(json, "\"q\\\"uo\\\\te\\u000a\\u0001\":{"));
	ck_assert_ptr_null(strstr(json, "nan"));
	ck_assert_ptr_null(strstr(json, ":inf"));
	ck_assert_ptr_null(strstr(json, ":-inf"));
	ck_assert_ptr_null(strstr(json, "equity_curve"));
	ck_assert_int_eq(json[0], '{');
	ck_assert_int_eq(json[strlen(json) - 1], '}');

	/* A real parser: every key present, values as computed, non-finite as null. */
	GString *checks = g_string_new("assert d['metrics_version']==1\n"
				       "assert d['total_trades']==7\n"
				       "assert d['win_rate']==3/7\n"
				       "assert d['avg_pnl']==200/7\n"
				       "assert d['total_return']==100200/100000-1\n"
				       "assert d['sharpe_ratio'] is None\n"
				       "assert d['conventions']['pnl_basis']=='net'\n"
				       "assert d['conventions']['resample_period_seconds']==86400\n"
				       "assert sorted(d['by_symbol'])==['AAPL','MSFT']\n"
				       "assert 'caf\\u00e9 \\u00ff' in d['by_strategy']\n"
				       "assert d['by_strategy']['trend']['profit_factor'] is None\n"
				       "assert d['by_symbol']['AAPL']['profit_factor']==6\n"
				       /* schema 2: a percent companion for each fraction */
				       "assert d['schema_version']==2\n"
				       "assert d['win_rate_pct']==3/7*100\n"
				       "assert d['by_symbol']['AAPL']['win_rate_pct']=="
				       "d['by_symbol']['AAPL']['win_rate']*100\n"
				       "assert d['total_return_pct']==d['total_return']*100\n"
				       "assert d['max_drawdown']==0 and d['max_drawdown_pct']==0\n"
				       "assert d['cagr_pct']==d['cagr']*100\n"
				       "assert d['best_day_pct']==d['best_day']*100\n");
	for (size_t i = 0; i < paper_metrics_key_count(); i++) {
		const char *k = paper_metrics_key_name(i);
		if (g_str_has_prefix(k, "exit_reasons."))
			g_string_append_printf(checks, "assert '%s' in d['exit_reasons']\n",
					       k + strlen("exit_reasons."));
		else
			g_string_append_printf(checks, "assert '%s' in d\n", k);
	}
	ck_assert_msg(tu_python_accepts(json, checks->str), "python rejected: %s", json);
	g_string_free(checks, TRUE);

	/* The caller's buffer: too small is refused with the length needed, exact fits. */
	size_t need = 0;
	char small[16] = "untouched";
	ck_assert_int_eq(paper_metrics_write_json(m, 0, small, sizeof small, &need), PAPER_ERANGE);
	ck_assert_uint_eq(need, strlen(json));
	ck_assert_str_eq(small, "untouched");
	ck_assert_int_eq(paper_metrics_write_json(m, 0, NULL, 0, &need), PAPER_ERANGE);
	char *buf = g_malloc(need + 1);
	ck_ok(paper_metrics_write_json(m, 0, buf, need + 1, NULL));
	ck_assert_str_eq(buf, json);
	g_free(buf);
	paper_string_free(json);

	/* With the curve. */
	ck_ok(paper_metrics_to_json(&json, m, PAPER_METRICS_JSON_EQUITY_CURVE));
	ck_assert_ptr_nonnull(strstr(json, "\"equity_curve\":[{\"ts\":1699920000000000,"
					   "\"equity\":100000,\"cash\":null,\"drawdown\":0,"
					   "\"drawdown_pct\":0},"));
	ck_assert_msg(tu_python_accepts(json, "assert len(d['equity_curve'])==2\n"
				     "assert d['equity_curve'][1]['equity']==100200\n"),
		      "python rejected the curve: %s", json);
	paper_string_free(json);

	ck_assert_int_eq(paper_metrics_to_json(&json, m, 0x80), PAPER_EINVAL);
	ck_assert_int_eq(paper_metrics_to_json(NULL, m, 0), PAPER_EINVAL);
	ck_assert_int_eq(paper_metrics_to_json(&json, NULL, 0), PAPER_EINVAL);
	ck_assert_int_eq(paper_metrics_write_json(m, 0, NULL, 10, NULL), PAPER_EINVAL);
	paper_string_free(NULL);
	paper_metrics_free(m);
}
END_TEST

START_TEST(json_numbers_round_trip)
{
	/* Values that need all 17 digits to read back. */
	static const double eq[] = { 100000.1, 100000.3, 0.1 + 0.2 };
	paper_ts ts[] = { DAY0, DAY0 + DAY_US, DAY0 + 2 * DAY_US };
	paper_metrics *m = NULL;
	ck_ok(paper_metrics_from_arrays(&m, NULL, 0, ts, eq, NULL, 3, NULL));
	char *json = NULL;
	ck_ok(paper_metrics_to_json(&json, m, PAPER_METRICS_JSON_EQUITY_CURVE));
	char *check = g_strdup_printf("assert d['total_return']==float.fromhex('%a')\n"
				      "assert d['sharpe_ratio']==float.fromhex('%a')\n"
				      "assert d['equity_curve'][2]['equity']==0.1+0.2\n",
				      get(m, "total_return"), get(m, "sharpe_ratio"));
	ck_assert_msg(tu_python_accepts(json, check), "round trip failed: %s", json);
	g_free(check);
	paper_string_free(json);
	paper_metrics_free(m);
}
END_TEST

/* ---- quant statistics (libpaper 1.1): empyrical, quantstats and pandas definitions ---- */

/*
 * Twelve daily returns and a benchmark. The expected values below were computed with Debian
 * 12's numpy 1.24, pandas 1.5 and scipy 1.10 from empyrical's and quantstats' formulas:
 *   beta = mean((b - mean b) r) / mean((b - mean b)^2); alpha = (1 + mean(r - rf - beta (b -
 *   rf)))^252 - 1; omega: x = r - rf - ((1 + req)^(1/252) - 1), sum(x > 0) / -sum(x < 0);
 *   stability = scipy.stats.linregress(arange(n), log1p(r).cumsum()).rvalue^2;
 *   tail = |np.percentile(r, 95)| / |np.percentile(r, 5)|; var = np.percentile(r, 5);
 *   cvar = mean(np.partition(r, k)[:k + 1]), k = int((n - 1) 0.05);
 *   skew / kurtosis = pandas.Series(r).skew() / .kurt(); es = mean(r - b) / std(r - b, 1).
 */
static const double Q12[] = { 0.012, -0.008, 0.004, 0.021, -0.017, 0.003,
			      -0.002, 0.009, -0.011, 0.015, 0.006, -0.004 };
static const double B12[] = { 0.010, -0.005, 0.002, 0.015, -0.012, 0.004,
			      -0.001, 0.006, -0.009, 0.011, 0.003, -0.002 };

static double pure1(int (*f)(double *, const double *, size_t), const double *r, size_t n)
{
	double v = -12345;
	ck_ok(f(&v, r, n));
	return v;
}

static double pure_cut(int (*f)(double *, const double *, size_t, double), const double *r,
		       size_t n, double cutoff)
{
	double v = -12345;
	ck_ok(f(&v, r, n, cutoff));
	return v;
}

START_TEST(quant_functions_equal_the_references)
{
	double v, a, b;
	close_to(pure1(paper_skew, Q12, 12), -0.09659450862138742, REL, "skew");
	close_to(pure1(paper_kurtosis, Q12, 12), -0.6052714581184926, 1e-11, "kurtosis");
	close_to(pure1(paper_tail_ratio, Q12, 12), 1.2919708029197077, REL, "tail_ratio");
	close_to(pure_cut(paper_value_at_risk, Q12, 12, 0.05), -0.0137, REL, "var 5%");
	close_to(pure_cut(paper_value_at_risk, Q12, 12, 0.25), -0.005, REL, "var 25%");
	close_to(pure_cut(paper_conditional_value_at_risk, Q12, 12, 0.05), -0.017, REL, "cvar 5%");
	close_to(pure_cut(paper_conditional_value_at_risk, Q12, 12, 0.25), -0.012, REL, "cvar 25%");
	close_to(pure1(paper_stability_of_timeseries, Q12, 12), 0.42935166692906734, REL,
		 "stability");
	ck_ok(paper_omega_ratio(&v, Q12, 12, 0, 0, 252));
	close_to(v, 1.6666666666666665, REL, "omega");
	ck_ok(paper_omega_ratio(&v, Q12, 12, 0.0002, 0.1, 252));
	close_to(v, 1.46914434168743, REL, "omega rf, required");
	ck_ok(paper_alpha_beta(&a, &b, Q12, B12, 12, 0, 252));
	close_to(b, 1.3693155718879189, REL, "beta");
	close_to(a, -0.04364657768722857, REL, "alpha");
	ck_ok(paper_alpha(&v, Q12, B12, 12, 0.0001, 252));
	close_to(v, -0.034703061630301124, REL, "alpha rf");
	ck_ok(paper_beta(&v, Q12, B12, 12));
	close_to(v, 1.3693155718879189, REL, "beta alone");
	ck_ok(paper_excess_sharpe(&v, Q12, B12, 12));
	close_to(v, 0.15201724802626504, REL, "excess sharpe");
	ck_ok(paper_information_ratio(&v, Q12, B12, 12));
	close_to(v, 0.15201724802626504, REL, "information ratio");
}
END_TEST

START_TEST(quant_leading_nan_is_dropped)
{
	double with_nan[14] = { NAN, NAN }, bench_nan[14] = { NAN, 0.5 }, x, y;
	memcpy(with_nan + 2, Q12, sizeof Q12);
	memcpy(bench_nan + 2, B12, sizeof B12);
	ck_assert_double_eq(pure1(paper_skew, with_nan, 14), pure1(paper_skew, Q12, 12));
	ck_assert_double_eq(pure1(paper_tail_ratio, with_nan, 14), pure1(paper_tail_ratio, Q12, 12));
	ck_ok(paper_sharpe_ratio(&x, with_nan, 14, 0, 252));
	ck_ok(paper_sharpe_ratio(&y, Q12, 12, 0, 252));
	ck_assert_double_eq(x, y);
	ck_ok(paper_max_drawdown(&x, with_nan, 14));
	ck_ok(paper_max_drawdown(&y, Q12, 12));
	ck_assert_double_eq(x, y);
	/* Two series: a position where either is NaN, at the start, is dropped. */
	ck_ok(paper_beta(&x, with_nan, bench_nan, 14));
	ck_ok(paper_beta(&y, Q12, B12, 12));
	ck_assert_double_eq(x, y);
	/* Only NaN: nothing left. */
	static const double all_nan[] = { NAN, NAN, NAN };
	ck_assert(isnan(pure1(paper_skew, all_nan, 3)));
	ck_ok(paper_sharpe_ratio(&x, all_nan, 3, 0, 252));
	ck_assert(isnan(x));
	/* A NaN after the first number is refused, naming its index; nothing is written. */
	double mid[] = { NAN, 0.01, NAN, 0.02 };
	x = 7;
	ck_assert_int_eq(paper_skew(&x, mid, 4), PAPER_EINVAL);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "returns[2]"));
	ck_assert_int_eq(paper_sharpe_ratio(&x, mid, 4, 0, 252), PAPER_EINVAL);
	ck_assert_int_eq(paper_alpha_beta(&x, NULL, Q12, mid, 4, 0, 252), PAPER_EINVAL);
	ck_assert_int_eq(paper_value_at_risk(&x, Q12, 12, 1.5), PAPER_EINVAL);
	ck_assert_int_eq(paper_value_at_risk(&x, Q12, 12, NAN), PAPER_EINVAL);
	ck_assert_int_eq(paper_omega_ratio(&x, Q12, 12, 0, 0, 0), PAPER_EINVAL);
	ck_assert_int_eq(paper_alpha(&x, Q12, NULL, 12, 0, 252), PAPER_EINVAL);
	ck_assert_int_eq(paper_skew(NULL, Q12, 12), PAPER_EINVAL);
	ck_assert_double_eq(x, 7);
}
END_TEST

START_TEST(quant_edge_cases)
{
	static const double one[] = { 0.01 }, two[] = { 0.01, -0.02 }, three[] = { 0.01, 0.03, -0.02 };
	static const double flat[] = { 0.004, 0.004, 0.004, 0.004, 0.004 };
	static const double up[] = { 0.01, 0.02, 0.005, 0.03 };
	double v, a, b;

	/* Empty: NaN for every statistic (the pure functions accept a NULL array with n = 0). */
	ck_assert(isnan(pure1(paper_skew, NULL, 0)));
	ck_assert(isnan(pure1(paper_kurtosis, NULL, 0)));
	ck_assert(isnan(pure1(paper_tail_ratio, NULL, 0)));
	ck_assert(isnan(pure_cut(paper_value_at_risk, NULL, 0, 0.05)));
	ck_assert(isnan(pure_cut(paper_conditional_value_at_risk, NULL, 0, 0.05)));
	ck_assert(isnan(pure1(paper_stability_of_timeseries, NULL, 0)));
	ck_ok(paper_omega_ratio(&v, NULL, 0, 0, 0, 252));
	ck_assert(isnan(v));
	ck_ok(paper_alpha_beta(&a, &b, NULL, NULL, 0, 0, 252));
	ck_assert(isnan(a) && isnan(b));
	/* One point: the order statistics are that return; the rest need more. */
	ck_assert_double_eq(pure_cut(paper_value_at_risk, one, 1, 0.05), 0.01);
	ck_assert_double_eq(pure_cut(paper_conditional_value_at_risk, one, 1, 0.05), 0.01);
	ck_assert_double_eq(pure1(paper_tail_ratio, one, 1), 1.0);
	ck_assert(isnan(pure1(paper_stability_of_timeseries, one, 1)));
	ck_ok(paper_omega_ratio(&v, one, 1, 0, 0, 252));
	ck_assert(isnan(v));
	ck_ok(paper_alpha_beta(&a, &b, one, one, 1, 0, 252));
	ck_assert(isnan(a) && isnan(b));
	ck_ok(paper_excess_sharpe(&v, one, one, 1));
	ck_assert(isnan(v));
	/* pandas: skew needs 3 values, kurtosis 4. */
	ck_assert(isnan(pure1(paper_skew, two, 2)));
	ck_assert(!isnan(pure1(paper_skew, three, 3)));
	ck_assert(isnan(pure1(paper_kurtosis, three, 3)));
	/* All equal: pandas gives 0 for skew and kurtosis; a flat benchmark has no beta. */
	ck_assert_double_eq(pure1(paper_skew, flat, 5), 0.0);
	ck_assert_double_eq(pure1(paper_kurtosis, flat, 5), 0.0);
	ck_ok(paper_alpha_beta(&a, &b, Q12, flat, 5, 0, 252));
	ck_assert(isnan(a) && isnan(b));
	/* Zero tracking error: +-inf by the sign of the mean active return (numpy's division). */
	ck_ok(paper_excess_sharpe(&v, flat, flat, 5));
	ck_assert(isnan(v));
	static const double flat2[] = { 0.005, 0.005, 0.005, 0.005, 0.005 };
	ck_ok(paper_excess_sharpe(&v, flat2, flat, 5));
	ck_assert(isinf(v) && v > 0);
	/* No return below the threshold: empyrical's omega is NaN. */
	ck_ok(paper_omega_ratio(&v, up, 4, 0, 0, 252));
	ck_assert(isnan(v));
	ck_ok(paper_omega_ratio(&v, up, 4, 0, -1, 252));
	ck_assert(isnan(v));
	ck_ok(paper_omega_ratio(&v, up, 4, 0, 0.01, 1)); /* per period as given */
	close_to(v, (0.01 + 0.02) / 0.005, REL, "omega annualization 1");
	/* A 5th percentile of 0: numpy's |p95| / 0 is +inf. */
	static const double zeros_then_gain[] = { 0, 0, 0, 0, 0.02 };
	ck_assert(isinf(pure1(paper_tail_ratio, zeros_then_gain, 5)));
	static const double zeros[] = { 0, 0, 0 };
	ck_assert(isnan(pure1(paper_tail_ratio, zeros, 3)));
	/* Stability: a flat cumulative log return is 0 (scipy's linregress); a total loss NaN. */
	ck_assert_double_eq(pure1(paper_stability_of_timeseries, zeros, 3), 0.0);
	static const double ruin[] = { 0.01, -1.0, 0.02 };
	ck_assert(isnan(pure1(paper_stability_of_timeseries, ruin, 3)));
	ck_assert_double_eq(pure1(paper_stability_of_timeseries, two, 2), 1.0);
	ck_assert_double_eq(pure_cut(paper_value_at_risk, Q12, 12, 0), -0.017);
	ck_assert_double_eq(pure_cut(paper_value_at_risk, Q12, 12, 1), 0.021);
}
END_TEST

/* n daily equity points from DAY0 (a Tuesday), compounding r, every step_days days. */
static void daily_curve(paper_ts *ts, double *eq, const double *r, size_t n_returns, int step)
{
	ts[0] = DAY0;
	eq[0] = 100;
	for (size_t i = 0; i < n_returns; i++) {
		ts[i + 1] = ts[i] + step * DAY_US;
		eq[i + 1] = eq[i] * (1 + r[i]);
	}
}

START_TEST(quant_report_keys)
{
	paper_ts ts[13];
	double eq[13];
	daily_curve(ts, eq, Q12, 12, 1);
	paper_metrics *m = NULL;
	ck_ok(paper_metrics_from_arrays(&m, NULL, 0, ts, eq, NULL, 13, NULL));
	/* Returns from the curve: equal to the pure functions over Q12 up to rounding. */
	close_to(get(m, "skew"), pure1(paper_skew, Q12, 12), 1e-9, "skew");
	close_to(get(m, "tail_ratio"), pure1(paper_tail_ratio, Q12, 12), 1e-9, "tail");
	close_to(get(m, "value_at_risk"), -0.0137, 1e-9, "var");
	close_to(get(m, "conditional_value_at_risk"), -0.017, 1e-9, "cvar");
	close_to(get(m, "stability_of_timeseries"), 0.42935166692906734, 1e-9, "stability");
	close_to(get(m, "omega_ratio"), 1.6666666666666665, 1e-9, "omega");
	close_to(get(m, "best_day"), 0.021, 1e-9, "best");
	close_to(get(m, "worst_day"), -0.017, 1e-9, "worst");
	/* quantstats: sqrt(sum dd^2 / (n - 1)); |sum r| / |max drawdown|; periods r != 0. */
	close_to(get(m, "ulcer_index"), 0.010571232298183438, 1e-9, "ulcer");
	close_to(get(m, "recovery_factor"), 1.5479648572931248, 1e-9, "recovery");
	ck_assert_double_eq(get(m, "exposure"), 1.0);
	ck_assert_double_eq(get(m, "consecutive_wins"), 2);
	ck_assert_double_eq(get(m, "consecutive_losses"), 1);
	ck_assert(isnan(get(m, "alpha")) && isnan(get(m, "beta")));
	ck_assert(isnan(get(m, "information_ratio")));
	/* Thirteen consecutive days hold two Saturdays: 365 periods a year, from the calendar. */
	paper_metrics_options o = PAPER_METRICS_OPTIONS_INIT;
	ck_ok(paper_metrics_options_get(m, &o));
	ck_assert_double_eq(o.periods_per_year, 365);
	double sharpe;
	ck_ok(paper_sharpe_ratio(&sharpe, Q12, 12, 0, 365));
	close_to(get(m, "sharpe_ratio"), sharpe, 1e-9, "sharpe at 365");
	/* A version 1 reader sees the same, with its own version. */
	paper_metrics_options o1;
	ck_ok(paper_metrics_options_init(&o1, 1));
	ck_ok(paper_metrics_options_get(m, &o1));
	ck_assert_uint_eq(o1.version, 1);
	ck_assert_double_eq(o1.periods_per_year, 365);
	paper_metrics_free(m);

	/* The options' periods_per_year comes first. */
	o = (paper_metrics_options)PAPER_METRICS_OPTIONS_INIT;
	o.periods_per_year = 12;
	ck_ok(paper_metrics_from_arrays(&m, NULL, 0, ts, eq, NULL, 13, &o));
	char *json = NULL;
	ck_ok(paper_metrics_to_json(&json, m, 0));
	ck_assert_ptr_nonnull(strstr(json, "\"periods_per_year\":12,\"periods_per_year_from\":"
				     "\"options\""));
	ck_assert_ptr_nonnull(strstr(json, "\"kurtosis\":"));
	paper_string_free(json);
	paper_metrics_free(m);

	/* Empty and one-point curves: every distribution statistic NaN or 0, no crash. */
	ck_ok(paper_metrics_from_arrays(&m, NULL, 0, NULL, NULL, NULL, 0, NULL));
	ck_assert(isnan(get(m, "value_at_risk")) && isnan(get(m, "ulcer_index")));
	ck_assert_double_eq(get(m, "consecutive_wins"), 0);
	paper_metrics_free(m);
	ck_ok(paper_metrics_from_arrays(&m, NULL, 0, ts, eq, NULL, 1, NULL));
	ck_assert(isnan(get(m, "best_day")) && isnan(get(m, "recovery_factor")));
	paper_metrics_free(m);
	/* The accumulator refuses them with a message that says where to get them. */
	paper_series_acc *acc = NULL;
	double v;
	ck_ok(paper_series_acc_new(&acc, NULL));
	for (size_t i = 0; i < NELEM(whole_series_keys); i++)
		ck_assert_int_eq(paper_series_acc_get(acc, whole_series_keys[i], &v), PAPER_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "report"));
	paper_series_acc_free(acc);
}
END_TEST

START_TEST(quant_benchmark)
{
	paper_ts ts[13], bts[14];
	double eq[13], bret[14];
	daily_curve(ts, eq, Q12, 12, 1);
	paper_metrics *m = NULL, *mb = NULL;
	ck_ok(paper_metrics_from_arrays(&m, NULL, 0, ts, eq, NULL, 13, NULL));
	/* The benchmark's returns end at 16:00 on each day: the same daily periods. Its first
	   return is pct_change()'s NaN, dated the first day. */
	bts[0] = DAY0 + 16 * HOUR_US;
	bret[0] = NAN;
	for (int i = 0; i < 12; i++) {
		bts[i + 1] = ts[i + 1] + 16 * HOUR_US;
		bret[i + 1] = B12[i];
	}
	ck_ok(paper_metrics_with_benchmark(&mb, m, bts, bret, 13));
	double a, b;
	ck_ok(paper_alpha_beta(&a, &b, Q12, B12, 12, 0, 365));
	close_to(get(mb, "beta"), b, 1e-9, "beta");
	close_to(get(mb, "alpha"), a, 1e-9, "alpha");
	close_to(get(mb, "information_ratio"), 0.15201724802626504, 1e-9, "ir");
	/* Everything else is the report's, and the original is unchanged. */
	close_to(get(mb, "sharpe_ratio"), get(m, "sharpe_ratio"), 0, "sharpe");
	ck_assert_uint_eq(paper_metrics_equity_count(mb), 13);
	ck_assert(isnan(get(m, "beta")));
	paper_metrics_free(mb);

	/* A day missing on the benchmark side: that pair is left out, as pandas aligns. */
	paper_ts gts[11];
	double gret[11];
	double rq[11], rb[11];
	for (int i = 0, k = 0; i < 12; i++) {
		if (i == 4)
			continue;
		gts[k] = bts[i + 1];
		gret[k] = B12[i];
		rq[k] = Q12[i];
		rb[k++] = B12[i];
	}
	ck_ok(paper_metrics_with_benchmark(&mb, m, gts, gret, 11));
	ck_ok(paper_alpha_beta(&a, &b, rq, rb, 11, 0, 365));
	close_to(get(mb, "beta"), b, 1e-9, "beta with a gap");
	paper_metrics_free(mb);

	/* No benchmark return at all: NaN. Bad input: refused, nothing made. */
	ck_ok(paper_metrics_with_benchmark(&mb, m, NULL, NULL, 0));
	ck_assert(isnan(get(mb, "beta")));
	paper_metrics_free(mb);
	mb = NULL;
	paper_ts back[] = { ts[2], ts[1] };
	double two[] = { 0.01, 0.02 }, mid_nan[] = { 0.01, NAN };
	ck_assert_int_eq(paper_metrics_with_benchmark(&mb, m, back, two, 2), PAPER_ETIME);
	ck_assert_int_eq(paper_metrics_with_benchmark(&mb, m, ts + 1, mid_nan, 2), PAPER_EINVAL);
	ck_assert_int_eq(paper_metrics_with_benchmark(&mb, NULL, ts, two, 2), PAPER_EINVAL);
	ck_assert_int_eq(paper_metrics_with_benchmark(&mb, m, NULL, two, 2), PAPER_EINVAL);
	ck_assert_ptr_null(mb);
	paper_metrics_free(m);
}
END_TEST

START_TEST(periods_per_year_from_the_calendar)
{
	enum { N = 60 };
	paper_ts ts[N];
	double v;
	/* Every day (crypto): 365. */
	for (int i = 0; i < N; i++)
		ts[i] = DAY0 + i * DAY_US;
	ck_ok(paper_periods_per_year_from_calendar(&v, ts, N));
	ck_assert_double_eq(v, 365);
	/* Weekdays only: 252. DAY0 is a Tuesday: (i + 2) % 7 is 0 on Sundays, 6 on Saturdays. */
	int k = 0;
	for (int i = 0; k < N; i++)
		if ((i + 2) % 7 != 0 && (i + 2) % 7 != 6)
			ts[k++] = DAY0 + i * DAY_US + 20 * HOUR_US;
	ck_ok(paper_periods_per_year_from_calendar(&v, ts, N));
	ck_assert_double_eq(v, 252);
	/* Sunday evening opens (FX, futures) do not count: Monday to Friday plus Sunday. */
	k = 0;
	for (int i = 0; k < N; i++)
		if ((i + 2) % 7 != 6)
			ts[k++] = DAY0 + i * DAY_US + 22 * HOUR_US;
	ck_ok(paper_periods_per_year_from_calendar(&v, ts, N));
	ck_assert_double_eq(v, 252);
	/* One stray Saturday among 60 weekdays: still 252; one in seven days: 365. */
	paper_ts stray[N + 1];
	memcpy(stray, ts, sizeof ts);
	k = 0;
	for (int i = 0; k < N; i++)
		if (((i + 2) % 7 != 0 && (i + 2) % 7 != 6) || i == 4)
			stray[k++] = DAY0 + i * DAY_US;
	ck_ok(paper_periods_per_year_from_calendar(&v, stray, N));
	ck_assert_double_eq(v, 252);
	k = 0;
	for (int i = 0; k < N; i++)
		if ((i + 2) % 7 != 0)
			stray[k++] = DAY0 + i * DAY_US; /* every day but Sunday */
	ck_ok(paper_periods_per_year_from_calendar(&v, stray, N));
	ck_assert_double_eq(v, 365);
	/* Intraday points count their day once. */
	for (int i = 0; i < N; i++)
		ts[i] = DAY0 + 4 * DAY_US + i * MIN_US; /* all on Saturday */
	ck_ok(paper_periods_per_year_from_calendar(&v, ts, N));
	ck_assert_double_eq(v, 365);
	ck_ok(paper_periods_per_year_from_calendar(&v, NULL, 0));
	ck_assert_double_eq(v, 252);
	paper_ts back[] = { DAY0 + DAY_US, DAY0 };
	ck_assert_int_eq(paper_periods_per_year_from_calendar(&v, back, 2), PAPER_ETIME);
	ck_assert_int_eq(paper_periods_per_year_from_calendar(NULL, back, 2), PAPER_EINVAL);

	/* The accumulator of equity points decides the same way; of returns, 252. */
	paper_ts cts[13];
	double eq[13];
	daily_curve(cts, eq, Q12, 12, 1);
	paper_series_acc *acc = NULL;
	ck_ok(paper_series_acc_new(&acc, NULL));
	ck_ok(paper_series_acc_add_equity_array(acc, cts, eq, 13));
	double sharpe;
	ck_ok(paper_sharpe_ratio(&sharpe, Q12, 12, 0, 365));
	close_to(acc_get(acc, "sharpe_ratio"), sharpe, 1e-9, "acc sharpe at 365");
	paper_series_acc_reset(acc);
	for (int i = 0; i < 13; i++)
		ck_ok(paper_series_acc_add_equity(acc, cts[i], eq[i]));
	close_to(acc_get(acc, "sharpe_ratio"), sharpe, 1e-9, "acc sharpe one by one");
	paper_series_acc_free(acc);
	ck_ok(paper_series_acc_new(&acc, NULL));
	ck_ok(paper_series_acc_add_returns(acc, Q12, 12));
	ck_ok(paper_sharpe_ratio(&sharpe, Q12, 12, 0, 252));
	close_to(acc_get(acc, "sharpe_ratio"), sharpe, 1e-12, "acc returns at 252");
	paper_series_acc_free(acc);
}
END_TEST

START_TEST(periods_per_year_from_the_broker_config)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "metrics.periods_per_year", "12"));
	paper_broker *b = tu_broker(cfg);
	ck_ok(paper_broker_on_quote(b, "AAPL", DAY0 + 14 * HOUR_US, 0, 0, 100));
	ck_ok(paper_broker_on_quote(b, "AAPL", DAY0 + DAY_US + 14 * HOUR_US, 0, 0, 100));
	paper_metrics *m = NULL;
	ck_ok(paper_metrics_from_broker(&m, b, NULL));
	paper_metrics_options o = PAPER_METRICS_OPTIONS_INIT;
	ck_ok(paper_metrics_options_get(m, &o));
	ck_assert_double_eq(o.periods_per_year, 12);
	paper_metrics_free(m);
	/* Options that set it win over the config. */
	o = (paper_metrics_options)PAPER_METRICS_OPTIONS_INIT;
	o.periods_per_year = 52;
	ck_ok(paper_metrics_from_broker(&m, b, &o));
	ck_ok(paper_metrics_options_get(m, &o));
	ck_assert_double_eq(o.periods_per_year, 52);
	paper_metrics_free(m);
	paper_broker_free(b);
	cfg = tu_config_plain();
	ck_assert_int_eq(paper_config_set(cfg, "metrics.periods_per_year", "-1"), PAPER_ECONFIG);
	paper_config_free(cfg);
}
END_TEST

START_TEST(kelly_criterion)
{
	paper_trade_info t[4];
	static const double pnl[] = { 100, -40, 50, 0 };
	for (int i = 0; i < 4; i++) {
		t[i] = (paper_trade_info)PAPER_TRADE_INFO_INIT;
		strcpy(t[i].symbol, "AAPL");
		t[i].pnl_net = t[i].pnl_gross = pnl[i];
		t[i].entry_ts = DAY0;
		t[i].exit_ts = DAY0 + HOUR_US;
	}
	paper_metrics *m = NULL;
	ck_ok(paper_metrics_from_arrays(&m, t, 4, NULL, NULL, NULL, 0, NULL));
	/* p = 2 / 3 of the decided trades, payoff 75 / 40: p - (1 - p) / payoff. */
	close_to(get(m, "kelly_criterion"), 2.0 / 3 - (1.0 / 3) / (75.0 / 40), REL, "kelly");
	close_to(group_get(m, PAPER_METRICS_BY_SYMBOL, "AAPL", "kelly_criterion"),
		 2.0 / 3 - (1.0 / 3) / (75.0 / 40), REL, "kelly per symbol");
	paper_metrics_free(m);
	/* Only wins: no payoff ratio, no Kelly fraction. */
	ck_ok(paper_metrics_from_arrays(&m, t, 1, NULL, NULL, NULL, 0, NULL));
	ck_assert(isnan(get(m, "kelly_criterion")));
	paper_metrics_free(m);
}
END_TEST

/* Bailey and Lopez de Prado's PSR and MinTRL: the brief's vector, computed in Python with the
   paper's formulas (ddof-1 Sharpe ratio, population skewness, non-excess kurtosis). */
static const double PSR14[] = { 0.01,  -0.005, 0.004, 0.006, -0.002, 0.003, 0.008,
				-0.004, 0.005, 0.002, -0.001, 0.007, 0.003, -0.003 };

START_TEST(psr_and_min_track_record_by_hand)
{
	struct {
		double sr_star, psr, mintrl;
	} want[] = {
		{ 0.0, 0.9569247075970444, 12.943499925468533 },
		{ 1.0 / 15.874507866387544, 0.9331601988836251, 16.637275328222422 }, /* 1 / sqrt(252) */
		{ 1.5 / 19.104973174542799, 0.9259753521657438, 17.810758389219195 }, /* 1.5 / sqrt(365) */
	};
	for (size_t i = 0; i < NELEM(want); i++) {
		double psr = -1, trl = -1;
		ck_ok(paper_probabilistic_sharpe_ratio(&psr, PSR14, 14, want[i].sr_star));
		ck_ok(paper_min_track_record_length(&trl, PSR14, 14, want[i].sr_star, 0.95));
		close_to(psr, want[i].psr, 1e-12, "psr");
		close_to(trl, want[i].mintrl, 1e-12, "mintrl");
		/* n >= MinTRL exactly when PSR >= the confidence. */
		ck_assert_int_eq(14 >= trl, psr >= 0.95);
	}
	/* The confidence's quantile: z(0.95) = 1.6448536269514722, so MinTRL(0) at 0.975 uses
	   z = 1.959963984540054. */
	double trl95 = 0, trl975 = 0;
	ck_ok(paper_min_track_record_length(&trl95, PSR14, 14, 0.0, 0.95));
	ck_ok(paper_min_track_record_length(&trl975, PSR14, 14, 0.0, 0.975));
	double k = 1.959963984540054 / 1.6448536269514722;
	close_to(trl975 - 1, (trl95 - 1) * k * k, 1e-12, "mintrl scales with z^2");
	/* Leading NaNs are dropped, as everywhere. */
	double nan14[15] = { NAN };
	memcpy(nan14 + 1, PSR14, sizeof PSR14);
	double v = 0;
	ck_ok(paper_probabilistic_sharpe_ratio(&v, nan14, 15, 0.0));
	close_to(v, want[0].psr, 1e-12, "psr after a leading NaN");
}
END_TEST

START_TEST(psr_edge_cases)
{
	double v = 0;
	const double one[] = { 0.01 }, same[] = { 0.01, 0.01, 0.01 }, bad[] = { 0.01, NAN, 0.02 };
	/* Too little data, no spread: NaN. */
	ck_ok(paper_probabilistic_sharpe_ratio(&v, NULL, 0, 0.0));
	ck_assert(isnan(v));
	ck_ok(paper_probabilistic_sharpe_ratio(&v, one, 1, 0.0));
	ck_assert(isnan(v));
	ck_ok(paper_probabilistic_sharpe_ratio(&v, same, 3, 0.0));
	ck_assert(isnan(v));
	ck_ok(paper_min_track_record_length(&v, same, 3, 0.0, 0.95));
	ck_assert(isnan(v));
	/* A benchmark the Sharpe ratio does not beat: no track record is long enough. */
	ck_ok(paper_min_track_record_length(&v, PSR14, 14, 0.6, 0.95));
	ck_assert(isinf(v) && v > 0);
	ck_ok(paper_probabilistic_sharpe_ratio(&v, PSR14, 14, 0.6));
	ck_assert(v < 0.5);
	/* Bad input changes nothing. */
	v = 42;
	ck_assert_int_eq(paper_probabilistic_sharpe_ratio(&v, bad, 3, 0.0), PAPER_EINVAL);
	ck_assert_int_eq(paper_probabilistic_sharpe_ratio(&v, PSR14, 14, NAN), PAPER_EINVAL);
	ck_assert_int_eq(paper_probabilistic_sharpe_ratio(NULL, PSR14, 14, 0.0), PAPER_EINVAL);
	ck_assert_int_eq(paper_probabilistic_sharpe_ratio(&v, NULL, 3, 0.0), PAPER_EINVAL);
	ck_assert_int_eq(paper_min_track_record_length(&v, PSR14, 14, 0.0, 1.0), PAPER_EINVAL);
	ck_assert_int_eq(paper_min_track_record_length(&v, PSR14, 14, 0.0, 0.0), PAPER_EINVAL);
	ck_assert_int_eq(paper_min_track_record_length(&v, PSR14, 14, 0.0, NAN), PAPER_EINVAL);
	ck_assert_int_eq(paper_min_track_record_length(&v, PSR14, 14, INFINITY, 0.95), PAPER_EINVAL);
	ck_assert_double_eq(v, 42);
}
END_TEST

/* The report's PSR(0) and MinTRL(0, 95%) are the pure functions over its returns. */
START_TEST(psr_report_keys)
{
	paper_ts ts[15];
	double eq[15];
	eq[0] = 100000;
	ts[0] = DAY0;
	for (size_t i = 0; i < 14; i++) {
		ts[i + 1] = DAY0 + (paper_ts)(i + 1) * DAY_US;
		eq[i + 1] = eq[i] * (1 + PSR14[i]);
	}
	paper_metrics *m = NULL;
	ck_ok(paper_metrics_from_arrays(&m, NULL, 0, ts, eq, NULL, 15, NULL));
	ck_assert_uint_eq(paper_metrics_return_count(m), 14);
	close_to(get(m, "probabilistic_sharpe_ratio"), 0.9569247075970444, 1e-9, "report psr");
	close_to(get(m, "min_track_record_length"), 12.943499925468533, 1e-8, "report mintrl");
	/* Schema 2: the drawdown as a positive percent, beside the negative fraction. */
	char *json = NULL;
	ck_ok(paper_metrics_to_json(&json, m, PAPER_METRICS_JSON_EQUITY_CURVE));
	ck_assert_msg(tu_python_accepts(json, "assert d['max_drawdown'] < 0\n"
				     "assert d['max_drawdown_pct'] == -d['max_drawdown'] * 100\n"
				     "assert d['probabilistic_sharpe_ratio'] > 0.95\n"
				     "assert all(p['drawdown_pct'] == -p['drawdown'] * 100 + 0.0 "
				     "for p in d['equity_curve'])\n"
				     "assert any(p['drawdown_pct'] > 0 for p in d['equity_curve'])\n"),
		      "python rejected: %s", json);
	paper_string_free(json);
	paper_metrics_free(m);
	/* Two points: one return, no PSR. */
	ck_ok(paper_metrics_from_arrays(&m, NULL, 0, ts, eq, NULL, 2, NULL));
	ck_assert(isnan(get(m, "probabilistic_sharpe_ratio")));
	ck_assert(isnan(get(m, "min_track_record_length")));
	paper_metrics_free(m);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("series");
	tcase_add_test(tc, options_defaults_and_validation);
	tcase_add_test(tc, sharpe_by_hand);
	tcase_add_test(tc, sortino_and_downside_by_hand);
	tcase_add_test(tc, annual_return_drawdown_calmar_by_hand);
	tcase_add_test(tc, simple_returns);
	tcase_add_test(tc, empty_and_one_point);
	tcase_add_test(tc, zero_variance);
	tcase_add_test(tc, no_losing_period_and_total_loss);
	tcase_add_test(tc, bad_input_is_refused);
	tcase_add_test(tc, streaming_matches_batch_on_returns);
	tcase_add_test(tc, streaming_matches_batch_on_equity_points);
	tcase_add_test(tc, streaming_matches_batch_on_daily_closes);
	tcase_add_test(tc, accumulator_errors_change_nothing);
	tcase_add_test(tc, drawdown_peak_trough_recovery);
	tcase_add_test(tc, years_basis);
	tcase_add_test(tc, resampling_keeps_daily_closes);
	tcase_add_test(tc, equity_curve_edge_cases);
	suite_add_tcase(s, tc);
	tc = tcase_create("trades");
	tcase_add_test(tc, trade_statistics_by_hand);
	tcase_add_test(tc, trade_conventions);
	tcase_add_test(tc, trade_breakdowns);
	tcase_add_test(tc, trade_edge_cases);
	tcase_add_test(tc, key_table);
	suite_add_tcase(s, tc);
	tc = tcase_create("report");
	tcase_add_test(tc, report_from_broker);
	tcase_add_test(tc, equity_history_is_bounded);
	tcase_add_test(tc, json_export);
	tcase_add_test(tc, json_numbers_round_trip);
	suite_add_tcase(s, tc);
	tc = tcase_create("quant");
	tcase_add_test(tc, quant_functions_equal_the_references);
	tcase_add_test(tc, quant_leading_nan_is_dropped);
	tcase_add_test(tc, quant_edge_cases);
	tcase_add_test(tc, quant_report_keys);
	tcase_add_test(tc, quant_benchmark);
	tcase_add_test(tc, periods_per_year_from_the_calendar);
	tcase_add_test(tc, periods_per_year_from_the_broker_config);
	tcase_add_test(tc, kelly_criterion);
	tcase_add_test(tc, psr_and_min_track_record_by_hand);
	tcase_add_test(tc, psr_edge_cases);
	tcase_add_test(tc, psr_report_keys);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
