/* White-box: the strict JSON reader and the writer the ledger's state.json uses. */
#include <float.h>
#include <string.h>

#include "base/json.h"
#include "testutil.h"

static json_value *parse_ok(const char *text)
{
	json_value *v = NULL;
	char err[256];
	tu_require(json_parse(text, strlen(text), &v, err, sizeof err), "'%s' refused: %s", text, err);
	return v;
}

START_TEST(accepts_valid_json)
{
	json_value *v = parse_ok(" {\"a\": [1, -0, 2.5e-3, true, false, null, {}, []],\n"
				 "  \"s\": \"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u00e9 \\ud83d\\ude00 \xc3\xa9\","
				 "  \"big\": 9223372036854775807, \"small\": -9223372036854775808} ");
	ck_assert_int_eq(v->type, JSON_OBJECT);
	const json_value *a = json_get(v, "a");
	ck_assert_int_eq(a->type, JSON_ARRAY);
	ck_assert_uint_eq(a->items->len, 8);
	double d;
	ck_assert(json_as_double(g_ptr_array_index(a->items, 2), &d));
	ck_assert_double_eq(d, 2.5e-3);
	int64_t i;
	ck_assert(!json_as_int64(g_ptr_array_index(a->items, 2), &i));
	ck_assert(json_as_int64(json_get(v, "big"), &i));
	ck_assert_int_eq(i, INT64_MAX);
	ck_assert(json_as_int64(json_get(v, "small"), &i));
	ck_assert_int_eq(i, INT64_MIN);
	ck_assert_str_eq(json_get(v, "s")->text, "q\" \\ / \b\f\n\r\t \xc3\xa9 \xf0\x9f\x98\x80 \xc3\xa9");
	ck_assert_ptr_null(json_get(v, "missing"));
	json_free(v);

	v = parse_ok("9223372036854775808");
	ck_assert(!json_as_int64(v, &i)); /* out of range is not silently clamped */
	ck_assert(json_as_double(v, &d));
	json_free(v);
	v = parse_ok("1e400");
	ck_assert(!json_as_double(v, &d)); /* not finite */
	json_free(v);
}
END_TEST

static const char *const invalid[] = {
	"", " ", "{", "}", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01", "-", "1.",
	".5", "+1", "1e", "1e+", "NaN", "Infinity", "-Infinity", "'x'", "\"\\x\"", "\"a\nb\"",
	"\"a\tb\"", "\"\\u12\"", "\"\\u12g4\"", "\"\\udc00\"", "\"\\ud800\"", "\"\\ud800\\u0041\"",
	"\"\\u0000\"", "{\"a\":1,\"a\":2}", "[1] 2", "// c\n1", "/* */1", "tru", "nul", "falsey",
	"\"\xff\"", "\"\xc3\"", "[1 2]", "{\"a\":}", "\"unterminated", "\xef\xbb\xbf{}",
};

START_TEST(refuses_invalid_json)
{
	for (size_t k = 0; k < sizeof invalid / sizeof invalid[0]; k++) {
		json_value *v = NULL;
		char err[256] = "";
		tu_require(!json_parse(invalid[k], strlen(invalid[k]), &v, err, sizeof err),
			   "accepted invalid #%zu '%s'", k, invalid[k]);
		ck_assert_ptr_null(v);
		tu_require(strstr(err, "line ") == err, "#%zu: message '%s' has no position", k, err);
	}
	/* An embedded NUL ends nothing: the length decides, and NUL is not JSON. */
	json_value *v = NULL;
	char err[256];
	ck_assert(!json_parse("[1]\0", 4, &v, err, sizeof err));
	/* Nesting is bounded. */
	GString *deep = g_string_new(NULL);
	for (int k = 0; k < JSON_MAX_DEPTH + 2; k++)
		g_string_append_c(deep, '[');
	for (int k = 0; k < JSON_MAX_DEPTH + 2; k++)
		g_string_append_c(deep, ']');
	ck_assert(!json_parse(deep->str, deep->len, &v, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "deeply"));
	g_string_free(deep, TRUE);
	ck_assert(!json_parse("{\n  \"a\": 1,\n  \"b\": x\n}", 22, &v, err, sizeof err));
	ck_assert_str_eq(err, "line 3, column 8: unexpected text (expected a JSON value)");
}
END_TEST

START_TEST(writer_round_trips)
{
	GString *s = g_string_new(NULL);
	json_writer w;
	const double doubles[] = { 0.1, -0.0, 1e300, 5e-324, DBL_MAX, 1.0 / 3.0, 100000 };
	jw_init(&w, s);
	jw_begin_object(&w);
	jw_key(&w, "text");
	jw_string(&w, "quote\" back\\ nl\n tab\t ctl\x01 \xc3\xa9");
	jw_key(&w, "ints");
	jw_begin_array(&w);
	jw_int(&w, INT64_MIN);
	jw_int(&w, INT64_MAX);
	jw_int(&w, 0);
	jw_end_array(&w);
	jw_key(&w, "doubles");
	jw_begin_array(&w);
	for (size_t k = 0; k < sizeof doubles / sizeof doubles[0]; k++)
		jw_double(&w, doubles[k]);
	jw_end_array(&w);
	jw_key(&w, "empty");
	jw_begin_object(&w);
	jw_end_object(&w);
	jw_key(&w, "none");
	jw_begin_array(&w);
	jw_end_array(&w);
	jw_key(&w, "flag");
	jw_bool(&w, true);
	jw_end_object(&w);

	json_value *v = parse_ok(s->str);
	ck_assert_str_eq(json_get(v, "text")->text, "quote\" back\\ nl\n tab\t ctl\x01 \xc3\xa9");
	const json_value *ints = json_get(v, "ints");
	int64_t i;
	ck_assert(json_as_int64(g_ptr_array_index(ints->items, 0), &i));
	ck_assert_int_eq(i, INT64_MIN);
	ck_assert(json_as_int64(g_ptr_array_index(ints->items, 1), &i));
	ck_assert_int_eq(i, INT64_MAX);
	const json_value *ds = json_get(v, "doubles");
	for (size_t k = 0; k < sizeof doubles / sizeof doubles[0]; k++) {
		double d;
		ck_assert(json_as_double(g_ptr_array_index(ds->items, k), &d));
		ck_assert(memcmp(&d, &doubles[k], sizeof d) == 0); /* bit for bit, -0 included */
	}
	ck_assert_int_eq(json_get(v, "empty")->type, JSON_OBJECT);
	ck_assert_uint_eq(json_get(v, "none")->items->len, 0);
	ck_assert(json_get(v, "flag")->boolean);
	json_free(v);
	g_string_free(s, TRUE);
}
END_TEST

/* {"k0":0,"k1":1,...} with n keys, then extra text before the closing brace. */
static GString *wide_object(size_t n, const char *extra)
{
	GString *s = g_string_new("{");
	for (size_t i = 0; i < n; i++)
		g_string_append_printf(s, "%s\"k%zu\":%zu", i ? "," : "", i, i);
	g_string_append(s, extra);
	g_string_append_c(s, '}');
	return s;
}

static double seconds(void)
{
	return (double)g_get_monotonic_time() / 1e6;
}

/*
 * Duplicate keys are found in time linear in the object's size: 200,000 keys parse in a
 * fraction of a second (a scan per key took 21 s for 80,000), and a duplicate of the first
 * key at the very end is still found.
 */
START_TEST(duplicate_keys_found_in_linear_time)
{
	const size_t n = 200000;
	char err[256];
	json_value *v = NULL;
	GString *ok = wide_object(n, "");
	double t0 = seconds();
	ck_assert_msg(json_parse(ok->str, ok->len, &v, err, sizeof err), "%s", err);
	double took = seconds() - t0;
	ck_assert_uint_eq(v->items->len, n);
	ck_assert_str_eq(json_get(v, "k199999")->text, "199999");
	json_free(v);
	/* Quadratic would take minutes; the bound leaves room for sanitizers and a busy host. */
	ck_assert_msg(took < 10.0, "%zu keys took %.1f s", n, took);
	GString *dup = wide_object(n, ",\"k0\":1");
	ck_assert(!json_parse(dup->str, dup->len, &v, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "duplicate key"));
	ck_assert_ptr_null(v);
	/* Around the size where the set takes over, every duplicate is found. */
	for (size_t size = 1; size < 20; size++)
		for (size_t d = 0; d < size; d++) {
			char extra[32];
			g_snprintf(extra, sizeof extra, ",\"k%zu\":0", d);
			GString *s = wide_object(size, extra);
			tu_require(!json_parse(s->str, s->len, &v, err, sizeof err) &&
				   strstr(err, "duplicate key"), "size %zu, k%zu repeated: %s", size, d, err);
			g_string_free(s, TRUE);
		}
	g_string_free(ok, TRUE);
	g_string_free(dup, TRUE);
}
END_TEST

/* Bytes that are not UTF-8 (a tag stored by an older libpaper) still make JSON that reads back. */
START_TEST(writer_output_is_always_utf8)
{
	GString *s = g_string_new(NULL);
	json_writer w;
	jw_init(&w, s);
	jw_begin_object(&w);
	jw_key(&w, "tag");
	jw_string(&w, "caf\xe9 \xff\xfe ok \xc3\xa9");
	jw_end_object(&w);
	json_value *v = parse_ok(s->str);
	ck_assert_str_eq(json_get(v, "tag")->text,
			 "caf\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd ok \xc3\xa9");
	json_free(v);
	g_string_free(s, TRUE);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("json");
	tcase_add_test(tc, accepts_valid_json);
	tcase_add_test(tc, refuses_invalid_json);
	tcase_add_test(tc, writer_round_trips);
	tcase_add_test(tc, duplicate_keys_found_in_linear_time);
	tcase_add_test(tc, writer_output_is_always_utf8);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
