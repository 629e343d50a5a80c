/* The HTML dashboard and the tear sheet: self-contained, KPIs equal to the account, charts
   carrying the report's values, escaping, atomic writes. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static paper_broker *traded_broker(void)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "costs.commission_pct", "0.1"));
	paper_broker *b = tu_broker(cfg);
	double px = 100;
	paper_order_request r = PAPER_ORDER_REQUEST_INIT;
	r.symbol = "AAPL";
	r.qty = 10;
	r.strategy = "mom<&>";
	for (int i = 0; i < 60; i++) {
		px += (i % 5) - 1.8;
		ck_ok(paper_broker_on_bar(b, "AAPL", T0 + i * 6 * HOUR_US, px, px + 1, px - 1, px, 1e6));
		ck_ok(paper_broker_mark(b, "AAPL", T0 + i * 6 * HOUR_US, px));
		r.side = i % 2 ? PAPER_SIDE_SELL : PAPER_SIDE_BUY;
		r.exit_reason = i % 4 == 1 ? PAPER_EXIT_TAKE_PROFIT : PAPER_EXIT_STOP_LOSS;
		ck_ok(paper_broker_submit(b, &r, NULL));
	}
	return b;
}

/* The data-value of data-kpi="id". */
static double kpi_value(const char *html, const char *id)
{
	char needle[64];
	g_snprintf(needle, sizeof needle, "data-kpi=\"%s\" data-value=\"", id);
	const char *p = strstr(html, needle);
	ck_assert_msg(p != NULL, "no KPI %s", id);
	return g_ascii_strtod(p + strlen(needle), NULL);
}

START_TEST(kpis_equal_the_account)
{
	paper_broker *b = traded_broker();
	char *html = NULL;
	size_t len = 0;
	ck_ok(paper_report_html(&html, &len, b, NULL));
	ck_assert_uint_eq(len, strlen(html));
	paper_account_info a = tu_account(b);
	ck_assert_double_eq_tol(kpi_value(html, "equity"), a.equity, 1e-6);
	ck_assert_double_eq_tol(kpi_value(html, "cash"), a.cash, 1e-6);
	ck_assert_double_eq_tol(kpi_value(html, "realized_pnl_net"), a.realized_pnl - a.fees, 1e-6);
	ck_assert_double_eq_tol(kpi_value(html, "unrealized_pnl"), a.unrealized_pnl, 1e-6);
	ck_assert_double_eq(kpi_value(html, "open_positions"), (double)a.open_positions);

	paper_metrics *m = NULL;
	ck_ok(paper_metrics_from_broker(&m, b, NULL));
	const char *keys[] = { "win_rate", "sharpe_ratio", "max_drawdown", "profit_factor" };
	for (int i = 0; i < 4; i++) {
		double v;
		ck_ok(paper_metrics_get(m, keys[i], &v));
		ck_assert_msg(fabs(kpi_value(html, keys[i]) - v) <= 1e-9 * fmax(1, fabs(v)),
			      "%s: %g vs %g", keys[i], kpi_value(html, keys[i]), v);
	}
	paper_metrics_free(m);
	paper_string_free(html);
	paper_broker_free(b);
}
END_TEST

START_TEST(self_contained_and_complete)
{
	paper_broker *b = traded_broker();
	paper_report_options o = PAPER_REPORT_OPTIONS_INIT;
	o.title = "Desk <one> & \"two\"";
	o.refresh_seconds = 30;
	char *html = NULL;
	ck_ok(paper_report_html(&html, NULL, b, &o));
	/* Nothing fetched from anywhere: one inline script (the trade table's), no source. */
	const char *script = strstr(html, "<script>");
	ck_assert_ptr_nonnull(script);
	ck_assert_ptr_null(strstr(script + 1, "<script"));
	ck_assert_ptr_null(strstr(html, "http://"));
	ck_assert_ptr_null(strstr(html, "https://"));
	ck_assert_ptr_null(strstr(html, "src="));
	ck_assert_ptr_null(strstr(html, "@import"));
	ck_assert_ptr_null(strstr(html, "url("));
	/* Escaped title, refresh, PAPER marker, every section. */
	ck_assert_ptr_nonnull(strstr(html, "Desk &lt;one&gt; &amp; &quot;two&quot;"));
	ck_assert_ptr_null(strstr(html, "<one>"));
	ck_assert_ptr_nonnull(strstr(html, "http-equiv=\"refresh\" content=\"30\""));
	ck_assert_ptr_nonnull(strstr(html, ">PAPER<"));
	const char *sections[] = { "Equity and drawdown", "Exit reasons", "Open positions",
				   "Recent fills", "Trade history", "Per symbol", "Readiness",
				   "<polyline", "data-reason=\"take_profit\"", "data-check=\"min_trades\"",
				   "name=\"viewport\"", "Tear sheet", "Monthly returns", "Yearly returns",
				   "Rolling 6-month Sharpe", "Distribution of returns", "Underwater",
				   "data-key=\"omega_ratio\"", "data-tick=\"", "table data-pageable",
				   "<th data-sort", "overflow-x:auto" };
	for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
		ck_assert_msg(strstr(html, sections[i]) != NULL, "missing %s", sections[i]);
	paper_string_free(html);
	paper_broker_free(b);
}
END_TEST

/* Every trade in the history (version 2's default), each with its P&L per exit reason. */
START_TEST(all_trades_and_exit_pnl)
{
	paper_broker *b = traded_broker();
	char *html = NULL;
	ck_ok(paper_report_html(&html, NULL, b, NULL));
	size_t n = paper_broker_trade_count(b);
	ck_assert_uint_gt(n, 25);
	char needle[64];
	g_snprintf(needle, sizeof needle, "data-trades=\"%zu\"", n);
	ck_assert_ptr_nonnull(strstr(html, needle));
	double pnl[PAPER_EXIT_FORCE + 1] = { 0 };
	for (size_t i = 0; i < n; i++) {
		paper_trade_info t = PAPER_TRADE_INFO_INIT;
		ck_ok(paper_broker_trade_at(b, i, &t));
		pnl[t.exit_reason] += t.pnl_net;
	}
	for (int r = PAPER_EXIT_TAKE_PROFIT; r <= PAPER_EXIT_STOP_LOSS; r++) {
		g_snprintf(needle, sizeof needle, "<tr data-reason=\"%s\" data-pnl=\"",
			   paper_exit_reason_str(r));
		const char *p = strstr(html, needle);
		ck_assert_msg(p != NULL, "no P&L row for %s", paper_exit_reason_str(r));
		ck_assert_double_eq_tol(strtod(p + strlen(needle), NULL), pnl[r], 1e-9);
	}
	/* The trade rows: one per trade, counted by their exit-reason cells. */
	const char *body = strstr(html, "table data-pageable");
	size_t rows = 0;
	for (const char *q = body; (q = strstr(q, "<tr><td>")) && q < strstr(body, "</tbody>"); q++)
		rows++;
	ck_assert_uint_eq(rows, n);
	paper_string_free(html);
	/* Version 1 options keep version 1's meaning: recent_trades rows, 252 periods. */
	paper_report_options o1 = PAPER_REPORT_OPTIONS_INIT;
	o1.version = 1;
	o1.recent_trades = 5;
	o1.periods_per_year = 252;
	ck_ok(paper_report_html(&html, NULL, b, &o1));
	ck_assert_ptr_nonnull(strstr(html, "data-trades=\"5\""));
	ck_assert_ptr_nonnull(strstr(html, "data-periods-per-year=\"252\""));
	paper_string_free(html);
	o1.periods_per_year = 0;
	ck_assert_int_eq(paper_report_html(&html, NULL, b, &o1), PAPER_EINVAL);
	paper_broker_free(b);
}
END_TEST

/* The tear sheet from arrays: each chart's data attributes against the report's own values. */
START_TEST(tearsheet_charts_carry_the_data)
{
	enum { N = 400 };
	paper_ts ts[N];
	double eq[N];
	GRand *g = g_rand_new_with_seed(17);
	/* Every calendar day from 2023-01-01 (crypto): 365 periods a year from the calendar. */
	for (int i = 0; i < N; i++) {
		ts[i] = INT64_C(1672531200000000) + i * INT64_C(86400000000);
		eq[i] = i ? eq[i - 1] * (1 + g_rand_double_range(g, -0.02, 0.021)) : 1000;
	}
	g_rand_free(g);
	paper_metrics *m = NULL;
	ck_ok(paper_metrics_from_arrays(&m, NULL, 0, ts, eq, NULL, N, NULL));
	char *html = NULL;
	size_t len = 0;
	ck_ok(paper_report_tearsheet_html(&html, &len, m, "Sheet <x>"));
	ck_assert_uint_eq(len, strlen(html));
	ck_assert_ptr_nonnull(strstr(html, "<title>Sheet &lt;x&gt;</title>"));
	ck_assert_ptr_null(strstr(html, "http://"));
	ck_assert_ptr_null(strstr(html, "https://"));
	ck_assert_ptr_nonnull(strstr(html, "data-periods-per-year=\"365\""));
	/* Months: Jan 2023 .. Feb 2024 is 14 cells; January's is its compounded return. */
	ck_assert_ptr_nonnull(strstr(html, "data-months=\"14\""));
	const char *jan = strstr(html, "data-month=\"2023-01\" data-return=\"");
	ck_assert_ptr_nonnull(jan);
	double want = eq[30] / eq[0] - 1; /* Jan 31 is point 30 */
	ck_assert_double_eq_tol(strtod(jan + strlen("data-month=\"2023-01\" data-return=\""), NULL),
				want, 1e-12);
	const char *y23 = strstr(html, "data-year=\"2023\" data-return=\"");
	ck_assert_ptr_nonnull(y23);
	ck_assert_double_eq_tol(strtod(y23 + strlen("data-year=\"2023\" data-return=\""), NULL),
				eq[364] / eq[0] - 1, 1e-12);
	/* Rolling Sharpe: windows of 183 returns, the last one computed here directly. */
	double r[N - 1], s1 = 0, s2 = 0;
	for (int i = 1; i < N; i++)
		r[i - 1] = eq[i] / eq[i - 1] - 1;
	for (int i = N - 1 - 183; i < N - 1; i++)
		s1 += r[i];
	double mean = s1 / 183;
	for (int i = N - 1 - 183; i < N - 1; i++)
		s2 += (r[i] - mean) * (r[i] - mean);
	double last = mean / sqrt(s2 / 182) * sqrt(365);
	const char *roll = strstr(html, "data-window=\"183\" data-count=\"217\" data-last=\"");
	ck_assert_ptr_nonnull(roll);
	ck_assert_double_eq_tol(strtod(roll + strlen("data-window=\"183\" data-count=\"217\" "
						     "data-last=\""), NULL), last, 1e-9);
	/* Histogram: 20 bins holding every return. */
	ck_assert_ptr_nonnull(strstr(html, "data-bins=\"20\" data-total=\"399\""));
	size_t total = 0;
	for (const char *p = html; (p = strstr(p, "data-count=\"")); p++)
		if (p > strstr(html, "data-bins="))
			total += strtoull(p + strlen("data-count=\""), NULL, 10);
	ck_assert_uint_eq(total, N - 1);
	/* Underwater: its deepest point is the report's max drawdown. */
	double mdd;
	ck_ok(paper_metrics_get(m, "max_drawdown", &mdd));
	const char *uw = strstr(html, "data-points=\"400\" data-min=\"");
	ck_assert_ptr_nonnull(uw);
	ck_assert_double_eq_tol(strtod(uw + strlen("data-points=\"400\" data-min=\""), NULL), mdd,
				1e-12);
	paper_string_free(html);
	ck_assert_int_eq(paper_report_tearsheet_html(NULL, NULL, m, NULL), PAPER_EINVAL);
	ck_assert_int_eq(paper_report_tearsheet_html(&html, NULL, NULL, NULL), PAPER_EINVAL);
	paper_metrics_free(m);
	/* An empty report still makes a page, each chart saying why it is empty. */
	ck_ok(paper_metrics_from_arrays(&m, NULL, 0, NULL, NULL, NULL, 0, NULL));
	ck_ok(paper_report_tearsheet_html(&html, NULL, m, NULL));
	ck_assert_ptr_nonnull(strstr(html, "No returns yet."));
	ck_assert_ptr_nonnull(strstr(html, "Needs 126 returns"));
	paper_string_free(html);
	paper_metrics_free(m);
}
END_TEST

START_TEST(readiness_checklist)
{
	paper_broker *b = traded_broker();
	paper_report_options o = PAPER_REPORT_OPTIONS_INIT;
	char *html = NULL;
	ck_ok(paper_report_html(&html, NULL, b, &o));
	/* 30 trades >= 20; no rejections. */
	ck_assert_ptr_nonnull(strstr(html, "data-check=\"min_trades\" data-pass=\"true\""));
	ck_assert_ptr_nonnull(strstr(html, "data-check=\"errors\" data-pass=\"true\""));
	paper_string_free(html);
	o.min_trades = 1000;
	o.min_win_rate = 0;
	o.min_sharpe = -1e9;
	o.max_drawdown = 1;
	ck_ok(paper_report_html(&html, NULL, b, &o));
	ck_assert_ptr_nonnull(strstr(html, "data-check=\"min_trades\" data-pass=\"false\""));
	ck_assert_ptr_nonnull(strstr(html, "data-ready=\"false\""));
	paper_string_free(html);
	o.min_trades = 1;
	ck_ok(paper_report_html(&html, NULL, b, &o));
	ck_assert_ptr_nonnull(strstr(html, "data-ready=\"true\""));
	paper_string_free(html);
	o.version = 99;
	ck_assert_int_eq(paper_report_html(&html, NULL, b, &o), PAPER_EVERSION);
	ck_assert_int_eq(paper_report_html(NULL, NULL, b, NULL), PAPER_EINVAL);
	paper_broker_free(b);
}
END_TEST

START_TEST(empty_account_and_file_output)
{
	paper_broker *b = tu_broker_plain();
	char *dir = g_dir_make_tmp("paper-report-XXXXXX", NULL);
	char *path = g_build_filename(dir, "dash.html", NULL);
	ck_ok(paper_report_write_html(b, NULL, path));
	char *html = NULL;
	ck_assert(g_file_get_contents(path, &html, NULL, NULL));
	ck_assert_ptr_nonnull(strstr(html, "No open positions."));
	ck_assert_ptr_nonnull(strstr(html, "Not enough history"));
	ck_assert_ptr_nonnull(strstr(html, "data-kpi=\"win_rate\" data-value=\"nan\""));
	g_free(html);
	char *bad = g_build_filename(dir, "missing", "dash.html", NULL);
	ck_assert_int_eq(paper_report_write_html(b, NULL, bad), PAPER_EIO);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "missing"));
	g_remove(path);
	g_rmdir(dir);
	g_free(bad);
	g_free(path);
	g_free(dir);
	paper_broker_free(b);
}
END_TEST

int main(int argc, char **argv)
{
	/* With a path: write the sample dashboard there (for looking at it in a browser). */
	if (argc > 1) {
		paper_broker *b = traded_broker();
		int rc = paper_report_write_html(b, NULL, argv[1]);
		paper_broker_free(b);
		return rc == PAPER_OK ? 0 : 1;
	}
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("html");
	tcase_add_test(tc, kpis_equal_the_account);
	tcase_add_test(tc, self_contained_and_complete);
	tcase_add_test(tc, readiness_checklist);
	tcase_add_test(tc, all_trades_and_exit_pnl);
	tcase_add_test(tc, tearsheet_charts_carry_the_data);
	tcase_add_test(tc, empty_account_and_file_output);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
