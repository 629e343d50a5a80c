/*
 * Bars from double columns to fixed-point, exactly as fx_from_double() rounds, without a branch
 * per value: the replay's hot loop over in-memory double columns.
 *
 * The SIMD ways round y = x * FX_SCALE (0 <= y < 2^51 for an ordinary bar) by adding 1.5 * 2^52,
 * where doubles are one apart: the sum holds round-to-even(y) in its low bits. A tie (y minus
 * that integer is exactly 1/2, which went to the even integer below) is moved up: half away
 * from zero for y >= 0, as fx_round() does. tests/test-fixed.c checks every way against
 * fx_from_double().
 */
#include "base/fxblock.h"

#if defined(__x86_64__) && defined(__GNUC__) && FLT_EVAL_METHOD == 0
#include <immintrin.h>
#define FXB_X86 1
#endif

/* The columns from bar j on. */
static fx_bar_cols from(const fx_bar_cols *c, size_t j)
{
	return (fx_bar_cols){ c->open + j, c->high + j, c->low + j, c->close + j,
			      c->volume ? c->volume + j : NULL };
}

static bool bars_scalar(const fx_bar_cols *cols, size_t n, int64_t *out, size_t stride)
{
	const double *o = cols->open, *h = cols->high, *l = cols->low, *c = cols->close;
	for (size_t j = 0; j < n; j++) {
		int64_t *p = out + j * stride;
		double v = cols->volume ? cols->volume[j] : 0.0;
		if (!fx_block_bar_ok(o[j], h[j], l[j], c[j], v))
			return false;
		p[0] = fx_round(o[j] * (double)FX_SCALE);
		p[1] = fx_round(h[j] * (double)FX_SCALE);
		p[2] = fx_round(l[j] * (double)FX_SCALE);
		p[3] = fx_round(c[j] * (double)FX_SCALE);
		p[4] = fx_round(v * (double)FX_SCALE);
	}
	return true;
}

#ifdef FXB_X86
/* fx_round() of two y in [0, 2^51). */
static inline __m128i round2(__m128d y)
{
	const __m128d magic = _mm_set1_pd(0x1.8p52), half = _mm_set1_pd(0.5);
	__m128d t = _mm_add_pd(y, magic);
	__m128d tie = _mm_cmpeq_pd(_mm_sub_pd(y, _mm_sub_pd(t, magic)), half); /* all ones */
	__m128i q = _mm_sub_epi64(_mm_castpd_si128(t), _mm_castpd_si128(magic));
	return _mm_sub_epi64(q, _mm_castpd_si128(tie));
}

/* Two bars at a time. */
static bool bars_sse2(const fx_bar_cols *cols, size_t n, int64_t *out, size_t stride)
{
	const double *o = cols->open, *h = cols->high, *l = cols->low, *c = cols->close;
	const double *v = cols->volume;
	const __m128d scale = _mm_set1_pd((double)FX_SCALE), lo = _mm_set1_pd(FX_BLOCK_MIN);
	const __m128d top = _mm_set1_pd(FX_BLOCK_MAX), zero = _mm_setzero_pd();
	__m128d ok = _mm_cmpeq_pd(scale, scale);
	size_t j = 0;
	for (; j + 2 <= n; j += 2) {
		__m128d vo = _mm_loadu_pd(o + j), vh = _mm_loadu_pd(h + j);
		__m128d vl = _mm_loadu_pd(l + j), vc = _mm_loadu_pd(c + j);
		__m128d vv = v ? _mm_loadu_pd(v + j) : zero;
		ok = _mm_and_pd(ok, _mm_and_pd(_mm_cmpge_pd(vl, lo), _mm_cmplt_pd(vh, top)));
		ok = _mm_and_pd(ok, _mm_and_pd(_mm_cmpge_pd(vo, vl), _mm_cmpge_pd(vc, vl)));
		ok = _mm_and_pd(ok, _mm_and_pd(_mm_cmple_pd(vo, vh), _mm_cmple_pd(vc, vh)));
		ok = _mm_and_pd(ok, _mm_and_pd(_mm_cmpge_pd(vv, zero), _mm_cmplt_pd(vv, top)));
		__m128i qo = round2(_mm_mul_pd(vo, scale)), qh = round2(_mm_mul_pd(vh, scale));
		__m128i ql = round2(_mm_mul_pd(vl, scale)), qc = round2(_mm_mul_pd(vc, scale));
		__m128i qv = round2(_mm_mul_pd(vv, scale));
		/* Column pairs to row pairs: (o, h) and (l, c) of each bar side by side. */
		int64_t *p = out + j * stride;
		_mm_storeu_si128((__m128i *)p, _mm_unpacklo_epi64(qo, qh));
		_mm_storeu_si128((__m128i *)(p + 2), _mm_unpacklo_epi64(ql, qc));
		_mm_storel_epi64((__m128i *)(p + 4), qv);
		_mm_storeu_si128((__m128i *)(p + stride), _mm_unpackhi_epi64(qo, qh));
		_mm_storeu_si128((__m128i *)(p + stride + 2), _mm_unpackhi_epi64(ql, qc));
		_mm_storel_epi64((__m128i *)(p + stride + 4), _mm_unpackhi_epi64(qv, qv));
	}
	fx_bar_cols rest = from(cols, j);
	return _mm_movemask_pd(ok) == 3 && bars_scalar(&rest, n - j, out + j * stride, stride);
}

/* fx_round() of four y in [0, 2^51). */
__attribute__((target("avx2"))) static inline __m256i round4(__m256d y)
{
	const __m256d magic = _mm256_set1_pd(0x1.8p52), half = _mm256_set1_pd(0.5);
	__m256d t = _mm256_add_pd(y, magic);
	__m256d tie = _mm256_cmp_pd(_mm256_sub_pd(y, _mm256_sub_pd(t, magic)), half, _CMP_EQ_OQ);
	__m256i q = _mm256_sub_epi64(_mm256_castpd_si256(t), _mm256_castpd_si256(magic));
	return _mm256_sub_epi64(q, _mm256_castpd_si256(tie));
}

/* Four bars at a time. */
__attribute__((target("avx2"))) static bool bars_avx2(const fx_bar_cols *cols, size_t n,
						      int64_t *out, size_t stride)
{
	const double *o = cols->open, *h = cols->high, *l = cols->low, *c = cols->close;
	const double *v = cols->volume;
	const __m256d scale = _mm256_set1_pd((double)FX_SCALE), lo = _mm256_set1_pd(FX_BLOCK_MIN);
	const __m256d top = _mm256_set1_pd(FX_BLOCK_MAX), zero = _mm256_setzero_pd();
	__m256d ok = _mm256_cmp_pd(scale, scale, _CMP_EQ_OQ);
	size_t j = 0;
	for (; j + 4 <= n; j += 4) {
		__m256d vo = _mm256_loadu_pd(o + j), vh = _mm256_loadu_pd(h + j);
		__m256d vl = _mm256_loadu_pd(l + j), vc = _mm256_loadu_pd(c + j);
		__m256d vv = v ? _mm256_loadu_pd(v + j) : zero;
		ok = _mm256_and_pd(ok, _mm256_and_pd(_mm256_cmp_pd(vl, lo, _CMP_GE_OQ),
						     _mm256_cmp_pd(vh, top, _CMP_LT_OQ)));
		ok = _mm256_and_pd(ok, _mm256_and_pd(_mm256_cmp_pd(vo, vl, _CMP_GE_OQ),
						     _mm256_cmp_pd(vc, vl, _CMP_GE_OQ)));
		ok = _mm256_and_pd(ok, _mm256_and_pd(_mm256_cmp_pd(vo, vh, _CMP_LE_OQ),
						     _mm256_cmp_pd(vc, vh, _CMP_LE_OQ)));
		ok = _mm256_and_pd(ok, _mm256_and_pd(_mm256_cmp_pd(vv, zero, _CMP_GE_OQ),
						     _mm256_cmp_pd(vv, top, _CMP_LT_OQ)));
		__m256i qo = round4(_mm256_mul_pd(vo, scale)), qh = round4(_mm256_mul_pd(vh, scale));
		__m256i ql = round4(_mm256_mul_pd(vl, scale)), qc = round4(_mm256_mul_pd(vc, scale));
		__m256i qv = round4(_mm256_mul_pd(vv, scale));
		/* A 4 x 4 transpose: each bar's open, high, low, close side by side; then the
		 * volumes one by one. */
		__m256i a = _mm256_unpacklo_epi64(qo, qh), b = _mm256_unpackhi_epi64(qo, qh);
		__m256i d = _mm256_unpacklo_epi64(ql, qc), e = _mm256_unpackhi_epi64(ql, qc);
		__m128i v01 = _mm256_castsi256_si128(qv), v23 = _mm256_extracti128_si256(qv, 1);
		int64_t *p = out + j * stride;
		_mm256_storeu_si256((__m256i *)p, _mm256_permute2x128_si256(a, d, 0x20));
		_mm256_storeu_si256((__m256i *)(p + stride), _mm256_permute2x128_si256(b, e, 0x20));
		_mm256_storeu_si256((__m256i *)(p + 2 * stride), _mm256_permute2x128_si256(a, d, 0x31));
		_mm256_storeu_si256((__m256i *)(p + 3 * stride), _mm256_permute2x128_si256(b, e, 0x31));
		_mm_storel_epi64((__m128i *)(p + 4), v01);
		_mm_storel_epi64((__m128i *)(p + stride + 4), _mm_unpackhi_epi64(v01, v01));
		_mm_storel_epi64((__m128i *)(p + 2 * stride + 4), v23);
		_mm_storel_epi64((__m128i *)(p + 3 * stride + 4), _mm_unpackhi_epi64(v23, v23));
	}
	fx_bar_cols rest = from(cols, j);
	return _mm256_movemask_pd(ok) == 15 && bars_sse2(&rest, n - j, out + j * stride, stride);
}

/* Asked once: the library may be loaded before anything set the CPU model up. */
static bool have_avx2(void)
{
	static int known = -1;
	if (known < 0) {
		__builtin_cpu_init();
		known = __builtin_cpu_supports("avx2") != 0;
	}
	return known;
}
#endif

bool fx_block_isa_available(fx_block_isa isa)
{
#ifdef FXB_X86
	if (isa == FX_BLOCK_AVX2)
		return have_avx2();
	return isa == FX_BLOCK_SCALAR || isa == FX_BLOCK_SSE2;
#else
	return isa == FX_BLOCK_SCALAR;
#endif
}

bool fx_block_bars_isa(fx_block_isa isa, const fx_bar_cols *cols, size_t n, int64_t *out,
		       size_t stride)
{
#ifdef FXB_X86
	if (isa == FX_BLOCK_AVX2)
		return bars_avx2(cols, n, out, stride);
	if (isa == FX_BLOCK_SSE2)
		return bars_sse2(cols, n, out, stride);
#endif
	(void)isa;
	return bars_scalar(cols, n, out, stride);
}

bool fx_block_bars(const fx_bar_cols *cols, size_t n, int64_t *out, size_t stride)
{
#ifdef FXB_X86
	if (have_avx2())
		return bars_avx2(cols, n, out, stride);
	return bars_sse2(cols, n, out, stride);
#else
	return bars_scalar(cols, n, out, stride);
#endif
}
