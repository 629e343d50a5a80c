/*
 * Live feeds, end to end, against the fake Coinbase venue of tests/feed (127.0.0.1, Python):
 *
 *   BENCH feed_msgs_per_sec=<quotes a second through the whole client: socket, WebSocket,
 *        JSON, tracking, queue, paper_feed_poll_many() - while the venue sends as fast as it
 *        can (Python's websockets is the limit here, see feed_cpu_us_per_msg)>
 *   BENCH feed_cpu_us_per_msg=<CPU time of this process (the feed thread and the poller) per
 *        message at that rate: the client's own cost>
 *   BENCH feed_to_fill_us_p50 / _p99=<from a quote's arrival at the feed thread to the return
 *        of the paper_broker_on_quote() call that filled a resting market order on it, at
 *        2,000 quotes a second; each quote fills one order>
 *   BENCH feed_to_fill_ledger_us_p50 / _p99=<the same at 100 quotes a second with the price recorded
 *        and the fill committed to a durable SQLite ledger (an fsync each), as paper run does>
 *
 * usage: bench-feed SRCDIR [MESSAGES]
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <paper/paper.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

typedef struct venue {
	GPid pid;
	int in, out;
	int ws;
} venue;

static bool venue_start(venue *v, const char *srcdir, const char *count, const char *rate)
{
	char *script = g_build_filename(srcdir, "tests", "feed", "fake_coinbase.py", NULL);
	char *argv[] = { "/usr/bin/python3", script, "--scenario", "normal", "--opt", (char *)count,
			 "--opt", (char *)rate, "--lifetime", "300", NULL };
	GError *err = NULL;
	bool ok = g_spawn_async_with_pipes(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &v->pid,
					   &v->in, &v->out, NULL, &err);
	g_free(script);
	if (!ok) {
		fprintf(stderr, "bench-feed: cannot start the fake venue: %s\n", err->message);
		g_error_free(err);
		return false;
	}
	char line[128];
	FILE *f = fdopen(v->out, "r");
	ok = fgets(line, sizeof line, f) && sscanf(line, "ws=%d", &v->ws) == 1;
	if (!ok)
		fprintf(stderr, "bench-feed: the fake venue did not start (python3-websockets?)\n");
	return ok;
}

static void venue_stop(venue *v)
{
	close(v->in); /* its standard input ends: it exits */
	g_spawn_close_pid(v->pid);
}

static paper_feed *open_feed(const venue *v)
{
	char url[64];
	paper_feed_options o = PAPER_FEED_OPTIONS_INIT;
	snprintf(url, sizeof url, "ws://127.0.0.1:%d", v->ws);
	o.url = url;
	o.queue_capacity = 1 << 20;
	paper_feed *f = NULL;
	if (paper_feed_open(&f, "coinbase:BTC-USD?channels=ticker", &o) != PAPER_OK)
		fprintf(stderr, "bench-feed: %s\n", paper_last_error());
	return f;
}

static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
	       ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
}

static int throughput(const char *srcdir, long n)
{
	venue v;
	char count[32];
	snprintf(count, sizeof count, "count=%ld", n);
	if (!venue_start(&v, srcdir, count, "rate=1000000000"))
		return 1;
	paper_feed *f = open_feed(&v);
	if (f == NULL)
		return 1;
	static paper_feed_msg m[512];
	for (size_t i = 0; i < G_N_ELEMENTS(m); i++)
		m[i] = (paper_feed_msg)PAPER_FEED_MSG_INIT;
	long got = 0;
	double t0 = 0, cpu0 = 0;
	while (got < n) {
		size_t k = 0;
		if (paper_feed_poll_many(f, m, G_N_ELEMENTS(m), &k, 10000) != PAPER_OK)
			break;
		for (size_t i = 0; i < k; i++) {
			if (m[i].type != PAPER_FEED_QUOTE)
				continue;
			if (got++ == 0) {
				t0 = g_get_monotonic_time() / 1e6;
				cpu0 = cpu_seconds();
			}
		}
	}
	double secs = g_get_monotonic_time() / 1e6 - t0, cpu = cpu_seconds() - cpu0;
	paper_feed_close(f);
	venue_stop(&v);
	if (got < n) {
		fprintf(stderr, "bench-feed: %ld of %ld quotes arrived\n", got, n);
		return 1;
	}
	printf("BENCH feed_msgs_per_sec=%.0f\n", (double)(got - 1) / secs);
	printf("BENCH feed_cpu_us_per_msg=%.2f\n", cpu * 1e6 / (double)got);
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* One market order rests before each quote; the quote fills it. */
static int latency(const char *srcdir, long n, const char *rate, paper_ledger *l,
		   const char *name)
{
	venue v;
	char count[32];
	snprintf(count, sizeof count, "count=%ld", n);
	if (!venue_start(&v, srcdir, count, rate))
		return 1;
	paper_broker *b = NULL;
	paper_config *cfg = NULL;
	paper_config_new(&cfg);
	/* Thousands of round trips: no fees, no daily loss halt in the way. */
	paper_config_set(cfg, "costs.slippage_jitter", "0");
	paper_config_set(cfg, "costs.commission_pct", "0");
	paper_config_set(cfg, "costs.commission_min", "0");
	paper_config_set(cfg, "limits.daily_loss_limit", "1");
	int rc = l ? paper_ledger_create_account(l, cfg) : PAPER_OK;
	if (rc == PAPER_OK)
		rc = l ? paper_ledger_open_broker(l, "default", &b) : paper_broker_new(&b, cfg);
	paper_config_free(cfg);
	paper_feed *f = rc == PAPER_OK ? open_feed(&v) : NULL;
	if (f == NULL) {
		fprintf(stderr, "bench-feed: %s\n", paper_last_error());
		return 1;
	}
	int64_t *lat = g_new0(int64_t, n);
	long k = 0, measured = 0;
	uint64_t fills = 0;
	paper_feed_msg m = PAPER_FEED_MSG_INIT;
	while (k < n && paper_feed_poll(f, &m, 10000) == PAPER_OK) {
		if (m.type != PAPER_FEED_QUOTE)
			continue;
		if (l) {
			paper_price_record p = PAPER_PRICE_RECORD_INIT;
			p.kind = PAPER_PRICE_QUOTE;
			g_strlcpy(p.symbol, m.symbol, sizeof p.symbol);
			p.ts = m.ts, p.recv_ts = m.recv_ts, p.applied_ts = g_get_real_time();
			p.price = m.last, p.bid = m.bid, p.ask = m.ask;
			paper_ledger_record_price(l, "default", &p);
		}
		if (paper_broker_on_quote(b, m.symbol, m.ts, m.bid, m.ask, m.last) != PAPER_OK)
			continue;
		paper_account_info ai = PAPER_ACCOUNT_INFO_INIT;
		paper_broker_account(b, &ai);
		if (k > 0 && ai.fills > fills) /* the order placed after the previous quote filled */
			lat[measured++] = g_get_real_time() - m.recv_ts;
		fills = ai.fills;
		paper_order_request req = PAPER_ORDER_REQUEST_INIT;
		req.symbol = m.symbol;
		req.side = k % 2 ? PAPER_SIDE_SELL : PAPER_SIDE_BUY;
		req.qty = 0.001;
		paper_broker_submit(b, &req, NULL);
		k++;
	}
	paper_feed_close(f);
	paper_broker_free(b);
	venue_stop(&v);
	if (measured < n / 2) {
		fprintf(stderr, "bench-feed: %ld fills measured\n", measured);
		g_free(lat);
		return 1;
	}
	qsort(lat, (size_t)measured, sizeof lat[0], cmp_i64);
	printf("BENCH %s_us_p50=%lld\n", name, (long long)lat[measured / 2]);
	printf("BENCH %s_us_p99=%lld\n", name, (long long)lat[measured * 99 / 100]);
	g_free(lat);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench-feed SRCDIR [MESSAGES]\n");
		return 2;
	}
	long n = argc > 2 ? atol(argv[2]) : 200000;
	int rc = throughput(argv[1], n);
	if (rc == 0)
		rc = latency(argv[1], 10000, "rate=2000", NULL, "feed_to_fill");
	if (rc == 0) {
		char *dir = g_dir_make_tmp("bench-feed-XXXXXX", NULL);
		char *path = g_build_filename(dir, "l.db", NULL);
		paper_ledger *l = NULL;
		if (paper_ledger_open(&l, path, NULL) == PAPER_OK)
			rc = latency(argv[1], 500, "rate=100", l, "feed_to_fill_ledger");
		paper_ledger_close(l);
		char *rm = g_strdup_printf("rm -rf '%s'", dir);
		if (system(rm) != 0)
			fprintf(stderr, "bench-feed: could not remove %s\n", dir);
		g_free(rm);
		g_free(path);
		g_free(dir);
	}
	return rc;
}
