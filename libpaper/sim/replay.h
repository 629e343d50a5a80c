/*
 * Private: the replay's state. replay.c drives the merge and the run, replay_bars.c reads
 * bars (CSV files and in-memory columns), replay_signals.c reads signals, replay_out.c writes
 * the trades file, the daily rows and the summaries.
 */
#ifndef PAPER_PRIV_REPLAY_H
#define PAPER_PRIV_REPLAY_H

#include <glib.h>
#include <paper/error.h>
#include <paper/replay.h>
#include <stdio.h>

#include "base/atomicfile.h"
#include "base/csvread.h"
#include "base/tstext.h"
#include "sim/bar_dialect.h"
#include "sim/session.h"

/* One bar as the merge carries it: symbol index in the broker, values in 1e-8. */
typedef struct bar_row {
	paper_ts ts;
	uint32_t sym;
	int64_t v[5]; /* open, high, low, close, volume */
	uint64_t line; /* line in its file, or row index of columns */
} bar_row;

typedef enum bar_col { COL_TS, COL_SYMBOL, COL_OPEN, COL_HIGH, COL_LOW, COL_CLOSE, COL_VOLUME,
		       COL__N } bar_col;

typedef enum src_kind { SRC_CSV, SRC_COLUMNS } src_kind;

/* A symbol seen in a file with a symbol column, to skip the hash look-up. */
typedef struct sym_hint {
	char name[PAPER_SYMBOL_MAX + 1];
	size_t len;
	uint32_t sym;
} sym_hint;

#define SYM_HINTS 16

typedef struct bar_src {
	src_kind kind;
	char *name;            /* the path, or "columns #N" */
	uint32_t order;        /* ties between sources go to the one added first */
	bar_row cur;           /* CSV: the row read last */
	const bar_row *at;     /* the row the merge sees next: &cur, or a row of the block */
	paper_ts prev_ts;      /* rows of one source are in time order (INT64_MIN: none yet) */
	uint64_t prev_line;
	const struct bar_src *head; /* a group of a file grouped by symbol: the file's first */
	uint32_t groups;       /* a file's head: its groups (1 when not grouped) */
	uint64_t rows;         /* rows read (CSV; columns: rows taken) */
	uint64_t skipped;      /* bad rows skipped (skip_bad_rows) */
	char *first_skip;      /* why the first of them was bad */
	/* CSV */
	csv_reader csv;
	bar_layout L;          /* the file's dialect */
	int8_t role[CSV_MAX_FIELDS]; /* column -> bar_col */
	uint8_t n_fields;
	bool has_symbol;
	uint32_t file_sym;     /* the file's symbol when it has no symbol column */
	ts_cache tc;
	sym_hint hints[SYM_HINTS];
	uint32_t n_hints;
	/* columns */
	paper_bar_columns cols;
	uint32_t *sym_map;     /* column symbol index -> broker index */
	size_t row;            /* the next row to convert */
	bar_row *blk;          /* rows converted and checked a block at a time */
	size_t blk_i, blk_n;   /* the row `at` points at, and the rows in the block */
} bar_src;

/* 128 rows of 64 bytes: a block stays in L1 while the merge takes its rows. */
#define COL_BLOCK 128

/* Per broker symbol: the newest row seen, for duplicates and order within the symbol. */
typedef struct sym_track {
	paper_ts last_ts;      /* INT64_MIN: no row yet */
	uint64_t last_line;
} sym_track;

/*
 * The texts are pointers, "" when absent: into the source's buffers for a file's row, into its
 * string pool for an array's. Inline buffers made a row 192 bytes; an array of 200,000 signals
 * then cost the replay more in page faults than acting on them.
 */
typedef struct sig_row {
	paper_ts ts;
	const char *symbol, *id, *strategy;
	paper_direction dir;
	double confidence, risk, tp, sl;
	double ref_price;      /* paper_signal version 2: the price to size at, 0: the latest */
	uint64_t line;         /* line in its file, or index in the array given */
} sig_row;

typedef enum sig_col { SCOL_TS, SCOL_SYMBOL, SCOL_SIDE, SCOL_CONFIDENCE, SCOL_TP, SCOL_SL,
		       SCOL_RISK, SCOL_ID, SCOL_STRATEGY, SCOL_REF, SCOL__N } sig_col;

typedef struct sig_src {
	bool is_file;
	char *name;
	sig_row cur;           /* a file's row read last, its texts in the buffers below */
	char cur_symbol[PAPER_SYMBOL_MAX + 1], cur_id[PAPER_ID_MAX + 1];
	char cur_strategy[PAPER_TAG_MAX + 1];
	const sig_row *at;     /* the current signal while has_cur: &cur, or a row of the array */
	bool has_cur;
	bool has_prev;
	paper_ts prev_ts;
	uint64_t prev_line;
	csv_reader csv;
	int8_t role[CSV_MAX_FIELDS];
	uint8_t n_fields;
	ts_cache tc;
	sig_row *rows;         /* in-memory signals, sorted */
	GStringChunk *texts;   /* their symbols, ids and strategies */
	size_t n, i;
} sig_src;

/* A signal whose symbol was unknown when it was due, checked again at the end. */
typedef struct sig_unknown {
	char symbol[PAPER_SYMBOL_MAX + 1];
	const sig_src *src;
	uint64_t line;
} sig_unknown;

typedef struct day_acc {
	bool open;
	paper_day_info info;
	int64_t start_fees;
	uint64_t entries_base;
} day_acc;

typedef enum replay_state { R_NEW, R_RUNNING, R_DONE, R_FAILED } replay_state;

struct paper_replay {
	paper_broker *b;
	paper_session *s;
	paper_replay_options o;
	char *trades_path;
	paper_ts from, to;     /* [from, to); 0 and INT64_MAX when unbounded */
	replay_state state;
	paper_replay_stats st;

	GPtrArray *bars;       /* bar_src * */
	GPtrArray *sigs;       /* sig_src * */
	GHashTable *declared;  /* symbol name -> the bar_src it comes from */
	bool open_symbols;     /* a file with a symbol column: symbols not known up front */
	bar_src **heap;        /* sources with a row, by (ts, order) */
	size_t n_heap;
	sym_track *track;      /* by broker symbol index */
	uint32_t n_track;
	GArray *unknown;       /* sig_unknown */

	uint64_t rows_read, rows_total, next_progress, bytes_total;
	paper_ts sig_next_ts;  /* time of the next signal of any source; INT64_MAX if none */
	sig_src *sig_next;

	FILE *trades;          /* into trades_out, put in place only when the run succeeds */
	atomic_file *trades_out;
	GString *tbuf;
	int trades_err;
	bool daily;
	day_acc day;
	GArray *days;          /* paper_day_info */
};

/* The counters so far, as paper_replay_stats_get() and the summary give them. */
static inline void replay__stats(const paper_replay *r, paper_replay_stats *out)
{
	*out = r->st;
	out->version = PAPER_REPLAY_STATS_VERSION;
	out->sources = 0;
	for (guint i = 0; i < r->bars->len; i++) /* a file grouped by symbol is one */
		out->sources += ((const struct bar_src *)r->bars->pdata[i])->head == NULL;
	out->symbols = g_hash_table_size(r->declared);
}

/* replay_bars.c */
int replay__add_bars_file(paper_replay *r, const char *path, const bar_request *req);
int replay__add_bars_dir(paper_replay *r, const char *path, const bar_request *req);
/* A source whose every row was bad and skipped fails the run: PAPER_EFORMAT naming it. */
int replay__check_sources(const paper_replay *r);
int replay__add_columns(paper_replay *r, const paper_bar_columns *cols);
/* Read src's next good row into src->cur: 1, 0 at its end, or an error. */
int replay__csv_next(paper_replay *r, bar_src *src);
int replay__columns_next(paper_replay *r, bar_src *src);
static inline int replay__bar_next(paper_replay *r, bar_src *src)
{
	/* Most column rows are the next one of a block already checked. */
	if (src->kind == SRC_COLUMNS && ++src->blk_i < src->blk_n) {
		src->at = &src->blk[src->blk_i];
		r->rows_read++;
		return 1;
	}
	return src->kind == SRC_CSV ? replay__csv_next(r, src) : replay__columns_next(r, src);
}
void replay__bar_src_free(gpointer p);
sym_track *replay__track(paper_replay *r, uint32_t sym);
/* "PATH:LINE" or "columns #N, row I" */
void replay__where(const bar_src *src, uint64_t line, char *buf, size_t cap);

/* replay_signals.c */
int replay__add_signals_file(paper_replay *r, const char *path);
int replay__add_signals(paper_replay *r, const paper_signal *sigs, size_t n);
/* Move src to its next good signal, src->at (has_cur false at its end); 0 or an error. */
int replay__sig_next(paper_replay *r, sig_src *src);
void replay__sig_src_free(gpointer p);
void replay__sig_where(const sig_src *src, uint64_t line, char *buf, size_t cap);

/* replay_out.c */
int replay__trades_open(paper_replay *r);
int replay__trades_close(paper_replay *r, bool keep);
void replay__on_trade(void *ctx, const paper_broker *b, const trade *t);
void replay__day_roll(paper_replay *r, paper_ts ts);
void replay__day_close(paper_replay *r);

#endif
