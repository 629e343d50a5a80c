/*
 * Environment variables and `--set KEY=VALUE` (docs/config.md): each input line is one
 * NAME=value entry. All lines go to paper_config_load_envp() as an environment, and each line
 * goes to paper_config_set() as the paper command's --set does (split at the first '=').
 * Promises: no crash, no leak, no undefined behaviour; a config that validates keeps the
 * paper-only promise and builds a broker; and for a known key the two routes agree: `--set
 * group.key=V` is accepted exactly when PAPER_GROUP_KEY=V is, and then stores the same value.
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include <paper/paper.h>

#include "fuzz.h"

#define MAX_LINES 64

static void check_validated(paper_config *cfg)
{
	if (paper_config_validate(cfg) != PAPER_OK)
		return;
	fuzz_require_paper_only(cfg);
	paper_broker *b = NULL;
	fuzz_require(paper_broker_new(&b, cfg) == PAPER_OK, "a validated config builds a broker");
	paper_broker_free(b);
}

static bool key_known(const char *key)
{
	for (size_t k = 0; k < paper_config_key_count(); k++) {
		paper_config_key_info ki = PAPER_CONFIG_KEY_INFO_INIT;
		if (paper_config_key_info_get(k, &ki) == PAPER_OK && strcmp(ki.name, key) == 0)
			return true;
	}
	return false;
}

/* `--set key=value` against PAPER_GROUP_KEY=value, each on a fresh config. */
static void compare_routes(const char *key, const char *value)
{
	paper_config *set = NULL, *env = NULL;
	fuzz_require(paper_config_new(&set) == PAPER_OK && paper_config_new(&env) == PAPER_OK,
		     "default configs");
	char *name = g_ascii_strup(key, -1);
	g_strdelimit(name, ".", '_');
	char *entry = g_strdup_printf("PAPER_%s=%s", name, value);
	const char *envp[] = { entry, NULL };
	int set_rc = paper_config_set(set, key, value);
	int env_rc = paper_config_load_envp(env, envp);
	if ((set_rc == PAPER_OK) != (env_rc == PAPER_OK)) {
		fprintf(stderr, "fuzz: --set %s=%s gives %d, %s gives %d\n", key, value, set_rc, entry,
			env_rc);
		fuzz_require(false, "--set and the environment accept the same values");
	}
	if (set_rc == PAPER_OK) {
		char *a = fuzz_config_text(set, key), *b = fuzz_config_text(env, key);
		fuzz_require(strcmp(a, b) == 0, "--set and the environment store the same value");
		g_free(a);
		g_free(b);
	}
	g_free(entry);
	g_free(name);
	paper_config_free(set);
	paper_config_free(env);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	char **lines = g_strsplit(text, "\n", MAX_LINES + 1);
	if (g_strv_length(lines) > MAX_LINES) {
		g_strfreev(lines);
		g_free(text);
		return -1; /* not worth the time: 64 lines reach every path */
	}
	paper_config *env = NULL, *set = NULL;
	fuzz_require(paper_config_new(&env) == PAPER_OK && paper_config_new(&set) == PAPER_OK,
		     "default configs");
	paper_config_load_envp(env, (const char *const *)lines);
	for (char **l = lines; *l; l++) {
		char *eq = strchr(*l, '=');
		if (eq == NULL || eq == *l)
			continue;
		char *key = g_strndup(*l, (gsize)(eq - *l));
		paper_config_set(set, key, eq + 1);
		if (key_known(key))
			compare_routes(key, eq + 1);
		g_free(key);
	}
	check_validated(env);
	check_validated(set);
	paper_config_free(env);
	paper_config_free(set);
	g_strfreev(lines);
	g_free(text);
	fuzz_unlink(fuzz_path("broker.log"));
	return 0;
}
