/*
 * C glue of the paperlib extension module: compiled into _paperlib together with the code
 * cffi generates (build_cffi.py puts it in ffi.set_source()). Only public libpaper API.
 *
 * paperlib installs paperlib_on_event() as the event callback of every broker it creates,
 * with a paperlib_events (owned by the Python Broker) as payload. It remembers the newest
 * event's sequence number and the reason of the newest ORDER_REJECTED event - the only place
 * the public API gives the reason of a refused submission - and, when the Python side set a
 * callback, hands the event to the extern "Python" dispatcher. Events without a Python
 * callback never enter the interpreter.
 */
#include <paper/paper.h>
#include <paper/ledger.h>
#include <paper/report.h>
#include <paper/session.h>
#include <paper/replay.h>
#include <paper/drift.h>

typedef struct paperlib_events {
	void *handle;
	uint64_t last_seq;
	uint64_t reject_seq;
	int reject_reason;
} paperlib_events;

/* Defined by cffi from the extern "Python" declaration of _cdef.h. */
static void _paperlib_dispatch(const paper_event *event, void *handle);

void paperlib_on_event(const paper_event *event, void *payload);

void paperlib_on_event(const paper_event *event, void *payload)
{
	paperlib_events *st = payload;

	st->last_seq = event->seq;
	if (event->type == PAPER_EVENT_ORDER_REJECTED) {
		st->reject_seq = event->seq;
		st->reject_reason = event->reason;
	}
	if (st->handle)
		_paperlib_dispatch(event, st->handle);
}

/*
 * Broker.submit()'s hot path: the four fields every order sets, written into the broker's
 * prepared request and submitted in one call from Python (instead of four cffi attribute
 * writes and a call).
 */
int paperlib_submit(paper_broker *b, paper_order_request *req, const char *symbol, int side,
		    int type, double qty, uint64_t *order_id_out);

int paperlib_submit(paper_broker *b, paper_order_request *req, const char *symbol, int side,
		    int type, double qty, uint64_t *order_id_out)
{
	req->symbol = symbol;
	req->side = (paper_side)side;
	req->type = (paper_order_type)type;
	req->qty = qty;
	return paper_broker_submit(b, req, order_id_out);
}

/*
 * The feed of paperlib.run()'s loop: rows [from, to) of bar columns - all the bars of one
 * timestamp - given to the broker in one call, row i exactly as
 * paper_broker_on_bar(b, symbols[sym[i]], ts[i], open[i], ...) would be. Stops at the first
 * refusal and returns its status, with its row in *failed.
 */
int paperlib_on_bars(paper_broker *b, const char *const *symbols, const uint32_t *sym,
		     const int64_t *ts, const double *open, const double *high, const double *low,
		     const double *close, const double *volume, size_t from, size_t to,
		     size_t *failed);

int paperlib_on_bars(paper_broker *b, const char *const *symbols, const uint32_t *sym,
		     const int64_t *ts, const double *open, const double *high, const double *low,
		     const double *close, const double *volume, size_t from, size_t to,
		     size_t *failed)
{
	for (size_t i = from; i < to; i++) {
		int rc = paper_broker_on_bar(b, symbols[sym[i]], ts[i], open[i], high[i], low[i],
					     close[i], volume[i]);
		if (rc != PAPER_OK) {
			*failed = i;
			return rc;
		}
	}
	return PAPER_OK;
}

/*
 * Defaults of the options structs that have an *_INIT macro but no *_init() function, taken
 * from the macro itself so that Python never restates them.
 */
void paperlib_report_options_default(paper_report_options *out);
void paperlib_ledger_options_default(paper_ledger_options *out);
void paperlib_drift_options_default(paper_drift_options *out);

void paperlib_report_options_default(paper_report_options *out)
{
	paper_report_options d = PAPER_REPORT_OPTIONS_INIT;
	*out = d;
}

void paperlib_ledger_options_default(paper_ledger_options *out)
{
	paper_ledger_options d = PAPER_LEDGER_OPTIONS_INIT;
	*out = d;
}

void paperlib_drift_options_default(paper_drift_options *out)
{
	paper_drift_options d = PAPER_DRIFT_OPTIONS_INIT;
	*out = d;
}
