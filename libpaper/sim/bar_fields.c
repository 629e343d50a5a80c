/* One row of a bar file by its layout (bar_fields.h). */
#include "sim/bar_fields.h"

#include <stdio.h>
#include <string.h>

#include "base/fixed.h"
#include "base/fxtext.h"

/* ---- times ---- */

static const char *form_name(const bar_layout *L, ts_shape sh)
{
	if (sh == TSH_ZONED && L->family == BF_LIBPAPER)
		return "ISO-8601 UTC";
	if (sh == TSH_EPOCH && L->shape == TSH_EPOCH)
		return "an epoch";
	return ts_shape_name(sh);
}

static const char *unit_words(ts_unit u)
{
	static const char *const w[] = { "no unit", "seconds", "milliseconds", "microseconds",
					 "nanoseconds" };
	return (unsigned)u < 5u ? w[u] : "?";
}

/* An epoch in the unit asked for, else the one its digits name (the same for every row). */
static int epoch_time(bar_layout *L, const char *s, size_t n, paper_ts *out)
{
	ts_unit unit = L->unit;
	if (unit == TS_UNIT_AUTO) {
		unit = ts_epoch_unit(ts_int_digits(s, n));
		if (unit == TS_UNIT_AUTO)
			return TSP_UNIT;
		if (L->shape == TSH_EPOCH && unit != L->epoch_unit)
			return BT_MIXED_UNIT;
	}
	int st = ts_parse_epoch_unit(s, n, unit, out);
	if (st == TSP_OK)
		L->epoch_unit = unit;
	return st;
}

static void fix_form(bar_layout *L, ts_shape sh, uint64_t line)
{
	if (L->shape == TSH_NONE) {
		L->shape = sh;
		L->shape_line = line;
	}
}

int bar_time_libpaper(bar_layout *L, uint64_t line, const char *s, size_t n, paper_ts *out,
		      ts_cache *tc)
{
	ts_shape sh = ts_shape_of(s, n);
	bool iso_z = sh == TSH_ZONED && n >= 20 && s[10] == 'T' && s[n - 1] == 'Z';
	if (!iso_z && sh != TSH_EPOCH)
		return TSP_FORM;
	if (L->shape != TSH_NONE && L->shape != sh)
		return BT_MIXED;
	int st = iso_z ? (int)ts_parse_iso_z(s, n, out, tc) : epoch_time(L, s, n, out);
	if (st == TSP_OK && L->shape == TSH_NONE) {
		fix_form(L, sh, line);
		L->iso_z = iso_z;
		L->unit_used = !iso_z;
	}
	return st;
}

/* The time of a row of another dialect: an epoch, a date, a local time or one with a zone. */
static int text_time(bar_layout *L, uint64_t line, const char *s, size_t n, bar_fields *f,
		     ts_cache *tc)
{
	ts_shape sh = ts_shape_of(s, n);
	if (sh == TSH_NONE)
		return TSP_FORM;
	if (L->shape != TSH_NONE && L->shape != sh)
		return BT_MIXED;
	int32_t off;
	int st = sh == TSH_EPOCH ? epoch_time(L, s, n, &f->ts)
				 : (int)ts_parse_text(s, n, &f->ts, &off, &sh, tc);
	if (st != TSP_OK)
		return st;
	f->local = sh == TSH_NAIVE || (sh == TSH_DATE && L->has_tz);
	if (sh == TSH_NAIVE && !L->has_tz)
		return BT_NO_TZ;
	if (sh == TSH_ZONED)
		f->ts -= (paper_ts)off * PAPER_TS_PER_SECOND;
	if (!f->local && !ts_in_range(f->ts))
		return TSP_RANGE;
	fix_form(L, sh, line);
	L->unit_used |= sh == TSH_EPOCH;
	L->tz_used |= f->local;
	return TSP_OK;
}

/* Stooq's date and time columns: 20240102 (or 2024-01-02) and 093000 (or 09:30:00). */
static int split_time(bar_layout *L, uint64_t line, csv_field d, csv_field t, bar_fields *f,
		      int *bad)
{
	paper_ts day, tod;
	int64_t days;
	int st = d.n == 10 && d.s[4] == '-' ? (int)ts_date_days(d.s, &days)
					     : (int)ts_parse_date8(d.s, d.n, &day);
	if (d.n == 10 && d.s[4] == '-' && st == TSP_OK)
		day = days * TS_DAY_US;
	*bad = L->col[BR_DATE];
	if (st != TSP_OK)
		return st;
	st = ts_parse_time_of_day(t.s, t.n, &tod);
	*bad = L->col[BR_TIME];
	if (st != TSP_OK)
		return st;
	f->ts = day + tod;
	/* A daily period's time (000000) is no time of day: the date is UTC as Yahoo's are. */
	f->local = !L->per_daily || L->has_tz;
	*bad = L->col[BR_DATE];
	if (f->local && !L->has_tz)
		return BT_NO_TZ;
	if (!f->local && !ts_in_range(f->ts))
		return TSP_RANGE;
	fix_form(L, L->per_daily ? TSH_DATE : TSH_NAIVE, line);
	L->tz_used |= f->local;
	return TSP_OK;
}

int bar_fields_localize(bar_layout *L, bar_fields *f, paper_ts after)
{
	paper_ts wall = f->ts;
	tz_status st = tz_local_to_utc(&L->tz, wall, after, &f->ts);
	if (st == TZ_OK)
		return TSP_OK;
	f->ts = wall;
	return st == TZ_GAP ? BT_GAP : TSP_RANGE;
}

const char *bar_time_why(const bar_layout *L, int st, const char *s, size_t n, char *buf,
			 size_t cap)
{
	int len = n > 64 ? 64 : (int)n;
	ts_shape sh = ts_shape_of(s, n);
	switch (st) {
	case BT_MIXED:
		snprintf(buf, cap, "'%.*s' is %s, but line %" G_GUINT64_FORMAT " was %s: one time "
			 "form per file", len, s, sh == TSH_EPOCH ? "an epoch" : ts_shape_name(sh),
			 L->shape_line, form_name(L, L->shape));
		return buf;
	case BT_MIXED_UNIT:
		snprintf(buf, cap, "'%.*s' has %d digits (%s), but line %" G_GUINT64_FORMAT " was in "
			 "%s: one epoch unit per file (or give --time-unit)", len, s,
			 ts_int_digits(s, n), unit_words(ts_epoch_unit(ts_int_digits(s, n))),
			 L->shape_line, unit_words(L->epoch_unit));
		return buf;
	case BT_NO_TZ:
		snprintf(buf, cap, "'%.*s' is a local time without a zone: give the zone its times "
			 "are in (--tz America/New_York, or --tz UTC)", len, s);
		return buf;
	case BT_GAP:
		snprintf(buf, cap, "'%.*s' does not exist in %s (the clocks skip it that day)", len, s,
			 L->tz.name);
		return buf;
	case TSP_FORM:
		if (L->family == BF_LIBPAPER)
			break;
		snprintf(buf, cap, "'%.*s' is not a time (an epoch, 2024-01-02, 2024-01-02 14:30:00 "
			 "with or without a zone or T)", len, s);
		return buf;
	default:
		break;
	}
	g_strlcpy(buf, ts_parse_why((ts_parse_status)st, s, n), cap);
	return buf;
}

/* ---- values ---- */

static bool is_null(csv_field f)
{
	static const char *const nulls[] = { "null", "NULL", "NaN", "nan", "None" };
	if (f.n == 0)
		return true;
	for (size_t i = 0; i < G_N_ELEMENTS(nulls); i++)
		if (csv_field_is(f, nulls[i]))
			return true;
	return false;
}

/* a * b / c rounded half away from zero; a, b, c > 0; past int64 it is INT64_MAX (a price the
 * bar checks refuse). */
static int64_t mul_div(int64_t a, int64_t b, int64_t c)
{
	fx_wide q = ((fx_wide)a * b + c / 2) / c;
	return q > (fx_wide)INT64_MAX ? INT64_MAX : (int64_t)q;
}

static bf_status bad(bar_fields *out, int field, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static bf_status bad(bar_fields *out, int field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out->why, sizeof out->why, fmt, ap);
	va_end(ap);
	out->field = field;
	return BFS_BAD;
}

static bf_status value(csv_field f, int c, int64_t *v, bar_fields *out)
{
	bool rounded;
	fx_parse_status st = fx_parse_round(f.s, f.n, v, &rounded);
	out->rounded += rounded;
	if (st == FXP_OK)
		return BFS_OK;
	int len = f.n > 64 ? 64 : (int)f.n;
	return bad(out, c, "%s '%.*s'", st == FXP_RANGE ? fx_parse_why(st) : "malformed number",
		   len, f.s);
}

/* The open, high, low, close, volume and adjusted close of the row. */
static bf_status values(bar_layout *L, const csv_field *f, bar_fields *out)
{
	static const bar_role prices[4] = { BR_OPEN, BR_HIGH, BR_LOW, BR_CLOSE };
	int nulls = 0, present = 0, first_null = -1;
	for (int k = L->has_ohl ? 0 : 3; k < 4; k++) {
		int c = L->col[prices[k]];
		present++;
		if (is_null(f[c])) {
			nulls++;
			first_null = first_null < 0 ? c : first_null;
		} else if (value(f[c], c, &out->v[k], out) != BFS_OK) {
			return BFS_BAD;
		}
	}
	if (nulls == present)
		return BFS_EMPTY;
	if (nulls)
		return bad(out, first_null, "no price ('%.*s') in a row with prices",
			   (int)(f[first_null].n > 16 ? 16 : f[first_null].n), f[first_null].s);
	if (!L->has_ohl)
		out->v[0] = out->v[1] = out->v[2] = out->v[3];
	int vc = L->col[BR_VOLUME];
	out->v[4] = 0;
	if (vc >= 0 && value(f[vc], vc, &out->v[4], out) != BFS_OK)
		return BFS_BAD;
	if (L->adjusted) {
		int ac = L->col[BR_ADJ_CLOSE];
		int64_t adj;
		if (value(f[ac], ac, &adj, out) != BFS_OK)
			return BFS_BAD;
		if (adj <= 0)
			return bad(out, ac, "adjusted close must be > 0 (got '%.*s')",
				   (int)(f[ac].n > 32 ? 32 : f[ac].n), f[ac].s);
		/* factor = adj / close per row; a close <= 0 is refused by the bar checks. */
		for (int k = 0; k < 4 && out->v[3] > 0; k++)
			if (out->v[k] > 0)
				out->v[k] = k == 3 ? adj : mul_div(out->v[k], adj, out->v[3]);
	}
	return BFS_OK;
}

/* ---- the row ---- */

static bf_status per_column(bar_layout *L, csv_field p, bar_fields *out)
{
	if (L->per[0] == '\0') {
		if (p.n == 0 || p.n >= sizeof L->per)
			return bad(out, L->col[BR_PER], "'%.*s' is not a period", (int)(p.n > 16 ? 16
				   : p.n), p.s);
		memcpy(L->per, p.s, p.n);
		L->per[p.n] = '\0';
		char c = g_ascii_toupper(p.s[0]);
		L->per_daily = p.n == 1 && (c == 'D' || c == 'W' || c == 'M' || c == 'Q' || c == 'Y');
		return BFS_OK;
	}
	if (!csv_field_is(p, L->per))
		return bad(out, L->col[BR_PER], "period '%.*s', but the file's first row has '%s': one "
			   "period per file", (int)(p.n > 16 ? 16 : p.n), p.s, L->per);
	return BFS_OK;
}

bf_status bar_fields_parse(bar_layout *L, uint64_t line, const char *s, size_t n, bar_fields *out)
{
	csv_field f[CSV_MAX_FIELDS];
	size_t got = csv_split(s, n, f, CSV_MAX_FIELDS);
	out->rounded = 0;
	out->local = false;
	out->field = -1;
	out->sym = (csv_field){ NULL, 0 };
	if (got != L->n_fields)
		return bad(out, -1, "expected %u comma-separated fields, found %zu", L->n_fields, got);
	if (L->col[BR_PER] >= 0 && per_column(L, f[L->col[BR_PER]], out) != BFS_OK)
		return BFS_BAD;
	bf_status vs = values(L, f, out);
	if (vs != BFS_OK)
		return vs;
	int st, c;
	if (L->col[BR_TS] >= 0) {
		c = L->col[BR_TS];
		st = text_time(L, line, f[c].s, f[c].n, out, &L->tc);
	} else {
		st = split_time(L, line, f[L->col[BR_DATE]], f[L->col[BR_TIME]], out, &c);
		if (st == BT_NO_TZ || st == TSP_RANGE) {
			/* The date and the time together are what is refused. */
			char both[80];
			csv_field d = f[L->col[BR_DATE]], t = f[L->col[BR_TIME]];
			int len = snprintf(both, sizeof both, "%.*s %.*s", (int)(d.n > 32 ? 32 : d.n),
					   d.s, (int)(t.n > 32 ? 32 : t.n), t.s);
			bar_time_why(L, st, both, (size_t)len, out->why, sizeof out->why);
			out->field = c;
			return BFS_BAD;
		}
	}
	if (st != TSP_OK) {
		bar_time_why(L, st, f[c].s, f[c].n, out->why, sizeof out->why);
		out->field = c;
		return BFS_BAD;
	}
	if (L->col[BR_SYMBOL] >= 0)
		out->sym = f[L->col[BR_SYMBOL]];
	return BFS_OK;
}
