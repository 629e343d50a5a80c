/*
 * The configuration: one table of keys with types, defaults and ranges, typed access,
 * and validation that reports every violation at once. Loading from files and the
 * environment lives in config_load.c; the paper-only rules in safety.c.
 */
#include "config/config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "base/error.h"
#include "base/symbol.h"
#include "base/text.h"
#include "config/config_load.h"
#include "config/safety.h"

typedef struct keydef {
	const char *name;
	paper_config_type type;
	const char *def;
	double min, max;
	/* For strings: NULL-terminated list of accepted values, or NULL for a free form. */
	const char *const *choices;
	const char *doc;
	/* A path the library opens for writing: never taken from a file someone else wrote. */
	bool writes_file;
} keydef;

static const char *const account_types[] = { "cash", "margin", NULL };
static const char *const commission_models[] = { "percent", "per_share", "fixed", NULL };
static const char *const intrabar_rules[] = { "pessimistic", "optimistic", NULL };
static const char *const sizing_modes[] = { "notional", "fraction", "qty", NULL };
static const char *const exits_from_bars[] = { "entry_bar", "next_bar", NULL };
static const char *const reverse_actions[] = { "exit", "ignore", NULL };

#define NUM(name, type, def, lo, hi, doc) { name, type, def, lo, hi, NULL, doc, false }
#define STR(name, def, choices, doc) { name, PAPER_CONFIG_STRING, def, 0, 0, choices, doc, false }
#define PATH_WRITTEN(name, doc) { name, PAPER_CONFIG_STRING, "", 0, 0, NULL, doc, true }

/* Indexed by cfg_key; keep in the same order. */
static const keydef keys[K__COUNT] = {
	STR("account.name", "default", NULL, "account id inside a ledger (letters, digits, ._-)"),
	NUM("account.starting_cash", PAPER_CONFIG_DOUBLE, "100000", 0.01, 1e10,
	    "cash the account starts with"),
	STR("account.currency", "USD", NULL, "ISO 4217 code of the account currency"),
	STR("account.type", "margin", account_types,
	    "cash (no shorting, no leverage) or margin (shorting, initial margin)"),
	NUM("account.initial_margin", PAPER_CONFIG_DOUBLE, "0.5", 0.01, 1.0,
	    "margin accounts: fraction of a position's value that must be equity"),
	NUM("limits.max_open_positions", PAPER_CONFIG_INT, "5", 1, 1000,
	    "most symbols with an open position at once (<= max_open_positions_ceiling)"),
	NUM("limits.max_open_positions_ceiling", PAPER_CONFIG_INT, "10", 1, 1000,
	    "raise explicitly to allow max_open_positions above 10"),
	NUM("limits.max_order_qty", PAPER_CONFIG_DOUBLE, "1000000", 1e-8, 1e9,
	    "largest quantity of one order"),
	NUM("limits.max_order_notional", PAPER_CONFIG_DOUBLE, "1000000", 0.01, 1e10,
	    "largest notional (qty x price) of one order"),
	NUM("limits.max_position_fraction", PAPER_CONFIG_DOUBLE, "1", 0.0001, 100.0,
	    "largest position value as a fraction of equity (above 1 needs margin)"),
	STR("limits.allowed_symbols", "", NULL, "comma-separated whitelist; empty allows every symbol"),
	NUM("limits.min_confidence", PAPER_CONFIG_DOUBLE, "0.6", 0.0, 1.0,
	    "orders carrying a lower signal confidence are refused"),
	NUM("limits.aggressive", PAPER_CONFIG_BOOL, "false", 0, 1,
	    "trade every signal whatever its confidence (min_confidence treated as 0)"),
	NUM("limits.daily_loss_limit", PAPER_CONFIG_DOUBLE, "0.05", 0.0001, 1.0,
	    "halt new entries for the day after losing this fraction of start-of-day equity"),
	NUM("limits.allow_short_options", PAPER_CONFIG_BOOL, "false", 0, 1,
	    "allow selling options short: a short put reserves strike x multiplier of cash, a "
	    "naked short call stays refused"),
	STR("costs.commission_model", "percent", commission_models,
	    "percent of notional (with minimum), per_share, or fixed per order"),
	NUM("costs.commission_pct", PAPER_CONFIG_DOUBLE, "0.1", 0.0, 10.0,
	    "percent model: commission in percent of notional (0.1 = 0.1%)"),
	NUM("costs.commission_min", PAPER_CONFIG_DOUBLE, "1", 0.0, 1000.0,
	    "percent and per_share models: minimum commission per fill"),
	NUM("costs.commission_per_share", PAPER_CONFIG_DOUBLE, "0.005", 0.0, 100.0,
	    "per_share model: commission per unit"),
	NUM("costs.commission_fixed", PAPER_CONFIG_DOUBLE, "1", 0.0, 1000.0,
	    "fixed model: commission per order, charged on its first fill"),
	NUM("costs.commission_per_contract", PAPER_CONFIG_DOUBLE, "0", 0.0, 1000.0,
	    "options and futures: commission per contract, replacing the model for them (0 = "
	    "the model applies to them too)"),
	NUM("costs.slippage_pct", PAPER_CONFIG_DOUBLE, "0.05", 0.0, 10.0,
	    "base slippage in percent of price (0.05 = 0.05%)"),
	NUM("costs.slippage_market_mult", PAPER_CONFIG_DOUBLE, "2", 0.0, 100.0,
	    "multiplier of the base slippage for market and stop fills"),
	NUM("costs.slippage_limit_mult", PAPER_CONFIG_DOUBLE, "0.5", 0.0, 100.0,
	    "multiplier of the base slippage for limit fills (never past the limit)"),
	NUM("costs.slippage_size_impact", PAPER_CONFIG_DOUBLE, "1", 0.0, 1000.0,
	    "slippage grows by this times (order qty / bar volume)"),
	NUM("costs.slippage_jitter", PAPER_CONFIG_DOUBLE, "0.5", 0.0, 1.0,
	    "random jitter of slippage, +- this fraction, from the seeded generator"),
	NUM("costs.seed", PAPER_CONFIG_INT, "1", 0, 9007199254740992.0,
	    "seed of the slippage jitter; same seed and inputs give the same fills"),
	NUM("engine.volume_participation", PAPER_CONFIG_DOUBLE, "0", 0.0, 1.0,
	    "largest fraction of a bar's volume one order may take (0 = no cap)"),
	STR("engine.intrabar", "pessimistic", intrabar_rules,
	    "when a bar touches both take-profit and stop-loss: pessimistic = stop first"),
	/* The closed-order history is allocated whole at creation: keep it allocatable. */
	NUM("engine.order_history", PAPER_CONFIG_INT, "10000", 16, 1000000,
	    "closed orders kept in memory for paper_broker_order()"),
	NUM("engine.fill_history", PAPER_CONFIG_INT, "10000", 16, 100000000,
	    "recent fills kept in memory"),
	NUM("engine.trade_history", PAPER_CONFIG_INT, "0", 0, 1000000000,
	    "closed trades kept in memory (0 = all)"),
	NUM("engine.equity_history", PAPER_CONFIG_INT, "0", 0, 1000000000,
	    "equity snapshots kept in memory for the equity curve (0 = all)"),
	NUM("connection.ib_port", PAPER_CONFIG_INT, "0", 0, 65535,
	    "Interactive Brokers port a runtime uses (0 = none); paper ports only"),
	STR("connection.ib_account", "", NULL, "Interactive Brokers account id; paper (DU...) only"),
	STR("connection.alpaca_base_url", "", NULL, "Alpaca trading endpoint; the paper one only"),
	PATH_WRITTEN("logging.log_file", "also write the PAPER log lines to this file"),
	STR("ledger.location", "", NULL,
	    "the ledger: a file path or a postgresql:// URI (the paper command's --ledger and "
	    "PAPER_LEDGER come first)"),
	STR("session.sizing", "notional", sizing_modes,
	    "entry size: notional (fixed amount), fraction (of equity, by confidence and risk) or qty"),
	NUM("session.notional", PAPER_CONFIG_DOUBLE, "1000", 0.01, 1e10,
	    "sizing = notional: amount per entry in the account currency"),
	NUM("session.qty", PAPER_CONFIG_DOUBLE, "1", 1e-8, 1e9, "sizing = qty: units per entry"),
	NUM("session.fraction_base", PAPER_CONFIG_DOUBLE, "0.2", 0.0001, 100.0,
	    "sizing = fraction: equity x this x confidence / 0.8 x (1 - 0.5 x risk), capped"),
	NUM("session.tp_pct", PAPER_CONFIG_DOUBLE, "2", 0.0, 1000.0,
	    "take profit in percent from the entry fill (0 = none)"),
	NUM("session.sl_pct", PAPER_CONFIG_DOUBLE, "1.5", 0.0, 99.99,
	    "stop loss in percent from the entry fill (0 = none)"),
	NUM("session.trailing_pct", PAPER_CONFIG_DOUBLE, "0", 0.0, 99.99,
	    "trailing stop in percent from the best price since entry (0 = off)"),
	NUM("session.max_hold_minutes", PAPER_CONFIG_INT, "240", 0, 52596000,
	    "time exit this many minutes after the entry fill, measured in time (0 = none)"),
	NUM("session.use_signal_targets", PAPER_CONFIG_BOOL, "true", 0, 1,
	    "use a signal's own absolute take_profit / stop_loss prices when it gives them"),
	STR("session.exits_from", "entry_bar", exits_from_bars,
	    "exit rules apply from the entry bar (filled at its open) or from the next bar"),
	STR("session.on_reverse", "exit", reverse_actions,
	    "an opposite signal for a symbol with a position: exit it, or ignore the signal"),
	NUM("session.lot_size", PAPER_CONFIG_DOUBLE, "1", 1e-8, 1e9,
	    "entry quantities are rounded down to a multiple of this"),
	NUM("session.fractional", PAPER_CONFIG_BOOL, "false", 0, 1,
	    "allow a lot_size below one unit or not a whole number"),
	NUM("metrics.periods_per_year", PAPER_CONFIG_DOUBLE, "0", 0.0, 1e7,
	    "annualization of the returns (252 stocks, 365 crypto); 0 = from the data's calendar: "
	    "365 when Saturdays are 1 in 14 of its days, else 252"),
	/* Quotes and trades age from their time, bars from their close (docs/semantics.md). */
	NUM("feed.max_staleness_s", PAPER_CONFIG_DOUBLE, "30", 0.1, 2592000.0,
	    "live feeds: a price older than this (seconds, venue time against the receiving "
	    "clock) is never filled on; orders wait for a fresh one"),
	/* The readiness gate (paper_readiness_evaluate(), the dashboard, paper stats). */
	NUM("readiness.min_trades", PAPER_CONFIG_INT, "20", 0, 1e9,
	    "ready: at least this many closed trades"),
	NUM("readiness.min_win_rate", PAPER_CONFIG_DOUBLE, "0.55", 0.0, 1.0,
	    "ready: win rate at least this fraction"),
	NUM("readiness.min_sharpe", PAPER_CONFIG_DOUBLE, "1.5", -1000.0, 1000.0,
	    "ready: annualized Sharpe ratio of the daily returns at least this"),
	NUM("readiness.max_drawdown", PAPER_CONFIG_DOUBLE, "0.1", 0.0, 1.0,
	    "ready: max drawdown at most this fraction (positive)"),
	NUM("readiness.max_errors", PAPER_CONFIG_INT, "0", 0, 1e9,
	    "ready: at most this many errors (rejected orders and rejected decisions)"),
	NUM("readiness.min_calendar_days", PAPER_CONFIG_DOUBLE, "0", 0.0, 36500.0,
	    "ready: the account has run at least this many calendar days"),
	NUM("readiness.min_trading_days", PAPER_CONFIG_INT, "0", 0, 36500,
	    "ready: at least this many UTC days with market data"),
	NUM("readiness.min_error_free_days", PAPER_CONFIG_DOUBLE, "0", 0.0, 36500.0,
	    "ready: at least this many calendar days since the last error (or since the start)"),
	NUM("readiness.min_psr", PAPER_CONFIG_DOUBLE, "0.95", 0.0, 1.0,
	    "ready: probabilistic Sharpe ratio against psr_benchmark_sharpe at least this; also "
	    "the confidence of the minimum track record length"),
	NUM("readiness.psr_benchmark_sharpe", PAPER_CONFIG_DOUBLE, "0", -100.0, 100.0,
	    "the annual Sharpe ratio the PSR and the minimum track record length test against"),
	NUM("readiness.small_sample", PAPER_CONFIG_INT, "30", 0, 1e9,
	    "a ratio from fewer trades or days than this carries a small-sample warning"),
};

static const char *const groups[] = { "account", "limits", "costs", "engine",
				      "connection", "logging", "ledger", "session", "metrics",
				      "feed", "readiness", NULL };

/* ---- key lookup and value parsing ---- */

static int key_find(const char *name)
{
	if (name == NULL)
		return -1;
	for (int k = 0; k < K__COUNT; k++)
		if (strcmp(keys[k].name, name) == 0)
			return k;
	return -1;
}

bool paper__config_group_known(const char *group, size_t len)
{
	for (int i = 0; groups[i]; i++)
		if (strlen(groups[i]) == len && g_ascii_strncasecmp(groups[i], group, len) == 0)
			return true;
	return false;
}

int paper__config_key_index(const char *name)
{
	return key_find(name);
}

bool paper__config_key_writes_file(const char *name)
{
	int k = key_find(name);
	return k >= 0 && keys[k].writes_file;
}

static bool parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1", NULL };
	static const char *const no[] = { "false", "no", "off", "0", NULL };

	for (int i = 0; yes[i]; i++)
		if (g_ascii_strcasecmp(s, yes[i]) == 0)
			return (*out = true);
	for (int i = 0; no[i]; i++)
		if (g_ascii_strcasecmp(s, no[i]) == 0)
			return !(*out = false);
	return false;
}

static bool parse_int(const char *s, int64_t *out)
{
	char *end = NULL;

	errno = 0;
	gint64 v = g_ascii_strtoll(s, &end, 10);
	if (errno || end == s || *end != '\0')
		return false;
	*out = v;
	return true;
}

/* A decimal number only: strtod would also take hex (0x1p3), inf and nan. */
static bool parse_double(const char *s, double *out)
{
	char *end = NULL;

	if (!paper__text_is_number(s))
		return false;
	errno = 0;
	double v = g_ascii_strtod(s, &end);
	if (errno || end == s || *end != '\0' || !isfinite(v))
		return false;
	*out = v;
	return true;
}

static char *format_value(paper_config_type t, cfg_value v)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	switch (t) {
	case PAPER_CONFIG_BOOL:
		return g_strdup(v.b ? "true" : "false");
	case PAPER_CONFIG_INT:
		return g_strdup_printf("%" G_GINT64_FORMAT, v.i);
	case PAPER_CONFIG_DOUBLE:
		/* The shortest text that reads back exactly: 0.7, not 0.69999999999999996. */
		g_ascii_formatd(buf, sizeof buf, "%.15g", v.d);
		if (g_ascii_strtod(buf, NULL) != v.d)
			g_ascii_formatd(buf, sizeof buf, "%.16g", v.d);
		if (g_ascii_strtod(buf, NULL) != v.d)
			g_ascii_formatd(buf, sizeof buf, "%.17g", v.d);
		return g_strdup(buf);
	case PAPER_CONFIG_STRING:
		return g_strdup(v.s);
	}
	return g_strdup("");
}

static bool name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > PAPER_TAG_MAX)
		return false;
	for (; *s; s++)
		if (!g_ascii_isalnum(*s) && !strchr("._-", *s))
			return false;
	return true;
}

static bool symbols_valid(const char *list, char **why)
{
	gchar **items = g_strsplit(list, ",", -1);
	bool ok = true;

	for (int i = 0; items[i] && ok; i++) {
		char *sym = g_strstrip(items[i]);
		if (*sym == '\0')
			continue;
		if (!paper__symbol_valid(sym)) {
			*why = g_strdup_printf("'%s' is not a valid symbol (1-%d of A-Z a-z 0-9 . _ / : ^ = -)",
					       sym, PAPER_SYMBOL_MAX);
			ok = false;
		}
	}
	g_strfreev(items);
	return ok;
}

/* Form of the free-text string keys. */
static int check_string_form(int k, const char *s, char **why)
{
	switch (k) {
	case K_ACCOUNT_NAME:
		if (!name_valid(s)) {
			*why = g_strdup_printf("must be 1-%d of letters, digits, '.', '_', '-'", PAPER_TAG_MAX);
			return PAPER_ECONFIG;
		}
		return PAPER_OK;
	case K_ACCOUNT_CURRENCY:
		if (strlen(s) != 3 || !g_ascii_isupper(s[0]) || !g_ascii_isupper(s[1]) ||
		    !g_ascii_isupper(s[2])) {
			*why = g_strdup("must be a 3-letter upper-case ISO 4217 code");
			return PAPER_ECONFIG;
		}
		return PAPER_OK;
	case K_LIMITS_ALLOWED_SYMBOLS:
		return symbols_valid(s, why) ? PAPER_OK : PAPER_ECONFIG;
	default:
		return PAPER_OK;
	}
}

/*
 * Check one key's value against its range and rules. Returns PAPER_OK, or the code with
 * *why set to an allocated explanation.
 */
static int check_value(int k, cfg_value v, char **why)
{
	const keydef *d = &keys[k];

	switch (d->type) {
	case PAPER_CONFIG_INT:
		/* Compare as integers: above 2^53 a double rounds, and max + 1 would pass. */
		if (v.i < (int64_t)d->min || v.i > (int64_t)d->max) {
			*why = g_strdup_printf("must be in [%.17g, %.17g]", d->min, d->max);
			return PAPER_ECONFIG;
		}
		break;
	case PAPER_CONFIG_DOUBLE:
		if (!isfinite(v.d) || v.d < d->min || v.d > d->max) {
			*why = g_strdup_printf("must be in [%.17g, %.17g]", d->min, d->max);
			return PAPER_ECONFIG;
		}
		break;
	case PAPER_CONFIG_STRING:
		if (d->choices) {
			for (int i = 0; d->choices[i]; i++)
				if (strcmp(v.s, d->choices[i]) == 0)
					return PAPER_OK;
			bool live = paper__safety_value_is_live(v.s);
			gchar *list = g_strjoinv(", ", (gchar **)d->choices);
			*why = g_strdup_printf("must be one of: %s%s", list,
					       live ? " (libpaper is paper only)" : "");
			g_free(list);
			return live ? PAPER_ESAFETY : PAPER_ECONFIG;
		}
		{
			int rc = check_string_form(k, v.s, why);
			if (rc != PAPER_OK)
				return rc;
		}
		break;
	case PAPER_CONFIG_BOOL:
		break;
	}
	return paper__safety_check_key(k, v, why);
}

static void value_free(int k, cfg_value *v)
{
	if (keys[k].type == PAPER_CONFIG_STRING) {
		g_free(v->s);
		v->s = NULL;
	}
}

/* Parse already-stripped text into a value of key k's type; on failure *why is set. */
static int parse_stripped(int k, const char *text, cfg_value *out, char **why)
{
	switch (keys[k].type) {
	case PAPER_CONFIG_BOOL:
		if (!parse_bool(text, &out->b)) {
			*why = g_strdup("must be true or false");
			return paper__safety_value_is_live(text) ? PAPER_ESAFETY : PAPER_ECONFIG;
		}
		return PAPER_OK;
	case PAPER_CONFIG_INT:
		if (!parse_int(text, &out->i)) {
			*why = g_strdup("must be a whole number");
			return PAPER_ECONFIG;
		}
		return PAPER_OK;
	case PAPER_CONFIG_DOUBLE:
		if (!parse_double(text, &out->d)) {
			*why = g_strdup("must be a finite decimal number (digits, an optional point and "
					"exponent: no hex, inf or nan)");
			return PAPER_ECONFIG;
		}
		return PAPER_OK;
	case PAPER_CONFIG_STRING:
		out->s = g_strdup(text);
		return PAPER_OK;
	}
	return PAPER_ECONFIG;
}

/*
 * Parse text into a value of key k's type; on failure *why is set. Surrounding white space
 * is dropped for every type, as the INI parser already does, so "3 " from the environment
 * means what it does in a file.
 */
static int parse_value(int k, const char *text, cfg_value *out, char **why)
{
	/* Every value is text: state.json and the ledger carry it, and JSON is UTF-8. */
	if (!g_utf8_validate(text, -1, NULL)) {
		*why = g_strdup("must be UTF-8 text");
		return PAPER_ECONFIG;
	}
	char *t = g_strstrip(g_strdup(text));
	int rc = parse_stripped(k, t, out, why);

	g_free(t);
	return rc;
}

/* ---- violations ---- */

static void violation_free(gpointer p)
{
	cfg_violation *v = p;

	g_free(v->key);
	g_free(v->value);
	g_free(v->reason);
	g_free(v);
}

/* Names and values are quoted back to whoever prints the violations: never raw control bytes,
 * never a megabyte. */
void paper__config_add_pending(paper_config *cfg, int code, const char *key, const char *value,
			       const char *reason)
{
	cfg_violation *v = g_new0(cfg_violation, 1);

	v->code = code;
	v->key = paper__text_shown(key, PAPER_TEXT_SHOWN_MAX);
	v->value = paper__text_shown(value ? value : "", PAPER_TEXT_SHOWN_MAX);
	v->reason = g_strdup(reason);
	g_ptr_array_add(cfg->pending, v);
}

static cfg_violation *violation_dup(const cfg_violation *v)
{
	cfg_violation *c = g_new0(cfg_violation, 1);

	c->code = v->code;
	c->key = g_strdup(v->key);
	c->value = g_strdup(v->value);
	c->reason = g_strdup(v->reason);
	return c;
}

/* ---- store a value ---- */

int paper__config_set_text(paper_config *cfg, int k, const char *text, const char *record_as)
{
	cfg_value v = { 0 };
	char *why = NULL;
	int rc = parse_value(k, text, &v, &why);

	if (rc == PAPER_OK)
		rc = check_value(k, v, &why);
	if (rc != PAPER_OK) {
		if (record_as)
			paper__config_add_pending(cfg, rc, record_as, text, why);
		char *shown = paper__text_shown(text, PAPER_TEXT_SHOWN_MAX);
		paper__error(rc, "%s = '%s': %s", keys[k].name, shown, why);
		g_free(shown);
		g_free(why);
		value_free(k, &v);
		return rc;
	}
	value_free(k, &cfg->v[k]);
	cfg->v[k] = v;
	return PAPER_OK;
}

/* No such key. A spelling of "go live" is refused as unsafe, not merely as a typo. */
static int no_such_key(const char *key)
{
	char *k = paper__text_shown(key ? key : "(null)", PAPER_TEXT_SHOWN_MAX);
	int rc = paper__error(PAPER_ECONFIG, "unknown config key '%s'", k);
	g_free(k);
	return rc;
}

static int unknown_key(const char *key, const char *value)
{
	if (paper__safety_is_affirmation(key, value))
		return PAPER_OK; /* dry_run = true: what libpaper always is; nothing to change */
	if (key == NULL || !paper__safety_unknown_is_live(key, value))
		return no_such_key(key);
	char *k = paper__text_shown(key, PAPER_TEXT_SHOWN_MAX);
	char *v = paper__text_shown(value, PAPER_TEXT_SHOWN_MAX);
	int rc = paper__error(PAPER_ESAFETY, "'%s' = '%s' is %s", k, v, PAPER__SAFETY_NOT_A_SETTING);
	g_free(k);
	g_free(v);
	return rc;
}

static int set_checked(paper_config *cfg, const char *key, paper_config_type type, cfg_value v)
{
	PAPER__CHECK_NULL(cfg, "cfg");
	int k = key_find(key);
	if (k < 0) {
		char *text = format_value(type, v);
		int rc = type != PAPER_CONFIG_BOOL && paper__config_is_instrument_key(key)
				 ? paper__config_instrument_set(cfg, key, text, NULL)
				 : unknown_key(key, text);
		g_free(text);
		return rc;
	}
	if (keys[k].type != type)
		return paper__error(PAPER_ECONFIG, "config key '%s' is not of that type", key);
	char *why = NULL;
	int rc = check_value(k, v, &why);
	if (rc != PAPER_OK) {
		char *text = format_value(type, v);
		char *shown = paper__text_shown(text, PAPER_TEXT_SHOWN_MAX);
		paper__error(rc, "%s = '%s': %s", key, shown, why);
		g_free(shown);
		g_free(text);
		g_free(why);
		return rc;
	}
	cfg->v[k] = v;
	return PAPER_OK;
}

/* ---- public API ---- */

static void set_defaults(paper_config *cfg)
{
	for (int k = 0; k < K__COUNT; k++) {
		char *why = NULL;
		int rc = parse_value(k, keys[k].def, &cfg->v[k], &why);
		g_assert(rc == PAPER_OK);
		(void)rc;
	}
}

PAPER_API int paper_config_new(paper_config **out)
{
	PAPER__CHECK_NULL(out, "out");
	paper_config *cfg = g_new0(paper_config, 1);
	set_defaults(cfg);
	cfg->pending = g_ptr_array_new_with_free_func(violation_free);
	cfg->violations = g_ptr_array_new_with_free_func(violation_free);
	paper__config_instruments_init(cfg);
	*out = cfg;
	return PAPER_OK;
}

PAPER_API void paper_config_free(paper_config *cfg)
{
	if (cfg == NULL)
		return;
	for (int k = 0; k < K__COUNT; k++)
		value_free(k, &cfg->v[k]);
	g_ptr_array_unref(cfg->pending);
	g_ptr_array_unref(cfg->violations);
	paper__config_instruments_free(cfg);
	g_free(cfg);
}

PAPER_API int paper_config_copy(paper_config **out, const paper_config *cfg)
{
	PAPER__CHECK_NULL(out, "out");
	PAPER__CHECK_NULL(cfg, "cfg");
	paper_config *c = g_new0(paper_config, 1);
	for (int k = 0; k < K__COUNT; k++) {
		c->v[k] = cfg->v[k];
		if (keys[k].type == PAPER_CONFIG_STRING)
			c->v[k].s = g_strdup(cfg->v[k].s);
	}
	c->pending = g_ptr_array_new_with_free_func(violation_free);
	c->violations = g_ptr_array_new_with_free_func(violation_free);
	for (guint i = 0; i < cfg->pending->len; i++)
		g_ptr_array_add(c->pending, violation_dup(cfg->pending->pdata[i]));
	for (guint i = 0; i < cfg->violations->len; i++)
		g_ptr_array_add(c->violations, violation_dup(cfg->violations->pdata[i]));
	paper__config_instruments_init(c);
	paper__config_instruments_copy(c, cfg);
	*out = c;
	return PAPER_OK;
}

PAPER_API int paper_config_set(paper_config *cfg, const char *key, const char *value)
{
	PAPER__CHECK_NULL(cfg, "cfg");
	PAPER__CHECK_NULL(value, "value");
	int k = key_find(key);
	if (k < 0 && paper__config_is_instrument_key(key))
		return paper__config_instrument_set(cfg, key, value, NULL);
	if (k < 0)
		return unknown_key(key, value);
	return paper__config_set_text(cfg, k, value, NULL);
}

PAPER_API int paper_config_set_int(paper_config *cfg, const char *key, int64_t value)
{
	return set_checked(cfg, key, PAPER_CONFIG_INT, (cfg_value){ .i = value });
}

PAPER_API int paper_config_set_double(paper_config *cfg, const char *key, double value)
{
	return set_checked(cfg, key, PAPER_CONFIG_DOUBLE, (cfg_value){ .d = value });
}

PAPER_API int paper_config_set_bool(paper_config *cfg, const char *key, bool value)
{
	return set_checked(cfg, key, PAPER_CONFIG_BOOL, (cfg_value){ .b = value });
}

static int get_checked(const paper_config *cfg, const char *key, paper_config_type type,
		       const void *out)
{
	PAPER__CHECK_NULL(cfg, "cfg");
	PAPER__CHECK_NULL(out, "out");
	int k = key_find(key);
	if (k < 0)
		return no_such_key(key);
	if (keys[k].type != type)
		return paper__error(PAPER_ECONFIG, "config key '%s' is not of that type", key);
	return k;
}

PAPER_API int paper_config_get_int(const paper_config *cfg, const char *key, int64_t *out)
{
	int k = get_checked(cfg, key, PAPER_CONFIG_INT, out);
	if (k < 0)
		return k;
	*out = cfg->v[k].i;
	return PAPER_OK;
}

PAPER_API int paper_config_get_double(const paper_config *cfg, const char *key, double *out)
{
	int k = get_checked(cfg, key, PAPER_CONFIG_DOUBLE, out);
	if (k < 0)
		return k;
	*out = cfg->v[k].d;
	return PAPER_OK;
}

PAPER_API int paper_config_get_bool(const paper_config *cfg, const char *key, bool *out)
{
	int k = get_checked(cfg, key, PAPER_CONFIG_BOOL, out);
	if (k < 0)
		return k;
	*out = cfg->v[k].b;
	return PAPER_OK;
}

PAPER_API int paper_config_get_string(const paper_config *cfg, const char *key, char *buf,
				      size_t cap, size_t *len_out)
{
	PAPER__CHECK_NULL(cfg, "cfg");
	if (buf == NULL && cap > 0)
		return paper__error(PAPER_EINVAL, "buf must not be NULL when cap > 0");
	int k = key_find(key);
	char *text = NULL;
	if (k < 0 && paper__config_is_instrument_key(key)) {
		int rc = paper__config_instrument_get(cfg, key, &text);
		if (rc != PAPER_OK)
			return rc;
	} else if (k < 0) {
		return no_such_key(key);
	} else {
		text = format_value(keys[k].type, cfg->v[k]);
	}
	size_t len = strlen(text);
	if (cap > 0) {
		size_t n = len < cap - 1 ? len : cap - 1;
		memcpy(buf, text, n);
		buf[n] = '\0';
	}
	if (len_out)
		*len_out = len;
	g_free(text);
	return PAPER_OK;
}

PAPER_API int paper_config_reset(paper_config *cfg, const char *key)
{
	PAPER__CHECK_NULL(cfg, "cfg");
	int k = key_find(key);
	if (k < 0 && paper__config_is_instrument_key(key))
		return paper__config_instrument_reset(cfg, key);
	if (k < 0)
		return no_such_key(key);
	return paper__config_set_text(cfg, k, keys[k].def, NULL);
}

PAPER_API size_t paper_config_key_count(void)
{
	return K__COUNT;
}

PAPER_API int paper_config_key_info_get(size_t index, paper_config_key_info *out)
{
	PAPER__CHECK_NULL(out, "out");
	if (out->version != PAPER_CONFIG_KEY_INFO_VERSION)
		return paper__error(PAPER_EVERSION, "paper_config_key_info version %u unsupported",
				    out->version);
	if (index >= K__COUNT)
		return paper__error(PAPER_ERANGE, "key index %zu >= %d", index, K__COUNT);
	const keydef *d = &keys[index];
	out->name = d->name;
	out->type = d->type;
	out->default_value = d->def;
	out->min = d->min;
	out->max = d->max;
	out->doc = d->doc;
	return PAPER_OK;
}

static void add_cross_violation(paper_config *cfg, const char *key, const char *val,
				const char *why)
{
	cfg_violation v = { PAPER_ECONFIG, (char *)key, (char *)val, (char *)why };
	g_ptr_array_add(cfg->violations, violation_dup(&v));
}

/* A lot of a fraction of a unit is only allowed when asked for, so a typo cannot split shares. */
static void check_lot(paper_config *cfg)
{
	double lot = cfg->v[K_SESSION_LOT_SIZE].d;

	if (cfg->v[K_SESSION_FRACTIONAL].b || lot == floor(lot))
		return;
	char *val = format_value(PAPER_CONFIG_DOUBLE, cfg->v[K_SESSION_LOT_SIZE]);
	add_cross_violation(cfg, "session.lot_size", val,
			    "is not a whole number of units; set session.fractional = true to "
			    "trade fractions");
	g_free(val);
}

/* Rules that span keys. */
static void check_cross(paper_config *cfg)
{
	check_lot(cfg);
	int64_t maxpos = cfg->v[K_LIMITS_MAX_OPEN_POSITIONS].i;
	int64_t ceiling = cfg->v[K_LIMITS_MAX_OPEN_POSITIONS_CEILING].i;

	if (maxpos > ceiling) {
		char *val = g_strdup_printf("%" G_GINT64_FORMAT, maxpos);
		char *why = g_strdup_printf("exceeds limits.max_open_positions_ceiling (%" G_GINT64_FORMAT
					    "); raise the ceiling explicitly to allow it", ceiling);
		cfg_violation v = { PAPER_ECONFIG, (char *)"limits.max_open_positions", val, why };
		g_ptr_array_add(cfg->violations, violation_dup(&v));
		g_free(val);
		g_free(why);
	}
}

PAPER_API int paper_config_validate(paper_config *cfg)
{
	PAPER__CHECK_NULL(cfg, "cfg");
	g_ptr_array_set_size(cfg->violations, 0);
	for (guint i = 0; i < cfg->pending->len; i++)
		g_ptr_array_add(cfg->violations, violation_dup(cfg->pending->pdata[i]));
	for (int k = 0; k < K__COUNT; k++) {
		char *why = NULL;
		int rc = check_value(k, cfg->v[k], &why);
		if (rc != PAPER_OK) {
			char *text = format_value(keys[k].type, cfg->v[k]);
			char *shown = paper__text_shown(text, PAPER_TEXT_SHOWN_MAX);
			cfg_violation v = { rc, (char *)keys[k].name, shown, why };
			g_ptr_array_add(cfg->violations, violation_dup(&v));
			g_free(shown);
			g_free(text);
			g_free(why);
		}
	}
	check_cross(cfg);
	paper__config_instruments_validate(cfg);
	if (cfg->violations->len == 0)
		return PAPER_OK;

	int code = PAPER_ECONFIG;
	GString *msg = g_string_new(NULL);
	g_string_printf(msg, "%u config violation%s:", cfg->violations->len,
			cfg->violations->len == 1 ? "" : "s");
	for (guint i = 0; i < cfg->violations->len; i++) {
		const cfg_violation *v = cfg->violations->pdata[i];
		if (v->code == PAPER_ESAFETY)
			code = PAPER_ESAFETY;
		g_string_append_printf(msg, "\n  %s = '%s': %s", v->key, v->value, v->reason);
	}
	paper__error_lines(code, "%s", msg->str);
	g_string_free(msg, TRUE);
	return code;
}

PAPER_API size_t paper_config_violation_count(const paper_config *cfg)
{
	return cfg ? cfg->violations->len : 0;
}

PAPER_API int paper_config_violation_get(const paper_config *cfg, size_t index,
					 paper_config_violation *out)
{
	PAPER__CHECK_NULL(cfg, "cfg");
	PAPER__CHECK_NULL(out, "out");
	if (out->version != PAPER_CONFIG_VIOLATION_VERSION)
		return paper__error(PAPER_EVERSION, "paper_config_violation version %u unsupported",
				    out->version);
	if (index >= cfg->violations->len)
		return paper__error(PAPER_ERANGE, "violation index %zu >= %u", index,
				    cfg->violations->len);
	const cfg_violation *v = cfg->violations->pdata[index];
	out->code = v->code;
	out->key = v->key;
	out->value = v->value;
	out->reason = v->reason;
	return PAPER_OK;
}

/* ---- symbols ---- */

bool paper__symbol_valid(const char *s)
{
	return paper__symbol_form(s);
}

/*
 * Items are trimmed of the same white space as when the list is validated (g_strstrip), so a
 * symbol that validates after a tab is also found after a tab.
 */
bool paper__symbol_allowed(const char *list, const char *symbol)
{
	size_t len = strlen(symbol);
	const char *p = list;

	while (g_ascii_isspace(*p) || *p == ',')
		p++;
	if (*p == '\0')
		return true;
	while (*p) {
		const char *e = p;
		while (*e && *e != ',')
			e++;
		const char *t = e;
		while (t > p && g_ascii_isspace(t[-1]))
			t--;
		if ((size_t)(t - p) == len && memcmp(p, symbol, len) == 0)
			return true;
		p = *e ? e + 1 : e;
		while (g_ascii_isspace(*p))
			p++;
	}
	return false;
}
