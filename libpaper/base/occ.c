/*
 * OCC option symbols. Strict: upper-case root and right, exactly 8 strike digits, a date that
 * exists, and in the padded form spaces only at the end of the 6-character root. Anything that
 * looks like an OCC symbol and is not one is refused with the reason, so a typo never becomes a
 * share of a made-up equity.
 */
#include "base/occ.h"

#include <string.h>

#include "base/nyclose.h"

static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_letter(char c) { return is_upper(c) || (c >= 'a' && c <= 'z'); }

bool occ_looks_like(const char *s)
{
	if (!is_letter(s[0]))
		return false;
	size_t digits = 0;
	for (const char *p = s; *p; p++) {
		if (is_digit(*p)) {
			digits++;
			continue;
		}
		if (is_letter(*p) && digits >= 6)
			return true;
		if (!is_letter(*p) && *p != ' ')
			return false;
		digits = 0;
	}
	return false;
}

static occ_status malformed(const char **why, const char *text)
{
	if (why)
		*why = text;
	return OCC_MALFORMED;
}

static int two(const char *p)
{
	return (p[0] - '0') * 10 + (p[1] - '0');
}

/* The 15 characters after the root. */
static occ_status parse_tail(const char *t, occ_symbol *o, const char **why)
{
	for (int i = 0; i < 6; i++)
		if (!is_digit(t[i]))
			return malformed(why, "the expiry date must be 6 digits YYMMDD");
	o->year = 2000 + two(t);
	o->month = two(t + 2);
	o->day = two(t + 4);
	if (!paper__civil_date_valid(o->year, o->month, o->day))
		return malformed(why, "the expiry date YYMMDD is not a date of the calendar");
	if (t[6] != 'C' && t[6] != 'P')
		return malformed(why, "the right must be C or P (upper case)");
	o->call = t[6] == 'C';
	int64_t thousandths = 0;
	for (int i = 7; i < OCC_TAIL; i++) {
		if (!is_digit(t[i]))
			return malformed(why, "the strike must be 8 digits (thousandths)");
		thousandths = thousandths * 10 + (t[i] - '0');
	}
	if (t[OCC_TAIL] != '\0')
		return malformed(why, "the strike must be 8 digits (thousandths)");
	if (thousandths == 0)
		return malformed(why, "the strike must be above 0");
	o->strike = thousandths * 100000;
	o->expiry = paper__ny_close(o->year, o->month, o->day);
	return OCC_OK;
}

occ_status occ_parse(const char *s, occ_symbol *out, const char **why)
{
	if (!occ_looks_like(s))
		return OCC_NOT_OCC;
	size_t n = strlen(s);
	const char *space = strchr(s, ' ');
	size_t root_len;
	if (space != NULL) {
		if (n != OCC_PADDED_LEN)
			return malformed(why, "a padded OCC symbol is 21 characters: the root padded "
					 "with spaces to 6");
		root_len = (size_t)(space - s);
		/* The first space ends the root: past the sixth character it is in the tail. */
		if (root_len == 0 || root_len > OCC_ROOT_MAX)
			return malformed(why, "spaces may only pad the root to 6 characters");
		for (size_t i = root_len; i < OCC_ROOT_MAX; i++)
			if (s[i] != ' ')
				return malformed(why, "spaces may only pad the root to 6 characters");
	} else {
		if (n < 1 + OCC_TAIL || n > OCC_PADDED_LEN)
			return malformed(why, "an OCC symbol is a root of 1-6 characters and 15 more "
					 "(YYMMDD, C or P, 8 strike digits)");
		root_len = n - OCC_TAIL;
	}
	occ_symbol o;
	memset(&o, 0, sizeof o);
	for (size_t i = 0; i < root_len; i++) {
		if (!is_upper(s[i]) && !is_digit(s[i]))
			return malformed(why, "the root must be upper-case letters and digits");
		o.root[i] = s[i];
	}
	occ_status st = parse_tail(s + (space ? OCC_ROOT_MAX : root_len), &o, why);
	if (st == OCC_OK)
		*out = o;
	return st;
}

bool occ_compact(const char *s, char *out, size_t cap)
{
	occ_symbol o;
	if (strchr(s, ' ') == NULL || cap < OCC_PADDED_LEN + 1 || occ_parse(s, &o, NULL) != OCC_OK)
		return false;
	size_t r = strlen(o.root);
	memcpy(out, o.root, r);
	memcpy(out + r, s + OCC_ROOT_MAX, OCC_TAIL + 1);
	return true;
}
