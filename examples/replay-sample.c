/*
 * replay-sample: replay the bars of several symbols, merged in time order, through one
 * paper broker with a moving-average crossover strategy, and print the account summary.
 *
 *   replay-sample [--config FILE] [--seed N] BARS.csv...
 *
 * Only the public API (<paper/paper.h>), C11 and POSIX. Run with --help for the details of
 * the input format, the strategy and the exit codes.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* getline(), gmtime_r() */
#endif

#include <paper/paper.h>

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#define PROG "replay-sample"
#define EXIT_LIBRARY 1 /* a libpaper call failed */
#define EXIT_INPUT 2   /* bad data, bad configuration or bad usage */

#define FAST_LEN 10               /* bars in the fast moving average */
#define SLOW_LEN 30               /* bars in the slow moving average */
#define ENTRY_NOTIONAL 10000.0    /* account currency per entry, at the signal bar's close */
#define CRYPTO_LOT 0.0001         /* size step of crypto pairs; other symbols trade whole units */
#define STRATEGY_TAG "sma10x30"
#define SHOWN_TRADES 10
#define BARS_HEADER "timestamp,open,high,low,close,volume"
#define BARS_FIELDS 6

#if defined(__GNUC__)
#define PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PRINTF_LIKE(fmt, args)
#endif

typedef struct bar {
	paper_ts ts;
	double open, high, low, close, volume;
	size_t line; /* in its file, for messages */
} bar;

/* One input file: its bars, its merge cursor and the strategy's state for the symbol. */
typedef struct series {
	const char *path;
	char symbol[PAPER_SYMBOL_MAX + 1];
	bar *bars;
	size_t n, cap;
	size_t next;                /* next bar to replay */
	double closes[SLOW_LEN];    /* ring of the newest closes */
	size_t seen;                /* closes seen so far */
	int trend;                  /* sign of fast - slow at the last bar where they differed */
	uint64_t order_id;          /* the strategy's last order in this symbol, 0 if none */
} series;

typedef struct options {
	const char *config_path;
	const char *seed;
	char **files;
	size_t n_files;
} options;

typedef struct replay {
	paper_broker *broker;
	series *all;
	size_t n;
	size_t bars;
	paper_ts first_ts, last_ts;
} replay;

/* ---- messages ---- */

static int fail(int code, const char *fmt, ...) PRINTF_LIKE(2, 3);

static int fail(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs(PROG ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return code;
}

/* A bad row: "FILE:LINE: field 'NAME': why". */
static int bad_field(const char *path, size_t line, const char *field, const char *fmt, ...)
	PRINTF_LIKE(4, 5);

static int bad_field(const char *path, size_t line, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, PROG ": %s:%zu: field '%s': ", path, line, field);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return EXIT_INPUT;
}

static int library_error(const char *call, const char *symbol, int rc)
{
	return fail(EXIT_LIBRARY, "%s(%s) failed: %s: %s", call, symbol ? symbol : "", paper_strerror(rc),
		    paper_last_error());
}

static void usage(FILE *out)
{
	fputs("usage: " PROG " [--config FILE] [--seed N] BARS.csv...\n"
	      "\n"
	      "Replay the bars of several symbols, merged in time order, through one libpaper\n"
	      "broker trading a moving-average crossover, and print the account summary.\n"
	      "\n"
	      "Each BARS.csv holds one symbol, named by the file name without its extension, with\n"
	      "the header " BARS_HEADER ". Timestamps are ISO-8601 UTC\n"
	      "(2024-01-02T14:30:00Z, optional .ffffff) or epoch seconds, stamped at the bar's open\n"
	      "and strictly increasing; prices > 0 with low <= open, close <= high; volume >= 0.\n"
	      "\n"
	      "Strategy, per symbol: when the 10-bar mean close crosses above the 30-bar mean, buy\n"
	      "10000 worth (at that bar's close, rounded down to whole units; 0.0001 units for\n"
	      "crypto pairs, *-USD) with a market order; when it crosses below, sell the position.\n"
	      "Orders are sent after a bar closes and fill at the next bar's open. At the end, open\n"
	      "orders are cancelled and positions are sold by market orders that fill against a\n"
	      "final quote at their last close, one second after the newest bar.\n"
	      "\n"
	      "options:\n"
	      "  --config FILE  broker settings from an INI file (see examples/paper.ini.example)\n"
	      "  --seed N       seed of the slippage jitter (costs.seed); overrides the config\n"
	      "  --help         show this help and exit\n"
	      "\n"
	      "exit status: 0 ok, 1 library error, 2 bad input, configuration or usage\n",
	      out);
}

/* ---- strict parsers ---- */

/* n decimal digits at s. */
static bool parse_digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* ".f" .. ".ffffff" as microseconds; no fraction is 0. Advances *p. */
static bool parse_fraction(const char **p, int64_t *us)
{
	int64_t scale = 100000;
	int n = 0;
	*us = 0;
	if (**p != '.')
		return true;
	for ((*p)++; isdigit((unsigned char)**p); (*p)++, n++) {
		if (n == 6)
			return false;
		*us += (**p - '0') * scale;
		scale /= 10;
	}
	return n > 0;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant). */
static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int64_t)era * 146097 + doe - 719468;
}

typedef enum ts_status { TS_OK, TS_MALFORMED, TS_OUT_OF_RANGE } ts_status;

/* "YYYY-MM-DDTHH:MM:SS[.ffffff]Z". */
static ts_status parse_iso8601(const char *s, paper_ts *out)
{
	int y, mo, d, h, mi, se;
	int64_t frac;
	if (!parse_digits(s, 4, &y) || s[4] != '-' || !parse_digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !parse_digits(s + 8, 2, &d) || s[10] != 'T' ||
	    !parse_digits(s + 11, 2, &h) || s[13] != ':' || !parse_digits(s + 14, 2, &mi) ||
	    s[16] != ':' || !parse_digits(s + 17, 2, &se))
		return TS_MALFORMED;
	const char *p = s + 19;
	if (!parse_fraction(&p, &frac) || strcmp(p, "Z") != 0)
		return TS_MALFORMED;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 59)
		return TS_OUT_OF_RANGE;
	int64_t secs = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60 + se;
	*out = secs * PAPER_TS_PER_SECOND + frac;
	return TS_OK;
}

/* Epoch seconds: 1 to 12 digits, optional .ffffff. */
static bool parse_epoch(const char *s, paper_ts *out)
{
	int64_t secs = 0, frac;
	const char *p = s;
	for (; isdigit((unsigned char)*p); p++) {
		if (p - s == 12)
			return false;
		secs = secs * 10 + (*p - '0');
	}
	if (p == s || !parse_fraction(&p, &frac) || *p != '\0')
		return false;
	*out = secs * PAPER_TS_PER_SECOND + frac;
	return true;
}

static ts_status parse_timestamp(const char *s, paper_ts *out)
{
	if (strchr(s, 'T'))
		return parse_iso8601(s, out);
	return parse_epoch(s, out) ? TS_OK : TS_MALFORMED;
}

/* A plain decimal: optional '-', digits with an optional '.' and at least one digit. */
static bool parse_number(const char *s, double *out)
{
	const char *p = s + (*s == '-');
	size_t digits = 0;
	for (; isdigit((unsigned char)*p); p++)
		digits++;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			digits++;
	if (digits == 0 || *p != '\0')
		return false;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end != p || errno == ERANGE || !isfinite(v))
		return false;
	*out = v;
	return true;
}

/* ---- one bars file ---- */

static bool symbol_char(unsigned char c)
{
	return isalnum(c) || (c != '\0' && strchr("._/:^=-", c) != NULL);
}

/* The symbol is the file name without its directory and extension. */
static int symbol_from_path(series *s)
{
	const char *base = strrchr(s->path, '/');
	base = base ? base + 1 : s->path;
	const char *dot = strrchr(base, '.');
	size_t len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	bool ok = len >= 1 && len <= PAPER_SYMBOL_MAX;
	for (size_t i = 0; ok && i < len; i++)
		ok = symbol_char((unsigned char)base[i]);
	if (!ok)
		return fail(EXIT_INPUT, "%s: the file name must be SYMBOL.csv with a symbol of 1-%d "
			    "of A-Z a-z 0-9 . _ : ^ = -", s->path, PAPER_SYMBOL_MAX);
	memcpy(s->symbol, base, len);
	s->symbol[len] = '\0';
	return 0;
}

static int parse_price(const char *path, size_t line, const char *field, const char *text,
		       double *out)
{
	if (!parse_number(text, out))
		return bad_field(path, line, field, "malformed number '%s'", text);
	if (*out <= 0)
		return bad_field(path, line, field, "price must be > 0 (got %s)", text);
	return 0;
}

static int check_bar(const char *path, size_t line, const bar *b)
{
	if (b->high < b->low)
		return bad_field(path, line, "high", "high %.10g is below low %.10g", b->high,
				 b->low);
	if (b->open < b->low || b->open > b->high)
		return bad_field(path, line, "open", "open %.10g is outside [low %.10g, high %.10g]",
				 b->open, b->low, b->high);
	if (b->close < b->low || b->close > b->high)
		return bad_field(path, line, "close",
				 "close %.10g is outside [low %.10g, high %.10g]", b->close, b->low,
				 b->high);
	return 0;
}

/* Fields of one row, in order. */
static int parse_fields(const char *path, size_t line, char **f, bar *b)
{
	int rc;
	ts_status ts = parse_timestamp(f[0], &b->ts);
	if (ts == TS_OUT_OF_RANGE)
		return bad_field(path, line, "timestamp", "'%s' is not a valid date and time", f[0]);
	if (ts != TS_OK)
		return bad_field(path, line, "timestamp", "'%s' is neither ISO-8601 UTC "
				 "(2024-01-02T14:30:00Z) nor epoch seconds", f[0]);
	if ((rc = parse_price(path, line, "open", f[1], &b->open)) ||
	    (rc = parse_price(path, line, "high", f[2], &b->high)) ||
	    (rc = parse_price(path, line, "low", f[3], &b->low)) ||
	    (rc = parse_price(path, line, "close", f[4], &b->close)))
		return rc;
	if (!parse_number(f[5], &b->volume))
		return bad_field(path, line, "volume", "malformed number '%s'", f[5]);
	if (b->volume < 0)
		return bad_field(path, line, "volume", "negative volume %s", f[5]);
	return check_bar(path, line, b);
}

/* Split a row in place at commas. */
static int split_row(const char *path, size_t line, char *text, char **fields)
{
	size_t n = 0;
	for (char *p = text;; p++) {
		if (*p != ',' && *p != '\0')
			continue;
		if (n < BARS_FIELDS)
			fields[n] = text;
		n++;
		if (*p == '\0')
			break;
		*p = '\0';
		text = p + 1;
	}
	if (n != BARS_FIELDS)
		return fail(EXIT_INPUT, "%s:%zu: expected %d comma-separated fields, found %zu",
			    path, line, BARS_FIELDS, n);
	return 0;
}

static int check_order(const series *s, const bar *b)
{
	if (s->n == 0)
		return 0;
	const bar *prev = &s->bars[s->n - 1];
	if (b->ts == prev->ts)
		return bad_field(s->path, b->line, "timestamp", "duplicate timestamp (also on "
				 "line %zu)", prev->line);
	if (b->ts < prev->ts)
		return bad_field(s->path, b->line, "timestamp", "not sorted: earlier than line %zu",
				 prev->line);
	return 0;
}

static int append_bar(series *s, const bar *b)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		bar *grown = realloc(s->bars, cap * sizeof *grown);
		if (!grown)
			return fail(EXIT_LIBRARY, "out of memory");
		s->bars = grown;
		s->cap = cap;
	}
	s->bars[s->n++] = *b;
	return 0;
}

static int add_row(series *s, size_t line, char *text)
{
	char *fields[BARS_FIELDS];
	bar b = { .line = line };
	int rc;
	if ((rc = split_row(s->path, line, text, fields)) ||
	    (rc = parse_fields(s->path, line, fields, &b)) || (rc = check_order(s, &b)))
		return rc;
	return append_bar(s, &b);
}

/* Strip the line end; NUL bytes inside a line are an error. */
static int chomp(const char *path, size_t line, char *text, ssize_t len)
{
	if (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';
	if (len > 0 && text[len - 1] == '\r')
		text[--len] = '\0';
	if (strlen(text) != (size_t)len)
		return fail(EXIT_INPUT, "%s:%zu: the line contains a NUL byte", path, line);
	return 0;
}

static int read_lines(series *s, FILE *f, size_t *lines)
{
	char *text = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;
	while (rc == 0 && (len = getline(&text, &cap, f)) != -1) {
		size_t line = ++*lines;
		if ((rc = chomp(s->path, line, text, len)))
			break;
		if (line > 1)
			rc = add_row(s, line, text);
		else if (strcmp(text, BARS_HEADER) != 0)
			rc = fail(EXIT_INPUT, "%s:1: the header must be '" BARS_HEADER "' (got '%s')",
				  s->path, text);
	}
	free(text);
	return rc;
}

static int load_series(series *s)
{
	int rc = symbol_from_path(s);
	if (rc)
		return rc;
	FILE *f = fopen(s->path, "r");
	if (!f)
		return fail(EXIT_INPUT, "%s: %s", s->path, strerror(errno));
	size_t lines = 0;
	rc = read_lines(s, f, &lines);
	if (rc == 0 && ferror(f))
		rc = fail(EXIT_INPUT, "%s: read error", s->path);
	fclose(f);
	if (rc == 0 && s->n == 0)
		rc = fail(EXIT_INPUT, "%s:%zu: no bars (expected the header '" BARS_HEADER
			  "' and at least one row)", s->path, lines);
	return rc;
}

static int load_all(replay *r, const options *o)
{
	r->all = calloc(o->n_files, sizeof *r->all);
	if (!r->all)
		return fail(EXIT_LIBRARY, "out of memory");
	r->n = o->n_files;
	for (size_t i = 0; i < r->n; i++) {
		series *s = &r->all[i];
		s->path = o->files[i];
		int rc = load_series(s);
		if (rc)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (strcmp(r->all[j].symbol, s->symbol) == 0)
				return fail(EXIT_INPUT, "%s: symbol %s already comes from %s", s->path,
					    s->symbol, r->all[j].path);
		r->bars += s->n;
	}
	return 0;
}

/* ---- the strategy ---- */

static double mean_of_last(const series *s, size_t len)
{
	double sum = 0;
	for (size_t i = 1; i <= len; i++)
		sum += s->closes[(s->seen - i) % SLOW_LEN];
	return sum / (double)len;
}

static bool is_crypto(const char *symbol)
{
	size_t n = strlen(symbol);
	return strchr(symbol, '/') != NULL || (n > 4 && strcmp(symbol + n - 4, "-USD") == 0);
}

/* ENTRY_NOTIONAL at price, rounded down to the symbol's size step; 0 if less than a step. */
static double entry_qty(const char *symbol, double price)
{
	double lot = is_crypto(symbol) ? CRYPTO_LOT : 1.0;
	return floor(ENTRY_NOTIONAL / (price * lot)) * lot;
}

/* Rejections are outcomes the broker records (and counts); other failures are errors. */
static bool is_rejection(int rc)
{
	return rc == PAPER_ENODATA || rc == PAPER_EFUNDS || rc == PAPER_ELIMIT ||
	       rc == PAPER_EHALTED;
}

static int submit(replay *r, series *s, paper_side side, double qty, paper_ts ts,
		  paper_exit_reason why)
{
	paper_order_request req = PAPER_ORDER_REQUEST_INIT;
	req.symbol = s->symbol;
	req.side = side;
	req.type = PAPER_ORDER_MARKET;
	req.qty = qty;
	req.ts = ts; /* 0: the broker's clock, the newest bar seen */
	req.strategy = STRATEGY_TAG;
	req.exit_reason = why;
	uint64_t id = 0;
	int rc = paper_broker_submit(r->broker, &req, &id);
	if (rc != PAPER_OK && !is_rejection(rc))
		return library_error("paper_broker_submit", s->symbol, rc);
	s->order_id = id;
	return 0;
}

/* A market order can still be open when the volume cap of the config split it. */
static int cancel_pending(replay *r, series *s)
{
	paper_order_info o = PAPER_ORDER_INFO_INIT;
	if (s->order_id == 0 || paper_broker_order(r->broker, s->order_id, &o) != PAPER_OK)
		return 0;
	if (o.status != PAPER_STATUS_ACCEPTED && o.status != PAPER_STATUS_PARTIALLY_FILLED)
		return 0;
	int rc = paper_broker_cancel(r->broker, s->order_id);
	return rc == PAPER_OK ? 0 : library_error("paper_broker_cancel", s->symbol, rc);
}

/* The signed quantity held in the symbol, 0 when flat. */
static int held_qty(const replay *r, const series *s, double *qty)
{
	paper_position_info p = PAPER_POSITION_INFO_INIT;
	int rc = paper_broker_position(r->broker, s->symbol, &p);
	*qty = rc == PAPER_OK ? p.qty : 0.0;
	if (rc != PAPER_OK && rc != PAPER_ENOTFOUND)
		return library_error("paper_broker_position", s->symbol, rc);
	return 0;
}

static int go_long(replay *r, series *s, double price)
{
	double held, qty = entry_qty(s->symbol, price);
	int rc;
	if ((rc = cancel_pending(r, s)) || (rc = held_qty(r, s, &held)))
		return rc;
	if (held > 0 || qty <= 0)
		return 0;
	return submit(r, s, PAPER_SIDE_BUY, qty, 0, PAPER_EXIT_NONE);
}

static int go_flat(replay *r, series *s, paper_exit_reason why)
{
	double held;
	int rc;
	if ((rc = cancel_pending(r, s)) || (rc = held_qty(r, s, &held)) || held == 0)
		return rc;
	return submit(r, s, held > 0 ? PAPER_SIDE_SELL : PAPER_SIDE_BUY, fabs(held), 0, why);
}

/* After bar b of s: update the averages, act on a crossover. */
static int on_close(replay *r, series *s, const bar *b)
{
	s->closes[s->seen++ % SLOW_LEN] = b->close;
	if (s->seen < SLOW_LEN)
		return 0;
	double fast = mean_of_last(s, FAST_LEN), slow = mean_of_last(s, SLOW_LEN);
	int trend = fast > slow ? 1 : fast < slow ? -1 : 0;
	int before = s->trend;
	if (trend == 0 || trend == before)
		return 0;
	s->trend = trend;
	if (before == 0) /* the first comparison sets the trend; only a cross trades */
		return 0;
	return trend > 0 ? go_long(r, s, b->close) : go_flat(r, s, PAPER_EXIT_REVERSE_SIGNAL);
}

/* ---- the replay ---- */

/* The series whose next bar is the oldest; ties go to the earlier file. */
static series *next_series(const replay *r)
{
	series *best = NULL;
	for (size_t i = 0; i < r->n; i++) {
		series *s = &r->all[i];
		if (s->next < s->n && (!best || s->bars[s->next].ts < best->bars[best->next].ts))
			best = s;
	}
	return best;
}

static int run_bars(replay *r)
{
	series *s;
	r->first_ts = INT64_MAX;
	r->last_ts = INT64_MIN;
	while ((s = next_series(r)) != NULL) {
		const bar *b = &s->bars[s->next++];
		int rc = paper_broker_on_bar(r->broker, s->symbol, b->ts, b->open, b->high, b->low,
					     b->close, b->volume);
		if (rc == PAPER_EPRICE || rc == PAPER_EQTY) /* valid here, out of the ledger's range */
			return fail(EXIT_INPUT, "%s:%zu: the broker refuses the bar: %s", s->path,
				    b->line, paper_last_error());
		if (rc != PAPER_OK)
			return library_error("paper_broker_on_bar", s->symbol, rc);
		if (b->ts < r->first_ts)
			r->first_ts = b->ts;
		if (b->ts > r->last_ts)
			r->last_ts = b->ts;
		if ((rc = on_close(r, s, b)))
			return rc;
	}
	return 0;
}

static int cancel_open_orders(replay *r)
{
	paper_order_info o = PAPER_ORDER_INFO_INIT;
	while (paper_broker_open_order_count(r->broker) > 0) {
		int rc = paper_broker_open_order_at(r->broker, 0, &o);
		if (rc == PAPER_OK)
			rc = paper_broker_cancel(r->broker, o.id);
		if (rc != PAPER_OK)
			return library_error("paper_broker_cancel", o.symbol, rc);
	}
	return 0;
}

/*
 * End of data: cancel what rests, sell what is held, then give each symbol a final quote at its
 * last close. The orders go first, stamped at the clock: an order fills only on data stamped
 * after it, and each quote moves the clock.
 */
static int close_out(replay *r)
{
	paper_ts end = r->last_ts + PAPER_TS_PER_SECOND;
	int rc = cancel_open_orders(r);
	for (size_t i = 0; rc == 0 && i < r->n; i++)
		rc = go_flat(r, &r->all[i], PAPER_EXIT_END_OF_DATA);
	for (size_t i = 0; rc == 0 && i < r->n && paper_broker_open_order_count(r->broker); i++) {
		series *s = &r->all[i];
		rc = paper_broker_on_quote(r->broker, s->symbol, end, 0, 0, s->bars[s->n - 1].close);
		if (rc != PAPER_OK)
			return library_error("paper_broker_on_quote", s->symbol, rc);
	}
	return rc;
}

/* ---- the summary ---- */

/* "2024-01-02 14:30" */
static const char *fmt_time(paper_ts ts, char *buf, size_t cap)
{
	paper_ts secs = ts >= 0 ? ts / PAPER_TS_PER_SECOND
				: -((-ts + PAPER_TS_PER_SECOND - 1) / PAPER_TS_PER_SECOND);
	time_t t = (time_t)secs;
	struct tm tm;
	if (!gmtime_r(&t, &tm) || strftime(buf, cap, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, cap, "?");
	return buf;
}

/* Whole numbers without decimals, fractional ones (crypto) with four. */
static const char *fmt_qty(double qty, char *buf, size_t cap)
{
	snprintf(buf, cap, qty == floor(qty) ? "%.0f" : "%.4f", qty);
	return buf;
}

static void print_header(const replay *r)
{
	char from[32], to[32];
	printf("libpaper %s replay: %zu symbol%s, %zu bar%s, %s .. %s UTC\n", paper_version(),
	       r->n, r->n == 1 ? "" : "s", r->bars, r->bars == 1 ? "" : "s",
	       fmt_time(r->first_ts, from, sizeof from), fmt_time(r->last_ts, to, sizeof to));
	printf("strategy: per symbol, SMA(%d) crossing SMA(%d): long %.0f at the next open, or flat\n\n",
	       FAST_LEN, SLOW_LEN, ENTRY_NOTIONAL);
}

static int count_wins(const replay *r, size_t *wins)
{
	size_t n = paper_broker_trade_count(r->broker);
	*wins = 0;
	for (size_t i = 0; i < n; i++) {
		paper_trade_info t = PAPER_TRADE_INFO_INIT;
		int rc = paper_broker_trade_at(r->broker, i, &t);
		if (rc != PAPER_OK)
			return library_error("paper_broker_trade_at", NULL, rc);
		*wins += t.pnl_net > 0;
	}
	return 0;
}

static int print_account(const replay *r, const paper_account_info *a)
{
	size_t wins, n = paper_broker_trade_count(r->broker);
	int rc = count_wins(r, &wins);
	if (rc)
		return rc;
	printf("%-16s %14.2f\n", "starting cash", a->starting_cash);
	printf("%-16s %14.2f\n", "final cash", a->cash);
	printf("%-16s %14.2f\n", "equity", a->equity);
	printf("%-16s %14.2f\n", "realized P&L", a->realized_pnl);
	printf("%-16s %14.2f\n", "fees", a->fees);
	printf("%-16s %14" PRIu64 "\n", "fills", a->fills);
	printf("%-16s %14" PRIu64 "\n", "closed trades", a->closed_trades);
	if (n > 0)
		printf("%-16s %13.1f%%  (%zu of %zu net positive)\n", "win rate",
		       100.0 * (double)wins / (double)n, wins, n);
	else
		printf("%-16s %14s\n", "win rate", "n/a");
	printf("%-16s %14" PRIu64 "\n", "rejected orders", a->rejections);
	return 0;
}

static void print_trade(const paper_trade_info *t)
{
	char entry[32], exit_[32], qty[32];
	printf("%-8s %-5s %-16s %10.2f %-16s %10.2f %8s %9.2f\n", t->symbol,
	       paper_direction_str(t->direction), fmt_time(t->entry_ts, entry, sizeof entry),
	       t->entry_price, fmt_time(t->exit_ts, exit_, sizeof exit_), t->exit_price,
	       fmt_qty(t->qty, qty, sizeof qty), t->pnl_net);
}

static int print_trades(const replay *r)
{
	size_t n = paper_broker_trade_count(r->broker);
	size_t first = n > SHOWN_TRADES ? n - SHOWN_TRADES : 0;
	printf("\nlast %zu of %zu trades (UTC)\n", n - first, n);
	printf("%-8s %-5s %-16s %10s %-16s %10s %8s %9s\n", "symbol", "side", "entry time",
	       "price", "exit time", "price", "qty", "net P&L");
	for (size_t i = first; i < n; i++) {
		paper_trade_info t = PAPER_TRADE_INFO_INIT;
		int rc = paper_broker_trade_at(r->broker, i, &t);
		if (rc != PAPER_OK)
			return library_error("paper_broker_trade_at", NULL, rc);
		print_trade(&t);
	}
	return 0;
}

/* Exact, in the ledger's fixed point: only meaningful when nothing is held. */
static int print_reconciliation(const paper_account_info *a)
{
	bool flat = a->open_positions == 0;
	bool exact = a->starting_cash_e8 + a->realized_pnl_e8 - a->fees_e8 == a->cash_e8;
	if (!flat) {
		printf("\nstarting cash + realized - fees == cash: not checked, %" PRIu64
		       " positions still open\n", a->open_positions);
		return EXIT_LIBRARY;
	}
	printf("\nstarting cash + realized - fees == cash: %s\n", exact ? "yes" : "NO");
	return exact ? 0 : EXIT_LIBRARY;
}

static int print_summary(const replay *r)
{
	paper_account_info a = PAPER_ACCOUNT_INFO_INIT;
	int rc = paper_broker_account(r->broker, &a);
	if (rc != PAPER_OK)
		return library_error("paper_broker_account", NULL, rc);
	print_header(r);
	if ((rc = print_account(r, &a)) || (rc = print_trades(r)))
		return rc;
	return print_reconciliation(&a);
}

/* ---- configuration and options ---- */

static int print_violations(const paper_config *cfg, const char *source)
{
	size_t n = paper_config_violation_count(cfg);
	fail(EXIT_INPUT, "%s: invalid configuration (%zu problem%s)", source, n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		paper_config_violation v = PAPER_CONFIG_VIOLATION_INIT;
		if (paper_config_violation_get(cfg, i, &v) == PAPER_OK)
			fprintf(stderr, "  %s = '%s': %s\n", v.key, v.value, v.reason);
	}
	if (n == 0)
		fprintf(stderr, "  %s\n", paper_last_error());
	return EXIT_INPUT;
}

static int load_config_file(paper_config *cfg, const char *path)
{
	int rc = paper_config_load_file(cfg, path);
	if (rc == PAPER_OK || rc == PAPER_ECONFIG || rc == PAPER_ESAFETY)
		return 0; /* violations are reported by paper_config_validate() */
	if (rc == PAPER_EIO || rc == PAPER_EFORMAT)
		return fail(EXIT_INPUT, "%s: %s", path, paper_last_error());
	return library_error("paper_config_load_file", path, rc);
}

static int set_seed(paper_config *cfg, const char *seed)
{
	size_t len = strlen(seed);
	if (len == 0 || len > 16 || strspn(seed, "0123456789") != len)
		return fail(EXIT_INPUT, "--seed: '%s' is not a whole number in 0 .. 2^53", seed);
	if (paper_config_set(cfg, "costs.seed", seed) != PAPER_OK)
		return fail(EXIT_INPUT, "--seed: %s", paper_last_error());
	return 0;
}

/* Defaults, then the file, then --seed; the result must validate. */
static int make_config(const options *o, paper_config **out)
{
	int rc = paper_config_new(out);
	if (rc != PAPER_OK)
		return library_error("paper_config_new", NULL, rc);
	if ((o->config_path && (rc = load_config_file(*out, o->config_path))) ||
	    (o->seed && (rc = set_seed(*out, o->seed))))
		return rc;
	rc = paper_config_validate(*out);
	if (rc == PAPER_ECONFIG || rc == PAPER_ESAFETY)
		return print_violations(*out, o->config_path ? o->config_path : "--seed");
	return rc == PAPER_OK ? 0 : library_error("paper_config_validate", NULL, rc);
}

/* "--name VALUE" or "--name=VALUE": 1 matched, 0 not this option, -1 value missing. */
static int option_value(const char *name, int argc, char **argv, int *i, const char **out)
{
	size_t n = strlen(name);
	const char *arg = argv[*i];
	if (strncmp(arg, name, n) != 0 || (arg[n] != '=' && arg[n] != '\0'))
		return 0;
	if (arg[n] == '=') {
		*out = arg + n + 1;
		return 1;
	}
	if (*i + 1 >= argc)
		return -1;
	*out = argv[++*i];
	return 1;
}

static int usage_error(const char *fmt, const char *arg)
{
	fputs(PROG ": ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry '" PROG " --help'.\n", stderr);
	return EXIT_INPUT;
}

/* One option at argv[*i]; -1 for --help. */
static int parse_option(int argc, char **argv, int *i, options *o)
{
	const char *arg = argv[*i];
	int m;
	if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
		return -1;
	if ((m = option_value("--config", argc, argv, i, &o->config_path)) == 0)
		m = option_value("--seed", argc, argv, i, &o->seed);
	if (m < 0)
		return usage_error("option %s needs a value", arg);
	return m ? 0 : usage_error("unknown option '%s'", arg);
}

static int parse_options(int argc, char **argv, options *o)
{
	bool only_files = false;
	o->files = calloc((size_t)argc, sizeof *o->files);
	if (!o->files)
		return fail(EXIT_LIBRARY, "out of memory");
	for (int i = 1; i < argc; i++) {
		int rc;
		if (only_files || argv[i][0] != '-' || argv[i][1] == '\0')
			o->files[o->n_files++] = argv[i];
		else if (strcmp(argv[i], "--") == 0)
			only_files = true;
		else if ((rc = parse_option(argc, argv, &i, o)) != 0)
			return rc;
	}
	if (o->n_files == 0)
		return usage_error("%s", "no bars file given");
	return 0;
}

static void release(replay *r, options *o, paper_config *cfg)
{
	paper_broker_free(r->broker);
	for (size_t i = 0; r->all && i < r->n; i++)
		free(r->all[i].bars);
	free(r->all);
	free(o->files);
	paper_config_free(cfg);
}

int main(int argc, char **argv)
{
	options o = { 0 };
	replay r = { 0 };
	paper_config *cfg = NULL;
	int rc = parse_options(argc, argv, &o);
	if (rc < 0) {
		usage(stdout);
		rc = 0;
	} else if (rc == 0 && (rc = make_config(&o, &cfg)) == 0 && (rc = load_all(&r, &o)) == 0) {
		int lrc = paper_broker_new(&r.broker, cfg);
		rc = lrc != PAPER_OK ? library_error("paper_broker_new", NULL, lrc) : run_bars(&r);
		if (rc == 0 && (rc = close_out(&r)) == 0)
			rc = print_summary(&r);
	}
	release(&r, &o, cfg);
	return rc;
}
