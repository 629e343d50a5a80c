#!/bin/sh
# Install what libpaper needs to build and test on Debian 12, when it is missing.
# As root it runs apt-get; otherwise it prints the command to run and fails.
# One package per line, with what needs it.
set -eu

packages=$(sed -e 's/#.*//' <<'LIST'
meson                 # the build
ninja-build
pkg-config
gcc
g++
clang                 # the release compile check and the fuzz targets (tests/run-all.sh)
libclang-rt-14-dev    # libFuzzer and the sanitizer runtimes of clang (tests/fuzz)
libglib2.0-dev
check                 # the C test suites
libsqlite3-dev
libyaml-dev           # YAML config files
libpq-dev             # the PostgreSQL ledger backend
postgresql            # its tests: a throw-away server per run (tests/pg/cluster.sh)
python3
python3-cffi          # paperlib
python3-dev
python3-pytest
python3-numpy
python3-pandas        # reference values of the quant statistics, DataFrames in and out
python3-scipy
python3-dask          # paperlib's sweeps: a local Dask cluster in the sweep tests and
python3-distributed   # benchmark, paper sweep (optional at run time)
python3-hypothesis    # the money property tests
tzdata                # America/New_York: option expiries (GLib, and Python zoneinfo in examples/options)
abigail-tools         # the ABI check against the recorded baseline
valgrind
chromium              # renders the dashboard headless (tests/cli/check-dashboard.sh)
python3-mesonpy       # the wheel (tests/install/)
python3-build
python3-venv
dpkg-dev              # the Debian packages (tests/install/check-deb.sh)
debhelper
dh-python
lintian
libsoup-3.0-dev       # the live feeds (libpaper/feed, -Dfeeds)
glib-networking       # their TLS (wss://, https://)
python3-websockets    # the fake venues of the feed tests (tests/feed)
LIST
)

missing=""
for p in $packages; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "missing Debian packages:$missing" >&2
	echo "install them with: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 # word splitting of the list is intended
apt-get install -y -qq --no-install-recommends $missing > /dev/null
