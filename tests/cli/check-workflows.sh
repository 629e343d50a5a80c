#!/bin/sh
# The workflows our users come from (issue 16), through the paper command:
# - a daily trade plan into a persistent account (seed 004): paper execute without --bars,
#   once per plan row and session however often it runs, its exits taken later by paper mark;
# - a decisions inbox with confidence-and-risk sizing at the decision's own price (seed 002),
#   filled on the next price, refused decisions counted and shown with their reasons;
# - prices piped from any script: paper mark - (SYMBOL PRICE [TIME] lines or a CSV).
# Usage: check-workflows.sh PAPER
set -u
paper=$1
. "$(dirname "$0")/lib.sh"

D=2024-03-04
L=$tmp/broker.db
A="--ledger $L"

# ---- seed 004: the day's plan into the persistent account ----
"$paper" init $A --cash 5000 > /dev/null || fail "init"
printf 'symbol,side,qty,notional,limit,take_profit,stop_loss,max_hold\n' > "$tmp/plan.csv"
printf 'AAPL,LONG,1,,,190,170,\nMSFT,LONG,,900,,,390,2d\nXOM,SHORT,2,,,100,,\nAAPL,LONG,1,,,,,\n' >> "$tmp/plan.csv"
printf 'timestamp,symbol,price\n%sT14:00:00Z,AAPL,180\n%sT14:00:00Z,MSFT,400\n' "$D" "$D" > "$tmp/open.csv"
"$paper" mark $A --prices "$tmp/open.csv" > /dev/null || fail "mark the opening prices"

expect "execute into the account" 0 "" execute --plan "$tmp/plan.csv" $A --date "$D" --plan-id daily
out_has "execute: AAPL placed" "line 2: AAPL LONG: placed order 1 plan-daily-$D-2"
out_has "execute: MSFT placed" "line 3: MSFT LONG: placed order 2 plan-daily-$D-3"
out_has "execute: XOM has no price yet" "line 4: XOM SHORT: rejected (no market data for symbol XOM)"
out_has "execute: a second AAPL row while the first is open" "line 5: AAPL LONG: position_open"
out_has "execute: the total" "plan daily for $D into account default: 4 rows, 2 orders placed, 0 already executed"

# The same plan for the same session again: nothing placed twice; the row that had no price
# is tried again (it placed nothing).
"$paper" mark $A XOM 105 --at "${D}T14:00:30Z" > /dev/null || fail "mark XOM"
expect "execute again, same session" 0 "" execute --plan "$tmp/plan.csv" $A --date "$D" --plan-id daily --json
json_true "execute again: AAPL and MSFT already executed, with their orders" "$tmp/out" \
	'[(r["line"], r["verdict"], r["order_id"]) for r in d["rows"]][:2] == [(2, "already_executed", 1), (3, "already_executed", 2)]'
json_true "execute again: XOM placed now, nothing else" "$tmp/out" \
	'd["orders_placed"] == 1 and d["already_executed"] == 2 and d["rows"][2]["verdict"] == "trade" and d["rows"][2]["order_id"] == 3'
expect "execute a third time" 0 "" execute --plan "$tmp/plan.csv" $A --date "$D" --plan-id daily --json
json_true "execute a third time: nothing placed" "$tmp/out" 'd["orders_placed"] == 0 and d["already_executed"] == 3'
check "three orders in all, one per row that traded" test "$(sql "$L" "SELECT order_id, signal_id FROM orders_v WHERE order_id > 0 ORDER BY order_id")" = "$(printf '1\tplan-daily-%s-2\n2\tplan-daily-%s-3\n3\tplan-daily-%s-4' "$D" "$D" "$D")"
# The default plan id is the file's digest: the same file, the same id.
expect "execute: default plan id" 0 "" execute --plan "$tmp/plan.csv" $A --date "$D" --json
digest=$(sha256sum "$tmp/plan.csv" | cut -c1-16)
json_true "execute: the plan id is the file's digest" "$tmp/out" "d['plan_id'] == '$digest'"

# The next prices fill the orders; the plan's exits are the account's: AAPL's take profit
# at 190 closes it on a later mark, MSFT's 2-day time limit when its time comes.
printf 'timestamp,symbol,price\n%sT14:01:00Z,AAPL,181\n%sT14:01:00Z,MSFT,401\n%sT14:01:00Z,XOM,104\n' "$D" "$D" "$D" > "$tmp/next.csv"
expect "mark fills the plan" 0 "" mark $A --prices "$tmp/next.csv" --json
json_true "mark: three fills, no exit yet" "$tmp/out" 'len(d["fills"]) == 3 and d["trades"] == []'
expect "mark --no-exits leaves the take profit alone" 0 "" mark $A AAPL 191 --at "${D}T14:02:00Z" --no-exits --json
json_true "mark --no-exits: no trade" "$tmp/out" 'd["trades"] == []'
expect "mark: the take profit is reached" 0 "" mark $A AAPL 192 --at "${D}T14:03:00Z" --json
json_true "mark: AAPL closed by its plan's take profit" "$tmp/out" \
	'[(t["symbol"], t["exit_reason"], t["signal_id"]) for t in d["trades"]] == [("AAPL", "take_profit", "plan-daily-'$D'-2")]'
expect "mark: XOM's take profit (a short, at 100)" 0 "" mark $A XOM 99 --at "${D}T14:04:00Z" --json
json_true "mark: XOM closed by its take profit" "$tmp/out" \
	'[(t["symbol"], t["exit_reason"]) for t in d["trades"]] == [("XOM", "take_profit")]'
expect "mark: MSFT inside its levels, before its time" 0 "" mark $A MSFT 399 --at "2024-03-06T14:00:00Z" --json
json_true "mark: MSFT kept" "$tmp/out" 'd["trades"] == []'
expect "mark: MSFT past its 2 days" 0 "" mark $A MSFT 399 --at "2024-03-06T14:02:00Z" --json
json_true "mark: MSFT closed by its time limit" "$tmp/out" \
	'[(t["symbol"], t["exit_reason"]) for t in d["trades"]] == [("MSFT", "time_limit")]'
check "the view says the same" test "$(sql "$L" "SELECT symbol, exit_reason, outcome FROM trades_v ORDER BY trade_id")" = "$(printf 'AAPL\ttake_profit\twin\nXOM\ttake_profit\twin\nMSFT\ttime_limit\tloss')"

# The next session's plan: placed again (another --date).
expect "execute the next day" 0 "" execute --plan "$tmp/plan.csv" $A --date 2024-03-05 --plan-id daily --json
json_true "execute the next day: its own signal ids" "$tmp/out" \
	'd["rows"][0]["signal_id"] == "plan-daily-2024-03-05-2" and d["rows"][0]["verdict"] == "trade"'

expect "execute: --set without bars" 2 "the account runs with the config it was created with" execute --plan "$tmp/plan.csv" $A --set session.tp_pct=3
expect "execute: --at without bars" 2 "go with --bars" execute --plan "$tmp/plan.csv" $A --at "${D}T15:00:00Z"
expect "execute: a bad --date" 2 "--date: '2024-3-4' is not YYYY-MM-DD" execute --plan "$tmp/plan.csv" $A --date 2024-3-4
expect "execute: a bad --plan-id" 2 "--plan-id: 1 to 24" execute --plan "$tmp/plan.csv" $A --plan-id 'a b'
expect "execute: --plan-id with bars" 2 "go without --bars" execute --plan "$tmp/plan.csv" --bars "$tmp/open.csv" --orders-out "$tmp/o.csv" --plan-id x
expect "execute: no such ledger" 3 "" execute --plan "$tmp/plan.csv" --ledger "$tmp/none.db"
check "execute: a missing ledger is not created" test ! -e "$tmp/none.db"
expect "execute: no such account" 3 "" execute --plan "$tmp/plan.csv" $A --account nobody

# ---- seed 002: the inbox with risk and current_price ----
L2=$tmp/crypto.db
"$paper" init --ledger "$L2" --cash 10000 --set session.sizing=fraction \
	--set session.fraction_base=0.2 --set session.fractional=true \
	--set session.lot_size=0.00000001 --set limits.allowed_symbols=BTC-USD,ETH-USD \
	--set limits.min_confidence=0.5 > /dev/null || fail "init the crypto account"
sql "$L2" "INSERT INTO decisions (account, symbol, side, confidence, risk, current_price)
	VALUES ('default', 'BTC-USD', 'buy', 0.8, 0.5, 50000)" > /dev/null
sql "$L2" "INSERT INTO decisions (account, symbol, side, confidence)
	VALUES ('default', 'DOGE-USD', 'buy', 0.9)" > /dev/null
sql "$L2" "INSERT INTO decisions (account, symbol, side, confidence)
	VALUES ('default', 'ETH-USD', 'buy', 0.9)" > /dev/null
sql "$L2" "INSERT INTO decisions (account, symbol, side, confidence)
	VALUES ('default', 'SOL-USD', 'sell', 0.7)" > /dev/null
printf 'timestamp,symbol,price\n%sT14:00:00Z,BTC-USD,51000\n%sT14:00:00Z,ETH-USD,3000\n' "$D" "$D" > "$tmp/run.csv"
"$paper" run --ledger "$L2" --prices - --interval 1 < "$tmp/run.csv" > "$tmp/run.out" 2> "$tmp/run.err"
check "run: stops at the end of its input" test $? -eq 0
# 10,000 x 0.2 x 0.8 / 0.8 x (1 - 0.5 x 0.5) = 1,500 at the decision's 50,000: 0.03 BTC; ETH
# without a current_price at its last price: 10,000 x 0.2 x 0.9 / 0.8 / 3,000 = 0.75.
check "run: BTC sized at the decision's price, with its risk" grep -qF "BTC-USD LONG 0.03 conf 0.80 risk 0.50 sized at 50000.00 order 1 decision 1 (fills on the next BTC-USD price)" "$tmp/run.out"
check "run: ETH sized at its last price" grep -qE "ETH-USD LONG 0.75 conf 0.90 order 2 decision 3" "$tmp/run.out"
check "run: DOGE refused" grep -qF "DOGE-USD LONG: symbol_not_allowed (limits.allowed_symbols) decision 2" "$tmp/run.out"
check "run: the stop line counts the rejections" grep -qE "^PAPER STOP .* 2 rejected;" "$tmp/run.out"
check "run: the orders rest until the next price" test "$(sql "$L2" "SELECT count(*) FROM orders_v WHERE status = 'accepted'")" = 2

# Prices from a script, on standard input: SYMBOL PRICE TIME lines, blanks and comments.
printf '# from fetch_prices\nBTC-USD 52000 %sT14:01:00Z\n\nETH-USD\t3010.5\t%sT14:01:00Z\n' "$D" "$D" |
	"$paper" mark --ledger "$L2" - --json > "$tmp/mark.json" 2> "$tmp/mark.err"
check "mark -: exit 0" test $? -eq 0
json_true "mark -: two prices, two fills" "$tmp/mark.json" 'd["applied"] == 2 and len(d["fills"]) == 2'
json_true "mark -: the fill is on the next price, not the decision's" "$tmp/mark.json" \
	'd["fills"][0]["symbol"] == "BTC-USD" and d["fills"][0]["price"] >= 52000 and d["fills"][0]["qty"] == 0.03'
check "orders_v: the decision's price beside the fill" test "$(sql "$L2" "SELECT symbol, status, decision_price, avg_fill_price > 52000 FROM orders_v WHERE order_id = 1")" = "$(printf 'BTC-USD\tfilled\t50000.0\t1')"
check "orders_v: the refused decisions are not orders" test "$(sql "$L2" "SELECT count(*) FROM orders_v")" = 2
# The session as a backtest: signals.csv carries each decision's risk and price, so a replay
# sizes BTC at 50,000 with risk 0.5 as the run did (0.03), not at its bar (0.0288...).
"$paper" export --ledger "$L2" --dir "$tmp/x2" --prices > /dev/null 2> "$tmp/err" || fail "export --prices: $(cat "$tmp/err")"
check "export: signals.csv with the decision's risk and price" grep -qxF "${D}T14:00:00Z,BTC-USD,LONG,0.8,,,0.5,50000,decision-1,inbox" "$tmp/x2/signals.csv"
check "export: a decision without them" grep -qxF "${D}T14:00:00Z,ETH-USD,LONG,0.9,,,,,decision-3,inbox" "$tmp/x2/signals.csv"
printf 'timestamp,symbol,open,high,low,close,volume\n%sT14:00:00Z,BTC-USD,51000,51000,51000,51000,1\n%sT14:00:00Z,ETH-USD,3000,3000,3000,3000,1\n%sT14:01:00Z,BTC-USD,52000,52000,52000,52000,1\n%sT14:01:00Z,ETH-USD,3010,3010,3010,3010,1\n' "$D" "$D" "$D" "$D" > "$tmp/x2/bars.csv"
"$paper" replay --bars "$tmp/x2/bars.csv" --signals "$tmp/x2/signals.csv" --set account.starting_cash=10000 \
	--set session.sizing=fraction --set session.fraction_base=0.2 --set session.fractional=true \
	--set session.lot_size=0.00000001 --set limits.min_confidence=0.5 \
	--trades-out "$tmp/x2/trades.csv" --summary-out "$tmp/x2/s.json" --quiet --no-progress > /dev/null 2> "$tmp/err" || fail "replay of the export: $(cat "$tmp/err")"
check "replay: BTC sized as the run sized it" grep -qE "^([^,]*,){0,12}BTC-USD,.*,0\.03," "$tmp/x2/trades.csv"

# A bad line anywhere changes nothing; a CSV works from standard input too.
printf 'BTC-USD 52100 %sT14:02:00Z\nETH-USD abc %sT14:02:00Z\n' "$D" "$D" |
	"$paper" mark --ledger "$L2" - > "$tmp/out" 2> "$tmp/err"
check "mark -: a bad line is exit 2" test $? -eq 2
check "mark -: names standard input and the line" grep -qF "standard input:2: price 'abc' is not a number" "$tmp/err"
check "mark -: nothing applied" grep -qF "(nothing was applied)" "$tmp/err"
printf 'timestamp,symbol,price\n%sT14:03:00Z,BTC-USD,52200\n' "$D" |
	"$paper" mark --ledger "$L2" --prices - --json > "$tmp/mark2.json" || fail "mark --prices - (CSV)"
json_true "mark --prices -: a CSV on standard input" "$tmp/mark2.json" 'd["applied"] == 1 and d["ts"] == "'$D'T14:03:00Z"'
# As spreadsheets save it: a byte order mark and CRLF line ends.
printf '\357\273\277timestamp,symbol,price\r\n%sT14:03:30Z,BTC-USD,52210\r\n' "$D" > "$tmp/bom.csv"
"$paper" mark --ledger "$L2" --prices "$tmp/bom.csv" --json > "$tmp/mark3.json" 2> "$tmp/err" || fail "mark: a BOM: $(cat "$tmp/err")"
json_true "mark --prices: a byte order mark is no part of the header" "$tmp/mark3.json" 'd["applied"] == 1'

# The refused decisions are errors, with their reasons.
expect "status: the refused decisions" 0 "" status --ledger "$L2"
out_has "status: decisions line" "2 rejected   0 pending, 2 executed, 0 skipped; reasons: "
out_has "status: DOGE's and SOL's reason" "reasons: symbol_not_allowed (limits.allowed_symbols) x2"
expect "status --json" 0 "" status --ledger "$L2" --json
json_true "status --json: counted beside the order rejections" "$tmp/out" \
	'd["rejected_decisions"] == 2 and d["rejections"] == 0 and d["errors"] == 2 and d["decisions"] == {"pending": 0, "executed": 2, "skipped": 0, "rejected": 2}'
json_true "status --json: each reason once, counted" "$tmp/out" \
	'd["rejected_decision_reasons"] == [{"reason": "symbol_not_allowed (limits.allowed_symbols)", "count": 2}]'
expect "report" 0 "" report --ledger "$L2" --html "$tmp/dash.html"
check "report: the readiness errors count the refused decisions" grep -qF 'data-check="errors" data-pass="false"' "$tmp/dash.html"
check "report: the rejected_decisions KPI" grep -qF 'data-kpi="rejected_decisions" data-value="2"' "$tmp/dash.html"
check "performance_v counts them" test "$(sql "$L2" "SELECT rejections, rejected_decisions FROM performance_v")" = "$(printf '0\t2')"

# A decision whose order the broker refuses is one error, the refused order, not two; the
# inbox keeps the reason's name (0.04 BTC > limits.max_order_qty 0.01).
L4=$tmp/refused.db
"$paper" init --ledger "$L4" --cash 10000 --set session.sizing=fraction --set session.fractional=true \
	--set session.lot_size=0.00000001 --set limits.max_order_qty=0.01 > /dev/null || fail "init L4"
sql "$L4" "INSERT INTO decisions (account, symbol, side, confidence) VALUES ('default', 'BTC-USD', 'buy', 0.8)" > /dev/null
printf 'timestamp,symbol,price\n%sT14:00:00Z,BTC-USD,50000\n' "$D" > "$tmp/l4.csv"
"$paper" run --ledger "$L4" --prices - --interval 1 < "$tmp/l4.csv" > "$tmp/l4.out" 2>&1 || fail "run L4"
check "run: the broker's whole message on the line" grep -qF "BTC-USD LONG: BTC-USD: qty 0.04 exceeds limits.max_order_qty 0.01 decision 1" "$tmp/l4.out"
expect "status --json: the refused order" 0 "" status --ledger "$L4" --json
json_true "status --json: one refusal, one error" "$tmp/out" \
	'(d["rejections"], d["rejected_decisions"], d["errors"]) == (1, 1, 1) and d["rejected_decision_reasons"] == [{"reason": "order refused: max_order_qty", "count": 1}]'
expect "stats --json: the gate counts it once" 0 "" stats --ledger "$L4" --json
json_true "stats: one error" "$tmp/out" '{c["id"]: c["value"] for c in d["readiness"]["criteria"]}["errors"] == 1'
# A row no reader can take is refused with its line and its count, like the others.
sql "$L4" "INSERT INTO decisions (account, symbol, side, confidence, current_price) VALUES ('default', 'BTC-USD', 'buy', 0.8, 1e300)" > /dev/null
printf 'timestamp,symbol,price\n%sT14:01:00Z,BTC-USD,50000\n' "$D" > "$tmp/l4b.csv"
"$paper" run --ledger "$L4" --prices - --interval 1 < "$tmp/l4b.csv" > "$tmp/l4b.out" 2>&1 || fail "run L4 again"
check "run: the unreadable row's line" grep -qF "BTC-USD: current_price 1e+300 is not a price (or 0: none) decision 2" "$tmp/l4b.out"
check "run: counted in the stop line" grep -qE "^PAPER STOP .* 1 rejected;" "$tmp/l4b.out"
# A decision for a contract that has expired is refused and the run goes on to the next one
# (here refused too, by max_order_qty: it was taken, not left pending).
sql "$L4" "INSERT INTO decisions (account, symbol, side, confidence) VALUES ('default', 'SPY231215C00400000', 'buy', 0.8)" > /dev/null
sql "$L4" "INSERT INTO decisions (account, symbol, side, confidence) VALUES ('default', 'ETH-USD', 'buy', 0.8)" > /dev/null
printf 'timestamp,symbol,price\n%sT14:02:00Z,SPY231215C00400000,1.5\n%sT14:02:00Z,ETH-USD,3000\n' "$D" "$D" > "$tmp/l4c.csv"
"$paper" run --ledger "$L4" --prices - --interval 1 < "$tmp/l4c.csv" > "$tmp/l4c.out" 2>&1
check "run: an expired contract's decision does not stop the run" test $? -eq 0
check "run: refused as expired" grep -qF "SPY231215C00400000 expired at 2023-12-15T21:00:00Z: no more orders decision 3" "$tmp/l4c.out"
check "run: the next decision is taken" test "$(sql "$L4" "SELECT status, outcome FROM decisions WHERE id IN (3, 4) ORDER BY id")" = "$(printf 'rejected\torder refused: expired\nrejected\torder refused: max_order_qty')"

# The gate's error-free days end at the last refused decision: an account marked on March 4
# and March 6 whose decision was refused on March 5 at 14:00 has one error-free day (the
# refusal's time is when it was marked; after the account's clock, its created_ts).
L3=$tmp/gate.db
"$paper" init --ledger "$L3" --cash 10000 --set readiness.min_error_free_days=1.5 > /dev/null ||
	fail "init the gate account"
"$paper" mark --ledger "$L3" AAPL 100 --at "2024-03-04T14:00:00Z" > /dev/null || fail "mark 4"
"$paper" mark --ledger "$L3" AAPL 101 --at "2024-03-06T14:00:00Z" > /dev/null || fail "mark 6"
sql "$L3" "INSERT INTO decisions (account, created_ts, symbol, side, confidence) VALUES
	('default', 1709647200000000, 'MSFT', 'buy', 0.9)" > /dev/null
sql "$L3" "UPDATE decisions SET status = 'rejected', processed_ts = 1709647200000000,
	outcome = 'max_open_positions (limits.max_open_positions)'" > /dev/null
sql "$L3" "INSERT INTO decisions (account, created_ts, symbol, side, confidence) VALUES
	('default', 1709568000000000, 'MSFT', 'buy', 0.9)" > /dev/null
sql "$L3" "UPDATE decisions SET status = 'rejected', outcome = 'symbol_not_allowed'
	WHERE status = 'pending'" > /dev/null
expect "stats --json: the gate with the inbox" 0 "" stats --ledger "$L3" --json
json_true "stats: two refused decisions are the errors" "$tmp/out" \
	'{c["id"]: c["value"] for c in d["readiness"]["criteria"]}["errors"] == 2'
json_true "stats: one error-free day, since March 5 14:00" "$tmp/out" \
	'(lambda c: (c["value"], c["pass"]))({c["id"]: c for c in d["readiness"]["criteria"]}["min_error_free_days"]) == (1, False)'
expect "report: the gate with the inbox" 0 "" report --ledger "$L3" --html "$tmp/gate.html"
check "report: one error-free day" grep -qF 'data-check="min_error_free_days" data-pass="false" data-value="1" data-threshold="1.5"' "$tmp/gate.html"

# Not while paper run drives the account.
printf 'timestamp,symbol,price\n' > "$tmp/live.csv"
"$paper" run --ledger "$L2" --prices "$tmp/live.csv" --interval 60 > "$tmp/run2.out" 2>&1 &
run_pid=$!
bg_pids="$bg_pids $run_pid"
wait_for "$tmp/run2.out" '^PAPER START ' || finish
expect "execute while paper run holds the account" 4 "" execute --plan "$tmp/plan.csv" --ledger "$L2" --date "$D"
kill -TERM "$run_pid"
wait "$run_pid"
check "paper run stopped cleanly" test $? -eq 0
check "execute placed nothing meanwhile" test "$(sql "$L2" "SELECT count(*) FROM orders_v WHERE signal_id LIKE 'plan-%'")" = 0

finish
