/* paper status: the account now - equity, cash, P&L, daily P&L and the open positions. */
#include "cli/cli_venue.h"

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
	"power, counts, the open positions at their last marks, and the health of the live feeds\n"
	"paper run --feed keeps in the ledger (state, last message age, reconnects, gaps,\n"
	"backfilled bars). Read only: it works while paper run drives the account.";

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

typedef struct feeds_view {
	cli_json *j;   /* NULL: text */
	int n;
} feeds_view;

static int one_feed(const paper_feed_health_info *h, paper_ts written, void *payload)
{
	feeds_view *v = payload;
	char t[CLI_TEXT_MAX];
	if (v->j) {
		cj_open(v->j, NULL, '{');
		cj_time(v->j, "written", written);
		cli_venue_health_json(v->j, "health", h);
		cj_close(v->j, '}');
	} else {
		if (v->n == 0)
			printf("\nlive feeds (as paper run last wrote them):\n");
		printf("  [%s] ", cli_when(t, written));
		cli_venue_health_print(stdout, h);
	}
	v->n++;
	return 0;
}

/* The feeds' health paper run --feed keeps with the account; none for other accounts. */
static void feeds(const cli_account *acct, cli_json *j)
{
	feeds_view v = { .j = j };
	if (j)
		cj_open(j, "feeds", '[');
	int rc = paper_ledger_each_feed_health(acct->l, acct->name, one_feed, &v);
	if (j)
		cj_close(j, ']');
	if (rc != PAPER_OK && !j)
		fprintf(stderr, "paper status: feeds: %s\n", paper_last_error());
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
		feeds(&acct, &j);
		cj_close(&j, '}');
		cj_print(&j, stdout);
	} else {
		cli_account_print(stdout, &acct);
		fputc('\n', stdout);
		cli_positions_print(stdout, acct.b);
		feeds(&acct, NULL);
	}
	cli_account_close(&acct);
	return EXIT_OK;
}
