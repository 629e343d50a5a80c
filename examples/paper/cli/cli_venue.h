/*
 * Live market-data feeds for the paper sub-commands (feed, record, run): the --feed options,
 * opening the feeds through the public API (include/paper/feed.h), and a message or a feed's
 * health as text and JSON.
 */
#ifndef PAPER_CLI_VENUE_H
#define PAPER_CLI_VENUE_H

#include "cli/cli_ops.h"

#define CLI_VENUE_BASE 4000
#define CLI_MAX_FEEDS 16

/* --feed SOURCE (repeatable), --feed-url URL and --rest-url URL (for the --feed before them),
 * and the tuning options shared by every feed. */
extern const cli_opt cli_venue_opts[];

typedef struct cli_venues {
	int n;
	const char *source[CLI_MAX_FEEDS];
	const char *url[CLI_MAX_FEEDS];
	const char *rest[CLI_MAX_FEEDS];
	paper_feed_options opts;
	paper_feed *feed[CLI_MAX_FEEDS];
} cli_venues;

void cli_venues_init(cli_venues *v);
/* Handle one of cli_venue_opts; -1 when id is not one. */
int cli_venue_option(cli_venues *v, const char *cmd, int id, const char *value);
/* Open every --feed (EXIT_INPUT and a message for a bad or unsafe source). */
int cli_venues_open(cli_venues *v, const char *cmd);
void cli_venues_close(cli_venues *v);

/* A message: one line of text, or a JSON object. */
void cli_venue_msg_print(FILE *out, const paper_feed_msg *m);
void cli_venue_msg_json(cli_json *j, const paper_feed_msg *m);

/* A feed's health: one line of text, or a JSON object (keys: docs/cli.md). */
void cli_venue_health_print(FILE *out, const paper_feed_health_info *h);
void cli_venue_health_json(cli_json *j, const char *key, const paper_feed_health_info *h);

#endif
