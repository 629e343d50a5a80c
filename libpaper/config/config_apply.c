/*
 * Applying what a loader read (config_load.c's INI file and environment, config_yaml.c's YAML
 * file): one setting by name with the checks every source shares, refused groups, and the
 * loader's result.
 */
#include <string.h>

#include "config/config_load.h"
#include "base/error.h"
#include "config/safety.h"

int paper__config_summarize(paper_config *cfg, guint before, const char *source)
{
	guint added = cfg->pending->len - before;
	int code = PAPER_OK;

	for (guint i = before; i < cfg->pending->len; i++) {
		const cfg_violation *v = cfg->pending->pdata[i];
		code = (v->code == PAPER_ESAFETY || code == PAPER_ESAFETY) ? PAPER_ESAFETY : PAPER_ECONFIG;
	}
	if (added == 0)
		return PAPER_OK;
	const cfg_violation *first = cfg->pending->pdata[before];
	return paper__error(code, "%s: %u problem%s, first: %s = '%s': %s", source, added,
			    added == 1 ? "" : "s", first->key, first->value, first->reason);
}

/*
 * Apply "name = text" from a source; record whatever is wrong with it. A key with a locale
 * (`live[en]`, which GKeyFile would otherwise hide) is no setting; it is judged as a spelling
 * of "go live" by the name before its '['.
 */
void paper__config_apply(paper_config *cfg, const char *name, const char *text)
{
	int k = paper__config_key_index(name);

	if (k >= 0) {
		paper__config_set_text(cfg, k, text, name);
		return;
	}
	if (paper__config_is_instrument_key(name)) {
		const char *why = NULL;
		if (paper__config_instrument_set(cfg, name, text, &why) != PAPER_OK)
			paper__config_add_pending(cfg, PAPER_ECONFIG, name, text, why);
		return;
	}
	const char *bracket = strchr(name, '[');
	char *base = g_strndup(name, bracket ? (gsize)(bracket - name) : strlen(name));
	if (bracket == NULL && paper__safety_is_affirmation(name, text))
		; /* dry_run = true states what libpaper always is: accepted, nothing changes */
	else if (paper__safety_unknown_is_live(base, text))
		paper__config_add_pending(cfg, PAPER_ESAFETY, name, text, PAPER__SAFETY_NOT_A_SETTING);
	else
		paper__config_add_pending(cfg, PAPER_ECONFIG, name, text,
					  bracket ? "unknown key (settings have no locale variants)"
						  : "unknown key");
	g_free(base);
}

/* Groups are spelled exactly, in lower case; [instrument.SYMBOL] keeps the symbol's case. */
bool paper__config_group_exact(const char *g)
{
	if (g_str_has_prefix(g, "instrument.") && g[strlen("instrument.")] != '\0')
		return true;
	for (const char *p = g; *p; p++)
		if (g_ascii_isupper(*p))
			return false;
	return paper__config_group_known(g, strlen(g));
}

void paper__config_refuse_group(paper_config *cfg, const char *group)
{
	bool live = paper__safety_key_is_live(group);
	gchar *key = g_strdup_printf("[%s]", group);
	paper__config_add_pending(cfg, live ? PAPER_ESAFETY : PAPER_ECONFIG, key, "",
				  live ? "not a group: libpaper is paper only and cannot be switched "
					 "to live trading"
				       : "unknown group");
	g_free(key);
}
