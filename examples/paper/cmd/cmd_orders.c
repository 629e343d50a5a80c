/* paper orders: the open orders, oldest first. */
#include "cli/cli_ops.h"

#include <string.h>

#include "cmd/commands.h"

enum { OR_JSON = 1, OR_SYMBOL };

static const cli_opt orders_opts[] = {
	{ "--symbol", "SYMBOL", false, OR_SYMBOL, "only this symbol's orders" },
	{ "--json", NULL, false, OR_JSON, "print a JSON array (keys as paper_order_info names them)" },
	{ NULL, NULL, false, 0, NULL },
};

static const char description[] =
	"List the open orders (accepted or partially filled), oldest first: they fill on the\n"
	"symbol's next prices (paper mark, paper run). Read only.";

typedef struct orders_args {
	cli_ledger_args ledger;
	const char *symbol;
	bool json;
} orders_args;

static int on_option(void *ctx, int id, const char *value)
{
	orders_args *a = ctx;
	if (id == OR_JSON) {
		a->json = true;
		return EXIT_OK;
	}
	if (id == OR_SYMBOL) {
		a->symbol = value;
		return EXIT_OK;
	}
	int rc = cli_ledger_option(&a->ledger, id, value);
	return rc < 0 ? EXIT_INPUT : rc;
}

static void add_row(cli_table *t, const paper_order_info *o)
{
	char x[6][CLI_TEXT_MAX];
	bool lim = o->type == PAPER_ORDER_LIMIT || o->type == PAPER_ORDER_STOP_LIMIT;
	bool stop = o->type == PAPER_ORDER_STOP || o->type == PAPER_ORDER_STOP_LIMIT;
	cli_table_cell(t, "%llu", (unsigned long long)o->id);
	cli_table_cell(t, "%s", o->symbol);
	cli_table_cell(t, "%s", paper_side_str(o->side));
	cli_table_cell(t, "%s", paper_order_type_str(o->type));
	cli_table_cell(t, "%s", paper_tif_str(o->tif));
	cli_table_cell(t, "%s", cli_qty(x[0], o->qty));
	cli_table_cell(t, "%s", cli_qty(x[1], o->filled_qty));
	cli_table_cell(t, "%s", lim ? cli_price(x[2], o->limit_price) : "-");
	cli_table_cell(t, "%s", stop ? cli_price(x[3], o->stop_price) : "-");
	cli_table_cell(t, "%s", paper_order_status_str(o->status));
	cli_table_cell(t, "%s", cli_when(x[4], o->submitted_ts));
	cli_table_cell(t, "%s", *o->signal_id ? o->signal_id : *o->strategy ? o->strategy : "-");
}

static void show(const orders_args *a, const paper_broker *b)
{
	static const char *const cols[] = { ">ID", "SYMBOL", "SIDE", "TYPE", "TIF", ">QTY", ">FILLED",
					    ">LIMIT", ">STOP", "STATUS", "SUBMITTED", "SIGNAL", NULL };
	cli_table *t = cli_table_new(cols);
	cli_json j;
	cj_init(&j);
	cj_open(&j, NULL, '[');
	for (size_t i = 0; i < paper_broker_open_order_count(b); i++) {
		paper_order_info o = PAPER_ORDER_INFO_INIT;
		if (paper_broker_open_order_at(b, i, &o) != PAPER_OK ||
		    (a->symbol && strcmp(a->symbol, o.symbol) != 0))
			continue;
		cli_order_json(&j, &o);
		add_row(t, &o);
	}
	cj_close(&j, ']');
	if (a->json)
		cj_print(&j, stdout);
	else if (cli_table_rows(t) == 0)
		puts("no open orders");
	else
		cli_table_print(t, stdout);
	cj_free(&j);
	cli_table_free(t);
}

int cmd_orders(int argc, char **argv)
{
	const cli_opt *const tables[] = { orders_opts, cli_ledger_opts, NULL };
	orders_args a;
	memset(&a, 0, sizeof a);
	bool help = false;
	int code = cli_parse("orders", argc, argv, tables, on_option, &a, &help);
	if (code == EXIT_OK && help) {
		cli_usage(stdout, "orders", "[--ledger PATH] [--account NAME] [--symbol SYMBOL] [--json]",
			  description, tables, NULL);
		return EXIT_OK;
	}
	cli_account acct;
	if (code == EXIT_OK)
		code = cli_account_open(&acct, "orders", &a.ledger, true);
	if (code != EXIT_OK)
		return code;
	show(&a, acct.b);
	cli_account_close(&acct);
	return EXIT_OK;
}
