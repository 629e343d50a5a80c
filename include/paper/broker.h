/*
 * libpaper - the broker: orders, fills and the account.
 *
 * A paper_broker simulates one account at one broker. Feed it market data (quotes and bars),
 * submit orders; it fills them against later data as a real broker would (no look-ahead,
 * gaps, slippage, commission, volume caps) and keeps cash, positions, open orders, fills and
 * round-trip trades. Money is kept in integer fixed-point (PAPER_FIXED_SCALE), so
 * starting cash + realized P&L - fees == cash whenever the account is flat, exactly.
 *
 * Every state change is an event (paper_event); the account is a pure function of its events.
 *
 * Ownership: objects returned through **out belong to the caller. Info structs are copies.
 * Thread-safety: a broker is not thread-safe; use one from one thread at a time. Distinct
 * brokers are independent. Errors in the arguments leave the broker exactly as it was. When a
 * ledger refuses to record an event (a full disk), the account and orders stay equal to what is
 * on disk; the market data that call brought (marks, the clock) is still taken in.
 *
 * Info structs carry a version: initialise them with their *_INIT macro before a call.
 */
#ifndef PAPER_BROKER_H
#define PAPER_BROKER_H

#include "common.h"
#include "config.h"
#include "types.h"

PAPER_BEGIN_DECLS

/** Opaque broker handle. */
typedef struct paper_broker paper_broker;

/** An order to submit. Initialise with PAPER_ORDER_REQUEST_INIT, then set fields. */
typedef struct paper_order_request {
	unsigned int version;       /**< PAPER_ORDER_REQUEST_VERSION */
	const char *symbol;         /**< required; copied */
	paper_side side;
	paper_order_type type;
	paper_tif tif;
	double qty;                 /**< > 0 */
	double limit_price;         /**< LIMIT and STOP_LIMIT; ignored otherwise */
	double stop_price;          /**< STOP and STOP_LIMIT; ignored otherwise */
	paper_ts ts;                /**< submission time; 0 means the broker's clock */
	/*
	 * The three texts below are UTF-8 without control characters (no NUL, TAB, CR, LF, ESC,
	 * DEL, C1 control, U+2028/9 or bidi override: docs/security.md); others are PAPER_EINVAL.
	 */
	const char *client_id;      /**< optional, <= PAPER_ID_MAX bytes, copied */
	const char *strategy;       /**< optional tag, <= PAPER_TAG_MAX bytes, copied */
	const char *signal_id;      /**< optional decision/signal id, <= PAPER_ID_MAX bytes */
	double confidence;          /**< the signal's confidence in [0, 1]; negative = none */
	paper_exit_reason exit_reason; /**< recorded on the trade if this order closes it */
	/**
	 * One-cancels-other group, 0 for none. Open orders of one symbol with the same group: when
	 * one fills, the others are cancelled; when one bar could fill several, the fill at the
	 * open wins, else the engine.intrabar rule picks one (pessimistic: the worse price for the
	 * order, e.g. the stop of a take-profit/stop-loss bracket) and flags the fill ambiguous.
	 */
	uint64_t oco_group;
} paper_order_request;

#define PAPER_ORDER_REQUEST_VERSION 1
#define PAPER_ORDER_REQUEST_INIT                                                             \
	{ PAPER_ORDER_REQUEST_VERSION, NULL, PAPER_SIDE_BUY, PAPER_ORDER_MARKET, PAPER_TIF_GTC, \
	  0.0, 0.0, 0.0, 0, NULL, NULL, NULL, -1.0, PAPER_EXIT_NONE, 0 }

/** An order as the broker holds it. */
typedef struct paper_order_info {
	unsigned int version; /**< PAPER_ORDER_INFO_VERSION */
	uint64_t id;
	char symbol[PAPER_SYMBOL_MAX + 1];
	paper_side side;
	paper_order_type type;
	paper_tif tif;
	paper_order_status status;
	paper_reject_reason reason; /**< why rejected, cancelled or expired */
	double qty;
	double filled_qty;
	double avg_fill_price; /**< 0 until the first fill */
	double limit_price;
	double stop_price;
	double fees;
	paper_ts submitted_ts;
	paper_ts updated_ts;
	char client_id[PAPER_ID_MAX + 1];
	char strategy[PAPER_TAG_MAX + 1];
	char signal_id[PAPER_ID_MAX + 1];
	double confidence;
	paper_exit_reason exit_reason;
	uint64_t oco_group;
} paper_order_info;

#define PAPER_ORDER_INFO_VERSION 1
#define PAPER_ORDER_INFO_INIT { .version = PAPER_ORDER_INFO_VERSION }

/** One execution. */
typedef struct paper_fill_info {
	unsigned int version; /**< PAPER_FILL_INFO_VERSION */
	uint64_t seq;         /**< 1, 2, 3 ... per broker */
	uint64_t order_id;
	char symbol[PAPER_SYMBOL_MAX + 1];
	paper_side side;
	paper_ts ts;
	double qty;
	double price;         /**< after slippage */
	double fee;
	double slippage;      /**< |price - reference price| per unit */
	paper_fill_reason reason;
	uint32_t flags;       /**< PAPER_FILL_FLAG_* */
	int64_t qty_e8, price_e8, fee_e8; /**< exact values */
	/** PAPER_FILL_FLAG_AMBIGUOUS fills: the price the opposite intrabar rule would have
	 *  given (its order is then cancelled instead); 0 otherwise. */
	double alt_price;
} paper_fill_info;

#define PAPER_FILL_INFO_VERSION 1
#define PAPER_FILL_INFO_INIT { .version = PAPER_FILL_INFO_VERSION }

/** A net position in one symbol. qty is negative for a short. */
typedef struct paper_position_info {
	unsigned int version; /**< PAPER_POSITION_INFO_VERSION */
	char symbol[PAPER_SYMBOL_MAX + 1];
	paper_direction direction;
	double qty;           /**< signed */
	double avg_price;     /**< average cost of the open quantity */
	double cost_basis;    /**< |qty| * avg_price, exact */
	double market_price;  /**< last mark */
	double market_value;  /**< signed: qty * market_price */
	double unrealized_pnl;
	double realized_pnl;  /**< realized so far in the round trip still open */
	paper_ts opened_ts;
	paper_ts marked_ts;
	int64_t qty_e8, cost_basis_e8;
	/* version 2 (libpaper 1.1) */
	double fees;          /**< commissions paid in the round trip still open */
	int64_t realized_pnl_e8, fees_e8; /**< exact values */
} paper_position_info;

/* Version 2 adds fees and the exact realized P&L; version 1 structs are still filled. */
#define PAPER_POSITION_INFO_VERSION 2
#define PAPER_POSITION_INFO_INIT { .version = PAPER_POSITION_INFO_VERSION }

/** A closed round trip: from the position leaving zero to its return to zero. */
typedef struct paper_trade_info {
	unsigned int version; /**< PAPER_TRADE_INFO_VERSION */
	uint64_t id;
	char symbol[PAPER_SYMBOL_MAX + 1];
	paper_direction direction;
	paper_ts entry_ts;
	paper_ts exit_ts;
	double qty;           /**< total quantity entered */
	double entry_price;   /**< average entry price */
	double exit_price;    /**< average exit price */
	double pnl_gross;
	double fees;          /**< entry and exit fees */
	double pnl_net;       /**< pnl_gross - fees */
	paper_exit_reason exit_reason;
	char strategy[PAPER_TAG_MAX + 1];   /**< of the opening order */
	char signal_id[PAPER_ID_MAX + 1];   /**< of the opening order */
	double confidence;                  /**< of the opening order; negative = none */
	int64_t pnl_gross_e8, fees_e8;
} paper_trade_info;

#define PAPER_TRADE_INFO_VERSION 1
#define PAPER_TRADE_INFO_INIT { .version = PAPER_TRADE_INFO_VERSION }

/** The account at the broker's clock. */
typedef struct paper_account_info {
	unsigned int version; /**< PAPER_ACCOUNT_INFO_VERSION */
	paper_ts ts;          /**< broker clock: newest market data time seen */
	double starting_cash;
	double cash;
	double equity;        /**< cash + long market value - short market value */
	double long_value;
	double short_value;   /**< positive number */
	double realized_pnl;  /**< gross of fees */
	double unrealized_pnl;
	double fees;
	double buying_power;
	double day_start_equity;
	uint64_t open_orders;
	uint64_t open_positions;
	uint64_t fills;       /**< since the account opened */
	uint64_t closed_trades;
	uint64_t rejections;
	bool halted;          /**< new entries refused (kill switch or daily loss limit) */
	int64_t starting_cash_e8, cash_e8, realized_pnl_e8, fees_e8;
} paper_account_info;

#define PAPER_ACCOUNT_INFO_VERSION 1
#define PAPER_ACCOUNT_INFO_INIT { .version = PAPER_ACCOUNT_INFO_VERSION }

/** A point of the equity curve: the account at a SNAPSHOT event. */
typedef struct paper_equity_info {
	unsigned int version; /**< PAPER_EQUITY_INFO_VERSION */
	paper_ts ts;
	double equity;        /**< cash + long market value - short market value */
	double cash;
	int64_t equity_e8, cash_e8; /**< exact values */
} paper_equity_info;

#define PAPER_EQUITY_INFO_VERSION 1
#define PAPER_EQUITY_INFO_INIT { .version = PAPER_EQUITY_INFO_VERSION }

/** Kinds of event. */
typedef enum paper_event_type {
	PAPER_EVENT_ORDER_ACCEPTED = 1,
	PAPER_EVENT_ORDER_REJECTED = 2,
	PAPER_EVENT_ORDER_CANCELLED = 3,
	PAPER_EVENT_ORDER_EXPIRED = 4,
	PAPER_EVENT_ORDER_REPLACED = 5,
	PAPER_EVENT_FILL = 6,
	PAPER_EVENT_TRADE_CLOSED = 7,
	PAPER_EVENT_SNAPSHOT = 8,
	PAPER_EVENT_HALT = 9,          /**< reason 1: halted, 0: resumed */
	PAPER_EVENT_ORDER_TRIGGERED = 10, /**< a stop-limit's stop was reached; it now rests as a limit */
	PAPER_EVENT_ACCOUNT_RESTORED = 11, /**< cash, realized P&L and fees set from a saved state */
	PAPER_EVENT_POSITION_RESTORED = 12, /**< a position set from a saved state */
} paper_event_type;

/**
 * An event as the broker records it. Borrowed: valid only during the callback.
 * Fields that do not apply to the type are zero.
 */
typedef struct paper_event {
	unsigned int version; /**< PAPER_EVENT_VERSION */
	paper_event_type type;
	uint64_t seq;         /**< 1, 2, 3 ... per broker */
	paper_ts ts;
	uint64_t order_id;    /**< orders and fills; trade id for TRADE_CLOSED */
	const char *symbol;
	paper_side side;
	double qty;
	double price;
	double fee;
	int reason;           /**< paper_reject_reason, paper_fill_reason or paper_exit_reason */
	double equity;        /**< SNAPSHOT: equity; TRADE_CLOSED: net P&L */
} paper_event;

#define PAPER_EVENT_VERSION 1

/** Static lower-case name of an event type ("fill", "order_accepted", ...); "unknown" if invalid. */
PAPER_API const char *paper_event_type_str(paper_event_type type);

/** Called after each event is recorded. Must not call back into the same broker. */
typedef void (*paper_event_cb)(const paper_event *event, void *payload);

/**
 * Create a broker from a config (NULL: defaults). A copy of the config is validated and kept:
 * later changes to cfg do not reach the broker, and cfg itself is not modified (call
 * paper_config_validate() on it first to list the violations one by one; on failure here
 * paper_last_error() joins them all).
 * @param out receives the broker, owned by the caller (paper_broker_free()).
 * @return PAPER_OK, PAPER_EINVAL, PAPER_ECONFIG or PAPER_ESAFETY (the config does not
 *         validate), PAPER_EIO (logging.log_file cannot be opened), PAPER_ENOMEM.
 */
PAPER_API int paper_broker_new(paper_broker **out, const paper_config *cfg);

/** Release a broker. NULL is a harmless no-op. */
PAPER_API void paper_broker_free(paper_broker *b);

/**
 * Submit an order. It is accepted and rests until market data stamped after its submission
 * time arrives (no look-ahead: data of the very time it was placed may be data the caller saw
 * before placing it), or rejected at once.
 * @param order_id_out if not NULL, receives the new order's id (0 when rejected).
 * @return PAPER_OK (accepted); for bad input, nothing recorded: PAPER_EINVAL (also a client
 *         id, strategy or signal id holding a control character or bytes that are not UTF-8), PAPER_EQTY,
 *         PAPER_EPRICE, PAPER_ETIME (ts before the clock); for a rejection, recorded as an
 *         ORDER_REJECTED event: PAPER_ENODATA, PAPER_EFUNDS, PAPER_ELIMIT, PAPER_EHALTED.
 */
PAPER_API int paper_broker_submit(paper_broker *b, const paper_order_request *req,
				  uint64_t *order_id_out);

/**
 * Close the whole position in a symbol at once at its mark (the last close or last price
 * seen), with commission and without slippage: a market order filled on the spot with fill
 * reason PAPER_FILL_AT_MARK. Meant for settling at the end of data ("closed at the last
 * close"); open orders of the symbol are left as they are.
 * @param order_id_out may be NULL.
 * @return PAPER_OK, PAPER_ENOTFOUND (no open position), PAPER_EINVAL.
 */
PAPER_API int paper_broker_close_position(paper_broker *b, const char *symbol,
					  paper_exit_reason reason, uint64_t *order_id_out);

/**
 * Cancel every open order of a symbol, or of every symbol when symbol is NULL.
 * @return PAPER_OK (also when there was nothing to cancel), PAPER_EINVAL.
 */
PAPER_API int paper_broker_cancel_all(paper_broker *b, const char *symbol);

/** How paper_broker_exit_at() prices an exit: which slippage applies. */
typedef enum paper_exit_style {
	PAPER_EXIT_STYLE_MARKET = 1, /**< market slippage (a time exit at the open) */
	PAPER_EXIT_STYLE_LIMIT = 2,  /**< limit slippage, never worse than the price (take profit) */
	PAPER_EXIT_STYLE_STOP = 3,   /**< market slippage from the stop price (stop loss) */
} paper_exit_style;

/** An exit decided by the caller's own rules on the latest data. */
typedef struct paper_exit_request {
	unsigned int version;      /**< PAPER_EXIT_REQUEST_VERSION */
	const char *symbol;
	double qty;                /**< 0: the whole position */
	double price;              /**< a price the symbol's latest data reached (see below) */
	paper_exit_style style;
	paper_exit_reason reason;  /**< recorded on the trade it closes */
	paper_fill_reason fill_reason; /**< recorded on the fill */
	uint32_t flags;            /**< PAPER_FILL_FLAG_* to record (e.g. AMBIGUOUS) */
	double alt_price;          /**< with PAPER_FILL_FLAG_AMBIGUOUS: the other rule's price */
} paper_exit_request;

#define PAPER_EXIT_REQUEST_VERSION 1
#define PAPER_EXIT_REQUEST_INIT                                                             \
	{ .version = PAPER_EXIT_REQUEST_VERSION, .symbol = NULL, .qty = 0.0, .price = 0.0,      \
	  .style = PAPER_EXIT_STYLE_MARKET, .reason = PAPER_EXIT_MANUAL,                        \
	  .fill_reason = PAPER_FILL_MARKET_OPEN, .flags = 0, .alt_price = 0.0 }

/**
 * Reduce or close a position now, inside the symbol's latest data, at a price that data
 * reached: within [low, high] of the latest bar, or between the bid and the ask of the latest
 * quote. For exit rules a caller evaluates itself on each bar (take profit, stop loss, time
 * exit: see the session API), which may fire inside the very bar an entry filled at the open
 * of. Slippage follows the style and the fill is recorded with the given reasons; it can never
 * use a price the data did not show, so there is no look-ahead.
 * @return PAPER_OK; PAPER_ENOTFOUND (no position); PAPER_EQTY (more than held);
 *         PAPER_EPRICE (a price the latest data did not reach); PAPER_ENODATA; PAPER_EINVAL.
 */
PAPER_API int paper_broker_exit_at(paper_broker *b, const paper_exit_request *req,
				   uint64_t *order_id_out);

/** Cancel an open order. @return PAPER_OK, PAPER_ENOTFOUND, PAPER_ESTATE (already closed). */
PAPER_API int paper_broker_cancel(paper_broker *b, uint64_t order_id);

/**
 * Amend an open order in place, keeping its id and time priority.
 * @param qty new total quantity (>= the filled quantity; > filled to stay open)
 * @param limit_price, stop_price new prices where the order type uses them (ignored otherwise)
 * @return PAPER_OK, PAPER_ENOTFOUND, PAPER_ESTATE, PAPER_EQTY, PAPER_EPRICE, PAPER_EFUNDS.
 */
PAPER_API int paper_broker_replace(paper_broker *b, uint64_t order_id, double qty,
				   double limit_price, double stop_price);

/**
 * A quote for a symbol. bid/ask may be 0 when unknown (last is used then); last may be 0
 * when unknown (the mid is used). Resting orders of the symbol are matched against it.
 * @return PAPER_OK, PAPER_EINVAL (bad symbol), PAPER_EPRICE, PAPER_ETIME (older than the
 *         symbol's last data).
 */
PAPER_API int paper_broker_on_quote(paper_broker *b, const char *symbol, paper_ts ts, double bid,
				    double ask, double last);

/**
 * An OHLCV bar stamped with its open time. Resting orders fill inside it by the bar rules in
 * docs/semantics.md; the close becomes the symbol's mark.
 * @return PAPER_OK, PAPER_EINVAL, PAPER_EPRICE (NaN, <= 0, high < low, open/close outside
 *         [low, high]), PAPER_EQTY (negative or NaN volume), PAPER_ETIME (not after the
 *         symbol's last bar).
 */
PAPER_API int paper_broker_on_bar(paper_broker *b, const char *symbol, paper_ts ts, double open,
				  double high, double low, double close, double volume);

/**
 * Mark a symbol to a price without matching orders, then record a portfolio snapshot.
 * @return as paper_broker_on_quote().
 */
PAPER_API int paper_broker_mark(paper_broker *b, const char *symbol, paper_ts ts, double price);

/** Record a portfolio snapshot now (an event: time, cash, positions value, equity). */
PAPER_API int paper_broker_snapshot(paper_broker *b);

/**
 * Kill switch: while halted, orders that open or increase a position are refused with
 * PAPER_EHALTED; orders that reduce a position are allowed.
 */
PAPER_API int paper_broker_set_halted(paper_broker *b, bool halted);

/** Register the event callback (NULL to remove). One per broker. */
PAPER_API int paper_broker_set_event_callback(paper_broker *b, paper_event_cb cb, void *payload);

/**
 * A PAPER log line (since libpaper 1.1): exactly what the broker writes to logging.log_file,
 * the time in front left out. Borrowed: valid only during the callback.
 */
typedef struct paper_log_line {
	unsigned int version;  /**< PAPER_LOG_LINE_VERSION */
	paper_ts ts;           /**< the time of what it tells (the event's, not the wall clock) */
	const char *time;      /**< ts as the file prints it: ISO-8601 UTC with microseconds */
	/** What it tells: "order", "fill", "trade_closed", "halt", "day_start", and from a session
	 *  on the broker "entry" and "exit". */
	const char *kind;
	/** "PAPER FILL BUY 10 AAPL @ 185.64 fee 1.86 order 1 account main": the file's line after
	 *  the time and a space; no line break, no control character. */
	const char *text;
	const char *account;   /**< account.name */
} paper_log_line;

#define PAPER_LOG_LINE_VERSION 1

/** Called with each PAPER log line. Must not call back into the same broker. */
typedef void (*paper_log_cb)(const paper_log_line *line, void *payload);

/**
 * Register the log callback (since libpaper 1.1; NULL to remove; one per broker): every PAPER
 * line the broker writes to logging.log_file — orders, fills, closed trades, rejections,
 * halts, day starts, and a session's ENTRY and EXIT lines (docs/semantics.md, "Log lines") —
 * is also given to cb, with the same text, whether or not a log file is set. So a program
 * logs the lines its own way (paperlib: Python's logging) without formatting them itself.
 * Lines are formatted only while someone takes them (a file, GLib's structured log, a
 * callback).
 * @return PAPER_OK, PAPER_EINVAL (b NULL).
 */
PAPER_API int paper_broker_set_log_callback(paper_broker *b, paper_log_cb cb, void *payload);

/** The account now. */
PAPER_API int paper_broker_account(const paper_broker *b, paper_account_info *out);

/** The position in a symbol. @return PAPER_OK, PAPER_ENOTFOUND (no open position). */
PAPER_API int paper_broker_position(const paper_broker *b, const char *symbol,
				    paper_position_info *out);

/** Number of open positions; index them with paper_broker_position_at(). */
PAPER_API size_t paper_broker_position_count(const paper_broker *b);
PAPER_API int paper_broker_position_at(const paper_broker *b, size_t index,
				       paper_position_info *out);

/**
 * An order by id: open orders, and closed ones still in the recent history
 * (engine.order_history). @return PAPER_OK, PAPER_ENOTFOUND.
 */
PAPER_API int paper_broker_order(const paper_broker *b, uint64_t order_id, paper_order_info *out);

/** Number of open orders; index them (oldest first) with paper_broker_open_order_at(). */
PAPER_API size_t paper_broker_open_order_count(const paper_broker *b);
PAPER_API int paper_broker_open_order_at(const paper_broker *b, size_t index,
					 paper_order_info *out);

/** Closed trades kept in memory (engine.trade_history; 0 keeps all), oldest first. */
PAPER_API size_t paper_broker_trade_count(const paper_broker *b);
PAPER_API int paper_broker_trade_at(const paper_broker *b, size_t index, paper_trade_info *out);

/** Recent fills kept in memory (engine.fill_history), oldest first. */
PAPER_API size_t paper_broker_fill_count(const paper_broker *b);
PAPER_API int paper_broker_fill_at(const paper_broker *b, size_t index, paper_fill_info *out);

/**
 * The equity curve: one point per SNAPSHOT event (each new UTC day's first data, each
 * paper_broker_mark() and paper_broker_snapshot()), oldest first; the newest
 * engine.equity_history points are kept (0 keeps all).
 * @param b the broker; NULL gives 0.
 * @return the number of points held.
 */
PAPER_API size_t paper_broker_equity_count(const paper_broker *b);

/**
 * Equity point number index (0 = oldest held).
 * @param b the broker.
 * @param index 0 .. paper_broker_equity_count() - 1.
 * @param out receives the point; its version must be set (PAPER_EQUITY_INFO_INIT).
 * @return PAPER_OK, PAPER_EINVAL, PAPER_EVERSION, PAPER_ERANGE.
 */
PAPER_API int paper_broker_equity_at(const paper_broker *b, size_t index,
				     paper_equity_info *out);

PAPER_END_DECLS

#endif /* PAPER_BROKER_H */
