/*
 * Bars CSV (docs/formats.md, "Bars CSV"): the input is one bars file, FZ.csv, replayed with a
 * few signals for each symbol it holds (FZ, or the values of its symbol column), so entries,
 * exits and the trades CSV run over whatever the file holds and symbols are looked up by name.
 * A run that fails on a bad row is run again with skip_bad_rows, and one whose signals name a
 * symbol whose rows were all skipped again without them.
 * Promises: no crash, no leak, no undefined behaviour; a flat account reconciles exactly
 * (cash == starting cash + realized P&L - fees, to the unit), whatever the run returned.
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include <paper/paper.h>

#include "fuzz.h"

#define HOUR (INT64_C(3600) * PAPER_TS_PER_SECOND)
#define DAY (24 * HOUR)
#define T2024 (INT64_C(1704067200) * PAPER_TS_PER_SECOND) /* 2024-01-01T00:00:00Z */
#define MAX_SYMBOLS 64

static paper_config *cfg;

static void check_flat_reconciles(paper_broker *b)
{
	paper_account_info a = PAPER_ACCOUNT_INFO_INIT;
	fuzz_require(paper_broker_account(b, &a) == PAPER_OK, "account info of a broker");
	if (a.open_positions == 0)
		fuzz_require(fuzz_reconciles(a.starting_cash_e8, a.realized_pnl_e8, a.fees_e8,
					     a.cash_e8),
			     "flat: cash == starting cash + realized - fees");
}

/* Shaped like a symbol (docs/formats.md); the replay checks the real rule. */
static bool symbol_like(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n <= 31 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				       "0123456789._/:^=-") == n;
}

/* The symbols the file holds: FZ, or the distinct values of its symbol column. */
static GPtrArray *file_symbols(const uint8_t *data, size_t size)
{
	GPtrArray *syms = g_ptr_array_new_with_free_func(g_free);
	char *text = fuzz_cstr(data, size);
	char **lines = g_strsplit(text, "\n", -1);
	int col = -1;
	char **head = lines[0] ? g_strsplit(g_strchomp(lines[0]), ",", -1) : NULL;
	for (int k = 0; head && head[k] && col < 0; k++)
		if (strcmp(head[k], "symbol") == 0)
			col = k;
	g_strfreev(head);
	if (col < 0)
		g_ptr_array_add(syms, g_strdup("FZ"));
	for (int i = 1; col >= 0 && lines[0] && lines[i] && syms->len < MAX_SYMBOLS; i++) {
		g_strchomp(lines[i]);
		char **f = g_strsplit(lines[i], ",", col + 2);
		bool seen = g_strv_length(f) <= (guint)col || !symbol_like(f[col]);
		for (guint k = 0; k < syms->len && !seen; k++)
			seen = strcmp(syms->pdata[k], f[col]) == 0;
		if (!seen)
			g_ptr_array_add(syms, g_strdup(f[col]));
		g_strfreev(f);
	}
	g_strfreev(lines);
	g_free(text);
	return syms;
}

static int replay_once(const char *path, bool skip, const GPtrArray *syms)
{
	/* Around the seeds' dates (2024-01-02 and after), and before any of them. */
	static const paper_ts when[] = { 1, T2024 + DAY / 2, T2024 + DAY + 10 * HOUR + HOUR / 2,
					 T2024 + DAY + 14 * HOUR + HOUR / 4, T2024 + 2 * DAY,
					 T2024 + 4 * DAY, T2024 + 40 * DAY };
	size_t n = syms ? syms->len * G_N_ELEMENTS(when) : 0;
	paper_signal *sig = g_new(paper_signal, n + 1);
	for (size_t i = 0; i < n; i++) {
		size_t k = i % syms->len, j = i / syms->len;
		sig[i] = (paper_signal)PAPER_SIGNAL_INIT;
		sig[i].symbol = syms->pdata[k];
		sig[i].direction = (j + k) % 2 ? PAPER_SHORT : PAPER_LONG;
		sig[i].confidence = 0.9;
		sig[i].ts = when[j];
	}
	paper_broker *b = NULL;
	paper_replay *r = NULL;
	paper_replay_options o = PAPER_REPLAY_OPTIONS_INIT;
	o.skip_bad_rows = skip;
	o.daily = true;
	o.trades_path = fuzz_path("trades.csv");
	fuzz_require(paper_broker_new(&b, cfg) == PAPER_OK, "a broker from the default config");
	fuzz_require(paper_replay_new(&r, b, &o) == PAPER_OK, "a replay on a new broker");
	int rc = paper_replay_add_bars_path(r, path);
	if (rc == PAPER_OK && n)
		rc = paper_replay_add_signals(r, sig, n);
	g_free(sig);
	if (rc == PAPER_OK)
		rc = paper_replay_run(r);
	if (rc == PAPER_OK) {
		char *json = NULL;
		fuzz_require(paper_replay_summary_json(r, 0, &json) == PAPER_OK, "a summary");
		paper_string_free(json);
		paper_replay_stats st = PAPER_REPLAY_STATS_INIT;
		fuzz_require(paper_replay_stats_get(r, &st) == PAPER_OK, "replay counters");
		if (st.bars > 0) {
			fuzz_require(paper_replay_walk_forward_json(r, &json) == PAPER_OK,
				     "a walk-forward summary of a daily run with bars");
			paper_string_free(json);
		}
	}
	check_flat_reconciles(b);
	paper_replay_free(r);
	paper_broker_free(b);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (cfg == NULL) {
		fuzz_require(paper_config_new(&cfg) == PAPER_OK, "a default config");
		paper_config_set(cfg, "limits.aggressive", "true");
		/* Small closed-order history: each input builds brokers, and the default 10000
		 * orders are allocated whole (about 3 MB) - most of the time per input. */
		paper_config_set(cfg, "engine.order_history", "64");
	}
	const char *path = fuzz_path("FZ.csv");
	fuzz_write(path, data, size);
	GPtrArray *syms = file_symbols(data, size);
	int rc = replay_once(path, false, syms);
	if (rc == PAPER_EFORMAT)
		rc = replay_once(path, true, syms);
	if (rc == PAPER_EFORMAT)
		replay_once(path, true, NULL);
	g_ptr_array_unref(syms);
	fuzz_unlink(fuzz_path("trades.csv"));
	return 0;
}
