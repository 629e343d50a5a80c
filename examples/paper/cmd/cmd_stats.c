/* paper stats: the metrics report of the account, overall and per symbol (and strategy). */
#include "cli/cli_ops.h"

#include <math.h>
#include <string.h>

#include "cmd/commands.h"

enum { SS_JSON = 1, SS_CURVE, SS_PPY, SS_BY_STRATEGY };

static const cli_opt stats_opts[] = {
	{ "--json", NULL, false, SS_JSON, "print the report as paper_metrics_to_json() writes it, the readiness gate added under \"readiness\"" },
	{ "--equity-curve", NULL, false, SS_CURVE, "with --json: include the equity curve" },
	{ "--by-strategy", NULL, false, SS_BY_STRATEGY, "also a table per strategy tag" },
	{ "--periods-per-year", "N", false, SS_PPY, "annualization of the daily returns (default: the account's metrics.periods_per_year, else 365 for data with Saturdays, 252 without)" },
	{ NULL, NULL, false, 0, NULL },
};

static const char description[] =
	"The metrics report of the account (docs/metrics.md): trade statistics over the closed\n"
	"round trips (net of fees), series statistics over the daily equity curve (Sharpe,\n"
	"drawdown, returns), the trade statistics per symbol, then the readiness gate (each\n"
	"criterion with its value, threshold and verdict, from the account's readiness.* settings;\n"
	"the decisions of the inbox refused count as errors, each on the day it was refused)\n"
	"and the recommendations. The names are the report's own keys, the same in the text and\n"
	"in --json (which adds the gate under \"readiness\"). Read only.";

typedef struct stats_args {
	cli_ledger_args ledger;
	bool json, curve, by_strategy;
	paper_metrics_options mo;
} stats_args;

static int on_option(void *ctx, int id, const char *value)
{
	stats_args *a = ctx;
	switch (id) {
	case SS_JSON:
		a->json = true;
		return EXIT_OK;
	case SS_CURVE:
		a->curve = true;
		return EXIT_OK;
	case SS_BY_STRATEGY:
		a->by_strategy = true;
		return EXIT_OK;
	case SS_PPY:
		if (!cli_number("stats", "--periods-per-year", value, &a->mo.periods_per_year))
			return EXIT_INPUT;
		return a->mo.periods_per_year > 0 ? EXIT_OK
			: cli_fail("stats", EXIT_INPUT, "--periods-per-year must be > 0");
	default: {
		int rc = cli_ledger_option(&a->ledger, id, value);
		return rc < 0 ? EXIT_INPUT : rc;
	}
	}
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n >= t && strcmp(s + n - t, tail) == 0;
}

/* A statistic as people read it: counts whole, fractions as percentages, money, durations. */
static const char *value_text(char buf[CLI_TEXT_MAX], const char *key, double v)
{
	static const char *const pct[] = { "win_rate", "total_return", "mean_return", "annual_return",
					   "cagr", "annual_volatility", "downside_risk",
					   "max_drawdown", "best_day", "worst_day", "exposure",
					   "value_at_risk", "conditional_value_at_risk", "alpha",
					   "kelly_criterion", NULL };
	static const char *const count[] = { "total_trades", "wins", "losses", "breakevens",
					     "longest_winning_streak", "longest_losing_streak",
					     "equity_points", "periods", "consecutive_wins",
					     "consecutive_losses", NULL };
	static const char *const plain[] = { "skew", "kurtosis", "stability_of_timeseries",
					     "ulcer_index", "recovery_factor", "beta", NULL };
	if (!isfinite(v))
		return strcpy(buf, isnan(v) ? "n/a" : v > 0 ? "inf" : "-inf");
	for (size_t i = 0; pct[i]; i++)
		if (strcmp(key, pct[i]) == 0)
			return cli_pct(buf, v);
	for (size_t i = 0; count[i]; i++)
		if (strcmp(key, count[i]) == 0 || strncmp(key, "exit_reasons.", 13) == 0) {
			snprintf(buf, CLI_TEXT_MAX, "%.0f", v);
			return buf;
		}
	if (ends_with(key, "_ts"))
		return cli_when(buf, (paper_ts)v);
	if (ends_with(key, "duration")) {
		snprintf(buf, CLI_TEXT_MAX, "%.0fd %02.0fh %02.0fm", floor(v / 86400),
			 floor(fmod(v, 86400) / 3600), floor(fmod(v, 3600) / 60));
		return buf;
	}
	for (size_t i = 0; plain[i]; i++)
		if (strcmp(key, plain[i]) == 0) {
			snprintf(buf, CLI_TEXT_MAX, "%.4f", v);
			return buf;
		}
	if (strstr(key, "ratio") || strcmp(key, "profit_factor") == 0 || strcmp(key, "years") == 0) {
		snprintf(buf, CLI_TEXT_MAX, "%.2f", v);
		return buf;
	}
	return cli_money(buf, v);
}

static void print_report(const paper_metrics *m)
{
	char buf[CLI_TEXT_MAX];
	bool series_started = false;
	puts("trades (closed round trips, net of fees)");
	for (size_t i = 0; i < paper_metrics_key_count(); i++) {
		const char *key = paper_metrics_key_name(i);
		double v = NAN;
		paper_metrics_get(m, key, &v);
		if (strncmp(key, "exit_reasons.", 13) == 0 && v == 0)
			continue; /* reasons that never happened are noise here */
		if (!paper_metrics_key_is_trade(key) && !series_started) {
			puts("\nequity curve (daily closes)");
			series_started = true;
		}
		printf("  %-28s %18s\n", key, value_text(buf, key, v));
	}
}

static void print_groups(const paper_metrics *m, paper_metrics_group g, const char *title)
{
	static const char *const keys[] = { "total_trades", "win_rate", "total_pnl", "profit_factor",
					    "avg_pnl", "total_fees" };
	const char *cols[] = { title, ">total_trades", ">win_rate", ">total_pnl", ">profit_factor",
			       ">avg_pnl", ">total_fees", NULL };
	size_t n = paper_metrics_group_count(m, g);
	printf("\nper %s\n", title);
	if (n == 0) {
		puts("  no closed trades");
		return;
	}
	cli_table *t = cli_table_new(cols);
	for (size_t i = 0; i < n; i++) {
		const char *name = paper_metrics_group_name(m, g, i);
		cli_table_cell(t, "%s", *name ? name : "(none)");
		for (size_t k = 0; k < G_N_ELEMENTS(keys); k++) {
			double v = NAN;
			char buf[CLI_TEXT_MAX];
			paper_metrics_group_get(m, g, name, keys[k], &v);
			cli_table_cell(t, "%s", value_text(buf, keys[k], v));
		}
	}
	cli_table_print(t, stdout);
	cli_table_free(t);
}

/* A value or threshold of the gate: "n/a" when it does not exist yet (a minimum track record
   of a flat record), "inf" when no record is long enough. */
static const char *gate_number(char buf[CLI_TEXT_MAX], double x)
{
	if (isnan(x))
		return "n/a";
	if (isinf(x))
		return x > 0 ? "inf" : "-inf";
	snprintf(buf, CLI_TEXT_MAX, "%.4g", x + 0.0); /* -0 + 0 is 0: no "-0" */
	return buf;
}

/* The readiness gate: a line per criterion (value, threshold, verdict), then the advice. */
static void print_readiness(const paper_readiness *r)
{
	printf("\nreadiness: %s\n", paper_readiness_ready(r) ? "READY (every criterion passes)"
							       : "not ready");
	for (size_t i = 0; i < paper_readiness_criterion_count(r); i++) {
		paper_readiness_criterion c = PAPER_READINESS_CRITERION_INIT;
		char v[CLI_TEXT_MAX], t[CLI_TEXT_MAX];
		if (paper_readiness_criterion_at(r, i, &c) != PAPER_OK)
			continue;
		printf("  %s %-20s %12s %s %-10s %s%s\n", c.pass ? "PASS" : "FAIL", c.id,
		       gate_number(v, c.value), c.op, gate_number(t, c.threshold),
		       c.small_sample ? "(small sample) " : "", c.note);
	}
	size_t n = paper_readiness_recommendation_count(r);
	printf("\nrecommendations:%s\n", n ? "" : " none (no rule applies)");
	for (size_t i = 0; i < n; i++) {
		paper_recommendation x = PAPER_RECOMMENDATION_INIT;
		if (paper_readiness_recommendation_at(r, i, &x) == PAPER_OK)
			printf("  - %s\n", x.text);
	}
}

/* The metrics object with the readiness gate added under "readiness". */
static int print_json(const stats_args *a, const paper_metrics *m, const paper_readiness *r)
{
	char *json = NULL, *gate = NULL;
	int rc = paper_metrics_to_json(&json, m, a->curve ? PAPER_METRICS_JSON_EQUITY_CURVE : 0);
	if (rc == PAPER_OK)
		rc = paper_readiness_to_json(r, &gate);
	if (rc == PAPER_OK) {
		size_t len = strlen(json);
		printf("%.*s,\"readiness\":%s}\n", (int)(len - 1), json, gate);
	}
	paper_string_free(json);
	paper_string_free(gate);
	return rc == PAPER_OK ? EXIT_OK : cli_lib_fail("stats", rc, "paper_metrics_to_json");
}

static int show(const stats_args *a, const cli_account *acct)
{
	const paper_broker *b = acct->b;
	paper_metrics *m = NULL;
	paper_readiness *r = NULL;
	paper_report_options ro = PAPER_REPORT_OPTIONS_INIT;
	ro.periods_per_year = a->mo.periods_per_year;
	ro.ledger = acct->l; /* the inbox's refusals are errors of the gate, as on the dashboard */
	int rc = paper_metrics_from_broker(&m, b, &a->mo);
	if (rc != PAPER_OK)
		return cli_lib_fail("stats", rc, "paper_metrics_from_broker");
	rc = paper_readiness_evaluate(&r, b, &ro, NULL);
	int code = rc == PAPER_OK ? EXIT_OK : cli_lib_fail("stats", rc, "paper_readiness_evaluate");
	if (code == EXIT_OK && a->json) {
		code = print_json(a, m, r);
	} else if (code == EXIT_OK) {
		print_report(m);
		print_groups(m, PAPER_METRICS_BY_SYMBOL, "symbol");
		if (a->by_strategy)
			print_groups(m, PAPER_METRICS_BY_STRATEGY, "strategy");
		print_readiness(r);
	}
	paper_readiness_free(r);
	paper_metrics_free(m);
	return code;
}

int cmd_stats(int argc, char **argv)
{
	const cli_opt *const tables[] = { stats_opts, cli_ledger_opts, NULL };
	stats_args a;
	memset(&a, 0, sizeof a);
	paper_metrics_options_init(&a.mo, PAPER_METRICS_OPTIONS_VERSION);
	bool help = false;
	int code = cli_parse("stats", argc, argv, tables, on_option, &a, &help);
	if (code == EXIT_OK && help) {
		cli_usage(stdout, "stats", "[--ledger PATH] [--account NAME] [--json [--equity-curve]] "
			  "[--by-strategy]", description, tables, NULL);
		return EXIT_OK;
	}
	if (code == EXIT_OK && a.curve && !a.json)
		code = cli_fail("stats", EXIT_INPUT, "--equity-curve goes with --json");
	cli_account acct;
	if (code == EXIT_OK)
		code = cli_account_open(&acct, "stats", &a.ledger, true);
	if (code != EXIT_OK)
		return code;
	code = show(&a, &acct);
	cli_account_close(&acct);
	return code;
}
