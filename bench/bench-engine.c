/*
 * Engine throughput: market orders submitted and filled against quote updates, one core,
 * in memory, default costs (commission and seeded slippage on).
 *
 * Each order: a quote arrives, a market order is submitted, the next quote fills it. Buys and
 * sells alternate, so every second order closes a round trip.
 *
 * Prints (names are a contract):
 *   BENCH engine_orders_per_sec=<median of runs>
 *   BENCH engine_baseline_orders_per_sec=<median: plain loop doing the cash/position arithmetic>
 *   BENCH engine_baseline_ratio=<baseline / engine>
 *   BENCH engine_peak_rss_kb_after_1m=<..>  BENCH engine_peak_rss_kb_after_10m=<..>
 *
 * Usage: bench-engine [orders_per_run] [runs]
 */
#include <paper/paper.h>

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long peak_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
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
	fprintf(stderr, "bench-engine: %s: %s (%s)\n", what, paper_strerror(rc), paper_last_error());
	exit(1);
}

static paper_broker *make_broker(void)
{
	paper_config *cfg = NULL;
	paper_broker *b = NULL;
	int rc = paper_config_new(&cfg);
	/* Closed trades are kept in a bounded window so memory does not grow with the run. */
	if (rc == PAPER_OK)
		rc = paper_config_set(cfg, "engine.trade_history", "10000");
	/* Costs drain about 2.20 per round trip: start rich enough for 10 million orders. */
	if (rc == PAPER_OK)
		rc = paper_config_set(cfg, "account.starting_cash", "10000000000");
	if (rc == PAPER_OK)
		rc = paper_broker_new(&b, cfg);
	paper_config_free(cfg);
	if (rc != PAPER_OK)
		die(rc, "broker");
	return b;
}

/* Run n orders through b starting at *ts; returns seconds. */
static double run_engine(paper_broker *b, long n, paper_ts *ts)
{
	paper_order_request req = PAPER_ORDER_REQUEST_INIT;
	req.symbol = "AAPL";
	req.qty = 10;
	double t0 = now();
	for (long i = 0; i < n; i++) {
		double mid = 100.0 + (double)(i & 63) * 0.01;
		int rc = paper_broker_on_quote(b, "AAPL", (*ts)++, mid - 0.01, mid + 0.01, mid);
		if (rc != PAPER_OK)
			die(rc, "on_quote");
		req.side = (i & 1) ? PAPER_SIDE_SELL : PAPER_SIDE_BUY;
		rc = paper_broker_submit(b, &req, NULL);
		if (rc != PAPER_OK)
			die(rc, "submit");
	}
	return now() - t0;
}

/* The same per-order arithmetic in a plain loop: fixed-point cash, position, fee. */
static double run_baseline(long n, volatile int64_t *sink)
{
	int64_t cash = 10000000000000, pos = 0, basis = 0, realized = 0, fees = 0;
	double t0 = now();
	for (long i = 0; i < n; i++) {
		int64_t mid = 10000000000 + (int64_t)(i & 63) * 1000000;
		int64_t px = (i & 1) ? mid - 1000000 : mid + 1000000;
		int64_t qty = 1000000000;
		__extension__ __int128 wide = (__int128)px * qty;
		int64_t notional = (int64_t)(wide / 100000000);
		int64_t fee = notional / 1000 < 100000000 ? 100000000 : notional / 1000;
		if (i & 1) {
			realized += notional - basis;
			basis = 0;
			pos -= qty;
			cash += notional - fee;
		} else {
			basis += notional;
			pos += qty;
			cash -= notional + fee;
		}
		fees += fee;
	}
	double dt = now() - t0;
	*sink = cash + pos + realized + fees;
	return dt;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000;
	int runs = argc > 2 ? atoi(argv[2]) : 5;
	if (n < 2 || runs < 1 || runs > 99) {
		fprintf(stderr, "usage: bench-engine [orders_per_run>=2] [runs 1..99]\n");
		return 2;
	}
	double eng[99], base[99];
	volatile int64_t sink = 0;

	for (int r = 0; r < runs; r++) {
		paper_broker *b = make_broker();
		paper_ts ts = INT64_C(1700000000000000);
		eng[r] = (double)n / run_engine(b, n, &ts);
		paper_broker_free(b);
		base[r] = (double)n / run_baseline(n, &sink);
		printf("run %d: engine %.0f orders/s, baseline %.0f orders/s\n", r + 1, eng[r], base[r]);
	}
	double e = median(eng, runs), bl = median(base, runs);
	printf("BENCH engine_orders_per_sec=%.0f\n", e);
	printf("BENCH engine_baseline_orders_per_sec=%.0f\n", bl);
	printf("BENCH engine_baseline_ratio=%.2f\n", bl / e);

	/* Memory: one broker, 1M orders, then 9M more; peak RSS must not move. */
	paper_broker *b = make_broker();
	paper_ts ts = INT64_C(1700000000000000);
	run_engine(b, 1000000, &ts);
	long rss1 = peak_rss_kb();
	run_engine(b, 9000000, &ts);
	long rss10 = peak_rss_kb();
	paper_account_info a = PAPER_ACCOUNT_INFO_INIT;
	paper_broker_account(b, &a);
	paper_broker_free(b);
	printf("BENCH engine_peak_rss_kb_after_1m=%ld\n", rss1);
	printf("BENCH engine_peak_rss_kb_after_10m=%ld\n", rss10);
	printf("(%llu fills, %llu closed trades in the memory run)\n", (unsigned long long)a.fills,
	       (unsigned long long)a.closed_trades);
	return 0;
}
