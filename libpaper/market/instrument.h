/*
 * Private: the broker's symbol table (paper__broker_symbol() and its kin in broker_store.h
 * are defined in instrument.c) and each symbol's contract (broker.h, struct contract): set
 * from the config's [instrument.X] sections, paper_broker_define_instrument(), an OCC symbol
 * (when the symbol is added) or the default.
 */
#ifndef PAPER_PRIV_INSTRUMENT_H
#define PAPER_PRIV_INSTRUMENT_H

#include <paper/instrument.h>

#include "market/broker.h"

/* Define every instrument of the broker's config (at creation). PAPER_OK or its error. */
int instrument_load_config(paper_broker *b);

/*
 * May name be used as a symbol? PAPER_OK for a known symbol or a valid new one; PAPER_EINVAL
 * (not a symbol) or PAPER_EFORMAT (an undefined OCC-looking symbol that does not parse).
 */
int instrument_check_name(const paper_broker *b, const char *name);

/*
 * The contract's rules for order o (its symbol known) at its submission time: not expired,
 * a whole number of lots, at least the minimum quantity when it opens or adds, limit and stop
 * prices on the tick grid. PAPER_OK, or PAPER_ESTATE / PAPER_EQTY / PAPER_EPRICE raised with
 * *reason the reject reason (expired, lot_size, tick_size).
 */
int instrument_check_order(const paper_broker *b, const order *o, uint8_t *reason);

/*
 * Has the contract of symbol name (sym its index, or -1 when the broker has not seen it: an
 * OCC symbol still carries its expiry) expired at ts? PAPER_ESTATE with *reason expired, so
 * an order for it is refused as expired before anything else, market data included.
 */
int instrument_check_expiry(const paper_broker *b, int64_t sym, const char *name, paper_ts ts,
			    uint8_t *reason);

/*
 * Does the whitelist admit symbol name (sym its index, or -1 when the broker does not know it
 * yet)? The symbol itself or its underlying (an option's, a future's) must be listed.
 */
bool instrument_allowed(const paper_broker *b, int64_t sym, const char *name);

/* price rounded to sym's tick grid against the trader: up for a buy, down (to at least one
 * tick) for a sell. Without a tick, price. */
static inline int64_t instrument_round_tick(const instrument *s, uint8_t side, int64_t price)
{
	int64_t t = s->c.tick;
	if (t <= 1 || price % t == 0)
		return price;
	int64_t down = price - price % t;
	if (side == PAPER_SIDE_BUY)
		return down > INT64_MAX - t ? INT64_MAX : down + t;
	return down > 0 ? down : t;
}

/* qty rounded down to a whole number of sym's lots. */
static inline int64_t instrument_round_lot(const instrument *s, int64_t qty)
{
	return s->c.lot > 1 ? qty - qty % s->c.lot : qty;
}

/* Has the contract of sym expired at ts? */
static inline bool instrument_expired(const instrument *s, paper_ts ts)
{
	return s->c.expiry != 0 && ts >= s->c.expiry;
}

#endif
