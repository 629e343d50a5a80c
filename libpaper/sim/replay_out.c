/*
 * What a replay writes: the trades CSV (a row per round trip, as it closes), the daily
 * breakdown of a walk-forward run, and the summary and walk-forward JSON (docs/formats.md).
 */
#include "sim/replay.h"

#include <errno.h>
#include <math.h>
#include <paper/metrics.h>
#include <string.h>

#include "base/error.h"
#include "base/fixed.h"
#include "base/sumjson.h"
#include "market/broker_store.h"

#define TRADES_FLUSH (64 * 1024)

/* ---- the trades file ---- */

static int write_out(paper_replay *r)
{
	if (r->tbuf->len && fwrite(r->tbuf->str, 1, r->tbuf->len, r->trades) != r->tbuf->len &&
	    !r->trades_err)
		r->trades_err = paper__error(PAPER_EIO, "%s: %s", r->trades_path, g_strerror(errno));
	g_string_truncate(r->tbuf, 0);
	return r->trades_err;
}

/*
 * The trades go to a new file beside the path (atomicfile.h): a file already there is left as
 * it was until the run has succeeded, and a failed run leaves it so.
 */
int replay__trades_open(paper_replay *r)
{
	if (r->trades_path == NULL)
		return PAPER_OK;
	int rc = paper__atomic_open(&r->trades_out, r->trades_path);
	if (rc != PAPER_OK)
		return rc;
	r->trades = paper__atomic_stream(r->trades_out);
	r->tbuf = g_string_sized_new(TRADES_FLUSH + 512);
	g_string_append(r->tbuf, SESSION_TRADES_CSV_HEADER);
	return PAPER_OK;
}

/* Put the file in place (keep), or throw away what a failed run wrote. */
int replay__trades_close(paper_replay *r, bool keep)
{
	int rc = keep ? write_out(r) : PAPER_OK;
	if (keep && rc == PAPER_OK)
		rc = paper__atomic_commit(r->trades_out);
	else
		paper__atomic_abort(r->trades_out);
	r->trades_out = NULL;
	r->trades = NULL;
	g_string_free(r->tbuf, TRUE);
	r->tbuf = NULL;
	return rc;
}

void replay__on_trade(void *ctx, const paper_broker *b, const trade *t)
{
	paper_replay *r = ctx;
	int64_t net = t->pnl - t->fees;

	r->day.info.trades++;
	r->day.info.wins += net > 0;
	r->day.info.losses += net < 0;
	if (r->trades == NULL)
		return;
	session__trade_csv(r->tbuf, b, t);
	r->st.trades_written++;
	if (r->tbuf->len >= TRADES_FLUSH)
		write_out(r);
}

/* ---- days ---- */

void replay__day_roll(paper_replay *r, paper_ts ts)
{
	paper_ts day = ts_day(ts) * TS_DAY_US;
	if (r->day.open && day <= r->day.info.day)
		return;
	if (r->day.open)
		replay__day_close(r);
	memset(&r->day, 0, sizeof r->day);
	r->day.open = true;
	r->day.info.version = PAPER_DAY_INFO_VERSION;
	r->day.info.day = day;
	r->day.info.start_equity_e8 = paper__broker_equity(r->b);
	r->day.start_fees = r->b->fees;
	r->day.entries_base = r->s->st.entries_filled;
}

void replay__day_close(paper_replay *r)
{
	paper_day_info *d = &r->day.info;
	d->end_equity_e8 = paper__broker_equity(r->b);
	d->fees_e8 = r->b->fees - r->day.start_fees;
	d->start_equity = fx_to_double(d->start_equity_e8);
	d->end_equity = fx_to_double(d->end_equity_e8);
	/* Equities and fees within the money limit: their differences fit. */
	d->pnl = fx_to_double(d->end_equity_e8 - d->start_equity_e8);
	d->fees = fx_to_double(d->fees_e8);
	d->entries = r->s->st.entries_filled - r->day.entries_base;
	d->open_positions = r->b->n_positions;
	g_array_append_val(r->days, *d);
	r->day.open = false;
}

PAPER_API size_t paper_replay_day_count(const paper_replay *r)
{
	return r ? r->days->len : 0;
}

PAPER_API int paper_replay_day_at(const paper_replay *r, size_t index, paper_day_info *out)
{
	PAPER__CHECK_NULL(r, "replay");
	PAPER__CHECK_NULL(out, "out");
	if (out->version != PAPER_DAY_INFO_VERSION)
		return paper__error(PAPER_EVERSION, "paper_day_info version %u unsupported",
				    out->version);
	if (index >= r->days->len)
		return paper__error(PAPER_ERANGE, "day index %zu >= %u", index, r->days->len);
	*out = g_array_index(r->days, paper_day_info, index);
	return PAPER_OK;
}

/* ---- the summary ---- */

static void counter(GString *g, const char *key, uint64_t v, bool first)
{
	sj_key(g, key, first);
	sj_u64(g, v);
}

static char *input_json(const paper_replay *r)
{
	GString *g = g_string_new(",\"input\":{");
	paper_replay_stats st;
	replay__stats(r, &st);
	counter(g, "sources", st.sources, true);
	counter(g, "symbols", st.symbols, false);
	counter(g, "bars", st.bars, false);
	counter(g, "bars_out_of_range", st.bars_out_of_range, false);
	counter(g, "rows_skipped", st.rows_skipped, false);
	counter(g, "signals", st.signals, false);
	counter(g, "signals_skipped", st.signals_skipped, false);
	counter(g, "signals_out_of_range", st.signals_out_of_range, false);
	counter(g, "signals_after_data", st.signals_after_data, false);
	counter(g, "trades_written", st.trades_written, false);
	sj_key(g, "first_bar", false);
	sj_ts(g, st.first_ts);
	sj_key(g, "last_bar", false);
	sj_ts(g, st.last_ts);
	sj_key(g, "from", false);
	sj_ts(g, r->from);
	sj_key(g, "to", false);
	sj_ts(g, r->to == INT64_MAX ? 0 : r->to);
	g_string_append_c(g, '}');
	return g_string_free(g, FALSE);
}

PAPER_API int paper_replay_summary_json(const paper_replay *r, unsigned int flags, char **out)
{
	PAPER__CHECK_NULL(r, "replay");
	char *extra = input_json(r);
	int rc = session__summary(r->s, flags, extra, out);
	g_free(extra);
	return rc;
}

/* ---- walk-forward ---- */

/* "2024-03" for exactly one calendar month [start, end), else "2024-03-04..2024-03-29". */
static void range_name(GString *g, paper_ts start, paper_ts end)
{
	char a[TS_TEXT_CAP], b[TS_TEXT_CAP];
	int64_t y;
	unsigned m, d;
	ts_civil_from_days(ts_day(start), &y, &m, &d);
	int64_t next = ts_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1);
	ts_format_date(a, start);
	if (d == 1 && start % TS_DAY_US == 0 && end == next * TS_DAY_US) {
		a[7] = '\0';
		sj_string(g, a);
		return;
	}
	ts_format_date(b, end - 1);
	char *both = g_strdup_printf("%s..%s", a, b);
	sj_string(g, both);
	g_free(both);
}

/* Largest fall from a running peak of [capital, end of each day], in percent (>= 0). */
static double mdd_pct(const paper_replay *r, int64_t capital)
{
	double peak = fx_to_double(capital), worst = 0.0;
	for (guint i = 0; i < r->days->len; i++) {
		double v = g_array_index(r->days, paper_day_info, i).end_equity;
		if (v > peak)
			peak = v;
		else if (peak > 0 && (peak - v) / peak > worst)
			worst = (peak - v) / peak;
	}
	return worst * 100.0;
}

static void day_json(GString *g, const paper_day_info *d)
{
	char date[TS_TEXT_CAP];
	ts_format_date(date, d->day);
	g_string_append(g, "{\"date\":");
	sj_string(g, date);
	sj_key(g, "start_equity", false);
	sj_fx(g, d->start_equity_e8);
	sj_key(g, "end_equity", false);
	sj_fx(g, d->end_equity_e8);
	sj_key(g, "pnl", false);
	sj_fx(g, d->end_equity_e8 - d->start_equity_e8);
	sj_key(g, "return_pct", false);
	sj_real(g, d->start_equity_e8 ? (d->end_equity - d->start_equity) / d->start_equity * 100.0
				      : NAN);
	sj_key(g, "fees", false);
	sj_fx(g, d->fees_e8);
	counter(g, "trades", d->trades, false);
	counter(g, "wins", d->wins, false);
	counter(g, "losses", d->losses, false);
	counter(g, "bars", d->bars, false);
	counter(g, "signals", d->signals, false);
	counter(g, "entries", d->entries, false);
	counter(g, "open_positions", d->open_positions, false);
	g_string_append_c(g, '}');
}

static void metrics_json(GString *g, const paper_broker *b)
{
	paper_metrics *m = NULL;
	char *js = NULL;
	sj_key(g, "metrics", false);
	if (paper_metrics_from_broker(&m, b, NULL) == PAPER_OK &&
	    paper_metrics_to_json(&js, m, 0) == PAPER_OK)
		g_string_append(g, js);
	else
		g_string_append(g, "null");
	paper_string_free(js);
	paper_metrics_free(m);
}

static void totals_json(GString *g, const paper_replay *r, int64_t capital, int64_t final)
{
	uint64_t trades = 0, wins = 0;
	for (guint i = 0; i < r->days->len; i++) {
		trades += g_array_index(r->days, paper_day_info, i).trades;
		wins += g_array_index(r->days, paper_day_info, i).wins;
	}
	const paper_day_info *first = &g_array_index(r->days, paper_day_info, 0);
	const paper_day_info *last = &g_array_index(r->days, paper_day_info, r->days->len - 1);
	double days = (double)((last->day - first->day) / TS_DAY_US + 1);
	sj_key(g, "capital", false);
	sj_fx(g, capital);
	counter(g, "total_trades", trades, false);
	sj_key(g, "total_pnl", false);
	sj_fx(g, final - capital);
	sj_key(g, "final_equity", false);
	sj_fx(g, final);
	sj_key(g, "win_rate", false);
	sj_real(g, trades ? (double)wins / (double)trades : NAN);
	sj_key(g, "mdd_pct", false);
	sj_real(g, mdd_pct(r, capital));
	double cagr = pow(fx_to_double(final) / fx_to_double(capital), 365.25 / days) - 1.0;
	sj_key(g, "cagr", false);
	sj_real(g, cagr);
	sj_key(g, "days_count", false);
	sj_u64(g, r->days->len);
	/* Schema 2: the same numbers in percent, named so (mdd_pct was percent already). */
	sj_key(g, "total_return_pct", false);
	/* Multiplied first: 6 x 100 / 1000 is 0.6, where 6 / 1000 x 100 is 0.6000000000000001. */
	sj_real(g, fx_to_double(final - capital) * 100.0 / fx_to_double(capital));
	sj_key(g, "win_rate_pct", false);
	sj_real(g, trades ? (double)wins * 100.0 / (double)trades : NAN);
	sj_key(g, "max_drawdown_pct", false);
	sj_real(g, mdd_pct(r, capital));
	sj_key(g, "cagr_pct", false);
	sj_real(g, cagr * 100.0);
}

/* What became of the signals, and the orders the broker refused: a month whose every entry
   was refused reads differently from a quiet one. */
static void verdicts_json(GString *g, const paper_replay *r)
{
	paper_session_stats st = PAPER_SESSION_STATS_INIT;
	paper_session_stats_get(r->s, &st);
	sj_key(g, "signals", false);
	g_string_append(g, "{\"total\":");
	sj_u64(g, st.signals);
	g_string_append(g, ",\"by_verdict\":{");
	for (int v = 0; v < PAPER_VERDICT_COUNT; v++) {
		sj_key(g, paper_verdict_str((paper_verdict)v), v == 0);
		sj_u64(g, st.verdicts[v]);
	}
	g_string_append(g, "}}");
	sj_key(g, "rejections", false);
	sj_u64(g, r->b->n_rejections);
}

PAPER_API int paper_replay_walk_forward_json(const paper_replay *r, char **out)
{
	PAPER__CHECK_NULL(r, "replay");
	PAPER__CHECK_NULL(out, "out");
	if (!r->daily || r->state != R_DONE)
		return paper__error(PAPER_ESTATE, "walk-forward needs a finished run with the daily "
				    "option");
	if (r->days->len == 0)
		return paper__error(PAPER_ESTATE, "walk-forward: no bars in the range");
	const paper_day_info *first = &g_array_index(r->days, paper_day_info, 0);
	const paper_day_info *last = &g_array_index(r->days, paper_day_info, r->days->len - 1);
	paper_ts start = r->from ? r->from : first->day;
	paper_ts end = r->to != INT64_MAX ? r->to : last->day + TS_DAY_US;
	GString *g = g_string_sized_new(4096 + 256 * r->days->len);
	g_string_append(g, "{\"format\":\"libpaper.walk_forward\",\"format_version\":1,"
			   "\"schema_version\":2");
	sj_key(g, "month", false);
	range_name(g, start, end);
	sj_key(g, "from", false);
	sj_ts(g, start);
	sj_key(g, "to", false);
	sj_ts(g, end);
	totals_json(g, r, first->start_equity_e8, last->end_equity_e8);
	verdicts_json(g, r);
	sj_key(g, "days", false);
	g_string_append_c(g, '[');
	for (guint i = 0; i < r->days->len; i++) {
		if (i)
			g_string_append_c(g, ',');
		day_json(g, &g_array_index(r->days, paper_day_info, i));
	}
	g_string_append_c(g, ']');
	metrics_json(g, r->b);
	g_string_append(g, "}\n");
	*out = g_string_free(g, FALSE);
	return PAPER_OK;
}
