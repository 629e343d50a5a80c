/*
 * The HTML dashboard: one self-contained page (inline CSS, SVG and one small inline script
 * that only sorts and pages the trade table). Sections are written in order by small
 * functions over one GString; the page is in report_page.c, the account's charts in
 * report_svg.c and the tear sheet in report_tearsheet.c.
 */
#include <paper/report.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "base/atomicfile.h"
#include "base/error.h"
#include "config/config.h"
#include "market/broker.h"
#include "report/readiness.h"
#include "report/report.h"



typedef struct page {
	GString *s;
	const paper_broker *b;
	const paper_report_options *o;
	const paper_readiness_options *g; /* NULL: the checklist of libpaper 1.0 */
	const paper_feed_health_info *feeds; /* the live feeds, if any (report_feeds.c) */
	const paper_ts *written;
	size_t n_feeds;
	paper_metrics *m;
	paper_account_info a;
	/* With a ledger (options version 3): the inbox's refusals and their reasons. */
	bool inbox;
	paper_decision_counts dc;
	readiness_inbox refusals; /* the gate's count and the last refusal's time */
	GString *reasons;    /* <li> items, escaped */
} page;

static double metric(const page *p, const char *key)
{
	double v = NAN;
	if (p->m)
		paper_metrics_get(p->m, key, &v);
	return v;
}

/* ---- sections ---- */

static void head(page *p, const char *title)
{
	paper__report_head(p->s, title, p->o->refresh_seconds, p->a.ts);
}

typedef enum kpi_kind { KPI_MONEY, KPI_SIGNED, KPI_PERCENT, KPI_RATIO, KPI_COUNT } kpi_kind;

static void kpi(page *p, const char *id, const char *label, double v, kpi_kind kind)
{
	GString *s = p->s;
	const char *tone = "";
	if (kind == KPI_SIGNED && isfinite(v) && v != 0)
		tone = v > 0 ? " up" : " down";
	g_string_append_printf(s, "<div class=\"kpi\" data-kpi=\"%s\" data-value=\"", id);
	if (isfinite(v))
		g_string_append_printf(s, kind == KPI_COUNT ? "%.0f" : "%.10g", v);
	else
		g_string_append(s, isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
	g_string_append_printf(s, "\"><div class=\"label\">%s</div><div class=\"value%s\">", label,
			       tone);
	switch (kind) {
	case KPI_MONEY:
	case KPI_SIGNED:
		paper__report_money(s, v, 2);
		break;
	case KPI_PERCENT:
		paper__report_percent(s, v);
		break;
	case KPI_RATIO:
		paper__report_ratio(s, v);
		break;
	case KPI_COUNT:
		g_string_append_printf(s, "%.0f", v);
		break;
	}
	g_string_append(s, "</div></div>");
}

static void kpis(page *p)
{
	g_string_append(p->s, "<div class=\"kpis\">");
	kpi(p, "equity", "Equity", p->a.equity, KPI_MONEY);
	kpi(p, "cash", "Cash", p->a.cash, KPI_MONEY);
	/* Net of every fee paid, open positions' entry fees included: the cash it has made. The
	 * id says so, since paper_account_info.realized_pnl is before fees. */
	kpi(p, "realized_pnl_net", "Realized P&amp;L", p->a.realized_pnl - p->a.fees, KPI_SIGNED);
	kpi(p, "unrealized_pnl", "Unrealized P&amp;L", p->a.unrealized_pnl, KPI_SIGNED);
	kpi(p, "open_positions", "Open positions", (double)p->a.open_positions, KPI_COUNT);
	kpi(p, "win_rate", "Win rate", metric(p, "win_rate"), KPI_PERCENT);
	kpi(p, "sharpe_ratio", "Sharpe", metric(p, "sharpe_ratio"), KPI_RATIO);
	kpi(p, "max_drawdown", "Max drawdown", metric(p, "max_drawdown"), KPI_PERCENT);
	kpi(p, "profit_factor", "Profit factor", metric(p, "profit_factor"), KPI_RATIO);
	kpi(p, "rejections", "Rejected orders", (double)p->a.rejections, KPI_COUNT);
	if (p->inbox)
		kpi(p, "rejected_decisions", "Rejected decisions", (double)p->dc.rejected, KPI_COUNT);
	g_string_append(p->s, "</div>\n");
}

static void add_reason(const char *outcome, uint64_t count, void *payload)
{
	GString *s = payload;
	g_string_append_printf(s, "<li data-count=\"%" G_GUINT64_FORMAT "\">%" G_GUINT64_FORMAT
			       " &#215; ", count, count);
	paper__report_esc(s, *outcome ? outcome : "(no reason given)");
	g_string_append(s, "</li>");
}

/* The inbox's refusals, counted with the errors and listed under the checklist. */
static int read_inbox(page *p)
{
	const paper_report_options *o = p->o;
	if (o->version < 3 || o->ledger == NULL)
		return PAPER_OK;
	p->inbox = true;
	p->dc = (paper_decision_counts)PAPER_DECISION_COUNTS_INIT;
	p->reasons = g_string_new(NULL);
	const char *name = cfg_str(p->b->cfg, K_ACCOUNT_NAME);
	int rc = paper_ledger_decision_counts(o->ledger, name, &p->dc);
	if (rc == PAPER_OK)
		rc = readiness__read_inbox(o, p->b, &p->refusals);
	if (rc == PAPER_OK && p->dc.rejected > 0)
		rc = paper_ledger_decision_outcomes(o->ledger, name, PAPER_DECISION_REJECTED,
						    add_reason, p->reasons);
	return rc;
}

static void fact(page *p, const char *name, double v, bool sign)
{
	g_string_append_printf(p->s, "<dt>%s</dt><dd class=\"%s\">", name,
			       !sign || !isfinite(v) || v == 0 ? "" : v > 0 ? "up" : "down");
	if (sign && isfinite(v) && v > 0)
		g_string_append_c(p->s, '+');
	paper__report_money(p->s, v, 2);
	g_string_append(p->s, "</dd>");
}

/* The trade statistics behind the exit reasons, under their chart. */
static void trade_facts(page *p)
{
	double n = metric(p, "total_trades");
	if (!(n > 0))
		return;
	g_string_append_printf(p->s, "<dl class=\"facts\"><dt>Closed trades</dt><dd>%.0f</dd>"
			       "<dt>Won / lost</dt><dd>%.0f / %.0f</dd>", n, metric(p, "wins"),
			       metric(p, "losses"));
	fact(p, "Average win", metric(p, "avg_win"), true);
	fact(p, "Average loss", metric(p, "avg_loss"), true);
	fact(p, "Expectancy per trade", metric(p, "expectancy"), true);
	fact(p, "Fees paid", metric(p, "total_fees"), false);
	g_string_append(p->s, "</dl>");
}

static void cell_money(GString *s, double v, bool signed_tone);

/* Closed trades and their net P&L per exit reason, from the broker's trades. */
static void exit_pnl(page *p)
{
	double pnl[PAPER_EXIT_EXPIRY + 1] = { 0 };
	size_t count[PAPER_EXIT_EXPIRY + 1] = { 0 }, n = paper_broker_trade_count(p->b);
	for (size_t i = 0; i < n; i++) {
		paper_trade_info t = PAPER_TRADE_INFO_INIT;
		if (paper_broker_trade_at(p->b, i, &t) != PAPER_OK ||
		    (int)t.exit_reason < 0 || t.exit_reason > PAPER_EXIT_EXPIRY)
			continue;
		pnl[t.exit_reason] += t.pnl_net;
		count[t.exit_reason]++;
	}
	if (n == 0)
		return;
	g_string_append(p->s, "<div class=\"scroll\"><table class=\"exits\"><thead><tr>"
			      "<th class=\"t\">Exit reason</th><th>Trades</th><th>Net P&amp;L</th>"
			      "</tr></thead><tbody>");
	for (int r = 0; r <= PAPER_EXIT_EXPIRY; r++) {
		if (count[r] == 0)
			continue;
		g_string_append_printf(p->s, "<tr data-reason=\"%s\" data-pnl=\"%.17g\"><td class=\"t\">"
				       "%s</td><td>%zu</td>", paper_exit_reason_str(r), pnl[r],
				       paper_exit_reason_str(r), count[r]);
		cell_money(p->s, pnl[r], true);
		g_string_append(p->s, "</tr>");
	}
	g_string_append(p->s, "</tbody></table></div>");
}

static void charts(page *p)
{
	g_string_append(p->s, "<div class=\"grid2\"><section><h2>Equity and drawdown</h2>");
	paper__report_equity_svg(p->s, p->b);
	g_string_append(p->s, "</section><section><h2>Exit reasons</h2>");
	paper__report_exits_svg(p->s, p->m);
	exit_pnl(p);
	trade_facts(p);
	g_string_append(p->s, "</section></div>\n");
	paper__report_tearsheet(p->s, p->m);
}

static void table_open(GString *s, const char *title, const char *const *cols)
{
	g_string_append_printf(s, "<section><h2>%s</h2><div class=\"scroll\"><table><thead><tr>", title);
	/* A leading '<' marks a text column: left-aligned, where numbers are right-aligned. */
	for (size_t i = 0; cols[i]; i++)
		g_string_append_printf(s, cols[i][0] == '<' ? "<th class=\"t\">%s</th>" : "<th>%s</th>",
				       cols[i] + (cols[i][0] == '<'));
	g_string_append(s, "</tr></thead><tbody>");
}

static void table_close(GString *s, size_t rows, const char *none)
{
	g_string_append(s, "</tbody></table>");
	if (rows == 0)
		g_string_append_printf(s, "<div class=\"empty\">%s</div>", none);
	g_string_append(s, "</div></section>\n");
}

static void cell_money(GString *s, double v, bool signed_tone)
{
	const char *tone = signed_tone && v > 0 ? " class=\"up\"" : signed_tone && v < 0 ? " class=\"down\"" : "";
	g_string_append_printf(s, "<td%s>", tone);
	paper__report_money(s, v, 2);
	g_string_append(s, "</td>");
}

static void cell_num(GString *s, double v)
{
	g_string_append_printf(s, "<td>%.10g</td>", v);
}

static void cell_time(GString *s, paper_ts ts)
{
	char when[TS_TEXT_CAP];
	report_time(when, ts);
	g_string_append_printf(s, "<td>%s</td>", when);
}

static void positions(page *p)
{
	static const char *const cols[] = { "Symbol", "<Side", "Qty", "Avg price", "Mark",
					    "Market value", "Unrealized", "Opened", NULL };
	size_t n = paper_broker_position_count(p->b);
	table_open(p->s, "Open positions", cols);
	for (size_t i = 0; i < n; i++) {
		paper_position_info pos = PAPER_POSITION_INFO_INIT;
		if (paper_broker_position_at(p->b, i, &pos) != PAPER_OK)
			continue;
		g_string_append(p->s, "<tr><td>");
		paper__report_esc(p->s, pos.symbol);
		g_string_append_printf(p->s, "</td><td class=\"t\">%s</td>", pos.qty > 0 ? "long" : "short");
		cell_num(p->s, fabs(pos.qty));
		cell_money(p->s, pos.avg_price, false);
		cell_money(p->s, pos.market_price, false);
		cell_money(p->s, pos.market_value, false);
		cell_money(p->s, pos.unrealized_pnl, true);
		cell_time(p->s, pos.opened_ts);
		g_string_append(p->s, "</tr>");
	}
	table_close(p->s, n, "No open positions.");
}

static void fills(page *p)
{
	static const char *const cols[] = { "Time", "<Symbol", "<Side", "Qty", "Price", "Fee", "<How",
					    "Order", NULL };
	size_t n = paper_broker_fill_count(p->b);
	size_t first = n > p->o->recent_fills ? n - p->o->recent_fills : 0;
	table_open(p->s, "Recent fills", cols);
	for (size_t i = n; i-- > first;) {
		paper_fill_info f = PAPER_FILL_INFO_INIT;
		if (paper_broker_fill_at(p->b, i, &f) != PAPER_OK)
			continue;
		g_string_append(p->s, "<tr>");
		cell_time(p->s, f.ts);
		g_string_append(p->s, "<td class=\"t\">");
		paper__report_esc(p->s, f.symbol);
		g_string_append_printf(p->s, "</td><td class=\"t\">%s</td>", paper_side_str(f.side));
		cell_num(p->s, f.qty);
		cell_money(p->s, f.price, false);
		cell_money(p->s, f.fee, false);
		g_string_append_printf(p->s, "<td class=\"t\">%s%s</td><td>%" G_GUINT64_FORMAT "</td></tr>",
				       paper_fill_reason_str(f.reason),
				       f.flags & PAPER_FILL_FLAG_AMBIGUOUS ? " (ambiguous)" : "",
				       f.order_id);
	}
	table_close(p->s, n - first, "No fills yet.");
}

/* A cell with its exact value in data-v, which the table script sorts by. */
static void cell_sorted(GString *s, double v, const char *cls, const char *text)
{
	g_string_append_printf(s, "<td%s%s%s data-v=\"%.17g\">%s</td>", cls ? " class=\"" : "",
			       cls ? cls : "", cls ? "\"" : "", v, text);
}

static void cell_sorted_money(GString *s, double v, bool signed_tone)
{
	GString *t = g_string_new(NULL);
	paper__report_money(t, v, 2);
	cell_sorted(s, v, !signed_tone || v == 0 ? NULL : v > 0 ? "up" : "down", t->str);
	g_string_free(t, TRUE);
}

static void cell_sorted_time(GString *s, paper_ts ts)
{
	char when[TS_TEXT_CAP];
	report_time(when, ts);
	cell_sorted(s, (double)ts, NULL, when);
}

/* Every closed trade, newest first (or the newest recent_trades): sortable by any column
   and paged 25 at a time by the page's script; without scripts, the whole table shows. */
static void trades(page *p)
{
	static const char *const cols[] = { "Symbol", "<Side", "Entry", "Entry price", "Exit",
					    "Exit price", "Qty", "Net P&amp;L", "<Exit reason", NULL };
	GString *s = p->s;
	size_t n = paper_broker_trade_count(p->b);
	size_t rows = p->o->version >= 2 && p->o->recent_trades == 0 ? n : p->o->recent_trades;
	size_t first = n > rows ? n - rows : 0;
	g_string_append_printf(s, "<section><h2>Trade history</h2><div class=\"scroll\">"
			       "<table data-pageable data-trades=\"%zu\"><thead><tr>", n - first);
	for (size_t i = 0; cols[i]; i++)
		g_string_append_printf(s, "<th data-sort%s>%s</th>",
				       cols[i][0] == '<' ? " class=\"t\"" : "",
				       cols[i] + (cols[i][0] == '<'));
	g_string_append(s, "</tr></thead><tbody>");
	for (size_t i = n; i-- > first;) {
		paper_trade_info t = PAPER_TRADE_INFO_INIT;
		if (paper_broker_trade_at(p->b, i, &t) != PAPER_OK)
			continue;
		g_string_append(s, "<tr><td>");
		paper__report_esc(s, t.symbol);
		g_string_append_printf(s, "</td><td class=\"t\">%s</td>", paper_direction_str(t.direction));
		cell_sorted_time(s, t.entry_ts);
		cell_sorted_money(s, t.entry_price, false);
		cell_sorted_time(s, t.exit_ts);
		cell_sorted_money(s, t.exit_price, false);
		char qty[32];
		g_snprintf(qty, sizeof qty, "%.10g", t.qty);
		cell_sorted(s, t.qty, NULL, qty);
		cell_sorted_money(s, t.pnl_net, true);
		g_string_append_printf(s, "<td class=\"t\">%s</td></tr>", paper_exit_reason_str(t.exit_reason));
	}
	table_close(s, n - first, "No closed trades yet.");
}

static void per_symbol(page *p)
{
	static const char *const cols[] = { "Symbol", "Trades", "Win rate", "Net P&amp;L",
					    "Profit factor", "Avg P&amp;L", NULL };
	size_t n = p->m ? paper_metrics_group_count(p->m, PAPER_METRICS_BY_SYMBOL) : 0;
	table_open(p->s, "Per symbol", cols);
	for (size_t i = 0; i < n; i++) {
		const char *sym = paper_metrics_group_name(p->m, PAPER_METRICS_BY_SYMBOL, i);
		double v[5] = { NAN, NAN, NAN, NAN, NAN };
		const char *keys[5] = { "total_trades", "win_rate", "total_pnl", "profit_factor", "avg_pnl" };
		for (int k = 0; k < 5; k++)
			paper_metrics_group_get(p->m, PAPER_METRICS_BY_SYMBOL, sym, keys[k], &v[k]);
		g_string_append(p->s, "<tr><td>");
		paper__report_esc(p->s, sym);
		g_string_append_printf(p->s, "</td><td>%.0f</td><td>", v[0]);
		paper__report_percent(p->s, v[1]);
		g_string_append(p->s, "</td>");
		cell_money(p->s, v[2], true);
		g_string_append(p->s, "<td>");
		paper__report_ratio(p->s, v[3]);
		g_string_append(p->s, "</td>");
		cell_money(p->s, v[4], true);
		g_string_append(p->s, "</tr>");
	}
	table_close(p->s, n, "No closed trades yet.");
}

/* The gate (or the 1.0 checklist), what the numbers suggest, and (when given) the
   comparison with a backtest. */
static void judgement(page *p)
{
	paper_readiness r;
	readiness__evaluate(&r, p->b, p->m, p->o, p->g, &p->refusals);
	if (p->g && p->g->drift)
		paper__report_drift(p->s, p->g->drift);
	paper__report_recommendations(p->s, &r);
	paper__report_readiness(p->s, &r);
	if (p->reasons && p->reasons->len)
		g_string_append_printf(p->s, "<section><h2>Refused decisions</h2><p>Decisions of the "
				       "inbox refused, by reason (counted as errors above):</p>"
				       "<ul class=\"refusals\">%s</ul></section>\n", p->reasons->str);
}

static void footer(page *p)
{
	paper__report_footer(p->s);
}

/* ---- entry points ---- */

static int render(char **out, size_t *len_out, const paper_broker *b,
		  const paper_report_options *opts, const paper_readiness_options *g,
		  const paper_feed_health_info *feeds, const paper_ts *written, size_t n_feeds)
{
	static const paper_report_options defaults = PAPER_REPORT_OPTIONS_INIT;
	PAPER__CHECK_NULL(out, "out");
	PAPER__CHECK_NULL(b, "broker");
	const paper_report_options *o = opts ? opts : &defaults;
	int rc = readiness__check_options(o);
	if (rc == PAPER_OK && g)
		rc = readiness__check_gate(g);
	if (rc != PAPER_OK)
		return rc;

	if (n_feeds > 0 && feeds == NULL)
		return paper__error(PAPER_EINVAL, "feeds must not be NULL when n_feeds > 0");
	for (size_t i = 0; i < n_feeds; i++)
		if (feeds[i].version != PAPER_FEED_HEALTH_INFO_VERSION)
			return paper__error(PAPER_EVERSION, "feeds[%zu].version %u unsupported", i,
					    feeds[i].version);
	page p = { .s = g_string_sized_new(32768), .b = b, .o = o, .g = g, .feeds = feeds,
		   .written = written, .n_feeds = n_feeds };
	p.a = (paper_account_info)PAPER_ACCOUNT_INFO_INIT;
	paper_broker_account(b, &p.a);
	rc = read_inbox(&p);
	if (rc != PAPER_OK) {
		if (p.reasons)
			g_string_free(p.reasons, TRUE);
		g_string_free(p.s, TRUE);
		return rc;
	}
	paper_metrics_options mo = PAPER_METRICS_OPTIONS_INIT;
	mo.periods_per_year = o->periods_per_year;
	if (paper_metrics_from_broker(&p.m, b, &mo) != PAPER_OK)
		p.m = NULL; /* a section then shows n/a rather than no page at all */
	char *title = o->title ? g_strdup(o->title)
			       : g_strdup_printf("Paper account %s", cfg_str(b->cfg, K_ACCOUNT_NAME));
	head(&p, title);
	kpis(&p);
	paper__report_feeds(p.s, p.feeds, p.written, p.n_feeds);
	charts(&p);
	positions(&p);
	fills(&p);
	trades(&p);
	per_symbol(&p);
	paper__report_pnl_groups(p.s, b);
	judgement(&p);
	footer(&p);
	g_free(title);
	if (p.reasons)
		g_string_free(p.reasons, TRUE);
	paper_metrics_free(p.m);
	if (len_out)
		*len_out = p.s->len;
	*out = g_string_free(p.s, FALSE);
	return PAPER_OK;
}

PAPER_API int paper_report_html(char **out, size_t *len_out, const paper_broker *b,
				const paper_report_options *opts)
{
	return render(out, len_out, b, opts, NULL, NULL, NULL, 0);
}

PAPER_API int paper_report_html_feeds(char **out, size_t *len_out, const paper_broker *b,
				      const paper_report_options *opts,
				      const paper_feed_health_info *feeds, const paper_ts *written,
				      size_t n_feeds)
{
	return render(out, len_out, b, opts, NULL, feeds, written, n_feeds);
}

PAPER_API int paper_report_html_v2(char **out, size_t *len_out, const paper_broker *b,
				   const paper_report_options *opts,
				   const paper_readiness_options *readiness,
				   const paper_feed_health_info *feeds, const paper_ts *written,
				   size_t n_feeds)
{
	static const paper_readiness_options defaults = PAPER_READINESS_OPTIONS_INIT;
	return render(out, len_out, b, opts, readiness ? readiness : &defaults, feeds, written,
		      n_feeds);
}

static int write_file(const char *path, char *html, size_t len, int rc)
{
	if (rc != PAPER_OK)
		return rc;
	/* A browser reloading the page sees the old one or the new one, never half. */
	rc = paper__atomic_write(path, html, len);
	g_free(html);
	if (rc != PAPER_OK) {
		char *why = g_strdup(paper_last_error());
		rc = paper__error(rc, "cannot write dashboard: %s", why);
		g_free(why);
	}
	return rc;
}

PAPER_API int paper_report_write_html(const paper_broker *b, const paper_report_options *opts,
				      const char *path)
{
	PAPER__CHECK_NULL(path, "path");
	char *html = NULL;
	size_t len = 0;
	int rc = paper_report_html(&html, &len, b, opts);
	return write_file(path, html, len, rc);
}

PAPER_API int paper_report_write_html_feeds(const paper_broker *b, const paper_report_options *opts,
					    const paper_feed_health_info *feeds,
					    const paper_ts *written, size_t n_feeds, const char *path)
{
	PAPER__CHECK_NULL(path, "path");
	char *html = NULL;
	size_t len = 0;
	int rc = paper_report_html_feeds(&html, &len, b, opts, feeds, written, n_feeds);
	return write_file(path, html, len, rc);
}

PAPER_API int paper_report_write_html_v2(const paper_broker *b, const paper_report_options *opts,
					 const paper_readiness_options *readiness,
					 const paper_feed_health_info *feeds, const paper_ts *written,
					 size_t n_feeds, const char *path)
{
	PAPER__CHECK_NULL(path, "path");
	char *html = NULL;
	size_t len = 0;
	int rc = paper_report_html_v2(&html, &len, b, opts, readiness, feeds, written, n_feeds);
	return write_file(path, html, len, rc);
}
