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
#include <stddef.h>
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
		"SPYC00500621C005000Q ", /* 21 characters, the only space in the tail (fuzz-occ) */
		"SPY240621C0050000 0",  /* a space in the strike */
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
	/* A digit at the end of a padded root. */
	ck_assert_str_eq(occ("SPY1  240621C00500000", PAPER_OK).underlying, "SPY1");
	/* A space inside the root: a malformed OCC symbol, and no symbol either. */
	occ("SP Y  240621C00500000", PAPER_EFORMAT);
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
	ck_assert_int_eq(paper_config_set(cfg, "instrument.ESZ6.multiplier", "0"), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_set(cfg, "instrument.ESZ6.multiplier", "-50"), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_set(cfg, "instrument.ESZ6.tick_size", "0"), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_set(cfg, "instrument.ESZ6.tick_size", "-0.25"), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_set(cfg, "instrument.ESZ6.strike", "0"), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_set(cfg, "instrument.ESZ6.expiry", "99999-01-01"), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_set(cfg, "instrument.ESZ6.expiry", "1969-12-31"), PAPER_ECONFIG);
	ck_assert_int_eq(paper_config_set(cfg, "instrument.ESZ6.multiplier", "1e7"), PAPER_OK);
	ck_assert_int_eq(paper_config_validate(cfg), PAPER_ECONFIG); /* past 1e6 */
	ck_ok(paper_config_set(cfg, "instrument.ESZ6.multiplier", "50"));
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


/* ---- money, against hand-computed amounts (1e-8 units) ---- */

static paper_fill_info fill_at(paper_broker *b, size_t i)
{
	paper_fill_info f = PAPER_FILL_INFO_INIT;
	ck_ok(paper_broker_fill_at(b, i, &f));
	return f;
}

static paper_trade_info trade_at(paper_broker *b, size_t i)
{
	paper_trade_info t = PAPER_TRADE_INFO_INIT;
	ck_ok(paper_broker_trade_at(b, i, &t));
	return t;
}

/* ES: multiplier 50, tick 0.25, 12,000 initial margin per contract, 2.25 per contract. */
START_TEST(futures_round_trip)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "costs.commission_per_contract", "2.25"));
	paper_broker *b = tu_broker(cfg);
	paper_instrument_spec es = future_es();
	es.expiry = INT64_C(1797627600) * PAPER_TS_PER_SECOND;
	ck_ok(paper_broker_define_instrument(b, "ESZ6", &es));
	ck_ok(paper_broker_on_bar(b, "ESZ6", T0, 5000, 5000, 5000, 5000, 1000));
	/* 9 contracts would set aside 108,000 of the 100,000. */
	ck_assert_int_eq(tu_submit_rc(b, "ESZ6", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 9, 0, 0, 0),
			 PAPER_EFUNDS);
	tu_submit(b, "ESZ6", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 2, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, "ESZ6", T0 + MIN_US, 5000.25, 5005, 5000, 5004, 1000));
	paper_fill_info f = fill_at(b, 0);
	ck_assert_int_eq(f.price_e8, 500025 * (E8 / 100));
	ck_assert_int_eq(f.fee_e8, 450 * (E8 / 100));
	/* Margined: the notional 500,025.00 is not paid; cash moves by the fee only. */
	paper_account_info a = tu_account(b);
	ck_assert_int_eq(a.cash_e8, 100000 * E8 - 450 * (E8 / 100));
	paper_position_info p = PAPER_POSITION_INFO_INIT;
	ck_ok(paper_broker_position(b, "ESZ6", &p));
	ck_assert_int_eq(p.cost_basis_e8, 500025 * E8);
	ck_assert(p.avg_price == 5000.25);
	ck_assert(p.market_value == 500400.0);  /* 2 x 5004 x 50 */
	ck_assert(p.unrealized_pnl == 375.0);   /* (5004 - 5000.25) x 2 x 50 */
	/* equity = cash + unrealized P&L x multiplier */
	ck_assert(fabs(a.equity - (99995.50 + 375.0)) < 1e-9);
	ck_assert(fabs(a.unrealized_pnl - 375.0) < 1e-9);
	/* 24,000 set aside: (100,370.50 - 24,000) / 0.5 */
	ck_assert(fabs(a.buying_power - 152741.0) < 1e-6);
	/* Another 7 contracts: 9 x 12,000 = 108,000 > equity. */
	ck_assert_int_eq(tu_submit_rc(b, "ESZ6", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 7, 0, 0, 0),
			 PAPER_EFUNDS);

	tu_submit(b, "ESZ6", PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 2, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, "ESZ6", T0 + 2 * MIN_US, 4990.5, 4995, 4990, 4991, 1000));
	a = tu_account(b);
	/* Realized (4990.50 - 5000.25) x 2 x 50 = -975.00; fees 9.00. */
	ck_assert_int_eq(a.realized_pnl_e8, -975 * E8);
	ck_assert_int_eq(a.fees_e8, 9 * E8);
	ck_assert_int_eq(a.cash_e8, 99016 * E8);
	ck_assert_int_eq(a.cash_e8, a.starting_cash_e8 + a.realized_pnl_e8 - a.fees_e8);
	ck_assert_int_eq(a.open_positions, 0);
	paper_trade_info t = trade_at(b, 0);
	ck_assert(t.entry_price == 5000.25 && t.exit_price == 4990.5 && t.qty == 2);
	ck_assert_int_eq(t.pnl_gross_e8, -975 * E8);
	ck_assert(t.pnl_net == -984.0);
	paper_broker_free(b);
}
END_TEST

/* BTC-USD: fractional quantities, a Saturday and a Sunday, 0.1% commission. */
/* A cash account sets aside its futures' unrealized losses: no buying power from lost money. */
START_TEST(cash_account_futures_losses)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "account.type", "cash"));
	paper_broker *b = tu_broker(cfg);
	paper_instrument_spec es = future_es(); /* multiplier 50, margin 12,000 */
	es.expiry = INT64_C(1797627600) * PAPER_TS_PER_SECOND;
	ck_ok(paper_broker_define_instrument(b, "ESZ6", &es));
	ck_ok(paper_broker_on_bar(b, "ESZ6", T0, 5000, 5000, 5000, 5000, 1000));
	tu_submit(b, "ESZ6", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 2, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, "ESZ6", T0 + MIN_US, 5000, 5000, 5000, 5000, 1000));
	ck_assert(fabs(tu_account(b).buying_power - 76000.0) < 1e-6); /* 100,000 - 24,000 */
	/* Down 600 points: 2 x 600 x 50 = 60,000 lost, not paid yet. */
	ck_ok(paper_broker_on_bar(b, "ESZ6", T0 + 2 * MIN_US, 4400, 4400, 4400, 4400, 1000));
	paper_account_info a = tu_account(b);
	ck_assert(fabs(a.equity - 40000.0) < 1e-6);
	ck_assert(fabs(a.buying_power - 16000.0) < 1e-6); /* 100,000 - 24,000 - 60,000 */
	/* Two more need 24,000 of margin: refused; one (12,000) fits. */
	ck_assert_int_eq(tu_submit_rc(b, "ESZ6", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 2, 0, 0, 0),
			 PAPER_EFUNDS);
	tu_submit(b, "ESZ6", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	/* A gain is not spent before it is realized. */
	ck_ok(paper_broker_on_bar(b, "ESZ6", T0 + 3 * MIN_US, 5400, 5400, 5400, 5400, 1000));
	ck_assert(fabs(tu_account(b).buying_power - 64000.0) < 1e-6); /* 100,000 - 36,000 */
	paper_broker_free(b);
}
END_TEST

/* Orders past the money limit say how large they are, multiplier included. */
START_TEST(money_limit_messages)
{
	paper_broker *b = tu_broker_plain();
	paper_instrument_spec big = PAPER_INSTRUMENT_SPEC_INIT;
	big.asset_class = PAPER_ASSET_FUTURE;
	big.multiplier = 1e6;
	ck_ok(paper_broker_define_instrument(b, "BIG", &big));
	ck_ok(paper_broker_on_bar(b, "BIG", T0, 1e6, 1e6, 1e6, 1e6, 1000));
	ck_assert_int_eq(tu_submit_rc(b, "BIG", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1000, 0, 0, 0),
			 PAPER_ELIMIT);
	ck_assert_msg(strstr(paper_last_error(), "notional 1000000000000000.00") != NULL, "%s",
		      paper_last_error());
	paper_broker_free(b);
}
END_TEST

/* paper_position_info version 2 adds fees; a version 1 caller gets nothing past its fields. */
START_TEST(position_info_versions)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "costs.commission_per_contract", "1"));
	paper_broker *b = tu_broker(cfg);
	const char *call = "SPY261218C00550000";
	ck_ok(paper_broker_on_bar(b, call, T0, 2.5, 2.5, 2.5, 2.5, 100));
	tu_submit(b, call, PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 2, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, call, T0 + MIN_US, 2.5, 2.5, 2.5, 2.5, 100));
	tu_submit(b, call, PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, call, T0 + 2 * MIN_US, 3, 3, 3, 3, 100));
	paper_position_info p = PAPER_POSITION_INFO_INIT;
	ck_ok(paper_broker_position(b, call, &p));
	ck_assert_int_eq(p.realized_pnl_e8, 50 * E8); /* (3.00 - 2.50) x 100 */
	ck_assert_int_eq(p.fees_e8, 3 * E8);          /* 2 + 1 contracts */
	ck_assert(p.fees == 3.0);
	union {
		paper_position_info p;
		unsigned char bytes[sizeof(paper_position_info)];
	} v1;
	memset(&v1, 0xCD, sizeof v1);
	v1.p.version = 1;
	ck_ok(paper_broker_position_at(b, 0, &v1.p));
	ck_assert(v1.p.realized_pnl == 50.0 && v1.p.qty == 1);
	for (size_t i = offsetof(paper_position_info, fees); i < sizeof v1; i++)
		ck_assert_uint_eq(v1.bytes[i], 0xCD);
	v1.p.version = 9;
	ck_assert_int_eq(paper_broker_position(b, call, &v1.p), PAPER_EVERSION);
	paper_broker_free(b);
}
END_TEST

START_TEST(crypto_round_trip)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "costs.commission_pct", "0.1"));
	ck_ok(paper_config_set(cfg, "instrument.BTC-USD.asset_class", "crypto"));
	ck_ok(paper_config_set(cfg, "instrument.BTC-USD.tick_size", "0.01"));
	paper_broker *b = tu_broker(cfg);
	const paper_ts sat = INT64_C(1709337600) * PAPER_TS_PER_SECOND; /* 2024-03-02, a Saturday */
	ck_ok(paper_broker_on_bar(b, "BTC-USD", sat, 42000, 42000, 42000, 42000, 10));
	tu_submit(b, "BTC-USD", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 0.12345678, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, "BTC-USD", sat + HOUR_US, 42000.13, 42100, 41900, 42050, 10));
	tu_submit(b, "BTC-USD", PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 0.12345678, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, "BTC-USD", sat + DAY_US, 43000.5, 43100, 42900, 43050, 10));
	/* 0.12345678 x 42000.13 = 5185.2008093814 -> 5185.20080938; fee 5.18520081.
	 * 0.12345678 x 43000.50 = 5308.70326839; fee 5.30870327. */
	ck_assert_int_eq(fill_at(b, 0).fee_e8, INT64_C(518520081));
	ck_assert_int_eq(fill_at(b, 1).fee_e8, INT64_C(530870327));
	paper_account_info a = tu_account(b);
	ck_assert_int_eq(a.realized_pnl_e8, INT64_C(530870326839) - INT64_C(518520080938));
	ck_assert_int_eq(a.cash_e8, INT64_C(10011300855493));
	ck_assert_int_eq(a.cash_e8, a.starting_cash_e8 + a.realized_pnl_e8 - a.fees_e8);
	/* A lot below 1e-8 cannot be asked for; any quantity of 1e-8 units can. */
	tu_submit(b, "BTC-USD", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 0.00000001, 0, 0, 0);
	paper_broker_free(b);
}
END_TEST

/* One expiry's day: 2024-06-24 13:30 UTC, the next trading day's open. */
#define AFTER_EXPIRY (JUN21_2024 + 3 * DAY_US - 6 * HOUR_US - 30 * MIN_US)

START_TEST(options_round_trip_and_expiry)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "costs.commission_per_contract", "0.65"));
	paper_broker *b = tu_broker(cfg);
	const char *call = "SPY240621C00500000", *put = "SPY   240621P00480000";
	const char *orphan = "XYZ240621C00010000"; /* its underlying never trades */
	paper_ts t = JUN21_2024 - 2 * DAY_US;
	ck_ok(paper_broker_on_bar(b, "SPY", t, 505, 506, 504, 505, 1000));
	ck_ok(paper_broker_on_bar(b, call, t, 2.4, 2.4, 2.4, 2.4, 100));
	ck_ok(paper_broker_on_bar(b, put, t, 1.1, 1.1, 1.1, 1.1, 100));
	ck_ok(paper_broker_on_bar(b, orphan, t, 0.5, 0.5, 0.5, 0.5, 100));
	tu_submit(b, call, PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 3, 0, 0, 0);
	tu_submit(b, put, PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 2, 0, 0, 0);
	tu_submit(b, orphan, PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	t += HOUR_US;
	ck_ok(paper_broker_on_bar(b, call, t, 2.5, 3.2, 2.5, 3.1, 100));
	ck_ok(paper_broker_on_bar(b, put, t, 1.2, 1.2, 1.0, 1.0, 100));
	ck_ok(paper_broker_on_bar(b, orphan, t, 0.75, 0.8, 0.7, 0.8, 100));
	/* 3 x 2.50 x 100 = 750 + 1.95; 2 x 1.20 x 100 = 240 + 1.30; 1 x 0.75 x 100 = 75 + 0.65. */
	paper_account_info a = tu_account(b);
	ck_assert_int_eq(a.cash_e8, (100000 * E8) - 75195 * (E8 / 100) - 24130 * (E8 / 100) -
					    7565 * (E8 / 100));
	paper_position_info p = PAPER_POSITION_INFO_INIT;
	ck_ok(paper_broker_position(b, call, &p));
	ck_assert(p.avg_price == 2.5 && p.cost_basis == 750 && p.market_value == 930);
	ck_assert(p.unrealized_pnl == 180); /* (3.10 - 2.50) x 3 x 100 */
	/* A resting limit on the put expires with the contract. */
	uint64_t resting = tu_submit(b, put, PAPER_SIDE_BUY, PAPER_ORDER_LIMIT, 1, 0.05, 0, 0);
	/* SPY's last price before the expiry: 512.34. */
	ck_ok(paper_broker_on_bar(b, "SPY", JUN21_2024 - HOUR_US, 510, 513, 509, 512.34, 1000));
	ck_assert_uint_eq(paper_broker_position_count(b), 3);
	/* The next trading day's first bar settles all three before it is taken in. */
	ck_ok(paper_broker_on_bar(b, "SPY", AFTER_EXPIRY, 515, 516, 514, 515, 1000));
	ck_assert_uint_eq(paper_broker_position_count(b), 0);
	paper_order_info ro = tu_order(b, resting);
	ck_assert_int_eq(ro.status, PAPER_STATUS_EXPIRED);
	ck_assert_int_eq(ro.reason, PAPER_REJECT_EXPIRED);
	/* Three settlements, in the order of the symbols' expiry (all 20:00 UTC), no fees. */
	ck_assert_uint_eq(paper_broker_trade_count(b), 3);
	int64_t itm = 0, otm = 0, own = 0;
	for (size_t i = 0; i < 3; i++) {
		paper_trade_info tr = trade_at(b, i);
		paper_fill_info f = fill_at(b, 3 + i);
		ck_assert_int_eq(tr.exit_reason, PAPER_EXIT_EXPIRY);
		ck_assert_int_eq(tr.exit_ts, JUN21_2024);
		ck_assert_int_eq(f.reason, PAPER_FILL_EXPIRY);
		ck_assert_int_eq(f.fee_e8, 0);
		ck_assert_int_eq(f.ts, JUN21_2024);
		if (strcmp(tr.symbol, "SPY240621C00500000") == 0) {
			/* In the money: (512.34 - 500) x 3 x 100 = 3702; P&L 3702 - 750. */
			ck_assert_int_eq(f.price_e8, 1234 * (E8 / 100));
			ck_assert_int_eq(f.flags, 0);
			ck_assert_int_eq(tr.pnl_gross_e8, 2952 * E8);
			itm++;
		} else if (strcmp(tr.symbol, "SPY240621P00480000") == 0) {
			/* Out of the money: worthless. */
			ck_assert_int_eq(f.price_e8, 0);
			ck_assert_int_eq(tr.pnl_gross_e8, -240 * E8);
			otm++;
		} else {
			/* No underlying price: its own last price, flagged. */
			ck_assert_str_eq(tr.symbol, orphan);
			ck_assert_int_eq(f.price_e8, 80 * (E8 / 100));
			ck_assert_uint_eq(f.flags, PAPER_FILL_FLAG_OWN_PRICE);
			ck_assert_int_eq(tr.pnl_gross_e8, 5 * E8);
			own++;
		}
	}
	ck_assert(itm == 1 && otm == 1 && own == 1);
	a = tu_account(b);
	ck_assert_int_eq(a.realized_pnl_e8, (2952 - 240 + 5) * E8);
	ck_assert_int_eq(a.fees_e8, 390 * (E8 / 100));
	ck_assert_int_eq(a.cash_e8, (100000 + 2952 - 240 + 5) * E8 - 390 * (E8 / 100));
	ck_assert_int_eq(a.cash_e8, a.starting_cash_e8 + a.realized_pnl_e8 - a.fees_e8);
	/* After the expiry no order is taken. */
	ck_assert_int_eq(tu_submit_rc(b, call, PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0),
			 PAPER_ESTATE);
	paper_broker_free(b);
}
END_TEST

START_TEST(short_options)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "account.type", "cash"));
	ck_ok(paper_config_set(cfg, "account.starting_cash", "60000"));
	paper_broker *b = tu_broker(cfg);
	const char *put = "SPY261218P00480000", *call = "SPY261218C00550000";
	ck_ok(paper_broker_on_bar(b, "SPY", T0, 500, 500, 500, 500, 1000));
	ck_ok(paper_broker_on_bar(b, put, T0, 4, 4, 4, 4, 100));
	ck_ok(paper_broker_on_bar(b, call, T0, 3, 3, 3, 3, 100));
	/* Not allowed by default. */
	ck_assert_int_eq(tu_submit_rc(b, put, PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 1, 0, 0, 0),
			 PAPER_EFUNDS);
	ck_assert(strstr(paper_last_error(), "allow_short_options") != NULL);
	paper_broker_free(b);

	cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "account.type", "cash"));
	ck_ok(paper_config_set(cfg, "limits.allow_short_options", "true"));
	b = tu_broker(cfg);
	ck_ok(paper_broker_on_bar(b, "SPY", T0, 500, 500, 500, 500, 1000));
	ck_ok(paper_broker_on_bar(b, put, T0, 4, 4, 4, 4, 100));
	ck_ok(paper_broker_on_bar(b, call, T0, 3, 3, 3, 3, 100));
	/* A short put sets aside 480 x 100 = 48,000 of cash: three do not fit in 100,000. */
	ck_assert_int_eq(tu_submit_rc(b, put, PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 3, 0, 0, 0),
			 PAPER_EFUNDS);
	tu_submit(b, put, PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, put, T0 + MIN_US, 4, 4, 4, 4, 100));
	paper_account_info a = tu_account(b);
	ck_assert_int_eq(a.cash_e8, 100400 * E8); /* the premium, 4 x 100 */
	ck_assert(fabs(a.buying_power - (100400.0 - 48000.0)) < 1e-6);
	/* A naked call is refused; covered by 100 shares, one is accepted, a second is not. */
	ck_assert_int_eq(tu_submit_rc(b, call, PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 1, 0, 0, 0),
			 PAPER_EFUNDS);
	ck_assert(strstr(paper_last_error(), "naked") != NULL);
	tu_submit(b, "SPY", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 100, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, "SPY", T0 + 2 * MIN_US, 100, 100, 100, 100, 1000));
	tu_submit(b, call, PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, call, T0 + 3 * MIN_US, 3, 3, 3, 3, 100));
	paper_position_info p = PAPER_POSITION_INFO_INIT;
	ck_ok(paper_broker_position(b, call, &p));
	ck_assert(p.qty == -1);
	ck_assert_int_eq(tu_submit_rc(b, call, PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 1, 0, 0, 0),
			 PAPER_EFUNDS);
	/* Buying back is never blocked. */
	tu_submit(b, put, PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, put, T0 + 4 * MIN_US, 2, 2, 2, 2, 100));
	a = tu_account(b);
	ck_assert_int_eq(a.realized_pnl_e8, 200 * E8); /* (4 - 2) x 100 */
	paper_broker_free(b);
}
END_TEST

/* The shares under a short call stay: selling them is refused, at placing and at the fill. */
START_TEST(covered_call_shares_stay)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "account.type", "cash"));
	ck_ok(paper_config_set(cfg, "limits.allow_short_options", "true"));
	paper_broker *b = tu_broker(cfg);
	const char *call = "SPY261218C00550000";
	ck_ok(paper_broker_on_bar(b, "SPY", T0, 100, 100, 100, 100, 1000));
	ck_ok(paper_broker_on_bar(b, call, T0, 3, 3, 3, 3, 100));
	tu_submit(b, "SPY", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 150, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, "SPY", T0 + MIN_US, 100, 100, 100, 100, 1000));
	/* A sale resting above the market, placed while nothing needed the shares. */
	uint64_t resting = tu_submit(b, "SPY", PAPER_SIDE_SELL, PAPER_ORDER_LIMIT, 100, 120, 0, 0);
	tu_submit(b, call, PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, call, T0 + 2 * MIN_US, 3, 3, 3, 3, 100));
	paper_account_info before = tu_account(b);
	/* 150 held, 100 needed: 50 may go, 51 may not. */
	ck_assert_int_eq(tu_submit_rc(b, "SPY", PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 51, 0, 0, 0),
			 PAPER_EFUNDS);
	ck_assert(strstr(paper_last_error(), "naked") != NULL);
	paper_account_info after = tu_account(b);
	ck_assert_int_eq(after.cash_e8, before.cash_e8);
	/* The resting sale would now uncover the call: rejected when the price reaches it. */
	ck_ok(paper_broker_on_bar(b, "SPY", T0 + 3 * MIN_US, 125, 125, 125, 125, 1000));
	paper_order_info o = tu_order(b, resting);
	ck_assert_int_eq(o.status, PAPER_STATUS_REJECTED);
	ck_assert_int_eq(o.reason, PAPER_REJECT_SHORT_NOT_ALLOWED);
	paper_position_info p = PAPER_POSITION_INFO_INIT;
	ck_ok(paper_broker_position(b, "SPY", &p));
	ck_assert(p.qty == 150);
	tu_submit(b, "SPY", PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 50, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, "SPY", T0 + 4 * MIN_US, 125, 125, 125, 125, 1000));
	ck_ok(paper_broker_position(b, "SPY", &p));
	ck_assert(p.qty == 100);
	/* Closing the position outright is a liquidation the caller asked for: not blocked. */
	uint64_t closed = 0;
	ck_ok(paper_broker_close_position(b, "SPY", PAPER_EXIT_MANUAL, &closed));
	ck_assert_int_eq(tu_order(b, closed).status, PAPER_STATUS_FILLED);
	ck_assert_int_eq(paper_broker_position(b, "SPY", &p), PAPER_ENOTFOUND);
	tu_submit(b, "SPY", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 100, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, "SPY", T0 + 5 * MIN_US, 125, 125, 125, 125, 1000));
	/* Bought back, the call frees the shares. */
	tu_submit(b, call, PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, call, T0 + 6 * MIN_US, 2, 2, 2, 2, 100));
	tu_submit(b, "SPY", PAPER_SIDE_SELL, PAPER_ORDER_MARKET, 100, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, "SPY", T0 + 7 * MIN_US, 125, 125, 125, 125, 1000));
	ck_assert_int_eq(paper_broker_position(b, "SPY", &p), PAPER_ENOTFOUND);
	paper_broker_free(b);
}
END_TEST

/* An account in a ledger keeps its instruments across a restart. */
START_TEST(ledger_keeps_instruments)
{
	char *dir = g_dir_make_tmp("paper-instr-XXXXXX", NULL);
	char *path = g_build_filename(dir, "ledger.db", NULL);
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "instrument.ESZ6.asset_class", "future"));
	ck_ok(paper_config_set(cfg, "instrument.ESZ6.multiplier", "50"));
	ck_ok(paper_config_set(cfg, "instrument.ESZ6.tick_size", "0.25"));
	ck_ok(paper_config_set(cfg, "instrument.ESZ6.initial_margin", "12000"));
	paper_ledger *l = NULL;
	ck_ok(paper_ledger_open(&l, path, NULL));
	ck_ok(paper_ledger_create_account(l, cfg));
	paper_config_free(cfg);
	paper_broker *b = NULL;
	ck_ok(paper_ledger_open_broker(l, "default", &b));
	ck_ok(paper_broker_on_bar(b, "ESZ6", T0, 5000, 5000, 5000, 5000, 100));
	ck_ok(paper_broker_on_bar(b, "SPY261218C00500000", T0, 2, 2, 2, 2, 100));
	tu_submit(b, "ESZ6", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	tu_submit(b, "SPY261218C00500000", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 2, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, "ESZ6", T0 + MIN_US, 5001, 5003, 5000, 5002.5, 100));
	ck_ok(paper_broker_on_bar(b, "SPY261218C00500000", T0 + MIN_US, 2.5, 2.6, 2.4, 2.6, 100));
	/* A put that expires worthless (2023-11-17, SPY far above 100): a fill at 0 in the log. */
	ck_ok(paper_broker_on_bar(b, "SPY", T0 + MIN_US, 450, 450, 450, 450, 100));
	ck_ok(paper_broker_on_bar(b, "SPY231117P00100000", T0 + MIN_US, 0.05, 0.05, 0.05, 0.05, 9));
	tu_submit(b, "SPY231117P00100000", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, "SPY231117P00100000", T0 + 2 * MIN_US, 0.05, 0.05, 0.05, 0.05, 9));
	ck_ok(paper_broker_on_bar(b, "SPY", T0 + 6 * DAY_US, 451, 451, 451, 451, 100));
	ck_assert_uint_eq(paper_broker_trade_count(b), 1);
	ck_assert_int_eq(trade_at(b, 0).pnl_gross_e8, -5 * E8);
	paper_account_info before = tu_account(b);
	paper_broker_free(b);
	paper_ledger_close(l);

	ck_ok(paper_ledger_open(&l, path, NULL));
	ck_ok(paper_ledger_open_broker(l, "default", &b));
	paper_instrument_spec q = PAPER_INSTRUMENT_SPEC_INIT;
	ck_ok(paper_broker_instrument(b, "ESZ6", &q));
	ck_assert(q.multiplier == 50 && q.tick_size == 0.25 && q.initial_margin == 12000);
	paper_account_info after = tu_account(b);
	ck_assert_int_eq(after.cash_e8, before.cash_e8);
	ck_assert_int_eq(after.realized_pnl_e8, before.realized_pnl_e8);
	ck_assert_uint_eq(after.closed_trades, 1);
	ck_assert(after.equity == before.equity);
	/* 1 x (5002.5 - 5001) x 50 + 2 x (2.6 - 2.5) x 100 */
	ck_assert(fabs(after.unrealized_pnl - (75.0 + 20.0)) < 1e-9);
	/* The contract it traded under is fixed: redefining it differently is refused. */
	paper_instrument_spec es = future_es();
	ck_assert_int_eq(paper_broker_define_instrument(b, "ESZ6", &es), PAPER_ESTATE);
	paper_broker_free(b);
	paper_ledger_close(l);
	paper_config *stored = NULL;
	ck_ok(paper_ledger_open(&l, path, NULL));
	ck_ok(paper_ledger_account_config(l, "default", &stored));
	char buf[32];
	ck_ok(paper_config_get_string(stored, "instrument.ESZ6.multiplier", buf, sizeof buf, NULL));
	ck_assert_str_eq(buf, "50");
	paper_config_free(stored);
	paper_ledger_close(l);
	g_unlink(path);
	g_free(path);
	g_rmdir(dir);
	g_free(dir);
}
END_TEST


/* A contract defined through the API on an account's broker is kept with the account: a
 * restart values the position with it, and a replaced definition leaves no old field behind. */
START_TEST(ledger_keeps_defined_instruments)
{
	char *dir = g_dir_make_tmp("paper-instr-XXXXXX", NULL);
	char *path = g_build_filename(dir, "ledger.db", NULL);
	paper_config *cfg = tu_config_plain();
	paper_ledger *l = NULL;
	ck_ok(paper_ledger_open(&l, path, NULL));
	ck_ok(paper_ledger_create_account(l, cfg));
	paper_config_free(cfg);
	paper_broker *b = NULL;
	ck_ok(paper_ledger_open_broker(l, "default", &b));
	paper_instrument_spec es = future_es();
	es.expiry = INT64_C(1797627600) * PAPER_TS_PER_SECOND + 250000; /* a fraction of a second */
	ck_ok(paper_broker_define_instrument(b, "ESZ6", &es));
	/* Defined with a tick, then replaced without one before any order: no tick is kept. */
	paper_instrument_spec coin = PAPER_INSTRUMENT_SPEC_INIT;
	coin.asset_class = PAPER_ASSET_CRYPTO;
	coin.tick_size = 0.01;
	ck_ok(paper_broker_define_instrument(b, "BTC-USD", &coin));
	coin.tick_size = 0;
	coin.lot_size = 1e-8;
	ck_ok(paper_broker_define_instrument(b, "BTC-USD", &coin));
	ck_ok(paper_broker_on_bar(b, "ESZ6", T0, 5000, 5000, 5000, 5000, 100));
	tu_submit(b, "ESZ6", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 2, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, "ESZ6", T0 + MIN_US, 5001, 5003, 5000, 5002.5, 100));
	paper_account_info before = tu_account(b);
	/* 2 x (5002.5 - 5001) x 50 */
	ck_assert(fabs(before.unrealized_pnl - 150.0) < 1e-9);
	paper_broker_free(b);
	paper_ledger_close(l);

	ck_ok(paper_ledger_open(&l, path, NULL));
	ck_ok(paper_ledger_open_broker(l, "default", &b));
	paper_instrument_spec q = PAPER_INSTRUMENT_SPEC_INIT;
	ck_ok(paper_broker_instrument(b, "ESZ6", &q));
	ck_assert_int_eq(q.origin, PAPER_INSTRUMENT_DEFINED);
	ck_assert(q.asset_class == PAPER_ASSET_FUTURE && q.multiplier == 50 &&
		  q.tick_size == 0.25 && q.initial_margin == 12000);
	ck_assert_int_eq(q.expiry, es.expiry);
	ck_assert_str_eq(q.underlying, "ES");
	ck_ok(paper_broker_instrument(b, "BTC-USD", &q));
	ck_assert(q.asset_class == PAPER_ASSET_CRYPTO && q.tick_size == 0 && q.lot_size == 1e-8);
	paper_account_info after = tu_account(b);
	ck_assert_int_eq(after.cash_e8, before.cash_e8);
	ck_assert(after.equity == before.equity);
	ck_assert(fabs(after.unrealized_pnl - 150.0) < 1e-9);
	/* The same definition again (a restarted program) is accepted and changes nothing. */
	ck_ok(paper_broker_define_instrument(b, "ESZ6", &es));

	/* A broker whose ledger is gone may not define a contract it could not keep. */
	paper_ledger_close(l);
	paper_instrument_spec spy = future_es();
	ck_assert_int_ne(paper_broker_define_instrument(b, "NQZ6", &spy), PAPER_OK);
	ck_ok(paper_broker_instrument(b, "NQZ6", &q));
	ck_assert_int_eq(q.origin, PAPER_INSTRUMENT_DEFAULT);
	paper_broker_free(b);

	paper_config *stored = NULL;
	ck_ok(paper_ledger_open(&l, path, NULL));
	ck_ok(paper_ledger_account_config(l, "default", &stored));
	char buf[64];
	ck_ok(paper_config_get_string(stored, "instrument.ESZ6.multiplier", buf, sizeof buf, NULL));
	ck_assert_str_eq(buf, "50");
	ck_ok(paper_config_get_string(stored, "instrument.BTC-USD.tick_size", buf, sizeof buf, NULL));
	ck_assert_str_eq(buf, "");
	ck_ok(paper_config_get_string(stored, "instrument.NQZ6.asset_class", buf, sizeof buf, NULL));
	ck_assert_str_eq(buf, "");
	paper_config_free(stored);
	paper_ledger_close(l);
	g_unlink(path);
	g_free(path);
	g_rmdir(dir);
	g_free(dir);
}
END_TEST


/* A session sizes an option entry by its multiplier and lot, and hands its position over to
 * the expiry: the trade is counted once, with exit reason expiry. */
START_TEST(session_options_and_expiry)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "session.notional", "1000"));
	ck_ok(paper_config_set(cfg, "session.tp_pct", "0"));
	ck_ok(paper_config_set(cfg, "session.sl_pct", "0"));
	ck_ok(paper_config_set(cfg, "session.max_hold_minutes", "0"));
	ck_ok(paper_config_set(cfg, "limits.aggressive", "true"));
	paper_broker *b = tu_broker(cfg);
	paper_session *s = NULL;
	ck_ok(paper_session_new(&s, b));
	const char *call = "SPY240621C00500000";
	paper_ts t = JUN21_2024 - DAY_US;
	ck_ok(paper_session_on_bar(s, "SPY", t, 505, 506, 504, 505, 1000));
	ck_ok(paper_session_on_bar(s, call, t, 3.1, 3.1, 3.1, 3.1, 100));
	paper_signal sig = PAPER_SIGNAL_INIT;
	sig.symbol = call;
	paper_verdict v;
	uint64_t id = 0;
	ck_ok(paper_session_on_signal(s, &sig, &v, &id));
	ck_assert_int_eq(v, PAPER_VERDICT_TRADE);
	/* 1000 / (3.10 x 100) = 3.2 contracts: 3 (whole contracts, the option's lot). */
	ck_assert(tu_order(b, id).qty == 3);
	ck_ok(paper_session_on_bar(s, call, t + HOUR_US, 3.2, 3.3, 3.0, 3.2, 100));
	ck_ok(paper_session_on_bar(s, "SPY", t + 2 * HOUR_US, 506, 507, 505, 506, 1000));
	ck_ok(paper_session_on_bar(s, "SPY", AFTER_EXPIRY, 507, 508, 506, 507, 1000));
	ck_assert_uint_eq(paper_broker_position_count(b), 0);
	paper_trade_info tr = trade_at(b, 0);
	ck_assert_int_eq(tr.exit_reason, PAPER_EXIT_EXPIRY);
	ck_assert_int_eq(tr.pnl_gross_e8, 840 * E8); /* (506 - 500 - 3.20) x 3 x 100 */
	paper_session_stats st = PAPER_SESSION_STATS_INIT;
	ck_ok(paper_session_stats_get(s, &st));
	ck_assert_uint_eq(st.trades, 1);
	ck_assert_uint_eq(st.expiry_exits, 1); /* the exits add up to the trades */
	ck_assert_uint_eq(st.exits[PAPER_EXIT_END_OF_DATA] + st.exits[PAPER_EXIT_FORCE], 0);
	/* A caller built against version 1 gets the fields it has, nothing past them. */
	union {
		paper_session_stats st;
		unsigned char bytes[sizeof(paper_session_stats)];
	} v1;
	memset(&v1, 0xAB, sizeof v1);
	v1.st.version = 1;
	ck_ok(paper_session_stats_get(s, &v1.st));
	ck_assert_uint_eq(v1.st.trades, 1);
	for (size_t i = offsetof(paper_session_stats, expiry_exits); i < sizeof v1; i++)
		ck_assert_uint_eq(v1.bytes[i], 0xAB);
	v1.st.version = 3;
	ck_assert_int_eq(paper_session_stats_get(s, &v1.st), PAPER_EVERSION);
	ck_ok(paper_session_exit_all(s, PAPER_EXIT_FORCE));
	char *json = NULL;
	ck_ok(paper_session_summary_json(s, 0, &json));
	ck_assert_ptr_nonnull(strstr(json, "\"expiry\":1"));
	paper_string_free(json);
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

/* The session's exit levels are per unit, from the average entry price, not from the money. */
START_TEST(session_levels_per_unit)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "session.sizing", "qty"));
	ck_ok(paper_config_set(cfg, "session.qty", "4"));
	ck_ok(paper_config_set(cfg, "session.tp_pct", "10"));
	ck_ok(paper_config_set(cfg, "session.sl_pct", "10"));
	ck_ok(paper_config_set(cfg, "session.max_hold_minutes", "0"));
	ck_ok(paper_config_set(cfg, "limits.aggressive", "true"));
	paper_broker *b = tu_broker(cfg);
	paper_session *s = NULL;
	ck_ok(paper_session_new(&s, b));
	const char *put = "QQQ261218P00400000";
	ck_ok(paper_session_on_bar(s, put, T0, 2, 2, 2, 2, 100));
	paper_signal sig = PAPER_SIGNAL_INIT;
	sig.symbol = put;
	ck_ok(paper_session_on_signal(s, &sig, NULL, NULL));
	/* Filled at 2.00; the take profit is 2.20, reached by this bar's high. */
	ck_ok(paper_session_on_bar(s, put, T0 + MIN_US, 2, 2.1, 1.95, 2.05, 100));
	ck_ok(paper_session_on_bar(s, put, T0 + 2 * MIN_US, 2.1, 2.3, 2.05, 2.25, 100));
	ck_assert_uint_eq(paper_broker_trade_count(b), 1);
	paper_trade_info tr = trade_at(b, 0);
	ck_assert_int_eq(tr.exit_reason, PAPER_EXIT_TAKE_PROFIT);
	ck_assert(tr.entry_price == 2.0 && tr.exit_price == 2.2);
	ck_assert_int_eq(tr.pnl_gross_e8, 80 * E8); /* 0.20 x 4 x 100 */
	paper_session_free(s);
	paper_broker_free(b);
}
END_TEST

/* paper_broker_settle_expired(): time passes without data (a live session at the close). */
START_TEST(settle_without_data)
{
	paper_broker *b = tu_broker_plain();
	const char *put = "IWM240621P00200000";
	paper_ts t = JUN21_2024 - DAY_US;
	ck_ok(paper_broker_on_bar(b, "IWM", t, 195, 195, 195, 195, 1000));
	ck_ok(paper_broker_on_bar(b, put, t, 6, 6, 6, 6, 100));
	tu_submit(b, put, PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 2, 0, 0, 0);
	ck_ok(paper_broker_on_bar(b, put, t + HOUR_US, 5.5, 5.5, 5.5, 5.5, 100));
	/* Before the expiry, or at the clock: nothing happens. */
	ck_ok(paper_broker_settle_expired(b, 0));
	ck_ok(paper_broker_settle_expired(b, JUN21_2024 - 1));
	ck_assert_uint_eq(paper_broker_position_count(b), 1);
	ck_assert_int_eq(paper_broker_settle_expired(b, t), PAPER_ETIME); /* before the clock */
	ck_assert_int_eq(paper_broker_settle_expired(b, PAPER_TS_MAX + 1), PAPER_ETIME);
	ck_assert_int_eq(paper_broker_settle_expired(NULL, JUN21_2024), PAPER_EINVAL);
	ck_ok(paper_broker_settle_expired(b, JUN21_2024));
	ck_assert_uint_eq(paper_broker_position_count(b), 0);
	/* IWM at 195: the 200 put is worth 5 x 2 x 100 = 1000 against 1100 paid. */
	paper_trade_info tr = trade_at(b, 0);
	ck_assert_int_eq(tr.pnl_gross_e8, -100 * E8);
	ck_assert_int_eq(tr.exit_reason, PAPER_EXIT_EXPIRY);
	ck_ok(paper_broker_settle_expired(b, JUN21_2024 + DAY_US)); /* nothing left */
	/* The clock is at the settlement: the contract takes no more orders... */
	ck_assert_int_eq(tu_account(b).ts, JUN21_2024);
	ck_assert_int_eq(tu_submit_rc(b, put, PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, 0),
			 PAPER_ESTATE);
	ck_assert(strstr(paper_last_error(), "expired") != NULL);
	/* ...nor does one never seen, expired by its OCC name, though it has no market data. */
	uint64_t before = tu_account(b).rejections;
	ck_assert_int_eq(tu_submit_rc(b, "IWM240621C00210000", PAPER_SIDE_BUY, PAPER_ORDER_LIMIT, 1,
				      1, 0, 0), PAPER_ESTATE);
	ck_assert(strstr(paper_last_error(), "IWM240621C00210000 expired at") != NULL);
	ck_assert_uint_eq(tu_account(b).rejections, before + 1);
	paper_broker_free(b);
}
END_TEST

/* ---- the reconciliation identities with multipliers, over random trading ---- */

static uint64_t rnd_state;

static uint64_t rnd(void)
{
	uint64_t z = (rnd_state += UINT64_C(0x9E3779B97F4A7C15));
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

#define N_PROP 6
static const char *const prop_syms[N_PROP] = { "EQ", "SPY301220C00100000", "FUT", "BTC",
					       "MICRO", "BIG" };

static paper_broker *prop_broker(void)
{
	paper_config *cfg = tu_config_plain();
	ck_ok(paper_config_set(cfg, "account.starting_cash", "1000000000"));
	ck_ok(paper_config_set(cfg, "costs.commission_pct", "0.07"));
	ck_ok(paper_config_set(cfg, "costs.commission_per_contract", "0.65"));
	ck_ok(paper_config_set(cfg, "costs.slippage_pct", "0.05"));
	ck_ok(paper_config_set(cfg, "limits.max_order_qty", "1000000000"));
	ck_ok(paper_config_set(cfg, "limits.allow_short_options", "true"));
	ck_ok(paper_config_set(cfg, "instrument.FUT.asset_class", "future"));
	ck_ok(paper_config_set(cfg, "instrument.FUT.multiplier", "50"));
	ck_ok(paper_config_set(cfg, "instrument.FUT.tick_size", "0.25"));
	ck_ok(paper_config_set(cfg, "instrument.FUT.initial_margin", "1000"));
	ck_ok(paper_config_set(cfg, "instrument.BTC.asset_class", "crypto"));
	ck_ok(paper_config_set(cfg, "instrument.MICRO.asset_class", "future"));
	ck_ok(paper_config_set(cfg, "instrument.MICRO.multiplier", "0.1"));
	ck_ok(paper_config_set(cfg, "instrument.MICRO.tick_size", "0.01"));
	ck_ok(paper_config_set(cfg, "instrument.BIG.multiplier", "3.5"));
	ck_ok(paper_config_set(cfg, "instrument.BIG.lot_size", "10"));
	return tu_broker(cfg);
}

/* cash == start + realized - fees - long basis + short basis of the positions paid for, and
 * equity == cash + their market values + the futures' unrealized P&L. */
static void prop_check(paper_broker *b, const bool *future)
{
	paper_account_info a = tu_account(b);
	int64_t expect = a.starting_cash_e8 + a.realized_pnl_e8 - a.fees_e8;
	double equity = a.cash;
	for (size_t i = 0; i < paper_broker_position_count(b); i++) {
		paper_position_info p = PAPER_POSITION_INFO_INIT;
		ck_ok(paper_broker_position_at(b, i, &p));
		int k = 0;
		while (strcmp(prop_syms[k], p.symbol) != 0)
			k++;
		if (future[k]) {
			equity += p.unrealized_pnl;
			continue;
		}
		expect += p.qty_e8 > 0 ? -p.cost_basis_e8 : p.cost_basis_e8;
		equity += p.market_value;
	}
	tu_require(a.cash_e8 == expect, "cash %lld != %lld", (long long)a.cash_e8,
		   (long long)expect);
	tu_require(fabs(a.equity - equity) <= 1e-6 * fmax(1.0, fabs(equity)), "equity %.8f != %.8f",
		   a.equity, equity);
	if (a.open_positions == 0) {
		int64_t gross = 0;
		for (size_t i = 0; i < paper_broker_trade_count(b); i++)
			gross += trade_at(b, i).pnl_gross_e8;
		tu_require(gross == a.realized_pnl_e8, "trades %lld != realized %lld",
			   (long long)gross, (long long)a.realized_pnl_e8);
		tu_require(a.cash_e8 == a.starting_cash_e8 + a.realized_pnl_e8 - a.fees_e8,
			   "flat cash does not reconcile");
	}
}

static int64_t prop_run(uint64_t seed, int steps)
{
	rnd_state = seed;
	paper_broker *b = prop_broker();
	bool future[N_PROP];
	double price[N_PROP] = { 100, 5, 5000, 40000, 300, 20 };
	const double tick[N_PROP] = { 0.01, 0.01, 0.25, 0.01, 0.01, 0.01 };
	const double lot[N_PROP] = { 1, 1, 1, 0.001, 1, 10 };
	for (int k = 0; k < N_PROP; k++) {
		paper_instrument_spec q = PAPER_INSTRUMENT_SPEC_INIT;
		ck_ok(paper_broker_instrument(b, prop_syms[k], &q));
		future[k] = q.asset_class == PAPER_ASSET_FUTURE;
	}
	paper_ts t = T0;
	for (int step = 0; step < steps; step++) {
		int k = (int)(rnd() % N_PROP);
		/* A random walk on the tick grid, never below ten ticks. */
		double move = ((double)(rnd() % 201) - 100.0) / 2000.0 * price[k];
		double next = round((price[k] + move) / tick[k]) * tick[k];
		price[k] = next < 10 * tick[k] ? 10 * tick[k] : next;
		double lo = price[k] - tick[k], hi = price[k] + 2 * tick[k];
		t += MIN_US;
		ck_ok(paper_broker_on_bar(b, prop_syms[k], t, price[k], hi, lo, price[k], 1e6));
		if (rnd() % 3 == 0) {
			paper_side side = rnd() % 2 ? PAPER_SIDE_BUY : PAPER_SIDE_SELL;
			double qty = (double)(1 + rnd() % 20) * lot[k];
			paper_order_request r = PAPER_ORDER_REQUEST_INIT;
			r.symbol = prop_syms[k];
			r.side = side;
			r.qty = qty;
			int rc = paper_broker_submit(b, &r, NULL);
			tu_require(rc == PAPER_OK || rc == PAPER_EFUNDS || rc == PAPER_ELIMIT,
				   "submit %s: %d %s", prop_syms[k], rc, paper_last_error());
		}
		prop_check(b, future);
	}
	for (int k = 0; k < N_PROP; k++) {
		paper_position_info p = PAPER_POSITION_INFO_INIT;
		if (paper_broker_position(b, prop_syms[k], &p) == PAPER_OK)
			ck_ok(paper_broker_close_position(b, prop_syms[k], PAPER_EXIT_MANUAL, NULL));
	}
	prop_check(b, future);
	paper_account_info a = tu_account(b);
	ck_assert_uint_eq(a.open_positions, 0);
	ck_assert_uint_gt(a.closed_trades, 50);
	int64_t digest = a.cash_e8 ^ (a.fees_e8 * 31);
	paper_broker_free(b);
	return digest;
}

START_TEST(reconciliation_with_multipliers)
{
	int64_t d1 = prop_run(UINT64_C(20261204), 20000);
	int64_t d2 = prop_run(UINT64_C(20261204), 20000);
	ck_assert_int_eq(d1, d2); /* the same inputs, the same money to the last unit */
	prop_run(UINT64_C(7), 5000);
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
	TCase *money = tcase_create("money");
	tcase_add_test(money, futures_round_trip);
	tcase_add_test(money, crypto_round_trip);
	tcase_add_test(money, options_round_trip_and_expiry);
	tcase_add_test(money, short_options);
	tcase_add_test(money, cash_account_futures_losses);
	tcase_add_test(money, money_limit_messages);
	tcase_add_test(money, position_info_versions);
	tcase_add_test(money, covered_call_shares_stay);
	tcase_add_test(money, ledger_keeps_instruments);
	tcase_add_test(money, ledger_keeps_defined_instruments);
	tcase_add_test(money, session_options_and_expiry);
	tcase_add_test(money, session_levels_per_unit);
	tcase_add_test(money, settle_without_data);
	tcase_add_test(money, reconciliation_with_multipliers);
	suite_add_tcase(s, money);
	return s;
}

int main(void)
{
	return tu_run(instrument_suite());
}
