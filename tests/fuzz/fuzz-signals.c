/*
 * Signals CSV (docs/formats.md, "Signals CSV"): the input is a signals file, replayed over a
 * fixed set of hourly bars (AAPL, MSFT, SPY, BTC-USD, 2024-01-02 .. 2024-01-04) so every
 * signal it holds can become an entry and its exits. A run that fails on a bad row is run
 * again with skip_bad_rows.
 * Promises: no crash, no leak, no undefined behaviour; a flat account reconciles exactly
 * (cash == starting cash + realized P&L - fees), whatever the run returned.
 */
#include <glib.h>
#include <stdio.h>
#include <glib/gstdio.h>
#include <math.h>

#include <paper/paper.h>

#include "fuzz.h"

#define HOURS 60

static paper_config *cfg;

/* Deterministic hourly bars around a base price, written once. */
static void write_bars(const char *dir)
{
	static const struct {
		const char *symbol;
		double base;
	} syms[] = { { "AAPL", 185.0 }, { "MSFT", 370.0 }, { "SPY", 470.0 }, { "BTC-USD", 44000.0 } };
	g_mkdir(dir, 0700);
	for (size_t s = 0; s < G_N_ELEMENTS(syms); s++) {
		GString *csv = g_string_new("timestamp,open,high,low,close,volume\n");
		double prev = syms[s].base;
		for (int h = 0; h < HOURS; h++) {
			double close = syms[s].base * (1.0 + 0.03 * sin(h * 0.37 + (double)s));
			double hi = fmax(prev, close) * 1.004, lo = fmin(prev, close) * 0.996;
			g_string_append_printf(csv, "2024-01-%02dT%02d:00:00Z,%.2f,%.2f,%.2f,%.2f,%d\n",
					       2 + h / 24, h % 24, prev, hi, lo, close, 1000 + 37 * h);
			prev = close;
		}
		char *name = g_strdup_printf("%s.csv", syms[s].symbol);
		char *path = g_build_filename(dir, name, NULL);
		fuzz_write(path, csv->str, csv->len);
		g_free(path);
		g_free(name);
		g_string_free(csv, TRUE);
	}
}

static void check_flat_reconciles(paper_broker *b)
{
	paper_account_info a = PAPER_ACCOUNT_INFO_INIT;
	fuzz_require(paper_broker_account(b, &a) == PAPER_OK, "account info of a broker");
	if (a.open_positions == 0)
		fuzz_require(fuzz_reconciles(a.starting_cash_e8, a.realized_pnl_e8, a.fees_e8,
					     a.cash_e8),
			     "flat: cash == starting cash + realized - fees");
}

static int replay_once(const char *bars, const char *signals, bool skip)
{
	paper_broker *b = NULL;
	paper_replay *r = NULL;
	paper_replay_options o = PAPER_REPLAY_OPTIONS_INIT;
	o.skip_bad_rows = skip;
	o.trades_path = fuzz_path("trades.csv");
	fuzz_require(paper_broker_new(&b, cfg) == PAPER_OK, "a broker from the fuzz config");
	fuzz_require(paper_replay_new(&r, b, &o) == PAPER_OK, "a replay on a new broker");
	fuzz_require(paper_replay_add_bars_path(r, bars) == PAPER_OK, "the fixed bars load");
	int rc = paper_replay_add_signals_file(r, signals);
	if (rc == PAPER_OK)
		rc = paper_replay_run(r);
	if (rc == PAPER_OK) {
		char *json = NULL;
		fuzz_require(paper_replay_summary_json(r, 0, &json) == PAPER_OK, "a summary");
		paper_string_free(json);
	}
	check_flat_reconciles(b);
	paper_replay_free(r);
	paper_broker_free(b);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *bars = fuzz_path("bars");
	if (cfg == NULL) {
		write_bars(bars);
		fuzz_require(paper_config_new(&cfg) == PAPER_OK, "a default config");
		/* Room for every symbol and every sizing rule's path. */
		paper_config_set(cfg, "limits.max_open_positions", "4");
		paper_config_set(cfg, "session.sizing", "fraction");
		paper_config_set(cfg, "session.trailing_pct", "0.5");
		/* Small closed-order history: each input builds brokers, and the default 10000
		 * orders are allocated whole (about 3 MB) - most of the time per input. */
		paper_config_set(cfg, "engine.order_history", "64");
	}
	const char *path = fuzz_path("signals.csv");
	fuzz_write(path, data, size);
	if (replay_once(bars, path, false) == PAPER_EFORMAT)
		replay_once(bars, path, true);
	fuzz_unlink(fuzz_path("trades.csv"));
	return 0;
}
