/*
 * Private: checking an instrument spec (include/paper/instrument.h) and filling in its class
 * defaults. Shared by the config ([instrument.X] sections are checked when validated) and the
 * broker (paper_broker_define_instrument()), so both refuse the same specs with the same words.
 */
#ifndef PAPER_PRIV_INSTSPEC_H
#define PAPER_PRIV_INSTSPEC_H

#include <paper/instrument.h>

/* Largest multiplier, tick size, lot size / minimum quantity and initial margin accepted. */
#define INSTSPEC_MULT_MAX 1e6
#define INSTSPEC_TICK_MAX 1e6
#define INSTSPEC_LOT_MAX 1e9
#define INSTSPEC_MARGIN_MAX 1e9

/*
 * Check in for symbol and write it to out with every default resolved (out may be in).
 * PAPER_OK; PAPER_EVERSION; PAPER_EINVAL or PAPER_ETIME with a message naming the symbol and
 * the field. out is written only on success.
 */
int paper__instrument_resolve(const char *symbol, const paper_instrument_spec *in,
			      paper_instrument_spec *out);

/* The spec of an OCC symbol (PAPER_OK), PAPER_ENOTFOUND (not OCC-looking) or PAPER_EFORMAT. */
int paper__instrument_from_occ(const char *symbol, paper_instrument_spec *out);

/* The default contract: an equity, multiplier 1, no tick, any quantity, no expiry. */
void paper__instrument_default(paper_instrument_spec *out);

#endif
