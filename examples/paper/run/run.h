/*
 * paper run: the orchestrator's state, shared by its main loop (cmd_run.c), one polling cycle
 * (run_cycle.c), the decisions inbox (run_decisions.c), what it prints (run_log.c) and the
 * saved read position of the price feed (run_state.c).
 */
#ifndef PAPER_CLI_RUN_H
#define PAPER_CLI_RUN_H

#include "cli/cli_ops.h"
#include "cli/cli_venue.h"

typedef struct run_ctx {
	/* settings */
	const char *prices_path;   /* --prices: a file or "-" */
	unsigned int interval;     /* seconds between cycles */
	paper_ts max_age;          /* decisions older than this are skipped, with has_max_age */
	bool has_max_age;
	const char *strategy;      /* tag of the entry orders */
	cli_config lots;           /* --lot SYMBOL=SIZE, --instruments FILE */

	/* live feeds (--feed), run_feed.c */
	cli_venues venues;
	bool live;                 /* prices come from --feed, not --prices */
	paper_ts max_staleness;    /* feed.max_staleness_s of the account, in µs */
	GHashTable *fresh;         /* symbol -> run_symbol: what was last applied */
	uint64_t live_prices, live_stale, live_skipped_bars, live_refused;
	paper_ts health_saved;     /* wall clock of the last health written to the ledger */
	uint64_t live_logged;      /* live_prices at the last PRICES line */
	char feed_source[CLI_MAX_FEEDS][64]; /* each feed's source, as recorded with its prices */
	bool feed_ended[CLI_MAX_FEEDS];  /* failed: nothing more will come */
	guint feed_watch[CLI_MAX_FEEDS]; /* main loop sources of the feeds' descriptors */

	/* what it drives */
	cli_account acct;
	paper_session *s;
	cli_feed feed;
	char *prices_abs;          /* the price file's absolute path (escaped); NULL for stdin */
	GMainLoop *loop;
	int exit_code;
	bool started;              /* the account is open and the loop may run */
	bool stopping;             /* SIGINT or SIGTERM came */
	bool feed_closed_logged;
	uint64_t saved_offset;     /* the read position last flushed to the ledger */
	bool marked;               /* a read position was set since the start */
	/* A reverse decision that cancelled a waiting entry before a crash (run_decisions.c). */
	int64_t reverse_decision;
	uint64_t reverse_order;

	/* what was already printed */
	uint64_t fill_seq;         /* newest fill printed */
	uint64_t trade_id;         /* newest closed trade printed */
	GHashTable *waiting;       /* decision ids printed as waiting for a price */
	GHashTable *recovered;     /* "decision-N" -> order id, entered before a crash */

	/* counters for the stop line */
	uint64_t cycles, prices, stale, bad, entries, exits, skipped, rejected;
	int refused_reason;        /* the broker's reject reason of the decision's order, 0: none */
	int64_t unreadable_seen;   /* the newest unreadable row reported (run_decisions.c) */
} run_ctx;

/* One cycle: new prices and exits, then new decisions, then a snapshot. EXIT_OK or fatal. */
int run_cycle(run_ctx *r);

/* The pending decisions: enter, skip or reject each one and mark it. EXIT_OK or fatal. */
int run_decisions(run_ctx *r);

/* Orders entered from decisions before a crash, so they are not entered twice. */
void run_decisions_recover(run_ctx *r);

/* Print fills and closed trades newer than the last ones printed. */
void run_log_activity(run_ctx *r);
/* Remember the newest fill and trade as printed (at start: history is not printed again). */
void run_log_init(run_ctx *r);
/* "PAPER <WHAT> <time> ..." with the account's clock; the rest printf-style. */
void run_log(run_ctx *r, const char *what, const char *fmt, ...) CLI_PRINTF(3, 4);

/* ---- live feeds (run_feed.c) ---- */

/* Open the --feed sources and read feed.max_staleness_s. EXIT_OK or an exit code. */
int run_feed_open(run_ctx *r);
/* Apply every message the feeds have now; *moved when a price reached the account. */
int run_feed_prices(run_ctx *r, bool *moved);
/* A decision for symbol must wait: its last price is missing or older than max_staleness. */
bool run_feed_stale(run_ctx *r, const char *symbol, paper_ts now, double *age_s);
/* Keep each feed's health in the ledger (paper status, the dashboard). */
int run_feed_health(run_ctx *r, bool force);
void run_feed_close(run_ctx *r);

/*
 * The feed's read position, kept in the ledger (run_state.c): found again at start, set after
 * each line is read and before it is applied (stored with the events it causes), flushed at the
 * end of each cycle.
 */
int run_state_open_feed(run_ctx *r);
int run_state_mark(run_ctx *r);
int run_state_save(run_ctx *r);

/*
 * A test hook (run_crash.c): when PAPER_TEST_CRASH_AT is STEP or STEP:N, the process kills
 * itself with SIGKILL the N-th time (default 1) it reaches STEP of a cycle, as kill -9 would.
 */
void run_crash_point(const char *step);

#endif
