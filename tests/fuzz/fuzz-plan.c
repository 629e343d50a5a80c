/*
 * Trade plan CSV (docs/formats.md, "Trade plan CSV"): the input is a plan file. A plan that
 * reads is then executed as `paper execute` would: every intent submitted to a session on a
 * broker that has prices for AAPL, MSFT, SPY and BTC-USD, then a few days of hourly bars
 * swinging 8% either way, so limits, take-profits, stop-losses and time limits all fire, then
 * everything closed.
 * Promises: no crash, no leak, no undefined behaviour; every intent of a plan is readable
 * and names a valid line; the account ends flat and reconciles exactly.
 */
#include <glib.h>
#include <stdio.h>
#include <math.h>

#include <paper/paper.h>

#include "fuzz.h"

#define HOUR (INT64_C(3600) * PAPER_TS_PER_SECOND)
#define T0 (INT64_C(1704153600) * PAPER_TS_PER_SECOND) /* 2024-01-02T00:00:00Z */

static const struct {
	const char *symbol;
	double base;
} syms[] = { { "AAPL", 185.0 }, { "MSFT", 370.0 }, { "SPY", 470.0 }, { "BTC-USD", 44000.0 } };

static paper_config *cfg;

static void bars_at(paper_session *s, int hour)
{
	for (size_t i = 0; i < G_N_ELEMENTS(syms); i++) {
		double p = syms[i].base * (1.0 + 0.08 * sin(hour * 0.3 + (double)i));
		paper_session_on_bar(s, syms[i].symbol, T0 + hour * HOUR, p, p * 1.01, p * 0.99, p,
				     5000);
	}
}

static void execute(const paper_plan *plan)
{
	paper_broker *b = NULL;
	paper_session *s = NULL;
	fuzz_require(paper_broker_new(&b, cfg) == PAPER_OK, "a broker from the fuzz config");
	fuzz_require(paper_session_new(&s, b) == PAPER_OK, "a session on a new broker");
	bars_at(s, 0);
	for (size_t i = 0; i < paper_plan_count(plan); i++) {
		paper_intent it = PAPER_INTENT_INIT;
		fuzz_require(paper_plan_get(plan, i, &it) == PAPER_OK, "each intent of a plan");
		fuzz_require(paper_plan_line(plan, i) >= 2, "an intent comes from a line after the header");
		paper_session_submit_intent(s, &it, NULL, NULL);
	}
	for (int h = 1; h < 24 * 5; h++)
		bars_at(s, h);
	fuzz_require(paper_session_exit_all(s, PAPER_EXIT_END_OF_DATA) == PAPER_OK, "exit all");
	paper_account_info a = PAPER_ACCOUNT_INFO_INIT;
	fuzz_require(paper_broker_account(b, &a) == PAPER_OK, "account info of a broker");
	fuzz_require(a.open_positions == 0 && a.open_orders == 0, "flat after exit all");
	fuzz_require(fuzz_reconciles(a.starting_cash_e8, a.realized_pnl_e8, a.fees_e8, a.cash_e8),
		     "flat: cash == starting cash + realized - fees");
	paper_session_free(s);
	paper_broker_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (cfg == NULL) {
		fuzz_require(paper_config_new(&cfg) == PAPER_OK, "a default config");
		paper_config_set(cfg, "limits.max_open_positions", "4");
		paper_config_set(cfg, "limits.max_position_fraction", "2");
		paper_config_set(cfg, "session.fractional", "true");
		paper_config_set(cfg, "session.lot_size", "0.0001");
		/* Small closed-order history: each input builds brokers, and the default 10000
		 * orders are allocated whole (about 3 MB) - most of the time per input. */
		paper_config_set(cfg, "engine.order_history", "64");
	}
	const char *path = fuzz_path("plan.csv");
	fuzz_write(path, data, size);
	paper_plan *plan = NULL;
	if (paper_plan_read(&plan, path) == PAPER_OK) {
		paper_intent it = PAPER_INTENT_INIT;
		fuzz_require(paper_plan_get(plan, paper_plan_count(plan), &it) == PAPER_ERANGE,
			     "the intent after the last is out of range");
		execute(plan);
	}
	paper_plan_free(plan);
	return 0;
}
