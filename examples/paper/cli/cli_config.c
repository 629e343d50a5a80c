/*
 * The broker's configuration for a paper sub-command: defaults, then --config FILE, then the
 * environment (PAPER_<GROUP>_<KEY>), then the command-line options, each over the one before.
 * Options are config keys under friendlier names (--tp is session.tp_pct, ...).
 */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

enum {
	OPT_CONFIG = CLI_COMMON_BASE, OPT_SET, OPT_TP, OPT_SL, OPT_TRAILING, OPT_MAX_HOLD, OPT_SIZE,
	OPT_QTY, OPT_FRACTION, OPT_LOT, OPT_COMMISSION, OPT_SLIPPAGE, OPT_SEED, OPT_INTRABAR,
	OPT_EXITS_FROM, OPT_ON_REVERSE, OPT_CAPITAL, OPT_MIN_CONFIDENCE, OPT_AGGRESSIVE,
	OPT_INSTRUMENTS,
};

const cli_opt cli_common_opts[] = {
	{ "--config", "FILE", false, OPT_CONFIG, "settings from an INI file (examples/paper.ini.example)" },
	{ "--set", "KEY=VALUE", false, OPT_SET, "set any config key, e.g. --set limits.max_open_positions=3" },
	{ "--tp", "PCT", false, OPT_TP, "take profit in percent from the entry (session.tp_pct; 2 = 2%)" },
	{ "--sl", "PCT", false, OPT_SL, "stop loss in percent from the entry (session.sl_pct)" },
	{ "--trailing", "PCT", false, OPT_TRAILING, "trailing stop in percent (session.trailing_pct; 0 = off)" },
	{ "--max-hold", "MIN", false, OPT_MAX_HOLD, "time exit after MIN minutes (session.max_hold_minutes; 0 = none)" },
	{ "--size", "NOTIONAL", false, OPT_SIZE, "amount per entry (session.sizing = notional)" },
	{ "--qty", "UNITS", false, OPT_QTY, "fixed quantity per entry (session.sizing = qty)" },
	{ "--fraction", "BASE", false, OPT_FRACTION, "fraction of equity per entry (session.sizing = fraction)" },
	{ "--lot", "SYMBOL=SIZE", false, OPT_LOT, "lot size of one symbol, e.g. --lot BTC-USD=0.0001 (repeatable)" },
	{ "--commission", "PCT", false, OPT_COMMISSION, "commission in percent of notional (costs.commission_pct)" },
	{ "--slippage", "PCT", false, OPT_SLIPPAGE, "base slippage in percent (costs.slippage_pct)" },
	{ "--seed", "N", false, OPT_SEED, "seed of the slippage jitter (costs.seed)" },
	{ "--intrabar", "RULE", false, OPT_INTRABAR, "pessimistic or optimistic: TP and SL in one bar (engine.intrabar)" },
	{ "--exits-from", "BAR", false, OPT_EXITS_FROM, "entry-bar or next-bar (session.exits_from)" },
	{ "--on-reverse", "ACTION", false, OPT_ON_REVERSE, "exit or ignore an opposite signal (session.on_reverse)" },
	{ "--capital", "CASH", false, OPT_CAPITAL, "starting cash (account.starting_cash)" },
	{ "--min-confidence", "C", false, OPT_MIN_CONFIDENCE, "refuse signals below C (limits.min_confidence)" },
	{ "--aggressive", NULL, false, OPT_AGGRESSIVE, "trade every signal whatever its confidence" },
	{ "--instruments", "FILE", false, OPT_INSTRUMENTS, "contracts (multiplier, tick, lot, expiry, ...) from a CSV: symbol,asset_class,multiplier,... (docs/instruments.md)" },
	{ NULL, NULL, false, 0, NULL },
};

static int add(const char *cmd, cli_config *c, const char *opt, const char *key, const char *value)
{
	if (c->n == CLI_MAX_SETTINGS)
		return cli_fail(cmd, EXIT_INPUT, "too many settings (at most %d)", CLI_MAX_SETTINGS);
	c->keys[c->n] = strdup(key);
	c->values[c->n] = strdup(value);
	c->options[c->n] = opt;
	c->n++;
	return EXIT_OK;
}

/* entry-bar -> entry_bar: the config spells choices with underscores. */
static int add_choice(const char *cmd, cli_config *c, const char *opt, const char *key,
		      const char *value)
{
	char buf[64];
	snprintf(buf, sizeof buf, "%s", value);
	for (char *p = buf; *p; p++)
		if (*p == '-')
			*p = '_';
	return add(cmd, c, opt, key, buf);
}

static int add_set(const char *cmd, cli_config *c, const char *value)
{
	const char *eq = strchr(value, '=');
	if (eq == NULL || eq == value)
		return cli_fail(cmd, EXIT_INPUT, "--set: '%s' is not KEY=VALUE", value);
	char *key = strndup(value, (size_t)(eq - value));
	int rc = add(cmd, c, "--set", key, eq + 1);
	free(key);
	return rc;
}

int cli_common_option(const char *cmd, cli_config *c, int id, const char *v)
{
	switch (id) {
	case OPT_CONFIG:
		c->path = v;
		return EXIT_OK;
	case OPT_SET:
		return add_set(cmd, c, v);
	case OPT_TP:
		return add(cmd, c, "--tp", "session.tp_pct", v);
	case OPT_SL:
		return add(cmd, c, "--sl", "session.sl_pct", v);
	case OPT_TRAILING:
		return add(cmd, c, "--trailing", "session.trailing_pct", v);
	case OPT_MAX_HOLD:
		return add(cmd, c, "--max-hold", "session.max_hold_minutes", v);
	case OPT_SIZE:
		return add(cmd, c, "--size", "session.sizing", "notional") ||
		       add(cmd, c, "--size", "session.notional", v);
	case OPT_QTY:
		return add(cmd, c, "--qty", "session.sizing", "qty") ||
		       add(cmd, c, "--qty", "session.qty", v);
	case OPT_FRACTION:
		return add(cmd, c, "--fraction", "session.sizing", "fraction") ||
		       add(cmd, c, "--fraction", "session.fraction_base", v);
	case OPT_LOT:
		if (c->n_lots == CLI_MAX_LOTS)
			return cli_fail(cmd, EXIT_INPUT, "--lot: at most %d symbols", CLI_MAX_LOTS);
		c->lots[c->n_lots++] = v;
		return EXIT_OK;
	case OPT_COMMISSION:
		return add(cmd, c, "--commission", "costs.commission_pct", v);
	case OPT_SLIPPAGE:
		return add(cmd, c, "--slippage", "costs.slippage_pct", v);
	case OPT_SEED:
		return add(cmd, c, "--seed", "costs.seed", v);
	case OPT_INTRABAR:
		return add(cmd, c, "--intrabar", "engine.intrabar", v);
	case OPT_EXITS_FROM:
		return add_choice(cmd, c, "--exits-from", "session.exits_from", v);
	case OPT_ON_REVERSE:
		return add(cmd, c, "--on-reverse", "session.on_reverse", v);
	case OPT_CAPITAL:
		return add(cmd, c, "--capital", "account.starting_cash", v);
	case OPT_MIN_CONFIDENCE:
		return add(cmd, c, "--min-confidence", "limits.min_confidence", v);
	case OPT_AGGRESSIVE:
		return add(cmd, c, "--aggressive", "limits.aggressive", "true");
	case OPT_INSTRUMENTS:
		c->instruments = v;
		return EXIT_OK;
	default:
		return -1;
	}
}

void cli_config_clear(cli_config *c)
{
	for (int i = 0; i < c->n; i++) {
		free(c->keys[i]);
		free(c->values[i]);
	}
	c->n = 0;
}

static void print_violations(const char *cmd, const paper_config *cfg)
{
	paper_config_violation v = PAPER_CONFIG_VIOLATION_INIT;
	size_t n = paper_config_violation_count(cfg);
	fprintf(stderr, "paper %s: invalid configuration (%zu problem%s):\n", cmd, n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++)
		if (paper_config_violation_get(cfg, i, &v) == PAPER_OK)
			fprintf(stderr, "  %s = '%s': %s\n", v.key, v.value, v.reason);
}

int cli_make_config(const char *cmd, const cli_config *c, paper_config **out)
{
	paper_config *cfg = NULL;
	int rc = paper_config_new(&cfg);
	if (rc != PAPER_OK)
		return cli_lib_fail(cmd, rc, "paper_config_new");
	if (c->path && (rc = paper_config_load_file(cfg, c->path)) != PAPER_OK &&
	    (rc == PAPER_EIO || rc == PAPER_EFORMAT)) {
		paper_config_free(cfg);
		return cli_fail(cmd, EXIT_INPUT, "--config: %s", paper_last_error());
	}
	paper_config_load_env(cfg);
	int loaded = c->instruments ? cli_load_instruments(cmd, c->instruments, cfg) : EXIT_OK;
	if (loaded != EXIT_OK) {
		paper_config_free(cfg);
		return loaded;
	}
	for (int i = 0; i < c->n; i++) {
		rc = paper_config_set(cfg, c->keys[i], c->values[i]);
		if (rc != PAPER_OK) {
			int code = cli_fail(cmd, EXIT_INPUT, "%s: %s", c->options[i], paper_last_error());
			paper_config_free(cfg);
			return code;
		}
	}
	rc = paper_config_validate(cfg);
	if (rc != PAPER_OK) {
		print_violations(cmd, cfg);
		paper_config_free(cfg);
		return rc == PAPER_ECONFIG || rc == PAPER_ESAFETY ? EXIT_INPUT
								  : cli_lib_fail(cmd, rc, "validate");
	}
	*out = cfg;
	return EXIT_OK;
}

int cli_make_broker(const char *cmd, const cli_config *c, paper_broker **out)
{
	paper_config *cfg = NULL;
	int code = cli_make_config(cmd, c, &cfg);
	if (code != EXIT_OK)
		return code;
	int rc = paper_broker_new(out, cfg);
	paper_config_free(cfg);
	return rc == PAPER_OK ? EXIT_OK : cli_lib_fail(cmd, rc, "paper_broker_new");
}

int cli_apply_lots(const char *cmd, const cli_config *c, paper_session *s)
{
	for (int i = 0; i < c->n_lots; i++) {
		const char *eq = strchr(c->lots[i], '=');
		double size = 0;
		if (eq == NULL || eq == c->lots[i] ||
		    !cli_number(cmd, "--lot", eq + 1, &size))
			return eq ? EXIT_INPUT
				  : cli_fail(cmd, EXIT_INPUT, "--lot: '%s' is not SYMBOL=SIZE", c->lots[i]);
		char sym[64];
		snprintf(sym, sizeof sym, "%.*s", (int)(eq - c->lots[i]), c->lots[i]);
		int rc = paper_session_set_symbol_lot(s, sym, size, size != (double)(long long)size);
		if (rc != PAPER_OK)
			return cli_fail(cmd, EXIT_INPUT, "--lot: %s", paper_last_error());
	}
	return EXIT_OK;
}
