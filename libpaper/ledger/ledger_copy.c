/*
 * Copying accounts between ledgers, whatever their backends (paper migrate): the config, the
 * event log, the marks and the decisions of each account, in one transaction of the destination
 * per account. The log is not copied row by row: each source event is replayed into a scratch
 * broker and recorded anew for the destination the way a live broker's events are, so the
 * destination's query rows (orders, positions, the account) are derived by the same code as
 * everywhere else. Before the transaction commits, the account is rebuilt from what it wrote
 * and compared with the source's rebuild; any difference rolls everything back.
 */
#include "ledger/ledger.h"

#include <inttypes.h>
#include <string.h>

#include "base/error.h"
#include "config/config.h"
#include "market/broker_store.h"

typedef struct copy {
	paper_ledger *from, *to;
	const char *name;
	int64_t src, dst;      /* the account's id in each */
	bool created;          /* the destination account is new */
	store_lock *lock;      /* an existing destination account, held while copying */
	paper_broker *source;  /* rebuilt from the source */
} copy;

/* ---- comparing the two ends ---- */

static bool same_account(paper_broker *a, paper_broker *b)
{
	paper_account_info x = PAPER_ACCOUNT_INFO_INIT, y = PAPER_ACCOUNT_INFO_INIT;
	if (paper_broker_account(a, &x) != PAPER_OK || paper_broker_account(b, &y) != PAPER_OK)
		return false;
	return x.ts == y.ts && x.cash_e8 == y.cash_e8 && x.realized_pnl_e8 == y.realized_pnl_e8 &&
	       x.fees_e8 == y.fees_e8 && x.starting_cash_e8 == y.starting_cash_e8 &&
	       x.equity == y.equity && x.day_start_equity == y.day_start_equity &&
	       x.open_orders == y.open_orders && x.open_positions == y.open_positions &&
	       x.fills == y.fills && x.closed_trades == y.closed_trades &&
	       x.rejections == y.rejections && x.halted == y.halted;
}

/* Each list item alike, field by field (both written in full from the same INIT). */
#define SAME_LIST(count, at, T, INIT)                                                      \
	do {                                                                               \
		if (count(a) != count(b))                                                  \
			return #count;                                                     \
		for (size_t i_ = 0; i_ < count(a); i_++) {                                 \
			T x_ = INIT, y_ = INIT;                                            \
			if (at(a, i_, &x_) || at(b, i_, &y_) || memcmp(&x_, &y_, sizeof x_)) \
				return #at;                                                \
		}                                                                          \
	} while (0)

/* What differs between the two rebuilds, or NULL. */
static const char *difference(paper_broker *a, paper_broker *b)
{
	if (!same_account(a, b))
		return "the account (cash, P&L, fees, counts)";
	SAME_LIST(paper_broker_position_count, paper_broker_position_at, paper_position_info,
		  PAPER_POSITION_INFO_INIT);
	SAME_LIST(paper_broker_open_order_count, paper_broker_open_order_at, paper_order_info,
		  PAPER_ORDER_INFO_INIT);
	SAME_LIST(paper_broker_trade_count, paper_broker_trade_at, paper_trade_info,
		  PAPER_TRADE_INFO_INIT);
	SAME_LIST(paper_broker_fill_count, paper_broker_fill_at, paper_fill_info,
		  PAPER_FILL_INFO_INIT);
	return NULL;
}

/* ---- writing the destination ---- */

static int check_destination(paper_ledger *to, void *ctx);

/* Each source event, recorded for the destination as the scratch broker is about to take it. */
static int copy_event(void *ctx, const paper_broker *b, const event *ev, const store_rec *r)
{
	copy *c = ctx;
	store_rec rec;
	int rc = ledger_record(c->dst, r->seq, b, ev, &rec);
	store_writes w = ledger_writes_one(&rec);
	return rc ? rc : c->to->ops->append(c->to->st, &rec, &w);
}

static int copy_mark(void *ctx, const store_mark *m)
{
	copy *c = ctx;
	store_mark x = *m;
	x.account = c->dst;
	return c->to->ops->put_mark(c->to->st, &x);
}

static int copy_decision(void *ctx, const store_decision *d)
{
	copy *c = ctx;
	return c->to->ops->decision_put(c->to->st, c->name, d);
}

static int compare_ends(paper_ledger *to, void *ctx)
{
	copy *c = ctx;
	paper_broker *rebuilt = NULL;
	int rc = ledger_rebuild(to, c->dst, c->name, &rebuilt, NULL);
	const char *what = rc == PAPER_OK ? difference(c->source, rebuilt) : NULL;
	if (what)
		rc = paper__error(PAPER_ECORRUPT, "copying account '%s' from '%s' to '%s': the copy "
				  "does not rebuild to the source's state (%s differs); nothing was "
				  "copied", c->name, c->from->location, to->location, what);
	paper_broker_free(rebuilt);
	return rc;
}

/* An imported account's log starts with ACCOUNT_RESTORED: a walk stopped at the first event. */
static int first_event(void *ctx, const store_rec *r)
{
	*(const char **)ctx = r->type == PAPER_EVENT_ACCOUNT_RESTORED ? "imported" : "created";
	return 1;
}

static int add_account(paper_ledger *to, copy *c)
{
	const char *origin = "created";
	paper_config *cfg = NULL;
	int rc = c->from->ops->each_event(c->from->st, c->src, 1, first_event, &origin);
	if (rc == 1)
		rc = PAPER_OK;
	if (rc == PAPER_OK)
		rc = ledger_load_config(c->from, c->src, c->name, &cfg);
	if (rc == PAPER_OK)
		rc = ledger_add_account(to, cfg, origin, &c->dst);
	paper_config_free(cfg);
	return rc;
}

/* Inside the destination's write transaction: everything of the account, then the check. */
static int write_copy(paper_ledger *to, void *ctx)
{
	copy *c = ctx;
	paper_ledger *from = c->from;
	int rc = PAPER_OK;
	if (c->created) {
		rc = add_account(to, c);
	} else {
		rc = check_destination(to, c); /* again: no event may have come meanwhile */
	}
	if (rc == PAPER_OK)
		rc = ledger_rebuild_with(from, c->src, c->name, copy_event, c, &c->source, NULL);
	if (rc == PAPER_OK)
		rc = from->ops->each_mark(from->st, c->src, copy_mark, c);
	if (rc == PAPER_OK)
		rc = from->ops->each_decision(from->st, c->name, copy_decision, c);
	return rc ? rc : compare_ends(to, c);
}

static int find_source(paper_ledger *from, void *ctx)
{
	copy *c = ctx;
	return from->ops->find_account(from->st, c->name, &c->src);
}

/* Inside the source's read transaction (one snapshot of it): the destination's write. */
static int read_source(paper_ledger *from, void *ctx)
{
	(void)from;
	return ledger_write(((copy *)ctx)->to, write_copy, ctx);
}

/* ---- refusing to overwrite ---- */

static int same_config(copy *c)
{
	paper_config *x = NULL, *y = NULL;
	char a[512], b[512];
	int rc = ledger_load_config(c->from, c->src, c->name, &x);
	if (rc == PAPER_OK)
		rc = ledger_load_config(c->to, c->dst, c->name, &y);
	for (size_t i = 0; rc == PAPER_OK && i < paper_config_key_count(); i++) {
		paper_config_key_info k = PAPER_CONFIG_KEY_INFO_INIT;
		rc = paper_config_key_info_get(i, &k);
		if (rc == PAPER_OK)
			rc = paper_config_get_string(x, k.name, a, sizeof a, NULL);
		if (rc == PAPER_OK)
			rc = paper_config_get_string(y, k.name, b, sizeof b, NULL);
		if (rc == PAPER_OK && strcmp(a, b) != 0)
			rc = paper__error(PAPER_ESTATE, "ledger '%s' already has an account '%s', with "
					  "%s = %s where '%s' has %s", c->to->location, c->name,
					  k.name, b, c->from->location, a);
	}
	if (rc == PAPER_OK) {
		char *ix = paper__config_instruments_text(x), *iy = paper__config_instruments_text(y);
		if (strcmp(ix, iy) != 0)
			rc = paper__error(PAPER_ESTATE, "ledger '%s' already has an account '%s', with "
					  "other [instrument.X] sections than '%s' has", c->to->location,
					  c->name, c->from->location);
		g_free(ix);
		g_free(iy);
	}
	paper_config_free(x);
	paper_config_free(y);
	return rc;
}

/*
 * The destination account: new, or existing without events and with the same config (as
 * `paper init` on the destination leaves it), taken so no broker drives it meanwhile.
 */
static int check_destination(paper_ledger *to, void *ctx)
{
	copy *c = ctx;
	uint64_t events = 0;
	int rc = to->ops->find_account(to->st, c->name, &c->dst);
	if (rc == PAPER_ENOTFOUND) {
		c->created = true;
		return PAPER_OK;
	}
	if (rc == PAPER_OK)
		rc = to->ops->last_seq(to->st, c->dst, &events);
	if (rc == PAPER_OK && events > 0)
		return paper__error(PAPER_ESTATE, "ledger '%s' already has an account '%s' with %"
				    PRIu64 " events: refusing to overwrite it", to->location,
				    c->name, events);
	return rc;
}

/* Every destination account checked (and an existing one taken) before anything is written. */
static int prepare(copy *c)
{
	int rc = ledger_read(c->from, find_source, c);
	if (rc == PAPER_OK)
		rc = ledger_read(c->to, check_destination, c);
	if (rc == PAPER_OK && !c->created)
		rc = same_config(c);
	if (rc == PAPER_OK && !c->created)
		rc = c->to->ops->lock(c->to->st, c->dst, c->name, c->to->opts.busy_timeout_ms,
				      &c->lock);
	return rc;
}

/* The accounts to copy: the one named, or all of them in creation order. */
static int account_names(paper_ledger *from, const char *account, GPtrArray *out)
{
	if (account) {
		g_ptr_array_add(out, g_strdup(account));
		return PAPER_OK;
	}
	size_t n = paper_ledger_account_count(from);
	for (size_t i = 0; i < n; i++) {
		char name[PAPER_TAG_MAX + 1];
		int rc = paper_ledger_account_name(from, i, name, sizeof name);
		if (rc != PAPER_OK)
			return rc;
		g_ptr_array_add(out, g_strdup(name));
	}
	return PAPER_OK;
}

static int check_ledgers(paper_ledger *from, paper_ledger *to)
{
	PAPER__CHECK_NULL(from, "from");
	PAPER__CHECK_NULL(to, "to");
	if (from == to)
		return paper__error(PAPER_EINVAL, "cannot copy ledger '%s' into itself",
				    from->location);
	if (to->opts.read_only)
		return paper__error(PAPER_ESTATE, "ledger '%s' is open read-only: cannot copy into "
				    "it", to->location);
	int rc = ledger_commit_batch(from);
	return rc ? rc : ledger_commit_batch(to);
}

PAPER_API int paper_ledger_copy(paper_ledger *from, paper_ledger *to, const char *account,
				size_t *copied)
{
	if (copied)
		*copied = 0;
	int rc = check_ledgers(from, to);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	if (rc == PAPER_OK)
		rc = account_names(from, account, names);
	copy *c = g_new0(copy, names->len + 1);
	for (guint i = 0; i < names->len && rc == PAPER_OK; i++) {
		c[i] = (copy){ .from = from, .to = to, .name = g_ptr_array_index(names, i) };
		rc = prepare(&c[i]);
	}
	for (guint i = 0; i < names->len && rc == PAPER_OK; i++) {
		/* Not retried on a new connection: the destination's commit may have happened. */
		rc = ledger_read_once(from, read_source, &c[i]);
		paper_broker_free(c[i].source);
		c[i].source = NULL;
		if (rc == PAPER_OK && copied)
			(*copied)++;
	}
	for (guint i = 0; i < names->len; i++)
		to->ops->unlock(c[i].lock);
	g_free(c);
	g_ptr_array_unref(names);
	return rc;
}
