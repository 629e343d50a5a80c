/* paper report: the HTML dashboard of the account, one self-contained file. */
#include "cli/cli_ops.h"

#include <math.h>
#include <string.h>

#include "cmd/commands.h"

enum {
	RP_HTML = 1, RP_REFRESH, RP_TITLE, RP_MIN_TRADES, RP_MIN_WIN_RATE, RP_MIN_SHARPE,
	RP_MAX_DRAWDOWN, RP_MAX_ERRORS, RP_FILLS, RP_TRADES, RP_PPY,
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

typedef struct report_args {
	cli_ledger_args ledger;
	const char *html;
	paper_report_options o;
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
	switch (id) {
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
		int rc = cli_ledger_option(&a->ledger, id, v);
		return rc < 0 ? EXIT_INPUT : rc;
	}
	}
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
	const cli_opt *const tables[] = { report_opts, cli_ledger_opts, NULL };
	report_args a;
	memset(&a, 0, sizeof a);
	a.o = (paper_report_options)PAPER_REPORT_OPTIONS_INIT;
	bool help = false;
	int code = cli_parse("report", argc, argv, tables, on_option, &a, &help);
	if (code == EXIT_OK && help) {
		cli_usage(stdout, "report", "--html FILE [--refresh SECONDS] [--min-trades N] "
			  "[--min-win-rate F]\n       [--min-sharpe F] [--max-drawdown F] [--ledger PATH]",
			  description, tables, NULL);
		return EXIT_OK;
	}
	if (code == EXIT_OK && a.html == NULL)
		code = cli_fail("report", EXIT_INPUT, "--html FILE is required");
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
