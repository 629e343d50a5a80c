/*
 * --instruments FILE: contracts from a CSV file, one row per symbol, with the header
 * symbol,asset_class,multiplier,tick_size,lot_size,expiry,underlying,right,strike (any order;
 * min_qty, settlement and initial_margin may be columns too; only symbol is required). Each
 * non-empty cell becomes the config key instrument.SYMBOL.COLUMN, so the rows are checked by
 * the library as [instrument.SYMBOL] sections are, and stored with a ledger account likewise.
 * The file is read as the other CSV inputs (docs/formats.md): no quoting, a byte order mark
 * ignored, a NUL byte an error; one row per symbol; at most 1 MiB, as a config file.
 */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* As a config file (docs/config.md): more than this is no list of contracts. */
#define FILE_MAX ((size_t)1 << 20)

/* One file's rows: the symbols in the file's order, with their lines. */
typedef struct rows {
	GPtrArray *symbols; /* gchar * */
	GArray *lines;      /* size_t */
	GHashTable *seen;   /* symbol -> its line (GSIZE_TO_POINTER) */
} rows;

/* Split one line at commas, cells trimmed (the line holds no quote: see no_quote()). */
static gchar **cells(const char *line, int *n)
{
	gchar **v = g_strsplit(line, ",", MAX_COLS + 1);
	*n = 0;
	for (; v[*n]; (*n)++)
		g_strstrip(v[*n]);
	return v;
}

/* The files take no quoting (docs/formats.md): a quote is named, not miscounted as cells. */
static int no_quote(const char *cmd, const char *path, size_t lineno, const char *line)
{
	if (strchr(line, '"') == NULL)
		return EXIT_OK;
	return cli_fail(cmd, EXIT_INPUT, "--instruments %s, line %zu: a quote (\"): the CSV files "
			"take no quoting and no cell holds a comma; write the cells bare (docs/"
			"formats.md)", path, lineno);
}

static int read_header(const char *cmd, const char *path, const char *line, gchar ***head,
		       int *n, int *sym_col)
{
	int code = no_quote(cmd, path, 1, line);
	if (code != EXIT_OK)
		return code;
	*head = cells(line, n);
	if (*n > MAX_COLS)
		return cli_fail(cmd, EXIT_INPUT, "--instruments %s, line 1: not a header of at most "
				"%d columns", path, MAX_COLS);
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

static int set_key(const char *cmd, const char *path, size_t lineno, const char *symbol,
		   const char *field, const char *value, paper_config *cfg)
{
	char *key = g_strdup_printf("instrument.%s.%s", symbol, field);
	int code = EXIT_OK;
	if (paper_config_set(cfg, key, value) != PAPER_OK)
		code = cli_fail(cmd, EXIT_INPUT, "--instruments %s, line %zu: %s", path, lineno,
				paper_last_error());
	g_free(key);
	return code;
}

/* The padded 21-character OCC spelling names the contract the compact one does. */
static char *same_contract(const char *symbol)
{
	size_t n = strlen(symbol);
	if (n == 21 && memchr(symbol, ' ', 6) && !strchr(symbol + 6, ' ')) {
		char root[7];
		memcpy(root, symbol, 6);
		root[6] = '\0';
		return g_strconcat(g_strchomp(root), symbol + 6, NULL);
	}
	return g_strdup(symbol);
}

/* A symbol's second row would merge into the first key by key: refused, both lines named. */
static int first_row(const char *cmd, const char *path, size_t lineno, const char *symbol,
		     rows *r)
{
	char *key = same_contract(symbol);
	gpointer before = g_hash_table_lookup(r->seen, key);
	if (before != NULL) {
		g_free(key);
		return cli_fail(cmd, EXIT_INPUT, "--instruments %s: symbol %s on lines %zu and %zu: "
				"one row per symbol", path, symbol, GPOINTER_TO_SIZE(before), lineno);
	}
	g_hash_table_insert(r->seen, key, GSIZE_TO_POINTER(lineno));
	g_ptr_array_add(r->symbols, g_strdup(symbol));
	g_array_append_val(r->lines, lineno);
	return EXIT_OK;
}

/* The cell of column name in this row, "" when the file has no such column. */
static const char *cell_of(gchar **head, gchar **v, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(head[i], name) == 0)
			return v[i];
	return "";
}

/*
 * What a row leaves empty. An OCC option symbol describes itself: the fields of its option the
 * row leaves empty come from the symbol (a row may change its multiplier, say), unless the row
 * makes it another asset class. Any other row of empty cells is every default, an equity
 * (docs/instruments.md), defined as one rather than left out.
 */
static int fill_empty(const char *cmd, const char *path, size_t lineno, const char *symbol,
		      gchar **head, gchar **v, int n, bool any_set, paper_config *cfg)
{
	paper_instrument_spec o = PAPER_INSTRUMENT_SPEC_INIT;
	if (paper_occ_parse(symbol, &o) != PAPER_OK)
		return any_set ? EXIT_OK
			       : set_key(cmd, path, lineno, symbol, "asset_class", "equity", cfg);
	const char *cls = cell_of(head, v, n, "asset_class");
	if (*cls && strcmp(cls, "option") != 0)
		return EXIT_OK;
	char strike[64], expiry[32];
	g_ascii_formatd(strike, sizeof strike, "%.8f", o.strike);
	g_snprintf(expiry, sizeof expiry, "%" G_GINT64_FORMAT, o.expiry / PAPER_TS_PER_SECOND);
	const char *fill[][2] = { { "asset_class", "option" }, { "underlying", o.underlying },
				  { "right", o.right == PAPER_RIGHT_CALL ? "call" : "put" },
				  { "strike", strike }, { "expiry", expiry } };
	int code = EXIT_OK;
	for (size_t f = 0; f < G_N_ELEMENTS(fill) && code == EXIT_OK; f++)
		if (*cell_of(head, v, n, fill[f][0]) == '\0')
			code = set_key(cmd, path, lineno, symbol, fill[f][0], fill[f][1], cfg);
	return code;
}

/* One data row into cfg: each non-empty cell a key, then what it leaves empty (fill_empty()). */
static int read_row(const char *cmd, const char *path, size_t lineno, const char *line,
		    gchar **head, int ncol, int sym_col, paper_config *cfg, rows *r)
{
	int code = no_quote(cmd, path, lineno, line);
	if (code != EXIT_OK)
		return code;
	int n = 0;
	gchar **v = cells(line, &n);
	if (n != ncol)
		code = cli_fail(cmd, EXIT_INPUT, "--instruments %s, line %zu: %d cells where the "
				"header has %d", path, lineno, n, ncol);
	else if (v[sym_col][0] == '\0')
		code = cli_fail(cmd, EXIT_INPUT, "--instruments %s, line %zu: no symbol", path, lineno);
	else
		code = first_row(cmd, path, lineno, v[sym_col], r);
	bool any_set = false;
	for (int i = 0; i < n && code == EXIT_OK; i++) {
		if (i == sym_col || v[i][0] == '\0')
			continue;
		code = set_key(cmd, path, lineno, v[sym_col], head[i], v[i], cfg);
		any_set = true;
	}
	if (code == EXIT_OK)
		code = fill_empty(cmd, path, lineno, v[sym_col], head, v, n, any_set, cfg);
	g_strfreev(v);
	return code;
}

/* path opened for reading, not a folder; -1 with *err. *big: a regular file over FILE_MAX. */
static int open_input(const char *path, bool *big, int *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	if (fstat(fd, &st) != 0)
		*err = errno;
	else if (S_ISDIR(st.st_mode))
		*err = EISDIR;
	if (*err) {
		close(fd);
		return -1;
	}
	*big = S_ISREG(st.st_mode) && (uint64_t)st.st_size > FILE_MAX;
	return fd;
}

/* fd to its end, or FILE_MAX + 1 bytes when it holds more, into buf (FILE_MAX + 2 bytes). */
static int read_upto(int fd, gchar *buf, size_t *n)
{
	*n = 0;
	while (*n <= FILE_MAX) {
		ssize_t got = read(fd, buf + *n, FILE_MAX + 1 - *n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return errno;
		if (got == 0)
			break;
		*n += (size_t)got;
	}
	return 0;
}

/* The whole file, at most FILE_MAX bytes: checked by its size first, and while reading (a
 * pipe, a file that grows). */
static int read_capped(const char *cmd, const char *path, gchar **text, size_t *len)
{
	bool big = false;
	int err = 0;
	int fd = open_input(path, &big, &err);
	gchar *buf = fd >= 0 && !big ? g_malloc(FILE_MAX + 2) : NULL;
	size_t n = 0;
	if (buf)
		err = read_upto(fd, buf, &n);
	if (fd >= 0)
		close(fd);
	int code = EXIT_OK;
	if (err)
		code = cli_fail(cmd, EXIT_INPUT, "--instruments %s: cannot read it: %s", path,
				g_strerror(err));
	else if (big || n > FILE_MAX)
		code = cli_fail(cmd, EXIT_INPUT, "--instruments %s: larger than %zu bytes (1 MiB), "
				"the most paper reads of a list of contracts", path, FILE_MAX);
	if (code != EXIT_OK) {
		g_free(buf);
		return code;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return EXIT_OK;
}

/* A NUL would end the text early and drop every row after it: an error naming its line. */
static int no_nul(const char *cmd, const char *path, const char *text, size_t len)
{
	const char *nul = memchr(text, '\0', len);
	if (nul == NULL)
		return EXIT_OK;
	size_t lineno = 1;
	for (const char *p = text; p < nul; p++)
		lineno += *p == '\n';
	return cli_fail(cmd, EXIT_INPUT, "--instruments %s, line %zu: a NUL byte (not a text "
			"file?)", path, lineno);
}

static void rows_init(rows *r)
{
	r->symbols = g_ptr_array_new_with_free_func(g_free);
	r->lines = g_array_new(FALSE, FALSE, sizeof(size_t));
	r->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

static void rows_clear(rows *r)
{
	g_ptr_array_unref(r->symbols);
	g_array_unref(r->lines);
	g_hash_table_unref(r->seen);
}

static int load(const char *cmd, const char *path, paper_config *cfg, rows *r)
{
	gchar *text = NULL;
	size_t len = 0;
	int code = read_capped(cmd, path, &text, &len);
	if (code == EXIT_OK)
		code = no_nul(cmd, path, text, len);
	if (code != EXIT_OK) {
		g_free(text);
		return code;
	}
	/* A byte order mark before the header is ignored, as in every CSV (docs/formats.md). */
	bool bom = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0;
	gchar **lines = g_strsplit(text + (bom ? 3 : 0), "\n", -1);
	g_free(text);
	gchar **head = NULL;
	int ncol = 0, sym_col = -1;
	size_t lineno = 0;
	for (gchar **l = lines; *l && code == EXIT_OK; l++) {
		lineno++;
		g_strchomp(*l); /* CRLF files too */
		if (**l == '\0')
			continue;
		code = head == NULL ? read_header(cmd, path, *l, &head, &ncol, &sym_col)
				    : read_row(cmd, path, lineno, *l, head, ncol, sym_col, cfg, r);
	}
	if (code == EXIT_OK && head == NULL)
		code = cli_fail(cmd, EXIT_INPUT, "--instruments %s: empty file", path);
	g_strfreev(head);
	g_strfreev(lines);
	return code;
}

int cli_load_instruments(const char *cmd, const char *path, paper_config *cfg)
{
	rows r;
	rows_init(&r);
	int code = load(cmd, path, cfg, &r);
	rows_clear(&r);
	return code;
}

/* Define every row on b, or stop at the first refused (its line named). */
static int define_all(const char *cmd, const char *path, const rows *r,
		      const paper_broker *scratch, paper_broker *b)
{
	for (guint i = 0; i < r->symbols->len; i++) {
		const char *sym = r->symbols->pdata[i];
		paper_instrument_spec s = PAPER_INSTRUMENT_SPEC_INIT;
		if (paper_broker_instrument(scratch, sym, &s) != PAPER_OK ||
		    paper_broker_define_instrument(b, sym, &s) != PAPER_OK)
			return cli_fail(cmd, EXIT_INPUT, "--instruments %s, line %zu: %s", path,
					g_array_index(r->lines, size_t, i), paper_last_error());
	}
	return EXIT_OK;
}

/*
 * Every row of the file defined on b (paper run), or none: the rows are checked as a config
 * (scratch), then defined on a copy of the account rebuilt from its ledger (probe, detached:
 * nothing it does is stored), which refuses a row that would change a contract already fixed
 * by an order, and only then on b, which stores each definition with the account.
 */
int cli_define_instruments(const char *cmd, const char *path, paper_ledger *l,
			   const char *account, paper_broker *b)
{
	paper_config *cfg = NULL;
	paper_broker *scratch = NULL, *probe = NULL;
	int rc = paper_config_new(&cfg);
	if (rc != PAPER_OK)
		return cli_lib_fail(cmd, rc, "paper_config_new");
	rows r;
	rows_init(&r);
	int code = load(cmd, path, cfg, &r);
	if (code == EXIT_OK && (rc = paper_broker_new(&scratch, cfg)) != PAPER_OK)
		code = cli_fail(cmd, EXIT_INPUT, "--instruments %s: %s", path, paper_last_error());
	if (code == EXIT_OK && (rc = paper_ledger_load_broker(l, account, &probe)) != PAPER_OK)
		code = cli_lib_fail(cmd, rc, "paper_ledger_load_broker");
	if (code == EXIT_OK)
		code = define_all(cmd, path, &r, scratch, probe);
	if (code == EXIT_OK)
		code = define_all(cmd, path, &r, scratch, b);
	paper_broker_free(probe);
	paper_broker_free(scratch);
	paper_config_free(cfg);
	rows_clear(&r);
	return code;
}
