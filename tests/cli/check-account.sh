#!/bin/sh
# The paper command's account sub-commands: init, status, positions, orders, history, stats,
# order, cancel, close, close-all, mark, export, report - their output, --json, --help and
# every exit status (0 ok, 1 refused, 2 bad input, 3 ledger missing or corrupt).
# Usage: check-account.sh PAPER
set -u
paper=$1
. "$(dirname "$0")/lib.sh"

L=$tmp/paper.db
T1=2024-03-01T14:30:00Z

# ---- usage ----
for cmd in init status positions orders history stats order cancel close close-all mark run \
	report export; do
	expect "$cmd --help" 0 "" "$cmd" --help
	out_has "$cmd --help: usage" "usage: paper $cmd"
	out_has "$cmd --help: exit statuses" "3 ledger or account missing"
	expect "$cmd: unknown option" 2 "unknown option '--bogus'" "$cmd" --bogus --ledger "$L"
done
expect "top help" 0 "" --help
for cmd in init status positions orders history stats order cancel close close-all mark run \
	report export replay execute walk-forward; do
	out_has "paper --help lists $cmd" "  $cmd "
done
out_has "paper --help: ledger precedence" "PAPER_LEDGER"

# ---- init: a bad config creates nothing, naming every violation ----
expect "init without a ledger" 2 "no ledger: give --ledger PATH, or set PAPER_LEDGER or the config" init
printf '[limits]\nmax_open_positions = 5000\n[account]\ntype = live\nstarting_cash = -5\n[costs]\nbogus = 1\n' > "$tmp/bad.ini"
expect "init: bad config" 2 "invalid configuration (4 problems)" init --config "$tmp/bad.ini" --ledger "$L"
for v in "limits.max_open_positions = '5000'" "account.type = 'live'" \
	"account.starting_cash = '-5'" "costs.bogus = '1'"; do
	check "init: violation named: $v" grep -qF -- "$v" "$tmp/err"
done
check "init: a bad config creates no ledger" test -z "$(ls "$tmp" | grep paper.db)"
expect "init: bad --cash" 2 "account.starting_cash" init --ledger "$L" --cash abc
check "init: a bad --cash creates no ledger" test ! -e "$L"
PAPER_LIVE=1 "$paper" init --ledger "$L" > "$tmp/out" 2> "$tmp/err"
check "init: PAPER_LIVE refused with exit 2" test $? -eq 2

check "init: PAPER_LIVE named" grep -qF "PAPER_LIVE" "$tmp/err"
check "init: PAPER_LIVE creates no ledger" test ! -e "$L"

# The ledger from the config: [ledger] location in --config FILE, or PAPER_LEDGER_LOCATION.
printf '[ledger]\nlocation = %s\n' "$tmp/from-config.db" > "$tmp/where.ini"
expect "init: ledger from the config file" 0 "" init --config "$tmp/where.ini"
check "init: the config's ledger.location was created" test -e "$tmp/from-config.db"
PAPER_LEDGER_LOCATION="$tmp/from-env.db" "$paper" init > "$tmp/out" 2> "$tmp/err"
check "init: ledger from PAPER_LEDGER_LOCATION" test $? -eq 0 -a -e "$tmp/from-env.db"
PAPER_LEDGER_LOCATION="$tmp/from-env.db" "$paper" status --json > "$tmp/out" 2> "$tmp/err"
check "status: ledger from PAPER_LEDGER_LOCATION" grep -qF "from-env.db" "$tmp/out"
"$paper" init --ledger 'postgresql://me:s3cret@/none?host=/nonexistent' > "$tmp/out" 2> "$tmp/err"
check "init: a password in a URI is never printed" test -s "$tmp/err" -a -z "$(grep -F s3cret "$tmp/out" "$tmp/err")"
expect "init: --lot is not config" 2 "--lot is not part of an account's config" init --ledger "$L" --lot AAPL=1
expect "init: missing config file" 2 "--config" init --ledger "$L" --config "$tmp/nope.ini"
check "init: a missing config file creates no ledger" test ! -e "$L"

expect "init" 0 "" init --ledger "$L" --cash 50000 --set limits.max_open_positions=4
out_has "init: says what it created" "created paper account 'default' in $L: starting cash 50,000.00 USD"
check "init: ledger created" test -s "$L"
expect "init: the same account again" 2 "already has an account 'default'" init --ledger "$L"
expect "init: a second account, JSON" 0 "" init --ledger "$L" --account second --cash 1000 --json
json_true "init --json: account and cash" "$tmp/out" 'd["account"] == "second" and d["starting_cash"] == 1000 and d["ledger"].endswith("paper.db")'

printf 'this is not a ledger at all\n' > "$tmp/garbage.db"
cp "$tmp/garbage.db" "$tmp/garbage.orig"
expect "init on garbage" 3 "is not a paper ledger" init --ledger "$tmp/garbage.db"
check "init on garbage leaves the file as it was" cmp -s "$tmp/garbage.db" "$tmp/garbage.orig"

# ---- a missing, corrupt or empty ledger: exit 3 from every command; a directory: 2 ----
: > "$tmp/empty.db"
mkdir "$tmp/dir.db"
for cmd in status positions orders history stats "export --dir $tmp/x" "report --html $tmp/x.html" \
	"order AAPL buy 1" "cancel --all" "close AAPL" close-all "mark AAPL 100" \
	"run --prices $tmp/none.csv"; do
	# shellcheck disable=SC2086 # the command's words are meant to split
	expect "$cmd: missing ledger" 3 "no ledger at" $cmd --ledger "$tmp/missing.db"
	# shellcheck disable=SC2086
	expect "$cmd: garbage ledger" 3 "is not a paper ledger" $cmd --ledger "$tmp/garbage.db"
	# shellcheck disable=SC2086
	expect "$cmd: empty ledger" 3 "is an empty file, not a paper ledger" $cmd --ledger "$tmp/empty.db"
	# shellcheck disable=SC2086
	expect "$cmd: a directory" 2 "dir.db" $cmd --ledger "$tmp/dir.db"
done
check "no command wrote to the garbage ledger" cmp -s "$tmp/garbage.db" "$tmp/garbage.orig"
check "no command created the missing ledger" test ! -e "$tmp/missing.db"
expect "status: no ledger given" 2 "no ledger: give --ledger PATH, or set PAPER_LEDGER or the config" status

# ---- choosing the account ----
expect "two accounts, none chosen" 2 "holds 2 accounts (default, second): choose one with --account" status --ledger "$L"
expect "unknown account" 3 "has no account 'third' (it holds: default, second)" status --ledger "$L" --account third
PAPER_LEDGER=$L PAPER_ACCOUNT_NAME=second "$paper" status --json > "$tmp/out" 2> "$tmp/err"
check "PAPER_LEDGER and PAPER_ACCOUNT_NAME choose the account" test $? -eq 0
json_true "status of the second account" "$tmp/out" 'd["account"] == "second" and d["cash"] == 1000'
A="--ledger $L --account default"

# ---- an account with no prices yet ----
expect "status, new account" 0 "" status $A
out_has "status: no prices yet" "no prices yet"
out_has "status: no open positions" "no open positions"
expect "orders, new account" 0 "" orders $A
out_has "orders: none" "no open orders"
expect "history, new account" 0 "" history $A
out_has "history: none" "no closed trades match"
expect "order before any price" 2 "no price for AAPL yet: nothing was submitted" order AAPL buy 1 $A

# ---- mark: prices, checked whole before any change ----
printf 'timestamp,symbol,price\n%s,AAPL,100\n%s,MSFT,400\n' "$T1" "$T1" > "$tmp/p1.csv"
printf 'timestamp,symbol,price\n2024-03-01T14:40:00Z,AAPL,101\n2024-03-01T14:41:00Z,AAPL,abc\n' > "$tmp/bad1.csv"
printf 'timestamp,symbol,price\n2024-03-01T14:40:00Z,AAPL,101\n2024-03-01T14:39:00Z,AAPL,102\n' > "$tmp/bad2.csv"
printf 'timestamp,symbol,open,high,low,close\n2024-03-01T14:40:00Z,AAPL,101,99,98,100\n' > "$tmp/bad3.csv"
printf 'time,symbol,price\n' > "$tmp/bad4.csv"
expect "mark: a bad number" 2 "bad1.csv:3: field 'price': 'abc' is not a number" mark $A --prices "$tmp/bad1.csv"
expect "mark: time going back" 2 "bad2.csv:3:" mark $A --prices "$tmp/bad2.csv"
expect "mark: an inconsistent bar" 2 "bad3.csv:2:" mark $A --prices "$tmp/bad3.csv"
expect "mark: a bad header" 2 "unknown column 'time'" mark $A --prices "$tmp/bad4.csv"
printf 'timestamp,symbol,price\n2024-03-01 14:40:00,AAPL,101\n' > "$tmp/bad5.csv"
printf 'timestamp,symbol,price\n2024-03-01T14:40:00Z,AAPL,1e2\n' > "$tmp/bad6.csv"
printf 'timestamp,symbol,price\n2024-02-30T14:40:00Z,AAPL,101\n' > "$tmp/bad7.csv"
expect "mark: a time without Z" 2 "bad5.csv:2: field 'timestamp': '2024-03-01 14:40:00' is not a time" mark $A --prices "$tmp/bad5.csv"
expect "mark: an exponent" 2 "bad6.csv:2: field 'price': '1e2' is not a number" mark $A --prices "$tmp/bad6.csv"
expect "mark: an impossible date" 2 "bad7.csv:2: field 'timestamp'" mark $A --prices "$tmp/bad7.csv"
check "mark: a bad file changes nothing" grep -qF "(nothing was applied)" "$tmp/err"
expect "mark: missing file" 2 "nope.csv" mark $A --prices "$tmp/nope.csv"
expect "mark: both file and price" 2 "one of them" mark $A --prices "$tmp/p1.csv" AAPL 100
expect "mark: symbol without price" 2 "SYMBOL needs a PRICE" mark $A AAPL
expect "status after refused marks" 0 "" status $A --json
json_true "refused marks changed nothing" "$tmp/out" 'd["ts"] is None and d["fills"] == 0'
expect "mark" 0 "" mark $A --prices "$tmp/p1.csv"
out_has "mark: what it applied" "applied 2 prices to account default (0 fills)"
printf 'timestamp,symbol,price\n2024-03-01T14:00:00Z,AAPL,99\n2024-03-01T14:00:00Z,MSFT,399\n' > "$tmp/p0.csv"
expect "mark older lines: skipped" 0 "" mark $A --prices "$tmp/p0.csv" --json
json_true "mark older lines: 2 skipped, 0 applied" "$tmp/out" 'd["applied"] == 0 and d["skipped"] == 2'
expect "mark: one price older than the account's" 2 "the account has a newer price" mark $A AAPL 99 --at 2024-03-01T14:00:00Z

# ---- order ----
expect "order: bad side" 2 "side 'hold' is not buy or sell" order AAPL hold 1 $A
expect "order: bad qty" 2 "QTY: 'ten' is not a number" order AAPL buy ten $A
expect "order: negative qty" 2 "qty must be a finite number > 0 (got -5)" order AAPL buy -5 $A
expect "order: too few arguments" 2 "want SYMBOL SIDE QTY" order AAPL buy $A
expect "order: too many arguments" 2 "unexpected argument 'now'" order AAPL buy 1 now $A
expect "order: limit price on a market order" 2 "a market order takes neither --limit nor --stop" order AAPL buy 1 --type market --limit 99 $A
expect "order: stop-limit without a stop" 2 "a stop-limit order takes both --limit and --stop" order AAPL buy 1 --type stop-limit --limit 99 $A
expect "order: bad tif" 2 "--tif: 'week'" order AAPL buy 1 --tif week $A
expect "order: bad type" 2 "--type: 'iceberg'" order AAPL buy 1 --type iceberg $A
expect "order: more than buying power" 1 "rejected (recorded in the account)" order AAPL buy 100000 $A
expect "order: above max_order_qty" 1 "rejected (recorded in the account)" order AAPL buy 2000000 --limit 1 $A
expect "order AAPL buy 10" 0 "" order AAPL buy 10 $A
out_has "order: accepted, fills on the next price" "order 1 accepted: buy 10 AAPL, market gtc; it fills on AAPL's next price"
expect "order MSFT limit, JSON" 0 "" order MSFT sell 5 --limit 405 --tif day $A --json
json_true "order --json: the order" "$tmp/out" 'd["id"] == 2 and d["type"] == "limit" and d["tif"] == "day" and d["limit_price"] == 405 and d["status"] == "accepted" and d["strategy"] == "manual"'
expect "order: a limit far away" 0 "" order AAPL buy 1 --limit 50 --client-id mine $A
expect "orders" 0 "" orders $A
out_has "orders: the table" "SUBMITTED"
out_has "orders: the limit order" "405.00"
expect "orders --json --symbol MSFT" 0 "" orders $A --json --symbol MSFT
json_true "orders --json: one MSFT order" "$tmp/out" 'len(d) == 1 and d[0]["symbol"] == "MSFT" and d[0]["qty"] == 5'

# ---- cancel ----
expect "cancel: unknown id" 2 "999" cancel 999 $A
expect "cancel: not an id" 2 "'abc' is not an order id" cancel abc $A
expect "cancel: id and --all" 2 "give an order id or --all (not both)" cancel 3 --all $A
expect "cancel: nothing" 2 "give an order id or --all" cancel $A
expect "cancel: --symbol without --all" 2 "--symbol goes with --all" cancel 3 --symbol AAPL $A
expect "cancel 3" 0 "" cancel 3 $A
out_has "cancel: what" "cancelled 1 order: 3"
expect "cancel 3 again" 2 "" cancel 3 $A
expect "order: one more to cancel" 0 "" order MSFT buy 1 --limit 10 $A
expect "cancel --all --symbol MSFT --json" 0 "" cancel --all --symbol MSFT $A --json
json_true "cancel --all --symbol MSFT: both MSFT orders" "$tmp/out" 'sorted(d["cancelled"]) == [2, 4]'
expect "order MSFT sell 5 again" 0 "" order MSFT sell 5 $A

# ---- fills on the next mark; positions and status ----
printf 'timestamp,symbol,price\n2024-03-01T14:31:00Z,AAPL,101\n2024-03-01T14:31:00Z,MSFT,398\n' > "$tmp/p2.csv"
expect "mark fills the orders" 0 "" mark $A --prices "$tmp/p2.csv"
out_has "mark: the AAPL fill" "filled order 1: buy 10 AAPL @ "
out_has "mark: the MSFT fill" "filled order 5: sell 5 MSFT @ "
expect "positions" 0 "" positions $A
out_has "positions: the table" "UNREALIZED"
expect "positions --json" 0 "" positions $A --json
json_true "positions --json: long 10 AAPL, short 5 MSFT" "$tmp/out" 'sorted((p["symbol"], p["direction"], p["qty"]) for p in d) == [("AAPL", "long", 10), ("MSFT", "short", -5)]'
expect "status" 0 "" status $A
for label in equity cash "realized P&L" "unrealized P&L" "daily P&L" "open positions"; do
	out_has "status shows $label" "  $label "
done
expect "status --json" 0 "" status $A --json
cp "$tmp/out" "$tmp/status.json"
json_true "status --json: the library's names" "$tmp/status.json" 'all(k in d for k in ["equity", "cash", "realized_pnl", "fees", "realized_pnl_net", "unrealized_pnl", "daily_pnl", "open_positions", "open_orders", "rejections", "positions", "ts"])'
json_true "status --json: equity = cash + market values" "$tmp/status.json" 'abs(d["equity"] - d["cash"] - sum(p["market_value"] for p in d["positions"])) < 1e-6'
json_true "status --json: unrealized = sum of positions'" "$tmp/status.json" 'abs(d["unrealized_pnl"] - sum(p["unrealized_pnl"] for p in d["positions"])) < 1e-6'
json_true "status --json: two rejections, two positions, no open order" "$tmp/status.json" 'd["rejections"] == 2 and d["open_positions"] == 2 and d["open_orders"] == 0'
json_true "status --json: daily P&L" "$tmp/status.json" 'abs(d["daily_pnl"] - (d["equity"] - d["day_start_equity"])) < 1e-9'

# ---- close, close-all, history ----
expect "close: no such position" 2 "no open position in TSLA" close TSLA $A
expect "close: no symbol" 2 "which symbol?" close $A
expect "close: bad reason" 2 "--reason: 'because'" close AAPL --reason because $A
expect "close AAPL" 0 "" close AAPL $A
out_has "close: the closed trade" "closed long 10 AAPL at 101.00: net P&L"
expect "close-all --reason force_exit --json" 0 "" close-all --reason force_exit $A --json
json_true "close-all: the MSFT trade" "$tmp/out" 'len(d) == 1 and d[0]["symbol"] == "MSFT" and d[0]["exit_reason"] == "force_exit"'
expect "close-all when flat" 0 "" close-all $A
out_has "close-all when flat says so" "no open positions: nothing to close"
expect "history" 0 "" history $A
out_has "history: the table" "EXIT REASON"
out_has "history: totals" "2 trades"
expect "history --json" 0 "" history $A --json
json_true "history --json: two trades, trades.csv names" "$tmp/out" 'len(d) == 2 and [t["exit_reason"] for t in d] == ["manual", "force_exit"] and all(abs(t["pnl_net"] - (t["pnl_gross"] - t["fees"])) < 1e-9 for t in d)'
expect "history --symbol MSFT" 0 "" history $A --json --symbol MSFT
json_true "history --symbol: one" "$tmp/out" 'len(d) == 1 and d[0]["symbol"] == "MSFT"'
expect "history --strategy manual --last 1" 0 "" history $A --json --strategy manual --last 1
json_true "history --strategy --last" "$tmp/out" 'len(d) == 1 and d[0]["symbol"] == "MSFT"'
expect "history --strategy other" 0 "" history $A --json --strategy other
json_true "history --strategy other: none" "$tmp/out" 'd == []'
expect "history --from after" 0 "" history $A --json --from 2024-03-02
json_true "history --from after: none" "$tmp/out" 'd == []'
expect "history --to the day" 0 "" history $A --json --to 2024-03-01
json_true "history --to a date includes that day" "$tmp/out" 'len(d) == 2'
expect "history --to before" 0 "" history $A --json --to 2024-03-01T14:00:00Z
json_true "history --to before: none" "$tmp/out" 'd == []'
expect "history: bad time" 2 "--from: 'yesterday' is not a time" history $A --from yesterday
expect "history: --to before --from" 2 "--to must be after --from" history $A --from 2024-03-02 --to 2024-03-01
expect "history: bad --last" 2 "--last" history $A --last 0

# ---- stats ----
expect "stats" 0 "" stats $A --by-strategy
for key in total_trades win_rate sharpe_ratio max_drawdown profit_factor "per symbol" "per strategy"; do
	out_has "stats shows $key" "$key"
done
expect "stats --json" 0 "" stats $A --json
json_true "stats --json: the metrics keys" "$tmp/out" 'd["total_trades"] == 2 and all(k in d for k in ["win_rate", "sharpe_ratio", "max_drawdown", "profit_factor", "by_symbol", "exit_reasons"]) and sorted(d["by_symbol"]) == ["AAPL", "MSFT"]'
expect "stats --json --equity-curve" 0 "" stats $A --json --equity-curve
json_true "stats --json --equity-curve: the curve" "$tmp/out" 'len(d["equity_curve"]) >= 1'
expect "stats: --equity-curve without --json" 2 "--equity-curve goes with --json" stats $A --equity-curve
expect "stats: bad --periods-per-year" 2 "--periods-per-year must be > 0" stats $A --periods-per-year 0

# ---- export ----
expect "export" 0 "" export $A --dir "$tmp/exp"
for f in orders.csv fills.csv trades.csv positions.csv pnl_ledger.csv state.json; do
	check "export wrote $f" test -s "$tmp/exp/$f"
done
check "export: trades.csv has both trades" test "$(tail -n +2 "$tmp/exp/trades.csv" | wc -l)" -eq 2
expect "export --what trades --json" 0 "" export $A --dir "$tmp/exp2" --what trades --json
json_true "export --json: the files" "$tmp/out" 'd["files"] == ["trades.csv"]'
check "export --what trades: only trades.csv" test "$(ls "$tmp/exp2")" = "trades.csv"
expect "export: bad --what" 2 "--what: unknown 'everything'" export $A --dir "$tmp/exp3" --what everything
expect "export: no --dir" 2 "--dir is required" export $A

# ---- report ----
expect "report" 0 "" report $A --html "$tmp/dash.html" --refresh 30 --once --min-trades 1
out_has "report: what it wrote" "wrote the dashboard of account default to $tmp/dash.html"
check "report: refresh" grep -qF 'http-equiv="refresh" content="30"' "$tmp/dash.html"
check "report: readiness criterion from --min-trades" grep -qF 'data-check="min_trades" data-pass="true"' "$tmp/dash.html"
expect "report: --once without --refresh" 2 "--once goes with --refresh SECONDS" report $A --html "$tmp/d.html" --once

# --refresh without --once keeps the page current: the account rebuilt from the ledger (a
# price given meanwhile shows) until SIGTERM, which stops it with exit status 0.
"$paper" order AAPL buy 1 $A > /dev/null && "$paper" mark $A AAPL 110 --no-exits > /dev/null ||
	fail "report --refresh: a position to mark"
kpi_equity() { sed -n 's/.*data-kpi="equity" data-value="\([^"]*\)".*/\1/p' "$1" | head -n 1; }
"$paper" report $A --html "$tmp/live.html" --refresh 1 > "$tmp/live.out" 2> "$tmp/live.err" &
live_pid=$!
bg_pids="$bg_pids $live_pid"
wait_for "$tmp/live.out" '^writing it again every 1 s until interrupted' || finish
eq_before=$(kpi_equity "$tmp/live.html")
"$paper" mark $A AAPL 250 --no-exits > /dev/null || fail "report --refresh: mark"
"$paper" status $A --json > "$tmp/live-status.json" || fail "report --refresh: status"
i=0
while [ "$(kpi_equity "$tmp/live.html")" = "$eq_before" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
json_true "report --refresh: the page shows the equity after the mark" "$tmp/live-status.json" \
	"abs(d['equity'] - $(kpi_equity "$tmp/live.html")) < 1e-6 and d['equity'] != $eq_before"
kill -TERM "$live_pid"
wait "$live_pid"
check "report --refresh: SIGTERM stops it with status 0" test $? -eq 0
check "report --refresh: how often it wrote" grep -qE '^stopped: the dashboard was written ([2-9]|[1-9][0-9]+) times$' "$tmp/live.out"
check "report --refresh: nothing on stderr" test ! -s "$tmp/live.err"
expect "report: no --html" 2 "--html FILE is required" report $A
expect "report: bad win rate" 2 "--min-win-rate: 55 is not a fraction" report $A --html "$tmp/d.html" --min-win-rate 55
expect "report: bad count" 2 "--min-trades: '2.5' is not a whole number" report $A --html "$tmp/d.html" --min-trades 2.5
expect "report: unwritable" 2 "cannot write dashboard" report $A --html "$tmp/no/such/dir/d.html"

finish
