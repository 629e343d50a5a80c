#!/bin/sh
# Output files of the paper command against hostile folders: replay --trades-out and
# --summary-out, paper export, paper report. A file already there is replaced only by a whole
# new one and keeps its mode; a failed run leaves it as it was; a symbolic link at the path is
# refused and what it points to untouched; links planted beside the path are never followed;
# /dev/null and a pipe (/dev/stdout) are written directly; nothing temporary is left behind.
# Usage: check-output.sh PAPER DATA_DIR
set -u
paper=$1
data=$2
. "$(dirname "$0")/lib.sh"

sample="--bars $data/bars --signals $data/signals.csv --lot BTC-USD=0.0001 --no-progress"
O=$tmp/o
mkdir "$O"

mode() { stat -c %a "$1"; }
# names DIR: its entries, hidden ones too, one line.
names() { ls -A "$1" | tr '\n' ' '; }

put() { # FILE TEXT MODE
	printf '%s\n' "$2" > "$1"
	chmod "$3" "$1"
}

# ---- replay: a failed run leaves the old files; a good one keeps their modes ----
put "$O/trades.csv" "old trades" 600
put "$O/summary.json" "old summary" 640
printf 'timestamp,open,high,low,close,volume\n2024-01-02T00:00:00Z,1,2,0.5,1.5,10\n2024-01-02T01:00:00Z,1,2,0.5,oops,10\n' > "$tmp/BAD.csv"
printf 'timestamp,symbol,side,confidence\n2024-01-02T00:00:00Z,BAD,long,0.9\n' > "$tmp/sig.csv"
expect "replay that fails" 2 "oops" replay --bars "$tmp/BAD.csv" --signals "$tmp/sig.csv" --no-progress \
	--trades-out "$O/trades.csv" --summary-out "$O/summary.json"
check "the failed run left the trades file as it was" test "$(cat "$O/trades.csv")" = "old trades"
check "and its mode" test "$(mode "$O/trades.csv")" = 600
check "the failed run left the summary as it was" test "$(cat "$O/summary.json")" = "old summary"
check "nothing temporary is left in the folder" test "$(names "$O")" = "summary.json trades.csv "
expect "replay" 0 "" replay $sample --trades-out "$O/trades.csv" --summary-out "$O/summary.json"
check "the trades file is replaced" grep -q '^symbol,side,entry_time' "$O/trades.csv"
check "a 0600 trades file stays 0600" test "$(mode "$O/trades.csv")" = 600
check "a 0640 summary stays 0640" test "$(mode "$O/summary.json")" = 640
check "the folder holds only the two files" test "$(names "$O")" = "summary.json trades.csv "

# ---- a symbolic link at the path is refused, its target untouched ----
put "$tmp/victim" "precious" 644
ln -s "$tmp/victim" "$O/link.csv"
expect "replay --trades-out through a link" 2 "symbolic link" replay $sample \
	--trades-out "$O/link.csv" --summary-out "$O/s2.json"
check "the link's target is untouched" test "$(cat "$tmp/victim")" = precious
check "the link is still a link" test -L "$O/link.csv"
expect "replay --summary-out through a link" 2 "symbolic link" replay $sample \
	--trades-out "$O/t2.csv" --summary-out "$O/link.csv"
check "the link's target is still untouched" test "$(cat "$tmp/victim")" = precious
ln -s "$tmp/nowhere/x" "$O/dangling.csv"
expect "replay --trades-out to a dangling link" 2 "symbolic link" replay $sample \
	--trades-out "$O/dangling.csv" --summary-out "$O/s3.json"
check "no file was made where the dangling link points" test ! -e "$tmp/nowhere"
rm -f "$O/link.csv" "$O/dangling.csv" "$O/t2.csv" "$O/s2.json" "$O/s3.json"

# ---- devices and pipes are written directly ----
expect "replay into /dev/null" 0 "" replay $sample --quiet --trades-out /dev/null --summary-out /dev/null
"$paper" replay $sample --quiet --trades-out /dev/stdout --summary-out "$O/s4.json" 2> /dev/null |
	head -n 1 > "$tmp/first"
check "replay --trades-out /dev/stdout into a pipe" test "$(cat "$tmp/first")" = \
	"symbol,side,entry_time,entry_price,exit_time,exit_price,qty,exit_reason,pnl_gross,fees,pnl_net,outcome"
rm -f "$O/s4.json"

# ---- paper export ----
L=$tmp/l.db
"$paper" init --ledger "$L" > /dev/null || fail "init"
printf 'timestamp,symbol,price\n2024-03-01T14:30:00Z,AAPL,100\n' > "$tmp/p.csv"
"$paper" mark --ledger "$L" --prices "$tmp/p.csv" > /dev/null || fail "mark"
"$paper" order --ledger "$L" AAPL buy 1 > /dev/null || fail "order"
E=$tmp/export
mkdir "$E"
put "$E/orders.csv" "old orders" 600
# Where a writer with predictable temporary names would have written.
for f in orders fills trades positions pnl_ledger; do
	ln -s "$tmp/victim" "$E/$f.csv.tmp"
done
ln -s "$tmp/victim" "$E/state.json.tmp"
expect "export beside planted links" 0 "" export --ledger "$L" --dir "$E"
check "the planted links' target is untouched" test "$(cat "$tmp/victim")" = precious
check "orders.csv is written" grep -q '^account,id,symbol' "$E/orders.csv"
check "a 0600 orders.csv stays 0600" test "$(mode "$E/orders.csv")" = 600
check "state.json is written" grep -q '"format": "libpaper-state"' "$E/state.json"
check "nothing else is left in the folder" test "$(names "$E")" = "fills.csv fills.csv.tmp orders.csv orders.csv.tmp pnl_ledger.csv pnl_ledger.csv.tmp positions.csv positions.csv.tmp state.json state.json.tmp trades.csv trades.csv.tmp "
rm -f "$E"/*.tmp "$E/fills.csv"
ln -s "$tmp/victim" "$E/fills.csv"
expect "export onto a link" 2 "symbolic link" export --ledger "$L" --dir "$E" --what fills
check "the link's target is untouched by export" test "$(cat "$tmp/victim")" = precious

# ---- paper report ----
put "$O/dash.html" "old page" 640
expect "report" 0 "" report --ledger "$L" --html "$O/dash.html"
check "the dashboard is replaced" grep -q '<html' "$O/dash.html"
check "a 0640 dashboard stays 0640" test "$(mode "$O/dash.html")" = 640
ln -s "$tmp/victim" "$O/dash-link.html"
expect "report through a link" 2 "symbolic link" report --ledger "$L" --html "$O/dash-link.html"
check "the link's target is untouched by report" test "$(cat "$tmp/victim")" = precious

finish
