#!/usr/bin/env python3
"""paperlib.Strategy against the fastest hand-written Python loop over paperlib's Broker, on
the same bars with the same orders (meson benchmark 'strategy', suite python).

    bench_strategy.py [--bars N] [--runs R] [--symbols K ...]

Prints (names are a contract):
  BENCH py_strategy_vs_loop=<ratio>   the worst of the cases below: Strategy run time / loop
                                      time (medians); the target is <= 2
  BENCH py_strategy_vs_loop_<K>sym=<ratio>  one case: K symbols, --bars bars in all
  BENCH py_strategy_bars_per_sec_<K>sym=  BENCH py_loop_bars_per_sec_<K>sym=

Both sides do the same work from the same numpy columns (time-major, ties by symbol): a
broker with the same config, every bar given to it, the same 10/30-bar moving-average
crossover per symbol (one shared `Sma` class), a market buy of 10 units on a cross up when
flat and a market close on a cross down, then the positions closed at their mark, a last
snapshot and the metrics report. The loop is what a user would write for speed: the columns
converted to lists once, the bars of each timestamp fed with the cached bound method
`broker.on_bar`, the orders with `broker.submit`. The strategy is a `paperlib.Strategy`
subclass run by `paperlib.run()`. The benchmark fails unless both close the same trades
(compared record for record), end with the same account and the same metrics. Runs
alternate (loop, strategy, loop, ...) so both see the same machine load; each figure is the
median of the runs.
"""

import argparse
import math
import statistics
import sys
import time

import numpy

import paperlib
from paperlib import ExitReason, Side

T0 = 1_704_205_800_000_000
MINUTE = 60_000_000
QTY = 10.0
FAST, SLOW = 10, 30
CONFIG = {"account.starting_cash": 1e9, "limits.max_position_fraction": 100.0,
          "limits.max_open_positions": 1000,
          "limits.max_open_positions_ceiling": 1000}


def make_columns(symbols: int, bars: int) -> dict:
    """`bars` one-minute bars in all over `symbols` seeded random walks, time-major."""
    per = max(SLOW * 4, bars // symbols)
    rng = numpy.random.default_rng(17)
    steps = rng.normal(0.0, 0.002, size=(per, symbols))
    close = numpy.round(100.0 * numpy.exp(numpy.cumsum(steps, axis=0)), 4)
    open_ = numpy.vstack([numpy.full((1, symbols), 100.0), close[:-1]])
    high = numpy.round(numpy.maximum(open_, close) * (1 + 0.001 * rng.random((per, symbols))), 4)
    low = numpy.round(numpy.minimum(open_, close) * (1 - 0.001 * rng.random((per, symbols))), 4)
    ts = numpy.repeat(T0 + numpy.arange(per, dtype=numpy.int64) * MINUTE, symbols)
    return {
        "symbols": [f"S{k:04d}" for k in range(symbols)],
        "symbol": numpy.tile(numpy.arange(symbols, dtype=numpy.uint32), per),
        "ts": ts,
        "open": open_.ravel(), "high": high.ravel(), "low": low.ravel(), "close": close.ravel(),
        "volume": numpy.full(per * symbols, 1e6),
    }


class Sma:
    """The 10/30 crossover of one symbol: +1 on a cross up, -1 on a cross down, else 0."""

    __slots__ = ("ring", "n", "fast", "slow", "trend")

    def __init__(self) -> None:
        self.ring = [0.0] * SLOW
        self.n = 0
        self.fast = 0.0
        self.slow = 0.0
        self.trend = 0

    def update(self, close: float) -> int:
        ring, n = self.ring, self.n
        self.slow += close - ring[n % SLOW]
        self.fast += close - ring[(n - FAST) % SLOW] if n >= FAST else close
        ring[n % SLOW] = close
        self.n = n = n + 1
        if n < SLOW:
            return 0
        trend = 1 if self.fast * SLOW > self.slow * FAST else -1
        if trend == self.trend:
            return 0
        before, self.trend = self.trend, trend
        return trend if before else 0


def finish(b: paperlib.Broker):
    for p in b.positions():
        b.close_position(p.symbol, ExitReason.END_OF_DATA)
    b.snapshot()
    return b.metrics()


def hand_loop(cols: dict):
    """The fastest loop we know how to write over paperlib.Broker."""
    t0 = time.perf_counter()
    b = paperlib.Broker(CONFIG)
    on_bar, submit, position = b.on_bar, b.submit, b.position
    buy, sell = Side.BUY, Side.SELL
    names = cols["symbols"]
    ts = cols["ts"]
    T = ts.tolist()
    S = [names[k] for k in cols["symbol"].tolist()]
    O, H, L, C, V = (cols[k].tolist() for k in ("open", "high", "low", "close", "volume"))
    starts = numpy.concatenate(([0], numpy.flatnonzero(ts[1:] != ts[:-1]) + 1, [len(T)])).tolist()
    sma = {s: Sma() for s in names}
    for j in range(len(starts) - 1):
        a, z = starts[j], starts[j + 1]
        t = T[a]
        for i in range(a, z):
            on_bar(S[i], t, O[i], H[i], L[i], C[i], V[i])
        for i in range(a, z):
            sym = S[i]
            sig = sma[sym].update(C[i])
            if sig > 0:
                if position(sym) is None:
                    submit(sym, buy, QTY)
            elif sig < 0:
                p = position(sym)
                if p is not None:
                    submit(sym, sell if p.qty > 0 else buy, abs(p.qty))
    m = finish(b)
    return time.perf_counter() - t0, b, m


class SmaStrategy(paperlib.Strategy):
    def on_start(self) -> None:
        self.sma = {s: Sma() for s in self.symbols}

    def on_bar(self, bar) -> None:
        sma = self.sma
        for sym, b in bar.items():
            sig = sma[sym].update(b.close)
            if sig > 0:
                if self.position(sym) is None:
                    self.buy(sym, QTY)
            elif sig < 0:
                self.close(sym)


def strategy_run(cols: dict):
    t0 = time.perf_counter()
    r = paperlib.run(SmaStrategy, cols, CONFIG)
    return time.perf_counter() - t0, r.broker, r.metrics


def same_metrics(a: dict, b: dict) -> bool:
    return all(a[k] == b[k] or (math.isnan(a[k]) and math.isnan(b[k])) for k in a)


def bench_case(symbols: int, bars: int, runs: int) -> float:
    cols = make_columns(symbols, bars)
    n = len(cols["ts"])
    loop_t, strat_t = [], []
    for _ in range(runs):
        t, lb, lm = hand_loop(cols)
        loop_t.append(t)
        t, sb, sm = strategy_run(cols)
        strat_t.append(t)
        lt, st = lb.trades(), sb.trades()
        if lt != st or not lt:
            raise SystemExit(f"bench_strategy: {symbols} symbols: the loop closed {len(lt)} "
                             f"trades, the strategy {len(st)}; they must be equal and > 0")
        if lb.account() != sb.account() or not same_metrics(lm.to_dict(), sm.to_dict()):
            raise SystemExit(f"bench_strategy: {symbols} symbols: the accounts or metrics differ")
        lb.close()
        sb.close()
    loop, strat = statistics.median(loop_t), statistics.median(strat_t)
    ratio = strat / loop
    print(f"BENCH py_strategy_vs_loop_{symbols}sym={ratio:.3f}")
    print(f"BENCH py_strategy_bars_per_sec_{symbols}sym={n / strat:.0f}")
    print(f"BENCH py_loop_bars_per_sec_{symbols}sym={n / loop:.0f}")
    print(f"BENCH py_strategy_trades_{symbols}sym={len(st)}")
    return ratio


def main() -> int:
    p = argparse.ArgumentParser(description="paperlib.Strategy against a hand-written loop")
    p.add_argument("--bars", type=int, default=200_000, help="bars per case")
    p.add_argument("--runs", type=int, default=5, help="runs per side (the median is used)")
    p.add_argument("--symbols", type=int, nargs="+", default=[1, 50],
                   help="the cases: numbers of symbols")
    args = p.parse_args()
    worst = max(bench_case(k, args.bars, args.runs) for k in args.symbols)
    print(f"BENCH py_strategy_vs_loop={worst:.3f}")
    return 0 if worst <= 2.0 else 1


if __name__ == "__main__":
    sys.exit(main())
