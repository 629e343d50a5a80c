/*
 * Ledger locations: which backend a location names, and a copy of it safe to print. The rules
 * follow libpq's own parsing (URIs: https://www.postgresql.org/docs/current/libpq-connect.html),
 * so what is redacted here is exactly what libpq would read as a password.
 */
#include "ledger/location.h"

#include <glib.h>
#include <paper/ledger.h>
#include <string.h>

#include "base/error.h"

/* libpq's connection keywords (PostgreSQL 16); a location starting `keyword=` (in any case) is
 * a keyword string. A file whose name starts that way is reached as ./host=x. */
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

/* The scheme's length when s is a PostgreSQL URI, else 0. Schemes are case-insensitive
 * (RFC 3986, 3.1): `POSTGRESQL://` names a database, not a file. */
static size_t uri_scheme_len(const char *s)
{
	static const char *const schemes[] = { "postgresql://", "postgres://" };
	for (size_t i = 0; i < G_N_ELEMENTS(schemes); i++)
		if (g_ascii_strncasecmp(s, schemes[i], strlen(schemes[i])) == 0)
			return strlen(schemes[i]);
	return 0;
}

static bool is_keyword(const char *s, size_t n)
{
	for (size_t i = 0; i < G_N_ELEMENTS(keywords); i++)
		if (strlen(keywords[i]) == n && g_ascii_strncasecmp(keywords[i], s, n) == 0)
			return true;
	return false;
}

/* password and sslpassword, in any case, with libpq's percent-decoding of URI keys applied
 * (`pass%77ord` is a password too). */
static bool is_secret(const char *key, size_t n)
{
	char *raw = g_strndup(key, n);
	char *decoded = g_uri_unescape_string(raw, NULL);
	const char *k = decoded ? decoded : raw;
	bool secret = g_ascii_strcasecmp(k, "password") == 0 || g_ascii_strcasecmp(k, "sslpassword") == 0;
	g_free(decoded);
	g_free(raw);
	return secret;
}

bool location_is_postgresql(const char *location)
{
	if (uri_scheme_len(location))
		return true;
	const char *p = location;
	while (g_ascii_isspace(*p))
		p++;
	size_t n = 0;
	while (g_ascii_isalpha(p[n]) || p[n] == '_')
		n++;
	const char *q = p + n;
	while (g_ascii_isspace(*q))
		q++;
	return n > 0 && *q == '=' && is_keyword(p, n);
}

char *location_for_libpq(const char *location)
{
	char *copy = g_strdup(location);
	size_t n = uri_scheme_len(copy);
	for (size_t i = 0; i < n; i++)
		copy[i] = g_ascii_tolower(copy[i]);
	return copy;
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

/*
 * libpq ends the user part at the first '@' before any '/'; a password holding an '@' of its
 * own would then show its tail as the host, so everything up to the last '@' is hidden.
 */
static void redact_uri(GString *out, const char *s)
{
	const char *p = s + uri_scheme_len(s);
	g_string_append_len(out, s, p - s);
	size_t span = strcspn(p, "/");
	const char *at = g_strrstr_len(p, (gssize)span, "@");
	if (at) {
		const char *colon = memchr(p, ':', (size_t)(at - p));
		const char *query = colon ? NULL : memchr(p, '?', (size_t)(at - p));
		g_string_append_len(out, p, (colon ? colon : query ? query + 1 : at) - p);
		if (colon)
			g_string_append(out, ":***");
		if (query) { /* "host?password=x@..." is a user name to libpq; hide it anyway */
			char *q = g_strndup(query + 1, (gsize)(at - query - 1));
			redact_query(out, q);
			g_free(q);
		}
		g_string_append_c(out, '@');
		p = at + 1;
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
	if (uri_scheme_len(location))
		redact_uri(out, location);
	else if (location_is_postgresql(location))
		redact_keywords(out, location);
	else
		g_string_append(out, location);
	return g_string_free(out, FALSE);
}

char *location_config_text(const char *key, const char *value)
{
	return strcmp(key, "ledger.location") == 0 ? location_redact(value) : g_strdup(value);
}

PAPER_API int paper_ledger_location_redact(const char *location, char *buf, size_t cap,
					   size_t *len_out)
{
	PAPER__CHECK_NULL(location, "location");
	if (buf == NULL && cap > 0)
		return paper__error(PAPER_EINVAL, "buf must not be NULL when cap > 0");
	char *shown = location_redact(location);
	size_t len = strlen(shown);
	if (cap > 0) {
		size_t n = len < cap - 1 ? len : cap - 1;
		memcpy(buf, shown, n);
		buf[n] = '\0';
	}
	if (len_out)
		*len_out = len;
	g_free(shown);
	return PAPER_OK;
}
