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
