/*
 * Private: the prices of many bars from double columns to fixed-point at once (the replay's
 * double columns, a block of rows at a time), with the rounding of fx_from_double() to the last
 * bit.
 */
#ifndef PAPER_PRIV_FXBLOCK_H
#define PAPER_PRIV_FXBLOCK_H

#include "base/fixed.h"

/* Largest price fx_block_bars() takes: x * FX_SCALE stays below 2^51. */
#define FX_BLOCK_MAX 2.2e7
/* Smallest low it takes: 1e-8 or more is at least one unit in fixed point. */
#define FX_BLOCK_MIN 1e-8

/*
 * Is the bar ordinary: FX_BLOCK_MIN <= low <= open, close <= high < FX_BLOCK_MAX and
 * 0 <= volume < FX_BLOCK_MAX (none NaN)?
 */
static inline bool fx_block_bar_ok(double o, double h, double l, double c, double v)
{
	return l >= FX_BLOCK_MIN && o >= l && c >= l && o <= h && c <= h && h < FX_BLOCK_MAX &&
	       v >= 0.0 && v < FX_BLOCK_MAX;
}

/* The columns of n bars; volume may be NULL (all 0). */
typedef struct fx_bar_cols {
	const double *open, *high, *low, *close, *volume;
} fx_bar_cols;

/*
 * The open, high, low, close and volume of bars [0, n) from double columns into
 * out[j * stride + 0..4] (stride >= 5), each as fx_from_double() gives it, when every bar is
 * ordinary (fx_block_bar_ok()): true. Then the fixed-point bars are consistent too (rounding
 * keeps the order: low >= 1, open and close within [low, high], high within the price limit,
 * 0 <= volume within the quantity limit), so they need no check of their own. false when one
 * is not: out is then partly written, and the bars must be converted and checked one by one.
 * Like fx_round() it assumes the default rounding to nearest.
 */
bool fx_block_bars(const fx_bar_cols *cols, size_t n, int64_t *out, size_t stride);

/* The ways fx_block_bars() can work; the best the CPU has is used. For the tests. */
typedef enum fx_block_isa { FX_BLOCK_SCALAR, FX_BLOCK_SSE2, FX_BLOCK_AVX2, FX_BLOCK_ISA_N } fx_block_isa;

bool fx_block_isa_available(fx_block_isa isa);

/* fx_block_bars() the way isa does it (available). */
bool fx_block_bars_isa(fx_block_isa isa, const fx_bar_cols *cols, size_t n, int64_t *out,
		       size_t stride);

#endif
