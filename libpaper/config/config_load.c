/*
 * Loading a config from an INI file (GLib key file) and from PAPER_<GROUP>_<KEY> environment
 * variables; a YAML file is handed to config_yaml.c. Loaders never stop at the first problem:
 * every one is recorded as a violation for paper_config_validate(), and the valid keys are
 * applied.
 */
#include <string.h>

#include "config/config_load.h"
#include "base/error.h"
#include "base/readfile.h"
#include "config/config_yaml.h"
#include "config/safety.h"

static void load_group(paper_config *cfg, GKeyFile *kf, const char *group)
{
	gsize n = 0;
	gchar **names = g_key_file_get_keys(kf, group, &n, NULL);

	for (gsize i = 0; i < n; i++) {
		gchar *full = g_strdup_printf("%s.%s", group, names[i]);
		GError *err = NULL;
		gchar *text = g_key_file_get_string(kf, group, names[i], &err);
		if (text == NULL) {
			paper__config_add_pending(cfg, PAPER_ECONFIG, full, "", err->message);
			g_error_free(err);
		} else {
			paper__config_apply(cfg, full, text);
		}
		g_free(text);
		g_free(full);
	}
	g_strfreev(names);
}

PAPER_API int paper_config_load_file(paper_config *cfg, const char *path)
{
	PAPER__CHECK_NULL(cfg, "cfg");
	PAPER__CHECK_NULL(path, "path");

	char *data = NULL;
	size_t len = 0;
	GError *err = NULL;
	int read_rc = paper__read_file_capped(path, PAPER_CONFIG_FILE_MAX, "config file", &data, &len);
	if (read_rc != PAPER_OK)
		return read_rc;
	if (memchr(data, '\0', len) != NULL || !g_utf8_validate(data, (gssize)len, NULL)) {
		g_free(data);
		return paper__error(PAPER_EFORMAT, "config file '%s' is not UTF-8 text", path);
	}
	if (paper__config_is_yaml(path, data, len)) {
		int rc = paper__config_load_yaml(cfg, path, data, len);
		g_free(data);
		return rc;
	}
	GKeyFile *kf = g_key_file_new();
	/* Translations kept: otherwise `key[de] = ...` lines vanish from the keys listed, and a
	 * file could hold settings no check ever sees. */
	if (!g_key_file_load_from_data(kf, data, len, G_KEY_FILE_KEEP_TRANSLATIONS, &err)) {
		int rc = paper__error(PAPER_EFORMAT, "config file '%s' is not an INI file: %s", path,
				      err->message);
		g_error_free(err);
		g_key_file_free(kf);
		g_free(data);
		return rc;
	}
	g_free(data);

	guint before = cfg->pending->len;
	gsize ngroups = 0;
	gchar **groups = g_key_file_get_groups(kf, &ngroups);
	for (gsize g = 0; g < ngroups; g++) {
		if (paper__config_group_exact(groups[g]))
			load_group(cfg, kf, groups[g]);
		else
			paper__config_refuse_group(cfg, groups[g]);
	}
	g_strfreev(groups);
	g_key_file_free(kf);
	char *src = g_strdup_printf("config file '%s'", path);
	int rc = paper__config_summarize(cfg, before, src);
	g_free(src);
	return rc;
}

/* Handle one NAME=value if it belongs to us. */
static void env_one(paper_config *cfg, const char *entry)
{
	const char *eq = strchr(entry, '=');

	if (eq == NULL)
		return;
	gchar *name = g_strndup(entry, (gsize)(eq - entry));
	const char *value = eq + 1;

	if (strcmp(name, "APCA_API_BASE_URL") == 0) {
		/* Alpaca's own variable: a runtime here would trade wherever it points. */
		int k = paper__config_key_index("connection.alpaca_base_url");
		paper__config_set_text(cfg, k, value, name);
	} else if (g_str_has_prefix(name, "PAPER_")) {
		const char *rest = name + 6;
		const char *us = strchr(rest, '_');
		size_t glen = us ? (size_t)(us - rest) : strlen(rest);
		gchar *lower = g_ascii_strdown(rest, -1);
		if (us && paper__config_group_known(rest, glen)) {
			lower[glen] = '.';
			paper__config_apply(cfg, lower, value);
		} else if (paper__safety_key_is_live(lower) &&
			   !paper__safety_is_affirmation(lower, value)) {
			/* Not a group: only a mode switch is ours (PAPER_LEDGER=... is not). */
			paper__config_add_pending(cfg, PAPER_ESAFETY, name, value,
						  PAPER__SAFETY_NOT_A_SETTING);
		}
		g_free(lower);
	}
	g_free(name);
}

PAPER_API int paper_config_load_envp(paper_config *cfg, const char *const *envp)
{
	PAPER__CHECK_NULL(cfg, "cfg");
	PAPER__CHECK_NULL(envp, "envp");
	guint before = cfg->pending->len;

	for (size_t i = 0; envp[i]; i++)
		env_one(cfg, envp[i]);
	return paper__config_summarize(cfg, before, "environment");
}

extern char **environ;

PAPER_API int paper_config_load_env(paper_config *cfg)
{
	return paper_config_load_envp(cfg, (const char *const *)environ);
}
