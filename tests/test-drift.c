/*
 * Drift: a paper account (a ledger account, loaded back) against a backtest, built by hand so
 * that every difference is known: a pair matched by signal id with a worse exit, a pair matched
 * by time with a later entry, a trade only the backtest made (missed), one only the paper
 * account made (extra), and different slippage on each side (paper 0.1%, backtest 0.05%, on
 * market orders at quotes, no commission). Every field is asserted.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "testutil.h"

#define E8 INT64_C(100000000)
/* 2024-01-02T10:00:00Z */
#define D10 (INT64_C(1704189600) * PAPER_TS_PER_SECOND)
#define AT(h, m) (D10 + (paper_ts)((h) - 10) * HOUR_US + (paper_ts)(m) * MIN_US)

static paper_config *config(const char *name, const char *slippage)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "account.name", name));
	ck_ok(paper_config_set(cfg, "costs.slippage_pct", slippage));
	ck_ok(paper_config_set(cfg, "costs.slippage_market_mult", "1"));
	ck_ok(paper_config_set(cfg, "costs.slippage_jitter", "0"));
	return cfg;
}

static void order(paper_broker *b, const char *sym, paper_side side, const char *signal_id,
		  paper_exit_reason reason)
{
	paper_order_request r = PAPER_ORDER_REQUEST_INIT;
	r.symbol = sym;
	r.side = side;
	r.qty = 10;
	r.signal_id = signal_id;
	r.exit_reason = reason;
	ck_ok(paper_broker_submit(b, &r, NULL));
}

/* A market order of 10 a minute before `at` (the broker's clock), filled by the quote at `at`. */
static void fill_at(paper_broker *b, const char *sym, paper_side side, paper_ts at, double price,
		    const char *signal_id, paper_exit_reason reason)
{
	ck_ok(paper_broker_on_quote(b, sym, at - MIN_US, 0, 0, price));
	order(b, sym, side, signal_id, reason);
	ck_ok(paper_broker_on_quote(b, sym, at, 0, 0, price));
}

static paper_broker *backtest(void)
{
	paper_config *cfg = config("backtest", "0.05");
	paper_broker *b = tu_broker(cfg); /* frees cfg */
	/* Three entries at 10:00: quoted and ordered at 9:59 first, then filled. */
	static const char *const sym[] = { "AAA", "BBB", "CCC" }, *const sig[] = { "s1", "s2", "s3" };
	static const double px[] = { 100, 50, 200 };
	for (int i = 0; i < 3; i++)
		ck_ok(paper_broker_on_quote(b, sym[i], AT(9, 59), 0, 0, px[i]));
	for (int i = 0; i < 3; i++)
		order(b, sym[i], i == 2 ? PAPER_SIDE_SELL : PAPER_SIDE_BUY, sig[i], PAPER_EXIT_NONE);
	for (int i = 0; i < 3; i++)
		ck_ok(paper_broker_on_quote(b, sym[i], AT(10, 0), 0, 0, px[i]));
	fill_at(b, "BBB", PAPER_SIDE_SELL, AT(11, 0), 51, NULL, PAPER_EXIT_TIME_LIMIT);
	fill_at(b, "AAA", PAPER_SIDE_SELL, AT(12, 0), 102, NULL, PAPER_EXIT_TAKE_PROFIT);
	fill_at(b, "CCC", PAPER_SIDE_BUY, AT(13, 0), 198, NULL, PAPER_EXIT_TAKE_PROFIT);
	ck_assert_uint_eq(paper_broker_trade_count(b), 3);
	return b;
}

/* The paper account, in a ledger, read back as paper report and paper drift read it. */
static paper_broker *paper_account(const char *dir)
{
	char *path = g_build_filename(dir, "paper.db", NULL);
	paper_ledger *l = NULL;
	ck_ok(paper_ledger_open(&l, path, NULL));
	paper_config *cfg = config("paper", "0.1");
	ck_ok(paper_ledger_create_account(l, cfg));
	paper_config_free(cfg);
	paper_broker *b = NULL;
	ck_ok(paper_ledger_open_broker(l, "paper", &b));
	fill_at(b, "AAA", PAPER_SIDE_BUY, AT(10, 0), 100, "s1", PAPER_EXIT_NONE);
	fill_at(b, "BBB", PAPER_SIDE_BUY, AT(10, 30), 50.5, "manual-7", PAPER_EXIT_NONE);
	fill_at(b, "BBB", PAPER_SIDE_SELL, AT(11, 0), 51, NULL, PAPER_EXIT_TIME_LIMIT);
	fill_at(b, "DDD", PAPER_SIDE_BUY, AT(11, 30), 20, "x9", PAPER_EXIT_NONE);
	fill_at(b, "AAA", PAPER_SIDE_SELL, AT(12, 0), 101.5, NULL, PAPER_EXIT_TAKE_PROFIT);
	fill_at(b, "DDD", PAPER_SIDE_SELL, AT(12, 30), 19, NULL, PAPER_EXIT_STOP_LOSS);
	paper_broker_free(b);
	b = NULL;
	ck_ok(paper_ledger_load_broker(l, "paper", &b));
	paper_ledger_close(l); /* the loaded broker stands alone */
	g_free(path);
	ck_assert_uint_eq(paper_broker_trade_count(b), 3);
	return b;
}

static paper_drift_row row(const paper_drift *d, size_t i)
{
	paper_drift_row r = PAPER_DRIFT_ROW_INIT;
	ck_ok(paper_drift_row_at(d, i, &r));
	return r;
}

static void eq(double got, double want, const char *what)
{
	ck_assert_msg(fabs(got - want) <= 1e-9 * fmax(1.0, fabs(want)), "%s: %.17g, want %.17g", what,
		      got, want);
}

static double bps(double paper, double backtest, int sign)
{
	return (paper - backtest) / backtest * 1e4 * sign;
}

START_TEST(hand_built_case)
{
	char *dir = g_dir_make_tmp("paper-drift-XXXXXX", NULL);
	paper_broker *p = paper_account(dir), *b = backtest();
	paper_drift *d = NULL;
	ck_ok(paper_drift_compare(&d, p, b, NULL));
	ck_assert_uint_eq(paper_drift_row_count(d), 4);

	/* Row 0, 10:00: AAA matched by its signal id; same entry time, exit 0.5505 lower. */
	paper_drift_row r = row(d, 0);
	ck_assert_int_eq(r.kind, PAPER_DRIFT_MATCHED);
	ck_assert_int_eq(r.match, PAPER_DRIFT_MATCH_SIGNAL_ID);
	ck_assert_str_eq(r.symbol, "AAA");
	ck_assert_int_eq(r.direction, PAPER_LONG);
	ck_assert_str_eq(r.signal_id, "s1");
	ck_assert_uint_eq(r.paper_trade, 2);
	ck_assert_uint_eq(r.backtest_trade, 2);
	ck_assert_int_eq(r.paper_entry_ts, AT(10, 0));
	ck_assert_int_eq(r.backtest_entry_ts, AT(10, 0));
	ck_assert_int_eq(r.paper_exit_ts, AT(12, 0));
	ck_assert_int_eq(r.backtest_exit_ts, AT(12, 0));
	eq(r.paper_entry_price, 100.1, "AAA paper entry");    /* 100 + 0.1% */
	eq(r.backtest_entry_price, 100.05, "AAA bt entry");   /* 100 + 0.05% */
	eq(r.paper_exit_price, 101.3985, "AAA paper exit");   /* 101.5 - 0.1% */
	eq(r.backtest_exit_price, 101.949, "AAA bt exit");    /* 102 - 0.05% */
	eq(r.paper_qty, 10, "qty");
	eq(r.backtest_qty, 10, "qty");
	ck_assert_int_eq(r.paper_reason, PAPER_EXIT_TAKE_PROFIT);
	ck_assert_int_eq(r.backtest_reason, PAPER_EXIT_TAKE_PROFIT);
	ck_assert_int_eq(r.paper_pnl_e8, INT64_C(1298500000));    /* 12.985 */
	ck_assert_int_eq(r.backtest_pnl_e8, INT64_C(1899000000)); /* 18.99 */
	eq(r.paper_pnl, 12.985, "pnl");
	eq(r.backtest_pnl, 18.99, "pnl");
	eq(r.paper_slippage, 2.015, "AAA realised slippage");  /* (0.1 + 0.1015) x 10 */
	eq(r.backtest_slippage, 1.01, "AAA modelled slippage"); /* (0.05 + 0.051) x 10 */
	eq(r.entry_delay, 0, "delay");
	eq(r.exit_delay, 0, "delay");
	eq(r.entry_price_diff, 0.05, "entry diff");
	eq(r.exit_price_diff, -0.5505, "exit diff");
	eq(r.entry_drift_bps, bps(100.1, 100.05, 1), "entry bps");
	eq(r.exit_drift_bps, bps(101.3985, 101.949, -1), "exit bps");
	ck_assert(r.exit_drift_bps > 53.99 && r.exit_drift_bps < 54.0); /* worse exit: positive */
	eq(r.qty_diff, 0, "qty diff");
	eq(r.pnl_drift, -6.005, "AAA drift");

	/* Row 1, 10:00 (the backtest's entry; then by symbol): BBB matched by time, entered 30 minutes later. */
	r = row(d, 1);
	ck_assert_int_eq(r.kind, PAPER_DRIFT_MATCHED);
	ck_assert_int_eq(r.match, PAPER_DRIFT_MATCH_TIME);
	ck_assert_str_eq(r.symbol, "BBB");
	ck_assert_str_eq(r.signal_id, "manual-7");
	ck_assert_uint_eq(r.paper_trade, 1);
	ck_assert_uint_eq(r.backtest_trade, 1);
	ck_assert_int_eq(r.paper_entry_ts, AT(10, 30));
	ck_assert_int_eq(r.backtest_entry_ts, AT(10, 0));
	eq(r.entry_delay, 1800, "BBB later entry");
	eq(r.exit_delay, 0, "BBB exit delay");
	eq(r.paper_entry_price, 50.5505, "BBB paper entry");
	eq(r.backtest_entry_price, 50.025, "BBB bt entry");
	eq(r.paper_exit_price, 50.949, "BBB paper exit");
	eq(r.backtest_exit_price, 50.9745, "BBB bt exit");
	ck_assert_int_eq(r.paper_reason, PAPER_EXIT_TIME_LIMIT);
	ck_assert_int_eq(r.paper_pnl_e8, INT64_C(398500000));    /* 3.985 */
	ck_assert_int_eq(r.backtest_pnl_e8, INT64_C(949500000)); /* 9.495 */
	eq(r.paper_slippage, 1.015, "BBB realised");
	eq(r.backtest_slippage, 0.505, "BBB modelled");
	eq(r.entry_price_diff, 0.5255, "BBB entry diff");
	eq(r.exit_price_diff, -0.0255, "BBB exit diff");
	eq(r.entry_drift_bps, bps(50.5505, 50.025, 1), "BBB entry bps");
	eq(r.exit_drift_bps, bps(50.949, 50.9745, -1), "BBB exit bps");
	eq(r.pnl_drift, -5.51, "BBB drift");

	/* Row 2, 10:00: CCC short only in the backtest: missed. */
	r = row(d, 2);
	ck_assert_int_eq(r.kind, PAPER_DRIFT_MISSED);
	ck_assert_int_eq(r.match, PAPER_DRIFT_MATCH_NONE);
	ck_assert_str_eq(r.symbol, "CCC");
	ck_assert_int_eq(r.direction, PAPER_SHORT);
	ck_assert_str_eq(r.signal_id, "s3");
	ck_assert_uint_eq(r.paper_trade, 0);
	ck_assert_uint_eq(r.backtest_trade, 3);
	ck_assert_int_eq(r.paper_entry_ts, 0);
	ck_assert_int_eq(r.backtest_entry_ts, AT(10, 0));
	ck_assert_int_eq(r.backtest_exit_ts, AT(13, 0));
	ck_assert(isnan(r.paper_entry_price) && isnan(r.paper_exit_price));
	eq(r.backtest_entry_price, 199.9, "CCC entry");       /* 200 - 0.05% */
	eq(r.backtest_exit_price, 198.099, "CCC exit");       /* 198 + 0.05% */
	ck_assert_int_eq(r.backtest_pnl_e8, INT64_C(1801000000)); /* 18.01 */
	eq(r.backtest_slippage, 1.99, "CCC slippage");
	ck_assert(isnan(r.entry_delay) && isnan(r.exit_delay) && isnan(r.entry_drift_bps) &&
		  isnan(r.exit_drift_bps) && isnan(r.entry_price_diff) && isnan(r.qty_diff));
	eq(r.pnl_drift, -18.01, "missed drift");

	/* Row 3, 11:30: DDD only on paper: extra. */
	r = row(d, 3);
	ck_assert_int_eq(r.kind, PAPER_DRIFT_EXTRA);
	ck_assert_str_eq(r.symbol, "DDD");
	ck_assert_str_eq(r.signal_id, "x9");
	ck_assert_uint_eq(r.paper_trade, 3);
	ck_assert_uint_eq(r.backtest_trade, 0);
	ck_assert_int_eq(r.backtest_entry_ts, 0);
	eq(r.paper_entry_price, 20.02, "DDD entry");
	eq(r.paper_exit_price, 18.981, "DDD exit");
	ck_assert_int_eq(r.paper_reason, PAPER_EXIT_STOP_LOSS);
	ck_assert_int_eq(r.paper_pnl_e8, -INT64_C(1039000000)); /* -10.39 */
	eq(r.paper_slippage, 0.39, "DDD slippage");
	ck_assert(isnan(r.backtest_entry_price) && isnan(r.entry_delay));
	eq(r.pnl_drift, -10.39, "extra drift");

	paper_drift_summary s = PAPER_DRIFT_SUMMARY_INIT;
	ck_ok(paper_drift_summary_get(d, &s));
	ck_assert_uint_eq(s.paper_trades, 3);
	ck_assert_uint_eq(s.backtest_trades, 3);
	ck_assert_uint_eq(s.matched, 2);
	ck_assert_uint_eq(s.matched_by_signal_id, 1);
	ck_assert_uint_eq(s.matched_by_time, 1);
	ck_assert_uint_eq(s.missed, 1);
	ck_assert_uint_eq(s.extra, 1);
	ck_assert_uint_eq(s.exit_reason_changes, 0);
	ck_assert_int_eq(s.paper_pnl_e8, INT64_C(658000000));     /* 12.985 + 3.985 - 10.39 */
	ck_assert_int_eq(s.backtest_pnl_e8, INT64_C(4649500000)); /* 18.99 + 9.495 + 18.01 */
	ck_assert_int_eq(s.matched_pnl_drift_e8, -INT64_C(1151500000)); /* -6.005 - 5.51 */
	ck_assert_int_eq(s.missed_pnl_e8, INT64_C(1801000000));
	ck_assert_int_eq(s.extra_pnl_e8, -INT64_C(1039000000));
	/* The totals reconcile: -11.515 - 10.39 - 18.01 = 6.58 - 46.495. */
	ck_assert_int_eq(s.matched_pnl_drift_e8 + s.extra_pnl_e8 - s.missed_pnl_e8,
			 s.paper_pnl_e8 - s.backtest_pnl_e8);
	eq(s.paper_pnl, 6.58, "paper pnl");
	eq(s.backtest_pnl, 46.495, "backtest pnl");
	eq(s.pnl_drift, -39.915, "drift");
	eq(s.matched_pnl_drift, -11.515, "matched drift");
	eq(s.missed_pnl, 18.01, "missed");
	eq(s.extra_pnl, -10.39, "extra");
	eq(s.mean_entry_delay, 900, "mean entry delay");
	eq(s.max_entry_delay, 1800, "max entry delay");
	eq(s.mean_exit_delay, 0, "mean exit delay");
	eq(s.max_exit_delay, 0, "max exit delay");
	eq(s.mean_entry_drift_bps, (bps(100.1, 100.05, 1) + bps(50.5505, 50.025, 1)) / 2, "entry bps");
	eq(s.mean_exit_drift_bps, (bps(101.3985, 101.949, -1) + bps(50.949, 50.9745, -1)) / 2,
	   "exit bps");
	eq(s.paper_slippage, 3.42, "realised slippage");      /* 2.015 + 1.015 + 0.39 */
	eq(s.backtest_slippage, 3.505, "modelled slippage");  /* 1.01 + 0.505 + 1.99 */
	eq(s.matched_paper_slippage, 3.03, "matched realised");
	eq(s.matched_backtest_slippage, 1.515, "matched modelled");
	ck_assert_int_eq(s.time_tolerance, HOUR_US);
	ck_assert(s.match_by_time);

	/* The JSON says the same, exactly. */
	char *json = NULL;
	ck_ok(paper_drift_to_json(d, &json));
	ck_assert_msg(tu_python_accepts(json,
		"s = d['summary']\n"
		"assert d['format'] == 'libpaper.drift' and d['schema_version'] == 2\n"
		"assert (s['matched'], s['missed'], s['extra']) == (2, 1, 1)\n"
		"assert s['pnl_drift'] == -39.915 and s['paper_pnl'] == 6.58\n"
		"assert s['backtest_pnl'] == 46.495 and s['matched_pnl_drift'] == -11.515\n"
		"assert s['realised_slippage'] == 3.42 and s['modelled_slippage'] == 3.505\n"
		"assert s['mean_entry_delay_seconds'] == 900 and s['time_tolerance_seconds'] == 3600\n"
		"r = d['rows']\n"
		"assert [x['kind'] for x in r] == ['matched', 'matched', 'missed', 'extra']\n"
		"assert [x['match'] for x in r] == ['signal_id', 'time', 'none', 'none']\n"
		"assert r[0]['paper']['exit_price'] == 101.3985 and r[0]['exit_price_diff'] == -0.5505\n"
		"assert r[0]['backtest']['slippage'] == 1.01 and r[0]['pnl_drift'] == -6.005\n"
		"assert r[2]['paper'] is None and r[2]['backtest']['entry_time'] == '2024-01-02T10:00:00Z'\n"
		"assert r[2]['entry_delay_seconds'] is None and r[2]['pnl_drift'] == -18.01\n"
		"assert r[1]['entry_delay_seconds'] == 1800 and r[1]['signal_id'] == 'manual-7'\n"
		"assert r[3]['backtest'] is None and r[3]['paper']['exit_reason'] == 'stop_loss'\n"),
		"drift JSON: %s", json);
	paper_string_free(json);
	paper_drift_free(d);

	/* By signal id only: BBB is no pair any more, a missed and an extra trade instead. */
	paper_drift_options o = PAPER_DRIFT_OPTIONS_INIT;
	o.match_by_time = false;
	ck_ok(paper_drift_compare(&d, p, b, &o));
	ck_ok(paper_drift_summary_get(d, &s));
	ck_assert_uint_eq(s.matched, 1);
	ck_assert_uint_eq(s.missed, 2);
	ck_assert_uint_eq(s.extra, 2);
	paper_drift_free(d);
	/* A tolerance below the 30 minutes: the same. */
	o = (paper_drift_options)PAPER_DRIFT_OPTIONS_INIT;
	o.time_tolerance = 29 * MIN_US;
	ck_ok(paper_drift_compare(&d, p, b, &o));
	ck_ok(paper_drift_summary_get(d, &s));
	ck_assert_uint_eq(s.matched_by_time, 0);
	paper_drift_free(d);
	/* A range: only the trades entered from 10:15 on (BBB on paper, DDD). */
	o = (paper_drift_options)PAPER_DRIFT_OPTIONS_INIT;
	o.from = AT(10, 15);
	ck_ok(paper_drift_compare(&d, p, b, &o));
	ck_ok(paper_drift_summary_get(d, &s));
	ck_assert_uint_eq(s.paper_trades, 2);
	ck_assert_uint_eq(s.backtest_trades, 0);
	ck_assert_uint_eq(s.extra, 2);
	ck_assert(isnan(s.mean_entry_delay));
	paper_drift_free(d);

	paper_broker_free(p);
	paper_broker_free(b);
	char *db = g_build_filename(dir, "paper.db", NULL);
	g_unlink(db);
	g_free(db);
	g_rmdir(dir);
	g_free(dir);
}
END_TEST

/* Closest pairs first, each trade once: three paper and three backtest entries of one symbol. */
START_TEST(closest_pairs_first)
{
	paper_broker *p = tu_broker(config("x", "0")), *b = tu_broker(config("x", "0"));
	/* Backtest at 10:00, 10:40, 11:20; paper at 10:30, 10:50, 13:00. */
	paper_ts bt[] = { AT(10, 0), AT(10, 40), AT(11, 20) }, pt[] = { AT(10, 30), AT(10, 50), AT(13, 0) };
	for (int i = 0; i < 3; i++) {
		fill_at(b, "Z", PAPER_SIDE_BUY, bt[i], 10, NULL, PAPER_EXIT_NONE);
		fill_at(b, "Z", PAPER_SIDE_SELL, bt[i] + 5 * MIN_US, 10, NULL, PAPER_EXIT_MANUAL);
		fill_at(p, "Z", PAPER_SIDE_BUY, pt[i], 10, NULL, PAPER_EXIT_NONE);
		fill_at(p, "Z", PAPER_SIDE_SELL, pt[i] + 5 * MIN_US, 10, NULL, PAPER_EXIT_MANUAL);
	}
	paper_drift *d = NULL;
	ck_ok(paper_drift_compare(&d, p, b, NULL));
	/* Closest first: 10:30-10:40 and 10:50-10:40 are both 10 minutes apart, the earlier paper
	   entry wins; then 10:50-11:20 (30 minutes; 10:30-10:00 is 30 too, but 10:30 is taken).
	   10:00 stays missed, 13:00 is extra (100 minutes from 11:20, over the hour). */
	ck_assert_uint_eq(paper_drift_row_count(d), 4);
	paper_drift_row r = row(d, 0);
	ck_assert_int_eq(r.kind, PAPER_DRIFT_MISSED);
	ck_assert_int_eq(r.backtest_entry_ts, AT(10, 0));
	r = row(d, 1);
	ck_assert_int_eq(r.kind, PAPER_DRIFT_MATCHED);
	ck_assert_int_eq(r.paper_entry_ts, AT(10, 30));
	ck_assert_int_eq(r.backtest_entry_ts, AT(10, 40));
	r = row(d, 2);
	ck_assert_int_eq(r.kind, PAPER_DRIFT_MATCHED);
	ck_assert_int_eq(r.paper_entry_ts, AT(10, 50));
	ck_assert_int_eq(r.backtest_entry_ts, AT(11, 20));
	r = row(d, 3);
	ck_assert_int_eq(r.kind, PAPER_DRIFT_EXTRA);
	ck_assert_int_eq(r.paper_entry_ts, AT(13, 0));
	paper_drift_free(d);
	paper_broker_free(p);
	paper_broker_free(b);
}
END_TEST

START_TEST(bad_arguments)
{
	paper_broker *b = tu_broker_plain();
	paper_drift *d = NULL;
	paper_drift_options o = PAPER_DRIFT_OPTIONS_INIT;
	ck_assert_int_eq(paper_drift_compare(NULL, b, b, NULL), PAPER_EINVAL);
	ck_assert_int_eq(paper_drift_compare(&d, NULL, b, NULL), PAPER_EINVAL);
	ck_assert_int_eq(paper_drift_compare(&d, b, NULL, NULL), PAPER_EINVAL);
	o.time_tolerance = -1;
	ck_assert_int_eq(paper_drift_compare(&d, b, b, &o), PAPER_EINVAL);
	o = (paper_drift_options)PAPER_DRIFT_OPTIONS_INIT;
	o.from = 10;
	o.to = 10;
	ck_assert_int_eq(paper_drift_compare(&d, b, b, &o), PAPER_EINVAL);
	o = (paper_drift_options)PAPER_DRIFT_OPTIONS_INIT;
	o.version = 99;
	ck_assert_int_eq(paper_drift_compare(&d, b, b, &o), PAPER_EVERSION);
	ck_assert_ptr_null(d);
	/* Nothing on either side: an empty comparison. */
	ck_ok(paper_drift_compare(&d, b, b, NULL));
	ck_assert_uint_eq(paper_drift_row_count(d), 0);
	paper_drift_summary s = PAPER_DRIFT_SUMMARY_INIT;
	ck_ok(paper_drift_summary_get(d, &s));
	ck_assert_uint_eq(s.matched + s.missed + s.extra, 0);
	paper_drift_row r = PAPER_DRIFT_ROW_INIT;
	ck_assert_int_eq(paper_drift_row_at(d, 0, &r), PAPER_ERANGE);
	r.version = 7;
	ck_assert_int_eq(paper_drift_row_at(d, 0, &r), PAPER_EVERSION);
	s.version = 0;
	ck_assert_int_eq(paper_drift_summary_get(d, &s), PAPER_EVERSION);
	ck_assert_str_eq(paper_drift_kind_str(PAPER_DRIFT_EXTRA), "extra");
	ck_assert_str_eq(paper_drift_kind_str((paper_drift_kind)9), "unknown");
	ck_assert_str_eq(paper_drift_match_str(PAPER_DRIFT_MATCH_TIME), "time");
	ck_assert_uint_eq(paper_drift_row_count(NULL), 0);
	paper_drift_free(d);
	paper_drift_free(NULL);
	paper_broker_free(b);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("drift");
	TCase *tc = tcase_create("drift");
	tcase_add_test(tc, hand_built_case);
	tcase_add_test(tc, closest_pairs_first);
	tcase_add_test(tc, bad_arguments);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
