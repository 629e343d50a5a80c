/*
 * What became of an account's decisions: counts by status, the reasons given, and the rows
 * themselves (paper_ledger_each_decision()), read from the inbox with the store's walk over
 * its rows (both backends, no query of their own). A walk reads every row of the account
 * once; the inbox of one account is small beside its log.
 */
#include "ledger/ledger.h"

#include <stdlib.h>
#include <string.h>

#include "base/error.h"

static int count_row(void *ctx, const store_decision *d)
{
	paper_decision_counts *c = ctx;
	switch (d->d.status) {
	case PAPER_DECISION_PENDING:
		c->pending++;
		break;
	case PAPER_DECISION_EXECUTED:
		c->executed++;
		break;
	case PAPER_DECISION_SKIPPED:
		c->skipped++;
		break;
	case PAPER_DECISION_REJECTED:
		c->rejected++;
		break;
	}
	return PAPER_OK;
}

/* The account exists and the store is reachable. */
static int ready(paper_ledger *l, const char *account)
{
	PAPER__CHECK_NULL(l, "ledger");
	PAPER__CHECK_NULL(account, "account");
	int64_t id = 0;
	int rc = ledger_connect(l);
	return rc ? rc : ledger_find_account(l, account, &id);
}

PAPER_API int paper_ledger_decision_counts(paper_ledger *l, const char *account,
					   paper_decision_counts *out)
{
	PAPER__CHECK_NULL(out, "out");
	if (out->version != PAPER_DECISION_COUNTS_VERSION)
		return paper__error(PAPER_EVERSION, "paper_decision_counts version %u unsupported "
				    "(expected %u)", out->version, PAPER_DECISION_COUNTS_VERSION);
	int rc = ready(l, account);
	if (rc != PAPER_OK)
		return rc;
	paper_decision_counts c = PAPER_DECISION_COUNTS_INIT;
	rc = l->ops->each_decision(l->st, account, count_row, &c);
	if (rc == PAPER_OK)
		*out = c;
	return rc;
}

typedef struct outcomes {
	paper_decision_status status;
	GHashTable *counts; /* outcome -> count */
} outcomes;

static int outcome_row(void *ctx, const store_decision *d)
{
	outcomes *o = ctx;
	if (d->d.status != o->status)
		return PAPER_OK;
	gpointer n = g_hash_table_lookup(o->counts, d->outcome);
	g_hash_table_replace(o->counts, g_strdup(d->outcome),
			     GSIZE_TO_POINTER(GPOINTER_TO_SIZE(n) + 1));
	return PAPER_OK;
}

typedef struct counted {
	const char *outcome;
	uint64_t n;
} counted;

static int by_count(const void *a, const void *b)
{
	const counted *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->outcome, y->outcome);
}

PAPER_API int paper_ledger_decision_outcomes(paper_ledger *l, const char *account,
					     paper_decision_status status,
					     paper_decision_outcome_cb cb, void *payload)
{
	PAPER__CHECK_NULL(cb, "cb");
	if (status < PAPER_DECISION_PENDING || status > PAPER_DECISION_REJECTED)
		return paper__error(PAPER_EINVAL, "decision status %d unknown", (int)status);
	int rc = ready(l, account);
	if (rc != PAPER_OK)
		return rc;
	outcomes o = { status, g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL) };
	rc = l->ops->each_decision(l->st, account, outcome_row, &o);
	guint n = g_hash_table_size(o.counts);
	counted *all = g_new(counted, n ? n : 1);
	GHashTableIter it;
	gpointer k, v;
	guint i = 0;
	g_hash_table_iter_init(&it, o.counts);
	while (g_hash_table_iter_next(&it, &k, &v))
		all[i++] = (counted){ k, GPOINTER_TO_SIZE(v) };
	qsort(all, n, sizeof *all, by_count);
	for (i = 0; rc == PAPER_OK && i < n; i++)
		cb(all[i].outcome, all[i].n, payload);
	g_free(all);
	g_hash_table_unref(o.counts);
	return rc;
}

typedef struct listing {
	paper_decision_filter f;
	paper_decision_cb cb;
	void *payload;
	int stopped; /* the callback's non-zero return */
} listing;

static int list_row(void *ctx, const store_decision *d)
{
	listing *w = ctx;
	const paper_decision_filter *f = &w->f;
	if ((f->from && d->d.created_ts < f->from) || (f->to && d->d.created_ts >= f->to) ||
	    (f->status >= 0 && (int)d->d.status != f->status))
		return PAPER_OK;
	paper_decision_record r = { .version = PAPER_DECISION_RECORD_VERSION, .decision = d->d,
				    .processed_ts = d->processed_ts, .outcome = d->outcome,
				    .readable = d->readable };
	int rc = w->cb(&r, w->payload);
	if (rc)
		w->stopped = rc;
	return rc;
}

PAPER_API int paper_ledger_each_decision(paper_ledger *l, const char *account,
					 const paper_decision_filter *filter,
					 paper_decision_cb cb, void *payload)
{
	static const paper_decision_filter all = PAPER_DECISION_FILTER_INIT;
	PAPER__CHECK_NULL(cb, "cb");
	const paper_decision_filter *f = filter ? filter : &all;
	if (f->version != PAPER_DECISION_FILTER_VERSION)
		return paper__error(PAPER_EVERSION, "paper_decision_filter version %u unsupported "
				    "(expected %u)", f->version, PAPER_DECISION_FILTER_VERSION);
	if (f->status < -1 || f->status > PAPER_DECISION_REJECTED)
		return paper__error(PAPER_EINVAL, "decision status %d unknown (-1: every status)",
				    f->status);
	if (f->from < 0 || f->to < 0 || (f->to && f->to < f->from))
		return paper__error(PAPER_EINVAL, "decision filter: from %lld and to %lld are not a "
				    "period (0: unbounded)", (long long)f->from, (long long)f->to);
	int rc = ready(l, account);
	if (rc != PAPER_OK)
		return rc;
	listing w = { *f, cb, payload, 0 };
	rc = l->ops->each_decision(l->st, account, list_row, &w);
	return w.stopped ? w.stopped : rc;
}
