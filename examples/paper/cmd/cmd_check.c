/*
 * paper check: a ledger read through and through (paper_ledger_check()): the storage's full
 * check, then every account's event log replayed and compared with its orders table. Exit 0
 * when sound, 3 when anything is wrong (each problem printed), never writing the ledger.
 */
#include "cli/cli_ops.h"

#include <string.h>

#include "cmd/commands.h"

enum { CK_JSON = 1 };

static const cli_opt check_opts[] = {
	{ "--json", NULL, false, CK_JSON, "print what was checked and found as JSON" },
	{ NULL, NULL, false, 0, NULL },
};

static const char description[] =
	"Check a ledger without writing to it: the storage (SQLite: PRAGMA integrity_check, every\n"
	"page and index of the file), then each account: its whole event log replayed through the\n"
	"broker's own checks, and its orders table compared with the orders the log rebuilds.\n"
	"Prints each part checked and each problem found; exit status 0 when the ledger is sound,\n"
	"3 when it is damaged, not a ledger, missing or from a newer libpaper. Every other command\n"
	"refuses a damaged file on open (a quicker check) and never writes to it; run this one to\n"
	"see everything that is wrong. Minutes on a ledger of gigabytes.";

typedef struct check_args {
	cli_ledger_args ledger;
	bool json;
} check_args;

typedef struct findings {
	cli_json storage, accounts;
	bool json, ok;
} findings;

static int on_option(void *ctx, int id, const char *value)
{
	check_args *a = ctx;
	if (id == CK_JSON) {
		a->json = true;
		return EXIT_OK;
	}
	int rc = cli_ledger_option(&a->ledger, id, value);
	return rc < 0 ? EXIT_INPUT : rc;
}

/* The library's problem texts have no control characters (paper_check_item). */
static void on_item(const paper_check_item *it, void *payload)
{
	findings *f = payload;
	bool storage = strcmp(it->part, "storage") == 0;
	f->ok = f->ok && it->ok;
	if (!f->json) {
		if (storage)
			printf("storage: %s\n", it->ok ? "ok" : it->problem);
		else if (it->ok)
			printf("account %s: ok, %llu events\n", it->account,
			       (unsigned long long)it->events);
		else
			printf("account %s: %s\n", it->account, it->problem);
		return;
	}
	if (storage) {
		if (!it->ok)
			cj_str(&f->storage, NULL, it->problem);
		return;
	}
	cj_open(&f->accounts, NULL, '{');
	cj_str(&f->accounts, "name", it->account);
	cj_bool(&f->accounts, "ok", it->ok);
	cj_uint(&f->accounts, "events", it->events);
	cj_str(&f->accounts, "problem", it->problem);
	cj_close(&f->accounts, '}');
}

static void print_json(findings *f, const char *location)
{
	char shown[4096];
	cli_json j;
	cj_init(&j);
	cj_open(&j, NULL, '{');
	cj_str(&j, "ledger", cli_ledger_redact(shown, sizeof shown, location));
	cj_bool(&j, "ok", f->ok);
	cj_close(&f->storage, ']');
	cj_close(&f->accounts, ']');
	/* cj_close leaves a comma after each: drop it, the raw value is complete. */
	g_string_truncate(f->storage.s, f->storage.s->len - 1);
	g_string_truncate(f->accounts.s, f->accounts.s->len - 1);
	cj_raw(&j, "storage_problems", f->storage.s->str);
	cj_raw(&j, "accounts", f->accounts.s->str);
	cj_close(&j, '}');
	cj_print(&j, stdout);
}

int cmd_check(int argc, char **argv)
{
	const cli_opt *const tables[] = { check_opts, cli_ledger_opts, NULL };
	check_args a;
	memset(&a, 0, sizeof a);
	bool help = false;
	int code = cli_parse("check", argc, argv, tables, on_option, &a, &help);
	if (code == EXIT_OK && help) {
		cli_usage(stdout, "check", "[--ledger PATH] [--json]", description, tables, NULL);
		return EXIT_OK;
	}
	const char *location = code == EXIT_OK ? cli_ledger_path("check", &a.ledger) : NULL;
	if (location == NULL)
		return code == EXIT_OK ? EXIT_INPUT : code;
	findings f = { .json = a.json, .ok = true };
	cj_init(&f.storage);
	cj_init(&f.accounts);
	cj_open(&f.storage, NULL, '[');
	cj_open(&f.accounts, NULL, '[');
	int rc = paper_ledger_check(location, on_item, &f);
	if (rc == PAPER_OK || rc == PAPER_ECORRUPT) {
		if (a.json)
			print_json(&f, location);
		code = rc == PAPER_OK ? EXIT_OK
				      : cli_fail("check", EXIT_LEDGER, "%s", paper_last_error());
	} else {
		code = cli_fail("check", cli_ledger_exit_code(rc), "%s", paper_last_error());
	}
	cj_free(&f.storage);
	cj_free(&f.accounts);
	return code;
}
