/*
 * libpaper - reports: the self-contained HTML dashboard of a paper account.
 *
 * The dashboard is ONE HTML file with inline CSS, SVG and one small inline script: no
 * scripts, fonts or images from anywhere, readable offline and without scripts, laid out for
 * a desktop (1280 px) and a phone. It shows KPI cards, the equity curve (with date ticks)
 * and the drawdown under it, exit reasons with their P&L, open positions, recent fills, the
 * whole trade history (sortable and paged by the script; every row is in the page), a
 * per-symbol table, a readiness checklist (since 1.1 the readiness gate of
 * paper_readiness_evaluate() with paper_report_html_v2()), recommendations, the paper versus
 * backtest section when a drift is given, and the tear sheet (paper_report_tearsheet_html()).
 * Every KPI carries its exact value in a data-value attribute for tools that read the page.
 *
 * Thread-safety: reads the broker only; do not change the broker meanwhile.
 */
#ifndef PAPER_REPORT_H
#define PAPER_REPORT_H

#include "broker.h"
#include "common.h"
#include "config.h"
#include "drift.h"
#include "feed.h"
#include "ledger.h"
#include "metrics.h"

PAPER_BEGIN_DECLS

/** What the dashboard shows and the readiness criteria it checks. */
typedef struct paper_report_options {
	unsigned int version;      /**< PAPER_REPORT_OPTIONS_VERSION */
	const char *title;         /**< NULL: "Paper account <account.name>" */
	uint32_t refresh_seconds;  /**< reload the page every N seconds; 0: never */
	uint32_t recent_fills;     /**< rows of recent fills (default 20) */
	uint32_t recent_trades;    /**< rows of trade history; version 2: 0 (the default) is
				        every trade; version 1's default is 50 */
	double periods_per_year;   /**< annualization of the daily returns; version 2: 0 (the
				        default) is the account's metrics.periods_per_year, and
				        when that is 0 too, the data's calendar (365 for 24/7
				        data, else 252: PAPER_PERIODS_PER_YEAR_FROM_DATA);
				        version 1's default is 252 */
	/* Readiness checklist: each criterion passes or fails. */
	uint32_t min_trades;       /**< at least this many closed trades (default 20) */
	double min_win_rate;       /**< win rate at least this fraction (default 0.55) */
	double min_sharpe;         /**< Sharpe ratio at least (default 1.5) */
	double max_drawdown;       /**< max drawdown at most this fraction, positive (default 0.10) */
	uint32_t max_errors;       /**< errors at most (default 0: "no errors"): rejected
				        orders, and with a ledger (version 3) rejected decisions */
	/* Version 3 (libpaper 1.1): */
	paper_ledger *ledger;      /**< the ledger the account is kept in, or NULL: its inbox's
				        rejected decisions count as errors and are listed with
				        their reasons (paper_ledger_decision_outcomes()) */
} paper_report_options;

/* Version 2 (libpaper 1.1): the same fields; recent_trades 0 is every trade and
   periods_per_year 0 is from the account or the data, both the defaults. Version 1 is still
   accepted, with its defaults 50 and 252. Version 3 adds ledger; versions 1 and 2 (without
   it) are still accepted. */
#define PAPER_REPORT_OPTIONS_VERSION 3
#define PAPER_REPORT_OPTIONS_INIT                                                            \
	{ .version = PAPER_REPORT_OPTIONS_VERSION, .title = NULL, .refresh_seconds = 0,        \
	  .recent_fills = 20, .recent_trades = 0, .periods_per_year = 0.0, .min_trades = 20,   \
	  .min_win_rate = 0.55, .min_sharpe = 1.5, .max_drawdown = 0.10, .max_errors = 0,      \
	  .ledger = NULL }

/**
 * Render the dashboard of a broker's account.
 * @param out receives the NUL-terminated HTML, owned by the caller (paper_string_free()).
 * @param len_out if not NULL, receives its length.
 * @param b the broker (paper_ledger_load_broker() gives one for a stored account).
 * @param opts NULL for the defaults.
 * @return PAPER_OK, PAPER_EINVAL, PAPER_EVERSION, PAPER_ENOMEM; with a ledger, its errors
 *         reading the inbox (PAPER_ENOTFOUND: the account is not in it; PAPER_EIO).
 */
PAPER_API int paper_report_html(char **out, size_t *len_out, const paper_broker *b,
				const paper_report_options *opts);

/**
 * Render the dashboard into a file, replaced atomically (written beside it, synced, then
 * renamed; the old file's permissions kept), so a browser refreshing it never sees half a
 * page. A symbolic link at path is refused (docs/formats.md, "How output files are written").
 * @return as paper_report_html(), or PAPER_EIO.
 */
PAPER_API int paper_report_write_html(const paper_broker *b, const paper_report_options *opts,
				      const char *path);

/**
 * The tear sheet of a metrics report as one self-contained HTML page (since libpaper 1.1): key
 * figures, a monthly returns heatmap, yearly returns, the rolling 6-month Sharpe ratio, a
 * histogram of the returns and the underwater curve, as inline SVG whose elements carry
 * their values in data-* attributes; nothing is fetched from anywhere. The dashboard
 * (paper_report_html()) holds the same sections. Build the report with
 * paper_metrics_from_broker() or paper_metrics_from_arrays(), and
 * paper_metrics_with_benchmark() for alpha and beta.
 * @param out receives the NUL-terminated HTML, owned by the caller (paper_string_free()).
 * @param len_out if not NULL, receives its length.
 * @param m the report; only read.
 * @param title the page title; NULL: "Tear sheet". Escaped.
 * @return PAPER_OK, PAPER_EINVAL (out or m NULL).
 */
PAPER_API int paper_report_tearsheet_html(char **out, size_t *len_out, const paper_metrics *m,
					  const char *title);

/**
 * The dashboard with a "Live feeds" section after the KPI cards (since libpaper 1.1): one row
 * per feed with its state, the age of its last message when the health was written, and its
 * reconnects, gaps, backfilled bars, duplicates, out-of-order and dropped messages, clock skew
 * and last error. paper_ledger_each_feed_health() gives what paper run kept.
 * @param feeds n_feeds health records (may be NULL when n_feeds is 0).
 * @param written when each was written (wall clock); NULL: unknown.
 * @return as paper_report_html(); PAPER_EVERSION for a feeds[i].version this library lacks.
 * @since 1.1
 */
PAPER_API int paper_report_html_feeds(char **out, size_t *len_out, const paper_broker *b,
				      const paper_report_options *opts,
				      const paper_feed_health_info *feeds, const paper_ts *written,
				      size_t n_feeds);

/**
 * paper_report_html_feeds() into a file, replaced atomically.
 * @return as paper_report_html_feeds(), or PAPER_EIO.
 * @since 1.1
 */
PAPER_API int paper_report_write_html_feeds(const paper_broker *b, const paper_report_options *opts,
					    const paper_feed_health_info *feeds,
					    const paper_ts *written, size_t n_feeds, const char *path);

/* ---- the readiness gate (since libpaper 1.1) ---- */

/**
 * What the readiness gate reads besides the broker. Initialise with
 * PAPER_READINESS_OPTIONS_INIT. Every threshold is a readiness.* config key (docs/config.md):
 * min_trades, min_win_rate, min_sharpe, max_drawdown, max_errors, min_calendar_days,
 * min_trading_days, min_error_free_days, min_psr, psr_benchmark_sharpe, small_sample.
 */
typedef struct paper_readiness_options {
	unsigned int version;      /**< PAPER_READINESS_OPTIONS_VERSION */
	/** The thresholds: the readiness.* keys of this config; NULL: the broker's own config.
	 *  Borrowed during the call. */
	const paper_config *thresholds;
	/** Decisions of the inbox the orchestrator rejected, counted as errors with the broker's
	 *  rejected orders (the broker does not see them; 0: none). */
	uint64_t rejected_decisions;
	/** The newest of them, for the days since the last error (0: none). */
	paper_ts last_rejected_decision_ts;
	/** A paper-versus-backtest comparison (paper_drift_compare()): the dashboard shows it,
	 *  and it feeds the "slippage above the model" recommendation; NULL: none. Borrowed. */
	const paper_drift *drift;
} paper_readiness_options;

#define PAPER_READINESS_OPTIONS_VERSION 1
#define PAPER_READINESS_OPTIONS_INIT                                                       \
	{ .version = PAPER_READINESS_OPTIONS_VERSION, .thresholds = NULL,                    \
	  .rejected_decisions = 0, .last_rejected_decision_ts = 0, .drift = NULL }

/**
 * Opaque result of paper_readiness_evaluate(): the criteria, each with its value, threshold
 * and verdict, and the recommendations drawn from the account's own numbers.
 */
typedef struct paper_readiness paper_readiness;

/** One criterion. Strings are static, or borrowed from the readiness (note). */
typedef struct paper_readiness_criterion {
	unsigned int version;   /**< PAPER_READINESS_CRITERION_VERSION */
	/** "min_trades", "min_win_rate", "min_sharpe", "max_drawdown", "errors",
	 *  "min_calendar_days", "min_trading_days", "min_error_free_days", "min_psr",
	 *  "min_track_record" (docs/metrics.md, "The readiness gate"). */
	const char *id;
	const char *label;      /**< what is measured, for people */
	const char *op;         /**< ">=" or "<=": value op threshold passes */
	double value;           /**< measured; NaN when it does not exist yet */
	double threshold;
	bool pass;
	/** The value is a ratio computed from fewer trades or daily returns than
	 *  readiness.small_sample: take it with caution. */
	bool small_sample;
	uint64_t sample;        /**< how many trades or returns it is computed from */
	const char *sample_unit; /**< "trades", "days" or "" */
	const char *note;       /**< one line of explanation ("" when none) */
} paper_readiness_criterion;

#define PAPER_READINESS_CRITERION_VERSION 1
#define PAPER_READINESS_CRITERION_INIT { .version = PAPER_READINESS_CRITERION_VERSION }

/** A recommendation: a rule of docs/metrics.md that the account's numbers trigger. */
typedef struct paper_recommendation {
	unsigned int version;   /**< PAPER_RECOMMENDATION_VERSION */
	/** "stop_losses_dominate", "time_exits_dominate", "fees_eat_profit",
	 *  "one_symbol_profit", "slippage_above_model". */
	const char *id;
	const char *text;       /**< the advice with the numbers that triggered it (borrowed) */
	double value;           /**< the number the rule looked at */
	double threshold;       /**< and the line it crossed */
} paper_recommendation;

#define PAPER_RECOMMENDATION_VERSION 1
#define PAPER_RECOMMENDATION_INIT { .version = PAPER_RECOMMENDATION_VERSION }

/**
 * Evaluate the readiness gate of a broker's account: every criterion of
 * paper_readiness_criterion.id, thresholds from the readiness.* config keys, and the
 * recommendations.
 * @param out receives the result, owned by the caller (paper_readiness_free()).
 * @param report NULL, or report options: only periods_per_year is read (the annualization
 *        of the Sharpe ratio and the periods of the PSR).
 * @param opts NULL for the defaults.
 * @return PAPER_OK, PAPER_EINVAL, PAPER_EVERSION, PAPER_ENOMEM.
 */
PAPER_API int paper_readiness_evaluate(paper_readiness **out, const paper_broker *b,
				       const paper_report_options *report,
				       const paper_readiness_options *opts);

/** Release a result. NULL is a harmless no-op. */
PAPER_API void paper_readiness_free(paper_readiness *r);

/** Whether every criterion passes (NULL: false). */
PAPER_API bool paper_readiness_ready(const paper_readiness *r);

/** Number of criteria (NULL: 0). */
PAPER_API size_t paper_readiness_criterion_count(const paper_readiness *r);

/**
 * Criterion number index, in the order of the dashboard.
 * @return PAPER_OK, PAPER_EINVAL, PAPER_EVERSION, PAPER_ERANGE.
 */
PAPER_API int paper_readiness_criterion_at(const paper_readiness *r, size_t index,
					   paper_readiness_criterion *out);

/** Number of recommendations (NULL: 0); none when no rule applies. */
PAPER_API size_t paper_readiness_recommendation_count(const paper_readiness *r);

/**
 * Recommendation number index.
 * @return PAPER_OK, PAPER_EINVAL, PAPER_EVERSION, PAPER_ERANGE.
 */
PAPER_API int paper_readiness_recommendation_at(const paper_readiness *r, size_t index,
						paper_recommendation *out);

/**
 * The result as JSON: {"ready": bool, "criteria": [{"id", "label", "op", "value",
 * "threshold", "pass", "small_sample", "sample", "sample_unit", "note"}, ...],
 * "recommendations": [{"id", "text", "value", "threshold"}, ...]}.
 * @param out receives a NUL-terminated string, owned by the caller (paper_string_free()).
 * @return PAPER_OK, PAPER_EINVAL, PAPER_ENOMEM.
 */
PAPER_API int paper_readiness_to_json(const paper_readiness *r, char **out);

/**
 * The whole dashboard: paper_report_html() with the readiness gate of
 * paper_readiness_evaluate() in place of the five-criterion checklist (whose fields of opts
 * are then not read: the thresholds are the readiness.* keys), the paper-versus-backtest
 * section when readiness->drift is set, and the "Live feeds" section of
 * paper_report_html_feeds() when n_feeds > 0.
 * @param readiness NULL for the defaults.
 * @param feeds n_feeds health records (may be NULL when n_feeds is 0).
 * @param written when each was written (wall clock); NULL: unknown.
 * @return as paper_report_html_feeds().
 * @since 1.1
 */
PAPER_API int paper_report_html_v2(char **out, size_t *len_out, const paper_broker *b,
				   const paper_report_options *opts,
				   const paper_readiness_options *readiness,
				   const paper_feed_health_info *feeds, const paper_ts *written,
				   size_t n_feeds);

/**
 * paper_report_html_v2() into a file, replaced atomically.
 * @return as paper_report_html_v2(), or PAPER_EIO.
 * @since 1.1
 */
PAPER_API int paper_report_write_html_v2(const paper_broker *b, const paper_report_options *opts,
					 const paper_readiness_options *readiness,
					 const paper_feed_health_info *feeds, const paper_ts *written,
					 size_t n_feeds, const char *path);

PAPER_END_DECLS

#endif /* PAPER_REPORT_H */
