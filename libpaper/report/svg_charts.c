/*
 * What every chart of the dashboard and the tear sheet shares: calendar arithmetic on UTC
 * times, date ticks along a time axis, and the colour of a return.
 */
#include <math.h>
#include <stdio.h>

#include "report/report.h"

#define DAY_US (INT64_C(86400) * PAPER_TS_PER_SECOND)

static const char *const month_names[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* Days since 1970-01-01 to a civil date (proleptic Gregorian), by 400-year eras. */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* The inverse: days since 1970-01-01 of the first of a month. */
static int64_t days_from_civil(int y, int m)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t paper__report_day(paper_ts ts)
{
	return ts >= 0 ? ts / DAY_US : -((-(ts + 1)) / DAY_US) - 1;
}

void paper__report_ymd(paper_ts ts, int *year, int *month, int *day)
{
	civil_from_days(paper__report_day(ts), year, month, day);
}

const char *paper__report_month_name(int month)
{
	return month >= 1 && month <= 12 ? month_names[month - 1] : "?";
}

/* The first tick at or after ts: the start of a day, a month (step in months) or a year. */
static paper_ts tick_after(paper_ts ts, int months, int64_t days)
{
	int y, m, d;
	paper__report_ymd(ts, &y, &m, &d);
	if (days) {
		int64_t day = paper__report_day(ts);
		int64_t k = (day + days - 1) / days * days; /* aligned on the epoch */
		return (paper_ts)(k * DAY_US);
	}
	int idx = y * 12 + (m - 1);
	if (d != 1 || ts % DAY_US != 0)
		idx++;
	idx = (idx + months - 1) / months * months;
	return (paper_ts)(days_from_civil(idx / 12, idx % 12 + 1) * DAY_US);
}

static paper_ts tick_next(paper_ts t, int months, int64_t days)
{
	if (days)
		return t + days * DAY_US;
	int y, m, d;
	paper__report_ymd(t, &y, &m, &d);
	int idx = y * 12 + (m - 1) + months;
	return (paper_ts)(days_from_civil(idx / 12, idx % 12 + 1) * DAY_US);
}

/* A step that gives at most about six ticks over span: days, weeks, months, quarters, years. */
static void tick_step(paper_ts span, int *months, int64_t *days)
{
	static const int64_t day_steps[] = { 1, 2, 7, 14 };
	static const int month_steps[] = { 1, 2, 3, 6, 12, 24, 60, 120 };
	double span_days = (double)span / (double)DAY_US;

	*months = 0;
	for (size_t i = 0; i < sizeof day_steps / sizeof *day_steps; i++)
		if (span_days / (double)day_steps[i] <= 6) {
			*days = day_steps[i];
			return;
		}
	*days = 0;
	for (size_t i = 0; i < sizeof month_steps / sizeof *month_steps; i++)
		if (span_days / (30.44 * month_steps[i]) <= 6) {
			*months = month_steps[i];
			return;
		}
	*months = 240;
}

void paper__report_date_ticks(GString *s, paper_ts t0, paper_ts t1, double x0, double x1,
			      double grid_top, double grid_bottom, double label_y)
{
	int months;
	int64_t days;

	if (t1 <= t0)
		return;
	tick_step(t1 - t0, &months, &days);
	for (paper_ts t = tick_after(t0, months, days); t <= t1; t = tick_next(t, months, days)) {
		double x = x0 + (x1 - x0) * (double)(t - t0) / (double)(t1 - t0);
		int y, m, d;
		char text[32];
		paper__report_ymd(t, &y, &m, &d);
		if (days)
			snprintf(text, sizeof text, "%s %d", paper__report_month_name(m), d);
		else if (months >= 12)
			snprintf(text, sizeof text, "%d", y);
		else
			snprintf(text, sizeof text, "%s %d", paper__report_month_name(m), y);
		g_string_append_printf(s, "<line class=\"tick\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
				       "y2=\"%.1f\" stroke=\"#eef0f4\" stroke-width=\"1\"/>"
				       "<text class=\"lab\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
				       "data-tick=\"%04d-%02d-%02d\">%s</text>",
				       x, grid_top, x, grid_bottom, x, label_y, y, m, d, text);
	}
}

void paper__report_return_colour(char *buf, size_t cap, double r, double scale)
{
	if (!isfinite(r)) {
		snprintf(buf, cap, "#f0f1f4");
		return;
	}
	/* White to green for gains, white to red for losses, full at |r| >= scale. */
	double f = scale > 0 ? fmin(fabs(r) / scale, 1.0) : 0.0;
	int base[3] = { 255, 255, 255 };
	int to[3] = { r >= 0 ? 15 : 194, r >= 0 ? 138 : 54, r >= 0 ? 75 : 44 };
	int c[3];
	for (int i = 0; i < 3; i++)
		c[i] = (int)lround(base[i] + (to[i] - base[i]) * (0.15 + 0.85 * f));
	snprintf(buf, cap, "#%02x%02x%02x", c[0], c[1], c[2]);
}
