/*
 * Open orders live in a pool of slots with a free list, so the memory they use depends on how
 * many are open, never on how many were ever submitted. Closed orders are copied to a bounded
 * history indexed by id.
 */
#include "market/orders.h"

#include <string.h>

static uint32_t id_hash(uint64_t id, uint32_t mask)
{
	return (uint32_t)((id * UINT64_C(0x9e3779b97f4a7c15)) >> 32) & mask;
}

static void idmap_init(idmap *m, uint32_t cap)
{
	m->keys = g_new0(uint64_t, cap);
	m->vals = g_new0(uint32_t, cap);
	m->mask = cap - 1;
	m->len = 0;
}

static void idmap_put(idmap *m, uint64_t id, uint32_t val);

static void idmap_grow(idmap *m)
{
	idmap old = *m;

	idmap_init(m, (old.mask + 1) * 2);
	for (uint32_t i = 0; i <= old.mask; i++)
		if (old.keys[i])
			idmap_put(m, old.keys[i], old.vals[i]);
	g_free(old.keys);
	g_free(old.vals);
}

static void idmap_put(idmap *m, uint64_t id, uint32_t val)
{
	if ((m->len + 1) * 2 > m->mask + 1)
		idmap_grow(m);
	uint32_t i = id_hash(id, m->mask);
	while (m->keys[i])
		i = (i + 1) & m->mask;
	m->keys[i] = id;
	m->vals[i] = val;
	m->len++;
}

static int64_t idmap_index(const idmap *m, uint64_t id)
{
	uint32_t i = id_hash(id, m->mask);

	while (m->keys[i]) {
		if (m->keys[i] == id)
			return i;
		i = (i + 1) & m->mask;
	}
	return -1;
}

/* Backward-shift deletion keeps probe chains intact without tombstones. */
static void idmap_del(idmap *m, uint64_t id)
{
	int64_t found = idmap_index(m, id);
	if (found < 0)
		return;
	uint32_t i = (uint32_t)found;
	for (;;) {
		uint32_t j = i;
		m->keys[i] = 0;
		for (;;) {
			j = (j + 1) & m->mask;
			if (!m->keys[j]) {
				m->len--;
				return;
			}
			uint32_t home = id_hash(m->keys[j], m->mask);
			/* Move j back to i unless its home lies cyclically in (i, j]. */
			if (i <= j ? (home <= i || home > j) : (home <= i && home > j))
				break;
		}
		m->keys[i] = m->keys[j];
		m->vals[i] = m->vals[j];
		i = j;
	}
}

void orders_init(paper_broker *b, uint32_t closed_cap)
{
	idmap_init(&b->ids, 64);
	b->free_slot = NO_SLOT;
	b->closed_cap = closed_cap;
	b->closed = g_new0(order, closed_cap);
}

void orders_free(paper_broker *b)
{
	g_free(b->ids.keys);
	g_free(b->ids.vals);
	g_free(b->slots);
	g_free(b->open);
	g_free(b->closed);
}

static uint32_t slot_alloc(paper_broker *b)
{
	if (b->free_slot != NO_SLOT) {
		uint32_t s = b->free_slot;
		b->free_slot = b->slots[s].next;
		return s;
	}
	if (b->n_slots == b->cap_slots) {
		b->cap_slots = b->cap_slots ? b->cap_slots * 2 : 16;
		b->slots = g_renew(order, b->slots, b->cap_slots);
		b->open = g_renew(uint32_t, b->open, b->cap_slots);
	}
	return b->n_slots++;
}

order *orders_open(paper_broker *b, const order *src)
{
	uint32_t s = slot_alloc(b);
	order *o = &b->slots[s];
	instrument *sym = &b->syms[src->sym];

	*o = *src;
	o->next = NO_SLOT;
	o->prev = sym->tail;
	if (sym->tail != NO_SLOT)
		b->slots[sym->tail].next = s;
	else
		sym->head = s;
	sym->tail = s;
	o->open_index = b->n_open;
	b->open[b->n_open++] = s;
	idmap_put(&b->ids, o->id, s);
	return o;
}

void orders_close(paper_broker *b, order *o)
{
	uint32_t s = (uint32_t)(o - b->slots);
	instrument *sym = &b->syms[o->sym];

	if (o->prev != NO_SLOT)
		b->slots[o->prev].next = o->next;
	else
		sym->head = o->next;
	if (o->next != NO_SLOT)
		b->slots[o->next].prev = o->prev;
	else
		sym->tail = o->prev;

	/* Shift, not swap: the open list stays in submission order (open orders are few). */
	for (uint32_t j = o->open_index; j + 1 < b->n_open; j++) {
		b->open[j] = b->open[j + 1];
		b->slots[b->open[j]].open_index = j;
	}
	b->n_open--;

	idmap_del(&b->ids, o->id);
	b->closed[o->id % b->closed_cap] = *o;
	o->next = b->free_slot;
	b->free_slot = s;
}

order *orders_find_open(const paper_broker *b, uint64_t id)
{
	int64_t i = id ? idmap_index(&b->ids, id) : -1;

	return i < 0 ? NULL : &b->slots[b->ids.vals[i]];
}

const order *orders_find_closed(const paper_broker *b, uint64_t id)
{
	const order *o = &b->closed[id % b->closed_cap];

	return id && o->id == id ? o : NULL;
}
