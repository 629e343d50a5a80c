#!/bin/sh
# --instruments FILE (docs/instruments.md): contracts from a CSV reach the replay's money (an
# ES future at multiplier 50, an OCC option at 100 settled at its expiry), a bad file is exit
# status 2 naming the line, and paper init stores the contracts with the account.
# Usage: check-instruments.sh PAPER
set -u
paper=$1
. "$(dirname "$0")/lib.sh"

cat > "$tmp/instruments.csv" <<'CSV'
symbol,asset_class,multiplier,tick_size,lot_size,expiry,underlying,right,strike,initial_margin
ESZ6,future,50,0.25,1,2026-12-18,ES,,,12000
CSV
# 2024-06-20 and 21, then the next Monday: ES, SPY and SPY's 500 call (expiry 2024-06-21).
cat > "$tmp/bars.csv" <<'CSV'
timestamp,symbol,open,high,low,close,volume
2024-06-20T14:00:00Z,ESZ6,5000,5002,4999,5001,100
2024-06-20T14:00:00Z,SPY,505,506,504,505,1000
2024-06-20T14:00:00Z,SPY240621C00500000,3,3,3,3,100
2024-06-20T15:00:00Z,ESZ6,5001.25,5010,5001,5008,100
2024-06-20T15:00:00Z,SPY,505,507,504,506,1000
2024-06-20T15:00:00Z,SPY240621C00500000,3.2,3.3,3.1,3.2,100
2024-06-21T19:00:00Z,ESZ6,5008,5012,5006,5010.5,100
2024-06-21T19:00:00Z,SPY,506,512.5,505,512.34,1000
2024-06-24T13:30:00Z,SPY,513,514,512,513,1000
CSV
cat > "$tmp/signals.csv" <<'CSV'
timestamp,symbol,side,confidence
2024-06-20T14:00:00Z,ESZ6,buy,0.9
2024-06-20T14:00:00Z,SPY240621C00500000,buy,0.9
CSV
set -- replay --no-progress --quiet --bars "$tmp/bars.csv" --signals "$tmp/signals.csv" \
	--trades-out "$tmp/trades.csv" --summary-out "$tmp/summary.json" --qty 2 --tp 0 --sl 0 \
	--max-hold 0 --commission 0 --slippage 0 --set costs.commission_min=0 \
	--set limits.max_position_fraction=100 --instruments "$tmp/instruments.csv"
expect "replay with --instruments" 0 "" "$@"
# ES: bought 2 at 5001.25, closed at the last close 5010.50: 9.25 x 2 x 50 = 925.
es=$(grep '^ESZ6,' "$tmp/trades.csv")
check "the future's P&L carries its multiplier ($es)" sh -c "echo '$es' | grep -q ',925\.00,'"
# The call: bought 2 at 3.20, settled at 12.34 (SPY 512.34 - 500): 9.14 x 2 x 100 = 1828.
opt=$(grep '^SPY240621C00500000,' "$tmp/trades.csv")
check "the option settles at expiry ($opt)" sh -c "echo '$opt' | grep -q ',1828\.00,'"
check "with exit reason expiry" sh -c "echo '$opt' | grep -q ',expiry'"
json_true "one expiry counted" "$tmp/summary.json" 'd["trades"]["by_exit_reason"]["expiry"] == 1'
# The text summary counts it too (its exits: line said "none" for a trade closed by expiry).
shift 3
expect "replay with its text summary" 0 "" replay --no-progress "$@"
check "the exits line names the expiry" grep -q "exits: .*expiry 1" "$tmp/out"

# Without the file the future is a share: the P&L is 50 times smaller.
expect "replay without --instruments" 0 "" replay --no-progress --quiet --bars "$tmp/bars.csv" \
	--signals "$tmp/signals.csv" --trades-out "$tmp/plain.csv" --summary-out "$tmp/s2.json" --qty 2 --tp 0 --sl 0 \
	--max-hold 0 --commission 0 --slippage 0 --set costs.commission_min=0 \
	--set limits.max_position_fraction=100
check "a share without it" grep -q '^ESZ6,.*,18\.50,' "$tmp/plain.csv"

# Bad files: exit 2, the file and the line named.
outs="--signals $tmp/signals.csv --trades-out $tmp/t.csv --summary-out $tmp/s.json"
printf 'symbol,asset_class,colour\nES,future,red\n' > "$tmp/bad1.csv"
expect "an unknown column" 2 "unknown column 'colour'" replay --no-progress --quiet \
	--bars "$tmp/bars.csv" $outs --instruments "$tmp/bad1.csv"
printf 'symbol,asset_class,multiplier\nES,future,50\nNQ,future,fifty\n' > "$tmp/bad2.csv"
expect "a bad value, its line" 2 "line 3" replay --no-progress --quiet --bars "$tmp/bars.csv" \
	$outs --instruments "$tmp/bad2.csv"
printf 'symbol,asset_class,strike\nOPT,option,100\n' > "$tmp/bad3.csv"
expect "a section that is no contract" 2 "[instrument.OPT]" replay --no-progress --quiet \
	--bars "$tmp/bars.csv" $outs --instruments "$tmp/bad3.csv"
expect "a missing file" 2 "--instruments" replay --no-progress --quiet --bars "$tmp/bars.csv" \
	$outs --instruments "$tmp/none.csv"
# A malformed OCC look-alike in the bars is a bad row, not an equity.
printf 'timestamp,symbol,open,high,low,close,volume\n2024-06-20T14:00:00Z,SPY240231C00500000,1,1,1,1,1\n' \
	> "$tmp/badocc.csv"
expect "a malformed OCC symbol" 2 "OCC" replay --no-progress --quiet --bars "$tmp/badocc.csv" $outs

# paper init stores them with the account.
expect "init --instruments" 0 "" init --ledger "$tmp/l.db" --instruments "$tmp/instruments.csv"
got=$(sql "$tmp/l.db" "SELECT value FROM configs WHERE key = 'instrument.ESZ6.multiplier'")
check "stored with the account ($got)" [ "$got" = "50" ]

# paper run settles at the expiry as its prices pass it, and a restart keeps the contract.
R="--ledger $tmp/run.db"
expect "init for run" 0 "" init $R --instruments "$tmp/instruments.csv" \
	--set limits.max_position_fraction=100 --set costs.commission_min=0 --commission 0 \
	--slippage 0
expect "mark SPY" 0 "" mark $R SPY 505 --at 2026-12-01T15:00:00Z
expect "mark the call" 0 "" mark $R SPY261218C00500000 3 --at 2026-12-01T15:00:00Z
expect "buy 2 calls" 0 "" order $R SPY261218C00500000 buy 2
expect "a malformed OCC symbol is named as one, not as unpriced" 2 \
	"looks like an OCC option symbol but is not one" order $R SPY261318C00500000 buy 1
cat > "$tmp/run-prices.csv" <<'CSV'
timestamp,symbol,price
2026-12-01T15:01:00Z,SPY261218C00500000,3.5
2026-12-18T20:59:00Z,SPY,511.25
2026-12-21T14:30:00Z,SPY,512
CSV
"$paper" run $R --prices - < "$tmp/run-prices.csv" > "$tmp/run.out" 2> "$tmp/run.err"
check "run exits 0" [ $? -eq 0 ]
expect "history after the run" 0 "" history $R --json
# Bought at 3.50, settled at 11.25 (511.25 - 500): 7.75 x 2 x 100 = 1550.
json_true "the call settled at expiry" "$tmp/out" \
	'[t for t in d if t["exit_reason"] == "expiry" and abs(t["pnl_net"] - 1550) < 1e-9] != []'
expect "status after the restart" 0 "" status $R --json
json_true "the account reconciles" "$tmp/out" 'abs(d["cash"] - (100000 + 1550)) < 1e-9'
check "paper run said so" grep -q "reason expiry" "$tmp/run.out"

# Reading the file (docs/formats.md, "Common rules of the CSV files"). A NUL byte is an error
# naming the line, never the end of the file: the rows after it are not dropped.
I="--ledger $tmp/read.db"
printf 'symbol,asset_class,multiplier\nFOO,equity,1\000junk\nESZ6,future,50\n' > "$tmp/nul.csv"
expect "a NUL byte, its line" 2 "nul.csv, line 2: a NUL byte" replay --no-progress --quiet \
	--bars "$tmp/bars.csv" $outs --instruments "$tmp/nul.csv"
expect "init with a NUL byte" 2 "a NUL byte" init $I --instruments "$tmp/nul.csv"
check "init stored no account" [ ! -s "$tmp/read.db" ] || [ -z "$(sql "$tmp/read.db" \
	"SELECT count(*) FROM configs WHERE key LIKE 'instrument.%'" | grep -v '^0$')" ]
# More than 1 MiB is refused before a row is read, as a config file is.
"$py" -c 'import sys
with open(sys.argv[1], "w") as f:
    f.write("symbol,asset_class,multiplier\n")
    for i in range(45000): f.write("S%06d,future,50.00000000\n" % i)' "$tmp/huge.csv"
expect "a file over 1 MiB" 2 "larger than 1048576 bytes" replay --no-progress --quiet \
	--bars "$tmp/bars.csv" $outs --instruments "$tmp/huge.csv"
# Read from a pipe, the cap holds while reading; a folder is no file.
mkfifo "$tmp/pipe.csv"
cat "$tmp/huge.csv" > "$tmp/pipe.csv" 2> /dev/null &
bg_pids="$bg_pids $!"
expect "over 1 MiB through a pipe" 2 "larger than 1048576 bytes" replay --no-progress --quiet \
	--bars "$tmp/bars.csv" $outs --instruments "$tmp/pipe.csv"
expect "a folder" 2 "cannot read it" replay --no-progress --quiet --bars "$tmp/bars.csv" $outs \
	--instruments "$tmp"
# The same symbol twice is an error naming both lines, not a merge of the two rows.
printf 'symbol,asset_class,multiplier\nESZ6,future,50\nNQZ6,future,20\nESZ6,future,20\n' \
	> "$tmp/dup.csv"
expect "a symbol twice" 2 "symbol ESZ6 on lines 2 and 4" replay --no-progress --quiet \
	--bars "$tmp/bars.csv" $outs --instruments "$tmp/dup.csv"
# A byte order mark and CRLF line ends (a spreadsheet's export) are read.
printf '\357\273\277symbol,asset_class,multiplier\r\nESZ6,future,50\r\n' > "$tmp/bom.csv"
expect "a byte order mark" 0 "" init --ledger "$tmp/bom.db" --instruments "$tmp/bom.csv"
got=$(sql "$tmp/bom.db" "SELECT value FROM configs WHERE key = 'instrument.ESZ6.multiplier'")
check "the BOM file's contract stored ($got)" [ "$got" = "50" ]
# Quotes: the files take none, and the message says so rather than miscounting the cells.
printf 'symbol,asset_class,multiplier\n"ESZ6","future","50"\n' > "$tmp/quoted.csv"
expect "a quoted cell" 2 "line 2: a quote" replay --no-progress --quiet \
	--bars "$tmp/bars.csv" $outs --instruments "$tmp/quoted.csv"
printf '"symbol",asset_class\nESZ6,future\n' > "$tmp/quotedh.csv"
expect "a quoted header" 2 "line 1: a quote" replay --no-progress --quiet \
	--bars "$tmp/bars.csv" $outs --instruments "$tmp/quotedh.csv"
# A row with only its symbol: every cell empty is every default, an equity (whole shares).
printf 'symbol,asset_class,multiplier,lot_size\nAAPL,,,\n' > "$tmp/bare.csv"
expect "a row with only a symbol" 0 "" init --ledger "$tmp/bare.db" --instruments "$tmp/bare.csv"
got=$(sql "$tmp/bare.db" "SELECT value FROM configs WHERE key = 'instrument.AAPL.asset_class'")
check "defined as an equity ($got)" [ "$got" = "equity" ]
# An OCC symbol describes itself: its empty cells are its own option's, not an equity's, and
# its padded spelling is the same symbol as the compact one.
printf 'symbol,asset_class,multiplier
SPY271217C00500000,,
QQQ271217P00400000,,10
' > "$tmp/occ.csv"
expect "OCC rows with empty cells" 0 "" init --ledger "$tmp/occ.db" --instruments "$tmp/occ.csv"
got=$(sql "$tmp/occ.db" "SELECT value FROM configs WHERE key = 'instrument.SPY271217C00500000.asset_class'")
check "an OCC row stays an option ($got)" [ "$got" = "option" ]
got=$(sql "$tmp/occ.db" "SELECT group_concat(value, ' ') FROM (SELECT value FROM configs WHERE key LIKE 'instrument.QQQ271217P00400000.%' ORDER BY key)")
check "an OCC row keeps its own fields beside the one it gives ($got)" [ "$got" = "option 1829077200 10 put 400.00000000 QQQ" ]
printf 'symbol,asset_class,multiplier
SPY   271217C00500000,option,100
SPY271217C00500000,option,10
' > "$tmp/occdup.csv"
expect "a padded and a compact OCC symbol" 2 "on lines 2 and 3: one row per symbol" replay \
	--no-progress --quiet --bars "$tmp/bars.csv" $outs --instruments "$tmp/occdup.csv"

# paper run --instruments is all or nothing: a row that would change the traded call's
# contract refuses the file before any row (NEWF, first) is stored.
printf 'symbol,asset_class,multiplier,expiry,underlying,right,strike\nNEWF,future,20,2026-12-18,NQ,,\nSPY261218C00500000,option,10,2026-12-18,SPY,call,500\n' \
	> "$tmp/conflict.csv"
printf 'timestamp,symbol,price\n' > "$tmp/noprices.csv"
expect "run with a row against a fixed contract" 2 "SPY261218C00500000" run $R \
	--prices - --instruments "$tmp/conflict.csv" < "$tmp/noprices.csv"
check "the error names the row's line" grep -q "line 3" "$tmp/err"
got=$(sql "$tmp/run.db" "SELECT count(*) FROM configs WHERE key LIKE 'instrument.NEWF.%'")
check "no row of the refused file stored ($got keys)" [ "$got" = "0" ]
printf 'symbol,asset_class,multiplier,expiry,underlying\nNEWF,future,20,2026-12-18,NQ\n' \
	> "$tmp/newf.csv"
expect "run with the good row alone" 0 "" run $R --prices - --instruments "$tmp/newf.csv" \
	< "$tmp/noprices.csv"
got=$(sql "$tmp/run.db" "SELECT value FROM configs WHERE key = 'instrument.NEWF.multiplier'")
check "then it is stored ($got)" [ "$got" = "20" ]

finish
