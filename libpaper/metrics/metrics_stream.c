/* The streaming accumulator: the series kernel behind an opaque handle. */
#include <glib.h>

#include "base/error.h"
#include "metrics/metrics.h"

struct paper_series_acc {
	series_state s;
};

PAPER_API int paper_series_acc_new(paper_series_acc **out, const paper_metrics_options *opts)
{
	PAPER__CHECK_NULL(out, "out");
	paper_metrics_options o;
	int rc = metrics_options_resolve(opts, &o);
	if (rc != PAPER_OK)
		return rc;
	paper_series_acc *acc = g_try_new(paper_series_acc, 1);
	if (acc == NULL)
		return paper__error(PAPER_ENOMEM, "out of memory for an accumulator");
	series_init(&acc->s, &o);
	*out = acc;
	return PAPER_OK;
}

PAPER_API void paper_series_acc_free(paper_series_acc *acc)
{
	g_free(acc);
}

PAPER_API void paper_series_acc_reset(paper_series_acc *acc)
{
	if (acc == NULL)
		return;
	paper_metrics_options o = acc->s.o;
	series_init(&acc->s, &o);
}

PAPER_API int paper_series_acc_add_return(paper_series_acc *acc, double r)
{
	PAPER__CHECK_NULL(acc, "acc");
	return series_add_return(&acc->s, r);
}

PAPER_API int paper_series_acc_add_returns(paper_series_acc *acc, const double *returns,
					   size_t n)
{
	PAPER__CHECK_NULL(acc, "acc");
	return series_add_returns(&acc->s, returns, n);
}

PAPER_API int paper_series_acc_add_equity(paper_series_acc *acc, paper_ts ts, double equity)
{
	PAPER__CHECK_NULL(acc, "acc");
	return series_add_point(&acc->s, ts, equity);
}

PAPER_API int paper_series_acc_add_equity_array(paper_series_acc *acc, const paper_ts *ts,
						const double *equity, size_t n)
{
	PAPER__CHECK_NULL(acc, "acc");
	return series_add_points(&acc->s, ts, equity, n);
}

PAPER_API int paper_series_acc_get(const paper_series_acc *acc, const char *key, double *out)
{
	PAPER__CHECK_NULL(acc, "acc");
	PAPER__CHECK_NULL(key, "key");
	PAPER__CHECK_NULL(out, "out");
	int k = metrics_key_find(series_keys, n_series_keys, key);
	if (k < 0 && metrics_key_find(dist_keys, n_dist_keys, key) >= 0)
		return paper__error(PAPER_ENOTFOUND, "'%s' needs every return at once: read it from "
				    "a report (paper_metrics_get) or its pure function", key);
	if (k < 0)
		return paper__error(PAPER_ENOTFOUND, "'%s' is not a series statistic", key);
	series_result r;
	series_finish(&acc->s, &r);
	*out = metrics_key_value(&r, &series_keys[k]);
	return PAPER_OK;
}
