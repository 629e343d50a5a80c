#!/bin/sh
# The sample run, on a fresh Debian 12 machine: install missing packages (tests/setup-deps.sh,
# as root), configure build/ (or reuse it), build, then replay the bundled sample data
# (examples/data/bars/*.csv) through one paper broker and print the summary.
# Works from any directory. Arguments go to replay-sample, e.g. --seed 7 or --config FILE.
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

echo "== run: build/examples/replay-sample${*:+ $*} examples/data/bars/*.csv"
echo
rm -f "$log"
trap - EXIT INT TERM
exec build/examples/replay-sample "$@" examples/data/bars/*.csv
