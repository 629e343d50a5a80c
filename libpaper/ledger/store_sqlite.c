/*
 * The SQLite ledger backend (store.h): one file, WAL mode, foreign keys on, the schema version
 * in PRAGMA user_version, and PRAGMA application_id set to a libpaper magic number so that no
 * other SQLite database is ever mistaken for a ledger. The only file that includes sqlite3.h.
 * The statements and the mapping of records to columns are shared with the PostgreSQL backend
 * (store_rows.c).
 *
 * Keys: rows that grow with trading (events, orders) are keyed by
 * account * 2^40 + number in their INTEGER PRIMARY KEY, so one account's rows are one range of
 * the table's own b-tree: appends are at the range's end, per-account scans need no extra index,
 * and (account, number) is unique without a second b-tree to maintain on every insert.
 */
#include "ledger/store.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "base/error.h"
#include "base/text.h"
#include "ledger/filelock.h"
#include "ledger/sqlite_file.h"
#include "ledger/store_rows.h"

/* ---- statements: the shared ones (store_rows.h), then transaction control ---- */

enum {
	ST_BEGIN_READ = SQL__COUNT,
	ST_BEGIN_WRITE,
	ST_COMMIT,
	ST__COUNT
};

static const char *sql_of(int id)
{
	static const char *const own[] = {
		[ST_BEGIN_READ - SQL__COUNT] = "BEGIN",
		[ST_BEGIN_WRITE - SQL__COUNT] = "BEGIN IMMEDIATE",
		[ST_COMMIT - SQL__COUNT] = "COMMIT",
	};
	return id < SQL__COUNT ? store_sql_text[id] : own[id - SQL__COUNT];
}

struct store {
	sqlite3 *db;
	char *path;
	char *lock_path;
	bool read_only;
	sqlite3_stmt *st[ST__COUNT];
};

struct store_lock {
	int fd;
};

/* ---- errors ---- */

static const char *hint(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_READONLY:
		return " (read-only file or media)";
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return " (held by another connection longer than the busy timeout)";
	case SQLITE_CANTOPEN:
		return " (cannot open the file or its -wal/-shm companions)";
	default:
		return "";
	}
}

static off_t size_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_size : 0;
}

/*
 * Why a write failed for want of space. SQLite reports a short write as SQLITE_FULL and a
 * refused one (EFBIG past RLIMIT_FSIZE) as a plain write error, and its errno is not reliable
 * by then, so look at the limits themselves.
 */
static const char *space_hint(const store *s, int rc)
{
	if ((rc & 0xff) != SQLITE_FULL && rc != SQLITE_IOERR_WRITE && rc != SQLITE_IOERR_TRUNCATE)
		return NULL;
	char *wal = g_strdup_printf("%s-wal", s->path);
	off_t biggest = MAX(size_of(s->path), size_of(wal));
	g_free(wal);
	struct rlimit lim;
	if (getrlimit(RLIMIT_FSIZE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY &&
	    (uint64_t)biggest + (1u << 20) >= (uint64_t)lim.rlim_cur)
		return " (the process's file size limit, RLIMIT_FSIZE, is reached)";
	struct statvfs v;
	if (statvfs(s->path, &v) == 0 && (uint64_t)v.f_bavail * v.f_frsize < (4u << 20))
		return " (the disk is full)";
	return (rc & 0xff) == SQLITE_FULL ? " (disk full)" : NULL;
}

/* Map an SQLite failure to a status code with a message naming the file and the operation. */
static int fail(const store *s, int rc, const char *what)
{
	int prim = rc & 0xff;
	/* SQLite's message may quote the file (a name from a corrupt schema): never raw. */
	const char *raw = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
	char *msg = paper__text_shown(raw, PAPER_TEXT_SHOWN_MAX);
	int e = s->db ? sqlite3_system_errno(s->db) : 0;
	char sys[96] = "";
	if (e && prim == SQLITE_CANTOPEN)
		snprintf(sys, sizeof sys, " (%s)", strerror(e));

	int code;
	if (prim == SQLITE_CORRUPT || prim == SQLITE_NOTADB) {
		code = paper__error(PAPER_ECORRUPT, "ledger '%s' is corrupt or truncated (%s: %s); it "
				    "was left as it is (paper check tells more)", s->path, what, msg);
	} else if (prim == SQLITE_NOMEM) {
		code = paper__error(PAPER_ENOMEM, "ledger '%s': %s: out of memory", s->path, what);
	} else {
		const char *space = space_hint(s, rc);
		code = paper__error(PAPER_EIO, "ledger '%s': %s failed: %s%s%s", s->path, what, msg,
				    sys, space ? space : hint(rc));
	}
	g_free(msg);
	return code;
}

static sqlite3_stmt *stmt(store *s, int id, int *rc)
{
	if (s->st[id] == NULL) {
		*rc = sqlite3_prepare_v3(s->db, sql_of(id), -1, SQLITE_PREPARE_PERSISTENT, &s->st[id],
					 NULL);
		if (*rc != SQLITE_OK) {
			*rc = fail(s, *rc, "preparing a statement");
			return NULL;
		}
	}
	*rc = PAPER_OK;
	return s->st[id];
}

/* Step a statement that returns no rows, and reset it. */
static int run(store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PAPER_OK : fail(s, rc, what);
}

static int exec(store *s, const char *sql, const char *what)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? PAPER_OK : fail(s, rc, what);
}

/* ---- rows: binding parameters and reading columns for store_rows.c ---- */

typedef struct sq_out {
	row_out base; /* first: store_rows.c calls back with it */
	sqlite3_stmt *st;
	int i;
} sq_out;

static void o_i64(row_out *o, int64_t v)
{
	sq_out *x = (sq_out *)o;
	sqlite3_bind_int64(x->st, ++x->i, v);
}

static void o_f64(row_out *o, double v)
{
	sq_out *x = (sq_out *)o;
	sqlite3_bind_double(x->st, ++x->i, v);
}

/* The string outlives the step: it is part of a record the caller holds. */
static void o_text(row_out *o, const char *v)
{
	sq_out *x = (sq_out *)o;
	sqlite3_bind_text(x->st, ++x->i, v, -1, SQLITE_STATIC);
}

static void o_null(row_out *o)
{
	sq_out *x = (sq_out *)o;
	sqlite3_bind_null(x->st, ++x->i);
}

static sq_out out_for(sqlite3_stmt *st)
{
	sq_out o = { { o_i64, o_f64, o_text, o_null }, st, 0 };
	return o;
}

typedef struct sq_in {
	row_in base; /* first: store_rows.c calls back with it */
	sqlite3_stmt *st;
} sq_in;

static int64_t i_i64(const row_in *in, int col)
{
	return sqlite3_column_int64(((const sq_in *)in)->st, col);
}

static double i_f64(const row_in *in, int col)
{
	return sqlite3_column_double(((const sq_in *)in)->st, col);
}

/* Text longer than the field it came from, or holding a NUL, means the file was altered. */
static int i_text(const row_in *in, int col, char *buf, size_t cap, const char *what)
{
	sqlite3_stmt *st = ((const sq_in *)in)->st;
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;
	if (n >= cap || (t && strlen((const char *)t) != n))
		return paper__error(PAPER_ECORRUPT, "ledger '%s': %s is longer than %zu bytes or "
				    "holds a NUL", in->ledger, what, cap - 1);
	memcpy(buf, t ? (const char *)t : "", n);
	buf[n] = '\0';
	return PAPER_OK;
}

static const char *i_raw(const row_in *in, int col)
{
	return (const char *)sqlite3_column_text(((const sq_in *)in)->st, col);
}

static sq_in in_for(const store *s, sqlite3_stmt *st)
{
	sq_in in = { { s->path, i_i64, i_f64, i_text, i_raw }, st };
	return in;
}

/*
 * The name SQLite is given for a path: relative ones as ./path. SQLite (as Debian builds it,
 * SQLITE_USE_URI) reads "file:..." as a URI and ":memory:" as no file at all, so a path starting
 * that way would open something other than the file libpaper checks and locks.
 */
static char *sqlite_name(const char *path)
{
	return path[0] == '/' ? g_strdup(path) : g_strconcat("./", path, NULL);
}

/* ---- creating a ledger ---- */

static int apply_migrations(store *s, int from)
{
	for (int v = from; v < sqlite_schema_version; v++) {
		char sql[64];
		int rc = PAPER_OK;
		for (const char *const *q = sqlite_migrations[v]; *q && rc == PAPER_OK; q++)
			rc = exec(s, *q, "migrating the schema");
		if (rc != PAPER_OK)
			return rc;
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
		if ((rc = exec(s, sql, "recording the schema version")) != PAPER_OK)
			return rc;
	}
	return PAPER_OK;
}

static int init_schema(store *s)
{
	char sql[512];
	snprintf(sql, sizeof sql, "PRAGMA application_id = %d;"
		 "INSERT INTO meta (key, value) VALUES ('format', '%s'), ('created_by', "
		 "'libpaper %s'), ('created_ts', CAST((julianday('now') - 2440587.5) * "
		 "86400000000.0 AS INTEGER));", SQLITE_LEDGER_APP_ID, STORE_LEDGER_FORMAT, PAPER_VERSION);
	/* Large pages: fewer b-tree pages per appended row, about 7% faster appends. */
	int rc = exec(s, "PRAGMA page_size = 16384", "setting the page size");
	if (rc == PAPER_OK)
		rc = exec(s, "BEGIN", "creating the ledger");
	if (rc == PAPER_OK)
		rc = apply_migrations(s, 0);
	if (rc == PAPER_OK)
		rc = exec(s, sql, "creating the ledger");
	if (rc == PAPER_OK)
		rc = exec(s, "COMMIT", "creating the ledger");
	return rc;
}

static void sync_dir(const char *path)
{
	char *dir = g_path_get_dirname(path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	g_free(dir);
}

/* Put tmp at path unless something is there already (then that one is the ledger). */
static bool place_new_file(const char *tmp, const char *path)
{
	if (link(tmp, path) == 0 || errno == EEXIST)
		return true;
	/* File systems without hard links: a rename that never replaces. */
	if (errno != EPERM && errno != ENOTSUP && errno != ENOSYS)
		return false;
	return renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0 || errno == EEXIST;
}

/*
 * Build the new ledger in a temporary file and link it into place, so a ledger path is either
 * absent or a complete ledger: a crash while creating never leaves a half-made one behind, and
 * of two processes creating it at once, one wins and the other opens its ledger.
 */
static int create_file(const char *path)
{
	char *tmp = g_strdup_printf("%s.creating-XXXXXX", path);
	/* 0666 less the umask, like any file the user creates: other programs write the inbox. */
	int fd = g_mkstemp_full(tmp, O_RDWR | O_CLOEXEC, 0666);
	if (fd < 0) {
		int rc = paper__error(PAPER_EIO, "cannot create ledger '%s': %s", path,
				      strerror(errno));
		g_free(tmp);
		return rc;
	}
	close(fd);
	store s = { .path = (char *)path };
	char *name = sqlite_name(tmp);
	int rc = sqlite3_open_v2(name, &s.db, SQLITE_OPEN_READWRITE, NULL);
	g_free(name);
	rc = rc == SQLITE_OK ? init_schema(&s) : fail(&s, rc, "creating the ledger");
	sqlite3_close(s.db);
	if (rc == PAPER_OK && !place_new_file(tmp, path))
		rc = paper__error(PAPER_EIO, "cannot create ledger '%s': %s", path, strerror(errno));
	unlink(tmp);
	g_free(tmp);
	if (rc == PAPER_OK)
		sync_dir(path);
	return rc;
}

/* ---- opening ---- */

static int query_int(store *s, const char *sql, int64_t *out, const char *what)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return fail(s, rc, what);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? PAPER_OK : fail(s, rc, what);
}

/* A ledger names itself in meta; anything else is refused before any write. */
static int verify(store *s, int64_t *version)
{
	int64_t app = 0, has_meta = 0;
	int rc = query_int(s, "PRAGMA application_id", &app, "reading the application id");
	if (rc == PAPER_OK && app != SQLITE_LEDGER_APP_ID)
		return paper__error(PAPER_ECORRUPT, "'%s' is not a paper ledger", s->path);
	if (rc == PAPER_OK)
		rc = query_int(s, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
			       "name = 'meta'", &has_meta, "reading the schema");
	if (rc == PAPER_OK && has_meta == 1)
		rc = query_int(s, "SELECT count(*) FROM meta WHERE key = 'format' AND value = '"
			       STORE_LEDGER_FORMAT "' AND paper = 1", &has_meta, "reading the ledger's meta");
	if (rc == PAPER_OK && has_meta != 1)
		return paper__error(PAPER_ECORRUPT, "'%s' is not a paper ledger (no paper meta row)",
				    s->path);
	if (rc == PAPER_OK)
		rc = query_int(s, "PRAGMA user_version", version, "reading the schema version");
	if (rc == PAPER_OK && *version > sqlite_schema_version)
		return paper__error(PAPER_EVERSION, "ledger '%s' has schema version %lld, written by "
				    "a newer libpaper; this one (%s) knows versions up to %d",
				    s->path, (long long)*version, PAPER_VERSION, sqlite_schema_version);
	if (rc == PAPER_OK && *version < 1)
		return paper__error(PAPER_ECORRUPT, "ledger '%s' has no schema version", s->path);
	return rc;
}

/*
 * SQLite's own check of the file: every page of every b-tree read and its structure verified
 * (quick_check), or that and every index against its table (integrity_check). A flipped page
 * makes a ledger that still opens and reads wrong; it must not be taken for one, and above all
 * not be written to. Each problem goes to cb, at most max of them.
 */
static int storage_check(store *s, bool full, int max, store_problem_cb cb, void *ctx)
{
	char sql[64];
	sqlite3_stmt *st = NULL;
	int found = 0;
	snprintf(sql, sizeof sql, "PRAGMA %s(%d)", full ? "integrity_check" : "quick_check", max);
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *row = (const char *)sqlite3_column_text(st, 0);
		if (row && strcmp(row, "ok") == 0)
			continue;
		/* A row may hold several lines, the first naming the database: one problem each. */
		char **lines = g_strsplit(row ? row : "?", "\n", -1);
		for (char **l = lines; *l; l++) {
			if (**l == '\0' || g_str_has_prefix(*l, "*** in database"))
				continue;
			char *shown = paper__text_shown(*l, PAPER_TEXT_SHOWN_MAX);
			cb(ctx, shown);
			g_free(shown);
			found++;
		}
		g_strfreev(lines);
	}
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		rc = SQLITE_OK;
	if (rc != SQLITE_OK) { /* the check itself could not read the file */
		char *shown = paper__text_shown(sqlite3_errmsg(s->db), PAPER_TEXT_SHOWN_MAX);
		cb(ctx, shown);
		g_free(shown);
		found++;
	}
	sqlite3_finalize(st);
	return found ? PAPER_ECORRUPT : PAPER_OK;
}

typedef struct first_problem {
	char text[512];
	int count;
} first_problem;

static void keep_first(void *ctx, const char *problem)
{
	first_problem *f = ctx;
	if (f->count++ == 0)
		g_strlcpy(f->text, problem, sizeof f->text);
}

/*
 * On open, damage only: a row some program wrote past a CHECK constraint (ignore_check_
 * constraints) is data the readers judge (the inbox rejects such a row), not a broken file, and
 * must not make the whole ledger unusable. paper check reports those too.
 */
static int quick_check(store *s)
{
	first_problem f = { "", 0 };
	int rc = exec(s, "PRAGMA ignore_check_constraints = ON", "checking the file");
	if (rc == PAPER_OK)
		rc = storage_check(s, false, 8, keep_first, &f);
	int back = exec(s, "PRAGMA ignore_check_constraints = OFF", "checking the file");
	if (rc == PAPER_OK || (rc != PAPER_ECORRUPT && f.count == 0))
		return rc ? rc : back;
	return paper__error(PAPER_ECORRUPT, "ledger '%s' is corrupt (PRAGMA quick_check: %s%s); it "
			    "was left as it is: paper check lists every problem", s->path, f.text,
			    f.count > 1 ? "; and more" : "");
}

static int sqlite_check_storage(store *s, store_problem_cb cb, void *ctx)
{
	return storage_check(s, true, 100, cb, ctx);
}

static int migrate(store *s, int64_t version)
{
	if (version == sqlite_schema_version)
		return PAPER_OK;
	if (s->read_only)
		return paper__error(PAPER_EVERSION, "ledger '%s' has schema version %lld; open it "
				    "read-write once to upgrade it to %d", s->path,
				    (long long)version, sqlite_schema_version);
	int rc = exec(s, "BEGIN IMMEDIATE", "upgrading the schema");
	if (rc == PAPER_OK)
		rc = apply_migrations(s, (int)version);
	if (rc == PAPER_OK)
		return exec(s, "COMMIT", "upgrading the schema");
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Only now, the file known to be a ledger, may settings that write be changed. */
static int configure(store *s, const store_open_options *o)
{
	int64_t fk = 0;
	int rc = exec(s, "PRAGMA foreign_keys = ON", "enabling foreign keys");
	if (rc == PAPER_OK)
		rc = query_int(s, "PRAGMA foreign_keys", &fk, "enabling foreign keys");
	if (rc == PAPER_OK && fk != 1)
		return paper__error(PAPER_EUNSUPPORTED, "this SQLite cannot enforce foreign keys");
	if (rc != PAPER_OK || s->read_only)
		return rc;
	sqlite3_stmt *st;
	rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *mode = (const char *)sqlite3_column_text(st, 0);
		rc = mode && g_ascii_strcasecmp(mode, "wal") == 0 ? SQLITE_OK : SQLITE_CANTOPEN;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return fail(s, rc, "switching to WAL mode");
	return exec(s, o->durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL",
		    "setting synchronous");
}

/*
 * A WAL ledger on read-only media cannot get the -shm file readers need. With no -wal file
 * either, everything committed is in the main file and no writer can exist (it would need
 * both files), so reading it as an immutable file is exact.
 */
static int reopen_immutable(store *s, int flags)
{
	char *wal = g_strdup_printf("%s-wal", s->path);
	int probe = sqlite3_exec(s->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
	bool retry = (probe & 0xff) == SQLITE_CANTOPEN && !sqlite_file_exists(wal);
	g_free(wal);
	if (!retry)
		return SQLITE_OK;
	char *esc = g_uri_escape_string(s->path, "/", FALSE);
	char *uri = g_strdup_printf("file:%s?immutable=1", esc);
	sqlite3_close(s->db);
	s->db = NULL;
	int rc = sqlite3_open_v2(uri, &s->db, flags | SQLITE_OPEN_URI, NULL);
	g_free(uri);
	g_free(esc);
	return rc;
}

static int open_db(store *s, const store_open_options *o)
{
	int flags = (o->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
		    SQLITE_OPEN_NOMUTEX;
	char *name = sqlite_name(s->path);
	int rc = sqlite3_open_v2(name, &s->db, flags, NULL);
	g_free(name);
	if (rc == SQLITE_OK && o->read_only)
		rc = reopen_immutable(s, flags);
	if (rc != SQLITE_OK)
		return fail(s, rc, "opening");
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, o->busy_timeout_ms > 5000 ? (int)o->busy_timeout_ms : 5000);
	if (!o->read_only && sqlite3_db_readonly(s->db, "main") == 1)
		return paper__error(PAPER_EIO, "ledger '%s' cannot be written (read-only file, "
				    "directory or media); open it with read_only to read it", s->path);
	int64_t version = 0;
	rc = verify(s, &version);
	/* Before anything is written: a damaged file is refused as it is. */
	if (rc == PAPER_OK && !o->skip_storage_check)
		rc = quick_check(s);
	if (rc == PAPER_OK)
		rc = migrate(s, version);
	if (rc == PAPER_OK)
		rc = configure(s, o);
	return rc;
}

static void sqlite_close(store *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(s->st[i]);
	/* Close, not close_v2: nothing else holds statements of this connection. */
	sqlite3_close(s->db);
	g_free(s->path);
	g_free(s->lock_path);
	g_free(s);
}

static int locate(const char *path, const store_open_options *o)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		if (errno != ENOENT)
			return paper__error(PAPER_EIO, "cannot open ledger '%s': %s", path,
					    strerror(errno));
		if (!o->create || o->read_only)
			return paper__error(PAPER_ENOTFOUND, "no ledger at '%s'", path);
		return create_file(path);
	}
	if (S_ISDIR(st.st_mode))
		return paper__error(PAPER_EIO, "ledger '%s' is a directory, not a ledger file", path);
	if (!S_ISREG(st.st_mode))
		return paper__error(PAPER_EIO, "ledger '%s' is not a regular file", path);
	return PAPER_OK;
}

static int sqlite_open(store **out, const char *path, const store_open_options *o)
{
	int rc = locate(path, o);
	if (rc == PAPER_OK)
		rc = sqlite_file_check(path);
	if (rc != PAPER_OK)
		return rc;
	store *s = g_new0(store, 1);
	s->path = g_strdup(path);
	s->lock_path = g_strdup_printf("%s-locks", path);
	s->read_only = o->read_only;
	rc = open_db(s, o);
	if (rc != PAPER_OK) {
		sqlite_close(s);
		return rc;
	}
	*out = s;
	return PAPER_OK;
}

/* ---- transactions ---- */

static int sqlite_begin(store *s, bool write)
{
	int rc;
	sqlite3_stmt *st = stmt(s, write ? ST_BEGIN_WRITE : ST_BEGIN_READ, &rc);
	return st ? run(s, st, "starting a transaction") : rc;
}

static int sqlite_commit(store *s)
{
	int rc;
	sqlite3_stmt *st = stmt(s, ST_COMMIT, &rc);
	return st ? run(s, st, "committing") : rc;
}

static void sqlite_rollback(store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- writing events and their derived rows ---- */

/* Bind a shared statement's parameters with bind(ctx) and run it. */
static int run_sql(store *s, int id, void (*bind)(row_out *o, const void *ctx), const void *ctx,
		   const char *what)
{
	int rc;
	sqlite3_stmt *st = stmt(s, id, &rc);
	if (st == NULL)
		return rc;
	sq_out o = out_for(st);
	bind(&o.base, ctx);
	return run(s, st, what);
}

typedef struct rec_writes {
	const store_rec *r;
	const store_writes *w;
} rec_writes;

static void bind_event(row_out *o, const void *ctx)
{
	const store_rec *r = ctx;
	store_bind_event(o, store_event_sql(r), r);
}

static void bind_order_row(row_out *o, const void *ctx)
{
	const rec_writes *x = ctx;
	store_bind_order_row(o, x->r, x->w);
}

static void bind_account_state(row_out *o, const void *ctx)
{
	store_bind_account_state(o, ctx);
}

static void bind_position_state(row_out *o, const void *ctx)
{
	store_bind_position_state(o, ctx);
}

static int sqlite_append(store *s, const store_rec *r, const store_writes *w)
{
	rec_writes x = { r, w };
	int rc = run_sql(s, store_event_sql(r), bind_event, r, "writing an event");
	if (rc == PAPER_OK && w->order != STORE_ORDER_NONE)
		rc = run_sql(s, store_order_row_sql(w), bind_order_row, &x,
			     "writing an order's state");
	if (rc == PAPER_OK && w->position)
		rc = run_sql(s, SQL_PUT_POSITION_STATE, bind_position_state, r,
			     "writing a position's state");
	if (rc == PAPER_OK && w->account)
		rc = run_sql(s, SQL_PUT_ACCOUNT_STATE, bind_account_state, r,
			     "writing the account's state");
	return rc;
}

static void bind_mark(row_out *o, const void *ctx)
{
	store_bind_mark(o, ctx);
}

static int sqlite_put_mark(store *s, const store_mark *m)
{
	return run_sql(s, SQL_PUT_MARK, bind_mark, m, "writing a mark");
}

/* ---- accounts and configs ---- */

static int sqlite_add_account(store *s, const char *name, const char *origin, paper_ts created,
			      int64_t *id_out)
{
	int rc;
	sqlite3_stmt *st = stmt(s, SQL_ADD_ACCOUNT, &rc);
	if (st == NULL)
		return rc;
	sq_out o = out_for(st);
	o_text(&o.base, name);
	o_text(&o.base, origin);
	o_i64(&o.base, created);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return paper__error(PAPER_ESTATE, "ledger '%s' already has an account '%s'", s->path,
				    name);
	if (rc == SQLITE_CONSTRAINT_CHECK)
		return paper__error(PAPER_ERANGE, "ledger '%s' cannot hold more than %lld accounts",
				    s->path, (long long)STORE_MAX_ACCOUNT_ID);
	if (rc != SQLITE_DONE)
		return fail(s, rc, "adding an account");
	*id_out = sqlite3_last_insert_rowid(s->db);
	return PAPER_OK;
}

static int sqlite_put_config(store *s, int64_t account, const char *key, const char *value)
{
	int rc;
	sqlite3_stmt *st = stmt(s, SQL_PUT_CONFIG, &rc);
	if (st == NULL)
		return rc;
	sq_out o = out_for(st);
	o_i64(&o.base, account);
	o_text(&o.base, key);
	o_text(&o.base, value);
	return run(s, st, "writing the account's config");
}

static int sqlite_del_config(store *s, int64_t account, const char *key)
{
	int rc;
	sqlite3_stmt *st = stmt(s, SQL_DEL_CONFIG, &rc);
	if (st == NULL)
		return rc;
	sq_out o = out_for(st);
	o_i64(&o.base, account);
	o_text(&o.base, key);
	return run(s, st, "writing the account's config");
}

static int sqlite_find_account(store *s, const char *name, int64_t *id_out)
{
	int rc;
	sqlite3_stmt *st = stmt(s, SQL_FIND_ACCOUNT, &rc);
	if (st == NULL)
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id_out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return paper__error(PAPER_ENOTFOUND, "ledger '%s' has no account '%s'", s->path, name);
	return rc == SQLITE_ROW ? PAPER_OK : fail(s, rc, "looking up an account");
}

static int sqlite_account_count(store *s, size_t *out)
{
	int rc;
	sqlite3_stmt *st = stmt(s, SQL_COUNT_ACCOUNTS, &rc);
	if (st == NULL)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PAPER_OK : fail(s, rc, "counting accounts");
}

static int sqlite_account_name(store *s, size_t index, char *buf, size_t cap)
{
	int rc;
	sqlite3_stmt *st = stmt(s, SQL_ACCOUNT_NAME, &rc);
	if (st == NULL)
		return rc;
	sqlite3_bind_int64(st, 1, (int64_t)index);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		size_t n = name ? strlen(name) : 0;
		rc = PAPER_OK;
		if (n >= cap)
			rc = paper__error(PAPER_ERANGE, "account name '%s' needs %zu bytes, buffer has "
					  "%zu", name, n + 1, cap);
		else
			memcpy(buf, name ? name : "", n + 1);
	} else if (rc == SQLITE_DONE) {
		rc = paper__error(PAPER_ERANGE, "account index %zu out of range", index);
	} else {
		rc = fail(s, rc, "listing accounts");
	}
	sqlite3_reset(st);
	return rc;
}

/* ---- reading ---- */

typedef int (*row_fn)(const row_in *in, void *ctx);

/* Walk a statement's rows, calling row() on each; it resets the statement whatever happens. */
static int walk(store *s, sqlite3_stmt *st, row_fn row, void *ctx, const char *what)
{
	sq_in in = in_for(s, st);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int r = row(&in.base, ctx);
		if (r != PAPER_OK) {
			sqlite3_reset(st);
			return r;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PAPER_OK : fail(s, rc, what);
}

/*
 * Walk statement id for one account: its range of keys from the from-th row on, or its id or
 * name as one parameter.
 */
static int walk_from(store *s, int id, int64_t account, uint64_t from, const char *name,
		     row_fn row, void *ctx, const char *what)
{
	int rc;
	sqlite3_stmt *st = stmt(s, id, &rc);
	if (st == NULL)
		return rc;
	sq_out o = out_for(st);
	if (name)
		sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	else if (id == SQL_EACH_CONFIG || id == SQL_EACH_MARK || id == SQL_EACH_PRICE ||
		 id == SQL_EACH_FEED_HEALTH)
		o_i64(&o.base, account);
	else
		store_bind_range_from(&o.base, account, from);
	return walk(s, st, row, ctx, what);
}

static int walk_account(store *s, int id, int64_t account, const char *name, row_fn row,
			void *ctx, const char *what)
{
	return walk_from(s, id, account, 1, name, row, ctx, what);
}

typedef struct kv_walk {
	store_kv_cb cb;
	void *ctx;
} kv_walk;

static int config_row(const row_in *in, void *ctx)
{
	const kv_walk *w = ctx;
	const char *k = in->raw(in, 0), *v = in->raw(in, 1);
	if (k == NULL || v == NULL)
		return paper__error(PAPER_ECORRUPT, "ledger '%s': a config row has no key or value",
				    in->ledger);
	return w->cb(w->ctx, k, v);
}

static int sqlite_each_config(store *s, int64_t account, store_kv_cb cb, void *ctx)
{
	kv_walk w = { cb, ctx };
	return walk_account(s, SQL_EACH_CONFIG, account, NULL, config_row, &w,
			    "reading the account's config");
}

static int sqlite_each_event(store *s, int64_t account, uint64_t from_seq, store_rec_cb cb,
			     void *ctx)
{
	store_event_walk *w = store_event_walk_new(account, cb, ctx);
	int rc = walk_from(s, SQL_EACH_EVENT, account, from_seq, NULL, store_event_walk_row, w,
			   "reading the event log");
	g_free(w);
	return rc;
}

static int sqlite_each_mark(store *s, int64_t account, store_mark_cb cb, void *ctx)
{
	store_mark_walk w = { account, cb, ctx };
	return walk_account(s, SQL_EACH_MARK, account, NULL, store_mark_walk_row, &w, "reading marks");
}

static int sqlite_each_order(store *s, int64_t account, store_order_cb cb, void *ctx)
{
	store_item_walk w = { .cb.order = cb, .ctx = ctx };
	return walk_account(s, SQL_EACH_ORDER, account, NULL, store_order_walk_row, &w, "reading orders");
}

static int sqlite_each_trade(store *s, int64_t account, store_trade_cb cb, void *ctx)
{
	store_item_walk w = { .cb.trade = cb, .ctx = ctx };
	return walk_account(s, SQL_EACH_TRADE, account, NULL, store_trade_walk_row, &w, "reading trades");
}

static int seq_row(const row_in *in, void *ctx)
{
	*(uint64_t *)ctx = (uint64_t)in->i64(in, 0);
	return PAPER_OK;
}

static int sqlite_last_seq(store *s, int64_t account, uint64_t *out)
{
	*out = 0;
	return walk_account(s, SQL_LAST_EVENT, account, NULL, seq_row, out,
			    "reading the event log");
}

/* ---- decisions ---- */

static int sqlite_decision_add(store *s, const char *account, const paper_decision *d,
			       int64_t *id_out)
{
	int rc;
	sqlite3_stmt *st = stmt(s, SQL_DECISION_ADD, &rc);
	if (st == NULL)
		return rc;
	sq_out o = out_for(st);
	store_bind_decision_add(&o.base, account, d);
	if ((rc = run(s, st, "adding a decision")) != PAPER_OK)
		return rc;
	if (id_out)
		*id_out = sqlite3_last_insert_rowid(s->db);
	return PAPER_OK;
}

static int sqlite_decisions_pending(store *s, const char *account, paper_decision *out,
				    size_t cap, size_t *count, GArray *bad)
{
	int rc;
	sqlite3_stmt *st = stmt(s, SQL_DECISIONS_PENDING, &rc);
	if (st == NULL)
		return rc;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, (int64_t)cap);
	store_pending_walk w = { out, 0, bad };
	rc = walk(s, st, store_pending_walk_row, &w, "reading pending decisions");
	if (rc == PAPER_OK)
		*count = w.n;
	return rc;
}

static int sqlite_each_decision(store *s, const char *account, store_decision_cb cb, void *ctx)
{
	store_item_walk w = { .cb.decision = cb, .ctx = ctx };
	return walk_account(s, SQL_EACH_DECISION, 0, account, store_decision_walk_row, &w,
			    "reading decisions");
}

typedef struct decision_put {
	const char *account;
	const store_decision *d;
} decision_put;

static void bind_decision_put(row_out *o, const void *ctx)
{
	const decision_put *x = ctx;
	store_bind_decision_put(o, x->account, x->d);
}

static int sqlite_decision_put(store *s, const char *account, const store_decision *d)
{
	decision_put x = { account, d };
	return run_sql(s, SQL_DECISION_PUT, bind_decision_put, &x, "copying a decision");
}

static int decision_status(store *s, int64_t id, char *buf, size_t cap)
{
	int rc;
	sqlite3_stmt *st = stmt(s, SQL_DECISION_STATUS, &rc);
	if (st == NULL)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		sq_in in = in_for(s, st);
		rc = i_text(&in.base, 0, buf, cap, "a decision's status");
	} else if (rc == SQLITE_DONE) {
		rc = paper__error(PAPER_ENOTFOUND, "ledger '%s' has no decision %lld", s->path,
				  (long long)id);
	} else {
		rc = fail(s, rc, "reading a decision");
	}
	sqlite3_reset(st);
	return rc;
}

static int sqlite_decision_mark(store *s, int64_t id, paper_decision_status status,
				uint64_t order_id, paper_ts now, const char *outcome)
{
	int rc;
	sqlite3_stmt *st = stmt(s, SQL_DECISION_MARK, &rc);
	if (st == NULL)
		return rc;
	sq_out o = out_for(st);
	store_bind_decision_mark(&o.base, id, status, order_id, now, outcome);
	if ((rc = run(s, st, "marking a decision")) != PAPER_OK)
		return rc;
	if (sqlite3_changes(s->db) == 1)
		return PAPER_OK;
	char was[16];
	if ((rc = decision_status(s, id, was, sizeof was)) != PAPER_OK)
		return rc;
	return paper__error(PAPER_ESTATE, "decision %lld was already processed (%s)", (long long)id,
			    was);
}

/* ---- bookmarks ---- */

static void bind_bookmark(row_out *o, const void *ctx)
{
	store_bind_bookmark(o, ctx);
}

static int sqlite_put_bookmark(store *s, const store_bookmark *b)
{
	return run_sql(s, SQL_PUT_BOOKMARK, bind_bookmark, b, "writing a bookmark");
}

static int sqlite_get_bookmark(store *s, int64_t account, const char *name, char *buf,
			       size_t cap)
{
	int rc;
	sqlite3_stmt *st = stmt(s, SQL_GET_BOOKMARK, &rc);
	if (st == NULL)
		return rc;
	sqlite3_bind_int64(st, 1, account);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		sq_in in = in_for(s, st);
		rc = i_text(&in.base, 0, buf, cap, "a bookmark");
	} else if (rc == SQLITE_DONE) {
		rc = paper__error(PAPER_ENOTFOUND, "no bookmark '%s'", name);
	} else {
		rc = fail(s, rc, "reading a bookmark");
	}
	sqlite3_reset(st);
	return rc;
}

/* ---- account locks: one byte per account id in <ledger>-locks ---- */

static int sqlite_lock(store *s, int64_t account, const char *name, uint32_t timeout_ms,
		       store_lock **out)
{
	int fd = -1, err = 0;
	switch (filelock_acquire(s->lock_path, (uint64_t)account, timeout_ms, &fd, &err)) {
	case FILELOCK_OK:
		*out = g_new(store_lock, 1);
		(*out)->fd = fd;
		return PAPER_OK;
	case FILELOCK_BUSY:
		if (timeout_ms)
			return paper__error(PAPER_EBUSY, "account '%s' is in use by another broker "
					    "(waited %u ms)", name, timeout_ms);
		return paper__error(PAPER_EBUSY, "account '%s' is in use by another broker", name);
	default:
		return paper__error(PAPER_EIO, "cannot lock account '%s' in '%s': %s", name,
				    s->lock_path, strerror(err));
	}
}

static void sqlite_unlock(store_lock *l)
{
	if (l == NULL)
		return;
	filelock_release(l->fd);
	g_free(l);
}

/* ---- live prices and feed health ---- */

static void bind_price(row_out *o, const void *ctx)
{
	store_bind_price(o, ctx);
}

static void bind_feed_health(row_out *o, const void *ctx)
{
	store_bind_feed_health(o, ctx);
}

static int sqlite_put_price(store *s, const store_price *p)
{
	return run_sql(s, SQL_PUT_PRICE, bind_price, p, "writing a price");
}

static int sqlite_put_feed_health(store *s, const store_feed_health *h)
{
	return run_sql(s, SQL_PUT_FEED_HEALTH, bind_feed_health, h, "writing a feed's health");
}

static int sqlite_each_price(store *s, int64_t account, store_price_cb cb, void *ctx)
{
	store_price_walk w = { account, cb, ctx };
	return walk_account(s, SQL_EACH_PRICE, account, NULL, store_price_walk_row, &w,
			    "reading prices");
}

static int sqlite_each_feed_health(store *s, int64_t account, store_feed_health_cb cb, void *ctx)
{
	store_health_walk w = { account, cb, ctx };
	return walk_account(s, SQL_EACH_FEED_HEALTH, account, NULL, store_health_walk_row, &w,
			    "reading feed health");
}

const store_ops paper__store_sqlite = {
	.backend = "sqlite",
	.open = sqlite_open,
	.close = sqlite_close,
	.check_storage = sqlite_check_storage,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.append = sqlite_append,
	.put_mark = sqlite_put_mark,
	.add_account = sqlite_add_account,
	.put_config = sqlite_put_config,
	.del_config = sqlite_del_config,
	.put_bookmark = sqlite_put_bookmark,
	.find_account = sqlite_find_account,
	.account_count = sqlite_account_count,
	.account_name = sqlite_account_name,
	.each_config = sqlite_each_config,
	.each_event = sqlite_each_event,
	.each_mark = sqlite_each_mark,
	.each_order = sqlite_each_order,
	.each_trade = sqlite_each_trade,
	.last_seq = sqlite_last_seq,
	.get_bookmark = sqlite_get_bookmark,
	.decision_add = sqlite_decision_add,
	.decisions_pending = sqlite_decisions_pending,
	.decision_mark = sqlite_decision_mark,
	.each_decision = sqlite_each_decision,
	.decision_put = sqlite_decision_put,
	.lock = sqlite_lock,
	.unlock = sqlite_unlock,
	/* A file is never disconnected: .reconnect and .relock stay NULL. */
	.put_price = sqlite_put_price,
	.put_feed_health = sqlite_put_feed_health,
	.each_price = sqlite_each_price,
	.each_feed_health = sqlite_each_feed_health,
};
