/*
 * The live prices and feed health a ledger keeps (schema 3): exact round trips in the order
 * applied, written in the transaction of the fills they cause, bounded memory, the health row
 * replaced per feed, hostile input refused, and a ledger of schema 2 migrated on open.
 * `test-ledger-prices postgresql` (under tests/pg/cluster.sh) runs them on a server.
 */
#include <math.h>
#include <string.h>

#include "ledgerdb.h"
#include "ledgerutil.h"

static char *dir, *path;

static void setup(void)
{
	dir = lu_tmpdir();
	path = ld_location(dir, "ledger.db");
}

static void teardown(void)
{
	lu_rmtree(dir);
	g_free(dir);
	g_free(path);
}

static paper_price_record quote(const char *sym, paper_ts ts, double price)
{
	paper_price_record p = PAPER_PRICE_RECORD_INIT;
	p.kind = PAPER_PRICE_QUOTE;
	g_strlcpy(p.symbol, sym, sizeof p.symbol);
	g_strlcpy(p.source, "coinbase:BTC-USD", sizeof p.source);
	p.ts = ts;
	p.recv_ts = ts + 1000;
	p.applied_ts = ts + 2000;
	p.price = price;
	p.bid = price * 0.999;
	p.ask = price * 1.001;
	return p;
}

typedef struct got {
	GArray *recs;
} got;

static int collect(const paper_price_record *p, void *payload)
{
	g_array_append_val(((got *)payload)->recs, *p);
	return 0;
}

static GArray *all_prices(paper_ledger *l, const char *account)
{
	got g = { g_array_new(FALSE, FALSE, sizeof(paper_price_record)) };
	ck_ok(paper_ledger_each_price(l, account, collect, &g));
	return g.recs;
}

START_TEST(prices_round_trip_exactly_in_order)
{
	paper_ledger *l = lu_open(path, PAPER_DURABLE, 1000);
	paper_broker *b = lu_new_account(l, "acct");
	/* Prices a double cannot hold exactly survive as the broker reads them: e8 units. */
	static const double px[] = { 30123.45, 0.00000123, 65000.12345678, 1e5 / 3 };
	for (size_t i = 0; i < G_N_ELEMENTS(px); i++) {
		paper_price_record p = quote("BTC-USD", T0 + (paper_ts)i * 1000000, px[i]);
		ck_ok(paper_ledger_record_price(l, "acct", &p));
		ck_ok(paper_broker_on_quote(b, "BTC-USD", p.ts, p.bid, p.ask, p.price));
	}
	paper_price_record bar = PAPER_PRICE_RECORD_INIT;
	bar.kind = PAPER_PRICE_BAR;
	g_strlcpy(bar.symbol, "ETHUSDT", sizeof bar.symbol);
	bar.ts = T0;
	bar.open = 10, bar.high = 12.5, bar.low = 9.75, bar.close = 11, bar.volume = 1234.5;
	bar.interval = MIN_US;
	bar.flags = PAPER_PRICE_FLAG_BACKFILL;
	ck_ok(paper_ledger_record_price(l, "acct", &bar));
	ck_ok(paper_ledger_flush(l));
	GArray *recs = all_prices(l, "acct");
	ck_assert_uint_eq(recs->len, 5);
	for (size_t i = 0; i < G_N_ELEMENTS(px); i++) {
		const paper_price_record *r = &g_array_index(recs, paper_price_record, i);
		ck_assert_str_eq(r->symbol, "BTC-USD");
		ck_assert_str_eq(r->source, "coinbase:BTC-USD");
		ck_assert_int_eq(r->price_e8, llround(px[i] * 1e8));
		ck_assert_int_eq(r->ts, T0 + (paper_ts)i * 1000000);
		ck_assert_int_eq(r->applied_ts, r->ts + 2000);
	}
	const paper_price_record *r = &g_array_index(recs, paper_price_record, 4);
	ck_assert_int_eq(r->kind, PAPER_PRICE_BAR);
	ck_assert_int_eq(r->low_e8, 975000000);
	ck_assert_int_eq(r->volume_e8, 123450000000);
	ck_assert_uint_eq(r->flags, PAPER_PRICE_FLAG_BACKFILL);
	g_array_free(recs, TRUE);
	paper_broker_free(b);
	paper_ledger_close(l);
}
END_TEST

/* A price is committed with the fill it causes: the fill's events never exist without it. */
START_TEST(price_goes_with_the_fills_it_causes)
{
	paper_ledger *l = lu_open(path, PAPER_DURABLE, 1000);
	paper_broker *b = lu_new_account(l, "acct");
	paper_price_record p = quote("AAPL", T0, 100);
	ck_ok(paper_ledger_record_price(l, "acct", &p));
	ck_ok(paper_broker_on_quote(b, "AAPL", T0, 99.99, 100.01, 100));
	tu_submit(b, "AAPL", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 1, 0, 0, T0);
	p = quote("AAPL", T0 + 1000000, 101);
	ck_ok(paper_ledger_record_price(l, "acct", &p));
	ck_ok(paper_broker_on_quote(b, "AAPL", p.ts, p.bid, p.ask, p.price)); /* the fill */
	/* Another connection sees both prices already: they went with the fill's commit. */
	paper_ledger *other = lu_open(path, PAPER_DURABLE, 1000);
	GArray *recs = all_prices(other, "acct");
	ck_assert_uint_eq(recs->len, 2);
	/* The first came before any event; the second after the day's first SNAPSHOT and the
	 * ORDER_ACCEPTED, before the FILL it caused. */
	ck_assert_uint_eq(g_array_index(recs, paper_price_record, 0).event_seq, 0);
	ck_assert_uint_eq(g_array_index(recs, paper_price_record, 1).event_seq, 2);
	g_array_free(recs, TRUE);
	paper_ledger_close(other);
	paper_broker_free(b);
	paper_ledger_close(l);
}
END_TEST

/* Thousands of prices and no events: committed in groups, memory bounded. */
START_TEST(many_prices_without_events)
{
	paper_ledger *l = lu_open(path, PAPER_DURABLE, 1000);
	paper_broker *b = lu_new_account(l, "acct");
	for (int i = 0; i < 20000; i++) {
		paper_price_record p = quote("BTC-USD", T0 + i, 100 + i % 7);
		ck_ok(paper_ledger_record_price(l, "acct", &p));
	}
	paper_ledger *other = lu_open(path, PAPER_DURABLE, 1000);
	GArray *recs = all_prices(other, "acct");
	ck_assert_uint_ge(recs->len, 16384); /* committed without a flush */
	g_array_free(recs, TRUE);
	ck_ok(paper_ledger_flush(l));
	recs = all_prices(other, "acct");
	ck_assert_uint_eq(recs->len, 20000);
	for (guint i = 1; i < recs->len; i++)
		tu_require(g_array_index(recs, paper_price_record, i).ts ==
				   g_array_index(recs, paper_price_record, i - 1).ts + 1, "order at %u", i);
	g_array_free(recs, TRUE);
	paper_ledger_close(other);
	paper_broker_free(b);
	paper_ledger_close(l);
}
END_TEST

START_TEST(bad_prices_refused_nothing_written)
{
	paper_ledger *l = lu_open(path, PAPER_DURABLE, 1000);
	paper_broker *b = lu_new_account(l, "acct");
	paper_price_record p = quote("BTC-USD", T0, 100);
	paper_price_record bad = p;
	bad.price = NAN;
	ck_assert_int_eq(paper_ledger_record_price(l, "acct", &bad), PAPER_EINVAL);
	bad = p, bad.price = -1;
	ck_assert_int_eq(paper_ledger_record_price(l, "acct", &bad), PAPER_EINVAL);
	bad = p, bad.price = 0;
	ck_assert_int_eq(paper_ledger_record_price(l, "acct", &bad), PAPER_EINVAL);
	bad = p, bad.kind = 9;
	ck_assert_int_eq(paper_ledger_record_price(l, "acct", &bad), PAPER_EINVAL);
	bad = p, g_strlcpy(bad.symbol, "BTC USD", sizeof bad.symbol);
	ck_assert_int_eq(paper_ledger_record_price(l, "acct", &bad), PAPER_EINVAL);
	bad = p, memcpy(bad.source, "\xff\xfe", 3);
	ck_assert_int_eq(paper_ledger_record_price(l, "acct", &bad), PAPER_EINVAL);
	bad = p, bad.kind = PAPER_PRICE_BAR, bad.open = 1, bad.high = 1, bad.low = 2, bad.close = 1,
	bad.interval = MIN_US;
	ck_assert_int_eq(paper_ledger_record_price(l, "acct", &bad), PAPER_EINVAL);
	bad = p, bad.version = 7;
	ck_assert_int_eq(paper_ledger_record_price(l, "acct", &bad), PAPER_EVERSION);
	ck_assert_int_eq(paper_ledger_record_price(l, "nobody", &p), PAPER_ENOTFOUND);
	ck_assert_int_eq(paper_ledger_record_price(l, "acct", NULL), PAPER_EINVAL);
	ck_ok(paper_ledger_flush(l));
	GArray *recs = all_prices(l, "acct");
	ck_assert_uint_eq(recs->len, 0);
	g_array_free(recs, TRUE);
	paper_broker_free(b);
	paper_ledger_close(l);
	paper_ledger_options o = PAPER_LEDGER_OPTIONS_INIT;
	o.read_only = true;
	ck_ok(paper_ledger_open(&l, path, &o));
	ck_assert_int_eq(paper_ledger_record_price(l, "acct", &p), PAPER_ESTATE);
	paper_ledger_close(l);
}
END_TEST

static int count_health(const paper_feed_health_info *h, paper_ts written, void *payload)
{
	GPtrArray *seen = payload;
	ck_assert_int_gt(written, 0);
	g_ptr_array_add(seen, g_memdup2(h, sizeof *h));
	return 0;
}

START_TEST(feed_health_one_row_per_source)
{
	paper_ledger *l = lu_open(path, PAPER_DURABLE, 1000);
	paper_broker *b = lu_new_account(l, "acct");
	paper_feed_health_info h = PAPER_FEED_HEALTH_INFO_INIT;
	g_strlcpy(h.source, "coinbase:BTC-USD", sizeof h.source);
	g_strlcpy(h.venue, "coinbase", sizeof h.venue);
	h.state = PAPER_FEED_UP;
	h.connected = true;
	h.reconnects = 3;
	h.gaps = 1;
	h.backfilled_bars = 2;
	h.clock_skew_ms = 12.5;
	h.last_msg_ts = T0;
	ck_ok(paper_ledger_set_feed_health(l, "acct", &h));
	h.reconnects = 4; /* replaced, in the batch and in the table */
	ck_ok(paper_ledger_set_feed_health(l, "acct", &h));
	ck_ok(paper_ledger_flush(l));
	h.reconnects = 5;
	ck_ok(paper_ledger_set_feed_health(l, "acct", &h));
	g_strlcpy(h.source, "binance:BTCUSDT", sizeof h.source);
	h.state = PAPER_FEED_RECONNECTING;
	h.connected = false;
	g_strlcpy(h.last_error, "connection dropped", sizeof h.last_error);
	ck_ok(paper_ledger_set_feed_health(l, "acct", &h));
	ck_ok(paper_ledger_flush(l));
	GPtrArray *seen = g_ptr_array_new_with_free_func(g_free);
	ck_ok(paper_ledger_each_feed_health(l, "acct", count_health, seen));
	ck_assert_uint_eq(seen->len, 2);
	const paper_feed_health_info *a = g_ptr_array_index(seen, 0), *c = g_ptr_array_index(seen, 1);
	ck_assert_str_eq(a->source, "binance:BTCUSDT"); /* by source */
	ck_assert_int_eq(a->state, PAPER_FEED_RECONNECTING);
	ck_assert_str_eq(a->last_error, "connection dropped");
	ck_assert_uint_eq(c->reconnects, 5);
	ck_assert_uint_eq(c->backfilled_bars, 2);
	ck_assert_double_eq(c->clock_skew_ms, 12.5);
	ck_assert(c->connected);
	g_ptr_array_free(seen, TRUE);
	h.state = 42;
	ck_assert_int_eq(paper_ledger_set_feed_health(l, "acct", &h), PAPER_EINVAL);
	paper_broker_free(b);
	paper_ledger_close(l);
}
END_TEST

/* A ledger of schema 2 (libpaper 1.1 before the feeds) gains the tables when opened, keeping
 * all. */
START_TEST(schema_two_is_migrated)
{
	paper_ledger *l = lu_open(path, PAPER_DURABLE, 1000);
	paper_broker *b = lu_new_account(l, "acct");
	ck_ok(paper_broker_on_quote(b, "AAPL", T0, 0, 0, 100));
	tu_submit(b, "AAPL", PAPER_SIDE_BUY, PAPER_ORDER_MARKET, 3, 0, 0, T0);
	ck_ok(paper_broker_on_quote(b, "AAPL", T0 + 1, 0, 0, 101));
	paper_broker_free(b);
	paper_ledger_close(l);
	ld_downgrade_to_v2(path);
	ck_assert_int_eq(ld_schema_version(path), 2);
	l = lu_open(path, PAPER_DURABLE, 1000);
	ck_ok(paper_ledger_open_broker(l, "acct", &b));
	paper_position_info pos = PAPER_POSITION_INFO_INIT;
	ck_ok(paper_broker_position(b, "AAPL", &pos));
	ck_assert_double_eq(pos.qty, 3);
	paper_price_record p = quote("AAPL", T0 + 2, 102);
	ck_ok(paper_ledger_record_price(l, "acct", &p));
	ck_ok(paper_ledger_flush(l));
	GArray *recs = all_prices(l, "acct");
	ck_assert_uint_eq(recs->len, 1);
	g_array_free(recs, TRUE);
	ck_assert_int_eq(ld_schema_version(path), LD_SCHEMA_VERSION);
	paper_broker_free(b);
	paper_ledger_close(l);
}
END_TEST

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "postgresql") == 0 && !ld_use_postgresql())
		return 77;
	Suite *s = suite_create("ledger-prices");
	TCase *tc = tcase_create("ledger-prices");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, prices_round_trip_exactly_in_order);
	tcase_add_test(tc, price_goes_with_the_fills_it_causes);
	tcase_add_test(tc, many_prices_without_events);
	tcase_add_test(tc, bad_prices_refused_nothing_written);
	tcase_add_test(tc, feed_health_one_row_per_source);
	tcase_add_test(tc, schema_two_is_migrated);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
