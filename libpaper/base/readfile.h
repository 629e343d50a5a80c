/*
 * Private: reading a whole input file no larger than a cap (readfile.c). A config or a state
 * file is read into memory at once; the cap is checked before a byte is read (fstat) and
 * again while reading, so a file that is huge, or grows, or never ends (a pipe, /dev/zero)
 * costs at most cap + 1 bytes, never the file's size.
 */
#ifndef PAPER_PRIV_READFILE_H
#define PAPER_PRIV_READFILE_H

#include <stddef.h>

/* The caps, documented in docs/config.md and docs/ledger.md. */
#define PAPER_CONFIG_FILE_MAX ((size_t)1 << 20) /* 1 MiB: an INI config file */
#define PAPER_STATE_FILE_MAX ((size_t)64 << 20) /* 64 MiB: a state.json to import */

/*
 * Read path into *out (NUL-terminated, g_free() it; *len without the NUL). what names the
 * file in messages ("config file"). PAPER_OK; PAPER_EIO (cannot open or read it, or it is a
 * directory); PAPER_EFORMAT (more than cap bytes: nothing is kept).
 */
int paper__read_file_capped(const char *path, size_t cap, const char *what, char **out,
			    size_t *len);

#endif
