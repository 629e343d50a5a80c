/*
 * Where paper run stopped reading its price file, kept in the ledger as the account's bookmark
 * "paper-run.prices" (paper_ledger_bookmark_set()): the position after a line is set before the
 * line goes to the account, so it is stored in the same transaction as whatever that line
 * caused, and with the first order placed after it. A restart therefore never reads again a
 * line the ledger acted on, and never skips one it did not. The bookmark names the file by its
 * absolute path, device and inode; a different, replaced or truncated file, or a bookmark that
 * does not parse or point at the start of a line, is read from its start, and its lines older
 * than the account's prices are then refused by the broker and skipped.
 */
#include "run/run.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BOOKMARK "paper-run.prices"

/* The absolute path, escaped to ASCII (a bookmark is UTF-8 text; a path need not be). */
static char *absolute(const char *path)
{
	char *real = realpath(path, NULL);
	char *copy = g_strescape(real ? real : path, NULL);
	free(real);
	return copy;
}

/* Before 1.1 the position was kept in LEDGER.run-ACCOUNT: say that it is not read any more. */
static void legacy_file(run_ctx *r)
{
	char *old = g_strdup_printf("%s.run-%s", r->acct.path, r->acct.name);
	if (g_file_test(old, G_FILE_TEST_IS_REGULAR))
		run_log(r, "INFO", "%s is no longer read (the read position is kept in the ledger); "
			"reading %s from its start", old, r->prices_path);
	g_free(old);
}

typedef struct position {
	uint64_t offset, line, dev, ino;
	const char *path; /* into the text it was parsed from */
} position;

/* "1 OFFSET LINE DEVICE INODE PATH" */
static bool parse(const char *text, position *p)
{
	int used = 0;
	if (sscanf(text, "1 %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %n", &p->offset,
		   &p->line, &p->dev, &p->ino, &used) != 4 || used == 0 || text[used] != '/')
		return false;
	p->path = text + used;
	return p->line > 0 || p->offset == 0;
}

/* The byte before offset ends a line: the position is one this program could have saved. */
static bool at_line_start(const char *path, uint64_t offset)
{
	if (offset == 0)
		return true;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char c = 0;
	bool ok = fd >= 0 && pread(fd, &c, 1, (off_t)(offset - 1)) == 1 && c == '\n';
	if (fd >= 0)
		close(fd);
	return ok;
}

/* The saved position, when it belongs to this very file and still fits in it. */
static void saved_position(run_ctx *r, uint64_t *offset, uint64_t *line)
{
	char text[PAPER_BOOKMARK_VALUE_MAX + 1];
	struct stat st;
	position p;
	*offset = *line = 0;
	int rc = paper_ledger_bookmark_get(r->acct.l, r->acct.name, BOOKMARK, text, sizeof text);
	if (rc == PAPER_ENOTFOUND)
		legacy_file(r);
	if (rc == PAPER_ENOTFOUND || stat(r->prices_path, &st) != 0)
		return;
	if (rc != PAPER_OK || !parse(text, &p)) {
		run_log(r, "WARN", "the saved read position does not parse; reading %s from its "
			"start (lines older than the account's prices are skipped)", r->prices_path);
		return;
	}
	if (strcmp(p.path, r->prices_abs) != 0 || p.dev != (uint64_t)st.st_dev ||
	    p.ino != (uint64_t)st.st_ino || p.offset > (uint64_t)st.st_size) {
		run_log(r, "INFO", "the price file is not the one the last run read; reading %s from "
			"its start", r->prices_path);
		return;
	}
	if (!at_line_start(r->prices_path, p.offset)) {
		run_log(r, "WARN", "the saved read position (byte %" PRIu64 ") is not at the start of "
			"a line of %s; reading it from its start", p.offset, r->prices_path);
		return;
	}
	*offset = p.offset;
	*line = p.line;
}

int run_state_open_feed(run_ctx *r)
{
	if (strcmp(r->prices_path, "-") == 0)
		return cli_feed_open(&r->feed, "run", "-", 0, 0);
	r->prices_abs = absolute(r->prices_path);
	uint64_t offset = 0, line = 0;
	saved_position(r, &offset, &line);
	int code = cli_feed_open(&r->feed, "run", r->prices_path, offset, line);
	if (code == EXIT_OK && offset > 0)
		run_log(r, "INFO", "resuming %s after line %llu (byte %llu)", r->feed.name,
			(unsigned long long)line, (unsigned long long)offset);
	r->saved_offset = offset;
	return code;
}

int run_state_mark(run_ctx *r)
{
	if (r->prices_abs == NULL)
		return EXIT_OK;
	char *text = g_strdup_printf("1 %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %s",
				     r->feed.offset, r->feed.line, (uint64_t)r->feed.dev,
				     (uint64_t)r->feed.ino, r->prices_abs);
	int rc = paper_ledger_bookmark_set(r->acct.l, r->acct.name, BOOKMARK, text);
	g_free(text);
	if (rc != PAPER_OK)
		return cli_fail("run", cli_exit_code(rc), "cannot keep the read position: %s",
				paper_last_error());
	r->marked = true;
	return EXIT_OK;
}

int run_state_save(run_ctx *r)
{
	if (!r->marked || r->saved_offset == r->feed.offset)
		return EXIT_OK;
	int rc = paper_ledger_flush(r->acct.l);
	if (rc != PAPER_OK)
		return cli_fail("run", cli_exit_code(rc), "cannot save the read position: %s",
				paper_last_error());
	r->saved_offset = r->feed.offset;
	return EXIT_OK;
}
