/*
 * The PostgreSQL ledger backend (store.h), through libpq; the only file that includes
 * libpq-fe.h. The ledger lives in the connection's current schema (the first existing one of
 * its search_path: `public` unless the location sets `options=-csearch_path=...`), one
 * connection per ledger handle. The statements and the mapping of records to columns are the
 * SQLite backend's (store_rows.c), with $n for each `?`.
 *
 * Writes are pipelined: a group commit sends BEGIN, every INSERT and COMMIT without waiting,
 * then reads all the answers at once, so it costs one round trip (and one WAL flush) however
 * many events it holds. A large group sends its event and new order rows by COPY instead: the
 * server then sets up its constraints and defaults once per group, not once per row, which is
 * most of an INSERT's cost. Reads that may be long (the log, orders, trades) stream through a
 * cursor inside the caller's REPEATABLE READ transaction, a fixed number of rows at a time.
 *
 * Accounts are locked with session-level advisory locks: the server drops them when the
 * connection or the process dies. A lost connection is noticed by the call that hits it; the
 * ledger then asks for a new one (reconnect) and takes its locks back (relock).
 */
#include "ledger/store.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "ledger/location.h"
#include "ledger/pg_schema.h"
#include "ledger/store_rows.h"

#define MAX_PARAMS 40
#define FETCH_ROWS "2000"
#define QUEUE_MAX 256        /* statements sent before their answers are read */
#define LOCK_RETRY_US 10000  /* between two tries for a busy account */
#define MIN_SERVER 110000    /* PostgreSQL 11: EXECUTE FUNCTION in triggers */
#define COPY_AFTER 16        /* rows of a transaction sent as INSERTs before COPY takes over */
#define COPY_FLUSH (1 << 20) /* bytes of COPY rows held before they are sent */
#define MAX_COLUMNS 64

/* Rows of one table sent by COPY: its columns, and where each statement's parameters go. */
typedef struct copy_stream {
	const char *table;
	char *columns[MAX_COLUMNS];
	int ncols;
	int8_t map[SQL__COUNT][MAX_PARAMS]; /* -1: the statement does not write this table */
	GString *rows;                      /* COPY text, waiting */
} copy_stream;

struct store {
	PGconn *conn;
	char *shown;        /* the location with passwords redacted */
	char *server;       /* "PostgreSQL server HOST:PORT, database DB" */
	char *schema;
	bool read_only;
	bool broken;        /* the last reconnect could not set the session up */
	int32_t lock_space; /* first key of this ledger's advisory locks */
	char *sql[SQL__COUNT];
	bool pipelined;     /* statements queued in pipeline mode */
	int queued;         /* of them, answers not read yet */
	int qerr;           /* the first error among answers read, PAPER_OK if none */
	char qmsg[1024];
	GPtrArray *locks;   /* store_lock *: to take back after a reconnect */
	int tx_rows;        /* events appended in the current transaction */
	copy_stream events, orders;
};

struct store_lock {
	store *s;
	int64_t account;
	char name[PAPER_TAG_MAX + 1];
	bool held;          /* on the current connection */
};

/* ---- errors ---- */

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message; /* notices (e.g. releasing a lock a lost connection took) are not errors */
}

static const char *server_message(const store *s, const PGresult *res, char *buf, size_t cap)
{
	const char *m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	g_strlcpy(buf, m ? m : PQerrorMessage(s->conn), cap);
	g_strchomp(buf);
	return buf;
}

/* What some of the server's SQLSTATEs (or their classes) mean for a ledger. */
static const struct {
	const char *state; /* a prefix of the SQLSTATE */
	int code;
	const char *hint;
} known_states[] = {
	{ "53100", PAPER_EIO, " (the server's disk is full)" },
	{ "XX", PAPER_ECORRUPT, " (the server found its data damaged)" },
	{ "42P01", PAPER_ECORRUPT, " (not a complete paper ledger)" },
	{ "42703", PAPER_ECORRUPT, " (not a complete paper ledger)" },
	{ "25006", PAPER_ESTATE, "" },
	/* SQLite would store any bytes; the server holds text as UTF-8. */
	{ "22021", PAPER_EINVAL, " (a PostgreSQL ledger stores client ids, strategy tags and "
	  "signal ids as UTF-8 text)" },
};

/* Map a failed call to a status code with a message naming the ledger, its server and what
 * was being done. res may be NULL (a failure without a result). */
static int failure(store *s, const PGresult *res, const char *what, char *msg, size_t cap)
{
	char m[384];
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	int code = PAPER_EIO;
	const char *hint = "";
	server_message(s, res, m, sizeof m);
	if (PQstatus(s->conn) != CONNECTION_OK)
		hint = " (the connection to the server was lost; the next call reconnects)";
	for (size_t i = 0; state && *hint == '\0' && i < G_N_ELEMENTS(known_states); i++) {
		if (g_str_has_prefix(state, known_states[i].state)) {
			code = known_states[i].code;
			hint = known_states[i].hint;
			break;
		}
	}
	g_snprintf(msg, cap, "ledger '%s' (%s): %s failed: %s%s", s->shown, s->server, what, m,
		   hint);
	return code;
}

static int fail(store *s, const PGresult *res, const char *what)
{
	char msg[1024];
	int code = failure(s, res, what, msg, sizeof msg);
	return paper__error(code, "%s", msg);
}

static const char *sqlstate(const PGresult *res)
{
	const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	return st ? st : "";
}

/* A synchronous call's result: PAPER_OK when it has the wanted status, else the failure
 * (res is cleared then). */
static int check(store *s, PGresult *res, ExecStatusType want, const char *what)
{
	if (res && PQresultStatus(res) == want)
		return PAPER_OK;
	int rc = fail(s, res, what);
	PQclear(res);
	return rc;
}

static int exec(store *s, const char *sql, const char *what)
{
	PGresult *res = PQexec(s->conn, sql);
	int rc = check(s, res, PGRES_COMMAND_OK, what);
	if (rc == PAPER_OK)
		PQclear(res);
	return rc;
}

/* ---- parameters and rows for store_rows.c ---- */

typedef struct pg_out {
	row_out base; /* first: store_rows.c calls back with it */
	int n;
	const char *values[MAX_PARAMS];
	char buf[MAX_PARAMS][32];
} pg_out;

static void o_i64(row_out *o, int64_t v)
{
	pg_out *x = (pg_out *)o;
	g_snprintf(x->buf[x->n], sizeof x->buf[x->n], "%" PRId64, v);
	x->values[x->n] = x->buf[x->n];
	x->n++;
}

static void o_f64(row_out *o, double v)
{
	pg_out *x = (pg_out *)o;
	/* 17 significant digits read back to the same double; the C locale whatever the process's. */
	g_ascii_formatd(x->buf[x->n], sizeof x->buf[x->n], "%.17g", v);
	x->values[x->n] = x->buf[x->n];
	x->n++;
}

/* libpq copies the text when the statement is sent: it need not outlive anything. */
static void o_text(row_out *o, const char *v)
{
	pg_out *x = (pg_out *)o;
	x->values[x->n++] = v;
}

static void o_null(row_out *o)
{
	pg_out *x = (pg_out *)o;
	x->values[x->n++] = NULL;
}

static void out_init(pg_out *o)
{
	o->base = (row_out){ o_i64, o_f64, o_text, o_null };
	o->n = 0;
}

typedef struct pg_in {
	row_in base; /* first: store_rows.c calls back with it */
	const PGresult *res;
	int row;
} pg_in;

static int64_t i_i64(const row_in *in, int col)
{
	const pg_in *x = (const pg_in *)in;
	if (PQgetisnull(x->res, x->row, col))
		return 0;
	return g_ascii_strtoll(PQgetvalue(x->res, x->row, col), NULL, 10);
}

static double i_f64(const row_in *in, int col)
{
	const pg_in *x = (const pg_in *)in;
	if (PQgetisnull(x->res, x->row, col))
		return 0.0;
	return g_ascii_strtod(PQgetvalue(x->res, x->row, col), NULL);
}

/* Text longer than the field it came from means another program altered the ledger. */
static int i_text(const row_in *in, int col, char *buf, size_t cap, const char *what)
{
	const pg_in *x = (const pg_in *)in;
	size_t n = (size_t)PQgetlength(x->res, x->row, col);
	if (n >= cap)
		return paper__error(PAPER_ECORRUPT, "ledger '%s': %s is longer than %zu bytes",
				    in->ledger, what, cap - 1);
	memcpy(buf, PQgetvalue(x->res, x->row, col), n);
	buf[n] = '\0';
	return PAPER_OK;
}

static const char *i_raw(const row_in *in, int col)
{
	const pg_in *x = (const pg_in *)in;
	return PQgetisnull(x->res, x->row, col) ? NULL : PQgetvalue(x->res, x->row, col);
}

static pg_in in_for(const store *s, const PGresult *res)
{
	pg_in in = { { s->shown, i_i64, i_f64, i_text, i_raw }, res, 0 };
	return in;
}

/* ---- the pipeline: statements sent now, answers read at the next sync point ---- */

static void note(store *s, const PGresult *res, const char *what)
{
	if (s->qerr == PAPER_OK)
		s->qerr = failure(s, res, what, s->qmsg, sizeof s->qmsg);
}

/* Read every answer up to the sync point just sent; keeps the first error. */
static void drain(store *s)
{
	int nulls = 0;
	for (;;) {
		PGresult *res = PQgetResult(s->conn);
		if (res == NULL) {
			/* One NULL ends each statement's answers; more means nothing else comes. */
			if (PQstatus(s->conn) != CONNECTION_OK || ++nulls > s->queued + 2) {
				note(s, NULL, "reading the answers");
				break;
			}
			continue;
		}
		ExecStatusType st = PQresultStatus(res);
		if (st == PGRES_PIPELINE_SYNC) {
			PQclear(res);
			break;
		}
		if (st == PGRES_FATAL_ERROR)
			note(s, res, "writing to the ledger");
		PQclear(res);
	}
	s->queued = 0;
}

static void sync_point(store *s)
{
	if (PQpipelineSync(s->conn) == 1)
		drain(s);
	else
		note(s, NULL, "sending to the server");
}

/* Leave pipeline mode with every answer read; the first error among them, if any. */
static int settle_pipeline(store *s)
{
	if (s->pipelined) {
		sync_point(s);
		PQexitPipelineMode(s->conn);
		s->pipelined = false;
	}
	int rc = s->qerr;
	s->qerr = PAPER_OK;
	return rc ? paper__error(rc, "%s", s->qmsg) : PAPER_OK;
}

/* ---- COPY: the rows of a large group ---- */

static void copy_init(copy_stream *cs, const char *table, const store_sql *ids, size_t n)
{
	cs->table = table;
	memset(cs->map, -1, sizeof cs->map);
	cs->rows = g_string_new(NULL);
	for (size_t k = 0; k < n; k++) {
		/* The statement's column list: "INSERT INTO t (a, b, ...) VALUES (...)". */
		const char *p = strchr(store_sql_text[ids[k]], '(') + 1;
		const char *end = strchr(p, ')');
		for (int i = 0; p < end; i++) {
			size_t len = strcspn(p, ",)");
			char *name = g_strndup(p, len);
			int c = 0;
			while (c < cs->ncols && strcmp(cs->columns[c], name) != 0)
				c++;
			if (c == cs->ncols)
				cs->columns[cs->ncols++] = name;
			else
				g_free(name);
			cs->map[ids[k]][i] = (int8_t)c;
			p += len + (p[len] == ',' ? 2 : 0);
		}
	}
}

static void copy_free(copy_stream *cs)
{
	for (int c = 0; c < cs->ncols; c++)
		g_free(cs->columns[c]);
	if (cs->rows)
		g_string_free(cs->rows, TRUE);
}

/* One row's values by column, from the parameters a statement would bind. */
typedef struct copy_out {
	row_out base; /* first: store_rows.c calls back with it */
	const int8_t *map;
	int i;
	bool set[MAX_COLUMNS], is_text[MAX_COLUMNS];
	const char *text[MAX_COLUMNS];
	char num[MAX_COLUMNS][32];
} copy_out;

static int column(copy_out *x, bool set, bool is_text)
{
	int c = x->map[x->i++];
	x->set[c] = set;
	x->is_text[c] = is_text;
	return c;
}

static void c_i64(row_out *o, int64_t v)
{
	copy_out *x = (copy_out *)o;
	int c = column(x, true, false);
	g_snprintf(x->num[c], sizeof x->num[c], "%" PRId64, v);
}

static void c_f64(row_out *o, double v)
{
	copy_out *x = (copy_out *)o;
	int c = column(x, true, false);
	g_ascii_formatd(x->num[c], sizeof x->num[c], "%.17g", v);
}

static void c_text(row_out *o, const char *v)
{
	copy_out *x = (copy_out *)o;
	x->text[column(x, true, true)] = v;
}

static void c_null(row_out *o)
{
	column((copy_out *)o, false, false);
}

static void copy_out_init(copy_out *o, const int8_t *map)
{
	o->base = (row_out){ c_i64, c_f64, c_text, c_null };
	o->map = map;
	o->i = 0;
	memset(o->set, 0, sizeof o->set);
}

/* COPY's text format: backslash escapes for the characters it gives a meaning. */
static void copy_escape(GString *out, const char *v)
{
	for (; *v; v++) {
		switch (*v) {
		case '\\': g_string_append(out, "\\\\"); break;
		case '\t': g_string_append(out, "\\t"); break;
		case '\n': g_string_append(out, "\\n"); break;
		case '\r': g_string_append(out, "\\r"); break;
		default: g_string_append_c(out, *v);
		}
	}
}

static void copy_emit(copy_stream *cs, const copy_out *o)
{
	for (int c = 0; c < cs->ncols; c++) {
		if (c)
			g_string_append_c(cs->rows, '\t');
		if (!o->set[c])
			g_string_append(cs->rows, "\\N");
		else if (o->is_text[c])
			copy_escape(cs->rows, o->text[c]);
		else
			g_string_append(cs->rows, o->num[c]);
	}
	g_string_append_c(cs->rows, '\n');
}

/* Send a table's waiting rows in one COPY (after the statements queued before them). */
static int send_rows(store *s, copy_stream *cs)
{
	if (cs->rows->len == 0)
		return PAPER_OK;
	int rc = settle_pipeline(s);
	GString *sql = g_string_new("COPY ");
	g_string_append_printf(sql, "%s (", cs->table);
	for (int c = 0; c < cs->ncols; c++)
		g_string_append_printf(sql, "%s%s", c ? ", " : "", cs->columns[c]);
	g_string_append(sql, ") FROM STDIN");
	PGresult *res = rc ? NULL : PQexec(s->conn, sql->str);
	g_string_free(sql, TRUE);
	if (rc == PAPER_OK && (rc = check(s, res, PGRES_COPY_IN, "writing rows")) == PAPER_OK) {
		PQclear(res);
		bool sent = PQputCopyData(s->conn, cs->rows->str, (int)cs->rows->len) == 1 &&
			    PQputCopyEnd(s->conn, NULL) == 1;
		res = PQgetResult(s->conn);
		rc = sent ? check(s, res, PGRES_COMMAND_OK, "writing rows")
			  : (PQclear(res), fail(s, NULL, "writing rows"));
		if (rc == PAPER_OK)
			PQclear(res);
		while ((res = PQgetResult(s->conn)) != NULL)
			PQclear(res);
	}
	g_string_truncate(cs->rows, 0);
	return rc;
}

static int flush_rows(store *s)
{
	int rc = send_rows(s, &s->events);
	if (rc != PAPER_OK)
		g_string_truncate(s->orders.rows, 0);
	return rc ? rc : send_rows(s, &s->orders);
}

static void drop_rows(store *s)
{
	g_string_truncate(s->events.rows, 0);
	g_string_truncate(s->orders.rows, 0);
	s->tx_rows = 0;
}

/* Everything sent and answered: the rows waiting for COPY, then the queued statements. */
static int settle(store *s)
{
	int rc = flush_rows(s);
	int settled = settle_pipeline(s);
	return rc ? rc : settled;
}

static int enter_pipeline(store *s)
{
	if (s->pipelined)
		return PAPER_OK;
	if (PQenterPipelineMode(s->conn) != 1)
		return fail(s, NULL, "entering pipeline mode");
	s->pipelined = true;
	return PAPER_OK;
}

/* The name statement id is prepared under. */
static const char *stmt_name(char buf[16], store_sql id)
{
	g_snprintf(buf, 16, "p%d", (int)id);
	return buf;
}

static int before_queue(store *s)
{
	return s->qerr ? paper__error(s->qerr, "%s", s->qmsg) : enter_pipeline(s);
}

static int after_queue(store *s, int sent, const char *what)
{
	if (!sent)
		return fail(s, NULL, what);
	/* Read the answers now and then: a group of any size costs bounded client memory. */
	if (++s->queued >= QUEUE_MAX)
		sync_point(s);
	return s->qerr ? paper__error(s->qerr, "%s", s->qmsg) : PAPER_OK;
}

/* Send a statement without waiting; its answer is checked at the next sync point. */
static int queue_sql(store *s, const char *sql, const char *what)
{
	int rc = before_queue(s);
	return rc ? rc : after_queue(s, PQsendQueryParams(s->conn, sql, 0, NULL, NULL, NULL, NULL,
							   0), what);
}

static int queue(store *s, store_sql id, const pg_out *o, const char *what)
{
	char name[16];
	int rc = before_queue(s);
	return rc ? rc : after_queue(s, PQsendQueryPrepared(s->conn, stmt_name(name, id), o->n,
							     o->values, NULL, NULL, 0), what);
}

/* Run a prepared statement now (after the queued ones), returning its result. */
static int run(store *s, store_sql id, const pg_out *o, ExecStatusType want, PGresult **out,
	       const char *what)
{
	int rc = settle(s);
	if (rc != PAPER_OK)
		return rc;
	char name[16];
	PGresult *res = PQexecPrepared(s->conn, stmt_name(name, id), o ? o->n : 0,
				       o ? o->values : NULL, NULL, NULL, 0);
	rc = check(s, res, want, what);
	if (rc == PAPER_OK) {
		if (out)
			*out = res;
		else
			PQclear(res);
	}
	return rc;
}

/* ---- statements ---- */

/* The shared text with $1, $2, ... for its ?s (store_rows.c puts no ? inside quotes). */
static char *pg_text(store_sql id)
{
	const char *src = store_sql_text[id];
	GString *out = g_string_sized_new(strlen(src) + 64);
	int n = 0;
	for (const char *p = src; *p; p++) {
		if (*p == '?')
			g_string_append_printf(out, "$%d", ++n);
		else
			g_string_append_c(out, *p);
	}
	if (id == SQL_ADD_ACCOUNT || id == SQL_DECISION_ADD)
		g_string_append(out, " RETURNING id");
	return g_string_free(out, FALSE);
}

/* Prepare every statement in one round trip. */
static int prepare_all(store *s)
{
	int rc = enter_pipeline(s);
	for (int id = 0; id < SQL__COUNT && rc == PAPER_OK; id++) {
		char name[16];
		if (!PQsendPrepare(s->conn, stmt_name(name, (store_sql)id), s->sql[id], 0, NULL))
			rc = fail(s, NULL, "preparing the ledger's statements");
		s->queued++;
	}
	int settled = settle(s);
	return rc ? rc : settled;
}

/* ---- connecting ---- */

static char *server_name(PGconn *c)
{
	const char *host = PQhost(c), *port = PQport(c), *db = PQdb(c);
	return g_strdup_printf("PostgreSQL server %s:%s, database %s", host && *host ? host : "?",
			       port && *port ? port : "?", db && *db ? db : "?");
}

/*
 * What every connection runs with, the first and every new one. Both modes commit with
 * synchronous_commit on: a group commit costs one WAL flush, and a committed group then
 * survives a crash of the server, so a broker never holds committed state the server lost.
 */
static int session(store *s)
{
	PQsetNoticeProcessor(s->conn, quiet, NULL);
	return exec(s, s->read_only ? "SET synchronous_commit = on; SET client_min_messages = "
		    "warning; SET client_encoding = 'UTF8'; SET default_transaction_read_only = on"
		    : "SET synchronous_commit = on; SET client_min_messages = warning; "
		    "SET client_encoding = 'UTF8'", "setting up the session");
}

/*
 * libpq's defaults, each overridden by the same keyword in the location (it comes after them):
 * fail a connection attempt after 10 s, and a connection whose server stops answering after
 * 30 s, rather than hang the broker for the operating system's much longer timeouts.
 */
static int connect_to(store *s, const char *location)
{
	const char *const keys[] = { "connect_timeout", "tcp_user_timeout",
				     "fallback_application_name", "dbname", NULL };
	char *conninfo = location_for_libpq(location);
	const char *const values[] = { "10", "30000", "libpaper", conninfo, NULL };
	s->conn = PQconnectdbParams(keys, values, 1);
	g_free(conninfo);
	if (s->conn == NULL)
		return paper__error(PAPER_ENOMEM, "ledger '%s': out of memory", s->shown);
	s->server = server_name(s->conn);
	if (PQstatus(s->conn) != CONNECTION_OK) {
		char m[512];
		return paper__error(PAPER_EIO, "cannot connect to the PostgreSQL ledger '%s': %s",
				    s->shown, server_message(s, NULL, m, sizeof m));
	}
	if (PQserverVersion(s->conn) < MIN_SERVER)
		return paper__error(PAPER_EUNSUPPORTED, "ledger '%s' (%s): PostgreSQL %d is too old; "
				    "the ledger needs 11 or newer", s->shown, s->server,
				    PQserverVersion(s->conn) / 10000);
	return session(s);
}

/* ---- finding, creating and checking the ledger ---- */

/* FNV-1a of the schema's name: the locks of ledgers in other schemas never collide. */
static int32_t lock_space_of(const char *schema)
{
	uint32_t h = 2166136261u;
	for (const char *p = "libpaper-ledger/"; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	for (const char *p = schema; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	return (int32_t)h;
}

typedef struct schema_info {
	int64_t relations; /* tables and views in the schema */
	bool has_meta;
} schema_info;

static int look(store *s, schema_info *out)
{
	PGresult *res = PQexec(s->conn,
		"SELECT current_schema(), (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON "
		"n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', "
		"'v', 'm', 'p', 'f')), (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON "
		"n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname = 'meta' "
		"AND c.relkind IN ('r', 'p'))");
	int rc = check(s, res, PGRES_TUPLES_OK, "reading the schema");
	if (rc != PAPER_OK)
		return rc;
	if (PQgetisnull(res, 0, 0)) {
		PQclear(res);
		return paper__error(PAPER_ENOTFOUND, "ledger '%s' (%s): no schema of the search_path "
				    "exists; create it, or name one with "
				    "options=-csearch_path=SCHEMA", s->shown, s->server);
	}
	if (s->schema == NULL) {
		s->schema = g_strdup(PQgetvalue(res, 0, 0));
		s->lock_space = lock_space_of(s->schema);
	}
	out->relations = g_ascii_strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	out->has_meta = PQgetvalue(res, 0, 2)[0] != '0';
	PQclear(res);
	return PAPER_OK;
}

static int not_a_ledger(const store *s)
{
	return paper__error(PAPER_ECORRUPT, "ledger '%s' (%s): schema '%s' holds tables but is not "
			    "a paper ledger (no paper meta table); nothing was changed", s->shown,
			    s->server, s->schema);
}

/* The format and schema version the meta table records. */
static int read_meta(store *s, int64_t *version)
{
	PGresult *res = PQexec(s->conn, "SELECT (SELECT value FROM meta WHERE key = 'format' AND "
			       "paper = 1), (SELECT value FROM meta WHERE key = 'schema_version' "
			       "AND paper = 1)");
	if (strcmp(sqlstate(res), "42703") == 0) { /* a meta table, but not with our columns */
		PQclear(res);
		return paper__error(PAPER_ECORRUPT, "ledger '%s' (%s): schema '%s' is not a paper "
				    "ledger (its meta table is another program's)", s->shown,
				    s->server, s->schema);
	}
	int rc = check(s, res, PGRES_TUPLES_OK, "reading the ledger's meta");
	if (rc != PAPER_OK)
		return rc;
	bool ours = !PQgetisnull(res, 0, 0) &&
		    strcmp(PQgetvalue(res, 0, 0), STORE_LEDGER_FORMAT) == 0;
	const char *v = PQgetisnull(res, 0, 1) ? "" : PQgetvalue(res, 0, 1);
	char *end = NULL;
	*version = g_ascii_strtoll(v, &end, 10);
	bool numeric = *v && end && *end == '\0';
	PQclear(res);
	if (!ours)
		return paper__error(PAPER_ECORRUPT, "ledger '%s' (%s): schema '%s' is not a paper "
				    "ledger (its meta table has no libpaper format row)", s->shown,
				    s->server, s->schema);
	if (!numeric || *version < 1)
		return paper__error(PAPER_ECORRUPT, "ledger '%s' (%s) has no schema version",
				    s->shown, s->server);
	if (*version > pg_schema_version)
		return paper__error(PAPER_EVERSION, "ledger '%s' (%s) has schema version %" PRId64
				    ", written by a newer libpaper; this one (%s) knows versions up "
				    "to %d", s->shown, s->server, *version, PAPER_VERSION,
				    pg_schema_version);
	return PAPER_OK;
}

static int apply_migrations(store *s, int from)
{
	int rc = PAPER_OK;
	for (int v = from; v < pg_schema_version && rc == PAPER_OK; v++) {
		for (const char *const *q = pg_migrations[v]; *q && rc == PAPER_OK; q++)
			rc = exec(s, *q, "creating the ledger's schema");
		char sql[160];
		g_snprintf(sql, sizeof sql, "INSERT INTO meta (key, value) VALUES ('schema_version', "
			   "'%d') ON CONFLICT (key) DO UPDATE SET value = excluded.value", v + 1);
		if (rc == PAPER_OK)
			rc = exec(s, sql, "recording the schema version");
	}
	return rc;
}

static int write_meta(store *s)
{
	char sql[512];
	g_snprintf(sql, sizeof sql, "INSERT INTO meta (key, value) VALUES ('format', '%s'), "
		   "('created_by', 'libpaper %s'), ('created_ts', "
		   "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::BIGINT::TEXT)",
		   STORE_LEDGER_FORMAT, PAPER_VERSION);
	return exec(s, sql, "creating the ledger");
}

/* Serialise schema changes of this ledger between processes, until the transaction ends. */
static int schema_lock(store *s)
{
	char sql[96];
	g_snprintf(sql, sizeof sql, "SELECT pg_advisory_xact_lock((%" PRId32 ")::int4, 0)",
		   s->lock_space);
	PGresult *res = PQexec(s->conn, sql);
	int rc = check(s, res, PGRES_TUPLES_OK, "locking the ledger's schema");
	if (rc == PAPER_OK)
		PQclear(res);
	return rc;
}

/*
 * Create the ledger, or bring an older one up to date, in one transaction: a ledger is either
 * absent or complete, and of two processes creating it at once one creates it and the other
 * then finds it.
 */
static int build(store *s, int64_t version)
{
	schema_info now;
	int rc = exec(s, "BEGIN", "creating the ledger");
	if (rc == PAPER_OK)
		rc = schema_lock(s);
	if (rc == PAPER_OK)
		rc = look(s, &now);
	if (rc == PAPER_OK && now.has_meta)
		rc = read_meta(s, &version);
	else if (rc == PAPER_OK && now.relations > 0)
		rc = not_a_ledger(s);
	if (rc == PAPER_OK)
		rc = apply_migrations(s, now.has_meta ? (int)version : 0);
	if (rc == PAPER_OK && !now.has_meta)
		rc = write_meta(s);
	if (rc == PAPER_OK)
		return exec(s, "COMMIT", "creating the ledger");
	char msg[1024];
	g_strlcpy(msg, paper_last_error(), sizeof msg);
	PQclear(PQexec(s->conn, "ROLLBACK"));
	return paper__error(rc, "%s", msg);
}

static int find_ledger(store *s, const store_open_options *o)
{
	schema_info info;
	int64_t version = 0;
	int rc = look(s, &info);
	if (rc != PAPER_OK)
		return rc;
	if (info.has_meta) {
		if ((rc = read_meta(s, &version)) != PAPER_OK || version == pg_schema_version)
			return rc;
		if (o->read_only)
			return paper__error(PAPER_EVERSION, "ledger '%s' (%s) has schema version %" PRId64
					    "; open it read-write once to upgrade it to %d", s->shown,
					    s->server, version, pg_schema_version);
		return build(s, version);
	}
	if (info.relations > 0)
		return not_a_ledger(s);
	if (!o->create || o->read_only)
		return paper__error(PAPER_ENOTFOUND, "no ledger at '%s' (%s): schema '%s' is empty",
				    s->shown, s->server, s->schema);
	return build(s, 0);
}

/* ---- opening and closing ---- */

static void pg_close(store *s)
{
	if (s == NULL)
		return;
	if (s->conn && PQstatus(s->conn) == CONNECTION_OK) {
		drop_rows(s);
		settle(s);
		if (PQtransactionStatus(s->conn) != PQTRANS_IDLE)
			PQclear(PQexec(s->conn, "ROLLBACK"));
	}
	PQfinish(s->conn);
	for (int i = 0; i < SQL__COUNT; i++)
		g_free(s->sql[i]);
	copy_free(&s->events);
	copy_free(&s->orders);
	/* The ledger frees its brokers' locks first; any left only lose their store. */
	for (guint i = 0; i < s->locks->len; i++)
		((store_lock *)g_ptr_array_index(s->locks, i))->s = NULL;
	g_ptr_array_unref(s->locks);
	g_free(s->shown);
	g_free(s->server);
	g_free(s->schema);
	g_free(s);
}

static int pg_open(store **out, const char *location, const store_open_options *o)
{
	store *s = g_new0(store, 1);
	s->shown = location_redact(location);
	s->read_only = o->read_only;
	s->locks = g_ptr_array_new();
	for (int id = 0; id < SQL__COUNT; id++)
		s->sql[id] = pg_text((store_sql)id);
	static const store_sql event_sql[] = {
		SQL_INS_ORDER_FULL, SQL_INS_FILL, SQL_INS_FILL_TRADE, SQL_INS_ORDER_CHANGE,
		SQL_INS_SNAPSHOT, SQL_INS_HALT, SQL_INS_ACCOUNT_RESTORED, SQL_INS_POSITION_RESTORED,
	};
	static const store_sql order_sql[] = { SQL_INS_ORDER_ROW };
	copy_init(&s->events, "events", event_sql, G_N_ELEMENTS(event_sql));
	copy_init(&s->orders, "order_state", order_sql, G_N_ELEMENTS(order_sql));
	int rc = connect_to(s, location);
	if (rc == PAPER_OK)
		rc = find_ledger(s, o);
	if (rc == PAPER_OK)
		rc = prepare_all(s);
	if (rc != PAPER_OK) {
		pg_close(s);
		return rc;
	}
	*out = s;
	return PAPER_OK;
}

/* ---- transactions ---- */

static int pg_begin(store *s, bool write)
{
	if (!write) {
		int rc = settle(s);
		return rc ? rc : exec(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
				      "starting a read transaction");
	}
	s->tx_rows = 0;
	return queue_sql(s, "BEGIN", "starting a transaction");
}

static int pg_commit(store *s)
{
	/* The rows waiting for COPY belong to the transaction: before its COMMIT. */
	int rc = flush_rows(s);
	s->tx_rows = 0;
	if (rc != PAPER_OK)
		return rc;
	if (s->pipelined) {
		rc = queue_sql(s, "COMMIT", "committing");
		int settled = settle(s);
		return rc ? rc : settled;
	}
	/* A COMMIT of a transaction that failed answers ROLLBACK, without an error. */
	PGresult *res = PQexec(s->conn, "COMMIT");
	rc = check(s, res, PGRES_COMMAND_OK, "committing");
	if (rc != PAPER_OK)
		return rc;
	bool committed = strcmp(PQcmdStatus(res), "COMMIT") == 0;
	PQclear(res);
	return committed ? PAPER_OK : paper__error(PAPER_EIO, "ledger '%s' (%s): the transaction "
						    "was rolled back", s->shown, s->server);
}

static void pg_rollback(store *s)
{
	drop_rows(s);
	settle(s);
	if (PQstatus(s->conn) == CONNECTION_OK && PQtransactionStatus(s->conn) != PQTRANS_IDLE)
		PQclear(PQexec(s->conn, "ROLLBACK"));
}

/* ---- writing ---- */

/* The derived rows a record writes as statements (those not sent by COPY). */
static int queue_derived(store *s, const store_rec *r, const store_writes *w, bool with_order)
{
	pg_out o;
	int rc = PAPER_OK;
	if (with_order && w->order != STORE_ORDER_NONE) {
		out_init(&o);
		store_bind_order_row(&o.base, r, w);
		rc = queue(s, store_order_row_sql(w), &o, "writing an order's state");
	}
	if (rc == PAPER_OK && w->position) {
		out_init(&o);
		store_bind_position_state(&o.base, r);
		rc = queue(s, SQL_PUT_POSITION_STATE, &o, "writing a position's state");
	}
	if (rc == PAPER_OK && w->account) {
		out_init(&o);
		store_bind_account_state(&o.base, r);
		rc = queue(s, SQL_PUT_ACCOUNT_STATE, &o, "writing the account's state");
	}
	return rc;
}

/* Past the first rows of a transaction: the event and a new order's row wait for one COPY. */
static int append_by_copy(store *s, const store_rec *r, const store_writes *w)
{
	copy_out o;
	store_sql id = store_event_sql(r);
	int rc = PAPER_OK;
	copy_out_init(&o, s->events.map[id]);
	store_bind_event(&o.base, id, r);
	copy_emit(&s->events, &o);
	if (w->order == STORE_ORDER_INSERT) {
		copy_out_init(&o, s->orders.map[SQL_INS_ORDER_ROW]);
		store_bind_order_row(&o.base, r, w);
		copy_emit(&s->orders, &o);
	} else if (w->order == STORE_ORDER_UPDATE) {
		rc = send_rows(s, &s->orders); /* the row it updates may be waiting */
	}
	if (rc == PAPER_OK)
		rc = queue_derived(s, r, w, w->order == STORE_ORDER_UPDATE);
	if (rc == PAPER_OK && s->events.rows->len + s->orders.rows->len > COPY_FLUSH)
		rc = flush_rows(s);
	return rc;
}

/* A durable commit's one event goes as an INSERT, in the commit's single round trip. */
static int pg_append(store *s, const store_rec *r, const store_writes *w)
{
	if (++s->tx_rows > COPY_AFTER)
		return append_by_copy(s, r, w);
	pg_out o;
	store_sql id = store_event_sql(r);
	out_init(&o);
	store_bind_event(&o.base, id, r);
	int rc = queue(s, id, &o, "writing an event");
	return rc ? rc : queue_derived(s, r, w, true);
}

static int pg_put_mark(store *s, const store_mark *m)
{
	pg_out o;
	out_init(&o);
	store_bind_mark(&o.base, m);
	return queue(s, SQL_PUT_MARK, &o, "writing a mark");
}

static int pg_put_config(store *s, int64_t account, const char *key, const char *value)
{
	pg_out o;
	out_init(&o);
	o_i64(&o.base, account);
	o_text(&o.base, key);
	o_text(&o.base, value);
	return queue(s, SQL_PUT_CONFIG, &o, "writing the account's config");
}

static int pg_del_config(store *s, int64_t account, const char *key)
{
	pg_out o;
	out_init(&o);
	o_i64(&o.base, account);
	o_text(&o.base, key);
	return queue(s, SQL_DEL_CONFIG, &o, "writing the account's config");
}

static int pg_put_bookmark(store *s, const store_bookmark *b)
{
	pg_out o;
	out_init(&o);
	store_bind_bookmark(&o.base, b);
	return queue(s, SQL_PUT_BOOKMARK, &o, "writing a bookmark");
}

static int pg_get_bookmark(store *s, int64_t account, const char *name, char *buf, size_t cap)
{
	pg_out o;
	PGresult *res = NULL;
	out_init(&o);
	o_i64(&o.base, account);
	o_text(&o.base, name);
	int rc = run(s, SQL_GET_BOOKMARK, &o, PGRES_TUPLES_OK, &res, "reading a bookmark");
	if (rc != PAPER_OK)
		return rc;
	if (PQntuples(res) == 1) {
		pg_in in = in_for(s, res);
		rc = i_text(&in.base, 0, buf, cap, "a bookmark");
	} else {
		rc = paper__error(PAPER_ENOTFOUND, "no bookmark '%s'", name);
	}
	PQclear(res);
	return rc;
}

/* ---- accounts ---- */

/* The first column of a one-row answer as an integer. */
static int64_t first(const PGresult *res)
{
	return g_ascii_strtoll(PQgetvalue(res, 0, 0), NULL, 10);
}

static int pg_add_account(store *s, const char *name, const char *origin, paper_ts created,
			  int64_t *id_out)
{
	pg_out o;
	PGresult *res = NULL;
	out_init(&o);
	o_text(&o.base, name);
	o_text(&o.base, origin);
	o_i64(&o.base, created);
	int rc = settle(s);
	if (rc != PAPER_OK)
		return rc;
	char pname[16];
	res = PQexecPrepared(s->conn, stmt_name(pname, SQL_ADD_ACCOUNT), o.n, o.values, NULL, NULL,
			     0);
	if (PQresultStatus(res) == PGRES_TUPLES_OK) {
		*id_out = first(res);
		PQclear(res);
		return PAPER_OK;
	}
	if (strcmp(sqlstate(res), "23505") == 0)
		rc = paper__error(PAPER_ESTATE, "ledger '%s' already has an account '%s'", s->shown,
				  name);
	else if (strcmp(sqlstate(res), "23514") == 0)
		rc = paper__error(PAPER_ERANGE, "ledger '%s' cannot hold more than %" PRId64
				  " accounts", s->shown, STORE_MAX_ACCOUNT_ID);
	else
		rc = fail(s, res, "adding an account");
	PQclear(res);
	return rc;
}

static int pg_find_account(store *s, const char *name, int64_t *id_out)
{
	pg_out o;
	PGresult *res = NULL;
	out_init(&o);
	o_text(&o.base, name);
	int rc = run(s, SQL_FIND_ACCOUNT, &o, PGRES_TUPLES_OK, &res, "looking up an account");
	if (rc != PAPER_OK)
		return rc;
	bool found = PQntuples(res) == 1;
	if (found)
		*id_out = first(res);
	PQclear(res);
	return found ? PAPER_OK : paper__error(PAPER_ENOTFOUND, "ledger '%s' has no account '%s'",
					       s->shown, name);
}

static int pg_account_count(store *s, size_t *out)
{
	PGresult *res = NULL;
	int rc = run(s, SQL_COUNT_ACCOUNTS, NULL, PGRES_TUPLES_OK, &res, "counting accounts");
	if (rc == PAPER_OK) {
		*out = (size_t)first(res);
		PQclear(res);
	}
	return rc;
}

static int pg_account_name(store *s, size_t index, char *buf, size_t cap)
{
	pg_out o;
	PGresult *res = NULL;
	out_init(&o);
	o_i64(&o.base, (int64_t)index);
	int rc = run(s, SQL_ACCOUNT_NAME, &o, PGRES_TUPLES_OK, &res, "listing accounts");
	if (rc != PAPER_OK)
		return rc;
	if (PQntuples(res) != 1) {
		rc = paper__error(PAPER_ERANGE, "account index %zu out of range", index);
	} else {
		const char *name = PQgetvalue(res, 0, 0);
		size_t n = strlen(name);
		if (n >= cap)
			rc = paper__error(PAPER_ERANGE, "account name '%s' needs %zu bytes, buffer has "
					  "%zu", name, n + 1, cap);
		else
			memcpy(buf, name, n + 1);
	}
	PQclear(res);
	return rc;
}

/* ---- reading ---- */

typedef int (*row_fn)(const row_in *in, void *ctx);

static int each_row(store *s, const PGresult *res, row_fn row, void *ctx)
{
	pg_in in = in_for(s, res);
	int rc = PAPER_OK;
	for (in.row = 0; in.row < PQntuples(res) && rc == PAPER_OK; in.row++)
		rc = row(&in.base, ctx);
	return rc;
}

/* A short answer, read whole. */
static int walk_small(store *s, store_sql id, const pg_out *o, row_fn row, void *ctx,
		      const char *what)
{
	PGresult *res = NULL;
	int rc = run(s, id, o, PGRES_TUPLES_OK, &res, what);
	if (rc != PAPER_OK)
		return rc;
	rc = each_row(s, res, row, ctx);
	PQclear(res);
	return rc;
}

static int fetch_all(store *s, row_fn row, void *ctx, const char *what)
{
	int rc = PAPER_OK;
	for (bool more = true; more && rc == PAPER_OK;) {
		PGresult *res = PQexec(s->conn, "FETCH " FETCH_ROWS " FROM paper_walk");
		rc = check(s, res, PGRES_TUPLES_OK, what);
		if (rc != PAPER_OK)
			break;
		more = PQntuples(res) > 0;
		rc = each_row(s, res, row, ctx);
		PQclear(res);
	}
	return rc;
}

/*
 * A long answer (the log, orders, trades), streamed through a cursor a few thousand rows at a
 * time: memory does not depend on its length. Inside the caller's transaction, so it reads the
 * same snapshot as the caller's other reads (and a write transaction's own rows).
 */
static int walk(store *s, store_sql id, const pg_out *o, row_fn row, void *ctx, const char *what)
{
	int rc = settle(s);
	bool own = rc == PAPER_OK && PQtransactionStatus(s->conn) == PQTRANS_IDLE;
	if (own)
		rc = exec(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", what);
	if (rc != PAPER_OK)
		return rc;
	char *sql = g_strdup_printf("DECLARE paper_walk NO SCROLL CURSOR FOR %s", s->sql[id]);
	PGresult *res = PQexecParams(s->conn, sql, o->n, NULL, o->values, NULL, NULL, 0);
	g_free(sql);
	rc = check(s, res, PGRES_COMMAND_OK, what);
	if (rc == PAPER_OK) {
		PQclear(res);
		rc = fetch_all(s, row, ctx, what);
		if (PQtransactionStatus(s->conn) == PQTRANS_INTRANS)
			PQclear(PQexec(s->conn, "CLOSE paper_walk"));
	}
	if (own && rc == PAPER_OK)
		return exec(s, "COMMIT", what);
	if (own && PQstatus(s->conn) == CONNECTION_OK) {
		char msg[1024];
		g_strlcpy(msg, paper_last_error(), sizeof msg);
		PQclear(PQexec(s->conn, "ROLLBACK"));
		paper__error(rc, "%s", msg);
	}
	return rc;
}

static int walk_range(store *s, store_sql id, int64_t account, uint64_t from, row_fn row,
		      void *ctx, const char *what)
{
	pg_out o;
	out_init(&o);
	store_bind_range_from(&o.base, account, from);
	return walk(s, id, &o, row, ctx, what);
}

typedef struct kv_walk {
	store_kv_cb cb;
	void *ctx;
} kv_walk;

static int config_row(const row_in *in, void *ctx)
{
	const kv_walk *w = ctx;
	return w->cb(w->ctx, in->raw(in, 0), in->raw(in, 1));
}

static int pg_each_config(store *s, int64_t account, store_kv_cb cb, void *ctx)
{
	pg_out o;
	kv_walk w = { cb, ctx };
	out_init(&o);
	o_i64(&o.base, account);
	return walk_small(s, SQL_EACH_CONFIG, &o, config_row, &w, "reading the account's config");
}

static int pg_each_event(store *s, int64_t account, uint64_t from_seq, store_rec_cb cb,
			 void *ctx)
{
	store_event_walk *w = store_event_walk_new(account, cb, ctx);
	int rc = walk_range(s, SQL_EACH_EVENT, account, from_seq, store_event_walk_row, w,
			    "reading the event log");
	g_free(w);
	return rc;
}

static int pg_each_mark(store *s, int64_t account, store_mark_cb cb, void *ctx)
{
	pg_out o;
	store_mark_walk w = { account, cb, ctx };
	out_init(&o);
	o_i64(&o.base, account);
	return walk_small(s, SQL_EACH_MARK, &o, store_mark_walk_row, &w, "reading marks");
}

static int pg_each_order(store *s, int64_t account, store_order_cb cb, void *ctx)
{
	store_item_walk w = { .cb.order = cb, .ctx = ctx };
	return walk_range(s, SQL_EACH_ORDER, account, 1, store_order_walk_row, &w, "reading orders");
}

static int pg_each_trade(store *s, int64_t account, store_trade_cb cb, void *ctx)
{
	store_item_walk w = { .cb.trade = cb, .ctx = ctx };
	return walk_range(s, SQL_EACH_TRADE, account, 1, store_trade_walk_row, &w, "reading trades");
}

static int pg_last_seq(store *s, int64_t account, uint64_t *out)
{
	pg_out o;
	PGresult *res = NULL;
	out_init(&o);
	store_bind_range(&o.base, account);
	int rc = run(s, SQL_LAST_EVENT, &o, PGRES_TUPLES_OK, &res, "reading the event log");
	if (rc == PAPER_OK) {
		*out = PQntuples(res) ? (uint64_t)first(res) : 0;
		PQclear(res);
	}
	return rc;
}

/* ---- decisions ---- */

static int pg_decision_add(store *s, const char *account, const paper_decision *d,
			   int64_t *id_out)
{
	pg_out o;
	PGresult *res = NULL;
	out_init(&o);
	store_bind_decision_add(&o.base, account, d);
	int rc = run(s, SQL_DECISION_ADD, &o, PGRES_TUPLES_OK, &res, "adding a decision");
	if (rc == PAPER_OK) {
		if (id_out)
			*id_out = first(res);
		PQclear(res);
	}
	return rc;
}

static int pg_decisions_pending(store *s, const char *account, paper_decision *out, size_t cap,
				size_t *count, GArray *bad)
{
	pg_out o;
	store_pending_walk w = { out, 0, bad };
	out_init(&o);
	o_text(&o.base, account);
	o_i64(&o.base, (int64_t)cap);
	int rc = walk_small(s, SQL_DECISIONS_PENDING, &o, store_pending_walk_row, &w,
			    "reading pending decisions");
	if (rc == PAPER_OK)
		*count = w.n;
	return rc;
}

static int pg_each_decision(store *s, const char *account, store_decision_cb cb, void *ctx)
{
	pg_out o;
	store_item_walk w = { .cb.decision = cb, .ctx = ctx };
	out_init(&o);
	o_text(&o.base, account);
	return walk(s, SQL_EACH_DECISION, &o, store_decision_walk_row, &w, "reading decisions");
}

static int pg_decision_put(store *s, const char *account, const store_decision *d)
{
	pg_out o;
	out_init(&o);
	store_bind_decision_put(&o.base, account, d);
	return queue(s, SQL_DECISION_PUT, &o, "copying a decision");
}

static int pg_decision_mark(store *s, int64_t id, paper_decision_status status,
			    uint64_t order_id, paper_ts now, const char *outcome)
{
	pg_out o;
	PGresult *res = NULL;
	out_init(&o);
	store_bind_decision_mark(&o.base, id, status, order_id, now, outcome);
	int rc = run(s, SQL_DECISION_MARK, &o, PGRES_COMMAND_OK, &res, "marking a decision");
	if (rc != PAPER_OK)
		return rc;
	bool marked = strcmp(PQcmdTuples(res), "1") == 0;
	PQclear(res);
	if (marked)
		return PAPER_OK;
	out_init(&o);
	o_i64(&o.base, id);
	rc = run(s, SQL_DECISION_STATUS, &o, PGRES_TUPLES_OK, &res, "reading a decision");
	if (rc != PAPER_OK)
		return rc;
	if (PQntuples(res) == 0)
		rc = paper__error(PAPER_ENOTFOUND, "ledger '%s' has no decision %" PRId64, s->shown,
				  id);
	else
		rc = paper__error(PAPER_ESTATE, "decision %" PRId64 " was already processed (%s)", id,
				  PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

/* ---- account locks: session-level advisory locks (lock_space, account id) ---- */

/* One try: 1 taken, 0 held by another session, <0 an error. */
static int try_lock(store *s, int64_t account)
{
	char sql[96];
	g_snprintf(sql, sizeof sql, "SELECT pg_try_advisory_lock((%" PRId32 ")::int4, %" PRId64
		   "::int4)", s->lock_space, account);
	PGresult *res = PQexec(s->conn, sql);
	int rc = check(s, res, PGRES_TUPLES_OK, "locking an account");
	if (rc != PAPER_OK)
		return rc;
	bool taken = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	return taken ? 1 : 0;
}

/* Retry every 10 ms until timeout_ms has passed. */
static int take(store *s, int64_t account, const char *name, uint32_t timeout_ms)
{
	int rc = settle(s);
	int64_t deadline = g_get_monotonic_time() + (int64_t)timeout_ms * 1000;
	while (rc == PAPER_OK && (rc = try_lock(s, account)) == 0 &&
	       g_get_monotonic_time() < deadline)
		g_usleep(LOCK_RETRY_US);
	if (rc == 1)
		return PAPER_OK;
	if (rc < 0)
		return rc;
	if (timeout_ms)
		return paper__error(PAPER_EBUSY, "account '%s' is in use by another broker "
				    "(waited %u ms)", name, timeout_ms);
	return paper__error(PAPER_EBUSY, "account '%s' is in use by another broker", name);
}

static int pg_lock(store *s, int64_t account, const char *name, uint32_t timeout_ms,
		   store_lock **out)
{
	/* A session's advisory locks stack: a second broker on this connection must be refused
	 * here, as another connection would be by the server. */
	for (guint i = 0; i < s->locks->len; i++)
		if (((store_lock *)g_ptr_array_index(s->locks, i))->account == account)
			return paper__error(PAPER_EBUSY, "account '%s' is in use by another broker",
					    name);
	int rc = take(s, account, name, timeout_ms);
	if (rc != PAPER_OK)
		return rc;
	store_lock *l = g_new0(store_lock, 1);
	l->s = s;
	l->account = account;
	g_strlcpy(l->name, name, sizeof l->name);
	l->held = true;
	g_ptr_array_add(s->locks, l);
	*out = l;
	return PAPER_OK;
}

static void pg_unlock(store_lock *l)
{
	if (l == NULL)
		return;
	store *s = l->s;
	if (s && l->held && PQstatus(s->conn) == CONNECTION_OK && settle(s) == PAPER_OK) {
		char sql[96];
		g_snprintf(sql, sizeof sql, "SELECT pg_advisory_unlock((%" PRId32 ")::int4, %" PRId64
			   "::int4)", s->lock_space, l->account);
		PQclear(PQexec(s->conn, sql));
	}
	if (s)
		g_ptr_array_remove(s->locks, l);
	g_free(l);
}

static int pg_relock(store_lock *l, uint32_t timeout_ms)
{
	if (l->held)
		return PAPER_OK;
	int rc = take(l->s, l->account, l->name, timeout_ms);
	l->held = rc == PAPER_OK;
	return rc;
}

/* ---- a lost connection ---- */

static int pg_reconnect(store *s, bool *again)
{
	*again = false;
	if (PQstatus(s->conn) == CONNECTION_OK && !s->broken)
		return PAPER_OK;
	s->pipelined = false;
	s->queued = 0;
	s->qerr = PAPER_OK;
	drop_rows(s);
	for (guint i = 0; i < s->locks->len; i++)
		((store_lock *)g_ptr_array_index(s->locks, i))->held = false;
	PQreset(s->conn);
	if (PQstatus(s->conn) != CONNECTION_OK) {
		char m[512];
		return paper__error(PAPER_EIO, "ledger '%s' (%s): cannot reconnect: %s", s->shown,
				    s->server, server_message(s, NULL, m, sizeof m));
	}
	int rc = session(s);
	if (rc == PAPER_OK)
		rc = prepare_all(s);
	s->broken = rc != PAPER_OK;
	*again = rc == PAPER_OK;
	return rc;
}

/* ---- live prices and feed health ---- */

static int pg_put_price(store *s, const store_price *p)
{
	pg_out o;
	out_init(&o);
	store_bind_price(&o.base, p);
	return queue(s, SQL_PUT_PRICE, &o, "writing a price");
}

static int pg_put_feed_health(store *s, const store_feed_health *h)
{
	pg_out o;
	out_init(&o);
	store_bind_feed_health(&o.base, h);
	return queue(s, SQL_PUT_FEED_HEALTH, &o, "writing a feed's health");
}

static int pg_each_price(store *s, int64_t account, store_price_cb cb, void *ctx)
{
	pg_out o;
	store_price_walk w = { account, cb, ctx };
	out_init(&o);
	o_i64(&o.base, account);
	return walk(s, SQL_EACH_PRICE, &o, store_price_walk_row, &w, "reading prices");
}

static int pg_each_feed_health(store *s, int64_t account, store_feed_health_cb cb, void *ctx)
{
	pg_out o;
	store_health_walk w = { account, cb, ctx };
	out_init(&o);
	o_i64(&o.base, account);
	return walk_small(s, SQL_EACH_FEED_HEALTH, &o, store_health_walk_row, &w,
			  "reading feed health");
}

const store_ops paper__store_pg = {
	.backend = "postgresql",
	.utf8_text = true,
	.open = pg_open,
	.close = pg_close,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.append = pg_append,
	.put_mark = pg_put_mark,
	.add_account = pg_add_account,
	.put_config = pg_put_config,
	.del_config = pg_del_config,
	.put_bookmark = pg_put_bookmark,
	.find_account = pg_find_account,
	.account_count = pg_account_count,
	.account_name = pg_account_name,
	.each_config = pg_each_config,
	.each_event = pg_each_event,
	.each_mark = pg_each_mark,
	.each_order = pg_each_order,
	.each_trade = pg_each_trade,
	.last_seq = pg_last_seq,
	.get_bookmark = pg_get_bookmark,
	.decision_add = pg_decision_add,
	.decisions_pending = pg_decisions_pending,
	.decision_mark = pg_decision_mark,
	.each_decision = pg_each_decision,
	.decision_put = pg_decision_put,
	.lock = pg_lock,
	.unlock = pg_unlock,
	.reconnect = pg_reconnect,
	.relock = pg_relock,
	.put_price = pg_put_price,
	.put_feed_health = pg_put_feed_health,
	.each_price = pg_each_price,
	.each_feed_health = pg_each_feed_health,
};
