#!/usr/bin/env python3
"""paperlib.sweep on Dask: the speed-up of 2 workers over 1, and Dask's cost per task against
a plain loop (meson benchmark 'sweep': `meson test -C build --benchmark --suite sweep -v`).

    bench_sweep.py [--rows N] [--sets N] [--runs R] [--tasks N]

Prints (names are a contract):
  BENCH sweep_speedup_2_workers=<median seconds on 1 worker / median on 2>
      64 parameter sets (8 take-profit x 8 stop-loss values) over 200,000 bars (4 symbols of
      one-minute bars, a seeded random walk, a signal every 100 bars per symbol) held in
      memory and scattered once; two LocalClusters of worker processes (1 thread each), 1
      and 2 workers, started side by side in this process and timed alternately, `runs`
      timed sweeps each after one warm-up; the default chunking (about 4 tasks per worker).
  BENCH sweep_dask_overhead_ms_per_task=<(Dask - plain loop) / tasks, milliseconds>
      `tasks` tiny replays (500 bars each), one per task, on the 1-worker cluster, against
      the same replays in a loop in this process (median of `runs` each).
and, for reference:
  BENCH sweep_1_worker_s=  BENCH sweep_2_workers_s=  BENCH sweep_loop_s=
  BENCH sweep_sets_per_s_2_workers=
  BENCH sweep_worker_peak_rss_mb=<the larger peak RSS of the 2 workers after the sweeps>
Every sweep's rows are checked equal to the plain loop's, to the bit.
"""

import argparse
import logging
import os
import statistics
import struct
import sys
import time

import numpy as np

import distributed
from paperlib import Signal
from paperlib.cluster import run_jobs
from paperlib.grid import Grid
from paperlib.sweep_task import BarsInput, SignalsInput, run_one

T0 = 1_704_205_800_000_000
MINUTE = 60_000_000


def make_bars(n_rows, n_symbols=4, seed=1):
    rng = np.random.default_rng(seed)
    per = n_rows // n_symbols
    t = T0 + np.arange(per, dtype=np.int64) * MINUTE
    parts = []
    for s in range(n_symbols):
        c = np.round(100.0 * (1 + s) * np.exp(np.cumsum(rng.normal(0, 0.0015, per))), 2)
        o = np.concatenate([[c[0]], c[:-1]])
        h = np.round(np.maximum(o, c) * 1.001, 2)
        low = np.round(np.minimum(o, c) * 0.999, 2)
        parts.append((t, o, h, low, c, np.full(per, 1e6), np.full(per, s, dtype=np.uint32)))
    cols = [np.concatenate(p) for p in zip(*parts)]
    order = np.argsort(cols[0], kind="stable")
    names = ("ts", "open", "high", "low", "close", "volume", "symbol")
    out = {k: np.ascontiguousarray(v[order]) for k, v in zip(names, cols)}
    out["symbols"] = [f"S{s}" for s in range(n_symbols)]
    sigs = []
    for s in range(n_symbols):
        ts = t
        for k, i in enumerate(range(50 + s, per - 1, 100)):
            sigs.append(Signal(f"S{s}", "long" if (k + s) % 3 else "short", confidence=0.8,
                               ts=int(ts[i]) + 1))
    sigs.sort(key=lambda x: x.ts)
    return out, sigs


def _peak_rss_kb():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--sets", type=int, default=64)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tasks", type=int, default=200)
    a = ap.parse_args()

    cols, sigs = make_bars(a.rows)
    side = int(round(a.sets ** 0.5))
    grid = {"tp": [0.25 * (k + 1) for k in range(side)],
            "sl": [0.25 * (k + 1) for k in range(a.sets // side)]}
    g = Grid.build(grid, {"limits.min_confidence": 0.5})
    bars, signals = BarsInput.of(cols), SignalsInput.of(sigs)
    jobs = [(i, g.settings(i), None, None, ()) for i in range(len(g))]

    # The plain loop: the reference numbers and the reference time.
    loop_times, ref = [], None
    for _ in range(max(1, a.runs // 2)):
        res = {}
        loop_times.append(timed(lambda: res.update(
            {i: run_one(bars, signals, s) for i, s, *_ in jobs})))
        ref = res

    def sweep_on(client):
        out = {}
        run_jobs(client, bars, signals, {}, jobs, out)
        for i, r in out.items():
            for k, v in r["metrics"].items():
                if struct.pack("<d", v) != struct.pack("<d", ref[i]["metrics"][k]):
                    sys.exit(f"set {i} {k}: {v} on Dask, {ref[i]['metrics'][k]} in the loop")
        return out

    kw = dict(threads_per_worker=1, processes=True, dashboard_address=":0",
              silence_logs=logging.ERROR)
    with distributed.LocalCluster(n_workers=1, **kw) as c1, \
            distributed.LocalCluster(n_workers=2, **kw) as c2, \
            distributed.Client(c1, set_as_default=False) as one, \
            distributed.Client(c2, set_as_default=False) as two:
        for c in (one, two):
            sweep_on(c)  # warm-up: imports, first scatter
        t1, t2 = [], []
        for _ in range(a.runs):
            t1.append(timed(lambda: sweep_on(one)))
            t2.append(timed(lambda: sweep_on(two)))

        # Dask's cost per task: tiny replays, one per task, against the same in a loop.
        tiny_cols, tiny_sigs = make_bars(500, n_symbols=1, seed=3)
        tb, ts = BarsInput.of(tiny_cols), SignalsInput.of(tiny_sigs)
        tiny = [(i, {"session.tp_pct": 1.0 + (i % 7) * 0.25}, None, None, ())
                for i in range(a.tasks)]
        rss_kb = max(two.run(_peak_rss_kb).values())
        d, l = [], []
        run_jobs(one, tb, ts, {}, tiny[:20], {}, chunk=1)  # warm-up
        for _ in range(a.runs):
            d.append(timed(lambda: run_jobs(one, tb, ts, {}, tiny, {}, chunk=1)))
            l.append(timed(lambda: [run_one(tb, ts, s) for _, s, *_ in tiny]))

    m1, m2, ml = statistics.median(t1), statistics.median(t2), statistics.median(loop_times)
    overhead = (statistics.median(d) - statistics.median(l)) / a.tasks * 1000.0
    print(f"# {len(jobs)} sets over {len(cols['ts'])} bars, {len(sigs)} signals; "
          f"{len(os.sched_getaffinity(0))} cores; load average {os.getloadavg()[0]:.2f}; "
          f"runs 1 worker {[round(x, 3) for x in t1]}, 2 workers {[round(x, 3) for x in t2]}")
    print(f"BENCH sweep_speedup_2_workers={m1 / m2:.3f}")
    print(f"BENCH sweep_dask_overhead_ms_per_task={overhead:.3f}")
    print(f"BENCH sweep_1_worker_s={m1:.3f}")
    print(f"BENCH sweep_2_workers_s={m2:.3f}")
    print(f"BENCH sweep_loop_s={ml:.3f}")
    print(f"BENCH sweep_sets_per_s_2_workers={len(jobs) / m2:.1f}")
    print(f"BENCH sweep_worker_peak_rss_mb={rss_kb / 1024:.1f}")


if __name__ == "__main__":
    main()
