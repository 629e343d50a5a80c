/*
 * libpaper - replay over history, trade plans and walk-forward runs.
 *
 * A paper_replay streams OHLCV bars of many symbols, merged in time order, through a session
 * on a broker, together with signals: CSV files (one per symbol, SYMBOL.csv, or files with a
 * symbol column) and in-memory columns for bindings. Bars are read as a stream (a k-way merge
 * over one reader per file): memory does not depend on the number of bars. Numbers are parsed
 * straight into fixed-point, so CSV and fixed-point columns give identical results.
 *
 * Timing: a signal stamped t is acted on after every bar stamped at or before t; its entry
 * fills at the open of the symbol's first bar stamped after t. docs/semantics.md has the
 * exit rules, docs/formats.md every file format, docs/replay.md how to run it.
 *
 * Bad input (a malformed row, high below low, negative volume, timestamps out of order or
 * duplicated within a symbol, a signal for a symbol no bars input has) fails the run with
 * PAPER_EFORMAT and a message naming the file, the line and the field; with skip_bad_rows such
 * rows are skipped and counted instead, but an input whose every row was bad still fails the
 * run (when it finishes). A failed run removes the trades file it was writing.
 *
 * Ownership: paper_replay_new() borrows the broker (it must outlive the replay) and creates a
 * session on it, owned by the replay. In-memory columns are borrowed until the replay is
 * freed; in-memory signals are copied.
 * Thread-safety: a replay, its session and its broker are used from one thread at a time.
 */
#ifndef PAPER_REPLAY_H
#define PAPER_REPLAY_H

#include "common.h"
#include "broker.h"
#include "session.h"

PAPER_BEGIN_DECLS

/** Opaque replay handle. */
typedef struct paper_replay paper_replay;

/** Progress of a run, given to the progress callback. */
typedef struct paper_replay_progress {
	unsigned int version;   /**< PAPER_REPLAY_PROGRESS_VERSION */
	uint64_t rows;          /**< bar rows read so far (skipped ones included) */
	uint64_t rows_total;    /**< rows of the in-memory inputs; CSV rows are not counted ahead */
	uint64_t bytes;         /**< bytes of CSV input read so far */
	uint64_t bytes_total;   /**< bytes of all CSV inputs */
	paper_ts ts;            /**< time of the latest bar */
} paper_replay_progress;

#define PAPER_REPLAY_PROGRESS_VERSION 1

/**
 * Called during a run every progress_every rows.
 * @param p the progress (borrowed, valid during the call).
 * @param payload the options' progress_payload.
 */
typedef void (*paper_replay_progress_cb)(const paper_replay_progress *p, void *payload);

/** How a replay runs. Initialise with PAPER_REPLAY_OPTIONS_INIT or paper_replay_options_init(). */
typedef struct paper_replay_options {
	unsigned int version;        /**< PAPER_REPLAY_OPTIONS_VERSION */
	bool skip_bad_rows;          /**< skip and count bad rows instead of failing */
	bool close_at_end;           /**< close positions at the last close at the end (end_of_data) */
	bool daily;                  /**< keep one breakdown row per UTC day (walk-forward) */
	paper_ts from;               /**< first bar time to use (bars and signals before are skipped); 0: none */
	paper_ts to;                 /**< end (exclusive): bars and signals at or after are not used; 0: none */
	const char *trades_path;     /**< write the trades CSV here as trades close, replacing any file only when the run succeeds (docs/formats.md); NULL: none */
	paper_replay_progress_cb progress; /**< NULL: none */
	void *progress_payload;      /**< given to progress */
	uint64_t progress_every;     /**< rows between progress calls; 0: 1048576 */
} paper_replay_options;

#define PAPER_REPLAY_OPTIONS_VERSION 1
#define PAPER_REPLAY_OPTIONS_INIT                                                          \
	{ .version = PAPER_REPLAY_OPTIONS_VERSION, .skip_bad_rows = false,                 \
	  .close_at_end = true, .daily = false, .from = 0, .to = 0, .trades_path = NULL,   \
	  .progress = NULL, .progress_payload = NULL, .progress_every = 0 }

/**
 * Fill opts with the defaults of the given version.
 * @param opts the options.
 * @param version PAPER_REPLAY_OPTIONS_VERSION.
 * @return PAPER_OK, PAPER_EINVAL, PAPER_EVERSION.
 */
PAPER_API int paper_replay_options_init(paper_replay_options *opts, unsigned int version);

/**
 * In-memory bars as columns, for bindings: row i is symbols[symbol[i]] at ts[i]. Rows must be
 * in time order (ties in any order), each symbol's strictly increasing. Give prices either as
 * doubles or as fixed-point integers (units of 1e-8, PAPER_FIXED_SCALE), not both. The arrays
 * are borrowed: they must stay valid and unchanged until the replay is freed.
 */
typedef struct paper_bar_columns {
	unsigned int version;        /**< PAPER_BAR_COLUMNS_VERSION */
	size_t n_rows;               /**< number of rows */
	const char *const *symbols;  /**< n_symbols symbol names */
	size_t n_symbols;            /**< number of names */
	const uint32_t *symbol;      /**< per row: index into symbols; may be NULL if n_symbols is 1 */
	const paper_ts *ts;          /**< per row: the bar's open time */
	const double *open, *high, *low, *close; /**< prices as doubles, or all NULL */
	const double *volume;        /**< volume as doubles; NULL: 0 */
	const int64_t *open_e8, *high_e8, *low_e8, *close_e8; /**< or prices in 1e-8 units */
	const int64_t *volume_e8;    /**< volume in 1e-8 units; NULL: 0 */
} paper_bar_columns;

#define PAPER_BAR_COLUMNS_VERSION 1
#define PAPER_BAR_COLUMNS_INIT { .version = PAPER_BAR_COLUMNS_VERSION }

/**
 * Create a replay on a broker, with a session on it (paper_replay_session()).
 * @param out receives the replay, owned by the caller (paper_replay_free()).
 * @param b the broker; borrowed: it must outlive the replay.
 * @param opts how to run (NULL: defaults); copied, trades_path included.
 * @return PAPER_OK, PAPER_EINVAL, PAPER_EVERSION, PAPER_ECONFIG (the broker keeps fewer than
 *         16 closed trades, engine.trade_history, too few to stream them), PAPER_ENOMEM.
 */
PAPER_API int paper_replay_new(paper_replay **out, paper_broker *b,
			       const paper_replay_options *opts);

/**
 * Release a replay and its session (not the broker). NULL is a harmless no-op.
 * @param r the replay.
 */
PAPER_API void paper_replay_free(paper_replay *r);

/**
 * The replay's session, to adjust before running (paper_session_set_symbol_lot(), ...).
 * @param r the replay.
 * @return the session, owned by the replay; NULL when r is NULL.
 */
PAPER_API paper_session *paper_replay_session(const paper_replay *r);

/**
 * Add bars from a CSV file, or from every *.csv file of a directory (in name order). The
 * header names the columns: timestamp, open, high, low, close, volume, and optionally symbol;
 * or those of another tool's dialect (Yahoo, Binance, Alpaca, Polygon, Stooq, pandas:
 * docs/formats.md), found from the header and reported (paper_replay_source_get()).
 * Without a symbol column the file holds one symbol, its name without ".csv". The header is
 * read now; the rows during the run.
 * @param r the replay (not yet run).
 * @param path a file or a directory.
 * @return PAPER_OK, PAPER_EIO (cannot read), PAPER_EFORMAT (bad header, bad symbol name, a
 *         symbol already added), PAPER_ESTATE (already running), PAPER_EINVAL.
 */
PAPER_API int paper_replay_add_bars_path(paper_replay *r, const char *path);

/** The unit of epoch times in a bars file (paper_replay_bars_options.time_unit). */
typedef enum paper_time_unit {
	PAPER_TIME_UNIT_AUTO = 0, /**< by the number of digits: up to 10 seconds, 13 milliseconds,
				       16 microseconds, 19 nanoseconds; other counts are refused */
	PAPER_TIME_UNIT_S = 1,    /**< seconds */
	PAPER_TIME_UNIT_MS = 2,   /**< milliseconds */
	PAPER_TIME_UNIT_US = 3,   /**< microseconds */
	PAPER_TIME_UNIT_NS = 4,   /**< nanoseconds */
} paper_time_unit;

/**
 * How to read bars files written by other tools (docs/formats.md, "Dialects"). The dialect
 * itself (Yahoo, Binance, Alpaca, Polygon, Stooq, pandas, ...) is found from each file's
 * header and reported (paper_replay_source_get()); these say what a file cannot.
 * Initialise with PAPER_REPLAY_BARS_OPTIONS_INIT or paper_replay_bars_options_init().
 */
typedef struct paper_replay_bars_options {
	unsigned int version;       /**< PAPER_REPLAY_BARS_OPTIONS_VERSION */
	const char *columns;        /**< "ts=Date,close=Close": the columns of these roles (ts, or
				         date and time; symbol, open, high, low, close, volume,
				         adj_close), the others found by name, unknown names then
				         ignored; NULL: every column found by name */
	paper_time_unit time_unit;  /**< the unit of epoch times; AUTO: by their digits */
	const char *tz;             /**< the zone of times written without one (an IANA name such
				         as America/New_York, UTC, or +05:30): they are local times
				         there, and dates start at its midnight; NULL: such times
				         are refused and dates are 00:00 UTC */
	bool adjusted;              /**< use the adjusted close (Yahoo's Adj Close) as the close
				         and scale open, high and low by adjusted close / close */
} paper_replay_bars_options;

#define PAPER_REPLAY_BARS_OPTIONS_VERSION 1
#define PAPER_REPLAY_BARS_OPTIONS_INIT                                                     \
	{ .version = PAPER_REPLAY_BARS_OPTIONS_VERSION, .columns = NULL,                   \
	  .time_unit = PAPER_TIME_UNIT_AUTO, .tz = NULL, .adjusted = false }

/**
 * Fill opts with the defaults of the given version.
 * @param opts the options.
 * @param version PAPER_REPLAY_BARS_OPTIONS_VERSION.
 * @return PAPER_OK, PAPER_EINVAL, PAPER_EVERSION.
 */
PAPER_API int paper_replay_bars_options_init(paper_replay_bars_options *opts,
					     unsigned int version);

/**
 * paper_replay_add_bars_path() with options for files other tools wrote: a file, or every
 * *.csv file of a directory (in name order), each read in the dialect its header shows.
 * @param r the replay (not yet run).
 * @param path a file or a directory.
 * @param opts how to read them (NULL: as paper_replay_add_bars_path()); copied.
 * @return PAPER_OK, PAPER_EIO, PAPER_EFORMAT (a header of no dialect, a --columns name the
 *         header lacks, a symbol already added, ...), PAPER_EINVAL (bad options: a role or
 *         zone unknown, a time unit out of range), PAPER_EVERSION, PAPER_ESTATE.
 */
PAPER_API int paper_replay_add_bars_file_with(paper_replay *r, const char *path,
					      const paper_replay_bars_options *opts);

/**
 * Add in-memory bars. The struct is copied; the arrays it points to are borrowed.
 * @param r the replay (not yet run).
 * @param cols the columns.
 * @return PAPER_OK, PAPER_EINVAL (missing or mixed arrays, bad symbol name, a symbol index
 *         out of range), PAPER_EFORMAT (a symbol already added), PAPER_EVERSION, PAPER_ESTATE.
 */
PAPER_API int paper_replay_add_bar_columns(paper_replay *r, const paper_bar_columns *cols);

/**
 * Add signals from a CSV file: header with timestamp, symbol, side, confidence and optionally
 * take_profit, stop_loss, risk, signal_id, strategy; rows in time order.
 * @param r the replay (not yet run).
 * @param path the file.
 * @return PAPER_OK, PAPER_EIO, PAPER_EFORMAT (bad header), PAPER_ESTATE, PAPER_EINVAL.
 */
PAPER_API int paper_replay_add_signals_file(paper_replay *r, const char *path);

/**
 * Add in-memory signals (copied; any order: they are sorted by time, stably).
 * @param r the replay (not yet run).
 * @param signals n signals; ts is required (not 0).
 * @param n number of signals.
 * @return PAPER_OK, PAPER_EINVAL (a bad field, naming the index), PAPER_EVERSION,
 *         PAPER_ESTATE, PAPER_ENOMEM.
 */
PAPER_API int paper_replay_add_signals(paper_replay *r, const paper_signal *signals, size_t n);

/**
 * Run up to a time: every bar stamped before until and every signal stamped before until.
 * Can be called again with a later time to continue (e.g. to submit intents in between).
 * @param r the replay.
 * @param until end time (exclusive).
 * @return PAPER_OK; PAPER_EFORMAT (bad input: file, line, field); PAPER_EIO; the broker's or
 *         session's code for an unexpected refusal; PAPER_ESTATE (finished or failed before).
 */
PAPER_API int paper_replay_run_until(paper_replay *r, paper_ts until);

/**
 * Run to the end of the input and finish: signals after the last bar are counted, not acted
 * on; with close_at_end every position is closed at its last close (end_of_data); the trades
 * file is completed.
 * @param r the replay.
 * @return as paper_replay_run_until().
 */
PAPER_API int paper_replay_run(paper_replay *r);

/** Input counters of a replay. Initialise with PAPER_REPLAY_STATS_INIT. */
typedef struct paper_replay_stats {
	unsigned int version;        /**< PAPER_REPLAY_STATS_VERSION */
	uint64_t sources;            /**< bar files and column sets */
	uint64_t symbols;            /**< symbols with bars */
	uint64_t bars;               /**< bars replayed */
	uint64_t bars_out_of_range;  /**< bars outside [from, to) */
	uint64_t rows_skipped;       /**< bad bar rows skipped (skip_bad_rows) */
	uint64_t signals;            /**< signals acted on (given to the session) */
	uint64_t signals_skipped;    /**< bad signal rows skipped (skip_bad_rows) */
	uint64_t signals_out_of_range; /**< signals outside [from, to) */
	uint64_t signals_after_data; /**< signals with no bar after them */
	uint64_t trades_written;     /**< rows written to the trades CSV */
	paper_ts first_ts;           /**< first bar replayed; 0 if none */
	paper_ts last_ts;            /**< last bar replayed; 0 if none */
} paper_replay_stats;

#define PAPER_REPLAY_STATS_VERSION 1
#define PAPER_REPLAY_STATS_INIT { .version = PAPER_REPLAY_STATS_VERSION }

/**
 * The replay's input counters.
 * @param r the replay.
 * @param out receives them; its version must be set.
 * @return PAPER_OK, PAPER_EINVAL, PAPER_EVERSION.
 */
PAPER_API int paper_replay_stats_get(const paper_replay *r, paper_replay_stats *out);

/**
 * The summary as one JSON object: the session summary (paper_session_summary_json()) with an
 * "input" object of the replay's counters.
 * @param r the replay.
 * @param flags PAPER_SUMMARY_* bits, or 0.
 * @param out receives the string, owned by the caller (paper_string_free()).
 * @return PAPER_OK, PAPER_EINVAL, PAPER_ENOMEM.
 */
PAPER_API int paper_replay_summary_json(const paper_replay *r, unsigned int flags, char **out);

/** How one bars input was read: its dialect, in a word and in a sentence, and its counts. */
typedef struct paper_replay_source_info {
	unsigned int version;       /**< PAPER_REPLAY_SOURCE_INFO_VERSION */
	const char *name;           /**< the file's path, or "columns #N"; borrowed from the replay */
	const char *dialect;        /**< libpaper, yahoo, yfinance, stooq, stooq-intraday,
				         stooq-data, binance, alpaca, polygon, polygon-flat,
				         pandas, columns (as given), memory (in-memory columns);
				         static */
	const char *report;         /**< one line: "Yahoo Finance daily: dates at 00:00 UTC; Adj
				         Close ignored (--adjusted uses it); 1 row without prices
				         (null or empty) skipped"; borrowed, valid until the next
				         call for this source or paper_replay_free() */
	uint64_t rows;              /**< rows read so far (CSV data rows; in-memory: rows taken) */
	uint64_t rows_skipped;      /**< bad rows skipped (skip_bad_rows) */
	uint64_t rows_empty;        /**< rows without prices (Yahoo's null, pandas' NaN), skipped
				         by rule: a day without trading */
	uint64_t values_rounded;    /**< numbers with more than 8 decimals, rounded */
} paper_replay_source_info;

#define PAPER_REPLAY_SOURCE_INFO_VERSION 1
#define PAPER_REPLAY_SOURCE_INFO_INIT { .version = PAPER_REPLAY_SOURCE_INFO_VERSION }

/**
 * Number of bars inputs (files and column sets), in the order they were added.
 * @param r the replay; NULL gives 0.
 * @return the count.
 */
PAPER_API size_t paper_replay_source_count(const paper_replay *r);

/**
 * How bars input number index was read. Counts grow while the replay runs; the time form in
 * the report is known once the first row is read.
 * @param r the replay.
 * @param index 0 .. paper_replay_source_count() - 1.
 * @param out receives the information; its version must be set.
 * @return PAPER_OK, PAPER_EINVAL, PAPER_EVERSION, PAPER_ERANGE.
 */
PAPER_API int paper_replay_source_get(const paper_replay *r, size_t index,
				      paper_replay_source_info *out);

/** One UTC day of a run with the daily option. */
typedef struct paper_day_info {
	unsigned int version;     /**< PAPER_DAY_INFO_VERSION */
	paper_ts day;             /**< 00:00 UTC of the day */
	double start_equity;      /**< equity before the day's first bar */
	double end_equity;        /**< equity after the day's last bar (and the end-of-data close) */
	double pnl;               /**< end_equity - start_equity */
	double fees;              /**< fees charged during the day */
	uint64_t trades;          /**< round trips closed during the day */
	uint64_t wins;            /**< of which with net P&L > 0 */
	uint64_t losses;          /**< of which with net P&L < 0 */
	uint64_t bars;            /**< bars replayed */
	uint64_t signals;         /**< signals acted on */
	uint64_t entries;         /**< entries filled */
	uint64_t open_positions;  /**< at the end of the day */
	int64_t start_equity_e8, end_equity_e8, fees_e8; /**< exact values */
} paper_day_info;

#define PAPER_DAY_INFO_VERSION 1
#define PAPER_DAY_INFO_INIT { .version = PAPER_DAY_INFO_VERSION }

/**
 * Number of days recorded (the daily option; days with at least one bar).
 * @param r the replay; NULL gives 0.
 * @return the count.
 */
PAPER_API size_t paper_replay_day_count(const paper_replay *r);

/**
 * Day number index, oldest first.
 * @param r the replay.
 * @param index 0 .. paper_replay_day_count() - 1.
 * @param out receives the day; its version must be set.
 * @return PAPER_OK, PAPER_EINVAL, PAPER_EVERSION, PAPER_ERANGE.
 */
PAPER_API int paper_replay_day_at(const paper_replay *r, size_t index, paper_day_info *out);

/**
 * The walk-forward summary of a finished daily run as one JSON object: month, capital,
 * total_trades, total_pnl, final_equity, win_rate, mdd_pct, cagr, the days and the metrics
 * report (docs/formats.md).
 * @param r the replay.
 * @param out receives the string, owned by the caller (paper_string_free()).
 * @return PAPER_OK, PAPER_EINVAL, PAPER_ESTATE (not run with the daily option), PAPER_ENOMEM.
 */
PAPER_API int paper_replay_walk_forward_json(const paper_replay *r, char **out);

/** Opaque trade plan: intents read from a trade plan CSV. */
typedef struct paper_plan paper_plan;

/**
 * Read a trade plan CSV (symbol, side, qty and/or notional columns, optionally limit,
 * take_profit, stop_loss, max_hold; docs/formats.md). Every row is checked.
 * @param out receives the plan, owned by the caller (paper_plan_free()).
 * @param path the file.
 * @return PAPER_OK, PAPER_EIO, PAPER_EFORMAT (naming the line and field), PAPER_EINVAL.
 */
PAPER_API int paper_plan_read(paper_plan **out, const char *path);

/**
 * Release a plan. NULL is a harmless no-op.
 * @param p the plan.
 */
PAPER_API void paper_plan_free(paper_plan *p);

/**
 * Number of intents in a plan.
 * @param p the plan; NULL gives 0.
 * @return the count.
 */
PAPER_API size_t paper_plan_count(const paper_plan *p);

/**
 * Intent number index, in file order; its strings are borrowed from the plan, its ts is 0.
 * @param p the plan.
 * @param index 0 .. paper_plan_count() - 1.
 * @param out receives the intent; its version must be set (PAPER_INTENT_INIT).
 * @return PAPER_OK, PAPER_EINVAL, PAPER_EVERSION, PAPER_ERANGE.
 */
PAPER_API int paper_plan_get(const paper_plan *p, size_t index, paper_intent *out);

/**
 * The line of the plan file intent number index came from (for messages).
 * @param p the plan.
 * @param index 0 .. paper_plan_count() - 1.
 * @return the line number, or 0 when out of range.
 */
PAPER_API uint64_t paper_plan_line(const paper_plan *p, size_t index);

PAPER_END_DECLS

#endif /* PAPER_REPLAY_H */
