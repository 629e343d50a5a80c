/*
 * The dashboard's P&L by asset class and by underlying: each closed trade's net P&L, and each
 * open position's P&L realized so far (partial closes) less its fees as realized, its
 * unrealized P&L as unrealized, summed under its instrument's asset class ("option") and its
 * underlying (an option's or a future's underlying; any other symbol is its own), so an
 * options book reads as "SPY +1,250.00" whatever contracts it went through, and the groups add
 * up to the account's P&L (equity less starting cash).
 */
#include <paper/instrument.h>
#include <paper/report.h>

#include <glib.h>
#include <math.h>
#include <string.h>

#include "base/fixed.h"
#include "report/report.h"

typedef struct group {
	const char *name; /* owned by the table's key */
	size_t trades, wins;
	double realized, unrealized;
} group;

/* A symbol's two group names, looked up once per symbol. */
typedef struct kinds {
	const char *asset_class; /* static */
	char underlying[PAPER_SYMBOL_MAX + 1];
} kinds;

typedef struct groups {
	const paper_broker *b;
	GHashTable *symbols;     /* symbol -> kinds */
	GHashTable *by[2];       /* name -> group: [0] asset class, [1] underlying */
} groups;

static const kinds *kinds_of(groups *g, const char *symbol)
{
	kinds *k = g_hash_table_lookup(g->symbols, symbol);
	if (k)
		return k;
	k = g_new0(kinds, 1);
	paper_instrument_spec spec = PAPER_INSTRUMENT_SPEC_INIT;
	/* A symbol the broker traded always resolves; "unknown" only guards the impossible. */
	if (paper_broker_instrument(g->b, symbol, &spec) == PAPER_OK) {
		k->asset_class = paper_asset_class_str(spec.asset_class);
		g_strlcpy(k->underlying, spec.underlying[0] ? spec.underlying : symbol,
			  sizeof k->underlying);
	} else {
		k->asset_class = "unknown";
		g_strlcpy(k->underlying, symbol, sizeof k->underlying);
	}
	g_hash_table_insert(g->symbols, g_strdup(symbol), k);
	return k;
}

static group *group_of(GHashTable *h, const char *name)
{
	group *gr = g_hash_table_lookup(h, name);
	if (!gr) {
		char *key = g_strdup(name);
		gr = g_new0(group, 1);
		gr->name = key;
		g_hash_table_insert(h, key, gr);
	}
	return gr;
}

static void add(groups *g, const char *symbol, double realized, double unrealized, bool trade,
		bool win)
{
	const kinds *k = kinds_of(g, symbol);
	const char *names[2] = { k->asset_class, k->underlying };
	for (int i = 0; i < 2; i++) {
		group *gr = group_of(g->by[i], names[i]);
		gr->realized += realized;
		gr->unrealized += unrealized;
		gr->trades += trade;
		gr->wins += win;
	}
}

static int by_name(gconstpointer a, gconstpointer b)
{
	const group *x = *(group *const *)a, *y = *(group *const *)b;
	return strcmp(x->name, y->name);
}

static void money_cell(GString *s, double v)
{
	g_string_append_printf(s, "<td class=\"%s\">", v > 0 ? "up" : v < 0 ? "down" : "");
	paper__report_money(s, v, 2);
	g_string_append(s, "</td>");
}

/* One table; each row carries its exact numbers in data-* attributes for tools. */
static void table(GString *s, GHashTable *h, const char *kind, const char *title)
{
	GPtrArray *rows = g_ptr_array_sized_new(g_hash_table_size(h));
	GHashTableIter it;
	gpointer value;
	g_hash_table_iter_init(&it, h);
	while (g_hash_table_iter_next(&it, NULL, &value))
		g_ptr_array_add(rows, value);
	g_ptr_array_sort(rows, by_name);
	g_string_append_printf(s, "<section><h2>%s</h2><div class=\"scroll\"><table data-pnl-by=\"%s\">"
			       "<thead><tr><th class=\"t\">%s</th><th>Trades</th><th>Win rate</th>"
			       "<th>Realized net</th><th>Unrealized</th><th>Total P&amp;L</th></tr>"
			       "</thead><tbody>", title, kind,
			       strcmp(kind, "asset_class") == 0 ? "Asset class" : "Underlying");
	for (guint i = 0; i < rows->len; i++) {
		const group *gr = rows->pdata[i];
		double total = gr->realized + gr->unrealized;
		g_string_append_printf(s, "<tr data-name=\"");
		paper__report_esc(s, gr->name);
		g_string_append_printf(s, "\" data-trades=\"%zu\" data-wins=\"%zu\" data-realized=\"%.17g\" "
				       "data-unrealized=\"%.17g\" data-total=\"%.17g\"><td class=\"t\">",
				       gr->trades, gr->wins, gr->realized, gr->unrealized, total);
		paper__report_esc(s, gr->name);
		g_string_append_printf(s, "</td><td>%zu</td><td>", gr->trades);
		paper__report_percent(s, gr->trades ? (double)gr->wins / (double)gr->trades : NAN);
		g_string_append(s, "</td>");
		money_cell(s, gr->realized);
		money_cell(s, gr->unrealized);
		money_cell(s, total);
		g_string_append(s, "</tr>");
	}
	g_string_append(s, "</tbody></table>");
	if (rows->len == 0)
		g_string_append(s, "<div class=\"empty\">No trades or positions yet.</div>");
	g_string_append(s, "</div></section>");
	g_ptr_array_free(rows, TRUE);
}

void paper__report_pnl_groups(GString *s, const paper_broker *b)
{
	groups g = { .b = b };
	g.symbols = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	for (int i = 0; i < 2; i++)
		g.by[i] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

	size_t n = paper_broker_trade_count(b);
	for (size_t i = 0; i < n; i++) {
		paper_trade_info t = PAPER_TRADE_INFO_INIT;
		if (paper_broker_trade_at(b, i, &t) == PAPER_OK)
			add(&g, t.symbol, t.pnl_net, 0.0, true, t.pnl_net > 0);
	}
	n = paper_broker_position_count(b);
	for (size_t i = 0; i < n; i++) {
		paper_position_info pos = PAPER_POSITION_INFO_INIT;
		if (paper_broker_position_at(b, i, &pos) == PAPER_OK)
			add(&g, pos.symbol, fx_to_double(pos.realized_pnl_e8 - pos.fees_e8),
			    pos.unrealized_pnl, false, false);
	}

	g_string_append(s, "<div class=\"grid2\">");
	table(s, g.by[0], "asset_class", "P&amp;L by asset class");
	table(s, g.by[1], "underlying", "P&amp;L by underlying");
	g_string_append(s, "</div>\n");
	for (int i = 0; i < 2; i++)
		g_hash_table_destroy(g.by[i]);
	g_hash_table_destroy(g.symbols);
}
