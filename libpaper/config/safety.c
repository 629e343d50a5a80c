/*
 * Paper only. This file is the one place that knows which broker endpoints are live; every
 * entry point (C API, INI file, environment, the paper command, Python) reaches it through
 * the config checks. docs/safety.md lists the same table for users.
 */
#include "config/safety.h"

#include <string.h>

#include "base/error.h"
#include "config/url.h"

typedef enum endpoint_kind { EP_IB_PORT, EP_ALPACA_HOST } endpoint_kind;

static const struct endpoint {
	endpoint_kind kind;
	const char *value;
	bool live;
	const char *what;
} endpoints[] = {
	{ EP_IB_PORT, "7496", true, "Interactive Brokers TWS live port" },
	{ EP_IB_PORT, "4001", true, "Interactive Brokers Gateway live port" },
	{ EP_IB_PORT, "7497", false, "Interactive Brokers TWS paper port" },
	{ EP_IB_PORT, "4002", false, "Interactive Brokers Gateway paper port" },
	{ EP_ALPACA_HOST, "api.alpaca.markets", true, "Alpaca live trading endpoint" },
	{ EP_ALPACA_HOST, "paper-api.alpaca.markets", false, "Alpaca paper trading endpoint" },
};

/* Interactive Brokers paper account ids begin with this. */
#define IB_PAPER_PREFIX "DU"

static const struct endpoint *endpoint_find(endpoint_kind kind, const char *value)
{
	for (size_t i = 0; i < sizeof endpoints / sizeof endpoints[0]; i++)
		if (endpoints[i].kind == kind && g_ascii_strcasecmp(endpoints[i].value, value) == 0)
			return &endpoints[i];
	return NULL;
}

static int check_ib_port(int64_t port, char **why)
{
	if (port == 0)
		return PAPER_OK;
	char text[24];
	g_snprintf(text, sizeof text, "%" G_GINT64_FORMAT, port);
	const struct endpoint *ep = endpoint_find(EP_IB_PORT, text);
	if (ep && !ep->live)
		return PAPER_OK;
	*why = ep ? g_strdup_printf("%s refused: paper only (use 7497 or 4002)", ep->what)
		  : g_strdup("not a known paper port (7497 TWS, 4002 Gateway)");
	return PAPER_ESAFETY;
}

static int check_ib_account(const char *id, char **why)
{
	if (id[0] == '\0')
		return PAPER_OK;
	bool ok = g_str_has_prefix(id, IB_PAPER_PREFIX) && id[2] != '\0';
	for (const char *p = id + 2; ok && *p; p++)
		ok = g_ascii_isdigit(*p);
	if (ok)
		return PAPER_OK;
	*why = g_strdup("not an Interactive Brokers paper account (paper ids are DU followed by digits)");
	return PAPER_ESAFETY;
}

/*
 * Only https to the paper host is accepted, the host compared in the form a client resolves
 * (url.c); a URL that could be read two ways is refused before its host is looked at.
 */
static int check_alpaca_url(const char *text, char **why)
{
	if (text[0] == '\0')
		return PAPER_OK;
	paper_url url;
	char *bad = NULL;
	if (!paper__url_parse(text, &url, &bad)) {
		*why = g_strdup_printf("refused: the URL %s; the Alpaca paper endpoint is "
				       "https://paper-api.alpaca.markets", bad);
		g_free(bad);
		return PAPER_ESAFETY;
	}
	const struct endpoint *ep = endpoint_find(EP_ALPACA_HOST, url.host);
	const struct endpoint *named = ep ? ep : endpoint_find(EP_ALPACA_HOST, url.host_unicode);
	bool https = strcmp(url.scheme, "https") == 0;
	paper__url_clear(&url);
	if (ep && !ep->live && https)
		return PAPER_OK;
	if (named && named->live)
		*why = g_strdup_printf("%s refused: paper only (https://paper-api.alpaca.markets)",
				       named->what);
	else
		*why = g_strdup("not the Alpaca paper endpoint (https://paper-api.alpaca.markets)");
	return PAPER_ESAFETY;
}

int paper__safety_check_key(int key, cfg_value v, char **why)
{
	switch (key) {
	case K_CONNECTION_IB_PORT:
		return check_ib_port(v.i, why);
	case K_CONNECTION_IB_ACCOUNT:
		return check_ib_account(v.s, why);
	case K_CONNECTION_ALPACA_BASE_URL:
		return check_alpaca_url(v.s, why);
	default:
		return PAPER_OK;
	}
}

/* Whole names (after the last '.', '-' read as '_') that switch modes. */
static const char *const live_names[] = { "live", "live_trading", "livetrading", "dry_run", "dryrun",
					  "paper", "paper_trading", "paper_only", "mode",
					  "trading_mode", "environment", "env", "real_money",
					  "sandbox", "simulate", "simulation", "golive", "islive",
					  "uselive", "enablelive", NULL };

/* Words that make any name a mode switch: go_live, enable_live, is_live, live_url ... */
static bool has_live_word(const char *name)
{
	gchar **words = g_strsplit(name, "_", -1);
	bool live = false;

	for (int i = 0; words[i] && !live; i++) {
		live = strcmp(words[i], "live") == 0;
		if (words[i + 1] && !live)
			live = (strcmp(words[i], "dry") == 0 && strcmp(words[i + 1], "run") == 0) ||
			       (strcmp(words[i], "real") == 0 && strcmp(words[i + 1], "money") == 0);
	}
	g_strfreev(words);
	return live;
}

bool paper__safety_key_is_live(const char *key)
{
	const char *dot = strrchr(key, '.');
	gchar *name = g_ascii_strdown(dot ? dot + 1 : key, -1);
	bool live = false;

	g_strdelimit(name, "-", '_');
	for (int i = 0; live_names[i] && !live; i++)
		live = strcmp(name, live_names[i]) == 0;
	if (!live)
		live = has_live_word(name);
	g_free(name);
	return live;
}

bool paper__safety_value_is_live(const char *value)
{
	static const char *const values[] = { "live", "real", "production", "prod", NULL };
	char *v = g_strstrip(g_strdup(value));
	bool live = false;

	for (int i = 0; values[i] && !live; i++)
		live = g_ascii_strcasecmp(v, values[i]) == 0;
	g_free(v);
	return live;
}

bool paper__safety_is_affirmation(const char *key, const char *value)
{
	if (key == NULL || value == NULL)
		return false;
	const char *dot = strrchr(key, '.');
	gchar *name = g_ascii_strdown(dot ? dot + 1 : key, -1);
	g_strdelimit(name, "-", '_');
	bool dry_run = strcmp(name, "dry_run") == 0 || strcmp(name, "dryrun") == 0;
	g_free(name);
	if (!dry_run)
		return false;
	static const char *const yes[] = { "true", "yes", "on", "1", NULL };
	char *v = g_strstrip(g_strdup(value));
	bool affirmed = false;
	for (int i = 0; yes[i] && !affirmed; i++)
		affirmed = g_ascii_strcasecmp(v, yes[i]) == 0;
	g_free(v);
	return affirmed;
}

bool paper__safety_unknown_is_live(const char *key, const char *value)
{
	return paper__safety_key_is_live(key) || (value && paper__safety_value_is_live(value));
}
