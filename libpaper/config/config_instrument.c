/*
 * Instruments in the config: keys instrument.SYMBOL.FIELD, an INI section [instrument.SYMBOL].
 * The symbol is everything between "instrument." and the key's last dot, so BRK.B works. Each
 * field keeps the text it was given (checked for its form when set), so the config stored in a
 * ledger reads back exactly; the fields are checked together, as a contract, when the config
 * is validated, by the same rules as paper_broker_define_instrument() (base/instspec.c).
 */
#include <math.h>
#include <string.h>

#include "base/error.h"
#include "base/instspec.h"
#include "base/nyclose.h"
#include "base/symbol.h"
#include "base/text.h"
#include "base/tstext.h"
#include "config/config.h"
#include "config/config_load.h"

#define PREFIX "instrument."

static const char *const field_names[IF__COUNT] = {
	[IF_ASSET_CLASS] = "asset_class", [IF_MULTIPLIER] = "multiplier",
	[IF_TICK_SIZE] = "tick_size",     [IF_LOT_SIZE] = "lot_size",
	[IF_MIN_QTY] = "min_qty",         [IF_EXPIRY] = "expiry",
	[IF_UNDERLYING] = "underlying",   [IF_RIGHT] = "right",
	[IF_STRIKE] = "strike",           [IF_SETTLEMENT] = "settlement",
	[IF_INITIAL_MARGIN] = "initial_margin",
};

/* Split key into its symbol (copied into sym) and field; false when it is not one of ours. */
static bool split_key(const char *key, char sym[PAPER_SYMBOL_MAX + 1], int *field)
{
	if (key == NULL || strncmp(key, PREFIX, strlen(PREFIX)) != 0)
		return false;
	const char *rest = key + strlen(PREFIX);
	const char *dot = strrchr(rest, '.');
	if (dot == NULL || dot == rest || (size_t)(dot - rest) > PAPER_SYMBOL_MAX)
		return false;
	memcpy(sym, rest, (size_t)(dot - rest));
	sym[dot - rest] = '\0';
	if (!paper__symbol_form(sym))
		return false;
	for (int f = 0; f < IF__COUNT; f++)
		if (strcmp(dot + 1, field_names[f]) == 0) {
			*field = f;
			return true;
		}
	return false;
}

bool paper__config_is_instrument_key(const char *key)
{
	char sym[PAPER_SYMBOL_MAX + 1];
	int f;
	return split_key(key, sym, &f);
}

/* ---- the form of each field ---- */

static bool parse_number(const char *s, double *out)
{
	char *end = NULL;
	if (!paper__text_is_number(s))
		return false;
	double v = g_ascii_strtod(s, &end);
	if (end == s || *end != '\0' || !isfinite(v))
		return false;
	*out = v;
	return true;
}

/* "YYYY-MM-DD" is 16:00 America/New_York that day; else an ISO-8601 UTC time or epoch seconds. */
static bool parse_expiry(const char *s, paper_ts *out)
{
	size_t n = strlen(s);
	if (n == 10 && s[4] == '-' && s[7] == '-') {
		paper_ts day;
		if (ts_parse_date(s, n, &day) != TSP_OK)
			return false;
		int64_t y;
		unsigned m, d;
		ts_civil_from_days(ts_day(day), &y, &m, &d);
		*out = paper__ny_close((int)y, (int)m, (int)d);
		return ts_in_range(*out);
	}
	return ts_parse(s, n, out, NULL) == TSP_OK;
}

static bool parse_right(const char *s, paper_option_right *out)
{
	if (g_ascii_strcasecmp(s, "call") == 0)
		*out = PAPER_RIGHT_CALL;
	else if (g_ascii_strcasecmp(s, "put") == 0)
		*out = PAPER_RIGHT_PUT;
	else
		return false;
	return true;
}

/* Read one field's text into spec; false with *why (static) when its form is wrong. */
static bool read_field(int f, const char *t, paper_instrument_spec *spec, const char **why)
{
	double *num = NULL;
	switch (f) {
	case IF_ASSET_CLASS:
		*why = "must be equity, crypto, future or option";
		return paper_asset_class_parse(t, &spec->asset_class) == PAPER_OK;
	case IF_EXPIRY:
		*why = "must be a date YYYY-MM-DD (16:00 America/New_York), an ISO-8601 UTC time "
		       "(2024-06-21T20:00:00Z) or epoch seconds, from 1970 to 9999";
		return parse_expiry(t, &spec->expiry);
	case IF_UNDERLYING:
		*why = "must be a symbol (1-31 of A-Z a-z 0-9 . _ / : ^ = -)";
		if (!paper__symbol_form(t))
			return false;
		g_strlcpy(spec->underlying, t, sizeof spec->underlying);
		return true;
	case IF_RIGHT:
		*why = "must be call or put";
		return parse_right(t, &spec->right);
	case IF_SETTLEMENT:
		*why = "must be cash";
		spec->settlement = PAPER_SETTLEMENT_CASH;
		return strcmp(t, "cash") == 0;
	case IF_MULTIPLIER: num = &spec->multiplier; break;
	case IF_TICK_SIZE: num = &spec->tick_size; break;
	case IF_LOT_SIZE: num = &spec->lot_size; break;
	case IF_MIN_QTY: num = &spec->min_qty; break;
	case IF_STRIKE: num = &spec->strike; break;
	case IF_INITIAL_MARGIN: num = &spec->initial_margin; break;
	default: return false;
	}
	/* Written down, a size or a strike is a value: 0 is a mistake, not "the default" (which
	 * is leaving the key out). A margin of 0 reserves nothing. */
	bool positive = f != IF_INITIAL_MARGIN;
	*why = positive ? "must be a finite decimal number > 0 (leave the key out for the default)"
			: "must be a finite decimal number";
	return parse_number(t, num) && (!positive || *num > 0);
}

/* ---- the table ---- */

static void instrument_free(gpointer p)
{
	cfg_instrument *in = p;
	for (int f = 0; f < IF__COUNT; f++)
		g_free(in->text[f]);
	g_free(in->symbol);
	g_free(in);
}

void paper__config_instruments_init(paper_config *cfg)
{
	cfg->instruments = g_ptr_array_new_with_free_func(instrument_free);
}

void paper__config_instruments_free(paper_config *cfg)
{
	if (cfg->instruments)
		g_ptr_array_unref(cfg->instruments);
}

void paper__config_instruments_copy(paper_config *to, const paper_config *from)
{
	for (guint i = 0; i < from->instruments->len; i++) {
		const cfg_instrument *s = from->instruments->pdata[i];
		cfg_instrument *c = g_new0(cfg_instrument, 1);
		c->symbol = g_strdup(s->symbol);
		for (int f = 0; f < IF__COUNT; f++)
			c->text[f] = g_strdup(s->text[f]);
		g_ptr_array_add(to->instruments, c);
	}
}

/* Binary search: the index of symbol, or -(insertion point) - 1. */
static gint find(const paper_config *cfg, const char *symbol)
{
	gint lo = 0, hi = (gint)cfg->instruments->len - 1;
	while (lo <= hi) {
		gint mid = lo + (hi - lo) / 2;
		const cfg_instrument *in = cfg->instruments->pdata[mid];
		int c = strcmp(in->symbol, symbol);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -lo - 1;
}

static cfg_instrument *find_or_add(paper_config *cfg, const char *symbol)
{
	gint i = find(cfg, symbol);
	if (i >= 0)
		return cfg->instruments->pdata[i];
	cfg_instrument *in = g_new0(cfg_instrument, 1);
	in->symbol = g_strdup(symbol);
	g_ptr_array_insert(cfg->instruments, -i - 1, in);
	return in;
}

static int unknown(const char *key)
{
	char *shown = paper__text_shown(key ? key : "(null)", PAPER_TEXT_SHOWN_MAX);
	int rc = paper__error(PAPER_ECONFIG, "unknown config key '%s': instrument keys are "
			      "instrument.SYMBOL.FIELD with a valid symbol and FIELD one of "
			      "asset_class, multiplier, tick_size, lot_size, min_qty, expiry, "
			      "underlying, right, strike, settlement, initial_margin", shown);
	g_free(shown);
	return rc;
}

int paper__config_instrument_set(paper_config *cfg, const char *key, const char *text,
				 const char **why_out)
{
	char sym[PAPER_SYMBOL_MAX + 1];
	int f;
	const char *why = "unknown key";
	if (why_out)
		*why_out = why;
	if (!split_key(key, sym, &f))
		return unknown(key);
	why = "must be UTF-8 text";
	char *t = g_utf8_validate(text, -1, NULL) ? g_strstrip(g_strdup(text)) : NULL;
	paper_instrument_spec scratch = PAPER_INSTRUMENT_SPEC_INIT;
	if (t == NULL || !read_field(f, t, &scratch, &why)) {
		if (why_out)
			*why_out = why;
		char *shown = paper__text_shown(text, PAPER_TEXT_SHOWN_MAX);
		int rc = paper__error(PAPER_ECONFIG, "%s = '%s': %s", key, shown, why);
		g_free(shown);
		g_free(t);
		return rc;
	}
	cfg_instrument *in = find_or_add(cfg, sym);
	g_free(in->text[f]);
	in->text[f] = t;
	return PAPER_OK;
}

int paper__config_instrument_get(const paper_config *cfg, const char *key, char **text)
{
	char sym[PAPER_SYMBOL_MAX + 1];
	int f;
	if (!split_key(key, sym, &f))
		return unknown(key);
	gint i = find(cfg, sym);
	const cfg_instrument *in = i >= 0 ? cfg->instruments->pdata[i] : NULL;
	*text = g_strdup(in && in->text[f] ? in->text[f] : "");
	return PAPER_OK;
}

int paper__config_instrument_reset(paper_config *cfg, const char *key)
{
	char sym[PAPER_SYMBOL_MAX + 1];
	int f;
	if (!split_key(key, sym, &f))
		return unknown(key);
	gint i = find(cfg, sym);
	if (i < 0)
		return PAPER_OK;
	cfg_instrument *in = cfg->instruments->pdata[i];
	g_free(in->text[f]);
	in->text[f] = NULL;
	bool any = false;
	for (int k = 0; k < IF__COUNT; k++)
		any = any || in->text[k] != NULL;
	if (!any)
		g_ptr_array_remove_index(cfg->instruments, (guint)i);
	return PAPER_OK;
}

/* ---- from a contract ---- */

const char *paper__config_instrument_field(int f)
{
	return f >= 0 && f < IF__COUNT ? field_names[f] : NULL;
}

static char *number_text(double v)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	return g_strdup(g_ascii_dtostr(buf, sizeof buf, v)); /* the shortest text that reads back */
}

/* The text of field f of the resolved spec r, or NULL when the field keeps its default. */
static char *field_text(int f, const paper_instrument_spec *r)
{
	char when[TS_TEXT_CAP];
	switch (f) {
	case IF_ASSET_CLASS: return g_strdup(paper_asset_class_str(r->asset_class));
	case IF_MULTIPLIER: return r->multiplier > 0 ? number_text(r->multiplier) : NULL;
	case IF_TICK_SIZE: return r->tick_size > 0 ? number_text(r->tick_size) : NULL;
	case IF_LOT_SIZE: return r->lot_size > 0 ? number_text(r->lot_size) : NULL;
	case IF_MIN_QTY: return r->min_qty > 0 ? number_text(r->min_qty) : NULL;
	case IF_STRIKE: return r->strike > 0 ? number_text(r->strike) : NULL;
	case IF_INITIAL_MARGIN: return r->initial_margin != 0 ? number_text(r->initial_margin) : NULL;
	case IF_EXPIRY:
		if (r->expiry == 0)
			return NULL;
		ts_format(when, r->expiry);
		return g_strdup(when);
	case IF_UNDERLYING: return r->underlying[0] ? g_strdup(r->underlying) : NULL;
	case IF_RIGHT:
		return r->right == PAPER_RIGHT_NONE ? NULL
		       : g_strdup(r->right == PAPER_RIGHT_CALL ? "call" : "put");
	case IF_SETTLEMENT: return r->settlement == PAPER_SETTLEMENT_CASH ? g_strdup("cash") : NULL;
	default: return NULL;
	}
}

void paper__config_instrument_define(paper_config *cfg, const char *symbol,
				     const paper_instrument_spec *r)
{
	cfg_instrument *in = find_or_add(cfg, symbol);
	for (int f = 0; f < IF__COUNT; f++) {
		g_free(in->text[f]);
		in->text[f] = field_text(f, r);
	}
}

/* ---- as contracts ---- */

size_t paper__config_instrument_count(const paper_config *cfg)
{
	return cfg->instruments->len;
}

int paper__config_instrument_at(const paper_config *cfg, size_t i, const char **symbol,
				paper_instrument_spec *out)
{
	const cfg_instrument *in = cfg->instruments->pdata[i];
	paper_instrument_spec s = PAPER_INSTRUMENT_SPEC_INIT;
	const char *why;
	for (int f = 0; f < IF__COUNT; f++)
		if (in->text[f] && !read_field(f, in->text[f], &s, &why))
			return paper__error(PAPER_ECONFIG, "instrument.%s.%s = '%s': %s", in->symbol,
					    field_names[f], in->text[f], why);
	*symbol = in->symbol;
	return paper__instrument_resolve(in->symbol, &s, out);
}

void paper__config_instruments_validate(paper_config *cfg)
{
	for (guint i = 0; i < cfg->instruments->len; i++) {
		const char *sym;
		paper_instrument_spec s = PAPER_INSTRUMENT_SPEC_INIT;
		if (paper__config_instrument_at(cfg, i, &sym, &s) == PAPER_OK)
			continue;
		const cfg_instrument *in = cfg->instruments->pdata[i];
		cfg_violation *c = g_new0(cfg_violation, 1);
		c->code = PAPER_ECONFIG;
		c->key = g_strdup_printf("[" PREFIX "%s]", in->symbol);
		c->value = g_strdup("");
		c->reason = g_strdup(paper_last_error());
		g_ptr_array_add(cfg->violations, c);
	}
}

int paper__config_each_instrument_key(const paper_config *cfg, cfg_kv_cb cb, void *ctx)
{
	for (guint i = 0; i < cfg->instruments->len; i++) {
		const cfg_instrument *in = cfg->instruments->pdata[i];
		for (int f = 0; f < IF__COUNT; f++) {
			if (in->text[f] == NULL)
				continue;
			char *key = g_strdup_printf(PREFIX "%s.%s", in->symbol, field_names[f]);
			int rc = cb(ctx, key, in->text[f]);
			g_free(key);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

static int append_line(void *ctx, const char *key, const char *value)
{
	g_string_append_printf(ctx, "%s=%s\n", key, value);
	return 0;
}

char *paper__config_instruments_text(const paper_config *cfg)
{
	GString *g = g_string_new(NULL);
	paper__config_each_instrument_key(cfg, append_line, g);
	return g_string_free(g, FALSE);
}
