/* paper history: the closed round trips, filtered by symbol, time and strategy. */
#include "cli/cli_ops.h"

#include <math.h>
#include <string.h>

#include "cmd/commands.h"

enum { HI_JSON = 1, HI_SYMBOL, HI_FROM, HI_TO, HI_STRATEGY, HI_LAST };

static const cli_opt history_opts[] = {
	{ "--symbol", "SYMBOL", false, HI_SYMBOL, "only this symbol's trades" },
	{ "--from", "TIME", false, HI_FROM, "trades closed at or after TIME (2024-03-01, ISO-8601 or epoch)" },
	{ "--to", "TIME", false, HI_TO, "trades closed before TIME (a date alone: through its end)" },
	{ "--strategy", "TAG", false, HI_STRATEGY, "only trades opened by orders with this strategy tag" },
	{ "--last", "N", false, HI_LAST, "only the N most recent of the trades that match" },
	{ "--json", NULL, false, HI_JSON, "print a JSON array (keys as in trades.csv, docs/ledger.md)" },
	{ NULL, NULL, false, 0, NULL },
};

static const char description[] =
	"List the closed round trips, oldest first: entry and exit time and price, quantity, net\n"
	"P&L (after the entry and exit fees) and the exit reason, then the totals. Read only.";

typedef struct history_args {
	cli_ledger_args ledger;
	const char *symbol, *strategy;
	paper_ts from, to;
	bool has_from, has_to, json;
	size_t last;
} history_args;

static int on_last(history_args *a, const char *value)
{
	double n = 0;
	if (!cli_number("history", "--last", value, &n))
		return EXIT_INPUT;
	if (n < 1 || n != (double)(size_t)n)
		return cli_fail("history", EXIT_INPUT, "--last: '%s' is not a count >= 1", value);
	a->last = (size_t)n;
	return EXIT_OK;
}

static int on_option(void *ctx, int id, const char *value)
{
	history_args *a = ctx;
	switch (id) {
	case HI_JSON:
		a->json = true;
		return EXIT_OK;
	case HI_SYMBOL:
		a->symbol = value;
		return EXIT_OK;
	case HI_STRATEGY:
		a->strategy = value;
		return EXIT_OK;
	case HI_FROM:
		a->has_from = true;
		return cli_time("history", "--from", value, &a->from) ? EXIT_OK : EXIT_INPUT;
	case HI_TO:
		a->has_to = true;
		if (!cli_time("history", "--to", value, &a->to))
			return EXIT_INPUT;
		if (strlen(value) == 10) /* a date: the whole day */
			a->to += 86400 * PAPER_TS_PER_SECOND;
		return EXIT_OK;
	case HI_LAST:
		return on_last(a, value);
	default: {
		int rc = cli_ledger_option(&a->ledger, id, value);
		return rc < 0 ? EXIT_INPUT : rc;
	}
	}
}

static bool wanted(const history_args *a, const paper_trade_info *t)
{
	return (!a->symbol || strcmp(a->symbol, t->symbol) == 0) &&
	       (!a->strategy || strcmp(a->strategy, t->strategy) == 0) &&
	       (!a->has_from || t->exit_ts >= a->from) && (!a->has_to || t->exit_ts < a->to);
}

static void trade_json(cli_json *j, const paper_trade_info *t)
{
	cj_open(j, NULL, '{');
	cj_uint(j, "id", t->id);
	cj_str(j, "symbol", t->symbol);
	cj_str(j, "direction", paper_direction_str(t->direction));
	cj_time(j, "entry_ts", t->entry_ts);
	cj_time(j, "exit_ts", t->exit_ts);
	cj_num(j, "qty", t->qty);
	cj_num(j, "entry_price", t->entry_price);
	cj_num(j, "exit_price", t->exit_price);
	cj_e8(j, "pnl_gross", t->pnl_gross_e8);
	cj_e8(j, "fees", t->fees_e8);
	cj_e8(j, "pnl_net", t->pnl_gross_e8 - t->fees_e8);
	cj_str(j, "exit_reason", paper_exit_reason_str(t->exit_reason));
	cj_str(j, "outcome", t->pnl_gross_e8 - t->fees_e8 > 0   ? "win"
			     : t->pnl_gross_e8 - t->fees_e8 < 0 ? "loss"
								: "breakeven");
	cj_str(j, "strategy", t->strategy);
	cj_str(j, "signal_id", t->signal_id);
	cj_num(j, "confidence", t->confidence >= 0 ? t->confidence : NAN);
	cj_close(j, '}');
}

static void trade_row(cli_table *tb, const paper_trade_info *t)
{
	char x[6][CLI_TEXT_MAX];
	cli_table_cell(tb, "%llu", (unsigned long long)t->id);
	cli_table_cell(tb, "%s", t->symbol);
	cli_table_cell(tb, "%s", paper_direction_str(t->direction));
	cli_table_cell(tb, "%s", cli_when(x[0], t->entry_ts));
	cli_table_cell(tb, "%s", cli_price(x[1], t->entry_price));
	cli_table_cell(tb, "%s", cli_when(x[2], t->exit_ts));
	cli_table_cell(tb, "%s", cli_price(x[3], t->exit_price));
	cli_table_cell(tb, "%s", cli_qty(x[4], t->qty));
	cli_table_cell(tb, "%s", cli_signed(x[5], t->pnl_net));
	cli_table_cell(tb, "%s", paper_exit_reason_str(t->exit_reason));
	cli_table_cell(tb, "%s", *t->strategy ? t->strategy : "-");
}

/* Indexes of the matching trades, oldest first, the --last ones only. */
static GArray *matching(const history_args *a, const paper_broker *b)
{
	GArray *idx = g_array_new(FALSE, FALSE, sizeof(size_t));
	for (size_t i = 0; i < paper_broker_trade_count(b); i++) {
		paper_trade_info t = PAPER_TRADE_INFO_INIT;
		if (paper_broker_trade_at(b, i, &t) == PAPER_OK && wanted(a, &t))
			g_array_append_val(idx, i);
	}
	if (a->last && idx->len > a->last)
		g_array_remove_range(idx, 0, idx->len - (guint)a->last);
	return idx;
}

static void show(const history_args *a, const paper_broker *b)
{
	static const char *const cols[] = { ">ID", "SYMBOL", "SIDE", "ENTRY", ">ENTRY PRICE", "EXIT",
					    ">EXIT PRICE", ">QTY", ">NET P&L", "EXIT REASON",
					    "STRATEGY", NULL };
	GArray *idx = matching(a, b);
	cli_table *tb = cli_table_new(cols);
	cli_json j;
	cj_init(&j);
	cj_open(&j, NULL, '[');
	double net = 0;
	size_t wins = 0;
	for (guint k = 0; k < idx->len; k++) {
		paper_trade_info t = PAPER_TRADE_INFO_INIT;
		paper_broker_trade_at(b, g_array_index(idx, size_t, k), &t);
		trade_json(&j, &t);
		trade_row(tb, &t);
		net += t.pnl_net;
		wins += t.pnl_net > 0;
	}
	cj_close(&j, ']');
	if (a->json) {
		cj_print(&j, stdout);
	} else if (idx->len == 0) {
		puts("no closed trades match");
	} else {
		char m[CLI_TEXT_MAX], p[CLI_TEXT_MAX];
		cli_table_print(tb, stdout);
		printf("\n%u trades, %zu won (%s), net P&L %s\n", idx->len, wins,
		       cli_pct(p, (double)wins / idx->len), cli_signed(m, net));
	}
	cj_free(&j);
	cli_table_free(tb);
	g_array_free(idx, TRUE);
}

int cmd_history(int argc, char **argv)
{
	const cli_opt *const tables[] = { history_opts, cli_ledger_opts, NULL };
	history_args a;
	memset(&a, 0, sizeof a);
	bool help = false;
	int code = cli_parse("history", argc, argv, tables, on_option, &a, &help);
	if (code == EXIT_OK && help) {
		cli_usage(stdout, "history", "[--ledger PATH] [--symbol S] [--from TIME] [--to TIME] "
			  "[--strategy TAG] [--last N] [--json]", description, tables, NULL);
		return EXIT_OK;
	}
	if (code == EXIT_OK && a.has_from && a.has_to && a.to <= a.from)
		code = cli_fail("history", EXIT_INPUT, "--to must be after --from");
	cli_account acct;
	if (code == EXIT_OK)
		code = cli_account_open(&acct, "history", &a.ledger, true);
	if (code != EXIT_OK)
		return code;
	show(&a, acct.b);
	cli_account_close(&acct);
	return EXIT_OK;
}
