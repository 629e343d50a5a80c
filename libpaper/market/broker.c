/*
 * The broker: validates requests, turns them and market data into events, and applies events.
 * broker_record() is the single path by which state changes: it applies an event and tells the
 * listener. Commands compute events from the state before them, so a broker replayed from its
 * events reaches the same state.
 */
#include "market/broker.h"
#include "market/broker_fast.h"
#include "market/broker_store.h"

#include <math.h>
#include <string.h>

#include "base/error.h"
#include "base/fixed.h"
#include "base/tstext.h"
#include "base/text.h"
#include "market/account.h"
#include "market/engine.h"
#include "market/instrument.h"
#include "market/log.h"
#include "market/orders.h"
#include "market/risk.h"

#define DAY_US (INT64_C(86400) * PAPER_TS_PER_SECOND)

/* Floor division for any int64 (no negation to overflow at INT64_MIN). */
static int64_t day_of(paper_ts ts)
{
	return ts / DAY_US - (ts % DAY_US < 0);
}

/* ---- events ---- */

/* Where the day's loss passes the limit (broker.h); both within the money limit: it fits. */
static void set_loss_floor(paper_broker *b)
{
	b->loss_floor = b->halted_daily ? INT64_MIN : b->day_start_equity - b->day_loss_allowed;
}

static void notify(paper_broker *b, const event *ev, const trade *t)
{
	if (b->cb == NULL)
		return;
	paper_event pe = { .version = PAPER_EVENT_VERSION, .type = ev->type, .seq = b->seq,
			   .ts = ev->ts, .order_id = ev->order_id };
	switch (ev->type) {
	case PAPER_EVENT_FILL:
		pe.symbol = b->syms[ev->f.sym].name;
		pe.side = ev->f.side;
		pe.qty = fx_to_double(ev->f.qty);
		pe.price = fx_to_double(ev->f.price);
		pe.fee = fx_to_double(ev->f.fee);
		pe.reason = ev->f.reason;
		break;
	case PAPER_EVENT_TRADE_CLOSED:
		pe.order_id = t->id;
		pe.symbol = b->syms[t->sym].name;
		pe.side = t->direction == PAPER_LONG ? PAPER_SIDE_BUY : PAPER_SIDE_SELL;
		pe.qty = fx_to_double(t->qty);
		pe.fee = fx_to_double(t->fees);
		pe.reason = t->exit_reason;
		pe.equity = fx_to_double(t->pnl - t->fees);
		break;
	case PAPER_EVENT_SNAPSHOT:
		pe.equity = fx_to_double(ev->equity);
		break;
	case PAPER_EVENT_HALT:
		pe.reason = ev->reason;
		break;
	case PAPER_EVENT_ACCOUNT_RESTORED:
		pe.equity = fx_to_double(ev->cash);
		pe.fee = fx_to_double(ev->fees);
		break;
	case PAPER_EVENT_POSITION_RESTORED:
		pe.symbol = b->syms[ev->sym].name;
		pe.side = ev->pos->qty > 0 ? PAPER_SIDE_BUY : PAPER_SIDE_SELL;
		pe.qty = fx_to_double(fx_abs(ev->pos->qty));
		break;
	default:
		pe.symbol = ev->ord->sym < b->n_syms ? b->syms[ev->ord->sym].name : ev->sym_name;
		pe.side = ev->ord->side;
		pe.qty = fx_to_double(ev->type == PAPER_EVENT_ORDER_REPLACED ? ev->qty : ev->ord->qty);
		pe.reason = ev->reason;
		break;
	}
	b->cb(&pe, b->cb_payload);
}

static void apply_fill(paper_broker *b, const event *ev)
{
	order *o = orders_find_open(b, ev->order_id);
	const fill *f = &ev->f;
	fill_effect planned;
	const fill_effect *e = ev->effect;

	if (e == NULL) { /* replaying a log: check_replay() planned it already */
		account_plan_fill(b, o, f, 0, &planned);
		e = &planned;
	}
	o->filled += f->qty;
	o->fill_notional = e->order_notional;
	o->fees = e->order_fees;
	o->updated = f->ts;
	o->status = o->filled == o->qty ? PAPER_STATUS_FILLED : PAPER_STATUS_PARTIALLY_FILLED;
	b->n_fills++;
	*(fill *)ring_push(&b->fills) = *f;
	account_commit_fill(b, f, e);
	instrument *s = &b->syms[f->sym];
	if (s->mark == 0) /* rebuilding from a log: no market data yet */
		s->mark = f->price;
	account_revalue(b, f->sym);
	if (o->status == PAPER_STATUS_FILLED)
		orders_close(b, o);
	if (e->closed) {
		*(trade *)ring_push(&b->trades) = e->trade;
		b->closed_trade = e->trade;
		b->has_closed_trade = true;
	}
}

static void apply_close(paper_broker *b, const event *ev)
{
	order *o = orders_find_open(b, ev->order_id);

	o->status = ev->status;
	o->reason = ev->reason;
	o->updated = ev->ts;
	if (ev->status == PAPER_STATUS_REJECTED) {
		b->n_rejections++;
		b->last_rejection_ts = ev->ts;
	}
	orders_close(b, o);
}

/* An order or a position of sym: its expiry must be noticed. */
static void note_expiry(paper_broker *b, uint32_t sym)
{
	paper_ts e = b->syms[sym].c.expiry;
	if (e != 0 && e < b->next_expiry)
		b->next_expiry = e;
}

/* The only function that changes a broker's account and orders. */
static void broker_apply(paper_broker *b, const event *ev)
{
	order *o;

	switch (ev->type) {
	case PAPER_EVENT_ORDER_ACCEPTED:
		b->syms[ev->ord->sym].c.traded = true;
		note_expiry(b, ev->ord->sym);
		orders_open(b, ev->ord);
		if (ev->ord->id >= b->next_order_id)
			b->next_order_id = ev->ord->id + 1;
		break;
	case PAPER_EVENT_ORDER_REJECTED:
		if (ev->order_id) {
			apply_close(b, ev);
		} else {
			b->n_rejections++;
			b->last_rejection_ts = ev->ts;
		}
		break;
	case PAPER_EVENT_ORDER_CANCELLED:
	case PAPER_EVENT_ORDER_EXPIRED:
		apply_close(b, ev);
		break;
	case PAPER_EVENT_ORDER_REPLACED:
		o = orders_find_open(b, ev->order_id);
		o->qty = ev->qty;
		o->limit = ev->limit;
		o->stop = ev->stop;
		o->updated = ev->ts;
		break;
	case PAPER_EVENT_ORDER_TRIGGERED:
		o = orders_find_open(b, ev->order_id);
		o->triggered = true;
		o->updated = ev->ts;
		break;
	case PAPER_EVENT_FILL:
		apply_fill(b, ev);
		break;
	case PAPER_EVENT_SNAPSHOT:
		*(equity_point *)ring_push(&b->equity) =
			(equity_point){ .ts = ev->ts, .equity = ev->equity, .cash = b->cash };
		if (ev->day_start) {
			b->next_day = (day_of(ev->ts) + 1) * DAY_US; /* a time in range: no overflow */
			b->day_start_equity = ev->equity;
			b->day_loss_allowed = fx_mul(ev->equity, b->p.daily_loss_limit_fx);
			b->halted_daily = false;
			set_loss_floor(b);
		}
		break;
	case PAPER_EVENT_HALT:
		if (ev->halt_kind)
			b->halted_daily = ev->reason;
		else
			b->halted_manual = ev->reason;
		set_loss_floor(b);
		break;
	case PAPER_EVENT_ACCOUNT_RESTORED:
		b->cash = ev->cash;
		b->realized = ev->realized;
		b->fees = ev->fees;
		break;
	case PAPER_EVENT_POSITION_RESTORED:
		account_set_position(b, ev->sym, ev->pos);
		note_expiry(b, ev->sym);
		break;
	}
}

static int broker_record(paper_broker *b, const event *ev)
{
	if (b->failed)
		return paper__error(b->failed, "%s", b->failed_why);
	if (b->sink) {
		int rc = b->sink(b->sink_ctx, b, ev);
		if (rc != PAPER_OK)
			return rc;
	}
	b->seq++;
	broker_apply(b, ev);
	notify(b, ev, NULL);
	paper__log_event(b, ev);
	if (b->has_closed_trade) {
		/* Derived from the fill, told after it. */
		b->has_closed_trade = false;
		b->seq++;
		event te = { .type = PAPER_EVENT_TRADE_CLOSED, .ts = ev->ts };
		notify(b, &te, &b->closed_trade);
	}
	return PAPER_OK;
}

/* A broker whose ledger failed a group commit must be reopened before it changes again. */
static int check_alive(const paper_broker *b)
{
	if (b->failed)
		return paper__error(b->failed, "%s", b->failed_why);
	return PAPER_OK;
}

/* The start of every public call that may change the broker. */
#define BROKER_ENTRY(b)                              \
	do {                                         \
		PAPER__CHECK_NULL((b), "broker");    \
		if ((b)->failed)                     \
			return check_alive(b);       \
	} while (0)

/* ---- symbols: market/instrument.c ---- */

static inline int64_t sym_find(const paper_broker *b, const char *name)
{
	return paper__broker_symbol_find(b, name);
}

/* ---- creation ---- */

static int64_t fx_of(double x)
{
	int64_t v = 0;
	fx_from_double(x, &v);
	return v;
}

static void params_load(params *p, const paper_config *c)
{
	p->starting_cash = fx_of(cfg_double(c, K_ACCOUNT_STARTING_CASH));
	p->margin = strcmp(cfg_str(c, K_ACCOUNT_TYPE), "margin") == 0;
	p->initial_margin = fx_of(cfg_double(c, K_ACCOUNT_INITIAL_MARGIN));
	const char *model = cfg_str(c, K_COSTS_COMMISSION_MODEL);
	p->commission_model = strcmp(model, "per_share") == 0 ? 1 : strcmp(model, "fixed") == 0 ? 2 : 0;
	p->commission_rate = fx_of(cfg_double(c, K_COSTS_COMMISSION_PCT) / 100.0);
	p->commission_min = fx_of(cfg_double(c, K_COSTS_COMMISSION_MIN));
	p->commission_per_share = fx_of(cfg_double(c, K_COSTS_COMMISSION_PER_SHARE));
	p->commission_fixed = fx_of(cfg_double(c, K_COSTS_COMMISSION_FIXED));
	p->commission_per_contract = fx_of(cfg_double(c, K_COSTS_COMMISSION_PER_CONTRACT));
	p->allow_short_options = cfg_bool(c, K_LIMITS_ALLOW_SHORT_OPTIONS);
	p->slip_base = cfg_double(c, K_COSTS_SLIPPAGE_PCT) / 100.0;
	p->slip_market = cfg_double(c, K_COSTS_SLIPPAGE_MARKET_MULT);
	p->slip_limit = cfg_double(c, K_COSTS_SLIPPAGE_LIMIT_MULT);
	p->slip_impact = cfg_double(c, K_COSTS_SLIPPAGE_SIZE_IMPACT);
	p->slip_jitter = cfg_double(c, K_COSTS_SLIPPAGE_JITTER);
	p->seed = (uint64_t)cfg_int(c, K_COSTS_SEED);
	p->participation = cfg_double(c, K_ENGINE_VOLUME_PARTICIPATION);
	p->intrabar_optimistic = strcmp(cfg_str(c, K_ENGINE_INTRABAR), "optimistic") == 0;
	p->max_order_qty = fx_of(cfg_double(c, K_LIMITS_MAX_ORDER_QTY));
	p->max_order_notional = fx_of(cfg_double(c, K_LIMITS_MAX_ORDER_NOTIONAL));
	p->max_position_fraction = cfg_double(c, K_LIMITS_MAX_POSITION_FRACTION);
	p->min_confidence = cfg_bool(c, K_LIMITS_AGGRESSIVE) ? 0.0 : cfg_double(c, K_LIMITS_MIN_CONFIDENCE);
	p->daily_loss_limit = cfg_double(c, K_LIMITS_DAILY_LOSS_LIMIT);
	p->daily_loss_limit_fx = fx_of(p->daily_loss_limit);
	p->max_open_positions = cfg_int(c, K_LIMITS_MAX_OPEN_POSITIONS);
	p->allowed_symbols = g_strdup(cfg_str(c, K_LIMITS_ALLOWED_SYMBOLS));
}

PAPER_API int paper_broker_new(paper_broker **out, const paper_config *cfg)
{
	PAPER__CHECK_NULL(out, "out");
	paper_config *copy = NULL;
	FILE *log = NULL;
	int rc = cfg ? paper_config_copy(&copy, cfg) : paper_config_new(&copy);
	if (rc == PAPER_OK)
		rc = paper_config_validate(copy);
	if (rc == PAPER_OK)
		rc = paper__log_open(cfg_str(copy, K_LOGGING_LOG_FILE), &log);
	if (rc != PAPER_OK) {
		paper_config_free(copy);
		return rc;
	}
	paper_broker *b = g_new0(paper_broker, 1);
	b->cfg = copy;
	b->log_file = log;
	b->log_structured = paper__log_structured_wanted();
	params_load(&b->p, copy);
	b->sym_index = g_hash_table_new(g_str_hash, g_str_equal);
	b->sym_names = g_string_chunk_new(4096);
	orders_init(b, (uint32_t)cfg_int(copy, K_ENGINE_ORDER_HISTORY));
	ring_init(&b->fills, sizeof(fill), (size_t)cfg_int(copy, K_ENGINE_FILL_HISTORY));
	ring_init(&b->trades, sizeof(trade), (size_t)cfg_int(copy, K_ENGINE_TRADE_HISTORY));
	ring_init(&b->equity, sizeof(equity_point),
		  (size_t)cfg_int(copy, K_ENGINE_EQUITY_HISTORY));
	b->cash = b->p.starting_cash;
	b->day_start_equity = b->cash;
	b->day_loss_allowed = fx_mul(b->cash, b->p.daily_loss_limit_fx);
	set_loss_floor(b);
	b->next_day = INT64_MIN;
	b->next_expiry = INT64_MAX;
	b->next_order_id = 1;
	if ((rc = instrument_load_config(b)) != PAPER_OK) {
		paper_broker_free(b);
		return rc;
	}
	*out = b;
	return PAPER_OK;
}

PAPER_API void paper_broker_free(paper_broker *b)
{
	if (b == NULL)
		return;
	if (b->detach)
		b->detach(b->sink_ctx, b);
	orders_free(b);
	ring_clear(&b->fills);
	ring_clear(&b->trades);
	ring_clear(&b->equity);
	g_hash_table_unref(b->sym_index);
	g_string_chunk_free(b->sym_names);
	g_free(b->syms);
	g_free(b->positions);
	g_free(b->p.allowed_symbols);
	if (b->log_file)
		fclose(b->log_file);
	paper_config_free(b->cfg);
	g_free(b);
}

/* ---- submitting ---- */

static int copy_tag(char *dst, size_t cap, const char *src, const char *name)
{
	if (src == NULL) {
		dst[0] = '\0';
		return PAPER_OK;
	}
	if (strlen(src) >= cap)
		return paper__error(PAPER_EINVAL, "%s '%.20s...' longer than %zu bytes", name, src,
				    cap - 1);
	/* Tags reach log lines, CSV cells and the dashboard: no text there may start a line. */
	int rc = paper__text_arg(name, src);
	if (rc != PAPER_OK)
		return rc;
	memcpy(dst, src, strlen(src) + 1);
	return PAPER_OK;
}

static int price_arg(double v, const char *name, int64_t *out)
{
	if (!fx_from_double(v, out) || *out <= 0)
		return paper__error(PAPER_EPRICE, "%s must be a finite price > 0 (got %g)", name, v);
	return PAPER_OK;
}

static int qty_arg(double v, int64_t *out)
{
	if (!fx_from_double(v, out) || *out <= 0)
		return paper__error(PAPER_EQTY, "qty must be a finite number > 0 (got %g)", v);
	return PAPER_OK;
}

static int check_enums(const paper_order_request *r)
{
	if (r->side != PAPER_SIDE_BUY && r->side != PAPER_SIDE_SELL)
		return paper__error(PAPER_EINVAL, "side %d is not buy or sell", (int)r->side);
	if (r->type < PAPER_ORDER_MARKET || r->type > PAPER_ORDER_STOP_LIMIT)
		return paper__error(PAPER_EINVAL, "order type %d unknown", (int)r->type);
	if (r->tif < PAPER_TIF_GTC || r->tif > PAPER_TIF_FOK)
		return paper__error(PAPER_EINVAL, "time in force %d unknown", (int)r->tif);
	if (r->exit_reason < PAPER_EXIT_NONE || r->exit_reason > PAPER_EXIT_EXPIRY)
		return paper__error(PAPER_EINVAL, "exit reason %d unknown", (int)r->exit_reason);
	if (isnan(r->confidence) || r->confidence > 1.0)
		return paper__error(PAPER_EINVAL, "confidence must be in [0, 1] or negative for "
				    "none (got %g)", r->confidence);
	return PAPER_OK;
}

/* Validate a request into an order record (no state touched). */
static int order_from_request(const paper_broker *b, const paper_order_request *r, order *o)
{
	int rc;

	PAPER__CHECK_NULL(r, "req");
	if (r->version != PAPER_ORDER_REQUEST_VERSION)
		return paper__error(PAPER_EVERSION, "paper_order_request version %u unsupported "
				    "(expected %u)", r->version, PAPER_ORDER_REQUEST_VERSION);
	if ((rc = instrument_check_name(b, r->symbol)) != PAPER_OK)
		return rc;
	if ((rc = check_enums(r)) || (rc = qty_arg(r->qty, &o->qty)))
		return rc;
	bool has_limit = r->type == PAPER_ORDER_LIMIT || r->type == PAPER_ORDER_STOP_LIMIT;
	bool has_stop = r->type == PAPER_ORDER_STOP || r->type == PAPER_ORDER_STOP_LIMIT;
	if ((has_limit && (rc = price_arg(r->limit_price, "limit_price", &o->limit))) ||
	    (has_stop && (rc = price_arg(r->stop_price, "stop_price", &o->stop))))
		return rc;
	if (r->ts != 0 && !ts_in_range(r->ts))
		return ts_range_error(r->symbol, r->ts);
	if (r->ts != 0 && r->ts < b->clock)
		return paper__error(PAPER_ETIME, "order time %" G_GINT64_FORMAT " is before the "
				    "broker clock %" G_GINT64_FORMAT, r->ts, b->clock);
	if ((rc = copy_tag(o->client_id, sizeof o->client_id, r->client_id, "client_id")) ||
	    (rc = copy_tag(o->strategy, sizeof o->strategy, r->strategy, "strategy")) ||
	    (rc = copy_tag(o->signal_id, sizeof o->signal_id, r->signal_id, "signal_id")))
		return rc;
	o->side = (uint8_t)r->side;
	o->type = (uint8_t)r->type;
	o->tif = (uint8_t)r->tif;
	o->exit_reason = (uint8_t)r->exit_reason;
	o->oco_group = r->oco_group;
	o->confidence = r->confidence < 0 ? -1.0 : r->confidence;
	o->submitted = o->updated = r->ts ? r->ts : b->clock;
	o->status = PAPER_STATUS_ACCEPTED;
	return PAPER_OK;
}

/* An order whose notional at its reference price passes the money limit can never fill. */
/*
 * The order's notional (qty x price x the contract's multiplier) and commission at its
 * reference price within the money limit, else PAPER_ERANGE naming the true amount.
 */
static int check_notional(const paper_broker *b, const order *o, int64_t ref)
{
	const instrument *s = &b->syms[o->sym];
	int64_t notional;
	if (!fx_money_mul3(o->qty, ref, s->c.mult, &notional))
		return paper__error(PAPER_ERANGE, "%s: qty %.8g at %.8g x multiplier %.8g is a notional "
				    "of %.6g, past the money limit of 46000000000 (docs/semantics.md, "
				    "\"Limits\")", s->name, fx_to_double(o->qty), fx_to_double(ref),
				    fx_to_double(s->c.mult), fx_to_double(o->qty) * fx_to_double(ref) *
				    fx_to_double(s->c.mult));
	int64_t fee = engine_commission(&b->p, s, o, o->qty, ref);
	if (!fx_money_ok(fee))
		return paper__error(PAPER_ERANGE, "%s: the commission on qty %.8g is past the money "
				    "limit of 46000000000 (docs/semantics.md, \"Limits\")", s->name,
				    fx_to_double(o->qty));
	return PAPER_OK;
}

static int record_rejection(paper_broker *b, const order *o, const char *symbol, uint8_t reason,
			    int code)
{
	order rejected = *o;
	rejected.status = PAPER_STATUS_REJECTED;
	rejected.reason = reason;
	rejected.id = 0;
	event ev = { .type = PAPER_EVENT_ORDER_REJECTED, .ts = o->submitted, .reason = reason,
		     .status = PAPER_STATUS_REJECTED, .ord = &rejected, .sym_name = symbol };
	/* Keep the message of the rejection, unless the ledger could not record it: then the
	 * caller must hear about the ledger. */
	char msg[1024];
	g_strlcpy(msg, paper_last_error(), sizeof msg);
	int rc = broker_record(b, &ev);
	if (rc != PAPER_OK)
		return rc;
	return paper__error(code, "%s", msg);
}

static int check_plan(const exit_plan *plan)
{
	if (plan->kind > PLAN_EXPLICIT || plan->tp < 0 || plan->sl < 0 || plan->tp > FX_PRICE_MAX ||
	    plan->sl > FX_PRICE_MAX || plan->max_hold < 0 || plan->max_hold > PAPER_TS_MAX)
		return paper__error(PAPER_EINVAL, "exit plan: kind %u, levels %" G_GINT64_FORMAT
				    " / %" G_GINT64_FORMAT ", hold %" G_GINT64_FORMAT " out of range",
				    plan->kind, plan->tp, plan->sl, plan->max_hold);
	return PAPER_OK;
}

static int submit(paper_broker *b, const paper_order_request *req, const exit_plan *plan,
		  uint64_t *order_id_out)
{
	BROKER_ENTRY(b);
	order o;
	memset(&o, 0, sizeof o);
	int rc = order_from_request(b, req, &o);
	if (rc == PAPER_OK && plan && (rc = check_plan(plan)) == PAPER_OK)
		o.plan = *plan;
	if (rc != PAPER_OK)
		return rc;
	if (order_id_out)
		*order_id_out = 0;

	int64_t s = sym_find(b, req->symbol);
	if ((s < 0 || b->syms[s].pos.qty == 0) && !instrument_allowed(b, s, req->symbol)) {
		paper__error(PAPER_ELIMIT, "%s is not in limits.allowed_symbols (%s)", req->symbol,
			     b->p.allowed_symbols);
		o.sym = s < 0 ? UINT32_MAX : (uint32_t)s;
		return record_rejection(b, &o, req->symbol, PAPER_REJECT_SYMBOL_NOT_ALLOWED, PAPER_ELIMIT);
	}
	uint8_t reason = 0;
	if ((rc = instrument_check_expiry(b, s, req->symbol, o.submitted, &reason)) != PAPER_OK) {
		o.sym = s < 0 ? UINT32_MAX : (uint32_t)s;
		return record_rejection(b, &o, req->symbol, reason, rc);
	}
	if (s < 0 || !b->syms[s].has_data) {
		paper__error(PAPER_ENODATA, "no market data for symbol %s", req->symbol);
		o.sym = UINT32_MAX;
		return record_rejection(b, &o, req->symbol, PAPER_REJECT_NO_MARKET_DATA, PAPER_ENODATA);
	}
	o.sym = (uint32_t)s;
	if ((rc = instrument_check_order(b, &o, &reason)) != PAPER_OK)
		return record_rejection(b, &o, req->symbol, reason, rc);
	int64_t ref = engine_reference_price(&o, &b->syms[s]);
	rc = risk_check_order(b, &o, ref, &reason);
	if (rc != PAPER_OK)
		return record_rejection(b, &o, req->symbol, reason, rc);
	/* After the entry limits (limits.max_order_notional is far below this one): what is left
	 * are exits too large to ever fill. */
	if ((rc = check_notional(b, &o, ref)) != PAPER_OK)
		return rc;

	o.id = b->next_order_id;
	event ev = { .type = PAPER_EVENT_ORDER_ACCEPTED, .ts = o.submitted, .order_id = o.id, .ord = &o };
	rc = broker_record(b, &ev);
	if (rc == PAPER_OK && order_id_out)
		*order_id_out = o.id;
	return rc;
}

PAPER_API int paper_broker_submit(paper_broker *b, const paper_order_request *req,
				  uint64_t *order_id_out)
{
	return submit(b, req, NULL, order_id_out);
}

int paper__broker_submit_planned(paper_broker *b, const paper_order_request *req,
				 const exit_plan *plan, uint64_t *order_id_out)
{
	return submit(b, req, plan, order_id_out);
}

static int close_order(paper_broker *b, const order *o, paper_ts ts, uint8_t type, uint8_t status,
		       uint8_t reason)
{
	/* A copy: applying the event frees the order's slot, and listeners read it after. */
	order before = *o;
	event ev = { .type = type, .ts = ts, .order_id = o->id, .status = status, .reason = reason,
		     .ord = &before };
	return broker_record(b, &ev);
}

static int fill_order(paper_broker *b, order *o, const fill_match *m, paper_ts ts,
		      int64_t alt_price, int64_t mark_after);
static inline int record_fill(paper_broker *b, order *o, const event *ev);
static fill make_fill(const paper_broker *b, const order *o, const fill_match *m, paper_ts ts,
		      int64_t alt_price);

PAPER_API int paper_broker_cancel_all(paper_broker *b, const char *symbol)
{
	BROKER_ENTRY(b);
	int64_t sym = symbol ? sym_find(b, symbol) : -1;
	if (symbol && sym < 0)
		return PAPER_OK;
	int rc = PAPER_OK;
	/* Closing shifts the later open orders down: scan from the end. */
	for (uint32_t i = b->n_open; i > 0 && rc == PAPER_OK; i--) {
		if (i > b->n_open)
			continue;
		const order *o = &b->slots[b->open[i - 1]];
		if (sym < 0 || o->sym == (uint32_t)sym)
			rc = close_order(b, o, b->clock, PAPER_EVENT_ORDER_CANCELLED,
					 PAPER_STATUS_CANCELLED, PAPER_REJECT_USER_CANCEL);
	}
	return rc;
}

/* Accept a closing market order for qty and fill it at once as m says. */
static int exit_now(paper_broker *b, uint32_t sym, int64_t qty, uint8_t reason, fill_match *m,
		    int64_t alt_price, uint64_t *order_id_out)
{
	const instrument *s = &b->syms[sym];
	order o;
	memset(&o, 0, sizeof o);
	o.id = b->next_order_id;
	o.sym = sym;
	o.side = s->pos.qty > 0 ? PAPER_SIDE_SELL : PAPER_SIDE_BUY;
	o.type = PAPER_ORDER_MARKET;
	o.tif = PAPER_TIF_IOC;
	o.qty = qty;
	o.exit_reason = reason;
	o.confidence = -1.0;
	o.submitted = o.updated = b->clock;
	o.status = PAPER_STATUS_ACCEPTED;
	/* An exit past the limits fails here, before its order is recorded. */
	m->qty = qty;
	fill_effect effect;
	event fe = { .type = PAPER_EVENT_FILL, .ts = b->clock, .order_id = o.id, .effect = &effect,
		     .f = make_fill(b, &o, m, b->clock, alt_price) };
	int rc = account_plan_fill(b, &o, &fe.f, 0, &effect);
	if (rc != PAPER_OK)
		return rc;
	event ev = { .type = PAPER_EVENT_ORDER_ACCEPTED, .ts = o.submitted, .order_id = o.id, .ord = &o };
	rc = broker_record(b, &ev);
	if (rc != PAPER_OK)
		return rc;
	/* Accepting the order moved no money: the plan above still holds. */
	rc = record_fill(b, orders_find_open(b, o.id), &fe);
	if (rc == PAPER_OK && order_id_out)
		*order_id_out = o.id;
	return rc;
}

static int position_symbol(const paper_broker *b, const char *symbol, int64_t *sym)
{
	*sym = sym_find(b, symbol);
	if (*sym < 0 || b->syms[*sym].pos.qty == 0)
		return paper__error(PAPER_ENOTFOUND, "no open position in %s", symbol);
	return PAPER_OK;
}

PAPER_API int paper_broker_close_position(paper_broker *b, const char *symbol,
					  paper_exit_reason reason, uint64_t *order_id_out)
{
	PAPER__CHECK_NULL(b, "broker");
	PAPER__CHECK_NULL(symbol, "symbol");
	if (b->failed)
		return check_alive(b);
	if (reason < PAPER_EXIT_NONE || reason > PAPER_EXIT_EXPIRY)
		return paper__error(PAPER_EINVAL, "exit reason %d unknown", (int)reason);
	int64_t sym;
	int rc = position_symbol(b, symbol, &sym);
	if (rc != PAPER_OK)
		return rc;
	const instrument *s = &b->syms[sym];
	fill_match m = { .ref = s->mark, .price = s->mark, .reason = PAPER_FILL_AT_MARK };
	return exit_now(b, (uint32_t)sym, fx_abs(s->pos.qty), (uint8_t)reason, &m, 0, order_id_out);
}

/* Is price one the symbol's latest data reached? */
static int check_reached(const instrument *s, int64_t price)
{
	int64_t lo = s->last_is_bar ? s->bar_low : s->bid;
	int64_t hi = s->last_is_bar ? s->bar_high : s->ask;

	if (!s->has_data || (!s->last_is_bar && !s->bid))
		return paper__error(PAPER_ENODATA, "%s: no bar or quote to exit inside", s->name);
	if (price < lo || price > hi)
		return paper__error(PAPER_EPRICE, "%s: exit price %.8g outside the latest %s's range "
				    "[%.8g, %.8g]", s->name, fx_to_double(price),
				    s->last_is_bar ? "bar" : "quote", fx_to_double(lo), fx_to_double(hi));
	return PAPER_OK;
}

static int check_exit_request(const paper_exit_request *r)
{
	PAPER__CHECK_NULL(r, "req");
	PAPER__CHECK_NULL(r->symbol, "req->symbol");
	if (r->version != PAPER_EXIT_REQUEST_VERSION)
		return paper__error(PAPER_EVERSION, "paper_exit_request version %u unsupported",
				    r->version);
	if (r->style < PAPER_EXIT_STYLE_MARKET || r->style > PAPER_EXIT_STYLE_STOP ||
	    r->reason < PAPER_EXIT_NONE || r->reason > PAPER_EXIT_EXPIRY ||
	    r->fill_reason < PAPER_FILL_MARKET_QUOTE || r->fill_reason > PAPER_FILL_AT_MARK ||
	    (r->flags & ~(PAPER_FILL_FLAG_PARTIAL_VOLUME | PAPER_FILL_FLAG_AMBIGUOUS)))
		return paper__error(PAPER_EINVAL, "exit request for %s: unknown style, reason or flags",
				    r->symbol);
	return PAPER_OK;
}

PAPER_API int paper_broker_exit_at(paper_broker *b, const paper_exit_request *r,
				   uint64_t *order_id_out)
{
	BROKER_ENTRY(b);
	int rc = check_exit_request(r);
	int64_t sym, price, alt = 0, qty = 0;
	if (rc == PAPER_OK)
		rc = position_symbol(b, r->symbol, &sym);
	if (rc != PAPER_OK)
		return rc;
	const instrument *s = &b->syms[sym];
	int64_t held = fx_abs(s->pos.qty);
	if (r->qty != 0.0 && ((rc = qty_arg(r->qty, &qty)) != PAPER_OK))
		return rc;
	if (qty > held)
		return paper__error(PAPER_EQTY, "%s: exit qty %g exceeds the position %g", r->symbol,
				    r->qty, fx_to_double(held));
	if ((rc = price_arg(r->price, "price", &price)) || (rc = check_reached(s, price)))
		return rc;
	if ((r->flags & PAPER_FILL_FLAG_AMBIGUOUS) && (rc = price_arg(r->alt_price, "alt_price", &alt)))
		return rc;
	qty = qty ? qty : held;
	/* Priced like the order it stands for: a limit at price, or a market/stop fill from it. */
	order like = { .side = s->pos.qty > 0 ? PAPER_SIDE_SELL : PAPER_SIDE_BUY, .limit = price };
	mkt m = { .ts = b->clock, .is_bar = s->last_is_bar, .volume = s->bar_volume };
	bool limit = r->style == PAPER_EXIT_STYLE_LIMIT;
	fill_match fm = { .ref = price, .reason = (uint8_t)r->fill_reason, .flags = r->flags,
			  .price = engine_slip(&b->p, &like, &m, price, qty, limit, b->n_fills) };
	return exit_now(b, (uint32_t)sym, qty, (uint8_t)r->reason, &fm, alt, order_id_out);
}

static int find_open_or_explain(const paper_broker *b, uint64_t id, order **out)
{
	*out = orders_find_open(b, id);
	if (*out)
		return PAPER_OK;
	if (id == 0 || id >= b->next_order_id)
		return paper__error(PAPER_ENOTFOUND, "no order with id %" G_GUINT64_FORMAT, id);
	return paper__error(PAPER_ESTATE, "order %" G_GUINT64_FORMAT " is no longer open", id);
}

PAPER_API int paper_broker_cancel(paper_broker *b, uint64_t order_id)
{
	BROKER_ENTRY(b);
	order *o;
	int rc = find_open_or_explain(b, order_id, &o);
	if (rc != PAPER_OK)
		return rc;
	return close_order(b, o, b->clock, PAPER_EVENT_ORDER_CANCELLED, PAPER_STATUS_CANCELLED,
			   PAPER_REJECT_USER_CANCEL);
}

PAPER_API int paper_broker_replace(paper_broker *b, uint64_t order_id, double qty,
				   double limit_price, double stop_price)
{
	BROKER_ENTRY(b);
	order *o;
	int rc = find_open_or_explain(b, order_id, &o);
	if (rc != PAPER_OK)
		return rc;
	order n = *o;
	if ((rc = qty_arg(qty, &n.qty)))
		return rc;
	if (n.qty <= o->filled)
		return paper__error(PAPER_EQTY, "new qty %g must exceed the filled %g", qty,
				    fx_to_double(o->filled));
	if ((o->type == PAPER_ORDER_LIMIT || o->type == PAPER_ORDER_STOP_LIMIT) &&
	    (rc = price_arg(limit_price, "limit_price", &n.limit)))
		return rc;
	if ((o->type == PAPER_ORDER_STOP || o->type == PAPER_ORDER_STOP_LIMIT) &&
	    (rc = price_arg(stop_price, "stop_price", &n.stop)))
		return rc;
	uint8_t reason = 0;
	n.submitted = b->clock; /* the contract's rules apply now */
	if ((rc = instrument_check_order(b, &n, &reason)) != PAPER_OK)
		return rc;
	int64_t ref = engine_reference_price(&n, &b->syms[o->sym]);
	n.qty -= o->filled; /* check what is still to fill */
	rc = risk_check_order(b, &n, ref, &reason);
	if (rc == PAPER_OK)
		rc = check_notional(b, &n, ref);
	if (rc != PAPER_OK)
		return rc;
	order before = *o;
	event ev = { .type = PAPER_EVENT_ORDER_REPLACED, .ts = b->clock, .order_id = order_id,
		     .qty = n.qty + o->filled, .limit = n.limit, .stop = n.stop, .ord = &before };
	return broker_record(b, &ev);
}

/* ---- market data ---- */

/* A new UTC day: expire DAY orders and open the day's equity baseline. */
static int roll_day(paper_broker *b, paper_ts ts)
{
	int rc = PAPER_OK;

	for (uint32_t i = 0; i < b->n_open && rc == PAPER_OK;) {
		const order *o = &b->slots[b->open[i]];
		if (o->tif == PAPER_TIF_DAY && day_of(o->submitted) < day_of(ts))
			rc = close_order(b, o, ts, PAPER_EVENT_ORDER_EXPIRED, PAPER_STATUS_EXPIRED, 0);
		else
			i++;
	}
	if (rc == PAPER_OK) {
		event ev = { .type = PAPER_EVENT_SNAPSHOT, .ts = ts, .day_start = true,
			     .equity = account_equity(b) };
		rc = broker_record(b, &ev);
	}
	return rc;
}

/* Halt entries once the day's loss passes the limit. */
static int check_daily_loss(paper_broker *b, paper_ts ts)
{
	/* Runs on every market event: one compare with the day's cached floor (none once
	 * halted). start - equity > allowed is equity < start - allowed, exactly. */
	if (account_equity(b) >= b->loss_floor)
		return PAPER_OK;
	event ev = { .type = PAPER_EVENT_HALT, .ts = ts, .reason = 1, .halt_kind = 1 };
	return broker_record(b, &ev);
}

/* The fill of o that m describes, with its commission. */
static fill make_fill(const paper_broker *b, const order *o, const fill_match *m, paper_ts ts,
		      int64_t alt_price)
{
	/* On the instrument's tick grid, against the trader (no grid: the price as it is). */
	int64_t price = instrument_round_tick(&b->syms[o->sym], o->side, m->price);
	return (fill){ .seq = b->n_fills + 1, .order_id = o->id, .sym = o->sym, .side = o->side,
		       .reason = m->reason, .flags = m->flags, .ts = ts, .qty = m->qty,
		       .price = price,
		       .fee = engine_commission(&b->p, &b->syms[o->sym], o, m->qty, price),
		       .ref_price = m->ref, .alt_price = alt_price };
}

/*
 * Fill o as m says, or reject it: a fill whose amounts would pass the limits (checked first,
 * so the risk checks compute within them), then buying power and the entry limits.
 */
/* The fill ev of o, planned (ev->effect), recorded if the risk checks pass; else o rejected. */
static inline int record_fill(paper_broker *b, order *o, const event *ev)
{
	uint8_t reason = 0;
	if (risk_check_fill(b, o, ev->f.qty, ev->f.price, ev->f.fee, &reason) == PAPER_OK)
		return broker_record(b, ev);
	return close_order(b, o, ev->ts, PAPER_EVENT_ORDER_REJECTED, PAPER_STATUS_REJECTED, reason);
}

static int fill_order(paper_broker *b, order *o, const fill_match *m, paper_ts ts,
		      int64_t alt_price, int64_t mark_after)
{
	fill_effect effect;
	event ev = { .type = PAPER_EVENT_FILL, .ts = ts, .order_id = o->id, .effect = &effect,
		     .f = make_fill(b, o, m, ts, alt_price) };
	/* Planned first, so the ledger can write the fill and the trade it closes together. */
	if (account_plan_fill(b, o, &ev.f, mark_after, &effect) != PAPER_OK)
		return close_order(b, o, ts, PAPER_EVENT_ORDER_REJECTED, PAPER_STATUS_REJECTED,
				   PAPER_REJECT_OUT_OF_RANGE);
	return record_fill(b, o, &ev);
}

static int record_trigger(paper_broker *b, const order *o, paper_ts ts)
{
	order before = *o;
	event ev = { .type = PAPER_EVENT_ORDER_TRIGGERED, .ts = ts, .order_id = o->id, .ord = &before };
	return broker_record(b, &ev);
}

/* IOC and FOK orders that did not fill (in full) on their first eligible data. */
static int cancel_unfilled(paper_broker *b, uint64_t id, paper_ts ts)
{
	order *o = orders_find_open(b, id);
	if (o == NULL || (o->tif != PAPER_TIF_IOC && o->tif != PAPER_TIF_FOK))
		return PAPER_OK;
	return close_order(b, o, ts, PAPER_EVENT_ORDER_CANCELLED, PAPER_STATUS_CANCELLED,
			   o->tif == PAPER_TIF_FOK ? PAPER_REJECT_FOK_UNFILLABLE : PAPER_REJECT_IOC_REMAINDER);
}

/* What one open order does on event m; it may close (its slot is then reused). */
static int match_one(paper_broker *b, order *o, const mkt *m)
{
	fill_match mt;
	uint64_t id = o->id;
	match_kind k = engine_match(&b->p, o, m, b->n_fills, &mt);
	int rc = PAPER_OK;

	if (k == MATCH_TRIGGER)
		rc = record_trigger(b, o, m->ts);
	if (rc == PAPER_OK && k == MATCH_FILL &&
	    !(o->tif == PAPER_TIF_FOK && mt.qty < o->qty - o->filled))
		rc = fill_order(b, o, &mt, m->ts, 0, m->mark);
	return rc == PAPER_OK ? cancel_unfilled(b, id, m->ts) : rc;
}

/* Did the fill happen at the bar's open (a gap or a market order), before anything inside it? */
static bool at_open(const mkt *m, const fill_match *mt)
{
	return !m->is_bar || mt->reason == PAPER_FILL_MARKET_OPEN || mt->reason == PAPER_FILL_LIMIT_GAP ||
	       mt->reason == PAPER_FILL_STOP_GAP || mt->ref == m->open;
}

/* Is price a worse than b for an order on side? */
static bool worse(uint8_t side, int64_t a, int64_t b)
{
	return side == PAPER_SIDE_BUY ? a > b : a < b;
}

typedef struct group_pick {
	uint64_t id;          /* winner */
	fill_match mt;
	bool open;            /* decided at the open */
	int inside;           /* candidates inside the bar */
	int64_t alt;          /* the other rule's price, when ambiguous */
} group_pick;

/* Weigh one candidate member of a group against the pick so far. */
static void group_consider(const paper_broker *b, group_pick *g, const order *o,
			   const fill_match *mt, const mkt *m)
{
	bool o_open = at_open(m, mt);
	if (g->id && g->open)
		return; /* a fill at the open already happened first */
	if (o_open) {
		*g = (group_pick){ .id = o->id, .mt = *mt, .open = true };
		return;
	}
	g->inside++;
	if (g->id == 0) {
		*g = (group_pick){ .id = o->id, .mt = *mt, .inside = g->inside };
		return;
	}
	/* Both inside one bar: no bar data says which came first. */
	bool o_worse = worse(o->side, mt->price, g->mt.price);
	bool take = b->p.intrabar_optimistic ? !o_worse : o_worse;
	int64_t loser = take ? g->mt.price : mt->price;
	if (take) {
		g->id = o->id;
		g->mt = *mt;
	}
	g->alt = loser;
}

/* Resolve a one-cancels-other group on event m: at most one member fills. */
static int match_group(paper_broker *b, uint64_t group, uint32_t sym, const mkt *m)
{
	group_pick g = { 0 };
	int rc = PAPER_OK;

	for (uint32_t s = b->syms[sym].head; s != NO_SLOT && rc == PAPER_OK; s = b->slots[s].next) {
		order *o = &b->slots[s];
		if (o->oco_group != group || o->submitted >= m->ts)
			continue;
		fill_match mt;
		match_kind k = engine_match(&b->p, o, m, b->n_fills, &mt);
		if (k == MATCH_TRIGGER)
			rc = record_trigger(b, o, m->ts);
		else if (k == MATCH_FILL && !(o->tif == PAPER_TIF_FOK && mt.qty < o->qty - o->filled))
			group_consider(b, &g, o, &mt, m);
	}
	if (rc != PAPER_OK || g.id == 0)
		return rc;
	if (g.inside > 1 && !g.open)
		g.mt.flags |= PAPER_FILL_FLAG_AMBIGUOUS;
	order *w = orders_find_open(b, g.id);
	int64_t before = w->filled;
	rc = fill_order(b, w, &g.mt, m->ts, g.inside > 1 && !g.open ? g.alt : 0, m->mark);
	w = orders_find_open(b, g.id);
	bool filled = w == NULL ? true : w->filled > before;
	if (rc != PAPER_OK || !filled)
		return rc;
	/* One filled: the rest of the group is cancelled. */
	for (uint32_t s = b->syms[sym].head; s != NO_SLOT && rc == PAPER_OK;) {
		order *o = &b->slots[s];
		s = o->next;
		if (o->oco_group == group && o->id != g.id)
			rc = close_order(b, o, m->ts, PAPER_EVENT_ORDER_CANCELLED, PAPER_STATUS_CANCELLED,
					 PAPER_REJECT_OCO_SIBLING);
	}
	return rc;
}

/*
 * Match every open order of a symbol. Their ids are taken first: matching closes orders and
 * reuses their slots, so the list cannot be walked while it changes.
 */
static int match_symbol(paper_broker *b, uint32_t sym, const mkt *m)
{
	uint64_t local[32], *ids = local, groups_local[8], *groups = groups_local;
	size_t n = 0, cap = 32, ng = 0, gcap = 8;
	int rc = PAPER_OK;

	for (uint32_t s = b->syms[sym].head; s != NO_SLOT; s = b->slots[s].next) {
		if (b->slots[s].submitted >= m->ts)
			continue; /* stamped after this data: no look-ahead */
		if (n == cap) {
			ids = ids == local ? g_memdup2(local, sizeof local) : ids;
			ids = g_renew(uint64_t, ids, cap *= 2);
		}
		ids[n++] = b->slots[s].id;
	}
	for (size_t i = 0; i < n && rc == PAPER_OK; i++) {
		order *o = orders_find_open(b, ids[i]);
		if (o == NULL)
			continue;
		if (o->oco_group == 0) {
			rc = match_one(b, o, m);
			continue;
		}
		bool seen = false;
		for (size_t j = 0; j < ng && !seen; j++)
			seen = groups[j] == o->oco_group;
		if (seen)
			continue;
		if (ng == gcap) {
			groups = groups == groups_local ? g_memdup2(groups_local, sizeof groups_local) : groups;
			groups = g_renew(uint64_t, groups, gcap *= 2);
		}
		groups[ng++] = o->oco_group;
		rc = match_group(b, o->oco_group, sym, m);
	}
	if (ids != local)
		g_free(ids);
	if (groups != groups_local)
		g_free(groups);
	return rc;
}

/* ---- expiry ---- */

/*
 * The price an expired position settles at (instrument.h): an option at its intrinsic value
 * from the underlying's last price at or before the expiry - or, without one, at its own last
 * price, flagged - and a future at its last price.
 */
static int64_t settlement_price(const paper_broker *b, const instrument *s, uint32_t *flags)
{
	const contract *c = &s->c;
	*flags = 0;
	if (c->asset_class != PAPER_ASSET_OPTION)
		return s->mark;
	const instrument *u = c->underlying != NO_SLOT ? &b->syms[c->underlying] : NULL;
	if (u == NULL || !u->has_data || u->mark <= 0 || u->mark_ts > c->expiry) {
		*flags = PAPER_FILL_FLAG_OWN_PRICE;
		return s->mark;
	}
	/* Both prices within the price limit: the difference fits. */
	int64_t v = c->right == PAPER_RIGHT_CALL ? u->mark - c->strike : c->strike - u->mark;
	return v > 0 ? v : 0;
}

/*
 * The settlement happened at `at`: the clock moves there, as it does when the ledger replays
 * the settlement's events, so the expired contract takes no order stamped before its expiry.
 */
static int settled_at(paper_broker *b, paper_ts at, int rc)
{
	if (rc == PAPER_OK && at > b->clock)
		b->clock = at;
	return rc;
}

/*
 * Settle symbol sym at its expiry: its open orders expire (reason expired), and its position
 * closes at the settlement price, without commission or slippage, by an order and a fill
 * stamped at the expiry (or the clock, if that is later) with exit reason expiry.
 */
static int settle_one(paper_broker *b, uint32_t sym)
{
	const instrument *s = &b->syms[sym];
	paper_ts at = s->c.expiry > b->clock ? s->c.expiry : b->clock;
	int rc = PAPER_OK;
	while (rc == PAPER_OK && b->syms[sym].head != NO_SLOT)
		rc = close_order(b, &b->slots[b->syms[sym].head], at, PAPER_EVENT_ORDER_EXPIRED,
				 PAPER_STATUS_EXPIRED, PAPER_REJECT_EXPIRED);
	s = &b->syms[sym];
	if (rc != PAPER_OK || s->pos.qty == 0)
		return settled_at(b, at, rc);
	order o;
	memset(&o, 0, sizeof o);
	o.id = b->next_order_id;
	o.sym = sym;
	o.side = s->pos.qty > 0 ? PAPER_SIDE_SELL : PAPER_SIDE_BUY;
	o.type = PAPER_ORDER_MARKET;
	o.tif = PAPER_TIF_IOC;
	o.qty = fx_abs(s->pos.qty);
	o.exit_reason = PAPER_EXIT_EXPIRY;
	o.confidence = -1.0;
	o.submitted = o.updated = at;
	o.status = PAPER_STATUS_ACCEPTED;
	uint32_t flags;
	int64_t price = settlement_price(b, s, &flags);
	fill_effect effect;
	event fe = { .type = PAPER_EVENT_FILL, .ts = at, .order_id = o.id, .effect = &effect,
		     .f = { .seq = b->n_fills + 1, .order_id = o.id, .sym = sym, .side = o.side,
			    .reason = PAPER_FILL_EXPIRY, .flags = flags, .ts = at, .qty = o.qty,
			    .price = price, .fee = 0, .ref_price = price } };
	/* Past the limits, nothing is recorded: the position stays for the caller to see. */
	if ((rc = account_plan_fill(b, &o, &fe.f, 0, &effect)) != PAPER_OK)
		return rc;
	event ev = { .type = PAPER_EVENT_ORDER_ACCEPTED, .ts = at, .order_id = o.id, .ord = &o };
	if ((rc = broker_record(b, &ev)) != PAPER_OK)
		return rc;
	return settled_at(b, at, broker_record(b, &fe));
}

/* Settle every contract that expired at or before ts, earliest first. */
static int settle_expired(paper_broker *b, paper_ts ts)
{
	int rc = PAPER_OK;
	for (;;) {
		/* The earliest expiry still open: a few contracts at a time, so a scan is cheap. */
		paper_ts next = INT64_MAX;
		uint32_t first = NO_SLOT;
		for (uint32_t i = 0; i < b->n_syms; i++) {
			const instrument *s = &b->syms[i];
			if (s->c.expiry == 0 || (s->pos.qty == 0 && s->head == NO_SLOT))
				continue;
			if (s->c.expiry < next) {
				next = s->c.expiry;
				first = i;
			}
		}
		b->next_expiry = next;
		if (first == NO_SLOT || next > ts || rc != PAPER_OK)
			return rc;
		rc = settle_one(b, first);
		if (rc != PAPER_OK)
			return rc;
	}
}

PAPER_API int paper_broker_settle_expired(paper_broker *b, paper_ts ts)
{
	BROKER_ENTRY(b);
	if (ts == 0)
		ts = b->clock;
	if (!ts_in_range(ts))
		return ts_range_error("settle_expired", ts);
	if (ts < b->clock)
		return paper__error(PAPER_ETIME, "settle_expired: time %" G_GINT64_FORMAT " is before "
				    "the broker clock %" G_GINT64_FORMAT, ts, b->clock);
	return ts >= b->next_expiry ? settle_expired(b, ts) : PAPER_OK;
}

/*
 * Shared by quotes and bars: clock, day roll, matching, marks. A mark that would take the
 * position's value or the account past the limits refuses the event before anything changes;
 * fills while matching are checked at that mark too, so setting it after them cannot overflow.
 */
static int market_event(paper_broker *b, uint32_t sym, mkt *m, int64_t mark, bool match)
{
	instrument *s = &b->syms[sym];
	uint64_t fills_before = b->n_fills;
	int64_t qty_before = s->pos.qty, value = 0;
	int rc = qty_before ? account_check_mark(b, sym, mark, &value) : PAPER_OK;

	if (rc != PAPER_OK)
		return rc;
	m->mark = mark;
	m->lot = s->c.lot;
	/* Contracts that expired before this data settle first, at their expiry. */
	if (m->ts >= b->next_expiry)
		rc = settle_expired(b, m->ts);
	s = &b->syms[sym];
	if (rc == PAPER_OK && m->ts >= b->next_day)
		rc = roll_day(b, m->ts);
	if (m->ts > b->clock)
		b->clock = m->ts;
	s->has_data = true;
	s->last_ts = m->ts;
	s->last_is_bar = m->is_bar;
	if (m->is_bar) {
		s->has_bar = true;
		s->bar_open = m->open;
		s->bar_high = m->high;
		s->bar_low = m->low;
		s->bar_close = m->close;
		s->bar_volume = m->volume;
	} else {
		s->bid = m->bid;
		s->ask = m->ask;
		s->last = m->last;
	}
	if (rc == PAPER_OK && match && s->head != NO_SLOT)
		rc = match_symbol(b, sym, m);
	s = &b->syms[sym];
	s->mark = mark;
	s->mark_ts = m->ts;
	/* Equity moves only with a position here or a fill just now; most bars have neither. */
	if (s->pos.qty != qty_before || b->n_fills != fills_before)
		account_revalue(b, sym);
	else if (qty_before != 0)
		account_set_value(b, sym, value); /* as checked above */
	if (rc == PAPER_OK && (s->pos.qty != 0 || b->n_fills != fills_before))
		rc = check_daily_loss(b, m->ts);
	return rc;
}

static int check_symbol_time(const paper_broker *b, const char *symbol, paper_ts ts, bool bar)
{
	PAPER__CHECK_NULL(b, "broker");
	PAPER__CHECK_NULL(symbol, "symbol");
	if (b->failed)
		return check_alive(b);
	if (!ts_in_range(ts))
		return ts_range_error(symbol, ts);
	/* A symbol already known passed validation when it was added. */
	int64_t s = sym_find(b, symbol);
	int rc;
	if (s < 0 && (rc = instrument_check_name(b, symbol)) != PAPER_OK)
		return rc;
	if (s < 0 || !b->syms[s].has_data)
		return PAPER_OK;
	const instrument *sy = &b->syms[s];
	if (ts < sy->last_ts || (bar && sy->has_bar && ts == sy->last_ts))
		return paper__error(PAPER_ETIME, "%s: time %" G_GINT64_FORMAT " is %s the last "
				    "data at %" G_GINT64_FORMAT, symbol, ts,
				    ts == sy->last_ts ? "a duplicate of" : "before", sy->last_ts);
	return PAPER_OK;
}

static bool quote_price(double v, int64_t *out)
{
	if (v == 0.0) {
		*out = 0;
		return true;
	}
	return fx_from_double(v, out) && *out > 0;
}

PAPER_API int paper_broker_on_quote(paper_broker *b, const char *symbol, paper_ts ts, double bid,
				    double ask, double last)
{
	int rc = check_symbol_time(b, symbol, ts, false);
	if (rc != PAPER_OK)
		return rc;
	mkt m = { .ts = ts };
	if (!quote_price(bid, &m.bid) || !quote_price(ask, &m.ask) || !quote_price(last, &m.last))
		return paper__error(PAPER_EPRICE, "%s: quote prices must be finite and >= 0 "
				    "(bid %g ask %g last %g)", symbol, bid, ask, last);
	if (m.bid && m.ask && m.bid > m.ask)
		return paper__error(PAPER_EPRICE, "%s: bid %g above ask %g", symbol, bid, ask);
	if (!m.last)
		m.last = m.bid && m.ask ? (m.bid + m.ask) / 2 : m.bid ? m.bid : m.ask;
	if (!m.last)
		return paper__error(PAPER_EPRICE, "%s: quote has no price", symbol);
	if (!m.bid)
		m.bid = m.last;
	if (!m.ask)
		m.ask = m.last;
	return market_event(b, paper__broker_symbol(b, symbol), &m, m.last, true);
}

PAPER_API int paper_broker_on_bar(paper_broker *b, const char *symbol, paper_ts ts, double open,
				  double high, double low, double close, double volume)
{
	int rc = check_symbol_time(b, symbol, ts, true);
	if (rc != PAPER_OK)
		return rc;
	mkt m = { .ts = ts, .is_bar = true };
	if ((rc = price_arg(open, "open", &m.open)) || (rc = price_arg(high, "high", &m.high)) ||
	    (rc = price_arg(low, "low", &m.low)) || (rc = price_arg(close, "close", &m.close)))
		return rc;
	if (m.high < m.low || m.open > m.high || m.open < m.low || m.close > m.high || m.close < m.low)
		return paper__error(PAPER_EPRICE, "%s: bar prices inconsistent (open %g high %g low %g "
				    "close %g)", symbol, open, high, low, close);
	if (!fx_from_double(volume, &m.volume) || m.volume < 0)
		return paper__error(PAPER_EQTY, "%s: volume must be finite and >= 0 (got %g)", symbol,
				    volume);
	return market_event(b, paper__broker_symbol(b, symbol), &m, m.close, true);
}

PAPER_API int paper_broker_mark(paper_broker *b, const char *symbol, paper_ts ts, double price)
{
	int rc = check_symbol_time(b, symbol, ts, false);
	if (rc != PAPER_OK)
		return rc;
	mkt m = { .ts = ts };
	if ((rc = price_arg(price, "price", &m.last)))
		return rc;
	int64_t found = sym_find(b, symbol);
	const instrument *s = found < 0 ? NULL : &b->syms[found];
	m.bid = s ? s->bid : m.last;
	m.ask = s ? s->ask : m.last;
	if ((rc = market_event(b, paper__broker_symbol(b, symbol), &m, m.last, false)))
		return rc;
	return paper_broker_snapshot(b);
}

PAPER_API int paper_broker_snapshot(paper_broker *b)
{
	PAPER__CHECK_NULL(b, "broker");
	event ev = { .type = PAPER_EVENT_SNAPSHOT, .ts = b->clock, .equity = account_equity(b) };
	return broker_record(b, &ev);
}

PAPER_API int paper_broker_set_halted(paper_broker *b, bool halted)
{
	PAPER__CHECK_NULL(b, "broker");
	if (b->halted_manual == halted)
		return PAPER_OK;
	event ev = { .type = PAPER_EVENT_HALT, .ts = b->clock, .reason = halted, .halt_kind = 0 };
	return broker_record(b, &ev);
}

PAPER_API int paper_broker_set_event_callback(paper_broker *b, paper_event_cb cb, void *payload)
{
	PAPER__CHECK_NULL(b, "broker");
	b->cb = cb;
	b->cb_payload = payload;
	return PAPER_OK;
}

PAPER_API int paper_broker_set_log_callback(paper_broker *b, paper_log_cb cb, void *payload)
{
	PAPER__CHECK_NULL(b, "broker");
	b->log_cb = cb;
	b->log_cb_payload = payload;
	return PAPER_OK;
}

/* ---- for the ledger (broker_store.h) ---- */

void paper__broker_attach(paper_broker *b, event_sink sink, broker_detach detach, void *ctx)
{
	b->sink = sink;
	b->detach = detach;
	b->sink_ctx = ctx;
	b->on_define = NULL;
}

void paper__broker_on_define(paper_broker *b, broker_define_hook hook)
{
	b->on_define = hook;
}

const char *paper__broker_symbol_name(const paper_broker *b, uint32_t sym)
{
	return sym < b->n_syms ? b->syms[sym].name : NULL;
}

static int corrupt(const event *ev, const char *why)
{
	return paper__error(PAPER_ECORRUPT, "event %s at %" G_GINT64_FORMAT " for order %"
			    G_GUINT64_FORMAT ": %s", paper_event_type_str((paper_event_type)ev->type), ev->ts,
			    ev->order_id, why);
}

/* corrupt() with the message of the check that just failed (copied: it is rewritten). */
static int corrupt_last(const event *ev)
{
	char why[1024];
	g_strlcpy(why, paper_last_error(), sizeof why);
	return corrupt(ev, why);
}

static int check_order_event(const paper_broker *b, const event *ev)
{
	const order *o = orders_find_open(b, ev->order_id);

	if (ev->type == PAPER_EVENT_ORDER_ACCEPTED) {
		if (ev->ord == NULL || ev->ord->id == 0 || ev->ord->id != ev->order_id)
			return corrupt(ev, "no order record");
		if (o != NULL || ev->ord->id < b->next_order_id)
			return corrupt(ev, "order id reused");
		const order *n = ev->ord;
		if (n->sym >= b->n_syms || n->qty <= 0 || n->qty > FX_QTY_MAX || n->filled != 0 ||
		    n->limit < 0 || n->limit > FX_PRICE_MAX || n->stop < 0 || n->stop > FX_PRICE_MAX)
			return corrupt(ev, "order record inconsistent or out of range");
		return PAPER_OK;
	}
	if (o == NULL)
		return corrupt(ev, "the order is not open");
	if (ev->type == PAPER_EVENT_FILL) {
		const fill *f = &ev->f;
		bool worthless = f->reason == PAPER_FILL_EXPIRY && f->price == 0;
		if (f->sym != o->sym || f->side != o->side || f->qty <= 0 ||
		    f->qty > o->qty - o->filled || (f->price <= 0 && !worthless) || f->fee < 0)
			return corrupt(ev, "the fill does not fit the order");
		fill_effect e;
		if (account_plan_fill(b, o, f, 0, &e) != PAPER_OK)
			return corrupt_last(ev);
	}
	if (ev->type == PAPER_EVENT_ORDER_REPLACED &&
	    (ev->qty <= o->filled || ev->qty <= 0 || ev->qty > FX_QTY_MAX))
		return corrupt(ev, "replaced quantity below the filled quantity or out of range");
	return PAPER_OK;
}

static int check_replay(const paper_broker *b, const event *ev)
{
	switch (ev->type) {
	case PAPER_EVENT_ORDER_REJECTED:
		return ev->order_id ? check_order_event(b, ev) : PAPER_OK;
	case PAPER_EVENT_ORDER_ACCEPTED:
	case PAPER_EVENT_ORDER_CANCELLED:
	case PAPER_EVENT_ORDER_EXPIRED:
	case PAPER_EVENT_ORDER_REPLACED:
	case PAPER_EVENT_ORDER_TRIGGERED:
	case PAPER_EVENT_FILL:
		return check_order_event(b, ev);
	case PAPER_EVENT_SNAPSHOT:
	case PAPER_EVENT_HALT:
		return PAPER_OK;
	case PAPER_EVENT_ACCOUNT_RESTORED:
		/* The equity with the restored cash must be within the limits too. */
		if (!fx_money_ok(ev->cash) || !fx_money_ok(ev->realized) || ev->fees < 0 ||
		    ev->fees > FX_MONEY_MAX || !fx_money_ok(ev->cash + b->net_value))
			return corrupt(ev, "restored amounts past the limits (docs/semantics.md, "
				       "\"Limits\")");
		return PAPER_OK;
	case PAPER_EVENT_POSITION_RESTORED:
		if (ev->pos == NULL || ev->sym >= b->n_syms || ev->pos->qty == 0 || ev->pos->basis < 0)
			return corrupt(ev, "restored position inconsistent");
		if (account_check_position(b, ev->sym, ev->pos) != PAPER_OK)
			return corrupt_last(ev);
		return PAPER_OK;
	default:
		return corrupt(ev, "unknown event type");
	}
}

int paper__broker_replay(paper_broker *b, const event *ev)
{
	if (!ts_in_range(ev->ts))
		return corrupt(ev, "time outside 1970-01-01 .. 9999-12-31");
	int rc = check_replay(b, ev);
	if (rc != PAPER_OK)
		return rc;
	b->seq++;
	broker_apply(b, ev);
	if (b->has_closed_trade) {
		b->has_closed_trade = false;
		b->seq++;
	}
	if (ev->type != PAPER_EVENT_ORDER_ACCEPTED && ev->type != PAPER_EVENT_ORDER_REJECTED &&
	    ev->ts > b->clock)
		b->clock = ev->ts;
	return PAPER_OK;
}

int paper__broker_restore_mark(paper_broker *b, uint32_t sym, int64_t price, paper_ts ts)
{
	instrument *s = &b->syms[sym];
	int64_t value;
	if (!ts_in_range(ts))
		return paper__error(PAPER_ECORRUPT, "%s: the saved mark's time %" G_GINT64_FORMAT
				    " is outside 1970-01-01 .. 9999-12-31", s->name, ts);
	if (price <= 0 || price > FX_PRICE_MAX)
		return paper__error(PAPER_ECORRUPT, "%s: the saved mark %" G_GINT64_FORMAT " is not a "
				    "price within the limits", s->name, price);
	if (s->pos.qty != 0 && account_check_mark(b, sym, price, &value) != PAPER_OK) {
		char why[1024];
		g_strlcpy(why, paper_last_error(), sizeof why);
		return paper__error(PAPER_ECORRUPT, "the saved mark: %s", why);
	}

	/* The log keeps marks, not quotes or bars: until new data arrives the mark stands in for
	 * the latest quote, so buying-power checks and paper_broker_exit_at() work after a reopen. */
	s->mark = price;
	s->mark_ts = ts;
	s->bid = s->ask = s->last = price;
	s->last_is_bar = false;
	s->has_data = true;
	if (ts > s->last_ts)
		s->last_ts = ts;
	if (ts > b->clock)
		b->clock = ts;
	account_revalue(b, sym);
	return PAPER_OK;
}

void paper__broker_fail(paper_broker *b, int code, const char *why)
{
	b->failed = code;
	g_strlcpy(b->failed_why, why, sizeof b->failed_why);
}

const paper_config *paper__broker_config(const paper_broker *b)
{
	return b->cfg;
}

int64_t paper__broker_equity(const paper_broker *b)
{
	return account_equity(b);
}

/* ---- for in-library drivers (broker_fast.h) ---- */

int paper__broker_on_bar_full(paper_broker *b, uint32_t sym, paper_ts ts, const int64_t ohlcv[5])
{
	const instrument *s = &b->syms[sym];
	if (b->failed)
		return check_alive(b);
	/* The replay checked the row, not what reached the broker between two run calls. */
	if (s->has_data && (ts < s->last_ts || (s->has_bar && ts == s->last_ts)))
		return paper__error(PAPER_ETIME, "%s: time %" G_GINT64_FORMAT " is %s the last data at %"
				    G_GINT64_FORMAT, s->name, ts, ts == s->last_ts ? "a duplicate of" : "before",
				    s->last_ts);
	mkt m = { .ts = ts, .is_bar = true, .open = ohlcv[0], .high = ohlcv[1], .low = ohlcv[2],
		  .close = ohlcv[3], .volume = ohlcv[4] };
	return market_event(b, sym, &m, m.close, true);
}

int paper__broker_check_daily_loss(paper_broker *b, paper_ts ts)
{
	return check_daily_loss(b, ts);
}

int paper__broker_exit_at_fx(paper_broker *b, uint32_t sym, const exit_fx *x, uint64_t *order_id_out)
{
	if (b->failed)
		return check_alive(b);
	const instrument *s = &b->syms[sym];
	int64_t held = fx_abs(s->pos.qty);
	if (held == 0)
		return paper__error(PAPER_ENOTFOUND, "no open position in %s", s->name);
	if (x->qty < 0 || x->qty > held)
		return paper__error(PAPER_EQTY, "%s: exit qty %.8g exceeds the position %.8g", s->name,
				    fx_to_double(x->qty), fx_to_double(held));
	int rc = check_reached(s, x->price);
	if (rc != PAPER_OK)
		return rc;
	int64_t qty = x->qty ? x->qty : held;
	/* As paper_broker_exit_at(): priced like the order it stands for. */
	order like = { .side = s->pos.qty > 0 ? PAPER_SIDE_SELL : PAPER_SIDE_BUY, .limit = x->price };
	mkt m = { .ts = b->clock, .is_bar = s->last_is_bar, .volume = s->bar_volume };
	fill_match fm = { .ref = x->price, .reason = x->fill_reason, .flags = x->flags,
			  .price = engine_slip(&b->p, &like, &m, x->price, qty,
					       x->style == PAPER_EXIT_STYLE_LIMIT, b->n_fills) };
	int64_t alt = (x->flags & PAPER_FILL_FLAG_AMBIGUOUS) ? x->alt : 0;
	return exit_now(b, sym, qty, x->reason, &fm, alt, order_id_out);
}
