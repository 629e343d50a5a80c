/* JSON writing helpers (sumjson.h). */
#include "base/sumjson.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "base/fxtext.h"
#include "base/tstext.h"

void sj_string(GString *g, const char *s)
{
	g_string_append_c(g, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_c(g, '\\'), g_string_append_c(g, (char)*p);
		else if (*p < 0x20 || *p >= 0x7f)
			/* Our strings are ASCII (symbols, names, messages); anything else is escaped
			 * byte by byte so the output is always valid JSON. */
			g_string_append_printf(g, "\\u%04x", *p);
		else
			g_string_append_c(g, (char)*p);
	}
	g_string_append_c(g, '"');
}

void sj_key(GString *g, const char *key, bool first)
{
	if (!first)
		g_string_append_c(g, ',');
	sj_string(g, key);
	g_string_append_c(g, ':');
}

void sj_fx(GString *g, int64_t v)
{
	char buf[FX_TEXT_CAP];
	g_string_append_len(g, buf, (gssize)fx_format(buf, v, 2));
}

void sj_real(GString *g, double v)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	static const char *const formats[] = { "%.15g", "%.16g", "%.17g" };

	if (!isfinite(v)) {
		g_string_append(g, "null");
		return;
	}
	for (int i = 0; i < 3; i++) {
		g_ascii_formatd(buf, sizeof buf, formats[i], v);
		if (g_ascii_strtod(buf, NULL) == v)
			break;
	}
	g_string_append(g, buf);
}

void sj_u64(GString *g, uint64_t v)
{
	g_string_append_printf(g, "%" PRIu64, v);
}

void sj_ts(GString *g, paper_ts ts)
{
	char buf[TS_TEXT_CAP];
	if (ts == 0) {
		g_string_append(g, "null");
		return;
	}
	ts_format(buf, ts);
	sj_string(g, buf);
}

void sj_bool(GString *g, bool v)
{
	g_string_append(g, v ? "true" : "false");
}
