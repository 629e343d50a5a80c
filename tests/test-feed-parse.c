/*
 * White-box: the feeds' pure parts, without a network. Source strings and the paper-only
 * endpoint rules; each venue's parser on the documented message shapes and on hostile bytes;
 * the per-symbol tracking (duplicates, out-of-order, gaps, backfill ordering); the reconnect
 * delays; the bounded queue.
 */
#include <glib.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "base/rng.h"
#include "config/safety_feed.h"
#include "feed/feed_backoff.h"
#include "feed/feed_json.h"
#include "feed/feed_parse.h"
#include "feed/feed_queue.h"
#include "feed/feed_source.h"
#include "feed/feed_track.h"
#include "testutil.h"

#define S(x) x, strlen(x)

static feed_spec *spec_ok(const char *source, const char *url)
{
	paper_feed_options o = PAPER_FEED_OPTIONS_INIT;
	o.url = url;
	feed_spec *s = NULL;
	int rc = paper__feed_spec_parse(source, &o, &s);
	tu_require(rc == PAPER_OK, "'%s': %s", source, paper_last_error());
	return s;
}

static int spec_rc(const char *source, const char *url, const char *rest)
{
	paper_feed_options o = PAPER_FEED_OPTIONS_INIT;
	o.url = url;
	o.rest_url = rest;
	feed_spec *s = NULL;
	int rc = paper__feed_spec_parse(source, &o, &s);
	paper__feed_spec_free(s);
	return rc;
}

static const feed_symbol *sym(const feed_spec *s, guint i)
{
	return &g_array_index(s->symbols, feed_symbol, i);
}

START_TEST(sources_parse)
{
	feed_spec *s = spec_ok("coinbase:btc-usd,ETH-USD", NULL);
	ck_assert_uint_eq(s->symbols->len, 2);
	ck_assert_str_eq(sym(s, 0)->name, "BTC-USD");
	ck_assert_uint_eq(sym(s, 0)->kinds, FK_QUOTES | FK_TRADES | FK_BARS);
	ck_assert_str_eq(s->ws_url, "wss://ws-feed.exchange.coinbase.com");
	ck_assert_str_eq(s->rest_base, "https://api.exchange.coinbase.com");
	ck_assert_str_eq(s->display, "coinbase:BTC-USD,ETH-USD");
	paper__feed_spec_free(s);

	s = spec_ok("coinbase:BTC-USD?channels=ticker", NULL);
	ck_assert_uint_eq(sym(s, 0)->kinds, FK_QUOTES); /* no matches: no built bars either */
	paper__feed_spec_free(s);

	s = spec_ok("binance:btcusdt,ethusdt@book", "ws://127.0.0.1:9/");
	ck_assert_str_eq(s->ws_url,
			 "ws://127.0.0.1:9/stream?streams=btcusdt@kline_1m/btcusdt@bookTicker/"
			 "ethusdt@bookTicker");
	ck_assert_str_eq(sym(s, 0)->name, "BTCUSDT");
	ck_assert_int_eq(s->bar_us, 60 * PAPER_TS_PER_SECOND);
	paper__feed_spec_free(s);

	s = spec_ok("binance:btcusdt@kline_1h", NULL);
	ck_assert_int_eq(s->bar_us, 3600 * PAPER_TS_PER_SECOND);
	ck_assert_str_eq(s->ws_url,
			 "wss://data-stream.binance.vision/stream?streams=btcusdt@kline_1h");
	paper__feed_spec_free(s);

	s = spec_ok("alpaca:aapl,BRK.B?data=bars,trades&feed=sip", NULL);
	ck_assert_str_eq(s->ws_url, "wss://stream.data.alpaca.markets/v2/sip");
	ck_assert_str_eq(sym(s, 1)->name, "BRK.B");
	ck_assert_uint_eq(sym(s, 1)->kinds, FK_BARS | FK_TRADES);
	paper__feed_spec_free(s);

	/* http-poll: the sugar form keeps the endpoint's own parameters, drops ours. */
	s = spec_ok("http-poll:https://example.com/q?sym=X&price=$.data.p&interval=2&symbol=XYZ",
		    NULL);
	ck_assert_str_eq(s->poll.url, "https://example.com/q?sym=X");
	ck_assert_str_eq(s->poll.price, "$.data.p");
	ck_assert_int_eq(s->poll_us, 2 * PAPER_TS_PER_SECOND);
	ck_assert_str_eq(s->display, "https://example.com/q");
	paper__feed_spec_free(s);
	s = spec_ok("http-poll:http://h/p?symbol=Q#price=$['a b'][0].c&time=$.t", NULL);
	ck_assert_str_eq(s->poll.url, "http://h/p"); /* symbol= was ours, not the endpoint's */
	ck_assert_str_eq(s->poll.price, "$['a b'][0].c");
	paper__feed_spec_free(s);
}
END_TEST

START_TEST(sources_refused)
{
	static const char *const bad[] = {
		"", "coinbase:", "coinbase:BTCUSD", "coinbase:BTC-USD-X", "coinbase:BTC/USD",
		"coinbase:BTC-USD?bars=2m", "coinbase:BTC-USD?nope=1", "coinbase:BTC-USD?channels=x",
		"binance:btc usdt", "binance:btcusdt@1M", "binance:btcusdt@2m",
		"binance:a@1m,b@5m", "binance:btcusdt?interval=1M", "alpaca:AAPL?feed=production",
		"alpaca:.X", "alpaca:AAPL?data=orders", "http-poll:ftp://x/y#price=$.p&symbol=A",
		"http-poll:http://x/y#symbol=A", "http-poll:http://x/y#price=p&symbol=A",
		"http-poll:http://x/y#price=$..p&symbol=A", "http-poll:http://x/y#price=$.p",
		"http-poll:http://x/y?price=1&symbol=A", /* a reserved name in the query is ours */
		"http-poll:http://x/y#price=$.p&symbol=A&interval=0", "kraken:XBT", "coinbase",
		("coinbase:" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-USD"),
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
		tu_require(spec_rc(bad[i], NULL, NULL) == PAPER_ECONFIG, "'%s' accepted", bad[i]);
}
END_TEST

/* A feed reads market data: never a trading API, paper or live, whatever the override. */
START_TEST(trading_endpoints_refused)
{
	static const struct {
		const char *source, *url, *rest;
		int rc;
	} cases[] = {
		{ "coinbase:BTC-USD", "wss://paper-api.alpaca.markets/stream", NULL, PAPER_ESAFETY },
		{ "alpaca:AAPL", "wss://api.alpaca.markets", NULL, PAPER_ESAFETY },
		{ "alpaca:AAPL", NULL, "https://paper-api.alpaca.markets", PAPER_ESAFETY },
		{ "coinbase:BTC-USD", NULL, "https://api.exchange.coinbase.com/orders", PAPER_ESAFETY },
		{ "binance:btcusdt", NULL, "https://api.binance.com/api/v3/order", PAPER_ESAFETY },
		{ "binance:btcusdt", "ws://127.0.0.1:7497", NULL, PAPER_ESAFETY },
		{ "binance:btcusdt", "ws://10.0.0.1:4001/ws", NULL, PAPER_ESAFETY },
		{ "http-poll:https://API.ALPACA.MARKETS/v2/account#price=$.p&symbol=A", NULL, NULL,
		  PAPER_ESAFETY },
		{ "http-poll:https://x.example/v2/positions#price=$.p&symbol=A", NULL, NULL,
		  PAPER_ESAFETY },
		/* Read as the client reads them: a trailing dot, percent-encoding, IDNA case. */
		{ "alpaca:AAPL", "wss://paper-api.alpaca.markets.", NULL, PAPER_ESAFETY },
		{ "alpaca:AAPL", "wss://paper%2Dapi.alpaca.markets/stream", NULL, PAPER_ESAFETY },
		{ "alpaca:AAPL", NULL, "https://API.Alpaca.Markets.:443/v2", PAPER_ESAFETY },
		{ "coinbase:BTC-USD", NULL, "https://api.exchange.coinbase.com/%6Frders", PAPER_ESAFETY },
		{ "binance:btcusdt", NULL, "https://api.binance.com/api/v3%2Forder", PAPER_ESAFETY },
		{ "binance:btcusdt", "ws://127.0.0.1:7497.", NULL, PAPER_ECONFIG },
		{ "coinbase:BTC-USD", "wss://proxy.example\\@paper-api.alpaca.markets", NULL,
		  PAPER_ECONFIG },
		{ "coinbase:BTC-USD", "wss://:@paper-api.alpaca.markets", NULL, PAPER_ECONFIG },
		{ "coinbase:BTC-USD", "wss://user:pw@proxy.example", NULL, PAPER_ECONFIG },
		{ "coinbase:BTC-USD", "https://not-a-websocket.example", NULL, PAPER_ECONFIG },
		{ "coinbase:BTC-USD", "ws://127.0.0.1:99999", NULL, PAPER_ECONFIG },
		{ "coinbase:BTC-USD", "ws://127.0.0.1:8080/feed", "http://127.0.0.1:8081", PAPER_OK },
		{ "alpaca:AAPL", "wss://stream.data.alpaca.markets", "https://data.alpaca.markets",
		  PAPER_OK },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		int rc = spec_rc(cases[i].source, cases[i].url, cases[i].rest);
		tu_require(rc == cases[i].rc, "%s url %s rest %s: %d (%s), wanted %d", cases[i].source,
			   cases[i].url, cases[i].rest, rc, paper_last_error(), cases[i].rc);
	}
	char *why = NULL;
	ck_assert_int_eq(paper__safety_check_feed_url("https://paper-api.alpaca.markets", false, &why),
			 PAPER_ESAFETY);
	ck_assert_ptr_nonnull(strstr(why, "trading API"));
	g_free(why);
}
END_TEST

START_TEST(times_parse)
{
	paper_ts t = 0;
	ck_assert(fj_time("2021-02-22T15:51:44.208Z", &t));
	ck_assert_int_eq(t, INT64_C(1614009104208000));
	ck_assert(fj_time("2021-02-22T15:51:45.335689322Z", &t)); /* nanoseconds: truncated */
	ck_assert_int_eq(t, INT64_C(1614009105335689));
	ck_assert(fj_time("2021-02-22T17:51:44+02:00", &t));
	ck_assert_int_eq(t, INT64_C(1614009104000000));
	ck_assert(fj_time("2024-02-29T00:00:00Z", &t));
	static const char *const bad[] = { "2023-02-29T00:00:00Z", "2021-02-22T15:51:44",
					   "2021-02-22 15:51:44.Z", "2021-13-01T00:00:00Z",
					   "2021-02-22T15:51:44.1234567890Z", "x", "" };
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
		tu_require(!fj_time(bad[i], &t), "'%s' accepted", bad[i]);
	ck_assert(fj_epoch(1700000000, &t) && t == INT64_C(1700000000000000));
	ck_assert(fj_epoch(1700000000123.0, &t) && t == INT64_C(1700000000123000));
	ck_assert(fj_epoch(1700000000123456.0, &t) && t == INT64_C(1700000000123456));
	ck_assert(fj_epoch(1.7e18, &t) && t == INT64_C(1700000000000000));
	ck_assert(!fj_epoch(-1, &t) && !fj_epoch(NAN, &t));
}
END_TEST

static feed_parsed P;

static void setup(void)
{
	paper__feed_parsed_init(&P);
}

static void teardown(void)
{
	paper__feed_parsed_clear(&P);
}

static const paper_feed_msg *msg(guint i)
{
	tu_require(i < P.msgs->len, "message %u of %u", i, P.msgs->len);
	return &g_array_index(P.msgs, paper_feed_msg, i);
}

START_TEST(coinbase_messages)
{
	const char *ticker = "{\"type\":\"ticker\",\"sequence\":37475248783,\"product_id\":\"ETH-USD\","
			     "\"price\":\"1285.22\",\"open_24h\":\"1310.79\",\"best_bid\":\"1285.04\","
			     "\"best_ask\":\"1285.27\",\"side\":\"buy\",\"time\":"
			     "\"2022-10-19T23:28:22.061769Z\",\"trade_id\":370843401,\"last_size\":\"11.4\"}";
	ck_assert_int_eq(paper__coinbase_parse(S(ticker), 5, &P), PAPER_OK);
	ck_assert_int_eq(msg(0)->type, PAPER_FEED_QUOTE);
	ck_assert_str_eq(msg(0)->symbol, "ETH-USD");
	ck_assert_double_eq(msg(0)->last, 1285.22);
	ck_assert_double_eq(msg(0)->bid, 1285.04);
	ck_assert_double_eq(msg(0)->ask, 1285.27);
	ck_assert_uint_eq(msg(0)->seq, UINT64_C(37475248783));
	ck_assert_int_eq(msg(0)->ts, INT64_C(1666222102061769));
	ck_assert_int_eq(msg(0)->recv_ts, 5);

	paper__feed_parsed_reset(&P);
	const char *match = "{\"type\":\"last_match\",\"trade_id\":10,\"sequence\":50,"
			    "\"maker_order_id\":\"a\",\"taker_order_id\":\"b\",\"time\":"
			    "\"2014-11-07T08:19:27.028459Z\",\"product_id\":\"BTC-USD\",\"size\":"
			    "\"5.23512\",\"price\":\"400.23\",\"side\":\"sell\"}";
	ck_assert_int_eq(paper__coinbase_parse(S(match), 5, &P), PAPER_OK);
	ck_assert_int_eq(msg(0)->type, PAPER_FEED_TRADE);
	ck_assert_uint_eq(msg(0)->seq, 10);
	ck_assert_double_eq(msg(0)->size, 5.23512);

	paper__feed_parsed_reset(&P);
	const char *subs = "{\"type\":\"subscriptions\",\"channels\":[{\"name\":\"ticker\","
			   "\"product_ids\":[\"BTC-USD\"]},{\"name\":\"heartbeat\",\"product_ids\":"
			   "[\"X-Y\"]}]}";
	ck_assert_int_eq(paper__coinbase_parse(S(subs), 5, &P), PAPER_OK);
	ck_assert_uint_eq(P.ctl, FCTL_SUBSCRIBED);
	ck_assert_uint_eq(P.subscribed->len, 1); /* heartbeat alone is not a subscription */

	paper__feed_parsed_reset(&P);
	const char *err = "{\"type\":\"error\",\"message\":\"Failed to subscribe\",\"reason\":"
			  "\"BTC-XYZ is not a valid product\"}";
	ck_assert_int_eq(paper__coinbase_parse(S(err), 5, &P), PAPER_OK);
	ck_assert(P.ctl & FCTL_ERROR);
	ck_assert_ptr_nonnull(strstr(P.error, "BTC-XYZ is not a valid product"));

	/* Unknown types are ignored, as the venue asks; broken known ones are errors. */
	paper__feed_parsed_reset(&P);
	ck_assert_int_eq(paper__coinbase_parse(S("{\"type\":\"status\",\"products\":[]}"), 5, &P),
			 PAPER_OK);
	ck_assert_uint_eq(P.ignored, 1);
	static const char *const bad[] = {
		"", "[]", "{}", "{\"type\":\"ticker\"}",
		("{\"type\":\"ticker\",\"product_id\":\"BTC-USD\",\"price\":\"-1\",\"time\":"
		 "\"2022-10-19T23:28:22Z\"}"),
		"{\"type\":\"ticker\",\"product_id\":\"BTC-USD\",\"price\":\"nan\"}",
		"{\"type\":\"ticker\",\"product_id\":\"BTC-USD\",\"price\":\"1\",\"time\":\"yesterday\"}",
		"{\"type\":\"match\",\"product_id\":\"BTC-USD\",\"price\":\"1\",\"size\":\"1\"}",
		"{\"type\":\"ticker\",\"product_id\":\"BTC USD\",\"price\":\"1\"}",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		paper__feed_parsed_reset(&P);
		tu_require(paper__coinbase_parse(S(bad[i]), 5, &P) == PAPER_EFORMAT, "'%s' read", bad[i]);
		ck_assert_uint_eq(P.msgs->len, 0);
	}
}
END_TEST

START_TEST(coinbase_candles)
{
	const char *body = "[[1700000060,99.5,101.25,100,101,12.5],[1700000000,98,100.5,99,100,3]]";
	ck_assert_int_eq(paper__coinbase_candles_parse(S(body), "BTC-USD", MIN_US, 1, &P), PAPER_OK);
	ck_assert_uint_eq(P.msgs->len, 2);
	ck_assert_int_eq(msg(0)->ts, INT64_C(1700000000) * PAPER_TS_PER_SECOND); /* sorted */
	ck_assert_double_eq(msg(1)->low, 99.5);   /* [time, low, high, open, close, volume] */
	ck_assert_double_eq(msg(1)->high, 101.25);
	ck_assert_double_eq(msg(1)->open, 100);
	ck_assert_uint_eq(msg(1)->flags, PAPER_FEED_FLAG_BACKFILL);
	paper__feed_parsed_reset(&P);
	ck_assert_int_eq(paper__coinbase_candles_parse(S("[[1700000060,102,101,100,101,1]]"),
						       "BTC-USD", MIN_US, 1, &P), PAPER_EFORMAT);
	paper__feed_parsed_reset(&P);
	ck_assert_int_eq(paper__coinbase_candles_parse(S("{\"message\":\"x\"}"), "BTC-USD", MIN_US, 1,
						       &P), PAPER_EFORMAT);
}
END_TEST

START_TEST(binance_messages)
{
	const char *open = "{\"stream\":\"bnbbtc@kline_1m\",\"data\":{\"e\":\"kline\",\"E\":1672515782136,"
			   "\"s\":\"BNBBTC\",\"k\":{\"t\":1672515780000,\"T\":1672515839999,\"s\":"
			   "\"BNBBTC\",\"i\":\"1m\",\"o\":\"0.0010\",\"c\":\"0.0020\",\"h\":\"0.0025\","
			   "\"l\":\"0.0010\",\"v\":\"1000\",\"n\":100,\"x\":false}}}";
	ck_assert_int_eq(paper__binance_parse(S(open), 5, &P), PAPER_OK);
	ck_assert_uint_eq(P.msgs->len, 0); /* forming: not a bar yet */
	char *closed = g_strdup(open);
	memcpy(strstr(closed, "false"), "true ", 5);
	ck_assert_int_eq(paper__binance_parse(S(closed), 5, &P), PAPER_OK);
	g_free(closed);
	ck_assert_int_eq(msg(0)->type, PAPER_FEED_BAR);
	ck_assert_int_eq(msg(0)->ts, INT64_C(1672515780000000));
	ck_assert_int_eq(msg(0)->interval, MIN_US);
	ck_assert_double_eq(msg(0)->high, 0.0025);

	paper__feed_parsed_reset(&P);
	const char *book = "{\"u\":400900217,\"s\":\"BNBUSDT\",\"b\":\"25.35190000\",\"B\":\"31.21\","
			   "\"a\":\"25.36520000\",\"A\":\"40.66\"}";
	ck_assert_int_eq(paper__binance_parse(S(book), 77, &P), PAPER_OK);
	ck_assert_int_eq(msg(0)->ts, 77); /* no time on the venue's side */
	ck_assert_uint_eq(msg(0)->flags, PAPER_FEED_FLAG_RECV_TIME);
	ck_assert_uint_eq(msg(0)->seq, 400900217);

	paper__feed_parsed_reset(&P);
	ck_assert_int_eq(paper__binance_parse(S("{\"stream\":\"!serverShutdown\",\"data\":{\"e\":"
						"\"serverShutdown\",\"E\":1}}"), 5, &P), PAPER_OK);
	ck_assert_uint_eq(P.ctl, FCTL_SHUTDOWN);

	paper__feed_parsed_reset(&P);
	const char *klines = "[[1499040000000,\"0.0163\",\"0.8\",\"0.0157\",\"0.0157\",\"148976.1\","
			     "1499040059999,\"2434.1\",308,\"1756.8\",\"28.4\",\"0\"]]";
	ck_assert_int_eq(paper__binance_klines_parse(S(klines), "BNBBTC", MIN_US, 1, &P), PAPER_OK);
	ck_assert_double_eq(msg(0)->open, 0.0163); /* [t, o, h, l, c, v, ...] */
	ck_assert_double_eq(msg(0)->high, 0.8);
}
END_TEST

START_TEST(alpaca_messages)
{
	const char *batch = "[{\"T\":\"b\",\"S\":\"SPY\",\"o\":388.985,\"h\":389.13,\"l\":388.975,"
			    "\"c\":389.12,\"v\":49378,\"t\":\"2021-02-22T19:15:00Z\",\"n\":461},"
			    "{\"T\":\"q\",\"S\":\"AMD\",\"bx\":\"U\",\"bp\":87.66,\"bs\":1,\"ax\":\"Q\","
			    "\"ap\":87.68,\"as\":4,\"t\":\"2021-02-22T15:51:45.335689322Z\"},"
			    "{\"T\":\"t\",\"S\":\"AAPL\",\"i\":96921,\"x\":\"D\",\"p\":126.55,\"s\":1,"
			    "\"t\":\"2021-02-22T15:51:44.208Z\"},"
			    "{\"T\":\"u\",\"S\":\"SPY\",\"o\":1,\"h\":1,\"l\":1,\"c\":1,\"v\":1,"
			    "\"t\":\"2021-02-22T19:14:00Z\"}]";
	ck_assert_int_eq(paper__alpaca_parse(S(batch), 5, &P), PAPER_OK);
	ck_assert_uint_eq(P.msgs->len, 3);
	ck_assert_uint_eq(P.ignored, 1); /* u: a revision, not new data */
	ck_assert_int_eq(msg(0)->interval, MIN_US);
	ck_assert_int_eq(msg(1)->ts, INT64_C(1614009105335689));
	ck_assert_double_eq(msg(2)->last, 126.55);

	static const struct {
		const char *text;
		unsigned ctl;
	} control[] = {
		{ "[{\"T\":\"success\",\"msg\":\"connected\"}]", FCTL_CONNECTED },
		{ "[{\"T\":\"success\",\"msg\":\"authenticated\"}]", FCTL_AUTHENTICATED },
		{ "[{\"T\":\"subscription\",\"bars\":[\"AAPL\"]}]", FCTL_SUBSCRIBED },
		{ "[{\"T\":\"error\",\"code\":402,\"msg\":\"auth failed\"}]", FCTL_ERROR | FCTL_FATAL },
		{ "[{\"T\":\"error\",\"code\":406,\"msg\":\"connection limit exceeded\"}]", FCTL_ERROR },
		{ "[{\"T\":\"error\",\"code\":409,\"msg\":\"insufficient subscription\"}]",
		  FCTL_ERROR | FCTL_FATAL },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(control); i++) {
		paper__feed_parsed_reset(&P);
		ck_assert_int_eq(paper__alpaca_parse(S(control[i].text), 5, &P), PAPER_OK);
		ck_assert_uint_eq(P.ctl, control[i].ctl);
	}
	paper__feed_parsed_reset(&P);
	char *next = NULL;
	const char *rest = "{\"bars\":[{\"t\":\"2024-05-01T13:31:00Z\",\"o\":1,\"h\":2,\"l\":0.5,\"c\":"
			   "1.5,\"v\":10},{\"t\":\"2024-05-01T13:30:00Z\",\"o\":1,\"h\":1,\"l\":1,\"c\":"
			   "1,\"v\":1}],\"symbol\":\"AAPL\",\"next_page_token\":\"QUFQTA==\"}";
	ck_assert_int_eq(paper__alpaca_bars_parse(S(rest), "AAPL", MIN_US, 1, &P, &next), PAPER_OK);
	ck_assert_str_eq(next, "QUFQTA==");
	g_free(next);
	ck_assert_int_lt(msg(0)->ts, msg(1)->ts);
	char *path = NULL;
	feed_spec *s = spec_ok("alpaca:AAPL", NULL);
	path = paper__alpaca_bars_path(s, "AAPL", MIN_US, 3 * MIN_US, "a+b/c=");
	ck_assert_ptr_nonnull(strstr(path, "&page_token=a%2Bb%2Fc%3D"));
	g_free(path);
	char *auth = paper__alpaca_auth("K\"1", "S\\2");
	ck_assert_str_eq(auth, "{\"action\":\"auth\",\"key\":\"K\\\"1\",\"secret\":\"S\\\\2\"}");
	paper__feed_wipe(auth);
	char *sub = paper__alpaca_subscribe(s);
	ck_assert_str_eq(sub, "{\"action\":\"subscribe\",\"bars\":[\"AAPL\"],\"quotes\":[\"AAPL\"]}");
	g_free(sub);
	paper__feed_spec_free(s);
}
END_TEST

START_TEST(poll_messages)
{
	feed_spec *s = spec_ok("http-poll:http://h/p#price=$.data[1].p&time=$.data[1].t&symbol=X", NULL);
	const char *body = "{\"data\":[{},{\"p\":\"12.5\",\"t\":1700000000123}]}";
	ck_assert_int_eq(paper__poll_parse(s, S(body), 9, &P), PAPER_OK);
	ck_assert_double_eq(msg(0)->last, 12.5);
	ck_assert_int_eq(msg(0)->ts, INT64_C(1700000000123000));
	paper__feed_parsed_reset(&P);
	ck_assert_int_eq(paper__poll_parse(s, S("{\"data\":[{}]}"), 9, &P), PAPER_EFORMAT);
	ck_assert_ptr_nonnull(strstr(P.error, "missing"));
	paper__feed_parsed_reset(&P);
	ck_assert_int_eq(paper__poll_parse(s, S("<html>"), 9, &P), PAPER_EFORMAT);
	paper__feed_spec_free(s);
	s = spec_ok("http-poll:http://h/p#price=$.p&symbol=X", NULL);
	paper__feed_parsed_reset(&P);
	ck_assert_int_eq(paper__poll_parse(s, S("{\"p\":7}"), 9, &P), PAPER_OK);
	ck_assert_int_eq(msg(0)->ts, 9);
	ck_assert_uint_eq(msg(0)->flags, PAPER_FEED_FLAG_RECV_TIME);
	paper__feed_spec_free(s);
}
END_TEST

/*
 * A time in another unit than the venue documents, or past year 9999, is refused: never
 * multiplied past int64 (undefined) nor forwarded as a date the broker refuses. Found by the
 * feed fuzz target: Binance's microsecond times read as milliseconds.
 */
START_TEST(times_out_of_range_refused)
{
	static const char *const binance[] = {
		"{\"e\":\"trade\",\"s\":\"BTCUSDT\",\"t\":1,\"p\":\"9\",\"q\":\"1\","
		"\"T\":1735689600000123}",
		"{\"e\":\"trade\",\"s\":\"BTCUSDT\",\"t\":1,\"p\":\"9\",\"q\":\"1\","
		"\"T\":9223372036854775807}",
		"{\"u\":1,\"s\":\"BNBUSDT\",\"b\":\"25\",\"a\":\"26\",\"E\":253402300800000}",
		"{\"e\":\"kline\",\"s\":\"A\",\"k\":{\"t\":9223372036854775000,"
		"\"T\":9223372036854775807,\"s\":\"A\",\"o\":\"1\",\"h\":\"1\",\"l\":\"1\","
		"\"c\":\"1\",\"v\":\"1\",\"x\":true}}",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(binance); i++) {
		paper__feed_parsed_reset(&P);
		tu_require(paper__binance_parse(S(binance[i]), 5, &P) == PAPER_EFORMAT &&
				   P.msgs->len == 0, "'%s' read", binance[i]);
	}
	paper__feed_parsed_reset(&P);
	ck_assert_int_eq(paper__binance_klines_parse(S("[[1735689600000000,\"1\",\"2\",\"0.5\","
						       "\"1.5\",\"10\",1735689659999999]]"),
						     "BTCUSDT", MIN_US, 1, &P), PAPER_EFORMAT);
	paper__feed_parsed_reset(&P);
	ck_assert_int_eq(paper__coinbase_candles_parse(S("[[549755813888,1,2,1,1,1]]"), "BTC-USD",
						       MIN_US, 1, &P), PAPER_EFORMAT);
	paper__feed_parsed_reset(&P);
	ck_assert_int_eq(paper__alpaca_parse(S("[{\"T\":\"t\",\"S\":\"AAPL\",\"i\":1,\"p\":1,"
					       "\"s\":1,\"t\":\"9999-12-31T23:59:59-05:00\"}]"),
					     5, &P), PAPER_EFORMAT);
	ck_assert_uint_eq(P.msgs->len, 0);
	/* The last microsecond of the range is still a time. */
	paper__feed_parsed_reset(&P);
	ck_assert_int_eq(paper__binance_parse(S("{\"e\":\"trade\",\"s\":\"BTCUSDT\",\"t\":1,"
						"\"p\":\"9\",\"q\":\"1\",\"T\":253402300799999}"),
					      5, &P), PAPER_OK);
	ck_assert_int_eq(msg(0)->ts, INT64_C(253402300799999000));
}
END_TEST

/* Random mutations of valid frames: nothing crashes, leaks or reads out of bounds (ASan). */
START_TEST(parsers_survive_hostile_bytes)
{
	static const char *const seeds[] = {
		"{\"type\":\"ticker\",\"sequence\":1,\"product_id\":\"BTC-USD\",\"price\":\"1.5\","
		"\"best_bid\":\"1.4\",\"best_ask\":\"1.6\",\"time\":\"2022-10-19T23:28:22.061769Z\"}",
		"{\"stream\":\"x\",\"data\":{\"e\":\"kline\",\"s\":\"A\",\"k\":{\"t\":1,\"T\":60000,"
		"\"s\":\"A\",\"o\":\"1\",\"c\":\"1\",\"h\":\"1\",\"l\":\"1\",\"v\":\"1\",\"x\":true}}}",
		"[{\"T\":\"b\",\"S\":\"SPY\",\"o\":1,\"h\":1,\"l\":1,\"c\":1,\"v\":1,\"t\":"
		"\"2021-02-22T19:15:00Z\"}]",
		"{\"p\":{\"q\":[1,2,{\"r\":\"3\"}]},\"t\":\"2021-02-22T19:15:00Z\"}",
	};
	feed_spec *s = spec_ok("http-poll:http://h/p#price=$.p.q[2].r&time=$.t&symbol=X", NULL);
	uint64_t n = 0;
	for (int round = 0; round < 4000; round++) {
		const char *seed = seeds[round % G_N_ELEMENTS(seeds)];
		char *b = g_strdup(seed);
		size_t len = strlen(b);
		int edits = 1 + (int)(rng_mix(++n) % 4);
		for (int e = 0; e < edits; e++) {
			size_t at = rng_mix(++n) % len;
			b[at] = (char)(rng_mix(++n) & 0xff);
		}
		if (rng_mix(++n) % 3 == 0)
			len = rng_mix(++n) % len; /* truncated */
		paper__feed_parsed_reset(&P);
		paper__coinbase_parse(b, len, 1, &P);
		paper__binance_parse(b, len, 1, &P);
		paper__alpaca_parse(b, len, 1, &P);
		paper__poll_parse(s, b, len, 1, &P);
		paper__coinbase_candles_parse(b, len, "X", MIN_US, 1, &P);
		paper__binance_klines_parse(b, len, "X", MIN_US, 1, &P);
		char *next = NULL;
		paper__alpaca_bars_parse(b, len, "X", MIN_US, 1, &P, &next);
		g_free(next);
		g_free(b);
	}
	paper__feed_spec_free(s);
}
END_TEST

/* ---- tracking ---- */

typedef struct sink {
	GArray *out;
	int requests;
	char symbol[32];
	paper_ts from, to;
} sink;

static void sink_emit(void *ctx, const paper_feed_msg *m)
{
	g_array_append_val(((sink *)ctx)->out, *m);
}

static void sink_backfill(void *ctx, const char *symbol, paper_ts from, paper_ts to)
{
	sink *k = ctx;
	k->requests++;
	g_strlcpy(k->symbol, symbol, sizeof k->symbol);
	k->from = from;
	k->to = to;
}

static feed_track *tracker(const feed_spec *s, sink *k, bool backfill)
{
	memset(k, 0, sizeof *k);
	k->out = g_array_new(FALSE, TRUE, sizeof(paper_feed_msg));
	track_out o = { sink_emit, sink_backfill, k };
	return paper__track_new(s, backfill, &o);
}

static paper_feed_msg mk(paper_feed_msg_type type, const char *symbol, paper_ts ts, uint64_t seq,
			 double price)
{
	paper_feed_msg m = PAPER_FEED_MSG_INIT;
	m.type = type;
	g_strlcpy(m.symbol, symbol, sizeof m.symbol);
	m.ts = ts;
	m.seq = seq;
	m.last = m.open = m.high = m.low = m.close = price;
	m.size = 1;
	m.interval = MIN_US;
	return m;
}

static const paper_feed_msg *out(const sink *k, guint i)
{
	tu_require(i < k->out->len, "emitted %u, wanted #%u", k->out->len, i);
	return &g_array_index(k->out, paper_feed_msg, i);
}

START_TEST(track_quotes_and_trades)
{
	feed_spec *s = spec_ok("coinbase:BTC-USD?bars=none", NULL);
	sink k;
	feed_track *t = tracker(s, &k, true);
	paper_feed_msg q = mk(PAPER_FEED_QUOTE, "BTC-USD", T0, 100, 10);
	paper__track_msg(t, &q, T0);
	paper__track_msg(t, &q, T0); /* the same sequence: a duplicate */
	q.seq = 90;
	q.ts = T0 + 1;
	paper__track_msg(t, &q, T0); /* an older sequence: out of order */
	q.seq = 130; /* a jump: the ticker's sequence counts the whole feed, not a gap */
	paper__track_msg(t, &q, T0);
	/* Without an id: the same time and prices again is the same quote (a polled endpoint
	 * with nothing new); a new price at the same time is not. */
	paper_feed_msg p = mk(PAPER_FEED_QUOTE, "BTC-USD", T0 + 5, 0, 11);
	paper__track_msg(t, &p, T0);
	paper__track_msg(t, &p, T0);
	p.last = 12;
	paper__track_msg(t, &p, T0);
	paper_feed_msg other = mk(PAPER_FEED_QUOTE, "ETH-USD", T0, 1, 5);
	paper__track_msg(t, &other, T0); /* not subscribed */
	const track_stats *st = paper__track_stats(t);
	ck_assert_uint_eq(k.out->len, 4);
	ck_assert_uint_eq(st->duplicates, 2);
	ck_assert_uint_eq(st->out_of_order, 1);
	ck_assert_uint_eq(st->gaps, 0);

	paper_feed_msg tr = mk(PAPER_FEED_TRADE, "BTC-USD", T0, 10, 10);
	paper__track_msg(t, &tr, T0);
	tr.seq = 11;
	paper__track_msg(t, &tr, T0);
	tr.seq = 15; /* trade ids are consecutive: 12..14 were lost */
	paper__track_msg(t, &tr, T0);
	tr.seq = 15;
	paper__track_msg(t, &tr, T0); /* last_match after a reconnect: seen already */
	ck_assert_uint_eq(st->gaps, 1);
	ck_assert_uint_eq(st->duplicates, 3);
	ck_assert_uint_eq(k.out->len, 7);
	ck_assert_int_eq(k.requests, 0); /* no bars asked for: nothing to refill */
	paper__track_free(t);
	g_array_free(k.out, TRUE);
	paper__feed_spec_free(s);
}
END_TEST

/* Coinbase: bars built from matches; a trade-id gap taints them and REST refills them. */
START_TEST(track_built_bars_and_gap_backfill)
{
	feed_spec *s = spec_ok("coinbase:BTC-USD?channels=matches", NULL);
	sink k;
	feed_track *t = tracker(s, &k, true);
	paper_ts m0 = T0 - T0 % MIN_US;
	uint64_t id = 1;
	for (int i = 0; i < 6; i++) { /* minute 0: 10, 11, 12 ...; minute 1 closes minute 0 */
		paper_feed_msg tr = mk(PAPER_FEED_TRADE, "BTC-USD", m0 + i * 20 * PAPER_TS_PER_SECOND,
				       id++, 10 + i);
		paper__track_msg(t, &tr, 0);
	}
	/* trades 6, 7 ended up in minute 2 and were lost; trade 9 comes in minute 2 */
	id += 2;
	paper_feed_msg tr = mk(PAPER_FEED_TRADE, "BTC-USD", m0 + 2 * MIN_US + 5, id++, 30);
	paper__track_msg(t, &tr, 0);
	ck_assert_uint_eq(paper__track_stats(t)->gaps, 1);
	guint bars = 0;
	for (guint i = 0; i < k.out->len; i++)
		bars += out(&k, i)->type == PAPER_FEED_BAR;
	ck_assert_uint_eq(bars, 1); /* minute 0, closed by minute 1's first trade */
	/* minute 1 was tainted by the gap: nothing built for it; minute 2 too. A heartbeat of
	 * minute 3 (+ the grace) closes minute 2, and the refill is asked for. */
	paper_feed_msg hb = mk((paper_feed_msg_type)FEED_HEARTBEAT, "BTC-USD",
			       m0 + 3 * MIN_US + TRACK_BAR_GRACE_US, 0, 0);
	paper__track_msg(t, &hb, 0);
	ck_assert_int_eq(k.requests, 1);
	ck_assert_int_eq(k.from, m0 + MIN_US);
	ck_assert_int_eq(k.to, m0 + 3 * MIN_US);
	/* The venue answers with minutes 0..3 (more than asked): only 1 and 2 go out. */
	paper_feed_msg fill[4];
	for (int i = 0; i < 4; i++) {
		fill[i] = mk(PAPER_FEED_BAR, "BTC-USD", m0 + i * MIN_US, 0, 50 + i);
		fill[i].flags = PAPER_FEED_FLAG_BACKFILL;
	}
	guint before = k.out->len;
	paper__track_backfill_done(t, "BTC-USD", fill, 4, true, m0 + 10 * MIN_US);
	ck_assert_uint_eq(k.out->len, before + 2);
	ck_assert_int_eq(out(&k, before)->ts, m0 + MIN_US);
	ck_assert_int_eq(out(&k, before + 1)->ts, m0 + 2 * MIN_US);
	ck_assert_uint_eq(out(&k, before + 1)->flags, PAPER_FEED_FLAG_BACKFILL);
	ck_assert_uint_eq(paper__track_stats(t)->backfilled, 2);
	paper__track_free(t);
	g_array_free(k.out, TRUE);
	paper__feed_spec_free(s);
}
END_TEST

/* Binance: a missing kline is a gap; later bars wait for the refill, then all in order. */
START_TEST(track_dense_bars_hold_for_backfill)
{
	feed_spec *s = spec_ok("binance:btcusdt@1m", NULL);
	sink k;
	feed_track *t = tracker(s, &k, true);
	paper_ts m0 = T0 - T0 % MIN_US;
	paper_feed_msg b = mk(PAPER_FEED_BAR, "BTCUSDT", m0, 0, 1);
	paper__track_msg(t, &b, 0);
	b.ts = m0 + 3 * MIN_US; /* minutes 1 and 2 never came */
	paper__track_msg(t, &b, 0);
	b.ts = m0 + 4 * MIN_US;
	paper__track_msg(t, &b, 0);
	b.ts = m0 + 4 * MIN_US;
	paper__track_msg(t, &b, 0); /* a duplicate while waiting */
	ck_assert_uint_eq(k.out->len, 1);
	ck_assert_int_eq(k.requests, 1);
	ck_assert_int_eq(k.from, m0 + MIN_US);
	ck_assert_int_eq(k.to, m0 + 3 * MIN_US);
	paper_feed_msg fill[2] = { mk(PAPER_FEED_BAR, "BTCUSDT", m0 + MIN_US, 0, 2),
				   mk(PAPER_FEED_BAR, "BTCUSDT", m0 + 2 * MIN_US, 0, 3) };
	paper__track_backfill_done(t, "BTCUSDT", fill, 2, true, m0 + 10 * MIN_US);
	ck_assert_uint_eq(k.out->len, 5);
	for (guint i = 0; i < 5; i++)
		ck_assert_int_eq(out(&k, i)->ts, m0 + (paper_ts)i * MIN_US);
	ck_assert_uint_eq(paper__track_stats(t)->duplicates, 1);

	/* A refill that fails: the waiting bars still go out (the gap stays counted). */
	b.ts = m0 + 9 * MIN_US;
	paper__track_msg(t, &b, 0);
	ck_assert_int_eq(k.requests, 2);
	paper__track_backfill_done(t, "BTCUSDT", NULL, 0, false, m0 + 10 * MIN_US);
	ck_assert_int_eq(out(&k, k.out->len - 1)->ts, m0 + 9 * MIN_US);
	ck_assert_uint_eq(paper__track_stats(t)->gaps, 2);
	/* A bar still forming (its end after now) is never delivered from REST. */
	b.ts = m0 + 12 * MIN_US;
	paper__track_msg(t, &b, 0);
	paper_feed_msg forming = mk(PAPER_FEED_BAR, "BTCUSDT", m0 + 10 * MIN_US, 0, 9);
	paper__track_backfill_done(t, "BTCUSDT", &forming, 1, true, m0 + 10 * MIN_US + 1);
	ck_assert_int_eq(out(&k, k.out->len - 2)->ts, m0 + 9 * MIN_US);
	ck_assert_int_eq(out(&k, k.out->len - 1)->ts, m0 + 12 * MIN_US);
	paper__track_free(t);
	g_array_free(k.out, TRUE);
	paper__feed_spec_free(s);
}
END_TEST

/* Alpaca's bars are sparse: only a reconnect says bars may have been missed. */
START_TEST(track_sparse_bars_reconnect)
{
	feed_spec *s = spec_ok("alpaca:AAPL?data=bars", NULL);
	sink k;
	feed_track *t = tracker(s, &k, true);
	paper_ts m0 = T0 - T0 % MIN_US;
	paper_feed_msg b = mk(PAPER_FEED_BAR, "AAPL", m0, 0, 1);
	paper__track_msg(t, &b, 0);
	b.ts = m0 + 5 * MIN_US; /* four quiet minutes: not a gap */
	paper__track_msg(t, &b, 0);
	ck_assert_uint_eq(paper__track_stats(t)->gaps, 0);
	ck_assert_int_eq(k.requests, 0);
	paper__track_reconnected(t, m0 + 9 * MIN_US + 30 * PAPER_TS_PER_SECOND);
	ck_assert_int_eq(k.requests, 1);
	ck_assert_int_eq(k.from, m0 + 6 * MIN_US);
	ck_assert_int_eq(k.to, m0 + 9 * MIN_US);
	paper__track_free(t);
	g_array_free(k.out, TRUE);
	paper__feed_spec_free(s);
}
END_TEST

START_TEST(backoff_delays)
{
	uint32_t again[8];
	for (unsigned n = 0; n < 8; n++) {
		uint32_t step = MIN(500u << n, 30000u);
		uint32_t d = paper__backoff_ms(500, 30000, n, 42, n);
		tu_require(d >= step / 2 && d <= step, "attempt %u: %u not in [%u, %u]", n, d,
			   step / 2, step);
		again[n] = d;
	}
	for (unsigned n = 0; n < 8; n++) /* the same seed: the same delays */
		ck_assert_uint_eq(paper__backoff_ms(500, 30000, n, 42, n), again[n]);
	ck_assert_uint_le(paper__backoff_ms(500, 30000, 1000, 42, 9), 30000);
	bool differ = false;
	for (unsigned n = 0; n < 8; n++)
		differ |= paper__backoff_ms(500, 30000, n, 43, n) != again[n];
	ck_assert(differ); /* another seed: other jitter */
}
END_TEST

START_TEST(queue_counts_what_it_drops)
{
	feed_queue q;
	ck_assert_int_eq(paper__queue_init(&q, 4), PAPER_OK);
	paper_feed_msg m = PAPER_FEED_MSG_INIT, got[8];
	bool closed = false;
	char byte[8];
	ck_assert_int_eq(read(q.efd, byte, sizeof byte), -1); /* empty: not readable */
	for (int i = 0; i < 6; i++) {
		m.seq = (uint64_t)i;
		ck_assert(paper__queue_push(&q, &m) == (i < 4));
	}
	ck_assert_uint_eq(q.dropped, 2);
	ck_assert_uint_eq(paper__queue_pop(&q, got, 3, 0, &closed), 3);
	ck_assert_uint_eq(got[2].seq, 2);
	ck_assert_uint_eq(paper__queue_pop(&q, got, 8, 10, &closed), 1);
	ck_assert_uint_eq(paper__queue_pop(&q, got, 8, 10, &closed), 0); /* timed out */
	ck_assert(!closed);
	paper__queue_close(&q);
	ck_assert_uint_eq(paper__queue_pop(&q, got, 8, -1, &closed), 0);
	ck_assert(closed);
	paper__queue_clear(&q);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("feed-parse");
	TCase *tc = tcase_create("feed-parse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, sources_parse);
	tcase_add_test(tc, sources_refused);
	tcase_add_test(tc, trading_endpoints_refused);
	tcase_add_test(tc, times_parse);
	tcase_add_test(tc, coinbase_messages);
	tcase_add_test(tc, coinbase_candles);
	tcase_add_test(tc, binance_messages);
	tcase_add_test(tc, alpaca_messages);
	tcase_add_test(tc, poll_messages);
	tcase_add_test(tc, times_out_of_range_refused);
	tcase_add_test(tc, parsers_survive_hostile_bytes);
	tcase_add_test(tc, track_quotes_and_trades);
	tcase_add_test(tc, track_built_bars_and_gap_backfill);
	tcase_add_test(tc, track_dense_bars_hold_for_backfill);
	tcase_add_test(tc, track_sparse_bars_reconnect);
	tcase_add_test(tc, backoff_delays);
	tcase_add_test(tc, queue_counts_what_it_drops);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
