/*
 * A build without feeds (meson -Dfeeds=disabled, or no libsoup-3.0): sources are still parsed
 * and checked, the parsers still built (and fuzzed), but nothing connects.
 */
#include "feed/feed_core.h"

#include "base/error.h"

int paper__feed_net_start(paper_feed *f)
{
	(void)f;
	return paper__error(PAPER_EUNSUPPORTED, "this libpaper was built without live feeds "
			    "(meson -Dfeeds=enabled needs libsoup-3.0: apt-get install libsoup-3.0-dev)");
}

void paper__feed_net_stop(paper_feed *f)
{
	(void)f;
}
