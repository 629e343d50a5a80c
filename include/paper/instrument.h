/*
 * libpaper - instruments: how a symbol's price becomes money.
 *
 * Every symbol a broker trades has a contract: its asset class, a multiplier (price x
 * quantity x multiplier is money: 100 for a US equity option, 50 for an E-mini S&P future),
 * a tick size (the grid limit and stop prices must lie on, and fill prices are rounded to),
 * a lot size and a minimum quantity, and for futures and options an expiry, after which the
 * symbol no longer trades and open positions are settled. docs/instruments.md is the guide,
 * docs/semantics.md ("Instruments") the contract.
 *
 * Where a symbol's contract comes from, first match wins:
 *   1. paper_broker_define_instrument(), or an [instrument.SYMBOL] section of the broker's
 *      config (keys instrument.SYMBOL.asset_class, .multiplier, ...: docs/config.md);
 *   2. an OCC option symbol ("SPY240621C00500000", or the padded 21-character form
 *      "SPY   240621C00500000"), which describes itself: see paper_occ_parse();
 *   3. anything else is the default: an equity with multiplier 1, no tick grid, any quantity
 *      down to 1e-8 and no expiry - exactly how every symbol behaved before instruments
 *      existed, so programs that never define one see no change.
 * A symbol that looks like an OCC symbol but does not parse as one (it starts with a letter,
 * and six digits followed by a letter come before any character other than letters, digits
 * and spaces) is refused with PAPER_EFORMAT wherever it is used, unless it is defined: it is
 * never taken for an equity by accident.
 *
 * Strings: the spec holds its texts in fixed-size arrays, so a spec is a plain value that
 * owns everything it holds; nothing returned points into the broker.
 */
#ifndef PAPER_INSTRUMENT_H
#define PAPER_INSTRUMENT_H

#include "broker.h"
#include "common.h"
#include "types.h"

PAPER_BEGIN_DECLS

/** The kind of contract. Values are pinned; new ones are only appended. */
typedef enum paper_asset_class {
	PAPER_ASSET_EQUITY = 1, /**< shares; defaults: multiplier 1, lot 1 when defined */
	PAPER_ASSET_CRYPTO = 2, /**< coins; defaults: multiplier 1, any quantity (lot 1e-8) */
	PAPER_ASSET_FUTURE = 3, /**< margined, not paid in full: initial_margin per contract */
	PAPER_ASSET_OPTION = 4, /**< a call or a put on an underlying; default multiplier 100 */
} paper_asset_class;

/** An option's right. */
typedef enum paper_option_right {
	PAPER_RIGHT_NONE = 0, /**< not an option */
	PAPER_RIGHT_CALL = 1,
	PAPER_RIGHT_PUT = 2,
} paper_option_right;

/** How positions open at expiry are settled. */
typedef enum paper_settlement {
	/**
	 * In cash (the default; 0 in a spec means this too). An option is closed at its intrinsic
	 * value from the underlying's last price at or before expiry (max(0, S - K) for a call,
	 * max(0, K - S) for a put: worthless out of the money); when the underlying has no price,
	 * at the option's own last price, and the fill carries PAPER_FILL_FLAG_OWN_PRICE. A future
	 * is closed at its own last price.
	 */
	PAPER_SETTLEMENT_CASH = 1,
} paper_settlement;

/** Where a symbol's contract came from (paper_instrument_spec.origin, set by queries). */
typedef enum paper_instrument_origin {
	PAPER_INSTRUMENT_DEFAULT = 0, /**< never defined, not an OCC symbol: equity, multiplier 1 */
	PAPER_INSTRUMENT_DEFINED = 1, /**< paper_broker_define_instrument() or the config */
	PAPER_INSTRUMENT_OCC = 2,     /**< parsed from the OCC option symbol */
} paper_instrument_origin;

/**
 * A symbol's contract. Initialise with PAPER_INSTRUMENT_SPEC_INIT, then set the fields of the
 * asset class. On input a zero number means "the class's default"; a query fills every field
 * with the value in force.
 *
 * Ranges (a value outside is PAPER_EINVAL, naming the field; NaN and infinities always are):
 *   multiplier     0 (default) or in [1e-8, 1e6]: 1 for equity, crypto and future, 100 for
 *                  an option. Give a future its multiplier: ES is 50.
 *   tick_size      0 (none: any price in 1e-8) or in [1e-8, 1e6].
 *   lot_size       0 (default) or in [1e-8, 1e9]: 1 for a defined equity, a future and an
 *                  option, 1e-8 for crypto (any quantity). Order quantities must be whole
 *                  multiples of it.
 *   min_qty        0 (default: one lot) or a multiple of lot_size in [lot_size, 1e9].
 *   expiry         0 (none) or PAPER_TS_MIN < expiry <= PAPER_TS_MAX (else PAPER_ETIME);
 *                  required for an option, optional for a future, refused for an equity
 *                  or crypto.
 *   underlying     options: required, a valid symbol; futures: optional (whitelists match it);
 *                  equities and crypto: must be empty.
 *   right, strike  options only: PAPER_RIGHT_CALL or _PUT, and a strike in (0, 9e10].
 *   settlement     0 or PAPER_SETTLEMENT_CASH.
 *   initial_margin futures only: money reserved per contract while a position is open,
 *                  in [0, 1e9]; 0 reserves nothing.
 */
typedef struct paper_instrument_spec {
	unsigned int version; /**< PAPER_INSTRUMENT_SPEC_VERSION */
	paper_asset_class asset_class;
	double multiplier;
	double tick_size;
	double lot_size;
	double min_qty;
	paper_ts expiry;                         /**< the instant trading stops; 0 = none */
	char underlying[PAPER_SYMBOL_MAX + 1];   /**< NUL-terminated; "" = none */
	paper_option_right right;
	double strike;
	paper_settlement settlement;
	double initial_margin;
	paper_instrument_origin origin;          /**< set by queries; ignored on input */
} paper_instrument_spec;

#define PAPER_INSTRUMENT_SPEC_VERSION 1
#define PAPER_INSTRUMENT_SPEC_INIT                                                          \
	{ .version = PAPER_INSTRUMENT_SPEC_VERSION, .asset_class = PAPER_ASSET_EQUITY,          \
	  .multiplier = 0.0, .tick_size = 0.0, .lot_size = 0.0, .min_qty = 0.0, .expiry = 0,  \
	  .underlying = "", .right = PAPER_RIGHT_NONE, .strike = 0.0,                          \
	  .settlement = PAPER_SETTLEMENT_CASH, .initial_margin = 0.0,                           \
	  .origin = PAPER_INSTRUMENT_DEFAULT }

/** Static lower-case names: "equity", "crypto", "future", "option"; "unknown" if invalid. */
PAPER_API const char *paper_asset_class_str(paper_asset_class cls);
/** "none", "call", "put"; "unknown" if invalid. */
PAPER_API const char *paper_option_right_str(paper_option_right right);
/** "cash"; "unknown" if invalid. */
PAPER_API const char *paper_settlement_str(paper_settlement settlement);

/**
 * Parse an asset class as paper_asset_class_str() spells it.
 * @return PAPER_OK, PAPER_EINVAL (NULL or unknown name).
 */
PAPER_API int paper_asset_class_parse(const char *name, paper_asset_class *out);

/**
 * Parse an OCC option symbol: a root of 1 to 6 upper-case letters or digits (in the padded
 * form followed by spaces to 6 characters), the expiry date YYMMDD (20YY), C or P, and the
 * strike in thousandths as 8 digits. "SPY240621C00500000" and "SPY   240621C00500000" are
 * SPY's call of 2024-06-21 at 500.000. The spec receives asset class option, multiplier 100,
 * lot 1, tick 0 (none), underlying = the root, the right, the strike, cash settlement, and as
 * expiry 16:00 America/New_York on the expiry date (20:00 or 21:00 UTC, daylight saving time
 * as the time zone database says), origin PAPER_INSTRUMENT_OCC.
 * @param out receives the spec; its version must be set (PAPER_INSTRUMENT_SPEC_INIT).
 *        Unchanged on error.
 * @return PAPER_OK; PAPER_ENOTFOUND when symbol does not look like an OCC symbol (no six
 *         digits followed by a letter: "SPY", "ESZ6", "BTC-USD", "S000001"); PAPER_EFORMAT when it looks
 *         like one but is malformed (wrong length or padding, lower case, a date that does
 *         not exist such as 240231, a right other than C or P, a strike that is not 8
 *         digits or is zero), the message says what; PAPER_EINVAL (NULL), PAPER_EVERSION.
 */
PAPER_API int paper_occ_parse(const char *symbol, paper_instrument_spec *out);

/**
 * Define, or replace, the contract of a symbol on this broker. Allowed until the symbol's
 * first order is accepted (market data may come before); after that the contract is fixed
 * (PAPER_ESTATE), because orders, positions and fills were valued with it - except that the
 * same contract again is accepted and changes nothing (a restarted program defining what it
 * defined before).
 * A definition wins over the OCC reading of the same symbol.
 *
 * A broker opened from a ledger gets its instruments from the account's stored config
 * ([instrument.X] sections) and from OCC symbols. A definition made with this call on such a
 * broker is stored there too, as that symbol's [instrument.X] keys, before the broker takes
 * it: a reopened account has it (a ledger that cannot be written refuses the definition).
 * @param symbol a valid symbol (PAPER_SYMBOL_MAX bytes at most).
 * @param spec copied; texts are read up to their NUL.
 * @return PAPER_OK; PAPER_EINVAL (NULL, a bad symbol, a field out of its range, a field that
 *         does not belong to the asset class; the message names it); PAPER_ETIME (expiry out
 *         of range); PAPER_EVERSION; PAPER_ESTATE (the symbol has had an accepted order and
 *         the contract differs, or the broker's ledger was closed); a ledger's error when
 *         the definition cannot be stored (PAPER_EIO, PAPER_EBUSY, ...).
 *         On error nothing changes.
 */
PAPER_API int paper_broker_define_instrument(paper_broker *b, const char *symbol,
					     const paper_instrument_spec *spec);

/**
 * The contract in force for a symbol: its definition, else its OCC reading, else the default
 * (equity, multiplier 1, origin PAPER_INSTRUMENT_DEFAULT). The symbol need not have been
 * seen by the broker.
 * @param out receives the spec with every field resolved (defaults filled in); its version
 *        must be set (PAPER_INSTRUMENT_SPEC_INIT).
 * @return PAPER_OK; PAPER_EFORMAT (an undefined OCC-looking symbol that does not parse);
 *         PAPER_EINVAL (NULL, not a valid symbol); PAPER_EVERSION.
 */
PAPER_API int paper_broker_instrument(const paper_broker *b, const char *symbol,
				      paper_instrument_spec *out);

/**
 * Settle now every open position whose instrument expired at or before ts, and cancel the
 * open orders of expired instruments (status expired, reason PAPER_REJECT_EXPIRED). The
 * broker does this by itself when market data stamped after an expiry arrives; call it when
 * time passes without data (a live session at the close, the end of a replay). Each
 * settlement is a fill stamped at the expiry with fill reason PAPER_FILL_EXPIRY and closes
 * the trade with exit reason PAPER_EXIT_EXPIRY (docs/semantics.md, "Expiry"). The broker's
 * clock moves to the latest expiry settled (as a reopened ledger has it), so the contract takes
 * no more orders.
 * @param ts a time at or after the broker's clock (0: the clock).
 * @return PAPER_OK (also when nothing expired); PAPER_ETIME (ts before the clock or out of
 *         range); PAPER_ERANGE (a settlement would pass the money limits: nothing settled);
 *         PAPER_EINVAL.
 */
PAPER_API int paper_broker_settle_expired(paper_broker *b, paper_ts ts);

PAPER_END_DECLS

#endif /* PAPER_INSTRUMENT_H */
