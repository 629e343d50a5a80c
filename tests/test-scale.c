/*
 * Scale: a broker holding 100,000 symbols, and a replay over 2,000 symbols that must trade
 * exactly as the same data replayed in 20 disjoint groups. Before the symbol index owned its
 * keys, the 17th symbol reallocated the array the index pointed into: look-ups read freed
 * memory, symbols were added twice and signals were refused for want of data.
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define E8 PAPER_FIXED_SCALE

/* A small deterministic generator (splitmix64): the same data on every run and machine. */
static uint64_t mix(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* ---- a broker holding 100,000 symbols ---- */

#define BIG_N 100000
#define WAVE 1000 /* positions open at once: limits.max_open_positions allows at most 1000 */

static void big_name(char *buf, size_t cap, int i)
{
	g_snprintf(buf, cap, "S%06d", i);
}

/* Whole units at a price in cents: notional and fee are exact. */
static int64_t big_price_e8(int i, int step)
{
	return (int64_t)(1000 + (i * 37 + step * 11) % 9000) * (E8 / 100);
}

static double e8d(int64_t v)
{
	return (double)v / (double)E8;
}

static void big_bar(paper_broker *b, int i, paper_ts ts, int step)
{
	char name[16];
	big_name(name, sizeof name, i);
	double p = e8d(big_price_e8(i, step));
	ck_ok(paper_broker_on_bar(b, name, ts, p, p, p, p, 1e6));
}

/* Sums over the fills the broker reports, exact in 1e-8. */
typedef struct sums {
	int64_t bought, sold, fees;
	uint64_t fills;
} sums;

static void add_fills(paper_broker *b, size_t from, sums *s)
{
	size_t n = paper_broker_fill_count(b);
	for (size_t k = from; k < n; k++) {
		paper_fill_info f = PAPER_FILL_INFO_INIT;
		ck_ok(paper_broker_fill_at(b, k, &f));
		tu_require(f.qty_e8 % E8 == 0, "whole units expected");
		int64_t notional = f.qty_e8 / E8 * f.price_e8;
		if (f.side == PAPER_SIDE_BUY)
			s->bought += notional;
		else
			s->sold += notional;
		s->fees += f.fee_e8;
		s->fills++;
	}
}

START_TEST(broker_holds_100000_symbols)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "costs.commission_pct", "0.1"));
	ck_ok(paper_config_set(cfg, "costs.commission_min", "1"));
	ck_ok(paper_config_set(cfg, "account.starting_cash", "10000000"));
	ck_ok(paper_config_set(cfg, "engine.fill_history", "100000"));
	paper_broker *b = tu_broker(cfg);
	paper_ts t = T0;

	/* Every symbol gets a bar: 100,000 symbols, added one at a time. */
	for (int i = 0; i < BIG_N; i++)
		big_bar(b, i, t, 0);
	/* Every tenth symbol trades a round trip, a wave of 1000 at a time. */
	sums s = { 0 };
	int64_t start_e8 = tu_account(b).starting_cash_e8;
	for (int wave = 0; wave < BIG_N / 10 / WAVE; wave++) {
		size_t fills_before = paper_broker_fill_count(b);
		t += MIN_US;
		for (int k = 0; k < WAVE; k++) {
			int i = (wave * WAVE + k) * 10;
			char name[16];
			big_name(name, sizeof name, i);
			tu_submit(b, name, PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1 + i % 7, 0, 0, t);
		}
		t += MIN_US;
		for (int k = 0; k < WAVE; k++)
			big_bar(b, (wave * WAVE + k) * 10, t, 1);
		ck_assert_uint_eq(paper_broker_position_count(b), WAVE);
		/* Each position found by name holds what was bought at its bar's open. */
		for (int k = 0; k < WAVE; k++) {
			int i = (wave * WAVE + k) * 10;
			char name[16];
			big_name(name, sizeof name, i);
			paper_position_info p = PAPER_POSITION_INFO_INIT;
			ck_ok(paper_broker_position(b, name, &p));
			tu_require(strcmp(p.symbol, name) == 0, "position of %s is %s", name, p.symbol);
			tu_require(p.qty_e8 == (1 + i % 7) * E8, "%s: qty %lld", name, (long long)p.qty_e8);
			tu_require(p.cost_basis_e8 == (1 + i % 7) * big_price_e8(i, 1), "%s: basis %lld",
				   name, (long long)p.cost_basis_e8);
		}
		t += MIN_US;
		for (int k = 0; k < WAVE; k++) {
			int i = (wave * WAVE + k) * 10;
			char name[16];
			big_name(name, sizeof name, i);
			tu_submit(b, name, PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 1 + i % 7, 0, 0, t);
		}
		t += MIN_US;
		for (int k = 0; k < WAVE; k++)
			big_bar(b, (wave * WAVE + k) * 10, t, 2);
		ck_assert_uint_eq(paper_broker_position_count(b), 0);
		add_fills(b, fills_before, &s);
	}
	/* Symbols never traded have no position; unknown names are not found. */
	paper_position_info p = PAPER_POSITION_INFO_INIT;
	ck_assert_int_eq(paper_broker_position(b, "S099999", &p), PAPER_ENOTFOUND);
	ck_assert_int_eq(paper_broker_position(b, "S100000", &p), PAPER_ENOTFOUND);

	paper_account_info a = tu_account(b);
	ck_assert_uint_eq(s.fills, 2 * BIG_N / 10);
	ck_assert_uint_eq(a.fills, 2 * BIG_N / 10);
	ck_assert_uint_eq(a.closed_trades, BIG_N / 10);
	ck_assert_uint_eq(a.rejections, 0);
	/* The accounting is exact: realized is what the fills moved, and flat cash reconciles. */
	ck_assert_int_eq(a.realized_pnl_e8, s.sold - s.bought);
	ck_assert_int_eq(a.fees_e8, s.fees);
	ck_assert_int_eq(a.cash_e8, start_e8 + s.sold - s.bought - s.fees);
	ck_assert_int_eq(a.cash_e8, start_e8 + a.realized_pnl_e8 - a.fees_e8);
	int64_t gross = 0, fees = 0;
	for (size_t k = 0; k < paper_broker_trade_count(b); k++) {
		paper_trade_info tr = PAPER_TRADE_INFO_INIT;
		ck_ok(paper_broker_trade_at(b, k, &tr));
		gross += tr.pnl_gross_e8;
		fees += tr.fees_e8;
	}
	ck_assert_int_eq(gross, a.realized_pnl_e8);
	ck_assert_int_eq(fees, a.fees_e8);
	/* Every symbol still has its own mark: a mark by name reaches the right one. */
	ck_ok(paper_broker_mark(b, "S000001", t + MIN_US, 1.0));
	ck_ok(paper_broker_mark(b, "S099999", t + MIN_US, 2.0));
	paper_broker_free(b);
}
END_TEST

/* ---- a replay over 2,000 symbols, whole and in 20 groups ---- */

#define UNI_N 2000
#define UNI_GROUPS 20
#define UNI_BARS 60
#define UNI_T0 INT64_C(1704182400000000) /* 2024-01-02T08:00:00Z: one UTC day */

typedef struct universe {
	char names[UNI_N][16];
	int64_t o[UNI_BARS][UNI_N], h[UNI_BARS][UNI_N], l[UNI_BARS][UNI_N], c[UNI_BARS][UNI_N];
	int64_t v[UNI_BARS][UNI_N];
	paper_direction dir[UNI_N][2];
} universe;

/* A random walk per symbol, in cents, with ranges wide enough for the exits to fire. */
static universe *make_universe(void)
{
	universe *u = g_new0(universe, 1);
	uint64_t st = 42;
	for (int k = 0; k < UNI_N; k++) {
		g_snprintf(u->names[k], sizeof u->names[k], "U%04d", k);
		int64_t px = 2000 + (int64_t)(mix(&st) % 20000); /* 20.00 .. 220.00 */
		for (int t = 0; t < UNI_BARS; t++) {
			int64_t open = px;
			int64_t close = open + (int64_t)(mix(&st) % 61) - 30;
			if (close < 100)
				close = 100;
			int64_t hi = (open > close ? open : close) + (int64_t)(mix(&st) % 40);
			int64_t lo = (open < close ? open : close) - (int64_t)(mix(&st) % 40);
			if (lo < 50)
				lo = 50;
			u->o[t][k] = open * (E8 / 100);
			u->h[t][k] = hi * (E8 / 100);
			u->l[t][k] = lo * (E8 / 100);
			u->c[t][k] = close * (E8 / 100);
			u->v[t][k] = (int64_t)(1000 + mix(&st) % 100000) * E8;
			px = close + (int64_t)(mix(&st) % 21) - 10;
			if (px < 100)
				px = 100;
		}
		u->dir[k][0] = mix(&st) % 2 ? PAPER_LONG : PAPER_SHORT;
		u->dir[k][1] = mix(&st) % 2 ? PAPER_LONG : PAPER_SHORT;
	}
	return u;
}

/*
 * Accounts that cannot interact, so each symbol trades the same whoever else is replayed
 * with it: fixed-notional entries (not a fraction of equity), cash far above what all open
 * positions can cost (buying power and margin never bind), the equity-relative limits at their
 * widest (max_position_fraction 100, daily_loss_limit 1: a loss of all equity), at most 880
 * positions open at once (80 entries a minute held at most 11 minutes) under
 * max_open_positions 1000, and slippage without the jitter: the jitter draws from the
 * account's fill count, which other symbols' fills move. Commission and the size impact of
 * slippage depend only on the fill itself and its bar.
 */
static paper_config *universe_config(void)
{
	paper_config *cfg = NULL;
	ck_ok(paper_config_new(&cfg));
	const char *kv[][2] = {
		{ "account.starting_cash", "1000000000" },
		{ "limits.max_position_fraction", "100" },
		{ "limits.daily_loss_limit", "1" },
		{ "limits.max_open_positions_ceiling", "1000" },
		{ "limits.max_open_positions", "1000" },
		{ "costs.commission_pct", "0.1" },
		{ "costs.commission_min", "1" },
		{ "costs.slippage_pct", "0.05" },
		{ "costs.slippage_jitter", "0" },
		{ "session.sizing", "notional" },
		{ "session.notional", "1000" },
		{ "session.max_hold_minutes", "10" },
		{ "session.tp_pct", "0.5" },
		{ "session.sl_pct", "0.4" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(kv); i++)
		ck_ok(paper_config_set(cfg, kv[i][0], kv[i][1]));
	return cfg;
}

/* A trade as compared: everything but its id, which counts the account's trades. */
typedef struct trade_key {
	char symbol[PAPER_SYMBOL_MAX + 1];
	int direction, exit_reason;
	paper_ts entry_ts, exit_ts;
	double qty, entry_price, exit_price;
	int64_t pnl_e8, fees_e8;
} trade_key;

static gint cmp_trades(gconstpointer pa, gconstpointer pb)
{
	const trade_key *a = pa, *b = pb;
	int c = strcmp(a->symbol, b->symbol);
	if (c)
		return c;
	return (a->entry_ts > b->entry_ts) - (a->entry_ts < b->entry_ts);
}

/* Replay the symbols k with k % groups == g (groups 1: all) and append their trades. */
static void replay_group(const universe *u, int groups, int g, GArray *trades)
{
	int n = 0, ids[UNI_N];
	for (int k = 0; k < UNI_N; k++)
		if (k % groups == g)
			ids[n++] = k;
	const char **names = g_new(const char *, n);
	size_t rows = (size_t)n * UNI_BARS, r = 0;
	uint32_t *sym = g_new(uint32_t, rows);
	paper_ts *ts = g_new(paper_ts, rows);
	int64_t *col[5];
	for (int j = 0; j < 5; j++)
		col[j] = g_new(int64_t, rows);
	for (int i = 0; i < n; i++)
		names[i] = u->names[ids[i]];
	for (int t = 0; t < UNI_BARS; t++) {
		for (int i = 0; i < n; i++, r++) {
			int k = ids[i];
			sym[r] = (uint32_t)i;
			ts[r] = UNI_T0 + t * MIN_US;
			col[0][r] = u->o[t][k];
			col[1][r] = u->h[t][k];
			col[2][r] = u->l[t][k];
			col[3][r] = u->c[t][k];
			col[4][r] = u->v[t][k];
		}
	}
	/* Two signals a symbol, at its bars k % 25 and 30 + k % 25: flat again in between. */
	paper_signal *sig = g_new(paper_signal, 2 * n);
	for (int i = 0; i < n; i++) {
		int k = ids[i];
		for (int j = 0; j < 2; j++) {
			paper_signal s = PAPER_SIGNAL_INIT;
			s.symbol = u->names[k];
			s.direction = u->dir[k][j];
			s.confidence = 0.9;
			s.ts = UNI_T0 + (j * 30 + k % 25) * MIN_US;
			sig[2 * i + j] = s;
		}
	}
	paper_broker *b = tu_broker(universe_config());
	paper_replay *rp = NULL;
	ck_ok(paper_replay_new(&rp, b, NULL));
	paper_bar_columns c = PAPER_BAR_COLUMNS_INIT;
	c.n_rows = rows;
	c.symbols = names;
	c.n_symbols = (size_t)n;
	c.symbol = sym;
	c.ts = ts;
	c.open_e8 = col[0];
	c.high_e8 = col[1];
	c.low_e8 = col[2];
	c.close_e8 = col[3];
	c.volume_e8 = col[4];
	ck_ok(paper_replay_add_bar_columns(rp, &c));
	ck_ok(paper_replay_add_signals(rp, sig, 2 * (size_t)n));
	ck_ok(paper_replay_run(rp));

	paper_session_stats st = PAPER_SESSION_STATS_INIT;
	ck_ok(paper_session_stats_get(paper_replay_session(rp), &st));
	ck_assert_uint_eq(st.signals, 2 * (uint64_t)n);
	ck_assert_uint_eq(st.verdicts[PAPER_VERDICT_REJECTED], 0);
	ck_assert_uint_eq(tu_account(b).rejections, 0);
	ck_assert_uint_eq(paper_broker_position_count(b), 0);
	for (size_t i = 0; i < paper_broker_trade_count(b); i++) {
		paper_trade_info t = PAPER_TRADE_INFO_INIT;
		ck_ok(paper_broker_trade_at(b, i, &t));
		trade_key key;
		memset(&key, 0, sizeof key); /* compared with memcmp, padding included */
		key.direction = t.direction;
		key.exit_reason = t.exit_reason;
		key.entry_ts = t.entry_ts;
		key.exit_ts = t.exit_ts;
		key.qty = t.qty;
		key.entry_price = t.entry_price;
		key.exit_price = t.exit_price;
		key.pnl_e8 = t.pnl_gross_e8;
		key.fees_e8 = t.fees_e8;
		g_strlcpy(key.symbol, t.symbol, sizeof key.symbol);
		g_array_append_val(trades, key);
	}
	paper_replay_free(rp);
	paper_broker_free(b);
	g_free(sig);
	for (int j = 0; j < 5; j++)
		g_free(col[j]);
	g_free(ts);
	g_free(sym);
	g_free(names);
}

START_TEST(replay_2000_symbols_equals_20_groups)
{
	universe *u = make_universe();
	GArray *whole = g_array_new(FALSE, FALSE, sizeof(trade_key));
	GArray *parts = g_array_new(FALSE, FALSE, sizeof(trade_key));
	replay_group(u, 1, 0, whole);
	for (int g = 0; g < UNI_GROUPS; g++)
		replay_group(u, UNI_GROUPS, g, parts);
	g_array_sort(whole, cmp_trades);
	g_array_sort(parts, cmp_trades);
	/* Nearly every signal trades (a few entries size to zero or exit at the end). */
	tu_require(whole->len > 3 * UNI_N / 2, "only %u trades", whole->len);
	ck_assert_uint_eq(whole->len, parts->len);
	int reasons[PAPER_EXIT_FORCE + 1] = { 0 };
	for (guint i = 0; i < whole->len; i++) {
		const trade_key *a = &g_array_index(whole, trade_key, i);
		const trade_key *b = &g_array_index(parts, trade_key, i);
		tu_require(memcmp(a, b, sizeof *a) == 0, "trade %u differs: %s %lld pnl %lld vs %s %lld "
			   "pnl %lld", i, a->symbol, (long long)a->entry_ts, (long long)a->pnl_e8,
			   b->symbol, (long long)b->entry_ts, (long long)b->pnl_e8);
		reasons[a->exit_reason]++;
	}
	/* The data exercises every exit rule the comparison relies on. */
	ck_assert_int_gt(reasons[PAPER_EXIT_TAKE_PROFIT], 0);
	ck_assert_int_gt(reasons[PAPER_EXIT_STOP_LOSS], 0);
	ck_assert_int_gt(reasons[PAPER_EXIT_TIME_LIMIT], 0);
	g_array_unref(whole);
	g_array_unref(parts);
	g_free(u);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("scale");
	TCase *tc = tcase_create("scale");
	tcase_add_test(tc, broker_holds_100000_symbols);
	tcase_add_test(tc, replay_2000_symbols_equals_20_groups);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
