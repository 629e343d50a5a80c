/*
 * Risk limits enforced by the broker at order time, the kill switch, copy-in of the config,
 * and the PAPER log lines.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* ---- observing the broker ---- */

typedef struct events {
	int rejected, halts, resumes, fills, trades;
	int last_reason;
	uint64_t last_reject_order;
	char last_symbol[PAPER_SYMBOL_MAX + 1];
} events;

static void on_event(const paper_event *ev, void *payload)
{
	events *l = payload;

	switch (ev->type) {
	case PAPER_EVENT_ORDER_REJECTED:
		l->rejected++;
		l->last_reason = ev->reason;
		l->last_reject_order = ev->order_id;
		g_strlcpy(l->last_symbol, ev->symbol ? ev->symbol : "", sizeof l->last_symbol);
		break;
	case PAPER_EVENT_HALT:
		if (ev->reason)
			l->halts++;
		else
			l->resumes++;
		break;
	case PAPER_EVENT_FILL:
		l->fills++;
		break;
	case PAPER_EVENT_TRADE_CLOSED:
		l->trades++;
		break;
	default:
		break;
	}
}

static paper_broker *broker_with(paper_config *cfg, events *log)
{
	paper_broker *b = tu_broker(cfg);
	memset(log, 0, sizeof *log);
	ck_ok(paper_broker_set_event_callback(b, on_event, log));
	return b;
}

/* One price for bid, ask and last: with the plain config's zero costs, fills are at it. */
static void quote(paper_broker *b, const char *sym, paper_ts ts, double price)
{
	ck_ok(paper_broker_on_quote(b, sym, ts, price, price, price));
}

static paper_order_request order(const char *sym, paper_side side, double qty)
{
	paper_order_request r = PAPER_ORDER_REQUEST_INIT;
	r.symbol = sym;
	r.side = side;
	r.qty = qty;
	return r;
}

static void submit_ok(paper_broker *b, paper_order_request r)
{
	uint64_t id = 0;
	int rc = paper_broker_submit(b, &r, &id);
	ck_assert_msg(rc == PAPER_OK, "%s %g %s refused: %d %s", paper_side_str(r.side), r.qty,
		      r.symbol, rc, paper_last_error());
	ck_assert_uint_gt(id, 0);
}

static void buy(paper_broker *b, const char *sym, double qty)
{
	submit_ok(b, order(sym, PAPER_SIDE_BUY, qty));
}

static void sell(paper_broker *b, const char *sym, double qty)
{
	submit_ok(b, order(sym, PAPER_SIDE_SELL, qty));
}

static void assert_account_unchanged(const paper_account_info *x, const paper_account_info *y)
{
	ck_assert_int_eq(x->cash_e8, y->cash_e8);
	ck_assert_int_eq(x->realized_pnl_e8, y->realized_pnl_e8);
	ck_assert_int_eq(x->fees_e8, y->fees_e8);
	ck_assert_double_eq(x->equity, y->equity);
	ck_assert_double_eq(x->long_value, y->long_value);
	ck_assert_double_eq(x->short_value, y->short_value);
	ck_assert_double_eq(x->day_start_equity, y->day_start_equity);
	ck_assert_uint_eq(x->open_orders, y->open_orders);
	ck_assert_uint_eq(x->open_positions, y->open_positions);
	ck_assert_uint_eq(x->fills, y->fills);
	ck_assert_uint_eq(x->closed_trades, y->closed_trades);
	ck_assert_int_eq(x->halted, y->halted);
}

/*
 * Submit r and expect it rejected with code and reason: the message holds every needle (the
 * limit and both values), the rejection is an event, and only the rejection count moved.
 */
static void expect_reject(paper_broker *b, events *log, paper_order_request r, int code,
			  paper_reject_reason reason, const char *const *needles)
{
	paper_account_info before = tu_account(b);
	size_t positions = paper_broker_position_count(b);
	int rejected = log->rejected;
	uint64_t id = 99;

	int rc = paper_broker_submit(b, &r, &id);
	ck_assert_msg(rc == code, "%s %g %s: got %d (%s), expected %d", paper_side_str(r.side), r.qty,
		      r.symbol, rc, paper_last_error(), code);
	ck_assert_uint_eq(id, 0);
	for (size_t i = 0; needles[i]; i++)
		ck_assert_msg(strstr(paper_last_error(), needles[i]) != NULL,
			      "message '%s' lacks '%s'", paper_last_error(), needles[i]);
	ck_assert_int_eq(paper_last_error_code(), code);
	ck_assert_int_eq(log->rejected, rejected + 1);
	ck_assert_int_eq(log->last_reason, reason);
	ck_assert_str_eq(log->last_symbol, r.symbol);

	paper_account_info after = tu_account(b);
	assert_account_unchanged(&before, &after);
	ck_assert_uint_eq(after.rejections, before.rejections + 1);
	ck_assert_uint_eq(paper_broker_position_count(b), positions);
}

#define NEEDLES(...) ((const char *const[]){ __VA_ARGS__, NULL })

static paper_config *plain_with(const char *key, const char *value)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, key, value));
	return cfg;
}

static double position_qty(paper_broker *b, const char *sym)
{
	paper_position_info p = PAPER_POSITION_INFO_INIT;
	int rc = paper_broker_position(b, sym, &p);
	if (rc == PAPER_ENOTFOUND)
		return 0;
	ck_ok(rc);
	return p.qty;
}

/* ---- max open positions ---- */

START_TEST(max_open_positions)
{
	events log;
	paper_broker *b = broker_with(plain_with("limits.max_open_positions", "2"), &log);
	quote(b, "A", T0, 10);
	quote(b, "B", T0, 10);
	quote(b, "C", T0, 10);
	buy(b, "A", 1);
	buy(b, "B", 1);
	quote(b, "A", T0 + 1, 10);
	quote(b, "B", T0 + 1, 10);
	ck_assert_uint_eq(tu_account(b).open_positions, 2);
	expect_reject(b, &log, order("C", PAPER_SIDE_BUY, 1), PAPER_ELIMIT,
		      PAPER_REJECT_MAX_OPEN_POSITIONS,
		      NEEDLES("C:", "2 open positions", "limits.max_open_positions is 2"));
	expect_reject(b, &log, order("C", PAPER_SIDE_SELL, 1), PAPER_ELIMIT,
		      PAPER_REJECT_MAX_OPEN_POSITIONS, NEEDLES("limits.max_open_positions"));
	/* Adding to a held symbol opens no new position; an exit makes room. */
	buy(b, "A", 1);
	sell(b, "B", 1);
	quote(b, "A", T0 + 2, 10);
	quote(b, "B", T0 + 2, 10);
	ck_assert_double_eq(position_qty(b, "A"), 2);
	ck_assert_uint_eq(tu_account(b).open_positions, 1);
	buy(b, "C", 1);
	paper_broker_free(b);
}
END_TEST

/* Entries accepted while flat cannot all fill past the limit. */
START_TEST(max_open_positions_counted_again_at_fill)
{
	events log;
	paper_broker *b = broker_with(plain_with("limits.max_open_positions", "1"), &log);
	quote(b, "X", T0, 10);
	quote(b, "Y", T0, 10);
	buy(b, "X", 1);
	uint64_t y = tu_submit(b, "Y", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	quote(b, "X", T0 + 1, 10);
	paper_account_info before = tu_account(b);
	quote(b, "Y", T0 + 1, 10);
	paper_order_info o = tu_order(b, y);
	ck_assert_int_eq(o.status, PAPER_STATUS_REJECTED);
	ck_assert_int_eq(o.reason, PAPER_REJECT_MAX_OPEN_POSITIONS);
	ck_assert_int_eq(log.rejected, 1);
	ck_assert_uint_eq(log.last_reject_order, y);
	ck_assert_int_eq(log.last_reason, PAPER_REJECT_MAX_OPEN_POSITIONS);
	paper_account_info after = tu_account(b);
	ck_assert_uint_eq(after.open_positions, 1);
	ck_assert_int_eq(after.cash_e8, before.cash_e8);
	ck_assert_uint_eq(after.fills, 1);
	paper_broker_free(b);
}
END_TEST

static void open_n_positions(paper_broker *b, int n, paper_ts ts)
{
	for (int i = 0; i < n; i++) {
		char sym[8];
		g_snprintf(sym, sizeof sym, "S%d", i);
		quote(b, sym, ts + i, 10);
		buy(b, sym, 1);
		quote(b, sym, ts + i + 1, 10);
	}
	ck_assert_uint_eq(tu_account(b).open_positions, (uint64_t)n);
}

START_TEST(max_open_positions_ceiling)
{
	events log;
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_reset(cfg, "limits.max_open_positions"));
	ck_ok(paper_config_reset(cfg, "limits.max_open_positions_ceiling"));
	ck_ok(paper_config_set(cfg, "limits.max_open_positions", "10"));
	paper_broker *b = broker_with(cfg, &log);
	open_n_positions(b, 10, T0);
	quote(b, "S10", T0, 10);
	expect_reject(b, &log, order("S10", PAPER_SIDE_BUY, 1), PAPER_ELIMIT,
		      PAPER_REJECT_MAX_OPEN_POSITIONS,
		      NEEDLES("10 open positions", "limits.max_open_positions is 10"));
	paper_broker_free(b);

	/* Eleven needs the ceiling raised by its own key. */
	cfg = tu_config_plain();
	ck_ok(paper_config_reset(cfg, "limits.max_open_positions"));
	ck_ok(paper_config_reset(cfg, "limits.max_open_positions_ceiling"));
	ck_ok(paper_config_set(cfg, "limits.max_open_positions", "11"));
	b = NULL;
	ck_assert_int_eq(paper_broker_new(&b, cfg), PAPER_ECONFIG);
	ck_assert_ptr_null(b);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "limits.max_open_positions_ceiling"));
	ck_ok(paper_config_set(cfg, "limits.max_open_positions_ceiling", "11"));
	b = broker_with(cfg, &log);
	open_n_positions(b, 11, T0);
	quote(b, "S11", T0, 10);
	expect_reject(b, &log, order("S11", PAPER_SIDE_BUY, 1), PAPER_ELIMIT,
		      PAPER_REJECT_MAX_OPEN_POSITIONS, NEEDLES("limits.max_open_positions is 11"));
	paper_broker_free(b);
}
END_TEST

/* ---- order size ---- */

START_TEST(max_order_qty)
{
	events log;
	paper_broker *b = broker_with(plain_with("limits.max_order_qty", "10"), &log);
	quote(b, "X", T0, 10);
	buy(b, "X", 10);
	expect_reject(b, &log, order("X", PAPER_SIDE_BUY, 10.00000001), PAPER_ELIMIT,
		      PAPER_REJECT_MAX_ORDER_QTY,
		      NEEDLES("X:", "qty 10.00000001", "limits.max_order_qty 10"));
	buy(b, "X", 10);
	quote(b, "X", T0 + 1, 10);
	ck_assert_double_eq(position_qty(b, "X"), 20);
	/* An exit larger than the limit is still an exit. */
	sell(b, "X", 20);
	quote(b, "X", T0 + 2, 10);
	ck_assert_double_eq(position_qty(b, "X"), 0);
	expect_reject(b, &log, order("X", PAPER_SIDE_SELL, 20), PAPER_ELIMIT,
		      PAPER_REJECT_MAX_ORDER_QTY, NEEDLES("qty 20", "limits.max_order_qty 10"));
	paper_broker_free(b);
}
END_TEST

START_TEST(max_order_notional)
{
	events log;
	paper_broker *b = broker_with(plain_with("limits.max_order_notional", "1000"), &log);
	quote(b, "X", T0, 100);
	buy(b, "X", 10);
	expect_reject(b, &log, order("X", PAPER_SIDE_BUY, 10.01), PAPER_ELIMIT,
		      PAPER_REJECT_MAX_ORDER_NOTIONAL,
		      NEEDLES("notional 1001.00", "limits.max_order_notional 1000.00"));
	/* A limit order is measured at its limit. */
	paper_order_request r = order("X", PAPER_SIDE_BUY, 20);
	r.type = PAPER_ORDER_LIMIT;
	r.limit_price = 50;
	submit_ok(b, r);
	r.limit_price = 50.01;
	expect_reject(b, &log, r, PAPER_ELIMIT, PAPER_REJECT_MAX_ORDER_NOTIONAL,
		      NEEDLES("notional 1000.20"));
	paper_broker_free(b);
}
END_TEST

START_TEST(max_order_notional_does_not_overflow)
{
	events log;
	paper_broker *b = broker_with(plain_with("limits.max_order_qty", "1000000000"), &log);
	/*
	 * 1e9 x 184.46744074 is 2^64 + 2.90448384 in fixed-point units: wrapped to 64 bits it
	 * would look like a notional of 2.90 and pass every check.
	 */
	quote(b, "X", T0, 184.46744074);
	expect_reject(b, &log, order("X", PAPER_SIDE_BUY, 1e9), PAPER_ELIMIT,
		      PAPER_REJECT_MAX_ORDER_NOTIONAL,
		      NEEDLES("notional 184467440740.00", "limits.max_order_notional 10000000000.00"));
	paper_broker_free(b);
}
END_TEST

START_TEST(max_position_fraction)
{
	events log;
	paper_broker *b = broker_with(plain_with("limits.max_position_fraction", "0.2"), &log);
	quote(b, "X", T0, 100);
	quote(b, "Y", T0, 100);
	buy(b, "X", 200); /* 20000 of 100000: exactly the limit */
	quote(b, "X", T0 + 1, 100);
	expect_reject(b, &log, order("X", PAPER_SIDE_BUY, 1), PAPER_ELIMIT,
		      PAPER_REJECT_MAX_POSITION_FRACTION,
		      NEEDLES("position value 20100.00", "limits.max_position_fraction 0.2",
			      "equity 100000.00", "(20000.00)"));
	/* Shorts count the same. */
	expect_reject(b, &log, order("Y", PAPER_SIDE_SELL, 201), PAPER_ELIMIT,
		      PAPER_REJECT_MAX_POSITION_FRACTION, NEEDLES("position value 20100.00"));
	sell(b, "Y", 200);
	/* Reducing is always possible. */
	sell(b, "X", 50);
	paper_broker_free(b);
}
END_TEST

/*
 * The default limits fit the seeds' small accounts with only their own settings (docs/config.md,
 * "Defaults and small accounts"): seed 004's $1,000 account holding three plan positions of
 * $190 to $300, and seed 003's $1,000 per entry on a $2,000 account, adding to a position.
 */
static paper_broker *default_broker(const char *cash)
{
	paper_config *cfg = NULL;
	ck_ok(paper_config_new(&cfg));
	ck_ok(paper_config_set(cfg, "account.starting_cash", cash));
	ck_ok(paper_config_set(cfg, "account.type", "cash"));
	paper_broker *b = tu_broker(cfg);
	return b;
}

START_TEST(defaults_fit_small_accounts)
{
	paper_broker *b = default_broker("1000");
	quote(b, "AMD", T0, 150);
	quote(b, "XOM", T0, 95);
	quote(b, "CVX", T0, 120);
	paper_order_request r = order("AMD", PAPER_SIDE_BUY, 2);
	ck_ok(paper_broker_submit(b, &r, NULL));
	r = order("XOM", PAPER_SIDE_BUY, 3);
	ck_ok(paper_broker_submit(b, &r, NULL));
	r = order("CVX", PAPER_SIDE_BUY, 2);
	ck_ok(paper_broker_submit(b, &r, NULL));
	quote(b, "AMD", T0 + 1, 150);
	quote(b, "XOM", T0 + 1, 95);
	quote(b, "CVX", T0 + 1, 120);
	ck_assert_double_eq(position_qty(b, "AMD"), 2);
	ck_assert_double_eq(position_qty(b, "XOM"), 3);
	ck_assert_double_eq(position_qty(b, "CVX"), 2);
	paper_broker_free(b);

	b = default_broker("2000");
	quote(b, "BTC-USD", T0, 100);
	r = order("BTC-USD", PAPER_SIDE_BUY, 10); /* $1,000 */
	ck_ok(paper_broker_submit(b, &r, NULL));
	quote(b, "BTC-USD", T0 + 1, 100);
	r = order("BTC-USD", PAPER_SIDE_BUY, 9); /* averaging in: $1,900 of $1,998 */
	ck_ok(paper_broker_submit(b, &r, NULL));
	quote(b, "BTC-USD", T0 + 2, 100);
	ck_assert_double_eq(position_qty(b, "BTC-USD"), 19);
	/* A position larger than the account is still refused. */
	r = order("BTC-USD", PAPER_SIDE_BUY, 2);
	ck_assert_int_ne(paper_broker_submit(b, &r, NULL), PAPER_OK);
	paper_broker_free(b);
}
END_TEST

/* ---- symbols and confidence ---- */

START_TEST(allowed_symbols)
{
	events log;
	paper_broker *b = broker_with(plain_with("limits.allowed_symbols", "AAPL, MSFT,\tBTC/USD"), &log);
	quote(b, "AAPL", T0, 10);
	quote(b, "MSFT", T0, 10);
	quote(b, "BTC/USD", T0, 10);
	quote(b, "TSLA", T0, 10);
	quote(b, "aapl", T0, 10);
	buy(b, "AAPL", 1);
	buy(b, "MSFT", 1);
	buy(b, "BTC/USD", 1);
	expect_reject(b, &log, order("TSLA", PAPER_SIDE_BUY, 1), PAPER_ELIMIT,
		      PAPER_REJECT_SYMBOL_NOT_ALLOWED,
		      NEEDLES("TSLA is not in limits.allowed_symbols", "(AAPL, MSFT,\\x09BTC/USD)"));
	expect_reject(b, &log, order("aapl", PAPER_SIDE_BUY, 1), PAPER_ELIMIT,
		      PAPER_REJECT_SYMBOL_NOT_ALLOWED, NEEDLES("aapl is not"));
	expect_reject(b, &log, order("TSLA", PAPER_SIDE_SELL, 1), PAPER_ELIMIT,
		      PAPER_REJECT_SYMBOL_NOT_ALLOWED, NEEDLES("TSLA"));
	paper_broker_free(b);

	b = broker_with(plain_with("limits.allowed_symbols", ""), &log);
	quote(b, "TSLA", T0, 10);
	buy(b, "TSLA", 1);
	paper_broker_free(b);
}
END_TEST

START_TEST(min_confidence_and_aggressive)
{
	events log;
	paper_broker *b = broker_with(tu_config_plain(), &log); /* min_confidence 0.6 */
	quote(b, "X", T0, 10);
	paper_order_request r = order("X", PAPER_SIDE_BUY, 1);
	r.confidence = 0.6;
	submit_ok(b, r);
	r.confidence = -1; /* no signal attached */
	submit_ok(b, r);
	r.confidence = 0.59;
	expect_reject(b, &log, r, PAPER_ELIMIT, PAPER_REJECT_MIN_CONFIDENCE,
		      NEEDLES("confidence 0.59", "limits.min_confidence 0.6"));
	r.confidence = 0;
	expect_reject(b, &log, r, PAPER_ELIMIT, PAPER_REJECT_MIN_CONFIDENCE,
		      NEEDLES("confidence 0 is below"));
	quote(b, "X", T0 + 1, 10);
	/* An exit is not a signal to follow: its confidence does not matter. */
	paper_order_request x = order("X", PAPER_SIDE_SELL, 2);
	x.confidence = 0.1;
	submit_ok(b, x);
	paper_broker_free(b);

	/* Aggressive mode trades every signal. */
	b = broker_with(plain_with("limits.aggressive", "true"), &log);
	quote(b, "X", T0, 10);
	r.confidence = 0;
	submit_ok(b, r);
	r.confidence = 0.01;
	submit_ok(b, r);
	paper_broker_free(b);

	b = broker_with(plain_with("limits.min_confidence", "0.9"), &log);
	quote(b, "X", T0, 10);
	r.confidence = 0.89;
	expect_reject(b, &log, r, PAPER_ELIMIT, PAPER_REJECT_MIN_CONFIDENCE,
		      NEEDLES("limits.min_confidence 0.9"));
	paper_broker_free(b);
}
END_TEST

/* ---- halts ---- */

START_TEST(daily_loss_limit_halts_entries_until_next_day)
{
	events log;
	paper_broker *b = broker_with(plain_with("limits.daily_loss_limit", "0.05"), &log);
	quote(b, "X", T0, 100);
	quote(b, "Y", T0, 50);
	buy(b, "X", 1000);
	quote(b, "X", T0 + 1, 100);
	ck_assert_double_eq(tu_account(b).day_start_equity, 100000);
	/* A loss of exactly the limit does not halt. */
	quote(b, "X", T0 + 2, 95);
	ck_assert(!tu_account(b).halted);
	ck_assert_int_eq(log.halts, 0);
	buy(b, "Y", 1);
	quote(b, "Y", T0 + 3, 50); /* fills before the halt */
	quote(b, "X", T0 + 3, 94.99);
	ck_assert(tu_account(b).halted);
	ck_assert_int_eq(log.halts, 1);

	quote(b, "Y", T0 + 4, 50);
	expect_reject(b, &log, order("Y", PAPER_SIDE_BUY, 1), PAPER_EHALTED,
		      PAPER_REJECT_DAILY_LOSS_HALT,
		      NEEDLES("Y:", "until the next UTC day", "limits.daily_loss_limit 0.05",
			      "start-of-day equity 100000.00", "(5000.00)", "equity is 94990.00"));
	expect_reject(b, &log, order("X", PAPER_SIDE_BUY, 1), PAPER_EHALTED,
		      PAPER_REJECT_DAILY_LOSS_HALT, NEEDLES("limits.daily_loss_limit"));
	/* Selling more than held would open a short: refused too. */
	expect_reject(b, &log, order("X", PAPER_SIDE_SELL, 1500), PAPER_EHALTED,
		      PAPER_REJECT_DAILY_LOSS_HALT, NEEDLES("limits.daily_loss_limit"));
	/* Exits go through. */
	sell(b, "X", 500);
	sell(b, "Y", 1);
	quote(b, "X", T0 + 5, 95);
	quote(b, "Y", T0 + 5, 50);
	ck_assert_double_eq(position_qty(b, "X"), 500);
	ck_assert_double_eq(position_qty(b, "Y"), 0);
	/* Later the same UTC day: still halted, even with the loss partly back. */
	quote(b, "X", T0 + HOUR_US, 99);
	ck_assert(tu_account(b).halted);
	expect_reject(b, &log, order("Y", PAPER_SIDE_BUY, 1), PAPER_EHALTED,
		      PAPER_REJECT_DAILY_LOSS_HALT, NEEDLES("limits.daily_loss_limit"));

	/* T0 is 22:13 UTC; two hours later is the next day. */
	quote(b, "X", T0 + 2 * HOUR_US, 99);
	paper_account_info a = tu_account(b);
	ck_assert(!a.halted);
	ck_assert_double_eq(a.day_start_equity, a.equity);
	buy(b, "Y", 1);
	paper_broker_free(b);
}
END_TEST

START_TEST(kill_switch)
{
	events log;
	paper_broker *b = broker_with(tu_config_plain(), &log);
	quote(b, "X", T0, 10);
	buy(b, "X", 5);
	quote(b, "X", T0 + 1, 10);
	ck_ok(paper_broker_set_halted(b, true));
	ck_assert_int_eq(log.halts, 1);
	ck_ok(paper_broker_set_halted(b, true)); /* no change, no event */
	ck_assert_int_eq(log.halts, 1);
	expect_reject(b, &log, order("X", PAPER_SIDE_BUY, 1), PAPER_EHALTED,
		      PAPER_REJECT_KILL_SWITCH, NEEDLES("X:", "kill switch"));
	quote(b, "Z", T0 + 1, 10);
	expect_reject(b, &log, order("Z", PAPER_SIDE_SELL, 1), PAPER_EHALTED,
		      PAPER_REJECT_KILL_SWITCH, NEEDLES("kill switch"));
	sell(b, "X", 5);
	quote(b, "X", T0 + 2, 10);
	ck_assert_double_eq(position_qty(b, "X"), 0);
	ck_ok(paper_broker_set_halted(b, false));
	ck_assert_int_eq(log.resumes, 1);
	ck_assert(!tu_account(b).halted);
	buy(b, "Z", 1);
	ck_assert_int_eq(paper_broker_set_halted(NULL, true), PAPER_EINVAL);
	paper_broker_free(b);
}
END_TEST

/* An exit passes every entry limit at once. */
START_TEST(exits_are_never_blocked_by_entry_limits)
{
	events log;
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "limits.max_order_qty", "100"));
	ck_ok(paper_config_set(cfg, "limits.max_order_notional", "10000"));
	ck_ok(paper_config_set(cfg, "limits.max_position_fraction", "0.2"));
	ck_ok(paper_config_set(cfg, "limits.max_open_positions", "1"));
	ck_ok(paper_config_set(cfg, "limits.allowed_symbols", "X"));
	ck_ok(paper_config_set(cfg, "limits.daily_loss_limit", "0.05"));
	paper_broker *b = broker_with(cfg, &log);
	paper_order_request r = order("X", PAPER_SIDE_BUY, 75);
	r.confidence = 0.9;
	quote(b, "X", T0, 100);
	submit_ok(b, r);
	quote(b, "X", T0 + 1, 100);
	submit_ok(b, r);
	quote(b, "X", T0 + 2, 100);
	ck_assert_double_eq(position_qty(b, "X"), 150);
	/* The price doubles: the position is now above max_position_fraction. */
	quote(b, "X", T0 + 3, 200);
	ck_ok(paper_broker_set_halted(b, true));
	/* Too big, too much notional, low confidence, halted, over the fraction: an exit. */
	paper_order_request x = order("X", PAPER_SIDE_SELL, 150);
	x.confidence = 0.1;
	x.exit_reason = PAPER_EXIT_TAKE_PROFIT;
	submit_ok(b, x);
	quote(b, "X", T0 + 4, 200);
	ck_assert_double_eq(position_qty(b, "X"), 0);
	ck_assert_int_eq(log.trades, 1);
	paper_trade_info t = PAPER_TRADE_INFO_INIT;
	ck_ok(paper_broker_trade_at(b, 0, &t));
	ck_assert_int_eq(t.exit_reason, PAPER_EXIT_TAKE_PROFIT);
	paper_broker_free(b);
}
END_TEST

/* ---- the config behind a broker ---- */

START_TEST(config_is_copied_in)
{
	events log;
	paper_config *cfg = plain_with("limits.max_order_qty", "10");
	ck_ok(paper_config_set(cfg, "limits.allowed_symbols", "X"));
	paper_broker *b = NULL;
	ck_ok(paper_broker_new(&b, cfg));
	memset(&log, 0, sizeof log);
	ck_ok(paper_broker_set_event_callback(b, on_event, &log));
	ck_ok(paper_config_set(cfg, "limits.max_order_qty", "1"));
	ck_ok(paper_config_set(cfg, "limits.allowed_symbols", "Y"));
	quote(b, "X", T0, 10);
	quote(b, "Y", T0, 10);
	buy(b, "X", 10);
	ck_ok(paper_config_set(cfg, "limits.max_order_qty", "100"));
	expect_reject(b, &log, order("X", PAPER_SIDE_BUY, 11), PAPER_ELIMIT,
		      PAPER_REJECT_MAX_ORDER_QTY, NEEDLES("limits.max_order_qty 10"));
	expect_reject(b, &log, order("Y", PAPER_SIDE_BUY, 1), PAPER_ELIMIT,
		      PAPER_REJECT_SYMBOL_NOT_ALLOWED, NEEDLES("(X)"));
	paper_config_free(cfg);
	buy(b, "X", 1);
	ck_assert_double_eq(tu_account(b).starting_cash, 100000);
	paper_broker_free(b);
}
END_TEST

START_TEST(no_broker_from_a_config_with_violations)
{
	char *dir = g_dir_make_tmp("paper-limits-XXXXXX", NULL);
	char *log_path = g_build_filename(dir, "never.log", NULL);
	char *ini_path = g_build_filename(dir, "bad.ini", NULL);

	/* The bad value was not applied, but the violation stays with the config. */
	ck_assert(g_file_set_contents(ini_path, "[limits]\nmax_order_qty = -1\n", -1, NULL));
	paper_config *cfg = NULL;
	ck_ok(paper_config_new(&cfg));
	ck_assert_int_eq(paper_config_load_file(cfg, ini_path), PAPER_ECONFIG);
	paper_broker *b = NULL;
	ck_assert_int_eq(paper_broker_new(&b, cfg), PAPER_ECONFIG);
	ck_assert_ptr_null(b);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "limits.max_order_qty = '-1'"));
	paper_config_free(cfg);

	/* A safety violation: refused, and not even the log file is created. */
	ck_assert(g_file_set_contents(ini_path, "[connection]\nib_port = 7496\n", -1, NULL));
	ck_ok(paper_config_new(&cfg));
	ck_ok(paper_config_set(cfg, "logging.log_file", log_path));
	ck_assert_int_eq(paper_config_load_file(cfg, ini_path), PAPER_ESAFETY);
	ck_assert_int_eq(paper_broker_new(&b, cfg), PAPER_ESAFETY);
	ck_assert_ptr_null(b);
	ck_assert(!g_file_test(log_path, G_FILE_TEST_EXISTS));
	paper_config_free(cfg);

	g_unlink(ini_path);
	g_rmdir(dir);
	g_free(ini_path);
	g_free(log_path);
	g_free(dir);
}
END_TEST

/* ---- the PAPER log ---- */

static char **read_lines(const char *path, size_t *n)
{
	char *text = NULL;
	ck_assert(g_file_get_contents(path, &text, NULL, NULL));
	ck_assert(g_str_has_suffix(text, "\n"));
	text[strlen(text) - 1] = '\0';
	char **lines = g_strsplit(text, "\n", -1);
	g_free(text);
	*n = g_strv_length(lines);
	return lines;
}

static size_t count_containing(char **lines, const char *needle)
{
	size_t n = 0;
	for (size_t i = 0; lines[i]; i++)
		n += strstr(lines[i], needle) != NULL;
	return n;
}

static void trade_for_the_log(paper_broker *b)
{
	quote(b, "X", T0, 101.1);
	buy(b, "X", 10);
	ck_assert_int_eq(tu_submit_rc(b, "NOPE", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0),
			 PAPER_ENODATA);
	quote(b, "X", T0 + 1, 101.1);
	tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_LIMIT, 2, 50, 0, 0); /* rests */
	ck_ok(paper_broker_set_halted(b, true));
	sell(b, "X", 10);
	quote(b, "X", T0 + 2, 102);
}

START_TEST(log_file_marks_every_line_paper)
{
	char *dir = g_dir_make_tmp("paper-log-XXXXXX", NULL);
	char *path = g_build_filename(dir, "trades.log", NULL);
	paper_config *cfg = plain_with("logging.log_file", path);
	ck_ok(paper_config_set(cfg, "account.name", "logtest"));
	ck_ok(paper_config_set(cfg, "costs.commission_min", "1")); /* commission_pct is 0 */
	paper_config *again = NULL;
	ck_ok(paper_config_copy(&again, cfg));
	paper_broker *b = tu_broker(cfg);
	trade_for_the_log(b);
	paper_broker_free(b);

	size_t n = 0;
	char **lines = read_lines(path, &n);
	GRegex *re = g_regex_new("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z PAPER [A-Z]"
				 ".* account logtest$", 0, 0, NULL);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(g_regex_match(re, lines[i], 0, NULL), "line '%s'", lines[i]);
	g_regex_unref(re);
	ck_assert_uint_eq(count_containing(lines, " PAPER FILL "), 2);
	ck_assert_uint_eq(count_containing(lines, "2023-11-14T22:13:20.000001Z PAPER FILL BUY 10 X @ "
					       "101.10 fee 1.00 order 1 account logtest"), 1);
	ck_assert_uint_eq(count_containing(lines, "2023-11-14T22:13:20.000002Z PAPER FILL SELL 10 X @ "
					       "102.00 fee 1.00 order 3"), 1);
	ck_assert_uint_eq(count_containing(lines, " PAPER TRADE CLOSED LONG 10 X entry 101.10 exit "
					       "102.00 pnl 9.00 fees 2.00 net 7.00 exit_reason manual "
					       "trade 1"), 1);
	ck_assert_uint_eq(count_containing(lines, " PAPER REJECTED BUY 1 NOPE reason no_market_data: "
					       "no market data for symbol NOPE"), 1);
	ck_assert_uint_eq(count_containing(lines, " PAPER ACCEPTED BUY 10 X market order 1"), 1);
	ck_assert_uint_eq(count_containing(lines, " PAPER ACCEPTED BUY 2 X limit 50.00 order 2"), 1);
	ck_assert_uint_eq(count_containing(lines, " PAPER ACCEPTED SELL 10 X market order 3"), 1);
	ck_assert_uint_eq(count_containing(lines, "2023-11-14T22:13:20.000001Z PAPER HALT kill_switch"), 1);
	ck_assert_uint_eq(count_containing(lines, " PAPER DAY START equity 100000.00"), 1);
	g_strfreev(lines);

	/* A second broker appends. */
	b = tu_broker(again);
	trade_for_the_log(b);
	paper_broker_free(b);
	size_t n2 = 0;
	lines = read_lines(path, &n2);
	ck_assert_uint_eq(n2, 2 * n);
	ck_assert_uint_eq(count_containing(lines, " PAPER FILL "), 4);
	g_strfreev(lines);

	g_unlink(path);
	g_rmdir(dir);
	g_free(path);
	g_free(dir);
}
END_TEST

START_TEST(log_file_that_cannot_be_opened)
{
	char *dir = g_dir_make_tmp("paper-log-XXXXXX", NULL);
	const char *const bad[] = { "/nonexistent-paper-dir/trades.log", dir };
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		paper_config *cfg = plain_with("logging.log_file", bad[i]);
		ck_ok(paper_config_validate(cfg));
		paper_broker *b = NULL;
		ck_assert_int_eq(paper_broker_new(&b, cfg), PAPER_EIO);
		ck_assert_ptr_null(b);
		ck_assert_ptr_nonnull(strstr(paper_last_error(), "logging.log_file"));
		ck_assert_ptr_nonnull(strstr(paper_last_error(), bad[i]));
		paper_config_free(cfg);
	}
	ck_assert(!g_file_test("/nonexistent-paper-dir", G_FILE_TEST_EXISTS));
	g_rmdir(dir);
	g_free(dir);
}
END_TEST

typedef struct captured {
	int paper_lines, unmarked;
} captured;

static captured cap;

static const char *field(const GLogField *fields, gsize n, const char *key)
{
	for (gsize i = 0; i < n; i++)
		if (strcmp(fields[i].key, key) == 0)
			return fields[i].value;
	return NULL;
}

static GLogWriterOutput capture(GLogLevelFlags level, const GLogField *fields, gsize n,
				gpointer data)
{
	const char *domain = field(fields, n, "GLIB_DOMAIN");
	if (domain == NULL || strcmp(domain, "libpaper") != 0)
		return g_log_writer_default(level, fields, n, data);
	const char *marker = field(fields, n, "PAPER");
	const char *msg = field(fields, n, "MESSAGE");
	if (level == G_LOG_LEVEL_INFO && marker && strcmp(marker, "1") == 0 && msg &&
	    g_str_has_prefix(msg, "PAPER "))
		cap.paper_lines++;
	else
		cap.unmarked++;
	return G_LOG_WRITER_HANDLED;
}

START_TEST(structured_log_only_when_wanted)
{
	g_unsetenv("G_MESSAGES_DEBUG");
	g_log_set_writer_func(capture, NULL, NULL);
	paper_broker *b = tu_broker_plain();
	trade_for_the_log(b);
	paper_broker_free(b);
	ck_assert_int_eq(cap.paper_lines, 0);

	g_setenv("G_MESSAGES_DEBUG", "libpaper", TRUE);
	b = tu_broker_plain();
	trade_for_the_log(b);
	paper_broker_free(b);
	g_unsetenv("G_MESSAGES_DEBUG");
	/* accepted x3, rejected, fill x2, trade closed, halt, day start */
	ck_assert_int_eq(cap.paper_lines, 9);
	ck_assert_int_eq(cap.unmarked, 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("limits");
	TCase *tc = tcase_create("entry");
	tcase_add_test(tc, max_open_positions);
	tcase_add_test(tc, max_open_positions_counted_again_at_fill);
	tcase_add_test(tc, max_open_positions_ceiling);
	tcase_add_test(tc, max_order_qty);
	tcase_add_test(tc, max_order_notional);
	tcase_add_test(tc, max_order_notional_does_not_overflow);
	tcase_add_test(tc, max_position_fraction);
	tcase_add_test(tc, defaults_fit_small_accounts);
	tcase_add_test(tc, allowed_symbols);
	tcase_add_test(tc, min_confidence_and_aggressive);
	suite_add_tcase(s, tc);

	tc = tcase_create("halts");
	tcase_add_test(tc, daily_loss_limit_halts_entries_until_next_day);
	tcase_add_test(tc, kill_switch);
	tcase_add_test(tc, exits_are_never_blocked_by_entry_limits);
	suite_add_tcase(s, tc);

	tc = tcase_create("config");
	tcase_add_test(tc, config_is_copied_in);
	tcase_add_test(tc, no_broker_from_a_config_with_violations);
	suite_add_tcase(s, tc);

	tc = tcase_create("log");
	tcase_add_test(tc, log_file_marks_every_line_paper);
	tcase_add_test(tc, log_file_that_cannot_be_opened);
	tcase_add_test(tc, structured_log_only_when_wanted);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
