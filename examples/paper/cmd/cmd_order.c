/* paper order: submit a manual order; it fills on the symbol's next price. */
#include "cli/cli_ops.h"

#include <string.h>

#include "cmd/commands.h"

enum { OD_TYPE = 1, OD_LIMIT, OD_STOP, OD_TIF, OD_CLIENT_ID, OD_STRATEGY, OD_JSON };

static const cli_opt order_opts[] = {
	{ "--type", "TYPE", false, OD_TYPE, "market, limit, stop or stop-limit (default: from --limit/--stop, else market)" },
	{ "--limit", "PRICE", false, OD_LIMIT, "limit price (limit and stop-limit orders)" },
	{ "--stop", "PRICE", false, OD_STOP, "stop price (stop and stop-limit orders)" },
	{ "--tif", "TIF", false, OD_TIF, "time in force: gtc (default), day, ioc or fok" },
	{ "--client-id", "ID", false, OD_CLIENT_ID, "your own id for the order" },
	{ "--strategy", "TAG", false, OD_STRATEGY, "strategy tag recorded on the order (default: manual)" },
	{ "--json", NULL, false, OD_JSON, "print the accepted order as JSON" },
	{ NULL, NULL, false, 0, NULL },
};

static const char description[] =
	"Submit an order to the paper account: SIDE is buy or sell, QTY in units. It is accepted at\n"
	"the account's clock (its newest price) and rests in the ledger; like any order it fills on\n"
	"the symbol's next price, never on one already seen - the next `paper mark` or the next line\n"
	"of `paper run`'s price feed - by the rules of docs/semantics.md (a market order at that\n"
	"price plus slippage, a limit when the price reaches it, ...). The account's limits and\n"
	"buying power apply; a refused order is recorded as a rejection. Not while paper run drives\n"
	"the account (exit status 4).";

typedef struct order_args {
	cli_ledger_args ledger;
	paper_order_request req;
	const char *type;
	bool has_limit, has_stop, json;
} order_args;

static int parse_tif(order_args *a, const char *v)
{
	static const paper_tif tifs[] = { PAPER_TIF_GTC, PAPER_TIF_DAY, PAPER_TIF_IOC, PAPER_TIF_FOK };
	for (size_t i = 0; i < G_N_ELEMENTS(tifs); i++)
		if (g_ascii_strcasecmp(v, paper_tif_str(tifs[i])) == 0) {
			a->req.tif = tifs[i];
			return EXIT_OK;
		}
	return cli_fail("order", EXIT_INPUT, "--tif: '%s' is not gtc, day, ioc or fok", v);
}

static int on_option(void *ctx, int id, const char *v)
{
	order_args *a = ctx;
	switch (id) {
	case OD_TYPE:
		a->type = v;
		return EXIT_OK;
	case OD_LIMIT:
		a->has_limit = true;
		return cli_number("order", "--limit", v, &a->req.limit_price) ? EXIT_OK : EXIT_INPUT;
	case OD_STOP:
		a->has_stop = true;
		return cli_number("order", "--stop", v, &a->req.stop_price) ? EXIT_OK : EXIT_INPUT;
	case OD_TIF:
		return parse_tif(a, v);
	case OD_CLIENT_ID:
		a->req.client_id = v;
		return EXIT_OK;
	case OD_STRATEGY:
		a->req.strategy = v;
		return EXIT_OK;
	case OD_JSON:
		a->json = true;
		return EXIT_OK;
	default: {
		int rc = cli_ledger_option(&a->ledger, id, v);
		return rc < 0 ? EXIT_INPUT : rc;
	}
	}
}

/* The order type: as given, or what the prices given imply; the prices must fit it. */
static int resolve_type(order_args *a)
{
	static const char *const names[] = { "market", "limit", "stop", "stop-limit" };
	static const paper_order_type types[] = { PAPER_ORDER_MARKET, PAPER_ORDER_LIMIT,
						  PAPER_ORDER_STOP, PAPER_ORDER_STOP_LIMIT };
	size_t k = a->has_limit ? (a->has_stop ? 3 : 1) : a->has_stop ? 2 : 0;
	if (a->type) {
		for (k = 0; k < G_N_ELEMENTS(names) && g_ascii_strcasecmp(a->type, names[k]) != 0; k++)
			;
		if (k == G_N_ELEMENTS(names))
			return cli_fail("order", EXIT_INPUT, "--type: '%s' is not market, limit, stop or "
					"stop-limit", a->type);
	}
	a->req.type = types[k];
	bool want_limit = k == 1 || k == 3, want_stop = k == 2 || k == 3;
	if (want_limit != a->has_limit || want_stop != a->has_stop)
		return cli_fail("order", EXIT_INPUT, "a %s order takes %s", names[k],
				k == 0 ? "neither --limit nor --stop" : k == 1 ? "--limit only"
				: k == 2 ? "--stop only" : "both --limit and --stop");
	return EXIT_OK;
}

static int parse_positionals(order_args *a, const char *const *pos, int n)
{
	if (n != 3)
		return cli_fail("order", EXIT_INPUT, "want SYMBOL SIDE QTY, e.g. paper order AAPL buy 10 "
				"(see paper order --help)");
	a->req.symbol = pos[0];
	if (g_ascii_strcasecmp(pos[1], "buy") == 0)
		a->req.side = PAPER_SIDE_BUY;
	else if (g_ascii_strcasecmp(pos[1], "sell") == 0)
		a->req.side = PAPER_SIDE_SELL;
	else
		return cli_fail("order", EXIT_INPUT, "side '%s' is not buy or sell", pos[1]);
	return cli_number("order", "QTY", pos[2], &a->req.qty) ? EXIT_OK : EXIT_INPUT;
}

/*
 * A symbol the account has never had a price for: the broker would reject the order and keep
 * the rejection in the account's record for good, so a typo is refused here instead.
 */
static bool has_price(paper_broker *b, const char *symbol)
{
	paper_session *s = NULL;
	paper_signal sig = PAPER_SIGNAL_INIT;
	double qty = 0;
	sig.symbol = symbol;
	if (paper_session_new(&s, b) != PAPER_OK)
		return true; /* let the broker decide */
	int rc = paper_session_size(s, &sig, &qty);
	paper_session_free(s);
	return rc != PAPER_ENODATA;
}

static void print_order(const order_args *a, const paper_broker *b, uint64_t id)
{
	paper_order_info o = PAPER_ORDER_INFO_INIT;
	paper_broker_order(b, id, &o);
	if (a->json) {
		cli_json j;
		cj_init(&j);
		cli_order_json(&j, &o);
		cj_print(&j, stdout);
		return;
	}
	char q[CLI_TEXT_MAX];
	printf("order %llu accepted: %s %s %s, %s %s; it fills on %s's next price (paper mark or "
	       "paper run)\n", (unsigned long long)id, paper_side_str(o.side), cli_qty(q, o.qty),
	       o.symbol, paper_order_type_str(o.type), paper_tif_str(o.tif), o.symbol);
}

/* Refusals are the account's business (exit 1, recorded); bad values are the caller's (2). */
static int submit_exit_code(int rc)
{
	switch (rc) {
	case PAPER_EFUNDS:
	case PAPER_ELIMIT:
	case PAPER_EHALTED:
	case PAPER_ENODATA:
		return EXIT_LIBRARY;
	case PAPER_EINVAL:
	case PAPER_EQTY:
	case PAPER_EPRICE:
	case PAPER_ETIME:
		return EXIT_INPUT;
	default:
		return cli_exit_code(rc);
	}
}

static int submit(order_args *a, cli_account *acct)
{
	/* A malformed OCC symbol says so, rather than that it has no price. */
	paper_instrument_spec spec = PAPER_INSTRUMENT_SPEC_INIT;
	int rc = paper_broker_instrument(acct->b, a->req.symbol, &spec);
	if (rc != PAPER_OK)
		return cli_fail("order", EXIT_INPUT, "%s", paper_last_error());
	if (!has_price(acct->b, a->req.symbol))
		return cli_fail("order", EXIT_INPUT, "no price for %s yet: nothing was submitted (give "
				"it one with paper mark, or feed it to paper run)", a->req.symbol);
	uint64_t id = 0;
	rc = paper_broker_submit(acct->b, &a->req, &id);
	if (rc == PAPER_OK) {
		print_order(a, acct->b, id);
		return EXIT_OK;
	}
	int code = submit_exit_code(rc);
	return cli_fail("order", code, "%s%s", code == EXIT_LIBRARY ? "rejected (recorded in the "
			"account): " : "", paper_last_error());
}

int cmd_order(int argc, char **argv)
{
	const cli_opt *const tables[] = { order_opts, cli_ledger_opts, NULL };
	order_args a;
	memset(&a, 0, sizeof a);
	a.req = (paper_order_request)PAPER_ORDER_REQUEST_INIT;
	a.req.strategy = "manual";
	const char *pos[3];
	int n_pos = 0;
	bool help = false;
	int code = cli_positionals("order", &argc, argv, tables, pos, 3, &n_pos);
	if (code == EXIT_OK)
		code = cli_parse("order", argc, argv, tables, on_option, &a, &help);
	if (code == EXIT_OK && help) {
		cli_usage(stdout, "order", "SYMBOL buy|sell QTY [--type TYPE] [--limit PRICE] "
			  "[--stop PRICE] [--tif TIF]", description, tables, NULL);
		return EXIT_OK;
	}
	if (code == EXIT_OK)
		code = parse_positionals(&a, pos, n_pos);
	if (code == EXIT_OK)
		code = resolve_type(&a);
	cli_account acct;
	if (code == EXIT_OK)
		code = cli_account_open(&acct, "order", &a.ledger, false);
	if (code != EXIT_OK)
		return code;
	code = submit(&a, &acct);
	cli_account_close(&acct);
	return code;
}
