/* Private: shared by config.c and config_load.c. */
#ifndef PAPER_PRIV_CONFIG_LOAD_H
#define PAPER_PRIV_CONFIG_LOAD_H

#include "config/config.h"

int paper__config_key_index(const char *name);
bool paper__config_group_known(const char *group, size_t len);
/*
 * Set key k from text. On a problem the error is raised; with record_as != NULL it is also
 * recorded as a pending violation under that name (the key, or the variable it came from).
 */
int paper__config_set_text(paper_config *cfg, int k, const char *text, const char *record_as);
void paper__config_add_pending(paper_config *cfg, int code, const char *key, const char *value,
			       const char *reason);

#endif
