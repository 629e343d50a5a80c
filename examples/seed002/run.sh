#!/bin/sh
# Seed 002's workflow on libpaper: an agent INSERTs decisions into the ledger's inbox; the
# orchestrator (paper run; the seed's TradingOrchestrator.run_trading_cycle()) runs one cycle
# per price it is given: prices in, exits, then the pending decisions (confidence >= 60 %,
# sized at portfolio x 0.20 x confidence / 0.80, capped at 20 % of equity), a snapshot.
# Then the seed's monitoring: status, stats, the dashboard with the go-live criteria.
# usage: run.sh [PAPER] [OUTDIR] [PROFILE.ini]   (the paper command; default `paper`)
set -eu
paper=${1:-paper}
out=${2:-seed002-out}
here=$(cd "$(dirname "$0")" && pwd)
profile=${3:-$here/paper.ini}
case $paper in */*) paper=$(cd "$(dirname "$paper")" && pwd)/$(basename "$paper") ;; esac
case $profile in /*) ;; *) profile=$(pwd)/$profile ;; esac
py=/usr/bin/python3
[ -x "$py" ] || py=python3
mkdir -p "$out"
cd "$out"
rm -f crypto.db crypto.db-wal crypto.db-shm
# PAPER_INIT_SET: extra --set options (the check turns the slippage jitter off with it).
# shellcheck disable=SC2086
"$paper" init --ledger crypto.db --config "$profile" ${PAPER_INIT_SET:-}

# One orchestrator cycle on the prices of one timestamp. They come from a file, not a pipe:
# paper run never waits for standard input, so a pipe's lines could arrive after the first
# cycle had already placed the pending decisions at the previous minute's clock.
cycle() {
	{ head -n 1 "$here/prices.csv"; grep "^$1," "$here/prices.csv"; } > cycle.csv
	"$paper" run --ledger crypto.db --prices - --interval 1 < cycle.csv |
		grep -E 'PAPER (ORDER|ENTRY|EXIT|SKIP|REJECT)' || true
}

"$py" "$here/decide.py" crypto.db BTC/USDT BUY 0.75 "Strong upward momentum"
cycle 2025-11-01T12:00:00Z   # the decision is sized and ordered
cycle 2025-11-01T12:01:00Z   # the order fills on the next price
"$py" "$here/decide.py" crypto.db BTC/USDT SELL 0.80 "Take profit at resistance"
cycle 2025-11-01T12:02:00Z   # the position is marked; the SELL closes it at the next price
"$paper" status --ledger crypto.db --json > status-open.json
cycle 2025-11-01T12:03:00Z
"$paper" status --ledger crypto.db
"$paper" stats --ledger crypto.db --json > stats.json
"$paper" history --ledger crypto.db
# The go-live criteria are the account's readiness.* settings (paper.ini): 20 trades, 55 %,
# Sharpe 1.5, 10 % drawdown, no errors, 14 days.
"$paper" report --ledger crypto.db --html dashboard.html --refresh 60 --once
