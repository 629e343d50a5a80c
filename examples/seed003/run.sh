#!/bin/sh
# Seed 003 through the paper command, as the seed ran its runtime: one long-running process
# (`nohup ... &`) whose PAPER lines go to a log that `grep PAPER` follows. The signals become
# decisions in the ledger's inbox (the seed saved each signal before entering it); a price feed
# grows one iteration at a time (the seed fetched the latest candle every 120 s; here every
# second); `paper run` exits and enters each cycle and stops cleanly on SIGTERM.
# usage: run.sh [PAPER] [OUTDIR]    (PAPER: the paper command, default `paper`)
set -eu
paper=${1:-paper}
out=${2:-seed003-out}
here=$(cd "$(dirname "$0")" && pwd)
case $paper in */*) paper=$(cd "$(dirname "$paper")" && pwd)/$(basename "$paper") ;; esac
py=/usr/bin/python3
[ -x "$py" ] || py=python3
mkdir -p "$out"
cd "$out"
rm -f v7.db v7.db-wal v7.db-shm feed.csv v7_production.log

"$paper" init --ledger v7.db --config "$here/paper.ini"
# Each signal as a decision: side buy/sell, its confidence, its own targets (0: none).
"$py" - "$here/signals.csv" << 'EOF'
import csv, sqlite3, sys
db = sqlite3.connect("v7.db")
for row in csv.DictReader(open(sys.argv[1])):
    db.execute("INSERT INTO decisions (account, symbol, side, confidence, take_profit, stop_loss,"
               " reasoning) VALUES ('v7', ?, ?, ?, ?, ?, ?)",
               (row["symbol"], "buy" if row["side"] == "LONG" else "sell", float(row["confidence"]),
                float(row["take_profit"] or 0), float(row["stop_loss"] or 0),
                "signal #" + row["signal_id"]))
db.commit()
EOF

# The feed, one iteration (one timestamp) at a time.
times=$(sed 1d "$here/prices.csv" | cut -d, -f1 | uniq)
head -n 1 "$here/prices.csv" > feed.csv
first=$(echo "$times" | head -n 1)
grep "^$first," "$here/prices.csv" >> feed.csv
nohup "$paper" run --ledger v7.db --prices feed.csv --interval 1 > v7_production.log 2>&1 &
pid=$!

# wait_for TEXT: until the log has a line containing it (20 s at most).
wait_for() {
	i=0
	until grep -qF -- "$1" v7_production.log; do
		i=$((i + 1))
		if [ "$i" -gt 200 ] || ! kill -0 "$pid" 2> /dev/null; then
			echo "run.sh: no '$1' in the log" >&2
			kill "$pid" 2> /dev/null || true
			exit 1
		fi
		sleep 0.1
	done
}

shown() { # 2025-11-20T20:02:00Z -> 2025-11-20 20:02:00, as the PAPER lines print times
	echo "$1" | sed 's/T/ /; s/Z$//'
}

wait_for "PAPER ORDER $(shown "$first") SOL-USD"
for t in $(echo "$times" | sed 1d); do
	grep "^$t," "$here/prices.csv" >> feed.csv
	wait_for "PAPER PRICES $(shown "$t")"
done
kill -TERM "$pid"
wait "$pid"
grep PAPER v7_production.log
"$paper" stats --ledger v7.db
