/*
 * Instruments (include/paper/instrument.h, docs/instruments.md): OCC symbols, the spec's
 * checks, [instrument.X] in the config, definitions on a broker, the contract's order rules
 * (expiry, lot, tick), whitelists by underlying, and the money of options, futures and crypto
 * against hand-computed amounts. White-box where the time zone fallback is compared with the
 * time zone database.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <unistd.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/nyclose.h"
#include "base/occ.h"
#include "testutil.h"

#define E8 INT64_C(100000000)
#define DAY_US (INT64_C(86400) * PAPER_TS_PER_SECOND)

static paper_instrument_spec occ(const char *symbol, int expect)
{
	paper_instrument_spec s = PAPER_INSTRUMENT_SPEC_INIT;
	int rc = paper_occ_parse(symbol, &s);
	tu_require(rc == expect, "%s: rc %d, expected %d: %s", symbol, rc, expect,
		   paper_last_error());
	return s;
}

/* 2024-06-21 16:00 EDT is 20:00 UTC. */
#define JUN21_2024 INT64_C(1719000000000000)

START_TEST(occ_compact_and_padded)
{
	static const char *const forms[] = { "SPY240621C00500000", "SPY   240621C00500000" };
	for (size_t i = 0; i < G_N_ELEMENTS(forms); i++) {
		paper_instrument_spec s = occ(forms[i], PAPER_OK);
		ck_assert_int_eq(s.asset_class, PAPER_ASSET_OPTION);
		ck_assert_str_eq(s.underlying, "SPY");
		ck_assert_int_eq(s.right, PAPER_RIGHT_CALL);
		ck_assert(s.strike == 500.0);
		ck_assert(s.multiplier == 100.0);
		ck_assert(s.lot_size == 1.0);
		ck_assert_int_eq(s.expiry, JUN21_2024);
		ck_assert_int_eq(s.settlement, PAPER_SETTLEMENT_CASH);
		ck_assert_int_eq(s.origin, PAPER_INSTRUMENT_OCC);
	}
	/* A put, a fractional strike, a 6-character root, a root with a digit, winter time. */
	paper_instrument_spec p = occ("QQQ240115P00412500", PAPER_OK);
	ck_assert_int_eq(p.right, PAPER_RIGHT_PUT);
	ck_assert(p.strike == 412.5);
	ck_assert_int_eq(p.expiry, INT64_C(1705352400) * PAPER_TS_PER_SECOND); /* 21:00 UTC */
	ck_assert_str_eq(occ("ABCDEF251219C00000001", PAPER_OK).underlying, "ABCDEF");
	ck_assert(occ("ABCDEF251219C00000001", PAPER_OK).strike == 0.001);
	ck_assert_str_eq(occ("SPY1240621C00500000", PAPER_OK).underlying, "SPY1");
	ck_assert_str_eq(occ("X     991231P99999999", PAPER_OK).underlying, "X");
	/* Leap day exists in 2024, not in 2023. */
	occ("IWM240229C00200000", PAPER_OK);
	occ("IWM230229C00200000", PAPER_EFORMAT);
}
END_TEST

START_TEST(occ_malformed_is_an_error)
{
	static const char *const bad[] = {
		"SPY240231C00500000",   /* no 31 February */
		"SPY241301C00500000",   /* month 13 */
		"SPY240600C00500000",   /* day 0 */
		"SPY240621C0050000X",   /* non-digit strike */
		"SPY240621C0050000",    /* 7 strike digits */
		"SPY240621C005000000",  /* 9 strike digits: a 4-letter root + 14 more */
		"spy240621c00500000",   /* lower case */
		"SPY240621c00500000",   /* lower-case right */
		"SPY240621X00500000",   /* right neither C nor P */
		"SPY240621C00000000",   /* strike 0 */
		"ABCDEFG240621C00500000", /* root of 7 */
		"SPY  240621C00500000", /* padded to 20 */
		"SPY240621C00500000 ",  /* trailing space */
		"SPY2406210C0500000",   /* the right misplaced */
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		occ(bad[i], PAPER_EFORMAT);
		ck_assert_msg(strstr(paper_last_error(), "OCC") != NULL, "%s", paper_last_error());
	}
	/* Plain symbols are not OCC symbols at all (and stay equities). */
	static const char *const plain[] = { "SPY", "ESZ6", "BTC-USD", "S000001", "DU123456",
					     "BRK.B", "^GSPC", "1000SHIBUSDT", "SPY240621" };
	for (size_t i = 0; i < G_N_ELEMENTS(plain); i++)
		occ(plain[i], PAPER_ENOTFOUND);
	/* A space inside the root: no OCC symbol, and no symbol either. */
	occ("SP Y  240621C00500000", PAPER_ENOTFOUND);
	paper_broker *b = tu_broker_plain();
	ck_assert_int_eq(paper_broker_on_bar(b, "SP Y  240621C00500000", T0, 1, 1, 1, 1, 1),
			 PAPER_EINVAL);
	paper_broker_free(b);
	paper_instrument_spec s = PAPER_INSTRUMENT_SPEC_INIT;
	ck_assert_int_eq(paper_occ_parse(NULL, &s), PAPER_EINVAL);
	s.version = 99;
	ck_assert_int_eq(paper_occ_parse("SPY240621C00500000", &s), PAPER_EVERSION);
}
END_TEST

/* The built-in US daylight saving rules agree with the time zone database on every date the
 * OCC can spell (2000-2099) and on the years around the 2007 change. */
START_TEST(ny_close_rules_match_tzdata)
{
	GTimeZone *tz = g_time_zone_new_identifier("America/New_York");
	if (tz == NULL)
		return; /* no database: the rules are all there is */
	g_time_zone_unref(tz);
	int checked = 0;
	for (int y = 1990; y <= 2099; y++)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= 31; d++) {
				if (!paper__civil_date_valid(y, m, d))
					continue;
				tu_require(paper__ny_close(y, m, d) == paper__ny_close_rules(y, m, d),
					   "%04d-%02d-%02d differs", y, m, d);
				checked++;
			}
	ck_assert_int_gt(checked, 40000);
	/* The two days of a change: 2024-03-10 is EDT at 16:00, 2024-11-03 EST. */
	ck_assert_int_eq(paper__ny_close(2024, 3, 9) % DAY_US, 21 * HOUR_US);
	ck_assert_int_eq(paper__ny_close(2024, 3, 10) % DAY_US, 20 * HOUR_US);
	ck_assert_int_eq(paper__ny_close(2024, 11, 2) % DAY_US, 20 * HOUR_US);
	ck_assert_int_eq(paper__ny_close(2024, 11, 3) % DAY_US, 21 * HOUR_US);
}
END_TEST

/* ---- specs ---- */

static paper_instrument_spec future_es(void)
{
	paper_instrument_spec s = PAPER_INSTRUMENT_SPEC_INIT;
	s.asset_class = PAPER_ASSET_FUTURE;
	s.multiplier = 50;
	s.tick_size = 0.25;
	s.initial_margin = 12000;
	g_strlcpy(s.underlying, "ES", sizeof s.underlying);
	return s;
}

static paper_instrument_spec option_spec(paper_option_right right, double strike, paper_ts expiry)
{
	paper_instrument_spec s = PAPER_INSTRUMENT_SPEC_INIT;
	s.asset_class = PAPER_ASSET_OPTION;
	s.right = right;
	s.strike = strike;
	s.expiry = expiry;
	g_strlcpy(s.underlying, "SPY", sizeof s.underlying);
	return s;
}

START_TEST(define_and_query)
{
	paper_broker *b = tu_broker_plain();
	paper_instrument_spec q = PAPER_INSTRUMENT_SPEC_INIT;

	/* Undefined plain symbol: the default, as before instruments. */
	ck_ok(paper_broker_instrument(b, "AAPL", &q));
	ck_assert_int_eq(q.origin, PAPER_INSTRUMENT_DEFAULT);
	ck_assert_int_eq(q.asset_class, PAPER_ASSET_EQUITY);
	ck_assert(q.multiplier == 1.0 && q.tick_size == 0.0 && q.lot_size == 1e-8);
	ck_assert_int_eq(q.expiry, 0);
	/* OCC symbols parse without a definition, padded or not. */
	ck_ok(paper_broker_instrument(b, "SPY   240621C00500000", &q));
	ck_assert_int_eq(q.origin, PAPER_INSTRUMENT_OCC);
	ck_assert(q.multiplier == 100.0);
	ck_assert_int_eq(paper_broker_instrument(b, "SPY240231C00500000", &q), PAPER_EFORMAT);
	ck_assert_int_eq(paper_broker_instrument(b, "bad sym", &q), PAPER_EINVAL);

	paper_instrument_spec es = future_es();
	ck_ok(paper_broker_define_instrument(b, "ESZ6", &es));
	ck_ok(paper_broker_instrument(b, "ESZ6", &q));
	ck_assert_int_eq(q.origin, PAPER_INSTRUMENT_DEFINED);
	ck_assert(q.multiplier == 50 && q.tick_size == 0.25 && q.lot_size == 1 && q.min_qty == 1);
	ck_assert(q.initial_margin == 12000);
	ck_assert_str_eq(q.underlying, "ES");
	/* A definition wins over the OCC reading, and may be replaced until the first order. */
	paper_instrument_spec o = option_spec(PAPER_RIGHT_PUT, 480, JUN21_2024);
	o.multiplier = 10;
	ck_ok(paper_broker_define_instrument(b, "SPY240621C00500000", &o));
	ck_ok(paper_broker_instrument(b, "SPY240621C00500000", &q));
	ck_assert(q.multiplier == 10 && q.right == PAPER_RIGHT_PUT && q.strike == 480);
	es.multiplier = 5;
	ck_ok(paper_broker_define_instrument(b, "ESZ6", &es));
	ck_ok(paper_broker_on_bar(b, "ESZ6", T0, 5000, 5000, 5000, 5000, 100));
	tu_submit(b, "ESZ6", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	es.multiplier = 50;
	ck_assert_int_eq(paper_broker_define_instrument(b, "ESZ6", &es), PAPER_ESTATE);
	ck_ok(paper_broker_instrument(b, "ESZ6", &q));
	ck_assert(q.multiplier == 5);
	paper_broker_free(b);
}
END_TEST

START_TEST(hostile_specs_change_nothing)
{
	paper_broker *b = tu_broker_plain();
	double nan = NAN, inf = INFINITY;
	double bad_sizes[] = { nan, inf, -inf, -1, -0.25, 1e-9, 2e6, 1e300 };
	for (size_t i = 0; i < G_N_ELEMENTS(bad_sizes); i++) {
		paper_instrument_spec s = future_es();
		s.multiplier = bad_sizes[i];
		ck_assert_int_eq(paper_broker_define_instrument(b, "ESZ6", &s), PAPER_EINVAL);
		ck_assert(strstr(paper_last_error(), "multiplier") != NULL);
		s = future_es();
		s.tick_size = bad_sizes[i];
		ck_assert_int_eq(paper_broker_define_instrument(b, "ESZ6", &s), PAPER_EINVAL);
		s = future_es();
		s.lot_size = bad_sizes[i] == 2e6 ? 2e9 : bad_sizes[i];
		ck_assert_int_eq(paper_broker_define_instrument(b, "ESZ6", &s), PAPER_EINVAL);
		s = future_es();
		s.initial_margin = bad_sizes[i] == 1e-9 ? -1e-9 : bad_sizes[i] == 2e6 ? 2e9 : bad_sizes[i];
		ck_assert_int_eq(paper_broker_define_instrument(b, "ESZ6", &s), PAPER_EINVAL);
	}
	paper_instrument_spec s = option_spec(PAPER_RIGHT_CALL, 0, JUN21_2024);
	ck_assert_int_eq(paper_broker_define_instrument(b, "OPT", &s), PAPER_EINVAL); /* strike 0 */
	s.strike = -5;
	ck_assert_int_eq(paper_broker_define_instrument(b, "OPT", &s), PAPER_EINVAL);
	s.strike = nan;
	ck_assert_int_eq(paper_broker_define_instrument(b, "OPT", &s), PAPER_EINVAL);
	s = option_spec(PAPER_RIGHT_CALL, 500, 0);
	ck_assert_int_eq(paper_broker_define_instrument(b, "OPT", &s), PAPER_EINVAL); /* no expiry */
	s = option_spec(PAPER_RIGHT_CALL, 500, PAPER_TS_MAX + 1);
	ck_assert_int_eq(paper_broker_define_instrument(b, "OPT", &s), PAPER_ETIME);
	s.expiry = -1;
	ck_assert_int_eq(paper_broker_define_instrument(b, "OPT", &s), PAPER_ETIME);
	s = option_spec(PAPER_RIGHT_NONE, 500, JUN21_2024);
	ck_assert_int_eq(paper_broker_define_instrument(b, "OPT", &s), PAPER_EINVAL);
	s = option_spec(PAPER_RIGHT_CALL, 500, JUN21_2024);
	s.underlying[0] = '\0';
	ck_assert_int_eq(paper_broker_define_instrument(b, "OPT", &s), PAPER_EINVAL);
	g_strlcpy(s.underlying, "OPT", sizeof s.underlying);
	ck_assert_int_eq(paper_broker_define_instrument(b, "OPT", &s), PAPER_EINVAL);
	g_strlcpy(s.underlying, "S P Y", sizeof s.underlying);
	ck_assert_int_eq(paper_broker_define_instrument(b, "OPT", &s), PAPER_EINVAL);
	memset(s.underlying, 'A', sizeof s.underlying); /* not terminated */
	ck_assert_int_eq(paper_broker_define_instrument(b, "OPT", &s), PAPER_EINVAL);
	/* Fields of another class. */
	s = future_es();
	s.strike = 10;
	ck_assert_int_eq(paper_broker_define_instrument(b, "ESZ6", &s), PAPER_EINVAL);
	s = future_es();
	s.right = PAPER_RIGHT_PUT;
	ck_assert_int_eq(paper_broker_define_instrument(b, "ESZ6", &s), PAPER_EINVAL);
	s = (paper_instrument_spec)PAPER_INSTRUMENT_SPEC_INIT;
	s.expiry = JUN21_2024;
	ck_assert_int_eq(paper_broker_define_instrument(b, "AAPL", &s), PAPER_EINVAL);
	s = (paper_instrument_spec)PAPER_INSTRUMENT_SPEC_INIT;
	s.initial_margin = 1;
	ck_assert_int_eq(paper_broker_define_instrument(b, "AAPL", &s), PAPER_EINVAL);
	s = (paper_instrument_spec)PAPER_INSTRUMENT_SPEC_INIT;
	s.asset_class = (paper_asset_class)9;
	ck_assert_int_eq(paper_broker_define_instrument(b, "AAPL", &s), PAPER_EINVAL);
	s = (paper_instrument_spec)PAPER_INSTRUMENT_SPEC_INIT;
	s.lot_size = 1;
	s.min_qty = 1.5;
	ck_assert_int_eq(paper_broker_define_instrument(b, "AAPL", &s), PAPER_EINVAL);
	s.min_qty = 0.5;
	ck_assert_int_eq(paper_broker_define_instrument(b, "AAPL", &s), PAPER_EINVAL);
	s = (paper_instrument_spec)PAPER_INSTRUMENT_SPEC_INIT;
	s.version = 2;
	ck_assert_int_eq(paper_broker_define_instrument(b, "AAPL", &s), PAPER_EVERSION);
	s = (paper_instrument_spec)PAPER_INSTRUMENT_SPEC_INIT;
	ck_assert_int_eq(paper_broker_define_instrument(b, "", &s), PAPER_EINVAL);
	ck_assert_int_eq(paper_broker_define_instrument(b, NULL, &s), PAPER_EINVAL);
	ck_assert_int_eq(paper_broker_define_instrument(NULL, "A", &s), PAPER_EINVAL);
	ck_assert_int_eq(paper_broker_define_instrument(b, "A", NULL), PAPER_EINVAL);
	/* None of it defined anything. */
	paper_instrument_spec q = PAPER_INSTRUMENT_SPEC_INIT;
	static const char *const syms[] = { "ESZ6", "OPT", "AAPL" };
	for (size_t i = 0; i < G_N_ELEMENTS(syms); i++) {
		ck_ok(paper_broker_instrument(b, syms[i], &q));
		ck_assert_int_eq(q.origin, PAPER_INSTRUMENT_DEFAULT);
	}
	paper_broker_free(b);
}
END_TEST

/* ---- the config ---- */

START_TEST(config_sections)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "instrument.ESZ6.asset_class", "future"));
	ck_ok(paper_config_set(cfg, "instrument.ESZ6.multiplier", "50"));
	ck_ok(paper_config_set_double(cfg, "instrument.ESZ6.tick_size", 0.25));
	ck_ok(paper_config_set(cfg, "instrument.ESZ6.expiry", "2026-12-18"));
	ck_ok(paper_config_set(cfg, "instrument.BRK.B.lot_size", "1"));
	ck_ok(paper_config_set(cfg, "instrument.BTC-USD.asset_class", " crypto "));
	char buf[64];
	ck_ok(paper_config_get_string(cfg, "instrument.ESZ6.expiry", buf, sizeof buf, NULL));
	ck_assert_str_eq(buf, "2026-12-18");
	ck_ok(paper_config_get_string(cfg, "instrument.BTC-USD.asset_class", buf, sizeof buf, NULL));
	ck_assert_str_eq(buf, "crypto");
	ck_ok(paper_config_get_string(cfg, "instrument.ESZ6.strike", buf, sizeof buf, NULL));
	ck_assert_str_eq(buf, "");
	/* Forms refused at once, nothing changed. */
	ck_assert_int_eq(paper_config_set(cfg, "instrument.ESZ6.multiplier", "fifty"), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_set(cfg, "instrument.ESZ6.multiplier", "nan"), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_set(cfg, "instrument.ESZ6.expiry", "2026-02-30"), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_set(cfg, "instrument.ESZ6.asset_class", "bond"), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_set(cfg, "instrument.ESZ6.colour", "red"), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_set(cfg, "instrument.E S.multiplier", "1"), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_set(cfg, "instrument..multiplier", "1"), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_set(cfg, "instrument.ESZ6", "1"), PAPER_ECONFIG);
	ck_ok(paper_config_get_string(cfg, "instrument.ESZ6.multiplier", buf, sizeof buf, NULL));
	ck_assert_str_eq(buf, "50");
	ck_ok(paper_config_validate(cfg));

	/* The broker takes them; a copy carries them. */
	paper_config *copy = NULL;
	ck_ok(paper_config_copy(&copy, cfg));
	paper_broker *b = tu_broker(copy);
	paper_instrument_spec q = PAPER_INSTRUMENT_SPEC_INIT;
	ck_ok(paper_broker_instrument(b, "ESZ6", &q));
	ck_assert(q.multiplier == 50 && q.tick_size == 0.25);
	ck_assert_int_eq(q.expiry, INT64_C(1797627600) * PAPER_TS_PER_SECOND); /* 21:00 UTC */
	ck_ok(paper_broker_instrument(b, "BRK.B", &q));
	ck_assert_int_eq(q.origin, PAPER_INSTRUMENT_DEFINED);
	ck_ok(paper_broker_instrument(b, "BTC-USD", &q));
	ck_assert(q.lot_size == 1e-8);
	paper_broker_free(b);

	/* A section that is not a contract is a violation at validation, named. */
	ck_ok(paper_config_set(cfg, "instrument.OPT.asset_class", "option"));
	ck_ok(paper_config_set(cfg, "instrument.OPT.strike", "100"));
	ck_assert_int_eq(paper_config_validate(cfg), PAPER_ECONFIG);
	ck_assert(strstr(paper_last_error(), "[instrument.OPT]") != NULL);
	ck_assert(strstr(paper_last_error(), "right") != NULL);
	paper_broker *none = NULL;
	ck_assert_int_eq(paper_broker_new(&none, cfg), PAPER_ECONFIG);
	ck_ok(paper_config_reset(cfg, "instrument.OPT.asset_class"));
	ck_ok(paper_config_reset(cfg, "instrument.OPT.strike"));
	ck_ok(paper_config_validate(cfg));
	paper_config_free(cfg);
}
END_TEST

START_TEST(config_ini_sections)
{
	char *path = g_build_filename(g_get_tmp_dir(), "paper-instr-XXXXXX.ini", NULL);
	int fd = g_mkstemp(path);
	ck_assert_int_ge(fd, 0);
	const char *ini = "[limits]\nallowed_symbols = SPY\n"
			  "[instrument.ESZ6]\nasset_class = future\nmultiplier = 50\n"
			  "tick_size = 0.25\nexpiry = 2026-12-18T21:00:00Z\nunderlying = ES\n"
			  "initial_margin = 12000\n"
			  "[instrument.SPYW]\nasset_class = option\nunderlying = SPY\nright = put\n"
			  "strike = 480.5\nexpiry = 2026-03-20\n";
	ck_assert(write(fd, ini, strlen(ini)) == (ssize_t)strlen(ini));
	close(fd);
	paper_config *cfg = NULL;
	ck_ok(paper_config_new(&cfg));
	ck_ok(paper_config_load_file(cfg, path));
	ck_ok(paper_config_validate(cfg));
	paper_broker *b = tu_broker(cfg);
	paper_instrument_spec q = PAPER_INSTRUMENT_SPEC_INIT;
	ck_ok(paper_broker_instrument(b, "SPYW", &q));
	ck_assert(q.multiplier == 100 && q.strike == 480.5 && q.right == PAPER_RIGHT_PUT);
	ck_ok(paper_broker_instrument(b, "ESZ6", &q));
	ck_assert_int_eq(q.expiry, INT64_C(1797627600) * PAPER_TS_PER_SECOND);
	paper_broker_free(b);

	/* Bad keys and values in a section are violations, the rest still applies. */
	FILE *f = fopen(path, "w");
	fputs("[instrument.ESZ6]\nmultiplier = 50\ncolor = red\ntick_size = x\n", f);
	fclose(f);
	ck_ok(paper_config_new(&cfg));
	ck_assert_int_eq(paper_config_load_file(cfg, path), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_validate(cfg), PAPER_ECONFIG);
	ck_assert_uint_eq(paper_config_violation_count(cfg), 2);
	paper_config_free(cfg);
	g_unlink(path);
	g_free(path);
}
END_TEST

/* ---- the contract's order rules ---- */

START_TEST(tick_lot_and_minimum)
{
	paper_broker *b = tu_broker_plain();
	paper_instrument_spec es = future_es();
	es.min_qty = 2;
	ck_ok(paper_broker_define_instrument(b, "ESZ6", &es));
	ck_ok(paper_broker_on_bar(b, "ESZ6", T0, 5000, 5000, 5000, 5000, 100));
	paper_account_info before = tu_account(b);

	ck_assert_int_eq(tu_submit_rc(b, "ESZ6", PAPER_SIDE_BUY, PAPER_ORDER_LIMIT, 2, 4999.1, 0, 0),
			 PAPER_EPRICE);
	ck_assert(strstr(paper_last_error(), "tick") != NULL);
	ck_assert_int_eq(tu_submit_rc(b, "ESZ6", PAPER_SIDE_BUY, PAPER_ORDER_STOP, 2, 0, 5000.3, 0),
			 PAPER_EPRICE);
	ck_assert_int_eq(tu_submit_rc(b, "ESZ6", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 2.5, 0, 0, 0),
			 PAPER_EQTY);
	ck_assert_int_eq(tu_submit_rc(b, "ESZ6", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0),
			 PAPER_EQTY);
	ck_assert(strstr(paper_last_error(), "minimum") != NULL);
	/* Recorded as rejections with their reasons; the account is as it was. */
	paper_account_info after = tu_account(b);
	ck_assert_uint_eq(after.rejections, before.rejections + 4);
	ck_assert_int_eq(after.cash_e8, before.cash_e8);
	ck_assert_uint_eq(after.open_orders, 0);
	/* On the grid: accepted. */
	uint64_t id = tu_submit(b, "ESZ6", PAPER_SIDE_BUY, PAPER_ORDER_LIMIT, 2, 4999.75, 0, 0);
	ck_assert_int_eq(paper_broker_replace(b, id, 2, 4999.8, 0), PAPER_EPRICE);
	ck_assert_int_eq(paper_broker_replace(b, id, 3.5, 4999.5, 0), PAPER_EQTY);
	ck_ok(paper_broker_replace(b, id, 3, 4999.5, 0));
	paper_broker_free(b);
}
END_TEST

START_TEST(fills_round_to_the_tick_against_the_trader)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "costs.slippage_pct", "0.01"));
	ck_ok(paper_config_set(cfg, "costs.slippage_jitter", "0"));
	ck_ok(paper_config_set(cfg, "costs.slippage_size_impact", "0"));
	paper_broker *b = tu_broker(cfg);
	paper_instrument_spec es = future_es();
	es.initial_margin = 0;
	ck_ok(paper_broker_define_instrument(b, "ESZ6", &es));
	ck_ok(paper_broker_on_bar(b, "ESZ6", T0, 5000, 5000, 5000, 5000, 100));
	tu_submit(b, "ESZ6", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	/* 5000 x (1 + 0.0002) = 5001.00 exactly on the grid; 5001.10 x ... is not. */
	ck_ok(paper_broker_on_bar(b, "ESZ6", T0 + MIN_US, 5001.1, 5002, 5000, 5001, 100));
	paper_fill_info f = PAPER_FILL_INFO_INIT;
	ck_ok(paper_broker_fill_at(b, 0, &f));
	/* 5001.1 x 1.0002 = 5002.10022 -> up to 5002.25 for a buy. */
	ck_assert_int_eq(f.price_e8, 500225 * (E8 / 100));
	tu_submit(b, "ESZ6", PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, "ESZ6", T0 + 2 * MIN_US, 5001.1, 5002, 5000, 5001, 100));
	ck_ok(paper_broker_fill_at(b, 1, &f));
	/* 5001.1 x 0.9998 = 5000.09978 -> down to 5000.00 for a sell. */
	ck_assert_int_eq(f.price_e8, 5000 * E8);
	paper_broker_free(b);
}
END_TEST

START_TEST(expired_instruments_take_no_orders)
{
	paper_broker *b = tu_broker_plain();
	const char *opt = "SPY240621C00500000";
	ck_ok(paper_broker_on_bar(b, opt, JUN21_2024 - HOUR_US, 5, 5, 5, 5, 10));
	tu_submit(b, opt, PAPER_SIDE_BUY, PAPER_ORDER_LIMIT, 1, 4, 0, 0);
	ck_ok(paper_broker_on_bar(b, "SPY", JUN21_2024, 500, 500, 500, 500, 10));
	uint64_t id = 0;
	paper_order_request r = PAPER_ORDER_REQUEST_INIT;
	r.symbol = opt;
	r.qty = 1;
	ck_assert_int_eq(paper_broker_submit(b, &r, &id), PAPER_ESTATE);
	ck_assert(strstr(paper_last_error(), "expired") != NULL);
	ck_assert_uint_eq(id, 0);
	/* The rejection carries its reason. */
	paper_account_info a = tu_account(b);
	ck_assert_uint_eq(a.rejections, 1);
	paper_broker_free(b);
}
END_TEST

START_TEST(whitelist_admits_the_underlying)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "limits.allowed_symbols", "SPY,QQQ,IWM"));
	ck_ok(paper_config_set(cfg, "instrument.ESZ6.asset_class", "future"));
	ck_ok(paper_config_set(cfg, "instrument.ESZ6.underlying", "ES"));
	paper_broker *b = tu_broker(cfg);
	const char *ok[] = { "SPY", "SPY261218C00500000", "QQQ   261218P00400000" };
	for (size_t i = 0; i < G_N_ELEMENTS(ok); i++) {
		ck_ok(paper_broker_on_bar(b, ok[i], T0, 5, 5, 5, 5, 10));
		tu_submit(b, ok[i], PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	}
	const char *no[] = { "AAPL", "AAPL261218C00500000", "ESZ6" };
	for (size_t i = 0; i < G_N_ELEMENTS(no); i++) {
		ck_ok(paper_broker_on_bar(b, no[i], T0, 5, 5, 5, 5, 10));
		ck_assert_int_eq(tu_submit_rc(b, no[i], PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0),
				 PAPER_ELIMIT);
	}
	/* Unknown OCC symbols are judged by their root before any data. */
	ck_assert_int_eq(tu_submit_rc(b, "IWM261218C00200000", PAPER_SIDE_BUY, PAPER_ORDER_MARKET,
				      1, 0, 0, 0), PAPER_ENODATA);
	ck_assert_int_eq(tu_submit_rc(b, "GLD261218C00200000", PAPER_SIDE_BUY, PAPER_ORDER_MARKET,
				      1, 0, 0, 0), PAPER_ELIMIT);
	paper_broker_free(b);
}
END_TEST

START_TEST(padded_occ_names_the_same_symbol)
{
	paper_broker *b = tu_broker_plain();
	ck_ok(paper_broker_on_bar(b, "SPY   261218C00500000", T0, 5, 5, 5, 5, 10));
	tu_submit(b, "SPY261218C00500000", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, "SPY261218C00500000", T0 + MIN_US, 5, 5, 5, 5, 10));
	paper_position_info p = PAPER_POSITION_INFO_INIT;
	ck_ok(paper_broker_position(b, "SPY   261218C00500000", &p));
	ck_assert_str_eq(p.symbol, "SPY261218C00500000");
	ck_assert_uint_eq(paper_broker_position_count(b), 1);
	/* Malformed look-alikes are refused wherever they enter. */
	ck_assert_int_eq(paper_broker_on_bar(b, "SPY261231C0050000X", T0, 5, 5, 5, 5, 10),
			 PAPER_EFORMAT);
	ck_assert_int_eq(paper_broker_on_quote(b, "spy261218c00500000", T0, 5, 5, 5), PAPER_EFORMAT);
	ck_assert_int_eq(tu_submit_rc(b, "SPY261318C00500000", PAPER_SIDE_BUY, PAPER_ORDER_MARKET,
				      1, 0, 0, 0), PAPER_EFORMAT);
	ck_assert_int_eq(paper_broker_mark(b, "SPY  261218C00500000", T0, 5), PAPER_EINVAL);
	/* A definition makes a look-alike tradable under the definition. */
	paper_instrument_spec f = future_es();
	ck_ok(paper_broker_define_instrument(b, "CL202612X", &f));
	ck_ok(paper_broker_on_bar(b, "CL202612X", T0, 5, 5, 5, 5, 10));
	paper_broker_free(b);
}
END_TEST

/* ---- a universe of 2,000 defined instruments ---- */

START_TEST(two_thousand_instruments)
{
	paper_config *cfg = tu_config_plain();
	char key[96], sym[32];
	for (int i = 0; i < 2000; i++) {
		g_snprintf(sym, sizeof sym, "F%04d", i);
		g_snprintf(key, sizeof key, "instrument.%s.asset_class", sym);
		ck_ok(paper_config_set(cfg, key, i % 2 ? "future" : "crypto"));
		g_snprintf(key, sizeof key, "instrument.%s.multiplier", sym);
		char v[16];
		g_snprintf(v, sizeof v, "%d", 1 + i % 100);
		ck_ok(paper_config_set(cfg, key, v));
	}
	ck_ok(paper_config_validate(cfg));
	paper_broker *b = tu_broker(cfg);
	for (int i = 0; i < 2000; i++) {
		g_snprintf(sym, sizeof sym, "F%04d", i);
		paper_instrument_spec q = PAPER_INSTRUMENT_SPEC_INIT;
		ck_ok(paper_broker_instrument(b, sym, &q));
		tu_require(q.multiplier == 1 + i % 100 &&
				   q.asset_class == (i % 2 ? PAPER_ASSET_FUTURE : PAPER_ASSET_CRYPTO),
			   "%s", sym);
	}
	paper_broker_free(b);
}
END_TEST

Suite *instrument_suite(void);

Suite *instrument_suite(void)
{
	Suite *s = suite_create("instrument");
	TCase *tc = tcase_create("contracts");
	tcase_add_test(tc, occ_compact_and_padded);
	tcase_add_test(tc, occ_malformed_is_an_error);
	tcase_add_test(tc, ny_close_rules_match_tzdata);
	tcase_add_test(tc, define_and_query);
	tcase_add_test(tc, hostile_specs_change_nothing);
	tcase_add_test(tc, config_sections);
	tcase_add_test(tc, config_ini_sections);
	tcase_add_test(tc, tick_lot_and_minimum);
	tcase_add_test(tc, fills_round_to_the_tick_against_the_trader);
	tcase_add_test(tc, expired_instruments_take_no_orders);
	tcase_add_test(tc, whitelist_admits_the_underlying);
	tcase_add_test(tc, padded_occ_names_the_same_symbol);
	tcase_add_test(tc, two_thousand_instruments);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(instrument_suite());
}
