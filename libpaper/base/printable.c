/* Text made fit to print (printable.h). */
#include "base/printable.h"

#include <glib.h>

char *paper__printable(const char *text)
{
	char *out = g_utf8_make_valid(text ? text : "", -1);
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return out;
}
