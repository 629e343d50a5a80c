#!/bin/sh
# paper replay over a universe of 500 bar files given one by one on the command line
# (--bars a.csv b.csv ...): every file is read, every signal is acted on, every symbol trades.
# The command once stopped at "at most 256 inputs of a kind", and a broker past 16 symbols
# looked symbols up in freed memory.
# Usage: check-universe.sh PAPER
set -u
paper=$1
. "$(dirname "$0")/lib.sh"

N=500
mkdir "$tmp/bars"
# 40 one-minute bars a symbol from a deterministic walk; two signals a symbol, at minutes
# k % 15 and 20 + k % 15, so that under 500 / 15 x 11 positions are open at once.
awk -v n="$N" -v dir="$tmp/bars" -v sig="$tmp/signals.csv" 'BEGIN {
	seed = 7
	print "timestamp,symbol,side,confidence" > sig
	for (k = 0; k < n; k++) {
		f = sprintf("%s/V%03d.csv", dir, k)
		print "timestamp,open,high,low,close,volume" > f
		px = 2000 + k * 13 % 5000
		for (t = 0; t < 40; t++) {
			seed = (seed * 1103515245 + 12345) % 2147483648
			c = px + seed % 41 - 20
			if (c < 100) c = 100
			hi = (px > c ? px : c) + seed % 17
			lo = (px < c ? px : c) - seed % 13
			printf "%d,%.2f,%.2f,%.2f,%.2f,%d\n", 1709280000 + t * 60, px / 100, hi / 100, \
				lo / 100, c / 100, 10000 + seed % 5000 >> f
			px = c
		}
		close(f)
	}
	for (t = 0; t < 40; t++)
		for (k = 0; k < n; k++)
			if (t == k % 15 || t == 20 + k % 15)
				printf "%d,V%03d,%s,0.9\n", 1709280000 + t * 60, k, \
					(k + t) % 2 ? "buy" : "sell" >> sig
}'
files=$(ls "$tmp"/bars/*.csv)
check "500 bar files generated" [ "$(echo "$files" | wc -l)" -eq "$N" ]

set -- replay --no-progress --quiet --signals "$tmp/signals.csv" \
	--trades-out "$tmp/trades.csv" --summary-out "$tmp/summary.json" \
	--set limits.max_open_positions_ceiling=1000 --set limits.max_open_positions=1000 \
	--set limits.max_position_fraction=100 --set limits.daily_loss_limit=1 \
	--set account.starting_cash=100000000 --size 1000 --max-hold 10 --tp 0.5 --sl 0.4 \
	--bars $files
expect "replay over 500 files" 0 "" "$@"
json_true "500 sources" "$tmp/summary.json" 'd["input"]["sources"] == 500'
json_true "500 symbols" "$tmp/summary.json" 'd["input"]["symbols"] == 500'
json_true "every bar replayed" "$tmp/summary.json" 'd["input"]["bars"] == 500 * 40'
json_true "every signal acted on" "$tmp/summary.json" 'd["signals"]["total"] == 1000'
json_true "every signal entered" "$tmp/summary.json" 'd["signals"]["by_verdict"]["trade"] == 1000'
traded=$(tail -n +2 "$tmp/trades.csv" | cut -d, -f1 | sort -u | wc -l)
check "every symbol traded ($traded)" [ "$traded" -eq "$N" ]
check "a trade per signal" [ "$(tail -n +2 "$tmp/trades.csv" | wc -l)" -eq 1000 ]

finish
