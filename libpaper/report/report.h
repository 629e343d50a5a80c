/* Private: pieces of the HTML dashboard shared by report_html.c and report_svg.c. */
#ifndef PAPER_PRIV_REPORT_H
#define PAPER_PRIV_REPORT_H

#include <glib.h>
#include <paper/broker.h>
#include <paper/error.h>
#include <paper/metrics.h>

/* "YYYY-MM-DD HH:MM" in UTC, or "-" for 0. */
void paper__report_time(char *buf, size_t cap, paper_ts ts);

/* The equity curve with the drawdown panel under it, as inline SVG. */
void paper__report_equity_svg(GString *s, const paper_broker *b);

/* Closed trades per exit reason as horizontal bars (m may be NULL). */
void paper__report_exits_svg(GString *s, const paper_metrics *m);

#endif
