/* Byte locks on a sidecar file (filelock.h). */
#include "ledger/filelock.h"

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#define POLL_US 2000

static int64_t monotonic_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int try_lock(int fd, uint64_t offset)
{
	/* l_pid must be 0 for OFD locks. */
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = (off_t)offset,
			    .l_len = 1, .l_pid = 0 };
	int rc;

	do
		rc = fcntl(fd, F_OFD_SETLK, &fl);
	while (rc != 0 && errno == EINTR);
	return rc == 0 ? 0 : errno;
}

filelock_result filelock_acquire(const char *path, uint64_t offset, uint32_t timeout_ms,
				 int *fd_out, int *err)
{
	/* A new open file description each time: that is what makes two holders in one process
	 * conflict. */
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0) {
		*err = errno;
		return FILELOCK_ERROR;
	}
	int64_t deadline = monotonic_us() + (int64_t)timeout_ms * 1000;
	for (;;) {
		int e = try_lock(fd, offset);
		if (e == 0) {
			*fd_out = fd;
			return FILELOCK_OK;
		}
		if (e != EAGAIN && e != EACCES) {
			close(fd);
			*err = e;
			return FILELOCK_ERROR;
		}
		int64_t left = deadline - monotonic_us();
		if (left <= 0) {
			close(fd);
			return FILELOCK_BUSY;
		}
		/* Polling, not F_OFD_SETLKW: a blocking wait cannot be bounded without signals. */
		usleep((useconds_t)(left < POLL_US ? left : POLL_US));
	}
}

void filelock_release(int fd)
{
	/* Closing the last descriptor of the description drops its locks. */
	if (fd >= 0)
		close(fd);
}
