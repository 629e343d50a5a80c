/*
 * Private: integer fixed-point for money, prices and quantities.
 * One unit is 1e-8 (PAPER_FIXED_SCALE). Doubles are converted only at the API edges, always
 * with the same rounding (half away from zero), so results are bit-for-bit repeatable.
 */
#ifndef PAPER_PRIV_FIXED_H
#define PAPER_PRIV_FIXED_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include <paper/types.h>

__extension__ typedef __int128 fx_wide;
__extension__ typedef unsigned __int128 fx_uwide;

#define FX_SCALE PAPER_FIXED_SCALE
/* Largest magnitude accepted from a double: 9e10 units keeps every sum we form in int64. */
#define FX_MAX_DOUBLE 9.0e10

/*
 * llround(x) for |x| < 2^63, inline: the fraction x - trunc(x) is exact in double, so this
 * rounds half away from zero exactly as llround does, without the libm call.
 */
static inline int64_t fx_round(double x)
{
	int64_t t = (int64_t)x;
	double f = x - (double)t;

	if (f >= 0.5)
		t++;
	else if (f <= -0.5)
		t--;
	return t;
}

/* *out is always written (0 when x is refused), so no caller reads an unset value. */
static inline bool fx_from_double(double x, int64_t *out)
{
	if (!isfinite(x) || fabs(x) > FX_MAX_DOUBLE) {
		*out = 0;
		return false;
	}
	*out = fx_round(x * (double)FX_SCALE);
	return true;
}

static inline double fx_to_double(int64_t v)
{
	return (double)v / (double)FX_SCALE;
}

/* round(a * b / c), half away from zero; c > 0. */
static inline int64_t fx_muldiv(int64_t a, int64_t b, int64_t c)
{
	fx_wide p = (fx_wide)a * b;
	fx_wide half = c / 2;
	return (int64_t)(p >= 0 ? (p + half) / c : -((-p + half) / c));
}

/*
 * round(p / FX_SCALE) for p >= 0. Typical products (a price times a quantity, both scaled by
 * 1e8) fit in 64 unsigned bits, where dividing by the constant compiles to a multiplication;
 * only larger ones pay for the 128-bit division call.
 */
static inline uint64_t fx_div_scale(fx_uwide p)
{
	const uint64_t d = (uint64_t)FX_SCALE;
	uint64_t q, r;

	if ((p >> 64) == 0) {
		uint64_t lo = (uint64_t)p;
		q = lo / d;
		r = lo % d;
	} else {
		fx_uwide qq = p / d;
		q = (uint64_t)qq;
		r = (uint64_t)(p - qq * d);
	}
	return q + (r >= d / 2);
}

/* Money value of qty at price: round(a * b / scale), half away from zero. */
static inline int64_t fx_mul(int64_t a, int64_t b)
{
	fx_wide p = (fx_wide)a * b;
	return p >= 0 ? (int64_t)fx_div_scale((fx_uwide)p)
		      : -(int64_t)fx_div_scale((fx_uwide)-p);
}

static inline int64_t fx_abs(int64_t v)
{
	return v < 0 ? -v : v;
}

#endif
