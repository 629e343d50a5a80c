/*
 * Exports of one account: CSV files for people and spreadsheets, and state.json for
 * paper_ledger_import(). Everything is read inside one read transaction, so the files agree
 * with each other even while a broker keeps trading. Amounts are printed from the exact
 * fixed-point values (no double in between); every row and file is marked paper. Each file
 * replaces any of its name only once complete (base/atomicfile.h), so a reader never sees half
 * of one and a failed export leaves the old files as they were.
 */
#include "ledger/ledger.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/atomicfile.h"
#include "base/error.h"
#include "base/fixed.h"
#include "base/fxtext.h"
#include "base/json.h"
#include "base/text.h"
#include "base/tstext.h"
#include "config/config.h"
#include "market/account.h"
#include "market/broker_store.h"
#include "ledger/location.h"

#define STATE_FORMAT "libpaper-state"
#define STATE_VERSION 1

/* ---- text forms ---- */

const char *ledger_fx_text(char *buf, int64_t v)
{
	fx_format(buf, v, 0);
	return buf;
}

/* A CSV text field: quoted when it holds a separator, quote or line break; a formula to a
 * spreadsheet (=, +, -, @ first, and not a number) is written as text (base/text.h). */
static void csv_str(FILE *f, const char *s)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		fputc('"', f);
	if (paper__csv_formula(s))
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	if (quote)
		fputc('"', f);
}

/* ",<amount>" — or "," when the amount does not apply (0 means none for prices). */
static void csv_fx(FILE *f, int64_t v, bool blank_zero)
{
	char b[FX_TEXT_CAP];
	fputc(',', f);
	if (!(blank_zero && v == 0))
		fputs(ledger_fx_text(b, v), f);
}

static void csv_ts(FILE *f, paper_ts ts)
{
	char b[TS_TEXT_CAP];
	ts_format(b, ts);
	fputc(',', f);
	fputs(b, f);
}

static void csv_confidence(FILE *f, double c)
{
	char b[G_ASCII_DTOSTR_BUF_SIZE];
	fputc(',', f);
	if (c >= 0.0)
		fputs(g_ascii_formatd(b, sizeof b, "%.15g", c), f);
}

/* Average price per unit over qty: the symbol's contract divides by its multiplier. */
static int64_t avg_price(paper_broker *b, const char *symbol, int64_t notional, int64_t qty)
{
	/* The index first: adding the symbol may move the table. */
	uint32_t sym = paper__broker_symbol(b, symbol);
	return account_avg_price(&b->syms[sym], notional, qty);
}

/* ---- files ---- */

typedef struct out_file {
	char *path;
	atomic_file *a;
	FILE *f;
} out_file;

/* A new file for dir/name, replacing any of that name only when complete (atomicfile.h). */
static int out_open(out_file *o, const char *dir, const char *name)
{
	o->path = g_build_filename(dir, name, NULL);
	int rc = paper__atomic_open(&o->a, o->path);
	if (rc == PAPER_OK)
		o->f = paper__atomic_stream(o->a);
	return rc;
}

/* Put the file in place if rc is PAPER_OK, else throw it away. */
static int out_close(out_file *o, int rc)
{
	if (o->a && rc == PAPER_OK)
		rc = paper__atomic_commit(o->a);
	else
		paper__atomic_abort(o->a);
	g_free(o->path);
	memset(o, 0, sizeof *o);
	return rc;
}

/* ---- the export ---- */

typedef struct day_row {
	int64_t day;
	bool has_equity;
	int64_t start_equity, end_equity, realized, fees;
	uint64_t trades;
} day_row;

typedef struct export_ctx {
	const char *account, *dir;
	unsigned int what;
	int64_t id;
	paper_broker *b;        /* rebuilt, for positions and state; else for the contracts only
				 * (the stored config's instruments, OCC symbols): no events */
	out_file fills;
	GHashTable *days;       /* day -> day_row */
} export_ctx;

static day_row *day_of_ts(export_ctx *x, paper_ts ts)
{
	int64_t day = ts_day(ts);
	day_row *d = g_hash_table_lookup(x->days, &day);
	if (d == NULL) {
		d = g_new0(day_row, 1);
		d->day = day;
		g_hash_table_insert(x->days, &d->day, d);
	}
	return d;
}

/* Rows start with the account name. */
typedef struct prefixed {
	FILE *f;
	const char *account;
	paper_broker *b;
} prefixed;

static int order_row(void *ctx, const order *o, const char *symbol)
{
	const prefixed *p = ctx;
	FILE *f = p->f;
	csv_str(f, p->account);
	fprintf(f, ",%llu,", (unsigned long long)o->id);
	csv_str(f, symbol);
	fprintf(f, ",%s,%s,%s,%s,%s", paper_side_str(o->side), paper_order_type_str(o->type),
		paper_tif_str(o->tif), paper_order_status_str(o->status),
		paper_reject_reason_str(o->reason));
	csv_fx(f, o->qty, false);
	csv_fx(f, o->filled, false);
	csv_fx(f, avg_price(p->b, symbol, o->fill_notional, o->filled), true);
	csv_fx(f, o->limit, true);
	csv_fx(f, o->stop, true);
	csv_fx(f, o->fees, false);
	csv_ts(f, o->submitted);
	csv_ts(f, o->updated);
	fputc(',', f);
	csv_str(f, o->client_id);
	fputc(',', f);
	csv_str(f, o->strategy);
	fputc(',', f);
	csv_str(f, o->signal_id);
	csv_confidence(f, o->confidence);
	fprintf(f, ",%s,%llu,1\n", paper_exit_reason_str(o->exit_reason),
		(unsigned long long)o->oco_group);
	return PAPER_OK;
}

static int write_orders(paper_ledger *l, export_ctx *x)
{
	out_file o = { 0 };
	int rc = out_open(&o, x->dir, "orders.csv");
	if (rc == PAPER_OK) {
		fputs("account,id,symbol,side,type,tif,status,reason,qty,filled_qty,avg_fill_price,"
		      "limit_price,stop_price,fees,submitted_ts,updated_ts,client_id,strategy,"
		      "signal_id,confidence,exit_reason,oco_group,paper\n", o.f);
		prefixed p = { o.f, x->account, x->b };
		rc = l->ops->each_order(l->st, x->id, order_row, &p);
	}
	return out_close(&o, rc);
}

static void fill_row(FILE *f, const char *account, const store_rec *r)
{
	const fill *fl = &r->f;
	csv_str(f, account);
	fprintf(f, ",%llu,%llu,", (unsigned long long)fl->seq, (unsigned long long)fl->order_id);
	csv_str(f, r->symbol);
	fprintf(f, ",%s", paper_side_str(fl->side));
	csv_ts(f, fl->ts);
	csv_fx(f, fl->qty, false);
	csv_fx(f, fl->price, false);
	csv_fx(f, fl->fee, false);
	csv_fx(f, fl->ref_price, false);
	csv_fx(f, fx_abs(fl->price - fl->ref_price), false);
	csv_fx(f, r->realized, false);
	fprintf(f, ",%s,%u", paper_fill_reason_str(fl->reason), fl->flags);
	csv_fx(f, fl->alt_price, true);
	fputs(",1\n", f);
}

/* One pass over the log: fills.csv and the daily figures of pnl_ledger.csv. */
static int event_row(void *ctx, const store_rec *r)
{
	export_ctx *x = ctx;
	if (r->type == PAPER_EVENT_FILL) {
		if (x->fills.f)
			fill_row(x->fills.f, x->account, r);
		day_row *d = day_of_ts(x, r->f.ts);
		d->realized += r->realized;
		d->fees += r->f.fee;
	} else if (r->type == PAPER_EVENT_SNAPSHOT) {
		day_row *d = day_of_ts(x, r->ts);
		if (!d->has_equity)
			d->start_equity = r->equity;
		d->has_equity = true;
		d->end_equity = r->equity;
	}
	return PAPER_OK;
}

static int write_fills(paper_ledger *l, export_ctx *x)
{
	int rc = PAPER_OK;
	if (x->what & PAPER_EXPORT_FILLS) {
		rc = out_open(&x->fills, x->dir, "fills.csv");
		if (rc == PAPER_OK)
			fputs("account,seq,order_id,symbol,side,ts,qty,price,fee,ref_price,slippage,"
			      "realized_pnl,reason,flags,alt_price,paper\n", x->fills.f);
	}
	if (rc == PAPER_OK)
		rc = l->ops->each_event(l->st, x->id, 1, event_row, x);
	return x->fills.path ? out_close(&x->fills, rc) : rc;
}

typedef struct trade_out {
	export_ctx *x;
	FILE *f;
} trade_out;

static int trade_row(void *ctx, const trade *t, const char *symbol)
{
	trade_out *to = ctx;
	day_of_ts(to->x, t->exit_ts)->trades++;
	FILE *f = to->f;
	if (f == NULL)
		return PAPER_OK;
	csv_str(f, to->x->account);
	fprintf(f, ",%llu,", (unsigned long long)t->id);
	csv_str(f, symbol);
	fprintf(f, ",%s", paper_direction_str(t->direction));
	csv_ts(f, t->entry_ts);
	csv_ts(f, t->exit_ts);
	csv_fx(f, t->qty, false);
	csv_fx(f, avg_price(to->x->b, symbol, t->entry_notional, t->qty), false);
	csv_fx(f, avg_price(to->x->b, symbol, t->exit_notional, t->exit_qty), false);
	csv_fx(f, t->pnl, false);
	csv_fx(f, t->fees, false);
	csv_fx(f, t->pnl - t->fees, false);
	fprintf(f, ",%s,", paper_exit_reason_str(t->exit_reason));
	csv_str(f, t->strategy);
	fputc(',', f);
	csv_str(f, t->signal_id);
	csv_confidence(f, t->confidence);
	fprintf(f, ",%s,1\n", paper__trade_outcome(t->pnl - t->fees));
	return PAPER_OK;
}

static int write_trades(paper_ledger *l, export_ctx *x)
{
	out_file o = { 0 };
	trade_out to = { x, NULL };
	int rc = PAPER_OK;
	if (x->what & PAPER_EXPORT_TRADES) {
		rc = out_open(&o, x->dir, "trades.csv");
		to.f = o.f;
		if (rc == PAPER_OK)
			fputs("account,id,symbol,direction,entry_ts,exit_ts,qty,entry_price,"
			      "exit_price,pnl_gross,fees,pnl_net,exit_reason,strategy,signal_id,"
			      "confidence,outcome,paper\n", o.f);
	}
	if (rc == PAPER_OK)
		rc = l->ops->each_trade(l->st, x->id, trade_row, &to);
	return o.path ? out_close(&o, rc) : rc;
}

static void position_row(FILE *f, const char *account, const instrument *s)
{
	const position *p = &s->pos;
	int64_t held = fx_abs(p->qty), value = 0;
	account_value_of(s, held, p->basis, s->mark, &value);
	/* A future's row shows its notional value, and its unrealized P&L from it. */
	int64_t notional = fx_mul3_sat(held, s->mark, s->c.mult);
	csv_str(f, account);
	fputc(',', f);
	csv_str(f, s->name);
	fprintf(f, ",%s", p->qty > 0 ? "long" : "short");
	csv_fx(f, p->qty, false);
	csv_fx(f, account_avg_price(s, p->basis, held), false);
	csv_fx(f, p->basis, false);
	csv_fx(f, s->mark, false);
	csv_fx(f, p->qty > 0 ? notional : -notional, false);
	csv_fx(f, p->qty > 0 ? notional - p->basis : p->basis - notional, false);
	csv_fx(f, p->realized, false);
	csv_ts(f, p->entry_ts);
	csv_ts(f, s->mark_ts);
	fputs(",1\n", f);
}

static int write_positions(export_ctx *x)
{
	out_file o = { 0 };
	int rc = out_open(&o, x->dir, "positions.csv");
	if (rc == PAPER_OK) {
		fputs("account,symbol,direction,qty,avg_price,cost_basis,market_price,market_value,"
		      "unrealized_pnl,realized_pnl,opened_ts,marked_ts,paper\n", o.f);
		for (uint32_t i = 0; i < x->b->n_positions; i++)
			position_row(o.f, x->account, &x->b->syms[x->b->positions[i]]);
	}
	return out_close(&o, rc);
}

static gint day_cmp(gconstpointer a, gconstpointer b)
{
	int64_t x = (*(day_row *const *)a)->day, y = (*(day_row *const *)b)->day;
	return (x > y) - (x < y);
}

/*
 * A day ends where the next day with a snapshot begins: its first snapshot is taken when that
 * day starts, before it changes anything, so the days chain even when one call (paper mark)
 * moved the prices of several of them. The last day ends at its own last snapshot.
 */
static void chain_days(GPtrArray *rows)
{
	const day_row *next = NULL;
	for (guint i = rows->len; i-- > 0;) {
		day_row *d = rows->pdata[i];
		if (!d->has_equity)
			continue;
		if (next)
			d->end_equity = next->start_equity;
		next = d;
	}
}

static void pnl_row(FILE *f, const char *account, const day_row *d)
{
	char b[TS_TEXT_CAP];
	ts_format_date(b, d->day * TS_DAY_US);
	csv_str(f, account);
	fprintf(f, ",%s", b);
	if (d->has_equity) {
		csv_fx(f, d->start_equity, false);
		csv_fx(f, d->end_equity, false);
		csv_fx(f, d->end_equity - d->start_equity, false);
	} else {
		fputs(",,,", f);
	}
	csv_fx(f, d->realized, false);
	csv_fx(f, d->fees, false);
	fprintf(f, ",%llu,1\n", (unsigned long long)d->trades);
}

static int write_pnl(export_ctx *x)
{
	out_file o = { 0 };
	GPtrArray *rows = g_ptr_array_new();
	GHashTableIter it;
	gpointer v;
	g_hash_table_iter_init(&it, x->days);
	while (g_hash_table_iter_next(&it, NULL, &v))
		g_ptr_array_add(rows, v);
	g_ptr_array_sort(rows, day_cmp);
	chain_days(rows);
	int rc = out_open(&o, x->dir, "pnl_ledger.csv");
	if (rc == PAPER_OK) {
		fputs("account,date,start_equity,end_equity,pnl,realized_pnl,fees,trades,paper\n", o.f);
		for (guint i = 0; i < rows->len; i++)
			pnl_row(o.f, x->account, g_ptr_array_index(rows, i));
	}
	g_ptr_array_unref(rows);
	return out_close(&o, rc);
}

/* ---- state.json ---- */

static void jw_amount(json_writer *w, const char *name, int64_t v)
{
	char key[64], b[FX_TEXT_CAP];
	g_snprintf(key, sizeof key, "%s_e8", name);
	jw_key(w, key);
	jw_int(w, v);
	jw_key(w, name);
	jw_string(w, ledger_fx_text(b, v));
}

static int state_instrument_key(void *ctx, const char *key, const char *value)
{
	jw_key(ctx, key);
	jw_string(ctx, value);
	return 0;
}

/* The key table, then the instruments ([instrument.X]), as text: an import reads them back. */
static int state_config(json_writer *w, const paper_config *cfg)
{
	jw_key(w, "config");
	jw_begin_object(w);
	for (size_t i = 0; i < paper_config_key_count(); i++) {
		paper_config_key_info k = PAPER_CONFIG_KEY_INFO_INIT;
		size_t len = 0;
		int rc = paper_config_key_info_get(i, &k);
		if (rc == PAPER_OK)
			rc = paper_config_get_string(cfg, k.name, NULL, 0, &len);
		if (rc != PAPER_OK)
			return rc;
		char *v = g_malloc(len + 1);
		paper_config_get_string(cfg, k.name, v, len + 1, NULL);
		/* Where this process writes is not part of the account: an import refuses it. */
		char *text = paper__config_key_writes_file(k.name) ? g_strdup("")
								   : location_config_text(k.name, v);
		jw_key(w, k.name);
		jw_string(w, text);
		g_free(text);
		g_free(v);
	}
	paper__config_each_instrument_key(cfg, state_instrument_key, w);
	jw_end_object(w);
	return PAPER_OK;
}

static void state_position(json_writer *w, const instrument *s)
{
	const position *p = &s->pos;
	jw_begin_object(w);
	jw_key(w, "symbol");
	jw_string(w, s->name);
	jw_key(w, "direction");
	jw_string(w, paper_direction_str((paper_direction)p->direction));
	jw_amount(w, "qty", p->qty);
	jw_amount(w, "cost_basis", p->basis);
	jw_key(w, "entry_ts");
	jw_int(w, p->entry_ts);
	jw_key(w, "entry_qty_e8");
	jw_int(w, p->entry_qty);
	jw_key(w, "entry_notional_e8");
	jw_int(w, p->entry_notional);
	jw_key(w, "exit_qty_e8");
	jw_int(w, p->exit_qty);
	jw_key(w, "exit_notional_e8");
	jw_int(w, p->exit_notional);
	jw_amount(w, "realized_pnl", p->realized);
	jw_amount(w, "fees", p->fees);
	jw_key(w, "confidence");
	jw_double(w, p->confidence);
	jw_key(w, "strategy");
	jw_string(w, p->strategy);
	jw_key(w, "signal_id");
	jw_string(w, p->signal_id);
	jw_end_object(w);
}

static void state_marks(json_writer *w, const paper_broker *b)
{
	jw_key(w, "marks");
	jw_begin_array(w);
	for (uint32_t i = 0; i < b->n_syms; i++) {
		const instrument *s = &b->syms[i];
		if (!s->has_data || s->mark <= 0)
			continue;
		jw_begin_object(w);
		jw_key(w, "symbol");
		jw_string(w, s->name);
		jw_amount(w, "price", s->mark);
		jw_key(w, "ts");
		jw_int(w, s->mark_ts);
		jw_end_object(w);
	}
	jw_end_array(w);
}

static int state_body(json_writer *w, const export_ctx *x)
{
	const paper_broker *b = x->b;
	jw_begin_object(w);
	jw_key(w, "format");
	jw_string(w, STATE_FORMAT);
	jw_key(w, "format_version");
	jw_int(w, STATE_VERSION);
	jw_key(w, "paper");
	jw_bool(w, true);
	jw_key(w, "account");
	jw_string(w, x->account);
	jw_key(w, "exported_ts");
	jw_int(w, ledger_wall_us());
	jw_key(w, "ts");
	jw_int(w, b->clock);
	int rc = state_config(w, b->cfg);
	if (rc != PAPER_OK)
		return rc;
	jw_amount(w, "starting_cash", b->p.starting_cash);
	jw_amount(w, "cash", b->cash);
	jw_amount(w, "realized_pnl", b->realized);
	jw_amount(w, "fees", b->fees);
	jw_key(w, "positions");
	jw_begin_array(w);
	for (uint32_t i = 0; i < b->n_positions; i++)
		state_position(w, &b->syms[b->positions[i]]);
	jw_end_array(w);
	state_marks(w, b);
	jw_end_object(w);
	return PAPER_OK;
}

static int write_state(export_ctx *x)
{
	GString *s = g_string_new(NULL);
	json_writer w;
	jw_init(&w, s);
	out_file o = { 0 };
	int rc = state_body(&w, x);
	g_string_append_c(s, '\n');
	if (rc == PAPER_OK)
		rc = out_open(&o, x->dir, "state.json");
	if (rc == PAPER_OK)
		fwrite(s->str, 1, s->len, o.f);
	g_string_free(s, TRUE);
	return o.path ? out_close(&o, rc) : rc;
}

/* A broker of the account's config without its events: it knows the contracts. */
static int contracts_only(paper_ledger *l, export_ctx *x)
{
	paper_config *cfg = NULL;
	int rc = ledger_load_config(l, x->id, x->account, &cfg);
	if (rc == PAPER_OK)
		rc = paper_broker_new(&x->b, cfg);
	paper_config_free(cfg);
	return rc;
}

static int export_tx(paper_ledger *l, void *ctx)
{
	export_ctx *x = ctx;
	int rc = l->ops->find_account(l->st, x->account, &x->id);
	if (rc == PAPER_OK && (x->what & (PAPER_EXPORT_POSITIONS | PAPER_EXPORT_STATE)))
		rc = ledger_rebuild(l, x->id, x->account, &x->b, NULL);
	else if (rc == PAPER_OK)
		rc = contracts_only(l, x);
	if (rc == PAPER_OK && (x->what & PAPER_EXPORT_ORDERS))
		rc = write_orders(l, x);
	if (rc == PAPER_OK && (x->what & (PAPER_EXPORT_FILLS | PAPER_EXPORT_PNL)))
		rc = write_fills(l, x);
	if (rc == PAPER_OK && (x->what & (PAPER_EXPORT_TRADES | PAPER_EXPORT_PNL)))
		rc = write_trades(l, x);
	if (rc == PAPER_OK && (x->what & PAPER_EXPORT_POSITIONS))
		rc = write_positions(x);
	if (rc == PAPER_OK && (x->what & PAPER_EXPORT_PNL))
		rc = write_pnl(x);
	if (rc == PAPER_OK && (x->what & PAPER_EXPORT_STATE))
		rc = write_state(x);
	return rc;
}

PAPER_API int paper_ledger_export(paper_ledger *l, const char *account, const char *dir,
				  unsigned int what)
{
	PAPER__CHECK_NULL(l, "ledger");
	PAPER__CHECK_NULL(account, "account");
	PAPER__CHECK_NULL(dir, "dir");
	if (what == 0 || (what & ~PAPER_EXPORT_ALL))
		return paper__error(PAPER_EINVAL, "export flags 0x%x: use PAPER_EXPORT_* bits", what);
	if (g_mkdir_with_parents(dir, 0777) != 0)
		return paper__error(PAPER_EIO, "cannot create export directory '%s': %s", dir,
				    strerror(errno));
	export_ctx x = { .account = account, .dir = dir, .what = what };
	x.days = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, g_free);
	int rc = ledger_commit_batch(l);
	if (rc == PAPER_OK)
		rc = ledger_read(l, export_tx, &x);
	paper_broker_free(x.b);
	g_hash_table_unref(x.days);
	return rc;
}
