/* paper replay: signals over historical bars, trades and a summary out. */
#include "cli/cli.h"

#include "cmd/commands.h"

static const char synopsis[] =
	"--bars PATH... --signals FILE [options] --trades-out FILE --summary-out FILE";

static const char description[] =
	"Replay the bars of many symbols, merged in time order, through a paper broker and a\n"
	"strategy session that acts on the signals: each signal stamped t is acted on after every\n"
	"bar stamped at or before t and enters at the open of its symbol's next bar; positions exit\n"
	"on take profit, stop loss, trailing stop, time limit or a reverse signal, and whatever is\n"
	"open at the end is closed at its last close (docs/semantics.md, docs/replay.md).";

static const char epilog[] =
	"Percent options are in percent (--tp 2 is 2%), --max-hold in minutes, --size an amount\n"
	"in the account currency. Settings come from the defaults, then --config FILE, then the\n"
	"environment (PAPER_SESSION_TP_PCT=...), then these options.\n";

static int on_option(void *ctx, int id, const char *value)
{
	int rc = cli_run_option(ctx, id, value);
	return rc < 0 ? EXIT_INPUT : rc;
}

int cmd_replay(int argc, char **argv)
{
	const cli_opt *const tables[] = { cli_run_opts, cli_common_opts, NULL };
	cli_run run;
	bool help = false;
	cli_run_init(&run, "replay");
	int code = cli_parse("replay", argc, argv, tables, on_option, &run, &help);
	if (code == EXIT_OK && help) {
		cli_usage(stdout, "replay", synopsis, description, tables, epilog);
		cli_run_close(&run);
		return EXIT_OK;
	}
	if (code == EXIT_OK && (run.trades_out == NULL || run.summary_out == NULL))
		code = cli_fail("replay", EXIT_INPUT, "--trades-out and --summary-out are required");
	if (code == EXIT_OK && run.n_signals == 0)
		code = cli_fail("replay", EXIT_INPUT, "no --signals given");
	if (code == EXIT_OK)
		code = cli_run_open(&run);
	if (code == EXIT_OK)
		code = cli_run_finish(&run);
	if (code == EXIT_OK)
		code = cli_run_report(&run, "paper replay");
	cli_run_close(&run);
	return code;
}
