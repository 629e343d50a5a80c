/*
 * The periods per year of data from its calendar. Daily data that trades every day (crypto)
 * is annualized with 365 periods, data of exchanges with 252. The tell is Saturday (UTC):
 * crypto has one in seven days on a Saturday; FX and futures open on Sunday evening UTC and
 * some stock markets trade Sunday to Thursday, but nothing of theirs falls on a Saturday.
 * One in fourteen (half of 24/7's share) keeps a stray Saturday mark of a stock account
 * from switching it.
 */
#include <inttypes.h>

#include "base/error.h"
#include "metrics/metrics.h"

#define DAY_US (INT64_C(86400) * PAPER_TS_PER_SECOND)

void calendar_init(calendar *c)
{
	c->last_day = INT64_MIN;
	c->days = c->saturdays = 0;
}

void calendar_add(calendar *c, paper_ts ts)
{
	int64_t day = series_bucket(ts, DAY_US);

	if (day == c->last_day)
		return;
	c->last_day = day;
	c->days++;
	/* 1970-01-01, day 0, was a Thursday: day % 7 == 2 is a Saturday. */
	c->saturdays += ((day % 7) + 7) % 7 == 2;
}

double calendar_periods_per_year(const calendar *c)
{
	if (c->saturdays > 0 && c->saturdays * 14 >= c->days)
		return PAPER_PERIODS_PER_YEAR_CRYPTO_DAILY;
	return PAPER_PERIODS_PER_YEAR_DAILY;
}

PAPER_API int paper_periods_per_year_from_calendar(double *out, const paper_ts *ts, size_t n)
{
	PAPER__CHECK_NULL(out, "out");
	if (n)
		PAPER__CHECK_NULL(ts, "ts");
	calendar c;
	calendar_init(&c);
	for (size_t i = 0; i < n; i++) {
		if (i && ts[i] < ts[i - 1])
			return paper__error(PAPER_ETIME, "ts[%zu] = %" PRId64 " is before ts[%zu] = %"
					    PRId64, i, ts[i], i - 1, ts[i - 1]);
		calendar_add(&c, ts[i]);
	}
	*out = calendar_periods_per_year(&c);
	return PAPER_OK;
}
