/* paper drift: the account against a backtest of the same signals over the same period. */
#include "cli/cli_ops.h"

#include <math.h>
#include <string.h>

#include "cmd/commands.h"

enum { DF_JSON = 1, DF_OUT };

static const cli_opt drift_opts[] = {
	{ "--json", NULL, false, DF_JSON, "print the comparison as JSON (paper_drift_to_json())" },
	{ "--out", "FILE", false, DF_OUT, "also write the JSON to FILE (replaced atomically)" },
	{ NULL, NULL, false, 0, NULL },
};

static const char description[] =
	"Replay the signals the account traded on (--signals; without it, every decision of the\n"
	"account's inbox, refused ones included, and the signals of its other closed trades, each\n"
	"at the time its entry order was submitted, else the decision's created_ts), with the\n"
	"account's own config, over the bars of the account's period (its first price or fill to\n"
	"its clock), and match the account's closed trades one to one with the backtest's: by\n"
	"signal id, then by symbol, direction and the nearest entry time within --tolerance\n"
	"(docs/drift.md). Prints the missed trades (the backtest's only), the extra ones (the\n"
	"account's only), the entry and exit time and price differences of each pair, realised\n"
	"against modelled slippage and the P&L drift, which reconciles: paper - backtest = matched\n"
	"drift + extra - missed; without --signals, the decisions refused live with their reasons\n"
	"(one the backtest takes is a missed trade). Read only.";

typedef struct drift_args {
	cli_ledger_args ledger;
	cli_drift_args d;
	bool json;
	const char *out;
} drift_args;

static int on_option(void *ctx, int id, const char *v)
{
	drift_args *a = ctx;
	switch (id) {
	case DF_JSON:
		a->json = true;
		return EXIT_OK;
	case DF_OUT:
		a->out = v;
		return EXIT_OK;
	default: {
		int rc = cli_drift_option("drift", &a->d, id, v);
		if (rc < 0)
			rc = cli_ledger_option(&a->ledger, id, v);
		return rc < 0 ? EXIT_INPUT : rc;
	}
	}
}

static const char *secs(char buf[CLI_TEXT_MAX], double s)
{
	if (isnan(s))
		return strcpy(buf, "n/a");
	snprintf(buf, CLI_TEXT_MAX, "%+.0fs", s);
	return buf;
}

static const char *bps(char buf[CLI_TEXT_MAX], double v)
{
	if (isnan(v))
		return strcpy(buf, "-");
	snprintf(buf, CLI_TEXT_MAX, "%+.2f", v);
	return buf;
}

static void print_summary(const cli_account *acct, const cli_drift_args *d, const paper_drift_summary *s)
{
	char a[CLI_TEXT_MAX], b[CLI_TEXT_MAX], c[CLI_TEXT_MAX], e[CLI_TEXT_MAX], f[CLI_TEXT_MAX],
		g[CLI_TEXT_MAX];
	printf("paper drift: account %s against a backtest of its signals, %s .. %s\n", acct->name,
	       d->from ? cli_when(a, d->from) : "the start", d->to ? cli_when(b, d->to) : "the end");
	printf("  trades:   paper %llu, backtest %llu; matched %llu (%llu by signal id, %llu by "
	       "time), missed %llu, extra %llu\n", (unsigned long long)s->paper_trades,
	       (unsigned long long)s->backtest_trades, (unsigned long long)s->matched,
	       (unsigned long long)s->matched_by_signal_id, (unsigned long long)s->matched_by_time,
	       (unsigned long long)s->missed, (unsigned long long)s->extra);
	printf("  P&L net:  paper %s, backtest %s; drift %s = matched %s + extra %s - missed %s\n",
	       cli_signed(a, s->paper_pnl), cli_signed(b, s->backtest_pnl), cli_signed(c, s->pnl_drift),
	       cli_signed(e, s->matched_pnl_drift), cli_signed(f, s->extra_pnl),
	       cli_signed(g, s->missed_pnl));
	printf("  entries:  mean delay %s (largest %s), mean price drift %s bps (positive: worse "
	       "on paper)\n", secs(a, s->mean_entry_delay), secs(b, s->max_entry_delay),
	       bps(c, s->mean_entry_drift_bps));
	printf("  exits:    mean delay %s (largest %s), mean price drift %s bps, %llu exit reasons "
	       "differ\n", secs(a, s->mean_exit_delay), secs(b, s->max_exit_delay),
	       bps(c, s->mean_exit_drift_bps), (unsigned long long)s->exit_reason_changes);
	printf("  slippage: realised %s, modelled %s (matched pairs: %s against %s)\n",
	       cli_money(a, s->paper_slippage), cli_money(b, s->backtest_slippage),
	       cli_money(c, s->matched_paper_slippage), cli_money(e, s->matched_backtest_slippage));
}

static void print_rows(const paper_drift *d)
{
	static const char *const cols[] = { "kind", "symbol", "side", "signal", "entry (paper)",
					    "entry (backtest)", ">delay", ">entry bps", ">exit bps",
					    ">pnl paper", ">pnl backtest", ">drift", NULL };
	size_t n = paper_drift_row_count(d);
	if (n == 0) {
		puts("\n  no closed trades on either side");
		return;
	}
	putchar('\n');
	cli_table *t = cli_table_new(cols);
	for (size_t i = 0; i < n; i++) {
		paper_drift_row r = PAPER_DRIFT_ROW_INIT;
		char x[6][CLI_TEXT_MAX];
		if (paper_drift_row_at(d, i, &r) != PAPER_OK)
			continue;
		bool p = r.kind != PAPER_DRIFT_MISSED, b = r.kind != PAPER_DRIFT_EXTRA;
		cli_table_cell(t, "%s%s", paper_drift_kind_str(r.kind),
			       r.kind == PAPER_DRIFT_MATCHED ? (r.match == PAPER_DRIFT_MATCH_TIME
								? " (time)" : " (id)") : "");
		cli_table_cell(t, "%s", r.symbol);
		cli_table_cell(t, "%s", paper_direction_str(r.direction));
		cli_table_cell(t, "%s", *r.signal_id ? r.signal_id : "-");
		cli_table_cell(t, "%s", p ? cli_when(x[0], r.paper_entry_ts) : "-");
		cli_table_cell(t, "%s", b ? cli_when(x[1], r.backtest_entry_ts) : "-");
		cli_table_cell(t, "%s", p && b ? secs(x[2], r.entry_delay) : "-");
		cli_table_cell(t, "%s", bps(x[3], r.entry_drift_bps));
		cli_table_cell(t, "%s", bps(x[4], r.exit_drift_bps));
		cli_table_cell(t, "%s", p ? cli_signed(x[5], r.paper_pnl) : "-");
		cli_table_cell(t, "%s", b ? cli_signed(x[0], r.backtest_pnl) : "-");
		cli_table_cell(t, "%s", cli_signed(x[1], r.pnl_drift));
	}
	cli_table_print(t, stdout);
	cli_table_free(t);
}

/* The backtest's row of a refused decision: its trade, when it made one (NULL: none). */
static bool backtest_row(const paper_drift *d, const char *signal_id, paper_drift_row *out)
{
	for (size_t i = 0; i < paper_drift_row_count(d); i++) {
		*out = (paper_drift_row)PAPER_DRIFT_ROW_INIT;
		if (paper_drift_row_at(d, i, out) == PAPER_OK && out->kind != PAPER_DRIFT_EXTRA &&
		    strcmp(out->signal_id, signal_id) == 0)
			return true;
	}
	return false;
}

static const char *status_name(paper_decision_status s)
{
	return s == PAPER_DECISION_REJECTED ? "rejected" : "skipped";
}

/* The decisions refused live, with the reason, and what the backtest made of each. */
static void print_refused(const cli_drift_args *a, const paper_drift *d)
{
	if (a->n_refused == 0)
		return;
	printf("\n  decisions refused live (the backtest replayed them):\n");
	for (size_t i = 0; i < a->n_refused; i++) {
		const cli_drift_refusal *x = &a->refused[i];
		paper_drift_row r;
		char when[CLI_TEXT_MAX], pnl[CLI_TEXT_MAX];
		bool traded = backtest_row(d, x->signal_id, &r);
		printf("    decision %lld %s %s at %s: %s live (%s); backtest: ", (long long)x->decision,
		       x->symbol, paper_direction_str(x->direction), cli_when(when, x->created_ts),
		       status_name(x->status), *x->reason ? x->reason : "no reason given");
		if (traded)
			printf("traded, %s %s\n", paper_drift_kind_str(r.kind),
			       cli_signed(pnl, r.backtest_pnl));
		else
			printf("no closed trade\n");
	}
}

/* paper_drift_to_json() with the refused decisions: {..., "refused_decisions": [...]}. */
static char *with_refused(const cli_drift_args *a, const paper_drift *d, const char *json)
{
	cli_json j;
	cj_init(&j);
	cj_open(&j, "refused_decisions", '[');
	for (size_t i = 0; i < a->n_refused; i++) {
		const cli_drift_refusal *x = &a->refused[i];
		paper_drift_row r;
		bool traded = backtest_row(d, x->signal_id, &r);
		cj_open(&j, NULL, '{');
		cj_uint(&j, "decision", (uint64_t)x->decision);
		cj_str(&j, "signal_id", x->signal_id);
		cj_str(&j, "symbol", x->symbol);
		cj_str(&j, "direction", x->direction == PAPER_LONG ? "LONG" : "SHORT"); /* as rows */
		cj_time(&j, "created", x->created_ts);
		cj_str(&j, "status", status_name(x->status));
		cj_str(&j, "reason", x->reason);
		cj_bool(&j, "backtest_traded", traded);
		cj_str(&j, "backtest_kind", traded ? paper_drift_kind_str(r.kind) : NULL);
		cj_close(&j, '}');
	}
	cj_close(&j, ']');
	g_string_truncate(j.s, j.s->len - 1); /* the comma after the member */
	size_t len = strlen(json);
	while (len && json[len - 1] != '}')
		len--;
	char *out = g_strdup_printf("%.*s,%s}%s", (int)(len ? len - 1 : 0), json, j.s->str,
				    json + len); /* what followed the object, as it was */
	cj_free(&j);
	return out;
}

int cmd_drift(int argc, char **argv)
{
	const cli_opt *const tables[] = { cli_drift_opts, drift_opts, cli_ledger_opts, NULL };
	drift_args a;
	memset(&a, 0, sizeof a);
	cli_drift_init(&a.d);
	bool help = false;
	int code = cli_parse("drift", argc, argv, tables, on_option, &a, &help);
	if (code == EXIT_OK && help) {
		cli_usage(stdout, "drift", "--bars PATH... [--signals FILE...] [--tolerance DURATION] "
			  "[--json] [--out FILE]\n       [--ledger PATH] [--account NAME]", description,
			  tables, NULL);
		cli_drift_clear(&a.d);
		return EXIT_OK;
	}
	cli_account acct;
	if (code == EXIT_OK)
		code = cli_account_open(&acct, "drift", &a.ledger, true);
	if (code != EXIT_OK) {
		cli_drift_clear(&a.d);
		return code;
	}
	paper_drift *d = NULL;
	char *json = NULL, *own = NULL;
	code = cli_drift_build("drift", &acct, &a.d, &d);
	if (code == EXIT_OK && (a.json || a.out)) {
		int rc = paper_drift_to_json(d, &json);
		if (rc != PAPER_OK)
			code = cli_lib_fail("drift", rc, "paper_drift_to_json");
		else if (a.d.n_signals == 0) /* the account's own decisions were replayed */
			own = with_refused(&a.d, d, json);
	}
	if (code == EXIT_OK && a.out)
		code = cli_write_file("drift", a.out, own ? own : json);
	if (code == EXIT_OK && a.json) {
		fputs(own ? own : json, stdout);
	} else if (code == EXIT_OK) {
		paper_drift_summary s = PAPER_DRIFT_SUMMARY_INIT;
		paper_drift_summary_get(d, &s);
		print_summary(&acct, &a.d, &s);
		print_rows(d);
		print_refused(&a.d, d);
	}
	paper_string_free(json);
	g_free(own);
	paper_drift_free(d);
	cli_account_close(&acct);
	cli_drift_clear(&a.d);
	return code;
}
