/*
 * http-poll: any JSON endpoint, fetched every interval, read through the source's field
 * mapping. A path is "$" followed by steps: .key, ['key'] or [index] (no wildcards, filters or
 * recursion: one value, found the same way every time). The price (or bid and ask) may be a
 * JSON number or a decimal string; the time an RFC 3339 string or an epoch number in seconds,
 * milliseconds, microseconds or nanoseconds (read by magnitude). Without a time path the
 * quote is stamped when the response arrived (PAPER_FEED_FLAG_RECV_TIME).
 */
#include "feed/feed_parse.h"

#include <string.h>

#include "base/json.h"
#include "feed/feed_json.h"
#include "feed/feed_msg.h"

/* The value path leads to, or NULL. The path's form was checked by feed_source.c. */
static const json_value *walk(const json_value *v, const char *path)
{
	const char *p = path + 1;
	char key[256];
	while (v && *p) {
		if (*p == '.' || (p[0] == '[' && p[1] == '\'')) {
			const char *k = *p == '.' ? p + 1 : p + 2;
			size_t n = *p == '.' ? strcspn(k, ".[") : (size_t)(strstr(k, "']") - k);
			if (n >= sizeof key)
				return NULL;
			memcpy(key, k, n);
			key[n] = '\0';
			v = json_get(v, key);
			p = k + n + (*p == '.' ? 0 : 2);
		} else {
			gint64 i = g_ascii_strtoll(p + 1, NULL, 10);
			if (v->type != JSON_ARRAY || i < 0 || (guint64)i >= v->items->len)
				return NULL;
			v = g_ptr_array_index(v->items, (guint)i);
			p = strchr(p, ']') + 1;
		}
	}
	return v;
}

static bool number_at(const json_value *root, const char *path, double *out)
{
	return path == NULL || fj_number(walk(root, path), out);
}

static bool time_at(const json_value *root, const char *path, paper_feed_msg *m)
{
	if (path == NULL) {
		m->ts = m->recv_ts;
		m->flags |= PAPER_FEED_FLAG_RECV_TIME;
		return true;
	}
	const json_value *v = walk(root, path);
	double x = 0;
	if (v && v->type == JSON_STRING && fj_time(v->text, &m->ts))
		return true;
	return fj_number(v, &x) && fj_epoch(x, &m->ts);
}

int paper__poll_parse(const feed_spec *spec, const char *data, size_t len, paper_ts recv_ts,
		      feed_parsed *out)
{
	json_value *root = NULL;
	char err[128];
	if (spec->symbols->len == 0)
		return PAPER_EINVAL;
	if (!json_parse(data, len, &root, err, sizeof err)) {
		fm_error(out, "http-poll: not JSON: %s", err);
		return PAPER_EFORMAT;
	}
	paper_feed_msg m;
	fm_init(&m, PAPER_FEED_QUOTE, g_array_index(spec->symbols, feed_symbol, 0).name, recv_ts);
	int rc = PAPER_OK;
	if (!number_at(root, spec->poll.price, &m.last) || !number_at(root, spec->poll.bid, &m.bid) ||
	    !number_at(root, spec->poll.ask, &m.ask) || !number_at(root, spec->poll.volume, &m.size)) {
		fm_error(out, "http-poll: a mapped field is missing or not a number");
		rc = PAPER_EFORMAT;
	} else if (!time_at(root, spec->poll.time, &m)) {
		fm_error(out, "http-poll: the time field is missing or not a time");
		rc = PAPER_EFORMAT;
	} else if (!fm_add(out, &m)) {
		fm_error(out, "http-poll: the prices are not valid (<= 0, or bid above ask)");
		rc = PAPER_EFORMAT;
	}
	json_free(root);
	return rc;
}
