/*
 * Instrument specs: each field checked against its range and its asset class, defaults filled
 * in. Quantities and sizes are compared as the broker will hold them, in 1e-8 units, so a
 * minimum that "is" a multiple of the lot in decimal is one in fixed point too.
 */
#include "base/instspec.h"

#include <glib.h>
#include <math.h>
#include <string.h>

#include "base/error.h"
#include "base/fixed.h"
#include "base/occ.h"
#include "base/symbol.h"
#include "base/tstext.h"

static int bad(const char *symbol, const char *field, double v, const char *rule)
{
	return paper__error(PAPER_EINVAL, "instrument %s: %s %.17g %s", symbol, field, v, rule);
}

/* 0 (the default) or a finite value in [lo, hi] that is at least one unit of 1e-8. */
static int check_size(const char *symbol, const char *field, double v, double lo, double hi)
{
	int64_t fx;
	if (v == 0.0)
		return PAPER_OK;
	if (!isfinite(v) || v < lo || v > hi || !fx_from_double(v, &fx) || fx <= 0) {
		char rule[96];
		g_snprintf(rule, sizeof rule, "must be 0 (the default) or in [%.8g, %.8g]", lo, hi);
		return bad(symbol, field, v, rule);
	}
	return PAPER_OK;
}

static bool valid_class(paper_asset_class c)
{
	return c >= PAPER_ASSET_EQUITY && c <= PAPER_ASSET_OPTION;
}

static int check_option_fields(const char *symbol, const paper_instrument_spec *s)
{
	bool option = s->asset_class == PAPER_ASSET_OPTION;
	bool future = s->asset_class == PAPER_ASSET_FUTURE;
	int64_t strike;

	if (option) {
		if (s->right != PAPER_RIGHT_CALL && s->right != PAPER_RIGHT_PUT)
			return paper__error(PAPER_EINVAL, "instrument %s: an option's right must be "
					    "call or put (got %d)", symbol, (int)s->right);
		if (!isfinite(s->strike) || !fx_from_double(s->strike, &strike) || strike <= 0 ||
		    strike > FX_PRICE_MAX)
			return bad(symbol, "strike", s->strike, "must be a price > 0");
		if (s->expiry == 0)
			return paper__error(PAPER_EINVAL, "instrument %s: an option needs an expiry",
					    symbol);
		if (s->underlying[0] == '\0')
			return paper__error(PAPER_EINVAL, "instrument %s: an option needs an "
					    "underlying", symbol);
	} else {
		if (s->right != PAPER_RIGHT_NONE)
			return paper__error(PAPER_EINVAL, "instrument %s: a right is for options only",
					    symbol);
		if (s->strike != 0.0)
			return bad(symbol, "strike", s->strike, "is for options only");
		if (!future && s->underlying[0] != '\0')
			return paper__error(PAPER_EINVAL, "instrument %s: an underlying is for options "
					    "and futures only", symbol);
		if (!future && s->expiry != 0)
			return paper__error(PAPER_EINVAL, "instrument %s: an expiry is for options and "
					    "futures only", symbol);
	}
	if (!future && s->initial_margin != 0.0)
		return bad(symbol, "initial_margin", s->initial_margin, "is for futures only");
	return PAPER_OK;
}

static int check_texts(const char *symbol, const paper_instrument_spec *s)
{
	size_t n = strnlen(s->underlying, sizeof s->underlying);
	if (n == sizeof s->underlying)
		return paper__error(PAPER_EINVAL, "instrument %s: underlying is not NUL-terminated",
				    symbol);
	if (n > 0 && !paper__symbol_form(s->underlying))
		return paper__error(PAPER_EINVAL, "instrument %s: underlying '%s' is not a valid "
				    "symbol", symbol, s->underlying);
	if (n > 0 && strcmp(s->underlying, symbol) == 0)
		return paper__error(PAPER_EINVAL, "instrument %s: an instrument cannot be its own "
				    "underlying", symbol);
	return PAPER_OK;
}

static int check_numbers(const char *symbol, const paper_instrument_spec *s)
{
	int rc;
	if ((rc = check_size(symbol, "multiplier", s->multiplier, 1e-8, INSTSPEC_MULT_MAX)) ||
	    (rc = check_size(symbol, "tick_size", s->tick_size, 1e-8, INSTSPEC_TICK_MAX)) ||
	    (rc = check_size(symbol, "lot_size", s->lot_size, 1e-8, INSTSPEC_LOT_MAX)) ||
	    (rc = check_size(symbol, "min_qty", s->min_qty, 1e-8, INSTSPEC_LOT_MAX)))
		return rc;
	if (!isfinite(s->initial_margin) || s->initial_margin < 0.0 ||
	    s->initial_margin > INSTSPEC_MARGIN_MAX)
		return bad(symbol, "initial_margin", s->initial_margin, "must be in [0, 1e9]");
	if (s->expiry < 0 || s->expiry > PAPER_TS_MAX)
		return ts_range_error(symbol, s->expiry);
	if (s->settlement != 0 && s->settlement != PAPER_SETTLEMENT_CASH)
		return paper__error(PAPER_EINVAL, "instrument %s: settlement %d unknown", symbol,
				    (int)s->settlement);
	return PAPER_OK;
}

static double default_lot(paper_asset_class c)
{
	return c == PAPER_ASSET_CRYPTO ? 1e-8 : 1.0;
}

int paper__instrument_resolve(const char *symbol, const paper_instrument_spec *in,
			      paper_instrument_spec *out)
{
	PAPER__CHECK_NULL(in, "spec");
	if (in->version != PAPER_INSTRUMENT_SPEC_VERSION)
		return paper__error(PAPER_EVERSION, "paper_instrument_spec version %u unsupported "
				    "(expected %u)", in->version, PAPER_INSTRUMENT_SPEC_VERSION);
	if (!valid_class(in->asset_class))
		return paper__error(PAPER_EINVAL, "instrument %s: asset class %d unknown", symbol,
				    (int)in->asset_class);
	int rc;
	if ((rc = check_numbers(symbol, in)) || (rc = check_texts(symbol, in)) ||
	    (rc = check_option_fields(symbol, in)))
		return rc;
	paper_instrument_spec r = *in;
	if (r.multiplier == 0.0)
		r.multiplier = r.asset_class == PAPER_ASSET_OPTION ? 100.0 : 1.0;
	if (r.lot_size == 0.0)
		r.lot_size = default_lot(r.asset_class);
	if (r.min_qty == 0.0)
		r.min_qty = r.lot_size;
	if (r.settlement == 0)
		r.settlement = PAPER_SETTLEMENT_CASH;
	int64_t lot, min;
	fx_from_double(r.lot_size, &lot);
	fx_from_double(r.min_qty, &min);
	if (min < lot || min % lot != 0)
		return bad(symbol, "min_qty", r.min_qty, "must be a whole number of lots");
	r.origin = PAPER_INSTRUMENT_DEFINED;
	*out = r;
	return PAPER_OK;
}

void paper__instrument_default(paper_instrument_spec *out)
{
	*out = (paper_instrument_spec)PAPER_INSTRUMENT_SPEC_INIT;
	out->multiplier = 1.0;
	out->lot_size = 1e-8;
	out->min_qty = 1e-8;
}

int paper__instrument_from_occ(const char *symbol, paper_instrument_spec *out)
{
	occ_symbol o;
	const char *why = NULL;
	occ_status st = occ_parse(symbol, &o, &why);
	if (st == OCC_NOT_OCC)
		return paper__error(PAPER_ENOTFOUND, "'%s' is not an OCC option symbol", symbol);
	if (st != OCC_OK)
		return paper__error(PAPER_EFORMAT, "'%s' looks like an OCC option symbol but is not "
				    "one: %s (e.g. SPY240621C00500000: root, YYMMDD, C or P, strike "
				    "x 1000 in 8 digits)", symbol, why);
	paper_instrument_spec s = PAPER_INSTRUMENT_SPEC_INIT;
	s.asset_class = PAPER_ASSET_OPTION;
	s.multiplier = 100.0;
	s.lot_size = 1.0;
	s.min_qty = 1.0;
	s.expiry = o.expiry;
	memcpy(s.underlying, o.root, sizeof o.root);
	s.right = o.call ? PAPER_RIGHT_CALL : PAPER_RIGHT_PUT;
	s.strike = fx_to_double(o.strike);
	s.settlement = PAPER_SETTLEMENT_CASH;
	s.origin = PAPER_INSTRUMENT_OCC;
	*out = s;
	return PAPER_OK;
}
