/*
 * The libFuzzer targets (tests/fuzz/, docs/testing.md). Each fuzz-NAME.c feeds one input
 * format to libpaper through its public API: LLVMFuzzerTestOneInput() gets the bytes, runs
 * them through the parser and what consumes its result, and checks the promises that must hold
 * for any input (an oracle failure aborts, which libFuzzer reports as a crash). Linked with
 * -fsanitize=fuzzer it is a libFuzzer program; linked with standalone.c it replays files, so
 * the committed corpus runs in every build, gcc included.
 */
#ifndef PAPER_FUZZ_H
#define PAPER_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The path of a file called name in the process's scratch folder (created on first use under
 * $TMPDIR, removed at exit). Where the public API reads a path, the input is written there.
 * The string lives until the process ends.
 */
const char *fuzz_path(const char *name);

/* Write (replace) a file with exactly these bytes; aborts on an I/O error. */
void fuzz_write(const char *path, const void *data, size_t size);

/* Remove a file if it exists. */
void fuzz_unlink(const char *path);

/* Remove a SQLite ledger file and its sidecars (-wal, -shm, -journal, -locks). */
void fuzz_unlink_ledger(const char *path);

/* The input as a NUL-terminated string up to its first NUL (g_free() it). */
char *fuzz_cstr(const uint8_t *data, size_t size);

/* Exactly start + realized - fees == cash, computed without overflow. */
bool fuzz_reconciles(int64_t start, int64_t realized, int64_t fees, int64_t cash);

/* An oracle: when ok is false, print what broke (and the library's last error) and abort. */
void fuzz_require(bool ok, const char *what);

struct paper_config;

/* Any key's value as text (g_free() it). */
char *fuzz_config_text(const struct paper_config *cfg, const char *key);

/*
 * The paper-only promise (docs/safety.md) for a config that validated: the Alpaca URL is empty
 * or an https URL whose host is exactly paper-api.alpaca.markets (by GLib's GUri, the host as
 * a client resolves it: IDNA ASCII, lower case, no trailing dot; no userinfo, no fragment, a
 * port in 1..65535, and no character other URL parsers read differently: backslash, spaces,
 * controls); the IB port is 0, 7497 or 4002; the IB account is empty or DU and digits.
 */
void fuzz_require_paper_only(const struct paper_config *cfg);

/* The same URL rule on its own; exposed for the url target's messages. */
bool fuzz_url_is_paper(const char *url);

#endif
