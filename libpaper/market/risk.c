/*
 * Entry limits apply only to the part of an order that opens or increases a position: an exit
 * that reduces a position is never blocked by them (the one exception: an order, not an exit,
 * selling shares that cover short calls, check_cover). Buying power is checked when the order is
 * accepted (at its reference price) and again at each fill (at the fill price), so a cash
 * account never goes below zero and never goes short.
 */
#include "market/risk.h"

#include "base/error.h"
#include "base/fixed.h"
#include "market/account.h"
#include "market/engine.h"
#include "market/instrument.h"

/* Quantity of o that opens or increases a position, given the signed position q. */
static int64_t opening_qty(int64_t q, uint8_t side, int64_t qty)
{
	bool reduces = (side == PAPER_SIDE_BUY) ? q < 0 : q > 0;
	int64_t held = fx_abs(q);

	if (!reduces)
		return qty;
	return qty > held ? qty - held : 0;
}

static int reject(uint8_t *reason, uint8_t why, int code, const char *fmt, double a, double b,
		  const char *sym)
{
	*reason = why;
	return paper__error(code, fmt, sym, a, b);
}

static int check_halts(const paper_broker *b, const instrument *s, uint8_t *reason)
{
	if (b->halted_manual) {
		*reason = PAPER_REJECT_KILL_SWITCH;
		return paper__error(PAPER_EHALTED, "%s: new entries are halted by the kill switch "
				    "(paper_broker_set_halted); orders that reduce a position are "
				    "still accepted", s->name);
	}
	if (b->halted_daily) {
		double start = fx_to_double(b->day_start_equity);
		*reason = PAPER_REJECT_DAILY_LOSS_HALT;
		return paper__error(PAPER_EHALTED, "%s: new entries are halted until the next UTC "
				    "day: the loss passed limits.daily_loss_limit %.4g of start-of-day "
				    "equity %.2f (%.2f); equity is %.2f", s->name,
				    b->p.daily_loss_limit, start, b->p.daily_loss_limit * start,
				    fx_to_double(account_equity(b)));
	}
	return PAPER_OK;
}

static int check_limits(const paper_broker *b, const order *o, const instrument *s, int64_t open_qty,
			int64_t ref, uint8_t *reason)
{
	const params *p = &b->p;

	if (!instrument_allowed(b, o->sym, s->name)) {
		*reason = PAPER_REJECT_SYMBOL_NOT_ALLOWED;
		return paper__error(PAPER_ELIMIT, "%s is not in limits.allowed_symbols (%s)", s->name,
				    p->allowed_symbols);
	}
	if (o->confidence >= 0.0 && o->confidence < p->min_confidence)
		return reject(reason, PAPER_REJECT_MIN_CONFIDENCE, PAPER_ELIMIT,
			      "%s: confidence %.4g is below limits.min_confidence %.4g",
			      o->confidence, p->min_confidence, s->name);
	/* Contracts for options and futures: their quantity is a number of contracts. */
	if (o->qty > p->max_order_qty)
		return reject(reason, PAPER_REJECT_MAX_ORDER_QTY, PAPER_ELIMIT,
			      "%s: qty %.15g exceeds limits.max_order_qty %.15g", fx_to_double(o->qty),
			      fx_to_double(p->max_order_qty), s->name);
	/* Wide: qty and price may each be near the fixed-point limit; the product is not. With a
	 * multiplier: saturated (past the limit, a notional past every limit). */
	fx_wide notional = s->c.mult == FX_SCALE ? (fx_wide)o->qty * ref / FX_SCALE
						 : fx_mul3_sat(o->qty, ref, s->c.mult);
	/* Told in doubles: a saturated product would show the int64 limit, not the notional. */
	if (notional > p->max_order_notional)
		return reject(reason, PAPER_REJECT_MAX_ORDER_NOTIONAL, PAPER_ELIMIT,
			      "%s: notional %.2f exceeds limits.max_order_notional %.2f",
			      fx_to_double(o->qty) * fx_to_double(ref) * fx_to_double(s->c.mult),
			      fx_to_double(p->max_order_notional), s->name);
	if (s->pos.qty == 0 && b->n_positions >= p->max_open_positions)
		return reject(reason, PAPER_REJECT_MAX_OPEN_POSITIONS, PAPER_ELIMIT,
			      "%s: %.0f open positions already, limits.max_open_positions is %.0f",
			      (double)b->n_positions, (double)p->max_open_positions, s->name);
	int64_t after = fx_abs(account_after(s->pos.qty, o->side, o->qty));
	double value = fx_to_double(after) * fx_to_double(ref) * fx_to_double(s->c.mult);
	double equity = fx_to_double(account_equity(b));
	if (open_qty > 0 && value > p->max_position_fraction * equity) {
		*reason = PAPER_REJECT_MAX_POSITION_FRACTION;
		return paper__error(PAPER_ELIMIT, "%s: position value %.2f would exceed "
				    "limits.max_position_fraction %.4g of equity %.2f (%.2f)", s->name,
				    value, p->max_position_fraction, equity,
				    p->max_position_fraction * equity);
	}
	return PAPER_OK;
}

void risk_reserved(const paper_broker *b, fx_wide *reserved, fx_wide *margined)
{
	*reserved = 0;
	*margined = 0;
	for (uint32_t i = 0; b->n_contract_positions && i < b->n_positions; i++) {
		const instrument *s = &b->syms[b->positions[i]];
		int64_t held = fx_abs(s->pos.qty);
		if (s->c.asset_class == PAPER_ASSET_FUTURE) {
			*reserved += fx_mul_sat(held, s->c.margin);
			*margined += fx_abs(s->value);
			/* A cash account pays a future's loss from cash at the close: owed already. */
			if (!b->p.margin && s->value < 0)
				*reserved -= s->value;
		} else if (s->c.asset_class == PAPER_ASSET_OPTION && s->pos.qty < 0 &&
			   s->c.right == PAPER_RIGHT_PUT) {
			*reserved += fx_mul3_sat(held, s->c.strike, s->c.mult);
		}
	}
}

/*
 * Shares that the account's short calls on the underlying slot u need, one multiplier of
 * shares per contract: the calls were accepted as covered and must stay so.
 */
static fx_wide cover_needed(const paper_broker *b, uint32_t u)
{
	fx_wide needed = 0;
	for (uint32_t i = 0; i < b->n_positions; i++) {
		const instrument *o = &b->syms[b->positions[i]];
		if (o->c.asset_class == PAPER_ASSET_OPTION && o->c.right == PAPER_RIGHT_CALL &&
		    o->c.underlying == u && o->pos.qty < 0)
			needed += fx_mul_sat(-o->pos.qty, o->c.mult);
	}
	return needed;
}

/*
 * Selling an option short (open_qty more short): only with limits.allow_short_options, and a
 * call only when covered - the account holds at least multiplier shares of the underlying per
 * short call on it, this order's included.
 */
static int check_short_option(const paper_broker *b, const instrument *s, int64_t open_qty,
			      uint8_t *reason)
{
	if (!b->p.allow_short_options)
		return reject(reason, PAPER_REJECT_SHORT_NOT_ALLOWED, PAPER_EFUNDS,
			      "%s: selling %.8g options short needs limits.allow_short_options = "
			      "true (%.0f held)", fx_to_double(open_qty), fx_to_double(s->pos.qty),
			      s->name);
	if (s->c.right != PAPER_RIGHT_CALL)
		return PAPER_OK;
	uint32_t u = s->c.underlying;
	int64_t shares = u != NO_SLOT && b->syms[u].pos.qty > 0 ? b->syms[u].pos.qty : 0;
	fx_wide needed = fx_mul_sat(open_qty, s->c.mult) + (u != NO_SLOT ? cover_needed(b, u) : 0);
	if (u != NO_SLOT && needed <= shares)
		return PAPER_OK;
	*reason = PAPER_REJECT_SHORT_NOT_ALLOWED;
	return paper__error(PAPER_EFUNDS, "%s: a naked short call is refused: it needs %.8g shares "
			    "of %s to cover the short calls, the account holds %.8g", s->name,
			    (double)needed / (double)FX_SCALE, u != NO_SLOT ? b->syms[u].name : "its "
			    "underlying", fx_to_double(shares));
}

/*
 * Selling qty of the underlying of short calls: refused when fewer shares than the calls need
 * would remain, since the sale would turn covered calls into naked ones. Buying the calls back
 * first is the way out, as at a broker.
 */
static int check_cover(const paper_broker *b, const order *o, int64_t qty, uint8_t *reason)
{
	const instrument *s = &b->syms[o->sym];
	if (o->side != PAPER_SIDE_SELL || b->n_contract_positions == 0 ||
	    s->c.asset_class == PAPER_ASSET_OPTION)
		return PAPER_OK;
	fx_wide needed = cover_needed(b, o->sym);
	fx_wide left = s->pos.qty > qty ? (fx_wide)s->pos.qty - qty : 0;
	if (needed == 0 || left >= needed)
		return PAPER_OK;
	*reason = PAPER_REJECT_SHORT_NOT_ALLOWED;
	return paper__error(PAPER_EFUNDS, "%s: selling %.8g would leave the short calls on it "
			    "naked: they need %.8g shares, %.8g would remain; buy the calls back "
			    "first", s->name, fx_to_double(qty), (double)needed / (double)FX_SCALE,
			    (double)left / (double)FX_SCALE);
}

/*
 * What opening open_qty at price needs. *full: paid or set aside whole, in any account (an
 * option bought, a future's initial margin, a short put's cash); else the notional, paid in a
 * cash account and margined at account.initial_margin in a margin account.
 */
static fx_wide opening_need(const instrument *s, uint8_t side, int64_t open_qty, int64_t price,
			    bool *full)
{
	const contract *c = &s->c;
	*full = true;
	if (c->asset_class == PAPER_ASSET_FUTURE)
		return fx_mul_sat(open_qty, c->margin);
	if (c->asset_class == PAPER_ASSET_OPTION && side == PAPER_SIDE_SELL)
		return c->right == PAPER_RIGHT_PUT ? fx_mul3_sat(open_qty, c->strike, c->mult) : 0;
	*full = c->asset_class == PAPER_ASSET_OPTION;
	/* Within the money limit: the notional of qty at price was checked before (at submission
	 * at the reference price, at a fill by its plan); saturated all the same. */
	return fx_mul3_sat(open_qty, price, c->mult);
}

/* Buying power for the opening part of a trade of qty at price. */
static int check_funds(const paper_broker *b, const instrument *s, uint8_t side, int64_t open_qty,
		       int64_t price, int64_t fee, uint8_t *reason)
{
	if (open_qty == 0)
		return PAPER_OK;
	bool option = s->c.asset_class == PAPER_ASSET_OPTION;
	bool future = s->c.asset_class == PAPER_ASSET_FUTURE;
	if (option && side == PAPER_SIDE_SELL) {
		int rc = check_short_option(b, s, open_qty, reason);
		if (rc != PAPER_OK)
			return rc;
	}
	if (!fx_money_ok(fee))
		return reject(reason, PAPER_REJECT_INSUFFICIENT_FUNDS, PAPER_EFUNDS,
			      "%s: the commission on %.8g is past the money limit of %.0f",
			      fx_to_double(open_qty), fx_to_double(FX_MONEY_MAX), s->name);
	bool full;
	fx_wide cost = opening_need(s, side, open_qty, price, &full);
	if (cost > FX_MONEY_MAX)
		return reject(reason, PAPER_REJECT_INSUFFICIENT_FUNDS, PAPER_EFUNDS,
			      "%s: opening %.8g needs more than the money limit of %.0f",
			      fx_to_double(open_qty), fx_to_double(FX_MONEY_MAX), s->name);
	fx_wide fee_w = fee, reserved, margined;
	risk_reserved(b, &reserved, &margined);
	if (!b->p.margin) {
		/* Futures and options carry their own rules for going short. */
		if (side == PAPER_SIDE_SELL && !future && !option)
			return reject(reason, PAPER_REJECT_SHORT_NOT_ALLOWED, PAPER_EFUNDS,
				      "%s: selling %.8g more than held would go short; "
				      "a cash account cannot (held %.8g)", fx_to_double(open_qty),
				      fx_to_double(s->pos.qty), s->name);
		if (cost + fee_w > (fx_wide)b->cash - reserved)
			return reject(reason, PAPER_REJECT_INSUFFICIENT_FUNDS, PAPER_EFUNDS,
				      "%s: cost %.2f with fees exceeds cash %.2f not set aside",
				      (double)(cost + fee_w) / (double)FX_SCALE,
				      (double)((fx_wide)b->cash - reserved) / (double)FX_SCALE,
				      s->name);
		return PAPER_OK;
	}
	int64_t lv, sv, u;
	account_values(b, &lv, &sv, &u);
	/* lv + sv is within twice the limit (int64 holds it); the terms of available are summed
	 * in 128 bits, where equity - margin - fee cannot overflow. */
	fx_wide available = (fx_wide)account_equity(b) -
			    fx_mul((int64_t)(lv + sv - margined), b->p.initial_margin) - reserved - fee_w;
	fx_wide required = full ? cost : fx_mul((int64_t)cost, b->p.initial_margin);
	if (required > available)
		return reject(reason, PAPER_REJECT_INSUFFICIENT_FUNDS, PAPER_EFUNDS,
			      "%s: margin required %.2f exceeds available %.2f",
			      (double)required / (double)FX_SCALE, (double)available / (double)FX_SCALE,
			      s->name);
	return PAPER_OK;
}

int risk_check_order(const paper_broker *b, const order *o, int64_t ref, uint8_t *reason)
{
	const instrument *s = &b->syms[o->sym];
	int64_t open_qty = opening_qty(s->pos.qty, o->side, o->qty);

	int rc = o->exit_reason == PAPER_EXIT_NONE ? check_cover(b, o, o->qty, reason) : PAPER_OK;
	if (rc != PAPER_OK || open_qty == 0)
		return rc;
	rc = check_halts(b, s, reason);
	if (rc == PAPER_OK)
		rc = check_limits(b, o, s, open_qty, ref, reason);
	if (rc == PAPER_OK) {
		int64_t fee = engine_commission(&b->p, s, o, o->qty, ref);
		rc = check_funds(b, s, o->side, open_qty, ref, fee, reason);
	}
	return rc;
}

int risk_check_fill(const paper_broker *b, const order *o, int64_t qty, int64_t price,
		    int64_t fee, uint8_t *reason)
{
	const instrument *s = &b->syms[o->sym];
	int64_t open_qty = opening_qty(s->pos.qty, o->side, qty);
	/* Calls sold short since this sale was accepted may need the shares now; an exit that
	 * closes the position outright is a liquidation the caller asked for (docs/semantics.md). */
	int rc = o->exit_reason == PAPER_EXIT_NONE ? check_cover(b, o, qty, reason) : PAPER_OK;
	if (rc != PAPER_OK)
		return rc;
	/* An entry that rested through a halt must not open once halted; exits still fill. */
	if (open_qty > 0) {
		rc = check_halts(b, s, reason);
		if (rc != PAPER_OK)
			return rc;
	}
	/*
	 * Entries accepted while flat in several symbols may fill together; the count checked at
	 * submission is stale by now, so a fill that opens a position counts again.
	 */
	if (s->pos.qty == 0 && b->n_positions >= b->p.max_open_positions)
		return reject(reason, PAPER_REJECT_MAX_OPEN_POSITIONS, PAPER_ELIMIT,
			      "%s: %.0f open positions already, limits.max_open_positions is %.0f",
			      (double)b->n_positions, (double)b->p.max_open_positions, s->name);
	return check_funds(b, s, o->side, open_qty, price, fee, reason);
}
