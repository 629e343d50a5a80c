/*
 * The readiness gate: whether a paper account has earned trust, criterion by criterion, each
 * with its measured value, its threshold and its verdict. Trade counts and ratios, time run,
 * errors, and the two statistics that say whether a Sharpe ratio means anything on a record
 * this long (Bailey and López de Prado's probabilistic Sharpe ratio and minimum track record
 * length); a ratio from too few trades or days carries a small-sample warning
 * (docs/metrics.md, "The readiness gate").
 */
#include "report/readiness.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/sumjson.h"
#include "config/config.h"
#include "market/broker.h"
#include "market/broker_store.h"

#define DAY_SECONDS 86400.0

/* ---- thresholds ---- */

typedef struct thresholds {
	double min_trades, min_win_rate, min_sharpe, max_drawdown, max_errors;
	double min_calendar_days, min_trading_days, min_error_free_days;
	double min_psr, psr_benchmark, small_sample;
} thresholds;

/* The gate's thresholds are config keys; the 1.0 checklist's are the options' fields. */
static void resolve(thresholds *t, const paper_broker *b, const paper_report_options *o,
		    const paper_readiness_options *g)
{
	const paper_config *c = g && g->thresholds ? g->thresholds : paper__broker_config(b);
	t->min_trades = g ? (double)cfg_int(c, K_READINESS_MIN_TRADES) : o->min_trades;
	t->min_win_rate = g ? cfg_double(c, K_READINESS_MIN_WIN_RATE) : o->min_win_rate;
	t->min_sharpe = g ? cfg_double(c, K_READINESS_MIN_SHARPE) : o->min_sharpe;
	t->max_drawdown = g ? cfg_double(c, K_READINESS_MAX_DRAWDOWN) : o->max_drawdown;
	t->max_errors = g ? (double)cfg_int(c, K_READINESS_MAX_ERRORS) : o->max_errors;
	t->min_calendar_days = cfg_double(c, K_READINESS_MIN_CALENDAR_DAYS);
	t->min_trading_days = (double)cfg_int(c, K_READINESS_MIN_TRADING_DAYS);
	t->min_error_free_days = cfg_double(c, K_READINESS_MIN_ERROR_FREE_DAYS);
	t->min_psr = cfg_double(c, K_READINESS_MIN_PSR);
	t->psr_benchmark = cfg_double(c, K_READINESS_PSR_BENCHMARK_SHARPE);
	t->small_sample = (double)cfg_int(c, K_READINESS_SMALL_SAMPLE);
}

int readiness__check_options(const paper_report_options *o)
{
	if (o->version < 1 || o->version > PAPER_REPORT_OPTIONS_VERSION)
		return paper__error(PAPER_EVERSION, "paper_report_options version %u unsupported",
				    o->version);
	/* Version 1 has no "from the data" (0) and shows recent_trades rows as given. */
	bool ppy_ok = o->version >= 2 ? o->periods_per_year >= 0 : o->periods_per_year > 0;
	if (!ppy_ok || !isfinite(o->periods_per_year) || !isfinite(o->min_win_rate) ||
	    !isfinite(o->min_sharpe) || !(o->max_drawdown >= 0))
		return paper__error(PAPER_EINVAL, "paper_report_options: periods_per_year must be > 0 "
				    "(or 0: from the data, version 2) and the criteria finite");
	return PAPER_OK;
}

int readiness__check_gate(const paper_readiness_options *g)
{
	if (g->version != PAPER_READINESS_OPTIONS_VERSION)
		return paper__error(PAPER_EVERSION, "paper_readiness_options version %u unsupported",
				    g->version);
	if (g->last_rejected_decision_ts < 0)
		return paper__error(PAPER_EINVAL, "last_rejected_decision_ts must be >= 0");
	return PAPER_OK;
}

/* ---- what the account did ---- */

typedef struct facts {
	double trades, win_rate, sharpe, max_dd; /* max_dd positive */
	double periods;            /* daily returns */
	double ppy;
	double calendar_days, trading_days, error_free_days;
	double errors;
	double psr, min_trl;
} facts;

/* The account's first price or fill: where its record starts (0: no activity yet). */
static paper_ts start_of(const paper_broker *b)
{
	paper_ts start = 0;
	paper_equity_info e = PAPER_EQUITY_INFO_INIT;
	paper_fill_info f = PAPER_FILL_INFO_INIT;
	if (paper_broker_equity_count(b) && paper_broker_equity_at(b, 0, &e) == PAPER_OK)
		start = e.ts;
	if (paper_broker_fill_count(b) && paper_broker_fill_at(b, 0, &f) == PAPER_OK &&
	    (start == 0 || f.ts < start))
		start = f.ts;
	return start;
}

/* Distinct UTC days of the equity curve: the days the account saw market data. */
static double trading_days(const paper_broker *b)
{
	int64_t last = INT64_MIN;
	double days = 0;
	for (size_t i = 0; i < paper_broker_equity_count(b); i++) {
		paper_equity_info e = PAPER_EQUITY_INFO_INIT;
		if (paper_broker_equity_at(b, i, &e) != PAPER_OK)
			continue;
		int64_t day = e.ts / (INT64_C(86400) * PAPER_TS_PER_SECOND);
		days += day != last;
		last = day;
	}
	return days;
}

static double metric(const paper_metrics *m, const char *key)
{
	double v = NAN;
	if (m)
		paper_metrics_get(m, key, &v);
	return v;
}

static double *returns_of(const paper_metrics *m, size_t *n)
{
	*n = m ? paper_metrics_return_count(m) : 0;
	double *r = g_new(double, *n ? *n : 1);
	for (size_t i = 0; i < *n; i++)
		paper_metrics_return_at(m, i, &r[i]);
	return r;
}

static void psr_facts(facts *f, const paper_metrics *m, const thresholds *t)
{
	size_t n;
	double *r = returns_of(m, &n);
	double sr_star = f->ppy > 0 ? t->psr_benchmark / sqrt(f->ppy) : 0;
	f->psr = f->min_trl = NAN;
	if (n) {
		paper_probabilistic_sharpe_ratio(&f->psr, r, n, sr_star);
		if (t->min_psr <= 0)
			f->min_trl = 0; /* nothing to reach */
		else if (t->min_psr >= 1)
			f->min_trl = INFINITY;
		else
			paper_min_track_record_length(&f->min_trl, r, n, sr_star, t->min_psr);
	}
	g_free(r);
}

static void gather(facts *f, const paper_broker *b, const paper_metrics *m,
		   const paper_readiness_options *g, const thresholds *t,
		   const readiness_inbox *inbox)
{
	paper_account_info a = PAPER_ACCOUNT_INFO_INIT;
	paper_broker_account(b, &a);
	paper_metrics_options mo = PAPER_METRICS_OPTIONS_INIT;
	f->ppy = m && paper_metrics_options_get(m, &mo) == PAPER_OK ? mo.periods_per_year : 252;
	f->trades = metric(m, "total_trades");
	if (isnan(f->trades))
		f->trades = (double)a.closed_trades;
	f->win_rate = metric(m, "win_rate");
	f->sharpe = metric(m, "sharpe_ratio");
	double mdd = metric(m, "max_drawdown");
	f->max_dd = isfinite(mdd) ? 0.0 - mdd : NAN; /* 0 - 0 is +0, never -0 */
	f->periods = m ? (double)paper_metrics_return_count(m) : 0;
	/* The caller's count, else what the report read from the ledger's inbox. */
	uint64_t rejected = g && g->rejected_decisions ? g->rejected_decisions : inbox->rejected;
	f->errors = (double)(a.rejections + rejected);
	paper_ts start = start_of(b), now = a.ts;
	f->calendar_days = start && now > start ? (double)(now - start) / 1e6 / DAY_SECONDS : 0;
	f->trading_days = trading_days(b);
	paper_ts last_error = b->last_rejection_ts;
	if (g && g->last_rejected_decision_ts > last_error)
		last_error = g->last_rejected_decision_ts;
	if (inbox->last_rejected_ts > last_error)
		last_error = inbox->last_rejected_ts;
	paper_ts clean_from = last_error ? last_error : start;
	f->error_free_days = clean_from && now > clean_from
				     ? (double)(now - clean_from) / 1e6 / DAY_SECONDS : 0;
	psr_facts(f, m, t);
}

/* ---- the criteria ---- */

static paper_readiness_criterion *add(paper_readiness *r, const char *id, const char *label,
				      const char *op, double value, double threshold)
{
	paper_readiness_criterion *c = &r->c[r->n_c];
	memset(c, 0, sizeof *c);
	c->version = PAPER_READINESS_CRITERION_VERSION;
	c->id = id;
	c->label = label;
	c->op = op;
	c->value = value;
	c->threshold = threshold;
	c->sample_unit = "";
	r->notes[r->n_c][0] = '\0';
	c->note = r->notes[r->n_c];
	r->n_c++;
	/* NaN never passes: a statistic that does not exist has not been shown. */
	c->pass = op[0] == '>' ? value >= threshold : value <= threshold;
	return c;
}

/* The ratio came from n trades or days: below the small-sample line it says so. */
static void sample(paper_readiness *r, paper_readiness_criterion *c, double n, const char *unit,
		   double small)
{
	c->sample = (uint64_t)n;
	c->sample_unit = unit;
	c->small_sample = n < small;
	if (c->small_sample)
		g_snprintf(r->notes[c - r->c], READINESS_NOTE_CAP, "from %.0f %s, fewer than %.0f: a "
			   "small sample, take it with caution", n, unit, small);
}

static void note(paper_readiness *r, paper_readiness_criterion *c, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);

static void note(paper_readiness *r, paper_readiness_criterion *c, const char *fmt, ...)
{
	char *buf = r->notes[c - r->c];
	size_t used = strlen(buf);
	va_list ap;
	if (used && used + 2 < READINESS_NOTE_CAP) {
		memcpy(buf + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	g_vsnprintf(buf + used, READINESS_NOTE_CAP - used, fmt, ap);
	va_end(ap);
}

static void legacy_criteria(paper_readiness *r, const facts *f, const thresholds *t)
{
	add(r, "min_trades", "closed trades", ">=", f->trades, t->min_trades);
	add(r, "min_win_rate", "win rate", ">=", f->win_rate, t->min_win_rate);
	add(r, "min_sharpe", "Sharpe ratio", ">=", f->sharpe, t->min_sharpe);
	paper_readiness_criterion *c = add(r, "max_drawdown", "max drawdown", "<=", f->max_dd,
					   t->max_drawdown);
	if (isnan(f->max_dd)) { /* no curve yet: nothing has fallen */
		c->pass = true;
		note(r, c, "no equity curve yet");
	}
	add(r, "errors", "errors (rejected orders and decisions)", "<=", f->errors, t->max_errors);
}

static void psr_criteria(paper_readiness *r, const facts *f, const thresholds *t)
{
	paper_readiness_criterion *c =
		add(r, "min_psr", "probabilistic Sharpe ratio", ">=", f->psr, t->min_psr);
	sample(r, c, f->periods, "days", t->small_sample);
	if (isnan(f->psr))
		note(r, c, "needs at least 2 daily returns that differ");
	else
		note(r, c, "P(true Sharpe > %.2f a year)", t->psr_benchmark);
	c = add(r, "min_track_record", "daily returns against the minimum track record length",
		">=", f->periods, f->min_trl);
	c->sample = (uint64_t)f->periods;
	c->sample_unit = "days";
	if (isinf(f->min_trl))
		note(r, c, "the Sharpe ratio does not beat %.2f a year: no record is long enough",
		     t->psr_benchmark);
	else if (isnan(f->min_trl))
		note(r, c, "needs at least 2 daily returns that differ");
	else if (!c->pass)
		note(r, c, "%.0f more days at this Sharpe ratio, skewness and kurtosis",
		     ceil(f->min_trl - f->periods));
}

void readiness__evaluate(paper_readiness *r, const paper_broker *b, const paper_metrics *m,
			 const paper_report_options *o, const paper_readiness_options *g,
			 const readiness_inbox *inbox)
{
	thresholds t;
	facts f;
	memset(r, 0, sizeof *r);
	resolve(&t, b, o, g);
	gather(&f, b, m, g, &t, inbox);
	r->from_config = g != NULL;
	legacy_criteria(r, &f, &t);
	if (g) {
		sample(r, &r->c[1], f.trades, "trades", t.small_sample);
		sample(r, &r->c[2], f.periods, "days", t.small_sample);
		add(r, "min_calendar_days", "calendar days run", ">=", f.calendar_days,
		    t.min_calendar_days);
		add(r, "min_trading_days", "days with market data", ">=", f.trading_days,
		    t.min_trading_days);
		add(r, "min_error_free_days", "days since the last error", ">=", f.error_free_days,
		    t.min_error_free_days);
		psr_criteria(r, &f, &t);
	}
	r->ready = true;
	for (size_t i = 0; i < r->n_c; i++)
		r->ready &= r->c[i].pass;
	readiness__advise(r, b, m, g ? g->drift : NULL);
}

/* ---- the inbox's refusals ---- */

typedef struct refusals {
	readiness_inbox *out;
	paper_ts clock; /* the account's */
} refusals;

static int on_refusal(const paper_decision_record *d, void *ctx)
{
	refusals *x = ctx;
	paper_ts ts = d->processed_ts && d->processed_ts <= x->clock ? d->processed_ts
								     : d->decision.created_ts;
	/* Its refused order is one of the account's rejections already: one error, not two. */
	if (d->outcome && g_str_has_prefix(d->outcome, PAPER_DECISION_ORDER_REFUSED))
		return 0;
	x->out->rejected++;
	if (ts > x->out->last_rejected_ts)
		x->out->last_rejected_ts = ts;
	return 0;
}

int readiness__read_inbox(const paper_report_options *o, const paper_broker *b,
			  readiness_inbox *out)
{
	memset(out, 0, sizeof *out);
	if (o->version < 3 || o->ledger == NULL)
		return PAPER_OK;
	paper_account_info a = PAPER_ACCOUNT_INFO_INIT;
	paper_broker_account(b, &a);
	refusals x = { out, a.ts };
	paper_decision_filter f = PAPER_DECISION_FILTER_INIT;
	f.status = PAPER_DECISION_REJECTED;
	return paper_ledger_each_decision(o->ledger, cfg_str(b->cfg, K_ACCOUNT_NAME), &f,
					  on_refusal, &x);
}

/* ---- the API ---- */

PAPER_API int paper_readiness_evaluate(paper_readiness **out, const paper_broker *b,
				       const paper_report_options *report,
				       const paper_readiness_options *opts)
{
	static const paper_report_options report_defaults = PAPER_REPORT_OPTIONS_INIT;
	static const paper_readiness_options defaults = PAPER_READINESS_OPTIONS_INIT;
	PAPER__CHECK_NULL(out, "out");
	PAPER__CHECK_NULL(b, "broker");
	const paper_report_options *o = report ? report : &report_defaults;
	const paper_readiness_options *g = opts ? opts : &defaults;
	int rc = readiness__check_options(o);
	if (rc == PAPER_OK)
		rc = readiness__check_gate(g);
	if (rc != PAPER_OK)
		return rc;
	readiness_inbox inbox;
	rc = readiness__read_inbox(o, b, &inbox);
	if (rc != PAPER_OK)
		return rc;
	paper_metrics *m = NULL;
	paper_metrics_options mo = PAPER_METRICS_OPTIONS_INIT;
	mo.periods_per_year = o->periods_per_year;
	if (paper_metrics_from_broker(&m, b, &mo) != PAPER_OK)
		m = NULL; /* an account whose equity fell to 0: criteria without statistics */
	paper_readiness *r = g_new(paper_readiness, 1);
	readiness__evaluate(r, b, m, o, g, &inbox);
	paper_metrics_free(m);
	*out = r;
	return PAPER_OK;
}

PAPER_API void paper_readiness_free(paper_readiness *r)
{
	g_free(r);
}

PAPER_API bool paper_readiness_ready(const paper_readiness *r)
{
	return r && r->ready;
}

PAPER_API size_t paper_readiness_criterion_count(const paper_readiness *r)
{
	return r ? r->n_c : 0;
}

PAPER_API int paper_readiness_criterion_at(const paper_readiness *r, size_t index,
					   paper_readiness_criterion *out)
{
	PAPER__CHECK_NULL(r, "readiness");
	PAPER__CHECK_NULL(out, "out");
	if (out->version != PAPER_READINESS_CRITERION_VERSION)
		return paper__error(PAPER_EVERSION, "paper_readiness_criterion version %u unsupported",
				    out->version);
	if (index >= r->n_c)
		return paper__error(PAPER_ERANGE, "criterion %zu >= %zu", index, r->n_c);
	*out = r->c[index];
	return PAPER_OK;
}

PAPER_API size_t paper_readiness_recommendation_count(const paper_readiness *r)
{
	return r ? r->n_rec : 0;
}

PAPER_API int paper_readiness_recommendation_at(const paper_readiness *r, size_t index,
						paper_recommendation *out)
{
	PAPER__CHECK_NULL(r, "readiness");
	PAPER__CHECK_NULL(out, "out");
	if (out->version != PAPER_RECOMMENDATION_VERSION)
		return paper__error(PAPER_EVERSION, "paper_recommendation version %u unsupported",
				    out->version);
	if (index >= r->n_rec)
		return paper__error(PAPER_ERANGE, "recommendation %zu >= %zu", index, r->n_rec);
	*out = r->rec[index];
	return PAPER_OK;
}

PAPER_API int paper_readiness_to_json(const paper_readiness *r, char **out)
{
	PAPER__CHECK_NULL(r, "readiness");
	PAPER__CHECK_NULL(out, "out");
	GString *g = g_string_new("{\"ready\":");
	sj_bool(g, r->ready);
	sj_key(g, "criteria", false);
	g_string_append_c(g, '[');
	for (size_t i = 0; i < r->n_c; i++) {
		const paper_readiness_criterion *c = &r->c[i];
		g_string_append(g, i ? ",{\"id\":" : "{\"id\":");
		sj_string(g, c->id);
		sj_key(g, "label", false);
		sj_string(g, c->label);
		sj_key(g, "op", false);
		sj_string(g, c->op);
		sj_key(g, "value", false);
		sj_real(g, c->value);
		sj_key(g, "threshold", false);
		sj_real(g, c->threshold);
		sj_key(g, "pass", false);
		sj_bool(g, c->pass);
		sj_key(g, "small_sample", false);
		sj_bool(g, c->small_sample);
		sj_key(g, "sample", false);
		sj_u64(g, c->sample);
		sj_key(g, "sample_unit", false);
		sj_string(g, c->sample_unit);
		sj_key(g, "note", false);
		sj_string(g, c->note);
		g_string_append_c(g, '}');
	}
	g_string_append(g, "],\"recommendations\":[");
	for (size_t i = 0; i < r->n_rec; i++) {
		const paper_recommendation *x = &r->rec[i];
		g_string_append(g, i ? ",{\"id\":" : "{\"id\":");
		sj_string(g, x->id);
		sj_key(g, "text", false);
		sj_string(g, x->text);
		sj_key(g, "value", false);
		sj_real(g, x->value);
		sj_key(g, "threshold", false);
		sj_real(g, x->threshold);
		g_string_append_c(g, '}');
	}
	g_string_append(g, "]}");
	char *s = malloc(g->len + 1);
	if (s == NULL) {
		g_string_free(g, TRUE);
		return paper__error(PAPER_ENOMEM, "out of memory for the readiness JSON");
	}
	memcpy(s, g->str, g->len + 1);
	g_string_free(g, TRUE);
	*out = s;
	return PAPER_OK;
}
