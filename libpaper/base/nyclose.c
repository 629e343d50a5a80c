/*
 * 16:00 America/New_York as UTC. GTimeZone answers from the system's time zone database; the
 * rules below are only the fallback for a system without one, so an expiry never depends on
 * whether tzdata happens to be installed for the dates that matter (1987 onwards).
 */
#include "base/nyclose.h"

#include <glib.h>

#include "base/tstext.h"

#define HOUR_US (INT64_C(3600) * PAPER_TS_PER_SECOND)

bool paper__civil_date_valid(int y, int m, int d)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m < 1 || m > 12 || d < 1)
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= days[m - 1] + (m == 2 && leap);
}

/* Day of the month of the n-th Sunday (n >= 1) of y-m, or of the last when n == 0. */
static int sunday(int y, int m, int n)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int64_t first = ts_days_from_civil(y, (unsigned)m, 1);
	/* 1970-01-01 was a Thursday: weekday 0 = Sunday is (days + 4) mod 7. */
	int wd = (int)(((first + 4) % 7 + 7) % 7);
	int d = 1 + (7 - wd) % 7;
	if (n > 0)
		return d + 7 * (n - 1);
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	int len = days[m - 1] + (m == 2 && leap);
	while (d + 7 <= len)
		d += 7;
	return d;
}

/* Is 16:00 local time on y-m-d daylight saving time under the US rules? */
static bool dst_at_close(int y, int m, int d)
{
	int sm, sd, em, ed;
	if (y >= 2007) {
		sm = 3, sd = sunday(y, 3, 2), em = 11, ed = sunday(y, 11, 1);
	} else if (y >= 1987) {
		sm = 4, sd = sunday(y, 4, 1), em = 10, ed = sunday(y, 10, 0);
	} else {
		sm = 4, sd = sunday(y, 4, 0), em = 10, ed = sunday(y, 10, 0);
	}
	/* The changes happen at 02:00, long before the close: the date alone decides. */
	int md = m * 100 + d;
	return md >= sm * 100 + sd && md < em * 100 + ed;
}

paper_ts paper__ny_close_rules(int y, int m, int d)
{
	int64_t days = ts_days_from_civil(y, (unsigned)m, (unsigned)d);
	int offset_h = dst_at_close(y, m, d) ? 4 : 5;
	return days * TS_DAY_US + (16 + offset_h) * HOUR_US;
}

static GTimeZone *new_york(void)
{
	static gsize once = 0;
	static GTimeZone *tz = NULL;
	if (g_once_init_enter(&once)) {
		tz = g_time_zone_new_identifier("America/New_York");
		g_once_init_leave(&once, 1);
	}
	return tz;
}

paper_ts paper__ny_close(int y, int m, int d)
{
	GTimeZone *tz = new_york();
	if (tz == NULL)
		return paper__ny_close_rules(y, m, d);
	GDateTime *dt = g_date_time_new(tz, y, m, d, 16, 0, 0.0);
	if (dt == NULL)
		return paper__ny_close_rules(y, m, d);
	paper_ts ts = g_date_time_to_unix(dt) * PAPER_TS_PER_SECOND;
	g_date_time_unref(dt);
	return ts;
}
