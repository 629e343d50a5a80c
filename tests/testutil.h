/* Helpers shared by the Check suites. */
#ifndef PAPER_TESTUTIL_H
#define PAPER_TESTUTIL_H

#include <check.h>
#include <paper/paper.h>

#define T0 INT64_C(1700000000000000) /* 2023-11-14T22:13:20Z */
#define MIN_US (INT64_C(60) * PAPER_TS_PER_SECOND)
#define HOUR_US (INT64_C(60) * MIN_US)

/* A config with costs and limits switched off, for tests that check arithmetic. */
paper_config *tu_config_plain(void);
paper_broker *tu_broker(paper_config *cfg);
paper_broker *tu_broker_plain(void);
uint64_t tu_submit(paper_broker *b, const char *sym, paper_side side, paper_order_type type,
		   double qty, double limit, double stop, paper_ts ts);
int tu_submit_rc(paper_broker *b, const char *sym, paper_side side, paper_order_type type,
		 double qty, double limit, double stop, paper_ts ts);
paper_order_info tu_order(paper_broker *b, uint64_t id);
paper_account_info tu_account(paper_broker *b);
void tu_assert_ok(int rc);
int tu_run(Suite *s);
/* Parse json with Python's json module as d and run checks (Python statements) on it: true
   if all passed (and when /usr/bin/python3 is missing, saying so). */
bool tu_python_accepts(const char *json, const char *checks);

#define ck_ok(expr) tu_assert_ok(expr)

/* Like ck_assert_msg, but silent when it passes: Check records every passing ck_assert with a
 * write(2), which dominates loops of millions of checks. */
#define tu_require(cond, ...)                          \
	do {                                           \
		if (!(cond))                           \
			ck_abort_msg(__VA_ARGS__);     \
	} while (0)

#endif
