/*
 * libpaper - strategy sessions: signals in, entries and exits out.
 *
 * A paper_session sits on top of a broker. A strategy hands it signals ("go long AAPL,
 * confidence 0.8"); the session decides whether to trade (paper_session_should_trade()),
 * sizes the entry, submits it, and then manages the position on every bar or quote it is
 * given: take profit, stop loss, trailing stop, time limit, a reverse signal, manual and
 * force exits, end of data. Each exit is recorded as the closed trade's exit reason and each
 * fill carries its machine-readable fill reason. docs/semantics.md states every rule.
 *
 * The settings are the [session] keys of the broker's config (docs/config.md): sizing mode
 * and amounts, take-profit / stop-loss / trailing percentages, the time limit, where exit
 * rules start, what a reverse signal does, lot size. They are read once, when the session is
 * created.
 *
 * Ownership: paper_session_new() borrows the broker: it must outlive the session, and the
 * session never frees it. Objects returned through **out belong to the caller; strings
 * returned through char **out are released with paper_string_free().
 * Thread-safety: a session and its broker are used from one thread at a time.
 * Info structs carry a version: initialise them with their *_INIT macro before a call.
 */
#ifndef PAPER_SESSION_H
#define PAPER_SESSION_H

#include "common.h"
#include "broker.h"
#include "types.h"

PAPER_BEGIN_DECLS

/** Opaque session handle. */
typedef struct paper_session paper_session;

/** A trading signal from a strategy. Initialise with PAPER_SIGNAL_INIT, then set fields. */
typedef struct paper_signal {
	unsigned int version;        /**< PAPER_SIGNAL_VERSION */
	const char *symbol;          /**< required; borrowed for the call */
	paper_direction direction;   /**< PAPER_LONG (buy to open) or PAPER_SHORT (sell to open) */
	double confidence;           /**< in [0, 1]; negative: none (not checked, sized as 0.8) */
	double risk;                 /**< in [0, 1]: fraction sizing scales by 1 - 0.5 x risk */
	double take_profit;          /**< absolute price, or 0 for the session's percentage */
	double stop_loss;            /**< absolute price, or 0 for the session's percentage */
	paper_ts ts;                 /**< when the signal was issued; 0: the broker clock */
	const char *signal_id;       /**< optional id (<= PAPER_ID_MAX bytes); an id enters once;
				      *   UTF-8 without control characters, as every tag */
	const char *strategy;        /**< optional tag (<= PAPER_TAG_MAX bytes) */
	/* Version 2 (libpaper 1.1): */
	double ref_price;            /**< the price the entry is sized at (the decision's own,
				      *   as a decision's current_price); 0: the latest price. Only
				      *   sizing: the entry still waits for the symbol's data and
				      *   fills on its next price, never at this one */
} paper_signal;

/* Version 2 adds ref_price; version 1 signals (without it) are still accepted. */
#define PAPER_SIGNAL_VERSION 2
#define PAPER_SIGNAL_INIT                                                                  \
	{ .version = PAPER_SIGNAL_VERSION, .symbol = NULL, .direction = PAPER_LONG,          \
	  .confidence = -1.0, .risk = 0.0, .take_profit = 0.0, .stop_loss = 0.0, .ts = 0,    \
	  .signal_id = NULL, .strategy = NULL, .ref_price = 0.0 }

/**
 * An explicit trade intent (a row of a trade plan): the size and the exit levels are given,
 * not derived from the session's percentages. Initialise with PAPER_INTENT_INIT.
 */
typedef struct paper_intent {
	unsigned int version;        /**< PAPER_INTENT_VERSION */
	const char *symbol;          /**< required; borrowed for the call */
	paper_direction direction;   /**< PAPER_LONG or PAPER_SHORT */
	double qty;                  /**< units, > 0; or 0 when notional is set */
	double notional;             /**< account currency, > 0; or 0 when qty is set */
	double limit_price;          /**< entry limit price, or 0 for a market entry */
	double take_profit;          /**< absolute price, or 0 for none */
	double stop_loss;            /**< absolute price, or 0 for none */
	paper_ts max_hold;           /**< longest hold in microseconds, or 0 for none */
	paper_ts ts;                 /**< submission time; 0: the broker clock */
	const char *signal_id;       /**< optional id */
	const char *strategy;        /**< optional tag */
} paper_intent;

#define PAPER_INTENT_VERSION 1
#define PAPER_INTENT_INIT                                                                  \
	{ .version = PAPER_INTENT_VERSION, .symbol = NULL, .direction = PAPER_LONG,          \
	  .qty = 0.0, .notional = 0.0, .limit_price = 0.0, .take_profit = 0.0,               \
	  .stop_loss = 0.0, .max_hold = 0, .ts = 0, .signal_id = NULL, .strategy = NULL }

/** What the session made of a signal. Values are pinned; new ones are only appended. */
typedef enum paper_verdict {
	PAPER_VERDICT_TRADE = 0,             /**< should trade / an entry was submitted */
	PAPER_VERDICT_DISABLED = 1,          /**< the session is disabled */
	PAPER_VERDICT_LOW_CONFIDENCE = 2,    /**< below limits.min_confidence (not aggressive) */
	PAPER_VERDICT_SYMBOL_NOT_ALLOWED = 3,/**< not in limits.allowed_symbols */
	PAPER_VERDICT_POSITION_OPEN = 4,     /**< a position or an earlier entry in the symbol */
	PAPER_VERDICT_DUPLICATE_SIGNAL = 5,  /**< this signal id entered before */
	PAPER_VERDICT_REVERSE_EXIT = 6,      /**< opposite signal: the position is being exited */
	PAPER_VERDICT_REVERSE_IGNORED = 7,   /**< opposite signal ignored (on_reverse = ignore) */
	PAPER_VERDICT_SIZE_ZERO = 8,         /**< the size rounds down to zero lots */
	PAPER_VERDICT_REJECTED = 9,          /**< the broker refused the entry (see the code) */
} paper_verdict;

/** Number of paper_verdict values (for arrays indexed by verdict). */
#define PAPER_VERDICT_COUNT 10

/**
 * Static lower-case name of a verdict ("trade", "low_confidence", ...).
 * @param v the verdict.
 * @return the name, or "unknown".
 */
PAPER_API const char *paper_verdict_str(paper_verdict v);

/**
 * Create a session on a broker, reading the [session] settings of the broker's config.
 * @param out receives the session, owned by the caller (paper_session_free()).
 * @param b the broker; borrowed: it must outlive the session.
 * @return PAPER_OK, PAPER_EINVAL (NULL argument), PAPER_ENOMEM.
 */
PAPER_API int paper_session_new(paper_session **out, paper_broker *b);

/**
 * Release a session (the broker stays as it is). NULL is a harmless no-op.
 * @param s the session.
 */
PAPER_API void paper_session_free(paper_session *s);

/**
 * The broker the session trades on.
 * @param s the session.
 * @return the borrowed broker, or NULL when s is NULL.
 */
PAPER_API paper_broker *paper_session_broker(const paper_session *s);

/**
 * Enable or disable new entries. A disabled session still manages and exits its positions.
 * @param s the session.
 * @param enabled true to act on signals (the default).
 * @return PAPER_OK, PAPER_EINVAL.
 */
PAPER_API int paper_session_set_enabled(paper_session *s, bool enabled);

/**
 * Quantity rounding for one symbol, overriding session.lot_size and session.fractional.
 * @param s the session.
 * @param symbol the symbol.
 * @param lot_size entry quantities are rounded down to a multiple of it (1e-8 .. 1e9).
 * @param fractional whether lot_size may be below one unit or not a whole number.
 * @return PAPER_OK, PAPER_EINVAL (bad symbol), PAPER_EQTY (lot_size out of range, or not
 *         whole while fractional is false).
 */
PAPER_API int paper_session_set_symbol_lot(paper_session *s, const char *symbol, double lot_size,
					   bool fractional);

/**
 * Whether a signal should be traded, without doing anything. In order: the session is
 * enabled; the confidence is at least limits.min_confidence (unless limits.aggressive, or the
 * signal has none); the symbol is allowed by limits.allowed_symbols; there is no open
 * position and no earlier entry waiting to fill in the symbol; the signal id (if any) has not
 * entered before.
 * @param s the session.
 * @param sig the signal.
 * @param out receives the verdict (PAPER_VERDICT_TRADE when it should trade).
 * @return PAPER_OK, PAPER_EINVAL (NULL argument, bad symbol or field), PAPER_EVERSION.
 */
PAPER_API int paper_session_should_trade(const paper_session *s, const paper_signal *sig,
					 paper_verdict *out);

/**
 * The quantity an entry for this signal would have now (session.sizing, rounded down to the
 * symbol's lot), priced at the signal's ref_price when it has one, else at the symbol's latest
 * close (bars) or ask / bid (quotes).
 * @param s the session.
 * @param sig the signal.
 * @param qty_out receives the quantity; 0 when it rounds down to nothing.
 * @return PAPER_OK, PAPER_EINVAL, PAPER_EVERSION, PAPER_ENODATA (no price for the symbol yet,
 *         also with a ref_price: the entry could not be placed).
 */
PAPER_API int paper_session_size(const paper_session *s, const paper_signal *sig,
				 double *qty_out);

/**
 * Enter on a signal: paper_session_should_trade(), then a market order sized by
 * paper_session_size(), stamped at the signal's time. It fills on the symbol's next data (the
 * next bar's open, or the next quote), and from then on the session manages the position.
 * An opposite signal for a symbol with a position is not a reverse here (see
 * paper_session_on_signal()); it is refused with PAPER_VERDICT_POSITION_OPEN.
 * @param s the session.
 * @param sig the signal.
 * @param verdict_out if not NULL, receives what happened.
 * @param order_id_out if not NULL, receives the entry order's id (0 if none was accepted).
 * @return PAPER_OK (entered, or refused by should_trade / sizing: see the verdict);
 *         the broker's code when it refuses the order (PAPER_ELIMIT, PAPER_EFUNDS,
 *         PAPER_EHALTED; verdict PAPER_VERDICT_REJECTED); PAPER_ENODATA (no price to size
 *         at; verdict REJECTED); PAPER_EINVAL, PAPER_EVERSION.
 */
PAPER_API int paper_session_enter(paper_session *s, const paper_signal *sig,
				  paper_verdict *verdict_out, uint64_t *order_id_out);

/**
 * Act on a signal as a strategy runtime would: like paper_session_enter(), except that a
 * signal opposite to the symbol's position (or to an entry still waiting to fill) is a
 * reverse signal: with session.on_reverse = exit the position is closed by a market order
 * (exit reason reverse_signal; the waiting entry is cancelled) and the signal does not open
 * the opposite position; with ignore nothing happens. A reverse signal must pass the enabled
 * and confidence checks like any other.
 * @param s the session.
 * @param sig the signal.
 * @param verdict_out if not NULL, receives what happened.
 * @param order_id_out if not NULL, receives the order's id (entry or reverse exit), or 0.
 * @return as paper_session_enter().
 */
PAPER_API int paper_session_on_signal(paper_session *s, const paper_signal *sig,
				      paper_verdict *verdict_out, uint64_t *order_id_out);

/**
 * Submit an explicit intent (a trade plan row): the enabled, symbol and open-position checks
 * of should_trade (no confidence check), the quantity given or notional / price (the limit
 * price, else the latest close or quote) rounded down to the symbol's lot, then a market or
 * good-till-cancelled limit entry. Its take profit, stop loss and time limit are the intent's
 * own (0: none), not the session's percentages.
 * @param s the session.
 * @param it the intent.
 * @param verdict_out if not NULL, receives what happened.
 * @param order_id_out if not NULL, receives the entry order's id, or 0.
 * @return as paper_session_enter(); PAPER_EQTY / PAPER_EPRICE for a bad size or price.
 */
PAPER_API int paper_session_submit_intent(paper_session *s, const paper_intent *it,
					  paper_verdict *verdict_out, uint64_t *order_id_out);

/**
 * Feed a bar to the broker (paper_broker_on_bar()) and then apply the exit rules to the
 * symbol's managed position on it. Feed bars this way, not to the broker directly, so each
 * bar is evaluated.
 * @param s the session.
 * @param symbol the symbol.
 * @param ts the bar's open time.
 * @param open the open price.
 * @param high the high price.
 * @param low the low price.
 * @param close the close price.
 * @param volume the volume.
 * @return as paper_broker_on_bar(); an exit the broker refuses returns its code.
 */
PAPER_API int paper_session_on_bar(paper_session *s, const char *symbol, paper_ts ts, double open,
				   double high, double low, double close, double volume);

/**
 * Live use: apply the exit rules at current prices. With n > 0, each symbols[i] gets a quote
 * at prices[i] (paper_broker_on_quote(b, symbols[i], ts, 0, 0, prices[i])) and its position is
 * evaluated against it; exits fill at that quote. With n == 0, every managed position is
 * evaluated against its symbol's latest data (quotes the caller gave paper_broker_on_quote();
 * a bar only if it was not evaluated yet).
 * @param s the session.
 * @param ts the time of the prices (n > 0).
 * @param symbols n symbols (may be NULL when n is 0).
 * @param prices n prices (may be NULL when n is 0).
 * @param n number of prices.
 * @return PAPER_OK, PAPER_EINVAL, the broker's codes for a bad quote (PAPER_EPRICE,
 *         PAPER_ETIME); prices before the bad one were applied.
 */
PAPER_API int paper_session_check_exits(paper_session *s, paper_ts ts, const char *const *symbols,
					const double *prices, size_t n);

/**
 * Exit one symbol now: cancel its open orders and close its position at the mark (the last
 * close or last price), with commission and no slippage (paper_broker_close_position()).
 * @param s the session.
 * @param symbol the symbol.
 * @param reason the exit reason to record, usually PAPER_EXIT_MANUAL.
 * @return PAPER_OK, PAPER_ENOTFOUND (no position), PAPER_EINVAL.
 */
PAPER_API int paper_session_exit(paper_session *s, const char *symbol, paper_exit_reason reason);

/**
 * Exit everything now: cancel every open order, then close every position at its mark.
 * PAPER_EXIT_FORCE for an emergency, PAPER_EXIT_END_OF_DATA when a replay ends.
 * @param s the session.
 * @param reason the exit reason to record (not PAPER_EXIT_NONE).
 * @return PAPER_OK (also when flat), PAPER_EINVAL.
 */
PAPER_API int paper_session_exit_all(paper_session *s, paper_exit_reason reason);

/** Counters of a session. Initialise with PAPER_SESSION_STATS_INIT. */
typedef struct paper_session_stats {
	unsigned int version;      /**< PAPER_SESSION_STATS_VERSION */
	uint64_t signals;          /**< signals given to enter / on_signal */
	uint64_t verdicts[PAPER_VERDICT_COUNT]; /**< of those signals, by verdict */
	uint64_t intents;          /**< intents submitted (verdicts not included above) */
	uint64_t entries;          /**< entry orders accepted (signals and intents) */
	uint64_t entries_filled;   /**< positions the session opened and managed */
	uint64_t entries_failed;   /**< accepted entries that ended without a position */
	uint64_t trades;           /**< round trips closed while the session lived */
	uint64_t trades_missed;    /**< closed trades dropped by engine.trade_history before read */
	uint64_t wins;             /**< trades with net P&L > 0 */
	uint64_t losses;           /**< trades with net P&L < 0 */
	uint64_t exits[PAPER_EXIT_FORCE + 1]; /**< closed trades by exit reason, up to
					       *   PAPER_EXIT_FORCE (expiries: expiry_exits) */
	uint64_t ambiguous_trades; /**< exits decided by the both-in-one-bar rule */
	double pnl_net;            /**< net P&L of those trades */
	double pnl_net_opposite_rule; /**< the same under the opposite intrabar rule */
	int64_t pnl_net_e8, pnl_net_opposite_rule_e8; /**< exact values */
	/* version 2 (libpaper 1.1) */
	uint64_t expiry_exits;     /**< closed trades settled at their instrument's expiry
				    *   (PAPER_EXIT_EXPIRY), beside exits[] */
} paper_session_stats;

/* Version 2 adds expiry_exits; a version 1 struct (without it) is still filled. */
#define PAPER_SESSION_STATS_VERSION 2
#define PAPER_SESSION_STATS_INIT { .version = PAPER_SESSION_STATS_VERSION }

/**
 * The session's counters now.
 * @param s the session.
 * @param out receives them; its version must be set.
 * @return PAPER_OK, PAPER_EINVAL, PAPER_EVERSION.
 */
PAPER_API int paper_session_stats_get(const paper_session *s, paper_session_stats *out);

/** A position the session manages, with its exit levels. */
typedef struct paper_session_position {
	unsigned int version;      /**< PAPER_SESSION_POSITION_VERSION */
	char symbol[PAPER_SYMBOL_MAX + 1];
	paper_direction direction;
	double qty;                /**< signed: negative for a short */
	double entry_price;        /**< average entry price */
	paper_ts entry_ts;         /**< time of the entry fill */
	double market_price;       /**< the mark */
	double unrealized_pnl;
	double take_profit;        /**< 0: none */
	double stop_loss;          /**< 0: none */
	double trailing_stop;      /**< 0: none */
	paper_ts deadline;         /**< time exit at or after this; 0: none */
} paper_session_position;

#define PAPER_SESSION_POSITION_VERSION 1
#define PAPER_SESSION_POSITION_INIT { .version = PAPER_SESSION_POSITION_VERSION }

/**
 * Number of positions the session manages now.
 * @param s the session; NULL gives 0.
 * @return the count.
 */
PAPER_API size_t paper_session_position_count(const paper_session *s);

/**
 * Managed position number index, in symbol order of first use.
 * @param s the session.
 * @param index 0 .. paper_session_position_count() - 1.
 * @param out receives it; its version must be set.
 * @return PAPER_OK, PAPER_EINVAL, PAPER_EVERSION, PAPER_ERANGE.
 */
PAPER_API int paper_session_position_at(const paper_session *s, size_t index,
					paper_session_position *out);

/** paper_session_summary_json() flag: include the equity curve in the metrics report. */
#define PAPER_SUMMARY_EQUITY_CURVE 0x1u

/**
 * A performance summary now, as one JSON object (docs/formats.md): counters by verdict and
 * exit reason, the ambiguity report, the account, open positions with unrealized P&L, open
 * orders, recent trades, the config in force and the metrics report
 * (paper_metrics_from_broker()).
 * @param s the session.
 * @param flags PAPER_SUMMARY_* bits, or 0.
 * @param out receives a NUL-terminated string, owned by the caller (paper_string_free()).
 * @return PAPER_OK, PAPER_EINVAL, PAPER_ENOMEM.
 */
PAPER_API int paper_session_summary_json(const paper_session *s, unsigned int flags, char **out);

PAPER_END_DECLS

#endif /* PAPER_SESSION_H */
