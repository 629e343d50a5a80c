/*
 * Trade statistics over closed round trips. Sums are compensated (Neumaier) so totals of
 * many small P&Ls stay exact to the last digit the doubles can hold.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"

const metrics_key trade_keys[] = {
#define X(name, kind) { #name, offsetof(trade_result, name), kind },
	TRADE_KEYS(X)
#undef X
#define R(reason, text) \
	{ "exit_reasons." text, offsetof(trade_result, exit_reasons[reason]), KEY_COUNT },
	R(PAPER_EXIT_NONE, "none")
	R(PAPER_EXIT_TAKE_PROFIT, "take_profit")
	R(PAPER_EXIT_STOP_LOSS, "stop_loss")
	R(PAPER_EXIT_TRAILING_STOP, "trailing_stop")
	R(PAPER_EXIT_TIME_LIMIT, "time_limit")
	R(PAPER_EXIT_REVERSE_SIGNAL, "reverse_signal")
	R(PAPER_EXIT_MANUAL, "manual")
	R(PAPER_EXIT_END_OF_DATA, "end_of_data")
	R(PAPER_EXIT_FORCE, "force_exit")
	R(PAPER_EXIT_EXPIRY, "expiry")
#undef R
};
const size_t n_trade_keys = sizeof trade_keys / sizeof trade_keys[0];
const size_t n_trade_scalar_keys = n_trade_keys - N_EXIT_REASONS;

typedef struct ksum {
	double s, c;
} ksum;

static void ksum_add(ksum *k, double x)
{
	double t = k->s + x;
	k->c += fabs(k->s) >= fabs(x) ? (k->s - t) + x : (x - t) + k->s;
	k->s = t;
}

static double ksum_get(const ksum *k)
{
	return k->s + k->c;
}

/* Running tallies of one pass over the trades. */
typedef struct tally {
	size_t wins, losses, breakevens;
	size_t run_w, run_l, best_w, best_l;
	ksum total, profit, loss, fees;
	double largest_win, largest_loss;
	double dur_sum;
	int64_t dur_max;
} tally;

static void tally_trade(tally *t, const mtrade *x, double band)
{
	double p = x->pnl;

	ksum_add(&t->total, p);
	ksum_add(&t->fees, x->fees);
	if (p > band) {
		t->wins++;
		ksum_add(&t->profit, p);
		t->largest_win = p > t->largest_win ? p : t->largest_win;
		t->run_w++;
		t->run_l = 0;
	} else if (p < -band) {
		t->losses++;
		ksum_add(&t->loss, p);
		t->largest_loss = p < t->largest_loss ? p : t->largest_loss;
		t->run_l++;
		t->run_w = 0;
	} else {
		/* A breakeven ends both streaks. */
		t->breakevens++;
		t->run_w = t->run_l = 0;
	}
	t->best_w = t->run_w > t->best_w ? t->run_w : t->best_w;
	t->best_l = t->run_l > t->best_l ? t->run_l : t->best_l;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* As numpy's median: the middle value, or the mean of the two middle ones. */
static double median_of(int64_t *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_i64);
	if (n % 2)
		return (double)v[n / 2];
	return ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2.0;
}

static void finish(trade_result *out, const tally *t, size_t n, const paper_metrics_options *o,
		   int64_t *durations)
{
	double nn = (double)n, w = (double)t->wins, l = (double)t->losses;
	double decided = o->win_rate_basis == PAPER_WIN_RATE_DECIDED ? w + l : nn;
	double gp = ksum_get(&t->profit), gl = ksum_get(&t->loss);
	const double sec = (double)PAPER_TS_PER_SECOND;

	out->total_trades = nn;
	out->wins = w;
	out->losses = l;
	out->breakevens = (double)t->breakevens;
	out->win_rate = decided > 0 ? w / decided : NAN;
	out->total_pnl = ksum_get(&t->total);
	out->gross_profit = gp;
	out->gross_loss = gl;
	out->total_fees = ksum_get(&t->fees);
	out->avg_pnl = n ? out->total_pnl / nn : NAN;
	out->avg_win = t->wins ? gp / w : NAN;
	out->avg_loss = t->losses ? gl / l : NAN;
	out->largest_win = t->wins ? t->largest_win : NAN;
	out->largest_loss = t->losses ? t->largest_loss : NAN;
	out->profit_factor = metrics_ratio(gp, fabs(gl));
	out->expectancy = decided > 0 ? (gp + gl) / decided : NAN;
	out->payoff_ratio = t->wins && t->losses ? out->avg_win / fabs(out->avg_loss) : NAN;
	out->avg_duration = n ? t->dur_sum / nn / sec : NAN;
	out->median_duration = n ? median_of(durations, n) / sec : NAN;
	out->max_duration = n ? (double)t->dur_max / sec : NAN;
	out->longest_winning_streak = (double)t->best_w;
	out->longest_losing_streak = (double)t->best_l;
	/* Kelly over the decided trades (a breakeven neither grows nor shrinks the stake):
	   f = p - (1 - p) / payoff, as quantstats' kelly_criterion(). */
	double p = w / (w + l);
	out->kelly_criterion = t->wins && t->losses ? p - (1 - p) / out->payoff_ratio : NAN;
}

void trades_compute(trade_result *out, const mtrade *trades, const uint32_t *idx, size_t n,
		    const paper_metrics_options *o, int64_t *scratch)
{
	tally t;

	memset(&t, 0, sizeof t);
	memset(out, 0, sizeof *out);
	t.largest_win = -INFINITY;
	t.largest_loss = INFINITY;
	t.dur_max = INT64_MIN;
	for (size_t i = 0; i < n; i++) {
		const mtrade *x = &trades[idx ? idx[i] : i];
		int64_t d = x->exit_ts - x->entry_ts;
		tally_trade(&t, x, o->breakeven_band);
		scratch[i] = d;
		t.dur_sum += (double)d;
		t.dur_max = d > t.dur_max ? d : t.dur_max;
		out->exit_reasons[x->exit_reason] += 1.0;
	}
	finish(out, &t, n, o, scratch);
}
