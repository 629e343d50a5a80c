/*
 * Price feeds: a CSV of quotes (timestamp,symbol,price) or of bars (timestamp,symbol,open,
 * high,low,close[,volume]), columns in any order, named by the header. A file another program
 * appends to is read incrementally: only complete lines are consumed, and the offset after the
 * last one is kept so a later run can continue there. Standard input is polled, never blocked on.
 */
#include "cli/cli_ops.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK 65536
/* A backlog is read in slices so a large file never sits in memory whole. */
#define MAX_BUFFERED (4 * 1024 * 1024)
#define MAX_COLS 16

static void columns_reset(cli_feed *f)
{
	f->c_ts = f->c_sym = f->c_price = f->c_open = f->c_high = f->c_low = f->c_close =
		f->c_volume = -1;
	f->cols = 0;
}

/* Split a line at commas in place; fields are trimmed. Returns the count (MAX_COLS + 1: too many). */
static int split(char *line, char **fields)
{
	int n = 0;
	for (char *p = line;; p++) {
		char *end = strchr(p, ',');
		if (n == MAX_COLS)
			return MAX_COLS + 1;
		if (end)
			*end = '\0';
		fields[n++] = g_strstrip(p);
		if (end == NULL)
			return n;
		p = end;
	}
}

static int *column_slot(cli_feed *f, const char *name)
{
	static const char *const names[] = { "timestamp", "symbol", "price", "open", "high", "low",
					     "close", "volume" };
	int *slots[] = { &f->c_ts, &f->c_sym, &f->c_price, &f->c_open, &f->c_high, &f->c_low,
			 &f->c_close, &f->c_volume };
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		if (g_ascii_strcasecmp(name, names[i]) == 0)
			return slots[i];
	return NULL;
}

static bool header(cli_feed *f, char *line, char *err, size_t cap)
{
	char *fields[MAX_COLS + 1];
	int n = split(line, fields);
	columns_reset(f);
	for (int i = 0; i < n && i < MAX_COLS; i++) {
		int *slot = column_slot(f, fields[i]);
		if (slot == NULL || *slot >= 0) {
			snprintf(err, cap, "header: %s column '%s' (columns: timestamp, symbol, and price "
				 "or open, high, low, close[, volume])", slot ? "repeated" : "unknown",
				 fields[i]);
			return false;
		}
		*slot = i;
	}
	bool bars = f->c_open >= 0 && f->c_high >= 0 && f->c_low >= 0 && f->c_close >= 0;
	bool any_bar = f->c_open >= 0 || f->c_high >= 0 || f->c_low >= 0 || f->c_close >= 0 ||
		       f->c_volume >= 0;
	if (n > MAX_COLS || f->c_ts < 0 || f->c_sym < 0 || (f->c_price >= 0) == bars ||
	    (f->c_price >= 0 && any_bar)) {
		snprintf(err, cap, "header: want timestamp,symbol,price (quotes) or timestamp,symbol,"
			 "open,high,low,close[,volume] (bars)");
		return false;
	}
	f->cols = n;
	f->have_header = true;
	return true;
}

static bool field_num(char **fields, int col, const char *name, double *out, char *err, size_t cap)
{
	if (col < 0) {
		*out = 0;
		return true;
	}
	if (cli_decimal(fields[col], out))
		return true;
	snprintf(err, cap, "field '%s': '%s' is not a number ([-]digits[.digits], at most 8 "
		 "decimals)", name, fields[col]);
	return false;
}

/*
 * A line SYMBOL PRICE [TIME] (feeds that allow it, words_ok): what any price script prints.
 * Without a time the tick's ts is 0, "now", for the caller to fill in.
 */
static bool record_words(const cli_feed *f, char *line, cli_tick *out, char *err, size_t cap)
{
	char *w[4], *save = NULL;
	int n = 0;
	for (char *tok = strtok_r(line, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save))
		if (n < 4)
			w[n++] = tok;
		else
			n++;
	memset(out, 0, sizeof *out);
	out->line = f->line;
	if (n < 2 || n > 3) {
		snprintf(err, cap, "%d words: want SYMBOL PRICE [TIME]", n);
		return false;
	}
	if (strlen(w[0]) > PAPER_SYMBOL_MAX) {
		snprintf(err, cap, "'%s' is not a symbol (1-%d characters)", w[0], PAPER_SYMBOL_MAX);
		return false;
	}
	snprintf(out->symbol, sizeof out->symbol, "%s", w[0]);
	if (!cli_decimal(w[1], &out->price)) {
		snprintf(err, cap, "price '%s' is not a number ([-]digits[.digits], at most 8 "
			 "decimals)", w[1]);
		return false;
	}
	if (n == 3 && !cli_parse_ts(w[2], &out->ts)) {
		snprintf(err, cap, "time '%s' is not a time (2024-03-01T14:30:00Z or epoch seconds)",
			 w[2]);
		return false;
	}
	return true;
}

static bool record(const cli_feed *f, char *line, cli_tick *out, char *err, size_t cap)
{
	if (f->words)
		return record_words(f, line, out, err, cap);
	char *fields[MAX_COLS + 1];
	int n = split(line, fields);
	if (n != f->cols) {
		snprintf(err, cap, "%d fields, the header has %d", n > MAX_COLS ? MAX_COLS + 1 : n, f->cols);
		return false;
	}
	memset(out, 0, sizeof *out);
	if (!cli_parse_ts(fields[f->c_ts], &out->ts)) {
		snprintf(err, cap, "field 'timestamp': '%s' is not a time (2024-03-01T14:30:00Z or "
			 "epoch seconds)",
			 fields[f->c_ts]);
		return false;
	}
	const char *sym = fields[f->c_sym];
	if (*sym == '\0' || strlen(sym) > PAPER_SYMBOL_MAX) {
		snprintf(err, cap, "field 'symbol': '%s' is not a symbol (1-%d characters)", sym,
			 PAPER_SYMBOL_MAX);
		return false;
	}
	snprintf(out->symbol, sizeof out->symbol, "%s", sym);
	out->bar = f->c_price < 0;
	out->line = f->line;
	if (!out->bar)
		return field_num(fields, f->c_price, "price", &out->price, err, cap);
	return field_num(fields, f->c_open, "open", &out->open, err, cap) &&
	       field_num(fields, f->c_high, "high", &out->high, err, cap) &&
	       field_num(fields, f->c_low, "low", &out->low, err, cap) &&
	       field_num(fields, f->c_close, "close", &out->close, err, cap) &&
	       field_num(fields, f->c_volume, "volume", &out->volume, err, cap);
}

/* The header of a file being resumed at an offset: its first line. */
static int read_header(cli_feed *f, const char *cmd)
{
	char buf[1024];
	ssize_t n = pread(f->fd, buf, sizeof buf - 1, 0);
	char *nl = n > 0 ? memchr(buf, '\n', (size_t)n) : NULL;
	if (nl == NULL)
		return cli_fail(cmd, EXIT_INPUT, "--prices %s: no header line", f->name);
	*nl = '\0';
	if (nl > buf && nl[-1] == '\r')
		nl[-1] = '\0';
	char err[256];
	size_t bom = strncmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	if (!header(f, buf + bom, err, sizeof err))
		return cli_fail(cmd, EXIT_INPUT, "--prices %s: %s", f->name, err);
	return EXIT_OK;
}

int cli_feed_open(cli_feed *f, const char *cmd, const char *path, uint64_t offset, uint64_t line)
{
	memset(f, 0, sizeof *f);
	columns_reset(f);
	f->buf = g_string_sized_new(CHUNK);
	if (strcmp(path, "-") == 0) {
		f->name = g_strdup("standard input");
		f->is_stdin = true;
		f->fd = STDIN_FILENO;
		return EXIT_OK;
	}
	f->name = g_strdup(path);
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (f->fd < 0 || fstat(f->fd, &st) != 0 || !S_ISREG(st.st_mode))
		return cli_fail(cmd, EXIT_INPUT, "--prices %s: %s", path,
				f->fd < 0 ? g_strerror(errno) : "not a regular file");
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->offset = offset;
	f->line = line;
	if (offset > 0 && read_header(f, cmd) != EXIT_OK)
		return EXIT_INPUT;
	if (lseek(f->fd, (off_t)offset, SEEK_SET) < 0)
		return cli_fail(cmd, EXIT_INPUT, "--prices %s: %s", path, g_strerror(errno));
	return EXIT_OK;
}

/* Append what can be read now: > 0 bytes read, 0 nothing new, -1 error. */
static ssize_t fill(cli_feed *f)
{
	if (f->is_stdin) {
		struct pollfd p = { .fd = f->fd, .events = POLLIN };
		/* Read to the end when the whole input is wanted (paper mark); else never wait. */
		if (f->closed || poll(&p, 1, f->whole ? -1 : 0) <= 0 ||
		    !(p.revents & (POLLIN | POLLHUP)))
			return 0;
	}
	if (f->pos > 0 && f->pos >= f->buf->len / 2) {
		g_string_erase(f->buf, 0, (gssize)f->pos);
		f->pos = 0;
	}
	if (f->buf->len - f->pos >= MAX_BUFFERED)
		return 0;
	char chunk[CHUNK];
	ssize_t n;
	do
		n = read(f->fd, chunk, sizeof chunk);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		g_string_append_len(f->buf, chunk, n);
	else if (n == 0 && f->is_stdin)
		f->closed = true;
	return n;
}

/*
 * The next line, NUL-terminated in place without its newline, or NULL. A last line without a
 * newline counts only at the end of a finished file or of standard input; in a file being
 * appended to, it is still being written.
 */
static char *take_line(cli_feed *f, bool at_end)
{
	char *start = f->buf->str + f->pos;
	size_t avail = f->buf->len - f->pos;
	char *nl = memchr(start, '\n', avail);
	size_t len;
	if (nl) {
		len = (size_t)(nl - start) + 1;
		*nl = '\0';
	} else if (avail > 0 && at_end && (f->whole || f->is_stdin)) {
		len = avail; /* GString keeps a NUL after its last byte */
	} else {
		return NULL;
	}
	f->pos += len;
	f->offset += len;
	f->line++;
	size_t n = strlen(start);
	if (n && start[n - 1] == '\r')
		start[n - 1] = '\0';
	return start;
}

int cli_feed_next(cli_feed *f, cli_tick *out, char *err, size_t errcap)
{
	bool at_end = f->closed;
	for (;;) {
		char *line = take_line(f, at_end);
		if (line == NULL) {
			if (at_end)
				return 0;
			ssize_t n = fill(f);
			if (n < 0) {
				snprintf(err, errcap, "cannot read: %s", g_strerror(errno));
				return -2;
			}
			/* Nothing new: only a finished file's or stdin's last line may remain. */
			at_end = n == 0 && (f->whole || f->closed);
			if (n == 0 && !at_end)
				return 0;
			continue;
		}
		/* A byte order mark before the header is no part of it (docs/formats.md). */
		if (!f->have_header && strncmp(line, "\xEF\xBB\xBF", 3) == 0)
			line += 3;
		if (*g_strstrip(line) == '\0')
			continue; /* blank lines separate nothing; skip them */
		if (f->words_ok && *line == '#' && (f->words || !f->have_header))
			continue; /* comments, in a feed that may be words */
		if (!f->have_header && f->words_ok && strchr(line, ',') == NULL)
			f->words = f->have_header = true; /* no header: SYMBOL PRICE [TIME] lines */
		if (!f->have_header)
			return header(f, line, err, errcap) ? cli_feed_next(f, out, err, errcap) : -2;
		return record(f, line, out, err, errcap) ? 1 : -1;
	}
}

void cli_feed_close(cli_feed *f)
{
	if (f->fd > STDIN_FILENO)
		close(f->fd);
	f->fd = -1;
	g_free(f->name);
	f->name = NULL;
	if (f->buf)
		g_string_free(f->buf, TRUE);
	f->buf = NULL;
}
