#!/bin/sh
# A build without feeds (meson -Dfeeds=disabled): paper feed refuses with the reason, exit 1,
# while a bad source is still refused as bad input (exit 2).
set -eu
paper=$1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if "$paper" feed --feed coinbase:BTC-USD --seconds 1 2>"$out"; then
	echo "paper feed worked in a build without feeds"; exit 1
fi
grep -q "built without live feeds" "$out" || { cat "$out"; exit 1; }
set +e
"$paper" feed --feed "coinbase:nope" --seconds 1 2>"$out"
rc=$?
set -e
[ $rc -eq 2 ] || { echo "bad source: exit $rc"; cat "$out"; exit 1; }
echo "ok: no feeds in this build, said clearly"
