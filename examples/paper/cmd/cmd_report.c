/*
 * paper report: the HTML dashboard of the account, one self-contained file; or, with --sweep,
 * the heat map of a paper sweep's results, drawn by paperlib (cli_exec_python()).
 */
#include "cli/cli_ops.h"

#include <errno.h>
#include <glib.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"

enum {
	RP_HTML = 1, RP_REFRESH, RP_TITLE, RP_MIN_TRADES, RP_MIN_WIN_RATE, RP_MIN_SHARPE,
	RP_MAX_DRAWDOWN, RP_MAX_ERRORS, RP_FILLS, RP_TRADES, RP_PPY,
	RP_SWEEP, RP_X, RP_Y, RP_OBJECTIVE, RP_AGG,
};

static const cli_opt report_opts[] = {
	{ "--html", "FILE", false, RP_HTML, "write the dashboard here (replaced atomically)" },
	{ "--refresh", "SECONDS", false, RP_REFRESH, "the page reloads itself every SECONDS (0: never)" },
	{ "--title", "TEXT", false, RP_TITLE, "the page title (default: Paper account NAME)" },
	{ "--min-trades", "N", false, RP_MIN_TRADES, "readiness: at least N closed trades (default 20)" },
	{ "--min-win-rate", "F", false, RP_MIN_WIN_RATE, "readiness: win rate at least F, a fraction (default 0.55)" },
	{ "--min-sharpe", "F", false, RP_MIN_SHARPE, "readiness: Sharpe ratio at least F (default 1.5)" },
	{ "--max-drawdown", "F", false, RP_MAX_DRAWDOWN, "readiness: max drawdown at most F, a fraction (default 0.10)" },
	{ "--max-errors", "N", false, RP_MAX_ERRORS, "readiness: at most N rejected orders (default 0)" },
	{ "--recent-fills", "N", false, RP_FILLS, "rows of recent fills (default 20)" },
	{ "--recent-trades", "N", false, RP_TRADES, "rows of trade history (default 0: every trade, sortable and paged)" },
	{ "--periods-per-year", "N", false, RP_PPY, "annualization of the daily returns (default: the account's metrics.periods_per_year, else 365 for data with Saturdays, 252 without)" },
	{ NULL, NULL, false, 0, NULL },
};

/* The heat map of a sweep instead of the dashboard (no ledger). */
static const cli_opt sweep_map_opts[] = {
	{ "--sweep", "FILE", false, RP_SWEEP, "draw the heat map of this paper sweep --out file instead" },
	{ "--x", "NAME", false, RP_X, "--sweep: the parameter across (default: the sweep's first)" },
	{ "--y", "NAME", false, RP_Y, "--sweep: the parameter up (default: its second)" },
	{ "--objective", "KEY", false, RP_OBJECTIVE, "--sweep: the metric coloured (default: the sweep's)" },
	{ "--agg", "best|mean", false, RP_AGG, "--sweep: a cell over the other parameters (default best)" },
	{ NULL, NULL, false, 0, NULL },
};

static const char description[] =
	"Write the account's dashboard: one HTML file with inline CSS, SVG and one small inline\n"
	"script, nothing fetched from anywhere, readable offline, without scripts and on a phone.\n"
	"KPI cards (equity, cash, realized and unrealized P&L, open positions, win rate, Sharpe, max\n"
	"drawdown, profit factor), the equity curve with date ticks and its drawdown, exit reasons\n"
	"with their P&L, the tear sheet (key figures, monthly returns heatmap, yearly returns,\n"
	"rolling 6-month Sharpe, histogram of returns, underwater curve), open positions, recent\n"
	"fills, every closed trade (sortable, paged), a per-symbol table, a readiness checklist\n"
	"against the criteria below and, for an account paper run --feed drives, the health of\n"
	"its live feeds. Every KPI and chart carries its exact values in data-*\n"
	"attributes. Read only: it works while paper run drives the account; run it from cron (or\n"
	"watch(1)) with --refresh to keep a browser tab current.";

static const char sweep_epilog[] =
	"With --sweep FILE (the --out of paper sweep) it writes the sweep's heat map instead: two\n"
	"parameters against the objective as inline SVG in one self-contained HTML file, each cell\n"
	"with its exact value in data-value, and the best sets in a table. Drawn by paperlib\n"
	"(Python); no ledger is read.\n";

typedef struct report_args {
	cli_ledger_args ledger;
	const char *html;
	paper_report_options o;
	const char *sweep, *x, *y, *objective, *agg;
	const char *dashboard_opt; /* the first dashboard or ledger option given */
	const char *map_opt;       /* the first --x, --y, --objective, --agg given */
} report_args;

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

static int on_option(void *ctx, int id, const char *v)
{
	report_args *a = ctx;
	paper_report_options *o = &a->o;
	for (const cli_opt *t = sweep_map_opts + 1; t->name; t++)
		if (t->id == id && a->map_opt == NULL)
			a->map_opt = t->name;
	if (id < RP_SWEEP && id != RP_HTML && id != RP_TITLE && a->dashboard_opt == NULL)
		for (const cli_opt *t = report_opts; t->name; t++)
			if (t->id == id)
				a->dashboard_opt = t->name;
	switch (id) {
	case RP_SWEEP:
		a->sweep = v;
		return EXIT_OK;
	case RP_X:
		a->x = v;
		return EXIT_OK;
	case RP_Y:
		a->y = v;
		return EXIT_OK;
	case RP_OBJECTIVE:
		a->objective = v;
		return EXIT_OK;
	case RP_AGG:
		a->agg = v;
		return strcmp(v, "best") == 0 || strcmp(v, "mean") == 0
			? EXIT_OK : cli_fail("report", EXIT_INPUT, "--agg: '%s' is not best or mean", v);
	case RP_HTML:
		a->html = v;
		return EXIT_OK;
	case RP_TITLE:
		o->title = v;
		return EXIT_OK;
	case RP_REFRESH:
		return count("--refresh", v, &o->refresh_seconds);
	case RP_MIN_TRADES:
		return count("--min-trades", v, &o->min_trades);
	case RP_MAX_ERRORS:
		return count("--max-errors", v, &o->max_errors);
	case RP_FILLS:
		return count("--recent-fills", v, &o->recent_fills);
	case RP_TRADES:
		return count("--recent-trades", v, &o->recent_trades);
	case RP_MIN_WIN_RATE:
		return fraction("--min-win-rate", v, &o->min_win_rate);
	case RP_MAX_DRAWDOWN:
		return fraction("--max-drawdown", v, &o->max_drawdown);
	case RP_MIN_SHARPE:
		return cli_number("report", "--min-sharpe", v, &o->min_sharpe) ? EXIT_OK : EXIT_INPUT;
	case RP_PPY:
		if (!cli_number("report", "--periods-per-year", v, &o->periods_per_year))
			return EXIT_INPUT;
		return o->periods_per_year > 0 ? EXIT_OK
			: cli_fail("report", EXIT_INPUT, "--periods-per-year must be > 0");
	default: {
		if (a->dashboard_opt == NULL)
			a->dashboard_opt = "--ledger/--account";
		int rc = cli_ledger_option(&a->ledger, id, v);
		return rc < 0 ? EXIT_INPUT : rc;
	}
	}
}

/* --sweep: the heat map is paperlib's (heatmap.py); the options go over as they are. */
static int sweep_map(report_args *a)
{
	if (a->dashboard_opt)
		return cli_fail("report", EXIT_INPUT, "%s is for the account dashboard, not --sweep",
				a->dashboard_opt);
	if (access(a->sweep, R_OK) != 0)
		return cli_fail("report", EXIT_INPUT, "--sweep: %s: %s", a->sweep, strerror(errno));
	const char *names[] = { "--sweep", "--html", "--x", "--y", "--objective", "--agg", "--title" };
	const char *values[] = { a->sweep, a->html, a->x, a->y, a->objective, a->agg, a->o.title };
	char *args[8];
	int n = 0;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (values[i])
			args[n++] = g_strdup_printf("%s=%s", names[i], values[i]);
	args[n] = NULL;
	int code = cli_exec_python("report", (const char *const *)args);
	for (int i = 0; i < n; i++)
		g_free(args[i]);
	return code;
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

int cmd_report(int argc, char **argv)
{
	const cli_opt *const tables[] = { report_opts, cli_ledger_opts, sweep_map_opts, NULL };
	report_args a;
	memset(&a, 0, sizeof a);
	a.o = (paper_report_options)PAPER_REPORT_OPTIONS_INIT;
	bool help = false;
	int code = cli_parse("report", argc, argv, tables, on_option, &a, &help);
	if (code == EXIT_OK && help) {
		cli_usage(stdout, "report", "--html FILE [--refresh SECONDS] [--min-trades N] "
			  "[--min-win-rate F]\n       [--min-sharpe F] [--max-drawdown F] [--ledger PATH]\n"
			  "       paper report --sweep FILE --html FILE [--x NAME] [--y NAME] "
			  "[--objective KEY]",
			  description, tables, sweep_epilog);
		return EXIT_OK;
	}
	if (code == EXIT_OK && a.html == NULL)
		code = cli_fail("report", EXIT_INPUT, "--html FILE is required");
	if (code == EXIT_OK && a.sweep)
		return sweep_map(&a);
	if (code == EXIT_OK && a.map_opt)
		code = cli_fail("report", EXIT_INPUT, "%s goes with --sweep FILE", a.map_opt);
	cli_account acct;
	if (code == EXIT_OK)
		code = cli_account_open(&acct, "report", &a.ledger, true);
	if (code != EXIT_OK)
		return code;
	/* The live feeds' health paper run --feed keeps with the account, if any. */
	feed_rows f = { g_array_new(FALSE, FALSE, sizeof(paper_feed_health_info)),
			g_array_new(FALSE, FALSE, sizeof(paper_ts)) };
	int rc = paper_ledger_each_feed_health(acct.l, acct.name, add_feed, &f);
	if (rc == PAPER_OK)
		rc = paper_report_write_html_feeds(acct.b, &a.o, (paper_feed_health_info *)f.health->data,
						   (paper_ts *)f.written->data, f.health->len, a.html);
	g_array_free(f.health, TRUE);
	g_array_free(f.written, TRUE);
	if (rc == PAPER_OK)
		printf("wrote the dashboard of account %s to %s\n", acct.name, a.html);
	else
		code = cli_fail("report", cli_exit_code(rc), "%s", paper_last_error());
	cli_account_close(&acct);
	return code;
}
