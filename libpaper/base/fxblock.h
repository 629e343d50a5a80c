/*
 * Private: many doubles to fixed-point at once (the replay's double columns, a block of rows at
 * a time), with the rounding of fx_from_double() to the last bit.
 */
#ifndef PAPER_PRIV_FXBLOCK_H
#define PAPER_PRIV_FXBLOCK_H

#include "base/fixed.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Largest value fx_block_from_double() takes: x * FX_SCALE stays below 2^51. */
#define FX_BLOCK_MAX 2.2e7

/*
 * out[j * stride] = fx_from_double(x[j]) for j < n, when every x[j] is in (0, FX_BLOCK_MAX):
 * prices of ordinary size. false when one is not (NaN too): out is then partly written.
 *
 * With SSE2 two at a time and without a branch: y = x * FX_SCALE is rounded to an integer by
 * adding 1.5 * 2^52, where doubles are one apart, the integer is read from the sum's low bits,
 * and a tie, rounded to the even integer below, is moved up: half away from zero, as
 * fx_round() does, for a positive y. Like fx_round() it assumes the default rounding to
 * nearest. tests/test-fixed.c checks it against fx_from_double().
 */
static inline bool fx_block_from_double(const double *x, size_t n, int64_t *out, size_t stride)
{
	size_t j = 0;
#if defined(__SSE2__) && FLT_EVAL_METHOD == 0
	const __m128d magic = _mm_set1_pd(0x1.8p52), zero = _mm_setzero_pd();
	const __m128d top = _mm_set1_pd(FX_BLOCK_MAX), scale = _mm_set1_pd((double)FX_SCALE);
	const __m128d half = _mm_set1_pd(0.5);
	__m128d in = _mm_cmpeq_pd(zero, zero);
	for (; j + 2 <= n; j += 2) {
		__m128d v = _mm_loadu_pd(x + j);
		in = _mm_and_pd(in, _mm_and_pd(_mm_cmpgt_pd(v, zero), _mm_cmplt_pd(v, top)));
		__m128d y = _mm_mul_pd(v, scale), t = _mm_add_pd(y, magic);
		__m128d tie = _mm_cmpeq_pd(_mm_sub_pd(y, _mm_sub_pd(t, magic)), half); /* all ones */
		__m128i q = _mm_sub_epi64(_mm_castpd_si128(t), _mm_castpd_si128(magic));
		q = _mm_sub_epi64(q, _mm_castpd_si128(tie));
		_mm_storel_epi64((__m128i *)(out + j * stride), q);
		_mm_storel_epi64((__m128i *)(out + (j + 1) * stride), _mm_unpackhi_epi64(q, q));
	}
	if (_mm_movemask_pd(in) != 3)
		return false;
#endif
	for (; j < n; j++) {
		if (!(x[j] > 0 && x[j] < FX_BLOCK_MAX))
			return false;
		out[j * stride] = fx_round(x[j] * (double)FX_SCALE);
	}
	return true;
}

#endif
