#!/usr/bin/env python3
"""Run the Python examples on the sample data and check what they print (meson tests
example-runtime and example-replay, suite python).

    check_examples.py runtime EXAMPLES_DIR DATA_DIR
    check_examples.py replay EXAMPLES_DIR DATA_DIR REPLAY_SAMPLE
    check_examples.py strategy EXAMPLES_DIR DATA_DIR

runtime: examples/python/paper_runtime.py with the CSV signals and with the callback source:
exit status 0, PAPER ENTRY / PAPER EXIT / PAPER SKIP lines that pair up, an account that
reconciles, the same output on a second run.

replay: examples/python/replay_metrics.py against the C example replay-sample on the same
bars: the account summary (every line the C program prints) must be identical, with the
default seed and another one; then the metrics section must be there and consistent.

strategy: examples/python/strategy_sma.py (a paperlib.Strategy over the sample bars read with
pandas): exit status 0, trades that reconcile, the same output on a second run, and the
dashboard and tear sheet written as self-contained HTML pages (no external resource).

"""

import glob
import math
import os
import re
import subprocess
import sys

FAILURES = []


def fail(msg: str) -> None:
    print("FAIL: " + msg)
    FAILURES.append(msg)


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.stderr:
        sys.stdout.write(p.stderr)
    return p.returncode, p.stdout


def check_runtime(examples: str, data: str) -> None:
    script = os.path.join(examples, "paper_runtime.py")
    rc, out = run([sys.executable, script, "--signals", os.path.join(data, "signals.csv"),
                   "--bars", os.path.join(data, "bars")])
    print(out)
    if rc != 0:
        fail(f"paper_runtime.py exited {rc}")
    lines = out.splitlines()
    entries = [l for l in lines if l.startswith("PAPER ENTRY ")]
    exits = [l for l in lines if l.startswith("PAPER EXIT ")]
    skips = [l for l in lines if l.startswith("PAPER SKIP ")]
    if len(entries) < 10:
        fail(f"only {len(entries)} PAPER ENTRY lines")
    if len(exits) != len(entries):
        fail(f"{len(entries)} entries but {len(exits)} exits: every position must be closed")
    if not any("low_confidence" in l for l in skips):
        fail("no signal below limits.min_confidence was skipped (PAPER SKIP ... low_confidence)")
    entry_re = re.compile(r"PAPER ENTRY \d{4}-\d\d-\d\d \d\d:\d\d \S+ (LONG|SHORT) [\d.]+ @ [\d.]+ ")
    exit_re = re.compile(r"PAPER EXIT \d{4}-\d\d-\d\d \d\d:\d\d \S+ (LONG|SHORT) [\d.]+ @ [\d.]+ "
                         r"reason (take_profit|stop_loss|time_limit|end_of_data) pnl [+-][\d.]+$")
    for l in entries:
        if not entry_re.match(l):
            fail(f"malformed entry line: {l}")
    for l in exits:
        if not exit_re.match(l):
            fail(f"malformed exit line: {l}")
    reasons = {m.group(1) for m in (re.search(r"reason (\w+)", l) for l in exits) if m}
    for r in ("take_profit", "stop_loss", "time_limit"):
        if r not in reasons:
            fail(f"no exit for reason {r}")
    m = re.search(r"^trades: (\d+) closed", out, re.M)
    if not m or int(m.group(1)) != len(exits):
        fail("the trade count does not match the PAPER EXIT lines")
    if "reconciles: yes" not in lines:
        fail("no line 'reconciles: yes'")
    rc2, out2 = run([sys.executable, script, "--signals", os.path.join(data, "signals.csv"),
                     "--bars", os.path.join(data, "bars")])
    if rc2 != 0 or out2 != out:
        fail("a second run printed something else")
    rc3, out3 = run([sys.executable, script, "--callback", "--bars", os.path.join(data, "bars")])
    if rc3 != 0 or "reconciles: yes" not in out3.splitlines() or "PAPER ENTRY" not in out3:
        fail(f"--callback: exit {rc3} or no entries / no reconciliation")


def check_replay(examples: str, data: str, c_exe: str) -> None:
    script = os.path.join(examples, "replay_metrics.py")
    bars = sorted(glob.glob(os.path.join(data, "bars", "*.csv")))
    for extra in ([], ["--seed", "12345"]):
        rc_c, out_c = run([c_exe] + extra + bars)
        rc_p, out_p = run([sys.executable, script] + extra + bars)
        print(out_p)
        if rc_c != 0 or rc_p != 0:
            fail(f"{extra}: exit status C {rc_c}, Python {rc_p}")
            continue
        c_lines = out_c.splitlines()
        p_lines = out_p.splitlines()
        if "starting cash + realized - fees == cash: yes" not in c_lines or len(c_lines) < 20:
            fail(f"{extra}: replay-sample did not print its summary")
            continue
        if p_lines[: len(c_lines)] != c_lines:
            for i, (a, b) in enumerate(zip(c_lines, p_lines)):
                if a != b:
                    fail(f"{extra}: line {i + 1} differs from replay-sample:\n  C:      {a}\n  Python: {b}")
                    break
            else:
                fail(f"{extra}: the Python summary is shorter than replay-sample's")
        values = {}
        for l in p_lines[len(c_lines):]:
            m = re.match(r"^([a-z ()]+?)\s+(-?[\d.]+|nan|inf|-inf)%?$", l)
            if m:
                values[m.group(1)] = float(m.group(2))
        for key in ("sharpe ratio", "max drawdown", "total return", "win rate", "sharpe (function)"):
            if key not in values or not math.isfinite(values[key]):
                fail(f"{extra}: metric '{key}' missing or not finite")
        if values.get("sharpe ratio") != values.get("sharpe (function)"):
            fail(f"{extra}: the report's Sharpe ratio and the function's differ")
        if not re.search(r"^by symbol", out_p, re.M):
            fail(f"{extra}: no per-symbol breakdown")


EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|@import|url\(\s*["']?https?:""",
                      re.I)


def check_html(path: str) -> None:
    if not os.path.exists(path):
        fail(f"{path} was not written")
        return
    with open(path, encoding="utf-8") as f:
        html = f.read()
    if not html.startswith("<!DOCTYPE html>") or "</html>" not in html or "<svg" not in html:
        fail(f"{path} is not a complete page with charts")
    m = EXTERNAL.search(html)
    if m:
        fail(f"{path} loads an external resource: {html[m.start():m.start() + 60]!r}")


def check_strategy(examples: str, data: str) -> None:
    import tempfile

    script = os.path.join(examples, "strategy_sma.py")
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, script, "--bars", os.path.join(data, "bars"), "--out", out]
        rc, text = run(cmd)
        print(text)
        if rc != 0:
            fail(f"strategy_sma.py exited {rc}")
            return
        m = re.search(r"^trades: (\d+) closed, (\d+) won$", text, re.M)
        if not m or int(m.group(1)) < 20:
            fail("fewer than 20 closed trades, or no 'trades:' line")
        if not re.search(r"^bars: 4623 of 4 symbols", text, re.M):
            fail("the run did not see the 4623 sample bars of 4 symbols")
        if "reconciles: yes" not in text.splitlines():
            fail("no line 'reconciles: yes'")
        for name in ("dashboard.html", "tearsheet.html"):
            check_html(os.path.join(out, name))
        rc2, text2 = run(cmd)
        if rc2 != 0 or text2 != text:
            fail("a second run printed something else")


def main() -> int:
    kind, examples, data = sys.argv[1:4]
    if kind == "runtime":
        check_runtime(examples, data)
    elif kind == "replay":
        check_replay(examples, data, sys.argv[4])
    elif kind == "strategy":
        check_strategy(examples, data)
    else:
        print(f"unknown check {kind}")
        return 2
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
