#!/bin/sh
# Every test, from a fresh Debian 12 machine: install missing packages, configure, build,
# run the whole suite (Check + pytest + ABI checks), then build again with AddressSanitizer
# and UndefinedBehaviorSanitizer and run the suite there too, then a third time with clang and
# libFuzzer to fuzz every parser for a bounded time (suite fuzz; docs/testing.md). Exits
# non-zero on any failure.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

"$root/tests/setup-deps.sh"

# Debian's python3 (with python3-cffi) even when another python3 comes first on PATH.
export PATH="/usr/bin:$PATH"
jobs=${PAPER_JOBS:-2}

configure() { # dir, options...
	dir=$1
	shift
	if [ -f "$dir/build.ninja" ]; then
		meson setup --reconfigure "$dir" "$@" > /dev/null
	else
		meson setup "$dir" "$@" > /dev/null
	fi
}

echo "== build (debugoptimized)"
configure build
ninja -C build -j "$jobs"
echo "== test"
meson test -C build --num-processes "$jobs" --print-errorlogs

echo "== build (ASan + UBSan)"
configure build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dabi_check=false
ninja -C build-asan -j "$jobs"
echo "== test under sanitizers"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C build-asan --num-processes "$jobs" --print-errorlogs

# The fuzz targets under libFuzzer, each for PAPER_FUZZ_SECONDS (20) after replaying its corpus;
# only suite fuzz runs here (the rest ran twice above). New inputs go to temporary folders; a
# failure prints the reproducer's path under build-fuzz/tests/fuzz/artifacts/.
echo "== build (clang, libFuzzer + ASan + UBSan)"
(
	CC=clang
	export CC
	configure build-fuzz -Db_sanitize=address,undefined -Db_lundef=false -Dabi_check=false \
		-Dpython=false -Dfuzz=enabled
)
ninja -C build-fuzz -j "$jobs"
echo "== fuzz"
meson test -C build-fuzz --suite fuzz --num-processes "$jobs" --print-errorlogs

# One closing line for the three runs, counted from meson's logs.
/usr/bin/python3 - build/meson-logs/testlog.json build-asan/meson-logs/testlog.json \
	build-fuzz/meson-logs/testlog.json <<'PY'
import json, sys
passed = failed = skipped = 0
for path in sys.argv[1:]:
    with open(path) as f:
        for line in f:
            result = json.loads(line)["result"]
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
PY
