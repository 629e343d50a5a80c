/*
 * The report as JSON. Keys are a contract (paper stats --json reads them): never rename one.
 * Numbers are written in the C locale, as the shortest form that reads back to the same
 * double; NaN and infinities, which JSON cannot spell, are null.
 */
#include <glib.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "metrics/metrics.h"

#define JSON_FORMAT_VERSION 1
/*
 * Schema 2 (libpaper 1.1) keeps every key of 1 with its meaning and adds a percent companion,
 * named KEY_pct, for each key that is a fraction: 50 is 50%, and drawdowns are positive in
 * them (max_drawdown -0.25 has max_drawdown_pct 25). docs/formats.md, "Units".
 */
#define JSON_SCHEMA_VERSION 2

static void json_real(GString *g, double v)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	static const char *const formats[] = { "%.15g", "%.16g", "%.17g" };

	for (int i = 0; i < 3; i++) {
		g_ascii_formatd(buf, sizeof buf, formats[i], v);
		if (g_ascii_strtod(buf, NULL) == v)
			break;
	}
	g_string_append(g, buf);
}

static void json_number(GString *g, double v, key_kind kind)
{
	if (!isfinite(v))
		g_string_append(g, "null");
	else if (kind != KEY_REAL && fabs(v) < 9.2e18)
		g_string_append_printf(g, "%" PRId64, (int64_t)v);
	else
		json_real(g, v);
}

/* A JSON string; bytes that are not UTF-8 are taken as Latin-1 so the output stays valid. */
static void json_string(GString *g, const char *s)
{
	const char *end = s + strlen(s);

	g_string_append_c(g, '"');
	while (s < end) {
		unsigned char c = (unsigned char)*s;
		gunichar u = g_utf8_get_char_validated(s, end - s);
		if (c == '"' || c == '\\') {
			g_string_append_c(g, '\\');
			g_string_append_c(g, (char)c);
		} else if (c < 0x20 || u == (gunichar)-1 || u == (gunichar)-2) {
			g_string_append_printf(g, "\\u%04x", c);
		} else {
			const char *next = g_utf8_next_char(s);
			g_string_append_len(g, s, next - s);
			s = next;
			continue;
		}
		s++;
	}
	g_string_append_c(g, '"');
}

static void json_key(GString *g, const char *key, bool *first)
{
	if (!*first)
		g_string_append_c(g, ',');
	*first = false;
	json_string(g, key);
	g_string_append_c(g, ':');
}

static void json_field(GString *g, const char *key, double v, key_kind kind, bool *first)
{
	json_key(g, key, first);
	json_number(g, v, kind);
}

static void json_text_field(GString *g, const char *key, const char *text, bool *first)
{
	json_key(g, key, first);
	json_string(g, text);
}

/* A fraction as percent; a fall (sign -1) as a positive percent, never "-0". */
static double pct(double fraction, int sign)
{
	double v = fraction * 100.0 * sign;
	return v == 0 ? 0.0 : v;
}

/* The fraction keys of the series and distribution statistics, and their companions. */
static const struct {
	const char *name;
	int sign;
} pct_keys[] = {
	{ "total_return", 1 },  { "mean_return", 1 },   { "annual_return", 1 },
	{ "cagr", 1 },          { "annual_volatility", 1 }, { "downside_risk", 1 },
	{ "max_drawdown", -1 }, { "best_day", 1 },      { "worst_day", 1 },
	{ "exposure", 1 },      { "value_at_risk", 1 }, { "conditional_value_at_risk", 1 },
};

static void json_pct_keys(GString *g, const paper_metrics *m, bool *first)
{
	for (size_t i = 0; i < G_N_ELEMENTS(pct_keys); i++) {
		double v = NAN;
		paper_metrics_get(m, pct_keys[i].name, &v);
		char *key = g_strconcat(pct_keys[i].name, "_pct", NULL);
		json_field(g, key, pct(v, pct_keys[i].sign), KEY_REAL, first);
		g_free(key);
	}
}

/* Trade statistics as members of the object being written. */
static void json_trades(GString *g, const trade_result *t, bool *first)
{
	for (size_t i = 0; i < n_trade_scalar_keys; i++)
		json_field(g, trade_keys[i].name, metrics_key_value(t, &trade_keys[i]),
			   trade_keys[i].kind, first);
	json_field(g, "win_rate_pct", pct(t->win_rate, 1), KEY_REAL, first);
	json_key(g, "exit_reasons", first);
	g_string_append_c(g, '{');
	bool inner = true;
	for (size_t i = n_trade_scalar_keys; i < n_trade_keys; i++)
		json_field(g, trade_keys[i].name + strlen("exit_reasons."),
			   metrics_key_value(t, &trade_keys[i]), KEY_COUNT, &inner);
	g_string_append_c(g, '}');
}

static void json_conventions(GString *g, const paper_metrics *m, bool *first)
{
	const paper_metrics_options *o = &m->o;
	bool c = true;

	json_key(g, "conventions", first);
	g_string_append_c(g, '{');
	json_field(g, "periods_per_year", o->periods_per_year, KEY_REAL, &c);
	json_text_field(g, "periods_per_year_from", m->ppy_source, &c);
	json_field(g, "risk_free", o->risk_free, KEY_REAL, &c);
	json_field(g, "required_return", o->required_return, KEY_REAL, &c);
	json_field(g, "ddof", o->ddof, KEY_COUNT, &c);
	json_text_field(g, "years_basis", metrics_years_basis_str(o->years_basis), &c);
	json_field(g, "resample_period_seconds",
		   (double)o->resample_period / (double)PAPER_TS_PER_SECOND, KEY_REAL, &c);
	json_field(g, "breakeven_band", o->breakeven_band, KEY_REAL, &c);
	json_text_field(g, "win_rate_basis", metrics_win_rate_basis_str(o->win_rate_basis), &c);
	json_text_field(g, "pnl_basis", metrics_pnl_basis_str(o->pnl_basis), &c);
	json_text_field(g, "returns", "simple", &c);
	json_text_field(g, "annualization", "sqrt_periods_per_year", &c);
	json_text_field(g, "downside_deviation", "all_periods", &c);
	json_text_field(g, "drawdown", "compounded", &c);
	json_text_field(g, "time_unit", "microseconds_utc", &c);
	json_text_field(g, "duration_unit", "seconds", &c);
	g_string_append_c(g, '}');
}

static void json_groups(GString *g, const paper_metrics *m, int kind, const char *key,
			bool *first)
{
	bool outer = true;

	json_key(g, key, first);
	g_string_append_c(g, '{');
	for (size_t j = 0; j < m->n_by[kind]; j++) {
		bool inner = true;
		json_key(g, m->by[kind][j].name, &outer);
		g_string_append_c(g, '{');
		json_trades(g, &m->by[kind][j].stats, &inner);
		g_string_append_c(g, '}');
	}
	g_string_append_c(g, '}');
}

static void json_curve(GString *g, const paper_metrics *m, bool *first)
{
	json_key(g, "equity_curve", first);
	g_string_append_c(g, '[');
	for (size_t i = 0; i < m->n_points; i++) {
		bool p = true;
		if (i)
			g_string_append_c(g, ',');
		g_string_append_c(g, '{');
		json_field(g, "ts", (double)m->ts[i], KEY_TS, &p);
		json_field(g, "equity", m->equity[i], KEY_REAL, &p);
		json_field(g, "cash", m->cash[i], KEY_REAL, &p);
		json_field(g, "drawdown", m->drawdown[i], KEY_REAL, &p);
		json_field(g, "drawdown_pct", pct(m->drawdown[i], -1), KEY_REAL, &p);
		g_string_append_c(g, '}');
	}
	g_string_append_c(g, ']');
}

static GString *json_build(const paper_metrics *m, unsigned int flags)
{
	GString *g = g_string_sized_new(4096);
	bool first = true;

	g_string_append_c(g, '{');
	json_field(g, "metrics_version", JSON_FORMAT_VERSION, KEY_COUNT, &first);
	json_field(g, "schema_version", JSON_SCHEMA_VERSION, KEY_COUNT, &first);
	json_trades(g, &m->trades, &first);
	for (size_t i = 0; i < n_series_keys; i++)
		json_field(g, series_keys[i].name, metrics_key_value(&m->series, &series_keys[i]),
			   series_keys[i].kind, &first);
	for (size_t i = 0; i < n_dist_keys; i++)
		json_field(g, dist_keys[i].name, metrics_key_value(&m->dist, &dist_keys[i]),
			   dist_keys[i].kind, &first);
	json_pct_keys(g, m, &first);
	json_conventions(g, m, &first);
	json_groups(g, m, PAPER_METRICS_BY_SYMBOL - 1, "by_symbol", &first);
	json_groups(g, m, PAPER_METRICS_BY_STRATEGY - 1, "by_strategy", &first);
	if (flags & PAPER_METRICS_JSON_EQUITY_CURVE)
		json_curve(g, m, &first);
	g_string_append_c(g, '}');
	return g;
}

static int check_args(const paper_metrics *m, unsigned int flags)
{
	PAPER__CHECK_NULL(m, "metrics");
	if (flags & ~PAPER_METRICS_JSON_EQUITY_CURVE)
		return paper__error(PAPER_EINVAL, "unknown JSON flags 0x%x", flags);
	return PAPER_OK;
}

PAPER_API int paper_metrics_to_json(char **out, const paper_metrics *m, unsigned int flags)
{
	PAPER__CHECK_NULL(out, "out");
	int rc = check_args(m, flags);
	if (rc != PAPER_OK)
		return rc;
	/* malloc'd, so that paper_string_free() is free() whatever GLib's allocator. */
	GString *g = json_build(m, flags);
	char *s = malloc(g->len + 1);
	if (s == NULL) {
		g_string_free(g, TRUE);
		return paper__error(PAPER_ENOMEM, "out of memory for %zu bytes of JSON", g->len);
	}
	memcpy(s, g->str, g->len + 1);
	g_string_free(g, TRUE);
	*out = s;
	return PAPER_OK;
}

PAPER_API int paper_metrics_write_json(const paper_metrics *m, unsigned int flags, char *buf,
				       size_t cap, size_t *len_out)
{
	int rc = check_args(m, flags);
	if (rc != PAPER_OK)
		return rc;
	if (buf == NULL && cap > 0)
		return paper__error(PAPER_EINVAL, "buf must not be NULL when cap > 0");
	GString *g = json_build(m, flags);
	size_t len = g->len;
	if (len_out)
		*len_out = len;
	if (len + 1 > cap)
		rc = paper__error(PAPER_ERANGE, "JSON needs %zu bytes, buffer has %zu", len + 1,
				  cap);
	else
		memcpy(buf, g->str, len + 1);
	g_string_free(g, TRUE);
	return rc;
}

PAPER_API void paper_string_free(char *s)
{
	free(s);
}
