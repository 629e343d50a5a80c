/* White-box: the fixed-point primitives against straightforward 128-bit arithmetic. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/fixed.h"
#include "base/fxblock.h"
#include "testutil.h"

static uint64_t state = 88172645463325252u;

static uint64_t next(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

START_TEST(mul_matches_wide_division)
{
	const int64_t edges[] = { 0, 1, -1, 49999999, 50000000, -50000000, 99999999, 100000000,
				  INT64_C(9000000000000000000), -INT64_C(9000000000000000000) };
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
		for (size_t j = 0; j < sizeof edges / sizeof edges[0]; j++) {
			fx_wide p = (fx_wide)edges[i] * edges[j];
			fx_wide q = p / FX_SCALE;
			if (q > INT64_MAX || q < -INT64_MAX)
				continue;
			tu_require(fx_mul(edges[i], edges[j]) == fx_muldiv(edges[i], edges[j], FX_SCALE),
				   "edge %zu x %zu", i, j);
		}
	for (int i = 0; i < 2000000; i++) {
		int64_t a = (int64_t)(next() >> (1 + next() % 40)) * (next() % 2 ? 1 : -1);
		int64_t b = (int64_t)(next() >> (24 + next() % 30));
		fx_wide q = (fx_wide)a * b / FX_SCALE;
		if (q > INT64_MAX / 2 || q < -INT64_MAX / 2)
			continue;
		tu_require(fx_mul(a, b) == fx_muldiv(a, b, FX_SCALE), "%lld x %lld", (long long)a,
			   (long long)b);
	}
}
END_TEST

/* round(a * b / scale) half away from zero, exactly, in 128 bits (|a * b| < 2^126). */
static fx_wide exact_mul(int64_t a, int64_t b)
{
	fx_wide p = (fx_wide)a * b;
	fx_wide m = p < 0 ? -p : p;
	fx_wide q = (m + FX_SCALE / 2) / FX_SCALE;
	return p < 0 ? -q : q;
}

static void check_mul(int64_t a, int64_t b)
{
	fx_wide want = exact_mul(a, b);
	int64_t got = 12345;
	bool ok = fx_mul_checked(a, b, &got);
	/* The range is symmetric: INT64_MIN itself counts as past it. */
	bool fits = want >= -INT64_MAX && want <= INT64_MAX;
	tu_require(ok == fits, "%lld x %lld: checked says %d, fits %d", (long long)a, (long long)b,
		   ok, fits);
	tu_require(ok ? got == (int64_t)want : got == 12345, "%lld x %lld: %lld", (long long)a,
		   (long long)b, (long long)got);
	int64_t sat = fx_mul_sat(a, b);
	tu_require(ok ? sat == got : (sat == INT64_MAX || sat == -INT64_MAX), "sat %lld",
		   (long long)sat);
	int64_t money;
	bool in = fx_money_mul(a, b, &money);
	tu_require(in == (fits && want >= -FX_MONEY_MAX && want <= FX_MONEY_MAX), "money %lld x %lld",
		   (long long)a, (long long)b);
}

START_TEST(checked_arithmetic_refuses_exactly_what_does_not_fit)
{
	const int64_t edges[] = { 0, 1, -1, 2, 50000000, 99999999, 100000000, -100000000,
				  FX_MONEY_MAX, -FX_MONEY_MAX, FX_MONEY_MAX + 1, FX_PRICE_MAX,
				  INT64_C(9223372036), INT64_C(9223372037), INT64_C(92233720368547758),
				  INT64_MAX, -INT64_MAX, INT64_MIN, INT64_MAX / 2, INT64_MIN / 3 };
	size_t n = sizeof edges / sizeof edges[0];
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			check_mul(edges[i], edges[j]);
	/* Around the int64 boundary of the result: round(m / 1e8) just below and above it. */
	for (int64_t d = -3; d <= 3; d++) {
		check_mul(INT64_MAX, FX_SCALE + d);
		check_mul(INT64_MAX / 2, 2 * FX_SCALE + d);
		check_mul(-INT64_MAX, FX_SCALE + d);
	}
	for (int i = 0; i < 1000000; i++) {
		int64_t a = (int64_t)(next() >> (next() % 63)) * (next() % 2 ? 1 : -1);
		int64_t b = (int64_t)(next() >> (next() % 63)) * (next() % 2 ? 1 : -1);
		check_mul(a, b);
		int64_t r = 7;
		fx_wide sum = (fx_wide)a + b;
		bool ok = fx_add_checked(a, b, &r);
		tu_require(ok == (sum >= INT64_MIN && sum <= INT64_MAX) && (!ok || r == (int64_t)sum) &&
			   (ok || r == 7), "add %lld + %lld", (long long)a, (long long)b);
		fx_wide diff = (fx_wide)a - b;
		r = 7;
		ok = fx_sub_checked(a, b, &r);
		tu_require(ok == (diff >= INT64_MIN && diff <= INT64_MAX) && (!ok || r == (int64_t)diff),
			   "sub %lld - %lld", (long long)a, (long long)b);
	}
	int64_t v;
	ck_assert(fx_money_add(FX_MONEY_MAX - 1, 1, &v) && v == FX_MONEY_MAX);
	ck_assert(!fx_money_add(FX_MONEY_MAX, 1, &v));
	ck_assert(!fx_money_add(-FX_MONEY_MAX, -1, &v));
}
END_TEST

START_TEST(round_matches_llround)
{
	const double edges[] = { 0.5, -0.5, 1.5, -1.5, 2.5, 0.49999999999999994, -0.49999999999999994,
				 4503599627370495.5, 9007199254740993.0, 1e18, -1e18, 123.456e8 };
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
		tu_require(fx_round(edges[i]) == llround(edges[i]), "edge %.17g", edges[i]);
	for (int i = 0; i < 2000000; i++) {
		double x = ((double)(int64_t)next() / 9.2e18) * pow(10.0, (double)(next() % 19));
		tu_require(fx_round(x) == llround(x), "%.17g", x);
	}
}
END_TEST

/* fx_round_nb() equals fx_round() at every place a rounding can go wrong: the halves of every
 * binade, their neighbours, and random values of every magnitude up to 2^63. */
static void same_rounding(double x)
{
	tu_require(fx_round_nb(x) == fx_round(x) && fx_round_nb(-x) == fx_round(-x),
		   "%a: %lld, fx_round %lld", x, (long long)fx_round_nb(x), (long long)fx_round(x));
}

START_TEST(branchless_round_matches_fx_round)
{
	const double edges[] = { 0.0, 0.5, 1.5, 2.5, 0.49999999999999994, 0x1p-1074, 0x1.8p51,
				 0x1p52 - 0.5, 0x1p52, 0x1p52 + 1, 0x1p53 - 1, 0x1p53, 9e18, 0x1p63 - 2048 };
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
		same_rounding(edges[i]);
		same_rounding(nextafter(edges[i], 0.0));
		same_rounding(nextafter(edges[i], INFINITY));
	}
	for (int e = 0; e < 63; e++) {
		for (int i = 0; i < 20000; i++) {
			/* k + 1/2 in binade e (when representable), its neighbours and x itself. */
			double k = ldexp((double)(next() >> 11), e - 53), half = floor(k) + 0.5;
			same_rounding(k);
			same_rounding(half);
			same_rounding(nextafter(half, 0.0));
			same_rounding(nextafter(half, INFINITY));
		}
	}
	for (int i = 0; i < 2000000; i++) {
		/* Any bit pattern of a finite double below 2^63 in magnitude. */
		uint64_t bits = next() % (UINT64_C(0x43e) << 52);
		double x;
		memcpy(&x, &bits, sizeof x);
		same_rounding(x);
	}
}
END_TEST

/* The bar block conversion says whether every bar is ordinary, and then equals
 * fx_from_double() for each value; so does every way the CPU has. */
static void same_bars(const double *o, const double *h, const double *l, const double *c,
		      const double *v, size_t n)
{
	int64_t out[5 * 16];
	bool all = true;
	for (size_t j = 0; j < n; j++)
		all &= l[j] >= 1e-8 && o[j] >= l[j] && c[j] >= l[j] && o[j] <= h[j] && c[j] <= h[j] &&
		       h[j] < FX_BLOCK_MAX && (!v || (v[j] >= 0.0 && v[j] < FX_BLOCK_MAX));
	fx_bar_cols cols = { o, h, l, c, v };
	bool ok = fx_block_bars(&cols, n, out, 5);
	tu_require(ok == all, "bars %a %a %a %a ...: %d", o[0], h[0], l[0], c[0], ok);
	const double *col[5] = { o, h, l, c, v };
	for (size_t j = 0; ok && j < n; j++)
		for (int k = 0; k < 5; k++) {
			int64_t e = 0;
			if (col[k])
				fx_from_double(col[k][j], &e);
			tu_require(out[5 * j + (size_t)k] == e, "bar %zu value %d: %lld, fx_from_double "
				   "%lld", j, k, (long long)out[5 * j + (size_t)k], (long long)e);
		}
	for (size_t j = 0; ok && j < n; j++) /* consistent in fixed point too */
		tu_require(out[5 * j + 2] >= 1 && out[5 * j + 2] <= out[5 * j] &&
			   out[5 * j] <= out[5 * j + 1] && out[5 * j + 2] <= out[5 * j + 3] &&
			   out[5 * j + 3] <= out[5 * j + 1], "bar %zu inconsistent", j);
	for (int isa = 0; isa < FX_BLOCK_ISA_N; isa++) {
		int64_t other[5 * 16];
		if (!fx_block_isa_available((fx_block_isa)isa))
			continue;
		bool same = fx_block_bars_isa((fx_block_isa)isa, &cols, n, other, 5) == ok;
		tu_require(same && (!ok || memcmp(out, other, n * 5 * sizeof *out) == 0),
			   "way %d differs on bars %a %a %a %a ...", isa, o[0], h[0], l[0], c[0]);
	}
}

/* A value whose product with the scale is the tie k + 1/2, or one next to it. */
static double near_tie(void)
{
	double y = (double)(next() % 2200000000000000u) + 0.5, x = y / 1e8;
	for (int k = 0; k < 3 && x * 1e8 != y; k++)
		x = nextafter(x, k == 0 ? 0.0 : INFINITY);
	return x;
}

/* Sorted a <= b <= c <= d. */
static void sort4(double *v)
{
	for (int i = 1; i < 4; i++)
		for (int k = i; k > 0 && v[k] < v[k - 1]; k--) {
			double t = v[k];
			v[k] = v[k - 1];
			v[k - 1] = t;
		}
}

START_TEST(bar_block_conversion_matches_fx_from_double)
{
	const double edges[] = { 1e-8, 5e-9, 1.5e-8, 0.1, 100.07, 123.456789125, 0x1p-1074, 1.0,
				 FX_BLOCK_MAX, 0x1p51 / 1e8, 0.0, -0.0, -1.0, NAN, INFINITY, 9e10 };
	const size_t ne = sizeof edges / sizeof edges[0];
	for (size_t i = 0; i < ne; i++)
		for (size_t j = 0; j < ne; j++) {
			/* Every edge as each value of a bar, next to an ordinary bar. */
			double x = edges[i], y = nextafter(edges[j], INFINITY);
			double o[5] = { x, 1.0, y, 1.0, 1.0 }, h[5] = { x, 2.0, y, 2.0, 2.0 };
			double l[5] = { x, 0.5, y, 0.5, 0.5 }, c[5] = { x, 1.5, y, 1.5, 1.5 };
			double v[5] = { 5.0, 7.0, 1.0, x, y };
			for (size_t n = 2; n <= 5; n++) { /* tails after 2 or 4 at a time */
				same_bars(o, h, l, c, v, n);
				same_bars(o, h, l, c, NULL, n);
				same_bars(o + 3, h + 3, l + 3, c + 3, v + 3, n - 3 + (n < 3 ? 3 : 0));
			}
			double lo[2] = { x, 1.0 }, hi[2] = { y, 1.0 };
			same_bars(lo, hi, lo, hi, NULL, 2);
			same_bars(hi, hi, lo, lo, NULL, 2);
		}
	int ties = 0;
	for (int i = 0; i < 200000; i++) {
		double o[16], h[16], l[16], c[16], v[16];
		for (size_t j = 0; j < 16; j++) {
			double p[4] = { near_tie(), near_tie(), near_tie(), near_tie() };
			if (next() % 4 == 0) /* often within one unit of each other */
				p[1] = nextafter(p[0], INFINITY), p[2] = p[0], p[3] = nextafter(p[0], 0.0);
			sort4(p);
			l[j] = p[0], o[j] = p[1 + next() % 2], c[j] = p[1 + next() % 2], h[j] = p[3];
			v[j] = next() % 8 ? near_tie() : 0.0;
			ties += p[0] * 1e8 == floor(p[0] * 1e8) + 0.5;
		}
		if (next() % 8 == 0) { /* one bar broken: a value outside its range */
			size_t j = next() % 16;
			int k = (int)(next() % 3);
			double *p = k == 0 ? &o[j] : k == 1 ? &c[j] : &v[j];
			*p = k == 2 ? (next() % 2 ? -0x1p-1074 : FX_BLOCK_MAX)
			     : next() % 2 ? nextafter(l[j], 0.0) : nextafter(h[j], INFINITY);
		}
		same_bars(o, h, l, c, next() % 4 ? v : NULL, 16 - (size_t)(next() % 4));
	}
	ck_assert_int_gt(ties, 100000);
	ck_assert(fx_block_isa_available(FX_BLOCK_SCALAR));
}
END_TEST

START_TEST(double_conversion_bounds)
{
	int64_t v = 0;
	ck_assert(fx_from_double(100.07, &v));
	ck_assert_int_eq(v, INT64_C(10007000000));
	ck_assert(!fx_from_double(NAN, &v));
	ck_assert(!fx_from_double(INFINITY, &v));
	ck_assert(!fx_from_double(1e11, &v));
	ck_assert(fx_from_double(-9e10, &v));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fixed");
	TCase *tc = tcase_create("fixed");
	tcase_add_test(tc, mul_matches_wide_division);
	tcase_add_test(tc, checked_arithmetic_refuses_exactly_what_does_not_fit);
	tcase_add_test(tc, round_matches_llround);
	tcase_add_test(tc, branchless_round_matches_fx_round);
	tcase_add_test(tc, bar_block_conversion_matches_fx_from_double);
	tcase_add_test(tc, double_conversion_bounds);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
