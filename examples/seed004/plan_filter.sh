#!/bin/sh
# The seed's execution modes, applied to a trade plan with an etth_days column (ETTH: the
# expected days to hit the target): keep the rows the mode allows, and drop the column so the
# plan is libpaper's trade plan CSV (docs/formats.md).
#   intraday <= 2.0, fast <= 3.5, balanced <= 6.0 (the default), conservative: every row.
# usage: plan_filter.sh PLAN.csv [MODE] > plan.csv
set -eu
case ${2:-balanced} in
intraday) max=2.0 ;;
fast) max=3.5 ;;
balanced) max=6.0 ;;
conservative) max=1e9 ;;
*) echo "plan_filter.sh: unknown mode '$2' (intraday, fast, balanced, conservative)" >&2; exit 2 ;;
esac
awk -F, -v max="$max" -v OFS=, '
NR == 1 { for (i = 1; i <= NF; i++) if ($i == "etth_days") col = i
          if (!col) { print "plan_filter.sh: no etth_days column" > "/dev/stderr"; exit 2 } }
NR == 1 || $col + 0 <= max + 0 {
	n = 0
	out = ""
	for (i = 1; i <= NF; i++)
		if (i != col)
			out = (n++ ? out "," : "") $i
	print out
}' "$1"
