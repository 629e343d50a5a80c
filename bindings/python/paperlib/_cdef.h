/*
 * The part of <paper/paper.h> that paperlib binds, trimmed for cffi (out-of-line API mode).
 *
 * This is not a C header: build_cffi.py hands it to ffi.cdef(). Constants are written as
 * `#define X ...` and enum members with a trailing `...`, so the C compiler fills in the real
 * values from the installed headers; struct layouts end with `...;`, so the compiler computes
 * offsets and sizes. A declaration that disagrees with the real header fails the build.
 * Keep it in the order of include/paper/: common, error, types, config, broker, instrument,
 * metrics, ledger, report, session, replay, feed.
 */

/* ---- common.h ---- */
#define PAPER_VERSION_MAJOR ...
#define PAPER_VERSION_MINOR ...
#define PAPER_VERSION_PATCH ...
#define PAPER_VERSION_NUMBER ...
#define PAPER_TS_PER_SECOND ...
typedef int64_t paper_ts;
const char *paper_version(void);
int paper_version_number(void);

/* ---- error.h ---- */
typedef enum paper_error {
	PAPER_OK, PAPER_EINVAL, PAPER_ENOMEM, PAPER_EPRICE, PAPER_EQTY, PAPER_ENOTFOUND,
	PAPER_ENODATA, PAPER_ETIME, PAPER_EFUNDS, PAPER_ESTATE, PAPER_ELIMIT, PAPER_EHALTED,
	PAPER_ESAFETY, PAPER_ECONFIG, PAPER_EIO, PAPER_ECORRUPT, PAPER_EBUSY, PAPER_EVERSION,
	PAPER_EFORMAT, PAPER_EUNSUPPORTED, PAPER_ERANGE, ...
} paper_error;
const char *paper_strerror(int code);
const char *paper_last_error(void);
int paper_last_error_code(void);
void paper_clear_error(void);

/* ---- types.h ---- */
#define PAPER_SYMBOL_MAX ...
#define PAPER_ID_MAX ...
#define PAPER_TAG_MAX ...
#define PAPER_FIXED_SCALE ...
#define PAPER_PRICE_MAX_E8 ...
#define PAPER_QTY_MAX_E8 ...
#define PAPER_MONEY_MAX_E8 ...
#define PAPER_FILL_FLAG_PARTIAL_VOLUME ...
#define PAPER_FILL_FLAG_AMBIGUOUS ...
#define PAPER_FILL_FLAG_OWN_PRICE ...

typedef enum paper_side { PAPER_SIDE_BUY, PAPER_SIDE_SELL, ... } paper_side;
typedef enum paper_direction { PAPER_LONG, PAPER_SHORT, ... } paper_direction;
typedef enum paper_order_type {
	PAPER_ORDER_MARKET, PAPER_ORDER_LIMIT, PAPER_ORDER_STOP, PAPER_ORDER_STOP_LIMIT, ...
} paper_order_type;
typedef enum paper_tif { PAPER_TIF_GTC, PAPER_TIF_DAY, PAPER_TIF_IOC, PAPER_TIF_FOK, ... } paper_tif;
typedef enum paper_order_status {
	PAPER_STATUS_ACCEPTED, PAPER_STATUS_PARTIALLY_FILLED, PAPER_STATUS_FILLED,
	PAPER_STATUS_CANCELLED, PAPER_STATUS_EXPIRED, PAPER_STATUS_REJECTED, ...
} paper_order_status;
typedef enum paper_reject_reason {
	PAPER_REJECT_NONE, PAPER_REJECT_INSUFFICIENT_FUNDS, PAPER_REJECT_SHORT_NOT_ALLOWED,
	PAPER_REJECT_NO_MARKET_DATA, PAPER_REJECT_SYMBOL_NOT_ALLOWED,
	PAPER_REJECT_MAX_OPEN_POSITIONS, PAPER_REJECT_MAX_ORDER_QTY,
	PAPER_REJECT_MAX_ORDER_NOTIONAL, PAPER_REJECT_MAX_POSITION_FRACTION,
	PAPER_REJECT_MIN_CONFIDENCE, PAPER_REJECT_DAILY_LOSS_HALT, PAPER_REJECT_KILL_SWITCH,
	PAPER_REJECT_FOK_UNFILLABLE, PAPER_REJECT_IOC_REMAINDER, PAPER_REJECT_USER_CANCEL,
	PAPER_REJECT_OCO_SIBLING, PAPER_REJECT_OUT_OF_RANGE, PAPER_REJECT_EXPIRED,
	PAPER_REJECT_TICK_SIZE, PAPER_REJECT_LOT_SIZE, ...
} paper_reject_reason;
typedef enum paper_fill_reason {
	PAPER_FILL_MARKET_QUOTE, PAPER_FILL_MARKET_OPEN, PAPER_FILL_LIMIT_TOUCHED,
	PAPER_FILL_LIMIT_GAP, PAPER_FILL_STOP_TRIGGERED, PAPER_FILL_STOP_GAP,
	PAPER_FILL_LIMIT_QUOTE, PAPER_FILL_STOP_QUOTE, PAPER_FILL_AT_MARK, PAPER_FILL_EXPIRY, ...
} paper_fill_reason;
typedef enum paper_exit_reason {
	PAPER_EXIT_NONE, PAPER_EXIT_TAKE_PROFIT, PAPER_EXIT_STOP_LOSS, PAPER_EXIT_TRAILING_STOP,
	PAPER_EXIT_TIME_LIMIT, PAPER_EXIT_REVERSE_SIGNAL, PAPER_EXIT_MANUAL,
	PAPER_EXIT_END_OF_DATA, PAPER_EXIT_FORCE, PAPER_EXIT_EXPIRY, ...
} paper_exit_reason;

const char *paper_side_str(paper_side side);
const char *paper_direction_str(paper_direction dir);
const char *paper_order_type_str(paper_order_type type);
const char *paper_tif_str(paper_tif tif);
const char *paper_order_status_str(paper_order_status status);
const char *paper_reject_reason_str(paper_reject_reason reason);
const char *paper_fill_reason_str(paper_fill_reason reason);
const char *paper_exit_reason_str(paper_exit_reason reason);
int paper_exit_reason_parse(const char *name, paper_exit_reason *out);

/* ---- config.h ---- */
typedef struct paper_config paper_config;
typedef enum paper_config_type {
	PAPER_CONFIG_BOOL, PAPER_CONFIG_INT, PAPER_CONFIG_DOUBLE, PAPER_CONFIG_STRING, ...
} paper_config_type;

int paper_config_new(paper_config **out);
void paper_config_free(paper_config *cfg);
int paper_config_copy(paper_config **out, const paper_config *cfg);
int paper_config_set(paper_config *cfg, const char *key, const char *value);
int paper_config_set_int(paper_config *cfg, const char *key, int64_t value);
int paper_config_set_double(paper_config *cfg, const char *key, double value);
int paper_config_set_bool(paper_config *cfg, const char *key, bool value);
int paper_config_get_int(const paper_config *cfg, const char *key, int64_t *out);
int paper_config_get_double(const paper_config *cfg, const char *key, double *out);
int paper_config_get_bool(const paper_config *cfg, const char *key, bool *out);
int paper_config_get_string(const paper_config *cfg, const char *key, char *buf, size_t cap,
			    size_t *len_out);
int paper_config_reset(paper_config *cfg, const char *key);

#define PAPER_CONFIG_KEY_INFO_VERSION ...
typedef struct paper_config_key_info {
	unsigned int version;
	const char *name;
	paper_config_type type;
	const char *default_value;
	double min;
	double max;
	const char *doc;
	...;
} paper_config_key_info;
size_t paper_config_key_count(void);
int paper_config_key_info_get(size_t index, paper_config_key_info *out);

int paper_config_load_file(paper_config *cfg, const char *path);
int paper_config_load_env(paper_config *cfg);
int paper_config_load_envp(paper_config *cfg, const char *const *envp);
int paper_config_validate(paper_config *cfg);

#define PAPER_CONFIG_VIOLATION_VERSION ...
typedef struct paper_config_violation {
	unsigned int version;
	int code;
	const char *key;
	const char *value;
	const char *reason;
	...;
} paper_config_violation;
size_t paper_config_violation_count(const paper_config *cfg);
int paper_config_violation_get(const paper_config *cfg, size_t index,
			       paper_config_violation *out);

/* ---- broker.h ---- */
typedef struct paper_broker paper_broker;

#define PAPER_ORDER_REQUEST_VERSION ...
typedef struct paper_order_request {
	unsigned int version;
	const char *symbol;
	paper_side side;
	paper_order_type type;
	paper_tif tif;
	double qty;
	double limit_price;
	double stop_price;
	paper_ts ts;
	const char *client_id;
	const char *strategy;
	const char *signal_id;
	double confidence;
	paper_exit_reason exit_reason;
	uint64_t oco_group;
	...;
} paper_order_request;

#define PAPER_ORDER_INFO_VERSION ...
typedef struct paper_order_info {
	unsigned int version;
	uint64_t id;
	char symbol[...];
	paper_side side;
	paper_order_type type;
	paper_tif tif;
	paper_order_status status;
	paper_reject_reason reason;
	double qty;
	double filled_qty;
	double avg_fill_price;
	double limit_price;
	double stop_price;
	double fees;
	paper_ts submitted_ts;
	paper_ts updated_ts;
	char client_id[...];
	char strategy[...];
	char signal_id[...];
	double confidence;
	paper_exit_reason exit_reason;
	uint64_t oco_group;
	...;
} paper_order_info;

#define PAPER_FILL_INFO_VERSION ...
typedef struct paper_fill_info {
	unsigned int version;
	uint64_t seq;
	uint64_t order_id;
	char symbol[...];
	paper_side side;
	paper_ts ts;
	double qty;
	double price;
	double fee;
	double slippage;
	paper_fill_reason reason;
	uint32_t flags;
	int64_t qty_e8, price_e8, fee_e8;
	double alt_price;
	...;
} paper_fill_info;

#define PAPER_POSITION_INFO_VERSION ...
typedef struct paper_position_info {
	unsigned int version;
	char symbol[...];
	paper_direction direction;
	double qty;
	double avg_price;
	double cost_basis;
	double market_price;
	double market_value;
	double unrealized_pnl;
	double realized_pnl;
	paper_ts opened_ts;
	paper_ts marked_ts;
	int64_t qty_e8, cost_basis_e8;
	double fees;
	int64_t realized_pnl_e8, fees_e8;
	...;
} paper_position_info;

#define PAPER_TRADE_INFO_VERSION ...
typedef struct paper_trade_info {
	unsigned int version;
	uint64_t id;
	char symbol[...];
	paper_direction direction;
	paper_ts entry_ts;
	paper_ts exit_ts;
	double qty;
	double entry_price;
	double exit_price;
	double pnl_gross;
	double fees;
	double pnl_net;
	paper_exit_reason exit_reason;
	char strategy[...];
	char signal_id[...];
	double confidence;
	int64_t pnl_gross_e8, fees_e8;
	...;
} paper_trade_info;

#define PAPER_ACCOUNT_INFO_VERSION ...
typedef struct paper_account_info {
	unsigned int version;
	paper_ts ts;
	double starting_cash;
	double cash;
	double equity;
	double long_value;
	double short_value;
	double realized_pnl;
	double unrealized_pnl;
	double fees;
	double buying_power;
	double day_start_equity;
	uint64_t open_orders;
	uint64_t open_positions;
	uint64_t fills;
	uint64_t closed_trades;
	uint64_t rejections;
	bool halted;
	int64_t starting_cash_e8, cash_e8, realized_pnl_e8, fees_e8;
	...;
} paper_account_info;

#define PAPER_EQUITY_INFO_VERSION ...
typedef struct paper_equity_info {
	unsigned int version;
	paper_ts ts;
	double equity;
	double cash;
	int64_t equity_e8, cash_e8;
	...;
} paper_equity_info;

typedef enum paper_event_type {
	PAPER_EVENT_ORDER_ACCEPTED, PAPER_EVENT_ORDER_REJECTED, PAPER_EVENT_ORDER_CANCELLED,
	PAPER_EVENT_ORDER_EXPIRED, PAPER_EVENT_ORDER_REPLACED, PAPER_EVENT_FILL,
	PAPER_EVENT_TRADE_CLOSED, PAPER_EVENT_SNAPSHOT, PAPER_EVENT_HALT,
	PAPER_EVENT_ORDER_TRIGGERED, PAPER_EVENT_ACCOUNT_RESTORED,
	PAPER_EVENT_POSITION_RESTORED, ...
} paper_event_type;

#define PAPER_EVENT_VERSION ...
typedef struct paper_event {
	unsigned int version;
	paper_event_type type;
	uint64_t seq;
	paper_ts ts;
	uint64_t order_id;
	const char *symbol;
	paper_side side;
	double qty;
	double price;
	double fee;
	int reason;
	double equity;
	...;
} paper_event;

const char *paper_event_type_str(paper_event_type type);
typedef void (*paper_event_cb)(const paper_event *event, void *payload);

int paper_broker_new(paper_broker **out, const paper_config *cfg);
void paper_broker_free(paper_broker *b);
int paper_broker_submit(paper_broker *b, const paper_order_request *req, uint64_t *order_id_out);
int paper_broker_close_position(paper_broker *b, const char *symbol, paper_exit_reason reason,
				uint64_t *order_id_out);
int paper_broker_cancel_all(paper_broker *b, const char *symbol);

typedef enum paper_exit_style {
	PAPER_EXIT_STYLE_MARKET, PAPER_EXIT_STYLE_LIMIT, PAPER_EXIT_STYLE_STOP, ...
} paper_exit_style;

#define PAPER_EXIT_REQUEST_VERSION ...
typedef struct paper_exit_request {
	unsigned int version;
	const char *symbol;
	double qty;
	double price;
	paper_exit_style style;
	paper_exit_reason reason;
	paper_fill_reason fill_reason;
	uint32_t flags;
	double alt_price;
	...;
} paper_exit_request;

int paper_broker_exit_at(paper_broker *b, const paper_exit_request *req, uint64_t *order_id_out);
int paper_broker_cancel(paper_broker *b, uint64_t order_id);
int paper_broker_replace(paper_broker *b, uint64_t order_id, double qty, double limit_price,
			 double stop_price);
int paper_broker_on_quote(paper_broker *b, const char *symbol, paper_ts ts, double bid,
			  double ask, double last);
int paper_broker_on_bar(paper_broker *b, const char *symbol, paper_ts ts, double open,
			double high, double low, double close, double volume);
int paper_broker_mark(paper_broker *b, const char *symbol, paper_ts ts, double price);
int paper_broker_snapshot(paper_broker *b);
int paper_broker_set_halted(paper_broker *b, bool halted);
int paper_broker_set_event_callback(paper_broker *b, paper_event_cb cb, void *payload);
#define PAPER_LOG_LINE_VERSION ...
typedef struct paper_log_line {
	unsigned int version;
	paper_ts ts;
	const char *time;
	const char *kind;
	const char *text;
	const char *account;
	...;
} paper_log_line;
typedef void (*paper_log_cb)(const paper_log_line *line, void *payload);
int paper_broker_set_log_callback(paper_broker *b, paper_log_cb cb, void *payload);
int paper_broker_account(const paper_broker *b, paper_account_info *out);
int paper_broker_position(const paper_broker *b, const char *symbol, paper_position_info *out);
size_t paper_broker_position_count(const paper_broker *b);
int paper_broker_position_at(const paper_broker *b, size_t index, paper_position_info *out);
int paper_broker_order(const paper_broker *b, uint64_t order_id, paper_order_info *out);
size_t paper_broker_open_order_count(const paper_broker *b);
int paper_broker_open_order_at(const paper_broker *b, size_t index, paper_order_info *out);
size_t paper_broker_trade_count(const paper_broker *b);
int paper_broker_trade_at(const paper_broker *b, size_t index, paper_trade_info *out);
size_t paper_broker_fill_count(const paper_broker *b);
int paper_broker_fill_at(const paper_broker *b, size_t index, paper_fill_info *out);
size_t paper_broker_equity_count(const paper_broker *b);
int paper_broker_equity_at(const paper_broker *b, size_t index, paper_equity_info *out);

/* ---- instrument.h ---- */
typedef enum paper_asset_class {
	PAPER_ASSET_EQUITY, PAPER_ASSET_CRYPTO, PAPER_ASSET_FUTURE, PAPER_ASSET_OPTION, ...
} paper_asset_class;
typedef enum paper_option_right {
	PAPER_RIGHT_NONE, PAPER_RIGHT_CALL, PAPER_RIGHT_PUT, ...
} paper_option_right;
typedef enum paper_settlement { PAPER_SETTLEMENT_CASH, ... } paper_settlement;
typedef enum paper_instrument_origin {
	PAPER_INSTRUMENT_DEFAULT, PAPER_INSTRUMENT_DEFINED, PAPER_INSTRUMENT_OCC, ...
} paper_instrument_origin;

#define PAPER_INSTRUMENT_SPEC_VERSION ...
typedef struct paper_instrument_spec {
	unsigned int version;
	paper_asset_class asset_class;
	double multiplier;
	double tick_size;
	double lot_size;
	double min_qty;
	paper_ts expiry;
	char underlying[...];
	paper_option_right right;
	double strike;
	paper_settlement settlement;
	double initial_margin;
	paper_instrument_origin origin;
	...;
} paper_instrument_spec;

const char *paper_asset_class_str(paper_asset_class cls);
const char *paper_option_right_str(paper_option_right right);
const char *paper_settlement_str(paper_settlement settlement);
int paper_asset_class_parse(const char *name, paper_asset_class *out);
int paper_occ_parse(const char *symbol, paper_instrument_spec *out);
int paper_broker_define_instrument(paper_broker *b, const char *symbol,
				   const paper_instrument_spec *spec);
int paper_broker_instrument(const paper_broker *b, const char *symbol, paper_instrument_spec *out);
int paper_broker_settle_expired(paper_broker *b, paper_ts ts);

/* ---- metrics.h ---- */
static const double PAPER_PERIODS_PER_YEAR_DAILY;
static const double PAPER_PERIODS_PER_YEAR_HOURLY;
static const double PAPER_PERIODS_PER_YEAR_CRYPTO_DAILY;
static const double PAPER_PERIODS_PER_YEAR_FROM_DATA;
#define PAPER_METRICS_RESAMPLE_DAILY ...

typedef enum paper_years_basis { PAPER_YEARS_PERIODS, PAPER_YEARS_CALENDAR, ... } paper_years_basis;
typedef enum paper_pnl_basis { PAPER_PNL_NET, PAPER_PNL_GROSS, ... } paper_pnl_basis;
typedef enum paper_win_rate_basis {
	PAPER_WIN_RATE_ALL_TRADES, PAPER_WIN_RATE_DECIDED, ...
} paper_win_rate_basis;

#define PAPER_METRICS_OPTIONS_VERSION ...
typedef struct paper_metrics_options {
	unsigned int version;
	double periods_per_year;
	double risk_free;
	double required_return;
	unsigned int ddof;
	paper_years_basis years_basis;
	paper_ts resample_period;
	double breakeven_band;
	paper_win_rate_basis win_rate_basis;
	paper_pnl_basis pnl_basis;
	...;
} paper_metrics_options;
int paper_metrics_options_init(paper_metrics_options *opts, unsigned int version);

int paper_simple_returns(double *out, const double *values, size_t n);
int paper_sharpe_ratio(double *out, const double *returns, size_t n, double risk_free,
		       double periods_per_year);
int paper_sortino_ratio(double *out, const double *returns, size_t n, double required_return,
			double periods_per_year);
int paper_downside_risk(double *out, const double *returns, size_t n, double required_return,
			double periods_per_year);
int paper_annual_volatility(double *out, const double *returns, size_t n,
			    double periods_per_year);
int paper_annual_return(double *out, const double *returns, size_t n, double periods_per_year);
int paper_cagr(double *out, const double *returns, size_t n, double periods_per_year);
int paper_max_drawdown(double *out, const double *returns, size_t n);
int paper_calmar_ratio(double *out, const double *returns, size_t n, double periods_per_year);
int paper_alpha_beta(double *alpha_out, double *beta_out, const double *returns,
		     const double *benchmark, size_t n, double risk_free, double periods_per_year);
int paper_alpha(double *out, const double *returns, const double *benchmark, size_t n,
		double risk_free, double periods_per_year);
int paper_beta(double *out, const double *returns, const double *benchmark, size_t n);
int paper_excess_sharpe(double *out, const double *returns, const double *benchmark, size_t n);
int paper_information_ratio(double *out, const double *returns, const double *benchmark,
			    size_t n);
int paper_omega_ratio(double *out, const double *returns, size_t n, double risk_free,
		      double required_return, double periods_per_year);
int paper_tail_ratio(double *out, const double *returns, size_t n);
int paper_value_at_risk(double *out, const double *returns, size_t n, double cutoff);
int paper_conditional_value_at_risk(double *out, const double *returns, size_t n, double cutoff);
int paper_stability_of_timeseries(double *out, const double *returns, size_t n);
int paper_skew(double *out, const double *returns, size_t n);
int paper_kurtosis(double *out, const double *returns, size_t n);
int paper_periods_per_year_from_calendar(double *out, const paper_ts *ts, size_t n);
int paper_probabilistic_sharpe_ratio(double *out, const double *returns, size_t n,
				     double benchmark_sharpe);
int paper_min_track_record_length(double *out, const double *returns, size_t n,
				  double benchmark_sharpe, double confidence);

typedef struct paper_series_acc paper_series_acc;
int paper_series_acc_new(paper_series_acc **out, const paper_metrics_options *opts);
void paper_series_acc_free(paper_series_acc *acc);
void paper_series_acc_reset(paper_series_acc *acc);
int paper_series_acc_add_return(paper_series_acc *acc, double r);
int paper_series_acc_add_returns(paper_series_acc *acc, const double *returns, size_t n);
int paper_series_acc_add_equity(paper_series_acc *acc, paper_ts ts, double equity);
int paper_series_acc_add_equity_array(paper_series_acc *acc, const paper_ts *ts,
				      const double *equity, size_t n);
int paper_series_acc_get(const paper_series_acc *acc, const char *key, double *out);

typedef struct paper_metrics paper_metrics;
typedef enum paper_metrics_group {
	PAPER_METRICS_BY_SYMBOL, PAPER_METRICS_BY_STRATEGY, ...
} paper_metrics_group;

#define PAPER_EQUITY_POINT_VERSION ...
typedef struct paper_equity_point {
	unsigned int version;
	paper_ts ts;
	double equity;
	double cash;
	double drawdown;
	...;
} paper_equity_point;

int paper_metrics_from_broker(paper_metrics **out, const paper_broker *b,
			      const paper_metrics_options *opts);
int paper_metrics_with_benchmark(paper_metrics **out, const paper_metrics *m, const paper_ts *ts,
				 const double *returns, size_t n);
int paper_metrics_from_arrays(paper_metrics **out, const paper_trade_info *trades,
			      size_t n_trades, const paper_ts *ts, const double *equity,
			      const double *cash, size_t n_points, const paper_metrics_options *opts);
void paper_metrics_free(paper_metrics *m);
int paper_metrics_get(const paper_metrics *m, const char *key, double *out);
size_t paper_metrics_key_count(void);
const char *paper_metrics_key_name(size_t index);
bool paper_metrics_key_is_trade(const char *key);
int paper_metrics_options_get(const paper_metrics *m, paper_metrics_options *out);
size_t paper_metrics_group_count(const paper_metrics *m, paper_metrics_group group);
const char *paper_metrics_group_name(const paper_metrics *m, paper_metrics_group group,
				     size_t index);
int paper_metrics_group_get(const paper_metrics *m, paper_metrics_group group, const char *name,
			    const char *key, double *out);
size_t paper_metrics_equity_count(const paper_metrics *m);
int paper_metrics_equity_at(const paper_metrics *m, size_t index, paper_equity_point *out);
size_t paper_metrics_return_count(const paper_metrics *m);
int paper_metrics_return_at(const paper_metrics *m, size_t index, double *out);
#define PAPER_METRICS_JSON_EQUITY_CURVE ...
int paper_metrics_to_json(char **out, const paper_metrics *m, unsigned int flags);
int paper_metrics_write_json(const paper_metrics *m, unsigned int flags, char *buf, size_t cap,
			     size_t *len_out);
void paper_string_free(char *s);

/* ---- ledger.h ---- */
typedef struct paper_ledger paper_ledger;
typedef enum paper_durability { PAPER_DURABLE, PAPER_BATCHED, ... } paper_durability;

#define PAPER_LEDGER_OPTIONS_VERSION ...
typedef struct paper_ledger_options {
	unsigned int version;
	paper_durability durability;
	uint32_t batch_events;
	uint32_t batch_ms;
	uint32_t busy_timeout_ms;
	bool create;
	bool read_only;
	...;
} paper_ledger_options;

int paper_ledger_location_redact(const char *location, char *buf, size_t cap, size_t *len_out);
int paper_ledger_open(paper_ledger **out, const char *location, const paper_ledger_options *opts);
void paper_ledger_close(paper_ledger *l);
int paper_ledger_flush(paper_ledger *l);
int paper_ledger_create_account(paper_ledger *l, const paper_config *cfg);
size_t paper_ledger_account_count(const paper_ledger *l);
int paper_ledger_account_name(const paper_ledger *l, size_t index, char *buf, size_t cap);
int paper_ledger_account_config(paper_ledger *l, const char *account, paper_config **out);
int paper_ledger_open_broker(paper_ledger *l, const char *account, paper_broker **out);
int paper_ledger_load_broker(paper_ledger *l, const char *account, paper_broker **out);

#define PAPER_EXPORT_ORDERS ...
#define PAPER_EXPORT_FILLS ...
#define PAPER_EXPORT_POSITIONS ...
#define PAPER_EXPORT_PNL ...
#define PAPER_EXPORT_STATE ...
#define PAPER_EXPORT_TRADES ...
#define PAPER_EXPORT_ALL ...
int paper_ledger_export(paper_ledger *l, const char *account, const char *dir, unsigned int what);
int paper_ledger_import(paper_ledger *l, const char *state_json, const char *new_account);

typedef enum paper_decision_status {
	PAPER_DECISION_PENDING, PAPER_DECISION_EXECUTED, PAPER_DECISION_SKIPPED,
	PAPER_DECISION_REJECTED, ...
} paper_decision_status;

#define PAPER_DECISION_VERSION ...
typedef struct paper_decision {
	unsigned int version;
	int64_t id;
	paper_ts created_ts;
	char symbol[...];
	paper_side side;
	double confidence;
	double take_profit;
	double stop_loss;
	char reasoning[...];
	paper_decision_status status;
	uint64_t order_id;
	double risk;
	double current_price;
	...;
} paper_decision;

int paper_ledger_decision_add(paper_ledger *l, const char *account, const paper_decision *d,
			      int64_t *id_out);
int paper_ledger_decisions_pending(paper_ledger *l, const char *account, paper_decision *out,
				   size_t cap, size_t *count);
int paper_ledger_decision_mark(paper_ledger *l, int64_t id, paper_decision_status status,
			       uint64_t order_id);
int paper_ledger_decision_mark_outcome(paper_ledger *l, int64_t id,
				       paper_decision_status status, uint64_t order_id,
				       const char *outcome);

#define PAPER_DECISION_COUNTS_VERSION ...
typedef struct paper_decision_counts {
	unsigned int version;
	uint64_t pending;
	uint64_t executed;
	uint64_t skipped;
	uint64_t rejected;
	...;
} paper_decision_counts;
int paper_ledger_decision_counts(paper_ledger *l, const char *account,
				 paper_decision_counts *out);

#define PAPER_DECISION_RECORD_VERSION ...
typedef struct paper_decision_record {
	unsigned int version;
	paper_decision decision;
	paper_ts processed_ts;
	const char *outcome;
	bool readable;
	...;
} paper_decision_record;

#define PAPER_DECISION_FILTER_VERSION ...
typedef struct paper_decision_filter {
	unsigned int version;
	paper_ts from;
	paper_ts to;
	int status;
	...;
} paper_decision_filter;

typedef int (*paper_decision_cb)(const paper_decision_record *r, void *payload);
int paper_ledger_each_decision(paper_ledger *l, const char *account,
			       const paper_decision_filter *filter, paper_decision_cb cb,
			       void *payload);

/* ---- report.h ---- */
#define PAPER_REPORT_OPTIONS_VERSION ...
typedef struct paper_report_options {
	unsigned int version;
	const char *title;
	uint32_t refresh_seconds;
	uint32_t recent_fills;
	uint32_t recent_trades;
	double periods_per_year;
	uint32_t min_trades;
	double min_win_rate;
	double min_sharpe;
	double max_drawdown;
	uint32_t max_errors;
	...;
} paper_report_options;
int paper_report_html(char **out, size_t *len_out, const paper_broker *b,
		      const paper_report_options *opts);
int paper_report_write_html(const paper_broker *b, const paper_report_options *opts,
			    const char *path);
int paper_report_tearsheet_html(char **out, size_t *len_out, const paper_metrics *m,
				const char *title);

/* ---- session.h ---- */
typedef struct paper_session paper_session;

#define PAPER_SIGNAL_VERSION ...
typedef struct paper_signal {
	unsigned int version;
	const char *symbol;
	paper_direction direction;
	double confidence;
	double risk;
	double take_profit;
	double stop_loss;
	paper_ts ts;
	const char *signal_id;
	const char *strategy;
	double ref_price;
	...;
} paper_signal;

#define PAPER_INTENT_VERSION ...
typedef struct paper_intent {
	unsigned int version;
	const char *symbol;
	paper_direction direction;
	double qty;
	double notional;
	double limit_price;
	double take_profit;
	double stop_loss;
	paper_ts max_hold;
	paper_ts ts;
	const char *signal_id;
	const char *strategy;
	...;
} paper_intent;

typedef enum paper_verdict {
	PAPER_VERDICT_TRADE, PAPER_VERDICT_DISABLED, PAPER_VERDICT_LOW_CONFIDENCE,
	PAPER_VERDICT_SYMBOL_NOT_ALLOWED, PAPER_VERDICT_POSITION_OPEN,
	PAPER_VERDICT_DUPLICATE_SIGNAL, PAPER_VERDICT_REVERSE_EXIT, PAPER_VERDICT_REVERSE_IGNORED,
	PAPER_VERDICT_SIZE_ZERO, PAPER_VERDICT_REJECTED, ...
} paper_verdict;
#define PAPER_VERDICT_COUNT ...
const char *paper_verdict_str(paper_verdict v);

int paper_session_new(paper_session **out, paper_broker *b);
void paper_session_free(paper_session *s);
paper_broker *paper_session_broker(const paper_session *s);
int paper_session_set_enabled(paper_session *s, bool enabled);
int paper_session_set_symbol_lot(paper_session *s, const char *symbol, double lot_size,
				 bool fractional);
int paper_session_should_trade(const paper_session *s, const paper_signal *sig,
			       paper_verdict *out);
int paper_session_size(const paper_session *s, const paper_signal *sig, double *qty_out);
int paper_session_enter(paper_session *s, const paper_signal *sig, paper_verdict *verdict_out,
			uint64_t *order_id_out);
int paper_session_on_signal(paper_session *s, const paper_signal *sig,
			    paper_verdict *verdict_out, uint64_t *order_id_out);
int paper_session_submit_intent(paper_session *s, const paper_intent *it,
				paper_verdict *verdict_out, uint64_t *order_id_out);
int paper_session_on_bar(paper_session *s, const char *symbol, paper_ts ts, double open,
			 double high, double low, double close, double volume);
int paper_session_check_exits(paper_session *s, paper_ts ts, const char *const *symbols,
			      const double *prices, size_t n);
int paper_session_exit(paper_session *s, const char *symbol, paper_exit_reason reason);
int paper_session_exit_all(paper_session *s, paper_exit_reason reason);

#define PAPER_SESSION_STATS_VERSION ...
typedef struct paper_session_stats {
	unsigned int version;
	uint64_t signals;
	uint64_t verdicts[...];
	uint64_t intents;
	uint64_t entries;
	uint64_t entries_filled;
	uint64_t entries_failed;
	uint64_t trades;
	uint64_t trades_missed;
	uint64_t wins;
	uint64_t losses;
	uint64_t exits[...];
	uint64_t ambiguous_trades;
	double pnl_net;
	double pnl_net_opposite_rule;
	int64_t pnl_net_e8, pnl_net_opposite_rule_e8;
	uint64_t expiry_exits;
	...;
} paper_session_stats;
int paper_session_stats_get(const paper_session *s, paper_session_stats *out);

#define PAPER_SESSION_POSITION_VERSION ...
typedef struct paper_session_position {
	unsigned int version;
	char symbol[...];
	paper_direction direction;
	double qty;
	double entry_price;
	paper_ts entry_ts;
	double market_price;
	double unrealized_pnl;
	double take_profit;
	double stop_loss;
	double trailing_stop;
	paper_ts deadline;
	...;
} paper_session_position;
size_t paper_session_position_count(const paper_session *s);
int paper_session_position_at(const paper_session *s, size_t index, paper_session_position *out);
#define PAPER_SUMMARY_EQUITY_CURVE ...
int paper_session_summary_json(const paper_session *s, unsigned int flags, char **out);

/* ---- replay.h ---- */
typedef struct paper_replay paper_replay;

#define PAPER_REPLAY_OPTIONS_VERSION ...
typedef struct paper_replay_options {
	unsigned int version;
	bool skip_bad_rows;
	bool close_at_end;
	bool daily;
	paper_ts from;
	paper_ts to;
	const char *trades_path;
	uint64_t progress_every;
	...;
} paper_replay_options;
int paper_replay_options_init(paper_replay_options *opts, unsigned int version);

#define PAPER_BAR_COLUMNS_VERSION ...
typedef struct paper_bar_columns {
	unsigned int version;
	size_t n_rows;
	const char *const *symbols;
	size_t n_symbols;
	const uint32_t *symbol;
	const paper_ts *ts;
	const double *open, *high, *low, *close;
	const double *volume;
	const int64_t *open_e8, *high_e8, *low_e8, *close_e8;
	const int64_t *volume_e8;
	...;
} paper_bar_columns;

int paper_replay_new(paper_replay **out, paper_broker *b, const paper_replay_options *opts);
void paper_replay_free(paper_replay *r);
paper_session *paper_replay_session(const paper_replay *r);
int paper_replay_add_bars_path(paper_replay *r, const char *path);

typedef enum paper_time_unit {
	PAPER_TIME_UNIT_AUTO, PAPER_TIME_UNIT_S, PAPER_TIME_UNIT_MS, PAPER_TIME_UNIT_US,
	PAPER_TIME_UNIT_NS, ...
} paper_time_unit;
#define PAPER_REPLAY_BARS_OPTIONS_VERSION ...
typedef struct paper_replay_bars_options {
	unsigned int version;
	const char *columns;
	paper_time_unit time_unit;
	const char *tz;
	bool adjusted;
	...;
} paper_replay_bars_options;
int paper_replay_bars_options_init(paper_replay_bars_options *opts, unsigned int version);
int paper_replay_add_bars_file_with(paper_replay *r, const char *path,
				    const paper_replay_bars_options *opts);
#define PAPER_REPLAY_SOURCE_INFO_VERSION ...
typedef struct paper_replay_source_info {
	unsigned int version;
	const char *name;
	const char *dialect;
	const char *report;
	uint64_t rows;
	uint64_t rows_skipped;
	uint64_t rows_empty;
	uint64_t values_rounded;
	...;
} paper_replay_source_info;
size_t paper_replay_source_count(const paper_replay *r);
int paper_replay_source_get(const paper_replay *r, size_t index, paper_replay_source_info *out);
int paper_replay_add_bar_columns(paper_replay *r, const paper_bar_columns *cols);
int paper_replay_add_signals_file(paper_replay *r, const char *path);
int paper_replay_add_signals(paper_replay *r, const paper_signal *signals, size_t n);
int paper_replay_run_until(paper_replay *r, paper_ts until);
int paper_replay_run(paper_replay *r);

#define PAPER_REPLAY_STATS_VERSION ...
typedef struct paper_replay_stats {
	unsigned int version;
	uint64_t sources;
	uint64_t symbols;
	uint64_t bars;
	uint64_t bars_out_of_range;
	uint64_t rows_skipped;
	uint64_t signals;
	uint64_t signals_skipped;
	uint64_t signals_out_of_range;
	uint64_t signals_after_data;
	uint64_t trades_written;
	paper_ts first_ts;
	paper_ts last_ts;
	...;
} paper_replay_stats;
int paper_replay_stats_get(const paper_replay *r, paper_replay_stats *out);
int paper_replay_summary_json(const paper_replay *r, unsigned int flags, char **out);

#define PAPER_DAY_INFO_VERSION ...
typedef struct paper_day_info {
	unsigned int version;
	paper_ts day;
	double start_equity;
	double end_equity;
	double pnl;
	double fees;
	uint64_t trades;
	uint64_t wins;
	uint64_t losses;
	uint64_t bars;
	uint64_t signals;
	uint64_t entries;
	uint64_t open_positions;
	int64_t start_equity_e8, end_equity_e8, fees_e8;
	...;
} paper_day_info;
size_t paper_replay_day_count(const paper_replay *r);
int paper_replay_day_at(const paper_replay *r, size_t index, paper_day_info *out);
int paper_replay_walk_forward_json(const paper_replay *r, char **out);

typedef struct paper_plan paper_plan;
int paper_plan_read(paper_plan **out, const char *path);
void paper_plan_free(paper_plan *p);
size_t paper_plan_count(const paper_plan *p);
int paper_plan_get(const paper_plan *p, size_t index, paper_intent *out);
uint64_t paper_plan_line(const paper_plan *p, size_t index);

/* ---- drift (drift.h, since 1.1) ---- */

typedef struct paper_drift paper_drift;
#define PAPER_DRIFT_OPTIONS_VERSION ...
typedef struct paper_drift_options {
	unsigned int version;
	paper_ts time_tolerance;
	bool match_by_time;
	paper_ts from;
	paper_ts to;
	...;
} paper_drift_options;
typedef enum paper_drift_kind {
	PAPER_DRIFT_MATCHED, PAPER_DRIFT_MISSED, PAPER_DRIFT_EXTRA, ...
} paper_drift_kind;
typedef enum paper_drift_match {
	PAPER_DRIFT_MATCH_NONE, PAPER_DRIFT_MATCH_SIGNAL_ID, PAPER_DRIFT_MATCH_TIME, ...
} paper_drift_match;
const char *paper_drift_kind_str(paper_drift_kind kind);
const char *paper_drift_match_str(paper_drift_match match);
#define PAPER_DRIFT_ROW_VERSION ...
typedef struct paper_drift_row {
	unsigned int version;
	paper_drift_kind kind;
	paper_drift_match match;
	char symbol[...];
	paper_direction direction;
	char signal_id[...];
	uint64_t paper_trade, backtest_trade;
	paper_ts paper_entry_ts, backtest_entry_ts;
	paper_ts paper_exit_ts, backtest_exit_ts;
	double paper_entry_price, backtest_entry_price;
	double paper_exit_price, backtest_exit_price;
	double paper_qty, backtest_qty;
	paper_exit_reason paper_reason, backtest_reason;
	double paper_pnl, backtest_pnl;
	double paper_slippage, backtest_slippage;
	double entry_delay, exit_delay;
	double entry_price_diff, exit_price_diff;
	double entry_drift_bps, exit_drift_bps;
	double qty_diff;
	double pnl_drift;
	int64_t paper_pnl_e8, backtest_pnl_e8;
	...;
} paper_drift_row;
#define PAPER_DRIFT_SUMMARY_VERSION ...
typedef struct paper_drift_summary {
	unsigned int version;
	uint64_t paper_trades, backtest_trades;
	uint64_t matched, matched_by_signal_id, matched_by_time;
	uint64_t missed, extra;
	uint64_t exit_reason_changes;
	double paper_pnl, backtest_pnl;
	double pnl_drift;
	double matched_pnl_drift;
	double missed_pnl;
	double extra_pnl;
	double mean_entry_delay, max_entry_delay;
	double mean_exit_delay, max_exit_delay;
	double mean_entry_drift_bps, mean_exit_drift_bps;
	double paper_slippage, backtest_slippage;
	double matched_paper_slippage, matched_backtest_slippage;
	int64_t paper_pnl_e8, backtest_pnl_e8, matched_pnl_drift_e8, missed_pnl_e8, extra_pnl_e8;
	paper_ts time_tolerance;
	bool match_by_time;
	...;
} paper_drift_summary;
int paper_drift_compare(paper_drift **out, const paper_broker *paper,
			const paper_broker *backtest, const paper_drift_options *opts);
void paper_drift_free(paper_drift *d);
int paper_drift_summary_get(const paper_drift *d, paper_drift_summary *out);
size_t paper_drift_row_count(const paper_drift *d);
int paper_drift_row_at(const paper_drift *d, size_t index, paper_drift_row *out);
int paper_drift_to_json(const paper_drift *d, char **out);

/* ---- the readiness gate (report.h, since 1.1) ---- */

#define PAPER_READINESS_OPTIONS_VERSION ...
typedef struct paper_readiness_options {
	unsigned int version;
	const paper_config *thresholds;
	uint64_t rejected_decisions;
	paper_ts last_rejected_decision_ts;
	const paper_drift *drift;
	...;
} paper_readiness_options;
typedef struct paper_readiness paper_readiness;
#define PAPER_READINESS_CRITERION_VERSION ...
typedef struct paper_readiness_criterion {
	unsigned int version;
	const char *id;
	const char *label;
	const char *op;
	double value;
	double threshold;
	bool pass;
	bool small_sample;
	uint64_t sample;
	const char *sample_unit;
	const char *note;
	...;
} paper_readiness_criterion;
#define PAPER_RECOMMENDATION_VERSION ...
typedef struct paper_recommendation {
	unsigned int version;
	const char *id;
	const char *text;
	double value;
	double threshold;
	...;
} paper_recommendation;
int paper_readiness_evaluate(paper_readiness **out, const paper_broker *b,
			     const paper_report_options *report,
			     const paper_readiness_options *opts);
void paper_readiness_free(paper_readiness *r);
bool paper_readiness_ready(const paper_readiness *r);
size_t paper_readiness_criterion_count(const paper_readiness *r);
int paper_readiness_criterion_at(const paper_readiness *r, size_t index,
				 paper_readiness_criterion *out);
size_t paper_readiness_recommendation_count(const paper_readiness *r);
int paper_readiness_recommendation_at(const paper_readiness *r, size_t index,
				      paper_recommendation *out);
int paper_readiness_to_json(const paper_readiness *r, char **out);

/* ---- feed.h ---- */
typedef struct paper_feed paper_feed;
typedef enum paper_feed_msg_type {
	PAPER_FEED_QUOTE, PAPER_FEED_TRADE, PAPER_FEED_BAR, PAPER_FEED_STATUS, ...
} paper_feed_msg_type;
typedef enum paper_feed_state {
	PAPER_FEED_CONNECTING, PAPER_FEED_UP, PAPER_FEED_RECONNECTING, PAPER_FEED_FAILED,
	PAPER_FEED_STOPPED, ...
} paper_feed_state;
#define PAPER_FEED_FLAG_BACKFILL ...
#define PAPER_FEED_FLAG_RECV_TIME ...
#define PAPER_FEED_TEXT_MAX ...
#define PAPER_FEED_MSG_VERSION ...
typedef struct paper_feed_msg {
	unsigned int version;
	paper_feed_msg_type type;
	char symbol[...];
	paper_ts ts;
	paper_ts recv_ts;
	double bid, ask;
	double last;
	double size;
	double open, high, low, close, volume;
	paper_ts interval;
	uint64_t seq;
	uint32_t flags;
	paper_feed_state state;
	char text[...];
	...;
} paper_feed_msg;
#define PAPER_FEED_OPTIONS_VERSION ...
typedef struct paper_feed_options {
	unsigned int version;
	const char *url;
	const char *rest_url;
	uint32_t queue_capacity;
	uint32_t connect_timeout_ms;
	uint32_t idle_timeout_ms;
	uint32_t backoff_base_ms;
	uint32_t backoff_cap_ms;
	uint64_t seed;
	uint32_t backfill_minutes;
	uint32_t max_attempts;
	...;
} paper_feed_options;
#define PAPER_FEED_HEALTH_INFO_VERSION ...
typedef struct paper_feed_health_info {
	unsigned int version;
	paper_feed_state state;
	bool connected;
	char venue[...];
	char source[...];
	paper_ts last_msg_ts;
	double last_msg_age_s;
	paper_ts last_data_ts;
	uint64_t frames;
	uint64_t messages;
	uint64_t reconnects;
	uint64_t gaps;
	uint64_t backfilled_bars;
	uint64_t duplicates;
	uint64_t out_of_order;
	uint64_t bad_messages;
	uint64_t dropped;
	uint64_t queued;
	uint64_t queue_high;
	double clock_skew_ms;
	int last_error_code;
	char last_error[...];
	...;
} paper_feed_health_info;
int paper_feed_options_init(paper_feed_options *opts, unsigned int version);
int paper_feed_check(const char *source, const paper_feed_options *opts);
int paper_feed_open(paper_feed **out, const char *source, const paper_feed_options *opts);
int paper_feed_poll(paper_feed *f, paper_feed_msg *out, int timeout_ms);
int paper_feed_poll_many(paper_feed *f, paper_feed_msg *out, size_t cap, size_t *n,
			 int timeout_ms);
int paper_feed_fd(const paper_feed *f);
int paper_feed_health(const paper_feed *f, paper_feed_health_info *out);
void paper_feed_close(paper_feed *f);
const char *paper_feed_msg_type_str(paper_feed_msg_type type);
const char *paper_feed_state_str(paper_feed_state state);

/* ---- the whole dashboard (report.h, since 1.1) ---- */
int paper_report_html_v2(char **out, size_t *len_out, const paper_broker *b,
			 const paper_report_options *opts, const paper_readiness_options *readiness,
			 const paper_feed_health_info *feeds, const paper_ts *written, size_t n_feeds);
int paper_report_write_html_v2(const paper_broker *b, const paper_report_options *opts,
			       const paper_readiness_options *readiness,
			       const paper_feed_health_info *feeds, const paper_ts *written,
			       size_t n_feeds, const char *path);

/* ---- glue of the extension module (_glue.c), not libpaper ---- */

/* Per-broker event state: the C callback paperlib installs on every broker. */
typedef struct paperlib_events {
	void *handle;          /* ffi.new_handle of the Python dispatcher, or NULL */
	uint64_t last_seq;     /* seq of the newest event */
	uint64_t reject_seq;   /* seq of the newest ORDER_REJECTED event */
	int reject_reason;     /* its paper_reject_reason */
	...;
} paperlib_events;
void paperlib_on_event(const paper_event *event, void *payload);
void paperlib_report_options_default(paper_report_options *out);
void paperlib_ledger_options_default(paper_ledger_options *out);
void paperlib_drift_options_default(paper_drift_options *out);
int paperlib_submit(paper_broker *b, paper_order_request *req, const char *symbol, int side,
		    int type, double qty, uint64_t *order_id_out);
int paperlib_on_bars(paper_broker *b, const char *const *symbols, const uint32_t *sym,
		     const int64_t *ts, const double *open, const double *high, const double *low,
		     const double *close, const double *volume, size_t from, size_t to,
		     size_t *failed);
extern "Python" void _paperlib_dispatch(const paper_event *event, void *handle);
extern "Python" void _paperlib_log(const paper_log_line *line, void *handle);
extern "Python" int _paperlib_decision(const paper_decision_record *r, void *payload);
