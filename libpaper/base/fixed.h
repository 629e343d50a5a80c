/*
 * Private: integer fixed-point for money, prices and quantities.
 * One unit is 1e-8 (PAPER_FIXED_SCALE). Doubles are converted only at the API edges, always
 * with the same rounding (half away from zero), so results are bit-for-bit repeatable.
 */
#ifndef PAPER_PRIV_FIXED_H
#define PAPER_PRIV_FIXED_H

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include <paper/types.h>

__extension__ typedef __int128 fx_wide;
__extension__ typedef unsigned __int128 fx_uwide;

#define FX_SCALE PAPER_FIXED_SCALE
/* Largest magnitude accepted from a double (a price, a quantity, a setting): 9e10. */
#define FX_MAX_DOUBLE 9.0e10

/*
 * The documented limits (docs/semantics.md, "Limits"), in units of 1e-8: prices and quantities
 * up to 9e10; every amount of money (a notional, a fee, cash, equity, the long and the short
 * market value, a cost basis, realized P&L, total fees) up to 4.6e10 in magnitude, so that the
 * difference of any two amounts (a P&L, a day's change) still fits in int64.
 */
#define FX_PRICE_MAX PAPER_PRICE_MAX_E8
#define FX_QTY_MAX PAPER_QTY_MAX_E8
#define FX_MONEY_MAX PAPER_MONEY_MAX_E8

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

/*
 * fx_round(x) without a branch, for loops over many values: x plus the largest double below
 * one half, signed like x, truncated. A fraction of one half or more carries the sum to the
 * next integer (the shortfall, 2^-54, is at most a quarter of the last place of a sum >= 1,
 * and from below 1 the sum 1 - 2^-54 is a tie that goes to the even 1.0); a smaller fraction
 * is at least one last place of x below one half, which keeps the sum more than half a last
 * place below the next integer, so rounding does not carry it there. tests/test-fixed.c checks
 * it against fx_round() at the halves of every binade and their neighbours. A sum evaluated
 * wider (x87) would break the argument: fx_round() there.
 */
static inline int64_t fx_round_nb(double x)
{
#if FLT_EVAL_METHOD == 0
	return (int64_t)(x + copysign(0x1.fffffffffffffp-2, x));
#else
	return fx_round(x);
#endif
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

/*
 * Checked arithmetic: false when the exact result does not fit (nothing is written then).
 * __builtin_*_overflow compiles to the operation and a flag test, so these cost next to
 * nothing on the hot path.
 */
static inline bool fx_add_checked(int64_t a, int64_t b, int64_t *out)
{
	int64_t r;
	if (__builtin_add_overflow(a, b, &r))
		return false;
	*out = r;
	return true;
}

static inline bool fx_sub_checked(int64_t a, int64_t b, int64_t *out)
{
	int64_t r;
	if (__builtin_sub_overflow(a, b, &r))
		return false;
	*out = r;
	return true;
}

/*
 * fx_mul() when its result fits in [-INT64_MAX, INT64_MAX]. Magnitudes multiply as one 64x64->128 unsigned
 * product; only a product past 64 bits pays for the compare with the limit (no division is
 * added: fx_div_scale() is the one fx_mul() does).
 */
static inline bool fx_mul_checked(int64_t a, int64_t b, int64_t *out)
{
	/* round(m / scale) <= INT64_MAX exactly when m < INT64_MAX * scale + scale / 2. */
	const fx_uwide limit = (fx_uwide)INT64_MAX * (fx_uwide)FX_SCALE + (fx_uwide)(FX_SCALE / 2);
	uint64_t ua = a < 0 ? (uint64_t)0 - (uint64_t)a : (uint64_t)a;
	uint64_t ub = b < 0 ? (uint64_t)0 - (uint64_t)b : (uint64_t)b;
	fx_uwide m = (fx_uwide)ua * ub;
	if ((m >> 64) != 0 && m >= limit)
		return false;
	int64_t q = (int64_t)fx_div_scale(m);
	*out = (a < 0) != (b < 0) ? -q : q;
	return true;
}

/* Is v an amount of money within the limits? */
static inline bool fx_money_ok(int64_t v)
{
	return v >= -FX_MONEY_MAX && v <= FX_MONEY_MAX;
}

/* a + b as an amount of money within the limits. */
static inline bool fx_money_add(int64_t a, int64_t b, int64_t *out)
{
	int64_t r;
	if (!fx_add_checked(a, b, &r) || !fx_money_ok(r))
		return false;
	*out = r;
	return true;
}

/* fx_mul(a, b) as an amount of money within the limits (a notional, a market value). */
static inline bool fx_money_mul(int64_t a, int64_t b, int64_t *out)
{
	int64_t r;
	if (!fx_mul_checked(a, b, &r) || !fx_money_ok(r))
		return false;
	*out = r;
	return true;
}

/*
 * round(a * b * m / scale^2), half away from zero: a quantity times a price times a contract
 * multiplier (each in 1e-8 units), exact, when it fits in [-INT64_MAX, INT64_MAX]. With
 * m == scale it is fx_mul_checked() bit for bit (the same rational, rounded the same way).
 * |a * b| < 2^127 always; its product with m is checked in 128 bits before the division.
 */
static inline bool fx_mul3_checked(int64_t a, int64_t b, int64_t m, int64_t *out)
{
	if (m == FX_SCALE)
		return fx_mul_checked(a, b, out);
	const fx_uwide scale2 = (fx_uwide)FX_SCALE * (fx_uwide)FX_SCALE;
	uint64_t ua = a < 0 ? (uint64_t)0 - (uint64_t)a : (uint64_t)a;
	uint64_t ub = b < 0 ? (uint64_t)0 - (uint64_t)b : (uint64_t)b;
	uint64_t um = m < 0 ? (uint64_t)0 - (uint64_t)m : (uint64_t)m;
	fx_uwide p = (fx_uwide)ua * ub, q;
	if (__builtin_mul_overflow(p, (fx_uwide)um, &q))
		return false;
	fx_uwide r = q / scale2 + (q % scale2 >= scale2 / 2);
	if (r > (fx_uwide)INT64_MAX)
		return false;
	bool neg = ((a < 0) != (b < 0)) != (m < 0);
	*out = neg ? -(int64_t)r : (int64_t)r;
	return true;
}

/* fx_mul3_checked() as an amount of money within the limits (a notional with a multiplier). */
static inline bool fx_money_mul3(int64_t a, int64_t b, int64_t m, int64_t *out)
{
	int64_t r;
	if (!fx_mul3_checked(a, b, m, &r) || !fx_money_ok(r))
		return false;
	*out = r;
	return true;
}

/* fx_mul3_checked() saturated at +-INT64_MAX, as fx_mul_sat(). */
static inline int64_t fx_mul3_sat(int64_t a, int64_t b, int64_t m)
{
	int64_t r;
	if (fx_mul3_checked(a, b, m, &r))
		return r;
	return ((a < 0) != (b < 0)) != (m < 0) ? -INT64_MAX : INT64_MAX;
}

/* fx_mul() saturated at +-INT64_MAX: an amount past every limit, refused where it is checked. */
static inline int64_t fx_mul_sat(int64_t a, int64_t b)
{
	int64_t r;
	if (fx_mul_checked(a, b, &r))
		return r;
	return ((a < 0) != (b < 0)) ? -INT64_MAX : INT64_MAX;
}

#endif
