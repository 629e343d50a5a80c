/* paper init: a new paper account in a ledger, with the config it will run with. */
#include "cli/cli_ops.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/commands.h"

enum { IN_CASH = 1, IN_JSON };

static const cli_opt init_opts[] = {
	{ "--cash", "AMOUNT", false, IN_CASH, "starting cash (account.starting_cash)" },
	{ "--json", NULL, false, IN_JSON, "print the result as JSON" },
	{ NULL, NULL, false, 0, NULL },
};

static const char synopsis[] = "--ledger PATH [--config FILE] [--account NAME] [--cash AMOUNT] [options]";

static const char description[] =
	"Create a paper account in a ledger (the file is created if it does not exist; a ledger may\n"
	"hold several accounts). The settings come from the defaults, then --config FILE, then the\n"
	"environment (PAPER_<GROUP>_<KEY>), then the options; they are validated first, and a\n"
	"config with any problem is refused with every violation named - nothing is created then.\n"
	"The account keeps this config for its whole life: its limits, costs and session rules.";

typedef struct init_args {
	cli_ledger_args ledger;
	cli_config cfg;
	bool json;
} init_args;

/* A setting from an option of this command, applied like the shared options' settings. */
static int setting(init_args *a, const char *opt, const char *key, const char *value)
{
	cli_config *c = &a->cfg;
	if (c->n == CLI_MAX_SETTINGS)
		return cli_fail("init", EXIT_INPUT, "too many settings (at most %d)", CLI_MAX_SETTINGS);
	c->keys[c->n] = strdup(key);
	c->values[c->n] = strdup(value);
	c->options[c->n++] = opt;
	return EXIT_OK;
}

static int on_option(void *ctx, int id, const char *value)
{
	init_args *a = ctx;
	if (id == IN_CASH)
		return setting(a, "--cash", "account.starting_cash", value);
	if (id == IN_JSON) {
		a->json = true;
		return EXIT_OK;
	}
	int rc = cli_ledger_option(&a->ledger, id, value);
	if (rc == EXIT_OK && a->ledger.account == value)
		return setting(a, "--account", "account.name", value);
	if (rc >= 0)
		return rc;
	rc = cli_common_option("init", &a->cfg, id, value);
	if (rc == EXIT_OK && a->cfg.n_lots > 0)
		return cli_fail("init", EXIT_INPUT, "--lot is not part of an account's config: give it "
				"to paper run");
	return rc < 0 ? EXIT_INPUT : rc;
}

/* Remove a ledger this command created and could not finish, with SQLite's companions. */
static void remove_ledger(const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal", "-locks" };
	for (size_t i = 0; i < G_N_ELEMENTS(suffix); i++) {
		char *p = g_strconcat(path, suffix[i], NULL);
		unlink(p);
		g_free(p);
	}
}

static void print_result(const init_args *a, const char *path, const paper_config *cfg)
{
	char name[PAPER_ID_MAX + 1] = "", currency[8] = "", type[16] = "", m[CLI_TEXT_MAX];
	double cash = 0;
	paper_config_get_string(cfg, "account.name", name, sizeof name, NULL);
	paper_config_get_string(cfg, "account.currency", currency, sizeof currency, NULL);
	paper_config_get_string(cfg, "account.type", type, sizeof type, NULL);
	paper_config_get_double(cfg, "account.starting_cash", &cash);
	char shown[4096];
	cli_ledger_redact(shown, sizeof shown, path);
	if (a->json) {
		cli_json j;
		cj_init(&j);
		cj_open(&j, NULL, '{');
		cj_str(&j, "account", name);
		cj_str(&j, "ledger", shown);
		cj_num(&j, "starting_cash", cash);
		cj_str(&j, "currency", currency);
		cj_str(&j, "type", type);
		cj_close(&j, '}');
		cj_print(&j, stdout);
		return;
	}
	printf("created paper account '%s' in %s: starting cash %s %s, %s account\n", name, shown,
	       cli_money(m, cash), currency, type);
}

static int create(init_args *a, const char *path, const paper_config *cfg)
{
	struct stat st;
	bool existed = stat(path, &st) == 0;
	paper_ledger *l = NULL;
	int rc = paper_ledger_open(&l, path, NULL);
	if (rc != PAPER_OK)
		return cli_fail("init", cli_ledger_exit_code(rc), "%s", paper_last_error());
	rc = paper_ledger_create_account(l, cfg);
	paper_ledger_close(l);
	if (rc == PAPER_OK) {
		print_result(a, path, cfg);
		return EXIT_OK;
	}
	int code = cli_fail("init", rc == PAPER_ESTATE || rc == PAPER_ECONFIG || rc == PAPER_ESAFETY
				    ? EXIT_INPUT : cli_ledger_exit_code(rc), "%s", paper_last_error());
	if (!existed)
		remove_ledger(path);
	return code;
}

int cmd_init(int argc, char **argv)
{
	const cli_opt *const tables[] = { init_opts, cli_ledger_opts, cli_common_opts, NULL };
	init_args a;
	memset(&a, 0, sizeof a);
	bool help = false;
	int code = cli_parse("init", argc, argv, tables, on_option, &a, &help);
	if (code == EXIT_OK && help) {
		cli_usage(stdout, "init", synopsis, description, tables, NULL);
		cli_config_clear(&a.cfg);
		return EXIT_OK;
	}
	paper_config *cfg = NULL;
	/* Validated before the ledger is touched: a bad config creates nothing. */
	if (code == EXIT_OK)
		code = cli_make_config("init", &a.cfg, &cfg);
	/* After --ledger and PAPER_LEDGER, the config being created may name its ledger. */
	char location[4096];
	size_t len = 0;
	const char *env = getenv("PAPER_LEDGER");
	const char *path = NULL;
	if (code == EXIT_OK && !a.ledger.path && !(env && *env) &&
	    paper_config_get_string(cfg, "ledger.location", location, sizeof location, &len) ==
		    PAPER_OK && len > 0 && len < sizeof location)
		path = location;
	else if (code == EXIT_OK)
		path = cli_ledger_path("init", &a.ledger);
	if (code == EXIT_OK && path == NULL)
		code = EXIT_INPUT;
	if (code == EXIT_OK)
		code = create(&a, path, cfg);
	paper_config_free(cfg);
	cli_config_clear(&a.cfg);
	return code;
}
