/*
 * The ledger and the account a sub-command works on. The path comes from --ledger, else the
 * PAPER_LEDGER environment variable, else the config's ledger.location (from the environment:
 * PAPER_LEDGER_LOCATION; `init --config FILE` also reads it from the file).
 * The account is --account, else PAPER_ACCOUNT_NAME (the variable that names the account in
 * the config), else the ledger's only account.
 */
#include "cli/cli_ops.h"

#include <stdlib.h>
#include <string.h>

enum { LG_LEDGER = CLI_LEDGER_BASE, LG_ACCOUNT };

const cli_opt cli_ledger_opts[] = {
	{ "--ledger", "PATH", false, LG_LEDGER, "the ledger file (default: $PAPER_LEDGER)" },
	{ "--account", "NAME", false, LG_ACCOUNT,
	  "the account (default: $PAPER_ACCOUNT_NAME, else the only one)" },
	{ NULL, NULL, false, 0, NULL },
};

int cli_ledger_option(cli_ledger_args *a, int id, const char *value)
{
	switch (id) {
	case LG_LEDGER:
		a->path = value;
		return EXIT_OK;
	case LG_ACCOUNT:
		a->account = value;
		return EXIT_OK;
	default:
		return -1;
	}
}

/* ledger.location from the config in the environment (PAPER_LEDGER_LOCATION), or NULL. */
static const char *config_location(void)
{
	static char location[4096];
	paper_config *cfg = NULL;
	size_t len = 0;

	if (paper_config_new(&cfg) != PAPER_OK)
		return NULL;
	if (paper_config_load_env(cfg) == PAPER_OK &&
	    paper_config_get_string(cfg, "ledger.location", location, sizeof location, &len) ==
		    PAPER_OK && len > 0 && len < sizeof location) {
		paper_config_free(cfg);
		return location;
	}
	paper_config_free(cfg);
	return NULL;
}

const char *cli_ledger_redact(char *buf, size_t cap, const char *location)
{
	/* The library's rule, so the command shows a location exactly as messages and the
	 * stored config do. */
	if (paper_ledger_location_redact(location, buf, cap, NULL) != PAPER_OK)
		snprintf(buf, cap, "(a ledger)");
	return buf;
}

const char *cli_ledger_path(const char *cmd, const cli_ledger_args *a)
{
	const char *env = getenv("PAPER_LEDGER");
	const char *path = a->path ? a->path : env && *env ? env : config_location();
	if (path == NULL)
		cli_fail(cmd, EXIT_INPUT, "no ledger: give --ledger PATH, or set PAPER_LEDGER or the "
			 "config's ledger.location (PAPER_LEDGER_LOCATION)");
	return path;
}

int cli_ledger_exit_code(int rc)
{
	switch (rc) {
	case PAPER_ENOTFOUND:
	case PAPER_ECORRUPT:
	case PAPER_EVERSION:
		return EXIT_LEDGER;
	case PAPER_EBUSY:
		return EXIT_BUSY;
	case PAPER_EIO:
	case PAPER_EINVAL:
	case PAPER_EUNSUPPORTED:
		return EXIT_INPUT;
	default:
		return EXIT_LIBRARY;
	}
}

static int ledger_fail(cli_account *a, int rc)
{
	const char *hint = rc == PAPER_ENOTFOUND ? " (create it with paper init)"
			   : rc == PAPER_EBUSY ? " (is paper run driving it?)" : "";
	return cli_fail(a->cmd, cli_ledger_exit_code(rc), "%s%s", paper_last_error(), hint);
}

/* "a, b, c": the accounts of the ledger, for messages. */
static void account_list(const paper_ledger *l, char *buf, size_t cap)
{
	size_t n = paper_ledger_account_count(l), used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used + 2 < cap; i++) {
		char name[PAPER_ID_MAX + 1];
		if (paper_ledger_account_name(l, i, name, sizeof name) == PAPER_OK)
			used += (size_t)snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", name);
	}
}

static int choose_account(cli_account *a, const cli_ledger_args *args)
{
	const char *env = getenv("PAPER_ACCOUNT_NAME");
	const char *want = args->account ? args->account : env && *env ? env : NULL;
	size_t n = paper_ledger_account_count(a->l);
	char list[512];
	account_list(a->l, list, sizeof list);
	if (want) {
		snprintf(a->name, sizeof a->name, "%s", want);
		return EXIT_OK; /* opening it tells whether it exists */
	}
	if (n == 1)
		return paper_ledger_account_name(a->l, 0, a->name, sizeof a->name) == PAPER_OK
			       ? EXIT_OK
			       : cli_fail(a->cmd, EXIT_LIBRARY, "cannot read the account name: %s",
					  paper_last_error());
	if (n == 0)
		return cli_fail(a->cmd, EXIT_LEDGER, "ledger '%s' holds no account (create one with "
				"paper init)", a->shown);
	return cli_fail(a->cmd, EXIT_INPUT, "ledger '%s' holds %zu accounts (%s): choose one with "
			"--account NAME", a->shown, n, list);
}

static int missing_account(cli_account *a, int rc)
{
	if (rc != PAPER_ENOTFOUND)
		return ledger_fail(a, rc);
	char list[512];
	account_list(a->l, list, sizeof list);
	return cli_fail(a->cmd, EXIT_LEDGER, "ledger '%s' has no account '%s' (it holds: %s)", a->shown,
			a->name, *list ? list : "none");
}

int cli_account_open(cli_account *a, const char *cmd, const cli_ledger_args *args, bool read_only)
{
	memset(a, 0, sizeof *a);
	a->cmd = cmd;
	a->path = cli_ledger_path(cmd, args);
	if (a->path == NULL)
		return EXIT_INPUT;
	cli_ledger_redact(a->shown, sizeof a->shown, a->path);
	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
	o.create = false;
	o.read_only = read_only;
	int rc = paper_ledger_open(&a->l, a->path, &o);
	if (rc != PAPER_OK)
		return ledger_fail(a, rc);
	int code = choose_account(a, args);
	if (code == EXIT_OK) {
		rc = read_only ? paper_ledger_load_broker(a->l, a->name, &a->b)
			       : paper_ledger_open_broker(a->l, a->name, &a->b);
		code = rc == PAPER_OK ? EXIT_OK : missing_account(a, rc);
	}
	if (code != EXIT_OK)
		cli_account_close(a); /* callers only close what opened */
	return code;
}

void cli_account_close(cli_account *a)
{
	/* The broker first: freeing it flushes its events and saves the marks. */
	paper_broker_free(a->b);
	paper_ledger_close(a->l);
	a->b = NULL;
	a->l = NULL;
}

paper_signal cli_decision_signal(const paper_decision *d, const char *signal_id)
{
	paper_signal sig = PAPER_SIGNAL_INIT;
	sig.symbol = d->symbol;
	sig.direction = d->side == PAPER_SIDE_BUY ? PAPER_LONG : PAPER_SHORT;
	sig.confidence = d->confidence;
	sig.risk = d->risk;
	/* The decision's own price sizes the entry (seed 002's rule); it never fills it: the
	 * order waits for the next price, as every order does. */
	sig.ref_price = d->current_price;
	sig.take_profit = d->take_profit;
	sig.stop_loss = d->stop_loss;
	sig.signal_id = signal_id;
	return sig;
}
