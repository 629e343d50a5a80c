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

static bool bars_scalar(const double *o, const double *h, const double *l, const double *c,
			size_t n, int64_t *out, size_t stride)
{
	for (size_t j = 0; j < n; j++) {
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
static bool bars_sse2(const double *o, const double *h, const double *l, const double *c,
		      size_t n, int64_t *out, size_t stride)
{
	const __m128d scale = _mm_set1_pd((double)FX_SCALE), lo = _mm_set1_pd(FX_BLOCK_MIN);
	const __m128d top = _mm_set1_pd(FX_BLOCK_MAX);
	__m128d ok = _mm_cmpeq_pd(scale, scale);
	size_t j = 0;
	for (; j + 2 <= n; j += 2) {
		__m128d vo = _mm_loadu_pd(o + j), vh = _mm_loadu_pd(h + j);
		__m128d vl = _mm_loadu_pd(l + j), vc = _mm_loadu_pd(c + j);
		ok = _mm_and_pd(ok, _mm_and_pd(_mm_cmpge_pd(vl, lo), _mm_cmplt_pd(vh, top)));
		ok = _mm_and_pd(ok, _mm_and_pd(_mm_cmpge_pd(vo, vl), _mm_cmpge_pd(vc, vl)));
		ok = _mm_and_pd(ok, _mm_and_pd(_mm_cmple_pd(vo, vh), _mm_cmple_pd(vc, vh)));
		__m128i qo = round2(_mm_mul_pd(vo, scale)), qh = round2(_mm_mul_pd(vh, scale));
		__m128i ql = round2(_mm_mul_pd(vl, scale)), qc = round2(_mm_mul_pd(vc, scale));
		/* Column pairs to row pairs: (o, h) and (l, c) of each bar side by side. */
		int64_t *p = out + j * stride;
		_mm_storeu_si128((__m128i *)p, _mm_unpacklo_epi64(qo, qh));
		_mm_storeu_si128((__m128i *)(p + 2), _mm_unpacklo_epi64(ql, qc));
		_mm_storeu_si128((__m128i *)(p + stride), _mm_unpackhi_epi64(qo, qh));
		_mm_storeu_si128((__m128i *)(p + stride + 2), _mm_unpackhi_epi64(ql, qc));
	}
	return _mm_movemask_pd(ok) == 3 && bars_scalar(o + j, h + j, l + j, c + j, n - j,
						      out + j * stride, stride);
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
__attribute__((target("avx2"))) static bool bars_avx2(const double *o, const double *h,
						      const double *l, const double *c, size_t n,
						      int64_t *out, size_t stride)
{
	const __m256d scale = _mm256_set1_pd((double)FX_SCALE), lo = _mm256_set1_pd(FX_BLOCK_MIN);
	const __m256d top = _mm256_set1_pd(FX_BLOCK_MAX);
	__m256d ok = _mm256_cmp_pd(scale, scale, _CMP_EQ_OQ);
	size_t j = 0;
	for (; j + 4 <= n; j += 4) {
		__m256d vo = _mm256_loadu_pd(o + j), vh = _mm256_loadu_pd(h + j);
		__m256d vl = _mm256_loadu_pd(l + j), vc = _mm256_loadu_pd(c + j);
		ok = _mm256_and_pd(ok, _mm256_and_pd(_mm256_cmp_pd(vl, lo, _CMP_GE_OQ),
						     _mm256_cmp_pd(vh, top, _CMP_LT_OQ)));
		ok = _mm256_and_pd(ok, _mm256_and_pd(_mm256_cmp_pd(vo, vl, _CMP_GE_OQ),
						     _mm256_cmp_pd(vc, vl, _CMP_GE_OQ)));
		ok = _mm256_and_pd(ok, _mm256_and_pd(_mm256_cmp_pd(vo, vh, _CMP_LE_OQ),
						     _mm256_cmp_pd(vc, vh, _CMP_LE_OQ)));
		__m256i qo = round4(_mm256_mul_pd(vo, scale)), qh = round4(_mm256_mul_pd(vh, scale));
		__m256i ql = round4(_mm256_mul_pd(vl, scale)), qc = round4(_mm256_mul_pd(vc, scale));
		/* A 4 x 4 transpose: each bar's open, high, low, close side by side. */
		__m256i a = _mm256_unpacklo_epi64(qo, qh), b = _mm256_unpackhi_epi64(qo, qh);
		__m256i d = _mm256_unpacklo_epi64(ql, qc), e = _mm256_unpackhi_epi64(ql, qc);
		int64_t *p = out + j * stride;
		_mm256_storeu_si256((__m256i *)p, _mm256_permute2x128_si256(a, d, 0x20));
		_mm256_storeu_si256((__m256i *)(p + stride), _mm256_permute2x128_si256(b, e, 0x20));
		_mm256_storeu_si256((__m256i *)(p + 2 * stride), _mm256_permute2x128_si256(a, d, 0x31));
		_mm256_storeu_si256((__m256i *)(p + 3 * stride), _mm256_permute2x128_si256(b, e, 0x31));
	}
	return _mm256_movemask_pd(ok) == 15 && bars_sse2(o + j, h + j, l + j, c + j, n - j,
							 out + j * stride, stride);
}
#endif

#ifdef FXB_X86
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

bool fx_block_bars_isa(fx_block_isa isa, const double *o, const double *h, const double *l,
		       const double *c, size_t n, int64_t *out, size_t stride)
{
#ifdef FXB_X86
	if (isa == FX_BLOCK_AVX2)
		return bars_avx2(o, h, l, c, n, out, stride);
	if (isa == FX_BLOCK_SSE2)
		return bars_sse2(o, h, l, c, n, out, stride);
#endif
	(void)isa;
	return bars_scalar(o, h, l, c, n, out, stride);
}

bool fx_block_bars(const double *o, const double *h, const double *l, const double *c, size_t n,
		   int64_t *out, size_t stride)
{
#ifdef FXB_X86
	if (have_avx2())
		return bars_avx2(o, h, l, c, n, out, stride);
	return bars_sse2(o, h, l, c, n, out, stride);
#else
	return bars_scalar(o, h, l, c, n, out, stride);
#endif
}
