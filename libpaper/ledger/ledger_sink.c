/*
 * Brokers writing through a ledger. The sink turns each event into a self-contained record
 * before the broker applies it, and commits records in groups: one per event (PAPER_DURABLE)
 * or every batch_events events / batch_ms milliseconds (PAPER_BATCHED). Records wait in
 * memory rather than in an open transaction, so a ledger never holds the database's write lock
 * between commits and brokers in other processes are never kept waiting by an idle one.
 *
 * A failed group commit loses records whose events the brokers have already applied; those
 * brokers are failed (paper__broker_fail) so nothing more happens on a state the disk lacks.
 */
#include "ledger/ledger.h"

#include <string.h>
#include <time.h>

#include "base/error.h"
#include "base/fixed.h"
#include "market/account.h"
#include "market/broker_store.h"
#include "market/orders.h"

int64_t ledger_monotonic_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

paper_ts ledger_wall_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (paper_ts)ts.tv_sec * PAPER_TS_PER_SECOND + ts.tv_nsec / 1000;
}

/* ---- events to records ---- */

static void set_symbol(store_rec *r, const paper_broker *b, uint32_t sym)
{
	const char *name = paper__broker_symbol_name(b, sym);
	g_strlcpy(r->symbol, name ? name : "", sizeof r->symbol);
}

/* The open order an event is about; the broker checked it exists before recording. */
static int open_order(const paper_broker *b, const event *ev, const order **out)
{
	*out = orders_find_open(b, ev->order_id);
	if (*out == NULL)
		return paper__error(PAPER_ESTATE, "%s event for order %" G_GUINT64_FORMAT
				    " which is not open", paper_event_type_str((paper_event_type)ev->type),
				    ev->order_id);
	return PAPER_OK;
}

/* Cancel, expiry, fill-time rejection, trigger, replace: the order row after the event. */
static int order_change(const paper_broker *b, const event *ev, store_rec *r)
{
	const order *o;
	int rc = open_order(b, ev, &o);
	if (rc != PAPER_OK)
		return rc;
	r->ord = *o;
	r->ord.updated = ev->ts;
	set_symbol(r, b, o->sym);
	if (ev->type == PAPER_EVENT_ORDER_REPLACED) {
		r->qty = r->ord.qty = ev->qty;
		r->limit = r->ord.limit = ev->limit;
		r->stop = r->ord.stop = ev->stop;
	} else if (ev->type == PAPER_EVENT_ORDER_TRIGGERED) {
		r->ord.triggered = true;
	} else {
		r->ord.status = ev->status;
		r->ord.reason = ev->reason;
	}
	return PAPER_OK;
}

/* The fill, the order row after it and the round trip it closes, as the broker will apply. */
static int fill_record(const paper_broker *b, const event *ev, store_rec *r)
{
	const order *o;
	int rc = open_order(b, ev, &o);
	if (rc != PAPER_OK)
		return rc;
	fill_effect planned;
	const fill_effect *e = ev->effect;
	if (e == NULL) {
		rc = account_plan_fill(b, o, &ev->f, 0, &planned);
		if (rc != PAPER_OK)
			return rc;
		e = &planned;
	}
	r->f = ev->f;
	r->ord = *o;
	r->ord.filled += ev->f.qty;
	r->ord.fill_notional = e->order_notional;
	r->ord.fees = e->order_fees;
	r->ord.updated = ev->f.ts;
	r->ord.status = r->ord.filled == r->ord.qty ? PAPER_STATUS_FILLED
						    : PAPER_STATUS_PARTIALLY_FILLED;
	r->realized = e->realized_delta;
	r->has_trade = e->closed;
	if (e->closed)
		r->trade = e->trade;
	if (e->pos.qty != 0)
		r->pos = e->pos;
	r->after.cash = e->cash;
	r->after.realized = e->realized;
	r->after.fees = e->fees;
	r->after.fills = b->n_fills + 1;
	r->after.trades = b->n_trades + e->closed;
	set_symbol(r, b, ev->f.sym);
	return PAPER_OK;
}

static void order_record(const paper_broker *b, const event *ev, store_rec *r)
{
	r->has_order = true;
	r->ord = *ev->ord;
	if (ev->ord->sym < b->n_syms)
		set_symbol(r, b, ev->ord->sym);
	else /* a rejection for a symbol the broker never saw */
		g_strlcpy(r->symbol, ev->sym_name ? ev->sym_name : "", sizeof r->symbol);
}

int ledger_record(int64_t account, uint64_t seq, const paper_broker *b, const event *ev,
		  store_rec *r)
{
	memset(r, 0, sizeof *r);
	r->account = account;
	r->seq = seq;
	/* The account as it stands; a fill or a restore sets what changes. */
	r->after.cash = b->cash;
	r->after.realized = b->realized;
	r->after.fees = b->fees;
	r->after.fills = b->n_fills;
	r->after.trades = b->n_trades;
	r->type = ev->type;
	r->status = ev->status;
	r->reason = ev->reason;
	r->halt_kind = ev->halt_kind;
	r->day_start = ev->day_start;
	r->ts = ev->ts;
	r->order_id = ev->order_id;
	switch (ev->type) {
	case PAPER_EVENT_ORDER_ACCEPTED:
		order_record(b, ev, r);
		return PAPER_OK;
	case PAPER_EVENT_ORDER_REJECTED:
		if (ev->order_id)
			return order_change(b, ev, r);
		order_record(b, ev, r);
		return PAPER_OK;
	case PAPER_EVENT_FILL:
		return fill_record(b, ev, r);
	case PAPER_EVENT_SNAPSHOT:
		r->equity = ev->equity;
		r->cash = b->cash;
		r->value = ev->equity - b->cash;
		return PAPER_OK;
	case PAPER_EVENT_HALT:
		return PAPER_OK;
	case PAPER_EVENT_ACCOUNT_RESTORED:
		r->after.cash = r->cash = ev->cash;
		r->after.realized = r->realized = ev->realized;
		r->after.fees = r->fees = ev->fees;
		return PAPER_OK;
	case PAPER_EVENT_POSITION_RESTORED:
		r->pos = *ev->pos;
		set_symbol(r, b, ev->sym);
		return PAPER_OK;
	default:
		return order_change(b, ev, r);
	}
}

/*
 * The marks the log cannot rebuild, taken with every snapshot and when a broker closes. A later
 * set of one account replaces an earlier one of the same batch: each set is complete.
 */
static void saved_grow(attachment *a, const paper_broker *b)
{
	if (a->n_saved >= b->n_syms)
		return;
	a->saved = g_renew(struct saved_mark, a->saved, b->n_syms);
	for (uint32_t i = a->n_saved; i < b->n_syms; i++)
		a->saved[i] = (struct saved_mark){ INT64_MIN, 0 };
	a->n_saved = b->n_syms;
}

/* Queue symbol i's mark if all or if it changed since last queued. */
static void queue_mark(paper_ledger *l, attachment *a, const paper_broker *b, uint32_t i, bool all)
{
	const instrument *s = &b->syms[i];
	if (!s->has_data || s->mark <= 0 ||
	    (!all && a->saved[i].ts == s->mark_ts && a->saved[i].price == s->mark))
		return;
	store_mark mk = { .account = a->account, .price = s->mark, .ts = s->mark_ts };
	g_strlcpy(mk.symbol, s->name, sizeof mk.symbol);
	g_array_append_val(l->marks, mk);
	a->saved[i] = (struct saved_mark){ s->mark_ts, s->mark };
}

static void queue_marks(paper_ledger *l, attachment *a, const paper_broker *b)
{
	GArray *m = l->marks;
	guint kept = 0;
	for (guint i = 0; i < m->len; i++)
		if (g_array_index(m, store_mark, i).account != a->account)
			g_array_index(m, store_mark, kept++) = g_array_index(m, store_mark, i);
	g_array_set_size(m, kept);
	saved_grow(a, b);
	for (uint32_t i = 0; i < b->n_syms; i++)
		queue_mark(l, a, b, i, true);
}

/*
 * A bookmark says how far a driver has fed its broker; the prices fed that caused no event
 * live only in the marks, so a commit that stores an account's bookmark stores the marks that
 * changed since last stored too (ledger_bookmark.c). A later queued mark of a symbol overwrites
 * an earlier one when written.
 */
static void queue_bookmarked_marks(paper_ledger *l)
{
	for (guint i = 0; i < l->attached->len; i++) {
		attachment *a = g_ptr_array_index(l->attached, i);
		bool marked = false;
		for (guint k = 0; k < l->bookmarks->len && !marked; k++)
			marked = g_array_index(l->bookmarks, store_bookmark, k).account == a->account;
		if (!marked || a->b->failed)
			continue;
		saved_grow(a, a->b);
		for (uint32_t s = 0; s < a->b->n_syms; s++)
			queue_mark(l, a, a->b, s, false);
	}
}

/* ---- group commit ---- */

static bool touches_order(const store_rec *r)
{
	return r->order_id != 0 && r->type != PAPER_EVENT_SNAPSHOT && r->type != PAPER_EVENT_HALT &&
	       r->type != PAPER_EVENT_ACCOUNT_RESTORED && r->type != PAPER_EVENT_POSITION_RESTORED;
}

static bool moves_position(const store_rec *r)
{
	return r->type == PAPER_EVENT_FILL || r->type == PAPER_EVENT_POSITION_RESTORED;
}

store_writes ledger_writes_one(const store_rec *r)
{
	store_writes w = { STORE_ORDER_NONE, 0, true, moves_position(r) };
	if (touches_order(r)) {
		w.order = r->type == PAPER_EVENT_ORDER_ACCEPTED ? STORE_ORDER_INSERT
								 : STORE_ORDER_UPDATE;
		w.accepted_seq = r->seq;
	}
	return w;
}

/* Which records write an order's row: only the last one of the batch to touch the order. */
typedef struct touch {
	gint64 key;      /* first: g_int64_hash reads it through the struct pointer */
	guint last;      /* index of the last record touching the order */
	bool accepted;   /* the order was accepted in this batch: its row is new */
	uint64_t accepted_seq;
} touch;

static void plan_orders(const GArray *batch, store_writes *w)
{
	GHashTable *h = g_hash_table_new(g_int64_hash, g_int64_equal);
	touch *slots = g_new(touch, batch->len);
	for (guint i = 0; i < batch->len; i++) {
		const store_rec *r = &g_array_index(batch, store_rec, i);
		if (!touches_order(r))
			continue;
		gint64 key = r->account << 40 | (gint64)r->order_id;
		touch *t = g_hash_table_lookup(h, &key);
		if (t == NULL) {
			t = &slots[i];
			*t = (touch){ .key = key };
			g_hash_table_insert(h, t, t);
		}
		t->last = i;
		if (r->type == PAPER_EVENT_ORDER_ACCEPTED) {
			t->accepted = true;
			t->accepted_seq = r->seq;
		}
	}
	GHashTableIter it;
	gpointer value;
	g_hash_table_iter_init(&it, h);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		const touch *t = value;
		w[t->last].order = t->accepted ? STORE_ORDER_INSERT : STORE_ORDER_UPDATE;
		w[t->last].accepted_seq = t->accepted_seq;
	}
	g_hash_table_unref(h);
	g_free(slots);
}

/* Records as keys of their account and symbol: the position a record moves. */
static guint position_hash(gconstpointer p)
{
	const store_rec *r = p;
	return g_str_hash(r->symbol) ^ (guint)r->account;
}

static gboolean position_equal(gconstpointer a, gconstpointer b)
{
	const store_rec *x = a, *y = b;
	return x->account == y->account && strcmp(x->symbol, y->symbol) == 0;
}

/* An account's row and a position's row: written by the last record of the batch that
 * changes them, found walking back. */
static void plan_states(const GArray *batch, store_writes *w)
{
	GHashTable *accounts = g_hash_table_new(g_int64_hash, g_int64_equal);
	GHashTable *positions = g_hash_table_new(position_hash, position_equal);
	for (guint i = batch->len; i-- > 0;) {
		const store_rec *r = &g_array_index(batch, store_rec, i);
		w[i].account = g_hash_table_add(accounts, (gpointer)&r->account);
		w[i].position = moves_position(r) && g_hash_table_add(positions, (gpointer)r);
	}
	g_hash_table_unref(accounts);
	g_hash_table_unref(positions);
}

static int write_records(paper_ledger *l)
{
	const GArray *batch = l->batch;
	int rc = PAPER_OK;

	if (batch->len == 1) { /* every durable commit: no planning needed */
		const store_rec *r = &g_array_index(batch, store_rec, 0);
		store_writes w = ledger_writes_one(r);
		return l->ops->append(l->st, r, &w);
	}
	store_writes *w = g_new0(store_writes, batch->len);
	plan_orders(batch, w);
	plan_states(batch, w);
	for (guint i = 0; i < batch->len && rc == PAPER_OK; i++)
		rc = l->ops->append(l->st, &g_array_index(batch, store_rec, i), &w[i]);
	g_free(w);
	return rc;
}

/* Prices and feed health (ledger_prices.c) wait with the batch and go in its transaction. */
bool ledger_extras_pending(const paper_ledger *l)
{
	return l->marks->len || l->bookmarks->len || l->prices->len || l->health->len;
}

int ledger_write_extras(paper_ledger *l)
{
	int rc = PAPER_OK;
	for (guint i = 0; i < l->prices->len && rc == PAPER_OK; i++)
		rc = l->ops->put_price(l->st, &g_array_index(l->prices, store_price, i));
	for (guint i = 0; i < l->health->len && rc == PAPER_OK; i++)
		rc = l->ops->put_feed_health(l->st, &g_array_index(l->health, store_feed_health, i));
	return rc;
}

void ledger_clear_extras(paper_ledger *l)
{
	g_array_set_size(l->marks, 0);
	g_array_set_size(l->bookmarks, 0);
	g_array_set_size(l->prices, 0);
	g_array_set_size(l->health, 0);
}

static int write_batch(paper_ledger *l)
{
	int rc = write_records(l);
	for (guint i = 0; i < l->marks->len && rc == PAPER_OK; i++)
		rc = l->ops->put_mark(l->st, &g_array_index(l->marks, store_mark, i));
	for (guint i = 0; i < l->bookmarks->len && rc == PAPER_OK; i++)
		rc = l->ops->put_bookmark(l->st, &g_array_index(l->bookmarks, store_bookmark, i));
	return rc ? rc : ledger_write_extras(l);
}

/* The batch is gone: fail every broker that applied events it held (all but `current`'s own,
 * still unapplied, event). */
static void batch_lost(paper_ledger *l, const attachment *current)
{
	char why[256];
	/* The instruction first: the broker keeps only the message's start. */
	g_snprintf(why, sizeof why, "reopen the account from the ledger: a group commit to '%s' "
		   "failed, so events this broker already applied are not stored (%s)",
		   l->location, paper_last_error());
	for (guint i = 0; i < l->attached->len; i++) {
		attachment *a = g_ptr_array_index(l->attached, i);
		size_t applied = a->pending - (a == current && a->pending ? 1 : 0);
		a->next_seq -= a->pending;
		a->pending = 0;
		if (applied > 0)
			paper__broker_fail(a->b, PAPER_EIO, why);
	}
}

/* The batch and the marks in one transaction; on failure nothing of it is written. */
static int write_and_commit(paper_ledger *l)
{
	int rc = l->ops->begin(l->st, true);
	if (rc == PAPER_OK)
		rc = write_batch(l);
	if (rc == PAPER_OK)
		rc = l->ops->commit(l->st);
	if (rc != PAPER_OK) {
		char msg[1024];
		g_strlcpy(msg, paper_last_error(), sizeof msg);
		l->ops->rollback(l->st);
		paper__error(rc, "%s", msg);
	}
	return rc;
}

/*
 * A commit that failed because the connection to the server was lost may or may not have
 * happened. Find out on a new connection, and write the batch again if it did not: a server
 * restart between two commits costs nothing.
 */
static int after_failure(paper_ledger *l, int rc)
{
	char msg[1024];
	g_strlcpy(msg, paper_last_error(), sizeof msg);
	switch (ledger_recover(l)) {
	case LEDGER_COMMITTED:
		return PAPER_OK;
	case LEDGER_RETRY:
		return write_and_commit(l);
	default:
		return paper__error(rc, "%s", msg);
	}
}

static int commit_batch(paper_ledger *l, const attachment *current)
{
	if (l->batch->len == 0 && !ledger_extras_pending(l))
		return PAPER_OK;
	queue_bookmarked_marks(l);
	int rc = ledger_connect(l);
	if (rc == PAPER_OK && (l->batch->len || ledger_extras_pending(l))) {
		rc = write_and_commit(l);
		if (rc != PAPER_OK && l->ops->reconnect)
			rc = after_failure(l, rc);
	}
	if (rc != PAPER_OK) {
		batch_lost(l, current);
	} else {
		for (guint i = 0; i < l->attached->len; i++)
			((attachment *)g_ptr_array_index(l->attached, i))->pending = 0;
	}
	g_array_set_size(l->batch, 0);
	ledger_clear_extras(l); /* stored, or lost with the events they go with */
	/* Cut off while reconnecting: its event was dropped, the broker must not apply it. */
	if (rc == PAPER_OK && current && current->b->failed)
		rc = paper__error(current->b->failed, "%s", current->b->failed_why);
	return rc;
}

int ledger_commit_batch(paper_ledger *l)
{
	return commit_batch(l, NULL);
}

static bool batch_due(const paper_ledger *l)
{
	if (l->opts.durability == PAPER_DURABLE || l->batch->len >= l->opts.batch_events)
		return true;
	return ledger_monotonic_us() - l->batch_start >= (int64_t)l->opts.batch_ms * 1000;
}

/* ---- the broker's side ---- */

/* A backend that holds text as UTF-8 would fail the commit on other bytes: refuse the event
 * now, before the broker applies it, in either durability mode. */
static int check_text(const paper_ledger *l, const store_rec *r)
{
	const char *const texts[] = { r->ord.client_id, r->ord.strategy, r->ord.signal_id,
				      r->trade.strategy, r->trade.signal_id, r->pos.strategy,
				      r->pos.signal_id };
	for (size_t i = 0; l->ops->utf8_text && i < G_N_ELEMENTS(texts); i++)
		if (!g_utf8_validate(texts[i], -1, NULL))
			return paper__error(PAPER_EINVAL, "ledger '%s' stores text as UTF-8: a client "
					    "id, strategy tag or signal id of this %s event is not",
					    l->location,
					    paper_event_type_str((paper_event_type)r->type));
	return PAPER_OK;
}

static int sink(void *ctx, const paper_broker *b, const event *ev)
{
	attachment *a = ctx;
	paper_ledger *l = a->l;
	guint n = l->batch->len;

	if (n == 0)
		l->batch_start = ledger_monotonic_us();
	g_array_set_size(l->batch, n + 1);
	store_rec *r = &g_array_index(l->batch, store_rec, n);
	int rc = ledger_record(a->account, a->next_seq, b, ev, r);
	if (rc == PAPER_OK)
		rc = check_text(l, r);
	if (rc != PAPER_OK) {
		g_array_set_size(l->batch, n);
		return rc;
	}
	if (ev->type == PAPER_EVENT_SNAPSHOT)
		queue_marks(l, a, b);
	a->next_seq++;
	a->pending++;
	return batch_due(l) ? commit_batch(l, a) : PAPER_OK;
}

static void release(attachment *a)
{
	g_free(a->saved);
	a->l->ops->unlock(a->lock);
	g_ptr_array_remove(a->l->attached, a);
	g_free(a);
}

/* The broker is being freed: its last marks and the batch go to disk, then the account is
 * free for the next broker. */
static void detach(void *ctx, paper_broker *b)
{
	attachment *a = ctx;
	if (!b->failed) {
		queue_marks(a->l, a, b);
		commit_batch(a->l, NULL);
	}
	release(a);
}

void ledger_attach(paper_ledger *l, paper_broker *b, int64_t account, const char *name,
		   uint64_t next_seq, store_lock *lock)
{
	attachment *a = g_new0(attachment, 1);
	a->l = l;
	a->b = b;
	a->account = account;
	g_strlcpy(a->name, name, sizeof a->name);
	a->next_seq = next_seq;
	a->lock = lock;
	g_ptr_array_add(l->attached, a);
	paper__broker_attach(b, sink, detach, a);
}

void ledger_detach_all(paper_ledger *l)
{
	char why[256];
	commit_batch(l, NULL);
	g_snprintf(why, sizeof why, "ledger '%s' was closed before this broker was freed; nothing "
		   "it does is recorded any more", l->location);
	while (l->attached->len) {
		attachment *a = g_ptr_array_index(l->attached, l->attached->len - 1);
		paper__broker_fail(a->b, PAPER_ESTATE, why);
		paper__broker_attach(a->b, NULL, NULL, NULL);
		release(a);
	}
}
