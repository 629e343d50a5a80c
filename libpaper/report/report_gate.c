/*
 * The dashboard's judgement sections: the readiness gate (each criterion with its value,
 * threshold and verdict, and its small-sample warning), the recommendations, and the paper
 * versus backtest comparison. Every number is also in a data-* attribute for tools.
 */
#include "report/readiness.h"
#include "report/report.h"

#include <math.h>
#include <string.h>

/* A number as people read it for a criterion: percentages for fractions, days, counts. */
static void shown(GString *s, const char *id, double v)
{
	if (isnan(v)) {
		g_string_append(s, "n/a");
		return;
	}
	if (isinf(v)) {
		g_string_append(s, v > 0 ? "&#8734;" : "-&#8734;");
		return;
	}
	if (strcmp(id, "min_win_rate") == 0 || strcmp(id, "max_drawdown") == 0)
		g_string_append_printf(s, "%.2f%%", v * 100);
	else if (strcmp(id, "min_trades") == 0 || strcmp(id, "errors") == 0 ||
		 strcmp(id, "min_trading_days") == 0)
		g_string_append_printf(s, "%.0f", v);
	else if (strcmp(id, "min_track_record") == 0)
		g_string_append_printf(s, "%.1f", v);
	else
		g_string_append_printf(s, "%.2f", v);
}

static void attr_number(GString *s, const char *name, double v)
{
	g_string_append_printf(s, " %s=\"", name);
	if (isfinite(v))
		g_string_append_printf(s, "%.10g", v);
	else
		g_string_append(s, isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
	g_string_append_c(s, '"');
}

void paper__report_readiness(GString *s, const paper_readiness *r)
{
	g_string_append(s, "<section><h2>Readiness</h2><ul class=\"check\">");
	for (size_t i = 0; i < r->n_c; i++) {
		const paper_readiness_criterion *c = &r->c[i];
		g_string_append_printf(s, "<li class=\"%s\" data-check=\"%s\" data-pass=\"%s\"",
				       c->pass ? "pass" : "fail", c->id, c->pass ? "true" : "false");
		attr_number(s, "data-value", c->value);
		attr_number(s, "data-threshold", c->threshold);
		g_string_append_printf(s, " data-small-sample=\"%s\"><span>", c->small_sample ? "true"
											  : "false");
		g_string_append(s, c->label);
		g_string_append(s, ": ");
		shown(s, c->id, c->value);
		g_string_append_printf(s, " (%s ", c->op[0] == '>' ? "at least" : "at most");
		shown(s, c->id, c->threshold);
		g_string_append(s, ")");
		if (c->note[0]) {
			g_string_append_printf(s, " <small class=\"%s\">", c->small_sample ? "down" : "");
			if (c->small_sample)
				g_string_append(s, "&#9888; ");
			paper__report_esc(s, c->note);
			g_string_append(s, "</small>");
		}
		g_string_append(s, "</span></li>");
	}
	g_string_append_printf(s, "</ul><div class=\"verdict %s\" data-ready=\"%s\">%s</div></section>\n",
			       r->ready ? "up" : "down", r->ready ? "true" : "false",
			       r->ready ? "Ready: every criterion passes." : "Not ready yet.");
}

void paper__report_recommendations(GString *s, const paper_readiness *r)
{
	g_string_append_printf(s, "<section><h2>Recommendations</h2><ul class=\"advice\" "
			       "data-recommendations=\"%zu\">", r->n_rec);
	for (size_t i = 0; i < r->n_rec; i++) {
		const paper_recommendation *x = &r->rec[i];
		g_string_append_printf(s, "<li data-rule=\"%s\"", x->id);
		attr_number(s, "data-value", x->value);
		attr_number(s, "data-threshold", x->threshold);
		g_string_append_c(s, '>');
		paper__report_esc(s, x->text);
		g_string_append(s, "</li>");
	}
	g_string_append(s, "</ul>");
	if (r->n_rec == 0)
		g_string_append(s, "<div class=\"empty\">No rule applies to this account's numbers.</div>");
	g_string_append(s, "</section>\n");
}

/* ---- paper versus backtest ---- */

/* The shortest text that reads back as v (3.45, not 3.4500000000000002). */
static const char *exact(char buf[32], double v)
{
	static const char *const formats[] = { "%.15g", "%.16g", "%.17g" };
	for (int i = 0; i < 3; i++) {
		g_snprintf(buf, 32, formats[i], v);
		if (g_ascii_strtod(buf, NULL) == v)
			break;
	}
	return buf;
}

static void money_cell(GString *s, double v)
{
	const char *tone = v > 0 ? " class=\"up\"" : v < 0 ? " class=\"down\"" : "";
	g_string_append_printf(s, "<td%s>", tone);
	if (isnan(v))
		g_string_append(s, "-");
	else
		paper__report_money(s, v, 2);
	g_string_append(s, "</td>");
}

static void num_cell(GString *s, double v, const char *fmt)
{
	if (isnan(v))
		g_string_append(s, "<td>-</td>");
	else {
		g_string_append(s, "<td>");
		g_string_append_printf(s, fmt, v);
		g_string_append(s, "</td>");
	}
}

static void drift_row(GString *s, const paper_drift_row *r)
{
	char a[TS_TEXT_CAP], b[TS_TEXT_CAP];
	bool p = r->kind != PAPER_DRIFT_MISSED, k = r->kind != PAPER_DRIFT_EXTRA;
	report_time(a, p ? r->paper_entry_ts : 0);
	report_time(b, k ? r->backtest_entry_ts : 0);
	g_string_append_printf(s, "<tr data-kind=\"%s\" data-match=\"%s\" data-symbol=\"",
			       paper_drift_kind_str(r->kind), paper_drift_match_str(r->match));
	paper__report_esc(s, r->symbol);
	char v[32];
	g_string_append_printf(s, "\" data-pnl-drift=\"%s\"><td class=\"t\">%s</td><td>",
			       exact(v, r->pnl_drift), paper_drift_kind_str(r->kind));
	paper__report_esc(s, r->symbol);
	g_string_append_printf(s, "</td><td class=\"t\">%s</td><td class=\"t\">",
			       paper_direction_str(r->direction));
	paper__report_esc(s, r->signal_id);
	g_string_append_printf(s, "</td><td>%s</td><td>%s</td>", a, b);
	num_cell(s, r->entry_delay, "%+.0fs");
	num_cell(s, r->entry_drift_bps, "%+.2f");
	num_cell(s, r->exit_drift_bps, "%+.2f");
	money_cell(s, p ? r->paper_pnl : NAN);
	money_cell(s, k ? r->backtest_pnl : NAN);
	money_cell(s, r->pnl_drift);
	g_string_append(s, "</tr>");
}

void paper__report_drift(GString *s, const paper_drift *d)
{
	paper_drift_summary x = PAPER_DRIFT_SUMMARY_INIT;
	if (paper_drift_summary_get(d, &x) != PAPER_OK)
		return;
	char a[32], b[32], c[32];
	g_string_append_printf(s, "<section class=\"drift\" data-matched=\"%" G_GUINT64_FORMAT
			       "\" data-missed=\"%" G_GUINT64_FORMAT "\" data-extra=\"%"
			       G_GUINT64_FORMAT "\" data-pnl-drift=\"%s\" data-realised-slippage="
			       "\"%s\" data-modelled-slippage=\"%s\"><h2>Paper versus backtest"
			       "</h2><dl class=\"facts\">", x.matched, x.missed, x.extra,
			       exact(a, x.pnl_drift), exact(b, x.paper_slippage),
			       exact(c, x.backtest_slippage));
	g_string_append_printf(s, "<dt>Trades</dt><dd>paper %" G_GUINT64_FORMAT ", backtest %"
			       G_GUINT64_FORMAT "</dd><dt>Matched</dt><dd>%" G_GUINT64_FORMAT
			       " (%" G_GUINT64_FORMAT " by signal id, %" G_GUINT64_FORMAT
			       " by time)</dd><dt>Missed / extra</dt><dd>%" G_GUINT64_FORMAT " / %"
			       G_GUINT64_FORMAT "</dd>", x.paper_trades, x.backtest_trades, x.matched,
			       x.matched_by_signal_id, x.matched_by_time, x.missed, x.extra);
	g_string_append(s, "<dt>Net P&amp;L paper / backtest</dt><dd>");
	paper__report_money(s, x.paper_pnl, 2);
	g_string_append(s, " / ");
	paper__report_money(s, x.backtest_pnl, 2);
	g_string_append_printf(s, "</dd><dt>P&amp;L drift</dt><dd class=\"%s\">",
			       x.pnl_drift < 0 ? "down" : x.pnl_drift > 0 ? "up" : "");
	paper__report_money(s, x.pnl_drift, 2);
	g_string_append(s, " = matched ");
	paper__report_money(s, x.matched_pnl_drift, 2);
	g_string_append(s, " + extra ");
	paper__report_money(s, x.extra_pnl, 2);
	g_string_append(s, " &#8722; missed ");
	paper__report_money(s, x.missed_pnl, 2);
	g_string_append(s, "</dd><dt>Entry / exit delay (mean)</dt><dd>");
	if (x.matched)
		g_string_append_printf(s, "%+.0fs / %+.0fs", x.mean_entry_delay, x.mean_exit_delay);
	else
		g_string_append(s, "n/a");
	g_string_append(s, "</dd><dt>Slippage realised / modelled</dt><dd>");
	paper__report_money(s, x.paper_slippage, 2);
	g_string_append(s, " / ");
	paper__report_money(s, x.backtest_slippage, 2);
	g_string_append(s, "</dd></dl><div class=\"scroll\"><table><thead><tr><th class=\"t\">Kind</th>"
			   "<th>Symbol</th><th class=\"t\">Side</th><th class=\"t\">Signal</th>"
			   "<th>Entry (paper)</th><th>Entry (backtest)</th><th>Delay</th>"
			   "<th>Entry bps</th><th>Exit bps</th><th>P&amp;L paper</th>"
			   "<th>P&amp;L backtest</th><th>Drift</th></tr></thead><tbody>");
	size_t n = paper_drift_row_count(d);
	for (size_t i = 0; i < n; i++) {
		paper_drift_row r = PAPER_DRIFT_ROW_INIT;
		if (paper_drift_row_at(d, i, &r) == PAPER_OK)
			drift_row(s, &r);
	}
	g_string_append(s, "</tbody></table>");
	if (n == 0)
		g_string_append(s, "<div class=\"empty\">No closed trades on either side.</div>");
	g_string_append(s, "</div></section>\n");
}
