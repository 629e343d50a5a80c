#!/bin/sh
# Seed 004 (the USA paper broker with persistent state, a daily trade-plan executor, an
# hour-by-hour simulator and a walk-forward month) on libpaper, with the seed's $1,000 and no
# costs, checked against values derived by hand:
#   walk-forward (9 bars a day: AMD, XOM, CVX): the signal of 2025-09-02 13:30 enters at the next bar's open, 150, for
#     floor(300 / 150) = 2 shares; the 2 % target, 153, is reached in the 2025-09-03 14:30 bar:
#     +6.00. Days: 1000 -> 1002 (marked at 151) -> 1006; win rate 100 %, no drawdown, the
#     month's return 0.6 %, CAGR (1006 / 1000)^(365.25 / 2) - 1 = 1.98164702297.
#   with the default limits.max_position_fraction 0.2, $300 is over 0.2 x $1,000: refused,
#     no trade, one rejection (the month reports it);
#   with a 240-minute time limit: out at the next morning's open, 151: +2.00.
#   simulator: AMD 2 @ 150 (open at the end: 153.20, +6.40), XOM 3 @ 95 (stop 92: -9.00),
#     CVX 2 @ 120 (target 125: +10.00); INTC (ETTH 8.5 days) is left out in balanced mode.
#   daily account: 1000 - 300 - 285 - 240 = 175 cash; marked AMD 151.50, XOM 94.50, CVX 121:
#     equity 175 + 303 + 283.50 + 242 = 1003.50, unrealized +3.00 - 1.50 + 2.00 = +3.50.
# usage: check.sh PAPER
paper=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tests/seedlib.sh"
case $paper in */*) paper=$(cd "$(dirname "$paper")" && pwd)/$(basename "$paper") ;; esac

# ---- the walk-forward month ----
run "wf.sh" 0 sh "$here/wf.sh" "$paper" "$tmp/wf"
E=$tmp/wf/evidence/paper_sep_2025
json_true "month.json: libpaper's keys" "$E/month.json" '(d["month"], d["capital"], d["total_trades"], d["total_pnl"], d["final_equity"], d["win_rate"], d["mdd_pct"], d["days_count"]) == ("2025-09", 1000, 1, 6, 1006, 1, 0, 2)'
json_true "month.json: CAGR over 2 days" "$E/month.json" 'abs(d["cagr"] - ((1006 / 1000) ** (365.25 / 2) - 1)) < 1e-12'
json_true "month.json: schema 2 percent keys" "$E/month.json" 'd["schema_version"] == 2 and (d["win_rate_pct"], d["total_return_pct"], d["max_drawdown_pct"]) == (100, 0.6, 0) and d["signals"]["by_verdict"]["trade"] == 1 and d["rejections"] == 0'
json_true "summary.json: the seed's keys and units" "$E/summary.json" 'd == {"month": "2025-09", "execution_mode": "balanced", "capital": 1000, "total_trades": 1, "total_pnl": 6, "final_equity": 1006, "win_rate": 100, "mdd_pct": 0, "cagr": 0.6}'
has "days.csv: day 1 marked at 151" "$E/days.csv" "2025-09-02,1000.00,1002.00,2.00,0.200000,0.00,0,0,0,9,1,1,1"
has "days.csv: day 2 closed at the target" "$E/days.csv" "2025-09-03,1002.00,1006.00,4.00,0.399202,0.00,1,1,0,9,0,0,0"
has "trades.csv: the take profit" "$E/trades.csv" "AMD,LONG,2025-09-02T14:30:00Z,150.00,2025-09-03T14:30:00Z,153.00,2,take_profit,6.00,0.00,6.00,win"
run "wf.sh, default max_position_fraction" 0 sh "$here/wf.sh" "$paper" "$tmp/wf2" --set limits.max_position_fraction=0.2
json_true "0.2 of \$1000: refused, and the month says so" "$tmp/wf2/evidence/paper_sep_2025/month.json" 'd["total_trades"] == 0 and d["rejections"] == 1 and d["signals"]["by_verdict"]["rejected"] == 1 and d["win_rate_pct"] is None'
run "wf.sh, 240-minute time limit" 0 sh "$here/wf.sh" "$paper" "$tmp/wf3" --max-hold 240
has "time limit at the next open" "$tmp/wf3/evidence/paper_sep_2025/trades.csv" "AMD,LONG,2025-09-02T14:30:00Z,150.00,2025-09-03T13:30:00Z,151.00,2,time_limit,2.00,0.00,2.00,win"
json_true "time limit: CAGR" "$tmp/wf3/evidence/paper_sep_2025/month.json" 'abs(d["cagr"] - (1.002 ** 182.625 - 1)) < 1e-12 and d["total_return_pct"] == 0.2'

# ---- the hour-by-hour simulator ----
run "simulate.sh" 0 sh "$here/simulate.sh" "$paper" "$tmp/sim"
S=$tmp/sim/sim_trades.csv
has "CVX: target 125" "$S" "CVX,LONG,2025-09-02T14:30:00Z,120.00,2025-09-03T14:30:00Z,125.00,2,take_profit,10.00,0.00,10.00,win"
has "XOM: stop 92" "$S" "XOM,LONG,2025-09-02T14:30:00Z,95.00,2025-09-03T14:30:00Z,92.00,3,stop_loss,-9.00,0.00,-9.00,loss"
has "AMD: open at the end, closed at 153.20" "$S" "AMD,LONG,2025-09-02T14:30:00Z,150.00,2025-09-03T15:30:00Z,153.20,2,end_of_data,6.40,0.00,6.40,win"
check "balanced mode leaves INTC (8.5 days) out" test "$(grep -c INTC "$tmp/sim/trade_plan.csv")" = 0
check "the plan is libpaper's format, without etth_days" test "$(head -n 1 "$tmp/sim/trade_plan.csv")" = "symbol,side,qty,notional,limit,take_profit,stop_loss,max_hold"
run "fast mode: AMD only (2.5 days)" 0 sh "$here/plan_filter.sh" "$here/plans/2025-09-02.csv" fast
check "fast mode" test "$(sed 1d "$tmp/out" | cut -d, -f1 | tr '\n' ' ')" = "AMD "
run "an unknown mode" 2 sh "$here/plan_filter.sh" "$here/plans/2025-09-02.csv" slow

# ---- the daily routine in the persistent account ----
run "run.sh" 0 sh "$here/run.sh" "$paper" "$tmp/day"
D=$tmp/day
json_true "status: cash 175, equity 1003.50, +3.50 unrealized" "$D/status.json" '(d["cash"], d["equity"], d["unrealized_pnl"], d["open_positions"]) == (175, 1003.5, 3.5, 3)'
json_true "status: the positions" "$D/status.json" 'sorted((p["symbol"], p["qty"], p["unrealized_pnl"]) for p in d["positions"]) == [("AMD", 2, 3), ("CVX", 2, 2), ("XOM", 3, -1.5)]'
for f in orders.csv fills.csv trades.csv positions.csv pnl_ledger.csv state.json; do
	check "paper_state/$f" test -s "$D/paper_state/$f"
done
json_true "state.json reconciles: cash = 1000 - 825 of positions" "$D/paper_state/state.json" 'd["cash_e8"] == (1000 - 300 - 285 - 240) * 10**8'
has "dashboard: refreshed every 60 s" "$D/dashboard.html" '<meta http-equiv="refresh" content="60">'
has "dashboard: equity 1003.5" "$D/dashboard.html" 'data-kpi="equity" data-value="1003.5"'

finish
