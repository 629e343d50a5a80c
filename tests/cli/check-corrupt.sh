#!/bin/sh
# Damaged ledgers: a page flipped inside a real ledger (a table the command does not read, and
# the event log itself), a truncated file, garbage, an SQLite file that is not a ledger, a
# schema whose text holds escape sequences, and tables edited behind the log's back. Every
# command refuses them with exit status 3 and never writes (the file's bytes are unchanged);
# paper check lists the problems; nothing prints a raw control byte.
# Usage: check-corrupt.sh PAPER
set -u
paper=$1
. "$(dirname "$0")/lib.sh"

# A ledger with some history: fills, open orders, decisions.
G=$tmp/good.db
"$paper" init --ledger "$G" > /dev/null || fail "init"
printf 'timestamp,symbol,price\n2024-03-01T14:30:00Z,AAPL,100\n2024-03-01T14:30:00Z,MSFT,50\n' > "$tmp/p1.csv"
printf 'timestamp,symbol,price\n2024-03-01T14:31:00Z,AAPL,101\n2024-03-01T14:31:00Z,MSFT,51\n' > "$tmp/p2.csv"
"$paper" mark --ledger "$G" --prices "$tmp/p1.csv" > /dev/null || fail "mark"
i=0
while [ $i -lt 40 ]; do
	"$paper" order --ledger "$G" AAPL buy 1 > /dev/null || fail "order $i"
	i=$((i + 1))
done
"$paper" mark --ledger "$G" --prices "$tmp/p2.csv" > /dev/null || fail "mark 2"
"$paper" order --ledger "$G" MSFT buy 1 --limit 40 > /dev/null || fail "resting order"
sql "$G" "INSERT INTO decisions (account, symbol, side, confidence) VALUES ('default', 'SPY', 'buy', 0.5)"

# raw FILE...: true when no file holds a control byte other than a newline.
raw() {
	"$py" -c 'import sys
sys.exit(0 if any(b < 32 and b != 10 or b == 127 for f in sys.argv[1:] for b in open(f, "rb").read()) else 1)' "$@"
}

# refused NAME FILE: every command fails with exit 3, prints nothing raw, writes nothing.
refused() {
	name=$1
	f=$2
	sum=$(sha1sum < "$f")
	for cmd in status positions history "order AAPL buy 1" "mark --prices $tmp/p2.csv" "run --prices -" \
		"export --dir $tmp/x" "report --html $tmp/x.html"; do
		# shellcheck disable=SC2086
		"$paper" $cmd --ledger "$f" < /dev/null > "$tmp/out" 2> "$tmp/err"
		rc=$?
		if [ "$rc" -ne 3 ]; then
			fail "$name: paper $cmd: exit $rc, want 3"
			sed 's/^/    /' "$tmp/err"
		fi
		if raw "$tmp/out" "$tmp/err"; then
			fail "$name: paper $cmd printed a raw control byte"
			od -c "$tmp/err" | head -n 5
		fi
	done
	check "$name: never written" test "$(sha1sum < "$f")" = "$sum"
	check "$name: no export or dashboard was made" test ! -e "$tmp/x.html" -a ! -e "$tmp/x"
	"$paper" check --ledger "$f" > "$tmp/out" 2> "$tmp/err"
	check "$name: paper check exits 3" test $? -eq 3
	if raw "$tmp/out" "$tmp/err"; then
		fail "$name: paper check printed a raw control byte"
	else
		ok "$name: paper check prints no raw control byte"
	fi
	"$paper" check --ledger "$f" --json > "$tmp/out.json" 2> /dev/null
	json_true "$name: paper check --json says not ok" "$tmp/out.json" 'd["ok"] is False'
	check "$name: still never written" test "$(sha1sum < "$f")" = "$sum"
}

# flip FILE PAGE: every byte of a page inverted.
flip() {
	"$py" -c 'import sys
f = open(sys.argv[1], "r+b")
size = int.from_bytes(open(sys.argv[1], "rb").read(18)[16:18], "big")
size = 65536 if size == 1 else size
f.seek((int(sys.argv[2]) - 1) * size)
page = f.read(size)
f.seek((int(sys.argv[2]) - 1) * size)
f.write(bytes(b ^ 0xff for b in page))' "$1" "$2"
}

# ---- a sound ledger ----
expect "paper check on a sound ledger" 0 "" check --ledger "$G"
out_has "the storage is ok" "storage: ok"
out_has "the account is ok, every event replayed" "account default: ok, "
expect "paper check --json" 0 "" check --ledger "$G" --json
json_true "sound: ok, no problem" "$tmp/out" 'd["ok"] and d["storage_problems"] == [] and [a["ok"] for a in d["accounts"]] == [True] and d["accounts"][0]["events"] > 80'
expect "paper check --help" 0 "" check --help
out_has "check's help says what it does" "integrity_check"

# ---- a flipped page of a table the commands do not read: the decisions ----
cp "$G" "$tmp/d.db"
flip "$tmp/d.db" "$(sql "$G" "SELECT rootpage FROM sqlite_master WHERE name = 'decisions'")"
refused "flipped decisions page" "$tmp/d.db"
"$paper" check --ledger "$tmp/d.db" > "$tmp/out" 2>&1
check "paper check names the damaged page" grep -qE "^storage: .*Page [0-9]+" "$tmp/out"

# ---- a flipped page in the middle of the event log ----
cp "$G" "$tmp/e.db"
n=$(sql "$G" "PRAGMA page_count")
root=$(sql "$G" "SELECT rootpage FROM sqlite_master WHERE name = 'events'")
flip "$tmp/e.db" "$root"
refused "flipped event log page" "$tmp/e.db"

# ---- truncated: the last pages cut off ----
cp "$G" "$tmp/t.db"
truncate -s $(( $(stat -c %s "$G") / 2 )) "$tmp/t.db"
refused "truncated" "$tmp/t.db"

# ---- not SQLite at all, with escape sequences in it ----
printf 'SQLite format 2\033[2J\033]0;pwned\007\r\nPAPER FILL forged\n' > "$tmp/g.db"
refused "garbage" "$tmp/g.db"

# ---- an SQLite database that is not a ledger ----
"$py" -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE \"\x1b[2Jt\" (x)")
db.execute("INSERT INTO \"\x1b[2Jt\" VALUES (1)")
db.commit()' "$tmp/s.db"
refused "a foreign SQLite database" "$tmp/s.db"

# ---- a ledger whose schema text holds escape sequences ----
cp "$G" "$tmp/v.db"
"$py" -c 'import sys
data = open(sys.argv[1], "rb").read()
at = data.index(b"CREATE VIEW recent_trades")
data = data[:at + 12] + b"\x1b[2J\x1b]0;x\x07" + data[at + 22:]
open(sys.argv[1], "wb").write(data)' "$tmp/v.db"
refused "escape sequences in the schema" "$tmp/v.db"

# ---- tables edited behind the log's back: the storage is sound, the ledger is not ----
cp "$G" "$tmp/o.db"
sql "$tmp/o.db" "UPDATE order_state SET filled_e8 = filled_e8 + 1 WHERE id = 3"
expect "paper check: an order row that differs from the log" 3 "1 problem found" check --ledger "$tmp/o.db"
out_has "the order row is named" "account default: the orders table's row of order 3"
cp "$G" "$tmp/l.db"
sql "$tmp/l.db" "INSERT INTO events (id, account, seq, type, ts, order_id) SELECT 1099511627776 + max(seq) + 2, 1, max(seq) + 2, 3, 1709303500000000, 1 FROM events"
expect "paper check: a hole in the event log" 3 "" check --ledger "$tmp/l.db"
out_has "the missing event is reported" "out of sequence"
expect "paper status on that log" 3 "out of sequence" status --ledger "$tmp/l.db"

# ---- nothing there ----
expect "paper check: no ledger" 3 "no ledger at" check --ledger "$tmp/none.db"
check "paper check created nothing" test ! -e "$tmp/none.db"

finish
