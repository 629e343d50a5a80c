/*
 * libpaper - reports: the self-contained HTML dashboard of a paper account.
 *
 * The dashboard is ONE HTML file with inline CSS, SVG and one small inline script: no
 * scripts, fonts or images from anywhere, readable offline and without scripts, laid out for
 * a desktop (1280 px) and a phone. It shows KPI cards, the equity curve (with date ticks)
 * and the drawdown under it, exit reasons with their P&L, open positions, recent fills, the
 * whole trade history (sortable and paged by the script; every row is in the page), a
 * per-symbol table, a readiness checklist and the tear sheet (paper_report_tearsheet_html()).
 * Every KPI carries its exact value in a data-value attribute for tools that read the page.
 *
 * Thread-safety: reads the broker only; do not change the broker meanwhile.
 */
#ifndef PAPER_REPORT_H
#define PAPER_REPORT_H

#include "broker.h"
#include "common.h"
#include "feed.h"
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
	uint32_t max_errors;       /**< rejected orders and halts at most (default 0: "no errors") */
} paper_report_options;

/* Version 2 (libpaper 1.1): the same fields; recent_trades 0 is every trade and
   periods_per_year 0 is from the account or the data, both the defaults. Version 1 is still
   accepted, with its defaults 50 and 252. */
#define PAPER_REPORT_OPTIONS_VERSION 2
#define PAPER_REPORT_OPTIONS_INIT                                                            \
	{ .version = PAPER_REPORT_OPTIONS_VERSION, .title = NULL, .refresh_seconds = 0,        \
	  .recent_fills = 20, .recent_trades = 0, .periods_per_year = 0.0, .min_trades = 20,   \
	  .min_win_rate = 0.55, .min_sharpe = 1.5, .max_drawdown = 0.10, .max_errors = 0 }

/**
 * Render the dashboard of a broker's account.
 * @param out receives the NUL-terminated HTML, owned by the caller (paper_string_free()).
 * @param len_out if not NULL, receives its length.
 * @param b the broker (paper_ledger_load_broker() gives one for a stored account).
 * @param opts NULL for the defaults.
 * @return PAPER_OK, PAPER_EINVAL, PAPER_EVERSION, PAPER_ENOMEM.
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

PAPER_END_DECLS

#endif /* PAPER_REPORT_H */
