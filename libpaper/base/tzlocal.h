/*
 * Private: local times (a wall clock without a zone, as CSV files write them) into UTC through
 * GLib's GTimeZone (the system's tzdata). The rule for the hours a clock change makes odd:
 * - a time that does not exist (skipped when the clocks go forward, 02:30 on 2024-03-10 in
 *   America/New_York) is refused (TZ_GAP), never moved;
 * - a time that occurs twice (repeated when the clocks go back, 01:30 on 2024-11-03) is its
 *   first occurrence, unless that is not after the previous time of the same series (`after`),
 *   then its second: a series in time order through the change reads right.
 */
#ifndef PAPER_PRIV_TZLOCAL_H
#define PAPER_PRIV_TZLOCAL_H

#include <glib.h>
#include <paper/common.h>

typedef struct tz_local {
	GTimeZone *tz;
	char *name;
	int64_t day;     /* the local day last looked up; INT64_MIN: none */
	int32_t offset;  /* its offset east of UTC, when uniform */
	bool uniform;    /* one offset for the whole day (no change in it) */
} tz_local;

typedef enum tz_status { TZ_OK = 0, TZ_GAP, TZ_RANGE } tz_status;

/* An IANA name (America/New_York), UTC, or a fixed offset (+05:30). PAPER_EINVAL if unknown. */
int tz_local_open(tz_local *z, const char *name);
void tz_local_close(tz_local *z);

/* wall (microseconds, as if UTC) in the zone into UTC; after: the series' previous time. */
tz_status tz_local_to_utc(tz_local *z, paper_ts wall, paper_ts after, paper_ts *out);

#endif
