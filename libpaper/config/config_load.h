/* Private: shared by config.c and the loaders (config_apply.c, config_load.c, config_yaml.c). */
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

/* Apply "group.key = text" from a file or the environment, recording what is wrong with it. */
void paper__config_apply(paper_config *cfg, const char *name, const char *text);
/* A group that is none of ours: a violation (a safety one when it names a mode switch). */
void paper__config_refuse_group(paper_config *cfg, const char *group);
/* True for a group name spelled exactly as one of ours (lower case). */
bool paper__config_group_exact(const char *group);
/* A loader's result: PAPER_OK when it recorded nothing since index before, else the code of its
 * violations (PAPER_ESAFETY if any is one) with the count and the first in the message. */
int paper__config_summarize(paper_config *cfg, guint before, const char *source);

#endif
