/*
 * Private: the bounded queue between a feed's network thread (the only producer) and the
 * caller (the only consumer). When it is full a new message is dropped and counted, never
 * waited for: the network thread must keep reading or the venue cuts it off (Coinbase's
 * ErrSlowConsume, Alpaca's 407). An eventfd is readable while messages wait.
 */
#ifndef PAPER_PRIV_FEED_QUEUE_H
#define PAPER_PRIV_FEED_QUEUE_H

#include <glib.h>
#include <paper/feed.h>

typedef struct feed_queue {
	GMutex mu;
	GCond cond;
	paper_feed_msg *ring;
	size_t cap, head, len;
	uint64_t dropped;       /* all time */
	uint64_t dropped_since; /* since the last STATUS that reported drops */
	uint64_t pushed, high;
	bool closed;            /* no more messages will come */
	int efd;
} feed_queue;

/* PAPER_OK or PAPER_EIO (no eventfd) / PAPER_ENOMEM. */
int paper__queue_init(feed_queue *q, size_t cap);
void paper__queue_clear(feed_queue *q);

/* Add m; false when full (counted). */
bool paper__queue_push(feed_queue *q, const paper_feed_msg *m);

/*
 * Take up to cap messages, waiting up to timeout_ms (negative: forever) for the first. Returns
 * how many; 0 with *closed set when the queue is closed and empty.
 */
size_t paper__queue_pop(feed_queue *q, paper_feed_msg *out, size_t cap, int timeout_ms,
			bool *closed);

/* No more messages: wake a waiting consumer. */
void paper__queue_close(feed_queue *q);

#endif
