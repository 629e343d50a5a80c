/*
 * paper export --prices: the live prices an account acted on (paper_ledger_each_price()), as
 * three files that connect a paper session with a backtest (docs/feeds.md, "Record and
 * replay"):
 *
 *   prices.csv      every recorded price, exactly, in the order the account took it
 *   price_bars.csv  the prices it used, as bars with a symbol column for paper replay --bars:
 *                   a bar as it came, quotes and trades of one symbol and time as one bar
 *   signals.csv     the entries paper run made from decisions, as signals for paper replay
 *                   --signals, stamped when they were entered, with the decisions' targets,
 *                   risk and price
 */
#include "cli/cli_ops.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

typedef struct bar_row {
	paper_ts ts;
	uint64_t order;      /* in the order recorded, for ties */
	char symbol[PAPER_SYMBOL_MAX + 1];
	int64_t open, high, low, close, volume;
} bar_row;

typedef struct price_out {
	GString *all;
	GArray *bars;        /* bar_row */
	uint64_t n;
} price_out;

/* An exact amount of 1e-8 units as decimal text ("101.5", "0.00000001"). */
static const char *e8_text(char buf[40], int64_t v)
{
	uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	int n = snprintf(buf, 40, "%s%" PRIu64 ".%08" PRIu64, v < 0 ? "-" : "",
			 m / (uint64_t)PAPER_FIXED_SCALE, m % (uint64_t)PAPER_FIXED_SCALE);
	while (buf[n - 1] == '0')
		buf[--n] = '\0';
	if (buf[n - 1] == '.')
		buf[--n] = '\0';
	return buf;
}

static const char *kind_name(paper_price_kind k)
{
	return k == PAPER_PRICE_BAR ? "bar" : k == PAPER_PRICE_TRADE ? "trade" : "quote";
}

/* Quotes and trades of one symbol at one time become one bar; a bar stays itself. */
static void add_bar(price_out *o, const paper_price_record *p)
{
	bool bar = p->kind == PAPER_PRICE_BAR;
	if (!bar) {
		for (guint i = o->bars->len; i-- > 0;) {
			bar_row *b = &g_array_index(o->bars, bar_row, i);
			if (strcmp(b->symbol, p->symbol) != 0)
				continue;
			if (b->ts == p->ts) {
				b->high = MAX(b->high, p->price_e8);
				b->low = MIN(b->low, p->price_e8);
				b->close = p->price_e8;
				b->volume += p->volume_e8;
				return;
			}
			break;
		}
	}
	bar_row b = { .ts = p->ts, .order = o->n };
	g_strlcpy(b.symbol, p->symbol, sizeof b.symbol);
	b.open = bar ? p->open_e8 : p->price_e8;
	b.high = bar ? p->high_e8 : p->price_e8;
	b.low = bar ? p->low_e8 : p->price_e8;
	b.close = bar ? p->close_e8 : p->price_e8;
	b.volume = p->volume_e8;
	g_array_append_val(o->bars, b);
}

static int one(const paper_price_record *p, void *payload)
{
	price_out *o = payload;
	char t[CLI_TEXT_MAX], a[CLI_TEXT_MAX], r[CLI_TEXT_MAX], x[8][40], source[sizeof p->source];
	/* A source lists symbols with commas; the CSV files have no quoting. */
	g_strlcpy(source, p->source, sizeof source);
	g_strdelimit(source, ",", ';');
	g_string_append_printf(o->all, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%" PRId64 ",%u,%s,%"
			       PRIu64 "\n", cli_iso(a, p->applied_ts), cli_iso(t, p->ts),
			       cli_iso(r, p->recv_ts), p->symbol, kind_name(p->kind),
			       e8_text(x[0], p->price_e8), e8_text(x[1], p->bid_e8),
			       e8_text(x[2], p->ask_e8), e8_text(x[3], p->open_e8),
			       e8_text(x[4], p->high_e8), e8_text(x[5], p->low_e8),
			       e8_text(x[6], p->close_e8), e8_text(x[7], p->volume_e8),
			       (int64_t)(p->interval / PAPER_TS_PER_SECOND), p->flags, source,
			       p->event_seq);
	if (!(p->flags & PAPER_PRICE_FLAG_STALE)) /* never given to the account */
		add_bar(o, p);
	o->n++;
	return 0;
}

static gint by_time(gconstpointer x, gconstpointer y)
{
	const bar_row *a = x, *b = y;
	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

static GString *bars_csv(GArray *bars)
{
	GString *s = g_string_new("timestamp,symbol,open,high,low,close,volume\n");
	char t[CLI_TEXT_MAX], x[5][40];
	g_array_sort(bars, by_time); /* the bars format wants time order across symbols */
	for (guint i = 0; i < bars->len; i++) {
		const bar_row *b = &g_array_index(bars, bar_row, i);
		g_string_append_printf(s, "%s,%s,%s,%s,%s,%s,%s\n", cli_iso(t, b->ts), b->symbol,
				       e8_text(x[0], b->open), e8_text(x[1], b->high),
				       e8_text(x[2], b->low), e8_text(x[3], b->close),
				       e8_text(x[4], b->volume));
	}
	return s;
}

/* What of an executed decision sizes and guards its entry, by decision id. */
typedef struct decided {
	double tp, sl, risk, ref;
} decided;

static int keep_decision(const paper_decision_record *r, void *payload)
{
	decided *d = g_new(decided, 1);
	*d = (decided){ r->decision.take_profit, r->decision.stop_loss, r->decision.risk,
			r->decision.current_price };
	g_hash_table_insert(payload, g_memdup2(&r->decision.id, sizeof r->decision.id), d);
	return 0;
}

/* A price column: empty for none, as the signals reader takes it - also for a price below
 * the 1e-8 grid, which would print as 0 and no reader takes (paper run sized such a decision
 * at the market too). */
static const char *level_text(char buf[CLI_TEXT_MAX], double v)
{
	if (!(v > 0) || strcmp(cli_qty(buf, v), "0") == 0)
		buf[0] = '\0';
	return buf;
}

/*
 * The entries paper run made from decisions (signal id "decision-N"), by order id, with the
 * decision's own targets, risk and price (from the inbox), so that the replay sizes and exits
 * them as the run did.
 */
static GString *signals_csv(paper_ledger *l, const char *account, const paper_broker *b)
{
	GHashTable *inbox = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
	paper_decision_filter flt = PAPER_DECISION_FILTER_INIT;
	flt.status = PAPER_DECISION_EXECUTED;
	if (paper_ledger_each_decision(l, account, &flt, keep_decision, inbox) != PAPER_OK)
		g_hash_table_remove_all(inbox); /* without them: the signals as the orders show */
	GString *s = g_string_new("timestamp,symbol,side,confidence,take_profit,stop_loss,risk,"
				  "ref_price,signal_id,strategy\n");
	uint64_t max_id = 0;
	for (size_t i = 0; i < paper_broker_fill_count(b); i++) {
		paper_fill_info f = PAPER_FILL_INFO_INIT;
		if (paper_broker_fill_at(b, i, &f) == PAPER_OK && f.order_id > max_id)
			max_id = f.order_id;
	}
	for (size_t i = 0; i < paper_broker_open_order_count(b); i++) {
		paper_order_info o = PAPER_ORDER_INFO_INIT;
		if (paper_broker_open_order_at(b, i, &o) == PAPER_OK && o.id > max_id)
			max_id = o.id;
	}
	char t[CLI_TEXT_MAX], c[CLI_TEXT_MAX], x[4][CLI_TEXT_MAX];
	for (uint64_t id = 1; id <= max_id; id++) {
		paper_order_info o = PAPER_ORDER_INFO_INIT;
		if (paper_broker_order(b, id, &o) != PAPER_OK ||
		    strncmp(o.signal_id, "decision-", 9) != 0 || o.exit_reason != PAPER_EXIT_NONE)
			continue;
		gint64 did = g_ascii_strtoll(o.signal_id + 9, NULL, 10);
		const decided *d = g_hash_table_lookup(inbox, &did);
		decided none = { 0, 0, 0, 0 };
		if (d == NULL)
			d = &none;
		g_string_append_printf(s, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n",
				       cli_iso(t, o.submitted_ts), o.symbol,
				       o.side == PAPER_SIDE_BUY ? "LONG" : "SHORT",
				       cli_qty(c, o.confidence < 0 ? 1.0 : o.confidence),
				       level_text(x[0], d->tp), level_text(x[1], d->sl),
				       d->risk > 0 ? cli_qty(x[2], d->risk) : "",
				       level_text(x[3], d->ref), o.signal_id, o.strategy);
	}
	g_hash_table_destroy(inbox);
	return s;
}

static int write_text(const char *cmd, const char *dir, const char *name, GString *text)
{
	char *path = g_build_filename(dir, name, NULL);
	GError *err = NULL;
	int code = EXIT_OK;
	if (!g_file_set_contents(path, text->str, (gssize)text->len, &err)) {
		code = cli_fail(cmd, EXIT_INPUT, "cannot write %s: %s", path, err->message);
		g_error_free(err);
	}
	g_free(path);
	g_string_free(text, TRUE);
	return code;
}

int cli_export_prices(const char *cmd, const cli_account *acct, const char *dir, uint64_t *count)
{
	if (g_mkdir_with_parents(dir, 0777) != 0)
		return cli_fail(cmd, EXIT_INPUT, "cannot create %s: %s", dir, strerror(errno));
	price_out o = { g_string_new("applied_ts,timestamp,recv_ts,symbol,kind,price,bid,ask,open,"
				     "high,low,close,volume,interval_s,flags,source,event_seq\n"),
			g_array_new(FALSE, FALSE, sizeof(bar_row)), 0 };
	int rc = paper_ledger_each_price(acct->l, acct->name, one, &o);
	int code = rc == PAPER_OK ? EXIT_OK
		   : cli_fail(cmd, cli_exit_code(rc), "prices: %s", paper_last_error());
	if (code == EXIT_OK)
		code = write_text(cmd, dir, "prices.csv", o.all);
	else
		g_string_free(o.all, TRUE);
	if (code == EXIT_OK)
		code = write_text(cmd, dir, "price_bars.csv", bars_csv(o.bars));
	if (code == EXIT_OK)
		code = write_text(cmd, dir, "signals.csv", signals_csv(acct->l, acct->name, acct->b));
	g_array_free(o.bars, TRUE);
	*count = o.n;
	return code;
}
