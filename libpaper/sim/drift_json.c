/*
 * A drift comparison as JSON (docs/drift.md): the summary, then one object per row. Amounts and
 * prices are exact decimals of the fixed-point values; differences of doubles the shortest text
 * that reads back; a side a row does not have is null.
 */
#include "sim/drift.h"

#include <paper/metrics.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/fixed.h"
#include "base/sumjson.h"

static void num(GString *g, const char *key, double v)
{
	sj_key(g, key, false);
	sj_real(g, v);
}

static void money(GString *g, const char *key, int64_t v)
{
	sj_key(g, key, false);
	sj_fx(g, v);
}

static void count(GString *g, const char *key, uint64_t v)
{
	sj_key(g, key, false);
	sj_u64(g, v);
}

static void summary_json(GString *g, const paper_drift *d)
{
	const paper_drift_summary *s = &d->sum;
	g_string_append(g, ",\"summary\":{\"paper_trades\":");
	sj_u64(g, s->paper_trades);
	count(g, "backtest_trades", s->backtest_trades);
	count(g, "matched", s->matched);
	count(g, "matched_by_signal_id", s->matched_by_signal_id);
	count(g, "matched_by_time", s->matched_by_time);
	count(g, "missed", s->missed);
	count(g, "extra", s->extra);
	count(g, "exit_reason_changes", s->exit_reason_changes);
	money(g, "paper_pnl", s->paper_pnl_e8);
	money(g, "backtest_pnl", s->backtest_pnl_e8);
	money(g, "pnl_drift", s->paper_pnl_e8 - s->backtest_pnl_e8);
	money(g, "matched_pnl_drift", s->matched_pnl_drift_e8);
	money(g, "missed_pnl", s->missed_pnl_e8);
	money(g, "extra_pnl", s->extra_pnl_e8);
	num(g, "mean_entry_delay_seconds", s->mean_entry_delay);
	num(g, "max_entry_delay_seconds", s->max_entry_delay);
	num(g, "mean_exit_delay_seconds", s->mean_exit_delay);
	num(g, "max_exit_delay_seconds", s->max_exit_delay);
	num(g, "mean_entry_drift_bps", s->mean_entry_drift_bps);
	num(g, "mean_exit_drift_bps", s->mean_exit_drift_bps);
	money(g, "realised_slippage", d->paper_slip);
	money(g, "modelled_slippage", d->backtest_slip);
	money(g, "matched_realised_slippage", d->matched_paper_slip);
	money(g, "matched_modelled_slippage", d->matched_backtest_slip);
	num(g, "time_tolerance_seconds", (double)s->time_tolerance / 1e6);
	sj_key(g, "match_by_time", false);
	sj_bool(g, s->match_by_time);
	g_string_append_c(g, '}');
}

/* One side of a row: its own object, or null. */
static void side_json(GString *g, const char *key, const drift_side *s)
{
	sj_key(g, key, false);
	if (!s->present) {
		g_string_append(g, "null");
		return;
	}
	g_string_append(g, "{\"trade\":");
	sj_u64(g, s->id);
	sj_key(g, "entry_time", false);
	sj_ts(g, s->entry_ts);
	money(g, "entry_price", s->entry_price);
	sj_key(g, "exit_time", false);
	sj_ts(g, s->exit_ts);
	money(g, "exit_price", s->exit_price);
	money(g, "qty", s->qty);
	sj_key(g, "exit_reason", false);
	sj_string(g, paper_exit_reason_str((paper_exit_reason)s->exit_reason));
	money(g, "pnl_net", s->pnl_net);
	money(g, "slippage", s->slippage);
	g_string_append_c(g, '}');
}

static void row_json(GString *g, const drift_row *r)
{
	paper_drift_row p;
	drift__row_public(r, &p);
	g_string_append(g, "{\"kind\":");
	sj_string(g, paper_drift_kind_str(r->kind));
	sj_key(g, "match", false);
	sj_string(g, paper_drift_match_str(r->match));
	sj_key(g, "symbol", false);
	sj_string(g, r->symbol);
	sj_key(g, "direction", false);
	sj_string(g, r->direction == PAPER_LONG ? "LONG" : "SHORT");
	sj_key(g, "signal_id", false);
	sj_string(g, r->signal_id);
	side_json(g, "paper", &r->paper);
	side_json(g, "backtest", &r->backtest);
	num(g, "entry_delay_seconds", p.entry_delay);
	num(g, "exit_delay_seconds", p.exit_delay);
	bool both = r->paper.present && r->backtest.present;
	sj_key(g, "entry_price_diff", false);
	if (both)
		sj_fx(g, r->paper.entry_price - r->backtest.entry_price);
	else
		g_string_append(g, "null");
	sj_key(g, "exit_price_diff", false);
	if (both)
		sj_fx(g, r->paper.exit_price - r->backtest.exit_price);
	else
		g_string_append(g, "null");
	num(g, "entry_drift_bps", p.entry_drift_bps);
	num(g, "exit_drift_bps", p.exit_drift_bps);
	sj_key(g, "qty_diff", false);
	if (both)
		sj_fx(g, r->paper.qty - r->backtest.qty);
	else
		g_string_append(g, "null");
	money(g, "pnl_drift", r->paper.pnl_net - r->backtest.pnl_net);
	g_string_append_c(g, '}');
}

PAPER_API int paper_drift_to_json(const paper_drift *d, char **out)
{
	PAPER__CHECK_NULL(d, "drift");
	PAPER__CHECK_NULL(out, "out");
	GString *g = g_string_sized_new(1024 + 512 * d->rows->len);
	g_string_append(g, "{\"format\":\"libpaper.drift\",\"format_version\":1,\"schema_version\":2");
	summary_json(g, d);
	g_string_append(g, ",\"rows\":[");
	for (guint i = 0; i < d->rows->len; i++) {
		if (i)
			g_string_append_c(g, ',');
		row_json(g, &g_array_index(d->rows, drift_row, i));
	}
	g_string_append(g, "]}\n");
	/* malloc'd, so that paper_string_free() (free()) releases it whatever GLib's allocator. */
	char *s = malloc(g->len + 1);
	if (s == NULL) {
		g_string_free(g, TRUE);
		return paper__error(PAPER_ENOMEM, "out of memory for the drift JSON");
	}
	memcpy(s, g->str, g->len + 1);
	g_string_free(g, TRUE);
	*out = s;
	return PAPER_OK;
}
