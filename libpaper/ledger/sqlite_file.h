/*
 * Private, for the SQLite backend (store_sqlite.c): what a ledger file must look like before
 * SQLite opens it, and the schema it holds. Neither part needs sqlite3.h.
 */
#ifndef PAPER_PRIV_SQLITE_FILE_H
#define PAPER_PRIV_SQLITE_FILE_H

#include <stdbool.h>

/* PRAGMA application_id of every ledger: "PAPR". */
#define SQLITE_LEDGER_APP_ID 0x50415052

/*
 * PAPER_OK if path starts like a complete paper ledger; else PAPER_ECORRUPT (empty, not
 * SQLite, another application's database, truncated) or PAPER_EIO, the file untouched.
 */
int sqlite_file_check(const char *path);
bool sqlite_file_exists(const char *path);

/*
 * Migration step n (its statements, NULL-terminated) brings a ledger from user_version n - 1
 * to n; sqlite_schema_version steps in all. Append steps; never edit a released one.
 */
extern const char *const *const sqlite_migrations[];
extern const int sqlite_schema_version;

#endif
