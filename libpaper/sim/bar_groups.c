/* Files grouped by symbol (bar_groups.h). */
#include "sim/bar_groups.h"

#include <paper/error.h>
#include <string.h>

/* The field number c of line (no copy). */
static csv_field nth_field(const char *s, size_t n, int c)
{
	const char *e = s + n, *p = s;
	for (int i = 0; i < c && p < e; i++) {
		const char *q = memchr(p, ',', (size_t)(e - p));
		p = q ? q + 1 : e;
	}
	const char *q = memchr(p, ',', (size_t)(e - p));
	return (csv_field){ p, (size_t)((q ? q : e) - p) };
}

int bar_groups_find(const char *path, const bar_layout *L, GArray *out, uint64_t *size)
{
	csv_reader csv;
	const char *line;
	size_t len;
	int c = L->col[BR_SYMBOL], got = csv_open(&csv, path);
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	char *cur = NULL;
	size_t cur_n = 0;

	g_array_set_size(out, 0);
	for (unsigned i = 0; got == PAPER_OK && i < L->header_lines; i++)
		got = csv_next(&csv, &line, &len) < 0 ? PAPER_EIO : PAPER_OK;
	*size = csv.size;
	while (got == PAPER_OK && (got = csv_next(&csv, &line, &len)) > 0) {
		csv_field f = nth_field(line, len, c);
		got = PAPER_OK;
		if (cur && f.n == cur_n && memcmp(f.s, cur, cur_n) == 0)
			continue;
		cur = g_strndup(f.s, f.n);
		cur_n = f.n;
		if (!g_hash_table_add(seen, cur)) {
			/* A symbol back after another: the rows interleave, read as one stream. */
			g_array_set_size(out, 0);
			break;
		}
		bar_group g = { .off = csv_offset(&csv, line), .line = csv.line };
		g_array_append_val(out, g);
	}
	if (out->len < 2)
		g_array_set_size(out, 0);
	g_hash_table_unref(seen);
	csv_close(&csv);
	return got < 0 ? got : PAPER_OK;
}

void bar_layout_copy(bar_layout *dst, const bar_layout *src)
{
	*dst = *src;
	dst->names = g_memdup2(src->names, (gsize)(src->n_fields ? src->n_fields : 1) * BAR_NAME_MAX);
	dst->ignored = src->ignored ? g_string_new(src->ignored->str) : NULL;
	dst->report = NULL;
	if (src->has_tz) {
		dst->tz.tz = g_time_zone_ref(src->tz.tz);
		dst->tz.name = g_strdup(src->tz.name);
	}
}
