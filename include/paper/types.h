/*
 * libpaper - enumerations shared by the broker, the ledger and the reports.
 * Values are pinned forever; new members are only appended.
 */
#ifndef PAPER_TYPES_H
#define PAPER_TYPES_H

#include "common.h"

PAPER_BEGIN_DECLS

/** Longest symbol, client id, strategy tag and signal id accepted, in bytes, without the NUL. */
#define PAPER_SYMBOL_MAX 31
#define PAPER_ID_MAX 63
#define PAPER_TAG_MAX 31

/** Scale of the exact fixed-point amounts (*_e8 fields): 1.0 == 100000000. */
#define PAPER_FIXED_SCALE INT64_C(100000000)

/**
 * The limits of the fixed-point values, in units of 1e-8 (docs/semantics.md, "Limits").
 * Prices and quantities: at most 9e10 (larger ones are refused with PAPER_EPRICE or
 * PAPER_EQTY). Money - a fill's notional and fee, cash, equity, the long and the short market
 * value, a position's cost basis, realized P&L, total fees - at most 4.6e10 in magnitude: a
 * call that would take any of them past it fails with PAPER_ERANGE and changes nothing (a
 * resting order that cannot fill within it is rejected, PAPER_REJECT_OUT_OF_RANGE).
 */
#define PAPER_PRICE_MAX_E8 INT64_C(9000000000000000000)
#define PAPER_QTY_MAX_E8 INT64_C(9000000000000000000)
#define PAPER_MONEY_MAX_E8 INT64_C(4600000000000000000)

typedef enum paper_side {
	PAPER_SIDE_BUY = 1,
	PAPER_SIDE_SELL = 2,
} paper_side;

/** Direction of a position or round-trip trade. */
typedef enum paper_direction {
	PAPER_LONG = 1,
	PAPER_SHORT = 2,
} paper_direction;

typedef enum paper_order_type {
	PAPER_ORDER_MARKET = 1,
	PAPER_ORDER_LIMIT = 2,
	PAPER_ORDER_STOP = 3,
	PAPER_ORDER_STOP_LIMIT = 4,
} paper_order_type;

typedef enum paper_tif {
	PAPER_TIF_GTC = 1, /**< good till cancelled */
	PAPER_TIF_DAY = 2, /**< expires when data for a later UTC date arrives */
	PAPER_TIF_IOC = 3, /**< fills what it can on the first eligible data, cancels the rest */
	PAPER_TIF_FOK = 4, /**< fills whole on the first eligible data or is cancelled */
} paper_tif;

typedef enum paper_order_status {
	PAPER_STATUS_ACCEPTED = 1,
	PAPER_STATUS_PARTIALLY_FILLED = 2,
	PAPER_STATUS_FILLED = 3,
	PAPER_STATUS_CANCELLED = 4,
	PAPER_STATUS_EXPIRED = 5,
	PAPER_STATUS_REJECTED = 6,
} paper_order_status;

/** Why an order was rejected or cancelled by the broker. */
typedef enum paper_reject_reason {
	PAPER_REJECT_NONE = 0,
	PAPER_REJECT_INSUFFICIENT_FUNDS = 1,
	PAPER_REJECT_SHORT_NOT_ALLOWED = 2,
	PAPER_REJECT_NO_MARKET_DATA = 3,
	PAPER_REJECT_SYMBOL_NOT_ALLOWED = 4,
	PAPER_REJECT_MAX_OPEN_POSITIONS = 5,
	PAPER_REJECT_MAX_ORDER_QTY = 6,
	PAPER_REJECT_MAX_ORDER_NOTIONAL = 7,
	PAPER_REJECT_MAX_POSITION_FRACTION = 8,
	PAPER_REJECT_MIN_CONFIDENCE = 9,
	PAPER_REJECT_DAILY_LOSS_HALT = 10,
	PAPER_REJECT_KILL_SWITCH = 11,
	PAPER_REJECT_FOK_UNFILLABLE = 12,
	PAPER_REJECT_IOC_REMAINDER = 13,
	PAPER_REJECT_USER_CANCEL = 14,
	PAPER_REJECT_OCO_SIBLING = 15, /**< another order of its one-cancels-other group filled */
	/** the fill would take an amount of money past PAPER_MONEY_MAX_E8 (docs/semantics.md) */
	PAPER_REJECT_OUT_OF_RANGE = 16,
	/** the instrument has expired (include/paper/instrument.h): no more orders, and its
	 *  resting orders are cancelled at the expiry */
	PAPER_REJECT_EXPIRED = 17,
	/** a limit or stop price off the instrument's tick grid */
	PAPER_REJECT_TICK_SIZE = 18,
	/** a quantity that is not a whole number of the instrument's lots, or below its minimum */
	PAPER_REJECT_LOT_SIZE = 19,
} paper_reject_reason;

/** How a fill's price was decided (machine-readable, recorded on every fill). */
typedef enum paper_fill_reason {
	PAPER_FILL_MARKET_QUOTE = 1,   /**< market order against the quote */
	PAPER_FILL_MARKET_OPEN = 2,    /**< market order at the bar's open */
	PAPER_FILL_LIMIT_TOUCHED = 3,  /**< limit reached inside the range, filled at the limit */
	PAPER_FILL_LIMIT_GAP = 4,      /**< price opened through the limit: filled at the better open */
	PAPER_FILL_STOP_TRIGGERED = 5, /**< stop reached inside the range, filled at the stop */
	PAPER_FILL_STOP_GAP = 6,       /**< price opened through the stop: filled at the worse open */
	PAPER_FILL_LIMIT_QUOTE = 7,    /**< limit order marketable against the quote */
	PAPER_FILL_STOP_QUOTE = 8,     /**< stop triggered by the quote, filled against it */
	PAPER_FILL_AT_MARK = 9,        /**< settled at the symbol's mark (paper_broker_close_position) */
	PAPER_FILL_EXPIRY = 10,        /**< settled at the instrument's expiry (instrument.h) */
} paper_fill_reason;

/** Fill flags (bit set). */
#define PAPER_FILL_FLAG_PARTIAL_VOLUME 0x1u /**< cut by the volume participation cap */
#define PAPER_FILL_FLAG_AMBIGUOUS 0x2u      /**< decided by the both-in-one-bar rule */
/** An option settled at its own last price: its underlying had no price at the expiry. */
#define PAPER_FILL_FLAG_OWN_PRICE 0x4u

/** Why a round-trip trade was closed; set on the closing order. */
typedef enum paper_exit_reason {
	PAPER_EXIT_NONE = 0,
	PAPER_EXIT_TAKE_PROFIT = 1,
	PAPER_EXIT_STOP_LOSS = 2,
	PAPER_EXIT_TRAILING_STOP = 3,
	PAPER_EXIT_TIME_LIMIT = 4,
	PAPER_EXIT_REVERSE_SIGNAL = 5,
	PAPER_EXIT_MANUAL = 6,
	PAPER_EXIT_END_OF_DATA = 7,
	PAPER_EXIT_FORCE = 8, /**< force-exit-all (emergency) */
	PAPER_EXIT_EXPIRY = 9, /**< settled at the instrument's expiry */
} paper_exit_reason;

/** Static lower-case names ("buy", "stop_limit", "take_profit", ...); "unknown" if invalid. */
PAPER_API const char *paper_side_str(paper_side side);
PAPER_API const char *paper_direction_str(paper_direction dir);
PAPER_API const char *paper_order_type_str(paper_order_type type);
PAPER_API const char *paper_tif_str(paper_tif tif);
PAPER_API const char *paper_order_status_str(paper_order_status status);
PAPER_API const char *paper_reject_reason_str(paper_reject_reason reason);
PAPER_API const char *paper_fill_reason_str(paper_fill_reason reason);
PAPER_API const char *paper_exit_reason_str(paper_exit_reason reason);

/**
 * Parse an exit reason name as paper_exit_reason_str() spells it.
 * @return PAPER_OK or PAPER_EINVAL.
 */
PAPER_API int paper_exit_reason_parse(const char *name, paper_exit_reason *out);

PAPER_END_DECLS

#endif /* PAPER_TYPES_H */
