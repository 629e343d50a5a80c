/* paper close / close-all: close positions now, at their marks. */
#include "cli/cli_ops.h"

#include <string.h>

#include "cmd/commands.h"

enum { CL_REASON = 1, CL_JSON };

static const cli_opt close_opts[] = {
	{ "--reason", "REASON", false, CL_REASON, "exit reason recorded on the trade: manual (default), "
	  "force_exit, ..." },
	{ "--json", NULL, false, CL_JSON, "print the closed trades as JSON" },
	{ NULL, NULL, false, 0, NULL },
};

static const char close_description[] =
	"Close the position in SYMBOL now: its open orders are cancelled and the whole position is\n"
	"settled at the symbol's mark - the last price the account saw, saved in the ledger - with\n"
	"commission and without slippage (fill reason at_mark). When the mark is old, give a\n"
	"fresh price first with paper mark. Not while paper run drives the account (exit status 4).";

static const char close_all_description[] =
	"Close every position now: every open order is cancelled and each position is settled at\n"
	"its symbol's mark (the last price seen), with commission and without slippage. When the\n"
	"marks are old, give fresh prices first with paper mark. Not while paper run drives the\n"
	"account (exit status 4).";

typedef struct close_args {
	cli_ledger_args ledger;
	paper_exit_reason reason;
	bool json;
} close_args;

static int on_option(void *ctx, int id, const char *v)
{
	close_args *a = ctx;
	if (id == CL_JSON) {
		a->json = true;
		return EXIT_OK;
	}
	if (id == CL_REASON) {
		if (paper_exit_reason_parse(v, &a->reason) != PAPER_OK || a->reason == PAPER_EXIT_NONE)
			return cli_fail("close", EXIT_INPUT, "--reason: '%s' is not an exit reason "
					"(manual, force_exit, take_profit, stop_loss, ...)", v);
		return EXIT_OK;
	}
	int rc = cli_ledger_option(&a->ledger, id, v);
	return rc < 0 ? EXIT_INPUT : rc;
}

/* The trades that closed from index first on, as a table or JSON. */
static void report(const close_args *a, const paper_broker *b, size_t first)
{
	cli_json j;
	cj_init(&j);
	cj_open(&j, NULL, '[');
	for (size_t i = first; i < paper_broker_trade_count(b); i++) {
		paper_trade_info t = PAPER_TRADE_INFO_INIT;
		char q[CLI_TEXT_MAX], p[CLI_TEXT_MAX], n[CLI_TEXT_MAX];
		if (paper_broker_trade_at(b, i, &t) != PAPER_OK)
			continue;
		cj_open(&j, NULL, '{');
		cj_uint(&j, "id", t.id);
		cj_str(&j, "symbol", t.symbol);
		cj_str(&j, "direction", paper_direction_str(t.direction));
		cj_num(&j, "qty", t.qty);
		cj_num(&j, "exit_price", t.exit_price);
		cj_e8(&j, "pnl_net", t.pnl_gross_e8 - t.fees_e8);
		cj_str(&j, "exit_reason", paper_exit_reason_str(t.exit_reason));
		cj_close(&j, '}');
		if (!a->json)
			printf("closed %s %s %s at %s: net P&L %s (%s, trade %llu)\n",
			       paper_direction_str(t.direction), cli_qty(q, t.qty), t.symbol,
			       cli_price(p, t.exit_price), cli_signed(n, t.pnl_net),
			       paper_exit_reason_str(t.exit_reason), (unsigned long long)t.id);
	}
	cj_close(&j, ']');
	if (a->json)
		cj_print(&j, stdout);
	cj_free(&j);
}

/* symbol NULL: every position. */
static int close_now(const close_args *a, cli_account *acct, const char *cmd, const char *symbol)
{
	paper_session *s = NULL;
	int rc = paper_session_new(&s, acct->b);
	if (rc != PAPER_OK)
		return cli_lib_fail(cmd, rc, "paper_session_new");
	size_t first = paper_broker_trade_count(acct->b);
	size_t held = paper_broker_position_count(acct->b);
	rc = symbol ? paper_session_exit(s, symbol, a->reason) : paper_session_exit_all(s, a->reason);
	paper_session_free(s);
	if (rc == PAPER_ENOTFOUND)
		return cli_fail(cmd, EXIT_INPUT, "no open position in %s", symbol);
	if (rc != PAPER_OK)
		return cli_fail(cmd, cli_exit_code(rc), "%s", paper_last_error());
	if (held == 0 && !a->json)
		puts("no open positions: nothing to close (open orders, if any, were cancelled)");
	report(a, acct->b, first);
	return EXIT_OK;
}

static int run(int argc, char **argv, const char *cmd, bool all)
{
	const cli_opt *const tables[] = { close_opts, cli_ledger_opts, NULL };
	close_args a;
	memset(&a, 0, sizeof a);
	a.reason = PAPER_EXIT_MANUAL;
	const char *pos[1] = { NULL };
	int n_pos = 0;
	bool help = false;
	int code = cli_positionals(cmd, &argc, argv, tables, pos, all ? 0 : 1, &n_pos);
	if (code == EXIT_OK)
		code = cli_parse(cmd, argc, argv, tables, on_option, &a, &help);
	if (code == EXIT_OK && help) {
		cli_usage(stdout, cmd, all ? "[--reason REASON] [--ledger PATH]"
					   : "SYMBOL [--reason REASON] [--ledger PATH]",
			  all ? close_all_description : close_description, tables, NULL);
		return EXIT_OK;
	}
	if (code == EXIT_OK && !all && n_pos != 1)
		code = cli_fail(cmd, EXIT_INPUT, "which symbol? paper close SYMBOL (or paper close-all)");
	cli_account acct;
	if (code == EXIT_OK)
		code = cli_account_open(&acct, cmd, &a.ledger, false);
	if (code != EXIT_OK)
		return code;
	code = close_now(&a, &acct, cmd, pos[0]);
	cli_account_close(&acct);
	return code;
}

int cmd_close(int argc, char **argv)
{
	return run(argc, argv, "close", false);
}

int cmd_close_all(int argc, char **argv)
{
	return run(argc, argv, "close-all", true);
}
