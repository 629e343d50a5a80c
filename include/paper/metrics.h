/*
 * libpaper - metrics: trade statistics and risk-adjusted returns.
 *
 * Three layers, all computing the same definitions (docs/metrics.md has every formula and
 * what each statistic is for an empty series, one point, zero variance and no losing period):
 *
 * 1. Pure functions over a returns array, named as empyrical names them
 *    (paper_sharpe_ratio(), paper_sortino_ratio(), paper_max_drawdown(), ...).
 * 2. A streaming accumulator (paper_series_acc) with O(1) memory, fed one return or one equity
 *    point at a time (or whole arrays), giving every series statistic at any moment.
 * 3. A report (paper_metrics) built from a broker or from arrays of trades and equity points:
 *    trade statistics overall, per symbol and per strategy tag, series statistics over the
 *    equity curve, the curve itself, and a JSON export whose keys are a stable contract.
 *
 * Statistics are read by name ("sharpe_ratio", "win_rate", ...; paper_metrics_key_name() lists
 * them), so new statistics never change a struct layout.
 *
 * Values that do not exist are NaN (too few points, an average over nothing); a ratio whose
 * denominator is exactly zero is +INFINITY or -INFINITY by the sign of its numerator, NaN when
 * the numerator is zero as well; sums and counts over nothing are 0. JSON writes non-finite
 * values as null.
 *
 * Inputs must be finite: a NaN or infinite return, equity, P&L or a timestamp going backwards
 * is refused with PAPER_EINVAL (or PAPER_ETIME), naming the index, and nothing changes.
 *
 * Ownership: objects returned through **out belong to the caller. Strings returned as a value
 * are borrowed from their parent object.
 * Thread-safety: the pure functions are thread-safe. A paper_series_acc must be used from one
 * thread at a time. A paper_metrics is immutable once built: any number of threads may read
 * it at once. Distinct objects are independent.
 */
#ifndef PAPER_METRICS_H
#define PAPER_METRICS_H

#include "common.h"
#include "broker.h"

PAPER_BEGIN_DECLS

/** Common periods per year: trading days, trading hours, calendar days (crypto). */
#define PAPER_PERIODS_PER_YEAR_DAILY 252.0
#define PAPER_PERIODS_PER_YEAR_HOURLY (252.0 * 6.5)
#define PAPER_PERIODS_PER_YEAR_CRYPTO_DAILY 365.0
/**
 * paper_metrics_options.periods_per_year (version 2): take it from the data. A report from a
 * broker uses the broker's config key metrics.periods_per_year when it is not 0; otherwise,
 * and for a report from arrays or an accumulator of equity points, the calendar of the
 * (resampled) equity points decides: 365 when Saturdays (UTC) are at least 1 in 14 of the
 * distinct UTC days with a point (24/7 data such as crypto has 1 in 7), else 252
 * (paper_periods_per_year_from_calendar()). Returns without times count as 252.
 */
#define PAPER_PERIODS_PER_YEAR_FROM_DATA 0.0

/** One UTC day in microseconds: the default resampling period of an equity curve. */
#define PAPER_METRICS_RESAMPLE_DAILY (INT64_C(86400) * PAPER_TS_PER_SECOND)

/** How the number of years of a series is counted (for annual_return / CAGR and Calmar). */
typedef enum paper_years_basis {
	PAPER_YEARS_PERIODS = 1,  /**< number of returns / periods_per_year (empyrical) */
	PAPER_YEARS_CALENDAR = 2, /**< (last - first timestamp) / 365.25 days; needs timestamps */
} paper_years_basis;

/** Which P&L of a trade the trade statistics use. */
typedef enum paper_pnl_basis {
	PAPER_PNL_NET = 1,   /**< after fees (pnl_net) */
	PAPER_PNL_GROSS = 2, /**< before fees (pnl_gross) */
} paper_pnl_basis;

/** What the win rate (and expectancy) divide by. */
typedef enum paper_win_rate_basis {
	PAPER_WIN_RATE_ALL_TRADES = 1, /**< wins / all trades: breakevens count against */
	PAPER_WIN_RATE_DECIDED = 2,    /**< wins / (wins + losses): breakevens left out */
} paper_win_rate_basis;

/**
 * Conventions the tools disagree on. Initialise with PAPER_METRICS_OPTIONS_INIT or
 * paper_metrics_options_init(), then change fields. Passing NULL where options are taken
 * means these defaults. Fields are only ever appended; the version says which exist.
 */
typedef struct paper_metrics_options {
	unsigned int version;       /**< PAPER_METRICS_OPTIONS_VERSION */
	double periods_per_year;    /**< annualization factor, > 0; version 2 also takes
				         PAPER_PERIODS_PER_YEAR_FROM_DATA (0, its default);
				         version 1's default is 252 */
	double risk_free;           /**< Sharpe: risk-free return per period; default 0 */
	double required_return;     /**< Sortino / downside risk: target per period; default 0 */
	unsigned int ddof;          /**< standard deviation divisor n - ddof: 0 or 1; default 1 */
	paper_years_basis years_basis; /**< default PAPER_YEARS_PERIODS */
	paper_ts resample_period;   /**< equity points: keep the last point of each period of
				         this many microseconds (UTC, epoch-aligned); 0 keeps every
				         point; default one day */
	double breakeven_band;      /**< |P&L| <= band is a breakeven, >= 0; default 0 */
	paper_win_rate_basis win_rate_basis; /**< default PAPER_WIN_RATE_ALL_TRADES */
	paper_pnl_basis pnl_basis;  /**< default PAPER_PNL_NET */
} paper_metrics_options;

/* Version 2 (libpaper 1.1): same fields; periods_per_year may be 0, "from the data", which
   is its default. Version 1 is still accepted, with its default 252. */
#define PAPER_METRICS_OPTIONS_VERSION 2
#define PAPER_METRICS_OPTIONS_INIT                                                         \
	{ .version = PAPER_METRICS_OPTIONS_VERSION,                                        \
	  .periods_per_year = PAPER_PERIODS_PER_YEAR_FROM_DATA,                            \
	  .risk_free = 0.0, .required_return = 0.0, .ddof = 1,                             \
	  .years_basis = PAPER_YEARS_PERIODS,                                              \
	  .resample_period = PAPER_METRICS_RESAMPLE_DAILY, .breakeven_band = 0.0,          \
	  .win_rate_basis = PAPER_WIN_RATE_ALL_TRADES, .pnl_basis = PAPER_PNL_NET }

/**
 * Fill opts with the defaults of the given version.
 * @param opts the options to initialise.
 * @param version PAPER_METRICS_OPTIONS_VERSION, or 1 (periods_per_year 252).
 * @return PAPER_OK, PAPER_EINVAL (opts is NULL), PAPER_EVERSION (unknown version).
 */
PAPER_API int paper_metrics_options_init(paper_metrics_options *opts, unsigned int version);

/* ---- pure functions over a returns array (empyrical names and definitions) ---- */

/**
 * Simple returns of a value series: out[i] = values[i + 1] / values[i] - 1.
 * @param out receives n - 1 returns (nothing when n < 2); room for n - 1 doubles.
 * @param values the series, every value finite and > 0.
 * @param n number of values.
 * @return PAPER_OK, PAPER_EINVAL (NULL array with n > 0, a value not finite or <= 0).
 */
PAPER_API int paper_simple_returns(double *out, const double *values, size_t n);

/**
 * Annualized Sharpe ratio: mean(r - risk_free) / std(r, ddof = 1) * sqrt(periods_per_year).
 * NaN for n < 2; zero variance gives +-INFINITY by the sign of the mean excess return, or NaN.
 * @param out receives the ratio.
 * @param returns periodic simple returns, finite.
 * @param n number of returns.
 * @param risk_free risk-free return per period.
 * @param periods_per_year annualization factor (> 0), e.g. PAPER_PERIODS_PER_YEAR_DAILY.
 * @return PAPER_OK, PAPER_EINVAL (NULL pointer, non-finite input, periods_per_year <= 0).
 */
PAPER_API int paper_sharpe_ratio(double *out, const double *returns, size_t n, double risk_free,
				 double periods_per_year);

/**
 * Annualized Sortino ratio: mean(r - required_return) * periods_per_year / downside risk.
 * NaN for n < 2; no period below the target gives +INFINITY (or NaN when the mean excess is 0).
 * @param out receives the ratio.
 * @param returns periodic simple returns, finite.
 * @param n number of returns.
 * @param required_return the target return per period.
 * @param periods_per_year annualization factor (> 0).
 * @return as paper_sharpe_ratio().
 */
PAPER_API int paper_sortino_ratio(double *out, const double *returns, size_t n,
				  double required_return, double periods_per_year);

/**
 * Annualized downside deviation: sqrt(mean over all n periods of min(r - required_return, 0)^2)
 * * sqrt(periods_per_year). Periods above the target count as zero. NaN for n = 0.
 * @param out receives the deviation (>= 0).
 * @param returns periodic simple returns, finite.
 * @param n number of returns.
 * @param required_return the target return per period.
 * @param periods_per_year annualization factor (> 0).
 * @return as paper_sharpe_ratio().
 */
PAPER_API int paper_downside_risk(double *out, const double *returns, size_t n,
				  double required_return, double periods_per_year);

/**
 * Annualized volatility: std(r, ddof = 1) * sqrt(periods_per_year). NaN for n < 2.
 * @param out receives the volatility (>= 0).
 * @param returns periodic simple returns, finite.
 * @param n number of returns.
 * @param periods_per_year annualization factor (> 0).
 * @return as paper_sharpe_ratio().
 */
PAPER_API int paper_annual_volatility(double *out, const double *returns, size_t n,
				      double periods_per_year);

/**
 * Compound annual growth rate: prod(1 + r)^(1 / years) - 1 with years = n / periods_per_year.
 * NaN for n = 0 and when the compounded value is negative; -1 when it is exactly 0.
 * @param out receives the annual return.
 * @param returns periodic simple returns, finite.
 * @param n number of returns.
 * @param periods_per_year annualization factor (> 0).
 * @return as paper_sharpe_ratio().
 */
PAPER_API int paper_annual_return(double *out, const double *returns, size_t n,
				  double periods_per_year);

/**
 * Alias of paper_annual_return().
 * @param out receives the annual return.
 * @param returns periodic simple returns, finite.
 * @param n number of returns.
 * @param periods_per_year annualization factor (> 0).
 * @return as paper_sharpe_ratio().
 */
PAPER_API int paper_cagr(double *out, const double *returns, size_t n, double periods_per_year);

/**
 * Maximum drawdown of the compounded series 1, 1(1 + r0), ...: min((v - peak) / peak), a
 * negative fraction (-0.25 is a 25% drawdown), 0 if the series never falls. NaN for n = 0.
 * @param out receives the drawdown (<= 0).
 * @param returns periodic simple returns, finite.
 * @param n number of returns.
 * @return PAPER_OK, PAPER_EINVAL (NULL pointer, non-finite input).
 */
PAPER_API int paper_max_drawdown(double *out, const double *returns, size_t n);

/**
 * Calmar ratio: annual return / |max drawdown|. NaN for n = 0, for a series with no drawdown
 * and for an infinite quotient, as empyrical's calmar_ratio.
 * @param out receives the ratio.
 * @param returns periodic simple returns, finite.
 * @param n number of returns.
 * @param periods_per_year annualization factor (> 0).
 * @return as paper_sharpe_ratio().
 */
PAPER_API int paper_calmar_ratio(double *out, const double *returns, size_t n,
				 double periods_per_year);

/*
 * Since libpaper 1.1. Every pure function drops the leading NaNs of its input (the first
 * value of pandas' pct_change() is NaN), as empyrical does; a NaN or infinity after the
 * first number is refused with PAPER_EINVAL. With two series (returns and a benchmark) the
 * leading positions where either is NaN are dropped.
 */

/**
 * Alpha and beta against a benchmark, as empyrical's alpha_beta(): beta = cov(r, b) / var(b)
 * (population moments; NaN when var(b) < 1e-30), alpha = (1 + mean(r - rf - beta (b - rf)))
 * ^ periods_per_year - 1. Both NaN for fewer than 2 pairs.
 * @param alpha_out receives alpha (may be NULL).
 * @param beta_out receives beta (may be NULL).
 * @param returns the strategy's periodic returns.
 * @param benchmark the benchmark's returns over the same periods.
 * @param n number of returns in each array.
 * @param risk_free risk-free return per period.
 * @param periods_per_year annualization factor (> 0).
 * @return PAPER_OK, PAPER_EINVAL (NULL array with n > 0, NaN or infinity after the leading
 *         NaNs, periods_per_year <= 0).
 */
PAPER_API int paper_alpha_beta(double *alpha_out, double *beta_out, const double *returns,
			       const double *benchmark, size_t n, double risk_free,
			       double periods_per_year);

/**
 * Alpha alone (paper_alpha_beta()).
 * @return as paper_alpha_beta().
 */
PAPER_API int paper_alpha(double *out, const double *returns, const double *benchmark, size_t n,
			  double risk_free, double periods_per_year);

/**
 * Beta alone (paper_alpha_beta()).
 * @return as paper_alpha_beta().
 */
PAPER_API int paper_beta(double *out, const double *returns, const double *benchmark, size_t n);

/**
 * Excess Sharpe (empyrical's excess_sharpe(), quantstats' information_ratio()): mean(r - b) /
 * std(r - b, ddof = 1), not annualized. NaN for fewer than 2 pairs; zero tracking error gives
 * +-INFINITY by the sign of the mean active return, or NaN.
 * @return as paper_alpha_beta().
 */
PAPER_API int paper_excess_sharpe(double *out, const double *returns, const double *benchmark,
				  size_t n);

/**
 * The same number as paper_excess_sharpe(), under quantstats' name.
 * @return as paper_alpha_beta().
 */
PAPER_API int paper_information_ratio(double *out, const double *returns,
				      const double *benchmark, size_t n);

/**
 * Omega ratio, as empyrical's omega_ratio(): with the per-period threshold
 * t = (1 + required_return)^(1 / periods_per_year) - 1 (required_return itself when
 * periods_per_year is 1), sum(max(r - rf - t, 0)) / sum(max(rf + t - r, 0)). NaN for fewer than
 * 2 returns, required_return <= -1, or no return below the threshold.
 * @param out receives the ratio.
 * @param returns periodic simple returns.
 * @param n number of returns.
 * @param risk_free risk-free return per period.
 * @param required_return the annual return to beat (empyrical's required_return).
 * @param periods_per_year converts required_return to a period (> 0).
 * @return PAPER_OK, PAPER_EINVAL (NULL pointer, NaN or infinity after the leading NaNs,
 *         periods_per_year <= 0).
 */
PAPER_API int paper_omega_ratio(double *out, const double *returns, size_t n, double risk_free,
				double required_return, double periods_per_year);

/**
 * Tail ratio, as empyrical's tail_ratio(): |95th percentile| / |5th percentile| of the returns
 * (percentiles interpolated linearly, as numpy's). NaN for no return; a 5th percentile of 0
 * gives +INFINITY (or NaN when the 95th is 0 too), as numpy's division does.
 * @return as paper_omega_ratio().
 */
PAPER_API int paper_tail_ratio(double *out, const double *returns, size_t n);

/**
 * Historical value at risk, as empyrical's value_at_risk(): the (100 cutoff)th percentile of
 * the returns, interpolated linearly (numpy's percentile). A return, so usually negative.
 * NaN for no return.
 * @param cutoff the left-tail probability, in [0, 1]; empyrical's default is 0.05.
 * @return PAPER_OK, PAPER_EINVAL (as paper_omega_ratio(), or cutoff outside [0, 1]).
 */
PAPER_API int paper_value_at_risk(double *out, const double *returns, size_t n, double cutoff);

/**
 * Historical conditional value at risk (expected shortfall), as empyrical's
 * conditional_value_at_risk(): the mean of the k + 1 lowest returns, k = floor((n - 1)
 * cutoff). NaN for no return.
 * @param cutoff the left-tail probability, in [0, 1]; empyrical's default is 0.05.
 * @return as paper_value_at_risk().
 */
PAPER_API int paper_conditional_value_at_risk(double *out, const double *returns, size_t n,
					      double cutoff);

/**
 * Stability of a time series, as empyrical's stability_of_timeseries(): R^2 of the least
 * squares line through the cumulative log returns y_i = sum_(j <= i) log(1 + r_j) against
 * i = 0 .. n - 1. NaN for fewer than 2 returns or a return <= -1; 0 when y is constant (as
 * scipy's linregress()).
 * @return as paper_omega_ratio().
 */
PAPER_API int paper_stability_of_timeseries(double *out, const double *returns, size_t n);

/**
 * Sample skewness, bias-corrected as pandas' Series.skew() (quantstats' skew()): the adjusted
 * Fisher-Pearson G1 = n sqrt(n - 1) / (n - 2) * m3 / m2^1.5 with m2, m3 the sums of squared
 * and cubed deviations. NaN for fewer than 3 returns; 0 when every return is the same.
 * @return as paper_omega_ratio().
 */
PAPER_API int paper_skew(double *out, const double *returns, size_t n);

/**
 * Sample excess kurtosis, bias-corrected as pandas' Series.kurt() (quantstats' kurtosis()):
 * G2 = n (n + 1) (n - 1) m4 / ((n - 2) (n - 3) m2^2) - 3 (n - 1)^2 / ((n - 2) (n - 3)). NaN
 * for fewer than 4 returns; 0 when every return is the same.
 * @return as paper_omega_ratio().
 */
PAPER_API int paper_kurtosis(double *out, const double *returns, size_t n);

/**
 * Probabilistic Sharpe ratio (Bailey and López de Prado 2012, since libpaper 1.1): the
 * probability that the true Sharpe ratio exceeds a benchmark, given the n returns' Sharpe
 * ratio and how far they are from normal:
 * PSR = Phi((SR - SR*) sqrt(n - 1) / sqrt(1 - g3 SR + (g4 - 1) / 4 SR^2)), with everything
 * per period (not annualised): SR = mean / std (ddof 1), g3 = m3 / m2^1.5 the skewness and
 * g4 = m4 / m2^2 the (non-excess, 3 for a normal) kurtosis, m_k = (1/n) sum (r - mean)^k.
 * Subtract a risk-free rate from the returns first. NaN for fewer than 2 returns, when every
 * return is the same (no spread, no Sharpe ratio to test), or when the variance term is not
 * positive.
 * @param out receives the probability, in [0, 1].
 * @param returns the periodic returns; leading NaNs are dropped, the rest must be finite.
 * @param n number of returns.
 * @param benchmark_sharpe SR*, per period: an annual Sharpe ratio S over P periods a year is
 *        S / sqrt(P).
 * @return PAPER_OK, PAPER_EINVAL (out NULL, returns NULL with n > 0, a NaN or infinity after
 *         the leading NaNs, benchmark_sharpe not finite).
 */
PAPER_API int paper_probabilistic_sharpe_ratio(double *out, const double *returns, size_t n,
					       double benchmark_sharpe);

/**
 * Minimum track record length (Bailey and López de Prado 2012, since libpaper 1.1): how many
 * returns it takes, at the returns' Sharpe ratio, skewness and kurtosis, before the PSR against
 * the benchmark reaches the confidence:
 * MinTRL = 1 + (1 - g3 SR + (g4 - 1) / 4 SR^2) (z / (SR - SR*))^2, z the standard normal
 * quantile of confidence (1.6449 for 0.95); names as paper_probabilistic_sharpe_ratio().
 * n >= MinTRL exactly when PSR >= confidence. +infinity when SR <= SR* (no length is
 * enough); NaN as for the PSR.
 * @param out receives the number of periods (not rounded).
 * @param confidence in (0, 1), e.g. 0.95.
 * @return as paper_probabilistic_sharpe_ratio(), and PAPER_EINVAL for a confidence outside
 *         (0, 1).
 */
PAPER_API int paper_min_track_record_length(double *out, const double *returns, size_t n,
					    double benchmark_sharpe, double confidence);

/**
 * The periods per year of data from its calendar (PAPER_PERIODS_PER_YEAR_FROM_DATA): 365 when
 * Saturdays (UTC) are at least 1 in 14 of the distinct UTC days that have a time, else 252.
 * Sunday is not counted: FX and futures open on Sunday evening UTC, and some stock markets
 * trade Sunday to Thursday; none of them on a Saturday.
 * @param out receives 365 or 252 (252 for no time).
 * @param ts the times, microseconds since the epoch UTC, non-decreasing.
 * @param n number of times.
 * @return PAPER_OK, PAPER_EINVAL (NULL pointer with n > 0), PAPER_ETIME (a time before the
 *         previous one).
 */
PAPER_API int paper_periods_per_year_from_calendar(double *out, const paper_ts *ts, size_t n);

/* ---- streaming accumulator ---- */

/**
 * Opaque streaming accumulator of series statistics: O(1) memory, one pass. Feed it either
 * returns (the series starts at value 1 and compounds) or equity points (returns are
 * derived between consecutive points, after resampling), not both. Its statistics equal the
 * report's and the pure functions' to rounding (within 1e-12 relative).
 */
typedef struct paper_series_acc paper_series_acc;

/**
 * Create an accumulator.
 * @param out receives the accumulator, owned by the caller (paper_series_acc_free()).
 * @param opts conventions (NULL: defaults); copied. Uses periods_per_year, risk_free,
 *        required_return, ddof, years_basis and resample_period.
 * @return PAPER_OK, PAPER_EINVAL (out NULL, an option out of range), PAPER_EVERSION,
 *         PAPER_ENOMEM.
 */
PAPER_API int paper_series_acc_new(paper_series_acc **out, const paper_metrics_options *opts);

/**
 * Release an accumulator. NULL is a harmless no-op.
 * @param acc the accumulator.
 */
PAPER_API void paper_series_acc_free(paper_series_acc *acc);

/**
 * Forget everything added, keeping the options. NULL is a harmless no-op.
 * @param acc the accumulator.
 */
PAPER_API void paper_series_acc_reset(paper_series_acc *acc);

/**
 * Add one periodic return.
 * @param acc the accumulator.
 * @param r the return, finite.
 * @return PAPER_OK, PAPER_EINVAL (acc NULL, r not finite), PAPER_ESTATE (the accumulator
 *         holds equity points, or the years basis is calendar, which needs timestamps).
 */
PAPER_API int paper_series_acc_add_return(paper_series_acc *acc, double r);

/**
 * Add n returns at once; same result as n calls of paper_series_acc_add_return() to
 * rounding, faster. On error nothing is added.
 * @param acc the accumulator.
 * @param returns the returns, finite.
 * @param n number of returns.
 * @return as paper_series_acc_add_return().
 */
PAPER_API int paper_series_acc_add_returns(paper_series_acc *acc, const double *returns,
					   size_t n);

/**
 * Add one equity point. With a resample period, a point in the same period as the previous
 * one replaces it (the period's last point is its close).
 * @param acc the accumulator.
 * @param ts time in microseconds since the epoch, UTC; not before the previous point.
 * @param equity the account's equity, finite and > 0.
 * @return PAPER_OK, PAPER_EINVAL (acc NULL, equity not finite or <= 0), PAPER_ETIME (ts
 *         before the previous point), PAPER_ESTATE (the accumulator holds returns).
 */
PAPER_API int paper_series_acc_add_equity(paper_series_acc *acc, paper_ts ts, double equity);

/**
 * Add n equity points at once; same result as n calls of paper_series_acc_add_equity() to
 * rounding, faster. On error nothing is added.
 * @param acc the accumulator.
 * @param ts the times, non-decreasing.
 * @param equity the equity values, finite and > 0.
 * @param n number of points.
 * @return as paper_series_acc_add_equity().
 */
PAPER_API int paper_series_acc_add_equity_array(paper_series_acc *acc, const paper_ts *ts,
						const double *equity, size_t n);

/**
 * A series statistic of everything added so far, by its report name ("sharpe_ratio",
 * "max_drawdown", ...: the series keys of docs/metrics.md). With returns, timestamps are point
 * numbers (0 is the starting value) and durations are counted in periods.
 * @param acc the accumulator.
 * @param key the statistic's name.
 * @param out receives the value.
 * @return PAPER_OK, PAPER_EINVAL (NULL argument), PAPER_ENOTFOUND (not a series key).
 */
PAPER_API int paper_series_acc_get(const paper_series_acc *acc, const char *key, double *out);

/* ---- the report ---- */

/** Opaque, immutable report of trade and series statistics. */
typedef struct paper_metrics paper_metrics;

/** Breakdowns of the trade statistics. */
typedef enum paper_metrics_group {
	PAPER_METRICS_BY_SYMBOL = 1,
	PAPER_METRICS_BY_STRATEGY = 2, /**< by the opening order's strategy tag ("" = none) */
} paper_metrics_group;

/** One point of the report's equity curve. */
typedef struct paper_equity_point {
	unsigned int version; /**< PAPER_EQUITY_POINT_VERSION */
	paper_ts ts;
	double equity;
	double cash;          /**< NaN when the source had no cash */
	double drawdown;      /**< (equity - running peak) / running peak, <= 0 */
} paper_equity_point;

#define PAPER_EQUITY_POINT_VERSION 1
#define PAPER_EQUITY_POINT_INIT { .version = PAPER_EQUITY_POINT_VERSION }

/**
 * Build a report from a broker: its closed trades in memory (paper_broker_trade_at()) and its
 * equity curve (paper_broker_equity_at()) followed by the account now (paper_broker_account())
 * as the last point; a snapshot at the same time as now is replaced by it. A broker that has
 * seen no market data has an empty curve.
 * @param out receives the report, owned by the caller (paper_metrics_free()).
 * @param b the broker; only read.
 * @param opts conventions (NULL: defaults); copied.
 * @return PAPER_OK, PAPER_EINVAL, PAPER_EVERSION, PAPER_ENOMEM; PAPER_EINVAL also when the
 *         equity fell to 0 or below (returns after it do not exist).
 */
PAPER_API int paper_metrics_from_broker(paper_metrics **out, const paper_broker *b,
					const paper_metrics_options *opts);

/**
 * Build a report from arrays: closed trades in closing order, and an equity curve.
 * @param out receives the report, owned by the caller (paper_metrics_free()).
 * @param trades closed trades (version PAPER_TRADE_INFO_VERSION); NULL when n_trades is 0.
 * @param n_trades number of trades.
 * @param ts times of the equity points, microseconds since the epoch UTC, non-decreasing.
 * @param equity equity at each point, finite and > 0.
 * @param cash cash at each point, finite; may be NULL (cash unknown: NaN).
 * @param n_points number of equity points; ts and equity may be NULL when 0.
 * @param opts conventions (NULL: defaults); copied.
 * @return PAPER_OK, PAPER_EINVAL (NULL array, non-finite value, equity <= 0, exit before
 *         entry, unknown exit reason, unterminated string), PAPER_ETIME (ts going
 *         backwards), PAPER_EVERSION, PAPER_ENOMEM.
 */
PAPER_API int paper_metrics_from_arrays(paper_metrics **out, const paper_trade_info *trades,
					size_t n_trades, const paper_ts *ts, const double *equity,
					const double *cash, size_t n_points,
					const paper_metrics_options *opts);

/**
 * A copy of a report with a benchmark (since libpaper 1.1): its "alpha", "beta" and
 * "information_ratio" keys are computed against the benchmark (they are NaN in a report
 * without one). A benchmark return belongs to the report's return whose end point lies in the
 * same resampling period (the same time when the report keeps every point); returns with no
 * partner on the other side are left out, as pandas' alignment does for empyrical.
 * @param out receives the new report, owned by the caller (paper_metrics_free()).
 * @param m the report; only read.
 * @param ts the end times of the benchmark's returns, non-decreasing; NULL when n is 0.
 * @param returns the benchmark's periodic returns, finite (leading NaNs are dropped).
 * @param n number of benchmark returns.
 * @return PAPER_OK, PAPER_EINVAL (NULL argument, NaN or infinity after the leading NaNs),
 *         PAPER_ETIME (times going backwards), PAPER_ENOMEM.
 */
PAPER_API int paper_metrics_with_benchmark(paper_metrics **out, const paper_metrics *m,
					   const paper_ts *ts, const double *returns, size_t n);

/**
 * Release a report. NULL is a harmless no-op.
 * @param m the report.
 */
PAPER_API void paper_metrics_free(paper_metrics *m);

/**
 * A statistic by name: trade keys ("total_trades", "win_rate", "profit_factor",
 * "exit_reasons.stop_loss", ...) over all trades, and series keys ("sharpe_ratio",
 * "max_drawdown", ...). Timestamps are microseconds as doubles; durations are seconds.
 * @param m the report.
 * @param key the statistic's name (paper_metrics_key_name()).
 * @param out receives the value.
 * @return PAPER_OK, PAPER_EINVAL (NULL argument), PAPER_ENOTFOUND (unknown key).
 */
PAPER_API int paper_metrics_get(const paper_metrics *m, const char *key, double *out);

/**
 * Number of statistic names; they are the same for every report.
 * @return the count.
 */
PAPER_API size_t paper_metrics_key_count(void);

/**
 * The name of statistic number index: trade keys first, then series keys.
 * @param index 0 .. paper_metrics_key_count() - 1.
 * @return a static string, or NULL when index is out of range.
 */
PAPER_API const char *paper_metrics_key_name(size_t index);

/**
 * Whether a statistic name is a trade statistic (available per group) rather than a series one.
 * @param key the name.
 * @return true for trade keys, false for series keys and unknown names.
 */
PAPER_API bool paper_metrics_key_is_trade(const char *key);

/**
 * The conventions a report was built with.
 * @param m the report.
 * @param out receives them; its version field must be set (PAPER_METRICS_OPTIONS_INIT).
 * @return PAPER_OK, PAPER_EINVAL, PAPER_EVERSION.
 */
PAPER_API int paper_metrics_options_get(const paper_metrics *m, paper_metrics_options *out);

/**
 * Number of groups (symbols or strategy tags) that have trades.
 * @param m the report; NULL gives 0.
 * @param group which breakdown.
 * @return the count (0 for an unknown group).
 */
PAPER_API size_t paper_metrics_group_count(const paper_metrics *m, paper_metrics_group group);

/**
 * The name of group number index, in byte order of names.
 * @param m the report.
 * @param group which breakdown.
 * @param index 0 .. paper_metrics_group_count() - 1.
 * @return the name, borrowed from m; NULL when out of range.
 */
PAPER_API const char *paper_metrics_group_name(const paper_metrics *m, paper_metrics_group group,
					       size_t index);

/**
 * A trade statistic of one group.
 * @param m the report.
 * @param group which breakdown.
 * @param name the symbol or strategy tag.
 * @param key a trade statistic's name.
 * @param out receives the value.
 * @return PAPER_OK, PAPER_EINVAL (NULL argument, unknown group kind), PAPER_ENOTFOUND (no
 *         such group or not a trade key).
 */
PAPER_API int paper_metrics_group_get(const paper_metrics *m, paper_metrics_group group,
				      const char *name, const char *key, double *out);

/**
 * Number of points of the (resampled) equity curve.
 * @param m the report; NULL gives 0.
 * @return the count.
 */
PAPER_API size_t paper_metrics_equity_count(const paper_metrics *m);

/**
 * Point number index of the equity curve, oldest first.
 * @param m the report.
 * @param index 0 .. paper_metrics_equity_count() - 1.
 * @param out receives the point; its version field must be set (PAPER_EQUITY_POINT_INIT).
 * @return PAPER_OK, PAPER_EINVAL, PAPER_EVERSION, PAPER_ERANGE.
 */
PAPER_API int paper_metrics_equity_at(const paper_metrics *m, size_t index,
				      paper_equity_point *out);

/**
 * Number of periodic returns: one less than the equity points, or 0.
 * @param m the report; NULL gives 0.
 * @return the count.
 */
PAPER_API size_t paper_metrics_return_count(const paper_metrics *m);

/**
 * Return number index: equity[index + 1] / equity[index] - 1.
 * @param m the report.
 * @param index 0 .. paper_metrics_return_count() - 1.
 * @param out receives the return.
 * @return PAPER_OK, PAPER_EINVAL, PAPER_ERANGE.
 */
PAPER_API int paper_metrics_return_at(const paper_metrics *m, size_t index, double *out);

/** paper_metrics_to_json() flag: include the equity curve (one object per point). */
#define PAPER_METRICS_JSON_EQUITY_CURVE 0x1u

/**
 * The report as one JSON object: every statistic under its key, "exit_reasons",
 * "conventions", "by_symbol", "by_strategy" and, on request, "equity_curve". Non-finite values
 * are null. Numbers round-trip to the same double.
 * @param out receives a NUL-terminated string, owned by the caller (paper_string_free()).
 * @param m the report.
 * @param flags PAPER_METRICS_JSON_* bits, or 0.
 * @return PAPER_OK, PAPER_EINVAL (NULL argument, unknown flag), PAPER_ENOMEM.
 */
PAPER_API int paper_metrics_to_json(char **out, const paper_metrics *m, unsigned int flags);

/**
 * As paper_metrics_to_json() into a caller's buffer. If it does not fit, nothing is written
 * but *len_out still tells the length needed.
 * @param m the report.
 * @param flags PAPER_METRICS_JSON_* bits, or 0.
 * @param buf destination; may be NULL when cap is 0.
 * @param cap size of buf in bytes, including room for the NUL.
 * @param len_out if not NULL, receives the JSON's length without the NUL.
 * @return PAPER_OK, PAPER_EINVAL, PAPER_ERANGE (cap too small), PAPER_ENOMEM.
 */
PAPER_API int paper_metrics_write_json(const paper_metrics *m, unsigned int flags, char *buf,
				       size_t cap, size_t *len_out);

/**
 * Release a string the library allocated for the caller (paper_metrics_to_json()).
 * NULL is a harmless no-op.
 * @param s the string.
 */
PAPER_API void paper_string_free(char *s);

PAPER_END_DECLS

#endif /* PAPER_METRICS_H */
