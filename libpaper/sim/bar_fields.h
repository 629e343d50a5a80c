/*
 * Private: one row of a bar file read by its layout (bar_dialect.h). Pure: it reads text into
 * numbers and says what is wrong; the replay decides whether a bad row fails the run or is
 * skipped, resolves the symbol and checks the bar (replay_bars.c).
 */
#ifndef PAPER_PRIV_BAR_FIELDS_H
#define PAPER_PRIV_BAR_FIELDS_H

#include "sim/bar_dialect.h"

/* Time statuses past those of ts_parse_status. */
enum {
	BT_MIXED = 100, /* another time form than the file's first row */
	BT_MIXED_UNIT,  /* an epoch of another unit than the file's first row */
	BT_NO_TZ,       /* a local time and no zone given */
	BT_GAP,         /* a local time the clocks skip */
};

typedef struct bar_fields {
	paper_ts ts;          /* UTC, or a wall clock to convert when local */
	bool local;
	int64_t v[5];         /* open, high, low, close, volume in 1e-8 */
	csv_field sym;        /* the symbol's text, when the layout has a symbol column */
	uint32_t rounded;     /* values of the row rounded to 1e-8 */
	int field;            /* the column of the problem, -1 for the whole row */
	char why[320];
} bar_fields;

typedef enum bf_status { BFS_OK, BFS_EMPTY, BFS_BAD } bf_status;

/*
 * A row of a dialect other than libpaper's: BFS_OK (out filled), BFS_EMPTY (no prices: Yahoo's
 * null, pandas' NaN) or BFS_BAD (out->field and out->why say what). line numbers the row, for
 * "line 2 was ..." in messages; the first row whose time reads fixes the file's time form.
 */
bf_status bar_fields_parse(bar_layout *L, uint64_t line, const char *s, size_t n, bar_fields *out);

/* A local time of the row into UTC (the layout's zone), after: the symbol's previous bar. */
int bar_fields_localize(bar_layout *L, bar_fields *f, paper_ts after);

/*
 * The time of a libpaper file (ISO-8601 UTC or an epoch), its form fixed by the first row:
 * a ts_parse_status or BT_*.
 */
int bar_time_libpaper(bar_layout *L, uint64_t line, const char *s, size_t n, paper_ts *out,
		      ts_cache *tc);

/* Why a time was refused (st from the functions above), into buf. */
const char *bar_time_why(const bar_layout *L, int st, const char *s, size_t n, char *buf,
			 size_t cap);

#endif
