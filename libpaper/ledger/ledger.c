/*
 * The ledger handle: opening a store, its accounts and their configs, brokers driving an
 * account (one at a time, locked in the store) or rebuilt for reading, and the decisions inbox.
 */
#include "ledger/ledger.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "base/error.h"
#include "base/fixed.h"
#include "base/text.h"
#include "config/config.h"
#include "ledger/location.h"
#include "market/broker_store.h"

#define MAX_BATCH_EVENTS 10000000u

static int check_options(const paper_ledger_options *o)
{
	if (o->version != PAPER_LEDGER_OPTIONS_VERSION)
		return paper__error(PAPER_EVERSION, "paper_ledger_options version %u unsupported "
				    "(expected %u)", o->version, PAPER_LEDGER_OPTIONS_VERSION);
	if (o->durability != PAPER_DURABLE && o->durability != PAPER_BATCHED)
		return paper__error(PAPER_EINVAL, "durability %d is not PAPER_DURABLE or "
				    "PAPER_BATCHED", (int)o->durability);
	if (o->batch_events == 0 || o->batch_events > MAX_BATCH_EVENTS)
		return paper__error(PAPER_EINVAL, "batch_events must be 1..%u (got %u)",
				    MAX_BATCH_EVENTS, o->batch_events);
	return PAPER_OK;
}

/* Which backend a location names (location.h). */
static int pick_backend(const char *location, const char *shown, const store_ops **out)
{
	if (location[0] == '\0')
		return paper__error(PAPER_EINVAL, "ledger location must not be empty");
	/* SQLite's name for a database that lives only in memory: a ledger must outlive the
	 * process, and a file of that name would be made in the current folder. */
	if (strcmp(location, ":memory:") == 0)
		return paper__error(PAPER_EINVAL, "ledger location ':memory:' names no file: a ledger "
				    "must outlive the process (for a throw-away account use a broker "
				    "without a ledger, or a file in a temporary folder; ./:memory: for a "
				    "file of that name)");
	if (!location_is_postgresql(location)) {
		*out = &paper__store_sqlite;
		return PAPER_OK;
	}
#ifdef PAPER_HAVE_PG
	*out = &paper__store_pg;
	return PAPER_OK;
#else
	return paper__error(PAPER_EUNSUPPORTED, "ledger '%s': this build of libpaper has no "
			    "PostgreSQL support (it was built without libpq); use a file path "
			    "(SQLite) or a libpaper built with libpq", shown);
#endif
}

static int open_ledger(paper_ledger **out, const char *location, const paper_ledger_options *opts,
		       bool skip_storage_check)
{
	PAPER__CHECK_NULL(out, "out");
	PAPER__CHECK_NULL(location, "location");
	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
	const store_ops *ops = NULL;
	if (opts)
		o = *opts;
	char *shown = location_redact(location);
	int rc = check_options(&o);
	if (rc == PAPER_OK)
		rc = pick_backend(location, shown, &ops);
	store_open_options so = { .create = o.create, .read_only = o.read_only,
				  .skip_storage_check = skip_storage_check,
				  .durable = o.durability == PAPER_DURABLE,
				  .busy_timeout_ms = o.busy_timeout_ms };
	store *st = NULL;
	if (rc == PAPER_OK)
		rc = ops->open(&st, location, &so);
	if (rc != PAPER_OK) {
		g_free(shown);
		return rc;
	}
	paper_ledger *l = g_new0(paper_ledger, 1);
	l->ops = ops;
	l->st = st;
	l->location = shown;
	l->opts = o;
	l->attached = g_ptr_array_new();
	l->batch = g_array_new(FALSE, FALSE, sizeof(store_rec));
	l->marks = g_array_new(FALSE, FALSE, sizeof(store_mark));
	l->bookmarks = g_array_new(FALSE, FALSE, sizeof(store_bookmark));
	l->prices = g_array_new(FALSE, FALSE, sizeof(store_price));
	l->health = g_array_new(FALSE, FALSE, sizeof(store_feed_health));
	*out = l;
	return PAPER_OK;
}

PAPER_API int paper_ledger_open(paper_ledger **out, const char *location,
				const paper_ledger_options *opts)
{
	return open_ledger(out, location, opts, false);
}

int ledger_open_unchecked(paper_ledger **out, const char *location)
{
	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
	o.create = false;
	o.read_only = true;
	return open_ledger(out, location, &o, true);
}

PAPER_API void paper_ledger_close(paper_ledger *l)
{
	if (l == NULL)
		return;
	ledger_detach_all(l);
	l->ops->close(l->st);
	g_ptr_array_unref(l->attached);
	g_array_unref(l->batch);
	g_array_unref(l->marks);
	g_array_unref(l->bookmarks);
	g_array_unref(l->prices);
	g_array_unref(l->health);
	g_free(l->location);
	g_free(l);
}

PAPER_API int paper_ledger_flush(paper_ledger *l)
{
	PAPER__CHECK_NULL(l, "ledger");
	return ledger_commit_batch(l);
}

int ledger_writable(const paper_ledger *l, const char *what)
{
	if (l->opts.read_only)
		return paper__error(PAPER_ESTATE, "ledger '%s' is open read-only: cannot %s",
				    l->location, what);
	return PAPER_OK;
}

/* ---- accounts ---- */

typedef struct new_account {
	const paper_config *cfg;
	const char *origin;
	int64_t id;
} new_account;

typedef struct put_ctx {
	paper_ledger *l;
	int64_t account;
} put_ctx;

static int put_instrument_key(void *ctx, const char *key, const char *value)
{
	const put_ctx *p = ctx;
	return p->l->ops->put_config(p->l->st, p->account, key, value);
}

/* Every key of the key table, then the [instrument.X] sections: a reopened account trades the
 * same contracts. */
static int store_config(paper_ledger *l, int64_t account, const paper_config *cfg)
{
	int rc = PAPER_OK;
	size_t cap = 256;
	char *buf = g_malloc(cap);
	for (size_t i = 0; i < paper_config_key_count() && rc == PAPER_OK; i++) {
		paper_config_key_info k = PAPER_CONFIG_KEY_INFO_INIT;
		size_t len = 0;
		rc = paper_config_key_info_get(i, &k);
		if (rc == PAPER_OK)
			rc = paper_config_get_string(cfg, k.name, buf, cap, &len);
		if (rc == PAPER_OK && len >= cap) {
			cap = len + 1;
			buf = g_realloc(buf, cap);
			rc = paper_config_get_string(cfg, k.name, buf, cap, &len);
		}
		if (rc == PAPER_OK) {
			/* A ledger may be shared and exported: never a password in it. */
			char *text = location_config_text(k.name, buf);
			rc = l->ops->put_config(l->st, account, k.name, text);
			g_free(text);
		}
	}
	g_free(buf);
	put_ctx p = { l, account };
	if (rc == PAPER_OK)
		rc = paper__config_each_instrument_key(cfg, put_instrument_key, &p);
	return rc;
}

int ledger_add_account(paper_ledger *l, const paper_config *cfg, const char *origin,
		       int64_t *id_out)
{
	char name[PAPER_TAG_MAX + 1];
	int rc = paper_config_get_string(cfg, "account.name", name, sizeof name, NULL);
	if (rc == PAPER_OK)
		rc = l->ops->add_account(l->st, name, origin, ledger_wall_us(), id_out);
	return rc ? rc : store_config(l, *id_out, cfg);
}

static int add_account_tx(paper_ledger *l, void *ctx)
{
	new_account *n = ctx;
	return ledger_add_account(l, n->cfg, n->origin, &n->id);
}

/* A copy of cfg that validates, or the validation's error. */
static int valid_copy(const paper_config *cfg, paper_config **out)
{
	int rc = paper_config_copy(out, cfg);
	if (rc == PAPER_OK && (rc = paper_config_validate(*out)) != PAPER_OK) {
		paper_config_free(*out);
		*out = NULL;
	}
	return rc;
}

PAPER_API int paper_ledger_create_account(paper_ledger *l, const paper_config *cfg)
{
	PAPER__CHECK_NULL(l, "ledger");
	PAPER__CHECK_NULL(cfg, "cfg");
	paper_config *copy = NULL;
	int rc = ledger_writable(l, "create an account");
	if (rc == PAPER_OK)
		rc = valid_copy(cfg, &copy);
	if (rc == PAPER_OK)
		rc = ledger_commit_batch(l);
	new_account n = { copy, "created", 0 };
	if (rc == PAPER_OK)
		rc = ledger_write(l, add_account_tx, &n);
	paper_config_free(copy);
	return rc;
}

/*
 * The public signature promises not to change the ledger; a new connection to its server is
 * not a change anyone can observe.
 */
static int connect_const(const paper_ledger *l)
{
	return ledger_connect((paper_ledger *)l);
}

PAPER_API size_t paper_ledger_account_count(const paper_ledger *l)
{
	size_t n = 0;
	if (l == NULL || connect_const(l) != PAPER_OK || l->ops->account_count(l->st, &n) != PAPER_OK)
		return 0;
	return n;
}

PAPER_API int paper_ledger_account_name(const paper_ledger *l, size_t index, char *buf,
					size_t cap)
{
	PAPER__CHECK_NULL(l, "ledger");
	PAPER__CHECK_NULL(buf, "buf");
	if (cap == 0)
		return paper__error(PAPER_EINVAL, "cap must be > 0");
	int rc = connect_const(l);
	return rc ? rc : l->ops->account_name(l->st, index, buf, cap);
}

/* The account's id, after checking the name's form so messages can quote it safely. */
int ledger_find_account(paper_ledger *l, const char *account, int64_t *id)
{
	PAPER__CHECK_NULL(account, "account");
	if (strlen(account) > PAPER_TAG_MAX || account[0] == '\0')
		return paper__error(PAPER_ENOTFOUND, "ledger '%s' has no account '%.40s'",
				    l->location, account);
	return l->ops->find_account(l->st, account, id);
}

typedef struct config_read {
	const char *name;
	paper_config *cfg;
} config_read;

static int read_config_tx(paper_ledger *l, void *ctx)
{
	config_read *c = ctx;
	int64_t id;
	int rc = ledger_find_account(l, c->name, &id);
	return rc ? rc : ledger_load_config(l, id, c->name, &c->cfg);
}

PAPER_API int paper_ledger_account_config(paper_ledger *l, const char *account,
					  paper_config **out)
{
	PAPER__CHECK_NULL(l, "ledger");
	PAPER__CHECK_NULL(out, "out");
	config_read c = { account, NULL };
	int rc = ledger_commit_batch(l);
	if (rc == PAPER_OK)
		rc = ledger_read(l, read_config_tx, &c);
	if (rc == PAPER_OK)
		*out = c.cfg;
	return rc;
}

/* ---- brokers ---- */

typedef struct rebuild {
	const char *name;
	int64_t id;
	paper_broker *b;
	uint64_t next_seq;
} rebuild;

static int rebuild_tx(paper_ledger *l, void *ctx)
{
	rebuild *r = ctx;
	return ledger_rebuild(l, r->id, r->name, &r->b, &r->next_seq);
}

PAPER_API int paper_ledger_open_broker(paper_ledger *l, const char *account, paper_broker **out)
{
	PAPER__CHECK_NULL(l, "ledger");
	PAPER__CHECK_NULL(out, "out");
	rebuild r = { account, 0, NULL, 0 };
	store_lock *lock = NULL;
	int rc = ledger_writable(l, "drive an account (use paper_ledger_load_broker() to read it)");
	if (rc == PAPER_OK)
		rc = ledger_connect(l);
	if (rc == PAPER_OK)
		rc = ledger_find_account(l, account, &r.id);
	/* Holding nothing yet, a connection found lost can be replaced and the lookup repeated. */
	if (rc == PAPER_EIO && ledger_reconnected(l))
		rc = ledger_find_account(l, account, &r.id);
	/* Lock first: nobody may append to the log between our replay and our first event. */
	if (rc == PAPER_OK)
		rc = l->ops->lock(l->st, r.id, account, l->opts.busy_timeout_ms, &lock);
	if (rc == PAPER_OK)
		rc = ledger_read_once(l, rebuild_tx, &r);
	if (rc != PAPER_OK) {
		l->ops->unlock(lock);
		return rc;
	}
	ledger_attach(l, r.b, r.id, account, r.next_seq, lock);
	ledger_keep_contracts(r.b);
	*out = r.b;
	return PAPER_OK;
}

static int load_tx(paper_ledger *l, void *ctx)
{
	rebuild *r = ctx;
	int rc = ledger_find_account(l, r->name, &r->id);
	return rc ? rc : ledger_rebuild(l, r->id, r->name, &r->b, NULL);
}

PAPER_API int paper_ledger_load_broker(paper_ledger *l, const char *account, paper_broker **out)
{
	PAPER__CHECK_NULL(l, "ledger");
	PAPER__CHECK_NULL(out, "out");
	rebuild r = { account, 0, NULL, 0 };
	/* What this ledger's own brokers wrote is part of the state a reader must see. */
	int rc = ledger_commit_batch(l);
	if (rc == PAPER_OK)
		rc = ledger_read(l, load_tx, &r);
	if (rc == PAPER_OK)
		*out = r.b;
	return rc;
}

/* ---- decisions ---- */

static bool price_ok(double v)
{
	return isfinite(v) && v >= 0.0;
}

/* A version 1 paper_decision is the version 2 one without its last two fields. */
#define DECISION_V1_SIZE offsetof(paper_decision, risk)

static int decision_version(unsigned int version, const char *what)
{
	if (version == 1 || version == PAPER_DECISION_VERSION)
		return PAPER_OK;
	return paper__error(PAPER_EVERSION, "%s version %u unsupported (expected 1 or %u)", what,
			    version, PAPER_DECISION_VERSION);
}

static int check_decision(const paper_decision *d, paper_decision *copy)
{
	PAPER__CHECK_NULL(d, "decision");
	int vrc = decision_version(d->version, "paper_decision");
	if (vrc != PAPER_OK)
		return vrc;
	memset(copy, 0, sizeof *copy);
	memcpy(copy, d, d->version == 1 ? DECISION_V1_SIZE : sizeof *copy);
	copy->version = PAPER_DECISION_VERSION;
	copy->symbol[PAPER_SYMBOL_MAX] = '\0';
	/* Free text cut to fit, as documented (never inside a character); the other fields are
	 * refused when bad. */
	copy->reasoning[sizeof copy->reasoning - 1] = '\0';
	if (strlen(copy->reasoning) == sizeof copy->reasoning - 1)
		paper__text_trim_cut(copy->reasoning);
	if (!paper__symbol_valid(copy->symbol))
		return paper__error(PAPER_EINVAL, "decision symbol '%s' is not a valid symbol",
				    copy->symbol);
	int rc = paper__text_arg("decision reasoning", copy->reasoning);
	if (rc != PAPER_OK)
		return rc;
	if (d->side != PAPER_SIDE_BUY && d->side != PAPER_SIDE_SELL)
		return paper__error(PAPER_EINVAL, "decision side %d is not buy or sell", (int)d->side);
	if (!(d->confidence >= 0.0 && d->confidence <= 1.0))
		return paper__error(PAPER_EINVAL, "decision confidence must be in [0, 1] (got %g)",
				    d->confidence);
	if (!price_ok(d->take_profit) || !price_ok(d->stop_loss))
		return paper__error(PAPER_EPRICE, "decision take_profit %g / stop_loss %g must be "
				    "finite and >= 0 (0 = none)", d->take_profit, d->stop_loss);
	if (!(copy->risk >= 0.0 && copy->risk <= 1.0))
		return paper__error(PAPER_EINVAL, "decision risk must be in [0, 1] (got %g)",
				    copy->risk);
	if (!price_ok(copy->current_price) || copy->current_price > FX_MAX_DOUBLE)
		return paper__error(PAPER_EPRICE, "decision current_price %g must be a price >= 0 "
				    "(0 = none)", copy->current_price);
	if (copy->created_ts == 0)
		copy->created_ts = ledger_wall_us();
	return PAPER_OK;
}

PAPER_API int paper_ledger_decision_add(paper_ledger *l, const char *account,
					const paper_decision *d, int64_t *id_out)
{
	PAPER__CHECK_NULL(l, "ledger");
	paper_decision copy;
	int64_t id;
	int rc = ledger_writable(l, "add a decision");
	if (rc == PAPER_OK)
		rc = check_decision(d, &copy);
	if (rc == PAPER_OK)
		rc = ledger_connect(l);
	if (rc == PAPER_OK)
		rc = ledger_find_account(l, account, &id);
	if (rc == PAPER_OK)
		rc = l->ops->decision_add(l->st, account, &copy, id_out);
	return rc;
}

/*
 * Rows a reader cannot take (a symbol that is not valid: longer than 31 bytes, a NUL, ...; any
 * program may write the inbox) are marked rejected with the reason instead of being returned,
 * so one bad row never stops the ones after it. A read-only ledger skips them.
 */
static int reject_bad(paper_ledger *l, const GArray *bad)
{
	int rc = PAPER_OK;
	for (guint i = 0; i < bad->len && rc == PAPER_OK; i++) {
		const store_bad_decision *d = &g_array_index(bad, store_bad_decision, i);
		rc = l->ops->decision_mark(l->st, d->id, PAPER_DECISION_REJECTED, 0,
					   ledger_wall_us(), d->why);
		if (rc == PAPER_ESTATE) /* marked by another program meanwhile */
			rc = PAPER_OK;
	}
	return rc;
}

static bool has_id(const paper_decision *out, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (out[i].id == id)
			return true;
	return false;
}

/*
 * Rounds of the oldest cap pending rows: the good ones not taken yet join out, the bad ones
 * are rejected, which makes room for the next round. Bounded against a writer adding bad rows
 * as fast as they are rejected.
 */
static int fetch_pending(paper_ledger *l, const char *account, paper_decision *out, size_t cap,
			 size_t *count)
{
	GArray *bad = g_array_new(FALSE, FALSE, sizeof(store_bad_decision));
	paper_decision *round = g_new(paper_decision, cap ? cap : 1);
	int rc = PAPER_OK;
	for (int r = 0; r < 64 && rc == PAPER_OK && *count < cap; r++) {
		size_t n = 0;
		g_array_set_size(bad, 0);
		rc = l->ops->decisions_pending(l->st, account, round, cap, &n, bad);
		for (size_t i = 0; rc == PAPER_OK && i < n && *count < cap; i++)
			if (!has_id(out, *count, round[i].id))
				out[(*count)++] = round[i];
		if (rc != PAPER_OK || bad->len == 0 || l->opts.read_only)
			break;
		rc = reject_bad(l, bad);
	}
	g_free(round);
	g_array_unref(bad);
	return rc;
}

PAPER_API int paper_ledger_decisions_pending(paper_ledger *l, const char *account,
					     paper_decision *out, size_t cap, size_t *count)
{
	PAPER__CHECK_NULL(l, "ledger");
	PAPER__CHECK_NULL(count, "count");
	if (cap > 0 && out == NULL)
		return paper__error(PAPER_EINVAL, "out must not be NULL when cap > 0");
	/* The array's stride is its structs' size: version 1 ones are shorter. */
	unsigned int version = cap > 0 ? out[0].version : PAPER_DECISION_VERSION;
	size_t size = version == 1 ? DECISION_V1_SIZE : sizeof *out;
	int rc = decision_version(version, "out[0]");
	for (size_t i = 0; i < cap && rc == PAPER_OK; i++) {
		unsigned int v;
		memcpy(&v, (const char *)out + i * size, sizeof v);
		if (v != version)
			rc = paper__error(PAPER_EVERSION, "out[%zu].version %u: every struct of the "
					  "array has the version of out[0] (%u)", i, v, version);
	}
	int64_t id;
	if (rc == PAPER_OK)
		rc = ledger_connect(l);
	if (rc == PAPER_OK)
		rc = ledger_find_account(l, account, &id);
	*count = 0;
	if (rc != PAPER_OK || version != 1)
		return rc ? rc : fetch_pending(l, account, out, cap, count);
	paper_decision *full = g_new0(paper_decision, cap);
	rc = fetch_pending(l, account, full, cap, count);
	for (size_t i = 0; i < *count; i++) {
		full[i].version = 1;
		memcpy((char *)out + i * size, &full[i], size);
	}
	g_free(full);
	return rc;
}

/* Free text for the outcome column: cut to 255 bytes, valid UTF-8, no control characters. */
static char *clean_outcome(const char *outcome)
{
	char cut[256];
	g_strlcpy(cut, outcome ? outcome : "", sizeof cut);
	char *text = g_utf8_make_valid(cut, -1);
	for (char *p = text; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	/* make_valid may have grown it (U+FFFD is 3 bytes): cut again at a character. */
	if (strlen(text) > 255) {
		const char *end = text + 255;
		g_utf8_validate(text, 255, &end);
		text[end - text] = '\0';
	}
	return text;
}

PAPER_API int paper_ledger_decision_mark_outcome(paper_ledger *l, int64_t id,
						 paper_decision_status status, uint64_t order_id,
						 const char *outcome)
{
	PAPER__CHECK_NULL(l, "ledger");
	int rc = ledger_writable(l, "mark a decision");
	if (rc != PAPER_OK)
		return rc;
	if (status != PAPER_DECISION_EXECUTED && status != PAPER_DECISION_SKIPPED &&
	    status != PAPER_DECISION_REJECTED)
		return paper__error(PAPER_EINVAL, "decision status %d: mark executed, skipped or "
				    "rejected", (int)status);
	rc = ledger_connect(l);
	if (rc != PAPER_OK)
		return rc;
	char *text = clean_outcome(outcome);
	rc = l->ops->decision_mark(l->st, id, status, order_id, ledger_wall_us(), text);
	g_free(text);
	return rc;
}

PAPER_API int paper_ledger_decision_mark(paper_ledger *l, int64_t id,
					 paper_decision_status status, uint64_t order_id)
{
	return paper_ledger_decision_mark_outcome(l, id, status, order_id, "");
}
