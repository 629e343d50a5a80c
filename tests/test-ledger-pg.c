/*
 * What only a ledger on a PostgreSQL server has to show (the shared suite, test-ledger.c, runs
 * everything else on both backends): the same schema as SQLite; copying a ledger SQLite ->
 * PostgreSQL -> SQLite with the same state and views at every end; locations as keyword strings
 * and in named schemas; two processes creating one ledger at once; a connection the server cuts
 * (the call goes through on a new one, or the broker is cut off when its account was taken
 * meanwhile); a server restart in the middle of a run, after which the broker trades on and
 * nothing it acknowledged is missing. Run under tests/pg/cluster.sh, which sets PAPER_TEST_PG.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ledgerdb.h"
#include "ledgerutil.h"

static char *dir, *loc;

static void setup(void)
{
	dir = lu_tmpdir();
	loc = ld_location(dir, "unused");
}

static void teardown(void)
{
	lu_rmtree(dir);
	g_free(dir);
	g_free(loc);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#define CHILD_CHECK(step, cond)                                                            \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "child step %d failed: %s (last error: %s)\n", step, \
				#cond, paper_last_error());                                \
			return step;                                                       \
		}                                                                          \
	} while (0)

static void expect_exit_0(pid_t pid, const char *what)
{
	int status = 0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	tu_require(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: child failed (status 0x%x, "
		   "step %d); see its stderr", what, status,
		   WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static paper_ledger *open_with(const char *where, paper_durability mode, uint32_t busy_ms)
{
	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
	paper_ledger *l = NULL;
	o.durability = mode;
	o.batch_events = 16;
	o.busy_timeout_ms = busy_ms;
	ck_ok(paper_ledger_open(&l, where, &o));
	return l;
}

/* An account traded until it holds positions, with a decision, in the ledger at where. */
static uint64_t trade_into(const char *where, const char *account, uint64_t seed, int steps)
{
	paper_ledger *l = lu_open(where, PAPER_BATCHED, 100);
	paper_broker *b = lu_new_account(l, account);
	lu_sim sim;
	lu_sim_init(&sim, seed);
	for (int i = 0; i < steps || paper_broker_position_count(b) == 0; i++)
		lu_step(b, &sim);
	paper_broker_free(b);
	paper_decision d = PAPER_DECISION_INIT;
	g_strlcpy(d.symbol, "BBB", sizeof d.symbol);
	d.side = PAPER_SIDE_BUY;
	d.confidence = 0.5;
	ck_ok(paper_ledger_decision_add(l, account, &d, NULL));
	paper_ledger_close(l);
	return sim.max_id;
}

/* Cut every libpaper connection to the server, as a restart or a network failure would, and
 * wait until their sessions ended. */
static void cut_connections(int64_t expected)
{
	ck_assert_int_eq(ld_sql_int(loc, "SELECT count(*) FROM (SELECT pg_terminate_backend(pid, "
				    "5000) FROM pg_stat_activity WHERE application_name = "
				    "'libpaper') AS x"), expected);
}

/* ---- one schema ---- */

START_TEST(schema_same_as_sqlite)
{
	char *file = g_build_filename(dir, "ledger.db", NULL);
	paper_ledger_close(lu_open(file, PAPER_DURABLE, 1));
	paper_ledger_close(lu_open(loc, PAPER_DURABLE, 1));
	char *sq = ld_sql_rows(file, "SELECT m.name, p.name FROM sqlite_master m JOIN "
			       "pragma_table_info(m.name) p WHERE m.type IN ('table', 'view') "
			       "ORDER BY m.name, p.cid");
	char *pg = ld_sql_rows(loc, "SELECT table_name, column_name FROM information_schema.columns "
			       "WHERE table_schema = current_schema() "
			       "ORDER BY table_name COLLATE \"C\", ordinal_position");
	ck_assert_ptr_nonnull(strstr(pg, "portfolio|equity\n"));
	ck_assert_ptr_nonnull(strstr(pg, "events|paper\n"));
	ck_assert_str_eq(sq, pg);
	g_free(sq);
	g_free(pg);
	/* The triggers: TRUNCATE too is refused on the server. */
	char err[256];
	ck_assert(!ld_sql_try(loc, "TRUNCATE decisions", err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "never deleted"));
	ck_assert_int_eq(ld_sql_int(loc, "SELECT value::int FROM meta WHERE key = "
				    "'schema_version'"), LD_SCHEMA_VERSION);
	ck_assert_int_eq(ld_sql_int(file, "PRAGMA user_version"), LD_SCHEMA_VERSION);
	g_free(file);
}
END_TEST

/* ---- paper migrate's round trip ---- */

static void assert_same_account(const char *a, const char *b, const char *account,
				uint64_t max_id)
{
	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
	paper_ledger *x = NULL, *y = NULL;
	paper_broker *bx = NULL, *by = NULL;
	o.read_only = true;
	ck_ok(paper_ledger_open(&x, a, &o));
	ck_ok(paper_ledger_open(&y, b, &o));
	ck_ok(paper_ledger_load_broker(x, account, &bx));
	ck_ok(paper_ledger_load_broker(y, account, &by));
	lu_assert_same(bx, by, max_id);
	lu_assert_reconciles(by);
	paper_broker_free(bx);
	paper_broker_free(by);
	paper_ledger_close(x);
	paper_ledger_close(y);
}

/* The views' exact columns, the same whichever backend answers. */
static char *view_answers(const char *where)
{
	static const char *const queries[] = {
		"SELECT name, cash_e8, realized_e8, fees_e8, fills, trades, open_positions, "
		"open_orders FROM portfolio ORDER BY name",
		"SELECT account_name, symbol, direction, qty_e8, basis_e8, mark_e8 FROM "
		"open_positions ORDER BY account_name, symbol",
		"SELECT account_name, symbol, trades, wins, losses FROM performance_by_symbol "
		"ORDER BY account_name, symbol",
		"SELECT account_name, trade_id, symbol, direction, exit_reason FROM recent_trades",
		"SELECT account, status, order_id, symbol FROM decisions ORDER BY account, id",
	};
	GString *all = g_string_new(NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(queries); i++) {
		char *rows = ld_sql_rows(where, queries[i]);
		g_string_append_printf(all, "%s--\n", rows);
		g_free(rows);
	}
	return g_string_free(all, FALSE);
}

static void copy_all(const char *from, const char *to, size_t want)
{
	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
	paper_ledger *x = NULL, *y = NULL;
	size_t n = 0;
	o.read_only = true;
	ck_ok(paper_ledger_open(&x, from, &o));
	ck_ok(paper_ledger_open(&y, to, NULL));
	ck_ok(paper_ledger_copy(x, y, NULL, &n));
	ck_assert_uint_eq(n, want);
	paper_ledger_close(x);
	paper_ledger_close(y);
}

START_TEST(migrate_round_trip)
{
	char *a = g_build_filename(dir, "a.db", NULL), *b = g_build_filename(dir, "b.db", NULL);
	uint64_t max1 = trade_into(a, "alpha", 5, 2500), max2 = trade_into(a, "beta", 6, 1500);
	copy_all(a, loc, 2);
	copy_all(loc, b, 2);
	assert_same_account(a, loc, "alpha", max1);
	assert_same_account(a, loc, "beta", max2);
	assert_same_account(loc, b, "alpha", max1);
	assert_same_account(a, b, "beta", max2);
	char *va = view_answers(a), *vp = view_answers(loc), *vb = view_answers(b);
	ck_assert_uint_gt(strlen(va), 200);
	ck_assert_str_eq(va, vp);
	ck_assert_str_eq(va, vb);
	g_free(va);
	g_free(vp);
	g_free(vb);
	/* Again into the same ledger: refused, nothing added. */
	paper_ledger *x = NULL, *y = NULL;
	ck_ok(paper_ledger_open(&x, a, NULL));
	ck_ok(paper_ledger_open(&y, loc, NULL));
	ck_assert_int_eq(paper_ledger_copy(x, y, "beta", NULL), PAPER_ESTATE);
	paper_ledger_close(x);
	paper_ledger_close(y);
	ck_assert_int_eq(ld_sql_int(loc, "SELECT count(*) FROM decisions"), 2);
	g_free(a);
	g_free(b);
}
END_TEST

/* ---- locations ---- */

START_TEST(keyword_locations_and_schemas)
{
	char *kw = ld_pg_keywords();
	paper_ledger *k = lu_open(kw, PAPER_DURABLE, 1);
	paper_ledger *u = lu_open(loc, PAPER_DURABLE, 1);
	/* One account name in two ledgers (schemas) of one database: two locks, both free. */
	paper_broker *bk = lu_new_account(k, "main"), *bu = lu_new_account(u, "main");
	ck_ok(paper_broker_on_quote(bk, "AAA", T0, 9.9, 10.1, 10));
	ck_ok(paper_broker_on_quote(bu, "AAA", T0, 19.9, 20.1, 20));
	ck_ok(paper_broker_snapshot(bk));
	paper_broker_free(bk);
	paper_broker_free(bu);
	/* Each: the day's first data snapshot; the keyword one also the explicit one. */
	ck_assert_int_eq(ld_sql_int(kw, "SELECT count(*) FROM snapshots"), 2);
	ck_assert_int_eq(ld_sql_int(loc, "SELECT count(*) FROM snapshots"), 1);
	paper_ledger_close(k);
	paper_ledger_close(u);

	/* Messages never show a password, in either form. */
	paper_ledger *l = NULL;
	ck_assert_int_eq(paper_ledger_open(&l, "host=/nonexistent password='s3 cret' dbname=x",
					   NULL), PAPER_EIO);
	ck_assert_ptr_null(strstr(paper_last_error(), "s3"));
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "password=***"));
	ck_assert_int_eq(paper_ledger_open(&l, "postgres://me:s3cret@/x?host=/nonexistent&"
					   "sslpassword=s3cret", NULL), PAPER_EIO);
	ck_assert_ptr_null(strstr(paper_last_error(), "s3cret"));
	/* A schema the search_path does not find. */
	char *server = g_strndup(kw, (gsize)(strstr(kw, " options=") - kw));
	char *missing = g_strdup_printf("%s options='-csearch_path=no_such_schema'", server);
	ck_assert_int_eq(paper_ledger_open(&l, missing, NULL), PAPER_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "search_path"));
	g_free(missing);
	g_free(server);
	g_free(kw);
}
END_TEST

/* Two processes creating one ledger at the same moment: one creates it, the other opens it. */
static int create_and_add(const char *account, int go)
{
	char c;
	paper_ledger *l = NULL;
	paper_config *cfg = NULL;
	CHILD_CHECK(1, read(go, &c, 1) == 1);
	CHILD_CHECK(2, paper_ledger_open(&l, loc, NULL) == PAPER_OK);
	CHILD_CHECK(3, paper_config_new(&cfg) == PAPER_OK &&
			       paper_config_set(cfg, "account.name", account) == PAPER_OK);
	CHILD_CHECK(4, paper_ledger_create_account(l, cfg) == PAPER_OK);
	paper_config_free(cfg);
	paper_ledger_close(l);
	return 0;
}

START_TEST(two_creators)
{
	int go[2];
	pid_t pids[2];
	ck_assert_int_eq(pipe(go), 0);
	for (int k = 0; k < 2; k++) {
		pids[k] = fork();
		ck_assert_int_ge(pids[k], 0);
		if (pids[k] == 0)
			_exit(create_and_add(k ? "two" : "one", go[0]));
	}
	ck_assert_int_eq(write(go[1], "gg", 2), 2);
	expect_exit_0(pids[0], "first creator");
	expect_exit_0(pids[1], "second creator");
	ck_assert_int_eq(ld_sql_int(loc, "SELECT count(*) FROM accounts"), 2);
	ck_assert_int_eq(ld_sql_int(loc, "SELECT count(*) FROM meta"), 4);
	close(go[0]);
	close(go[1]);
}
END_TEST

/* ---- a connection the server cuts ---- */

/*
 * The server ends the broker's session between two calls: the next call that writes finds the
 * connection gone, reconnects, takes the account back and writes; the caller sees nothing.
 */
static void survive_cut(paper_durability mode)
{
	paper_ledger *l = open_with(loc, mode, 0);
	paper_broker *b = lu_new_account(l, "acct");
	lu_sim sim;
	lu_sim_init(&sim, 3 + mode);
	for (int i = 0; i < 400; i++)
		lu_step(b, &sim);
	for (int round = 0; round < 3; round++) {
		cut_connections(1);
		for (int i = 0; i < 300; i++) /* lu_step accepts no PAPER_EIO */
			lu_step(b, &sim);
	}
	/* The account is this broker's again: a second one is refused. */
	paper_ledger *other = open_with(loc, PAPER_DURABLE, 0);
	paper_broker *x = NULL;
	ck_assert_int_eq(paper_ledger_open_broker(other, "acct", &x), PAPER_EBUSY);
	ck_ok(paper_broker_snapshot(b));
	ck_ok(paper_ledger_flush(l));
	ck_ok(paper_ledger_load_broker(other, "acct", &x));
	lu_assert_same(b, x, sim.max_id);
	paper_broker_free(x);
	paper_broker_free(b);
	ck_ok(paper_ledger_open_broker(other, "acct", &x));
	paper_broker_free(x);
	paper_ledger_close(other);
	paper_ledger_close(l);
}

START_TEST(connection_cut_durable)
{
	survive_cut(PAPER_DURABLE);
}
END_TEST

START_TEST(connection_cut_batched)
{
	survive_cut(PAPER_BATCHED);
}
END_TEST

/*
 * Another broker took the account while the connection was gone: this one is cut off (it
 * refuses changes until reopened), whether the other still holds the account or has appended
 * to its log and let go.
 */
START_TEST(account_taken_while_cut)
{
	paper_ledger *l = open_with(loc, PAPER_DURABLE, 0);
	paper_broker *b = lu_new_account(l, "acct");
	lu_sim sim;
	lu_sim_init(&sim, 11);
	for (int i = 0; i < 200; i++)
		lu_step(b, &sim);
	int64_t snapshots = ld_sql_int(loc, "SELECT count(*) FROM snapshots");
	cut_connections(1);
	paper_ledger *other = open_with(loc, PAPER_DURABLE, 5000);
	paper_broker *x = NULL;
	ck_ok(paper_ledger_open_broker(other, "acct", &x));
	ck_assert_int_eq(paper_broker_snapshot(b), PAPER_EBUSY);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "taken by another broker"));
	ck_assert_int_eq(paper_broker_snapshot(b), PAPER_EBUSY); /* and stays so */
	paper_broker_free(b);
	ck_ok(paper_broker_snapshot(x));
	paper_broker_free(x);
	ck_assert_int_eq(ld_sql_int(loc, "SELECT count(*) FROM snapshots"), snapshots + 1);

	/* The log grew behind its back, by as many events as this broker was writing, but not
	 * these: cut off too. */
	ck_ok(paper_ledger_open_broker(l, "acct", &b));
	cut_connections(2);
	ck_ok(paper_ledger_open_broker(other, "acct", &x));
	ck_ok(paper_broker_set_halted(x, true)); /* one event, not the snapshot below */
	paper_broker_free(x);
	ck_assert_int_eq(paper_broker_snapshot(b), PAPER_EIO);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "after reconnecting"));
	ck_assert_int_eq(paper_broker_snapshot(b), PAPER_EIO);
	paper_broker_free(b);
	/* Reopened, it continues from the log as the server has it. */
	ck_ok(paper_ledger_open_broker(l, "acct", &b));
	ck_ok(paper_ledger_load_broker(other, "acct", &x));
	lu_assert_same(b, x, sim.max_id);
	ck_assert(tu_account(b).halted);
	paper_broker_free(x);

	/* The log ends with exactly the event this broker was writing, column for column (as
	 * when its commit happened and only the answer was lost): taken as committed, and the
	 * broker carries on. */
	cut_connections(2);
	ck_ok(paper_ledger_open_broker(other, "acct", &x));
	ck_ok(paper_broker_set_halted(x, false));
	paper_broker_free(x);
	ck_ok(paper_broker_set_halted(b, false));
	ck_assert(!tu_account(b).halted);
	ck_ok(paper_broker_snapshot(b));
	ck_ok(paper_ledger_load_broker(other, "acct", &x));
	lu_assert_same(b, x, sim.max_id);
	paper_broker_free(x);
	paper_broker_free(b);
	paper_ledger_close(other);
	paper_ledger_close(l);
}
END_TEST

/* ---- a server restart in the middle of a run ---- */

typedef struct ack {
	uint64_t seq;
	int64_t qty_e8, price_e8;
} ack;

typedef struct run_report {
	int errors;        /* calls that failed with PAPER_EIO naming the server */
	int reopened;      /* brokers reopened: a lost group, or a commit that happened unseen */
	int after;         /* successful iterations after the restart */
	paper_account_info account; /* as the child left it, flushed */
} run_report;

static void report_fills(paper_broker *b, uint64_t *reported, int fd)
{
	size_t n = paper_broker_fill_count(b);
	for (size_t i = 0; i < n; i++) {
		paper_fill_info f = PAPER_FILL_INFO_INIT;
		if (paper_broker_fill_at(b, i, &f) != PAPER_OK || f.seq <= *reported)
			continue;
		ack a = { f.seq, f.qty_e8, f.price_e8 };
		if (write(fd, &a, sizeof a) != (ssize_t)sizeof a)
			_exit(90);
		*reported = f.seq;
	}
}

/* One iteration: a quote that fills the last order, and the next market order. */
static int trade_once(paper_broker *b, long i, paper_ts *ts)
{
	paper_order_request r = PAPER_ORDER_REQUEST_INIT;
	double px = 100.0 + (double)(i % 11);
	r.symbol = "AAA";
	r.qty = 1;
	r.side = i % 2 ? PAPER_SIDE_SELL : PAPER_SIDE_BUY;
	int rc = paper_broker_on_quote(b, "AAA", *ts += PAPER_TS_PER_SECOND, px - 0.05, px + 0.05, px);
	if (rc == PAPER_OK)
		rc = paper_broker_submit(b, &r, NULL);
	return rc == PAPER_EFUNDS ? PAPER_OK : rc;
}

/* Trade until the parent says the server was restarted, then 100 iterations more. */
static int restarted_run(paper_durability mode, int acks, int go, run_report *out)
{
	paper_ledger *l = NULL;
	paper_broker *b = NULL;
	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
	o.durability = mode;
	o.batch_events = 16;
	o.batch_ms = 5;
	CHILD_CHECK(1, paper_ledger_open(&l, loc, &o) == PAPER_OK);
	CHILD_CHECK(2, paper_ledger_open_broker(l, "acct", &b) == PAPER_OK);
	paper_ts ts = T0;
	uint64_t reported = 0;
	bool restarted = false;
	double t0 = now_s();
	for (long i = 0; out->after < 100; i++) {
		CHILD_CHECK(3, now_s() - t0 < 60);
		struct pollfd p = { .fd = go, .events = POLLIN };
		restarted = restarted || poll(&p, 1, 0) == 1;
		int rc = b ? trade_once(b, i, &ts) : paper_ledger_open_broker(l, "acct", &b);
		if (rc == PAPER_OK) {
			out->after += restarted;
			if (mode == PAPER_DURABLE)
				report_fills(b, &reported, acks);
			continue;
		}
		/* The server is away; or, back, it holds events this broker did not apply (a lost
		 * group, or a commit whose answer was lost): it continues from the log. */
		bool cut = g_str_has_prefix(paper_last_error(), "free this broker and open");
		CHILD_CHECK(4, rc == PAPER_EIO &&
				       (strstr(paper_last_error(), "PostgreSQL server") || cut));
		out->errors++;
		if (b && (mode == PAPER_BATCHED || cut)) {
			paper_broker_free(b);
			b = NULL;
			out->reopened++;
		}
		usleep(20000);
	}
	CHILD_CHECK(5, paper_ledger_flush(l) == PAPER_OK);
	CHILD_CHECK(6, paper_broker_account(b, &out->account) == PAPER_OK);
	paper_broker_free(b);
	paper_ledger_close(l);
	return 0;
}

static void restart_server(void)
{
	char *cluster = ld_pg_cluster_dir();
	char *cmd = g_strdup_printf("sh '%s/tests/pg/cluster.sh' restart '%s'", PAPER_TEST_SRCDIR,
				    cluster);
	ck_assert_int_eq(system(cmd), 0);
	g_free(cmd);
	g_free(cluster);
}

/* Each acknowledged fill, with its quantity and price, is in the log the server kept. */
static void assert_acked_stored(const char *acks_file)
{
	char *data = NULL;
	gsize len = 0;
	ck_assert(g_file_get_contents(acks_file, &data, &len, NULL));
	ck_assert_uint_eq(len % sizeof(ack), 0);
	ck_assert_uint_gt(len / sizeof(ack), 50);
	char *stored = ld_sql_rows(loc, "SELECT seq, qty_e8, price_e8 FROM fills ORDER BY seq");
	GHashTable *have = g_hash_table_new(g_str_hash, g_str_equal);
	char **rows = g_strsplit(stored, "\n", -1);
	for (char **r = rows; *r && **r; r++)
		g_hash_table_add(have, *r);
	for (gsize i = 0; i < len / sizeof(ack); i++) {
		ack a;
		memcpy(&a, data + i * sizeof a, sizeof a);
		char key[96];
		g_snprintf(key, sizeof key, "%" PRIu64 "|%" PRId64 "|%" PRId64, a.seq, a.qty_e8,
			   a.price_e8);
		tu_require(g_hash_table_contains(have, key), "acknowledged fill %s is not stored", key);
	}
	g_hash_table_unref(have);
	g_strfreev(rows);
	g_free(stored);
	g_free(data);
}

static void restart_during_run(paper_durability mode)
{
	paper_ledger_close(lu_open(loc, PAPER_DURABLE, 1));
	paper_ledger *l = lu_open(loc, PAPER_DURABLE, 1);
	paper_config *cfg = lu_config("acct");
	ck_ok(paper_config_set(cfg, "limits.daily_loss_limit", "1"));
	ck_ok(paper_ledger_create_account(l, cfg));
	paper_config_free(cfg);
	paper_ledger_close(l);
	char *acks = g_build_filename(dir, "acks", NULL);
	int fd = open(acks, O_WRONLY | O_CREAT | O_APPEND, 0600), go[2], rep[2];
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pipe(go), 0);
	ck_assert_int_eq(pipe(rep), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		run_report r = { .account = PAPER_ACCOUNT_INFO_INIT };
		int rc = restarted_run(mode, fd, go[0], &r);
		if (rc == 0 && write(rep[1], &r, sizeof r) != (ssize_t)sizeof r)
			rc = 91;
		_exit(rc);
	}
	close(fd);
	usleep(400000);
	restart_server();
	ck_assert_int_eq(write(go[1], "g", 1), 1);
	expect_exit_0(pid, "trading through a restart");
	run_report r;
	ck_assert_int_eq(read(rep[0], &r, sizeof r), (ssize_t)sizeof r);
	ck_assert_int_gt(r.errors, 0);   /* it saw the server go... */
	ck_assert_int_eq(r.after, 100);  /* ...and traded on once it was back */
	paper_broker *b = NULL;
	l = lu_open(loc, PAPER_DURABLE, 1);
	ck_ok(paper_ledger_load_broker(l, "acct", &b));
	paper_account_info a = tu_account(b);
	ck_assert_int_eq(a.cash_e8, r.account.cash_e8);
	ck_assert_uint_eq(a.fills, r.account.fills);
	lu_assert_reconciles(b);
	paper_broker_free(b);
	paper_ledger_close(l);
	if (mode == PAPER_DURABLE)
		assert_acked_stored(acks);
	for (int i = 0; i < 2; i++) {
		close(go[i]);
		close(rep[i]);
	}
	g_free(acks);
}

START_TEST(server_restart_durable)
{
	restart_during_run(PAPER_DURABLE);
}
END_TEST

START_TEST(server_restart_batched)
{
	restart_during_run(PAPER_BATCHED);
}
END_TEST

static Suite *pg_suite(void)
{
	Suite *s = suite_create("ledger-postgresql");
	TCase *tc = tcase_create("postgresql");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, schema_same_as_sqlite);
	tcase_add_test(tc, migrate_round_trip);
	tcase_add_test(tc, keyword_locations_and_schemas);
	tcase_add_test(tc, two_creators);
	tcase_add_test(tc, connection_cut_durable);
	tcase_add_test(tc, connection_cut_batched);
	tcase_add_test(tc, account_taken_while_cut);
	tcase_add_test(tc, server_restart_durable);
	tcase_add_test(tc, server_restart_batched);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (!ld_use_postgresql())
		return 77;
	return tu_run(pg_suite());
}
