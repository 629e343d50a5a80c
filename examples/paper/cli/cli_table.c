/*
 * Aligned text tables: every cell is kept until the table is printed, so each column is as
 * wide as its widest cell. Numbers are right-aligned so their digits line up.
 */
#include "cli/cli_ops.h"

#include <stdarg.h>
#include <string.h>

struct cli_table {
	GPtrArray *titles; /* char * */
	GArray *right;     /* bool per column */
	GPtrArray *cells;  /* char *, row after row */
};

cli_table *cli_table_new(const char *const *titles)
{
	cli_table *t = g_new0(cli_table, 1);
	t->titles = g_ptr_array_new_with_free_func(g_free);
	t->right = g_array_new(FALSE, FALSE, sizeof(bool));
	t->cells = g_ptr_array_new_with_free_func(g_free);
	for (size_t i = 0; titles[i]; i++) {
		bool r = titles[i][0] == '>';
		g_ptr_array_add(t->titles, g_strdup(titles[i] + r));
		g_array_append_val(t->right, r);
	}
	return t;
}

void cli_table_cell(cli_table *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_ptr_array_add(t->cells, g_strdup_vprintf(fmt, ap));
	va_end(ap);
}

size_t cli_table_rows(const cli_table *t)
{
	return t->cells->len / t->titles->len;
}

/* Display width: UTF-8 characters, not bytes (titles and symbols may hold some). */
static size_t width(const char *s)
{
	return g_utf8_validate(s, -1, NULL) ? (size_t)g_utf8_strlen(s, -1) : strlen(s);
}

static void print_row(const cli_table *t, FILE *out, char *const *cells, const size_t *w)
{
	size_t n = t->titles->len;
	for (size_t c = 0; c < n; c++) {
		size_t pad = w[c] - width(cells[c]);
		bool right = g_array_index(t->right, bool, c);
		if (right)
			fprintf(out, "%*s", (int)pad, "");
		fputs(cells[c], out);
		if (c + 1 < n)
			fprintf(out, "%*s", (int)(right ? 2 : pad + 2), "");
	}
	fputc('\n', out);
}

void cli_table_print(const cli_table *t, FILE *out)
{
	size_t n = t->titles->len, rows = cli_table_rows(t);
	size_t *w = g_new0(size_t, n);
	for (size_t c = 0; c < n; c++)
		w[c] = width(g_ptr_array_index(t->titles, c));
	for (size_t i = 0; i < rows * n; i++) {
		size_t cw = width(g_ptr_array_index(t->cells, i));
		if (cw > w[i % n])
			w[i % n] = cw;
	}
	print_row(t, out, (char *const *)t->titles->pdata, w);
	for (size_t r = 0; r < rows; r++)
		print_row(t, out, (char *const *)t->cells->pdata + r * n, w);
	g_free(w);
}

void cli_table_free(cli_table *t)
{
	if (t == NULL)
		return;
	g_ptr_array_free(t->titles, TRUE);
	g_array_free(t->right, TRUE);
	g_ptr_array_free(t->cells, TRUE);
	g_free(t);
}
