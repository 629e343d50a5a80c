/*
 * Private: the bar CSV dialects. A file's dialect is found once, from its header (and the shape
 * of its first row's time), before any row is read: libpaper's own format, Yahoo Finance,
 * yfinance, Stooq, Binance klines, Alpaca, Polygon (aggregates and flat files) and pandas
 * DataFrame.to_csv. The result, a bar_layout, says which column is what; bar_dialect.c finds
 * it and says it in words (the report), bar_fields.c reads a row of a dialect by it.
 * docs/formats.md ("Dialects") is the user's side of the same rules.
 */
#ifndef PAPER_PRIV_BAR_DIALECT_H
#define PAPER_PRIV_BAR_DIALECT_H

#include <glib.h>
#include <paper/replay.h>

#include "base/csvread.h"
#include "base/tsforms.h"
#include "base/tzlocal.h"

/* What a column holds. The first seven are the replay's bar_col (replay.h), in its order. */
typedef enum bar_role {
	BR_TS, BR_SYMBOL, BR_OPEN, BR_HIGH, BR_LOW, BR_CLOSE, BR_VOLUME,
	BR_ADJ_CLOSE, /* Yahoo's Adj Close: used by --adjusted, else ignored */
	BR_DATE,      /* a date column with a separate time-of-day column (Stooq) */
	BR_TIME,      /* that time of day */
	BR_PER,       /* Stooq's period: D, W, M daily or longer; minutes otherwise */
	BR_IGNORE,    /* a column the dialect has and libpaper does not use */
	BR__N
} bar_role;

typedef enum bar_family {
	BF_LIBPAPER, BF_YAHOO, BF_YFINANCE, BF_STOOQ, BF_STOOQ_INTRADAY, BF_STOOQ_DATA, BF_BINANCE,
	BF_ALPACA, BF_POLYGON, BF_POLYGON_FLAT, BF_PANDAS, BF_COLUMNS, BF__N
} bar_family;

/* What the caller asked for (paper_replay_bars_options, checked). */
typedef struct bar_request {
	const char *columns;   /* "ts=Date,close=Close" or NULL */
	ts_unit unit;          /* TS_UNIT_AUTO: by the number of digits */
	const char *tz;        /* zone of local times, or NULL */
	bool adjusted;
} bar_request;

#define BAR_NAME_MAX 64

typedef struct bar_layout {
	bar_family family;
	uint8_t n_fields;
	int8_t role[CSV_MAX_FIELDS];
	char (*names)[BAR_NAME_MAX]; /* n_fields column names, for messages (g_free) */
	uint8_t header_lines;  /* 0 (Binance without a header), 1, or 3 (yfinance) */
	int8_t col[BR__N];     /* the column of each role; -1: none (BR_IGNORE: unused) */
	bool has_ohl;          /* open, high, low columns (else all three are the close) */
	bool adjusted;         /* scale by Adj Close / Close */
	bool rounding;         /* numbers as other tools write them, rounded to 1e-8 */
	bool symbol_prefix;    /* the symbol is the file name up to its first '-' (Binance) */
	ts_unit unit;          /* asked for, or TS_UNIT_AUTO */
	bool has_tz;
	tz_local tz;
	bool columns_given;    /* --columns */
	GString *ignored;      /* names of the columns not used, for the report */
	ts_shape first_shape;  /* the first row's time, seen when the file was opened */
	bool first_iso_z;      /* ... and it is libpaper's 2024-01-02T14:30:00Z */
	/* Fixed by the first row whose time reads (one time form per file). */
	ts_shape shape;        /* TSH_NONE until then */
	ts_unit epoch_unit;    /* the unit of TSH_EPOCH */
	bool iso_z;            /* libpaper's 2024-01-02T14:30:00Z, read by the fast path */
	uint64_t shape_line;
	ts_cache tc;           /* the last date read */
	char per[8];           /* Stooq: the period of the first row */
	bool per_daily;
	/* what the rows brought, for the report */
	uint64_t rows_empty;   /* rows without prices (Yahoo's null, pandas' NaN) */
	uint64_t values_rounded;
	bool tz_used, unit_used;
	char *report;          /* the last report made (bar_dialect_report()) */
} bar_layout;

/*
 * Find the dialect of the file csv has just opened (nothing read yet): reads the header (and
 * peeks at the first row, which stays unread). PAPER_OK, PAPER_EFORMAT naming the file and
 * line 1 (unknown, repeated or missing columns, two time columns, a quoted header, no header),
 * PAPER_EINVAL (a --columns name the header does not have, an unknown zone), PAPER_EIO.
 */
int bar_dialect_detect(bar_layout *L, csv_reader *csv, const char *path, const bar_request *req);

void bar_layout_clear(bar_layout *L);

/* "libpaper", "yahoo", ... the short name of the family. */
const char *bar_family_id(bar_family f);

/* What a file's rows brought, over its groups. */
typedef struct bar_counts {
	uint64_t rows_skipped, rows_empty, values_rounded;
	uint32_t groups;       /* > 1: grouped by symbol (bar_groups.h) */
} bar_counts;

/*
 * One line saying how the file was read: "Yahoo Finance daily: dates at 00:00 UTC; Adj Close
 * ignored (--adjusted uses it); 1 row without prices (null or empty) skipped". Owned by the
 * layout, valid until the next call.
 */
const char *bar_dialect_report(bar_layout *L, const bar_counts *n);

/* Parse a --columns text (for checking options): PAPER_OK or PAPER_EINVAL with the reason. */
int bar_columns_check(const char *columns);

#endif
