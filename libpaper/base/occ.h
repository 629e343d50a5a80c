/*
 * Private: OCC option symbols (the Options Clearing Corporation's symbology): a root of 1 to 6
 * characters, the expiry date YYMMDD, C or P, and the strike in thousandths as 8 digits.
 * "SPY240621C00500000" (compact) and "SPY   240621C00500000" (the root padded with spaces to
 * 6 characters, 21 in all) are the same contract. A pure function of the text, so it can be
 * fuzzed.
 */
#ifndef PAPER_PRIV_OCC_H
#define PAPER_PRIV_OCC_H

#include <paper/common.h>
#include <stdbool.h>
#include <stdint.h>

#define OCC_ROOT_MAX 6
#define OCC_TAIL 15 /* YYMMDD + C/P + 8 digits */
#define OCC_PADDED_LEN (OCC_ROOT_MAX + OCC_TAIL)

typedef struct occ_symbol {
	char root[OCC_ROOT_MAX + 1];
	int year, month, day;
	bool call;
	int64_t strike;  /* 1e-8 units: thousandths x 1e5 */
	paper_ts expiry; /* 16:00 America/New_York on the date */
} occ_symbol;

typedef enum occ_status {
	OCC_OK = 0,
	OCC_NOT_OCC,   /* no root followed by six digits and a letter: a plain symbol */
	OCC_MALFORMED, /* looks like one, but is not: *why says what */
} occ_status;

/*
 * Does s look like an OCC symbol: it starts with an ASCII letter, and before anything that is
 * not a letter, digit or space comes a run of at least six digits followed by a letter?
 * ("SPY240621C...", "SPY1  240621C...", "spy240621c..."; not "S000001", "ESZ6", "BTC-USD".)
 * Such a symbol is either parsed or refused, never taken for an equity.
 */
bool occ_looks_like(const char *s);

/* Parse s. On OCC_MALFORMED *why (if why is not NULL) is a static English reason. */
occ_status occ_parse(const char *s, occ_symbol *out, const char **why);

/*
 * The compact spelling of an OCC symbol given padded (root spaces removed) into out
 * (>= 22 bytes); false when s is not a padded OCC symbol that parses.
 */
bool occ_compact(const char *s, char *out, size_t cap);

#endif
