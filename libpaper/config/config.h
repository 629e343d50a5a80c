/* Private: the config's key table and fast typed access for the library's own use. */
#ifndef PAPER_PRIV_CONFIG_H
#define PAPER_PRIV_CONFIG_H

#include <glib.h>
#include <paper/config.h>
#include <paper/instrument.h>
#include <paper/types.h>

/* One entry per key, in the order of the key table in config.c. */
typedef enum cfg_key {
	K_ACCOUNT_NAME,
	K_ACCOUNT_STARTING_CASH,
	K_ACCOUNT_CURRENCY,
	K_ACCOUNT_TYPE,
	K_ACCOUNT_INITIAL_MARGIN,
	K_LIMITS_MAX_OPEN_POSITIONS,
	K_LIMITS_MAX_OPEN_POSITIONS_CEILING,
	K_LIMITS_MAX_ORDER_QTY,
	K_LIMITS_MAX_ORDER_NOTIONAL,
	K_LIMITS_MAX_POSITION_FRACTION,
	K_LIMITS_ALLOWED_SYMBOLS,
	K_LIMITS_MIN_CONFIDENCE,
	K_LIMITS_AGGRESSIVE,
	K_LIMITS_DAILY_LOSS_LIMIT,
	K_LIMITS_ALLOW_SHORT_OPTIONS,
	K_COSTS_COMMISSION_MODEL,
	K_COSTS_COMMISSION_PCT,
	K_COSTS_COMMISSION_MIN,
	K_COSTS_COMMISSION_PER_SHARE,
	K_COSTS_COMMISSION_FIXED,
	K_COSTS_COMMISSION_PER_CONTRACT,
	K_COSTS_SLIPPAGE_PCT,
	K_COSTS_SLIPPAGE_MARKET_MULT,
	K_COSTS_SLIPPAGE_LIMIT_MULT,
	K_COSTS_SLIPPAGE_SIZE_IMPACT,
	K_COSTS_SLIPPAGE_JITTER,
	K_COSTS_SEED,
	K_ENGINE_VOLUME_PARTICIPATION,
	K_ENGINE_INTRABAR,
	K_ENGINE_ORDER_HISTORY,
	K_ENGINE_FILL_HISTORY,
	K_ENGINE_TRADE_HISTORY,
	K_ENGINE_EQUITY_HISTORY,
	K_CONNECTION_IB_PORT,
	K_CONNECTION_IB_ACCOUNT,
	K_CONNECTION_ALPACA_BASE_URL,
	K_LOGGING_LOG_FILE,
	K_LEDGER_LOCATION,
	K_SESSION_SIZING,
	K_SESSION_NOTIONAL,
	K_SESSION_QTY,
	K_SESSION_FRACTION_BASE,
	K_SESSION_TP_PCT,
	K_SESSION_SL_PCT,
	K_SESSION_TRAILING_PCT,
	K_SESSION_MAX_HOLD_MINUTES,
	K_SESSION_USE_SIGNAL_TARGETS,
	K_SESSION_EXITS_FROM,
	K_SESSION_ON_REVERSE,
	K_SESSION_LOT_SIZE,
	K_SESSION_FRACTIONAL,
	K_METRICS_PERIODS_PER_YEAR,
	K_FEED_MAX_STALENESS_S,
	K_READINESS_MIN_TRADES,
	K_READINESS_MIN_WIN_RATE,
	K_READINESS_MIN_SHARPE,
	K_READINESS_MAX_DRAWDOWN,
	K_READINESS_MAX_ERRORS,
	K_READINESS_MIN_CALENDAR_DAYS,
	K_READINESS_MIN_TRADING_DAYS,
	K_READINESS_MIN_ERROR_FREE_DAYS,
	K_READINESS_MIN_PSR,
	K_READINESS_PSR_BENCHMARK_SHARPE,
	K_READINESS_SMALL_SAMPLE,
	K__COUNT
} cfg_key;

typedef union cfg_value {
	bool b;
	int64_t i;
	double d;
	char *s;
} cfg_value;

typedef struct cfg_violation {
	int code;
	char *key;
	char *value;
	char *reason;
} cfg_violation;

/* The fields of an [instrument.SYMBOL] section, in the order they are listed. */
typedef enum cfg_ifield {
	IF_ASSET_CLASS,
	IF_MULTIPLIER,
	IF_TICK_SIZE,
	IF_LOT_SIZE,
	IF_MIN_QTY,
	IF_EXPIRY,
	IF_UNDERLYING,
	IF_RIGHT,
	IF_STRIKE,
	IF_SETTLEMENT,
	IF_INITIAL_MARGIN,
	IF__COUNT
} cfg_ifield;

/* One instrument of the config: its fields as text, each checked for its form when set. */
typedef struct cfg_instrument {
	char *symbol;
	char *text[IF__COUNT]; /* NULL: not set (the class's default) */
} cfg_instrument;

struct paper_config {
	cfg_value v[K__COUNT];
	GPtrArray *pending;    /* cfg_violation *: recorded by the loaders */
	GPtrArray *violations; /* cfg_violation *: result of the last validate */
	GPtrArray *instruments; /* cfg_instrument *, sorted by symbol (config_instrument.c) */
};

static inline int64_t cfg_int(const paper_config *c, cfg_key k) { return c->v[k].i; }
static inline double cfg_double(const paper_config *c, cfg_key k) { return c->v[k].d; }
static inline bool cfg_bool(const paper_config *c, cfg_key k) { return c->v[k].b; }
static inline const char *cfg_str(const paper_config *c, cfg_key k) { return c->v[k].s; }

/*
 * True for a key whose value is a path the library opens for writing (logging.log_file):
 * a config read from a file someone else wrote (an imported state.json) must not set it.
 */
bool paper__config_key_writes_file(const char *key);

/* True when symbol has a valid form: 1..PAPER_SYMBOL_MAX of [A-Za-z0-9._/:^=-], or a padded
 * OCC option symbol (base/symbol.h). */
bool paper__symbol_valid(const char *symbol);

/* ---- instruments (config_instrument.c): keys instrument.SYMBOL.FIELD ---- */

/* Does key name an instrument field ("instrument." + a symbol + "." + a field)? */
bool paper__config_is_instrument_key(const char *key);

/*
 * Set an instrument key from text (checked for the field's form). PAPER_OK or PAPER_ECONFIG
 * raised, with *why_out (if not NULL) the static reason, for a loader to record.
 */
int paper__config_instrument_set(paper_config *cfg, const char *key, const char *text,
				 const char **why_out);

/* The name of instrument field f (IF_*), or NULL. */
const char *paper__config_instrument_field(int f);

/*
 * Make symbol's section the texts of r, a resolved spec (paper__instrument_resolve()): every
 * field r holds is written out, the others are left unset, so the section reads back as r -
 * how a contract defined through the API is kept with a ledger's account.
 */
void paper__config_instrument_define(paper_config *cfg, const char *symbol,
				     const paper_instrument_spec *r);

/* The text of an instrument key (allocated; "" when not set), or PAPER_ECONFIG (unknown key). */
int paper__config_instrument_get(const paper_config *cfg, const char *key, char **text);

/* Forget an instrument key (back to the class's default). */
int paper__config_instrument_reset(paper_config *cfg, const char *key);

void paper__config_instruments_init(paper_config *cfg);
void paper__config_instruments_copy(paper_config *to, const paper_config *from);
void paper__config_instruments_free(paper_config *cfg);

/* Check each instrument as a whole (paper_config_validate()): violations are added. */
void paper__config_instruments_validate(paper_config *cfg);

/* Number of instruments, and number i as a resolved spec (PAPER_OK) or its error. */
size_t paper__config_instrument_count(const paper_config *cfg);
int paper__config_instrument_at(const paper_config *cfg, size_t i, const char **symbol,
				paper_instrument_spec *out);

/* Every instrument key that is set, in order, as text; stops at the first non-zero return. */
typedef int (*cfg_kv_cb)(void *ctx, const char *key, const char *value);
int paper__config_each_instrument_key(const paper_config *cfg, cfg_kv_cb cb, void *ctx);

/* Every instrument key that is set as "key=value" lines, in order (allocated): two configs
 * with the same instruments give the same text. */
char *paper__config_instruments_text(const paper_config *cfg);

/* True when symbol is allowed by the comma-separated whitelist ("" allows all). */
bool paper__symbol_allowed(const char *whitelist, const char *symbol);

#endif
