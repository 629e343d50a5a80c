/*
 * Sessions: the exit rules of docs/semantics.md ("Sessions"), one hand-built bar sequence
 * each, with costs off so every price is exact. Defaults: notional 1000, take profit 2%, stop
 * loss 1.5%, time limit 240 minutes, exits from the entry bar.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "testutil.h"

#define SYM "X"

/* A plain broker (no costs, no limits in the way) with extra key/value pairs, NULL-ended. */
static paper_broker *broker_with(const char *key, ...)
{
	paper_config *cfg = tu_config_plain();
	va_list ap;
	va_start(ap, key);
	for (const char *k = key; k; k = va_arg(ap, const char *))
		ck_ok(paper_config_set(cfg, k, va_arg(ap, const char *)));
	va_end(ap);
	return tu_broker(cfg);
}

static paper_session *session_on(paper_broker *b)
{
	paper_session *s = NULL;
	ck_ok(paper_session_new(&s, b));
	return s;
}

static void bar(paper_session *s, paper_ts t, double o, double h, double l, double c)
{
	ck_ok(paper_session_on_bar(s, SYM, t, o, h, l, c, 1e6));
}

static paper_verdict signal_full(paper_session *s, paper_direction d, paper_ts ts, double conf,
				 double tp, double sl)
{
	paper_signal sig = PAPER_SIGNAL_INIT;
	paper_verdict v;
	sig.symbol = SYM;
	sig.direction = d;
	sig.ts = ts;
	sig.confidence = conf;
	sig.take_profit = tp;
	sig.stop_loss = sl;
	int rc = paper_session_on_signal(s, &sig, &v, NULL);
	ck_assert_msg(rc == PAPER_OK || v == PAPER_VERDICT_REJECTED, "on_signal: %d %s", rc,
		      paper_last_error());
	return v;
}

static paper_verdict send(paper_session *s, paper_direction d, paper_ts ts)
{
	return signal_full(s, d, ts, 0.9, 0, 0);
}

static paper_trade_info trade_at(paper_broker *b, size_t i)
{
	paper_trade_info t = PAPER_TRADE_INFO_INIT;
	ck_ok(paper_broker_trade_at(b, i, &t));
	return t;
}

static paper_trade_info last_trade(paper_broker *b)
{
	size_t n = paper_broker_trade_count(b);
	ck_assert_uint_gt(n, 0);
	return trade_at(b, n - 1);
}

static paper_fill_info last_fill(paper_broker *b)
{
	paper_fill_info f = PAPER_FILL_INFO_INIT;
	size_t n = paper_broker_fill_count(b);
	ck_assert_uint_gt(n, 0);
	ck_ok(paper_broker_fill_at(b, n - 1, &f));
	return f;
}

static paper_session_stats stats(paper_session *s)
{
	paper_session_stats st = PAPER_SESSION_STATS_INIT;
	ck_ok(paper_session_stats_get(s, &st));
	return st;
}

/* A flat bar at T0, a signal after it, and the entry filled at 100 on the bar at T0 + 1h. */
static void enter_at_100(paper_session *s, paper_direction d, double h, double l)
{
	bar(s, T0, 100, 100, 100, 100);
	ck_assert_int_eq(send(s, d, T0), PAPER_VERDICT_TRADE);
	ck_assert_uint_eq(paper_session_position_count(s), 0); /* waiting for the next bar */
	bar(s, T0 + HOUR_US, 100, h, l, 100);
	ck_assert_uint_eq(paper_session_position_count(s), 1);
	paper_session_position p = PAPER_SESSION_POSITION_INIT;
	ck_ok(paper_session_position_at(s, 0, &p));
	ck_assert_double_eq(p.entry_price, 100);
	ck_assert_double_eq(fabs(p.qty), 10);
	ck_assert_int_eq(p.entry_ts, T0 + HOUR_US);
}

static void assert_exit(paper_broker *b, paper_exit_reason reason, paper_fill_reason fill_reason,
			double price, double pnl)
{
	paper_trade_info t = last_trade(b);
	paper_fill_info f = last_fill(b);
	ck_assert_msg(t.exit_reason == reason, "exit reason %s, expected %s",
		      paper_exit_reason_str(t.exit_reason), paper_exit_reason_str(reason));
	ck_assert_msg(f.reason == fill_reason, "fill reason %s, expected %s",
		      paper_fill_reason_str(f.reason), paper_fill_reason_str(fill_reason));
	ck_assert_double_eq_tol(t.exit_price, price, 1e-9);
	ck_assert_double_eq_tol(t.pnl_net, pnl, 1e-9);
}

/* ---- gaps and the range ---- */

START_TEST(gap_through_stop_fills_at_open)
{
	paper_broker *b = broker_with(NULL);
	paper_session *s = session_on(b);
	enter_at_100(s, PAPER_LONG, 100.5, 99.5);
	bar(s, T0 + 2 * HOUR_US, 97, 97.5, 96, 97); /* opens below the 98.5 stop */
	assert_exit(b, PAPER_EXIT_STOP_LOSS, PAPER_FILL_STOP_GAP, 97, -30);
	ck_assert_uint_eq(paper_session_position_count(s), 0);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

START_TEST(gap_through_target_fills_at_open)
{
	paper_broker *b = broker_with(NULL);
	paper_session *s = session_on(b);
	enter_at_100(s, PAPER_LONG, 100.5, 99.5);
	bar(s, T0 + 2 * HOUR_US, 103, 104, 102.5, 103.5); /* opens above the 102 target */
	assert_exit(b, PAPER_EXIT_TAKE_PROFIT, PAPER_FILL_LIMIT_GAP, 103, 30);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

START_TEST(stop_and_target_inside_the_range)
{
	paper_broker *b = broker_with(NULL);
	paper_session *s = session_on(b);
	enter_at_100(s, PAPER_LONG, 100.5, 99.5);
	bar(s, T0 + 2 * HOUR_US, 100, 101, 98, 99);
	assert_exit(b, PAPER_EXIT_STOP_LOSS, PAPER_FILL_STOP_TRIGGERED, 98.5, -15);
	ck_assert_uint_eq(last_fill(b).flags & PAPER_FILL_FLAG_AMBIGUOUS, 0);

	bar(s, T0 + 3 * HOUR_US, 100, 100, 100, 100);
	ck_assert_int_eq(send(s, PAPER_LONG, T0 + 3 * HOUR_US), PAPER_VERDICT_TRADE);
	bar(s, T0 + 4 * HOUR_US, 100, 100.5, 99.8, 100);
	bar(s, T0 + 5 * HOUR_US, 100.5, 102.5, 100, 101);
	assert_exit(b, PAPER_EXIT_TAKE_PROFIT, PAPER_FILL_LIMIT_TOUCHED, 102, 20);
	ck_assert_uint_eq(stats(s).ambiguous_trades, 0);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

/* Both levels inside one bar: the intrabar rule decides, the fill is flagged, and the summary
 * gives the P&L the other rule would have made. */
static void both_in_one_bar(const char *rule, paper_exit_reason reason, paper_fill_reason fr,
			    double price, double alt, double pnl, double opposite)
{
	paper_broker *b = broker_with("engine.intrabar", rule, NULL);
	paper_session *s = session_on(b);
	enter_at_100(s, PAPER_LONG, 100.5, 99.5);
	bar(s, T0 + 2 * HOUR_US, 100, 103, 98, 100);
	assert_exit(b, reason, fr, price, pnl);
	paper_fill_info f = last_fill(b);
	ck_assert(f.flags & PAPER_FILL_FLAG_AMBIGUOUS);
	ck_assert_double_eq(f.alt_price, alt);
	paper_session_stats st = stats(s);
	ck_assert_uint_eq(st.ambiguous_trades, 1);
	ck_assert_double_eq_tol(st.pnl_net, pnl, 1e-9);
	ck_assert_double_eq_tol(st.pnl_net_opposite_rule, opposite, 1e-9);
	char *json = NULL;
	ck_ok(paper_session_summary_json(s, 0, &json));
	ck_assert_ptr_nonnull(strstr(json, "\"ambiguous_trades\":1"));
	ck_assert_ptr_nonnull(strstr(json, rule));
	paper_string_free(json);
	paper_session_free(s);
	paper_broker_free(b);
}

START_TEST(both_in_one_bar_pessimistic)
{
	both_in_one_bar("pessimistic", PAPER_EXIT_STOP_LOSS, PAPER_FILL_STOP_TRIGGERED, 98.5, 102,
			-15, 20);
}
END_TEST

START_TEST(both_in_one_bar_optimistic)
{
	both_in_one_bar("optimistic", PAPER_EXIT_TAKE_PROFIT, PAPER_FILL_LIMIT_TOUCHED, 102, 98.5,
			20, -15);
}
END_TEST

/* With fees, the opposite-rule P&L keeps the fees as they were. */
START_TEST(ambiguity_keeps_fees)
{
	paper_broker *b = broker_with("costs.commission_min", "1", NULL);
	paper_session *s = session_on(b);
	enter_at_100(s, PAPER_LONG, 100.5, 99.5);
	bar(s, T0 + 2 * HOUR_US, 100, 103, 98, 100);
	paper_session_stats st = stats(s);
	paper_trade_info t = last_trade(b);
	ck_assert_double_eq_tol(t.fees, 2, 1e-9);
	ck_assert_double_eq_tol(st.pnl_net, -17, 1e-9);
	ck_assert_double_eq_tol(st.pnl_net_opposite_rule, 18, 1e-9);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

/* ---- time exits ---- */

/* Irregular bars: the exit is at the open of the first bar stamped at or after entry + 240 min,
 * however many bars came before it. */
START_TEST(time_exit_measured_in_time)
{
	paper_broker *b = broker_with(NULL);
	paper_session *s = session_on(b);
	enter_at_100(s, PAPER_LONG, 100.5, 99.5);
	paper_ts entry = T0 + HOUR_US;
	bar(s, entry + 10 * MIN_US, 100, 100.2, 99.9, 100);
	bar(s, entry + 20 * MIN_US, 100, 100.2, 99.9, 100);
	bar(s, entry + 3 * HOUR_US, 100, 100.2, 99.9, 100);
	bar(s, entry + 239 * MIN_US, 100.1, 100.2, 99.9, 100);
	ck_assert_uint_eq(paper_broker_trade_count(b), 0);
	bar(s, entry + 300 * MIN_US, 100.7, 101, 100.5, 100.8);
	assert_exit(b, PAPER_EXIT_TIME_LIMIT, PAPER_FILL_MARKET_OPEN, 100.7, 7);
	ck_assert_int_eq(last_trade(b).exit_ts, entry + 300 * MIN_US);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

START_TEST(time_exit_at_the_deadline_bar)
{
	paper_broker *b = broker_with("session.max_hold_minutes", "90", NULL);
	paper_session *s = session_on(b);
	enter_at_100(s, PAPER_SHORT, 100.5, 99.5);
	bar(s, T0 + HOUR_US + 90 * MIN_US, 99, 99.5, 98.5, 99);
	assert_exit(b, PAPER_EXIT_TIME_LIMIT, PAPER_FILL_MARKET_OPEN, 99, 10);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

START_TEST(no_time_exit_when_zero)
{
	paper_broker *b = broker_with("session.max_hold_minutes", "0", NULL);
	paper_session *s = session_on(b);
	enter_at_100(s, PAPER_LONG, 100.5, 99.5);
	bar(s, T0 + 300 * HOUR_US, 100, 100.2, 99.9, 100);
	ck_assert_uint_eq(paper_session_position_count(s), 1);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

/* ---- reverse signals ---- */

START_TEST(reverse_signal_exits)
{
	paper_broker *b = broker_with(NULL);
	paper_session *s = session_on(b);
	enter_at_100(s, PAPER_LONG, 100.5, 99.5);
	ck_assert_int_eq(send(s, PAPER_LONG, T0 + HOUR_US), PAPER_VERDICT_POSITION_OPEN);
	ck_assert_int_eq(send(s, PAPER_SHORT, T0 + HOUR_US), PAPER_VERDICT_REVERSE_EXIT);
	ck_assert_int_eq(send(s, PAPER_SHORT, T0 + HOUR_US), PAPER_VERDICT_POSITION_OPEN);
	bar(s, T0 + 2 * HOUR_US, 101, 101.5, 100.5, 101);
	assert_exit(b, PAPER_EXIT_REVERSE_SIGNAL, PAPER_FILL_MARKET_OPEN, 101, 10);
	/* It exits, it does not reverse. */
	ck_assert_uint_eq(paper_broker_position_count(b), 0);
	ck_assert_uint_eq(paper_session_position_count(s), 0);
	ck_assert_uint_eq(stats(s).verdicts[PAPER_VERDICT_REVERSE_EXIT], 1);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

START_TEST(reverse_signal_ignored)
{
	paper_broker *b = broker_with("session.on_reverse", "ignore", NULL);
	paper_session *s = session_on(b);
	enter_at_100(s, PAPER_LONG, 100.5, 99.5);
	ck_assert_int_eq(send(s, PAPER_SHORT, T0 + HOUR_US), PAPER_VERDICT_REVERSE_IGNORED);
	bar(s, T0 + 2 * HOUR_US, 101, 101.5, 100.5, 101);
	ck_assert_uint_eq(paper_broker_trade_count(b), 0);
	ck_assert_uint_eq(paper_session_position_count(s), 1);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

START_TEST(reverse_before_the_entry_fills_cancels_it)
{
	paper_broker *b = broker_with(NULL);
	paper_session *s = session_on(b);
	bar(s, T0, 100, 100, 100, 100);
	ck_assert_int_eq(send(s, PAPER_LONG, T0), PAPER_VERDICT_TRADE);
	ck_assert_int_eq(send(s, PAPER_SHORT, T0 + MIN_US), PAPER_VERDICT_REVERSE_EXIT);
	bar(s, T0 + HOUR_US, 100, 100.5, 99.5, 100);
	ck_assert_uint_eq(paper_broker_position_count(b), 0);
	ck_assert_uint_eq(paper_broker_fill_count(b), 0);
	ck_assert_uint_eq(stats(s).entries_failed, 1);
	/* A weak opposite signal does not exit. */
	ck_assert_int_eq(send(s, PAPER_LONG, T0 + HOUR_US), PAPER_VERDICT_TRADE);
	bar(s, T0 + 2 * HOUR_US, 100, 100.5, 99.5, 100);
	ck_assert_int_eq(signal_full(s, PAPER_SHORT, T0 + 2 * HOUR_US, 0.3, 0, 0),
			 PAPER_VERDICT_LOW_CONFIDENCE);
	ck_assert_uint_eq(paper_session_position_count(s), 1);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

/* ---- trailing stop ---- */

START_TEST(trailing_stop_ratchets_after_each_bar)
{
	paper_broker *b = broker_with("session.trailing_pct", "1", "session.sl_pct", "5",
				      "session.tp_pct", "0", NULL);
	paper_session *s = session_on(b);
	enter_at_100(s, PAPER_LONG, 100, 100);
	paper_session_position p = PAPER_SESSION_POSITION_INIT;
	ck_ok(paper_session_position_at(s, 0, &p));
	ck_assert_double_eq(p.trailing_stop, 99);
	ck_assert_double_eq(p.take_profit, 0);
	/* The new high moves the stop for the next bar, not for this one (low 100 < 103.95). */
	bar(s, T0 + 2 * HOUR_US, 100, 105, 100, 104.5);
	ck_assert_uint_eq(paper_broker_trade_count(b), 0);
	ck_ok(paper_session_position_at(s, 0, &p));
	ck_assert_double_eq(p.trailing_stop, 103.95);
	bar(s, T0 + 3 * HOUR_US, 104.5, 104.6, 104, 104.2); /* holds */
	ck_assert_uint_eq(paper_broker_trade_count(b), 0);
	bar(s, T0 + 4 * HOUR_US, 104.2, 104.3, 103.5, 103.6);
	assert_exit(b, PAPER_EXIT_TRAILING_STOP, PAPER_FILL_STOP_TRIGGERED, 103.95, 39.5);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

START_TEST(trailing_stop_short_gap)
{
	paper_broker *b = broker_with("session.trailing_pct", "2", "session.sl_pct", "0",
				      "session.tp_pct", "0", NULL);
	paper_session *s = session_on(b);
	enter_at_100(s, PAPER_SHORT, 100, 100);
	bar(s, T0 + 2 * HOUR_US, 99, 99, 90, 91); /* best 90: stop 91.8 from the next bar */
	ck_assert_uint_eq(paper_broker_trade_count(b), 0);
	bar(s, T0 + 3 * HOUR_US, 93, 94, 92.5, 93); /* opens above 91.8 */
	assert_exit(b, PAPER_EXIT_TRAILING_STOP, PAPER_FILL_STOP_GAP, 93, 70);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

/* ---- shorts ---- */

START_TEST(short_take_profit_and_stop_signs)
{
	paper_broker *b = broker_with(NULL);
	paper_session *s = session_on(b);
	enter_at_100(s, PAPER_SHORT, 100.5, 99.5);
	paper_session_position p = PAPER_SESSION_POSITION_INIT;
	ck_ok(paper_session_position_at(s, 0, &p));
	ck_assert_double_eq(p.qty, -10);
	ck_assert_double_eq(p.take_profit, 98);
	ck_assert_double_eq(p.stop_loss, 101.5);
	bar(s, T0 + 2 * HOUR_US, 99, 99.5, 97.5, 98); /* reaches 98 */
	assert_exit(b, PAPER_EXIT_TAKE_PROFIT, PAPER_FILL_LIMIT_TOUCHED, 98, 20);
	ck_assert_int_eq(last_trade(b).direction, PAPER_SHORT);

	bar(s, T0 + 3 * HOUR_US, 100, 100, 100, 100);
	ck_assert_int_eq(send(s, PAPER_SHORT, T0 + 3 * HOUR_US), PAPER_VERDICT_TRADE);
	bar(s, T0 + 4 * HOUR_US, 100, 100.2, 99.9, 100);
	bar(s, T0 + 5 * HOUR_US, 100.5, 102, 100.4, 101); /* reaches the 101.5 stop */
	assert_exit(b, PAPER_EXIT_STOP_LOSS, PAPER_FILL_STOP_TRIGGERED, 101.5, -15);

	bar(s, T0 + 6 * HOUR_US, 100, 100, 100, 100);
	ck_assert_int_eq(send(s, PAPER_SHORT, T0 + 6 * HOUR_US), PAPER_VERDICT_TRADE);
	bar(s, T0 + 7 * HOUR_US, 100, 100.2, 99.9, 100);
	bar(s, T0 + 8 * HOUR_US, 103, 104, 102.5, 103); /* gaps up through the stop */
	assert_exit(b, PAPER_EXIT_STOP_LOSS, PAPER_FILL_STOP_GAP, 103, -30);
	paper_account_info a = tu_account(b);
	ck_assert_double_eq_tol(a.cash, 100000 + 20 - 15 - 30, 1e-9);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

/* ---- where exits start ---- */

START_TEST(exits_from_entry_bar_or_next_bar)
{
	for (int next = 0; next < 2; next++) {
		paper_broker *b = broker_with("session.exits_from", next ? "next_bar" : "entry_bar", NULL);
		paper_session *s = session_on(b);
		bar(s, T0, 100, 100, 100, 100);
		send(s, PAPER_LONG, T0);
		bar(s, T0 + HOUR_US, 100, 103, 100, 102.5); /* the entry bar reaches the target */
		ck_assert_uint_eq(paper_broker_trade_count(b), next ? 0 : 1);
		if (!next)
			assert_exit(b, PAPER_EXIT_TAKE_PROFIT, PAPER_FILL_LIMIT_TOUCHED, 102, 20);
		bar(s, T0 + 2 * HOUR_US, 102.5, 102.6, 101, 101.5);
		if (next) /* evaluated from this bar: it opened above the target */
			assert_exit(b, PAPER_EXIT_TAKE_PROFIT, PAPER_FILL_LIMIT_GAP, 102.5, 25);
		ck_assert_uint_eq(paper_broker_trade_count(b), 1);
		paper_session_free(s);
		paper_broker_free(b);
	}
}
END_TEST

/* A signal's absolute levels replace the percentages, unless switched off. */
START_TEST(signal_targets)
{
	for (int use = 0; use < 2; use++) {
		paper_broker *b = broker_with("session.use_signal_targets", use ? "true" : "false", NULL);
		paper_session *s = session_on(b);
		bar(s, T0, 100, 100, 100, 100);
		signal_full(s, PAPER_LONG, T0, 0.9, 110, 95);
		bar(s, T0 + HOUR_US, 100, 100.5, 99.5, 100);
		paper_session_position p = PAPER_SESSION_POSITION_INIT;
		ck_ok(paper_session_position_at(s, 0, &p));
		ck_assert_double_eq(p.take_profit, use ? 110 : 102);
		ck_assert_double_eq(p.stop_loss, use ? 95 : 98.5);
		paper_session_free(s);
		paper_broker_free(b);
	}
}
END_TEST

/* ---- sizing ---- */

static double size_of(paper_session *s, double confidence, double risk)
{
	paper_signal sig = PAPER_SIGNAL_INIT;
	double q = -1;
	sig.symbol = SYM;
	sig.confidence = confidence;
	sig.risk = risk;
	ck_ok(paper_session_size(s, &sig, &q));
	return q;
}

START_TEST(sizing_notional_and_lots)
{
	paper_broker *b = broker_with("session.notional", "1000", NULL);
	paper_session *s = session_on(b);
	paper_signal sig = PAPER_SIGNAL_INIT;
	double q;
	sig.symbol = SYM;
	ck_assert_int_eq(paper_session_size(s, &sig, &q), PAPER_ENODATA);
	bar(s, T0, 30.3, 30.3, 30.3, 30.3);
	ck_assert_double_eq(size_of(s, 0.9, 0), 33); /* 1000 / 30.3 = 33.0033 */
	ck_ok(paper_session_set_symbol_lot(s, SYM, 10, false));
	ck_assert_double_eq(size_of(s, 0.9, 0), 30);
	ck_ok(paper_session_set_symbol_lot(s, SYM, 0.001, true));
	ck_assert_double_eq(size_of(s, 0.9, 0), 33.003);
	ck_assert_int_eq(paper_session_set_symbol_lot(s, SYM, 0.5, false), PAPER_EQTY);
	ck_assert_int_eq(paper_session_set_symbol_lot(s, SYM, 0, true), PAPER_EQTY);
	ck_ok(paper_session_set_symbol_lot(s, SYM, 100, false));
	ck_assert_double_eq(size_of(s, 0.9, 0), 0);
	ck_assert_int_eq(send(s, PAPER_LONG, T0), PAPER_VERDICT_SIZE_ZERO);
	ck_assert_uint_eq(paper_broker_open_order_count(b), 0);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

START_TEST(sizing_qty_and_config_lot)
{
	paper_broker *b = broker_with("session.sizing", "qty", "session.qty", "7.5",
				      "session.lot_size", "0.5", "session.fractional", "true", NULL);
	paper_session *s = session_on(b);
	bar(s, T0, 123, 123, 123, 123);
	ck_assert_double_eq(size_of(s, 0.9, 0), 7.5);
	paper_session_free(s);
	paper_broker_free(b);
	b = broker_with("session.sizing", "qty", "session.qty", "7.5", NULL);
	s = session_on(b);
	bar(s, T0, 123, 123, 123, 123);
	ck_assert_double_eq(size_of(s, 0.9, 0), 7); /* whole units by default */
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

START_TEST(sizing_fraction_by_confidence_and_risk)
{
	paper_broker *b = broker_with("session.sizing", "fraction", "limits.max_position_fraction",
				      "0.21", NULL);
	paper_session *s = session_on(b);
	bar(s, T0, 100, 100, 100, 100);
	/* equity 100000 x 0.2 x confidence / 0.8 x (1 - 0.5 x risk) / price 100 */
	ck_assert_double_eq(size_of(s, 0.8, 0), 200);
	ck_assert_double_eq(size_of(s, 0.6, 0), 150);
	ck_assert_double_eq(size_of(s, 0.8, 0.5), 150);
	ck_assert_double_eq(size_of(s, -1, 0), 200); /* no confidence: counted as 0.8 */
	/* 0.95 / 0.8 x 0.2 = 0.2375 > the 0.21 cap */
	ck_assert_double_eq(size_of(s, 0.95, 0), 209);
	/* The capped entry is accepted by the broker's max_position_fraction check. */
	ck_assert_int_eq(signal_full(s, PAPER_LONG, T0, 0.95, 0, 0), PAPER_VERDICT_TRADE);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

/*
 * Sized at a decision's own price (ref_price) below the market: the fraction is of that price,
 * the cap of the market's, where the broker checks it (seed 002: 10,000 x 0.2 x 0.8 / 0.8 =
 * 2,000 at 4,000 is 0.5, the cap at 4,001 is 0.4998 in lots of 0.0001).
 */
START_TEST(sizing_fraction_at_a_ref_price_stays_under_the_cap)
{
	paper_broker *b = broker_with("session.sizing", "fraction", "limits.max_position_fraction",
				      "0.2", "account.starting_cash", "10000", "session.fractional",
				      "true", "session.lot_size", "0.0001", NULL);
	paper_session *s = session_on(b);
	bar(s, T0, 4001, 4001, 4001, 4001);
	paper_signal sig = PAPER_SIGNAL_INIT;
	sig.symbol = SYM;
	sig.confidence = 0.8;
	sig.ref_price = 4000;
	double qty = 0;
	ck_ok(paper_session_size(s, &sig, &qty));
	ck_assert_double_eq(qty, 0.4998);
	paper_verdict v;
	uint64_t id = 0;
	ck_ok(paper_session_on_signal(s, &sig, &v, &id));
	ck_assert_int_eq(v, PAPER_VERDICT_TRADE);
	/* Below the cap, the decision's price sizes it: 0.6 / 0.8 x 2,000 = 1,500 / 4,000. */
	sig.symbol = "OTHER";
	ck_ok(paper_session_on_bar(s, "OTHER", T0, 4001, 4001, 4001, 4001, 1e6));
	sig.confidence = 0.6;
	ck_ok(paper_session_size(s, &sig, &qty));
	ck_assert_double_eq(qty, 0.375);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

/* ---- should_trade ---- */

START_TEST(should_trade_rules)
{
	paper_broker *b = broker_with("limits.allowed_symbols", "X,Y", NULL);
	paper_session *s = session_on(b);
	paper_signal sig = PAPER_SIGNAL_INIT;
	paper_verdict v;
	sig.symbol = SYM;
	sig.confidence = 0.7;
	bar(s, T0, 100, 100, 100, 100);
	ck_ok(paper_session_should_trade(s, &sig, &v));
	ck_assert_int_eq(v, PAPER_VERDICT_TRADE);
	sig.confidence = 0.59;
	ck_ok(paper_session_should_trade(s, &sig, &v));
	ck_assert_int_eq(v, PAPER_VERDICT_LOW_CONFIDENCE);
	sig.confidence = -1; /* none: not checked */
	ck_ok(paper_session_should_trade(s, &sig, &v));
	ck_assert_int_eq(v, PAPER_VERDICT_TRADE);
	sig.symbol = "Z";
	ck_ok(paper_session_should_trade(s, &sig, &v));
	ck_assert_int_eq(v, PAPER_VERDICT_SYMBOL_NOT_ALLOWED);
	sig.symbol = SYM;
	ck_ok(paper_session_set_enabled(s, false));
	ck_ok(paper_session_should_trade(s, &sig, &v));
	ck_assert_int_eq(v, PAPER_VERDICT_DISABLED);
	ck_ok(paper_session_set_enabled(s, true));
	sig.signal_id = "sig-1";
	sig.ts = T0;
	sig.confidence = 0.9;
	ck_ok(paper_session_on_signal(s, &sig, &v, NULL));
	ck_assert_int_eq(v, PAPER_VERDICT_TRADE);
	ck_ok(paper_session_should_trade(s, &sig, &v));
	ck_assert_int_eq(v, PAPER_VERDICT_POSITION_OPEN); /* an earlier entry waits to fill */
	bar(s, T0 + HOUR_US, 100, 100.5, 99.5, 100);
	ck_ok(paper_session_exit(s, SYM, PAPER_EXIT_MANUAL));
	ck_ok(paper_session_should_trade(s, &sig, &v));
	ck_assert_int_eq(v, PAPER_VERDICT_DUPLICATE_SIGNAL);
	sig.signal_id = "sig-2";
	ck_ok(paper_session_should_trade(s, &sig, &v));
	ck_assert_int_eq(v, PAPER_VERDICT_TRADE);
	/* Bad signals are errors, not verdicts. */
	sig.confidence = 1.5;
	ck_assert_int_eq(paper_session_should_trade(s, &sig, &v), PAPER_EINVAL);
	sig.confidence = 0.9;
	sig.take_profit = 90;
	sig.stop_loss = 95;
	ck_assert_int_eq(paper_session_should_trade(s, &sig, &v), PAPER_EPRICE);
	sig.version = 99;
	ck_assert_int_eq(paper_session_should_trade(s, &sig, &v), PAPER_EVERSION);
	paper_session_free(s);
	paper_broker_free(b);

	b = broker_with("limits.aggressive", "true", NULL);
	s = session_on(b);
	sig = (paper_signal)PAPER_SIGNAL_INIT;
	sig.symbol = SYM;
	sig.confidence = 0.1;
	ck_ok(paper_session_should_trade(s, &sig, &v));
	ck_assert_int_eq(v, PAPER_VERDICT_TRADE);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

/* The broker's own refusals come back as the verdict rejected with its code. */
START_TEST(broker_refusals)
{
	paper_broker *b = broker_with("limits.max_open_positions", "1", NULL);
	paper_session *s = session_on(b);
	paper_signal sig = PAPER_SIGNAL_INIT;
	paper_verdict v;
	sig.confidence = 0.9;
	sig.symbol = "NODATA";
	ck_assert_int_eq(paper_session_on_signal(s, &sig, &v, NULL), PAPER_ENODATA);
	ck_assert_int_eq(v, PAPER_VERDICT_REJECTED);
	bar(s, T0, 100, 100, 100, 100);
	ck_ok(paper_session_on_bar(s, "Y", T0, 50, 50, 50, 50, 1e6));
	ck_assert_int_eq(send(s, PAPER_LONG, T0), PAPER_VERDICT_TRADE);
	bar(s, T0 + HOUR_US, 100, 100.5, 99.5, 100);
	sig.symbol = "Y";
	sig.ts = T0 + HOUR_US;
	ck_assert_int_eq(paper_session_on_signal(s, &sig, &v, NULL), PAPER_ELIMIT);
	ck_assert_int_eq(v, PAPER_VERDICT_REJECTED);
	ck_assert_uint_eq(stats(s).verdicts[PAPER_VERDICT_REJECTED], 2);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

/* Entries accepted together may not all fill: the ones refused at fill time are dropped. */
START_TEST(entry_refused_at_fill)
{
	paper_broker *b = broker_with("limits.max_open_positions", "1", NULL);
	paper_session *s = session_on(b);
	bar(s, T0, 100, 100, 100, 100);
	ck_ok(paper_session_on_bar(s, "Y", T0, 50, 50, 50, 50, 1e6));
	paper_signal sig = PAPER_SIGNAL_INIT;
	sig.confidence = 0.9;
	sig.symbol = "Y";
	sig.ts = T0;
	paper_verdict v;
	ck_ok(paper_session_on_signal(s, &sig, &v, NULL));
	ck_assert_int_eq(send(s, PAPER_LONG, T0), PAPER_VERDICT_TRADE);
	ck_ok(paper_session_on_bar(s, "Y", T0 + HOUR_US, 50, 50, 50, 50, 1e6));
	bar(s, T0 + HOUR_US, 100, 100.5, 99.5, 100); /* refused: Y holds the one position */
	paper_session_stats st = stats(s);
	ck_assert_uint_eq(st.entries, 2);
	ck_assert_uint_eq(st.entries_filled, 1);
	ck_assert_uint_eq(st.entries_failed, 1);
	ck_assert_uint_eq(paper_session_position_count(s), 1);
	/* X is free for a new signal again (the broker's position limit aside). */
	sig.symbol = SYM;
	ck_ok(paper_session_should_trade(s, &sig, &v));
	ck_assert_int_eq(v, PAPER_VERDICT_TRADE);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

/* ---- manual, force, end of data ---- */

START_TEST(end_of_data_at_last_close)
{
	paper_broker *b = broker_with(NULL);
	paper_session *s = session_on(b);
	enter_at_100(s, PAPER_LONG, 100.5, 99.5);
	bar(s, T0 + 2 * HOUR_US, 100.5, 101, 100, 100.75);
	ck_ok(paper_session_exit_all(s, PAPER_EXIT_END_OF_DATA));
	assert_exit(b, PAPER_EXIT_END_OF_DATA, PAPER_FILL_AT_MARK, 100.75, 7.5);
	ck_assert_int_eq(last_trade(b).exit_ts, T0 + 2 * HOUR_US);
	ck_assert_uint_eq(stats(s).exits[PAPER_EXIT_END_OF_DATA], 1);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

START_TEST(force_exit_cancels_orders_first)
{
	paper_broker *b = broker_with(NULL);
	paper_session *s = session_on(b);
	enter_at_100(s, PAPER_LONG, 100.5, 99.5);
	ck_ok(paper_session_on_bar(s, "Y", T0 + HOUR_US, 50, 50, 50, 50, 1e6));
	paper_signal sig = PAPER_SIGNAL_INIT;
	sig.confidence = 0.9;
	sig.symbol = "Y";
	sig.direction = PAPER_SHORT;
	ck_ok(paper_session_on_signal(s, &sig, NULL, NULL));
	tu_submit(b, "X", PAPER_SIDE_SELL, PAPER_ORDER_LIMIT, 5, 150, 0, 0);
	ck_assert_uint_eq(paper_broker_open_order_count(b), 2);
	ck_ok(paper_session_exit_all(s, PAPER_EXIT_FORCE));
	ck_assert_uint_eq(paper_broker_open_order_count(b), 0);
	ck_assert_uint_eq(paper_broker_position_count(b), 0);
	assert_exit(b, PAPER_EXIT_FORCE, PAPER_FILL_AT_MARK, 100, 0);
	ck_assert_uint_eq(stats(s).entries_failed, 1);
	ck_assert_int_eq(paper_session_exit_all(s, PAPER_EXIT_NONE), PAPER_EINVAL);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

START_TEST(manual_exit)
{
	paper_broker *b = broker_with(NULL);
	paper_session *s = session_on(b);
	ck_assert_int_eq(paper_session_exit(s, SYM, PAPER_EXIT_MANUAL), PAPER_ENOTFOUND);
	enter_at_100(s, PAPER_SHORT, 100.5, 99.5);
	ck_ok(paper_session_exit(s, SYM, PAPER_EXIT_MANUAL));
	assert_exit(b, PAPER_EXIT_MANUAL, PAPER_FILL_AT_MARK, 100, 0);
	ck_assert_int_eq(paper_session_exit(s, SYM, PAPER_EXIT_MANUAL), PAPER_ENOTFOUND);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

/* ---- live: quotes ---- */

START_TEST(check_exits_on_quotes)
{
	paper_broker *b = broker_with("session.max_hold_minutes", "30", NULL);
	paper_session *s = session_on(b);
	const char *syms[] = { SYM };
	double px[] = { 100 };
	ck_ok(paper_session_check_exits(s, T0, syms, px, 1));
	ck_assert_int_eq(send(s, PAPER_LONG, T0), PAPER_VERDICT_TRADE);
	ck_ok(paper_session_check_exits(s, T0 + MIN_US, syms, px, 1)); /* the entry fills */
	ck_assert_uint_eq(paper_session_position_count(s), 1);
	px[0] = 101.9;
	ck_ok(paper_session_check_exits(s, T0 + 2 * MIN_US, syms, px, 1));
	ck_assert_uint_eq(paper_broker_trade_count(b), 0);
	/* The caller's own quote, then a check of every position. */
	ck_ok(paper_broker_on_quote(b, SYM, T0 + 3 * MIN_US, 102.1, 102.3, 102.2));
	ck_ok(paper_session_check_exits(s, 0, NULL, NULL, 0));
	assert_exit(b, PAPER_EXIT_TAKE_PROFIT, PAPER_FILL_LIMIT_QUOTE, 102.1, 21);

	px[0] = 100;
	/* Sized at the latest ask, 102.3: 9 units. */
	ck_assert_int_eq(send(s, PAPER_LONG, T0 + 3 * MIN_US), PAPER_VERDICT_TRADE);
	ck_ok(paper_session_check_exits(s, T0 + 4 * MIN_US, syms, px, 1));
	ck_ok(paper_session_check_exits(s, T0 + 33 * MIN_US, syms, px, 1));
	ck_assert_uint_eq(paper_broker_trade_count(b), 1);
	px[0] = 100.3;
	ck_ok(paper_session_check_exits(s, T0 + 34 * MIN_US, syms, px, 1));
	assert_exit(b, PAPER_EXIT_TIME_LIMIT, PAPER_FILL_MARKET_QUOTE, 100.3, 2.7);
	ck_assert_int_eq(paper_session_check_exits(s, T0, syms, px, 1), PAPER_ETIME);
	ck_assert_int_eq(paper_session_check_exits(s, T0, NULL, px, 1), PAPER_EINVAL);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

/* ---- intents ---- */

START_TEST(intent_with_limit_and_levels)
{
	paper_broker *b = broker_with(NULL);
	paper_session *s = session_on(b);
	bar(s, T0, 100, 100, 100, 100);
	paper_intent it = PAPER_INTENT_INIT;
	paper_verdict v;
	uint64_t id = 0;
	it.symbol = SYM;
	it.notional = 990;
	it.limit_price = 99;
	it.take_profit = 101;
	it.max_hold = 2 * HOUR_US;
	ck_ok(paper_session_submit_intent(s, &it, &v, &id));
	ck_assert_int_eq(v, PAPER_VERDICT_TRADE);
	ck_assert_double_eq(tu_order(b, id).qty, 10);
	/* Filled at the limit inside the bar: the part of the bar before the fill is not after
	 * the entry, so this bar's high does not take the profit. */
	bar(s, T0 + HOUR_US, 100, 102, 98.5, 100);
	ck_assert_uint_eq(paper_session_position_count(s), 1);
	ck_assert_uint_eq(paper_broker_trade_count(b), 0);
	paper_session_position p = PAPER_SESSION_POSITION_INIT;
	ck_ok(paper_session_position_at(s, 0, &p));
	ck_assert_double_eq(p.stop_loss, 0); /* none given: none */
	ck_assert_int_eq(p.deadline, T0 + 3 * HOUR_US);
	bar(s, T0 + 2 * HOUR_US, 100, 100.5, 80, 90); /* no stop loss to hit */
	ck_assert_uint_eq(paper_broker_trade_count(b), 0);
	bar(s, T0 + 3 * HOUR_US, 91, 91, 90, 90);
	assert_exit(b, PAPER_EXIT_TIME_LIMIT, PAPER_FILL_MARKET_OPEN, 91, -80);
	it.qty = 1;
	ck_assert_int_eq(paper_session_submit_intent(s, &it, &v, NULL), PAPER_EQTY);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

/* ---- the summary ---- */

START_TEST(summary_json)
{
	paper_broker *b = broker_with(NULL);
	paper_session *s = session_on(b);
	enter_at_100(s, PAPER_LONG, 100.5, 99.5);
	char *json = NULL;
	ck_ok(paper_session_summary_json(s, PAPER_SUMMARY_EQUITY_CURVE, &json));
	static const char *const keys[] = {
		"\"signals\":{\"total\":1", "\"ambiguity\":", "\"account\":", "\"open_positions\":[{",
		"\"symbol\":\"X\"", "\"unrealized_pnl\":", "\"managed\":true", "\"take_profit\":102.00",
		"\"recent_trades\":[]", "\"config\":{", "\"session.tp_pct\":2", "\"metrics\":{",
		"\"equity_curve\"",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
		ck_assert_msg(strstr(json, keys[i]), "summary lacks %s:\n%s", keys[i], json);
	/* Schema 2: percent companions, named so. */
	ck_assert_msg(tu_python_accepts(json, "assert d['schema_version'] == 2\n"
					"assert d['format_version'] == 1\n"
					"assert d['trades']['win_rate_pct'] is None\n"
					"p = d['open_positions'][0]\n"
					"assert abs(p['unrealized_pnl_pct'] - p['unrealized_pnl'] / "
					"(p['entry_price'] * p['qty']) * 100) < 1e-9\n"
					"a = d['account']\n"
					"assert abs(a['total_return_pct'] - (a['equity'] / "
					"a['starting_cash'] - 1) * 100) < 1e-9\n"
					"assert d['metrics']['schema_version'] == 2\n"),
		      "summary: %s", json);
	paper_string_free(json);
	ck_assert_int_eq(paper_session_summary_json(s, 0x80, &json), PAPER_EINVAL);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

/* ---- the PAPER lines ---- */

static void collect_line(const paper_log_line *l, void *payload)
{
	ck_assert_uint_eq(l->version, PAPER_LOG_LINE_VERSION);
	g_string_append_printf(payload, "%s %s\n", l->time, l->text);
}

/* The log callback gets every line the log file gets, the session's ENTRY and EXIT with them. */
START_TEST(log_lines_reach_the_callback_as_the_file_has_them)
{
	char *dir = g_dir_make_tmp("paper-log-XXXXXX", NULL);
	char *path = g_build_filename(dir, "paper.log", NULL);
	paper_broker *b = broker_with("logging.log_file", path, "costs.commission_min", "1",
				      "account.name", "acct", NULL);
	GString *got = g_string_new(NULL);
	ck_ok(paper_broker_set_log_callback(b, collect_line, got));
	paper_session *s = session_on(b);
	enter_at_100(s, PAPER_LONG, 100.5, 99.5);
	bar(s, T0 + 2 * HOUR_US, 100, 102.5, 100, 102); /* the 2% target: 102 */
	ck_assert_uint_eq(paper_broker_trade_count(b), 1);
	ck_assert_int_eq(paper_broker_set_log_callback(NULL, collect_line, got), PAPER_EINVAL);
	paper_session_free(s);
	paper_broker_free(b); /* closes the file */
	char *file = NULL;
	ck_assert(g_file_get_contents(path, &file, NULL, NULL));
	ck_assert_str_eq(got->str, file);
	static const char *const want[] = {
		"PAPER ENTRY LONG 10 X @ 100.00 conf 0.90 tp 102.00 sl 98.50 fee 1.00 order 1 account acct\n",
		"PAPER EXIT LONG 10 X @ 102.00 reason take_profit pnl +18.00 (+1.80%) trade 1 account acct\n",
		"PAPER FILL BUY 10 X @ 100.00 fee 1.00 order 1 account acct\n",
		/* One line, in parentheses: clang takes two literals in a row for a missing comma. */
		("PAPER TRADE CLOSED LONG 10 X entry 100.00 exit 102.00 pnl 20.00 fees 2.00 net 18.00 "
		 "exit_reason take_profit trade 1 account acct\n"),
	};
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++)
		ck_assert_msg(strstr(file, want[i]), "no line %s in:\n%s", want[i], file);
	/* ENTRY after the fill it tells of, EXIT after the trade closed. */
	ck_assert(strstr(file, "PAPER FILL BUY") < strstr(file, "PAPER ENTRY"));
	ck_assert(strstr(file, "PAPER TRADE CLOSED") < strstr(file, "PAPER EXIT"));
	g_free(file);
	g_string_free(got, TRUE);
	g_unlink(path);
	g_rmdir(dir);
	g_free(path);
	g_free(dir);
}
END_TEST

/* Without a file, GLib or a callback, no line is made; removing the callback stops them. */
START_TEST(log_callback_removed_stops_the_lines)
{
	paper_broker *b = broker_with(NULL);
	GString *got = g_string_new(NULL);
	ck_ok(paper_broker_set_log_callback(b, collect_line, got));
	paper_session *s = session_on(b);
	bar(s, T0, 100, 100, 100, 100);
	ck_assert_int_eq(send(s, PAPER_SHORT, T0), PAPER_VERDICT_TRADE);
	ck_ok(paper_broker_set_log_callback(b, NULL, NULL));
	bar(s, T0 + HOUR_US, 100, 100, 100, 100);
	ck_assert_uint_eq(paper_session_position_count(s), 1);
	/* Only the order's acceptance was told while the callback was set. */
	ck_assert_msg(strstr(got->str, "PAPER ACCEPTED SELL 10 X market order 1") &&
		      !strstr(got->str, "FILL") && !strstr(got->str, "ENTRY"), "%s", got->str);
	g_string_free(got, TRUE);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

/* ---- a session on a broker that already holds things (a reopened ledger) ---- */

START_TEST(adopts_existing_positions_and_entries)
{
	paper_broker *b = broker_with(NULL);
	ck_ok(paper_broker_on_bar(b, SYM, T0, 100, 100, 100, 100, 1e6));
	tu_submit(b, SYM, PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 10, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, SYM, T0 + HOUR_US, 100, 100.5, 99.5, 100, 1e6));
	ck_ok(paper_broker_on_bar(b, "OTHER", T0 + HOUR_US, 50, 50, 50, 50, 1e6));
	uint64_t entry = tu_submit(b, "OTHER", PAPER_SIDE_SELL, PAPER_ORDER_LIMIT, 4, 51, 0, 0);

	paper_session *s = session_on(b); /* created after the fact */
	ck_assert_uint_eq(paper_session_position_count(s), 1);
	/* 2% above the 100 entry: the adopted position takes its profit. */
	bar(s, T0 + 2 * HOUR_US, 100, 102.5, 99.8, 101);
	assert_exit(b, PAPER_EXIT_TAKE_PROFIT, PAPER_FILL_LIMIT_TOUCHED, 102, 20);

	/* The resting short entry fills; the session then manages it with its own stop (1.5%). */
	ck_ok(paper_session_on_bar(s, "OTHER", T0 + 3 * HOUR_US, 51, 51, 50.5, 51, 1e6));
	ck_assert_int_eq(tu_order(b, entry).status, PAPER_STATUS_FILLED);
	ck_ok(paper_session_on_bar(s, "OTHER", T0 + 4 * HOUR_US, 51, 52, 50.9, 51.9, 1e6));
	paper_trade_info t = last_trade(b);
	ck_assert_str_eq(t.symbol, "OTHER");
	ck_assert_int_eq(t.exit_reason, PAPER_EXIT_STOP_LOSS);
	ck_assert_double_eq_tol(t.exit_price, 51 * 1.015, 1e-9);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("session");
	TCase *tc = tcase_create("exits");
	tcase_add_test(tc, gap_through_stop_fills_at_open);
	tcase_add_test(tc, gap_through_target_fills_at_open);
	tcase_add_test(tc, stop_and_target_inside_the_range);
	tcase_add_test(tc, both_in_one_bar_pessimistic);
	tcase_add_test(tc, both_in_one_bar_optimistic);
	tcase_add_test(tc, ambiguity_keeps_fees);
	tcase_add_test(tc, time_exit_measured_in_time);
	tcase_add_test(tc, time_exit_at_the_deadline_bar);
	tcase_add_test(tc, no_time_exit_when_zero);
	tcase_add_test(tc, reverse_signal_exits);
	tcase_add_test(tc, reverse_signal_ignored);
	tcase_add_test(tc, reverse_before_the_entry_fills_cancels_it);
	tcase_add_test(tc, trailing_stop_ratchets_after_each_bar);
	tcase_add_test(tc, trailing_stop_short_gap);
	tcase_add_test(tc, short_take_profit_and_stop_signs);
	tcase_add_test(tc, exits_from_entry_bar_or_next_bar);
	tcase_add_test(tc, signal_targets);
	tcase_add_test(tc, end_of_data_at_last_close);
	tcase_add_test(tc, force_exit_cancels_orders_first);
	tcase_add_test(tc, manual_exit);
	tcase_add_test(tc, check_exits_on_quotes);
	tcase_add_test(tc, intent_with_limit_and_levels);
	suite_add_tcase(su, tc);
	tc = tcase_create("entries");
	tcase_add_test(tc, sizing_notional_and_lots);
	tcase_add_test(tc, sizing_qty_and_config_lot);
	tcase_add_test(tc, sizing_fraction_by_confidence_and_risk);
	tcase_add_test(tc, sizing_fraction_at_a_ref_price_stays_under_the_cap);
	tcase_add_test(tc, should_trade_rules);
	tcase_add_test(tc, broker_refusals);
	tcase_add_test(tc, entry_refused_at_fill);
	tcase_add_test(tc, summary_json);
	tcase_add_test(tc, log_lines_reach_the_callback_as_the_file_has_them);
	tcase_add_test(tc, log_callback_removed_stops_the_lines);
	tcase_add_test(tc, adopts_existing_positions_and_entries);
	suite_add_tcase(su, tc);
	return tu_run(su);
}
