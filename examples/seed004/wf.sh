#!/bin/sh
# Seed 004's monthly walk-forward (wf_paper_month.py --month 2025-09): the month day by day
# through one $1,000 account, $300 per signal, and the evidence folder with the daily rows and
# the summary, in libpaper's units and in the seed's (win_rate and cagr in percent, mdd_pct
# negative: evidence/paper_sep_2025/summary.json).
# usage: wf.sh [PAPER] [OUTDIR] [extra paper walk-forward options...]
set -eu
paper=${1:-paper}
out=${2:-seed004-out}
shift 2 2> /dev/null || shift $#
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
[ -x "$py" ] || py=python3
ev=$out/evidence/paper_sep_2025
mkdir -p "$ev"
"$paper" walk-forward --config "$here/paper.ini" --bars "$here/bars" --signals "$here/signals.csv" \
	--month 2025-09 --daily-out "$ev/days.csv" --summary-out "$ev/month.json" \
	--trades-out "$ev/trades.csv" --no-progress --quiet "$@"
# The seed's summary keys, from libpaper's schema-2 keys (docs/formats.md, "Units").
"$py" - "$ev/month.json" "$ev/summary.json" << 'PY'
import json, sys
m = json.load(open(sys.argv[1]))
seed = {
    "month": m["month"],
    "execution_mode": "balanced",
    "capital": m["capital"],
    "total_trades": m["total_trades"],
    "total_pnl": m["total_pnl"],
    "final_equity": m["final_equity"],
    "win_rate": m["win_rate_pct"],
    "mdd_pct": -m["max_drawdown_pct"],
    "cagr": m["total_return_pct"],   # the seed's "cagr" of a month is its total return
}
json.dump(seed, open(sys.argv[2], "w"), indent=2)
print(json.dumps(seed))
PY
