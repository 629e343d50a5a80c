/*
 * Private: the storage backend of a ledger, behind a table of functions: SQLite
 * (store_sqlite.c) and PostgreSQL (store_pg.c) sit side by side and the ledger does not know
 * which it talks to. A backend stores accounts, their configs, the event log with the query
 * rows derived from each event, marks and the decisions inbox, and locks accounts for their
 * single writer. The rows themselves (statements, columns) are shared: store_rows.h.
 *
 * Records here are self-contained copies (symbols by name, no pointers into a broker), so a
 * ledger can buffer them and write them later in one transaction.
 */
#ifndef PAPER_PRIV_STORE_H
#define PAPER_PRIV_STORE_H

#include <paper/ledger.h>

#include "market/broker.h"

typedef struct store store;           /* a backend connection */
typedef struct store_lock store_lock; /* an account held by one writer */

/*
 * One event as stored, and the query rows derived from it. Only the fields its type uses are
 * meaningful; the rest are zero.
 */
typedef struct store_rec {
	int64_t account;
	uint64_t seq;            /* 1, 2, 3 ... per account: the replay order */
	uint8_t type, status, reason, halt_kind;
	bool day_start;
	bool has_order;          /* ord is the event's own order record (ACCEPTED, submit REJECTED) */
	bool has_trade;          /* a closing FILL: trade holds the round trip */
	paper_ts ts;
	uint64_t order_id;
	char symbol[PAPER_SYMBOL_MAX + 1]; /* of the order, fill or position; "" if none */
	/*
	 * With has_order: the order the event carries. For the other order events and fills: the
	 * order as it is after the event, which becomes its row in the orders table.
	 */
	order ord;
	fill f;                  /* FILL (f.sym unused: symbol) */
	int64_t qty, limit, stop; /* REPLACED: the new values */
	int64_t equity, cash, value; /* SNAPSHOT: equity, cash and net position value */
	int64_t realized, fees;  /* ACCOUNT_RESTORED (with cash); FILL: the realized P&L it adds */
	position pos;            /* POSITION_RESTORED; FILL: the position after it, zero when
				  * flat (position_state, not part of the log); index unused */
	trade trade;             /* with has_trade (trade.sym unused: symbol) */
	/* Not part of the log, for its query rows (account_state): the account after the event. */
	struct {
		int64_t cash, realized, fees;
		uint64_t fills, trades;
	} after;
} store_rec;

/* A symbol's mark as the ledger keeps it. */
typedef struct store_mark {
	int64_t account;
	char symbol[PAPER_SYMBOL_MAX + 1];
	int64_t price;
	paper_ts ts;
} store_mark;

/* A recorded live price (ledger_prices.c): the public record with its exact values set. */
typedef struct store_price {
	int64_t account;
	paper_price_record p;
} store_price;

/* A feed's health kept with an account, one row per source. */
typedef struct store_feed_health {
	int64_t account;
	paper_feed_health_info h;
	paper_ts written_ts;
} store_feed_health;

/* Which order row to write with a record: none, a new row, or an update of its state. */
typedef enum store_order_write {
	STORE_ORDER_NONE,
	STORE_ORDER_INSERT,
	STORE_ORDER_UPDATE,
} store_order_write;

/*
 * The derived rows to write with a record. A group commit writes each row once, with the last
 * record of the group that changes it.
 */
typedef struct store_writes {
	store_order_write order; /* the order's row (order_state) */
	uint64_t accepted_seq;   /* STORE_ORDER_INSERT: seq of the order's ORDER_ACCEPTED event */
	bool account;            /* the account's row (account_state) from r->after */
	bool position;           /* the symbol's row (position_state) from r->pos: FILL and
				  * POSITION_RESTORED only */
} store_writes;

/* A row of the decisions inbox with what the public struct leaves out. */
typedef struct store_decision {
	paper_decision d;
	paper_ts processed_ts;   /* 0: not processed */
	char outcome[256];       /* why it was marked so, cut to fit */
	bool readable;           /* store_decision_walk_row(): the row passed the reader's checks */
} store_decision;

/* A pending decision the reader cannot take (a bad symbol, say): rejected, not returned. */
typedef struct store_bad_decision {
	int64_t id;
	char why[192];
} store_bad_decision;

/* A bookmark kept with an account (paper_ledger_bookmark_set()). */
#define STORE_BOOKMARK_NAME_MAX 64
#define STORE_BOOKMARK_VALUE_MAX 4096
typedef struct store_bookmark {
	int64_t account;
	char name[STORE_BOOKMARK_NAME_MAX + 1];
	char value[STORE_BOOKMARK_VALUE_MAX + 1];
	paper_ts updated_ts;
} store_bookmark;

/* Callbacks of the iterators: a non-zero return stops the walk and is returned. */
typedef int (*store_rec_cb)(void *ctx, const store_rec *r);
typedef int (*store_mark_cb)(void *ctx, const store_mark *m);
typedef int (*store_kv_cb)(void *ctx, const char *key, const char *value);
typedef int (*store_order_cb)(void *ctx, const order *o, const char *symbol);
typedef int (*store_trade_cb)(void *ctx, const trade *t, const char *symbol);
typedef int (*store_decision_cb)(void *ctx, const store_decision *d);
typedef int (*store_price_cb)(void *ctx, const store_price *p);
typedef int (*store_feed_health_cb)(void *ctx, const store_feed_health *h);
typedef void (*store_problem_cb)(void *ctx, const char *problem); /* printable text */

typedef struct store_open_options {
	bool create;
	bool read_only;
	bool skip_storage_check; /* the caller runs check_storage itself (paper_ledger_check) */
	bool durable;            /* every commit reaches stable storage before it returns */
	uint32_t busy_timeout_ms; /* wait this long for another connection's write */
} store_open_options;

typedef struct store_ops {
	const char *backend;
	bool utf8_text;          /* text columns hold only UTF-8 (a server's text type) */

	/*
	 * Refuses (PAPER_ECORRUPT, nothing written) anything that is not a ledger of its kind, and
	 * (unless skip_storage_check) one whose storage its own quick check finds damaged.
	 */
	int (*open)(store **out, const char *location, const store_open_options *o);
	void (*close)(store *s);
	/* The storage's full check, each problem to cb: PAPER_ECORRUPT when there is one. NULL
	 * for a backend whose server keeps its storage consistent itself. */
	int (*check_storage)(store *s, store_problem_cb cb, void *ctx);

	/* Transactions do not nest: a ledger begins one only when none is open. */
	int (*begin)(store *s, bool write);
	int (*commit)(store *s);
	void (*rollback)(store *s);

	/* Inside a write transaction. */
	int (*append)(store *s, const store_rec *r, const store_writes *w);
	int (*put_mark)(store *s, const store_mark *m);
	int (*add_account)(store *s, const char *name, const char *origin, paper_ts created,
			   int64_t *id_out);
	int (*put_config)(store *s, int64_t account, const char *key, const char *value);
	/* Removes the key if the account has it. */
	int (*del_config)(store *s, int64_t account, const char *key);
	int (*put_bookmark)(store *s, const store_bookmark *b);

	/* Reads. An iterator streams: memory does not depend on how much it walks. */
	int (*find_account)(store *s, const char *name, int64_t *id_out); /* PAPER_ENOTFOUND */
	int (*account_count)(store *s, size_t *out);
	int (*account_name)(store *s, size_t index, char *buf, size_t cap);
	int (*each_config)(store *s, int64_t account, store_kv_cb cb, void *ctx);
	/* The account's events from seq from_seq on (1: the whole log), in order. */
	int (*each_event)(store *s, int64_t account, uint64_t from_seq, store_rec_cb cb,
			  void *ctx);
	int (*each_mark)(store *s, int64_t account, store_mark_cb cb, void *ctx);
	int (*each_order)(store *s, int64_t account, store_order_cb cb, void *ctx);
	int (*each_trade)(store *s, int64_t account, store_trade_cb cb, void *ctx);
	/* seq of the account's last event, 0 for none. */
	int (*last_seq)(store *s, int64_t account, uint64_t *out);
	/* A bookmark's value into buf (PAPER_ENOTFOUND when there is none). */
	int (*get_bookmark)(store *s, int64_t account, const char *name, char *buf, size_t cap);

	/* The decisions inbox; each call is its own transaction. */
	int (*decision_add)(store *s, const char *account, const paper_decision *d, int64_t *id_out);
	/* Up to cap rows (the oldest first); those it cannot take are appended to bad
	 * (store_bad_decision) instead of out, and count among the cap. */
	int (*decisions_pending)(store *s, const char *account, paper_decision *out, size_t cap,
				 size_t *count, GArray *bad);
	int (*decision_mark)(store *s, int64_t id, paper_decision_status status, uint64_t order_id,
			     paper_ts now, const char *outcome);
	/* Every decision of an account, by id; and one written whole (inside a write
	 * transaction), for copying a ledger. */
	int (*each_decision)(store *s, const char *account, store_decision_cb cb, void *ctx);
	int (*decision_put)(store *s, const char *account, const store_decision *d);

	/*
	 * Take an account for one writer, across processes and within one: PAPER_EBUSY naming the
	 * account when another holder has it after timeout_ms. Released by unlock or by the
	 * holder's death.
	 */
	int (*lock)(store *s, int64_t account, const char *name, uint32_t timeout_ms,
		    store_lock **out);
	void (*unlock)(store_lock *l);

	/*
	 * A server backend's connection can be lost; NULL for a backend whose cannot. reconnect:
	 * nothing to do while the connection works; after it was lost, a new one (PAPER_EIO
	 * naming the server when it cannot be made), *again set. The locks died with the old
	 * connection: relock takes each one back, PAPER_EBUSY if another holder took it since.
	 */
	int (*reconnect)(store *s, bool *again);
	int (*relock)(store_lock *l, uint32_t timeout_ms);

	/* Live prices and feed health (schema 2): written inside a write transaction, read in
	 * the order written (prices) or by source (health). */
	int (*put_price)(store *s, const store_price *p);
	int (*put_feed_health)(store *s, const store_feed_health *h);
	int (*each_price)(store *s, int64_t account, store_price_cb cb, void *ctx);
	int (*each_feed_health)(store *s, int64_t account, store_feed_health_cb cb, void *ctx);
} store_ops;

extern const store_ops paper__store_sqlite;
#ifdef PAPER_HAVE_PG
extern const store_ops paper__store_pg;
#endif

#endif
