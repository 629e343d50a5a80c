/*
 * Private: timestamps as text. Input accepts ISO-8601 UTC with a Z
 * (2024-01-02T14:30:00Z, optionally .f up to 6 digits) or epoch seconds (1704205800, optionally
 * .f up to 6 digits); output is always ISO-8601 UTC with a Z, with microseconds only when
 * they are not zero. Calendar: proleptic Gregorian, no leap seconds.
 */
#ifndef PAPER_PRIV_TSTEXT_H
#define PAPER_PRIV_TSTEXT_H

#include <paper/common.h>

#define TS_DAY_US (INT64_C(86400) * PAPER_TS_PER_SECOND)

/* The last date parsed, so rows of one day skip the calendar arithmetic. */
typedef struct ts_cache {
	char date[10];
	int64_t days;
} ts_cache;

typedef enum ts_parse_status {
	TSP_OK = 0,
	TSP_FORM,  /* neither form */
	TSP_DATE,  /* the right form, but not a real date or time of day */
	TSP_RANGE, /* a real time outside [PAPER_TS_MIN, PAPER_TS_MAX] */
	TSP_NANOS, /* a non-zero digit below the microsecond (tsforms.h) */
	TSP_UNIT,  /* an epoch whose number of digits names no unit (tsforms.h) */
} ts_parse_status;

/* Is ts one libpaper takes (1970-01-01 .. 9999-12-31, common.h)? */
static inline bool ts_in_range(paper_ts ts)
{
	return ts >= PAPER_TS_MIN && ts <= PAPER_TS_MAX;
}

/* PAPER_ETIME for a timestamp outside the range: "<what>: time <ts> is outside ...". */
int ts_range_error(const char *what, paper_ts ts);

/* Days since 1970-01-01 of a civil date; m 1..12, d 1..31. */
int64_t ts_days_from_civil(int64_t y, unsigned m, unsigned d);
void ts_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/* UTC day number of ts (floor), for any int64 (no negation to overflow at INT64_MIN). */
static inline int64_t ts_day(paper_ts ts)
{
	return ts / TS_DAY_US - (ts % TS_DAY_US < 0);
}

/* Parse s[0..n) as one of the two forms; cache may be NULL. */
ts_parse_status ts_parse(const char *s, size_t n, paper_ts *out, ts_cache *cache);

/* Only the first form, 2024-01-02T14:30:00[.f]Z; cache may be NULL. */
ts_parse_status ts_parse_iso_z(const char *s, size_t n, paper_ts *out, ts_cache *cache);

/* "YYYY-MM-DD" at s (10 characters there) as days since 1970-01-01. */
ts_parse_status ts_date_days(const char *s, int64_t *days);

/* A message for a refused timestamp, naming the text (static buffer per thread). */
const char *ts_parse_why(ts_parse_status st, const char *s, size_t n);

/* The number of leading digits of s[0..n). */
int ts_int_digits(const char *s, size_t n);

/* Parse a date "YYYY-MM-DD" as its 00:00 UTC. */
ts_parse_status ts_parse_date(const char *s, size_t n, paper_ts *out);

#define TS_TEXT_CAP 40

/* The shapes a timestamp is written in; all UTC. */
typedef enum ts_form {
	TS_ISO,        /* 2024-01-02T14:30:00Z, with .ffffff only when not zero (files, JSON) */
	TS_ISO_MICROS, /* 2024-01-02T14:30:00.000000Z, fixed width (log lines line up) */
	TS_MINUTES,    /* 2024-01-02 14:30 (people: the dashboard) */
	TS_DATE,       /* 2024-01-02 */
} ts_form;

/* ts in form into buf (TS_TEXT_CAP bytes); returns the length. */
size_t ts_format_as(char *buf, paper_ts ts, ts_form form);

static inline size_t ts_format(char *buf, paper_ts ts)
{
	return ts_format_as(buf, ts, TS_ISO);
}

static inline size_t ts_format_date(char *buf, paper_ts ts)
{
	return ts_format_as(buf, ts, TS_DATE);
}

#endif
