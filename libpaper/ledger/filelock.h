/*
 * Private: one-byte locks in a sidecar file, held by an open file description (Linux OFD
 * locks). Unlike classic POSIX record locks they conflict between two opens in the same
 * process, and unlike flock() they lock a byte range; like both, the kernel drops them when
 * the holder dies, so a killed process never leaves an account locked.
 */
#ifndef PAPER_PRIV_FILELOCK_H
#define PAPER_PRIV_FILELOCK_H

#include <stdint.h>

typedef enum filelock_result {
	FILELOCK_OK = 0,
	FILELOCK_BUSY = 1,  /* another holder kept it for timeout_ms */
	FILELOCK_ERROR = 2, /* the lock file cannot be opened or locked: see *err (errno) */
} filelock_result;

/*
 * Lock byte offset of file path (created if missing) for writing, retrying for up to
 * timeout_ms. On FILELOCK_OK *fd_out holds the lock until filelock_release().
 */
filelock_result filelock_acquire(const char *path, uint64_t offset, uint32_t timeout_ms,
				 int *fd_out, int *err);
void filelock_release(int fd);

#endif
