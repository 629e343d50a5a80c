#!/bin/sh
# generate.py is deterministic: two fresh runs match each other and the committed data, byte
# for byte. Usage: check-generate.sh PYTHON3 GENERATE_PY DATA_DIR
set -eu
python=$1
script=$2
data=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

"$python" "$script" "$tmp/one"
"$python" "$script" "$tmp/two"
diff -r "$tmp/one" "$tmp/two"
diff -r "$tmp/one/bars" "$data/bars"
for f in signals.csv trade_plan.csv; do
	cmp "$tmp/one/$f" "$data/$f"
done
[ "$(ls "$tmp/one")" = "$(printf 'bars\nsignals.csv\ntrade_plan.csv')" ]
echo "generate.py output matches $data"
