/* Private: raising errors with a message. */
#ifndef PAPER_PRIV_ERROR_H
#define PAPER_PRIV_ERROR_H

#include <paper/error.h>

/* Record code and a printf-style message for paper_last_error(); returns code. */
int paper__error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Mark a successful call: public entry points clear nothing, but helpers may. */
#define PAPER__CHECK_NULL(p, name)                                                         \
	do {                                                                               \
		if ((p) == NULL)                                                           \
			return paper__error(PAPER_EINVAL, "%s must not be NULL", (name));  \
	} while (0)

#endif
