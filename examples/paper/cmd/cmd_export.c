/* paper export: the account's records as CSV files and a state.json, in a directory. */
#include "cli/cli_ops.h"

#include <string.h>

#include "cmd/commands.h"

enum { EX_DIR = 1, EX_WHAT, EX_JSON, EX_PRICES };

static const cli_opt export_opts[] = {
	{ "--dir", "DIR", false, EX_DIR, "the directory to write into (created if missing)" },
	{ "--what", "LIST", false, EX_WHAT, "comma-separated: orders, fills, trades, positions, pnl, "
	  "state, prices (default: all but prices)" },
	{ "--prices", NULL, false, EX_PRICES, "also the live prices the account acted on: prices.csv, "
	  "price_bars.csv and signals.csv (for paper replay)" },
	{ "--json", NULL, false, EX_JSON, "print the files written as JSON" },
	{ NULL, NULL, false, 0, NULL },
};

static const char description[] =
	"Write the account's records, read in one transaction so they agree with each other:\n"
	"orders.csv, fills.csv, trades.csv, positions.csv, pnl_ledger.csv (daily P&L) and\n"
	"state.json (a snapshot another ledger can import). Each file replaces any of the same name\n"
	"atomically. Columns: docs/ledger.md. Read only: it works while paper run drives the account.\n"
	"With --prices (or --what prices), the live prices paper run --feed recorded: prices.csv\n"
	"(every one, exactly, in the order taken), price_bars.csv (bars with a symbol column, for\n"
	"paper replay --bars) and signals.csv (the entries made from decisions, for --signals):\n"
	"the session replayed as a backtest (docs/feeds.md).";

static const struct {
	const char *name, *file;
	unsigned int flag;
} kinds[] = {
	{ "orders", "orders.csv", PAPER_EXPORT_ORDERS },
	{ "fills", "fills.csv", PAPER_EXPORT_FILLS },
	{ "trades", "trades.csv", PAPER_EXPORT_TRADES },
	{ "positions", "positions.csv", PAPER_EXPORT_POSITIONS },
	{ "pnl", "pnl_ledger.csv", PAPER_EXPORT_PNL },
	{ "state", "state.json", PAPER_EXPORT_STATE },
};

typedef struct export_args {
	cli_ledger_args ledger;
	const char *dir;
	unsigned int what;
	bool json, prices;
	uint64_t n_prices;
} export_args;

static int parse_what(export_args *a, const char *value)
{
	char **items = g_strsplit(value, ",", -1);
	int code = EXIT_OK;
	a->what = 0;
	for (char **p = items; *p && code == EXIT_OK; p++) {
		const char *item = g_strstrip(*p);
		if (strcmp(item, "prices") == 0) {
			a->prices = true;
			continue;
		}
		size_t k = 0;
		while (k < G_N_ELEMENTS(kinds) && strcmp(item, kinds[k].name) != 0)
			k++;
		if (k == G_N_ELEMENTS(kinds))
			code = cli_fail("export", EXIT_INPUT, "--what: unknown '%s' (orders, fills, trades, "
					"positions, pnl, state, prices)", item);
		else
			a->what |= kinds[k].flag;
	}
	g_strfreev(items);
	return code;
}

static int on_option(void *ctx, int id, const char *value)
{
	export_args *a = ctx;
	switch (id) {
	case EX_DIR:
		a->dir = value;
		return EXIT_OK;
	case EX_WHAT:
		return parse_what(a, value);
	case EX_JSON:
		a->json = true;
		return EXIT_OK;
	case EX_PRICES:
		a->prices = true;
		return EXIT_OK;
	default: {
		int rc = cli_ledger_option(&a->ledger, id, value);
		return rc < 0 ? EXIT_INPUT : rc;
	}
	}
}

static void report(const export_args *a, const cli_account *acct)
{
	cli_json j;
	cj_init(&j);
	cj_open(&j, NULL, '{');
	cj_str(&j, "account", acct->name);
	cj_str(&j, "dir", a->dir);
	cj_open(&j, "files", '[');
	if (!a->json)
		printf("exported account %s to %s:", acct->name, a->dir);
	for (size_t k = 0; k < G_N_ELEMENTS(kinds); k++) {
		if (!(a->what & kinds[k].flag))
			continue;
		cj_str(&j, NULL, kinds[k].file);
		if (!a->json)
			printf(" %s", kinds[k].file);
	}
	static const char *const price_files[] = { "prices.csv", "price_bars.csv", "signals.csv" };
	for (size_t k = 0; a->prices && k < G_N_ELEMENTS(price_files); k++) {
		cj_str(&j, NULL, price_files[k]);
		if (!a->json)
			printf(" %s", price_files[k]);
	}
	cj_close(&j, ']');
	if (a->prices)
		cj_uint(&j, "prices", a->n_prices);
	cj_close(&j, '}');
	if (a->json)
		cj_print(&j, stdout);
	else
		putchar('\n');
	cj_free(&j);
}

int cmd_export(int argc, char **argv)
{
	const cli_opt *const tables[] = { export_opts, cli_ledger_opts, NULL };
	export_args a;
	memset(&a, 0, sizeof a);
	a.what = PAPER_EXPORT_ALL;
	bool help = false;
	int code = cli_parse("export", argc, argv, tables, on_option, &a, &help);
	if (code == EXIT_OK && help) {
		cli_usage(stdout, "export", "--dir DIR [--what LIST] [--ledger PATH] [--account NAME]",
			  description, tables, NULL);
		return EXIT_OK;
	}
	if (code == EXIT_OK && a.dir == NULL)
		code = cli_fail("export", EXIT_INPUT, "--dir is required");
	if (code == EXIT_OK && a.what == 0 && !a.prices)
		code = cli_fail("export", EXIT_INPUT, "--what names nothing to write");
	cli_account acct;
	if (code == EXIT_OK)
		code = cli_account_open(&acct, "export", &a.ledger, true);
	if (code != EXIT_OK)
		return code;
	int rc = a.what ? paper_ledger_export(acct.l, acct.name, a.dir, a.what) : PAPER_OK;
	if (rc != PAPER_OK)
		code = cli_fail("export", cli_exit_code(rc), "%s", paper_last_error());
	if (code == EXIT_OK && a.prices)
		code = cli_export_prices("export", &acct, a.dir, &a.n_prices);
	if (code == EXIT_OK)
		report(&a, &acct);
	cli_account_close(&acct);
	return code;
}
