/*
 * Bookmarks: a small text a program driving an account keeps with it (paper run: how far it
 * has read its price file). A bookmark is not written when it is set but with the next group
 * commit (ledger_sink.c), in the same transaction as the events committed then: set before a
 * piece of data goes to the broker, it is stored together with what that data caused.
 */
#include "ledger/ledger.h"

#include <string.h>

#include "base/error.h"

static bool name_valid(const char *name)
{
	size_t n = 0;
	for (; name[n]; n++)
		if (n >= STORE_BOOKMARK_NAME_MAX ||
		    (!g_ascii_isalnum(name[n]) && !strchr("._:-", name[n])))
			return false;
	return n > 0;
}

static int check_name(const char *name)
{
	PAPER__CHECK_NULL(name, "name");
	if (!name_valid(name))
		return paper__error(PAPER_EINVAL, "bookmark name '%.64s' is not 1 to %d bytes of "
				    "A-Z a-z 0-9 . _ : -", name, STORE_BOOKMARK_NAME_MAX);
	return PAPER_OK;
}

/*
 * The account's id: from the broker driving it through this ledger when there is one (a
 * driver sets a bookmark per piece of data: no query each time), else from the store.
 */
static int account_id(paper_ledger *l, const char *account, int64_t *id)
{
	for (guint i = 0; account && i < l->attached->len; i++) {
		const attachment *a = g_ptr_array_index(l->attached, i);
		if (strcmp(a->name, account) == 0) {
			*id = a->account;
			return PAPER_OK;
		}
	}
	int rc = ledger_connect(l);
	return rc ? rc : ledger_find_account(l, account, id);
}

/* The bookmark set in this ledger and not stored yet, or NULL. */
static store_bookmark *queued(paper_ledger *l, int64_t account, const char *name)
{
	for (guint i = 0; i < l->bookmarks->len; i++) {
		store_bookmark *b = &g_array_index(l->bookmarks, store_bookmark, i);
		if (b->account == account && strcmp(b->name, name) == 0)
			return b;
	}
	return NULL;
}

PAPER_API int paper_ledger_bookmark_set(paper_ledger *l, const char *account, const char *name,
					const char *value)
{
	PAPER__CHECK_NULL(l, "ledger");
	PAPER__CHECK_NULL(value, "value");
	int rc = check_name(name);
	if (rc != PAPER_OK)
		return rc;
	size_t len = strlen(value);
	if (len > STORE_BOOKMARK_VALUE_MAX || !g_utf8_validate(value, (gssize)len, NULL))
		return paper__error(PAPER_EINVAL, "bookmark '%s': the value must be UTF-8 text of at "
				    "most %d bytes (got %zu bytes)", name, STORE_BOOKMARK_VALUE_MAX,
				    len);
	int64_t id = 0;
	rc = ledger_writable(l, "set a bookmark");
	if (rc == PAPER_OK)
		rc = account_id(l, account, &id);
	if (rc != PAPER_OK)
		return rc;
	store_bookmark *b = queued(l, id, name);
	if (b == NULL) {
		g_array_set_size(l->bookmarks, l->bookmarks->len + 1);
		b = &g_array_index(l->bookmarks, store_bookmark, l->bookmarks->len - 1);
		b->account = id;
		g_strlcpy(b->name, name, sizeof b->name);
	}
	memcpy(b->value, value, len + 1);
	b->updated_ts = ledger_wall_us();
	return PAPER_OK;
}

typedef struct bookmark_read {
	const char *account, *name;
	char *buf;
	size_t cap;
} bookmark_read;

static int read_tx(paper_ledger *l, void *ctx)
{
	const bookmark_read *r = ctx;
	int64_t id = 0;
	int rc = ledger_find_account(l, r->account, &id);
	if (rc != PAPER_OK)
		return rc;
	const store_bookmark *b = queued(l, id, r->name);
	if (b == NULL)
		return l->ops->get_bookmark(l->st, id, r->name, r->buf, r->cap);
	if (strlen(b->value) >= r->cap)
		return paper__error(PAPER_ERANGE, "bookmark '%s' needs %zu bytes, the buffer has %zu",
				    r->name, strlen(b->value) + 1, r->cap);
	memcpy(r->buf, b->value, strlen(b->value) + 1);
	return PAPER_OK;
}

PAPER_API int paper_ledger_bookmark_get(paper_ledger *l, const char *account, const char *name,
					char *buf, size_t cap)
{
	PAPER__CHECK_NULL(l, "ledger");
	PAPER__CHECK_NULL(buf, "buf");
	if (cap == 0)
		return paper__error(PAPER_ERANGE, "buffer of 0 bytes");
	int rc = check_name(name);
	if (rc != PAPER_OK)
		return rc;
	buf[0] = '\0';
	bookmark_read r = { account, name, buf, cap };
	return ledger_read(l, read_tx, &r);
}
