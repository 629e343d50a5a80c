/*
 * Private: text that comes from outside (symbols, tags, ids, reasons, values quoted in
 * messages) on its way to logs, CSV cells and HTML. One rule for what is refused at input and
 * one for how anything else is shown, so no input can start a line of its own or recolour a
 * terminal (text.c).
 */
#ifndef PAPER_PRIV_TEXT_H
#define PAPER_PRIV_TEXT_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

/* Room for the reason paper__text_check() writes. */
#define PAPER_TEXT_WHY_MAX 96

/*
 * True when the len bytes of s are valid UTF-8 holding no control character: no C0 control
 * (NUL, TAB, LF, CR, ESC, ...), no DEL, no C1 control (U+0080..U+009F), no line or paragraph
 * separator (U+2028, U+2029) and no bidirectional override (U+202A..U+202E, U+2066..U+2069).
 * Otherwise false, with why (PAPER_TEXT_WHY_MAX bytes, may be NULL) saying what and where.
 */
bool paper__text_check(const char *s, size_t len, char *why);

/* Bytes of the character at s (len bytes available) when it is valid UTF-8 and not a control
 * character; 0 otherwise. */
size_t paper__text_char(const char *s, size_t len);

/* paper__text_check() of a NUL-terminated string; NULL is fit (nothing to show). */
bool paper__text_fit(const char *s);

/*
 * The check every public entry point makes of a text argument (a tag, an id, a reason): PAPER_OK
 * for NULL or fit text, else PAPER_EINVAL with a message naming what (e.g. "strategy").
 */
int paper__text_arg(const char *what, const char *s);

/*
 * A copy of s fit to quote in a message: every byte paper__text_check() would refuse written
 * as \xNN (a backslash doubled), cut after max bytes of s with "..." appended. g_free() it.
 */
char *paper__text_shown(const char *s, size_t max);

/* Drop a character cut short at the end of s (free text truncated to fit a buffer), so what
 * remains is judged by paper__text_check() on what was written, not on where it was cut. */
void paper__text_trim_cut(char *s);

/* What messages quote of a value: this many bytes of it at most. */
#define PAPER_TEXT_SHOWN_MAX 200

/*
 * Append one CSV cell holding text: quoted when it holds a comma, quote or line break; and,
 * when it begins with '=', '+', '-', '@', TAB or CR and is not a number, prefixed with a
 * single quote so a spreadsheet reads it as text, not a formula (OWASP, "CSV Injection").
 */
void paper__csv_text(GString *out, const char *text);

/*
 * True for a decimal number: [+-]digits[.digits][(e|E)[+-]digits], or with the digits after the
 * point only (".5"). Never hex (0x1p3), inf, nan or white space: the one grammar of numbers
 * read from settings text, and of the numbers a CSV cell keeps as they are.
 */
bool paper__text_is_number(const char *s);

/* True when a spreadsheet would run text as a formula (paper__csv_text's test). */
bool paper__csv_formula(const char *text);

#endif
