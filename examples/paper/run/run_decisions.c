/*
 * The decisions inbox (docs/ledger.md): rows any program adds; paper run turns each pending
 * one into a signal for the session, which decides (confidence threshold, one position per
 * symbol, sizing, the broker's limits), and marks the row executed, skipped or rejected, with
 * its outcome. A row is marked after its order is recorded, so a crash in between leaves it
 * pending with an order already placed: run_decisions_recover() finds such orders (an entry,
 * or the exit of a reverse decision) by their signal id ("decision-<id>") and the row is then
 * marked executed instead of acted on twice. A reverse decision that only cancels an entry
 * still waiting places no order: the ledger bookmark "paper-run.reverse", stored with the
 * cancel, names it for the same purpose.
 */
#include "run/run.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* At most this many pending rows per cycle (the oldest first). */
#define BATCH 256
#define REVERSE_BOOKMARK "paper-run.reverse"

static void remember(GHashTable *map, const paper_order_info *o)
{
	if (strncmp(o->signal_id, "decision-", 9) == 0 &&
	    (o->exit_reason == PAPER_EXIT_NONE || o->exit_reason == PAPER_EXIT_REVERSE_SIGNAL))
		g_hash_table_insert(map, g_strdup(o->signal_id), g_memdup2(&o->id, sizeof o->id));
}

/* "DECISION ORDER": the reverse decision whose cancel of a waiting entry may be unmarked. */
static void recover_reverse(run_ctx *r)
{
	char text[PAPER_BOOKMARK_VALUE_MAX + 1];
	int64_t decision = 0;
	uint64_t order = 0;
	paper_order_info o = PAPER_ORDER_INFO_INIT;
	if (paper_ledger_bookmark_get(r->acct.l, r->acct.name, REVERSE_BOOKMARK, text,
				      sizeof text) != PAPER_OK ||
	    sscanf(text, "%" SCNd64 " %" SCNu64, &decision, &order) != 2 ||
	    paper_broker_order(r->acct.b, order, &o) != PAPER_OK ||
	    o.status != PAPER_STATUS_CANCELLED)
		return;
	r->reverse_decision = decision;
	r->reverse_order = order;
}

void run_decisions_recover(run_ctx *r)
{
	const paper_broker *b = r->acct.b;
	recover_reverse(r);
	r->recovered = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	for (size_t i = 0; i < paper_broker_open_order_count(b); i++) {
		paper_order_info o = PAPER_ORDER_INFO_INIT;
		if (paper_broker_open_order_at(b, i, &o) == PAPER_OK)
			remember(r->recovered, &o);
	}
	for (size_t i = 0; i < paper_broker_fill_count(b); i++) {
		paper_fill_info f = PAPER_FILL_INFO_INIT;
		paper_order_info o = PAPER_ORDER_INFO_INIT;
		if (paper_broker_fill_at(b, i, &f) == PAPER_OK &&
		    paper_broker_order(b, f.order_id, &o) == PAPER_OK)
			remember(r->recovered, &o);
	}
}

static const char *dir_text(const paper_decision *d)
{
	return d->side == PAPER_SIDE_BUY ? "LONG" : "SHORT";
}

/* Mark a decision with its outcome; a failure to write the ledger stops the run. */
static int mark(run_ctx *r, const paper_decision *d, paper_decision_status st, uint64_t order_id,
		const char *outcome)
{
	run_crash_point("decision");
	int rc = paper_ledger_decision_mark_outcome(r->acct.l, d->id, st, order_id, outcome);
	run_crash_point("marked");
	if (rc == PAPER_ESTATE) { /* another program marked it meanwhile: its call */
		run_log(r, "INFO", "decision %lld was marked by another program", (long long)d->id);
		return EXIT_OK;
	}
	return rc == PAPER_OK ? EXIT_OK : cli_fail("run", cli_exit_code(rc), "decision %lld: %s",
						    (long long)d->id, paper_last_error());
}

static int skip(run_ctx *r, const paper_decision *d, const char *why)
{
	run_log(r, "SKIP", "%s %s: %s decision %lld", d->symbol, dir_text(d), why, (long long)d->id);
	r->skipped++;
	return mark(r, d, PAPER_DECISION_SKIPPED, 0, why);
}

static int reject(run_ctx *r, const paper_decision *d, const char *why)
{
	run_log(r, "REJECT", "%s %s: %s decision %lld", d->symbol, dir_text(d), why, (long long)d->id);
	r->rejected++;
	if (r->refused_reason == 0)
		return mark(r, d, PAPER_DECISION_REJECTED, 0, why);
	/* The broker refused the order: the inbox keeps the reason's name, grouped and counted
	 * once (PAPER_DECISION_ORDER_REFUSED); the line above has the whole message. */
	char outcome[96];
	snprintf(outcome, sizeof outcome, PAPER_DECISION_ORDER_REFUSED "%s",
		 paper_reject_reason_str((paper_reject_reason)r->refused_reason));
	return mark(r, d, PAPER_DECISION_REJECTED, 0, outcome);
}

/* The broker's refusal of a decision's order, if any, for reject(). */
static void on_event(const paper_event *e, void *payload)
{
	if (e->type == PAPER_EVENT_ORDER_REJECTED)
		((run_ctx *)payload)->refused_reason = e->reason;
}

/*
 * A reverse decision against an entry that has not filled: there is no position to close, so
 * the entry is cancelled and nothing else happens (the decision does not open the opposite
 * position, as with a position). The decision is executed: its order id is the cancelled entry.
 */
static int cancelled_entry(run_ctx *r, const paper_decision *d, uint64_t entry)
{
	char why[160];
	snprintf(why, sizeof why, "reverse_signal: cancelled the waiting entry, order %" PRIu64
		 ", before it filled; no position is opened", entry);
	run_log(r, "CANCEL", "%s %s: %s decision %lld", d->symbol, dir_text(d), why,
		(long long)d->id);
	return mark(r, d, PAPER_DECISION_EXECUTED, entry, why);
}

static int entered(run_ctx *r, const paper_decision *d, paper_verdict v, uint64_t order_id)
{
	paper_order_info o = PAPER_ORDER_INFO_INIT;
	char q[CLI_TEXT_MAX], why[160];
	paper_broker_order(r->acct.b, order_id, &o);
	if (v == PAPER_VERDICT_REVERSE_EXIT) {
		run_log(r, "ORDER", "%s %s %s to close: reverse_signal order %llu decision %lld",
			d->symbol, o.side == PAPER_SIDE_BUY ? "BUY" : "SELL", cli_qty(q, o.qty),
			(unsigned long long)order_id, (long long)d->id);
		snprintf(why, sizeof why, "reverse_signal: order %" PRIu64 " closes the position",
			 order_id);
	} else {
		char sized[96] = "", p[CLI_TEXT_MAX];
		if (d->risk > 0)
			snprintf(sized, sizeof sized, " risk %.2f", d->risk);
		if (d->current_price > 0)
			snprintf(sized + strlen(sized), sizeof sized - strlen(sized), " sized at %s",
				 cli_price(p, d->current_price));
		run_log(r, "ORDER", "%s %s %s conf %.2f%s order %llu decision %lld (fills on the next "
			"%s price)", d->symbol, dir_text(d), cli_qty(q, o.qty), d->confidence, sized,
			(unsigned long long)order_id, (long long)d->id, d->symbol);
		snprintf(why, sizeof why, "entry: order %" PRIu64, order_id);
	}
	r->entries += v == PAPER_VERDICT_TRADE;
	return mark(r, d, PAPER_DECISION_EXECUTED, order_id, why);
}

/* What the session made of the signal, as the decision's status. */
static int verdict_outcome(run_ctx *r, const paper_decision *d, int rc, paper_verdict v,
			   uint64_t order_id, uint64_t waiting)
{
	char why[160];
	switch (v) {
	case PAPER_VERDICT_REVERSE_EXIT:
		if (rc == PAPER_OK && order_id == 0 && waiting)
			return cancelled_entry(r, d, waiting);
		/* fall through */
	case PAPER_VERDICT_TRADE:
		return rc == PAPER_OK ? entered(r, d, v, order_id) : reject(r, d, paper_last_error());
	case PAPER_VERDICT_REJECTED:
		return reject(r, d, paper_last_error());
	case PAPER_VERDICT_SYMBOL_NOT_ALLOWED:
		return reject(r, d, "symbol_not_allowed (limits.allowed_symbols)");
	case PAPER_VERDICT_LOW_CONFIDENCE: {
		double min = 0;
		paper_config *cfg = NULL;
		if (paper_ledger_account_config(r->acct.l, r->acct.name, &cfg) == PAPER_OK)
			paper_config_get_double(cfg, "limits.min_confidence", &min);
		paper_config_free(cfg);
		snprintf(why, sizeof why, "low_confidence (%.2f < limits.min_confidence %.2f)",
			 d->confidence, min);
		return skip(r, d, why);
	}
	case PAPER_VERDICT_SIZE_ZERO:
		return skip(r, d, "size_zero (the entry rounds down to no whole lot of "
			    "session.lot_size: set session.fractional = true and a smaller "
			    "session.lot_size to trade fractions)");
	default:
		return skip(r, d, paper_verdict_str(v));
	}
}

static paper_signal signal_of(const run_ctx *r, const paper_decision *d, const char *id)
{
	/* ts 0: the account's clock: it fills on a price read after this moment */
	paper_signal sig = cli_decision_signal(d, id);
	sig.strategy = r->strategy;
	return sig;
}

/* A decision for a symbol without a price stays pending until one arrives. */
static void wait_for_price(run_ctx *r, const paper_decision *d)
{
	if (g_hash_table_contains(r->waiting, &d->id))
		return;
	g_hash_table_add(r->waiting, g_memdup2(&d->id, sizeof d->id));
	run_log(r, "WAIT", "%s %s: no price for %s yet; pending until one arrives decision %lld",
		d->symbol, dir_text(d), d->symbol, (long long)d->id);
}

/* Live feeds: no order on a symbol whose last price is missing or stale (docs/semantics.md). */
static void wait_for_fresh(run_ctx *r, const paper_decision *d, double age)
{
	if (g_hash_table_contains(r->waiting, &d->id))
		return;
	g_hash_table_add(r->waiting, g_memdup2(&d->id, sizeof d->id));
	if (isinf(age))
		run_log(r, "WAIT", "%s %s: no live price for %s yet; pending until one arrives "
			"decision %lld", d->symbol, dir_text(d), d->symbol, (long long)d->id);
	else
		run_log(r, "WAIT", "%s %s: the last price of %s is %.1f s old (feed.max_staleness_s "
			"%.1f); pending until a fresh one decision %lld", d->symbol, dir_text(d),
			d->symbol, age, (double)r->max_staleness / 1e6, (long long)d->id);
}

/*
 * --max-age: a decision created longer ago than that is stale, and so is one stamped further in
 * the future than that (a clock that far off cannot say how old it is): no created_ts, however
 * extreme, gets past the limit.
 */
static bool stale(const run_ctx *r, const paper_decision *d, char *why, size_t cap)
{
	paper_ts now = cli_wall_clock(), age = 0;
	if (!r->has_max_age)
		return false;
	if (__builtin_sub_overflow(now, d->created_ts, &age) || age > r->max_age) {
		snprintf(why, cap, "stale (created longer ago than --max-age)");
		return true;
	}
	if (age < -r->max_age) {
		snprintf(why, cap, "created_ts is further in the future than --max-age: its age is "
			 "unknown");
		return true;
	}
	return false;
}

/* The session's entry in d's symbol that has not filled, when d is its opposite; else 0. */
static uint64_t waiting_entry(const run_ctx *r, const paper_decision *d)
{
	paper_position_info p = PAPER_POSITION_INFO_INIT;
	if (paper_broker_position(r->acct.b, d->symbol, &p) == PAPER_OK && p.qty != 0)
		return 0;
	for (size_t i = 0; i < paper_broker_open_order_count(r->acct.b); i++) {
		paper_order_info o = PAPER_ORDER_INFO_INIT;
		if (paper_broker_open_order_at(r->acct.b, i, &o) == PAPER_OK &&
		    strcmp(o.symbol, d->symbol) == 0 && o.exit_reason == PAPER_EXIT_NONE &&
		    o.side != d->side)
			return o.id;
	}
	return 0;
}

/* Acted on before a crash, not marked yet: mark it now, never act twice. */
static int recovered(run_ctx *r, const paper_decision *d, const char *id)
{
	char why[160];
	if (r->reverse_decision && d->id == r->reverse_decision) {
		run_log(r, "INFO", "decision %lld cancelled its waiting entry before a restart "
			"(order %llu)", (long long)d->id, (unsigned long long)r->reverse_order);
		return cancelled_entry(r, d, r->reverse_order);
	}
	const uint64_t *done = g_hash_table_lookup(r->recovered, id);
	if (done == NULL)
		return -1;
	run_log(r, "INFO", "decision %lld was entered before a restart (order %llu): marked "
		"executed", (long long)d->id, (unsigned long long)*done);
	snprintf(why, sizeof why, "order %" PRIu64 " (placed before a restart)", *done);
	return mark(r, d, PAPER_DECISION_EXECUTED, *done, why);
}

/* Keep, with the cancel the session is about to record, which decision cancels which entry. */
static int note_reverse(run_ctx *r, const paper_decision *d, uint64_t waiting)
{
	char text[64];
	snprintf(text, sizeof text, "%lld %" PRIu64, (long long)d->id, waiting);
	int rc = waiting ? paper_ledger_bookmark_set(r->acct.l, r->acct.name, REVERSE_BOOKMARK, text)
			 : PAPER_OK;
	return rc == PAPER_OK ? EXIT_OK : cli_fail("run", cli_exit_code(rc), "decision %lld: %s",
						   (long long)d->id, paper_last_error());
}

static int one(run_ctx *r, const paper_decision *d)
{
	char id[32], why[160];
	snprintf(id, sizeof id, "decision-%lld", (long long)d->id);
	int code = recovered(r, d, id);
	if (code >= 0)
		return code;
	if (stale(r, d, why, sizeof why))
		return skip(r, d, why);
	paper_signal sig = signal_of(r, d, id);
	paper_verdict v = PAPER_VERDICT_TRADE;
	int rc = paper_session_should_trade(r->s, &sig, &v);
	if (rc != PAPER_OK)
		return reject(r, d, paper_last_error()); /* e.g. targets on the wrong side */
	/* Refused whatever the price: say so now rather than wait for one. */
	if (v != PAPER_VERDICT_TRADE && v != PAPER_VERDICT_POSITION_OPEN)
		return verdict_outcome(r, d, PAPER_OK, v, 0, 0);
	double age = 0;
	if (r->live && run_feed_stale(r, d->symbol, cli_wall_clock(), &age)) {
		wait_for_fresh(r, d, age);
		return EXIT_OK;
	}
	double qty = 0;
	rc = paper_session_size(r->s, &sig, &qty);
	if (rc == PAPER_ENODATA) {
		wait_for_price(r, d);
		return EXIT_OK;
	}
	uint64_t order_id = 0, waiting = waiting_entry(r, d);
	if ((code = note_reverse(r, d, waiting)) != EXIT_OK)
		return code;
	paper_broker_set_event_callback(r->acct.b, on_event, r);
	rc = paper_session_on_signal(r->s, &sig, &v, &order_id);
	paper_broker_set_event_callback(r->acct.b, NULL, NULL);
	/* A state error the broker recorded as a refusal (an expired contract) is the decision's
	 * outcome; any other means the account cannot go on. */
	bool refused = rc == PAPER_ESTATE && r->refused_reason != 0;
	if (rc == PAPER_EIO || (rc == PAPER_ESTATE && !refused) || rc == PAPER_ENOMEM)
		return cli_fail("run", cli_exit_code(rc), "decision %lld: %s", (long long)d->id,
				paper_last_error());
	code = verdict_outcome(r, d, rc, v, order_id, waiting);
	r->refused_reason = 0;
	return code;
}

static int on_unreadable(const paper_decision_record *rec, void *payload)
{
	run_ctx *r = payload;
	/* Still pending: the library marks it as the inbox is read next. */
	if (rec->readable || rec->processed_ts != 0 || rec->decision.id <= r->unreadable_seen)
		return 0;
	r->unreadable_seen = rec->decision.id;
	r->rejected++;
	run_log(r, "REJECT", "%s: %s decision %lld", rec->decision.symbol, rec->outcome,
		(long long)rec->decision.id);
	return 0;
}

/*
 * Rows no reader can take are marked rejected by the library as it reads the inbox: each is
 * a refusal like the others, so it gets its line and its count first.
 */
static int read_pending(run_ctx *r, paper_decision *ds, size_t *n)
{
	paper_decision_filter f = PAPER_DECISION_FILTER_INIT;
	f.status = PAPER_DECISION_REJECTED;
	int rc = paper_ledger_each_decision(r->acct.l, r->acct.name, &f, on_unreadable, r);
	return rc ? rc : paper_ledger_decisions_pending(r->acct.l, r->acct.name, ds, BATCH, n);
}

int run_decisions(run_ctx *r)
{
	paper_decision *ds = g_new(paper_decision, BATCH);
	size_t n = 0;
	for (size_t i = 0; i < BATCH; i++)
		ds[i] = (paper_decision)PAPER_DECISION_INIT;
	int rc = read_pending(r, ds, &n);
	int code = rc == PAPER_OK ? EXIT_OK
		   : cli_fail("run", cli_exit_code(rc), "decisions: %s", paper_last_error());
	for (size_t i = 0; i < n && code == EXIT_OK; i++)
		code = one(r, &ds[i]);
	g_free(ds);
	return code;
}
