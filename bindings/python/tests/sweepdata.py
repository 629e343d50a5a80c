"""Data and references for the sweep and walk-forward tests: seeded synthetic bars (numpy
columns or CSV files), signals, and each parameter set run alone through paperlib.replay."""

import math
import os
import struct

import numpy as np

import paperlib
from paperlib import Replay, Signal

from conftest import T0

MINUTE = 60_000_000


def bars(n_rows, n_symbols=4, seed=1, step=MINUTE):
    """Random-walk one-minute bars of n_symbols symbols, interleaved in time order, as the
    keywords of Replay.add_bar_columns (numpy arrays)."""
    rng = np.random.default_rng(seed)
    per = n_rows // n_symbols
    t = T0 + np.arange(per, dtype=np.int64) * step
    cols = {k: [] for k in ("ts", "open", "high", "low", "close", "volume", "symbol")}
    for s in range(n_symbols):
        c = np.round(100.0 * (1 + s) * np.exp(np.cumsum(rng.normal(0, 0.0015, per))), 2)
        o = np.concatenate([[c[0]], c[:-1]])
        h = np.round(np.maximum(o, c) * (1 + rng.uniform(0, 0.002, per)), 2)
        low = np.round(np.minimum(o, c) * (1 - rng.uniform(0, 0.002, per)), 2)
        for k, v in (("ts", t), ("open", o), ("high", h), ("low", low), ("close", c),
                     ("volume", np.round(rng.uniform(1e5, 1e6, per)))):
            cols[k].append(v)
        cols["symbol"].append(np.full(per, s, dtype=np.uint32))
    order = np.argsort(np.concatenate(cols["ts"]), kind="stable")
    out = {k: np.ascontiguousarray(np.concatenate(v)[order]) for k, v in cols.items()}
    out["symbols"] = [f"S{s}" for s in range(n_symbols)]
    return out


def signals(cols, every=300, seed=2):
    """A signal per symbol every `every` bars, alternating direction, varied confidence."""
    rng = np.random.default_rng(seed)
    out = []
    names = cols["symbols"]
    per = len(cols["ts"]) // len(names)
    for s, name in enumerate(names):
        ts = cols["ts"][cols["symbol"] == s]
        for k, i in enumerate(range(every // 2 + s, per - 1, every)):
            out.append(Signal(name, "long" if (k + s) % 3 else "short",
                              confidence=float(np.round(rng.uniform(0.4, 1.0), 2)),
                              ts=int(ts[i]) + 1))
    out.sort(key=lambda x: x.ts)
    return out


def write_csv(cols, sigs, directory):
    """The same bars as one CSV per symbol (epoch seconds, 2 decimals) and the signals."""
    bars_dir = os.path.join(directory, "bars")
    os.makedirs(bars_dir, exist_ok=True)
    for s, name in enumerate(cols["symbols"]):
        m = cols["symbol"] == s
        rows = zip((cols["ts"][m] // 1_000_000).tolist(), cols["open"][m].tolist(),
                   cols["high"][m].tolist(), cols["low"][m].tolist(), cols["close"][m].tolist(),
                   cols["volume"][m].tolist())
        with open(os.path.join(bars_dir, name + ".csv"), "w") as f:
            f.write("timestamp,open,high,low,close,volume\n")
            f.writelines(f"{t},{o:.2f},{h:.2f},{lo:.2f},{c:.2f},{v:.0f}\n"
                         for t, o, h, lo, c, v in rows)
    sig_path = os.path.join(directory, "signals.csv")
    with open(sig_path, "w") as f:
        f.write("timestamp,symbol,side,confidence\n")
        for x in sigs:
            # Signals are stamped 1 us after a bar; CSV times are whole seconds: one second.
            f.write(f"{x.ts // 1_000_000 + 1},{x.symbol},{x.direction.upper()},{x.confidence}\n")
    return bars_dir, sig_path


def alone(bars_arg, sigs, settings, lots=None, start=None, end=None):
    """One parameter set run by itself, as a user would: paperlib.replay (a Replay when lot
    sizes are set), then Broker.metrics()."""
    if lots:
        with paperlib.Broker(settings) as b, Replay(b, start=start, end=end) as r:
            for sym, (size, frac) in lots.items():
                r.session.set_symbol_lot(sym, size, frac)
            if isinstance(bars_arg, dict):
                r.add_bar_columns(**bars_arg)
            else:
                r.add_bars(bars_arg)
            if isinstance(sigs, (str, os.PathLike)):
                r.add_signals_file(sigs)
            else:
                r.add_signals(sigs)
            r.run()
            return b.metrics().to_dict()
    opts = {}
    if start is not None:
        opts["start"] = start
    if end is not None:
        opts["end"] = end
    run = paperlib.replay(bars_arg, sigs, config=settings, **opts)
    try:
        return run.broker.metrics().to_dict()
    finally:
        run.close()
        run.broker.close()


def bits(x):
    """A float's bit pattern: equal bits is equal to the last bit (NaN included)."""
    return struct.pack("<d", float(x))


def assert_rows_equal(df, expected_rows, params_of):
    """Every row of the sweep equals the set run alone, bit for bit, every metric."""
    assert len(df) == len(expected_rows)
    for set_no, exp in expected_rows.items():
        row = df.loc[set_no]
        for k, v in params_of(set_no).items():
            assert row[k] == v, (set_no, k)
        for k, v in exp.items():
            assert bits(row[k]) == bits(v), (set_no, k, row[k], v)
            if not math.isnan(v):
                assert row[k] == v
