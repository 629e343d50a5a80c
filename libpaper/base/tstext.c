/*
 * Timestamps as text (tstext.h). The civil-date conversions are Howard Hinnant's
 * days_from_civil / civil_from_days: exact integer arithmetic, any year.
 */
#include "base/tstext.h"

#include <stdio.h>
#include <string.h>

#include "base/error.h"

int ts_range_error(const char *what, paper_ts ts)
{
	return paper__error(PAPER_ETIME, "%s: time %lld is outside the range libpaper takes, "
			    "1970-01-01T00:00:00Z (0) .. 9999-12-31T23:59:59.999999Z (%lld)", what,
			    (long long)ts, (long long)PAPER_TS_MAX);
}

int64_t ts_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3u : 9u)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void ts_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static bool digits(const char *s, int n, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < n; i++) {
		unsigned c = (unsigned)(s[i] - '0');
		if (c > 9)
			return false;
		v = v * 10 + c;
	}
	*out = v;
	return true;
}

static unsigned days_in_month(int64_t y, unsigned m)
{
	static const unsigned dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : dm[m - 1];
}

/* "YYYY-MM-DD" at s: its day number, or a status. */
ts_parse_status ts_date_days(const char *s, int64_t *days)
{
	unsigned y, m, d;
	if (s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) || !digits(s + 5, 2, &m) ||
	    !digits(s + 8, 2, &d))
		return TSP_FORM;
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return TSP_DATE;
	*days = ts_days_from_civil(y, m, d);
	return TSP_OK;
}

/* ".f" with 1..6 digits at s[0..n), as microseconds. */
static bool fraction_us(const char *s, size_t n, int64_t *us)
{
	static const int64_t scale[] = { 0, 100000, 10000, 1000, 100, 10, 1 };
	unsigned v;
	if (n < 2 || n > 7 || s[0] != '.' || !digits(s + 1, (int)n - 1, &v))
		return false;
	*us = (int64_t)v * scale[n - 1];
	return true;
}

ts_parse_status ts_parse_iso_z(const char *s, size_t n, paper_ts *out, ts_cache *cache)
{
	if (n < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[n - 1] != 'Z')
		return TSP_FORM;
	int64_t days, frac = 0;
	if (cache && memcmp(cache->date, s, 10) == 0) {
		days = cache->days;
	} else {
		ts_parse_status st = ts_date_days(s, &days);
		if (st != TSP_OK)
			return st;
		if (cache) {
			memcpy(cache->date, s, 10);
			cache->days = days;
		}
	}
	unsigned hh, mm, ss;
	if (!digits(s + 11, 2, &hh) || !digits(s + 14, 2, &mm) || !digits(s + 17, 2, &ss))
		return TSP_FORM;
	if (n > 20 && !fraction_us(s + 19, n - 20, &frac))
		return TSP_FORM;
	if (hh > 23 || mm > 59 || ss > 59)
		return TSP_DATE;
	/* Years 1..9999: no overflow; before 1970 is out of range. */
	*out = (days * 86400 + hh * 3600 + mm * 60 + ss) * PAPER_TS_PER_SECOND + frac;
	return ts_in_range(*out) ? TSP_OK : TSP_RANGE;
}

/* Epoch seconds: digits (at most 12: before the year 33658), optional .f. */
static ts_parse_status parse_epoch(const char *s, size_t n, paper_ts *out)
{
	size_t i = 0;
	int64_t sec = 0, frac = 0;
	while (i < n && (unsigned)(s[i] - '0') < 10u && i < 13)
		sec = sec * 10 + (s[i++] - '0');
	if (i == 0 || i > 12)
		return TSP_FORM;
	if (i < n && !fraction_us(s + i, n - i, &frac))
		return TSP_FORM;
	/* At most 12 digits: no overflow; after 9999-12-31 is out of range. */
	*out = sec * PAPER_TS_PER_SECOND + frac;
	return ts_in_range(*out) ? TSP_OK : TSP_RANGE;
}

ts_parse_status ts_parse(const char *s, size_t n, paper_ts *out, ts_cache *cache)
{
	if (n >= 20 && s[4] == '-')
		return ts_parse_iso_z(s, n, out, cache);
	return parse_epoch(s, n, out);
}

const char *ts_parse_why(ts_parse_status st, const char *s, size_t n)
{
	static _Thread_local char msg[256];
	int len = n > 64 ? 64 : (int)n;
	if (st == TSP_DATE)
		snprintf(msg, sizeof msg, "'%.*s' is not a valid date and time", len, s);
	else if (st == TSP_NANOS)
		snprintf(msg, sizeof msg, "'%.*s' has a non-zero digit below the microsecond "
			 "(libpaper times are microseconds)", len, s);
	else if (st == TSP_UNIT)
		snprintf(msg, sizeof msg, "'%.*s' is an epoch of %d digits: seconds have up to 10, "
			 "milliseconds 13, microseconds 16, nanoseconds 19; give the unit "
			 "(--time-unit s|ms|us|ns)", len, s, ts_int_digits(s, n));
	else if (st == TSP_RANGE)
		snprintf(msg, sizeof msg, "'%.*s' is outside 1970-01-01T00:00:00Z .. "
			 "9999-12-31T23:59:59.999999Z", len, s);
	else
		snprintf(msg, sizeof msg, "'%.*s' is neither ISO-8601 UTC (2024-01-02T14:30:00Z) "
			 "nor epoch seconds", len, s);
	return msg;
}

int ts_int_digits(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (unsigned)(s[i] - '0') < 10u)
		i++;
	return (int)i;
}

ts_parse_status ts_parse_date(const char *s, size_t n, paper_ts *out)
{
	int64_t days;
	if (n != 10)
		return TSP_FORM;
	ts_parse_status st = ts_date_days(s, &days);
	if (st == TSP_OK)
		*out = days * TS_DAY_US;
	return st;
}

size_t ts_format_as(char *buf, paper_ts ts, ts_form form)
{
	int64_t day = ts_day(ts), y;
	/* The time of day without day * TS_DAY_US, which overflows near INT64_MIN. */
	int64_t us = ts % TS_DAY_US;
	if (us < 0)
		us += TS_DAY_US;
	unsigned m, d;
	ts_civil_from_days(day, &y, &m, &d);
	int64_t sec = us / PAPER_TS_PER_SECOND, frac = us % PAPER_TS_PER_SECOND;
	int n = snprintf(buf, TS_TEXT_CAP, "%04lld-%02u-%02u", (long long)y, m, d);
	if (form == TS_DATE)
		return (size_t)n;
	if (form == TS_MINUTES)
		return (size_t)(n + snprintf(buf + n, (size_t)(TS_TEXT_CAP - n), " %02d:%02d",
					     (int)(sec / 3600), (int)(sec / 60 % 60)));
	n += snprintf(buf + n, (size_t)(TS_TEXT_CAP - n), "T%02d:%02d:%02d", (int)(sec / 3600),
		      (int)(sec / 60 % 60), (int)(sec % 60));
	if (frac || form == TS_ISO_MICROS)
		n += snprintf(buf + n, (size_t)(TS_TEXT_CAP - n), ".%06lld", (long long)frac);
	buf[n++] = 'Z';
	buf[n] = '\0';
	return (size_t)n;
}
