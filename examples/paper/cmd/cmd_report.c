/*
 * paper report: the HTML dashboard of the account, one self-contained file - written once, or
 * with --refresh written again every so many seconds until interrupted.
 */
#include "cli/cli_ops.h"

#include <glib-unix.h>
#include <glib.h>
#include <signal.h>

#include <math.h>
#include <string.h>

#include "cmd/commands.h"

enum {
	RP_HTML = 1, RP_REFRESH, RP_TITLE, RP_MIN_TRADES, RP_MIN_WIN_RATE, RP_MIN_SHARPE,
	RP_MAX_DRAWDOWN, RP_MAX_ERRORS, RP_FILLS, RP_TRADES, RP_PPY, RP_MIN_CAL_DAYS,
	RP_MIN_TRADING_DAYS, RP_MIN_CLEAN_DAYS, RP_MIN_PSR, RP_PSR_BENCHMARK, RP_ONCE,
};

static const cli_opt report_opts[] = {
	{ "--html", "FILE", false, RP_HTML, "write the dashboard here (replaced atomically)" },
	{ "--refresh", "SECONDS", false, RP_REFRESH, "write it again every SECONDS until interrupted, "
	  "and the page reloads itself as often (0: once, never reloaded)" },
	{ "--once", NULL, false, RP_ONCE, "with --refresh: write it once and exit (the page still "
	  "reloads itself; for cron)" },
	{ "--title", "TEXT", false, RP_TITLE, "the page title (default: Paper account NAME)" },
	{ "--min-trades", "N", false, RP_MIN_TRADES, "readiness: at least N closed trades (default 20)" },
	{ "--min-win-rate", "F", false, RP_MIN_WIN_RATE, "readiness: win rate at least F, a fraction (default 0.55)" },
	{ "--min-sharpe", "F", false, RP_MIN_SHARPE, "readiness: Sharpe ratio at least F (default 1.5)" },
	{ "--max-drawdown", "F", false, RP_MAX_DRAWDOWN, "readiness: max drawdown at most F, a fraction (default 0.10)" },
	{ "--max-errors", "N", false, RP_MAX_ERRORS, "readiness: at most N errors: rejected orders and rejected decisions (default 0)" },
	{ "--min-calendar-days", "N", false, RP_MIN_CAL_DAYS, "readiness: the account ran at least N calendar days (default 0)" },
	{ "--min-trading-days", "N", false, RP_MIN_TRADING_DAYS, "readiness: at least N days with market data (default 0)" },
	{ "--min-error-free-days", "N", false, RP_MIN_CLEAN_DAYS, "readiness: at least N days since the last error (default 0)" },
	{ "--min-psr", "P", false, RP_MIN_PSR, "readiness: probabilistic Sharpe ratio at least P; the confidence of the minimum track record length (default 0.95)" },
	{ "--psr-benchmark", "S", false, RP_PSR_BENCHMARK, "readiness: the annual Sharpe ratio the PSR tests against (default 0)" },
	{ "--recent-fills", "N", false, RP_FILLS, "rows of recent fills (default 20)" },
	{ "--recent-trades", "N", false, RP_TRADES, "rows of trade history (default 0: every trade, sortable and paged)" },
	{ "--periods-per-year", "N", false, RP_PPY, "annualization of the daily returns (default: the account's metrics.periods_per_year, else 365 for data with Saturdays, 252 without)" },
	{ NULL, NULL, false, 0, NULL },
};

static const char description[] =
	"Write the account's dashboard: one HTML file with inline CSS, SVG and one small inline\n"
	"script, nothing fetched from anywhere, readable offline, without scripts and on a phone.\n"
	"KPI cards (equity, cash, realized and unrealized P&L, open positions, win rate, Sharpe, max\n"
	"drawdown, profit factor), the equity curve with date ticks and its drawdown, exit reasons\n"
	"with their P&L, the tear sheet (key figures, monthly returns heatmap, yearly returns,\n"
	"rolling 6-month Sharpe, histogram of returns, underwater curve), open positions, recent\n"
	"fills, every closed trade (sortable, paged), a per-symbol table, recommendations drawn from\n"
	"the account's numbers, the readiness gate (each criterion with its value, threshold and\n"
	"verdict; thresholds from the account's readiness.* settings, overridden by the options\n"
	"below), with --drift-bars (and --drift-signals), the account against a backtest of its\n"
	"signals (paper drift) and, for an account paper run --feed drives, the health of its live\n"
	"feeds. Rejected orders and rejected decisions of the inbox count as errors, the\n"
	"decisions listed with their reasons. Every KPI and chart carries its exact values in\n"
	"data-* attributes. Read only: it works while paper run drives the account.\n"
	"With --refresh SECONDS the command keeps the file current - it rebuilds the account from\n"
	"its ledger and writes the page again every SECONDS until SIGINT or SIGTERM - and the page\n"
	"reloads itself as often, so a browser tab follows the account; --once writes it once\n"
	"(from cron).";

#define MAX_OVERRIDES 16

typedef struct report_args {
	cli_ledger_args ledger;
	cli_drift_args drift;
	const char *html;
	paper_report_options o;
	/* readiness.* keys given on the command line, applied over the account's config */
	const char *keys[MAX_OVERRIDES], *values[MAX_OVERRIDES];
	int n;
	bool once;
} report_args;

/* The watch: the account rebuilt and the page written every refresh_seconds. */
typedef struct watch {
	report_args *a;
	cli_account *acct;
	GMainLoop *loop;
	int code;
	uint64_t writes;
} watch;

static void override(report_args *a, const char *key, const char *value)
{
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->keys[i], key) == 0) {
			a->values[i] = value;
			return;
		}
	a->keys[a->n] = key;
	a->values[a->n++] = value;
}

/* A whole number option in [0, 2^32). */
static int count(const char *opt, const char *value, uint32_t *out)
{
	double v = 0;
	if (!cli_number("report", opt, value, &v))
		return EXIT_INPUT;
	if (v < 0 || v > 4294967295.0 || v != floor(v))
		return cli_fail("report", EXIT_INPUT, "%s: '%s' is not a whole number >= 0", opt, value);
	*out = (uint32_t)v;
	return EXIT_OK;
}

/* A fraction option in [0, 1]. */
static int fraction(const char *opt, const char *value, double *out)
{
	if (!cli_number("report", opt, value, out))
		return EXIT_INPUT;
	if (*out < 0 || *out > 1)
		return cli_fail("report", EXIT_INPUT, "%s: %s is not a fraction in [0, 1] (0.55 is 55%%)",
				opt, value);
	return EXIT_OK;
}

/* A readiness threshold: checked as the option always was, then kept as its config key. */
static int threshold(report_args *a, int id, const char *v)
{
	static const struct {
		int id;
		const char *key;
	} keys[] = {
		{ RP_MIN_TRADES, "readiness.min_trades" }, { RP_MAX_ERRORS, "readiness.max_errors" },
		{ RP_MIN_WIN_RATE, "readiness.min_win_rate" },
		{ RP_MAX_DRAWDOWN, "readiness.max_drawdown" },
		{ RP_MIN_SHARPE, "readiness.min_sharpe" },
		{ RP_MIN_CAL_DAYS, "readiness.min_calendar_days" },
		{ RP_MIN_TRADING_DAYS, "readiness.min_trading_days" },
		{ RP_MIN_CLEAN_DAYS, "readiness.min_error_free_days" },
		{ RP_MIN_PSR, "readiness.min_psr" },
		{ RP_PSR_BENCHMARK, "readiness.psr_benchmark_sharpe" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
		if (keys[i].id == id)
			override(a, keys[i].key, v);
	return EXIT_OK;
}

static int on_option(void *ctx, int id, const char *v)
{
	report_args *a = ctx;
	paper_report_options *o = &a->o;
	uint32_t u = 0;
	double d = 0;
	int rc;
	switch (id) {
	case RP_HTML:
		a->html = v;
		return EXIT_OK;
	case RP_TITLE:
		o->title = v;
		return EXIT_OK;
	case RP_REFRESH:
		return count("--refresh", v, &o->refresh_seconds);
	case RP_ONCE:
		a->once = true;
		return EXIT_OK;
	case RP_MIN_TRADES:
		rc = count("--min-trades", v, &u);
		return rc == EXIT_OK ? threshold(a, id, v) : rc;
	case RP_MAX_ERRORS:
		rc = count("--max-errors", v, &u);
		return rc == EXIT_OK ? threshold(a, id, v) : rc;
	case RP_MIN_TRADING_DAYS:
		rc = count("--min-trading-days", v, &u);
		return rc == EXIT_OK ? threshold(a, id, v) : rc;
	case RP_MIN_CAL_DAYS:
	case RP_MIN_CLEAN_DAYS:
		if (!cli_number("report", id == RP_MIN_CAL_DAYS ? "--min-calendar-days"
				: "--min-error-free-days", v, &d))
			return EXIT_INPUT;
		if (d < 0 || d > 36500)
			return cli_fail("report", EXIT_INPUT, "%s: %s is not a number of days in [0, 36500]",
					id == RP_MIN_CAL_DAYS ? "--min-calendar-days" : "--min-error-free-days", v);
		return threshold(a, id, v);
	case RP_MIN_PSR:
		rc = fraction("--min-psr", v, &d);
		return rc == EXIT_OK ? threshold(a, id, v) : rc;
	case RP_PSR_BENCHMARK:
		if (!cli_number("report", "--psr-benchmark", v, &d))
			return EXIT_INPUT;
		if (d < -100 || d > 100)
			return cli_fail("report", EXIT_INPUT, "--psr-benchmark: %s is not an annual Sharpe "
					"ratio in [-100, 100]", v);
		return threshold(a, id, v);
	case RP_FILLS:
		return count("--recent-fills", v, &o->recent_fills);
	case RP_TRADES:
		return count("--recent-trades", v, &o->recent_trades);
	case RP_MIN_WIN_RATE:
		rc = fraction("--min-win-rate", v, &d);
		return rc == EXIT_OK ? threshold(a, id, v) : rc;
	case RP_MAX_DRAWDOWN:
		rc = fraction("--max-drawdown", v, &d);
		return rc == EXIT_OK ? threshold(a, id, v) : rc;
	case RP_MIN_SHARPE:
		if (!cli_number("report", "--min-sharpe", v, &d))
			return EXIT_INPUT;
		if (d < -1000 || d > 1000)
			return cli_fail("report", EXIT_INPUT, "--min-sharpe: %s is not in [-1000, 1000]", v);
		return threshold(a, id, v);
	case RP_PPY:
		if (!cli_number("report", "--periods-per-year", v, &o->periods_per_year))
			return EXIT_INPUT;
		return o->periods_per_year > 0 ? EXIT_OK
			: cli_fail("report", EXIT_INPUT, "--periods-per-year must be > 0");
	default:
		rc = cli_drift_option("report", &a->drift, id, v);
		if (rc < 0)
			rc = cli_ledger_option(&a->ledger, id, v);
		return rc < 0 ? EXIT_INPUT : rc;
	}
}

/* The account's config with the thresholds given here. */
static int thresholds(report_args *a, cli_account *acct, paper_config **out)
{
	int rc = paper_ledger_account_config(acct->l, acct->name, out);
	for (int i = 0; rc == PAPER_OK && i < a->n; i++)
		rc = paper_config_set(*out, a->keys[i], a->values[i]);
	if (rc != PAPER_OK)
		return cli_fail("report", cli_exit_code(rc), "%s", paper_last_error());
	return EXIT_OK;
}

typedef struct feed_rows {
	GArray *health;  /* paper_feed_health_info */
	GArray *written; /* paper_ts */
} feed_rows;

static int add_feed(const paper_feed_health_info *h, paper_ts written, void *payload)
{
	feed_rows *f = payload;
	g_array_append_val(f->health, *h);
	g_array_append_val(f->written, written);
	return 0;
}

/* The page: the account, the gate (the inbox's refusals among its errors), drift, feeds. */
static int write_dashboard(report_args *a, cli_account *acct, bool announce)
{
	paper_readiness_options g = PAPER_READINESS_OPTIONS_INIT;
	paper_config *cfg = NULL;
	paper_drift *d = NULL;
	int code = thresholds(a, acct, &cfg);
	if (code == EXIT_OK && a->drift.n_bars)
		code = cli_drift_build("report", acct, &a->drift, &d);
	/* The live feeds' health paper run --feed keeps with the account, if any. */
	feed_rows f = { g_array_new(FALSE, FALSE, sizeof(paper_feed_health_info)),
			g_array_new(FALSE, FALSE, sizeof(paper_ts)) };
	if (code == EXIT_OK) {
		g.thresholds = cfg;
		g.drift = d;
		a->o.ledger = acct->l; /* the inbox's refusals count as errors */
		int rc = paper_ledger_each_feed_health(acct->l, acct->name, add_feed, &f);
		if (rc == PAPER_OK)
			rc = paper_report_write_html_v2(acct->b, &a->o, &g,
							(paper_feed_health_info *)f.health->data,
							(paper_ts *)f.written->data, f.health->len,
							a->html);
		if (rc == PAPER_OK && announce)
			printf("wrote the dashboard of account %s to %s\n", acct->name, a->html);
		else if (rc != PAPER_OK)
			code = cli_fail("report", cli_exit_code(rc), "%s", paper_last_error());
	}
	g_array_free(f.health, TRUE);
	g_array_free(f.written, TRUE);
	paper_drift_free(d);
	paper_config_free(cfg);
	return code;
}

/* The account as the ledger holds it now (paper run may have traded since), then the page. */
static gboolean on_refresh(gpointer data)
{
	watch *w = data;
	paper_broker *b = NULL;
	int rc = paper_ledger_load_broker(w->acct->l, w->acct->name, &b);
	if (rc == PAPER_OK) {
		paper_broker_free(w->acct->b);
		w->acct->b = b;
		w->code = write_dashboard(w->a, w->acct, false);
	} else {
		w->code = cli_fail("report", cli_ledger_exit_code(rc), "%s", paper_last_error());
	}
	w->writes += w->code == EXIT_OK;
	if (w->code != EXIT_OK)
		g_main_loop_quit(w->loop);
	return G_SOURCE_CONTINUE;
}

static gboolean on_stop(gpointer data)
{
	g_main_loop_quit(((watch *)data)->loop);
	return G_SOURCE_CONTINUE;
}

static int keep_current(report_args *a, cli_account *acct)
{
	watch w = { a, acct, g_main_loop_new(NULL, FALSE), EXIT_OK, 1 };
	guint sources[] = {
		g_unix_signal_add(SIGINT, on_stop, &w),
		g_unix_signal_add(SIGTERM, on_stop, &w),
		g_timeout_add_seconds(a->o.refresh_seconds, on_refresh, &w),
	};
	printf("writing it again every %u s until interrupted (Ctrl-C, SIGTERM)\n",
	       a->o.refresh_seconds);
	fflush(stdout);
	g_main_loop_run(w.loop);
	for (size_t i = 0; i < G_N_ELEMENTS(sources); i++)
		g_source_remove(sources[i]);
	g_main_loop_unref(w.loop);
	if (w.code == EXIT_OK)
		printf("stopped: the dashboard was written %llu times\n", (unsigned long long)w.writes);
	return w.code;
}

int cmd_report(int argc, char **argv)
{
	const cli_opt *const tables[] = { report_opts, cli_report_drift_opts, cli_ledger_opts, NULL };
	report_args a;
	memset(&a, 0, sizeof a);
	cli_drift_init(&a.drift);
	a.o = (paper_report_options)PAPER_REPORT_OPTIONS_INIT;
	bool help = false;
	int code = cli_parse("report", argc, argv, tables, on_option, &a, &help);
	if (code == EXIT_OK && help) {
		cli_usage(stdout, "report", "--html FILE [--refresh SECONDS [--once]] [--min-trades N] "
			  "[--min-win-rate F]\n       [--min-sharpe F] [--max-drawdown F] [--min-psr P] "
			  "[--drift-bars PATH [--drift-signals FILE]]\n       [--ledger PATH]",
			  description, tables, NULL);
		cli_drift_clear(&a.drift);
		return EXIT_OK;
	}
	if (code == EXIT_OK && a.html == NULL)
		code = cli_fail("report", EXIT_INPUT, "--html FILE is required");
	if (code == EXIT_OK && a.drift.n_signals && a.drift.n_bars == 0)
		code = cli_fail("report", EXIT_INPUT, "--drift-signals needs --drift-bars");
	if (code == EXIT_OK && a.once && a.o.refresh_seconds == 0)
		code = cli_fail("report", EXIT_INPUT, "--once goes with --refresh SECONDS (without "
				"--refresh the dashboard is written once anyway)");
	cli_account acct;
	if (code == EXIT_OK)
		code = cli_account_open(&acct, "report", &a.ledger, true);
	if (code == EXIT_OK) {
		code = write_dashboard(&a, &acct, true);
		fflush(stdout);
		if (code == EXIT_OK && a.o.refresh_seconds > 0 && !a.once)
			code = keep_current(&a, &acct);
		cli_account_close(&acct);
	}
	cli_drift_clear(&a.drift);
	return code;
}
