/*
 * The broker's symbols and their contracts: which rules each symbol trades under. A symbol
 * gets its contract when it is added (the symbol table lives here, so adding an option's
 * underlying and initialising a contract are one file's business). A symbol's contract is fixed once an order for
 * it was accepted, because its orders, positions and fills were valued with it; until then a
 * definition may replace it. The default contract makes every rule a no-op, so symbols nobody
 * defined behave exactly as before instruments existed.
 */
#include "market/instrument.h"

#include <glib.h>
#include <string.h>

#include "base/error.h"
#include "base/fixed.h"
#include "base/instspec.h"
#include "base/occ.h"
#include "base/symbol.h"
#include "base/tstext.h"
#include "config/config.h"
#include "market/broker_store.h"

/* ---- the symbol table: name -> index, each symbol added once with its contract ---- */

/* The padded spelling of an OCC symbol names the same symbol as the compact one. */
static const char *canonical(const char *name, char buf[OCC_PADDED_LEN + 1])
{
	return strchr(name, ' ') && occ_compact(name, buf, OCC_PADDED_LEN + 1) ? buf : name;
}

static int64_t sym_find(const paper_broker *b, const char *name)
{
	char buf[OCC_PADDED_LEN + 1];
	name = canonical(name, buf);
	if (b->n_syms && strcmp(b->syms[b->last_sym].name, name) == 0)
		return b->last_sym;
	gpointer v = g_hash_table_lookup(b->sym_index, name);
	if (v == NULL)
		return -1;
	((paper_broker *)b)->last_sym = GPOINTER_TO_UINT(v) - 1;
	return b->last_sym;
}

static uint32_t sym_add(paper_broker *b, const char *name)
{
	char buf[OCC_PADDED_LEN + 1];
	name = canonical(name, buf);
	if (b->n_syms == b->cap_syms) {
		b->cap_syms = b->cap_syms ? b->cap_syms * 2 : 16;
		b->syms = g_renew(instrument, b->syms, b->cap_syms);
		b->positions = g_renew(uint32_t, b->positions, b->cap_syms);
	}
	uint32_t i = b->n_syms++;
	instrument *s = &b->syms[i];
	memset(s, 0, sizeof *s);
	g_strlcpy(s->name, name, sizeof s->name);
	s->head = s->tail = NO_SLOT;
	s->pos.index = NO_SLOT;
	g_hash_table_insert(b->sym_index, g_string_chunk_insert(b->sym_names, s->name),
			    GUINT_TO_POINTER(i + 1));
	return i;
}

static void instrument_init(paper_broker *b, uint32_t sym);

uint32_t paper__broker_symbol(paper_broker *b, const char *name)
{
	int64_t found = sym_find(b, name);
	if (found >= 0)
		return (uint32_t)found;
	uint32_t sym = sym_add(b, name);
	instrument_init(b, sym);
	return sym;
}

bool paper__broker_symbol_known(const paper_broker *b, const char *name)
{
	return sym_find(b, name) >= 0;
}

int64_t paper__broker_symbol_find(const paper_broker *b, const char *name)
{
	return sym_find(b, name);
}

int paper__broker_symbol_check(const paper_broker *b, const char *name)
{
	return instrument_check_name(b, name);
}


/* ---- contracts ---- */

static int64_t fx_of(double v)
{
	int64_t x = 0;
	fx_from_double(v, &x);
	return x;
}

static void contract_default(contract *c)
{
	memset(c, 0, sizeof *c);
	c->mult = FX_SCALE;
	c->lot = 1;
	c->min_qty = 1;
	c->underlying = NO_SLOT;
	c->asset_class = PAPER_ASSET_EQUITY;
	c->origin = PAPER_INSTRUMENT_DEFAULT;
}

/* Set sym's contract from a resolved spec (underlying added as a symbol when named). */
static void contract_set(paper_broker *b, uint32_t sym, const paper_instrument_spec *s)
{
	uint32_t under = s->underlying[0] ? paper__broker_symbol(b, s->underlying) : NO_SLOT;
	contract *c = &b->syms[sym].c; /* after the symbol table may have grown */
	bool traded = c->traded;
	memset(c, 0, sizeof *c);
	c->mult = fx_of(s->multiplier);
	c->tick = fx_of(s->tick_size);
	c->lot = fx_of(s->lot_size);
	c->min_qty = fx_of(s->min_qty);
	c->strike = fx_of(s->strike);
	c->margin = fx_of(s->initial_margin);
	c->expiry = s->expiry;
	c->underlying = under;
	c->asset_class = (uint8_t)s->asset_class;
	c->right = (uint8_t)s->right;
	c->origin = (uint8_t)s->origin;
	c->traded = traded;
}

static void instrument_init(paper_broker *b, uint32_t sym)
{
	paper_instrument_spec s = PAPER_INSTRUMENT_SPEC_INIT;
	contract_default(&b->syms[sym].c);
	/* Only names that passed instrument_check_name() get here: a malformed OCC look-alike
	 * never does, so a name that looks like one parses. */
	if (occ_looks_like(b->syms[sym].name) &&
	    paper__instrument_from_occ(b->syms[sym].name, &s) == PAPER_OK)
		contract_set(b, sym, &s);
}

int instrument_check_name(const paper_broker *b, const char *name)
{
	if (name == NULL || !paper__symbol_form(name))
		return paper__error(PAPER_EINVAL, "symbol '%s' is not a valid symbol",
				    name ? name : "(null)");
	if (paper__broker_symbol_known(b, name) || !occ_looks_like(name))
		return PAPER_OK;
	paper_instrument_spec s = PAPER_INSTRUMENT_SPEC_INIT;
	int rc = paper__instrument_from_occ(name, &s);
	return rc == PAPER_ENOTFOUND ? PAPER_OK : rc;
}

int instrument_load_config(paper_broker *b)
{
	size_t n = paper__config_instrument_count(b->cfg);
	for (size_t i = 0; i < n; i++) {
		const char *symbol;
		paper_instrument_spec s = PAPER_INSTRUMENT_SPEC_INIT;
		int rc = paper__config_instrument_at(b->cfg, i, &symbol, &s);
		if (rc != PAPER_OK)
			return rc;
		contract_set(b, paper__broker_symbol(b, symbol), &s);
	}
	return PAPER_OK;
}

/* Would spec s give contract c (the origin aside)? */
static bool same_contract(const paper_broker *b, const contract *c, const paper_instrument_spec *s)
{
	uint32_t under = NO_SLOT;
	if (s->underlying[0]) {
		int64_t u = paper__broker_symbol_find(b, s->underlying);
		if (u < 0)
			return false;
		under = (uint32_t)u;
	}
	return c->mult == fx_of(s->multiplier) && c->tick == fx_of(s->tick_size) &&
	       c->lot == fx_of(s->lot_size) && c->min_qty == fx_of(s->min_qty) &&
	       c->strike == fx_of(s->strike) && c->margin == fx_of(s->initial_margin) &&
	       c->expiry == s->expiry && c->asset_class == s->asset_class &&
	       c->right == s->right && c->underlying == under;
}

PAPER_API int paper_broker_define_instrument(paper_broker *b, const char *symbol,
					     const paper_instrument_spec *spec)
{
	PAPER__CHECK_NULL(b, "broker");
	PAPER__CHECK_NULL(symbol, "symbol");
	PAPER__CHECK_NULL(spec, "spec");
	if (!paper__symbol_form(symbol))
		return paper__error(PAPER_EINVAL, "symbol '%s' is not a valid symbol", symbol);
	paper_instrument_spec r;
	int rc = paper__instrument_resolve(symbol, spec, &r);
	if (rc != PAPER_OK)
		return rc;
	int64_t known = paper__broker_symbol_find(b, symbol);
	if (known >= 0) {
		const instrument *s = &b->syms[known];
		if ((s->c.traded || s->pos.qty != 0) && same_contract(b, &s->c, &r))
			return PAPER_OK; /* the same again (a restarted run): nothing to change */
		if (s->c.traded || s->pos.qty != 0)
			return paper__error(PAPER_ESTATE, "instrument %s: its contract is fixed once "
					    "an order for it was accepted", s->name);
	}
	if (b->failed)
		return paper__error(b->failed, "%s", b->failed_why);
	if (b->on_define != NULL) {
		if ((rc = b->on_define(b->sink_ctx, b, symbol, &r)) != PAPER_OK)
			return rc;
		/* The broker's config is what a reopened account is built from: the same. */
		paper__config_instrument_define(b->cfg, symbol, &r);
	}
	contract_set(b, paper__broker_symbol(b, symbol), &r);
	return PAPER_OK;
}

static int expired_error(const char *name, paper_ts expiry, uint8_t *reason)
{
	*reason = PAPER_REJECT_EXPIRED;
	char when[TS_TEXT_CAP];
	ts_format(when, expiry);
	return paper__error(PAPER_ESTATE, "%s expired at %s: no more orders", name, when);
}

int instrument_check_expiry(const paper_broker *b, int64_t sym, const char *name, paper_ts ts,
			    uint8_t *reason)
{
	if (sym >= 0)
		return instrument_expired(&b->syms[sym], ts)
			       ? expired_error(b->syms[sym].name, b->syms[sym].c.expiry, reason)
			       : PAPER_OK;
	paper_instrument_spec s = PAPER_INSTRUMENT_SPEC_INIT;
	if (occ_looks_like(name) && paper__instrument_from_occ(name, &s) == PAPER_OK &&
	    ts >= s.expiry)
		return expired_error(name, s.expiry, reason);
	return PAPER_OK;
}

int instrument_check_order(const paper_broker *b, const order *o, uint8_t *reason)
{
	const instrument *s = &b->syms[o->sym];
	const contract *c = &s->c;
	if (instrument_expired(s, o->submitted))
		return expired_error(s->name, c->expiry, reason);
	if (o->qty % c->lot != 0) {
		*reason = PAPER_REJECT_LOT_SIZE;
		return paper__error(PAPER_EQTY, "%s: qty %.8g is not a whole number of lots of %.8g",
				    s->name, fx_to_double(o->qty), fx_to_double(c->lot));
	}
	bool reduces = o->side == PAPER_SIDE_BUY ? s->pos.qty < 0 : s->pos.qty > 0;
	if (o->qty < c->min_qty && !(reduces && o->qty <= fx_abs(s->pos.qty))) {
		*reason = PAPER_REJECT_LOT_SIZE;
		return paper__error(PAPER_EQTY, "%s: qty %.8g is below the minimum %.8g", s->name,
				    fx_to_double(o->qty), fx_to_double(c->min_qty));
	}
	bool has_limit = o->type == PAPER_ORDER_LIMIT || o->type == PAPER_ORDER_STOP_LIMIT;
	bool has_stop = o->type == PAPER_ORDER_STOP || o->type == PAPER_ORDER_STOP_LIMIT;
	if (c->tick > 1 && ((has_limit && o->limit % c->tick != 0) ||
			    (has_stop && o->stop % c->tick != 0))) {
		*reason = PAPER_REJECT_TICK_SIZE;
		return paper__error(PAPER_EPRICE, "%s: %s price %.8g is not a multiple of the tick "
				    "size %.8g", s->name, has_limit && o->limit % c->tick ? "limit"
				    : "stop", fx_to_double(has_limit && o->limit % c->tick ? o->limit
							    : o->stop), fx_to_double(c->tick));
	}
	return PAPER_OK;
}

bool instrument_allowed(const paper_broker *b, int64_t sym, const char *name)
{
	const char *list = b->p.allowed_symbols;
	if (paper__symbol_allowed(list, name))
		return true;
	if (sym >= 0) {
		const instrument *s = &b->syms[sym];
		if (paper__symbol_allowed(list, s->name))
			return true;
		return s->c.underlying != NO_SLOT &&
		       paper__symbol_allowed(list, b->syms[s->c.underlying].name);
	}
	occ_symbol o;
	return occ_parse(name, &o, NULL) == OCC_OK && paper__symbol_allowed(list, o.root);
}

static void spec_of(const paper_broker *b, const contract *c, paper_instrument_spec *out)
{
	unsigned int version = out->version;
	memset(out, 0, sizeof *out);
	out->version = version;
	out->asset_class = (paper_asset_class)c->asset_class;
	out->multiplier = fx_to_double(c->mult);
	out->tick_size = fx_to_double(c->tick);
	out->lot_size = fx_to_double(c->lot);
	out->min_qty = fx_to_double(c->min_qty);
	out->expiry = c->expiry;
	if (c->underlying != NO_SLOT)
		g_strlcpy(out->underlying, b->syms[c->underlying].name, sizeof out->underlying);
	out->right = (paper_option_right)c->right;
	out->strike = fx_to_double(c->strike);
	out->settlement = PAPER_SETTLEMENT_CASH;
	out->initial_margin = fx_to_double(c->margin);
	out->origin = (paper_instrument_origin)c->origin;
}

PAPER_API int paper_broker_instrument(const paper_broker *b, const char *symbol,
				      paper_instrument_spec *out)
{
	PAPER__CHECK_NULL(b, "broker");
	PAPER__CHECK_NULL(out, "out");
	if (out->version != PAPER_INSTRUMENT_SPEC_VERSION)
		return paper__error(PAPER_EVERSION, "paper_instrument_spec version %u unsupported "
				    "(expected %u)", out->version, PAPER_INSTRUMENT_SPEC_VERSION);
	int rc = instrument_check_name(b, symbol);
	if (rc != PAPER_OK)
		return rc;
	int64_t sym = paper__broker_symbol_find(b, symbol);
	if (sym >= 0) {
		spec_of(b, &b->syms[sym].c, out);
		return PAPER_OK;
	}
	/* Checked above: a name that looks like an OCC symbol is one. */
	paper_instrument_spec s = PAPER_INSTRUMENT_SPEC_INIT;
	if (!occ_looks_like(symbol) || paper__instrument_from_occ(symbol, &s) != PAPER_OK)
		paper__instrument_default(&s);
	*out = s;
	return PAPER_OK;
}

PAPER_API int paper_occ_parse(const char *symbol, paper_instrument_spec *out)
{
	PAPER__CHECK_NULL(symbol, "symbol");
	PAPER__CHECK_NULL(out, "out");
	if (out->version != PAPER_INSTRUMENT_SPEC_VERSION)
		return paper__error(PAPER_EVERSION, "paper_instrument_spec version %u unsupported "
				    "(expected %u)", out->version, PAPER_INSTRUMENT_SPEC_VERSION);
	paper_instrument_spec s;
	int rc = paper__instrument_from_occ(symbol, &s);
	if (rc == PAPER_OK)
		*out = s;
	return rc;
}
