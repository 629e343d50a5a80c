#!/bin/sh
# replay-sample refuses bad input with exit status 2 and a message naming the file, the line
# and the field; a good file next to the bad ones is accepted. Usage: check-bad-input.sh REPLAY_SAMPLE
set -u
exe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
header='timestamp,open,high,low,close,volume'
good='2024-01-02T14:30:00Z,100.00,101.00,99.00,100.50,1000'
later='2024-01-02T15:30:00Z'
failures=0

# check NAME WANT_RC WANT_STDERR ARGS...: run the example, compare exit status and stderr.
check() {
	name=$1
	want_rc=$2
	want=$3
	shift 3
	"$exe" "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	if [ "$rc" -ne "$want_rc" ] || { [ -n "$want" ] && ! grep -qF -- "$want" "$tmp/err"; }; then
		echo "FAIL $name: exit $rc (want $want_rc), stderr does not contain: $want"
		sed 's/^/    /' "$tmp/err"
		failures=$((failures + 1))
	else
		echo "ok   $name: exit $rc $(head -n 1 "$tmp/err")"
	fi
}

# bars NAME ROWS...: NAME.csv with the header and the rows.
bars() {
	name=$1
	shift
	{
		echo "$header"
		for row in "$@"; do
			echo "$row"
		done
	} > "$tmp/$name.csv"
}

# bad NAME LINE FIELD_MESSAGE ROWS...: NAME.csv must be refused, naming NAME.csv:LINE.
bad() {
	name=$1
	line=$2
	msg=$3
	shift 3
	bars "$name" "$@"
	check "$name" 2 "$name.csv:$line: $msg" "$tmp/GOOD.csv" "$tmp/$name.csv"
}

bars GOOD "$good" "$later,100.50,102.00,100.00,101.25,1200" "1704213000,101.25,101.50,100.75,101.00,900"
check good-file 0 "" "$tmp/GOOD.csv"

bad malformed-number 3 "field 'low': malformed number 'abc'" "$good" "$later,100.50,101.00,abc,100.50,1000"
bad exponent 2 "field 'volume': malformed number '1e3'" "2024-01-02T14:30:00Z,100,101,99,100,1e3"
bad empty-field 2 "field 'open': malformed number ''" "2024-01-02T14:30:00Z,,101,99,100,10"
bad zero-price 2 "field 'close': price must be > 0" "2024-01-02T14:30:00Z,100,101,99,0,10"
bad high-below-low 2 "field 'high': high 98 is below low 99" "2024-01-02T14:30:00Z,98,98,99,98,10"
bad open-outside 2 "field 'open': open 105 is outside" "2024-01-02T14:30:00Z,105,101,99,100,10"
bad negative-volume 3 "field 'volume': negative volume -5" "$good" "$later,100,101,99,100,-5"
bad duplicate 3 "field 'timestamp': duplicate timestamp (also on line 2)" "$good" "$good"
bad epoch-equals-iso 3 "field 'timestamp': duplicate timestamp (also on line 2)" "$good" "1704205800,100,101,99,100,10"
bad leap-day 3 "field 'timestamp': not sorted" "1709251199.5,100,101,99,100,10" "2024-02-29T23:59:59.499999Z,100,101,99,100,10"
bad unsorted 4 "field 'timestamp': not sorted: earlier than line 3" "$good" "$later,100,101,99,100,10" "2024-01-02T15:00:00Z,100,101,99,100,10"
bad no-zone 2 "field 'timestamp': '2024-01-02T14:30:00' is neither" "2024-01-02T14:30:00,100,101,99,100,10"
bad bad-date 2 "field 'timestamp': '2024-02-30T14:30:00Z' is not a valid date and time" "2024-02-30T14:30:00Z,100,101,99,100,10"
bad bad-time 2 "field 'timestamp': '2024-01-02T24:00:00Z' is not a valid date" "2024-01-02T24:00:00Z,100,101,99,100,10"
bad bad-epoch 2 "field 'timestamp': '17042058x0' is neither" "17042058x0,100,101,99,100,10"
bad few-fields 2 "expected 6 comma-separated fields, found 5" "2024-01-02T14:30:00Z,100,101,99,100"
bad many-fields 2 "expected 6 comma-separated fields, found 7" "2024-01-02T14:30:00Z,100,101,99,100,10,1"
bad no-rows 1 "no bars"
bad huge-volume 3 "the broker refuses the bar" "$good" "$later,100,101,99,100,1000000000000000"

echo 'time,o,h,l,c,v' > "$tmp/HEADER.csv"
check bad-header 2 "HEADER.csv:1: the header must be '$header'" "$tmp/HEADER.csv"
check missing-file 2 "NOPE.csv: No such file or directory" "$tmp/NOPE.csv"
check same-symbol 2 "symbol GOOD already comes from" "$tmp/GOOD.csv" "$tmp/GOOD.csv"

printf '[limits]\nmax_open_positions = 5000\nno_such_key = 1\n[account]\ntype = live\n' > "$tmp/bad.ini"
check config-violations 2 "invalid configuration (3 problems)" --config "$tmp/bad.ini" "$tmp/GOOD.csv"
check config-unknown-key 2 "limits.no_such_key = '1'" --config "$tmp/bad.ini" "$tmp/GOOD.csv"
check config-live 2 "account.type = 'live'" --config "$tmp/bad.ini" "$tmp/GOOD.csv"
check usage-no-file 2 "no bars file given"
check usage-unknown 2 "unknown option '--fast'" --fast "$tmp/GOOD.csv"
check usage-seed 2 "--seed: 'x1' is not a whole number" --seed x1 "$tmp/GOOD.csv"

if [ "$failures" -ne 0 ]; then
	echo "$failures case(s) failed"
	exit 1
fi
