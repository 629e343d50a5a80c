/* Private: the fill model. Decides whether, how much and at what price an order fills. */
#ifndef PAPER_PRIV_ENGINE_H
#define PAPER_PRIV_ENGINE_H

#include "market/broker.h"

/* One market data event, in fixed-point. For a quote, bid/ask/last are filled in. */
typedef struct mkt {
	paper_ts ts;
	bool is_bar;
	int64_t open, high, low, close, volume;
	int64_t bid, ask, last;
	int64_t mark; /* the mark the symbol takes after the event (fills are checked at it) */
	int64_t lot;  /* the symbol's lot: a volume-capped fill is a whole number of them */
} mkt;

typedef enum match_kind { MATCH_NONE, MATCH_FILL, MATCH_TRIGGER } match_kind;

typedef struct match {
	int64_t ref;   /* price before slippage */
	int64_t price; /* after slippage */
	int64_t qty;
	uint8_t reason;
	uint32_t flags;
} fill_match;

/*
 * What order o does on event m. draw is the jitter draw number (the fill's sequence).
 * The caller guarantees m->ts > o->submitted (no look-ahead).
 */
match_kind engine_match(const params *p, const order *o, const mkt *m, uint64_t draw, fill_match *out);

/* Price after slippage for a fill of qty at ref (draw: the jitter draw number). */
int64_t engine_slip(const params *p, const order *o, const mkt *m, int64_t ref, int64_t qty,
		    bool limit_fill, uint64_t draw);

/*
 * Commission of a fill of qty at price of instrument s, for order o (fixed model charges the
 * first fill; options and futures pay costs.commission_per_contract instead when it is set).
 */
int64_t engine_commission(const params *p, const instrument *s, const order *o, int64_t qty,
			  int64_t price);

/* Price an order is expected to trade at now, for buying-power checks; 0 if unknown. */
int64_t engine_reference_price(const order *o, const instrument *s);

#endif
