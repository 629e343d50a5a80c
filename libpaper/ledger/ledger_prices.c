/*
 * The live prices an account acted on, and its feeds' health (schema 2, docs/ledger.md). A
 * price is recorded before the broker takes it and waits with the batch, so it is committed in
 * the same transaction as the fills it causes: after a crash the log never holds a fill
 * without the price it filled on. The health is one row per feed, replaced each time.
 */
#include "ledger/ledger.h"

#include <math.h>
#include <string.h>

#include "base/error.h"
#include "base/fixed.h"
#include "config/config.h"

/* Prices waiting beyond this are committed at once: a quiet account's memory stays flat. */
#define PRICES_PENDING_MAX 4096

static int writable(const paper_ledger *l)
{
	if (l->opts.read_only)
		return paper__error(PAPER_ESTATE, "ledger '%s' is open read-only: cannot record "
				    "prices", l->location);
	return PAPER_OK;
}

/* The account's id; event_seq (may be NULL): its events so far, pending ones included. */
static int account_of(paper_ledger *l, const char *account, int64_t *id, uint64_t *event_seq)
{
	PAPER__CHECK_NULL(account, "account");
	for (guint i = 0; i < l->attached->len; i++) {
		const attachment *a = g_ptr_array_index(l->attached, i);
		if (strcmp(a->name, account) == 0) {
			*id = a->account;
			if (event_seq)
				*event_seq = a->next_seq - 1;
			return PAPER_OK;
		}
	}
	if (strlen(account) > PAPER_TAG_MAX || account[0] == '\0')
		return paper__error(PAPER_ENOTFOUND, "ledger '%s' has no account '%.40s'",
				    l->location, account);
	int rc = ledger_connect(l);
	if (rc == PAPER_OK)
		rc = l->ops->find_account(l->st, account, id);
	if (rc == PAPER_OK && event_seq)
		rc = l->ops->last_seq(l->st, *id, event_seq);
	return rc;
}

static bool to_e8(double v, int64_t *out)
{
	return isfinite(v) && v >= 0 && fx_from_double(v, out);
}

/* The exact values, and the checks a price passes before it is stored. */
static int exact(paper_price_record *p)
{
	const double d[] = { p->price, p->bid, p->ask, p->open, p->high, p->low, p->close, p->volume };
	int64_t *e8[] = { &p->price_e8, &p->bid_e8, &p->ask_e8, &p->open_e8, &p->high_e8,
			  &p->low_e8, &p->close_e8, &p->volume_e8 };
	static const char *const names[] = { "price", "bid", "ask", "open", "high", "low", "close",
					     "volume" };
	for (size_t i = 0; i < G_N_ELEMENTS(d); i++)
		if (!to_e8(d[i], e8[i]))
			return paper__error(PAPER_EINVAL, "price record of %s: %s must be a finite "
					    "number >= 0 (got %g)", p->symbol, names[i], d[i]);
	if (p->kind == PAPER_PRICE_BAR &&
	    (p->low_e8 <= 0 || p->high_e8 < p->low_e8 || p->open_e8 < p->low_e8 ||
	     p->open_e8 > p->high_e8 || p->close_e8 < p->low_e8 || p->close_e8 > p->high_e8 ||
	     p->interval <= 0))
		return paper__error(PAPER_EINVAL, "price record of %s: a bar needs 0 < low <= open, "
				    "close <= high and an interval", p->symbol);
	if (p->kind != PAPER_PRICE_BAR && p->price_e8 <= 0)
		return paper__error(PAPER_EINVAL, "price record of %s: price must be > 0", p->symbol);
	return PAPER_OK;
}

static int check_record(const paper_price_record *p, paper_price_record *copy)
{
	PAPER__CHECK_NULL(p, "price record");
	if (p->version != PAPER_PRICE_RECORD_VERSION)
		return paper__error(PAPER_EVERSION, "paper_price_record version %u (this library: %u)",
				    p->version, PAPER_PRICE_RECORD_VERSION);
	*copy = *p;
	copy->symbol[sizeof copy->symbol - 1] = '\0';
	copy->source[sizeof copy->source - 1] = '\0';
	if (copy->kind < PAPER_PRICE_QUOTE || copy->kind > PAPER_PRICE_BAR)
		return paper__error(PAPER_EINVAL, "price record: kind %d is not quote, trade or bar",
				    (int)copy->kind);
	if (!paper__symbol_valid(copy->symbol))
		return paper__error(PAPER_EINVAL, "price record: '%s' is not a valid symbol",
				    copy->symbol);
	if (!g_utf8_validate(copy->source, -1, NULL))
		return paper__error(PAPER_EINVAL, "price record: the source is not UTF-8");
	return exact(copy);
}

PAPER_API int paper_ledger_record_price(paper_ledger *l, const char *account,
					const paper_price_record *p)
{
	PAPER__CHECK_NULL(l, "ledger");
	store_price sp;
	int rc = check_record(p, &sp.p);
	if (rc == PAPER_OK)
		rc = writable(l);
	if (rc == PAPER_OK)
		rc = account_of(l, account, &sp.account, &sp.p.event_seq);
	if (rc != PAPER_OK)
		return rc;
	g_array_append_val(l->prices, sp);
	return l->prices->len >= PRICES_PENDING_MAX ? ledger_commit_batch(l) : PAPER_OK;
}

PAPER_API int paper_ledger_set_feed_health(paper_ledger *l, const char *account,
					   const paper_feed_health_info *h)
{
	PAPER__CHECK_NULL(l, "ledger");
	PAPER__CHECK_NULL(h, "health");
	if (h->version != PAPER_FEED_HEALTH_INFO_VERSION)
		return paper__error(PAPER_EVERSION, "paper_feed_health_info version %u (this "
				    "library: %u)", h->version, PAPER_FEED_HEALTH_INFO_VERSION);
	store_feed_health fh = { .h = *h, .written_ts = ledger_wall_us() };
	fh.h.source[sizeof fh.h.source - 1] = fh.h.venue[sizeof fh.h.venue - 1] = '\0';
	fh.h.last_error[sizeof fh.h.last_error - 1] = '\0';
	if (fh.h.source[0] == '\0' || !g_utf8_validate(fh.h.source, -1, NULL) ||
	    !g_utf8_validate(fh.h.venue, -1, NULL) || !g_utf8_validate(fh.h.last_error, -1, NULL))
		return paper__error(PAPER_EINVAL, "feed health: the source must be set; texts UTF-8");
	if (fh.h.state < PAPER_FEED_CONNECTING || fh.h.state > PAPER_FEED_STOPPED ||
	    !isfinite(fh.h.clock_skew_ms))
		return paper__error(PAPER_EINVAL, "feed health: bad state or clock skew");
	int rc = writable(l);
	if (rc == PAPER_OK)
		rc = account_of(l, account, &fh.account, NULL);
	if (rc != PAPER_OK)
		return rc;
	for (guint i = 0; i < l->health->len; i++) {
		store_feed_health *old = &g_array_index(l->health, store_feed_health, i);
		if (old->account == fh.account && strcmp(old->h.source, fh.h.source) == 0) {
			*old = fh; /* the latest is all that is kept */
			return PAPER_OK;
		}
	}
	g_array_append_val(l->health, fh);
	return PAPER_OK;
}

/* ---- reading ---- */

typedef struct price_read {
	const char *account;
	paper_price_cb cb;
	paper_feed_health_cb hcb;
	void *payload;
	int stopped;
} price_read;

static int one_price(void *ctx, const store_price *sp)
{
	price_read *r = ctx;
	int rc = r->cb(&sp->p, r->payload);
	if (rc)
		r->stopped = rc;
	return rc;
}

static int one_health(void *ctx, const store_feed_health *fh)
{
	price_read *r = ctx;
	int rc = r->hcb(&fh->h, fh->written_ts, r->payload);
	if (rc)
		r->stopped = rc;
	return rc;
}

static int prices_tx(paper_ledger *l, void *ctx)
{
	price_read *r = ctx;
	int64_t id = 0;
	int rc = account_of(l, r->account, &id, NULL);
	if (rc != PAPER_OK)
		return rc;
	return r->cb ? l->ops->each_price(l->st, id, one_price, r)
		     : l->ops->each_feed_health(l->st, id, one_health, r);
}

static int read_all(paper_ledger *l, price_read *r)
{
	int rc = ledger_read(l, prices_tx, r);
	return r->stopped ? r->stopped : rc;
}

PAPER_API int paper_ledger_each_price(paper_ledger *l, const char *account, paper_price_cb cb,
				      void *payload)
{
	PAPER__CHECK_NULL(l, "ledger");
	PAPER__CHECK_NULL(cb, "callback");
	price_read r = { .account = account, .cb = cb, .payload = payload };
	return read_all(l, &r);
}

PAPER_API int paper_ledger_each_feed_health(paper_ledger *l, const char *account,
					    paper_feed_health_cb cb, void *payload)
{
	PAPER__CHECK_NULL(l, "ledger");
	PAPER__CHECK_NULL(cb, "callback");
	price_read r = { .account = account, .hcb = cb, .payload = payload };
	return read_all(l, &r);
}
