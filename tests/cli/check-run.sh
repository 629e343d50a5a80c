#!/bin/sh
# paper run: start it on a fresh ledger, add decisions and append prices, see it enter, skip,
# wait and exit; SIGTERM stops it with exit 0 after the cycle; started again it resumes
# (no decision entered twice, the price file read on from where it stopped, new decisions
# processed). Also standard input, SIGINT, the account lock and bad arguments.
# Usage: check-run.sh PAPER PAPER_DECIDE
set -u
paper=$1
decide=$2
. "$(dirname "$0")/lib.sh"

L=$tmp/run.db
F=$tmp/prices.csv
A="--ledger $L"

# start_run OUT: paper run in the background, its pid in $run_pid, once it has started.
start_run() {
	"$paper" run $A --prices "$F" --interval 1 > "$1" 2> "$1.err" &
	run_pid=$!
	bg_pids=$run_pid
	wait_for "$1" '^PAPER START '
}

# stop_run OUT ERRORS: SIGTERM; then the exit status must be 0, the stop line there, and
# ERRORS lines on standard error (the bad price lines).
stop_run() {
	kill -TERM "$run_pid"
	wait "$run_pid"
	rc=$?
	bg_pids="" # reaped: its pid is no longer ours to kill
	check "run stops on SIGTERM with exit 0 (got $rc)" test "$rc" -eq 0
	check "run prints its stop line" grep -q '^PAPER STOP ' "$1"
	if ! check "run wrote $2 lines on standard error" test "$(wc -l < "$1.err")" -eq "$2"; then
		sed 's/^/    /' "$1.err"
	fi
}

count() { # FILE PATTERN
	grep -cE -- "$2" "$1"
}

"$paper" init $A --cash 100000 --set limits.min_confidence=0.6 --set session.max_hold_minutes=0 \
	> /dev/null || fail "init"
printf 'timestamp,symbol,price\n2024-03-01T14:30:00Z,AAPL,100\n2024-03-01T14:30:00Z,MSFT,50\n' > "$F"

# ---- bad arguments ----
expect "run: no --prices" 2 "--prices FILE (or - for standard input) is required" run $A
expect "run: bad interval" 2 "--interval: '0'" run $A --prices "$F" --interval 0
expect "run: fractional interval" 2 "--interval: '1.5'" run $A --prices "$F" --interval 1.5
expect "run: missing price file" 2 "nope.csv" run $A --prices "$tmp/nope.csv"
expect "run: missing ledger" 3 "no ledger at" run --ledger "$tmp/none.db" --prices "$F"
expect "run: bad --lot" 2 "--lot" run $A --prices "$F" --lot AAPL

# ---- first run ----
start_run "$tmp/run1"
id1=$("$decide" "$L" default AAPL buy 0.9 102 98)  # enters, then takes profit
id2=$("$decide" "$L" default MSFT buy 0.3)         # below limits.min_confidence: skipped
id3=$("$decide" "$L" default ZZZ buy 0.8)          # no price yet: waits
id4=$("$decide" "$L" default MSFT buy 0.95 60 45)  # enters and stays open
wait_for "$tmp/run1" "^PAPER ORDER .* AAPL LONG [0-9]+ conf 0.90 order [0-9]+ decision $id1 "
wait_for "$tmp/run1" "^PAPER SKIP .* MSFT LONG: low_confidence \(0.30 < limits.min_confidence 0.60\) decision $id2$"
wait_for "$tmp/run1" "^PAPER WAIT .* ZZZ LONG: no price for ZZZ yet.* decision $id3$"
wait_for "$tmp/run1" "^PAPER ORDER .* MSFT LONG [0-9]+ conf 0.95 order [0-9]+ decision $id4 "
check "entries wait for a later price" test "$(count "$tmp/run1" '^PAPER ENTRY')" -eq 0

# The entries fill on the next prices; AAPL then reaches its take profit. A bad line is
# skipped with a message; a line still being written is left for later.
{
	printf '2024-03-01T14:31:00Z,AAPL,100.5\n2024-03-01T14:31:00Z,MSFT,51\n'
	printf 'this,is,garbage\n'
	printf '2024-03-01T14:32:00Z,AAPL,102.5\n'
	printf '2024-03-01T14:33:00Z,MSFT,5'
} >> "$F"
wait_for "$tmp/run1" "^PAPER ENTRY 2024-03-01 14:31:00 AAPL LONG [0-9]+ @ 100\.[0-9]+ conf 0.90 tp 102.00 sl 98.00 .*decision-$id1$"
wait_for "$tmp/run1" "^PAPER ENTRY 2024-03-01 14:31:00 MSFT LONG [0-9]+ @ 51\.[0-9]+ conf 0.95 tp 60.00 sl 45.00 .*decision-$id4$"
wait_for "$tmp/run1" "^PAPER EXIT 2024-03-01 14:32:00 AAPL LONG [0-9]+ @ 102\.[0-9]+ reason take_profit pnl \+[0-9.]+ trade 1$"
wait_for "$tmp/run1.err" "prices.csv:6: field 'timestamp': 'this' is not a time"
"$paper" status $A --json > "$tmp/s1.json"
json_true "status works while run drives the account" "$tmp/s1.json" 'd["open_positions"] == 1 and d["closed_trades"] == 1'
expect "order while run drives the account" 4 "is in use by another broker (is paper run driving it?)" order AAPL buy 1 $A
expect "mark while run drives the account" 4 "in use" mark AAPL 1 $A
expect "close-all while run drives the account" 4 "in use" close-all $A
expect "a second run on the same account" 4 "in use" run $A --prices "$F"
stop_run "$tmp/run1" 1
check "the partial line was not read" test "$(grep -c '14:33:00' "$tmp/run1")" -eq 0
check "the read position is saved in the ledger" test "$(sql "$L" "SELECT value FROM bookmarks WHERE name = 'paper-run.prices'" | cut -d' ' -f1,3)" = "1 7"

expect "history after the first run" 0 "" history $A --json
json_true "one trade, take profit, from decision $id1" "$tmp/out" "len(d) == 1 and d[0]['exit_reason'] == 'take_profit' and d[0]['signal_id'] == 'decision-$id1' and d[0]['strategy'] == 'inbox'"
expect "positions after the first run" 0 "" positions $A --json
json_true "MSFT still open" "$tmp/out" 'len(d) == 1 and d[0]["symbol"] == "MSFT"'
msft_qty=$(json "$tmp/out" 'd[0]["qty"]')
check "the waiting decision is still pending" test "$("$decide" --pending "$L" default)" -eq 1

# Between the runs: a manual order, and a decision entered by a run that was killed before
# it could mark it.
expect "a manual order between the runs" 0 "" order MSFT buy 2 $A
id6=$("$decide" --entered "$L" default MSFT buy 0.9 1)

# ---- second run: resumes ----
start_run "$tmp/run2"
check "run 2 marks the decision entered before the crash" grep -qE "^PAPER INFO .* decision $id6 was entered before a restart \(order [0-9]+\): marked executed" "$tmp/run2"
check "run 2 resumes after line 7" grep -q "resuming .*prices.csv after line 7" "$tmp/run2"
check "run 2 adopts the MSFT position" grep -qE '^PAPER INFO .* MSFT LONG .* held from before: managed' "$tmp/run2"
printf '1\n2024-03-01T14:34:00Z,ZZZ,10\n' >> "$F"      # completes "MSFT,5" as MSFT 51
# Rows no reader can take, written past the schema's checks (as an older ledger may hold
# them): rejected with their reason; they hold up neither the run nor the rows after them.
"$py" -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA ignore_check_constraints = ON")
for sym in ("\u00c4" * 29, "AB\x00C"):
    db.execute("INSERT INTO decisions (account, created_ts, symbol, side, confidence) "
               "VALUES (?, 1, ?, ?, 0.9)", ("default", sym, "buy"))
db.commit()' "$L"
id5=$("$decide" "$L" default AAPL buy 0.8)
wait_for "$tmp/run2" "^PAPER ORDER .* ZZZ LONG [0-9]+ conf 0.80 order [0-9]+ decision $id3 "
wait_for "$tmp/run2" "^PAPER ORDER .* AAPL LONG [0-9]+ conf 0.80 order [0-9]+ decision $id5 "
printf '2024-03-01T14:35:00Z,ZZZ,10.1\n2024-03-01T14:35:00Z,AAPL,101\n' >> "$F"
wait_for "$tmp/run2" "^PAPER ENTRY .* ZZZ LONG .*decision-$id3$"
wait_for "$tmp/run2" "^PAPER ENTRY .* AAPL LONG .*decision-$id5$"
wait_for "$tmp/run2" "^PAPER FILL 2024-03-01 14:33:00 MSFT BUY 2 @ 51\.[0-9]+ fee [0-9.]+ order [0-9]+ strategy manual$"
wait_for "$tmp/run2" "^PAPER ENTRY 2024-03-01 14:33:00 MSFT LONG 1 @ 51\.[0-9]+ .*decision-$id6$"
stop_run "$tmp/run2" 0
cat "$tmp/run1" "$tmp/run2" > "$tmp/both"
check "decision $id6 (entered before the crash) not entered again" test "$(count "$tmp/both" "^PAPER ORDER .* decision $id6 ")" -eq 0
for id in $id1 $id3 $id4 $id5; do
	check "decision $id entered exactly once" test "$(count "$tmp/both" "^PAPER ORDER .* decision $id ")" -eq 1
done
check "decision $id2 skipped exactly once" test "$(count "$tmp/both" "^PAPER SKIP .* decision $id2$")" -eq 1
check "run 2 re-applied no price: 4 new lines, none older" grep -qE '^PAPER STOP .* 4 prices \(0 older ones skipped, 0 bad\)' "$tmp/run2"
check "no decision is left pending" test "$("$decide" --pending "$L" default)" -eq 0
check "the rows no reader can take are rejected with their reason" test "$(sql "$L" "SELECT status, outcome FROM decisions WHERE created_ts = 1 ORDER BY id")" = "$(printf 'rejected\tthe symbol is 58 bytes long (at most 31)\nrejected\tthe symbol holds a NUL byte')"
expect "positions after the second run" 0 "" positions $A --json
json_true "AAPL, MSFT and ZZZ open" "$tmp/out" "sorted(p['symbol'] for p in d) == ['AAPL', 'MSFT', 'ZZZ']"
json_true "MSFT: the first entry, the manual 2 and the crashed decision's 1, nothing more" "$tmp/out" "[p['qty'] for p in d if p['symbol'] == 'MSFT'] == [$msft_qty + 3]"
json_true "the MSFT line completed after the restart was applied" "$tmp/out" "[(p['market_price'], p['marked_ts']) for p in d if p['symbol'] == 'MSFT'] == [(51, '2024-03-01T14:33:00Z')]"
expect "orders after the second run" 0 "" orders $A --json
json_true "no order left open" "$tmp/out" 'd == []'

# ---- standard input: the run stops at its end ----
printf 'timestamp,symbol,price\n2024-03-01T14:36:00Z,AAPL,101.2\n1709303760.5,ZZZ,10.2\n' > "$tmp/stdin.csv"
"$paper" run $A --prices - < "$tmp/stdin.csv" > "$tmp/run3" 2> "$tmp/run3.err"
check "run from standard input exits 0 at its end" test $? -eq 0
check "run from standard input applied both lines in one cycle" grep -qE '^PAPER STOP .* after 1 cycles: 2 prices' "$tmp/run3"
check "run says standard input ended" grep -q 'standard input is closed: no more prices, stopping' "$tmp/run3"
expect "status after the standard input run" 0 "" status $A --json
json_true "the clock is the last stdin price (epoch seconds)" "$tmp/out" 'd["ts"] == "2024-03-01T14:36:00.500000Z"'

# A pipe that ends after a few cycles, not at the first.
{
	printf 'timestamp,symbol,price\n2024-03-01T14:37:00Z,AAPL,101.3\n'
	sleep 2
	printf '2024-03-01T14:38:00Z,AAPL,101.4\n'
} | "$paper" run $A --prices - --interval 1 > "$tmp/run5" 2> "$tmp/run5.err"
check "run from a pipe exits 0 when it ends" test $? -eq 0
check "run from a pipe read both lines over several cycles" grep -qE '^PAPER STOP .* after [2-9] cycles: 2 prices' "$tmp/run5"
check "run from a pipe wrote nothing on standard error" test ! -s "$tmp/run5.err"

# ---- SIGINT works the same ----
start_run "$tmp/run4"
kill -INT "$run_pid"
wait "$run_pid"
check "run stops on SIGINT with exit 0" test $? -eq 0
bg_pids=""
check "run 4 stopped cleanly" grep -q '^PAPER STOP ' "$tmp/run4"

# ---- --max-age cannot be got round ----
expect "run: --max-age that rounds to nothing" 2 "--max-age: '0.0000001'" run $A --prices - --max-age 0.0000001
expect "run: --max-age past the time range" 2 "--max-age: '99999999999999'" run $A --prices - --max-age 99999999999999
old=$(sql "$L" "INSERT INTO decisions (account, created_ts, symbol, side, confidence) VALUES ('default', -9223372036854775808, 'QQQ', 'buy', 0.9) RETURNING id")
future=$(sql "$L" "INSERT INTO decisions (account, created_ts, symbol, side, confidence) VALUES ('default', 9223372036854775807, 'QQQ', 'buy', 0.9) RETURNING id")
"$paper" run $A --prices - --max-age 60 < /dev/null > "$tmp/run7" 2> "$tmp/run7.err"
check "run 7 exits 0" test $? -eq 0
check "a decision stamped at the start of time is stale" grep -qE "^PAPER SKIP .* QQQ LONG: stale \(created longer ago than --max-age\) decision $old$" "$tmp/run7"
check "a decision stamped at the end of time is not fresh" grep -qE "^PAPER SKIP .* QQQ LONG: created_ts is further in the future than --max-age: its age is unknown decision $future$" "$tmp/run7"

# ---- a reverse decision whose exit order was placed before a crash is not acted on again ----
expect "positions before the reverse" 0 "" positions $A --json
zzz=$(json "$tmp/out" "[p['qty'] for p in d if p['symbol'] == 'ZZZ'][0]")
id7=$("$decide" --reversed "$L" default ZZZ sell 0.9 "$zzz")
"$paper" run $A --prices - < /dev/null > "$tmp/run6" 2> "$tmp/run6.err"
check "run 6 exits 0" test $? -eq 0
check "run 6 marks the reverse decision placed before the crash" grep -qE "^PAPER INFO .* decision $id7 was entered before a restart \(order [0-9]+\)" "$tmp/run6"
check "run 6 places no second exit" test "$(count "$tmp/run6" "^PAPER ORDER")" -eq 0
expect "orders after run 6" 0 "" orders $A --json
json_true "one order: the reverse exit of ZZZ" "$tmp/out" "[(o['symbol'], o['side'], o['exit_reason']) for o in d] == [('ZZZ', 'sell', 'reverse_signal')]"

finish
