/*
 * Refusing unfit text at the API edge: the one check every public entry point makes of a tag,
 * an id or a reason. Apart from text.c so that error.c, which escapes messages with text.c's
 * rule, and this file, which reports with error.c, do not call each other.
 */
#include <paper/error.h>
#include <string.h>

#include "base/error.h"
#include "base/text.h"

int paper__text_arg(const char *what, const char *s)
{
	char why[PAPER_TEXT_WHY_MAX];

	if (s == NULL || paper__text_check(s, strlen(s), why))
		return PAPER_OK;
	return paper__error(PAPER_EINVAL, "%s '%s' %s", what, s, why);
}
