/*
 * The replay: a k-way merge of bar sources by time (a binary heap keyed on each source's next
 * row, ties to the source added first), with signals interleaved by the rule "a signal
 * stamped t is acted on after every bar stamped at or before t". Each bar goes to the broker
 * and the session's exit rules through session__on_bar_fx(); nothing is loaded whole, so
 * memory depends on the number of sources, not of bars.
 */
#include "sim/replay.h"

#include <string.h>

#include "base/error.h"
#include "base/fixed.h"
#include "base/tstext.h"
#include "config/config.h"
#include "market/broker_store.h"

#define DEFAULT_PROGRESS_EVERY (UINT64_C(1) << 20)
/* Fewer kept trades than this could drop one before the replay reads it. */
#define MIN_TRADE_HISTORY 16

PAPER_API int paper_replay_options_init(paper_replay_options *opts, unsigned int version)
{
	PAPER__CHECK_NULL(opts, "opts");
	if (version != PAPER_REPLAY_OPTIONS_VERSION)
		return paper__error(PAPER_EVERSION, "paper_replay_options version %u unsupported",
				    version);
	*opts = (paper_replay_options)PAPER_REPLAY_OPTIONS_INIT;
	return PAPER_OK;
}

static int check_options(const paper_replay_options *o)
{
	if (o->version != PAPER_REPLAY_OPTIONS_VERSION)
		return paper__error(PAPER_EVERSION, "paper_replay_options version %u unsupported "
				    "(expected %u)", o->version, PAPER_REPLAY_OPTIONS_VERSION);
	if (o->from < 0 || o->to < 0 || (o->to && o->to <= o->from))
		return paper__error(PAPER_EINVAL, "replay range: from %" G_GINT64_FORMAT " and to %"
				    G_GINT64_FORMAT " must be >= 0 with to after from", o->from, o->to);
	/* to is an end: one past the last time there is. */
	if (o->from > PAPER_TS_MAX || o->to > PAPER_TS_MAX + 1)
		return ts_range_error("replay range", o->from > PAPER_TS_MAX ? o->from : o->to);
	return PAPER_OK;
}

PAPER_API int paper_replay_new(paper_replay **out, paper_broker *b,
			       const paper_replay_options *opts)
{
	PAPER__CHECK_NULL(out, "out");
	PAPER__CHECK_NULL(b, "broker");
	paper_replay_options o = PAPER_REPLAY_OPTIONS_INIT;
	if (opts)
		o = *opts;
	int rc = check_options(&o);
	if (rc != PAPER_OK)
		return rc;
	int64_t kept = cfg_int(paper__broker_config(b), K_ENGINE_TRADE_HISTORY);
	if (kept != 0 && kept < MIN_TRADE_HISTORY)
		return paper__error(PAPER_ECONFIG, "engine.trade_history = %" G_GINT64_FORMAT " keeps too "
				    "few closed trades to stream them; use 0 (all) or >= %d", kept,
				    MIN_TRADE_HISTORY);
	paper_replay *r = g_new0(paper_replay, 1);
	rc = paper_session_new(&r->s, b);
	if (rc != PAPER_OK) {
		g_free(r);
		return rc;
	}
	r->b = b;
	r->o = o;
	r->trades_path = g_strdup(o.trades_path);
	r->o.trades_path = r->trades_path;
	r->from = o.from;
	r->to = o.to ? o.to : INT64_MAX;
	r->daily = o.daily;
	r->bars = g_ptr_array_new_with_free_func(replay__bar_src_free);
	r->sigs = g_ptr_array_new_with_free_func(replay__sig_src_free);
	r->declared = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	r->unknown = g_array_new(FALSE, FALSE, sizeof(sig_unknown));
	r->days = g_array_new(FALSE, FALSE, sizeof(paper_day_info));
	r->st.version = PAPER_REPLAY_STATS_VERSION;
	r->sig_next_ts = INT64_MAX;
	session__set_trade_hook(r->s, replay__on_trade, r);
	*out = r;
	return PAPER_OK;
}

PAPER_API void paper_replay_free(paper_replay *r)
{
	if (r == NULL)
		return;
	if (r->trades)
		replay__trades_close(r, false);
	paper_session_free(r->s);
	g_ptr_array_unref(r->bars);
	g_ptr_array_unref(r->sigs);
	g_hash_table_unref(r->declared);
	g_array_unref(r->unknown);
	g_array_unref(r->days);
	g_free(r->heap);
	g_free(r->track);
	g_free(r->trades_path);
	g_free(r);
}

PAPER_API paper_session *paper_replay_session(const paper_replay *r)
{
	return r ? r->s : NULL;
}

static int check_new(const paper_replay *r)
{
	PAPER__CHECK_NULL(r, "replay");
	if (r->state != R_NEW)
		return paper__error(PAPER_ESTATE, "inputs must be added before the replay runs");
	return PAPER_OK;
}

PAPER_API int paper_replay_add_bars_path(paper_replay *r, const char *path)
{
	int rc = check_new(r);
	if (rc != PAPER_OK)
		return rc;
	PAPER__CHECK_NULL(path, "path");
	return g_file_test(path, G_FILE_TEST_IS_DIR) ? replay__add_bars_dir(r, path)
						     : replay__add_bars_file(r, path);
}

PAPER_API int paper_replay_add_bar_columns(paper_replay *r, const paper_bar_columns *cols)
{
	int rc = check_new(r);
	return rc != PAPER_OK ? rc : replay__add_columns(r, cols);
}

PAPER_API int paper_replay_add_signals_file(paper_replay *r, const char *path)
{
	int rc = check_new(r);
	if (rc != PAPER_OK)
		return rc;
	PAPER__CHECK_NULL(path, "path");
	return replay__add_signals_file(r, path);
}

PAPER_API int paper_replay_add_signals(paper_replay *r, const paper_signal *signals, size_t n)
{
	int rc = check_new(r);
	return rc != PAPER_OK ? rc : replay__add_signals(r, signals, n);
}

/* ---- the merge ---- */

static inline bool before(const bar_src *a, const bar_src *b)
{
	return a->at->ts < b->at->ts || (a->at->ts == b->at->ts && a->order < b->order);
}

static void sift_down(paper_replay *r, size_t i)
{
	bar_src **h = r->heap;
	size_t n = r->n_heap;
	bar_src *x = h[i];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && before(h[c + 1], h[c]))
			c++;
		if (!before(h[c], x))
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = x;
}

static void sift_up(paper_replay *r, size_t i)
{
	bar_src **h = r->heap;
	bar_src *x = h[i];
	while (i > 0 && before(x, h[(i - 1) / 2])) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = x;
}

/* Read each source's first row and build the heap. */
static int heap_init(paper_replay *r)
{
	r->heap = g_new(bar_src *, r->bars->len ? r->bars->len : 1);
	for (guint i = 0; i < r->bars->len; i++) {
		bar_src *src = r->bars->pdata[i];
		int rc = replay__bar_next(r, src);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			r->heap[r->n_heap++] = src;
			sift_up(r, r->n_heap - 1);
		}
	}
	return PAPER_OK;
}

/* The top source moves on to its next row. */
static inline int heap_advance(paper_replay *r)
{
	int rc = replay__bar_next(r, r->heap[0]);
	if (rc == 1) {
		if (r->n_heap > 1)
			sift_down(r, 0);
		return PAPER_OK;
	}
	if (rc == 0) {
		r->heap[0] = r->heap[--r->n_heap];
		if (r->n_heap)
			sift_down(r, 0);
	}
	return rc;
}

/* ---- signals ---- */

static void sig_pick_next(paper_replay *r)
{
	r->sig_next = NULL;
	r->sig_next_ts = INT64_MAX;
	for (guint i = 0; i < r->sigs->len; i++) {
		sig_src *src = r->sigs->pdata[i];
		if (src->has_cur && (r->sig_next == NULL || src->at->ts < r->sig_next_ts)) {
			r->sig_next = src;
			r->sig_next_ts = src->at->ts;
		}
	}
}

static int sig_init(paper_replay *r)
{
	for (guint i = 0; i < r->sigs->len; i++) {
		int rc = replay__sig_next(r, r->sigs->pdata[i]);
		if (rc != PAPER_OK)
			return rc;
	}
	sig_pick_next(r);
	return PAPER_OK;
}

/* Does any bars input hold the symbol? Unknown names are errors (or deferred, see below). */
static int check_known(paper_replay *r, const sig_src *src, const sig_row *s, bool *act)
{
	*act = true;
	if (g_hash_table_contains(r->declared, s->symbol))
		return PAPER_OK;
	if (r->open_symbols) {
		/* A file with a symbol column may name it later; decided at the end. */
		sig_unknown u = { .src = src, .line = s->line };
		g_strlcpy(u.symbol, s->symbol, sizeof u.symbol);
		g_array_append_val(r->unknown, u);
		return PAPER_OK;
	}
	*act = false;
	if (r->o.skip_bad_rows) {
		r->st.signals_skipped++;
		return PAPER_OK;
	}
	char where[512];
	replay__sig_where(src, s->line, where, sizeof where);
	return paper__error(PAPER_EFORMAT, "%s: field 'symbol': unknown symbol '%s' (no bars input "
			    "has it)", where, s->symbol);
}

/* Entries refused by the broker are results, not failures of the run. */
static bool refusal(int rc)
{
	return rc == PAPER_ELIMIT || rc == PAPER_EFUNDS || rc == PAPER_EHALTED || rc == PAPER_ENODATA;
}

static int act_signal(paper_replay *r, const sig_src *src, const sig_row *s)
{
	bool act;
	int rc = check_known(r, src, s, &act);
	if (rc != PAPER_OK || !act)
		return rc;
	if (s->ts < r->from) {
		r->st.signals_out_of_range++;
		return PAPER_OK;
	}
	if (r->daily)
		replay__day_roll(r, s->ts);
	paper_signal sig = PAPER_SIGNAL_INIT;
	sig.symbol = s->symbol;
	sig.direction = s->dir;
	sig.confidence = s->confidence;
	sig.risk = s->risk;
	sig.ref_price = s->ref_price;
	sig.take_profit = s->tp;
	sig.stop_loss = s->sl;
	sig.ts = s->ts;
	sig.signal_id = s->id[0] ? s->id : NULL;
	sig.strategy = s->strategy[0] ? s->strategy : NULL;
	rc = paper_session_on_signal(r->s, &sig, NULL, NULL);
	r->st.signals++;
	r->day.info.signals++;
	if (rc == PAPER_OK || refusal(rc))
		return PAPER_OK;
	char where[512], *msg = g_strdup(paper_last_error());
	replay__sig_where(src, s->line, where, sizeof where);
	rc = paper__error(rc, "%s: %s", where, msg);
	g_free(msg);
	return rc;
}

/* Act on every signal stamped before t. */
static int flush_signals(paper_replay *r, paper_ts t)
{
	while (r->sig_next_ts < t) {
		sig_src *src = r->sig_next;
		int rc = act_signal(r, src, src->at);
		if (rc == PAPER_OK)
			rc = replay__sig_next(r, src);
		if (rc != PAPER_OK)
			return rc;
		sig_pick_next(r);
	}
	return PAPER_OK;
}

/* ---- the run ---- */

static void progress(paper_replay *r, paper_ts ts)
{
	paper_replay_progress p = { .version = PAPER_REPLAY_PROGRESS_VERSION, .rows = r->rows_read,
				    .rows_total = r->rows_total, .bytes_total = r->bytes_total,
				    .ts = ts };
	for (guint i = 0; i < r->bars->len; i++) {
		const bar_src *src = r->bars->pdata[i];
		if (src->kind == SRC_CSV)
			p.bytes += src->csv.bytes;
	}
	r->next_progress = r->rows_read + (r->o.progress_every ? r->o.progress_every
							       : DEFAULT_PROGRESS_EVERY);
	r->o.progress(&p, r->o.progress_payload);
}

/* A bar the broker or the session refused although it passed our checks. */
static int bar_failed(const bar_src *src, uint64_t line, int rc)
{
	char where[512], *msg = g_strdup(paper_last_error());
	replay__where(src, line, where, sizeof where);
	rc = paper__error(rc, "%s: %s", where, msg);
	g_free(msg);
	return rc;
}

static int start(paper_replay *r)
{
	r->state = R_RUNNING;
	int rc = replay__trades_open(r);
	if (rc == PAPER_OK)
		rc = heap_init(r);
	if (rc == PAPER_OK)
		rc = sig_init(r);
	r->next_progress = r->o.progress ? 0 : UINT64_MAX;
	return rc;
}

/* The index of the block row after which progress is due, rows_read counting the row at i0. */
static size_t progress_row(const paper_replay *r, size_t i0)
{
	if (r->rows_read >= r->next_progress)
		return i0;
	uint64_t ahead = r->next_progress - r->rows_read;
	return ahead < SIZE_MAX - i0 ? i0 + (size_t)ahead : SIZE_MAX;
}

/*
 * How far the top source's rows go straight to the session, with nothing to do between them:
 * before until; at or before the next signal's time (a signal waits for the bars stamped at
 * it); still ahead of the other sources' next rows (a tie goes to the source added first);
 * within the day of the daily rows.
 */
static paper_ts straight_until(const paper_replay *r, const bar_src *src, paper_ts until)
{
	paper_ts lim = until;
	if (r->sig_next_ts < lim)
		lim = r->sig_next_ts + 1;
	if (r->daily) {
		paper_ts end = r->day.open ? r->day.info.day + TS_DAY_US : INT64_MIN;
		lim = end < lim ? end : lim;
	}
	/* The next row after the top's is at heap[1] or heap[2]. Row times are in range: + 1
	 * does not overflow. */
	for (size_t c = 1; c <= 2 && c < r->n_heap; c++) {
		const bar_src *o = r->heap[c];
		paper_ts t = o->at->ts + (src->order < o->order);
		lim = t < lim ? t : lim;
	}
	return lim;
}

/*
 * The top source's row, in range and with the signals before it done, then its next rows from
 * the block already checked as long as they go straight to the session (straight_until()):
 * nothing between them looks at signals or the heap. Then the source moves on.
 */
static int run_rows(paper_replay *r, bar_src *src, paper_ts until)
{
	paper_ts lim = src->kind == SRC_COLUMNS ? straight_until(r, src, until) : INT64_MIN;
	/* Locals, not fields re-read after every store the broker makes; the rows read and the
	 * bars done follow from the row index. */
	const bar_row *row = src->at, *blk = src->blk;
	size_t i0 = src->blk_i, i = i0, n = src->blk_n, counted = i0; /* rows_read is at counted */
	size_t prog = progress_row(r, i0);
	paper_session *s = r->s;
	paper_broker *b = s->b; /* see session__on_bar_fx() */
	int rc = PAPER_OK;
	if (r->daily)
		replay__day_roll(r, row->ts);
	for (;;) {
		rc = session__on_bar_fx(s, b, row->sym, row->ts, row->v);
		if (G_UNLIKELY(rc != PAPER_OK)) {
			rc = bar_failed(src, row->line, rc);
			break;
		}
		if (G_UNLIKELY(i >= prog)) {
			r->rows_read += i - counted;
			counted = i;
			progress(r, row->ts);
			prog = progress_row(r, i);
		}
		if (i + 1 >= n || blk[i + 1].ts >= lim)
			break;
		row = &blk[++i];
	}
	uint64_t bars = (uint64_t)(i - i0) + (rc == PAPER_OK);
	if (bars && r->st.bars == 0)
		r->st.first_ts = src->at->ts;
	if (bars)
		r->st.last_ts = rc == PAPER_OK ? row->ts : blk[i - 1].ts;
	r->st.bars += bars;
	r->day.info.bars += bars;
	r->rows_read += i - counted;
	src->at = row;
	src->blk_i = i;
	return rc != PAPER_OK ? rc : heap_advance(r);
}

/* Bars stamped before until (and in range), with the signals due before each. */
static int run_bars(paper_replay *r, paper_ts until)
{
	while (r->n_heap) {
		bar_src *src = r->heap[0];
		const bar_row *row = src->at;
		if (row->ts >= until)
			return PAPER_OK;
		int rc = flush_signals(r, row->ts);
		if (rc != PAPER_OK)
			return rc;
		if (G_LIKELY(row->ts >= r->from)) {
			rc = run_rows(r, src, until);
		} else {
			r->st.bars_out_of_range++;
			if (G_UNLIKELY(r->rows_read >= r->next_progress))
				progress(r, row->ts);
			rc = heap_advance(r);
		}
		if (G_UNLIKELY(rc != PAPER_OK))
			return rc;
	}
	return PAPER_OK;
}

static int run_until(paper_replay *r, paper_ts until)
{
	if (until > r->to)
		until = r->to;
	int rc = run_bars(r, until);
	/* While bars in range remain, a signal stamped before until has all its bars done. A
	 * signal with no bar in range after it waits for finish() (signals_after_data). */
	if (rc == PAPER_OK && r->n_heap && r->heap[0]->at->ts < r->to)
		rc = flush_signals(r, until);
	if (rc == PAPER_OK && r->trades_err)
		rc = r->trades_err;
	return rc;
}

static int fail(paper_replay *r, int rc)
{
	r->state = R_FAILED;
	if (r->trades) {
		char *msg = g_strdup(paper_last_error());
		replay__trades_close(r, false);
		paper__error(rc, "%s", msg);
		g_free(msg);
	}
	return rc;
}

PAPER_API int paper_replay_run_until(paper_replay *r, paper_ts until)
{
	PAPER__CHECK_NULL(r, "replay");
	/* An end, not a time of data: anything past the range means the end of the input. */
	if (until < 0)
		return ts_range_error("paper_replay_run_until", until);
	if (r->state == R_DONE || r->state == R_FAILED)
		return paper__error(PAPER_ESTATE, "the replay has %s", r->state == R_DONE ? "finished"
				    : "failed; create a new one");
	int rc = r->state == R_NEW ? start(r) : PAPER_OK;
	if (rc == PAPER_OK)
		rc = run_until(r, until);
	return rc == PAPER_OK ? PAPER_OK : fail(r, rc);
}

/* Signals left when the bars end have no bar to act on. */
static int drain_signals(paper_replay *r)
{
	while (r->sig_next) {
		sig_src *src = r->sig_next;
		if (src->at->ts < r->from || src->at->ts >= r->to)
			r->st.signals_out_of_range++;
		else
			r->st.signals_after_data++;
		int rc = replay__sig_next(r, src);
		if (rc != PAPER_OK)
			return rc;
		sig_pick_next(r);
	}
	return PAPER_OK;
}

/* Signals whose symbol was unknown when due: an error unless a bars input named it later. */
static int check_unknown(paper_replay *r)
{
	for (guint i = 0; i < r->unknown->len; i++) {
		const sig_unknown *u = &g_array_index(r->unknown, sig_unknown, i);
		if (g_hash_table_contains(r->declared, u->symbol))
			continue;
		if (r->o.skip_bad_rows) {
			r->st.signals_skipped++;
			continue;
		}
		char where[512];
		replay__sig_where(u->src, u->line, where, sizeof where);
		return paper__error(PAPER_EFORMAT, "%s: field 'symbol': unknown symbol '%s' (no bars "
				    "input has it)", where, u->symbol);
	}
	return PAPER_OK;
}

static int finish(paper_replay *r)
{
	int rc = drain_signals(r);
	if (rc == PAPER_OK)
		rc = check_unknown(r);
	if (rc == PAPER_OK && r->o.close_at_end)
		rc = paper_session_exit_all(r->s, PAPER_EXIT_END_OF_DATA);
	if (rc == PAPER_OK && r->daily && r->day.open)
		replay__day_close(r);
	if (rc == PAPER_OK && r->trades_err)
		rc = r->trades_err;
	if (rc == PAPER_OK && r->trades)
		rc = replay__trades_close(r, true);
	return rc;
}

PAPER_API int paper_replay_run(paper_replay *r)
{
	int rc = paper_replay_run_until(r, INT64_MAX);
	if (rc != PAPER_OK)
		return rc;
	/* Bars at or after `to` are never read: the rest of the input is out of range. */
	rc = finish(r);
	if (rc != PAPER_OK)
		return fail(r, rc);
	r->state = R_DONE;
	return PAPER_OK;
}

PAPER_API int paper_replay_stats_get(const paper_replay *r, paper_replay_stats *out)
{
	PAPER__CHECK_NULL(r, "replay");
	PAPER__CHECK_NULL(out, "out");
	if (out->version != PAPER_REPLAY_STATS_VERSION)
		return paper__error(PAPER_EVERSION, "paper_replay_stats version %u unsupported",
				    out->version);
	replay__stats(r, out);
	return PAPER_OK;
}
