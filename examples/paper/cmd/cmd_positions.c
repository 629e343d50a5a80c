/* paper positions: the open positions at their last marks. */
#include "cli/cli_ops.h"

#include <string.h>

#include "cmd/commands.h"

enum { PO_JSON = 1 };

static const cli_opt positions_opts[] = {
	{ "--json", NULL, false, PO_JSON, "print a JSON array (keys as paper_position_info names them)" },
	{ NULL, NULL, false, 0, NULL },
};

static const char description[] =
	"List the open positions: side, quantity, average price, the last mark and its time, market\n"
	"value and unrealized P&L. Read only.";

typedef struct positions_args {
	cli_ledger_args ledger;
	bool json;
} positions_args;

static int on_option(void *ctx, int id, const char *value)
{
	positions_args *a = ctx;
	if (id == PO_JSON) {
		a->json = true;
		return EXIT_OK;
	}
	int rc = cli_ledger_option(&a->ledger, id, value);
	return rc < 0 ? EXIT_INPUT : rc;
}

int cmd_positions(int argc, char **argv)
{
	const cli_opt *const tables[] = { positions_opts, cli_ledger_opts, NULL };
	positions_args a;
	memset(&a, 0, sizeof a);
	bool help = false;
	int code = cli_parse("positions", argc, argv, tables, on_option, &a, &help);
	if (code == EXIT_OK && help) {
		cli_usage(stdout, "positions", "[--ledger PATH] [--account NAME] [--json]",
			  description, tables, NULL);
		return EXIT_OK;
	}
	cli_account acct;
	if (code == EXIT_OK)
		code = cli_account_open(&acct, "positions", &a.ledger, true);
	if (code != EXIT_OK)
		return code;
	if (a.json) {
		cli_json j;
		cj_init(&j);
		cli_positions_json(&j, NULL, acct.b);
		cj_print(&j, stdout);
	} else {
		cli_positions_print(stdout, acct.b);
	}
	cli_account_close(&acct);
	return EXIT_OK;
}
