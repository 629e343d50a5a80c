/* Private: raising errors with a message. */
#ifndef PAPER_PRIV_ERROR_H
#define PAPER_PRIV_ERROR_H

#include <paper/error.h>

/*
 * Record code and a printf-style message for paper_last_error(); returns code. Control
 * characters and bytes that are not UTF-8 in the text come out as \xNN (base/text.h), so
 * quoting hostile input in a message is safe.
 */
int paper__error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* paper__error() for a message made of lines: '\n' is kept (nothing else is). */
int paper__error_lines(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Mark a successful call: public entry points clear nothing, but helpers may. */
#define PAPER__CHECK_NULL(p, name)                                                         \
	do {                                                                               \
		if ((p) == NULL)                                                           \
			return paper__error(PAPER_EINVAL, "%s must not be NULL", (name));  \
	} while (0)

#endif
