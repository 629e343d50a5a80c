/*
 * Private: the readiness gate (report_readiness.c) and the recommendations (report_advice.c),
 * shown by the dashboard (report_html.c) and given by paper_readiness_*().
 */
#ifndef PAPER_PRIV_READINESS_H
#define PAPER_PRIV_READINESS_H

#include <glib.h>
#include <paper/error.h>
#include <paper/report.h>

#define READINESS_MAX_CRITERIA 10
#define READINESS_MAX_RECOMMENDATIONS 5
#define READINESS_NOTE_CAP 192
#define READINESS_TEXT_CAP 384

struct paper_readiness {
	paper_readiness_criterion c[READINESS_MAX_CRITERIA];
	char notes[READINESS_MAX_CRITERIA][READINESS_NOTE_CAP];
	size_t n_c;
	paper_recommendation rec[READINESS_MAX_RECOMMENDATIONS];
	char texts[READINESS_MAX_RECOMMENDATIONS][READINESS_TEXT_CAP];
	size_t n_rec;
	bool ready;
	bool from_config; /* thresholds from config keys (version 3) or the options' fields */
};

/* The recommendations of an account (report_advice.c): m may be NULL (no statistics),
   drift may be NULL (no slippage rule). */
void readiness__advise(paper_readiness *r, const paper_broker *b, const paper_metrics *m,
		       const paper_drift *drift);

/* The checks report options must pass, for any version (report_readiness.c). */
int readiness__check_options(const paper_report_options *o);
int readiness__check_gate(const paper_readiness_options *g);

/* The inbox's refusals as the gate counts them: how many, and the last one's time. */
typedef struct readiness_inbox {
	uint64_t rejected;
	paper_ts last_rejected_ts; /* 0: none */
} readiness_inbox;

/*
 * Read the rejected decisions of b's account from the ledger of o (options version 3 with a
 * ledger; else none). A refusal's time is when it was marked, unless that is after the
 * account's clock (an account trading the past, marked in wall-clock time): then the
 * decision's created_ts.
 */
int readiness__read_inbox(const paper_report_options *o, const paper_broker *b,
			  readiness_inbox *out);

/*
 * Evaluate with a metrics report already built (m may be NULL). g NULL: the checklist of
 * libpaper 1.0, the five criteria with the thresholds of o's fields; else the whole gate,
 * thresholds from the readiness.* keys. inbox: the inbox's rejected decisions read from the
 * ledger (readiness__read_inbox()), errors when g gives no count; the later of its last
 * refusal and g's ends the error-free days.
 */
void readiness__evaluate(paper_readiness *r, const paper_broker *b, const paper_metrics *m,
			 const paper_report_options *o, const paper_readiness_options *g,
			 const readiness_inbox *inbox);

#endif
