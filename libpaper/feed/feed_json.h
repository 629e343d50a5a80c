/*
 * Private: reading the venues' JSON (base/json.c does the parsing): numbers that come as JSON
 * numbers or decimal strings, integer ids, and RFC 3339 times with up to nine decimals.
 */
#ifndef PAPER_PRIV_FEED_JSON_H
#define PAPER_PRIV_FEED_JSON_H

#include <paper/common.h>
#include <stdbool.h>

#include "base/json.h"

/* obj[key] as a string, or NULL (missing, not an object, not a string). */
const char *fj_str(const json_value *obj, const char *key);

/* A price or size: a JSON number or a decimal string ("1285.22"), finite. */
bool fj_number(const json_value *v, double *out);
bool fj_number_at(const json_value *obj, const char *key, double *out);

/* A whole number: a JSON integer or a string of digits. */
bool fj_int(const json_value *v, int64_t *out);
bool fj_int_at(const json_value *obj, const char *key, int64_t *out);

/*
 * RFC 3339 UTC-or-offset time, "2021-02-22T15:51:44.208123456Z" or "...+02:00", 0 to 9
 * decimals (truncated to microseconds).
 */
bool fj_time(const char *s, paper_ts *out);
bool fj_time_at(const json_value *obj, const char *key, paper_ts *out);

/*
 * A venue's integer time in units of unit microseconds (1000: milliseconds) as a paper_ts:
 * false unless it is positive and inside the library's range (PAPER_TS_MAX), so a time a venue
 * sends in another unit than documented (Binance can send microseconds) is refused, never
 * multiplied past int64 or read as a date after year 9999.
 */
bool fj_scaled_time(int64_t v, int64_t unit, paper_ts *out);

/* Epoch time by magnitude: seconds below 1e11, milliseconds below 1e14, microseconds below
 * 1e17, else nanoseconds. */
bool fj_epoch(double v, paper_ts *out);

#endif
