/*
 * A ledger file judged from its first 100 bytes, read without SQLite and without writing: the
 * SQLite header's magic, application id, page size and page count (sqlite_file.h).
 */
#include "ledger/sqlite_file.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

bool sqlite_file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* Page size and count say how long the file must be; a shorter one lost its tail. */
static int check_length(const char *path, const unsigned char *h, off_t size)
{
	uint32_t page = (uint32_t)h[16] << 8 | h[17];
	if (page == 1)
		page = 65536;
	if (page < 512 || (page & (page - 1)) != 0)
		return paper__error(PAPER_ECORRUPT, "'%s' is not a paper ledger: invalid page size %u",
				    path, page);
	char *wal = g_strdup_printf("%s-wal", path);
	struct stat ws;
	/* A -wal file with frames (past its 32-byte header) may hold pages the main file lacks
	 * until the next checkpoint; an empty one (a reader leaves those) holds none. */
	bool has_frames = stat(wal, &ws) == 0 && ws.st_size > 32;
	g_free(wal);
	if (has_frames)
		return PAPER_OK;
	uint32_t pages = be32(h + 28);
	bool count_valid = be32(h + 92) == be32(h + 24) && pages > 0;
	if (size % page != 0 || (count_valid && (uint64_t)size < (uint64_t)pages * page))
		return paper__error(PAPER_ECORRUPT, "ledger '%s' is truncated: its header says %u "
				    "pages of %u bytes (%llu bytes), the file has %lld bytes",
				    path, pages, page, (unsigned long long)pages * page,
				    (long long)size);
	return PAPER_OK;
}

/* Refuse anything but a complete paper ledger from its first 100 bytes, read-only. */
int sqlite_file_check(const char *path)
{
	unsigned char h[100];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return paper__error(PAPER_EIO, "cannot open ledger '%s': %s", path, strerror(errno));
	struct stat st;
	ssize_t n = fstat(fd, &st) == 0 ? read(fd, h, sizeof h) : -1;
	int e = errno;
	close(fd);
	if (n < 0)
		return paper__error(PAPER_EIO, "cannot read ledger '%s': %s", path, strerror(e));
	if (n == 0)
		return paper__error(PAPER_ECORRUPT, "'%s' is an empty file, not a paper ledger (it "
				    "may have been truncated); it was left as it is", path);
	if (n < (ssize_t)sizeof h || memcmp(h, "SQLite format 3", 16) != 0)
		return paper__error(PAPER_ECORRUPT, "'%s' is not a paper ledger (not an SQLite "
				    "database); it was left as it is", path);
	if (be32(h + 68) != SQLITE_LEDGER_APP_ID)
		return paper__error(PAPER_ECORRUPT, "'%s' is an SQLite database but not a paper "
				    "ledger (application_id 0x%08x); it was left as it is", path,
				    be32(h + 68));
	return check_length(path, h, st.st_size);
}
