/* Whole files read under a cap (readfile.h). */
#include "base/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"

static int too_large(const char *what, const char *path, size_t cap)
{
	return paper__error(PAPER_EFORMAT, "%s '%s' is larger than %zu bytes (%zu MiB), the most "
			    "libpaper reads of it", what, path, cap, cap >> 20);
}

static int io_error(const char *what, const char *path, int err)
{
	return paper__error(PAPER_EIO, "cannot read %s '%s': %s", what, path, g_strerror(err));
}

/* Read fd to its end or past cap into buf (cap + 1 bytes). */
static int read_all(int fd, char *buf, size_t cap, size_t *got)
{
	size_t n = 0;
	while (n <= cap) {
		ssize_t r = read(fd, buf + n, cap + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return errno;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*got = n;
	return 0;
}

int paper__read_file_capped(const char *path, size_t cap, const char *what, char **out,
			    size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return io_error(what, path, errno);
	struct stat st;
	if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
		int err = S_ISDIR(st.st_mode) ? EISDIR : errno;
		close(fd);
		return io_error(what, path, err);
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > cap) {
		close(fd);
		return too_large(what, path, cap);
	}
	/* A regular file's size bounds the buffer; anything else gets the cap. */
	size_t room = S_ISREG(st.st_mode) ? (size_t)st.st_size : cap;
	char *buf = g_malloc(room + 2);
	size_t got = 0;
	int err = read_all(fd, buf, room, &got);
	close(fd);
	/* More than the size said (a file still growing): past the cap or not, a second read of
	 * what is left would be unbounded again, so the snapshot must be complete now. */
	if (err == 0 && got > room && room < cap) {
		g_free(buf);
		return paper__error(PAPER_EIO, "cannot read %s '%s': it changed while being read",
				    what, path);
	}
	if (err != 0 || got > cap) {
		g_free(buf);
		return err ? io_error(what, path, err) : too_large(what, path, cap);
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return PAPER_OK;
}
