/*
 * Bars CSV (docs/formats.md, "Bars CSV" and "Dialects"): the input is one bars file, FZ.csv,
 * in libpaper's format or any dialect other tools write (Yahoo, yfinance, Stooq, Binance,
 * Alpaca, Polygon, pandas), replayed with a few signals for each symbol it holds (FZ, or the
 * values of its symbol column), so entries, exits and the trades CSV run over whatever the
 * file holds and symbols are looked up by name. A run that fails on a bad row is run again
 * with skip_bad_rows, and one whose signals name a symbol whose rows were all skipped again
 * without them. The whole is done twice: without options (paper_replay_add_bars_path()), then
 * with the options a hash of the input picks (paper_replay_add_bars_file_with(): always a zone,
 * so local times and dates are converted; mostly the adjusted close when the header has
 * one; sometimes a time unit, or columns named as the header names them).
 * Promises: no crash, no leak, no undefined behaviour; a flat account reconciles exactly
 * (cash == starting cash + realized P&L - fees, to the unit), whatever the run returned; a
 * file is refused only as malformed (PAPER_EFORMAT) or for its options (PAPER_EINVAL), with a
 * message; each input read says its dialect and how it was read.
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

/* A header name of a symbol column (bar_dialect.c): symbol, ticker in any case, <TICKER>, T. */
static bool symbol_name(const char *name)
{
	char *n = g_ascii_strdown(name, -1);
	bool yes = strcmp(n, "symbol") == 0 || strcmp(n, "ticker") == 0 ||
		   strcmp(n, "<ticker>") == 0 || strcmp(name, "T") == 0;
	g_free(n);
	return yes;
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
		if (symbol_name(head[k]))
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

/* What a refused file must say: EFORMAT or EINVAL, with a message. */
static void check_refusal(int rc)
{
	fuzz_require(rc == PAPER_EFORMAT || rc == PAPER_EINVAL, "a bars file refused as malformed "
		     "(PAPER_EFORMAT) or for its options (PAPER_EINVAL)");
	fuzz_require(paper_last_error()[0] != '\0', "a refusal with a message");
}

/* Each input read says its dialect and, in a line, how it was read. */
static void check_sources(const paper_replay *r)
{
	size_t n = paper_replay_source_count(r);
	fuzz_require(n >= 1, "a bars file added is a source");
	for (size_t i = 0; i < n; i++) {
		paper_replay_source_info si = PAPER_REPLAY_SOURCE_INFO_INIT;
		fuzz_require(paper_replay_source_get(r, i, &si) == PAPER_OK, "a source's info");
		fuzz_require(si.dialect && si.dialect[0] && si.report && si.report[0] &&
			     !strchr(si.report, '\n'), "a dialect and a one-line report");
		fuzz_require(si.rows_skipped + si.rows_empty <= si.rows, "skipped rows are rows");
	}
}

static int replay_once(const char *path, const paper_replay_bars_options *bo, bool skip,
		       const GPtrArray *syms)
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
	int rc = bo ? paper_replay_add_bars_file_with(r, path, bo)
		    : paper_replay_add_bars_path(r, path);
	if (rc != PAPER_OK)
		check_refusal(rc);
	if (rc == PAPER_OK && n)
		rc = paper_replay_add_signals(r, sig, n);
	g_free(sig);
	if (rc == PAPER_OK)
		rc = paper_replay_run(r);
	if (paper_replay_source_count(r) > 0)
		check_sources(r);
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

/* Both runs of an input: as it is, then with skip_bad_rows, then without signals. */
static void replay_all(const char *path, const paper_replay_bars_options *bo,
		       const GPtrArray *syms)
{
	int rc = replay_once(path, bo, false, syms);
	if (rc == PAPER_EFORMAT)
		rc = replay_once(path, bo, true, syms);
	if (rc == PAPER_EFORMAT)
		replay_once(path, bo, true, NULL);
}

/* The header's first and last names ("" when there are none), for columns="ts=A,close=B";
 * *adj: it has an adjusted close (else adjusted would only be refused). */
static char *columns_of(const uint8_t *data, size_t size, bool *adj)
{
	char *text = fuzz_cstr(data, size);
	text[strcspn(text, "\r\n")] = '\0';
	char *lower = g_ascii_strdown(text, -1);
	*adj = strstr(lower, "adj") != NULL;
	char **names = g_strsplit(text, ",", -1);
	guint n = g_strv_length(names);
	char *cols = n >= 2 ? g_strdup_printf("ts=%s,close=%s", names[0], names[n - 1])
			    : g_strdup("");
	g_strfreev(names);
	g_free(lower);
	g_free(text);
	return cols;
}

/* The options of the second run, picked by a hash of the input (FNV-1a). */
static paper_replay_bars_options options_of(const uint8_t *data, size_t size, const char *cols,
					    bool adj)
{
	static const char *const zones[] = { "America/New_York", "Europe/Warsaw", "UTC", "+05:30" };
	static const paper_time_unit units[] = { PAPER_TIME_UNIT_AUTO, PAPER_TIME_UNIT_AUTO,
						 PAPER_TIME_UNIT_AUTO, PAPER_TIME_UNIT_S,
						 PAPER_TIME_UNIT_MS, PAPER_TIME_UNIT_US,
						 PAPER_TIME_UNIT_NS, PAPER_TIME_UNIT_AUTO };
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	paper_replay_bars_options o = PAPER_REPLAY_BARS_OPTIONS_INIT;
	o.tz = zones[h % 4];
	o.adjusted = adj && (h >> 2) % 4 != 0;
	o.time_unit = units[(h >> 3) % 8];
	o.columns = (h >> 6) % 4 == 0 && cols[0] ? cols : NULL;
	return o;
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
	replay_all(path, NULL, syms);
	bool adj;
	char *cols = columns_of(data, size, &adj);
	paper_replay_bars_options bo = options_of(data, size, cols, adj);
	replay_all(path, &bo, syms);
	g_free(cols);
	g_ptr_array_unref(syms);
	fuzz_unlink(fuzz_path("trades.csv"));
	return 0;
}
