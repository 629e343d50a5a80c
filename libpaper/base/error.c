/* Error codes, their static text and the thread-local last message. */
#include "base/error.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/text.h"

#define MSG_MAX 1024

static _Thread_local char last_msg[MSG_MAX];
static _Thread_local int last_code;

static const char *const texts[] = {
	[0] = "success",
	[1] = "invalid argument",
	[2] = "out of memory",
	[3] = "invalid price",
	[4] = "invalid quantity",
	[5] = "not found",
	[6] = "no market data for symbol",
	[7] = "timestamp goes backwards",
	[8] = "insufficient buying power",
	[9] = "invalid in current state",
	[10] = "risk limit exceeded",
	[11] = "trading halted",
	[12] = "refused: paper trading only",
	[13] = "invalid configuration",
	[14] = "input/output error",
	[15] = "corrupt or foreign data",
	[16] = "account in use",
	[17] = "unsupported version",
	[18] = "malformed input",
	[19] = "not supported by this build",
	[20] = "out of range",
};

PAPER_API const char *paper_strerror(int code)
{
	if (code > 0 || -code >= (int)(sizeof texts / sizeof texts[0]))
		return "unknown error";
	return texts[-code];
}

/*
 * Messages quote file names, symbols and values from outside; whoever prints one (a terminal,
 * a log) must not receive raw control bytes from them. Each is written as \xNN; a line break
 * survives only in a message built of lines on purpose.
 */
static void set_message(const char *text, bool lines)
{
	size_t len = strlen(text), n = 0;

	for (size_t i = 0; i < len;) {
		size_t k = paper__text_char(text + i, len - i);
		char esc[5];
		const char *piece = text + i;
		size_t plen = k;
		if (k == 0 && !(lines && text[i] == '\n')) {
			snprintf(esc, sizeof esc, "\\x%02x", (unsigned char)text[i]);
			piece = esc;
			plen = 4;
			k = 1;
		} else if (k == 0) {
			plen = k = 1;
		}
		if (n + plen >= MSG_MAX)
			break;
		memcpy(last_msg + n, piece, plen);
		n += plen;
		i += k;
	}
	last_msg[n] = '\0';
}

static int raise_error(int code, bool lines, const char *fmt, va_list ap)
{
	char text[MSG_MAX];

	vsnprintf(text, sizeof text, fmt, ap);
	set_message(text, lines);
	last_code = code;
	return code;
}

int paper__error(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	raise_error(code, false, fmt, ap);
	va_end(ap);
	return code;
}

int paper__error_lines(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	raise_error(code, true, fmt, ap);
	va_end(ap);
	return code;
}

PAPER_API const char *paper_last_error(void)
{
	return last_msg;
}

PAPER_API int paper_last_error_code(void)
{
	return last_code;
}

PAPER_API void paper_clear_error(void)
{
	last_msg[0] = '\0';
	last_code = PAPER_OK;
}
