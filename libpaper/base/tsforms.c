/* The time forms other tools write (tsforms.h). */
#include "base/tsforms.h"

#include <string.h>

static bool digits_at(const char *s, int n, unsigned *out)
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

const char *ts_unit_name(ts_unit u)
{
	static const char *const names[] = { "auto", "s", "ms", "us", "ns" };
	return (unsigned)u < 5u ? names[u] : "?";
}

ts_unit ts_epoch_unit(int digits)
{
	if (digits >= 1 && digits <= 10)
		return TS_UNIT_S;
	if (digits == 13)
		return TS_UNIT_MS;
	if (digits == 16)
		return TS_UNIT_US;
	if (digits == 19)
		return TS_UNIT_NS;
	return TS_UNIT_AUTO;
}

ts_parse_status ts_parse_epoch_unit(const char *s, size_t n, ts_unit unit, paper_ts *out)
{
	/* Microseconds per unit, and how many decimals of the unit are at or above 1 us. */
	static const struct { int64_t us; int decimals; } units[] = {
		[TS_UNIT_S] = { 1000000, 6 }, [TS_UNIT_MS] = { 1000, 3 }, [TS_UNIT_US] = { 1, 0 },
		[TS_UNIT_NS] = { 0, 0 },
	};
	size_t i = 0;
	uint64_t v = 0;
	for (; i < n && (unsigned)(s[i] - '0') < 10u; i++) {
		if (i == 19)
			return TSP_RANGE; /* 20 digits: past any unit's range */
		v = v * 10u + (unsigned)(s[i] - '0');
	}
	if (i == 0 || unit == TS_UNIT_AUTO)
		return TSP_FORM;
	int64_t frac = 0;
	bool sub_us = false;
	if (i < n) {
		if (s[i] != '.' || i + 1 == n)
			return TSP_FORM;
		int kept = 0;
		for (i++; i < n; i++) {
			unsigned c = (unsigned)(s[i] - '0');
			if (c > 9)
				return TSP_FORM;
			if (kept < units[unit].decimals)
				frac = frac * 10 + c, kept++;
			else
				sub_us |= c != 0;
		}
		for (; kept < units[unit].decimals; kept++)
			frac *= 10;
	}
	if (unit == TS_UNIT_NS) {
		sub_us |= v % 1000u != 0;
		v /= 1000u;
	} else if (v > (uint64_t)PAPER_TS_MAX / (uint64_t)units[unit].us) {
		return TSP_RANGE;
	} else {
		v *= (uint64_t)units[unit].us;
	}
	if (sub_us)
		return TSP_NANOS;
	if (v + (uint64_t)frac > (uint64_t)PAPER_TS_MAX)
		return TSP_RANGE;
	*out = (paper_ts)v + frac;
	return TSP_OK;
}

ts_shape ts_shape_of(const char *s, size_t n)
{
	size_t d = (size_t)ts_int_digits(s, n);
	if (d > 0 && (d == n || (s[d] == '.' && d + 1 < n && ts_int_digits(s + d + 1, n - d - 1) ==
					 (int)(n - d - 1))))
		return TSH_EPOCH;
	if (n < 10 || s[4] != '-' || s[7] != '-')
		return TSH_NONE;
	if (n == 10)
		return TSH_DATE;
	if (s[10] != 'T' && s[10] != ' ')
		return TSH_NONE;
	char last = s[n - 1];
	if (last == 'Z' || last == 'z')
		return TSH_ZONED;
	/* An offset: a sign after the time (the date's '-' are before position 10). */
	for (size_t i = 11; i < n; i++)
		if (s[i] == '+' || s[i] == '-')
			return TSH_ZONED;
	return TSH_NAIVE;
}

const char *ts_shape_name(ts_shape sh)
{
	switch (sh) {
	case TSH_EPOCH:
		return "epoch";
	case TSH_DATE:
		return "date";
	case TSH_NAIVE:
		return "local time";
	case TSH_ZONED:
		return "time with a zone";
	case TSH_NONE:
		break;
	}
	return "unknown";
}

/* ".f" with 1..9 digits at s[0..n), as microseconds; TSP_NANOS past them. */
static ts_parse_status fraction(const char *s, size_t n, int64_t *us)
{
	if (n < 2 || n > 10 || s[0] != '.')
		return TSP_FORM;
	int64_t v = 0;
	for (size_t i = 1; i < n; i++) {
		unsigned c = (unsigned)(s[i] - '0');
		if (c > 9)
			return TSP_FORM;
		if (i <= 6)
			v = v * 10 + c;
		else if (c)
			return TSP_NANOS;
	}
	for (size_t i = n; i <= 6; i++)
		v *= 10;
	*us = v;
	return TSP_OK;
}

/* "Z", "+HH:MM", "-HHMM", "+HH" at s[0..n): the offset east of UTC in seconds. */
static bool zone(const char *s, size_t n, int32_t *off)
{
	unsigned hh, mm = 0;
	if (n == 1 && (s[0] == 'Z' || s[0] == 'z')) {
		*off = 0;
		return true;
	}
	if (n < 3 || (s[0] != '+' && s[0] != '-') || !digits_at(s + 1, 2, &hh))
		return false;
	if (n == 6 && (s[3] != ':' || !digits_at(s + 4, 2, &mm)))
		return false;
	if (n == 5 && !digits_at(s + 3, 2, &mm))
		return false;
	if ((n != 3 && n != 5 && n != 6) || hh > 23 || mm > 59)
		return false;
	*off = (int32_t)((hh * 3600 + mm * 60) * (s[0] == '-' ? -1 : 1));
	return true;
}

/* "HH:MM[:SS][.f]" at s[0..n): *us after midnight; *end where it stopped. */
static ts_parse_status clock_time(const char *s, size_t n, int64_t *us, size_t *end)
{
	unsigned hh, mm, ss = 0;
	if (n < 5 || s[2] != ':' || !digits_at(s, 2, &hh) || !digits_at(s + 3, 2, &mm))
		return TSP_FORM;
	size_t i = 5;
	if (n >= 8 && s[5] == ':') {
		if (!digits_at(s + 6, 2, &ss))
			return TSP_FORM;
		i = 8;
	}
	int64_t frac = 0;
	if (i < n && s[i] == '.') {
		size_t j = i + 1;
		while (j < n && (unsigned)(s[j] - '0') < 10u)
			j++;
		ts_parse_status st = fraction(s + i, j - i, &frac);
		if (st != TSP_OK)
			return st;
		i = j;
	}
	if (hh > 23 || mm > 59 || ss > 59)
		return TSP_DATE;
	*us = (int64_t)(hh * 3600 + mm * 60 + ss) * PAPER_TS_PER_SECOND + frac;
	*end = i;
	return TSP_OK;
}

ts_parse_status ts_parse_text(const char *s, size_t n, paper_ts *wall, int32_t *offset_s,
			      ts_shape *shape, ts_cache *cache)
{
	int64_t days, tod = 0;
	if (n < 10 || s[4] != '-' || s[7] != '-')
		return TSP_FORM;
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
	*offset_s = 0;
	*shape = TSH_DATE;
	if (n > 10) {
		size_t end;
		if (s[10] != 'T' && s[10] != ' ')
			return TSP_FORM;
		ts_parse_status st = clock_time(s + 11, n - 11, &tod, &end);
		if (st != TSP_OK)
			return st;
		end += 11;
		*shape = TSH_NAIVE;
		if (end < n) {
			if (!zone(s + end, n - end, offset_s))
				return TSP_FORM;
			*shape = TSH_ZONED;
		}
	}
	*wall = days * TS_DAY_US + tod;
	return TSP_OK;
}

ts_parse_status ts_parse_date8(const char *s, size_t n, paper_ts *out)
{
	unsigned y, m, d;
	if (n != 8 || !digits_at(s, 4, &y) || !digits_at(s + 4, 2, &m) || !digits_at(s + 6, 2, &d))
		return TSP_FORM;
	char iso[10] = { s[0], s[1], s[2], s[3], '-', s[4], s[5], '-', s[6], s[7] };
	int64_t days;
	ts_parse_status st = ts_date_days(iso, &days);
	if (st == TSP_OK)
		*out = days * TS_DAY_US;
	return st;
}

ts_parse_status ts_parse_time_of_day(const char *s, size_t n, paper_ts *out)
{
	unsigned hh, mm, ss;
	if (n == 6 && digits_at(s, 2, &hh) && digits_at(s + 2, 2, &mm) && digits_at(s + 4, 2, &ss)) {
		if (hh > 23 || mm > 59 || ss > 59)
			return TSP_DATE;
		*out = (int64_t)(hh * 3600 + mm * 60 + ss) * PAPER_TS_PER_SECOND;
		return TSP_OK;
	}
	size_t end;
	int64_t us;
	ts_parse_status st = clock_time(s, n, &us, &end);
	if (st == TSP_OK && end != n)
		return TSP_FORM;
	if (st == TSP_OK)
		*out = us;
	return st;
}
