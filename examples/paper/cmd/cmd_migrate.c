/* paper migrate: copy a ledger's accounts into another ledger, between backends either way. */
#include "cli/cli_ops.h"

#include <string.h>

#include "cmd/commands.h"

enum { MG_FROM = 1, MG_TO, MG_ACCOUNT, MG_JSON };

static const cli_opt migrate_opts[] = {
	{ "--from", "LOCATION", false, MG_FROM, "the ledger to copy from: a file, or a PostgreSQL "
	  "database (postgresql://... or 'host=... dbname=...'); only read" },
	{ "--to", "LOCATION", false, MG_TO, "the ledger to copy into (created if missing)" },
	{ "--account", "NAME", false, MG_ACCOUNT, "copy only this account (default: every one)" },
	{ "--json", NULL, false, MG_JSON, "print the accounts copied as JSON" },
	{ NULL, NULL, false, 0, NULL },
};

static const char synopsis[] = "--from LOCATION --to LOCATION [--account NAME] [--json]";

static const char description[] =
	"Copy the accounts of a ledger into another: a SQLite file into a PostgreSQL database or\n"
	"the reverse (or file to file, database to database). Each account's config, event log,\n"
	"marks and decisions are copied in one transaction, kept only when the account rebuilt\n"
	"from the destination equals the one rebuilt from the source: cash, realized P&L, fees,\n"
	"every position, open order, trade and fill. An account the destination already holds\n"
	"with events is never overwritten (nothing is copied then); one it holds without events\n"
	"and with the same config (paper init) is filled. Stop paper run on the source first: the\n"
	"copy is of the log as it stands. docs/ledger.md, \"Copying a ledger\".";

typedef struct migrate_args {
	const char *from, *to, *account;
	bool json;
} migrate_args;

static int on_option(void *ctx, int id, const char *value)
{
	migrate_args *a = ctx;
	switch (id) {
	case MG_FROM:
		a->from = value;
		return EXIT_OK;
	case MG_TO:
		a->to = value;
		return EXIT_OK;
	case MG_ACCOUNT:
		a->account = value;
		return EXIT_OK;
	case MG_JSON:
		a->json = true;
		return EXIT_OK;
	default:
		return EXIT_INPUT;
	}
}

static int open_ledger(const char *where, bool source, paper_ledger **out)
{
	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
	o.create = !source;
	o.read_only = source;
	int rc = paper_ledger_open(out, where, &o);
	if (rc != PAPER_OK)
		return cli_fail("migrate", cli_ledger_exit_code(rc), "%s%s", paper_last_error(),
				rc == PAPER_ENOTFOUND && source ? " (nothing to copy)" : "");
	return EXIT_OK;
}

static int copy_failed(int rc)
{
	int code = rc == PAPER_ESTATE ? EXIT_INPUT
		   : rc == PAPER_ECORRUPT ? EXIT_LEDGER : cli_ledger_exit_code(rc);
	return cli_fail("migrate", code, "%s", paper_last_error());
}

/* One copied account as the destination now has it. */
static void account_line(paper_ledger *to, const char *name, cli_json *j, bool json)
{
	paper_broker *b = NULL;
	paper_account_info a = PAPER_ACCOUNT_INFO_INIT;
	char m[CLI_TEXT_MAX];
	if (paper_ledger_load_broker(to, name, &b) != PAPER_OK ||
	    paper_broker_account(b, &a) != PAPER_OK) {
		cli_fail("migrate", EXIT_LIBRARY, "account '%s' was copied but cannot be read back: %s",
			 name, paper_last_error());
		paper_broker_free(b);
		return;
	}
	cj_open(j, NULL, '{');
	cj_str(j, "account", name);
	cj_uint(j, "fills", a.fills);
	cj_uint(j, "closed_trades", a.closed_trades);
	cj_uint(j, "open_positions", a.open_positions);
	cj_uint(j, "open_orders", a.open_orders);
	cj_e8(j, "cash", a.cash_e8);
	cj_num(j, "equity", a.equity);
	cj_close(j, '}');
	if (!json)
		printf("  %-16s %llu fills, %llu closed trades, %llu open positions, equity %s\n", name,
		       (unsigned long long)a.fills, (unsigned long long)a.closed_trades,
		       (unsigned long long)a.open_positions, cli_money(m, a.equity));
	paper_broker_free(b);
}

static void report(const migrate_args *a, paper_ledger *from, paper_ledger *to, size_t copied)
{
	cli_json j;
	cj_init(&j);
	cj_open(&j, NULL, '{');
	cj_uint(&j, "copied", copied);
	cj_bool(&j, "verified", true);
	cj_open(&j, "accounts", '[');
	if (!a->json)
		printf("copied %zu account%s; each rebuilds to the same state at both ends:\n", copied,
		       copied == 1 ? "" : "s");
	for (size_t i = 0; i < copied; i++) {
		char name[PAPER_ID_MAX + 1];
		if (a->account)
			g_strlcpy(name, a->account, sizeof name);
		else if (paper_ledger_account_name(from, i, name, sizeof name) != PAPER_OK)
			break;
		account_line(to, name, &j, a->json);
	}
	cj_close(&j, ']');
	cj_close(&j, '}');
	if (a->json)
		cj_print(&j, stdout);
	else
		cj_free(&j);
}

int cmd_migrate(int argc, char **argv)
{
	const cli_opt *const tables[] = { migrate_opts, NULL };
	migrate_args a;
	memset(&a, 0, sizeof a);
	bool help = false;
	int code = cli_parse("migrate", argc, argv, tables, on_option, &a, &help);
	if (code == EXIT_OK && help) {
		cli_usage(stdout, "migrate", synopsis, description, tables, NULL);
		return EXIT_OK;
	}
	if (code == EXIT_OK && (a.from == NULL || a.to == NULL))
		code = cli_fail("migrate", EXIT_INPUT, "both --from and --to are required");
	paper_ledger *from = NULL, *to = NULL;
	if (code == EXIT_OK)
		code = open_ledger(a.from, true, &from);
	if (code == EXIT_OK)
		code = open_ledger(a.to, false, &to);
	size_t copied = 0;
	int rc = code == EXIT_OK ? paper_ledger_copy(from, to, a.account, &copied) : PAPER_OK;
	if (code == EXIT_OK && rc != PAPER_OK)
		code = copy_failed(rc);
	else if (code == EXIT_OK)
		report(&a, from, to, copied);
	paper_ledger_close(to);
	paper_ledger_close(from);
	return code;
}
