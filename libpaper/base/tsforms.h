/*
 * Private: the time forms other tools write in their CSV files, next to libpaper's own two
 * (tstext.h). Epochs in seconds, milliseconds, microseconds or nanoseconds; ISO-8601 dates and
 * times with a 'T' or a space, a Z, a UTC offset (+00:00, -05:00, -0500, +05) or none (a local
 * time, converted by tzlocal.h); Stooq's 20240102 and 093000. Every form is parsed exactly into
 * microseconds; a non-zero digit below the microsecond is refused (TSP_NANOS), never dropped.
 */
#ifndef PAPER_PRIV_TSFORMS_H
#define PAPER_PRIV_TSFORMS_H

#include <stdbool.h>

#include "base/tstext.h"

typedef enum ts_unit { TS_UNIT_AUTO = 0, TS_UNIT_S, TS_UNIT_MS, TS_UNIT_US, TS_UNIT_NS } ts_unit;

/* "s", "ms", "us", "ns" (TS_UNIT_AUTO: "auto"). */
const char *ts_unit_name(ts_unit u);

/*
 * The unit an epoch of d integer digits is in, when nobody said: up to 10 digits seconds (to
 * 2286-11-20), 13 milliseconds, 16 microseconds, 19 nanoseconds (each 2001-09-09 .. 2286-11-20).
 * Any other count (11, 12, 14, 15, 17, 18, more than 19) names no unit: TS_UNIT_AUTO.
 */
ts_unit ts_epoch_unit(int digits);

/*
 * An epoch digits[.digits] in the given unit (not TS_UNIT_AUTO) as microseconds. TSP_FORM when
 * it is not one, TSP_NANOS for a non-zero digit below the microsecond, TSP_RANGE outside the
 * range libpaper takes.
 */
ts_parse_status ts_parse_epoch_unit(const char *s, size_t n, ts_unit unit, paper_ts *out);

/* The shapes of the time text forms. */
typedef enum ts_shape {
	TSH_NONE = 0, /* not a form below */
	TSH_EPOCH,    /* digits, optionally .digits */
	TSH_DATE,     /* 2024-01-02 */
	TSH_NAIVE,    /* 2024-01-02 09:30[:00[.f]] or with a T: a local time, no zone */
	TSH_ZONED,    /* ... then Z or an offset: 2024-01-02 14:30:00+00:00, ...T14:30:00Z */
} ts_shape;

/* Which shape s[0..n) has, from its characters (not whether the date is real). */
ts_shape ts_shape_of(const char *s, size_t n);

/* "epoch", "date", "local time", "time with a zone". */
const char *ts_shape_name(ts_shape sh);

/*
 * A date, date and time, or date, time and zone: *wall is the written date and time as if it
 * were UTC, *offset_s the zone's offset east of UTC (0 for Z and for no zone), *shape which of
 * TSH_DATE, TSH_NAIVE, TSH_ZONED it is. Fractions take up to 9 digits (pandas writes
 * nanoseconds); a non-zero 7th..9th is TSP_NANOS. 24:00 and leap seconds are TSP_DATE.
 */
ts_parse_status ts_parse_text(const char *s, size_t n, paper_ts *wall, int32_t *offset_s,
			      ts_shape *shape, ts_cache *cache);

/* A date YYYYMMDD (Stooq) as its 00:00 as if UTC. */
ts_parse_status ts_parse_date8(const char *s, size_t n, paper_ts *out);

/* A time of day HHMMSS or HH:MM[:SS] as microseconds after midnight. */
ts_parse_status ts_parse_time_of_day(const char *s, size_t n, paper_ts *out);

#endif
