/*
 * paper mark: give the account prices - marks for its positions, fills for its resting orders,
 * and the managed exits paper run would take on them.
 */
#include "cli/cli_ops.h"

#include <string.h>

#include "cmd/commands.h"

enum { MK_PRICES = 1, MK_AT, MK_JSON, MK_NO_EXITS };

static const cli_opt mark_opts[] = {
	{ "--prices", "FILE", false, MK_PRICES, "a CSV of quotes (timestamp,symbol,price) or bars "
	  "(timestamp,symbol,open,high,low,close[,volume]), or lines SYMBOL PRICE [TIME]; '-': "
	  "standard input" },
	{ "--at", "TIME", false, MK_AT, "with SYMBOL PRICE: the price's time (default: now)" },
	{ "--no-exits", NULL, false, MK_NO_EXITS, "only mark and fill: take no take-profit, "
	  "stop-loss or time exit" },
	{ "--json", NULL, false, MK_JSON, "print what happened as JSON" },
	{ NULL, NULL, false, 0, NULL },
};

static const char description[] =
	"Give the account prices: each line of --prices FILE, of standard input (paper mark -), or\n"
	"the one SYMBOL PRICE, is market data stamped with its time, as paper run feeds them: a\n"
	"price is a quote (bid = ask = last), a bar row a bar. A file is a CSV with a header\n"
	"(timestamp,symbol,price or timestamp,symbol,open,high,low,close[,volume]) or, without\n"
	"one, lines SYMBOL PRICE [TIME] (blank and # lines skipped; no TIME: now) - what any\n"
	"price script can print: fetch_prices | paper mark -. Positions are marked to them and\n"
	"resting orders fill on them by the rules of docs/semantics.md - this is how a manual\n"
	"order (paper order) or a plan (paper execute) fills between runs - and the account's\n"
	"positions are managed as paper run manages them: the take profit, stop loss and time\n"
	"limit recorded with a plan's or a decision's entry, else the [session] percentages; an\n"
	"exit fills on the price that reached it (--no-exits: none). The whole input is checked\n"
	"first: a bad line changes nothing. Lines older than the account's last price for their\n"
	"symbol are skipped. An equity snapshot is recorded at the end. Not while paper run\n"
	"drives the account (exit status 4).";

typedef struct mark_args {
	cli_ledger_args ledger;
	const char *prices;
	paper_ts at;
	bool has_at, json, no_exits;
} mark_args;

static int on_option(void *ctx, int id, const char *v)
{
	mark_args *a = ctx;
	switch (id) {
	case MK_PRICES:
		a->prices = v;
		return EXIT_OK;
	case MK_AT:
		a->has_at = true;
		return cli_time("mark", "--at", v, &a->at) ? EXIT_OK : EXIT_INPUT;
	case MK_JSON:
		a->json = true;
		return EXIT_OK;
	case MK_NO_EXITS:
		a->no_exits = true;
		return EXIT_OK;
	default: {
		int rc = cli_ledger_option(&a->ledger, id, v);
		return rc < 0 ? EXIT_INPUT : rc;
	}
	}
}

static int feed_one(paper_broker *b, const cli_tick *p)
{
	return p->bar ? paper_broker_on_bar(b, p->symbol, p->ts, p->open, p->high, p->low, p->close,
					    p->volume)
		      : paper_broker_on_quote(b, p->symbol, p->ts, 0.0, 0.0, p->price);
}

/* Every line of a file or of standard input; lines without a time are stamped now. */
static int read_file(const char *path, GArray *out)
{
	cli_feed f;
	int code = cli_feed_open(&f, "mark", path, 0, 0);
	f.whole = true;
	f.words_ok = true;
	cli_tick p;
	char err[256];
	int got;
	paper_ts now = cli_wall_clock();
	const char *shown = strcmp(path, "-") == 0 ? "standard input" : path;
	while (code == EXIT_OK && (got = cli_feed_next(&f, &p, err, sizeof err)) != 0) {
		if (got < 0) {
			code = cli_fail("mark", EXIT_INPUT, "%s:%llu: %s (nothing was applied)", shown,
					(unsigned long long)f.line, err);
		} else {
			if (f.words && p.ts == 0)
				p.ts = now;
			g_array_append_val(out, p);
		}
	}
	if (code == EXIT_OK && !f.have_header)
		code = cli_fail("mark", EXIT_INPUT, "%s: empty (want a header line, or lines SYMBOL "
				"PRICE [TIME])", shown);
	cli_feed_close(&f);
	return code;
}

/* Every price through a scratch broker first: bad values and time order, before any change. */
static int check(const mark_args *a, const GArray *prices)
{
	paper_broker *scratch = NULL;
	int rc = paper_broker_new(&scratch, NULL);
	if (rc != PAPER_OK)
		return cli_lib_fail("mark", rc, "paper_broker_new");
	int code = EXIT_OK;
	for (guint i = 0; i < prices->len && code == EXIT_OK; i++) {
		const cli_tick *p = &g_array_index(prices, cli_tick, i);
		if ((rc = feed_one(scratch, p)) != PAPER_OK)
			code = cli_fail("mark", EXIT_INPUT, "%s%s%llu: %s (nothing was applied)",
					a->prices ? a->prices : "", a->prices ? ":" : "line ",
					(unsigned long long)p->line, paper_last_error());
	}
	paper_broker_free(scratch);
	return code;
}

static uint64_t last_fill_seq(const paper_broker *b)
{
	paper_fill_info f = PAPER_FILL_INFO_INIT;
	size_t n = paper_broker_fill_count(b);
	return n && paper_broker_fill_at(b, n - 1, &f) == PAPER_OK ? f.seq : 0;
}

/* The round trips these prices closed (managed exits), after the fills. */
static size_t report_trades(const mark_args *a, cli_json *j, const paper_broker *b, size_t n0)
{
	char x[2][CLI_TEXT_MAX];
	size_t n = paper_broker_trade_count(b), closed = 0;
	cj_open(j, "trades", '[');
	for (size_t i = n0; i < n; i++) {
		paper_trade_info t = PAPER_TRADE_INFO_INIT;
		if (paper_broker_trade_at(b, i, &t) != PAPER_OK)
			continue;
		closed++;
		cj_open(j, NULL, '{');
		cj_uint(j, "id", t.id);
		cj_str(j, "symbol", t.symbol);
		cj_str(j, "direction", paper_direction_str(t.direction));
		cj_num(j, "exit_price", t.exit_price);
		cj_str(j, "exit_reason", paper_exit_reason_str(t.exit_reason));
		cj_e8(j, "pnl_net", t.pnl_gross_e8 - t.fees_e8);
		cj_str(j, "signal_id", t.signal_id);
		cj_close(j, '}');
		if (!a->json)
			printf("closed trade %llu: %s %s @ %s, %s, net P&L %s\n",
			       (unsigned long long)t.id, t.symbol, paper_direction_str(t.direction),
			       cli_price(x[0], t.exit_price), paper_exit_reason_str(t.exit_reason),
			       cli_signed(x[1], t.pnl_net));
	}
	cj_close(j, ']');
	return closed;
}

static void report(const mark_args *a, const cli_account *acct, size_t applied, size_t stale,
		   uint64_t seq0, size_t trades0)
{
	const paper_broker *b = acct->b;
	cli_json j;
	char x[4][CLI_TEXT_MAX];
	cj_init(&j);
	cj_open(&j, NULL, '{');
	cj_uint(&j, "applied", applied);
	cj_uint(&j, "skipped", stale);
	cj_open(&j, "fills", '[');
	size_t fills = 0;
	for (size_t i = 0; i < paper_broker_fill_count(b); i++) {
		paper_fill_info f = PAPER_FILL_INFO_INIT;
		if (paper_broker_fill_at(b, i, &f) != PAPER_OK || f.seq <= seq0)
			continue;
		fills++;
		cj_open(&j, NULL, '{');
		cj_uint(&j, "seq", f.seq);
		cj_uint(&j, "order_id", f.order_id);
		cj_str(&j, "symbol", f.symbol);
		cj_str(&j, "side", paper_side_str(f.side));
		cj_time(&j, "ts", f.ts);
		cj_e8(&j, "qty", f.qty_e8);
		cj_e8(&j, "price", f.price_e8);
		cj_e8(&j, "fee", f.fee_e8);
		cj_str(&j, "reason", paper_fill_reason_str(f.reason));
		cj_close(&j, '}');
		if (!a->json)
			printf("filled order %llu: %s %s %s @ %s, fee %s (%s)\n",
			       (unsigned long long)f.order_id, paper_side_str(f.side), cli_qty(x[0], f.qty),
			       f.symbol, cli_price(x[1], f.price), cli_money(x[2], f.fee),
			       paper_fill_reason_str(f.reason));
	}
	cj_close(&j, ']');
	size_t closed = report_trades(a, &j, b, trades0);
	paper_account_info ai = PAPER_ACCOUNT_INFO_INIT;
	paper_broker_account(b, &ai);
	cj_num(&j, "equity", ai.equity);
	cj_time(&j, "ts", ai.ts);
	cj_close(&j, '}');
	if (a->json)
		cj_print(&j, stdout);
	if (!a->json) {
		char exits[48] = "";
		if (closed)
			snprintf(exits, sizeof exits, ", %zu managed exit%s", closed,
				 closed == 1 ? "" : "s");
		printf("applied %zu price%s to account %s (%zu fill%s%s); %zu older than the "
		       "account's prices skipped; equity %s as of %s UTC\n", applied,
		       applied == 1 ? "" : "s", acct->name, fills, fills == 1 ? "" : "s", exits, stale,
		       cli_money(x[3], ai.equity), cli_when(x[0], ai.ts));
	}
	cj_free(&j);
}

/* A price through the session (its exits evaluated on it), or to the broker alone. */
static int feed_managed(paper_session *s, paper_broker *b, const cli_tick *p)
{
	if (s == NULL)
		return feed_one(b, p);
	if (p->bar)
		return paper_session_on_bar(s, p->symbol, p->ts, p->open, p->high, p->low, p->close,
					    p->volume);
	const char *sym = p->symbol;
	return paper_session_check_exits(s, p->ts, &sym, &p->price, 1);
}

static int apply(const mark_args *a, cli_account *acct, const GArray *prices)
{
	uint64_t seq0 = last_fill_seq(acct->b);
	size_t applied = 0, stale = 0, trades0 = paper_broker_trade_count(acct->b);
	/* The session adopts what the account holds, with each entry's recorded exit plan. */
	paper_session *s = NULL;
	int src = a->no_exits ? PAPER_OK : paper_session_new(&s, acct->b);
	if (src != PAPER_OK)
		return cli_lib_fail("mark", src, "paper_session_new");
	int code = EXIT_OK;
	for (guint i = 0; i < prices->len && code == EXIT_OK; i++) {
		const cli_tick *p = &g_array_index(prices, cli_tick, i);
		int rc = feed_managed(s, acct->b, p);
		if (rc == PAPER_ETIME && a->prices) {
			stale++; /* an overlapping file: what the account has seen already */
			continue;
		}
		if (rc == PAPER_ETIME)
			code = cli_fail("mark", EXIT_INPUT, "%s (the account has a newer price)",
					paper_last_error());
		else if (rc != PAPER_OK)
			code = cli_fail("mark", cli_exit_code(rc), "line %llu: %s (the lines before it "
					"were applied)", (unsigned long long)p->line,
					paper_last_error());
		else
			applied++;
	}
	paper_session_free(s);
	if (code != EXIT_OK)
		return code;
	int rc = applied ? paper_broker_snapshot(acct->b) : PAPER_OK;
	if (rc != PAPER_OK)
		return cli_lib_fail("mark", rc, "paper_broker_snapshot");
	report(a, acct, applied, stale, seq0, trades0);
	return EXIT_OK;
}

/* SYMBOL PRICE on the command line: one quote. */
static int one_price(const mark_args *a, const char *const *pos, GArray *out)
{
	cli_tick p;
	memset(&p, 0, sizeof p);
	if (strlen(pos[0]) > PAPER_SYMBOL_MAX)
		return cli_fail("mark", EXIT_INPUT, "'%s' is not a symbol", pos[0]);
	snprintf(p.symbol, sizeof p.symbol, "%s", pos[0]);
	if (!cli_number("mark", "PRICE", pos[1], &p.price))
		return EXIT_INPUT;
	p.ts = a->has_at ? a->at : cli_wall_clock();
	p.line = 1;
	g_array_append_val(out, p);
	return EXIT_OK;
}

int cmd_mark(int argc, char **argv)
{
	const cli_opt *const tables[] = { mark_opts, cli_ledger_opts, NULL };
	mark_args a;
	memset(&a, 0, sizeof a);
	const char *pos[2] = { NULL, NULL };
	int n_pos = 0;
	bool help = false;
	int code = cli_positionals("mark", &argc, argv, tables, pos, 2, &n_pos);
	if (code == EXIT_OK)
		code = cli_parse("mark", argc, argv, tables, on_option, &a, &help);
	if (code == EXIT_OK && help) {
		cli_usage(stdout, "mark", "--prices FILE | - | SYMBOL PRICE [--at TIME] [--no-exits]",
			  description, tables, NULL);
		return EXIT_OK;
	}
	/* "-" alone: standard input, as --prices -. */
	if (code == EXIT_OK && n_pos == 1 && strcmp(pos[0], "-") == 0 && a.prices == NULL) {
		a.prices = "-";
		n_pos = 0;
	}
	if (code == EXIT_OK && n_pos == 1)
		code = cli_fail("mark", EXIT_INPUT, "SYMBOL needs a PRICE: paper mark AAPL 101.5 (or "
				"paper mark - to read standard input)");
	if (code == EXIT_OK && (a.prices != NULL) == (n_pos == 2))
		code = cli_fail("mark", EXIT_INPUT, "give --prices FILE or SYMBOL PRICE (one of them)");
	if (code == EXIT_OK && a.has_at && a.prices)
		code = cli_fail("mark", EXIT_INPUT, "--at goes with SYMBOL PRICE (a file's lines carry "
				"their times)");
	GArray *prices = g_array_new(FALSE, FALSE, sizeof(cli_tick));
	if (code == EXIT_OK)
		code = a.prices ? read_file(a.prices, prices) : one_price(&a, pos, prices);
	if (code == EXIT_OK)
		code = check(&a, prices);
	cli_account acct;
	if (code == EXIT_OK && (code = cli_account_open(&acct, "mark", &a.ledger, false)) == EXIT_OK) {
		code = apply(&a, &acct, prices);
		cli_account_close(&acct);
	}
	g_array_free(prices, TRUE);
	return code;
}
