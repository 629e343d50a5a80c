/*
 * The PAPER log lines: one human-readable line per order, fill, closed trade, rejection, halt
 * and day start, always beginning with the PAPER marker so that no line can be mistaken for a
 * live broker's. Amounts are printed from their exact fixed-point values, never through a
 * double, so the log agrees with the ledger to the last digit.
 */
#include "market/log.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "base/error.h"
#include "base/fixed.h"
#include "base/tstext.h"
#include "market/account.h"

int paper__log_open(const char *path, FILE **out)
{
	*out = NULL;
	if (path == NULL || path[0] == '\0')
		return PAPER_OK;
	/* Append ("a": O_APPEND, so brokers sharing a file never overwrite each other's lines);
	 * close on exec ("e"), so programs the caller starts do not inherit it. */
	FILE *f = fopen(path, "ae");
	if (f == NULL)
		return paper__error(PAPER_EIO, "logging.log_file = '%s': cannot open for appending: %s",
				    path, g_strerror(errno));
	/* Whole lines reach the file as they happen: a crash loses no written event. */
	setvbuf(f, NULL, _IOLBF, 0);
	*out = f;
	return PAPER_OK;
}

bool paper__log_structured_wanted(void)
{
	return !g_log_writer_default_would_drop(G_LOG_LEVEL_INFO, PAPER_LOG_DOMAIN);
}

/* ---- formatting ---- */

/* A fixed-point amount with min_dec to 8 decimals, trailing zeros beyond min_dec dropped. */
void paper__log_put_fx(GString *s, int64_t v, int min_dec)
{
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	uint64_t scale = (uint64_t)FX_SCALE;
	char frac[16];
	int n = 8;

	g_snprintf(frac, sizeof frac, "%08" PRIu64, a % scale);
	while (n > min_dec && frac[n - 1] == '0')
		n--;
	frac[n] = '\0';
	g_string_append_printf(s, "%s%" PRIu64 "%s%s", v < 0 ? "-" : "", a / scale, n ? "." : "",
			       frac);
}

static const char *side_word(uint8_t side)
{
	return side == PAPER_SIDE_BUY ? "BUY" : side == PAPER_SIDE_SELL ? "SELL" : NULL;
}

/* "BUY 10 AAPL" (side left out when the event does not carry one). */
static void put_order_head(GString *s, uint8_t side, int64_t qty, const char *sym)
{
	const char *w = side_word(side);

	if (w)
		g_string_append_printf(s, " %s", w);
	if (qty) {
		g_string_append_c(s, ' ');
		paper__log_put_fx(s, qty, 0);
	}
	g_string_append_printf(s, " %s", sym ? sym : "?");
}

static void put_prices(GString *s, int64_t limit, int64_t stop)
{
	if (stop) {
		g_string_append(s, " stop ");
		paper__log_put_fx(s, stop, 2);
	}
	if (limit) {
		g_string_append(s, " limit ");
		paper__log_put_fx(s, limit, 2);
	}
}

static const char *order_sym(const paper_broker *b, const event *ev)
{
	return ev->ord->sym < b->n_syms ? b->syms[ev->ord->sym].name : ev->sym_name;
}

/* The rejection's own message is still the thread's last error while it is recorded. */
static void put_reject_message(GString *s)
{
	int code = paper_last_error_code();

	if (code == PAPER_ELIMIT || code == PAPER_EHALTED || code == PAPER_EFUNDS ||
	    code == PAPER_ENODATA)
		g_string_append_printf(s, ": %s", paper_last_error());
}

static void describe_order(const paper_broker *b, const event *ev, GString *s)
{
	static const char *const words[] = {
		[PAPER_EVENT_ORDER_ACCEPTED] = "ACCEPTED",   [PAPER_EVENT_ORDER_REJECTED] = "REJECTED",
		[PAPER_EVENT_ORDER_CANCELLED] = "CANCELLED", [PAPER_EVENT_ORDER_EXPIRED] = "EXPIRED",
		[PAPER_EVENT_ORDER_REPLACED] = "REPLACED",   [PAPER_EVENT_ORDER_TRIGGERED] = "TRIGGERED",
	};
	bool replaced = ev->type == PAPER_EVENT_ORDER_REPLACED;

	g_string_append(s, words[ev->type]);
	put_order_head(s, ev->ord->side, replaced ? ev->qty : ev->ord->qty, order_sym(b, ev));
	if (ev->type == PAPER_EVENT_ORDER_ACCEPTED) {
		/* "market", or the prices that make the type: "limit 101.20", "stop 99.00 limit 98.50" */
		if (ev->ord->type == PAPER_ORDER_MARKET)
			g_string_append(s, " market");
		put_prices(s, ev->ord->limit, ev->ord->stop);
	} else if (replaced) {
		put_prices(s, ev->limit, ev->stop);
	}
	if (ev->order_id)
		g_string_append_printf(s, " order %" PRIu64, ev->order_id);
	if (ev->type == PAPER_EVENT_ORDER_REJECTED || ev->type == PAPER_EVENT_ORDER_CANCELLED)
		g_string_append_printf(s, " reason %s", paper_reject_reason_str(ev->reason));
	if (ev->type == PAPER_EVENT_ORDER_REJECTED)
		put_reject_message(s);
}

static void describe_fill(const paper_broker *b, const fill *f, GString *s)
{
	g_string_append(s, "FILL");
	put_order_head(s, f->side, f->qty, b->syms[f->sym].name);
	g_string_append(s, " @ ");
	paper__log_put_fx(s, f->price, 2);
	g_string_append(s, " fee ");
	paper__log_put_fx(s, f->fee, 2);
	g_string_append_printf(s, " order %" PRIu64, f->order_id);
}

static void describe_trade(const paper_broker *b, const trade *t, GString *s)
{
	g_string_append_printf(s, "TRADE CLOSED %s ", t->direction == PAPER_LONG ? "LONG" : "SHORT");
	paper__log_put_fx(s, t->qty, 0);
	g_string_append_printf(s, " %s entry ", b->syms[t->sym].name);
	paper__log_put_fx(s, account_avg_price(&b->syms[t->sym], t->entry_notional, t->qty), 2);
	g_string_append(s, " exit ");
	paper__log_put_fx(s, account_avg_price(&b->syms[t->sym], t->exit_notional, t->exit_qty), 2);
	g_string_append(s, " pnl ");
	paper__log_put_fx(s, t->pnl, 2);
	g_string_append(s, " fees ");
	paper__log_put_fx(s, t->fees, 2);
	g_string_append(s, " net ");
	paper__log_put_fx(s, t->pnl - t->fees, 2);
	g_string_append_printf(s, " exit_reason %s trade %" PRIu64,
			       paper_exit_reason_str((paper_exit_reason)t->exit_reason), t->id);
}

static void describe_halt(const paper_broker *b, const event *ev, GString *s)
{
	g_string_append(s, ev->reason ? "HALT" : "RESUME");
	if (!ev->halt_kind) {
		g_string_append(s, " kill_switch");
		return;
	}
	g_string_append_printf(s, " daily_loss_limit %.4g start-of-day equity ",
			       b->p.daily_loss_limit);
	paper__log_put_fx(s, b->day_start_equity, 2);
	g_string_append(s, " equity ");
	paper__log_put_fx(s, account_equity(b), 2);
}

/* The words after "PAPER " for ev, and the kind of event; false if ev gets no line. */
static bool describe(const paper_broker *b, const event *ev, GString *s, const char **kind)
{
	switch (ev->type) {
	case PAPER_EVENT_FILL:
		*kind = "fill";
		describe_fill(b, &ev->f, s);
		return true;
	case PAPER_EVENT_HALT:
		*kind = "halt";
		describe_halt(b, ev, s);
		return true;
	case PAPER_EVENT_SNAPSHOT:
		/* Snapshots come with every mark; only the start of a day is worth a line. */
		if (!ev->day_start)
			return false;
		*kind = "day_start";
		g_string_append(s, "DAY START equity ");
		paper__log_put_fx(s, ev->equity, 2);
		return true;
	case PAPER_EVENT_ORDER_ACCEPTED:
	case PAPER_EVENT_ORDER_REJECTED:
	case PAPER_EVENT_ORDER_CANCELLED:
	case PAPER_EVENT_ORDER_EXPIRED:
	case PAPER_EVENT_ORDER_REPLACED:
	case PAPER_EVENT_ORDER_TRIGGERED:
		*kind = "order";
		describe_order(b, ev, s);
		return true;
	default:
		return false;
	}
}

/* ---- writing ---- */

void paper__log_line(const paper_broker *b, paper_ts ts, const char *kind, GString *line)
{
	char when[64];
	const char *account = cfg_str(b->cfg, K_ACCOUNT_NAME);

	g_string_append_printf(line, " account %s", account);
	ts_format_as(when, ts, TS_ISO_MICROS);
	if (b->log_file)
		fprintf(b->log_file, "%s %s\n", when, line->str);
	if (b->log_cb) {
		paper_log_line l = { PAPER_LOG_LINE_VERSION, ts, when, kind, line->str, account };
		b->log_cb(&l, b->log_cb_payload);
	}
	if (b->log_structured) {
		const GLogField fields[] = {
			{ "GLIB_DOMAIN", PAPER_LOG_DOMAIN, -1 },
			{ "PRIORITY", "6", -1 }, /* syslog informational, as G_LOG_LEVEL_INFO */
			{ "MESSAGE", line->str, -1 },
			{ "PAPER", "1", -1 },
			{ "PAPER_EVENT", kind, -1 },
			{ "PAPER_TIME", when, -1 },
			{ "PAPER_ACCOUNT", account, -1 },
		};
		g_log_structured_array(G_LOG_LEVEL_INFO, fields, G_N_ELEMENTS(fields));
	}
}

void paper__log_write(const paper_broker *b, const event *ev)
{
	GString *line = g_string_new("PAPER ");
	const char *kind = NULL;

	if (describe(b, ev, line, &kind))
		paper__log_line(b, ev->ts, kind, line);
	if (ev->type == PAPER_EVENT_FILL && b->has_closed_trade) {
		/* The trade the fill closed is told after it, as the listener hears it. */
		g_string_assign(line, "PAPER ");
		describe_trade(b, &b->closed_trade, line);
		paper__log_line(b, ev->ts, "trade_closed", line);
	}
	g_string_free(line, TRUE);
}
