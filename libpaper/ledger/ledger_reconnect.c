/*
 * A ledger on a database server (PostgreSQL) outlives its connection. When the connection is
 * lost, the call that finds out fails (or, for a group commit, is retried once on a new
 * connection); the next call reconnects. The account locks died with the old connection, and
 * the server may hold less or more of the log than the brokers believe (a commit whose answer
 * never came). So on every new connection each attached broker takes its account back and
 * checks that the log ends where its own committed events end; a broker that cannot is cut
 * off: failed (it refuses changes until reopened), its waiting events dropped.
 */
#include "ledger/ledger.h"

#include <string.h>

#include "base/error.h"
#include "ledger/store_rows.h"
#include "market/broker_store.h"

#define RELOCK_GRACE_MS 1000

/* Drop an account's waiting records, marks and prices from the batch. */
static void drop_records(paper_ledger *l, int64_t account)
{
	guint kept = 0;
	for (guint i = 0; i < l->batch->len; i++)
		if (g_array_index(l->batch, store_rec, i).account != account)
			g_array_index(l->batch, store_rec, kept++) = g_array_index(l->batch, store_rec, i);
	g_array_set_size(l->batch, kept);
	kept = 0;
	for (guint i = 0; i < l->marks->len; i++)
		if (g_array_index(l->marks, store_mark, i).account != account)
			g_array_index(l->marks, store_mark, kept++) = g_array_index(l->marks, store_mark, i);
	g_array_set_size(l->marks, kept);
	kept = 0;
	for (guint i = 0; i < l->prices->len; i++)
		if (g_array_index(l->prices, store_price, i).account != account)
			g_array_index(l->prices, store_price, kept++) =
				g_array_index(l->prices, store_price, i);
	g_array_set_size(l->prices, kept);
}

static void cut_off(paper_ledger *l, attachment *a, int rc)
{
	char why[512];
	/* The instruction first: the broker keeps only the message's start. */
	g_snprintf(why, sizeof why, "free this broker and open the account again: %s",
		   paper_last_error());
	drop_records(l, a->account);
	a->next_seq -= a->pending;
	a->pending = 0;
	paper__broker_fail(a->b, rc, why);
}

typedef struct batch_cmp {
	const paper_ledger *l;
	int64_t account;
	guint next;  /* where in the batch to look for the account's next waiting record */
	bool same;
} batch_cmp;

static const store_rec *next_waiting(batch_cmp *c)
{
	while (c->next < c->l->batch->len) {
		const store_rec *r = &g_array_index(c->l->batch, store_rec, c->next++);
		if (r->account == c->account)
			return r;
	}
	return NULL;
}

static int compare_stored(void *ctx, const store_rec *stored)
{
	batch_cmp *c = ctx;
	const store_rec *mine = next_waiting(c);
	char *x = mine ? store_event_text(mine) : NULL, *y = store_event_text(stored);
	c->same = x && strcmp(x, y) == 0;
	g_free(x);
	g_free(y);
	return c->same ? PAPER_OK : 1; /* stop at the first difference */
}

/*
 * The events the log holds after the broker's committed ones are its waiting records, column
 * for column: that commit happened. Not just as many events: another broker may have driven
 * the account while the connection was gone.
 */
static int batch_written(paper_ledger *l, attachment *a, uint64_t committed, bool *in)
{
	batch_cmp c = { l, a->account, 0, true };
	int rc = l->ops->each_event(l->st, a->account, committed + 1, compare_stored, &c);
	*in = rc == PAPER_OK && c.same;
	return rc == 1 ? PAPER_OK : rc;
}

/*
 * Take the account back and see where its log ends: at the broker's last committed event, or
 * (only when allow_in: a commit's answer was lost) just after its waiting records, which that
 * commit then wrote.
 */
static int check_one(paper_ledger *l, attachment *a, bool allow_in, bool *batch_in)
{
	uint64_t stored = 0, committed = a->next_seq - a->pending - 1;
	/* The server may not have ended the old session, and released its lock, quite yet. */
	int rc = l->ops->relock(a->lock, MAX(l->opts.busy_timeout_ms, RELOCK_GRACE_MS));
	if (rc == PAPER_EBUSY)
		return paper__error(rc, "ledger '%s': account '%s' was taken by another broker while "
				    "the connection to the server was lost", l->location, a->name);
	if (rc == PAPER_OK)
		rc = l->ops->last_seq(l->st, a->account, &stored);
	if (rc == PAPER_OK && allow_in && a->pending > 0 && stored == committed + a->pending)
		rc = batch_written(l, a, committed, batch_in);
	if (rc != PAPER_OK)
		return rc;
	if (stored == committed || *batch_in)
		return PAPER_OK;
	return paper__error(PAPER_EIO, "ledger '%s', account '%s': after reconnecting to the "
			    "server, its log ends at event %" G_GUINT64_FORMAT " but this broker "
			    "committed up to event %" G_GUINT64_FORMAT, l->location, a->name,
			    stored, committed);
}

/* Every live attachment checked on the new connection; counts those with waiting records
 * whose records are already in the log and those whose are not. */
static void reattach(paper_ledger *l, bool allow_in, unsigned *in, unsigned *out)
{
	for (guint i = 0; i < l->attached->len; i++) {
		attachment *a = g_ptr_array_index(l->attached, i);
		bool batch_in = false;
		if (a->b->failed)
			continue;
		int rc = check_one(l, a, allow_in, &batch_in);
		if (rc != PAPER_OK)
			cut_off(l, a, rc);
		else if (a->pending)
			(*(batch_in ? in : out))++;
	}
}

int ledger_connect(paper_ledger *l)
{
	bool again = false;
	unsigned in = 0, out = 0;
	if (l->ops->reconnect == NULL)
		return PAPER_OK;
	int rc = l->ops->reconnect(l->st, &again);
	if (rc == PAPER_OK && again)
		reattach(l, false, &in, &out);
	return rc;
}

bool ledger_reconnected(paper_ledger *l)
{
	bool again = false;
	unsigned in = 0, out = 0;
	if (l->ops->reconnect == NULL || l->ops->reconnect(l->st, &again) != PAPER_OK || !again)
		return false;
	reattach(l, false, &in, &out);
	return true;
}

ledger_outcome ledger_recover(paper_ledger *l)
{
	unsigned in = 0, out = 0;
	bool again = false;
	if (l->ops->reconnect == NULL || l->ops->reconnect(l->st, &again) != PAPER_OK || !again)
		return LEDGER_LOST;
	reattach(l, true, &in, &out);
	if (in && out) {
		/* One transaction cannot be half written: the log is not what anyone expects. */
		for (guint i = 0; i < l->attached->len; i++) {
			attachment *a = g_ptr_array_index(l->attached, i);
			if (a->pending) {
				paper__error(PAPER_EIO, "ledger '%s': after reconnecting, the log holds "
					     "part of a group commit", l->location);
				cut_off(l, a, PAPER_EIO);
			}
		}
		return LEDGER_LOST;
	}
	/* Nothing of it in the log (or only marks, which writing again cannot harm): retry. */
	return in ? LEDGER_COMMITTED : LEDGER_RETRY;
}
