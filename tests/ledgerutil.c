#include "ledgerutil.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const syms[3] = { "AAA", "BBB", "CCC" };

char *lu_tmpdir(void)
{
	GError *err = NULL;
	char *dir = g_dir_make_tmp("paper-ledger-XXXXXX", &err);
	tu_require(dir != NULL, "cannot make a temporary directory: %s", err ? err->message : "");
	return dir;
}

void lu_rmtree(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	if (d == NULL) {
		remove(dir);
		return;
	}
	const char *name;
	while ((name = g_dir_read_name(d)) != NULL) {
		char *p = g_build_filename(dir, name, NULL);
		if (g_file_test(p, G_FILE_TEST_IS_DIR) && !g_file_test(p, G_FILE_TEST_IS_SYMLINK))
			lu_rmtree(p);
		else
			remove(p);
		g_free(p);
	}
	g_dir_close(d);
	chmod(dir, 0700);
	remove(dir);
}

paper_config *lu_config(const char *account)
{
	paper_config *cfg = NULL;
	ck_ok(paper_config_new(&cfg));
	ck_ok(paper_config_set(cfg, "account.name", account));
	ck_ok(paper_config_set(cfg, "limits.max_position_fraction", "100"));
	ck_ok(paper_config_set(cfg, "limits.min_confidence", "0"));
	ck_ok(paper_config_set(cfg, "limits.max_open_positions_ceiling", "1000"));
	ck_ok(paper_config_set(cfg, "limits.max_open_positions", "1000"));
	ck_ok(paper_config_set(cfg, "limits.max_order_notional", "10000000000"));
	ck_ok(paper_config_set(cfg, "limits.daily_loss_limit", "0.03"));
	ck_ok(paper_config_set(cfg, "engine.volume_participation", "0.3"));
	ck_ok(paper_config_set(cfg, "engine.order_history", "64"));
	ck_ok(paper_config_set(cfg, "engine.fill_history", "256"));
	ck_ok(paper_config_set(cfg, "engine.trade_history", "0"));
	ck_ok(paper_config_set(cfg, "costs.seed", "42"));
	return cfg;
}

paper_ledger *lu_open(const char *path, paper_durability mode, uint32_t batch_events)
{
	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
	paper_ledger *l = NULL;
	o.durability = mode;
	o.batch_events = batch_events;
	ck_ok(paper_ledger_open(&l, path, &o));
	return l;
}

paper_broker *lu_new_account(paper_ledger *l, const char *account)
{
	paper_config *cfg = lu_config(account);
	paper_broker *b = NULL;
	ck_ok(paper_ledger_create_account(l, cfg));
	paper_config_free(cfg);
	ck_ok(paper_ledger_open_broker(l, account, &b));
	return b;
}

/* ---- random driver ---- */

void lu_sim_init(lu_sim *s, uint64_t seed)
{
	memset(s, 0, sizeof *s);
	s->rng = seed ? seed : 1;
	s->ts = T0;
	for (int i = 0; i < 3; i++)
		s->px[i] = 50.0 + 25.0 * i;
}

uint64_t lu_next(lu_sim *s)
{
	uint64_t x = s->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return s->rng = x;
}

static double unit(lu_sim *s)
{
	return (double)(lu_next(s) >> 11) / 9007199254740992.0;
}

/* Time moves on, now and then by a day, so DAY orders expire and days roll. */
static void tick(lu_sim *s)
{
	s->ts += (paper_ts)(1 + lu_next(s) % 120) * PAPER_TS_PER_SECOND;
	if (lu_next(s) % 150 == 0)
		s->ts += 24 * HOUR_US;
}

static void walk(lu_sim *s, int i)
{
	s->px[i] *= 1.0 + (unit(s) - 0.5) * 0.03;
	if (s->px[i] < 5)
		s->px[i] = 5;
}

static void expect(int rc, const char *what, const int *ok, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (rc == ok[i])
			return;
	ck_abort_msg("%s: unexpected %d (%s): %s", what, rc, paper_strerror(rc), paper_last_error());
}

#define EXPECT(rc, what, ...)                                                   \
	do {                                                                    \
		const int ok_[] = { __VA_ARGS__ };                              \
		expect((rc), (what), ok_, sizeof ok_ / sizeof ok_[0]);          \
	} while (0)

static void quote(paper_broker *b, lu_sim *s, int i)
{
	tick(s);
	walk(s, i);
	double bid = s->px[i] * 0.999, ask = s->px[i] * 1.001;
	EXPECT(paper_broker_on_quote(b, syms[i], s->ts, bid, ask, s->px[i]), "quote", PAPER_OK);
	s->lo[i] = bid;
	s->hi[i] = ask;
}

static void bar(paper_broker *b, lu_sim *s, int i)
{
	tick(s);
	double open = s->px[i];
	walk(s, i);
	double close = s->px[i];
	double high = fmax(open, close) * (1.0 + 0.01 * unit(s));
	double low = fmin(open, close) * (1.0 - 0.01 * unit(s));
	double volume = (double)(lu_next(s) % 4) * 40.0;
	EXPECT(paper_broker_on_bar(b, syms[i], s->ts, open, high, low, close, volume), "bar",
	       PAPER_OK);
	s->lo[i] = low;
	s->hi[i] = high;
}

static void note_id(lu_sim *s, uint64_t id)
{
	if (id)
		s->ids[s->n_ids++ % 32] = id;
	if (id > s->max_id)
		s->max_id = id;
}

static void order(paper_broker *b, lu_sim *s, int i)
{
	paper_order_request r = PAPER_ORDER_REQUEST_INIT;
	char client[32], signal[32];
	r.symbol = syms[i];
	r.side = lu_next(s) % 2 ? PAPER_SIDE_BUY : PAPER_SIDE_SELL;
	r.type = (paper_order_type)(1 + lu_next(s) % 4);
	r.tif = (paper_tif)(1 + lu_next(s) % 4);
	r.qty = lu_next(s) % 4 ? (double)(1 + lu_next(s) % 40) : 0.001 * (double)(1 + lu_next(s) % 9999);
	r.limit_price = s->px[i] * (0.97 + 0.06 * unit(s));
	r.stop_price = s->px[i] * (0.97 + 0.06 * unit(s));
	r.ts = lu_next(s) % 4 ? 0 : s->ts + (paper_ts)(lu_next(s) % 3);
	r.confidence = lu_next(s) % 3 ? unit(s) : -1.0;
	r.exit_reason = (paper_exit_reason)(lu_next(s) % 9);
	r.oco_group = lu_next(s) % 4 == 0 ? 1 + lu_next(s) % 3 : 0;
	snprintf(client, sizeof client, "c,\"%u\"", (unsigned)(lu_next(s) % 1000));
	snprintf(signal, sizeof signal, "sig-%u", (unsigned)(lu_next(s) % 100));
	r.client_id = client;
	r.strategy = lu_next(s) % 2 ? "trend" : NULL;
	r.signal_id = signal;
	uint64_t id = 0;
	int rc = paper_broker_submit(b, &r, &id);
	EXPECT(rc, "submit", PAPER_OK, PAPER_EFUNDS, PAPER_ELIMIT, PAPER_ENODATA, PAPER_EHALTED);
	note_id(s, id);
}

static uint64_t some_id(lu_sim *s)
{
	return s->n_ids ? s->ids[lu_next(s) % (s->n_ids < 32 ? s->n_ids : 32)] : 1;
}

static void replace(paper_broker *b, lu_sim *s)
{
	uint64_t id = some_id(s);
	paper_order_info o = PAPER_ORDER_INFO_INIT;
	double px = s->px[0];
	if (paper_broker_order(b, id, &o) == PAPER_OK)
		px = s->px[o.symbol[0] - 'A'];
	int rc = paper_broker_replace(b, id, (double)(1 + lu_next(s) % 60), px * (0.97 + 0.06 * unit(s)),
				      px * (0.97 + 0.06 * unit(s)));
	EXPECT(rc, "replace", PAPER_OK, PAPER_ENOTFOUND, PAPER_ESTATE, PAPER_EQTY, PAPER_EFUNDS,
	       PAPER_ELIMIT, PAPER_EHALTED);
}

static void exit_at(paper_broker *b, lu_sim *s, int i)
{
	paper_exit_request r = PAPER_EXIT_REQUEST_INIT;
	r.symbol = syms[i];
	r.price = 0.5 * (s->lo[i] + s->hi[i]);
	r.style = (paper_exit_style)(1 + lu_next(s) % 3);
	r.reason = PAPER_EXIT_TAKE_PROFIT;
	r.qty = lu_next(s) % 2 ? 0.0 : 1.0;
	uint64_t id = 0;
	int rc = paper_broker_exit_at(b, &r, &id);
	note_id(s, id);
	EXPECT(rc, "exit_at", PAPER_OK, PAPER_ENOTFOUND, PAPER_EQTY, PAPER_EPRICE, PAPER_ENODATA,
	       PAPER_EINVAL);
}

static void misc(paper_broker *b, lu_sim *s, int k, int i)
{
	if (k < 76) {
		EXPECT(paper_broker_cancel(b, some_id(s)), "cancel", PAPER_OK, PAPER_ENOTFOUND,
		       PAPER_ESTATE);
	} else if (k < 82) {
		replace(b, s);
	} else if (k < 86) {
		tick(s);
		walk(s, i);
		EXPECT(paper_broker_mark(b, syms[i], s->ts, s->px[i]), "mark", PAPER_OK);
		s->lo[i] = s->hi[i] = 0; /* a mark is no quote to exit inside */
	} else if (k < 88) {
		EXPECT(paper_broker_snapshot(b), "snapshot", PAPER_OK);
	} else if (k < 90) {
		EXPECT(paper_broker_set_halted(b, lu_next(s) % 2), "halt", PAPER_OK);
	} else if (k < 93) {
		uint64_t id = 0;
		EXPECT(paper_broker_close_position(b, syms[i], PAPER_EXIT_TIME_LIMIT, &id), "close",
		       PAPER_OK, PAPER_ENOTFOUND);
		note_id(s, id);
	} else if (k < 97) {
		if (s->lo[i] > 0)
			exit_at(b, s, i);
	} else {
		EXPECT(paper_broker_cancel_all(b, lu_next(s) % 2 ? syms[i] : NULL), "cancel_all",
		       PAPER_OK);
	}
}

void lu_step(paper_broker *b, lu_sim *s)
{
	int k = (int)(lu_next(s) % 100), i = (int)(lu_next(s) % 3);
	s->counts[k / 10]++;
	if (k < 28)
		quote(b, s, i);
	else if (k < 40)
		bar(b, s, i);
	else if (k < 70)
		order(b, s, i);
	else
		misc(b, s, k, i);
}

/* ---- comparisons ---- */

static char diff_msg[256];

static const char *differ(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static const char *differ(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(diff_msg, sizeof diff_msg, fmt, ap);
	va_end(ap);
	return diff_msg;
}

static const char *diff_account(paper_broker *a, paper_broker *b)
{
	paper_account_info x = PAPER_ACCOUNT_INFO_INIT, y = PAPER_ACCOUNT_INFO_INIT;
	if (paper_broker_account(a, &x) || paper_broker_account(b, &y))
		return differ("account: %s", paper_last_error());
#define FIELD(f, fmt)                                                                   \
	if (x.f != y.f)                                                                 \
		return differ("account." #f ": " fmt " vs " fmt, x.f, y.f)
	FIELD(ts, "%" PRId64);
	FIELD(cash_e8, "%" PRId64);
	FIELD(realized_pnl_e8, "%" PRId64);
	FIELD(fees_e8, "%" PRId64);
	FIELD(starting_cash_e8, "%" PRId64);
	FIELD(equity, "%.17g");
	FIELD(unrealized_pnl, "%.17g");
	FIELD(day_start_equity, "%.17g");
	FIELD(open_orders, "%" PRIu64);
	FIELD(open_positions, "%" PRIu64);
	FIELD(fills, "%" PRIu64);
	FIELD(closed_trades, "%" PRIu64);
	FIELD(rejections, "%" PRIu64);
	FIELD(halted, "%d");
#undef FIELD
	/* Every other field too: both structs are written in full from zero. */
	if (memcmp(&x, &y, sizeof x) != 0)
		return differ("account info differs");
	return NULL;
}

#define DIFF_LIST(count, at, T, INIT, what)                                                 \
	do {                                                                                \
		size_t n_ = count(a);                                                       \
		if (n_ != count(b))                                                         \
			return differ("%s count %zu vs %zu", what, n_, count(b));           \
		for (size_t i_ = 0; i_ < n_; i_++) {                                        \
			T x_ = INIT, y_ = INIT;                                             \
			if (at(a, i_, &x_) || at(b, i_, &y_))                               \
				return differ("%s %zu: %s", what, i_, paper_last_error());  \
			if (memcmp(&x_, &y_, sizeof x_) != 0)                               \
				return differ("%s %zu differs", what, i_);                  \
		}                                                                           \
	} while (0)

const char *lu_diff(paper_broker *a, paper_broker *b, uint64_t max_id)
{
	const char *d = diff_account(a, b);
	if (d)
		return d;
	DIFF_LIST(paper_broker_position_count, paper_broker_position_at, paper_position_info,
		  PAPER_POSITION_INFO_INIT, "position");
	DIFF_LIST(paper_broker_open_order_count, paper_broker_open_order_at, paper_order_info,
		  PAPER_ORDER_INFO_INIT, "open order");
	DIFF_LIST(paper_broker_trade_count, paper_broker_trade_at, paper_trade_info,
		  PAPER_TRADE_INFO_INIT, "trade");
	DIFF_LIST(paper_broker_fill_count, paper_broker_fill_at, paper_fill_info,
		  PAPER_FILL_INFO_INIT, "fill");
	DIFF_LIST(paper_broker_equity_count, paper_broker_equity_at, paper_equity_info,
		  PAPER_EQUITY_INFO_INIT, "equity point");
	/* Every id given out: open, in the closed history, or forgotten, alike; and none after. */
	for (uint64_t id = 1; id <= max_id + 2; id++) {
		paper_order_info x = PAPER_ORDER_INFO_INIT, y = PAPER_ORDER_INFO_INIT;
		int rx = paper_broker_order(a, id, &x), ry = paper_broker_order(b, id, &y);
		if (rx != ry)
			return differ("order %" PRIu64 ": found %d vs %d", id, rx, ry);
		if (rx == PAPER_OK && memcmp(&x, &y, sizeof x) != 0)
			return differ("order %" PRIu64 " differs", id);
	}
	return NULL;
}

void lu_assert_same(paper_broker *a, paper_broker *b, uint64_t max_id)
{
	const char *d = lu_diff(a, b, max_id);
	tu_require(d == NULL, "brokers differ: %s", d);
}

void lu_assert_reconciles(paper_broker *b)
{
	paper_account_info a = tu_account(b);
	int64_t lb = 0, sb = 0;
	for (size_t i = 0; i < paper_broker_position_count(b); i++) {
		paper_position_info p = PAPER_POSITION_INFO_INIT;
		ck_ok(paper_broker_position_at(b, i, &p));
		if (p.qty_e8 > 0)
			lb += p.cost_basis_e8;
		else
			sb += p.cost_basis_e8;
	}
	tu_require(a.cash_e8 == a.starting_cash_e8 + a.realized_pnl_e8 - a.fees_e8 - lb + sb,
		   "cash %lld does not reconcile", (long long)a.cash_e8);
}

/* ---- files ---- */

lu_file lu_file_read(const char *path)
{
	lu_file f;
	memset(&f, 0, sizeof f);
	ck_assert_int_eq(stat(path, &f.st), 0);
	if (S_ISREG(f.st.st_mode))
		ck_assert(g_file_get_contents(path, &f.data, &f.len, NULL));
	return f;
}

void lu_file_assert_unchanged(const char *path, const lu_file *before)
{
	lu_file now = lu_file_read(path);
	ck_assert_uint_eq(now.len, before->len);
	ck_assert(now.len == 0 || memcmp(now.data, before->data, now.len) == 0);
	ck_assert_int_eq(now.st.st_size, before->st.st_size);
	ck_assert_int_eq(now.st.st_mtim.tv_sec, before->st.st_mtim.tv_sec);
	ck_assert_int_eq(now.st.st_mtim.tv_nsec, before->st.st_mtim.tv_nsec);
	lu_file_free(&now);
}

void lu_assert_no_sidecars(const char *path)
{
	const char *suffix[] = { "-wal", "-shm", "-journal" };
	for (int i = 0; i < 3; i++) {
		char *p = g_strdup_printf("%s%s", path, suffix[i]);
		tu_require(!g_file_test(p, G_FILE_TEST_EXISTS), "%s appeared", p);
		g_free(p);
	}
}

void lu_file_free(lu_file *f)
{
	g_free(f->data);
	f->data = NULL;
}
