/*
 * libpaper - drift: a paper account against a backtest of the same signals (since 1.1).
 *
 * paper_drift_compare() takes the closed trades of two brokers — the paper account (a ledger's
 * broker, paper_ledger_load_broker()) and a backtest over the same period (a replay's broker)
 * — and matches them one to one. Each row of the result is a matched pair (with the
 * differences in entry and exit time and price, quantity, slippage and net P&L), a trade only
 * the backtest made (missed by the paper account) or one only the paper account made (an
 * extra trade). The summary adds them up; the totals reconcile exactly:
 * paper P&L - backtest P&L = matched P&L drift + extra P&L - missed P&L.
 *
 * The matching rule (docs/drift.md):
 *   1. By signal id: a paper trade and a backtest trade with the same non-empty signal id,
 *      symbol and direction are a pair (the nearest entry time first when an id repeats).
 *   2. By time (unless match_by_time is false): of the trades left, pairs of the same symbol
 *      and direction whose entry times are at most time_tolerance apart, the closest pair
 *      first (ties: the earlier paper entry, then the earlier backtest entry); each trade
 *      joins at most one pair.
 *   3. The backtest trades left are missed, the paper trades left are extra.
 * Only trades whose entry lies in [from, to) take part (0: no bound).
 *
 * Slippage of a trade: the sum of |fill price - reference price| x quantity over the fills of
 * its symbol from its entry time to its exit time, as the broker recorded them (the fills in
 * memory: engine.fill_history). The backtest's is what the cost model expects on the backtest's
 * prices ("modelled"); the paper account's is what it paid on the prices it saw ("realised").
 *
 * Ownership: a paper_drift is the caller's (paper_drift_free()); it copies what it needs and
 * borrows nothing. Thread-safety: the brokers are only read; do not change them meanwhile.
 */
#ifndef PAPER_DRIFT_H
#define PAPER_DRIFT_H

#include "broker.h"
#include "common.h"

PAPER_BEGIN_DECLS

/** Opaque result of a comparison. */
typedef struct paper_drift paper_drift;

/** How to compare. Initialise with PAPER_DRIFT_OPTIONS_INIT. */
typedef struct paper_drift_options {
	unsigned int version;     /**< PAPER_DRIFT_OPTIONS_VERSION */
	/** Largest difference of entry times that still pairs two trades by time, in
	 *  microseconds (default: one hour); 0 pairs only equal times. */
	paper_ts time_tolerance;
	bool match_by_time;       /**< rule 2 (default true); false: by signal id only */
	paper_ts from;            /**< trades entered at or after; 0: no bound */
	paper_ts to;              /**< trades entered before; 0: no bound */
} paper_drift_options;

#define PAPER_DRIFT_OPTIONS_VERSION 1
#define PAPER_DRIFT_OPTIONS_INIT                                                             \
	{ .version = PAPER_DRIFT_OPTIONS_VERSION, .time_tolerance = INT64_C(3600000000),      \
	  .match_by_time = true, .from = 0, .to = 0 }

/** What a row is. */
typedef enum paper_drift_kind {
	PAPER_DRIFT_MATCHED = 1, /**< a trade of each side */
	PAPER_DRIFT_MISSED = 2,  /**< the backtest traded, the paper account did not */
	PAPER_DRIFT_EXTRA = 3,   /**< the paper account traded, the backtest did not */
} paper_drift_kind;

/** How a pair was made. */
typedef enum paper_drift_match {
	PAPER_DRIFT_MATCH_NONE = 0,      /**< missed and extra rows */
	PAPER_DRIFT_MATCH_SIGNAL_ID = 1, /**< rule 1 */
	PAPER_DRIFT_MATCH_TIME = 2,      /**< rule 2 */
} paper_drift_match;

/** Static name of a kind ("matched", "missed", "extra"); "unknown" if invalid. */
PAPER_API const char *paper_drift_kind_str(paper_drift_kind kind);

/** Static name of a match ("none", "signal_id", "time"); "unknown" if invalid. */
PAPER_API const char *paper_drift_match_str(paper_drift_match match);

/**
 * One row: a matched pair, or one side alone. The fields of a side the row does not have are
 * 0 (ids, times, quantities, amounts) or NaN (prices, differences). Differences are paper minus
 * backtest; "_bps" drifts are signed so that positive is worse for the paper account (a long
 * entered higher or exited lower, a short the other way), in basis points of the backtest's
 * price.
 */
typedef struct paper_drift_row {
	unsigned int version;           /**< PAPER_DRIFT_ROW_VERSION */
	paper_drift_kind kind;
	paper_drift_match match;
	char symbol[PAPER_SYMBOL_MAX + 1];
	paper_direction direction;
	char signal_id[PAPER_ID_MAX + 1];   /**< the paper trade's, else the backtest's */
	uint64_t paper_trade, backtest_trade; /**< trade ids (0: no trade on that side) */
	paper_ts paper_entry_ts, backtest_entry_ts;
	paper_ts paper_exit_ts, backtest_exit_ts;
	double paper_entry_price, backtest_entry_price; /**< average entry prices */
	double paper_exit_price, backtest_exit_price;   /**< average exit prices */
	double paper_qty, backtest_qty;
	paper_exit_reason paper_reason, backtest_reason; /**< the exit reasons */
	double paper_pnl, backtest_pnl;             /**< net of fees */
	double paper_slippage, backtest_slippage;   /**< money, see above */
	double entry_delay, exit_delay;             /**< seconds, paper - backtest */
	double entry_price_diff, exit_price_diff;   /**< paper - backtest */
	double entry_drift_bps, exit_drift_bps;     /**< positive: worse on paper */
	double qty_diff;                            /**< paper - backtest */
	/** paper_pnl - backtest_pnl: a missed row's is -backtest_pnl, an extra row's paper_pnl */
	double pnl_drift;
	int64_t paper_pnl_e8, backtest_pnl_e8;      /**< exact net P&Ls */
} paper_drift_row;

#define PAPER_DRIFT_ROW_VERSION 1
#define PAPER_DRIFT_ROW_INIT { .version = PAPER_DRIFT_ROW_VERSION }

/** The totals of a comparison. Means are over the matched pairs (NaN without any). */
typedef struct paper_drift_summary {
	unsigned int version;          /**< PAPER_DRIFT_SUMMARY_VERSION */
	uint64_t paper_trades, backtest_trades; /**< trades that took part */
	uint64_t matched, matched_by_signal_id, matched_by_time;
	uint64_t missed, extra;
	uint64_t exit_reason_changes;  /**< matched pairs that exited for different reasons */
	double paper_pnl, backtest_pnl; /**< net, of the trades that took part */
	double pnl_drift;              /**< paper_pnl - backtest_pnl */
	double matched_pnl_drift;      /**< sum of the matched pairs' pnl_drift */
	double missed_pnl;             /**< the backtest's net P&L of the missed trades */
	double extra_pnl;              /**< the paper account's net P&L of the extra trades */
	double mean_entry_delay, max_entry_delay; /**< seconds; max of the absolute delays */
	double mean_exit_delay, max_exit_delay;
	double mean_entry_drift_bps, mean_exit_drift_bps;
	double paper_slippage, backtest_slippage; /**< realised and modelled, all trades of each side */
	double matched_paper_slippage, matched_backtest_slippage; /**< of the matched pairs only */
	int64_t paper_pnl_e8, backtest_pnl_e8, matched_pnl_drift_e8, missed_pnl_e8, extra_pnl_e8;
	paper_ts time_tolerance;       /**< the options in force */
	bool match_by_time;
} paper_drift_summary;

#define PAPER_DRIFT_SUMMARY_VERSION 1
#define PAPER_DRIFT_SUMMARY_INIT { .version = PAPER_DRIFT_SUMMARY_VERSION }

/**
 * Compare the closed trades of a paper account with those of a backtest.
 * @param out receives the result, owned by the caller (paper_drift_free()).
 * @param paper the paper account's broker; only read.
 * @param backtest the backtest's broker; only read.
 * @param opts NULL for the defaults.
 * @return PAPER_OK, PAPER_EINVAL (NULL argument, negative tolerance, to <= from),
 *         PAPER_EVERSION, PAPER_ENOMEM.
 */
PAPER_API int paper_drift_compare(paper_drift **out, const paper_broker *paper,
				  const paper_broker *backtest, const paper_drift_options *opts);

/** Release a result. NULL is a harmless no-op. */
PAPER_API void paper_drift_free(paper_drift *d);

/**
 * The totals.
 * @param out its version must be set (PAPER_DRIFT_SUMMARY_INIT).
 * @return PAPER_OK, PAPER_EINVAL, PAPER_EVERSION.
 */
PAPER_API int paper_drift_summary_get(const paper_drift *d, paper_drift_summary *out);

/** Number of rows (NULL gives 0): in order of entry time, the earlier side's. */
PAPER_API size_t paper_drift_row_count(const paper_drift *d);

/**
 * Row number index.
 * @param out its version must be set (PAPER_DRIFT_ROW_INIT).
 * @return PAPER_OK, PAPER_EINVAL, PAPER_EVERSION, PAPER_ERANGE.
 */
PAPER_API int paper_drift_row_at(const paper_drift *d, size_t index, paper_drift_row *out);

/**
 * The result as JSON: {"format": "libpaper.drift", "format_version": 1, "schema_version": 2,
 * "summary": {...}, "rows": [...]}, amounts as exact decimals, times ISO-8601 (docs/drift.md).
 * @param out receives a NUL-terminated string, owned by the caller (paper_string_free()).
 * @return PAPER_OK, PAPER_EINVAL, PAPER_ENOMEM.
 */
PAPER_API int paper_drift_to_json(const paper_drift *d, char **out);

PAPER_END_DECLS

#endif /* PAPER_DRIFT_H */
