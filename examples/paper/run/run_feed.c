/*
 * paper run --feed: live prices from venues (cli/cli_venue.c opens them) into the account.
 *
 * Each message is one price the account may act on: a quote or a trade as one price (the last
 * trade when the venue says, else the mid) through paper_session_check_exits(), exactly as a
 * --prices quote line; a closed bar through paper_session_on_bar(), as a --prices bar line. A
 * symbol that has had quotes or trades takes no bars (a bar is stamped with its open, older
 * than the ticks already applied). Every price is recorded in the ledger first (with the fills
 * it causes, in one transaction), so the session can be replayed from the ledger bit for bit.
 *
 * No fill on a stale price (docs/semantics.md): a price whose venue time (a bar's close) is
 * older than feed.max_staleness_s by the local clock when it reaches the account is recorded,
 * flagged stale, and not given to the broker; a decision for a symbol without a fresh price
 * waits (run_decisions.c). The broker only ever fills when data arrives, so no order fills on
 * anything but a fresh price.
 */
#include "run/run.h"

#include <math.h>
#include <string.h>

typedef struct run_symbol {
	paper_ts as_of;     /* venue time of the last price applied (a bar's close); 0 none */
	bool ticks;         /* quotes or trades were applied: bars are not */
	bool stale_said;    /* a STALE line was printed for the current run of stale prices */
} run_symbol;

int run_feed_open(run_ctx *r)
{
	paper_config *cfg = NULL;
	double max_s = 30;
	int rc = paper_ledger_account_config(r->acct.l, r->acct.name, &cfg);
	if (rc == PAPER_OK)
		rc = paper_config_get_double(cfg, "feed.max_staleness_s", &max_s);
	paper_config_free(cfg);
	if (rc != PAPER_OK)
		return cli_lib_fail("run", rc, "feed.max_staleness_s");
	r->max_staleness = (paper_ts)llround(max_s * 1e6);
	r->fresh = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	int code = cli_venues_open(&r->venues, "run");
	for (int i = 0; i < r->venues.n && code == EXIT_OK; i++) {
		paper_feed_health_info h = PAPER_FEED_HEALTH_INFO_INIT;
		paper_feed_health(r->venues.feed[i], &h);
		g_strlcpy(r->feed_source[i], h.source, sizeof r->feed_source[i]);
	}
	return code;
}

void run_feed_close(run_ctx *r)
{
	cli_venues_close(&r->venues);
	if (r->fresh)
		g_hash_table_unref(r->fresh);
	r->fresh = NULL;
}

static run_symbol *symbol_state(run_ctx *r, const char *symbol)
{
	run_symbol *e = g_hash_table_lookup(r->fresh, symbol);
	if (e == NULL) {
		e = g_new0(run_symbol, 1);
		g_hash_table_insert(r->fresh, g_strdup(symbol), e);
	}
	return e;
}

static double one_price(const paper_feed_msg *m)
{
	if (m->type == PAPER_FEED_BAR)
		return m->close;
	return m->last > 0 ? m->last : (m->bid + m->ask) / 2;
}

static int record(run_ctx *r, int i, const paper_feed_msg *m, paper_ts now, bool stale)
{
	paper_price_record p = PAPER_PRICE_RECORD_INIT;
	p.kind = (paper_price_kind)m->type;
	g_strlcpy(p.symbol, m->symbol, sizeof p.symbol);
	g_strlcpy(p.source, r->feed_source[i], sizeof p.source);
	p.ts = m->ts;
	p.recv_ts = m->recv_ts;
	p.applied_ts = now;
	if (m->type == PAPER_FEED_BAR) {
		p.open = m->open, p.high = m->high, p.low = m->low, p.close = m->close;
		p.volume = m->volume;
		p.interval = m->interval;
	} else {
		p.price = one_price(m);
		p.bid = m->bid, p.ask = m->ask;
		p.volume = m->type == PAPER_FEED_TRADE ? m->size : 0;
	}
	p.flags = ((m->flags & PAPER_FEED_FLAG_BACKFILL) ? PAPER_PRICE_FLAG_BACKFILL : 0) |
		  ((m->flags & PAPER_FEED_FLAG_RECV_TIME) ? PAPER_PRICE_FLAG_RECV_TIME : 0) |
		  (stale ? PAPER_PRICE_FLAG_STALE : 0);
	int rc = paper_ledger_record_price(r->acct.l, r->acct.name, &p);
	return rc == PAPER_OK ? EXIT_OK : cli_fail("run", cli_exit_code(rc), "recording a price: %s",
						   paper_last_error());
}

static void said_stale(run_ctx *r, run_symbol *e, const paper_feed_msg *m, double age_s)
{
	if (e->stale_said)
		return;
	e->stale_said = true;
	run_log(r, "STALE", "%s price of %.1f s ago not used (feed.max_staleness_s %.1f): orders "
		"wait for a fresh one", m->symbol, age_s, (double)r->max_staleness / 1e6);
}

/* A value the broker refuses is skipped and said; anything else stops the run. */
static int applied(run_ctx *r, int rc, const paper_feed_msg *m, run_symbol *e, paper_ts as_of,
		   bool *moved)
{
	if (rc == PAPER_OK) {
		r->live_prices++;
		e->as_of = as_of;
		*moved = true;
		return EXIT_OK;
	}
	if (rc == PAPER_ETIME || rc == PAPER_EPRICE || rc == PAPER_EQTY || rc == PAPER_EINVAL) {
		r->live_refused++; /* e.g. a tick older than the symbol's last bar */
		fprintf(stderr, "paper run: %s %s: %s (skipped)\n", paper_feed_msg_type_str(m->type),
			m->symbol, paper_last_error());
		return EXIT_OK;
	}
	return cli_fail("run", cli_exit_code(rc), "%s: %s", m->symbol, paper_last_error());
}

static int apply(run_ctx *r, int i, const paper_feed_msg *m, bool *moved)
{
	if (m->type == PAPER_FEED_STATUS) {
		run_log(r, "FEED", "%s %s: %s", r->venues.source[i], paper_feed_state_str(m->state),
			m->text);
		return EXIT_OK;
	}
	run_symbol *e = symbol_state(r, m->symbol);
	if (m->type == PAPER_FEED_BAR && e->ticks) {
		r->live_skipped_bars++;
		return EXIT_OK;
	}
	e->ticks |= m->type != PAPER_FEED_BAR;
	paper_ts now = cli_wall_clock();
	paper_ts as_of = m->type == PAPER_FEED_BAR ? m->ts + m->interval : m->ts;
	bool stale = now - as_of > r->max_staleness;
	int code = record(r, i, m, now, stale);
	if (code != EXIT_OK)
		return code;
	if (stale) {
		r->live_stale++;
		said_stale(r, e, m, (double)(now - as_of) / 1e6);
		return EXIT_OK;
	}
	e->stale_said = false;
	int rc;
	if (m->type == PAPER_FEED_BAR) {
		rc = paper_session_on_bar(r->s, m->symbol, m->ts, m->open, m->high, m->low, m->close,
					  m->volume);
	} else {
		const char *sym = m->symbol;
		double price = one_price(m);
		rc = paper_session_check_exits(r->s, m->ts, &sym, &price, 1);
	}
	code = applied(r, rc, m, e, as_of, moved);
	run_log_activity(r);
	return code;
}

/* Everything feed i has now; false when it has ended (failed). */
static int drain(run_ctx *r, int i, bool *moved, bool *ended)
{
	paper_feed_msg m[256];
	for (size_t k = 0; k < G_N_ELEMENTS(m); k++)
		m[k] = (paper_feed_msg)PAPER_FEED_MSG_INIT;
	int code = EXIT_OK;
	for (;;) {
		size_t n = 0;
		int rc = paper_feed_poll_many(r->venues.feed[i], m, G_N_ELEMENTS(m), &n, 0);
		for (size_t k = 0; k < n && code == EXIT_OK; k++)
			code = apply(r, i, &m[k], moved);
		if (rc == PAPER_ESTATE)
			*ended = true;
		if (code != EXIT_OK || n < G_N_ELEMENTS(m))
			return code;
	}
}

int run_feed_prices(run_ctx *r, bool *moved)
{
	int ended = 0, code = EXIT_OK;
	for (int i = 0; i < r->venues.n && code == EXIT_OK; i++) {
		if (!r->feed_ended[i])
			code = drain(r, i, moved, &r->feed_ended[i]);
		ended += r->feed_ended[i];
	}
	if (code == EXIT_OK && ended == r->venues.n)
		code = cli_fail("run", EXIT_LIBRARY, "every feed has failed (the FEED lines say why)");
	return code;
}

bool run_feed_stale(run_ctx *r, const char *symbol, paper_ts now, double *age_s)
{
	const run_symbol *e = g_hash_table_lookup(r->fresh, symbol);
	*age_s = e && e->as_of ? (double)(now - e->as_of) / 1e6 : INFINITY;
	return e == NULL || e->as_of == 0 || now - e->as_of > r->max_staleness;
}

/* Written every few seconds, and at the end: paper status reads it from another process. */
int run_feed_health(run_ctx *r, bool force)
{
	paper_ts now = cli_wall_clock();
	if (!force && now - r->health_saved < 2 * PAPER_TS_PER_SECOND)
		return EXIT_OK;
	r->health_saved = now;
	for (int i = 0; i < r->venues.n; i++) {
		paper_feed_health_info h = PAPER_FEED_HEALTH_INFO_INIT;
		int rc = paper_feed_health(r->venues.feed[i], &h);
		if (force && r->stopping) { /* the last word: this run's feeds are stopping */
			h.state = PAPER_FEED_STOPPED;
			h.connected = false;
		}
		if (rc == PAPER_OK)
			rc = paper_ledger_set_feed_health(r->acct.l, r->acct.name, &h);
		if (rc != PAPER_OK)
			return cli_fail("run", cli_exit_code(rc), "feed health: %s", paper_last_error());
	}
	int rc = paper_ledger_flush(r->acct.l);
	return rc == PAPER_OK ? EXIT_OK : cli_fail("run", cli_exit_code(rc), "flush: %s",
						   paper_last_error());
}
