/*
 * A replay as the paper sub-commands run it: the broker from the configuration, a replay with
 * its session, the bars and signals inputs, a progress bar, and the outputs.
 */
#include "cli/cli.h"
#include "cli/cli_ops.h"

#include <glib.h>
#include <string.h>

enum {
	RUN_BARS = CLI_RUN_BASE, RUN_SIGNALS, RUN_TRADES_OUT, RUN_SUMMARY_OUT, RUN_FROM, RUN_TO,
	RUN_SKIP_BAD, RUN_NO_PROGRESS, RUN_QUIET, RUN_LEDGER, RUN_COLUMNS, RUN_TIME_UNIT, RUN_TZ,
	RUN_ADJUSTED,
};

const cli_opt cli_run_opts[] = {
	{ "--bars", "PATH", true, RUN_BARS, "bars CSV files or directories of *.csv (one file per symbol, "
	  "or a symbol column)" },
	{ "--signals", "FILE", true, RUN_SIGNALS, "signals CSV (timestamp,symbol,side,confidence[,take_profit,stop_loss])" },
	{ "--trades-out", "FILE", false, RUN_TRADES_OUT, "write the closed trades as CSV" },
	{ "--summary-out", "FILE", false, RUN_SUMMARY_OUT, "write the summary as JSON ('-': standard output)" },
	{ "--from", "TIME", false, RUN_FROM, "skip bars and signals before TIME (2024-03-01 or ISO-8601 or epoch)" },
	{ "--to", "TIME", false, RUN_TO, "stop at TIME (exclusive)" },
	{ "--columns", "ROLE=NAME,...", false, RUN_COLUMNS, "the bars columns of these roles (ts, "
	  "date, time, symbol, open, high, low, close, volume, adj_close): --columns ts=Date,close=Close" },
	{ "--time-unit", "s|ms|us|ns", false, RUN_TIME_UNIT, "the unit of epoch times in the bars "
	  "(default: by their digits, 10 s, 13 ms, 16 us, 19 ns)" },
	{ "--tz", "ZONE", false, RUN_TZ, "the zone of bar times written without one "
	  "(America/New_York, UTC, +05:30); dates start at its midnight" },
	{ "--adjusted", NULL, false, RUN_ADJUSTED, "use the adjusted close (Yahoo's Adj Close) and "
	  "scale open, high, low by it" },
	{ "--skip-bad-rows", NULL, false, RUN_SKIP_BAD, "skip and count bad rows instead of failing "
	  "(a file with no good row still fails)" },
	{ "--ledger", "FILE", false, RUN_LEDGER, "record the run in a ledger (a new account named by "
	  "account.name)" },
	{ "--no-progress", NULL, false, RUN_NO_PROGRESS, "no progress bar" },
	{ "--quiet", NULL, false, RUN_QUIET, "no summary on standard output" },
	{ NULL, NULL, false, 0, NULL },
};

void cli_run_init(cli_run *run, const char *cmd)
{
	memset(run, 0, sizeof *run);
	run->cmd = cmd;
	paper_replay_options_init(&run->opts, PAPER_REPLAY_OPTIONS_VERSION);
	paper_replay_bars_options_init(&run->bars_opts, PAPER_REPLAY_BARS_OPTIONS_VERSION);
}

/* Grown by doubling: the arguments bound the count, nothing else does. */
static int add_input(const char ***list, int *n, const char *value)
{
	if ((*n & (*n - 1)) == 0) /* 0, 1, 2, 4, ...: full */
		*list = g_renew(const char *, *list, *n ? 2 * (size_t)*n : 1);
	(*list)[(*n)++] = value;
	return EXIT_OK;
}

static int time_unit(cli_run *run, const char *v)
{
	static const char *const units[] = { "s", "ms", "us", "ns" };
	for (size_t i = 0; i < G_N_ELEMENTS(units); i++)
		if (strcmp(v, units[i]) == 0) {
			run->bars_opts.time_unit = (paper_time_unit)(PAPER_TIME_UNIT_S + (int)i);
			return EXIT_OK;
		}
	return cli_fail(run->cmd, EXIT_INPUT, "--time-unit: '%s' is not s, ms, us or ns", v);
}

int cli_run_option(cli_run *run, int id, const char *v)
{
	switch (id) {
	case RUN_BARS:
		return add_input(&run->bars, &run->n_bars, v);
	case RUN_SIGNALS:
		return add_input(&run->signals, &run->n_signals, v);
	case RUN_TRADES_OUT:
		run->trades_out = v;
		return EXIT_OK;
	case RUN_SUMMARY_OUT:
		run->summary_out = v;
		return EXIT_OK;
	case RUN_FROM:
		run->has_from = true;
		return cli_time(run->cmd, "--from", v, &run->from) ? EXIT_OK : EXIT_INPUT;
	case RUN_TO:
		run->has_to = true;
		return cli_time(run->cmd, "--to", v, &run->to) ? EXIT_OK : EXIT_INPUT;
	case RUN_SKIP_BAD:
		run->skip_bad_rows = true;
		return EXIT_OK;
	case RUN_COLUMNS:
		run->bars_opts.columns = v;
		return EXIT_OK;
	case RUN_TIME_UNIT:
		return time_unit(run, v);
	case RUN_TZ:
		run->bars_opts.tz = v;
		return EXIT_OK;
	case RUN_ADJUSTED:
		run->bars_opts.adjusted = true;
		return EXIT_OK;
	case RUN_NO_PROGRESS:
		run->no_progress = true;
		return EXIT_OK;
	case RUN_QUIET:
		run->quiet = true;
		return EXIT_OK;
	case RUN_LEDGER:
		run->ledger_path = v;
		return EXIT_OK;
	default:
		return cli_common_option(run->cmd, &run->cfg, id, v);
	}
}

static int add_inputs(cli_run *run)
{
	for (int i = 0; i < run->n_bars; i++) {
		int rc = paper_replay_add_bars_file_with(run->r, run->bars[i], &run->bars_opts);
		/* A bad --columns, --tz or --time-unit is the user's input, as a bad file is. */
		if (rc != PAPER_OK)
			return cli_fail(run->cmd, rc == PAPER_EINVAL ? EXIT_INPUT : cli_exit_code(rc),
					"--bars: %s", paper_last_error());
	}
	for (int i = 0; i < run->n_signals; i++) {
		int rc = paper_replay_add_signals_file(run->r, run->signals[i]);
		if (rc != PAPER_OK)
			return cli_fail(run->cmd, cli_exit_code(rc), "--signals: %s", paper_last_error());
	}
	return EXIT_OK;
}

/*
 * The broker of a new account in the ledger: every order, fill and snapshot of the run is
 * written there (in groups; flushed when the broker is freed), so `paper` commands that read
 * ledgers can inspect the run afterwards.
 */
static int open_ledger(cli_run *run)
{
	paper_config *cfg = NULL;
	char account[64];
	int code = cli_make_config(run->cmd, &run->cfg, &cfg);
	if (code != EXIT_OK)
		return code;
	paper_config_get_string(cfg, "account.name", account, sizeof account, NULL);
	paper_ledger_options lo = PAPER_LEDGER_OPTIONS_INIT;
	lo.durability = PAPER_BATCHED;
	int rc = paper_ledger_open(&run->ledger, run->ledger_path, &lo);
	if (rc == PAPER_OK)
		rc = paper_ledger_create_account(run->ledger, cfg);
	char shown[4096];
	if (rc == PAPER_ESTATE)
		code = cli_fail(run->cmd, EXIT_INPUT, "--ledger: account '%s' already exists in %s; a "
				"replay needs a new one (--set account.name=NAME)", account,
				cli_ledger_redact(shown, sizeof shown, run->ledger_path));
	else if (rc == PAPER_OK)
		rc = paper_ledger_open_broker(run->ledger, account, &run->b);
	paper_config_free(cfg);
	if (code == EXIT_OK && rc != PAPER_OK)
		code = cli_fail(run->cmd, cli_exit_code(rc), "--ledger: %s", paper_last_error());
	return code;
}

int cli_run_open(cli_run *run)
{
	if (run->n_bars == 0)
		return cli_fail(run->cmd, EXIT_INPUT, "no --bars given (see paper %s --help)", run->cmd);
	/* --to 1970-01-01 is an end like any other: the range before it is empty. */
	if (run->has_to && run->to <= run->from)
		return cli_fail(run->cmd, EXIT_INPUT, run->has_from ? "--to must be after --from"
			: "--to must be after 1970-01-01T00:00:00Z: nothing is stamped before it");
	int code = run->ledger_path ? open_ledger(run) : cli_make_broker(run->cmd, &run->cfg, &run->b);
	if (code != EXIT_OK)
		return code;
	cli_progress_init(&run->progress, !run->no_progress, run->cmd);
	run->opts.skip_bad_rows = run->skip_bad_rows;
	run->opts.from = run->from;
	run->opts.to = run->to;
	run->opts.trades_path = run->trades_out;
	run->opts.progress = cli_progress_cb;
	run->opts.progress_payload = &run->progress;
	run->opts.progress_every = 65536;
	int rc = paper_replay_new(&run->r, run->b, &run->opts);
	if (rc != PAPER_OK)
		return cli_lib_fail(run->cmd, rc, "paper_replay_new");
	code = cli_apply_lots(run->cmd, &run->cfg, paper_replay_session(run->r));
	if (code == EXIT_OK)
		code = add_inputs(run);
	run->started = cli_now();
	return code;
}

int cli_run_until(cli_run *run, paper_ts until)
{
	int rc = paper_replay_run_until(run->r, until);
	cli_progress_done(&run->progress);
	return rc == PAPER_OK ? EXIT_OK : cli_fail(run->cmd, cli_exit_code(rc), "%s", paper_last_error());
}

int cli_run_finish(cli_run *run)
{
	int rc = paper_replay_run(run->r);
	cli_progress_done(&run->progress);
	return rc == PAPER_OK ? EXIT_OK : cli_fail(run->cmd, cli_exit_code(rc), "%s", paper_last_error());
}

int cli_run_report(cli_run *run, const char *title)
{
	double seconds = cli_now() - run->started;
	if (run->summary_out) {
		char *json = NULL;
		int rc = paper_replay_summary_json(run->r, 0, &json);
		if (rc != PAPER_OK)
			return cli_lib_fail(run->cmd, rc, "paper_replay_summary_json");
		int code = cli_write_file(run->cmd, run->summary_out, json);
		paper_string_free(json);
		if (code != EXIT_OK)
			return code;
	}
	if (!run->quiet) {
		cli_print_summary(stdout, title, run->r, seconds);
		if (run->trades_out)
			printf("  wrote:   %s", run->trades_out);
		if (run->summary_out && strcmp(run->summary_out, "-") != 0)
			printf("%s%s", run->trades_out ? ", " : "  wrote:   ", run->summary_out);
		if (run->trades_out || (run->summary_out && strcmp(run->summary_out, "-") != 0))
			putchar('\n');
	}
	return EXIT_OK;
}

void cli_run_close(cli_run *run)
{
	paper_replay_free(run->r);
	paper_broker_free(run->b); /* before the ledger it writes to */
	paper_ledger_close(run->ledger);
	cli_config_clear(&run->cfg);
	g_free(run->bars);
	g_free(run->signals);
	run->bars = run->signals = NULL;
	run->n_bars = run->n_signals = 0;
	run->r = NULL;
	run->b = NULL;
	run->ledger = NULL;
}
