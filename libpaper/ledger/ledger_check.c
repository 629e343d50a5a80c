/*
 * paper_ledger_check(): a ledger read through and through, without writing. The storage first
 * (the backend's full check: SQLite's integrity_check), then each account: its whole log
 * replayed through the broker's own checks (dense sequence numbers, every event possible in the
 * state before it), and the rows derived from the log for SQL tools (order_state) compared with
 * the account rebuilt. Every problem is reported as printable text.
 */
#include "ledger/ledger.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "base/text.h"
#include "market/orders.h"

typedef struct checker {
	paper_check_cb cb;
	void *payload;
	int problems;
} checker;

static void report(checker *c, const char *part, const char *account, const char *problem,
		   uint64_t events)
{
	/* Messages of paper__error() are escaped already; raw storage text is escaped here. */
	char *shown = problem == NULL ? NULL : paper__text_fit(problem) ? g_strdup(problem)
									  : paper__text_shown(problem, SIZE_MAX);
	char *name = paper__text_shown(account, PAPER_TEXT_SHOWN_MAX); /* from the file too */
	paper_check_item it = { .version = PAPER_CHECK_ITEM_VERSION, .part = part,
				.account = name, .ok = problem == NULL, .problem = shown,
				.events = events };
	c->problems += problem != NULL;
	if (c->cb)
		c->cb(&it, c->payload);
	g_free(shown);
	g_free(name);
}

static void storage_problem(void *ctx, const char *problem)
{
	report(ctx, "storage", "", problem, 0);
}

/* ---- one account ---- */

typedef struct account_check {
	const char *name;
	paper_broker *b;
	uint64_t events, open_rows;
	char problem[512];
} account_check;

static const order *known(const paper_broker *b, uint64_t id)
{
	const order *o = orders_find_open(b, id);
	return o ? o : orders_find_closed(b, id);
}

/* An order row against the order the log rebuilt (when the broker still holds it). */
static int order_row(void *ctx, const order *row, const char *symbol)
{
	account_check *c = ctx;
	const order *o = known(c->b, row->id);
	if (o == NULL && row->id < c->b->next_order_id)
		return PAPER_OK; /* closed long ago: the broker keeps the recent ones only */
	if (o == NULL) {
		snprintf(c->problem, sizeof c->problem, "the orders table has order %" PRIu64 " (%s), "
			 "which the event log never accepted", row->id, symbol);
		return PAPER_ECORRUPT;
	}
	if (orders_find_open(c->b, row->id))
		c->open_rows++;
	if (o->status != row->status || o->qty != row->qty || o->filled != row->filled ||
	    o->fill_notional != row->fill_notional || o->fees != row->fees ||
	    o->limit != row->limit || o->stop != row->stop || o->triggered != row->triggered) {
		snprintf(c->problem, sizeof c->problem, "the orders table's row of order %" PRIu64
			 " (status %s, filled %" PRId64 "e-8) differs from the order the event log "
			 "rebuilds (status %s, filled %" PRId64 "e-8)", row->id,
			 paper_order_status_str((paper_order_status)row->status), row->filled,
			 paper_order_status_str((paper_order_status)o->status), o->filled);
		return PAPER_ECORRUPT;
	}
	return PAPER_OK;
}

static int check_tx(paper_ledger *l, void *ctx)
{
	account_check *c = ctx;
	int64_t id = 0;
	int rc = ledger_find_account(l, c->name, &id);
	if (rc == PAPER_OK)
		rc = l->ops->last_seq(l->st, id, &c->events);
	if (rc == PAPER_OK)
		rc = ledger_rebuild(l, id, c->name, &c->b, NULL);
	if (rc == PAPER_OK)
		rc = l->ops->each_order(l->st, id, order_row, c);
	if (rc == PAPER_OK && c->open_rows != c->b->n_open) {
		snprintf(c->problem, sizeof c->problem, "the event log leaves %u orders open; the "
			 "orders table has rows for %" PRIu64 " of them", c->b->n_open, c->open_rows);
		rc = PAPER_ECORRUPT;
	}
	return rc;
}

static void check_account(paper_ledger *l, const char *name, checker *k)
{
	account_check c = { .name = name };
	int rc = ledger_read(l, check_tx, &c);
	if (rc != PAPER_OK && c.problem[0] == '\0')
		g_strlcpy(c.problem, paper_last_error(), sizeof c.problem);
	report(k, "account", name, rc == PAPER_OK ? NULL : c.problem, c.events);
	paper_broker_free(c.b);
}

/* ---- the ledger ---- */

static void check_accounts(paper_ledger *l, checker *k)
{
	size_t n = 0;
	int rc = ledger_connect(l);
	if (rc == PAPER_OK)
		rc = l->ops->account_count(l->st, &n);
	for (size_t i = 0; i < n && rc == PAPER_OK; i++) {
		char name[PAPER_TAG_MAX + 1];
		rc = l->ops->account_name(l->st, i, name, sizeof name);
		if (rc == PAPER_OK)
			check_account(l, name, k);
	}
	if (rc != PAPER_OK)
		report(k, "storage", "", paper_last_error(), 0);
}

PAPER_API int paper_ledger_check(const char *location, paper_check_cb cb, void *payload)
{
	PAPER__CHECK_NULL(location, "location");
	checker k = { cb, payload, 0 };
	paper_ledger *l = NULL;
	int rc = ledger_open_unchecked(&l, location);
	if (rc == PAPER_ECORRUPT) { /* not a ledger, or one its first look finds broken */
		char msg[1024];
		g_strlcpy(msg, paper_last_error(), sizeof msg);
		report(&k, "storage", "", msg, 0);
		return paper__error(rc, "%s", msg);
	}
	if (rc != PAPER_OK)
		return rc;
	if (l->ops->check_storage) {
		int found = k.problems;
		rc = ledger_connect(l);
		if (rc == PAPER_OK)
			l->ops->check_storage(l->st, storage_problem, &k);
		if (rc == PAPER_OK && k.problems == found)
			report(&k, "storage", "", NULL, 0);
	}
	if (rc == PAPER_OK)
		check_accounts(l, &k);
	if (rc == PAPER_OK && k.problems)
		rc = paper__error(PAPER_ECORRUPT, "ledger '%s': %d problem%s found", l->location,
				  k.problems, k.problems == 1 ? "" : "s");
	paper_ledger_close(l);
	return rc;
}
