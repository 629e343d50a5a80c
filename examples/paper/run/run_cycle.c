/*
 * One cycle of paper run. Prices first: every complete line the feed has now goes through the
 * session (a quote through paper_session_check_exits(), a bar through paper_session_on_bar()),
 * which fills resting orders and applies the exit rules on it. Before a line is applied, the
 * position after it becomes the ledger's bookmark, stored with whatever the line causes. Then
 * the decisions, entered at the account's clock, after those prices: an entry fills on a line
 * stamped later, never on one already read (the broker's rule, whatever is read again after a
 * crash). Then an equity snapshot when prices moved, and the read position is flushed.
 * run_crash_point() marks each step for the crash tests.
 */
#include "run/run.h"

#include <string.h>

static int feed_price(run_ctx *r, const cli_tick *p)
{
	if (p->bar)
		return paper_session_on_bar(r->s, p->symbol, p->ts, p->open, p->high, p->low, p->close,
					    p->volume);
	const char *sym = p->symbol;
	return paper_session_check_exits(r->s, p->ts, &sym, &p->price, 1);
}

/* A line the broker refuses for its values is reported and skipped; the run goes on. */
static bool bad_value(int rc)
{
	return rc == PAPER_EPRICE || rc == PAPER_EQTY || rc == PAPER_EINVAL;
}

/* One line per cycle that moved prices: a heartbeat with the account's value. */
static void log_prices(run_ctx *r, uint64_t n)
{
	paper_account_info ai = PAPER_ACCOUNT_INFO_INIT;
	char m[CLI_TEXT_MAX];
	paper_broker_account(r->acct.b, &ai);
	run_log(r, "PRICES", "%llu new, equity %s, %llu open positions, %llu open orders",
		(unsigned long long)n, cli_money(m, ai.equity), (unsigned long long)ai.open_positions,
		(unsigned long long)ai.open_orders);
}

static int prices(run_ctx *r, bool *moved)
{
	cli_tick p;
	uint64_t before = r->prices;
	char err[256];
	int got;
	while ((got = cli_feed_next(&r->feed, &p, err, sizeof err)) != 0) {
		if (got == -2)
			return cli_fail("run", EXIT_INPUT, "--prices %s: %s", r->feed.name, err);
		int code = run_state_mark(r);
		if (code != EXIT_OK)
			return code;
		if (got == -1) {
			fprintf(stderr, "paper run: %s:%llu: %s (skipped)\n", r->feed.name,
				(unsigned long long)r->feed.line, err);
			r->bad++;
			continue;
		}
		run_crash_point("line");
		int rc = feed_price(r, &p);
		run_crash_point("applied");
		if (rc == PAPER_ETIME) {
			r->stale++; /* already seen: a re-read or replaced file */
		} else if (bad_value(rc)) {
			fprintf(stderr, "paper run: %s:%llu: %s (skipped)\n", r->feed.name,
				(unsigned long long)p.line, paper_last_error());
			r->bad++;
		} else if (rc != PAPER_OK) {
			return cli_fail("run", cli_exit_code(rc), "%s:%llu: %s", r->feed.name,
					(unsigned long long)p.line, paper_last_error());
		} else {
			r->prices++;
			*moved = true;
		}
		run_log_activity(r);
	}
	if (r->prices > before)
		log_prices(r, r->prices - before);
	if (r->feed.closed && !r->feed_closed_logged) {
		run_log(r, "INFO", "standard input is closed: no more prices, stopping");
		r->feed_closed_logged = true;
	}
	return EXIT_OK;
}

/* Live feeds: prices also arrive between cycles (cmd_run.c applies them as they come). */
static int live_prices(run_ctx *r, bool *moved)
{
	int code = run_feed_prices(r, moved);
	*moved = r->live_prices > r->live_logged;
	if (*moved)
		log_prices(r, r->live_prices - r->live_logged);
	r->live_logged = r->live_prices;
	return code;
}

/*
 * Live, time passes without data: an option that expires at the close is settled then, from
 * the underlying's last price, not at its own next price, which never comes. A host clock
 * behind the account's (a venue's times ahead of ours) settles nothing until it catches up.
 */
static int settle_expired(run_ctx *r)
{
	paper_account_info a = PAPER_ACCOUNT_INFO_INIT;
	paper_ts now = cli_wall_clock();
	int rc = paper_broker_account(r->acct.b, &a);
	if (rc == PAPER_OK && now > a.ts)
		rc = paper_broker_settle_expired(r->acct.b, now);
	if (rc != PAPER_OK)
		return cli_fail("run", cli_exit_code(rc), "expiry: %s", paper_last_error());
	return EXIT_OK;
}

int run_cycle(run_ctx *r)
{
	bool moved = false;
	r->cycles++;
	int code = r->live ? live_prices(r, &moved) : prices(r, &moved);
	if (code == EXIT_OK && r->live)
		code = settle_expired(r);
	run_crash_point("prices");
	/*
	 * Positions whose latest data has not been evaluated yet (e.g. the first after a start).
	 * Not with live feeds: the latest data of a symbol may be old by now (a mark from the
	 * ledger, a feed that went quiet), and an exit must not fill on it; each live price is
	 * evaluated as it comes.
	 */
	int rc = code == EXIT_OK && !r->live ? paper_session_check_exits(r->s, 0, NULL, NULL, 0)
					     : PAPER_OK;
	if (rc != PAPER_OK)
		code = cli_fail("run", cli_exit_code(rc), "exits: %s", paper_last_error());
	run_log_activity(r);
	run_crash_point("exits");
	if (code == EXIT_OK)
		code = run_decisions(r);
	run_log_activity(r);
	run_crash_point("decisions");
	if (code == EXIT_OK && moved && (rc = paper_broker_snapshot(r->acct.b)) != PAPER_OK)
		code = cli_fail("run", cli_exit_code(rc), "snapshot: %s", paper_last_error());
	run_crash_point("snapshot");
	if (code == EXIT_OK && r->live)
		code = run_feed_health(r, false);
	if (code == EXIT_OK)
		code = run_state_save(r);
	run_crash_point("saved");
	return code;
}
