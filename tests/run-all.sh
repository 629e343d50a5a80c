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

# Warnings are errors here and in CI, not in the default build a packager or user configures.
echo "== build (debugoptimized)"
configure build -Dwerror=true
ninja -C build -j "$jobs"
echo "== test"
# The wheel and Debian package suites build the project twice more (about 4 minutes on 2
# cores); PAPER_NO_PACKAGE_TESTS=1 leaves them out.
skip_packages=""
[ "${PAPER_NO_PACKAGE_TESTS:-0}" = 1 ] && skip_packages="--no-suite wheel --no-suite deb"
# shellcheck disable=SC2086 # word splitting of the options is intended
meson test -C build --num-processes "$jobs" --print-errorlogs $skip_packages

echo "== build (ASan + UBSan)"
configure build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dabi_check=false \
	-Dwerror=true
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
		-Dpython=false -Dfuzz=enabled -Dwerror=true
)
ninja -C build-fuzz -j "$jobs"
echo "== fuzz"
meson test -C build-fuzz --suite fuzz --num-processes "$jobs" --print-errorlogs

# What a packager builds: -O3 with gcc and with clang, the library and the paper command,
# compile only (about 20 s each on 2 cores); -O3 finds warnings (maybe-uninitialized, ...)
# that -O2 does not.
for cc in gcc clang; do
	echo "== release build with $cc (compile only)"
	CC=$cc configure "build-release-$cc" -Dbuildtype=release -Dwerror=true -Dtests=false \
		-Dpython=false
	meson compile -C "build-release-$cc" -j "$jobs" paper:shared_library paper:executable \
		> /dev/null
done

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
