#!/bin/sh
# docs/security.md through the paper command: paper-only URLs from --set, --config and the
# environment; passwords never printed, stored or exported; spreadsheet formulas never
# written into a CSV; no raw control byte echoed. (A PostgreSQL server's password in
# `paper status` and the `paper run` start line: tests/pg/check-secrets.sh.)
# Usage: check-security.sh PAPER DATA_DIR
set -u
paper=$1
data=$2
. "$(dirname "$0")/lib.sh"

L=$tmp/paper.db

# ---- paper only: every route refuses a URL a client would read elsewhere ----
for url in 'https://paper-api.alpaca.markets:443@api.alpaca.markets/v2' \
	'https://paper-api.alpaca.markets:@api.alpaca.markets' \
	'https://@paper-api.alpaca.markets' \
	'https://paper-api.alpaca.markets:0' \
	'https://paper-api.alpaca.markets:99999' \
	'https://paper-api.alpaca.markets#x' \
	'https://paper-api.alpaca.markets\@api.alpaca.markets' \
	'HTTPS://API.ALPACA.MARKETS.' \
	'https://api%2ealpaca.markets' \
	'//paper-api.alpaca.markets'; do
	rm -f "$L"
	expect "init --set $url" 2 "connection.alpaca_base_url" init --ledger "$L" \
		--set "connection.alpaca_base_url=$url"
	check "init --set $url: no ledger" test ! -e "$L"
	PAPER_CONNECTION_ALPACA_BASE_URL=$url "$paper" init --ledger "$L" > "$tmp/out" 2> "$tmp/err"
	check "PAPER_CONNECTION_ALPACA_BASE_URL=$url: exit 2" test $? -eq 2
	APCA_API_BASE_URL=$url "$paper" init --ledger "$L" > "$tmp/out" 2> "$tmp/err"
	check "APCA_API_BASE_URL=$url: exit 2, named" grep -qF APCA_API_BASE_URL "$tmp/err"
	printf '[connection]\nalpaca_base_url = %s\n' "$url" | sed 's/\\/\\\\/g' > "$tmp/url.ini"
	expect "init --config with $url" 2 "connection.alpaca_base_url" init --ledger "$L" \
		--config "$tmp/url.ini"
	check "any route with $url: no ledger" test ! -e "$L"
	expect "replay --set $url" 2 "connection.alpaca_base_url" replay --bars "$data/bars" \
		--signals "$data/signals.csv" --no-progress --trades-out "$tmp/t.csv" \
		--summary-out "$tmp/s.json" --set "connection.alpaca_base_url=$url"
done
expect "init with the paper endpoint, however spelled" 0 "" init --ledger "$L" \
	--set 'connection.alpaca_base_url=HTTPS://PAPER-API.ALPACA.MARKETS./v2'
rm -f "$L"
# A ledger whose stored config was edited to a live URL: refused when reopened.
expect "init" 0 "" init --ledger "$L"
sqlite3 "$L" "UPDATE configs SET value = 'https://paper-api.alpaca.markets:443@api.alpaca.markets' WHERE key = 'connection.alpaca_base_url'"
for cmd in status "order AAPL buy 1" "export --dir $tmp/x"; do
	# shellcheck disable=SC2086 # the command's words are meant to split
	"$paper" $cmd --ledger "$L" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	check "$cmd on a ledger with a live URL stored: refused ($rc)" test "$rc" -ne 0
	check "$cmd: says why" grep -qF "stored config is refused" "$tmp/err"
done
rm -f "$L"

# ---- secrets: a password in ledger.location never printed, stored or exported ----
secret='postgresql://trader:s3cret-pw@db1.example/paper?PassWord=s3cret-q'
expect "init with a password in ledger.location" 0 "" init --ledger "$L" \
	--set "ledger.location=$secret"
check "the stored config holds no password" test -z "$(sqlite3 "$L" "SELECT value FROM configs" | grep s3cret)"
check "the stored config names the user" test -n "$(sqlite3 "$L" "SELECT value FROM configs" | grep -F 'trader:***@db1.example')"
expect "export" 0 "" export --ledger "$L" --dir "$tmp/exp"
check "state.json holds no password" test -z "$(grep s3cret "$tmp/exp/state.json")"
PAPER_LEDGER_LOCATION=$secret "$paper" replay --bars "$data/bars" --signals "$data/signals.csv" \
	--no-progress --trades-out "$tmp/t.csv" --summary-out "$tmp/s.json" > "$tmp/out" 2> "$tmp/err"
check "replay with a password in the environment: exit 0" test $? -eq 0
check "replay summary, output and errors hold no password" test -z "$(grep s3cret "$tmp/s.json" "$tmp/out" "$tmp/err")"
check "replay summary shows the location redacted" grep -qF 'trader:***@db1.example' "$tmp/s.json"
# An upper-case scheme is a server, not a file: nothing created, no password shown.
(cd "$tmp" && "$paper" init --ledger 'POSTGRESQL://u:s3cret@/db?host=/nonexistent' > out 2> err)
check "POSTGRESQL://: refused" test $? -ne 0
check "POSTGRESQL://: no password shown" test -z "$(grep s3cret "$tmp/out" "$tmp/err")"
check "POSTGRESQL://: no file created" test -z "$(ls "$tmp" | grep -i postgresql)"

# ---- text: control characters refused, never echoed; CSV cells never formulas ----
esc=$(printf '\033')
expect "mark" 0 "" mark AAPL 100 --ledger "$L"
expect "order with a control character in the strategy" 2 "strategy" \
	order AAPL buy 1 --ledger "$L" --strategy "x${esc}[2Kevil"
check "the message carries no raw escape" test -z "$(grep -F "$esc" "$tmp/err")"
mkdir "$tmp/bars"
for s in '=A1' '-B2' '-1'; do
	cp "$data/bars/AAPL.csv" "$tmp/bars/$s.csv"
done
printf 'symbol,side,qty\n=A1,LONG,1\n-B2,LONG,1\n-1,LONG,1\n' > "$tmp/plan.csv"
expect "execute a plan of formula-like symbols" 0 "" execute --plan "$tmp/plan.csv" \
	--bars "$tmp/bars" --no-progress --orders-out "$tmp/orders.csv" --trades-out "$tmp/trades.csv" \
	--summary-out "$tmp/s.json"
check "orders CSV: =A1 written as text" grep -q "^[0-9]*,'=A1," "$tmp/orders.csv"
check "orders CSV: -B2 written as text" grep -q "^[0-9]*,'-B2," "$tmp/orders.csv"
check "orders CSV: -1 stays a number" grep -q "^[0-9]*,-1," "$tmp/orders.csv"
check "trades CSV: no formula" test -z "$(grep -e '^=' -e '^-B' "$tmp/trades.csv")"

# ---- parser edges: impossible dates and numbers strtod would take ----
for t in 2024-02-30 2023-02-29 2024-04-31T00:00:00Z 2024-13-01 " 2024-03-01" +2024-03-01; do
	expect "mark --at '$t'" 2 "is not a time" mark AAPL 100 --ledger "$L" --at "$t"
	expect "replay --from '$t'" 2 "is not a time" replay --bars "$data/bars" \
		--signals "$data/signals.csv" --no-progress --trades-out "$tmp/t.csv" \
		--summary-out "$tmp/s.json" --from "$t"
done
expect "init a ledger for a leap day" 0 "" init --ledger "$tmp/leap.db"
expect "mark --at a leap day" 0 "" mark AAPL 100 --ledger "$tmp/leap.db" --at 2024-02-29T00:00:00Z
for n in 0x1p3 0x10 inf -inf nan 1e999 " 5" 1e; do
	expect "order qty '$n'" 2 "is not a number" order AAPL buy "$n" --ledger "$L"
	expect "mark price '$n'" 2 "is not a number" mark AAPL "$n" --ledger "$L"
	[ "$n" = " 5" ] && continue # settings drop surrounding white space, as the INI file does
	expect "init --cash '$n'" 2 "account.starting_cash" init --ledger "$tmp/n.db" --cash "$n"
done
expect "cancel ' 5'" 2 "" cancel " 5" --ledger "$L"

finish
