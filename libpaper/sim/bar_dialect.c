/*
 * Finding a bar file's dialect from its header (bar_dialect.h), and saying what was found.
 * Names are matched as the tools write them: a name in <> (Stooq), any letter case, a space or
 * '-' for '_' ("Adj Close" is adj_close); one-letter names (Polygon's t, o, h, l, c, v) only as
 * written. A name no dialect has is refused, so a typo never drops a column silently.
 */
#include "sim/bar_dialect.h"

#include <string.h>

#include "base/error.h"

static const char *const family_ids[BF__N] = {
	[BF_LIBPAPER] = "libpaper",     [BF_YAHOO] = "yahoo",     [BF_YFINANCE] = "yfinance",
	[BF_STOOQ] = "stooq",           [BF_STOOQ_INTRADAY] = "stooq-intraday",
	[BF_STOOQ_DATA] = "stooq-data", [BF_BINANCE] = "binance",
	[BF_ALPACA] = "alpaca",         [BF_POLYGON] = "polygon", [BF_POLYGON_FLAT] = "polygon-flat",
	[BF_PANDAS] = "pandas",         [BF_COLUMNS] = "columns",
};

static const char *const family_titles[BF__N] = {
	[BF_LIBPAPER] = "libpaper bars",
	[BF_YAHOO] = "Yahoo Finance daily",
	[BF_YFINANCE] = "yfinance DataFrame.to_csv",
	[BF_STOOQ] = "Stooq daily",
	[BF_STOOQ_INTRADAY] = "Stooq intraday",
	[BF_STOOQ_DATA] = "Stooq data file",
	[BF_BINANCE] = "Binance klines",
	[BF_ALPACA] = "Alpaca bars",
	[BF_POLYGON] = "Polygon aggregates",
	[BF_POLYGON_FLAT] = "Polygon flat file",
	[BF_PANDAS] = "pandas DataFrame.to_csv",
	[BF_COLUMNS] = "columns as given",
};

const char *bar_family_id(bar_family f)
{
	return (unsigned)f < BF__N ? family_ids[f] : "?";
}

/* Binance's 12 kline columns, for files without a header. */
static const char *const binance_names[12] = {
	"open_time", "open", "high", "low", "close", "volume", "close_time", "quote_volume",
	"count", "taker_buy_volume", "taker_buy_quote_volume", "ignore",
};

/* ---- names ---- */

/* How a name may be a time column. */
typedef enum time_kind { TK_NONE, TK_TS, TK_DATE, TK_TIME, TK_INDEX } time_kind;

typedef struct name_info {
	bar_role role;      /* BR__N: unknown */
	time_kind tk;
	char norm[BAR_NAME_MAX];
} name_info;

/* Written exactly so: Polygon's one- and two-letter keys. */
static const struct { const char *name; bar_role role; } exact_names[] = {
	{ "t", BR_TS }, { "o", BR_OPEN },     { "h", BR_HIGH },    { "l", BR_LOW },
	{ "c", BR_CLOSE }, { "v", BR_VOLUME }, { "vw", BR_IGNORE }, { "n", BR_IGNORE },
	{ "T", BR_SYMBOL },
};

/* Any letter case, ' ' and '-' as '_', <> around. */
static const struct { const char *name; bar_role role; } known_names[] = {
	{ "timestamp", BR_TS },  { "datetime", BR_TS },     { "open_time", BR_TS },
	{ "window_start", BR_TS }, { "date", BR_DATE },     { "time", BR_TIME },
	{ "symbol", BR_SYMBOL }, { "ticker", BR_SYMBOL },   { "open", BR_OPEN },
	{ "high", BR_HIGH },     { "low", BR_LOW },         { "close", BR_CLOSE },
	{ "volume", BR_VOLUME }, { "vol", BR_VOLUME },      { "adj_close", BR_ADJ_CLOSE },
	{ "adjclose", BR_ADJ_CLOSE }, { "adjusted_close", BR_ADJ_CLOSE }, { "per", BR_PER },
	/* Columns of the tools' files that a bar does not need. */
	{ "trade_count", BR_IGNORE }, { "vwap", BR_IGNORE }, { "transactions", BR_IGNORE },
	{ "otc", BR_IGNORE }, { "openint", BR_IGNORE }, { "dividends", BR_IGNORE },
	{ "stock_splits", BR_IGNORE }, { "capital_gains", BR_IGNORE }, { "close_time", BR_IGNORE },
	{ "quote_volume", BR_IGNORE }, { "quote_asset_volume", BR_IGNORE }, { "count", BR_IGNORE },
	{ "number_of_trades", BR_IGNORE }, { "taker_buy_volume", BR_IGNORE },
	{ "taker_buy_base_asset_volume", BR_IGNORE }, { "taker_buy_quote_volume", BR_IGNORE },
	{ "taker_buy_quote_asset_volume", BR_IGNORE }, { "ignore", BR_IGNORE },
};

static void normalize(const char *name, char *out)
{
	const char *s = name, *e = name + strlen(name);
	while (s < e && *s == ' ')
		s++;
	while (e > s && e[-1] == ' ')
		e--;
	if (e - s >= 2 && *s == '<' && e[-1] == '>')
		s++, e--;
	size_t n = 0;
	for (; s < e && n < BAR_NAME_MAX - 1; s++)
		out[n++] = *s == ' ' || *s == '-' ? '_' : g_ascii_tolower(*s);
	out[n] = '\0';
}

static name_info classify(const char *name, size_t index)
{
	name_info ni = { .role = BR__N, .tk = TK_NONE };
	normalize(name, ni.norm);
	for (size_t i = 0; i < G_N_ELEMENTS(exact_names); i++)
		if (strcmp(name, exact_names[i].name) == 0)
			ni.role = exact_names[i].role;
	for (size_t i = 0; i < G_N_ELEMENTS(known_names) && ni.role == BR__N; i++)
		if (strcmp(ni.norm, known_names[i].name) == 0)
			ni.role = known_names[i].role;
	if (ni.norm[0] == '\0')
		ni.role = BR_IGNORE; /* an unnamed column: pandas' index when it is the first */
	ni.tk = ni.role == BR_TS ? TK_TS : ni.role == BR_DATE ? TK_DATE : ni.role == BR_TIME ? TK_TIME
		: ni.norm[0] == '\0' && index == 0 ? TK_INDEX : TK_NONE;
	return ni;
}

/* ---- --columns ---- */

static const struct { const char *word; bar_role role; } role_words[] = {
	{ "ts", BR_TS },         { "timestamp", BR_TS },   { "date", BR_DATE },   { "time", BR_TIME },
	{ "symbol", BR_SYMBOL }, { "open", BR_OPEN },      { "high", BR_HIGH },   { "low", BR_LOW },
	{ "close", BR_CLOSE },   { "volume", BR_VOLUME },  { "adj_close", BR_ADJ_CLOSE },
};

/* Each "role=Name" of text into names[role]; PAPER_EINVAL with the reason. */
static int parse_columns(const char *text, char names[BR__N][BAR_NAME_MAX])
{
	memset(names, 0, BR__N * BAR_NAME_MAX);
	char **parts = g_strsplit(text, ",", -1);
	int rc = parts[0] ? PAPER_OK : paper__error(PAPER_EINVAL, "columns: empty");
	for (char **p = parts; *p && rc == PAPER_OK; p++) {
		const char *eq = strchr(*p, '=');
		size_t wl = eq ? (size_t)(eq - *p) : 0;
		size_t k = 0;
		while (k < G_N_ELEMENTS(role_words) &&
		       (strlen(role_words[k].word) != wl || strncmp(role_words[k].word, *p, wl) != 0))
			k++;
		if (eq == NULL || k == G_N_ELEMENTS(role_words)) {
			rc = paper__error(PAPER_EINVAL, "columns: '%s' is not ROLE=NAME with a ROLE of ts, "
					  "date, time, symbol, open, high, low, close, volume, adj_close",
					  *p);
		} else if (eq[1] == '\0' || strlen(eq + 1) >= BAR_NAME_MAX) {
			rc = paper__error(PAPER_EINVAL, "columns: '%s': the column name must have 1 to %d "
					  "characters", *p, BAR_NAME_MAX - 1);
		} else if (names[role_words[k].role][0]) {
			rc = paper__error(PAPER_EINVAL, "columns: %s given twice", role_words[k].word);
		} else {
			g_strlcpy(names[role_words[k].role], eq + 1, BAR_NAME_MAX);
		}
	}
	g_strfreev(parts);
	if (rc == PAPER_OK && names[BR_TS][0] && (names[BR_DATE][0] || names[BR_TIME][0]))
		rc = paper__error(PAPER_EINVAL, "columns: give ts, or date and time, not both");
	if (rc == PAPER_OK && !names[BR_DATE][0] != !names[BR_TIME][0])
		rc = paper__error(PAPER_EINVAL, "columns: date and time go together (or give ts)");
	return rc;
}

int bar_columns_check(const char *columns)
{
	char names[BR__N][BAR_NAME_MAX];
	return parse_columns(columns, names);
}

/* ---- the header ---- */

/* The header's names, copied: a later read may move the buffer the line was in. */
typedef struct header {
	char name[CSV_MAX_FIELDS][BAR_NAME_MAX];
	name_info ni[CSV_MAX_FIELDS];
	size_t n;
	bool headerless, yf_multilevel;
	char ticker[BAR_NAME_MAX];
} header;

static int header_error(const char *path, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static int header_error(const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *why = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	int rc = paper__error(PAPER_EFORMAT, "%s:1: header: %s", path, why);
	g_free(why);
	return rc;
}

static bool all_digits(csv_field f)
{
	for (size_t i = 0; i < f.n; i++)
		if ((unsigned)(f.s[i] - '0') > 9u)
			return false;
	return f.n > 0;
}

/*
 * yfinance's download().to_csv() writes three header lines: Price,<fields...> then
 * Ticker,<ticker per field> then Date (or Datetime) and empty fields. One ticker per file.
 */
static int read_yf_lines(header *h, csv_reader *csv, const char *path)
{
	const char *line;
	size_t len;
	csv_field t[CSV_MAX_FIELDS], d[CSV_MAX_FIELDS];
	int got = csv_next(csv, &line, &len);
	if (got <= 0)
		return got < 0 ? got : header_error(path, "yfinance header without its Ticker line");
	size_t nt = csv_split(line, len, t, CSV_MAX_FIELDS);
	if (nt != h->n || !csv_field_is(t[0], "Ticker"))
		return header_error(path, "yfinance header: line 2 is not Ticker,<one per column>");
	for (size_t i = 1; i < nt; i++) {
		if (t[i].n == 0 || t[i].n >= BAR_NAME_MAX)
			return header_error(path, "yfinance header: an empty or long ticker");
		if (i > 1 && (t[i].n != t[1].n || memcmp(t[i].s, t[1].s, t[1].n) != 0))
			return header_error(path, "yfinance file with several tickers (%.*s, %.*s): one "
					    "ticker per file, e.g. df.xs('%.*s', axis=1, level=1).to_csv()",
					    (int)t[1].n, t[1].s, (int)t[i].n, t[i].s, (int)t[1].n, t[1].s);
	}
	memcpy(h->ticker, t[1].s, t[1].n);
	h->ticker[t[1].n] = '\0';
	/* The ticker line's text is gone after the next read: keep what is needed. */
	got = csv_next(csv, &line, &len);
	if (got <= 0)
		return got < 0 ? got : header_error(path, "yfinance header without its Date line");
	size_t nd = csv_split(line, len, d, CSV_MAX_FIELDS);
	bool empty = nd == h->n;
	for (size_t i = 1; i < nd && empty; i++)
		empty = d[i].n == 0;
	if (!empty || !(csv_field_is(d[0], "Date") || csv_field_is(d[0], "Datetime")))
		return header_error(path, "yfinance header: line 3 is not Date (or Datetime) and "
				    "empty fields");
	g_strlcpy(h->name[0], csv_field_is(d[0], "Date") ? "Date" : "Datetime", BAR_NAME_MAX);
	h->ni[0] = classify(h->name[0], 0);
	return PAPER_OK;
}

/* ---- the layout ---- */

static void set_names(bar_layout *L, const header *h)
{
	L->names = g_malloc0((h->n ? h->n : 1) * BAR_NAME_MAX);
	memcpy(L->names, h->name, h->n * BAR_NAME_MAX);
	L->n_fields = (uint8_t)h->n;
}

static bool has_norm(const header *h, const char *norm)
{
	for (size_t i = 0; i < h->n; i++)
		if (strcmp(h->ni[i].norm, norm) == 0)
			return true;
	return false;
}

static bool has_exact(const header *h, const char *name)
{
	for (size_t i = 0; i < h->n; i++)
		if (strcmp(h->name[i], name) == 0)
			return true;
	return false;
}

/* Only libpaper's own names, as libpaper writes them? */
static bool libpaper_names(const header *h)
{
	static const char *const own[] = { "timestamp", "symbol", "open", "high", "low", "close",
					   "volume" };
	for (size_t i = 0; i < h->n; i++) {
		size_t k = 0;
		while (k < G_N_ELEMENTS(own) && strcmp(h->name[i], own[k]) != 0)
			k++;
		if (k == G_N_ELEMENTS(own))
			return false;
	}
	return true;
}

/* Exactly Date,[Time,]Open,High,Low,Close[,Volume] (Stooq's download: daily, or intraday
 * with a time of day). */
static bool stooq_names(const header *h)
{
	static const char *const st[] = { "Date", "Time", "Open", "High", "Low", "Close", "Volume" };
	size_t skip = h->n >= 2 && strcmp(h->name[1], "Time") == 0 ? 0 : 1;
	if (h->n + skip != 6 && h->n + skip != 7)
		return false;
	for (size_t i = 0; i < h->n; i++)
		if (strcmp(h->name[i], st[i == 0 ? 0 : i + skip]) != 0)
			return false;
	return true;
}

static bar_family family_of(const header *h, const bar_layout *L)
{
	if (h->headerless)
		return BF_BINANCE;
	if (h->yf_multilevel)
		return BF_YFINANCE;
	if (L->columns_given)
		return BF_COLUMNS;
	for (size_t i = 0; i < h->n; i++)
		if (h->name[i][0] == '<')
			return BF_STOOQ_DATA;
	if (has_norm(h, "open_time"))
		return BF_BINANCE;
	if (has_norm(h, "window_start"))
		return BF_POLYGON_FLAT;
	if (has_exact(h, "t") || has_exact(h, "c"))
		return BF_POLYGON;
	if (has_norm(h, "trade_count") || has_norm(h, "vwap"))
		return BF_ALPACA;
	/* Yahoo's download has dates only; yfinance writes Adj Close too (auto_adjust=False),
	 * with times and offsets, or with its Dividends and Stock Splits. */
	if (has_norm(h, "dividends") || has_norm(h, "stock_splits"))
		return BF_YFINANCE;
	if (L->col[BR_ADJ_CLOSE] >= 0)
		return L->first_shape == TSH_DATE || L->first_shape == TSH_NONE ? BF_YAHOO
			: L->first_shape == TSH_EPOCH ? BF_PANDAS : BF_YFINANCE;
	/* libpaper's names with its own time forms: its exact format (numbers refused past the
	 * 8th decimal, all six columns). With pandas' times the same names are a DataFrame's. */
	if (libpaper_names(h) && (L->first_shape == TSH_NONE || L->first_shape == TSH_EPOCH ||
				  L->first_iso_z))
		return BF_LIBPAPER;
	if (stooq_names(h) && L->first_shape == TSH_DATE)
		return L->col[BR_TIME] >= 0 ? BF_STOOQ_INTRADAY : BF_STOOQ;
	return BF_PANDAS;
}

/* The time column(s): one of timestamp-like, or a date with a time, or pandas' index. */
static int place_time(bar_layout *L, header *h, const char *path)
{
	int ts = -1, date = -1, tod = -1, index = -1, n_ts = 0;
	for (size_t i = 0; i < h->n; i++) {
		int c = (int)i;
		switch (h->ni[i].tk) {
		case TK_TS:
			n_ts++, ts = ts < 0 ? c : ts;
			break;
		case TK_DATE:
			date = c;
			break;
		case TK_TIME:
			tod = c;
			break;
		case TK_INDEX:
			index = c;
			break;
		case TK_NONE:
			break;
		}
	}
	if (n_ts > 1 || (ts >= 0 && date >= 0)) {
		int other = ts + 1;
		while (h->ni[other].tk != TK_TS && h->ni[other].tk != TK_DATE)
			other++;
		int first = date >= 0 && date < ts ? date : ts;
		return header_error(path, "two time columns ('%s', '%s'): name the one to use with "
				    "--columns ts=NAME", h->name[first], h->name[first == ts ? other : ts]);
	}
	if (ts < 0 && date >= 0 && tod >= 0) {
		L->col[BR_DATE] = (int8_t)date;
		L->col[BR_TIME] = (int8_t)tod;
		return PAPER_OK;
	}
	ts = ts >= 0 ? ts : date >= 0 ? date : tod >= 0 ? tod : index;
	if (ts < 0)
		return header_error(path, "no time column (timestamp, Date, Datetime, open_time, "
				    "window_start, t, or give --columns ts=NAME)");
	L->col[BR_TS] = (int8_t)ts;
	return PAPER_OK;
}

/* A --columns name: exactly as written in the header, else in any letter case. */
static int find_column(const header *h, const char *name)
{
	int found = -1;
	for (size_t i = 0; i < h->n; i++)
		if (strcmp(h->name[i], name) == 0)
			return (int)i;
	for (size_t i = 0; i < h->n; i++)
		if (g_ascii_strcasecmp(h->name[i], name) == 0)
			found = (int)i;
	return found;
}

static int apply_columns(bar_layout *L, header *h, const char *path, const char *columns)
{
	char names[BR__N][BAR_NAME_MAX];
	int rc = parse_columns(columns, names);
	if (rc != PAPER_OK)
		return rc;
	for (int r = 0; r < BR__N; r++) {
		if (names[r][0] == '\0')
			continue;
		int c = find_column(h, names[r]);
		if (c < 0) {
			GString *all = g_string_new(NULL);
			for (size_t i = 0; i < h->n; i++)
				g_string_append_printf(all, "%s%s", i ? ", " : "", h->name[i]);
			rc = header_error(path, "no column '%s' (--columns); the columns are %s",
					  names[r], all->str);
			g_string_free(all, TRUE);
			return rc;
		}
		if (L->col[r] >= 0 || L->role[c] != BR__N)
			return header_error(path, "column '%s' given for two roles", names[r]);
		L->col[r] = (int8_t)c;
		L->role[c] = (int8_t)r;
	}
	/* Only the columns given are times: no other may compete with them. */
	bool time_given = L->col[BR_TS] >= 0 || L->col[BR_DATE] >= 0;
	for (size_t i = 0; i < h->n; i++)
		if (L->role[i] == BR__N && (time_given ? h->ni[i].tk != TK_NONE : false))
			L->role[i] = BR_IGNORE;
	return PAPER_OK;
}

/* Roles of the named columns; unknown and repeated names are refused (ignored with --columns). */
static int map_names(bar_layout *L, header *h, const char *path)
{
	for (size_t i = 0; i < h->n; i++) {
		for (size_t j = 0; j < i; j++)
			if (h->name[i][0] && strcmp(h->name[i], h->name[j]) == 0)
				return header_error(path, "repeated column '%s'", h->name[i]);
		if (L->role[i] != BR__N)
			continue; /* given by --columns */
		bar_role role = h->ni[i].role;
		if (role == BR__N && !L->columns_given)
			return header_error(path, "unknown column '%s' (the columns are timestamp, open, "
					    "high, low, close, volume and optionally symbol, or those of a "
					    "dialect of docs/formats.md; --columns ROLE=NAME maps columns "
					    "and ignores the others)", L->names[i]);
		if (role == BR__N || h->ni[i].tk != TK_NONE)
			role = BR_IGNORE; /* times are placed by place_time() */
		if (role != BR_IGNORE && L->col[role] >= 0) {
			if (!L->columns_given)
				return header_error(path, "repeated column '%s'", L->names[i]);
			role = BR_IGNORE; /* the role went to a column --columns named */
		}
		L->role[i] = (int8_t)role;
		if (role != BR_IGNORE)
			L->col[role] = (int8_t)i;
	}
	return PAPER_OK;
}

static void note_ignored(bar_layout *L)
{
	L->ignored = g_string_new(NULL);
	for (size_t i = 0; i < L->n_fields; i++) {
		if (L->role[i] != BR_IGNORE && !(L->role[i] == BR_ADJ_CLOSE && !L->adjusted))
			continue;
		if (L->role[i] == BR_ADJ_CLOSE)
			continue; /* said on its own */
		g_string_append_printf(L->ignored, "%s%s", L->ignored->len ? ", " : "",
				       L->names[i][0] ? L->names[i] : i == 0 ? "the unnamed index"
				       : "an unnamed column");
	}
}

static int check_required(bar_layout *L, const char *path)
{
	static const char *const own[] = { "timestamp", "symbol", "open", "high", "low", "close",
					   "volume" };
	if (L->adjusted && L->col[BR_ADJ_CLOSE] < 0)
		return header_error(path, "--adjusted needs an adjusted close column (Adj Close)");
	if (L->family == BF_LIBPAPER) {
		for (int r = BR_TS; r <= BR_VOLUME; r++)
			if (r != BR_SYMBOL && L->col[r] < 0)
				return header_error(path, "no '%s' column", own[r]);
		return PAPER_OK;
	}
	if (L->col[BR_CLOSE] < 0)
		return header_error(path, "no close column (close, Close, c, <CLOSE>, or give "
				    "--columns close=NAME)");
	int ohl = (L->col[BR_OPEN] >= 0) + (L->col[BR_HIGH] >= 0) + (L->col[BR_LOW] >= 0);
	if (ohl != 0 && ohl != 3)
		return header_error(path, "open, high and low go together (%s is missing); a file "
				    "with closes only has none of them", L->col[BR_OPEN] < 0 ? "open"
				    : L->col[BR_HIGH] < 0 ? "high" : "low");
	L->has_ohl = ohl == 3;
	return PAPER_OK;
}

/* The shape of the first row's time, without reading it for good. */
static int peek_first_shape(bar_layout *L, csv_reader *csv)
{
	const char *line;
	size_t len;
	int got = csv_next(csv, &line, &len);
	if (got <= 0)
		return got;
	csv_field f[CSV_MAX_FIELDS];
	size_t n = csv_split(line, len, f, CSV_MAX_FIELDS);
	int c = L->col[BR_TS] >= 0 ? L->col[BR_TS] : L->col[BR_DATE];
	if (c >= 0 && (size_t)c < n && n <= CSV_MAX_FIELDS) {
		L->first_shape = ts_shape_of(f[c].s, f[c].n);
		/* libpaper's own ISO form, as against pandas' 2024-01-02 14:30:00+00:00 */
		L->first_iso_z = L->first_shape == TSH_ZONED && f[c].n >= 20 && f[c].s[10] == 'T' &&
				 f[c].s[f[c].n - 1] == 'Z';
	}
	csv_unread(csv, line);
	return PAPER_OK;
}

static int read_header(header *h, csv_reader *csv, const char *path, const char **first_line)
{
	const char *line;
	size_t len;
	int got = csv_next(csv, &line, &len);
	if (got == 0)
		return paper__error(PAPER_EFORMAT, "%s: empty file: no header line", path);
	if (got < 0)
		return got;
	csv_field f[CSV_MAX_FIELDS];
	h->n = csv_split(line, len, f, CSV_MAX_FIELDS);
	if (h->n > CSV_MAX_FIELDS)
		return header_error(path, "%zu columns, at most %d", h->n, CSV_MAX_FIELDS);
	if (memchr(line, '"', len))
		return header_error(path, "quoted names: libpaper reads CSV without quotes (write the "
				    "file without quoting, e.g. pandas' default quoting)");
	*first_line = line;
	h->headerless = all_digits(f[0]) && h->n > 1;
	if (h->headerless && h->n != 12)
		return header_error(path, "no header line (the first line holds numbers); a file "
				    "without a header must be Binance's 12 kline columns, this line "
				    "has %zu", h->n);
	for (size_t i = 0; i < h->n; i++) {
		if (f[i].n >= BAR_NAME_MAX)
			return header_error(path, "a column name longer than %d characters",
					    BAR_NAME_MAX - 1);
		if (h->headerless)
			g_strlcpy(h->name[i], binance_names[i], BAR_NAME_MAX);
		else
			memcpy(h->name[i], f[i].s, f[i].n), h->name[i][f[i].n] = '\0';
		h->ni[i] = classify(h->name[i], i);
	}
	return PAPER_OK;
}

int bar_dialect_detect(bar_layout *L, csv_reader *csv, const char *path, const bar_request *req)
{
	header h = { .n = 0 };
	const char *first = NULL;
	*L = (bar_layout){ .header_lines = 1, .unit = req->unit, .adjusted = req->adjusted,
			   .columns_given = req->columns != NULL, .tz.day = INT64_MIN };
	memset(L->role, BR__N, sizeof L->role);
	memset(L->col, -1, sizeof L->col);
	int rc = read_header(&h, csv, path, &first);
	if (rc == PAPER_OK && h.headerless) {
		L->header_lines = 0;
		csv_unread(csv, first);
	} else if (rc == PAPER_OK && strcmp(h.name[0], "Price") == 0 && h.n > 1) {
		h.yf_multilevel = true;
		L->header_lines = 3;
		rc = read_yf_lines(&h, csv, path);
	}
	if (rc != PAPER_OK)
		return rc;
	set_names(L, &h);
	if (req->columns)
		rc = apply_columns(L, &h, path, req->columns);
	if (rc == PAPER_OK)
		rc = map_names(L, &h, path);
	if (rc == PAPER_OK && L->col[BR_TS] < 0 && L->col[BR_DATE] < 0)
		rc = place_time(L, &h, path);
	if (rc == PAPER_OK && L->col[BR_TS] >= 0)
		L->role[L->col[BR_TS]] = BR_TS;
	if (rc == PAPER_OK && L->col[BR_DATE] >= 0) {
		L->role[L->col[BR_DATE]] = BR_DATE;
		L->role[L->col[BR_TIME]] = BR_TIME;
	}
	if (rc == PAPER_OK)
		rc = peek_first_shape(L, csv);
	if (rc != PAPER_OK)
		return rc;
	L->family = family_of(&h, L);
	L->rounding = L->family != BF_LIBPAPER;
	L->symbol_prefix = L->family == BF_BINANCE && L->col[BR_SYMBOL] < 0;
	rc = check_required(L, path);
	if (rc == PAPER_OK && req->tz) {
		rc = tz_local_open(&L->tz, req->tz);
		L->has_tz = rc == PAPER_OK;
	}
	if (rc == PAPER_OK)
		note_ignored(L);
	if (rc == PAPER_OK && h.yf_multilevel)
		g_string_append_printf(L->ignored, "%sthe Ticker line (%s)", L->ignored->len ? ", "
				       : "", h.ticker);
	return rc;
}

void bar_layout_clear(bar_layout *L)
{
	g_free(L->names);
	if (L->ignored)
		g_string_free(L->ignored, TRUE);
	tz_local_close(&L->tz);
	g_free(L->report);
	memset(L, 0, sizeof *L);
}

/* ---- the report ---- */

static void describe_time(GString *g, const bar_layout *L)
{
	const char *zone = L->has_tz ? L->tz.name : "UTC";
	if (L->col[BR_DATE] >= 0 && L->shape != TSH_NONE) {
		if (L->per[0])
			g_string_append_printf(g, "period %s, ", L->per);
		if (L->per_daily)
			g_string_append_printf(g, "dates at 00:00 %s", zone);
		else
			g_string_append_printf(g, "date and time columns, local times in %s", zone);
		return;
	}
	switch (L->shape) {
	case TSH_NONE:
		g_string_append(g, "no row read");
		return;
	case TSH_EPOCH:
		g_string_append_printf(g, "epoch %s%s", L->epoch_unit == TS_UNIT_S ? "seconds"
				       : L->epoch_unit == TS_UNIT_MS ? "milliseconds"
				       : L->epoch_unit == TS_UNIT_US ? "microseconds" : "nanoseconds",
				       L->unit != TS_UNIT_AUTO ? " (as asked)" : " (by the number of digits)");
		return;
	case TSH_DATE:
		g_string_append_printf(g, "dates at 00:00 %s", zone);
		return;
	case TSH_NAIVE:
		g_string_append_printf(g, "local times in %s", zone);
		return;
	case TSH_ZONED:
		g_string_append(g, L->iso_z ? "times ISO-8601 UTC" : "times with their UTC offset");
		return;
	}
}

static void plural(GString *g, uint64_t n, const char *one, const char *many)
{
	g_string_append_printf(g, "; %" G_GUINT64_FORMAT " %s", n, n == 1 ? one : many);
}

const char *bar_dialect_report(bar_layout *L, const bar_counts *n)
{
	GString *g = g_string_new(family_titles[L->family]);
	if (L->family == BF_BINANCE && L->header_lines == 0)
		g_string_append(g, " (no header, 12 columns)");
	g_string_append(g, ": ");
	describe_time(g, L);
	if (L->col[BR_ADJ_CLOSE] >= 0)
		g_string_append_printf(g, L->adjusted ? "; adjusted: open, high, low, close scaled by "
				       "%s / %s" : "; %s ignored (--adjusted uses it)",
				       L->names[L->col[BR_ADJ_CLOSE]], L->names[L->col[BR_CLOSE]]);
	if (L->family != BF_LIBPAPER && !L->has_ohl)
		g_string_append(g, "; closes only: open, high and low are the close");
	if (L->family != BF_LIBPAPER && L->col[BR_VOLUME] < 0)
		g_string_append(g, "; no volume column: volume 0");
	if (L->ignored && L->ignored->len)
		g_string_append_printf(g, "; ignored: %s", L->ignored->str);
	if (L->symbol_prefix)
		g_string_append(g, "; the symbol is the file name up to its first '-'");
	if (n->groups > 1)
		g_string_append_printf(g, "; rows grouped by symbol: %u symbols read side by side",
				       n->groups);
	if (L->has_tz && !L->tz_used && L->shape != TSH_NONE)
		g_string_append_printf(g, "; --tz %s not used (%s)", L->tz.name,
				       L->shape == TSH_ZONED ? "the times carry their offset"
				       : L->shape == TSH_EPOCH ? "epochs are UTC" : "daily dates");
	if (L->unit != TS_UNIT_AUTO && L->shape != TSH_NONE && L->shape != TSH_EPOCH)
		g_string_append(g, "; --time-unit not used (the times are text)");
	if (n->rows_empty)
		plural(g, n->rows_empty, "row without prices (null or empty) skipped",
		       "rows without prices (null or empty) skipped");
	if (n->values_rounded)
		plural(g, n->values_rounded, "value rounded to 8 decimals",
		       "values rounded to 8 decimals");
	if (n->rows_skipped)
		plural(g, n->rows_skipped, "bad row skipped", "bad rows skipped");
	g_free(L->report);
	L->report = g_string_free(g, FALSE);
	return L->report;
}
