/* Names of the public enumerations, as the CSV, JSON and ledger spell them. */
#include <paper/broker.h>
#include <paper/instrument.h>
#include <paper/session.h>
#include <paper/types.h>
#include <string.h>

#include "base/error.h"

#define NAME_OF(table, v) \
	((v) >= 0 && (size_t)(v) < sizeof(table) / sizeof((table)[0]) && (table)[v] ? (table)[v] : "unknown")

static const char *const sides[] = { [PAPER_SIDE_BUY] = "buy", [PAPER_SIDE_SELL] = "sell" };
static const char *const directions[] = { [PAPER_LONG] = "long", [PAPER_SHORT] = "short" };
static const char *const order_types[] = { [PAPER_ORDER_MARKET] = "market", [PAPER_ORDER_LIMIT] = "limit",
					   [PAPER_ORDER_STOP] = "stop",
					   [PAPER_ORDER_STOP_LIMIT] = "stop_limit" };
static const char *const tifs[] = { [PAPER_TIF_GTC] = "gtc", [PAPER_TIF_DAY] = "day",
				    [PAPER_TIF_IOC] = "ioc", [PAPER_TIF_FOK] = "fok" };
static const char *const statuses[] = {
	[PAPER_STATUS_ACCEPTED] = "accepted",   [PAPER_STATUS_PARTIALLY_FILLED] = "partially_filled",
	[PAPER_STATUS_FILLED] = "filled",       [PAPER_STATUS_CANCELLED] = "cancelled",
	[PAPER_STATUS_EXPIRED] = "expired",     [PAPER_STATUS_REJECTED] = "rejected",
};
static const char *const reject_reasons[] = {
	[PAPER_REJECT_NONE] = "none",
	[PAPER_REJECT_INSUFFICIENT_FUNDS] = "insufficient_funds",
	[PAPER_REJECT_SHORT_NOT_ALLOWED] = "short_not_allowed",
	[PAPER_REJECT_NO_MARKET_DATA] = "no_market_data",
	[PAPER_REJECT_SYMBOL_NOT_ALLOWED] = "symbol_not_allowed",
	[PAPER_REJECT_MAX_OPEN_POSITIONS] = "max_open_positions",
	[PAPER_REJECT_MAX_ORDER_QTY] = "max_order_qty",
	[PAPER_REJECT_MAX_ORDER_NOTIONAL] = "max_order_notional",
	[PAPER_REJECT_MAX_POSITION_FRACTION] = "max_position_fraction",
	[PAPER_REJECT_MIN_CONFIDENCE] = "min_confidence",
	[PAPER_REJECT_DAILY_LOSS_HALT] = "daily_loss_halt",
	[PAPER_REJECT_KILL_SWITCH] = "kill_switch",
	[PAPER_REJECT_FOK_UNFILLABLE] = "fok_unfillable",
	[PAPER_REJECT_IOC_REMAINDER] = "ioc_remainder",
	[PAPER_REJECT_USER_CANCEL] = "user_cancel",
	[PAPER_REJECT_OCO_SIBLING] = "oco_sibling",
	[PAPER_REJECT_OUT_OF_RANGE] = "out_of_range",
	[PAPER_REJECT_EXPIRED] = "expired",
	[PAPER_REJECT_TICK_SIZE] = "tick_size",
	[PAPER_REJECT_LOT_SIZE] = "lot_size",
};
static const char *const fill_reasons[] = {
	[PAPER_FILL_MARKET_QUOTE] = "market_quote", [PAPER_FILL_MARKET_OPEN] = "market_open",
	[PAPER_FILL_LIMIT_TOUCHED] = "limit_touched", [PAPER_FILL_LIMIT_GAP] = "limit_gap",
	[PAPER_FILL_STOP_TRIGGERED] = "stop_triggered", [PAPER_FILL_STOP_GAP] = "stop_gap",
	[PAPER_FILL_LIMIT_QUOTE] = "limit_quote", [PAPER_FILL_STOP_QUOTE] = "stop_quote",
	[PAPER_FILL_AT_MARK] = "at_mark", [PAPER_FILL_EXPIRY] = "expiry",
};
static const char *const exit_reasons[] = {
	[PAPER_EXIT_NONE] = "none",
	[PAPER_EXIT_TAKE_PROFIT] = "take_profit",
	[PAPER_EXIT_STOP_LOSS] = "stop_loss",
	[PAPER_EXIT_TRAILING_STOP] = "trailing_stop",
	[PAPER_EXIT_TIME_LIMIT] = "time_limit",
	[PAPER_EXIT_REVERSE_SIGNAL] = "reverse_signal",
	[PAPER_EXIT_MANUAL] = "manual",
	[PAPER_EXIT_END_OF_DATA] = "end_of_data",
	[PAPER_EXIT_FORCE] = "force_exit",
	[PAPER_EXIT_EXPIRY] = "expiry",
};
static const char *const asset_classes[] = {
	[PAPER_ASSET_EQUITY] = "equity", [PAPER_ASSET_CRYPTO] = "crypto",
	[PAPER_ASSET_FUTURE] = "future", [PAPER_ASSET_OPTION] = "option",
};
static const char *const rights[] = { [PAPER_RIGHT_NONE] = "none", [PAPER_RIGHT_CALL] = "call",
				      [PAPER_RIGHT_PUT] = "put" };
static const char *const settlements[] = { [PAPER_SETTLEMENT_CASH] = "cash" };

static const char *const event_types[] = {
	[PAPER_EVENT_ORDER_ACCEPTED] = "order_accepted",
	[PAPER_EVENT_ORDER_REJECTED] = "order_rejected",
	[PAPER_EVENT_ORDER_CANCELLED] = "order_cancelled",
	[PAPER_EVENT_ORDER_EXPIRED] = "order_expired",
	[PAPER_EVENT_ORDER_REPLACED] = "order_replaced",
	[PAPER_EVENT_FILL] = "fill",
	[PAPER_EVENT_TRADE_CLOSED] = "trade_closed",
	[PAPER_EVENT_SNAPSHOT] = "snapshot",
	[PAPER_EVENT_HALT] = "halt",
	[PAPER_EVENT_ORDER_TRIGGERED] = "order_triggered",
	[PAPER_EVENT_ACCOUNT_RESTORED] = "account_restored",
	[PAPER_EVENT_POSITION_RESTORED] = "position_restored",
};

static const char *const verdicts[PAPER_VERDICT_COUNT] = {
	[PAPER_VERDICT_TRADE] = "trade",
	[PAPER_VERDICT_DISABLED] = "disabled",
	[PAPER_VERDICT_LOW_CONFIDENCE] = "low_confidence",
	[PAPER_VERDICT_SYMBOL_NOT_ALLOWED] = "symbol_not_allowed",
	[PAPER_VERDICT_POSITION_OPEN] = "position_open",
	[PAPER_VERDICT_DUPLICATE_SIGNAL] = "duplicate_signal",
	[PAPER_VERDICT_REVERSE_EXIT] = "reverse_exit",
	[PAPER_VERDICT_REVERSE_IGNORED] = "reverse_ignored",
	[PAPER_VERDICT_SIZE_ZERO] = "size_zero",
	[PAPER_VERDICT_REJECTED] = "rejected",
};

PAPER_API const char *paper_event_type_str(paper_event_type v) { return NAME_OF(event_types, (int)v); }
PAPER_API const char *paper_side_str(paper_side v) { return NAME_OF(sides, (int)v); }
PAPER_API const char *paper_direction_str(paper_direction v) { return NAME_OF(directions, (int)v); }
PAPER_API const char *paper_order_type_str(paper_order_type v) { return NAME_OF(order_types, (int)v); }
PAPER_API const char *paper_tif_str(paper_tif v) { return NAME_OF(tifs, (int)v); }
PAPER_API const char *paper_order_status_str(paper_order_status v) { return NAME_OF(statuses, (int)v); }
PAPER_API const char *paper_reject_reason_str(paper_reject_reason v) { return NAME_OF(reject_reasons, (int)v); }
PAPER_API const char *paper_fill_reason_str(paper_fill_reason v) { return NAME_OF(fill_reasons, (int)v); }
PAPER_API const char *paper_exit_reason_str(paper_exit_reason v) { return NAME_OF(exit_reasons, (int)v); }
PAPER_API const char *paper_asset_class_str(paper_asset_class v) { return NAME_OF(asset_classes, (int)v); }
PAPER_API const char *paper_option_right_str(paper_option_right v) { return NAME_OF(rights, (int)v); }
PAPER_API const char *paper_settlement_str(paper_settlement v) { return NAME_OF(settlements, (int)v); }
PAPER_API const char *paper_verdict_str(paper_verdict v) { return NAME_OF(verdicts, (int)v); }

PAPER_API int paper_exit_reason_parse(const char *name, paper_exit_reason *out)
{
	PAPER__CHECK_NULL(name, "name");
	PAPER__CHECK_NULL(out, "out");
	for (size_t i = 0; i < sizeof exit_reasons / sizeof exit_reasons[0]; i++)
		if (strcmp(exit_reasons[i], name) == 0) {
			*out = (paper_exit_reason)i;
			return PAPER_OK;
		}
	return paper__error(PAPER_EINVAL, "unknown exit reason '%s'", name);
}

PAPER_API int paper_asset_class_parse(const char *name, paper_asset_class *out)
{
	PAPER__CHECK_NULL(name, "name");
	PAPER__CHECK_NULL(out, "out");
	for (size_t i = 0; i < sizeof asset_classes / sizeof asset_classes[0]; i++)
		if (asset_classes[i] && strcmp(asset_classes[i], name) == 0) {
			*out = (paper_asset_class)i;
			return PAPER_OK;
		}
	return paper__error(PAPER_EINVAL, "unknown asset class '%s' (equity, crypto, future or "
			    "option)", name);
}
