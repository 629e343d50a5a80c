/*
 * Paper only, for feeds: the endpoints a market-data feed may reach. A feed reads prices; it
 * never sends an order, and it must not even connect to a trading API (a mistyped --feed-url,
 * a proxy pointed at the wrong host). Refused: the hosts that only serve trading, the paths
 * that place or list orders and accounts, the Interactive Brokers API ports, and credentials
 * written into a URL (they would end up in logs). docs/safety.md lists the same rules.
 */
#include "config/safety_feed.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"

/* Hosts that serve trading and nothing a feed needs (market data has hosts of its own). */
static const char *const trading_hosts[] = {
	"api.alpaca.markets",        /* Alpaca live trading */
	"paper-api.alpaca.markets",  /* Alpaca paper trading: still an order API */
	"broker-api.alpaca.markets", /* Alpaca Broker API */
	"broker-api.sandbox.alpaca.markets",
	"api.tradier.com",
	"sandbox.tradier.com",
	"api.tastyworks.com",
	"api.tastytrade.com",
	NULL,
};

/* Path segments of order and account resources, on hosts that also serve market data
 * (api.exchange.coinbase.com, api.binance.com). */
static const char *const trading_segments[] = {
	"order", "orders", "openorders", "allorders", "orderlist", "oco", "fills", "account",
	"accounts", "positions", "margin", "sapi", "userdatastream", "listenkey", NULL,
};

/* Interactive Brokers TWS and Gateway API ports, live and paper: order routers. */
static const int ib_ports[] = { 7496, 7497, 4001, 4002 };

static bool in_list(const char *const *list, const char *s)
{
	for (int i = 0; list[i]; i++)
		if (g_ascii_strcasecmp(list[i], s) == 0)
			return true;
	return false;
}

static int refuse(int code, char **why, const char *fmt, const char *arg)
{
	*why = g_strdup_printf(fmt, arg);
	return code;
}

static int check_path(const char *path, char **why)
{
	gchar **segs = g_strsplit(path, "/", -1);
	int rc = PAPER_OK;
	for (int i = 0; segs[i] && rc == PAPER_OK; i++)
		if (in_list(trading_segments, segs[i]))
			rc = refuse(PAPER_ESAFETY, why, "'%s' is an order or account resource of a "
				    "trading API: a feed reads market data only", segs[i]);
	g_strfreev(segs);
	return rc;
}

int paper__safety_check_feed_url(const char *url, bool websocket, char **why)
{
	static const char *const ws[] = { "ws://", "wss://", NULL };
	static const char *const http[] = { "http://", "https://", NULL };
	const char *const *schemes = websocket ? ws : http;
	const char *p = NULL;

	for (int i = 0; schemes[i] && !p; i++)
		if (g_ascii_strncasecmp(url, schemes[i], strlen(schemes[i])) == 0)
			p = url + strlen(schemes[i]);
	if (p == NULL)
		return refuse(PAPER_ECONFIG, why, "must start with %s",
			      websocket ? "ws:// or wss://" : "http:// or https://");
	size_t auth = strcspn(p, "/?#");
	if (memchr(p, '@', auth))
		return refuse(PAPER_ECONFIG, why, "%s", "credentials in a URL are refused (they would "
			      "be logged); alpaca keys come from the environment");
	/* host[:port]; an IPv6 literal is [..] */
	const char *colon = p[0] == '[' ? memchr(p, ']', auth) : NULL;
	colon = memchr(colon ? colon : p, ':', auth - (size_t)((colon ? colon : p) - p));
	size_t host_len = colon ? (size_t)(colon - p) : auth;
	if (host_len == 0)
		return refuse(PAPER_ECONFIG, why, "%s", "has no host");
	char *host = g_ascii_strdown(p, (gssize)host_len);
	bool trading = in_list(trading_hosts, host);
	int rc = trading ? refuse(PAPER_ESAFETY, why, "%s is a trading API host: a feed reads "
				  "market data only", host) : PAPER_OK;
	g_free(host);
	if (rc == PAPER_OK && colon) {
		char *end = NULL;
		long port = strtol(colon + 1, &end, 10);
		if (end == colon + 1 || (*end && !strchr("/?#", *end)) || port <= 0 || port > 65535)
			rc = refuse(PAPER_ECONFIG, why, "%s", "has a bad port");
		for (size_t i = 0; rc == PAPER_OK && i < G_N_ELEMENTS(ib_ports); i++)
			if (port == ib_ports[i]) {
				*why = g_strdup_printf("port %ld is an Interactive Brokers trading API "
						       "port: a feed reads market data only", port);
				rc = PAPER_ESAFETY;
			}
	}
	if (rc == PAPER_OK) {
		const char *path = p + auth;
		char *only = g_strndup(path, strcspn(path, "?#"));
		rc = check_path(only, why);
		g_free(only);
	}
	return rc;
}
