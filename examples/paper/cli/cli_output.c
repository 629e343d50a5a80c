/* What the paper sub-commands print and write: files, the progress bar, the run summary. */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/*
 * The same rules as the library's own output files (libpaper/base/atomicfile.h), which the
 * command cannot call: the text goes to a fresh file of a random name beside path (O_EXCL,
 * O_NOFOLLOW), with the mode of the file it replaces, is synced and renamed over path, and the
 * folder synced; a failure removes only that file. A symbolic link to a regular file is
 * refused; something that is not a regular file (/dev/null, /dev/stdout, a pipe) is written
 * directly.
 */
static int write_all(int fd, const char *text, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, text, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? errno : EIO;
		text += w;
		n -= (size_t)w;
	}
	return 0;
}

static int write_direct(const char *cmd, const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	int err = fd < 0 ? errno : write_all(fd, text, strlen(text));
	if (fd >= 0 && close(fd) != 0 && !err)
		err = errno;
	return err ? cli_fail(cmd, EXIT_INPUT, "%s: %s", path, strerror(err)) : EXIT_OK;
}

static void sync_folder(const char *path)
{
	char *dir = g_path_get_dirname(path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	g_free(dir);
}

static int replace(const char *cmd, const char *path, const char *text, int mode)
{
	char *dir = g_path_get_dirname(path), *base = g_path_get_basename(path);
	char *tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
	g_free(dir);
	g_free(base);
	int fd = g_mkstemp_full(tmp, O_RDWR | O_NOFOLLOW | O_CLOEXEC, 0666);
	int err = fd < 0 ? errno : 0;
	if (!err && mode >= 0 && fchmod(fd, (mode_t)mode) != 0)
		err = errno;
	if (!err)
		err = write_all(fd, text, strlen(text));
	if (!err && fsync(fd) != 0)
		err = errno;
	if (fd >= 0 && close(fd) != 0 && !err)
		err = errno;
	if (!err && rename(tmp, path) != 0)
		err = errno;
	if (err && fd >= 0)
		unlink(tmp);
	g_free(tmp);
	if (err)
		return cli_fail(cmd, EXIT_INPUT, "%s: cannot write it: %s", path, strerror(err));
	sync_folder(path);
	return EXIT_OK;
}

int cli_write_file(const char *cmd, const char *path, const char *text)
{
	struct stat st, target;
	if (strcmp(path, "-") == 0) {
		fputs(text, stdout);
		return EXIT_OK;
	}
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? replace(cmd, path, text, -1)
				       : cli_fail(cmd, EXIT_INPUT, "%s: %s", path, strerror(errno));
	if (S_ISLNK(st.st_mode)) {
		if (stat(path, &target) == 0 && !S_ISREG(target.st_mode) && !S_ISDIR(target.st_mode))
			return write_direct(cmd, path, text);
		return cli_fail(cmd, EXIT_INPUT, "%s is a symbolic link: refusing to replace it or to "
				"write through it (give the path of the file itself)", path);
	}
	if (S_ISDIR(st.st_mode))
		return cli_fail(cmd, EXIT_INPUT, "%s is a directory", path);
	if (!S_ISREG(st.st_mode))
		return write_direct(cmd, path, text);
	return replace(cmd, path, text, (int)(st.st_mode & 0777));
}

void cli_csv_text(FILE *f, const char *text)
{
	bool quote = strpbrk(text, ",\"\r\n") != NULL;
	if (quote)
		fputc('"', f);
	if (text[0] && strchr("=+-@\t\r", text[0]) && !cli_is_number(text))
		fputc('\'', f);
	for (const char *p = text; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	if (quote)
		fputc('"', f);
}

/* ---- progress ---- */

#define BAR_WIDTH 30

void cli_progress_init(cli_progress *p, bool enabled, const char *what)
{
	p->enabled = enabled && isatty(STDERR_FILENO);
	p->shown = false;
	p->start = p->last = cli_now();
	p->what = what;
}

void cli_progress_cb(const paper_replay_progress *pr, void *payload)
{
	cli_progress *p = payload;
	double t = cli_now();
	/* Only runs longer than a second get a bar; redraw at most ten times a second. */
	if (!p->enabled || t - p->start < 1.0 || t - p->last < 0.1)
		return;
	p->last = t;
	p->shown = true;
	double done = pr->bytes_total ? (double)pr->bytes / (double)pr->bytes_total
		      : pr->rows_total ? (double)pr->rows / (double)pr->rows_total : 0.0;
	if (done > 1.0)
		done = 1.0;
	int fill = (int)(done * BAR_WIDTH);
	char bar[BAR_WIDTH + 1];
	memset(bar, '#', (size_t)fill);
	memset(bar + fill, '.', (size_t)(BAR_WIDTH - fill));
	bar[BAR_WIDTH] = '\0';
	fprintf(stderr, "\r%s [%s] %3.0f%%  %.1fM rows  %.0fs ", p->what, bar, done * 100.0,
		(double)pr->rows / 1e6, t - p->start);
	fflush(stderr);
}

void cli_progress_done(cli_progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = false;
}

/* ---- summary ---- */

static double metric(const paper_metrics *m, const char *key)
{
	double v = NAN;
	if (m)
		paper_metrics_get(m, key, &v);
	return v;
}

/* Trades closed by expiry: the stats' array ends at force_exit (it is ABI), the summary JSON
 * counts them under trades.by_exit_reason.expiry. 0 when it cannot be read. */
static unsigned long long expiry_exits(const paper_session *s)
{
	char *json = NULL;
	if (paper_session_summary_json(s, 0, &json) != PAPER_OK)
		return 0;
	unsigned long long n = 0;
	const char *by = strstr(json, "\"by_exit_reason\":{");
	const char *end = by ? strchr(by, '}') : NULL;
	const char *at = by ? strstr(by, "\"expiry\":") : NULL;
	if (at && at < end)
		n = g_ascii_strtoull(at + strlen("\"expiry\":"), NULL, 10);
	paper_string_free(json);
	return n;
}

static void print_exits(FILE *out, const paper_session *s, const paper_session_stats *st)
{
	fputs("  exits:   ", out);
	bool any = false;
	for (int r = PAPER_EXIT_TAKE_PROFIT; r <= PAPER_EXIT_FORCE; r++) {
		if (st->exits[r] == 0)
			continue;
		fprintf(out, "%s%s %llu", any ? ", " : "", paper_exit_reason_str((paper_exit_reason)r),
			(unsigned long long)st->exits[r]);
		any = true;
	}
	unsigned long long expired = st->trades ? expiry_exits(s) : 0;
	if (expired) {
		fprintf(out, "%s%s %llu", any ? ", " : "", paper_exit_reason_str(PAPER_EXIT_EXPIRY),
			expired);
		any = true;
	}
	fputs(any ? "\n" : "none\n", out);
}

static void print_signals(FILE *out, const paper_session_stats *st)
{
	fprintf(out, "  signals: %llu acted on: %llu entered", (unsigned long long)st->signals,
		(unsigned long long)st->verdicts[PAPER_VERDICT_TRADE]);
	for (int v = 1; v < PAPER_VERDICT_COUNT; v++)
		if (st->verdicts[v])
			fprintf(out, ", %llu %s", (unsigned long long)st->verdicts[v],
				paper_verdict_str((paper_verdict)v));
	fputc('\n', out);
}

static void print_input(FILE *out, const paper_replay_stats *rs)
{
	char a[32] = "-", b[32] = "-";
	time_t t0 = (time_t)(rs->first_ts / PAPER_TS_PER_SECOND), t1 = (time_t)(rs->last_ts / PAPER_TS_PER_SECOND);
	struct tm tm;
	if (rs->bars && gmtime_r(&t0, &tm))
		strftime(a, sizeof a, "%Y-%m-%d %H:%M", &tm);
	if (rs->bars && gmtime_r(&t1, &tm))
		strftime(b, sizeof b, "%Y-%m-%d %H:%M", &tm);
	fprintf(out, "  input:   %llu symbols, %llu bars from %s to %s UTC", (unsigned long long)rs->symbols,
		(unsigned long long)rs->bars, a, b);
	if (rs->rows_skipped || rs->signals_skipped)
		fprintf(out, "; skipped %llu bad bar rows, %llu bad signal rows",
			(unsigned long long)rs->rows_skipped, (unsigned long long)rs->signals_skipped);
	fputc('\n', out);
	if (rs->signals_out_of_range || rs->signals_after_data)
		fprintf(out, "           %llu signals outside the range, %llu after the last bar\n",
			(unsigned long long)rs->signals_out_of_range,
			(unsigned long long)rs->signals_after_data);
}

/* How each bars input was read, inputs read alike on one line ("3 files as ..."). */
static void print_read(FILE *out, const paper_replay *r)
{
	size_t n = paper_replay_source_count(r);
	for (size_t i = 0; i < n;) {
		paper_replay_source_info a = PAPER_REPLAY_SOURCE_INFO_INIT;
		paper_replay_source_get(r, i, &a);
		char *report = strdup(a.report), *first = strdup(a.name);
		size_t k = i + 1;
		for (; k < n; k++) {
			paper_replay_source_info b = PAPER_REPLAY_SOURCE_INFO_INIT;
			paper_replay_source_get(r, k, &b);
			if (strcmp(b.report, report) != 0)
				break;
		}
		if (k - i == 1)
			fprintf(out, "  read:    %s as %s\n", first, report);
		else
			fprintf(out, "  read:    %zu inputs (%s, ...) as %s\n", k - i, first, report);
		free(report);
		free(first);
		i = k;
	}
}

static void print_ambiguity(FILE *out, const paper_session_stats *st)
{
	if (st->ambiguous_trades == 0) {
		fputs("  both TP and SL inside one bar: never (no result depends on the intrabar rule)\n",
		      out);
		return;
	}
	fprintf(out, "  both TP and SL inside one bar: %llu trades; net P&L %.2f, %.2f under the "
		"opposite rule (%+.2f)\n", (unsigned long long)st->ambiguous_trades, st->pnl_net,
		st->pnl_net_opposite_rule, st->pnl_net_opposite_rule - st->pnl_net);
}

void cli_print_summary(FILE *out, const char *title, const paper_replay *r, double seconds)
{
	paper_session *s = paper_replay_session(r);
	paper_broker *b = paper_session_broker(s);
	paper_replay_stats rs = PAPER_REPLAY_STATS_INIT;
	paper_session_stats st = PAPER_SESSION_STATS_INIT;
	paper_account_info a = PAPER_ACCOUNT_INFO_INIT;
	paper_metrics *m = NULL;
	paper_replay_stats_get(r, &rs);
	paper_session_stats_get(s, &st);
	paper_broker_account(b, &a);
	paper_metrics_from_broker(&m, b, NULL);

	fprintf(out, "%s: %.2f s, %.1f million bars/s\n", title, seconds,
		seconds > 0 ? (double)rs.bars / seconds / 1e6 : 0.0);
	print_input(out, &rs);
	print_read(out, r);
	print_signals(out, &st);
	fprintf(out, "  trades:  %llu closed, %llu won, %llu lost", (unsigned long long)st.trades,
		(unsigned long long)st.wins, (unsigned long long)st.losses);
	if (st.trades)
		fprintf(out, ", win rate %.1f%%, profit factor %.2f", metric(m, "win_rate") * 100.0,
			metric(m, "profit_factor"));
	fputc('\n', out);
	print_exits(out, s, &st);
	print_ambiguity(out, &st);
	fprintf(out, "  account: start %.2f, equity %.2f (%+.2f%%), net P&L %.2f, fees %.2f\n",
		a.starting_cash, a.equity, (a.equity / a.starting_cash - 1.0) * 100.0, st.pnl_net, a.fees);
	double mdd = metric(m, "max_drawdown"), sharpe = metric(m, "sharpe_ratio");
	fprintf(out, "           max drawdown %.2f%%", isfinite(mdd) && mdd < 0 ? -mdd * 100.0 : 0.0);
	if (isfinite(sharpe))
		fprintf(out, ", Sharpe %.2f (daily)", sharpe);
	fprintf(out, ", %llu open positions, %llu open orders\n", (unsigned long long)a.open_positions,
		(unsigned long long)a.open_orders);
	paper_metrics_free(m);
}
