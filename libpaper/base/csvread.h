/*
 * Private: a streaming CSV reader. Lines come out of one fixed buffer refilled with read(2), so
 * memory does not depend on the file's length; fields are split in place, no copies. The
 * format is the simple one libpaper writes and documents: ',' separates, no quoting, '\n' or
 * "\r\n" ends a line, blank lines carry nothing and are skipped. A UTF-8 byte order mark
 * before the first line (spreadsheets write one) is not part of it.
 */
#ifndef PAPER_PRIV_CSVREAD_H
#define PAPER_PRIV_CSVREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CSV_BUFFER (256 * 1024) /* also the longest line accepted */
#define CSV_MAX_FIELDS 64

typedef struct csv_reader {
	char *path;      /* for messages */
	int fd;
	bool owns_fd;    /* false for a range of another reader's file */
	char *buf;
	size_t cap;      /* of buf */
	size_t pos, len; /* unread bytes are buf[pos, len) */
	uint64_t base;   /* the file offset of buf[0] */
	uint64_t off, end; /* a range reader reads [off, end) with pread(); end 0: to the end */
	uint64_t line;   /* number of the line last returned; the header is line 1 */
	uint64_t bytes;  /* consumed so far */
	uint64_t size;   /* of the file, 0 if unknown */
	bool eof;
} csv_reader;

typedef struct csv_field {
	const char *s;
	size_t n;
} csv_field;

/* Open path for reading. PAPER_EIO naming the file when it cannot be read. */
int csv_open(csv_reader *r, const char *path);
void csv_close(csv_reader *r);

/*
 * The next non-blank line, without its line end: 1 and *line / *len (valid until the next
 * call), 0 at the end of the file, or a negative error (PAPER_EIO, PAPER_EFORMAT for a line
 * longer than the buffer).
 */
int csv_next(csv_reader *r, const char **line, size_t *len);

/*
 * A reader of the lines of [off, end) of the file parent has open (sharing its descriptor:
 * parent must stay open), the first of them numbered line0 + 1. Its buffer starts at cap bytes
 * and doubles, up to CSV_BUFFER, for a longer line: many ranges of one file cost little.
 */
void csv_open_range(csv_reader *r, const csv_reader *parent, uint64_t off, uint64_t end,
		    uint64_t line0, size_t cap);

/* Make r, its header read, a range reader of [off, end) of its own file (its buffer dropped). */
void csv_restrict(csv_reader *r, uint64_t off, uint64_t end, uint64_t line0);

/* The file offset where line (just returned by csv_next()) starts. */
static inline uint64_t csv_offset(const csv_reader *r, const char *line)
{
	return r->base + (uint64_t)(line - r->buf);
}

/* Give back the line csv_next() just returned (line is its pointer): the next call returns it
 * again. Only before any other call. */
void csv_unread(csv_reader *r, const char *line);

/* Split a line at commas into up to max fields; returns the number of fields the line has. */
static inline size_t csv_split(const char *s, size_t n, csv_field *f, size_t max)
{
	const char *e = s + n;
	size_t k = 0;
	for (;;) {
		const char *c = s;
		while (c < e && *c != ',')
			c++;
		if (k < max)
			f[k] = (csv_field){ s, (size_t)(c - s) };
		k++;
		if (c == e)
			return k;
		s = c + 1;
	}
}

static inline bool csv_field_is(csv_field f, const char *word)
{
	size_t i = 0;
	for (; i < f.n && word[i] && f.s[i] == word[i]; i++)
		;
	return i == f.n && word[i] == '\0';
}

#endif
