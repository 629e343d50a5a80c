#include "base/ring.h"

#include <glib.h>
#include <string.h>

void ring_init(ring *r, size_t elem, size_t cap)
{
	memset(r, 0, sizeof *r);
	r->elem = elem;
	r->cap = cap;
}

void ring_clear(ring *r)
{
	g_free(r->data);
	r->data = NULL;
	r->alloc = r->head = r->len = 0;
}

static void grow(ring *r)
{
	size_t n = r->alloc ? r->alloc * 2 : 64;

	if (r->cap && n > r->cap)
		n = r->cap;
	unsigned char *d = g_malloc(n * r->elem);
	/* Unwrap so the oldest item is at 0 again. */
	for (size_t i = 0; i < r->len; i++)
		memcpy(d + i * r->elem, ring_at(r, i), r->elem);
	g_free(r->data);
	r->data = d;
	r->alloc = n;
	r->head = 0;
}

/* (head + i) mod alloc for i < alloc, without a division: a fill or a trade pushes on every
 * order, and a division costs as much as the rest of the push. */
static size_t wrap(const ring *r, size_t i)
{
	size_t k = r->head + i;
	return k >= r->alloc ? k - r->alloc : k;
}

void *ring_push(ring *r)
{
	if (r->len == r->alloc && (r->cap == 0 || r->alloc < r->cap))
		grow(r);
	size_t slot;
	if (r->len == r->alloc) { /* full and bounded: overwrite the oldest */
		slot = r->head;
		r->head = wrap(r, 1);
	} else {
		slot = wrap(r, r->len);
		r->len++;
	}
	return r->data + slot * r->elem;
}

void *ring_at(const ring *r, size_t i)
{
	if (i >= r->len)
		return NULL;
	return r->data + wrap(r, i) * r->elem;
}
