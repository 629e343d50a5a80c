/*
 * Trade plans: a CSV of explicit intents (symbol, side, qty or notional, optional limit,
 * take_profit, stop_loss, max_hold), read and checked whole - plans are short - and handed out
 * as paper_intent values for paper_session_submit_intent().
 */
#include <paper/replay.h>
#include <string.h>

#include "base/csvread.h"
#include "base/error.h"
#include "base/fixed.h"
#include "base/fxtext.h"
#include "config/config.h"

typedef enum plan_col { PCOL_SYMBOL, PCOL_SIDE, PCOL_QTY, PCOL_NOTIONAL, PCOL_LIMIT, PCOL_TP,
			PCOL_SL, PCOL_MAX_HOLD, PCOL__N } plan_col;

static const char *const pcol_names[PCOL__N] = {
	[PCOL_SYMBOL] = "symbol", [PCOL_SIDE] = "side", [PCOL_QTY] = "qty",
	[PCOL_NOTIONAL] = "notional", [PCOL_LIMIT] = "limit", [PCOL_TP] = "take_profit",
	[PCOL_SL] = "stop_loss", [PCOL_MAX_HOLD] = "max_hold",
};

typedef struct plan_row {
	char symbol[PAPER_SYMBOL_MAX + 1];
	paper_direction dir;
	int64_t v[PCOL__N];   /* qty .. stop_loss in 1e-8; max_hold in microseconds */
	uint64_t line;
} plan_row;

struct paper_plan {
	GArray *rows; /* plan_row */
};

typedef struct plan_reader {
	csv_reader csv;
	int8_t role[CSV_MAX_FIELDS];
	uint8_t n_fields;
} plan_reader;

static int bad(const plan_reader *pr, const char *field, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static int bad(const plan_reader *pr, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *why = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (field)
		paper__error(PAPER_EFORMAT, "%s:%" G_GUINT64_FORMAT ": field '%s': %s", pr->csv.path,
			     pr->csv.line, field, why);
	else
		paper__error(PAPER_EFORMAT, "%s:%" G_GUINT64_FORMAT ": %s", pr->csv.path, pr->csv.line,
			     why);
	g_free(why);
	return PAPER_EFORMAT;
}

static int read_header(plan_reader *pr, const char *line, size_t len)
{
	csv_field f[CSV_MAX_FIELDS];
	size_t n = csv_split(line, len, f, CSV_MAX_FIELDS);
	bool have[PCOL__N] = { false };

	if (n > CSV_MAX_FIELDS)
		return bad(pr, NULL, "header: %zu columns, at most %d", n, CSV_MAX_FIELDS);
	for (size_t i = 0; i < n; i++) {
		int c = 0;
		while (c < PCOL__N && !csv_field_is(f[i], pcol_names[c]))
			c++;
		if (c == PCOL__N || have[c])
			return bad(pr, NULL, "header: %s column '%.*s' (the columns are symbol, side, "
				   "qty and/or notional, and optionally limit, take_profit, stop_loss, "
				   "max_hold)", c == PCOL__N ? "unknown" : "repeated", (int)f[i].n, f[i].s);
		have[c] = true;
		pr->role[i] = (int8_t)c;
	}
	if (!have[PCOL_SYMBOL] || !have[PCOL_SIDE] || (!have[PCOL_QTY] && !have[PCOL_NOTIONAL]))
		return bad(pr, NULL, "header: symbol, side and qty or notional are required");
	pr->n_fields = (uint8_t)n;
	return PAPER_OK;
}

/* "48h", "5d", "90m", "3600s", "1.5d": a positive amount of time with a unit. */
static int parse_hold(const plan_reader *pr, csv_field f, int64_t *us)
{
	static const struct { char unit; int64_t seconds; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 } };
	int64_t amount;
	if (f.n >= 2) {
		for (size_t i = 0; i < G_N_ELEMENTS(units); i++) {
			if (f.s[f.n - 1] != units[i].unit || fx_parse(f.s, f.n - 1, &amount) != FXP_OK ||
			    amount <= 0 || amount > INT64_C(100) * 366 * 86400 / units[i].seconds * FX_SCALE)
				continue;
			/* amount is 1e-8 units of the unit; microseconds = amount x seconds / 100. */
			*us = (int64_t)((fx_wide)amount * units[i].seconds / 100);
			if (*us > 0)
				return PAPER_OK;
		}
	}
	return bad(pr, "max_hold", "'%.*s' is not a time like 48h, 5d, 90m or 3600s (> 0, at most "
		   "100 years)", (int)(f.n > 64 ? 64 : f.n), f.s);
}

static int parse_side(const plan_reader *pr, csv_field f, paper_direction *dir)
{
	static const char *const names[] = { "LONG", "BUY", "SHORT", "SELL" };
	for (int i = 0; i < 4; i++)
		if (f.n == strlen(names[i]) && g_ascii_strncasecmp(f.s, names[i], f.n) == 0) {
			*dir = i < 2 ? PAPER_LONG : PAPER_SHORT;
			return PAPER_OK;
		}
	return bad(pr, "side", "'%.*s' is not LONG, SHORT, BUY or SELL", (int)(f.n > 64 ? 64 : f.n),
		   f.s);
}

static int parse_field(const plan_reader *pr, csv_field f, int c, plan_row *row)
{
	if (c == PCOL_SYMBOL) {
		if (f.n == 0 || f.n > PAPER_SYMBOL_MAX)
			return bad(pr, "symbol", "'%.*s' is not a valid symbol", (int)(f.n > 64 ? 64 : f.n), f.s);
		memcpy(row->symbol, f.s, f.n);
		row->symbol[f.n] = '\0';
		return paper__symbol_valid(row->symbol) ? PAPER_OK
			: bad(pr, "symbol", "'%s' is not a valid symbol", row->symbol);
	}
	if (c == PCOL_SIDE)
		return parse_side(pr, f, &row->dir);
	if (f.n == 0)
		return PAPER_OK; /* empty: not set */
	if (c == PCOL_MAX_HOLD)
		return parse_hold(pr, f, &row->v[c]);
	fx_parse_status st = fx_parse(f.s, f.n, &row->v[c]);
	if (st != FXP_OK)
		return bad(pr, pcol_names[c], "%s '%.*s'", fx_parse_why(st), (int)(f.n > 64 ? 64 : f.n),
			   f.s);
	if (row->v[c] <= 0)
		return bad(pr, pcol_names[c], "must be > 0, or empty");
	return PAPER_OK;
}

/* Rules across the fields of a row. */
static int check_row(const plan_reader *pr, const plan_row *row)
{
	const int64_t *v = row->v;
	if ((v[PCOL_QTY] != 0) == (v[PCOL_NOTIONAL] != 0))
		return bad(pr, v[PCOL_QTY] ? "notional" : "qty", "exactly one of qty and notional must "
			   "be set");
	if (v[PCOL_QTY] > INT64_C(1000000000) * FX_SCALE)
		return bad(pr, "qty", "more than 1e9 units");
	bool lng = row->dir == PAPER_LONG;
	if (v[PCOL_TP] && v[PCOL_SL] && (lng ? v[PCOL_TP] <= v[PCOL_SL] : v[PCOL_TP] >= v[PCOL_SL]))
		return bad(pr, "take_profit", "must be %s the stop_loss for a %s row",
			   lng ? "above" : "below", lng ? "LONG" : "SHORT");
	return PAPER_OK;
}

static int parse_line(plan_reader *pr, const char *line, size_t len, plan_row *row)
{
	csv_field f[CSV_MAX_FIELDS];
	size_t n = csv_split(line, len, f, CSV_MAX_FIELDS);
	int rc = PAPER_OK;

	memset(row, 0, sizeof *row);
	row->line = pr->csv.line;
	if (n != pr->n_fields)
		return bad(pr, NULL, "expected %u comma-separated fields, found %zu", pr->n_fields, n);
	for (size_t i = 0; i < n && rc == PAPER_OK; i++)
		rc = parse_field(pr, f[i], pr->role[i], row);
	return rc == PAPER_OK ? check_row(pr, row) : rc;
}

static int read_rows(plan_reader *pr, GArray *rows)
{
	const char *line;
	size_t len;
	int got = csv_next(&pr->csv, &line, &len);
	if (got == 0)
		return paper__error(PAPER_EFORMAT, "%s: empty file: no header line", pr->csv.path);
	int rc = got < 0 ? got : read_header(pr, line, len);
	while (rc == PAPER_OK && (got = csv_next(&pr->csv, &line, &len)) == 1) {
		plan_row row;
		rc = parse_line(pr, line, len, &row);
		if (rc == PAPER_OK)
			g_array_append_val(rows, row);
	}
	return rc != PAPER_OK ? rc : got;
}

PAPER_API int paper_plan_read(paper_plan **out, const char *path)
{
	PAPER__CHECK_NULL(out, "out");
	PAPER__CHECK_NULL(path, "path");
	plan_reader pr;
	memset(&pr, 0, sizeof pr);
	int rc = csv_open(&pr.csv, path);
	if (rc != PAPER_OK)
		return rc;
	GArray *rows = g_array_new(FALSE, FALSE, sizeof(plan_row));
	rc = read_rows(&pr, rows);
	csv_close(&pr.csv);
	if (rc != PAPER_OK) {
		g_array_unref(rows);
		return rc;
	}
	paper_plan *p = g_new0(paper_plan, 1);
	p->rows = rows;
	*out = p;
	return PAPER_OK;
}

PAPER_API void paper_plan_free(paper_plan *p)
{
	if (p == NULL)
		return;
	g_array_unref(p->rows);
	g_free(p);
}

PAPER_API size_t paper_plan_count(const paper_plan *p)
{
	return p ? p->rows->len : 0;
}

PAPER_API int paper_plan_get(const paper_plan *p, size_t index, paper_intent *out)
{
	PAPER__CHECK_NULL(p, "plan");
	PAPER__CHECK_NULL(out, "out");
	if (out->version != PAPER_INTENT_VERSION)
		return paper__error(PAPER_EVERSION, "paper_intent version %u unsupported", out->version);
	if (index >= p->rows->len)
		return paper__error(PAPER_ERANGE, "plan row %zu >= %u", index, p->rows->len);
	const plan_row *row = &g_array_index(p->rows, plan_row, index);
	*out = (paper_intent)PAPER_INTENT_INIT;
	out->symbol = row->symbol;
	out->direction = row->dir;
	out->qty = fx_to_double(row->v[PCOL_QTY]);
	out->notional = fx_to_double(row->v[PCOL_NOTIONAL]);
	out->limit_price = fx_to_double(row->v[PCOL_LIMIT]);
	out->take_profit = fx_to_double(row->v[PCOL_TP]);
	out->stop_loss = fx_to_double(row->v[PCOL_SL]);
	out->max_hold = row->v[PCOL_MAX_HOLD];
	return PAPER_OK;
}

PAPER_API uint64_t paper_plan_line(const paper_plan *p, size_t index)
{
	return p && index < p->rows->len ? g_array_index(p->rows, plan_row, index).line : 0;
}
