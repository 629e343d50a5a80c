/*
 * Private: every file the library writes for a caller (replay trades, ledger exports, the
 * dashboard) is written the same way, so that the path names either the old file or the whole
 * new one, never a part, whatever happens meanwhile:
 *
 * - the new content goes to a fresh file of a random name in the same folder, created with
 *   O_CREAT|O_EXCL|O_NOFOLLOW (a link planted at a predictable name is never followed);
 * - it gets the mode of the file it replaces (a new file: 0666 less the umask);
 * - on success it is flushed to disk (fsync), renamed over the path, and the folder is synced;
 * - on failure only that temporary file is removed: the old file was never touched.
 *
 * A path that is a symbolic link to a regular file (or to nothing, or to a folder) is refused:
 * replacing the link would silently cut it, writing through it would let whoever planted it
 * choose what is overwritten. A path that is, or links to, something that is not a regular
 * file (/dev/null, /dev/stdout, a pipe) cannot be replaced: it is written directly.
 */
#ifndef PAPER_PRIV_ATOMICFILE_H
#define PAPER_PRIV_ATOMICFILE_H

#include <stddef.h>
#include <stdio.h>

typedef struct atomic_file atomic_file;

/* Start writing path. PAPER_OK with *out, or PAPER_EIO naming path and why (nothing made). */
int paper__atomic_open(atomic_file **out, const char *path);

/* The stream to write to; check write errors at commit. */
FILE *paper__atomic_stream(atomic_file *f);

/* Put the new file in place (see above). PAPER_OK, or PAPER_EIO with the old file as it was.
 * Frees f either way. */
int paper__atomic_commit(atomic_file *f);

/* Throw the new file away; the old one is untouched. Frees f; NULL is a no-op. */
void paper__atomic_abort(atomic_file *f);

/* The whole content at once: open, write, commit. */
int paper__atomic_write(const char *path, const void *data, size_t len);

#endif
