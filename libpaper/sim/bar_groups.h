/*
 * Private: files grouped by symbol. Tools that write many symbols to one file often write
 * them one after the other (Polygon's flat files, alpaca-py's DataFrame: every AAPL row, then
 * every MSFT row), each symbol's rows in time order. Such a file is read as one range of the
 * file per symbol, side by side, as if each were a file of its own. Whether a file is one is
 * found by a pass over its symbol column when it is added, which stops as soon as a symbol
 * comes back after another (rows in time order, the usual case).
 */
#ifndef PAPER_PRIV_BAR_GROUPS_H
#define PAPER_PRIV_BAR_GROUPS_H

#include <glib.h>

#include "sim/bar_dialect.h"

typedef struct bar_group {
	uint64_t off;   /* where its first row starts in the file */
	uint64_t line;  /* that row's line number */
} bar_group;

/* A reader per group starts with this much buffer (doubling for a longer line). */
#define BAR_GROUP_BUFFER 8192

/*
 * The groups of the file at path (its header per L), into out (bar_group): two or more when
 * each symbol's rows are together and there are several symbols, else none. *size receives
 * the file's size. PAPER_OK or the reader's error.
 */
int bar_groups_find(const char *path, const bar_layout *L, GArray *out, uint64_t *size);

/* A copy of L for another reader of the same file (nothing read yet). */
void bar_layout_copy(bar_layout *dst, const bar_layout *src);

#endif
