/*
 * Crash tests. A child process trades on a ledger and reports, through a pipe, every fill the
 * library acknowledged (after the call returned). The parent kills it with SIGKILL at random
 * moments, reopens the ledger and checks:
 *   durable: every acknowledged fill is there, with its quantity and price;
 *   both modes: nothing is torn — the log replays through the broker's checks, its seqs are
 *   dense, the query tables agree with the log (orders' filled quantities with the fills,
 *   trades with the closed round trips) — and cash reconciles exactly.
 * Then the next child carries on from the reopened state. Fixed seeds: the kill points are
 * the same on every run.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ledgerutil.h"

#define KILLS 60

typedef struct ack {
	uint64_t seq;
	int64_t qty_e8, price_e8;
} ack;

static char *dir, *path;

static void setup(void)
{
	dir = lu_tmpdir();
	path = g_build_filename(dir, "crash.db", NULL);
}

static void teardown(void)
{
	lu_rmtree(dir);
	g_free(dir);
	g_free(path);
}

static paper_ledger_options options(paper_durability mode)
{
	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
	o.durability = mode;
	o.batch_events = 20;
	o.batch_ms = 3;
	o.busy_timeout_ms = 2000;
	return o;
}

/* ---- the child ---- */

static void report_new_fills(paper_broker *b, uint64_t *reported, int fd)
{
	size_t n = paper_broker_fill_count(b);
	for (; *reported < n; (*reported)++) {
		paper_fill_info f = PAPER_FILL_INFO_INIT;
		if (paper_broker_fill_at(b, *reported, &f) != PAPER_OK)
			_exit(20);
		ack a = { f.seq, f.qty_e8, f.price_e8 };
		if (write(fd, &a, sizeof a) != (ssize_t)sizeof a)
			_exit(21);
	}
}

static int step(paper_broker *b, long i, paper_ts *ts, double *px)
{
	static const char *const syms[2] = { "AAA", "BBB" };
	const char *sym = syms[i % 2];
	paper_order_request r = PAPER_ORDER_REQUEST_INIT;
	*px *= 1.0 + 0.002 * (double)((i * 7919) % 11 - 5);
	if (*px < 20 || *px > 500)
		*px = 100;
	int rc = paper_broker_on_quote(b, sym, *ts += PAPER_TS_PER_SECOND, *px - 0.02, *px + 0.02, *px);
	if (rc != PAPER_OK)
		return rc;
	r.symbol = sym;
	r.side = (i / 2) % 3 == 2 ? PAPER_SIDE_SELL : PAPER_SIDE_BUY;
	r.qty = (double)(1 + i % 5);
	if (i % 4 == 3) {
		r.type = PAPER_ORDER_LIMIT;
		r.limit_price = *px * (r.side == PAPER_SIDE_BUY ? 1.001 : 0.999);
	}
	uint64_t id = 0;
	rc = paper_broker_submit(b, &r, &id);
	if (rc == PAPER_EFUNDS || rc == PAPER_ELIMIT)
		rc = PAPER_OK;
	if (rc == PAPER_OK && id && i % 9 == 0)
		rc = paper_broker_cancel(b, id);
	if (rc == PAPER_OK && i % 13 == 0)
		rc = paper_broker_snapshot(b);
	return rc;
}

static void child(paper_durability mode, int fd)
{
	paper_ledger_options o = options(mode);
	paper_ledger *l = NULL;
	paper_broker *b = NULL;
	if (paper_ledger_open(&l, path, &o) != PAPER_OK ||
	    paper_ledger_open_broker(l, "acct", &b) != PAPER_OK) {
		fprintf(stderr, "child: %s\n", paper_last_error());
		_exit(10);
	}
	paper_account_info a = PAPER_ACCOUNT_INFO_INIT;
	paper_broker_account(b, &a);
	paper_ts ts = a.ts > T0 ? a.ts : T0;
	uint64_t reported = paper_broker_fill_count(b);
	double px = 100;
	for (long i = (long)a.fills;; i++) {
		int rc = step(b, i, &ts, &px);
		if (rc != PAPER_OK) {
			fprintf(stderr, "child: step %ld: %d %s\n", i, rc, paper_last_error());
			_exit(11);
		}
		report_new_fills(b, &reported, fd);
		if (mode == PAPER_BATCHED)
			usleep(40); /* keep the log short enough to replay 60 times */
	}
}

/* ---- the parent's checks ---- */

static int64_t sql_int(sqlite3 *db, const char *q)
{
	sqlite3_stmt *st;
	tu_require(sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK, "%s: %s", q,
		   sqlite3_errmsg(db));
	int rc = sqlite3_step(st);
	tu_require(rc == SQLITE_ROW, "%s: %d %s", q, rc, sqlite3_errmsg(db));
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The query tables agree with the log: no derived row without its event, or the reverse. */
static void assert_not_torn(const paper_account_info *a)
{
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 60000); /* a loaded machine: the reopened ledger may be recovering */
	ck_assert_int_eq(sql_int(db, "SELECT count(*) = coalesce(max(seq), 0) FROM events"), 1);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM fills"), (int64_t)a->fills);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM trades"), (int64_t)a->closed_trades);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) = coalesce(max(id), 0) FROM orders"), 1);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM orders o LEFT JOIN (SELECT order_id, "
				 "sum(qty_e8) AS q FROM fills GROUP BY order_id) f ON f.order_id = "
				 "o.id WHERE o.filled_e8 != coalesce(f.q, 0)"), 0);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM events WHERE type = 1"),
			 sql_int(db, "SELECT count(*) FROM orders"));
	/* The account and position rows were written with the event that set them. */
	ck_assert_int_eq(sql_int(db, "SELECT cash_e8 FROM account_state"), a->cash_e8);
	ck_assert_int_eq(sql_int(db, "SELECT fills FROM account_state"), (int64_t)a->fills);
	ck_assert_int_eq(sql_int(db, "SELECT max(seq) - (SELECT event_seq FROM account_state) "
				 "FROM events"), 0);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM position_state WHERE qty_e8 <> 0"),
			 (int64_t)a->open_positions);
	sqlite3_close(db);
}

/* Take whole acks from the pipe: each was one atomic write, so a read never splits one. */
static bool take_acks(int fd, GArray *acks, bool block)
{
	ack buf[64];
	if (!block) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 1) <= 0)
			return true;
	}
	ssize_t n = read(fd, buf, sizeof buf);
	ck_assert_int_ge(n, 0);
	ck_assert_int_eq(n % (ssize_t)sizeof(ack), 0);
	g_array_append_vals(acks, buf, (guint)(n / (ssize_t)sizeof(ack)));
	return n > 0;
}

/* Read acks until the child has made a fill (or 10 s pass): then it is surely trading. */
static void wait_for_trading(int fd, GArray *acks)
{
	guint before = acks->len;
	double t0 = g_get_monotonic_time() / 1e6;
	while (acks->len == before && g_get_monotonic_time() / 1e6 - t0 < 10.0)
		if (!take_acks(fd, acks, false))
			break;
}

/* Reopen and check; returns the fills on disk. *lost counts acknowledged fills not there. */
static uint64_t check_ledger(paper_durability mode, GArray *acks, unsigned *lost)
{
	paper_ledger_options o = options(mode);
	paper_ledger *l = NULL;
	paper_broker *b = NULL;
	ck_ok(paper_ledger_open(&l, path, &o));
	ck_ok(paper_ledger_load_broker(l, "acct", &b));
	lu_assert_reconciles(b);
	paper_account_info a = tu_account(b);
	assert_not_torn(&a);
	size_t held = paper_broker_fill_count(b);
	ck_assert_uint_eq(held, a.fills);
	/* Acks are in seq order, with holes where a fill was durable but the child died before
	 * reporting it. */
	guint keep = 0;
	for (guint i = 0; i < acks->len; i++) {
		const ack *k = &g_array_index(acks, ack, i);
		if (k->seq > held) {
			/* Only batched mode may lose an acknowledged fill: the unflushed tail. */
			tu_require(mode == PAPER_BATCHED, "acknowledged fill %" PRIu64 " is lost: %zu "
				   "fills on disk", k->seq, held);
			(*lost)++;
			continue;
		}
		paper_fill_info f = PAPER_FILL_INFO_INIT;
		ck_ok(paper_broker_fill_at(b, k->seq - 1, &f));
		tu_require(f.seq == k->seq && f.qty_e8 == k->qty_e8 && f.price_e8 == k->price_e8,
			   "acknowledged fill %" PRIu64 " differs on disk", k->seq);
		g_array_index(acks, ack, keep++) = *k;
	}
	/* What batched mode lost is made again, under the same seqs, by the next child. */
	g_array_set_size(acks, keep);
	paper_broker_free(b);
	paper_ledger_close(l);
	return held;
}

static void create(void)
{
	paper_ledger *l = NULL;
	paper_config *cfg = lu_config("acct");
	ck_ok(paper_config_set(cfg, "engine.fill_history", "10000000"));
	ck_ok(paper_config_set(cfg, "limits.daily_loss_limit", "1"));
	ck_ok(paper_config_set(cfg, "account.starting_cash", "10000000"));
	ck_ok(paper_ledger_open(&l, path, NULL));
	ck_ok(paper_ledger_create_account(l, cfg));
	paper_config_free(cfg);
	paper_ledger_close(l);
}

static void crash_loop(paper_durability mode, uint64_t seed)
{
	GArray *acks = g_array_new(FALSE, FALSE, sizeof(ack));
	uint64_t rng = seed;
	int killed_mid_run = 0;
	unsigned acked = 0, lost = 0;
	uint64_t on_disk = 0;
	create();
	for (int k = 0; k < KILLS; k++) {
		int fds[2];
		ck_assert_int_eq(pipe(fds), 0);
		pid_t pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			close(fds[0]);
			child(mode, fds[1]);
		}
		close(fds[1]);
		rng = rng * 6364136223846793005u + 1442695040888963407u;
		guint before = acks->len;
		/* A quarter of the kills land while the child opens and replays; the rest at a
		 * random moment (0 to 20 ms) after its first fill, whatever the machine's speed. */
		bool early = (rng >> 60) % 4 == 0;
		if (!early)
			wait_for_trading(fds[0], acks);
		usleep((useconds_t)((rng >> 33) % (early ? 10000 : 20000)));
		kill(pid, SIGKILL);
		int status;
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		tu_require(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
			   "the child stopped by itself (status 0x%x) at kill %d", status, k);
		while (take_acks(fds[0], acks, true))
			;
		close(fds[0]);
		killed_mid_run += !early && acks->len > before;
		acked += acks->len - before;
		on_disk = check_ledger(mode, acks, &lost);
	}
	fprintf(stderr, "%s: %d kills, %d while filling, %u fills acknowledged, %u of them lost "
		"(allowed only in batched mode), %" PRIu64 " fills on disk at the end\n",
		mode == PAPER_DURABLE ? "durable" : "batched", KILLS, killed_mid_run, acked, lost,
		on_disk);
	/* The kills did land while fills were being made, not only around them. */
	ck_assert_int_ge(killed_mid_run, KILLS / 2);
	ck_assert_uint_ge(acked, KILLS / 2);
	g_array_unref(acks);
}

START_TEST(crash_durable)
{
	crash_loop(PAPER_DURABLE, 0xdeadbeef);
}
END_TEST

START_TEST(crash_batched)
{
	crash_loop(PAPER_BATCHED, 0xfeedface);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ledger-crash");
	TCase *tc = tcase_create("kill");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, crash_durable);
	tcase_add_test(tc, crash_batched);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
