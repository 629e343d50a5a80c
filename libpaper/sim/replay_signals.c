/*
 * Signal sources of a replay: a CSV file read one row ahead, or an array given in memory
 * (copied and sorted by time). Rows are checked for form here; whether the symbol has bars is
 * checked when the signal is due (replay.c), since bars may be added in any order.
 */
#include "sim/replay.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/fixed.h"
#include "base/fxtext.h"
#include "base/text.h"
#include "config/config.h"

static const char *const scol_names[SCOL__N] = {
	[SCOL_TS] = "timestamp",  [SCOL_SYMBOL] = "symbol",   [SCOL_SIDE] = "side",
	[SCOL_CONFIDENCE] = "confidence", [SCOL_TP] = "take_profit", [SCOL_SL] = "stop_loss",
	[SCOL_RISK] = "risk",     [SCOL_ID] = "signal_id",    [SCOL_STRATEGY] = "strategy",
	[SCOL_REF] = "ref_price",
};

#define SKIPPED 1

void replay__sig_where(const sig_src *src, uint64_t line, char *buf, size_t cap)
{
	if (src->is_file)
		g_snprintf(buf, cap, "%s:%" G_GUINT64_FORMAT, src->name, line);
	else
		g_snprintf(buf, cap, "%s[%" G_GUINT64_FORMAT "]", src->name, line);
}

static int bad_signal(paper_replay *r, const sig_src *src, uint64_t line, const char *field,
		      const char *fmt, ...) G_GNUC_PRINTF(5, 6);

static int bad_signal(paper_replay *r, const sig_src *src, uint64_t line, const char *field,
		      const char *fmt, ...)
{
	if (r && r->o.skip_bad_rows) {
		r->st.signals_skipped++;
		return SKIPPED;
	}
	char where[512];
	va_list ap;
	va_start(ap, fmt);
	char *why = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	replay__sig_where(src, line, where, sizeof where);
	if (field)
		paper__error(PAPER_EFORMAT, "%s: field '%s': %s", where, field, why);
	else
		paper__error(PAPER_EFORMAT, "%s: %s", where, why);
	g_free(why);
	return PAPER_EFORMAT;
}

void replay__sig_src_free(gpointer p)
{
	sig_src *src = p;
	if (src->is_file)
		csv_close(&src->csv);
	g_free(src->rows);
	if (src->texts)
		g_string_chunk_free(src->texts);
	g_free(src->name);
	g_free(src);
}

/* Checks shared by file rows and in-memory signals; field is set to the culprit. */
static const char *check_values(const sig_row *s, const char **field)
{
	static _Thread_local char why[160];
	if (!(s->confidence >= 0.0 && s->confidence <= 1.0)) {
		*field = "confidence";
		return "must be in [0, 1]";
	}
	if (!(s->risk >= 0.0 && s->risk <= 1.0)) {
		*field = "risk";
		return "must be in [0, 1]";
	}
	if (!(s->tp >= 0.0 && s->tp <= FX_MAX_DOUBLE) || !(s->sl >= 0.0 && s->sl <= FX_MAX_DOUBLE)) {
		*field = !(s->tp >= 0.0 && s->tp <= FX_MAX_DOUBLE) ? "take_profit" : "stop_loss";
		return "must be a price > 0, or empty";
	}
	if (s->tp > 0 && s->sl > 0 && (s->dir == PAPER_LONG ? s->tp <= s->sl : s->tp >= s->sl)) {
		*field = "take_profit";
		g_snprintf(why, sizeof why, "%.8g must be %s the stop_loss %.8g for a %s signal", s->tp,
			   s->dir == PAPER_LONG ? "above" : "below", s->sl,
			   s->dir == PAPER_LONG ? "LONG" : "SHORT");
		return why;
	}
	return NULL;
}

/* ---- files ---- */

static int read_header(sig_src *src, const char *line, size_t len)
{
	csv_field f[CSV_MAX_FIELDS];
	size_t n = csv_split(line, len, f, CSV_MAX_FIELDS);
	bool have[SCOL__N] = { false };

	if (n > CSV_MAX_FIELDS)
		return paper__error(PAPER_EFORMAT, "%s:1: header: %zu columns, at most %d", src->name,
				    n, CSV_MAX_FIELDS);
	for (size_t i = 0; i < n; i++) {
		int c = 0;
		while (c < SCOL__N && !csv_field_is(f[i], scol_names[c]))
			c++;
		if (c == SCOL__N || have[c])
			return paper__error(PAPER_EFORMAT, "%s:1: header: %s column '%.*s' (the columns "
					    "are timestamp, symbol, side, confidence and optionally "
					    "take_profit, stop_loss, risk, signal_id, strategy, "
					    "ref_price)",
					    src->name, c == SCOL__N ? "unknown" : "repeated", (int)f[i].n,
					    f[i].s);
		have[c] = true;
		src->role[i] = (int8_t)c;
	}
	for (int c = SCOL_TS; c <= SCOL_CONFIDENCE; c++)
		if (!have[c])
			return paper__error(PAPER_EFORMAT, "%s:1: header: no '%s' column", src->name,
					    scol_names[c]);
	src->n_fields = (uint8_t)n;
	return PAPER_OK;
}

int replay__add_signals_file(paper_replay *r, const char *path)
{
	sig_src *src = g_new0(sig_src, 1);
	const char *line;
	size_t len;
	src->is_file = true;
	src->name = g_strdup(path);
	int rc = csv_open(&src->csv, path);
	int got = rc == PAPER_OK ? csv_next(&src->csv, &line, &len) : rc;
	if (got == 0)
		rc = paper__error(PAPER_EFORMAT, "%s: empty file: no header line", path);
	else if (got < 0)
		rc = got;
	else
		rc = read_header(src, line, len);
	if (rc != PAPER_OK) {
		replay__sig_src_free(src);
		return rc;
	}
	g_ptr_array_add(r->sigs, src);
	return PAPER_OK;
}

static bool parse_side(csv_field f, paper_direction *dir)
{
	static const char *const longs[] = { "LONG", "BUY" }, *const shorts[] = { "SHORT", "SELL" };
	for (int i = 0; i < 2; i++) {
		if (f.n == strlen(longs[i]) && g_ascii_strncasecmp(f.s, longs[i], f.n) == 0)
			return (*dir = PAPER_LONG), true;
		if (f.n == strlen(shorts[i]) && g_ascii_strncasecmp(f.s, shorts[i], f.n) == 0)
			return (*dir = PAPER_SHORT), true;
	}
	return false;
}

/* A decimal field as a double (exactly the fixed-point value); empty gives 0 when allowed. */
static int parse_number(paper_replay *r, sig_src *src, csv_field f, int c, bool empty_ok,
			double *out)
{
	int64_t v = 0;
	if (f.n == 0 && empty_ok) {
		*out = 0.0;
		return PAPER_OK;
	}
	fx_parse_status st = fx_parse(f.s, f.n, &v);
	if (st != FXP_OK)
		return bad_signal(r, src, src->csv.line, scol_names[c], "%s '%.*s'",
				  fx_parse_why(st), (int)(f.n > 64 ? 64 : f.n), f.s);
	if (v <= 0 && (c == SCOL_TP || c == SCOL_SL || c == SCOL_REF))
		return bad_signal(r, src, src->csv.line, scol_names[c], "must be a price > 0, or empty "
				  "(got '%.*s')", (int)f.n, f.s);
	*out = fx_to_double(v);
	return PAPER_OK;
}

static int copy_text(paper_replay *r, sig_src *src, csv_field f, int c, char *dst, size_t cap)
{
	char why[PAPER_TEXT_WHY_MAX];
	if (f.n >= cap)
		return bad_signal(r, src, src->csv.line, scol_names[c], "longer than %zu bytes", cap - 1);
	/* Ids and tags reach log lines and CSV cells: nothing in them may start a line. */
	if (!paper__text_check(f.s, f.n, why))
		return bad_signal(r, src, src->csv.line, scol_names[c], "%s", why);
	memcpy(dst, f.s, f.n);
	dst[f.n] = '\0';
	if (c == SCOL_SYMBOL && !paper__symbol_valid(dst))
		return bad_signal(r, src, src->csv.line, "symbol", "'%s' is not a valid symbol", dst);
	return PAPER_OK;
}

static int parse_field(paper_replay *r, sig_src *src, csv_field f, int c, sig_row *s)
{
	switch (c) {
	case SCOL_TS: {
		ts_parse_status st = ts_parse(f.s, f.n, &s->ts, &src->tc);
		return st == TSP_OK ? PAPER_OK
				    : bad_signal(r, src, src->csv.line, "timestamp", "%s",
						 ts_parse_why(st, f.s, f.n));
	}
	case SCOL_SYMBOL:
		return copy_text(r, src, f, c, src->cur_symbol, sizeof src->cur_symbol);
	case SCOL_SIDE:
		return parse_side(f, &s->dir) ? PAPER_OK
		       : bad_signal(r, src, src->csv.line, "side", "'%.*s' is not LONG, SHORT, BUY or "
				    "SELL", (int)(f.n > 64 ? 64 : f.n), f.s);
	case SCOL_CONFIDENCE:
		return parse_number(r, src, f, c, false, &s->confidence);
	case SCOL_TP:
		return parse_number(r, src, f, c, true, &s->tp);
	case SCOL_SL:
		return parse_number(r, src, f, c, true, &s->sl);
	case SCOL_RISK:
		return parse_number(r, src, f, c, true, &s->risk);
	case SCOL_REF:
		return parse_number(r, src, f, c, true, &s->ref_price);
	case SCOL_ID:
		return copy_text(r, src, f, c, src->cur_id, sizeof src->cur_id);
	default:
		return copy_text(r, src, f, c, src->cur_strategy, sizeof src->cur_strategy);
	}
}

/* One line into src->cur: 0, SKIPPED or an error. */
static int parse_signal_line(paper_replay *r, sig_src *src, const char *line, size_t len)
{
	csv_field f[CSV_MAX_FIELDS];
	sig_row *s = &src->cur;
	size_t n = csv_split(line, len, f, CSV_MAX_FIELDS);
	int rc = PAPER_OK;

	memset(s, 0, sizeof *s);
	src->cur_symbol[0] = src->cur_id[0] = src->cur_strategy[0] = '\0';
	s->symbol = src->cur_symbol;
	s->id = src->cur_id;
	s->strategy = src->cur_strategy;
	s->line = src->csv.line;
	if (n != src->n_fields)
		return bad_signal(r, src, s->line, NULL, "expected %u comma-separated fields, found %zu",
				  src->n_fields, n);
	for (size_t i = 0; i < n && rc == PAPER_OK; i++)
		rc = parse_field(r, src, f[i], src->role[i], s);
	if (rc != PAPER_OK)
		return rc;
	const char *field = NULL, *why = check_values(s, &field);
	if (why)
		return bad_signal(r, src, s->line, field, "%s", why);
	if (src->has_prev && s->ts < src->prev_ts)
		return bad_signal(r, src, s->line, "timestamp", "not sorted: earlier than line %"
				  G_GUINT64_FORMAT, src->prev_line);
	src->has_prev = true;
	src->prev_ts = s->ts;
	src->prev_line = s->line;
	return PAPER_OK;
}

int replay__sig_next(paper_replay *r, sig_src *src)
{
	src->has_cur = false;
	if (!src->is_file) {
		if (src->i < src->n) { /* in place: a row is a few hundred bytes */
			src->at = &src->rows[src->i++];
			src->has_cur = true;
		}
		return PAPER_OK;
	}
	const char *line;
	size_t len;
	for (;;) {
		int got = csv_next(&src->csv, &line, &len);
		if (got <= 0)
			return got;
		int rc = parse_signal_line(r, src, line, len);
		if (rc == PAPER_OK) {
			src->at = &src->cur;
			src->has_cur = true;
			return PAPER_OK;
		}
		if (rc != SKIPPED)
			return rc;
	}
}

/* ---- in memory ---- */

/* An optional text checked and kept in the pool, once per distinct text (tags repeat); NULL
 * and "" are kept as "". */
static int copy_str(GStringChunk *pool, const char **dst, size_t cap, const char *s, size_t index,
		    const char *name)
{
	*dst = "";
	if (s == NULL)
		return PAPER_OK;
	if (strlen(s) >= cap)
		return paper__error(PAPER_EINVAL, "signals[%zu]: %s longer than %zu bytes", index, name,
				    cap - 1);
	char why[PAPER_TEXT_WHY_MAX];
	if (!paper__text_check(s, strlen(s), why))
		return paper__error(PAPER_EINVAL, "signals[%zu]: %s %s", index, name, why);
	if (*s)
		*dst = g_string_chunk_insert_const(pool, s);
	return PAPER_OK;
}

/* A version 1 paper_signal is the version 2 one without ref_price. */
#define SIGNAL_V1_SIZE offsetof(paper_signal, ref_price)

static int from_signal(const paper_signal *given, size_t i, GStringChunk *pool, sig_row *s)
{
	paper_signal full = PAPER_SIGNAL_INIT, *in = &full;
	memcpy(in, given, given->version == 1 ? SIGNAL_V1_SIZE : sizeof full);
	if (in->version == 1)
		in->ref_price = 0;
	if (!paper__symbol_valid(in->symbol))
		return paper__error(PAPER_EINVAL, "signals[%zu]: symbol '%s' is not a valid symbol", i,
				    in->symbol ? in->symbol : "(null)");
	if (in->direction != PAPER_LONG && in->direction != PAPER_SHORT)
		return paper__error(PAPER_EINVAL, "signals[%zu]: direction %d is not long or short", i,
				    (int)in->direction);
	if (in->ts <= 0)
		return paper__error(PAPER_EINVAL, "signals[%zu]: ts is required (> 0)", i);
	if (!(in->ref_price >= 0 && in->ref_price <= FX_MAX_DOUBLE))
		return paper__error(PAPER_EINVAL, "signals[%zu]: ref_price %g is not a price (or 0)",
				    i, in->ref_price);
	if (!ts_in_range(in->ts))
		return ts_range_error("signals[]", in->ts);
	/* Field by field: the row is mostly text buffers, and a signal without an id or a
	 * strategy needs one byte of each. */
	s->symbol = g_string_chunk_insert_const(pool, in->symbol); /* valid: within the limit */
	s->ts = in->ts;
	s->dir = in->direction;
	s->confidence = in->confidence < 0 ? -1.0 : in->confidence;
	s->risk = in->risk;
	s->ref_price = in->ref_price;
	s->tp = in->take_profit;
	s->sl = in->stop_loss;
	s->line = i;
	int rc = copy_str(pool, &s->id, PAPER_ID_MAX + 1, in->signal_id, i, "signal_id");
	if (rc == PAPER_OK)
		rc = copy_str(pool, &s->strategy, PAPER_TAG_MAX + 1, in->strategy, i, "strategy");
	if (rc != PAPER_OK)
		return rc;
	/* No confidence (-1) is allowed here: checked as 0, without copying the row. */
	double confidence = s->confidence;
	s->confidence = confidence < 0 ? 0.0 : confidence;
	const char *field = NULL, *why = check_values(s, &field);
	s->confidence = confidence;
	if (why)
		return paper__error(PAPER_EINVAL, "signals[%zu]: %s %s", i, field, why);
	return PAPER_OK;
}

/* By time, then by position in the array: a stable order. */
static int cmp_rows(const void *a, const void *b)
{
	const sig_row *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

int replay__add_signals(paper_replay *r, const paper_signal *sigs, size_t n)
{
	if (n > 0 && sigs == NULL)
		return paper__error(PAPER_EINVAL, "signals must not be NULL when n > 0");
	/* The array's stride is its structs' size: version 1 ones are shorter. */
	unsigned int version = n > 0 ? sigs[0].version : PAPER_SIGNAL_VERSION;
	if (version != 1 && version != PAPER_SIGNAL_VERSION)
		return paper__error(PAPER_EVERSION, "signals[0]: paper_signal version %u unsupported",
				    version);
	size_t size = version == 1 ? SIGNAL_V1_SIZE : sizeof *sigs;
	sig_row *rows = g_try_new(sig_row, n ? n : 1);
	if (rows == NULL)
		return paper__error(PAPER_ENOMEM, "no memory for %zu signals", n);
	GStringChunk *texts = g_string_chunk_new(4096);
	for (size_t i = 0; i < n; i++) {
		const paper_signal *sig = (const paper_signal *)(const void *)((const char *)sigs + i * size);
		unsigned int v;
		memcpy(&v, sig, sizeof v);
		int rc = v == version ? from_signal(sig, i, texts, &rows[i])
			 : paper__error(PAPER_EVERSION, "signals[%zu]: version %u, not that of "
					"signals[0] (%u)", i, v, version);
		if (rc != PAPER_OK) {
			g_free(rows);
			g_string_chunk_free(texts);
			return rc;
		}
	}
	/* Signals usually come in time order: then they are in cmp_rows() order already (ties
	 * in array order), and sorting rows this large would cost as much as reading them. */
	size_t i = 1;
	while (i < n && rows[i - 1].ts <= rows[i].ts)
		i++;
	if (i < n)
		qsort(rows, n, sizeof *rows, cmp_rows);
	sig_src *src = g_new0(sig_src, 1);
	src->name = g_strdup_printf("signals #%u", r->sigs->len + 1);
	src->csv.fd = -1;
	src->rows = rows;
	src->texts = texts;
	src->n = n;
	g_ptr_array_add(r->sigs, src);
	return PAPER_OK;
}
