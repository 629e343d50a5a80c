/* Helpers shared by the ledger suites: temporary directories, a random trading driver that
 * reaches every kind of event, and full comparisons of two brokers. */
#ifndef PAPER_LEDGERUTIL_H
#define PAPER_LEDGERUTIL_H

#include <glib.h>
#include <sys/stat.h>

#include "testutil.h"

/* A fresh directory under $TMPDIR (or /tmp); lu_rmtree() removes it. */
char *lu_tmpdir(void);
void lu_rmtree(const char *dir);

/* A config for random trading: costs on, loose limits, small bounded histories. */
paper_config *lu_config(const char *account);

paper_ledger *lu_open(const char *path, paper_durability mode, uint32_t batch_events);
/* Create the account in a new ledger at path and open its broker. */
paper_broker *lu_new_account(paper_ledger *l, const char *account);

typedef struct lu_sim {
	uint64_t rng;
	paper_ts ts;
	double px[3];
	double lo[3], hi[3];  /* range of each symbol's latest data, 0 = none */
	uint64_t ids[32];     /* recent order ids, for cancels and replaces */
	unsigned n_ids;
	uint64_t max_id;      /* highest order id seen */
	unsigned counts[16];  /* calls made, by kind */
} lu_sim;

void lu_sim_init(lu_sim *s, uint64_t seed);
uint64_t lu_next(lu_sim *s);
/* One random call: market data, an order of any type, a cancel, a replace, a mark, a
 * snapshot, a halt, an exit. Only the errors the API documents for it are accepted. */
void lu_step(paper_broker *b, lu_sim *s);

/* Everything observable equal: account (every field), positions, open orders, trades, fills,
 * equity curve, and every order id's lookup. */
void lu_assert_same(paper_broker *a, paper_broker *b, uint64_t max_id);
/* The first difference lu_assert_same() would report, or NULL; usable without Check (in
 * forked children). */
const char *lu_diff(paper_broker *a, paper_broker *b, uint64_t max_id);
/* cash == starting + realized - fees - long basis + short basis, exactly. */
void lu_assert_reconciles(paper_broker *b);

/* The file's bytes and modification time, to prove a failed open changed nothing. */
typedef struct lu_file {
	gchar *data;
	gsize len;
	struct stat st;
} lu_file;

lu_file lu_file_read(const char *path);
void lu_file_assert_unchanged(const char *path, const lu_file *before);
void lu_file_free(lu_file *f);
/* No -wal, -shm or -journal file beside path: SQLite never opened it for writing. */
void lu_assert_no_sidecars(const char *path);

#endif
