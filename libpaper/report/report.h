/*
 * Private: the pieces of the dashboard (report_html.c) and the tear sheet
 * (report_tearsheet.c): the page (report_page.c), the equity and exit charts (report_svg.c),
 * and what every chart shares (svg_charts.c).
 */
#ifndef PAPER_PRIV_REPORT_H
#define PAPER_PRIV_REPORT_H

#include <glib.h>
#include <paper/broker.h>
#include <paper/error.h>
#include <paper/feed.h>
#include <paper/metrics.h>
#include <paper/report.h>
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

/* ---- the page (report_page.c) ---- */

extern const char paper__report_css[];

/* <!DOCTYPE html> .. <main>: the style sheet inline, a reload every refresh seconds (0: none). */
void paper__report_head(GString *s, const char *title, uint32_t refresh, paper_ts as_of);
/* The footer, the table script, </main></body></html>. */
void paper__report_footer(GString *s);

void paper__report_esc(GString *s, const char *text);
/* 1234567.891 -> "1,234,567.89" (decimals digits); "n/a" when not finite. */
void paper__report_money(GString *s, double v, int decimals);
void paper__report_percent(GString *s, double fraction);
void paper__report_ratio(GString *s, double v);

/* ---- shared by the charts (svg_charts.c) ---- */

/* Days since 1970-01-01 of a time (floor), and its UTC calendar date. */
int64_t paper__report_day(paper_ts ts);
void paper__report_ymd(paper_ts ts, int *year, int *month, int *day);
/* "Jan" .. "Dec" for 1 .. 12. */
const char *paper__report_month_name(int month);
/* Date ticks (gridline and label) along x0..x1 for times t0..t1: days, weeks, months or
   years, whichever gives at most about six. */
void paper__report_date_ticks(GString *s, paper_ts t0, paper_ts t1, double x0, double x1,
			      double grid_top, double grid_bottom, double label_y);
/* A fill colour for a return: green for gains, red for losses, deeper up to |r| = scale. */
void paper__report_return_colour(char *buf, size_t cap, double r, double scale);

/* ---- live feeds (report_feeds.c) ---- */

/* The "Live feeds" section: a table of the feeds' health (n may be 0: no section). */
void paper__report_feeds(GString *s, const paper_feed_health_info *feeds, const paper_ts *written,
			 size_t n);

/* ---- the tear sheet (report_tearsheet.c) ---- */

/* Key figures, monthly heatmap, yearly returns, rolling Sharpe, histogram and underwater
   curve of a report, as sections (m may be NULL: a note instead). */
void paper__report_tearsheet(GString *s, const paper_metrics *m);

/* ---- the judgement sections (report_gate.c) ---- */

struct paper_readiness;
void paper__report_readiness(GString *s, const struct paper_readiness *r);
void paper__report_recommendations(GString *s, const struct paper_readiness *r);
void paper__report_drift(GString *s, const paper_drift *d);

/* ---- the dashboard's charts (report_svg.c) ---- */

/* The equity curve with the drawdown panel under it, as inline SVG. */
void paper__report_equity_svg(GString *s, const paper_broker *b);

/* Closed trades per exit reason as horizontal bars (m may be NULL). */
void paper__report_exits_svg(GString *s, const paper_metrics *m);

/* ---- P&L by asset class and by underlying (report_groups.c) ---- */

/* Two tables: closed trades' net P&L and open positions' unrealized P&L per asset class and
   per underlying (an option's or a future's underlying; any other symbol is its own). */
void paper__report_pnl_groups(GString *s, const paper_broker *b);

#endif
