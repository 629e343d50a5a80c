/*
 * The paper command: shared pieces of its sub-commands. One file per sub-command
 * (cmd_*.c), the dispatcher in paper.c, options in cli_args.c, the broker's configuration in
 * cli_config.c, output (files, progress bar, the one-screen summary) in cli_output.c.
 *
 * Only the public libpaper API is used.
 */
#ifndef PAPER_CLI_H
#define PAPER_CLI_H

#include <paper/paper.h>
#include <stdbool.h>
#include <stdio.h>

/* Exit codes, the same for every sub-command (paper --help lists them). */
#define EXIT_OK 0
#define EXIT_LIBRARY 1 /* a libpaper call failed */
#define EXIT_INPUT 2   /* bad input, configuration, usage, or a file that cannot be read/written */
#define EXIT_LEDGER 3  /* the ledger or the account is missing, corrupt or from a newer libpaper */
#define EXIT_BUSY 4    /* the account is driven by another program (e.g. paper run) */

/* The exit statuses as `paper --help` and every sub-command's --help print them. */
#define CLI_EXIT_HELP                                                                      \
	"exit status: 0 ok; 1 a libpaper call failed or refused the request; 2 bad input,\n"  \
	"  configuration, usage or file; 3 ledger or account missing, corrupt or newer than\n" \
	"  this libpaper; 4 account in use by another program (paper run)\n"

#if defined(__GNUC__)
#define CLI_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define CLI_PRINTF(fmt, args)
#endif

/* "paper replay: message" on stderr; returns code. */
int cli_fail(const char *cmd, int code, const char *fmt, ...) CLI_PRINTF(3, 4);

/* A failed libpaper call: the code's exit status and its message. */
int cli_lib_fail(const char *cmd, int rc, const char *what);

/* EXIT_INPUT for errors about input, configuration and files, EXIT_LEDGER for a corrupt
 * ledger, EXIT_BUSY for an account in use, EXIT_LIBRARY otherwise. */
int cli_exit_code(int rc);

/* ---- options ---- */

typedef struct cli_opt {
	const char *name;  /* "--tp" */
	const char *arg;   /* "PCT"; NULL for a flag */
	bool multi;        /* takes one or more values (until the next --option) */
	int id;
	const char *help;
} cli_opt;

/* Called for each option found; value is NULL for flags. Returns EXIT_OK or an exit code. */
typedef int (*cli_opt_fn)(void *ctx, int id, const char *value);

/*
 * Parse argv[1..] (argv[0] is the sub-command) against a NULL-terminated list of option tables:
 * --name VALUE, --name=VALUE, flags, --help (sets *help). Unknown options and stray arguments
 * are usage errors.
 */
int cli_parse(const char *cmd, int argc, char **argv, const cli_opt *const *tables,
	      cli_opt_fn fn, void *ctx, bool *help);

/* Print "usage: paper CMD SYNOPSIS", the description and the options table. */
void cli_usage(FILE *out, const char *cmd, const char *synopsis, const char *description,
	       const cli_opt *const *tables, const char *epilog);

/* Strict number and time parsing for option values; print the problem and return false. */
bool cli_number(const char *cmd, const char *opt, const char *text, double *out);
bool cli_time(const char *cmd, const char *opt, const char *text, paper_ts *out);
/* A real day of the proleptic Gregorian calendar: 2024-02-29 is, 2024-02-30 and 2023-02-29
 * are not (no date is ever rolled over into the next month). */
bool cli_date_valid(unsigned year, unsigned month, unsigned day);

/* ---- configuration ---- */

#define CLI_MAX_SETTINGS 64
#define CLI_MAX_LOTS 64

/* Settings from the command line, applied over --config FILE and the environment. */
typedef struct cli_config {
	const char *path;                    /* --config */
	char *keys[CLI_MAX_SETTINGS];        /* in order given; later ones win */
	char *values[CLI_MAX_SETTINGS];
	const char *options[CLI_MAX_SETTINGS]; /* the option each came from, for messages */
	int n;
	const char *lots[CLI_MAX_LOTS];      /* SYMBOL=SIZE */
	int n_lots;
	const char *instruments;             /* --instruments FILE */
} cli_config;

/* The options every trading sub-command shares (ids >= CLI_COMMON_BASE). */
#define CLI_COMMON_BASE 1000
extern const cli_opt cli_common_opts[];

/* Handle a common option; returns EXIT_OK, an exit code, or -1 when id is not common. */
int cli_common_option(const char *cmd, cli_config *c, int id, const char *value);

/* The validated config: defaults, --config FILE, the environment, then the options. */
int cli_make_config(const char *cmd, const cli_config *c, paper_config **out);

/* A broker from that config. */
int cli_make_broker(const char *cmd, const cli_config *c, paper_broker **out);

/* Apply --lot SYMBOL=SIZE to a session. */
int cli_apply_lots(const char *cmd, const cli_config *c, paper_session *s);

void cli_config_clear(cli_config *c);

/*
 * --instruments FILE (cli_instruments.c): the CSV's rows as instrument.SYMBOL.FIELD keys of
 * cfg; or, for an account opened from a ledger (paper run), defined on its broker: every row
 * or none.
 */
int cli_load_instruments(const char *cmd, const char *path, paper_config *cfg);
int cli_define_instruments(const char *cmd, const char *path, paper_ledger *l,
			   const char *account, paper_broker *b);

/* ---- a replay run, shared by replay, walk-forward and execute ---- */

#define CLI_RUN_BASE 2000
extern const cli_opt cli_run_opts[];    /* --bars --signals --trades-out ... */

typedef struct cli_progress {
	bool enabled;
	bool shown;
	double start, last;
	const char *what;
} cli_progress;

typedef struct cli_run {
	const char *cmd;
	cli_config cfg;
	const char **bars;       /* as many as given (a universe of files); cli_run_close() frees */
	int n_bars;
	const char **signals;
	int n_signals;
	const char *trades_out, *summary_out;
	const char *ledger_path; /* --ledger: the run's events go to a new account there */
	paper_ledger *ledger;
	paper_ts from, to;       /* with has_from, has_to: 0 is a time (the epoch), not "none" */
	bool has_from, has_to;
	bool skip_bad_rows, no_progress, quiet;
	paper_replay_options opts;
	paper_replay_bars_options bars_opts; /* --columns --time-unit --tz --adjusted */
	paper_broker *b;
	paper_replay *r;
	cli_progress progress;
	double started;
} cli_run;

void cli_run_init(cli_run *run, const char *cmd);
/* Handle a run option or a common one; -1 when id is neither. */
int cli_run_option(cli_run *run, int id, const char *value);
/* Broker, replay and inputs (the options' daily/close_at_end as set in run->opts). */
int cli_run_open(cli_run *run);
int cli_run_until(cli_run *run, paper_ts until);
int cli_run_finish(cli_run *run);
/* --summary-out and the one-screen summary. */
int cli_run_report(cli_run *run, const char *title);
void cli_run_close(cli_run *run);

/* ---- output ---- */

/* Write text to path (or stdout for "-"). */
int cli_write_file(const char *cmd, const char *path, const char *text);

/* [+-]digits[.digits][(e|E)[+-]digits] (or ".5"): the decimal numbers the command reads from
 * options, and those a CSV cell keeps as they are. Never hex, inf, nan or spaces. */
bool cli_is_number(const char *text);

/* One CSV cell of text, by the rule of docs/formats.md ("CSV cells"): quoted when it holds a
 * comma, quote or line break; a leading =, +, -, @, TAB or CR that is not part of a number is
 * written after a single quote, so a spreadsheet shows the text instead of running it. */
void cli_csv_text(FILE *f, const char *text);

/* A progress bar on stderr when it is a terminal and the run takes over a second. */
void cli_progress_init(cli_progress *p, bool enabled, const char *what);
void cli_progress_cb(const paper_replay_progress *pr, void *payload);
void cli_progress_done(cli_progress *p);

/* The one-screen summary of a run. */
void cli_print_summary(FILE *out, const char *title, const paper_replay *r, double seconds);

double cli_now(void);

/* ---- paperlib (Python) ---- */

/*
 * Become `python3 -c BOOTSTRAP CMD ARGS...`, which runs paperlib.sweep_cli (cli_python.c says
 * which interpreter and which paperlib). args: NULL-terminated, canonical --name=value
 * arguments. Returns only when the interpreter cannot be started: an exit code.
 */
int cli_exec_python(const char *cmd, const char *const *args);

#endif
