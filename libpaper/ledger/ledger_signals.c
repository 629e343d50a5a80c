/*
 * The orders an account placed for a signal id, from its orders table (every order it ever
 * accepted, however long ago: the broker in memory keeps only the recent closed ones). What a
 * program needs to place something once and only once across restarts (paper execute).
 */
#include "ledger/ledger.h"

#include <string.h>

#include "base/error.h"

typedef struct found {
	const char *signal_id;
	uint64_t *ids;
	size_t cap, n;
} found;

static int order_row(void *ctx, const order *o, const char *symbol)
{
	found *f = ctx;
	(void)symbol;
	if (strcmp(o->signal_id, f->signal_id) == 0) {
		if (f->n < f->cap)
			f->ids[f->n] = o->id;
		f->n++;
	}
	return PAPER_OK;
}

PAPER_API int paper_ledger_signal_orders(paper_ledger *l, const char *account,
					 const char *signal_id, uint64_t *ids, size_t cap,
					 size_t *count)
{
	PAPER__CHECK_NULL(l, "ledger");
	PAPER__CHECK_NULL(account, "account");
	PAPER__CHECK_NULL(signal_id, "signal_id");
	PAPER__CHECK_NULL(count, "count");
	if (cap > 0 && ids == NULL)
		return paper__error(PAPER_EINVAL, "ids must not be NULL when cap > 0");
	if (signal_id[0] == '\0' || strlen(signal_id) > PAPER_ID_MAX)
		return paper__error(PAPER_EINVAL, "signal_id must be 1 to %d bytes", PAPER_ID_MAX);
	int64_t id = 0;
	int rc = ledger_connect(l);
	if (rc == PAPER_OK)
		rc = ledger_find_account(l, account, &id);
	found f = { signal_id, ids, cap, 0 };
	if (rc == PAPER_OK)
		rc = l->ops->each_order(l->st, id, order_row, &f);
	*count = rc == PAPER_OK ? f.n : 0;
	return rc;
}
