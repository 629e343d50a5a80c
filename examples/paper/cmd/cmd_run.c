/*
 * paper run: the long-running orchestrator. A GLib main loop runs one cycle (run_cycle.c)
 * every --interval seconds. SIGINT and SIGTERM are GLib sources too, so they are handled
 * between cycles: the cycle under way finishes, the ledger is flushed, the read position of
 * the price file is saved, and the process exits 0. Started again, it takes the account up
 * where the ledger left it (docs/cli.md, "paper run").
 */
#include "run/run.h"

#include <glib-unix.h>
#include <math.h>
#include <signal.h>
#include <string.h>

#include "cmd/commands.h"

/* Ten thousand years: far past any created_ts, and far from paper_ts overflow. */
#define MAX_AGE_LIMIT 315576000000.0

enum { RN_PRICES = 1, RN_INTERVAL, RN_MAX_AGE, RN_STRATEGY, RN_LOT, RN_INSTRUMENTS };

static const cli_opt run_opts[] = {
	{ "--prices", "FILE", false, RN_PRICES, "prices CSV another program appends to, or - (stdin)" },
	{ "--interval", "SECONDS", false, RN_INTERVAL, "seconds between cycles (default 60)" },
	{ "--max-age", "SECONDS", false, RN_MAX_AGE, "skip decisions created longer ago than this, or stamped further ahead (default: no limit)" },
	{ "--strategy", "TAG", false, RN_STRATEGY, "strategy tag of the entry orders (default: inbox)" },
	{ "--lot", "SYMBOL=SIZE", false, RN_LOT, "lot size of one symbol's entries, e.g. BTC-USD=0.0001 (repeatable)" },
	{ "--instruments", "FILE", false, RN_INSTRUMENTS, "contracts from a CSV, defined on the account and stored with it" },
	{ NULL, NULL, false, 0, NULL },
};

static const char synopsis[] = "--prices FILE|- | --feed SOURCE... [--interval SECONDS] [--ledger PATH] [--account NAME]";

static const char description[] =
	"Drive a paper account: every --interval seconds, read the new lines of the price feed and\n"
	"give them to the account's session (resting orders fill, exit rules fire: take profit,\n"
	"stop loss, trailing stop, time limit), then act on the pending decisions of the ledger's\n"
	"inbox (enter above the confidence threshold, or skip or reject; each is marked), then\n"
	"record an equity snapshot. Each action is printed as a PAPER line. SIGINT or SIGTERM\n"
	"finish the current cycle, flush the ledger and exit 0; started again, it resumes: the\n"
	"account comes back from the ledger, processed decisions stay processed, and the price file\n"
	"is read on from the first line not applied yet (a bookmark kept in the ledger). With\n"
	"--prices - it also stops when standard input ends.\n\n"
	"With --feed (instead of --prices) prices come live from venues and are applied as they\n"
	"arrive, between cycles too; each is recorded in the ledger first. A price older than\n"
	"feed.max_staleness_s is never filled on, and a decision for a symbol without a fresh\n"
	"price waits. The feeds' health is kept in the ledger for paper status and the dashboard.";

static const char epilog[] =
	"The prices CSV is timestamp,symbol,price (quotes) or timestamp,symbol,open,high,low,close\n"
	"[,volume] (bars). docs/cli.md has the cycle, the decisions' outcomes, the PAPER lines and\n"
	"what carries over a restart; docs/feeds.md the --feed sources and faults.\n";

static int on_option(void *ctx, int id, const char *v)
{
	run_ctx *r = ctx;
	double x = 0;
	switch (id) {
	case RN_PRICES:
		r->prices_path = v;
		return EXIT_OK;
	case RN_INTERVAL:
		if (!cli_number("run", "--interval", v, &x))
			return EXIT_INPUT;
		if (x < 1 || x > 86400 || x != floor(x))
			return cli_fail("run", EXIT_INPUT, "--interval: '%s' is not a whole number of "
					"seconds in [1, 86400]", v);
		r->interval = (unsigned int)x;
		return EXIT_OK;
	case RN_MAX_AGE:
		if (!cli_number("run", "--max-age", v, &x))
			return EXIT_INPUT;
		/* In whole microseconds, at least one: no value may round to "no limit". */
		if (!(x >= 1e-6 && x <= MAX_AGE_LIMIT))
			return cli_fail("run", EXIT_INPUT, "--max-age: '%s' is not a number of seconds "
					"in [0.000001, %.0f]", v, MAX_AGE_LIMIT);
		r->max_age = (paper_ts)ceil(x * 1e6);
		r->has_max_age = true;
		return EXIT_OK;
	case RN_STRATEGY:
		r->strategy = v;
		return EXIT_OK;
	case RN_LOT:
		if (r->lots.n_lots == CLI_MAX_LOTS)
			return cli_fail("run", EXIT_INPUT, "--lot: at most %d symbols", CLI_MAX_LOTS);
		r->lots.lots[r->lots.n_lots++] = v;
		return EXIT_OK;
	case RN_INSTRUMENTS:
		r->lots.instruments = v;
		return EXIT_OK;
	default:
		return EXIT_INPUT;
	}
}

typedef struct parse_ctx {
	run_ctx *r;
	cli_ledger_args ledger;
} parse_ctx;

static int on_any_option(void *ctx, int id, const char *v)
{
	parse_ctx *p = ctx;
	int rc = cli_ledger_option(&p->ledger, id, v);
	if (rc < 0)
		rc = cli_venue_option(&p->r->venues, "run", id, v);
	return rc >= 0 ? rc : on_option(p->r, id, v);
}

static gboolean on_tick(gpointer data)
{
	run_ctx *r = data;
	/* The sources stay until loop() removes them, so each is removed exactly once. */
	if (r->stopping)
		return G_SOURCE_CONTINUE; /* a signal came in the same loop iteration */
	int code = run_cycle(r);
	/* Standard input that has ended brings no more prices: nothing more could fill. */
	if (code != EXIT_OK || r->feed.closed) {
		r->exit_code = code;
		r->stopping = true;
		g_main_loop_quit(r->loop);
	}
	return G_SOURCE_CONTINUE;
}

/* A live feed has messages: its prices go to the account now, not at the next cycle. */
static gboolean on_feed(gint fd, GIOCondition cond, gpointer data)
{
	run_ctx *r = data;
	(void)cond;
	if (r->stopping)
		return G_SOURCE_CONTINUE;
	bool moved = false;
	int code = run_feed_prices(r, &moved);
	if (code != EXIT_OK) {
		r->exit_code = code;
		r->stopping = true;
		g_main_loop_quit(r->loop);
	}
	/* A feed that failed stays readable (its end): stop watching it. */
	for (int i = 0; i < r->venues.n; i++)
		if (r->feed_ended[i] && paper_feed_fd(r->venues.feed[i]) == fd && !r->stopping) {
			r->feed_watch[i] = 0;
			return G_SOURCE_REMOVE;
		}
	return G_SOURCE_CONTINUE;
}

/* Dispatched by the main loop between cycles, never in the middle of one. */
static gboolean on_signal(gpointer data)
{
	run_ctx *r = data;
	r->stopping = true;
	run_log(r, "INFO", "signal received: stopping");
	g_main_loop_quit(r->loop);
	return G_SOURCE_CONTINUE;
}

static void log_start(run_ctx *r)
{
	paper_account_info ai = PAPER_ACCOUNT_INFO_INIT;
	char m[CLI_TEXT_MAX], q[CLI_TEXT_MAX];
	paper_broker_account(r->acct.b, &ai);
	GString *feeds = g_string_new(NULL);
	for (int i = 0; i < r->venues.n; i++)
		g_string_append_printf(feeds, "%s%s", i ? " " : "", r->feed_source[i]);
	run_log(r, "START", "account %s ledger %s %s %s every %u s: equity %s, %llu open "
		"positions, %llu open orders", r->acct.name, r->acct.shown,
		r->live ? "feeds" : "prices", r->live ? feeds->str : r->feed.name, r->interval,
		cli_money(m, ai.equity), (unsigned long long)ai.open_positions,
		(unsigned long long)ai.open_orders);
	g_string_free(feeds, TRUE);
	/* The session adopts what the account holds (docs/cli.md, "Resuming"), with the exit
	 * plan recorded with each entry: say which levels. */
	for (size_t i = 0; i < paper_session_position_count(r->s); i++) {
		paper_session_position p = PAPER_SESSION_POSITION_INIT;
		char tp[CLI_TEXT_MAX], sl[CLI_TEXT_MAX], until[CLI_TEXT_MAX];
		if (paper_session_position_at(r->s, i, &p) != PAPER_OK || p.qty == 0)
			continue;
		run_log(r, "INFO", "%s %s %s held from before: managed with take profit %s, stop "
			"loss %s, time limit %s (average price %s)", p.symbol,
			p.qty > 0 ? "LONG" : "SHORT", cli_qty(q, fabs(p.qty)),
			p.take_profit > 0 ? cli_price(tp, p.take_profit) : "none",
			p.stop_loss > 0 ? cli_price(sl, p.stop_loss) : "none",
			p.deadline ? cli_when(until, p.deadline) : "none", cli_money(m, p.entry_price));
	}
}

static void log_stop(run_ctx *r)
{
	paper_account_info ai = PAPER_ACCOUNT_INFO_INIT;
	char m[CLI_TEXT_MAX];
	paper_broker_account(r->acct.b, &ai);
	if (r->live)
		run_log(r, "STOP", "account %s after %llu cycles: %llu live prices (%llu stale ones "
			"not used, %llu refused, %llu bars of ticked symbols skipped), %llu entries, "
			"%llu exits, %llu skipped, %llu rejected; equity %s", r->acct.name,
			(unsigned long long)r->cycles, (unsigned long long)r->live_prices,
			(unsigned long long)r->live_stale, (unsigned long long)r->live_refused,
			(unsigned long long)r->live_skipped_bars, (unsigned long long)r->entries,
			(unsigned long long)r->exits, (unsigned long long)r->skipped,
			(unsigned long long)r->rejected, cli_money(m, ai.equity));
	else
		run_log(r, "STOP", "account %s after %llu cycles: %llu prices (%llu older ones "
			"skipped, %llu bad), %llu entries, %llu exits, %llu skipped, %llu rejected; "
			"equity %s", r->acct.name, (unsigned long long)r->cycles,
			(unsigned long long)r->prices, (unsigned long long)r->stale,
			(unsigned long long)r->bad, (unsigned long long)r->entries,
			(unsigned long long)r->exits, (unsigned long long)r->skipped,
			(unsigned long long)r->rejected, cli_money(m, ai.equity));
}

static int start(run_ctx *r, const cli_ledger_args *ledger)
{
	int code = cli_account_open(&r->acct, "run", ledger, false);
	if (code != EXIT_OK)
		return code;
	/* Before the session: it sizes entries by the symbols' lots. */
	if (r->lots.instruments &&
	    (code = cli_define_instruments("run", r->lots.instruments, r->acct.l,
					   r->acct.name, r->acct.b)) != EXIT_OK)
		return code;
	int rc = paper_session_new(&r->s, r->acct.b);
	if (rc != PAPER_OK)
		return cli_lib_fail("run", rc, "paper_session_new");
	code = cli_apply_lots("run", &r->lots, r->s);
	if (code == EXIT_OK)
		code = r->live ? run_feed_open(r) : run_state_open_feed(r);
	if (code != EXIT_OK)
		return code;
	r->waiting = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	run_decisions_recover(r);
	run_log_init(r);
	r->started = true;
	return EXIT_OK;
}

static void loop(run_ctx *r)
{
	r->loop = g_main_loop_new(NULL, FALSE);
	guint sources[3] = {
		g_unix_signal_add(SIGINT, on_signal, r),
		g_unix_signal_add(SIGTERM, on_signal, r),
		0,
	};
	for (int i = 0; i < r->venues.n; i++)
		r->feed_watch[i] = g_unix_fd_add(paper_feed_fd(r->venues.feed[i]), G_IO_IN, on_feed, r);
	/* Only now: a signal sent once the start line is out stops the run cleanly. */
	log_start(r);
	/* The first cycle at once, then one every interval. */
	on_tick(r);
	if (!r->stopping) {
		sources[2] = g_timeout_add_seconds(r->interval, on_tick, r);
		g_main_loop_run(r->loop);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(sources); i++)
		if (sources[i])
			g_source_remove(sources[i]);
	for (int i = 0; i < r->venues.n; i++)
		if (r->feed_watch[i])
			g_source_remove(r->feed_watch[i]);
	g_main_loop_unref(r->loop);
}

/* The ledger flushed, the read position saved, everything released. */
static int finish(run_ctx *r, int code)
{
	r->stopping = true;
	if (r->started && r->live) { /* also after a failure: the health says what failed */
		int health = run_feed_health(r, true);
		if (code == EXIT_OK)
			code = health;
	}
	if (r->started) {
		int rc = paper_ledger_flush(r->acct.l);
		if (rc != PAPER_OK && code == EXIT_OK)
			code = cli_fail("run", cli_exit_code(rc), "flush: %s", paper_last_error());
		if (code == EXIT_OK)
			code = run_state_save(r);
		log_stop(r);
	}
	paper_session_free(r->s);
	run_feed_close(r); /* the feeds' threads stop before the ledger closes */
	cli_account_close(&r->acct);
	cli_feed_close(&r->feed);
	g_free(r->prices_abs);
	if (r->waiting)
		g_hash_table_unref(r->waiting);
	if (r->recovered)
		g_hash_table_unref(r->recovered);
	return code;
}

int cmd_run(int argc, char **argv)
{
	const cli_opt *const tables[] = { run_opts, cli_ledger_opts, cli_venue_opts, NULL };
	run_ctx r;
	memset(&r, 0, sizeof r);
	cli_venues_init(&r.venues);
	r.interval = 60;
	r.strategy = "inbox";
	r.feed.fd = -1;
	parse_ctx p = { .r = &r };
	bool help = false;
	int code = cli_parse("run", argc, argv, tables, on_any_option, &p, &help);
	if (code == EXIT_OK && help) {
		cli_usage(stdout, "run", synopsis, description, tables, epilog);
		return EXIT_OK;
	}
	r.live = r.venues.n > 0;
	if (code == EXIT_OK && r.live && r.prices_path)
		code = cli_fail("run", EXIT_INPUT, "--prices and --feed: give one source of prices");
	if (code == EXIT_OK && !r.live && r.prices_path == NULL)
		code = cli_fail("run", EXIT_INPUT, "--prices FILE (or - for standard input) is "
				"required, or --feed SOURCE for live prices");
	if (code != EXIT_OK)
		return code;
	/* Lines reach a pipe or a log file as they happen, not when a buffer fills. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	code = start(&r, &p.ledger);
	if (code == EXIT_OK) {
		loop(&r);
		code = r.exit_code;
	}
	return finish(&r, code);
}
