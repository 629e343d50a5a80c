/*
 * The session: which signals to trade, how big, and the entry orders. The exit rules are in
 * session_exits.c, the counters and the summary in session_summary.c. The session changes the
 * broker only through broker functions; it reads the broker's state directly (positions,
 * marks, open orders) because it does so on every bar.
 */
#include "sim/session.h"

#include <math.h>
#include <string.h>

#include "base/error.h"
#include "base/fixed.h"
#include "base/tstext.h"
#include "base/text.h"
#include "config/config.h"
#include "market/account.h"
#include "market/broker_store.h"
#include "market/instrument.h"
#include "market/orders.h"

/* Fraction sizing: confidence is measured against this "full conviction" level. */
#define FULL_CONFIDENCE 0.8
/* The fraction cap is met from below: the broker compares in doubles, so leave it an ulp. */
#define CAP_MARGIN (1.0 - 1e-9)
/* Sizes are clamped to the largest order quantity any config allows (1e9 units). */
#define MAX_QTY (INT64_C(1000000000) * FX_SCALE)

/* ---- creation ---- */

static int64_t fx_of(double x)
{
	int64_t v = 0;
	fx_from_double(x, &v);
	return v;
}

static void cfg_load(sess_cfg *c, const paper_config *cfg)
{
	const char *sizing = cfg_str(cfg, K_SESSION_SIZING);
	c->sizing = strcmp(sizing, "fraction") == 0 ? 1 : strcmp(sizing, "qty") == 0 ? 2 : 0;
	c->notional = fx_of(cfg_double(cfg, K_SESSION_NOTIONAL));
	c->qty = fx_of(cfg_double(cfg, K_SESSION_QTY));
	c->fraction_base = cfg_double(cfg, K_SESSION_FRACTION_BASE);
	c->tp_rate = fx_of(cfg_double(cfg, K_SESSION_TP_PCT) / 100.0);
	c->sl_rate = fx_of(cfg_double(cfg, K_SESSION_SL_PCT) / 100.0);
	c->trail_rate = fx_of(cfg_double(cfg, K_SESSION_TRAILING_PCT) / 100.0);
	c->max_hold = cfg_int(cfg, K_SESSION_MAX_HOLD_MINUTES) * 60 * PAPER_TS_PER_SECOND;
	c->use_signal_targets = cfg_bool(cfg, K_SESSION_USE_SIGNAL_TARGETS);
	c->next_bar = strcmp(cfg_str(cfg, K_SESSION_EXITS_FROM), "next_bar") == 0;
	c->reverse_exit = strcmp(cfg_str(cfg, K_SESSION_ON_REVERSE), "exit") == 0;
	c->lot = fx_of(cfg_double(cfg, K_SESSION_LOT_SIZE));
	c->min_confidence = cfg_bool(cfg, K_LIMITS_AGGRESSIVE) ? 0.0
				: cfg_double(cfg, K_LIMITS_MIN_CONFIDENCE);
	c->max_position_fraction = cfg_double(cfg, K_LIMITS_MAX_POSITION_FRACTION);
	c->optimistic = strcmp(cfg_str(cfg, K_ENGINE_INTRABAR), "optimistic") == 0;
}

PAPER_API int paper_session_new(paper_session **out, paper_broker *b)
{
	PAPER__CHECK_NULL(out, "out");
	PAPER__CHECK_NULL(b, "broker");
	paper_session *s = g_new0(paper_session, 1);
	s->b = b;
	cfg_load(&s->c, paper__broker_config(b));
	s->enabled = true;
	s->lots = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	s->signal_ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	/* Trades closed before the session existed are not its own. */
	s->trades_seen = b->n_trades;
	s->st.version = PAPER_SESSION_STATS_VERSION;
	session__adopt(s);
	*out = s;
	return PAPER_OK;
}

PAPER_API void paper_session_free(paper_session *s)
{
	if (s == NULL)
		return;
	g_hash_table_unref(s->lots);
	g_hash_table_unref(s->signal_ids);
	g_free(s->pos);
	g_free(s);
}

PAPER_API paper_broker *paper_session_broker(const paper_session *s)
{
	return s ? s->b : NULL;
}

PAPER_API int paper_session_set_enabled(paper_session *s, bool enabled)
{
	PAPER__CHECK_NULL(s, "session");
	s->enabled = enabled;
	return PAPER_OK;
}

PAPER_API int paper_session_set_symbol_lot(paper_session *s, const char *symbol, double lot_size,
					   bool fractional)
{
	PAPER__CHECK_NULL(s, "session");
	if (!paper__symbol_valid(symbol))
		return paper__error(PAPER_EINVAL, "symbol '%s' is not a valid symbol",
				    symbol ? symbol : "(null)");
	int64_t lot;
	if (!fx_from_double(lot_size, &lot) || lot < 1 || lot_size > 1e9)
		return paper__error(PAPER_EQTY, "%s: lot size must be in [1e-8, 1e9] (got %g)", symbol,
				    lot_size);
	if (!fractional && lot % FX_SCALE != 0)
		return paper__error(PAPER_EQTY, "%s: lot size %g is not a whole number of units; pass "
				    "fractional = true to trade fractions", symbol, lot_size);
	int64_t *l = g_new(int64_t, 1);
	*l = lot;
	g_hash_table_replace(s->lots, g_strdup(symbol), l);
	return PAPER_OK;
}

/* ---- checks ---- */

static int64_t find_sym(const paper_broker *b, const char *name)
{
	return paper__broker_symbol_find(b, name);
}

static int check_dir(paper_direction d, const char *what)
{
	if (d != PAPER_LONG && d != PAPER_SHORT)
		return paper__error(PAPER_EINVAL, "%s direction %d is not long or short", what, (int)d);
	return PAPER_OK;
}

/* Absolute exit levels: finite, >= 0, and on the right sides of each other. */
static int check_levels(const char *sym, paper_direction d, double tp, double sl)
{
	if (!isfinite(tp) || !isfinite(sl) || tp < 0 || sl < 0 || tp > FX_MAX_DOUBLE ||
	    sl > FX_MAX_DOUBLE)
		return paper__error(PAPER_EPRICE, "%s: take_profit %g and stop_loss %g must be prices "
				    "> 0, or 0 for none", sym, tp, sl);
	if (tp > 0 && sl > 0 && (d == PAPER_LONG ? tp <= sl : tp >= sl))
		return paper__error(PAPER_EPRICE, "%s: a %s take_profit (%g) must be %s its stop_loss "
				    "(%g)", sym, d == PAPER_LONG ? "long" : "short", tp,
				    d == PAPER_LONG ? "above" : "below", sl);
	return PAPER_OK;
}

/* The signal's reference price in fixed point: version 1 signals have none (0). */
static int64_t signal_ref(const paper_signal *sig)
{
	int64_t v = 0;
	if (sig->version >= 2)
		fx_from_double(sig->ref_price, &v);
	return v;
}

static int check_signal(const paper_signal *sig)
{
	PAPER__CHECK_NULL(sig, "signal");
	if (sig->version != 1 && sig->version != PAPER_SIGNAL_VERSION)
		return paper__error(PAPER_EVERSION, "paper_signal version %u unsupported (expected 1 "
				    "or %u)", sig->version, PAPER_SIGNAL_VERSION);
	if (sig->version >= 2 && !(sig->ref_price >= 0 && sig->ref_price <= FX_MAX_DOUBLE))
		return paper__error(PAPER_EPRICE, "%s: ref_price must be a price > 0, or 0 for the "
				    "latest price (got %g)", sig->symbol ? sig->symbol : "(null)",
				    sig->ref_price);
	if (!paper__symbol_valid(sig->symbol))
		return paper__error(PAPER_EINVAL, "signal symbol '%s' is not a valid symbol",
				    sig->symbol ? sig->symbol : "(null)");
	int rc = check_dir(sig->direction, "signal");
	if (rc != PAPER_OK)
		return rc;
	if (isnan(sig->confidence) || sig->confidence > 1.0)
		return paper__error(PAPER_EINVAL, "%s: confidence must be in [0, 1], or negative for "
				    "none (got %g)", sig->symbol, sig->confidence);
	if (!(sig->risk >= 0.0 && sig->risk <= 1.0))
		return paper__error(PAPER_EINVAL, "%s: risk must be in [0, 1] (got %g)", sig->symbol,
				    sig->risk);
	if (sig->ts < 0)
		return paper__error(PAPER_ETIME, "%s: signal time %" G_GINT64_FORMAT " is negative",
				    sig->symbol, sig->ts);
	if (!ts_in_range(sig->ts))
		return ts_range_error(sig->symbol, sig->ts);
	if ((rc = paper__text_arg("signal_id", sig->signal_id)) ||
	    (rc = paper__text_arg("strategy", sig->strategy)))
		return rc;
	return check_levels(sig->symbol, sig->direction, sig->take_profit, sig->stop_loss);
}

/* The direction the symbol is held or being entered in: +1, -1, or 0 when neither. */
static int held_dir(const paper_session *s, int64_t sym)
{
	if (sym < 0)
		return 0;
	int64_t q = s->b->syms[sym].pos.qty;
	if (q != 0)
		return q > 0 ? 1 : -1;
	return (uint32_t)sym < s->n_pos && s->pos[sym].state != SS_FLAT ? s->pos[sym].dir : 0;
}

/*
 * The should-trade rules, in the order documented (paper_session_should_trade()). sym is
 * find_sym(symbol), looked up once by the caller: a signal's path used to look the same name
 * up nine times, a tenth of its cost.
 */
static paper_verdict verdict_of(const paper_session *s, const char *symbol, int64_t sym,
				double confidence, const char *id, bool check_confidence)
{
	if (!s->enabled)
		return PAPER_VERDICT_DISABLED;
	if (check_confidence && confidence >= 0.0 && confidence < s->c.min_confidence)
		return PAPER_VERDICT_LOW_CONFIDENCE;
	if (held_dir(s, sym) != 0)
		return PAPER_VERDICT_POSITION_OPEN;
	/* The symbol or its underlying (an option of a listed stock is allowed). */
	if (!instrument_allowed(s->b, sym, symbol))
		return PAPER_VERDICT_SYMBOL_NOT_ALLOWED;
	if (id && *id && g_hash_table_contains(s->signal_ids, id))
		return PAPER_VERDICT_DUPLICATE_SIGNAL;
	return PAPER_VERDICT_TRADE;
}

PAPER_API int paper_session_should_trade(const paper_session *s, const paper_signal *sig,
					 paper_verdict *out)
{
	PAPER__CHECK_NULL(s, "session");
	PAPER__CHECK_NULL(out, "out");
	int rc = check_signal(sig);
	if (rc != PAPER_OK)
		return rc;
	*out = verdict_of(s, sig->symbol, find_sym(s->b, sig->symbol), sig->confidence,
			  sig->signal_id, true);
	return PAPER_OK;
}

/* ---- sizing ---- */

/* The contract of symbol index sym, or NULL when the broker does not know it yet (sym < 0). */
static const contract *contract_of(const paper_session *s, int64_t sym)
{
	return sym < 0 ? NULL : &s->b->syms[sym].c;
}

/* The lot an entry rounds down to: the symbol's own (paper_session_set_symbol_lot()), else
 * its instrument's when it has one (a definition, an OCC symbol), else session.lot_size. */
static int64_t lot_of(const paper_session *s, const char *symbol, int64_t sym)
{
	const int64_t *l = g_hash_table_lookup(s->lots, symbol);
	const contract *c = l ? NULL : contract_of(s, sym);
	if (c && c->origin != PAPER_INSTRUMENT_DEFAULT)
		return c->lot;
	return l ? *l : s->c.lot;
}

/* Below the instrument's minimum quantity an entry is not made (size_zero). */
static int64_t at_least_min(const paper_session *s, int64_t sym, int64_t qty)
{
	const contract *c = contract_of(s, sym);
	return c && qty < c->min_qty ? 0 : qty;
}

/* Money per unit of price per unit of quantity (1e-8 units). */
static int64_t mult_of(const paper_session *s, int64_t sym)
{
	const contract *c = contract_of(s, sym);
	return c ? c->mult : FX_SCALE;
}

/* The price an entry of direction dir is sized at: the last close, or the ask / bid. */
static int64_t ref_price(const instrument *in, int dir)
{
	if (!in->has_data)
		return 0;
	if (in->last_is_bar)
		return in->mark;
	return dir > 0 ? in->ask : in->bid;
}

/* Units of notional at price (times the contract's multiplier), rounded down to the lot. */
static int64_t qty_for(int64_t notional, int64_t price, int64_t mult, int64_t lot)
{
	if (notional <= 0 || price <= 0)
		return 0;
	fx_wide raw = mult == FX_SCALE
			      ? (fx_wide)notional * FX_SCALE / price
			      : (fx_wide)notional * FX_SCALE * FX_SCALE / ((fx_wide)price * mult);
	if (raw > MAX_QTY)
		raw = MAX_QTY;
	return (int64_t)raw / lot * lot;
}

static int64_t amount_of(double equity_share)
{
	return equity_share > 0 ? (int64_t)floor(equity_share < 9e18 ? equity_share : 9e18) : 0;
}

/*
 * The entry size of a signal sized at price ref, by session.sizing; market is the price the
 * broker values the position at. Fraction sizing is capped at limits.max_position_fraction
 * of equity at the market price, where the broker checks it: sized at a decision's older,
 * lower price, the capped entry would otherwise pass the limit by the price's rise.
 */
static int64_t signal_qty(const paper_session *s, const char *symbol, int64_t sym,
			  double confidence, double risk, int64_t ref, int64_t market)
{
	int64_t lot = lot_of(s, symbol, sym), mult = mult_of(s, sym);

	if (s->c.sizing == 2)
		return at_least_min(s, sym, s->c.qty / lot * lot);
	if (s->c.sizing == 0)
		return at_least_min(s, sym, qty_for(s->c.notional, ref, mult, lot));
	double f = s->c.fraction_base * (confidence < 0.0 ? 1.0 : confidence / FULL_CONFIDENCE) *
		   (1.0 - 0.5 * risk);
	double cap = s->c.max_position_fraction * CAP_MARGIN;
	double equity = (double)account_equity(s->b);
	int64_t qty = qty_for(amount_of(equity * (f < cap ? f : cap)), ref, mult, lot);
	int64_t capped = qty_for(amount_of(equity * cap), market, mult, lot);
	return at_least_min(s, sym, qty < capped ? qty : capped);
}

static int no_data(const char *symbol)
{
	return paper__error(PAPER_ENODATA, "no market data for %s to size the entry at", symbol);
}

PAPER_API int paper_session_size(const paper_session *s, const paper_signal *sig, double *qty_out)
{
	PAPER__CHECK_NULL(s, "session");
	PAPER__CHECK_NULL(qty_out, "qty_out");
	int rc = check_signal(sig);
	if (rc != PAPER_OK)
		return rc;
	int64_t sym = find_sym(s->b, sig->symbol);
	int dir = sig->direction == PAPER_LONG ? 1 : -1;
	int64_t ref = sym < 0 ? 0 : ref_price(&s->b->syms[sym], dir);
	if (ref <= 0)
		return no_data(sig->symbol);
	int64_t given = signal_ref(sig);
	*qty_out = fx_to_double(signal_qty(s, sig->symbol, sym, sig->confidence, sig->risk,
					   given ? given : ref, ref));
	return PAPER_OK;
}

/* ---- entries ---- */

typedef struct entry {
	const char *symbol;
	int dir;
	int64_t qty, limit;   /* limit 0: market */
	paper_ts ts;
	double confidence;
	const char *signal_id, *strategy;
	int64_t tp, sl;       /* absolute levels asked for, 0: none given */
	bool explicit_levels;
	paper_ts max_hold;
	int64_t sym;          /* the symbol's index when known before the order, else -1 */
} entry;

static int submit_entry(paper_session *s, const entry *e, uint64_t *order_id_out)
{
	paper_order_request req = PAPER_ORDER_REQUEST_INIT;
	req.symbol = e->symbol;
	req.side = e->dir > 0 ? PAPER_SIDE_BUY : PAPER_SIDE_SELL;
	req.type = e->limit ? PAPER_ORDER_LIMIT : PAPER_ORDER_MARKET;
	req.qty = fx_to_double(e->qty);
	req.limit_price = fx_to_double(e->limit);
	req.ts = e->ts;
	req.confidence = e->confidence;
	req.signal_id = e->signal_id;
	req.strategy = e->strategy;
	/* Recorded with the order, so the levels outlive this session (session__adopt()). */
	exit_plan plan = { .kind = e->explicit_levels ? PLAN_EXPLICIT : PLAN_SESSION, .tp = e->tp,
			   .sl = e->sl, .max_hold = e->max_hold };
	uint64_t id = 0;
	int rc = paper__broker_submit_planned(s->b, &req, &plan, &id);
	if (rc != PAPER_OK)
		return rc;
	/* An intent may name a symbol the broker first meets with its order. */
	sess_pos *p = session__pos(s, e->sym >= 0 ? (uint32_t)e->sym
					       : paper__broker_symbol(s->b, e->symbol));
	*p = (sess_pos){ .state = SS_PENDING, .dir = (int8_t)e->dir, .entry_limit = e->limit != 0,
			 .explicit_levels = e->explicit_levels, .entry_order = id,
			 .tp_given = e->tp, .sl_given = e->sl, .max_hold = e->max_hold };
	if (e->signal_id && *e->signal_id)
		g_hash_table_add(s->signal_ids, g_strdup(e->signal_id));
	s->st.entries++;
	if (order_id_out)
		*order_id_out = id;
	return PAPER_OK;
}

/* Size and submit an entry for a signal that passed should-trade. */
static int enter_signal(paper_session *s, const paper_signal *sig, int64_t sym, paper_verdict *v,
			uint64_t *order_id_out)
{
	int dir = sig->direction == PAPER_LONG ? 1 : -1;
	int64_t ref = sym < 0 ? 0 : ref_price(&s->b->syms[sym], dir);
	if (ref <= 0) {
		*v = PAPER_VERDICT_REJECTED;
		return no_data(sig->symbol);
	}
	/* Sized at the signal's own price when it gives one; it fills on the next data anyway. */
	int64_t given = signal_ref(sig);
	entry e = { .symbol = sig->symbol, .dir = dir, .ts = sig->ts, .confidence = sig->confidence,
		    .signal_id = sig->signal_id, .strategy = sig->strategy,
		    .qty = signal_qty(s, sig->symbol, sym, sig->confidence, sig->risk,
				      given ? given : ref, ref),
		    .max_hold = s->c.max_hold, .sym = sym };
	if (e.qty <= 0) {
		*v = PAPER_VERDICT_SIZE_ZERO;
		return PAPER_OK;
	}
	if (s->c.use_signal_targets) {
		fx_from_double(sig->take_profit, &e.tp);
		fx_from_double(sig->stop_loss, &e.sl);
	}
	int rc = submit_entry(s, &e, order_id_out);
	*v = rc == PAPER_OK ? PAPER_VERDICT_TRADE : PAPER_VERDICT_REJECTED;
	return rc;
}

/* An opposite signal: cancel an entry still waiting, or close the position by market order. */
static int reverse(paper_session *s, const paper_signal *sig, int64_t sym, paper_verdict *v,
		   uint64_t *order_id_out)
{
	sess_pos *p = session__pos(s, (uint32_t)sym);
	int64_t q = s->b->syms[sym].pos.qty;
	int rc = PAPER_OK;

	*v = PAPER_VERDICT_REVERSE_EXIT;
	if (p->state != SS_FLAT && p->entry_order && orders_find_open(s->b, p->entry_order))
		rc = paper_broker_cancel(s->b, p->entry_order);
	p->entry_order = 0;
	if (rc != PAPER_OK || q == 0) {
		if (p->state == SS_PENDING) {
			p->state = SS_FLAT;
			s->st.entries_failed++;
		}
		return rc;
	}
	if (p->exit_order && orders_find_open(s->b, p->exit_order)) {
		*v = PAPER_VERDICT_POSITION_OPEN; /* already on its way out */
		return PAPER_OK;
	}
	paper_order_request req = PAPER_ORDER_REQUEST_INIT;
	req.symbol = sig->symbol;
	req.side = q > 0 ? PAPER_SIDE_SELL : PAPER_SIDE_BUY;
	req.qty = fx_to_double(fx_abs(q));
	req.ts = sig->ts;
	req.exit_reason = PAPER_EXIT_REVERSE_SIGNAL;
	req.signal_id = sig->signal_id;
	req.strategy = sig->strategy;
	rc = paper_broker_submit(s->b, &req, &p->exit_order);
	if (rc == PAPER_OK && order_id_out)
		*order_id_out = p->exit_order;
	return rc;
}

static int act(paper_session *s, const paper_signal *sig, bool reverses, paper_verdict *v,
	       uint64_t *order_id_out)
{
	int64_t sym = find_sym(s->b, sig->symbol);
	*v = verdict_of(s, sig->symbol, sym, sig->confidence, sig->signal_id, true);
	if (*v == PAPER_VERDICT_TRADE)
		return enter_signal(s, sig, sym, v, order_id_out);
	if (*v != PAPER_VERDICT_POSITION_OPEN || !reverses)
		return PAPER_OK;
	int want = sig->direction == PAPER_LONG ? 1 : -1;
	if (held_dir(s, sym) == want)
		return PAPER_OK;
	if (!s->c.reverse_exit) {
		*v = PAPER_VERDICT_REVERSE_IGNORED;
		return PAPER_OK;
	}
	return reverse(s, sig, sym, v, order_id_out);
}

static int signal_call(paper_session *s, const paper_signal *sig, bool reverses,
		       paper_verdict *verdict_out, uint64_t *order_id_out)
{
	PAPER__CHECK_NULL(s, "session");
	int rc = check_signal(sig);
	if (rc != PAPER_OK)
		return rc;
	paper_verdict v = PAPER_VERDICT_TRADE;
	if (order_id_out)
		*order_id_out = 0;
	rc = act(s, sig, reverses, &v, order_id_out);
	s->st.signals++;
	s->st.verdicts[v]++;
	if (verdict_out)
		*verdict_out = v;
	session__collect(s);
	return rc;
}

PAPER_API int paper_session_enter(paper_session *s, const paper_signal *sig,
				  paper_verdict *verdict_out, uint64_t *order_id_out)
{
	return signal_call(s, sig, false, verdict_out, order_id_out);
}

PAPER_API int paper_session_on_signal(paper_session *s, const paper_signal *sig,
				      paper_verdict *verdict_out, uint64_t *order_id_out)
{
	return signal_call(s, sig, true, verdict_out, order_id_out);
}

/* ---- intents ---- */

static int check_intent(const paper_intent *it)
{
	PAPER__CHECK_NULL(it, "intent");
	if (it->version != PAPER_INTENT_VERSION)
		return paper__error(PAPER_EVERSION, "paper_intent version %u unsupported (expected %u)",
				    it->version, PAPER_INTENT_VERSION);
	if (!paper__symbol_valid(it->symbol))
		return paper__error(PAPER_EINVAL, "intent symbol '%s' is not a valid symbol",
				    it->symbol ? it->symbol : "(null)");
	int rc = check_dir(it->direction, "intent");
	if (rc != PAPER_OK)
		return rc;
	bool has_qty = it->qty != 0.0, has_notional = it->notional != 0.0;
	if (has_qty == has_notional || !(it->qty >= 0 && it->qty <= 1e9) ||
	    !(it->notional >= 0 && it->notional <= 1e10))
		return paper__error(PAPER_EQTY, "%s: give exactly one of qty (<= 1e9) and notional "
				    "(<= 1e10), > 0 (got qty %g, notional %g)", it->symbol, it->qty,
				    it->notional);
	if (!isfinite(it->limit_price) || it->limit_price < 0 || it->limit_price > FX_MAX_DOUBLE)
		return paper__error(PAPER_EPRICE, "%s: limit_price must be a price > 0, or 0 for a "
				    "market entry (got %g)", it->symbol, it->limit_price);
	if (it->max_hold < 0 || it->ts < 0)
		return paper__error(PAPER_EINVAL, "%s: max_hold and ts must not be negative",
				    it->symbol);
	/* A hold up to the whole range: entry time + hold stays inside int64. */
	if (it->max_hold > PAPER_TS_MAX)
		return paper__error(PAPER_EINVAL, "%s: max_hold %" G_GINT64_FORMAT " is longer than "
				    "the range of times (%" G_GINT64_FORMAT ")", it->symbol, it->max_hold,
				    PAPER_TS_MAX);
	if (!ts_in_range(it->ts))
		return ts_range_error(it->symbol, it->ts);
	if ((rc = paper__text_arg("signal_id", it->signal_id)) ||
	    (rc = paper__text_arg("strategy", it->strategy)))
		return rc;
	return check_levels(it->symbol, it->direction, it->take_profit, it->stop_loss);
}

/* The quantity of an intent: given, or notional at the limit (else the current price). */
static int intent_qty(const paper_session *s, const paper_intent *it, int64_t limit, int64_t *qty)
{
	int64_t sym = find_sym(s->b, it->symbol), notional = 0;
	int64_t lot = lot_of(s, it->symbol, sym);
	if (it->qty != 0.0) {
		fx_from_double(it->qty, qty);
		*qty = at_least_min(s, sym, *qty / lot * lot);
		return PAPER_OK;
	}
	int64_t ref = limit ? limit
			    : sym < 0 ? 0 : ref_price(&s->b->syms[sym], it->direction == PAPER_LONG ? 1 : -1);
	if (ref <= 0)
		return no_data(it->symbol);
	fx_from_double(it->notional, &notional);
	*qty = at_least_min(s, sym, qty_for(notional, ref, mult_of(s, sym), lot));
	return PAPER_OK;
}

static int intent_call(paper_session *s, const paper_intent *it, paper_verdict *v,
		       uint64_t *order_id_out)
{
	*v = verdict_of(s, it->symbol, find_sym(s->b, it->symbol), -1.0, it->signal_id, false);
	if (*v != PAPER_VERDICT_TRADE)
		return PAPER_OK;
	entry e = { .symbol = it->symbol, .dir = it->direction == PAPER_LONG ? 1 : -1, .ts = it->ts,
		    .confidence = -1.0, .signal_id = it->signal_id, .strategy = it->strategy,
		    .explicit_levels = true, .max_hold = it->max_hold, .sym = -1 };
	fx_from_double(it->limit_price, &e.limit);
	fx_from_double(it->take_profit, &e.tp);
	fx_from_double(it->stop_loss, &e.sl);
	int rc = intent_qty(s, it, e.limit, &e.qty);
	if (rc != PAPER_OK) {
		*v = PAPER_VERDICT_REJECTED;
		return rc;
	}
	if (e.qty <= 0) {
		*v = PAPER_VERDICT_SIZE_ZERO;
		return PAPER_OK;
	}
	rc = submit_entry(s, &e, order_id_out);
	*v = rc == PAPER_OK ? PAPER_VERDICT_TRADE : PAPER_VERDICT_REJECTED;
	return rc;
}

PAPER_API int paper_session_submit_intent(paper_session *s, const paper_intent *it,
					  paper_verdict *verdict_out, uint64_t *order_id_out)
{
	PAPER__CHECK_NULL(s, "session");
	int rc = check_intent(it);
	if (rc != PAPER_OK)
		return rc;
	paper_verdict v = PAPER_VERDICT_TRADE;
	if (order_id_out)
		*order_id_out = 0;
	rc = intent_call(s, it, &v, order_id_out);
	s->st.intents++;
	if (verdict_out)
		*verdict_out = v;
	session__collect(s);
	return rc;
}
