/*
 * Bar sources of a replay: CSV files read as streams (one row at a time from a fixed buffer)
 * and in-memory columns. Every row is checked here, before the broker sees it, so a problem
 * is reported with its file, line and field: a malformed number or time, a price <= 0, high
 * below low, open or close outside the range, negative volume, rows out of time order,
 * duplicate bars of a symbol.
 */
#include "sim/replay.h"

#include <math.h>
#include <string.h>

#include "base/error.h"
#include "base/fixed.h"
#include "base/fxblock.h"
#include "base/fxtext.h"
#include "config/config.h"
#include "market/broker_store.h"

static const char *const col_names[COL__N] = {
	[COL_TS] = "timestamp", [COL_SYMBOL] = "symbol", [COL_OPEN] = "open", [COL_HIGH] = "high",
	[COL_LOW] = "low",      [COL_CLOSE] = "close",   [COL_VOLUME] = "volume",
};

/* The column holding each of open, high, low, close, volume (bar_row.v order). */
static const bar_col value_cols[5] = { COL_OPEN, COL_HIGH, COL_LOW, COL_CLOSE, COL_VOLUME };

#define SKIPPED 1 /* a bad row skipped under skip_bad_rows */

void replay__where(const bar_src *src, uint64_t line, char *buf, size_t cap)
{
	if (src->kind == SRC_CSV)
		g_snprintf(buf, cap, "%s:%" G_GUINT64_FORMAT, src->name, line);
	else
		g_snprintf(buf, cap, "%s, row %" G_GUINT64_FORMAT, src->name, line);
}

/* A bad row: skipped and counted, or the run fails naming the place and the field. */
static int bad_row(paper_replay *r, const bar_src *src, uint64_t line, const char *field,
		   const char *fmt, ...) G_GNUC_PRINTF(5, 6);

static int bad_row(paper_replay *r, const bar_src *src, uint64_t line, const char *field,
		   const char *fmt, ...)
{
	if (r->o.skip_bad_rows) {
		r->st.rows_skipped++;
		return SKIPPED;
	}
	char where[512];
	va_list ap;
	va_start(ap, fmt);
	char *why = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	replay__where(src, line, where, sizeof where);
	if (field)
		paper__error(PAPER_EFORMAT, "%s: field '%s': %s", where, field, why);
	else
		paper__error(PAPER_EFORMAT, "%s: %s", where, why);
	g_free(why);
	return PAPER_EFORMAT;
}

sym_track *replay__track(paper_replay *r, uint32_t sym)
{
	if (sym >= r->n_track) {
		/* Doubling: a universe of a million symbols is declared one at a time. */
		uint32_t n = r->n_track * 2 > sym + 16 ? r->n_track * 2 : sym + 16;
		r->track = g_renew(sym_track, r->track, n);
		for (uint32_t i = r->n_track; i < n; i++) /* no row yet: before any time */
			r->track[i] = (sym_track){ .last_ts = INT64_MIN };
		r->n_track = n;
	}
	return &r->track[sym];
}

/* ---- adding sources ---- */

static bar_src *src_new(paper_replay *r, src_kind kind, const char *name)
{
	bar_src *src = g_new0(bar_src, 1);
	src->kind = kind;
	src->name = g_strdup(name);
	src->order = r->bars->len;
	src->csv.fd = -1;
	src->prev_ts = INT64_MIN;
	src->at = &src->cur;
	return src;
}

void replay__bar_src_free(gpointer p)
{
	bar_src *src = p;
	if (src->kind == SRC_CSV)
		csv_close(&src->csv);
	g_free(src->sym_map);
	g_free(src->blk);
	g_free(src->name);
	g_free(src);
}

/* Claim a symbol for src: each symbol's bars come from one source. */
static int declare(paper_replay *r, const bar_src *src, const char *name, uint32_t *sym)
{
	const bar_src *owner = g_hash_table_lookup(r->declared, name);
	/* A malformed OCC look-alike is refused here, not traded as an equity. */
	int rc = owner ? PAPER_OK : paper__broker_symbol_check(r->b, name);
	if (rc != PAPER_OK)
		return rc;
	if (owner && owner != src)
		return paper__error(PAPER_EFORMAT, "%s: symbol %s already comes from %s", src->name,
				    name, owner->name);
	if (owner == NULL)
		g_hash_table_insert(r->declared, g_strdup(name), (gpointer)src);
	*sym = paper__broker_symbol(r->b, name);
	replay__track(r, *sym);
	session__pos(r->s, *sym); /* session__on_bar_fx() relies on it */
	return PAPER_OK;
}

/* Map the header's columns; every name known, none twice, all but symbol present. */
static int read_header(bar_src *src, const char *line, size_t len)
{
	csv_field f[CSV_MAX_FIELDS];
	size_t n = csv_split(line, len, f, CSV_MAX_FIELDS);
	bool have[COL__N] = { false };

	if (n > CSV_MAX_FIELDS)
		return paper__error(PAPER_EFORMAT, "%s:1: header: %zu columns, at most %d", src->name,
				    n, CSV_MAX_FIELDS);
	for (size_t i = 0; i < n; i++) {
		int c = 0;
		while (c < COL__N && !csv_field_is(f[i], col_names[c]))
			c++;
		if (c == COL__N || have[c])
			return paper__error(PAPER_EFORMAT, "%s:1: header: %s column '%.*s' (the columns "
					    "are timestamp, open, high, low, close, volume and "
					    "optionally symbol)", src->name,
					    c == COL__N ? "unknown" : "repeated", (int)f[i].n, f[i].s);
		have[c] = true;
		src->role[i] = (int8_t)c;
	}
	for (int c = 0; c < COL__N; c++)
		if (!have[c] && c != COL_SYMBOL)
			return paper__error(PAPER_EFORMAT, "%s:1: header: no '%s' column", src->name,
					    col_names[c]);
	src->n_fields = (uint8_t)n;
	src->has_symbol = have[COL_SYMBOL];
	return PAPER_OK;
}

/* The symbol a file without a symbol column holds: its name without ".csv". */
static int file_symbol(const char *path, char *out, size_t cap)
{
	char *base = g_path_get_basename(path);
	size_t n = strlen(base);
	if (n > 4 && strcmp(base + n - 4, ".csv") == 0)
		base[n - 4] = '\0';
	int rc = paper__symbol_valid(base) ? PAPER_OK
		 : paper__error(PAPER_EFORMAT, "%s: the file name '%s' is not a valid symbol (1-%d of "
				"A-Z a-z 0-9 . _ / : ^ = -); add a symbol column instead", path, base,
				PAPER_SYMBOL_MAX);
	g_strlcpy(out, base, cap);
	g_free(base);
	return rc;
}

int replay__add_bars_file(paper_replay *r, const char *path)
{
	bar_src *src = src_new(r, SRC_CSV, path);
	const char *line;
	size_t len;
	int rc = csv_open(&src->csv, path);
	int got = rc == PAPER_OK ? csv_next(&src->csv, &line, &len) : rc;
	if (got == 0)
		rc = paper__error(PAPER_EFORMAT, "%s: empty file: no header line", path);
	else if (got < 0)
		rc = got;
	else
		rc = read_header(src, line, len);
	if (rc == PAPER_OK && !src->has_symbol) {
		char sym[PAPER_SYMBOL_MAX + 1];
		rc = file_symbol(path, sym, sizeof sym);
		if (rc == PAPER_OK)
			rc = declare(r, src, sym, &src->file_sym);
	}
	if (rc != PAPER_OK) {
		replay__bar_src_free(src);
		return rc;
	}
	r->open_symbols |= src->has_symbol;
	r->bytes_total += src->csv.size;
	g_ptr_array_add(r->bars, src);
	return PAPER_OK;
}

static gint cmp_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int replay__add_bars_dir(paper_replay *r, const char *path)
{
	GError *err = NULL;
	GDir *dir = g_dir_open(path, 0, &err);
	if (dir == NULL) {
		int rc = paper__error(PAPER_EIO, "%s: %s", path, err->message);
		g_error_free(err);
		return rc;
	}
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	for (const char *n; (n = g_dir_read_name(dir));)
		if (g_str_has_suffix(n, ".csv"))
			g_ptr_array_add(names, g_build_filename(path, n, NULL));
	g_dir_close(dir);
	g_ptr_array_sort(names, cmp_names);
	int rc = names->len ? PAPER_OK
			    : paper__error(PAPER_EIO, "%s: no *.csv files in the directory", path);
	for (guint i = 0; i < names->len && rc == PAPER_OK; i++)
		if (!g_file_test(names->pdata[i], G_FILE_TEST_IS_DIR))
			rc = replay__add_bars_file(r, names->pdata[i]);
	g_ptr_array_unref(names);
	return rc;
}

static int check_columns(const paper_bar_columns *c)
{
	PAPER__CHECK_NULL(c, "cols");
	if (c->version != PAPER_BAR_COLUMNS_VERSION)
		return paper__error(PAPER_EVERSION, "paper_bar_columns version %u unsupported",
				    c->version);
	bool dbl = c->open || c->high || c->low || c->close;
	bool fx = c->open_e8 || c->high_e8 || c->low_e8 || c->close_e8;
	if (c->n_rows == 0)
		return PAPER_OK;
	if (dbl == fx || (dbl && (!c->open || !c->high || !c->low || !c->close || c->volume_e8)) ||
	    (fx && (!c->open_e8 || !c->high_e8 || !c->low_e8 || !c->close_e8 || c->volume)))
		return paper__error(PAPER_EINVAL, "bar columns: give open, high, low, close (and "
				    "volume) either all as doubles or all as *_e8 integers");
	if (c->ts == NULL || c->symbols == NULL || c->n_symbols == 0 ||
	    (c->symbol == NULL && c->n_symbols != 1))
		return paper__error(PAPER_EINVAL, "bar columns: ts, symbols and (with more than one "
				    "symbol) the per-row symbol index are required");
	return PAPER_OK;
}

int replay__add_columns(paper_replay *r, const paper_bar_columns *cols)
{
	int rc = check_columns(cols);
	if (rc != PAPER_OK)
		return rc;
	for (size_t k = 0; k < (cols->n_rows ? cols->n_symbols : 0); k++)
		if (!paper__symbol_valid(cols->symbols[k]))
			return paper__error(PAPER_EINVAL, "bar columns: symbols[%zu] '%s' is not a valid "
					    "symbol", k, cols->symbols[k] ? cols->symbols[k] : "(null)");
	char name[32];
	g_snprintf(name, sizeof name, "columns #%u", r->bars->len + 1);
	bar_src *src = src_new(r, SRC_COLUMNS, name);
	src->cols = *cols;
	src->sym_map = g_new0(uint32_t, cols->n_rows ? cols->n_symbols : 1);
	src->blk = g_new(bar_row, COL_BLOCK);
	for (size_t k = 0; k < (cols->n_rows ? cols->n_symbols : 0) && rc == PAPER_OK; k++)
		rc = declare(r, src, cols->symbols[k], &src->sym_map[k]);
	if (rc != PAPER_OK) {
		/* Nothing of this source may stay declared. */
		GHashTableIter it;
		gpointer key, owner;
		g_hash_table_iter_init(&it, r->declared);
		while (g_hash_table_iter_next(&it, &key, &owner))
			if (owner == src)
				g_hash_table_iter_remove(&it);
		replay__bar_src_free(src);
		return rc;
	}
	r->rows_total += cols->n_rows;
	g_ptr_array_add(r->bars, src);
	return PAPER_OK;
}

/* ---- checking a row ---- */

static const char *fx_text(int64_t v, char *buf)
{
	fx_format(buf, v, 0);
	return buf;
}

/* The slow path of check_row(): which rule the row breaks. */
static int explain_row(paper_replay *r, const bar_src *src, const bar_row *row, const sym_track *t)
{
	const int64_t *v = row->v;
	char a[FX_TEXT_CAP], b[FX_TEXT_CAP];
	for (int i = 0; i < 4; i++)
		if (v[i] <= 0 || v[i] > FX_PRICE_MAX)
			return bad_row(r, src, row->line, col_names[value_cols[i]],
				       "price must be > 0 and at most 90000000000 (got %s)",
				       fx_text(v[i], a));
	if (v[4] < 0)
		return bad_row(r, src, row->line, "volume", "negative volume %s", fx_text(v[4], a));
	if (v[4] > FX_QTY_MAX)
		return bad_row(r, src, row->line, "volume", "volume %s above the largest 90000000000",
			       fx_text(v[4], a));
	if (v[1] < v[2])
		return bad_row(r, src, row->line, "high", "high %s is below low %s", fx_text(v[1], a),
			       fx_text(v[2], b));
	if (v[0] < v[2] || v[0] > v[1])
		return bad_row(r, src, row->line, "open", "open %s is outside [low, high]",
			       fx_text(v[0], a));
	if (v[3] < v[2] || v[3] > v[1])
		return bad_row(r, src, row->line, "close", "close %s is outside [low, high]",
			       fx_text(v[3], a));
	if (!ts_in_range(row->ts))
		return bad_row(r, src, row->line, "timestamp", "%" G_GINT64_FORMAT " is outside "
			       "1970-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999Z", row->ts);
	if (row->ts < src->prev_ts)
		return bad_row(r, src, row->line, "timestamp", "not sorted: earlier than %s %"
			       G_GUINT64_FORMAT, src->kind == SRC_CSV ? "line" : "row", src->prev_line);
	if (row->ts == t->last_ts)
		return bad_row(r, src, row->line, "timestamp", "duplicate timestamp (also on %s %"
			       G_GUINT64_FORMAT ")", src->kind == SRC_CSV ? "line" : "row", t->last_line);
	return bad_row(r, src, row->line, "timestamp", "not sorted: earlier than %s %" G_GUINT64_FORMAT
		       " of the same symbol", src->kind == SRC_CSV ? "line" : "row", t->last_line);
}

/*
 * Does a row break none of the rules explain_row() names? prev is the source's previous row's
 * time, last the symbol's. Without branches, so a block of rows is checked in a tight loop.
 */
static inline bool values_ok(const bar_row *row)
{
	/* Unsigned, so one compare is a range: 1 <= low <= high <= the price limit, then open
	 * and close in [low, high] as their distance above low (a value below low wraps to one
	 * far above any range), 0 <= volume. low > 0 and high within the limit bound the open and
	 * the close too; *_e8 columns reach here unchecked. */
	uint64_t o = (uint64_t)row->v[0], h = (uint64_t)row->v[1], l = (uint64_t)row->v[2];
	uint64_t c = (uint64_t)row->v[3], range = h - l;
	return (l - 1 < h) & (h <= (uint64_t)FX_PRICE_MAX) & (o - l <= range) & (c - l <= range) &
	       ((uint64_t)row->v[4] <= (uint64_t)FX_QTY_MAX);
}

static inline bool time_ok(const bar_row *row, paper_ts prev, paper_ts last)
{
	return ((uint64_t)row->ts <= (uint64_t)PAPER_TS_MAX) & (row->ts >= prev) & (row->ts > last);
}

static inline bool row_ok(const bar_row *row, paper_ts prev, paper_ts last)
{
	/* Both evaluated, no branch between them; as ints, since clang takes a bitwise & of two
	 * bools for a mistyped && (-Wbitwise-instead-of-logical). */
	return (int)values_ok(row) & (int)time_ok(row, prev, last);
}

/* 0 for a good row (now remembered), SKIPPED, or an error. */
static inline int check_row(paper_replay *r, bar_src *src, const bar_row *row)
{
	sym_track *t = &r->track[row->sym];
	if (G_UNLIKELY(!row_ok(row, src->prev_ts, t->last_ts)))
		return explain_row(r, src, row, t);
	src->prev_ts = row->ts;
	src->prev_line = row->line;
	t->last_ts = row->ts;
	t->last_line = row->line;
	return PAPER_OK;
}

/* ---- CSV rows ---- */

static int row_symbol(paper_replay *r, bar_src *src, csv_field f, uint64_t line, uint32_t *sym)
{
	for (uint32_t i = 0; i < src->n_hints; i++)
		if (src->hints[i].len == f.n && memcmp(src->hints[i].name, f.s, f.n) == 0) {
			*sym = src->hints[i].sym;
			return PAPER_OK;
		}
	char name[PAPER_SYMBOL_MAX + 1];
	if (f.n == 0 || f.n > PAPER_SYMBOL_MAX)
		return bad_row(r, src, line, "symbol", "'%.*s' is not a valid symbol", (int)(f.n > 64 ? 64 : f.n), f.s);
	memcpy(name, f.s, f.n);
	name[f.n] = '\0';
	if (!paper__symbol_valid(name))
		return bad_row(r, src, line, "symbol", "'%s' is not a valid symbol", name);
	int rc = declare(r, src, name, sym);
	if (rc != PAPER_OK) {
		char where[512], *why = g_strdup(paper_last_error());
		replay__where(src, line, where, sizeof where);
		rc = paper__error(PAPER_EFORMAT, "%s: field 'symbol': %s", where, why);
		g_free(why);
		return rc;
	}
	if (src->n_hints < SYM_HINTS) {
		sym_hint *h = &src->hints[src->n_hints++];
		memcpy(h->name, name, f.n + 1);
		h->len = f.n;
		h->sym = *sym;
	}
	return PAPER_OK;
}

static int value_error(paper_replay *r, bar_src *src, uint64_t line, int c, fx_parse_status st,
		       const char *s, const char *e)
{
	int n = (int)(e - s > 64 ? 64 : e - s);
	return bad_row(r, src, line, col_names[c], "%s '%.*s'",
		       st == FXP_EMPTY || st == FXP_MALFORMED ? "malformed number" : fx_parse_why(st),
		       n, s);
}

static int count_error(paper_replay *r, bar_src *src, const char *line, size_t len)
{
	csv_field f[CSV_MAX_FIELDS];
	return bad_row(r, src, src->csv.line, NULL, "expected %u comma-separated fields, found %zu",
		       src->n_fields, csv_split(line, len, f, CSV_MAX_FIELDS));
}

/* The end of the field at p: the next ',' or e. ISO times are 20 characters. */
static inline const char *field_end(const char *p, const char *e)
{
	if (e - p >= 20 && p[4] == '-' && p[19] == 'Z' && (e - p == 20 || p[20] == ','))
		return p + 20;
	while (p < e && *p != ',')
		p++;
	return p;
}

static int parse_text_field(paper_replay *r, bar_src *src, int c, const char *p, const char *q)
{
	bar_row *row = &src->cur;
	if (c == COL_SYMBOL)
		return row_symbol(r, src, (csv_field){ p, (size_t)(q - p) }, row->line, &row->sym);
	ts_parse_status st = ts_parse(p, (size_t)(q - p), &row->ts, &src->tc);
	return G_LIKELY(st == TSP_OK) ? PAPER_OK
	       : bad_row(r, src, row->line, "timestamp", "%s", ts_parse_why(st, p, (size_t)(q - p)));
}

/*
 * One CSV line into src->cur: 0, SKIPPED or an error. Fields are parsed where they stand, in
 * one pass over the line (no separate split).
 */
static int parse_bar_line(paper_replay *r, bar_src *src, const char *line, size_t len)
{
	bar_row *row = &src->cur;
	const char *p = line, *e = line + len, *q;
	row->line = src->csv.line;
	row->sym = src->file_sym;
	for (unsigned i = 0; i < src->n_fields; i++, p = q) {
		if (i > 0 && p++ == e)
			return count_error(r, src, line, len);
		int c = src->role[i], rc;
		if (c >= COL_OPEN) {
			fx_parse_status st = fx_parse_field(p, e, &row->v[c - COL_OPEN], &q);
			rc = G_LIKELY(st == FXP_OK) ? PAPER_OK : value_error(r, src, row->line, c, st, p, q);
		} else {
			q = field_end(p, e);
			rc = parse_text_field(r, src, c, p, q);
		}
		if (rc != PAPER_OK)
			return rc;
	}
	if (p != e)
		return count_error(r, src, line, len);
	return check_row(r, src, row);
}

static int csv_next_row(paper_replay *r, bar_src *src)
{
	const char *line;
	size_t len;
	for (;;) {
		int got = csv_next(&src->csv, &line, &len);
		if (got <= 0)
			return got;
		r->rows_read++;
		int rc = parse_bar_line(r, src, line, len);
		if (rc == PAPER_OK)
			return 1;
		if (rc != SKIPPED)
			return rc;
	}
}

/* ---- column rows ---- */

/* A double that is not a price: which column of row i. */
static int explain_double(paper_replay *r, bar_src *src, size_t i)
{
	const paper_bar_columns *c = &src->cols;
	const double *d[5] = { c->open, c->high, c->low, c->close, c->volume };
	int64_t v;
	for (int k = 0; k < 5; k++)
		if (d[k] && !fx_from_double(d[k][i], &v))
			return bad_row(r, src, i, col_names[value_cols[k]], "not a finite number of at "
				       "most 9e10 (got %g)", d[k][i]);
	return PAPER_OK;
}

/*
 * x as fixed-point, rounded half away from zero exactly as fx_from_double() does, without
 * branches (so a block of conversions pipelines); *bad is set for NaN, infinities and values
 * fx_from_double() refuses.
 */
static inline int64_t dbl_to_fx(double x, bool *bad)
{
	bool ok = fabs(x) <= FX_MAX_DOUBLE;
	*bad |= !ok;
	return fx_round_nb((ok ? x : 0.0) * (double)FX_SCALE);
}

/* Row i's values in 1e-8 into v: copied from *_e8 columns, or converted from doubles (bad set
 * when one is not a finite number fx_from_double() takes). */
static inline void column_values(const paper_bar_columns *c, size_t i, int64_t v[5], bool *bad)
{
	if (c->open_e8) {
		v[0] = c->open_e8[i];
		v[1] = c->high_e8[i];
		v[2] = c->low_e8[i];
		v[3] = c->close_e8[i];
		v[4] = c->volume_e8 ? c->volume_e8[i] : 0;
		return;
	}
	v[0] = dbl_to_fx(c->open[i], bad);
	v[1] = dbl_to_fx(c->high[i], bad);
	v[2] = dbl_to_fx(c->low[i], bad);
	v[3] = dbl_to_fx(c->close[i], bad);
	v[4] = c->volume ? dbl_to_fx(c->volume[i], bad) : 0;
}

#define ROW_WORDS (sizeof(bar_row) / sizeof(int64_t)) /* from one row's value to the next's */

/*
 * The values of rows [first, first + n) into the block one row at a time, up to the first row
 * with a value that is not a number fx_from_double() takes: the rows before it.
 */
static G_GNUC_NO_INLINE size_t convert_rows(const paper_bar_columns *c, size_t first, size_t n,
					   bar_row *blk)
{
	for (size_t j = 0; j < n; j++) {
		bool bad = false;
		column_values(c, first + j, blk[j].v, &bad);
		if (bad)
			return j;
	}
	return n;
}

/*
 * The values of rows [first, first + n) into the block: the number of rows before the first
 * with a value that is not a number fx_from_double() takes. *checked when they are all
 * ordinary bars (fx_block_bars()): values_ok() holds for each then.
 */
static size_t block_values(const paper_bar_columns *c, size_t first, size_t n, bar_row *blk,
			   bool *checked)
{
	*checked = false;
	if (c->open_e8)
		return convert_rows(c, first, n, blk);
	fx_bar_cols cols = { c->open + first, c->high + first, c->low + first, c->close + first,
			     c->volume ? c->volume + first : NULL };
	if (!fx_block_bars(&cols, n, &blk[0].v[0], ROW_WORDS))
		return convert_rows(c, first, n, blk);
	*checked = true;
	return n;
}

/*
 * The rest of rows [first, first + n) into the block (the symbol, the time) and the checks of
 * check_row() on them, up to the first row that breaks one: the number before it. *prev is the
 * source's previous time, then the last good row's. Good rows are remembered as check_row()
 * does. Apart, with locals only, so the loop keeps its values in registers.
 */
static inline size_t check_rows_as(const bar_src *src, sym_track *track, size_t first, size_t n,
				   bool checked, paper_ts *prev_ts)
{
	const uint32_t *symbol = src->cols.symbol, *map = src->sym_map;
	const paper_ts *ts = src->cols.ts + first;
	size_t n_symbols = src->cols.n_symbols, j;
	bar_row *blk = src->blk;
	paper_ts prev = *prev_ts;
	for (j = 0; j < n; j++) {
		uint32_t k = symbol ? symbol[first + j] : 0;
		if (k >= n_symbols)
			break;
		bar_row *row = &blk[j];
		row->ts = ts[j];
		row->sym = map[k];
		row->line = first + j;
		sym_track *t = &track[row->sym];
		if (!time_ok(row, prev, t->last_ts) || !(checked || values_ok(row)))
			break;
		prev = t->last_ts = row->ts;
		t->last_line = first + j;
	}
	*prev_ts = prev;
	return j;
}

/* check_rows_as() made twice: a loop without the value checks when they are done. */
static G_GNUC_NO_INLINE size_t check_rows(const bar_src *src, sym_track *track, size_t first,
					  size_t n, bool checked, paper_ts *prev_ts)
{
	return checked ? check_rows_as(src, track, first, n, true, prev_ts)
		       : check_rows_as(src, track, first, n, false, prev_ts);
}

/* The cache lines of column col's elements [first, first + n), of size bytes each. */
static inline void prefetch_column(const void *col, size_t first, size_t n, size_t size)
{
	if (col == NULL)
		return;
	const char *p = (const char *)col + first * size, *e = p + n * size;
	for (p = (const char *)((uintptr_t)p & ~(uintptr_t)63); p < e; p += 64)
		__builtin_prefetch(p);
}

/*
 * Ask for the block after the one at first while the merge works through this one (about
 * 100 cache lines, a few microseconds ahead). The hardware prefetchers do not run that far
 * ahead of a loop that reads a few bytes per bar and then spends tens of nanoseconds on it:
 * converting a block waited on memory for part of its lines (5% of a replay from double
 * columns, measured in CPU time on the benchmark, alternating builds).
 */
static void prefetch_next_block(const paper_bar_columns *c, size_t first)
{
	size_t next = first + COL_BLOCK;
	if (next >= c->n_rows)
		return;
	size_t n = c->n_rows - next < COL_BLOCK ? c->n_rows - next : COL_BLOCK;
	const void *v[5] = { c->open, c->high, c->low, c->close, c->volume };
	const void *e[5] = { c->open_e8, c->high_e8, c->low_e8, c->close_e8, c->volume_e8 };
	for (int k = 0; k < 5; k++) {
		prefetch_column(v[k], next, n, sizeof(double));
		prefetch_column(e[k], next, n, sizeof(int64_t));
	}
	prefetch_column(c->ts, next, n, sizeof(paper_ts));
	prefetch_column(c->symbol, next, n, sizeof(uint32_t));
}

/*
 * Rows from src->row on into the block, converted and checked in tight loops (the checks of
 * check_row(), no branch per field), up to the first row that breaks a rule: that one is left
 * for column_row() to name. Good rows are remembered as check_row() does. Returns their number.
 */
static size_t fill_block(bar_src *src, sym_track *track)
{
	const paper_bar_columns *c = &src->cols;
	size_t first = src->row, n = c->n_rows - first < COL_BLOCK ? c->n_rows - first : COL_BLOCK;
	bool checked;
	prefetch_next_block(c, first);
	n = block_values(c, first, n, src->blk, &checked);
	paper_ts prev = src->prev_ts;
	size_t j = check_rows(src, track, first, n, checked, &prev);
	if (j > 0) {
		src->prev_ts = prev;
		src->prev_line = first + j - 1;
	}
	return j;
}

/* Row i alone, with the reason when it is bad: 0 (good, in *row), SKIPPED or an error. */
static int column_row(paper_replay *r, bar_src *src, size_t i, bar_row *row)
{
	const paper_bar_columns *c = &src->cols;
	uint32_t k = c->symbol ? c->symbol[i] : 0;
	bool bad = false;
	r->rows_read++;
	row->line = i;
	row->ts = c->ts[i];
	if (k >= c->n_symbols)
		return bad_row(r, src, i, "symbol", "index %u is out of range (%zu symbols)", k,
			       c->n_symbols);
	row->sym = src->sym_map[k];
	column_values(c, i, row->v, &bad);
	return G_LIKELY(!bad) ? check_row(r, src, row) : explain_double(r, src, i);
}

int replay__columns_next(paper_replay *r, bar_src *src)
{
	src->blk_i = src->blk_n = 0;
	src->at = src->blk;
	while (src->row < src->cols.n_rows) {
		size_t n = fill_block(src, r->track);
		if (n > 0) {
			src->row += n;
			src->blk_n = n;
			r->rows_read++;
			return 1;
		}
		/* The row the block stopped at breaks a rule: named, or skipped and counted. */
		int rc = column_row(r, src, src->row++, src->blk);
		if (rc == PAPER_OK) {
			src->blk_n = 1;
			return 1;
		}
		if (rc != SKIPPED)
			return rc;
	}
	return 0;
}

int replay__csv_next(paper_replay *r, bar_src *src)
{
	return csv_next_row(r, src);
}
