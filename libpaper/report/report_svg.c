/*
 * Inline SVG charts for the dashboard. They scale with the page (viewBox, width 100%) and need
 * no script: the equity curve with its drawdown below and date ticks (UTC) along the bottom,
 * and the exit reasons as bars.
 */
#include <math.h>
#include <string.h>

#include "report/report.h"

#define W 800.0
#define X0 4.0        /* the plot spans the whole width; labels sit above their gridlines */
#define X1 796.0
#define EQ_TOP 26.0   /* equity panel */
#define EQ_H 180.0
#define DD_TOP 250.0  /* drawdown panel */
#define DD_H 56.0
#define H 340.0
#define GRID 4        /* equity gridlines */
#define MAX_POINTS 800 /* more points than pixels only makes the file larger */

typedef struct curve {
	paper_ts *ts;
	double *eq;
	size_t n;
} curve;

/* The broker's snapshots plus the account now, thinned to at most MAX_POINTS. */
static curve load_curve(const paper_broker *b)
{
	size_t n = paper_broker_equity_count(b);
	size_t step = n / MAX_POINTS + 1;
	curve c = { g_new(paper_ts, n / step + 2), g_new(double, n / step + 2), 0 };

	for (size_t i = 0; i < n; i += step) {
		paper_equity_info e = PAPER_EQUITY_INFO_INIT;
		if (paper_broker_equity_at(b, i, &e) != PAPER_OK)
			continue;
		c.ts[c.n] = e.ts;
		c.eq[c.n++] = e.equity;
	}
	paper_account_info a = PAPER_ACCOUNT_INFO_INIT;
	if (paper_broker_account(b, &a) == PAPER_OK && (c.n == 0 || a.ts >= c.ts[c.n - 1])) {
		c.ts[c.n] = a.ts;
		c.eq[c.n++] = a.equity;
	}
	return c;
}

static double x_at(const curve *c, size_t i)
{
	paper_ts t0 = c->ts[0], t1 = c->ts[c->n - 1];
	double f = t1 > t0 ? (double)(c->ts[i] - t0) / (double)(t1 - t0) : (double)i / (double)(c->n - 1);
	return X0 + f * (X1 - X0);
}

/* An axis value: 102,097 (large amounts without cents), 95.50 (small ones with). */
static void axis_value(char *buf, size_t cap, double v, double span)
{
	char digits[64];
	g_snprintf(digits, sizeof digits, "%.*f", span >= 100 ? 0 : 2, fabs(v));
	const char *dot = strchr(digits, '.');
	size_t int_len = dot ? (size_t)(dot - digits) : strlen(digits), o = 0;
	if (v < 0 && o + 1 < cap)
		buf[o++] = '-';
	for (size_t i = 0; i < int_len && o + 2 < cap; i++) {
		if (i && (int_len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	g_strlcpy(buf + o, dot ? dot : "", cap - o);
}

/* A label just above a gridline (class lab: its size follows the page width, see the CSS). */
static void label(GString *s, double x, double y, const char *anchor, const char *text)
{
	g_string_append_printf(s, "<text class=\"lab\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s"
			       "</text>", x, y - 5, anchor, text);
}

static void gridline(GString *s, double y, const char *color)
{
	g_string_append_printf(s, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" "
			       "stroke=\"%s\" stroke-width=\"1\"/>", X0, y, X1, y, color);
}

static void equity_panel(GString *s, const curve *c, double lo, double hi)
{
	double span = hi - lo;
	char text[48];

	for (int g = 0; g < GRID; g++)
		gridline(s, EQ_TOP + EQ_H * g / (GRID - 1), "#e3e6ec");
	/* The area under the curve, then the curve itself over it. */
	g_string_append_printf(s, "<polygon fill=\"#2456c7\" fill-opacity=\"0.07\" points=\"%.1f,%.1f ",
			       x_at(c, 0), EQ_TOP + EQ_H);
	for (size_t i = 0; i < c->n; i++)
		g_string_append_printf(s, "%.1f,%.1f ", x_at(c, i), EQ_TOP + EQ_H * (hi - c->eq[i]) / span);
	g_string_append_printf(s, "%.1f,%.1f\"/>", x_at(c, c->n - 1), EQ_TOP + EQ_H);
	g_string_append(s, "<polyline fill=\"none\" stroke=\"#2456c7\" stroke-width=\"2\" "
			   "stroke-linejoin=\"round\" points=\"");
	for (size_t i = 0; i < c->n; i++)
		g_string_append_printf(s, "%.1f,%.1f ", x_at(c, i), EQ_TOP + EQ_H * (hi - c->eq[i]) / span);
	g_string_append_printf(s, "\"/><circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#2456c7\"/>",
			       x_at(c, c->n - 1), EQ_TOP + EQ_H * (hi - c->eq[c->n - 1]) / span);
	/* Labels last, so the curve never hides them. */
	for (int g = 0; g < GRID; g++) {
		axis_value(text, sizeof text, hi - span * g / (GRID - 1), span);
		label(s, X0, EQ_TOP + EQ_H * g / (GRID - 1), "start", text);
	}
}

static void drawdown_panel(GString *s, const curve *c)
{
	double peak = c->eq[0], worst = 0;
	double *dd = g_new(double, c->n);
	char text[48];

	for (size_t i = 0; i < c->n; i++) {
		peak = fmax(peak, c->eq[i]);
		dd[i] = peak > 0 ? c->eq[i] / peak - 1.0 : 0.0;
		worst = fmin(worst, dd[i]);
	}
	double depth = worst < 0 ? -worst : 1.0;
	gridline(s, DD_TOP, "#c5cbd6");
	if (worst < 0)
		gridline(s, DD_TOP + DD_H, "#f0d5d2");
	g_string_append_printf(s, "<polygon fill=\"#c2362c\" fill-opacity=\"0.22\" stroke=\"#c2362c\" "
			       "stroke-width=\"1\" stroke-linejoin=\"round\" points=\"%.1f,%.1f ",
			       x_at(c, 0), DD_TOP);
	for (size_t i = 0; i < c->n; i++)
		g_string_append_printf(s, "%.1f,%.1f ", x_at(c, i), DD_TOP + DD_H * (-dd[i]) / depth);
	g_string_append_printf(s, "%.1f,%.1f\"/>", x_at(c, c->n - 1), DD_TOP);
	label(s, X0, DD_TOP, "start", "Drawdown 0%");
	if (worst < 0) {
		g_snprintf(text, sizeof text, "%.2f%%", worst * 100);
		label(s, X0, DD_TOP + DD_H, "start", text);
	}
	g_free(dd);
}

void paper__report_equity_svg(GString *s, const paper_broker *b)
{
	curve c = load_curve(b);

	if (c.n < 2) {
		g_string_append(s, "<div class=\"empty\">Not enough history for a curve yet.</div>");
	} else {
		double lo = c.eq[0], hi = c.eq[0];
		for (size_t i = 1; i < c.n; i++) {
			lo = fmin(lo, c.eq[i]);
			hi = fmax(hi, c.eq[i]);
		}
		/* A flat curve still gets a scale: half a percent around it. */
		if (hi - lo < fabs(hi) * 1e-9 + 1e-9) {
			lo -= fmax(fabs(lo) * 0.005, 0.01);
			hi += fmax(fabs(hi) * 0.005, 0.01);
		}
		g_string_append_printf(s, "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
				       "aria-label=\"Equity curve and drawdown\" data-points=\"%zu\">", W, H,
				       c.n);
		/* Date ticks first, under everything; the time axis is in UTC. */
		paper__report_date_ticks(s, c.ts[0], c.ts[c.n - 1], X0, X1, EQ_TOP, DD_TOP + DD_H,
					 H - 2);
		equity_panel(s, &c, lo, hi);
		drawdown_panel(s, &c);
		g_string_append(s, "</svg>");
	}
	g_free(c.ts);
	g_free(c.eq);
}

void paper__report_exits_svg(GString *s, const paper_metrics *m)
{
	static const char *const reasons[] = { "take_profit", "stop_loss", "trailing_stop",
					       "time_limit", "reverse_signal", "manual",
					       "end_of_data", "force_exit", "expiry", NULL };
	double count[9] = { 0 }, most = 0;
	int rows = 0;

	for (int i = 0; m && reasons[i]; i++) {
		char key[64];
		g_snprintf(key, sizeof key, "exit_reasons.%s", reasons[i]);
		if (paper_metrics_get(m, key, &count[i]) != PAPER_OK || !isfinite(count[i]))
			count[i] = 0;
		most = fmax(most, count[i]);
		rows += count[i] > 0;
	}
	if (rows == 0) {
		g_string_append(s, "<div class=\"empty\">No closed trades yet.</div>");
		return;
	}
	g_string_append_printf(s, "<svg viewBox=\"0 0 400 %d\" role=\"img\" aria-label=\"Exit reasons\">",
			       rows * 30 + 10);
	for (int i = 0, row = 0; reasons[i]; i++) {
		if (count[i] <= 0)
			continue;
		double y = 10 + row++ * 30, w = 220.0 * count[i] / most;
		g_string_append_printf(s, "<text x=\"115\" y=\"%.0f\" text-anchor=\"end\" font-size=\"14\" "
				       "fill=\"#1d2330\">%s</text><rect x=\"122\" y=\"%.0f\" width=\"%.1f\" "
				       "height=\"18\" rx=\"3\" fill=\"#2456c7\" data-reason=\"%s\" "
				       "data-count=\"%.0f\"/><text x=\"%.1f\" y=\"%.0f\" font-size=\"14\" "
				       "fill=\"#1d2330\">%.0f</text>",
				       y + 13, reasons[i], y, w, reasons[i], count[i], 128 + w, y + 13, count[i]);
	}
	g_string_append(s, "</svg>");
}
