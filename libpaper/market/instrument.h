/*
 * Private: each symbol's contract (broker.h, struct contract): set from the config's
 * [instrument.X] sections, paper_broker_define_instrument(), an OCC symbol or the default.
 */
#ifndef PAPER_PRIV_INSTRUMENT_H
#define PAPER_PRIV_INSTRUMENT_H

#include <paper/instrument.h>

#include "market/broker.h"

/* The contract a new symbol gets: OCC when its name is one, else the default. */
void instrument_init(paper_broker *b, uint32_t sym);

/* Define every instrument of the broker's config (at creation). PAPER_OK or its error. */
int instrument_load_config(paper_broker *b);

/*
 * May name be used as a symbol? PAPER_OK for a known symbol or a valid new one; PAPER_EINVAL
 * (not a symbol) or PAPER_EFORMAT (an undefined OCC-looking symbol that does not parse).
 */
int instrument_check_name(const paper_broker *b, const char *name);

/* Has the contract of sym expired at ts? */
static inline bool instrument_expired(const instrument *s, paper_ts ts)
{
	return s->c.expiry != 0 && ts >= s->c.expiry;
}

#endif
