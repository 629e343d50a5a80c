/*
 * Private: entry points for drivers inside the library (replay, sessions) that already hold
 * symbol indexes (paper__broker_symbol()) and fixed-point values, so the hot loop skips string
 * look-ups and double conversions. Same rules and errors as the public functions.
 */
#ifndef PAPER_PRIV_BROKER_FAST_H
#define PAPER_PRIV_BROKER_FAST_H

#include "market/account.h"
#include "market/broker.h"
#include "market/broker_store.h"

/* paper__broker_on_bar_fx() in full: the errors, open orders to match, a new day. */
int paper__broker_on_bar_full(paper_broker *b, uint32_t sym, paper_ts ts, const int64_t ohlcv[5]);

/* Halt entries when the day's loss passed the limit (a HALT event); PAPER_OK or its error. */
int paper__broker_check_daily_loss(paper_broker *b, paper_ts ts);

/*
 * paper_broker_on_bar() for symbol index sym; ohlcv = open, high, low, close, volume (1e-8).
 * The caller checks the bar as paper_broker_on_bar() would (the replay's row checks do, before
 * any row gets here): ts within the range, 0 < low <= open, close <= high, the prices and the
 * volume within the limits. Only the time against the symbol's latest data is checked here.
 *
 * Inline for the usual bar of a replay: after the symbol's latest data, on the trading day,
 * before the next expiry of a contract held or ordered, no open order in the symbol. Then there is nothing to match and no day to roll, and what is
 * left of a market event is the mark check (before anything changes), the bar and the mark,
 * and with a position its value and the day's loss.
 */
static inline int paper__broker_on_bar_fx(paper_broker *b, uint32_t sym, paper_ts ts,
					  const int64_t ohlcv[5])
{
	instrument *s = &b->syms[sym];
	int64_t value = 0;
	if (G_UNLIKELY(b->failed || s->head != NO_SLOT || ts >= b->next_day || ts <= s->last_ts ||
		       ts >= b->next_expiry))
		return paper__broker_on_bar_full(b, sym, ts, ohlcv);
	if (s->pos.qty != 0) {
		int rc = account_check_mark(b, sym, ohlcv[3], &value);
		if (rc != PAPER_OK)
			return rc;
	}
	b->clock = ts > b->clock ? ts : b->clock; /* a select: a new time comes every few bars */
	s->has_data = s->has_bar = s->last_is_bar = true;
	s->last_ts = s->mark_ts = ts;
	s->bar_open = ohlcv[0];
	s->bar_high = ohlcv[1];
	s->bar_low = ohlcv[2];
	s->bar_close = s->mark = ohlcv[3];
	s->bar_volume = ohlcv[4];
	if (s->pos.qty == 0)
		return PAPER_OK;
	account_set_value(b, sym, value);
	if (account_equity(b) >= b->loss_floor)
		return PAPER_OK;
	return paper__broker_check_daily_loss(b, ts);
}

/* paper_broker_exit_at() in fixed-point, for symbol index sym. */
typedef struct exit_fx {
	int64_t qty;         /* 0: the whole position */
	int64_t price;       /* inside the symbol's latest bar or quote */
	int64_t alt;         /* with PAPER_FILL_FLAG_AMBIGUOUS: the other rule's price */
	uint8_t style;       /* paper_exit_style */
	uint8_t reason;      /* paper_exit_reason */
	uint8_t fill_reason; /* paper_fill_reason */
	uint32_t flags;      /* PAPER_FILL_FLAG_* */
} exit_fx;

int paper__broker_exit_at_fx(paper_broker *b, uint32_t sym, const exit_fx *x, uint64_t *order_id_out);

#endif
