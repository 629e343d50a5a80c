/*
 * --instruments FILE: contracts from a CSV file, one row per symbol, with the header
 * symbol,asset_class,multiplier,tick_size,lot_size,expiry,underlying,right,strike (any order;
 * min_qty, settlement and initial_margin may be columns too; only symbol is required). Each
 * non-empty cell becomes the config key instrument.SYMBOL.COLUMN, so the rows are checked by
 * the library as [instrument.SYMBOL] sections are, and stored with a ledger account likewise.
 */
#include "cli/cli.h"

#include <glib.h>
#include <string.h>

#define MAX_COLS 16

static const char *const columns[] = { "symbol", "asset_class", "multiplier", "tick_size",
				       "lot_size", "min_qty", "expiry", "underlying", "right",
				       "strike", "settlement", "initial_margin", NULL };

static bool known_column(const char *name)
{
	for (int i = 0; columns[i]; i++)
		if (strcmp(columns[i], name) == 0)
			return true;
	return false;
}

/* Split one line at commas, cells trimmed; false when it holds a quote (no quoting here). */
static gchar **cells(const char *line, int *n)
{
	if (strchr(line, '"'))
		return NULL;
	gchar **v = g_strsplit(line, ",", MAX_COLS + 1);
	*n = 0;
	for (; v[*n]; (*n)++)
		g_strstrip(v[*n]);
	return v;
}

static int read_header(const char *cmd, const char *path, const char *line, gchar ***head,
		       int *n, int *sym_col)
{
	*head = cells(line, n);
	if (*head == NULL || *n > MAX_COLS)
		return cli_fail(cmd, EXIT_INPUT, "--instruments %s, line 1: not a header of at most "
				"%d plain columns", path, MAX_COLS);
	*sym_col = -1;
	for (int i = 0; i < *n; i++) {
		if (!known_column((*head)[i]))
			return cli_fail(cmd, EXIT_INPUT, "--instruments %s, line 1: unknown column '%s' "
					"(symbol, asset_class, multiplier, tick_size, lot_size, min_qty, "
					"expiry, underlying, right, strike, settlement, initial_margin)",
					path, (*head)[i]);
		for (int j = 0; j < i; j++)
			if (strcmp((*head)[i], (*head)[j]) == 0)
				return cli_fail(cmd, EXIT_INPUT, "--instruments %s, line 1: column '%s' "
						"twice", path, (*head)[i]);
		if (strcmp((*head)[i], "symbol") == 0)
			*sym_col = i;
	}
	if (*sym_col < 0)
		return cli_fail(cmd, EXIT_INPUT, "--instruments %s, line 1: no symbol column", path);
	return EXIT_OK;
}

/* One data row into cfg. */
static int read_row(const char *cmd, const char *path, size_t lineno, const char *line,
		    gchar **head, int ncol, int sym_col, paper_config *cfg)
{
	int n = 0;
	gchar **v = cells(line, &n);
	int code = EXIT_OK;
	if (v == NULL || n != ncol) {
		code = cli_fail(cmd, EXIT_INPUT, "--instruments %s, line %zu: %d cells where the "
				"header has %d (no quotes)", path, lineno, v ? n : 0, ncol);
	} else if (v[sym_col][0] == '\0') {
		code = cli_fail(cmd, EXIT_INPUT, "--instruments %s, line %zu: no symbol", path, lineno);
	}
	for (int i = 0; i < n && code == EXIT_OK; i++) {
		if (i == sym_col || v[i][0] == '\0')
			continue;
		char *key = g_strdup_printf("instrument.%s.%s", v[sym_col], head[i]);
		if (paper_config_set(cfg, key, v[i]) != PAPER_OK)
			code = cli_fail(cmd, EXIT_INPUT, "--instruments %s, line %zu: %s", path,
					lineno, paper_last_error());
		g_free(key);
	}
	g_strfreev(v);
	return code;
}

int cli_load_instruments(const char *cmd, const char *path, paper_config *cfg)
{
	gchar *text = NULL;
	GError *err = NULL;
	if (!g_file_get_contents(path, &text, NULL, &err)) {
		int code = cli_fail(cmd, EXIT_INPUT, "--instruments: %s", err->message);
		g_error_free(err);
		return code;
	}
	gchar **lines = g_strsplit(text, "\n", -1);
	g_free(text);
	gchar **head = NULL;
	int ncol = 0, sym_col = -1, code = EXIT_OK;
	size_t lineno = 0;
	for (gchar **l = lines; *l && code == EXIT_OK; l++) {
		lineno++;
		g_strchomp(*l); /* CRLF files too */
		if (**l == '\0')
			continue;
		code = head == NULL ? read_header(cmd, path, *l, &head, &ncol, &sym_col)
				    : read_row(cmd, path, lineno, *l, head, ncol, sym_col, cfg);
	}
	if (code == EXIT_OK && head == NULL)
		code = cli_fail(cmd, EXIT_INPUT, "--instruments %s: empty file", path);
	g_strfreev(head);
	g_strfreev(lines);
	return code;
}

/* Every instrument of cfg, as the library resolves it, defined on b (paper run). */
int cli_define_instruments(const char *cmd, const char *path, paper_broker *b)
{
	paper_config *cfg = NULL;
	paper_broker *scratch = NULL;
	int rc = paper_config_new(&cfg);
	if (rc != PAPER_OK)
		return cli_lib_fail(cmd, rc, "paper_config_new");
	int code = cli_load_instruments(cmd, path, cfg);
	if (code == EXIT_OK && (rc = paper_broker_new(&scratch, cfg)) != PAPER_OK)
		code = cli_fail(cmd, EXIT_INPUT, "--instruments %s: %s", path, paper_last_error());
	/* The file's symbols again, in its order: the scratch broker resolved each. */
	gchar *text = NULL;
	if (code == EXIT_OK)
		g_file_get_contents(path, &text, NULL, NULL);
	gchar **lines = g_strsplit(text ? text : "", "\n", -1);
	gchar **head = NULL;
	int ncol = 0, sym_col = -1;
	for (gchar **l = lines; code == EXIT_OK && *l; l++) {
		g_strchomp(*l);
		if (**l == '\0')
			continue;
		if (head == NULL) {
			head = cells(*l, &ncol);
			for (int i = 0; i < ncol; i++)
				if (strcmp(head[i], "symbol") == 0)
					sym_col = i;
			continue;
		}
		int n = 0;
		gchar **v = cells(*l, &n);
		paper_instrument_spec s = PAPER_INSTRUMENT_SPEC_INIT;
		if (v == NULL || sym_col < 0 || n <= sym_col) /* the file changed under us */
			code = cli_fail(cmd, EXIT_INPUT, "--instruments %s changed while read", path);
		else if ((rc = paper_broker_instrument(scratch, v[sym_col], &s)) != PAPER_OK ||
		    (rc = paper_broker_define_instrument(b, v[sym_col], &s)) != PAPER_OK)
			code = cli_fail(cmd, EXIT_INPUT, "--instruments %s: %s", path,
					paper_last_error());
		g_strfreev(v);
	}
	g_strfreev(head);
	g_strfreev(lines);
	g_free(text);
	paper_broker_free(scratch);
	paper_config_free(cfg);
	return code;
}
