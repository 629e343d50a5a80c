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
	{ "--signals", "FILE", true, DR_SIGNALS, "the signals the account traded on (signals CSV, with signal_id to match by id); default: the signals of the account's own trades" },
	{ "--from", "TIME", false, DR_FROM, "start of the comparison (default: the account's first price or fill)" },
	{ "--to", "TIME", false, DR_TO, "end, exclusive (default: just after the account's clock)" },
	{ "--tolerance", "DURATION", false, DR_TOLERANCE, "largest entry time difference that pairs two trades by time: 90s, 30m, 1h, 2d (default 1h)" },
	{ "--by-signal-id", NULL, false, DR_BY_ID, "pair trades by signal id only, never by time" },
	{ NULL, NULL, false, 0, NULL },
};

const cli_opt cli_report_drift_opts[] = {
	{ "--drift-bars", "PATH", true, DR_BARS, "add the paper-versus-backtest section (bars of the account's period)" },
	{ "--drift-signals", "FILE", true, DR_SIGNALS, "with --drift-bars: the signals the account traded on (default: the signals of its own trades)" },
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

/*
 * Without --signals, the account's own signals: every closed trade that carries a signal id
 * (paper run's decision-<id>, a replay's signal_id) is a signal at the time its entry order
 * was submitted (the entry fill's time when the order has left the history), with the trade's
 * symbol, direction, confidence and strategy. The trades hold the strings until the replay
 * has copied them.
 */
static int own_signals(const char *cmd, const paper_broker *b, paper_replay *r)
{
	size_t n = paper_broker_trade_count(b), k = 0;
	paper_trade_info *t = g_new0(paper_trade_info, n ? n : 1);
	paper_signal *sig = g_new0(paper_signal, n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		t[k] = (paper_trade_info)PAPER_TRADE_INFO_INIT;
		if (paper_broker_trade_at(b, i, &t[k]) != PAPER_OK || t[k].signal_id[0] == '\0')
			continue;
		paper_order_info o = PAPER_ORDER_INFO_INIT;
		uint64_t id = entry_order(b, &t[k]);
		sig[k] = (paper_signal)PAPER_SIGNAL_INIT;
		sig[k].symbol = t[k].symbol;
		sig[k].direction = t[k].direction;
		sig[k].confidence = t[k].confidence < 0 ? -1.0 : t[k].confidence;
		sig[k].signal_id = t[k].signal_id;
		sig[k].strategy = t[k].strategy[0] ? t[k].strategy : NULL;
		sig[k].ts = id && paper_broker_order(b, id, &o) == PAPER_OK && o.submitted_ts
				    ? o.submitted_ts : t[k].entry_ts;
		k++;
	}
	int rc = k ? paper_replay_add_signals(r, sig, k) : PAPER_OK;
	g_free(sig);
	g_free(t);
	return rc == PAPER_OK ? EXIT_OK : fail_lib(cmd, rc, "the account's signals");
}

/* The backtest: a broker with the account's own config (no log file: its lines are not the
   account's), a replay of the signals over [from, to), positions left open at the end. */
static int backtest(const char *cmd, cli_account *acct, const cli_drift_args *a,
		    paper_broker **bt)
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
		code = own_signals(cmd, acct->b, r);
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
