/*
 * Opening a ledger (docs/ledger.md; paper_ledger_open()) that someone else wrote: a ledger
 * may be shared, so what it holds is untrusted. Two kinds of input:
 *  - a whole SQLite file (it begins with "SQLite format 3"), written to a file and opened;
 *  - anything else is SQL run against a copy of a real ledger first (made once, below: an
 *    account with orders, fills, trades, snapshots, marks, decisions, an open position and an
 *    open order), as a hostile or broken program sharing the ledger could (the append-only
 *    triggers may be dropped too). ATTACH and friends are refused so it touches no other file.
 * Then every account is read as `paper status`, `paper report` and `paper run` would.
 * Promises: no crash, no leak, no undefined behaviour; a stored config that validates keeps the
 * paper-only promise; an account that loads satisfies the broker's invariants: flat, its cash
 * is exactly starting cash + realized P&L - fees.
 */
#include <glib.h>
#include <stdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include <paper/paper.h>

#include "fuzz.h"

#define HOUR (INT64_C(3600) * PAPER_TS_PER_SECOND)
#define T0 (INT64_C(1704153600) * PAPER_TS_PER_SECOND) /* 2024-01-02T00:00:00Z */
#define MAX_ACCOUNTS 4

static char *template_db;
static gsize template_len;

static void trade_some(paper_broker *b)
{
	paper_session *s = NULL;
	fuzz_require(paper_session_new(&s, b) == PAPER_OK, "a session");
	static const char *const syms[] = { "AAPL", "MSFT", "BTC-USD" };
	for (int h = 0; h < 48; h++) {
		for (int i = 0; i < 3; i++) {
			double p = (100.0 + 50 * i) * (1.0 + 0.05 * sin(h * 0.4 + i));
			paper_session_on_bar(s, syms[i], T0 + h * HOUR, p, p * 1.01, p * 0.99, p, 1e4);
		}
		if (h % 7 == 1) {
			paper_signal sig = PAPER_SIGNAL_INIT;
			sig.symbol = syms[h % 3];
			sig.direction = h % 2 ? PAPER_LONG : PAPER_SHORT;
			sig.confidence = 0.9;
			sig.strategy = "fuzz";
			paper_session_on_signal(s, &sig, NULL, NULL);
		}
		if (h % 12 == 0)
			paper_broker_snapshot(b);
	}
	paper_order_request req = PAPER_ORDER_REQUEST_INIT;
	req.symbol = "AAPL";
	req.type = PAPER_ORDER_LIMIT;
	req.qty = 3;
	req.limit_price = 50;
	paper_broker_submit(b, &req, NULL);
	paper_session_free(s);
}

/* A real ledger, kept in memory: the base the SQL inputs change. */
static void make_template(void)
{
	const char *path = fuzz_path("template.db");
	paper_config *cfg = NULL;
	paper_ledger *l = NULL;
	paper_broker *b = NULL;
	fuzz_require(paper_config_new(&cfg) == PAPER_OK, "a config");
	paper_config_set(cfg, "account.name", "alpha");
	paper_config_set(cfg, "limits.aggressive", "true");
	fuzz_require(paper_ledger_open(&l, path, NULL) == PAPER_OK, "a new ledger");
	fuzz_require(paper_ledger_create_account(l, cfg) == PAPER_OK, "an account");
	paper_config_set(cfg, "account.name", "beta");
	fuzz_require(paper_ledger_create_account(l, cfg) == PAPER_OK, "a second account");
	fuzz_require(paper_ledger_open_broker(l, "alpha", &b) == PAPER_OK, "its broker");
	trade_some(b);
	paper_broker_free(b);
	for (int i = 0; i < 3; i++) {
		paper_decision d = PAPER_DECISION_INIT;
		g_strlcpy(d.symbol, i ? "MSFT" : "AAPL", sizeof d.symbol);
		d.side = i == 1 ? PAPER_SIDE_SELL : PAPER_SIDE_BUY;
		d.confidence = 0.7;
		g_strlcpy(d.reasoning, "fuzz template", sizeof d.reasoning);
		int64_t id = 0;
		fuzz_require(paper_ledger_decision_add(l, "alpha", &d, &id) == PAPER_OK, "a decision");
		if (i == 2)
			paper_ledger_decision_mark(l, id, PAPER_DECISION_SKIPPED, 0);
	}
	paper_ledger_close(l);
	paper_config_free(cfg);
	fuzz_require(g_file_get_contents(path, &template_db, &template_len, NULL),
		     "the template reads back");
	fuzz_unlink_ledger(path);
}

static int authorize(void *payload, int action, const char *a, const char *b, const char *c,
		     const char *d)
{
	(void)payload, (void)a, (void)b, (void)c, (void)d;
	return action == SQLITE_ATTACH || action == SQLITE_DETACH ? SQLITE_DENY : SQLITE_OK;
}

static int stop_long_statements(void *payload)
{
	return ++*(int *)payload > 2000; /* progress calls: ~2M VM steps */
}

/* Run the input as SQL on a copy of the template. */
static void apply_sql(const char *path, const uint8_t *data, size_t size)
{
	fuzz_write(path, template_db, template_len);
	char *sql = fuzz_cstr(data, size);
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
		int steps = 0;
		sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
		sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 1 << 20);
		sqlite3_set_authorizer(db, authorize, NULL);
		sqlite3_progress_handler(db, 1000, stop_long_statements, &steps);
		sqlite3_exec(db, sql, NULL, NULL, NULL);
	}
	sqlite3_close(db);
	g_free(sql);
}

static void read_account(paper_ledger *l, const char *name)
{
	paper_config *cfg = NULL;
	if (paper_ledger_account_config(l, name, &cfg) == PAPER_OK) {
		if (paper_config_validate(cfg) == PAPER_OK)
			fuzz_require_paper_only(cfg);
		paper_config_free(cfg);
	}
	paper_decision d[4];
	size_t n = 0;
	paper_ledger_decisions_pending(l, name, d, G_N_ELEMENTS(d), &n);
	fuzz_require(n <= G_N_ELEMENTS(d), "no more decisions than asked for");

	paper_broker *b = NULL;
	if (paper_ledger_load_broker(l, name, &b) != PAPER_OK)
		return;
	paper_account_info a = PAPER_ACCOUNT_INFO_INIT;
	fuzz_require(paper_broker_account(b, &a) == PAPER_OK, "account info of a broker");
	if (a.open_positions == 0)
		fuzz_require(fuzz_reconciles(a.starting_cash_e8, a.realized_pnl_e8, a.fees_e8,
					     a.cash_e8),
			     "flat: cash == starting cash + realized - fees");
	char *html = NULL;
	if (paper_report_html(&html, NULL, b, NULL) == PAPER_OK)
		paper_string_free(html);
	paper_broker_free(b);
	/* paper run takes the account: rebuilding it for writing must also hold. */
	if (paper_ledger_open_broker(l, name, &b) == PAPER_OK)
		paper_broker_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char magic[] = "SQLite format 3";
	if (template_db == NULL)
		make_template();
	const char *path = fuzz_path("ledger.db");
	fuzz_unlink_ledger(path);
	if (size >= sizeof magic && memcmp(data, magic, sizeof magic) == 0)
		fuzz_write(path, data, size);
	else
		apply_sql(path, data, size);

	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
	o.create = false;
	o.durability = PAPER_BATCHED;
	paper_ledger *l = NULL;
	if (paper_ledger_open(&l, path, &o) == PAPER_OK) {
		size_t n = paper_ledger_account_count(l);
		for (size_t i = 0; i < n && i < MAX_ACCOUNTS; i++) {
			char name[64];
			if (paper_ledger_account_name(l, i, name, sizeof name) == PAPER_OK)
				read_account(l, name);
		}
		paper_ledger_close(l);
	}
	fuzz_unlink_ledger(path);
	fuzz_unlink(fuzz_path("broker.log"));
	return 0;
}
