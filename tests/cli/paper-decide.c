/*
 * Test helper for the paper command's tests: adds decisions to a ledger's inbox and counts
 * the pending ones, through the public API as a strategy program would.
 *
 *   paper-decide LEDGER ACCOUNT SYMBOL buy|sell CONFIDENCE [TAKE_PROFIT STOP_LOSS]
 *   paper-decide --pending LEDGER ACCOUNT
 *   paper-decide --entered LEDGER ACCOUNT SYMBOL buy|sell CONFIDENCE QTY
 *   paper-decide --reversed LEDGER ACCOUNT SYMBOL buy|sell CONFIDENCE QTY
 *
 * --entered leaves the inbox as a crash of paper run between entering a decision and marking
 * it would: the decision pending, its entry order (signal id "decision-<id>") in the account.
 * --reversed does the same for a reverse decision: its order closes QTY, exit reason
 * reverse_signal.
 */
#include <paper/paper.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, int rc)
{
	fprintf(stderr, "paper-decide: %s: %s (%s)\n", what, paper_last_error(), paper_strerror(rc));
	return 1;
}

static int pending(paper_ledger *l, const char *account)
{
	paper_decision d[64];
	size_t n = 0;
	for (size_t i = 0; i < 64; i++)
		d[i] = (paper_decision)PAPER_DECISION_INIT;
	int rc = paper_ledger_decisions_pending(l, account, d, 64, &n);
	if (rc != PAPER_OK)
		return fail("pending", rc);
	printf("%zu\n", n);
	return 0;
}

static int add(paper_ledger *l, char **argv, int argc)
{
	paper_decision d = PAPER_DECISION_INIT;
	snprintf(d.symbol, sizeof d.symbol, "%s", argv[3]);
	d.side = strcmp(argv[4], "buy") == 0 ? PAPER_SIDE_BUY : PAPER_SIDE_SELL;
	d.confidence = strtod(argv[5], NULL);
	if (argc == 8) {
		d.take_profit = strtod(argv[6], NULL);
		d.stop_loss = strtod(argv[7], NULL);
	}
	snprintf(d.reasoning, sizeof d.reasoning, "test decision");
	int64_t id = 0;
	int rc = paper_ledger_decision_add(l, argv[2], &d, &id);
	if (rc != PAPER_OK)
		return fail("add", rc);
	printf("%lld\n", (long long)id);
	return 0;
}

/* The decision's order, placed as paper run places it, and the decision left pending. */
static int entered(paper_ledger *l, char **argv, paper_exit_reason why)
{
	paper_decision d = PAPER_DECISION_INIT;
	snprintf(d.symbol, sizeof d.symbol, "%s", argv[4]);
	d.side = strcmp(argv[5], "buy") == 0 ? PAPER_SIDE_BUY : PAPER_SIDE_SELL;
	d.confidence = strtod(argv[6], NULL);
	int64_t id = 0;
	int rc = paper_ledger_decision_add(l, argv[3], &d, &id);
	if (rc != PAPER_OK)
		return fail("add", rc);
	paper_broker *b = NULL;
	if ((rc = paper_ledger_open_broker(l, argv[3], &b)) != PAPER_OK)
		return fail("open account", rc);
	char signal_id[32];
	snprintf(signal_id, sizeof signal_id, "decision-%lld", (long long)id);
	paper_order_request req = PAPER_ORDER_REQUEST_INIT;
	req.symbol = d.symbol;
	req.side = d.side;
	req.qty = strtod(argv[7], NULL);
	req.confidence = d.confidence;
	req.signal_id = signal_id;
	req.strategy = "inbox";
	req.exit_reason = why;
	rc = paper_broker_submit(b, &req, NULL);
	paper_broker_free(b);
	if (rc != PAPER_OK)
		return fail("submit", rc);
	printf("%lld\n", (long long)id);
	return 0;
}

int main(int argc, char **argv)
{
	bool count = argc == 4 && strcmp(argv[1], "--pending") == 0;
	bool reverse = argc == 8 && strcmp(argv[1], "--reversed") == 0;
	bool enter = (argc == 8 && strcmp(argv[1], "--entered") == 0) || reverse;
	if (!count && !enter && argc != 6 && argc != 8) {
		fputs("usage: paper-decide LEDGER ACCOUNT SYMBOL buy|sell CONFIDENCE [TP SL]\n"
		      "       paper-decide --pending LEDGER ACCOUNT\n"
		      "       paper-decide --entered LEDGER ACCOUNT SYMBOL buy|sell CONFIDENCE QTY\n"
		      "       paper-decide --reversed LEDGER ACCOUNT SYMBOL buy|sell CONFIDENCE QTY\n",
		      stderr);
		return 2;
	}
	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
	o.create = false;
	o.busy_timeout_ms = 5000; /* paper run may be committing at the same moment */
	paper_ledger *l = NULL;
	int rc = paper_ledger_open(&l, argv[count || enter ? 2 : 1], &o);
	if (rc != PAPER_OK)
		return fail("open", rc);
	int code = count ? pending(l, argv[3])
		   : enter ? entered(l, argv, reverse ? PAPER_EXIT_REVERSE_SIGNAL : PAPER_EXIT_NONE)
			   : add(l, argv, argc);
	paper_ledger_close(l);
	return code;
}
