/*
 * libpaper - configuration.
 *
 * A paper_config holds typed settings addressed by "group.key" names ("limits.max_open_positions").
 * Every key has a documented default and a valid range (paper_config_key_info()). Settings come
 * from the setters, an INI or YAML file (paper_config_load_file()) and the environment
 * (PAPER_<GROUP>_<KEY>, paper_config_load_env()); call them in the order
 * defaults -> file -> environment to get the precedence environment > file > defaults.
 *
 * Setters refuse a bad value at once and leave the old one. The loaders do not stop at the
 * first problem: they record every violation, and paper_config_validate() reports them all,
 * together with the checks that span several keys. A broker can only be created from a config
 * that validates.
 *
 * There is no key that enables live trading, and none can be added: libpaper is paper only.
 *
 * Thread-safety: a paper_config may be read from several threads at once; writing needs
 * exclusive access. Distinct configs are independent.
 */
#ifndef PAPER_CONFIG_H
#define PAPER_CONFIG_H

#include "common.h"

PAPER_BEGIN_DECLS

/** Opaque configuration handle. */
typedef struct paper_config paper_config;

/** The type of a key's value. */
typedef enum paper_config_type {
	PAPER_CONFIG_BOOL = 1,
	PAPER_CONFIG_INT = 2,
	PAPER_CONFIG_DOUBLE = 3,
	PAPER_CONFIG_STRING = 4,
} paper_config_type;

/**
 * Create a config holding every key's default.
 * @param out receives the new config, owned by the caller (paper_config_free()).
 * @return PAPER_OK, PAPER_EINVAL (out is NULL) or PAPER_ENOMEM.
 */
PAPER_API int paper_config_new(paper_config **out);

/** Release a config. NULL is a harmless no-op. */
PAPER_API void paper_config_free(paper_config *cfg);

/**
 * Deep copy, including recorded violations.
 * @param out receives the copy, owned by the caller.
 */
PAPER_API int paper_config_copy(paper_config **out, const paper_config *cfg);

/**
 * Set a key from its text form, parsed by the key's type ("true"/"false", "5", "0.25", "USD").
 * Surrounding white space is ignored.
 * @return PAPER_OK; PAPER_ECONFIG for an unknown key, a value that does not parse or lies
 *         outside the key's range; PAPER_ESAFETY for a value that could reach a live account,
 *         or a name that tries to switch modes ("live", "dry_run", "mode", ...: docs/safety.md).
 *         The message names the key, the value and the rule. On error nothing changes.
 */
PAPER_API int paper_config_set(paper_config *cfg, const char *key, const char *value);

/** Typed setters; same errors as paper_config_set(), plus PAPER_ECONFIG for a type mismatch. */
PAPER_API int paper_config_set_int(paper_config *cfg, const char *key, int64_t value);
PAPER_API int paper_config_set_double(paper_config *cfg, const char *key, double value);
PAPER_API int paper_config_set_bool(paper_config *cfg, const char *key, bool value);

/** Typed getters. @return PAPER_OK, PAPER_ECONFIG (unknown key or type mismatch), PAPER_EINVAL. */
PAPER_API int paper_config_get_int(const paper_config *cfg, const char *key, int64_t *out);
PAPER_API int paper_config_get_double(const paper_config *cfg, const char *key, double *out);
PAPER_API int paper_config_get_bool(const paper_config *cfg, const char *key, bool *out);

/**
 * Any key's value in text form, NUL-terminated, truncated to fit.
 * @param buf, cap destination; @param len_out if not NULL, the full length without the NUL.
 */
PAPER_API int paper_config_get_string(const paper_config *cfg, const char *key, char *buf,
				      size_t cap, size_t *len_out);

/** Put a key back to its default. */
PAPER_API int paper_config_reset(paper_config *cfg, const char *key);

/** Description of one key, for listings and tools. Strings are static. */
typedef struct paper_config_key_info {
	unsigned int version; /**< PAPER_CONFIG_KEY_INFO_VERSION */
	const char *name;     /**< "group.key" */
	paper_config_type type;
	const char *default_value; /**< text form */
	double min;           /**< numeric keys: smallest valid value */
	double max;           /**< numeric keys: largest valid value */
	const char *doc;      /**< one line */
} paper_config_key_info;

#define PAPER_CONFIG_KEY_INFO_VERSION 1
#define PAPER_CONFIG_KEY_INFO_INIT { PAPER_CONFIG_KEY_INFO_VERSION, NULL, PAPER_CONFIG_BOOL, NULL, 0, 0, NULL }

/** Number of keys. */
PAPER_API size_t paper_config_key_count(void);

/** Key number index (0 .. count-1). @return PAPER_OK, PAPER_ERANGE, PAPER_EVERSION. */
PAPER_API int paper_config_key_info_get(size_t index, paper_config_key_info *out);

/**
 * Load an INI file (groups [account], [limits], [costs], [engine], [connection], [logging],
 * [session], [metrics], [feed]) or a YAML file of the same groups and keys: YAML by the
 * extension .yaml or .yml, else by its content (docs/config.md, "Which loader reads a file").
 * Values it holds override the config's. Every problem (unknown group or key, bad value,
 * any attempt to enable live trading) is recorded as a violation; valid keys are still applied.
 * `dry_run = true` (which says what libpaper always is) is accepted and changes nothing.
 * @return PAPER_OK if the file had no problem; PAPER_EIO if it cannot be read (nothing changes);
 *         PAPER_EFORMAT if it is not an INI file, or not YAML of a config's shape (nothing
 *         changes); PAPER_ECONFIG or PAPER_ESAFETY if violations were recorded.
 */
PAPER_API int paper_config_load_file(paper_config *cfg, const char *path);

/**
 * Load settings from the process environment: PAPER_<GROUP>_<KEY> in upper case, e.g.
 * PAPER_LIMITS_MAX_OPEN_POSITIONS=3. Variables whose first word after PAPER_ names no group
 * are not config (PAPER_LEDGER is the command's), except spellings of "go live" (PAPER_LIVE,
 * PAPER_MODE, PAPER_DRY_RUN=false, PAPER_TRADING_MODE, ...), which are violations
 * (PAPER_DRY_RUN=true is accepted and changes nothing).
 * Not thread-safe against concurrent setenv(). Returns as paper_config_load_file().
 */
PAPER_API int paper_config_load_env(paper_config *cfg);

/**
 * As paper_config_load_env() but from a NULL-terminated array of "NAME=value" strings.
 */
PAPER_API int paper_config_load_envp(paper_config *cfg, const char *const *envp);

/**
 * Check the whole config: violations recorded by the loaders, each key's range, and the rules
 * that span keys (max_open_positions <= max_open_positions_ceiling, live endpoints ...).
 * Every violation is kept for paper_config_violation_get().
 * @return PAPER_OK; PAPER_ESAFETY if any violation is a safety one, else PAPER_ECONFIG.
 *         paper_last_error() joins all violations, one per line.
 */
PAPER_API int paper_config_validate(paper_config *cfg);

/**
 * One violation found by the last paper_config_validate(). The strings belong to the config and
 * stay valid until its next paper_config_validate() or paper_config_free().
 */
typedef struct paper_config_violation {
	unsigned int version; /**< PAPER_CONFIG_VIOLATION_VERSION */
	int code;             /**< PAPER_ECONFIG or PAPER_ESAFETY */
	const char *key;      /**< "group.key" as written (may be unknown) */
	const char *value;    /**< the offending value as text */
	const char *reason;   /**< why it is refused */
} paper_config_violation;

#define PAPER_CONFIG_VIOLATION_VERSION 1
#define PAPER_CONFIG_VIOLATION_INIT { PAPER_CONFIG_VIOLATION_VERSION, 0, NULL, NULL, NULL }

/** Number of violations found by the last paper_config_validate(). */
PAPER_API size_t paper_config_violation_count(const paper_config *cfg);

/** Violation number index. @return PAPER_OK, PAPER_ERANGE, PAPER_EVERSION, PAPER_EINVAL. */
PAPER_API int paper_config_violation_get(const paper_config *cfg, size_t index,
					 paper_config_violation *out);

PAPER_END_DECLS

#endif /* PAPER_CONFIG_H */
