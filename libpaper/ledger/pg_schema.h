/*
 * Private, for the PostgreSQL backend (store_pg.c): the ledger's schema in PostgreSQL's types,
 * as migration steps. The same tables, columns, constraints and views as the SQLite schema
 * (sqlite_schema.c, the views shared through ledger_views.h), and the same version numbers:
 * step n of either brings a ledger to schema version n.
 */
#ifndef PAPER_PRIV_PG_SCHEMA_H
#define PAPER_PRIV_PG_SCHEMA_H

/* Step n (its statements, NULL-terminated) brings a ledger from version n - 1 to n. Append
 * steps; never edit a released one. */
extern const char *const *const pg_migrations[];
extern const int pg_schema_version;

#endif
