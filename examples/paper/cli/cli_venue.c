/*
 * Live feeds for the paper sub-commands: the shared --feed options, opening the feeds, and
 * messages and health as text and JSON. Only the public feed API (paper/feed.h).
 */
#include "cli/cli_venue.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
	VN_FEED = CLI_VENUE_BASE, VN_URL, VN_REST, VN_BACKFILL, VN_CONNECT_TIMEOUT, VN_IDLE,
	VN_BACKOFF, VN_SEED, VN_ATTEMPTS, VN_QUEUE,
};

const cli_opt cli_venue_opts[] = {
	{ "--feed", "SOURCE", false, VN_FEED, "a live feed: coinbase:BTC-USD,ETH-USD, binance:btcusdt, "
	  "alpaca:AAPL, http-poll:URL#price=$.p (repeatable; docs/feeds.md)" },
	{ "--feed-url", "URL", false, VN_URL, "replace the endpoint of the --feed before it (a proxy, a "
	  "test venue); trading APIs are refused" },
	{ "--rest-url", "URL", false, VN_REST, "replace the REST base of the --feed before it (backfill)" },
	{ "--backfill", "MINUTES", false, VN_BACKFILL, "at the first connection, fetch the bars of the "
	  "last MINUTES (default 0)" },
	{ "--connect-timeout", "MS", false, VN_CONNECT_TIMEOUT, "handshake, subscription and REST "
	  "deadline (default 10000)" },
	{ "--idle-timeout", "MS", false, VN_IDLE, "reconnect when nothing arrives for MS (default: the "
	  "venue's)" },
	{ "--backoff", "BASE,CAP", false, VN_BACKOFF, "reconnect delay steps in ms (default 500,30000)" },
	{ "--seed", "N", false, VN_SEED, "seed of the reconnect jitter (default 1)" },
	{ "--max-attempts", "N", false, VN_ATTEMPTS, "failed connections in a row before giving up "
	  "(default 0: never)" },
	{ "--queue", "N", false, VN_QUEUE, "messages a feed holds for this program (default 16384)" },
	{ NULL, NULL, false, 0, NULL },
};

void cli_venues_init(cli_venues *v)
{
	memset(v, 0, sizeof *v);
	paper_feed_options_init(&v->opts, PAPER_FEED_OPTIONS_VERSION);
}

static bool whole(const char *cmd, const char *opt, const char *text, double lo, double hi,
		  double *out)
{
	if (!cli_number(cmd, opt, text, out))
		return false;
	if (*out < lo || *out > hi || *out != floor(*out)) {
		cli_fail(cmd, EXIT_INPUT, "%s: '%s' is not a whole number in [%.0f, %.0f]", opt, text,
			 lo, hi);
		return false;
	}
	return true;
}

static int for_last_feed(cli_venues *v, const char *cmd, const char *opt, const char **slot)
{
	if (v->n == 0)
		return cli_fail(cmd, EXIT_INPUT, "%s applies to the --feed before it: give the --feed "
				"first", opt);
	if (slot[v->n - 1])
		return cli_fail(cmd, EXIT_INPUT, "%s given twice for --feed %s", opt,
				v->source[v->n - 1]);
	return EXIT_OK;
}

static int backoff(cli_venues *v, const char *cmd, const char *value)
{
	char *comma = strchr(value, ',');
	double base = 0, cap = 0;
	char *first = g_strndup(value, comma ? (size_t)(comma - value) : strlen(value));
	bool ok = comma && whole(cmd, "--backoff", first, 1, 3600000, &base) &&
		  whole(cmd, "--backoff", comma + 1, base, 3600000, &cap);
	g_free(first);
	if (!ok)
		return comma ? EXIT_INPUT : cli_fail(cmd, EXIT_INPUT, "--backoff BASE,CAP in ms");
	v->opts.backoff_base_ms = (uint32_t)base;
	v->opts.backoff_cap_ms = (uint32_t)cap;
	return EXIT_OK;
}

int cli_venue_option(cli_venues *v, const char *cmd, int id, const char *value)
{
	double x = 0;
	int code;
	switch (id) {
	case VN_FEED:
		if (v->n == CLI_MAX_FEEDS)
			return cli_fail(cmd, EXIT_INPUT, "at most %d --feed", CLI_MAX_FEEDS);
		v->source[v->n++] = value;
		return EXIT_OK;
	case VN_URL:
		if ((code = for_last_feed(v, cmd, "--feed-url", v->url)) == EXIT_OK)
			v->url[v->n - 1] = value;
		return code;
	case VN_REST:
		if ((code = for_last_feed(v, cmd, "--rest-url", v->rest)) == EXIT_OK)
			v->rest[v->n - 1] = value;
		return code;
	case VN_BACKFILL:
		if (!whole(cmd, "--backfill", value, 0, 10080, &x))
			return EXIT_INPUT;
		v->opts.backfill_minutes = (uint32_t)x;
		return EXIT_OK;
	case VN_CONNECT_TIMEOUT:
		if (!whole(cmd, "--connect-timeout", value, 100, 600000, &x))
			return EXIT_INPUT;
		v->opts.connect_timeout_ms = (uint32_t)x;
		return EXIT_OK;
	case VN_IDLE:
		if (!whole(cmd, "--idle-timeout", value, 100, 3600000, &x))
			return EXIT_INPUT;
		v->opts.idle_timeout_ms = (uint32_t)x;
		return EXIT_OK;
	case VN_BACKOFF:
		return backoff(v, cmd, value);
	case VN_SEED:
		if (!whole(cmd, "--seed", value, 0, 9007199254740992.0, &x))
			return EXIT_INPUT;
		v->opts.seed = (uint64_t)x;
		return EXIT_OK;
	case VN_ATTEMPTS:
		if (!whole(cmd, "--max-attempts", value, 0, 1000000, &x))
			return EXIT_INPUT;
		v->opts.max_attempts = (uint32_t)x;
		return EXIT_OK;
	case VN_QUEUE:
		if (!whole(cmd, "--queue", value, 16, 1048576, &x))
			return EXIT_INPUT;
		v->opts.queue_capacity = (uint32_t)x;
		return EXIT_OK;
	default:
		return -1;
	}
}

int cli_venues_open(cli_venues *v, const char *cmd)
{
	if (v->n == 0)
		return cli_fail(cmd, EXIT_INPUT, "--feed SOURCE is required (docs/feeds.md)");
	for (int i = 0; i < v->n; i++) {
		paper_feed_options o = v->opts;
		o.url = v->url[i];
		o.rest_url = v->rest[i];
		int rc = paper_feed_open(&v->feed[i], v->source[i], &o);
		if (rc != PAPER_OK)
			return cli_fail(cmd, cli_exit_code(rc), "--feed %s: %s", v->source[i],
					paper_last_error());
	}
	return EXIT_OK;
}

void cli_venues_close(cli_venues *v)
{
	for (int i = 0; i < v->n; i++) {
		paper_feed_close(v->feed[i]);
		v->feed[i] = NULL;
	}
}

void cli_venue_msg_print(FILE *out, const paper_feed_msg *m)
{
	char t[CLI_TEXT_MAX], a[CLI_TEXT_MAX], b[CLI_TEXT_MAX], c[CLI_TEXT_MAX], d[CLI_TEXT_MAX];
	char e[CLI_TEXT_MAX];
	cli_iso(t, m->ts);
	switch (m->type) {
	case PAPER_FEED_QUOTE:
		fprintf(out, "QUOTE %s %s bid %s ask %s last %s\n", t, m->symbol, cli_price(a, m->bid),
			cli_price(b, m->ask), cli_price(c, m->last));
		break;
	case PAPER_FEED_TRADE:
		fprintf(out, "TRADE %s %s %s x %s id %llu\n", t, m->symbol, cli_price(a, m->last),
			cli_qty(b, m->size), (unsigned long long)m->seq);
		break;
	case PAPER_FEED_BAR:
		fprintf(out, "BAR %s %s %llds o %s h %s l %s c %s v %s%s\n", t, m->symbol,
			(long long)(m->interval / PAPER_TS_PER_SECOND), cli_price(a, m->open),
			cli_price(b, m->high), cli_price(c, m->low), cli_price(d, m->close),
			cli_qty(e, m->volume), (m->flags & PAPER_FEED_FLAG_BACKFILL) ? " backfill" : "");
		break;
	case PAPER_FEED_STATUS:
		fprintf(out, "STATUS %s %s: %s\n", t, paper_feed_state_str(m->state), m->text);
		break;
	}
}

void cli_venue_msg_json(cli_json *j, const paper_feed_msg *m)
{
	cj_open(j, NULL, '{');
	cj_str(j, "type", paper_feed_msg_type_str(m->type));
	if (m->type != PAPER_FEED_STATUS)
		cj_str(j, "symbol", m->symbol);
	cj_time(j, "ts", m->ts);
	cj_time(j, "recv_ts", m->recv_ts);
	switch (m->type) {
	case PAPER_FEED_QUOTE:
		cj_num(j, "bid", m->bid);
		cj_num(j, "ask", m->ask);
		cj_num(j, "last", m->last);
		break;
	case PAPER_FEED_TRADE:
		cj_num(j, "price", m->last);
		cj_num(j, "size", m->size);
		break;
	case PAPER_FEED_BAR:
		cj_num(j, "open", m->open);
		cj_num(j, "high", m->high);
		cj_num(j, "low", m->low);
		cj_num(j, "close", m->close);
		cj_num(j, "volume", m->volume);
		cj_uint(j, "interval_s", (uint64_t)(m->interval / PAPER_TS_PER_SECOND));
		cj_bool(j, "backfill", (m->flags & PAPER_FEED_FLAG_BACKFILL) != 0);
		break;
	case PAPER_FEED_STATUS:
		cj_str(j, "state", paper_feed_state_str(m->state));
		cj_str(j, "text", m->text);
		break;
	}
	if (m->seq)
		cj_uint(j, "seq", m->seq);
	if (m->flags & PAPER_FEED_FLAG_RECV_TIME)
		cj_bool(j, "receive_time", true);
	cj_close(j, '}');
}

void cli_venue_health_print(FILE *out, const paper_feed_health_info *h)
{
	char t[CLI_TEXT_MAX];
	fprintf(out, "%s: %s%s, last message %s ago, %llu messages, %llu reconnects, %llu gaps, "
		"%llu backfilled bars, %llu duplicates, %llu out of order, %llu bad, %llu dropped, "
		"clock skew %.0f ms%s%s\n",
		h->source, paper_feed_state_str(h->state), h->connected ? " (connected)" : "",
		h->last_msg_age_s < 0 ? "never" : (snprintf(t, sizeof t, "%.1f s", h->last_msg_age_s), t),
		(unsigned long long)h->messages, (unsigned long long)h->reconnects,
		(unsigned long long)h->gaps, (unsigned long long)h->backfilled_bars,
		(unsigned long long)h->duplicates, (unsigned long long)h->out_of_order,
		(unsigned long long)h->bad_messages, (unsigned long long)h->dropped, h->clock_skew_ms,
		h->last_error[0] ? "; last error: " : "", h->last_error);
}

void cli_venue_health_json(cli_json *j, const char *key, const paper_feed_health_info *h)
{
	cj_open(j, key, '{');
	cj_str(j, "source", h->source);
	cj_str(j, "venue", h->venue);
	cj_str(j, "state", paper_feed_state_str(h->state));
	cj_bool(j, "connected", h->connected);
	cj_time(j, "last_message", h->last_msg_ts);
	if (h->last_msg_age_s >= 0)
		cj_num(j, "last_message_age_s", h->last_msg_age_s);
	else
		cj_raw(j, "last_message_age_s", "null");
	cj_time(j, "last_data", h->last_data_ts);
	cj_uint(j, "frames", h->frames);
	cj_uint(j, "messages", h->messages);
	cj_uint(j, "reconnects", h->reconnects);
	cj_uint(j, "gaps", h->gaps);
	cj_uint(j, "backfilled_bars", h->backfilled_bars);
	cj_uint(j, "duplicates", h->duplicates);
	cj_uint(j, "out_of_order", h->out_of_order);
	cj_uint(j, "bad_messages", h->bad_messages);
	cj_uint(j, "dropped", h->dropped);
	cj_uint(j, "queue_high", h->queue_high);
	cj_num(j, "clock_skew_ms", h->clock_skew_ms);
	cj_str(j, "last_error", h->last_error);
	cj_close(j, '}');
}
