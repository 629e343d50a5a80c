/*
 * libpaper - the durable ledger.
 *
 * A paper_ledger stores the event log of one or more paper accounts, in a SQLite file (the
 * embedded default) or a PostgreSQL database (several hosts, SQL tools and dashboards). A broker attached to a ledger hands every event to it before it changes its state;
 * opening the account again replays the log and rebuilds cash, positions, open orders, trades
 * and snapshots exactly. docs/ledger.md describes the schema, what each durability mode can
 * lose, locking, exports and the decisions inbox.
 *
 * One account is driven by at most one broker at a time, across processes: a second
 * paper_ledger_open_broker() on the same account fails with PAPER_EBUSY (or waits up to
 * busy_timeout_ms). Readers (paper_ledger_load_broker(), exports) never take the account and
 * always see a consistent state.
 *
 * Ownership: a broker opened from a ledger borrows it; close the broker before the ledger.
 * Thread-safety: a ledger and its brokers belong to one thread at a time.
 */
#ifndef PAPER_LEDGER_H
#define PAPER_LEDGER_H

#include "broker.h"
#include "common.h"
#include "config.h"
#include "feed.h"

PAPER_BEGIN_DECLS

/** Opaque ledger handle. */
typedef struct paper_ledger paper_ledger;

/** What a crash or power loss may take. See docs/ledger.md. */
typedef enum paper_durability {
	/** Every event is committed (SQLite: synchronous=FULL; PostgreSQL: synchronous_commit
	 *  on) before the call returns: nothing acknowledged is ever lost, not even to a power
	 *  loss. Bounded by fsync (and a round trip to the server). */
	PAPER_DURABLE = 1,
	/** Events are committed in groups: when batch_events are waiting, when an event comes
	 *  batch_ms or more after the group's first, and on paper_ledger_flush(), when a broker is
	 *  freed and on paper_ledger_close(). A crash of the process loses the events not yet
	 *  committed; on SQLite a power loss may also lose groups committed since the last
	 *  checkpoint (synchronous=NORMAL; PostgreSQL commits each group with synchronous_commit
	 *  on). An event is never torn and the rebuilt account always satisfies every invariant.
	 *  A failed group commit fails its brokers (they refuse changes with PAPER_EIO until the
	 *  account is reopened); on PostgreSQL one that failed because the connection was lost is
	 *  first retried once on a new connection. */
	PAPER_BATCHED = 2,
} paper_durability;

typedef struct paper_ledger_options {
	unsigned int version;       /**< PAPER_LEDGER_OPTIONS_VERSION */
	paper_durability durability; /**< default PAPER_DURABLE */
	uint32_t batch_events;      /**< PAPER_BATCHED: events per group, 1..10^7 (default 1000) */
	uint32_t batch_ms;          /**< PAPER_BATCHED: a group this old commits with the next
				     *   event (default 50) */
	uint32_t busy_timeout_ms;   /**< wait this long for an account in use (default 0: refuse) */
	bool create;                /**< create the ledger if it does not exist (default true) */
	bool read_only;             /**< open for reading only, never writing (default false) */
} paper_ledger_options;

#define PAPER_LEDGER_OPTIONS_VERSION 1
#define PAPER_LEDGER_OPTIONS_INIT                                                        \
	{ .version = PAPER_LEDGER_OPTIONS_VERSION, .durability = PAPER_DURABLE,            \
	  .batch_events = 1000, .batch_ms = 50, .busy_timeout_ms = 0, .create = true,      \
	  .read_only = false }

/**
 * A ledger location fit to print, log or store: every password in it — the `user:secret@` of a
 * `postgresql://` URI, a `password=` or `sslpassword=` query parameter or libpq keyword, in any
 * case — replaced by `***` (`postgresql://paper:***@db1/paper`, `host=db1 password=***`). A file
 * path is returned as it is. The library itself never prints, logs or stores a location any
 * other way (docs/security.md).
 * @param location the location, as given to paper_ledger_open().
 * @param buf receives the text, NUL-terminated and cut to cap - 1 bytes; may be NULL when cap
 *        is 0 (to learn the length).
 * @param cap size of buf.
 * @param len_out (may be NULL) receives the length of the whole text, without the NUL.
 * @return PAPER_OK; PAPER_EINVAL for a NULL location, or a NULL buf with cap > 0.
 * @since 1.1
 */
PAPER_API int paper_ledger_location_redact(const char *location, char *buf, size_t cap,
					   size_t *len_out);

/**
 * Open (or create) a ledger.
 * @param out receives the ledger, owned by the caller (paper_ledger_close()).
 * @param location a file path (SQLite); or a `postgresql://` / `postgres://` URI or a libpq
 *        keyword string (`host=db1 dbname=paper`) naming a PostgreSQL database, whose current
 *        schema (search_path) holds the ledger (docs/ledger.md, "Backends").
 * @param opts NULL for the defaults.
 * @return PAPER_OK; PAPER_ENOTFOUND (no such file, or an empty schema, and create is false or
 *         read_only is set); PAPER_EIO (cannot open or create it, a directory, read-only media
 *         without read_only, a server that cannot be reached — the message never shows a
 *         password); PAPER_ECORRUPT (not a paper ledger: empty, truncated, garbage, a foreign
 *         SQLite database or a schema holding other tables — never modified); PAPER_EVERSION
 *         (written by a newer libpaper, or a bad opts->version); PAPER_EUNSUPPORTED (a
 *         PostgreSQL location and a build without libpq); PAPER_EINVAL.
 */
PAPER_API int paper_ledger_open(paper_ledger **out, const char *location,
				const paper_ledger_options *opts);

/**
 * Flush and close. NULL is a harmless no-op. Free the brokers opened from it first: one still
 * open is cut loose (its events so far are flushed; it then refuses changes with PAPER_ESTATE).
 */
PAPER_API void paper_ledger_close(paper_ledger *l);

/**
 * Commit everything written so far (PAPER_BATCHED). @return PAPER_OK or PAPER_EIO (the group
 * is lost and the brokers that applied it are failed).
 */
PAPER_API int paper_ledger_flush(paper_ledger *l);

/**
 * Create an account named by the config's account.name, recording the config it runs with.
 * @return PAPER_OK; PAPER_ESTATE (the account exists, or the ledger is read-only);
 *         PAPER_ECONFIG/PAPER_ESAFETY (the config does not validate); PAPER_EIO.
 */
PAPER_API int paper_ledger_create_account(paper_ledger *l, const paper_config *cfg);

/**
 * Number of accounts (0 on error); their names by index, in creation order (copied into buf,
 * NUL-terminated; PAPER_ERANGE for an index past the end or a buffer too small).
 */
PAPER_API size_t paper_ledger_account_count(const paper_ledger *l);
PAPER_API int paper_ledger_account_name(const paper_ledger *l, size_t index, char *buf,
					size_t cap);

/**
 * The config an account runs with.
 * @param out receives a new config owned by the caller.
 */
PAPER_API int paper_ledger_account_config(paper_ledger *l, const char *account,
					  paper_config **out);

/**
 * Take an account and rebuild its broker from the log. From then on every event of the broker
 * is written to the ledger before it is applied. Freeing the broker releases the account.
 * @param out receives the broker (paper_broker_free()).
 * @return PAPER_OK; PAPER_ENOTFOUND (no such account); PAPER_EBUSY (another broker drives it,
 *         in this process or another); PAPER_ECORRUPT (the log breaks an invariant);
 *         PAPER_ESTATE (the ledger is open read-only); PAPER_EIO.
 */
PAPER_API int paper_ledger_open_broker(paper_ledger *l, const char *account, paper_broker **out);

/**
 * Rebuild an account's broker from the log without taking the account (for status, reports,
 * exports), inside one read transaction: a consistent state even while another process
 * trades. Events this ledger's own brokers have not committed yet are committed first. The
 * broker is detached: what it does is not written anywhere.
 * @return as paper_ledger_open_broker(), without PAPER_EBUSY and PAPER_ESTATE.
 */
PAPER_API int paper_ledger_load_broker(paper_ledger *l, const char *account, paper_broker **out);

/** Files paper_ledger_export() writes. */
#define PAPER_EXPORT_ORDERS 0x01u    /**< orders.csv */
#define PAPER_EXPORT_FILLS 0x02u     /**< fills.csv */
#define PAPER_EXPORT_POSITIONS 0x04u /**< positions.csv */
#define PAPER_EXPORT_PNL 0x08u       /**< pnl_ledger.csv: daily P&L */
#define PAPER_EXPORT_STATE 0x10u     /**< state.json: a snapshot paper_ledger_import() reads */
#define PAPER_EXPORT_TRADES 0x20u    /**< trades.csv */
#define PAPER_EXPORT_ALL 0x3fu

/**
 * Write an account's records into directory dir (created if missing), read in one transaction
 * so the files agree with each other. Each file replaces any of the same name atomically, once
 * complete, keeping its permissions; a symbolic link at one of the names is refused
 * (docs/formats.md, "How output files are written").
 * Every file is marked paper. Columns: docs/ledger.md.
 * @return PAPER_OK, PAPER_ENOTFOUND, PAPER_EINVAL (what is 0 or has unknown bits), PAPER_EIO.
 */
PAPER_API int paper_ledger_export(paper_ledger *l, const char *account, const char *dir,
				  unsigned int what);

/**
 * Start a new account from a state.json written by paper_ledger_export(): its config, cash,
 * realized P&L, fees and open positions. The new account is named new_account (NULL: the name
 * in the file). The saved state must reconcile exactly (cash == starting cash + realized P&L -
 * fees - long cost basis + short cost basis). Nothing is created unless everything succeeds.
 * @return PAPER_OK; PAPER_EFORMAT (malformed or inconsistent file; the message names the
 *         field); PAPER_EVERSION (a format_version this library does not read); PAPER_ESAFETY
 *         (its config could reach a live account); PAPER_EINVAL (new_account is not a valid
 *         name); PAPER_ESTATE (the account exists, or the ledger is read-only); PAPER_EIO.
 */
PAPER_API int paper_ledger_import(paper_ledger *l, const char *state_json,
				  const char *new_account);

/**
 * Copy accounts from one ledger into another, typically between backends (a SQLite file and a
 * PostgreSQL database, either way): each account's config, its whole event log, its marks and
 * its decisions. Each account is copied in one transaction of `to`, and only committed once
 * the account rebuilt from `to` equals the account rebuilt from `from` (cash, realized P&L,
 * fees, every position, open order, trade and fill): on any error nothing of that account is
 * kept. Every destination account is checked before anything is written: an account `to`
 * already has must have no events and the same config (as `paper init` leaves it), else
 * nothing is copied. Decisions keep their status, order and times but get new ids; reasoning
 * longer than 255 bytes is cut. docs/ledger.md, "Copying a ledger".
 * @param account the account to copy, or NULL for all of them (in creation order).
 * @param copied may be NULL; receives the number of accounts copied (when an account fails,
 *        those before it stay copied).
 * @return PAPER_OK; PAPER_ENOTFOUND (no such account in from); PAPER_ESTATE (`to` has the
 *         account with events or another config, or is read-only); PAPER_EBUSY (a broker
 *         drives the existing destination account); PAPER_ECORRUPT (the source log breaks an
 *         invariant, or the copy does not rebuild to the same state); PAPER_EINVAL (from ==
 *         to; or a tag that is not UTF-8, into PostgreSQL); PAPER_EIO.
 */
PAPER_API int paper_ledger_copy(paper_ledger *from, paper_ledger *to, const char *account,
				size_t *copied);

/** Status of a decision in the inbox. */
typedef enum paper_decision_status {
	PAPER_DECISION_PENDING = 0,
	PAPER_DECISION_EXECUTED = 1,
	PAPER_DECISION_SKIPPED = 2,
	PAPER_DECISION_REJECTED = 3,
} paper_decision_status;

/**
 * A row of the decisions inbox: a decision any program may INSERT (SQL) or add here; the
 * orchestrator executes or skips it and marks it, never deletes it.
 */
typedef struct paper_decision {
	unsigned int version;      /**< PAPER_DECISION_VERSION */
	int64_t id;                /**< set by the ledger */
	paper_ts created_ts;
	char symbol[PAPER_SYMBOL_MAX + 1];
	paper_side side;           /**< BUY: go long; SELL: go short */
	double confidence;         /**< [0, 1] */
	double take_profit;        /**< absolute price, 0 = none */
	double stop_loss;          /**< absolute price, 0 = none */
	char reasoning[256];       /**< free text, truncated to fit; no control characters */
	paper_decision_status status;
	uint64_t order_id;         /**< the entry order, when executed */
	/* Version 2 (libpaper 1.1): */
	double risk;               /**< [0, 1]: fraction sizing scales by 1 - 0.5 x risk (0: none) */
	double current_price;      /**< the price the decision was made at, 0 = none: the entry is
				    *   sized at it and the slippage measured from it; it is never a
				    *   fill price (the entry fills on the next price seen) */
} paper_decision;

/* Version 2 adds risk and current_price. Version 1 structs (without them) are still accepted:
   paper_ledger_decision_add() takes their risk and current_price as 0, and
   paper_ledger_decisions_pending() fills an array of them (its stride is theirs). */
#define PAPER_DECISION_VERSION 2
#define PAPER_DECISION_INIT { .version = PAPER_DECISION_VERSION }

/**
 * Add a pending decision for an account. created_ts 0 means now; reasoning is cut to fit
 * (never inside a UTF-8 character).
 * @param id_out may be NULL.
 * @return PAPER_OK; PAPER_EINVAL (bad symbol, side, confidence or risk; reasoning holding a
 *         control character — LF and TAB included — or bytes that are not UTF-8); PAPER_EPRICE
 *         (a negative or non-finite target or current_price); PAPER_ENOTFOUND (no such
 *         account); PAPER_EVERSION; PAPER_ESTATE (read-only ledger); PAPER_EIO.
 */
PAPER_API int paper_ledger_decision_add(paper_ledger *l, const char *account,
					const paper_decision *d, int64_t *id_out);

/**
 * The oldest pending decisions of an account (by created_ts, then id), at most cap, into
 * out[0..*count). Each out[i].version must be the same, 1 or PAPER_DECISION_VERSION (an array
 * of version 1 structs is filled as one, without risk and current_price). Any program may write
 * the inbox: a row that cannot be taken (a symbol that is not a valid symbol of at most 31
 * bytes, with a NUL, a bad side or confidence) is not returned but marked rejected, its
 * outcome saying why, so it never holds up the rows after it (a read-only ledger just skips
 * it).
 * @return PAPER_OK, PAPER_ENOTFOUND, PAPER_EVERSION, PAPER_EINVAL, PAPER_EIO.
 */
PAPER_API int paper_ledger_decisions_pending(paper_ledger *l, const char *account,
					     paper_decision *out, size_t cap, size_t *count);

/**
 * Mark a pending decision executed, skipped or rejected (it is never deleted).
 * @return PAPER_OK; PAPER_ENOTFOUND (no such id); PAPER_ESTATE (already processed, or the
 *         ledger is read-only); PAPER_EINVAL (status PENDING or unknown).
 */
PAPER_API int paper_ledger_decision_mark(paper_ledger *l, int64_t id,
					 paper_decision_status status, uint64_t order_id);

/**
 * The start of the outcome of a decision rejected because the broker refused its order,
 * followed by the reject reason's name (paper_reject_reason_str()):
 * "order refused: max_position_fraction". The refused order is already one of the account's
 * rejections, so the readiness gate and `paper status` do not count such a decision as a
 * second error; the reasons group by name.
 * @since 1.1
 */
#define PAPER_DECISION_ORDER_REFUSED "order refused: "

/**
 * paper_ledger_decision_mark() with the decision's outcome, kept in the inbox's `outcome`
 * column: why it was skipped or rejected, or what executing it did. Free text, stored cut to
 * 255 bytes of valid UTF-8 with control characters replaced by spaces; NULL is "".
 * @return as paper_ledger_decision_mark().
 * @since 1.1
 */
PAPER_API int paper_ledger_decision_mark_outcome(paper_ledger *l, int64_t id,
						 paper_decision_status status, uint64_t order_id,
						 const char *outcome);

/** How many of an account's decisions have each status (paper_ledger_decision_counts()). */
typedef struct paper_decision_counts {
	unsigned int version;      /**< PAPER_DECISION_COUNTS_VERSION */
	uint64_t pending;          /**< waiting (rows the reader cannot take count as rejected) */
	uint64_t executed;
	uint64_t skipped;          /**< not acted on: low confidence, a position already open, ... */
	uint64_t rejected;         /**< refused: a symbol not allowed, targets on the wrong side,
				    *   the broker's limits, a row that cannot be read */
} paper_decision_counts;

#define PAPER_DECISION_COUNTS_VERSION 1
#define PAPER_DECISION_COUNTS_INIT { .version = PAPER_DECISION_COUNTS_VERSION }

/**
 * Count an account's decisions by status. Rejected decisions are refusals as much as rejected
 * orders are: the dashboard and `paper status` count them with the account's errors.
 * @param out receives the counts; its version must be set.
 * @return PAPER_OK, PAPER_ENOTFOUND (no such account), PAPER_EVERSION, PAPER_EINVAL,
 *         PAPER_EIO.
 * @since 1.1
 */
PAPER_API int paper_ledger_decision_counts(paper_ledger *l, const char *account,
					   paper_decision_counts *out);

/** Called by paper_ledger_decision_outcomes() for each outcome; outcome is valid during the
 *  call only ("" for decisions marked without one). */
typedef void (*paper_decision_outcome_cb)(const char *outcome, uint64_t count, void *payload);

/**
 * The outcomes (reasons) of an account's decisions of one status, each with how many carry
 * it: the most frequent first, equal counts in byte order of the text. For the reasons of
 * refusals: status PAPER_DECISION_REJECTED (or SKIPPED).
 * @param cb called once per distinct outcome.
 * @return PAPER_OK, PAPER_ENOTFOUND, PAPER_EINVAL (a NULL argument or a bad status),
 *         PAPER_ENOMEM, PAPER_EIO.
 * @since 1.1
 */
PAPER_API int paper_ledger_decision_outcomes(paper_ledger *l, const char *account,
					     paper_decision_status status,
					     paper_decision_outcome_cb cb, void *payload);

/** A row of the decisions inbox with what became of it (paper_ledger_each_decision()). */
typedef struct paper_decision_record {
	unsigned int version;      /**< PAPER_DECISION_RECORD_VERSION (set by the ledger) */
	paper_decision decision;   /**< the row (a PAPER_DECISION_VERSION struct); a row that cannot
				    *   be read (see readable) has the symbol shown escaped */
	paper_ts processed_ts;     /**< when it was marked (the ledger's wall clock); 0: pending */
	const char *outcome;       /**< why it was marked so ("" when none given); valid during the
				    *   call only */
	bool readable;             /**< false: a row any program wrote that the reader cannot take
				    *   (a bad symbol, side, confidence, risk or current_price); one
				    *   still pending is given with status REJECTED and the reason as
				    *   its outcome, as paper_ledger_decisions_pending() would mark it */
} paper_decision_record;

#define PAPER_DECISION_RECORD_VERSION 1

/** Which decisions paper_ledger_each_decision() gives. Initialise with
 *  PAPER_DECISION_FILTER_INIT. */
typedef struct paper_decision_filter {
	unsigned int version;      /**< PAPER_DECISION_FILTER_VERSION */
	paper_ts from;             /**< created_ts at or after this; 0: from the first */
	paper_ts to;               /**< created_ts before this; 0: to the last */
	int status;                /**< only this paper_decision_status; -1: every status */
} paper_decision_filter;

#define PAPER_DECISION_FILTER_VERSION 1
#define PAPER_DECISION_FILTER_INIT                                                         \
	{ .version = PAPER_DECISION_FILTER_VERSION, .from = 0, .to = 0, .status = -1 }

/** Called by paper_ledger_each_decision() with each decision; a non-zero return stops the
 *  walk and is returned. The record is valid during the call only. */
typedef int (*paper_decision_cb)(const paper_decision_record *r, void *payload);

/**
 * Every decision of an account's inbox, whatever became of it (pending, executed, skipped or
 * rejected, with its outcome and when it was marked), in the order they were added (by id):
 * what a backtest of the account's decisions replays (paper drift) and where the refusals'
 * times come from (the readiness gate). Read only; memory does not grow with their number.
 * @param filter NULL: every decision.
 * @return PAPER_OK; the callback's non-zero return; PAPER_ENOTFOUND (no such account);
 *         PAPER_EINVAL (a NULL argument, a bad status, to before from); PAPER_EVERSION;
 *         PAPER_EIO.
 * @since 1.1
 */
PAPER_API int paper_ledger_each_decision(paper_ledger *l, const char *account,
					 const paper_decision_filter *filter,
					 paper_decision_cb cb, void *payload);

/**
 * The orders an account placed with a signal id (paper_order_request.signal_id), oldest
 * first, from the ledger's orders table: every order it ever accepted, open or closed, however
 * long ago. What a program needs to place something once only, across restarts: look its
 * signal id up before submitting (paper execute does, for the rows of a plan). Orders refused
 * when submitted have no id and are not listed.
 * @param signal_id 1 to PAPER_ID_MAX bytes.
 * @param ids receives up to cap order ids (may be NULL when cap is 0).
 * @param count receives how many orders have the signal id (may be more than cap).
 * @return PAPER_OK (count 0 when none); PAPER_ENOTFOUND (no such account); PAPER_EINVAL;
 *         PAPER_EIO.
 * @since 1.1
 */
PAPER_API int paper_ledger_signal_orders(paper_ledger *l, const char *account,
					 const char *signal_id, uint64_t *ids, size_t cap,
					 size_t *count);

/** One finding of paper_ledger_check(). Strings are valid during the callback only. */
typedef struct paper_check_item {
	unsigned int version;      /**< PAPER_CHECK_ITEM_VERSION */
	const char *part;          /**< "storage", or "account" */
	const char *account;       /**< the account's name; "" for the storage */
	bool ok;                   /**< this part is sound */
	const char *problem;       /**< when not ok: what is wrong (no control characters); else
				    *   NULL */
	uint64_t events;           /**< an account: the events of its log */
} paper_check_item;

#define PAPER_CHECK_ITEM_VERSION 1

/** Called by paper_ledger_check() for each part checked and each problem found. */
typedef void (*paper_check_cb)(const paper_check_item *item, void *payload);

/**
 * Check a ledger through and through, reading it only (it is opened read-only, and not
 * refused for the damage paper_ledger_open() refuses it for, so the damage can be reported).
 * The storage first: on SQLite PRAGMA integrity_check, every page and every index (a server
 * keeps its own storage consistent and is not checked). Then every account: its whole event log
 * replayed through the broker's own checks, and its orders table compared with the orders the
 * log rebuilds. cb gets one item per problem, and one ok item for each part without any.
 * Minutes on a ledger of gigabytes. docs/ledger.md, "Checking a ledger".
 * @param cb may be NULL.
 * @return PAPER_OK (sound); PAPER_ECORRUPT (a problem found: not a ledger, damaged storage, a
 *         log or a table that does not agree; each given to cb); PAPER_ENOTFOUND (no ledger
 *         there); PAPER_EVERSION (a newer schema, or an older one not upgraded yet);
 *         PAPER_EUNSUPPORTED; PAPER_EIO; PAPER_EINVAL.
 * @since 1.1
 */
PAPER_API int paper_ledger_check(const char *location, paper_check_cb cb, void *payload);

/** Longest bookmark value, in bytes (without the NUL). */
#define PAPER_BOOKMARK_VALUE_MAX 4096

/**
 * Keep a bookmark with an account: a small text the program driving the account finds again
 * after a restart or a crash (paper run keeps how far it has read its price file). It is not
 * written at once but in the same transaction as the next events this ledger commits (with
 * PAPER_DURABLE: the next event of a broker attached to it), or by paper_ledger_flush(), a
 * broker's release or paper_ledger_close(), whichever comes first. So a bookmark set before a
 * piece of data goes to the broker is stored together with what that data caused: a crash
 * never leaves the events without the bookmark. Setting it again before then replaces it.
 * @param name 1 to 64 bytes of A-Z a-z 0-9 . _ : -
 * @param value UTF-8 text, at most PAPER_BOOKMARK_VALUE_MAX bytes.
 * @return PAPER_OK; PAPER_EINVAL (a bad name or value); PAPER_ENOTFOUND (no such account);
 *         PAPER_ESTATE (the ledger is read-only); PAPER_EIO.
 * @since 1.1
 */
PAPER_API int paper_ledger_bookmark_set(paper_ledger *l, const char *account, const char *name,
					const char *value);

/**
 * A bookmark's value as last set through this ledger, else as stored; NUL-terminated in buf
 * (PAPER_BOOKMARK_VALUE_MAX + 1 bytes always suffice).
 * @return PAPER_OK; PAPER_ENOTFOUND (no such account, or no such bookmark); PAPER_ERANGE (buf
 *         too small); PAPER_EINVAL; PAPER_EIO.
 * @since 1.1
 */
PAPER_API int paper_ledger_bookmark_get(paper_ledger *l, const char *account, const char *name,
					char *buf, size_t cap);

/* ---- live prices: what the account acted on, and its feeds' health (since 1.1) ---- */

/** What a recorded price was. The values are those of paper_feed_msg_type. */
typedef enum paper_price_kind {
	PAPER_PRICE_QUOTE = 1,
	PAPER_PRICE_TRADE = 2,
	PAPER_PRICE_BAR = 3,
} paper_price_kind;

/** Recorded price flags (bit set). */
#define PAPER_PRICE_FLAG_BACKFILL 0x1u  /**< a bar the feed refilled by REST after a gap */
#define PAPER_PRICE_FLAG_RECV_TIME 0x2u /**< the venue gave no time: ts is the receive time */
#define PAPER_PRICE_FLAG_STALE 0x4u     /**< older than feed.max_staleness_s when it came: not
					 *   given to the account (nothing filled on it) */

/**
 * A live price as the account received it, in the order it was applied: a paper session can
 * be replayed from these bit for bit (docs/feeds.md, "Record and replay").
 */
typedef struct paper_price_record {
	unsigned int version;       /**< PAPER_PRICE_RECORD_VERSION */
	paper_price_kind kind;
	char symbol[PAPER_SYMBOL_MAX + 1];
	char source[64];            /**< the feed it came from ("coinbase:BTC-USD"); "" none */
	paper_ts ts;                /**< venue time (a bar's open) */
	paper_ts recv_ts;           /**< when it arrived */
	paper_ts applied_ts;        /**< when the account took it (wall clock) */
	double price;               /**< QUOTE, TRADE: the one price applied (last, else mid) */
	double bid, ask;            /**< QUOTE: 0 when unknown */
	double open, high, low, close, volume; /**< BAR; TRADE: volume is its size */
	paper_ts interval;          /**< BAR: its length in microseconds */
	uint32_t flags;             /**< PAPER_PRICE_FLAG_* */
	uint64_t event_seq;         /**< read back: the account's events recorded before it */
	/** Read back: the exact stored values of price, bid, ask, open, high, low, close, volume. */
	int64_t price_e8, bid_e8, ask_e8, open_e8, high_e8, low_e8, close_e8, volume_e8;
} paper_price_record;

#define PAPER_PRICE_RECORD_VERSION 1
#define PAPER_PRICE_RECORD_INIT { .version = PAPER_PRICE_RECORD_VERSION }

/**
 * Record a price for an account, before handing it to the account's broker. It is written
 * with the next events this ledger commits (the fills it causes: one transaction), or by
 * paper_ledger_flush(); records are kept in the order given. Prices are stored exactly in
 * fixed point (1e-8).
 * @return PAPER_OK; PAPER_EINVAL (bad kind, symbol or price: non-finite, negative, a bar whose
 *         high is below its low); PAPER_EVERSION; PAPER_ENOTFOUND (no such account);
 *         PAPER_ESTATE (read-only ledger); PAPER_EIO.
 * @since 1.1
 */
PAPER_API int paper_ledger_record_price(paper_ledger *l, const char *account,
					const paper_price_record *p);

/** Called with each recorded price, oldest first; a non-zero return stops the walk. */
typedef int (*paper_price_cb)(const paper_price_record *p, void *payload);

/**
 * Every recorded price of an account, in the order it was applied (committed ones first:
 * call paper_ledger_flush() to include the rest). Memory does not grow with their number.
 * @return PAPER_OK; the callback's non-zero return; PAPER_ENOTFOUND; PAPER_EINVAL; PAPER_EIO.
 * @since 1.1
 */
PAPER_API int paper_ledger_each_price(paper_ledger *l, const char *account, paper_price_cb cb,
				      void *payload);

/**
 * Keep a feed's health with an account (one row per source, replaced each time), so another
 * process (`paper status`, the dashboard) can show it. Written like paper_ledger_record_price().
 * @return PAPER_OK, PAPER_EINVAL, PAPER_EVERSION, PAPER_ENOTFOUND, PAPER_ESTATE, PAPER_EIO.
 * @since 1.1
 */
PAPER_API int paper_ledger_set_feed_health(paper_ledger *l, const char *account,
					   const paper_feed_health_info *h);

/** Called with each feed's health and when it was written (wall clock). */
typedef int (*paper_feed_health_cb)(const paper_feed_health_info *h, paper_ts written_ts,
				    void *payload);

/**
 * The feeds' health kept with an account, by source.
 * @return PAPER_OK; the callback's non-zero return; PAPER_ENOTFOUND; PAPER_EINVAL; PAPER_EIO.
 * @since 1.1
 */
PAPER_API int paper_ledger_each_feed_health(paper_ledger *l, const char *account,
					    paper_feed_health_cb cb, void *payload);

PAPER_END_DECLS

#endif /* PAPER_LEDGER_H */
