/*
 * The session's PAPER lines: ENTRY when an entry it made has filled and is managed (with the
 * levels it will exit at), EXIT when a trade it sees closes (with the P&L in money and in
 * percent of the entry). They go where the broker's own lines go (market/log.c: the log file,
 * GLib's structured log, the log callback), so a program in any language gets them without
 * formatting them itself. Amounts are printed from the exact fixed-point values.
 */
#include "sim/session.h"

#include "base/fixed.h"
#include "base/ring.h"
#include "market/log.h"

static void put_level(GString *g, const char *word, int64_t v)
{
	g_string_append_printf(g, " %s ", word);
	if (v)
		paper__log_put_fx(g, v, 2);
	else
		g_string_append_c(g, '-');
}

/*
 * The price the entry filled at: the fills' price when they all had one (the usual single
 * fill: exactly as filled, not an average rebuilt from rounded amounts), else the session's
 * average entry price.
 */
static int64_t entry_fill_price(const paper_session *s, const sess_pos *p, uint64_t order_id)
{
	const ring *fills = &s->b->fills;
	int64_t price = 0;
	for (size_t k = 0; order_id && k < fills->len && k < 64; k++) {
		const fill *f = ring_at(fills, fills->len - 1 - k);
		if (f->order_id != order_id)
			continue;
		if (price && f->price != price)
			return p->entry_price;
		price = f->price;
	}
	return price ? price : p->entry_price;
}

void session__log_entry(const paper_session *s, uint32_t sym, const sess_pos *p, uint64_t order_id)
{
	const instrument *in = &s->b->syms[sym];
	const position *pos = &in->pos;
	GString *g = g_string_new("PAPER ENTRY ");

	g_string_append(g, p->dir > 0 ? "LONG " : "SHORT ");
	paper__log_put_fx(g, fx_abs(pos->qty), 0);
	g_string_append_printf(g, " %s @ ", in->name);
	paper__log_put_fx(g, entry_fill_price(s, p, order_id), 2);
	if (pos->confidence >= 0)
		g_string_append_printf(g, " conf %.2f", pos->confidence);
	else
		g_string_append(g, " conf -");
	put_level(g, "tp", p->tp);
	put_level(g, "sl", p->sl);
	g_string_append(g, " fee ");
	paper__log_put_fx(g, pos->fees, 2);
	if (order_id)
		g_string_append_printf(g, " order %" G_GUINT64_FORMAT, order_id);
	if (pos->signal_id[0])
		g_string_append_printf(g, " signal %s", pos->signal_id);
	if (pos->strategy[0])
		g_string_append_printf(g, " strategy %s", pos->strategy);
	paper__log_line(s->b, p->entry_ts, "entry", g);
	g_string_free(g, TRUE);
}

void session__log_exit(const paper_session *s, const trade *t)
{
	const paper_broker *b = s->b;
	int64_t net = t->pnl - t->fees;
	GString *g = g_string_new("PAPER EXIT ");

	g_string_append(g, t->direction == PAPER_LONG ? "LONG " : "SHORT ");
	paper__log_put_fx(g, t->qty, 0);
	g_string_append_printf(g, " %s @ ", b->syms[t->sym].name);
	paper__log_put_fx(g, t->exit_qty ? fx_muldiv(t->exit_notional, FX_SCALE, t->exit_qty) : 0, 2);
	g_string_append_printf(g, " reason %s pnl %s",
			       paper_exit_reason_str((paper_exit_reason)t->exit_reason),
			       net > 0 ? "+" : "");
	paper__log_put_fx(g, net, 2);
	/* The net P&L in percent of what the entry cost: the seeds' "P&L: +0.98%". */
	if (t->entry_notional)
		g_string_append_printf(g, " (%+.2f%%)",
				       fx_to_double(net) / fx_to_double(t->entry_notional) * 100.0);
	g_string_append_printf(g, " trade %" G_GUINT64_FORMAT, t->id);
	if (t->signal_id[0])
		g_string_append_printf(g, " signal %s", t->signal_id);
	paper__log_line(b, t->exit_ts, "exit", g);
	g_string_free(g, TRUE);
}
