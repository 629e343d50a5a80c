/*
 * Paper only, for feeds: the endpoints a market-data feed may reach. A feed reads prices; it
 * never sends an order, and it must not even connect to a trading API (a mistyped --feed-url,
 * a proxy pointed at the wrong host). Refused: the hosts that only serve trading, the paths
 * that place or list orders and accounts, the Interactive Brokers API ports, and credentials
 * written into a URL (they would end up in logs). docs/safety.md lists the same rules.
 */
#include "config/safety_feed.h"

#include <glib.h>
#include <string.h>

#include "base/error.h"
#include "config/url.h"

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

/* Read as url.c reads every endpoint: the host and path a client would send, no
 * credentials, nothing two readers could take differently. */
int paper__safety_check_feed_url(const char *url, bool websocket, char **why)
{
	paper_url u;
	char *bad = NULL;

	if (!paper__url_parse_as(url, websocket ? PAPER_URL_WEBSOCKET : PAPER_URL_HTTP, &u, &bad)) {
		*why = g_strdup_printf("the URL %s%s", bad, strstr(bad, "user information") ?
				       "; alpaca keys come from the environment" : "");
		g_free(bad);
		return PAPER_ECONFIG;
	}
	int rc = PAPER_OK;
	if (in_list(trading_hosts, u.host))
		rc = refuse(PAPER_ESAFETY, why, "%s is a trading API host: a feed reads market data "
			    "only", u.host);
	for (size_t i = 0; rc == PAPER_OK && i < G_N_ELEMENTS(ib_ports); i++)
		if (u.port == ib_ports[i]) {
			*why = g_strdup_printf("port %d is an Interactive Brokers trading API port: a "
					       "feed reads market data only", u.port);
			rc = PAPER_ESAFETY;
		}
	if (rc == PAPER_OK)
		rc = check_path(u.path, why);
	paper__url_clear(&u);
	return rc;
}
