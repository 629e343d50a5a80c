/* Scratch files and oracles shared by the fuzz targets (fuzz.h). */
/* fopen() and fopen64() are both defined below: no large-file renaming of one into the other. */
#undef _FILE_OFFSET_BITS
#include "fuzz.h"

#include <dlfcn.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <paper/config.h>
#include <paper/error.h>

static char *scratch;
static GHashTable *paths; /* name -> full path */

static void remove_tree(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	if (d == NULL)
		return;
	for (const char *n; (n = g_dir_read_name(d));) {
		char *p = g_build_filename(dir, n, NULL);
		if (g_file_test(p, G_FILE_TEST_IS_DIR) && !g_file_test(p, G_FILE_TEST_IS_SYMLINK))
			remove_tree(p);
		else
			g_unlink(p);
		g_free(p);
	}
	g_dir_close(d);
	g_rmdir(dir);
}

static void scratch_remove(void)
{
	remove_tree(scratch);
	g_clear_pointer(&scratch, g_free);
	g_clear_pointer(&paths, g_hash_table_destroy);
}

const char *fuzz_path(const char *name)
{
	if (scratch == NULL) {
		GError *err = NULL;
		scratch = g_dir_make_tmp("paper-fuzz-XXXXXX", &err);
		if (scratch == NULL) {
			fprintf(stderr, "fuzz: no scratch folder: %s\n", err->message);
			abort();
		}
		paths = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
		atexit(scratch_remove);
	}
	char *p = g_hash_table_lookup(paths, name);
	if (p == NULL) {
		p = g_build_filename(scratch, name, NULL);
		g_hash_table_insert(paths, g_strdup(name), p);
	}
	return p;
}

void fuzz_write(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
		perror(path);
		abort();
	}
}

void fuzz_unlink(const char *path)
{
	g_unlink(path);
}

void fuzz_unlink_ledger(const char *path)
{
	static const char *const sidecars[] = { "", "-wal", "-shm", "-journal", "-locks" };
	for (size_t i = 0; i < G_N_ELEMENTS(sidecars); i++) {
		char *p = g_strconcat(path, sidecars[i], NULL);
		g_unlink(p);
		g_free(p);
	}
}

char *fuzz_cstr(const uint8_t *data, size_t size)
{
	return g_strndup((const char *)data, size);
}

bool fuzz_reconciles(int64_t start, int64_t realized, int64_t fees, int64_t cash)
{
	__extension__ typedef __int128 wide;
	return (wide)start + realized - fees == (wide)cash;
}

void fuzz_require(bool ok, const char *what)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz: broken promise: %s (last error: %s)\n", what, paper_last_error());
	abort();
}

char *fuzz_config_text(const paper_config *cfg, const char *key)
{
	size_t len = 0;
	char small[1];
	fuzz_require(paper_config_get_string(cfg, key, small, sizeof small, &len) == PAPER_OK,
		     "every key reads as text");
	char *buf = g_malloc(len + 1);
	fuzz_require(paper_config_get_string(cfg, key, buf, len + 1, NULL) == PAPER_OK,
		     "every key reads as text");
	return buf;
}

bool fuzz_url_is_paper(const char *url)
{
	if (url[0] == '\0')
		return true;
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '\\' || *p == 0x7f)
			return false;
	GUri *u = g_uri_parse(url, G_URI_FLAGS_NONE, NULL);
	if (u == NULL)
		return false;
	/* The host as a client resolves it: IDNA ASCII, lower case, no trailing dot. */
	const char *host = g_uri_get_host(u);
	char *ascii = host ? g_hostname_to_ascii(host) : NULL;
	char *h = g_ascii_strdown(ascii ? ascii : "", -1);
	size_t n = strlen(h);
	if (n && h[n - 1] == '.')
		h[n - 1] = '\0';
	int port = g_uri_get_port(u);
	bool ok = g_ascii_strcasecmp(g_uri_get_scheme(u), "https") == 0 &&
		  g_uri_get_userinfo(u) == NULL && g_uri_get_fragment(u) == NULL &&
		  (port == -1 || (port >= 1 && port <= 65535)) &&
		  strcmp(h, "paper-api.alpaca.markets") == 0;
	g_free(h);
	g_free(ascii);
	g_uri_unref(u);
	return ok;
}

void fuzz_require_paper_only(const paper_config *cfg)
{
	char *url = fuzz_config_text(cfg, "connection.alpaca_base_url");
	if (!fuzz_url_is_paper(url)) {
		fprintf(stderr, "fuzz: accepted Alpaca URL: '%s'\n", url);
		fuzz_require(false, "a validated config's Alpaca URL is the paper endpoint");
	}
	g_free(url);
	int64_t port = -1;
	fuzz_require(paper_config_get_int(cfg, "connection.ib_port", &port) == PAPER_OK,
		     "connection.ib_port reads");
	fuzz_require(port == 0 || port == 7497 || port == 4002,
		     "a validated config's IB port is a paper port");
	char *acct = fuzz_config_text(cfg, "connection.ib_account");
	bool ok = acct[0] == '\0';
	if (!ok && g_str_has_prefix(acct, "DU") && acct[2] != '\0') {
		ok = true;
		for (const char *p = acct + 2; ok && *p; p++)
			ok = g_ascii_isdigit(*p);
	}
	g_free(acct);
	fuzz_require(ok, "a validated config's IB account is a paper account");
}

/*
 * The broker appends its log to logging.log_file (market/log.c opens it with mode "ae"), and
 * the inputs here may name any path while tests often run as root. These definitions take
 * the place of the C library's for the whole process and send that one kind of open to the
 * scratch folder; every other open passes through unchanged.
 */
static FILE *redirect_open(const char *sym, const char *path, const char *mode)
{
	FILE *(*real)(const char *, const char *) = NULL;
	*(void **)&real = dlsym(RTLD_NEXT, sym); /* POSIX's way to a function pointer */
	if (real == NULL)
		abort();
	if (strcmp(mode, "ae") == 0)
		path = fuzz_path("broker.log");
	return real(path, mode);
}

FILE *fopen(const char *path, const char *mode)
{
	return redirect_open("fopen", path, mode);
}

FILE *fopen64(const char *path, const char *mode)
{
	return redirect_open("fopen64", path, mode);
}
