/*
 * Money at the edges of int64 fixed point (docs/semantics.md, "Limits"): prices and quantities
 * up to 9e10, every amount of money up to 4.6e10. At exactly the limit a call works; just
 * past it the call fails with a clear code and the broker is byte for byte what it was (a
 * dump of the account, positions, orders, fills, trades and equity curve), or, for a resting
 * order that cannot fill within the limits, the order is rejected (out_of_range) and the
 * money is untouched. Before the checks these sums wrapped silently.
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "testutil.h"

#define E8 PAPER_FIXED_SCALE
#define M_E8 PAPER_MONEY_MAX_E8
#define DAY_US (INT64_C(24) * HOUR_US)

/* ---- the state, as text ---- */

static void dump_account(GString *g, paper_broker *b)
{
	paper_account_info a = tu_account(b);
	g_string_append_printf(g, "account ts=%lld cash=%.17g eq=%.17g lv=%.17g sv=%.17g "
			       "real=%.17g unreal=%.17g fees=%.17g bp=%.17g dse=%.17g "
			       "oo=%llu op=%llu f=%llu t=%llu rej=%llu halt=%d e8=%lld/%lld/%lld/%lld\n",
			       (long long)a.ts, a.cash, a.equity, a.long_value, a.short_value,
			       a.realized_pnl, a.unrealized_pnl, a.fees, a.buying_power,
			       a.day_start_equity, (unsigned long long)a.open_orders,
			       (unsigned long long)a.open_positions, (unsigned long long)a.fills,
			       (unsigned long long)a.closed_trades, (unsigned long long)a.rejections,
			       a.halted, (long long)a.starting_cash_e8, (long long)a.cash_e8,
			       (long long)a.realized_pnl_e8, (long long)a.fees_e8);
}

/* The money: account, positions, fills, trades. */
static char *dump_money(paper_broker *b)
{
	GString *g = g_string_new(NULL);
	paper_account_info a = tu_account(b);
	g_string_append_printf(g, "cash=%lld real=%lld fees=%lld eq=%.17g lv=%.17g sv=%.17g "
			       "fills=%llu trades=%llu\n", (long long)a.cash_e8,
			       (long long)a.realized_pnl_e8, (long long)a.fees_e8, a.equity,
			       a.long_value, a.short_value, (unsigned long long)a.fills,
			       (unsigned long long)a.closed_trades);
	for (size_t i = 0; i < paper_broker_position_count(b); i++) {
		paper_position_info p = PAPER_POSITION_INFO_INIT;
		ck_ok(paper_broker_position_at(b, i, &p));
		g_string_append_printf(g, "pos %s %lld %lld %.17g %.17g\n", p.symbol,
				       (long long)p.qty_e8, (long long)p.cost_basis_e8, p.realized_pnl,
				       p.market_value);
	}
	for (size_t i = 0; i < paper_broker_fill_count(b); i++) {
		paper_fill_info f = PAPER_FILL_INFO_INIT;
		ck_ok(paper_broker_fill_at(b, i, &f));
		g_string_append_printf(g, "fill %llu %s %d %lld %lld %lld %lld\n",
				       (unsigned long long)f.seq, f.symbol, f.side, (long long)f.ts,
				       (long long)f.qty_e8, (long long)f.price_e8, (long long)f.fee_e8);
	}
	for (size_t i = 0; i < paper_broker_trade_count(b); i++) {
		paper_trade_info t = PAPER_TRADE_INFO_INIT;
		ck_ok(paper_broker_trade_at(b, i, &t));
		g_string_append_printf(g, "trade %llu %s %lld %lld\n", (unsigned long long)t.id,
				       t.symbol, (long long)t.pnl_gross_e8, (long long)t.fees_e8);
	}
	return g_string_free(g, FALSE);
}

/* Everything a caller can read: the money, the account as a whole, orders, the curve. */
static char *dump_all(paper_broker *b)
{
	GString *g = g_string_new(NULL);
	char *money = dump_money(b);
	g_string_append(g, money);
	g_free(money);
	dump_account(g, b);
	for (size_t i = 0; i < paper_broker_open_order_count(b); i++) {
		paper_order_info o = PAPER_ORDER_INFO_INIT;
		ck_ok(paper_broker_open_order_at(b, i, &o));
		g_string_append_printf(g, "order %llu %s %d %.17g %.17g %d %lld\n",
				       (unsigned long long)o.id, o.symbol, o.status, o.qty, o.filled_qty,
				       o.reason, (long long)o.updated_ts);
	}
	for (size_t i = 0; i < paper_broker_equity_count(b); i++) {
		paper_equity_info e = PAPER_EQUITY_INFO_INIT;
		ck_ok(paper_broker_equity_at(b, i, &e));
		g_string_append_printf(g, "eq %lld %lld %lld\n", (long long)e.ts,
				       (long long)e.equity_e8, (long long)e.cash_e8);
	}
	return g_string_free(g, FALSE);
}

/* rc is want, its message names what, and the broker is exactly as before. */
#define expect_unchanged(b, call, want, what)                                              \
	do {                                                                               \
		char *before_ = dump_all(b);                                               \
		int rc_ = (call);                                                          \
		tu_require(rc_ == (want), "%s: got %d (%s), want %d", #call, rc_,          \
			   paper_last_error(), (want));                                    \
		tu_require(strstr(paper_last_error(), (what)) != NULL,                     \
			   "message '%s' lacks '%s'", paper_last_error(), (what));         \
		char *after_ = dump_all(b);                                                \
		tu_require(strcmp(before_, after_) == 0, "%s changed the broker:\n%s\nvs\n%s", \
			   #call, before_, after_);                                        \
		g_free(before_);                                                           \
		g_free(after_);                                                            \
	} while (0)

/* A margin account that lets orders reach the limits: 1e10 of cash, 1% initial margin. */
static paper_broker *big_broker(void)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "account.starting_cash", "10000000000"));
	ck_ok(paper_config_set(cfg, "account.initial_margin", "0.01"));
	ck_ok(paper_config_set(cfg, "limits.max_order_qty", "1000000000"));
	return tu_broker(cfg);
}

static void flat_bar(paper_broker *b, const char *sym, paper_ts ts, double p)
{
	ck_ok(paper_broker_on_bar(b, sym, ts, p, p, p, p, 1e6));
}

static paper_position_info position(paper_broker *b, const char *sym)
{
	paper_position_info p = PAPER_POSITION_INFO_INIT;
	ck_ok(paper_broker_position(b, sym, &p));
	return p;
}

/* ---- prices and quantities ---- */

START_TEST(prices_and_quantities_at_the_limit)
{
	paper_broker *b = big_broker();
	double max = 9e10, past = nextafter(9e10, INFINITY);
	ck_ok(paper_broker_on_bar(b, "HI", T0, max, max, max, max, max));
	ck_ok(paper_broker_on_quote(b, "Q", T0, max, max, max));
	expect_unchanged(b, paper_broker_on_bar(b, "HI", T0 + MIN_US, max, past, max, max, 1),
			 PAPER_EPRICE, "high");
	expect_unchanged(b, paper_broker_on_bar(b, "HI", T0 + MIN_US, 1, 1, 1, 1, past),
			 PAPER_EQTY, "volume");
	expect_unchanged(b, paper_broker_on_quote(b, "Q", T0 + MIN_US, 1, past, 1), PAPER_EPRICE,
			 "quote prices");
	expect_unchanged(b, paper_broker_mark(b, "Q", T0 + MIN_US, past), PAPER_EPRICE, "price");
	/* A quantity of exactly 9e10 is a quantity (refused by the configured limit, recorded);
	 * one past it is not (nothing recorded). */
	ck_assert_int_eq(tu_submit_rc(b, "Q", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, max, 0, 0, 0),
			 PAPER_ELIMIT);
	expect_unchanged(b, tu_submit_rc(b, "Q", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, past, 0, 0, 0),
			 PAPER_EQTY, "qty");
	expect_unchanged(b, tu_submit_rc(b, "Q", PAPER_SIDE_BUY, PAPER_ORDER_LIMIT, 1, past, 0, 0),
			 PAPER_EPRICE, "limit_price");
	paper_broker_free(b);
}
END_TEST

/* ---- notional at a fill ---- */

START_TEST(notional_at_exactly_the_limit_fills_past_it_is_rejected)
{
	paper_broker *b = big_broker();
	/* 10 units ordered at 1e9 (notional 1e10, within limits.max_order_notional); the next bar
	 * opens at 4.6e9: a notional of exactly 4.6e10. */
	flat_bar(b, "A", T0, 1e9);
	flat_bar(b, "B", T0, 1e9);
	tu_submit(b, "A", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 10, 0, 0, 0);
	flat_bar(b, "A", T0 + MIN_US, 4.6e9);
	paper_position_info p = position(b, "A");
	ck_assert_int_eq(p.cost_basis_e8, M_E8);
	ck_assert_int_eq(tu_account(b).cash_e8, INT64_C(10000000000) * E8 - M_E8);
	ck_ok(paper_broker_close_position(b, "A", PAPER_EXIT_MANUAL, NULL));

	/* The next price a double holds above 4.6e9 (about 1e-6 more): 1e-5 past the limit. The
	 * order is rejected at the fill; the money is as it was. */
	uint64_t id = tu_submit(b, "B", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 10, 0, 0, 0);
	char *before = dump_money(b);
	flat_bar(b, "B", T0 + 2 * MIN_US, nextafter(4.6e9, INFINITY));
	char *after = dump_money(b);
	ck_assert_str_eq(before, after);
	paper_order_info o = tu_order(b, id);
	ck_assert_int_eq(o.status, PAPER_STATUS_REJECTED);
	ck_assert_int_eq(o.reason, PAPER_REJECT_OUT_OF_RANGE);
	ck_assert_str_eq(paper_reject_reason_str(PAPER_REJECT_OUT_OF_RANGE), "out_of_range");
	g_free(before);
	g_free(after);
	paper_broker_free(b);
}
END_TEST

/* ---- market value and equity at a mark ---- */

START_TEST(market_value_past_the_limit_refuses_the_data)
{
	paper_broker *b = big_broker();
	flat_bar(b, "L", T0, 1e9);
	tu_submit(b, "L", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 10, 0, 0, 0);
	flat_bar(b, "L", T0 + MIN_US, 1e9);
	/* Cash 0 and 10 units: a close of 4.6e9 makes value and equity exactly the limit. */
	flat_bar(b, "L", T0 + 2 * MIN_US, 4.6e9);
	ck_assert_double_eq(tu_account(b).equity, 4.6e10);
	/* Past it: a bar (even one on a later day, which would open the day), a quote, a mark. */
	expect_unchanged(b, paper_broker_on_bar(b, "L", T0 + DAY_US, 4.6e9, 4.7e9, 4.6e9,
						nextafter(4.6e9, INFINITY), 1), PAPER_ERANGE, "limit");
	expect_unchanged(b, paper_broker_on_quote(b, "L", T0 + DAY_US, 0, 0, 5e9), PAPER_ERANGE,
			 "L: a price of");
	expect_unchanged(b, paper_broker_mark(b, "L", T0 + DAY_US, 9e10), PAPER_ERANGE, "limit");
	/* An exit at a price the bar reached, far above its close: a notional past the limit. */
	ck_ok(paper_broker_on_bar(b, "L", T0 + 3 * MIN_US, 1e9, 9e10, 1e9, 1e9, 1));
	paper_exit_request r = PAPER_EXIT_REQUEST_INIT;
	r.symbol = "L";
	r.price = 9e10;
	r.style = PAPER_EXIT_STYLE_LIMIT;
	r.fill_reason = PAPER_FILL_LIMIT_TOUCHED;
	expect_unchanged(b, paper_broker_exit_at(b, &r, NULL), PAPER_ERANGE, "notional");
	/* An order to sell there can never fill: refused at submission, nothing recorded. */
	expect_unchanged(b, tu_submit_rc(b, "L", PAPER_SIDE_SELL, PAPER_ORDER_LIMIT, 10, 9e10, 0, 0),
			 PAPER_ERANGE, "notional");
	/* Within the limits all of it works. */
	r.price = 4e9;
	ck_ok(paper_broker_exit_at(b, &r, NULL));
	paper_account_info a = tu_account(b);
	ck_assert_int_eq(a.open_positions, 0);
	ck_assert_int_eq(a.cash_e8, a.starting_cash_e8 + a.realized_pnl_e8 - a.fees_e8);
	paper_broker_free(b);
}
END_TEST

START_TEST(short_value_past_the_limit)
{
	paper_broker *b = big_broker();
	flat_bar(b, "S", T0, 1e9);
	tu_submit(b, "S", PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 10, 0, 0, 0);
	flat_bar(b, "S", T0 + MIN_US, 1e9);
	ck_assert_int_eq(position(b, "S").qty_e8, -10 * E8);
	/* The short's value at 4.6e9 is the limit; the equity (2e10 - 4.6e10) is within it. */
	flat_bar(b, "S", T0 + 2 * MIN_US, 4.6e9);
	ck_assert_double_eq(tu_account(b).short_value, 4.6e10);
	expect_unchanged(b, paper_broker_mark(b, "S", T0 + 3 * MIN_US, nextafter(4.6e9, INFINITY)),
			 PAPER_ERANGE, "limit");
	ck_ok(paper_broker_close_position(b, "S", PAPER_EXIT_MANUAL, NULL));
	paper_account_info a = tu_account(b);
	ck_assert_int_eq(a.realized_pnl_e8, -36 * INT64_C(1000000000) * E8);
	ck_assert_int_eq(a.cash_e8, a.starting_cash_e8 + a.realized_pnl_e8 - a.fees_e8);
	paper_broker_free(b);
}
END_TEST

/*
 * Long and short both at the limit, 1e10 of cash: a mark that would take the long past it must
 * be refused. The quick test of a mark added |value| + long + short + |cash| in 64 unsigned bits;
 * at these totals the sum passed 2^64, wrapped to a small number and let the mark through (the
 * long then read 8.4e10).
 */
START_TEST(mark_past_the_limit_with_both_sides_full)
{
	paper_broker *b = big_broker();
	flat_bar(b, "A", T0, 4);
	flat_bar(b, "B", T0, 4);
	tu_submit(b, "A", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1e9, 0, 0, 0);
	tu_submit(b, "B", PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 1e9, 0, 0, 0);
	for (int p = 4; p <= 46; p += 2) { /* step by step: each mark within the limits */
		flat_bar(b, "A", T0 + (p + 1) * MIN_US, p);
		flat_bar(b, "B", T0 + (p + 1) * MIN_US, p);
	}
	paper_account_info a = tu_account(b);
	ck_assert_int_eq(a.long_value * E8, M_E8);
	ck_assert_int_eq(a.short_value * E8, M_E8);
	ck_assert_double_eq(a.cash, 1e10);
	expect_unchanged(b, paper_broker_mark(b, "A", T0 + DAY_US, 84), PAPER_ERANGE, "limit");
	expect_unchanged(b, paper_broker_on_bar(b, "A", T0 + DAY_US, 84, 84, 84, 84, 1), PAPER_ERANGE,
			 "limit");
	paper_broker_free(b);
}
END_TEST

/* ---- cash after many fills ---- */

START_TEST(cash_past_the_limit_after_many_fills)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "account.starting_cash", "10000000000"));
	ck_ok(paper_config_set(cfg, "account.initial_margin", "0.01"));
	ck_ok(paper_config_set(cfg, "costs.commission_model", "fixed"));
	ck_ok(paper_config_set(cfg, "costs.commission_fixed", "1"));
	paper_broker *b = tu_broker(cfg);
	/* Each short sale of 10 units at 1e7 brings 1e8 - 1 of cash: from 1e10, the 361st takes
	 * cash past 4.6e10 while the short value (3.61e10) and the equity stay within it. */
	paper_ts t = T0;
	flat_bar(b, "C", t, 1e7);
	int fills = 0;
	uint64_t id = 0;
	for (;;) {
		id = tu_submit(b, "C", PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 10, 0, 0, 0);
		char *before = dump_money(b);
		flat_bar(b, "C", t += MIN_US, 1e7);
		paper_order_info o = tu_order(b, id);
		if (o.status != PAPER_STATUS_FILLED) {
			ck_assert_int_eq(o.status, PAPER_STATUS_REJECTED);
			ck_assert_int_eq(o.reason, PAPER_REJECT_OUT_OF_RANGE);
			char *after = dump_money(b);
			ck_assert_str_eq(before, after);
			g_free(after);
			g_free(before);
			break;
		}
		g_free(before);
		fills++;
		tu_require(fills < 1000, "never refused");
	}
	ck_assert_int_eq(fills, 360);
	paper_account_info a = tu_account(b);
	ck_assert_int_eq(a.cash_e8, INT64_C(10000000000) * E8 + 360 * (INT64_C(100000000) - 1) * E8);
	ck_assert_int_le(a.cash_e8, M_E8);
	ck_assert_int_gt(a.cash_e8 + INT64_C(100000000) * E8 - E8, M_E8);
	/* Buying back works and reconciles. */
	ck_ok(paper_broker_close_position(b, "C", PAPER_EXIT_MANUAL, NULL));
	a = tu_account(b);
	ck_assert_int_eq(a.cash_e8, a.starting_cash_e8 + a.realized_pnl_e8 - a.fees_e8);
	ck_assert_int_eq(a.fees_e8, 361 * E8);
	paper_broker_free(b);
}
END_TEST

/* ---- fees ---- */

START_TEST(fee_past_the_limit)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "costs.commission_model", "per_share"));
	ck_ok(paper_config_set(cfg, "costs.commission_per_share", "100"));
	ck_ok(paper_config_set(cfg, "limits.max_order_qty", "1000000000"));
	paper_broker *b = tu_broker(cfg);
	/*
	 * 1e9 units at 1e-8 cost 10, but 100 a unit of commission is 1e11, past the limit: the
	 * product once wrapped to a negative fee that paid the account for trading. Now the fee
	 * is past every limit and the account cannot afford it.
	 */
	flat_bar(b, "F", T0, 1e-8);
	ck_assert_int_eq(tu_submit_rc(b, "F", PAPER_SIDE_BUY, PAPER_ORDER_LIMIT, 1e9, 1e-8, 0, 0),
			 PAPER_EFUNDS);
	flat_bar(b, "F", T0 + MIN_US, 1e-8);
	paper_account_info a = tu_account(b);
	ck_assert_int_eq(a.fills, 0);
	ck_assert_int_eq(a.cash_e8, a.starting_cash_e8);
	/* A fee the account can pay is charged exactly: 100 units, 1e4. */
	tu_submit(b, "F", PAPER_SIDE_BUY, PAPER_ORDER_LIMIT, 100, 1e-8, 0, 0);
	flat_bar(b, "F", T0 + 2 * MIN_US, 1e-8);
	a = tu_account(b);
	ck_assert_int_eq(a.fees_e8, 10000 * E8);
	ck_assert_int_eq(a.cash_e8, a.starting_cash_e8 - 10000 * E8 - 100);
	paper_broker_free(b);
}
END_TEST

/* ---- slipped prices ---- */

START_TEST(slippage_past_the_price_is_one_unit)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "costs.slippage_pct", "10"));
	ck_ok(paper_config_set(cfg, "costs.slippage_market_mult", "100"));
	ck_ok(paper_config_set(cfg, "costs.slippage_size_impact", "1000"));
	ck_ok(paper_config_set(cfg, "costs.slippage_jitter", "0"));
	paper_broker *b = tu_broker(cfg);
	flat_bar(b, "P", T0, 10);
	tu_submit(b, "P", PAPER_SIDE_BUY, PAPER_ORDER_LIMIT, 100, 10, 0, 0);
	flat_bar(b, "P", T0 + MIN_US, 10);
	/* A sell into a bar of volume 1e-8 slips by 1000 x 1e10 times the price: far below zero
	 * (the conversion of such a double to int64 was undefined). It fills at one unit. */
	tu_submit(b, "P", PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 100, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, "P", T0 + 2 * MIN_US, 10, 10, 10, 10, 1e-8));
	paper_fill_info f = PAPER_FILL_INFO_INIT;
	ck_ok(paper_broker_fill_at(b, 1, &f));
	ck_assert_int_eq(f.price_e8, 1);
	paper_account_info a = tu_account(b);
	ck_assert_int_eq(a.cash_e8, a.starting_cash_e8 + a.realized_pnl_e8 - a.fees_e8);
	paper_broker_free(b);
}
END_TEST

/* ---- fixed-point columns ---- */

START_TEST(fixed_point_columns_keep_the_price_cap)
{
	const char *names[] = { "E" };
	paper_ts ts[] = { T0, T0 + MIN_US };
	int64_t lo[] = { 1, 1 };
	int64_t hi[] = { PAPER_PRICE_MAX_E8, PAPER_PRICE_MAX_E8 + 1 };
	for (int bad_volume = 0; bad_volume < 2; bad_volume++) {
		paper_broker *b = big_broker();
		paper_replay *r = NULL;
		ck_ok(paper_replay_new(&r, b, NULL));
		int64_t vol[] = { PAPER_QTY_MAX_E8, PAPER_QTY_MAX_E8 + 1 };
		paper_bar_columns c = PAPER_BAR_COLUMNS_INIT;
		c.n_rows = 2;
		c.symbols = names;
		c.n_symbols = 1;
		c.ts = ts;
		c.open_e8 = c.low_e8 = c.close_e8 = lo;
		c.high_e8 = bad_volume ? (const int64_t[]){ 2, 2 } : hi;
		c.volume_e8 = bad_volume ? vol : NULL;
		ck_ok(paper_replay_add_bar_columns(r, &c));
		ck_assert_int_eq(paper_replay_run(r), PAPER_EFORMAT);
		/* Row 0 (exactly the limit) was replayed; row 1 names its field. */
		ck_assert_ptr_nonnull(strstr(paper_last_error(), "row 1"));
		ck_assert_ptr_nonnull(strstr(paper_last_error(), bad_volume ? "'volume'" : "'high'"));
		paper_replay_stats st = PAPER_REPLAY_STATS_INIT;
		ck_ok(paper_replay_stats_get(r, &st));
		ck_assert_uint_eq(st.bars, 1);
		paper_replay_free(r);
		paper_broker_free(b);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("money");
	TCase *tc = tcase_create("limits");
	tcase_add_test(tc, prices_and_quantities_at_the_limit);
	tcase_add_test(tc, notional_at_exactly_the_limit_fills_past_it_is_rejected);
	tcase_add_test(tc, market_value_past_the_limit_refuses_the_data);
	tcase_add_test(tc, short_value_past_the_limit);
	tcase_add_test(tc, mark_past_the_limit_with_both_sides_full);
	tcase_add_test(tc, cash_past_the_limit_after_many_fills);
	tcase_add_test(tc, fee_past_the_limit);
	tcase_add_test(tc, slippage_past_the_price_is_one_unit);
	tcase_add_test(tc, fixed_point_columns_keep_the_price_cap);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
