#!/bin/sh
# Seed 004's daily routine on libpaper, in a persistent account (the seed's paper_state/):
#   init --cash 1000          paper init (the ledger keeps the state; export writes the CSVs)
#   run_trade_plan.py         plans/2025-09-02.csv, filtered by the execution mode (ETTH)
#   paper_executor.py         one market order per plan row, filled on the next prices
#   paper_reconciler.py       paper mark: prices from a feed (here marks.csv, on stdin)
#   paper_broker.py status    paper status
#   dashboard_trade_monitor   paper report --refresh 60 (here --once: written once by this script)
#   paper_state/ files        paper export: orders, fills, trades, positions, pnl_ledger, state.json
# The plan's take profit, stop loss and max hold are not managed here: the executor below
# places plain orders into the account (today's paper execute replays a plan over bars,
# simulate.sh; executing a plan into a running account is paper execute --ledger's job).
# usage: run.sh [PAPER] [OUTDIR] [MODE]   (MODE: intraday, fast, balanced, conservative)
set -eu
paper=${1:-paper}
out=${2:-seed004-out}
mode=${3:-balanced}
here=$(cd "$(dirname "$0")" && pwd)
case $paper in */*) paper=$(cd "$(dirname "$paper")" && pwd)/$(basename "$paper") ;; esac
mkdir -p "$out/paper_state"
cd "$out"
L=paper_state/paper.db
rm -f "$L" "$L-wal" "$L-shm"

"$paper" init --ledger "$L" --config "$here/paper.ini"
sh "$here/plan_filter.sh" "$here/plans/2025-09-02.csv" "$mode" > trade_plan.csv

marks() { # the reconciler: the prices of one time, piped in
	{ head -n 1 "$here/marks.csv"; grep "^$1," "$here/marks.csv"; } |
		"$paper" mark --ledger "$L" --prices -
}

marks 2025-09-02T13:30:00Z                       # the open: the account knows its prices
sed 1d trade_plan.csv | while IFS=, read -r sym side qty rest; do
	case $side in LONG | BUY | long | buy) s=buy ;; *) s=sell ;; esac
	"$paper" order --ledger "$L" "$sym" "$s" "$qty"  # the executor
done
marks 2025-09-02T14:30:00Z                       # the orders fill
marks 2025-09-02T15:30:00Z                       # the reconciler's later prices
"$paper" status --ledger "$L"
"$paper" status --ledger "$L" --json > status.json
"$paper" export --ledger "$L" --dir paper_state
"$paper" report --ledger "$L" --html dashboard.html --refresh 60 --once
