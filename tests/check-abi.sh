#!/bin/sh
# Compare the built library with the recorded ABI baseline (tests/abi/libpaper.abi).
# Added functions are fine; any other change (removed or changed symbols, changed types) fails.
# usage: check-abi.sh LIBRARY.so BASELINE.abi INCLUDE_DIR
set -eu
lib=$1 baseline=$2 inc=$3
if ! command -v abidiff >/dev/null 2>&1; then
	echo "abidiff not installed (Debian: abigail-tools)"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
set +e
# Opaque handles' private definitions may change (tests/abi/private-types.suppr).
abidiff --no-added-syms --suppressions "$(dirname "$baseline")/private-types.suppr" \
	--headers-dir2 "$inc/paper" "$baseline" "$lib" > "$tmp/report" 2>&1
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
