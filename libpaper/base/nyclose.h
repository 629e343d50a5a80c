/*
 * Private: 16:00 in New York, the time US equity options and most US futures stop trading on
 * their expiry date. The offset from UTC (EST -5 h, EDT -4 h) comes from the time zone database
 * (GLib's GTimeZone "America/New_York"); where the database is missing, from the US daylight
 * saving rules written down here (since 2007: second Sunday of March to first Sunday of
 * November; 1987-2006: first Sunday of April to last Sunday of October), which agree with it
 * for every date this function is used for.
 */
#ifndef PAPER_PRIV_NYCLOSE_H
#define PAPER_PRIV_NYCLOSE_H

#include <paper/common.h>
#include <stdbool.h>

/* 16:00 America/New_York on y-m-d as paper_ts (a valid civil date, 1970 <= y <= 9999). */
paper_ts paper__ny_close(int y, int m, int d);

/* The same from the built-in rules only (tests compare the two). */
paper_ts paper__ny_close_rules(int y, int m, int d);

/* Is y-m-d a date of the proleptic Gregorian calendar (1 <= m <= 12, d within the month)? */
bool paper__civil_date_valid(int y, int m, int d);

#endif
