/*
 * The paper command's account-operating sub-commands (init, status, order, run, report, ...):
 * what they share beyond cli.h. The ledger and the account (cli_ledger.c), positional
 * arguments (cli_positional.c), aligned tables (cli_table.c), JSON (cli_json.c), numbers and
 * times as text (cli_text.c), the account's objects shown (cli_views.c), and price feeds
 * (cli_feed.c).
 *
 * Only the public libpaper API, GLib and POSIX are used.
 */
#ifndef PAPER_CLI_OPS_H
#define PAPER_CLI_OPS_H

#include <glib.h>
#include <sys/types.h>

#include "cli/cli.h"

/* ---- the ledger and the account ---- */

/* Option ids of cli_ledger_opts: --ledger and --account. */
#define CLI_LEDGER_BASE 3000
extern const cli_opt cli_ledger_opts[];

/* An inbox decision as the signal paper run makes of it: side, confidence, risk, targets, sized
 * at its current_price (never filled there); ts 0 (the account's clock) and no strategy. */
paper_signal cli_decision_signal(const paper_decision *d, const char *signal_id);

typedef struct cli_ledger_args {
	const char *path;    /* --ledger */
	const char *account; /* --account */
} cli_ledger_args;

/* Handle --ledger / --account; -1 when id is neither. */
int cli_ledger_option(cli_ledger_args *a, int id, const char *value);

/* The ledger path: --ledger, else $PAPER_LEDGER; NULL (and a message) when neither is set. */
const char *cli_ledger_path(const char *cmd, const cli_ledger_args *a);

/* location with any password replaced by *** (paper_ledger_location_redact()), for printing
 * (into buf, returned). */
const char *cli_ledger_redact(char *buf, size_t cap, const char *location);

/* An account of a ledger, opened for one sub-command. */
typedef struct cli_account {
	const char *cmd;
	const char *path;     /* to open; never printed */
	char shown[4096];     /* the path as printed: passwords redacted */
	char name[PAPER_ID_MAX + 1];
	paper_ledger *l;
	paper_broker *b;
} cli_account;

/*
 * Open the ledger and rebuild the account's broker. read_only: a detached copy
 * (paper_ledger_load_broker(); works while `paper run` drives the account); otherwise the
 * account is taken (paper_ledger_open_broker(); EXIT_BUSY while another program has it).
 * The account is --account, else $PAPER_ACCOUNT_NAME, else the ledger's only account.
 */
int cli_account_open(cli_account *a, const char *cmd, const cli_ledger_args *args, bool read_only);
void cli_account_close(cli_account *a);

/* The exit code of a failed ledger call: EXIT_LEDGER, EXIT_BUSY, EXIT_INPUT or EXIT_LIBRARY. */
int cli_ledger_exit_code(int rc);

/* ---- paper versus backtest (cli_drift.c) ---- */

#define CLI_DRIFT_BASE 4000
extern const cli_opt cli_drift_opts[];        /* paper drift: --bars --signals --tolerance ... */
extern const cli_opt cli_report_drift_opts[]; /* paper report: --drift-bars --drift-signals ... */

/* A decision of the account refused live (rejected or skipped) that the backtest replayed. */
typedef struct cli_drift_refusal {
	int64_t decision;
	char signal_id[32];    /* decision-<id>: the backtest trade's, if it made one */
	char symbol[PAPER_SYMBOL_MAX + 1];
	paper_direction direction;
	paper_decision_status status;
	paper_ts created_ts;
	char reason[256];      /* the live refusal's outcome ("" when none was given) */
} cli_drift_refusal;

typedef struct cli_drift_args {
	const char **bars;     /* as many as given; cli_drift_clear() frees */
	int n_bars;
	const char **signals;
	int n_signals;
	paper_ts from, to;     /* with has_from, has_to; else the account's period */
	bool has_from, has_to;
	paper_ts tolerance;    /* microseconds, default one hour */
	bool by_signal_id;
	/* Set by cli_drift_build() without --signals: the account's refused decisions. */
	cli_drift_refusal *refused;
	size_t n_refused;
} cli_drift_args;

void cli_drift_init(cli_drift_args *a);
/* Handle an option of either table; -1 when id is neither's. */
int cli_drift_option(const char *cmd, cli_drift_args *a, int id, const char *value);
/* Replay the signals with the account's config over its period and compare (docs/drift.md). */
int cli_drift_build(const char *cmd, cli_account *acct, cli_drift_args *a, paper_drift **out);
void cli_drift_clear(cli_drift_args *a);

/* ---- positional arguments ---- */

/*
 * Move the arguments that are neither options nor option values out of argv (argv[0] stays),
 * into pos[0..*n_pos) (at most max_pos; more is a usage error). argc is updated.
 */
int cli_positionals(const char *cmd, int *argc, char **argv, const cli_opt *const *tables,
		    const char **pos, int max_pos, int *n_pos);

/* ---- aligned tables ---- */

typedef struct cli_table cli_table;

/* Columns by title; a title starting with '>' is right-aligned (the '>' is not printed). */
cli_table *cli_table_new(const char *const *titles);
/* Append a row of printf-formatted cells, one call per cell, in column order. */
void cli_table_cell(cli_table *t, const char *fmt, ...) CLI_PRINTF(2, 3);
void cli_table_print(const cli_table *t, FILE *out);
size_t cli_table_rows(const cli_table *t);
void cli_table_free(cli_table *t);

/* ---- JSON ---- */

/* A JSON text built by appending; members and items are separated automatically. */
typedef struct cli_json {
	GString *s;
} cli_json;

void cj_init(cli_json *j);
void cj_open(cli_json *j, const char *key, char brace);   /* key NULL inside arrays */
void cj_close(cli_json *j, char brace);
void cj_num(cli_json *j, const char *key, double v);     /* non-finite: null */
void cj_e8(cli_json *j, const char *key, int64_t e8);     /* an exact amount, as a number */
void cj_uint(cli_json *j, const char *key, uint64_t v);
void cj_str(cli_json *j, const char *key, const char *v); /* NULL: null */
void cj_bool(cli_json *j, const char *key, bool v);
void cj_time(cli_json *j, const char *key, paper_ts ts);  /* ISO-8601 UTC; 0: null */
void cj_raw(cli_json *j, const char *key, const char *json);
/* Print the text with a newline and free it. */
void cj_print(cli_json *j, FILE *out);
/* Free the text unprinted. */
void cj_free(cli_json *j);

/* ---- numbers and times as text ---- */

#define CLI_TEXT_MAX 64

/* 1234567.5 -> "1,234,567.50"; non-finite -> "n/a". */
const char *cli_money(char buf[CLI_TEXT_MAX], double v);
/* Same with a sign: "+12.30", "-4.00". */
const char *cli_signed(char buf[CLI_TEXT_MAX], double v);
/* A price or a quantity: up to 8 decimals, trailing zeros dropped (prices keep two). */
const char *cli_price(char buf[CLI_TEXT_MAX], double v);
const char *cli_qty(char buf[CLI_TEXT_MAX], double v);
/* A fraction as a percentage: 0.125 -> "12.50%". */
const char *cli_pct(char buf[CLI_TEXT_MAX], double v);
/* "2024-03-01 14:30:00" (UTC), or "-" for 0. */
const char *cli_when(char buf[CLI_TEXT_MAX], paper_ts ts);
/* "2024-03-01T14:30:00Z", with microseconds when not zero. */
const char *cli_iso(char buf[CLI_TEXT_MAX], paper_ts ts);
/* The wall clock now. */
paper_ts cli_wall_clock(void);
/* A time in a data file (docs/formats.md): ISO-8601 UTC with a Z, or epoch seconds. */
bool cli_parse_ts(const char *text, paper_ts *out);
/* A number in a data file: [-]digits[.digits], at most 8 decimals, no exponent. */
bool cli_decimal(const char *text, double *out);

/* ---- the account's objects as tables and JSON (cli_views.c) ---- */

/* The account summary: equity, cash, P&L, counts. */
void cli_account_json(cli_json *j, const cli_account *a);
void cli_account_print(FILE *out, const cli_account *a);
/* Open positions; the table prints "no open positions" when there is none. */
void cli_positions_json(cli_json *j, const char *key, const paper_broker *b);
void cli_positions_print(FILE *out, const paper_broker *b);
/* One order. */
void cli_order_json(cli_json *j, const paper_order_info *o);

/* ---- live prices the account acted on (cli_prices.c) ---- */

/* prices.csv, price_bars.csv and signals.csv of an account into dir; *count: prices. */
int cli_export_prices(const char *cmd, const cli_account *acct, const char *dir, uint64_t *count);

/* ---- price feeds: CSV `timestamp,symbol,price` (quotes) or bars with a symbol column ---- */

typedef struct cli_tick {
	paper_ts ts;
	char symbol[PAPER_SYMBOL_MAX + 1];
	bool bar;
	double price;                          /* a quote's price */
	double open, high, low, close, volume; /* a bar */
	uint64_t line;                         /* its line in the source */
} cli_tick;

typedef struct cli_feed {
	char *name;           /* the path, or "standard input" */
	int fd;
	bool is_stdin;
	bool closed;          /* standard input reached its end */
	bool whole;           /* a finished file: a last line without a newline counts */
	int cols;             /* fields per line */
	int c_ts, c_sym, c_price, c_open, c_high, c_low, c_close, c_volume; /* -1: absent */
	bool have_header;
	bool words_ok;        /* set by the caller: lines may be SYMBOL PRICE [TIME] instead of
			       * CSV (a first line without a comma), '#' lines comments */
	bool words;           /* they are: a tick's ts 0 means "now" */
	GString *buf;         /* bytes read */
	size_t pos;           /* buf[0..pos) is consumed */
	uint64_t offset;      /* file offset just after the last consumed line */
	uint64_t line;        /* lines consumed (the header is line 1) */
	dev_t dev;
	ino_t ino;
} cli_feed;

/*
 * Open a feed: a file, read from offset with line lines already consumed (0, 0: from the
 * start; the header is then its first line), or "-" for standard input. Returns EXIT_OK or
 * EXIT_INPUT with a message.
 */
int cli_feed_open(cli_feed *f, const char *cmd, const char *path, uint64_t offset, uint64_t line);

/*
 * The next complete line, reading what is available without blocking: 1 with *out set; 0 when
 * no complete line is waiting; -1 for a bad line (consumed; why in err); -2 when the feed
 * cannot go on (unreadable, bad header; why in err).
 */
int cli_feed_next(cli_feed *f, cli_tick *out, char *err, size_t errcap);

void cli_feed_close(cli_feed *f);

#endif
