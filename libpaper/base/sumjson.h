/*
 * Private: small helpers for writing JSON into a GString (the session and replay summaries).
 * Money and prices are written from fixed-point as exact decimals; doubles as the shortest
 * text that reads back to the same value; NaN and infinities as null.
 */
#ifndef PAPER_PRIV_SUMJSON_H
#define PAPER_PRIV_SUMJSON_H

#include <glib.h>
#include <paper/common.h>

void sj_string(GString *g, const char *s);
/* "key": (with a comma before it unless first) */
void sj_key(GString *g, const char *key, bool first);
void sj_fx(GString *g, int64_t v);          /* exact decimal, at least 2 decimals */
void sj_real(GString *g, double v);
void sj_u64(GString *g, uint64_t v);
void sj_ts(GString *g, paper_ts ts);        /* ISO-8601 string, null for 0 */
void sj_bool(GString *g, bool v);

#endif
