/*
 * Private: the form of a symbol. 1..PAPER_SYMBOL_MAX of [A-Za-z0-9._/:^=-], or an OCC option
 * symbol in its padded 21-character form (spaces pad the root), which names the same contract
 * as its compact spelling.
 */
#ifndef PAPER_PRIV_SYMBOL_H
#define PAPER_PRIV_SYMBOL_H

#include <stdbool.h>

bool paper__symbol_form(const char *s);

#endif
