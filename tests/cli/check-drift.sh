#!/bin/sh
# paper drift through the command, on a case built by hand (docs/drift.md): a paper account
# made by a replay into a ledger (its own prices, its own signals), compared with a backtest of
# other bars and signals. Every difference is known: AAA entered an hour later at a worse
# price and left an hour later (matched by signal id), BBB the same on both sides, CCC only in
# the backtest (missed), DDD only on paper (extra). Costs: slippage 0.1% of the price on every
# fill (market multiplier 1, no jitter, no size impact), no commission; 10 units a signal; a
# 120-minute time limit, so every position is closed before the data ends.
# usage: check-drift.sh PAPER
paper=$1
. "$(dirname "$0")/lib.sh"

bars() { # DIR SYMBOL HOUR:PRICE... (flat hourly bars of 2024-01-02)
	dir=$1 sym=$2
	shift 2
	mkdir -p "$dir"
	echo "timestamp,open,high,low,close,volume" > "$dir/$sym.csv"
	for hp in "$@"; do
		echo "2024-01-02T${hp%%:*}:00:00Z,${hp#*:},${hp#*:},${hp#*:},${hp#*:},1000000" >> "$dir/$sym.csv"
	done
}

# The paper account's prices: AAA has no bar at 11:00, so its entry waits for 12:00.
bars "$tmp/paper" AAA 10:100 12:102 13:103 14:103
bars "$tmp/paper" BBB 10:50 11:50 12:50 13:50 14:50
bars "$tmp/paper" DDD 10:20 11:20 12:20 13:20 14:20
# The backtest's prices.
bars "$tmp/hist" AAA 10:100 11:100 12:102 13:104 14:104
bars "$tmp/hist" BBB 10:50 11:50 12:50 13:50 14:50
bars "$tmp/hist" CCC 10:200 11:200 12:200 13:200 14:200
cat > "$tmp/paper-signals.csv" << 'EOF'
timestamp,symbol,side,confidence,signal_id
2024-01-02T10:00:00Z,AAA,LONG,1,s1
2024-01-02T10:00:00Z,BBB,LONG,1,s2
2024-01-02T11:00:00Z,DDD,LONG,1,s4
EOF
cat > "$tmp/signals.csv" << 'EOF'
timestamp,symbol,side,confidence,signal_id
2024-01-02T10:00:00Z,AAA,LONG,1,s1
2024-01-02T10:00:00Z,BBB,LONG,1,s2
2024-01-02T10:00:00Z,CCC,SHORT,1,s3
EOF
L=$tmp/paper.db
set -- --set costs.commission_pct=0 --set costs.commission_min=0 --set costs.slippage_pct=0.1 \
	--set costs.slippage_market_mult=1 --set costs.slippage_jitter=0 \
	--set costs.slippage_size_impact=0 --set session.sizing=qty --set session.qty=10 \
	--set session.tp_pct=0 --set session.sl_pct=0 --set session.max_hold_minutes=120 \
	--set limits.aggressive=true --set limits.daily_loss_limit=1 --set account.name=acct \
	--set readiness.min_trades=3 --set readiness.min_trading_days=2
expect "the paper account, a replay into a ledger" 0 "" replay --bars "$tmp/paper" \
	--signals "$tmp/paper-signals.csv" --ledger "$L" --trades-out "$tmp/t.csv" \
	--summary-out "$tmp/s.json" --no-progress --quiet "$@"
check "three paper trades, none closed at the end of the data" \
	test "$(grep -c time_limit "$tmp/t.csv")" = 3

expect "paper drift --json" 0 "" drift --ledger "$L" --bars "$tmp/hist" --signals "$tmp/signals.csv" \
	--json --out "$tmp/drift.json"
cp "$tmp/out" "$tmp/stdout.json"
check "--out holds what --json printed" cmp -s "$tmp/stdout.json" "$tmp/drift.json"
J=$tmp/drift.json
json_true "format" "$J" 'd["format"] == "libpaper.drift" and d["schema_version"] == 2'
json_true "counts" "$J" '(lambda s: (s["paper_trades"], s["backtest_trades"], s["matched"], s["matched_by_signal_id"], s["missed"], s["extra"]) == (3, 3, 2, 2, 1, 1))(d["summary"])'
# AAA: paper 102 x 1.001 -> 103 x 0.999 = 7.95; backtest 100 x 1.001 -> 104 x 0.999 = 37.96.
# BBB: 50.05 -> 49.95 = -1 on both. CCC short: 199.8 -> 200.2 = -4. DDD: 20.02 -> 19.98 = -0.4.
json_true "P&L" "$J" '(lambda s: (s["paper_pnl"], s["backtest_pnl"], s["pnl_drift"], s["matched_pnl_drift"], s["missed_pnl"], s["extra_pnl"]) == (6.55, 32.96, -26.41, -30.01, -4.0, -0.4))(d["summary"])'
json_true "slippage: realised 2.05 + 1 + 0.4, modelled 2.04 + 1 + 4" "$J" '(lambda s: (s["realised_slippage"], s["modelled_slippage"], s["matched_realised_slippage"], s["matched_modelled_slippage"]) == (3.45, 7.04, 3.05, 3.04))(d["summary"])'
json_true "delays: AAA an hour later in and out, BBB on time" "$J" '(lambda s: (s["mean_entry_delay_seconds"], s["max_entry_delay_seconds"], s["mean_exit_delay_seconds"]) == (1800, 3600, 1800))(d["summary"])'
json_true "rows in order" "$J" '[(r["kind"], r["symbol"], r["match"]) for r in d["rows"]] == [("matched", "AAA", "signal_id"), ("matched", "BBB", "signal_id"), ("missed", "CCC", "none"), ("extra", "DDD", "none")]'
json_true "AAA: later, dearer in, cheaper out" "$J" '(lambda r: (r["entry_delay_seconds"], r["exit_delay_seconds"], r["entry_price_diff"], r["exit_price_diff"], r["pnl_drift"], r["paper"]["entry_price"], r["backtest"]["exit_price"]) == (3600, 3600, 2.002, -0.999, -30.01, 102.102, 103.896))(d["rows"][0])'
json_true "AAA drift in bps, worse on paper" "$J" '(lambda r: abs(r["entry_drift_bps"] - 2.002 / 100.1 * 1e4) < 1e-9 and abs(r["exit_drift_bps"] - 0.999 / 103.896 * 1e4) < 1e-9)(d["rows"][0])'
json_true "BBB: no difference" "$J" '(lambda r: (r["entry_delay_seconds"], r["entry_price_diff"], r["exit_price_diff"], r["pnl_drift"], r["entry_drift_bps"]) == (0, 0, 0, 0, 0))(d["rows"][1])'
json_true "CCC: missed, the backtest short" "$J" 'd["rows"][2]["paper"] is None and d["rows"][2]["direction"] == "SHORT" and d["rows"][2]["backtest"]["pnl_net"] == -4 and d["rows"][2]["pnl_drift"] == 4'
json_true "DDD: extra" "$J" 'd["rows"][3]["backtest"] is None and d["rows"][3]["paper"]["entry_time"] == "2024-01-02T12:00:00Z" and d["rows"][3]["pnl_drift"] == -0.4'

expect "paper drift, the text" 0 "" drift --ledger "$L" --bars "$tmp/hist" --signals "$tmp/signals.csv"
out_has "counts" "matched 2 (2 by signal id, 0 by time), missed 1, extra 1"
out_has "P&L" "P&L net:  paper +6.55, backtest +32.96; drift -26.41 = matched -30.01 + extra -0.40 - missed -4.00"
out_has "slippage" "slippage: realised 3.45, modelled 7.04"
out_has "the missed row" "missed        CCC     short  s3"
out_has "no negative zero" "+0.00     +0.00"

# By signal id only, a tolerance, a range.
expect "--by-signal-id: the same pairs" 0 "" drift --ledger "$L" --bars "$tmp/hist" \
	--signals "$tmp/signals.csv" --by-signal-id --json
check "by id only" test "$(json "$tmp/out" 'd["summary"]["matched"]')" = 2
sed 's/,s1$/,other/' "$tmp/signals.csv" > "$tmp/signals-noid.csv"
expect "AAA pairs by time when the ids differ (an hour apart, the default tolerance)" 0 "" drift \
	--ledger "$L" --bars "$tmp/hist" --signals "$tmp/signals-noid.csv" --json
check "AAA matched by time" test "$(json "$tmp/out" '[r["match"] for r in d["rows"] if r["symbol"] == "AAA"]')" = "['time']"
expect "--tolerance 30m: AAA no longer pairs" 0 "" drift --ledger "$L" --bars "$tmp/hist" \
	--signals "$tmp/signals-noid.csv" --tolerance 30m --json
check "AAA missed and extra" test "$(json "$tmp/out" 'sorted(r["kind"] for r in d["rows"] if r["symbol"] == "AAA")')" = "['extra', 'missed']"
expect "--from 11:30: only DDD on paper, nothing of the backtest" 0 "" drift --ledger "$L" \
	--bars "$tmp/hist" --signals "$tmp/signals.csv" --from 2024-01-02T11:30:00Z --json
check "range" test "$(json "$tmp/out" '(d["summary"]["paper_trades"], d["summary"]["backtest_trades"])')" = "(2, 0)"

# Without --signals: the signals of the account's own trades, each at the time its entry order
# was submitted (AAA's at 10:00, though it filled at 12:00), so AAA is replayed from 10:00 and
# enters the backtest at 11:00 as above; DDD's bars are the account's. Every trade pairs by
# signal id; the drift is AAA's alone: -30.01, paper 6.55 against 36.96 - 0.40.
expect "paper drift without --signals: the account's own" 0 "" drift --ledger "$L" \
	--bars "$tmp/hist" "$tmp/paper/DDD.csv" --json
json_true "own signals: three pairs by id" "$tmp/out" '(lambda s: (s["matched"], s["matched_by_signal_id"], s["missed"], s["extra"], s["paper_pnl"], s["backtest_pnl"], s["pnl_drift"], s["matched_pnl_drift"])  == (3, 3, 0, 0, 6.55, 36.56, -30.01, -30.01))(d["summary"])'
json_true "own signals: AAA replayed from its order's time, not its fill's" "$tmp/out" '[(r["backtest"]["entry_time"], r["paper"]["entry_time"]) for r in d["rows"] if r["symbol"] == "AAA"] == [("2024-01-02T11:00:00Z", "2024-01-02T12:00:00Z")]'
json_true "own signals: DDD the same on both sides" "$tmp/out" '[(r["signal_id"], r["pnl_drift"], r["entry_delay_seconds"]) for r in d["rows"] if r["symbol"] == "DDD"] == [("s4", 0, 0)]'

# The dashboard shows the comparison, the gate with the account's own thresholds (3 trades,
# 2 days of data) overridden by the options, and the recommendations: AAA makes all the
# profit (7.95 of 6.55); on the two pairs, realised slippage 3.05 is not 1.25 times the
# modelled 3.04, so that rule does not fire.
H=$tmp/dash.html
expect "paper report with the drift section" 0 "" report --ledger "$L" --html "$H" \
	--drift-bars "$tmp/hist" --drift-signals "$tmp/signals.csv" --min-psr 0.5 --min-calendar-days 1
check "drift section" grep -qF '<section class="drift" data-matched="2" data-missed="1" data-extra="1" data-pnl-drift="-26.41" data-realised-slippage="3.45" data-modelled-slippage="7.04">' "$H"
check "a missed row" grep -qF '<tr data-kind="missed" data-match="none" data-symbol="CCC" data-pnl-drift="4">' "$H"
check "min_trades from the account: 3 trades, at least 3" grep -qF 'data-check="min_trades" data-pass="true" data-value="3" data-threshold="3"' "$H"
check "min_trading_days from the account: 1 day, at least 2" grep -qF 'data-check="min_trading_days" data-pass="false" data-value="1" data-threshold="2"' "$H"
check "min_psr from the option" grep -qF 'data-threshold="0.5" data-small-sample="true"' "$H"
check "calendar days: 10:00 to 14:00 is 1/6 of a day, under 1" grep -qF 'data-check="min_calendar_days" data-pass="false" data-value="0.1666666667" data-threshold="1"' "$H"
check "one recommendation" grep -qF 'data-recommendations="1"><li data-rule="one_symbol_profit" data-value="1.213740458" data-threshold="1">AAA makes all the profit: 7.95 of the 6.55 net (121%)' "$H"
expect "--drift-bars alone: the account's own signals" 0 "" report --ledger "$L" \
	--html "$tmp/own.html" --drift-bars "$tmp/hist" "$tmp/paper/DDD.csv"
check "own signals on the dashboard" grep -qF '<section class="drift" data-matched="3" data-missed="0" data-extra="0" data-pnl-drift="-30.01"' "$tmp/own.html"
expect "--drift-signals alone" 2 "--drift-signals needs --drift-bars" report --ledger "$L" \
	--html "$H" --drift-signals "$tmp/signals.csv"
expect "--min-psr above 1" 2 "--min-psr: 2 is not a fraction" report --ledger "$L" --html "$H" --min-psr 2
expect "--min-calendar-days negative" 2 "not a number of days" report --ledger "$L" --html "$H" \
	--min-calendar-days -1
# paper stats: the same gate, in the text and under "readiness" in the JSON.
expect "paper stats" 0 "" stats --ledger "$L"
out_has "the gate" "readiness: not ready"
out_has "a criterion line" "FAIL min_trading_days"
out_has "small sample" "PASS min_trades"
out_has "the advice" "  - AAA makes all the profit: 7.95 of the 6.55 net (121%)"
expect "paper stats --json" 0 "" stats --ledger "$L" --json
json_true "stats --json: metrics and readiness" "$tmp/out" 'd["schema_version"] == 2 and d["readiness"]["ready"] is False and [c["id"] for c in d["readiness"]["criteria"]][-1] == "min_track_record" and {c["id"]: c["threshold"] for c in d["readiness"]["criteria"]}["min_trades"] == 3'

# Bad input.
expect "no --bars" 2 "drift needs the bars" drift --ledger "$L" --signals "$tmp/signals.csv"
expect "own signals, a symbol without bars (DDD)" 2 "unknown symbol" drift --ledger "$L" --bars "$tmp/hist"
expect "bad tolerance" 2 "--tolerance: 'soon' is not a duration" drift --ledger "$L" \
	--bars "$tmp/hist" --signals "$tmp/signals.csv" --tolerance soon
expect "negative tolerance" 2 "is not a duration" drift --ledger "$L" --bars "$tmp/hist" \
	--signals "$tmp/signals.csv" --tolerance -5m
expect "a signal for a symbol without bars" 2 "unknown symbol" drift --ledger "$L" \
	--bars "$tmp/hist/AAA.csv" --signals "$tmp/signals.csv"
expect "no such ledger" 3 "" drift --ledger "$tmp/none.db" --bars "$tmp/hist" --signals "$tmp/signals.csv"
expect "--to before --from" 2 "--to must be after --from" drift --ledger "$L" --bars "$tmp/hist" \
	--signals "$tmp/signals.csv" --from 2024-01-03 --to 2024-01-02

finish
