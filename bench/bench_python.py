#!/usr/bin/env python3
"""Per-call cost of paperlib's hot paths from Python, and replay from numpy arrays against
the same replay in C (meson benchmark 'python').

    bench_python.py [--calls N] [--runs R] [--replay-exe PATH] [--rows N]

Prints (names are a contract):
  BENCH py_on_quote_ns=<median ns of Broker.on_quote>   a quote for one symbol, no order resting
  BENCH py_submit_ns=<median ns of Broker.submit>        a market order, accepted (each call
                                                         timed alone; the next quote fills it)
and, for reference, the same through bare cffi calls of the C functions, and the difference
(paperlib's own work per call):
  BENCH py_on_quote_cffi_ns=  BENCH py_on_quote_overhead_ns=
  BENCH py_submit_cffi_ns=    BENCH py_submit_overhead_ns=

Each figure is the median of `runs` runs of `calls_per_run` calls. on_quote is timed with
time.perf_counter_ns() around the whole loop; each submit is timed alone (quotes in between
fill the orders) and the cost of the two timer calls, measured the same way, is subtracted.
As in bench-engine, buys and sells alternate, so every second order closes a round trip, and
the account is rich enough for the whole run.
  BENCH py_replay_ratio=<Python-driven replay throughput / C's>
  BENCH py_replay_bars_per_sec=  BENCH c_replay_bars_per_sec=
The replay: --rows bars (default 1,000,000: 8 symbols of one-minute bars, a seeded random
walk) and a signal every 500 bars per symbol, as in-memory columns through libpaper's replay
API (paper_replay_add_bar_columns, a session acting on the signals, positions closed at the
end). bench-python-replay (--replay-exe) runs it in C; Python runs the same with numpy arrays
(array.array without numpy), borrowed by the library without a copy: broker, replay, columns,
signals, run - each side timed over the same steps, median of the runs.
"""

import argparse
import array
import math
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time

import paperlib
from paperlib import Side
from paperlib._paperlib import ffi, lib

US = 1_000_000
T0 = 1_704_205_800 * US


def make_broker() -> paperlib.Broker:
    return paperlib.Broker(
        account__starting_cash=1e10,
        limits__max_position_fraction=100.0,
        engine__trade_history=10000,
    )


class Clock:
    def __init__(self) -> None:
        self.ts = T0

    def take(self, n: int) -> int:
        t = self.ts
        self.ts += n + 1
        return t


def run_quotes(b: paperlib.Broker, clock: Clock, n: int) -> float:
    q = b.on_quote
    t = clock.take(n)
    t0 = time.perf_counter_ns()
    for i in range(n):
        q("AAPL", t + i, 100.0, 100.02, 100.01)
    return (time.perf_counter_ns() - t0) / n


def run_cffi_quotes(b: paperlib.Broker, clock: Clock, n: int) -> float:
    f = lib.paper_broker_on_quote
    p = b._b
    s = b"AAPL"
    t = clock.take(n)
    t0 = time.perf_counter_ns()
    for i in range(n):
        f(p, s, t + i, 100.0, 100.02, 100.01)
    return (time.perf_counter_ns() - t0) / n


def timer_overhead(n: int) -> float:
    """What two perf_counter_ns() calls around nothing cost, per pair."""
    pc = time.perf_counter_ns
    total = 0
    for _ in range(n):
        t0 = pc()
        total += pc() - t0
    return total / n


def run_orders(b: paperlib.Broker, clock: Clock, n: int) -> float:
    """n market orders, each timed alone: a quote, a submit (timed), the next quote fills it.
    Buys and sells alternate. Returns the mean ns inside submit (timer overhead included)."""
    q = b.on_quote
    s = b.submit
    pc = time.perf_counter_ns
    buy, sell = Side.BUY, Side.SELL
    t = clock.take(n)
    total = 0
    for i in range(0, n, 2):
        q("AAPL", t + i, 100.0, 100.02, 100.01)
        t0 = pc()
        s("AAPL", buy, 10.0)
        t1 = pc()
        q("AAPL", t + i + 1, 100.0, 100.02, 100.01)
        t2 = pc()
        s("AAPL", sell, 10.0)
        total += (t1 - t0) + (pc() - t2)
    return total / n


def run_cffi_orders(b: paperlib.Broker, clock: Clock, n: int) -> float:
    """run_orders through bare cffi calls with a prepared request."""
    q = lib.paper_broker_on_quote
    f = lib.paper_broker_submit
    p = b._b
    sym = b"AAPL"
    req = ffi.new("paper_order_request *")
    req.version = lib.PAPER_ORDER_REQUEST_VERSION
    keep = ffi.new("char[]", sym)
    req.symbol = keep
    req.type = lib.PAPER_ORDER_MARKET
    req.tif = lib.PAPER_TIF_GTC
    req.qty = 10.0
    req.confidence = -1.0
    out = ffi.new("uint64_t *")
    pc = time.perf_counter_ns
    t = clock.take(n)
    total = 0
    for i in range(0, n, 2):
        q(p, sym, t + i, 100.0, 100.02, 100.01)
        req.side = lib.PAPER_SIDE_BUY
        t0 = pc()
        f(p, req, out)
        t1 = pc()
        q(p, sym, t + i + 1, 100.0, 100.02, 100.01)
        req.side = lib.PAPER_SIDE_SELL
        t2 = pc()
        f(p, req, out)
        total += (t1 - t0) + (pc() - t2)
    return total / n


# ---- replay from columns ----

N_SYMBOLS = 8
NAME_LEN = 32


def make_columns(rows: int):
    """Time-major rows of N_SYMBOLS one-minute random walks: (names, columns)."""
    per = rows // N_SYMBOLS
    n = per * N_SYMBOLS
    rng = random.Random(7)
    names = [f"SYM{k}" for k in range(N_SYMBOLS)]
    ts = array.array("q", bytes(8 * n))
    sym = array.array("I", bytes(4 * n))
    cols = {k: array.array("d", bytes(8 * n)) for k in ("open", "high", "low", "close", "volume")}
    last = [100.0 + 10 * k for k in range(N_SYMBOLS)]
    o, h, lo, c, v = (cols[k] for k in ("open", "high", "low", "close", "volume"))
    for i in range(per):
        t = T0 + i * 60 * US
        for k in range(N_SYMBOLS):
            j = i * N_SYMBOLS + k
            op = last[k]
            cl = round(op * math.exp(rng.gauss(0.0, 0.001)), 4)
            ts[j], sym[j] = t, k
            o[j], c[j] = op, cl
            h[j] = round(max(op, cl) * (1 + 0.0005 * rng.random()), 4)
            lo[j] = round(min(op, cl) * (1 - 0.0005 * rng.random()), 4)
            v[j] = 1e6
            last[k] = cl
    return names, ts, sym, cols, per


def write_inputs(directory: str, names, ts, sym, cols, per: int):
    data = os.path.join(directory, "columns.bin")
    with open(data, "wb") as f:
        f.write(array.array("Q", [len(ts), len(names)]).tobytes())
        for name in names:
            f.write(name.encode().ljust(NAME_LEN, b"\0"))
        f.write(ts.tobytes())
        f.write(sym.tobytes())
        for k in ("open", "high", "low", "close", "volume"):
            f.write(cols[k].tobytes())
    signals = os.path.join(directory, "signals.csv")
    with open(signals, "w") as f:
        f.write("timestamp,symbol,side,confidence\n")
        rows = []
        for i in range(250, per, 500):
            for k, name in enumerate(names):
                side = "LONG" if (i // 500 + k) % 2 == 0 else "SHORT"
                rows.append((T0 + i * 60 * US + 30 * US, name, side))
        for t, name, side in sorted(rows):
            f.write(f"{t // US},{name},{side},0.8\n")
    return data, signals


def python_replay(names, ts, sym, cols, signals: str) -> tuple:
    t0 = time.perf_counter()
    with paperlib.Broker(account__starting_cash=1e9, limits__max_open_positions=10) as b:
        r = paperlib.Replay(b)
        r.add_bar_columns(names, ts, cols["open"], cols["high"], cols["low"], cols["close"],
                          cols["volume"], symbol=sym)
        r.add_signals_file(signals)
        r.run()
        dt = time.perf_counter() - t0
        trades = len(b.trades())
        r.close()
    return len(ts) / dt, trades


def bench_replay(exe: str, rows: int, runs: int) -> tuple:
    names, ts, sym, cols, per = make_columns(rows)
    with tempfile.TemporaryDirectory() as d:
        data, signals = write_inputs(d, names, ts, sym, cols, per)
        out = subprocess.run([exe, data, signals, str(runs)], check=True, stdout=subprocess.PIPE,
                             text=True).stdout
        c_rate = float(re.search(r"c_replay_bars_per_sec=([\d.]+)", out).group(1))
        c_trades = int(re.search(r"c_replay_trades=(\d+)", out).group(1))
        try:
            import numpy  # the columns as numpy arrays when numpy is there

            ts = numpy.frombuffer(ts, dtype=numpy.int64)
            sym = numpy.frombuffer(sym, dtype=numpy.uint32)
            cols = {k: numpy.frombuffer(v, dtype=numpy.float64) for k, v in cols.items()}
        except ImportError:
            pass
        results = [python_replay(names, ts, sym, cols, signals) for _ in range(runs)]
    py_rate = statistics.median(r[0] for r in results)
    if results[0][1] != c_trades or c_trades == 0:
        raise SystemExit(f"bench_python: the replays differ: {results[0][1]} trades in "
                         f"Python, {c_trades} in C")
    return py_rate, c_rate


def main() -> int:
    p = argparse.ArgumentParser(description="paperlib benchmarks")
    p.add_argument("--calls", type=int, default=200_000, help="calls per run")
    p.add_argument("--runs", type=int, default=7, help="runs (the median is printed)")
    p.add_argument("--replay-exe", help="bench-python-replay, for py_replay_ratio")
    p.add_argument("--rows", type=int, default=1_000_000, help="bars of the replay")
    args = p.parse_args()
    calls, runs = args.calls, args.runs

    with make_broker() as b:
        clock = Clock()
        run_quotes(b, clock, 10_000)  # warm up
        quote = statistics.median(run_quotes(b, clock, calls) for _ in range(runs))
        cffi = statistics.median(run_cffi_quotes(b, clock, calls) for _ in range(runs))
        timer = statistics.median(timer_overhead(calls) for _ in range(runs))
        submit = statistics.median(run_orders(b, clock, calls) for _ in range(runs)) - timer
        c_submit = statistics.median(run_cffi_orders(b, clock, calls) for _ in range(runs)) - timer
        acct = b.account()
        if acct.fills < 2 * calls * runs - 1 or acct.rejections:  # the last order rests
            print(f"bench_python: orders did not fill as expected ({acct.fills} fills, "
                  f"{acct.rejections} rejections)", file=sys.stderr)
            return 1
    print(f"BENCH py_on_quote_ns={quote:.1f}")
    print(f"BENCH py_submit_ns={submit:.1f}")
    print(f"BENCH py_on_quote_cffi_ns={cffi:.1f}")
    print(f"BENCH py_on_quote_overhead_ns={quote - cffi:.1f}")
    print(f"BENCH py_submit_cffi_ns={c_submit:.1f}")
    print(f"BENCH py_submit_overhead_ns={submit - c_submit:.1f}")
    if args.replay_exe:
        py_rate, c_rate = bench_replay(args.replay_exe, args.rows, max(3, runs // 2 * 2 - 1))
        print(f"BENCH py_replay_bars_per_sec={py_rate:.0f}")
        print(f"BENCH c_replay_bars_per_sec={c_rate:.0f}")
        print(f"BENCH py_replay_ratio={py_rate / c_rate:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
