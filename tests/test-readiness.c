/*
 * The readiness gate and the recommendations, on accounts built by hand: an account whose
 * daily returns are Bailey and Lopez de Prado's test vector (so its PSR and minimum track
 * record length are known), with a rejection at a known time; and one account per
 * recommendation rule, plus one that triggers none.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "testutil.h"

#define DAY_US (INT64_C(86400) * PAPER_TS_PER_SECOND)
/* 2024-01-01T12:00:00Z, a Monday. */
#define D0 (INT64_C(1704110400) * PAPER_TS_PER_SECOND)

static const double PSR14[] = { 0.01,  -0.005, 0.004, 0.006, -0.002, 0.003, 0.008,
				-0.004, 0.005, 0.002, -0.001, 0.007, 0.003, -0.003 };

static paper_config *plain(void)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "limits.max_order_qty", "5000"));
	return cfg;
}

/*
 * All the equity in 1000 units of X bought at 100 on day 0, then one mark a day so that the
 * daily returns are PSR14; an order refused on day 10 (over max_order_qty).
 */
static void psr_trade(paper_broker *b)
{
	ck_ok(paper_broker_on_quote(b, "X", D0, 0, 0, 100));
	tu_submit(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1000, 0, 0, 0);
	ck_ok(paper_broker_on_quote(b, "X", D0 + MIN_US, 0, 0, 100));
	double price = 100;
	for (int i = 0; i < 14; i++) {
		price *= 1 + PSR14[i];
		ck_ok(paper_broker_mark(b, "X", D0 + (i + 1) * DAY_US, price));
		if (i + 1 == 10)
			ck_assert_int_eq(tu_submit_rc(b, "X", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 9999, 0,
						      0, 0), PAPER_ELIMIT);
	}
}

static paper_broker *psr_account(paper_config *cfg)
{
	paper_broker *b = tu_broker(cfg);
	psr_trade(b);
	return b;
}

static paper_readiness_criterion crit(const paper_readiness *r, const char *id)
{
	for (size_t i = 0; i < paper_readiness_criterion_count(r); i++) {
		paper_readiness_criterion c = PAPER_READINESS_CRITERION_INIT;
		ck_ok(paper_readiness_criterion_at(r, i, &c));
		if (strcmp(c.id, id) == 0)
			return c;
	}
	ck_abort_msg("no criterion %s", id);
	return (paper_readiness_criterion)PAPER_READINESS_CRITERION_INIT;
}

static void near(double got, double want, double tol, const char *what)
{
	ck_assert_msg(fabs(got - want) <= tol, "%s: %.17g, want %.17g", what, got, want);
}

START_TEST(gate_by_hand)
{
	paper_config *cfg = plain();
	ck_ok(paper_config_set(cfg, "readiness.min_calendar_days", "10"));
	ck_ok(paper_config_set(cfg, "readiness.min_trading_days", "20"));
	ck_ok(paper_config_set(cfg, "readiness.min_error_free_days", "3"));
	ck_ok(paper_config_set(cfg, "readiness.min_trades", "0"));
	paper_broker *b = psr_account(cfg);
	paper_readiness *r = NULL;
	ck_ok(paper_readiness_evaluate(&r, b, NULL, NULL));
	ck_assert_uint_eq(paper_readiness_criterion_count(r), 10);
	static const char *const order[] = { "min_trades", "min_win_rate", "min_sharpe",
					     "max_drawdown", "errors", "min_calendar_days",
					     "min_trading_days", "min_error_free_days", "min_psr",
					     "min_track_record" };
	for (size_t i = 0; i < 10; i++) {
		paper_readiness_criterion c = PAPER_READINESS_CRITERION_INIT;
		ck_ok(paper_readiness_criterion_at(r, i, &c));
		ck_assert_str_eq(c.id, order[i]);
	}
	/* No trades: 0 >= 0 passes; the win rate does not exist yet: it fails. */
	paper_readiness_criterion c = crit(r, "min_trades");
	ck_assert(c.pass && c.value == 0 && c.threshold == 0);
	c = crit(r, "min_win_rate");
	ck_assert(!c.pass && isnan(c.value) && c.threshold == 0.55 && c.small_sample);
	ck_assert_uint_eq(c.sample, 0);
	ck_assert_str_eq(c.sample_unit, "trades");
	/* 14 daily returns: a Sharpe ratio and a PSR from a small sample. */
	c = crit(r, "min_sharpe");
	ck_assert(c.small_sample && c.sample == 14 && strcmp(c.sample_unit, "days") == 0);
	ck_assert_ptr_nonnull(strstr(c.note, "from 14 days, fewer than 30"));
	ck_assert(c.pass == (c.value >= 1.5) && c.threshold == 1.5);
	c = crit(r, "max_drawdown");
	ck_assert(c.pass && c.value > 0 && c.value < 0.01 && c.threshold == 0.10);
	/* The refused order: one error, 4 days ago (day 10 to day 14). */
	c = crit(r, "errors");
	ck_assert(!c.pass && c.value == 1 && c.threshold == 0);
	c = crit(r, "min_calendar_days");
	ck_assert(c.pass && c.threshold == 10);
	near(c.value, 14, 1e-9, "calendar days");
	c = crit(r, "min_trading_days");
	ck_assert(!c.pass && c.value == 15 && c.threshold == 20);
	c = crit(r, "min_error_free_days");
	ck_assert(c.pass && c.threshold == 3);
	near(c.value, 4, 1e-9, "error-free days");
	/* PSR(0) and MinTRL(0, 95%) of the vector (prices rounded to 1e-8 move them a little). */
	c = crit(r, "min_psr");
	near(c.value, 0.9569247075970444, 1e-6, "psr");
	ck_assert(c.pass && c.threshold == 0.95 && c.small_sample && c.sample == 14);
	c = crit(r, "min_track_record");
	near(c.threshold, 12.943499925468533, 1e-4, "mintrl");
	ck_assert(c.pass && c.value == 14);
	ck_assert(!paper_readiness_ready(r));
	char *json = NULL;
	ck_ok(paper_readiness_to_json(r, &json));
	ck_assert_msg(tu_python_accepts(json,
		"c = {x['id']: x for x in d['criteria']}\n"
		"assert d['ready'] is False and len(d['criteria']) == 10\n"
		"assert c['min_win_rate']['value'] is None and not c['min_win_rate']['pass']\n"
		"assert c['min_trading_days']['value'] == 15 and c['min_trading_days']['threshold'] == 20\n"
		"assert c['min_psr']['small_sample'] and c['min_psr']['sample'] == 14\n"
		"assert abs(c['min_track_record']['threshold'] - 12.9435) < 1e-3\n"
		"assert c['errors']['op'] == '<=' and c['errors']['value'] == 1\n"
		"assert d['recommendations'] == []\n"), "json: %s", json);
	paper_string_free(json);
	paper_readiness_free(r);

	/* The hook for rejected inbox decisions: two more errors, the last one on day 13. */
	paper_readiness_options g = PAPER_READINESS_OPTIONS_INIT;
	g.rejected_decisions = 2;
	g.last_rejected_decision_ts = D0 + 13 * DAY_US;
	ck_ok(paper_readiness_evaluate(&r, b, NULL, &g));
	ck_assert(crit(r, "errors").value == 3);
	near(crit(r, "min_error_free_days").value, 1, 1e-9, "error-free after the decision");
	ck_assert(!crit(r, "min_error_free_days").pass);
	paper_readiness_free(r);

	/* Thresholds from another config: a benchmark of 4.0 a year the Sharpe ratio beats, 8.0
	   it does not (no record long enough: +inf). */
	paper_config *th = NULL;
	ck_ok(paper_config_new(&th));
	ck_ok(paper_config_set(th, "readiness.psr_benchmark_sharpe", "4"));
	ck_ok(paper_config_set(th, "readiness.small_sample", "10"));
	ck_ok(paper_config_set(th, "metrics.periods_per_year", "252"));
	g = (paper_readiness_options)PAPER_READINESS_OPTIONS_INIT;
	g.thresholds = th;
	paper_report_options ro = PAPER_REPORT_OPTIONS_INIT;
	ro.periods_per_year = 252;
	ck_ok(paper_readiness_evaluate(&r, b, &ro, &g));
	double want = 0;
	ck_ok(paper_probabilistic_sharpe_ratio(&want, PSR14, 14, 4 / sqrt(252)));
	c = crit(r, "min_psr");
	near(c.value, want, 1e-6, "psr against 4.0");
	ck_assert(!c.small_sample); /* 14 >= 10 */
	ck_assert(crit(r, "min_trades").threshold == 20); /* th's default, not cfg's 0 */
	paper_readiness_free(r);
	ck_ok(paper_config_set(th, "readiness.psr_benchmark_sharpe", "8"));
	ck_ok(paper_readiness_evaluate(&r, b, &ro, &g));
	c = crit(r, "min_track_record");
	ck_assert(isinf(c.threshold) && !c.pass);
	ck_assert_ptr_nonnull(strstr(c.note, "no record is long enough"));
	paper_readiness_free(r);
	paper_config_free(th);

	/* The dashboard: the gate with paper_report_html_v2(), the 1.0 checklist without. */
	char *html = NULL;
	ck_ok(paper_report_html_v2(&html, NULL, b, NULL, NULL, NULL, NULL, 0));
	ck_assert_ptr_nonnull(strstr(html, "data-check=\"min_track_record\" data-pass=\"true\""));
	ck_assert_ptr_nonnull(strstr(html, "data-check=\"min_trading_days\" data-pass=\"false\" "
					   "data-value=\"15\" data-threshold=\"20\""));
	ck_assert_ptr_nonnull(strstr(html, "data-check=\"min_psr\" data-pass=\"true\""));
	ck_assert_ptr_nonnull(strstr(html, "data-small-sample=\"true\""));
	ck_assert_ptr_nonnull(strstr(html, "data-recommendations=\"0\""));
	ck_assert_ptr_null(strstr(html, "<section id=\"feeds\">"));
	paper_string_free(html);
	/* The whole dashboard: the gate and the live feeds on one page. */
	paper_feed_health_info feed = PAPER_FEED_HEALTH_INFO_INIT;
	feed.state = PAPER_FEED_UP;
	strcpy(feed.venue, "coinbase");
	strcpy(feed.source, "coinbase:BTC-USD");
	feed.reconnects = 3;
	ck_ok(paper_report_html_v2(&html, NULL, b, NULL, NULL, &feed, NULL, 1));
	ck_assert_ptr_nonnull(strstr(html, "<section id=\"feeds\">"));
	ck_assert_ptr_nonnull(strstr(html, "coinbase:BTC-USD"));
	ck_assert_ptr_nonnull(strstr(html, "data-check=\"min_psr\" data-pass=\"true\""));
	paper_string_free(html);
	html = NULL;
	ck_assert_int_eq(paper_report_html_v2(&html, NULL, b, NULL, NULL, NULL, NULL, 1), PAPER_EINVAL);
	feed.version = 7;
	ck_assert_int_eq(paper_report_html_v2(&html, NULL, b, NULL, NULL, &feed, NULL, 1),
			 PAPER_EVERSION);
	ck_assert_ptr_null(html);
	ck_ok(paper_report_html(&html, NULL, b, NULL));
	ck_assert_ptr_null(strstr(html, "data-check=\"min_psr\""));
	ck_assert_ptr_nonnull(strstr(html, "data-check=\"errors\" data-pass=\"false\""));
	paper_string_free(html);

	/* Bad input. */
	g = (paper_readiness_options)PAPER_READINESS_OPTIONS_INIT;
	g.version = 9;
	ck_assert_int_eq(paper_readiness_evaluate(&r, b, NULL, &g), PAPER_EVERSION);
	ck_assert_int_eq(paper_report_html_v2(&html, NULL, b, NULL, &g, NULL, NULL, 0),
			 PAPER_EVERSION);
	ck_assert_int_eq(paper_readiness_evaluate(NULL, b, NULL, NULL), PAPER_EINVAL);
	ck_assert_int_eq(paper_readiness_evaluate(&r, NULL, NULL, NULL), PAPER_EINVAL);
	ck_ok(paper_readiness_evaluate(&r, b, NULL, NULL));
	c = (paper_readiness_criterion)PAPER_READINESS_CRITERION_INIT;
	ck_assert_int_eq(paper_readiness_criterion_at(r, 10, &c), PAPER_ERANGE);
	c.version = 0;
	ck_assert_int_eq(paper_readiness_criterion_at(r, 0, &c), PAPER_EVERSION);
	paper_recommendation rec = PAPER_RECOMMENDATION_INIT;
	ck_assert_int_eq(paper_readiness_recommendation_at(r, 0, &rec), PAPER_ERANGE);
	paper_readiness_free(r);
	paper_readiness_free(NULL);
	ck_assert(!paper_readiness_ready(NULL));
	ck_assert_uint_eq(paper_readiness_criterion_count(NULL), 0);
	paper_broker_free(b);
}
END_TEST

/* ---- recommendations ---- */

/* One round trip of 10 units: in at `in`, out at `out` with the exit reason. */
static void trade(paper_broker *b, const char *sym, paper_ts *t, double in, double out,
		  paper_exit_reason reason)
{
	ck_ok(paper_broker_on_quote(b, sym, *t, 0, 0, in));
	tu_submit(b, sym, PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 10, 0, 0, 0);
	ck_ok(paper_broker_on_quote(b, sym, *t + MIN_US, 0, 0, in));
	paper_order_request r = PAPER_ORDER_REQUEST_INIT;
	r.symbol = sym;
	r.side = PAPER_SIDE_SELL;
	r.qty = 10;
	r.exit_reason = reason;
	ck_ok(paper_broker_submit(b, &r, NULL));
	ck_ok(paper_broker_on_quote(b, sym, *t + 2 * MIN_US, 0, 0, out));
	*t += HOUR_US;
}

static paper_readiness *advise(paper_broker *b, const paper_drift *d)
{
	paper_readiness_options g = PAPER_READINESS_OPTIONS_INIT;
	g.drift = d;
	paper_readiness *r = NULL;
	ck_ok(paper_readiness_evaluate(&r, b, NULL, &g));
	return r;
}

static paper_recommendation only_rule(const paper_readiness *r, const char *id)
{
	ck_assert_msg(paper_readiness_recommendation_count(r) == 1, "%zu rules fired, want %s",
		      paper_readiness_recommendation_count(r), id);
	paper_recommendation x = PAPER_RECOMMENDATION_INIT;
	ck_ok(paper_readiness_recommendation_at(r, 0, &x));
	ck_assert_str_eq(x.id, id);
	return x;
}

static int64_t decide(paper_ledger *l, const char *symbol, paper_ts created,
		      paper_decision_status st, const char *why)
{
	paper_decision d = PAPER_DECISION_INIT;
	g_strlcpy(d.symbol, symbol, sizeof d.symbol);
	d.side = PAPER_SIDE_BUY;
	d.confidence = 0.9;
	d.created_ts = created;
	int64_t id = 0;
	ck_ok(paper_ledger_decision_add(l, "acct", &d, &id));
	if (st != PAPER_DECISION_PENDING)
		ck_ok(paper_ledger_decision_mark_outcome(l, id, st, 0, why));
	return id;
}

/*
 * With the ledger (report options version 3) the gate reads the inbox itself: a decision
 * refused on day 13 is an error of day 13, so the account that last erred on day 10 (the
 * refused order) has 1 error-free day, not 4, as paper_readiness_evaluate() and the dashboard
 * both say. The refusal's time is when it was marked, unless that is after the account's clock
 * (an account that trades the past: marked today, in wall-clock time), then its created_ts.
 */
START_TEST(gate_reads_the_inbox)
{
	char *dir = g_dir_make_tmp("paper-readiness-XXXXXX", NULL);
	char *path = g_build_filename(dir, "ledger.db", NULL);
	paper_ledger *l = NULL;
	ck_ok(paper_ledger_open(&l, path, NULL));
	paper_config *cfg = plain();
	ck_ok(paper_config_set(cfg, "account.name", "acct"));
	ck_ok(paper_config_set(cfg, "readiness.min_error_free_days", "3"));
	ck_ok(paper_ledger_create_account(l, cfg));
	paper_config_free(cfg);
	paper_broker *b = NULL;
	ck_ok(paper_ledger_open_broker(l, "acct", &b));
	psr_trade(b);
	decide(l, "X", D0 + 12 * DAY_US, PAPER_DECISION_EXECUTED, "entry: order 9");
	decide(l, "X", D0 + 13 * DAY_US, PAPER_DECISION_REJECTED, "max_order_qty");
	decide(l, "X", D0 + 13 * DAY_US + 60 * PAPER_TS_PER_SECOND, PAPER_DECISION_SKIPPED,
	       "low_confidence");
	decide(l, "X", D0 + 14 * DAY_US, PAPER_DECISION_PENDING, NULL);

	paper_report_options ro = PAPER_REPORT_OPTIONS_INIT;
	ro.ledger = l;
	paper_readiness *r = NULL;
	ck_ok(paper_readiness_evaluate(&r, b, &ro, NULL));
	paper_readiness_criterion c = crit(r, "errors");
	ck_assert_msg(c.value == 2 && !c.pass, "errors %g: the order and the decision", c.value);
	c = crit(r, "min_error_free_days");
	near(c.value, 1, 1e-9, "error-free days since the refused decision");
	ck_assert(!c.pass);
	paper_readiness_free(r);
	/* Without the ledger: the broker's own errors only. */
	ck_ok(paper_readiness_evaluate(&r, b, NULL, NULL));
	near(crit(r, "min_error_free_days").value, 4, 1e-9, "without the inbox");
	paper_readiness_free(r);
	/* The caller's count and time still win where they say more. */
	paper_readiness_options g = PAPER_READINESS_OPTIONS_INIT;
	g.rejected_decisions = 5;
	g.last_rejected_decision_ts = D0 + 13 * DAY_US + DAY_US / 2;
	ck_ok(paper_readiness_evaluate(&r, b, &ro, &g));
	ck_assert(crit(r, "errors").value == 6);
	near(crit(r, "min_error_free_days").value, 0.5, 1e-9, "the caller's later refusal");
	paper_readiness_free(r);
	/* The dashboard says the same. */
	char *html = NULL;
	size_t len = 0;
	ck_ok(paper_report_html_v2(&html, &len, b, &ro, NULL, NULL, NULL, 0));
	ck_assert_msg(strstr(html, "data-check=\"min_error_free_days\" data-pass=\"false\" "
			     "data-value=\"1\" data-threshold=\"3\""), "%s",
		      strstr(html, "min_error_free_days") ? strstr(html, "min_error_free_days")
							  : "no gate");
	ck_assert_ptr_nonnull(strstr(html, "data-check=\"errors\" data-pass=\"false\" "
					   "data-value=\"2\""));
	paper_string_free(html);
	paper_broker_free(b);
	paper_ledger_close(l);

	/* An account whose clock is ahead of the wall clock: the refusal is when it was marked
	   (now), not when the decision was created (3 days before the clock). */
	char *path2 = g_build_filename(dir, "ahead.db", NULL);
	ck_ok(paper_ledger_open(&l, path2, NULL));
	cfg = plain();
	ck_ok(paper_config_set(cfg, "account.name", "acct"));
	ck_ok(paper_ledger_create_account(l, cfg));
	paper_config_free(cfg);
	ck_ok(paper_ledger_open_broker(l, "acct", &b));
	paper_ts now = g_get_real_time();
	ck_ok(paper_broker_mark(b, "X", now - 5 * DAY_US, 100));
	ck_ok(paper_broker_mark(b, "X", now + 2 * DAY_US, 100));
	decide(l, "X", now - DAY_US, PAPER_DECISION_REJECTED, "symbol_not_allowed");
	ro.ledger = l;
	ck_ok(paper_readiness_evaluate(&r, b, &ro, NULL));
	ck_assert(crit(r, "errors").value == 1);
	c = crit(r, "min_error_free_days");
	ck_assert_msg(c.value > 1.99 && c.value <= 2.0 + 1e-9, "error-free %.9g, want 2 (marked now)",
		      c.value);
	paper_readiness_free(r);
	paper_broker_free(b);
	paper_ledger_close(l);
	GDir *d = g_dir_open(dir, 0, NULL);
	for (const char *name; d && (name = g_dir_read_name(d)) != NULL;) {
		char *f = g_build_filename(dir, name, NULL);
		ck_assert_int_eq(g_unlink(f), 0);
		g_free(f);
	}
	if (d)
		g_dir_close(d);
	ck_assert_int_eq(g_rmdir(dir), 0);
	g_free(path);
	g_free(path2);
	g_free(dir);
}
END_TEST

START_TEST(recommendations_each_rule)
{
	/* Stop losses: 3 of 5 trades (60% > 50%). Prices flat, no costs: nothing else fires. */
	paper_broker *b = tu_broker(plain());
	paper_ts t = D0;
	for (int i = 0; i < 5; i++)
		trade(b, "A", &t, 100, 100, i < 3 ? PAPER_EXIT_STOP_LOSS : PAPER_EXIT_TAKE_PROFIT);
	paper_readiness *r = advise(b, NULL);
	paper_recommendation x = only_rule(r, "stop_losses_dominate");
	ck_assert(x.value == 0.6 && x.threshold == 0.5);
	ck_assert_ptr_nonnull(strstr(x.text, "close 3 of 5 trades (60%, more than 50%)"));
	paper_readiness_free(r);
	/* Four trades only: too few for a share rule. */
	paper_broker_free(b);
	b = tu_broker(plain());
	t = D0;
	for (int i = 0; i < 4; i++)
		trade(b, "A", &t, 100, 100, PAPER_EXIT_STOP_LOSS);
	r = advise(b, NULL);
	ck_assert_uint_eq(paper_readiness_recommendation_count(r), 0);
	paper_readiness_free(r);
	paper_broker_free(b);

	/* Time exits: 4 of 5. */
	b = tu_broker(plain());
	t = D0;
	for (int i = 0; i < 5; i++)
		trade(b, "A", &t, 100, 100, i ? PAPER_EXIT_TIME_LIMIT : PAPER_EXIT_STOP_LOSS);
	r = advise(b, NULL);
	x = only_rule(r, "time_exits_dominate");
	ck_assert(x.value == 0.8);
	ck_assert_ptr_nonnull(strstr(x.text, "Time exits close 4 of 5 trades (80%"));
	paper_readiness_free(r);
	paper_broker_free(b);

	/* Fees: a fixed 6 per fill on two trades gaining 15 each: 24 of the 30 gross (80%). */
	paper_config *cfg = plain();
	ck_ok(paper_config_set(cfg, "costs.commission_model", "fixed"));
	ck_ok(paper_config_set(cfg, "costs.commission_fixed", "6"));
	b = tu_broker(cfg);
	t = D0;
	trade(b, "A", &t, 100, 101.5, PAPER_EXIT_TAKE_PROFIT);
	trade(b, "A", &t, 100, 101.5, PAPER_EXIT_MANUAL);
	r = advise(b, NULL);
	x = only_rule(r, "fees_eat_profit");
	ck_assert_double_eq_tol(x.value, 0.8, 1e-12);
	ck_assert_double_eq_tol(x.threshold, 1.0 / 3, 1e-15);
	ck_assert_ptr_nonnull(strstr(x.text, "Fees of 24.00 take 80% of the 30.00 gross P&L"));
	paper_readiness_free(r);
	paper_broker_free(b);

	/* One symbol: AAA +100, BBB -20, CCC 0: AAA makes 125% of the 80 net. */
	b = tu_broker(plain());
	t = D0;
	trade(b, "AAA", &t, 100, 110, PAPER_EXIT_TAKE_PROFIT);
	trade(b, "BBB", &t, 100, 98, PAPER_EXIT_MANUAL);
	trade(b, "CCC", &t, 50, 50, PAPER_EXIT_MANUAL);
	r = advise(b, NULL);
	x = only_rule(r, "one_symbol_profit");
	ck_assert_double_eq_tol(x.value, 1.25, 1e-12);
	ck_assert(x.threshold == 1);
	ck_assert_ptr_nonnull(strstr(x.text, "AAA makes all the profit: 100.00 of the 80.00 net "
					     "(125%); the other 2 symbols together make -20.00"));
	paper_readiness_free(r);
	/* The dashboard lists it with its numbers. */
	char *html = NULL;
	ck_ok(paper_report_html_v2(&html, NULL, b, NULL, NULL, NULL, NULL, 0));
	ck_assert_ptr_nonnull(strstr(html, "data-recommendations=\"1\"><li data-rule=\"one_symbol_profit\" "
					   "data-value=\"1.25\" data-threshold=\"1\">AAA makes all"));
	paper_string_free(html);
	paper_broker_free(b);

	/* Slippage above the model: 0.1% realised against 0.05% modelled on the same trades. */
	cfg = plain();
	ck_ok(paper_config_set(cfg, "costs.slippage_pct", "0.1"));
	ck_ok(paper_config_set(cfg, "costs.slippage_market_mult", "1"));
	ck_ok(paper_config_set(cfg, "costs.slippage_jitter", "0"));
	paper_broker *p = tu_broker(cfg);
	cfg = plain();
	ck_ok(paper_config_set(cfg, "costs.slippage_pct", "0.05"));
	ck_ok(paper_config_set(cfg, "costs.slippage_market_mult", "1"));
	ck_ok(paper_config_set(cfg, "costs.slippage_jitter", "0"));
	b = tu_broker(cfg);
	paper_ts tp = D0, tb = D0;
	trade(p, "A", &tp, 100, 100, PAPER_EXIT_MANUAL);
	trade(b, "A", &tb, 100, 100, PAPER_EXIT_MANUAL);
	paper_drift *d = NULL;
	ck_ok(paper_drift_compare(&d, p, b, NULL));
	r = advise(p, d);
	x = only_rule(r, "slippage_above_model");
	ck_assert_double_eq_tol(x.value, 2.0, 1e-12); /* 2.00 against 1.00 */
	ck_assert(x.threshold == 1.25);
	ck_assert_ptr_nonnull(strstr(x.text, "Realised slippage of 2.00 on the 1 trades the backtest "
					     "also made is 2.00 times the modelled 1.00"));
	paper_readiness_free(r);
	/* The dashboard's comparison section. */
	paper_readiness_options g = PAPER_READINESS_OPTIONS_INIT;
	g.drift = d;
	ck_ok(paper_report_html_v2(&html, NULL, p, NULL, &g, NULL, NULL, 0));
	ck_assert_ptr_nonnull(strstr(html, "<section class=\"drift\" data-matched=\"1\" data-missed=\"0\" "
					   "data-extra=\"0\" data-pnl-drift=\"-1\""));
	ck_assert_ptr_nonnull(strstr(html, "<tr data-kind=\"matched\" data-match=\"time\" data-symbol=\"A\""));
	paper_string_free(html);
	/* Without the drift, no rule: the same account says nothing. */
	r = advise(p, NULL);
	ck_assert_uint_eq(paper_readiness_recommendation_count(r), 0);
	paper_readiness_free(r);
	paper_drift_free(d);
	paper_broker_free(p);
	paper_broker_free(b);

	/* None: five mixed exits, no costs, one symbol, a profit. */
	b = tu_broker(plain());
	t = D0;
	static const paper_exit_reason mix[] = { PAPER_EXIT_STOP_LOSS, PAPER_EXIT_TIME_LIMIT,
						 PAPER_EXIT_TAKE_PROFIT, PAPER_EXIT_TAKE_PROFIT,
						 PAPER_EXIT_MANUAL };
	for (int i = 0; i < 5; i++)
		trade(b, "A", &t, 100, 101, mix[i]);
	r = advise(b, NULL);
	ck_assert_uint_eq(paper_readiness_recommendation_count(r), 0);
	paper_readiness_free(r);
	ck_ok(paper_report_html_v2(&html, NULL, b, NULL, NULL, NULL, NULL, 0));
	ck_assert_ptr_nonnull(strstr(html, "No rule applies to this account's numbers."));
	paper_string_free(html);
	paper_broker_free(b);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("readiness");
	TCase *tc = tcase_create("readiness");
	tcase_add_test(tc, gate_by_hand);
	tcase_add_test(tc, gate_reads_the_inbox);
	tcase_add_test(tc, recommendations_each_rule);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
