/*
 * Hostile input against the promises of docs/security.md, through the public API: a ledger
 * someone else edited (a live URL, a stored password), passwords
 * on their way to every output, a state.json that chooses where we write, control characters
 * at every entry point that takes text, and spreadsheet formulas in every CSV written.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ledgerdb.h"
#include "ledgerutil.h"

static char *dir;
static char *path;

static void setup(void)
{
	dir = lu_tmpdir();
	path = g_build_filename(dir, "ledger.db", NULL);
}

static void teardown(void)
{
	lu_rmtree(dir);
	g_free(dir);
	g_free(path);
}

static char *slurp(const char *file)
{
	char *text = NULL;
	ck_assert_msg(g_file_get_contents(file, &text, NULL, NULL), "cannot read %s", file);
	return text;
}

static char *in_dir(const char *name)
{
	return g_build_filename(dir, name, NULL);
}

static bool has_control_byte(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return true;
	return false;
}

/* A ledger at path holding account "acct" created from cfg (freed). */
static void ledger_with(paper_config *cfg)
{
	paper_ledger *l = lu_open(path, PAPER_DURABLE, 1);
	ck_ok(paper_ledger_create_account(l, cfg));
	paper_config_free(cfg);
	paper_ledger_close(l);
}

/* ---- paper only: a live URL written into a ledger's stored config ---- */

START_TEST(stored_config_with_a_bypass_url_is_refused)
{
	static const char *const urls[] = {
		"https://paper-api.alpaca.markets:443@api.alpaca.markets/v2",
		"https://paper-api.alpaca.markets:@api.alpaca.markets",
		"https://paper-api.alpaca.markets:0",
		"https://paper-api.alpaca.markets:99999",
		"HTTPS://API.ALPACA.MARKETS.",
		"https://api%2ealpaca.markets",
		"https://paper-api.alpaca.markets#\x1b[2K",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(urls); i++) {
		ledger_with(lu_config("acct"));
		char *sql = g_strdup_printf("UPDATE configs SET value = '%s' WHERE key = "
					    "'connection.alpaca_base_url'", urls[i]);
		ld_sql(path, sql);
		g_free(sql);
		paper_ledger *l = lu_open(path, PAPER_DURABLE, 1);
		paper_broker *b = NULL;
		paper_config *cfg = NULL;
		ck_assert_int_eq(paper_ledger_open_broker(l, "acct", &b), PAPER_ESAFETY);
		ck_assert_int_eq(paper_ledger_load_broker(l, "acct", &b), PAPER_ESAFETY);
		ck_assert_int_eq(paper_ledger_account_config(l, "acct", &cfg), PAPER_ESAFETY);
		ck_assert_ptr_null(b);
		ck_assert_ptr_null(cfg);
		ck_assert_msg(strstr(paper_last_error(), "stored config is refused") &&
			      !has_control_byte(paper_last_error()), "%s", paper_last_error());
		paper_ledger_close(l);
		g_unlink(path);
	}
}
END_TEST

/* ---- secrets: a password in ledger.location never leaves the process ---- */

static const char secret_location[] =
	"POSTGRESQL://trader:s3cret-pw@db1.example/paper?sslpassword=s3cret-ssl&PassWord=s3cret-q";

static void assert_no_secret(const char *text, const char *where)
{
	ck_assert_msg(strstr(text, "s3cret") == NULL, "%s shows a password: %s", where, text);
}

START_TEST(location_redaction_rules)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "postgresql://u:pw@h/db", "postgresql://u:***@h/db" },
		{ "POSTGRESQL://u:pw@h/db", "POSTGRESQL://u:***@h/db" },
		{ "PostgreS://u:pw@h:5432/db", "PostgreS://u:***@h:5432/db" },
		{ "postgresql://u:p@ss@h/db", "postgresql://u:***@h/db" },
		{ "postgresql://u:@h/db", "postgresql://u:***@h/db" },
		{ "postgresql://u@h/db?password=pw&sslmode=require",
		  "postgresql://u@h/db?password=***&sslmode=require" },
		{ "postgresql:///db?host=/run&PASSWORD=pw&Sslpassword=k",
		  "postgresql:///db?host=/run&PASSWORD=***&Sslpassword=***" },
		{ "postgresql:///db?pass%77ord=pw", "postgresql:///db?pass%77ord=***" },
		{ "postgresql://h?password=pw@x", "postgresql://h?password=***@x" },
		{ "host=h password=pw dbname=d", "host=h password=*** dbname=d" },
		{ "host=h PASSWORD = 'p w\\' x' dbname=d", "host=h PASSWORD = *** dbname=d" },
		{ "Host=h sslpassword=pw", "Host=h sslpassword=***" },
		{ "/var/lib/paper/ledger.db", "/var/lib/paper/ledger.db" },
		{ "password.db", "password.db" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char buf[256];
		size_t len = 0;
		ck_ok(paper_ledger_location_redact(cases[i].in, buf, sizeof buf, &len));
		ck_assert_msg(strcmp(buf, cases[i].out) == 0, "%s -> %s", cases[i].in, buf);
		ck_assert_uint_eq(len, strlen(cases[i].out));
	}
	/* The length without a buffer, and a buffer too small: cut, NUL-terminated. */
	size_t len = 0;
	ck_ok(paper_ledger_location_redact("postgresql://u:pw@h/db", NULL, 0, &len));
	ck_assert_uint_eq(len, strlen("postgresql://u:***@h/db"));
	char small[8];
	ck_ok(paper_ledger_location_redact("postgresql://u:pw@h/db", small, sizeof small, NULL));
	ck_assert_str_eq(small, "postgre");
	ck_assert_int_eq(paper_ledger_location_redact(NULL, small, sizeof small, NULL), PAPER_EINVAL);
	ck_assert_int_eq(paper_ledger_location_redact("x", NULL, 4, NULL), PAPER_EINVAL);
}
END_TEST

/* An upper-case scheme names a server, not a file called "POSTGRESQL:": nothing is created
 * here, and the message shows no password. */
START_TEST(upper_case_scheme_is_not_a_file)
{
	char *cwd = g_get_current_dir();
	ck_assert_int_eq(chdir(dir), 0);
	paper_ledger *l = NULL;
	int rc = paper_ledger_open(&l, "POSTGRESQL://u:s3cret@/db?host=/nonexistent", NULL);
	ck_assert_ptr_null(l);
#ifdef PAPER_TEST_HAVE_PG
	ck_assert_int_eq(rc, PAPER_EIO);
#else
	ck_assert_int_eq(rc, PAPER_EUNSUPPORTED);
#endif
	assert_no_secret(paper_last_error(), "the open error");
	GDir *d = g_dir_open(".", 0, NULL);
	ck_assert_ptr_null(g_dir_read_name(d));
	g_dir_close(d);
	ck_assert_int_eq(chdir(cwd), 0);
	g_free(cwd);
}
END_TEST

START_TEST(password_is_never_stored_exported_or_summarised)
{
	paper_config *cfg = lu_config("acct");
	ck_ok(paper_config_set(cfg, "ledger.location", secret_location));
	ledger_with(cfg);
	char *rows = ld_sql_rows(path, "SELECT value FROM configs WHERE key = 'ledger.location'");
	assert_no_secret(rows, "the stored config");
	ck_assert_ptr_nonnull(strstr(rows, "POSTGRESQL://trader:***@db1.example/paper"));
	g_free(rows);

	paper_ledger *l = lu_open(path, PAPER_DURABLE, 1);
	paper_broker *b = NULL;
	ck_ok(paper_ledger_open_broker(l, "acct", &b));
	ck_ok(paper_broker_on_quote(b, "AAA", T0, 9.9, 10.1, 10));
	ck_ok(paper_broker_snapshot(b));
	paper_broker_free(b);
	char *out = in_dir("export");
	ck_ok(paper_ledger_export(l, "acct", out, PAPER_EXPORT_ALL));
	char *state_path = g_build_filename(out, "state.json", NULL);
	char *state = slurp(state_path);
	assert_no_secret(state, "state.json");
	ck_assert_ptr_nonnull(strstr(state, "trader:***@"));
	g_free(state);

	/* A ledger written before: its stored password is read back redacted everywhere. */
	ld_sql(path, "UPDATE configs SET value = 'postgresql://u:s3cret-old@h/db' WHERE key = "
	       "'ledger.location'");
	paper_config *back = NULL;
	ck_ok(paper_ledger_account_config(l, "acct", &back));
	char text[256];
	ck_ok(paper_config_get_string(back, "ledger.location", text, sizeof text, NULL));
	ck_assert_str_eq(text, "postgresql://u:***@h/db");
	paper_config_free(back);
	ck_ok(paper_ledger_export(l, "acct", out, PAPER_EXPORT_STATE));
	state = slurp(state_path);
	assert_no_secret(state, "state.json of an old ledger");
	g_free(state);
	/* Copied into another ledger: the copy holds none either. */
	char *copy_path = in_dir("copy.db");
	paper_ledger *to = lu_open(copy_path, PAPER_DURABLE, 1);
	ck_ok(paper_ledger_copy(l, to, NULL, NULL));
	paper_ledger_close(to);
	rows = ld_sql_rows(copy_path, "SELECT value FROM configs WHERE key = 'ledger.location'");
	assert_no_secret(rows, "a copied ledger");
	g_free(rows);
	paper_ledger_close(l);

	/* A replay's summary lists the config in force: redacted too. */
	cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "ledger.location", secret_location));
	b = tu_broker(cfg);
	paper_session *s = NULL;
	ck_ok(paper_session_new(&s, b));
	char *json = NULL;
	ck_ok(paper_session_summary_json(s, 0, &json));
	assert_no_secret(json, "the session summary");
	ck_assert_ptr_nonnull(strstr(json, "\"ledger.location\":\"POSTGRESQL://trader:***@"));
	paper_string_free(json);
	paper_session_free(s);
	paper_broker_free(b);
	g_free(copy_path);
	g_free(state_path);
	g_free(out);
}
END_TEST

/* ---- state.json never chooses where we write ---- */

START_TEST(import_refuses_a_file_to_write)
{
	ledger_with(lu_config("acct"));
	paper_ledger *l = lu_open(path, PAPER_DURABLE, 1);
	char *out = in_dir("export");
	ck_ok(paper_ledger_export(l, "acct", out, PAPER_EXPORT_STATE));
	char *state_path = g_build_filename(out, "state.json", NULL);
	char *state = slurp(state_path);
	char *target = in_dir("planted.log");
	const char *key = "\"logging.log_file\": \"\"";
	ck_assert_msg(strstr(state, key), "state.json lacks an empty log_file: %s", state);
	char *escaped = g_strescape(target, NULL);
	char *with = g_strdup_printf("\"logging.log_file\": \"%s\"", escaped);
	GString *hostile = g_string_new(state);
	g_string_replace(hostile, key, with, 1);
	char *hostile_path = in_dir("hostile.json");
	ck_assert(g_file_set_contents(hostile_path, hostile->str, -1, NULL));
	ck_assert_int_eq(paper_ledger_import(l, hostile_path, "copy"), PAPER_EFORMAT);
	ck_assert_msg(strstr(paper_last_error(), "config.logging.log_file") &&
		      strstr(paper_last_error(), "cannot choose where libpaper writes"), "%s",
		      paper_last_error());
	ck_assert(!g_file_test(target, G_FILE_TEST_EXISTS));
	ck_assert_uint_eq(paper_ledger_account_count(l), 1);
	/* The export as written imports. */
	ck_ok(paper_ledger_import(l, state_path, "copy"));

	/* An account that logs to a file exports without the file: the state re-imports. */
	paper_config *cfg = lu_config("logged");
	ck_ok(paper_config_set(cfg, "logging.log_file", target));
	ck_ok(paper_ledger_create_account(l, cfg));
	paper_config_free(cfg);
	ck_ok(paper_ledger_export(l, "logged", out, PAPER_EXPORT_STATE));
	ck_ok(paper_ledger_import(l, state_path, "logged2"));
	paper_config *back = NULL;
	char text[256];
	ck_ok(paper_ledger_account_config(l, "logged2", &back));
	ck_ok(paper_config_get_string(back, "logging.log_file", text, sizeof text, NULL));
	ck_assert_str_eq(text, "");
	paper_config_free(back);
	paper_ledger_close(l);
	g_string_free(hostile, TRUE);
	g_free(hostile_path);
	g_free(with);
	g_free(escaped);
	g_free(target);
	g_free(state);
	g_free(state_path);
	g_free(out);
}
END_TEST

/* A state file is read whole: capped at 64 MiB, checked before reading (docs/ledger.md). */
START_TEST(import_reads_at_most_the_cap)
{
	ledger_with(lu_config("acct"));
	paper_ledger *l = lu_open(path, PAPER_DURABLE, 1);
	char *big = in_dir("big.json");
	FILE *f = fopen(big, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	long before = ru.ru_maxrss;
	static const off_t sizes[] = { ((off_t)64 << 20) + 1, (off_t)1 << 30 };
	for (size_t i = 0; i < G_N_ELEMENTS(sizes); i++) {
		ck_assert_int_eq(truncate(big, sizes[i]), 0);
		ck_assert_int_eq(paper_ledger_import(l, big, "copy"), PAPER_EFORMAT);
		ck_assert_msg(strstr(paper_last_error(), "larger than 67108864 bytes"), "%s",
			      paper_last_error());
	}
	ck_assert_int_eq(paper_ledger_import(l, "/dev/zero", "copy"), PAPER_EFORMAT);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "larger than"));
	ck_assert_int_eq(paper_ledger_import(l, dir, "copy"), PAPER_EIO);
	getrusage(RUSAGE_SELF, &ru);
	/* /dev/zero is read up to the cap, once: nothing near the 1 GiB file's size. */
	ck_assert_msg(ru.ru_maxrss - before < 80 * 1024, "grew by %ld KiB", ru.ru_maxrss - before);
	ck_assert_uint_eq(paper_ledger_account_count(l), 1);
	paper_ledger_close(l);
	g_free(big);
}
END_TEST

/* ---- control characters refused wherever text comes in ---- */

/* Each would end a log line early, redraw a terminal or is not text. */
static const char *const hostile_text[] = {
	"x\nPAPER FILL 2024-01-01 AAPL BUY 1000 @ 1.00",
	"x\rPAPER FILL",
	"\x1b[2K\x1b[1GPAPER FILL",
	"nul\x01",
	"tab\there",
	"del\x7f",
	("c1\xc2\x9b" "2K"),
	"nel\xc2\x85",
	"ls\xe2\x80\xa8",
	"bidi\xe2\x80\xae",
	"latin1\xe9",
	"cut\xe2\x82",
};

START_TEST(broker_session_refuse_control_characters)
{
	paper_broker *b = tu_broker_plain();
	ck_ok(paper_broker_on_quote(b, "AAA", T0, 9.9, 10.1, 10));
	paper_session *s = NULL;
	ck_ok(paper_session_new(&s, b));
	for (size_t i = 0; i < G_N_ELEMENTS(hostile_text); i++) {
		const char *t = hostile_text[i];
		for (int field = 0; field < 3; field++) {
			paper_order_request r = PAPER_ORDER_REQUEST_INIT;
			r.symbol = "AAA";
			r.qty = 1;
			r.client_id = field == 0 ? t : NULL;
			r.strategy = field == 1 ? t : NULL;
			r.signal_id = field == 2 ? t : NULL;
			ck_assert_int_eq(paper_broker_submit(b, &r, NULL), PAPER_EINVAL);
			ck_assert_msg(!has_control_byte(paper_last_error()), "%s", paper_last_error());
		}
		paper_signal sig = PAPER_SIGNAL_INIT;
		sig.symbol = "AAA";
		sig.confidence = 0.9;
		sig.strategy = t;
		paper_verdict v;
		uint64_t id = 0;
		ck_assert_int_eq(paper_session_on_signal(s, &sig, &v, &id), PAPER_EINVAL);
		sig.strategy = NULL;
		sig.signal_id = t;
		ck_assert_int_eq(paper_session_on_signal(s, &sig, &v, &id), PAPER_EINVAL);
		paper_intent it = PAPER_INTENT_INIT;
		it.symbol = "AAA";
		it.qty = 1;
		it.strategy = t;
		ck_assert_int_eq(paper_session_submit_intent(s, &it, &v, &id), PAPER_EINVAL);
	}
	paper_account_info a = tu_account(b);
	ck_assert_uint_eq(a.open_orders, 0);
	ck_assert_uint_eq(a.fills, 0);
	/* Printable text of any script is a tag. */
	paper_order_request r = PAPER_ORDER_REQUEST_INIT;
	r.symbol = "AAA";
	r.qty = 1;
	r.type = PAPER_ORDER_LIMIT;
	r.limit_price = 5;
	r.strategy = "caf\xc3\xa9 \xe2\x82\xac \xe6\x97\xa5";
	ck_ok(paper_broker_submit(b, &r, NULL));
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

START_TEST(replay_signals_refuse_control_characters)
{
	char *bars = in_dir("X.csv");
	ck_assert(g_file_set_contents(bars, "timestamp,open,high,low,close,volume\n"
				      "2024-01-02T14:00:00Z,100,100,100,100,1000\n"
				      "2024-01-02T15:00:00Z,101,101,101,101,1000\n", -1, NULL));
	char *sigs = in_dir("s.csv");
	for (size_t i = 0; i < G_N_ELEMENTS(hostile_text); i++) {
		if (strchr(hostile_text[i], '\n') || strchr(hostile_text[i], '\r'))
			continue; /* a line break ends the CSV row: another error */
		for (int col = 0; col < 2; col++) {
			char *text = g_strdup_printf("timestamp,symbol,side,confidence,%s\n"
						     "2024-01-02T14:30:00Z,X,LONG,0.9,%s\n",
						     col ? "strategy" : "signal_id", hostile_text[i]);
			ck_assert(g_file_set_contents(sigs, text, -1, NULL));
			paper_broker *b = tu_broker_plain();
			paper_replay *r = NULL;
			ck_ok(paper_replay_new(&r, b, NULL));
			ck_ok(paper_replay_add_bars_path(r, bars));
			int rc = paper_replay_add_signals_file(r, sigs);
			if (rc == PAPER_OK)
				rc = paper_replay_run(r);
			ck_assert_msg(rc == PAPER_EFORMAT, "%zu/%d: %d %s", i, col, rc,
				      paper_last_error());
			ck_assert_msg(strstr(paper_last_error(), "s.csv:2") &&
				      !has_control_byte(paper_last_error()), "%s", paper_last_error());
			ck_assert_uint_eq(paper_broker_trade_count(b), 0);
			paper_replay_free(r);
			paper_broker_free(b);
			g_free(text);
		}
		/* In memory too. */
		paper_broker *b = tu_broker_plain();
		paper_replay *r = NULL;
		ck_ok(paper_replay_new(&r, b, NULL));
		paper_signal sig = PAPER_SIGNAL_INIT;
		sig.symbol = "X";
		sig.ts = T0;
		sig.strategy = hostile_text[i];
		ck_assert_int_eq(paper_replay_add_signals(r, &sig, 1), PAPER_EINVAL);
		paper_replay_free(r);
		paper_broker_free(b);
	}
	g_free(bars);
	g_free(sigs);
}
END_TEST

START_TEST(ledger_inputs_refuse_control_characters)
{
	ledger_with(lu_config("acct"));
	paper_ledger *l = lu_open(path, PAPER_DURABLE, 1);
	for (size_t i = 0; i < G_N_ELEMENTS(hostile_text); i++) {
		paper_decision d = PAPER_DECISION_INIT;
		g_strlcpy(d.symbol, "AAA", sizeof d.symbol);
		d.side = PAPER_SIDE_BUY;
		d.confidence = 0.9;
		g_strlcpy(d.reasoning, hostile_text[i], sizeof d.reasoning);
		ck_assert_int_eq(paper_ledger_decision_add(l, "acct", &d, NULL), PAPER_EINVAL);
	}
	/* A decision's symbol is a symbol: nothing but its characters. */
	paper_decision d = PAPER_DECISION_INIT;
	g_strlcpy(d.symbol, "AA\x1b[2K", sizeof d.symbol);
	d.side = PAPER_SIDE_BUY;
	d.confidence = 0.9;
	ck_assert_int_eq(paper_ledger_decision_add(l, "acct", &d, NULL), PAPER_EINVAL);
	ck_assert(!has_control_byte(paper_last_error()));
	/* Reasoning longer than its 255 bytes is cut, never inside a character. */
	g_strlcpy(d.symbol, "AAA", sizeof d.symbol);
	memset(d.reasoning, 'a', sizeof d.reasoning);
	memcpy(d.reasoning + 253, "\xe2\x82\xac", 3); /* the euro sign across the limit */
	int64_t id = 0;
	ck_ok(paper_ledger_decision_add(l, "acct", &d, &id));
	paper_decision got[2] = { PAPER_DECISION_INIT, PAPER_DECISION_INIT };
	size_t n = 0;
	ck_ok(paper_ledger_decisions_pending(l, "acct", got, 2, &n));
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(strlen(got[0].reasoning), 253);
	ck_assert_int_eq(ld_sql_int(path, "SELECT count(*) FROM decisions"), 1);

	/* A state.json whose position carries a hostile tag. */
	paper_broker *b = NULL;
	ck_ok(paper_ledger_open_broker(l, "acct", &b));
	ck_ok(paper_broker_on_quote(b, "AAA", T0, 9.9, 10.1, 10));
	paper_order_request r = PAPER_ORDER_REQUEST_INIT;
	r.symbol = "AAA";
	r.qty = 1;
	r.strategy = "STRATEGY-TAG";
	ck_ok(paper_broker_submit(b, &r, NULL));
	ck_ok(paper_broker_on_quote(b, "AAA", T0 + MIN_US, 9.9, 10.1, 10));
	ck_assert_uint_eq(paper_broker_position_count(b), 1);
	paper_broker_free(b);
	char *out = in_dir("export");
	ck_ok(paper_ledger_export(l, "acct", out, PAPER_EXPORT_STATE));
	char *state_path = g_build_filename(out, "state.json", NULL);
	char *state = slurp(state_path);
	GString *hostile = g_string_new(state);
	ck_assert_uint_eq(g_string_replace(hostile, "STRATEGY-TAG", "x\\u001b[2K\\rPAPER FILL", 0), 1);
	ck_assert(g_file_set_contents(state_path, hostile->str, -1, NULL));
	ck_assert_int_eq(paper_ledger_import(l, state_path, "copy"), PAPER_EFORMAT);
	ck_assert_msg(strstr(paper_last_error(), "positions[0].strategy"), "%s", paper_last_error());
	g_string_free(hostile, TRUE);

	/* A ledger written before the rule (SQLite kept any bytes) still opens: its tags are
	 * escaped or quoted wherever they are shown, never refused after the fact. */
	ld_sql(path, "DROP TRIGGER events_append_only_u; UPDATE events SET strategy = 'x' || "
	       "char(9) || 'old' WHERE strategy = 'STRATEGY-TAG'");
	ck_assert_int_gt(ld_sql_int(path, "SELECT count(*) FROM events WHERE strategy LIKE 'x%'"), 0);
	ck_ok(paper_ledger_load_broker(l, "acct", &b));
	paper_broker_free(b);
	paper_ledger_close(l);
	g_free(state);
	g_free(state_path);
	g_free(out);
}
END_TEST

/* ---- CSV cells a spreadsheet would run ---- */

static bool csv_has(const char *csv, const char *cell)
{
	char *a = g_strdup_printf(",%s,", cell), *b = g_strdup_printf("\n%s,", cell);
	bool found = strstr(csv, a) || strstr(csv, b);
	g_free(a);
	g_free(b);
	return found;
}

START_TEST(csv_cells_never_hold_formulas)
{
	ledger_with(lu_config("acct"));
	paper_ledger *l = lu_open(path, PAPER_DURABLE, 1);
	paper_broker *b = NULL;
	ck_ok(paper_ledger_open_broker(l, "acct", &b));
	/* '=' and '-' are symbol characters: "=A1" and "-A1" are symbols; "-1" too. */
	static const char *const syms[] = { "=A1", "-A1", "-1" };
	for (size_t i = 0; i < G_N_ELEMENTS(syms); i++)
		ck_ok(paper_broker_on_quote(b, syms[i], T0, 9.9, 10.1, 10));
	static const struct { const char *sym, *client, *strategy, *signal; } orders[] = {
		{ "=A1", "=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "@SUM(1+1)" },
		{ "-A1", "-2+3", "\xc3\xa9t\xc3\xa9", "-12.5" },
		{ "-1", "+1e5", "=1", "plain" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(orders); i++) {
		paper_order_request r = PAPER_ORDER_REQUEST_INIT;
		r.symbol = orders[i].sym;
		r.qty = 1;
		r.client_id = orders[i].client;
		r.strategy = orders[i].strategy;
		r.signal_id = orders[i].signal;
		ck_ok(paper_broker_submit(b, &r, NULL));
	}
	for (size_t i = 0; i < G_N_ELEMENTS(syms); i++)
		ck_ok(paper_broker_on_quote(b, syms[i], T0 + MIN_US, 9.9, 10.1, 10));
	for (size_t i = 0; i < G_N_ELEMENTS(syms); i++)
		ck_ok(paper_broker_close_position(b, syms[i], PAPER_EXIT_MANUAL, NULL));
	for (size_t i = 0; i < G_N_ELEMENTS(syms); i++)
		ck_ok(paper_broker_on_quote(b, syms[i], T0 + 2 * MIN_US, 9.9, 10.1, 10));
	ck_assert_uint_eq(paper_broker_trade_count(b), 3);
	paper_broker_free(b);
	char *out = in_dir("export");
	ck_ok(paper_ledger_export(l, "acct", out, PAPER_EXPORT_ALL));
	paper_ledger_close(l);
	char *orders_path = g_build_filename(out, "orders.csv", NULL);
	char *csv = slurp(orders_path);
	/* Text that starts a formula: a single quote first. Numbers stay numbers. */
	ck_assert_msg(csv_has(csv, "'=A1") && csv_has(csv, "'-A1") && csv_has(csv, "-1"), "%s", csv);
	ck_assert_msg(csv_has(csv, "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""), "%s", csv);
	ck_assert_msg(csv_has(csv, "'+cmd|' /C calc'!A0") && csv_has(csv, "'@SUM(1+1)") &&
		      csv_has(csv, "'-2+3") && csv_has(csv, "-12.5") && csv_has(csv, "+1e5") &&
		      csv_has(csv, "'=1"), "%s", csv);
	ck_assert_msg(!csv_has(csv, "=A1") && !csv_has(csv, "=1") && !csv_has(csv, "'-1") &&
		      !csv_has(csv, "'-12.5"), "%s", csv);
	g_free(csv);
	static const char *const files[] = { "fills.csv", "trades.csv", "positions.csv" };
	for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
		char *p = g_build_filename(out, files[i], NULL);
		csv = slurp(p);
		ck_assert_msg(!csv_has(csv, "=A1") && !csv_has(csv, "-A1") && !csv_has(csv, "'-1"),
			      "%s: %s", files[i], csv);
		if (i < 2)
			ck_assert_msg(csv_has(csv, "'=A1") && csv_has(csv, "-1"), "%s: %s", files[i], csv);
		g_free(csv);
		g_free(p);
	}
	g_free(orders_path);
	g_free(out);
}
END_TEST

START_TEST(replay_trades_csv_never_holds_formulas)
{
	static const char bars[] = "timestamp,open,high,low,close,volume\n"
				   "2024-01-02T14:00:00Z,100,100,100,100,1000\n"
				   "2024-01-02T15:00:00Z,101,101,101,101,1000\n"
				   "2024-01-02T16:00:00Z,102,102,102,102,1000\n";
	static const char *const names[] = { "=A1", "-B2", "-1" };
	GString *sig = g_string_new("timestamp,symbol,side,confidence\n");
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		char *file = g_strdup_printf("%s.csv", names[i]);
		char *p = in_dir(file);
		ck_assert(g_file_set_contents(p, bars, -1, NULL));
		g_string_append_printf(sig, "2024-01-02T14:30:00Z,%s,LONG,0.9\n", names[i]);
		g_free(p);
		g_free(file);
	}
	char *sigs = in_dir("signals.txt");
	ck_assert(g_file_set_contents(sigs, sig->str, -1, NULL));
	char *trades = in_dir("trades.out");
	paper_replay_options o = PAPER_REPLAY_OPTIONS_INIT;
	o.trades_path = trades;
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "limits.min_confidence", "0"));
	paper_broker *b = tu_broker(cfg);
	paper_replay *r = NULL;
	ck_ok(paper_replay_new(&r, b, &o));
	ck_ok(paper_replay_add_bars_path(r, dir));
	ck_ok(paper_replay_add_signals_file(r, sigs));
	ck_ok(paper_replay_run(r));
	paper_replay_free(r);
	paper_broker_free(b);
	char *csv = slurp(trades);
	ck_assert_msg(strstr(csv, "\n'=A1,LONG,") && strstr(csv, "\n'-B2,LONG,") &&
		      strstr(csv, "\n-1,LONG,") && !strstr(csv, "\n=A1") && !strstr(csv, "\n-B2"),
		      "%s", csv);
	g_free(csv);
	g_free(trades);
	g_free(sigs);
	g_string_free(sig, TRUE);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("security");
	TCase *tc = tcase_create("paper-only");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, stored_config_with_a_bypass_url_is_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("secrets");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, location_redaction_rules);
	tcase_add_test(tc, upper_case_scheme_is_not_a_file);
	tcase_add_test(tc, password_is_never_stored_exported_or_summarised);
	suite_add_tcase(s, tc);

	tc = tcase_create("write-paths");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, import_refuses_a_file_to_write);
	tcase_add_test(tc, import_reads_at_most_the_cap);
	suite_add_tcase(s, tc);

	tc = tcase_create("text");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, broker_session_refuse_control_characters);
	tcase_add_test(tc, replay_signals_refuse_control_characters);
	tcase_add_test(tc, ledger_inputs_refuse_control_characters);
	tcase_add_test(tc, csv_cells_never_hold_formulas);
	tcase_add_test(tc, replay_trades_csv_never_holds_formulas);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
