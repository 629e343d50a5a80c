/*
 * INI config files (docs/config.md; paper_config_load_file()): the input is a config file,
 * loaded over the defaults and validated.
 * Promises: no crash, no leak, no undefined behaviour; every violation reads back with its key,
 * value and reason; every key reads back as text; a config that validates builds a broker and
 * keeps the paper-only promise (fuzz_require_paper_only()); a copy validates the same way.
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include <paper/paper.h>

#include "fuzz.h"

static void read_back(paper_config *cfg, int rc)
{
	size_t n = paper_config_violation_count(cfg);
	fuzz_require((rc == PAPER_OK) == (n == 0), "validate fails exactly when it lists violations");
	for (size_t i = 0; i < n; i++) {
		paper_config_violation v = PAPER_CONFIG_VIOLATION_INIT;
		fuzz_require(paper_config_violation_get(cfg, i, &v) == PAPER_OK, "each violation reads");
		fuzz_require(v.key && v.value && v.reason, "a violation has a key, value and reason");
		fuzz_require(v.code == PAPER_ECONFIG || v.code == PAPER_ESAFETY,
			     "a violation is ECONFIG or ESAFETY");
		fuzz_require(strlen(v.reason) > 0, "a violation says why");
	}
	for (size_t k = 0; k < paper_config_key_count(); k++) {
		paper_config_key_info ki = PAPER_CONFIG_KEY_INFO_INIT;
		fuzz_require(paper_config_key_info_get(k, &ki) == PAPER_OK, "each key's info");
		g_free(fuzz_config_text(cfg, ki.name));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_path("config.ini");
	fuzz_write(path, data, size);
	paper_config *cfg = NULL;
	fuzz_require(paper_config_new(&cfg) == PAPER_OK, "a default config");
	int loaded = paper_config_load_file(cfg, path);
	int rc = paper_config_validate(cfg);
	fuzz_require(loaded == PAPER_OK || loaded == PAPER_EFORMAT || rc != PAPER_OK,
		     "a file with problems leaves violations");
	read_back(cfg, rc);
	paper_config *copy = NULL;
	fuzz_require(paper_config_copy(&copy, cfg) == PAPER_OK, "a config copies");
	fuzz_require(paper_config_validate(copy) == rc, "a copy validates as the original");
	if (rc == PAPER_OK) {
		fuzz_require_paper_only(cfg);
		paper_broker *b = NULL;
		fuzz_require(paper_broker_new(&b, cfg) == PAPER_OK, "a validated config builds a broker");
		paper_broker_free(b);
	}
	paper_config_free(copy);
	paper_config_free(cfg);
	fuzz_unlink(fuzz_path("broker.log"));
	return 0;
}
