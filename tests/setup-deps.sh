#!/bin/sh
# Install what libpaper needs to build and test on Debian 12, when it is missing.
# As root it runs apt-get; otherwise it prints the command to run and fails.
# chromium renders the HTML dashboard headless in tests/cli/check-dashboard.sh.
# libpq-dev builds the PostgreSQL ledger backend; postgresql is the server its tests start
# (tests/pg/cluster.sh), each run in a throw-away cluster.
# python3-dask, python3-distributed and python3-pandas run paperlib's sweeps (a local Dask
# cluster in the sweep tests and the sweep benchmark; paper sweep).
set -eu

packages="meson ninja-build pkg-config gcc g++ libglib2.0-dev check libsqlite3-dev libpq-dev
postgresql python3 python3-cffi python3-dev python3-pytest python3-numpy abigail-tools valgrind
chromium python3-dask python3-distributed python3-pandas"

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
