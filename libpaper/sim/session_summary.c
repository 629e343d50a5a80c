/*
 * What a session reports: the trades it reads as they close (counters, the P&L under either
 * intrabar rule), its managed positions, and the summary JSON (docs/formats.md). Amounts come
 * from the broker's exact fixed-point values.
 */
#include "sim/session.h"

#include <paper/metrics.h>
#include <stddef.h>
#include <string.h>

#include "base/error.h"
#include "base/fixed.h"
#include "base/fxtext.h"
#include "base/ring.h"
#include "base/sumjson.h"
#include "base/text.h"
#include "base/tstext.h"
#include "config/config.h"
#include "ledger/location.h"
#include "market/account.h"
#include "market/broker_store.h"
#include "market/log.h"

/* Closed trades listed in the summary, newest last. */
#define RECENT_TRADES 20

/* Schema 2 (libpaper 1.1): every key of 1 kept, plus percent companions named *_pct and each
   trade's outcome (docs/formats.md, "Units"). */
#define SUMMARY_SCHEMA_VERSION 2

/* part / whole in percent, null (NaN) when whole is 0. */
static double pct_of(int64_t part, int64_t whole)
{
	return whole ? fx_to_double(part) * 100.0 / fx_to_double(whole) : NAN;
}

void session__set_trade_hook(paper_session *s, sess_trade_hook hook, void *ctx)
{
	s->hook = hook;
	s->hook_ctx = ctx;
}

static void count_trade(paper_session *s, const trade *t)
{
	int64_t net = t->pnl - t->fees; /* each within the money limit: the difference fits */
	s->st.trades++;
	if (!fx_add_checked(s->pnl_e8, net, &s->pnl_e8))
		s->pnl_overflow = true;
	if (net > 0)
		s->st.wins++;
	else if (net < 0)
		s->st.losses++;
	/* The public array ends at force_exit (it is ABI); expiries have their own field. */
	if (t->exit_reason <= PAPER_EXIT_FORCE)
		s->st.exits[t->exit_reason]++;
	else if (t->exit_reason == PAPER_EXIT_EXPIRY)
		s->st.expiry_exits++;
}

static int pnl_range_error(void)
{
	return paper__error(PAPER_ERANGE, "the session's net P&L, summed over its trades, passed "
			    "the int64 range of 1e-8 units");
}

void session__collect(paper_session *s)
{
	const paper_broker *b = s->b;
	uint64_t fresh = b->n_trades - s->trades_seen;
	size_t held = b->trades.len;

	if (fresh > held) { /* engine.trade_history dropped some before we could read them */
		s->st.trades_missed += fresh - held;
		fresh = held;
	}
	for (size_t i = held - (size_t)fresh; i < held; i++) {
		const trade *t = ring_at(&b->trades, i);
		count_trade(s, t);
		if (G_UNLIKELY(paper__log_wanted(b)))
			session__log_exit(s, t);
		if (s->hook)
			s->hook(s->hook_ctx, b, t);
	}
	s->trades_seen = b->n_trades;
}

#define STATS_V1_SIZE offsetof(paper_session_stats, expiry_exits)

PAPER_API int paper_session_stats_get(const paper_session *s, paper_session_stats *out)
{
	PAPER__CHECK_NULL(s, "session");
	PAPER__CHECK_NULL(out, "out");
	unsigned int version = out->version;
	if (version != 1 && version != PAPER_SESSION_STATS_VERSION)
		return paper__error(PAPER_EVERSION, "paper_session_stats version %u unsupported",
				    out->version);
	int64_t opposite;
	if (s->pnl_overflow || !fx_add_checked(s->pnl_e8, s->amb_delta_e8, &opposite))
		return pnl_range_error();
	paper_session_stats st = s->st;
	st.version = version;
	st.pnl_net_e8 = s->pnl_e8;
	st.pnl_net_opposite_rule_e8 = opposite;
	st.pnl_net = fx_to_double(st.pnl_net_e8);
	st.pnl_net_opposite_rule = fx_to_double(st.pnl_net_opposite_rule_e8);
	/* A version 1 caller's struct ends before expiry_exits. */
	memcpy(out, &st, version == 1 ? STATS_V1_SIZE : sizeof st);
	return PAPER_OK;
}

/* ---- managed positions ---- */

static bool managed(const paper_session *s, uint32_t sym)
{
	return s->pos[sym].state == SS_ACTIVE && s->b->syms[sym].pos.qty != 0;
}

PAPER_API size_t paper_session_position_count(const paper_session *s)
{
	size_t n = 0;
	for (uint32_t sym = 0; s && sym < s->n_pos; sym++)
		n += managed(s, sym);
	return n;
}

static int64_t unrealized(const instrument *in)
{
	int64_t value = fx_mul3_sat(fx_abs(in->pos.qty), in->mark, in->c.mult);
	return in->pos.qty > 0 ? value - in->pos.basis : in->pos.basis - value;
}

PAPER_API int paper_session_position_at(const paper_session *s, size_t index,
					paper_session_position *out)
{
	PAPER__CHECK_NULL(s, "session");
	PAPER__CHECK_NULL(out, "out");
	if (out->version != PAPER_SESSION_POSITION_VERSION)
		return paper__error(PAPER_EVERSION, "paper_session_position version %u unsupported",
				    out->version);
	for (uint32_t sym = 0; sym < s->n_pos; sym++) {
		if (!managed(s, sym) || index-- > 0)
			continue;
		const sess_pos *p = &s->pos[sym];
		const instrument *in = &s->b->syms[sym];
		memset(out, 0, sizeof *out);
		out->version = PAPER_SESSION_POSITION_VERSION;
		memcpy(out->symbol, in->name, sizeof out->symbol);
		out->direction = p->dir > 0 ? PAPER_LONG : PAPER_SHORT;
		out->qty = fx_to_double(in->pos.qty);
		out->entry_price = fx_to_double(p->entry_price);
		out->entry_ts = p->entry_ts;
		out->market_price = fx_to_double(in->mark);
		out->unrealized_pnl = fx_to_double(unrealized(in));
		out->take_profit = fx_to_double(p->tp);
		out->stop_loss = fx_to_double(p->sl);
		out->trailing_stop = fx_to_double(p->trail);
		out->deadline = p->deadline;
		return PAPER_OK;
	}
	return paper__error(PAPER_ERANGE, "position index out of range");
}

/* ---- trades as text ---- */

static void add_fx(GString *g, int64_t v, int min_decimals)
{
	char buf[FX_TEXT_CAP];
	g_string_append_len(g, buf, (gssize)fx_format(buf, v, min_decimals));
}

static void add_ts(GString *g, paper_ts ts)
{
	char buf[TS_TEXT_CAP];
	g_string_append_len(g, buf, (gssize)ts_format(buf, ts));
}

/* Average price per unit: a contract's multiplier divides the money back out. */
static int64_t avg_price(const paper_broker *b, const trade *t, int64_t notional, int64_t qty)
{
	return account_avg_price(&b->syms[t->sym], notional, qty);
}

void session__trade_csv(GString *g, const paper_broker *b, const trade *t)
{
	paper__csv_text(g, b->syms[t->sym].name);
	g_string_append(g, t->direction == PAPER_LONG ? ",LONG," : ",SHORT,");
	add_ts(g, t->entry_ts);
	g_string_append_c(g, ',');
	add_fx(g, avg_price(b, t, t->entry_notional, t->qty), 2);
	g_string_append_c(g, ',');
	add_ts(g, t->exit_ts);
	g_string_append_c(g, ',');
	add_fx(g, avg_price(b, t, t->exit_notional, t->exit_qty), 2);
	g_string_append_c(g, ',');
	add_fx(g, t->qty, 0);
	g_string_append_c(g, ',');
	g_string_append(g, paper_exit_reason_str((paper_exit_reason)t->exit_reason));
	g_string_append_c(g, ',');
	add_fx(g, t->pnl, 2);
	g_string_append_c(g, ',');
	add_fx(g, t->fees, 2);
	g_string_append_c(g, ',');
	add_fx(g, t->pnl - t->fees, 2);
	g_string_append_c(g, ',');
	g_string_append(g, paper__trade_outcome(t->pnl - t->fees));
	g_string_append_c(g, '\n');
}

/* ---- the summary ---- */

static void json_counters(GString *g, const paper_session *s)
{
	sj_key(g, "signals", false);
	g_string_append(g, "{\"total\":");
	sj_u64(g, s->st.signals);
	g_string_append(g, ",\"by_verdict\":{");
	for (int v = 0; v < PAPER_VERDICT_COUNT; v++) {
		sj_key(g, paper_verdict_str((paper_verdict)v), v == 0);
		sj_u64(g, s->st.verdicts[v]);
	}
	g_string_append(g, "},\"intents\":");
	sj_u64(g, s->st.intents);
	g_string_append(g, "},\"entries\":{\"submitted\":");
	sj_u64(g, s->st.entries);
	g_string_append(g, ",\"filled\":");
	sj_u64(g, s->st.entries_filled);
	g_string_append(g, ",\"failed\":");
	sj_u64(g, s->st.entries_failed);
	g_string_append(g, "},\"trades\":{\"closed\":");
	sj_u64(g, s->st.trades);
	g_string_append(g, ",\"wins\":");
	sj_u64(g, s->st.wins);
	g_string_append(g, ",\"losses\":");
	sj_u64(g, s->st.losses);
	g_string_append(g, ",\"breakevens\":");
	sj_u64(g, s->st.trades - s->st.wins - s->st.losses);
	g_string_append(g, ",\"win_rate_pct\":");
	sj_real(g, s->st.trades ? (double)s->st.wins * 100.0 / (double)s->st.trades : NAN);
	g_string_append(g, ",\"missed\":");
	sj_u64(g, s->st.trades_missed);
	g_string_append(g, ",\"pnl_net\":");
	sj_fx(g, s->pnl_e8);
	g_string_append(g, ",\"by_exit_reason\":{");
	for (int r = PAPER_EXIT_TAKE_PROFIT; r <= PAPER_EXIT_FORCE; r++) {
		sj_key(g, paper_exit_reason_str((paper_exit_reason)r), r == PAPER_EXIT_TAKE_PROFIT);
		sj_u64(g, s->st.exits[r]);
	}
	sj_key(g, paper_exit_reason_str(PAPER_EXIT_EXPIRY), false);
	sj_u64(g, s->st.expiry_exits);
	g_string_append(g, "}}");
}

static void json_ambiguity(GString *g, const paper_session *s)
{
	sj_key(g, "ambiguity", false);
	g_string_append(g, "{\"rule\":");
	sj_string(g, s->c.optimistic ? "optimistic" : "pessimistic");
	g_string_append(g, ",\"opposite_rule\":");
	sj_string(g, s->c.optimistic ? "pessimistic" : "optimistic");
	g_string_append(g, ",\"ambiguous_trades\":");
	sj_u64(g, s->st.ambiguous_trades);
	g_string_append(g, ",\"pnl_net\":");
	sj_fx(g, s->pnl_e8);
	g_string_append(g, ",\"pnl_net_opposite_rule\":");
	sj_fx(g, s->pnl_e8 + s->amb_delta_e8);
	g_string_append(g, ",\"pnl_difference\":");
	sj_fx(g, s->amb_delta_e8);
	g_string_append_c(g, '}');
}

static void json_account(GString *g, const paper_broker *b)
{
	int64_t lv, sv, u;
	account_values(b, &lv, &sv, &u);
	sj_key(g, "account", false);
	g_string_append(g, "{\"time\":");
	sj_ts(g, b->clock);
	g_string_append(g, ",\"starting_cash\":");
	sj_fx(g, b->p.starting_cash);
	g_string_append(g, ",\"cash\":");
	sj_fx(g, b->cash);
	g_string_append(g, ",\"equity\":");
	sj_fx(g, b->cash + lv - sv);
	g_string_append(g, ",\"total_return_pct\":");
	sj_real(g, pct_of(b->cash + lv - sv - b->p.starting_cash, b->p.starting_cash));
	g_string_append(g, ",\"realized_pnl\":");
	sj_fx(g, b->realized);
	g_string_append(g, ",\"unrealized_pnl\":");
	sj_fx(g, u);
	g_string_append(g, ",\"fees\":");
	sj_fx(g, b->fees);
	g_string_append(g, ",\"open_positions\":");
	sj_u64(g, b->n_positions);
	g_string_append(g, ",\"open_orders\":");
	sj_u64(g, b->n_open);
	g_string_append(g, ",\"fills\":");
	sj_u64(g, b->n_fills);
	g_string_append(g, ",\"closed_trades\":");
	sj_u64(g, b->n_trades);
	g_string_append(g, ",\"rejections\":");
	sj_u64(g, b->n_rejections);
	g_string_append(g, ",\"halted\":");
	sj_bool(g, b->halted_manual || b->halted_daily);
	g_string_append_c(g, '}');
}

static void json_level(GString *g, const char *key, int64_t v)
{
	sj_key(g, key, false);
	if (v)
		sj_fx(g, v);
	else
		g_string_append(g, "null");
}

static void json_position(GString *g, const paper_session *s, uint32_t sym)
{
	const instrument *in = &s->b->syms[sym];
	const sess_pos *p = sym < s->n_pos ? &s->pos[sym] : NULL;
	bool man = p && managed(s, sym);

	g_string_append(g, "{\"symbol\":");
	sj_string(g, in->name);
	g_string_append(g, in->pos.qty > 0 ? ",\"direction\":\"LONG\"" : ",\"direction\":\"SHORT\"");
	g_string_append(g, ",\"qty\":");
	sj_fx(g, in->pos.qty);
	g_string_append(g, ",\"entry_price\":");
	sj_fx(g, fx_muldiv(in->pos.basis, FX_SCALE, fx_abs(in->pos.qty)));
	g_string_append(g, ",\"entry_time\":");
	sj_ts(g, in->pos.entry_ts);
	g_string_append(g, ",\"market_price\":");
	sj_fx(g, in->mark);
	g_string_append(g, ",\"unrealized_pnl\":");
	sj_fx(g, unrealized(in));
	g_string_append(g, ",\"unrealized_pnl_pct\":");
	sj_real(g, pct_of(unrealized(in), in->pos.basis));
	g_string_append(g, ",\"managed\":");
	sj_bool(g, man);
	json_level(g, "take_profit", man ? p->tp : 0);
	json_level(g, "stop_loss", man ? p->sl : 0);
	json_level(g, "trailing_stop", man ? p->trail : 0);
	sj_key(g, "deadline", false);
	sj_ts(g, man ? p->deadline : 0);
	g_string_append_c(g, '}');
}

static void json_positions(GString *g, const paper_session *s)
{
	sj_key(g, "open_positions", false);
	g_string_append_c(g, '[');
	for (uint32_t i = 0; i < s->b->n_positions; i++) {
		if (i)
			g_string_append_c(g, ',');
		json_position(g, s, s->b->positions[i]);
	}
	g_string_append_c(g, ']');
}

static void json_orders(GString *g, const paper_broker *b)
{
	sj_key(g, "open_orders", false);
	g_string_append_c(g, '[');
	for (uint32_t i = 0; i < b->n_open; i++) {
		const order *o = &b->slots[b->open[i]];
		g_string_append(g, i ? ",{\"id\":" : "{\"id\":");
		sj_u64(g, o->id);
		g_string_append(g, ",\"symbol\":");
		sj_string(g, b->syms[o->sym].name);
		g_string_append(g, ",\"side\":");
		sj_string(g, paper_side_str((paper_side)o->side));
		g_string_append(g, ",\"type\":");
		sj_string(g, paper_order_type_str((paper_order_type)o->type));
		g_string_append(g, ",\"qty\":");
		sj_fx(g, o->qty);
		g_string_append(g, ",\"filled_qty\":");
		sj_fx(g, o->filled);
		json_level(g, "limit_price", o->limit);
		json_level(g, "stop_price", o->stop);
		g_string_append(g, ",\"submitted\":");
		sj_ts(g, o->submitted);
		g_string_append_c(g, '}');
	}
	g_string_append_c(g, ']');
}

static void json_trade(GString *g, const paper_broker *b, const trade *t)
{
	g_string_append(g, "{\"symbol\":");
	sj_string(g, b->syms[t->sym].name);
	g_string_append(g, t->direction == PAPER_LONG ? ",\"side\":\"LONG\"" : ",\"side\":\"SHORT\"");
	g_string_append(g, ",\"entry_time\":");
	sj_ts(g, t->entry_ts);
	g_string_append(g, ",\"entry_price\":");
	sj_fx(g, avg_price(b, t, t->entry_notional, t->qty));
	g_string_append(g, ",\"exit_time\":");
	sj_ts(g, t->exit_ts);
	g_string_append(g, ",\"exit_price\":");
	sj_fx(g, avg_price(b, t, t->exit_notional, t->exit_qty));
	g_string_append(g, ",\"qty\":");
	sj_fx(g, t->qty);
	g_string_append(g, ",\"exit_reason\":");
	sj_string(g, paper_exit_reason_str((paper_exit_reason)t->exit_reason));
	g_string_append(g, ",\"pnl_gross\":");
	sj_fx(g, t->pnl);
	g_string_append(g, ",\"fees\":");
	sj_fx(g, t->fees);
	g_string_append(g, ",\"pnl_net\":");
	sj_fx(g, t->pnl - t->fees);
	g_string_append(g, ",\"outcome\":");
	sj_string(g, paper__trade_outcome(t->pnl - t->fees));
	g_string_append(g, ",\"pnl_pct\":");
	sj_real(g, pct_of(t->pnl, t->entry_notional));
	g_string_append(g, ",\"net_return_pct\":");
	sj_real(g, pct_of(t->pnl - t->fees, t->entry_notional));
	g_string_append_c(g, '}');
}

static void json_recent(GString *g, const paper_broker *b)
{
	size_t n = b->trades.len, first = n > RECENT_TRADES ? n - RECENT_TRADES : 0;
	sj_key(g, "recent_trades", false);
	g_string_append_c(g, '[');
	for (size_t i = first; i < n; i++) {
		if (i > first)
			g_string_append_c(g, ',');
		json_trade(g, b, ring_at(&b->trades, i));
	}
	g_string_append_c(g, ']');
}

/* Every key of the config in force, typed. */
static void json_config(GString *g, const paper_config *cfg)
{
	char buf[1024];
	sj_key(g, "config", false);
	g_string_append_c(g, '{');
	for (size_t i = 0; i < paper_config_key_count(); i++) {
		paper_config_key_info ki = PAPER_CONFIG_KEY_INFO_INIT;
		paper_config_key_info_get(i, &ki);
		paper_config_get_string(cfg, ki.name, buf, sizeof buf, NULL);
		sj_key(g, ki.name, i == 0);
		if (ki.type == PAPER_CONFIG_STRING) {
			char *text = location_config_text(ki.name, buf);
			sj_string(g, text);
			g_free(text);
		} else
			g_string_append(g, buf);
	}
	g_string_append_c(g, '}');
}

static void json_metrics(GString *g, const paper_broker *b, unsigned int flags)
{
	paper_metrics *m = NULL;
	char *js = NULL;
	sj_key(g, "metrics", false);
	int rc = paper_metrics_from_broker(&m, b, NULL);
	if (rc == PAPER_OK)
		rc = paper_metrics_to_json(&js, m, flags & PAPER_SUMMARY_EQUITY_CURVE
						   ? PAPER_METRICS_JSON_EQUITY_CURVE : 0);
	if (rc == PAPER_OK) {
		g_string_append(g, js);
	} else {
		g_string_append(g, "null");
		sj_key(g, "metrics_error", false);
		sj_string(g, paper_last_error());
	}
	paper_string_free(js);
	paper_metrics_free(m);
}

int session__summary(const paper_session *s, unsigned int flags, const char *extra, char **out)
{
	PAPER__CHECK_NULL(s, "session");
	PAPER__CHECK_NULL(out, "out");
	if (flags & ~PAPER_SUMMARY_EQUITY_CURVE)
		return paper__error(PAPER_EINVAL, "unknown summary flags 0x%x", flags);
	int64_t opposite;
	if (s->pnl_overflow || !fx_add_checked(s->pnl_e8, s->amb_delta_e8, &opposite))
		return pnl_range_error();
	GString *g = g_string_sized_new(8192);
	g_string_append(g, "{\"format\":\"libpaper.summary\",\"format_version\":1");
	sj_key(g, "schema_version", false);
	sj_u64(g, SUMMARY_SCHEMA_VERSION);
	json_counters(g, s);
	json_ambiguity(g, s);
	if (extra)
		g_string_append(g, extra);
	json_account(g, s->b);
	json_positions(g, s);
	json_orders(g, s->b);
	json_recent(g, s->b);
	json_config(g, paper__broker_config(s->b));
	json_metrics(g, s->b, flags);
	g_string_append(g, "}\n");
	*out = g_string_free(g, FALSE);
	return PAPER_OK;
}

PAPER_API int paper_session_summary_json(const paper_session *s, unsigned int flags, char **out)
{
	return session__summary(s, flags, NULL, out);
}
