/* Numbers and times as the operating sub-commands print them, and times read from data files. */
#include "cli/cli_ops.h"

#include <math.h>
#include <string.h>
#include <time.h>

const char *cli_money(char buf[CLI_TEXT_MAX], double v)
{
	if (!isfinite(v))
		return strcpy(buf, "n/a");
	char digits[CLI_TEXT_MAX];
	snprintf(digits, sizeof digits, "%.2f", fabs(v));
	const char *dot = strchr(digits, '.');
	size_t int_len = (size_t)(dot - digits), o = 0;
	/* "-0.00" would read as a loss. */
	if (v < 0 && strcmp(digits, "0.00") != 0)
		buf[o++] = '-';
	for (size_t i = 0; i < int_len && o < CLI_TEXT_MAX - 8; i++) {
		if (i && (int_len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	snprintf(buf + o, CLI_TEXT_MAX - o, "%s", dot);
	return buf;
}

const char *cli_signed(char buf[CLI_TEXT_MAX], double v)
{
	char m[CLI_TEXT_MAX];
	cli_money(m, v);
	size_t o = isfinite(v) && m[0] != '-' && strcmp(m, "0.00") != 0;
	buf[0] = '+';
	g_strlcpy(buf + o, m, CLI_TEXT_MAX - o);
	return buf;
}

/* Fixed 8 decimals, then trailing zeros dropped down to keep decimals. */
static const char *trimmed(char buf[CLI_TEXT_MAX], double v, size_t keep)
{
	if (!isfinite(v))
		return strcpy(buf, "n/a");
	snprintf(buf, CLI_TEXT_MAX, "%.8f", v);
	char *dot = strchr(buf, '.');
	size_t n = strlen(buf);
	while (dot && n > (size_t)(dot - buf) + 1 + keep && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (dot && buf[n - 1] == '.')
		buf[n - 1] = '\0';
	if (strcmp(buf, "-0") == 0)
		strcpy(buf, "0");
	return buf;
}

const char *cli_price(char buf[CLI_TEXT_MAX], double v)
{
	return trimmed(buf, v, 2);
}

const char *cli_qty(char buf[CLI_TEXT_MAX], double v)
{
	return trimmed(buf, v, 0);
}

const char *cli_pct(char buf[CLI_TEXT_MAX], double v)
{
	if (!isfinite(v))
		return strcpy(buf, "n/a");
	snprintf(buf, CLI_TEXT_MAX, "%.2f%%", v * 100.0);
	return buf;
}

static bool utc(paper_ts ts, struct tm *tm)
{
	time_t t = (time_t)(ts / PAPER_TS_PER_SECOND - (ts % PAPER_TS_PER_SECOND < 0));
	return gmtime_r(&t, tm) != NULL;
}

const char *cli_when(char buf[CLI_TEXT_MAX], paper_ts ts)
{
	struct tm tm;
	if (ts == 0 || !utc(ts, &tm))
		return strcpy(buf, "-");
	strftime(buf, CLI_TEXT_MAX, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

const char *cli_iso(char buf[CLI_TEXT_MAX], paper_ts ts)
{
	struct tm tm;
	if (!utc(ts, &tm))
		return strcpy(buf, "-");
	size_t n = strftime(buf, CLI_TEXT_MAX, "%Y-%m-%dT%H:%M:%S", &tm);
	int64_t us = ts % PAPER_TS_PER_SECOND;
	if (us < 0)
		us += PAPER_TS_PER_SECOND;
	if (us)
		snprintf(buf + n, CLI_TEXT_MAX - n, ".%06lldZ", (long long)us);
	else
		snprintf(buf + n, CLI_TEXT_MAX - n, "Z");
	return buf;
}

paper_ts cli_wall_clock(void)
{
	return (paper_ts)g_get_real_time();
}

/* "digits[.digits]" with at most max_dec decimals (zeros past them allowed when zeros_ok). */
static bool decimal_form(const char *t, size_t max_dec, bool zeros_ok)
{
	size_t n = strspn(t, "0123456789");
	if (n == 0)
		return false;
	if (t[n] == '\0')
		return true;
	if (t[n] != '.')
		return false;
	const char *f = t + n + 1;
	size_t d = strspn(f, "0123456789");
	if (d == 0 || f[d] != '\0')
		return false;
	return d <= max_dec || (zeros_ok && strspn(f + max_dec, "0") == d - max_dec);
}

bool cli_decimal(const char *text, double *out)
{
	const char *t = text[0] == '-' ? text + 1 : text;
	char *end = NULL;
	if (!decimal_form(t, 8, true))
		return false;
	*out = g_ascii_strtod(text, &end);
	return *end == '\0' && isfinite(*out) && fabs(*out) <= 90000000000.0;
}

/* "2024-03-01T14:30:00Z", with 1 to 6 decimals of a second allowed. */
static bool iso_form(const char *t)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	size_t i = 0;
	for (; shape[i]; i++)
		if (shape[i] == 'd' ? !g_ascii_isdigit(t[i]) : t[i] != shape[i])
			return false;
	if (t[i] == '.') {
		size_t d = strspn(t + i + 1, "0123456789");
		if (d < 1 || d > 6)
			return false;
		i += 1 + d;
	}
	return t[i] == 'Z' && t[i + 1] == '\0';
}

bool cli_parse_ts(const char *text, paper_ts *out)
{
	if (decimal_form(text, 6, false)) {
		double v = g_ascii_strtod(text, NULL);
		if (v >= 253402300800.0)
			return false;
		*out = (paper_ts)llround(v * 1e6);
		return true;
	}
	if (!iso_form(text))
		return false;
	GTimeZone *tz = g_time_zone_new_utc();
	GDateTime *dt = g_date_time_new_from_iso8601(text, tz);
	g_time_zone_unref(tz);
	if (dt == NULL)
		return false; /* an impossible date: 2024-02-30, 24:00:00 */
	*out = (paper_ts)g_date_time_to_unix(dt) * PAPER_TS_PER_SECOND + g_date_time_get_microsecond(dt);
	g_date_time_unref(dt);
	return *out >= 0;
}
