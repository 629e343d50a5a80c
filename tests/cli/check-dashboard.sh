#!/bin/sh
# The dashboard in a real browser: an account traded by paper run (entries from decisions,
# take-profit and stop-loss exits, a manual close, positions left open) over seven days, its
# dashboard written by paper report and rendered by Debian's chromium, headless, with its
# network cut off. Every KPI's data-value in the rendered DOM must equal the ledger's value
# (paper status --json, paper stats --json), the tear sheet's charts must carry the values of
# the metrics JSON (monthly and yearly returns from its equity curve, the histogram's counts,
# the underwater minimum, the key figures, the periods per year), every trade must be in the
# table, no http(s) URL may be in the page, the page must show no error, and the desktop
# (1280x800) and phone (390x844) screenshots must be written. Skipped (77) when chromium is
# not installed.
# Usage: check-dashboard.sh PAPER PAPER_DECIDE
set -u
paper=$1
decide=$2
. "$(dirname "$0")/lib.sh"

browser=$(command -v chromium || command -v chromium-browser) || {
	echo "SKIP: chromium is not installed (tests/setup-deps.sh installs it, as root)"
	exit 77
}

L=$tmp/dash.db
F=$tmp/prices.csv
A="--ledger $L"
"$paper" init $A --cash 100000 --set limits.min_confidence=0.5 --size 10000 --tp 2 --sl 1 \
	--set session.max_hold_minutes=0 > /dev/null || fail "init"
printf 'timestamp,symbol,price\n' > "$F"

"$paper" run $A --prices "$F" --interval 1 > "$tmp/run.out" 2> "$tmp/run.err" &
run_pid=$!
bg_pids="$run_pid"
wait_for "$tmp/run.out" '^PAPER START ' || finish

price() { # BASE DAY FACTOR
	awk -v b="$1" -v d="$2" -v f="$3" 'BEGIN { printf "%.2f", b * (1 + 0.004 * d) * f }'
}

# Seven days, three symbols: an entry from a decision each day, filled on the next price and
# taken out by its take profit (most days) or its stop loss; SPY is shorted on even days. The
# last day's entries stay open.
days="1 2 3 4 5 6 7"
for day in $days; do
	d=$(printf '2024-03-%02d' "$day")
	for spec in AAPL:180 MSFT:400 SPY:500; do
		sym=${spec%%:*}
		base=${spec#*:}
		side=buy
		[ "$sym" = SPY ] && [ $((day % 2)) -eq 0 ] && side=sell
		printf '%sT14:00:00Z,%s,%s\n' "$d" "$sym" "$(price "$base" "$day" 1)" >> "$F"
	done
	wait_for "$tmp/run.out" "^PAPER PRICES ${d} 14:00:00 " || finish
	for spec in AAPL MSFT SPY; do
		side=buy
		[ "$spec" = SPY ] && [ $((day % 2)) -eq 0 ] && side=sell
		last=$("$decide" "$L" default "$spec" "$side" 0.8) || fail "decide"
	done
	wait_for "$tmp/run.out" "^PAPER ORDER .* decision $last " || finish
	for spec in AAPL:180 MSFT:400 SPY:500; do
		sym=${spec%%:*}
		base=${spec#*:}
		win=$(( (day + ${#sym}) % 3 != 0 ))
		up=1.03
		down=0.985
		if [ "$sym" = SPY ] && [ $((day % 2)) -eq 0 ]; then up=1.015; down=0.97; win=$((1 - win)); fi
		move=$down
		[ "$win" -eq 1 ] && move=$up
		[ "$day" -eq 7 ] && move=1.004
		printf '%sT14:10:00Z,%s,%s\n' "$d" "$sym" "$(price "$base" "$day" 1)" >> "$F"
		printf '%sT15:00:00Z,%s,%s\n' "$d" "$sym" "$(price "$base" "$day" "$move")" >> "$F"
	done
	wait_for "$tmp/run.out" "^PAPER PRICES ${d} 15:00:00 " || finish
done
kill -TERM "$run_pid"
wait "$run_pid"
check "paper run stopped with exit 0" test $? -eq 0
bg_pids="" # reaped: its pid is no longer ours to kill
"$paper" close MSFT $A > /dev/null || fail "close MSFT"
check "21 entries" test "$(grep -c '^PAPER ENTRY ' "$tmp/run.out")" -eq 21
check "18 exits" test "$(grep -c '^PAPER EXIT ' "$tmp/run.out")" -eq 18
check "stop losses" grep -q 'reason stop_loss' "$tmp/run.out"
check "take profits" grep -q 'reason take_profit' "$tmp/run.out"

"$paper" report $A --html "$tmp/dash.html" --min-trades 15 > /dev/null
check "paper report wrote the dashboard" test -s "$tmp/dash.html"
"$paper" status $A --json > "$tmp/status.json" || fail "status --json"
"$paper" stats $A --json --equity-curve > "$tmp/stats.json" || fail "stats --json"

chrome() { # OUTPUT-OPTION ...: one headless chromium with a fresh profile
	profile=$(mktemp -d "$tmp/chrome-XXXXXX")
	env -u G_DEBUG timeout 90 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--hide-scrollbars --host-resolver-rules='MAP * ~NOTFOUND' --proxy-server='127.0.0.1:9' \
		--user-data-dir="$profile" "$@" "file://$tmp/dash.html" \
		2>> "$tmp/chrome.err"
}

chrome --dump-dom > "$tmp/dom.html"
check "chromium rendered the page" grep -q 'data-kpi=' "$tmp/dom.html"
chrome --screenshot="$tmp/desktop.png" --window-size=1280,800 > /dev/null
chrome --screenshot="$tmp/phone.png" --window-size=390,844 > /dev/null

python3 - "$tmp/dom.html" "$tmp/status.json" "$tmp/stats.json" "$tmp/desktop.png" \
	"$tmp/phone.png" "$tmp/dash.html" > "$tmp/verdict" 2>&1 << 'EOF'
import datetime, html.parser, json, math, re, struct, sys

dom_path, status_path, stats_path, desktop, phone, page_path = sys.argv[1:7]
page = open(page_path, encoding="utf-8").read()
dom = open(dom_path, encoding="utf-8").read()
status = json.load(open(status_path))
stats = json.load(open(stats_path))


class Kpis(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.kpis, self.text, self.title, self._in_title = {}, [], "", False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "data-kpi" in a:
            self.kpis[a["data-kpi"]] = a.get("data-value")
        self._in_title = tag == "title"

    def handle_data(self, data):
        self.text.append(data)
        if self._in_title:
            self.title += data


p = Kpis()
p.feed(dom)
want = {
    "equity": status["equity"], "cash": status["cash"],
    "realized_pnl_net": status["realized_pnl_net"], "unrealized_pnl": status["unrealized_pnl"],
    "open_positions": status["open_positions"], "win_rate": stats["win_rate"],
    "sharpe_ratio": stats["sharpe_ratio"], "max_drawdown": stats["max_drawdown"],
    "profit_factor": stats["profit_factor"],
    # Refusals: orders the broker rejected, and decisions of the inbox refused.
    "rejections": status["rejections"], "rejected_decisions": status["rejected_decisions"],
}
for key, expected in want.items():
    if key not in p.kpis:
        print(f"FAIL KPI {key} is not on the page")
        continue
    shown = float(p.kpis[key])  # "nan", "inf" parse too
    if expected is None:  # JSON writes non-finite values as null
        good = not math.isfinite(shown)
    else:
        good = math.isfinite(shown) and abs(shown - expected) <= 1e-9 * max(1.0, abs(expected))
    print(("ok  " if good else "FAIL") + f" KPI {key}: page {p.kpis[key]}, ledger {expected}")
# What people see is the same value, rounded for display.
for key in ["equity", "cash", "realized_pnl_net"]:
    m = re.search(r'data-kpi="%s"[^>]*>.*?<div class="value[^"]*">([^<]*)</div>' % key, dom)
    shown = m.group(1) if m else None
    good = shown == f"{want[key]:,.2f}"
    print(("ok  " if good else "FAIL") + f" KPI {key} reads {shown}")
extra = set(p.kpis) - set(want)
print(("FAIL" if extra else "ok  ") + f" no other KPI ({sorted(extra)})")

text = " ".join(p.text)
for bad in ["ERR_", "net::", "NaN", "undefined", "(null)", "Traceback", "error while"]:
    print(("FAIL" if bad in dom else "ok  ") + f" no '{bad}' on the page")
print(("ok  " if p.title == "Paper account default" else "FAIL") + f" title '{p.title}'")
for section in ["Equity and drawdown", "Exit reasons", "Open positions", "Recent fills",
                "Trade history", "Per symbol", "Readiness", "Tear sheet", "Monthly returns",
                "Yearly returns", "Rolling 6-month Sharpe", "Distribution of returns",
                "Underwater", "Key figures"]:
    print(("ok  " if section in text else "FAIL") + f" section {section}")
for needle in ["<polyline", 'data-reason="take_profit"', 'data-reason="stop_loss"',
               'data-reason="manual"', 'data-check="min_trades" data-pass="true"']:
    print(("ok  " if needle in dom else "FAIL") + f" {needle}")
if "Not enough history for a curve" in text:
    print("FAIL the equity curve is missing")


def verdict(good, what):
    print(("ok  " if good else "FAIL") + " " + what)


def near(a, b, rel=1e-9):
    return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= rel * max(1.0, abs(b))


# Nothing from the network: no URL of any kind in the page as written or as rendered.
verdict(not re.search(r"https?://", page), "no http(s) URL in the page")
verdict(not re.search(r"https?://", dom), "no http(s) URL in the rendered page")
# The tear sheet's charts against the metrics JSON: returns from its equity curve.
curve = stats["equity_curve"]
rets = [(curve[i]["ts"], curve[i]["equity"] / curve[i - 1]["equity"] - 1) for i in range(1, len(curve))]


def compounded(key_of):
    out = {}
    for ts, r in rets:
        k = key_of(datetime.datetime.fromtimestamp(ts / 1e6, datetime.timezone.utc))
        out[k] = out.get(k, 1.0) * (1 + r)
    return {k: g - 1 for k, g in out.items()}


months = compounded(lambda d: f"{d.year:04d}-{d.month:02d}")
shown = {m: float(v) for m, v in re.findall(r'data-month="([0-9-]+)" data-return="([^"]+)"', dom)}
verdict(shown.keys() == months.keys() and all(near(shown[k], months[k]) for k in months),
        f"monthly heatmap {shown} == {months}")
years = compounded(lambda d: str(d.year))
shown = {y: float(v) for y, v in re.findall(r'data-year="([0-9]+)" data-return="([^"]+)"', dom)}
verdict(shown.keys() == years.keys() and all(near(shown[k], years[k]) for k in years),
        f"yearly returns {shown} == {years}")
m = re.search(r'data-bins="([0-9]+)" data-total="([0-9]+)"', dom)
hist = m.group(0) if m else ""
counts = [int(c) for c in re.findall(r'data-count="([0-9]+)"', dom[dom.find(hist):]) ] if m else []
verdict(m is not None and int(m.group(2)) == len(rets) and sum(counts) == len(rets),
        f"histogram holds every return ({len(rets)}): {counts}")
m = re.search(r'class="chart underwater"[^>]*data-min="([^"]+)"', dom)
verdict(m is not None and near(float(m.group(1)), stats["max_drawdown"]),
        f"underwater minimum {m and m.group(1)} == max_drawdown {stats['max_drawdown']}")
m = re.search(r'data-periods-per-year="([^"]+)" data-periods-per-year-from="([a-z]+)"', dom)
verdict(m is not None and float(m.group(1)) == stats["conventions"]["periods_per_year"]
        and m.group(2) == stats["conventions"]["periods_per_year_from"],
        f"periods per year {m and m.groups()} == {stats['conventions']['periods_per_year']}")
figs = dict(re.findall(r'data-key="([a-z_]+)" data-value="([^"]+)"', dom))
bad = [k for k, v in figs.items() if not (
    (stats.get(k) is None and not math.isfinite(float(v))) or
    (stats.get(k) is not None and near(float(v), stats[k])))]
verdict(len(figs) >= 20 and not bad, f"{len(figs)} key figures equal the JSON (bad: {bad})")
m = re.search(r'<table data-pageable="" data-trades="([0-9]+)"', dom) or \
    re.search(r'<table data-pageable data-trades="([0-9]+)"', dom)
rows = dom.count('<td class="t">long</td>') + dom.count('<td class="t">short</td>')
verdict(m is not None and int(m.group(1)) == stats["total_trades"],
        f"trade table holds all {stats['total_trades']} trades ({m and m.group(1)})")
pnl = sum(float(v) for v in re.findall(r'<tr data-reason="[a-z_]+" data-pnl="([^"]+)"', dom))
verdict(near(pnl, stats["total_pnl"], 1e-6), f"P&L per exit reason sums to {stats['total_pnl']}")
verdict('data-tick="' in dom, "the equity chart has date ticks")
verdict(dom.count("overflow-x:auto") >= 1 and dom.count('class="scroll"') >= 6,
        "tables scroll sideways on a phone")


def png_size(path):
    data = open(path, "rb").read()
    if len(data) < 33 or data[:8] != b"\x89PNG\r\n\x1a\n":
        return None, len(data)
    return struct.unpack(">II", data[16:24]), len(data)


for path, size in [(desktop, (1280, 800)), (phone, (390, 844))]:
    dims, n = png_size(path)
    good = dims == size and n > 20000
    print(("ok  " if good else "FAIL") + f" screenshot {path.rsplit('/', 1)[-1]}: {dims}, {n} bytes")
EOF
verdict_rc=$?
cat "$tmp/verdict"
check "the page checks ran to the end" test "$verdict_rc" -eq 0
check "every page check ran" test "$(grep -cE '^(ok  |FAIL)' "$tmp/verdict")" -eq 56
checks=$((checks + $(grep -c '^ok' "$tmp/verdict")))
failures=$((failures + $(grep -c '^FAIL' "$tmp/verdict")))
if [ "$failures" -ne 0 ] && [ -s "$tmp/chrome.err" ]; then
	echo "chromium said:"
	tail -n 20 "$tmp/chrome.err" | sed 's/^/    /'
fi
if [ -n "${PAPER_SCREENSHOTS:-}" ]; then
	cp "$tmp/desktop.png" "$tmp/phone.png" "$tmp/dash.html" "$PAPER_SCREENSHOTS"/
fi
finish
