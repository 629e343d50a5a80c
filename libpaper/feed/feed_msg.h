/*
 * Private: building messages inside the parsers, with the checks every price passes (finite,
 * positive; a bar's high and low around its open and close) so no parser forwards a price the
 * broker would refuse.
 */
#ifndef PAPER_PRIV_FEED_MSG_H
#define PAPER_PRIV_FEED_MSG_H

#include <paper/feed.h>
#include <stdbool.h>

#include "feed/feed_parse.h"

/* A message of type for symbol (false: not a valid symbol). */
bool fm_init(paper_feed_msg *m, paper_feed_msg_type type, const char *symbol, paper_ts recv_ts);

/* m's prices make sense for its type. */
bool fm_valid(const paper_feed_msg *m);

/* Append m to out when valid; false (nothing added) otherwise. */
bool fm_add(feed_parsed *out, const paper_feed_msg *m);

/*
 * The end of a REST backfill answer parsed into out from message start on: in time order (the
 * venues answer in either order) when rc is PAPER_OK; otherwise none of its bars is kept, so a
 * half-read answer forwards nothing. Returns rc.
 */
int fm_backfill_done(feed_parsed *out, guint start, int rc);

/* out->error from a printf format. */
void fm_error(feed_parsed *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
