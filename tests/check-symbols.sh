#!/bin/sh
# The library exports exactly the symbols its version script lists, all paper_*, all versioned.
# usage: check-symbols.sh LIBRARY.so MAPFILE
set -eu
lib=$1 map=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sed 's/@.*//' | sort -u > "$tmp/exported"
# Names listed after "global:" in every node, up to its "local:" or its closing brace.
awk '/global:/ {g=1; next} /local:/ || /^}/ {g=0} g' "$map" | tr -d ' \t;' | grep -v '^$' | grep -v '^/\*' | sort -u > "$tmp/listed"

status=0
if ! diff -u "$tmp/listed" "$tmp/exported" > "$tmp/diff"; then
	echo "exported symbols differ from $map (- listed only, + exported only):"
	cat "$tmp/diff"
	status=1
fi
if grep -v '^paper_' "$tmp/exported"; then
	echo "the symbols above are exported but not paper_*"
	status=1
fi
unversioned=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | grep -v '@@PAPER_' || true)
if [ -n "$unversioned" ]; then
	echo "exported without a PAPER_* version node: $unversioned"
	status=1
fi
[ $status -eq 0 ] && echo "ok: $(wc -l < "$tmp/exported") symbols exported, all listed and versioned"
exit $status
