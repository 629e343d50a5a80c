/* Private: the SVG charts report_svg.c draws for the dashboard report_html.c writes. */
#ifndef PAPER_PRIV_REPORT_H
#define PAPER_PRIV_REPORT_H

#include <glib.h>
#include <paper/broker.h>
#include <paper/error.h>
#include <paper/metrics.h>
#include <string.h>

#include "base/tstext.h"

/* "YYYY-MM-DD HH:MM" in UTC, or "-" for 0 (no data yet); buf holds TS_TEXT_CAP bytes. */
static inline void report_time(char *buf, paper_ts ts)
{
	if (ts == 0)
		strcpy(buf, "-");
	else
		ts_format_as(buf, ts, TS_MINUTES);
}

/* The equity curve with the drawdown panel under it, as inline SVG. */
void paper__report_equity_svg(GString *s, const paper_broker *b);

/* Closed trades per exit reason as horizontal bars (m may be NULL). */
void paper__report_exits_svg(GString *s, const paper_metrics *m);

#endif
