/*
 * Private: decimal text <-> fixed-point (1e-8), exactly. Input files are parsed straight into
 * integers, so a price written as 183.60 is 18360000000 units with no binary rounding on the
 * way, and a replay from CSV equals one from fixed-point arrays to the last unit.
 */
#ifndef PAPER_PRIV_FXTEXT_H
#define PAPER_PRIV_FXTEXT_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

#include "base/fixed.h"

typedef enum fx_parse_status {
	FXP_OK = 0,
	FXP_EMPTY,     /* no characters */
	FXP_MALFORMED, /* not [-]digits[.digits] */
	FXP_DECIMALS,  /* a non-zero digit past the 8th decimal: not exact in 1e-8 */
	FXP_RANGE,     /* magnitude above FX_TEXT_MAX */
} fx_parse_status;

/* Largest magnitude accepted, in units: 9e10 (as fixed.h accepts from doubles). */
#define FX_TEXT_MAX INT64_C(9000000000000000000)

/* 10^(8 - i) for i decimals read. */
static const int64_t fx_text_scale[9] = { 100000000, 10000000, 1000000, 100000, 10000,
					  1000, 100, 10, 1 };

/*
 * Parse exactly [-]digits[.digits] (no '+', no exponent, no spaces) into units of 1e-8.
 * Zeros past the 8th decimal are accepted (they change nothing); any other digit there is not.
 */
static inline fx_parse_status fx_parse(const char *s, size_t n, int64_t *out)
{
	const char *p = s, *e = s + n;
	bool neg = false;

	if (p == e)
		return FXP_EMPTY;
	if (*p == '-')
		neg = true, p++;
	const char *d0 = p;
	uint64_t ip = 0;
	while (p < e && (unsigned)(*p - '0') < 10u) {
		ip = ip * 10u + (unsigned)(*p - '0');
		if (++p - d0 > 11)
			return FXP_RANGE;
	}
	if (p == d0)
		return FXP_MALFORMED;
	uint64_t fp = 0;
	int nd = 0;
	if (p < e && *p == '.') {
		const char *f0 = ++p;
		for (; p < e && (unsigned)(*p - '0') < 10u; p++) {
			if (nd < 8)
				fp = fp * 10u + (unsigned)(*p - '0'), nd++;
			else if (*p != '0')
				return FXP_DECIMALS;
		}
		if (p == f0)
			return FXP_MALFORMED;
	}
	if (p != e)
		return FXP_MALFORMED;
	uint64_t v = ip * (uint64_t)FX_SCALE + fp * (uint64_t)fx_text_scale[nd];
	if (v > (uint64_t)FX_TEXT_MAX)
		return FXP_RANGE;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return FXP_OK;
}

/*
 * fx_parse() of the field that starts at p and ends at the first ',' or at e, without finding
 * the ',' first: *next receives the field's end. The same numbers are accepted and refused.
 */
static inline fx_parse_status fx_parse_field(const char *p, const char *e, int64_t *out,
					     const char **next)
{
	const char *s = p;
	uint64_t ip = 0, fp = 0;
	int nd = 0;
	bool neg = p < e && *p == '-';
	p += neg;
	const char *d0 = p;
	while (p < e && (unsigned)(*p - '0') < 10u && p - d0 < 11)
		ip = ip * 10u + (unsigned)(*p++ - '0');
	bool ok = p > d0;
	if (ok && p < e && *p == '.') {
		const char *f0 = ++p;
		while (p < e && (unsigned)(*p - '0') < 10u && nd < 8)
			fp = fp * 10u + (unsigned)(*p++ - '0'), nd++;
		ok = p > f0;
	}
	if (G_LIKELY(ok && (p == e || *p == ','))) {
		uint64_t v = ip * (uint64_t)FX_SCALE + fp * (uint64_t)fx_text_scale[nd];
		*next = p;
		if (v > (uint64_t)FX_TEXT_MAX)
			return FXP_RANGE;
		*out = neg ? -(int64_t)v : (int64_t)v;
		return FXP_OK;
	}
	/* Anything unusual (more digits, a problem): the whole field through fx_parse(). */
	while (p < e && *p != ',')
		p++;
	*next = p;
	return fx_parse(s, (size_t)(p - s), out);
}

/*
 * A decimal number as other tools write it, rounded to 1e-8: [+-]digits[.digits] or .digits,
 * with an optional exponent ([eE][+-]digits: 1.5e-05, 2E+06). Digits past the 8th decimal are
 * rounded half away from zero, looking at the decimal text itself (never at a binary double):
 * 0.123456785 is 0.12345679, -0.123456785 is -0.12345679, 183.60000000000002 is 183.6.
 * *rounded is set when a non-zero digit was dropped. Returns FXP_OK, FXP_EMPTY, FXP_MALFORMED
 * (inf, nan, spaces, a second point, ...) or FXP_RANGE (magnitude above FX_TEXT_MAX).
 */
fx_parse_status fx_parse_round(const char *s, size_t n, int64_t *out, bool *rounded);

/* Why fx_parse() refused, for messages ("malformed number", ...). */
const char *fx_parse_why(fx_parse_status st);

/*
 * v as exact decimal text: integer part, then decimals with trailing zeros dropped down to
 * min_decimals (0..8). buf needs FX_TEXT_CAP bytes. Returns the length.
 */
#define FX_TEXT_CAP 32
size_t fx_format(char *buf, int64_t v, int min_decimals);

#endif
