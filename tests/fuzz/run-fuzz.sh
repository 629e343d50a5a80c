#!/bin/sh
# Fuzz one target for a bounded time: run-fuzz.sh FUZZER ARTIFACTS MAX_LEN DICT CORPUS...
# (DICT may be ''). libFuzzer first replays every CORPUS folder, then mutates for
# PAPER_FUZZ_SECONDS (default 20). The CORPUS folders are only read: new inputs go to a
# temporary folder that is removed at the end, so a CI run never changes the committed corpus.
# A crash, leak, sanitizer report, timeout (10 s for one input), memory blow-up (2 GB) or broken
# promise fails with the reproducer kept under ARTIFACTS and its path printed.
set -eu
fuzzer=$1 artifacts=$2 max_len=$3 dict=$4
shift 4
case $fuzzer in /*) ;; *) fuzzer=$(pwd)/$fuzzer ;; esac
seconds=${PAPER_FUZZ_SECONDS:-20}

work=$(mktemp -d "${TMPDIR:-/tmp}/paper-fuzz-XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/new" "$artifacts"
if [ -n "$dict" ]; then
	set -- "-dict=$dict" "$work/new" "$@"
else
	set -- "$work/new" "$@"
fi

# libFuzzer's own failure code is 77, which meson reads as "skipped": ask for 1.
status=0
TMPDIR=$work "$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
	-max_len="$max_len" -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 \
	-artifact_prefix="$artifacts/" "$@" > "$work/log" 2>&1 || status=$?

if [ "$status" -eq 0 ]; then
	grep -E '^(stat::|Done|INFO: seed corpus)' "$work/log" || true
	exit 0
fi
tail -n 200 "$work/log"
unit=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$work/log" | tail -n 1)
echo
echo "FUZZ FAILURE in $(basename "$fuzzer") (exit status $status)"
if [ -n "$unit" ]; then
	echo "reproducer: $unit"
	echo "replay it:  $fuzzer $unit"
fi
exit 1
