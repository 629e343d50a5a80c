/*
 * The decisions inbox against hostile rows, and the bookmarks a driver keeps with its account,
 * on both backends: a row no reader can take (a symbol of 29 characters and 58 bytes, a NUL, a
 * space, a bad side) is rejected with its reason while the rows after it go on; the schema
 * refuses such rows from any writer; a ledger of schema version 1 holding them is upgraded; a
 * bookmark is stored with the events that follow it and never without them.
 *
 * `test-inbox` runs on SQLite files; `test-inbox postgresql` (under tests/pg/cluster.sh) on a
 * PostgreSQL server, each test in a new schema.
 */
#include <check.h>
#include <glib.h>
#include <paper/paper.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ledgerdb.h"
#include "ledgerutil.h"
#include "testutil.h"


/* 29 characters, 58 bytes: fits a character count of 31, not the reader's 31 bytes. */
#define WIDE "\xc3\x84\xc3\x84\xc3\x84\xc3\x84\xc3\x84\xc3\x84\xc3\x84\xc3\x84\xc3\x84\xc3\x84" \
	     "\xc3\x84\xc3\x84\xc3\x84\xc3\x84\xc3\x84\xc3\x84\xc3\x84\xc3\x84\xc3\x84\xc3\x84" \
	     "\xc3\x84\xc3\x84\xc3\x84\xc3\x84\xc3\x84\xc3\x84\xc3\x84\xc3\x84\xc3\x84"

static char *dir;
static char *path;

static void setup(void)
{
	dir = lu_tmpdir();
	path = ld_location(dir, "ledger.db");
}

static void teardown(void)
{
	lu_rmtree(dir);
	g_free(dir);
	g_free(path);
}

static paper_ledger *new_ledger(void)
{
	paper_ledger *l = lu_open(path, PAPER_DURABLE, 1);
	paper_config *cfg = lu_config("acct");
	ck_ok(paper_ledger_create_account(l, cfg));
	paper_config_free(cfg);
	return l;
}

static int64_t add(paper_ledger *l, const char *symbol, paper_ts created)
{
	paper_decision d = PAPER_DECISION_INIT;
	g_strlcpy(d.symbol, symbol, sizeof d.symbol);
	d.side = PAPER_SIDE_BUY;
	d.confidence = 0.9;
	d.created_ts = created;
	int64_t id = 0;
	ck_ok(paper_ledger_decision_add(l, "acct", &d, &id));
	return id;
}

/* A row as another program writes it, past the schema's checks (as only a ledger of an older
 * schema, or a writer that turned them off, can hold). */
static void insert_unchecked(const char *symbol_sql, const char *side, const char *confidence,
			     paper_ts created)
{
	char *sql = g_strdup_printf("INSERT INTO decisions (account, created_ts, symbol, side, "
				    "confidence) VALUES ('acct', %lld, %s, '%s', %s)",
				    (long long)created, symbol_sql, side, confidence);
	if (ld_pg()) {
		ld_sql(path, "ALTER TABLE decisions DROP CONSTRAINT IF EXISTS decisions_symbol_check;"
			     "ALTER TABLE decisions DROP CONSTRAINT IF EXISTS decisions_side_check;"
			     "ALTER TABLE decisions DROP CONSTRAINT IF EXISTS "
			     "decisions_confidence_check");
		ld_sql(path, sql);
	} else {
		char *all = g_strdup_printf("PRAGMA ignore_check_constraints = ON; %s", sql);
		ld_sql(path, all);
		g_free(all);
	}
	g_free(sql);
}

static size_t pending(paper_ledger *l, paper_decision *out, size_t cap)
{
	for (size_t i = 0; i < cap; i++)
		out[i] = (paper_decision)PAPER_DECISION_INIT;
	size_t n = 99;
	ck_ok(paper_ledger_decisions_pending(l, "acct", out, cap, &n));
	return n;
}

/* status|outcome of decision id */
static char *row_of(int64_t id)
{
	char *q = g_strdup_printf("SELECT status, outcome, CASE WHEN processed_ts IS NULL THEN 0 "
				  "ELSE 1 END FROM decisions WHERE id = %lld", (long long)id);
	char *rows = ld_sql_rows(path, q);
	g_free(q);
	return rows;
}

static void assert_rejected(int64_t id, const char *why)
{
	char *rows = row_of(id);
	ck_assert_msg(g_str_has_prefix(rows, "rejected|") && strstr(rows, why) &&
			      g_str_has_suffix(rows, "|1\n"),
		      "decision %lld: '%s', want rejected with '%s'", (long long)id, rows, why);
	g_free(rows);
}

START_TEST(bad_rows_are_rejected_and_the_rest_go_on)
{
	paper_ledger *l = new_ledger();
	int64_t good1 = add(l, "AAPL", T0);
	/* Bad rows older than the good ones after them: they must not hold those up. */
	insert_unchecked("'" WIDE "'", "buy", "0.5", T0 + 1);
	insert_unchecked("'AB CD'", "buy", "0.5", T0 + 2);
	insert_unchecked("'MSFT'", "hold", "0.5", T0 + 3);
	insert_unchecked("'MSFT'", "sell", "7", T0 + 4);
	insert_unchecked("'" "\x1b" "[2J'", "buy", "0.5", T0 + 5);
	if (!ld_pg()) /* a server's text cannot hold a NUL */
		insert_unchecked("'AB' || char(0) || 'C'", "buy", "0.5", T0 + 6);
	int64_t good2 = add(l, "BTC-USD", T0 + 10);
	int64_t bad_first = good1 + 1, bad_last = good2 - 1;

	/* Read-only: skipped, left as they are. */
	paper_ledger_options ro = PAPER_LEDGER_OPTIONS_INIT;
	ro.read_only = true;
	paper_ledger *r = NULL;
	ck_ok(paper_ledger_open(&r, path, &ro));
	paper_decision out[4];
	for (int i = 0; i < 4; i++)
		out[i] = (paper_decision)PAPER_DECISION_INIT;
	size_t n = 0;
	ck_ok(paper_ledger_decisions_pending(r, "acct", out, 4, &n));
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(out[0].id, good1);
	paper_ledger_close(r);
	ck_assert_int_eq(ld_sql_int(path, "SELECT count(*) FROM decisions WHERE status = "
				    "'pending'"), bad_last - bad_first + 3);

	/* One slot, the bad rows in between: the fetch rejects them and still finds the next. */
	ck_assert_uint_eq(pending(l, out, 1), 1);
	ck_assert_int_eq(out[0].id, good1);
	ck_ok(paper_ledger_decision_mark(l, good1, PAPER_DECISION_EXECUTED, 1));
	ck_assert_uint_eq(pending(l, out, 1), 1);
	ck_assert_int_eq(out[0].id, good2);
	ck_assert_str_eq(out[0].symbol, "BTC-USD");
	ck_assert_uint_eq(pending(l, out, 4), 1);

	assert_rejected(bad_first, "the symbol is 58 bytes long (at most 31)");
	assert_rejected(bad_first + 1, "the symbol 'AB?CD' is not 1 to 31 bytes");
	assert_rejected(bad_first + 2, "side 'hold' is not buy or sell");
	assert_rejected(bad_first + 3, "confidence 7 is not in [0, 1]");
	assert_rejected(bad_first + 4, "the symbol '?[2J' is not");
	if (!ld_pg())
		assert_rejected(bad_last, "the symbol holds a NUL byte");
	/* No raw control byte reached the stored reasons. */
	ck_assert_int_eq(ld_sql_int(path, ld_dialect(
		"SELECT count(*) FROM decisions WHERE instr(outcome, char(27)) > 0",
		"SELECT count(*) FROM decisions WHERE strpos(outcome, chr(27)) > 0")), 0);
	paper_ledger_close(l);
}
END_TEST

START_TEST(schema_refuses_what_the_reader_cannot_take)
{
	paper_ledger *l = new_ledger();
	char err[512];
	const char *bad[] = { "'" WIDE "'", "'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'", "''", "'AB CD'",
			      "'A;B'", ld_dialect("'AB' || char(0) || 'C'", "'AB' || chr(1)") };
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		char *sql = g_strdup_printf("INSERT INTO decisions (account, symbol, side, confidence)"
					    " VALUES ('acct', %s, 'buy', 0.5)", bad[i]);
		ck_assert_msg(!ld_sql_try(path, sql, err, sizeof err), "%s was accepted", bad[i]);
		g_free(sql);
	}
	/* 31 bytes of every allowed character is fine. */
	ld_sql(path, "INSERT INTO decisions (account, symbol, side, confidence) VALUES ('acct', "
		     "'AZaz09._/:^=-BRK.B-USD/EUR:X^Y=', 'buy', 0.5)");
	paper_decision out[2];
	ck_assert_uint_eq(pending(l, out, 2), 1);
	ck_assert_str_eq(out[0].symbol, "AZaz09._/:^=-BRK.B-USD/EUR:X^Y=");
	paper_ledger_close(l);
}
END_TEST

/* Turn a new ledger back into schema version 1, as libpaper 1.0 wrote it. */
static void downgrade_to_v1(void)
{
	ld_downgrade_to_v2(path);
	if (ld_pg()) {
		ld_sql(path, "DROP TABLE bookmarks; ALTER TABLE decisions DROP COLUMN outcome;"
			     "ALTER TABLE decisions DROP CONSTRAINT decisions_symbol_check;"
			     "ALTER TABLE decisions ADD CONSTRAINT decisions_symbol_check CHECK "
			     "(length(symbol) BETWEEN 1 AND 31);"
			     "UPDATE meta SET value = '1' WHERE key = 'schema_version'");
		return;
	}
	ld_sql(path, "DROP TABLE bookmarks; DROP TABLE decisions;"
		     "CREATE TABLE decisions ("
		     " id INTEGER PRIMARY KEY,"
		     " account TEXT NOT NULL REFERENCES accounts (name),"
		     " created_ts INTEGER NOT NULL"
		     "  DEFAULT (CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER)),"
		     " symbol TEXT NOT NULL CHECK (length(symbol) BETWEEN 1 AND 31),"
		     " side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),"
		     " confidence REAL NOT NULL CHECK (confidence BETWEEN 0 AND 1),"
		     " reasoning TEXT NOT NULL DEFAULT '',"
		     " take_profit REAL NOT NULL DEFAULT 0 CHECK (take_profit >= 0),"
		     " stop_loss REAL NOT NULL DEFAULT 0 CHECK (stop_loss >= 0),"
		     " status TEXT NOT NULL DEFAULT 'pending'"
		     "  CHECK (status IN ('pending', 'executed', 'skipped', 'rejected')),"
		     " order_id INTEGER NOT NULL DEFAULT 0,"
		     " processed_ts INTEGER,"
		     " paper INTEGER NOT NULL DEFAULT 1 CHECK (paper = 1));"
		     "CREATE INDEX decisions_pending ON decisions (account, status, created_ts, id);"
		     "CREATE TRIGGER decisions_kept BEFORE DELETE ON decisions"
		     " BEGIN SELECT RAISE(ABORT, 'paper decisions are marked, never deleted'); END;"
		     "PRAGMA user_version = 1");
}

START_TEST(version_1_ledger_is_upgraded)
{
	paper_ledger *l = new_ledger();
	paper_ledger_close(l);
	downgrade_to_v1();
	/* What 1.0's schema let in: 29 characters are 58 bytes. */
	ld_sql(path, "INSERT INTO decisions (account, created_ts, symbol, side, confidence, status,"
		     " order_id, processed_ts) VALUES ('acct', 1, 'AAPL', 'buy', 0.9, 'executed', "
		     "7, 5), ('acct', 2, '" WIDE "', 'buy', 0.9, 'pending', 0, NULL), ('acct', 3, "
		     "'MSFT', 'sell', 0.4, 'pending', 0, NULL)");
	char *before = ld_sql_rows(path, "SELECT id, account, created_ts, side, confidence, "
				   "reasoning, take_profit, stop_loss, order_id FROM decisions "
				   "ORDER BY id");
	l = lu_open(path, PAPER_DURABLE, 1);
	paper_decision out[4];
	ck_assert_uint_eq(pending(l, out, 4), 1);
	ck_assert_str_eq(out[0].symbol, "MSFT");
	assert_rejected(2, "the symbol is not 1 to 31 bytes");
	char *after = ld_sql_rows(path, "SELECT id, account, created_ts, side, confidence, "
				  "reasoning, take_profit, stop_loss, order_id FROM decisions "
				  "ORDER BY id");
	ck_assert_str_eq(after, before);
	char *kept = row_of(1);
	ck_assert_str_eq(kept, "executed||1\n");
	ck_assert_int_eq(ld_schema_version(path), LD_SCHEMA_VERSION);
	/* The upgraded table still keeps its rows and checks new ones. */
	char err[512];
	ck_assert(!ld_sql_try(path, "DELETE FROM decisions", err, sizeof err));
	ck_assert(!ld_sql_try(path, "INSERT INTO decisions (account, symbol, side, confidence) "
			      "VALUES ('acct', '" WIDE "', 'buy', 0.5)", err, sizeof err));
	ck_ok(paper_ledger_bookmark_set(l, "acct", "x", "y"));
	ck_ok(paper_ledger_flush(l));
	paper_ledger_close(l);
	g_free(kept);
	g_free(before);
	g_free(after);
}
END_TEST

static void on_outcome(const char *outcome, uint64_t count, void *payload)
{
	g_string_append_printf(payload, "%s=%llu;", outcome, (unsigned long long)count);
}

/* Refused decisions are counted, by status, with their reasons, the most frequent first. */
START_TEST(decisions_counted_with_reasons)
{
	paper_ledger *l = new_ledger();
	paper_config *cfg = lu_config("other");
	ck_ok(paper_ledger_create_account(l, cfg));
	paper_config_free(cfg);
	paper_decision_counts c = PAPER_DECISION_COUNTS_INIT;
	ck_ok(paper_ledger_decision_counts(l, "acct", &c));
	ck_assert(c.pending == 0 && c.executed == 0 && c.skipped == 0 && c.rejected == 0);

	static const struct { paper_decision_status status; const char *why; } marks[] = {
		{ PAPER_DECISION_REJECTED, "symbol_not_allowed (limits.allowed_symbols)" },
		{ PAPER_DECISION_REJECTED, "max_open_positions (limits.max_open_positions)" },
		{ PAPER_DECISION_REJECTED, "symbol_not_allowed (limits.allowed_symbols)" },
		{ PAPER_DECISION_REJECTED, NULL },
		{ PAPER_DECISION_SKIPPED, "low_confidence (0.30 < 0.60)" },
		{ PAPER_DECISION_EXECUTED, NULL },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(marks); i++) {
		int64_t id = add(l, "AAPL", T0 + (paper_ts)i);
		ck_ok(paper_ledger_decision_mark_outcome(l, id, marks[i].status,
							 marks[i].status == PAPER_DECISION_EXECUTED,
							 marks[i].why));
	}
	add(l, "MSFT", T0 + 10); /* pending */
	paper_decision d = PAPER_DECISION_INIT;
	g_strlcpy(d.symbol, "AAPL", sizeof d.symbol);
	d.side = PAPER_SIDE_SELL;
	d.confidence = 0.5;
	int64_t other = 0;
	ck_ok(paper_ledger_decision_add(l, "other", &d, &other));
	ck_ok(paper_ledger_decision_mark_outcome(l, other, PAPER_DECISION_REJECTED, 0, "elsewhere"));

	ck_ok(paper_ledger_decision_counts(l, "acct", &c));
	ck_assert_uint_eq(c.pending, 1);
	ck_assert_uint_eq(c.executed, 1);
	ck_assert_uint_eq(c.skipped, 1);
	ck_assert_uint_eq(c.rejected, 4);
	GString *got = g_string_new(NULL);
	ck_ok(paper_ledger_decision_outcomes(l, "acct", PAPER_DECISION_REJECTED, on_outcome, got));
	ck_assert_str_eq(got->str, "symbol_not_allowed (limits.allowed_symbols)=2;=1;"
			 "max_open_positions (limits.max_open_positions)=1;");
	g_string_truncate(got, 0);
	ck_ok(paper_ledger_decision_outcomes(l, "acct", PAPER_DECISION_SKIPPED, on_outcome, got));
	ck_assert_str_eq(got->str, "low_confidence (0.30 < 0.60)=1;");
	g_string_truncate(got, 0);
	ck_ok(paper_ledger_decision_outcomes(l, "other", PAPER_DECISION_REJECTED, on_outcome, got));
	ck_assert_str_eq(got->str, "elsewhere=1;");
	g_string_free(got, TRUE);

	ck_assert_int_eq(paper_ledger_decision_counts(l, "nobody", &c), PAPER_ENOTFOUND);
	ck_assert_int_eq(paper_ledger_decision_outcomes(l, "nobody", PAPER_DECISION_REJECTED,
							on_outcome, NULL), PAPER_ENOTFOUND);
	ck_assert_int_eq(paper_ledger_decision_outcomes(l, "acct", (paper_decision_status)42,
							on_outcome, NULL), PAPER_EINVAL);
	ck_assert_int_eq(paper_ledger_decision_outcomes(l, "acct", PAPER_DECISION_REJECTED, NULL,
							NULL), PAPER_EINVAL);
	c.version = 99;
	ck_assert_int_eq(paper_ledger_decision_counts(l, "acct", &c), PAPER_EVERSION);
	ck_assert_int_eq(paper_ledger_decision_counts(l, "acct", NULL), PAPER_EINVAL);
	paper_ledger_close(l);
}
END_TEST

static int on_record(const paper_decision_record *r, void *payload)
{
	ck_assert_uint_eq(r->version, PAPER_DECISION_RECORD_VERSION);
	ck_assert_uint_eq(r->decision.version, PAPER_DECISION_VERSION);
	g_string_append_printf(payload, "%lld %s %d %s %d %s;", (long long)(r->decision.created_ts - T0),
			       r->decision.symbol, (int)r->decision.status, r->outcome,
			       r->readable, r->processed_ts ? "marked" : "-");
	return 0;
}

static int copy_decision(const paper_decision_record *r, void *payload)
{
	*(paper_decision *)payload = r->decision;
	return 0;
}

static int stop_at_second(const paper_decision_record *r, void *payload)
{
	int *seen = payload;
	(void)r;
	return ++*seen == 2 ? 42 : 0;
}

/* Every decision of an account, whatever became of it, in the order added, and filtered. */
START_TEST(decisions_listed_whatever_became_of_them)
{
	paper_ledger *l = new_ledger();
	paper_config *cfg = lu_config("other");
	ck_ok(paper_ledger_create_account(l, cfg));
	paper_config_free(cfg);
	int64_t a = add(l, "AAPL", T0 + 30);  /* added first, created last but one */
	int64_t b = add(l, "MSFT", T0 + 10);
	int64_t c = add(l, "SPY", T0 + 20);
	add(l, "QQQ", T0 + 40);               /* pending */
	insert_unchecked("'TSLA'", "hold", "0.5", T0 + 50); /* pending, no reader can take it */
	paper_decision d = PAPER_DECISION_INIT;
	g_strlcpy(d.symbol, "AAPL", sizeof d.symbol);
	d.side = PAPER_SIDE_BUY;
	d.confidence = 0.5;
	d.risk = 0.25;
	d.current_price = 187.5;
	d.take_profit = 200;
	d.created_ts = T0 + 25;
	int64_t other = 0;
	ck_ok(paper_ledger_decision_add(l, "other", &d, &other));
	ck_ok(paper_ledger_decision_mark_outcome(l, a, PAPER_DECISION_EXECUTED, 7, "entry: order 7"));
	ck_ok(paper_ledger_decision_mark_outcome(l, b, PAPER_DECISION_REJECTED, 0,
						 "max_open_positions (limits.max_open_positions)"));
	ck_ok(paper_ledger_decision_mark_outcome(l, c, PAPER_DECISION_SKIPPED, 0, NULL));

	GString *got = g_string_new(NULL);
	ck_ok(paper_ledger_each_decision(l, "acct", NULL, on_record, got));
	ck_assert_str_eq(got->str, "30 AAPL 1 entry: order 7 1 marked;"
			 "10 MSFT 3 max_open_positions (limits.max_open_positions) 1 marked;"
			 "20 SPY 2  1 marked;40 QQQ 0  1 -;"
			 "50 TSLA 3 side 'hold' is not buy or sell 0 -;");
	/* Listing changes nothing: the unreadable row is still pending until a reader marks it. */
	ck_assert_int_eq(ld_sql_int(path, "SELECT count(*) FROM decisions WHERE account = "
				    "'acct' AND status = 'pending'"), 2);
	paper_decision_filter f = PAPER_DECISION_FILTER_INIT;
	f.from = T0 + 20;
	f.to = T0 + 40;
	g_string_truncate(got, 0);
	ck_ok(paper_ledger_each_decision(l, "acct", &f, on_record, got));
	ck_assert_str_eq(got->str, "30 AAPL 1 entry: order 7 1 marked;20 SPY 2  1 marked;");
	f = (paper_decision_filter)PAPER_DECISION_FILTER_INIT;
	f.status = PAPER_DECISION_REJECTED;
	g_string_truncate(got, 0);
	ck_ok(paper_ledger_each_decision(l, "acct", &f, on_record, got));
	ck_assert_str_eq(got->str, "10 MSFT 3 max_open_positions (limits.max_open_positions) 1 marked;"
			 "50 TSLA 3 side 'hold' is not buy or sell 0 -;");

	/* Another account's decisions, every field of version 2. */
	paper_decision seen = PAPER_DECISION_INIT;
	ck_ok(paper_ledger_each_decision(l, "other", NULL, copy_decision, &seen));
	ck_assert(seen.id == other && strcmp(seen.symbol, "AAPL") == 0 &&
		  seen.side == PAPER_SIDE_BUY && seen.confidence == 0.5 && seen.risk == 0.25 &&
		  seen.current_price == 187.5 && seen.take_profit == 200 && seen.stop_loss == 0 &&
		  seen.created_ts == T0 + 25 && seen.status == PAPER_DECISION_PENDING);
	int n = 0;
	ck_assert_int_eq(paper_ledger_each_decision(l, "acct", NULL, stop_at_second, &n), 42);
	ck_assert_int_eq(n, 2);

	ck_assert_int_eq(paper_ledger_each_decision(l, "nobody", NULL, on_record, got),
			 PAPER_ENOTFOUND);
	ck_assert_int_eq(paper_ledger_each_decision(l, "acct", NULL, NULL, NULL), PAPER_EINVAL);
	ck_assert_int_eq(paper_ledger_each_decision(NULL, "acct", NULL, on_record, got),
			 PAPER_EINVAL);
	f = (paper_decision_filter)PAPER_DECISION_FILTER_INIT;
	f.status = 4;
	ck_assert_int_eq(paper_ledger_each_decision(l, "acct", &f, on_record, got), PAPER_EINVAL);
	f.status = -2;
	ck_assert_int_eq(paper_ledger_each_decision(l, "acct", &f, on_record, got), PAPER_EINVAL);
	f = (paper_decision_filter)PAPER_DECISION_FILTER_INIT;
	f.from = T0 + 2;
	f.to = T0 + 1;
	ck_assert_int_eq(paper_ledger_each_decision(l, "acct", &f, on_record, got), PAPER_EINVAL);
	f.to = 0;
	f.from = -1;
	ck_assert_int_eq(paper_ledger_each_decision(l, "acct", &f, on_record, got), PAPER_EINVAL);
	f = (paper_decision_filter)PAPER_DECISION_FILTER_INIT;
	f.version = 9;
	ck_assert_int_eq(paper_ledger_each_decision(l, "acct", &f, on_record, got), PAPER_EVERSION);
	g_string_free(got, TRUE);
	paper_ledger_close(l);
}
END_TEST

START_TEST(outcome_is_kept_clean)
{
	paper_ledger *l = new_ledger();
	int64_t a = add(l, "AAPL", T0), b = add(l, "MSFT", T0 + 1), c = add(l, "SPY", T0 + 2);
	ck_ok(paper_ledger_decision_mark_outcome(l, a, PAPER_DECISION_SKIPPED, 0,
						 "low_confidence (0.30 < 0.60)"));
	char long_text[600];
	memset(long_text, 'x', sizeof long_text - 1);
	long_text[sizeof long_text - 1] = '\0';
	memcpy(long_text, "line\nfeed\x1b[31m\xff", 15);
	ck_ok(paper_ledger_decision_mark_outcome(l, b, PAPER_DECISION_REJECTED, 0, long_text));
	ck_ok(paper_ledger_decision_mark_outcome(l, c, PAPER_DECISION_EXECUTED, 3, NULL));
	ck_assert_int_eq(paper_ledger_decision_mark_outcome(l, c, PAPER_DECISION_SKIPPED, 0, "x"),
			 PAPER_ESTATE);
	char *rows = row_of(a);
	ck_assert_str_eq(rows, "skipped|low_confidence (0.30 < 0.60)|1\n");
	g_free(rows);
	rows = ld_sql_rows(path, ld_dialect(
		"SELECT length(CAST(outcome AS BLOB)), substr(outcome, 1, 15) FROM decisions "
		"WHERE id = 2", "SELECT octet_length(outcome), substr(outcome, 1, 15) FROM decisions "
		"WHERE id = 2"));
	ck_assert_str_eq(rows, "255|line feed [31m\xef\xbf\xbd\n");
	g_free(rows);
	rows = row_of(c);
	ck_assert_str_eq(rows, "executed||1\n");
	g_free(rows);
	paper_ledger_close(l);
}
END_TEST

/* ---- bookmarks ---- */

START_TEST(bookmark_arguments)
{
	paper_ledger *l = new_ledger();
	char buf[PAPER_BOOKMARK_VALUE_MAX + 1], big[PAPER_BOOKMARK_VALUE_MAX + 2];
	ck_assert_int_eq(paper_ledger_bookmark_get(l, "acct", "run", buf, sizeof buf),
			 PAPER_ENOTFOUND);
	ck_ok(paper_ledger_bookmark_set(l, "acct", "run.prices-1:x_y", "1 23 2 /tmp/x"));
	ck_ok(paper_ledger_bookmark_get(l, "acct", "run.prices-1:x_y", buf, sizeof buf));
	ck_assert_str_eq(buf, "1 23 2 /tmp/x");
	ck_assert_int_eq(paper_ledger_bookmark_get(l, "acct", "run.prices-1:x_y", buf, 5),
			 PAPER_ERANGE);
	ck_assert_int_eq(paper_ledger_bookmark_set(l, "nobody", "run", "v"), PAPER_ENOTFOUND);
	ck_assert_int_eq(paper_ledger_bookmark_get(l, "nobody", "run", buf, sizeof buf),
			 PAPER_ENOTFOUND);
	const char *names[] = { "", "a b", "a/b", "x\n", "\xc3\x84",
				"0123456789012345678901234567890123456789012345678901234567890123x" };
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		ck_assert_int_eq(paper_ledger_bookmark_set(l, "acct", names[i], "v"), PAPER_EINVAL);
	ck_assert_int_eq(paper_ledger_bookmark_set(l, "acct", NULL, "v"), PAPER_EINVAL);
	ck_assert_int_eq(paper_ledger_bookmark_set(l, "acct", "run", NULL), PAPER_EINVAL);
	ck_assert_int_eq(paper_ledger_bookmark_set(l, "acct", "run", "\xff"), PAPER_EINVAL);
	memset(big, 'v', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	ck_assert_int_eq(paper_ledger_bookmark_set(l, "acct", "run", big), PAPER_EINVAL);
	big[PAPER_BOOKMARK_VALUE_MAX] = '\0';
	ck_ok(paper_ledger_bookmark_set(l, "acct", "run", big));
	ck_ok(paper_ledger_flush(l));
	paper_ledger_close(l);

	paper_ledger_options ro = PAPER_LEDGER_OPTIONS_INIT;
	ro.read_only = true;
	ck_ok(paper_ledger_open(&l, path, &ro));
	ck_ok(paper_ledger_bookmark_get(l, "acct", "run", buf, sizeof buf));
	ck_assert_str_eq(buf, big);
	ck_assert_int_eq(paper_ledger_bookmark_set(l, "acct", "run", "v"), PAPER_ESTATE);
	paper_ledger_close(l);
}
END_TEST

typedef struct crash_arg {
	bool with_event;
} crash_arg;

/*
 * In a child: prices that cause no event, then a bookmark, then (or not) an order, then death
 * without closing anything, as kill -9 would leave it.
 */
static int feed_and_die(void *p)
{
	const crash_arg *a = p;
	paper_ledger *l = NULL;
	paper_broker *b = NULL;
	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
	if (paper_ledger_open(&l, path, &o) != PAPER_OK ||
	    paper_ledger_open_broker(l, "acct", &b) != PAPER_OK)
		return 1;
	for (int i = 0; i < 50; i++)
		if (paper_broker_on_quote(b, i % 2 ? "AAA" : "BBB", T0 + i, 10 + i, 10 + i,
					  10 + i) != PAPER_OK)
			return 2;
	if (paper_ledger_bookmark_set(l, "acct", "feed", "after 50 prices") != PAPER_OK)
		return 3;
	if (a->with_event) {
		paper_order_request r = PAPER_ORDER_REQUEST_INIT;
		r.symbol = "AAA";
		r.side = PAPER_SIDE_BUY;
		r.qty = 1;
		if (paper_broker_submit(b, &r, NULL) != PAPER_OK)
			return 4;
	}
	_exit(0);
}

static int run_child(crash_arg *a)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(feed_and_die(a));
	int status = 0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child failed: 0x%x", status);
	return status;
}

START_TEST(bookmark_is_stored_with_the_next_event)
{
	paper_ledger *l = new_ledger();
	paper_ledger_close(l);
	crash_arg no_event = { false }, event = { true };
	char buf[64];

	/* Set, then killed before any commit: not stored (nothing it covers was either). */
	run_child(&no_event);
	l = lu_open(path, PAPER_DURABLE, 1);
	ck_assert_int_eq(paper_ledger_bookmark_get(l, "acct", "feed", buf, sizeof buf),
			 PAPER_ENOTFOUND);
	paper_ledger_close(l);

	/* Set, then an order: stored with it, and with the prices fed before it, which caused
	 * no event and live only in the marks. */
	ld_sql(path, "DELETE FROM marks");
	run_child(&event);
	l = lu_open(path, PAPER_DURABLE, 1);
	ck_ok(paper_ledger_bookmark_get(l, "acct", "feed", buf, sizeof buf));
	ck_assert_str_eq(buf, "after 50 prices");
	char *marks = ld_sql_rows(path, "SELECT symbol, ts - 1700000000000000, price_e8 / 100000000 "
				  "FROM marks ORDER BY symbol");
	ck_assert_str_eq(marks, "AAA|49|59\nBBB|48|58\n");
	g_free(marks);
	paper_broker *b = NULL;
	ck_ok(paper_ledger_open_broker(l, "acct", &b));
	paper_account_info ai = PAPER_ACCOUNT_INFO_INIT;
	ck_ok(paper_broker_account(b, &ai));
	ck_assert_int_eq(ai.ts, T0 + 49);
	ck_assert_uint_eq(ai.open_orders, 1);
	paper_broker_free(b);
	paper_ledger_close(l);
}
END_TEST

static Suite *inbox_suite(void)
{
	Suite *s = suite_create("inbox");
	TCase *tc = tcase_create("decisions");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, bad_rows_are_rejected_and_the_rest_go_on);
	tcase_add_test(tc, schema_refuses_what_the_reader_cannot_take);
	tcase_add_test(tc, version_1_ledger_is_upgraded);
	tcase_add_test(tc, outcome_is_kept_clean);
	tcase_add_test(tc, decisions_counted_with_reasons);
	tcase_add_test(tc, decisions_listed_whatever_became_of_them);
	suite_add_tcase(s, tc);
	tc = tcase_create("bookmarks");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, bookmark_arguments);
	tcase_add_test(tc, bookmark_is_stored_with_the_next_event);
	suite_add_tcase(s, tc);
	return s;
}

/* `test-inbox` on SQLite files; `test-inbox postgresql` on the server in PAPER_TEST_PG. */
int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "postgresql") == 0 && !ld_use_postgresql())
		return 77;
	return tu_run(inbox_suite());
}
