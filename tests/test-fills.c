/* The fill rules of docs/semantics.md, one pinned case each. */
#include <math.h>
#include <string.h>

#include "testutil.h"

#define BAR(b, t, o, h, l, c) ck_ok(paper_broker_on_bar((b), "X", (t), (o), (h), (l), (c), 1e6))

static paper_fill_info last_fill(paper_broker *b)
{
	paper_fill_info f = PAPER_FILL_INFO_INIT;
	size_t n = paper_broker_fill_count(b);
	ck_assert_uint_gt(n, 0);
	ck_ok(paper_broker_fill_at(b, n - 1, &f));
	return f;
}

START_TEST(market_fills_at_next_bar_open)
{
	paper_broker *b = tu_broker_plain();
	BAR(b, T0, 100, 110, 90, 105);
	uint64_t id = tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	ck_assert_int_eq(tu_order(b, id).status, PAPER_STATUS_ACCEPTED);
	BAR(b, T0 + HOUR_US, 107, 112, 101, 111);
	paper_fill_info f = last_fill(b);
	ck_assert_double_eq(f.price, 107);
	ck_assert_int_eq(f.reason, PAPER_FILL_MARKET_OPEN);
	ck_assert_int_eq(f.ts, T0 + HOUR_US);
	paper_broker_free(b);
}
END_TEST

START_TEST(no_look_ahead_on_earlier_data)
{
	paper_broker *b = tu_broker_plain();
	BAR(b, T0, 100, 100, 100, 100);
	/* An order stamped in the future waits for data stamped after its time: data of that
	 * very time cannot say whether it came before the order or after. */
	uint64_t id = tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, T0 + 2 * HOUR_US);
	BAR(b, T0 + HOUR_US, 101, 101, 101, 101);
	ck_assert_int_eq(tu_order(b, id).status, PAPER_STATUS_ACCEPTED);
	BAR(b, T0 + 2 * HOUR_US, 102, 102, 102, 102);
	ck_assert_int_eq(tu_order(b, id).status, PAPER_STATUS_ACCEPTED);
	BAR(b, T0 + 3 * HOUR_US, 103, 103, 103, 103);
	ck_assert_int_eq(tu_order(b, id).status, PAPER_STATUS_FILLED);
	ck_assert_double_eq(tu_order(b, id).avg_fill_price, 103);

	/* Another symbol's older data never fills it either. */
	ck_ok(paper_broker_on_bar(b, "Y", T0, 50, 50, 50, 50, 1e6));
	ck_ok(paper_broker_on_bar(b, "Y", T0 + 3 * HOUR_US, 50, 50, 50, 50, 1e6));
	uint64_t id2 = tu_submit(b, "Y", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	ck_assert_int_eq(tu_order(b, id2).submitted_ts, T0 + 3 * HOUR_US);
	/* Placed at the clock: a quote of that same time (one the account may have seen before
	 * the order, fed again after a restart) is not after it. */
	ck_ok(paper_broker_on_quote(b, "Y", T0 + 3 * HOUR_US, 49, 49, 49));
	ck_assert_int_eq(tu_order(b, id2).status, PAPER_STATUS_ACCEPTED);
	ck_ok(paper_broker_on_quote(b, "Y", T0 + 3 * HOUR_US + 1, 51, 51, 51));
	ck_assert_int_eq(tu_order(b, id2).status, PAPER_STATUS_FILLED);
	ck_assert_double_eq(tu_order(b, id2).avg_fill_price, 51);
	paper_broker_free(b);
}
END_TEST

START_TEST(stop_gap_fills_at_worse_open)
{
	paper_broker *b = tu_broker_plain();
	BAR(b, T0, 100, 100, 100, 100);
	tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	BAR(b, T0 + HOUR_US, 100, 100, 100, 100);
	uint64_t sell_stop = tu_submit(b, "X", PAPER_SIDE_SELL, PAPER_ORDER_STOP, 1, 0, 95, 0);
	BAR(b, T0 + 2 * HOUR_US, 90, 92, 88, 91); /* gaps down through 95 */
	paper_fill_info f = last_fill(b);
	ck_assert_uint_eq(f.order_id, sell_stop);
	ck_assert_double_eq(f.price, 90);
	ck_assert_int_eq(f.reason, PAPER_FILL_STOP_GAP);

	uint64_t buy_stop = tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_STOP, 1, 0, 95, 0);
	BAR(b, T0 + 3 * HOUR_US, 93, 97, 92, 96); /* reaches 95 inside the bar */
	f = last_fill(b);
	ck_assert_uint_eq(f.order_id, buy_stop);
	ck_assert_double_eq(f.price, 95);
	ck_assert_int_eq(f.reason, PAPER_FILL_STOP_TRIGGERED);
	paper_broker_free(b);
}
END_TEST

START_TEST(limit_gap_fills_at_better_open)
{
	paper_broker *b = tu_broker_plain();
	BAR(b, T0, 100, 100, 100, 100);
	uint64_t buy = tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_LIMIT, 1, 95, 0, 0);
	BAR(b, T0 + HOUR_US, 93, 94, 92, 93); /* opens below the limit */
	paper_fill_info f = last_fill(b);
	ck_assert_uint_eq(f.order_id, buy);
	ck_assert_double_eq(f.price, 93);
	ck_assert_int_eq(f.reason, PAPER_FILL_LIMIT_GAP);

	uint64_t sell = tu_submit(b, "X", PAPER_SIDE_SELL, PAPER_ORDER_LIMIT, 1, 96, 0, 0);
	BAR(b, T0 + 2 * HOUR_US, 94, 97, 93, 95); /* touches 96 */
	f = last_fill(b);
	ck_assert_uint_eq(f.order_id, sell);
	ck_assert_double_eq(f.price, 96);
	ck_assert_int_eq(f.reason, PAPER_FILL_LIMIT_TOUCHED);

	uint64_t never = tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_LIMIT, 1, 80, 0, 0);
	BAR(b, T0 + 3 * HOUR_US, 94, 97, 93, 95);
	ck_assert_int_eq(tu_order(b, never).status, PAPER_STATUS_ACCEPTED);
	paper_broker_free(b);
}
END_TEST

START_TEST(stop_limit_triggers_then_rests)
{
	paper_broker *b = tu_broker_plain();
	BAR(b, T0, 100, 100, 100, 100);
	/* Buy stop 105 limit 103: triggered inside the bar at 105, limit below the stop. */
	uint64_t id = tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_STOP_LIMIT, 1, 103, 105, 0);
	BAR(b, T0 + HOUR_US, 101, 106, 100, 104);
	ck_assert_int_eq(tu_order(b, id).status, PAPER_STATUS_ACCEPTED);
	ck_assert_uint_eq(tu_account(b).fills, 0);
	/* Next bar is after the trigger: now a resting limit at 103. */
	BAR(b, T0 + 2 * HOUR_US, 104, 105, 102, 103);
	paper_fill_info f = last_fill(b);
	ck_assert_double_eq(f.price, 103);
	ck_assert_int_eq(f.reason, PAPER_FILL_LIMIT_TOUCHED);

	/* Limit at or above the stop fills at the stop on the triggering bar. */
	uint64_t id2 = tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_STOP_LIMIT, 1, 108, 106, 0);
	BAR(b, T0 + 3 * HOUR_US, 103, 107, 102, 106);
	f = last_fill(b);
	ck_assert_uint_eq(f.order_id, id2);
	ck_assert_double_eq(f.price, 106);
	paper_broker_free(b);
}
END_TEST

START_TEST(quote_rules)
{
	paper_broker *b = tu_broker_plain();
	ck_ok(paper_broker_on_quote(b, "X", T0, 99, 101, 100));
	uint64_t lim = tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_LIMIT, 1, 100, 0, 0);
	uint64_t stop = tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_STOP, 1, 0, 102, 0);
	ck_ok(paper_broker_on_quote(b, "X", T0 + 1, 99.5, 100.5, 100));
	ck_assert_int_eq(tu_order(b, lim).status, PAPER_STATUS_ACCEPTED);
	ck_ok(paper_broker_on_quote(b, "X", T0 + 2, 98.5, 99.5, 99));
	ck_assert_double_eq(tu_order(b, lim).avg_fill_price, 99.5); /* price improvement: the ask */
	ck_ok(paper_broker_on_quote(b, "X", T0 + 3, 102, 102.4, 102.2));
	paper_fill_info f = last_fill(b);
	ck_assert_uint_eq(f.order_id, stop);
	ck_assert_double_eq(f.price, 102.4);
	ck_assert_int_eq(f.reason, PAPER_FILL_STOP_QUOTE);
	paper_broker_free(b);
}
END_TEST

static paper_config *costly(uint64_t seed)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "costs.slippage_pct", "0.05"));
	ck_ok(paper_config_set_int(cfg, "costs.seed", (int64_t)seed));
	return cfg;
}

START_TEST(slippage_model)
{
	/* No jitter: market orders slip 2 x 0.05% = 0.1%, limit fills 0.25 x ... capped at limit. */
	paper_config *cfg = costly(1);
	ck_ok(paper_config_set(cfg, "costs.slippage_jitter", "0"));
	ck_ok(paper_config_set(cfg, "costs.slippage_size_impact", "0"));
	paper_broker *b = tu_broker(cfg);
	BAR(b, T0, 100, 100, 100, 100);
	tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	BAR(b, T0 + HOUR_US, 100, 100, 100, 100);
	paper_fill_info f = last_fill(b);
	ck_assert_double_eq_tol(f.price, 100.1, 1e-9);
	ck_assert_double_eq_tol(f.slippage, 0.1, 1e-9);
	tu_submit(b, "X", PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	BAR(b, T0 + 2 * HOUR_US, 100, 100, 100, 100);
	ck_assert_double_eq_tol(last_fill(b).price, 99.9, 1e-9);
	/* Limit touched at 99: slipped 0.025% but never above the limit. */
	tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_LIMIT, 1, 99, 0, 0);
	BAR(b, T0 + 3 * HOUR_US, 100, 100, 98, 99);
	ck_assert_double_eq(last_fill(b).price, 99);
	/* Limit gap: open 97 below limit 99, slipped up to 97.02425 (< 99). */
	tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_LIMIT, 1, 99, 0, 0);
	BAR(b, T0 + 4 * HOUR_US, 97, 98, 96, 97);
	ck_assert_double_eq_tol(last_fill(b).price, 97 * 1.00025, 1e-9);
	paper_broker_free(b);

	/* Size impact: 50% of the bar's volume adds 50% (impact 1.0). */
	cfg = costly(1);
	ck_ok(paper_config_set(cfg, "costs.slippage_jitter", "0"));
	b = tu_broker(cfg);
	ck_ok(paper_broker_on_bar(b, "X", T0, 100, 100, 100, 100, 200));
	tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 100, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, "X", T0 + HOUR_US, 100, 100, 100, 100, 200));
	ck_assert_double_eq_tol(last_fill(b).price, 100.15, 1e-9);
	paper_broker_free(b);
}
END_TEST

/* Run a fixed random session; return a digest of every fill. */
static uint64_t session_digest(uint64_t seed, double *min_slip, double *max_slip)
{
	paper_broker *b = tu_broker(costly(seed));
	uint64_t h = 1469598103934665603u;
	double px = 100;
	*min_slip = INFINITY;
	*max_slip = 0;
	BAR(b, T0, px, px, px, px);
	for (int i = 1; i <= 400; i++) {
		tu_submit(b, "X", i % 2 ? PAPER_SIDE_BUY : PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 1, 0, 0, 0);
		px += (i % 7) - 3;
		BAR(b, T0 + i * HOUR_US, px, px + 1, px - 1, px);
		paper_fill_info f = last_fill(b);
		double rel = f.slippage / px;
		*min_slip = fmin(*min_slip, rel);
		*max_slip = fmax(*max_slip, rel);
		h = (h ^ (uint64_t)f.price_e8) * 1099511628211u;
		h = (h ^ (uint64_t)f.fee_e8) * 1099511628211u;
	}
	paper_broker_free(b);
	return h;
}

START_TEST(same_seed_same_fills)
{
	double lo, hi, lo2, hi2;
	uint64_t a = session_digest(7, &lo, &hi);
	uint64_t b = session_digest(7, &lo2, &hi2);
	uint64_t c = session_digest(8, &lo2, &hi2);
	ck_assert_uint_eq(a, b);
	ck_assert_uint_ne(a, c);
	/* Jitter +-50% around 0.1%: every fill's slippage within [0.05%, 0.15%], spread used. */
	ck_assert_double_ge(lo, 0.0005 - 1e-9);
	ck_assert_double_le(hi, 0.0015 + 1e-9);
	ck_assert_double_lt(lo, 0.0006);
	ck_assert_double_gt(hi, 0.0014);
}
END_TEST

START_TEST(volume_cap_partial_fills_across_bars)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "engine.volume_participation", "0.25"));
	paper_broker *b = tu_broker(cfg);
	ck_ok(paper_broker_on_bar(b, "X", T0, 10, 10, 10, 10, 100));
	uint64_t id = tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 60, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, "X", T0 + HOUR_US, 10, 10, 10, 10, 100));
	paper_order_info o = tu_order(b, id);
	ck_assert_int_eq(o.status, PAPER_STATUS_PARTIALLY_FILLED);
	ck_assert_double_eq(o.filled_qty, 25);
	ck_assert_uint_ne(last_fill(b).flags & PAPER_FILL_FLAG_PARTIAL_VOLUME, 0);
	ck_ok(paper_broker_on_bar(b, "X", T0 + 2 * HOUR_US, 11, 11, 11, 11, 0)); /* no volume */
	ck_assert_double_eq(tu_order(b, id).filled_qty, 25);
	ck_ok(paper_broker_on_bar(b, "X", T0 + 3 * HOUR_US, 11, 11, 11, 11, 100));
	ck_ok(paper_broker_on_bar(b, "X", T0 + 4 * HOUR_US, 12, 12, 12, 12, 100));
	o = tu_order(b, id);
	ck_assert_int_eq(o.status, PAPER_STATUS_FILLED);
	ck_assert_double_eq_tol(o.avg_fill_price, (25 * 10 + 25 * 11 + 10 * 12) / 60.0, 1e-9);
	paper_broker_free(b);
}
END_TEST

START_TEST(duplicate_bar_refused)
{
	paper_broker *b = tu_broker_plain();
	BAR(b, T0, 10, 10, 10, 10);
	ck_assert_int_eq(paper_broker_on_bar(b, "X", T0, 10, 10, 10, 10, 5), PAPER_ETIME);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "duplicate"));
	ck_assert_int_eq(paper_broker_on_bar(b, "X", T0 - 1, 10, 10, 10, 10, 5), PAPER_ETIME);
	ck_ok(paper_broker_on_quote(b, "X", T0, 0, 0, 10)); /* quotes may share a timestamp */
	paper_broker_free(b);
}
END_TEST

/* A long of 10 at 100 with a take-profit at 110 and a stop at 95 in one OCO group. */
static paper_broker *bracket(const char *intrabar, uint64_t *tp, uint64_t *sl)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "engine.intrabar", intrabar));
	paper_broker *b = tu_broker(cfg);
	BAR(b, T0, 100, 100, 100, 100);
	tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 10, 0, 0, 0);
	BAR(b, T0 + HOUR_US, 100, 100, 100, 100);
	paper_order_request r = PAPER_ORDER_REQUEST_INIT;
	r.symbol = "X";
	r.side = PAPER_SIDE_SELL;
	r.qty = 10;
	r.oco_group = 7;
	r.type = PAPER_ORDER_LIMIT;
	r.limit_price = 110;
	r.exit_reason = PAPER_EXIT_TAKE_PROFIT;
	ck_ok(paper_broker_submit(b, &r, tp));
	r.type = PAPER_ORDER_STOP;
	r.stop_price = 95;
	r.exit_reason = PAPER_EXIT_STOP_LOSS;
	ck_ok(paper_broker_submit(b, &r, sl));
	return b;
}

START_TEST(oco_both_inside_one_bar_pessimistic)
{
	uint64_t tp, sl;
	paper_broker *b = bracket("pessimistic", &tp, &sl);
	BAR(b, T0 + 2 * HOUR_US, 100, 111, 94, 100); /* touches both */
	paper_fill_info f = last_fill(b);
	ck_assert_uint_eq(f.order_id, sl);
	ck_assert_double_eq(f.price, 95);
	ck_assert_uint_ne(f.flags & PAPER_FILL_FLAG_AMBIGUOUS, 0);
	ck_assert_double_eq(f.alt_price, 110);
	ck_assert_int_eq(tu_order(b, tp).status, PAPER_STATUS_CANCELLED);
	ck_assert_int_eq(tu_order(b, tp).reason, PAPER_REJECT_OCO_SIBLING);
	paper_trade_info t = PAPER_TRADE_INFO_INIT;
	ck_ok(paper_broker_trade_at(b, 0, &t));
	ck_assert_int_eq(t.exit_reason, PAPER_EXIT_STOP_LOSS);
	ck_assert_uint_eq(tu_account(b).open_positions, 0);
	paper_broker_free(b);
}
END_TEST

START_TEST(oco_both_inside_one_bar_optimistic)
{
	uint64_t tp, sl;
	paper_broker *b = bracket("optimistic", &tp, &sl);
	BAR(b, T0 + 2 * HOUR_US, 100, 111, 94, 100);
	paper_fill_info f = last_fill(b);
	ck_assert_uint_eq(f.order_id, tp);
	ck_assert_double_eq(f.price, 110);
	ck_assert_uint_ne(f.flags & PAPER_FILL_FLAG_AMBIGUOUS, 0);
	ck_assert_double_eq(f.alt_price, 95);
	ck_assert_int_eq(tu_order(b, sl).status, PAPER_STATUS_CANCELLED);
	paper_broker_free(b);
}
END_TEST

START_TEST(oco_gap_at_open_wins_unambiguously)
{
	uint64_t tp, sl;
	paper_broker *b = bracket("pessimistic", &tp, &sl);
	/* Opens above the target: the limit fills at the (better) open before anything else. */
	BAR(b, T0 + 2 * HOUR_US, 112, 113, 90, 100);
	paper_fill_info f = last_fill(b);
	ck_assert_uint_eq(f.order_id, tp);
	ck_assert_double_eq(f.price, 112);
	ck_assert_int_eq(f.reason, PAPER_FILL_LIMIT_GAP);
	ck_assert_uint_eq(f.flags & PAPER_FILL_FLAG_AMBIGUOUS, 0);
	ck_assert_int_eq(tu_order(b, sl).status, PAPER_STATUS_CANCELLED);
	paper_broker_free(b);
}
END_TEST

START_TEST(oco_one_side_only)
{
	uint64_t tp, sl;
	paper_broker *b = bracket("pessimistic", &tp, &sl);
	BAR(b, T0 + 2 * HOUR_US, 100, 105, 96, 101); /* neither */
	ck_assert_uint_eq(paper_broker_open_order_count(b), 2);
	BAR(b, T0 + 3 * HOUR_US, 101, 112, 100, 111); /* only the target */
	paper_fill_info f = last_fill(b);
	ck_assert_uint_eq(f.order_id, tp);
	ck_assert_uint_eq(f.flags & PAPER_FILL_FLAG_AMBIGUOUS, 0);
	ck_assert_uint_eq(paper_broker_open_order_count(b), 0);
	ck_assert_uint_eq(tu_account(b).open_positions, 0); /* the stop never opened a short */
	paper_broker_free(b);
}
END_TEST

START_TEST(close_position_at_mark)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "costs.commission_pct", "0.1"));
	ck_ok(paper_config_set(cfg, "costs.slippage_pct", "0.05"));
	paper_broker *b = tu_broker(cfg);
	BAR(b, T0, 100, 100, 100, 100);
	tu_submit(b, "X", PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 10, 0, 0, 0);
	BAR(b, T0 + HOUR_US, 100, 104, 99, 103);
	tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_LIMIT, 10, 50, 0, 0);
	uint64_t id = 0;
	ck_ok(paper_broker_close_position(b, "X", PAPER_EXIT_END_OF_DATA, &id));
	paper_fill_info f = last_fill(b);
	ck_assert_uint_eq(f.order_id, id);
	ck_assert_double_eq(f.price, 103); /* the last close, no slippage */
	ck_assert_int_eq(f.reason, PAPER_FILL_AT_MARK);
	ck_assert_int_eq(f.side, PAPER_SIDE_BUY);
	paper_trade_info t = PAPER_TRADE_INFO_INIT;
	ck_ok(paper_broker_trade_at(b, 0, &t));
	ck_assert_int_eq(t.exit_reason, PAPER_EXIT_END_OF_DATA);
	ck_assert_int_eq(paper_broker_close_position(b, "X", PAPER_EXIT_END_OF_DATA, NULL), PAPER_ENOTFOUND);
	ck_assert_uint_eq(paper_broker_open_order_count(b), 1);
	ck_ok(paper_broker_cancel_all(b, NULL));
	ck_assert_uint_eq(paper_broker_open_order_count(b), 0);
	paper_account_info a = tu_account(b);
	ck_assert_int_eq(a.cash_e8, a.starting_cash_e8 + a.realized_pnl_e8 - a.fees_e8);
	paper_broker_free(b);
}
END_TEST

START_TEST(cancel_all_by_symbol)
{
	paper_broker *b = tu_broker_plain();
	BAR(b, T0, 100, 100, 100, 100);
	ck_ok(paper_broker_on_bar(b, "Y", T0, 10, 10, 10, 10, 1e6));
	for (int i = 0; i < 5; i++) {
		tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_LIMIT, 1, 50 + i, 0, 0);
		tu_submit(b, "Y", PAPER_SIDE_BUY, PAPER_ORDER_LIMIT, 1, 5 + i, 0, 0);
	}
	ck_ok(paper_broker_cancel_all(b, "X"));
	ck_assert_uint_eq(paper_broker_open_order_count(b), 5);
	for (size_t i = 0; i < 5; i++) {
		paper_order_info o = PAPER_ORDER_INFO_INIT;
		ck_ok(paper_broker_open_order_at(b, i, &o));
		ck_assert_str_eq(o.symbol, "Y");
	}
	ck_ok(paper_broker_cancel_all(b, "NOPE"));
	ck_ok(paper_broker_cancel_all(b, NULL));
	ck_assert_uint_eq(paper_broker_open_order_count(b), 0);
	paper_broker_free(b);
}
END_TEST

START_TEST(exit_at_a_price_the_bar_reached)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "costs.slippage_pct", "0.05"));
	ck_ok(paper_config_set(cfg, "costs.slippage_jitter", "0"));
	ck_ok(paper_config_set(cfg, "costs.slippage_size_impact", "0"));
	paper_broker *b = tu_broker(cfg);
	BAR(b, T0, 100, 100, 100, 100);
	tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 10, 0, 0, 0);
	BAR(b, T0 + HOUR_US, 100, 105, 90, 95); /* entry at the open; the range is after it */

	paper_exit_request r = PAPER_EXIT_REQUEST_INIT;
	r.symbol = "X";
	r.price = 89; /* below the bar's low: never seen */
	r.style = PAPER_EXIT_STYLE_STOP;
	r.reason = PAPER_EXIT_STOP_LOSS;
	r.fill_reason = PAPER_FILL_STOP_TRIGGERED;
	paper_account_info before = tu_account(b);
	ck_assert_int_eq(paper_broker_exit_at(b, &r, NULL), PAPER_EPRICE);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "outside the latest bar"));
	r.price = 92;
	r.qty = 11;
	ck_assert_int_eq(paper_broker_exit_at(b, &r, NULL), PAPER_EQTY);
	ck_assert_int_eq(tu_account(b).cash_e8, before.cash_e8);

	r.qty = 4; /* part of it, at the stop, with market slippage */
	ck_ok(paper_broker_exit_at(b, &r, NULL));
	paper_fill_info f = last_fill(b);
	ck_assert_double_eq_tol(f.price, 92 * (1 - 0.001), 1e-9);
	ck_assert_int_eq(f.reason, PAPER_FILL_STOP_TRIGGERED);
	ck_assert_double_eq(f.qty, 4);

	r.qty = 0; /* the rest, a take profit flagged ambiguous */
	r.price = 105;
	r.style = PAPER_EXIT_STYLE_LIMIT;
	r.reason = PAPER_EXIT_TAKE_PROFIT;
	r.fill_reason = PAPER_FILL_LIMIT_TOUCHED;
	r.flags = PAPER_FILL_FLAG_AMBIGUOUS;
	r.alt_price = 92;
	ck_ok(paper_broker_exit_at(b, &r, NULL));
	f = last_fill(b);
	ck_assert_double_eq(f.price, 105); /* limit slippage never past the limit */
	ck_assert_uint_ne(f.flags & PAPER_FILL_FLAG_AMBIGUOUS, 0);
	ck_assert_double_eq(f.alt_price, 92);
	paper_trade_info t = PAPER_TRADE_INFO_INIT;
	ck_ok(paper_broker_trade_at(b, 0, &t));
	ck_assert_int_eq(t.exit_reason, PAPER_EXIT_TAKE_PROFIT);
	ck_assert_int_eq(paper_broker_exit_at(b, &r, NULL), PAPER_ENOTFOUND);
	paper_account_info a = tu_account(b);
	ck_assert_int_eq(a.cash_e8, a.starting_cash_e8 + a.realized_pnl_e8 - a.fees_e8);
	paper_broker_free(b);
}
END_TEST

START_TEST(exit_at_inside_a_quote)
{
	paper_broker *b = tu_broker_plain();
	ck_ok(paper_broker_on_quote(b, "X", T0, 9.9, 10.1, 10));
	tu_submit(b, "X", PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 3, 0, 0, 0);
	ck_ok(paper_broker_on_quote(b, "X", T0 + 1, 9.9, 10.1, 10));
	paper_exit_request r = PAPER_EXIT_REQUEST_INIT;
	r.symbol = "X";
	r.price = 10.2;
	r.fill_reason = PAPER_FILL_MARKET_QUOTE;
	ck_assert_int_eq(paper_broker_exit_at(b, &r, NULL), PAPER_EPRICE);
	r.price = 10.1;
	ck_ok(paper_broker_exit_at(b, &r, NULL));
	ck_assert_uint_eq(tu_account(b).open_positions, 0);
	r.version = 9;
	ck_assert_int_eq(paper_broker_exit_at(b, &r, NULL), PAPER_EVERSION);
	paper_broker_free(b);
}
END_TEST

START_TEST(reference_price_follows_the_latest_data)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "limits.max_order_notional", "1500"));
	paper_broker *b = tu_broker(cfg);
	ck_ok(paper_broker_on_quote(b, "X", T0, 99, 100, 99.5));
	ck_ok(paper_broker_on_bar(b, "X", T0 + HOUR_US, 200, 200, 200, 200, 1e6));
	/* 10 x 200 = 2000 > 1500: the bar, not the older quote's ask of 100, prices the check. */
	ck_assert_int_eq(tu_submit_rc(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 10, 0, 0, 0), PAPER_ELIMIT);
	ck_ok(paper_broker_on_quote(b, "X", T0 + 2 * HOUR_US, 99, 100, 99.5));
	tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 10, 0, 0, 0);
	paper_broker_free(b);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fills");
	TCase *tc = tcase_create("rules");
	tcase_add_test(tc, market_fills_at_next_bar_open);
	tcase_add_test(tc, no_look_ahead_on_earlier_data);
	tcase_add_test(tc, stop_gap_fills_at_worse_open);
	tcase_add_test(tc, limit_gap_fills_at_better_open);
	tcase_add_test(tc, stop_limit_triggers_then_rests);
	tcase_add_test(tc, quote_rules);
	tcase_add_test(tc, slippage_model);
	tcase_add_test(tc, same_seed_same_fills);
	tcase_add_test(tc, volume_cap_partial_fills_across_bars);
	tcase_add_test(tc, duplicate_bar_refused);
	tcase_add_test(tc, oco_both_inside_one_bar_pessimistic);
	tcase_add_test(tc, oco_both_inside_one_bar_optimistic);
	tcase_add_test(tc, oco_gap_at_open_wins_unambiguously);
	tcase_add_test(tc, oco_one_side_only);
	tcase_add_test(tc, close_position_at_mark);
	tcase_add_test(tc, cancel_all_by_symbol);
	tcase_add_test(tc, exit_at_a_price_the_bar_reached);
	tcase_add_test(tc, exit_at_inside_a_quote);
	tcase_add_test(tc, reference_price_follows_the_latest_data);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
