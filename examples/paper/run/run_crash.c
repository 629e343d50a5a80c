/*
 * Crash points for the tests (tests/cli/check-run-crash.sh): PAPER_TEST_CRASH_AT=STEP[:N]
 * makes paper run kill itself with SIGKILL the N-th time it reaches STEP, so a test can stop it
 * exactly between two actions of a cycle, as a kill -9 or a power cut could. Without the
 * variable, a crash point costs one comparison.
 */
#include "run/run.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void run_crash_point(const char *step)
{
	static const char *want;
	static unsigned long count, seen;
	static bool read;
	if (!read) {
		read = true;
		want = getenv("PAPER_TEST_CRASH_AT");
		const char *colon = want ? strchr(want, ':') : NULL;
		count = colon ? strtoul(colon + 1, NULL, 10) : 1;
	}
	if (want == NULL || strncmp(want, step, strlen(step)) != 0 ||
	    (want[strlen(step)] != '\0' && want[strlen(step)] != ':'))
		return;
	if (++seen < count)
		return;
	fflush(stdout);
	kill(getpid(), SIGKILL);
	_exit(137); /* not reached */
}
