/*
 * paper record: write a live feed's bars as CSV files, one per symbol (DIR/SYMBOL.csv, the
 * bars format of docs/formats.md), so paper replay can run a strategy over them later. Venue
 * bars are written as they close (backfilled ones included: they are the venue's own bars);
 * for a source without bars (http-poll), or with --from-ticks, bars are built from the
 * quotes' and trades' prices. A file that exists is appended to, after its last bar.
 */
#include "cli/cli_venue.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/commands.h"

enum { RC_OUT = 1, RC_COUNT, RC_SECONDS, RC_FROM_TICKS };

static const cli_opt record_opts[] = {
	{ "--out", "DIR", false, RC_OUT, "directory of the bars files (created if missing)" },
	{ "--count", "N", false, RC_COUNT, "stop after N bars written (default: no limit)" },
	{ "--seconds", "S", false, RC_SECONDS, "stop after S seconds (default: no limit)" },
	{ "--from-ticks", "SECONDS", false, RC_FROM_TICKS, "build bars of SECONDS from quotes and "
	  "trades instead of the venue's bars (http-poll sources always do, 60 s by default)" },
	{ NULL, NULL, false, 0, NULL },
};

static const char description[] =
	"Record live feeds as bars CSV files in DIR, one per symbol (SYMBOL.csv: timestamp,open,\n"
	"high,low,close,volume; the timestamp is the bar's open), for paper replay --bars DIR.\n"
	"Only closed bars are written, each once, in time order; bars the feed refilled after a\n"
	"gap are written too. A bar still forming when recording stops is not written.";

typedef struct sym_file {
	char symbol[PAPER_SYMBOL_MAX + 1];
	FILE *f;
	paper_ts last;                 /* open time of the last bar in the file */
	bool building;                 /* a bar from ticks is under way */
	paper_ts bucket;
	double open, high, low, close, volume;
} sym_file;

typedef struct record_args {
	cli_venues v;
	const char *out;
	uint64_t count, written;
	double seconds;
	paper_ts tick_bar;             /* --from-ticks, in µs; 0: venue bars */
	GPtrArray *files;              /* sym_file * */
} record_args;

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int on_option(void *ctx, int id, const char *value)
{
	record_args *a = ctx;
	double x = 0;
	switch (id) {
	case RC_OUT:
		a->out = value;
		return EXIT_OK;
	case RC_COUNT:
		if (!cli_number("record", "--count", value, &x))
			return EXIT_INPUT;
		if (x < 1 || x != floor(x))
			return cli_fail("record", EXIT_INPUT, "--count must be a whole number >= 1");
		a->count = (uint64_t)x;
		return EXIT_OK;
	case RC_SECONDS:
		if (!cli_number("record", "--seconds", value, &x))
			return EXIT_INPUT;
		if (!(x > 0 && x <= 1e7))
			return cli_fail("record", EXIT_INPUT, "--seconds must be > 0");
		a->seconds = x;
		return EXIT_OK;
	case RC_FROM_TICKS:
		if (!cli_number("record", "--from-ticks", value, &x))
			return EXIT_INPUT;
		if (x < 1 || x > 86400 || x != floor(x))
			return cli_fail("record", EXIT_INPUT, "--from-ticks: whole seconds in [1, 86400]");
		a->tick_bar = (paper_ts)x * PAPER_TS_PER_SECOND;
		return EXIT_OK;
	default: {
		int rc = cli_venue_option(&a->v, "record", id, value);
		return rc < 0 ? EXIT_INPUT : rc;
	}
	}
}

/* The open time of the last bar an existing file holds (0: none): its last line. */
static paper_ts last_bar(FILE *f)
{
	char tail[4096];
	if (fseek(f, 0, SEEK_END) != 0)
		return 0;
	long size = ftell(f);
	long from = size > (long)sizeof tail - 1 ? size - (long)sizeof tail + 1 : 0;
	if (size <= 0 || fseek(f, from, SEEK_SET) != 0)
		return 0;
	size_t n = fread(tail, 1, sizeof tail - 1, f);
	tail[n] = '\0';
	while (n > 0 && (tail[n - 1] == '\n' || tail[n - 1] == '\r'))
		tail[--n] = '\0';
	char *line = strrchr(tail, '\n');
	line = line ? line + 1 : tail;
	char *comma = strchr(line, ',');
	paper_ts ts = 0;
	if (comma) {
		*comma = '\0';
		if (!cli_parse_ts(line, &ts))
			ts = 0;
	}
	fseek(f, 0, SEEK_END);
	return ts;
}

static sym_file *file_for(record_args *a, const char *symbol, int *code)
{
	for (guint i = 0; i < a->files->len; i++) {
		sym_file *s = g_ptr_array_index(a->files, i);
		if (strcmp(s->symbol, symbol) == 0)
			return s;
	}
	char *path = g_strdup_printf("%s/%s.csv", a->out, symbol);
	sym_file *s = g_new0(sym_file, 1);
	g_strlcpy(s->symbol, symbol, sizeof s->symbol);
	s->f = fopen(path, "a+");
	if (s->f == NULL) {
		*code = cli_fail("record", EXIT_INPUT, "cannot write %s: %s", path, strerror(errno));
		g_free(path);
		g_free(s);
		return NULL;
	}
	s->last = last_bar(s->f);
	if (ftell(s->f) == 0)
		fputs("timestamp,open,high,low,close,volume\n", s->f);
	g_free(path);
	g_ptr_array_add(a->files, s);
	return s;
}

static int write_bar(record_args *a, const char *symbol, paper_ts ts, double o, double h,
		     double l, double c, double v)
{
	int code = EXIT_OK;
	sym_file *s = file_for(a, symbol, &code);
	if (s == NULL)
		return code;
	if (ts <= s->last)
		return EXIT_OK; /* the file has it already (a restart, a duplicate) */
	char t[CLI_TEXT_MAX], po[CLI_TEXT_MAX], ph[CLI_TEXT_MAX], pl[CLI_TEXT_MAX];
	char pc[CLI_TEXT_MAX], pv[CLI_TEXT_MAX];
	fprintf(s->f, "%s,%s,%s,%s,%s,%s\n", cli_iso(t, ts), cli_price(po, o), cli_price(ph, h),
		cli_price(pl, l), cli_price(pc, c), cli_qty(pv, v));
	/* A bar is on disk when it is written: a recording cut short keeps every closed bar. */
	if (fflush(s->f) != 0)
		return cli_fail("record", EXIT_INPUT, "writing %s/%s.csv: %s", a->out, symbol,
				strerror(errno));
	s->last = ts;
	a->written++;
	return EXIT_OK;
}

/* A price from a quote or a trade, into the symbol's bar of tick_bar; a later bucket closes it. */
static int tick(record_args *a, const paper_feed_msg *m, paper_ts step)
{
	double p = m->last > 0 ? m->last : (m->bid + m->ask) / 2;
	double size = m->type == PAPER_FEED_TRADE ? m->size : 0;
	paper_ts bucket = m->ts - m->ts % step;
	int code = EXIT_OK;
	sym_file *s = file_for(a, m->symbol, &code);
	if (s == NULL)
		return code;
	if (s->building && bucket < s->bucket)
		return EXIT_OK; /* late: its bar is closed */
	if (s->building && bucket > s->bucket) {
		code = write_bar(a, s->symbol, s->bucket, s->open, s->high, s->low, s->close,
				 s->volume);
		s->building = false;
	}
	if (!s->building) {
		s->building = true;
		s->bucket = bucket;
		s->open = s->high = s->low = p;
		s->volume = 0;
	}
	s->high = MAX(s->high, p);
	s->low = MIN(s->low, p);
	s->close = p;
	s->volume += size;
	return code;
}

static int take(record_args *a, int i, const paper_feed_msg *m)
{
	bool poll_source = g_str_has_prefix(a->v.source[i], "http-poll:");
	paper_ts step = a->tick_bar ? a->tick_bar : poll_source ? 60 * PAPER_TS_PER_SECOND : 0;
	if (m->type == PAPER_FEED_STATUS) {
		fprintf(stderr, "paper record: %s: %s: %s\n", a->v.source[i],
			paper_feed_state_str(m->state), m->text);
		return EXIT_OK;
	}
	if (m->type == PAPER_FEED_BAR && !step)
		return write_bar(a, m->symbol, m->ts, m->open, m->high, m->low, m->close, m->volume);
	if (m->type != PAPER_FEED_BAR && step)
		return tick(a, m, step);
	return EXIT_OK;
}

static int record(record_args *a)
{
	struct pollfd fds[CLI_MAX_FEEDS];
	double until = a->seconds ? cli_now() + a->seconds : 0;
	int left = a->v.n, code = EXIT_OK;
	paper_feed_msg m[64];
	for (size_t k = 0; k < G_N_ELEMENTS(m); k++)
		m[k] = (paper_feed_msg)PAPER_FEED_MSG_INIT;
	for (int i = 0; i < a->v.n; i++)
		fds[i] = (struct pollfd){ .fd = paper_feed_fd(a->v.feed[i]), .events = POLLIN };
	while (code == EXIT_OK && !stop_requested && left > 0 &&
	       (!a->count || a->written < a->count) && (!until || cli_now() < until)) {
		int wait = until ? (int)MIN(250.0, (until - cli_now()) * 1000 + 1) : 250;
		if (poll(fds, (nfds_t)a->v.n, MAX(wait, 0)) < 0 && errno != EINTR)
			return cli_fail("record", EXIT_LIBRARY, "poll: %s", strerror(errno));
		for (int i = 0; i < a->v.n && code == EXIT_OK; i++) {
			size_t n = 0;
			if (fds[i].fd < 0 || !(fds[i].revents & POLLIN))
				continue;
			int rc = paper_feed_poll_many(a->v.feed[i], m, G_N_ELEMENTS(m), &n, 0);
			for (size_t k = 0; k < n && code == EXIT_OK && (!a->count || a->written < a->count); k++)
				code = take(a, i, &m[k]);
			if (rc == PAPER_ESTATE) {
				fds[i].fd = -1;
				left--;
			}
		}
	}
	if (code == EXIT_OK && left < a->v.n)
		code = EXIT_LIBRARY;
	return code;
}

static void finish(record_args *a)
{
	for (int i = 0; i < a->v.n; i++) {
		paper_feed_health_info h = PAPER_FEED_HEALTH_INFO_INIT;
		if (paper_feed_health(a->v.feed[i], &h) == PAPER_OK)
			cli_venue_health_print(stderr, &h);
	}
	for (guint i = 0; i < a->files->len; i++) {
		sym_file *s = g_ptr_array_index(a->files, i);
		fclose(s->f);
		g_free(s);
	}
	fprintf(stderr, "paper record: %llu bars written in %s (%u symbols)\n",
		(unsigned long long)a->written, a->out, a->files->len);
	g_ptr_array_free(a->files, TRUE);
}

int cmd_record(int argc, char **argv)
{
	const cli_opt *const tables[] = { record_opts, cli_venue_opts, NULL };
	record_args a;
	memset(&a, 0, sizeof a);
	cli_venues_init(&a.v);
	bool help = false;
	int code = cli_parse("record", argc, argv, tables, on_option, &a, &help);
	if (code == EXIT_OK && help) {
		cli_usage(stdout, "record", "--feed SOURCE --out DIR [--count N] [--seconds S]",
			  description, tables, NULL);
		return EXIT_OK;
	}
	if (code == EXIT_OK && a.out == NULL)
		code = cli_fail("record", EXIT_INPUT, "--out DIR is required");
	if (code == EXIT_OK && g_mkdir_with_parents(a.out, 0777) != 0)
		code = cli_fail("record", EXIT_INPUT, "cannot create %s: %s", a.out, strerror(errno));
	if (code != EXIT_OK)
		return code;
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	a.files = g_ptr_array_new();
	code = cli_venues_open(&a.v, "record");
	if (code == EXIT_OK)
		code = record(&a);
	finish(&a);
	cli_venues_close(&a.v);
	return code;
}
