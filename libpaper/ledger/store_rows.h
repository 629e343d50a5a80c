/*
 * Private: the rows of a ledger, the same for every backend. The statements that write and read
 * them (SQL both SQLite and PostgreSQL accept, with `?` for each parameter in order), and the
 * mapping between records (store.h) and their columns, written once so the two backends cannot
 * drift apart. A backend supplies a row_out to bind parameters and a row_in to read a result
 * row, and runs the statements its own way.
 */
#ifndef PAPER_PRIV_STORE_ROWS_H
#define PAPER_PRIV_STORE_ROWS_H

#include "ledger/store.h"

/* rows in units of 2^40: account * 2^40 + n keys events and order_state (docs/ledger.md). */
#define STORE_KEY_SHIFT 40
#define STORE_MAX_ACCOUNT_ID ((INT64_C(1) << 22) - 1)
#define STORE_LEDGER_FORMAT "libpaper-ledger"

static inline int64_t store_key(int64_t account, uint64_t n)
{
	return (account << STORE_KEY_SHIFT) + (int64_t)n;
}

typedef enum store_sql {
	SQL_INS_ORDER_FULL,
	SQL_INS_FILL,
	SQL_INS_FILL_TRADE,
	SQL_INS_ORDER_CHANGE,
	SQL_INS_SNAPSHOT,
	SQL_INS_HALT,
	SQL_INS_ACCOUNT_RESTORED,
	SQL_INS_POSITION_RESTORED,
	SQL_INS_ORDER_ROW,
	SQL_UPD_ORDER_ROW,
	SQL_PUT_ACCOUNT_STATE,
	SQL_PUT_POSITION_STATE,
	SQL_PUT_MARK,
	SQL_ADD_ACCOUNT,        /* the backend returns the new id its own way */
	SQL_PUT_CONFIG,
	SQL_DEL_CONFIG,
	SQL_FIND_ACCOUNT,
	SQL_COUNT_ACCOUNTS,
	SQL_ACCOUNT_NAME,
	SQL_EACH_CONFIG,
	SQL_EACH_EVENT,
	SQL_EACH_MARK,
	SQL_EACH_ORDER,
	SQL_EACH_TRADE,
	SQL_LAST_EVENT,
	SQL_DECISION_ADD,       /* the backend returns the new id its own way */
	SQL_DECISIONS_PENDING,
	SQL_EACH_DECISION,
	SQL_DECISION_PUT,
	SQL_DECISION_MARK,
	SQL_DECISION_STATUS,
	SQL_PUT_BOOKMARK,
	SQL_GET_BOOKMARK,
	SQL_PUT_PRICE,          /* store_prices.c binds and reads these four */
	SQL_PUT_FEED_HEALTH,
	SQL_EACH_PRICE,
	SQL_EACH_FEED_HEALTH,
	SQL__COUNT
} store_sql;

extern const char *const store_sql_text[SQL__COUNT];

/* Parameters, bound in statement order. A text must outlive the statement's run. */
typedef struct row_out row_out;
struct row_out {
	void (*i64)(row_out *o, int64_t v);
	void (*f64)(row_out *o, double v);
	void (*text)(row_out *o, const char *v);
	void (*null)(row_out *o);
};

/*
 * Columns of the current result row, by index. NULL reads as 0 or "". text copies into buf and
 * gives PAPER_ECORRUPT, naming what and the ledger, when the value is longer than cap - 1 bytes
 * or holds a NUL: a stored value no writer of this library could have made.
 */
typedef struct row_in row_in;
struct row_in {
	const char *ledger; /* for messages */
	int64_t (*i64)(const row_in *in, int col);
	double (*f64)(const row_in *in, int col);
	int (*text)(const row_in *in, int col, char *buf, size_t cap, const char *what);
	/* The text as stored, NULL for NULL; valid until the next row. */
	const char *(*raw)(const row_in *in, int col);
};

/* ---- writing ---- */

/* The INSERT of an event's row, and its parameters. */
store_sql store_event_sql(const store_rec *r);
void store_bind_event(row_out *o, store_sql id, const store_rec *r);

/* The order's row (SQL_INS_ORDER_ROW or SQL_UPD_ORDER_ROW as w->order says). */
store_sql store_order_row_sql(const store_writes *w);
void store_bind_order_row(row_out *o, const store_rec *r, const store_writes *w);

void store_bind_account_state(row_out *o, const store_rec *r);
void store_bind_position_state(row_out *o, const store_rec *r);
void store_bind_mark(row_out *o, const store_mark *m);
void store_bind_decision_add(row_out *o, const char *account, const paper_decision *d);
void store_bind_decision_put(row_out *o, const char *account, const store_decision *d);
void store_bind_decision_mark(row_out *o, int64_t id, paper_decision_status status,
			      uint64_t order_id, paper_ts now, const char *outcome);
void store_bind_bookmark(row_out *o, const store_bookmark *b);

/* The first and last key of an account's range, for the *_EACH_* and LAST_EVENT statements;
 * or of its part from the from-th row on. */
void store_bind_range(row_out *o, int64_t account);
void store_bind_range_from(row_out *o, int64_t account, uint64_t from);

/* The columns an event writes, as text: two records are the same event in the log when their
 * texts are equal. g_free(). */
char *store_event_text(const store_rec *r);

/* ---- reading ---- */

int store_read_event(const row_in *in, store_rec *r);                   /* SQL_EACH_EVENT */

/*
 * Walking SQL_EACH_EVENT rows into a callback: one record reused for every row, so memory
 * stays flat however long the log is. Allocate with store_event_walk_new, pass
 * store_event_walk_row as the row callback, free with g_free.
 */
typedef struct store_event_walk {
	int64_t account;
	store_rec_cb cb;
	void *ctx;
	store_rec rec;
} store_event_walk;

store_event_walk *store_event_walk_new(int64_t account, store_rec_cb cb, void *ctx);
int store_event_walk_row(const row_in *in, void *walk);

/* Walking marks, orders, trades and decisions into a callback; pass the *_walk_row function
 * as the row callback and the walk as its context. */
typedef struct store_mark_walk {
	int64_t account;
	store_mark_cb cb;
	void *ctx;
} store_mark_walk;

/* The callback by kind: function pointers do not convert to void * in ISO C. */
typedef struct store_item_walk {
	union {
		store_order_cb order;
		store_trade_cb trade;
		store_decision_cb decision;
	} cb;
	void *ctx;
} store_item_walk;

int store_mark_walk_row(const row_in *in, void *walk);     /* store_mark_walk */
int store_order_walk_row(const row_in *in, void *walk);    /* store_item_walk, .cb.order */
int store_trade_walk_row(const row_in *in, void *walk);    /* store_item_walk, .cb.trade */
int store_decision_walk_row(const row_in *in, void *walk); /* store_item_walk, .cb.decision */
int store_read_order(const row_in *in, order *o, char *symbol);         /* SQL_EACH_ORDER */
int store_read_trade(const row_in *in, trade *t, char *symbol);         /* SQL_EACH_TRADE */
int store_read_mark(const row_in *in, int64_t account, store_mark *m);  /* SQL_EACH_MARK */
/*
 * SQL_DECISIONS_PENDING and SQL_EACH_DECISION. PAPER_EFORMAT, why filled, for a row the reader
 * cannot take (a symbol that is not a valid one of at most 31 bytes, a bad side or
 * confidence): d is read all the same, its symbol made printable and cut.
 */
int store_read_decision(const row_in *in, store_decision *d, char *why, size_t why_cap);

/* Pending rows into out, those it cannot take into bad (store_bad_decision). */
typedef struct store_pending_walk {
	paper_decision *out;
	size_t n;
	GArray *bad;
} store_pending_walk;
int store_pending_walk_row(const row_in *in, void *walk);

/* ---- live prices and feed health (store_prices.c) ---- */

void store_bind_price(row_out *o, const store_price *p);
void store_bind_feed_health(row_out *o, const store_feed_health *h);

typedef struct store_price_walk {
	int64_t account;
	store_price_cb cb;
	void *ctx;
} store_price_walk;

typedef struct store_health_walk {
	int64_t account;
	store_feed_health_cb cb;
	void *ctx;
} store_health_walk;

int store_price_walk_row(const row_in *in, void *walk);  /* store_price_walk: SQL_EACH_PRICE */
int store_health_walk_row(const row_in *in, void *walk); /* store_health_walk */

#endif
