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

/*
 * Evaluate with a metrics report already built (m may be NULL). g NULL: the checklist of
 * libpaper 1.0, the five criteria with the thresholds of o's fields; else the whole gate,
 * thresholds from the readiness.* keys. inbox_rejected: the inbox's rejected decisions the
 * report read from the ledger (options version 3), errors when g gives none.
 */
void readiness__evaluate(paper_readiness *r, const paper_broker *b, const paper_metrics *m,
			 const paper_report_options *o, const paper_readiness_options *g,
			 uint64_t inbox_rejected);

#endif
