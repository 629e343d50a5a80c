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

/* Whether a line would reach anyone: the file, GLib's structured log or the log callback. */
static inline bool paper__log_wanted(const paper_broker *b)
{
	return b->log_file != NULL || b->log_structured || b->log_cb != NULL;
}

/* Called by broker_record() for every event, after the listener was told. */
static inline void paper__log_event(const paper_broker *b, const event *ev)
{
	if (G_UNLIKELY(paper__log_wanted(b)))
		paper__log_write(b, ev);
}

/*
 * Lines of the layers above (the session's ENTRY and EXIT): line holds "PAPER WORD ...";
 * " account NAME" is appended and it goes where the broker's lines go, stamped ts. Call only
 * when paper__log_wanted(b).
 */
void paper__log_line(const paper_broker *b, paper_ts ts, const char *kind, GString *line);

/* A fixed-point amount as the lines print it: min_dec to 8 decimals, trailing zeros dropped. */
void paper__log_put_fx(GString *s, int64_t v, int min_dec);

#endif
