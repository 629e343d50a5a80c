/*
 * Private: the prices of many bars from double columns to fixed-point at once (the replay's
 * double columns, a block of rows at a time), with the rounding of fx_from_double() to the last
 * bit.
 */
#ifndef PAPER_PRIV_FXBLOCK_H
#define PAPER_PRIV_FXBLOCK_H

#include "base/fixed.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Largest price fx_block_bars() takes: x * FX_SCALE stays below 2^51. */
#define FX_BLOCK_MAX 2.2e7
/* Smallest low it takes: 1e-8 or more is at least one unit in fixed point. */
#define FX_BLOCK_MIN 1e-8

/* Is the bar ordinary: FX_BLOCK_MIN <= low <= open, close <= high < FX_BLOCK_MAX (not NaN)? */
static inline bool fx_block_bar_ok(double o, double h, double l, double c)
{
	return l >= FX_BLOCK_MIN && o >= l && c >= l && o <= h && c <= h && h < FX_BLOCK_MAX;
}

#if defined(__SSE2__) && FLT_EVAL_METHOD == 0
/*
 * fx_round(y) for two y in [0, 2^51), without a branch: adding 1.5 * 2^52, where doubles are
 * one apart, rounds y to an integer (to even on a tie), which the sum's low bits hold; a tie
 * rounded down is moved up, as half away from zero does for y >= 0.
 */
static inline __m128i fx_block_round2(__m128d y)
{
	const __m128d magic = _mm_set1_pd(0x1.8p52), half = _mm_set1_pd(0.5);
	__m128d t = _mm_add_pd(y, magic);
	__m128d tie = _mm_cmpeq_pd(_mm_sub_pd(y, _mm_sub_pd(t, magic)), half); /* all ones */
	__m128i q = _mm_sub_epi64(_mm_castpd_si128(t), _mm_castpd_si128(magic));
	return _mm_sub_epi64(q, _mm_castpd_si128(tie));
}

/* The two 64-bit lanes of q at p[0] and p[stride]. */
static inline void fx_block_store2(int64_t *p, size_t stride, __m128i q)
{
	_mm_storel_epi64((__m128i *)p, q);
	_mm_storel_epi64((__m128i *)(p + stride), _mm_unpackhi_epi64(q, q));
}
#endif

/*
 * The open, high, low and close of bars [0, n) from double columns into out[j * stride + 0..3],
 * each as fx_from_double() gives it, when every bar is ordinary (fx_block_bar_ok()): true. Then
 * the fixed-point bars are consistent too (rounding keeps the order: low >= 1, open and close
 * within [low, high], high within the price limit), so they need no check of their own.
 * false when one is not: out is then partly written, and the bars must be converted and checked
 * one by one. With SSE2 two bars at a time, without a branch per value; like fx_round() it
 * assumes the default rounding to nearest. tests/test-fixed.c checks it against
 * fx_from_double().
 */
static inline bool fx_block_bars(const double *o, const double *h, const double *l,
				 const double *c, size_t n, int64_t *out, size_t stride)
{
	size_t j = 0;
#if defined(__SSE2__) && FLT_EVAL_METHOD == 0
	const __m128d scale = _mm_set1_pd((double)FX_SCALE), lo = _mm_set1_pd(FX_BLOCK_MIN);
	const __m128d top = _mm_set1_pd(FX_BLOCK_MAX);
	__m128d ok = _mm_cmpeq_pd(scale, scale);
	for (; j + 2 <= n; j += 2) {
		__m128d vo = _mm_loadu_pd(o + j), vh = _mm_loadu_pd(h + j);
		__m128d vl = _mm_loadu_pd(l + j), vc = _mm_loadu_pd(c + j);
		ok = _mm_and_pd(ok, _mm_and_pd(_mm_cmpge_pd(vl, lo), _mm_cmplt_pd(vh, top)));
		ok = _mm_and_pd(ok, _mm_and_pd(_mm_cmpge_pd(vo, vl), _mm_cmpge_pd(vc, vl)));
		ok = _mm_and_pd(ok, _mm_and_pd(_mm_cmple_pd(vo, vh), _mm_cmple_pd(vc, vh)));
		int64_t *p = out + j * stride;
		fx_block_store2(p + 0, stride, fx_block_round2(_mm_mul_pd(vo, scale)));
		fx_block_store2(p + 1, stride, fx_block_round2(_mm_mul_pd(vh, scale)));
		fx_block_store2(p + 2, stride, fx_block_round2(_mm_mul_pd(vl, scale)));
		fx_block_store2(p + 3, stride, fx_block_round2(_mm_mul_pd(vc, scale)));
	}
	if (_mm_movemask_pd(ok) != 3)
		return false;
#endif
	for (; j < n; j++) {
		int64_t *p = out + j * stride;
		if (!fx_block_bar_ok(o[j], h[j], l[j], c[j]))
			return false;
		p[0] = fx_round(o[j] * (double)FX_SCALE);
		p[1] = fx_round(h[j] * (double)FX_SCALE);
		p[2] = fx_round(l[j] * (double)FX_SCALE);
		p[3] = fx_round(c[j] * (double)FX_SCALE);
	}
	return true;
}

#endif
