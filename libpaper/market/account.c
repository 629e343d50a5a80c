/*
 * Exact accounting. A position keeps its cost basis as an integer amount of money; reducing it
 * removes a proportional share of the basis, and closing it removes all that is left. So the
 * realized P&L of a round trip is exactly what its fills moved in cash, and
 * starting cash + realized - fees == cash whenever the account is flat.
 */
#include "market/account.h"

#include <string.h>

#include "base/fixed.h"

static void position_list_add(paper_broker *b, uint32_t sym)
{
	b->syms[sym].pos.index = b->n_positions;
	b->positions[b->n_positions++] = sym;
}

static void position_list_remove(paper_broker *b, uint32_t sym)
{
	uint32_t i = b->syms[sym].pos.index;
	uint32_t last = b->positions[--b->n_positions];

	b->positions[i] = last;
	b->syms[last].pos.index = i;
	b->syms[sym].pos.index = NO_SLOT;
}

/* Start a round trip with the opening part of a fill. */
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
	p->qty = o->side == PAPER_SIDE_BUY ? qty : -qty;
	p->basis = notional;
	p->entry_qty = qty;
	p->entry_notional = notional;
	p->fees = fee;
}

static void add_to_trip(position *p, const order *o, int64_t qty, int64_t notional, int64_t fee)
{
	p->qty = account_after(p->qty, o->side, qty);
	p->basis += notional;
	p->entry_qty += qty;
	p->entry_notional += notional;
	p->fees += fee;
}

/* Reduce the position by qty; returns the realized P&L. */
static int64_t reduce_trip(position *p, const order *o, int64_t qty, int64_t notional, int64_t fee)
{
	int64_t held = fx_abs(p->qty);
	int64_t removed = qty == held ? p->basis : fx_muldiv(p->basis, qty, held);
	int64_t pnl = p->qty > 0 ? notional - removed : removed - notional;

	p->basis -= removed;
	p->qty = account_after(p->qty, o->side, qty);
	p->exit_qty += qty;
	p->exit_notional += notional;
	p->realized += pnl;
	p->fees += fee;
	return pnl;
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

void account_plan_fill(const paper_broker *b, const order *o, const fill *f, fill_effect *e)
{
	const position *cur = &b->syms[f->sym].pos;
	position *p = &e->pos;
	int64_t notional = fx_mul(f->qty, f->price);
	bool buy = f->side == PAPER_SIDE_BUY;

	*p = *cur;
	e->cash_delta = (buy ? -notional : notional) - f->fee;
	e->realized_delta = 0;
	e->closed = false;
	if (p->qty == 0) {
		open_trip(p, o, f, f->qty, notional, f->fee);
		return;
	}
	if ((p->qty > 0) == buy) {
		add_to_trip(p, o, f->qty, notional, f->fee);
		return;
	}
	int64_t held = fx_abs(p->qty);
	if (f->qty <= held) {
		e->realized_delta = reduce_trip(p, o, f->qty, notional, f->fee);
		if (p->qty == 0) {
			close_trip(b, f->sym, p, o, f, &e->trade);
			e->closed = true;
		}
		return;
	}
	/* A flip: split the fill's notional and fee exactly between the two round trips. */
	int64_t close_notional = fx_muldiv(notional, held, f->qty);
	int64_t close_fee = fx_muldiv(f->fee, held, f->qty);
	e->realized_delta = reduce_trip(p, o, held, close_notional, close_fee);
	close_trip(b, f->sym, p, o, f, &e->trade);
	e->closed = true;
	open_trip(p, o, f, f->qty - held, notional - close_notional, f->fee - close_fee);
}

void account_commit_fill(paper_broker *b, const fill *f, const fill_effect *e)
{
	position *p = &b->syms[f->sym].pos;
	bool was_open = p->qty != 0, now_open = e->pos.qty != 0;
	uint32_t index = p->index;

	b->cash += e->cash_delta;
	b->fees += f->fee;
	b->realized += e->realized_delta;
	if (e->closed)
		b->n_trades++;
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
	int64_t lv = 0, sv = 0, u = 0;

	for (uint32_t i = 0; i < b->n_positions; i++) {
		const instrument *s = &b->syms[b->positions[i]];
		int64_t v = fx_mul(fx_abs(s->pos.qty), s->mark);
		if (s->pos.qty > 0) {
			lv += v;
			u += v - s->pos.basis;
		} else {
			sv += v;
			u += s->pos.basis - v;
		}
	}
	*long_value = lv;
	*short_value = sv;
	*unrealized = u;
}

void account_revalue(paper_broker *b, uint32_t sym)
{
	instrument *s = &b->syms[sym];
	int64_t v = s->pos.qty ? fx_mul(s->pos.qty, s->mark) : 0;

	b->net_value += v - s->value;
	s->value = v;
}
