/*
 * paper sweep: every combination of a parameter grid replayed over the same bars and signals,
 * as tasks on Dask (a local cluster, or --scheduler), one row of metrics per set.
 *
 * The replays and the scheduling are paperlib's (paperlib.sweep, Python): this command checks
 * what it can here - options, files, the grid's syntax, the objective, the whole base config
 * and the lot sizes, with libpaper - so a mistake is reported at once and by the same rules as
 * paper replay, then hands over the same inputs, spelled canonically, to paperlib.sweep_cli
 * (cli_exec_python()). paperlib then checks every grid value and combination with libpaper
 * before anything is scheduled.
 */
#include "cli/cli.h"

#include <errno.h>
#include <glib.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/commands.h"

enum {
	SW_BARS = 1, SW_SIGNALS, SW_GRID, SW_FROM, SW_TO, SW_OBJECTIVE, SW_SCHEDULER, SW_WORKERS,
	SW_CHUNK, SW_OUT, SW_NO_PROGRESS, SW_QUIET,
};

static const cli_opt sweep_opts[] = {
	{ "--bars", "PATH", true, SW_BARS, "bars CSV files or directories of *.csv (on storage every "
	  "worker sees)" },
	{ "--signals", "FILE", true, SW_SIGNALS, "signals CSV files" },
	{ "--grid", "NAME=VALUES", false, SW_GRID, "a parameter and its values: tp=1:3:0.5 (from:to:step) "
	  "or sl=0.5,1,1.5; repeatable" },
	{ "--objective", "KEY", false, SW_OBJECTIVE, "the metric that ranks the sets (default "
	  "sharpe_ratio; -KEY: lower is better)" },
	{ "--out", "FILE", false, SW_OUT, "write one CSV row per set (as they finish; in grid order at "
	  "the end)" },
	{ "--scheduler", "ADDRESS", false, SW_SCHEDULER, "run on the Dask cluster of this scheduler "
	  "(tcp://HOST:8786)" },
	{ "--workers", "N", false, SW_WORKERS, "worker processes of the local cluster (default: the "
	  "machine's cores)" },
	{ "--chunk", "N", false, SW_CHUNK, "parameter sets per Dask task (default: about 4 tasks per "
	  "worker)" },
	{ "--from", "TIME", false, SW_FROM, "skip bars and signals before TIME" },
	{ "--to", "TIME", false, SW_TO, "stop at TIME (exclusive)" },
	{ "--no-progress", NULL, false, SW_NO_PROGRESS, "no progress bar" },
	{ "--quiet", NULL, false, SW_QUIET, "no summary on standard output" },
	{ NULL, NULL, false, 0, NULL },
};

static const char synopsis[] =
	"--bars PATH... --signals FILE... --grid NAME=VALUES... --out FILE\n"
	"       [--scheduler tcp://HOST:8786 | --workers N] [--objective KEY] [settings]";

static const char description[] =
	"Replay the bars and signals once per parameter set of a grid - every combination of the\n"
	"--grid values, over the base settings - and write one CSV row of metrics per set. The\n"
	"sets run as tasks on Dask: a local cluster of the machine's cores, or the cluster of\n"
	"--scheduler (docs/scaling.md). Each set is one libpaper replay, so the rows are the same,\n"
	"to the bit, as paper replay with those settings, whatever the workers. Needs Python 3\n"
	"with paperlib, pandas and Dask (python3-distributed).";

static const char epilog[] =
	"Grid names: tp (session.tp_pct), sl (session.sl_pct), trailing (session.trailing_pct),\n"
	"hold (session.max_hold_minutes), size (session.notional), min_confidence\n"
	"(limits.min_confidence), commission (costs.commission_pct), slippage\n"
	"(costs.slippage_pct), seed (costs.seed), or any config key. Ranges include their end.\n"
	"Settings (--config, --set, --tp, --lot, ...) are the base of every set, as for paper\n"
	"replay. Ctrl-C (or SIGTERM) cancels: exit status 130, and --out holds the finished rows.\n"
	"paper report --sweep FILE --html OUT draws the heat map.\n";

typedef struct sweep_args {
	cli_config cfg;
	GPtrArray *py; /* canonical arguments for paperlib.sweep_cli */
	int n_bars, n_signals, n_grid;
	bool out, scheduler, workers;
} sweep_args;

static int pass(sweep_args *a, const char *name, const char *value)
{
	g_ptr_array_add(a->py, value ? g_strdup_printf("%s=%s", name, value) : g_strdup(name));
	return EXIT_OK;
}

/* Pass the option on when its check (code) passed. */
static int checked(int code, sweep_args *a, const char *name, const char *value)
{
	return code != EXIT_OK ? code : pass(a, name, value);
}

static int existing(const char *opt, const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return cli_fail("sweep", EXIT_INPUT, "%s: %s: %s", opt, path, g_strerror(errno));
	return EXIT_OK;
}

static bool valid_name(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!g_ascii_isalnum(s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
			return false;
	return true;
}

/* NAME=START:STOP:STEP or NAME=V1,V2,...: the syntax; values and names are paperlib's to judge. */
static int grid_spec(const char *spec)
{
	const char *eq = strchr(spec, '=');
	if (eq == NULL || !valid_name(spec, (size_t)(eq - spec)) || eq[1] == '\0')
		return cli_fail("sweep", EXIT_INPUT, "--grid: '%s' is not NAME=VALUES (tp=1:3:0.5 or "
				"sl=0.5,1,1.5)", spec);
	const char *values = eq + 1;
	if (strchr(values, ':') == NULL) {
		gchar **items = g_strsplit(values, ",", -1);
		bool ok = true;
		for (gchar **it = items; *it && ok; it++)
			ok = (*it)[0] != '\0';
		g_strfreev(items);
		return ok ? EXIT_OK
			  : cli_fail("sweep", EXIT_INPUT, "--grid: '%s' has an empty value", spec);
	}
	gchar **parts = g_strsplit(values, ":", -1);
	int code = EXIT_OK;
	double v[3] = { 0, 0, 0 };
	if (g_strv_length(parts) != 3)
		code = cli_fail("sweep", EXIT_INPUT, "--grid: '%s': a range is START:STOP:STEP", spec);
	for (int i = 0; code == EXIT_OK && i < 3; i++)
		if (!cli_number("sweep", "--grid", parts[i], &v[i]))
			code = EXIT_INPUT;
	if (code == EXIT_OK && v[2] <= 0)
		code = cli_fail("sweep", EXIT_INPUT, "--grid: '%s': the step must be > 0", spec);
	if (code == EXIT_OK && v[1] < v[0])
		code = cli_fail("sweep", EXIT_INPUT, "--grid: '%s': STOP is below START", spec);
	g_strfreev(parts);
	return code;
}

static int objective(const char *key)
{
	const char *name = key[0] == '-' ? key + 1 : key;
	for (size_t i = 0; i < paper_metrics_key_count(); i++)
		if (strcmp(paper_metrics_key_name(i), name) == 0)
			return EXIT_OK;
	return cli_fail("sweep", EXIT_INPUT, "--objective: '%s' is not a metrics key (sharpe_ratio, "
			"total_return, max_drawdown, ...: docs/metrics.md)", key);
}

static int whole(const char *opt, const char *value)
{
	double v = 0;
	if (!cli_number("sweep", opt, value, &v))
		return EXIT_INPUT;
	if (v < 1 || v > 1e6 || v != floor(v))
		return cli_fail("sweep", EXIT_INPUT, "%s: '%s' is not a whole number >= 1", opt, value);
	return EXIT_OK;
}

static int on_option(void *ctx, int id, const char *v)
{
	sweep_args *a = ctx;
	paper_ts t = 0;
	switch (id) {
	case SW_BARS:
		a->n_bars++;
		return checked(existing("--bars", v), a, "--bars", v);
	case SW_SIGNALS:
		a->n_signals++;
		return checked(existing("--signals", v), a, "--signals", v);
	case SW_GRID:
		a->n_grid++;
		return checked(grid_spec(v), a, "--grid", v);
	case SW_FROM:
		return checked(cli_time("sweep", "--from", v, &t) ? EXIT_OK : EXIT_INPUT, a, "--from", v);
	case SW_TO:
		return checked(cli_time("sweep", "--to", v, &t) ? EXIT_OK : EXIT_INPUT, a, "--to", v);
	case SW_OBJECTIVE:
		return checked(objective(v), a, "--objective", v);
	case SW_SCHEDULER:
		a->scheduler = true;
		return checked(v[0] ? EXIT_OK : cli_fail("sweep", EXIT_INPUT, "--scheduler: an empty address"),
			       a, "--scheduler", v);
	case SW_WORKERS:
		a->workers = true;
		return checked(whole("--workers", v), a, "--workers", v);
	case SW_CHUNK:
		return checked(whole("--chunk", v), a, "--chunk", v);
	case SW_OUT:
		a->out = true;
		return pass(a, "--out", v);
	case SW_NO_PROGRESS:
		return pass(a, "--no-progress", NULL);
	case SW_QUIET:
		return pass(a, "--quiet", NULL);
	default: {
		int rc = cli_common_option("sweep", &a->cfg, id, v);
		return rc < 0 ? EXIT_INPUT : rc;
	}
	}
}

/* The base config and the lots, checked as paper replay checks them; then passed on. */
static int base_settings(sweep_args *a)
{
	paper_broker *b = NULL;
	paper_session *s = NULL;
	int code = cli_make_broker("sweep", &a->cfg, &b);
	if (code == EXIT_OK) {
		int rc = paper_session_new(&s, b);
		code = rc == PAPER_OK ? cli_apply_lots("sweep", &a->cfg, s)
				      : cli_lib_fail("sweep", rc, "paper_session_new");
	}
	paper_session_free(s);
	paper_broker_free(b);
	if (code != EXIT_OK)
		return code;
	if (a->cfg.path)
		pass(a, "--config", a->cfg.path);
	for (int i = 0; i < a->cfg.n; i++) {
		char *kv = g_strdup_printf("%s=%s", a->cfg.keys[i], a->cfg.values[i]);
		pass(a, "--set", kv);
		g_free(kv);
	}
	for (int i = 0; i < a->cfg.n_lots; i++)
		pass(a, "--lot", a->cfg.lots[i]);
	return EXIT_OK;
}

int cmd_sweep(int argc, char **argv)
{
	const cli_opt *const tables[] = { sweep_opts, cli_common_opts, NULL };
	sweep_args a;
	memset(&a, 0, sizeof a);
	a.py = g_ptr_array_new_with_free_func(g_free);
	bool help = false;
	int code = cli_parse("sweep", argc, argv, tables, on_option, &a, &help);
	if (code == EXIT_OK && help) {
		cli_usage(stdout, "sweep", synopsis, description, tables, epilog);
	} else if (code == EXIT_OK) {
		if (a.n_bars == 0 || a.n_signals == 0 || a.n_grid == 0 || !a.out)
			code = cli_fail("sweep", EXIT_INPUT, "--bars, --signals, --grid and --out are "
					"required (see paper sweep --help)");
		else if (a.scheduler && a.workers)
			code = cli_fail("sweep", EXIT_INPUT, "--workers is for the local cluster; with "
					"--scheduler the cluster has the workers it has");
		if (code == EXIT_OK)
			code = base_settings(&a);
		if (code == EXIT_OK) {
			g_ptr_array_add(a.py, NULL);
			code = cli_exec_python("sweep", (const char *const *)a.py->pdata);
		}
	}
	cli_config_clear(&a.cfg);
	g_ptr_array_free(a.py, TRUE);
	return code;
}
