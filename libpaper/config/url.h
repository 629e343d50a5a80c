/*
 * Private: reading an http(s) URL the way a connecting client would, so a check on its host
 * cannot be fooled by a second reading (url.c). Anything two readers could disagree on is
 * refused rather than interpreted.
 */
#ifndef PAPER_PRIV_URL_H
#define PAPER_PRIV_URL_H

#include <stdbool.h>

/* Longest URL read; a longer one is refused, not truncated. */
#define PAPER_URL_MAX 2048

typedef struct paper_url {
	char *scheme; /* lower case: "http" or "https" */
	/*
	 * The host as a client resolves it: percent-decoded, IDNA in ASCII (xn--), lower case,
	 * one trailing dot dropped. IPv6 literals without their brackets.
	 */
	char *host;
	/* The host with IDNA labels decoded (xn--... read back), for naming what it is. */
	char *host_unicode;
	int port; /* 1..65535, or -1 when the URL gives none */
	char *path; /* percent-decoded, without query or fragment ("" when none) */
} paper_url;

/* Which schemes a reading accepts. */
typedef enum paper_url_kind {
	PAPER_URL_HTTP,      /* http:// and https:// */
	PAPER_URL_WEBSOCKET, /* ws:// and wss:// */
} paper_url_kind;

/*
 * Read an absolute http:// or https:// URL. Refused (false, *why allocated): more than
 * PAPER_URL_MAX bytes; any byte a URL may not hold (control characters, white space,
 * backslash, non-ASCII: percent-encode it); not a URL; another scheme; user information
 * (`user@`, even empty); a fragment; an empty or out-of-range port (0, above 65535); no host.
 * On success *out holds allocated parts: paper__url_clear() them.
 */
bool paper__url_parse(const char *text, paper_url *out, char **why);

/* The same for the schemes of kind: paper__url_parse() is PAPER_URL_HTTP. A path whose
 * percent-encoding decodes to a NUL is refused. */
bool paper__url_parse_as(const char *text, paper_url_kind kind, paper_url *out, char **why);

void paper__url_clear(paper_url *u);

#endif
