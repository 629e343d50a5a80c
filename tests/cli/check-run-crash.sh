#!/bin/sh
# paper run killed with SIGKILL at every step of its cycle (PAPER_TEST_CRASH_AT), then started
# again with the read position it kept in the ledger, without it, garbled, pointing inside a
# line, or with a garbled state file of the old kind: no order ever fills on a price read
# before it was placed, no decision is acted on twice, and a reverse decision that cancels an
# entry still waiting is marked once, with that entry as its order.
# Usage: check-run-crash.sh PAPER PAPER_DECIDE
set -u
paper=$1
decide=$2
. "$(dirname "$0")/lib.sh"

# Every line a cycle reads is stamped at or before 14:31; the decisions are placed after them,
# at the account's clock (14:31). Only the 14:32 prices, given after the restart, may fill.
prices() {
	cat <<-EOF
	timestamp,symbol,price
	2024-03-01T14:30:00Z,AAPL,100
	2024-03-01T14:30:00Z,MSFT,50
	2024-03-01T14:30:00Z,SPY,10
	2024-03-01T14:31:00Z,AAPL,101
	2024-03-01T14:31:00Z,MSFT,51
	2024-03-01T14:31:00Z,SPY,11
	EOF
}

# Each step of a cycle; STEP:N is its N-th time. "none" stops the first run with SIGTERM.
# Every step with the read position kept and lost; the other damage after a few of them.
steps="none line:1 line:4 line:6 applied:1 applied:5 applied:6 prices exits decision:1
decision:2 decision:3 decision:4 marked:1 marked:3 marked:4 decisions snapshot saved"
damaged="none line:4 applied:5 decision:2 decision:4 saved"

# scenario STEP MODE: one crash and one restart on a fresh ledger and price file.
scenario() {
	step=$1 mode=$2
	d=$tmp/$(echo "$step-$mode" | tr ':' '_')
	mkdir -p "$d"
	L=$d/run.db
	F=$d/prices.csv
	prices > "$F"
	"$paper" init --ledger "$L" --cash 100000 > /dev/null || { fail "$step $mode: init"; return; }
	# AAPL and MSFT enter; SPY enters, then the opposite decision cancels the waiting entry.
	i1=$("$decide" "$L" default AAPL buy 0.9)
	i2=$("$decide" "$L" default MSFT buy 0.9)
	i3=$("$decide" "$L" default SPY buy 0.9)
	i4=$("$decide" "$L" default SPY sell 0.9)

	if [ "$step" = none ]; then
		"$paper" run --ledger "$L" --prices "$F" --interval 1 > "$d/run1" 2>&1 &
		pid=$!
		bg_pids=$pid
		wait_for "$d/run1" '^PAPER START ' > /dev/null
		kill -TERM "$pid"
		wait "$pid"
		rc1=$?
		want1=0
	else
		PAPER_TEST_CRASH_AT=$step timeout 20 "$paper" run --ledger "$L" --prices "$F" \
			--interval 1 > "$d/run1" 2>&1
		rc1=$?
		want1=137
	fi
	bg_pids=""
	[ "$rc1" -eq "$want1" ] || fail "$step $mode: run 1 exit $rc1, want $want1"

	# Only the read position: the other bookmarks are the ledger's record like its events.
	pos="name = 'paper-run.prices'"
	case $mode in
	lost) sql "$L" "DELETE FROM bookmarks WHERE $pos" ;;
	garbled) sql "$L" "UPDATE bookmarks SET value = '1 x' || char(27) || '[2J 7 /nowhere' WHERE $pos" ;;
	midline) # byte 30 is inside line 2; device, inode and path kept
		v=$(sql "$L" "SELECT value FROM bookmarks WHERE $pos")
		[ -n "$v" ] && sql "$L" "UPDATE bookmarks SET value = ? WHERE $pos" \
			"1 30 2 $(echo "$v" | cut -d' ' -f4-)"
		;;
	oldfile)
		sql "$L" "DELETE FROM bookmarks WHERE $pos"
		printf '[prices]\npath=%s\ndevice=1\ninode=1\noffset=9999\nline=\001\n' "$F" > "$L.run-default"
		;;
	esac

	"$paper" run --ledger "$L" --prices "$F" --interval 1 > "$d/run2" 2> "$d/run2.err" &
	pid=$!
	bg_pids=$pid
	wait_for "$d/run2" '^PAPER START ' > /dev/null
	kill -TERM "$pid"
	wait "$pid"
	rc2=$?
	bg_pids=""
	[ "$rc2" -eq 0 ] || { fail "$step $mode: run 2 exit $rc2"; sed 's/^/    /' "$d/run2.err"; }

	# Prices stamped after the decisions' orders: these may fill them.
	printf 'timestamp,symbol,price\n2024-03-01T14:32:00Z,AAPL,102\n2024-03-01T14:32:00Z,MSFT,52\n2024-03-01T14:32:00Z,SPY,12\n' > "$d/later.csv"
	"$paper" mark --ledger "$L" --prices "$d/later.csv" > /dev/null 2>&1 || fail "$step $mode: mark"
	"$paper" export --ledger "$L" --dir "$d/out" --what orders,fills > /dev/null 2>&1 ||
		fail "$step $mode: export"
	got=$("$py" - "$d" "$i1" "$i2" "$i3" "$i4" <<-'PY'
	import csv, sqlite3, sys
	d, i1, i2, i3, i4 = sys.argv[1], *map(int, sys.argv[2:])
	orders = {int(o["id"]): o for o in csv.DictReader(open(d + "/out/orders.csv"))}
	fills = list(csv.DictReader(open(d + "/out/fills.csv")))
	db = sqlite3.connect(d + "/run.db")
	cols = [c[1] for c in db.execute("PRAGMA table_info(decisions)")]
	outcome = "outcome" if "outcome" in cols else "''"
	decisions = {r[0]: tuple(r[1:]) for r in
	             db.execute("SELECT id, status, order_id, %s FROM decisions" % outcome)}
	problems = []
	for f in fills:
	    o = orders[int(f["order_id"])]
	    if f["ts"] <= o["submitted_ts"]:
	        problems.append("order %s placed at %s filled on a price of %s" %
	                        (o["id"], o["submitted_ts"], f["ts"]))
	    if f["ts"] != "2024-03-01T14:32:00Z":
	        problems.append("order %s filled at %s, not on the later prices" % (o["id"], f["ts"]))
	for i, sym in ((i1, "AAPL"), (i2, "MSFT"), (i3, "SPY")):
	    mine = [o for o in orders.values() if o["signal_id"] == "decision-%d" % i]
	    if len(mine) != 1:
	        problems.append("decision %d placed %d orders" % (i, len(mine)))
	    elif decisions[i] != ("executed", int(mine[0]["id"]), decisions[i][2]):
	        problems.append("decision %d is %s, its order %s" % (i, decisions[i], mine[0]["id"]))
	for i in (i1, i2):
	    o = [o for o in orders.values() if o["signal_id"] == "decision-%d" % i]
	    if o and o[0]["status"] != "filled":
	        problems.append("the entry of decision %d is %s" % (i, o[0]["status"]))
	spy = [o for o in orders.values() if o["signal_id"] == "decision-%d" % i3]
	st, oid, why = decisions[i4]
	if [o for o in orders.values() if o["signal_id"] == "decision-%d" % i4]:
	    problems.append("the reverse decision %d placed an order" % i4)
	if not spy or st != "executed" or oid != int(spy[0]["id"]) or spy[0]["status"] != "cancelled" \
	        or "cancelled the waiting entry" not in why:
	    problems.append("reverse decision %d: %s; the SPY entry: %s" %
	                    (i4, decisions[i4], spy and spy[0]["status"]))
	print("; ".join(problems) or "ok")
	PY
	)
	check "killed at $step, restarted with the read position $mode: $got" test "$got" = ok
	if [ "$got" != ok ]; then
		sed 's/^/    run 1: /' "$d/run1" | tail -n 5
		sed 's/^/    run 2: /' "$d/run2" | tail -n 8
	fi
}

# CRASH_ONLY="STEP:MODE ..." runs just those (for a post-mortem).
if [ -n "${CRASH_ONLY:-}" ]; then
	for one in $CRASH_ONLY; do
		scenario "${one%:*}" "${one##*:}"
	done
	finish
fi
for step in $steps; do
	scenario "$step" kept
	scenario "$step" lost
done
for step in $damaged; do
	for mode in garbled midline oldfile; do
		scenario "$step" "$mode"
	done
done

finish
