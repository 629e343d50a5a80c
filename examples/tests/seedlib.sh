# Shared by the seed examples' checks (sourced): a scratch folder, named checks, JSON and
# SQLite reading through the system's Python. The caller sets $paper first.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/paper-seed-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP
failures=0
checks=0
py=/usr/bin/python3
[ -x "$py" ] || py=python3
command -v "$py" > /dev/null 2>&1 || { echo "SKIP: python3 is needed to read JSON"; exit 77; }

# need_paperlib: skip (77) when the Python bindings are not built.
need_paperlib() {
	"$py" -c 'import paperlib' 2> /dev/null || { echo "SKIP: paperlib is not built"; exit 77; }
}
unset PAPER_LEDGER PAPER_ACCOUNT_NAME

ok() { checks=$((checks + 1)); echo "ok   $*"; }
fail() { failures=$((failures + 1)); echo "FAIL $*"; }

# check NAME COMMAND...: a named assertion.
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name"; fi
}

# has NAME FILE TEXT: the file has a line containing TEXT.
has() {
	if grep -qF -- "$3" "$2"; then ok "$1"; else
		fail "$1: $(basename "$2") lacks: $3"
		sed 's/^/    /' "$2" | head -n 20
	fi
}

# json_true NAME FILE EXPR: a Python expression over the JSON document d is true.
json_true() {
	got=$("$py" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(bool(eval(sys.argv[2])))' "$2" "$3" 2>&1)
	if [ "$got" = True ]; then ok "$1"; else fail "$1: $3 -> $got"; fi
}

# run NAME WANT_RC COMMAND...: run with standard output in $tmp/out, error in $tmp/err.
run() {
	name=$1
	want=$2
	shift 2
	"$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$name: exit $rc"; else
		fail "$name: exit $rc, want $want"
		sed 's/^/    /' "$tmp/err" | head -n 10
	fi
}

finish() {
	if [ "$failures" -ne 0 ]; then
		echo "$failures of $((checks + failures)) checks failed"
		exit 1
	fi
	echo "all $checks checks passed"
	exit 0
}
