/* YAML config files: the seeds' own configs, parity with the INI loader, dry_run, hostile YAML. */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "testutil.h"

#define FIXTURES PAPER_TEST_SRCDIR "/tests/config"

/* ---- helpers ---- */

static paper_config *new_config(void)
{
	paper_config *cfg = NULL;
	ck_ok(paper_config_new(&cfg));
	return cfg;
}

static paper_config_violation violation(const paper_config *cfg, size_t i)
{
	paper_config_violation v = PAPER_CONFIG_VIOLATION_INIT;
	ck_ok(paper_config_violation_get(cfg, i, &v));
	return v;
}

static void assert_text(const paper_config *cfg, const char *key, const char *want)
{
	char got[512];
	ck_ok(paper_config_get_string(cfg, key, got, sizeof got, NULL));
	ck_assert_msg(strcmp(got, want) == 0, "%s is '%s', expected '%s'", key, got, want);
}

/* text written to a temp file whose name ends in suffix; returns the loader's code. */
static int load_as(paper_config *cfg, const char *text, const char *suffix)
{
	char *tmpl = g_strdup_printf("paper-yaml-XXXXXX%s", suffix);
	char *path = NULL;
	int fd = g_file_open_tmp(tmpl, &path, NULL);
	ck_assert_int_ge(fd, 0);
	size_t n = strlen(text);
	ck_assert_int_eq(write(fd, text, n), (ssize_t)n);
	close(fd);
	int rc = paper_config_load_file(cfg, path);
	g_unlink(path);
	g_free(path);
	g_free(tmpl);
	return rc;
}

static int load_yaml(paper_config *cfg, const char *text)
{
	return load_as(cfg, text, ".yaml");
}

/* The file's code and the validation's, with every key at its default otherwise. */
static int validate_yaml(const char *text)
{
	paper_config *cfg = new_config();
	load_yaml(cfg, text);
	int rc = paper_config_validate(cfg);
	paper_config_free(cfg);
	return rc;
}

/* ---- the seeds' configs ---- */

static paper_config *load_fixture(const char *name)
{
	char *path = g_strdup_printf("%s/%s", FIXTURES, name);
	paper_config *cfg = new_config();
	int rc = paper_config_load_file(cfg, path);
	ck_assert_msg(rc == PAPER_OK, "%s: %s", name, paper_last_error());
	rc = paper_config_validate(cfg);
	ck_assert_msg(rc == PAPER_OK, "%s: %s", name, paper_last_error());
	g_free(path);
	return cfg;
}

START_TEST(seed_configs_load)
{
	paper_config *cfg = load_fixture("seed000.yaml");
	assert_text(cfg, "account.name", "ib-paper");
	assert_text(cfg, "limits.max_open_positions", "5");
	assert_text(cfg, "limits.max_order_qty", "1");
	assert_text(cfg, "limits.allowed_symbols", "SPY,QQQ,IWM");
	assert_text(cfg, "connection.ib_port", "7497");
	assert_text(cfg, "connection.ib_account", "DU1234567");
	assert_text(cfg, "logging.log_file", "paper_trading.log");
	assert_text(cfg, "session.sizing", "qty");
	assert_text(cfg, "session.max_hold_minutes", "0");
	paper_broker *b = NULL;
	/* The broker opens its log file: somewhere writable. */
	ck_ok(paper_config_set(cfg, "logging.log_file", ""));
	ck_ok(paper_broker_new(&b, cfg));
	paper_broker_free(b);
	paper_config_free(cfg);

	cfg = load_fixture("seed002.yaml");
	assert_text(cfg, "account.starting_cash", "10000");
	assert_text(cfg, "account.type", "cash");
	assert_text(cfg, "session.sizing", "fraction");
	assert_text(cfg, "session.lot_size", "0.0001");
	assert_text(cfg, "costs.commission_pct", "0.1");
	assert_text(cfg, "metrics.periods_per_year", "365");
	paper_config_free(cfg);

	cfg = load_fixture("seed003.yaml");
	assert_text(cfg, "limits.aggressive", "true");
	assert_text(cfg, "session.notional", "1000");
	assert_text(cfg, "session.on_reverse", "ignore");
	assert_text(cfg, "session.lot_size", "1e-08");
	paper_config_free(cfg);

	cfg = load_fixture("seed004.yaml");
	assert_text(cfg, "account.starting_cash", "1000");
	assert_text(cfg, "costs.slippage_pct", "0");
	paper_config_free(cfg);
}
END_TEST

/* Seed 000's safety checks, from its own YAML changed one line at a time. */
START_TEST(seed000_safety)
{
	char *base = NULL;
	ck_assert(g_file_get_contents(FIXTURES "/seed000.yaml", &base, NULL, NULL));
	static const struct { const char *from, *to; int want; } cases[] = {
		{ "dry_run: true", "dry_run: false", PAPER_ESAFETY },
		{ "dry_run: true", "dry_run: no", PAPER_ESAFETY },
		{ "dry_run: true", "dry_run: live", PAPER_ESAFETY },
		{ "dry_run: true", "dry_run:", PAPER_ESAFETY },
		{ "ib_port: 7497", "ib_port: 7496", PAPER_ESAFETY },
		{ "ib_port: 7497", "ib_port: 4001", PAPER_ESAFETY },
		{ "ib_account: DU1234567", "ib_account: U1234567", PAPER_ESAFETY },
		{ "max_open_positions: 5", "max_open_positions: 11", PAPER_ECONFIG },
		{ "dry_run: true", "dry_run: yes", PAPER_OK },
		{ "dry_run: true", "dry_run: 'true'", PAPER_OK },
		{ "ib_port: 7497", "ib_port: 4002", PAPER_OK },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		gchar **parts = g_strsplit(base, cases[i].from, 2);
		ck_assert_ptr_nonnull(parts[1]);
		char *text = g_strjoin(cases[i].to, parts[0], parts[1], NULL);
		int rc = validate_yaml(text);
		ck_assert_msg(rc == cases[i].want, "%s: got %d (%s)", cases[i].to, rc, paper_last_error());
		g_free(text);
		g_strfreev(parts);
	}
	g_free(base);
}
END_TEST

/* ---- the same checks and messages as INI ---- */

/* Every way of saying "go live" in an INI file (test-config.c's list), and some plain typos. */
static const char *const ini_files[] = {
	"[account]\nlive = true\n",
	"[limits]\ndry_run = false\n",
	"[engine]\nmode = live\n",
	"[connection]\ntrading_mode = live\n",
	"[live]\nenabled = true\n",
	"[LIVE]\nx = 1\n",
	"[paper]\nenabled = false\n",
	"[account]\ntype = live\n",
	"[account]\nlive_trading = yes\n",
	"[limits]\ngo_live = 1\n",
	"[account]\ndry-run = false\n",
	"[account]\ndryRun = false\n",
	"[account]\nenvironment = production\n",
	"[account]\ntrading = live\n",
	"[limits]\naggressive = live\n",
	"[connection]\nib_port = 7496\n",
	"[connection]\nib_account = U1234567\n",
	"[connection]\nalpaca_base_url = https://api.alpaca.markets\n",
	"[account]\ntpye = cash\n",
	"[account]\nstarting_cash = -5\ncurrency = usd\n[limits]\nmax_order_qty = abc\n",
	"[limits]\nmax_order_qty = 0x10\nmin_confidence = nan\n",
	"[costs]\nseed = 1.5\n[session]\nsizing = kelly\n",
	"[limits]\ndry_run = true\n",
	"[account]\nDRY_RUN = on\n",
};

/* "[g]\nk = v\n..." as YAML, every value single-quoted (the INI value's text, as it is). */
static char *ini_to_yaml(const char *ini)
{
	GString *y = g_string_new(NULL);
	gchar **lines = g_strsplit(ini, "\n", -1);
	for (int i = 0; lines[i]; i++) {
		const char *l = lines[i];
		if (*l == '\0')
			continue;
		if (*l == '[') {
			g_string_append_printf(y, "%.*s:\n", (int)(strlen(l) - 2), l + 1);
			continue;
		}
		const char *eq = strstr(l, " = ");
		ck_assert_ptr_nonnull(eq);
		gchar **v = g_strsplit(eq + 3, "'", -1);
		char *quoted = g_strjoinv("''", v);
		g_string_append_printf(y, "  %.*s: '%s'\n", (int)(eq - l), l, quoted);
		g_free(quoted);
		g_strfreev(v);
	}
	g_strfreev(lines);
	return g_string_free(y, FALSE);
}

START_TEST(same_checks_and_messages_as_ini)
{
	for (size_t i = 0; i < G_N_ELEMENTS(ini_files); i++) {
		char *yaml = ini_to_yaml(ini_files[i]);
		paper_config *a = new_config(), *b = new_config();
		int ra = load_as(a, ini_files[i], ".ini");
		int rb = load_yaml(b, yaml);
		ck_assert_msg(ra == rb, "'%s': INI %d, YAML %d (%s)", yaml, ra, rb, paper_last_error());
		ck_assert_int_eq(paper_config_validate(a), paper_config_validate(b));
		ck_assert_uint_eq(paper_config_violation_count(a), paper_config_violation_count(b));
		for (size_t k = 0; k < paper_config_violation_count(a); k++) {
			paper_config_violation va = violation(a, k), vb = violation(b, k);
			ck_assert_int_eq(va.code, vb.code);
			ck_assert_str_eq(va.key, vb.key);
			ck_assert_str_eq(va.value, vb.value);
			/* The same reason, with the line it is on. */
			ck_assert_msg(g_str_has_prefix(vb.reason, va.reason) &&
				      strstr(vb.reason + strlen(va.reason), " (line ") ==
					      vb.reason + strlen(va.reason),
				      "INI '%s', YAML '%s'", va.reason, vb.reason);
		}
		paper_config_free(a);
		paper_config_free(b);
		g_free(yaml);
	}
}
END_TEST

START_TEST(violations_name_their_line)
{
	paper_config *cfg = new_config();
	const char *text = "account:\n"
			   "  name: test\n"
			   "limits:\n"
			   "  max_order_qty: -1\n"
			   "  allowed_symbols: [SPY, 'B,AD']\n"
			   "  max_order_qty: 5\n"
			   "session:\n"
			   "  tp_pct:\n"
			   "    high: 2\n";
	ck_assert_int_eq(load_yaml(cfg, text), PAPER_ECONFIG);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "4 problems"));
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "(line 4)"));
	ck_assert_int_eq(paper_config_validate(cfg), PAPER_ECONFIG);
	static const struct { const char *key, *reason; } want[] = {
		{ "limits.max_order_qty", "must be in [1e-08, 1000000000] (line 4)" },
		{ "limits.allowed_symbols", "holds a comma: give one symbol per item (line 5)" },
		{ "limits.max_order_qty", "given twice (first at line 4): give it once (line 6)" },
		{ "session.tp_pct", "a setting's value is one value, not a mapping (line 9)" },
	};
	ck_assert_uint_eq(paper_config_violation_count(cfg), G_N_ELEMENTS(want));
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
		paper_config_violation v = violation(cfg, i);
		ck_assert_str_eq(v.key, want[i].key);
		ck_assert_msg(g_str_has_suffix(v.reason, want[i].reason), "%s: '%s'", v.key, v.reason);
	}
	/* A repeat names the value given again, as any other refused value. */
	ck_assert_str_eq(violation(cfg, 2).value, "5");
	/* The valid keys were applied. */
	assert_text(cfg, "account.name", "test");
	paper_config_free(cfg);
}
END_TEST

/* ---- dry_run: an affirmation everywhere, never a switch ---- */

START_TEST(dry_run_true_is_accepted_everywhere)
{
	static const char *const yaml_ok[] = { "dry_run: true\n", "dry_run: True\n", "dry_run: on\n",
					       "dry_run: 1\n", "dry-run: yes\n", "dryRun: true\n",
					       "limits:\n  dry_run: true\n" };
	for (size_t i = 0; i < G_N_ELEMENTS(yaml_ok); i++)
		ck_assert_msg(validate_yaml(yaml_ok[i]) == PAPER_OK, "%s: %s", yaml_ok[i],
			      paper_last_error());
	static const char *const yaml_refused[] = { "dry_run: false\n", "dry_run: 0\n",
						    "dry_run: maybe\n", "dry_run: [true]\n",
						    "limits:\n  dry_run: off\n", "live: false\n",
						    "paper_trading: true\n", "dry_run:\n  x: 1\n" };
	for (size_t i = 0; i < G_N_ELEMENTS(yaml_refused); i++)
		ck_assert_msg(validate_yaml(yaml_refused[i]) != PAPER_OK, "%s accepted", yaml_refused[i]);
	ck_assert_int_eq(validate_yaml("dry_run: false\n"), PAPER_ESAFETY);
	ck_assert_int_eq(validate_yaml("paper_trading: true\n"), PAPER_ESAFETY);

	paper_config *cfg = new_config();
	ck_ok(load_as(cfg, "[limits]\ndry_run = true\n", ".ini"));
	ck_ok(load_as(cfg, "[account]\ndry-run = yes\n", ".ini"));
	const char *env_ok[] = { "PAPER_DRY_RUN=true", "PAPER_LIMITS_DRY_RUN=1", "PAPER_DRYRUN=on", NULL };
	ck_ok(paper_config_load_envp(cfg, env_ok));
	ck_ok(paper_config_set(cfg, "dry_run", "true"));
	ck_ok(paper_config_set_bool(cfg, "limits.dry_run", true));
	ck_ok(paper_config_validate(cfg));
	/* Nothing is recorded as a setting. */
	bool b = false;
	ck_assert_int_eq(paper_config_get_bool(cfg, "dry_run", &b), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_set(cfg, "dry_run", "false"), PAPER_ESAFETY);
	ck_assert_int_eq(paper_config_set_bool(cfg, "limits.dry_run", false), PAPER_ESAFETY);
	const char *env_bad[] = { "PAPER_DRY_RUN=false", NULL };
	ck_assert_int_eq(paper_config_load_envp(cfg, env_bad), PAPER_ESAFETY);
	ck_assert_int_eq(load_as(cfg, "[limits]\ndry_run[en] = true\n", ".ini"), PAPER_ESAFETY);
	paper_config_free(cfg);
}
END_TEST

/* ---- the shape of the file ---- */

START_TEST(shapes_that_are_read)
{
	paper_config *cfg = new_config();
	const char *text = "%YAML 1.1\n---\n"
			   "# flow style, quoted values, null, an empty group and a dotted key\n"
			   "account: {name: \"flow\", currency: 'EUR'}\n"
			   "limits:\n"
			   "  allowed_symbols:\n"
			   "    - BTC/USDT\n"
			   "    - ETH-USD\n"
			   "connection:\n"
			   "  ib_account: ~\n"
			   "engine:\n"
			   "session.tp_pct: 3\n"
			   "...\n";
	ck_assert_msg(load_yaml(cfg, text) == PAPER_OK, "%s", paper_last_error());
	ck_ok(paper_config_validate(cfg));
	assert_text(cfg, "account.name", "flow");
	assert_text(cfg, "account.currency", "EUR");
	assert_text(cfg, "limits.allowed_symbols", "BTC/USDT,ETH-USD");
	assert_text(cfg, "connection.ib_account", "");
	assert_text(cfg, "session.tp_pct", "3");
	ck_ok(load_yaml(cfg, "limits:\n  allowed_symbols: []\n"));
	assert_text(cfg, "limits.allowed_symbols", "");
	/* Empty files and documents: nothing set. */
	ck_ok(load_yaml(cfg, ""));
	ck_ok(load_yaml(cfg, "# only a comment\n"));
	ck_ok(load_yaml(cfg, "---\n...\n"));
	ck_ok(paper_config_validate(cfg));
	paper_config_free(cfg);
}
END_TEST

/* ---- instruments: every spelling of docs/config.md means the same section ---- */

static const char *const instrument_keys[] = {
	"instrument.ESZ6.asset_class", "instrument.ESZ6.multiplier", "instrument.ESZ6.tick_size",
	"instrument.ESZ6.expiry",      "instrument.BRK.B.asset_class", "instrument.BRK.B.lot_size",
	"instrument.SPYX.asset_class", "instrument.SPYX.underlying",  "instrument.SPYX.right",
	"instrument.SPYX.strike",      "instrument.SPYX.expiry",
};

static const char *const instrument_values[] = {
	"future", "50", "0.25", "2026-12-18", "equity", "1",
	"option", "SPY", "put", "480", "2026-12-18T14:30:00Z",
};

START_TEST(instrument_spellings_mean_the_same)
{
	static const char *const texts[] = {
		/* a section per symbol at the top */
		"instrument.ESZ6:\n  asset_class: future\n  multiplier: 50\n  tick_size: 0.25\n"
		"  expiry: 2026-12-18\n"
		"instrument.BRK.B:\n  asset_class: equity\n  lot_size: 1\n"
		"instrument.SPYX:\n  asset_class: option\n  underlying: SPY\n  right: put\n"
		"  strike: 480\n  expiry: \"2026-12-18T14:30:00Z\"\n",
		/* the group instrument:, a mapping per symbol */
		"instrument:\n  ESZ6:\n    asset_class: future\n    multiplier: 50\n"
		"    tick_size: 0.25\n    expiry: 2026-12-18\n"
		"  BRK.B: {asset_class: equity, lot_size: 1}\n"
		"  SPYX.asset_class: option\n"
		"instrument.SPYX.underlying: SPY\ninstrument.SPYX.right: put\n"
		"instrument.SPYX.strike: 480\ninstrument.SPYX.expiry: \"2026-12-18T14:30:00Z\"\n",
		/* every key at the top */
		"instrument.ESZ6.asset_class: future\ninstrument.ESZ6.multiplier: 50\n"
		"instrument.ESZ6.tick_size: 0.25\ninstrument.ESZ6.expiry: 2026-12-18\n"
		"instrument.BRK.B.asset_class: equity\ninstrument.BRK.B.lot_size: 1\n"
		"instrument: {SPYX: {asset_class: option, underlying: SPY, right: put, strike: 480,"
		" expiry: \"2026-12-18T14:30:00Z\"}}\n",
	};
	char *first = NULL;
	for (size_t t = 0; t < G_N_ELEMENTS(texts); t++) {
		paper_config *cfg = new_config();
		int rc = load_yaml(cfg, texts[t]);
		ck_assert_msg(rc == PAPER_OK, "spelling %zu: %s", t, paper_last_error());
		ck_assert_msg(paper_config_validate(cfg) == PAPER_OK, "spelling %zu: %s", t,
			      paper_last_error());
		for (size_t k = 0; k < G_N_ELEMENTS(instrument_keys); k++)
			assert_text(cfg, instrument_keys[k], instrument_values[k]);
		/* The same contracts, resolved by a broker. */
		paper_broker *b = NULL;
		ck_ok(paper_broker_new(&b, cfg));
		GString *all = g_string_new(NULL);
		static const char *const syms[] = { "ESZ6", "BRK.B", "SPYX" };
		for (size_t i = 0; i < G_N_ELEMENTS(syms); i++) {
			paper_instrument_spec s = PAPER_INSTRUMENT_SPEC_INIT;
			ck_ok(paper_broker_instrument(b, syms[i], &s));
			ck_assert_int_eq(s.origin, PAPER_INSTRUMENT_DEFINED);
			g_string_append_printf(all, "%s %d %g %g %g %lld %s %d %g|", syms[i],
					       (int)s.asset_class, s.multiplier, s.tick_size,
					       s.lot_size, (long long)s.expiry, s.underlying,
					       (int)s.right, s.strike);
		}
		if (first == NULL)
			first = g_strdup(all->str);
		ck_assert_str_eq(all->str, first);
		g_string_free(all, TRUE);
		paper_broker_free(b);
		paper_config_free(cfg);
	}
	g_free(first);
}
END_TEST

/* The checks stay: bad values and shapes under instrument: are violations with their lines. */
START_TEST(instrument_group_keeps_its_checks)
{
	static const struct { const char *text, *key, *reason; } cases[] = {
		{ "instrument:\n  ESZ6:\n    asset_class: future\n    multiplier: fifty\n",
		  "instrument.ESZ6.multiplier", "(line 4)" },
		{ "instrument:\n  ESZ6:\n    colour: red\n", "instrument.ESZ6.colour", "(line 3)" },
		{ "instrument:\n  ESZ6: 50\n", "instrument.ESZ6",
		  "give its contract's fields as a mapping under it (line 2)" },
		{ "instrument:\n  ESZ6:\n    multiplier: [1, 2]\n", "instrument.ESZ6.multiplier",
		  "(line 3)" },
		{ "instrument.ESZ6:\n  multiplier: 50\ninstrument:\n  ESZ6:\n    tick_size: 1\n",
		  "[instrument.ESZ6]", "given twice (first at line 2): give it once (line 5)" },
		{ "instrument.ESZ6.multiplier: 50\ninstrument:\n  ESZ6.multiplier: 20\n",
		  "instrument.ESZ6.multiplier", "given twice (first at line 1): give it once (line 3)" },
		{ "instrument:\n  ESZ6:\n    multiplier: 50\ninstrument:\n  NQZ6:\n    multiplier: 20\n",
		  "[instrument]", "given twice (first at line 2): give it once (line 5)" },
		{ "instrument: [ESZ6]\n", "instrument", "(line 1)" },
		/* a mapping there is the section of the symbol ESZ6.multiplier, as in INI */
		{ "instrument.ESZ6.multiplier:\n  x: 1\n", "instrument.ESZ6.multiplier.x",
		  "(line 2)" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		paper_config *cfg = new_config();
		int rc = load_yaml(cfg, cases[i].text);
		ck_assert_msg(rc == PAPER_ECONFIG || rc == PAPER_EFORMAT, "'%s': got %d",
			      cases[i].text, rc);
		if (rc == PAPER_ECONFIG) {
			ck_assert_int_eq(paper_config_validate(cfg), PAPER_ECONFIG);
			ck_assert_msg(paper_config_violation_count(cfg) >= 1, "'%s'", cases[i].text);
			paper_config_violation v = violation(cfg, 0);
			ck_assert_msg(strcmp(v.key, cases[i].key) == 0 &&
					      strstr(v.reason, cases[i].reason) != NULL,
				      "'%s': %s: %s", cases[i].text, v.key, v.reason);
		}
		paper_config_free(cfg);
	}
	/* An empty group is nothing, as `limits:` is. */
	paper_config *cfg = new_config();
	ck_ok(load_yaml(cfg, "instrument:\n"));
	ck_ok(paper_config_validate(cfg));
	paper_config_free(cfg);
}
END_TEST

/* Not a config's shape, or features a config has no use for: refused whole, nothing applied. */
START_TEST(shapes_that_are_refused)
{
	static const struct { const char *text, *why; } cases[] = {
		{ "limits:\n  max_order_qty: 5\n  bad: [\n", "not YAML" },
		{ "limits:\n max_order_qty: 5\n  x: 1\n", "not YAML" },
		{ "- account\n- limits\n", "a mapping of groups" },
		{ "just text\n", "a mapping of groups" },
		{ "limits:\n  max_order_qty: &q 5\n", "anchors" },
		{ "limits: &l\n  max_order_qty: 5\n", "anchors" },
		{ "limits:\n  max_order_qty: !!int 5\n", "tags" },
		{ "limits: !custom\n  max_order_qty: 5\n", "tags" },
		{ "limits:\n  ? [a, b]\n  : 5\n", "a key must be a name" },
		{ "limits:\n  max_order_qty: 5\n---\nlimits:\n  max_order_qty: 6\n", "one YAML document" },
		{ "limits:\n  max_order_qty: \"5\\0\"\n  x: *missing\n", "aliases" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		paper_config *cfg = new_config();
		int rc = load_yaml(cfg, cases[i].text);
		ck_assert_msg(rc == PAPER_EFORMAT, "'%s': got %d", cases[i].text, rc);
		ck_assert_msg(strstr(paper_last_error(), cases[i].why), "'%s': %s", cases[i].text,
			      paper_last_error());
		ck_assert_ptr_nonnull(strstr(paper_last_error(), "line "));
		assert_text(cfg, "limits.max_order_qty", "1000000");
		ck_ok(paper_config_validate(cfg));
		paper_config_free(cfg);
	}
	/* Violations, not refusals: the rest of the file is applied. */
	static const char *const recorded[] = {
		"limits:\n  max_order_qty: [1, 2]\n",
		"limits:\n  max_order_qty: \"5\\0\"\n",
		"limits: 5\n",
		"limits:\n  allowed_symbols: [SPY, [QQQ]]\n",
		"limits:\n  max_order_qty: 5\nlimits:\n  max_order_qty: 6\n",
		"Limits:\n  max_order_qty: 5\n",
		"unknown:\n  x: 1\n",
		"stray: 1\n",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(recorded); i++) {
		paper_config *cfg = new_config();
		int rc = load_yaml(cfg, recorded[i]);
		ck_assert_msg(rc == PAPER_ECONFIG, "'%s': got %d (%s)", recorded[i], rc, paper_last_error());
		ck_assert_int_eq(paper_config_validate(cfg), PAPER_ECONFIG);
		ck_assert_ptr_nonnull(strstr(violation(cfg, 0).reason, "(line "));
		paper_config_free(cfg);
	}
}
END_TEST

/* About 18 MiB here; AddressSanitizer's quarantine keeps freed blocks (about 75 MiB). */
#if defined(__SANITIZE_ADDRESS__)
#define RSS_BOUND_KIB (160 * 1024)
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RSS_BOUND_KIB (160 * 1024)
#endif
#endif
#ifndef RSS_BOUND_KIB
#define RSS_BOUND_KIB (40 * 1024)
#endif

static long max_rss_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* Files built to exhaust memory or the stack are refused at a cost bounded by their size. */
START_TEST(hostile_files_cost_little)
{
	long before = max_rss_kib();
	paper_config *cfg = new_config();
	ck_assert_int_eq(paper_config_load_file(cfg, FIXTURES "/billion-laughs.yaml"), PAPER_EFORMAT);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "anchors"));
	/* The aliases alone, without an anchor before them, are refused at the first one. */
	GString *g = g_string_new("limits:\n  allowed_symbols: [");
	for (int i = 0; i < 100000; i++)
		g_string_append(g, "*a,");
	g_string_append(g, "*a]\n");
	ck_assert_int_eq(load_yaml(cfg, g->str), PAPER_EFORMAT);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "aliases"));
	/* Nesting to the size cap: 1 MiB of '[' and of "- ". */
	g_string_assign(g, "limits:\n  allowed_symbols: ");
	while (g->len < ((size_t)1 << 20) - 2)
		g_string_append_c(g, '[');
	g_string_append_c(g, '\n');
	ck_assert_int_eq(load_yaml(cfg, g->str), PAPER_EFORMAT);
	g_string_assign(g, "limits:\n");
	for (int depth = 1; g->len < ((size_t)1 << 20) - 4096; depth++)
		g_string_append_printf(g, "%*s- \n", depth > 1000 ? 1000 : depth, "");
	int rc = load_yaml(cfg, g->str);
	ck_assert_msg(rc == PAPER_EFORMAT || rc == PAPER_ECONFIG, "got %d", rc);
	/* Many keys, each given twice: every repeat is one violation. */
	paper_config_free(cfg);
	cfg = new_config();
	g_string_assign(g, "limits:\n");
	for (int i = 0; i < 20000; i++)
		g_string_append(g, "  max_order_qty: 5\n");
	ck_assert_int_eq(load_yaml(cfg, g->str), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_validate(cfg), PAPER_ECONFIG);
	ck_assert_uint_eq(paper_config_violation_count(cfg), 19999);
	assert_text(cfg, "limits.max_order_qty", "5");
	ck_assert_msg(max_rss_kib() - before < RSS_BOUND_KIB, "grew by %ld KiB",
		      max_rss_kib() - before);
	g_string_free(g, TRUE);
	paper_config_free(cfg);
}
END_TEST

/* ---- which loader reads a file ---- */

START_TEST(loader_by_extension_or_content)
{
	paper_config *cfg = new_config();
	const char *yaml = "# a comment\n\nlimits:\n  max_order_qty: 7\n";
	const char *ini = "# a comment\n\n[limits]\nmax_order_qty = 8\n";
	ck_ok(load_as(cfg, yaml, ".yml"));
	assert_text(cfg, "limits.max_order_qty", "7");
	ck_assert_int_eq(load_as(cfg, ini, ".YAML"), PAPER_EFORMAT);
	ck_ok(load_as(cfg, yaml, ".conf"));
	assert_text(cfg, "limits.max_order_qty", "7");
	ck_ok(load_as(cfg, ini, ".conf"));
	assert_text(cfg, "limits.max_order_qty", "8");
	ck_ok(load_as(cfg, yaml, ""));
	assert_text(cfg, "limits.max_order_qty", "7");
	ck_ok(load_as(cfg, "\xEF\xBB\xBF---\nlimits: {max_order_qty: 9}\n", ".cfg"));
	assert_text(cfg, "limits.max_order_qty", "9");
	/* An .ini file is INI whatever it holds: YAML there is not an INI file. */
	ck_assert_int_eq(load_as(cfg, yaml, ".ini"), PAPER_EFORMAT);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "not an INI file"));
	/* The same caps and text checks as INI. */
	ck_assert_int_eq(load_as(cfg, "limits:\n  max_order_qty: \xff\n", ".yaml"), PAPER_EFORMAT);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "UTF-8"));
	ck_ok(paper_config_validate(cfg));
	paper_config_free(cfg);
}
END_TEST

/* ---- fuzz ---- */

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Tokens YAML gives meaning to, spliced into a seed config. */
static const char *const tokens[] = { ":", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "!!str ",
				      "? ", "|\n", ">\n", "\"", "'", "#", "\n", "  ", "\t", "---\n",
				      "...\n", "%YAML 1.1\n", "~", "\\0", "\xEF\xBB\xBF", "dry_run: ",
				      "live: ", "7496", "true", "false", "null", "1e999", "0x10" };

static size_t mutate(const char *base, size_t n, char *buf, size_t cap)
{
	if (n > cap)
		n = cap;
	memcpy(buf, base, n);
	for (int k = 1 + (int)(rng() % 6); k > 0; k--) {
		size_t at = n ? rng() % n : 0;
		switch (rng() % 3) {
		case 0: /* delete a run */
			if (n) {
				size_t len = 1 + rng() % 8;
				len = at + len > n ? n - at : len;
				memmove(buf + at, buf + at + len, n - at - len);
				n -= len;
			}
			break;
		case 1: /* a random byte */
			if (n)
				buf[at] = (char)(rng() & 0xff);
			break;
		default: { /* a token */
			const char *t = tokens[rng() % G_N_ELEMENTS(tokens)];
			size_t tl = strlen(t);
			if (n + tl > cap)
				break;
			memmove(buf + at + tl, buf + at, n - at);
			memcpy(buf + at, t, tl);
			n += tl;
		}
		}
	}
	return n;
}

START_TEST(fuzz_yaml_loader)
{
	enum { ROUNDS = 3000, CAP = 4096 }; /* more under libFuzzer: tests/fuzz/fuzz-yaml.c */
	static const char *const seeds[] = { "seed000.yaml", "seed002.yaml", "seed003.yaml",
					     "seed004.yaml" };
	char *base[G_N_ELEMENTS(seeds)];
	gsize len[G_N_ELEMENTS(seeds)];
	for (size_t i = 0; i < G_N_ELEMENTS(seeds); i++) {
		char *p = g_strdup_printf("%s/%s", FIXTURES, seeds[i]);
		ck_assert(g_file_get_contents(p, &base[i], &len[i], NULL));
		g_free(p);
	}
	char *buf = g_malloc(CAP + 1);
	char *path = NULL;
	int fd = g_file_open_tmp("paper-fuzz-XXXXXX.yaml", &path, NULL);
	ck_assert_int_ge(fd, 0);
	close(fd);
	int seen[32] = { 0 };
	rng_state = UINT64_C(0x853c49e6748fea9b);
	for (int round = 0; round < ROUNDS; round++) {
		size_t s = (size_t)round % G_N_ELEMENTS(seeds);
		size_t n = mutate(base[s], len[s], buf, CAP);
		FILE *f = fopen(path, "wb"); /* not g_file_set_contents(): no fsync per round */
		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(fwrite(buf, 1, n, f), n);
		fclose(f);
		paper_config *cfg = new_config();
		paper_clear_error();
		int rc = paper_config_load_file(cfg, path);
		tu_require(rc == PAPER_OK || rc == PAPER_EFORMAT || rc == PAPER_ECONFIG ||
			   rc == PAPER_ESAFETY, "unexpected code %d", rc);
		tu_require(rc == PAPER_OK || paper_last_error()[0] != '\0', "code %d, no message", rc);
		seen[-rc]++;
		int v = paper_config_validate(cfg);
		tu_require(v == PAPER_OK || v == PAPER_ECONFIG || v == PAPER_ESAFETY, "validate %d", v);
		/* A refused file changes nothing. */
		if (rc == PAPER_EFORMAT)
			tu_require(v == PAPER_OK, "EFORMAT but %zu violations",
				   paper_config_violation_count(cfg));
		for (size_t i = 0; i < paper_config_violation_count(cfg); i++) {
			paper_config_violation x = violation(cfg, i);
			tu_require(x.key && x.value && x.reason && x.reason[0], "violation %zu", i);
		}
		paper_config_free(cfg);
	}
	ck_assert_int_gt(seen[-PAPER_OK], 0);
	ck_assert_int_gt(seen[-PAPER_EFORMAT], 0);
	ck_assert_int_gt(seen[-PAPER_ECONFIG], 0);
	ck_assert_int_gt(seen[-PAPER_ESAFETY], 0);
	g_unlink(path);
	g_free(path);
	g_free(buf);
	for (size_t i = 0; i < G_N_ELEMENTS(seeds); i++)
		g_free(base[i]);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("config-yaml");
	TCase *tc = tcase_create("seeds");
	tcase_add_test(tc, seed_configs_load);
	tcase_add_test(tc, seed000_safety);
	suite_add_tcase(s, tc);

	tc = tcase_create("parity");
	tcase_add_test(tc, same_checks_and_messages_as_ini);
	tcase_add_test(tc, violations_name_their_line);
	tcase_add_test(tc, dry_run_true_is_accepted_everywhere);
	suite_add_tcase(s, tc);

	tc = tcase_create("shape");
	tcase_add_test(tc, shapes_that_are_read);
	tcase_add_test(tc, shapes_that_are_refused);
	tcase_add_test(tc, instrument_spellings_mean_the_same);
	tcase_add_test(tc, instrument_group_keeps_its_checks);
	tcase_add_test(tc, hostile_files_cost_little);
	tcase_add_test(tc, loader_by_extension_or_content);
	suite_add_tcase(s, tc);

	tc = tcase_create("fuzz");
	tcase_add_test(tc, fuzz_yaml_loader);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
