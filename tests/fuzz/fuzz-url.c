/*
 * The paper-only URL check (config/safety.c, docs/safety.md): the input is a value for
 * connection.alpaca_base_url, given by every route a user has: paper_config_set() (C, --set,
 * paperlib), PAPER_CONNECTION_ALPACA_BASE_URL and Alpaca's own APCA_API_BASE_URL in the
 * environment, and an INI file (the value escaped by GLib so the file holds it exactly).
 * Promises: no crash, no leak, no undefined behaviour; every route accepts or refuses alike;
 * an accepted URL is the Alpaca paper endpoint (fuzz_url_is_paper()).
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include <paper/paper.h>

#include "fuzz.h"

#define KEY "connection.alpaca_base_url"

/* The config's verdict: 1 accepted (and the stored URL checked), 0 refused. */
static int verdict(paper_config *cfg, int load_rc)
{
	int ok = load_rc == PAPER_OK && paper_config_validate(cfg) == PAPER_OK;
	if (ok) {
		char *stored = fuzz_config_text(cfg, KEY);
		if (!fuzz_url_is_paper(stored)) {
			fprintf(stderr, "fuzz: accepted Alpaca URL: '%s'\n", stored);
			fuzz_require(false, "an accepted Alpaca URL is the paper endpoint");
		}
		g_free(stored);
	}
	paper_config_free(cfg);
	return ok;
}

static int by_setter(const char *url)
{
	paper_config *cfg = NULL;
	fuzz_require(paper_config_new(&cfg) == PAPER_OK, "a default config");
	return verdict(cfg, paper_config_set(cfg, KEY, url));
}

static int by_env(const char *name, const char *url)
{
	paper_config *cfg = NULL;
	fuzz_require(paper_config_new(&cfg) == PAPER_OK, "a default config");
	char *entry = g_strconcat(name, "=", url, NULL);
	const char *envp[] = { entry, NULL };
	int rc = paper_config_load_envp(cfg, envp);
	g_free(entry);
	return verdict(cfg, rc);
}

/* -1 when GLib cannot write the value into a key file (not UTF-8). */
static int by_ini(const char *url)
{
	if (!g_utf8_validate(url, -1, NULL))
		return -1;
	GKeyFile *kf = g_key_file_new();
	g_key_file_set_string(kf, "connection", "alpaca_base_url", url);
	gsize len = 0;
	char *text = g_key_file_to_data(kf, &len, NULL);
	g_key_file_free(kf);
	const char *path = fuzz_path("url.ini");
	fuzz_write(path, text, len);
	g_free(text);
	paper_config *cfg = NULL;
	fuzz_require(paper_config_new(&cfg) == PAPER_OK, "a default config");
	return verdict(cfg, paper_config_load_file(cfg, path));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (memchr(data, '\0', size) != NULL)
		return -1; /* no route can carry a NUL */
	char *url = fuzz_cstr(data, size);
	int set = by_setter(url);
	int env = by_env("PAPER_CONNECTION_ALPACA_BASE_URL", url);
	int apca = by_env("APCA_API_BASE_URL", url);
	int ini = by_ini(url);
	if (set != env || set != apca || (ini >= 0 && set != ini)) {
		fprintf(stderr, "fuzz: '%s' accepted by: setter %d, PAPER_ env %d, APCA env %d, "
			"INI %d\n", url, set, env, apca, ini);
		fuzz_require(false, "every route accepts or refuses a URL alike");
	}
	g_free(url);
	return 0;
}
