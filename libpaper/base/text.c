/*
 * Text from outside on its way to logs, CSV and HTML. A log line is one line only if no field
 * can end it (LF, CR, U+2028/9 as some viewers read them) or redraw it (ESC sequences, C1
 * controls, bidirectional overrides); so names, tags, ids and reasons holding any of those
 * are refused where they come in, and whatever is quoted back in a message is escaped.
 */
#include "base/text.h"

#include <stdio.h>
#include <string.h>


static bool code_point_control(gunichar c)
{
	return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029 ||
	       (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

size_t paper__text_char(const char *s, size_t len)
{
	unsigned char c = (unsigned char)s[0];

	if (c < 0x80)
		return c >= 0x20 && c != 0x7f ? 1 : 0;
	gunichar u = g_utf8_get_char_validated(s, (gssize)len);
	if (u == (gunichar)-1 || u == (gunichar)-2 || code_point_control(u))
		return 0;
	return (size_t)g_unichar_to_utf8(u, NULL);
}

bool paper__text_check(const char *s, size_t len, char *why)
{
	for (size_t i = 0; i < len;) {
		size_t n = paper__text_char(s + i, len - i);
		if (n == 0) {
			if (why)
				snprintf(why, PAPER_TEXT_WHY_MAX, "holds a control character or a byte "
					 "that is not UTF-8 (0x%02x at byte %zu)", (unsigned char)s[i], i);
			return false;
		}
		i += n;
	}
	return true;
}

bool paper__text_fit(const char *s)
{
	return s == NULL || paper__text_check(s, strlen(s), NULL);
}

void paper__text_trim_cut(char *s)
{
	size_t len = strlen(s);

	for (size_t back = 1; back <= 4 && back <= len; back++) {
		unsigned char c = (unsigned char)s[len - back];
		if ((c & 0xc0) == 0x80)
			continue; /* a continuation byte: its lead is further back */
		size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		if (need > back)
			s[len - back] = '\0';
		return;
	}
}

char *paper__text_shown(const char *s, size_t max)
{
	size_t len = strlen(s);
	GString *out = g_string_sized_new(len < max ? len : max);

	for (size_t i = 0; i < len && i < max;) {
		size_t n = paper__text_char(s + i, len - i);
		if (n == 0) {
			g_string_append_printf(out, "\\x%02x", (unsigned char)s[i]);
			i++;
		} else if (s[i] == '\\') {
			g_string_append(out, "\\\\");
			i++;
		} else {
			g_string_append_len(out, s + i, (gssize)n);
			i += n;
		}
	}
	if (len > max)
		g_string_append(out, "...");
	return g_string_free(out, FALSE);
}

bool paper__text_is_number(const char *s)
{
	size_t i = 0, digits = 0;

	if (s[i] == '+' || s[i] == '-')
		i++;
	for (; g_ascii_isdigit(s[i]); i++)
		digits++;
	if (s[i] == '.')
		for (i++; g_ascii_isdigit(s[i]); i++)
			digits++;
	if (digits == 0)
		return false;
	if (s[i] == 'e' || s[i] == 'E') {
		i++;
		if (s[i] == '+' || s[i] == '-')
			i++;
		if (!g_ascii_isdigit(s[i]))
			return false;
		while (g_ascii_isdigit(s[i]))
			i++;
	}
	return s[i] == '\0';
}

bool paper__csv_formula(const char *text)
{
	return text[0] != '\0' && strchr("=+-@\t\r", text[0]) != NULL && !paper__text_is_number(text);
}

void paper__csv_text(GString *out, const char *text)
{
	bool quote = strpbrk(text, ",\"\r\n") != NULL;

	if (quote)
		g_string_append_c(out, '"');
	if (paper__csv_formula(text))
		g_string_append_c(out, '\'');
	for (const char *p = text; *p; p++) {
		if (*p == '"')
			g_string_append_c(out, '"');
		g_string_append_c(out, *p);
	}
	if (quote)
		g_string_append_c(out, '"');
}
