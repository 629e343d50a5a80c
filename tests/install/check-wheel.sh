#!/bin/sh
# SPDX-License-Identifier: MIT
# The Python wheel: `python3 -m build --no-isolation --wheel` (meson-python, offline) from a
# copy of the tree, what the wheel holds, then installed into a fresh virtual environment:
# importlib.metadata knows paperlib at the project's version, it imports from there, and a
# replay through it equals the wheel's own `paper replay`.
# usage: check-wheel.sh SRCDIR VERSION       (exit 77: python3-build or python3-mesonpy missing)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$1" && pwd) version=$2
py=/usr/bin/python3

for module in build mesonpy venv; do
	if ! $py -c "import $module" 2> /dev/null; then
		echo "skipped: python3 cannot import $module (tests/setup-deps.sh installs it)"
		exit 77
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/paper-wheel-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$here/copy-tree.sh" "$src" "$tmp/src"

start=$(date +%s)
if ! (cd "$tmp/src" && $py -m build --no-isolation --wheel --outdir "$tmp/dist" .) \
	> "$tmp/build.log" 2>&1; then
	tail -n 60 "$tmp/build.log"
	echo "FAIL python3 -m build --no-isolation --wheel (the end of its log is above)"
	exit 1
fi
echo "ok   python3 -m build --no-isolation --wheel in $(($(date +%s) - start)) s"
if grep -i 'could not be mapped' "$tmp/build.log"; then
	echo "FAIL meson-python left files out of the wheel (above)"
	exit 1
fi

$py - "$tmp"/dist/*.whl "$version" <<'PY'
import re, sys, zipfile
wheel, version = sys.argv[1:3]
names = zipfile.ZipFile(wheel).namelist()
bad = []
want = [f"paperlib-{version}.dist-info/METADATA", "paperlib/__init__.py", "paperlib/py.typed",
        f"paperlib-{version}.data/scripts/paper"]
bad += [f"lacks {n}" for n in want if n not in names]
if len([n for n in names if re.fullmatch(r"paperlib/_paperlib\..*\.so", n)]) != 1:
    bad.append("has not one paperlib/_paperlib extension")
allowed = re.compile(r"paperlib/[^/]+|paperlib-%s\.dist-info/[^/]+|paperlib-%s\.data/scripts/paper"
                     % (re.escape(version), re.escape(version)))
bad += [f"holds {n}, which belongs to no Python user" for n in names if not allowed.fullmatch(n)]
meta = zipfile.ZipFile(wheel).read(f"paperlib-{version}.dist-info/METADATA").decode()
if f"\nVersion: {version}\n" not in meta:
    bad.append(f"METADATA does not say Version: {version}")
for b in bad:
    print(f"FAIL the wheel {b}")
if bad:
    sys.exit(1)
print(f"ok   the wheel holds paperlib, its dist-info and the paper command ({len(names)} files)")
PY

# A fresh virtual environment that sees Debian's cffi, nothing installed from an index.
$py -m venv --system-site-packages "$tmp/venv"
"$tmp/venv/bin/python" -m pip install --quiet --no-index --no-deps "$tmp"/dist/*.whl
echo "ok   pip install of the wheel into a virtual environment"
data="$src/examples/data"
cd "$tmp"
env -u PYTHONPATH -u LD_LIBRARY_PATH "$tmp/venv/bin/paper" replay --bars "$data/bars" \
	--signals "$data/signals.csv" --size 10000 --lot BTC-USD=0.0001 --quiet --no-progress \
	--trades-out "$tmp/c.csv" --summary-out /dev/null
env -u PYTHONPATH -u LD_LIBRARY_PATH "$tmp/venv/bin/python" - "$tmp" "$data" "$version" <<'PY'
import importlib.metadata, os, sys
tmp, data, version = sys.argv[1:4]
import paperlib
assert paperlib.__file__.startswith(os.path.join(tmp, "venv") + "/"), paperlib.__file__
assert importlib.metadata.version("paperlib") == paperlib.__version__ == version, \
    (importlib.metadata.version("paperlib"), paperlib.__version__)
run = paperlib.replay(os.path.join(data, "bars"), os.path.join(data, "signals.csv"),
                      config={"session.notional": 10_000}, lots={"BTC-USD": 0.0001},
                      trades_path=os.path.join(tmp, "py.csv"))
assert open(os.path.join(tmp, "py.csv")).read() == open(os.path.join(tmp, "c.csv")).read()
print(f"ok   importlib.metadata.version('paperlib') == {version}; paperlib from the venv;"
      f" replay == the wheel's paper replay ({run.summary()['trades']['closed']} trades)")
PY
