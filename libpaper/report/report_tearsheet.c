/*
 * The tear sheet: what a quant looks at after a backtest, as quantstats and pyfolio draw it,
 * from a metrics report. Key figures, the monthly returns heatmap, yearly returns, the
 * rolling 6-month Sharpe ratio, the histogram of returns and the underwater curve, each an
 * inline SVG whose elements carry their exact values in data-* attributes.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "metrics/metrics.h"
#include "report/report.h"

#define W 640.0
#define MAX_LINE_POINTS 800 /* more points than pixels only makes the page larger */
#define BINS 20

/* ---- key figures ---- */

typedef enum fig_kind { FIG_PCT, FIG_RATIO, FIG_COUNT } fig_kind;

typedef struct figure {
	const char *key, *label;
	fig_kind kind;
} figure;

static const figure figures[] = {
	{ "total_return", "Total return", FIG_PCT },
	{ "cagr", "CAGR", FIG_PCT },
	{ "annual_volatility", "Volatility (annual)", FIG_PCT },
	{ "sharpe_ratio", "Sharpe", FIG_RATIO },
	{ "sortino_ratio", "Sortino", FIG_RATIO },
	{ "calmar_ratio", "Calmar", FIG_RATIO },
	{ "omega_ratio", "Omega", FIG_RATIO },
	{ "max_drawdown", "Max drawdown", FIG_PCT },
	{ "ulcer_index", "Ulcer index", FIG_RATIO },
	{ "recovery_factor", "Recovery factor", FIG_RATIO },
	{ "stability_of_timeseries", "Stability (R\xc2\xb2)", FIG_RATIO },
	{ "skew", "Skew", FIG_RATIO },
	{ "kurtosis", "Kurtosis (excess)", FIG_RATIO },
	{ "tail_ratio", "Tail ratio", FIG_RATIO },
	{ "value_at_risk", "Daily VaR (95%, historical)", FIG_PCT },
	{ "conditional_value_at_risk", "Daily CVaR (95%)", FIG_PCT },
	{ "best_day", "Best day", FIG_PCT },
	{ "worst_day", "Worst day", FIG_PCT },
	{ "exposure", "Exposure (time in market)", FIG_PCT },
	{ "consecutive_wins", "Longest winning days", FIG_COUNT },
	{ "consecutive_losses", "Longest losing days", FIG_COUNT },
	{ "alpha", "Alpha (annual)", FIG_PCT },
	{ "beta", "Beta", FIG_RATIO },
	{ "information_ratio", "Information ratio", FIG_RATIO },
	{ "kelly_criterion", "Kelly fraction (trades)", FIG_PCT },
};

static void data_value(GString *s, double v)
{
	if (isfinite(v))
		g_string_append_printf(s, "%.17g", v);
	else
		g_string_append(s, isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
}

static void key_figures(GString *s, const paper_metrics *m)
{
	g_string_append(s, "<section><h2>Key figures</h2><div class=\"scroll\">"
			   "<table class=\"figs\"><tbody>");
	for (size_t i = 0; i < sizeof figures / sizeof *figures; i++) {
		double v = NAN;
		paper_metrics_get(m, figures[i].key, &v);
		/* A benchmark figure without a benchmark says nothing: leave the row out. */
		if (isnan(v) && (strcmp(figures[i].key, "alpha") == 0 ||
				 strcmp(figures[i].key, "beta") == 0 ||
				 strcmp(figures[i].key, "information_ratio") == 0))
			continue;
		g_string_append_printf(s, "<tr><td>%s</td><td data-key=\"%s\" data-value=\"",
				       figures[i].label, figures[i].key);
		data_value(s, v);
		g_string_append(s, "\">");
		if (figures[i].kind == FIG_PCT)
			paper__report_percent(s, v);
		else if (figures[i].kind == FIG_COUNT && isfinite(v))
			g_string_append_printf(s, "%.0f", v);
		else
			paper__report_ratio(s, v);
		g_string_append(s, "</td></tr>");
	}
	g_string_append(s, "</tbody></table></div></section>");
}

/* ---- calendar returns ---- */

typedef struct period_return {
	int year, month; /* month 0 for a year */
	double growth;   /* product of (1 + r) */
} period_return;

/* Returns compounded by calendar month (months true) or year, keyed by their end point. */
static GArray *calendar_returns(const paper_metrics *m, bool months)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(period_return));
	for (size_t i = 1; i < m->n_points; i++) {
		int y, mo, d;
		paper__report_ymd(m->ts[i], &y, &mo, &d);
		if (!months)
			mo = 0;
		period_return *last = a->len ? &g_array_index(a, period_return, a->len - 1) : NULL;
		if (last && last->year == y && last->month == mo) {
			last->growth *= 1 + m->returns[i - 1];
		} else {
			period_return p = { y, mo, 1 + m->returns[i - 1] };
			g_array_append_val(a, p);
		}
	}
	return a;
}

static double largest_abs(const GArray *a)
{
	double most = 0;
	for (guint i = 0; i < a->len; i++)
		most = fmax(most, fabs(g_array_index(a, period_return, i).growth - 1));
	return most;
}

static void empty_chart(GString *s, const char *title, const char *why)
{
	g_string_append_printf(s, "<section><h2>%s</h2><div class=\"empty\">%s</div></section>",
			       title, why);
}

static void monthly_heatmap(GString *s, const paper_metrics *m)
{
	GArray *a = calendar_returns(m, true);
	if (a->len == 0) {
		empty_chart(s, "Monthly returns", "Not enough history for a month yet.");
		g_array_free(a, TRUE);
		return;
	}
	int y0 = g_array_index(a, period_return, 0).year;
	int y1 = g_array_index(a, period_return, a->len - 1).year;
	double cw = (W - 50) / 12, ch = 26, top = 20, scale = largest_abs(a);
	double h = top + ch * (y1 - y0 + 1) + 4;
	g_string_append_printf(s, "<section><h2>Monthly returns</h2><div class=\"scroll\">"
			       "<svg class=\"chart heatmap\" "
			       "viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"Monthly returns "
			       "heatmap\" data-months=\"%u\">", W, h, a->len);
	for (int mo = 1; mo <= 12; mo++)
		g_string_append_printf(s, "<text class=\"lab\" x=\"%.1f\" y=\"14\" "
				       "text-anchor=\"middle\">%s</text>",
				       50 + cw * (mo - 0.5), paper__report_month_name(mo));
	for (int y = y0; y <= y1; y++)
		g_string_append_printf(s, "<text class=\"lab\" x=\"0\" y=\"%.1f\">%d</text>",
				       top + ch * (y - y0) + 18, y);
	for (guint i = 0; i < a->len; i++) {
		const period_return *p = &g_array_index(a, period_return, i);
		double r = p->growth - 1, x = 50 + cw * (p->month - 1), yy = top + ch * (p->year - y0);
		char fill[16];
		paper__report_return_colour(fill, sizeof fill, r, scale);
		g_string_append_printf(s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				       "rx=\"2\" fill=\"%s\" data-month=\"%04d-%02d\" data-return=\"",
				       x + 1, yy + 1, cw - 2, ch - 2, fill, p->year, p->month);
		data_value(s, r);
		g_string_append_printf(s, "\"/><text class=\"cell\" x=\"%.1f\" y=\"%.1f\" "
				       "text-anchor=\"middle\" font-size=\"11\" fill=\"%s\">%.1f</text>",
				       x + cw / 2, yy + 17, fabs(r) > 0.6 * scale ? "#fff" : "#1d2330",
				       r * 100);
	}
	g_string_append(s, "</svg></div><p class=\"note\">Percent, compounded from the daily returns "
			   "within each UTC month.</p></section>");
	g_array_free(a, TRUE);
}

static void yearly_bars(GString *s, const paper_metrics *m)
{
	GArray *a = calendar_returns(m, false);
	if (a->len == 0) {
		empty_chart(s, "Yearly returns", "Not enough history yet.");
		g_array_free(a, TRUE);
		return;
	}
	double h = 220, top = 20, bottom = 190;
	double hi = 0, lo = 0;
	for (guint i = 0; i < a->len; i++) {
		double r = g_array_index(a, period_return, i).growth - 1;
		hi = fmax(hi, r);
		lo = fmin(lo, r);
	}
	/* A scale of at least 1%, so a flat year does not fill the chart. */
	if (hi - lo < 0.01)
		hi = lo + 0.01;
	double zero = top + (bottom - top) * hi / (hi - lo), bw = (W - 20) / a->len;
	g_string_append_printf(s, "<section><h2>Yearly returns</h2><svg class=\"chart yearly\" "
			       "viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"Yearly returns\" "
			       "data-years=\"%u\"><line x1=\"10\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" "
			       "stroke=\"#c5cbd6\"/>", W, h, a->len, zero, W - 10, zero);
	for (guint i = 0; i < a->len; i++) {
		const period_return *p = &g_array_index(a, period_return, i);
		double r = p->growth - 1, y = top + (bottom - top) * (hi - r) / (hi - lo);
		double x = 10 + bw * i + bw * 0.15, w = bw * 0.7;
		g_string_append_printf(s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				       "fill=\"%s\" data-year=\"%d\" data-return=\"", x, fmin(y, zero),
				       w, fmax(fabs(zero - y), 0.5), r >= 0 ? "#0f8a4b" : "#c2362c",
				       p->year);
		data_value(s, r);
		g_string_append_printf(s, "\"/><text class=\"lab\" x=\"%.1f\" y=\"%.0f\" "
				       "text-anchor=\"middle\">%d: %.1f%%</text>", x + w / 2, h - 8,
				       p->year, r * 100);
	}
	g_string_append(s, "</svg></section>");
	g_array_free(a, TRUE);
}

/* ---- rolling Sharpe ---- */

/* Sharpe of each window of w returns ending at i = w - 1 .. n - 1; NaN where flat. */
static double *rolling_sharpe(const double *r, size_t n, size_t w, double ppy)
{
	double *out = g_new(double, n - w + 1);
	/* Sums of deviations from r[0] keep the running variance from cancelling. */
	double k = r[0], s1 = 0, s2 = 0;
	for (size_t i = 0; i < n; i++) {
		double d = r[i] - k;
		s1 += d;
		s2 += d * d;
		if (i >= w) {
			double e = r[i - w] - k;
			s1 -= e;
			s2 -= e * e;
		}
		if (i + 1 < w)
			continue;
		double var = (s2 - s1 * s1 / (double)w) / (double)(w - 1);
		double mean = k + s1 / (double)w;
		out[i + 1 - w] = var > 0 ? mean / sqrt(var) * sqrt(ppy) : NAN;
	}
	return out;
}

/* x of a time on a time axis over t0..t1 (the first point when the span is 0). */
static double time_x(paper_ts t, paper_ts t0, paper_ts t1)
{
	return 10 + (W - 20) * (t1 > t0 ? (double)(t - t0) / (double)(t1 - t0) : 0.0);
}

/* A polyline of values over times, thinned to at most MAX_LINE_POINTS; NaNs are skipped. */
static void time_line(GString *s, const paper_ts *ts, const double *v, size_t n, double lo,
		      double hi, double top, double bottom, const char *colour)
{
	size_t step = n / MAX_LINE_POINTS + 1;
	g_string_append_printf(s, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" "
			       "points=\"", colour);
	for (size_t i = 0; i < n; i++) {
		if ((i % step && i != n - 1) || !isfinite(v[i]))
			continue;
		g_string_append_printf(s, "%.1f,%.1f ", time_x(ts[i], ts[0], ts[n - 1]),
				       top + (bottom - top) * (hi - v[i]) / (hi - lo));
	}
	g_string_append(s, "\"/>");
}

static void rolling_sharpe_chart(GString *s, const paper_metrics *m)
{
	size_t n = m->n_points ? m->n_points - 1 : 0;
	size_t w = (size_t)lround(m->o.periods_per_year / 2);
	if (w < 2)
		w = 2;
	if (n < w) {
		char why[128];
		snprintf(why, sizeof why, "Needs %zu returns for a 6-month window; there are %zu.", w,
			 n);
		empty_chart(s, "Rolling 6-month Sharpe", why);
		return;
	}
	double *sh = rolling_sharpe(m->returns, n, w, m->o.periods_per_year);
	size_t k = n - w + 1;
	double lo = 0, hi = 0;
	for (size_t i = 0; i < k; i++)
		if (isfinite(sh[i])) {
			lo = fmin(lo, sh[i]);
			hi = fmax(hi, sh[i]);
		}
	if (hi - lo < 1e-12)
		hi = lo + 1;
	double h = 220, top = 16, bottom = 190, zero = top + (bottom - top) * hi / (hi - lo);
	g_string_append_printf(s, "<section><h2>Rolling 6-month Sharpe</h2><svg class=\"chart "
			       "rolling\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"Rolling "
			       "Sharpe ratio\" data-window=\"%zu\" data-count=\"%zu\" data-last=\"",
			       W, h, w, k);
	data_value(s, sh[k - 1]);
	g_string_append_printf(s, "\"><line x1=\"10\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" "
			       "stroke=\"#c5cbd6\"/>", zero, W - 10, zero);
	/* The window ending at return i ends at curve point i + 1. */
	time_line(s, m->ts + w, sh, k, lo, hi, top, bottom, "#2456c7");
	paper__report_date_ticks(s, m->ts[w], m->ts[n], 10, W - 10, top, bottom, h - 6);
	g_string_append_printf(s, "<text class=\"lab\" x=\"12\" y=\"%.1f\">%.2f</text>"
			       "<text class=\"lab\" x=\"12\" y=\"%.1f\">%.2f</text></svg>"
			       "<p class=\"note\">%zu returns a window (half of %.0f periods a year)."
			       "</p></section>", top + 10, hi, bottom - 4, lo, w, m->o.periods_per_year);
	g_free(sh);
}

/* ---- histogram ---- */

static void histogram(GString *s, const paper_metrics *m)
{
	size_t n = m->n_points ? m->n_points - 1 : 0;
	if (n == 0) {
		empty_chart(s, "Distribution of returns", "No returns yet.");
		return;
	}
	double lo = m->returns[0], hi = lo;
	for (size_t i = 1; i < n; i++) {
		lo = fmin(lo, m->returns[i]);
		hi = fmax(hi, m->returns[i]);
	}
	size_t bins = hi > lo ? BINS : 1, count[BINS] = { 0 }, most = 1;
	double width = hi > lo ? (hi - lo) / BINS : 0;
	for (size_t i = 0; i < n; i++) {
		size_t b = width > 0 ? (size_t)((m->returns[i] - lo) / width) : 0;
		b = b >= bins ? bins - 1 : b; /* the maximum belongs to the last bin */
		count[b]++;
	}
	for (size_t b = 0; b < bins; b++)
		most = count[b] > most ? count[b] : most;
	double h = 220, top = 16, bottom = 190, bw = (W - 20) / (double)bins;
	g_string_append_printf(s, "<section><h2>Distribution of returns</h2><svg class=\"chart "
			       "histogram\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\""
			       "Histogram of returns\" data-bins=\"%zu\" data-total=\"%zu\">", W, h,
			       bins, n);
	for (size_t b = 0; b < bins; b++) {
		double bl = lo + width * (double)b, bh = b + 1 == bins ? hi : bl + width;
		double y = bottom - (bottom - top) * (double)count[b] / (double)most;
		g_string_append_printf(s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				       "fill=\"%s\" data-lo=\"%.17g\" data-hi=\"%.17g\" "
				       "data-count=\"%zu\"/>", 10 + bw * (double)b + 0.5, y, bw - 1,
				       bottom - y, bh <= 0 ? "#c2362c" : "#0f8a4b", bl, bh, count[b]);
	}
	g_string_append_printf(s, "<text class=\"lab\" x=\"10\" y=\"%.0f\">%.2f%%</text>"
			       "<text class=\"lab\" x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">%.2f%%"
			       "</text></svg><p class=\"note\">%zu returns in %zu bins of equal "
			       "width.</p></section>", h - 8, lo * 100, W - 10, h - 8, hi * 100, n, bins);
}

/* ---- underwater ---- */

static void underwater(GString *s, const paper_metrics *m)
{
	size_t n = m->n_points;
	if (n < 2) {
		empty_chart(s, "Underwater", "Not enough history for a curve yet.");
		return;
	}
	double worst = 0;
	for (size_t i = 0; i < n; i++)
		worst = fmin(worst, m->drawdown[i]);
	double depth = worst < 0 ? -worst : 0.01, h = 200, top = 12, bottom = 170;
	g_string_append_printf(s, "<section><h2>Underwater</h2><svg class=\"chart underwater\" "
			       "viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"Drawdown from "
			       "the running peak\" data-points=\"%zu\" data-min=\"", W, h, n);
	data_value(s, worst);
	g_string_append(s, "\">");
	paper__report_date_ticks(s, m->ts[0], m->ts[n - 1], 10, W - 10, top, bottom, h - 6);
	g_string_append_printf(s, "<polygon fill=\"#c2362c\" fill-opacity=\"0.25\" stroke=\"#c2362c\" "
			       "stroke-width=\"1\" points=\"10,%.1f ", top);
	size_t step = n / MAX_LINE_POINTS + 1;
	double last_x = 10;
	for (size_t i = 0; i < n; i++) {
		if (i % step && i != n - 1)
			continue;
		last_x = time_x(m->ts[i], m->ts[0], m->ts[n - 1]);
		g_string_append_printf(s, "%.1f,%.1f ", last_x,
				       top + (bottom - top) * (-m->drawdown[i]) / depth);
	}
	g_string_append_printf(s, "%.1f,%.1f\"/><text class=\"lab\" x=\"12\" y=\"%.1f\">0%%</text>"
			       "<text class=\"lab\" x=\"12\" y=\"%.1f\">%.2f%%</text></svg>"
			       "</section>", last_x, top, top + 12, bottom - 4, worst * 100);
}

void paper__report_tearsheet(GString *s, const paper_metrics *m)
{
	g_string_append(s, "<h2 class=\"sheet\" id=\"tearsheet\">Tear sheet</h2>");
	if (m == NULL) {
		g_string_append(s, "<div class=\"empty\">No report: see the error above.</div>");
		return;
	}
	g_string_append_printf(s, "<p class=\"note\" data-periods-per-year=\"%.17g\" "
			       "data-periods-per-year-from=\"%s\">Returns between the curve's points, "
			       "annualized with %.0f periods a year (%s).</p><div class=\"grid3\">",
			       m->o.periods_per_year, m->ppy_source, m->o.periods_per_year,
			       strcmp(m->ppy_source, "calendar") == 0
				       ? "from the data's calendar: 365 when it trades on Saturdays"
				       : strcmp(m->ppy_source, "config") == 0
				       ? "metrics.periods_per_year" : "as set");
	key_figures(s, m);
	monthly_heatmap(s, m);
	yearly_bars(s, m);
	rolling_sharpe_chart(s, m);
	histogram(s, m);
	underwater(s, m);
	g_string_append(s, "</div>\n");
}
