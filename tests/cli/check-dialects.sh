#!/bin/sh
# paper replay on the bars files other tools write (examples/data/dialects, docs/formats.md
# "Dialects"): each read without editing, how it was read said on the screen and in the
# summary, the options that say what a file cannot (--columns, --time-unit, --tz,
# --adjusted), and the refusals: an epoch unit the digits do not name, a local time without a
# zone, an unknown column, a --skip-bad-rows that skipped every row.
# Usage: check-dialects.sh PAPER DIALECTS_DIR
set -u
paper=$1
data=$2
. "$(dirname "$0")/lib.sh"

printf 'timestamp,symbol,side,confidence\n2023-03-01T00:00:00Z,yahoo-AAPL,LONG,0.9\n' \
	> "$tmp/aapl-signal.csv"
printf 'timestamp,symbol,side,confidence\n2024-01-01T00:00:00Z,X,LONG,0.9\n' > "$tmp/x-signal.csv"
# replay BARS... [OPTIONS]: a run with the AAPL signal, summary in $tmp/s.json.
replay() {
	signals=$1
	shift
	echo replay --no-progress --signals "$signals" --trades-out "$tmp/t.csv" \
		--summary-out "$tmp/s.json" "$@"
}

# Yahoo daily, as downloaded: the report on the screen and in the summary.
expect "yahoo" 0 "" $(replay "$tmp/aapl-signal.csv") --bars "$data/yahoo-AAPL.csv"
out_has "yahoo: read as" "yahoo-AAPL.csv as Yahoo Finance daily: dates at 00:00 UTC; Adj Close ignored (--adjusted uses it); 1 row without prices (null or empty) skipped"
json_true "yahoo: dialect in the summary" "$tmp/s.json" 'd["input"]["read"][0]["dialect"] == "yahoo"'
json_true "yahoo: 249 bars" "$tmp/s.json" 'd["input"]["bars"] == 249'
json_true "yahoo: first bar a date at 00:00 UTC" "$tmp/s.json" 'd["input"]["first_bar"] == "2023-01-03T00:00:00Z"'
entry_raw=$(tail -n 1 "$tmp/t.csv" | cut -d, -f4)

# --adjusted: the same trade at adjusted prices (lower before the dividends).
expect "yahoo --adjusted" 0 "" $(replay "$tmp/aapl-signal.csv") --bars "$data/yahoo-AAPL.csv" --adjusted
out_has "adjusted: said" "adjusted: open, high, low, close scaled by Adj Close / Close"
entry_adj=$(tail -n 1 "$tmp/t.csv" | cut -d, -f4)
check "adjusted entry $entry_adj below raw $entry_raw" \
	python3 -c "import sys; sys.exit(not float('$entry_adj') < float('$entry_raw'))"

# --tz: dates at the zone's midnight.
expect "yahoo --tz" 0 "" $(replay "$tmp/aapl-signal.csv") --bars "$data/yahoo-AAPL.csv" --tz America/New_York
json_true "tz: first bar at 05:00 UTC" "$tmp/s.json" 'd["input"]["first_bar"] == "2023-01-03T05:00:00Z"'

# The whole directory of samples, each in its own dialect; one zone for the naive file.
expect "every sample" 0 "" $(replay "$tmp/aapl-signal.csv") --bars "$data" --tz America/New_York
for d in libpaper yahoo yfinance stooq stooq-intraday stooq-data binance alpaca polygon polygon-flat pandas; do
	[ "$d" = libpaper ] && continue
	json_true "every sample: $d" "$tmp/s.json" "any(s['dialect'] == '$d' for s in d['input']['read'])"
done
json_true "every sample: 13 inputs" "$tmp/s.json" 'd["input"]["sources"] == 13 and len(d["input"]["read"]) == 13'
out_has "binance: milliseconds said" "Binance klines (no header, 12 columns): epoch milliseconds (by the number of digits)"
out_has "polygon flat: grouped said" "rows grouped by symbol: 2 symbols read side by side"
out_has "naive times: zone said" "pandas-naive-ES.csv as pandas DataFrame.to_csv: local times in America/New_York"

# walk-forward and execute take the same options and say how each file was read.
cp "$data/yahoo-AAPL.csv" "$tmp/AAPL.csv"
printf 'timestamp,symbol,side,confidence\n2023-03-01T20:00:00Z,AAPL,LONG,0.9\n' > "$tmp/wf-signal.csv"
expect "walk-forward --adjusted --tz" 0 "" walk-forward --no-progress --bars "$tmp/AAPL.csv" \
	--signals "$tmp/wf-signal.csv" --month 2023-03 --daily-out "$tmp/d.csv" \
	--summary-out "$tmp/wf.json" --adjusted --tz America/New_York
out_has "walk-forward: read as" "AAPL.csv as Yahoo Finance daily: dates at 00:00 America/New_York; adjusted: open, high, low, close scaled by Adj Close / Close"
printf 'symbol,side,qty\nAAPL,BUY,10\n' > "$tmp/plan.csv"
expect "execute --adjusted" 0 "" execute --no-progress --plan "$tmp/plan.csv" --bars "$tmp/AAPL.csv" \
	--orders-out "$tmp/o.csv" --at 2023-06-01T00:00:00Z --adjusted
out_has "execute: read as" "AAPL.csv as Yahoo Finance daily: dates at 00:00 UTC; adjusted: open, high, low, close scaled by Adj Close / Close; 1 row without prices (null or empty) skipped"
expect "execute --time-unit bad" 2 "--time-unit: 'xx' is not s, ms, us or ns" execute --plan "$tmp/plan.csv" \
	--bars "$tmp/AAPL.csv" --orders-out "$tmp/o.csv" --time-unit xx

# Refusals, each naming what to give.
expect "naive without --tz" 2 "pandas-naive-ES.csv:2: field 'Datetime': '2024-11-03 00:30:00' is a local time without a zone: give the zone its times are in (--tz America/New_York" \
	$(replay "$tmp/aapl-signal.csv") --bars "$data/pandas-naive-ES.csv"
printf 't,c\n170420580000,1\n170420590000,1\n' > "$tmp/X.csv"
expect "12-digit epoch" 2 "X.csv:2: field 't': '170420580000' is an epoch of 12 digits: seconds have up to 10, milliseconds 13, microseconds 16, nanoseconds 19; give the unit (--time-unit s|ms|us|ns)" \
	$(replay "$tmp/x-signal.csv") --bars "$tmp/X.csv"
expect "--time-unit ms" 0 "" $(replay "$tmp/x-signal.csv") --bars "$tmp/X.csv" --time-unit ms
json_true "ms: 1975" "$tmp/s.json" 'd["input"]["first_bar"] == "1975-05-27T11:03:00Z"'
expect "--time-unit h" 2 "--time-unit: 'h' is not s, ms, us or ns" $(replay "$tmp/x-signal.csv") --bars "$tmp/X.csv" --time-unit h
expect "--tz unknown" 2 "unknown time zone 'Mars/Olympus'" $(replay "$tmp/x-signal.csv") --bars "$tmp/X.csv" --tz Mars/Olympus
printf 'when,price,note\n2024-01-02,10.5,a\n2024-01-03,11,b\n' > "$tmp/X.csv"
expect "unknown column" 2 "X.csv:1: header: unknown column 'when'" $(replay "$tmp/x-signal.csv") --bars "$tmp/X.csv"
expect "--columns" 0 "" $(replay "$tmp/x-signal.csv") --bars "$tmp/X.csv" --columns ts=when,close=price
out_has "--columns said" "X.csv as columns as given: dates at 00:00 UTC; closes only: open, high and low are the close; no volume column: volume 0; ignored: note"
expect "--columns bad role" 2 "columns: 'price=Close' is not ROLE=NAME" $(replay "$tmp/x-signal.csv") --bars "$tmp/X.csv" --columns price=Close
expect "--adjusted without Adj Close" 2 "--adjusted needs an adjusted close column" \
	$(replay "$tmp/aapl-signal.csv") --bars "$data/stooq-aapl.us.csv" --adjusted

# --skip-bad-rows that skipped every row is an error, not "0 bars".
printf 'timestamp,open,high,low,close,volume\n2024-01-02T14:30:00Z,abc,1,1,1,1\n2024-01-02T15:30:00Z,1,1,2,1,1\n' > "$tmp/X.csv"
rm -f "$tmp/t.csv"
expect "every row skipped" 2 "X.csv: every row was bad and skipped (2 rows; the first: " \
	$(replay "$tmp/x-signal.csv") --bars "$tmp/X.csv" --skip-bad-rows
check "every row skipped: no trades file left" [ ! -e "$tmp/t.csv" ]
printf '2024-01-03T14:30:00Z,1,1,1,1,1\n' >> "$tmp/X.csv"
expect "one good row" 0 "" $(replay "$tmp/x-signal.csv") --bars "$tmp/X.csv" --skip-bad-rows
out_has "one good row: skipped said" "2 bad rows skipped"

finish
