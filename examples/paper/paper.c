/*
 * paper: the libpaper command-line harness. `paper COMMAND [options]`; each command has
 * --help. Commands live one per file (cmd/cmd_*.c); this file only dispatches.
 */
#include "cli/cli.h"

#include <string.h>

#include "cmd/commands.h"

typedef struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} command;

static const command commands[] = {
	{ "init", cmd_init, "create a paper account in a ledger (validates its config first)" },
	{ "status", cmd_status, "equity, cash, realized and unrealized P&L, daily P&L, positions" },
	{ "positions", cmd_positions, "the open positions at their last marks" },
	{ "orders", cmd_orders, "the open orders" },
	{ "history", cmd_history, "closed trades, by symbol, time and strategy" },
	{ "stats", cmd_stats, "the metrics report: win rate, Sharpe, drawdown, ... (per symbol too)" },
	{ "order", cmd_order, "submit a manual order (it fills on the symbol's next price)" },
	{ "cancel", cmd_cancel, "cancel an open order, or all of them" },
	{ "close", cmd_close, "close one position at its mark" },
	{ "close-all", cmd_close_all, "close every position at its mark" },
	{ "mark", cmd_mark, "give the account prices from a CSV (marks positions, fills orders)" },
	{ "run", cmd_run, "the orchestrator: poll a price feed and the decisions inbox, trade" },
	{ "report", cmd_report, "write the HTML dashboard" },
	{ "drift", cmd_drift, "the account against a backtest of its signals: missed, extra, drift" },
	{ "export", cmd_export, "write orders, fills, trades, positions, daily P&L and state.json" },
	{ "replay", cmd_replay, "replay signals over historical bars: trades CSV and summary JSON" },
	{ "execute", cmd_execute, "turn a trade plan into orders (for the next session, or over bars)" },
	{ "walk-forward", cmd_walk_forward, "run a month day by day: daily rows and a summary JSON" },
	{ "migrate", cmd_migrate, "copy a ledger's accounts into another (SQLite <-> PostgreSQL)" },
	{ "check", cmd_check, "check a ledger through and through, without writing: storage and logs" },
	{ "feed", cmd_feed, "print what a live market-data feed sends (coinbase, binance, ...)" },
	{ "record", cmd_record, "record a live feed's bars as CSV files paper replay reads" },
};

static void usage(FILE *out)
{
	fputs("usage: paper COMMAND [options]    (paper COMMAND --help for its options)\n\n"
	      "commands:\n", out);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-14s %s\n", commands[i].name, commands[i].summary);
	fputs("\nThe account commands (init to export) work on a ledger: --ledger PATH, else the\n"
	      "PAPER_LEDGER environment variable, else the config's ledger.location\n"
	      "(PAPER_LEDGER_LOCATION); the account is --account NAME, else\n"
	      "PAPER_ACCOUNT_NAME, else the ledger's only one. --json prints what they show as JSON.\n"
	      "Paper trading only: no setting can reach a live account (docs/safety.md, docs/cli.md).\n\n"
	      CLI_EXIT_HELP, out);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_INPUT;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("paper (libpaper %s)\n", paper_version());
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "paper: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return EXIT_INPUT;
}
