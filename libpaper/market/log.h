/*
 * Private: the PAPER log lines. Each recorded event worth a line (orders, fills, closed
 * trades, rejections, halts, day starts) is written, marked PAPER, to the file named by
 * logging.log_file and through GLib structured logging (domain "libpaper", level INFO, field
 * PAPER=1). Both are decided once, at broker creation, so a broker that logs nowhere pays one
 * predictable branch per event and never formats a line.
 */
#ifndef PAPER_PRIV_LOG_H
#define PAPER_PRIV_LOG_H

#include <stdio.h>

#include "market/broker.h"

#define PAPER_LOG_DOMAIN "libpaper"

/* Open path for appending ("" opens nothing). PAPER_OK, or PAPER_EIO naming the path. */
int paper__log_open(const char *path, FILE **out);

/* Whether the structured lines would reach anyone (G_MESSAGES_DEBUG names libpaper or all). */
bool paper__log_structured_wanted(void);

/* Format and write the lines of ev (and of the trade it closed, if any). */
void paper__log_write(const paper_broker *b, const event *ev);

/* Called by broker_record() for every event, after the listener was told. */
static inline void paper__log_event(const paper_broker *b, const event *ev)
{
	if (G_UNLIKELY(b->log_file != NULL || b->log_structured))
		paper__log_write(b, ev);
}

#endif
