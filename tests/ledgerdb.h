/*
 * The database the ledger suites run against: SQLite files by default, or a PostgreSQL server
 * (the suite's main calls ld_use_postgresql() when run as `test-ledger postgresql` under
 * tests/pg/cluster.sh, which puts the server's connection string in PAPER_TEST_PG). Each test
 * gets a fresh location: a file in its temporary directory, or a new empty schema.
 * Direct SQL stands in for the other programs that read and write a ledger.
 */
#ifndef PAPER_LEDGERDB_H
#define PAPER_LEDGERDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Switch to PostgreSQL; false (with a message) when PAPER_TEST_PG is not set or the build
 * lacks libpq. */
bool ld_use_postgresql(void);
bool ld_pg(void);

/* A new, empty ledger location: dir/name, or a new schema of the server's database. */
char *ld_location(const char *dir, const char *name);

/* Something was created at loc (the file exists; the schema holds a table). */
bool ld_exists(const char *loc);

/* Run SQL on the ledger at loc as another program would. ld_sql_try gives false and the
 * database's message in err on failure; ld_sql must succeed. */
bool ld_sql_try(const char *loc, const char *sql, char *err, size_t cap);
void ld_sql(const char *loc, const char *sql);

/* The query's single value as an integer (NULL reads as 0). */
int64_t ld_sql_int(const char *loc, const char *query);

/* Every row of the query, columns joined by '|', rows ended by '\n'. g_free(). */
char *ld_sql_rows(const char *loc, const char *query);

/* PostgreSQL only: a new schema's location as a libpq keyword string (host=... port=...
 * dbname=... options='-csearch_path=...'); the directory of the server tests/pg/cluster.sh
 * started (its Unix socket is there). */
char *ld_pg_keywords(void);
char *ld_pg_cluster_dir(void);

/* The same statement for either backend: the SQLite text or the PostgreSQL one. */
const char *ld_dialect(const char *sqlite, const char *postgresql);

/* The schema version the library writes, for the tests that check a migration's end. */
#define LD_SCHEMA_VERSION 4

/* The schema version of the ledger at loc (PRAGMA user_version, or the meta row). */
int64_t ld_schema_version(const char *loc);

/* Make the ledger at loc (closed) look as schema version 3 left it (libpaper 1.1 with feeds,
 * before exit plans): version 4's views and columns dropped, the version recorded as 3. */
void ld_downgrade_to_v3(const char *loc);

/* As schema version 2 left it: version 3's tables (prices, feed_health) dropped too. */
void ld_downgrade_to_v2(const char *loc);

#endif
