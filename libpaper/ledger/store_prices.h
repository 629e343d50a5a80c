/*
 * Private: the statements of the prices and feed_health tables (schema 2), kept apart from
 * the log's (store_rows.c lists them by these names; store_prices.c binds and reads them).
 */
#ifndef PAPER_PRIV_STORE_PRICES_H
#define PAPER_PRIV_STORE_PRICES_H

#define STORE_PRICE_COLS                                                                       \
	"event_seq, applied_ts, ts, recv_ts, symbol, kind, price_e8, bid_e8, ask_e8, open_e8, " \
	"high_e8, low_e8, close_e8, volume_e8, interval_us, flags, source"
#define STORE_HEALTH_COLS                                                                      \
	"source, venue, state, connected, last_msg_ts, last_data_ts, frames, messages, "        \
	"reconnects, gaps, backfilled_bars, duplicates, out_of_order, bad_messages, dropped, "   \
	"queue_high, clock_skew_ms, last_error_code, last_error, written_ts"

#define STORE_SQL_PUT_PRICE                                                                    \
	"INSERT INTO prices (account, " STORE_PRICE_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, " \
	"?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define STORE_SQL_EACH_PRICE \
	"SELECT " STORE_PRICE_COLS " FROM prices WHERE account = ? ORDER BY id"
#define STORE_SQL_PUT_FEED_HEALTH                                                              \
	"INSERT INTO feed_health (account, " STORE_HEALTH_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, " \
	"?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account, source) DO UPDATE SET " \
	"venue = excluded.venue, state = excluded.state, connected = excluded.connected, "      \
	"last_msg_ts = excluded.last_msg_ts, last_data_ts = excluded.last_data_ts, "            \
	"frames = excluded.frames, messages = excluded.messages, "                              \
	"reconnects = excluded.reconnects, gaps = excluded.gaps, "                              \
	"backfilled_bars = excluded.backfilled_bars, duplicates = excluded.duplicates, "        \
	"out_of_order = excluded.out_of_order, bad_messages = excluded.bad_messages, "          \
	"dropped = excluded.dropped, queue_high = excluded.queue_high, "                        \
	"clock_skew_ms = excluded.clock_skew_ms, last_error_code = excluded.last_error_code, "  \
	"last_error = excluded.last_error, written_ts = excluded.written_ts"
#define STORE_SQL_EACH_FEED_HEALTH \
	"SELECT " STORE_HEALTH_COLS " FROM feed_health WHERE account = ? ORDER BY source"

#endif
