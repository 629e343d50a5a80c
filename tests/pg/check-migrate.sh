#!/bin/sh
# paper migrate's round trip: a SQLite ledger -> the PostgreSQL server in PAPER_TEST_PG -> a new
# SQLite ledger. Every account shows the same status (paper status --json) at the three ends; a
# second copy onto accounts with events is refused and changes nothing; a password in a
# location never appears in a message. Run by tests/pg/cluster.sh run (suite postgresql).
# usage: check-migrate.sh PAPER
set -eu
paper=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") # absolute: the checks run elsewhere
pg=${PAPER_TEST_PG:?run under tests/pg/cluster.sh run}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

fail() {
	echo "check-migrate: $*" >&2
	exit 1
}

# Two accounts; one with a closed trade, an open position and a resting order.
$paper init --ledger a.db --account main --cash 50000 > /dev/null
$paper init --ledger a.db --account second > /dev/null
at() { echo "2024-03-01T14:3$1:00Z"; }
$paper mark --ledger a.db --account main AAPL 100 --at "$(at 0)" > /dev/null
$paper order --ledger a.db --account main AAPL buy 10 > /dev/null
$paper mark --ledger a.db --account main AAPL 101 --at "$(at 1)" > /dev/null
$paper order --ledger a.db --account main AAPL sell 4 > /dev/null
$paper mark --ledger a.db --account main AAPL 103 --at "$(at 2)" > /dev/null
$paper order --ledger a.db --account main AAPL buy 1 --type limit --limit 90 > /dev/null

$paper migrate --from a.db --to "$pg" > out
grep -q "copied 2 accounts; each rebuilds to the same state at both ends" out ||
	fail "unexpected output: $(cat out)"
$paper migrate --from "$pg" --to b.db --json > out.json
grep -q '"copied":2,"verified":true' out.json || fail "unexpected JSON: $(cat out.json)"

# The same account at the three ends (the status names its ledger: left out).
for account in main second; do
	n=0
	for ledger in a.db "$pg" b.db; do
		n=$((n + 1))
		$paper status --ledger "$ledger" --account "$account" --json |
			sed 's/"ledger":"[^"]*",\{0,1\}//' > "status.$account.$n"
	done
	cmp -s "status.$account.1" "status.$account.2" || fail "$account differs on PostgreSQL"
	cmp -s "status.$account.1" "status.$account.3" || fail "$account differs after the round trip"
done
grep -q '"open_orders":1' status.main.3 || fail "the resting order did not come back: $(cat status.main.3)"

# Never over an account with events: refused (exit 2), nothing written.
if $paper migrate --from a.db --to "$pg" 2> err; then
	fail "a second copy onto the same accounts was accepted"
else
	status=$?
	[ "$status" -eq 2 ] || fail "refusal exited $status, not 2"
fi
grep -q "refusing to overwrite" err || fail "refusal message: $(cat err)"
$paper status --ledger "$pg" --account main --json | sed 's/"ledger":"[^"]*",\{0,1\}//' > again
cmp -s again status.main.1 || fail "the refused copy changed the destination"

# A password is never echoed, whatever fails.
if $paper migrate --from a.db --to "postgres://paper:hunter2@/paper?host=$tmp/none" 2> err; then
	fail "copy to a server that does not exist succeeded"
fi
grep -q "hunter2" err && fail "the password appears in: $(cat err)"
grep -q "paper:\*\*\*@" err || fail "no redacted location in: $(cat err)"
echo "ok: paper migrate SQLite -> PostgreSQL -> SQLite, 2 accounts, same state at every end"
