#!/bin/sh
# Record the ABI of a release as the baseline later builds are compared with.
# Run only when cutting a release: usage: tests/abi/update-baseline.sh BUILD_DIR
set -eu
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
abidw --no-corpus-path --headers-dir "$here/../../include/paper" "$build/libpaper/libpaper.so.1" > "$here/libpaper.abi"
echo "wrote $here/libpaper.abi"
