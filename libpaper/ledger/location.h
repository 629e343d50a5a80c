/*
 * Private: what a ledger location names. A `postgresql://` or `postgres://` URI, or a libpq
 * keyword string (`host=db1 dbname=paper`), names a PostgreSQL database; anything else is the
 * path of a SQLite file. Decided without libpq, so a build without it can say what it lacks.
 */
#ifndef PAPER_PRIV_LOCATION_H
#define PAPER_PRIV_LOCATION_H

#include <stdbool.h>

/* The location names a PostgreSQL database (whether or not this build can reach one). */
bool location_is_postgresql(const char *location);

/*
 * A copy of the location fit for messages and logs: every password (the `user:secret@` of a
 * URI, a `password=` or `sslpassword=` parameter or keyword) replaced by `***`. g_free() it.
 */
char *location_redact(const char *location);

#endif
