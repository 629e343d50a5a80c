/*
 * Recommendations: fixed rules over the account's own numbers, each shown with the numbers that
 * triggered it and the line it crossed, none when no rule applies (docs/metrics.md,
 * "Recommendations"). Rules about the mix of exits need a few trades to mean anything.
 */
#include "report/readiness.h"

#include <math.h>
#include <string.h>

/* Below this many closed trades the share rules say nothing. */
#define ADVICE_MIN_TRADES 5
/* A kind of exit "dominates" above this share of the closed trades. */
#define ADVICE_EXIT_SHARE 0.5
/* Fees "eat" the profit above this share of the gross P&L. */
#define ADVICE_FEE_SHARE (1.0 / 3.0)
/* Realised slippage is "above the model" beyond this multiple of the modelled one. */
#define ADVICE_SLIPPAGE_RATIO 1.25

static double get(const paper_metrics *m, const char *key)
{
	double v = NAN;
	paper_metrics_get(m, key, &v);
	return v;
}

static paper_recommendation *add(paper_readiness *r, const char *id, double value,
				 double threshold)
{
	if (r->n_rec >= READINESS_MAX_RECOMMENDATIONS)
		return NULL;
	paper_recommendation *x = &r->rec[r->n_rec];
	x->version = PAPER_RECOMMENDATION_VERSION;
	x->id = id;
	x->value = value;
	x->threshold = threshold;
	x->text = r->texts[r->n_rec];
	r->n_rec++;
	return x;
}

#define SAY(r, ...) g_snprintf(r->texts[r->n_rec - 1], READINESS_TEXT_CAP, __VA_ARGS__)

static void exit_share(paper_readiness *r, const paper_metrics *m, double trades,
		       const char *reason, const char *id, const char *what, const char *advice)
{
	char key[64];
	g_snprintf(key, sizeof key, "exit_reasons.%s", reason);
	double n = get(m, key), share = n / trades;
	if (!(trades >= ADVICE_MIN_TRADES && share > ADVICE_EXIT_SHARE) ||
	    !add(r, id, share, ADVICE_EXIT_SHARE))
		return;
	SAY(r, "%s close %.0f of %.0f trades (%.0f%%, more than %.0f%%): %s", what, n, trades,
	    share * 100, ADVICE_EXIT_SHARE * 100, advice);
}

/* Fees against the P&L before them (net + fees), when that is a profit. */
static void fees(paper_readiness *r, const paper_metrics *m)
{
	double paid = get(m, "total_fees"), gross = get(m, "total_pnl") + paid;
	if (!(gross > 0 && paid > ADVICE_FEE_SHARE * gross) ||
	    !add(r, "fees_eat_profit", paid / gross, ADVICE_FEE_SHARE))
		return;
	SAY(r, "Fees of %.2f take %.0f%% of the %.2f gross P&L (more than a third): trade less "
	    "often, in larger size, or where commissions are lower", paid, paid / gross * 100, gross);
}

/* One symbol earns at least the whole net profit: the others add nothing or lose. */
static void one_symbol(paper_readiness *r, const paper_metrics *m)
{
	size_t n = paper_metrics_group_count(m, PAPER_METRICS_BY_SYMBOL);
	double total = get(m, "total_pnl"), best = -INFINITY;
	const char *name = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *sym = paper_metrics_group_name(m, PAPER_METRICS_BY_SYMBOL, i);
		double v = NAN;
		paper_metrics_group_get(m, PAPER_METRICS_BY_SYMBOL, sym, "total_pnl", &v);
		if (v > best) {
			best = v;
			name = sym;
		}
	}
	if (!(n >= 2 && total > 0 && best >= total) || !add(r, "one_symbol_profit", best / total, 1.0))
		return;
	char shown[PAPER_SYMBOL_MAX + 1];
	g_strlcpy(shown, name, sizeof shown);
	for (char *p = shown; *p; p++) /* a symbol is printable ASCII; keep the text so */
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	SAY(r, "%s makes all the profit: %.2f of the %.2f net (%.0f%%); the other %zu symbols "
	    "together make %.2f: the edge may be one market's, not the strategy's", shown, best,
	    total, best / total * 100, n - 1, total - best);
}

/* On the trades both sides made (the matched pairs), so the same trades are compared. */
static void slippage(paper_readiness *r, const paper_drift *d)
{
	paper_drift_summary s = PAPER_DRIFT_SUMMARY_INIT;
	if (d == NULL || paper_drift_summary_get(d, &s) != PAPER_OK ||
	    !(s.matched_paper_slippage > 0))
		return;
	double real = s.matched_paper_slippage, model = s.matched_backtest_slippage;
	double ratio = model > 0 ? real / model : INFINITY;
	if (!(ratio > ADVICE_SLIPPAGE_RATIO) ||
	    !add(r, "slippage_above_model", ratio, ADVICE_SLIPPAGE_RATIO))
		return;
	if (isinf(ratio))
		SAY(r, "Realised slippage of %.2f on the %" G_GUINT64_FORMAT " trades the backtest "
		    "also made, where its model gives none: the cost settings are optimistic", real,
		    s.matched);
	else
		SAY(r, "Realised slippage of %.2f on the %" G_GUINT64_FORMAT " trades the backtest "
		    "also made is %.2f times the modelled %.2f (more than %.2f times): raise "
		    "costs.slippage_pct, or trade in more liquid hours", real, s.matched, ratio, model,
		    ADVICE_SLIPPAGE_RATIO);
}

void readiness__advise(paper_readiness *r, const paper_broker *b, const paper_metrics *m,
		       const paper_drift *drift)
{
	(void)b;
	if (m) {
		double trades = get(m, "total_trades");
		exit_share(r, m, trades, "stop_loss", "stop_losses_dominate", "Stop losses",
			   "the stops may sit inside the normal noise, or the entries come late");
		exit_share(r, m, trades, "time_limit", "time_exits_dominate", "Time exits",
			   "the targets are rarely reached before session.max_hold_minutes");
		fees(r, m);
		one_symbol(r, m);
	}
	slippage(r, drift);
}
