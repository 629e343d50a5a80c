/* White-box: the fixed-point primitives against straightforward 128-bit arithmetic. */
#include <math.h>
#include <stdlib.h>

#include "base/fixed.h"
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
	tcase_add_test(tc, double_conversion_bounds);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
