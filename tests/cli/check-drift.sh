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

# Without --signals, an account traded by paper run on its decisions inbox: every decision it
# received is replayed, refused ones included. No costs, 10 units a decision, 120 minutes at
# most, one position at a time, confidence at least 0.5. Live, decision 1 (AAA, 10:00) fills
# at 12:00 at 102 (no 11:00 price) and leaves at 14:00 at 104: +20; decision 2 (BBB, 13:00)
# is refused, AAA being still open; decision 3 (CCC, 14:00, confidence 0.3) is skipped. The
# backtest's AAA enters at 11:00 at 100 and leaves at 13:00 at 103 (+30), so BBB is taken at
# 13:00, entered at 14:00 at 51 and left at 16:00 at 52 (+10): a missed trade, shown with the
# live refusal's reason; CCC is skipped there too. -20 = (20 - 30) + 0 - 10.
D=$tmp/decisions.db
"$paper" init --ledger "$D" --cash 10000 --set costs.commission_pct=0 --set costs.commission_min=0 \
	--set costs.slippage_pct=0 --set costs.slippage_jitter=0 --set costs.slippage_size_impact=0 \
	--set session.sizing=qty --set session.qty=10 --set session.tp_pct=0 --set session.sl_pct=0 \
	--set session.max_hold_minutes=120 --set limits.max_open_positions=1 \
	--set limits.min_confidence=0.5 --set limits.daily_loss_limit=1 > /dev/null || fail "init"
decide() { # HOUR SYMBOL SIDE CONFIDENCE: a decision created at that hour of 2024-01-02
	sql "$D" "INSERT INTO decisions (account, created_ts, symbol, side, confidence) VALUES
		('default', $(( (1704153600 + $1 * 3600) * 1000000 )), '$2', '$3', $4)" > /dev/null
}
run_prices() { # HOUR,SYMBOL,PRICE...: paper run over these prices, then its decisions
	{ echo timestamp,symbol,price
	  for x in "$@"; do echo "2024-01-02T${x%%,*}:00:00Z,${x#*,}"; done; } > "$tmp/p.csv"
	"$paper" run --ledger "$D" --prices - --interval 1 < "$tmp/p.csv" >> "$tmp/run.out" 2>&1 ||
		fail "paper run over $*"
}
decide 10 AAA buy 1
run_prices 10,AAA,100 10,BBB,50
run_prices 11,BBB,50 12,AAA,102 12,BBB,50
decide 13 BBB buy 1
run_prices 13,AAA,103 13,BBB,50
decide 14 CCC buy 0.3
# Any program may write targets on the wrong side of each other: refused live whatever the
# prices, and not a signal the backtest can take; it does not stop the comparison.
sql "$D" "INSERT INTO decisions (account, created_ts, symbol, side, confidence, take_profit,
	stop_loss) VALUES ('default', $(( (1704153600 + 15 * 3600) * 1000000 )), 'AAA', 'buy', 1,
	90, 110)" > /dev/null
run_prices 14,AAA,104 14,BBB,51 14,CCC,20 15,AAA,104 15,BBB,52 15,CCC,20 16,AAA,104 16,BBB,52 \
	16,CCC,20
check "live: decision 2 refused" grep -qF "PAPER REJECT 2024-01-02 13:00:00 BBB LONG: BBB: 1 open positions already, limits.max_open_positions is 1 decision 2" "$tmp/run.out"
check "live: one trade, +20" grep -qF "PAPER EXIT 2024-01-02 14:00:00 AAA LONG 10 @ 104.00 reason time_limit pnl +20.00" "$tmp/run.out"
bars "$tmp/dhist" AAA 10:100 11:100 12:102 13:103 14:104 15:104 16:104
bars "$tmp/dhist" BBB 10:50 11:50 12:50 13:50 14:51 15:52 16:52
bars "$tmp/dhist" CCC 14:20 15:20 16:20
expect "drift of the account's decisions --json" 0 "" drift --ledger "$D" --bars "$tmp/dhist" --json
json_true "decisions: AAA matched by id, BBB missed" "$tmp/out" '[(r["kind"], r["symbol"], r["signal_id"], r["pnl_drift"]) for r in d["rows"]] == [("matched", "AAA", "decision-1", -10), ("missed", "BBB", "decision-2", -10)]'
json_true "decisions: the P&L reconciles" "$tmp/out" '(lambda s: (s["paper_pnl"], s["backtest_pnl"], s["pnl_drift"], s["matched_pnl_drift"], s["extra_pnl"], s["missed_pnl"], s["missed"], s["extra"])  == (20, 40, -20, -10, 0, 10, 1, 0))(d["summary"])'
json_true "decisions: AAA an hour later, 2 dearer in, 1 dearer out" "$tmp/out" '(lambda r: (r["paper"]["entry_price"], r["backtest"]["entry_price"], r["paper"]["exit_price"], r["backtest"]["exit_price"], r["entry_delay_seconds"], r["exit_delay_seconds"], r["entry_drift_bps"], round(r["exit_drift_bps"], 9)) == (102, 100, 104, 103, 3600, 3600, 200, round(-1 / 103 * 1e4, 9)))(d["rows"][0])'
json_true "decisions: BBB in the backtest, 14:00 at 51 to 16:00 at 52" "$tmp/out" '(lambda b: (b["entry_time"], b["entry_price"], b["exit_time"], b["exit_price"], b["pnl_net"])  == ("2024-01-02T14:00:00Z", 51, "2024-01-02T16:00:00Z", 52, 10))(d["rows"][1]["backtest"])'
json_true "decisions: the refused ones with their live reasons" "$tmp/out" '[(x["decision"], x["signal_id"], x["symbol"], x["direction"], x["created"], x["status"], x["reason"], x["backtest_traded"], x["backtest_kind"]) for x in d["refused_decisions"][:2]] == [(2, "decision-2", "BBB", "LONG", "2024-01-02T13:00:00Z", "rejected", "order refused: max_open_positions", True, "missed"), (3, "decision-3", "CCC", "LONG", "2024-01-02T14:00:00Z", "skipped", "low_confidence (0.30 < limits.min_confidence 0.50)", False, None)] and (lambda x: (x["decision"], x["status"], x["backtest_traded"], "take_profit" in x["reason"]))(d["refused_decisions"][2]) == (4, "rejected", False, True) and len(d["refused_decisions"]) == 3'
expect "drift of the account's decisions, the text" 0 "" drift --ledger "$D" --bars "$tmp/dhist"
out_has "decisions: counts" "paper 1, backtest 2; matched 1 (1 by signal id, 0 by time), missed 1, extra 0"
out_has "decisions: P&L" "drift -20.00 = matched -10.00 + extra 0.00 - missed +10.00"
out_has "decisions: the refusal's reason" "decision 2 BBB long at 2024-01-02 13:00:00: rejected live (order refused: max_open_positions); backtest: traded, missed +10.00"
out_has "decisions: refused on both sides" "decision 3 CCC long at 2024-01-02 14:00:00: skipped live (low_confidence (0.30 < limits.min_confidence 0.50)); backtest: no closed trade"
expect "--from after the refusal: it is not replayed" 0 "" drift --ledger "$D" --bars "$tmp/dhist" \
	--from 2024-01-02T13:30:00Z --json
json_true "--from: no decision in the period but CCC's and the bad targets'" "$tmp/out" '[x["decision"] for x in d["refused_decisions"]] == [3, 4] and d["summary"]["backtest_trades"] == 0'
expect "--signals: the refusals are not the file's" 0 "" drift --ledger "$D" --bars "$tmp/dhist" \
	--signals "$tmp/signals.csv" --json
json_true "--signals: no refused_decisions key" "$tmp/out" '"refused_decisions" not in d'
expect "the dashboard with the account's decisions" 0 "" report --ledger "$D" \
	--html "$tmp/dec.html" --drift-bars "$tmp/dhist"
check "the dashboard: BBB missed" grep -qF '<section class="drift" data-matched="1" data-missed="1" data-extra="0" data-pnl-drift="-20"' "$tmp/dec.html"

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
