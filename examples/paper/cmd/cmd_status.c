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
	"power, counts, what became of the decisions inbox (refused decisions are errors, as\n"
	"rejected orders are, listed with their reasons), the open positions at their last\n"
	"marks, and the health of the live feeds paper run --feed keeps in the ledger (state,\n"
	"last message age, reconnects, gaps, backfilled bars). Read only: it works while paper\n"
	"run drives the account.";

/* At most this many reasons of refused decisions are shown (the most frequent). */
#define REASONS_SHOWN 10

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

typedef struct reasons {
	cli_json *j;       /* JSON: one object per reason */
	GString *text;     /* text: "reason x N; ..." */
	size_t n;
} reasons;

static void on_reason(const char *outcome, uint64_t count, void *payload)
{
	reasons *r = payload;
	if (r->n++ >= REASONS_SHOWN)
		return;
	const char *why = *outcome ? outcome : "(no reason given)";
	if (r->j) {
		cj_open(r->j, NULL, '{');
		cj_str(r->j, "reason", why);
		cj_uint(r->j, "count", count);
		cj_close(r->j, '}');
	} else {
		g_string_append_printf(r->text, "%s%s x%llu", r->text->len ? "; " : "", why,
				       (unsigned long long)count);
	}
}

/* Refusals whose order the broker refused: already among its rejections. */
static void on_order_refused(const char *outcome, uint64_t count, void *payload)
{
	if (g_str_has_prefix(outcome, PAPER_DECISION_ORDER_REFUSED))
		*(uint64_t *)payload += count;
}

/* The inbox: counts by status, and the refusals' reasons. */
static int decisions(const cli_account *acct, cli_json *j)
{
	paper_decision_counts c = PAPER_DECISION_COUNTS_INIT;
	int rc = paper_ledger_decision_counts(acct->l, acct->name, &c);
	reasons r = { j, j ? NULL : g_string_new(NULL), 0 };
	uint64_t order_refused = 0;
	if (rc == PAPER_OK && j && c.rejected)
		rc = paper_ledger_decision_outcomes(acct->l, acct->name, PAPER_DECISION_REJECTED,
						    on_order_refused, &order_refused);
	if (rc == PAPER_OK && j) {
		paper_account_info ai = PAPER_ACCOUNT_INFO_INIT;
		paper_broker_account(acct->b, &ai);
		cj_uint(j, "rejected_decisions", c.rejected);
		/* One refusal, one error: a decision whose order was refused counts as that order. */
		cj_uint(j, "errors", ai.rejections + c.rejected - order_refused);
		cj_open(j, "decisions", '{');
		cj_uint(j, "pending", c.pending);
		cj_uint(j, "executed", c.executed);
		cj_uint(j, "skipped", c.skipped);
		cj_uint(j, "rejected", c.rejected);
		cj_close(j, '}');
		cj_open(j, "rejected_decision_reasons", '[');
	}
	if (rc == PAPER_OK && c.rejected)
		rc = paper_ledger_decision_outcomes(acct->l, acct->name, PAPER_DECISION_REJECTED,
						    on_reason, &r);
	if (rc == PAPER_OK && j)
		cj_close(j, ']');
	if (rc == PAPER_OK && !j) {
		char v[CLI_TEXT_MAX];
		snprintf(v, sizeof v, "%llu rejected", (unsigned long long)c.rejected);
		printf("  %-16s %16s   %llu pending, %llu executed, %llu skipped%s%s%s\n",
		       "decisions", v, (unsigned long long)c.pending,
		       (unsigned long long)c.executed, (unsigned long long)c.skipped,
		       r.text->len ? "; reasons: " : "", r.text->str,
		       r.n > REASONS_SHOWN ? "; ..." : "");
	}
	if (r.text)
		g_string_free(r.text, TRUE);
	return rc == PAPER_OK ? EXIT_OK : cli_fail("status", cli_exit_code(rc), "decisions: %s",
						   paper_last_error());
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
		code = decisions(&acct, &j);
		cli_positions_json(&j, "positions", acct.b);
		feeds(&acct, &j);
		cj_close(&j, '}');
		if (code == EXIT_OK)
			cj_print(&j, stdout);
		else
			cj_free(&j);
	} else {
		cli_account_print(stdout, &acct);
		code = decisions(&acct, NULL);
		fputc('\n', stdout);
		cli_positions_print(stdout, acct.b);
		feeds(&acct, NULL);
	}
	cli_account_close(&acct);
	return code;
}
