/* paper execute: a trade plan turned into orders, for the next session or over bars. */
#include "cli/cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"

enum { EX_PLAN = 1, EX_AT, EX_ORDERS_OUT };

static const cli_opt ex_opts[] = {
	{ "--plan", "FILE", false, EX_PLAN, "trade plan CSV (symbol,side,qty|notional[,limit,take_profit,stop_loss,max_hold])" },
	{ "--at", "TIME", false, EX_AT, "submit the plan at TIME and replay the bars after it (default: after the last bar)" },
	{ "--orders-out", "FILE", false, EX_ORDERS_OUT, "write one CSV row per plan row: what became of it" },
	{ NULL, NULL, false, 0, NULL },
};

static const char synopsis[] =
	"--plan FILE --bars PATH... [--at TIME] --orders-out FILE [--trades-out FILE]\n"
	"       [--summary-out FILE] [options]";

static const char description[] =
	"Turn a trade plan into orders through a strategy session. The bars give the market:\n"
	"without --at, every bar is replayed first and the plan's orders are submitted after the\n"
	"last one - orders for the next session, left open, sized at each symbol's last close;\n"
	"with --at TIME, the bars before TIME are replayed, the plan is submitted, and the bars from\n"
	"TIME on fill and manage it (take profit, stop loss, max_hold), positions open at the end\n"
	"being closed at their last close. Rows the session or the broker refuse are reported,\n"
	"not fatal.";

static const char orders_header[] =
	"line,symbol,side,type,qty,limit,take_profit,stop_loss,max_hold_minutes,verdict,order_id,"
	"status,filled_qty,avg_fill_price,message\n";

typedef struct ex_args {
	cli_run run;
	const char *plan_path, *orders_out;
	paper_ts at;
	bool has_at;
} ex_args;

/* What became of one plan row. */
typedef struct outcome {
	paper_verdict verdict;
	uint64_t order_id;
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
		it.stop_loss, (double)it.max_hold / 60e6, paper_verdict_str(o->verdict), o->order_id,
		have ? paper_order_status_str(oi.status) : "");
	if (have)
		fprintf(f, "%.8g,%.10g", oi.filled_qty, oi.avg_fill_price);
	else
		fputc(',', f);
	fputc(',', f);
	cli_csv_text(f, o->message);
	fputc('\n', f);
}

static int write_orders(ex_args *a, const paper_plan *plan, const outcome *out)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f == NULL)
		return cli_fail("execute", EXIT_LIBRARY, "out of memory");
	fputs(orders_header, f);
	for (size_t i = 0; i < paper_plan_count(plan); i++)
		row_text(f, plan, i, &out[i], a->run.b);
	fclose(f);
	int code = cli_write_file("execute", a->orders_out, text);
	free(text);
	return code;
}

static int check(const ex_args *a)
{
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
		code = write_orders(a, plan, out);
	if (code == EXIT_OK)
		code = cli_run_report(&a->run, "paper execute");
	if (code == EXIT_OK && !a->run.quiet)
		printf("  plan:    %zu rows, %zu orders accepted%s; see %s\n", paper_plan_count(plan),
		       entered, a->has_at ? "" : " and left open for the next session", a->orders_out);
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
		code = run(&a);
	cli_run_close(&a.run);
	return code;
}
