/* Run-time version, for checking against the compile-time PAPER_VERSION_NUMBER. */
#include <paper/common.h>

PAPER_API const char *paper_version(void)
{
	return PAPER_VERSION;
}

PAPER_API int paper_version_number(void)
{
	return PAPER_VERSION_NUMBER;
}
