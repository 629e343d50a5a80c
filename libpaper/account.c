/*
 * Exact accounting. A position keeps its cost basis as an integer amount of money; reducing it
 * removes a proportional share of the basis, and closing it removes all that is left. So the
 * realized P&L of a round trip is exactly what its fills moved in cash, and
 * starting cash + realized - fees == cash whenever the account is flat.
 */
#include "account.h"

#include <string.h>

#include "fixed.h"

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
static void open_trip(paper_broker *b, uint32_t sym, const order *o, const fill *f, int64_t qty,
		      int64_t notional, int64_t fee)
{
	position *p = &b->syms[sym].pos;
	uint32_t index = p->index;

	memset(p, 0, sizeof *p);
	p->index = index;
	p->direction = o->side == PAPER_SIDE_BUY ? PAPER_LONG : PAPER_SHORT;
	p->entry_ts = f->ts;
	p->confidence = o->confidence;
	memcpy(p->strategy, o->strategy, sizeof p->strategy);
	memcpy(p->signal_id, o->signal_id, sizeof p->signal_id);
	if (index == NO_SLOT)
		position_list_add(b, sym);
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

/* Reduce the position by qty; returns true if it reached zero. */
static bool reduce_trip(paper_broker *b, position *p, const order *o, int64_t qty,
			int64_t notional, int64_t fee)
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
	b->realized += pnl;
	return p->qty == 0;
}

static void close_trip(paper_broker *b, uint32_t sym, const order *o, const fill *f, trade *t)
{
	position *p = &b->syms[sym].pos;

	memset(t, 0, sizeof *t);
	t->id = ++b->n_trades;
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
	position_list_remove(b, sym);
	uint32_t index = p->index;
	memset(p, 0, sizeof *p);
	p->index = index;
}

bool account_apply_fill(paper_broker *b, const order *o, const fill *f, trade *closed)
{
	position *p = &b->syms[f->sym].pos;
	int64_t notional = fx_mul(f->qty, f->price);
	bool buy = f->side == PAPER_SIDE_BUY;

	b->cash += (buy ? -notional : notional) - f->fee;
	b->fees += f->fee;

	if (p->qty == 0) {
		open_trip(b, f->sym, o, f, f->qty, notional, f->fee);
		return false;
	}
	if ((p->qty > 0) == buy) {
		add_to_trip(p, o, f->qty, notional, f->fee);
		return false;
	}

	int64_t held = fx_abs(p->qty);
	if (f->qty <= held) {
		if (!reduce_trip(b, p, o, f->qty, notional, f->fee))
			return false;
		close_trip(b, f->sym, o, f, closed);
		return true;
	}
	/* A flip: split the fill's notional and fee exactly between the two round trips. */
	int64_t close_notional = fx_muldiv(notional, held, f->qty);
	int64_t close_fee = fx_muldiv(f->fee, held, f->qty);
	reduce_trip(b, p, o, held, close_notional, close_fee);
	close_trip(b, f->sym, o, f, closed);
	open_trip(b, f->sym, o, f, f->qty - held, notional - close_notional, f->fee - close_fee);
	return true;
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

int64_t account_equity(const paper_broker *b)
{
	int64_t lv, sv, u;

	account_values(b, &lv, &sv, &u);
	return b->cash + lv - sv;
}
