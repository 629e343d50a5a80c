#!/bin/sh
# The paper command: replay, execute and walk-forward on the sample data and on bad input.
# Checks exit statuses (0 ok, 1 library error, 2 bad input/usage), outputs and messages.
# Usage: check-paper-cli.sh PAPER DATA_DIR
set -u
paper=$1
data=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
failures=0
header='symbol,side,entry_time,entry_price,exit_time,exit_price,qty,exit_reason,pnl_gross,fees,pnl_net,outcome'

fail() {
	echo "FAIL $*"
	failures=$((failures + 1))
}

# expect NAME WANT_RC WANT_STDERR_OR_EMPTY ARGS...
expect() {
	name=$1
	want_rc=$2
	want=$3
	shift 3
	"$paper" "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	if [ "$rc" -ne "$want_rc" ] || { [ -n "$want" ] && ! grep -qF -- "$want" "$tmp/err"; }; then
		fail "$name: exit $rc (want $want_rc); stderr does not contain: $want"
		sed 's/^/    /' "$tmp/err" | head -n 5
	else
		echo "ok   $name: exit $rc $(head -n 1 "$tmp/err")"
	fi
}

# The fields of a JSON file's top-level object, by python if it is there.
json_has() {
	file=$1
	shift
	if command -v python3 > /dev/null 2>&1; then
		python3 - "$file" "$@" << 'EOF' || return 1
import json, sys
d = json.load(open(sys.argv[1]))
missing = [k for k in sys.argv[2:] if k not in d]
if missing:
    print("missing keys:", missing)
    sys.exit(1)
EOF
	else
		for k in "$@"; do grep -q "\"$k\":" "$file" || return 1; done
	fi
}

sample="--bars $data/bars --signals $data/signals.csv --lot BTC-USD=0.0001 --no-progress"

# ---- replay ----
expect replay 0 "" replay $sample --trades-out "$tmp/t1.csv" --summary-out "$tmp/s1.json"
[ "$(head -n 1 "$tmp/t1.csv")" = "$header" ] || fail "replay: trades header is '$(head -n 1 "$tmp/t1.csv")'"
[ "$(wc -l < "$tmp/t1.csv")" -gt 20 ] || fail "replay: fewer than 20 trades"
grep -q 'paper replay:' "$tmp/out" || fail "replay: no summary on standard output"
grep -q 'exits:' "$tmp/out" || fail "replay: the summary lists no exits"
json_has "$tmp/s1.json" input signals trades ambiguity account open_positions recent_trades \
	config metrics || fail "replay: summary JSON"
for reason in $(cut -d, -f8 "$tmp/t1.csv" | tail -n +2 | sort -u); do
	case $reason in
	take_profit | stop_loss | trailing_stop | time_limit | reverse_signal | manual | end_of_data | force_exit) ;;
	*) fail "replay: exit reason '$reason'" ;;
	esac
done
awk -F, 'NR > 1 && ($3 !~ /^[0-9-]+T[0-9:.]+Z$/ || ($2 != "LONG" && $2 != "SHORT")) { bad = 1 }
	END { exit bad }' "$tmp/t1.csv" || fail "replay: a time or side is malformed"

# Same inputs and seed: the same bytes. Another seed: other fills.
expect replay-again 0 "" replay $sample --quiet --trades-out "$tmp/t2.csv" --summary-out "$tmp/s2.json"
cmp -s "$tmp/t1.csv" "$tmp/t2.csv" || fail "replay: two runs differ"
expect replay-seed 0 "" replay $sample --quiet --seed 99 --trades-out "$tmp/t3.csv" --summary-out "$tmp/s3.json"
cmp -s "$tmp/t1.csv" "$tmp/t3.csv" && fail "replay: --seed 99 changed nothing"
[ -s "$tmp/s2.json" ] || fail "replay --quiet: no summary file"
[ -s "$tmp/out" ] && fail "replay --quiet printed something"

# Options reach the config: no take profit, a one-minute time limit, next-bar exits.
expect replay-options 0 "" replay $sample --quiet --tp 0 --max-hold 1 --exits-from next-bar \
	--intrabar optimistic --on-reverse ignore --size 500 --commission 0 --slippage 0 \
	--trades-out "$tmp/t4.csv" --summary-out "$tmp/s4.json"
grep -q ',take_profit,' "$tmp/t4.csv" && fail "replay --tp 0 still took profits"
grep -q '"session.exits_from":"next_bar"' "$tmp/s4.json" || fail "replay: --exits-from not in the config"
grep -q '"costs.commission_pct":0' "$tmp/s4.json" || fail "replay: --commission not in the config"
grep -q '"rule":"optimistic"' "$tmp/s4.json" || fail "replay: --intrabar not in the ambiguity report"

# A ledger records the run in a new account; the same account twice is refused.
expect replay-ledger 0 "" replay $sample --quiet --ledger "$tmp/l.db" --trades-out "$tmp/t7.csv" --summary-out "$tmp/s7.json"
[ -s "$tmp/l.db" ] || fail "replay --ledger: no ledger file"
cmp -s "$tmp/t1.csv" "$tmp/t7.csv" || fail "replay --ledger: other trades than without a ledger"
expect replay-ledger-again 2 "account 'default' already exists" replay $sample --quiet --ledger "$tmp/l.db" \
	--trades-out "$tmp/t7.csv" --summary-out "$tmp/s7.json"
expect replay-ledger-second 0 "" replay $sample --quiet --ledger "$tmp/l.db" --set account.name=second \
	--trades-out "$tmp/t7.csv" --summary-out "$tmp/s7.json"

# ---- usage and bad input ----
expect help 0 "" replay --help
grep -q -- '--exits-from' "$tmp/out" || fail "replay --help lists no --exits-from"
expect top-help 0 "" --help
expect no-command 2 "usage: paper COMMAND" 
expect unknown-command 2 "unknown command 'fly'" fly
expect unknown-option 2 "unknown option '--fast'" replay $sample --fast --trades-out "$tmp/x" --summary-out "$tmp/y"
expect missing-outputs 2 "--trades-out and --summary-out are required" replay $sample
expect no-bars 2 "no --bars given" replay --signals "$data/signals.csv" --trades-out "$tmp/x" --summary-out "$tmp/y"
# --to at the epoch is an end, not "no end": nothing is stamped before it.
expect to-epoch 2 "--to must be after 1970-01-01T00:00:00Z" replay $sample --to 1970-01-01 \
	--trades-out "$tmp/x" --summary-out "$tmp/y"
[ ! -e "$tmp/x" ] || fail "to-epoch: a trades file was written"
expect to-epoch-seconds 2 "--to must be after" replay $sample --to 0 --trades-out "$tmp/x" --summary-out "$tmp/y"
expect from-after-to-epoch 2 "--to must be after --from" replay $sample --from 1970-01-02 --to 1970-01-01 \
	--trades-out "$tmp/x" --summary-out "$tmp/y"
expect bad-number 2 "--tp: session.tp_pct = 'abc'" replay $sample --tp abc --trades-out "$tmp/x" --summary-out "$tmp/y"
expect bad-choice 2 "session.exits_from" replay $sample --exits-from later --trades-out "$tmp/x" --summary-out "$tmp/y"
expect missing-file 2 "NOPE.csv" replay --bars "$tmp/NOPE.csv" --signals "$data/signals.csv" --trades-out "$tmp/x" --summary-out "$tmp/y"
printf '[limits]\nmax_open_positions = 5000\n[account]\ntype = live\n' > "$tmp/bad.ini"
expect bad-config 2 "account.type = 'live'" replay $sample --config "$tmp/bad.ini" --trades-out "$tmp/x" --summary-out "$tmp/y"

mkdir "$tmp/bars"
cp "$data/bars/AAPL.csv" "$tmp/bars/AAPL.csv"
sed '5s/,[0-9.]*,\([0-9]*\)$/,-1,\1/' "$data/bars/MSFT.csv" > "$tmp/bars/MSFT.csv" # close -1
{ head -n 1 "$data/signals.csv"; grep -E ',(AAPL|MSFT),' "$data/signals.csv"; } > "$tmp/sig2.csv"
expect bad-row-fails 2 "MSFT.csv:5: field 'close': price must be > 0" replay --bars "$tmp/bars" \
	--signals "$tmp/sig2.csv" --trades-out "$tmp/x" --summary-out "$tmp/y" --no-progress
[ -e "$tmp/x" ] && fail "a failed replay left its trades file"
expect bad-row-skipped 0 "" replay --bars "$tmp/bars" --signals "$tmp/sig2.csv" --skip-bad-rows \
	--trades-out "$tmp/x" --summary-out "$tmp/y" --no-progress
grep -q '"rows_skipped":1,' "$tmp/y" || fail "skip-bad-rows: rows_skipped is not 1"
grep -q 'skipped 1 bad bar rows' "$tmp/out" || fail "skip-bad-rows: not in the summary"
expect unknown-symbol 2 "signals.csv:2: field 'symbol': unknown symbol 'BTC-USD'" replay --bars "$data/bars/AAPL.csv" \
	--signals "$data/signals.csv" --trades-out "$tmp/u.csv" --summary-out "$tmp/u.json"
[ -e "$tmp/u.csv" ] && fail "a failed replay left its trades file"

# ---- execute ----
expect execute-help 0 "" execute --help
expect execute 0 "" execute --plan "$data/trade_plan.csv" $sample --orders-out "$tmp/o.csv"
[ "$(wc -l < "$tmp/o.csv")" -eq 7 ] || fail "execute: $(wc -l < "$tmp/o.csv") lines in the orders CSV, want 7"
grep -q ',accepted,' "$tmp/o.csv" || fail "execute: no order left open for the next session"
grep -q 'left open for the next session' "$tmp/out" || fail "execute: summary"
expect execute-at 0 "" execute --plan "$data/trade_plan.csv" $sample --at 2024-03-01 \
	--orders-out "$tmp/o2.csv" --trades-out "$tmp/t5.csv" --summary-out "$tmp/s5.json"
grep -q ',filled,' "$tmp/o2.csv" || fail "execute --at: no plan order filled"
expect execute-no-plan 2 "--plan and --orders-out are required" execute $sample
printf 'symbol,side,qty,notional\nAAPL,LONG,1,2\n' > "$tmp/plan.csv"
expect execute-bad-plan 2 "plan.csv:2: field 'notional': exactly one of qty and notional" \
	execute --plan "$tmp/plan.csv" $sample --orders-out "$tmp/o3.csv"

# ---- walk-forward ----
expect wf-help 0 "" walk-forward --help
# --from at the epoch is given, not missing.
expect wf-from-epoch 0 "" walk-forward $sample --from 1970-01-01 --to 2024-01-03 --daily-out "$tmp/d0.csv" \
	--summary-out "$tmp/s0.json"
expect wf-month-and-epoch 2 "give --month or --from/--to, not both" walk-forward $sample --month 2024-03 \
	--from 1970-01-01 --daily-out "$tmp/d0.csv" --summary-out "$tmp/s0.json"
expect walk-forward 0 "" walk-forward $sample --month 2024-03 --daily-out "$tmp/d.csv" \
	--summary-out "$tmp/wf.json" --trades-out "$tmp/t6.csv"
[ "$(head -n 1 "$tmp/d.csv")" = "date,start_equity,end_equity,pnl,return_pct,fees,trades,wins,losses,bars,signals,entries,open_positions" ] ||
	fail "walk-forward: daily header"
[ "$(wc -l < "$tmp/d.csv")" -eq 32 ] || fail "walk-forward: $(wc -l < "$tmp/d.csv") daily lines, want 32 (31 days)"
json_has "$tmp/wf.json" month capital total_trades total_pnl final_equity win_rate mdd_pct cagr \
	days metrics || fail "walk-forward: summary JSON"
grep -q '"month":"2024-03"' "$tmp/wf.json" || fail "walk-forward: month"
# Days chain: each day starts where the one before ended.
awk -F, 'NR > 2 && $2 != prev { bad = 1 } NR > 1 { prev = $3 } END { exit bad }' "$tmp/d.csv" ||
	fail "walk-forward: days do not chain"
expect wf-no-range 2 "give --month YYYY-MM" walk-forward $sample --daily-out "$tmp/d2.csv" --summary-out "$tmp/w2.json"
expect wf-bad-month 2 "--month: '2024-13' is not YYYY-MM" walk-forward $sample --month 2024-13 \
	--daily-out "$tmp/d2.csv" --summary-out "$tmp/w2.json"

if [ "$failures" -ne 0 ]; then
	echo "$failures check(s) failed"
	exit 1
fi
echo "all paper command checks passed"
