/*
 * Replay throughput: 10 symbols x N bars (one-minute bars, the symbols stepped together by
 * time), one signal per 50 bars per symbol, default costs (commission and seeded slippage),
 * the session's default exits (take profit 2%, stop loss 1.5%, 240-minute time limit).
 *
 * 1. From in-memory columns (paper_replay_add_bar_columns(), doubles as bindings pass them;
 *    fixed-point columns too), signals from an array.
 * 2. From CSV files (one per symbol, written to a temporary directory before timing), signals
 *    from a CSV file.
 * 3. A plain C loop over the same double arrays doing the same entry and exit arithmetic
 *    (market entry at the next open plus slippage, commission, gap / range / time exits).
 * 4. A plain parse of the same CSV files: every line split and its time and five numbers
 *    turned into integers, nothing checked, merged or traded.
 * Then the peak RSS of CSV replays of 1 and 10 million rows, each in a fresh process.
 *
 * Prints (names are a contract):
 *   BENCH replay_mem_bars_per_sec=<median>      BENCH replay_mem_e8_bars_per_sec=<median>
 *   BENCH replay_csv_rows_per_sec=<median>      BENCH replay_plain_bars_per_sec=<median>
 *   BENCH replay_limit_ratio=<plain / mem>
 *   BENCH replay_csv_parse_rows_per_sec=<median>  BENCH replay_csv_vs_parse=<parse / csv replay>
 *   BENCH replay_peak_rss_kb_1m_rows=<..>       BENCH replay_peak_rss_kb_10m_rows=<..>
 *
 * Usage: bench-replay [bars_per_symbol] [runs]     (default 1000000 5)
 *        bench-replay --only mem|e8|csv|plain|parse [bars_per_symbol] [runs]  (one kind, for perf)
 *        bench-replay --dump DIR [bars_per_symbol]   (not timed: the trades CSV, summary JSON,
 *            event stream and day rows of every input kind, with the benchmark's settings and
 *            with every rule busy, written to DIR, to compare two builds with cmp)
 */
#include <paper/paper.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NSYM 10
#define SIGNAL_EVERY 50
#define T_START INT64_C(1704067200) /* 2024-01-01T00:00:00Z */
#define STEP_S 60

static const char *const symbols[NSYM] = { "S0", "S1", "S2", "S3", "S4",
					   "S5", "S6", "S7", "S8", "S9" };

typedef struct data {
	size_t n;
	uint32_t *sym;
	paper_ts *ts;
	double *o, *h, *l, *c, *v;
	int64_t *oe, *he, *le, *ce, *ve;
	paper_signal *sig;
	size_t n_sig;
} data;

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
	fprintf(stderr, "bench-replay: %s: %s (%s)\n", what, paper_strerror(rc), paper_last_error());
	exit(1);
}

/* ---- the market ---- */

static uint64_t rng = 0x9e3779b97f4a7c15u;

static double uniform(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (double)((rng * UINT64_C(2685821657736338717)) >> 11) / 9007199254740992.0;
}

/* One bar of symbol k after close px: cents, low <= open, close <= high. */
static void next_bar(double *px, double *o, double *h, double *l, double *c, double *v)
{
	*o = round(*px * 100.0) / 100.0;
	double close = *o * (1.0 + (uniform() - 0.5) * 0.006);
	*c = round(close * 100.0) / 100.0;
	*h = round(fmax(*o, *c) * (1.0 + uniform() * 0.002) * 100.0) / 100.0;
	*l = round(fmin(*o, *c) * (1.0 - uniform() * 0.002) * 100.0) / 100.0;
	*v = floor(100.0 + uniform() * 10000.0);
	*px = *c;
}

static bool signal_due(size_t i, int k)
{
	return (i + (size_t)k * 5) % SIGNAL_EVERY == 7;
}

static paper_signal make_signal(size_t i, int k, paper_ts bar_ts)
{
	paper_signal s = PAPER_SIGNAL_INIT;
	s.symbol = symbols[k];
	s.direction = ((i / SIGNAL_EVERY) + (size_t)k) % 2 ? PAPER_SHORT : PAPER_LONG;
	s.confidence = 0.9;
	s.ts = bar_ts + 30 * PAPER_TS_PER_SECOND; /* inside the bar: acts on the next one */
	return s;
}

static data *make_data(size_t per_sym)
{
	data *d = calloc(1, sizeof *d);
	size_t n = per_sym * NSYM;
	d->n = n;
	d->sym = malloc(n * sizeof *d->sym);
	d->ts = malloc(n * sizeof *d->ts);
	double **dd[] = { &d->o, &d->h, &d->l, &d->c, &d->v };
	int64_t **ee[] = { &d->oe, &d->he, &d->le, &d->ce, &d->ve };
	for (int j = 0; j < 5; j++) {
		*dd[j] = malloc(n * sizeof(double));
		*ee[j] = malloc(n * sizeof(int64_t));
	}
	d->sig = malloc((n / SIGNAL_EVERY + NSYM) * sizeof *d->sig);
	double px[NSYM];
	for (int k = 0; k < NSYM; k++)
		px[k] = 50.0 + 25.0 * k;
	size_t r = 0;
	for (size_t i = 0; i < per_sym; i++) {
		paper_ts t = (T_START + (int64_t)i * STEP_S) * PAPER_TS_PER_SECOND;
		for (int k = 0; k < NSYM; k++, r++) {
			d->sym[r] = (uint32_t)k;
			d->ts[r] = t;
			next_bar(&px[k], &d->o[r], &d->h[r], &d->l[r], &d->c[r], &d->v[r]);
			d->oe[r] = llround(d->o[r] * 1e8);
			d->he[r] = llround(d->h[r] * 1e8);
			d->le[r] = llround(d->l[r] * 1e8);
			d->ce[r] = llround(d->c[r] * 1e8);
			d->ve[r] = llround(d->v[r] * 1e8);
			if (signal_due(i, k))
				d->sig[d->n_sig++] = make_signal(i, k, t);
		}
	}
	return d;
}

static void free_data(data *d)
{
	free(d->sym);
	free(d->ts);
	free(d->o), free(d->h), free(d->l), free(d->c), free(d->v);
	free(d->oe), free(d->he), free(d->le), free(d->ce), free(d->ve);
	free(d->sig);
	free(d);
}

/* ---- libpaper ---- */

static const char *const bench_settings[][2] = {
	{ "account.starting_cash", "100000000" },
	{ "limits.max_open_positions", "10" },
	{ "limits.daily_loss_limit", "1" },
	{ "engine.trade_history", "10000" }, /* bounded: memory must not grow with the run */
	{ "engine.equity_history", "10000" },
	{ "session.on_reverse", "ignore" }, /* as the plain loop: an opposite signal waits */
	{ NULL, NULL },
};

/* For --dump only: the same market with every rule busy (daily-loss halts on about a third
 * of the days, entries refused at the position limit, reverse exits, trailing stops). */
static const char *const busy_settings[][2] = {
	{ "account.starting_cash", "100000" },
	{ "limits.max_open_positions", "4" },
	{ "limits.daily_loss_limit", "0.015" },
	{ "session.trailing_pct", "1.0" },
	{ NULL, NULL },
};

static paper_broker *make_broker_with(const char *const settings[][2])
{
	paper_config *cfg = NULL;
	paper_broker *b = NULL;
	int rc = paper_config_new(&cfg);
	for (size_t i = 0; settings[i][0] && rc == PAPER_OK; i++)
		rc = paper_config_set(cfg, settings[i][0], settings[i][1]);
	if (rc == PAPER_OK)
		rc = paper_broker_new(&b, cfg);
	paper_config_free(cfg);
	if (rc != PAPER_OK)
		die(rc, "broker");
	return b;
}

static paper_broker *make_broker(void)
{
	return make_broker_with(bench_settings);
}

typedef struct result {
	double seconds;
	uint64_t bars, trades;
	double pnl;
} result;

static void finish(paper_broker *b, paper_replay *r, double t0, result *res)
{
	int rc = paper_replay_run(r);
	res->seconds = now() - t0;
	if (rc != PAPER_OK)
		die(rc, "run");
	paper_replay_stats rs = PAPER_REPLAY_STATS_INIT;
	paper_session_stats ss = PAPER_SESSION_STATS_INIT;
	paper_replay_stats_get(r, &rs);
	paper_session_stats_get(paper_replay_session(r), &ss);
	res->bars = rs.bars;
	res->trades = ss.trades;
	res->pnl = ss.pnl_net;
	paper_replay_free(r);
	paper_broker_free(b);
}

static void add_mem_inputs(paper_replay *r, const data *d, bool fixed)
{
	int rc;
	paper_bar_columns c = PAPER_BAR_COLUMNS_INIT;
	c.n_rows = d->n;
	c.symbols = symbols;
	c.n_symbols = NSYM;
	c.symbol = d->sym;
	c.ts = d->ts;
	if (fixed) {
		c.open_e8 = d->oe, c.high_e8 = d->he, c.low_e8 = d->le, c.close_e8 = d->ce;
		c.volume_e8 = d->ve;
	} else {
		c.open = d->o, c.high = d->h, c.low = d->l, c.close = d->c, c.volume = d->v;
	}
	if ((rc = paper_replay_add_bar_columns(r, &c)) != PAPER_OK ||
	    (rc = paper_replay_add_signals(r, d->sig, d->n_sig)) != PAPER_OK)
		die(rc, "inputs");
}

static void add_csv_inputs(paper_replay *r, const char *dir)
{
	char path[4096];
	int rc;
	snprintf(path, sizeof path, "%s/bars", dir);
	if ((rc = paper_replay_add_bars_path(r, path)) != PAPER_OK)
		die(rc, "bars");
	snprintf(path, sizeof path, "%s/signals.csv", dir);
	if ((rc = paper_replay_add_signals_file(r, path)) != PAPER_OK)
		die(rc, "signals");
}

static paper_replay *new_replay(paper_broker *b, const paper_replay_options *o)
{
	paper_replay *r = NULL;
	int rc = paper_replay_new(&r, b, o);
	if (rc != PAPER_OK)
		die(rc, "replay");
	return r;
}

static result run_mem(const data *d, bool fixed)
{
	result res;
	paper_broker *b = make_broker();
	double t0 = now();
	paper_replay *r = new_replay(b, NULL);
	add_mem_inputs(r, d, fixed);
	finish(b, r, t0, &res);
	return res;
}

static result run_csv(const char *dir)
{
	result res;
	paper_broker *b = make_broker();
	double t0 = now();
	paper_replay *r = new_replay(b, NULL);
	add_csv_inputs(r, dir);
	finish(b, r, t0, &res);
	return res;
}

/* ---- CSV files ---- */

static void iso(char *buf, size_t cap, paper_ts ts)
{
	time_t t = (time_t)(ts / PAPER_TS_PER_SECOND);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static FILE *open_out(const char *dir, const char *name)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
		fprintf(stderr, "bench-replay: %s/%s: path too long\n", dir, name);
		exit(1);
	}
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		fprintf(stderr, "bench-replay: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	return f;
}

/* Write the same market as make_data() (same generator, same order), streaming. */
static size_t write_csv(const char *dir, size_t per_sym)
{
	char bars[4096], ts[32], name[64];
	snprintf(bars, sizeof bars, "%s/bars", dir);
	mkdir(bars, 0700);
	FILE *f[NSYM], *s = open_out(dir, "signals.csv");
	fputs("timestamp,symbol,side,confidence\n", s);
	for (int k = 0; k < NSYM; k++) {
		snprintf(name, sizeof name, "%s.csv", symbols[k]);
		f[k] = open_out(bars, name);
		fputs("timestamp,open,high,low,close,volume\n", f[k]);
	}
	double px[NSYM];
	for (int k = 0; k < NSYM; k++)
		px[k] = 50.0 + 25.0 * k;
	rng = 0x9e3779b97f4a7c15u;
	for (size_t i = 0; i < per_sym; i++) {
		paper_ts t = (T_START + (int64_t)i * STEP_S) * PAPER_TS_PER_SECOND;
		iso(ts, sizeof ts, t);
		for (int k = 0; k < NSYM; k++) {
			double o, h, l, c, v;
			next_bar(&px[k], &o, &h, &l, &c, &v);
			fprintf(f[k], "%s,%.2f,%.2f,%.2f,%.2f,%.0f\n", ts, o, h, l, c, v);
			if (signal_due(i, k)) {
				paper_signal sg = make_signal(i, k, t);
				char sts[32];
				iso(sts, sizeof sts, sg.ts);
				fprintf(s, "%s,%s,%s,0.90\n", sts, symbols[k],
					sg.direction == PAPER_LONG ? "LONG" : "SHORT");
			}
		}
	}
	for (int k = 0; k < NSYM; k++)
		fclose(f[k]);
	fclose(s);
	return per_sym * NSYM;
}

static void remove_tree(const char *dir)
{
	char path[4096];
	const char *subs[] = { "bars", "" };
	for (int j = 0; j < 2; j++) {
		snprintf(path, sizeof path, "%s/%s", dir, subs[j]);
		DIR *dd = opendir(path);
		for (struct dirent *e; dd && (e = readdir(dd));) {
			char p[4096 + 256];
			snprintf(p, sizeof p, "%s/%s", path, e->d_name);
			if (e->d_name[0] != '.')
				unlink(p);
		}
		if (dd)
			closedir(dd);
	}
	snprintf(path, sizeof path, "%s/bars", dir);
	rmdir(path);
	rmdir(dir);
}

/* ---- the plain loop ---- */

typedef struct plain_pos {
	int state; /* 0 flat, 1 entry waiting, 2 held */
	int dir;
	double qty, entry, tp, sl;
	paper_ts deadline;
} plain_pos;

/*
 * The same arithmetic as the session on the same arrays: a signal is due after the bars
 * stamped at or before it; the entry fills at the next open with market slippage (0.05% x 2)
 * and 0.1% commission (minimum 1); exits by time at the open, gaps at the open, stop or target
 * inside the range (the stop first), each with slippage and commission.
 */
static result run_plain(const data *d)
{
	const double slip = 0.0005 * 2.0, fee_rate = 0.001;
	plain_pos pos[NSYM] = { { 0 } };
	double last[NSYM] = { 0 }, pnl = 0;
	uint64_t trades = 0;
	size_t si = 0;
	double t0 = now();
	for (size_t i = 0; i < d->n; i++) {
		paper_ts ts = d->ts[i];
		for (; si < d->n_sig && d->sig[si].ts < ts; si++) {
			int k = d->sig[si].symbol[1] - '0';
			if (pos[k].state == 0 && last[k] > 0) {
				pos[k].state = 1;
				pos[k].dir = d->sig[si].direction == PAPER_LONG ? 1 : -1;
				pos[k].qty = floor(1000.0 / last[k]);
			}
		}
		int k = (int)d->sym[i];
		plain_pos *p = &pos[k];
		double o = d->o[i], h = d->h[i], l = d->l[i];
		if (p->state == 1) {
			p->entry = o * (1.0 + slip * p->dir);
			pnl -= fmax(p->entry * p->qty * fee_rate, 1.0);
			p->tp = p->entry * (1.0 + 0.02 * p->dir);
			p->sl = p->entry * (1.0 - 0.015 * p->dir);
			p->deadline = ts + 240 * 60 * PAPER_TS_PER_SECOND;
			p->state = 2;
		}
		if (p->state == 2) {
			double px = 0;
			bool up = p->dir > 0;
			if (ts >= p->deadline)
				px = o;
			else if (up ? o <= p->sl : o >= p->sl)
				px = o;
			else if (up ? o >= p->tp : o <= p->tp)
				px = o;
			else if (up ? l <= p->sl : h >= p->sl)
				px = p->sl;
			else if (up ? h >= p->tp : l <= p->tp)
				px = p->tp;
			if (px > 0) {
				px *= 1.0 - slip * p->dir;
				pnl += (px - p->entry) * p->qty * p->dir - fmax(px * p->qty * fee_rate, 1.0);
				p->state = 0;
				trades++;
			}
		}
		last[k] = d->c[i];
	}
	result res = { .seconds = now() - t0, .bars = d->n, .trades = trades, .pnl = pnl };
	return res;
}

/* ---- the plain CSV parse ---- */

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static int64_t digits(const char *p, int n)
{
	int64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	return v;
}

/* "YYYY-MM-DDTHH:MM:SSZ" at p, as the files have it: microseconds since the epoch. */
static paper_ts parse_iso(const char *p)
{
	int64_t days = days_from_civil(digits(p, 4), digits(p + 5, 2), digits(p + 8, 2));
	int64_t secs = days * 86400 + digits(p + 11, 2) * 3600 + digits(p + 14, 2) * 60 +
		       digits(p + 17, 2);
	return secs * PAPER_TS_PER_SECOND;
}

/* A decimal like 123.45 up to the next ',' or '\n', in 1e-8 units; *p moves past the separator. */
static int64_t parse_e8(const char **p)
{
	const char *q = *p;
	int64_t v = 0, scale = 100000000;
	for (; *q >= '0' && *q <= '9'; q++)
		v = v * 10 + (*q - '0');
	v *= 100000000;
	if (*q == '.')
		for (q++; *q >= '0' && *q <= '9'; q++)
			v += (*q - '0') * (scale /= 10);
	*p = q + 1;
	return v;
}

/*
 * The least work that reads the same files: each file through a 1 MB buffer (as the replay's
 * reader does), each line's time and five numbers into integers, summed so nothing is left
 * out. No checks, no merge by time, no trading: the floor a CSV replay can be measured by.
 */
static result run_parse(const char *dir)
{
	char path[4096];
	size_t cap = 1 << 20;
	char *buf = malloc(cap + 1);
	uint64_t rows = 0, sum = 0;
	double t0 = now();
	for (int k = 0; k < NSYM && buf; k++) {
		snprintf(path, sizeof path, "%s/bars/%s.csv", dir, symbols[k]);
		int fd = open(path, O_RDONLY);
		if (fd < 0) {
			fprintf(stderr, "bench-replay: %s: %s\n", path, strerror(errno));
			exit(1);
		}
		size_t len = 0;
		bool header = true;
		for (;;) {
			ssize_t got = read(fd, buf + len, cap - len);
			if (got < 0) {
				fprintf(stderr, "bench-replay: %s: %s\n", path, strerror(errno));
				exit(1);
			}
			len += (size_t)got;
			buf[len] = '\0';
			/* Whole lines up to the last newline, in one pass: each line's last number
			 * ends at its newline. */
			const char *p = buf, *e = buf + len, *last = memrchr(buf, '\n', len);
			if (last && header) {
				p = (const char *)memchr(p, '\n', len) + 1;
				header = false;
			}
			while (last && p <= last) {
				const char *q = p + 21; /* past the time and its comma */
				sum += (uint64_t)parse_iso(p);
				for (int j = 0; j < 5; j++)
					sum += (uint64_t)parse_e8(&q);
				rows++;
				p = q;
			}
			len = (size_t)(e - p);
			memmove(buf, p, len);
			if (got == 0)
				break;
		}
		close(fd);
	}
	result res = { .seconds = now() - t0, .bars = rows, .trades = sum & 1 };
	free(buf);
	return res;
}

/* ---- memory ---- */

static long peak_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static char *make_tmp(void)
{
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	size_t cap = strlen(base) + 32;
	char *dir = malloc(cap);
	if (dir == NULL)
		exit(1);
	snprintf(dir, cap, "%s/bench-replay-XXXXXX", base);
	if (mkdtemp(dir) == NULL) {
		fprintf(stderr, "bench-replay: mkdtemp: %s\n", strerror(errno));
		exit(1);
	}
	return dir;
}

/* In a fresh process: write N rows of CSV (streaming), replay them, print the peak RSS. */
static int rss_child(size_t per_sym)
{
	char *dir = make_tmp();
	write_csv(dir, per_sym);
	result r = run_csv(dir);
	remove_tree(dir);
	free(dir);
	printf("%ld %llu\n", peak_rss_kb(), (unsigned long long)r.bars);
	return 0;
}

static long rss_of(size_t per_sym)
{
	char exe[4096], cmd[4200];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	snprintf(cmd, sizeof cmd, "'%s' --rss-child %zu", exe, per_sym);
	FILE *p = popen(cmd, "r");
	long kb = -1;
	unsigned long long bars = 0;
	if (p == NULL || fscanf(p, "%ld %llu", &kb, &bars) != 2)
		kb = -1;
	if (p)
		pclose(p);
	return kb;
}

/* ---- --dump: every output of a replay, to compare two builds byte for byte ---- */

static void dump_event(const paper_event *e, void *payload)
{
	fprintf(payload, "%llu %s %lld %llu %s %d %.17g %.17g %.17g %d %.17g\n",
		(unsigned long long)e->seq, paper_event_type_str(e->type), (long long)e->ts,
		(unsigned long long)e->order_id, e->symbol ? e->symbol : "-", (int)e->side, e->qty,
		e->price, e->fee, e->reason, e->equity);
}

static FILE *dump_file(const char *dir, const char *run, const char *what)
{
	char name[256];
	snprintf(name, sizeof name, "%s.%s", run, what);
	return open_out(dir, name);
}

static void dump_days(const paper_replay *r, FILE *f)
{
	for (size_t i = 0; i < paper_replay_day_count(r); i++) {
		paper_day_info d = PAPER_DAY_INFO_INIT;
		paper_replay_day_at(r, i, &d);
		fprintf(f, "%lld %lld %lld %lld %.17g %.17g %.17g %.17g %llu %llu %llu %llu %llu %llu "
			"%llu\n", (long long)d.day, (long long)d.start_equity_e8,
			(long long)d.end_equity_e8, (long long)d.fees_e8, d.start_equity, d.end_equity,
			d.pnl, d.fees, (unsigned long long)d.trades, (unsigned long long)d.wins,
			(unsigned long long)d.losses, (unsigned long long)d.bars,
			(unsigned long long)d.signals, (unsigned long long)d.entries,
			(unsigned long long)d.open_positions);
	}
}

static void dump_json(int rc, char *json, FILE *f)
{
	if (rc != PAPER_OK)
		die(rc, "summary");
	fprintf(f, "%s\n", json);
	paper_string_free(json);
	fclose(f);
}

/* One replay (kind mem, e8 or csv; settings bench or busy) with all it writes into out/. */
static void dump_one(const char *out, const char *kind, bool busy, const data *d, const char *csv)
{
	char run[64], trades[4096];
	snprintf(run, sizeof run, "%s-%s", kind, busy ? "busy" : "bench");
	snprintf(trades, sizeof trades, "%s/%s.trades.csv", out, run);
	paper_broker *b = make_broker_with(busy ? busy_settings : bench_settings);
	FILE *ev = dump_file(out, run, "events.txt");
	paper_broker_set_event_callback(b, dump_event, ev);
	paper_replay_options o = PAPER_REPLAY_OPTIONS_INIT;
	o.trades_path = trades;
	o.daily = busy;
	paper_replay *r = new_replay(b, &o);
	if (strcmp(kind, "csv") == 0)
		add_csv_inputs(r, csv);
	else
		add_mem_inputs(r, d, strcmp(kind, "e8") == 0);
	int rc = paper_replay_run(r);
	if (rc != PAPER_OK)
		die(rc, "run");
	fclose(ev);
	char *json = NULL;
	rc = paper_replay_summary_json(r, PAPER_SUMMARY_EQUITY_CURVE, &json);
	dump_json(rc, json, dump_file(out, run, "summary.json"));
	if (busy) {
		FILE *f = dump_file(out, run, "days.txt");
		dump_days(r, f);
		fclose(f);
		rc = paper_replay_walk_forward_json(r, &json);
		dump_json(rc, json, dump_file(out, run, "walk-forward.json"));
	}
	paper_replay_free(r);
	paper_broker_free(b);
}

/* Every kind of input, with the benchmark's settings and with every rule busy. */
static int dump(const char *out, size_t per_sym)
{
	data *d = make_data(per_sym);
	char *csv = make_tmp();
	write_csv(csv, per_sym);
	static const char *const kinds[] = { "mem", "e8", "csv" };
	for (int k = 0; k < 3; k++)
		for (int busy = 0; busy < 2; busy++)
			dump_one(out, kinds[k], busy, d, csv);
	remove_tree(csv);
	free(csv);
	free_data(d);
	return 0;
}

/* Time one kind only, e.g. under perf record. */
static int only(const char *kind, size_t per_sym, int runs)
{
	if (strcmp(kind, "mem") && strcmp(kind, "e8") && strcmp(kind, "csv") && strcmp(kind, "plain") &&
	    strcmp(kind, "parse")) {
		fprintf(stderr, "bench-replay: --only mem|e8|csv|plain|parse\n");
		return 2;
	}
	data *d = make_data(per_sym);
	char *dir = NULL;
	if (strcmp(kind, "csv") == 0 || strcmp(kind, "parse") == 0) {
		dir = make_tmp();
		write_csv(dir, per_sym);
	}
	for (int i = 0; i < runs; i++) {
		result r = strcmp(kind, "mem") == 0  ? run_mem(d, false)
			   : strcmp(kind, "e8") == 0  ? run_mem(d, true)
			   : strcmp(kind, "csv") == 0 ? run_csv(dir)
			   : strcmp(kind, "parse") == 0 ? run_parse(dir)
						      : run_plain(d);
		printf("%s: %.0f bars/s, %llu trades\n", kind, (double)r.bars / r.seconds,
		       (unsigned long long)r.trades);
	}
	if (dir) {
		remove_tree(dir);
		free(dir);
	}
	free_data(d);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--rss-child") == 0)
		return rss_child((size_t)strtoull(argv[2], NULL, 10));
	if (argc >= 3 && strcmp(argv[1], "--dump") == 0)
		return dump(argv[2], argc > 3 ? (size_t)strtoull(argv[3], NULL, 10) : 1000000);
	if (argc >= 3 && strcmp(argv[1], "--only") == 0)
		return only(argv[2], argc > 3 ? (size_t)strtoull(argv[3], NULL, 10) : 1000000,
			    argc > 4 ? atoi(argv[4]) : 3);
	size_t per_sym = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
	int runs = argc > 2 ? atoi(argv[2]) : 5;
	if (per_sym < 100 || runs < 1 || runs > 99) {
		fprintf(stderr, "usage: bench-replay [bars_per_symbol >= 100] [runs 1..99]\n");
		return 2;
	}
	data *d = make_data(per_sym);
	double mem[99], fixed[99], csv[99], parse[99], plain[99];
	result r = { 0 };
	for (int i = 0; i < runs; i++) {
		r = run_mem(d, false);
		mem[i] = (double)r.bars / r.seconds;
		result f = run_mem(d, true);
		fixed[i] = (double)f.bars / f.seconds;
		result p = run_plain(d);
		plain[i] = (double)p.bars / p.seconds;
		if (i == 0)
			printf("# %zu bars, %zu signals: libpaper %llu trades, net %.2f; plain loop %llu "
			       "trades, net %.2f\n", d->n, d->n_sig, (unsigned long long)r.trades, r.pnl,
			       (unsigned long long)p.trades, p.pnl);
	}
	char *dir = make_tmp();
	size_t rows = write_csv(dir, per_sym);
	int csv_runs = runs < 3 ? runs : 3;
	for (int i = 0; i < csv_runs; i++) { /* each replay next to a parse of the same files */
		result c = run_csv(dir);
		csv[i] = (double)rows / c.seconds;
		result p = run_parse(dir);
		if (p.bars != rows) {
			fprintf(stderr, "bench-replay: the parse read %llu rows of %zu\n",
				(unsigned long long)p.bars, rows);
			return 1;
		}
		parse[i] = (double)rows / p.seconds;
	}
	remove_tree(dir);
	free(dir);
	double m = median(mem, runs), pl = median(plain, runs);
	printf("BENCH replay_mem_bars_per_sec=%.0f\n", m);
	printf("BENCH replay_mem_e8_bars_per_sec=%.0f\n", median(fixed, runs));
	printf("BENCH replay_csv_rows_per_sec=%.0f\n", median(csv, csv_runs));
	printf("BENCH replay_plain_bars_per_sec=%.0f\n", pl);
	printf("BENCH replay_limit_ratio=%.2f\n", pl / m);
	double cv = median(csv, csv_runs), pa = median(parse, csv_runs);
	printf("BENCH replay_csv_parse_rows_per_sec=%.0f\n", pa);
	printf("BENCH replay_csv_vs_parse=%.2f\n", pa / cv);
	free_data(d);
	printf("BENCH replay_peak_rss_kb_1m_rows=%ld\n", rss_of(100000));
	printf("BENCH replay_peak_rss_kb_10m_rows=%ld\n", rss_of(1000000));
	return 0;
}
