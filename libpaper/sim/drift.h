/*
 * Private: a comparison of a paper account with a backtest (drift.c), read by its JSON
 * (drift_json.c). Amounts and prices are kept exact (1e-8) and turned into doubles only at the
 * public API.
 */
#ifndef PAPER_PRIV_DRIFT_H
#define PAPER_PRIV_DRIFT_H

#include <glib.h>
#include <paper/drift.h>

/* One side of a row: a closed trade as the comparison needs it. */
typedef struct drift_side {
	bool present;
	uint64_t id;
	paper_ts entry_ts, exit_ts;
	int64_t entry_price, exit_price, qty, pnl_net, slippage;
	uint8_t exit_reason;
} drift_side;

typedef struct drift_row {
	paper_drift_kind kind;
	paper_drift_match match;
	char symbol[PAPER_SYMBOL_MAX + 1];
	uint8_t direction;
	char signal_id[PAPER_ID_MAX + 1];
	drift_side paper, backtest;
} drift_row;

struct paper_drift {
	paper_drift_options o;
	GArray *rows;               /* drift_row, in order */
	paper_drift_summary sum;    /* doubles and counts filled in by drift.c */
	int64_t paper_slip, backtest_slip, matched_paper_slip, matched_backtest_slip;
};

/* The public row of an internal one. */
void drift__row_public(const drift_row *r, paper_drift_row *out);

#endif
