/* Private: the paper-only rules. One table of live and paper endpoints, in safety.c. */
#ifndef PAPER_PRIV_SAFETY_H
#define PAPER_PRIV_SAFETY_H

#include <stdbool.h>

#include "config/config.h"

/* Rules for connection.* keys. PAPER_OK, or PAPER_ESAFETY with *why allocated. */
int paper__safety_check_key(int key, cfg_value v, char **why);

/* True for key names that try to switch modes ("live", "dry_run", "mode", ...). */
bool paper__safety_key_is_live(const char *key);

/* True for values that name live trading ("live", "real", "production"). */
bool paper__safety_value_is_live(const char *value);

/*
 * For a name that is not a key: is it an attempt to go live (the name is a mode switch, or
 * the value names live trading)? value may be NULL.
 */
bool paper__safety_unknown_is_live(const char *key, const char *value);

/*
 * True for `dry_run = true` under any of its spellings (dry_run, dryrun, dry-run, dryRun, in
 * any group or none) with a value that reads as true (true, yes, on, 1): it states exactly what
 * libpaper guarantees, so it is accepted and changes nothing. Any other value stays a refused
 * spelling of "go live".
 */
bool paper__safety_is_affirmation(const char *key, const char *value);

/* The reason given for every refused spelling of "go live". */
#define PAPER__SAFETY_NOT_A_SETTING \
	"not a setting: libpaper is paper only and cannot be switched to live trading"

#endif
