/*
 * The session's per-symbol state (flat, pending entry, active position with its exit levels),
 * indexed like the broker's symbols and grown as they are.
 */
#include <string.h>

#include "sim/session.h"

sess_pos *session__pos(paper_session *s, uint32_t sym)
{
	if (sym >= s->n_pos) {
		/* At least doubling: symbols may arrive one at a time (paper_session_on_bar()). */
		uint32_t n = s->b->n_syms > sym ? s->b->n_syms : sym + 1;
		if (n < s->n_pos * 2)
			n = s->n_pos * 2;
		s->pos = g_renew(sess_pos, s->pos, n);
		memset(s->pos + s->n_pos, 0, (n - s->n_pos) * sizeof *s->pos);
		s->n_pos = n;
	}
	return &s->pos[sym];
}
