/*
 * The C side of bench_python.py's py_replay_ratio: replay in-memory bar columns with
 * signals through libpaper's replay API, timed, in C. bench_python.py writes the columns
 * and the signals file, runs this, then times the same replay driven from Python (numpy or
 * array.array columns handed over without a copy) and prints the ratio.
 *
 *   bench-python-replay COLUMNS.bin SIGNALS.csv RUNS
 *
 * COLUMNS.bin, native byte order: uint64 n_rows, uint64 n_symbols, n_symbols names of 32
 * bytes (NUL-padded), then int64 ts[n], uint32 symbol[n], double open[n], high[n], low[n],
 * close[n], volume[n].
 *
 * Prints BENCH c_replay_bars_per_sec=<median of RUNS> and the run's closed trades.
 */
#include <paper/paper.h>
#include <paper/replay.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NAME_LEN 32

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

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench-python-replay: %s: %s (%s)\n", what, paper_strerror(rc),
		paper_last_error());
	exit(1);
}

static void *read_n(FILE *f, size_t size, size_t n)
{
	void *p = malloc(size * (n ? n : 1));
	if (!p || fread(p, size, n, f) != n) {
		fprintf(stderr, "bench-python-replay: short columns file\n");
		exit(1);
	}
	return p;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: bench-python-replay COLUMNS.bin SIGNALS.csv RUNS\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	uint64_t *head = read_n(f, sizeof(uint64_t), 2);
	size_t n = (size_t)head[0], n_sym = (size_t)head[1];
	char *names = read_n(f, NAME_LEN, n_sym);
	const char **symbols = malloc(n_sym * sizeof *symbols);
	for (size_t i = 0; i < n_sym; i++)
		symbols[i] = names + i * NAME_LEN;
	paper_ts *ts = read_n(f, sizeof *ts, n);
	uint32_t *sym = read_n(f, sizeof *sym, n);
	double *col[5];
	for (int k = 0; k < 5; k++)
		col[k] = read_n(f, sizeof(double), n);
	fclose(f);

	int runs = atoi(argv[3]);
	if (runs < 1)
		runs = 1;
	double *rate = calloc((size_t)runs, sizeof *rate);
	uint64_t trades = 0;
	for (int r = 0; r < runs; r++) {
		paper_config *cfg = NULL;
		paper_broker *b = NULL;
		paper_replay *rp = NULL;
		int rc = paper_config_new(&cfg);
		if (rc == PAPER_OK)
			rc = paper_config_set(cfg, "account.starting_cash", "1000000000");
		if (rc == PAPER_OK)
			rc = paper_config_set(cfg, "limits.max_open_positions", "10");
		if (rc != PAPER_OK)
			die("config", rc);

		double t0 = now();
		if ((rc = paper_broker_new(&b, cfg)) != PAPER_OK)
			die("broker", rc);
		if ((rc = paper_replay_new(&rp, b, NULL)) != PAPER_OK)
			die("replay", rc);
		paper_bar_columns c = PAPER_BAR_COLUMNS_INIT;
		c.n_rows = n;
		c.symbols = symbols;
		c.n_symbols = n_sym;
		c.symbol = sym;
		c.ts = ts;
		c.open = col[0];
		c.high = col[1];
		c.low = col[2];
		c.close = col[3];
		c.volume = col[4];
		if ((rc = paper_replay_add_bar_columns(rp, &c)) != PAPER_OK)
			die("columns", rc);
		if ((rc = paper_replay_add_signals_file(rp, argv[2])) != PAPER_OK)
			die("signals", rc);
		if ((rc = paper_replay_run(rp)) != PAPER_OK)
			die("run", rc);
		double dt = now() - t0;
		rate[r] = (double)n / dt;
		trades = paper_broker_trade_count(b);
		paper_replay_free(rp);
		paper_broker_free(b);
		paper_config_free(cfg);
	}
	qsort(rate, (size_t)runs, sizeof *rate, cmp_double);
	double med = runs % 2 ? rate[runs / 2] : 0.5 * (rate[runs / 2 - 1] + rate[runs / 2]);
	printf("BENCH c_replay_bars_per_sec=%.0f\n", med);
	printf("c_replay_trades=%llu\n", (unsigned long long)trades);
	free(rate);
	for (int k = 0; k < 5; k++)
		free(col[k]);
	free(sym);
	free(ts);
	free(symbols);
	free(names);
	free(head);
	return 0;
}
