/* The broker's API, accounting and error contract. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* Everything a caller can observe, to prove an error changed nothing. */
typedef struct state {
	paper_account_info acct;
	size_t n_open, n_pos, n_trades, n_fills;
} state;

static state snap(paper_broker *b)
{
	state s;
	memset(&s, 0, sizeof s);
	s.acct = tu_account(b);
	s.n_open = paper_broker_open_order_count(b);
	s.n_pos = paper_broker_position_count(b);
	s.n_trades = paper_broker_trade_count(b);
	s.n_fills = paper_broker_fill_count(b);
	return s;
}

static void assert_same(const state *x, const state *y)
{
	ck_assert_int_eq(x->acct.cash_e8, y->acct.cash_e8);
	ck_assert_int_eq(x->acct.realized_pnl_e8, y->acct.realized_pnl_e8);
	ck_assert_int_eq(x->acct.fees_e8, y->acct.fees_e8);
	ck_assert_uint_eq(x->acct.fills, y->acct.fills);
	ck_assert_uint_eq(x->n_open, y->n_open);
	ck_assert_uint_eq(x->n_pos, y->n_pos);
	ck_assert_uint_eq(x->n_trades, y->n_trades);
	ck_assert_uint_eq(x->n_fills, y->n_fills);
}

START_TEST(version_matches)
{
	ck_assert_str_eq(paper_version(), PAPER_VERSION);
	ck_assert_int_eq(paper_version_number(), PAPER_VERSION_NUMBER);
	ck_assert_str_eq(paper_strerror(PAPER_OK), "success");
	ck_assert_str_eq(paper_strerror(PAPER_EFUNDS), "insufficient buying power");
	ck_assert_str_eq(paper_strerror(-999), "unknown error");
	ck_assert_str_eq(paper_strerror(5), "unknown error");
}
END_TEST

START_TEST(null_handles)
{
	paper_order_request r = PAPER_ORDER_REQUEST_INIT;
	paper_account_info a = PAPER_ACCOUNT_INFO_INIT;
	ck_assert_int_eq(paper_broker_new(NULL, NULL), PAPER_EINVAL);
	ck_assert_int_eq(paper_broker_submit(NULL, &r, NULL), PAPER_EINVAL);
	ck_assert_int_eq(paper_broker_on_quote(NULL, "A", T0, 1, 1, 1), PAPER_EINVAL);
	ck_assert_int_eq(paper_broker_on_bar(NULL, "A", T0, 1, 1, 1, 1, 1), PAPER_EINVAL);
	ck_assert_int_eq(paper_broker_cancel(NULL, 1), PAPER_EINVAL);
	ck_assert_int_eq(paper_broker_account(NULL, &a), PAPER_EINVAL);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "must not be NULL"));
	ck_assert_int_eq(paper_last_error_code(), PAPER_EINVAL);
	paper_clear_error();
	ck_assert_int_eq(paper_last_error_code(), PAPER_OK);
	ck_assert_str_eq(paper_last_error(), "");
	paper_broker_free(NULL);

	paper_broker *b = tu_broker_plain();
	ck_assert_int_eq(paper_broker_submit(b, NULL, NULL), PAPER_EINVAL);
	ck_assert_int_eq(paper_broker_account(b, NULL), PAPER_EINVAL);
	paper_account_info bad = { .version = 99 };
	ck_assert_int_eq(paper_broker_account(b, &bad), PAPER_EVERSION);
	paper_broker_free(b);
}
END_TEST

START_TEST(market_buy_then_sell_reconciles)
{
	paper_broker *b = tu_broker_plain();
	ck_ok(paper_broker_on_quote(b, "AAPL", T0, 99.9, 100.1, 100));
	uint64_t id = tu_submit(b, "AAPL", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 10, 0, 0, 0);
	ck_assert_int_eq(tu_order(b, id).status, PAPER_STATUS_ACCEPTED);
	/* Not filled on the quote it was submitted after: fills need later data. */
	ck_assert_uint_eq(tu_account(b).fills, 0);
	ck_ok(paper_broker_on_quote(b, "AAPL", T0 + 1, 100.9, 101.1, 101));
	paper_order_info o = tu_order(b, id);
	ck_assert_int_eq(o.status, PAPER_STATUS_FILLED);
	ck_assert_double_eq(o.avg_fill_price, 101.1); /* buys take the ask */
	paper_account_info a = tu_account(b);
	ck_assert_double_eq_tol(a.cash, 100000 - 1011, 1e-9);
	ck_assert_uint_eq(a.open_positions, 1);

	paper_position_info p = PAPER_POSITION_INFO_INIT;
	ck_ok(paper_broker_position(b, "AAPL", &p));
	ck_assert_double_eq(p.qty, 10);
	ck_assert_double_eq_tol(p.avg_price, 101.1, 1e-12);
	ck_assert_double_eq_tol(p.unrealized_pnl, 10 * (101 - 101.1), 1e-9);

	tu_submit(b, "AAPL", PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 10, 0, 0, 0);
	ck_ok(paper_broker_on_quote(b, "AAPL", T0 + 2, 102, 102.2, 102.1));
	a = tu_account(b);
	ck_assert_uint_eq(a.open_positions, 0);
	ck_assert_uint_eq(a.closed_trades, 1);
	ck_assert_int_eq(a.cash_e8, a.starting_cash_e8 + a.realized_pnl_e8 - a.fees_e8);
	ck_assert_double_eq_tol(a.realized_pnl, 10 * (102 - 101.1), 1e-9);

	paper_trade_info t = PAPER_TRADE_INFO_INIT;
	ck_ok(paper_broker_trade_at(b, 0, &t));
	ck_assert_int_eq(t.direction, PAPER_LONG);
	ck_assert_str_eq(t.symbol, "AAPL");
	ck_assert_int_eq(t.entry_ts, T0 + 1);
	ck_assert_int_eq(t.exit_ts, T0 + 2);
	ck_assert_double_eq_tol(t.entry_price, 101.1, 1e-12);
	ck_assert_double_eq_tol(t.exit_price, 102, 1e-12);
	ck_assert_int_eq(t.exit_reason, PAPER_EXIT_MANUAL);
	ck_assert_int_eq(paper_broker_trade_at(b, 1, &t), PAPER_ERANGE);
	paper_broker_free(b);
}
END_TEST

START_TEST(short_and_flip)
{
	paper_broker *b = tu_broker_plain();
	ck_ok(paper_broker_on_quote(b, "X", T0, 0, 0, 50));
	tu_submit(b, "X", PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 4, 0, 0, 0);
	ck_ok(paper_broker_on_quote(b, "X", T0 + 1, 0, 0, 50));
	paper_position_info p = PAPER_POSITION_INFO_INIT;
	ck_ok(paper_broker_position(b, "X", &p));
	ck_assert_double_eq(p.qty, -4);
	ck_assert_int_eq(p.direction, PAPER_SHORT);
	/* Buy 10 at 40: closes the short for +40 and opens a long of 6. */
	tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 10, 0, 0, 0);
	ck_ok(paper_broker_on_quote(b, "X", T0 + 2, 0, 0, 40));
	ck_ok(paper_broker_position(b, "X", &p));
	ck_assert_double_eq(p.qty, 6);
	ck_assert_double_eq_tol(p.avg_price, 40, 1e-12);
	paper_trade_info t = PAPER_TRADE_INFO_INIT;
	ck_ok(paper_broker_trade_at(b, 0, &t));
	ck_assert_int_eq(t.direction, PAPER_SHORT);
	ck_assert_double_eq_tol(t.pnl_gross, 40, 1e-9);
	ck_assert_double_eq(t.qty, 4);
	/* Close the long at 45. */
	tu_submit(b, "X", PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 6, 0, 0, 0);
	ck_ok(paper_broker_on_quote(b, "X", T0 + 3, 0, 0, 45));
	paper_account_info a = tu_account(b);
	ck_assert_uint_eq(a.closed_trades, 2);
	ck_assert_double_eq_tol(a.realized_pnl, 40 + 30, 1e-9);
	ck_assert_int_eq(a.cash_e8, a.starting_cash_e8 + a.realized_pnl_e8 - a.fees_e8);
	paper_broker_free(b);
}
END_TEST

START_TEST(averaging_and_partial_close)
{
	paper_broker *b = tu_broker_plain();
	ck_ok(paper_broker_on_quote(b, "X", T0, 0, 0, 10));
	tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 3, 0, 0, 0);
	ck_ok(paper_broker_on_quote(b, "X", T0 + 1, 0, 0, 10));
	tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	ck_ok(paper_broker_on_quote(b, "X", T0 + 2, 0, 0, 14));
	paper_position_info p = PAPER_POSITION_INFO_INIT;
	ck_ok(paper_broker_position(b, "X", &p));
	ck_assert_double_eq_tol(p.avg_price, 11, 1e-12);
	tu_submit(b, "X", PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 2, 0, 0, 0);
	ck_ok(paper_broker_on_quote(b, "X", T0 + 3, 0, 0, 12));
	ck_ok(paper_broker_position(b, "X", &p));
	ck_assert_double_eq(p.qty, 2);
	ck_assert_double_eq_tol(p.realized_pnl, 2, 1e-9);
	ck_assert_double_eq_tol(p.avg_price, 11, 1e-12);
	ck_assert_uint_eq(paper_broker_trade_count(b), 0);
	paper_broker_free(b);
}
END_TEST

START_TEST(commission_percent_with_minimum)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "costs.commission_pct", "0.1"));
	ck_ok(paper_config_set(cfg, "costs.commission_min", "1"));
	paper_broker *b = tu_broker(cfg);
	ck_ok(paper_broker_on_quote(b, "X", T0, 0, 0, 100));
	tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 5, 0, 0, 0);  /* 500 -> 0.5 -> min 1 */
	tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 50, 0, 0, 0); /* 5000 -> 5 */
	ck_ok(paper_broker_on_quote(b, "X", T0 + 1, 0, 0, 100));
	paper_account_info a = tu_account(b);
	ck_assert_int_eq(a.fees_e8, 6 * PAPER_FIXED_SCALE);
	ck_assert_double_eq_tol(a.cash, 100000 - 5500 - 6, 1e-9);
	paper_broker_free(b);
}
END_TEST

START_TEST(commission_per_share_and_fixed)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "costs.commission_model", "per_share"));
	ck_ok(paper_config_set(cfg, "costs.commission_per_share", "0.01"));
	ck_ok(paper_config_set(cfg, "costs.commission_min", "0.5"));
	paper_broker *b = tu_broker(cfg);
	ck_ok(paper_broker_on_quote(b, "X", T0, 0, 0, 10));
	tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 100, 0, 0, 0); /* 1.00 */
	tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 10, 0, 0, 0);  /* 0.10 -> 0.50 */
	ck_ok(paper_broker_on_quote(b, "X", T0 + 1, 0, 0, 10));
	ck_assert_int_eq(tu_account(b).fees_e8, 150000000);
	paper_broker_free(b);

	cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "costs.commission_model", "fixed"));
	ck_ok(paper_config_set(cfg, "costs.commission_fixed", "2.5"));
	ck_ok(paper_config_set(cfg, "engine.volume_participation", "0.5"));
	b = tu_broker(cfg);
	ck_ok(paper_broker_on_bar(b, "X", T0, 10, 10, 10, 10, 100));
	uint64_t id = tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 80, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, "X", T0 + HOUR_US, 10, 10, 10, 10, 100)); /* 50 */
	ck_ok(paper_broker_on_bar(b, "X", T0 + 2 * HOUR_US, 10, 10, 10, 10, 100)); /* 30 */
	ck_assert_int_eq(tu_order(b, id).status, PAPER_STATUS_FILLED);
	ck_assert_uint_eq(tu_account(b).fills, 2);
	ck_assert_int_eq(tu_account(b).fees_e8, 250000000); /* once per order */
	paper_broker_free(b);
}
END_TEST

START_TEST(errors_leave_state_unchanged)
{
	paper_broker *b = tu_broker_plain();
	ck_ok(paper_broker_on_quote(b, "X", T0, 0, 0, 10));
	tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	ck_ok(paper_broker_on_quote(b, "X", T0 + 10, 0, 0, 10));
	uint64_t open_id = tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_LIMIT, 1, 5, 0, 0);
	state before = snap(b);

	ck_assert_int_eq(tu_submit_rc(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, NAN, 0, 0, 0), PAPER_EQTY);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "nan"));
	ck_assert_int_eq(tu_submit_rc(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 0, 0, 0, 0), PAPER_EQTY);
	ck_assert_int_eq(tu_submit_rc(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, -5, 0, 0, 0), PAPER_EQTY);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "-5"));
	ck_assert_int_eq(tu_submit_rc(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, INFINITY, 0, 0, 0), PAPER_EQTY);
	ck_assert_int_eq(tu_submit_rc(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_LIMIT, 1, NAN, 0, 0), PAPER_EPRICE);
	ck_assert_int_eq(tu_submit_rc(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_LIMIT, 1, -1, 0, 0), PAPER_EPRICE);
	ck_assert_int_eq(tu_submit_rc(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_STOP, 1, 0, INFINITY, 0), PAPER_EPRICE);
	ck_assert_int_eq(tu_submit_rc(b, "X", (paper_side)7, PAPER_ORDER_MARKET, 1, 0, 0, 0), PAPER_EINVAL);
	ck_assert_int_eq(tu_submit_rc(b, "X", PAPER_SIDE_BUY, (paper_order_type)0, 1, 0, 0, 0), PAPER_EINVAL);
	ck_assert_int_eq(tu_submit_rc(b, "bad symbol!", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0), PAPER_EINVAL);
	ck_assert_int_eq(tu_submit_rc(b, NULL, PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0), PAPER_EINVAL);
	ck_assert_int_eq(tu_submit_rc(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, T0), PAPER_ETIME);
	ck_assert_int_eq(tu_submit_rc(b, "NODATA", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0), PAPER_ENODATA);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "NODATA"));
	ck_assert_int_eq(tu_submit_rc(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 5e5, 0, 0, 0), PAPER_EFUNDS);
	ck_assert_int_eq(paper_broker_cancel(b, 9999), PAPER_ENOTFOUND);
	ck_assert_int_eq(paper_broker_cancel(b, 1), PAPER_ESTATE);
	ck_assert_int_eq(paper_broker_replace(b, 9999, 1, 5, 0), PAPER_ENOTFOUND);
	ck_assert_int_eq(paper_broker_replace(b, open_id, -1, 5, 0), PAPER_EQTY);
	ck_assert_int_eq(paper_broker_replace(b, open_id, 1, NAN, 0), PAPER_EPRICE);
	ck_assert_int_eq(paper_broker_on_quote(b, "X", T0 + 5, 0, 0, 10), PAPER_ETIME);
	ck_assert_int_eq(paper_broker_on_quote(b, "X", T0 + 20, 0, 0, NAN), PAPER_EPRICE);
	ck_assert_int_eq(paper_broker_on_quote(b, "X", T0 + 20, 0, 0, -3), PAPER_EPRICE);
	ck_assert_int_eq(paper_broker_on_quote(b, "X", T0 + 20, 11, 10, 0), PAPER_EPRICE);
	ck_assert_int_eq(paper_broker_on_bar(b, "X", T0 + 20, 10, 9, 11, 10, 5), PAPER_EPRICE);
	ck_assert_int_eq(paper_broker_on_bar(b, "X", T0 + 20, 12, 11, 9, 10, 5), PAPER_EPRICE);
	ck_assert_int_eq(paper_broker_on_bar(b, "X", T0 + 20, 10, 11, 9, 10, -5), PAPER_EQTY);
	ck_assert_int_eq(paper_broker_on_bar(b, "X", T0 + 20, 10, 11, 9, 10, NAN), PAPER_EQTY);
	ck_assert_int_eq(paper_broker_mark(b, "X", T0 + 20, 0), PAPER_EPRICE);

	state after = snap(b);
	assert_same(&before, &after);
	/* Rejections are counted (recorded as events) but touch nothing else. */
	ck_assert_uint_eq(after.acct.rejections, 2);
	paper_broker_free(b);
}
END_TEST

START_TEST(cash_account_cannot_short_or_overspend)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "account.type", "cash"));
	ck_ok(paper_config_set(cfg, "account.starting_cash", "1000"));
	paper_broker *b = tu_broker(cfg);
	ck_ok(paper_broker_on_quote(b, "X", T0, 0, 0, 100));
	ck_assert_int_eq(tu_submit_rc(b, "X", PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 1, 0, 0, 0), PAPER_EFUNDS);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "cash account"));
	ck_assert_int_eq(tu_submit_rc(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 11, 0, 0, 0), PAPER_EFUNDS);
	uint64_t id = tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 9, 0, 0, 0);
	/* Price jumps before the fill: the fill-time check refuses what cash cannot pay. */
	ck_ok(paper_broker_on_quote(b, "X", T0 + 1, 0, 0, 200));
	paper_order_info o = tu_order(b, id);
	ck_assert_int_eq(o.status, PAPER_STATUS_REJECTED);
	ck_assert_int_eq(o.reason, PAPER_REJECT_INSUFFICIENT_FUNDS);
	ck_assert_double_eq(tu_account(b).cash, 1000);
	paper_broker_free(b);
}
END_TEST

START_TEST(margin_account_limits_leverage)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "account.starting_cash", "1000"));
	ck_ok(paper_config_set(cfg, "account.initial_margin", "0.5"));
	paper_broker *b = tu_broker(cfg);
	ck_ok(paper_broker_on_quote(b, "X", T0, 0, 0, 100));
	ck_assert_double_eq_tol(tu_account(b).buying_power, 2000, 1e-9);
	ck_assert_int_eq(tu_submit_rc(b, "X", PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 21, 0, 0, 0), PAPER_EFUNDS);
	tu_submit(b, "X", PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 19, 0, 0, 0);
	ck_ok(paper_broker_on_quote(b, "X", T0 + 1, 0, 0, 100));
	paper_account_info a = tu_account(b);
	ck_assert_double_eq_tol(a.short_value, 1900, 1e-9);
	ck_assert_double_eq_tol(a.equity, 1000, 1e-9);
	ck_assert_int_eq(tu_submit_rc(b, "X", PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 2, 0, 0, 0), PAPER_EFUNDS);
	/* Covering is always possible. */
	tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 19, 0, 0, 0);
	ck_ok(paper_broker_on_quote(b, "X", T0 + 2, 0, 0, 90));
	a = tu_account(b);
	ck_assert_double_eq_tol(a.realized_pnl, 190, 1e-9);
	paper_broker_free(b);
}
END_TEST

START_TEST(cancel_and_replace)
{
	paper_broker *b = tu_broker_plain();
	ck_ok(paper_broker_on_quote(b, "X", T0, 0, 0, 10));
	uint64_t id = tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_LIMIT, 5, 9, 0, 0);
	ck_ok(paper_broker_on_quote(b, "X", T0 + 1, 0, 0, 9.5));
	ck_assert_int_eq(tu_order(b, id).status, PAPER_STATUS_ACCEPTED);
	ck_ok(paper_broker_replace(b, id, 7, 9.6, 0));
	paper_order_info o = tu_order(b, id);
	ck_assert_double_eq(o.qty, 7);
	ck_assert_double_eq(o.limit_price, 9.6);
	ck_ok(paper_broker_on_quote(b, "X", T0 + 2, 0, 0, 9.55));
	o = tu_order(b, id);
	ck_assert_int_eq(o.status, PAPER_STATUS_FILLED);
	ck_assert_double_eq(o.avg_fill_price, 9.55);

	uint64_t id2 = tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_LIMIT, 5, 1, 0, 0);
	ck_assert_uint_eq(paper_broker_open_order_count(b), 1);
	paper_order_info oi = PAPER_ORDER_INFO_INIT;
	ck_ok(paper_broker_open_order_at(b, 0, &oi));
	ck_assert_uint_eq(oi.id, id2);
	ck_ok(paper_broker_cancel(b, id2));
	o = tu_order(b, id2);
	ck_assert_int_eq(o.status, PAPER_STATUS_CANCELLED);
	ck_assert_int_eq(o.reason, PAPER_REJECT_USER_CANCEL);
	ck_assert_int_eq(paper_broker_cancel(b, id2), PAPER_ESTATE);
	ck_assert_uint_eq(paper_broker_open_order_count(b), 0);
	paper_broker_free(b);
}
END_TEST

START_TEST(time_in_force)
{
	paper_broker *b = tu_broker_plain();
	paper_order_request r = PAPER_ORDER_REQUEST_INIT;
	uint64_t day_id, ioc_id, fok_id;
	ck_ok(paper_broker_on_bar(b, "X", T0, 10, 10, 10, 10, 1000));
	r.symbol = "X";
	r.type = PAPER_ORDER_LIMIT;
	r.limit_price = 5;
	r.qty = 1;
	r.tif = PAPER_TIF_DAY;
	ck_ok(paper_broker_submit(b, &r, &day_id));
	r.tif = PAPER_TIF_IOC;
	ck_ok(paper_broker_submit(b, &r, &ioc_id));
	r.tif = PAPER_TIF_FOK;
	r.type = PAPER_ORDER_MARKET;
	r.qty = 600;
	ck_ok(paper_broker_submit(b, &r, &fok_id));
	/* Same UTC day; the IOC limit cannot fill, the FOK exceeds the volume cap. */
	paper_broker *unused = b;
	(void)unused;
	ck_ok(paper_broker_on_bar(b, "X", T0 + 60, 10, 10, 10, 10, 1000));
	ck_assert_int_eq(tu_order(b, ioc_id).status, PAPER_STATUS_CANCELLED);
	ck_assert_int_eq(tu_order(b, ioc_id).reason, PAPER_REJECT_IOC_REMAINDER);
	ck_assert_int_eq(tu_order(b, fok_id).status, PAPER_STATUS_FILLED); /* no cap configured */
	ck_assert_int_eq(tu_order(b, day_id).status, PAPER_STATUS_ACCEPTED);
	ck_ok(paper_broker_on_bar(b, "X", T0 + 24 * HOUR_US, 10, 10, 10, 10, 1000));
	ck_assert_int_eq(tu_order(b, day_id).status, PAPER_STATUS_EXPIRED);
	paper_broker_free(b);

	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "engine.volume_participation", "0.1"));
	b = tu_broker(cfg);
	ck_ok(paper_broker_on_bar(b, "X", T0, 10, 10, 10, 10, 1000));
	r.tif = PAPER_TIF_FOK;
	r.qty = 200;
	ck_ok(paper_broker_submit(b, &r, &fok_id));
	r.tif = PAPER_TIF_IOC;
	ck_ok(paper_broker_submit(b, &r, &ioc_id));
	ck_ok(paper_broker_on_bar(b, "X", T0 + 60, 10, 10, 10, 10, 1000));
	ck_assert_int_eq(tu_order(b, fok_id).status, PAPER_STATUS_CANCELLED);
	ck_assert_int_eq(tu_order(b, fok_id).reason, PAPER_REJECT_FOK_UNFILLABLE);
	paper_order_info o = tu_order(b, ioc_id);
	ck_assert_int_eq(o.status, PAPER_STATUS_CANCELLED);
	ck_assert_double_eq(o.filled_qty, 100);
	paper_broker_free(b);
}
END_TEST

typedef struct evlog {
	int counts[16];
	uint64_t last_seq;
	bool ordered;
} evlog;

static void on_event(const paper_event *ev, void *payload)
{
	evlog *l = payload;
	if (ev->seq <= l->last_seq && ev->type != PAPER_EVENT_TRADE_CLOSED)
		l->ordered = false;
	l->last_seq = ev->seq;
	l->counts[ev->type]++;
}

START_TEST(every_transition_is_an_event)
{
	paper_broker *b = tu_broker_plain();
	evlog l = { .ordered = true };
	ck_ok(paper_broker_set_event_callback(b, on_event, &l));
	ck_ok(paper_broker_on_quote(b, "X", T0, 0, 0, 10));
	uint64_t id = tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_LIMIT, 1, 5, 0, 0);
	ck_ok(paper_broker_replace(b, id, 2, 6, 0));
	ck_ok(paper_broker_cancel(b, id));
	tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	tu_submit_rc(b, "NODATA", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	ck_ok(paper_broker_on_quote(b, "X", T0 + 1, 0, 0, 10));
	tu_submit(b, "X", PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	ck_ok(paper_broker_mark(b, "X", T0 + 2, 10));
	ck_ok(paper_broker_set_halted(b, true));
	ck_ok(paper_broker_on_quote(b, "X", T0 + 3, 0, 0, 10));
	ck_assert_int_eq(l.counts[PAPER_EVENT_ORDER_ACCEPTED], 3);
	ck_assert_int_eq(l.counts[PAPER_EVENT_ORDER_REPLACED], 1);
	ck_assert_int_eq(l.counts[PAPER_EVENT_ORDER_CANCELLED], 1);
	ck_assert_int_eq(l.counts[PAPER_EVENT_ORDER_REJECTED], 1);
	ck_assert_int_eq(l.counts[PAPER_EVENT_FILL], 2);
	ck_assert_int_eq(l.counts[PAPER_EVENT_TRADE_CLOSED], 1);
	ck_assert_int_eq(l.counts[PAPER_EVENT_HALT], 1);
	ck_assert_int_ge(l.counts[PAPER_EVENT_SNAPSHOT], 2); /* day start + mark */
	ck_assert(l.ordered);
	paper_broker_free(b);
}
END_TEST

START_TEST(kill_switch_allows_exits)
{
	paper_broker *b = tu_broker_plain();
	ck_ok(paper_broker_on_quote(b, "X", T0, 0, 0, 10));
	tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 5, 0, 0, 0);
	ck_ok(paper_broker_on_quote(b, "X", T0 + 1, 0, 0, 10));
	ck_ok(paper_broker_set_halted(b, true));
	ck_assert(tu_account(b).halted);
	ck_assert_int_eq(tu_submit_rc(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0), PAPER_EHALTED);
	tu_submit(b, "X", PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 5, 0, 0, 0);
	ck_assert_int_eq(tu_submit_rc(b, "X", PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 6, 0, 0, 0), PAPER_EHALTED);
	ck_ok(paper_broker_set_halted(b, false));
	tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	paper_broker_free(b);
}
END_TEST

START_TEST(halt_stops_resting_entries_at_fill)
{
	paper_broker *b = tu_broker_plain();
	ck_ok(paper_broker_on_quote(b, "X", T0, 0, 0, 10));
	tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 5, 0, 0, 0);
	ck_ok(paper_broker_on_quote(b, "X", T0 + 1, 0, 0, 10));
	uint64_t entry = tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_LIMIT, 3, 9, 0, 0);
	uint64_t exit = tu_submit(b, "X", PAPER_SIDE_SELL, PAPER_ORDER_LIMIT, 5, 8.5, 0, 0);
	ck_ok(paper_broker_set_halted(b, true));
	ck_ok(paper_broker_on_quote(b, "X", T0 + 2, 0, 0, 8.9)); /* the entry's limit is reached */
	paper_order_info o = tu_order(b, entry);
	ck_assert_int_eq(o.status, PAPER_STATUS_REJECTED);
	ck_assert_int_eq(o.reason, PAPER_REJECT_KILL_SWITCH);
	ck_assert_double_eq(o.filled_qty, 0);
	ck_assert_int_eq(tu_order(b, exit).status, PAPER_STATUS_FILLED); /* the exit still fills */
	ck_assert_uint_eq(tu_account(b).open_positions, 0);
	paper_broker_free(b);
}
END_TEST

START_TEST(daily_loss_checked_after_closing_fill)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "limits.daily_loss_limit", "0.05"));
	paper_broker *b = tu_broker(cfg);
	ck_ok(paper_broker_on_bar(b, "X", T0, 100, 100, 100, 100, 1e6));
	tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 600, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, "X", T0 + 60, 100, 100, 100, 100, 1e6));
	tu_submit(b, "X", PAPER_SIDE_SELL, PAPER_ORDER_STOP, 600, 0, 95, 0);
	/* Gaps through the stop: the last position closes at 80, a 12% loss of the day. */
	ck_ok(paper_broker_on_bar(b, "X", T0 + 120, 80, 81, 79, 80, 1e6));
	paper_account_info a = tu_account(b);
	ck_assert_uint_eq(a.open_positions, 0);
	ck_assert(a.halted);
	ck_assert_int_eq(tu_submit_rc(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0), PAPER_EHALTED);
	paper_broker_free(b);
}
END_TEST

START_TEST(config_is_copied_in)
{
	paper_config *cfg = tu_config_plain();
	paper_broker *b = NULL;
	ck_ok(paper_broker_new(&b, cfg));
	ck_ok(paper_config_set(cfg, "account.starting_cash", "5"));
	ck_assert_double_eq(tu_account(b).starting_cash, 100000);
	paper_config_free(cfg);
	ck_ok(paper_broker_on_quote(b, "X", T0, 0, 0, 10)); /* still usable */
	paper_broker_free(b);
}
END_TEST

START_TEST(order_history_is_bounded)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "engine.order_history", "16"));
	ck_ok(paper_config_set(cfg, "engine.fill_history", "16"));
	paper_broker *b = tu_broker(cfg);
	uint64_t first = 0;
	for (int i = 0; i < 100; i++) {
		ck_ok(paper_broker_on_quote(b, "X", T0 + i, 0, 0, 10));
		uint64_t id = tu_submit(b, "X", i % 2 ? PAPER_SIDE_SELL : PAPER_SIDE_BUY,
					PAPER_ORDER_MARKET, 1, 0, 0, 0);
		if (!first)
			first = id;
	}
	ck_ok(paper_broker_on_quote(b, "X", T0 + 100, 0, 0, 10));
	paper_order_info o = PAPER_ORDER_INFO_INIT;
	ck_assert_int_eq(paper_broker_order(b, first, &o), PAPER_ENOTFOUND);
	ck_ok(paper_broker_order(b, first + 99, &o));
	ck_assert_uint_eq(paper_broker_fill_count(b), 16);
	paper_fill_info f = PAPER_FILL_INFO_INIT;
	ck_ok(paper_broker_fill_at(b, 15, &f));
	ck_assert_uint_eq(f.seq, 100);
	ck_assert_uint_eq(paper_broker_trade_count(b), 50);
	paper_broker_free(b);
}
END_TEST

START_TEST(open_orders_stay_in_submission_order)
{
	paper_broker *b = tu_broker_plain();
	ck_ok(paper_broker_on_quote(b, "X", T0, 0, 0, 10));
	uint64_t ids[6];
	for (int i = 0; i < 6; i++)
		ids[i] = tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_LIMIT, 1, 1 + i, 0, 0);
	ck_ok(paper_broker_cancel(b, ids[1]));
	ck_ok(paper_broker_cancel(b, ids[4]));
	const uint64_t want[] = { ids[0], ids[2], ids[3], ids[5] };
	ck_assert_uint_eq(paper_broker_open_order_count(b), 4);
	for (size_t i = 0; i < 4; i++) {
		paper_order_info o = PAPER_ORDER_INFO_INIT;
		ck_ok(paper_broker_open_order_at(b, i, &o));
		ck_assert_uint_eq(o.id, want[i]);
	}
	paper_broker_free(b);
}
END_TEST

/*
 * A universe larger than the symbol table's first allocations (16, 32, ... instruments): every
 * symbol must still be found by name after the table has grown, and the position list must
 * stay consistent while positions open and close in any order.
 */
START_TEST(many_symbols_are_found_after_the_table_grows)
{
	enum { N = 600 };
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "limits.max_open_positions_ceiling", "1000"));
	ck_ok(paper_config_set(cfg, "limits.max_open_positions", "1000"));
	paper_broker *b = tu_broker(cfg);
	char name[16];
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof name, "S%04d", i);
		ck_ok(paper_broker_on_bar(b, name, T0, 10, 10, 10, 10, 1000));
		tu_submit(b, name, PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	}
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof name, "S%04d", i);
		ck_ok(paper_broker_on_bar(b, name, T0 + 60 * PAPER_TS_PER_SECOND, 10, 10, 10, 10, 1000));
	}
	ck_assert_uint_eq(paper_broker_position_count(b), N);
	for (int i = 0; i < N; i += 3) { /* close every third: the list is compacted */
		snprintf(name, sizeof name, "S%04d", i);
		/* Placed at the clock, filled by the symbol's next bar, stamped after it. */
		tu_submit(b, name, PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 1, 0, 0, 0);
		ck_ok(paper_broker_on_bar(b, name, T0 + (120 + i) * PAPER_TS_PER_SECOND, 10, 10, 10, 10,
					  1000));
	}
	ck_assert_uint_eq(paper_broker_position_count(b), N - N / 3);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof name, "S%04d", i);
		paper_position_info p = PAPER_POSITION_INFO_INIT;
		int rc = paper_broker_position(b, name, &p);
		ck_assert_int_eq(rc, i % 3 == 0 ? PAPER_ENOTFOUND : PAPER_OK);
	}
	for (size_t k = 0; k < paper_broker_position_count(b); k++) {
		paper_position_info p = PAPER_POSITION_INFO_INIT, q = PAPER_POSITION_INFO_INIT;
		ck_ok(paper_broker_position_at(b, k, &p));
		ck_ok(paper_broker_position(b, p.symbol, &q));
		ck_assert_int_eq(q.qty_e8, 100000000);
	}
	paper_broker_free(b);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("broker");
	TCase *tc = tcase_create("api");
	tcase_add_test(tc, version_matches);
	tcase_add_test(tc, null_handles);
	tcase_add_test(tc, market_buy_then_sell_reconciles);
	tcase_add_test(tc, short_and_flip);
	tcase_add_test(tc, averaging_and_partial_close);
	tcase_add_test(tc, commission_percent_with_minimum);
	tcase_add_test(tc, commission_per_share_and_fixed);
	tcase_add_test(tc, errors_leave_state_unchanged);
	tcase_add_test(tc, cash_account_cannot_short_or_overspend);
	tcase_add_test(tc, margin_account_limits_leverage);
	tcase_add_test(tc, cancel_and_replace);
	tcase_add_test(tc, time_in_force);
	tcase_add_test(tc, every_transition_is_an_event);
	tcase_add_test(tc, kill_switch_allows_exits);
	tcase_add_test(tc, halt_stops_resting_entries_at_fill);
	tcase_add_test(tc, daily_loss_checked_after_closing_fill);
	tcase_add_test(tc, config_is_copied_in);
	tcase_add_test(tc, order_history_is_bounded);
	tcase_add_test(tc, open_orders_stay_in_submission_order);
	tcase_add_test(tc, many_symbols_are_found_after_the_table_grows);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
