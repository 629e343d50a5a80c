/*
 * Replay over history: CSV and in-memory inputs give identical trades, runs are deterministic,
 * signals act on the first bar after them, bad input names its file, line and field (or is
 * skipped and counted), limits hold during a replay, walk-forward days chain, trade plans read.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "testutil.h"

#define PLAN_CSV PAPER_TEST_SRCDIR "/examples/data/trade_plan.csv"

/* ---- helpers ---- */

static char *tmp_dir(void)
{
	GError *err = NULL;
	char *d = g_dir_make_tmp("paper-replay-XXXXXX", &err);
	ck_assert_msg(d != NULL, "%s", err ? err->message : "");
	return d;
}

static void rm_tree(char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	for (const char *n; d && (n = g_dir_read_name(d));) {
		char *p = g_build_filename(dir, n, NULL);
		g_unlink(p);
		g_free(p);
	}
	if (d)
		g_dir_close(d);
	g_rmdir(dir);
	g_free(dir);
}

static char *write_file(const char *dir, const char *name, const char *text)
{
	char *path = g_build_filename(dir, name, NULL);
	ck_assert(g_file_set_contents(path, text, -1, NULL));
	return path;
}

static char *read_file(const char *path)
{
	char *text = NULL;
	ck_assert_msg(g_file_get_contents(path, &text, NULL, NULL), "cannot read %s", path);
	return text;
}

/* A broker from tu_config_plain() (costs on when costs is true) plus key/value pairs. */
static paper_broker *broker_with(bool costs, const char *key, ...)
{
	paper_config *cfg = costs ? NULL : tu_config_plain();
	if (cfg == NULL) {
		ck_ok(paper_config_new(&cfg));
		ck_ok(paper_config_set(cfg, "limits.max_open_positions_ceiling", "1000"));
		ck_ok(paper_config_set(cfg, "limits.max_open_positions", "1000"));
	}
	va_list ap;
	va_start(ap, key);
	for (const char *k = key; k; k = va_arg(ap, const char *))
		ck_ok(paper_config_set(cfg, k, va_arg(ap, const char *)));
	va_end(ap);
	return tu_broker(cfg);
}

static paper_replay *replay_on(paper_broker *b, const paper_replay_options *o)
{
	paper_replay *r = NULL;
	ck_ok(paper_replay_new(&r, b, o));
	return r;
}

static paper_replay_stats rstats(const paper_replay *r)
{
	paper_replay_stats st = PAPER_REPLAY_STATS_INIT;
	ck_ok(paper_replay_stats_get(r, &st));
	return st;
}

static paper_session_stats sstats(const paper_replay *r)
{
	paper_session_stats st = PAPER_SESSION_STATS_INIT;
	ck_ok(paper_session_stats_get(paper_replay_session(r), &st));
	return st;
}

/* ---- a generated market: symbols stepped together, one row per symbol and hour ---- */

#define NSYM 3
#define NBARS 400

typedef struct market {
	size_t n;
	uint32_t sym[NSYM * NBARS];
	paper_ts ts[NSYM * NBARS];
	double o[NSYM * NBARS], h[NSYM * NBARS], l[NSYM * NBARS], c[NSYM * NBARS], v[NSYM * NBARS];
	int64_t oe[NSYM * NBARS], he[NSYM * NBARS], le[NSYM * NBARS], ce[NSYM * NBARS], ve[NSYM * NBARS];
} market;

static const char *const names[NSYM] = { "AAA", "BBB", "CCC" };

static uint64_t rng_state;

static double uniform(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (double)((rng_state * UINT64_C(2685821657736338717)) >> 11) / 9007199254740992.0;
}

static double cents(double x)
{
	return round(x * 100.0) / 100.0;
}

static market *make_market(void)
{
	market *m = g_new0(market, 1);
	double px[NSYM] = { 100, 50, 250 };
	rng_state = 0x9e3779b97f4a7c15u;
	for (int i = 0; i < NBARS; i++) {
		/* Irregular spacing: mostly an hour, sometimes a gap of a day. */
		paper_ts t = T0 + (paper_ts)i * HOUR_US + (i / 50) * 24 * HOUR_US;
		for (int k = 0; k < NSYM; k++) {
			size_t j = m->n++;
			double o = cents(px[k] * (1 + (uniform() - 0.5) * (i % 50 == 0 ? 0.06 : 0.004)));
			double c = cents(o * (1 + (uniform() - 0.5) * 0.03));
			m->sym[j] = (uint32_t)k;
			m->ts[j] = t;
			m->o[j] = o;
			m->c[j] = c;
			m->h[j] = cents(fmax(o, c) * (1 + uniform() * 0.01));
			m->l[j] = cents(fmin(o, c) * (1 - uniform() * 0.01));
			m->v[j] = floor(1000 + uniform() * 100000);
			m->oe[j] = llround(m->o[j] * 1e8);
			m->he[j] = llround(m->h[j] * 1e8);
			m->le[j] = llround(m->l[j] * 1e8);
			m->ce[j] = llround(m->c[j] * 1e8);
			m->ve[j] = llround(m->v[j] * 1e8);
			px[k] = c;
		}
	}
	return m;
}

static char *iso(paper_ts ts)
{
	GDateTime *d = g_date_time_new_from_unix_utc(ts / PAPER_TS_PER_SECOND);
	char *s = g_date_time_format(d, "%Y-%m-%dT%H:%M:%SZ");
	g_date_time_unref(d);
	return s;
}

/* One file per symbol (SYMBOL.csv), or one file with a symbol column. */
static void write_market(const market *m, const char *dir, bool one_file)
{
	GString *f[NSYM];
	for (int k = 0; k < (one_file ? 1 : NSYM); k++)
		f[k] = g_string_new(one_file ? "symbol,timestamp,open,high,low,close,volume\n"
					     : "timestamp,open,high,low,close,volume\n");
	for (size_t j = 0; j < m->n; j++) {
		GString *g = f[one_file ? 0 : m->sym[j]];
		char *t = iso(m->ts[j]);
		if (one_file)
			g_string_append_printf(g, "%s,", names[m->sym[j]]);
		g_string_append_printf(g, "%s,%.2f,%.2f,%.2f,%.2f,%.0f\n", t, m->o[j], m->h[j], m->l[j],
				       m->c[j], m->v[j]);
		g_free(t);
	}
	for (int k = 0; k < (one_file ? 1 : NSYM); k++) {
		char *name = g_strdup_printf("%s.csv", one_file ? "all" : names[k]);
		g_free(write_file(dir, name, f[k]->str));
		g_free(name);
		g_string_free(f[k], TRUE);
	}
}

/* A signal every 20 bars per symbol, at a whole minute inside a bar; some with levels. */
static size_t make_signals(const market *m, paper_signal *out, size_t cap)
{
	size_t n = 0;
	for (size_t j = 0; j < m->n && n < cap; j++) {
		size_t i = j / NSYM;
		if ((i + m->sym[j] * 7) % 20 != 3)
			continue;
		paper_signal s = PAPER_SIGNAL_INIT;
		s.symbol = names[m->sym[j]];
		s.direction = (i / 20 + m->sym[j]) % 2 ? PAPER_SHORT : PAPER_LONG;
		s.ts = m->ts[j] + 7 * MIN_US;
		s.confidence = 0.65 + 0.01 * (double)(i % 30);
		if (i % 3 == 0) {
			double sign = s.direction == PAPER_LONG ? 1 : -1;
			s.take_profit = cents(m->c[j] * (1 + sign * 0.03));
			s.stop_loss = cents(m->c[j] * (1 - sign * 0.02));
		}
		out[n++] = s;
	}
	return n;
}

static char *signals_csv(const paper_signal *s, size_t n)
{
	GString *g = g_string_new("timestamp,symbol,side,confidence,take_profit,stop_loss\n");
	for (size_t i = 0; i < n; i++) {
		char *t = iso(s[i].ts);
		g_string_append_printf(g, "%s,%s,%s,%.2f,", t, s[i].symbol,
				       s[i].direction == PAPER_LONG ? (i % 2 ? "LONG" : "buy") : "SHORT",
				       s[i].confidence);
		if (s[i].take_profit > 0)
			g_string_append_printf(g, "%.2f,%.2f\n", s[i].take_profit, s[i].stop_loss);
		else
			g_string_append(g, ",\n");
		g_free(t);
	}
	return g_string_free(g, FALSE);
}

typedef enum input { IN_FILES, IN_ONE_FILE, IN_DOUBLES, IN_FIXED } input;

typedef struct fixture {
	market *m;
	char *dir;
	paper_signal sigs[NSYM * NBARS];
	size_t n_sigs;
	char *signals_path;
} fixture;

static fixture *fixture_new(void)
{
	fixture *f = g_new0(fixture, 1);
	f->m = make_market();
	f->dir = tmp_dir();
	char *sub = g_build_filename(f->dir, "bars", NULL);
	g_mkdir(sub, 0700);
	write_market(f->m, sub, false);
	g_free(sub);
	char *one = g_build_filename(f->dir, "one", NULL);
	g_mkdir(one, 0700);
	write_market(f->m, one, true);
	g_free(one);
	f->n_sigs = make_signals(f->m, f->sigs, G_N_ELEMENTS(f->sigs));
	char *csv = signals_csv(f->sigs, f->n_sigs);
	f->signals_path = write_file(f->dir, "signals.csv", csv);
	g_free(csv);
	return f;
}

static void fixture_free(fixture *f)
{
	char *sub = g_build_filename(f->dir, "bars", NULL), *one = g_build_filename(f->dir, "one", NULL);
	rm_tree(sub);
	rm_tree(one);
	g_free(f->signals_path);
	rm_tree(f->dir);
	g_free(f->m);
	g_free(f);
}

static void add_input(paper_replay *r, fixture *f, input in, paper_bar_columns *cols)
{
	*cols = (paper_bar_columns)PAPER_BAR_COLUMNS_INIT;
	cols->n_rows = f->m->n;
	cols->symbols = names;
	cols->n_symbols = NSYM;
	cols->symbol = f->m->sym;
	cols->ts = f->m->ts;
	if (in == IN_DOUBLES) {
		cols->open = f->m->o, cols->high = f->m->h, cols->low = f->m->l, cols->close = f->m->c;
		cols->volume = f->m->v;
	} else {
		cols->open_e8 = f->m->oe, cols->high_e8 = f->m->he, cols->low_e8 = f->m->le;
		cols->close_e8 = f->m->ce, cols->volume_e8 = f->m->ve;
	}
	char *path = g_build_filename(f->dir, in == IN_ONE_FILE ? "one" : "bars", NULL);
	if (in == IN_FILES || in == IN_ONE_FILE)
		ck_ok(paper_replay_add_bars_path(r, path));
	else
		ck_ok(paper_replay_add_bar_columns(r, cols));
	g_free(path);
	if (in == IN_FILES || in == IN_ONE_FILE)
		ck_ok(paper_replay_add_signals_file(r, f->signals_path));
	else
		ck_ok(paper_replay_add_signals(r, f->sigs, f->n_sigs));
}

/* Replay the fixture from one kind of input; returns the trades CSV. */
static char *run_fixture(fixture *f, input in, const char *seed)
{
	paper_broker *b = broker_with(true, "costs.seed", seed, "session.max_hold_minutes", "600",
				      "session.trailing_pct", "1.5", NULL);
	char *out = g_build_filename(f->dir, "trades.csv", NULL);
	paper_replay_options o = PAPER_REPLAY_OPTIONS_INIT;
	o.trades_path = out;
	paper_replay *r = replay_on(b, &o);
	paper_bar_columns cols;
	add_input(r, f, in, &cols);
	ck_ok(paper_replay_run(r));
	ck_assert_uint_eq(rstats(r).bars, f->m->n);
	ck_assert_uint_eq(rstats(r).signals, f->n_sigs);
	char *text = read_file(out);
	size_t lines = 0;
	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	ck_assert_uint_eq(rstats(r).trades_written + 1, lines);
	g_unlink(out);
	g_free(out);
	paper_replay_free(r);
	paper_broker_free(b);
	return text;
}

/* ---- equality and determinism ---- */

START_TEST(every_input_gives_the_same_trades)
{
	fixture *f = fixture_new();
	char *files = run_fixture(f, IN_FILES, "1");
	ck_assert(g_str_has_prefix(files, "symbol,side,entry_time,entry_price,exit_time,exit_price,"
				  "qty,exit_reason,pnl_gross,fees,pnl_net,outcome\n"));
	ck_assert_uint_gt(strlen(files), 2000); /* dozens of trades */
	static const input others[] = { IN_ONE_FILE, IN_DOUBLES, IN_FIXED };
	for (size_t i = 0; i < G_N_ELEMENTS(others); i++) {
		char *t = run_fixture(f, others[i], "1");
		ck_assert_msg(strcmp(files, t) == 0, "input %d differs:\n%s\n---\n%s", (int)others[i],
			      files, t);
		g_free(t);
	}
	g_free(files);
	fixture_free(f);
}
END_TEST

/* In-memory signals are acted on in time order whatever order the array has. */
START_TEST(signal_array_in_any_order)
{
	fixture *f = fixture_new();
	char *sorted = run_fixture(f, IN_FIXED, "3");
	/* The latest signal first: sorted back to the end. */
	paper_signal last = f->sigs[f->n_sigs - 1];
	ck_assert_int_gt(last.ts, f->sigs[f->n_sigs - 2].ts);
	memmove(f->sigs + 1, f->sigs, (f->n_sigs - 1) * sizeof *f->sigs);
	f->sigs[0] = last;
	char *moved = run_fixture(f, IN_FIXED, "3");
	ck_assert_str_eq(sorted, moved);
	g_free(sorted);
	g_free(moved);
	fixture_free(f);
}
END_TEST

START_TEST(same_seed_same_bytes)
{
	fixture *f = fixture_new();
	char *a = run_fixture(f, IN_FILES, "7"), *b = run_fixture(f, IN_FILES, "7");
	char *c = run_fixture(f, IN_FILES, "8");
	ck_assert_str_eq(a, b);
	ck_assert_str_ne(a, c); /* the slippage jitter changed */
	g_free(a);
	g_free(b);
	g_free(c);
	fixture_free(f);
}
END_TEST

/* ---- timing ---- */

static const char three_bars[] =
	"timestamp,open,high,low,close,volume\n"
	"2024-01-02T14:00:00Z,100,100,100,100,1000\n"
	"2024-01-02T15:00:00Z,101,101,101,101,1000\n"
	"2024-01-02T16:00:00Z,102,102,102,102,1000\n"
	"2024-01-02T17:00:00Z,103,103,103,103,1000\n";

static paper_trade_info first_trade(paper_broker *b)
{
	paper_trade_info t = PAPER_TRADE_INFO_INIT;
	ck_ok(paper_broker_trade_at(b, 0, &t));
	return t;
}

/* A signal stamped t acts on the first bar stamped after t. */
START_TEST(signal_acts_on_the_first_bar_after_it)
{
	static const struct { const char *ts; double entry; } cases[] = {
		{ "2024-01-02T14:30:00Z", 101 }, /* inside the 14:00 bar */
		{ "2024-01-02T15:00:00Z", 102 }, /* at a bar's own time: that bar is done */
		{ "1704207600", 102 },           /* the same, as epoch seconds */
		{ "2024-01-02T13:00:00Z", 100 }, /* before any bar: no data yet, refused */
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *dir = tmp_dir();
		char *bars = write_file(dir, "X.csv", three_bars);
		char *text = g_strdup_printf("timestamp,symbol,side,confidence\n%s,X,LONG,0.9\n",
					     cases[i].ts);
		char *sigs = write_file(dir, "s.csv", text);
		paper_broker *b = broker_with(false, NULL);
		paper_replay *r = replay_on(b, NULL);
		ck_ok(paper_replay_add_bars_path(r, bars));
		ck_ok(paper_replay_add_signals_file(r, sigs));
		ck_ok(paper_replay_run(r));
		if (i == 3) {
			ck_assert_uint_eq(paper_broker_trade_count(b), 0);
			ck_assert_uint_eq(sstats(r).verdicts[PAPER_VERDICT_REJECTED], 1);
		} else {
			paper_trade_info t = first_trade(b);
			ck_assert_double_eq(t.entry_price, cases[i].entry);
			ck_assert_str_eq(paper_exit_reason_str(t.exit_reason), "end_of_data");
			ck_assert_double_eq(t.exit_price, 103); /* the last close */
		}
		paper_replay_free(r);
		paper_broker_free(b);
		g_free(text);
		g_unlink(bars);
		g_unlink(sigs);
		g_free(bars);
		g_free(sigs);
		rm_tree(dir);
	}
}
END_TEST

/* A signals file's ref_price sizes the entry (1000 / 80 = 12 units); the fill stays on the bar. */
START_TEST(signal_ref_price_sizes_the_entry)
{
	static const struct { const char *cell; double qty; } cases[] = {
		{ "80", 12 },  /* at the decision's price */
		{ "", 10 },    /* empty: at the latest close, 100 */
	};
	char *dir = tmp_dir();
	char *bars = write_file(dir, "X.csv", three_bars);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *text = g_strdup_printf("timestamp,symbol,side,confidence,ref_price\n"
					     "2024-01-02T14:30:00Z,X,LONG,0.9,%s\n", cases[i].cell);
		char *sigs = write_file(dir, "s.csv", text);
		paper_broker *b = broker_with(false, "session.sizing", "notional", "session.notional",
					      "1000", NULL);
		paper_replay *r = replay_on(b, NULL);
		ck_ok(paper_replay_add_bars_path(r, bars));
		ck_ok(paper_replay_add_signals_file(r, sigs));
		ck_ok(paper_replay_run(r));
		paper_trade_info t = first_trade(b);
		ck_assert_double_eq(t.qty, cases[i].qty);
		ck_assert_double_eq(t.entry_price, 101);
		paper_replay_free(r);
		paper_broker_free(b);
		g_unlink(sigs);
		g_free(sigs);
		g_free(text);
	}
	/* Not a price: the row is bad, named by its field. */
	static const char *const bad[] = { "0", "-5", "abc", "1e400" };
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		char *text = g_strdup_printf("timestamp,symbol,side,confidence,ref_price\n"
					     "2024-01-02T14:30:00Z,X,LONG,0.9,%s\n", bad[i]);
		char *sigs = write_file(dir, "s.csv", text);
		paper_broker *b = broker_with(false, NULL);
		paper_replay *r = replay_on(b, NULL);
		ck_ok(paper_replay_add_bars_path(r, bars));
		ck_ok(paper_replay_add_signals_file(r, sigs));
		ck_assert_int_eq(paper_replay_run(r), PAPER_EFORMAT);
		ck_assert_msg(strstr(paper_last_error(), "s.csv:2: field 'ref_price'"), "%s: %s", bad[i],
			      paper_last_error());
		ck_assert_uint_eq(paper_broker_trade_count(b), 0);
		paper_replay_free(r);
		paper_broker_free(b);
		g_unlink(sigs);
		g_free(sigs);
		g_free(text);
	}
	g_unlink(bars);
	g_free(bars);
	rm_tree(dir);
}
END_TEST

START_TEST(signals_after_the_data_are_counted)
{
	char *dir = tmp_dir();
	char *bars = write_file(dir, "X.csv", three_bars);
	char *sigs = write_file(dir, "s.csv", "timestamp,symbol,side,confidence\n"
					      "2024-01-02T17:00:00Z,X,LONG,0.9\n"
					      "2024-01-03T17:00:00Z,X,SHORT,0.9\n");
	paper_broker *b = broker_with(false, NULL);
	paper_replay *r = replay_on(b, NULL);
	ck_ok(paper_replay_add_bars_path(r, bars));
	ck_ok(paper_replay_add_signals_file(r, sigs));
	ck_ok(paper_replay_run(r));
	ck_assert_uint_eq(rstats(r).signals, 0);
	ck_assert_uint_eq(rstats(r).signals_after_data, 2);
	ck_assert_uint_eq(paper_broker_open_order_count(b), 0);
	ck_assert_int_eq(paper_replay_run(r), PAPER_ESTATE);
	paper_replay_free(r);
	paper_broker_free(b);
	g_unlink(bars);
	g_unlink(sigs);
	g_free(bars);
	g_free(sigs);
	rm_tree(dir);
}
END_TEST

/* ---- bad input ---- */

typedef struct bad_case {
	const char *name, *row, *want;
} bad_case;

static const char good_row[] = "2024-01-02T14:30:00Z,100.00,101.00,99.00,100.50,1000";

static const bad_case bad_bars[] = {
	{ "malformed", "2024-01-02T15:30:00Z,100.50,101.00,abc,100.50,1000",
	  "X.csv:3: field 'low': malformed number 'abc'" },
	{ "exponent", "2024-01-02T15:30:00Z,100,101,99,100,1e3", "X.csv:3: field 'volume': malformed number '1e3'" },
	{ "decimals", "2024-01-02T15:30:00Z,100.123456789,101,99,100,10",
	  "X.csv:3: field 'open': more than 8 decimal places" },
	{ "empty", "2024-01-02T15:30:00Z,,101,99,100,10", "X.csv:3: field 'open': malformed number ''" },
	{ "zero", "2024-01-02T15:30:00Z,100,101,99,0,10", "X.csv:3: field 'close': price must be > 0" },
	{ "high_low", "2024-01-02T15:30:00Z,98,98,99,98,10", "X.csv:3: field 'high': high 98 is below low 99" },
	{ "open_out", "2024-01-02T15:30:00Z,105,101,99,100,10", "X.csv:3: field 'open': open 105 is outside" },
	{ "close_out", "2024-01-02T15:30:00Z,100,101,99,98,10", "X.csv:3: field 'close': close 98 is outside" },
	{ "volume", "2024-01-02T15:30:00Z,100,101,99,100,-5", "X.csv:3: field 'volume': negative volume -5" },
	{ "duplicate", good_row, "X.csv:3: field 'timestamp': duplicate timestamp (also on line 2)" },
	{ "epoch_mixed", "1704205800,100,101,99,100,10", "X.csv:3: field 'timestamp': '1704205800' is an epoch, but line 2 was ISO-8601 UTC: one time form per file" },
	{ "unsorted", "2024-01-02T14:00:00Z,100,101,99,100,10", "X.csv:3: field 'timestamp': not sorted: earlier than line 2" },
	{ "no_zone", "2024-01-02T15:30:00,100,101,99,100,10", "X.csv:3: field 'timestamp': '2024-01-02T15:30:00' is neither" },
	{ "bad_date", "2024-02-30T15:30:00Z,100,101,99,100,10", "X.csv:3: field 'timestamp': '2024-02-30T15:30:00Z' is not a valid date" },
	{ "fields", "2024-01-02T15:30:00Z,100,101,99,100", "X.csv:3: expected 6 comma-separated fields, found 5" },
	{ "huge", "2024-01-02T15:30:00Z,100,101,99,100,1000000000000000", "X.csv:3: field 'volume': too large" },
};

static int replay_bars_text(const char *dir, const char *name, const char *text, bool skip,
			    paper_replay_stats *st)
{
	char *path = write_file(dir, name, text);
	paper_broker *b = broker_with(false, NULL);
	paper_replay_options o = PAPER_REPLAY_OPTIONS_INIT;
	o.skip_bad_rows = skip;
	paper_replay *r = replay_on(b, &o);
	int rc = paper_replay_add_bars_path(r, path);
	if (rc == PAPER_OK)
		rc = paper_replay_run(r);
	if (st)
		*st = rstats(r);
	paper_replay_free(r);
	paper_broker_free(b);
	g_unlink(path);
	g_free(path);
	return rc;
}

START_TEST(bad_bar_rows_name_file_line_field)
{
	char *dir = tmp_dir();
	for (size_t i = 0; i < G_N_ELEMENTS(bad_bars); i++) {
		char *text = g_strdup_printf("timestamp,open,high,low,close,volume\n%s\n%s\n"
					     "2024-01-02T18:30:00Z,100,101,99,100,10\n", good_row,
					     bad_bars[i].row);
		int rc = replay_bars_text(dir, "X.csv", text, false, NULL);
		ck_assert_msg(rc == PAPER_EFORMAT, "%s: rc %d", bad_bars[i].name, rc);
		ck_assert_msg(strstr(paper_last_error(), bad_bars[i].want), "%s: '%s' lacks '%s'",
			      bad_bars[i].name, paper_last_error(), bad_bars[i].want);
		paper_replay_stats st;
		ck_ok(replay_bars_text(dir, "X.csv", text, true, &st));
		ck_assert_msg(st.rows_skipped == 1 && st.bars == 2, "%s: skipped %d bars %d",
			      bad_bars[i].name, (int)st.rows_skipped, (int)st.bars);
		g_free(text);
	}
	rm_tree(dir);
}
END_TEST

START_TEST(bad_files)
{
	char *dir = tmp_dir();
	static const struct { const char *name, *text, *want; } cases[] = {
		{ "X.csv", "when,open,high,low,close,volume\n", "X.csv:1: header: unknown column 'when'" },
		{ "X.csv", "timestamp,open,high,low,close\n", "X.csv:1: header: no 'volume' column" },
		{ "X.csv", "timestamp,open,open,low,close,volume\n", "header: repeated column 'open'" },
		{ "X.csv", "", "X.csv: empty file" },
		{ "bad name.csv", "timestamp,open,high,low,close,volume\n", "is not a valid symbol" },
		{ "S.csv", "symbol,timestamp,open,high,low,close,volume\nA B,2024-01-02T14:30:00Z,1,1,1,1,1\n",
		  "S.csv:2: field 'symbol': 'A B' is not a valid symbol" },
		/* Symbols interleave (A comes back after B): one stream, in time order. A file of
		 * one symbol's rows, then another's, is read grouped (test-dialects.c). */
		{ "S.csv", "symbol,timestamp,open,high,low,close,volume\n"
			   "A,2024-01-02T14:30:00Z,1,1,1,1,1\nB,2024-01-02T14:30:00Z,1,1,1,1,1\n"
			   "A,2024-01-02T14:00:00Z,1,1,1,1,1\n",
		  "S.csv:4: field 'timestamp': not sorted: earlier than line 3" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		int rc = replay_bars_text(dir, cases[i].name, cases[i].text, false, NULL);
		ck_assert_msg(rc == PAPER_EFORMAT, "case %zu: rc %d (%s)", i, rc, paper_last_error());
		ck_assert_msg(strstr(paper_last_error(), cases[i].want), "case %zu: '%s' lacks '%s'", i,
			      paper_last_error(), cases[i].want);
	}
	/* The same symbol from two sources. */
	char *one = write_file(dir, "X.csv", three_bars);
	char *two = write_file(dir, "S.csv", "symbol,timestamp,open,high,low,close,volume\n"
					     "X,2024-01-05T14:30:00Z,1,1,1,1,1\n");
	paper_broker *b = broker_with(false, NULL);
	paper_replay *r = replay_on(b, NULL);
	ck_ok(paper_replay_add_bars_path(r, one));
	ck_ok(paper_replay_add_bars_path(r, two));
	ck_assert_int_eq(paper_replay_run(r), PAPER_EFORMAT);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "S.csv:2: field 'symbol': "));
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "already comes from"));
	ck_assert_int_eq(paper_replay_add_bars_path(r, one), PAPER_ESTATE);
	paper_replay_free(r);
	r = replay_on(b, NULL);
	ck_ok(paper_replay_add_bars_path(r, one));
	ck_assert_int_eq(paper_replay_add_bars_path(r, one), PAPER_EFORMAT);
	char *missing = g_build_filename(dir, "NOPE.csv", NULL);
	ck_assert_int_eq(paper_replay_add_bars_path(r, missing), PAPER_EIO);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "NOPE.csv"));
	paper_replay_free(r);
	paper_broker_free(b);
	g_free(missing);
	g_unlink(one);
	g_unlink(two);
	g_free(one);
	g_free(two);
	rm_tree(dir);
}
END_TEST

static const bad_case bad_signals[] = {
	{ "unknown", "2024-01-02T14:30:00Z,ZZZ,LONG,0.9,,", "s.csv:3: field 'symbol': unknown symbol 'ZZZ'" },
	{ "side", "2024-01-02T14:30:00Z,X,UP,0.9,,", "s.csv:3: field 'side': 'UP' is not LONG, SHORT" },
	{ "confidence", "2024-01-02T14:30:00Z,X,LONG,1.5,,", "s.csv:3: field 'confidence': must be in [0, 1]" },
	{ "levels", "2024-01-02T14:30:00Z,X,LONG,0.9,95,105", "s.csv:3: field 'take_profit': 95 must be above the stop_loss 105" },
	{ "unsorted", "2024-01-02T14:00:00Z,X,LONG,0.9,,", "s.csv:3: field 'timestamp': not sorted: earlier than line 2" },
	{ "time", "yesterday,X,LONG,0.9,,", "s.csv:3: field 'timestamp': 'yesterday' is neither" },
	{ "fields", "2024-01-02T14:30:00Z,X,LONG", "s.csv:3: expected 6 comma-separated fields, found 3" },
};

START_TEST(bad_signal_rows)
{
	char *dir = tmp_dir();
	char *bars = write_file(dir, "X.csv", three_bars);
	for (size_t i = 0; i < G_N_ELEMENTS(bad_signals); i++) {
		char *text = g_strdup_printf("timestamp,symbol,side,confidence,take_profit,stop_loss\n"
					     "2024-01-02T14:10:00Z,X,LONG,0.9,,\n%s\n"
					     "2024-01-02T16:30:00Z,X,SHORT,0.9,,\n", bad_signals[i].row);
		char *sigs = write_file(dir, "s.csv", text);
		for (int skip = 0; skip < 2; skip++) {
			paper_broker *b = broker_with(false, NULL);
			paper_replay_options o = PAPER_REPLAY_OPTIONS_INIT;
			o.skip_bad_rows = skip;
			paper_replay *r = replay_on(b, &o);
			ck_ok(paper_replay_add_bars_path(r, bars));
			ck_ok(paper_replay_add_signals_file(r, sigs));
			int rc = paper_replay_run(r);
			if (!skip) {
				ck_assert_msg(rc == PAPER_EFORMAT, "%s: rc %d", bad_signals[i].name, rc);
				ck_assert_msg(strstr(paper_last_error(), bad_signals[i].want),
					      "%s: '%s' lacks '%s'", bad_signals[i].name,
					      paper_last_error(), bad_signals[i].want);
			} else {
				ck_assert_msg(rc == PAPER_OK, "%s: %s", bad_signals[i].name, paper_last_error());
				ck_assert_uint_eq(rstats(r).signals_skipped, 1);
				ck_assert_uint_eq(rstats(r).signals, 2);
			}
			paper_replay_free(r);
			paper_broker_free(b);
		}
		g_unlink(sigs);
		g_free(sigs);
		g_free(text);
	}
	g_unlink(bars);
	g_free(bars);
	rm_tree(dir);
}
END_TEST

/* With a symbol column the symbols are known only as rows come: an unknown symbol in the
 * signals is decided at the end of the data. */
START_TEST(unknown_symbol_with_a_symbol_column)
{
	char *dir = tmp_dir();
	char *bars = write_file(dir, "all.csv", "symbol,timestamp,open,high,low,close,volume\n"
						"A,2024-01-02T14:00:00Z,10,10,10,10,5\n"
						"A,2024-01-02T15:00:00Z,10,10,10,10,5\n"
						"B,2024-01-02T16:00:00Z,20,20,20,20,5\n"
						"B,2024-01-02T17:00:00Z,20,20,20,20,5\n");
	char *ok = write_file(dir, "ok.csv", "timestamp,symbol,side,confidence\n"
					     "2024-01-02T14:30:00Z,B,LONG,0.9\n"  /* before B's first bar */
					     "2024-01-02T16:30:00Z,B,LONG,0.9\n");
	char *bad = write_file(dir, "bad.csv", "timestamp,symbol,side,confidence\n"
					       "2024-01-02T14:30:00Z,B,LONG,0.9\n"
					       "2024-01-02T14:40:00Z,C,LONG,0.9\n");
	for (int i = 0; i < 3; i++) {
		paper_broker *b = broker_with(false, NULL);
		paper_replay_options o = PAPER_REPLAY_OPTIONS_INIT;
		o.skip_bad_rows = i == 2;
		paper_replay *r = replay_on(b, &o);
		ck_ok(paper_replay_add_bars_path(r, bars));
		ck_ok(paper_replay_add_signals_file(r, i == 0 ? ok : bad));
		int rc = paper_replay_run(r);
		if (i == 1) {
			ck_assert_int_eq(rc, PAPER_EFORMAT);
			ck_assert_ptr_nonnull(strstr(paper_last_error(), "bad.csv:3: field 'symbol': unknown symbol 'C'"));
		} else {
			ck_ok(rc);
			paper_session_stats st = sstats(r);
			ck_assert_uint_eq(st.verdicts[PAPER_VERDICT_REJECTED], i == 0 ? 1 : 2); /* no data yet */
			ck_assert_uint_eq(st.verdicts[PAPER_VERDICT_TRADE], i == 0 ? 1 : 0);
			ck_assert_uint_eq(rstats(r).signals_skipped, i == 2 ? 1 : 0);
		}
		paper_replay_free(r);
		paper_broker_free(b);
	}
	g_unlink(bars);
	g_unlink(ok);
	g_unlink(bad);
	g_free(bars);
	g_free(ok);
	g_free(bad);
	rm_tree(dir);
}
END_TEST

START_TEST(bad_columns)
{
	static const uint32_t sym[] = { 0, 0, 1 };
	static const paper_ts ts[] = { T0, T0 + HOUR_US, T0 + HOUR_US };
	static const double o[] = { 10, 10, 10 }, h[] = { 11, 11, 11 }, l[] = { 9, 12, 9 },
			    c[] = { 10, 10, 10 }, l_ok[] = { 9, 9, 9 };
	static const char *const syms[] = { "A" };
	paper_bar_columns cols = PAPER_BAR_COLUMNS_INIT;
	cols.n_rows = 3;
	cols.symbols = syms;
	cols.n_symbols = 1;
	cols.symbol = sym;
	cols.ts = ts;
	cols.open = o, cols.high = h, cols.low = l, cols.close = c;
	paper_broker *b = broker_with(false, NULL);
	paper_replay *r = replay_on(b, NULL);
	ck_ok(paper_replay_add_bar_columns(r, &cols));
	ck_assert_int_eq(paper_replay_run(r), PAPER_EFORMAT);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "columns #1, row 1: field 'high': high 11 is below low 12"));
	paper_replay_free(r);
	cols.low = l_ok;
	paper_replay_options opt = PAPER_REPLAY_OPTIONS_INIT;
	opt.skip_bad_rows = true;
	paper_broker_free(b);
	b = broker_with(false, NULL);
	r = replay_on(b, &opt);
	ck_ok(paper_replay_add_bar_columns(r, &cols));
	ck_ok(paper_replay_run(r)); /* row 2 names symbol index 1 of 1 */
	ck_assert_uint_eq(rstats(r).rows_skipped, 1);
	paper_replay_free(r);
	r = replay_on(b, NULL);
	static const int64_t e8[] = { 1, 1, 1 };
	cols.open_e8 = e8;
	ck_assert_int_eq(paper_replay_add_bar_columns(r, &cols), PAPER_EINVAL);
	paper_replay_free(r);
	paper_broker_free(b);
}
END_TEST

/* A failed run removes the trades file it was writing and cannot be run again. */
START_TEST(failed_run_leaves_no_trades_file)
{
	char *dir = tmp_dir();
	char *bars = write_file(dir, "X.csv", "timestamp,open,high,low,close,volume\n"
					      "2024-01-02T14:00:00Z,100,100,100,100,1000\n"
					      "2024-01-02T15:00:00Z,100,100,100,100,1000\n"
					      "2024-01-02T15:00:00Z,100,100,100,100,1000\n");
	char *out = g_build_filename(dir, "trades.csv", NULL);
	paper_broker *b = broker_with(false, NULL);
	paper_replay_options o = PAPER_REPLAY_OPTIONS_INIT;
	o.trades_path = out;
	paper_replay *r = replay_on(b, &o);
	ck_ok(paper_replay_add_bars_path(r, bars));
	ck_assert_int_eq(paper_replay_run(r), PAPER_EFORMAT);
	ck_assert(!g_file_test(out, G_FILE_TEST_EXISTS));
	ck_assert_int_eq(paper_replay_run_until(r, T0), PAPER_ESTATE);
	paper_replay_free(r);
	paper_broker_free(b);
	g_unlink(bars);
	g_free(bars);
	g_free(out);
	rm_tree(dir);
}
END_TEST

START_TEST(trade_history_must_hold_a_few)
{
	paper_broker *b = broker_with(false, "engine.trade_history", "2", NULL);
	paper_replay *r = NULL;
	ck_assert_int_eq(paper_replay_new(&r, b, NULL), PAPER_ECONFIG);
	ck_assert_ptr_null(r);
	paper_broker_free(b);
	paper_replay_options o = PAPER_REPLAY_OPTIONS_INIT;
	o.version = 9;
	b = broker_with(false, NULL);
	ck_assert_int_eq(paper_replay_new(&r, b, &o), PAPER_EVERSION);
	paper_broker_free(b);
}
END_TEST

/* ---- limits during a replay ---- */

START_TEST(whitelist_and_max_positions_hold)
{
	fixture *f = fixture_new();
	paper_broker *b = broker_with(false, "limits.allowed_symbols", "AAA,BBB",
				      "limits.max_open_positions", "1", "session.max_hold_minutes", "6000",
				      "session.tp_pct", "0", "session.sl_pct", "0", NULL);
	paper_replay *r = replay_on(b, NULL);
	paper_bar_columns cols;
	add_input(r, f, IN_FIXED, &cols);
	int most = 0;
	for (paper_ts t = T0; rstats(r).bars < f->m->n; t += HOUR_US) {
		ck_ok(paper_replay_run_until(r, t));
		int n = (int)paper_broker_position_count(b);
		most = n > most ? n : most;
		paper_position_info p = PAPER_POSITION_INFO_INIT;
		for (int i = 0; i < n; i++) {
			ck_ok(paper_broker_position_at(b, (size_t)i, &p));
			ck_assert_str_ne(p.symbol, "CCC");
		}
	}
	ck_ok(paper_replay_run(r));
	ck_assert_int_eq(most, 1);
	paper_session_stats st = sstats(r);
	ck_assert_uint_gt(st.verdicts[PAPER_VERDICT_SYMBOL_NOT_ALLOWED], 0);
	ck_assert_uint_gt(st.verdicts[PAPER_VERDICT_REJECTED], 0);
	ck_assert_uint_gt(st.trades, 0);
	for (size_t i = 0; i < paper_broker_trade_count(b); i++) {
		paper_trade_info t = PAPER_TRADE_INFO_INIT;
		ck_ok(paper_broker_trade_at(b, i, &t));
		ck_assert_str_ne(t.symbol, "CCC");
	}
	paper_replay_free(r);
	paper_broker_free(b);
	fixture_free(f);
}
END_TEST

/* ---- ranges, run_until, intents ---- */

START_TEST(range_and_run_until)
{
	fixture *f = fixture_new();
	paper_broker *b = broker_with(false, NULL);
	paper_replay_options o = PAPER_REPLAY_OPTIONS_INIT;
	o.from = T0 + 100 * HOUR_US;
	o.to = T0 + 200 * HOUR_US;
	paper_replay *r = replay_on(b, &o);
	paper_bar_columns cols;
	add_input(r, f, IN_DOUBLES, &cols);
	ck_ok(paper_replay_run_until(r, T0 + 150 * HOUR_US));
	paper_replay_stats st = rstats(r);
	ck_assert_int_lt(st.last_ts, T0 + 150 * HOUR_US);
	ck_assert_int_ge(st.first_ts, T0 + 100 * HOUR_US);
	/* A plan row submitted in between fills on the next bar. */
	paper_intent it = PAPER_INTENT_INIT;
	it.symbol = "BBB";
	it.qty = 3;
	it.direction = PAPER_SHORT;
	it.stop_loss = 1000;
	paper_verdict v;
	uint64_t id = 0;
	int rc = paper_session_submit_intent(paper_replay_session(r), &it, &v, &id);
	ck_assert_msg(rc == PAPER_OK && v == PAPER_VERDICT_TRADE, "%d %s %s", rc, paper_verdict_str(v),
		      paper_last_error());
	ck_ok(paper_replay_run(r));
	st = rstats(r);
	ck_assert_int_lt(st.last_ts, T0 + 200 * HOUR_US);
	ck_assert_uint_gt(st.bars_out_of_range, 0);
	ck_assert_uint_gt(st.signals_out_of_range, 0);
	ck_assert_int_eq(tu_order(b, id).status, PAPER_STATUS_FILLED);
	ck_assert_uint_eq(paper_broker_position_count(b), 0); /* closed at the end of the range */
	char *json = NULL;
	ck_ok(paper_replay_summary_json(r, 0, &json));
	ck_assert_ptr_nonnull(strstr(json, "\"input\":{\"sources\":1,\"symbols\":3,"));
	ck_assert_ptr_nonnull(strstr(json, "\"intents\":1"));
	paper_string_free(json);
	paper_replay_free(r);
	paper_broker_free(b);
	fixture_free(f);
}
END_TEST

/* ---- walk-forward ---- */

START_TEST(walk_forward_days_chain)
{
	fixture *f = fixture_new();
	paper_broker *b = broker_with(true, "session.max_hold_minutes", "3000", NULL);
	paper_replay_options o = PAPER_REPLAY_OPTIONS_INIT;
	o.daily = true;
	/* 2023-11-15 .. 2023-11-20: whole UTC days inside the data. */
	o.from = (T0 / (86400 * PAPER_TS_PER_SECOND) + 1) * 86400 * PAPER_TS_PER_SECOND;
	o.to = o.from + 6 * 86400 * PAPER_TS_PER_SECOND;
	paper_replay *r = replay_on(b, &o);
	paper_bar_columns cols;
	add_input(r, f, IN_FILES, &cols);
	char *json = NULL;
	ck_assert_int_eq(paper_replay_walk_forward_json(r, &json), PAPER_ESTATE);
	ck_ok(paper_replay_run(r));
	size_t n = paper_replay_day_count(r);
	ck_assert_uint_ge(n, 4);
	uint64_t trades = 0, bars = 0;
	paper_day_info prev = PAPER_DAY_INFO_INIT;
	bool carried = false;
	for (size_t i = 0; i < n; i++) {
		paper_day_info d = PAPER_DAY_INFO_INIT;
		ck_ok(paper_replay_day_at(r, i, &d));
		if (i > 0) {
			ck_assert_int_gt(d.day, prev.day);
			ck_assert_int_eq(d.start_equity_e8, prev.end_equity_e8); /* cash and positions carry */
		}
		ck_assert_int_eq(d.day % (86400 * PAPER_TS_PER_SECOND), 0);
		carried |= i + 1 < n && d.open_positions > 0;
		trades += d.trades;
		bars += d.bars;
		prev = d;
	}
	ck_assert(carried);
	ck_assert_uint_eq(bars, rstats(r).bars);
	ck_assert_uint_eq(trades, sstats(r).trades);
	ck_assert_int_eq(prev.end_equity_e8, tu_account(b).cash_e8); /* flat at the end */
	ck_ok(paper_replay_walk_forward_json(r, &json));
	static const char *const keys[] = { "\"month\":\"2023-11-15..2023-11-20\"", "\"capital\":100000.00",
					    "\"total_trades\":", "\"total_pnl\":", "\"final_equity\":",
					    "\"win_rate\":", "\"mdd_pct\":", "\"cagr\":", "\"days\":[{\"date\":\"2023-11-15\"",
					    "\"metrics\":{" };
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
		ck_assert_msg(strstr(json, keys[i]), "walk-forward JSON lacks %s:\n%.400s", keys[i], json);
	/* Schema 2: the percent keys beside the schema-1 ones, which keep their units. */
	ck_assert_msg(tu_python_accepts(json, "assert d['schema_version'] == 2\n"
					"assert d['total_trades'] > 0\n"
					"assert d['win_rate_pct'] == d['win_rate'] * 100\n"
					"assert d['max_drawdown_pct'] == d['mdd_pct'] >= 0\n"
					"assert d['cagr_pct'] == d['cagr'] * 100\n"
					"assert abs(d['total_return_pct'] - (d['final_equity'] / "
					"d['capital'] - 1) * 100) < 1e-9\n"
					"assert d['signals']['total'] == sum(d['signals']['by_verdict'].values())\n"
					"assert d['signals']['by_verdict']['trade'] > 0\n"
					"assert d['rejections'] == 0\n"),
		      "walk-forward: %.600s", json);
	paper_string_free(json);
	/* The summary's trades carry their outcome and returns in percent. */
	ck_ok(paper_replay_summary_json(r, 0, &json));
	ck_assert_msg(tu_python_accepts(json, "t = d['recent_trades']\n"
					"assert len(t) > 0\n"
					"for x in t:\n"
					"    assert x['outcome'] == ('win' if x['pnl_net'] > 0 else 'loss' "
					"if x['pnl_net'] < 0 else 'breakeven')\n"
					"    sign = 1 if x['side'] == 'LONG' else -1\n"
					"    move = (x['exit_price'] - x['entry_price']) / x['entry_price'] * 100\n"
					"    assert abs(x['pnl_pct'] - sign * move) < 1e-6, (x, move)\n"
					"    assert abs(x['net_return_pct'] - x['pnl_net'] / "
					"(x['entry_price'] * x['qty']) * 100) < 1e-6\n"
					"tr = d['trades']\n"
					"assert tr['breakevens'] == tr['closed'] - tr['wins'] - tr['losses']\n"
					"assert tr['win_rate_pct'] == tr['wins'] / tr['closed'] * 100\n"),
		      "summary: %.600s", json);
	paper_string_free(json);
	paper_replay_free(r);
	paper_broker_free(b);
	fixture_free(f);
}
END_TEST

/* ---- trade plans ---- */

START_TEST(sample_trade_plan)
{
	paper_plan *p = NULL;
	ck_ok(paper_plan_read(&p, PLAN_CSV));
	ck_assert_uint_eq(paper_plan_count(p), 6);
	paper_intent it = PAPER_INTENT_INIT;
	ck_ok(paper_plan_get(p, 1, &it));
	ck_assert_str_eq(it.symbol, "MSFT");
	ck_assert_int_eq(it.direction, PAPER_LONG);
	ck_assert_double_eq(it.qty, 0);
	ck_assert_double_eq(it.notional, 10000);
	ck_assert_int_eq(it.max_hold, 10 * 86400 * PAPER_TS_PER_SECOND);
	ck_assert_uint_eq(paper_plan_line(p, 1), 3);
	ck_ok(paper_plan_get(p, 3, &it));
	ck_assert_int_eq(it.max_hold, 48 * HOUR_US);
	ck_ok(paper_plan_get(p, 4, &it));
	ck_assert_int_eq(it.direction, PAPER_SHORT);
	ck_assert_double_eq(it.take_profit, 0);
	ck_assert_int_eq(it.max_hold, 0);
	ck_assert_int_eq(paper_plan_get(p, 6, &it), PAPER_ERANGE);
	paper_plan_free(p);
}
END_TEST

START_TEST(bad_trade_plans)
{
	static const struct { const char *row, *want; } cases[] = {
		{ "AAPL,LONG,5,100,,,,", "p.csv:2: field 'notional': exactly one of qty and notional" },
		{ "AAPL,LONG,,,,,,", "p.csv:2: field 'qty': exactly one of qty and notional" },
		{ "AAPL,UP,5,,,,,", "p.csv:2: field 'side'" },
		{ "AAPL,LONG,5,,,,,2w", "p.csv:2: field 'max_hold': '2w' is not a time" },
		{ "AAPL,LONG,5,,,,,0h", "field 'max_hold'" },
		{ "AAPL,LONG,-5,,,,,", "p.csv:2: field 'qty': must be > 0" },
		{ "AAPL,SHORT,5,,,110,100,", "p.csv:2: field 'take_profit': must be below the stop_loss" },
		{ "AAPL,LONG,5", "p.csv:2: expected 8 comma-separated fields, found 3" },
	};
	char *dir = tmp_dir();
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *text = g_strdup_printf("symbol,side,qty,notional,limit,take_profit,stop_loss,"
					     "max_hold\n%s\n", cases[i].row);
		char *path = write_file(dir, "p.csv", text);
		paper_plan *p = NULL;
		ck_assert_int_eq(paper_plan_read(&p, path), PAPER_EFORMAT);
		ck_assert_msg(strstr(paper_last_error(), cases[i].want), "'%s' lacks '%s'",
			      paper_last_error(), cases[i].want);
		ck_assert_ptr_null(p);
		g_unlink(path);
		g_free(path);
		g_free(text);
	}
	char *path = write_file(dir, "p.csv", "symbol,side,notional,max_hold\nBTC-USD,buy,500,1.5d\n");
	paper_plan *p = NULL;
	ck_ok(paper_plan_read(&p, path));
	paper_intent it = PAPER_INTENT_INIT;
	ck_ok(paper_plan_get(p, 0, &it));
	ck_assert_int_eq(it.max_hold, 36 * HOUR_US);
	paper_plan_free(p);
	g_unlink(path);
	g_free(path);
	rm_tree(dir);
}
END_TEST

/* ---- a ledger ---- */

/* A replay on a broker opened from a ledger records the run: reloading it gives the account. */
START_TEST(replay_through_a_ledger)
{
	fixture *f = fixture_new();
	char *path = g_build_filename(f->dir, "ledger.db", NULL);
	paper_config *cfg = NULL;
	ck_ok(paper_config_new(&cfg));
	ck_ok(paper_config_set(cfg, "account.name", "replay1"));
	paper_ledger_options lo = PAPER_LEDGER_OPTIONS_INIT;
	lo.durability = PAPER_BATCHED;
	paper_ledger *l = NULL;
	ck_ok(paper_ledger_open(&l, path, &lo));
	ck_ok(paper_ledger_create_account(l, cfg));
	paper_broker *b = NULL;
	ck_ok(paper_ledger_open_broker(l, "replay1", &b));
	paper_replay *r = replay_on(b, NULL);
	paper_bar_columns cols;
	add_input(r, f, IN_FIXED, &cols);
	ck_ok(paper_replay_run(r));
	paper_account_info before = tu_account(b);
	ck_assert_uint_gt(before.closed_trades, 10);
	paper_replay_free(r);
	paper_broker_free(b);
	ck_ok(paper_ledger_load_broker(l, "replay1", &b));
	paper_account_info after = tu_account(b);
	ck_assert_int_eq(after.cash_e8, before.cash_e8);
	ck_assert_uint_eq(after.closed_trades, before.closed_trades);
	ck_assert_uint_eq(after.fills, before.fills);
	paper_broker_free(b);
	paper_ledger_close(l);
	paper_config_free(cfg);
	char *locks = g_strconcat(path, "-locks", NULL);
	g_unlink(locks);
	g_unlink(path);
	g_free(locks);
	g_free(path);
	fixture_free(f);
}
END_TEST

/* ---- progress ---- */

static void count_progress(const paper_replay_progress *p, void *payload)
{
	ck_assert_uint_le(p->bytes, p->bytes_total);
	(*(int *)payload)++;
}

START_TEST(progress_is_reported)
{
	fixture *f = fixture_new();
	paper_broker *b = broker_with(false, NULL);
	int calls = 0;
	paper_replay_options o = PAPER_REPLAY_OPTIONS_INIT;
	o.progress = count_progress;
	o.progress_payload = &calls;
	o.progress_every = 100;
	paper_replay *r = replay_on(b, &o);
	paper_bar_columns cols;
	add_input(r, f, IN_FILES, &cols);
	ck_ok(paper_replay_run(r));
	ck_assert_int_ge(calls, (int)(f->m->n / 100) - 1);
	paper_replay_free(r);
	paper_broker_free(b);
	fixture_free(f);
}
END_TEST

/* ---- double columns: the block conversion and its fallbacks ---- */

#define ODD_ROWS 3000

/*
 * Rows the replay's block conversion does not take at speed, scattered through blocks of
 * ordinary ones: prices above 2.2e7, lows below 1e-8 (one unit once rounded), half units
 * (ties of the rounding), and with skip_bad_rows bad rows of every kind. As doubles and as the
 * same values in *_e8 columns (llround of the product, as libpaper rounds), the two must give
 * the same trades and counters.
 */
static void odd_market(uint32_t *sym, paper_ts *ts, double *d[5], int64_t *e[5])
{
	rng_state = 0x1234567u;
	double px[2] = { 100.0, 3.0e7 };
	for (size_t j = 0; j < ODD_ROWS; j++) {
		int k = (int)(j % 2);
		sym[j] = (uint32_t)k;
		ts[j] = T0 + (paper_ts)(j / 2) * MIN_US;
		px[k] *= 1 + (uniform() - 0.5) * 0.01;
		double o = cents(px[k]) + (j % 7 == 0 ? 5e-9 : 0), c = cents(px[k] * (1 + (uniform() - 0.5) * 0.01));
		double v[5] = { o, fmax(o, c) + 0.01, fmin(o, c) - 0.01, c, floor(uniform() * 1000) };
		if (k == 1 && (j / 600) % 2 == 0) /* the second symbol below 2.2e7 at times */
			for (int f = 0; f < 4; f++)
				v[f] /= 4.0;
		if (j % 997 == 5) /* a price of one unit, from a low under 1e-8 */
			v[0] = v[1] = v[3] = 1e-8, v[2] = 6e-9;
		for (int f = 0; f < 5; f++) {
			d[f][j] = v[f];
			e[f][j] = llround(v[f] * 1e8);
		}
		/* Bad rows (skipped): not a number, negative volume, high below low, a time out
		 * of order. In e8 columns: a negative low stands for the NaN. */
		if (j % 211 == 17) {
			d[3][j] = NAN;
			e[2][j] = -1;
		}
		if (j % 223 == 31)
			d[4][j] = -1, e[4][j] = -100000000;
		if (j % 227 == 41)
			d[1][j] = d[2][j] / 2, e[1][j] = e[2][j] / 2;
		if (j % 229 == 53)
			ts[j] = T0;
	}
}

static char *odd_run(const uint32_t *sym, const paper_ts *ts, double *const d[5],
		     int64_t *const e[5], bool doubles, paper_replay_stats *st)
{
	static const char *const names2[] = { "LOW", "HIGH" };
	paper_broker *b = broker_with(true, "session.max_hold_minutes", "30", NULL);
	char *dir = tmp_dir(), *out = g_build_filename(dir, "trades.csv", NULL);
	paper_replay_options o = PAPER_REPLAY_OPTIONS_INIT;
	o.trades_path = out;
	o.skip_bad_rows = true;
	paper_replay *r = replay_on(b, &o);
	paper_bar_columns c = PAPER_BAR_COLUMNS_INIT;
	c.n_rows = ODD_ROWS;
	c.symbols = names2;
	c.n_symbols = 2;
	c.symbol = sym;
	c.ts = ts;
	if (doubles)
		c.open = d[0], c.high = d[1], c.low = d[2], c.close = d[3], c.volume = d[4];
	else
		c.open_e8 = e[0], c.high_e8 = e[1], c.low_e8 = e[2], c.close_e8 = e[3], c.volume_e8 = e[4];
	ck_ok(paper_replay_add_bar_columns(r, &c));
	paper_signal sig[ODD_ROWS / 20];
	size_t n = 0;
	for (size_t j = 40; j + 20 < ODD_ROWS; j += 20) {
		sig[n] = (paper_signal)PAPER_SIGNAL_INIT;
		sig[n].symbol = names2[(j / 20) % 2];
		sig[n].direction = (j / 40) % 2 ? PAPER_SHORT : PAPER_LONG;
		sig[n].confidence = 0.9;
		sig[n++].ts = ts[j] + 20 * PAPER_TS_PER_SECOND;
	}
	ck_ok(paper_replay_add_signals(r, sig, n));
	ck_ok(paper_replay_run(r));
	*st = rstats(r);
	char *text = read_file(out);
	g_unlink(out);
	g_free(out);
	rm_tree(dir);
	paper_replay_free(r);
	paper_broker_free(b);
	return text;
}

/* An array's texts are copied when added: the caller may reuse or free its strings at once.
 * Symbols, ids and tags come from one buffer scribbled over and freed before the run. */
START_TEST(array_signal_texts_are_copied)
{
	static const char *const names2[] = { "AAA", "BBB" };
	enum { MINUTES = 120 };
	uint32_t sym[2 * MINUTES];
	paper_ts ts[2 * MINUTES];
	double px[2 * MINUTES], vol[2 * MINUTES];
	for (size_t j = 0; j < 2 * MINUTES; j++) {
		sym[j] = (uint32_t)(j % 2);
		ts[j] = T0 + (paper_ts)(j / 2) * 60 * PAPER_TS_PER_SECOND;
		px[j] = 100.0 + (double)(j % 7) * 0.01;
		vol[j] = 1000.0;
	}
	paper_broker *b = broker_with(false, "session.max_hold_minutes", "30", NULL);
	paper_replay *r = replay_on(b, NULL);
	paper_bar_columns c = PAPER_BAR_COLUMNS_INIT;
	c.n_rows = 2 * MINUTES;
	c.symbols = names2;
	c.n_symbols = 2;
	c.symbol = sym;
	c.ts = ts;
	c.open = c.high = c.low = c.close = px;
	c.volume = vol;
	ck_ok(paper_replay_add_bar_columns(r, &c));
	static const char texts[] = "AAA\0BBB\0id-A\0id-B\0trend";
	char *text = g_memdup2(texts, sizeof texts);
	const char *aaa = text, *bbb = text + 4, *ida = text + 8, *idb = text + 13, *tag = text + 18;
	const struct { const char *symbol, *id, *strategy; int minute; } want[] = {
		{ aaa, ida, tag, 10 }, { bbb, idb, NULL, 10 }, { aaa, ida, tag, 60 }, { bbb, NULL, tag, 70 },
	};
	paper_signal sig[4];
	for (size_t i = 0; i < 4; i++) {
		sig[i] = (paper_signal)PAPER_SIGNAL_INIT;
		sig[i].symbol = want[i].symbol;
		sig[i].signal_id = want[i].id;
		sig[i].strategy = want[i].strategy;
		sig[i].direction = PAPER_LONG;
		sig[i].confidence = 0.9;
		sig[i].ts = T0 + want[i].minute * 60 * PAPER_TS_PER_SECOND + 1;
	}
	ck_ok(paper_replay_add_signals(r, sig, 4));
	memset(text, 'X', sizeof texts);
	g_free(text);
	ck_ok(paper_replay_run(r));
	paper_session_stats st = PAPER_SESSION_STATS_INIT;
	ck_ok(paper_session_stats_get(paper_replay_session(r), &st));
	ck_assert_uint_eq(st.signals, 4);
	ck_assert_uint_eq(st.verdicts[PAPER_VERDICT_DUPLICATE_SIGNAL], 1); /* the second id-A */
	ck_assert_uint_eq(st.verdicts[PAPER_VERDICT_TRADE], 3);
	ck_assert_uint_eq(paper_broker_trade_count(b), 3);
	static const char *const got[3][3] = {
		{ "AAA", "id-A", "trend" }, { "BBB", "id-B", "" }, { "BBB", "", "trend" },
	};
	for (size_t i = 0; i < 3; i++) {
		paper_trade_info t = PAPER_TRADE_INFO_INIT;
		ck_ok(paper_broker_trade_at(b, i, &t));
		ck_assert_str_eq(t.symbol, got[i][0]);
		ck_assert_str_eq(t.signal_id, got[i][1]);
		ck_assert_str_eq(t.strategy, got[i][2]);
	}
	paper_replay_free(r);
	paper_broker_free(b);
}
END_TEST

START_TEST(double_columns_at_any_size_as_e8)
{
	uint32_t *sym = g_new(uint32_t, ODD_ROWS);
	paper_ts *ts = g_new(paper_ts, ODD_ROWS);
	double *d[5];
	int64_t *e[5];
	for (int f = 0; f < 5; f++) {
		d[f] = g_new(double, ODD_ROWS);
		e[f] = g_new(int64_t, ODD_ROWS);
	}
	odd_market(sym, ts, d, e);
	paper_replay_stats sd, se;
	char *td = odd_run(sym, ts, d, e, true, &sd), *te = odd_run(sym, ts, d, e, false, &se);
	ck_assert_str_eq(td, te);
	ck_assert_uint_gt(strlen(td), 3000); /* dozens of trades */
	ck_assert_uint_eq(sd.rows_skipped, se.rows_skipped);
	ck_assert_uint_ge(sd.rows_skipped, 50);
	ck_assert_uint_eq(sd.bars, se.bars);
	ck_assert_uint_eq(sd.bars + sd.rows_skipped, ODD_ROWS);
	g_free(td);
	g_free(te);
	for (int f = 0; f < 5; f++) {
		g_free(d[f]);
		g_free(e[f]);
	}
	g_free(sym);
	g_free(ts);
}
END_TEST

/* ---- results pinned to a digest ---- */

/*
 * A market the fixture's is too small for: 8 symbols of one-minute bars, 16 hours a day with
 * nights and a weekend without bars, an opening gap each day, symbol 7 trading every third
 * minute only (so the symbols do not step together), from two sources (doubles and *_e8).
 * Prices are whole cents from an integer walk: no libm, the same inputs everywhere.
 */
#define PIN_SYM 8
#define PIN_MINUTES 9000
#define PIN_DAY_MINUTES 960

typedef struct pin_market {
	size_t n[2];                 /* rows of each source */
	uint32_t *sym[2];
	paper_ts *ts[2];
	double *d[5];                /* source 0: symbols 0-3, doubles */
	int64_t *e[5];               /* source 1: symbols 4-7, 1e-8 */
	paper_signal *sig[2];        /* two signal inputs */
	size_t n_sig[2];
} pin_market;

static const char *const pin_names[PIN_SYM] = { "P0", "P1", "P2", "P3", "P4", "P5", "P6", "P7" };

static int64_t pin_rand(int64_t n)
{
	return (int64_t)(uniform() * (double)n);
}

static paper_ts pin_minute_ts(int i)
{
	int day = i / PIN_DAY_MINUTES;
	return T0 + (paper_ts)(day + (day >= 3 ? 2 : 0)) * 24 * HOUR_US +
	       (paper_ts)(i % PIN_DAY_MINUTES) * MIN_US;
}

/* One bar of symbol k at minute i, in cents: open, high, low, close, volume. */
static void pin_bar(int64_t *px, int i, int64_t v[5])
{
	if (i % PIN_DAY_MINUTES == 0)
		*px += pin_rand(801) - 400;
	*px += pin_rand(41) - 20;
	if (*px < 500)
		*px = 500;
	int64_t o = *px, c = o + pin_rand(61) - 30;
	v[0] = o;
	v[3] = c;
	v[1] = (o > c ? o : c) + pin_rand(15);
	v[2] = (o < c ? o : c) - pin_rand(15);
	v[4] = 100 + pin_rand(5000);
	*px = c;
}

static void pin_signal(pin_market *m, int k, int i, const int64_t v[5])
{
	int src = k % 2;
	paper_signal *s = &m->sig[src][m->n_sig[src]++];
	*s = (paper_signal)PAPER_SIGNAL_INIT;
	s->symbol = pin_names[k];
	s->direction = pin_rand(2) ? PAPER_LONG : PAPER_SHORT;
	s->confidence = 0.6 + (double)pin_rand(40) / 100.0;
	/* Inside the bar, or exactly on a bar's time (acts after the bars stamped then). */
	s->ts = pin_minute_ts(i) + (i % 3 == 0 ? 0 : 30 * PAPER_TS_PER_SECOND);
	if (i % 4 == 0) {
		double sign = s->direction == PAPER_LONG ? 1 : -1;
		s->take_profit = (double)(v[3] + (int64_t)sign * 90) / 100.0;
		s->stop_loss = (double)(v[3] - (int64_t)sign * 60) / 100.0;
	}
}

static pin_market *pin_market_new(void)
{
	pin_market *m = g_new0(pin_market, 1);
	size_t cap = (size_t)PIN_MINUTES * 4;
	for (int j = 0; j < 2; j++) {
		m->sym[j] = g_new(uint32_t, cap);
		m->ts[j] = g_new(paper_ts, cap);
		m->sig[j] = g_new(paper_signal, cap);
	}
	for (int c = 0; c < 5; c++) {
		m->d[c] = g_new(double, cap);
		m->e[c] = g_new(int64_t, cap);
	}
	int64_t px[PIN_SYM];
	for (int k = 0; k < PIN_SYM; k++)
		px[k] = 4000 + 2500 * k;
	rng_state = 0x2545f4914f6cdd1du;
	for (int i = 0; i < PIN_MINUTES; i++) {
		for (int k = 0; k < PIN_SYM; k++) {
			if (k == 7 && i % 3 != 0)
				continue;
			int j = k / 4;
			size_t r = m->n[j]++;
			int64_t v[5];
			pin_bar(&px[k], i, v);
			m->sym[j][r] = (uint32_t)(k % 4);
			m->ts[j][r] = pin_minute_ts(i);
			for (int c = 0; c < 5; c++) {
				if (j == 0)
					m->d[c][r] = (double)v[c] / 100.0;
				else
					m->e[c][r] = v[c] * 1000000;
			}
			if ((i + 5 * k) % 23 == 0)
				pin_signal(m, k, i, v);
		}
	}
	return m;
}

static void pin_market_free(pin_market *m)
{
	for (int j = 0; j < 2; j++) {
		g_free(m->sym[j]);
		g_free(m->ts[j]);
		g_free(m->sig[j]);
	}
	for (int c = 0; c < 5; c++) {
		g_free(m->d[c]);
		g_free(m->e[c]);
	}
	g_free(m);
}

static void pin_add_inputs(paper_replay *r, const pin_market *m)
{
	for (int j = 0; j < 2; j++) {
		paper_bar_columns c = PAPER_BAR_COLUMNS_INIT;
		c.n_rows = m->n[j];
		c.symbols = pin_names + 4 * j;
		c.n_symbols = 4;
		c.symbol = m->sym[j];
		c.ts = m->ts[j];
		if (j == 0) {
			c.open = m->d[0], c.high = m->d[1], c.low = m->d[2], c.close = m->d[3];
			c.volume = m->d[4];
		} else {
			c.open_e8 = m->e[0], c.high_e8 = m->e[1], c.low_e8 = m->e[2];
			c.close_e8 = m->e[3], c.volume_e8 = m->e[4];
		}
		ck_ok(paper_replay_add_bar_columns(r, &c));
		ck_ok(paper_replay_add_signals(r, m->sig[j], m->n_sig[j]));
	}
}

typedef struct pin_digest {
	GChecksum *sum;
	uint64_t events, halts, snapshots;
} pin_digest;

static void pin_event(const paper_event *e, void *payload)
{
	pin_digest *d = payload;
	char *line = g_strdup_printf("%" G_GUINT64_FORMAT " %s %" G_GINT64_FORMAT " %" G_GUINT64_FORMAT
				     " %s %d %.17g %.17g %.17g %d %.17g\n", e->seq,
				     paper_event_type_str(e->type), e->ts, e->order_id,
				     e->symbol ? e->symbol : "-", (int)e->side, e->qty, e->price,
				     e->fee, e->reason, e->equity);
	g_checksum_update(d->sum, (const guchar *)line, -1);
	g_free(line);
	d->events++;
	d->halts += e->type == PAPER_EVENT_HALT;
	d->snapshots += e->type == PAPER_EVENT_SNAPSHOT;
}

static void pin_progress(const paper_replay_progress *p, void *payload)
{
	char *line = g_strdup_printf("progress %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %"
				     G_GINT64_FORMAT "\n", p->rows, p->rows_total, p->ts);
	g_checksum_update(((pin_digest *)payload)->sum, (const guchar *)line, -1);
	g_free(line);
}

static void pin_days(const paper_replay *r, GChecksum *sum)
{
	for (size_t i = 0; i < paper_replay_day_count(r); i++) {
		paper_day_info d = PAPER_DAY_INFO_INIT;
		ck_ok(paper_replay_day_at(r, i, &d));
		char *line = g_strdup_printf("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
					     " %" G_GINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
					     " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
					     "\n", d.day, d.start_equity_e8, d.end_equity_e8, d.fees_e8,
					     d.trades, d.bars, d.signals, d.entries, d.open_positions);
		g_checksum_update(sum, (const guchar *)line, -1);
		g_free(line);
	}
}

/* The summary up to its metrics: those are statistics in doubles from libm, which may differ
 * in the last bit between platforms; everything before them comes from fixed point. */
static void pin_summary(const paper_replay *r, GChecksum *sum)
{
	char *json = NULL;
	ck_ok(paper_replay_summary_json(r, 0, &json));
	const char *end = strstr(json, ",\"metrics\":");
	ck_assert(end != NULL);
	g_checksum_update(sum, (const guchar *)json, end - json);
	paper_string_free(json);
}

/*
 * Replay the pinned market with settings (key, value, ... NULL) and return the SHA-256 of
 * every result: the event stream (orders, fills, trades, equity snapshots, halts) with the
 * progress reports among them, the trades CSV, the day rows and the summary. steps > 1 runs it in that many paper_replay_run_until()
 * calls first.
 */
static char *pin_run(const pin_market *m, int steps, const char *const *settings, pin_digest *d)
{
	paper_config *cfg = NULL;
	ck_ok(paper_config_new(&cfg));
	for (size_t i = 0; settings[i]; i += 2)
		ck_ok(paper_config_set(cfg, settings[i], settings[i + 1]));
	paper_broker *b = tu_broker(cfg);
	*d = (pin_digest){ .sum = g_checksum_new(G_CHECKSUM_SHA256) };
	ck_ok(paper_broker_set_event_callback(b, pin_event, d));
	char *dir = tmp_dir(), *trades = g_build_filename(dir, "trades.csv", NULL);
	paper_replay_options o = PAPER_REPLAY_OPTIONS_INIT;
	o.trades_path = trades;
	o.daily = true;
	o.progress = pin_progress;
	o.progress_payload = d;
	o.progress_every = 997;
	paper_replay *r = replay_on(b, &o);
	pin_add_inputs(r, m);
	paper_ts span = pin_minute_ts(PIN_MINUTES) - T0;
	for (int i = 1; i < steps; i++) /* odd times: inside bars, between signals */
		ck_ok(paper_replay_run_until(r, T0 + span / steps * i + 17 * PAPER_TS_PER_SECOND));
	ck_ok(paper_replay_run(r));
	char *csv = read_file(trades);
	g_checksum_update(d->sum, (const guchar *)csv, -1);
	pin_days(r, d->sum);
	pin_summary(r, d->sum);
	char *hex = g_strdup(g_checksum_get_string(d->sum));
	g_checksum_free(d->sum);
	g_free(csv);
	g_unlink(trades);
	g_free(trades);
	rm_tree(dir);
	paper_replay_free(r);
	paper_broker_free(b);
	return hex;
}

/*
 * The replay's results, to the last bit, as committed: a change that moves any fill, trade,
 * equity snapshot, halt or counter fails here. Update the digests only for an intended change
 * of behaviour, and say so in the commit.
 */
START_TEST(results_are_pinned)
{
	static const char *const plain[] = { "session.max_hold_minutes", "90", NULL };
	static const char *const busy[] = {
		"account.starting_cash", "20000", "limits.max_open_positions", "3",
		"limits.daily_loss_limit", "0.02", "session.trailing_pct", "0.8",
		"engine.intrabar", "optimistic", "costs.seed", "11", NULL };
	static const struct {
		const char *const *settings;
		const char *digest;
	} runs[] = {
		{ plain, "7d4dd4d689f0e6c64c478933d6ee8e75554b82d4f56199296561ebd21c9b0c41" },
		{ busy, "cc0ca368cbfe3ca3dd35cf7530b929378d0c807ecbaa1b8c5984bda6e84390d0" },
	};
	pin_market *m = pin_market_new();
	for (size_t i = 0; i < G_N_ELEMENTS(runs); i++) {
		pin_digest d;
		char *whole = pin_run(m, 1, runs[i].settings, &d);
		ck_assert_msg(strcmp(whole, runs[i].digest) == 0, "run %zu: digest %s, pinned %s", i,
			      whole, runs[i].digest);
		ck_assert_uint_gt(d.events, 4000);
		ck_assert_uint_gt(d.snapshots, 5); /* a day's start each */
		if (runs[i].settings == busy)
			ck_assert_uint_gt(d.halts, 0);
		char *stepped = pin_run(m, 7, runs[i].settings, &d);
		ck_assert_str_eq(stepped, whole);
		g_free(whole);
		g_free(stepped);
	}
	pin_market_free(m);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("replay");
	TCase *tc = tcase_create("replay");
	tcase_add_test(tc, every_input_gives_the_same_trades);
	tcase_add_test(tc, same_seed_same_bytes);
	tcase_add_test(tc, signal_array_in_any_order);
	tcase_add_test(tc, signal_acts_on_the_first_bar_after_it);
	tcase_add_test(tc, signal_ref_price_sizes_the_entry);
	tcase_add_test(tc, signals_after_the_data_are_counted);
	tcase_add_test(tc, whitelist_and_max_positions_hold);
	tcase_add_test(tc, range_and_run_until);
	tcase_add_test(tc, walk_forward_days_chain);
	tcase_add_test(tc, progress_is_reported);
	tcase_add_test(tc, replay_through_a_ledger);
	tcase_add_test(tc, results_are_pinned);
	tcase_add_test(tc, double_columns_at_any_size_as_e8);
	tcase_add_test(tc, array_signal_texts_are_copied);
	suite_add_tcase(su, tc);
	tc = tcase_create("bad input");
	tcase_add_test(tc, bad_bar_rows_name_file_line_field);
	tcase_add_test(tc, bad_files);
	tcase_add_test(tc, bad_signal_rows);
	tcase_add_test(tc, bad_columns);
	tcase_add_test(tc, unknown_symbol_with_a_symbol_column);
	tcase_add_test(tc, failed_run_leaves_no_trades_file);
	tcase_add_test(tc, trade_history_must_hold_a_few);
	suite_add_tcase(su, tc);
	tc = tcase_create("plans");
	tcase_add_test(tc, sample_trade_plan);
	tcase_add_test(tc, bad_trade_plans);
	suite_add_tcase(su, tc);
	return tu_run(su);
}
