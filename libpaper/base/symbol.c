/* The form of a symbol (symbol.h). */
#include "base/symbol.h"

#include <glib.h>
#include <paper/types.h>
#include <string.h>

#include "base/occ.h"

bool paper__symbol_form(const char *s)
{
	size_t n = 0;
	bool space = false;

	if (s == NULL)
		return false;
	for (; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];
		if (n >= PAPER_SYMBOL_MAX)
			return false;
		if (c == ' ')
			space = true;
		else if (!g_ascii_isalnum(c) && !strchr("._/:^=-", c))
			return false;
	}
	if (space) {
		char compact[OCC_PADDED_LEN + 1];
		return occ_compact(s, compact, sizeof compact);
	}
	return n > 0;
}
