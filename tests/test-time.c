/*
 * The range of timestamps (docs/semantics.md, "Time"): 1970-01-01T00:00:00Z (0) through
 * 9999-12-31T23:59:59.999999Z (PAPER_TS_MAX). At its ends every entry point taking a paper_ts
 * works; at -1, PAPER_TS_MAX + 1, INT64_MIN and INT64_MAX it refuses with PAPER_ETIME (or, for a
 * replay row, PAPER_EFORMAT naming the timestamp) and changes nothing. Day arithmetic used to
 * negate the time, undefined at INT64_MIN (UBSan stops the sanitizer run there).
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"

static const paper_ts outside[] = { -1, PAPER_TS_MAX + 1, INT64_MIN, INT64_MAX,
				    INT64_MIN + 1, -INT64_C(86400000000) };

static char *dump(paper_broker *b)
{
	paper_account_info a = tu_account(b);
	return g_strdup_printf("ts=%lld cash=%lld f=%llu oo=%llu rej=%llu eq=%zu", (long long)a.ts,
			       (long long)a.cash_e8, (unsigned long long)a.fills,
			       (unsigned long long)a.open_orders, (unsigned long long)a.rejections,
			       paper_broker_equity_count(b));
}

#define refused(b, call, code)                                                            \
	do {                                                                              \
		char *before_ = dump(b);                                                  \
		int rc_ = (call);                                                         \
		tu_require(rc_ == (code), "%s: got %d (%s)", #call, rc_, paper_last_error()); \
		char *after_ = dump(b);                                                   \
		tu_require(strcmp(before_, after_) == 0, "%s changed %s -> %s", #call, before_, \
			   after_);                                                       \
		g_free(before_);                                                          \
		g_free(after_);                                                           \
	} while (0)

START_TEST(market_data_and_orders_at_the_ends_of_the_range)
{
	paper_broker *b = tu_broker_plain();
	for (size_t i = 0; i < G_N_ELEMENTS(outside); i++) {
		paper_ts t = outside[i];
		refused(b, paper_broker_on_bar(b, "X", t, 1, 1, 1, 1, 1), PAPER_ETIME);
		refused(b, paper_broker_on_quote(b, "X", t, 1, 1, 1), PAPER_ETIME);
		refused(b, paper_broker_mark(b, "X", t, 1), PAPER_ETIME);
	}
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "9999-12-31T23:59:59.999999Z"));
	/* The ends themselves. */
	ck_ok(paper_broker_on_bar(b, "LO", PAPER_TS_MIN, 1, 1, 1, 1, 1));
	ck_ok(paper_broker_on_bar(b, "X", 1, 1, 1, 1, 1, 1));
	for (size_t i = 0; i < G_N_ELEMENTS(outside); i++)
		refused(b, tu_submit_rc(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0,
					outside[i]), PAPER_ETIME);
	/* An order fills on data stamped after it: the last one that can fill is placed just
	 * before the end of the range. */
	uint64_t id = tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, PAPER_TS_MAX - 1);
	ck_ok(paper_broker_on_quote(b, "HI", PAPER_TS_MAX, 1, 1, 1));
	ck_ok(paper_broker_on_bar(b, "X", PAPER_TS_MAX, 2, 2, 2, 2, 1));
	ck_assert_int_eq(tu_order(b, id).status, PAPER_STATUS_FILLED);
	ck_assert_int_eq(tu_account(b).ts, PAPER_TS_MAX);
	ck_ok(paper_broker_mark(b, "X", PAPER_TS_MAX, 3));
	paper_broker_free(b);
}
END_TEST

START_TEST(sessions_at_the_ends_of_the_range)
{
	paper_broker *b = tu_broker_plain();
	paper_session *s = NULL;
	ck_ok(paper_session_new(&s, b));
	for (size_t i = 0; i < G_N_ELEMENTS(outside); i++) {
		paper_ts t = outside[i];
		refused(b, paper_session_on_bar(s, "X", t, 1, 1, 1, 1, 1), PAPER_ETIME);
		const char *sym = "X";
		double px = 1;
		refused(b, paper_session_check_exits(s, t, &sym, &px, 1), PAPER_ETIME);
		paper_signal sig = PAPER_SIGNAL_INIT;
		sig.symbol = "X";
		sig.confidence = 0.9;
		sig.ts = t;
		refused(b, paper_session_on_signal(s, &sig, NULL, NULL), PAPER_ETIME);
		paper_intent it = PAPER_INTENT_INIT;
		it.symbol = "X";
		it.qty = 1;
		it.ts = t;
		refused(b, paper_session_submit_intent(s, &it, NULL, NULL),
			t < 0 ? PAPER_EINVAL : PAPER_ETIME);
	}
	paper_intent it = PAPER_INTENT_INIT;
	it.symbol = "X";
	it.qty = 1;
	it.max_hold = INT64_MAX; /* its deadline would pass int64 */
	refused(b, paper_session_submit_intent(s, &it, NULL, NULL), PAPER_EINVAL);
	ck_ok(paper_session_on_bar(s, "X", 0, 1, 1, 1, 1, 1));
	it.max_hold = PAPER_TS_MAX;
	it.ts = PAPER_TS_MAX - 1; /* fills on the bar after it, the last of the range */
	ck_ok(paper_session_submit_intent(s, &it, NULL, NULL));
	ck_ok(paper_session_on_bar(s, "X", PAPER_TS_MAX, 1, 1, 1, 1, 1));
	paper_session_position sp = PAPER_SESSION_POSITION_INIT;
	ck_ok(paper_session_position_at(s, 0, &sp));
	ck_assert_int_eq(sp.deadline, PAPER_TS_MAX + PAPER_TS_MAX);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

/* A replay of one column row stamped t: its result code. */
static int replay_row(paper_ts t)
{
	paper_broker *b = tu_broker_plain();
	paper_replay *r = NULL;
	ck_ok(paper_replay_new(&r, b, NULL));
	const char *names[] = { "X" };
	double one[] = { 1 };
	paper_bar_columns c = PAPER_BAR_COLUMNS_INIT;
	c.n_rows = 1;
	c.symbols = names;
	c.n_symbols = 1;
	c.ts = &t;
	c.open = c.high = c.low = c.close = one;
	ck_ok(paper_replay_add_bar_columns(r, &c));
	int rc = paper_replay_run(r);
	if (rc != PAPER_OK)
		tu_require(strstr(paper_last_error(), "field 'timestamp'"), "%s", paper_last_error());
	paper_replay_free(r);
	paper_broker_free(b);
	return rc;
}

/* A replay of a CSV file with one bar row stamped text, its epochs in unit. */
static int replay_csv_in(const char *text, paper_time_unit unit)
{
	char *dir = g_dir_make_tmp("paper-time-XXXXXX", NULL);
	char *path = g_build_filename(dir, "X.csv", NULL);
	char *body = g_strdup_printf("timestamp,open,high,low,close,volume\n%s,1,1,1,1,1\n", text);
	ck_assert(g_file_set_contents(path, body, -1, NULL));
	paper_broker *b = tu_broker_plain();
	paper_replay *r = NULL;
	paper_replay_bars_options o = PAPER_REPLAY_BARS_OPTIONS_INIT;
	o.time_unit = unit;
	ck_ok(paper_replay_new(&r, b, NULL));
	ck_ok(paper_replay_add_bars_file_with(r, path, &o));
	int rc = paper_replay_run(r);
	if (rc != PAPER_OK)
		tu_require(strstr(paper_last_error(), "X.csv:2: field 'timestamp'"), "%s",
			   paper_last_error());
	paper_replay_free(r);
	paper_broker_free(b);
	g_unlink(path);
	g_rmdir(dir);
	g_free(body);
	g_free(path);
	g_free(dir);
	return rc;
}

static int replay_csv(const char *text)
{
	return replay_csv_in(text, PAPER_TIME_UNIT_AUTO);
}

START_TEST(replays_at_the_ends_of_the_range)
{
	for (size_t i = 0; i < G_N_ELEMENTS(outside); i++)
		ck_assert_int_eq(replay_row(outside[i]), PAPER_EFORMAT);
	ck_ok(replay_row(0));
	ck_ok(replay_row(PAPER_TS_MAX));
	ck_ok(replay_csv("1970-01-01T00:00:00Z"));
	ck_ok(replay_csv("9999-12-31T23:59:59.999999Z"));
	/* Epoch seconds past 2286 (11 and 12 digits) name no unit by their digits: asked for. */
	ck_ok(replay_csv_in("253402300799.999999", PAPER_TIME_UNIT_S));
	ck_assert_int_eq(replay_csv("253402300799.999999"), PAPER_EFORMAT);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "--time-unit"));
	ck_ok(replay_csv("9999999999"));
	ck_ok(replay_csv_in("253402300799999999", PAPER_TIME_UNIT_US));
	ck_ok(replay_csv_in("9999999999999999000", PAPER_TIME_UNIT_NS));
	ck_assert_int_eq(replay_csv_in("9999999999999999999", PAPER_TIME_UNIT_NS), PAPER_EFORMAT);
	ck_assert_int_eq(replay_csv_in("253402300799999999000", PAPER_TIME_UNIT_NS), PAPER_EFORMAT);
	ck_assert_int_eq(replay_csv("1969-12-31T23:59:59.999999Z"), PAPER_EFORMAT);
	ck_assert_int_eq(replay_csv("0001-01-01T00:00:00Z"), PAPER_EFORMAT);
	ck_assert_int_eq(replay_csv_in("253402300800", PAPER_TIME_UNIT_S), PAPER_EFORMAT);
	ck_assert_int_eq(replay_csv_in("999999999999.999999", PAPER_TIME_UNIT_S), PAPER_EFORMAT);
	ck_assert_int_eq(replay_csv_in("253402300800000", PAPER_TIME_UNIT_MS), PAPER_EFORMAT);

	paper_broker *b = tu_broker_plain();
	paper_replay *r = NULL;
	paper_replay_options o = PAPER_REPLAY_OPTIONS_INIT;
	o.to = PAPER_TS_MAX + 2;
	ck_assert_int_eq(paper_replay_new(&r, b, &o), PAPER_ETIME);
	o.to = PAPER_TS_MAX + 1; /* an end just past the last time */
	o.from = PAPER_TS_MAX;
	ck_ok(paper_replay_new(&r, b, &o));
	paper_signal sig = PAPER_SIGNAL_INIT;
	sig.symbol = "X";
	sig.ts = PAPER_TS_MAX + 1;
	ck_assert_int_eq(paper_replay_add_signals(r, &sig, 1), PAPER_ETIME);
	sig.ts = INT64_MAX;
	ck_assert_int_eq(paper_replay_add_signals(r, &sig, 1), PAPER_ETIME);
	sig.ts = PAPER_TS_MAX;
	ck_ok(paper_replay_add_signals(r, &sig, 1));
	ck_assert_int_eq(paper_replay_run_until(r, -1), PAPER_ETIME);
	ck_assert_int_eq(paper_replay_run_until(r, INT64_MIN), PAPER_ETIME);
	ck_ok(paper_replay_run_until(r, INT64_MAX));
	paper_replay_free(r);
	paper_broker_free(b);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("time");
	TCase *tc = tcase_create("range");
	tcase_add_test(tc, market_data_and_orders_at_the_ends_of_the_range);
	tcase_add_test(tc, sessions_at_the_ends_of_the_range);
	tcase_add_test(tc, replays_at_the_ends_of_the_range);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
