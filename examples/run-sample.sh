#!/bin/sh
# The sample run, on a fresh Debian 12 machine: install missing packages (tests/setup-deps.sh,
# as root), configure build/ (or reuse it), build, then replay the bundled sample signals
# (examples/data/signals.csv) over the sample bars (examples/data/bars/) with `paper replay`,
# and print the summary and the first trades. The trades CSV and the summary JSON are left in
# build/sample/. Works from any directory. Arguments go to paper replay, e.g. --seed 7,
# --tp 3, --exits-from next-bar or --config FILE (paper replay --help lists them).
# PAPER_JOBS=N limits the build to N parallel jobs.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
log=$(mktemp)
trap 'rm -f "$log"' EXIT INT TERM

# step DESCRIPTION COMMAND...: one line of output; the command's own output only on failure.
step() {
	what=$1
	shift
	if "$@" > "$log" 2>&1; then
		echo "== $what: ok"
	else
		rc=$?
		echo "== $what: failed (exit $rc)"
		tail -n 40 "$log"
		exit "$rc"
	fi
}

deps="$root/tests/setup-deps.sh"
if [ -x "$deps" ]; then
	step "dependencies (tests/setup-deps.sh)" "$deps"
elif [ -f "$deps" ]; then
	step "dependencies (tests/setup-deps.sh)" sh "$deps"
else
	echo "== dependencies: tests/setup-deps.sh not found, skipped"
fi

if [ -f build/build.ninja ]; then
	echo "== configure: reusing build/"
else
	step "configure (meson setup build)" meson setup build
fi

step "build (ninja -C build)" ninja -C build ${PAPER_JOBS:+-j "$PAPER_JOBS"}

out=build/sample
mkdir -p "$out"
rm -f "$log"
trap - EXIT INT TERM
echo "== run: build/examples/paper/paper replay --bars examples/data/bars --signals examples/data/signals.csv --lot BTC-USD=0.0001${*:+ $*} --trades-out $out/trades.csv --summary-out $out/summary.json"
echo
build/examples/paper/paper replay --bars examples/data/bars --signals examples/data/signals.csv \
	--lot BTC-USD=0.0001 "$@" --trades-out "$out/trades.csv" --summary-out "$out/summary.json"
echo
echo "first trades ($out/trades.csv):"
awk -F, 'NR <= 11 { printf "%-8s %-5s %-20s %12s %-20s %12s %8s %-14s %10s\n", $1, $2, $3, \
	NR == 1 ? $4 : sprintf("%.2f", $4), $5, NR == 1 ? $6 : sprintf("%.2f", $6), $7, $8, \
	NR == 1 ? $11 : sprintf("%.2f", $11) }' "$out/trades.csv"
