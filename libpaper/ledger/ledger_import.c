/*
 * Starting an account from a state.json written by paper_ledger_export(). The file is read
 * strictly: every field it must have, of its type, no field it must not have, exact integers
 * for money, and the decimal text of each amount equal to its exact value. The saved state must
 * reconcile (cash == starting cash + realized - fees - long basis + short basis, exactly) and
 * rebuild through the broker's own checks before anything is written; then the account, its
 * config, an ACCOUNT_RESTORED event, one POSITION_RESTORED event per position and the marks
 * are written in one transaction. On any error nothing is created.
 */
#include "ledger/ledger.h"

#include <string.h>

#include "base/error.h"
#include "base/fixed.h"
#include "base/fxtext.h"
#include "base/json.h"
#include "base/readfile.h"
#include "base/text.h"
#include "config/config.h"
#include "market/broker_store.h"

typedef struct saved_position {
	char symbol[PAPER_SYMBOL_MAX + 1];
	position pos;
} saved_position;

typedef struct saved {
	const char *file;
	char name[PAPER_TAG_MAX + 1];
	paper_ts ts;
	paper_config *cfg;
	int64_t starting_cash, cash, realized, fees;
	GArray *positions; /* saved_position */
	GArray *marks;     /* store_mark (account unset) */
} saved;

/* ---- strict field access ---- */

static int bad(const saved *s, const char *field, const char *what)
{
	return paper__error(PAPER_EFORMAT, "state file '%s': field '%s' %s", s->file, field, what);
}

static int field(const saved *s, const json_value *obj, const char *prefix, const char *key,
		 json_type type, const json_value **out)
{
	char path[96];
	g_snprintf(path, sizeof path, "%s%s", prefix, key);
	*out = json_get(obj, key);
	if (*out == NULL)
		return bad(s, path, "is missing");
	if ((*out)->type != type) {
		char what[64];
		g_snprintf(what, sizeof what, "must be %s, not %s", json_type_name(type),
			   json_type_name((*out)->type));
		return bad(s, path, what);
	}
	return PAPER_OK;
}

static int get_int(const saved *s, const json_value *obj, const char *prefix, const char *key,
		   int64_t *out)
{
	const json_value *v;
	int rc = field(s, obj, prefix, key, JSON_NUMBER, &v);
	if (rc == PAPER_OK && !json_as_int64(v, out)) {
		char path[96];
		g_snprintf(path, sizeof path, "%s%s", prefix, key);
		return bad(s, path, "must be an integer that fits in 64 bits");
	}
	return rc;
}

static int get_text(const saved *s, const json_value *obj, const char *prefix, const char *key,
		    char *buf, size_t cap)
{
	const json_value *v;
	int rc = field(s, obj, prefix, key, JSON_STRING, &v);
	if (rc == PAPER_OK && strlen(v->text) >= cap) {
		char path[96], what[64];
		g_snprintf(path, sizeof path, "%s%s", prefix, key);
		g_snprintf(what, sizeof what, "is longer than %zu bytes", cap - 1);
		return bad(s, path, what);
	}
	if (rc == PAPER_OK)
		memcpy(buf, v->text, strlen(v->text) + 1);
	return rc;
}

/* An amount is written twice, exact (<name>_e8) and as text (<name>); both must agree. */
static int get_amount(const saved *s, const json_value *obj, const char *prefix,
		      const char *name, int64_t *out)
{
	char key[64], text[40], exact[FX_TEXT_CAP];
	g_snprintf(key, sizeof key, "%s_e8", name);
	int rc = get_int(s, obj, prefix, key, out);
	if (rc == PAPER_OK)
		rc = get_text(s, obj, prefix, name, text, sizeof text);
	if (rc == PAPER_OK && strcmp(text, ledger_fx_text(exact, *out)) != 0) {
		char path[96], what[128];
		g_snprintf(path, sizeof path, "%s%s", prefix, name);
		g_snprintf(what, sizeof what, "is \"%s\" but %s says %s", text, key, exact);
		return bad(s, path, what);
	}
	return rc;
}

/* Strict: a field this format does not have is an error, not something to skip. */
static int only_keys(const saved *s, const json_value *obj, const char *prefix,
		     const char *const *keys)
{
	for (guint i = 0; i < obj->items->len; i++) {
		const json_member *m = g_ptr_array_index(obj->items, i);
		bool known = false;
		for (const char *const *k = keys; *k && !known; k++)
			known = strcmp(*k, m->key) == 0;
		if (!known) {
			char path[160];
			g_snprintf(path, sizeof path, "%s%.100s", prefix, m->key);
			return bad(s, path, "is not part of the state format");
		}
	}
	return PAPER_OK;
}

/* ---- the document ---- */

static const char *const top_keys[] = {
	"format", "format_version", "paper", "account", "exported_ts", "ts", "config",
	"starting_cash_e8", "starting_cash", "cash_e8", "cash", "realized_pnl_e8", "realized_pnl",
	"fees_e8", "fees", "positions", "marks", NULL
};

static const char *const position_keys[] = {
	"symbol", "direction", "qty_e8", "qty", "cost_basis_e8", "cost_basis", "entry_ts",
	"entry_qty_e8", "entry_notional_e8", "exit_qty_e8", "exit_notional_e8", "realized_pnl_e8",
	"realized_pnl", "fees_e8", "fees", "confidence", "strategy", "signal_id", NULL
};

static const char *const mark_keys[] = { "symbol", "price_e8", "price", "ts", NULL };

static int read_header(saved *s, const json_value *root)
{
	const json_value *v;
	char format[32];
	int64_t version, exported;
	int rc = only_keys(s, root, "", top_keys);
	if (rc == PAPER_OK)
		rc = get_text(s, root, "", "format", format, sizeof format);
	if (rc == PAPER_OK && strcmp(format, "libpaper-state") != 0)
		return bad(s, "format", "must be \"libpaper-state\"");
	if (rc == PAPER_OK)
		rc = get_int(s, root, "", "format_version", &version);
	if (rc == PAPER_OK && version != 1)
		return paper__error(PAPER_EVERSION, "state file '%s': format_version %lld is not "
				    "supported (this libpaper reads 1)", s->file, (long long)version);
	if (rc == PAPER_OK)
		rc = field(s, root, "", "paper", JSON_BOOL, &v);
	if (rc == PAPER_OK && !v->boolean)
		return bad(s, "paper", "must be true: only paper accounts are imported");
	if (rc == PAPER_OK)
		rc = get_text(s, root, "", "account", s->name, sizeof s->name);
	if (rc == PAPER_OK)
		rc = get_int(s, root, "", "exported_ts", &exported);
	return rc ? rc : get_int(s, root, "", "ts", &s->ts);
}

static int read_config(saved *s, const json_value *root)
{
	const json_value *obj;
	int rc = field(s, root, "", "config", JSON_OBJECT, &obj);
	if (rc == PAPER_OK)
		rc = paper_config_new(&s->cfg);
	for (guint i = 0; rc == PAPER_OK && i < obj->items->len; i++) {
		const json_member *m = g_ptr_array_index(obj->items, i);
		char path[96];
		g_snprintf(path, sizeof path, "config.%.80s", m->key);
		if (m->value->type != JSON_STRING)
			return bad(s, path, "must be a string");
		/* The file says what the account holds, never where this process writes. */
		if (paper__config_key_writes_file(m->key) && m->value->text[0] != '\0')
			return bad(s, path, "names a file to write: an imported state cannot choose "
				   "where libpaper writes (remove the key, or make it \"\")");
		rc = paper_config_set(s->cfg, m->key, m->value->text);
		if (rc == PAPER_ECONFIG) {
			char msg[512];
			g_strlcpy(msg, paper_last_error(), sizeof msg);
			return bad(s, path, msg);
		}
	}
	return rc;
}

static int read_money(saved *s, const json_value *root)
{
	int rc = get_amount(s, root, "", "starting_cash", &s->starting_cash);
	if (rc == PAPER_OK)
		rc = get_amount(s, root, "", "cash", &s->cash);
	if (rc == PAPER_OK)
		rc = get_amount(s, root, "", "realized_pnl", &s->realized);
	return rc ? rc : get_amount(s, root, "", "fees", &s->fees);
}

static int position_amounts(saved *s, const json_value *o, const char *pre, position *p)
{
	int rc = get_amount(s, o, pre, "qty", &p->qty);
	if (rc == PAPER_OK)
		rc = get_amount(s, o, pre, "cost_basis", &p->basis);
	if (rc == PAPER_OK)
		rc = get_int(s, o, pre, "entry_ts", &p->entry_ts);
	if (rc == PAPER_OK)
		rc = get_int(s, o, pre, "entry_qty_e8", &p->entry_qty);
	if (rc == PAPER_OK)
		rc = get_int(s, o, pre, "entry_notional_e8", &p->entry_notional);
	if (rc == PAPER_OK)
		rc = get_int(s, o, pre, "exit_qty_e8", &p->exit_qty);
	if (rc == PAPER_OK)
		rc = get_int(s, o, pre, "exit_notional_e8", &p->exit_notional);
	if (rc == PAPER_OK)
		rc = get_amount(s, o, pre, "realized_pnl", &p->realized);
	return rc ? rc : get_amount(s, o, pre, "fees", &p->fees);
}

static int position_checks(saved *s, const char *pre, const char *direction,
			   const saved_position *sp)
{
	char path[96];
	const position *p = &sp->pos;
	g_snprintf(path, sizeof path, "%ssymbol", pre);
	if (!paper__symbol_valid(sp->symbol))
		return bad(s, path, "is not a valid symbol");
	for (guint i = 0; i < s->positions->len; i++)
		if (strcmp(g_array_index(s->positions, saved_position, i).symbol, sp->symbol) == 0)
			return bad(s, path, "repeats a symbol already held");
	g_snprintf(path, sizeof path, "%sdirection", pre);
	if (strcmp(direction, p->qty > 0 ? "long" : "short") != 0)
		return bad(s, path, "must be \"long\" for a positive qty and \"short\" for a negative one");
	g_snprintf(path, sizeof path, "%sqty_e8", pre);
	if (p->qty == 0)
		return bad(s, path, "must not be 0: a flat position is not saved");
	if (p->basis < 0 || p->entry_qty < 0 || p->entry_notional < 0 || p->exit_qty < 0 ||
	    p->exit_notional < 0 || p->fees < 0) {
		g_snprintf(path, sizeof path, "%s(cost_basis, entry_*, exit_*, fees)", pre);
		return bad(s, path, "must not be negative");
	}
	g_snprintf(path, sizeof path, "%sconfidence", pre);
	if (p->confidence > 1.0)
		return bad(s, path, "must be in [0, 1], or negative for none");
	char why[PAPER_TEXT_WHY_MAX];
	g_snprintf(path, sizeof path, "%sstrategy", pre);
	if (!paper__text_check(p->strategy, strlen(p->strategy), why))
		return bad(s, path, why);
	g_snprintf(path, sizeof path, "%ssignal_id", pre);
	if (!paper__text_check(p->signal_id, strlen(p->signal_id), why))
		return bad(s, path, why);
	return PAPER_OK;
}

static int read_position(saved *s, const json_value *o, guint index)
{
	char pre[48], direction[8];
	saved_position sp;
	const json_value *v;
	memset(&sp, 0, sizeof sp);
	g_snprintf(pre, sizeof pre, "positions[%u].", index);
	if (o->type != JSON_OBJECT)
		return bad(s, pre, "must be an object");
	int rc = only_keys(s, o, pre, position_keys);
	if (rc == PAPER_OK)
		rc = get_text(s, o, pre, "symbol", sp.symbol, sizeof sp.symbol);
	if (rc == PAPER_OK)
		rc = get_text(s, o, pre, "direction", direction, sizeof direction);
	if (rc == PAPER_OK)
		rc = position_amounts(s, o, pre, &sp.pos);
	if (rc == PAPER_OK)
		rc = field(s, o, pre, "confidence", JSON_NUMBER, &v);
	if (rc == PAPER_OK && !json_as_double(v, &sp.pos.confidence))
		return bad(s, pre, "confidence must be a finite number");
	if (rc == PAPER_OK)
		rc = get_text(s, o, pre, "strategy", sp.pos.strategy, sizeof sp.pos.strategy);
	if (rc == PAPER_OK)
		rc = get_text(s, o, pre, "signal_id", sp.pos.signal_id, sizeof sp.pos.signal_id);
	if (rc == PAPER_OK)
		rc = position_checks(s, pre, direction, &sp);
	if (rc == PAPER_OK) {
		sp.pos.direction = sp.pos.qty > 0 ? PAPER_LONG : PAPER_SHORT;
		sp.pos.index = NO_SLOT;
		g_array_append_val(s->positions, sp);
	}
	return rc;
}

static int read_mark(saved *s, const json_value *o, guint index)
{
	char pre[48];
	store_mark m;
	memset(&m, 0, sizeof m);
	g_snprintf(pre, sizeof pre, "marks[%u].", index);
	if (o->type != JSON_OBJECT)
		return bad(s, pre, "must be an object");
	int rc = only_keys(s, o, pre, mark_keys);
	if (rc == PAPER_OK)
		rc = get_text(s, o, pre, "symbol", m.symbol, sizeof m.symbol);
	if (rc == PAPER_OK)
		rc = get_amount(s, o, pre, "price", &m.price);
	if (rc == PAPER_OK)
		rc = get_int(s, o, pre, "ts", &m.ts);
	if (rc == PAPER_OK && (!paper__symbol_valid(m.symbol) || m.price <= 0))
		return bad(s, pre, "needs a valid symbol and a price > 0");
	if (rc == PAPER_OK)
		g_array_append_val(s->marks, m);
	return rc;
}

static int read_lists(saved *s, const json_value *root)
{
	const json_value *list;
	int rc = field(s, root, "", "positions", JSON_ARRAY, &list);
	for (guint i = 0; rc == PAPER_OK && i < list->items->len; i++)
		rc = read_position(s, g_ptr_array_index(list->items, i), i);
	if (rc == PAPER_OK)
		rc = field(s, root, "", "marks", JSON_ARRAY, &list);
	for (guint i = 0; rc == PAPER_OK && i < list->items->len; i++)
		rc = read_mark(s, g_ptr_array_index(list->items, i), i);
	return rc;
}

/* ---- meaning ---- */

/* The account's name and config as the new account will have them. */
static int settle_config(saved *s, const char *new_account)
{
	char name[PAPER_TAG_MAX + 1];
	int rc = paper_config_get_string(s->cfg, "account.name", name, sizeof name, NULL);
	if (rc == PAPER_OK && strcmp(name, s->name) != 0)
		return bad(s, "account", "differs from config.account.name");
	if (rc == PAPER_OK && new_account) {
		if (paper_config_set(s->cfg, "account.name", new_account) != PAPER_OK)
			return paper__error(PAPER_EINVAL, "new account name '%.40s' is invalid: 1-31 "
					    "letters, digits, '.', '_' or '-'", new_account);
		g_strlcpy(s->name, new_account, sizeof s->name);
	}
	if (rc == PAPER_OK && (rc = paper_config_validate(s->cfg)) == PAPER_ECONFIG) {
		char msg[512];
		g_strlcpy(msg, paper_last_error(), sizeof msg);
		return bad(s, "config", msg);
	}
	return rc;
}

static int reconcile(saved *s)
{
	double start = 0.0;
	int64_t fx = 0;
	paper_config_get_double(s->cfg, "account.starting_cash", &start);
	if (!fx_from_double(start, &fx) || fx != s->starting_cash)
		return bad(s, "starting_cash_e8", "differs from config.account.starting_cash");
	fx_wide expect = (fx_wide)s->starting_cash + s->realized - s->fees;
	/* The contracts of the saved config: a future's basis was never paid (account.h). */
	paper_broker *contracts = NULL;
	int rc = paper_broker_new(&contracts, s->cfg);
	if (rc != PAPER_OK)
		return rc;
	for (guint i = 0; i < s->positions->len; i++) {
		const saved_position *sp = &g_array_index(s->positions, saved_position, i);
		paper_instrument_spec c = PAPER_INSTRUMENT_SPEC_INIT;
		if (paper_broker_instrument(contracts, sp->symbol, &c) == PAPER_OK &&
		    c.asset_class == PAPER_ASSET_FUTURE)
			continue;
		expect += sp->pos.qty > 0 ? -(fx_wide)sp->pos.basis : (fx_wide)sp->pos.basis;
	}
	paper_broker_free(contracts);
	if (expect != (fx_wide)s->cash)
		return bad(s, "cash_e8", "does not reconcile: cash must equal starting_cash + "
			   "realized_pnl - fees - long cost basis + short cost basis, exactly");
	return PAPER_OK;
}

static int read_document(saved *s, const char *text, size_t len, const char *new_account)
{
	json_value *root = NULL;
	char err[256];
	if (!json_parse(text, len, &root, err, sizeof err))
		return paper__error(PAPER_EFORMAT, "state file '%s' is not valid JSON: %s", s->file,
				    err);
	int rc = root->type == JSON_OBJECT ? PAPER_OK
					   : bad(s, "(top level)", "must be an object");
	if (rc == PAPER_OK)
		rc = read_header(s, root);
	if (rc == PAPER_OK)
		rc = read_config(s, root);
	if (rc == PAPER_OK)
		rc = read_money(s, root);
	if (rc == PAPER_OK)
		rc = read_lists(s, root);
	json_free(root);
	if (rc == PAPER_OK)
		rc = settle_config(s, new_account);
	return rc ? rc : reconcile(s);
}

/* ---- events ---- */

/* The restored totals are the account after each of these events (account_state). */
static void restored_head(const saved *s, int64_t account, uint64_t seq, uint8_t type,
			  store_rec *r)
{
	memset(r, 0, sizeof *r);
	r->account = account;
	r->seq = seq;
	r->type = type;
	r->ts = s->ts;
	r->after.cash = s->cash;
	r->after.realized = s->realized;
	r->after.fees = s->fees;
}

static void restored_records(const saved *s, int64_t account, GArray *out)
{
	store_rec r;
	restored_head(s, account, 1, PAPER_EVENT_ACCOUNT_RESTORED, &r);
	r.cash = s->cash;
	r.realized = s->realized;
	r.fees = s->fees;
	g_array_append_val(out, r);
	for (guint i = 0; i < s->positions->len; i++) {
		const saved_position *sp = &g_array_index(s->positions, saved_position, i);
		restored_head(s, account, i + 2, PAPER_EVENT_POSITION_RESTORED, &r);
		g_strlcpy(r.symbol, sp->symbol, sizeof r.symbol);
		r.pos = sp->pos;
		g_array_append_val(out, r);
	}
}

/* Run the events through a scratch broker: the broker's own checks decide they rebuild. */
static int dry_run(const saved *s, const GArray *recs)
{
	paper_broker *b = NULL;
	int rc = paper_broker_new(&b, s->cfg);
	for (guint i = 0; rc == PAPER_OK && i < recs->len; i++) {
		const store_rec *r = &g_array_index(recs, store_rec, i);
		event ev = { .type = r->type, .ts = r->ts, .cash = r->cash, .realized = r->realized,
			     .fees = r->fees };
		if (r->type == PAPER_EVENT_POSITION_RESTORED) {
			ev.sym = paper__broker_symbol(b, r->symbol);
			ev.pos = &r->pos;
		}
		rc = paper__broker_replay(b, &ev);
	}
	for (guint i = 0; rc == PAPER_OK && i < s->marks->len; i++) {
		const store_mark *m = &g_array_index(s->marks, store_mark, i);
		rc = paper__broker_restore_mark(b, paper__broker_symbol(b, m->symbol), m->price, m->ts);
	}
	if (rc == PAPER_OK && b->cash != s->cash)
		rc = paper__error(PAPER_ECORRUPT, "the rebuilt cash differs");
	paper_broker_free(b);
	if (rc == PAPER_ECORRUPT) {
		char msg[512];
		g_strlcpy(msg, paper_last_error(), sizeof msg);
		return paper__error(PAPER_EFORMAT, "state file '%s' does not rebuild: %s", s->file, msg);
	}
	return rc;
}

typedef struct import_tx_ctx {
	const saved *s;
	GArray *recs;
} import_tx_ctx;

static int import_tx(paper_ledger *l, void *ctx)
{
	import_tx_ctx *c = ctx;
	int64_t id = 0;
	int rc = ledger_add_account(l, c->s->cfg, "imported", &id);
	if (rc == PAPER_OK)
		restored_records(c->s, id, c->recs);
	for (guint i = 0; rc == PAPER_OK && i < c->recs->len; i++) {
		const store_rec *r = &g_array_index(c->recs, store_rec, i);
		store_writes w = ledger_writes_one(r);
		rc = l->ops->append(l->st, r, &w);
	}
	for (guint i = 0; rc == PAPER_OK && i < c->s->marks->len; i++) {
		store_mark m = g_array_index(c->s->marks, store_mark, i);
		m.account = id;
		rc = l->ops->put_mark(l->st, &m);
	}
	return rc;
}

static int read_file(const char *path, char **text, size_t *len)
{
	return paper__read_file_capped(path, PAPER_STATE_FILE_MAX, "state file", text, len);
}

PAPER_API int paper_ledger_import(paper_ledger *l, const char *state_json, const char *new_account)
{
	PAPER__CHECK_NULL(l, "ledger");
	PAPER__CHECK_NULL(state_json, "state_json");
	if (l->opts.read_only)
		return paper__error(PAPER_ESTATE, "ledger '%s' is open read-only: cannot import",
				    l->location);
	saved s = { .file = state_json };
	s.positions = g_array_new(FALSE, TRUE, sizeof(saved_position));
	s.marks = g_array_new(FALSE, TRUE, sizeof(store_mark));
	GArray *recs = g_array_new(FALSE, TRUE, sizeof(store_rec));
	char *text = NULL;
	size_t len = 0;
	int rc = read_file(state_json, &text, &len);
	if (rc == PAPER_OK)
		rc = read_document(&s, text, len, new_account);
	if (rc == PAPER_OK) {
		restored_records(&s, 0, recs);
		rc = dry_run(&s, recs);
		g_array_set_size(recs, 0);
	}
	if (rc == PAPER_OK)
		rc = ledger_commit_batch(l);
	import_tx_ctx c = { &s, recs };
	if (rc == PAPER_OK)
		rc = ledger_write(l, import_tx, &c);
	g_free(text);
	g_array_unref(recs);
	g_array_unref(s.positions);
	g_array_unref(s.marks);
	paper_config_free(s.cfg);
	return rc;
}
