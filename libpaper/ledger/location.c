/*
 * Ledger locations: which backend a location names, and a copy of it safe to print. The rules
 * follow libpq's own parsing (URIs: https://www.postgresql.org/docs/current/libpq-connect.html),
 * so what is redacted here is exactly what libpq would read as a password.
 */
#include "ledger/location.h"

#include <glib.h>
#include <string.h>

/* libpq's connection keywords (PostgreSQL 16); a location starting `keyword=` is a keyword
 * string. A file whose name starts that way is reached as ./host=x. */
static const char *const keywords[] = {
	"host", "hostaddr", "port", "dbname", "user", "password", "passfile", "channel_binding",
	"connect_timeout", "client_encoding", "options", "application_name",
	"fallback_application_name", "keepalives", "keepalives_idle", "keepalives_interval",
	"keepalives_count", "tcp_user_timeout", "replication", "gssencmode", "sslmode",
	"requiressl", "sslcompression", "sslcert", "sslkey", "sslpassword", "sslcertmode",
	"sslrootcert", "sslcrl", "sslcrldir", "sslsni", "requirepeer", "require_auth",
	"ssl_min_protocol_version", "ssl_max_protocol_version", "gsslib", "krbsrvname",
	"service", "target_session_attrs", "load_balance_hosts",
};

static bool is_uri(const char *s)
{
	return g_str_has_prefix(s, "postgresql://") || g_str_has_prefix(s, "postgres://");
}

static bool is_keyword(const char *s, size_t n)
{
	for (size_t i = 0; i < G_N_ELEMENTS(keywords); i++)
		if (strlen(keywords[i]) == n && memcmp(keywords[i], s, n) == 0)
			return true;
	return false;
}

static bool is_secret(const char *key, size_t n)
{
	return (n == 8 && memcmp(key, "password", 8) == 0) ||
	       (n == 11 && memcmp(key, "sslpassword", 11) == 0);
}

bool location_is_postgresql(const char *location)
{
	if (is_uri(location))
		return true;
	const char *p = location;
	while (g_ascii_isspace(*p))
		p++;
	size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz_");
	const char *q = p + n;
	while (g_ascii_isspace(*q))
		q++;
	return n > 0 && *q == '=' && is_keyword(p, n);
}

/* ---- URIs: postgresql://[user[:password]@][hosts][/dbname][?key=value&...] ---- */

static void redact_query(GString *out, const char *q)
{
	while (*q) {
		size_t len = strcspn(q, "&");
		const char *eq = memchr(q, '=', len);
		if (eq && is_secret(q, (size_t)(eq - q))) {
			g_string_append_len(out, q, eq - q + 1);
			g_string_append(out, "***");
		} else {
			g_string_append_len(out, q, (gssize)len);
		}
		q += len;
		if (*q == '&')
			g_string_append_c(out, *q++);
	}
}

static void redact_uri(GString *out, const char *s)
{
	const char *p = strstr(s, "://") + 3;
	g_string_append_len(out, s, p - s);
	/* libpq ends the user part at the first '@' before any '/'. */
	size_t span = strcspn(p, "@/");
	if (p[span] == '@') {
		const char *colon = memchr(p, ':', span);
		g_string_append_len(out, p, colon ? colon - p : (gssize)span);
		if (colon)
			g_string_append(out, ":***");
		g_string_append_c(out, '@');
		p += span + 1;
	}
	size_t path = strcspn(p, "?");
	g_string_append_len(out, p, (gssize)path);
	if (p[path] == '?') {
		g_string_append_c(out, '?');
		redact_query(out, p + path + 1);
	}
}

/* ---- keyword strings: key = value ..., values bare or 'quoted' with \ escapes ---- */

static const char *skip_value(const char *p)
{
	if (*p == '\'') {
		for (p++; *p && *p != '\''; p++)
			if (*p == '\\' && p[1])
				p++;
		return *p ? p + 1 : p;
	}
	for (; *p && !g_ascii_isspace(*p); p++)
		if (*p == '\\' && p[1])
			p++;
	return p;
}

static void redact_keywords(GString *out, const char *p)
{
	while (*p) {
		const char *start = p;
		while (g_ascii_isspace(*p))
			p++;
		const char *key = p;
		while (*p && *p != '=' && !g_ascii_isspace(*p))
			p++;
		size_t klen = (size_t)(p - key);
		while (g_ascii_isspace(*p))
			p++;
		if (*p != '=') { /* not key=value: libpq refuses it; keep the text up to here */
			g_string_append_len(out, start, p - start);
			continue;
		}
		p++;
		while (g_ascii_isspace(*p))
			p++;
		g_string_append_len(out, start, p - start);
		const char *end = skip_value(p);
		if (is_secret(key, klen))
			g_string_append(out, "***");
		else
			g_string_append_len(out, p, end - p);
		p = end;
	}
}

char *location_redact(const char *location)
{
	GString *out = g_string_new(NULL);
	if (is_uri(location))
		redact_uri(out, location);
	else if (location_is_postgresql(location))
		redact_keywords(out, location);
	else
		g_string_append(out, location);
	return g_string_free(out, FALSE);
}
