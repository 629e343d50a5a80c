/*
 * Exact accounting. A position keeps its cost basis as an integer amount of money; reducing it
 * removes a proportional share of the basis, and closing it removes all that is left. So the
 * realized P&L of a round trip is exactly what its fills moved in cash, and
 * starting cash + realized - fees == cash whenever the account is flat.
 *
 * Every amount stays within the limits of fixed.h: a fill is planned with checked arithmetic
 * and refused whole when one amount would pass them, so the commit that follows cannot
 * overflow, and neither can the sums read from the state (equity, unrealized P&L).
 */
#include "market/account.h"

#include <string.h>

#include "base/error.h"
#include "base/fixed.h"

static bool is_contract(const instrument *s)
{
	return s->c.asset_class == PAPER_ASSET_FUTURE || s->c.asset_class == PAPER_ASSET_OPTION;
}

static void position_list_add(paper_broker *b, uint32_t sym)
{
	b->syms[sym].pos.index = b->n_positions;
	b->positions[b->n_positions++] = sym;
	b->n_contract_positions += is_contract(&b->syms[sym]);
}

static void position_list_remove(paper_broker *b, uint32_t sym)
{
	uint32_t i = b->syms[sym].pos.index;
	uint32_t last = b->positions[--b->n_positions];

	b->positions[i] = last;
	b->syms[last].pos.index = i;
	b->syms[sym].pos.index = NO_SLOT;
	b->n_contract_positions -= is_contract(&b->syms[sym]);
}

/* Start a round trip with the opening part of a fill (amounts already checked). */
static void open_trip(position *p, const order *o, const fill *f, int64_t qty, int64_t notional,
		      int64_t fee)
{
	uint32_t index = p->index;

	memset(p, 0, sizeof *p);
	p->index = index;
	p->direction = o->side == PAPER_SIDE_BUY ? PAPER_LONG : PAPER_SHORT;
	p->entry_ts = f->ts;
	p->confidence = o->confidence;
	memcpy(p->strategy, o->strategy, sizeof p->strategy);
	memcpy(p->signal_id, o->signal_id, sizeof p->signal_id);
	p->plan = o->plan;
	p->qty = o->side == PAPER_SIDE_BUY ? qty : -qty;
	p->basis = notional;
	p->entry_qty = qty;
	p->entry_notional = notional;
	p->fees = fee;
}

/* a + b as a quantity within the limits (a position, a round trip's total). */
static bool qty_add(int64_t a, int64_t b, int64_t *out)
{
	int64_t r;
	if (!fx_add_checked(a, b, &r) || r > FX_QTY_MAX || r < -FX_QTY_MAX)
		return false;
	*out = r;
	return true;
}

static bool add_to_trip(position *p, const order *o, int64_t qty, int64_t notional, int64_t fee)
{
	return qty_add(p->qty, o->side == PAPER_SIDE_BUY ? qty : -qty, &p->qty) &&
	       fx_money_add(p->basis, notional, &p->basis) &&
	       qty_add(p->entry_qty, qty, &p->entry_qty) &&
	       fx_money_add(p->entry_notional, notional, &p->entry_notional) &&
	       fx_money_add(p->fees, fee, &p->fees);
}

/* Reduce the position by qty (<= held); *pnl receives the realized P&L. */
static bool reduce_trip(position *p, const order *o, int64_t qty, int64_t notional, int64_t fee,
			int64_t *pnl)
{
	int64_t held = fx_abs(p->qty);
	/* At most the basis: the quotient of qty / held <= 1 of it. */
	int64_t removed = qty == held ? p->basis : fx_muldiv(p->basis, qty, held);
	/* Both within the money limit, so the difference fits. */
	*pnl = p->qty > 0 ? notional - removed : removed - notional;

	p->basis -= removed;
	p->qty = account_after(p->qty, o->side, qty);
	return qty_add(p->exit_qty, qty, &p->exit_qty) &&
	       fx_money_add(p->exit_notional, notional, &p->exit_notional) &&
	       fx_money_add(p->realized, *pnl, &p->realized) &&
	       fx_money_add(p->fees, fee, &p->fees);
}

static void close_trip(const paper_broker *b, uint32_t sym, const position *p, const order *o,
		       const fill *f, trade *t)
{
	memset(t, 0, sizeof *t);
	t->id = b->n_trades + 1;
	t->sym = sym;
	t->direction = p->direction;
	t->exit_reason = o->exit_reason ? o->exit_reason : PAPER_EXIT_MANUAL;
	t->entry_ts = p->entry_ts;
	t->exit_ts = f->ts;
	t->qty = p->entry_qty;
	t->entry_notional = p->entry_notional;
	t->exit_notional = p->exit_notional;
	t->exit_qty = p->exit_qty;
	t->pnl = p->realized;
	t->fees = p->fees;
	t->confidence = p->confidence;
	memcpy(t->strategy, p->strategy, sizeof t->strategy);
	memcpy(t->signal_id, p->signal_id, sizeof t->signal_id);
}

/* The position after the fill; false when one of its amounts would pass the limits. */
static bool plan_position(const paper_broker *b, const order *o, const fill *f, int64_t notional,
			  fill_effect *e)
{
	position *p = &e->pos;
	bool buy = f->side == PAPER_SIDE_BUY;

	*p = b->syms[f->sym].pos;
	e->realized_delta = 0;
	e->closed = false;
	if (p->qty == 0) {
		open_trip(p, o, f, f->qty, notional, f->fee);
		return true;
	}
	if ((p->qty > 0) == buy)
		return add_to_trip(p, o, f->qty, notional, f->fee);
	int64_t held = fx_abs(p->qty);
	if (f->qty <= held) {
		if (!reduce_trip(p, o, f->qty, notional, f->fee, &e->realized_delta))
			return false;
		if (p->qty == 0) {
			close_trip(b, f->sym, p, o, f, &e->trade);
			e->closed = true;
		}
		return true;
	}
	/* A flip: split the fill's notional and fee exactly between the two round trips (each
	 * part at most the whole). */
	int64_t close_notional = fx_muldiv(notional, held, f->qty);
	int64_t close_fee = fx_muldiv(f->fee, held, f->qty);
	if (!reduce_trip(p, o, held, close_notional, close_fee, &e->realized_delta))
		return false;
	close_trip(b, f->sym, p, o, f, &e->trade);
	e->closed = true;
	open_trip(p, o, f, f->qty - held, notional - close_notional, f->fee - close_fee);
	return true;
}

/*
 * The account's totals with symbol s holding qty (basis) valued at price and cash: each
 * total within the limits? The totals never pass them, so removing s's share and adding the
 * new one stays inside int64.
 */
static bool totals_ok(const paper_broker *b, const instrument *s, int64_t cash, int64_t qty,
		      int64_t basis, int64_t price, int64_t *value)
{
	int64_t v = 0;
	uint64_t mag;
	if (qty != 0 && (!account_value(s, qty, basis, price, &v, &mag) || !fx_money_ok(v)))
		return false;
	int64_t lv = account_long_value(b) - (s->value > 0 ? s->value : 0) + (v > 0 ? v : 0);
	int64_t sv = account_short_value(b) - (s->value < 0 ? -s->value : 0) + (v < 0 ? -v : 0);
	/* A margined contract's basis is not in the totals (account.h). */
	bool paid = !account_margined(s);
	int64_t lb = b->long_basis - (paid && s->pos.qty > 0 ? s->pos.basis : 0) +
		     (paid && qty > 0 ? basis : 0);
	int64_t sb = b->short_basis - (paid && s->pos.qty < 0 ? s->pos.basis : 0) +
		     (paid && qty < 0 ? basis : 0);
	if (lv > FX_MONEY_MAX || sv > FX_MONEY_MAX || lb > FX_MONEY_MAX || sb > FX_MONEY_MAX ||
	    !fx_money_ok(cash + (lv - sv)))
		return false;
	*value = v;
	return true;
}

static int out_of_range(const paper_broker *b, const fill *f, const char *what)
{
	return paper__error(PAPER_ERANGE, "%s: a fill of %.8g at %.8g would take %s past the limit "
			    "of 46000000000 in magnitude (docs/semantics.md, \"Limits\")",
			    b->syms[f->sym].name, fx_to_double(f->qty), fx_to_double(f->price), what);
}

int account_plan_fill(const paper_broker *b, const order *o, const fill *f, int64_t mark_after,
		      fill_effect *e)
{
	const instrument *s = &b->syms[f->sym];
	bool buy = f->side == PAPER_SIDE_BUY;
	int64_t notional, c, v;

	/* A settlement at expiry may be at 0: an option that expired worthless. */
	bool zero_ok = f->reason == PAPER_FILL_EXPIRY && f->price == 0;
	if ((f->price <= 0 && !zero_ok) || f->price > FX_PRICE_MAX || f->qty <= 0 ||
	    f->qty > FX_QTY_MAX)
		return out_of_range(b, f, "the price or quantity");
	if (f->fee < 0 || f->fee > FX_MONEY_MAX)
		return out_of_range(b, f, "the fee");
	if (!account_notional(s, f->qty, f->price, &notional))
		return out_of_range(b, f, "the notional");
	/* A contract paid for moves the notional; a margined one only what it realizes. */
	bool paid = !account_margined(s);
	int64_t moved = paid ? (buy ? -notional : notional) : 0;
	/* cash +- notional - fee: each within the limit, so only the last step can overflow. */
	if (!fx_add_checked(b->cash, moved, &c) || !fx_sub_checked(c, f->fee, &c) ||
	    !fx_money_ok(c))
		return out_of_range(b, f, "the cash");
	if (!fx_money_add(b->fees, f->fee, &e->fees) ||
	    !fx_money_add(o->fill_notional, notional, &e->order_notional) ||
	    !fx_money_add(o->fees, f->fee, &e->order_fees))
		return out_of_range(b, f, "the fees or the order's filled notional");
	if (!plan_position(b, o, f, notional, e))
		return out_of_range(b, f, "the position's quantity, cost basis or P&L");
	if (!paid && !fx_money_add(c, e->realized_delta, &c))
		return out_of_range(b, f, "the cash");
	e->cash = c;
	if (!fx_money_add(b->realized, e->realized_delta, &e->realized))
		return out_of_range(b, f, "the realized P&L");
	/* Valued at the symbol's mark (a first fill marks it at its price), and at the mark the
	 * market event under way leaves. */
	int64_t mark = s->mark ? s->mark : f->price;
	if (!totals_ok(b, s, e->cash, e->pos.qty, e->pos.basis, mark, &v) ||
	    (mark_after && !totals_ok(b, s, e->cash, e->pos.qty, e->pos.basis, mark_after, &v)))
		return out_of_range(b, f, "the market value or equity");
	return PAPER_OK;
}

/* Keep the basis totals as position p replaces the symbol's position cur (the bases of
 * contracts paid for only: account.h). */
static void move_basis(paper_broker *b, const instrument *s, const position *cur,
		       const position *p)
{
	if (account_margined(s))
		return;
	if (cur->qty > 0)
		b->long_basis -= cur->basis;
	else if (cur->qty < 0)
		b->short_basis -= cur->basis;
	if (p->qty > 0)
		b->long_basis += p->basis;
	else if (p->qty < 0)
		b->short_basis += p->basis;
}

void account_commit_fill(paper_broker *b, const fill *f, const fill_effect *e)
{
	position *p = &b->syms[f->sym].pos;
	bool was_open = p->qty != 0, now_open = e->pos.qty != 0;
	uint32_t index = p->index;

	b->cash = e->cash;
	b->fees = e->fees;
	b->realized = e->realized;
	if (e->closed)
		b->n_trades++;
	move_basis(b, &b->syms[f->sym], p, &e->pos);
	*p = e->pos;
	p->index = index;
	if (!was_open && now_open)
		position_list_add(b, f->sym);
	else if (was_open && !now_open)
		position_list_remove(b, f->sym);
	if (!now_open) {
		memset(p, 0, sizeof *p);
		p->index = NO_SLOT;
	}
}

void account_values(const paper_broker *b, int64_t *long_value, int64_t *short_value,
		    int64_t *unrealized)
{
	*long_value = account_long_value(b);
	*short_value = account_short_value(b);
	/* Each difference within the money limit, the sum within twice it. */
	*unrealized = (*long_value - b->long_basis) + (b->short_basis - *short_value);
}

int account_check_mark_slow(const paper_broker *b, uint32_t sym, int64_t price, int64_t *value)
{
	const instrument *s = &b->syms[sym];
	if (totals_ok(b, s, b->cash, s->pos.qty, s->pos.basis, price, value))
		return PAPER_OK;
	return paper__error(PAPER_ERANGE, "%s: a price of %.8g would take the market value of %.8g "
			    "units or the equity past the limit of 46000000000 in magnitude "
			    "(docs/semantics.md, \"Limits\")", s->name, fx_to_double(price),
			    fx_to_double(s->pos.qty));
}

void account_revalue(paper_broker *b, uint32_t sym)
{
	const instrument *s = &b->syms[sym];
	int64_t v = 0;
	uint64_t mag;
	/* Within the limits: checked by the plan, the mark check or the restore check before. */
	if (s->pos.qty)
		account_value(s, s->pos.qty, s->pos.basis, s->mark, &v, &mag);
	account_set_value(b, sym, v);
}

int account_check_position(const paper_broker *b, uint32_t sym, const position *p)
{
	const instrument *s = &b->syms[sym];
	int64_t v, held = fx_abs(p->qty);
	/* Valued at the mark, or at its average price when the symbol has none yet (at least one
	 * unit: the cost of a tiny position may round to nothing). */
	int64_t mark = s->mark ? s->mark : account_avg_price(s, p->basis, held ? held : 1);
	if (mark == 0 && !s->mark)
		mark = 1;
	bool ok = p->qty >= -FX_QTY_MAX && p->qty <= FX_QTY_MAX && p->entry_qty >= 0 &&
		  p->entry_qty <= FX_QTY_MAX && p->exit_qty >= 0 && p->exit_qty <= FX_QTY_MAX &&
		  p->basis >= 0 && p->basis <= FX_MONEY_MAX && p->entry_notional >= 0 &&
		  p->entry_notional <= FX_MONEY_MAX && p->exit_notional >= 0 &&
		  p->exit_notional <= FX_MONEY_MAX && fx_money_ok(p->realized) && p->fees >= 0 &&
		  p->fees <= FX_MONEY_MAX && mark > 0 && mark <= FX_PRICE_MAX &&
		  totals_ok(b, s, b->cash, p->qty, p->basis, mark, &v);
	if (ok)
		return PAPER_OK;
	return paper__error(PAPER_ERANGE, "%s: the position's amounts pass the limits "
			    "(docs/semantics.md, \"Limits\")", s->name);
}

void account_set_position(paper_broker *b, uint32_t sym, const position *p)
{
	instrument *s = &b->syms[sym];
	uint32_t index = s->pos.index;

	move_basis(b, s, &s->pos, p);
	s->pos = *p;
	s->pos.index = index;
	if (index == NO_SLOT)
		position_list_add(b, sym);
	if (s->mark == 0)
		s->mark = account_avg_price(s, s->pos.basis, s->pos.qty);
	account_revalue(b, sym);
}
