"""Replay: files and zero-copy columns through libpaper's replay, equal to the C command."""

import array
import json
import os
import subprocess

import pytest

import paperlib
from paperlib import Replay, Signal

from conftest import HOUR, SRCDIR, T0

try:
    import numpy
except ImportError:
    numpy = None

DATA = SRCDIR / "examples" / "data"
PAPER_CLI = os.environ.get("PAPER_CLI")


def sample_columns(as_numpy):
    import sys

    sys.path.insert(0, str(SRCDIR / "examples" / "python"))
    import replay_metrics

    series = [replay_metrics.Series(str(p)) for p in sorted((DATA / "bars").glob("*.csv"))]
    cols = replay_metrics.columns(series)
    if not as_numpy:
        cols = {k: (array.array(v.dtype.char if v.dtype.char != "l" else "q", v.tobytes())
                    if hasattr(v, "dtype") else v) for k, v in cols.items()}
    return cols


def run_python(tmp_path, cols):
    trades = tmp_path / "py_trades.csv"
    cfg = paperlib.Config(session__notional=10000.0, session__max_hold_minutes=2880)
    with paperlib.Broker(cfg) as b, Replay(b, trades_path=trades) as r:
        r.session.set_symbol_lot("BTC-USD", 0.0001, fractional=True)
        r.add_bar_columns(**cols)
        r.add_signals_file(DATA / "signals.csv")
        r.run()
        return trades.read_text(), r.summary(), r.stats()


@pytest.mark.skipif(not PAPER_CLI, reason="the paper command is not built")
@pytest.mark.parametrize("as_numpy", [False] + ([True] if numpy is not None else []))
def test_columns_replay_equals_the_c_command_on_csv(tmp_path, as_numpy):
    # The same bars (CSV in C, in-memory columns from Python), the same signals and settings:
    # the trades file must be byte for byte the same, and the summaries equal.
    c_trades, c_sum = tmp_path / "c_trades.csv", tmp_path / "c_sum.json"
    subprocess.run(
        [PAPER_CLI, "replay", "--bars", str(DATA / "bars"), "--signals", str(DATA / "signals.csv"),
         "--size", "10000", "--max-hold", "2880", "--lot", "BTC-USD=0.0001",
         "--trades-out", str(c_trades), "--summary-out", str(c_sum), "--quiet", "--no-progress"],
        check=True)
    py_trades, py_sum, stats = run_python(tmp_path, sample_columns(as_numpy))
    assert py_trades == c_trades.read_text()
    assert len(py_trades.splitlines()) > 50
    c = json.loads(c_sum.read_text())
    c["input"]["sources"] = py_sum["input"]["sources"]  # 4 files there, 1 column set here
    c["input"]["read"] = py_sum["input"]["read"]  # ... each read in its dialect
    assert py_sum == c
    assert (stats.bars, stats.symbols, stats.signals) == (4623, 4, 150)


@pytest.mark.skipif(not PAPER_CLI, reason="the paper command is not built")
def test_replay_lots_equal_the_c_command_lot_option(tmp_path):
    # paperlib.replay(lots=...) is `paper replay --lot`: the same trades, byte for byte, and
    # BTC-USD (about 44,000 USD a coin) traded in lots of 0.0001 instead of rounding to 0.
    c_trades, c_sum = tmp_path / "c_trades.csv", tmp_path / "c_sum.json"
    subprocess.run(
        [PAPER_CLI, "replay", "--bars", str(DATA / "bars"), "--signals", str(DATA / "signals.csv"),
         "--size", "10000", "--lot", "BTC-USD=0.0001", "--lot", "SPY=1",
         "--trades-out", str(c_trades), "--summary-out", str(c_sum), "--quiet", "--no-progress"],
        check=True)
    py_trades = tmp_path / "py_trades.csv"
    r = paperlib.replay(DATA / "bars", DATA / "signals.csv", config={"session.notional": 10_000},
                        lots={"BTC-USD": 0.0001, "SPY": 1}, trades_path=py_trades)
    assert py_trades.read_text() == c_trades.read_text()
    summary = r.summary()
    assert summary == json.loads(c_sum.read_text())
    assert summary["signals"]["by_verdict"]["size_zero"] == 0
    assert any(t.symbol == "BTC-USD" and 0 < t.qty < 1 for t in r.broker.trades())
    r.close()
    r.broker.close()


def test_replay_lots_are_checked():
    with pytest.raises(TypeError):
        paperlib.replay(DATA / "bars", lots=[("BTC-USD", 0.0001)])
    with pytest.raises(paperlib.InvalidArgument):
        paperlib.replay(DATA / "bars", lots={"BTC-USD": -0.0001})
    with pytest.raises(TypeError):
        paperlib.replay(DATA / "bars", lots={"BTC-USD": "0.0001"})


def test_files_replay_and_results(tmp_path):
    r = paperlib.replay(DATA / "bars", DATA / "signals.csv", daily=True,
                        config={"session.notional": 5000.0})
    st = r.stats()
    assert (st.sources, st.bars, st.signals, st.first_ts > 0) == (4, 4623, 150, True)
    assert r.broker.positions() == []  # closed at the end
    days = r.days()
    assert len(days) > 100 and days[0].date.hour == 0
    assert sum(d.trades for d in days) == r.session.stats().trades
    wf = r.walk_forward()
    assert "total_trades" in wf
    assert "input" in r.summary()
    with pytest.raises(paperlib.StateError):
        r.run()  # finished
    r.close()
    assert r.closed and r.session.closed
    with pytest.raises(paperlib.StateError):
        r.stats()


def test_run_until_signals_in_memory_and_bounds():
    n = 200
    ts = array.array("q", [T0 + i * HOUR for i in range(n)])
    px = array.array("d", [100.0 + (i % 20) for i in range(n)])
    hi = array.array("d", [p + 1 for p in px])
    lo = array.array("d", [p - 1 for p in px])
    with paperlib.Broker(session__sizing="qty", session__qty=1.0) as b:
        r = Replay(b, close_at_end=False, start=T0 + HOUR)
        r.add_bar_columns("X", ts, px, hi, lo, px)
        r.add_signals([Signal("X", "long", ts=T0 + 5 * HOUR), Signal("X", "short", ts=T0 + 50 * HOUR)])
        r.run_until(T0 + 10 * HOUR)
        assert r.stats().bars == 9 and b.account().ts == T0 + 9 * HOUR
        r.run()
        st = r.stats()
        assert (st.bars, st.bars_out_of_range, st.signals) == (n - 1, 1, 2)
        with pytest.raises(TypeError):
            r.add_signals(["X"])


def test_columns_are_borrowed_not_copied():
    n = 50
    ts = array.array("q", [T0 + i * HOUR for i in range(n)])
    px = array.array("d", [100.0] * n)
    with paperlib.Broker() as b:
        r = Replay(b)
        r.add_bar_columns(["X"], ts, px, px, px, px, fixed_point=False)
        with pytest.raises(BufferError):
            px.append(1.0)  # exported to C until the replay is closed
        px[10] = 101.0  # seen by the run: the same memory
        px[11] = 99.0
        r.run()
        r.close()
        px.append(1.0)  # released


def test_misaligned_columns_reach_c_aligned():
    # A buffer at an odd address (numpy makes one from a byte offset, and unpickling
    # out-of-band data - Dask scattering columns to a worker - can too) must not reach C as
    # is: reading a uint32_t or a double there is undefined behaviour (UBSan halts on it).
    from paperlib import _buffers
    from paperlib._paperlib import ffi

    if numpy is None:
        pytest.skip("numpy is not installed")
    n = 40
    raw = bytearray(8 * n + 1)
    ts = numpy.frombuffer(raw, dtype=numpy.int64, count=n, offset=1)
    ts[:] = [T0 + i * HOUR for i in range(n)]
    raw_px = bytearray(8 * n + 3)
    px = numpy.frombuffer(raw_px, dtype=numpy.float64, count=n, offset=3)
    px[:] = numpy.linspace(100.0, 110.0, n)
    raw_sym = bytearray(4 * n + 1)
    sym = numpy.frombuffer(raw_sym, dtype=numpy.uint32, count=n, offset=1)
    sym[:] = [i % 2 for i in range(n)]
    assert not (ts.flags.aligned or px.flags.aligned or sym.flags.aligned)
    for arr, kind, size in ((ts, "int64_t", 8), (px, "double", 8), (sym, "uint32_t", 4)):
        b = _buffers.Borrowed(arr, kind, "x")
        with b as (ptr, count):
            assert int(ffi.cast("uintptr_t", ptr)) % size == 0 and count == n
    # The same replay as from aligned copies of the columns.
    order = numpy.argsort(ts, kind="stable")
    cols = dict(symbols=["A", "B"], ts=ts, open=px, high=px, low=px, close=px, symbol=sym)
    aligned = {k: (numpy.array(v) if hasattr(v, "dtype") else v) for k, v in cols.items()}
    assert (order == numpy.arange(n)).all()
    sums = []
    for c in (cols, aligned):
        with paperlib.Broker() as b, Replay(b) as r:
            r.add_bar_columns(**c)
            r.add_signals([Signal("A", "long", ts=T0 + 3 * HOUR + 1, confidence=0.9)])
            r.run()
            sums.append(r.summary())
    assert sums[0] == sums[1]


def test_fixed_point_columns_and_errors():
    ts = array.array("q", [T0, T0 + HOUR])
    e8 = array.array("q", [100 * 10**8, 101 * 10**8])
    with paperlib.Broker() as b:
        r = Replay(b)
        r.add_bar_columns("X", ts, e8, e8, e8, e8, e8, fixed_point=True)
        with pytest.raises(paperlib.InvalidArgument) as info:
            r.add_bar_columns("X", ts, e8, e8, e8, e8, fixed_point=True)
        assert info.value.code is paperlib.ErrorCode.EFORMAT  # X already added
        with pytest.raises(paperlib.InvalidArgument, match="rows"):
            r.add_bar_columns("Y", ts, [1.0], [1.0], [1.0], [1.0])
        with pytest.raises(TypeError):
            r.add_bar_columns("Y", ts, e8, e8, e8, e8)  # int64 prices without fixed_point
        with pytest.raises(paperlib.InvalidArgument):
            r.add_bar_columns([], ts, [1.0], [1.0], [1.0], [1.0])
        r.run()
        assert r.stats().bars == 2
    with paperlib.Broker() as b:
        r = Replay(b)
        r.add_bar_columns(["Y", "Z"], ts, [1.0, 1.0], [1.0, 1.0], [1.0, 1.0], [1.0, 1.0],
                          symbol=[0, 7])
        # Rows are read during the run: a bad index fails it, naming the row and field.
        with pytest.raises(paperlib.InvalidArgument, match="symbol") as info:
            r.run()
        assert info.value.code is paperlib.ErrorCode.EFORMAT
    with pytest.raises(TypeError):
        Replay(object())
    with pytest.raises(TypeError):
        Replay(paperlib.Broker(), daily=1)


def test_bad_files(tmp_path):
    bad = tmp_path / "BAD.csv"
    bad.write_text("timestamp,open,high,low,close,volume\n2024-01-02T14:30:00Z,1,0.5,2,1,1\n")
    with paperlib.Broker() as b:
        r = Replay(b)
        r.add_bars(bad)
        with pytest.raises(paperlib.InvalidArgument) as info:
            r.run()
        assert info.value.code is paperlib.ErrorCode.EFORMAT and "BAD.csv" in str(info.value)
    with paperlib.Broker() as b:
        r = Replay(b)
        with pytest.raises(paperlib.LedgerError):
            r.add_bars(tmp_path / "missing.csv")
        with pytest.raises(TypeError):
            r.add_bars(42)


def test_closing_the_broker_closes_the_replay():
    b = paperlib.Broker()
    r = Replay(b)
    s = r.session
    b.close()
    assert r.closed and s.closed
    with pytest.raises(paperlib.StateError):
        r.add_bars("x")
