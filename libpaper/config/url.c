/*
 * http(s) URLs read with GLib's RFC 3986 parser (GUri), after refusing every byte where
 * readers differ: WHATWG parsers drop tabs and newlines anywhere and read '\' as '/', older
 * ones stop at white space or NUL. A URL that means one host to us and another to the client
 * that uses it would let a check pass on a host nobody connects to, so such a URL is refused
 * whole. The host is compared in the one form a client resolves: percent-decoded, IDNA
 * ASCII, lower case, without the trailing dot of a fully qualified name.
 */
#include "config/url.h"

#include <glib.h>
#include <string.h>

/* RFC 3986 section 2: unreserved, gen-delims, sub-delims and '%' of percent-encoding. */
static bool url_char(unsigned char c)
{
	return g_ascii_isalnum(c) || (c != '\0' && strchr("-._~:/?#[]@!$&'()*+,;=%", c) != NULL);
}

static bool chars_ok(const char *text, char **why)
{
	size_t n = strlen(text);

	if (n > PAPER_URL_MAX) {
		*why = g_strdup_printf("is longer than %d bytes", PAPER_URL_MAX);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];
		if (!url_char(c)) {
			*why = g_strdup_printf("holds a byte a URL may not (0x%02x at offset %zu: control "
					       "characters, white space, '\\' and non-ASCII text must "
					       "be percent-encoded)", c, i);
			return false;
		}
	}
	return true;
}

/* "host:" with nothing after the colon: RFC 3986 allows it, but it is how `a:@b` tricks
 * start, and no one means it. */
static bool port_empty(const char *text)
{
	const char *auth = strstr(text, "://");
	if (auth == NULL)
		return false;
	auth += 3;
	size_t len = strcspn(auth, "/?#");
	return len > 0 && auth[len - 1] == ':';
}

static bool parse(const char *text, GUri **out, char **why)
{
	GError *err = NULL;

	*out = g_uri_parse(text, G_URI_FLAGS_NONE, &err);
	if (*out != NULL)
		return true;
	if (g_error_matches(err, G_URI_ERROR, G_URI_ERROR_BAD_PORT))
		*why = g_strdup("has a port that is not a number in 1..65535");
	else
		*why = g_strdup_printf("is not an absolute URL (%s)", err->message);
	g_error_free(err);
	return false;
}

static bool scheme_ok(const char *scheme, paper_url_kind kind)
{
	const char *plain = kind == PAPER_URL_WEBSOCKET ? "ws" : "http";
	const char *tls = kind == PAPER_URL_WEBSOCKET ? "wss" : "https";
	return g_ascii_strcasecmp(scheme, plain) == 0 || g_ascii_strcasecmp(scheme, tls) == 0;
}

/* What a client would connect to, with nothing it would not send. */
static bool parts_ok(GUri *u, const char *text, paper_url_kind kind, char **why)
{
	if (!scheme_ok(g_uri_get_scheme(u), kind))
		*why = g_strdup(kind == PAPER_URL_WEBSOCKET ? "is not a ws:// or wss:// URL"
							    : "is not an http:// or https:// URL");
	else if (g_uri_get_userinfo(u) != NULL)
		*why = g_strdup("carries user information before an '@' (refused, even empty: the "
				"host is what follows it, whatever precedes it)");
	else if (g_uri_get_fragment(u) != NULL)
		*why = g_strdup("carries a fragment ('#...'), which an endpoint never has");
	else if (g_uri_get_port(u) == 0 || port_empty(text))
		*why = g_strdup("has a port that is not a number in 1..65535");
	else if (g_uri_get_host(u) == NULL || g_uri_get_host(u)[0] == '\0')
		*why = g_strdup("has no host");
	else
		return true;
	return false;
}

/* The host in the form a client resolves; NULL when it is not a host name at all. */
static char *host_canonical(const char *host)
{
	char *ascii = g_hostname_is_ip_address(host) ? g_strdup(host) : g_hostname_to_ascii(host);
	if (ascii == NULL)
		return NULL;
	char *lower = g_ascii_strdown(ascii, -1);
	g_free(ascii);
	size_t n = strlen(lower);
	if (n > 1 && lower[n - 1] == '.')
		lower[n - 1] = '\0';
	return lower;
}

/* The path as the server reads it: decoded, so "%6Frders" is "orders". */
static char *path_decoded(GUri *u)
{
	const char *path = g_uri_get_path(u);
	return g_uri_unescape_string(path ? path : "", NULL);
}

bool paper__url_parse(const char *text, paper_url *out, char **why)
{
	return paper__url_parse_as(text, PAPER_URL_HTTP, out, why);
}

bool paper__url_parse_as(const char *text, paper_url_kind kind, paper_url *out, char **why)
{
	GUri *u = NULL;

	memset(out, 0, sizeof *out);
	if (!chars_ok(text, why) || !parse(text, &u, why))
		return false;
	bool ok = parts_ok(u, text, kind, why);
	char *host = ok ? host_canonical(g_uri_get_host(u)) : NULL;
	if (ok && host == NULL) {
		*why = g_strdup("has a host that is not a valid host name");
		ok = false;
	}
	char *path = ok ? path_decoded(u) : NULL;
	if (ok && path == NULL) {
		*why = g_strdup("has a path that decodes to a NUL byte");
		g_free(host);
		ok = false;
	}
	if (ok) {
		out->scheme = g_ascii_strdown(g_uri_get_scheme(u), -1);
		out->host = host;
		out->host_unicode = g_hostname_to_unicode(host);
		if (out->host_unicode == NULL)
			out->host_unicode = g_strdup(host);
		out->port = g_uri_get_port(u);
		out->path = path;
	}
	g_uri_unref(u);
	return ok;
}

void paper__url_clear(paper_url *u)
{
	g_free(u->scheme);
	g_free(u->host);
	g_free(u->host_unicode);
	g_free(u->path);
	memset(u, 0, sizeof *u);
}
