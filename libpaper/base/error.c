/* Error codes, their static text and the thread-local last message. */
#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>

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

int paper__error(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_msg, sizeof last_msg, fmt, ap);
	va_end(ap);
	last_code = code;
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
