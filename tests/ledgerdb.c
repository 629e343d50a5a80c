#include "ledgerdb.h"

#include <glib.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#ifdef PAPER_TEST_HAVE_PG
#include <libpq-fe.h>
#endif

static bool use_pg;

bool ld_pg(void)
{
	return use_pg;
}

bool ld_use_postgresql(void)
{
#ifdef PAPER_TEST_HAVE_PG
	const char *server = getenv("PAPER_TEST_PG");
	if (server && *server) {
		use_pg = true;
		return true;
	}
	fprintf(stderr, "PAPER_TEST_PG is not set: run under tests/pg/cluster.sh run\n");
#else
	fprintf(stderr, "this build has no PostgreSQL support (libpq missing)\n");
#endif
	return false;
}

const char *ld_dialect(const char *sqlite, const char *postgresql)
{
	return use_pg ? postgresql : sqlite;
}

int64_t ld_schema_version(const char *loc)
{
	return ld_sql_int(loc, ld_dialect("PRAGMA user_version", "SELECT value::int FROM meta "
					  "WHERE key = 'schema_version'"));
}

static void set_version(GString *sql, int version)
{
	g_string_append_printf(sql, use_pg ? "UPDATE meta SET value = '%d' WHERE key = "
				    "'schema_version'" : "PRAGMA user_version = %d", version);
}

void ld_downgrade_to_v3(const char *loc)
{
	static const char *const views[] = { "performance_v", "signal_results_v", "daily_pnl_v",
					     "orders_v", "positions_v", "trades_v" };
	static const char *const columns[] = {
		"events.exit_plan", "events.plan_tp_e8", "events.plan_sl_e8", "events.plan_max_hold",
		"position_state.strategy", "position_state.signal_id", "position_state.confidence",
		"position_state.exit_plan", "position_state.plan_tp_e8", "position_state.plan_sl_e8",
		"position_state.plan_max_hold", "decisions.risk", "decisions.current_price",
	};
	GString *sql = g_string_new(NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(views); i++)
		g_string_append_printf(sql, "DROP VIEW %s;", views[i]);
	for (size_t i = 0; i < G_N_ELEMENTS(columns); i++) {
		const char *dot = strchr(columns[i], '.');
		g_string_append_printf(sql, "ALTER TABLE %.*s DROP COLUMN %s;",
				       (int)(dot - columns[i]), columns[i], dot + 1);
	}
	set_version(sql, 3);
	ld_sql(loc, sql->str);
	g_string_free(sql, TRUE);
}

void ld_downgrade_to_v2(const char *loc)
{
	ld_downgrade_to_v3(loc);
	GString *sql = g_string_new("DROP TABLE prices; DROP TABLE feed_health;");
	set_version(sql, 2);
	ld_sql(loc, sql->str);
	g_string_free(sql, TRUE);
}

/* The tests' file paths never hold '=': anything with one is a connection string. */
static bool pg_loc(const char *loc)
{
	return strstr(loc, "://") != NULL || strchr(loc, '=') != NULL;
}

/* ---- SQLite ---- */

static bool sq_exec(const char *path, const char *sql, char *err, size_t cap)
{
	sqlite3 *db;
	char *msg = NULL;
	tu_require(sqlite3_open(path, &db) == SQLITE_OK, "cannot open %s", path);
	sqlite3_busy_timeout(db, 5000);
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK && err)
		g_strlcpy(err, msg ? msg : sqlite3_errstr(rc), cap);
	sqlite3_free(msg);
	sqlite3_close(db);
	return rc == SQLITE_OK;
}

static int sq_row(void *ctx, int n, char **values, char **names)
{
	GString *out = ctx;
	(void)names;
	for (int i = 0; i < n; i++)
		g_string_append_printf(out, "%s%s", i ? "|" : "", values[i] ? values[i] : "");
	g_string_append_c(out, '\n');
	return 0;
}

static char *sq_rows(const char *path, const char *query)
{
	sqlite3 *db;
	char *msg = NULL;
	GString *out = g_string_new(NULL);
	tu_require(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK,
		   "cannot open %s", path);
	int rc = sqlite3_exec(db, query, sq_row, out, &msg);
	tu_require(rc == SQLITE_OK, "%s: %s", query, msg ? msg : "");
	sqlite3_free(msg);
	sqlite3_close(db);
	return g_string_free(out, FALSE);
}

/* ---- PostgreSQL ---- */

#ifdef PAPER_TEST_HAVE_PG
static PGconn *pg_connect(const char *loc)
{
	PGconn *c = PQconnectdb(loc);
	tu_require(PQstatus(c) == CONNECTION_OK, "cannot connect to %s: %s", loc,
		   PQerrorMessage(c));
	PQclear(PQexec(c, "SET client_min_messages = warning"));
	return c;
}

/* The server's location with search_path set to schema. */
static char *with_schema(const char *server, const char *schema)
{
	if (strstr(server, "://"))
		return g_strdup_printf("%s%coptions=-csearch_path%%3D%s", server,
				       strchr(server, '?') ? '&' : '?', schema);
	return g_strdup_printf("%s options='-csearch_path=%s'", server, schema);
}

static char *pg_location(void)
{
	static unsigned n;
	const char *server = getenv("PAPER_TEST_PG");
	char schema[64];
	/* Unique within a server's life even when process ids come round again. */
	g_snprintf(schema, sizeof schema, "t%ld_%u_%08x", (long)getpid(), ++n, g_random_int());
	PGconn *c = pg_connect(server);
	char *sql = g_strdup_printf("CREATE SCHEMA %s", schema);
	PGresult *res = PQexec(c, sql);
	tu_require(PQresultStatus(res) == PGRES_COMMAND_OK, "%s: %s", sql, PQerrorMessage(c));
	PQclear(res);
	g_free(sql);
	PQfinish(c);
	return with_schema(server, schema);
}

/* The value of URI parameter key in the server's connection string ("" if absent). */
static char *uri_param(const char *key)
{
	const char *server = getenv("PAPER_TEST_PG");
	char *pat = g_strdup_printf("%s=", key);
	const char *p = strstr(server, pat);
	char *v = p ? g_strndup(p + strlen(pat), strcspn(p + strlen(pat), "&")) : g_strdup("");
	g_free(pat);
	return v;
}

char *ld_pg_keywords(void)
{
	char *uri = pg_location();
	const char *s = strstr(uri, "search_path%3D") + strlen("search_path%3D");
	char *host = uri_param("host"), *port = uri_param("port");
	char *kw = g_strdup_printf("host=%s port=%s dbname=paper user=paper "
				   "options='-csearch_path=%s'", host, port, s);
	g_free(host);
	g_free(port);
	g_free(uri);
	return kw;
}

char *ld_pg_cluster_dir(void)
{
	return uri_param("host");
}

static bool pg_exec(const char *loc, const char *sql, char *err, size_t cap)
{
	PGconn *c = pg_connect(loc);
	PGresult *res = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(res);
	bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
	if (!ok && err)
		g_strlcpy(err, PQerrorMessage(c), cap);
	PQclear(res);
	PQfinish(c);
	return ok;
}

static char *pg_rows(const char *loc, const char *query)
{
	PGconn *c = pg_connect(loc);
	PGresult *res = PQexec(c, query);
	tu_require(PQresultStatus(res) == PGRES_TUPLES_OK, "%s: %s", query, PQerrorMessage(c));
	GString *out = g_string_new(NULL);
	for (int r = 0; r < PQntuples(res); r++) {
		for (int i = 0; i < PQnfields(res); i++)
			g_string_append_printf(out, "%s%s", i ? "|" : "", PQgetvalue(res, r, i));
		g_string_append_c(out, '\n');
	}
	PQclear(res);
	PQfinish(c);
	return g_string_free(out, FALSE);
}
#endif

/* ---- either ---- */

char *ld_location(const char *dir, const char *name)
{
#ifdef PAPER_TEST_HAVE_PG
	if (use_pg)
		return pg_location();
#endif
	return g_build_filename(dir, name, NULL);
}

bool ld_sql_try(const char *loc, const char *sql, char *err, size_t cap)
{
#ifdef PAPER_TEST_HAVE_PG
	if (pg_loc(loc))
		return pg_exec(loc, sql, err, cap);
#endif
	return sq_exec(loc, sql, err, cap);
}

void ld_sql(const char *loc, const char *sql)
{
	char err[512] = "";
	tu_require(ld_sql_try(loc, sql, err, sizeof err), "%s: %s", sql, err);
}

char *ld_sql_rows(const char *loc, const char *query)
{
#ifdef PAPER_TEST_HAVE_PG
	if (pg_loc(loc))
		return pg_rows(loc, query);
#endif
	return sq_rows(loc, query);
}

int64_t ld_sql_int(const char *loc, const char *query)
{
	char *rows = ld_sql_rows(loc, query);
	tu_require(strchr(rows, '\n') == rows + strlen(rows) - 1, "%s: not one row: %s", query,
		   rows);
	int64_t v = g_ascii_strtoll(rows, NULL, 10);
	g_free(rows);
	return v;
}

bool ld_exists(const char *loc)
{
	if (!pg_loc(loc))
		return g_file_test(loc, G_FILE_TEST_EXISTS);
	return ld_sql_int(loc, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = "
			  "c.relnamespace WHERE n.nspname = current_schema()") > 0;
}
