/*
 * Private: the pieces the metrics files share. One series kernel (series_state) serves the
 * pure functions, the streaming accumulator and the report, so they agree by construction
 * on everything but summation order.
 */
#ifndef PAPER_PRIV_METRICS_H
#define PAPER_PRIV_METRICS_H

#include <math.h>
#include <stddef.h>

#include <paper/error.h>
#include <paper/metrics.h>

/* ---- options (metrics_options.c) ---- */

/* Validate in (NULL = defaults) into *out. */
int metrics_options_resolve(const paper_metrics_options *in, paper_metrics_options *out);

/* Static names of the enum values, as the JSON "conventions" spell them. */
const char *metrics_years_basis_str(paper_years_basis b);
const char *metrics_pnl_basis_str(paper_pnl_basis b);
const char *metrics_win_rate_basis_str(paper_win_rate_basis b);

/*
 * x / y, where y == 0 gives the sign of x as an infinity and 0 / 0 gives NaN: IEEE division,
 * which is what numpy (and so empyrical) does. One rule for every ratio.
 */
static inline double metrics_ratio(double x, double y)
{
	if (y == 0)
		return x > 0 ? INFINITY : x < 0 ? -INFINITY : NAN;
	return x / y;
}

/* ---- named results ---- */

typedef enum key_kind {
	KEY_REAL,  /* any double */
	KEY_COUNT, /* a whole number */
	KEY_TS,    /* microseconds since the epoch (or a point number), whole */
} key_kind;

typedef struct metrics_key {
	const char *name;
	size_t offset; /* of the double in its result struct */
	key_kind kind;
} metrics_key;

/* Index of name in table, or -1. */
int metrics_key_find(const metrics_key *table, size_t n, const char *name);

static inline double metrics_key_value(const void *result, const metrics_key *k)
{
	return *(const double *)((const char *)result + k->offset);
}

/* ---- calendar (metrics_calendar.c) ---- */

/* Distinct UTC days and Saturdays among times, fed in order. */
typedef struct calendar {
	int64_t last_day;
	uint64_t days, saturdays;
} calendar;

void calendar_init(calendar *c);
void calendar_add(calendar *c, paper_ts ts);
/* 365 or 252 by the rule of PAPER_PERIODS_PER_YEAR_FROM_DATA. */
double calendar_periods_per_year(const calendar *c);

/* ---- series kernel (metrics_series.c) ---- */

/* Count, mean and centered second moment of returns, plus what the other statistics need. */
typedef struct moments {
	uint64_t n;
	double mean, m2;
	double min, max;   /* min == max means zero variance exactly, whatever the rounding */
	double down_ss;    /* sum of min(r - required_return, 0)^2 */
} moments;

/* Running peak and the deepest fall from it, on the compounded (or equity) values. */
typedef struct drawdown {
	double peak;
	paper_ts peak_ts;
	bool underwater;
	bool has_dd;       /* some value was below its peak */
	bool recovered;    /* the deepest drawdown's peak was reached again */
	double max_dd;     /* most negative (v - peak) / peak */
	paper_ts dd_peak_ts, dd_trough_ts, dd_recovery_ts;
	uint64_t longest;  /* longest finished stretch under water */
} drawdown;

typedef enum series_mode { SERIES_EMPTY, SERIES_RETURNS, SERIES_EQUITY } series_mode;

typedef struct series_state {
	paper_metrics_options o;
	series_mode mode;
	moments mo;
	drawdown dd;
	uint64_t points;        /* values seen, after resampling; returns = points - 1 */
	double first, last;     /* first and latest value (compounded value for returns) */
	paper_ts first_ts, last_ts;
	calendar cal;           /* days of the points, when periods_per_year is from the data */
	bool has_pending;       /* resampling: the current period's latest point, not yet in */
	double pending;
	paper_ts pending_ts;
} series_state;

/* The series statistics, in the order of the JSON. */
#define SERIES_KEYS(X)                                                                     \
	X(equity_points, KEY_COUNT)                                                        \
	X(periods, KEY_COUNT)                                                              \
	X(start_ts, KEY_TS)                                                                \
	X(end_ts, KEY_TS)                                                                  \
	X(years, KEY_REAL)                                                                 \
	X(start_equity, KEY_REAL)                                                          \
	X(end_equity, KEY_REAL)                                                            \
	X(total_return, KEY_REAL)                                                          \
	X(mean_return, KEY_REAL)                                                           \
	X(annual_return, KEY_REAL)                                                         \
	X(cagr, KEY_REAL)                                                                  \
	X(annual_volatility, KEY_REAL)                                                     \
	X(sharpe_ratio, KEY_REAL)                                                          \
	X(sortino_ratio, KEY_REAL)                                                         \
	X(downside_risk, KEY_REAL)                                                         \
	X(max_drawdown, KEY_REAL)                                                          \
	X(max_drawdown_peak_ts, KEY_TS)                                                    \
	X(max_drawdown_trough_ts, KEY_TS)                                                  \
	X(max_drawdown_recovery_ts, KEY_TS)                                                \
	X(max_drawdown_duration, KEY_REAL)                                                 \
	X(longest_drawdown_duration, KEY_REAL)                                             \
	X(calmar_ratio, KEY_REAL)

typedef struct series_result {
#define X(name, kind) double name;
	SERIES_KEYS(X)
#undef X
} series_result;

extern const metrics_key series_keys[];
extern const size_t n_series_keys;

void series_init(series_state *s, const paper_metrics_options *o);
/* Welford, one at a time. Errors leave s unchanged. */
int series_add_return(series_state *s, double r);
int series_add_point(series_state *s, paper_ts ts, double v);
/* Blocks merged with Chan's formula. Errors leave s unchanged. */
int series_add_returns(series_state *s, const double *r, size_t n);
int series_add_points(series_state *s, const paper_ts *ts, const double *v, size_t n);
/* Statistics of everything added so far, including a pending resampled point. */
void series_finish(const series_state *s, series_result *out);

/* The bucket a time falls in when resampling by period (> 0); floor division. */
static inline int64_t series_bucket(paper_ts ts, paper_ts period)
{
	return ts >= 0 ? ts / period : -((-(ts + 1)) / period) - 1;
}

/* ---- trade statistics (metrics_trades.c) ---- */

#define N_EXIT_REASONS (PAPER_EXIT_EXPIRY + 1)

/* A closed trade as the statistics see it. */
typedef struct mtrade {
	double pnl;        /* by the options' basis */
	double fees;
	paper_ts entry_ts, exit_ts;
	uint8_t exit_reason;
	uint32_t sym, strat; /* group numbers */
} mtrade;

#define TRADE_KEYS(X)                                                                      \
	X(total_trades, KEY_COUNT)                                                         \
	X(wins, KEY_COUNT)                                                                 \
	X(losses, KEY_COUNT)                                                               \
	X(breakevens, KEY_COUNT)                                                           \
	X(win_rate, KEY_REAL)                                                              \
	X(total_pnl, KEY_REAL)                                                             \
	X(gross_profit, KEY_REAL)                                                          \
	X(gross_loss, KEY_REAL)                                                            \
	X(total_fees, KEY_REAL)                                                            \
	X(avg_pnl, KEY_REAL)                                                               \
	X(avg_win, KEY_REAL)                                                               \
	X(avg_loss, KEY_REAL)                                                              \
	X(largest_win, KEY_REAL)                                                           \
	X(largest_loss, KEY_REAL)                                                          \
	X(profit_factor, KEY_REAL)                                                         \
	X(expectancy, KEY_REAL)                                                            \
	X(payoff_ratio, KEY_REAL)                                                          \
	X(avg_duration, KEY_REAL)                                                          \
	X(median_duration, KEY_REAL)                                                       \
	X(max_duration, KEY_REAL)                                                          \
	X(longest_winning_streak, KEY_COUNT)                                               \
	X(longest_losing_streak, KEY_COUNT)                                                \
	X(kelly_criterion, KEY_REAL)

typedef struct trade_result {
#define X(name, kind) double name;
	TRADE_KEYS(X)
#undef X
	double exit_reasons[N_EXIT_REASONS]; /* counts by paper_exit_reason */
} trade_result;

/* Scalar trade keys, then "exit_reasons.<name>" for each reason. */
extern const metrics_key trade_keys[];
extern const size_t n_trade_keys;
/* How many of trade_keys are scalars (the rest are exit reasons). */
extern const size_t n_trade_scalar_keys;

/*
 * Statistics of trades[idx[0..n)] (idx NULL: trades[0..n)), in that order.
 * scratch: room for n int64_t (the durations, sorted for the median).
 */
void trades_compute(trade_result *out, const mtrade *trades, const uint32_t *idx, size_t n,
		    const paper_metrics_options *o, int64_t *scratch);

/* ---- return-distribution statistics (metrics_dist.c) ---- */

/*
 * Statistics that need every return at once (percentiles, a regression, a benchmark), so the
 * report computes them from its returns and the accumulator does not have them. After the
 * series keys in listings and JSON.
 */
#define DIST_KEYS(X)                                                                       \
	X(skew, KEY_REAL)                                                                  \
	X(kurtosis, KEY_REAL)                                                              \
	X(best_day, KEY_REAL)                                                              \
	X(worst_day, KEY_REAL)                                                             \
	X(exposure, KEY_REAL)                                                              \
	X(consecutive_wins, KEY_COUNT)                                                     \
	X(consecutive_losses, KEY_COUNT)                                                   \
	X(omega_ratio, KEY_REAL)                                                           \
	X(tail_ratio, KEY_REAL)                                                            \
	X(value_at_risk, KEY_REAL)                                                         \
	X(conditional_value_at_risk, KEY_REAL)                                             \
	X(stability_of_timeseries, KEY_REAL)                                               \
	X(ulcer_index, KEY_REAL)                                                           \
	X(recovery_factor, KEY_REAL)                                                       \
	X(alpha, KEY_REAL)                                                                 \
	X(beta, KEY_REAL)                                                                  \
	X(information_ratio, KEY_REAL)                                                     \
	X(probabilistic_sharpe_ratio, KEY_REAL)                                            \
	X(min_track_record_length, KEY_REAL)

typedef struct dist_result {
#define X(name, kind) double name;
	DIST_KEYS(X)
#undef X
} dist_result;

extern const metrics_key dist_keys[];
extern const size_t n_dist_keys;

/* empyrical's default cutoff of the value at risk. */
#define DIST_VAR_CUTOFF 0.05

/*
 * Every distribution statistic of r[0..n) but the benchmark ones (NaN): dd[0..n] is the
 * drawdown at each point (dd[0] the start), max_dd the maximum drawdown; rf and t the
 * per-period risk-free return and target. scratch: room for n doubles.
 */
void dist_compute(dist_result *out, const double *r, size_t n, const double *dd, double max_dd,
		  double rf, double t, double *scratch);

/* Alpha and beta of pairs (r[i], b[i]) as empyrical's alpha_beta(). */
void dist_alpha_beta(const double *r, const double *b, size_t n, double rf, double ppy,
		     double *alpha, double *beta);

/* mean(r - b) / std(r - b, ddof = 1). */
double dist_excess_sharpe(const double *r, const double *b, size_t n);

/* Skip leading NaNs of r; the rest must be finite (else PAPER_EINVAL naming the index)
   (metrics_trim.c). */
int dist_trim(const double **r, size_t *n, const char *what);

/* ---- probabilistic Sharpe ratio (metrics_psr.c) ---- */

/* What the PSR needs of n returns: the per-period Sharpe ratio (ddof 1), the skewness
   m3 / m2^1.5 and the non-excess kurtosis m4 / m2^2 (population moments). NaN when n < 2 or
   every return is the same. */
typedef struct psr_input {
	double n, sr, g3, g4;
} psr_input;

void psr_moments(const double *r, size_t n, psr_input *out);
/* PSR(sr_star), sr_star per period; NaN when the inputs do not support it. */
double psr_value(const psr_input *p, double sr_star);
/* MinTRL(sr_star, confidence) in periods; +inf when sr <= sr_star. */
double psr_min_trl(const psr_input *p, double sr_star, double confidence);
double psr_normal_cdf(double x);
double psr_normal_quantile(double p);

/* The report's PSR keys: against a benchmark Sharpe ratio of 0, at this confidence. */
#define PSR_REPORT_CONFIDENCE 0.95

/* ---- the report (metrics_report.c), read by metrics_json.c ---- */

typedef struct metrics_group {
	char *name;
	trade_result stats;
} metrics_group;

struct paper_metrics {
	paper_metrics_options o;
	trade_result trades;
	series_result series;
	dist_result dist;
	const char *ppy_source; /* "options", "config" or "calendar": static */
	metrics_group *by[2]; /* PAPER_METRICS_BY_SYMBOL - 1, PAPER_METRICS_BY_STRATEGY - 1 */
	size_t n_by[2];
	size_t n_points;
	paper_ts *ts;
	double *equity, *cash, *drawdown, *returns; /* returns: n_points - 1 */
};

/* A deep copy of a report (NULL when out of memory). */
paper_metrics *metrics_clone(const paper_metrics *m);

#endif
