/*
 * Private: the broker's state. Everything here is owned by one paper_broker.
 * Amounts ending in no suffix are fixed-point (fixed.h) unless they are counts or times.
 */
#ifndef PAPER_PRIV_BROKER_H
#define PAPER_PRIV_BROKER_H

#include <glib.h>
#include <paper/broker.h>
#include <stdio.h>

#include "base/ring.h"
#include "config/config.h"

#define NO_SLOT UINT32_MAX

/*
 * The exits a session planned for an entry (docs/semantics.md, "Exit plans"), recorded with the
 * entry order and carried by the position it opens, so a session that adopts the position
 * after a restart manages it by the same levels. The broker only keeps it: it is part of the
 * ORDER_ACCEPTED event, and so of the ledger.
 */
typedef enum plan_kind {
	PLAN_NONE = 0,     /* none recorded (a manual order, an older ledger) */
	PLAN_SESSION = 1,  /* a signal's: a level of 0 is the session's percentage */
	PLAN_EXPLICIT = 2, /* an intent's (a plan row): 0 is none, and no trailing stop */
} plan_kind;

typedef struct exit_plan {
	uint8_t kind;      /* plan_kind */
	int64_t tp, sl;    /* absolute levels in fixed point */
	paper_ts max_hold; /* time limit after the entry fill; 0: none */
} exit_plan;

typedef struct order {
	uint64_t id;
	uint32_t sym;
	uint8_t side, type, tif, status;
	uint8_t reason, exit_reason;
	bool triggered; /* stop-limit: the stop was reached */
	int64_t qty, filled, limit, stop;
	int64_t fill_notional, fees;
	uint64_t oco_group;
	paper_ts submitted, updated;
	double confidence;
	uint32_t prev, next;   /* the symbol's open orders, oldest first */
	uint32_t open_index;   /* position in broker.open */
	char client_id[PAPER_ID_MAX + 1];
	char strategy[PAPER_TAG_MAX + 1];
	char signal_id[PAPER_ID_MAX + 1];
	exit_plan plan;        /* an entry's planned exits */
} order;

/* A net position and the round trip it belongs to. */
typedef struct position {
	int64_t qty;    /* signed */
	int64_t basis;  /* money paid (long) or received (short) for the open qty, >= 0 */
	uint32_t index; /* in broker.positions, NO_SLOT when flat */
	paper_ts entry_ts;
	int64_t entry_qty, entry_notional, exit_qty, exit_notional;
	int64_t realized, fees;
	uint8_t direction;
	double confidence;
	char strategy[PAPER_TAG_MAX + 1];
	char signal_id[PAPER_ID_MAX + 1];
	exit_plan plan;        /* of the order that opened the round trip */
} position;

/*
 * A symbol's contract (include/paper/instrument.h), in the units the hot path wants. The
 * default (an undefined, non-OCC symbol) is multiplier 1 (FX_SCALE), no tick, lot 1e-8 (1):
 * every rule below is then a no-op, and money is computed exactly as before instruments.
 */
typedef struct contract {
	int64_t mult;          /* multiplier, 1e-8 units */
	int64_t tick;          /* 0: no grid */
	int64_t lot, min_qty;  /* >= 1 */
	int64_t strike;        /* options */
	int64_t margin;        /* futures: money reserved per contract */
	paper_ts expiry;       /* 0: none */
	uint32_t underlying;   /* symbol index, NO_SLOT: none */
	uint8_t asset_class;   /* paper_asset_class */
	uint8_t right;         /* paper_option_right */
	uint8_t origin;        /* paper_instrument_origin */
	bool traded;           /* an order was accepted: the contract is fixed */
} contract;

typedef struct instrument {
	char name[PAPER_SYMBOL_MAX + 1];
	bool has_data, has_bar;
	paper_ts last_ts;
	int64_t bid, ask, last; /* latest quote, 0 = unknown */
	int64_t bar_open, bar_high, bar_low, bar_close, bar_volume; /* latest bar */
	bool last_is_bar;       /* the latest data was a bar (else a quote or mark) */
	int64_t mark;           /* price positions are valued at */
	int64_t value;          /* signed market value of the position at the mark */
	paper_ts mark_ts;
	uint32_t head, tail;    /* open orders */
	position pos;
	contract c;
} instrument;

typedef struct trade {
	uint64_t id;
	uint32_t sym;
	uint8_t direction, exit_reason;
	paper_ts entry_ts, exit_ts;
	int64_t qty, entry_notional, exit_notional, exit_qty, pnl, fees;
	double confidence;
	char strategy[PAPER_TAG_MAX + 1];
	char signal_id[PAPER_ID_MAX + 1];
} trade;

/* A trade's outcome by its net P&L, as the metrics count it by default: "win" (> 0),
   "loss" (< 0) or "breakeven" (exactly 0). */
static inline const char *paper__trade_outcome(int64_t pnl_net)
{
	return pnl_net > 0 ? "win" : pnl_net < 0 ? "loss" : "breakeven";
}

typedef struct fill {
	uint64_t seq, order_id;
	uint32_t sym;
	uint8_t side, reason;
	uint32_t flags;
	paper_ts ts;
	int64_t qty, price, fee, ref_price;
	int64_t alt_price; /* AMBIGUOUS fills: the opposite intrabar rule's price */
} fill;

/* A SNAPSHOT as the equity curve keeps it. */
typedef struct equity_point {
	paper_ts ts;
	int64_t equity, cash;
} equity_point;

/*
 * An event as recorded: the only input to broker_apply(), so a broker rebuilt from its events
 * equals the original. Fields not used by the type are zero.
 */
typedef struct fill_effect fill_effect; /* account.h */

typedef struct event {
	uint8_t type;          /* paper_event_type */
	uint8_t status;        /* CANCELLED/EXPIRED/REJECTED: the order's final status */
	uint8_t reason;        /* reject/cancel reason, or HALT: 1 halted 0 resumed */
	uint8_t halt_kind;     /* HALT: 0 kill switch, 1 daily loss */
	bool day_start;        /* SNAPSHOT: opens a new trading day */
	paper_ts ts;
	uint64_t order_id;
	const order *ord;      /* order events: the order as it was before the event (borrowed) */
	fill f;                /* FILL */
	const fill_effect *effect; /* FILL: what it does to the account, when already planned */
	int64_t qty, limit, stop; /* REPLACED */
	int64_t equity;        /* SNAPSHOT */
	int64_t cash, realized, fees; /* ACCOUNT_RESTORED */
	uint32_t sym;          /* POSITION_RESTORED */
	const position *pos;   /* POSITION_RESTORED: the position (index ignored) */
	const char *sym_name;  /* submit-time REJECTED: the symbol asked for (maybe unknown) */
} event;

/*
 * Where events go before they are applied (the ledger). A non-zero return refuses the event:
 * it is not applied and the broker call fails with that code.
 */
typedef int (*event_sink)(void *ctx, const paper_broker *b, const event *ev);

/* Settings converted once at creation to the forms the hot path wants. */
typedef struct params {
	int64_t starting_cash;
	bool margin;
	int64_t initial_margin;   /* fraction, fixed-point */
	int commission_model;     /* 0 percent, 1 per share, 2 fixed */
	int64_t commission_rate;  /* fraction of notional, fixed-point */
	int64_t commission_min, commission_per_share, commission_fixed;
	int64_t commission_per_contract; /* options and futures; 0: the model applies */
	bool allow_short_options;
	double slip_base, slip_market, slip_limit, slip_impact, slip_jitter;
	bool intrabar_optimistic;
	uint64_t seed;
	double participation;
	int64_t max_order_qty, max_order_notional;
	double max_position_fraction, min_confidence, daily_loss_limit;
	int64_t daily_loss_limit_fx;
	int64_t max_open_positions;
	char *allowed_symbols;
} params;

/* id -> slot, open addressing with linear probing and backward-shift deletion. */
typedef struct idmap {
	uint64_t *keys; /* 0 = empty */
	uint32_t *vals;
	uint32_t mask;
	uint32_t len;
} idmap;

struct paper_broker {
	paper_config *cfg;
	params p;

	/* name -> index + 1. The keys live in sym_names, which never moves a string: syms is
	 * reallocated as it grows, so the index must not point at instrument.name. */
	GHashTable *sym_index;
	GStringChunk *sym_names;
	instrument *syms;
	/* Market values of the open positions, kept as the positions and marks change: their
	 * signed sum (longs less shorts) and the sum of their magnitudes (longs plus shorts).
	 * The long and the short total (account_long_value(), account_short_value()) are each
	 * >= 0 and within the money limit. A new mark moves both sums by its change, whatever
	 * the side, so the hot path needs no branch on it. */
	int64_t net_value, gross_value;
	/* Cost bases of the long and of the short positions, summed likewise (so the unrealized
	 * P&L, values less bases, stays within twice the limit). */
	int64_t long_basis, short_basis;
	uint32_t n_syms, cap_syms;
	uint32_t last_sym;     /* one-entry lookup cache */

	order *slots;          /* open orders */
	uint32_t n_slots, cap_slots, free_slot;
	idmap ids;
	uint32_t *open;        /* slots of open orders, in submission order */
	uint32_t n_open;
	order *closed;         /* recent closed orders, at id % closed_cap */
	uint32_t closed_cap;

	uint32_t *positions;   /* symbols with a non-zero position */
	uint32_t n_positions;
	/* Of those, positions in futures and options: only with some does the buying power
	 * look at the contracts (risk_reserved()), so accounts of plain symbols never do. */
	uint32_t n_contract_positions;

	ring fills, trades;
	ring equity;           /* equity_point of each SNAPSHOT (engine.equity_history) */

	int64_t cash, realized, fees;
	uint64_t n_fills, n_trades, n_rejections, seq, next_order_id;
	paper_ts last_rejection_ts; /* time of the newest ORDER_REJECTED event, 0 when none */
	paper_ts clock;
	/* The earliest expiry of a symbol with a position or an open order (INT64_MAX: none):
	 * market data at or past it settles first (instrument.h), found with one compare. */
	paper_ts next_expiry;
	/* Start of the UTC day after the trading day (INT64_MIN before the first): data at or
	 * past it opens a new day, found with a compare instead of a division per event. */
	paper_ts next_day;
	int64_t day_start_equity;
	int64_t day_loss_allowed; /* day_start_equity x daily_loss_limit, exact */
	bool halted_manual, halted_daily;
	/* Equity below this halts entries for the day: day_start_equity - day_loss_allowed, or
	 * INT64_MIN once halted (broker_loss_floor()), so a market event checks with one compare. */
	int64_t loss_floor;

	trade closed_trade;    /* closed by the event being recorded */
	bool has_closed_trade;

	paper_event_cb cb;
	void *cb_payload;
	event_sink sink;
	void *sink_ctx;
	void (*detach)(void *ctx, paper_broker *b);
	/* Keeps a contract defined through the API with the account (the ledger), before the
	 * broker takes it; NULL without a ledger. */
	int (*on_define)(void *ctx, paper_broker *b, const char *symbol,
			 const paper_instrument_spec *spec);
	int failed;            /* non-zero: refuse changes (paper__broker_fail) */
	char failed_why[256];

	FILE *log_file;        /* logging.log_file, or NULL (log.c) */
	bool log_structured;   /* GLib structured logging wanted, decided at creation */
	paper_log_cb log_cb;   /* paper_broker_set_log_callback(), or NULL */
	void *log_cb_payload;
};

#endif
