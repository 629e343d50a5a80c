/* Command-line parsing for the paper sub-commands: a table of options, strict values. */
#include "cli/cli.h"

#include <errno.h>
#include <glib.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * Messages quote what they are about (a file's line, a ledger's data, a path): a control
 * character in it could rewrite the terminal or forge a line of output, so each is shown as
 * \xNN. Other bytes pass: a message stays readable in any language.
 */
static void put_printable(FILE *out, const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
	}
}

int cli_fail(const char *cmd, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	fprintf(stderr, "paper %s: ", cmd);
	put_printable(stderr, msg);
	fputc('\n', stderr);
	g_free(msg);
	return code;
}

int cli_exit_code(int rc)
{
	switch (rc) {
	case PAPER_OK:
		return EXIT_OK;
	case PAPER_EFORMAT:
	case PAPER_ECONFIG:
	case PAPER_ESAFETY:
	case PAPER_EIO:
		return EXIT_INPUT;
	case PAPER_ECORRUPT:
		return EXIT_LEDGER;
	case PAPER_EBUSY:
		return EXIT_BUSY;
	default:
		return EXIT_LIBRARY;
	}
}

int cli_lib_fail(const char *cmd, int rc, const char *what)
{
	return cli_fail(cmd, cli_exit_code(rc), "%s: %s (%s)", what, paper_last_error(),
			paper_strerror(rc));
}

static const cli_opt *find_opt(const cli_opt *opts, const char *name, size_t len)
{
	for (; opts->name; opts++)
		if (strlen(opts->name) == len && strncmp(opts->name, name, len) == 0)
			return opts;
	return NULL;
}

static int call_multi(const char *cmd, int argc, char **argv, int *i, const cli_opt *o,
		      cli_opt_fn fn, void *ctx)
{
	int n = 0, rc = EXIT_OK;
	while (*i + 1 < argc && strncmp(argv[*i + 1], "--", 2) != 0 && rc == EXIT_OK) {
		rc = fn(ctx, o->id, argv[++*i]);
		n++;
	}
	if (n == 0)
		return cli_fail(cmd, EXIT_INPUT, "%s needs at least one %s", o->name, o->arg);
	return rc;
}

static const cli_opt *find_in(const cli_opt *const *tables, const char *name, size_t len)
{
	const cli_opt *o = NULL;
	for (; *tables && o == NULL; tables++)
		o = find_opt(*tables, name, len);
	return o;
}

int cli_parse(const char *cmd, int argc, char **argv, const cli_opt *const *tables,
	      cli_opt_fn fn, void *ctx, bool *help)
{
	*help = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			*help = true;
			return EXIT_OK;
		}
		if (strncmp(a, "--", 2) != 0)
			return cli_fail(cmd, EXIT_INPUT, "unexpected argument '%s' (see paper %s --help)",
					a, cmd);
		const char *eq = strchr(a, '=');
		size_t len = eq ? (size_t)(eq - a) : strlen(a);
		const cli_opt *o = find_in(tables, a, len);
		if (o == NULL)
			return cli_fail(cmd, EXIT_INPUT, "unknown option '%.*s' (see paper %s --help)",
					eq ? (int)(eq - a) : (int)strlen(a), a, cmd);
		int rc;
		if (o->arg == NULL) {
			if (eq)
				return cli_fail(cmd, EXIT_INPUT, "%s takes no value", o->name);
			rc = fn(ctx, o->id, NULL);
		} else if (eq) {
			rc = fn(ctx, o->id, eq + 1);
		} else if (o->multi) {
			rc = call_multi(cmd, argc, argv, &i, o, fn, ctx);
		} else {
			if (i + 1 >= argc)
				return cli_fail(cmd, EXIT_INPUT, "%s needs a value (%s)", o->name, o->arg);
			rc = fn(ctx, o->id, argv[++i]);
		}
		if (rc != EXIT_OK)
			return rc;
	}
	return EXIT_OK;
}

static void print_opts(FILE *out, const cli_opt *opts)
{
	for (; opts && opts->name; opts++) {
		char left[64];
		snprintf(left, sizeof left, "%s%s%s%s", opts->name, opts->arg ? " " : "",
			 opts->arg ? opts->arg : "", opts->multi ? "..." : "");
		fprintf(out, "  %-26s %s\n", left, opts->help);
	}
}

void cli_usage(FILE *out, const char *cmd, const char *synopsis, const char *description,
	       const cli_opt *const *tables, const char *epilog)
{
	fprintf(out, "usage: paper %s %s\n\n%s\n\noptions:\n", cmd, synopsis, description);
	for (; *tables; tables++)
		print_opts(out, *tables);
	fprintf(out, "  %-26s %s\n", "--help", "show this help and exit");
	if (epilog)
		fprintf(out, "\n%s", epilog);
	fputs("\n" CLI_EXIT_HELP, out);
}

/* A decimal number as settings and CSV write them: never hex, inf, nan or white space. */
bool cli_is_number(const char *s)
{
	size_t i = 0, digits = 0;
	if (s[i] == '+' || s[i] == '-')
		i++;
	for (; s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (s[i] == '.')
		for (i++; s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	if (digits == 0)
		return false;
	if (s[i] == 'e' || s[i] == 'E') {
		i++;
		if (s[i] == '+' || s[i] == '-')
			i++;
		if (!(s[i] >= '0' && s[i] <= '9'))
			return false;
		while (s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return s[i] == '\0';
}

bool cli_number(const char *cmd, const char *opt, const char *text, double *out)
{
	char *end = NULL;
	errno = 0;
	double v = cli_is_number(text) ? strtod(text, &end) : NAN;
	if (errno || end == text || (end && *end != '\0') || !isfinite(v)) {
		cli_fail(cmd, EXIT_INPUT, "%s: '%s' is not a number", opt, text);
		return false;
	}
	*out = v;
	return true;
}

/* Days since 1970-01-01 (Howard Hinnant's days_from_civil). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

bool cli_date_valid(unsigned year, unsigned month, unsigned day)
{
	static const unsigned days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if (year < 1 || month < 1 || month > 12 || day < 1)
		return false;
	return day <= (month == 2 && leap ? 29u : days[month - 1]);
}

/* YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ, or epoch seconds. */
bool cli_time(const char *cmd, const char *opt, const char *text, paper_ts *out)
{
	unsigned y, mo, d, h = 0, mi = 0, s = 0;
	char z = 0, tail = 0;
	int n = 0;
	if (sscanf(text, "%4u-%2u-%2u%n", &y, &mo, &d, &n) == 3 &&
	    (text[n] == '\0' ||
	     sscanf(text + n, "T%2u:%2u:%2u%c%c", &h, &mi, &s, &z, &tail) == 4) &&
	    (text[n] == '\0' || z == 'Z') && text[0] >= '0' && text[0] <= '9' && cli_date_valid(y, mo, d) &&
	    h < 24 && mi < 60 && s < 60) {
		*out = ((paper_ts)days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) *
		       PAPER_TS_PER_SECOND;
		return true;
	}
	char *end = NULL;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (!errno && end != text && *end == '\0' && v >= 0 && v < 253402300800LL) {
		*out = (paper_ts)v * PAPER_TS_PER_SECOND;
		return true;
	}
	cli_fail(cmd, EXIT_INPUT, "%s: '%s' is not a time (2024-03-01, 2024-03-01T14:30:00Z or "
		 "epoch seconds)", opt, text);
	return false;
}

double cli_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
