/* Local times into UTC (tzlocal.h). */
#include "base/tzlocal.h"

#include "base/error.h"
#include "base/tstext.h"

int tz_local_open(tz_local *z, const char *name)
{
	*z = (tz_local){ .day = INT64_MIN };
	/* g_time_zone_new_identifier() is NULL for a name the system does not know. */
	z->tz = name && *name ? g_time_zone_new_identifier(name) : NULL;
	if (z->tz == NULL)
		return paper__error(PAPER_EINVAL, "unknown time zone '%s' (an IANA name such as "
				    "America/New_York, UTC, or an offset such as +05:30)",
				    name ? name : "(null)");
	z->name = g_strdup(name);
	return PAPER_OK;
}

void tz_local_close(tz_local *z)
{
	if (z->tz)
		g_time_zone_unref(z->tz);
	g_free(z->name);
	*z = (tz_local){ .day = INT64_MIN };
}

/* Does every second of the local day fall in one interval of the zone? */
static void look_up_day(tz_local *z, int64_t day)
{
	gint64 first = day * 86400, last = first + 86399;
	gint a = g_time_zone_find_interval(z->tz, G_TIME_TYPE_STANDARD, first);
	gint b = g_time_zone_find_interval(z->tz, G_TIME_TYPE_DAYLIGHT, first);
	gint c = g_time_zone_find_interval(z->tz, G_TIME_TYPE_STANDARD, last);
	gint d = g_time_zone_find_interval(z->tz, G_TIME_TYPE_DAYLIGHT, last);
	z->day = day;
	z->uniform = a >= 0 && a == b && a == c && a == d;
	z->offset = z->uniform ? g_time_zone_get_offset(z->tz, a) : 0;
}

tz_status tz_local_to_utc(tz_local *z, paper_ts wall, paper_ts after, paper_ts *out)
{
	int64_t day = ts_day(wall);
	int64_t sec = day * 86400 + (wall - day * TS_DAY_US) / PAPER_TS_PER_SECOND;
	int64_t frac = wall - sec * PAPER_TS_PER_SECOND;
	if (day != z->day)
		look_up_day(z, day);
	int64_t utc;
	if (G_LIKELY(z->uniform)) {
		utc = sec - z->offset;
	} else {
		gint s = g_time_zone_find_interval(z->tz, G_TIME_TYPE_STANDARD, sec);
		gint d = g_time_zone_find_interval(z->tz, G_TIME_TYPE_DAYLIGHT, sec);
		if (s < 0 && d < 0)
			return TZ_GAP;
		int64_t os = g_time_zone_get_offset(z->tz, s >= 0 ? s : d);
		int64_t od = g_time_zone_get_offset(z->tz, d >= 0 ? d : s);
		int64_t first = sec - (os > od ? os : od), second = sec - (os > od ? od : os);
		utc = first * PAPER_TS_PER_SECOND + frac > after ? first : second;
	}
	*out = utc * PAPER_TS_PER_SECOND + frac;
	return ts_in_range(*out) ? TZ_OK : TZ_RANGE;
}
