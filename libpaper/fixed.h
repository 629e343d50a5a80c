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

#define FX_SCALE PAPER_FIXED_SCALE
/* Largest magnitude accepted from a double: 9e10 units keeps every sum we form in int64. */
#define FX_MAX_DOUBLE 9.0e10

static inline bool fx_from_double(double x, int64_t *out)
{
	if (!isfinite(x) || fabs(x) > FX_MAX_DOUBLE)
		return false;
	*out = llround(x * (double)FX_SCALE);
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

/* Money value of qty at price: round(qty * price / scale). */
static inline int64_t fx_mul(int64_t a, int64_t b)
{
	return fx_muldiv(a, b, FX_SCALE);
}

static inline int64_t fx_abs(int64_t v)
{
	return v < 0 ? -v : v;
}

#endif
