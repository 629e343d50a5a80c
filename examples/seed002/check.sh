#!/bin/sh
# Seed 002 (the crypto paper engine fed by a decisions table) on libpaper, checked against
# values derived by hand from the seed's own numbers: $10,000, 0.1 % commission ($1 minimum),
# 0.05 % slippage x2 for market orders (the +-50 % jitter off where exact values are asserted),
# size = equity x 0.20 x confidence / 0.80, capped at 20 % of equity, 0.0001 BTC lots.
#   BUY 0.75: 10000 x 0.2 x 0.9375 = 1875 / 110500 = 0.016968 -> 0.0169 BTC;
#   filled at 110500 x 1.001 = 110610.50: 1869.31745, fee 1.86931745;
#   marked at 111000: equity 10000 - 1869.31745 - 1.86931745 + 0.0169 x 111000 = 10004.71323255;
#   SELL 0.80 closes it at 110998.12 x 0.999 = 110887.12188: 1873.99235977, fee 1.87399236;
#   P&L 4.67490977 before fees, 3.74330981 fees, +0.93159996 net; cash = equity = 10000.93159996.
# (The seed's own walk-through rounds 0.9375 to 0.94 and prints inconsistent costs; these
# are the numbers its formulas give.)
# usage: check.sh PAPER
paper=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tests/seedlib.sh"

# ---- the workflow, jitter off ----
PAPER_INIT_SET="--set costs.slippage_jitter=0" run "run.sh" 0 sh "$here/run.sh" "$paper" "$tmp/a"
cp "$tmp/out" "$tmp/run.log"
has "0.0169 BTC ordered" "$tmp/run.log" "PAPER ORDER 2025-11-01 12:00:00 BTC/USDT LONG 0.0169 conf 0.75 order 1 decision 1"
has "filled at 110610.50, fee 1.87" "$tmp/run.log" "PAPER ENTRY 2025-11-01 12:01:00 BTC/USDT LONG 0.0169 @ 110610.50 conf 0.75 tp - sl - fee 1.87 order 1 decision-1"
has "the SELL closes the position" "$tmp/run.log" "PAPER ORDER 2025-11-01 12:02:00 BTC/USDT SELL 0.0169 to close: reverse_signal order 2 decision 2"
has "closed with +0.93" "$tmp/run.log" "reason reverse_signal pnl +0.93 trade 1"
json_true "equity marked at 111000" "$tmp/a/status-open.json" 'd["equity"] == 10004.71323255 and d["cash"] == 8128.81323255'
run "history --json" 0 "$paper" history --ledger "$tmp/a/crypto.db" --json
cp "$tmp/out" "$tmp/history.json"
json_true "the trade's P&L" "$tmp/history.json" 'len(d) == 1 and (d[0]["pnl_gross"], d[0]["fees"], d[0]["pnl_net"], d[0]["outcome"]) == (4.67490977, 3.74330981, 0.93159996, "win")'
run "status --json" 0 "$paper" status --ledger "$tmp/a/crypto.db" --json
cp "$tmp/out" "$tmp/status.json"
json_true "flat: cash = equity = 10000 + P&L - fees, exactly" "$tmp/status.json" 'd["cash"] == d["equity"] == 10000.93159996 == round(10000 + d["realized_pnl"] - d["fees"], 8)'
run "export" 0 "$paper" export --ledger "$tmp/a/crypto.db" --dir "$tmp/a/state"
has "fills.csv: the entry at 110500 x 1.001, fee 0.1 %" "$tmp/a/state/fills.csv" ",buy,2025-11-01T12:01:00Z,0.0169,110610.5,1.86931745,110500,110.5,"
has "fills.csv: the exit at 110998.12 x 0.999, fee 0.1 %" "$tmp/a/state/fills.csv" ",sell,2025-11-01T12:03:00Z,0.0169,110887.12188,1.87399236,110998.12,110.99812,4.67490977,"
json_true "stats: schema 2, win rate in percent" "$tmp/a/stats.json" 'd["schema_version"] == 2 and d["win_rate_pct"] == 100 and d["total_trades"] == 1'
# The go-live criteria (paper.ini's readiness.*): one trade of 20, one day of 14.
H=$tmp/a/dashboard.html
has "dashboard refreshes every 60 s" "$H" '<meta http-equiv="refresh" content="60">'
has "go-live: 1 trade of 20" "$H" 'data-check="min_trades" data-pass="false" data-value="1" data-threshold="20"'
has "go-live: not 14 days yet" "$H" 'data-check="min_calendar_days" data-pass="false"'
has "go-live: not ready" "$H" 'data-ready="false"'

# ---- the confidence threshold, the cap and the three profiles ----
for prof in paper conservative aggressive; do
	L=$tmp/$prof.db
	"$paper" init --ledger "$L" --config "$here/$prof.ini" --set costs.slippage_jitter=0 > /dev/null
	"$py" "$here/decide.py" "$L" BTC/USDT BUY 0.55 weak
	"$py" "$here/decide.py" "$L" ETH/USDT BUY 0.95 strong
	"$py" "$here/decide.py" "$L" SOL/USDT BUY 0.75 medium
	printf 'timestamp,symbol,price\n2025-11-01T12:00:00Z,BTC/USDT,110500\n2025-11-01T12:00:00Z,ETH/USDT,3900\n2025-11-01T12:00:00Z,SOL/USDT,186\n' > "$tmp/p.csv"
	"$paper" run --ledger "$L" --prices - --interval 1 < "$tmp/p.csv" > "$tmp/$prof.log"
done
# Default: 0.55 < 0.60 skipped; ETH 2375 capped at 2000 / 3900 = 0.5128; SOL 1875 / 186 = 10.0806.
has "default: 0.55 is below 0.60" "$tmp/paper.log" "PAPER SKIP 2025-11-01 12:00:00 BTC/USDT LONG: low_confidence (0.55 < limits.min_confidence 0.60) decision 1"
has "default: ETH capped at 20 %" "$tmp/paper.log" "ETH/USDT LONG 0.5128 conf 0.95"
has "default: SOL" "$tmp/paper.log" "SOL/USDT LONG 10.0806 conf 0.75"
# Conservative (0.10, threshold 0.75): 1187.5 capped at 1000 / 3900 = 0.2564; 937.5 / 186 = 5.0403.
has "conservative: 0.55 is below 0.75" "$tmp/conservative.log" "low_confidence (0.55 < limits.min_confidence 0.75)"
has "conservative: ETH capped at 10 %" "$tmp/conservative.log" "ETH/USDT LONG 0.2564 conf 0.95"
has "conservative: SOL" "$tmp/conservative.log" "SOL/USDT LONG 5.0403 conf 0.75"
# Aggressive (0.30, threshold 0.50): 2062.5 / 110500 = 0.0186; 3562.5 capped at 3000 / 3900 =
# 0.7692; 2812.5 / 186 = 15.1209.
has "aggressive: BTC at 0.55" "$tmp/aggressive.log" "BTC/USDT LONG 0.0186 conf 0.55"
has "aggressive: ETH capped at 30 %" "$tmp/aggressive.log" "ETH/USDT LONG 0.7692 conf 0.95"
has "aggressive: SOL" "$tmp/aggressive.log" "SOL/USDT LONG 15.1209 conf 0.75"

# ---- the seed's +-50 % random variation: seeded, so the same run twice is the same ----
run "run.sh, jitter on (1)" 0 sh "$here/run.sh" "$paper" "$tmp/j1"
run "run.sh, jitter on (2)" 0 sh "$here/run.sh" "$paper" "$tmp/j2"
"$paper" history --ledger "$tmp/j1/crypto.db" --json > "$tmp/j1.json"
"$paper" history --ledger "$tmp/j2/crypto.db" --json > "$tmp/j2.json"
check "jitter: two runs give the same trades" cmp -s "$tmp/j1.json" "$tmp/j2.json"
json_true "jitter: other fill prices than without" "$tmp/j1.json" 'd[0]["entry_price"] != 110610.5'
"$paper" status --ledger "$tmp/j1/crypto.db" --json > "$tmp/j1-status.json"
json_true "jitter: the money still reconciles" "$tmp/j1-status.json" 'd["cash"] == d["equity"] == round(10000 + d["realized_pnl"] - d["fees"], 8)'

finish
