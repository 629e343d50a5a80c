/* The streaming CSV reader (csvread.h). */
#include "base/csvread.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"

int csv_open(csv_reader *r, const char *path)
{
	memset(r, 0, sizeof *r);
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0)
		return paper__error(PAPER_EIO, "%s: %s", path, g_strerror(errno));
	struct stat st;
	if (fstat(r->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(r->fd);
		r->fd = -1;
		return paper__error(PAPER_EIO, "%s: is a directory", path);
	}
	r->size = fstat(r->fd, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
#ifdef POSIX_FADV_SEQUENTIAL
	posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	r->path = g_strdup(path);
	r->owns_fd = true;
	r->cap = CSV_BUFFER;
	r->buf = g_malloc(r->cap);
	return PAPER_OK;
}

void csv_open_range(csv_reader *r, const csv_reader *parent, uint64_t off, uint64_t end,
		    uint64_t line0, size_t cap)
{
	memset(r, 0, sizeof *r);
	r->fd = parent->fd;
	r->path = g_strdup(parent->path);
	r->cap = cap < CSV_BUFFER ? cap : CSV_BUFFER;
	r->buf = g_malloc(r->cap);
	r->base = r->off = off;
	r->end = end;
	r->line = line0;
	r->size = end - off;
	r->eof = end <= off;
}

void csv_restrict(csv_reader *r, uint64_t off, uint64_t end, uint64_t line0)
{
	r->pos = r->len = 0;
	r->base = r->off = off;
	r->end = end;
	r->line = line0;
	r->bytes = 0;
	r->size = end - off;
	r->eof = end <= off;
}

void csv_close(csv_reader *r)
{
	if (r->fd >= 0 && r->buf && r->owns_fd)
		close(r->fd);
	g_free(r->buf);
	g_free(r->path);
	memset(r, 0, sizeof *r);
	r->fd = -1;
}

/* Move the unread tail to the front and read more after it. */
static int refill(csv_reader *r)
{
	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->base += r->pos;
		r->pos = 0;
	} else if (r->len == r->cap && r->cap < CSV_BUFFER) {
		/* A line longer than a range reader's buffer: room for it. */
		r->cap = r->cap * 2 < CSV_BUFFER ? r->cap * 2 : CSV_BUFFER;
		r->buf = g_realloc(r->buf, r->cap);
	}
	while (r->len < r->cap) {
		size_t want = r->cap - r->len;
		if (r->end && want > r->end - r->off)
			want = (size_t)(r->end - r->off);
		ssize_t got = r->end ? pread(r->fd, r->buf + r->len, want, (off_t)r->off)
				     : read(r->fd, r->buf + r->len, want);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return paper__error(PAPER_EIO, "%s: %s", r->path, g_strerror(errno));
		if (got == 0) {
			r->eof = true;
			break;
		}
		r->off += (uint64_t)got;
		r->len += (size_t)got;
		/* A byte order mark at the very start is no part of the first line. */
		if (r->bytes == 0 && r->line == 0 && r->pos == 0 && r->len >= 3 &&
		    memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0)
			r->pos = r->bytes = 3;
		/* One read is enough when it brought a line end. */
		if (memchr(r->buf + r->len - (size_t)got, '\n', (size_t)got))
			break;
	}
	return PAPER_OK;
}

int csv_next(csv_reader *r, const char **line, size_t *len)
{
	for (;;) {
		char *start = r->buf + r->pos;
		char *nl = memchr(start, '\n', r->len - r->pos);
		size_t n;
		if (nl == NULL) {
			if (!r->eof) {
				int rc = refill(r);
				if (rc != PAPER_OK)
					return rc;
				if (r->len == r->cap && r->cap == CSV_BUFFER && !memchr(r->buf, '\n', r->len))
					return paper__error(PAPER_EFORMAT, "%s:%" G_GUINT64_FORMAT ": line "
							    "longer than %d bytes", r->path, r->line + 1,
							    CSV_BUFFER);
				continue;
			}
			if (r->pos == r->len)
				return 0;
			n = r->len - r->pos; /* a last line without its '\n' */
			r->pos = r->len;
			r->bytes += n;
		} else {
			n = (size_t)(nl - start);
			r->pos += n + 1;
			r->bytes += n + 1;
		}
		r->line++;
		if (n > 0 && start[n - 1] == '\r')
			n--;
		if (n == 0)
			continue;
		*line = start;
		*len = n;
		return 1;
	}
}

void csv_unread(csv_reader *r, const char *line)
{
	size_t at = (size_t)(line - r->buf);
	r->bytes -= r->pos - at;
	r->pos = at;
	r->line--;
}
