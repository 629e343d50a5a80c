/* Fixed-point values as exact decimal text (fxtext.h). */
#include "base/fxtext.h"

#include <string.h>

const char *fx_parse_why(fx_parse_status st)
{
	switch (st) {
	case FXP_OK:
		return "ok";
	case FXP_EMPTY:
		return "empty";
	case FXP_DECIMALS:
		return "more than 8 decimal places";
	case FXP_RANGE:
		return "too large (largest magnitude 90000000000)";
	case FXP_MALFORMED:
		break;
	}
	return "not a decimal number ([-]digits[.digits])";
}

size_t fx_format(char *buf, int64_t v, int min_decimals)
{
	/* Magnitude as unsigned: -INT64_MIN does not fit an int64. */
	uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	uint64_t ip = m / (uint64_t)FX_SCALE, fp = m % (uint64_t)FX_SCALE;
	char digits[24];
	size_t n = 0, len = 0;

	if (v < 0)
		buf[len++] = '-';
	do {
		digits[n++] = (char)('0' + ip % 10u);
		ip /= 10u;
	} while (ip);
	while (n)
		buf[len++] = digits[--n];
	int keep = 8;
	for (uint64_t f = fp; keep > min_decimals && f % 10u == 0; f /= 10u)
		keep--;
	if (fp == 0)
		keep = min_decimals;
	if (keep > 0) {
		buf[len++] = '.';
		char frac[8];
		for (int i = 7; i >= 0; i--, fp /= 10u)
			frac[i] = (char)('0' + fp % 10u);
		memcpy(buf + len, frac, (size_t)keep);
		len += (size_t)keep;
	}
	buf[len] = '\0';
	return len;
}

/* Significant digits fx_parse_round() keeps: 19 integer digits of units and the rounding one. */
#define ROUND_DIGITS 21
/* Exponents past this are out of range (or zero) whatever the digits. */
#define EXP_CAP 1000

typedef struct dec_digits {
	char d[ROUND_DIGITS]; /* significant digits, the first non-zero */
	int n;                /* kept */
	bool tail;            /* a non-zero digit past the kept ones */
	int pos;              /* the value is 0.d1d2... x 10^pos */
	bool any;             /* at least one digit was read */
} dec_digits;

static void take_digit(dec_digits *m, char c, bool integer)
{
	m->any = true;
	if (m->n == 0 && c == '0') {
		/* A leading zero: after the point it moves the value down a place. */
		m->pos -= !integer;
		return;
	}
	if (m->n < ROUND_DIGITS)
		m->d[m->n++] = c;
	else
		m->tail |= c != '0';
	m->pos += integer;
}

/* [eE][+-]digits at p: *exp, clamped to +-EXP_CAP; false when malformed. */
static bool read_exponent(const char **pp, const char *e, int *exp)
{
	const char *p = *pp + 1;
	bool neg = p < e && *p == '-';
	p += p < e && (*p == '-' || *p == '+');
	const char *d0 = p;
	int v = 0;
	for (; p < e && (unsigned)(*p - '0') < 10u; p++)
		v = v < EXP_CAP ? v * 10 + (*p - '0') : EXP_CAP;
	*pp = p;
	*exp = neg ? -v : v;
	return p > d0;
}

fx_parse_status fx_parse_round(const char *s, size_t n, int64_t *out, bool *rounded)
{
	const char *p = s, *e = s + n;
	dec_digits m = { .n = 0 };
	int exp = 0;

	*rounded = false;
	if (p == e)
		return FXP_EMPTY;
	bool neg = *p == '-';
	p += *p == '-' || *p == '+';
	for (; p < e && (unsigned)(*p - '0') < 10u; p++)
		take_digit(&m, *p, true);
	if (p < e && *p == '.')
		for (p++; p < e && (unsigned)(*p - '0') < 10u; p++)
			take_digit(&m, *p, false);
	if (!m.any || (p < e && (*p == 'e' || *p == 'E') && !read_exponent(&p, e, &exp)) || p != e)
		return FXP_MALFORMED;
	if (m.n == 0) {
		*out = 0;
		return FXP_OK;
	}
	/* units = 0.d1d2... x 10^(pos + exp + 8): the first k digits, then the rounding digit. */
	int k = m.pos + exp + 8;
	if (k > 19)
		return FXP_RANGE;
	uint64_t u = 0;
	for (int i = 0; i < k; i++)
		u = u * 10u + (uint64_t)(i < m.n ? m.d[i] - '0' : 0);
	int kept = k > 0 ? k : 0;
	bool up = k >= 0 && k < m.n && m.d[k] >= '5';
	*rounded = m.n > kept || m.tail;
	u += up;
	if (u > (uint64_t)FX_TEXT_MAX)
		return FXP_RANGE;
	*out = neg ? -(int64_t)u : (int64_t)u;
	return FXP_OK;
}
