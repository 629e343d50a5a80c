/*
 * How each bars input was read (paper_replay_source_get()): its dialect's name and report,
 * and its counts, for the summary, the `paper` command and the bindings.
 */
#include "sim/replay.h"

#include "base/error.h"

/* The index-th input: a file (with its groups after it) or a column set. */
static guint input_at(const paper_replay *r, size_t index)
{
	guint i = 0;
	for (size_t k = 0; i < r->bars->len; i++)
		if (((const bar_src *)r->bars->pdata[i])->head == NULL && k++ == index)
			break;
	return i;
}

PAPER_API size_t paper_replay_source_count(const paper_replay *r)
{
	size_t n = 0;
	for (guint i = 0; r && i < r->bars->len; i++)
		n += ((const bar_src *)r->bars->pdata[i])->head == NULL;
	return n;
}

PAPER_API int paper_replay_source_get(const paper_replay *r, size_t index,
				      paper_replay_source_info *out)
{
	PAPER__CHECK_NULL(r, "replay");
	PAPER__CHECK_NULL(out, "out");
	if (out->version != PAPER_REPLAY_SOURCE_INFO_VERSION)
		return paper__error(PAPER_EVERSION, "paper_replay_source_info version %u unsupported",
				    out->version);
	guint at = input_at(r, index);
	if (at >= r->bars->len)
		return paper__error(PAPER_ERANGE, "source index %zu >= %zu", index,
				    paper_replay_source_count(r));
	/* The report is made now, into the source (a cache the caller borrows). */
	bar_src *src = r->bars->pdata[at];
	*out = (paper_replay_source_info){ .version = PAPER_REPLAY_SOURCE_INFO_VERSION,
					   .name = src->name };
	if (src->kind != SRC_CSV) {
		out->dialect = "memory";
		out->report = "in-memory columns";
		out->rows = src->row;
		out->rows_skipped = src->skipped;
		return PAPER_OK;
	}
	bar_counts n = { .groups = src->groups };
	for (guint k = at; k < at + src->groups && k < r->bars->len; k++) {
		const bar_src *g = r->bars->pdata[k];
		out->rows += g->rows;
		n.rows_skipped += g->skipped;
		n.rows_empty += g->L.rows_empty;
		n.values_rounded += g->L.values_rounded;
	}
	out->dialect = bar_family_id(src->L.family);
	out->report = bar_dialect_report(&src->L, &n);
	out->rows_skipped = n.rows_skipped;
	out->rows_empty = n.rows_empty;
	out->values_rounded = n.values_rounded;
	return PAPER_OK;
}
