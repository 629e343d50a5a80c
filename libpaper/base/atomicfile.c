/*
 * Replacing an output file atomically and durably (atomicfile.h).
 */
#include "base/atomicfile.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"

struct atomic_file {
	char *path;
	char *tmp;   /* NULL when writing the path itself (not a regular file) */
	FILE *f;
};

static int io_error(const char *path, const char *what, int err)
{
	return paper__error(PAPER_EIO, "%s: %s: %s", path, what, g_strerror(err));
}

/*
 * What is at path: nothing or a regular file (replaced; *mode its permissions, -1 for none),
 * or something else that is written directly (*direct).
 */
static int inspect(const char *path, int *mode, bool *direct)
{
	struct stat st, target;
	*mode = -1;
	*direct = false;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? PAPER_OK : io_error(path, "cannot look at it", errno);
	if (S_ISLNK(st.st_mode)) {
		if (stat(path, &target) == 0 && !S_ISREG(target.st_mode) && !S_ISDIR(target.st_mode)) {
			*direct = true;
			return PAPER_OK;
		}
		return paper__error(PAPER_EIO, "%s is a symbolic link: refusing to replace it or "
				    "to write through it (give the path of the file itself)", path);
	}
	if (S_ISDIR(st.st_mode))
		return paper__error(PAPER_EIO, "%s is a directory", path);
	if (!S_ISREG(st.st_mode)) {
		*direct = true;
		return PAPER_OK;
	}
	*mode = (int)(st.st_mode & 0777);
	return PAPER_OK;
}

/* A fresh file of a random name beside path, with the mode the new file is to have. */
static int make_temp(atomic_file *a, int mode)
{
	char *dir = g_path_get_dirname(a->path);
	char *base = g_path_get_basename(a->path);
	a->tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
	g_free(dir);
	g_free(base);
	/* 0666 less the umask, as any new file; then the old file's mode, before any byte. */
	int fd = g_mkstemp_full(a->tmp, O_RDWR | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0) {
		int err = errno;
		g_free(a->tmp);
		a->tmp = NULL;
		return io_error(a->path, "cannot create a file beside it", err);
	}
	if ((mode >= 0 && fchmod(fd, (mode_t)mode) != 0) || !(a->f = fdopen(fd, "w"))) {
		int err = errno;
		close(fd);
		g_unlink(a->tmp);
		g_free(a->tmp);
		a->tmp = NULL;
		return io_error(a->path, "cannot prepare its replacement", err);
	}
	return PAPER_OK;
}

int paper__atomic_open(atomic_file **out, const char *path)
{
	int mode;
	bool direct;
	*out = NULL;
	if (path == NULL || *path == '\0')
		return paper__error(PAPER_EINVAL, "an output path must not be empty");
	int rc = inspect(path, &mode, &direct);
	if (rc != PAPER_OK)
		return rc;
	atomic_file *a = g_new0(atomic_file, 1);
	a->path = g_strdup(path);
	if (direct) {
		a->f = fopen(path, "w");
		rc = a->f ? PAPER_OK : io_error(path, "cannot open it", errno);
	} else {
		rc = make_temp(a, mode);
	}
	if (rc != PAPER_OK) {
		g_free(a->path);
		g_free(a);
		return rc;
	}
	*out = a;
	return PAPER_OK;
}

FILE *paper__atomic_stream(atomic_file *f)
{
	return f->f;
}

static void release(atomic_file *a)
{
	g_free(a->path);
	g_free(a->tmp);
	g_free(a);
}

void paper__atomic_abort(atomic_file *a)
{
	if (a == NULL)
		return;
	fclose(a->f);
	if (a->tmp)
		g_unlink(a->tmp);
	release(a);
}

/* The folder's entry for the renamed file on disk too. */
static int sync_dir(const char *path)
{
	char *dir = g_path_get_dirname(path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = fd >= 0 && fsync(fd) != 0 && errno != EINVAL ? errno : 0;
	if (fd >= 0)
		close(fd);
	g_free(dir);
	return rc ? io_error(path, "cannot sync its folder", rc) : PAPER_OK;
}

int paper__atomic_commit(atomic_file *a)
{
	int err = 0;
	if (fflush(a->f) != 0 || ferror(a->f))
		err = errno ? errno : EIO;
	/* A pipe or a terminal cannot be synced (EINVAL): nothing to wait for. */
	else if (fsync(fileno(a->f)) != 0 && errno != EINVAL && errno != EROFS)
		err = errno;
	if (fclose(a->f) != 0 && !err)
		err = errno;
	a->f = NULL;
	int rc = err ? io_error(a->path, "cannot write it", err) : PAPER_OK;
	if (rc == PAPER_OK && a->tmp && rename(a->tmp, a->path) != 0)
		rc = io_error(a->path, "cannot put the new file in place", errno);
	if (rc != PAPER_OK && a->tmp)
		g_unlink(a->tmp);
	if (rc == PAPER_OK && a->tmp)
		rc = sync_dir(a->path);
	release(a);
	return rc;
}

int paper__atomic_write(const char *path, const void *data, size_t len)
{
	atomic_file *a = NULL;
	int rc = paper__atomic_open(&a, path);
	if (rc != PAPER_OK)
		return rc;
	if (len && fwrite(data, 1, len, a->f) != len) {
		rc = io_error(path, "cannot write it", errno ? errno : EIO);
		paper__atomic_abort(a);
		return rc;
	}
	return paper__atomic_commit(a);
}
