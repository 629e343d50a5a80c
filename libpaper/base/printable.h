/*
 * Private: text taken from a file or a database, made fit to print. A message may quote what a
 * corrupt or hostile ledger holds; a control character in it could rewrite a terminal or forge a
 * line of a log, so it never reaches one raw.
 */
#ifndef PAPER_PRIV_PRINTABLE_H
#define PAPER_PRIV_PRINTABLE_H

/* A copy of text (NULL: "") with invalid UTF-8 replaced and every control character (C0, DEL)
 * as '?'. g_free() it. */
char *paper__printable(const char *text);

#endif
