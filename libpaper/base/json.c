/* A strict JSON reader and a pretty writer (json.h). */
#include "base/json.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reader ---- */

typedef struct parser {
	const char *p, *start, *end;
	char *err;
	size_t errcap;
	bool failed;
} parser;

static bool fail_at(parser *ps, const char *at, const char *what)
{
	if (ps->failed)
		return false;
	size_t line = 1, col = 1;
	for (const char *c = ps->start; c < at && c < ps->end; c++) {
		if (*c == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	g_snprintf(ps->err, ps->errcap, "line %zu, column %zu: %s", line, col, what);
	ps->failed = true;
	return false;
}

static void skip_ws(parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static bool literal(parser *ps, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
		return fail_at(ps, ps->p, "unexpected text (expected a JSON value)");
	ps->p += n;
	return true;
}

static bool digits(parser *ps)
{
	const char *s = ps->p;
	while (ps->p < ps->end && g_ascii_isdigit(*ps->p))
		ps->p++;
	return ps->p > s;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool number(parser *ps, json_value *v)
{
	const char *s = ps->p;
	if (ps->p < ps->end && *ps->p == '-')
		ps->p++;
	if (ps->p < ps->end && *ps->p == '0')
		ps->p++;
	else if (!digits(ps))
		return fail_at(ps, s, "malformed number");
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		if (!digits(ps))
			return fail_at(ps, s, "malformed number: no digits after '.'");
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (!digits(ps))
			return fail_at(ps, s, "malformed number: no digits in the exponent");
	}
	v->type = JSON_NUMBER;
	v->text = g_strndup(s, (gsize)(ps->p - s));
	return true;
}

static int hex4(const char *p)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		int d = g_ascii_xdigit_value(p[i]);
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* \uXXXX, with a following low surrogate when XXXX is a high one. */
static bool unicode_escape(parser *ps, GString *s)
{
	const char *at = ps->p - 2;
	if (ps->end - ps->p < 4 || hex4(ps->p) < 0)
		return fail_at(ps, at, "malformed \\u escape");
	gunichar c = (gunichar)hex4(ps->p);
	ps->p += 4;
	if (c >= 0xDC00 && c <= 0xDFFF)
		return fail_at(ps, at, "lone low surrogate in \\u escape");
	if (c >= 0xD800 && c <= 0xDBFF) {
		int lo = ps->end - ps->p >= 6 && ps->p[0] == '\\' && ps->p[1] == 'u' ? hex4(ps->p + 2) : -1;
		if (lo < 0xDC00 || lo > 0xDFFF)
			return fail_at(ps, at, "high surrogate without a low one in \\u escape");
		c = 0x10000 + ((c - 0xD800) << 10) + ((gunichar)lo - 0xDC00);
		ps->p += 6;
	}
	if (c == 0)
		return fail_at(ps, at, "\\u0000 is not allowed in strings");
	g_string_append_unichar(s, c);
	return true;
}

static bool escape(parser *ps, GString *s)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	if (ps->p >= ps->end)
		return fail_at(ps, ps->p, "unterminated string");
	char c = *ps->p++;
	if (c == 'u')
		return unicode_escape(ps, s);
	const char *k = c ? strchr(from, c) : NULL;
	if (k == NULL)
		return fail_at(ps, ps->p - 2, "invalid escape in string");
	g_string_append_c(s, to[k - from]);
	return true;
}

static bool string_raw(parser *ps, char **out)
{
	const char *open = ps->p++;
	GString *s = g_string_new(NULL);
	bool ok = true;
	for (;;) {
		if (ps->p >= ps->end) {
			ok = fail_at(ps, open, "unterminated string");
			break;
		}
		unsigned char c = (unsigned char)*ps->p;
		if (c == '"') {
			ps->p++;
			break;
		}
		if (c < 0x20) {
			ok = fail_at(ps, ps->p, "control character in string (escape it)");
			break;
		}
		ps->p++;
		if (c != '\\') {
			g_string_append_c(s, (char)c);
		} else if (!escape(ps, s)) {
			ok = false;
			break;
		}
	}
	if (ok && !g_utf8_validate(s->str, (gssize)s->len, NULL))
		ok = fail_at(ps, open, "string is not valid UTF-8");
	*out = g_string_free(s, !ok);
	return ok;
}

static json_value *value(parser *ps, int depth);

static bool array(parser *ps, json_value *v, int depth)
{
	v->type = JSON_ARRAY;
	v->items = g_ptr_array_new_with_free_func((GDestroyNotify)json_free);
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == ']') {
		ps->p++;
		return true;
	}
	for (;;) {
		json_value *item = value(ps, depth + 1);
		if (item == NULL)
			return false;
		g_ptr_array_add(v->items, item);
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == ']') {
			ps->p++;
			return true;
		}
		return fail_at(ps, ps->p, "expected ',' or ']' in array");
	}
}

static void member_free(json_member *m)
{
	g_free(m->key);
	json_free(m->value);
	g_free(m);
}

/* Objects with more members than this find duplicates through a hash set of their keys. */
#define SMALL_OBJECT 8

/*
 * Whether key is new in obj, noting it: a scan of a small object, a hash set past
 * SMALL_OBJECT members, so an object of n members is checked in O(n), not O(n^2). The set
 * borrows the members' keys.
 */
static bool key_is_new(const json_value *obj, GHashTable **seen, const char *key)
{
	if (*seen == NULL && obj->items->len < SMALL_OBJECT)
		return json_get(obj, key) == NULL;
	if (*seen == NULL) {
		*seen = g_hash_table_new(g_str_hash, g_str_equal);
		for (guint i = 0; i < obj->items->len; i++)
			g_hash_table_add(*seen, ((json_member *)g_ptr_array_index(obj->items, i))->key);
	}
	return !g_hash_table_contains(*seen, key);
}

static bool member(parser *ps, json_value *obj, GHashTable **seen, int depth)
{
	skip_ws(ps);
	const char *at = ps->p;
	char *key = NULL;
	if (ps->p >= ps->end || *ps->p != '"')
		return fail_at(ps, ps->p, "expected a string key in object");
	if (!string_raw(ps, &key))
		return false;
	if (!key_is_new(obj, seen, key)) {
		g_free(key);
		return fail_at(ps, at, "duplicate key in object");
	}
	skip_ws(ps);
	if (ps->p >= ps->end || *ps->p != ':') {
		g_free(key);
		return fail_at(ps, ps->p, "expected ':' after key");
	}
	ps->p++;
	json_value *v = value(ps, depth + 1);
	if (v == NULL) {
		g_free(key);
		return false;
	}
	json_member *m = g_new(json_member, 1);
	m->key = key;
	m->value = v;
	g_ptr_array_add(obj->items, m);
	if (*seen)
		g_hash_table_add(*seen, m->key);
	return true;
}

static bool object(parser *ps, json_value *v, int depth)
{
	v->type = JSON_OBJECT;
	v->items = g_ptr_array_new_with_free_func((GDestroyNotify)member_free);
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		return true;
	}
	GHashTable *seen = NULL;
	bool ok = false;
	for (;;) {
		if (!member(ps, v, &seen, depth))
			break;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == '}') {
			ps->p++;
			ok = true;
			break;
		}
		fail_at(ps, ps->p, "expected ',' or '}' in object");
		break;
	}
	if (seen)
		g_hash_table_unref(seen);
	return ok;
}

static bool dispatch(parser *ps, json_value *v, int depth)
{
	switch (*ps->p) {
	case '{':
		return object(ps, v, depth);
	case '[':
		return array(ps, v, depth);
	case '"':
		v->type = JSON_STRING;
		return string_raw(ps, &v->text);
	case 't':
		v->type = JSON_BOOL;
		v->boolean = true;
		return literal(ps, "true");
	case 'f':
		v->type = JSON_BOOL;
		return literal(ps, "false");
	case 'n':
		v->type = JSON_NULL;
		return literal(ps, "null");
	default:
		if (*ps->p == '-' || g_ascii_isdigit(*ps->p))
			return number(ps, v);
		return fail_at(ps, ps->p, "unexpected text (expected a JSON value)");
	}
}

static json_value *value(parser *ps, int depth)
{
	skip_ws(ps);
	if (depth > JSON_MAX_DEPTH) {
		fail_at(ps, ps->p, "nested too deeply");
		return NULL;
	}
	if (ps->p >= ps->end) {
		fail_at(ps, ps->p, "unexpected end of input (expected a value)");
		return NULL;
	}
	json_value *v = g_new0(json_value, 1);
	if (!dispatch(ps, v, depth)) {
		json_free(v);
		return NULL;
	}
	return v;
}

bool json_parse(const char *text, size_t len, json_value **out, char *err, size_t errcap)
{
	parser ps = { text, text, text + len, err, errcap, false };
	json_value *v = value(&ps, 0);
	if (v != NULL) {
		skip_ws(&ps);
		if (ps.p != ps.end) {
			fail_at(&ps, ps.p, "text after the JSON value");
			json_free(v);
			v = NULL;
		}
	}
	*out = v;
	return v != NULL;
}

void json_free(json_value *v)
{
	if (v == NULL)
		return;
	g_free(v->text);
	if (v->items)
		g_ptr_array_unref(v->items);
	g_free(v);
}

const char *json_type_name(json_type t)
{
	static const char *const names[] = { "null", "a boolean", "a number", "a string",
					     "an array", "an object" };
	return t <= JSON_OBJECT ? names[t] : "unknown";
}

const json_value *json_get(const json_value *obj, const char *key)
{
	if (obj == NULL || obj->type != JSON_OBJECT)
		return NULL;
	for (guint i = 0; i < obj->items->len; i++) {
		const json_member *m = g_ptr_array_index(obj->items, i);
		if (strcmp(m->key, key) == 0)
			return m->value;
	}
	return NULL;
}

bool json_as_int64(const json_value *v, int64_t *out)
{
	if (v == NULL || v->type != JSON_NUMBER || strpbrk(v->text, ".eE"))
		return false;
	char *end;
	errno = 0;
	long long x = strtoll(v->text, &end, 10);
	if (errno || *end)
		return false;
	*out = x;
	return true;
}

bool json_as_double(const json_value *v, double *out)
{
	if (v == NULL || v->type != JSON_NUMBER)
		return false;
	char *end;
	double x = g_ascii_strtod(v->text, &end);
	if (*end || !isfinite(x))
		return false;
	*out = x;
	return true;
}

/* ---- writer ---- */

void jw_init(json_writer *w, GString *out)
{
	memset(w, 0, sizeof *w);
	w->out = out;
	w->first[0] = true;
}

static void indent(json_writer *w)
{
	g_string_append_c(w->out, '\n');
	for (int i = 0; i < w->depth; i++)
		g_string_append(w->out, "  ");
}

/* Before any value or key: the comma and line break it needs. */
static void place(json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->first[w->depth])
		g_string_append_c(w->out, ',');
	if (w->depth > 0)
		indent(w);
	w->first[w->depth] = false;
}

static void open_level(json_writer *w, char c)
{
	place(w);
	g_string_append_c(w->out, c);
	if (w->depth < JSON_MAX_DEPTH)
		w->depth++;
	w->first[w->depth] = true;
}

static void close_level(json_writer *w, char c)
{
	bool empty = w->first[w->depth];
	if (w->depth > 0)
		w->depth--;
	if (!empty)
		indent(w);
	g_string_append_c(w->out, c);
}

void jw_begin_object(json_writer *w)
{
	open_level(w, '{');
}

void jw_end_object(json_writer *w)
{
	close_level(w, '}');
}

void jw_begin_array(json_writer *w)
{
	open_level(w, '[');
}

void jw_end_array(json_writer *w)
{
	close_level(w, ']');
}

/*
 * JSON is UTF-8: text that is not (a tag an older libpaper stored as bytes) is written with
 * each bad sequence as U+FFFD, so what is written can always be read back.
 */
static void quoted(GString *out, const char *text)
{
	char *valid = g_utf8_validate(text, -1, NULL) ? NULL : g_utf8_make_valid(text, -1);
	const char *s = valid ? valid : text;
	g_string_append_c(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			g_string_append(out, "\\\"");
			break;
		case '\\':
			g_string_append(out, "\\\\");
			break;
		case '\n':
			g_string_append(out, "\\n");
			break;
		case '\r':
			g_string_append(out, "\\r");
			break;
		case '\t':
			g_string_append(out, "\\t");
			break;
		default:
			if (*p < 0x20)
				g_string_append_printf(out, "\\u%04x", *p);
			else
				g_string_append_c(out, (char)*p);
		}
	}
	g_string_append_c(out, '"');
	g_free(valid);
}

void jw_key(json_writer *w, const char *key)
{
	place(w);
	quoted(w->out, key);
	g_string_append(w->out, ": ");
	w->after_key = true;
}

void jw_string(json_writer *w, const char *s)
{
	place(w);
	quoted(w->out, s);
}

void jw_int(json_writer *w, int64_t v)
{
	place(w);
	g_string_append_printf(w->out, "%lld", (long long)v);
}

void jw_double(json_writer *w, double v)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	place(w);
	if (!isfinite(v)) {
		g_string_append(w->out, "null");
		return;
	}
	g_ascii_formatd(buf, sizeof buf, "%.15g", v);
	if (g_ascii_strtod(buf, NULL) != v)
		g_ascii_formatd(buf, sizeof buf, "%.17g", v);
	g_string_append(w->out, buf);
}

void jw_bool(json_writer *w, bool v)
{
	place(w);
	g_string_append(w->out, v ? "true" : "false");
}
