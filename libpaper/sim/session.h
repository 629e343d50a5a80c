/*
 * Private: the session's state, shared by session.c (signals, sizing, entries),
 * session_exits.c (exit rules) and session_summary.c (counters and JSON), and the fast entry
 * points the replay drives it through.
 */
#ifndef PAPER_PRIV_SESSION_H
#define PAPER_PRIV_SESSION_H

#include <glib.h>
#include <paper/error.h>
#include <paper/session.h>

#include "market/broker.h"

typedef enum sess_state { SS_FLAT = 0, SS_PENDING = 1, SS_ACTIVE = 2 } sess_state;

/* The session's view of one symbol (indexed like the broker's symbols). Levels are 1e-8. */
typedef struct sess_pos {
	uint8_t state;         /* sess_state */
	int8_t dir;            /* +1 long, -1 short */
	bool entry_limit;      /* the entry is a limit order */
	bool explicit_levels;  /* an intent: no percentage levels */
	uint64_t entry_order;  /* entry order while it may still fill, else 0 */
	uint64_t exit_order;   /* reverse-signal exit order while open, else 0 */
	int64_t tp_given, sl_given; /* absolute levels asked for (0: from the percentage) */
	paper_ts max_hold;     /* 0: none */
	paper_ts eval_ts;      /* newest bar evaluated: a bar is evaluated once */
	bool evaluated;        /* eval_ts is set */
	paper_ts entry_ts, deadline;
	int64_t entry_price, tp, sl, trail, best;
	int64_t trail_rate;    /* 0: no trailing stop */
	/* A bar with low > guard_lo and high < guard_hi, stamped before guard_ts, fires no rule:
	 * the levels below and above the position, and the time limit (INT64_MIN/MAX: none).
	 * No bar passes them while an entry is pending (all 0) or a trailing stop moves. */
	int64_t guard_lo, guard_hi;
	paper_ts guard_ts;
} sess_pos;

/* The [session] settings, converted once. Rates are fractions in 1e-8 units. */
typedef struct sess_cfg {
	int sizing;            /* 0 notional, 1 fraction, 2 qty */
	int64_t notional, qty;
	double fraction_base;
	int64_t tp_rate, sl_rate, trail_rate;
	paper_ts max_hold;
	bool use_signal_targets, next_bar, reverse_exit;
	int64_t lot;           /* the config checked it is whole unless session.fractional */
	double min_confidence; /* 0 when aggressive */
	double max_position_fraction;
	bool optimistic;
} sess_cfg;

/* Told about every closed trade the session reads (the replay writes and counts them). */
typedef void (*sess_trade_hook)(void *ctx, const paper_broker *b, const trade *t);

struct paper_session {
	paper_broker *b;
	sess_cfg c;
	bool enabled;
	sess_pos *pos;         /* by broker symbol index */
	uint32_t n_pos;
	GHashTable *lots;      /* symbol -> int64_t lot (paper_session_set_symbol_lot()) */
	GHashTable *signal_ids;/* ids that entered */
	uint64_t trades_seen;  /* broker trades read so far (b->n_trades) */
	paper_session_stats st;
	int64_t pnl_e8, amb_delta_e8;
	/* A sum above passed int64 (many trades near the money limit): reading the stats or
	 * the summary then fails with PAPER_ERANGE instead of giving a wrapped amount. */
	bool pnl_overflow;
	sess_trade_hook hook;
	void *hook_ctx;
};

/* The position state of symbol sym, growing the table when the broker has new symbols. */
sess_pos *session__pos(paper_session *s, uint32_t sym);

/* After new data for sym: entries that filled become managed, exits are evaluated. */
int session__sync(paper_session *s, uint32_t sym);

/*
 * Take over what the broker already holds (a reopened ledger): positions get the exit plan
 * recorded with the order that opened them (else the session's percentages around their
 * average price), the time limit from their opening time; resting orders that would open a
 * flat symbol become pending entries with their recorded plan.
 */
void session__adopt(paper_session *s);

/* Read closed trades the broker recorded since the last call. */
void session__collect(paper_session *s);

void session__set_trade_hook(paper_session *s, sess_trade_hook hook, void *ctx);

/* A closed trade as a trades CSV row (docs/formats.md), with its '\n'. */
void session__trade_csv(GString *g, const paper_broker *b, const trade *t);
#define SESSION_TRADES_CSV_HEADER                                                            \
	"symbol,side,entry_time,entry_price,exit_time,exit_price,qty,exit_reason,pnl_gross,fees," \
	"pnl_net,outcome\n"

/* The session's PAPER lines (session_log.c); call only when paper__log_wanted(s->b). */
void session__log_entry(const paper_session *s, uint32_t sym, const sess_pos *p, uint64_t order_id);
void session__log_exit(const paper_session *s, const trade *t);

/* Summary JSON with extra members (already rendered, starting with a comma) after the counters. */
int session__summary(const paper_session *s, unsigned int flags, const char *extra, char **out);

/* Cancel sym's open orders and close its position at the mark with reason. */
int session__exit_symbol(paper_session *s, uint32_t sym, paper_exit_reason reason);

#include "market/broker_fast.h"

/*
 * A bar in fixed-point for symbol index sym, then its exits: the replay's hot path. The caller
 * made the table of positions cover sym (session__pos()), as the replay does for each symbol
 * it declares. b is s->b, kept by the caller in a local: the library is built with
 * -fno-strict-aliasing, so after each store into the bar's fields the compiler would load
 * s->b again, and every address in here waits on that load.
 */
static inline int session__on_bar_fx(paper_session *s, paper_broker *b, uint32_t sym,
				     paper_ts ts, const int64_t v[5])
{
	int rc = paper__broker_on_bar_fx(b, sym, ts, v);
	sess_pos *p = &s->pos[sym];
	if (rc == PAPER_OK && p->state != SS_FLAT) {
		int64_t q = b->syms[sym].pos.qty;
		/* Most bars of a held position fire nothing: say so without the full evaluation,
		 * when the bar stays inside the guards and the position is still the session's.
		 * One branch on all the conditions: which of them holds is hard to predict. */
		bool quiet = (v[2] > p->guard_lo) & (v[1] < p->guard_hi) & (ts < p->guard_ts) &
			     (q * p->dir > 0);
		if (quiet) {
			p->evaluated = true;
			p->eval_ts = ts;
		} else {
			rc = session__sync(s, sym);
		}
	}
	if (b->n_trades != s->trades_seen)
		session__collect(s);
	return rc;
}

#endif
