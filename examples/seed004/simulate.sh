#!/bin/sh
# Seed 004's hour-by-hour simulator (simulate_trades(trade_plan, intraday_df)) on libpaper:
# paper execute replays the 1-hour bars after the plan's time, fills the plan's orders at the
# next bar's open and manages each row's take profit, stop loss and max hold (TP / SL /
# TIMEOUT); what is still open at the end of the bars is closed at its last close.
# usage: simulate.sh [PAPER] [OUTDIR] [MODE]
set -eu
paper=${1:-paper}
out=${2:-seed004-out}
mode=${3:-balanced}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
sh "$here/plan_filter.sh" "$here/plans/2025-09-02.csv" "$mode" > "$out/trade_plan.csv"
# The plan is ready after the first hour of 2025-09-02 (09:30 New York is 13:30 UTC).
"$paper" execute --config "$here/paper.ini" --plan "$out/trade_plan.csv" --bars "$here/bars" \
	--at 2025-09-02T14:00:00Z --orders-out "$out/sim_orders.csv" --trades-out "$out/sim_trades.csv" \
	--summary-out "$out/sim_summary.json" --no-progress --quiet
cat "$out/sim_trades.csv"
