/*
 * Rebuilding a broker from the ledger: the stored config, then every stored event replayed in
 * order through the broker's own checks, then the marks the log does not carry. Events stream
 * from the store one at a time, so memory is the broker's live state and nothing more.
 */
#include "ledger/ledger.h"

#include <string.h>

#include "base/error.h"
#include "base/text.h"
#include "config/config.h"
#include "ledger/location.h"
#include "market/broker_store.h"
#include "market/orders.h"

typedef struct cfg_load {
	paper_config *cfg;
	const char *name;
	const char *location;
} cfg_load;

/* A ledger written before passwords were kept out of it shows none either. */
static int put_key(void *ctx, const char *key, const char *value)
{
	const cfg_load *c = ctx;
	char *text = location_config_text(key, value);
	int rc = paper_config_set(c->cfg, key, text);
	g_free(text);
	if (rc == PAPER_OK)
		return PAPER_OK;
	/* The message quotes the stored key or value, already escaped by paper__error(). */
	char msg[512];
	g_strlcpy(msg, paper_last_error(), sizeof msg);
	return paper__error(rc, "ledger '%s', account '%s': the stored config is refused: %s",
			    c->location, c->name, msg);
}

int ledger_load_config(paper_ledger *l, int64_t account, const char *name, paper_config **out)
{
	cfg_load c = { NULL, name, l->location };
	int rc = paper_config_new(&c.cfg);
	if (rc == PAPER_OK)
		rc = l->ops->each_config(l->st, account, put_key, &c);
	if (rc != PAPER_OK) {
		paper_config_free(c.cfg);
		return rc;
	}
	*out = c.cfg;
	return PAPER_OK;
}

/* ---- records to events ---- */

typedef struct replay {
	paper_ledger *l;
	const char *name;
	paper_broker *b;
	uint64_t seq;      /* of the last event replayed */
	ledger_replay_hook hook;
	void *hook_ctx;
} replay;

static int corrupt(const replay *rp, const store_rec *r, const char *why)
{
	return paper__error(PAPER_ECORRUPT, "ledger '%s', account '%s': event %" G_GUINT64_FORMAT
			    " (%s): %s", rp->l->location, rp->name, r->seq,
			    paper_event_type_str((paper_event_type)r->type), why);
}

static int symbol_of(const replay *rp, const store_rec *r, uint32_t *out)
{
	if (!paper__symbol_valid(r->symbol))
		return corrupt(rp, r, "invalid or missing symbol");
	*out = paper__broker_symbol(rp->b, r->symbol);
	return PAPER_OK;
}

/* ev borrows o and p, which the caller owns. */
static int event_of(const replay *rp, const store_rec *r, event *ev, order *o, position *p)
{
	int rc = PAPER_OK;
	memset(ev, 0, sizeof *ev);
	ev->type = r->type;
	ev->status = r->status;
	ev->reason = r->reason;
	ev->halt_kind = r->halt_kind;
	ev->day_start = r->day_start;
	ev->ts = r->ts;
	ev->order_id = r->order_id;
	if (r->has_order) {
		*o = r->ord;
		ev->ord = o;
		ev->sym_name = r->symbol;
		if (r->type == PAPER_EVENT_ORDER_REJECTED)
			o->sym = UINT32_MAX; /* rejected at submission: never joins the symbols */
		else
			rc = symbol_of(rp, r, &o->sym);
	} else if (r->order_id) {
		ev->ord = orders_find_open(rp->b, r->order_id);
	}
	switch (r->type) {
	case PAPER_EVENT_FILL:
		ev->f = r->f;
		return rc ? rc : symbol_of(rp, r, &ev->f.sym);
	case PAPER_EVENT_ORDER_REPLACED:
		ev->qty = r->qty;
		ev->limit = r->limit;
		ev->stop = r->stop;
		break;
	case PAPER_EVENT_SNAPSHOT:
		ev->equity = r->equity;
		break;
	case PAPER_EVENT_ACCOUNT_RESTORED:
		ev->cash = r->cash;
		ev->realized = r->realized;
		ev->fees = r->fees;
		break;
	case PAPER_EVENT_POSITION_RESTORED:
		*p = r->pos;
		p->index = NO_SLOT;
		ev->pos = p;
		return symbol_of(rp, r, &ev->sym);
	default:
		break;
	}
	return rc;
}

static int replay_one(void *ctx, const store_rec *r)
{
	replay *rp = ctx;
	event ev;
	order o;
	position p;

	/* The seqs are dense: a gap or repeat is a lost or duplicated event. */
	if (r->seq != rp->seq + 1)
		return corrupt(rp, r, "out of sequence: an event is missing or repeated");
	int rc = event_of(rp, r, &ev, &o, &p);
	if (rc == PAPER_OK && rp->hook)
		rc = rp->hook(rp->hook_ctx, rp->b, &ev, r);
	if (rc == PAPER_OK)
		rc = paper__broker_replay(rp->b, &ev);
	if (rc == PAPER_ECORRUPT) {
		char msg[512];
		g_strlcpy(msg, paper_last_error(), sizeof msg);
		return corrupt(rp, r, msg);
	}
	if (rc == PAPER_OK)
		rp->seq = r->seq;
	return rc;
}

static int restore_mark(void *ctx, const store_mark *m)
{
	replay *rp = ctx;
	if (!paper__symbol_valid(m->symbol) || m->price <= 0)
		return paper__error(PAPER_ECORRUPT, "ledger '%s', account '%s': the mark of '%s' is "
				    "invalid", rp->l->location, rp->name, m->symbol);
	int rc = paper__broker_restore_mark(rp->b, paper__broker_symbol(rp->b, m->symbol), m->price,
					    m->ts);
	if (rc != PAPER_OK) {
		char why[512];
		g_strlcpy(why, paper_last_error(), sizeof why);
		rc = paper__error(rc, "ledger '%s', account '%s': %s", rp->l->location, rp->name, why);
	}
	return rc;
}

int ledger_rebuild(paper_ledger *l, int64_t account, const char *name, paper_broker **out,
		   uint64_t *next_seq)
{
	return ledger_rebuild_with(l, account, name, NULL, NULL, out, next_seq);
}

int ledger_rebuild_with(paper_ledger *l, int64_t account, const char *name,
			ledger_replay_hook hook, void *hook_ctx, paper_broker **out,
			uint64_t *next_seq)
{
	paper_config *cfg = NULL;
	replay rp = { l, name, NULL, 0, hook, hook_ctx };
	int rc = ledger_load_config(l, account, name, &cfg);
	if (rc == PAPER_OK)
		rc = paper_broker_new(&rp.b, cfg);
	paper_config_free(cfg);
	if (rc == PAPER_OK)
		rc = l->ops->each_event(l->st, account, 1, replay_one, &rp);
	if (rc == PAPER_OK)
		rc = l->ops->each_mark(l->st, account, restore_mark, &rp);
	if (rc != PAPER_OK) {
		paper_broker_free(rp.b);
		return rc;
	}
	if (next_seq)
		*next_seq = rp.seq + 1;
	*out = rp.b;
	return PAPER_OK;
}

/* ---- transactions around a unit of work ---- */

static int attempt(paper_ledger *l, bool write, int (*fn)(paper_ledger *l, void *ctx), void *ctx)
{
	int rc = l->ops->begin(l->st, write);
	if (rc != PAPER_OK)
		return rc;
	rc = fn(l, ctx);
	if (rc == PAPER_OK)
		rc = l->ops->commit(l->st);
	if (rc != PAPER_OK) {
		/* Keep the message of the failure, not of the rollback. */
		char msg[1024];
		g_strlcpy(msg, paper_last_error(), sizeof msg);
		l->ops->rollback(l->st);
		paper__error(rc, "%s", msg);
	}
	return rc;
}

/*
 * A read that failed because the server's connection was lost is tried once more on a new one;
 * a write is not (its commit may have happened): the next call reconnects.
 */
static int in_transaction(paper_ledger *l, bool write, bool again,
			  int (*fn)(paper_ledger *l, void *ctx), void *ctx)
{
	int rc = ledger_connect(l);
	if (rc == PAPER_OK)
		rc = attempt(l, write, fn, ctx);
	if (rc == PAPER_OK || write || !again || rc == PAPER_ECORRUPT)
		return rc;
	char msg[1024];
	g_strlcpy(msg, paper_last_error(), sizeof msg);
	if (ledger_reconnected(l))
		return attempt(l, write, fn, ctx);
	return paper__error(rc, "%s", msg);
}

int ledger_read(paper_ledger *l, int (*fn)(paper_ledger *l, void *ctx), void *ctx)
{
	return in_transaction(l, false, true, fn, ctx);
}

int ledger_read_once(paper_ledger *l, int (*fn)(paper_ledger *l, void *ctx), void *ctx)
{
	return in_transaction(l, false, false, fn, ctx);
}

int ledger_write(paper_ledger *l, int (*fn)(paper_ledger *l, void *ctx), void *ctx)
{
	return in_transaction(l, true, false, fn, ctx);
}
