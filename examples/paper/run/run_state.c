/*
 * Where paper run stopped reading its price file, kept beside the ledger in
 * "<ledger>.run-<account>" (a GLib key file, replaced atomically after each cycle), so a new
 * run continues with the first line it has not applied. The file is recognised by its path,
 * device and inode; a different, replaced or truncated file is read from its start, and its
 * lines older than the account's prices are then refused by the broker and skipped.
 */
#include "run/run.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define GROUP "prices"

static char *absolute(const char *path)
{
	char *real = realpath(path, NULL);
	char *copy = g_strdup(real ? real : path);
	free(real);
	return copy;
}

/* The saved position, when it belongs to this very file and still fits in it. */
static void saved_position(run_ctx *r, const char *abs, uint64_t *offset, uint64_t *line)
{
	GKeyFile *kf = g_key_file_new();
	struct stat st;
	*offset = *line = 0;
	if (!g_key_file_load_from_file(kf, r->state_path, G_KEY_FILE_NONE, NULL) ||
	    stat(abs, &st) != 0) {
		g_key_file_free(kf);
		return;
	}
	char *path = g_key_file_get_string(kf, GROUP, "path", NULL);
	uint64_t dev = g_key_file_get_uint64(kf, GROUP, "device", NULL);
	uint64_t ino = g_key_file_get_uint64(kf, GROUP, "inode", NULL);
	uint64_t off = g_key_file_get_uint64(kf, GROUP, "offset", NULL);
	uint64_t ln = g_key_file_get_uint64(kf, GROUP, "line", NULL);
	if (path && strcmp(path, abs) == 0 && dev == (uint64_t)st.st_dev &&
	    ino == (uint64_t)st.st_ino && off <= (uint64_t)st.st_size) {
		*offset = off;
		*line = ln;
	} else if (path) {
		run_log(r, "INFO", "the price file is not the one the last run read (%s); reading %s "
			"from its start", path, abs);
	}
	g_free(path);
	g_key_file_free(kf);
}

int run_state_open_feed(run_ctx *r)
{
	if (strcmp(r->prices_path, "-") == 0)
		return cli_feed_open(&r->feed, "run", "-", 0, 0);
	r->state_path = g_strdup_printf("%s.run-%s", r->acct.path, r->acct.name);
	char *abs = absolute(r->prices_path);
	uint64_t offset = 0, line = 0;
	saved_position(r, abs, &offset, &line);
	g_free(abs);
	int code = cli_feed_open(&r->feed, "run", r->prices_path, offset, line);
	if (code == EXIT_OK && offset > 0)
		run_log(r, "INFO", "resuming %s after line %llu (byte %llu)", r->feed.name,
			(unsigned long long)line, (unsigned long long)offset);
	return code;
}

int run_state_save(run_ctx *r)
{
	if (r->state_path == NULL || (r->saved && r->saved_offset == r->feed.offset))
		return EXIT_OK;
	GKeyFile *kf = g_key_file_new();
	char *abs = absolute(r->prices_path);
	GError *err = NULL;
	g_key_file_set_comment(kf, NULL, NULL, " paper run: how far the price file was read "
			       "(docs/cli.md). Delete it to read the file from its start.", NULL);
	g_key_file_set_string(kf, GROUP, "path", abs);
	g_key_file_set_uint64(kf, GROUP, "device", (uint64_t)r->feed.dev);
	g_key_file_set_uint64(kf, GROUP, "inode", (uint64_t)r->feed.ino);
	g_key_file_set_uint64(kf, GROUP, "offset", r->feed.offset);
	g_key_file_set_uint64(kf, GROUP, "line", r->feed.line);
	bool ok = g_key_file_save_to_file(kf, r->state_path, &err);
	g_free(abs);
	g_key_file_free(kf);
	if (ok) {
		r->saved = true;
		r->saved_offset = r->feed.offset;
		return EXIT_OK;
	}
	int code = cli_fail("run", EXIT_INPUT, "cannot save the read position in %s: %s",
			    r->state_path, err->message);
	g_error_free(err);
	return code;
}
