/* paper cancel: cancel one open order by id, or all of them (of a symbol). */
#include "cli/cli_ops.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"

enum { CA_ALL = 1, CA_SYMBOL, CA_JSON };

static const cli_opt cancel_opts[] = {
	{ "--all", NULL, false, CA_ALL, "cancel every open order (of --symbol only, if given)" },
	{ "--symbol", "SYMBOL", false, CA_SYMBOL, "with --all: only this symbol's orders" },
	{ "--json", NULL, false, CA_JSON, "print the ids cancelled as JSON" },
	{ NULL, NULL, false, 0, NULL },
};

static const char description[] =
	"Cancel an open order (its id is in paper orders), or with --all every open order, or every\n"
	"open order of one symbol. Positions stay as they are. Not while paper run drives the\n"
	"account (exit status 4).";

typedef struct cancel_args {
	cli_ledger_args ledger;
	const char *symbol;
	bool all, json;
} cancel_args;

static int on_option(void *ctx, int id, const char *v)
{
	cancel_args *a = ctx;
	switch (id) {
	case CA_ALL:
		a->all = true;
		return EXIT_OK;
	case CA_SYMBOL:
		a->symbol = v;
		return EXIT_OK;
	case CA_JSON:
		a->json = true;
		return EXIT_OK;
	default: {
		int rc = cli_ledger_option(&a->ledger, id, v);
		return rc < 0 ? EXIT_INPUT : rc;
	}
	}
}

/* The open orders --all will cancel, for the report. */
static GArray *open_ids(const paper_broker *b, const char *symbol)
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	for (size_t i = 0; i < paper_broker_open_order_count(b); i++) {
		paper_order_info o = PAPER_ORDER_INFO_INIT;
		if (paper_broker_open_order_at(b, i, &o) == PAPER_OK &&
		    (symbol == NULL || strcmp(symbol, o.symbol) == 0))
			g_array_append_val(ids, o.id);
	}
	return ids;
}

static void report(const cancel_args *a, const GArray *ids)
{
	cli_json j;
	cj_init(&j);
	cj_open(&j, NULL, '{');
	cj_open(&j, "cancelled", '[');
	for (guint i = 0; i < ids->len; i++)
		cj_uint(&j, NULL, g_array_index(ids, uint64_t, i));
	cj_close(&j, ']');
	cj_close(&j, '}');
	if (a->json) {
		cj_print(&j, stdout);
		return;
	}
	cj_free(&j);
	printf("cancelled %u order%s", ids->len, ids->len == 1 ? "" : "s");
	for (guint i = 0; i < ids->len; i++)
		printf("%s%llu", i ? ", " : ": ", (unsigned long long)g_array_index(ids, uint64_t, i));
	putchar('\n');
}

static bool parse_id(const char *text, uint64_t *out)
{
	char *end = NULL;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	*out = v;
	return errno == 0 && end != text && *end == '\0' && v > 0 &&
	       strspn(text, "0123456789") == strlen(text);
}

static int cancel(const cancel_args *a, cli_account *acct, const char *id_text)
{
	GArray *ids = NULL;
	int rc;
	if (a->all) {
		ids = open_ids(acct->b, a->symbol);
		rc = paper_broker_cancel_all(acct->b, a->symbol);
	} else {
		uint64_t id = 0;
		if (!parse_id(id_text, &id))
			return cli_fail("cancel", EXIT_INPUT, "'%s' is not an order id", id_text);
		ids = g_array_new(FALSE, FALSE, sizeof(uint64_t));
		g_array_append_val(ids, id);
		rc = paper_broker_cancel(acct->b, id);
	}
	int code = EXIT_OK;
	if (rc == PAPER_OK)
		report(a, ids);
	else
		code = cli_fail("cancel", rc == PAPER_ENOTFOUND || rc == PAPER_ESTATE ? EXIT_INPUT
				: cli_exit_code(rc), "%s", paper_last_error());
	g_array_free(ids, TRUE);
	return code;
}

int cmd_cancel(int argc, char **argv)
{
	const cli_opt *const tables[] = { cancel_opts, cli_ledger_opts, NULL };
	cancel_args a;
	memset(&a, 0, sizeof a);
	const char *pos[1] = { NULL };
	int n_pos = 0;
	bool help = false;
	int code = cli_positionals("cancel", &argc, argv, tables, pos, 1, &n_pos);
	if (code == EXIT_OK)
		code = cli_parse("cancel", argc, argv, tables, on_option, &a, &help);
	if (code == EXIT_OK && help) {
		cli_usage(stdout, "cancel", "ORDER_ID | --all [--symbol SYMBOL]", description, tables, NULL);
		return EXIT_OK;
	}
	if (code == EXIT_OK && (n_pos == 1) == a.all)
		code = cli_fail("cancel", EXIT_INPUT, "give an order id or --all (not both)");
	if (code == EXIT_OK && a.symbol && !a.all)
		code = cli_fail("cancel", EXIT_INPUT, "--symbol goes with --all");
	cli_account acct;
	if (code == EXIT_OK)
		code = cli_account_open(&acct, "cancel", &a.ledger, false);
	if (code != EXIT_OK)
		return code;
	code = cancel(&a, &acct, pos[0]);
	cli_account_close(&acct);
	return code;
}
