#!/bin/sh
# Seed 003 (the V7 automated signal trader) on libpaper, checked against numbers derived by
# hand from the seed's own settings: $1000 a trade, 2 % / 1.5 % targets or the signal's own,
# 240 minutes, every signal taken, no costs. The seed's three example exits:
#   BTC-USD LONG 0.01015744 (1000 / 98450) @ 98450 -> take profit at the signal's 99420:
#     +9.8527168 = 0.01015744 x 970, +0.98527 % of the price;
#   ETH-USD LONG 0.28981307 @ 3450.50 -> stop loss at the signal's 3420: -8.83929864, -0.88 %;
#   SOL-USD SHORT 7.95228628 @ 125.75 -> the time limit, 240 minutes after the 20:02 fill, at
#     126: -1.98807157, -0.20 %.
# One win in three: win rate 33.33 %; profit factor 9.8527168 / 10.82737021; average hold
# (7080 + 7080 + 14400) / 3 = 9520 s.
# usage: check.sh PAPER   (PYTHONPATH must reach paperlib; the meson test sets it)
paper=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tests/seedlib.sh"
need_paperlib

# ---- the Python runtime (the seed's own kind of program) ----
run "v7_paper.py" 0 "$py" "$here/v7_paper.py" --ledger "$tmp/v7.db" --json
cp "$tmp/out" "$tmp/py.log"
has "initialised" "$tmp/py.log" "✅ Paper trader initialized (aggressive=True, auto-trade enabled)"
has "BTC entry with the signal's target" "$tmp/py.log" "PAPER ENTRY LONG 0.01015744 BTC-USD @ 98450.00 conf 0.65 tp 99420.00 sl 96973.25 fee 0.00 order 1 signal 123 account v7"
has "ETH entry with the signal's stop" "$tmp/py.log" "PAPER ENTRY LONG 0.28981307 ETH-USD @ 3450.50 conf 0.58 tp 3519.51000002 sl 3420.00 fee 0.00 order 2 signal 124 account v7"
has "SOL short entry" "$tmp/py.log" "PAPER ENTRY SHORT 7.95228628 SOL-USD @ 125.75 conf 0.72 tp 123.235 sl 127.63625 fee 0.00 order 3 signal 125 account v7"
has "BTC take profit" "$tmp/py.log" "PAPER EXIT LONG 0.01015744 BTC-USD @ 99420.00 reason take_profit pnl +9.8527168 (+0.99%) trade 1 signal 123 account v7"
has "ETH stop loss" "$tmp/py.log" "PAPER EXIT LONG 0.28981307 ETH-USD @ 3420.00 reason stop_loss pnl -8.83929864 (-0.88%) trade 2 signal 124 account v7"
has "SOL time limit" "$tmp/py.log" "PAPER EXIT SHORT 7.95228628 SOL-USD @ 126.00 reason time_limit pnl -1.98807157 (-0.20%) trade 3 signal 125 account v7"
has "closed per iteration" "$tmp/py.log" "📊 Closed 2 paper trades this iteration"
tail -n 1 "$tmp/py.log" > "$tmp/stats.json"
# record_trade.py stats: the seed's SQL, win rate in percent to 2 decimals, pnl_percent means.
json_true "record_trade.py stats" "$tmp/stats.json" 'd["total_trades"] == 3 and d["wins"] == 1 and d["losses"] == 2 and d["win_rate"] == 33.33 and abs(d["avg_win"] - 970 / 98450 * 100) < 1e-9 and abs(d["avg_loss"] - ((3420 - 3450.5) / 3450.5 * 100 - 0.25 / 125.75 * 100) / 2) < 1e-9'

# ---- the same account through the paper command ----
run "paper stats --json" 0 "$paper" stats --ledger "$tmp/v7.db" --json
cp "$tmp/out" "$tmp/metrics.json"
json_true "stats: 3 trades, 1 win" "$tmp/metrics.json" '(d["total_trades"], d["wins"], d["losses"]) == (3, 1, 2)'
json_true "stats: win rate 1/3, in percent too" "$tmp/metrics.json" 'd["win_rate"] == 1 / 3 and abs(d["win_rate_pct"] - 100 / 3) < 1e-12'
json_true "stats: profit factor" "$tmp/metrics.json" 'abs(d["profit_factor"] - 9.8527168 / (8.83929864 + 1.98807157)) < 1e-15'
json_true "stats: average hold 9520 s" "$tmp/metrics.json" 'd["avg_duration"] == 9520'
json_true "stats: one exit of each kind" "$tmp/metrics.json" '(d["exit_reasons"]["take_profit"], d["exit_reasons"]["stop_loss"], d["exit_reasons"]["time_limit"]) == (1, 1, 1)'
json_true "stats: the gate says why it is not ready" "$tmp/metrics.json" 'not d["readiness"]["ready"] and {c["id"]: c for c in d["readiness"]["criteria"]}["min_win_rate"]["small_sample"]'
run "paper stats" 0 "$paper" stats --ledger "$tmp/v7.db"
# Two days of data are one daily return: no Sharpe ratio, no PSR, no track record length yet.
has "stats: the gate, the track record not yet measurable" "$tmp/out" "FAIL min_track_record                1 >= n/a        needs at least 2 daily returns that differ"
run "paper history --json" 0 "$paper" history --ledger "$tmp/v7.db" --json
cp "$tmp/out" "$tmp/py-history.json"
json_true "history: outcomes" "$tmp/py-history.json" '[t["outcome"] for t in d] == ["win", "loss", "loss"]'
run "paper export" 0 "$paper" export --ledger "$tmp/v7.db" --dir "$tmp/export"
has "trades.csv: the outcome column" "$tmp/export/trades.csv" "confidence,outcome,paper"
check "trades.csv: win, loss, loss" test "$(cut -d, -f17 "$tmp/export/trades.csv" | sed 1d | tr '\n' ' ')" = "win loss loss "

# ---- the command's own runtime: paper run, long-running, on a growing feed ----
run "run.sh (paper run)" 0 sh "$here/run.sh" "$paper" "$tmp/cli"
has "paper run: BTC exit" "$tmp/cli/v7_production.log" "PAPER EXIT 2025-11-20 22:00:00 BTC-USD LONG 0.01015744 @ 99420.00 reason take_profit pnl +9.85 trade 1"
has "paper run: SOL exit" "$tmp/cli/v7_production.log" "PAPER EXIT 2025-11-21 00:02:00 SOL-USD SHORT 7.95228628 @ 126.00 reason time_limit pnl -1.99 trade 3"
run "paper history --json (paper run)" 0 "$paper" history --ledger "$tmp/cli/v7.db" --json
cp "$tmp/out" "$tmp/cli-history.json"
"$py" -c 'import json, sys
keys = ("symbol", "direction", "entry_ts", "exit_ts", "qty", "entry_price", "exit_price", "pnl_gross", "fees", "pnl_net", "exit_reason", "outcome")
a, b = (json.load(open(p)) for p in sys.argv[1:3])
sys.exit([[t[k] for k in keys] for t in a] != [[t[k] for k in keys] for t in b])' \
	"$tmp/py-history.json" "$tmp/cli-history.json"
check "Python runtime and paper run: the same trades" test $? -eq 0

# ---- what the defaults would have done (why paper.ini sets what it sets) ----
"$py" - > "$tmp/defaults" << 'EOF'
import paperlib
for conf, settings in ((0.65, {}), (0.582, {"session__fractional": True, "session__lot_size": 1e-8})):
    b = paperlib.Broker(**settings)
    s = paperlib.Session(b)
    b.on_quote("BTC-USD", 1763668800000000, 0, 0, 98450.0)
    print(s.enter(paperlib.Signal("BTC-USD", "long", confidence=conf)).verdict.label)
EOF
check "default lot 1: \$1000 of BTC rounds to nothing; default confidence 0.6 refuses 0.582" \
	test "$(tr '\n' ' ' < "$tmp/defaults")" = "size_zero low_confidence "

finish
