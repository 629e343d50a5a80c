/*
 * Bars files as other tools write them (docs/formats.md, "Dialects"): every sample of
 * examples/data/dialects/ read to the exact microsecond and 1e-8 unit, the dialect named in
 * the report, and the refusals (an epoch unit the digits do not name, a local time without a
 * zone, a time the clocks skip, mixed forms, unknown or repeated columns). White-box: the
 * bars each source gives are read off the source itself, and the text parsers are called
 * directly.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "base/fxtext.h"
#include "base/tsforms.h"
#include "base/tzlocal.h"
#include "market/broker_store.h"
#include "sim/replay.h"
#include "testutil.h"

#define SAMPLES PAPER_TEST_SRCDIR "/examples/data/dialects/"
#define US(s) ((paper_ts)(s) * PAPER_TS_PER_SECOND)

/* ---- reading a file's bars ---- */

typedef struct got_bar {
	paper_ts ts;
	char sym[PAPER_SYMBOL_MAX + 1];
	int64_t v[5];
} got_bar;

typedef struct got {
	int rc;                       /* of adding, else of reading */
	char err[1024];
	GArray *bars;                 /* got_bar, source by source in the order added */
	paper_replay_source_info info;
	char report[1024];
	char dialect[32];
} got;

static void got_free(got *g)
{
	g_array_unref(g->bars);
}

/* The bars of path, read source by source (a file grouped by symbol: group by group). */
static got read_bars(const char *path, const paper_replay_bars_options *o, bool skip)
{
	got g = { .bars = g_array_new(FALSE, TRUE, sizeof(got_bar)) };
	paper_broker *b = tu_broker_plain();
	paper_replay_options ro = PAPER_REPLAY_OPTIONS_INIT;
	ro.skip_bad_rows = skip;
	paper_replay *r = NULL;
	ck_ok(paper_replay_new(&r, b, &ro));
	g.rc = paper_replay_add_bars_file_with(r, path, o);
	for (guint i = 0; g.rc == PAPER_OK && i < r->bars->len; i++) {
		bar_src *src = r->bars->pdata[i];
		int rc;
		while ((rc = replay__bar_next(r, src)) == 1) {
			got_bar gb = { .ts = src->cur.ts };
			g_strlcpy(gb.sym, paper__broker_symbol_name(b, src->cur.sym), sizeof gb.sym);
			memcpy(gb.v, src->cur.v, sizeof gb.v);
			g_array_append_val(g.bars, gb);
		}
		g.rc = rc;
	}
	if (g.rc == PAPER_OK)
		g.rc = replay__check_sources(r);
	g_strlcpy(g.err, g.rc ? paper_last_error() : "", sizeof g.err);
	g.info = (paper_replay_source_info)PAPER_REPLAY_SOURCE_INFO_INIT;
	if (paper_replay_source_count(r) > 0) {
		ck_ok(paper_replay_source_get(r, 0, &g.info));
		g_strlcpy(g.report, g.info.report, sizeof g.report);
		g_strlcpy(g.dialect, g.info.dialect, sizeof g.dialect);
	}
	paper_replay_free(r);
	paper_broker_free(b);
	return g;
}

static got read_sample(const char *name, const paper_replay_bars_options *o)
{
	char *path = g_strconcat(SAMPLES, name, NULL);
	got g = read_bars(path, o, false);
	g_free(path);
	return g;
}

static const got_bar *bar_at(const got *g, guint i)
{
	ck_assert_uint_lt(i, g->bars->len);
	return &g_array_index(g->bars, got_bar, i);
}

static void assert_bar(const got *g, guint i, const char *sym, paper_ts ts, int64_t o, int64_t h,
		       int64_t l, int64_t c, int64_t v)
{
	const got_bar *b = bar_at(g, i);
	ck_assert_str_eq(b->sym, sym);
	ck_assert_msg(b->ts == ts, "bar %u: ts %lld, expected %lld", i, (long long)b->ts,
		      (long long)ts);
	const int64_t want[5] = { o, h, l, c, v };
	for (int k = 0; k < 5; k++)
		ck_assert_msg(b->v[k] == want[k], "bar %u value %d: %lld, expected %lld", i, k,
			      (long long)b->v[k], (long long)want[k]);
}

static void assert_has(const char *text, const char *part)
{
	ck_assert_msg(strstr(text, part) != NULL, "'%s' lacks '%s'", text, part);
}

/* A file with text in a new temporary directory (named name), read with o. */
static got read_text(const char *name, const char *text, const paper_replay_bars_options *o,
		     bool skip)
{
	char *dir = g_dir_make_tmp("paper-dialects-XXXXXX", NULL);
	char *path = g_build_filename(dir, name, NULL);
	ck_assert(g_file_set_contents(path, text, -1, NULL));
	got g = read_bars(path, o, skip);
	g_unlink(path);
	g_rmdir(dir);
	g_free(path);
	g_free(dir);
	return g;
}

/* Read text (as X.csv) and expect a refusal naming want. */
static void refused(const char *text, const paper_replay_bars_options *o, int rc, const char *want)
{
	got g = read_text("X.csv", text, o, false);
	ck_assert_msg(g.rc == rc, "rc %d (expected %d): %s", g.rc, rc, g.err);
	assert_has(g.err, want);
	got_free(&g);
}

/* ---- the samples ---- */

START_TEST(yahoo_daily)
{
	got g = read_sample("yahoo-AAPL.csv", NULL);
	ck_ok(g.rc);
	ck_assert_str_eq(g.dialect, "yahoo");
	ck_assert_str_eq(g.report, "Yahoo Finance daily: dates at 00:00 UTC; Adj Close ignored "
			 "(--adjusted uses it); 1 row without prices (null or empty) skipped");
	ck_assert_uint_eq(g.bars->len, 249);
	ck_assert_uint_eq(g.info.rows, 250);
	ck_assert_uint_eq(g.info.rows_empty, 1);
	/* 2023-01-03,128.876321,129.392891,128.449950,128.580572,127.903294,93627520 */
	assert_bar(&g, 0, "yahoo-AAPL", US(1672704000), 12887632100, 12939289100, 12844995000,
		   12858057200, INT64_C(9362752000000000));
	/* The null row of 2023-04-06 is no bar: 04-05 is followed by 04-10 (04-07 a holiday). */
	bool apr5 = false;
	for (guint i = 0; i + 1 < g.bars->len; i++)
		if (bar_at(&g, i)->ts == US(1680652800)) { /* 2023-04-05 */
			ck_assert(bar_at(&g, i + 1)->ts == US(1681084800)); /* 2023-04-10 */
			apr5 = true;
		}
	ck_assert(apr5);
	got_free(&g);

	/* Adjusted: the close is Adj Close; open, high, low scaled by adj / close, rounded half
	 * away from zero (computed apart with exact decimals). */
	paper_replay_bars_options o = PAPER_REPLAY_BARS_OPTIONS_INIT;
	o.adjusted = true;
	g = read_sample("yahoo-AAPL.csv", &o);
	ck_ok(g.rc);
	assert_has(g.report, "adjusted: open, high, low, close scaled by Adj Close / Close");
	assert_bar(&g, 0, "yahoo-AAPL", US(1672704000), 12819748519, 12871133424, 12777336003,
		   12790329400, INT64_C(9362752000000000));
	/* After the last dividend the factor is 1: the last bar is unchanged. */
	const got_bar *last = bar_at(&g, g.bars->len - 1);
	ck_assert_int_eq(last->v[3], 17161905900);
	got_free(&g);

	/* A zone: dates start at its midnight. */
	o = (paper_replay_bars_options)PAPER_REPLAY_BARS_OPTIONS_INIT;
	o.tz = "America/New_York";
	g = read_sample("yahoo-AAPL.csv", &o);
	ck_ok(g.rc);
	assert_has(g.report, "dates at 00:00 America/New_York");
	ck_assert(bar_at(&g, 0)->ts == US(1672704000 + 5 * 3600));
	got_free(&g);
}
END_TEST

START_TEST(binance_klines)
{
	got g = read_sample("BTCUSDT-1h-2024-01.csv", NULL);
	ck_ok(g.rc);
	ck_assert_str_eq(g.dialect, "binance");
	ck_assert_str_eq(g.report, "Binance klines (no header, 12 columns): epoch milliseconds (by "
			 "the number of digits); ignored: close_time, quote_volume, count, "
			 "taker_buy_volume, taker_buy_quote_volume, ignore; the symbol is the "
			 "file name up to its first '-'");
	ck_assert_uint_eq(g.bars->len, 6);
	assert_bar(&g, 0, "BTCUSDT", US(1704067200), 4228358000000, 4255457000000, 4226102000000,
		   4247523000000, 127168108000);
	assert_bar(&g, 5, "BTCUSDT", US(1704085200), 4238941000000, 4254000000000, 4235096000000,
		   4250777000000, 52590424000);
	got_free(&g);
	/* The unit asked for is the unit used: seconds make these times far past 9999. */
	paper_replay_bars_options o = PAPER_REPLAY_BARS_OPTIONS_INIT;
	o.time_unit = PAPER_TIME_UNIT_S;
	g = read_sample("BTCUSDT-1h-2024-01.csv", &o);
	ck_assert_int_eq(g.rc, PAPER_EFORMAT);
	assert_has(g.err, "BTCUSDT-1h-2024-01.csv:1: field 'open_time': '1704067200000' is outside");
	got_free(&g);
	/* Since 2025 Binance's spot files are in microseconds: 16 digits. */
	g = read_text("ETHUSDT-1m-2025-01-01.csv",
		      "1735689600000000,3337.78000000,3341.16000000,3336.12000000,3339.88000000,"
		      "268.58680000,1735689659999999,896546.58540500,1933,144.31900000,"
		      "481718.16339700,0\n", NULL, false);
	ck_ok(g.rc);
	assert_bar(&g, 0, "ETHUSDT", US(1735689600), 333778000000, 334116000000, 333612000000,
		   333988000000, 26858680000);
	assert_has(g.report, "epoch microseconds");
	got_free(&g);
}
END_TEST

START_TEST(alpaca_bars)
{
	got g = read_sample("alpaca-AAPL.csv", NULL);
	ck_ok(g.rc);
	ck_assert_str_eq(g.dialect, "alpaca");
	ck_assert_str_eq(g.report, "Alpaca bars: times with their UTC offset; ignored: "
			 "trade_count, vwap");
	ck_assert_uint_eq(g.bars->len, 5);
	assert_bar(&g, 0, "alpaca-AAPL", US(1704205800), 18715000000, 18749000000, 18672000000,
		   18694000000, 106394600000000);
	assert_bar(&g, 4, "alpaca-AAPL", US(1704206040), 18650000000, 18675000000, 18638000000,
		   18670000000, 25087300000000);
	got_free(&g);
	/* alpaca-py's bars.df.to_csv(): a symbol column, pandas times, float volumes. */
	g = read_text("bars.csv", "symbol,timestamp,open,high,low,close,volume,trade_count,vwap\n"
		      "AAPL,2024-01-02 05:00:00+00:00,187.15,188.44,183.885,185.64,82488674.0,"
		      "1009074.0,185.9465\n", NULL, false);
	ck_ok(g.rc);
	assert_bar(&g, 0, "AAPL", US(1704171600), 18715000000, 18844000000, 18388500000, 18564000000,
		   INT64_C(8248867400000000));
	got_free(&g);
}
END_TEST

START_TEST(polygon_aggregates_and_flat_files)
{
	got g = read_sample("polygon-aggs-AAPL.csv", NULL);
	ck_ok(g.rc);
	ck_assert_str_eq(g.dialect, "polygon");
	ck_assert_str_eq(g.report, "Polygon aggregates: epoch milliseconds (by the number of "
			 "digits); ignored: vw, n");
	ck_assert_uint_eq(g.bars->len, 4);
	/* v,vw,o,c,h,l,t,n: the columns in the API's order */
	assert_bar(&g, 0, "polygon-aggs-AAPL", US(1704171600), 18715000000, 18844000000,
		   18388500000, 18564000000, INT64_C(8248867400000000));
	assert_bar(&g, 2, "polygon-aggs-AAPL", US(1704344400), 18215000000, 18308720000,
		   18088000000, 18191000000, INT64_C(7198357000000000));
	got_free(&g);

	/* A day's flat file: every ticker, grouped by ticker, nanoseconds. */
	g = read_sample("polygon-flat-2024-01-02.csv", NULL);
	ck_ok(g.rc);
	ck_assert_str_eq(g.dialect, "polygon-flat");
	ck_assert_str_eq(g.report, "Polygon flat file: epoch nanoseconds (by the number of "
			 "digits); ignored: transactions; rows grouped by symbol: 2 symbols read "
			 "side by side");
	ck_assert_uint_eq(g.bars->len, 6);
	ck_assert_uint_eq(g.info.rows, 6);
	assert_bar(&g, 0, "AAPL", US(1704205800), 18715000000, 18749000000, 18672000000,
		   18694000000, 106394600000000);
	assert_bar(&g, 3, "MSFT", US(1704205800), 37386000000, 37420000000, 37287000000,
		   37320000000, 45562300000000);
	assert_bar(&g, 5, "MSFT", US(1704205920), 37392000000, 37404000000, 37330000000,
		   37342000000, 11881200000000);
	got_free(&g);
}
END_TEST

START_TEST(stooq_daily_and_data_files)
{
	got g = read_sample("stooq-aapl.us.csv", NULL); /* CRLF */
	ck_ok(g.rc);
	ck_assert_str_eq(g.dialect, "stooq");
	ck_assert_str_eq(g.report, "Stooq daily: dates at 00:00 UTC");
	ck_assert_uint_eq(g.bars->len, 4);
	assert_bar(&g, 0, "stooq-aapl.us", US(1704153600), 18606800000, 18712900000, 18272600000,
		   18445900000, INT64_C(8248867400000000));
	got_free(&g);

	g = read_sample("stooq-data-aapl.us.csv", NULL);
	ck_ok(g.rc);
	ck_assert_str_eq(g.dialect, "stooq-data");
	ck_assert_str_eq(g.report, "Stooq data file: period D, dates at 00:00 UTC; ignored: "
			 "<OPENINT>");
	ck_assert_uint_eq(g.bars->len, 3);
	assert_bar(&g, 2, "AAPL.US", US(1704326400), 18111800000, 18204400000, 17985300000,
		   18088100000, INT64_C(7198357000000000));
	got_free(&g);

	/* The intraday download: a Time column after the Date, local times. */
	g = read_sample("stooq-aapl.us-5min.csv", NULL);
	ck_assert_int_eq(g.rc, PAPER_EFORMAT);
	assert_has(g.err, "stooq-aapl.us-5min.csv:2: field 'Date': '2024-01-02 15:35:00' is a local "
		   "time without a zone");
	got_free(&g);
	paper_replay_bars_options wo = PAPER_REPLAY_BARS_OPTIONS_INIT;
	wo.tz = "Europe/Warsaw";
	g = read_sample("stooq-aapl.us-5min.csv", &wo);
	ck_ok(g.rc);
	ck_assert_str_eq(g.dialect, "stooq-intraday");
	ck_assert_str_eq(g.report, "Stooq intraday: date and time columns, local times in "
			 "Europe/Warsaw");
	ck_assert_uint_eq(g.bars->len, 4);
	assert_bar(&g, 1, "stooq-aapl.us-5min", US(1704206400), 18620000000, 18641000000,
		   18587000000, 18601000000, INT64_C(90511200000000));
	got_free(&g);

	/* Intraday periods are local (Warsaw) times: a zone is needed. */
	static const char five[] = "<TICKER>,<PER>,<DATE>,<TIME>,<OPEN>,<HIGH>,<LOW>,<CLOSE>,<VOL>,"
				   "<OPENINT>\nAAPL.US,5,20240102,153500,186.1,186.5,186,186.2,1200,0\n";
	refused(five, NULL, PAPER_EFORMAT, "X.csv:2: field '<DATE>': '20240102 153500' is a local "
		"time without a zone");
	paper_replay_bars_options o = PAPER_REPLAY_BARS_OPTIONS_INIT;
	o.tz = "Europe/Warsaw";
	g = read_text("X.csv", five, &o, false);
	ck_ok(g.rc);
	assert_bar(&g, 0, "AAPL.US", US(1704206100), 18610000000, 18650000000, 18600000000,
		   18620000000, 120000000000);
	assert_has(g.report, "period 5, date and time columns, local times in Europe/Warsaw");
	got_free(&g);
	/* One period per file. */
	refused("<TICKER>,<PER>,<DATE>,<TIME>,<OPEN>,<HIGH>,<LOW>,<CLOSE>,<VOL>,<OPENINT>\n"
		"AAPL.US,D,20240102,000000,1,1,1,1,1,0\nAAPL.US,W,20240103,000000,1,1,1,1,1,0\n",
		NULL, PAPER_EFORMAT, "X.csv:3: field '<PER>': period 'W', but the file's first row "
		"has 'D'");
}
END_TEST

START_TEST(yfinance_and_pandas)
{
	/* A byte order mark, CRLF, -05:00 offsets, float noise past the 8th decimal. */
	got g = read_sample("yfinance-SPY-1h.csv", NULL);
	ck_ok(g.rc);
	ck_assert_str_eq(g.dialect, "yfinance");
	ck_assert_str_eq(g.report, "yfinance DataFrame.to_csv: times with their UTC offset; "
			 "ignored: Dividends, Stock Splits; 15 values rounded to 8 decimals");
	ck_assert_uint_eq(g.info.values_rounded, 15);
	assert_bar(&g, 0, "yfinance-SPY-1h", US(1704205800), 47216000366, 47367001343, 47048999023,
		   47114001465, INT64_C(2031447300000000));
	assert_bar(&g, 3, "yfinance-SPY-1h", US(1704216600), 47170999146, 47214001465, 47123999023,
		   47138000488, INT64_C(503015600000000));
	got_free(&g);

	/* yfinance download(): three header lines. */
	g = read_sample("yfinance-download-MSFT.csv", NULL);
	ck_ok(g.rc);
	ck_assert_str_eq(g.report, "yfinance DataFrame.to_csv: dates at 00:00 UTC; ignored: the "
			 "Ticker line (MSFT); 12 values rounded to 8 decimals");
	/* Price,Close,High,Low,Open,Volume */
	assert_bar(&g, 0, "yfinance-download-MSFT", US(1704153600), 37076972087, 37255478474,
		   36343821836, 36774935913, INT64_C(2525860000000000));
	got_free(&g);
	refused("Price,Close,Close\nTicker,MSFT,AAPL\nDate,,\n2024-01-02,1,2\n", NULL, PAPER_EFORMAT,
		"yfinance file with several tickers (MSFT, AAPL): one ticker per file");

	/* history(auto_adjust=False): Yahoo's Adj Close, but yfinance's offsets and Dividends. */
	g = read_sample("yfinance-history-AAPL.csv", NULL);
	ck_ok(g.rc);
	ck_assert_str_eq(g.dialect, "yfinance");
	ck_assert_str_eq(g.report, "yfinance DataFrame.to_csv: times with their UTC offset; Adj "
			 "Close ignored (--adjusted uses it); ignored: Dividends, Stock Splits; 19 "
			 "values rounded to 8 decimals");
	assert_bar(&g, 0, "yfinance-history-AAPL", US(1707195600), 18686000061, 18930999756,
		   18677000427, 18930000305, INT64_C(4349080000000000));
	got_free(&g);
	paper_replay_bars_options adj = PAPER_REPLAY_BARS_OPTIONS_INIT;
	adj.adjusted = true;
	g = read_sample("yfinance-history-AAPL.csv", &adj);
	ck_ok(g.rc);
	assert_has(g.report, "adjusted: open, high, low, close scaled by Adj Close / Close");
	assert_bar(&g, 3, "yfinance-history-AAPL", US(1707454800), 18765684521, 18898980230,
		   18701027320, 18785580444, INT64_C(4515520000000000));
	got_free(&g);
	/* download(auto_adjust=False) of intraday bars before yfinance 0.2.51: one header line,
	 * Adj Close, and times: yfinance too; with dates only it is Yahoo's own file. */
	g = read_text("X.csv", "Datetime,Open,High,Low,Close,Adj Close,Volume\n2024-01-02 "
		      "14:30:00+00:00,472.16,473.67,470.49,471.14,471.14,2031447\n", NULL, false);
	ck_ok(g.rc);
	ck_assert_str_eq(g.dialect, "yfinance");
	assert_bar(&g, 0, "X", US(1704205800), 47216000000, 47367000000, 47049000000, 47114000000,
		   203144700000000);
	got_free(&g);

	/* Exponents, and more than 8 decimals rounded half away from zero. */
	g = read_sample("pandas-SHIB-USD.csv", NULL);
	ck_ok(g.rc);
	ck_assert_str_eq(g.dialect, "pandas");
	ck_assert_str_eq(g.report, "pandas DataFrame.to_csv: times with their UTC offset; 7 values "
			 "rounded to 8 decimals");
	assert_bar(&g, 0, "pandas-SHIB-USD", US(1704153600), 1050, 1088, 1031, 1076,
		   INT64_C(23456789012345678));
	assert_bar(&g, 1, "pandas-SHIB-USD", US(1704240000), 1076, 1080, 930, 950,
		   INT64_C(31000000000000000));
	got_free(&g);

	/* Naive local times through the end of daylight saving time: 01:00-01:59 twice. */
	refused("Datetime,Open,High,Low,Close,Volume\n2024-11-03 00:30:00,1,1,1,1,1\n", NULL,
		PAPER_EFORMAT, "X.csv:2: field 'Datetime': '2024-11-03 00:30:00' is a local time "
		"without a zone: give the zone its times are in (--tz America/New_York, or --tz UTC)");
	paper_replay_bars_options o = PAPER_REPLAY_BARS_OPTIONS_INIT;
	o.tz = "America/New_York";
	g = read_sample("pandas-naive-ES.csv", &o);
	ck_ok(g.rc);
	ck_assert_str_eq(g.report, "pandas DataFrame.to_csv: local times in America/New_York");
	const int64_t utc[] = { 1730608200, 1730610000, 1730611800, 1730613600, 1730615400,
				1730617200 }; /* 04:30Z 05:00Z 05:30Z 06:00Z 06:30Z 07:00Z */
	ck_assert_uint_eq(g.bars->len, 6);
	for (guint i = 0; i < 6; i++)
		ck_assert_int_eq(bar_at(&g, i)->ts, US(utc[i]));
	ck_assert_int_eq(bar_at(&g, 3)->v[3], 574425000000);
	got_free(&g);
	/* A time the clocks skip is refused, not moved. */
	refused("Datetime,Open,High,Low,Close,Volume\n2024-03-10 01:30:00,1,1,1,1,1\n"
		"2024-03-10 02:30:00,1,1,1,1,1\n", &o, PAPER_EFORMAT, "X.csv:3: field 'Datetime': "
		"'2024-03-10T02:30:00' does not exist in America/New_York");
	/* An index without a name (pandas' default) is the time; a --tz with offsets unused. */
	g = read_text("X.csv", ",open,high,low,close\n2024-01-02 09:30:00-05:00,1.5,2,1,1.75\n", &o,
		      false);
	ck_ok(g.rc);
	assert_bar(&g, 0, "X", US(1704205800), 150000000, 200000000, 100000000, 175000000, 0);
	ck_assert_str_eq(g.report, "pandas DataFrame.to_csv: times with their UTC offset; no "
			 "volume column: volume 0; --tz America/New_York not used (the times carry "
			 "their offset)");
	got_free(&g);
}
END_TEST

/* ---- options ---- */

START_TEST(columns_option)
{
	/* Closes only: open, high and low are the close. */
	static const char closes[] = "when,price,note\n2024-01-02,10.5,a\n2024-01-03,11,b\n";
	refused(closes, NULL, PAPER_EFORMAT, "X.csv:1: header: unknown column 'when'");
	paper_replay_bars_options o = PAPER_REPLAY_BARS_OPTIONS_INIT;
	o.columns = "ts=when,close=price";
	got g = read_text("X.csv", closes, &o, false);
	ck_ok(g.rc);
	ck_assert_str_eq(g.dialect, "columns");
	ck_assert_str_eq(g.report, "columns as given: dates at 00:00 UTC; closes only: open, high "
			 "and low are the close; no volume column: volume 0; ignored: note");
	assert_bar(&g, 1, "X", US(1704240000), 1100000000, 1100000000, 1100000000, 1100000000, 0);
	got_free(&g);
	/* A name in another letter case; the other columns found by name. */
	o.columns = "ts=DATE";
	g = read_sample("yahoo-AAPL.csv", &o);
	ck_ok(g.rc);
	assert_bar(&g, 0, "yahoo-AAPL", US(1672704000), 12887632100, 12939289100, 12844995000,
		   12858057200, INT64_C(9362752000000000));
	got_free(&g);
	/* Date and time columns */
	o.columns = "date=d,time=t";
	g = read_text("X.csv", "d,t,open,high,low,close,volume\n2024-01-02,09:30,1,1,1,1,1\n", &o,
		      false);
	ck_assert_int_eq(g.rc, PAPER_EFORMAT);
	assert_has(g.err, "is a local time without a zone");
	got_free(&g);

	o.columns = "ts=Dte";
	refused("Date,Close\n2024-01-02,1\n", &o, PAPER_EFORMAT, "X.csv:1: header: no column 'Dte' "
		"(--columns); the columns are Date, Close");
	static const char *const bad[] = { "ts", "price=Close", "ts=", "ts=a,ts=b", "ts=a,date=b",
					   "date=a", "" };
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		o.columns = bad[i];
		g = read_sample("yahoo-AAPL.csv", &o);
		ck_assert_msg(g.rc == PAPER_EINVAL, "'%s': rc %d", bad[i], g.rc);
		assert_has(g.err, "columns:");
		got_free(&g);
	}
}
END_TEST

START_TEST(bad_options)
{
	paper_replay_bars_options o;
	ck_assert_int_eq(paper_replay_bars_options_init(&o, 99), PAPER_EVERSION);
	ck_assert_int_eq(paper_replay_bars_options_init(NULL, 1), PAPER_EINVAL);
	ck_ok(paper_replay_bars_options_init(&o, PAPER_REPLAY_BARS_OPTIONS_VERSION));
	o.tz = "America/New_Yrok";
	got g = read_sample("yahoo-AAPL.csv", &o);
	ck_assert_int_eq(g.rc, PAPER_EINVAL);
	assert_has(g.err, "unknown time zone 'America/New_Yrok'");
	got_free(&g);
	o = (paper_replay_bars_options)PAPER_REPLAY_BARS_OPTIONS_INIT;
	o.time_unit = (paper_time_unit)9;
	g = read_sample("yahoo-AAPL.csv", &o);
	ck_assert_int_eq(g.rc, PAPER_EINVAL);
	got_free(&g);
	o = (paper_replay_bars_options)PAPER_REPLAY_BARS_OPTIONS_INIT;
	o.version = 2;
	g = read_sample("yahoo-AAPL.csv", &o);
	ck_assert_int_eq(g.rc, PAPER_EVERSION);
	got_free(&g);
	o = (paper_replay_bars_options)PAPER_REPLAY_BARS_OPTIONS_INIT;
	o.adjusted = true;
	g = read_sample("stooq-aapl.us.csv", &o);
	ck_assert_int_eq(g.rc, PAPER_EFORMAT);
	assert_has(g.err, "--adjusted needs an adjusted close column (Adj Close)");
	got_free(&g);
	/* libpaper's own format has none either: refused, not ignored. */
	g = read_text("X.csv", "timestamp,open,high,low,close,volume\n2024-01-02T14:30:00Z,1,1,1,1,1\n",
		      &o, false);
	ck_assert_int_eq(g.rc, PAPER_EFORMAT);
	assert_has(g.err, "--adjusted needs an adjusted close column");
	got_free(&g);
	/* Fixed offsets are zones too. */
	o = (paper_replay_bars_options)PAPER_REPLAY_BARS_OPTIONS_INIT;
	o.tz = "+05:30";
	g = read_text("X.csv", "Datetime,Close\n2024-01-02 09:30:00,1\n", &o, false);
	ck_ok(g.rc);
	ck_assert_int_eq(bar_at(&g, 0)->ts, US(1704168000)); /* 04:00Z */
	got_free(&g);
}
END_TEST

/* ---- refusals ---- */

START_TEST(epoch_units)
{
	static const struct { const char *t; paper_ts want; } ok[] = {
		{ "1704205800", US(1704205800) },
		{ "1704205800.25", US(1704205800) + 250000 },
		{ "1704205800000", US(1704205800) },          /* 13 digits: milliseconds */
		{ "1704205800000.5", US(1704205800) + 500 },
		{ "1704205800000001", US(1704205800) + 1 },   /* 16: microseconds */
		{ "1704205800000001000", US(1704205800) + 1 }, /* 19: nanoseconds */
		{ "60", US(60) },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(ok); i++) {
		char *text = g_strdup_printf("t,c\n%s,1\n", ok[i].t);
		got g = read_text("X.csv", text, NULL, false);
		ck_assert_msg(g.rc == PAPER_OK, "%s: %s", ok[i].t, g.err);
		ck_assert_msg(bar_at(&g, 0)->ts == ok[i].want, "%s: %lld", ok[i].t,
			      (long long)bar_at(&g, 0)->ts);
		got_free(&g);
		g_free(text);
	}
	/* The digits name no unit: asked for, never guessed. */
	static const char *const ambiguous[] = { "17042058000", "170420580000", "17042058000000",
						 "170420580000000", "17042058000000000",
						 "170420580000000000" };
	for (size_t i = 0; i < G_N_ELEMENTS(ambiguous); i++) {
		char *text = g_strdup_printf("t,c\n%s,1\n", ambiguous[i]);
		refused(text, NULL, PAPER_EFORMAT, "give the unit (--time-unit s|ms|us|ns)");
		g_free(text);
	}
	refused("t,c\n1704205800000000001,1\n", NULL, PAPER_EFORMAT, "has a non-zero digit below "
		"the microsecond");
	/* One unit per file: 13 digits then 10 is a mix, not a time in 1970. */
	refused("t,c\n1704205800000,1\n1704205900,1\n", NULL, PAPER_EFORMAT, "X.csv:3: field 't': "
		"'1704205900' has 10 digits (seconds), but line 2 was in milliseconds: one epoch "
		"unit per file");
	paper_replay_bars_options o = PAPER_REPLAY_BARS_OPTIONS_INIT;
	o.time_unit = PAPER_TIME_UNIT_MS;
	got g = read_text("X.csv", "t,c\n170420580000,1\n170420590000,1\n", &o, false);
	ck_ok(g.rc); /* 12 digits of milliseconds: 1975 */
	ck_assert_int_eq(bar_at(&g, 1)->ts, INT64_C(170420590000000));
	assert_has(g.report, "epoch milliseconds (as asked)");
	got_free(&g);
}
END_TEST

START_TEST(mixed_forms_and_bad_rows)
{
	refused("Datetime,Close\n2024-01-02 09:30:00+00:00,1\n1704188000,1\n", NULL, PAPER_EFORMAT,
		"X.csv:3: field 'Datetime': '1704188000' is an epoch, but line 2 was time with a "
		"zone: one time form per file");
	refused("Date,Close\n2024-01-02,1\n2024-01-03 10:00:00+00:00,1\n", NULL, PAPER_EFORMAT,
		"one time form per file");
	refused("timestamp,open,high,low,close,volume\n2024-01-02T14:30:00Z,1,1,1,1,1\n"
		"1704207600,1,1,1,1,1\n", NULL, PAPER_EFORMAT, "X.csv:3: field 'timestamp': "
		"'1704207600' is an epoch, but line 2 was ISO-8601 UTC");
	refused("Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,null,1,1,1,1,1\n", NULL,
		PAPER_EFORMAT, "X.csv:2: field 'Open': no price ('null') in a row with prices");
	refused("Date,Close\n2024-01-02,1e\n", NULL, PAPER_EFORMAT, "X.csv:2: field 'Close': "
		"malformed number '1e'");
	refused("Date,Close\n2024-01-02,inf\n", NULL, PAPER_EFORMAT, "malformed number 'inf'");
	refused("Date,Close\n2024-01-02,1e300\n", NULL, PAPER_EFORMAT, "too large");
	refused("Date,Close\n2024-01-02 09:30:00.1234567+00:00,1\n", NULL, PAPER_EFORMAT,
		"below the microsecond");
	refused("Date,Close\n2024-01-02,1,2\n", NULL, PAPER_EFORMAT, "X.csv:2: expected 2 "
		"comma-separated fields, found 3");
	refused("Date,Close\n01/02/2024,1\n", NULL, PAPER_EFORMAT, "'01/02/2024' is not a time");
	/* The bar checks name the column as the file's header does. */
	refused("Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,1,1,1,1,1,1\n"
		"2024-01-02,1,1,1,1,1,1\n", NULL, PAPER_EFORMAT, "X.csv:3: field 'Date': duplicate "
		"timestamp (also on line 2)");
	refused("Date,Close\n2024-01-03,1\n2024-01-02,1\n", NULL, PAPER_EFORMAT, "X.csv:3: field "
		"'Date': not sorted: earlier than line 2");
	refused("when,price\n2024-01-02,0\n", &(paper_replay_bars_options){ .version = 1, .columns =
		"ts=when,close=price" }, PAPER_EFORMAT, "X.csv:2: field 'price': price must be > 0");
	refused("<TICKER>,<PER>,<DATE>,<TIME>,<OPEN>,<HIGH>,<LOW>,<CLOSE>,<VOL>,<OPENINT>\n"
		"A,D,20240102,000000,1,2,1,3,1,0\n", NULL, PAPER_EFORMAT, "X.csv:2: field '<CLOSE>': "
		"close 3 is outside [low, high]");
	refused("<TICKER>,<PER>,<DATE>,<TIME>,<OPEN>,<HIGH>,<LOW>,<CLOSE>,<VOL>,<OPENINT>\n"
		"A,D,20240102,000000,1,2,1,1,1,0\nA,D,20240101,000000,1,2,1,1,1,0\n", NULL,
		PAPER_EFORMAT, "X.csv:3: field '<DATE>': not sorted");
	refused("v,vw,o,c,h,l,t,n\n-1,1,1,1,1,1,1704171600000,1\n", NULL, PAPER_EFORMAT,
		"X.csv:2: field 'v': negative volume -1");
	/* libpaper's own format stays exact: more than 8 decimals are refused there. */
	refused("timestamp,open,high,low,close,volume\n2024-01-02T14:30:00Z,1.000000001,2,1,1,1\n",
		NULL, PAPER_EFORMAT, "more than 8 decimal places");
	/* Offsets in all their forms. */
	static const char *const same[] = { "2024-01-02 09:30:00-05:00", "2024-01-02T09:30:00-0500",
					    "2024-01-02T14:30:00Z", "2024-01-02 14:30:00z",
					    "2024-01-02 09:30-05", "2024-01-02 20:00:00.000000+05:30",
					    "2024-01-02 14:30:00.000000000+00:00" };
	for (size_t i = 0; i < G_N_ELEMENTS(same); i++) {
		char *text = g_strdup_printf("Datetime,Close\n%s,1\n", same[i]);
		got g = read_text("X.csv", text, NULL, false);
		ck_assert_msg(g.rc == PAPER_OK, "%s: %s", same[i], g.err);
		ck_assert_msg(bar_at(&g, 0)->ts == US(1704205800), "%s", same[i]);
		got_free(&g);
		g_free(text);
	}
}
END_TEST

START_TEST(bad_headers)
{
	static const struct { const char *text, *want; } cases[] = {
		{ "Date,Open,Open,Low,Close\n", "X.csv:1: header: repeated column 'Open'" },
		{ "Date,Close,close\n", "X.csv:1: header: repeated column 'close'" },
		{ "Date,Close,Close\n", "X.csv:1: header: repeated column 'Close'" },
		{ "timestamp,Date,Close\n", "two time columns ('timestamp', 'Date')" },
		{ "Date,Open,High,Close\n", "open, high and low go together (low is missing)" },
		{ "Date,Open,High,Low\n", "no close column" },
		{ "Open,High,Low,Close\n", "no time column" },
		{ "\"Date\",\"Close\"\n", "quoted names" },
		{ "1704067200000,1,1,1,1,1\n", "no header line (the first line holds numbers)" },
		{ "Date,Close,Sentiment\n", "unknown column 'Sentiment'" },
		{ "", "X.csv: empty file: no header line" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
		refused(cases[i].text, NULL, PAPER_EFORMAT, cases[i].want);
	/* A header past the 64 columns there is room for, a name past 63 characters. */
	GString *wide = g_string_new("Date");
	for (int i = 0; i < 70; i++)
		g_string_append_printf(wide, ",c%d", i);
	g_string_append_c(wide, '\n');
	refused(wide->str, NULL, PAPER_EFORMAT, "X.csv:1: header: 71 columns, at most 64");
	g_string_free(wide, TRUE);
	char name[200];
	memset(name, 'a', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	char *text = g_strdup_printf("Date,%s\n", name);
	refused(text, NULL, PAPER_EFORMAT, "a column name longer than 63 characters");
	g_free(text);
	/* A byte order mark before libpaper's own header is no part of it. */
	got g = read_text("X.csv", "\xEF\xBB\xBFtimestamp,open,high,low,close,volume\r\n"
			  "2024-01-02T14:30:00Z,1,1,1,1,1\r\n\r\n", NULL, false);
	ck_ok(g.rc);
	ck_assert_str_eq(g.dialect, "libpaper");
	ck_assert_str_eq(g.report, "libpaper bars: times ISO-8601 UTC");
	got_free(&g);
}
END_TEST

/* --skip-bad-rows skips bad rows; an input with no good row is still an error. */
START_TEST(skipping_every_row_is_an_error)
{
	static const char all_bad[] = "timestamp,open,high,low,close,volume\n"
				      "2024-01-02T14:30:00Z,abc,1,1,1,1\n2024-01-02T15:30:00Z,1,1,2,1,1\n";
	got g = read_text("X.csv", all_bad, NULL, true);
	ck_assert_int_eq(g.rc, PAPER_EFORMAT);
	assert_has(g.err, "X.csv: every row was bad and skipped (2 rows; the first: ");
	assert_has(g.err, "X.csv:2: field 'open': malformed number 'abc')");
	got_free(&g);
	/* One good row is enough. */
	g = read_text("X.csv", "timestamp,open,high,low,close,volume\n2024-01-02T14:30:00Z,abc,1,1,1,1\n"
		      "2024-01-02T15:30:00Z,1,1,1,1,1\n", NULL, true);
	ck_ok(g.rc);
	ck_assert_uint_eq(g.bars->len, 1);
	assert_has(g.report, "1 bad row skipped");
	got_free(&g);
	/* Rows without prices are no bad rows: a file of them has no bars, and no error. */
	g = read_text("X.csv", "Date,Open,High,Low,Close,Adj Close,Volume\n"
		      "2024-01-02,null,null,null,null,null,null\n", NULL, true);
	ck_ok(g.rc);
	ck_assert_uint_eq(g.bars->len, 0);
	got_free(&g);
	/* Through a whole run, with a good file next to the bad one: the run fails. */
	char *dir = g_dir_make_tmp("paper-dialects-XXXXXX", NULL);
	char *bad = g_build_filename(dir, "BAD.csv", NULL), *good = g_build_filename(dir, "OK.csv", NULL);
	ck_assert(g_file_set_contents(bad, all_bad, -1, NULL));
	ck_assert(g_file_set_contents(good, "timestamp,open,high,low,close,volume\n"
				      "2024-01-02T14:30:00Z,1,1,1,1,1\n", -1, NULL));
	paper_broker *b = tu_broker_plain();
	paper_replay_options ro = PAPER_REPLAY_OPTIONS_INIT;
	ro.skip_bad_rows = true;
	paper_replay *r = NULL;
	ck_ok(paper_replay_new(&r, b, &ro));
	ck_ok(paper_replay_add_bars_path(r, dir));
	ck_assert_int_eq(paper_replay_run(r), PAPER_EFORMAT);
	assert_has(paper_last_error(), "BAD.csv: every row was bad and skipped");
	paper_replay_free(r);
	/* In-memory columns too. */
	const char *syms[] = { "X" };
	paper_ts ts[2] = { US(1704205800), US(1704209400) };
	double px[2] = { -1, -2 };
	paper_bar_columns c = PAPER_BAR_COLUMNS_INIT;
	c.n_rows = 2, c.symbols = syms, c.n_symbols = 1, c.ts = ts;
	c.open = c.high = c.low = c.close = px;
	ck_ok(paper_replay_new(&r, b, &ro));
	ck_ok(paper_replay_add_bar_columns(r, &c));
	ck_assert_int_eq(paper_replay_run(r), PAPER_EFORMAT);
	assert_has(paper_last_error(), "columns #1: every row was bad and skipped (2 rows; the "
		   "first: columns #1, row 0: field 'open'");
	paper_replay_free(r);
	paper_broker_free(b);
	g_unlink(bad);
	g_unlink(good);
	g_rmdir(dir);
	g_free(bad);
	g_free(good);
	g_free(dir);
}
END_TEST

/* ---- scale and hostile input ---- */

static double elapsed(gint64 t0)
{
	return (double)(g_get_monotonic_time() - t0) / 1e6;
}

START_TEST(a_million_rows)
{
	/* A pandas file of a million minutes, offsets and float noise, read at scale. */
	char *dir = g_dir_make_tmp("paper-dialects-XXXXXX", NULL);
	char *path = g_build_filename(dir, "BIG.csv", NULL);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("Datetime,Open,High,Low,Close,Volume\n", f);
	const int n = 1000000;
	for (int i = 0; i < n; i++) {
		long t = 1704205800L + 60L * i;
		time_t tt = (time_t)(t - 5 * 3600);
		struct tm tm;
		gmtime_r(&tt, &tm);
		char when[32];
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S-05:00", &tm);
		fprintf(f, "%s,100.10000000000001,%.15g,99.9,100.0,%de-01\n", when, 100.5 + i % 7, i);
	}
	fclose(f);
	gint64 t0 = g_get_monotonic_time();
	got g = read_bars(path, NULL, false);
	double s = elapsed(t0);
	ck_ok(g.rc);
	ck_assert_uint_eq(g.bars->len, (guint)n);
	ck_assert_int_eq(bar_at(&g, n - 1)->ts, US(1704205800 + 60L * (n - 1)));
	ck_assert_int_eq(bar_at(&g, n - 1)->v[4], (int64_t)(n - 1) * 10000000);
	ck_assert_uint_eq(g.info.values_rounded, (uint64_t)n);
	fprintf(stderr, "a million pandas rows: %.2f s (%.0f rows/s)\n", s, n / s);
	/* Linear, not quadratic: far below a minute even on a loaded machine under sanitizers. */
	ck_assert_msg(s < 60, "%.1f s", s);
	got_free(&g);

	/* The same million rows, grouped by symbol: 1000 symbols side by side. */
	f = fopen(path, "w");
	fputs("ticker,volume,open,close,high,low,window_start,transactions\n", f);
	for (int k = 0; k < 1000; k++)
		for (int i = 0; i < 1000; i++)
			fprintf(f, "S%03d,%d,10.5,10.25,11,10,%ld000000000,7\n", k, i,
				1704205800L + 60L * i);
	fclose(f);
	paper_broker *b = tu_broker_plain();
	paper_replay *r = NULL;
	ck_ok(paper_replay_new(&r, b, NULL));
	ck_ok(paper_replay_add_bars_path(r, path));
	t0 = g_get_monotonic_time();
	ck_ok(paper_replay_run(r));
	paper_replay_stats st = PAPER_REPLAY_STATS_INIT;
	ck_ok(paper_replay_stats_get(r, &st));
	ck_assert_uint_eq(st.bars, (uint64_t)n);
	ck_assert_uint_eq(st.symbols, 1000);
	ck_assert_uint_eq(st.sources, 1);
	ck_assert_uint_eq(paper_replay_source_count(r), 1);
	ck_assert_int_eq(st.last_ts, US(1704205800 + 60L * 999));
	fprintf(stderr, "a million rows of 1000 symbols grouped: %.2f s\n", elapsed(t0));
	paper_replay_free(r);
	paper_broker_free(b);
	g_unlink(path);
	g_rmdir(dir);
	g_free(path);
	g_free(dir);
}
END_TEST

START_TEST(huge_lines)
{
	/* A row longer than the 256 KiB buffer, in a file of each kind of reader. */
	GString *t = g_string_new("Date,Close\n2024-01-02,1\n2024-01-03,");
	for (int i = 0; i < 300000; i++)
		g_string_append_c(t, '1');
	g_string_append(t, "\n");
	refused(t->str, NULL, PAPER_EFORMAT, "X.csv:3: line longer than 262144 bytes");
	/* A field of 100,000 digits that fits the buffer: too large, not a crash. */
	g_string_truncate(t, 0);
	g_string_append(t, "Date,Close\n2024-01-02,0.");
	for (int i = 0; i < 100000; i++)
		g_string_append_c(t, '0');
	g_string_append(t, "5\n");
	got g = read_text("X.csv", t->str, NULL, false);
	ck_assert_int_eq(g.rc, PAPER_EFORMAT); /* 0 after rounding: a price must be > 0 */
	assert_has(g.err, "price must be > 0");
	got_free(&g);
	/* A long line in a group reader (8 KiB to start): its buffer grows. */
	g_string_truncate(t, 0);
	g_string_append(t, "ticker,t,c,pad\nA,1704205800,1,x\nA,1704205860,1,x\nB,1704205800,1,");
	for (int i = 0; i < 100000; i++)
		g_string_append_c(t, 'p');
	g_string_append(t, "\nB,1704205860,2,y\n");
	paper_replay_bars_options o = PAPER_REPLAY_BARS_OPTIONS_INIT;
	o.columns = "symbol=ticker";
	g = read_text("X.csv", t->str, &o, false);
	ck_ok(g.rc);
	ck_assert_uint_eq(g.bars->len, 4);
	assert_bar(&g, 3, "B", US(1704205860), 200000000, 200000000, 200000000, 200000000, 0);
	assert_has(g.report, "rows grouped by symbol: 2 symbols");
	got_free(&g);
	g_string_free(t, TRUE);
}
END_TEST

/* Every sample, mutated many times (bytes changed, cut, repeated, a comma, a quote, digits,
 * a null, an exponent): each read ends with a bar set or a named refusal, never a crash (the
 * sanitizer build checks the memory). */
START_TEST(mutated_samples_never_crash)
{
	static const char *const samples[] = {
		"yahoo-AAPL.csv", "BTCUSDT-1h-2024-01.csv", "alpaca-AAPL.csv", "polygon-aggs-AAPL.csv",
		"polygon-flat-2024-01-02.csv", "stooq-aapl.us.csv", "stooq-aapl.us-5min.csv",
		"stooq-data-aapl.us.csv",
		"yfinance-SPY-1h.csv", "yfinance-download-MSFT.csv", "yfinance-history-AAPL.csv",
		"pandas-SHIB-USD.csv", "pandas-naive-ES.csv",
	};
	static const char *const bits[] = { ",", "\"", "\n", "\r\n", "null", "e+99", "e-9", ".",
					    "-", "+05:30", "Z", " ", "9999999999999999999", "" };
	uint64_t rng = 0x5eed17;
	paper_replay_bars_options o = PAPER_REPLAY_BARS_OPTIONS_INIT;
	int outcomes[3] = { 0 };
	for (size_t k = 0; k < G_N_ELEMENTS(samples); k++) {
		char *path = g_strconcat(SAMPLES, samples[k], NULL), *text = NULL;
		gsize n = 0;
		ck_assert(g_file_get_contents(path, &text, &n, NULL));
		for (int m = 0; m < 120; m++) {
			GString *t = g_string_new_len(text, (gssize)(n < 4096 ? n : 4096));
			for (int edits = 1 + m % 4; edits > 0 && t->len > 0; edits--) {
				rng = rng * 6364136223846793005u + 1442695040888963407u;
				gsize at = (gsize)(rng >> 33) % t->len;
				switch ((rng >> 20) % 4) {
				case 0:
					t->str[at] = (char)(rng >> 8);
					break;
				case 1:
					g_string_truncate(t, at);
					break;
				case 2:
					g_string_insert(t, (gssize)at, bits[(rng >> 40) % G_N_ELEMENTS(bits)]);
					break;
				default: {
					gsize cut = (gsize)((rng >> 44) % 8);
					g_string_erase(t, (gssize)at, (gssize)MIN(cut, t->len - at));
					break;
				}
				}
			}
			o.tz = m % 3 == 0 ? "America/New_York" : NULL;
			o.adjusted = m % 5 == 0;
			got g = read_text(samples[k], t->str, &o, m % 2 == 0);
			ck_assert_msg(g.rc == PAPER_OK || g.rc == PAPER_EFORMAT || g.rc == PAPER_EINVAL,
				      "%s, mutation %d: rc %d (%s)", samples[k], m, g.rc, g.err);
			outcomes[g.rc == PAPER_OK ? 0 : g.rc == PAPER_EFORMAT ? 1 : 2]++;
			got_free(&g);
			g_string_free(t, TRUE);
		}
		g_free(text);
		g_free(path);
	}
	/* Both ends were reached: some mutants still read, most are refused. */
	ck_assert_int_gt(outcomes[0], 50);
	ck_assert_int_gt(outcomes[1], 300);
}
END_TEST

/* ---- the text parsers ---- */

START_TEST(rounding_rule)
{
	static const struct { const char *s; int64_t v; bool rounded; } cases[] = {
		{ "0.123456785", 12345679, true },    { "-0.123456785", -12345679, true },
		{ "0.123456784999", 12345678, true }, { "183.60000000000002", 18360000000, true },
		{ "0.000000005", 1, true },           { "0.0000000049", 0, true },
		{ "-0.000000015", -2, true },         { "1e-8", 1, false },
		{ "1.5e-05", 1500, false },           { "2E+06", 200000000000000, false },
		{ "+3.25", 325000000, false },        { ".5", 50000000, false },
		{ "5.", 500000000, false },           { "0", 0, false },
		{ "-0.0", 0, false },                 { "1e-300", 0, true },
		{ "0.000000000000000000000000000000000000000000001e40", 1000, false },
		{ "9e10", 9000000000000000000, false }, { "00012.5000", 1250000000, false },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		int64_t v = -7;
		bool rounded = !cases[i].rounded;
		fx_parse_status st = fx_parse_round(cases[i].s, strlen(cases[i].s), &v, &rounded);
		ck_assert_msg(st == FXP_OK && v == cases[i].v && rounded == cases[i].rounded,
			      "%s: status %d value %lld rounded %d", cases[i].s, st, (long long)v,
			      rounded);
	}
	static const char *const bad[] = { "", "e5", "1e", "1e+", "--1", "1.2.3", " 1", "1 ", "nan",
					   "inf", "0x10", "1,5", "." };
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		int64_t v;
		bool rounded;
		ck_assert_msg(fx_parse_round(bad[i], strlen(bad[i]), &v, &rounded) != FXP_OK, "'%s'",
			      bad[i]);
	}
	int64_t v;
	bool rounded;
	ck_assert_int_eq(fx_parse_round("9.1e10", 6, &v, &rounded), FXP_RANGE);
	ck_assert_int_eq(fx_parse_round("1e19", 4, &v, &rounded), FXP_RANGE);
	ck_assert_int_eq(fx_parse_round("1e99999999999", 13, &v, &rounded), FXP_RANGE);
}
END_TEST

START_TEST(time_forms)
{
	for (int d = 0; d <= 22; d++) {
		ts_unit want = d >= 1 && d <= 10 ? TS_UNIT_S : d == 13 ? TS_UNIT_MS : d == 16
			       ? TS_UNIT_US : d == 19 ? TS_UNIT_NS : TS_UNIT_AUTO;
		ck_assert_int_eq(ts_epoch_unit(d), want);
	}
	paper_ts t;
	int32_t off;
	ts_shape sh;
	ck_assert_int_eq(ts_parse_text("2024-02-30", 10, &t, &off, &sh, NULL), TSP_DATE);
	ck_assert_int_eq(ts_parse_text("2024-01-02 24:00:00", 19, &t, &off, &sh, NULL), TSP_DATE);
	ck_assert_int_eq(ts_parse_text("2024-01-02 10:00:00+24:00", 25, &t, &off, &sh, NULL), TSP_FORM);
	ck_assert_int_eq(ts_parse_text("2024-01-02 10:00:00 UTC", 23, &t, &off, &sh, NULL), TSP_FORM);
	ck_ok(ts_parse_text("2024-01-02 10:00:00.5", 21, &t, &off, &sh, NULL));
	ck_assert_int_eq(sh, TSH_NAIVE);
	ck_assert_int_eq(t, US(1704189600) + 500000);
	ck_ok(ts_parse_date8("20240229", 8, &t));
	ck_assert_int_eq(ts_parse_date8("20230229", 8, &t), TSP_DATE);
	ck_ok(ts_parse_time_of_day("235959", 6, &t));
	ck_assert_int_eq(t, US(86399));
	ck_assert_int_eq(ts_parse_time_of_day("240000", 6, &t), TSP_DATE);
	ck_assert_int_eq(ts_parse_epoch_unit("9223372036854775807", 19, TS_UNIT_NS, &t), TSP_NANOS);
	ck_assert_int_eq(ts_parse_epoch_unit("99999999999999999999", 20, TS_UNIT_NS, &t), TSP_RANGE);
	ck_assert_int_eq(ts_parse_epoch_unit("1.", 2, TS_UNIT_S, &t), TSP_FORM);
}
END_TEST

START_TEST(zone_rule)
{
	tz_local z;
	ck_assert_int_eq(tz_local_open(&z, "Nowhere/Town"), PAPER_EINVAL);
	ck_ok(tz_local_open(&z, "America/New_York"));
	paper_ts utc;
	/* 2024-11-03 01:30 happens twice: the first (EDT) unless the series is past it. */
	paper_ts wall = US(1730597400);
	ck_assert_int_eq(tz_local_to_utc(&z, wall, INT64_MIN, &utc), TZ_OK);
	ck_assert_int_eq(utc, US(1730611800)); /* 05:30Z */
	ck_assert_int_eq(tz_local_to_utc(&z, wall, US(1730611800), &utc), TZ_OK);
	ck_assert_int_eq(utc, US(1730615400)); /* 06:30Z */
	/* 2024-03-10 02:30 does not happen. */
	ck_assert_int_eq(tz_local_to_utc(&z, US(1710037800), INT64_MIN, &utc), TZ_GAP);
	/* Summer and winter on days without a change, from the day cache. */
	ck_assert_int_eq(tz_local_to_utc(&z, US(1719966600), INT64_MIN, &utc), TZ_OK);
	ck_assert_int_eq(utc, US(1719966600 + 4 * 3600));
	ck_assert_int_eq(tz_local_to_utc(&z, US(1704189600), INT64_MIN, &utc), TZ_OK);
	ck_assert_int_eq(utc, US(1704189600 + 5 * 3600));
	tz_local_close(&z);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("dialects");
	TCase *tc = tcase_create("samples");
	tcase_add_test(tc, yahoo_daily);
	tcase_add_test(tc, binance_klines);
	tcase_add_test(tc, alpaca_bars);
	tcase_add_test(tc, polygon_aggregates_and_flat_files);
	tcase_add_test(tc, stooq_daily_and_data_files);
	tcase_add_test(tc, yfinance_and_pandas);
	suite_add_tcase(s, tc);
	tc = tcase_create("options");
	tcase_add_test(tc, columns_option);
	tcase_add_test(tc, bad_options);
	suite_add_tcase(s, tc);
	tc = tcase_create("refusals");
	tcase_add_test(tc, epoch_units);
	tcase_add_test(tc, mixed_forms_and_bad_rows);
	tcase_add_test(tc, bad_headers);
	tcase_add_test(tc, skipping_every_row_is_an_error);
	suite_add_tcase(s, tc);
	tc = tcase_create("scale");
	tcase_add_test(tc, a_million_rows);
	tcase_add_test(tc, huge_lines);
	tcase_add_test(tc, mutated_samples_never_crash);
	tcase_set_timeout(tc, 600);
	suite_add_tcase(s, tc);
	tc = tcase_create("parsers");
	tcase_add_test(tc, rounding_rule);
	tcase_add_test(tc, time_forms);
	tcase_add_test(tc, zone_rule);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
