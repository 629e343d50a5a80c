/*
 * libpaper - live market data feeds (market data only: a feed never sends an order).
 *
 * A paper_feed connects to one venue, subscribes to market data for some symbols and turns
 * what arrives into quotes, trades and closed bars the caller takes with paper_feed_poll() and
 * hands to a broker itself (paper_broker_on_quote(), paper_session_on_bar(), ...): the feed
 * never touches a broker. The network runs in a thread of the feed's own; the caller's thread
 * only dequeues, so a slow network never blocks it and a slow caller never blocks the network
 * (the queue is bounded; see paper_feed_options.queue_capacity).
 *
 * Sources (docs/feeds.md has the full grammar):
 *   coinbase:BTC-USD,ETH-USD        Exchange WebSocket ticker + matches (trades, 1m bars),
 *                                   REST candles to backfill gaps
 *   binance:btcusdt,ethusdt@1m      <symbol>@kline_<interval> and @bookTicker, REST klines
 *   alpaca:AAPL,MSFT                market-data WebSocket v2 (IEX); keys from the environment
 *                                   (APCA_API_KEY_ID, APCA_API_SECRET_KEY), never stored
 *   http-poll:URL#price=$.p&time=$.t&symbol=X&interval=5   any JSON endpoint, polled
 *
 * Faults are handled and counted (paper_feed_health()): reconnects with exponential backoff
 * and seeded jitter, an idle watchdog, sequence gaps backfilled by REST (the bars flagged
 * PAPER_FEED_FLAG_BACKFILL), duplicates dropped, out-of-order messages refused, clock skew
 * measured.
 *
 * Builds without the feature (meson -Dfeeds=disabled) have these functions, but
 * paper_feed_open() returns PAPER_EUNSUPPORTED.
 *
 * Ownership: a feed returned through **out belongs to the caller (paper_feed_close()).
 * Thread-safety: paper_feed_poll*() and paper_feed_health() may be called from any one
 * thread at a time per feed; distinct feeds are independent.
 * Structs carry a version: initialise them with their *_INIT macro before a call.
 */
#ifndef PAPER_FEED_H
#define PAPER_FEED_H

#include "common.h"
#include "types.h"

PAPER_BEGIN_DECLS

/** Opaque feed handle. */
typedef struct paper_feed paper_feed;

/** What a message carries. Values are pinned; new ones are only appended. */
typedef enum paper_feed_msg_type {
	PAPER_FEED_QUOTE = 1,  /**< best bid / ask, and the last trade price when the venue says */
	PAPER_FEED_TRADE = 2,  /**< one trade: last (price) and size */
	PAPER_FEED_BAR = 3,    /**< a closed OHLCV bar, stamped with its open time */
	PAPER_FEED_STATUS = 4, /**< the connection changed (state, text); no price */
} paper_feed_msg_type;

/** The state of a feed's connection. */
typedef enum paper_feed_state {
	PAPER_FEED_CONNECTING = 1,   /**< first connection under way */
	PAPER_FEED_UP = 2,           /**< subscribed; data flows */
	PAPER_FEED_RECONNECTING = 3, /**< lost; a new connection after a backoff delay */
	PAPER_FEED_FAILED = 4,       /**< given up: an error that retrying cannot mend (bad key...) */
	PAPER_FEED_STOPPED = 5,      /**< closed by paper_feed_close() */
} paper_feed_state;

/** Message flags (bit set). */
#define PAPER_FEED_FLAG_BACKFILL 0x1u  /**< a bar fetched by REST to fill a gap */
#define PAPER_FEED_FLAG_RECV_TIME 0x2u /**< the venue gave no time: ts is the receive time */

/** Longest text of a STATUS message and of health errors, without the NUL. */
#define PAPER_FEED_TEXT_MAX 191

/** One message. Fields that do not apply to the type are zero. */
typedef struct paper_feed_msg {
	unsigned int version;         /**< PAPER_FEED_MSG_VERSION */
	paper_feed_msg_type type;
	char symbol[PAPER_SYMBOL_MAX + 1]; /**< as the venue spells it: BTC-USD, BTCUSDT, AAPL */
	paper_ts ts;                  /**< venue time: of the quote or trade; a bar's open */
	paper_ts recv_ts;             /**< wall clock (UTC) when it arrived here */
	double bid, ask;              /**< QUOTE: best bid and ask; 0 when unknown */
	double last;                  /**< QUOTE: last trade price (0 unknown); TRADE: its price */
	double size;                  /**< TRADE: quantity */
	double open, high, low, close, volume; /**< BAR */
	paper_ts interval;            /**< BAR: its length in microseconds */
	uint64_t seq;                 /**< the venue's trade id or update id; 0 when none */
	uint32_t flags;               /**< PAPER_FEED_FLAG_* */
	paper_feed_state state;       /**< STATUS: the state now */
	char text[PAPER_FEED_TEXT_MAX + 1]; /**< STATUS: what happened */
} paper_feed_msg;

#define PAPER_FEED_MSG_VERSION 1
#define PAPER_FEED_MSG_INIT { .version = PAPER_FEED_MSG_VERSION }

/** How to run a feed. Initialise with PAPER_FEED_OPTIONS_INIT; NULL means these defaults. */
typedef struct paper_feed_options {
	unsigned int version;        /**< PAPER_FEED_OPTIONS_VERSION */
	/** Replace the venue's streaming endpoint (ws://, wss://; http(s):// for http-poll), for a
	 *  proxy or a test venue. Checked by the paper-only rules: a trading API is refused. */
	const char *url;
	/** Replace the venue's REST base used for backfill (http:// or https://). */
	const char *rest_url;
	uint32_t queue_capacity;     /**< messages held for the caller, 16 .. 1048576 (16384) */
	uint32_t connect_timeout_ms; /**< handshake, subscription and REST deadline (10000) */
	uint32_t idle_timeout_ms;    /**< no frame for this long: reconnect (0: the venue's) */
	uint32_t backoff_base_ms;    /**< first reconnect delay step (500) */
	uint32_t backoff_cap_ms;     /**< longest delay step (30000) */
	uint64_t seed;               /**< seed of the reconnect jitter (1): same seed, same delays */
	uint32_t backfill_minutes;   /**< at the first connection, bars of the last N minutes (0) */
	uint32_t max_attempts;       /**< failed connections in a row before FAILED (0: no limit) */
} paper_feed_options;

#define PAPER_FEED_OPTIONS_VERSION 1
#define PAPER_FEED_OPTIONS_INIT                                                            \
	{ .version = PAPER_FEED_OPTIONS_VERSION, .url = NULL, .rest_url = NULL,             \
	  .queue_capacity = 16384, .connect_timeout_ms = 10000, .idle_timeout_ms = 0,       \
	  .backoff_base_ms = 500, .backoff_cap_ms = 30000, .seed = 1, .backfill_minutes = 0, \
	  .max_attempts = 0 }

/** A feed's health: its state and counters since it was opened. */
typedef struct paper_feed_health_info {
	unsigned int version;      /**< PAPER_FEED_HEALTH_INFO_VERSION */
	paper_feed_state state;
	bool connected;            /**< a connection is up and subscribed (http-poll: last poll ok) */
	char venue[16];            /**< "coinbase", "binance", "alpaca", "http-poll" */
	char source[128];          /**< the source, shortened; never a key, secret or URL query */
	paper_ts last_msg_ts;      /**< wall clock of the last frame or response; 0: none yet */
	double last_msg_age_s;     /**< seconds since then; negative when none */
	paper_ts last_data_ts;     /**< venue time of the newest price delivered; 0: none */
	uint64_t frames;           /**< frames and REST responses received */
	uint64_t messages;         /**< quotes, trades and bars queued for the caller */
	uint64_t reconnects;       /**< connections made after the first */
	uint64_t gaps;             /**< sequence or time gaps detected */
	uint64_t backfilled_bars;  /**< bars delivered from REST backfill */
	uint64_t duplicates;       /**< messages dropped as already delivered */
	uint64_t out_of_order;     /**< messages refused as older than one already delivered */
	uint64_t bad_messages;     /**< frames that could not be read (garbage, unknown shape) */
	uint64_t dropped;          /**< messages lost because the queue was full */
	uint64_t queued;           /**< messages waiting in the queue now */
	uint64_t queue_high;       /**< most messages ever waiting */
	double clock_skew_ms;      /**< median of (receive time - venue time) of recent messages */
	int last_error_code;       /**< PAPER_E* of the last connection error; 0 none */
	char last_error[PAPER_FEED_TEXT_MAX + 1]; /**< its text; "" none */
} paper_feed_health_info;

#define PAPER_FEED_HEALTH_INFO_VERSION 1
#define PAPER_FEED_HEALTH_INFO_INIT { .version = PAPER_FEED_HEALTH_INFO_VERSION }

/**
 * Fill opts with the defaults of PAPER_FEED_OPTIONS_INIT for that version.
 * @return PAPER_OK, PAPER_EINVAL (NULL), PAPER_EVERSION.
 * @since 1.1
 */
PAPER_API int paper_feed_options_init(paper_feed_options *opts, unsigned int version);

/**
 * Check a source string and options without connecting: the grammar, the symbols, the
 * endpoints against the paper-only rules (a broker's trading API is refused). Works in every
 * build.
 * @return PAPER_OK; PAPER_ECONFIG (the message names the problem); PAPER_ESAFETY (a trading
 *         endpoint); PAPER_EINVAL (NULL source); PAPER_EVERSION.
 * @since 1.1
 */
PAPER_API int paper_feed_check(const char *source, const paper_feed_options *opts);

/**
 * Open a feed and start connecting in its own thread. Messages arrive with paper_feed_poll().
 * @param out receives the feed, owned by the caller (paper_feed_close()).
 * @param source the source string (see above).
 * @param opts NULL for the defaults.
 * @return PAPER_OK; as paper_feed_check(); PAPER_ECONFIG also for alpaca keys missing from the
 *         environment; PAPER_EUNSUPPORTED (a build without feeds); PAPER_ENOMEM.
 * @since 1.1
 */
PAPER_API int paper_feed_open(paper_feed **out, const char *source, const paper_feed_options *opts);

/**
 * Take the next message, waiting up to timeout_ms for one (0: do not wait; negative: wait as
 * long as it takes).
 * @param out receives it; its version must be set (PAPER_FEED_MSG_INIT).
 * @return PAPER_OK (a message); PAPER_ENODATA (none within the timeout); PAPER_ESTATE (the feed
 *         has failed or stopped and nothing is left); PAPER_EINVAL; PAPER_EVERSION.
 * @since 1.1
 */
PAPER_API int paper_feed_poll(paper_feed *f, paper_feed_msg *out, int timeout_ms);

/**
 * Take up to cap messages at once (cheaper per message than paper_feed_poll()), waiting up to
 * timeout_ms for the first. Every out[i].version must be set.
 * @param n receives the number taken.
 * @return as paper_feed_poll().
 * @since 1.1
 */
PAPER_API int paper_feed_poll_many(paper_feed *f, paper_feed_msg *out, size_t cap, size_t *n,
				   int timeout_ms);

/**
 * A file descriptor that is readable while messages wait, for the caller's own poll() or main
 * loop. Owned by the feed: do not read or close it.
 * @return the descriptor, or -1 for NULL.
 * @since 1.1
 */
PAPER_API int paper_feed_fd(const paper_feed *f);

/**
 * The feed's state and counters now.
 * @param out receives them; its version must be set (PAPER_FEED_HEALTH_INFO_INIT).
 * @return PAPER_OK, PAPER_EINVAL, PAPER_EVERSION.
 * @since 1.1
 */
PAPER_API int paper_feed_health(const paper_feed *f, paper_feed_health_info *out);

/**
 * Stop the feed: the connection is closed, the thread joined, queued messages discarded.
 * NULL is a harmless no-op.
 * @since 1.1
 */
PAPER_API void paper_feed_close(paper_feed *f);

/** Static lower-case names ("quote", "bar", "reconnecting", ...); "unknown" if invalid. */
PAPER_API const char *paper_feed_msg_type_str(paper_feed_msg_type type);
PAPER_API const char *paper_feed_state_str(paper_feed_state state);

PAPER_END_DECLS

#endif /* PAPER_FEED_H */
