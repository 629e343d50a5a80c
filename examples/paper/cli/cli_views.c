/*
 * The account, its positions and its orders as the sub-commands show them: JSON whose keys
 * are the library's field names (paper_account_info, paper_position_info, paper_order_info),
 * and aligned text for people.
 */
#include "cli/cli_ops.h"

#include <math.h>

static paper_account_info account_of(const paper_broker *b)
{
	paper_account_info ai = PAPER_ACCOUNT_INFO_INIT;
	paper_broker_account(b, &ai);
	return ai;
}

void cli_account_json(cli_json *j, const cli_account *a)
{
	paper_account_info ai = account_of(a->b);
	cj_str(j, "account", a->name);
	cj_str(j, "ledger", a->shown);
	cj_time(j, "ts", ai.ts);
	cj_e8(j, "starting_cash", ai.starting_cash_e8);
	cj_e8(j, "cash", ai.cash_e8);
	cj_num(j, "equity", ai.equity);
	cj_num(j, "long_value", ai.long_value);
	cj_num(j, "short_value", ai.short_value);
	cj_e8(j, "realized_pnl", ai.realized_pnl_e8);
	cj_e8(j, "fees", ai.fees_e8);
	/* What the dashboard's "Realized P&L" card shows: realized P&L after every fee paid. */
	cj_e8(j, "realized_pnl_net", ai.realized_pnl_e8 - ai.fees_e8);
	cj_num(j, "unrealized_pnl", ai.unrealized_pnl);
	cj_num(j, "day_start_equity", ai.day_start_equity);
	cj_num(j, "daily_pnl", ai.ts ? ai.equity - ai.day_start_equity : 0.0);
	cj_num(j, "buying_power", ai.buying_power);
	cj_uint(j, "open_positions", ai.open_positions);
	cj_uint(j, "open_orders", ai.open_orders);
	cj_uint(j, "fills", ai.fills);
	cj_uint(j, "closed_trades", ai.closed_trades);
	cj_uint(j, "rejections", ai.rejections);
	cj_bool(j, "halted", ai.halted);
}

static void line(FILE *out, const char *label, const char *value, const char *note)
{
	fprintf(out, "  %-16s %16s%s%s\n", label, value, *note ? "   " : "", note);
}

void cli_account_print(FILE *out, const cli_account *a)
{
	paper_account_info ai = account_of(a->b);
	char v[CLI_TEXT_MAX], n1[CLI_TEXT_MAX], n2[CLI_TEXT_MAX], n3[CLI_TEXT_MAX], note[256];
	if (ai.ts)
		fprintf(out, "account %s in %s, as of %s UTC%s\n", a->name, a->shown, cli_when(v, ai.ts),
			ai.halted ? "  -- HALTED: new entries refused" : "");
	else
		fprintf(out, "account %s in %s, no prices yet\n", a->name, a->shown);
	snprintf(note, sizeof note, "%s since the start (%s)",
		 cli_pct(n1, ai.starting_cash > 0 ? ai.equity / ai.starting_cash - 1.0 : NAN),
		 cli_money(n2, ai.starting_cash));
	line(out, "equity", cli_money(v, ai.equity), note);
	line(out, "cash", cli_money(v, ai.cash), "");
	snprintf(note, sizeof note, "after fees; %s before fees, %s fees paid",
		 cli_signed(n1, ai.realized_pnl), cli_money(n2, ai.fees));
	line(out, "realized P&L", cli_signed(v, ai.realized_pnl - ai.fees), note);
	line(out, "unrealized P&L", cli_signed(v, ai.unrealized_pnl), "");
	snprintf(note, sizeof note, "equity at the start of the UTC day %s",
		 cli_money(n3, ai.day_start_equity));
	line(out, "daily P&L", cli_signed(v, ai.ts ? ai.equity - ai.day_start_equity : 0.0),
	     ai.ts ? note : "");
	line(out, "buying power", cli_money(v, ai.buying_power), "");
	snprintf(v, sizeof v, "%llu", (unsigned long long)ai.open_positions);
	snprintf(note, sizeof note, "%llu open orders, %llu fills, %llu closed trades, %llu rejections",
		 (unsigned long long)ai.open_orders, (unsigned long long)ai.fills,
		 (unsigned long long)ai.closed_trades, (unsigned long long)ai.rejections);
	line(out, "open positions", v, note);
}

void cli_positions_json(cli_json *j, const char *key, const paper_broker *b)
{
	cj_open(j, key, '[');
	for (size_t i = 0; i < paper_broker_position_count(b); i++) {
		paper_position_info p = PAPER_POSITION_INFO_INIT;
		if (paper_broker_position_at(b, i, &p) != PAPER_OK)
			continue;
		cj_open(j, NULL, '{');
		cj_str(j, "symbol", p.symbol);
		cj_str(j, "direction", paper_direction_str(p.direction));
		cj_e8(j, "qty", p.qty_e8);
		cj_num(j, "avg_price", p.avg_price);
		cj_e8(j, "cost_basis", p.cost_basis_e8);
		cj_num(j, "market_price", p.market_price);
		cj_num(j, "market_value", p.market_value);
		cj_num(j, "unrealized_pnl", p.unrealized_pnl);
		cj_num(j, "realized_pnl", p.realized_pnl);
		cj_time(j, "opened_ts", p.opened_ts);
		cj_time(j, "marked_ts", p.marked_ts);
		cj_close(j, '}');
	}
	cj_close(j, ']');
}

void cli_positions_print(FILE *out, const paper_broker *b)
{
	static const char *const cols[] = { "SYMBOL", "SIDE", ">QTY", ">AVG PRICE", ">MARK",
					    ">MARKET VALUE", ">UNREALIZED", "OPENED", "MARKED", NULL };
	size_t n = paper_broker_position_count(b);
	if (n == 0) {
		fputs("no open positions\n", out);
		return;
	}
	cli_table *t = cli_table_new(cols);
	for (size_t i = 0; i < n; i++) {
		paper_position_info p = PAPER_POSITION_INFO_INIT;
		char x[7][CLI_TEXT_MAX];
		if (paper_broker_position_at(b, i, &p) != PAPER_OK)
			continue;
		cli_table_cell(t, "%s", p.symbol);
		cli_table_cell(t, "%s", paper_direction_str(p.direction));
		cli_table_cell(t, "%s", cli_qty(x[0], fabs(p.qty)));
		cli_table_cell(t, "%s", cli_price(x[1], p.avg_price));
		cli_table_cell(t, "%s", cli_price(x[2], p.market_price));
		cli_table_cell(t, "%s", cli_money(x[3], p.market_value));
		cli_table_cell(t, "%s", cli_signed(x[4], p.unrealized_pnl));
		cli_table_cell(t, "%s", cli_when(x[5], p.opened_ts));
		cli_table_cell(t, "%s", cli_when(x[6], p.marked_ts));
	}
	cli_table_print(t, out);
	cli_table_free(t);
}

void cli_order_json(cli_json *j, const paper_order_info *o)
{
	cj_open(j, NULL, '{');
	cj_uint(j, "id", o->id);
	cj_str(j, "symbol", o->symbol);
	cj_str(j, "side", paper_side_str(o->side));
	cj_str(j, "type", paper_order_type_str(o->type));
	cj_str(j, "tif", paper_tif_str(o->tif));
	cj_str(j, "status", paper_order_status_str(o->status));
	cj_str(j, "reason", paper_reject_reason_str(o->reason));
	cj_num(j, "qty", o->qty);
	cj_num(j, "filled_qty", o->filled_qty);
	cj_num(j, "avg_fill_price", o->filled_qty > 0 ? o->avg_fill_price : NAN);
	cj_num(j, "limit_price", o->type == PAPER_ORDER_LIMIT || o->type == PAPER_ORDER_STOP_LIMIT
					 ? o->limit_price : NAN);
	cj_num(j, "stop_price", o->type == PAPER_ORDER_STOP || o->type == PAPER_ORDER_STOP_LIMIT
					? o->stop_price : NAN);
	cj_num(j, "fees", o->fees);
	cj_time(j, "submitted_ts", o->submitted_ts);
	cj_time(j, "updated_ts", o->updated_ts);
	cj_str(j, "client_id", o->client_id);
	cj_str(j, "strategy", o->strategy);
	cj_str(j, "signal_id", o->signal_id);
	cj_num(j, "confidence", o->confidence >= 0 ? o->confidence : NAN);
	cj_str(j, "exit_reason", paper_exit_reason_str(o->exit_reason));
	cj_uint(j, "oco_group", o->oco_group);
	cj_close(j, '}');
}
