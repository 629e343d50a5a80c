/* Private: the YAML config loader (config_yaml.c), called by paper_config_load_file(). */
#ifndef PAPER_PRIV_CONFIG_YAML_H
#define PAPER_PRIV_CONFIG_YAML_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"

/*
 * Whether a config file is YAML: by its extension (.yaml, .yml: YAML; .ini: INI, any case),
 * else by its first line that is neither blank nor a comment: a `[group]` header is INI,
 * `---`, a `%` directive, a `{` or a `name:` is YAML, anything else INI.
 */
bool paper__config_is_yaml(const char *path, const char *data, size_t len);

/*
 * Load YAML text (UTF-8, no NUL: checked by the caller) read from path. Returns as
 * paper_config_load_file(): PAPER_EFORMAT (not YAML, or not a config's shape) changes nothing.
 */
int paper__config_load_yaml(paper_config *cfg, const char *path, const char *data, size_t len);

#endif
