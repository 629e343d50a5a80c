/*
 * paper feed: connect to live feeds and print what arrives, to check a connection, a source
 * string or a proxy before trading on it. Nothing is traded or stored.
 */
#include "cli/cli_venue.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <string.h>

#include "cmd/commands.h"

enum { FD_COUNT = 1, FD_SECONDS, FD_JSON };

static const cli_opt feed_opts[] = {
	{ "--count", "N", false, FD_COUNT, "stop after N quotes, trades and bars (default: no limit)" },
	{ "--seconds", "S", false, FD_SECONDS, "stop after S seconds (default: no limit)" },
	{ "--json", NULL, false, FD_JSON, "one JSON object per message, then the health (docs/cli.md)" },
	{ NULL, NULL, false, 0, NULL },
};

static const char description[] =
	"Connect to one or more live market-data feeds and print every quote, trade, bar and\n"
	"connection change as it arrives, then each feed's health (reconnects, gaps, backfilled\n"
	"bars, duplicates, clock skew). Market data only: nothing is traded or stored. Stops\n"
	"after --count messages, --seconds, SIGINT, or when every feed has failed.";

static const char epilog[] =
	"Sources: coinbase:BTC-USD,ETH-USD  binance:btcusdt@1m,ethusdt  alpaca:AAPL,MSFT (keys in\n"
	"APCA_API_KEY_ID and APCA_API_SECRET_KEY)  http-poll:URL#price=$.p&time=$.t&symbol=X.\n"
	"docs/feeds.md has the grammar and the commands for the real venues.\n"
	"exit status: 0 ok; 1 a feed failed; 2 bad input or an unsafe endpoint\n";

typedef struct feed_args {
	cli_venues v;
	uint64_t count;
	double seconds;
	bool json;
} feed_args;

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int on_option(void *ctx, int id, const char *value)
{
	feed_args *a = ctx;
	double x = 0;
	switch (id) {
	case FD_COUNT:
		if (!cli_number("feed", "--count", value, &x))
			return EXIT_INPUT;
		if (x < 1 || x != floor(x))
			return cli_fail("feed", EXIT_INPUT, "--count must be a whole number >= 1");
		a->count = (uint64_t)x;
		return EXIT_OK;
	case FD_SECONDS:
		if (!cli_number("feed", "--seconds", value, &x))
			return EXIT_INPUT;
		if (!(x > 0 && x <= 1e7))
			return cli_fail("feed", EXIT_INPUT, "--seconds must be > 0");
		a->seconds = x;
		return EXIT_OK;
	case FD_JSON:
		a->json = true;
		return EXIT_OK;
	default: {
		int rc = cli_venue_option(&a->v, "feed", id, value);
		return rc < 0 ? EXIT_INPUT : rc;
	}
	}
}

static void show(const feed_args *a, const paper_feed_msg *m)
{
	if (a->json) {
		cli_json j;
		cj_init(&j);
		cli_venue_msg_json(&j, m);
		cj_print(&j, stdout);
	} else {
		cli_venue_msg_print(stdout, m);
	}
}

/* Take what one feed has; false when it has ended (failed, nothing left). */
static bool drain(feed_args *a, paper_feed *f, uint64_t *seen)
{
	paper_feed_msg m[64];
	for (size_t i = 0; i < G_N_ELEMENTS(m); i++)
		m[i] = (paper_feed_msg)PAPER_FEED_MSG_INIT;
	size_t n = 0;
	int rc = paper_feed_poll_many(f, m, G_N_ELEMENTS(m), &n, 0);
	for (size_t i = 0; i < n && (!a->count || *seen < a->count); i++) {
		show(a, &m[i]);
		*seen += m[i].type != PAPER_FEED_STATUS;
	}
	return rc != PAPER_ESTATE;
}

static int watch(feed_args *a)
{
	struct pollfd fds[CLI_MAX_FEEDS];
	bool alive[CLI_MAX_FEEDS];
	uint64_t seen = 0;
	double until = a->seconds ? cli_now() + a->seconds : 0;
	int left = a->v.n;
	for (int i = 0; i < a->v.n; i++) {
		fds[i] = (struct pollfd){ .fd = paper_feed_fd(a->v.feed[i]), .events = POLLIN };
		alive[i] = true;
	}
	while (!stop_requested && left > 0 && (!a->count || seen < a->count) &&
	       (!until || cli_now() < until)) {
		int wait = until ? (int)MIN(250.0, (until - cli_now()) * 1000 + 1) : 250;
		if (poll(fds, (nfds_t)a->v.n, MAX(wait, 0)) < 0 && errno != EINTR)
			return cli_fail("feed", EXIT_LIBRARY, "poll: %s", strerror(errno));
		for (int i = 0; i < a->v.n; i++) {
			if (!alive[i] || !(fds[i].revents & POLLIN))
				continue;
			alive[i] = drain(a, a->v.feed[i], &seen);
			if (!alive[i]) {
				fds[i].fd = -1;
				left--;
			}
		}
	}
	return left < a->v.n ? EXIT_LIBRARY : EXIT_OK;
}

static void health(const feed_args *a)
{
	cli_json j;
	if (a->json) {
		cj_init(&j);
		cj_open(&j, NULL, '{');
		cj_open(&j, "health", '[');
	}
	for (int i = 0; i < a->v.n; i++) {
		paper_feed_health_info h = PAPER_FEED_HEALTH_INFO_INIT;
		if (paper_feed_health(a->v.feed[i], &h) != PAPER_OK)
			continue;
		if (a->json)
			cli_venue_health_json(&j, NULL, &h);
		else
			cli_venue_health_print(stderr, &h);
	}
	if (a->json) {
		cj_close(&j, ']');
		cj_close(&j, '}');
		cj_print(&j, stdout);
	}
}

int cmd_feed(int argc, char **argv)
{
	const cli_opt *const tables[] = { feed_opts, cli_venue_opts, NULL };
	feed_args a;
	memset(&a, 0, sizeof a);
	cli_venues_init(&a.v);
	bool help = false;
	int code = cli_parse("feed", argc, argv, tables, on_option, &a, &help);
	if (code == EXIT_OK && help) {
		cli_usage(stdout, "feed", "--feed SOURCE [--count N] [--seconds S] [--json]",
			  description, tables, epilog);
		return EXIT_OK;
	}
	if (code != EXIT_OK)
		return code;
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	code = cli_venues_open(&a.v, "feed");
	if (code == EXIT_OK) {
		code = watch(&a);
		health(&a);
	}
	cli_venues_close(&a.v);
	return code;
}
