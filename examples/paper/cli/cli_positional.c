/*
 * Positional arguments (`paper order AAPL buy 10`, `paper close AAPL`) beside options in any
 * order. cli_parse() takes options only, so the positionals are taken out first; knowing
 * which options take a value keeps "--limit 99" from reading 99 as a positional.
 */
#include "cli/cli_ops.h"

#include <string.h>

static const cli_opt *lookup(const cli_opt *const *tables, const char *arg)
{
	size_t len = strcspn(arg, "=");
	for (; *tables; tables++)
		for (const cli_opt *o = *tables; o->name; o++)
			if (strlen(o->name) == len && strncmp(o->name, arg, len) == 0)
				return o;
	return NULL;
}

int cli_positionals(const char *cmd, int *argc, char **argv, const cli_opt *const *tables,
		    const char **pos, int max_pos, int *n_pos)
{
	int out = 1;
	*n_pos = 0;
	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) == 0 || strcmp(a, "-h") == 0) {
			const cli_opt *o = lookup(tables, a);
			argv[out++] = argv[i];
			/* The option's value stays with it; unknown options are cli_parse()'s to refuse. */
			if (o && o->arg && !o->multi && strchr(a, '=') == NULL && i + 1 < *argc)
				argv[out++] = argv[++i];
			continue;
		}
		if (*n_pos == max_pos)
			return cli_fail(cmd, EXIT_INPUT, "unexpected argument '%s' (see paper %s --help)",
					a, cmd);
		pos[(*n_pos)++] = a;
	}
	*argc = out;
	argv[out] = NULL;
	return EXIT_OK;
}
