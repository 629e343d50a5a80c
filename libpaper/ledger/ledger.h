/*
 * Private: the ledger's state, shared by its parts — ledger.c (the handle, accounts,
 * decisions), ledger_bookmark.c, ledger_sink.c (brokers writing through it), ledger_replay.c (rebuilding a broker
 * from the log), ledger_reconnect.c (a server backend's lost connection), ledger_copy.c,
 * ledger_export.c and ledger_import.c.
 */
#ifndef PAPER_PRIV_LEDGER_H
#define PAPER_PRIV_LEDGER_H

#include <paper/ledger.h>

#include "ledger/store.h"
#include "market/broker.h"

/* A broker driving one account through this ledger. */
typedef struct attachment {
	paper_ledger *l;
	paper_broker *b;
	int64_t account;
	char name[PAPER_TAG_MAX + 1];
	uint64_t next_seq; /* seq of the account's next event */
	size_t pending;    /* of its records in the uncommitted batch */
	store_lock *lock;
	/* Each symbol's mark as last queued for storage, to store only the changed ones. */
	struct saved_mark { paper_ts ts; int64_t price; } *saved;
	uint32_t n_saved;
} attachment;

struct paper_ledger {
	const store_ops *ops;
	store *st;
	char *location;       /* for messages: passwords redacted (location.h) */
	paper_ledger_options opts;
	GPtrArray *attached;  /* attachment *: brokers writing through this ledger */
	/*
	 * Records of the attached brokers not yet committed, with the marks to commit alongside.
	 * Kept in memory, not in an open transaction, so that between group commits this ledger
	 * holds no write lock another process would have to wait for.
	 */
	GArray *batch;        /* store_rec */
	GArray *marks;        /* store_mark */
	GArray *bookmarks;    /* store_bookmark: committed with the batch (ledger_bookmark.c) */
	GArray *prices;       /* store_price: live prices to commit with the batch */
	GArray *health;       /* store_feed_health: the latest of each feed, likewise */
	int64_t batch_start;  /* monotonic µs when the batch's first record came */
};

/* ---- ledger_sink.c ---- */

/* Make b write through l as account; takes ownership of lock (NULL for none). */
void ledger_attach(paper_ledger *l, paper_broker *b, int64_t account, const char *name,
		   uint64_t next_seq, store_lock *lock);

/* ---- ledger_contracts.c ---- */

/* Keep the contracts defined through the API on b (just attached) with its account's config. */
void ledger_keep_contracts(paper_broker *b);

/* Commit the batch. On failure, brokers whose applied events were lost are failed. */
int ledger_commit_batch(paper_ledger *l);

/*
 * The record of event ev, which broker b (in its state before the event) is about to apply as
 * the seq-th event of account: the log row and the query rows derived from it.
 */
int ledger_record(int64_t account, uint64_t seq, const paper_broker *b, const event *ev,
		  store_rec *r);

/* The derived rows a record writes when it is committed on its own. */
store_writes ledger_writes_one(const store_rec *r);

/* The ledger is closing under its brokers: flush, then cut them loose, refusing changes. */
void ledger_detach_all(paper_ledger *l);

/* Microseconds on the monotonic and on the wall clock. */
int64_t ledger_monotonic_us(void);
paper_ts ledger_wall_us(void);

/* ---- ledger.c ---- */

/* PAPER_ESTATE naming what cannot be done when the ledger is open read-only. */
int ledger_writable(const paper_ledger *l, const char *what);

/* Open read-only, without the storage's quick check on open (paper_ledger_check() runs the
 * full one itself). */
int ledger_open_unchecked(paper_ledger **out, const char *location);

/* An account's id by name (PAPER_ENOTFOUND naming it). */
int ledger_find_account(paper_ledger *l, const char *account, int64_t *id);
/* ---- ledger_sink.c: what waits with the batch besides its records ---- */

/* Something waits to be committed besides the records: marks, bookmarks, prices, feed
 * health. */
bool ledger_extras_pending(const paper_ledger *l);
/* Write the waiting prices and feed health (inside the batch's transaction). */
int ledger_write_extras(paper_ledger *l);
void ledger_clear_extras(paper_ledger *l);

/* ---- ledger_reconnect.c ---- */

/*
 * Before using the store: when its connection was lost, a new one, on which every attached
 * broker takes its account back and finds its log as it left it (or is cut off: failed, its
 * waiting events dropped). PAPER_EIO naming the server when none can be made.
 */
int ledger_connect(paper_ledger *l);

/* After a failed call: true when the connection had been lost and a new one is up (checked as
 * by ledger_connect), so a read can be tried again. */
bool ledger_reconnected(paper_ledger *l);

typedef enum ledger_outcome {
	LEDGER_LOST,      /* no new connection, or the log is not as expected: the batch is lost */
	LEDGER_COMMITTED, /* the failed commit did happen (its answer was lost) */
	LEDGER_RETRY,     /* it did not: write the batch again on the new connection */
} ledger_outcome;

/* After a failed group commit: what became of it, on a new connection. */
ledger_outcome ledger_recover(paper_ledger *l);

/* ---- ledger_export.c ---- */

/* Exact decimal of a fixed-point amount, without trailing zeros: "101.1", "-3", "0.00000001".
 * buf holds FX_TEXT_CAP (fxtext.h) bytes. */
const char *ledger_fx_text(char *buf, int64_t v);

/* ---- ledger_replay.c ---- */

/* The config an account was created with, rebuilt from the store. */
int ledger_load_config(paper_ledger *l, int64_t account, const char *name, paper_config **out);

/*
 * A broker rebuilt from an account's log and marks, detached. The caller holds a transaction
 * so the log and the marks are read as one state. next_seq (may be NULL) receives the seq the
 * account's next event takes.
 */
int ledger_rebuild(paper_ledger *l, int64_t account, const char *name, paper_broker **out,
		   uint64_t *next_seq);

/*
 * ledger_rebuild, calling hook with each event as the broker is about to replay it (b in its
 * state before the event; r the stored record); a non-zero return stops the rebuild.
 */
typedef int (*ledger_replay_hook)(void *ctx, const paper_broker *b, const event *ev,
				  const store_rec *r);
int ledger_rebuild_with(paper_ledger *l, int64_t account, const char *name,
			ledger_replay_hook hook, void *hook_ctx, paper_broker **out,
			uint64_t *next_seq);

/*
 * Run fn inside a read transaction of its own. One that fails because the server's connection
 * was lost is run once more on a new connection; not with ledger_read_once, for a caller that
 * holds an account lock (the lost connection took the lock with it).
 */
int ledger_read(paper_ledger *l, int (*fn)(paper_ledger *l, void *ctx), void *ctx);
int ledger_read_once(paper_ledger *l, int (*fn)(paper_ledger *l, void *ctx), void *ctx);

/* Run fn inside a write transaction; nothing fn wrote survives a failure. */
int ledger_write(paper_ledger *l, int (*fn)(paper_ledger *l, void *ctx), void *ctx);

/* Store an account and its config (inside a write transaction). */
int ledger_add_account(paper_ledger *l, const paper_config *cfg, const char *origin,
		       int64_t *id_out);

#endif
