#!/bin/sh
# Compare the built library with the recorded ABI baseline (tests/abi/libpaper.abi).
# Added functions are fine, and so are fields appended to the versioned structs named in
# tests/abi/grown.suppr; any other change (removed or changed symbols, changed types) fails.
# The layout of the opaque handles is not compared (suppressed, found from the headers).
# usage: check-abi.sh LIBRARY.so BASELINE.abi INCLUDE_DIR
set -eu
lib=$1 baseline=$2 inc=$3
if ! command -v abidiff >/dev/null 2>&1; then
	echo "abidiff not installed (Debian: abigail-tools)"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The opaque handles (typedef struct paper_x paper_x; with no definition in a public header)
# are private: their layout may change in any release, so changes to them are suppressed.
opaque=""
for t in $(grep -ho 'typedef struct paper_[a-z0-9_]* paper_[a-z0-9_]*;' "$inc"/paper/*.h |
	awk '{print $3}' | sort -u); do
	grep -q "struct $t {" "$inc"/paper/*.h || opaque="$opaque${opaque:+|}$t"
done
printf '[suppress_type]\n  type_kind = struct\n  name_regexp = ^(%s)$\n' "$opaque" > "$tmp/opaque.suppr"
set +e
# Versioned structs may grow at their end (tests/abi/grown.suppr names which, and why).
abidiff --no-added-syms --suppressions "$tmp/opaque.suppr" \
	--suppressions "$(dirname "$baseline")/grown.suppr" --headers-dir2 "$inc/paper" \
	"$baseline" "$lib" > "$tmp/report" 2>&1
rc=$?
set -e
if [ $rc -ne 0 ]; then
	echo "ABI differs from the recorded baseline (abidiff exit $rc):"
	cat "$tmp/report"
	echo "A release may only add functions. If this change is an intended new release's"
	echo "baseline, regenerate it with tests/abi/update-baseline.sh and say why in the commit."
	exit 1
fi
echo "ok: ABI compatible with $(basename "$baseline")"
