/*
 * Ledger throughput: fills persisted per second, one core. Each iteration is a quote and a
 * market order that the next quote fills (default costs on); buys and sells alternate, so every
 * second fill closes a round trip. Per fill the ledger writes two events (the order accepted,
 * the fill), the order's row and, every second fill, a trade row.
 *
 * The same loop runs three ways in one process: with no ledger (the baseline), with a ledger in
 * PAPER_BATCHED mode (group commits of 1000 events) and in PAPER_DURABLE mode (one
 * synchronous=FULL commit per event: bound by fsync).
 *
 * Then peak memory of replaying a small and a large ledger, each in a fresh process (this
 * program re-executed with "replay"), to show replay memory does not grow with the log.
 *
 * Prints (names are a contract):
 *   BENCH ledger_memory_fills_per_sec=<median>
 *   BENCH ledger_batched_fills_per_sec=<median>
 *   BENCH ledger_durable_fills_per_sec=<median>
 *   BENCH ledger_batched_vs_memory=<ratio>  BENCH ledger_durable_vs_memory=<ratio>
 *   BENCH ledger_replay_rss_kb_small=<kB>  BENCH ledger_replay_rss_kb_large=<kB>
 *
 * Usage: bench-ledger [fills_per_run (200000)] [runs (5)] [durable_fills (2000)] [dir]
 *        bench-ledger replay <ledger> <account>
 *        bench-ledger pg [fills_per_run (50000)] [runs (5)] [durable_fills (1000)]
 * Ledgers go to dir (default: a new directory under $TMPDIR or /tmp), removed at the end.
 *
 * `pg` runs the batched and durable loops against the PostgreSQL server in $PAPER_TEST_PG
 * (tests/pg/cluster.sh run starts a throw-away one, over a Unix socket), each run on a new
 * account of one ledger, and prints (contract names):
 *   BENCH pg_batched_fills_per_sec=<median>  BENCH pg_durable_fills_per_sec=<median>
 */
#include <paper/paper.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REPLAY_SMALL 10000
#define REPLAY_LARGE 1000000

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void die(int rc, const char *what)
{
	fprintf(stderr, "bench-ledger: %s: %s (%s)\n", what, paper_strerror(rc), paper_last_error());
	exit(1);
}

static paper_config *config(const char *account)
{
	paper_config *cfg = NULL;
	int rc = paper_config_new(&cfg);
	if (rc == PAPER_OK)
		rc = paper_config_set(cfg, "account.name", account);
	/* Trades in a bounded window, so the live state does not grow with the run. */
	if (rc == PAPER_OK)
		rc = paper_config_set(cfg, "engine.trade_history", "10000");
	if (rc == PAPER_OK)
		rc = paper_config_set(cfg, "account.starting_cash", "10000000000");
	if (rc != PAPER_OK)
		die(rc, "config");
	return cfg;
}

typedef struct loop {
	paper_broker *b;
	paper_ts ts;
	long i;
} loop;

/* n fills: a quote (filling the order before) and the next market order. Returns seconds. */
static double run(loop *lp, long n)
{
	paper_order_request req = PAPER_ORDER_REQUEST_INIT;
	paper_account_info a0 = PAPER_ACCOUNT_INFO_INIT, a1 = PAPER_ACCOUNT_INFO_INIT;
	req.symbol = "AAPL";
	req.qty = 10;
	paper_broker_account(lp->b, &a0);
	double t0 = now();
	for (long k = 0; k < n; k++, lp->i++) {
		double mid = 100.0 + (double)(lp->i & 63) * 0.01;
		int rc = paper_broker_on_quote(lp->b, "AAPL", lp->ts++, mid - 0.01, mid + 0.01, mid);
		if (rc != PAPER_OK)
			die(rc, "on_quote");
		req.side = (lp->i & 1) ? PAPER_SIDE_SELL : PAPER_SIDE_BUY;
		if ((rc = paper_broker_submit(lp->b, &req, NULL)) != PAPER_OK)
			die(rc, "submit");
	}
	double dt = now() - t0;
	paper_broker_account(lp->b, &a1);
	if (a1.fills - a0.fills + 1 < (uint64_t)n)
		fprintf(stderr, "bench-ledger: only %llu fills for %ld orders\n",
			(unsigned long long)(a1.fills - a0.fills), n);
	return dt;
}

static paper_ledger *open_ledger(const char *path, paper_durability mode)
{
	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
	paper_ledger *l = NULL;
	o.durability = mode;
	int rc = paper_ledger_open(&l, path, &o);
	if (rc != PAPER_OK)
		die(rc, "open ledger");
	return l;
}

static paper_broker *ledger_broker(paper_ledger *l, const char *account)
{
	paper_config *cfg = config(account);
	paper_broker *b = NULL;
	int rc = paper_ledger_create_account(l, cfg);
	paper_config_free(cfg);
	if (rc == PAPER_OK)
		rc = paper_ledger_open_broker(l, account, &b);
	if (rc != PAPER_OK)
		die(rc, "open broker");
	return b;
}

/* Fills per second of each run; the ledger (if any) committed before the clock stops. */
static double measure(paper_ledger *l, paper_broker *b, long n)
{
	loop lp = { b, INT64_C(1700000000000000), 0 };
	double t0 = now();
	run(&lp, n);
	if (l) {
		int rc = paper_ledger_flush(l);
		if (rc != PAPER_OK)
			die(rc, "flush");
	}
	return (double)n / (now() - t0);
}

static long rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* "replay" mode: rebuild an account from its log in this fresh process, print peak RSS. */
static int replay_main(const char *path, const char *account)
{
	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
	paper_ledger *l = NULL;
	paper_broker *b = NULL;
	o.read_only = true;
	int rc = paper_ledger_open(&l, path, &o);
	double t0 = now();
	if (rc == PAPER_OK)
		rc = paper_ledger_load_broker(l, account, &b);
	if (rc != PAPER_OK)
		die(rc, "replay");
	double dt = now() - t0;
	paper_account_info a = PAPER_ACCOUNT_INFO_INIT;
	paper_broker_account(b, &a);
	printf("%ld %llu %.3f\n", rss_kb(), (unsigned long long)a.fills, dt);
	paper_broker_free(b);
	paper_ledger_close(l);
	return 0;
}

static long replay_rss(const char *self, const char *path, const char *account)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "'%s' replay '%s' '%s'", self, path, account);
	FILE *p = popen(cmd, "r");
	long kb = -1;
	unsigned long long fills = 0;
	double secs = 0;
	if (p == NULL || fscanf(p, "%ld %llu %lf", &kb, &fills, &secs) != 3)
		die(PAPER_EIO, "replay child");
	pclose(p);
	printf("replay of %s: %llu fills in %.2f s (%.0f fills/s), peak RSS %ld kB\n", account,
	       fills, secs, (double)fills / secs, kb);
	return kb;
}

static void bench_replay(const char *self, const char *dir)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/replay.db", dir);
	paper_ledger *l = open_ledger(path, PAPER_BATCHED);
	const char *names[2] = { "small", "large" };
	const long sizes[2] = { REPLAY_SMALL, REPLAY_LARGE };
	for (int k = 0; k < 2; k++) {
		paper_broker *b = ledger_broker(l, names[k]);
		measure(l, b, sizes[k]);
		paper_broker_free(b);
	}
	paper_ledger_close(l);
	long small = replay_rss(self, path, "small"), large = replay_rss(self, path, "large");
	printf("BENCH ledger_replay_rss_kb_small=%ld\n", small);
	printf("BENCH ledger_replay_rss_kb_large=%ld\n", large);
}

static char *make_dir(const char *given)
{
	if (given)
		return strdup(given);
	const char *tmp = getenv("TMPDIR");
	char templ[4096];
	snprintf(templ, sizeof templ, "%s/bench-ledger-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	char *d = mkdtemp(templ);
	if (d == NULL)
		die(PAPER_EIO, "mkdtemp");
	return strdup(d);
}

/* "pg" mode: the same loops on a PostgreSQL ledger. */
static int pg_main(int argc, char **argv)
{
	const char *server = getenv("PAPER_TEST_PG");
	long n = argc > 1 ? atol(argv[1]) : 50000;
	int runs = argc > 2 ? atoi(argv[2]) : 5;
	long nd = argc > 3 ? atol(argv[3]) : 1000;
	if (server == NULL || *server == '\0' || n < 2 || nd < 2 || runs < 1 || runs > 99) {
		fprintf(stderr, "usage: PAPER_TEST_PG=URI bench-ledger pg [fills_per_run] "
				"[runs 1..99] [durable_fills]\n"
				"       (tests/pg/cluster.sh run bench-ledger pg starts a server)\n");
		return 2;
	}
	double bat[99], dur[99];
	paper_ledger *batched = open_ledger(server, PAPER_BATCHED);
	paper_ledger *durable = open_ledger(server, PAPER_DURABLE);
	for (int r = 0; r < runs; r++) {
		char account[32];
		snprintf(account, sizeof account, "b-run%d", r + 1);
		paper_broker *b = ledger_broker(batched, account);
		bat[r] = measure(batched, b, n);
		paper_broker_free(b);
		snprintf(account, sizeof account, "d-run%d", r + 1);
		b = ledger_broker(durable, account);
		dur[r] = measure(durable, b, nd);
		paper_broker_free(b);
		printf("run %d: postgresql batched %.0f, durable %.0f fills/s\n", r + 1, bat[r], dur[r]);
		fflush(stdout);
	}
	paper_ledger_close(batched);
	paper_ledger_close(durable);
	printf("BENCH pg_batched_fills_per_sec=%.0f\n", median(bat, runs));
	printf("BENCH pg_durable_fills_per_sec=%.0f\n", median(dur, runs));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "replay") == 0)
		return replay_main(argv[2], argv[3]);
	if (argc >= 2 && strcmp(argv[1], "pg") == 0)
		return pg_main(argc - 1, argv + 1);
	long n = argc > 1 ? atol(argv[1]) : 200000;
	int runs = argc > 2 ? atoi(argv[2]) : 5;
	long nd = argc > 3 ? atol(argv[3]) : 2000;
	if (n < 2 || nd < 2 || runs < 1 || runs > 99) {
		fprintf(stderr, "usage: bench-ledger [fills_per_run] [runs 1..99] [durable_fills] [dir]\n"
				"       bench-ledger replay LEDGER ACCOUNT\n");
		return 2;
	}
	char *dir = make_dir(argc > 4 ? argv[4] : NULL);
	double mem[99], bat[99], dur[99];
	for (int r = 0; r < runs; r++) {
		char path[4096], account[32];
		snprintf(account, sizeof account, "run%d", r + 1);

		paper_config *cfg = config(account);
		paper_broker *b = NULL;
		int rc = paper_broker_new(&b, cfg);
		paper_config_free(cfg);
		if (rc != PAPER_OK)
			die(rc, "broker");
		mem[r] = measure(NULL, b, n);
		paper_broker_free(b);

		snprintf(path, sizeof path, "%s/batched.db", dir);
		paper_ledger *l = open_ledger(path, PAPER_BATCHED);
		b = ledger_broker(l, account);
		bat[r] = measure(l, b, n);
		paper_broker_free(b);
		paper_ledger_close(l);

		snprintf(path, sizeof path, "%s/durable.db", dir);
		l = open_ledger(path, PAPER_DURABLE);
		b = ledger_broker(l, account);
		dur[r] = measure(l, b, nd);
		paper_broker_free(b);
		paper_ledger_close(l);
		printf("run %d: memory %.0f, batched %.0f, durable %.0f fills/s\n", r + 1, mem[r],
		       bat[r], dur[r]);
		fflush(stdout);
	}
	double m = median(mem, runs), bt = median(bat, runs), d = median(dur, runs);
	printf("BENCH ledger_memory_fills_per_sec=%.0f\n", m);
	printf("BENCH ledger_batched_fills_per_sec=%.0f\n", bt);
	printf("BENCH ledger_durable_fills_per_sec=%.0f\n", d);
	printf("BENCH ledger_batched_vs_memory=%.3f\n", bt / m);
	printf("BENCH ledger_durable_vs_memory=%.5f\n", d / m);
	fflush(stdout);
	bench_replay(argv[0], dir);
	if (argc <= 4) {
		char cmd[4200];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench-ledger: could not remove %s\n", dir);
	}
	free(dir);
	return 0;
}
