/*
 * The durable ledger: reopen equality after thousands of random events in both durability
 * modes, several accounts, account locks across and within processes, readers during writes,
 * refusal of files that are not complete paper ledgers (unchanged afterwards), read-only media,
 * a full disk, exports, import, the decisions inbox, the SQL views and copying a ledger.
 *
 * `test-ledger` runs it on SQLite files; `test-ledger postgresql` (under tests/pg/cluster.sh)
 * runs the same tests on a PostgreSQL server, each in a new schema, except those about files
 * (garbage, truncation, read-only media, a full disk).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ledgerdb.h"
#include "ledgerutil.h"

/* A temporary directory and the ledger's location (a file inside it, or a new schema on the
 * server), removed at teardown. */
static char *dir;
static char *path;

static void setup(void)
{
	dir = lu_tmpdir();
	path = ld_location(dir, "ledger.db");
}

static void teardown(void)
{
	lu_rmtree(dir);
	g_free(dir);
	g_free(path);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Fork; the child runs fn and exits with its result (0 = passed). Returns the child's
 * status for the parent to check; children never use Check's asserts. */
static int in_child(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(fn(arg));
	int status = 0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

static void expect_child_ok(int status, const char *what)
{
	tu_require(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		   "%s: child failed (status 0x%x, step %d); see its stderr", what, status,
		   WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

#define CHILD_CHECK(step, cond)                                                            \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "child step %d failed: %s (last error: %s)\n", step, \
				#cond, paper_last_error());                                \
			return step;                                                       \
		}                                                                          \
	} while (0)

/* ---- opening, options, accounts ---- */

START_TEST(open_create_and_options)
{
	paper_ledger *l = NULL;
	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;

	ck_assert_int_eq(paper_ledger_open(NULL, path, NULL), PAPER_EINVAL);
	ck_assert_int_eq(paper_ledger_open(&l, NULL, NULL), PAPER_EINVAL);
	ck_assert_int_eq(paper_ledger_open(&l, "", NULL), PAPER_EINVAL);
	o.version = 99;
	ck_assert_int_eq(paper_ledger_open(&l, path, &o), PAPER_EVERSION);
	o = (paper_ledger_options)PAPER_LEDGER_OPTIONS_INIT;
	o.durability = 7;
	ck_assert_int_eq(paper_ledger_open(&l, path, &o), PAPER_EINVAL);
	o = (paper_ledger_options)PAPER_LEDGER_OPTIONS_INIT;
	o.batch_events = 0;
	ck_assert_int_eq(paper_ledger_open(&l, path, &o), PAPER_EINVAL);
#ifdef PAPER_TEST_HAVE_PG
	/* No server there: the error names where it looked, never the password. */
	ck_assert_int_eq(paper_ledger_open(&l, "postgresql://paper:s3cret@/db?host=/nonexistent",
					   NULL), PAPER_EIO);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "/nonexistent"));
	ck_assert_ptr_null(strstr(paper_last_error(), "s3cret"));
#else
	ck_assert_int_eq(paper_ledger_open(&l, "postgresql://host/db", NULL), PAPER_EUNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "no PostgreSQL support"));
	ck_assert_int_eq(paper_ledger_open(&l, "host=db1 dbname=paper", NULL), PAPER_EUNSUPPORTED);
#endif
	o = (paper_ledger_options)PAPER_LEDGER_OPTIONS_INIT;
	o.create = false;
	ck_assert_int_eq(paper_ledger_open(&l, path, &o), PAPER_ENOTFOUND);
	ck_assert(!ld_exists(path));
	o.create = true;
	o.read_only = true;
	ck_assert_int_eq(paper_ledger_open(&l, path, &o), PAPER_ENOTFOUND);
	ck_assert_ptr_null(l);

	ck_ok(paper_ledger_open(&l, path, NULL));
	ck_assert_uint_eq(paper_ledger_account_count(l), 0);
	paper_config *cfg = lu_config("alpha");
	ck_ok(paper_ledger_create_account(l, cfg));
	ck_assert_int_eq(paper_ledger_create_account(l, cfg), PAPER_ESTATE);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "alpha"));
	/* A config that does not validate is refused and creates nothing. */
	paper_config *bad = lu_config("beta");
	ck_ok(paper_config_set(bad, "limits.max_open_positions_ceiling", "2"));
	ck_assert_int_eq(paper_ledger_create_account(l, bad), PAPER_ECONFIG);
	ck_assert_uint_eq(paper_ledger_account_count(l), 1);
	paper_config_free(bad);
	paper_ledger_close(l);

	/* Reopened: the account and its config, key by key. */
	ck_ok(paper_ledger_open(&l, path, NULL));
	ck_assert_uint_eq(paper_ledger_account_count(l), 1);
	char name[32];
	ck_ok(paper_ledger_account_name(l, 0, name, sizeof name));
	ck_assert_str_eq(name, "alpha");
	ck_assert_int_eq(paper_ledger_account_name(l, 1, name, sizeof name), PAPER_ERANGE);
	ck_assert_int_eq(paper_ledger_account_name(l, 0, name, 3), PAPER_ERANGE);
	paper_config *back = NULL;
	ck_ok(paper_ledger_account_config(l, "alpha", &back));
	for (size_t i = 0; i < paper_config_key_count(); i++) {
		paper_config_key_info k = PAPER_CONFIG_KEY_INFO_INIT;
		char x[512], y[512];
		ck_ok(paper_config_key_info_get(i, &k));
		ck_ok(paper_config_get_string(cfg, k.name, x, sizeof x, NULL));
		ck_ok(paper_config_get_string(back, k.name, y, sizeof y, NULL));
		tu_require(strcmp(x, y) == 0, "%s: %s vs %s", k.name, x, y);
	}
	paper_config_free(back);
	paper_config_free(cfg);
	ck_assert_int_eq(paper_ledger_account_config(l, "nobody", &back), PAPER_ENOTFOUND);
	paper_broker *b = NULL;
	ck_assert_int_eq(paper_ledger_open_broker(l, "nobody", &b), PAPER_ENOTFOUND);
	ck_assert_int_eq(paper_ledger_load_broker(l, "nobody", &b), PAPER_ENOTFOUND);
	ck_assert_int_eq(paper_ledger_flush(NULL), PAPER_EINVAL);
	ck_ok(paper_ledger_flush(l));
	paper_ledger_close(l);
	paper_ledger_close(NULL);
}
END_TEST

/* ---- reopen equality ---- */

/*
 * Trade randomly in sessions: after each, the live broker equals a reader's rebuild, and after
 * it is freed, a broker reopened from the ledger equals that rebuild; trading then continues
 * on the reopened broker, appending to the same log.
 */
static void reopen_sessions(paper_durability mode, uint32_t batch, int sessions, int steps)
{
	paper_ledger *l = lu_open(path, mode, batch);
	paper_broker *b = lu_new_account(l, "acct");
	lu_sim sim;
	lu_sim_init(&sim, 0x5eed + (uint64_t)mode);
	for (int s = 0; s < sessions; s++) {
		for (int i = 0; i < steps; i++)
			lu_step(b, &sim);
		/* Marks are kept with snapshots; take one so the reader sees today's. */
		ck_ok(paper_broker_snapshot(b));
		paper_broker *reader = NULL;
		ck_ok(paper_ledger_load_broker(l, "acct", &reader));
		lu_assert_same(b, reader, sim.max_id);
		lu_assert_reconciles(reader);
		/* Marks move after the snapshot: freeing the broker keeps its last ones too. */
		for (int i = 0; i < 5; i++)
			ck_ok(paper_broker_on_quote(b, "AAA", sim.ts += PAPER_TS_PER_SECOND, 0, 0,
						    sim.px[0] *= 1.01));
		paper_broker *last = NULL;
		ck_ok(paper_ledger_load_broker(l, "acct", &last));
		lu_assert_reconciles(last);
		paper_broker_free(last);
		paper_broker_free(reader);
		ck_ok(paper_broker_snapshot(b));
		ck_ok(paper_ledger_load_broker(l, "acct", &reader));
		paper_broker_free(b);
		if (s % 2) { /* sometimes through a new ledger handle, as another run would */
			paper_ledger_close(l);
			l = lu_open(path, mode, batch);
		}
		ck_ok(paper_ledger_open_broker(l, "acct", &b));
		lu_assert_same(reader, b, sim.max_id);
		paper_broker_free(reader);
	}
	paper_account_info a = tu_account(b);
	ck_assert_uint_gt(a.fills, 200);
	ck_assert_uint_gt(a.closed_trades, 20);
	ck_assert_uint_gt(a.rejections, 0);
	paper_broker_free(b);
	paper_ledger_close(l);
}

START_TEST(reopen_equal_durable)
{
	reopen_sessions(PAPER_DURABLE, 1000, 3, 1000);
}
END_TEST

START_TEST(reopen_equal_batched)
{
	reopen_sessions(PAPER_BATCHED, 37, 4, 2500);
}
END_TEST

/* The raw log: every event type the driver can cause was recorded. */
START_TEST(log_has_every_event_type)
{
	paper_ledger *l = lu_open(path, PAPER_BATCHED, 500);
	paper_broker *b = lu_new_account(l, "acct");
	lu_sim sim;
	lu_sim_init(&sim, 99);
	for (int i = 0; i < 4000; i++)
		lu_step(b, &sim);
	paper_broker_free(b);
	paper_ledger_close(l);
	/* 1..10 from trading (TRADE_CLOSED is derived, never stored). */
	ck_assert_int_eq(ld_sql_int(path, "SELECT count(DISTINCT type) FROM events"), 9);
	ck_assert_int_eq(ld_sql_int(path, "SELECT count(*) - sum(paper) FROM events"), 0);
}
END_TEST

/* ---- several accounts ---- */

START_TEST(several_accounts)
{
	paper_ledger *l = lu_open(path, PAPER_BATCHED, 50);
	paper_broker *x = lu_new_account(l, "x-acct");
	paper_broker *y = lu_new_account(l, "y-acct");
	lu_sim sx, sy;
	lu_sim_init(&sx, 1);
	lu_sim_init(&sy, 2);
	for (int i = 0; i < 1500; i++) {
		lu_step(x, &sx);
		lu_step(y, &sy);
	}
	ck_ok(paper_broker_snapshot(x));
	ck_ok(paper_broker_snapshot(y));
	ck_assert_uint_eq(paper_ledger_account_count(l), 2);
	paper_broker *rx = NULL, *ry = NULL;
	ck_ok(paper_ledger_load_broker(l, "x-acct", &rx));
	ck_ok(paper_ledger_load_broker(l, "y-acct", &ry));
	lu_assert_same(x, rx, sx.max_id);
	lu_assert_same(y, ry, sy.max_id);
	ck_assert_int_ne(tu_account(rx).cash_e8, tu_account(ry).cash_e8);
	paper_broker_free(x);
	paper_broker_free(y);
	paper_ledger_close(l);
	l = lu_open(path, PAPER_DURABLE, 1);
	ck_ok(paper_ledger_open_broker(l, "y-acct", &y));
	ck_ok(paper_ledger_open_broker(l, "x-acct", &x));
	lu_assert_same(x, rx, sx.max_id);
	lu_assert_same(y, ry, sy.max_id);
	paper_broker_free(x);
	paper_broker_free(y);
	paper_broker_free(rx);
	paper_broker_free(ry);
	paper_ledger_close(l);
}
END_TEST

/* A contract defined on an account's broker is kept in the account's config rows (both
 * backends): a reopened broker values the position with it; the same definition again adds no
 * row; a replaced one leaves none of the old fields. */
START_TEST(defined_instrument_kept)
{
	paper_ledger *l = lu_open(path, PAPER_BATCHED, 50);
	paper_broker *b = lu_new_account(l, "acct");
	paper_instrument_spec es = PAPER_INSTRUMENT_SPEC_INIT;
	es.asset_class = PAPER_ASSET_FUTURE;
	es.multiplier = 50;
	es.tick_size = 0.5;
	ck_ok(paper_broker_define_instrument(b, "ESZ6", &es));
	es.tick_size = 0.25;
	es.initial_margin = 12000;
	ck_ok(paper_broker_define_instrument(b, "ESZ6", &es));
	ck_ok(paper_broker_on_bar(b, "ESZ6", T0, 5000, 5000, 5000, 5000, 100));
	tu_submit(b, "ESZ6", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 3, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, "ESZ6", T0 + 60 * PAPER_TS_PER_SECOND, 5001, 5002, 5000,
				  5001.5, 100));
	ck_ok(paper_broker_define_instrument(b, "ESZ6", &es));
	paper_account_info before = tu_account(b);
	paper_position_info p = PAPER_POSITION_INFO_INIT;
	ck_ok(paper_broker_position(b, "ESZ6", &p));
	double upnl = 3 * (5001.5 - p.avg_price) * 50; /* the multiplier: 50 */
	ck_assert_msg(fabs(before.unrealized_pnl - upnl) < 1e-6, "%.8f, %.8f at %.8f",
		      before.unrealized_pnl, upnl, p.avg_price);
	paper_broker_free(b);
	paper_ledger_close(l);
	char *rows = ld_sql_rows(path, "SELECT key, value FROM configs WHERE key LIKE "
				 "'instrument.%' ORDER BY key");
	ck_assert_str_eq(rows, "instrument.ESZ6.asset_class|future\n"
			       "instrument.ESZ6.initial_margin|12000\n"
			       "instrument.ESZ6.lot_size|1\n"
			       "instrument.ESZ6.min_qty|1\n"
			       "instrument.ESZ6.multiplier|50\n"
			       "instrument.ESZ6.settlement|cash\n"
			       "instrument.ESZ6.tick_size|0.25\n");
	g_free(rows);
	l = lu_open(path, PAPER_DURABLE, 1);
	ck_ok(paper_ledger_open_broker(l, "acct", &b));
	paper_account_info after = tu_account(b);
	ck_assert_int_eq(after.cash_e8, before.cash_e8);
	ck_assert(after.unrealized_pnl == before.unrealized_pnl && after.equity == before.equity);
	paper_broker_free(b);
	paper_ledger_close(l);
}
END_TEST

/* The view's value of query, in units of 1e-8 (SQLite's REAL and PostgreSQL's NUMERIC alike). */
static int64_t view_e8(const char *query)
{
	char *q = g_strdup_printf("SELECT CAST(round((%s) * 100000000) AS BIGINT)", query);
	int64_t v = ld_sql_int(path, q);
	g_free(q);
	return v;
}

/* The views in people's units value contracts as the broker does: an option's prices per
 * share and its money x 100, a future's x 50 and margined (equity = cash + unrealized P&L),
 * an expiry named as such. */
START_TEST(views_use_the_multiplier)
{
	paper_ledger *l = lu_open(path, PAPER_DURABLE, 1);
	paper_config *cfg = lu_config("acct");
	ck_ok(paper_config_set(cfg, "instrument.ESZ6.asset_class", "future"));
	ck_ok(paper_config_set(cfg, "instrument.ESZ6.multiplier", "50"));
	ck_ok(paper_config_set(cfg, "limits.max_position_fraction", "10"));
	ck_ok(paper_ledger_create_account(l, cfg));
	paper_config_free(cfg);
	paper_broker *b = NULL;
	ck_ok(paper_ledger_open_broker(l, "acct", &b));
	const char *opt = "SPY231117C00440000"; /* expires 2023-11-17 21:00 UTC */
	ck_ok(paper_broker_on_bar(b, "SPY", T0, 450, 450, 450, 450, 100));
	ck_ok(paper_broker_on_bar(b, opt, T0, 10.5, 10.5, 10.5, 10.5, 100));
	ck_ok(paper_broker_on_bar(b, "ESZ6", T0, 4500, 4500, 4500, 4500, 100));
	tu_submit(b, opt, PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 3, 0, 0, 0);
	tu_submit(b, "ESZ6", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 2, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, opt, T0 + MIN_US, 10.25, 11, 10, 10.75, 100));
	ck_ok(paper_broker_on_bar(b, "ESZ6", T0 + MIN_US, 4502, 4510, 4500, 4508.5, 100));
	ck_ok(paper_broker_snapshot(b));
	paper_position_info po = PAPER_POSITION_INFO_INIT, pf = PAPER_POSITION_INFO_INIT;
	ck_ok(paper_broker_position(b, opt, &po));
	ck_ok(paper_broker_position(b, "ESZ6", &pf));
	paper_account_info a = tu_account(b);
	char q[256];
	g_snprintf(q, sizeof q, "SELECT entry_price FROM positions_v WHERE symbol = '%s'", opt);
	ck_assert_int_eq(view_e8(q), llround(po.avg_price * 1e8));
	g_snprintf(q, sizeof q, "SELECT position_value FROM positions_v WHERE symbol = '%s'", opt);
	ck_assert_int_eq(view_e8(q), llround(po.market_value * 1e8)); /* 3 x 10.75 x 100 */
	ck_assert_int_eq(view_e8(q), 322500000000);
	ck_assert_int_eq(view_e8("SELECT unrealized_pnl FROM positions_v WHERE symbol = 'ESZ6'"),
			 llround(pf.unrealized_pnl * 1e8));
	ck_assert_int_eq(view_e8("SELECT avg_price FROM open_positions WHERE symbol = 'ESZ6'"),
			 llround(pf.avg_price * 1e8));
	/* Margined: the future adds its unrealized P&L, not its 450,850 notional. */
	ck_assert_int_eq(view_e8("SELECT equity FROM portfolio"), llround(a.equity * 1e8));
	ck_assert_int_eq(view_e8("SELECT long_value FROM portfolio"), 322500000000);
	g_snprintf(q, sizeof q, "SELECT avg_fill_price FROM orders_v WHERE symbol = '%s'", opt);
	ck_assert_int_eq(view_e8(q), llround(po.avg_price * 1e8));
	/* The option expires worthless against SPY at 430: exit reason expiry, price 0. */
	ck_ok(paper_broker_on_bar(b, "SPY", T0 + 2 * MIN_US, 430, 430, 430, 430, 100));
	ck_ok(paper_broker_on_bar(b, "SPY", T0 + 4 * INT64_C(86400000000), 431, 431, 431, 431, 100));
	g_snprintf(q, sizeof q, "SELECT count(*) FROM trades_v WHERE symbol = '%s' AND "
		   "exit_reason = 'expiry' AND exit_price = 0", opt);
	paper_broker_free(b);
	ck_assert_int_eq(ld_sql_int(path, q), 1);
	g_snprintf(q, sizeof q, "SELECT entry_price FROM trades_v WHERE symbol = '%s'", opt);
	ck_assert_int_eq(view_e8(q), llround(po.avg_price * 1e8));
	paper_ledger_close(l);
}
END_TEST

/* ---- one broker per account ---- */

START_TEST(account_in_use_same_process)
{
	paper_ledger *l = lu_open(path, PAPER_DURABLE, 1);
	paper_broker *a = lu_new_account(l, "acct"), *b = NULL;
	ck_assert_int_eq(paper_ledger_open_broker(l, "acct", &b), PAPER_EBUSY);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "account 'acct' is in use by another broker"));
	/* A second handle on the same file conflicts as well. */
	paper_ledger *l2 = lu_open(path, PAPER_DURABLE, 1);
	ck_assert_int_eq(paper_ledger_open_broker(l2, "acct", &b), PAPER_EBUSY);
	/* Readers never take the account. */
	ck_ok(paper_ledger_load_broker(l2, "acct", &b));
	paper_broker_free(b);
	paper_broker_free(a);
	ck_ok(paper_ledger_open_broker(l2, "acct", &b));
	paper_broker_free(b);
	paper_ledger_close(l2);
	paper_ledger_close(l);
}
END_TEST

typedef struct holder {
	int ready[2]; /* the child says it holds the account */
	int go[2];    /* the parent says it may let go */
	int hold_ms;  /* or it lets go by itself after this long (0: wait for go) */
} holder;

static int hold_account(void *arg)
{
	holder *h = arg;
	paper_ledger *l = NULL;
	paper_broker *b = NULL;
	CHILD_CHECK(1, paper_ledger_open(&l, path, NULL) == PAPER_OK);
	CHILD_CHECK(2, paper_ledger_open_broker(l, "acct", &b) == PAPER_OK);
	char c = 'r';
	CHILD_CHECK(3, write(h->ready[1], &c, 1) == 1);
	if (h->hold_ms)
		usleep((useconds_t)h->hold_ms * 1000);
	else
		CHILD_CHECK(4, read(h->go[0], &c, 1) == 1);
	paper_broker_free(b);
	paper_ledger_close(l);
	return 0;
}

static pid_t spawn_holder(holder *h)
{
	ck_assert_int_eq(pipe(h->ready), 0);
	ck_assert_int_eq(pipe(h->go), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(hold_account(h));
	char c;
	ck_assert_int_eq(read(h->ready[0], &c, 1), 1);
	return pid;
}

static void create_account_file(const char *account)
{
	paper_ledger *l = lu_open(path, PAPER_DURABLE, 1);
	paper_config *cfg = lu_config(account);
	ck_ok(paper_ledger_create_account(l, cfg));
	paper_config_free(cfg);
	paper_ledger_close(l);
}

START_TEST(account_in_use_other_process)
{
	create_account_file("acct");
	holder h = { .hold_ms = 0 };
	pid_t pid = spawn_holder(&h);
	paper_ledger *l = lu_open(path, PAPER_DURABLE, 1);
	paper_broker *b = NULL;
	ck_assert_int_eq(paper_ledger_open_broker(l, "acct", &b), PAPER_EBUSY);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "in use by another broker"));
	ck_ok(paper_ledger_load_broker(l, "acct", &b));
	paper_broker_free(b);
	ck_assert_int_eq(write(h.go[1], "g", 1), 1);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	expect_child_ok(status, "holder");
	ck_ok(paper_ledger_open_broker(l, "acct", &b));
	paper_broker_free(b);

	/* A holder killed outright does not leave the account locked: the kernel drops a file lock
	 * at once, a server the session's lock as soon as it reads the closed socket. */
	pid = spawn_holder(&h);
	ck_assert_int_eq(paper_ledger_open_broker(l, "acct", &b), PAPER_EBUSY);
	paper_ledger_close(l);
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
	o.busy_timeout_ms = ld_pg() ? 5000 : 0;
	ck_ok(paper_ledger_open(&l, path, &o));
	double t0 = now_s();
	ck_ok(paper_ledger_open_broker(l, "acct", &b));
	ck_assert_double_lt(now_s() - t0, 1.0);
	paper_broker_free(b);
	paper_ledger_close(l);
}
END_TEST

START_TEST(busy_timeout_waits)
{
	create_account_file("acct");
	holder h = { .hold_ms = 300 };
	pid_t pid = spawn_holder(&h);
	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
	paper_ledger *l = NULL;
	paper_broker *b = NULL;
	o.busy_timeout_ms = 60;
	ck_ok(paper_ledger_open(&l, path, &o));
	double t0 = now_s();
	ck_assert_int_eq(paper_ledger_open_broker(l, "acct", &b), PAPER_EBUSY);
	ck_assert_double_ge(now_s() - t0, 0.055);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "waited 60 ms"));
	paper_ledger_close(l);
	o.busy_timeout_ms = 10000;
	ck_ok(paper_ledger_open(&l, path, &o));
	t0 = now_s();
	ck_ok(paper_ledger_open_broker(l, "acct", &b));
	double waited = now_s() - t0;
	ck_assert_double_gt(waited, 0.05);
	ck_assert_double_lt(waited, 5.0);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	expect_child_ok(status, "holder");
	paper_broker_free(b);
	paper_ledger_close(l);
}
END_TEST

/* ---- readers while a writer trades ---- */

static int trade_for(void *arg)
{
	double seconds = *(double *)arg;
	paper_ledger *l = NULL;
	paper_broker *b = NULL;
	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
	o.durability = PAPER_BATCHED;
	o.batch_events = 8;
	o.batch_ms = 2;
	CHILD_CHECK(1, paper_ledger_open(&l, path, &o) == PAPER_OK);
	CHILD_CHECK(2, paper_ledger_open_broker(l, "acct", &b) == PAPER_OK);
	paper_order_request r = PAPER_ORDER_REQUEST_INIT;
	r.symbol = "AAA";
	r.qty = 3;
	double t0 = now_s();
	paper_ts ts = T0;
	for (long i = 0; now_s() - t0 < seconds; i++) {
		double px = 100.0 + (double)(i % 17);
		CHILD_CHECK(3, paper_broker_on_quote(b, "AAA", ts += PAPER_TS_PER_SECOND, px - 0.05,
						     px + 0.05, px) == PAPER_OK);
		r.side = i % 3 == 2 ? PAPER_SIDE_SELL : PAPER_SIDE_BUY;
		int rc = paper_broker_submit(b, &r, NULL);
		CHILD_CHECK(4, rc == PAPER_OK || rc == PAPER_EFUNDS || rc == PAPER_ELIMIT ||
				       rc == PAPER_EHALTED);
		if (i % 50 == 0)
			CHILD_CHECK(5, paper_broker_snapshot(b) == PAPER_OK);
	}
	paper_broker_free(b);
	paper_ledger_close(l);
	return 0;
}

START_TEST(reader_sees_consistent_state)
{
	create_account_file("acct");
	double seconds = 1.5;
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(trade_for(&seconds));
	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
	o.read_only = true;
	paper_ledger *l = NULL;
	ck_ok(paper_ledger_open(&l, path, &o));
	uint64_t fills = 0;
	int reads = 0, grew = 0;
	double t0 = now_s();
	while (now_s() - t0 < seconds + 0.2) {
		paper_broker *b = NULL;
		ck_ok(paper_ledger_load_broker(l, "acct", &b));
		lu_assert_reconciles(b);
		paper_account_info a = tu_account(b);
		ck_assert_uint_ge(a.fills, fills);
		grew += a.fills > fills;
		fills = a.fills;
		/* A fill's order and its trade come in the same commit: never one without the other. */
		ck_assert_uint_eq(a.closed_trades, paper_broker_trade_count(b));
		paper_broker_free(b);
		reads++;
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	expect_child_ok(status, "writer");
	ck_assert_int_gt(reads, 5);
	ck_assert_int_gt(grew, 2);
	paper_ledger_close(l);
}
END_TEST

/* Two processes write two accounts of one ledger at once: commits interleave, nothing is lost. */
typedef struct writer {
	const char *account;
	paper_durability mode;
	int report; /* pipe: the account as the child left it */
} writer;

static int write_account(void *arg)
{
	const writer *w = arg;
	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
	paper_ledger *l = NULL;
	paper_broker *b = NULL;
	o.durability = w->mode;
	o.batch_events = 16;
	/* This tests interleaving, not the timeout: on a loaded machine (CI runs two suites at
	 * once) another process's fsync'd commits can hold the lock past the 5 s default. */
	o.busy_timeout_ms = 60000;
	CHILD_CHECK(1, paper_ledger_open(&l, path, &o) == PAPER_OK);
	CHILD_CHECK(2, paper_ledger_open_broker(l, w->account, &b) == PAPER_OK);
	paper_order_request r = PAPER_ORDER_REQUEST_INIT;
	r.symbol = "AAA";
	r.qty = 2;
	for (int i = 0; i < 600; i++) {
		double px = 100.0 + (double)(i % 13) * (w->mode == PAPER_DURABLE ? 0.5 : 0.25);
		CHILD_CHECK(3, paper_broker_on_quote(b, "AAA", T0 + i * PAPER_TS_PER_SECOND, px - 0.05,
						     px + 0.05, px) == PAPER_OK);
		r.side = i % 2 ? PAPER_SIDE_SELL : PAPER_SIDE_BUY;
		int rc = paper_broker_submit(b, &r, NULL);
		CHILD_CHECK(4, rc == PAPER_OK || rc == PAPER_EHALTED);
	}
	CHILD_CHECK(5, paper_broker_snapshot(b) == PAPER_OK);
	paper_account_info a = PAPER_ACCOUNT_INFO_INIT;
	paper_broker_account(b, &a);
	CHILD_CHECK(6, write(w->report, &a, sizeof a) == (ssize_t)sizeof a);
	paper_broker_free(b);
	paper_ledger_close(l);
	return 0;
}

START_TEST(two_writers_one_ledger)
{
	paper_ledger *l = lu_open(path, PAPER_DURABLE, 1);
	const char *names[2] = { "one", "two" };
	pid_t pids[2];
	int fds[2][2];
	for (int k = 0; k < 2; k++) {
		paper_config *cfg = lu_config(names[k]);
		ck_ok(paper_ledger_create_account(l, cfg));
		paper_config_free(cfg);
	}
	for (int k = 0; k < 2; k++) {
		ck_assert_int_eq(pipe(fds[k]), 0);
		writer w = { names[k], k ? PAPER_BATCHED : PAPER_DURABLE, fds[k][1] };
		pids[k] = fork();
		ck_assert_int_ge(pids[k], 0);
		if (pids[k] == 0)
			_exit(write_account(&w));
		close(fds[k][1]);
	}
	for (int k = 0; k < 2; k++) {
		int status;
		paper_account_info child = PAPER_ACCOUNT_INFO_INIT;
		ck_assert_int_eq(waitpid(pids[k], &status, 0), pids[k]);
		expect_child_ok(status, names[k]);
		ck_assert_int_eq(read(fds[k][0], &child, sizeof child), (ssize_t)sizeof child);
		close(fds[k][0]);
		paper_broker *b = NULL;
		ck_ok(paper_ledger_load_broker(l, names[k], &b));
		paper_account_info a = tu_account(b);
		ck_assert_uint_gt(a.fills, 500);
		ck_assert_uint_eq(a.fills, child.fills);
		ck_assert_int_eq(a.cash_e8, child.cash_e8);
		ck_assert_int_eq(a.realized_pnl_e8, child.realized_pnl_e8);
		ck_assert_double_eq(a.equity, child.equity);
		lu_assert_reconciles(b);
		paper_broker_free(b);
	}
	paper_ledger_close(l);
}
END_TEST

/* ---- files that are not ledgers ---- */

static void expect_refused(const char *p, int code, const char *words)
{
	lu_file before = lu_file_read(p);
	paper_ledger *l = NULL;
	ck_assert_int_eq(paper_ledger_open(&l, p, NULL), code);
	ck_assert_ptr_null(l);
	tu_require(strstr(paper_last_error(), words) != NULL, "message '%s' lacks '%s'",
		   paper_last_error(), words);
	lu_file_assert_unchanged(p, &before);
	lu_assert_no_sidecars(p);
	lu_file_free(&before);
}

/* A ledger with a few hundred events, closed cleanly. */
static void make_real_ledger(void)
{
	paper_ledger *l = lu_open(path, PAPER_BATCHED, 100);
	paper_broker *b = lu_new_account(l, "acct");
	lu_sim sim;
	lu_sim_init(&sim, 5);
	for (int i = 0; i < 1500; i++)
		lu_step(b, &sim);
	paper_broker_free(b);
	paper_ledger_close(l);
}

START_TEST(garbage_empty_and_directory_refused)
{
	char *junk = g_malloc(65536);
	for (int i = 0; i < 65536; i++)
		junk[i] = (char)(i * 2654435761u >> 13);
	ck_assert(g_file_set_contents(path, junk, 65536, NULL));
	g_free(junk);
	expect_refused(path, PAPER_ECORRUPT, "not a paper ledger");

	/* The SQLite magic with nothing sane behind it. */
	char head[4096] = "SQLite format 3";
	ck_assert(g_file_set_contents(path, head, sizeof head, NULL));
	expect_refused(path, PAPER_ECORRUPT, "not a paper ledger");

	ck_assert(g_file_set_contents(path, "", 0, NULL));
	expect_refused(path, PAPER_ECORRUPT, "empty file");

	paper_ledger *l = NULL;
	ck_assert_int_eq(paper_ledger_open(&l, dir, NULL), PAPER_EIO);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "directory"));
}
END_TEST

START_TEST(truncated_refused)
{
	make_real_ledger();
	lu_file f = lu_file_read(path);
	ck_assert_uint_gt(f.len, 8 * 4096);
	/* Cut at half, and at half rounded to whole pages: both are short of the header's size. */
	ck_assert(g_file_set_contents(path, f.data, (gssize)(f.len / 2 + 100), NULL));
	expect_refused(path, PAPER_ECORRUPT, "truncated");
	ck_assert(g_file_set_contents(path, f.data, (gssize)(f.len / 2 / 4096 * 4096), NULL));
	expect_refused(path, PAPER_ECORRUPT, "truncated");
	/* An empty -wal (readers leave one) holds no pages: still truncated. */
	char *wal = g_strdup_printf("%s-wal", path);
	ck_assert(g_file_set_contents(wal, "", 0, NULL));
	paper_ledger *l = NULL;
	ck_assert_int_eq(paper_ledger_open(&l, path, NULL), PAPER_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "truncated"));
	remove(wal);
	g_free(wal);
	lu_file_free(&f);
}
END_TEST

/*
 * What stays of the ledger when an open is refused: its bytes (SQLite), or every table and
 * row of its schema (PostgreSQL).
 */
static char *fingerprint(void)
{
	if (!ld_pg()) {
		lu_file f = lu_file_read(path);
		char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)f.data,
							f.len);
		char *fp = g_strdup_printf("%s %lld.%09ld", sum, (long long)f.st.st_mtim.tv_sec,
					   f.st.st_mtim.tv_nsec);
		g_free(sum);
		lu_file_free(&f);
		return fp;
	}
	return ld_sql_rows(path, "SELECT c.relname, c.relkind, c.reltuples, "
			   "(SELECT count(*) FROM pg_class x WHERE x.relnamespace = c.relnamespace) "
			   "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
			   "n.nspname = current_schema() ORDER BY c.relname");
}

/* Refused with code and a message holding words, the ledger left as it was. */
static void expect_refused_any(int code, const char *words)
{
	if (!ld_pg()) {
		expect_refused(path, code, words);
		return;
	}
	char *before = fingerprint();
	paper_ledger *l = NULL;
	ck_assert_int_eq(paper_ledger_open(&l, path, NULL), code);
	ck_assert_ptr_null(l);
	tu_require(strstr(paper_last_error(), words) != NULL, "message '%s' lacks '%s'",
		   paper_last_error(), words);
	char *after = fingerprint();
	ck_assert_str_eq(before, after);
	g_free(before);
	g_free(after);
}

START_TEST(foreign_tables_refused)
{
	ld_sql(path, "CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('mine');");
	expect_refused_any(PAPER_ECORRUPT, "not a paper ledger");
	if (!ld_pg()) {
		expect_refused(path, PAPER_ECORRUPT, "SQLite database but not a paper ledger");
		/* Even one that borrowed our application id: no paper meta row, still refused. */
		ld_sql(path, "PRAGMA application_id = 1346457682;");
	} else {
		/* Even one with a meta table of its own: no paper format row, still refused. */
		ld_sql(path, "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);");
	}
	expect_refused_any(PAPER_ECORRUPT, "not a paper ledger");
	ck_assert_int_eq(ld_sql_int(path, "SELECT count(*) FROM notes"), 1);
}
END_TEST

START_TEST(newer_schema_refused)
{
	make_real_ledger();
	ld_sql(path, ld_dialect("PRAGMA user_version = 99;",
				"UPDATE meta SET value = '99' WHERE key = 'schema_version'"));
	expect_refused_any(PAPER_EVERSION, "newer libpaper");
	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
	o.read_only = true;
	paper_ledger *l = NULL;
	ck_assert_int_eq(paper_ledger_open(&l, path, &o), PAPER_EVERSION);
}
END_TEST

START_TEST(log_edits_refused)
{
	make_real_ledger();
	/* The log is append-only and every row is paper. */
	char err[512];
	ck_assert(!ld_sql_try(path, "DELETE FROM events WHERE seq = 3", err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "append-only"));
	ck_assert(!ld_sql_try(path, "UPDATE events SET cash_e8 = 0", err, sizeof err));
	ck_assert(!ld_sql_try(path, "UPDATE orders SET paper = 0", err, sizeof err));
	ck_assert(!ld_sql_try(path, "INSERT INTO marks (account, symbol, price_e8, ts, paper) "
			      "VALUES (1, 'ZZZ', 1, 1, 0)", err, sizeof err));
	if (ld_pg())
		ck_assert(!ld_sql_try(path, "TRUNCATE events CASCADE", err, sizeof err));
	/* Past the triggers (a tool that drops them): the replay notices the gap. */
	ld_sql(path, ld_dialect("DROP TRIGGER events_append_only_d; DELETE FROM events WHERE seq = 3",
				"DROP TRIGGER events_append_only ON events; "
				"DELETE FROM events WHERE seq = 3"));
	paper_ledger *l = lu_open(path, PAPER_DURABLE, 1);
	paper_broker *b = NULL;
	ck_assert_int_eq(paper_ledger_load_broker(l, "acct", &b), PAPER_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "out of sequence"));
	ck_assert_int_eq(paper_ledger_open_broker(l, "acct", &b), PAPER_ECORRUPT);
	paper_ledger_close(l);
}
END_TEST

/* ---- read-only media ---- */

/* What a read-only ledger allows: reading, and nothing that writes. */
static int read_only_checks(void *arg)
{
	const paper_account_info *want = arg;
	paper_ledger *l = NULL;
	paper_broker *b = NULL;
	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
	CHILD_CHECK(1, paper_ledger_open(&l, path, NULL) == PAPER_EIO);
	CHILD_CHECK(2, strstr(paper_last_error(), "read-only") != NULL ||
			       strstr(paper_last_error(), "read_only") != NULL);
	o.read_only = true;
	CHILD_CHECK(3, paper_ledger_open(&l, path, &o) == PAPER_OK);
	CHILD_CHECK(4, paper_ledger_load_broker(l, "acct", &b) == PAPER_OK);
	paper_account_info a = PAPER_ACCOUNT_INFO_INIT;
	CHILD_CHECK(5, paper_broker_account(b, &a) == PAPER_OK && a.cash_e8 == want->cash_e8 &&
			       a.fills == want->fills);
	paper_broker_free(b);
	CHILD_CHECK(6, paper_ledger_open_broker(l, "acct", &b) == PAPER_ESTATE);
	paper_config *cfg = NULL;
	CHILD_CHECK(7, paper_config_new(&cfg) == PAPER_OK);
	CHILD_CHECK(8, paper_ledger_create_account(l, cfg) == PAPER_ESTATE);
	paper_config_free(cfg);
	paper_decision d = PAPER_DECISION_INIT;
	g_strlcpy(d.symbol, "AAA", sizeof d.symbol);
	d.side = PAPER_SIDE_BUY;
	d.confidence = 0.5;
	CHILD_CHECK(9, paper_ledger_decision_add(l, "acct", &d, NULL) == PAPER_ESTATE);
	paper_ledger_close(l);
	return 0;
}

/* As root, permissions do not bind: make the directory a read-only mount in a private mount
 * namespace instead. Returns 0, or 100 when the namespace is not available here. */
static int read_only_mount_checks(void *arg)
{
	if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount(dir, dir, NULL, MS_BIND, NULL) != 0 ||
	    mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) != 0)
		return 100;
	int fd = open(path, O_WRONLY);
	if (fd >= 0)
		return 101;
	return read_only_checks(arg);
}

START_TEST(read_only_media)
{
	make_real_ledger();
	paper_ledger *l = lu_open(path, PAPER_DURABLE, 1);
	paper_broker *b = NULL;
	ck_ok(paper_ledger_load_broker(l, "acct", &b));
	paper_account_info want = tu_account(b);
	paper_broker_free(b);
	paper_ledger_close(l);
	lu_file before = lu_file_read(path);
	int status;
	if (geteuid() != 0) {
		ck_assert_int_eq(chmod(path, 0444), 0);
		ck_assert_int_eq(chmod(dir, 0555), 0);
		status = in_child(read_only_checks, &want);
		chmod(dir, 0755);
		chmod(path, 0644);
		expect_child_ok(status, "read-only directory and file");
	} else {
		status = in_child(read_only_mount_checks, &want);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 100) {
			fprintf(stderr, "read_only_media: running as root without mount namespaces: "
				"permissions cannot be enforced here, so only the read_only option "
				"is checked\n");
			ck_assert_int_eq(chmod(path, 0444), 0);
			paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
			o.read_only = true;
			ck_ok(paper_ledger_open(&l, path, &o));
			ck_assert_int_eq(paper_ledger_open_broker(l, "acct", &b), PAPER_ESTATE);
			paper_ledger_close(l);
		} else {
			expect_child_ok(status, "read-only mount");
		}
	}
	lu_file_assert_unchanged(path, &before);
	lu_file_free(&before);
}
END_TEST

/* The read_only option never writes, even on writable media. */
START_TEST(read_only_option_writes_nothing)
{
	make_real_ledger();
	char *before = fingerprint();
	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
	paper_ledger *l = NULL;
	paper_broker *b = NULL;
	o.read_only = true;
	ck_ok(paper_ledger_open(&l, path, &o));
	ck_ok(paper_ledger_load_broker(l, "acct", &b));
	ck_ok(paper_broker_on_quote(b, "AAA", T0 + 1000 * HOUR_US, 0, 0, 10)); /* detached: ok */
	paper_broker_free(b);
	ck_assert_int_eq(paper_ledger_open_broker(l, "acct", &b), PAPER_ESTATE);
	ck_assert_int_eq(paper_ledger_decision_mark(l, 1, PAPER_DECISION_SKIPPED, 0), PAPER_ESTATE);
	ck_assert_int_eq(paper_ledger_import(l, dir, "x"), PAPER_ESTATE);
	paper_ledger_close(l);
	char *after = fingerprint();
	ck_assert_str_eq(before, after);
	g_free(before);
	g_free(after);
}
END_TEST

/* ---- a full disk ---- */

static off_t file_size(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 ? st.st_size : 0;
}

typedef struct full_disk {
	paper_durability mode;
} full_disk;

/* Trade until a write fails (at most max steps); returns the step, or -1. */
static int trade_until_full(paper_broker *b, lu_sim *s, int max, int *failed_rc)
{
	paper_order_request r = PAPER_ORDER_REQUEST_INIT;
	r.symbol = "AAA";
	r.qty = 2;
	for (int i = 0; i < max; i++) {
		double px = 50.0 + (double)(i % 7);
		int rc = paper_broker_on_quote(b, "AAA", s->ts += PAPER_TS_PER_SECOND, px - 0.01,
					       px + 0.01, px);
		if (rc == PAPER_OK) {
			r.side = i % 2 ? PAPER_SIDE_SELL : PAPER_SIDE_BUY;
			rc = paper_broker_submit(b, &r, NULL);
			if (rc == PAPER_EFUNDS)
				rc = PAPER_OK;
		}
		if (rc == PAPER_OK && i % 10 == 0)
			rc = paper_broker_snapshot(b);
		if (rc != PAPER_OK) {
			*failed_rc = rc;
			return i;
		}
	}
	return -1;
}

static int full_disk_child(void *arg)
{
	const full_disk *fd = arg;
	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
	paper_ledger *l = NULL;
	paper_broker *b = NULL, *disk = NULL;
	paper_config *cfg = NULL;
	o.durability = fd->mode;
	o.batch_events = 16;
	CHILD_CHECK(1, paper_ledger_open(&l, path, &o) == PAPER_OK);
	CHILD_CHECK(2, paper_config_new(&cfg) == PAPER_OK &&
			       paper_config_set(cfg, "account.name", "acct") == PAPER_OK &&
			       paper_config_set(cfg, "limits.min_confidence", "0") == PAPER_OK);
	CHILD_CHECK(3, paper_ledger_create_account(l, cfg) == PAPER_OK);
	paper_config_free(cfg);
	CHILD_CHECK(4, paper_ledger_open_broker(l, "acct", &b) == PAPER_OK);
	lu_sim s;
	lu_sim_init(&s, 3);
	int rc = PAPER_OK;
	/* Past the limit a write gets EFBIG instead of SIGXFSZ: a full disk as SQLite sees it. */
	signal(SIGXFSZ, SIG_IGN);
	char *wal = g_strdup_printf("%s-wal", path);
	off_t biggest = MAX(file_size(path), file_size(wal));
	struct rlimit lim = { .rlim_cur = (rlim_t)biggest + 48 * 1024, .rlim_max = RLIM_INFINITY };
	CHILD_CHECK(5, setrlimit(RLIMIT_FSIZE, &lim) == 0);
	int steps = trade_until_full(b, &s, 200000, &rc);
	CHILD_CHECK(6, steps > 0 && rc == PAPER_EIO);
	CHILD_CHECK(7, strstr(paper_last_error(), "file size limit") != NULL);
	lim.rlim_cur = RLIM_INFINITY;
	CHILD_CHECK(8, setrlimit(RLIMIT_FSIZE, &lim) == 0);
	if (fd->mode == PAPER_DURABLE) {
		/* The failed event was refused: the account in memory is the one on disk. */
		paper_account_info mem = PAPER_ACCOUNT_INFO_INIT, dsk = PAPER_ACCOUNT_INFO_INIT;
		CHILD_CHECK(9, paper_ledger_load_broker(l, "acct", &disk) == PAPER_OK);
		paper_broker_account(b, &mem);
		paper_broker_account(disk, &dsk);
		CHILD_CHECK(16, mem.cash_e8 == dsk.cash_e8 && mem.fills == dsk.fills &&
				        mem.open_orders == dsk.open_orders &&
				        mem.closed_trades == dsk.closed_trades &&
				        mem.rejections == dsk.rejections);
		paper_broker_free(disk);
		/* The quote's market data (clock, mark) is not an event: the next snapshot saves it,
		 * and then everything is equal. */
		CHILD_CHECK(17, paper_broker_snapshot(b) == PAPER_OK);
		CHILD_CHECK(9, paper_ledger_load_broker(l, "acct", &disk) == PAPER_OK);
		const char *d = lu_diff(b, disk, 1000000);
		if (d)
			fprintf(stderr, "after the failure: %s\n", d);
		CHILD_CHECK(10, d == NULL);
		paper_broker_free(disk);
		CHILD_CHECK(11, trade_until_full(b, &s, 50, &rc) < 0);
	} else {
		/* Applied events were lost with the group: the broker refuses to go on. */
		CHILD_CHECK(12, paper_broker_snapshot(b) == PAPER_EIO);
		CHILD_CHECK(13, strstr(paper_last_error(), "reopen the account") != NULL);
	}
	paper_broker_free(b);
	/* Whatever happened, reopening gives a consistent account. */
	CHILD_CHECK(14, paper_ledger_open_broker(l, "acct", &b) == PAPER_OK);
	paper_account_info a = PAPER_ACCOUNT_INFO_INIT;
	CHILD_CHECK(15, paper_broker_account(b, &a) == PAPER_OK && a.fills > 0);
	paper_broker_free(b);
	paper_ledger_close(l);
	g_free(wal);
	return 0;
}

START_TEST(disk_full_durable)
{
	full_disk fd = { PAPER_DURABLE };
	expect_child_ok(in_child(full_disk_child, &fd), "disk full, durable");
}
END_TEST

START_TEST(disk_full_batched)
{
	full_disk fd = { PAPER_BATCHED };
	expect_child_ok(in_child(full_disk_child, &fd), "disk full, batched");
}
END_TEST

/* ---- export and import ---- */

/* Split one CSV line into fields (quotes as RFC 4180 writes them). */
static GPtrArray *csv_fields(const char *line)
{
	GPtrArray *f = g_ptr_array_new_with_free_func(g_free);
	GString *cur = g_string_new(NULL);
	bool quoted = false;
	for (const char *p = line;; p++) {
		if (quoted && *p == '"' && p[1] == '"') {
			g_string_append_c(cur, '"');
			p++;
		} else if (*p == '"') {
			quoted = !quoted;
		} else if ((*p == ',' && !quoted) || *p == '\0') {
			g_ptr_array_add(f, g_strdup(cur->str));
			g_string_truncate(cur, 0);
			if (*p == '\0')
				break;
		} else {
			g_string_append_c(cur, *p);
		}
	}
	g_string_free(cur, TRUE);
	return f;
}

/* An exact decimal back to fixed point. */
static int64_t e8_of(const char *s)
{
	bool neg = *s == '-';
	int64_t ip = 0, fp = 0, scale = 100000000;
	s += neg;
	while (*s >= '0' && *s <= '9')
		ip = ip * 10 + (*s++ - '0');
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			fp += (*s - '0') * (scale /= 10);
	ck_assert_int_eq(*s, '\0');
	int64_t v = ip * 100000000 + fp;
	return neg ? -v : v;
}

typedef struct csv_file {
	GPtrArray *header;
	GPtrArray *rows; /* GPtrArray * of fields */
} csv_file;

static csv_file csv_read(const char *name)
{
	char *p = g_build_filename(dir, "out", name, NULL), *text = NULL;
	tu_require(g_file_get_contents(p, &text, NULL, NULL), "%s missing", p);
	char **lines = g_strsplit(text, "\n", -1);
	csv_file c = { csv_fields(lines[0]), g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref) };
	ck_assert_str_eq(g_ptr_array_index(c.header, c.header->len - 1), "paper");
	ck_assert_str_eq(g_ptr_array_index(c.header, 0), "account");
	for (int i = 1; lines[i] && lines[i][0]; i++) {
		GPtrArray *f = csv_fields(lines[i]);
		tu_require(f->len == c.header->len, "%s line %d has %u fields, header %u", name, i,
			   f->len, c.header->len);
		ck_assert_str_eq(g_ptr_array_index(f, f->len - 1), "1");
		ck_assert_str_eq(g_ptr_array_index(f, 0), "acct");
		g_ptr_array_add(c.rows, f);
	}
	g_strfreev(lines);
	g_free(text);
	g_free(p);
	return c;
}

static int col(const csv_file *c, const char *name)
{
	for (guint i = 0; i < c->header->len; i++)
		if (strcmp(g_ptr_array_index(c->header, i), name) == 0)
			return (int)i;
	ck_abort_msg("no column %s", name);
	return -1;
}

static int64_t col_sum(const csv_file *c, const char *name)
{
	int k = col(c, name);
	int64_t sum = 0;
	for (guint i = 0; i < c->rows->len; i++)
		sum += e8_of(g_ptr_array_index((GPtrArray *)g_ptr_array_index(c->rows, i), k));
	return sum;
}

static void csv_free(csv_file *c)
{
	g_ptr_array_unref(c->header);
	g_ptr_array_unref(c->rows);
}

/* An account with history: trades, open positions, a long run of days. */
static paper_broker *traded_account(paper_ledger *l, lu_sim *sim)
{
	paper_broker *b = lu_new_account(l, "acct");
	lu_sim_init(sim, 77);
	for (int i = 0; i < 3000; i++)
		lu_step(b, sim);
	ck_ok(paper_broker_snapshot(b));
	return b;
}

START_TEST(export_files)
{
	paper_ledger *l = lu_open(path, PAPER_BATCHED, 100);
	lu_sim sim;
	paper_broker *b = traded_account(l, &sim);
	char *out = g_build_filename(dir, "out", NULL);
	ck_assert_int_eq(paper_ledger_export(l, "acct", out, 0), PAPER_EINVAL);
	ck_assert_int_eq(paper_ledger_export(l, "nobody", out, PAPER_EXPORT_ALL), PAPER_ENOTFOUND);
	ck_ok(paper_ledger_export(l, "acct", out, PAPER_EXPORT_ALL));
	paper_account_info a = tu_account(b);

	csv_file orders = csv_read("orders.csv");
	ck_assert_uint_eq(orders.rows->len, sim.max_id);
	csv_file fills = csv_read("fills.csv");
	ck_assert_uint_eq(fills.rows->len, a.fills);
	ck_assert_int_eq(col_sum(&fills, "fee"), a.fees_e8);
	ck_assert_int_eq(col_sum(&fills, "realized_pnl"), a.realized_pnl_e8);
	ck_assert_int_eq(col_sum(&fills, "qty"), col_sum(&orders, "filled_qty"));
	csv_file trades = csv_read("trades.csv");
	ck_assert_uint_eq(trades.rows->len, a.closed_trades);
	/* Each trade's outcome is the sign of its net P&L. */
	int c_net = col(&trades, "pnl_net"), c_out = col(&trades, "outcome");
	for (guint i = 0; i < trades.rows->len; i++) {
		GPtrArray *row = g_ptr_array_index(trades.rows, i);
		int64_t net = e8_of(g_ptr_array_index(row, c_net));
		ck_assert_str_eq(g_ptr_array_index(row, c_out),
				 net > 0 ? "win" : net < 0 ? "loss" : "breakeven");
	}
	csv_file positions = csv_read("positions.csv");
	ck_assert_uint_eq(positions.rows->len, a.open_positions);
	int64_t basis = 0;
	for (size_t i = 0; i < paper_broker_position_count(b); i++) {
		paper_position_info p = PAPER_POSITION_INFO_INIT;
		ck_ok(paper_broker_position_at(b, i, &p));
		basis += p.cost_basis_e8;
	}
	ck_assert_int_eq(col_sum(&positions, "cost_basis"), basis);
	csv_file pnl = csv_read("pnl_ledger.csv");
	ck_assert_uint_gt(pnl.rows->len, 3);
	ck_assert_int_eq(col_sum(&pnl, "realized_pnl"), a.realized_pnl_e8);
	ck_assert_int_eq(col_sum(&pnl, "fees"), a.fees_e8);
	ck_assert_int_eq(col_sum(&pnl, "trades"), (int64_t)a.closed_trades * 100000000);
	/* The days chain: each ends where the next begins; the last at the account's equity. */
	int c_start = col(&pnl, "start_equity"), c_end = col(&pnl, "end_equity");
	for (guint i = 0; i + 1 < pnl.rows->len; i++) {
		GPtrArray *row = g_ptr_array_index(pnl.rows, i), *next = g_ptr_array_index(pnl.rows, i + 1);
		ck_assert_int_eq(e8_of(g_ptr_array_index(row, c_end)),
				 e8_of(g_ptr_array_index(next, c_start)));
	}
	GPtrArray *last = g_ptr_array_index(pnl.rows, pnl.rows->len - 1);
	ck_assert_int_eq(e8_of(g_ptr_array_index(last, c_end)), llround(a.equity * 1e8));
	csv_free(&orders);
	csv_free(&fills);
	csv_free(&trades);
	csv_free(&positions);
	csv_free(&pnl);

	char *state = g_build_filename(out, "state.json", NULL), *text = NULL;
	ck_assert(g_file_get_contents(state, &text, NULL, NULL));
	ck_assert_ptr_nonnull(strstr(text, "\"paper\": true"));
	ck_assert_ptr_nonnull(strstr(text, "\"format\": \"libpaper-state\""));
	g_free(text);
	g_free(state);
	g_free(out);
	paper_broker_free(b);
	paper_ledger_close(l);
}
END_TEST

/* What a saved state must give back: the account's money and its positions, exactly. */
static void assert_same_account_and_positions(paper_broker *x, paper_broker *y)
{
	paper_account_info a = tu_account(x), c = tu_account(y);
	ck_assert_int_eq(a.ts, c.ts);
	ck_assert_int_eq(a.cash_e8, c.cash_e8);
	ck_assert_int_eq(a.realized_pnl_e8, c.realized_pnl_e8);
	ck_assert_int_eq(a.fees_e8, c.fees_e8);
	ck_assert_int_eq(a.starting_cash_e8, c.starting_cash_e8);
	ck_assert_double_eq(a.equity, c.equity);
	ck_assert_double_eq(a.long_value, c.long_value);
	ck_assert_double_eq(a.short_value, c.short_value);
	ck_assert_double_eq(a.unrealized_pnl, c.unrealized_pnl);
	ck_assert_uint_eq(a.open_positions, c.open_positions);
	ck_assert_uint_gt(a.open_positions, 0);
	for (size_t i = 0; i < a.open_positions; i++) {
		paper_position_info p = PAPER_POSITION_INFO_INIT, q = PAPER_POSITION_INFO_INIT;
		ck_ok(paper_broker_position_at(x, i, &p));
		ck_ok(paper_broker_position(y, p.symbol, &q));
		tu_require(memcmp(&p, &q, sizeof p) == 0, "position %s differs", p.symbol);
	}
}

START_TEST(import_round_trip)
{
	paper_ledger *l = lu_open(path, PAPER_DURABLE, 1);
	lu_sim sim;
	paper_broker *b = traded_account(l, &sim);
	/* Leave positions open on the way out. */
	for (int i = 0; i < 3 && paper_broker_position_count(b) == 0; i++)
		lu_step(b, &sim);
	char *out = g_build_filename(dir, "out", NULL);
	char *state = g_build_filename(out, "state.json", NULL);
	ck_ok(paper_ledger_export(l, "acct", out, PAPER_EXPORT_STATE));
	ck_ok(paper_ledger_import(l, state, "copy"));
	ck_assert_int_eq(paper_ledger_import(l, state, "copy"), PAPER_ESTATE);
	ck_assert_int_eq(paper_ledger_import(l, state, NULL), PAPER_ESTATE); /* "acct" exists */
	ck_assert_int_eq(paper_ledger_import(l, state, "bad name!"), PAPER_EINVAL);
	ck_assert_uint_eq(paper_ledger_account_count(l), 2);
	paper_broker *c = NULL;
	ck_ok(paper_ledger_open_broker(l, "copy", &c));
	assert_same_account_and_positions(b, c);
	paper_config *cfg = NULL;
	ck_ok(paper_ledger_account_config(l, "copy", &cfg));
	char name[32];
	ck_ok(paper_config_get_string(cfg, "account.name", name, sizeof name, NULL));
	ck_assert_str_eq(name, "copy");
	paper_config_free(cfg);
	/* The copy trades on from there, and reopens the same. */
	sim.rng = 1234;
	for (int i = 0; i < 300; i++)
		lu_step(c, &sim);
	ck_ok(paper_broker_snapshot(c));
	paper_broker *r = NULL;
	ck_ok(paper_ledger_load_broker(l, "copy", &r));
	lu_assert_same(c, r, sim.max_id);
	lu_assert_reconciles(r);
	paper_broker_free(r);
	paper_broker_free(c);

	/* Into another ledger, under the name the file carries. */
	char *other = ld_location(dir, "other.db");
	paper_ledger *l2 = lu_open(other, PAPER_DURABLE, 1);
	ck_ok(paper_ledger_import(l2, state, NULL));
	ck_ok(paper_ledger_open_broker(l2, "acct", &c));
	assert_same_account_and_positions(b, c);
	paper_broker_free(c);
	paper_ledger_close(l2);
	g_free(other);
	paper_broker_free(b);
	paper_ledger_close(l);
	g_free(state);
	g_free(out);
}
END_TEST

typedef struct mutation {
	const char *pattern;     /* GRegex */
	const char *replacement;
	int code;
	const char *words;       /* expected in the message */
} mutation;

static const mutation mutations[] = {
	{ "^\\{", "{\"extra\": 1, ", PAPER_EFORMAT, "'extra' is not part" },
	{ "^\\{", "{\"format\": \"libpaper-state\", ", PAPER_EFORMAT, "duplicate key" },
	{ "\\}\\s*\\z", "},", PAPER_EFORMAT, "text after" },
	{ "\"paper\": true", "\"paper\": false", PAPER_EFORMAT, "'paper'" },
	{ "\"paper\": true,", "", PAPER_EFORMAT, "'paper' is missing" },
	{ "\"format_version\": 1", "\"format_version\": 2", PAPER_EVERSION, "format_version" },
	{ "\"cash_e8\": (-?\\d+)", "\"cash_e8\": \"\\1\"", PAPER_EFORMAT, "'cash_e8' must be a number" },
	{ "\"cash_e8\": (-?\\d+)", "\"cash_e8\": \\g<1>1", PAPER_EFORMAT, "'cash'" },
	{ "\"fees_e8\": (\\d+)", "\"fees_e8\": 1.5", PAPER_EFORMAT, "'fees_e8' must be an integer" },
	{ "\"account.currency\": \"USD\"", "\"account.currency\": \"usd\"", PAPER_EFORMAT,
	  "config.account.currency" },
	{ "\"connection.alpaca_base_url\": \"[^\"]*\"",
	  "\"connection.alpaca_base_url\": \"https://api.alpaca.markets\"", PAPER_ESAFETY, "" },
	{ "\"qty_e8\": (-?\\d+)", "\"qty_e8\": 0", PAPER_EFORMAT, "positions[0]" },
	{ "\"symbol\": \"[A-Z]+\"", "\"symbol\": \"bad symbol\"", PAPER_EFORMAT, "symbol" },
	{ "\"starting_cash_e8\": \\d+", "\"starting_cash_e8\": 5", PAPER_EFORMAT, "starting_cash" },
	{ "\"ts\": (\\d+)", "\"ts\": 1e3", PAPER_EFORMAT, "'ts'" },
	{ "\"strategy\": \"[^\"]*\"", "\"strategy\": \"\\\\u0000\"", PAPER_EFORMAT, "\\u0000" },
	{ "\"signal_id\": \"[^\"]*\"", "\"signal_id\": \"\\\\ud800\"", PAPER_EFORMAT, "surrogate" },
	{ "^", "// comment\n", PAPER_EFORMAT, "line 1, column 1" },
};

/* good with the first match of pattern replaced (GRegex references allowed). */
static char *mutate(const char *good, const mutation *m)
{
	GRegex *re = g_regex_new(m->pattern, G_REGEX_MULTILINE, 0, NULL);
	GMatchInfo *mi = NULL;
	ck_assert_ptr_nonnull(re);
	tu_require(g_regex_match(re, good, 0, &mi), "pattern %s matches nothing", m->pattern);
	int s = 0, e = 0;
	g_match_info_fetch_pos(mi, 0, &s, &e);
	char *piece = g_match_info_expand_references(mi, m->replacement, NULL);
	char *text = g_strdup_printf("%.*s%s%s", s, good, piece, good + e);
	g_free(piece);
	g_match_info_free(mi);
	g_regex_unref(re);
	return text;
}

/* One order of an edge test account, filled on the next quote (zero costs). */
static void edge_fill(paper_broker *b, const char *sym, paper_side side, double qty, double px,
		      paper_ts *ts, const char *strategy, const char *signal, double confidence)
{
	paper_order_request r = PAPER_ORDER_REQUEST_INIT;
	ck_ok(paper_broker_on_quote(b, sym, ++*ts, px, px, px));
	r.symbol = sym;
	r.side = side;
	r.qty = qty;
	r.strategy = strategy;
	r.signal_id = signal;
	r.confidence = confidence;
	ck_ok(paper_broker_submit(b, &r, NULL));
	ck_ok(paper_broker_on_quote(b, sym, ++*ts, px, px, px));
}

/*
 * Accounts at the edges: the largest and the smallest amounts, long and short, symbols of
 * every allowed character and of 31 bytes, tags with quotes, backslashes and characters beyond
 * ASCII, no confidence and the extreme ones, a round trip closed at a loss, marks of symbols
 * without a position, an odd ledger.location, a clock with microseconds far in the future.
 */
static paper_broker *edge_account(paper_ledger *l, const char *name, int variant)
{
	paper_config *cfg = NULL;
	ck_ok(paper_config_new(&cfg));
	ck_ok(paper_config_set(cfg, "account.name", name));
	const char *cash[] = { "10000000000", "0.01", "1234567890.12345678", "0.07" };
	ck_ok(paper_config_set(cfg, "account.starting_cash", cash[variant]));
	ck_ok(paper_config_set(cfg, "account.type", variant == 1 ? "cash" : "margin"));
	ck_ok(paper_config_set(cfg, "costs.commission_pct", "0"));
	ck_ok(paper_config_set(cfg, "costs.commission_min", "0"));
	ck_ok(paper_config_set(cfg, "costs.slippage_pct", "0"));
	ck_ok(paper_config_set(cfg, "limits.max_position_fraction", "100"));
	ck_ok(paper_config_set(cfg, "limits.min_confidence", "0"));
	ck_ok(paper_config_set(cfg, "limits.max_order_notional", "10000000000"));
	ck_ok(paper_config_set(cfg, "limits.allowed_symbols", variant ? "" :
			       "BRK.B, EUR/USD,^GSPC ,ES=F,A:B,X-Y_Z,LONGSYMBOL-ABCDEFGHIJKLMNOPQRST"));
	ck_ok(paper_config_set(cfg, "ledger.location", "/tmp/we\"ird\\path/\xc3\x84\xe2\x82\xac "
			       "ledger.db"));
	ck_ok(paper_ledger_create_account(l, cfg));
	paper_config_free(cfg);
	paper_broker *b = NULL;
	ck_ok(paper_ledger_open_broker(l, name, &b));
	paper_ts ts = INT64_C(253402300799000000) - 1000000 + 123; /* 9999-12-31T23:59:58.000123 */
	if (variant) { /* the smallest: one unit of 1e-8; starting cash of many digits */
		edge_fill(b, "TINY", PAPER_SIDE_BUY, 1, 0.00000001, &ts, "", "", -1.0);
		ck_ok(paper_broker_mark(b, "OTHER", ++ts, 0.00000001));
		ck_ok(paper_broker_snapshot(b));
		return b;
	}
	const char *tag = "q\"uote\\back\\slash \xc3\x84\xe2\x82\xac\xf0\x9d\x84\x9e <&>";
	edge_fill(b, "BRK.B", PAPER_SIDE_BUY, 100000, 90000, &ts, tag, "sig-\"1\"", 1.0);
	edge_fill(b, "EUR/USD", PAPER_SIDE_SELL, 0.00000001, 0.00000001, &ts, "", "", -1.0);
	edge_fill(b, "^GSPC", PAPER_SIDE_SELL, 3, 5000.12345678, &ts, "s", "x", 0.0);
	edge_fill(b, "ES=F", PAPER_SIDE_BUY, 2, 100, &ts, "t", "y", 0.1);
	edge_fill(b, "ES=F", PAPER_SIDE_SELL, 2, 99.99999999, &ts, "t", "y", 5e-324); /* closed, a loss */
	edge_fill(b, "A:B", PAPER_SIDE_BUY, 123456.78901234, 0.5, &ts, "\xe6\xbc\xa2\xe5\xad\x97", "z",
		  0.123456789012345678);
	edge_fill(b, "LONGSYMBOL-ABCDEFGHIJKLMNOPQRST", PAPER_SIDE_BUY, 1, 1, &ts, "l", "l", 1);
	ck_ok(paper_broker_mark(b, "X-Y_Z", ++ts, 42.42424242)); /* a mark, no position */
	/* What no JSON could carry is refused at the door. */
	paper_order_request r = PAPER_ORDER_REQUEST_INIT;
	r.symbol = "X-Y_Z";
	r.side = PAPER_SIDE_BUY;
	r.qty = 1;
	r.strategy = "caf\xe9";
	ck_assert_int_eq(paper_broker_submit(b, &r, NULL), PAPER_EINVAL);
	paper_config *c = NULL;
	ck_ok(paper_config_new(&c));
	ck_assert_int_eq(paper_config_set(c, "ledger.location", "/tmp/caf\xe9.db"), PAPER_ECONFIG);
	paper_config_free(c);
	ck_ok(paper_broker_snapshot(b));
	return b;
}

START_TEST(state_json_always_reimports)
{
	paper_ledger *l = lu_open(path, PAPER_DURABLE, 1);
	char *out = g_build_filename(dir, "edge", NULL);
	char *state = g_build_filename(out, "state.json", NULL);
	const char *names[] = { "edge-big", "edge.tiny", "edge_digits", "edge-cents" };
	for (int v = 0; v < 4; v++) {
		paper_broker *b = edge_account(l, names[v], v);
		ck_ok(paper_ledger_export(l, names[v], out, PAPER_EXPORT_STATE));
		char copy[32];
		g_snprintf(copy, sizeof copy, "copy-%d", v);
		int rc = paper_ledger_import(l, state, copy);
		ck_assert_msg(rc == PAPER_OK, "%s: the export does not import: %s", names[v],
			      paper_last_error());
		paper_broker *c = NULL;
		ck_ok(paper_ledger_open_broker(l, copy, &c));
		assert_same_account_and_positions(b, c);
		/* The config came across whole, the odd location included. */
		paper_config *x = NULL, *y = NULL;
		ck_ok(paper_ledger_account_config(l, names[v], &x));
		ck_ok(paper_ledger_account_config(l, copy, &y));
		char p[512], q[512];
		for (size_t i = 0; i < paper_config_key_count(); i++) {
			paper_config_key_info k = PAPER_CONFIG_KEY_INFO_INIT;
			ck_ok(paper_config_key_info_get(i, &k));
			if (strcmp(k.name, "account.name") == 0)
				continue;
			ck_ok(paper_config_get_string(x, k.name, p, sizeof p, NULL));
			ck_ok(paper_config_get_string(y, k.name, q, sizeof q, NULL));
			ck_assert_msg(strcmp(p, q) == 0, "%s: %s became %s", k.name, p, q);
		}
		paper_config_free(x);
		paper_config_free(y);
		/* And the copy exports a state that imports again, the same. */
		paper_broker_free(c);
		ck_ok(paper_ledger_export(l, copy, out, PAPER_EXPORT_STATE));
		g_snprintf(copy, sizeof copy, "copy2-%d", v);
		ck_ok(paper_ledger_import(l, state, copy));
		ck_ok(paper_ledger_open_broker(l, copy, &c));
		assert_same_account_and_positions(b, c);
		paper_broker_free(c);
		paper_broker_free(b);
	}
	paper_ledger_close(l);
	g_free(state);
	g_free(out);
}
END_TEST

START_TEST(import_malformed_creates_nothing)
{
	paper_ledger *l = lu_open(path, PAPER_DURABLE, 1);
	lu_sim sim;
	paper_broker *b = traded_account(l, &sim);
	for (int i = 0; i < 50 && paper_broker_position_count(b) == 0; i++)
		lu_step(b, &sim);
	ck_assert_uint_gt(paper_broker_position_count(b), 0);
	char *out = g_build_filename(dir, "out", NULL);
	char *state = g_build_filename(out, "state.json", NULL);
	char *bad = g_build_filename(dir, "bad.json", NULL);
	ck_ok(paper_ledger_export(l, "acct", out, PAPER_EXPORT_STATE));
	char *good = NULL;
	ck_assert(g_file_get_contents(state, &good, NULL, NULL));
	for (size_t i = 0; i < sizeof mutations / sizeof mutations[0]; i++) {
		const mutation *m = &mutations[i];
		char *text = mutate(good, m);
		ck_assert(g_file_set_contents(bad, text, -1, NULL));
		g_free(text);
		int rc = paper_ledger_import(l, bad, "copy");
		tu_require(rc == m->code, "mutation %zu (%s): got %d (%s), want %d", i, m->pattern, rc,
			   paper_last_error(), m->code);
		tu_require(strstr(paper_last_error(), m->words) != NULL,
			   "mutation %zu: message '%s' lacks '%s'", i, paper_last_error(), m->words);
		ck_assert_uint_eq(paper_ledger_account_count(l), 1);
	}
	ck_assert(g_file_set_contents(bad, "", 0, NULL));
	ck_assert_int_eq(paper_ledger_import(l, bad, "copy"), PAPER_EFORMAT);
	ck_assert(g_file_set_contents(bad, "[]", -1, NULL));
	ck_assert_int_eq(paper_ledger_import(l, bad, "copy"), PAPER_EFORMAT);
	char *missing = g_build_filename(dir, "missing.json", NULL);
	ck_assert_int_eq(paper_ledger_import(l, missing, "copy"), PAPER_EIO);
	ck_assert_uint_eq(paper_ledger_account_count(l), 1);
	/* The unmodified file still imports: the mutations, not the file, were refused. */
	ck_ok(paper_ledger_import(l, state, "copy"));
	g_free(missing);
	g_free(good);
	g_free(bad);
	g_free(state);
	g_free(out);
	paper_broker_free(b);
	paper_ledger_close(l);
}
END_TEST

/* ---- names SQLite would read its own way ---- */

START_TEST(special_sqlite_names_are_plain_files)
{
	char *cwd = g_get_current_dir();
	ck_assert_int_eq(chdir(dir), 0);
	paper_ledger *l = NULL;
	/* In memory: refused before anything is made. */
	ck_assert_int_eq(paper_ledger_open(&l, ":memory:", NULL), PAPER_EINVAL);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), ":memory:"));
	paper_ledger_options ro = PAPER_LEDGER_OPTIONS_INIT;
	ro.read_only = true;
	ck_assert_int_eq(paper_ledger_open(&l, ":memory:", &ro), PAPER_EINVAL);
	/* A relative path that reads like an SQLite URI is a file of that very name: what is
	 * checked, locked and written is the same file. */
	const char *uri = "file:x.db?mode=memory";
	l = lu_open(uri, PAPER_DURABLE, 1);
	paper_broker *b = lu_new_account(l, "acct");
	ck_ok(paper_broker_on_quote(b, "X", T0, 10, 10, 10));
	paper_broker_free(b);
	paper_ledger_close(l);
	l = lu_open(uri, PAPER_DURABLE, 1);
	ck_assert_uint_eq(paper_ledger_account_count(l), 1);
	paper_ledger_close(l);
	ck_assert(g_file_test(uri, G_FILE_TEST_IS_REGULAR));
	ck_assert(!g_file_test(":memory:", G_FILE_TEST_EXISTS));
	ck_assert(!g_file_test("x.db", G_FILE_TEST_EXISTS));
	ck_assert_int_eq(chdir(cwd), 0);
	g_free(cwd);
}
END_TEST

/* ---- paper_ledger_check ---- */

typedef struct check_log {
	int items, problems;
	char last[512];
	uint64_t events;
} check_log;

static void on_check(const paper_check_item *it, void *payload)
{
	check_log *c = payload;
	c->items++;
	ck_assert_uint_eq(it->version, PAPER_CHECK_ITEM_VERSION);
	if (!it->ok) {
		c->problems++;
		g_strlcpy(c->last, it->problem, sizeof c->last);
		for (const char *p = it->problem; *p; p++)
			ck_assert_msg((unsigned char)*p >= 0x20 && *p != 0x7f, "raw byte in '%s'",
				      it->problem);
	}
	if (strcmp(it->part, "account") == 0)
		c->events = it->events;
}

START_TEST(check_finds_what_the_log_denies)
{
	paper_ledger *l = lu_open(path, PAPER_BATCHED, 100);
	paper_broker *b = lu_new_account(l, "acct");
	lu_sim sim;
	lu_sim_init(&sim, 7);
	for (int i = 0; i < 400 || paper_broker_open_order_count(b) == 0; i++)
		lu_step(b, &sim);
	paper_broker_free(b);
	paper_ledger_close(l);
	int64_t events = ld_sql_int(path, "SELECT count(*) FROM events");

	check_log c = { 0 };
	ck_ok(paper_ledger_check(path, on_check, &c));
	ck_assert_int_eq(c.problems, 0);
	ck_assert_int_eq(c.items, ld_pg() ? 1 : 2); /* the storage (a file's), the account */
	ck_assert_int_eq((int64_t)c.events, events);
	ck_ok(paper_ledger_check(path, NULL, NULL));

	/* An order row changed behind the log's back. */
	ld_sql(path, "UPDATE order_state SET filled_e8 = filled_e8 + 1 WHERE id = (SELECT max(id) "
		     "FROM order_state)");
	memset(&c, 0, sizeof c);
	ck_assert_int_eq(paper_ledger_check(path, on_check, &c), PAPER_ECORRUPT);
	ck_assert_int_eq(c.problems, 1);
	ck_assert_ptr_nonnull(strstr(c.last, "the orders table's row of order"));
	ld_sql(path, "UPDATE order_state SET filled_e8 = filled_e8 - 1 WHERE id = (SELECT max(id) "
		     "FROM order_state)");
	ck_ok(paper_ledger_check(path, NULL, NULL));

	/* A stored config value with an escape sequence: reported, never raw (on_check). */
	ld_sql(path, ld_dialect("UPDATE configs SET value = 'x' || char(27) || '[2J' WHERE key = "
				"'costs.commission_model'", "UPDATE configs SET value = 'x' || chr(27) "
				"|| '[2J' WHERE key = 'costs.commission_model'"));
	memset(&c, 0, sizeof c);
	ck_assert_int_eq(paper_ledger_check(path, on_check, &c), PAPER_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(c.last, "the stored config is refused"));
	ck_assert_msg(strstr(c.last, "x\\x1b[2J") && !strchr(c.last, 0x1b), "%s", c.last);
	ld_sql(path, "UPDATE configs SET value = 'percent' WHERE key = 'costs.commission_model'");

	/* A hole in the log. */
	ld_sql(path, "INSERT INTO events (id, account, seq, type, ts, symbol) SELECT "
		     "1099511627776 + max(seq) + 2, 1, max(seq) + 2, 8, 1, 'X' FROM events");
	memset(&c, 0, sizeof c);
	ck_assert_int_eq(paper_ledger_check(path, on_check, &c), PAPER_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(c.last, "out of sequence"));
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "1 problem found"));

	char *none = ld_location(dir, "none.db");
	ck_assert_int_eq(paper_ledger_check(none, on_check, &c), PAPER_ENOTFOUND);
	ck_assert(!ld_exists(none));
	ck_assert_int_eq(paper_ledger_check(NULL, NULL, NULL), PAPER_EINVAL);
	g_free(none);
}
END_TEST

/* ---- decisions inbox ---- */

static paper_decision decision(const char *symbol, paper_side side, double confidence)
{
	paper_decision d = PAPER_DECISION_INIT;
	g_strlcpy(d.symbol, symbol, sizeof d.symbol);
	d.side = side;
	d.confidence = confidence;
	return d;
}

START_TEST(decisions_inbox)
{
	create_account_file("acct");
	paper_ledger *l = lu_open(path, PAPER_DURABLE, 1);
	paper_decision d = decision("AAPL", PAPER_SIDE_BUY, 0.8), out[8];
	int64_t id1 = 0, id2 = 0;
	d.take_profit = 210;
	d.stop_loss = 190.5;
	d.created_ts = T0;
	g_strlcpy(d.reasoning, "breakout, \"strong\" volume", sizeof d.reasoning);
	ck_ok(paper_ledger_decision_add(l, "acct", &d, &id1));
	d = decision("MSFT", PAPER_SIDE_SELL, 0.6);
	d.created_ts = T0 + 1;
	ck_ok(paper_ledger_decision_add(l, "acct", &d, &id2));
	ck_assert_int_gt(id2, id1);

	d = decision("AAPL", PAPER_SIDE_BUY, 1.5);
	ck_assert_int_eq(paper_ledger_decision_add(l, "acct", &d, NULL), PAPER_EINVAL);
	d = decision("no such symbol", PAPER_SIDE_BUY, 0.5);
	ck_assert_int_eq(paper_ledger_decision_add(l, "acct", &d, NULL), PAPER_EINVAL);
	d = decision("AAPL", PAPER_SIDE_BUY, 0.5);
	d.stop_loss = -1;
	ck_assert_int_eq(paper_ledger_decision_add(l, "acct", &d, NULL), PAPER_EPRICE);
	d = decision("AAPL", PAPER_SIDE_BUY, 0.5);
	ck_assert_int_eq(paper_ledger_decision_add(l, "nobody", &d, NULL), PAPER_ENOTFOUND);
	d.version = 3;
	ck_assert_int_eq(paper_ledger_decision_add(l, "acct", &d, NULL), PAPER_EVERSION);
	d.version = PAPER_DECISION_VERSION;
	d.risk = 1.5;
	ck_assert_int_eq(paper_ledger_decision_add(l, "acct", &d, NULL), PAPER_EINVAL);
	d.risk = 0;
	d.current_price = -1;
	ck_assert_int_eq(paper_ledger_decision_add(l, "acct", &d, NULL), PAPER_EPRICE);
	d.current_price = NAN;
	ck_assert_int_eq(paper_ledger_decision_add(l, "acct", &d, NULL), PAPER_EPRICE);
	d.current_price = 0;

	for (int i = 0; i < 8; i++)
		out[i] = (paper_decision)PAPER_DECISION_INIT;
	size_t n = 0;
	ck_ok(paper_ledger_decisions_pending(l, "acct", out, 8, &n));
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(out[0].id, id1);
	ck_assert_str_eq(out[0].symbol, "AAPL");
	ck_assert_int_eq(out[0].side, PAPER_SIDE_BUY);
	ck_assert_double_eq(out[0].confidence, 0.8);
	ck_assert_double_eq(out[0].take_profit, 210);
	ck_assert_double_eq(out[0].stop_loss, 190.5);
	ck_assert_int_eq(out[0].created_ts, T0);
	ck_assert_str_eq(out[0].reasoning, "breakout, \"strong\" volume");
	ck_assert_int_eq(out[0].status, PAPER_DECISION_PENDING);
	ck_assert_str_eq(out[1].symbol, "MSFT");
	ck_ok(paper_ledger_decisions_pending(l, "acct", out, 1, &n));
	ck_assert_uint_eq(n, 1);
	out[0].version = 9;
	ck_assert_int_eq(paper_ledger_decisions_pending(l, "acct", out, 1, &n), PAPER_EVERSION);
	out[0].version = PAPER_DECISION_VERSION;

	ck_ok(paper_ledger_decision_mark(l, id1, PAPER_DECISION_EXECUTED, 42));
	ck_assert_int_eq(paper_ledger_decision_mark(l, id1, PAPER_DECISION_SKIPPED, 0), PAPER_ESTATE);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "executed"));
	ck_assert_int_eq(paper_ledger_decision_mark(l, 999, PAPER_DECISION_SKIPPED, 0), PAPER_ENOTFOUND);
	ck_assert_int_eq(paper_ledger_decision_mark(l, id2, PAPER_DECISION_PENDING, 0), PAPER_EINVAL);
	ck_ok(paper_ledger_decisions_pending(l, "acct", out, 8, &n));
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(out[0].id, id2);

	/* Another program writes with plain SQL: the minimal INSERT of docs/ledger.md. */
	ld_sql(path, "INSERT INTO decisions (account, symbol, side, confidence) "
		  "VALUES ('acct', 'NVDA', 'buy', 0.9);");
	ck_ok(paper_ledger_decisions_pending(l, "acct", out, 8, &n));
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(out[1].symbol, "NVDA");
	ck_assert_double_eq(out[1].take_profit, 0);
	ck_assert_str_eq(out[1].reasoning, "");
	ck_assert_int_gt(out[1].created_ts, T0);
	ck_ok(paper_ledger_decision_mark(l, out[1].id, PAPER_DECISION_SKIPPED, 0));

	/* Processed rows are kept, marked; they cannot be deleted. */
	char err[512];
	ck_assert(!ld_sql_try(path, "DELETE FROM decisions", err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "never deleted"));
	ck_assert(!ld_sql_try(path, "INSERT INTO decisions (account, symbol, side, confidence) "
			      "VALUES ('acct', 'X', 'hold', 0.5)", err, sizeof err));
	/* An unknown account: refused by the server; SQLite checks it only for a writer that turned
	 * foreign keys on (docs/ledger.md), which this one did not. */
	if (ld_pg())
		ck_assert(!ld_sql_try(path, "INSERT INTO decisions (account, symbol, side, "
				      "confidence) VALUES ('nobody', 'X', 'buy', 0.5)", err, sizeof err));
	char *rows = ld_sql_rows(path, "SELECT count(*), sum(CASE WHEN status = 'pending' THEN 1 "
				 "ELSE 0 END), sum(CASE WHEN status = 'executed' AND order_id = 42 "
				 "AND processed_ts IS NOT NULL THEN 1 ELSE 0 END), sum(paper) FROM "
				 "decisions WHERE account = 'acct'");
	ck_assert_str_eq(rows, "3|1|1|3\n");
	g_free(rows);
	paper_ledger_close(l);
}
END_TEST

/* ---- closing a ledger under its brokers ---- */

START_TEST(close_before_broker)
{
	paper_ledger *l = lu_open(path, PAPER_BATCHED, 1000);
	paper_broker *b = lu_new_account(l, "acct");
	ck_ok(paper_broker_on_quote(b, "AAA", T0, 9.9, 10.1, 10));
	tu_submit(b, "AAA", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 5, 0, 0, 0);
	paper_ledger_close(l); /* flushes, then cuts the broker loose */
	ck_assert_int_eq(paper_broker_on_quote(b, "AAA", T0 + 1, 9.9, 10.1, 10), PAPER_ESTATE);
	paper_broker_free(b);
	l = lu_open(path, PAPER_BATCHED, 1000);
	ck_ok(paper_ledger_open_broker(l, "acct", &b));
	ck_assert_uint_eq(paper_broker_open_order_count(b), 1);
	paper_broker_free(b);
	paper_ledger_close(l);
}
END_TEST

/* ---- the SQL views ---- */

static double sql_double(const char *query)
{
	char *rows = ld_sql_rows(path, query);
	double v = g_ascii_strtod(rows, NULL);
	g_free(rows);
	return v;
}

static void expect_position_row(const paper_position_info *p)
{
	char q[256], want[256];
	g_snprintf(q, sizeof q, "SELECT direction, qty_e8, basis_e8, mark_e8 FROM open_positions "
		   "WHERE account_name = 'acct' AND symbol = '%s'", p->symbol);
	char *row = ld_sql_rows(path, q);
	g_snprintf(want, sizeof want, "%s|%" PRId64 "|%" PRId64 "|%lld\n",
		   p->qty_e8 > 0 ? "long" : "short", p->qty_e8, p->cost_basis_e8,
		   llround(p->market_price * 1e8));
	tu_require(strcmp(row, want) == 0, "%s: view %s, broker %s", p->symbol, row, want);
	g_free(row);
	g_snprintf(q, sizeof q, "SELECT unrealized_pnl FROM open_positions WHERE symbol = '%s'",
		   p->symbol);
	ck_assert_double_eq_tol(sql_double(q), p->unrealized_pnl, 1e-6);
}

/*
 * The views answer as the broker rebuilt from the log does: the account's money exactly, every
 * open position with its basis and mark, the trades; an account without events shows its
 * starting cash.
 */
START_TEST(views_match_broker)
{
	paper_ledger *l = lu_open(path, PAPER_BATCHED, 64);
	paper_broker *b = lu_new_account(l, "acct");
	lu_sim sim;
	lu_sim_init(&sim, 77);
	for (int i = 0; i < 3000 || paper_broker_position_count(b) == 0; i++)
		lu_step(b, &sim);
	paper_broker_free(b); /* saves the marks */
	paper_config *cfg = lu_config("idle");
	ck_ok(paper_ledger_create_account(l, cfg));
	paper_config_free(cfg);
	ck_ok(paper_ledger_load_broker(l, "acct", &b));
	paper_account_info a = tu_account(b);
	ck_assert_uint_gt(a.closed_trades, 10);

	char want[512];
	char *row = ld_sql_rows(path, "SELECT cash_e8, realized_e8, fees_e8, fills, trades, "
				"open_positions, open_orders, paper FROM portfolio WHERE name = 'acct'");
	g_snprintf(want, sizeof want, "%" PRId64 "|%" PRId64 "|%" PRId64 "|%" PRIu64 "|%" PRIu64
		   "|%" PRIu64 "|%" PRIu64 "|1\n", a.cash_e8, a.realized_pnl_e8, a.fees_e8, a.fills,
		   a.closed_trades, a.open_positions, a.open_orders);
	ck_assert_str_eq(row, want);
	g_free(row);
	ck_assert_double_eq_tol(sql_double("SELECT equity FROM portfolio WHERE name = 'acct'"),
				a.equity, 1e-6);
	ck_assert_double_eq_tol(sql_double("SELECT cash FROM portfolio WHERE name = 'acct'"), a.cash,
				1e-8);

	ck_assert_int_eq(ld_sql_int(path, "SELECT count(*) FROM open_positions"),
			 (int64_t)a.open_positions);
	for (size_t i = 0; i < paper_broker_position_count(b); i++) {
		paper_position_info p = PAPER_POSITION_INFO_INIT;
		ck_ok(paper_broker_position_at(b, i, &p));
		expect_position_row(&p);
	}

	/* Every round trip, newest first; per symbol they add up to the account's. */
	ck_assert_int_eq(ld_sql_int(path, "SELECT count(*) FROM recent_trades"),
			 (int64_t)a.closed_trades);
	paper_trade_info last = PAPER_TRADE_INFO_INIT;
	ck_ok(paper_broker_trade_at(b, paper_broker_trade_count(b) - 1, &last));
	char *first = ld_sql_rows(path, "SELECT trade_id, symbol FROM recent_trades LIMIT 1");
	g_snprintf(want, sizeof want, "%" PRIu64 "|%s\n", last.id, last.symbol);
	ck_assert_str_eq(first, want);
	g_free(first);
	double net = 0;
	int64_t wins = 0;
	for (size_t i = 0; i < paper_broker_trade_count(b); i++) {
		paper_trade_info t = PAPER_TRADE_INFO_INIT;
		ck_ok(paper_broker_trade_at(b, i, &t));
		net += t.pnl_net;
		wins += t.pnl_gross_e8 - t.fees_e8 > 0;
	}
	ck_assert_int_eq(ld_sql_int(path, "SELECT sum(trades) FROM performance_by_symbol"),
			 (int64_t)a.closed_trades);
	ck_assert_int_eq(ld_sql_int(path, "SELECT sum(wins) FROM performance_by_symbol"), wins);
	ck_assert_double_eq_tol(sql_double("SELECT sum(pnl_net) FROM performance_by_symbol"), net,
				1e-6);

	paper_broker *idle = NULL;
	ck_ok(paper_ledger_load_broker(l, "idle", &idle));
	g_snprintf(want, sizeof want, "%" PRId64 "|0|0|0\n", tu_account(idle).cash_e8);
	row = ld_sql_rows(path, "SELECT cash_e8, fees_e8, fills, open_positions FROM portfolio "
			  "WHERE name = 'idle'");
	ck_assert_str_eq(row, want);
	g_free(row);
	paper_broker_free(idle);
	paper_broker_free(b);
	paper_ledger_close(l);
}
END_TEST

/* A view column of one row as a number (the query names one value). */
static double view_double(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static double view_double(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *q = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	double v = sql_double(q);
	g_free(q);
	return v;
}

/* A time column as text in UTC, 'YYYY-MM-DD HH:MM:SS', on either backend. */
static const char *view_time(const char *col)
{
	static char out[128];
	if (ld_pg())
		g_snprintf(out, sizeof out, "to_char(%s AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')",
			   col);
	else
		g_strlcpy(out, col, sizeof out);
	return out;
}

static void expect_trade_v(const paper_trade_info *t)
{
	char q[512], want[256];
	g_snprintf(q, sizeof q, "SELECT symbol, direction, %s, outcome, CASE WHEN exit_reason IS NULL THEN 1 ELSE 0 END "
		   "FROM trades_v WHERE account_name = 'acct' AND trade_id = %" PRIu64,
		   view_time("exit_time"), t->id);
	char *row = ld_sql_rows(path, q);
	GDateTime *dt = g_date_time_new_from_unix_utc(t->exit_ts / 1000000);
	gchar *when = g_date_time_format(dt, "%Y-%m-%d %H:%M:%S");
	int64_t net = t->pnl_gross_e8 - t->fees_e8;
	g_snprintf(want, sizeof want, "%s|%s|%s|%s|%d\n", t->symbol,
		   t->direction == PAPER_LONG ? "LONG" : "SHORT", when,
		   net > 0 ? "win" : net < 0 ? "loss" : "breakeven",
		   t->exit_reason == PAPER_EXIT_NONE);
	tu_require(strcmp(row, want) == 0, "trade %" PRIu64 ": view %s, broker %s", t->id, row,
		   want);
	g_free(when);
	g_date_time_unref(dt);
	g_free(row);
	const char *w = "FROM trades_v WHERE account_name = 'acct' AND trade_id";
	ck_assert_double_eq_tol(view_double("SELECT quantity %s = %" PRIu64, w, t->id), t->qty, 1e-8);
	ck_assert_double_eq_tol(view_double("SELECT entry_price %s = %" PRIu64, w, t->id),
				t->entry_price, 1e-6 * t->entry_price);
	ck_assert_double_eq_tol(view_double("SELECT exit_price %s = %" PRIu64, w, t->id),
				t->exit_price, 1e-6 * t->exit_price);
	ck_assert_double_eq_tol(view_double("SELECT fees %s = %" PRIu64, w, t->id), t->fees, 1e-8);
	ck_assert_double_eq_tol(view_double("SELECT net_pnl %s = %" PRIu64, w, t->id), t->pnl_net,
				1e-8);
	ck_assert_double_eq_tol(view_double("SELECT hold_minutes %s = %" PRIu64, w, t->id),
				(double)(t->exit_ts - t->entry_ts) / 60e6, 1e-6);
}

/*
 * A day with fills and no snapshot (an option settled while no data came) is skipped by the
 * chain, in pnl_ledger.csv and daily_pnl_v alike: the days around it still add up to the
 * account's P&L.
 */
START_TEST(daily_pnl_chains_over_a_day_without_snapshot)
{
	paper_ledger *l = lu_open(path, PAPER_BATCHED, 64);
	paper_broker *b = lu_new_account(l, "acct");
	const char *call = "SPY261218C00500000";
	paper_ts d17 = INT64_C(1797519600) * PAPER_TS_PER_SECOND; /* 2026-12-17 15:00 UTC */
	ck_ok(paper_broker_on_quote(b, "SPY", d17, 510, 510, 510));
	ck_ok(paper_broker_on_quote(b, call, d17, 10, 10, 10));
	tu_submit(b, call, PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	ck_ok(paper_broker_on_quote(b, call, d17 + 3600 * PAPER_TS_PER_SECOND, 10, 10, 10));
	ck_ok(paper_broker_on_quote(b, "SPY", d17 + 3600 * PAPER_TS_PER_SECOND, 512, 512, 512));
	ck_ok(paper_broker_snapshot(b));
	paper_ts d21 = d17 + 4 * 86400 * PAPER_TS_PER_SECOND;
	ck_ok(paper_broker_settle_expired(b, d21)); /* at 12 on the 18th, without a snapshot */
	ck_ok(paper_broker_on_quote(b, "SPY", d21, 515, 515, 515));
	ck_ok(paper_broker_snapshot(b));
	paper_account_info a = tu_account(b);
	double total = a.equity - a.starting_cash;
	ck_assert(total > 150); /* the call bought near 10 settled at 12 */
	paper_broker_free(b); /* its batch written */
	ck_assert_double_eq_tol(view_double("SELECT sum(pnl) FROM daily_pnl_v"), total, 1e-6);
	ck_assert_int_eq(ld_sql_int(path, "SELECT count(*) FROM daily_pnl_v WHERE start_equity IS NULL"
				    " AND end_equity IS NULL AND realized_pnl > 150"), 1);
	char *out = g_build_filename(dir, "out", NULL);
	ck_ok(paper_ledger_export(l, "acct", out, PAPER_EXPORT_PNL));
	g_free(out);
	csv_file pnl = csv_read("pnl_ledger.csv");
	ck_assert_int_eq(col_sum(&pnl, "pnl"), llround(total * 1e8));
	csv_free(&pnl);
	paper_ledger_close(l);
}
END_TEST

/*
 * The views in people's units (schema 4: trades_v, positions_v, orders_v, signal_results_v,
 * daily_pnl_v, performance_v) say what the broker rebuilt from the log says: prices and money
 * as numbers, times as UTC text, names for enumerations, one outcome per trade.
 */
START_TEST(people_views_match_broker)
{
	paper_ledger *l = lu_open(path, PAPER_BATCHED, 64);
	paper_broker *b = lu_new_account(l, "acct");
	lu_sim sim;
	lu_sim_init(&sim, 78);
	for (int i = 0; i < 3000 || paper_broker_position_count(b) == 0; i++)
		lu_step(b, &sim);
	paper_broker_free(b); /* saves the marks */
	ck_ok(paper_ledger_load_broker(l, "acct", &b));
	paper_account_info a = tu_account(b);
	ck_assert_uint_gt(a.closed_trades, 10);

	const char *acct = "WHERE account_name = 'acct'";
	ck_assert_int_eq(ld_sql_int(path, "SELECT count(*) FROM trades_v"),
			 (int64_t)a.closed_trades);
	int64_t wins = 0, losses = 0;
	double net = 0, fees = 0;
	for (size_t i = 0; i < paper_broker_trade_count(b); i++) {
		paper_trade_info t = PAPER_TRADE_INFO_INIT;
		ck_ok(paper_broker_trade_at(b, i, &t));
		wins += t.pnl_gross_e8 > t.fees_e8;
		losses += t.pnl_gross_e8 < t.fees_e8;
		net += t.pnl_net;
		fees += t.fees;
		if (i < 40 || i + 1 == paper_broker_trade_count(b))
			expect_trade_v(&t);
	}

	ck_assert_int_eq(ld_sql_int(path, "SELECT count(*) FROM positions_v"),
			 (int64_t)a.open_positions);
	for (size_t i = 0; i < paper_broker_position_count(b); i++) {
		paper_position_info p = PAPER_POSITION_INFO_INIT;
		ck_ok(paper_broker_position_at(b, i, &p));
		const char *w = "FROM positions_v WHERE account_name = 'acct' AND symbol";
		ck_assert_double_eq_tol(view_double("SELECT quantity %s = '%s'", w, p.symbol),
					fabs(p.qty), 1e-8);
		ck_assert_double_eq_tol(view_double("SELECT entry_price %s = '%s'", w, p.symbol),
					p.avg_price, 1e-6 * p.avg_price);
		ck_assert_double_eq_tol(view_double("SELECT current_price %s = '%s'", w, p.symbol),
					p.market_price, 1e-8);
		ck_assert_double_eq_tol(view_double("SELECT unrealized_pnl %s = '%s'", w, p.symbol),
					p.unrealized_pnl, 1e-6);
	}

	/* Every order the account accepted, and every one refused at submission (order_id 0). */
	ck_assert_int_eq(ld_sql_int(path, "SELECT count(*) FROM orders_v WHERE order_id > 0"),
			 ld_sql_int(path, "SELECT count(*) FROM orders"));
	ck_assert_int_eq(ld_sql_int(path, "SELECT count(*) FROM orders_v WHERE status = 'rejected'"
				    " AND order_id = 0"),
			 ld_sql_int(path, "SELECT count(*) FROM rejections WHERE order_id = 0"));
	ck_assert_int_eq(ld_sql_int(path, "SELECT count(*) FROM orders_v WHERE status IS NULL OR "
				    "side IS NULL OR order_type IS NULL OR tif IS NULL"), 0);
	ck_assert_double_eq_tol(view_double("SELECT sum(commission) FROM orders_v %s", acct),
				a.fees, 1e-6);

	/* signal_results_v: the closed trades, then the open positions. */
	ck_assert_int_eq(ld_sql_int(path, "SELECT count(*) FROM signal_results_v"),
			 (int64_t)(a.closed_trades + a.open_positions));
	ck_assert_int_eq(ld_sql_int(path, "SELECT count(*) FROM signal_results_v WHERE "
				    "exit_price IS NULL"), (int64_t)a.open_positions);

	/* daily_pnl_v: the fills' realized P&L and fees over all days are the account's. */
	ck_assert_double_eq_tol(view_double("SELECT sum(realized_pnl) FROM daily_pnl_v %s", acct),
				a.realized_pnl, 1e-6);
	ck_assert_double_eq_tol(view_double("SELECT sum(fees) FROM daily_pnl_v %s", acct), a.fees,
				1e-6);
	ck_assert_int_eq(ld_sql_int(path, "SELECT sum(trades) FROM daily_pnl_v"),
			 (int64_t)a.closed_trades);
	ck_assert_int_eq(ld_sql_int(path, "SELECT count(*) FROM daily_pnl_v WHERE drawdown_pct < 0"),
			 0);
	/* The days chain: each ends where the next begins. */
	ck_assert_int_eq(ld_sql_int(path, "SELECT count(*) FROM (SELECT end_equity, lead(start_equity)"
				    " OVER (ORDER BY day) AS nx FROM daily_pnl_v WHERE account_name ="
				    " 'acct') AS x WHERE nx IS NOT NULL AND nx <> end_equity"), 0);

	/* performance_v: one row, the same counts and money. */
	char want[256];
	g_snprintf(want, sizeof want, "%" PRIu64 "|%" PRId64 "|%" PRId64 "|%" PRIu64 "|%" PRIu64
		   "|0\n", a.closed_trades, wins, losses, a.open_positions, a.rejections);
	char *row = ld_sql_rows(path, "SELECT total_trades, wins, losses, open_positions, "
				"rejections, rejected_decisions FROM performance_v");
	ck_assert_str_eq(row, want);
	g_free(row);
	ck_assert_double_eq_tol(view_double("SELECT total_pnl FROM performance_v %s", acct), net,
				1e-6);
	ck_assert_double_eq_tol(view_double("SELECT total_fees FROM performance_v %s", acct), fees,
				1e-6);
	ck_assert_double_eq_tol(view_double("SELECT win_rate FROM performance_v %s", acct),
				100.0 * (double)wins / (double)a.closed_trades, 1e-6);
	ck_assert(view_double("SELECT max_drawdown_pct FROM performance_v %s", acct) >= 0);
	/* The Sharpe ratio of the daily closes: the metrics of the stored equity snapshots. */
	size_t n_pts = paper_broker_equity_count(b);
	paper_ts *pts = g_new(paper_ts, n_pts);
	double *peq = g_new(double, n_pts);
	for (size_t i = 0; i < n_pts; i++) {
		paper_equity_info e = PAPER_EQUITY_INFO_INIT;
		ck_ok(paper_broker_equity_at(b, i, &e));
		pts[i] = e.ts;
		peq[i] = e.equity;
	}
	paper_metrics *m = NULL;
	ck_ok(paper_metrics_from_arrays(&m, NULL, 0, pts, peq, NULL, n_pts, NULL));
	double sharpe = NAN;
	ck_ok(paper_metrics_get(m, "sharpe_ratio", &sharpe));
	ck_assert(isfinite(sharpe));
	ck_assert_double_eq_tol(view_double("SELECT sharpe_ratio_daily FROM performance_v %s", acct),
				sharpe, 1e-6);
	g_free(pts);
	g_free(peq);
	paper_metrics_free(m);
	paper_broker_free(b);
	paper_ledger_close(l);
}
END_TEST

/*
 * A ledger of schema 3 (libpaper 1.1 with live feeds, before exit plans) is brought to 4 when
 * opened: its log, positions, prices, feed health and decisions kept; the new columns read
 * as "none" (no exit plan, risk 0, no current price); the views answer for it.
 */
START_TEST(schema_three_is_migrated)
{
	paper_ledger *l = lu_open(path, PAPER_DURABLE, 1);
	paper_broker *b = lu_new_account(l, "acct");
	lu_sim sim;
	lu_sim_init(&sim, 79);
	for (int i = 0; i < 400 || paper_broker_position_count(b) == 0; i++)
		lu_step(b, &sim);
	paper_price_record pr = PAPER_PRICE_RECORD_INIT;
	g_strlcpy(pr.symbol, "AAPL", sizeof pr.symbol);
	pr.kind = PAPER_PRICE_QUOTE;
	pr.ts = pr.recv_ts = sim.ts;
	pr.price = 101.25;
	ck_ok(paper_ledger_record_price(l, "acct", &pr));
	paper_decision d = decision("AAPL", PAPER_SIDE_BUY, 0.7);
	int64_t id = 0;
	ck_ok(paper_ledger_decision_add(l, "acct", &d, &id));
	paper_broker_free(b);
	paper_ledger_close(l);
	char *log_before = ld_sql_rows(path, "SELECT id, type, ts, symbol, qty_e8, price_e8 FROM "
				       "events ORDER BY id");
	char *prices_before = ld_sql_rows(path, "SELECT id, symbol, price_e8 FROM prices");
	ld_downgrade_to_v3(path);
	ck_assert_int_eq(ld_schema_version(path), 3);

	l = lu_open(path, PAPER_DURABLE, 1);
	ck_assert_int_eq(ld_schema_version(path), LD_SCHEMA_VERSION);
	char *log_after = ld_sql_rows(path, "SELECT id, type, ts, symbol, qty_e8, price_e8 FROM "
				      "events ORDER BY id");
	char *prices_after = ld_sql_rows(path, "SELECT id, symbol, price_e8 FROM prices");
	ck_assert_str_eq(log_after, log_before);
	ck_assert_str_eq(prices_after, prices_before);
	ck_assert_int_eq(ld_sql_int(path, "SELECT count(*) FROM events WHERE exit_plan IS NOT NULL"),
			 0);
	ck_assert_int_eq(ld_sql_int(path, "SELECT count(*) FROM position_state WHERE exit_plan <> 0"
				    " OR plan_tp_e8 <> 0 OR plan_sl_e8 <> 0"), 0);
	paper_decision out[2] = { PAPER_DECISION_INIT, PAPER_DECISION_INIT };
	size_t n = 0;
	ck_ok(paper_ledger_decisions_pending(l, "acct", out, 2, &n));
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(out[0].id, id);
	ck_assert_double_eq(out[0].risk, 0);
	ck_assert_double_eq(out[0].current_price, 0);

	/* The account rebuilt from the migrated log is the one before; it trades on. */
	ck_ok(paper_ledger_open_broker(l, "acct", &b));
	paper_account_info a = tu_account(b);
	ck_assert_int_eq(ld_sql_int(path, "SELECT count(*) FROM trades_v"), (int64_t)a.closed_trades);
	ck_assert_int_eq(ld_sql_int(path, "SELECT count(*) FROM positions_v"),
			 (int64_t)a.open_positions);
	ck_assert_int_eq(ld_sql_int(path, "SELECT count(*) FROM positions_v WHERE take_profit IS NOT"
				    " NULL OR stop_loss IS NOT NULL"), 0);
	ck_assert_int_eq(ld_sql_int(path, "SELECT total_trades FROM performance_v"),
			 (int64_t)a.closed_trades);
	for (int i = 0; i < 100; i++)
		lu_step(b, &sim);
	lu_assert_reconciles(b);
	paper_broker_free(b);
	paper_ledger_close(l);
	g_free(log_before);
	g_free(log_after);
	g_free(prices_before);
	g_free(prices_after);
}
END_TEST

/* The session's managed position of a symbol. */
static paper_session_position managed(const paper_session *s, const char *symbol)
{
	for (size_t i = 0; i < paper_session_position_count(s); i++) {
		paper_session_position p = PAPER_SESSION_POSITION_INIT;
		ck_ok(paper_session_position_at(s, i, &p));
		if (strcmp(p.symbol, symbol) == 0)
			return p;
	}
	ck_abort_msg("the session does not manage %s", symbol);
	return (paper_session_position)PAPER_SESSION_POSITION_INIT;
}

static void quote_all(paper_session *s, paper_ts ts, double aapl, double msft, double xom)
{
	const char *syms[] = { "AAPL", "MSFT", "XOM" };
	const double px[] = { aapl, msft, xom };
	ck_ok(paper_session_check_exits(s, ts, syms, px, 3));
}

/*
 * The exits a session was given with an entry are the position's, recorded with the entry
 * order: after the broker is freed and the account opened again, a new session takes the same
 * levels - a signal's own targets, a plan row's targets and time limit, the percentages of a
 * signal without targets (from the fill price) - not the session's percentages around the
 * average price. An entry sized at the signal's ref_price (a decision's current_price) fills
 * on the next price all the same.
 */
START_TEST(exit_plans_survive_a_restart)
{
	paper_ledger *l = lu_open(path, PAPER_DURABLE, 1);
	paper_broker *b = lu_new_account(l, "acct");
	paper_session *s = NULL;
	ck_ok(paper_session_new(&s, b));
	quote_all(s, T0, 100, 200, 50);
	paper_signal sig = PAPER_SIGNAL_INIT;
	paper_verdict v;
	sig.symbol = "AAPL";
	sig.direction = PAPER_LONG;
	sig.confidence = 0.9;
	sig.take_profit = 110;
	sig.stop_loss = 95;
	sig.signal_id = "sig-aapl";
	sig.ref_price = 80; /* sized at 80: 1000 / 80 = 12.5, 12 whole units */
	ck_ok(paper_session_on_signal(s, &sig, &v, NULL));
	ck_assert_int_eq(v, PAPER_VERDICT_TRADE);
	paper_intent it = PAPER_INTENT_INIT;
	it.symbol = "MSFT";
	it.direction = PAPER_LONG;
	it.qty = 3;
	it.take_profit = 230;
	it.stop_loss = 180;
	it.max_hold = HOUR_US;
	it.signal_id = "plan-x-2024-03-04-3";
	uint64_t msft_order = 0;
	ck_ok(paper_session_submit_intent(s, &it, &v, &msft_order));
	sig = (paper_signal)PAPER_SIGNAL_INIT;
	sig.symbol = "XOM";
	sig.direction = PAPER_SHORT;
	sig.confidence = 0.9;
	ck_ok(paper_session_on_signal(s, &sig, &v, NULL));
	ck_assert_int_eq(v, PAPER_VERDICT_TRADE);
	quote_all(s, T0 + MIN_US, 101, 201, 49);
	paper_position_info pos = PAPER_POSITION_INFO_INIT;
	ck_ok(paper_broker_position(b, "AAPL", &pos));
	ck_assert_double_eq(pos.qty, 12);
	ck_assert(pos.avg_price > 100); /* filled on the next price, not at 80 */
	paper_session_position xom_before = managed(s, "XOM");
	paper_session_free(s);
	paper_broker_free(b);
	paper_ledger_close(l);

	l = lu_open(path, PAPER_DURABLE, 1);
	ck_ok(paper_ledger_open_broker(l, "acct", &b));
	ck_ok(paper_session_new(&s, b));
	ck_assert_uint_eq(paper_session_position_count(s), 3);
	paper_session_position p = managed(s, "AAPL");
	ck_assert_double_eq(p.take_profit, 110);
	ck_assert_double_eq(p.stop_loss, 95);
	ck_assert_int_eq(p.deadline, p.entry_ts + 240 * MIN_US); /* the session's limit */
	p = managed(s, "MSFT");
	ck_assert_double_eq(p.take_profit, 230);
	ck_assert_double_eq(p.stop_loss, 180);
	ck_assert_int_eq(p.deadline, T0 + MIN_US + HOUR_US);
	p = managed(s, "XOM");
	ck_assert_double_eq(p.take_profit, xom_before.take_profit);
	ck_assert_double_eq(p.stop_loss, xom_before.stop_loss);
	ck_assert_double_eq_tol(p.take_profit, p.entry_price * 0.98, 1e-6);

	uint64_t ids[4];
	size_t n = 0;
	ck_ok(paper_ledger_signal_orders(l, "acct", "plan-x-2024-03-04-3", ids, 4, &n));
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(ids[0], msft_order);
	ck_ok(paper_ledger_signal_orders(l, "acct", "never-placed", ids, 4, &n));
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(paper_ledger_signal_orders(l, "nobody", "sig-aapl", ids, 4, &n),
			 PAPER_ENOTFOUND);
	ck_assert_int_eq(paper_ledger_signal_orders(l, "acct", "", ids, 4, &n), PAPER_EINVAL);

	/* 105 would be the session's 2% around AAPL's entry: the plan's 110 holds it. */
	quote_all(s, T0 + 2 * MIN_US, 105, 201, 49);
	ck_assert_uint_eq(paper_broker_trade_count(b), 0);
	quote_all(s, T0 + 3 * MIN_US, 111, 201, 49);
	quote_all(s, T0 + MIN_US + HOUR_US, 111, 202, 49);
	ck_assert_uint_eq(paper_broker_trade_count(b), 2);
	paper_trade_info t = PAPER_TRADE_INFO_INIT;
	ck_ok(paper_broker_trade_at(b, 0, &t));
	ck_assert_str_eq(t.symbol, "AAPL");
	ck_assert_int_eq(t.exit_reason, PAPER_EXIT_TAKE_PROFIT);
	ck_assert_str_eq(t.signal_id, "sig-aapl");
	ck_ok(paper_broker_trade_at(b, 1, &t));
	ck_assert_str_eq(t.symbol, "MSFT");
	ck_assert_int_eq(t.exit_reason, PAPER_EXIT_TIME_LIMIT);
	paper_session_free(s);
	paper_broker_free(b);
	paper_ledger_close(l);
}
END_TEST

/* ---- copying a ledger ---- */

/* Two brokers of the same account, rebuilt from two ledgers, alike in everything. */
static void assert_same_rebuild(paper_ledger *a, paper_ledger *b, const char *account,
				uint64_t max_id)
{
	paper_broker *x = NULL, *y = NULL;
	ck_ok(paper_ledger_load_broker(a, account, &x));
	ck_ok(paper_ledger_load_broker(b, account, &y));
	lu_assert_same(x, y, max_id);
	paper_broker_free(x);
	paper_broker_free(y);
}

/*
 * Every account, its marks and decisions go across and rebuild the same; an account the
 * destination already holds with events is never overwritten, one it holds empty with the same
 * config is filled.
 */
START_TEST(copy_ledger)
{
	paper_ledger *l = lu_open(path, PAPER_BATCHED, 50);
	paper_broker *b = lu_new_account(l, "acct");
	lu_sim sim;
	lu_sim_init(&sim, 31);
	for (int i = 0; i < 2500 || paper_broker_position_count(b) == 0; i++)
		lu_step(b, &sim);
	char *out = g_build_filename(dir, "out", NULL), *state = g_build_filename(out, "state.json", NULL);
	ck_ok(paper_ledger_export(l, "acct", out, PAPER_EXPORT_STATE));
	ck_ok(paper_ledger_import(l, state, "restored"));
	paper_broker_free(b);
	paper_decision d = PAPER_DECISION_INIT;
	g_strlcpy(d.symbol, "AAA", sizeof d.symbol);
	d.side = PAPER_SIDE_SELL;
	d.confidence = 0.25;
	g_strlcpy(d.reasoning, "copied along", sizeof d.reasoning);
	int64_t id = 0;
	ck_ok(paper_ledger_decision_add(l, "acct", &d, &id));
	ck_ok(paper_ledger_decision_add(l, "acct", &d, NULL));
	ck_ok(paper_ledger_decision_mark(l, id, PAPER_DECISION_EXECUTED, 7));

	char *other = ld_location(dir, "copy.db");
	paper_ledger *c = lu_open(other, PAPER_DURABLE, 1);
	ck_assert_int_eq(paper_ledger_copy(l, l, NULL, NULL), PAPER_EINVAL);
	ck_assert_int_eq(paper_ledger_copy(l, c, "nobody", NULL), PAPER_ENOTFOUND);
	size_t n = 0;
	ck_ok(paper_ledger_copy(l, c, NULL, &n));
	ck_assert_uint_eq(n, 2);
	assert_same_rebuild(l, c, "acct", sim.max_id);
	assert_same_rebuild(l, c, "restored", sim.max_id);
	char *rows = ld_sql_rows(other, "SELECT origin FROM accounts ORDER BY id");
	ck_assert_str_eq(rows, "created\nimported\n");
	g_free(rows);
	rows = ld_sql_rows(other, "SELECT status, order_id, reasoning, processed_ts > 0 "
				 "FROM decisions ORDER BY id");
	ck_assert_str_eq(rows, ld_pg() ? "executed|7|copied along|t\npending|0|copied along|\n"
				       : "executed|7|copied along|1\npending|0|copied along|\n");
	g_free(rows);
	/* The query rows were derived anew: the views agree between the two ends. */
	const char *q = "SELECT name, cash_e8, realized_e8, fees_e8, fills, trades, open_positions, "
			"open_orders FROM portfolio ORDER BY name";
	char *x = ld_sql_rows(path, q), *y = ld_sql_rows(other, q);
	ck_assert_str_eq(x, y);
	g_free(x);
	g_free(y);

	/* Never over an account with events: nothing of the refused copy is written. */
	ck_assert_int_eq(paper_ledger_copy(l, c, NULL, &n), PAPER_ESTATE);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "refusing to overwrite"));
	ck_assert_int_eq(ld_sql_int(other, "SELECT count(*) FROM decisions"), 2);
	paper_ledger_close(c);

	/* An empty account of the same config (paper init on the destination) is filled; one
	 * of another config is refused. */
	char *third = ld_location(dir, "third.db");
	c = lu_open(third, PAPER_DURABLE, 1);
	paper_config *cfg = lu_config("acct");
	ck_ok(paper_ledger_create_account(c, cfg));
	ck_ok(paper_ledger_copy(l, c, "acct", &n));
	ck_assert_uint_eq(n, 1);
	assert_same_rebuild(l, c, "acct", sim.max_id);
	ck_ok(paper_config_set(cfg, "account.name", "restored"));
	ck_ok(paper_config_set(cfg, "costs.seed", "43"));
	ck_ok(paper_ledger_create_account(c, cfg));
	ck_assert_int_eq(paper_ledger_copy(l, c, "restored", NULL), PAPER_ESTATE);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "costs.seed"));
	paper_config_free(cfg);
	paper_ledger_close(c);
	paper_ledger_close(l);
	g_free(third);
	g_free(other);
	g_free(state);
	g_free(out);
}
END_TEST

/*
 * Text with characters SQL and the PostgreSQL COPY format give a meaning (quotes, commas, tabs,
 * line ends, backslashes, "\\."), and UTF-8, comes back as it went in, from a group large enough
 * to go by COPY.
 */
START_TEST(odd_text_round_trips)
{
	static const char *const tags[] = { "sp ace", "=SUM(A1)", "back\\slash\\N",
					    "quote'\"", "comma,semi;", "\xc3\xbc" "n\xc3\xaf" "c\xc3\xb8" "d\xc3\xa9 \xe2\x82\xac",
					    "\\.", "" };
	paper_ledger *l = lu_open(path, PAPER_BATCHED, 1000);
	paper_broker *b = lu_new_account(l, "acct"), *r = NULL;
	ck_ok(paper_broker_on_quote(b, "AAA", T0, 9.9, 10.1, 10));
	for (int i = 0; i < 40; i++) {
		paper_order_request req = PAPER_ORDER_REQUEST_INIT;
		req.symbol = "AAA";
		req.side = PAPER_SIDE_BUY;
		req.type = PAPER_ORDER_LIMIT;
		req.limit_price = 5;
		req.qty = 1;
		req.client_id = tags[i % 8];
		req.strategy = tags[(i + 1) % 8];
		req.signal_id = tags[(i + 2) % 8];
		ck_ok(paper_broker_submit(b, &req, NULL));
	}
	ck_ok(paper_ledger_load_broker(l, "acct", &r));
	lu_assert_same(b, r, 41);
	ck_assert_uint_eq(paper_broker_open_order_count(r), 40);
	paper_order_info o = PAPER_ORDER_INFO_INIT;
	ck_ok(paper_broker_order(r, 2, &o));
	ck_assert_str_eq(o.client_id, tags[1]);
	ck_assert_int_eq(ld_sql_int(path, "SELECT count(*) FROM orders WHERE strategy = 'quote''\"'"),
			 5);
	/* Control characters and bytes that are not UTF-8 are refused by the broker on either
	 * backend (docs/security.md): the order never exists, the batch goes on. */
	static const char *const refused[] = { "tab\there", "new\nline", "cr\r", "esc\x1b[2K",
					       "caf\xe9", "del\x7f", "c1\xc2\x85" };
	for (size_t i = 0; i < G_N_ELEMENTS(refused); i++) {
		paper_order_request bad = PAPER_ORDER_REQUEST_INIT;
		bad.symbol = "AAA";
		bad.qty = 1;
		bad.type = PAPER_ORDER_LIMIT;
		bad.limit_price = 5;
		bad.client_id = i % 3 == 0 ? refused[i] : NULL;
		bad.strategy = i % 3 == 1 ? refused[i] : NULL;
		bad.signal_id = i % 3 == 2 ? refused[i] : NULL;
		ck_assert_int_eq(paper_broker_submit(b, &bad, NULL), PAPER_EINVAL);
	}
	ck_assert_uint_eq(paper_broker_open_order_count(b), 40);
	ck_ok(paper_ledger_flush(l));
	paper_broker_free(r);
	paper_broker_free(b);
	paper_ledger_close(l);
}
END_TEST

static Suite *ledger_suite(void)
{
	Suite *s = suite_create("ledger");
	TCase *tc = tcase_create("open");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, open_create_and_options);
	tcase_add_test(tc, close_before_broker);
	suite_add_tcase(s, tc);
	tc = tcase_create("reopen");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, reopen_equal_durable);
	tcase_add_test(tc, reopen_equal_batched);
	tcase_add_test(tc, log_has_every_event_type);
	tcase_add_test(tc, several_accounts);
	tcase_add_test(tc, defined_instrument_kept);
	tcase_add_test(tc, views_use_the_multiplier);
	suite_add_tcase(s, tc);
	tc = tcase_create("locks");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, account_in_use_same_process);
	tcase_add_test(tc, account_in_use_other_process);
	tcase_add_test(tc, busy_timeout_waits);
	tcase_add_test(tc, reader_sees_consistent_state);
	tcase_add_test(tc, two_writers_one_ledger);
	suite_add_tcase(s, tc);
	tc = tcase_create("bad_input");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, foreign_tables_refused);
	tcase_add_test(tc, newer_schema_refused);
	tcase_add_test(tc, log_edits_refused);
	tcase_add_test(tc, read_only_option_writes_nothing);
	tcase_add_test(tc, check_finds_what_the_log_denies);
	suite_add_tcase(s, tc);
	if (!ld_pg()) { /* what only a file can suffer */
		tc = tcase_create("bad_files");
		tcase_add_checked_fixture(tc, setup, teardown);
		tcase_add_test(tc, garbage_empty_and_directory_refused);
		tcase_add_test(tc, truncated_refused);
		tcase_add_test(tc, special_sqlite_names_are_plain_files);
		tcase_add_test(tc, read_only_media);
		tcase_add_test(tc, disk_full_durable);
		tcase_add_test(tc, disk_full_batched);
		suite_add_tcase(s, tc);
	}
	tc = tcase_create("export");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, export_files);
	tcase_add_test(tc, import_round_trip);
	tcase_add_test(tc, state_json_always_reimports);
	tcase_add_test(tc, import_malformed_creates_nothing);
	tcase_add_test(tc, decisions_inbox);
	tcase_add_test(tc, views_match_broker);
	tcase_add_test(tc, people_views_match_broker);
	tcase_add_test(tc, daily_pnl_chains_over_a_day_without_snapshot);
	tcase_add_test(tc, schema_three_is_migrated);
	tcase_add_test(tc, exit_plans_survive_a_restart);
	tcase_add_test(tc, copy_ledger);
	tcase_add_test(tc, odd_text_round_trips);
	suite_add_tcase(s, tc);
	return s;
}

/* `test-ledger` on SQLite files; `test-ledger postgresql` on the server in PAPER_TEST_PG. */
int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "postgresql") == 0 && !ld_use_postgresql())
		return 77;
	return tu_run(ledger_suite());
}
