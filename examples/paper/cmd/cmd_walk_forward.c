/* paper walk-forward: a month (or any range) day by day, one row per day, a summary JSON. */
#include "cli/cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/commands.h"

enum { WF_MONTH = 1, WF_DAILY_OUT };

static const cli_opt wf_opts[] = {
	{ "--month", "YYYY-MM", false, WF_MONTH, "the calendar month to run (or --from / --to)" },
	{ "--daily-out", "FILE", false, WF_DAILY_OUT, "write one CSV row per day" },
	{ NULL, NULL, false, 0, NULL },
};

static const char synopsis[] =
	"--bars PATH... --signals FILE (--month YYYY-MM | --from TIME --to TIME) [options]\n"
	"       --daily-out FILE --summary-out FILE [--trades-out FILE]";

static const char description[] =
	"Run a month (or any range) day by day through one account, carrying cash and positions\n"
	"from each UTC day to the next: one breakdown row per day with bars or signals, and a\n"
	"summary (month, capital, total_trades, total_pnl, final_equity, win_rate, mdd_pct, cagr\n"
	"and the metrics report). Positions still open at the end of the range are closed at\n"
	"their last close. The rules are those of paper replay.";

static const char daily_header[] =
	"date,start_equity,end_equity,pnl,return_pct,fees,trades,wins,losses,bars,signals,entries,"
	"open_positions\n";

typedef struct wf_args {
	cli_run run;
	const char *month, *daily_out;
} wf_args;

static int on_option(void *ctx, int id, const char *value)
{
	wf_args *a = ctx;
	if (id == WF_MONTH) {
		a->month = value;
		return EXIT_OK;
	}
	if (id == WF_DAILY_OUT) {
		a->daily_out = value;
		return EXIT_OK;
	}
	int rc = cli_run_option(&a->run, id, value);
	return rc < 0 ? EXIT_INPUT : rc;
}

/* --month YYYY-MM: from its first day to the first day of the next month. */
static int month_range(wf_args *a)
{
	unsigned y, m;
	char tail;
	if (sscanf(a->month, "%4u-%2u%c", &y, &m, &tail) != 2 || strlen(a->month) != 7 || m < 1 ||
	    m > 12)
		return cli_fail("walk-forward", EXIT_INPUT, "--month: '%s' is not YYYY-MM", a->month);
	char first[16], next[16];
	snprintf(first, sizeof first, "%04u-%02u-01", y, m);
	snprintf(next, sizeof next, "%04u-%02u-01", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
	if (!cli_time("walk-forward", "--month", first, &a->run.from) ||
	    !cli_time("walk-forward", "--month", next, &a->run.to))
		return EXIT_INPUT;
	a->run.has_from = a->run.has_to = true;
	return EXIT_OK;
}

static void fx_text(char *buf, size_t cap, int64_t e8)
{
	uint64_t m = e8 < 0 ? (uint64_t)0 - (uint64_t)e8 : (uint64_t)e8;
	int n = snprintf(buf, cap, "%s%" PRIu64 ".%08" PRIu64, e8 < 0 ? "-" : "", m / 100000000u,
			 m % 100000000u);
	/* Trailing zeros dropped, two decimals kept. */
	const char *dot = strchr(buf, '.');
	while (dot && n > (int)(dot - buf) + 3 && buf[n - 1] == '0')
		buf[--n] = '\0';
}

static int write_daily(const paper_replay *r, const char *path)
{
	size_t n = paper_replay_day_count(r);
	size_t cap = 256 * (n + 1);
	char *text = malloc(cap), *p = text;
	p += snprintf(p, cap, "%s", daily_header);
	for (size_t i = 0; i < n; i++) {
		paper_day_info d = PAPER_DAY_INFO_INIT;
		paper_replay_day_at(r, i, &d);
		char date[16], se[40], ee[40], pnl[40], fees[40];
		time_t t = (time_t)(d.day / PAPER_TS_PER_SECOND);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(date, sizeof date, "%Y-%m-%d", &tm);
		fx_text(se, sizeof se, d.start_equity_e8);
		fx_text(ee, sizeof ee, d.end_equity_e8);
		fx_text(pnl, sizeof pnl, d.end_equity_e8 - d.start_equity_e8);
		fx_text(fees, sizeof fees, d.fees_e8);
		p += snprintf(p, cap - (size_t)(p - text),
			      "%s,%s,%s,%s,%.6f,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			      ",%" PRIu64 ",%" PRIu64 "\n", date, se, ee, pnl,
			      (d.end_equity / d.start_equity - 1.0) * 100.0, fees, d.trades, d.wins,
			      d.losses, d.bars, d.signals, d.entries, d.open_positions);
	}
	int code = cli_write_file("walk-forward", path, text);
	free(text);
	return code;
}

static int report(wf_args *a)
{
	char *json = NULL;
	int rc = paper_replay_walk_forward_json(a->run.r, &json);
	if (rc != PAPER_OK)
		return cli_fail("walk-forward", cli_exit_code(rc) == EXIT_LIBRARY ? EXIT_INPUT : cli_exit_code(rc),
				"%s", paper_last_error());
	int code = cli_write_file("walk-forward", a->run.summary_out, json);
	paper_string_free(json);
	if (code == EXIT_OK)
		code = write_daily(a->run.r, a->daily_out);
	/* The run's summary on screen; the file holds the walk-forward summary. */
	const char *summary = a->run.summary_out;
	a->run.summary_out = NULL;
	if (code == EXIT_OK)
		code = cli_run_report(&a->run, "paper walk-forward");
	if (code == EXIT_OK && !a->run.quiet)
		printf("  days:    %zu rows in %s, walk-forward summary in %s\n",
		       paper_replay_day_count(a->run.r), a->daily_out, summary);
	return code;
}

static int check(wf_args *a)
{
	if (a->run.summary_out == NULL || a->daily_out == NULL)
		return cli_fail("walk-forward", EXIT_INPUT, "--daily-out and --summary-out are required");
	if (a->run.n_signals == 0)
		return cli_fail("walk-forward", EXIT_INPUT, "no --signals given");
	if (a->month && (a->run.has_from || a->run.has_to))
		return cli_fail("walk-forward", EXIT_INPUT, "give --month or --from/--to, not both");
	if (a->month)
		return month_range(a);
	if (!a->run.has_from || !a->run.has_to)
		return cli_fail("walk-forward", EXIT_INPUT, "give --month YYYY-MM, or both --from and --to");
	return EXIT_OK;
}

int cmd_walk_forward(int argc, char **argv)
{
	const cli_opt *const tables[] = { wf_opts, cli_run_opts, cli_common_opts, NULL };
	wf_args a = { .month = NULL };
	bool help = false;
	cli_run_init(&a.run, "walk-forward");
	int code = cli_parse("walk-forward", argc, argv, tables, on_option, &a, &help);
	if (code == EXIT_OK && help) {
		cli_usage(stdout, "walk-forward", synopsis, description, tables, NULL);
		cli_run_close(&a.run);
		return EXIT_OK;
	}
	if (code == EXIT_OK)
		code = check(&a);
	a.run.opts.daily = true;
	if (code == EXIT_OK)
		code = cli_run_open(&a.run);
	if (code == EXIT_OK)
		code = cli_run_finish(&a.run);
	if (code == EXIT_OK)
		code = report(&a);
	cli_run_close(&a.run);
	return code;
}
