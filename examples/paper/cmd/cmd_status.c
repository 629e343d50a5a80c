/* paper status: the account now - equity, cash, P&L, daily P&L and the open positions. */
#include "cli/cli_ops.h"

#include <string.h>

#include "cmd/commands.h"

enum { ST_JSON = 1 };

static const cli_opt status_opts[] = {
	{ "--json", NULL, false, ST_JSON, "print the account as JSON (keys: docs/cli.md)" },
	{ NULL, NULL, false, 0, NULL },
};

static const char description[] =
	"Show the account as its ledger holds it: equity, cash, realized P&L (after fees) and\n"
	"unrealized P&L, the day's P&L (against the equity at the start of the UTC day), buying\n"
	"power, counts, and the open positions at their last marks. Read only: it works while\n"
	"paper run drives the account.";

typedef struct status_args {
	cli_ledger_args ledger;
	bool json;
} status_args;

static int on_option(void *ctx, int id, const char *value)
{
	status_args *a = ctx;
	if (id == ST_JSON) {
		a->json = true;
		return EXIT_OK;
	}
	int rc = cli_ledger_option(&a->ledger, id, value);
	return rc < 0 ? EXIT_INPUT : rc;
}

int cmd_status(int argc, char **argv)
{
	const cli_opt *const tables[] = { status_opts, cli_ledger_opts, NULL };
	status_args a;
	memset(&a, 0, sizeof a);
	bool help = false;
	int code = cli_parse("status", argc, argv, tables, on_option, &a, &help);
	if (code == EXIT_OK && help) {
		cli_usage(stdout, "status", "[--ledger PATH] [--account NAME] [--json]", description,
			  tables, NULL);
		return EXIT_OK;
	}
	cli_account acct;
	if (code == EXIT_OK)
		code = cli_account_open(&acct, "status", &a.ledger, true);
	if (code != EXIT_OK)
		return code;
	if (a.json) {
		cli_json j;
		cj_init(&j);
		cj_open(&j, NULL, '{');
		cli_account_json(&j, &acct);
		cli_positions_json(&j, "positions", acct.b);
		cj_close(&j, '}');
		cj_print(&j, stdout);
	} else {
		cli_account_print(stdout, &acct);
		fputc('\n', stdout);
		cli_positions_print(stdout, acct.b);
	}
	cli_account_close(&acct);
	return EXIT_OK;
}
