/*
 * Drift as the paper command computes it (paper drift, paper report --drift-*): the account's
 * own config replays the signals over the bars of the account's period, and the account's
 * closed trades are matched with the backtest's (paper_drift_compare(), docs/drift.md).
 */
#include "cli/cli_ops.h"

#include <math.h>
#include <string.h>

enum { DR_BARS = CLI_DRIFT_BASE, DR_SIGNALS, DR_FROM, DR_TO, DR_TOLERANCE, DR_BY_ID };

const cli_opt cli_drift_opts[] = {
	{ "--bars", "PATH", true, DR_BARS, "bars CSV files or directories of *.csv over the account's period" },
	{ "--signals", "FILE", true, DR_SIGNALS, "the signals the account traded on (signals CSV, with signal_id to match by id); default: every decision of the account's inbox, refused ones included, and the signals of its other trades" },
	{ "--from", "TIME", false, DR_FROM, "start of the comparison (default: the account's first price or fill)" },
	{ "--to", "TIME", false, DR_TO, "end, exclusive (default: just after the account's clock)" },
	{ "--tolerance", "DURATION", false, DR_TOLERANCE, "largest entry time difference that pairs two trades by time: 90s, 30m, 1h, 2d (default 1h)" },
	{ "--by-signal-id", NULL, false, DR_BY_ID, "pair trades by signal id only, never by time" },
	{ NULL, NULL, false, 0, NULL },
};

const cli_opt cli_report_drift_opts[] = {
	{ "--drift-bars", "PATH", true, DR_BARS, "add the paper-versus-backtest section (bars of the account's period)" },
	{ "--drift-signals", "FILE", true, DR_SIGNALS, "with --drift-bars: the signals the account traded on (default: its own decisions, refused ones included, and the signals of its other trades)" },
	{ "--drift-tolerance", "DURATION", false, DR_TOLERANCE, "largest entry time difference that pairs two trades by time (default 1h)" },
	{ NULL, NULL, false, 0, NULL },
};

void cli_drift_init(cli_drift_args *a)
{
	memset(a, 0, sizeof a[0]);
	a->tolerance = INT64_C(3600) * PAPER_TS_PER_SECOND;
}

static void add(const char ***list, int *n, const char *value)
{
	if ((*n & (*n - 1)) == 0) /* 0, 1, 2, 4, ...: full */
		*list = g_renew(const char *, *list, *n ? 2 * (size_t)*n : 1);
	(*list)[(*n)++] = value;
}

/* "90s", "30m", "1.5h", "2d", or plain seconds; >= 0. */
static bool duration(const char *cmd, const char *opt, const char *text, paper_ts *out)
{
	static const struct {
		char unit;
		double seconds;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 } };
	size_t n = strlen(text);
	double scale = 1, v = 0;
	char num[64];
	for (size_t i = 0; n > 1 && i < G_N_ELEMENTS(units); i++)
		if (text[n - 1] == units[i].unit) {
			scale = units[i].seconds;
			n--;
		}
	if (n == 0 || n >= sizeof num) {
		cli_fail(cmd, EXIT_INPUT, "%s: '%s' is not a duration (90s, 30m, 1h, 2d)", opt, text);
		return false;
	}
	memcpy(num, text, n);
	num[n] = '\0';
	if (!cli_decimal(num, &v) || v < 0 || v * scale > 36500.0 * 86400) {
		cli_fail(cmd, EXIT_INPUT, "%s: '%s' is not a duration of 0 to 100 years (90s, 30m, "
			 "1h, 2d)", opt, text);
		return false;
	}
	*out = (paper_ts)llround(v * scale * 1e6);
	return true;
}

int cli_drift_option(const char *cmd, cli_drift_args *a, int id, const char *v)
{
	switch (id) {
	case DR_BARS:
		add(&a->bars, &a->n_bars, v);
		return EXIT_OK;
	case DR_SIGNALS:
		add(&a->signals, &a->n_signals, v);
		return EXIT_OK;
	case DR_FROM:
		a->has_from = true;
		return cli_time(cmd, "--from", v, &a->from) ? EXIT_OK : EXIT_INPUT;
	case DR_TO:
		a->has_to = true;
		return cli_time(cmd, "--to", v, &a->to) ? EXIT_OK : EXIT_INPUT;
	case DR_TOLERANCE:
		return duration(cmd, "--tolerance", v, &a->tolerance) ? EXIT_OK : EXIT_INPUT;
	case DR_BY_ID:
		a->by_signal_id = true;
		return EXIT_OK;
	default:
		return -1;
	}
}

void cli_drift_clear(cli_drift_args *a)
{
	g_free(a->bars);
	g_free(a->signals);
	g_free(a->refused);
	cli_drift_init(a);
}

/* When the account started: its first equity point or fill, whichever is first; 0 if none. */
static paper_ts account_start(const paper_broker *b)
{
	paper_ts start = 0;
	paper_equity_info e = PAPER_EQUITY_INFO_INIT;
	paper_fill_info f = PAPER_FILL_INFO_INIT;
	if (paper_broker_equity_count(b) && paper_broker_equity_at(b, 0, &e) == PAPER_OK)
		start = e.ts;
	if (paper_broker_fill_count(b) && paper_broker_fill_at(b, 0, &f) == PAPER_OK &&
	    (start == 0 || f.ts < start))
		start = f.ts;
	return start;
}

static int fail_lib(const char *cmd, int rc, const char *what)
{
	return cli_fail(cmd, cli_exit_code(rc), "%s: %s", what, paper_last_error());
}

/* The order a trade's first entry fill belongs to: its first fill of the symbol, in the
   trade's direction, at the trade's entry time (0: not in the fill history). */
static uint64_t entry_order(const paper_broker *b, const paper_trade_info *t)
{
	paper_side want = t->direction == PAPER_LONG ? PAPER_SIDE_BUY : PAPER_SIDE_SELL;
	paper_fill_info f = PAPER_FILL_INFO_INIT;
	for (size_t i = 0; i < paper_broker_fill_count(b); i++)
		if (paper_broker_fill_at(b, i, &f) == PAPER_OK && f.ts == t->entry_ts &&
		    f.side == want && strcmp(f.symbol, t->symbol) == 0)
			return f.order_id;
	return 0;
}

/* The account's own signals, gathered before the replay copies them. */
typedef struct own {
	const paper_broker *b;
	GArray *sig;          /* paper_signal */
	GPtrArray *text;      /* the strings the signals point to (owned) */
	GHashTable *replayed; /* the signal ids of the decisions replayed */
	GArray *refused;      /* cli_drift_refusal */
} own;

static const char *keep(own *o, const char *text)
{
	char *copy = g_strdup(text);
	g_ptr_array_add(o->text, copy);
	return copy;
}

/*
 * What any program may write into the inbox but no backtest can take as a signal: a time
 * outside libpaper's range, targets on the wrong side of each other. paper run refuses such a
 * decision whatever the prices, and so would the backtest: it is not replayed (it makes no
 * trade on either side) and does not stop the comparison.
 */
static bool replayable(const paper_decision *d, paper_ts ts)
{
	bool is_long = d->side == PAPER_SIDE_BUY;
	if (ts <= 0 || ts > PAPER_TS_MAX)
		return false;
	return !(d->take_profit > 0 && d->stop_loss > 0 &&
		 (is_long ? d->take_profit <= d->stop_loss : d->take_profit >= d->stop_loss));
}

/*
 * A decision of the inbox is a signal of the backtest as paper run makes it one (its
 * confidence, risk, targets, and its current_price to size at), at the time the account took
 * it: its entry order's submission when it made one, else its created_ts. Refused ones too: the
 * backtest sees every decision the account received. Rows no reader can take are not decisions.
 */
static int one_decision(const paper_decision_record *r, void *ctx)
{
	own *o = ctx;
	const paper_decision *d = &r->decision;
	if (!r->readable)
		return 0;
	char id[32];
	snprintf(id, sizeof id, "decision-%lld", (long long)d->id);
	paper_order_info ord = PAPER_ORDER_INFO_INIT;
	bool placed = d->order_id && paper_broker_order(o->b, d->order_id, &ord) == PAPER_OK;
	paper_signal sig = cli_decision_signal(d, keep(o, id));
	sig.symbol = keep(o, d->symbol);
	sig.ts = placed && ord.submitted_ts ? ord.submitted_ts : d->created_ts;
	sig.strategy = placed && ord.strategy[0] ? keep(o, ord.strategy) : NULL;
	if (replayable(d, sig.ts))
		g_array_append_val(o->sig, sig);
	g_hash_table_add(o->replayed, g_strdup(id));
	if (d->status == PAPER_DECISION_REJECTED || d->status == PAPER_DECISION_SKIPPED) {
		cli_drift_refusal x = { .decision = d->id, .direction = sig.direction,
					.status = d->status, .created_ts = d->created_ts };
		g_strlcpy(x.signal_id, id, sizeof x.signal_id);
		g_strlcpy(x.symbol, d->symbol, sizeof x.symbol);
		g_strlcpy(x.reason, r->outcome, sizeof x.reason);
		g_array_append_val(o->refused, x);
	}
	return 0;
}

/*
 * The closed trades that carry a signal id of no decision replayed (a replay's signal_id):
 * each a signal at the time its entry order was submitted (the entry fill's time when the
 * order has left the history), with the trade's symbol, direction, confidence and strategy.
 */
static void trade_signals(own *o)
{
	const paper_broker *b = o->b;
	for (size_t i = 0; i < paper_broker_trade_count(b); i++) {
		paper_trade_info t = PAPER_TRADE_INFO_INIT;
		if (paper_broker_trade_at(b, i, &t) != PAPER_OK || t.signal_id[0] == '\0' ||
		    g_hash_table_contains(o->replayed, t.signal_id))
			continue;
		paper_order_info ord = PAPER_ORDER_INFO_INIT;
		uint64_t id = entry_order(b, &t);
		paper_signal sig = PAPER_SIGNAL_INIT;
		sig.symbol = keep(o, t.symbol);
		sig.direction = t.direction;
		sig.confidence = t.confidence < 0 ? -1.0 : t.confidence;
		sig.signal_id = keep(o, t.signal_id);
		sig.strategy = t.strategy[0] ? keep(o, t.strategy) : NULL;
		sig.ts = id && paper_broker_order(b, id, &ord) == PAPER_OK && ord.submitted_ts
				 ? ord.submitted_ts : t.entry_ts;
		g_array_append_val(o->sig, sig);
	}
}

/*
 * Without --signals, the account's own: every decision of its inbox created in the period,
 * whatever became of it (paper_ledger_each_decision()), and the signals of its other closed
 * trades. The refused decisions are kept in a->refused, for the report to give their reasons.
 */
static int own_signals(const char *cmd, cli_account *acct, cli_drift_args *a, paper_replay *r)
{
	own o = { acct->b, g_array_new(FALSE, FALSE, sizeof(paper_signal)),
		  g_ptr_array_new_with_free_func(g_free),
		  g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
		  g_array_new(FALSE, FALSE, sizeof(cli_drift_refusal)) };
	paper_decision_filter f = PAPER_DECISION_FILTER_INIT;
	f.from = a->from > 0 ? a->from : 0;
	f.to = a->to > f.from ? a->to : 0;
	int rc = paper_ledger_each_decision(acct->l, acct->name, &f, one_decision, &o);
	if (rc == PAPER_OK)
		trade_signals(&o);
	if (rc == PAPER_OK && o.sig->len)
		rc = paper_replay_add_signals(r, (paper_signal *)o.sig->data, o.sig->len);
	g_free(a->refused);
	a->n_refused = o.refused->len;
	a->refused = (cli_drift_refusal *)(void *)g_array_free(o.refused, FALSE);
	g_array_free(o.sig, TRUE);
	g_ptr_array_free(o.text, TRUE);
	g_hash_table_unref(o.replayed);
	return rc == PAPER_OK ? EXIT_OK : fail_lib(cmd, rc, "the account's signals");
}

/* The backtest: a broker with the account's own config (no log file: its lines are not the
   account's), a replay of the signals over [from, to), positions left open at the end. */
static int backtest(const char *cmd, cli_account *acct, cli_drift_args *a, paper_broker **bt)
{
	paper_config *cfg = NULL;
	paper_replay *r = NULL;
	int rc = paper_ledger_account_config(acct->l, acct->name, &cfg);
	if (rc == PAPER_OK)
		rc = paper_config_set(cfg, "logging.log_file", "");
	if (rc == PAPER_OK)
		rc = paper_broker_new(bt, cfg);
	paper_config_free(cfg);
	if (rc != PAPER_OK)
		return fail_lib(cmd, rc, "the account's config");
	paper_replay_options o = PAPER_REPLAY_OPTIONS_INIT;
	o.close_at_end = false;
	o.from = a->from;
	o.to = a->to;
	rc = paper_replay_new(&r, *bt, &o);
	if (rc != PAPER_OK)
		return fail_lib(cmd, rc, "paper_replay_new");
	int code = EXIT_OK;
	for (int i = 0; code == EXIT_OK && i < a->n_bars; i++)
		if ((rc = paper_replay_add_bars_path(r, a->bars[i])) != PAPER_OK)
			code = fail_lib(cmd, rc, "--bars");
	for (int i = 0; code == EXIT_OK && i < a->n_signals; i++)
		if ((rc = paper_replay_add_signals_file(r, a->signals[i])) != PAPER_OK)
			code = fail_lib(cmd, rc, "--signals");
	if (code == EXIT_OK && a->n_signals == 0)
		code = own_signals(cmd, acct, a, r);
	if (code == EXIT_OK && (rc = paper_replay_run(r)) != PAPER_OK)
		code = fail_lib(cmd, rc, "the backtest");
	paper_replay_free(r);
	return code;
}

int cli_drift_build(const char *cmd, cli_account *acct, cli_drift_args *a, paper_drift **out)
{
	if (a->n_bars == 0)
		return cli_fail(cmd, EXIT_INPUT, "drift needs the bars of the account's period "
				"(see paper %s --help)", cmd);
	paper_account_info ai = PAPER_ACCOUNT_INFO_INIT;
	paper_broker_account(acct->b, &ai);
	if (!a->has_from)
		a->from = account_start(acct->b);
	if (!a->has_to)
		a->to = ai.ts ? ai.ts + 1 : 0; /* the account's last prices included */
	if (a->to && a->to <= a->from)
		return cli_fail(cmd, EXIT_INPUT, "--to must be after --from (the account's period "
				"starts at its first price)");
	paper_broker *bt = NULL;
	int code = backtest(cmd, acct, a, &bt);
	if (code == EXIT_OK) {
		paper_drift_options o = PAPER_DRIFT_OPTIONS_INIT;
		o.time_tolerance = a->tolerance;
		o.match_by_time = !a->by_signal_id;
		o.from = a->from;
		o.to = a->to;
		int rc = paper_drift_compare(out, acct->b, bt, &o);
		if (rc != PAPER_OK)
			code = fail_lib(cmd, rc, "paper_drift_compare");
	}
	paper_broker_free(bt);
	return code;
}
