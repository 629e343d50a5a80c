/* The HTML dashboard: self-contained, KPIs equal to the account, escaping, atomic writes. */
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
	/* Nothing fetched from anywhere, no scripts. */
	ck_assert_ptr_null(strstr(html, "<script"));
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
				   "name=\"viewport\"" };
	for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
		ck_assert_msg(strstr(html, sections[i]) != NULL, "missing %s", sections[i]);
	paper_string_free(html);
	paper_broker_free(b);
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
	tcase_add_test(tc, empty_account_and_file_output);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
