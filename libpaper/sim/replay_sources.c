/*
 * How each bars input was read (paper_replay_source_get()): its dialect's name and report,
 * and its counts, for the summary, the `paper` command and the bindings.
 */
#include "sim/replay.h"

#include "base/error.h"

PAPER_API size_t paper_replay_source_count(const paper_replay *r)
{
	return r ? r->bars->len : 0;
}

PAPER_API int paper_replay_source_get(const paper_replay *r, size_t index,
				      paper_replay_source_info *out)
{
	PAPER__CHECK_NULL(r, "replay");
	PAPER__CHECK_NULL(out, "out");
	if (out->version != PAPER_REPLAY_SOURCE_INFO_VERSION)
		return paper__error(PAPER_EVERSION, "paper_replay_source_info version %u unsupported",
				    out->version);
	if (index >= r->bars->len)
		return paper__error(PAPER_ERANGE, "source index %zu >= %u", index, r->bars->len);
	/* The report is made now, into the source (a cache the caller borrows). */
	bar_src *src = r->bars->pdata[index];
	*out = (paper_replay_source_info){ .version = PAPER_REPLAY_SOURCE_INFO_VERSION,
					   .name = src->name, .rows_skipped = src->skipped };
	if (src->kind == SRC_CSV) {
		out->dialect = bar_family_id(src->L.family);
		out->report = bar_dialect_report(&src->L, src->skipped);
		out->rows = src->rows;
		out->rows_empty = src->L.rows_empty;
		out->values_rounded = src->L.values_rounded;
	} else {
		out->dialect = "memory";
		out->report = "in-memory columns";
		out->rows = src->row;
	}
	return PAPER_OK;
}
