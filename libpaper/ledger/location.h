/*
 * Private: what a ledger location names. A `postgresql://` or `postgres://` URI, or a libpq
 * keyword string (`host=db1 dbname=paper`), names a PostgreSQL database; anything else is the
 * path of a SQLite file. Decided without libpq, so a build without it can say what it lacks.
 */
#ifndef PAPER_PRIV_LOCATION_H
#define PAPER_PRIV_LOCATION_H

#include <stdbool.h>

/* The location names a PostgreSQL database (whether or not this build can reach one). The
 * URI scheme and the keywords are read in any case. */
bool location_is_postgresql(const char *location);

/* The location as libpq reads it: a URI's scheme in lower case (libpq compares it as written,
 * and would take `POSTGRESQL://user:secret@...` for a database name). g_free() it. */
char *location_for_libpq(const char *location);

/*
 * A copy of the location fit for messages, logs and stored configs: every password (the
 * `user:secret@` of a URI, a `password=` or `sslpassword=` parameter or keyword, in any case,
 * percent-encoded or not) replaced by `***`. g_free() it.
 */
char *location_redact(const char *location);

/*
 * A config value as the library stores, exports and prints it: `ledger.location` redacted,
 * every other key's value as it is. The one gate config text passes on its way out (the
 * stored config, state.json, summaries). g_free() it.
 */
char *location_config_text(const char *key, const char *value);

#endif
