/*
 * JSON output of the operating sub-commands. Each value is appended followed by a comma; a
 * closing brace replaces the comma the last member left, so callers never track "first".
 */
#include "cli/cli_ops.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void cj_init(cli_json *j)
{
	j->s = g_string_new(NULL);
}

static void key(cli_json *j, const char *k)
{
	if (k == NULL)
		return;
	g_string_append_c(j->s, '"');
	g_string_append(j->s, k); /* keys are our own identifiers: nothing to escape */
	g_string_append(j->s, "\":");
}

void cj_open(cli_json *j, const char *k, char brace)
{
	key(j, k);
	g_string_append_c(j->s, brace);
}

void cj_close(cli_json *j, char brace)
{
	if (j->s->len && j->s->str[j->s->len - 1] == ',')
		g_string_truncate(j->s, j->s->len - 1);
	g_string_append_c(j->s, brace);
	g_string_append_c(j->s, ',');
}

void cj_num(cli_json *j, const char *k, double v)
{
	key(j, k);
	if (!isfinite(v)) {
		g_string_append(j->s, "null,");
		return;
	}
	/* The shortest text that reads back as the same double. */
	char buf[40];
	for (int digits = 15; digits <= 17; digits++) {
		snprintf(buf, sizeof buf, "%.*g", digits, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	g_string_append_printf(j->s, "%s,", buf);
}

void cj_e8(cli_json *j, const char *k, int64_t e8)
{
	key(j, k);
	uint64_t m = e8 < 0 ? (uint64_t)0 - (uint64_t)e8 : (uint64_t)e8;
	uint64_t whole = m / (uint64_t)PAPER_FIXED_SCALE, frac = m % (uint64_t)PAPER_FIXED_SCALE;
	char buf[48];
	int n = snprintf(buf, sizeof buf, "%s%" PRIu64 ".%08" PRIu64, e8 < 0 ? "-" : "", whole, frac);
	while (buf[n - 1] == '0')
		buf[--n] = '\0';
	if (buf[n - 1] == '.')
		buf[--n] = '\0';
	g_string_append_printf(j->s, "%s,", buf);
}

void cj_uint(cli_json *j, const char *k, uint64_t v)
{
	key(j, k);
	g_string_append_printf(j->s, "%" PRIu64 ",", v);
}

void cj_str(cli_json *j, const char *k, const char *v)
{
	key(j, k);
	if (v == NULL) {
		g_string_append(j->s, "null,");
		return;
	}
	g_string_append_c(j->s, '"');
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_printf(j->s, "\\%c", *p);
		else if (*p < 0x20)
			g_string_append_printf(j->s, "\\u%04x", *p);
		else
			g_string_append_c(j->s, (char)*p);
	}
	g_string_append(j->s, "\",");
}

void cj_bool(cli_json *j, const char *k, bool v)
{
	key(j, k);
	g_string_append(j->s, v ? "true," : "false,");
}

void cj_time(cli_json *j, const char *k, paper_ts ts)
{
	char buf[CLI_TEXT_MAX];
	cj_str(j, k, ts ? cli_iso(buf, ts) : NULL);
}

void cj_raw(cli_json *j, const char *k, const char *json)
{
	key(j, k);
	g_string_append(j->s, json);
	g_string_append_c(j->s, ',');
}

void cj_print(cli_json *j, FILE *out)
{
	if (j->s->len && j->s->str[j->s->len - 1] == ',')
		g_string_truncate(j->s, j->s->len - 1);
	fputs(j->s->str, out);
	fputc('\n', out);
	g_string_free(j->s, TRUE);
	j->s = NULL;
}

void cj_free(cli_json *j)
{
	if (j->s)
		g_string_free(j->s, TRUE);
	j->s = NULL;
}
