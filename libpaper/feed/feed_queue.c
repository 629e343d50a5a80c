/* The bounded message queue of a feed (feed_queue.h). */
#include "feed/feed_queue.h"

#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "base/error.h"

int paper__queue_init(feed_queue *q, size_t cap)
{
	memset(q, 0, sizeof *q);
	q->ring = g_try_new(paper_feed_msg, cap);
	if (q->ring == NULL)
		return paper__error(PAPER_ENOMEM, "feed queue of %zu messages", cap);
	q->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->efd < 0) {
		g_free(q->ring);
		return paper__error(PAPER_EIO, "eventfd: %s", strerror(errno));
	}
	q->cap = cap;
	g_mutex_init(&q->mu);
	g_cond_init(&q->cond);
	return PAPER_OK;
}

void paper__queue_clear(feed_queue *q)
{
	if (q->ring == NULL)
		return;
	g_mutex_clear(&q->mu);
	g_cond_clear(&q->cond);
	close(q->efd);
	g_free(q->ring);
	q->ring = NULL;
}

/* The eventfd mirrors "not empty": set on the first message, cleared when drained. */
static void signal_fd(feed_queue *q, bool readable)
{
	uint64_t one = 1;
	ssize_t n = readable ? write(q->efd, &one, sizeof one) : read(q->efd, &one, sizeof one);
	(void)n; /* EAGAIN: already in that state */
}

bool paper__queue_push(feed_queue *q, const paper_feed_msg *m)
{
	g_mutex_lock(&q->mu);
	bool ok = q->len < q->cap && !q->closed;
	if (ok) {
		q->ring[(q->head + q->len) % q->cap] = *m;
		if (q->len++ == 0) {
			signal_fd(q, true);
			g_cond_signal(&q->cond);
		}
		q->pushed++;
		if (q->len > q->high)
			q->high = q->len;
	} else if (!q->closed) {
		q->dropped++;
		q->dropped_since++;
	}
	g_mutex_unlock(&q->mu);
	return ok;
}

size_t paper__queue_pop(feed_queue *q, paper_feed_msg *out, size_t cap, int timeout_ms,
			bool *closed)
{
	gint64 deadline = timeout_ms > 0 ? g_get_monotonic_time() + (gint64)timeout_ms * 1000 : 0;
	size_t n = 0;
	g_mutex_lock(&q->mu);
	while (q->len == 0 && !q->closed && timeout_ms != 0) {
		if (timeout_ms < 0)
			g_cond_wait(&q->cond, &q->mu);
		else if (!g_cond_wait_until(&q->cond, &q->mu, deadline))
			break;
	}
	while (n < cap && q->len > 0) {
		out[n++] = q->ring[q->head];
		q->head = (q->head + 1) % q->cap;
		q->len--;
	}
	if (n > 0 && q->len == 0 && !q->closed) /* once closed it stays readable: the end */
		signal_fd(q, false);
	*closed = q->closed && q->len == 0 && n == 0;
	g_mutex_unlock(&q->mu);
	return n;
}

void paper__queue_close(feed_queue *q)
{
	g_mutex_lock(&q->mu);
	q->closed = true;
	g_cond_broadcast(&q->cond);
	signal_fd(q, true); /* a poller wakes and finds the end */
	g_mutex_unlock(&q->mu);
}
