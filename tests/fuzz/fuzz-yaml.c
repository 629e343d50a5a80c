/*
 * YAML config files (docs/config.md, "The YAML file"; paper_config_load_file() on a .yaml
 * path, read with libyaml): the input is a config file, loaded over the defaults and
 * validated.
 * Promises: no crash, no leak, no undefined behaviour, bounded work (anchors and aliases are
 * refused, so no input stands for more than its bytes); PAPER_EFORMAT changes nothing; every
 * violation reads back with its key, value and reason; loading is deterministic (a second load
 * of the same file gives the same values and violations); a config that validates builds a
 * broker and keeps the paper-only promise (fuzz_require_paper_only()).
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include <paper/paper.h>

#include "fuzz.h"

/* Every key's value as text, and the violations, one per line. */
static char *dump(const paper_config *cfg)
{
	GString *s = g_string_new(NULL);
	for (size_t k = 0; k < paper_config_key_count(); k++) {
		paper_config_key_info ki = PAPER_CONFIG_KEY_INFO_INIT;
		fuzz_require(paper_config_key_info_get(k, &ki) == PAPER_OK, "each key's info");
		char *v = fuzz_config_text(cfg, ki.name);
		g_string_append_printf(s, "%s=%s\n", ki.name, v);
		g_free(v);
	}
	for (size_t i = 0; i < paper_config_violation_count(cfg); i++) {
		paper_config_violation v = PAPER_CONFIG_VIOLATION_INIT;
		fuzz_require(paper_config_violation_get(cfg, i, &v) == PAPER_OK, "each violation reads");
		fuzz_require(v.key && v.value && v.reason, "a violation has a key, value and reason");
		fuzz_require(v.code == PAPER_ECONFIG || v.code == PAPER_ESAFETY,
			     "a violation is ECONFIG or ESAFETY");
		fuzz_require(strlen(v.reason) > 0, "a violation says why");
		g_string_append_printf(s, "! %d %s %s %s\n", v.code, v.key, v.value, v.reason);
	}
	return g_string_free(s, FALSE);
}

static paper_config *load(const char *path, int *loaded)
{
	paper_config *cfg = NULL;
	fuzz_require(paper_config_new(&cfg) == PAPER_OK, "a default config");
	*loaded = paper_config_load_file(cfg, path);
	fuzz_require(*loaded == PAPER_OK || *loaded == PAPER_EFORMAT || *loaded == PAPER_ECONFIG ||
			     *loaded == PAPER_ESAFETY,
		     "a YAML file loads, is not of a config's shape, or has problems");
	return cfg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_path("config.yaml");
	fuzz_write(path, data, size);
	paper_config *fresh = NULL;
	fuzz_require(paper_config_new(&fresh) == PAPER_OK, "a default config");
	char *defaults = dump(fresh);
	paper_config_free(fresh);

	int loaded = 0, again = 0;
	paper_config *cfg = load(path, &loaded);
	char *first = dump(cfg);
	if (loaded == PAPER_EFORMAT)
		fuzz_require(strcmp(first, defaults) == 0, "a file of the wrong shape changes nothing");
	paper_config *cfg2 = load(path, &again);
	char *second = dump(cfg2);
	fuzz_require(loaded == again && strcmp(first, second) == 0, "loading is deterministic");

	int rc = paper_config_validate(cfg);
	fuzz_require(loaded == PAPER_OK || loaded == PAPER_EFORMAT || rc != PAPER_OK,
		     "a file with problems leaves violations");
	fuzz_require((rc == PAPER_OK) == (paper_config_violation_count(cfg) == 0),
		     "validate fails exactly when it lists violations");
	if (rc == PAPER_OK) {
		fuzz_require_paper_only(cfg);
		paper_broker *b = NULL;
		fuzz_require(paper_broker_new(&b, cfg) == PAPER_OK, "a validated config builds a broker");
		paper_broker_free(b);
	}
	g_free(defaults);
	g_free(first);
	g_free(second);
	paper_config_free(cfg2);
	paper_config_free(cfg);
	fuzz_unlink(fuzz_path("broker.log"));
	return 0;
}
