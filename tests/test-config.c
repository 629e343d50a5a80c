/* The config: defaults, ranges, loading from files and the environment, validation, safety. */
#include <float.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "testutil.h"

#define EXAMPLE_INI PAPER_TEST_SRCDIR "/examples/paper.ini.example"
#define CONFIG_MD PAPER_TEST_SRCDIR "/docs/config.md"
#define SAFETY_MD PAPER_TEST_SRCDIR "/docs/safety.md"

/* ---- helpers ---- */

static paper_config *new_config(void)
{
	paper_config *cfg = NULL;
	ck_ok(paper_config_new(&cfg));
	return cfg;
}

static paper_config_key_info key_info(size_t i)
{
	paper_config_key_info ki = PAPER_CONFIG_KEY_INFO_INIT;
	ck_ok(paper_config_key_info_get(i, &ki));
	return ki;
}

static paper_config_violation violation(const paper_config *cfg, size_t i)
{
	paper_config_violation v = PAPER_CONFIG_VIOLATION_INIT;
	ck_ok(paper_config_violation_get(cfg, i, &v));
	ck_assert_ptr_nonnull(v.key);
	ck_assert_ptr_nonnull(v.value);
	ck_assert_ptr_nonnull(v.reason);
	ck_assert_int_gt(strlen(v.reason), 0);
	return v;
}

/* Index of the violation about key, or -1. */
static long find_violation(const paper_config *cfg, const char *key)
{
	for (size_t i = 0; i < paper_config_violation_count(cfg); i++)
		if (strcmp(violation(cfg, i).key, key) == 0)
			return (long)i;
	return -1;
}

static char *get_text(const paper_config *cfg, const char *key)
{
	char buf[512];
	ck_ok(paper_config_get_string(cfg, key, buf, sizeof buf, NULL));
	return g_strdup(buf);
}

static void assert_text(const paper_config *cfg, const char *key, const char *want)
{
	char *got = get_text(cfg, key);
	ck_assert_msg(strcmp(got, want) == 0, "%s is '%s', expected '%s'", key, got, want);
	g_free(got);
}

/* A temp file holding text; the caller unlinks and frees the path. */
static char *temp_file(const char *text, size_t len)
{
	GError *err = NULL;
	char *path = NULL;
	int fd = g_file_open_tmp("paper-config-XXXXXX.ini", &path, &err);
	ck_assert_msg(fd >= 0, "temp file: %s", err ? err->message : "?");
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

/* Load text as a config file into cfg; returns the loader's code. */
static int load_text(paper_config *cfg, const char *text)
{
	char *path = temp_file(text, strlen(text));
	int rc = paper_config_load_file(cfg, path);
	g_unlink(path);
	g_free(path);
	return rc;
}

static int load_env1(paper_config *cfg, const char *entry)
{
	const char *envp[] = { "HOME=/root", entry, "PAPER_LEDGER=/tmp/ledger.db", NULL };
	return paper_config_load_envp(cfg, envp);
}

/* "limits.max_open_positions" -> "PAPER_LIMITS_MAX_OPEN_POSITIONS" */
static char *env_name(const char *key)
{
	char *up = g_ascii_strup(key, -1);
	char *dot = strchr(up, '.');
	*dot = '_';
	char *name = g_strconcat("PAPER_", up, NULL);
	g_free(up);
	return name;
}

/* ---- defaults and the key table ---- */

START_TEST(defaults_are_valid)
{
	paper_config *cfg = new_config();
	ck_ok(paper_config_validate(cfg));
	ck_assert_uint_eq(paper_config_violation_count(cfg), 0);
	for (size_t i = 0; i < paper_config_key_count(); i++) {
		paper_config_key_info ki = key_info(i);
		char *text = get_text(cfg, ki.name);
		if (ki.type == PAPER_CONFIG_DOUBLE)
			ck_assert_double_eq(g_ascii_strtod(text, NULL), g_ascii_strtod(ki.default_value, NULL));
		else
			ck_assert_str_eq(text, ki.default_value);
		g_free(text);
	}
	int64_t i64 = 0;
	double d = 0;
	bool b = true;
	ck_ok(paper_config_get_int(cfg, "limits.max_open_positions", &i64));
	ck_assert_int_eq(i64, 5);
	ck_ok(paper_config_get_int(cfg, "limits.max_open_positions_ceiling", &i64));
	ck_assert_int_eq(i64, 10);
	ck_ok(paper_config_get_double(cfg, "limits.max_position_fraction", &d));
	ck_assert_double_eq(d, 1);
	ck_ok(paper_config_get_double(cfg, "limits.min_confidence", &d));
	ck_assert_double_eq(d, 0.6);
	ck_ok(paper_config_get_bool(cfg, "limits.aggressive", &b));
	ck_assert(!b);
	assert_text(cfg, "limits.allowed_symbols", "");
	paper_config_free(cfg);

	paper_broker *broker = NULL;
	ck_ok(paper_broker_new(&broker, NULL));
	paper_broker_free(broker);
}
END_TEST

START_TEST(key_table_is_well_formed)
{
	static const char *const groups[] = { "account", "limits", "costs", "engine", "connection",
					      "ledger",
					      "logging", "session", "metrics", "feed", "readiness" };
	size_t n = paper_config_key_count();
	ck_assert_uint_ge(n, 30);
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	for (size_t i = 0; i < n; i++) {
		paper_config_key_info ki = key_info(i);
		ck_assert_ptr_nonnull(ki.name);
		ck_assert_ptr_nonnull(ki.default_value);
		ck_assert_ptr_nonnull(ki.doc);
		ck_assert_msg(g_hash_table_add(seen, (gpointer)ki.name), "%s twice", ki.name);
		const char *dot = strchr(ki.name, '.');
		ck_assert_ptr_nonnull(dot);
		bool known = false;
		for (size_t g = 0; g < G_N_ELEMENTS(groups); g++)
			known |= strlen(groups[g]) == (size_t)(dot - ki.name) &&
				 strncmp(groups[g], ki.name, strlen(groups[g])) == 0;
		ck_assert_msg(known, "%s: unknown group", ki.name);
		if (ki.type == PAPER_CONFIG_INT || ki.type == PAPER_CONFIG_DOUBLE)
			ck_assert_msg(ki.min <= ki.max, "%s: empty range", ki.name);
	}
	g_hash_table_unref(seen);
	paper_config_key_info ki = PAPER_CONFIG_KEY_INFO_INIT;
	ck_assert_int_eq(paper_config_key_info_get(n, &ki), PAPER_ERANGE);
	ki.version = 99;
	ck_assert_int_eq(paper_config_key_info_get(0, &ki), PAPER_EVERSION);
	ck_assert_int_eq(paper_config_key_info_get(0, NULL), PAPER_EINVAL);

	/* The feeds' staleness: a range, and the environment spelling of its group. */
	paper_config *cfg = NULL;
	ck_ok(paper_config_new(&cfg));
	double d = 0;
	ck_ok(paper_config_get_double(cfg, "feed.max_staleness_s", &d));
	ck_assert_double_eq(d, 30);
	ck_assert_int_eq(paper_config_set(cfg, "feed.max_staleness_s", "0"), PAPER_ECONFIG);
	const char *const envp[] = { "PAPER_FEED_MAX_STALENESS_S=5.5", NULL };
	ck_ok(paper_config_load_envp(cfg, envp));
	ck_ok(paper_config_get_double(cfg, "feed.max_staleness_s", &d));
	ck_assert_double_eq(d, 5.5);
	paper_config_free(cfg);
}
END_TEST

/* ---- ranges ---- */

/* A value of a numeric key: integers stay integers (a double cannot hold 2^53 + 1). */
typedef struct edge {
	bool is_int;
	int64_t i;
	double d;
} edge;

static char *edge_text(edge e)
{
	return e.is_int ? g_strdup_printf("%" G_GINT64_FORMAT, e.i) : g_strdup_printf("%.17g", e.d);
}

/* What setting an in-range value of key gives. */
static int in_range_code(const char *key, edge e)
{
	/* Inside the port range only "none" and the paper ports are accepted (safety tests). */
	if (strcmp(key, "connection.ib_port") == 0 && e.i != 0 && e.i != 7497 && e.i != 4002)
		return PAPER_ESAFETY;
	return PAPER_OK;
}

/* The key's value reads back as e. */
static void assert_edge(const paper_config *cfg, const char *key, edge e)
{
	int64_t i = 0;
	double d = 0;
	if (e.is_int) {
		ck_ok(paper_config_get_int(cfg, key, &i));
		ck_assert_int_eq(i, e.i);
	} else {
		ck_ok(paper_config_get_double(cfg, key, &d));
		ck_assert_double_eq(d, e.d);
	}
}

static void check_edge_set(const paper_config_key_info *ki, edge e, int want)
{
	paper_config *cfg = new_config();
	/* Keep the cross-key rules (positions <= ceiling, a fractional lot needs fractional)
	 * out of the way of either key's edges. */
	ck_ok(paper_config_set(cfg, "limits.max_open_positions_ceiling", "1000"));
	ck_ok(paper_config_set(cfg, "limits.max_open_positions", "1"));
	ck_ok(paper_config_set(cfg, "session.fractional", "true"));
	char *before = get_text(cfg, ki->name);
	char *text = edge_text(e);
	int rc = paper_config_set(cfg, ki->name, text);
	ck_assert_msg(rc == want, "%s = %s: got %d, expected %d (%s)", ki->name, text, rc, want,
		      paper_last_error());
	/* A refusal names the key and the value as given. */
	if (want != PAPER_OK)
		ck_assert_msg(strstr(paper_last_error(), text) != NULL, "%s", paper_last_error());
	int rc2 = e.is_int ? paper_config_set_int(cfg, ki->name, e.i)
			   : paper_config_set_double(cfg, ki->name, e.d);
	ck_assert_msg(rc2 == want, "%s typed = %s: got %d", ki->name, text, rc2);
	if (want == PAPER_OK) {
		assert_edge(cfg, ki->name, e);
	} else {
		/* Refused: the old value stays. */
		ck_assert_msg(strstr(paper_last_error(), ki->name) != NULL, "%s", paper_last_error());
		assert_text(cfg, ki->name, before);
	}
	ck_ok(paper_config_validate(cfg));
	g_free(text);
	g_free(before);
	paper_config_free(cfg);
}

/* Out-of-range values from the file and the environment are violations naming the key. */
static void check_edge_load(const paper_config_key_info *ki, edge e)
{
	const char *dot = strchr(ki->name, '.');
	char *group = g_strndup(ki->name, (gsize)(dot - ki->name));
	char *text = edge_text(e);
	char *ini = g_strdup_printf("[%s]\n%s = %s\n", group, dot + 1, text);
	paper_config *cfg = new_config();
	ck_assert_int_eq(load_text(cfg, ini), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_validate(cfg), PAPER_ECONFIG);
	ck_assert_uint_eq(paper_config_violation_count(cfg), 1);
	paper_config_violation viol = violation(cfg, 0);
	ck_assert_str_eq(viol.key, ki->name);
	ck_assert_str_eq(viol.value, text);
	ck_assert_msg(strstr(viol.reason, "must be in"), "%s: %s", ki->name, viol.reason);
	paper_config_free(cfg);

	char *name = env_name(ki->name);
	char *entry = g_strdup_printf("%s=%s", name, text);
	cfg = new_config();
	ck_assert_int_eq(load_env1(cfg, entry), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_validate(cfg), PAPER_ECONFIG);
	ck_assert_int_ge(find_violation(cfg, ki->name), 0);
	paper_config_free(cfg);
	g_free(entry);
	g_free(name);
	g_free(ini);
	g_free(text);
	g_free(group);
}

START_TEST(every_numeric_key_range_edges)
{
	size_t tested = 0;
	for (size_t i = 0; i < paper_config_key_count(); i++) {
		paper_config_key_info ki = key_info(i);
		edge lo, hi, below, above;
		if (ki.type == PAPER_CONFIG_INT) {
			lo = (edge){ true, (int64_t)ki.min, 0 };
			hi = (edge){ true, (int64_t)ki.max, 0 };
			below = (edge){ true, lo.i - 1, 0 };
			above = (edge){ true, hi.i + 1, 0 };
		} else if (ki.type == PAPER_CONFIG_DOUBLE) {
			lo = (edge){ false, 0, ki.min };
			hi = (edge){ false, 0, ki.max };
			/* The nearest doubles outside; below 0 the nearest normal one. */
			below = (edge){ false, 0, ki.min == 0 ? -DBL_MIN : nextafter(ki.min, -INFINITY) };
			above = (edge){ false, 0, nextafter(ki.max, INFINITY) };
		} else {
			continue;
		}
		check_edge_set(&ki, lo, in_range_code(ki.name, lo));
		check_edge_set(&ki, hi, in_range_code(ki.name, hi));
		check_edge_set(&ki, below, PAPER_ECONFIG);
		check_edge_set(&ki, above, PAPER_ECONFIG);
		check_edge_load(&ki, below);
		check_edge_load(&ki, above);
		tested++;
	}
	ck_assert_uint_ge(tested, 20);
}
END_TEST

START_TEST(int_range_is_exact_beyond_2_pow_53)
{
	paper_config *cfg = new_config();
	ck_ok(paper_config_set(cfg, "costs.seed", "9007199254740992"));
	ck_assert_int_eq(paper_config_set(cfg, "costs.seed", "9007199254740993"), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_set_int(cfg, "costs.seed", INT64_C(9007199254740993)),
			 PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_set_int(cfg, "costs.seed", INT64_MAX), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_set(cfg, "costs.seed", "99999999999999999999"), PAPER_ECONFIG);
	assert_text(cfg, "costs.seed", "9007199254740992");
	paper_config_free(cfg);
}
END_TEST

/* Every key at the edges of its range together still makes a working broker. */
START_TEST(broker_at_range_edges)
{
	for (int at_max = 0; at_max < 2; at_max++) {
		paper_config *cfg = new_config();
		ck_ok(paper_config_set(cfg, "session.fractional", "true"));
		for (size_t i = 0; i < paper_config_key_count(); i++) {
			paper_config_key_info ki = key_info(i);
			if ((ki.type != PAPER_CONFIG_INT && ki.type != PAPER_CONFIG_DOUBLE) ||
			    strncmp(ki.name, "connection.", 11) == 0)
				continue;
			double v = at_max ? ki.max : ki.min;
			ck_ok(ki.type == PAPER_CONFIG_INT ? paper_config_set_int(cfg, ki.name, (int64_t)v)
							  : paper_config_set_double(cfg, ki.name, v));
		}
		paper_broker *b = NULL;
		ck_ok(paper_broker_new(&b, cfg));
		ck_ok(paper_broker_on_quote(b, "X", T0, 0, 0, 1));
		ck_ok(paper_broker_on_quote(b, "X", T0 + 1, 0, 0, 1));
		paper_broker_free(b);
		paper_config_free(cfg);
	}
}
END_TEST

/* A lot of a fraction of a unit needs session.fractional, so a typo cannot split shares. */
START_TEST(fractional_lot_needs_fractional)
{
	paper_config *cfg = new_config();
	ck_ok(paper_config_set(cfg, "session.lot_size", "0.001"));
	ck_assert_int_eq(paper_config_validate(cfg), PAPER_ECONFIG);
	ck_assert_int_ge(find_violation(cfg, "session.lot_size"), 0);
	ck_assert_msg(strstr(paper_last_error(), "session.fractional"), "%s", paper_last_error());
	paper_broker *b = NULL;
	ck_assert_int_eq(paper_broker_new(&b, cfg), PAPER_ECONFIG);
	ck_ok(paper_config_set(cfg, "session.fractional", "true"));
	ck_ok(paper_config_validate(cfg));
	ck_ok(paper_config_set(cfg, "session.fractional", "false"));
	ck_ok(paper_config_set(cfg, "session.lot_size", "100"));
	ck_ok(paper_config_validate(cfg));
	paper_config_free(cfg);
}
END_TEST

START_TEST(values_that_do_not_parse)
{
	static const struct { const char *key, *value; } bad[] = {
		{ "limits.max_open_positions", "abc" }, { "limits.max_open_positions", "5.5" },
		{ "limits.max_open_positions", "" },    { "limits.max_open_positions", "5x" },
		{ "limits.max_order_qty", "nan" },      { "limits.max_order_qty", "inf" },
		{ "limits.max_order_qty", "1,5" },      { "limits.aggressive", "maybe" },
		/* strtod reads these; a setting is a decimal number only. */
		{ "limits.max_order_qty", "0x1p3" },    { "limits.max_order_qty", "0x10" },
		{ "limits.max_order_qty", "1e999" },    { "limits.max_order_qty", "-inf" },
		{ "limits.max_order_qty", "infinity" }, { "limits.max_order_qty", "NaN" },
		{ "limits.max_order_qty", "1e" },       { "limits.max_order_qty", "1.5.2" },
		{ "limits.max_order_qty", "." },        { "limits.max_order_qty", "1 000" },
		{ "limits.max_open_positions", "0x10" }, { "limits.max_open_positions", "1e1" },
		{ "limits.aggressive", "2" },           { "account.type", "other" },
		{ "costs.commission_model", "percent " "x" }, { "engine.intrabar", "random" },
		{ "account.currency", "usd" },          { "account.currency", "USDT" },
		{ "account.name", "" },                 { "account.name", "a b" },
		{ "account.name", "abcdefghijklmnopqrstuvwxyz0123456" },
	};
	paper_config *cfg = new_config();
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		char *before = get_text(cfg, bad[i].key);
		ck_assert_msg(paper_config_set(cfg, bad[i].key, bad[i].value) == PAPER_ECONFIG,
			      "%s = '%s' accepted", bad[i].key, bad[i].value);
		ck_assert_ptr_nonnull(strstr(paper_last_error(), bad[i].key));
		assert_text(cfg, bad[i].key, before);
		g_free(before);
	}
	ck_ok(paper_config_validate(cfg));
	paper_config_free(cfg);
}
END_TEST

START_TEST(values_that_parse)
{
	static const char *const yes[] = { "true", "TRUE", "yes", "on", "1" };
	static const char *const no[] = { "false", "No", "off", "0" };
	paper_config *cfg = new_config();
	bool b;
	for (size_t i = 0; i < G_N_ELEMENTS(yes); i++) {
		ck_ok(paper_config_set(cfg, "limits.aggressive", yes[i]));
		ck_ok(paper_config_get_bool(cfg, "limits.aggressive", &b));
		ck_assert(b);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(no); i++) {
		ck_ok(paper_config_set(cfg, "limits.aggressive", no[i]));
		ck_ok(paper_config_get_bool(cfg, "limits.aggressive", &b));
		ck_assert(!b);
	}
	ck_ok(paper_config_set(cfg, "account.type", "cash"));
	ck_ok(paper_config_set(cfg, "account.type", "margin"));
	ck_ok(paper_config_set(cfg, "costs.commission_model", "per_share"));
	ck_ok(paper_config_set(cfg, "costs.commission_model", "fixed"));
	ck_ok(paper_config_set(cfg, "engine.intrabar", "optimistic"));
	ck_ok(paper_config_set(cfg, "account.currency", "EUR"));
	ck_ok(paper_config_set(cfg, "account.name", "acct-1.paper_A"));
	ck_ok(paper_config_set(cfg, "limits.max_order_qty", " 2.5e3 "));
	double d;
	ck_ok(paper_config_get_double(cfg, "limits.max_order_qty", &d));
	ck_assert_double_eq(d, 2500);
	static const struct { const char *text; double v; } numbers[] = {
		{ "+2.5", 2.5 }, { ".5", 0.5 }, { "5.", 5 }, { "1E3", 1000 }, { "2e+2", 200 },
		{ "25e-1", 2.5 },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(numbers); i++) {
		ck_ok(paper_config_set(cfg, "limits.max_order_qty", numbers[i].text));
		ck_ok(paper_config_get_double(cfg, "limits.max_order_qty", &d));
		ck_assert_double_eq(d, numbers[i].v);
	}
	ck_ok(paper_config_set_bool(cfg, "limits.aggressive", true));
	ck_ok(paper_config_validate(cfg));
	paper_config_free(cfg);
}
END_TEST

START_TEST(typed_access_and_errors)
{
	paper_config *cfg = new_config();
	int64_t i64;
	double d;
	bool b;
	ck_assert_int_eq(paper_config_set(cfg, "limits.no_such_key", "1"), PAPER_ECONFIG);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "limits.no_such_key"));
	ck_assert_int_eq(paper_config_set(cfg, NULL, "1"), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_set(cfg, "limits.max_open_positions", NULL), PAPER_EINVAL);
	ck_assert_int_eq(paper_config_set(NULL, "limits.max_open_positions", "1"), PAPER_EINVAL);
	ck_assert_int_eq(paper_config_set_int(cfg, "limits.max_order_qty", 5), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_set_double(cfg, "limits.max_open_positions", 5), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_set_bool(cfg, "limits.max_open_positions", true), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_set_double(cfg, "limits.max_order_qty", NAN), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_get_int(cfg, "limits.max_order_qty", &i64), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_get_double(cfg, "limits.aggressive", &d), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_get_bool(cfg, "limits.nope", &b), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_get_int(cfg, "limits.max_open_positions", NULL), PAPER_EINVAL);
	ck_assert_int_eq(paper_config_get_string(cfg, "limits.nope", NULL, 0, NULL), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_get_string(cfg, "account.currency", NULL, 4, NULL), PAPER_EINVAL);

	/* Truncation reports the full length. */
	char small[3];
	size_t len = 0;
	ck_ok(paper_config_get_string(cfg, "engine.intrabar", small, sizeof small, &len));
	ck_assert_str_eq(small, "pe");
	ck_assert_uint_eq(len, strlen("pessimistic"));
	ck_ok(paper_config_get_string(cfg, "engine.intrabar", NULL, 0, &len));
	ck_assert_uint_eq(len, strlen("pessimistic"));

	ck_ok(paper_config_set_int(cfg, "limits.max_open_positions", 3));
	ck_ok(paper_config_get_int(cfg, "limits.max_open_positions", &i64));
	ck_assert_int_eq(i64, 3);
	ck_ok(paper_config_reset(cfg, "limits.max_open_positions"));
	ck_ok(paper_config_get_int(cfg, "limits.max_open_positions", &i64));
	ck_assert_int_eq(i64, 5);
	ck_assert_int_eq(paper_config_reset(cfg, "limits.nope"), PAPER_ECONFIG);

	paper_config_violation v = PAPER_CONFIG_VIOLATION_INIT;
	ck_assert_int_eq(paper_config_violation_get(cfg, 0, &v), PAPER_ERANGE);
	v.version = 7;
	ck_assert_int_eq(paper_config_violation_get(cfg, 0, &v), PAPER_EVERSION);
	ck_assert_uint_eq(paper_config_violation_count(NULL), 0);
	ck_assert_int_eq(paper_config_validate(NULL), PAPER_EINVAL);
	ck_assert_int_eq(paper_config_new(NULL), PAPER_EINVAL);
	paper_config_free(NULL);
	paper_config_free(cfg);
}
END_TEST

START_TEST(copy_is_deep)
{
	paper_config *cfg = new_config();
	ck_ok(paper_config_set(cfg, "limits.allowed_symbols", "AAPL,MSFT"));
	ck_assert_int_eq(load_text(cfg, "[limits]\nmax_order_qty = -1\n"), PAPER_ECONFIG);
	paper_config *copy = NULL;
	ck_ok(paper_config_copy(&copy, cfg));
	ck_ok(paper_config_set(cfg, "limits.allowed_symbols", "TSLA"));
	assert_text(copy, "limits.allowed_symbols", "AAPL,MSFT");
	ck_assert_int_eq(paper_config_copy(NULL, cfg), PAPER_EINVAL);
	ck_assert_int_eq(paper_config_copy(&copy, NULL), PAPER_EINVAL);
	paper_config_free(cfg);
	/* The recorded violation travels with the copy. */
	ck_assert_int_eq(paper_config_validate(copy), PAPER_ECONFIG);
	ck_assert_str_eq(violation(copy, 0).key, "limits.max_order_qty");
	paper_config_free(copy);
}
END_TEST

/* ---- whitelist ---- */

START_TEST(allowed_symbols_form)
{
	static const char *const good[] = { "", "AAPL", "AAPL,MSFT", " AAPL , MSFT ", "BTC/USD,ES=F,^GSPC",
					    "BRK.B,EUR:USD,a-b_c", "AAPL,,MSFT" };
	static const char *const bad[] = { "AAPL;MSFT", "AA PL", "AAPL,M$FT", "AAPL,\xc3\x84PL",
					   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", "AAPL,MS FT,GOOG" };
	paper_config *cfg = new_config();
	for (size_t i = 0; i < G_N_ELEMENTS(good); i++)
		ck_ok(paper_config_set(cfg, "limits.allowed_symbols", good[i]));
	ck_ok(paper_config_set(cfg, "limits.allowed_symbols", "AAPL"));
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		ck_assert_msg(paper_config_set(cfg, "limits.allowed_symbols", bad[i]) == PAPER_ECONFIG,
			      "'%s' accepted", bad[i]);
		ck_assert_ptr_nonnull(strstr(paper_last_error(), "not a valid symbol"));
		assert_text(cfg, "limits.allowed_symbols", "AAPL");
	}
	/* From a file: a violation naming the bad symbol. */
	ck_assert_int_eq(load_text(cfg, "[limits]\nallowed_symbols = AAPL, MS FT\n"), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_validate(cfg), PAPER_ECONFIG);
	paper_config_violation v = violation(cfg, 0);
	ck_assert_str_eq(v.key, "limits.allowed_symbols");
	ck_assert_ptr_nonnull(strstr(v.reason, "'MS FT'"));
	paper_config_free(cfg);
}
END_TEST

/* ---- paper only ---- */

START_TEST(ib_ports)
{
	static const struct { int64_t port; int want; } cases[] = {
		{ 0, PAPER_OK }, { 7497, PAPER_OK }, { 4002, PAPER_OK },
		{ 7496, PAPER_ESAFETY }, { 4001, PAPER_ESAFETY }, { 1234, PAPER_ESAFETY },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		paper_config *cfg = new_config();
		char *text = g_strdup_printf("%" G_GINT64_FORMAT, cases[i].port);
		ck_assert_int_eq(paper_config_set(cfg, "connection.ib_port", text), cases[i].want);
		ck_assert_int_eq(paper_config_set_int(cfg, "connection.ib_port", cases[i].port),
				 cases[i].want);
		char *ini = g_strdup_printf("[connection]\nib_port = %s\n", text);
		ck_assert_int_eq(load_text(cfg, ini), cases[i].want);
		ck_assert_int_eq(paper_config_validate(cfg), cases[i].want);
		paper_broker *b = NULL;
		ck_assert_int_eq(paper_broker_new(&b, cfg), cases[i].want);
		if (cases[i].want == PAPER_OK) {
			int64_t got = -1;
			ck_ok(paper_config_get_int(cfg, "connection.ib_port", &got));
			ck_assert_int_eq(got, cases[i].port);
		} else {
			ck_assert_ptr_null(b);
			ck_assert_ptr_nonnull(strstr(paper_last_error(), text));
		}
		paper_broker_free(b);
		g_free(ini);
		g_free(text);
		paper_config_free(cfg);
	}
	paper_config *cfg = new_config();
	ck_assert_int_eq(paper_config_set(cfg, "connection.ib_port", "7496"), PAPER_ESAFETY);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "live port"));
	ck_assert_int_eq(paper_config_set(cfg, "connection.ib_port", "4001"), PAPER_ESAFETY);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "Gateway live port"));
	paper_config_free(cfg);
}
END_TEST

START_TEST(ib_accounts)
{
	static const char *const good[] = { "", "DU1234567", "DU0" };
	static const char *const bad[] = { "U1234567", "DU", "DUabc", "du1234567", "F1234567",
					   "DF1234567", " U1 " };
	paper_config *cfg = new_config();
	for (size_t i = 0; i < G_N_ELEMENTS(good); i++)
		ck_ok(paper_config_set(cfg, "connection.ib_account", good[i]));
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		ck_assert_msg(paper_config_set(cfg, "connection.ib_account", bad[i]) == PAPER_ESAFETY,
			      "'%s' accepted", bad[i]);
		ck_assert_ptr_nonnull(strstr(paper_last_error(), "paper account"));
	}
	assert_text(cfg, "connection.ib_account", "DU0");
	ck_assert_int_eq(load_text(cfg, "[connection]\nib_account = U7654321\n"), PAPER_ESAFETY);
	ck_assert_int_eq(load_env1(cfg, "PAPER_CONNECTION_IB_ACCOUNT=U7654321"), PAPER_ESAFETY);
	ck_ok(load_env1(cfg, "PAPER_CONNECTION_IB_ACCOUNT=DU7654321"));
	ck_assert_int_eq(paper_config_validate(cfg), PAPER_ESAFETY);
	ck_assert_uint_eq(paper_config_violation_count(cfg), 2);
	ck_assert_int_eq(violation(cfg, 0).code, PAPER_ESAFETY);
	ck_assert_str_eq(violation(cfg, 1).value, "U7654321");
	assert_text(cfg, "connection.ib_account", "DU7654321");
	paper_config_free(cfg);
}
END_TEST

START_TEST(alpaca_urls)
{
	static const char *const good[] = { "", "https://paper-api.alpaca.markets",
					    "https://paper-api.alpaca.markets/v2",
					    "https://PAPER-API.alpaca.markets:443/v2" };
	static const char *const bad[] = { "https://api.alpaca.markets", "https://api.alpaca.markets/v2",
					   "http://paper-api.alpaca.markets",
					   "https://paper-api.alpaca.markets@api.alpaca.markets/",
					   "https://paper-api.alpaca.markets.evil.example",
					   "paper-api.alpaca.markets", "wss://paper-api.alpaca.markets",
					   "https://" };
	paper_config *cfg = new_config();
	for (size_t i = 0; i < G_N_ELEMENTS(good); i++)
		ck_ok(paper_config_set(cfg, "connection.alpaca_base_url", good[i]));
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
		ck_assert_msg(paper_config_set(cfg, "connection.alpaca_base_url", bad[i]) == PAPER_ESAFETY,
			      "'%s' accepted", bad[i]);
	ck_assert_int_eq(paper_config_set(cfg, "connection.alpaca_base_url",
					  "https://api.alpaca.markets"), PAPER_ESAFETY);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "live trading endpoint refused"));
	paper_config_free(cfg);

	/* Alpaca's own variable is checked too, and named in the violation. */
	cfg = new_config();
	ck_assert_int_eq(load_env1(cfg, "APCA_API_BASE_URL=https://api.alpaca.markets"), PAPER_ESAFETY);
	ck_assert_int_eq(paper_config_validate(cfg), PAPER_ESAFETY);
	ck_assert_str_eq(violation(cfg, 0).key, "APCA_API_BASE_URL");
	paper_config_free(cfg);
	cfg = new_config();
	ck_ok(load_env1(cfg, "APCA_API_BASE_URL=https://paper-api.alpaca.markets"));
	assert_text(cfg, "connection.alpaca_base_url", "https://paper-api.alpaca.markets");
	ck_ok(paper_config_validate(cfg));
	paper_config_free(cfg);
}
END_TEST

/*
 * URLs a naive reading takes for the paper host while a client connects elsewhere (or could),
 * and URLs two parsers read differently. Printable, so every route (INI, environment, setter)
 * can carry them.
 */
static const char *const url_bypasses[] = {
	"https://paper-api.alpaca.markets:443@api.alpaca.markets/v2",
	"https://paper-api.alpaca.markets:@api.alpaca.markets",
	"https://paper-api.alpaca.markets@api.alpaca.markets",
	"https://@paper-api.alpaca.markets",
	"https://:@paper-api.alpaca.markets/v2",
	"https://user:secret@paper-api.alpaca.markets",
	"https://paper-api.alpaca.markets%2F@api.alpaca.markets",
	"https://paper-api.alpaca.markets:0",
	"https://paper-api.alpaca.markets:0/v2",
	"https://paper-api.alpaca.markets:99999",
	"https://paper-api.alpaca.markets:65536/v2",
	"https://paper-api.alpaca.markets:",
	"https://paper-api.alpaca.markets:/v2",
	"https://paper-api.alpaca.markets:443:443",
	"https://paper-api.alpaca.markets:-1",
	"https://paper-api.alpaca.markets#@api.alpaca.markets",
	"https://paper-api.alpaca.markets/v2#",
	"//paper-api.alpaca.markets",
	"https:paper-api.alpaca.markets",
	"https:///paper-api.alpaca.markets",
	"https://paper-api.alpaca.markets..",
	"https://paper-api%2ealpaca.markets%2e%2e",
	"https://paper-api.alpaca.markets%00.evil.example",
	"https://paper-api.alpaca.markets%2eevil.example",
	"https://xn--paper-api-.alpaca.markets",
	"https://[::1]/v2",
	"https://127.0.0.1/v2",
	"https://paper-api.alpaca.markets|api.alpaca.markets",
	"https://paper-api.alpaca.markets^",
	"ftp://paper-api.alpaca.markets",
	"HTTP://PAPER-API.ALPACA.MARKETS",
};

/* The live host however it is spelled: refused as the live endpoint by name. */
static const char *const url_live[] = {
	"HTTPS://API.ALPACA.MARKETS.",
	"https://api%2ealpaca.markets",
	"https://%61pi.alpaca.markets/v2",
	"https://API.alpaca.markets:443/v2?x=1",
	"https://xn--api-.alpaca.markets",
};

/* The paper host however it is spelled: accepted. */
static const char *const url_paper[] = {
	"HTTPS://PAPER-API.ALPACA.MARKETS.",
	"https://paper-api%2ealpaca.markets/v2",
	"https://%70aper-api.alpaca.markets",
	"https://paper-api.alpaca.markets:443",
	"https://paper-api.alpaca.markets:0443/v2",
	"https://paper-api.alpaca.markets./v2?x=1&y=%20",
};

static int set_url(paper_config *cfg, const char *url)
{
	return paper_config_set(cfg, "connection.alpaca_base_url", url);
}

/* One URL through the INI loader, the environment (both names) and the setter. */
static void url_every_route(const char *url, int want)
{
	paper_config *cfg = new_config();
	char *ini = g_strdup_printf("[connection]\nalpaca_base_url = %s\n", url);
	ck_assert_msg(load_text(cfg, ini) == want, "INI '%s': %s", url, paper_last_error());
	ck_assert_int_eq(paper_config_validate(cfg), want);
	paper_config_free(cfg);
	g_free(ini);
	static const char *const names[] = { "PAPER_CONNECTION_ALPACA_BASE_URL=", "APCA_API_BASE_URL=" };
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		cfg = new_config();
		char *env = g_strconcat(names[i], url, NULL);
		ck_assert_msg(load_env1(cfg, env) == want, "%s: %s", env, paper_last_error());
		ck_assert_int_eq(paper_config_validate(cfg), want);
		paper_config_free(cfg);
		g_free(env);
	}
	cfg = new_config();
	ck_assert_msg(set_url(cfg, url) == want, "set '%s': %s", url, paper_last_error());
	assert_text(cfg, "connection.alpaca_base_url", want == PAPER_OK ? url : "");
	paper_config_free(cfg);
}

START_TEST(alpaca_url_bypasses)
{
	for (size_t i = 0; i < G_N_ELEMENTS(url_bypasses); i++)
		url_every_route(url_bypasses[i], PAPER_ESAFETY);
	for (size_t i = 0; i < G_N_ELEMENTS(url_live); i++) {
		url_every_route(url_live[i], PAPER_ESAFETY);
		paper_config *cfg = new_config();
		ck_assert_int_eq(set_url(cfg, url_live[i]), PAPER_ESAFETY);
		ck_assert_msg(strstr(paper_last_error(), "live trading endpoint refused"), "%s: %s",
			      url_live[i], paper_last_error());
		paper_config_free(cfg);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(url_paper); i++)
		url_every_route(url_paper[i], PAPER_OK);
}
END_TEST

/* Bytes the loaders cannot carry: through the setter (the INI and environment routes end there). */
START_TEST(alpaca_url_hostile_bytes)
{
	static const char *const bad[] = {
		"https://paper-api.alpaca.markets\\@api.alpaca.markets",
		"https://paper-api.alpaca.markets\\.api.alpaca.markets",
		"https://paper-api.alpaca.markets /v2",
		"https://paper-api.alpaca.markets\t.evil.example",
		"https://api.alpaca.mar\tkets",
		"https://paper-api.alpaca.markets\r\nHost: api.alpaca.markets",
		"https://paper-api.alpaca.markets\x1b[2K",
		"https://paper-api.alpaca.markets\x7f",
		"https://paper-api.alpaca.markets\xc2\x85",
		"https://\xef\xbd\x90\xef\xbd\x81per-api.alpaca.markets",
		"https://paper-api.alpaca.markets\xff",
		"https://paper-api.alpaca.markets\"@api.alpaca.markets",
		"https://paper-api.alpaca.markets<x>",
		"https://paper-api.alpaca.markets{x}",
		"https://paper-api.alpaca.markets`",
	};
	paper_config *cfg = new_config();
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		/* Bytes that are not UTF-8 are refused before any reading of the value as a URL. */
		bool utf8 = g_utf8_validate(bad[i], -1, NULL);
		ck_assert_msg(set_url(cfg, bad[i]) == (utf8 ? PAPER_ESAFETY : PAPER_ECONFIG),
			      "accepted: %s", bad[i]);
		ck_assert_ptr_nonnull(strstr(paper_last_error(), utf8 ? "percent-encoded" : "UTF-8"));
	}
	/* Long: at the limit it is read, one byte past it is refused. */
	char url[2100];
	const char *head = "https://paper-api.alpaca.markets/";
	size_t n = strlen(head);
	memcpy(url, head, n);
	memset(url + n, 'a', 2048 - n);
	url[2048] = '\0';
	ck_ok(set_url(cfg, url));
	url[2048] = 'a';
	url[2049] = '\0';
	ck_assert_int_eq(set_url(cfg, url), PAPER_ESAFETY);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "longer than 2048"));
	/* A million bytes: refused at once, nothing parsed; a refusal changes nothing. */
	char *huge = g_malloc(1000001);
	memcpy(huge, head, n);
	memset(huge + n, 'a', 1000000 - n);
	huge[1000000] = '\0';
	ck_assert_int_eq(set_url(cfg, huge), PAPER_ESAFETY);
	g_free(huge);
	char buf[4096];
	ck_ok(paper_config_get_string(cfg, "connection.alpaca_base_url", buf, sizeof buf, NULL));
	ck_assert_uint_eq(strlen(buf), 2048);
	paper_config_free(cfg);
}
END_TEST

static bool has_control_byte(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return true;
	return false;
}

/* A refused value is quoted back escaped, never as raw bytes a terminal or log would act on. */
START_TEST(refused_values_are_quoted_escaped)
{
	paper_config *cfg = new_config();
	ck_assert_int_eq(paper_config_set(cfg, "connection.ib_account", "DU1\x1b[2K\rPAPER FILL"),
			 PAPER_ESAFETY);
	ck_assert(!has_control_byte(paper_last_error()));
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "DU1\\x1b[2K\\x0dPAPER FILL"));
	ck_assert_int_eq(paper_config_set(cfg, "account.\x1b[31mname", "x"), PAPER_ECONFIG);
	ck_assert(!has_control_byte(paper_last_error()));
	/* The loaders record the same escaped text in the violation. */
	ck_assert_int_eq(load_text(cfg, "[account]\nname = a\x1b[31mb\ncurrency = \x07US\n"),
			 PAPER_ECONFIG);
	ck_assert_int_eq(load_env1(cfg, "PAPER_ACCOUNT_TYPE=cash\x1b]0;x\x07"), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_validate(cfg), PAPER_ECONFIG);
	ck_assert_uint_eq(paper_config_violation_count(cfg), 3);
	for (size_t i = 0; i < 3; i++) {
		paper_config_violation v = violation(cfg, i);
		ck_assert_msg(!has_control_byte(v.key) && !has_control_byte(v.value), "%zu", i);
		ck_assert_ptr_nonnull(strstr(v.value, "\\x"));
	}
	/* One line per violation, and no line break or escape of the input's own. */
	char **lines = g_strsplit(paper_last_error(), "\n", -1);
	ck_assert_uint_eq(g_strv_length(lines), 4);
	for (size_t i = 0; lines[i]; i++)
		ck_assert(!has_control_byte(lines[i]));
	g_strfreev(lines);
	/* A long value is cut in the message, which keeps its reason. */
	char *long_value = g_strnfill(100000, 'U');
	ck_assert_int_eq(paper_config_set(cfg, "connection.ib_account", long_value), PAPER_ESAFETY);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "...': not an Interactive Brokers"));
	g_free(long_value);
	paper_config_free(cfg);
}
END_TEST

/* Every way of saying "go live" in a file; each must be refused as unsafe. */
static const char *const live_files[] = {
	"[account]\nlive = true\n",
	"[limits]\ndry_run = false\n",
	"[engine]\nmode = live\n",
	"[connection]\ntrading_mode = live\n",
	"[live]\nenabled = true\n",
	"[LIVE]\nx = 1\n",
	"[live_trading]\nenabled = true\n",
	"[paper]\nenabled = false\n",
	"[account]\ntype = live\n",
	"[account]\ntype = real\n",
	"[account]\nlive_trading = yes\n",
	"[account]\nLive = on\n",
	"[limits]\ngo_live = 1\n",
	"[limits]\nenable_live = true\n",
	"[account]\ndry-run = false\n",
	"[account]\ndryRun = false\n",
	"[account]\npaper = false\n",
	"[account]\npaper_trading = false\n",
	"[account]\nenvironment = production\n",
	"[account]\nsandbox = false\n",
	"[account]\nreal_money = true\n",
	"[account]\ntrading = live\n",
	"[engine]\nintrabar = live\n",
	"[limits]\naggressive = live\n",
	"[connection]\nib_port = 7496\n",
	"[connection]\nib_port = 4001\n",
	"[connection]\nib_account = U1234567\n",
	"[connection]\nalpaca_base_url = https://api.alpaca.markets\n",
	"[connection]\nlive_url = https://api.alpaca.markets\n",
	"[account]\nlive[en] = true\n",
	"[limits]\ngo_live[en_US.UTF-8@euro] = 1\n",
	"[account]\ntype[de] = live\n",
};

START_TEST(go_live_in_a_file_is_refused)
{
	for (size_t i = 0; i < G_N_ELEMENTS(live_files); i++) {
		paper_config *cfg = new_config();
		int rc = load_text(cfg, live_files[i]);
		ck_assert_msg(rc == PAPER_ESAFETY, "file '%s': got %d (%s)", live_files[i], rc,
			      paper_last_error());
		ck_assert_int_eq(paper_config_validate(cfg), PAPER_ESAFETY);
		ck_assert_uint_eq(paper_config_violation_count(cfg), 1);
		ck_assert_int_eq(violation(cfg, 0).code, PAPER_ESAFETY);
		paper_broker *b = NULL;
		ck_assert_int_eq(paper_broker_new(&b, cfg), PAPER_ESAFETY);
		ck_assert_ptr_null(b);
		paper_config_free(cfg);
	}
}
END_TEST

static const char *const live_env[] = {
	"PAPER_LIVE=1",
	"PAPER_LIVE=true",
	"PAPER_MODE=live",
	"PAPER_DRY_RUN=false",
	"PAPER_DRYRUN=0",
	"PAPER_TRADING_MODE=live",
	"PAPER_LIVE_TRADING=1",
	"PAPER_GO_LIVE=yes",
	"PAPER_ENABLE_LIVE=1",
	"PAPER_REAL_MONEY=1",
	"PAPER_PAPER=false",
	"PAPER_ENVIRONMENT=production",
	"PAPER_ACCOUNT_LIVE=true",
	"PAPER_LIMITS_DRY_RUN=false",
	"PAPER_ENGINE_MODE=live",
	"PAPER_ACCOUNT_TYPE=live",
	"PAPER_ACCOUNT_TRADING=live",
	"paper_live=1",
	"PAPER_CONNECTION_IB_PORT=7496",
	"PAPER_CONNECTION_IB_PORT=4001",
	"PAPER_CONNECTION_IB_ACCOUNT=U1234567",
	"PAPER_CONNECTION_ALPACA_BASE_URL=https://api.alpaca.markets",
	"APCA_API_BASE_URL=https://api.alpaca.markets",
};

START_TEST(go_live_in_the_environment_is_refused)
{
	for (size_t i = 0; i < G_N_ELEMENTS(live_env); i++) {
		paper_config *cfg = new_config();
		int rc = load_env1(cfg, live_env[i]);
		/* Lower-case names are not ours (the environment is case-sensitive). */
		if (strncmp(live_env[i], "paper_", 6) == 0) {
			ck_ok(rc);
			paper_config_free(cfg);
			continue;
		}
		ck_assert_msg(rc == PAPER_ESAFETY, "%s: got %d (%s)", live_env[i], rc, paper_last_error());
		ck_assert_int_eq(paper_config_validate(cfg), PAPER_ESAFETY);
		ck_assert_uint_eq(paper_config_violation_count(cfg), 1);
		paper_config_violation v = violation(cfg, 0);
		ck_assert_int_eq(v.code, PAPER_ESAFETY);
		ck_assert_ptr_nonnull(strstr(live_env[i], v.value));
		paper_broker *b = NULL;
		ck_assert_int_eq(paper_broker_new(&b, cfg), PAPER_ESAFETY);
		paper_config_free(cfg);
	}
}
END_TEST

START_TEST(go_live_from_process_environment)
{
	paper_config *cfg = new_config();
	g_setenv("PAPER_LIVE", "1", TRUE);
	g_setenv("PAPER_DRY_RUN", "false", TRUE);
	ck_assert_int_eq(paper_config_load_env(cfg), PAPER_ESAFETY);
	g_unsetenv("PAPER_LIVE");
	g_unsetenv("PAPER_DRY_RUN");
	ck_assert_int_eq(paper_config_validate(cfg), PAPER_ESAFETY);
	ck_assert_int_ge(find_violation(cfg, "PAPER_LIVE"), 0);
	ck_assert_int_ge(find_violation(cfg, "PAPER_DRY_RUN"), 0);
	ck_assert_int_eq(violation(cfg, (size_t)find_violation(cfg, "PAPER_LIVE")).code, PAPER_ESAFETY);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "PAPER_DRY_RUN"));
	paper_config_free(cfg);
}
END_TEST

START_TEST(go_live_through_the_api_is_refused)
{
	paper_config *cfg = new_config();
	ck_assert_int_eq(paper_config_set(cfg, "live", "true"), PAPER_ESAFETY);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "paper only"));
	ck_assert_int_eq(paper_config_set(cfg, "account.dry_run", "false"), PAPER_ESAFETY);
	ck_assert_int_eq(paper_config_set(cfg, "mode", "paper"), PAPER_ESAFETY);
	ck_assert_int_eq(paper_config_set(cfg, "account.trading", "live"), PAPER_ESAFETY);
	ck_assert_int_eq(paper_config_set_bool(cfg, "limits.live", true), PAPER_ESAFETY);
	ck_assert_int_eq(paper_config_set_bool(cfg, "dry_run", false), PAPER_ESAFETY);
	ck_assert_int_eq(paper_config_set_int(cfg, "trading_mode", 1), PAPER_ESAFETY);
	ck_assert_int_eq(paper_config_set(cfg, "account.type", "live"), PAPER_ESAFETY);
	ck_assert_int_eq(paper_config_set(cfg, "account.type", "Production"), PAPER_ESAFETY);
	/* A plain typo is a config error, not a safety one. */
	ck_assert_int_eq(paper_config_set(cfg, "account.tpye", "cash"), PAPER_ECONFIG);
	ck_ok(paper_config_validate(cfg));
	paper_config_free(cfg);
}
END_TEST

/* ---- loading ---- */

START_TEST(validate_reports_every_violation)
{
	const char *ini = "[account]\n"
			  "starting_cash = -5\n"
			  "currency = usd\n"
			  "[limits]\n"
			  "max_order_qty = abc\n"
			  "max_open_positions = 3\n"
			  "[connection]\n"
			  "ib_port = 7496\n";
	paper_config *cfg = new_config();
	ck_assert_int_eq(load_text(cfg, ini), PAPER_ESAFETY);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "4 problems"));
	ck_assert_int_eq(paper_config_validate(cfg), PAPER_ESAFETY);
	ck_assert_uint_eq(paper_config_violation_count(cfg), 4);
	static const struct { const char *key, *value, *why; int code; } want[] = {
		{ "account.starting_cash", "-5", "must be in", PAPER_ECONFIG },
		{ "account.currency", "usd", "ISO 4217", PAPER_ECONFIG },
		{ "limits.max_order_qty", "abc", "number", PAPER_ECONFIG },
		{ "connection.ib_port", "7496", "live port", PAPER_ESAFETY },
	};
	const char *msg = paper_last_error();
	ck_assert_ptr_nonnull(strstr(msg, "4 config violations"));
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
		long at = find_violation(cfg, want[i].key);
		ck_assert_msg(at >= 0, "no violation for %s", want[i].key);
		paper_config_violation v = violation(cfg, (size_t)at);
		ck_assert_str_eq(v.value, want[i].value);
		ck_assert_msg(strstr(v.reason, want[i].why), "%s: %s", v.key, v.reason);
		ck_assert_int_eq(v.code, want[i].code);
		ck_assert_ptr_nonnull(strstr(msg, want[i].key));
	}
	/* The valid key in the same file was applied; the bad ones left the defaults. */
	int64_t n = 0;
	ck_ok(paper_config_get_int(cfg, "limits.max_open_positions", &n));
	ck_assert_int_eq(n, 3);
	assert_text(cfg, "account.currency", "USD");
	/* Validating again gives the same list, not a growing one. */
	ck_assert_int_eq(paper_config_validate(cfg), PAPER_ESAFETY);
	ck_assert_uint_eq(paper_config_violation_count(cfg), 4);
	paper_config_free(cfg);
}
END_TEST

START_TEST(positions_ceiling_rule)
{
	paper_config *cfg = new_config();
	ck_ok(paper_config_set(cfg, "limits.max_open_positions", "10"));
	ck_ok(paper_config_validate(cfg));
	/* In the key's range, but above the ceiling: a typo cannot raise the limit. */
	ck_ok(paper_config_set(cfg, "limits.max_open_positions", "11"));
	ck_assert_int_eq(paper_config_validate(cfg), PAPER_ECONFIG);
	paper_config_violation v = violation(cfg, 0);
	ck_assert_str_eq(v.key, "limits.max_open_positions");
	ck_assert_str_eq(v.value, "11");
	ck_assert_ptr_nonnull(strstr(v.reason, "limits.max_open_positions_ceiling (10)"));
	paper_broker *b = NULL;
	ck_assert_int_eq(paper_broker_new(&b, cfg), PAPER_ECONFIG);
	ck_ok(paper_config_set(cfg, "limits.max_open_positions_ceiling", "11"));
	ck_ok(paper_config_validate(cfg));
	/* A lower ceiling catches the default too. */
	ck_ok(paper_config_reset(cfg, "limits.max_open_positions"));
	ck_ok(paper_config_set(cfg, "limits.max_open_positions_ceiling", "4"));
	ck_assert_int_eq(paper_config_validate(cfg), PAPER_ECONFIG);
	paper_config_free(cfg);
}
END_TEST

START_TEST(precedence_env_over_file_over_defaults)
{
	const char *ini = "[limits]\nmax_open_positions = 3\nmin_confidence = 0.7\n"
			  "[costs]\nseed = 42\n";
	const char *envp[] = { "PAPER_LIMITS_MAX_OPEN_POSITIONS=4", "PAPER_COSTS_SEED=7",
			       "PAPER_LEDGER=/tmp/l.db", "PATH=/bin", NULL };
	paper_config *cfg = new_config();
	ck_ok(load_text(cfg, ini));
	ck_ok(paper_config_load_envp(cfg, envp));
	ck_ok(paper_config_validate(cfg));
	assert_text(cfg, "limits.max_open_positions", "4"); /* env */
	assert_text(cfg, "costs.seed", "7");                /* env */
	assert_text(cfg, "limits.min_confidence", "0.7");   /* file */
	assert_text(cfg, "limits.max_order_qty", "1000000"); /* default */
	/* Environment names are case-insensitive after PAPER_. */
	const char *mixed[] = { "PAPER_Limits_Max_Order_Qty=12", NULL };
	ck_ok(paper_config_load_envp(cfg, mixed));
	assert_text(cfg, "limits.max_order_qty", "12");
	ck_assert_int_eq(paper_config_load_envp(cfg, NULL), PAPER_EINVAL);
	ck_assert_int_eq(paper_config_load_envp(NULL, envp), PAPER_EINVAL);
	paper_config_free(cfg);
}
END_TEST

START_TEST(unknown_groups_and_keys_are_errors)
{
	static const struct { const char *ini, *key; } cases[] = {
		{ "[limit]\nmax_open_positions = 3\n", "[limit]" },
		{ "[Limits]\nmax_open_positions = 3\n", "[Limits]" },
		{ "[limits]\nmax_open_position = 3\n", "limits.max_open_position" },
		{ "[limits]\nMax_Open_Positions = 3\n", "limits.Max_Open_Positions" },
		{ "[costs]\nstarting_cash = 5\n", "costs.starting_cash" },
		{ "[broker]\nport = 1\n", "[broker]" },
		/* GKeyFile reads key[locale] as a translation of key: no setting has one. */
		{ "[limits]\nmax_open_positions[de] = 3\n", "limits.max_open_positions[de]" },
		{ "[limits]\nmax_open_positions[] = 3\n", "limits.max_open_positions[]" },
		{ "[limits]\nmax_open_positions x = 3\n", "limits.max_open_positions x" },
		{ "[limits]\nmax_open_positions[sr@latin] = 3\n",
		  "limits.max_open_positions[sr@latin]" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		paper_config *cfg = new_config();
		ck_assert_int_eq(load_text(cfg, cases[i].ini), PAPER_ECONFIG);
		ck_assert_int_eq(paper_config_validate(cfg), PAPER_ECONFIG);
		ck_assert_uint_eq(paper_config_violation_count(cfg), 1);
		ck_assert_str_eq(violation(cfg, 0).key, cases[i].key);
		assert_text(cfg, "limits.max_open_positions", "5");
		paper_config_free(cfg);
	}
	paper_config *cfg = new_config();
	ck_assert_int_eq(load_env1(cfg, "PAPER_LIMITS_MAX_OPEN_POSITION=3"), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_validate(cfg), PAPER_ECONFIG);
	ck_assert_str_eq(violation(cfg, 0).key, "limits.max_open_position");
	ck_assert_ptr_nonnull(strstr(violation(cfg, 0).reason, "unknown key"));
	paper_config_free(cfg);
	/* PAPER_ variables that name no group belong to the command, not the config. */
	cfg = new_config();
	ck_ok(load_env1(cfg, "PAPER_CACHE_DIR=/tmp"));
	ck_ok(paper_config_validate(cfg));
	paper_config_free(cfg);
}
END_TEST

START_TEST(unreadable_and_malformed_files_change_nothing)
{
	paper_config *cfg = new_config();
	ck_assert_int_eq(paper_config_load_file(cfg, "/nonexistent/paper.ini"), PAPER_EIO);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "/nonexistent/paper.ini"));
	ck_assert_int_eq(paper_config_load_file(cfg, "/"), PAPER_EIO);
	static const char *const bad[] = {
		"hello\n",
		"max_open_positions = 3\n[limits]\n",
		"live = true\n",
		"[limits\nmax_open_positions = 3\n",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		ck_assert_msg(load_text(cfg, bad[i]) == PAPER_EFORMAT, "'%s' loaded", bad[i]);
		ck_assert_ptr_nonnull(strstr(paper_last_error(), "not an INI file"));
	}
	const char bytes[] = "[limits]\nmax_open_positions = 3\n\xff\xfe\n";
	char *path = temp_file(bytes, sizeof bytes - 1);
	ck_assert_int_eq(paper_config_load_file(cfg, path), PAPER_EFORMAT);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "UTF-8"));
	g_unlink(path);
	g_free(path);
	const char nul[] = "[limits]\nmax_open_positions = 3\0\n";
	path = temp_file(nul, sizeof nul - 1);
	ck_assert_int_eq(paper_config_load_file(cfg, path), PAPER_EFORMAT);
	g_unlink(path);
	g_free(path);
	ck_assert_int_eq(paper_config_load_file(cfg, NULL), PAPER_EINVAL);
	ck_assert_int_eq(paper_config_load_file(NULL, "x"), PAPER_EINVAL);
	/* Nothing was applied or recorded. */
	assert_text(cfg, "limits.max_open_positions", "5");
	ck_ok(paper_config_validate(cfg));
	ck_ok(load_text(cfg, ""));
	ck_ok(load_text(cfg, "# only a comment\n\n[limits]\n"));
	paper_config_free(cfg);
}
END_TEST

static long max_rss_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/*
 * A config file is read whole, so its size is capped at 1 MiB (docs/config.md): one byte more
 * is refused before it is read, a 1 GiB file costs no memory, and an endless one (/dev/zero)
 * is cut off at the cap. A file of exactly 1 MiB loads.
 */
START_TEST(config_files_are_capped)
{
	const size_t cap = 1 << 20;
	paper_config *cfg = new_config();
	GString *big = g_string_new("[limits]\nmax_open_positions = 3\n");
	while (big->len < cap)
		g_string_append(big, "# padding padding padding padding padding padding padding\n");
	g_string_truncate(big, cap - 1);
	g_string_append_c(big, '\n');
	char *path = temp_file(big->str, big->len);
	ck_ok(paper_config_load_file(cfg, path));
	assert_text(cfg, "limits.max_open_positions", "3");
	ck_ok(paper_config_reset(cfg, "limits.max_open_positions"));
	FILE *f = fopen(path, "a");
	fputc('\n', f);
	fclose(f);
	ck_assert_int_eq(paper_config_load_file(cfg, path), PAPER_EFORMAT);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "larger than 1048576 bytes"));
	/* 1 GiB, sparse: refused from its size, read not at all. */
	long before = max_rss_kib();
	ck_assert_int_eq(truncate(path, (off_t)1 << 30), 0);
	ck_assert_int_eq(paper_config_load_file(cfg, path), PAPER_EFORMAT);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "larger than"));
	ck_assert_int_eq(paper_config_load_file(cfg, "/dev/zero"), PAPER_EFORMAT);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "larger than"));
	ck_assert_msg(max_rss_kib() - before < 16 * 1024, "reading grew by %ld KiB",
		      max_rss_kib() - before);
	assert_text(cfg, "limits.max_open_positions", "5");
	ck_ok(paper_config_validate(cfg));
	g_unlink(path);
	g_free(path);
	g_string_free(big, TRUE);
	paper_config_free(cfg);
}
END_TEST

/* ---- the example file and the docs ---- */

START_TEST(example_file_documents_every_key)
{
	paper_config *cfg = new_config();
	ck_ok(paper_config_load_file(cfg, EXAMPLE_INI));
	ck_ok(paper_config_validate(cfg));
	ck_assert_uint_eq(paper_config_violation_count(cfg), 0);

	GKeyFile *kf = g_key_file_new();
	GError *err = NULL;
	ck_assert_msg(g_key_file_load_from_file(kf, EXAMPLE_INI, G_KEY_FILE_KEEP_COMMENTS, &err),
		      "%s", err ? err->message : "");
	gsize total = 0;
	gchar **groups = g_key_file_get_groups(kf, NULL);
	for (size_t g = 0; groups[g]; g++) {
		gsize n = 0;
		g_strfreev(g_key_file_get_keys(kf, groups[g], &n, NULL));
		total += n;
	}
	g_strfreev(groups);
	ck_assert_uint_eq(total, paper_config_key_count());
	for (size_t i = 0; i < paper_config_key_count(); i++) {
		paper_config_key_info ki = key_info(i);
		const char *dot = strchr(ki.name, '.');
		char *group = g_strndup(ki.name, (gsize)(dot - ki.name));
		ck_assert_msg(g_key_file_has_key(kf, group, dot + 1, NULL), "%s missing", ki.name);
		/* Documented with a comment, and set to its default. */
		char *comment = g_key_file_get_comment(kf, group, dot + 1, NULL);
		ck_assert_msg(comment && *comment, "%s has no comment", ki.name);
		char *text = get_text(cfg, ki.name);
		if (ki.type == PAPER_CONFIG_DOUBLE)
			ck_assert_double_eq(g_ascii_strtod(text, NULL), g_ascii_strtod(ki.default_value, NULL));
		else
			ck_assert_str_eq(text, ki.default_value);
		g_free(text);
		g_free(comment);
		g_free(group);
	}
	g_key_file_free(kf);
	paper_config_free(cfg);
}
END_TEST

START_TEST(docs_name_every_key_and_endpoint)
{
	char *md = NULL;
	ck_assert(g_file_get_contents(CONFIG_MD, &md, NULL, NULL));
	for (size_t i = 0; i < paper_config_key_count(); i++) {
		paper_config_key_info ki = key_info(i);
		char *name = env_name(ki.name);
		const char *dot = strchr(ki.name, '.');
		char *row = g_strdup_printf("`%s`", dot + 1);
		ck_assert_msg(strstr(md, row), "docs/config.md lacks %s", ki.name);
		ck_assert_msg(strstr(md, name), "docs/config.md lacks %s", name);
		g_free(row);
		g_free(name);
	}
	g_free(md);
	ck_assert(g_file_get_contents(SAFETY_MD, &md, NULL, NULL));
	static const char *const must[] = { "7496", "4001", "7497", "4002", "`api.alpaca.markets`",
					    "`paper-api.alpaca.markets`", "DU", "PAPER_ESAFETY",
					    "APCA_API_BASE_URL" };
	for (size_t i = 0; i < G_N_ELEMENTS(must); i++)
		ck_assert_msg(strstr(md, must[i]), "docs/safety.md lacks %s", must[i]);
	g_free(md);
}
END_TEST

/* ---- fuzzing the loaders ---- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64*: fixed seed, so every run sees the same inputs. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

static size_t rnd_below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

static const char *const tokens[] = {
	"[", "]", "=", "\n", "#", ";", "\\", "\\n", "\\x", " ", "\t", "\r\n", "[limits]", "[live]",
	"[account]", "[connection]", "[logging]", "live", "dry_run", "mode", "true", "false", "-1",
	"1e308", "nan", "inf", "0x10", "7496", "4002", "DU1", "U1", "https://api.alpaca.markets",
	"max_open_positions", "allowed_symbols", "AAPL,MSFT", "\xc3\xa9", "\xe2\x82\xac", "[a[b]]",
	"key[de]", "=\n", "\xff", "\0",
};

/* Random bytes, biased towards the characters and words an INI parser cares about. */
static size_t fuzz_random(char *buf, size_t cap)
{
	size_t n = 0, len = rnd_below(cap / 2);

	while (n < len) {
		if (rnd() & 1) {
			buf[n++] = (char)(rnd() & 0xff);
		} else {
			const char *t = tokens[rnd_below(G_N_ELEMENTS(tokens))];
			size_t tl = *t ? strlen(t) : 1;
			if (n + tl > cap)
				break;
			memcpy(buf + n, t, tl);
			n += tl;
		}
	}
	return n;
}

/* The example file with a few random edits. */
static size_t fuzz_mutate(const char *base, size_t base_len, char *buf, size_t cap)
{
	size_t n = base_len < cap ? base_len : cap;
	memcpy(buf, base, n);
	for (int edits = 1 + (int)rnd_below(4); edits > 0 && n > 0; edits--) {
		size_t at = rnd_below(n);
		switch (rnd_below(4)) {
		case 0: /* flip a byte */
			buf[at] = (char)(rnd() & 0xff);
			break;
		case 1: { /* delete a run */
			size_t del = 1 + rnd_below(n - at < 40 ? n - at : 40);
			memmove(buf + at, buf + at + del, n - at - del);
			n -= del;
			break;
		}
		default: { /* insert a token */
			const char *t = tokens[rnd_below(G_N_ELEMENTS(tokens))];
			size_t tl = *t ? strlen(t) : 1;
			if (n + tl > cap)
				break;
			memmove(buf + at + tl, buf + at, n - at);
			memcpy(buf + at, t, tl);
			n += tl;
			break;
		}
		}
	}
	return n;
}

static void fuzz_check_loaded(paper_config *cfg, int rc, int *seen)
{
	ck_assert_msg(rc == PAPER_OK || rc == PAPER_EFORMAT || rc == PAPER_ECONFIG ||
		      rc == PAPER_ESAFETY || rc == PAPER_EIO, "unexpected code %d", rc);
	if (rc != PAPER_OK)
		ck_assert_msg(paper_last_error()[0] != '\0', "code %d without a message", rc);
	seen[-rc]++;
	int v = paper_config_validate(cfg);
	ck_assert(v == PAPER_OK || v == PAPER_ECONFIG || v == PAPER_ESAFETY);
	ck_assert_int_eq(v == PAPER_OK, paper_config_violation_count(cfg) == 0);
	for (size_t i = 0; i < paper_config_violation_count(cfg); i++)
		violation(cfg, i);
	/* A file that loads cleanly validates (cross-key rules aside). */
	if (rc == PAPER_OK && v != PAPER_OK)
		ck_assert_str_eq(violation(cfg, 0).key, "limits.max_open_positions");
}

START_TEST(fuzz_ini_loader)
{
	enum { ROUNDS = 20000, CAP = 8192 };
	char *base = NULL;
	gsize base_len = 0;
	ck_assert(g_file_get_contents(EXAMPLE_INI, &base, &base_len, NULL));
	char *buf = g_malloc(CAP);
	char *path = temp_file("", 0);
	int seen[32] = { 0 };

	rng_state = UINT64_C(0x9e3779b97f4a7c15);
	for (int round = 0; round < ROUNDS; round++) {
		size_t n = round % 2 ? fuzz_random(buf, CAP) : fuzz_mutate(base, base_len, buf, CAP);
		FILE *f = fopen(path, "wb");
		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(fwrite(buf, 1, n, f), n);
		fclose(f);
		paper_config *cfg = new_config();
		paper_clear_error();
		fuzz_check_loaded(cfg, paper_config_load_file(cfg, path), seen);
		paper_config_free(cfg);
	}
	/* Both kinds of input reach past the parser. */
	ck_assert_int_gt(seen[-PAPER_OK], 0);
	ck_assert_int_gt(seen[-PAPER_EFORMAT], 0);
	ck_assert_int_gt(seen[-PAPER_ECONFIG], 0);
	ck_assert_int_gt(seen[-PAPER_ESAFETY], 0);
	g_unlink(path);
	g_free(path);
	g_free(buf);
	g_free(base);
}
END_TEST

START_TEST(fuzz_env_loader)
{
	enum { ROUNDS = 20000 };
	char buf[256];
	int seen[32] = { 0 };

	rng_state = UINT64_C(0x2545f4914f6cdd1d);
	for (int round = 0; round < ROUNDS; round++) {
		size_t n = fuzz_random(buf, sizeof buf - 8);
		buf[n] = '\0';
		/* Most entries look like ours, so they reach past the prefix and group tests. */
		char *entry = NULL;
		switch (rnd_below(4)) {
		case 0:
			entry = g_strdup(buf);
			break;
		case 1:
			entry = g_strconcat("PAPER_", buf, NULL);
			break;
		case 2: {
			static const char *const prefixes[] = { "PAPER_LIMITS_", "PAPER_connection_",
								"APCA_API_BASE_URL=", "PAPER_ACCOUNT_" };
			entry = g_strconcat(prefixes[rnd_below(G_N_ELEMENTS(prefixes))], buf, NULL);
			break;
		}
		default: {
			char *name = env_name(key_info(rnd_below(paper_config_key_count())).name);
			entry = g_strconcat(name, "=", buf, NULL);
			g_free(name);
			break;
		}
		}
		const char *envp[] = { entry, "PAPER_LIMITS_MAX_OPEN_POSITIONS=3", NULL };
		paper_config *cfg = new_config();
		paper_clear_error();
		fuzz_check_loaded(cfg, paper_config_load_envp(cfg, envp), seen);
		paper_config_free(cfg);
		g_free(entry);
	}
	ck_assert_int_gt(seen[-PAPER_OK], 0);
	ck_assert_int_gt(seen[-PAPER_ECONFIG], 0);
	ck_assert_int_gt(seen[-PAPER_ESAFETY], 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("keys");
	tcase_add_test(tc, defaults_are_valid);
	tcase_add_test(tc, key_table_is_well_formed);
	tcase_add_test(tc, every_numeric_key_range_edges);
	tcase_add_test(tc, int_range_is_exact_beyond_2_pow_53);
	tcase_add_test(tc, broker_at_range_edges);
	tcase_add_test(tc, values_that_do_not_parse);
	tcase_add_test(tc, fractional_lot_needs_fractional);
	tcase_add_test(tc, values_that_parse);
	tcase_add_test(tc, typed_access_and_errors);
	tcase_add_test(tc, copy_is_deep);
	tcase_add_test(tc, allowed_symbols_form);
	suite_add_tcase(s, tc);

	tc = tcase_create("safety");
	tcase_add_test(tc, ib_ports);
	tcase_add_test(tc, ib_accounts);
	tcase_add_test(tc, alpaca_urls);
	tcase_add_test(tc, alpaca_url_bypasses);
	tcase_add_test(tc, alpaca_url_hostile_bytes);
	tcase_add_test(tc, refused_values_are_quoted_escaped);
	tcase_add_test(tc, go_live_in_a_file_is_refused);
	tcase_add_test(tc, go_live_in_the_environment_is_refused);
	tcase_add_test(tc, go_live_from_process_environment);
	tcase_add_test(tc, go_live_through_the_api_is_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("loading");
	tcase_add_test(tc, validate_reports_every_violation);
	tcase_add_test(tc, positions_ceiling_rule);
	tcase_add_test(tc, precedence_env_over_file_over_defaults);
	tcase_add_test(tc, unknown_groups_and_keys_are_errors);
	tcase_add_test(tc, unreadable_and_malformed_files_change_nothing);
	tcase_add_test(tc, config_files_are_capped);
	tcase_add_test(tc, example_file_documents_every_key);
	tcase_add_test(tc, docs_name_every_key_and_endpoint);
	suite_add_tcase(s, tc);

	tc = tcase_create("fuzz");
	tcase_add_test(tc, fuzz_ini_loader);
	tcase_add_test(tc, fuzz_env_loader);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
