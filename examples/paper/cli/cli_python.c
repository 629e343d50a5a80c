/*
 * Handing a sub-command over to paperlib: paper sweep (and paper report --sweep) run parameter
 * sets as tasks on Dask, which is Python. The C side checks the arguments first; then the
 * process becomes `python3 -c BOOTSTRAP CMD ARGS...`, which runs paperlib.sweep_cli.
 *
 * Which Python: $PAPER_PYTHON, else the interpreter meson found at configure time
 * (PAPER_CLI_PYTHON). Which paperlib: PYTHONPATH as set (the build tree's tests and
 * `meson devenv` put the build's package first), then the directory meson installs it to
 * (PAPER_CLI_PYTHONPATH), appended so an installed paper finds its own paperlib. The Python
 * side refuses a paperlib whose libpaper is another version than this command's
 * (PAPER_CLI_LIBPAPER_VERSION): the numbers of a sweep would not be this library's.
 */
#include "cli/cli.h"

#include <errno.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PAPER_CLI_PYTHON
#define PAPER_CLI_PYTHON "python3"
#endif
#ifndef PAPER_CLI_PYTHONPATH
#define PAPER_CLI_PYTHONPATH ""
#endif

/* Imports paperlib.sweep_cli, or says clearly why it cannot. */
static const char bootstrap[] =
	"import sys\n"
	"try:\n"
	"    from paperlib.sweep_cli import main\n"
	"except ImportError as e:\n"
	"    sys.stderr.write('paper %s: cannot import paperlib.sweep_cli (%s); install paperlib '\n"
	"                     '(meson install) or put it on PYTHONPATH (searched: %s)\\n'\n"
	"                     % (sys.argv[1], e, ':'.join(p for p in sys.path if p)))\n"
	"    sys.exit(1)\n"
	"sys.exit(main(sys.argv[1:]))\n";

static void append_pythonpath(void)
{
	const char *dir = PAPER_CLI_PYTHONPATH;
	if (dir[0] == '\0')
		return;
	const char *old = getenv("PYTHONPATH");
	if (old == NULL || old[0] == '\0') {
		setenv("PYTHONPATH", dir, 1);
		return;
	}
	char *both = g_strconcat(old, ":", dir, NULL);
	setenv("PYTHONPATH", both, 1);
	g_free(both);
}

int cli_exec_python(const char *cmd, const char *const *args)
{
	const char *python = getenv("PAPER_PYTHON");
	if (python == NULL || python[0] == '\0')
		python = PAPER_CLI_PYTHON;
	size_t n = 0;
	while (args[n])
		n++;
	const char **argv = g_new0(const char *, n + 5);
	argv[0] = python;
	argv[1] = "-c";
	argv[2] = bootstrap;
	argv[3] = cmd;
	for (size_t i = 0; i < n; i++)
		argv[4 + i] = args[i];
	append_pythonpath();
	setenv("PAPER_CLI_LIBPAPER_VERSION", paper_version(), 1);
	fflush(stdout);
	fflush(stderr);
	/* execvp's argv is char *const[] for historical reasons; it does not write to it. */
	execvp(python, (char *const *)argv);
	int err = errno;
	g_free(argv);
	return cli_fail(cmd, EXIT_LIBRARY, "cannot run %s: %s; paper %s needs Python 3 with paperlib, "
			"pandas and Dask (Debian: python3-distributed python3-pandas); PAPER_PYTHON "
			"names another interpreter", python, strerror(err), cmd);
}
