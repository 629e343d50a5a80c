/*
 * What paper run prints on standard output: one line per action, each starting with the
 * PAPER marker and the account's clock (the time of its newest price), in the style of
 * examples/python/paper_runtime.py:
 *
 *   PAPER ENTRY <time> <symbol> LONG|SHORT <qty> @ <fill price> conf <c> tp <tp> sl <sl> fee ..
 *   PAPER EXIT  <time> <symbol> LONG|SHORT <qty> @ <exit price> reason <why> pnl <net P&L> ..
 *   PAPER SKIP  <time> <symbol> LONG|SHORT: <why> decision <id>
 *
 * Fills and closed trades are found by sequence number and id, newer than the last printed,
 * so nothing is printed twice and a restart does not print the history again.
 */
#include "run/run.h"

#include <stdarg.h>
#include <string.h>

/*
 * Lines carry text other programs wrote (a decision's symbol, a file name, a message): every
 * control byte is printed as \xNN, so one PAPER line can never look like two, nor redraw the
 * terminal it is read on.
 */
void run_log(run_ctx *r, const char *what, const char *fmt, ...)
{
	paper_account_info ai = PAPER_ACCOUNT_INFO_INIT;
	char when[CLI_TEXT_MAX];
	va_list ap;
	paper_broker_account(r->acct.b, &ai);
	va_start(ap, fmt);
	char *text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	printf("PAPER %s %s ", what, cli_when(when, ai.ts));
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
	putchar('\n');
	fflush(stdout);
	g_free(text);
}

void run_log_init(run_ctx *r)
{
	const paper_broker *b = r->acct.b;
	paper_fill_info f = PAPER_FILL_INFO_INIT;
	paper_trade_info t = PAPER_TRADE_INFO_INIT;
	size_t nf = paper_broker_fill_count(b), nt = paper_broker_trade_count(b);
	r->fill_seq = nf && paper_broker_fill_at(b, nf - 1, &f) == PAPER_OK ? f.seq : 0;
	r->trade_id = nt && paper_broker_trade_at(b, nt - 1, &t) == PAPER_OK ? t.id : 0;
}

/* The session's levels for a symbol it manages, as text ("-" when none). */
static void levels(const paper_session *s, const char *symbol, char *tp, char *sl)
{
	strcpy(tp, "-");
	strcpy(sl, "-");
	for (size_t i = 0; i < paper_session_position_count(s); i++) {
		paper_session_position p = PAPER_SESSION_POSITION_INIT;
		if (paper_session_position_at(s, i, &p) != PAPER_OK || strcmp(p.symbol, symbol) != 0)
			continue;
		if (p.take_profit > 0)
			cli_price(tp, p.take_profit);
		if (p.stop_loss > 0)
			cli_price(sl, p.stop_loss);
	}
}

static const char *upper_dir(paper_side side)
{
	return side == PAPER_SIDE_BUY ? "LONG" : "SHORT";
}

static void log_fill(run_ctx *r, const paper_fill_info *f)
{
	paper_order_info o = PAPER_ORDER_INFO_INIT;
	char q[CLI_TEXT_MAX], p[CLI_TEXT_MAX], fee[CLI_TEXT_MAX], tp[CLI_TEXT_MAX], sl[CLI_TEXT_MAX];
	bool known = paper_broker_order(r->acct.b, f->order_id, &o) == PAPER_OK;
	if (known && o.exit_reason != PAPER_EXIT_NONE)
		return; /* an exit: its closed trade is printed */
	cli_qty(q, f->qty);
	cli_price(p, f->price);
	cli_money(fee, f->fee);
	if (known && strncmp(o.signal_id, "decision-", 9) == 0) {
		levels(r->s, f->symbol, tp, sl);
		run_log(r, "ENTRY", "%s %s %s @ %s conf %.2f tp %s sl %s fee %s order %llu %s", f->symbol,
			upper_dir(f->side), q, p, o.confidence, tp, sl, fee,
			(unsigned long long)f->order_id, o.signal_id);
		return;
	}
	run_log(r, "FILL", "%s %s %s @ %s fee %s order %llu%s%s", f->symbol,
		f->side == PAPER_SIDE_BUY ? "BUY" : "SELL", q, p, fee, (unsigned long long)f->order_id,
		known && *o.strategy ? " strategy " : "", known ? o.strategy : "");
}

static void log_trade(run_ctx *r, const paper_trade_info *t)
{
	char q[CLI_TEXT_MAX], p[CLI_TEXT_MAX], n[CLI_TEXT_MAX];
	run_log(r, "EXIT", "%s %s %s @ %s reason %s pnl %s trade %llu", t->symbol,
		t->direction == PAPER_LONG ? "LONG" : "SHORT", cli_qty(q, t->qty),
		cli_price(p, t->exit_price), paper_exit_reason_str(t->exit_reason),
		cli_signed(n, t->pnl_net), (unsigned long long)t->id);
	r->exits++;
}

/* Index of the oldest held item newer than last; items are ordered by their key. */
static size_t first_new_fill(const paper_broker *b, uint64_t last)
{
	size_t i = paper_broker_fill_count(b);
	paper_fill_info f = PAPER_FILL_INFO_INIT;
	while (i > 0 && paper_broker_fill_at(b, i - 1, &f) == PAPER_OK && f.seq > last)
		i--;
	return i;
}

static size_t first_new_trade(const paper_broker *b, uint64_t last)
{
	size_t i = paper_broker_trade_count(b);
	paper_trade_info t = PAPER_TRADE_INFO_INIT;
	while (i > 0 && paper_broker_trade_at(b, i - 1, &t) == PAPER_OK && t.id > last)
		i--;
	return i;
}

void run_log_activity(run_ctx *r)
{
	const paper_broker *b = r->acct.b;
	for (size_t i = first_new_fill(b, r->fill_seq); i < paper_broker_fill_count(b); i++) {
		paper_fill_info f = PAPER_FILL_INFO_INIT;
		if (paper_broker_fill_at(b, i, &f) != PAPER_OK)
			continue;
		log_fill(r, &f);
		r->fill_seq = f.seq;
	}
	for (size_t i = first_new_trade(b, r->trade_id); i < paper_broker_trade_count(b); i++) {
		paper_trade_info t = PAPER_TRADE_INFO_INIT;
		if (paper_broker_trade_at(b, i, &t) != PAPER_OK)
			continue;
		log_trade(r, &t);
		r->trade_id = t.id;
	}
}
