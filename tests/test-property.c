/*
 * Property test: random orders and prices, invariants checked after every step.
 *   cash == starting cash + realized - fees - long cost basis + short cost basis   (exactly)
 *   when flat: cash == starting cash + realized - fees, and the trades sum to realized
 *   a cash account never has negative cash or a short position
 *   a rejected or invalid call changes nothing
 * PAPER_PROPERTY_STEPS overrides the number of steps (default 300000).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static uint64_t rng_state;

static uint64_t next(void)
{
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static double uniform(void)
{
	return (double)(next() >> 11) / 9007199254740992.0;
}

static const char *const symbols[] = { "AAA", "BBB", "CCC", "DDD" };
#define NSYM 4

typedef struct sums {
	int64_t long_basis, short_basis;
	bool any_short;
} sums;

static sums position_sums(paper_broker *b)
{
	sums s = { 0, 0, false };
	size_t n = paper_broker_position_count(b);
	for (size_t i = 0; i < n; i++) {
		paper_position_info p = PAPER_POSITION_INFO_INIT;
		ck_ok(paper_broker_position_at(b, i, &p));
		tu_require(p.qty_e8 != 0, "position %zu is flat", i);
		if (p.qty_e8 > 0) {
			s.long_basis += p.cost_basis_e8;
		} else {
			s.short_basis += p.cost_basis_e8;
			s.any_short = true;
		}
	}
	return s;
}

static int64_t trades_pnl(paper_broker *b)
{
	int64_t sum = 0;
	size_t n = paper_broker_trade_count(b);
	for (size_t i = 0; i < n; i++) {
		paper_trade_info t = PAPER_TRADE_INFO_INIT;
		ck_ok(paper_broker_trade_at(b, i, &t));
		sum += t.pnl_gross_e8;
	}
	return sum;
}

static void check_invariants(paper_broker *b, bool cash_account, long step)
{
	paper_account_info a = tu_account(b);
	sums s = position_sums(b);
	int64_t expect = a.starting_cash_e8 + a.realized_pnl_e8 - a.fees_e8 - s.long_basis + s.short_basis;
	tu_require(a.cash_e8 == expect, "step %ld: cash %lld != %lld", step, (long long)a.cash_e8,
		   (long long)expect);
	if (a.open_positions == 0) {
		tu_require(a.cash_e8 == a.starting_cash_e8 + a.realized_pnl_e8 - a.fees_e8,
			   "step %ld: flat but cash does not reconcile", step);
		/* Summing every trade is O(trades): sample it. */
		if (step % 64 == 0)
			tu_require(trades_pnl(b) == a.realized_pnl_e8, "step %ld: trades sum to %lld, "
				   "realized %lld", step, (long long)trades_pnl(b),
				   (long long)a.realized_pnl_e8);
	}
	if (cash_account) {
		tu_require(a.cash_e8 >= 0, "step %ld: cash account negative", step);
		tu_require(!s.any_short, "step %ld: cash account short", step);
	}
}

static void random_order(paper_broker *b, const double *px, paper_ts ts)
{
	paper_order_request r = PAPER_ORDER_REQUEST_INIT;
	int k = (int)(next() % NSYM);
	r.symbol = symbols[k];
	r.side = next() % 2 ? PAPER_SIDE_BUY : PAPER_SIDE_SELL;
	r.type = (paper_order_type)(1 + next() % 4);
	r.tif = (paper_tif)(1 + next() % 4);
	/* Fractional quantities exercise the rounding of every split. */
	r.qty = next() % 3 ? (double)(1 + next() % 50) : 0.001 * (double)(1 + next() % 9999);
	paper_position_info p = PAPER_POSITION_INFO_INIT;
	if (next() % 3 == 0 && paper_broker_position(b, r.symbol, &p) == PAPER_OK) {
		/* Close exactly, so round trips complete in cash accounts too. */
		r.side = p.qty > 0 ? PAPER_SIDE_SELL : PAPER_SIDE_BUY;
		r.qty = fabs(p.qty);
	}
	r.limit_price = px[k] * (0.97 + 0.06 * uniform());
	r.stop_price = px[k] * (0.97 + 0.06 * uniform());
	r.ts = next() % 4 ? 0 : ts + (paper_ts)(next() % 3);
	r.confidence = next() % 2 ? -1 : uniform();
	r.oco_group = next() % 4 == 0 ? 1 + next() % 3 : 0;
	uint64_t id = 0;
	int rc = paper_broker_submit(b, &r, &id);
	tu_require(rc == PAPER_OK || rc == PAPER_EFUNDS || rc == PAPER_ELIMIT || rc == PAPER_ENODATA ||
			   rc == PAPER_EHALTED,
		   "unexpected %d: %s", rc, paper_last_error());
	if (rc == PAPER_OK && next() % 8 == 0)
		ck_ok(paper_broker_cancel(b, id));
	if (next() % 64 == 0) {
		rc = paper_broker_close_position(b, symbols[next() % NSYM], PAPER_EXIT_END_OF_DATA, NULL);
		tu_require(rc == PAPER_OK || rc == PAPER_ENOTFOUND || rc == PAPER_EFUNDS ||
				   rc == PAPER_ELIMIT || rc == PAPER_EHALTED,
			   "close_position: %d %s", rc, paper_last_error());
	}
}

static void bad_call(paper_broker *b)
{
	paper_account_info before = tu_account(b);
	size_t open = paper_broker_open_order_count(b);
	int rc;
	switch (next() % 4) {
	case 0:
		rc = tu_submit_rc(b, symbols[0], PAPER_SIDE_BUY, PAPER_ORDER_MARKET, -1, 0, 0, 0);
		break;
	case 1:
		rc = paper_broker_on_quote(b, symbols[1], 0, 0, 0, 1);
		break;
	case 2:
		rc = paper_broker_cancel(b, 1u << 30);
		break;
	default:
		rc = tu_submit_rc(b, symbols[2], PAPER_SIDE_SELL, PAPER_ORDER_LIMIT, 1, NAN, 0, 0);
		break;
	}
	tu_require(rc < 0, "bad call accepted");
	paper_account_info after = tu_account(b);
	tu_require(before.cash_e8 == after.cash_e8 && before.fills == after.fills &&
		   open == paper_broker_open_order_count(b), "bad call changed the account");
}

static void market_step(paper_broker *b, double *px, paper_ts ts)
{
	int k = (int)(next() % NSYM);
	double p = px[k] * exp(0.01 * (uniform() - 0.5));
	px[k] = p;
	if (next() % 2) {
		double spread = p * 0.0005 * uniform();
		ck_ok(paper_broker_on_quote(b, symbols[k], ts, p - spread, p + spread, p));
	} else {
		double o = p * (1 + 0.004 * (uniform() - 0.5));
		double c = p;
		double h = fmax(o, c) * (1 + 0.003 * uniform());
		double l = fmin(o, c) * (1 - 0.003 * uniform());
		ck_ok(paper_broker_on_bar(b, symbols[k], ts, o, h, l, c, 1000 + 10000 * uniform()));
	}
}

/* Returns a digest of the final state, for the determinism check. */
static uint64_t run(bool cash_account, long steps, uint64_t seed)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "costs.commission_pct", "0.1"));
	ck_ok(paper_config_set(cfg, "costs.commission_min", "0.35"));
	ck_ok(paper_config_set(cfg, "costs.slippage_pct", "0.05"));
	ck_ok(paper_config_set(cfg, "engine.volume_participation", "0.002"));
		ck_ok(paper_config_set_int(cfg, "costs.seed", (int64_t)seed));
	if (cash_account)
		ck_ok(paper_config_set(cfg, "account.type", "cash"));
	paper_broker *b = tu_broker(cfg);

	rng_state = seed * 2654435761u + 1;
	double px[NSYM] = { 100, 20, 3000, 0.5 };
	paper_ts ts = T0;
	for (int k = 0; k < NSYM; k++)
		ck_ok(paper_broker_on_quote(b, symbols[k], ts, 0, 0, px[k]));
	for (long step = 0; step < steps; step++) {
		ts += (paper_ts)(next() % (2 * HOUR_US));
		uint64_t what = next() % 16;
		if (what < 7)
			random_order(b, px, ts);
		else if (what < 15)
			market_step(b, px, ts);
		else
			bad_call(b);
		check_invariants(b, cash_account, step);
	}
	paper_account_info a = tu_account(b);
	ck_assert_uint_gt(a.fills, (uint64_t)steps / 20);
	ck_assert_uint_gt(a.closed_trades, (uint64_t)steps / 200);
	paper_broker_free(b);
	return (uint64_t)a.cash_e8 * 31 + (uint64_t)a.fees_e8 * 17 + a.fills;
}

static long steps(void)
{
	const char *s = getenv("PAPER_PROPERTY_STEPS");
	return s ? atol(s) : 300000;
}

START_TEST(margin_account_invariants)
{
	run(false, steps(), 11);
}
END_TEST

START_TEST(cash_account_invariants)
{
	run(true, steps() / 2, 12);
}
END_TEST

START_TEST(deterministic)
{
	long n = steps() / 10;
	ck_assert_uint_eq(run(false, n, 99), run(false, n, 99));
	ck_assert_uint_ne(run(false, n, 99), run(false, n, 98));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("property");
	TCase *tc = tcase_create("random");
	tcase_set_timeout(tc, 900);
	tcase_add_test(tc, margin_account_invariants);
	tcase_add_test(tc, cash_account_invariants);
	tcase_add_test(tc, deterministic);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
