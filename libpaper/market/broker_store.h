/*
 * Private: what a ledger needs from a broker. A ledger attaches a sink that sees every event
 * before it is applied, replays a stored log into a fresh broker, and restores the marks the
 * log does not carry.
 */
#ifndef PAPER_PRIV_BROKER_STORE_H
#define PAPER_PRIV_BROKER_STORE_H

#include "market/broker.h"

/* Called when the broker is freed, so the ledger can release the account. */
typedef void (*broker_detach)(void *ctx, paper_broker *b);

void paper__broker_attach(paper_broker *b, event_sink sink, broker_detach detach, void *ctx);

/*
 * Called with the attach ctx by paper_broker_define_instrument() for a new or changed contract
 * (spec resolved), before the broker changes: an error refuses the definition. Reset by
 * paper__broker_attach().
 */
typedef int (*broker_define_hook)(void *ctx, paper_broker *b, const char *symbol,
				  const paper_instrument_spec *spec);
void paper__broker_on_define(paper_broker *b, broker_define_hook hook);

/* The symbol's index, adding it when new (no market data yet). name must be valid. */
uint32_t paper__broker_symbol(paper_broker *b, const char *name);
/* Does the broker know the symbol (data, an order, a definition)? Adds nothing. */
bool paper__broker_symbol_known(const paper_broker *b, const char *name);
/* The index of a known symbol, or -1. Adds nothing. */
int64_t paper__broker_symbol_find(const paper_broker *b, const char *name);
/* May name be used as a new symbol (market/instrument.h)? PAPER_OK, PAPER_EINVAL, PAPER_EFORMAT. */
int paper__broker_symbol_check(const paper_broker *b, const char *name);
const char *paper__broker_symbol_name(const paper_broker *b, uint32_t sym);

/*
 * Apply one stored event. The event is checked against the state first (the order exists,
 * the fill fits it, ...): a log that breaks an invariant gives PAPER_ECORRUPT and changes
 * nothing. The sink and the listener are not called.
 */
int paper__broker_replay(paper_broker *b, const event *ev);

/*
 * Set a symbol's mark and last data time as the log last saw them. PAPER_ECORRUPT (nothing
 * changed) for a price that is not one, or that would value the position past the limits.
 */
int paper__broker_restore_mark(paper_broker *b, uint32_t sym, int64_t price, paper_ts ts);

/*
 * The ledger could not make events durable that the broker has already applied (a failed
 * group commit): from now on every call that could change the broker fails with code, until
 * the account is reopened from the ledger.
 */
void paper__broker_fail(paper_broker *b, int code, const char *why);

const paper_config *paper__broker_config(const paper_broker *b);

/*
 * paper_broker_submit() recording an exit plan with the order (a session's entries). plan NULL
 * records none. PAPER_EINVAL for a plan of an unknown kind, negative levels or hold.
 */
int paper__broker_submit_planned(paper_broker *b, const paper_order_request *req,
				 const exit_plan *plan, uint64_t *order_id_out);

/* Totals the ledger writes with a snapshot. */
int64_t paper__broker_equity(const paper_broker *b);

#endif
