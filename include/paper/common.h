/*
 * libpaper - paper-trading engine
 * common.h: export macro, time type and version of the library.
 *
 * Everything declared under include/paper/ is the published API; nothing else is.
 */
#ifndef PAPER_COMMON_H
#define PAPER_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define PAPER_BEGIN_DECLS extern "C" {
#define PAPER_END_DECLS }
#else
#define PAPER_BEGIN_DECLS
#define PAPER_END_DECLS
#endif

#if defined(__GNUC__) && __GNUC__ >= 4
#define PAPER_API __attribute__((visibility("default")))
#else
#define PAPER_API
#endif

PAPER_BEGIN_DECLS

/** Compile-time version of the headers. */
#define PAPER_VERSION_MAJOR 1
#define PAPER_VERSION_MINOR 1
#define PAPER_VERSION_PATCH 0
#define PAPER_VERSION "1.1.0"
/** major * 1000000 + minor * 1000 + patch, comparable with paper_version_number(). */
#define PAPER_VERSION_NUMBER 1001000

/**
 * A point in time: microseconds since the Unix epoch, UTC.
 * Every timestamp that crosses the API has this type.
 */
typedef int64_t paper_ts;

/** Microseconds in one second, for converting paper_ts. */
#define PAPER_TS_PER_SECOND INT64_C(1000000)

/**
 * The timestamps libpaper takes: 1970-01-01T00:00:00Z (PAPER_TS_MIN, 0) through
 * 9999-12-31T23:59:59.999999Z (PAPER_TS_MAX). A timestamp outside is refused with PAPER_ETIME
 * wherever one enters (market data, orders, signals, intents, replay rows, ledgers).
 */
#define PAPER_TS_MIN INT64_C(0)
#define PAPER_TS_MAX INT64_C(253402300799999999)

/**
 * The run-time version string of the library ("1.0.0").
 * Thread-safe; the string is static.
 */
PAPER_API const char *paper_version(void);

/**
 * The run-time version as PAPER_VERSION_NUMBER would spell it. A program can compare it with
 * the PAPER_VERSION_NUMBER it was compiled against. Thread-safe.
 */
PAPER_API int paper_version_number(void);

PAPER_END_DECLS

#endif /* PAPER_COMMON_H */
