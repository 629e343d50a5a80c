/*
 * The one rule for NaNs in an input array of the pure functions: the leading ones are dropped
 * (empyrical does so with the NaN pandas' pct_change() puts first); any other NaN or infinity
 * is refused, naming its index.
 */
#include <math.h>

#include "base/error.h"
#include "metrics/metrics.h"

int dist_trim(const double **r, size_t *n, const char *what)
{
	const double *p = *r;
	size_t k = *n, i = 0;

	if (k && p == NULL)
		return paper__error(PAPER_EINVAL, "%s must not be NULL when n > 0", what);
	while (i < k && isnan(p[i]))
		i++;
	for (size_t j = i; j < k; j++)
		if (!isfinite(p[j]))
			return paper__error(PAPER_EINVAL, "%s[%zu] must be finite (got %g): only "
					    "leading NaNs are dropped", what, j, p[j]);
	*r = p + i;
	*n = k - i;
	return PAPER_OK;
}
