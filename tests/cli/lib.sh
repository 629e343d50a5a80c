# Shared by the paper command's tests (sourced): temporary directory, checks, JSON reading.
# The caller sets $paper before sourcing.

tmp=$(mktemp -d "${TMPDIR:-/tmp}/paper-cli-XXXXXX")
failures=0
checks=0
bg_pids=""

# Background programs never outlive the test. KEEP_TMP=1 keeps the files for a post-mortem.
cleanup() {
	for pid in $bg_pids; do
		kill -KILL "$pid" 2> /dev/null
	done
	if [ -n "${KEEP_TMP:-}" ]; then
		echo "kept $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

unset PAPER_LEDGER PAPER_ACCOUNT_NAME

# The system's Python (a version manager's shim in PATH can take a third of a second to start).
py=/usr/bin/python3
[ -x "$py" ] || py=python3

fail() {
	echo "FAIL $*"
	failures=$((failures + 1))
}

ok() {
	checks=$((checks + 1))
	echo "ok   $*"
}

# check NAME CONDITION-COMMAND...: a named assertion; its status is the condition's.
check() {
	name=$1
	shift
	if "$@"; then
		ok "$name"
		return 0
	fi
	fail "$name"
	return 1
}

# expect NAME WANT_RC WANT_STDERR ARGS...: run paper, compare the exit status and stderr.
# Its standard output is left in $tmp/out, its standard error in $tmp/err.
expect() {
	name=$1
	want_rc=$2
	want=$3
	shift 3
	"$paper" "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	if [ "$rc" -ne "$want_rc" ] || { [ -n "$want" ] && ! grep -qF -- "$want" "$tmp/err"; }; then
		fail "$name: exit $rc (want $want_rc); stderr does not contain: $want"
		sed 's/^/    /' "$tmp/err" | head -n 8
	else
		ok "$name: exit $rc $(head -n 1 "$tmp/err")"
	fi
}

# out_has NAME TEXT: the last expect's standard output contains TEXT.
out_has() {
	if grep -qF -- "$2" "$tmp/out"; then ok "$1"; else
		fail "$1: output lacks '$2'"
		sed 's/^/    /' "$tmp/out" | head -n 12
	fi
}

# json FILE EXPR: print a Python expression over the JSON document d read from FILE.
json() {
	"$py" -c 'import json, sys
d = json.load(open(sys.argv[1]))
v = eval(sys.argv[2], {"d": d, "len": len, "abs": abs, "sum": sum, "sorted": sorted})
print(v if not isinstance(v, bool) else str(v).lower())' "$1" "$2"
}

# sql LEDGER QUERY [PARAMS...]: print each row of a query on a SQLite ledger, tab-separated.
sql() {
	"$py" -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.text_factory = lambda b: b.decode("utf-8", "backslashreplace")
for row in db.execute(sys.argv[2], sys.argv[3:]):
    print("\t".join("" if v is None else str(v) for v in row))
db.commit()' "$@"
}

# json_true NAME FILE EXPR: the expression is true.
json_true() {
	got=$(json "$2" "$3" 2>&1)
	if [ "$got" = "true" ]; then ok "$1"; else fail "$1: $3 is $got"; fi
}

# wait_for FILE PATTERN [SECONDS]: until an extended regex matches a line of FILE.
wait_for() {
	limit=$(( ${3:-20} * 10 ))
	i=0
	while ! grep -qE -- "$2" "$1" 2> /dev/null; do
		i=$((i + 1))
		if [ "$i" -ge "$limit" ]; then
			fail "timed out waiting for /$2/ in $(basename "$1")"
			sed 's/^/    /' "$1" | tail -n 15
			return 1
		fi
		sleep 0.1
	done
	return 0
}

finish() {
	if [ "$failures" -ne 0 ]; then
		echo "$failures of $((checks + failures)) checks failed"
		exit 1
	fi
	echo "all $checks checks passed"
	exit 0
}

command -v "$py" > /dev/null 2>&1 || { echo "SKIP: python3 is needed to read JSON"; exit 77; }
