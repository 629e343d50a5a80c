/*
 * Private: a small strict JSON reader and writer (RFC 8259), for the files the ledger exports
 * and imports. The reader refuses everything the RFC does not allow (comments, trailing commas,
 * NaN, control characters in strings, lone surrogates) plus what would be ambiguous for us:
 * duplicate keys, NUL in strings, nesting deeper than JSON_MAX_DEPTH. Numbers keep the text
 * they were written with, so 64-bit integers read back exactly.
 */
#ifndef PAPER_PRIV_JSON_H
#define PAPER_PRIV_JSON_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 64

typedef enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
} json_type;

typedef struct json_value json_value;

typedef struct json_member {
	char *key;
	json_value *value;
} json_member;

struct json_value {
	json_type type;
	bool boolean;
	char *text;       /* NUMBER: as written; STRING: the decoded UTF-8 */
	GPtrArray *items; /* ARRAY: json_value *; OBJECT: json_member *, in file order */
};

/*
 * Parse len bytes. On failure returns false and writes a message with the line and column
 * into err.
 */
bool json_parse(const char *text, size_t len, json_value **out, char *err, size_t errcap);
void json_free(json_value *v);

const char *json_type_name(json_type t);
/* An object's member, or NULL. */
const json_value *json_get(const json_value *obj, const char *key);
/* A NUMBER written as an integer that fits. */
bool json_as_int64(const json_value *v, int64_t *out);
/* A NUMBER that is a finite double. */
bool json_as_double(const json_value *v, double *out);

/* Writer: appends pretty-printed JSON to a GString, placing commas and indentation. */
typedef struct json_writer {
	GString *out;
	int depth;
	bool first[JSON_MAX_DEPTH + 1]; /* no member written yet at this depth */
	bool after_key;
} json_writer;

void jw_init(json_writer *w, GString *out);
void jw_begin_object(json_writer *w);
void jw_end_object(json_writer *w);
void jw_begin_array(json_writer *w);
void jw_end_array(json_writer *w);
void jw_key(json_writer *w, const char *key);
void jw_string(json_writer *w, const char *s);
void jw_int(json_writer *w, int64_t v);
/* Shortest text that reads back as the same double; non-finite values are written as null. */
void jw_double(json_writer *w, double v);
void jw_bool(json_writer *w, bool v);

#endif
