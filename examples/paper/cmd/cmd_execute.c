/*
 * paper execute: a trade plan turned into orders - over bars (a replay, into a new account or
 * none), or without bars into an existing account of a ledger, once per plan row and session.
 */
#include "cli/cli_ops.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"

enum { EX_PLAN = 1, EX_AT, EX_ORDERS_OUT, EX_ACCOUNT, EX_PLAN_ID, EX_DATE, EX_JSON };

static const cli_opt ex_opts[] = {
	{ "--plan", "FILE", false, EX_PLAN, "trade plan CSV (symbol,side,qty|notional[,limit,take_profit,stop_loss,max_hold])" },
	{ "--at", "TIME", false, EX_AT, "submit the plan at TIME and replay the bars after it (default: after the last bar)" },
	{ "--orders-out", "FILE", false, EX_ORDERS_OUT, "write one CSV row per plan row: what became of it" },
	{ "--account", "NAME", false, EX_ACCOUNT, "without --bars: the ledger's account to execute into (default: its only one)" },
	{ "--plan-id", "ID", false, EX_PLAN_ID, "without --bars: the plan's name in its rows' signal ids (default: a digest of the file)" },
	{ "--date", "DATE", false, EX_DATE, "without --bars: the session the plan is for, YYYY-MM-DD (default: today, UTC)" },
	{ "--json", NULL, false, EX_JSON, "without --bars: print what became of each row as JSON" },
	{ NULL, NULL, false, 0, NULL },
};

static const char synopsis[] =
	"--plan FILE --bars PATH... [--at TIME] --orders-out FILE [--trades-out FILE]\n"
	"       [--summary-out FILE] [options]\n"
	"       paper execute --plan FILE --ledger PATH [--account NAME] [--plan-id ID]\n"
	"       [--date DATE] [--orders-out FILE] [--json]";

static const char description[] =
	"Turn a trade plan into orders through a strategy session. The bars give the market:\n"
	"without --at, every bar is replayed first and the plan's orders are submitted after the\n"
	"last one - orders for the next session, left open, sized at each symbol's last close;\n"
	"with --at TIME, the bars before TIME are replayed, the plan is submitted, and the bars from\n"
	"TIME on fill and manage it (take profit, stop loss, max_hold), positions open at the end\n"
	"being closed at their last close. Rows the session or the broker refuse are reported,\n"
	"not fatal.\n"
	"\n"
	"Without --bars, the plan goes into an existing account of the ledger (paper init made it):\n"
	"each row is submitted at the account's clock and fills on its next price (paper mark,\n"
	"paper run), with its take profit, stop loss and max_hold recorded with the order, so\n"
	"paper run and paper mark manage them later. Each row's signal id is\n"
	"plan-ID-DATE-LINE: a row whose signal id already placed an order in the account is\n"
	"reported already_executed and not submitted again, so running the same plan twice for\n"
	"the same session places its orders once. Not while paper run drives the account\n"
	"(exit status 4).";

/* A plan id: this many bytes at most, so plan-ID-DATE-LINE fits a signal id. */
#define PLAN_ID_MAX 24

static const char orders_header[] =
	"line,symbol,side,type,qty,limit,take_profit,stop_loss,max_hold_minutes,verdict,order_id,"
	"status,filled_qty,avg_fill_price,message\n";

typedef struct ex_args {
	cli_run run;
	const char *plan_path, *orders_out;
	paper_ts at;
	bool has_at;
	const char *account, *plan_id, *date; /* account mode (no --bars) */
	bool json;
} ex_args;

/* What became of one plan row. */
typedef struct outcome {
	paper_verdict verdict;
	bool already;          /* account mode: its signal id placed an order before */
	uint64_t order_id;
	char signal_id[PAPER_ID_MAX + 1];
	char message[256];
} outcome;

static int on_option(void *ctx, int id, const char *value)
{
	ex_args *a = ctx;
	switch (id) {
	case EX_PLAN:
		a->plan_path = value;
		return EXIT_OK;
	case EX_AT:
		a->has_at = true;
		return cli_time("execute", "--at", value, &a->at) ? EXIT_OK : EXIT_INPUT;
	case EX_ORDERS_OUT:
		a->orders_out = value;
		return EXIT_OK;
	case EX_ACCOUNT:
		a->account = value;
		return EXIT_OK;
	case EX_PLAN_ID:
		a->plan_id = value;
		return EXIT_OK;
	case EX_DATE:
		a->date = value;
		return EXIT_OK;
	case EX_JSON:
		a->json = true;
		return EXIT_OK;
	default: {
		int rc = cli_run_option(&a->run, id, value);
		return rc < 0 ? EXIT_INPUT : rc;
	}
	}
}

static int submit_plan(ex_args *a, const paper_plan *plan, outcome *out, size_t *entered)
{
	paper_session *s = paper_replay_session(a->run.r);
	*entered = 0;
	for (size_t i = 0; i < paper_plan_count(plan); i++) {
		paper_intent it = PAPER_INTENT_INIT;
		paper_plan_get(plan, i, &it);
		it.ts = a->has_at ? a->at : 0;
		int rc = paper_session_submit_intent(s, &it, &out[i].verdict, &out[i].order_id);
		if (rc != PAPER_OK && out[i].verdict != PAPER_VERDICT_REJECTED)
			return cli_fail("execute", cli_exit_code(rc), "%s:%" PRIu64 ": %s", a->plan_path,
					paper_plan_line(plan, i), paper_last_error());
		snprintf(out[i].message, sizeof out[i].message, "%s",
			 rc == PAPER_OK ? "" : paper_last_error());
		/* The CSV has no quoting: keep the message to one field. */
		for (char *p = out[i].message; *p; p++)
			if (*p == ',' || *p == '\n')
				*p = ';';
		*entered += out[i].order_id != 0;
	}
	return EXIT_OK;
}

static void row_text(FILE *f, const paper_plan *plan, size_t i, const outcome *o, paper_broker *b)
{
	paper_intent it = PAPER_INTENT_INIT;
	paper_order_info oi = PAPER_ORDER_INFO_INIT;
	bool have = o->order_id && paper_broker_order(b, o->order_id, &oi) == PAPER_OK;
	paper_plan_get(plan, i, &it);
	fprintf(f, "%" PRIu64 ",", paper_plan_line(plan, i));
	cli_csv_text(f, it.symbol);
	fprintf(f, ",%s,%s,", it.direction == PAPER_LONG ? "LONG" : "SHORT",
		it.limit_price > 0 ? "limit" : "market");
	if (have)
		fprintf(f, "%.8g", oi.qty);
	fprintf(f, ",%.10g,%.10g,%.10g,%.10g,%s,%" PRIu64 ",%s,", it.limit_price, it.take_profit,
		it.stop_loss, (double)it.max_hold / 60e6,
		o->already ? "already_executed" : paper_verdict_str(o->verdict), o->order_id,
		have ? paper_order_status_str(oi.status) : "");
	if (have)
		fprintf(f, "%.8g,%.10g", oi.filled_qty, oi.avg_fill_price);
	else
		fputc(',', f);
	fputc(',', f);
	cli_csv_text(f, o->message);
	fputc('\n', f);
}

static int write_orders(ex_args *a, const paper_plan *plan, const outcome *out, paper_broker *b)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f == NULL)
		return cli_fail("execute", EXIT_LIBRARY, "out of memory");
	fputs(orders_header, f);
	for (size_t i = 0; i < paper_plan_count(plan); i++)
		row_text(f, plan, i, &out[i], b);
	fclose(f);
	int code = cli_write_file("execute", a->orders_out, text);
	free(text);
	return code;
}

static int check(const ex_args *a)
{
	if (a->run.n_bars == 0)
		return EXIT_OK; /* account mode: check_account() */
	if (a->account || a->plan_id || a->date || a->json)
		return cli_fail("execute", EXIT_INPUT, "--account, --plan-id, --date and --json go "
				"without --bars (a plan into an existing account)");
	if (a->plan_path == NULL || a->orders_out == NULL)
		return cli_fail("execute", EXIT_INPUT, "--plan and --orders-out are required");
	if (a->has_at && ((a->run.from && a->at < a->run.from) || (a->run.to && a->at >= a->run.to)))
		return cli_fail("execute", EXIT_INPUT, "--at must lie inside --from / --to");
	return EXIT_OK;
}

/* Replay, submit the plan at the right moment, replay the rest. */
static int execute(ex_args *a, const paper_plan *plan, outcome *out, size_t *entered)
{
	int code;
	if (a->has_at) {
		code = cli_run_until(&a->run, a->at);
		if (code == EXIT_OK)
			code = submit_plan(a, plan, out, entered);
		return code == EXIT_OK ? cli_run_finish(&a->run) : code;
	}
	/* The plan's orders are for the next session: they stay open after the data. */
	code = cli_run_finish(&a->run);
	return code == EXIT_OK ? submit_plan(a, plan, out, entered) : code;
}

static int run(ex_args *a)
{
	paper_plan *plan = NULL;
	int rc = paper_plan_read(&plan, a->plan_path);
	if (rc != PAPER_OK)
		return cli_fail("execute", cli_exit_code(rc), "--plan: %s", paper_last_error());
	outcome *out = calloc(paper_plan_count(plan) + 1, sizeof *out);
	size_t entered = 0;
	int code = cli_run_open(&a->run);
	if (code == EXIT_OK)
		code = execute(a, plan, out, &entered);
	if (code == EXIT_OK)
		code = write_orders(a, plan, out, a->run.b);
	if (code == EXIT_OK)
		code = cli_run_report(&a->run, "paper execute");
	if (code == EXIT_OK && !a->run.quiet)
		printf("  plan:    %zu rows, %zu orders accepted%s; see %s\n", paper_plan_count(plan),
		       entered, a->has_at ? "" : " and left open for the next session", a->orders_out);
	free(out);
	paper_plan_free(plan);
	return code;
}

/* ---- without --bars: into an existing account ---- */

static int check_account(const ex_args *a)
{
	const cli_run *r = &a->run;
	if (a->plan_path == NULL)
		return cli_fail("execute", EXIT_INPUT, "--plan is required");
	if (r->n_signals || r->trades_out || r->summary_out || r->has_from || r->has_to ||
	    r->skip_bad_rows || a->has_at)
		return cli_fail("execute", EXIT_INPUT, "--signals, --trades-out, --summary-out, "
				"--from, --to, --skip-bad-rows and --at go with --bars (a replay)");
	if (r->cfg.path || r->cfg.n)
		return cli_fail("execute", EXIT_INPUT, "the account runs with the config it was "
				"created with (paper init): --config and --set (and the options that "
				"set keys) go with --bars");
	if (a->plan_id) {
		size_t n = strlen(a->plan_id);
		bool ok = n > 0 && n <= PLAN_ID_MAX;
		for (size_t i = 0; ok && i < n; i++)
			ok = g_ascii_isalnum(a->plan_id[i]) || strchr("._-", a->plan_id[i]);
		if (!ok)
			return cli_fail("execute", EXIT_INPUT, "--plan-id: 1 to %d of letters, digits, "
					"'.', '_', '-'", PLAN_ID_MAX);
	}
	return EXIT_OK;
}

/* The plan's default id: the start of the SHA-256 of its bytes (the same file, the same id). */
static int plan_digest(const char *path, char *out, size_t cap)
{
	gchar *data = NULL;
	gsize len = 0;
	GError *err = NULL;
	if (!g_file_get_contents(path, &data, &len, &err)) {
		int code = cli_fail("execute", EXIT_INPUT, "--plan: %s", err->message);
		g_error_free(err);
		return code;
	}
	gchar *hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
	g_strlcpy(out, hex, cap < 17 ? cap : 17);
	g_free(hex);
	g_free(data);
	return EXIT_OK;
}

/* The session date: --date (checked), else today in UTC. */
static int session_date(const ex_args *a, char out[11])
{
	paper_ts ts = 0;
	if (a->date == NULL) {
		GDateTime *now = g_date_time_new_now_utc();
		gchar *d = g_date_time_format(now, "%Y-%m-%d");
		g_strlcpy(out, d, 11);
		g_free(d);
		g_date_time_unref(now);
		return EXIT_OK;
	}
	if (strlen(a->date) != 10 || !cli_time("execute", "--date", a->date, &ts))
		return strlen(a->date) != 10
			       ? cli_fail("execute", EXIT_INPUT, "--date: '%s' is not YYYY-MM-DD",
					  a->date)
			       : EXIT_INPUT;
	g_strlcpy(out, a->date, 11);
	return EXIT_OK;
}

/* One row: placed before (its signal id has an order), or submitted now. */
static int execute_row(ex_args *a, cli_account *acct, paper_session *s, const paper_plan *plan,
		       size_t i, outcome *o)
{
	paper_intent it = PAPER_INTENT_INIT;
	paper_plan_get(plan, i, &it);
	it.signal_id = o->signal_id;
	it.ts = 0; /* the account's clock: it fills on the next price */
	uint64_t found[1];
	size_t n = 0;
	int rc = paper_ledger_signal_orders(acct->l, acct->name, o->signal_id, found, 1, &n);
	if (rc != PAPER_OK)
		return cli_fail("execute", cli_exit_code(rc), "%s", paper_last_error());
	if (n > 0) {
		o->already = true;
		o->order_id = found[0];
		return EXIT_OK;
	}
	rc = paper_session_submit_intent(s, &it, &o->verdict, &o->order_id);
	if (rc == PAPER_EIO || rc == PAPER_ESTATE || rc == PAPER_ENOMEM ||
	    (rc != PAPER_OK && o->verdict != PAPER_VERDICT_REJECTED))
		return cli_fail("execute", cli_exit_code(rc), "%s:%" PRIu64 ": %s", a->plan_path,
				paper_plan_line(plan, i), paper_last_error());
	snprintf(o->message, sizeof o->message, "%s", rc == PAPER_OK ? "" : paper_last_error());
	for (char *p = o->message; *p; p++)
		if (*p == ',' || *p == '\n')
			*p = ';';
	return EXIT_OK;
}

static const char *verdict_of(const outcome *o)
{
	return o->already ? "already_executed" : paper_verdict_str(o->verdict);
}

static void print_rows(const ex_args *a, const cli_account *acct, const paper_plan *plan,
		       const outcome *out, const char *id, const char *date)
{
	size_t placed = 0, already = 0;
	cli_json j;
	cj_init(&j);
	cj_open(&j, NULL, '{');
	cj_str(&j, "account", acct->name);
	cj_str(&j, "plan_id", id);
	cj_str(&j, "date", date);
	cj_open(&j, "rows", '[');
	for (size_t i = 0; i < paper_plan_count(plan); i++) {
		const outcome *o = &out[i];
		paper_intent it = PAPER_INTENT_INIT;
		paper_plan_get(plan, i, &it);
		placed += !o->already && o->order_id;
		already += o->already;
		cj_open(&j, NULL, '{');
		cj_uint(&j, "line", paper_plan_line(plan, i));
		cj_str(&j, "symbol", it.symbol);
		cj_str(&j, "side", it.direction == PAPER_LONG ? "LONG" : "SHORT");
		cj_str(&j, "verdict", verdict_of(o));
		cj_uint(&j, "order_id", o->order_id);
		cj_str(&j, "signal_id", o->signal_id);
		cj_str(&j, "message", o->message);
		cj_close(&j, '}');
		const char *shown = !o->already && o->verdict == PAPER_VERDICT_TRADE && o->order_id
					    ? "placed" : verdict_of(o);
		if (!a->json)
			printf("line %" PRIu64 ": %s %s: %s%s%s%s order %" PRIu64 " %s\n",
			       paper_plan_line(plan, i), it.symbol,
			       it.direction == PAPER_LONG ? "LONG" : "SHORT", shown,
			       *o->message ? " (" : "", o->message, *o->message ? ")" : "",
			       o->order_id, o->signal_id);
	}
	cj_close(&j, ']');
	cj_uint(&j, "orders_placed", placed);
	cj_uint(&j, "already_executed", already);
	cj_close(&j, '}');
	if (a->json)
		cj_print(&j, stdout);
	else
		printf("plan %s for %s into account %s: %zu rows, %zu orders placed, %zu already "
		       "executed; they fill on the account's next prices (paper mark, paper run)\n",
		       id, date, acct->name, paper_plan_count(plan), placed, already);
	if (!a->json)
		cj_free(&j);
}

/* Every row once: ids first (a bad --date or plan changes nothing), then the rows. */
static int into_account(ex_args *a, const paper_plan *plan, outcome *out, cli_account *acct)
{
	char id[PLAN_ID_MAX + 1], date[11];
	int code = a->plan_id ? (g_strlcpy(id, a->plan_id, sizeof id), EXIT_OK)
			      : plan_digest(a->plan_path, id, sizeof id);
	if (code == EXIT_OK)
		code = session_date(a, date);
	for (size_t i = 0; code == EXIT_OK && i < paper_plan_count(plan); i++)
		snprintf(out[i].signal_id, sizeof out[i].signal_id, "plan-%s-%s-%" PRIu64, id, date,
			 paper_plan_line(plan, i));
	cli_ledger_args la = { a->run.ledger_path, a->account };
	if (code == EXIT_OK)
		code = cli_account_open(acct, "execute", &la, false);
	if (code != EXIT_OK)
		return code;
	paper_session *s = NULL;
	int rc = paper_session_new(&s, acct->b);
	code = rc == PAPER_OK ? cli_apply_lots("execute", &a->run.cfg, s)
			      : cli_lib_fail("execute", rc, "paper_session_new");
	for (size_t i = 0; code == EXIT_OK && i < paper_plan_count(plan); i++)
		code = execute_row(a, acct, s, plan, i, &out[i]);
	paper_session_free(s);
	if (code == EXIT_OK && a->orders_out)
		code = write_orders(a, plan, out, acct->b);
	if (code == EXIT_OK)
		print_rows(a, acct, plan, out, id, date);
	cli_account_close(acct);
	return code;
}

static int run_account(ex_args *a)
{
	int code = check_account(a);
	if (code != EXIT_OK)
		return code;
	paper_plan *plan = NULL;
	int rc = paper_plan_read(&plan, a->plan_path);
	if (rc != PAPER_OK)
		return cli_fail("execute", cli_exit_code(rc), "--plan: %s", paper_last_error());
	outcome *out = calloc(paper_plan_count(plan) + 1, sizeof *out);
	cli_account acct;
	code = out ? into_account(a, plan, out, &acct)
		   : cli_fail("execute", EXIT_LIBRARY, "out of memory");
	free(out);
	paper_plan_free(plan);
	return code;
}

int cmd_execute(int argc, char **argv)
{
	const cli_opt *const tables[] = { ex_opts, cli_run_opts, cli_common_opts, NULL };
	ex_args a = { .plan_path = NULL };
	bool help = false;
	cli_run_init(&a.run, "execute");
	int code = cli_parse("execute", argc, argv, tables, on_option, &a, &help);
	if (code == EXIT_OK && help) {
		cli_usage(stdout, "execute", synopsis, description, tables, NULL);
		cli_run_close(&a.run);
		return EXIT_OK;
	}
	if (code == EXIT_OK)
		code = check(&a);
	if (code == EXIT_OK)
		code = a.run.n_bars ? run(&a) : run_account(&a);
	cli_run_close(&a.run);
	return code;
}
