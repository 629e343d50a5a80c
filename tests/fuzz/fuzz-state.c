/*
 * state.json import (docs/ledger.md; paper_ledger_import()): the input is a state file,
 * imported into a new SQLite ledger.
 * Promises: no crash, no leak, no undefined behaviour. An import that succeeds created one
 * account whose config validates, keeps the paper-only promise and does not choose where
 * libpaper writes (logging.log_file is empty); its broker rebuilds; and its export imports
 * again as a second account with the same cash, P&L, fees and positions.
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include <paper/paper.h>

#include "fuzz.h"

static paper_ledger *open_ledger(const char *path)
{
	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
	o.durability = PAPER_BATCHED; /* no fsync per input */
	paper_ledger *l = NULL;
	fuzz_require(paper_ledger_open(&l, path, &o) == PAPER_OK, "a new ledger opens");
	return l;
}

static void account_of(paper_ledger *l, const char *name, paper_account_info *a)
{
	paper_broker *b = NULL;
	fuzz_require(paper_ledger_load_broker(l, name, &b) == PAPER_OK, "an imported account loads");
	*a = (paper_account_info)PAPER_ACCOUNT_INFO_INIT;
	fuzz_require(paper_broker_account(b, a) == PAPER_OK, "account info of a broker");
	paper_broker_free(b);
}

static void check_config(paper_ledger *l, const char *name)
{
	paper_config *cfg = NULL;
	fuzz_require(paper_ledger_account_config(l, name, &cfg) == PAPER_OK,
		     "an imported account has a config");
	fuzz_require(paper_config_validate(cfg) == PAPER_OK, "an imported config validates");
	fuzz_require_paper_only(cfg);
	char *log = fuzz_config_text(cfg, "logging.log_file");
	fuzz_require(log[0] == '\0', "an import does not set logging.log_file");
	g_free(log);
	paper_config_free(cfg);
}

static void check_imported(paper_ledger *l)
{
	char name[64];
	fuzz_require(paper_ledger_account_count(l) == 1, "an import creates one account");
	fuzz_require(paper_ledger_account_name(l, 0, name, sizeof name) == PAPER_OK,
		     "the account's name reads");
	check_config(l, name);
	paper_account_info a, b;
	account_of(l, name, &a);

	const char *dir = fuzz_path("export");
	fuzz_require(paper_ledger_export(l, name, dir, PAPER_EXPORT_STATE) == PAPER_OK,
		     "an imported account exports");
	char *again = g_build_filename(dir, "state.json", NULL);
	int rc = paper_ledger_import(l, again, "again");
	g_free(again);
	fuzz_require(rc == PAPER_OK, "an exported state.json imports again");
	account_of(l, "again", &b);
	fuzz_require(a.cash_e8 == b.cash_e8 && a.realized_pnl_e8 == b.realized_pnl_e8 &&
		     a.fees_e8 == b.fees_e8 && a.starting_cash_e8 == b.starting_cash_e8 &&
		     a.open_positions == b.open_positions,
		     "a re-imported export is the same account");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *json = fuzz_path("state.json");
	const char *db = fuzz_path("state.db");
	fuzz_write(json, data, size);
	fuzz_unlink_ledger(db);
	paper_ledger *l = open_ledger(db);
	if (paper_ledger_import(l, json, NULL) == PAPER_OK)
		check_imported(l);
	else
		fuzz_require(paper_ledger_account_count(l) == 0, "a failed import creates nothing");
	paper_ledger_close(l);
	fuzz_unlink_ledger(db);
	fuzz_unlink(fuzz_path("broker.log"));
	return 0;
}
