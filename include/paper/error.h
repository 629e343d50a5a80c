/*
 * libpaper - error codes and messages.
 *
 * Every function that can fail returns an int: PAPER_OK (0) on success, a negative PAPER_E*
 * code otherwise. The values are pinned forever; new codes are only ever added.
 * The message of the last failure on the calling thread is paper_last_error().
 */
#ifndef PAPER_ERROR_H
#define PAPER_ERROR_H

#include "common.h"

PAPER_BEGIN_DECLS

/** Status codes. Values never change. */
typedef enum paper_error {
	PAPER_OK = 0,
	PAPER_EINVAL = -1,       /**< invalid argument: NULL handle or pointer, bad enum, bad string */
	PAPER_ENOMEM = -2,       /**< out of memory */
	PAPER_EPRICE = -3,       /**< a price is NaN, infinite, zero, negative or out of range */
	PAPER_EQTY = -4,         /**< a quantity is NaN, infinite, zero, negative or out of range */
	PAPER_ENOTFOUND = -5,    /**< unknown order id, key or item */
	PAPER_ENODATA = -6,      /**< the symbol has no market data yet */
	PAPER_ETIME = -7,        /**< a timestamp goes backwards */
	PAPER_EFUNDS = -8,       /**< the account cannot afford the order (buying power, shorting) */
	PAPER_ESTATE = -9,       /**< not valid in the object's current state (e.g. cancel a filled order) */
	PAPER_ELIMIT = -10,      /**< the order breaks a configured risk limit */
	PAPER_EHALTED = -11,     /**< new entries are halted (daily loss limit or kill switch) */
	PAPER_ESAFETY = -12,     /**< refused: the setting or request could reach a live account */
	PAPER_ECONFIG = -13,     /**< invalid configuration value or unknown key */
	PAPER_EIO = -14,         /**< file or database input/output failed */
	PAPER_ECORRUPT = -15,    /**< stored data is corrupt, truncated or not a paper ledger */
	PAPER_EBUSY = -16,       /**< the account is in use by another broker */
	PAPER_EVERSION = -17,    /**< unsupported struct or schema version */
	PAPER_EFORMAT = -18,     /**< malformed input file or record */
	PAPER_EUNSUPPORTED = -19,/**< the feature is not available in this build */
	PAPER_ERANGE = -20,      /**< index or value outside the valid range */
} paper_error;

/**
 * Static English text for a status code ("invalid argument", ...); never NULL.
 * Thread-safe.
 */
PAPER_API const char *paper_strerror(int code);

/**
 * The message of the last error raised on the calling thread, naming the offending value,
 * e.g. "qty must be > 0 (got -5)". Empty string if none. The pointer is valid until the next
 * libpaper call on this thread. Thread-safe (the storage is thread-local).
 */
PAPER_API const char *paper_last_error(void);

/** The code of the last error raised on the calling thread (PAPER_OK if none). Thread-safe. */
PAPER_API int paper_last_error_code(void);

/** Forget the calling thread's last error. Thread-safe. */
PAPER_API void paper_clear_error(void);

PAPER_END_DECLS

#endif /* PAPER_ERROR_H */
