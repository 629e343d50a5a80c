/*
 * The dashboard's "Live feeds" section: each feed's health as paper run last wrote it to the
 * ledger. The age of the last message is as of that moment (the page is static); the time it
 * was written says how current the row is. Every cell carries its value in data-value.
 */
#include "report/report.h"

static const char *state_name(paper_feed_state st)
{
	static const char *const names[] = { "?", "connecting", "up", "reconnecting", "failed",
					     "stopped" };
	return st >= PAPER_FEED_CONNECTING && st <= PAPER_FEED_STOPPED ? names[st] : "?";
}

static void count(GString *s, uint64_t v, bool bad)
{
	g_string_append_printf(s, "<td data-value=\"%llu\"%s>%llu</td>", (unsigned long long)v,
			       bad && v ? " class=\"down\"" : "", (unsigned long long)v);
}

static void row(GString *s, const paper_feed_health_info *h, paper_ts written)
{
	char when[TS_TEXT_CAP];
	g_string_append(s, "<tr><td class=\"t\">");
	paper__report_esc(s, h->source);
	g_string_append_printf(s, "</td><td class=\"t %s\" data-value=\"%s\">%s</td>",
			       h->state == PAPER_FEED_UP ? "up" : "down", state_name(h->state),
			       state_name(h->state));
	if (h->last_msg_ts && written)
		g_string_append_printf(s, "<td data-value=\"%.3f\">%.1f s</td>",
				       (double)(written - h->last_msg_ts) / 1e6,
				       (double)(written - h->last_msg_ts) / 1e6);
	else
		g_string_append(s, "<td data-value=\"\">never</td>");
	count(s, h->messages, false);
	count(s, h->reconnects, true);
	count(s, h->gaps, true);
	count(s, h->backfilled_bars, false);
	count(s, h->duplicates, false);
	count(s, h->out_of_order, true);
	count(s, h->dropped, true);
	g_string_append_printf(s, "<td data-value=\"%.3f\">%.0f ms</td>", h->clock_skew_ms,
			       h->clock_skew_ms);
	report_time(when, written);
	g_string_append_printf(s, "<td>%s</td><td class=\"t\">", when);
	paper__report_esc(s, h->last_error);
	g_string_append(s, "</td></tr>");
}

void paper__report_feeds(GString *s, const paper_feed_health_info *feeds, const paper_ts *written,
			 size_t n)
{
	static const char *const cols[] = { "Feed", "State", "Last message", "Messages", "Reconnects",
					    "Gaps", "Backfilled bars", "Duplicates", "Out of order",
					    "Dropped", "Clock skew", "Written", "Last error" };
	if (n == 0)
		return;
	g_string_append(s, "<section id=\"feeds\"><h2>Live feeds</h2><div class=\"scroll\"><table>"
			"<thead><tr>");
	for (size_t i = 0; i < G_N_ELEMENTS(cols); i++)
		g_string_append_printf(s, i == 0 || i == 1 || i == 12 ? "<th class=\"t\">%s</th>"
								     : "<th>%s</th>", cols[i]);
	g_string_append(s, "</tr></thead><tbody>");
	for (size_t i = 0; i < n; i++)
		row(s, &feeds[i], written ? written[i] : 0);
	g_string_append(s, "</tbody></table></div></section>\n");
}
