/* The dashboard's P&L by asset class and by underlying: hand-computed sums over equities,
   options, a future and crypto, closed and open; the empty account; many underlyings. */
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"

#define CALL "SPY240119C00475000"
#define PUT "SPY240119P00470000"
#define QQQ_CALL "QQQ240119C00400000"

static void bar(paper_broker *b, const char *sym, paper_ts ts, double px)
{
	ck_ok(paper_broker_on_bar(b, sym, ts, px, px, px, px, 1e9));
}

/* Buy qty at open_px (filled on the next bar), then, if close_px > 0, sell it there. */
static void round_trip(paper_broker *b, const char *sym, paper_ts *t, double qty, double open_px,
		       double close_px)
{
	bar(b, sym, *t, open_px);
	tu_submit(b, sym, PAPER_SIDE_BUY, PAPER_ORDER_MARKET, qty, 0, 0, *t);
	*t += HOUR_US;
	bar(b, sym, *t, open_px);
	if (close_px > 0) {
		tu_submit(b, sym, PAPER_SIDE_SELL, PAPER_ORDER_MARKET, qty, 0, 0, *t);
		*t += HOUR_US;
		bar(b, sym, *t, close_px);
	}
	*t += HOUR_US;
}

/* The row of table kind whose data-name is name: its data-* attribute attr, or NAN. */
static double row_value(const char *html, const char *kind, const char *name, const char *attr)
{
	char needle[128];
	g_snprintf(needle, sizeof needle, "data-pnl-by=\"%s\"", kind);
	const char *table = strstr(html, needle);
	ck_assert_msg(table != NULL, "no table %s", kind);
	const char *end = strstr(table, "</table>");
	g_snprintf(needle, sizeof needle, "<tr data-name=\"%s\"", name);
	const char *row = strstr(table, needle);
	if (!row || row > end)
		return NAN;
	g_snprintf(needle, sizeof needle, " %s=\"", attr);
	const char *v = strstr(row, needle);
	ck_assert_msg(v && v < strstr(row, ">"), "row %s has no %s", name, attr);
	return g_ascii_strtod(v + strlen(needle), NULL);
}

static int rows(const char *html, const char *kind)
{
	char needle[64];
	g_snprintf(needle, sizeof needle, "data-pnl-by=\"%s\"", kind);
	const char *p = strstr(html, needle);
	ck_assert_msg(p != NULL, "no table %s", kind);
	const char *end = strstr(p, "</table>");
	int n = 0;
	while ((p = strstr(p + 1, "<tr data-name=")) && p < end)
		n++;
	return n;
}

START_TEST(groups_are_hand_computed_sums)
{
	paper_broker *b = tu_broker_plain();
	paper_instrument_spec es = PAPER_INSTRUMENT_SPEC_INIT;
	es.asset_class = PAPER_ASSET_FUTURE;
	es.multiplier = 50;
	g_strlcpy(es.underlying, "SPX", sizeof es.underlying);
	ck_ok(paper_broker_define_instrument(b, "ESH4", &es));
	paper_instrument_spec btc = PAPER_INSTRUMENT_SPEC_INIT;
	btc.asset_class = PAPER_ASSET_CRYPTO;
	ck_ok(paper_broker_define_instrument(b, "BTC-USD", &btc));

	paper_ts t = T0;
	round_trip(b, "AAPL", &t, 10, 100.0, 102.0);    /* +20: 10 x 2 */
	round_trip(b, CALL, &t, 1, 2.50, 3.00);         /* +50: 1 x 0.50 x 100 */
	round_trip(b, PUT, &t, 2, 1.00, 0.80);          /* -40: 2 x -0.20 x 100 */
	round_trip(b, "ESH4", &t, 1, 4800.0, 4801.0);   /* +50: 1 point x 50 */
	round_trip(b, "BTC-USD", &t, 0.5, 40000.0, 40100.0); /* +50: 0.5 x 100 */
	round_trip(b, QQQ_CALL, &t, 3, 1.20, 0);        /* open: 3 contracts at 1.20 */
	bar(b, QQQ_CALL, t, 1.50);                      /* unrealized +90: 3 x 0.30 x 100 */

	char *html = NULL;
	ck_ok(paper_report_html(&html, NULL, b, NULL));
	ck_assert_ptr_nonnull(strstr(html, "P&amp;L by asset class"));
	ck_assert_ptr_nonnull(strstr(html, "P&amp;L by underlying"));
	struct { const char *kind, *name; double trades, realized, unrealized; } want[] = {
		{ "asset_class", "crypto", 1, 50, 0 },
		{ "asset_class", "equity", 1, 20, 0 },
		{ "asset_class", "future", 1, 50, 0 },
		{ "asset_class", "option", 2, 10, 90 },
		{ "underlying", "AAPL", 1, 20, 0 },
		{ "underlying", "BTC-USD", 1, 50, 0 },
		{ "underlying", "QQQ", 0, 0, 90 },
		{ "underlying", "SPX", 1, 50, 0 },
		{ "underlying", "SPY", 2, 10, 0 },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
		const char *k = want[i].kind, *n = want[i].name;
		ck_assert_msg(row_value(html, k, n, "data-trades") == want[i].trades, "%s %s", k, n);
		ck_assert_msg(fabs(row_value(html, k, n, "data-realized") - want[i].realized) < 1e-9,
			      "%s %s realized %g", k, n, row_value(html, k, n, "data-realized"));
		ck_assert_msg(fabs(row_value(html, k, n, "data-unrealized") - want[i].unrealized) < 1e-9,
			      "%s %s unrealized", k, n);
		ck_assert_msg(fabs(row_value(html, k, n, "data-total") - want[i].realized -
				   want[i].unrealized) < 1e-9, "%s %s total", k, n);
	}
	ck_assert_int_eq(rows(html, "asset_class"), 4);
	ck_assert_int_eq(rows(html, "underlying"), 5);
	/* In name order, and the two tables add up to the same: the account's P&L. */
	const char *crypto = strstr(html, "<tr data-name=\"crypto\""), *option = strstr(html, "<tr data-name=\"option\"");
	ck_assert_ptr_nonnull(crypto);
	ck_assert(crypto < option);
	paper_account_info a = tu_account(b);
	ck_assert_double_eq_tol(a.realized_pnl - a.fees + a.unrealized_pnl, 50 + 20 + 50 + 10 + 90, 1e-9);
	paper_string_free(html);
	paper_broker_free(b);
}
END_TEST

START_TEST(empty_account)
{
	paper_broker *b = tu_broker_plain();
	char *html = NULL;
	ck_ok(paper_report_html(&html, NULL, b, NULL));
	ck_assert_int_eq(rows(html, "asset_class"), 0);
	ck_assert_int_eq(rows(html, "underlying"), 0);
	const char *p = strstr(html, "No trades or positions yet.");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(strstr(p + 1, "No trades or positions yet."));
	paper_string_free(html);
	paper_broker_free(b);
}
END_TEST

/* Real scale: 2,000 option contracts on 400 underlyings, each closed once, render as 400
   rows whose sums are the trades'. */
START_TEST(many_underlyings)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "account.starting_cash", "100000000"));
	paper_broker *b = tu_broker(cfg);
	paper_ts t = T0;
	double total = 0;
	for (int u = 0; u < 400; u++) {
		char root[8];
		g_snprintf(root, sizeof root, "U%03d", u);
		for (int k = 0; k < 5; k++) {
			char sym[32];
			g_snprintf(sym, sizeof sym, "%s261218%c%08d", root, k % 2 ? 'P' : 'C', 100000 + k * 1000);
			double gain = (k - 2) * 0.05;           /* -0.10 .. +0.10 a contract */
			round_trip(b, sym, &t, 1, 1.00, 1.00 + gain);
			total += gain * 100;
		}
	}
	char *html = NULL;
	ck_ok(paper_report_html(&html, NULL, b, NULL));
	ck_assert_int_eq(rows(html, "underlying"), 400);
	ck_assert_int_eq(rows(html, "asset_class"), 1);
	ck_assert_double_eq(row_value(html, "asset_class", "option", "data-trades"), 2000);
	ck_assert_double_eq_tol(row_value(html, "asset_class", "option", "data-realized"), total, 1e-6);
	ck_assert_double_eq_tol(row_value(html, "underlying", "U123", "data-realized"), 0.0, 1e-9);
	ck_assert_double_eq(row_value(html, "underlying", "U399", "data-wins"), 2);
	paper_string_free(html);
	paper_broker_free(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("report-groups");
	TCase *tc = tcase_create("groups");
	tcase_add_test(tc, groups_are_hand_computed_sums);
	tcase_add_test(tc, empty_account);
	tcase_add_test(tc, many_underlyings);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
