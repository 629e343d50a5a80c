#include "testutil.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void tu_assert_ok(int rc)
{
	tu_require(rc == PAPER_OK, "expected PAPER_OK, got %d (%s): %s", rc, paper_strerror(rc),
		   paper_last_error());
}

paper_config *tu_config_plain(void)
{
	paper_config *cfg = NULL;
	ck_ok(paper_config_new(&cfg));
	ck_ok(paper_config_set(cfg, "costs.commission_pct", "0"));
	ck_ok(paper_config_set(cfg, "costs.commission_min", "0"));
	ck_ok(paper_config_set(cfg, "costs.slippage_pct", "0"));
	ck_ok(paper_config_set(cfg, "limits.max_position_fraction", "100"));
	ck_ok(paper_config_set(cfg, "limits.daily_loss_limit", "1"));
	ck_ok(paper_config_set(cfg, "limits.max_open_positions_ceiling", "1000"));
	ck_ok(paper_config_set(cfg, "limits.max_open_positions", "1000"));
	ck_ok(paper_config_set(cfg, "limits.max_order_notional", "10000000000"));
	return cfg;
}

paper_broker *tu_broker(paper_config *cfg)
{
	paper_broker *b = NULL;
	ck_ok(paper_broker_new(&b, cfg));
	paper_config_free(cfg);
	return b;
}

paper_broker *tu_broker_plain(void)
{
	return tu_broker(tu_config_plain());
}

static int submit(paper_broker *b, const char *sym, paper_side side, paper_order_type type,
		  double qty, double limit, double stop, paper_ts ts, uint64_t *id)
{
	paper_order_request r = PAPER_ORDER_REQUEST_INIT;
	r.symbol = sym;
	r.side = side;
	r.type = type;
	r.qty = qty;
	r.limit_price = limit;
	r.stop_price = stop;
	r.ts = ts;
	return paper_broker_submit(b, &r, id);
}

int tu_submit_rc(paper_broker *b, const char *sym, paper_side side, paper_order_type type,
		 double qty, double limit, double stop, paper_ts ts)
{
	return submit(b, sym, side, type, qty, limit, stop, ts, NULL);
}

uint64_t tu_submit(paper_broker *b, const char *sym, paper_side side, paper_order_type type,
		   double qty, double limit, double stop, paper_ts ts)
{
	uint64_t id = 0;
	ck_ok(submit(b, sym, side, type, qty, limit, stop, ts, &id));
	tu_require(id > 0, "no order id");
	return id;
}

paper_order_info tu_order(paper_broker *b, uint64_t id)
{
	paper_order_info o = PAPER_ORDER_INFO_INIT;
	ck_ok(paper_broker_order(b, id, &o));
	return o;
}

paper_account_info tu_account(paper_broker *b)
{
	paper_account_info a = PAPER_ACCOUNT_INFO_INIT;
	ck_ok(paper_broker_account(b, &a));
	return a;
}

int tu_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Parse with Python's json module and run checks on the result; true if all passed. */
bool tu_python_accepts(const char *json, const char *checks)
{
	if (access("/usr/bin/python3", X_OK) != 0) {
		fprintf(stderr, "note: /usr/bin/python3 missing; JSON checked by strings only\n");
		return true;
	}
	char *path = NULL;
	int fd = g_file_open_tmp("paper-test-XXXXXX.py", &path, NULL);
	ck_assert_int_ge(fd, 0);
	char *script = g_strdup_printf("import json, sys\nd = json.load(sys.stdin)\n%s", checks);
	ck_assert(g_file_set_contents(path, script, -1, NULL));
	close(fd);
	char *cmd = g_strdup_printf("/usr/bin/python3 %s", path);
	FILE *p = popen(cmd, "w");
	ck_assert_ptr_nonnull(p);
	fputs(json, p);
	int status = pclose(p);
	unlink(path);
	g_free(cmd);
	g_free(script);
	g_free(path);
	return status == 0;
}
