/*
 * Private: the paper-only rules for market-data endpoints (safety_feed.c). Kept apart from the
 * account endpoints of safety.c: a feed may read prices from any market-data host, but never
 * talk to a broker's trading API, paper or live.
 */
#ifndef PAPER_PRIV_SAFETY_FEED_H
#define PAPER_PRIV_SAFETY_FEED_H

#include <stdbool.h>

/*
 * A URL a feed would connect to: ws(s):// when websocket, else http(s)://. PAPER_OK, or
 * PAPER_ECONFIG (not such a URL, credentials in it) / PAPER_ESAFETY (a trading API host, path
 * or port) with *why allocated (g_free()).
 */
int paper__safety_check_feed_url(const char *url, bool websocket, char **why);

#endif
