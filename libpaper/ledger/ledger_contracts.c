/*
 * Contracts defined through the API (paper_broker_define_instrument()) on a broker that
 * records into a ledger are kept with the account, as [instrument.SYMBOL] keys of its stored
 * config: a reopened account values its positions with the same multiplier, tick and expiry,
 * whether the contract came from the config it was created with or from a call made later.
 */
#include "ledger/ledger.h"

#include <glib.h>

#include "base/error.h"
#include "config/config.h"
#include "market/broker_store.h"

typedef struct define_ctx {
	paper_ledger *l;
	int64_t account;
	const char *symbol;
	paper_config *keys; /* holds only the symbol's section */
} define_ctx;

static int put_key(void *ctx, const char *key, const char *value)
{
	const define_ctx *d = ctx;
	return d->l->ops->put_config(d->l->st, d->account, key, value);
}

/* The symbol's old keys go (a replaced contract may leave a field to its default), then the
 * new ones, in one transaction. */
static int define_tx(paper_ledger *l, void *ctx)
{
	define_ctx *d = ctx;
	int rc = PAPER_OK;
	d->l = l;
	for (int f = 0; f < IF__COUNT && rc == PAPER_OK; f++) {
		char *key = g_strdup_printf("instrument.%s.%s", d->symbol,
					    paper__config_instrument_field(f));
		rc = l->ops->del_config(l->st, d->account, key);
		g_free(key);
	}
	return rc ? rc : paper__config_each_instrument_key(d->keys, put_key, d);
}

static int define_hook(void *ctx, paper_broker *b, const char *symbol,
		       const paper_instrument_spec *spec)
{
	(void)b;
	const attachment *a = ctx;
	paper_ledger *l = a->l;
	/* Attached, so open for writing; the batch first, as the events came first. */
	int rc = ledger_commit_batch(l);
	define_ctx d = { l, a->account, symbol, NULL };
	if (rc == PAPER_OK)
		rc = paper_config_new(&d.keys);
	if (rc == PAPER_OK) {
		paper__config_instrument_define(d.keys, symbol, spec);
		rc = ledger_write(l, define_tx, &d);
	}
	paper_config_free(d.keys);
	return rc;
}

void ledger_keep_contracts(paper_broker *b)
{
	paper__broker_on_define(b, define_hook);
}
