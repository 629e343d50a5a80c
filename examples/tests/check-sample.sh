#!/bin/sh
# replay-sample on the bundled sample data: exits 0, trades, reconciles exactly, and gives the
# same output when run twice. Usage: check-sample.sh REPLAY_SAMPLE DATA_DIR
set -u
exe=$1
data=$2
reconciled='starting cash + realized - fees == cash: yes'
status=0

run() { # args... -> $out, $rc
	out=$("$exe" "$@")
	rc=$?
}

run "$data"/bars/*.csv
echo "$out"
if [ "$rc" -ne 0 ]; then
	echo "FAIL: exit status $rc, expected 0"
	exit 1
fi
first=$out

if ! printf '%s\n' "$out" | grep -qxF "$reconciled"; then
	echo "FAIL: no line '$reconciled'"
	status=1
fi
trades=$(printf '%s\n' "$out" | awk '$1 == "closed" && $2 == "trades" { print $3 }')
if [ -z "$trades" ] || [ "$trades" -le 0 ]; then
	echo "FAIL: the strategy closed no trade (closed trades: '$trades')"
	status=1
fi
for sym in AAPL MSFT SPY BTC-USD; do
	if ! printf '%s\n' "$out" | grep -q "^$sym "; then
		echo "FAIL: no trade of $sym in the table"
		status=1
	fi
done

run "$data"/bars/*.csv
if [ "$rc" -ne 0 ] || [ "$out" != "$first" ]; then
	echo "FAIL: a second run (exit $rc) printed something else"
	status=1
fi

run --seed 12345 "$data"/bars/*.csv
if [ "$rc" -ne 0 ] || ! printf '%s\n' "$out" | grep -qxF "$reconciled"; then
	echo "FAIL: --seed 12345: exit $rc or no reconciliation"
	status=1
fi
if [ "$out" = "$first" ]; then
	echo "FAIL: --seed 12345 did not change the slippage jitter"
	status=1
fi
exit $status
