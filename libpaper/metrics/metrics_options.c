/* The metrics' conventions: defaults, validation and their names in reports. */
#include <math.h>
#include <string.h>

#include "base/error.h"
#include "metrics/metrics.h"

/* Version 1 is version 2's layout with periods_per_year 252 by default and never 0. */
static bool known_version(unsigned int v)
{
	return v == 1 || v == PAPER_METRICS_OPTIONS_VERSION;
}

static int bad_version(unsigned int v)
{
	return paper__error(PAPER_EVERSION, "paper_metrics_options version %u unsupported "
			    "(expected 1 to %u)", v, PAPER_METRICS_OPTIONS_VERSION);
}

PAPER_API int paper_metrics_options_init(paper_metrics_options *opts, unsigned int version)
{
	PAPER__CHECK_NULL(opts, "opts");
	if (!known_version(version))
		return bad_version(version);
	paper_metrics_options d = PAPER_METRICS_OPTIONS_INIT;
	if (version == 1)
		d.periods_per_year = PAPER_PERIODS_PER_YEAR_DAILY;
	d.version = version;
	*opts = d;
	return PAPER_OK;
}

static int bad(const char *field, double v, const char *rule)
{
	return paper__error(PAPER_EINVAL, "paper_metrics_options.%s must be %s (got %g)", field,
			    rule, v);
}

int metrics_options_resolve(const paper_metrics_options *in, paper_metrics_options *out)
{
	paper_metrics_options d = PAPER_METRICS_OPTIONS_INIT;

	if (in == NULL) {
		*out = d;
		return PAPER_OK;
	}
	if (!known_version(in->version))
		return bad_version(in->version);
	bool from_data = in->version >= 2 && in->periods_per_year == 0;
	if (!from_data && (!isfinite(in->periods_per_year) || in->periods_per_year <= 0))
		return bad("periods_per_year", in->periods_per_year,
			   in->version >= 2 ? "finite and > 0, or 0 (from the data)"
					    : "finite and > 0");
	if (!isfinite(in->risk_free))
		return bad("risk_free", in->risk_free, "finite");
	if (!isfinite(in->required_return))
		return bad("required_return", in->required_return, "finite");
	if (in->ddof > 1)
		return bad("ddof", in->ddof, "0 or 1");
	if (in->years_basis != PAPER_YEARS_PERIODS && in->years_basis != PAPER_YEARS_CALENDAR)
		return bad("years_basis", in->years_basis, "a paper_years_basis");
	if (in->resample_period < 0)
		return bad("resample_period", (double)in->resample_period, ">= 0");
	if (!isfinite(in->breakeven_band) || in->breakeven_band < 0)
		return bad("breakeven_band", in->breakeven_band, "finite and >= 0");
	if (in->win_rate_basis != PAPER_WIN_RATE_ALL_TRADES &&
	    in->win_rate_basis != PAPER_WIN_RATE_DECIDED)
		return bad("win_rate_basis", in->win_rate_basis, "a paper_win_rate_basis");
	if (in->pnl_basis != PAPER_PNL_NET && in->pnl_basis != PAPER_PNL_GROSS)
		return bad("pnl_basis", in->pnl_basis, "a paper_pnl_basis");
	*out = *in;
	out->version = PAPER_METRICS_OPTIONS_VERSION;
	return PAPER_OK;
}

const char *metrics_years_basis_str(paper_years_basis b)
{
	return b == PAPER_YEARS_CALENDAR ? "calendar" : "periods";
}

const char *metrics_pnl_basis_str(paper_pnl_basis b)
{
	return b == PAPER_PNL_GROSS ? "gross" : "net";
}

const char *metrics_win_rate_basis_str(paper_win_rate_basis b)
{
	return b == PAPER_WIN_RATE_DECIDED ? "wins_and_losses" : "all_trades";
}

int metrics_key_find(const metrics_key *table, size_t n, const char *name)
{
	if (name == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i].name, name) == 0)
			return (int)i;
	return -1;
}
