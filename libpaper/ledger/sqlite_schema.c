/*
 * The ledger's SQLite schema, as migration steps (sqlite_file.h). Every table's rows carry the
 * account and a paper marker; docs/ledger.md describes every column.
 */
#include "ledger/sqlite_file.h"

#include <stddef.h>

#include "ledger/ledger_views.h"

static const char *const schema_v1[] = {
	"CREATE TABLE meta ("
	" key TEXT PRIMARY KEY,"
	" value TEXT NOT NULL,"
	" paper INTEGER NOT NULL DEFAULT 1 CHECK (paper = 1))",
	"CREATE TABLE accounts ("
	" id INTEGER PRIMARY KEY CHECK (id > 0 AND id <= 4194303),"
	" name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 31),"
	" origin TEXT NOT NULL CHECK (origin IN ('created', 'imported')),"
	" created_ts INTEGER NOT NULL,"
	" paper INTEGER NOT NULL DEFAULT 1 CHECK (paper = 1))",
	"CREATE TABLE configs ("
	" account INTEGER NOT NULL REFERENCES accounts (id),"
	" key TEXT NOT NULL,"
	" value TEXT NOT NULL,"
	" paper INTEGER NOT NULL DEFAULT 1 CHECK (paper = 1),"
	" PRIMARY KEY (account, key))",
	"CREATE TABLE events ("
	" id INTEGER PRIMARY KEY,"
	" account INTEGER NOT NULL REFERENCES accounts (id),"
	" seq INTEGER NOT NULL CHECK (seq > 0 AND seq < 1099511627776),"
	" type INTEGER NOT NULL CHECK (type BETWEEN 1 AND 12),"
	" ts INTEGER NOT NULL,"
	" order_id INTEGER NOT NULL DEFAULT 0,"
	" status INTEGER NOT NULL DEFAULT 0,"
	" reason INTEGER NOT NULL DEFAULT 0,"
	" symbol TEXT, side INTEGER, order_type INTEGER, tif INTEGER, order_status INTEGER,"
	" order_reason INTEGER, exit_reason INTEGER, triggered INTEGER,"
	" qty_e8 INTEGER, filled_e8 INTEGER, limit_e8 INTEGER, stop_e8 INTEGER,"
	" fill_notional_e8 INTEGER, order_fees_e8 INTEGER, oco_group INTEGER,"
	" submitted_ts INTEGER, updated_ts INTEGER, confidence REAL,"
	" client_id TEXT, strategy TEXT, signal_id TEXT,"
	" fill_seq INTEGER, fill_reason INTEGER, fill_flags INTEGER, price_e8 INTEGER,"
	" fee_e8 INTEGER, ref_price_e8 INTEGER, alt_price_e8 INTEGER,"
	" halt_kind INTEGER, day_start INTEGER,"
	" equity_e8 INTEGER, cash_e8 INTEGER, value_e8 INTEGER, realized_e8 INTEGER, fees_e8 INTEGER,"
	" basis_e8 INTEGER, entry_ts INTEGER, entry_qty_e8 INTEGER, entry_notional_e8 INTEGER,"
	" exit_qty_e8 INTEGER, exit_notional_e8 INTEGER, direction INTEGER,"
	" trade_id INTEGER, pnl_e8 INTEGER,"
	" paper INTEGER NOT NULL DEFAULT 1 CHECK (paper = 1),"
	" CHECK (id = account * 1099511627776 + seq))",
	"CREATE TRIGGER events_append_only_u BEFORE UPDATE ON events"
	" BEGIN SELECT RAISE(ABORT, 'the paper event log is append-only'); END",
	"CREATE TRIGGER events_append_only_d BEFORE DELETE ON events"
	" BEGIN SELECT RAISE(ABORT, 'the paper event log is append-only'); END",
	"CREATE TABLE order_state ("
	" key INTEGER PRIMARY KEY,"
	" account INTEGER NOT NULL REFERENCES accounts (id),"
	" id INTEGER NOT NULL CHECK (id > 0),"
	" accepted INTEGER NOT NULL,"
	" status INTEGER NOT NULL, reason INTEGER NOT NULL, triggered INTEGER NOT NULL,"
	" qty_e8 INTEGER NOT NULL, filled_e8 INTEGER NOT NULL, limit_e8 INTEGER NOT NULL,"
	" stop_e8 INTEGER NOT NULL, fill_notional_e8 INTEGER NOT NULL, fees_e8 INTEGER NOT NULL,"
	" updated_ts INTEGER NOT NULL,"
	" paper INTEGER NOT NULL DEFAULT 1 CHECK (paper = 1),"
	" CHECK (key = account * 1099511627776 + id))",
	"CREATE TABLE account_state ("
	" account INTEGER PRIMARY KEY REFERENCES accounts (id),"
	" event_seq INTEGER NOT NULL, ts INTEGER NOT NULL,"
	" cash_e8 INTEGER NOT NULL, realized_e8 INTEGER NOT NULL, fees_e8 INTEGER NOT NULL,"
	" fills INTEGER NOT NULL, trades INTEGER NOT NULL,"
	" paper INTEGER NOT NULL DEFAULT 1 CHECK (paper = 1))",
	"CREATE TABLE position_state ("
	" account INTEGER NOT NULL REFERENCES accounts (id),"
	" symbol TEXT NOT NULL,"
	" qty_e8 INTEGER NOT NULL, basis_e8 INTEGER NOT NULL, entry_ts INTEGER NOT NULL,"
	" realized_e8 INTEGER NOT NULL, fees_e8 INTEGER NOT NULL,"
	" price_e8 INTEGER NOT NULL, ts INTEGER NOT NULL, event_seq INTEGER NOT NULL,"
	" paper INTEGER NOT NULL DEFAULT 1 CHECK (paper = 1),"
	" PRIMARY KEY (account, symbol))",
	"CREATE TABLE marks ("
	" account INTEGER NOT NULL REFERENCES accounts (id),"
	" symbol TEXT NOT NULL,"
	" price_e8 INTEGER NOT NULL CHECK (price_e8 > 0),"
	" ts INTEGER NOT NULL,"
	" paper INTEGER NOT NULL DEFAULT 1 CHECK (paper = 1),"
	" PRIMARY KEY (account, symbol))",
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
	" paper INTEGER NOT NULL DEFAULT 1 CHECK (paper = 1))",
	"CREATE INDEX decisions_pending ON decisions (account, status, created_ts, id)",
	"CREATE TRIGGER decisions_kept BEFORE DELETE ON decisions"
	" BEGIN SELECT RAISE(ABORT, 'paper decisions are marked, never deleted'); END",
	LEDGER_VIEW_ORDERS,
	LEDGER_VIEW_FILLS,
	LEDGER_VIEW_TRADES,
	LEDGER_VIEW_REJECTIONS,
	LEDGER_VIEW_SNAPSHOTS,
	LEDGER_VIEW_OPEN_POSITIONS,
	LEDGER_VIEW_PORTFOLIO,
	LEDGER_VIEW_RECENT_TRADES,
	LEDGER_VIEW_PERFORMANCE_BY_SYMBOL,
	NULL,
};

/*
 * Version 2. The decisions' symbol CHECK counted characters where the reader needs at most 31
 * bytes of a valid symbol: it now says what the reader accepts, and a row that breaks it (only
 * an older ledger can hold one) is rejected, with the reason in the new `outcome` column. SQLite
 * cannot change a CHECK in place: the table is rebuilt (DROP TABLE fires no trigger). Also
 * the bookmarks a driving program keeps with its account (paper_ledger_bookmark_set()).
 */
#define SYMBOL_OK                                                                            \
	"(typeof(symbol) = 'text' AND length(CAST(symbol AS BLOB)) BETWEEN 1 AND 31"          \
	" AND instr(CAST(symbol AS BLOB), x'00') = 0 AND symbol NOT GLOB '*[^A-Za-z0-9._/:^=-]*')"
#define NOW_US "CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER)"

static const char *const schema_v2[] = {
	"CREATE TABLE bookmarks ("
	" account INTEGER NOT NULL REFERENCES accounts (id),"
	" name TEXT NOT NULL CHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 64),"
	" value TEXT NOT NULL CHECK (length(CAST(value AS BLOB)) <= 4096),"
	" updated_ts INTEGER NOT NULL,"
	" paper INTEGER NOT NULL DEFAULT 1 CHECK (paper = 1),"
	" PRIMARY KEY (account, name))",
	"CREATE TABLE decisions_v2 ("
	" id INTEGER PRIMARY KEY,"
	" account TEXT NOT NULL REFERENCES accounts (name),"
	" created_ts INTEGER NOT NULL DEFAULT (" NOW_US "),"
	" symbol TEXT NOT NULL,"
	" side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),"
	" confidence REAL NOT NULL CHECK (confidence BETWEEN 0 AND 1),"
	" reasoning TEXT NOT NULL DEFAULT '',"
	" take_profit REAL NOT NULL DEFAULT 0 CHECK (take_profit >= 0),"
	" stop_loss REAL NOT NULL DEFAULT 0 CHECK (stop_loss >= 0),"
	" status TEXT NOT NULL DEFAULT 'pending'"
	"  CHECK (status IN ('pending', 'executed', 'skipped', 'rejected')),"
	" order_id INTEGER NOT NULL DEFAULT 0,"
	" processed_ts INTEGER,"
	" paper INTEGER NOT NULL DEFAULT 1 CHECK (paper = 1),"
	" outcome TEXT NOT NULL DEFAULT '',"
	" CONSTRAINT decisions_symbol_check CHECK (status = 'rejected' OR " SYMBOL_OK "))",
	"INSERT INTO decisions_v2 (id, account, created_ts, symbol, side, confidence, reasoning,"
	" take_profit, stop_loss, status, order_id, processed_ts, outcome)"
	" SELECT id, account, created_ts, symbol, side, confidence, reasoning, take_profit,"
	" stop_loss, CASE WHEN " SYMBOL_OK " THEN status ELSE 'rejected' END, order_id,"
	" CASE WHEN " SYMBOL_OK " THEN processed_ts ELSE coalesce(processed_ts, " NOW_US ") END,"
	" CASE WHEN " SYMBOL_OK " THEN '' ELSE '" LEDGER_BAD_SYMBOL_OUTCOME "' END"
	" FROM decisions",
	"DROP TABLE decisions",
	"ALTER TABLE decisions_v2 RENAME TO decisions",
	"CREATE INDEX decisions_pending ON decisions (account, status, created_ts, id)",
	"CREATE TRIGGER decisions_kept BEFORE DELETE ON decisions"
	" BEGIN SELECT RAISE(ABORT, 'paper decisions are marked, never deleted'); END",
	NULL,
};

/*
 * Version 3: the live prices an account acted on, in the order it took them (a paper session
 * replays from them), and its feeds' health, one row per source. docs/ledger.md.
 */
static const char *const schema_v3[] = {
	"CREATE TABLE prices ("
	" id INTEGER PRIMARY KEY,"
	" account INTEGER NOT NULL REFERENCES accounts (id),"
	" event_seq INTEGER NOT NULL CHECK (event_seq >= 0),"
	" applied_ts INTEGER NOT NULL, ts INTEGER NOT NULL, recv_ts INTEGER NOT NULL,"
	" symbol TEXT NOT NULL CHECK (length(CAST(symbol AS BLOB)) BETWEEN 1 AND 31),"
	" kind INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 3),"
	" price_e8 INTEGER NOT NULL CHECK (price_e8 >= 0), bid_e8 INTEGER NOT NULL,"
	" ask_e8 INTEGER NOT NULL, open_e8 INTEGER NOT NULL, high_e8 INTEGER NOT NULL,"
	" low_e8 INTEGER NOT NULL, close_e8 INTEGER NOT NULL, volume_e8 INTEGER NOT NULL,"
	" interval_us INTEGER NOT NULL, flags INTEGER NOT NULL,"
	" source TEXT NOT NULL,"
	" paper INTEGER NOT NULL DEFAULT 1 CHECK (paper = 1))",
	"CREATE INDEX prices_account ON prices (account, id)",
	"CREATE TABLE feed_health ("
	" account INTEGER NOT NULL REFERENCES accounts (id),"
	" source TEXT NOT NULL, venue TEXT NOT NULL,"
	" state INTEGER NOT NULL CHECK (state BETWEEN 1 AND 5), connected INTEGER NOT NULL,"
	" last_msg_ts INTEGER NOT NULL, last_data_ts INTEGER NOT NULL,"
	" frames INTEGER NOT NULL, messages INTEGER NOT NULL, reconnects INTEGER NOT NULL,"
	" gaps INTEGER NOT NULL, backfilled_bars INTEGER NOT NULL, duplicates INTEGER NOT NULL,"
	" out_of_order INTEGER NOT NULL, bad_messages INTEGER NOT NULL, dropped INTEGER NOT NULL,"
	" queue_high INTEGER NOT NULL, clock_skew_ms REAL NOT NULL,"
	" last_error_code INTEGER NOT NULL, last_error TEXT NOT NULL, written_ts INTEGER NOT NULL,"
	" paper INTEGER NOT NULL DEFAULT 1 CHECK (paper = 1),"
	" PRIMARY KEY (account, source))",
	NULL,
};

/*
 * Version 4. The exit plan a session records with an entry order (ORDER_ACCEPTED events) and
 * carries on the position it opens; the position's tags and plan in position_state; the
 * decisions' risk and current_price; the views in people's units (ledger_views.h).
 */
static const char *const schema_v4[] = {
	"ALTER TABLE events ADD COLUMN exit_plan INTEGER",
	"ALTER TABLE events ADD COLUMN plan_tp_e8 INTEGER",
	"ALTER TABLE events ADD COLUMN plan_sl_e8 INTEGER",
	"ALTER TABLE events ADD COLUMN plan_max_hold INTEGER",
	"ALTER TABLE position_state ADD COLUMN strategy TEXT",
	"ALTER TABLE position_state ADD COLUMN signal_id TEXT",
	"ALTER TABLE position_state ADD COLUMN confidence REAL",
	"ALTER TABLE position_state ADD COLUMN exit_plan INTEGER NOT NULL DEFAULT 0",
	"ALTER TABLE position_state ADD COLUMN plan_tp_e8 INTEGER NOT NULL DEFAULT 0",
	"ALTER TABLE position_state ADD COLUMN plan_sl_e8 INTEGER NOT NULL DEFAULT 0",
	"ALTER TABLE position_state ADD COLUMN plan_max_hold INTEGER NOT NULL DEFAULT 0",
	"ALTER TABLE decisions ADD COLUMN risk REAL NOT NULL DEFAULT 0"
	" CHECK (risk BETWEEN 0 AND 1)",
	"ALTER TABLE decisions ADD COLUMN current_price REAL NOT NULL DEFAULT 0"
	" CHECK (current_price >= 0 AND current_price <= 1.7976931348623157e308)",
	LEDGER_VIEWS_V4(LEDGER_SQLITE_TIME, LEDGER_SQLITE_DAY),
	NULL,
};

const char *const *const sqlite_migrations[] = {
	schema_v1,
	schema_v2,
	schema_v3,
	schema_v4,
};

const int sqlite_schema_version = (int)(sizeof sqlite_migrations / sizeof sqlite_migrations[0]);
