#!/bin/sh
# A PostgreSQL ledger reached with a password in its URI (the throw-away cluster trusts every
# connection, so any password works): the paper command never shows it - not in `paper
# status` (text or JSON), the `paper run` start line, an error, a stored config or an export;
# and an upper-case scheme (POSTGRESQL://) reaches the same server. Run by tests/pg/cluster.sh
# run (suite postgresql).
# usage: check-secrets.sh PAPER
set -eu
paper=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") # absolute: the checks run elsewhere
pg=${PAPER_TEST_PG:?run under tests/pg/cluster.sh run}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

fail() {
	echo "check-secrets: $*" >&2
	exit 1
}

# postgresql:///paper?host=DIR&port=P&user=paper -> the same with a password, two spellings.
query=${pg#*\?}
L="postgresql://paper:s3cret-pw@/paper?$query&sslpassword=s3cret-ssl"
U="POSTGRESQL://paper:s3cret-up@/paper?$query"

no_secret() { # FILE... : none holds a password
	if grep -l s3cret "$@"; then
		fail "a password is shown in the file(s) above: $(grep -h s3cret "$@" | head -n 3)"
	fi
}

$paper init --ledger "$L" --set "ledger.location=$L" > out 2> err || fail "init: $(cat err)"
$paper status --ledger "$L" > status.txt 2>> err || fail "status: $(cat err)"
$paper status --ledger "$L" --json > status.json 2>> err || fail "status --json: $(cat err)"
grep -q "postgresql://paper:\*\*\*@/paper" status.txt || fail "status: $(head -n 1 status.txt)"
$paper status --ledger "$U" > upper.txt 2>> err || fail "status on POSTGRESQL://: $(cat err)"
grep -q "POSTGRESQL://paper:\*\*\*@/paper" upper.txt || fail "status: $(head -n 1 upper.txt)"
$paper export --ledger "$L" --dir exp > /dev/null 2>> err || fail "export: $(cat err)"

# paper run: its start line names the ledger; standard input ending stops it.
printf 'timestamp,symbol,price\n2024-03-01T14:30:00Z,AAPL,100\n' |
	$paper run --ledger "$L" --prices - --interval 1 > run.txt 2>> err || fail "run: $(cat err)"
grep -q "PAPER START .* ledger postgresql://paper:\*\*\*@" run.txt || fail "run: $(cat run.txt)"

# A message about the ledger: still no password.
$paper status --ledger "$L" --account nobody > out 2> missing.txt && fail "status of no account"
grep -q "ledger 'postgresql://paper:\*\*\*@" missing.txt || fail "message: $(cat missing.txt)"

psql "$pg" -Atc "SELECT value FROM configs" > stored.txt || fail "psql"
grep -q "paper:\*\*\*@" stored.txt || fail "the stored ledger.location: $(cat stored.txt)"
no_secret out err status.txt status.json upper.txt run.txt missing.txt stored.txt exp/*
echo "ok: no password in status, run, errors, the stored config or the export"
