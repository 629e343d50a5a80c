/* Reading the venues' JSON values: numbers, decimal strings, ids and times. */
#include "feed/feed_json.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "base/tstext.h"

const char *fj_str(const json_value *obj, const char *key)
{
	const json_value *v = json_get(obj, key);
	return v && v->type == JSON_STRING ? v->text : NULL;
}

/* Plain decimal text only: g_ascii_strtod alone would take "inf", "nan" and hex. */
static bool decimal_text(const char *s)
{
	if (*s == '-')
		s++;
	if (!g_ascii_isdigit(*s))
		return false;
	for (; *s; s++)
		if (!g_ascii_isdigit(*s) && !strchr(".eE+-", *s))
			return false;
	return true;
}

bool fj_number(const json_value *v, double *out)
{
	if (v == NULL || (v->type != JSON_NUMBER && v->type != JSON_STRING) || !decimal_text(v->text))
		return false;
	char *end = NULL;
	errno = 0;
	double x = g_ascii_strtod(v->text, &end);
	if (errno || *end || !isfinite(x))
		return false;
	*out = x;
	return true;
}

bool fj_number_at(const json_value *obj, const char *key, double *out)
{
	return fj_number(json_get(obj, key), out);
}

bool fj_int(const json_value *v, int64_t *out)
{
	if (v == NULL || (v->type != JSON_NUMBER && v->type != JSON_STRING))
		return false;
	const char *s = v->text;
	if (*s == '-')
		s++;
	if (!g_ascii_isdigit(*s) || strspn(s, "0123456789") != strlen(s))
		return false;
	char *end = NULL;
	errno = 0;
	gint64 x = g_ascii_strtoll(v->text, &end, 10);
	if (errno || *end)
		return false;
	*out = x;
	return true;
}

bool fj_int_at(const json_value *obj, const char *key, int64_t *out)
{
	return fj_int(json_get(obj, key), out);
}

/* n digits at s as a number; false unless all are digits. */
static bool digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!g_ascii_isdigit(s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static bool offset(const char *s, int64_t *us)
{
	int h = 0, m = 0;
	if (strcmp(s, "Z") == 0 || strcmp(s, "z") == 0) {
		*us = 0;
		return true;
	}
	if ((s[0] != '+' && s[0] != '-') || strlen(s) != 6 || s[3] != ':' || !digits(s + 1, 2, &h) ||
	    !digits(s + 4, 2, &m) || h > 23 || m > 59)
		return false;
	*us = (s[0] == '-' ? -1 : 1) * ((int64_t)h * 3600 + m * 60) * PAPER_TS_PER_SECOND;
	return true;
}

bool fj_time(const char *s, paper_ts *out)
{
	int y, mo, d, h, mi, se;
	if (s == NULL || strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' ||
	    !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d) ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s + 11, 2, &h) ||
	    s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return false;
	int64_t days = ts_days_from_civil(y, (unsigned)mo, (unsigned)d);
	int64_t y2;
	unsigned m2, d2;
	ts_civil_from_days(days, &y2, &m2, &d2);
	if (m2 != (unsigned)mo) /* February 30th */
		return false;
	const char *p = s + 19;
	int64_t frac = 0;
	int nd = 0;
	if (*p == '.') {
		for (p++; g_ascii_isdigit(*p); p++, nd++)
			if (nd < 6)
				frac = frac * 10 + (*p - '0');
		if (nd == 0 || nd > 9)
			return false;
		for (int i = nd; i < 6; i++)
			frac *= 10;
	}
	int64_t off = 0;
	if (!offset(p, &off))
		return false;
	*out = ((days * 86400 + h * 3600 + mi * 60 + se) * PAPER_TS_PER_SECOND) + frac - off;
	return true;
}

bool fj_time_at(const json_value *obj, const char *key, paper_ts *out)
{
	return fj_time(fj_str(obj, key), out);
}

bool fj_epoch(double v, paper_ts *out)
{
	if (!isfinite(v) || v <= 0 || v >= 9e18)
		return false;
	double us = v < 1e11 ? v * 1e6 : v < 1e14 ? v * 1e3 : v < 1e17 ? v : v / 1e3;
	*out = (paper_ts)llround(us);
	return true;
}

bool fj_scaled_time(int64_t v, int64_t unit, paper_ts *out)
{
	if (v <= 0 || unit <= 0 || v > PAPER_TS_MAX / unit)
		return false;
	*out = v * unit;
	return true;
}
