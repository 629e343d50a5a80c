/*
 * OCC option symbols (base/occ.c, docs/instruments.md): the input is a symbol, given to
 * paper_occ_parse(), to a broker's paper_broker_instrument(), and as market data for it.
 * Promises: no crash, no leak, no undefined behaviour; paper_occ_parse() answers OK, NOTFOUND
 * (not an OCC look-alike) or EFORMAT, and the broker agrees: a parsed symbol is an option whose
 * fields read back (the compact and the padded spelling give the same contract and the same
 * symbol), a malformed look-alike is refused wherever it enters, never taken for an equity.
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include <paper/paper.h>

#include "fuzz.h"

#define T0 INT64_C(1700000000000000)

static bool same_spec(const paper_instrument_spec *a, const paper_instrument_spec *b)
{
	return a->asset_class == b->asset_class && a->multiplier == b->multiplier &&
	       a->lot_size == b->lot_size && a->expiry == b->expiry && a->right == b->right &&
	       a->strike == b->strike && strcmp(a->underlying, b->underlying) == 0;
}

/* A parsed contract is a well-formed option, and both spellings of it parse to it. */
static void check_parsed(const char *sym, const paper_instrument_spec *s)
{
	size_t root = strlen(s->underlying);
	fuzz_require(s->asset_class == PAPER_ASSET_OPTION && s->multiplier == 100.0 &&
			     s->lot_size == 1.0 && s->strike > 0 && s->strike < 100000.0 &&
			     (s->right == PAPER_RIGHT_CALL || s->right == PAPER_RIGHT_PUT) &&
			     s->expiry > 0 && s->expiry <= PAPER_TS_MAX && root >= 1 && root <= 6 &&
			     s->origin == PAPER_INSTRUMENT_OCC,
		     "a parsed OCC symbol is a well-formed option");
	const char *tail = sym + strlen(sym) - 15;
	char compact[32], padded[32];
	g_snprintf(compact, sizeof compact, "%s%s", s->underlying, tail);
	g_snprintf(padded, sizeof padded, "%-6s%s", s->underlying, tail);
	paper_instrument_spec c = PAPER_INSTRUMENT_SPEC_INIT, p = PAPER_INSTRUMENT_SPEC_INIT;
	fuzz_require(paper_occ_parse(compact, &c) == PAPER_OK && same_spec(s, &c),
		     "the compact spelling parses to the same contract");
	fuzz_require(paper_occ_parse(padded, &p) == PAPER_OK && same_spec(s, &p),
		     "the padded spelling parses to the same contract");
}

/* The broker: a bar for the symbol, a query, and the spelling it reports. */
static void check_broker(const char *sym, int parsed, const paper_instrument_spec *s)
{
	paper_broker *b = NULL;
	fuzz_require(paper_broker_new(&b, NULL) == PAPER_OK, "a default broker");
	paper_instrument_spec q = PAPER_INSTRUMENT_SPEC_INIT;
	int qrc = paper_broker_instrument(b, sym, &q);
	int brc = paper_broker_on_bar(b, sym, T0, 1, 1, 1, 1, 1);
	if (parsed == PAPER_OK) {
		fuzz_require(qrc == PAPER_OK && same_spec(s, &q), "the broker reads it as parsed");
		fuzz_require(brc == PAPER_OK, "an OCC symbol takes market data");
	} else if (parsed == PAPER_EFORMAT) {
		fuzz_require(qrc == PAPER_EFORMAT || qrc == PAPER_EINVAL,
			     "a malformed look-alike is no instrument");
		fuzz_require(brc == PAPER_EFORMAT || brc == PAPER_EINVAL,
			     "a malformed look-alike takes no market data");
	} else {
		fuzz_require(parsed == PAPER_ENOTFOUND, "parse answers OK, NOTFOUND or EFORMAT");
		fuzz_require(qrc == brc, "a plain symbol is queried and taken alike");
		fuzz_require(qrc != PAPER_OK || (q.origin == PAPER_INSTRUMENT_DEFAULT &&
						 q.multiplier == 1.0),
			     "a plain symbol is the default equity");
	}
	paper_broker_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (memchr(data, '\0', size) != NULL || size > 64)
		return -1;
	char *sym = fuzz_cstr(data, size);
	paper_instrument_spec s = PAPER_INSTRUMENT_SPEC_INIT;
	int rc = paper_occ_parse(sym, &s);
	if (rc == PAPER_OK)
		check_parsed(sym, &s);
	check_broker(sym, rc, &s);
	g_free(sym);
	return 0;
}
