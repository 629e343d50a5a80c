"""paperlib.sweep on a real Dask cluster: every row equals its parameter set run alone, bit for
bit, whatever the workers, the chunks, the order they finish in, or a worker killed mid-sweep;
bad values are refused before anything is scheduled; a cancelled sweep keeps its rows."""

import csv
import os
import signal
import threading
import time

import pytest

pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")
np = pytest.importorskip("numpy")

import paperlib
from paperlib import ConfigError, InvalidArgument, SweepCancelled
from paperlib.sweep_task import BarsInput, SignalsInput, run_one

import sweepdata
from sweepdata import alone, assert_rows_equal, bits

GRID = {"session.tp_pct": [0.5, 1.0, 2.0], "session__sl_pct": [0.5, 1.0], "hold": [30, 240]}
BASE = {"session.notional": 5000.0, "limits.min_confidence": 0.5}


@pytest.fixture(scope="module")
def small():
    cols = sweepdata.bars(20_000, n_symbols=4, seed=11)
    return cols, sweepdata.signals(cols, every=150)


def reference(bars_arg, sigs, grid, base=BASE, **kw):
    g = paperlib.grid.Grid.build(grid, base)
    rows = {i: alone(bars_arg, sigs, g.settings(i), **kw) for i in range(len(g))}
    return g, rows


def scheduler_transitions(client):
    """The scheduler's transition count once it is still: the tasks of a sweep that just
    returned are released and forgotten a moment later."""
    def count():
        return client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.transition_counter)

    last = count()
    for _ in range(100):
        time.sleep(0.05)
        now = count()
        if now == last:
            return now
        last = now
    return last


def test_rows_equal_each_set_alone_whatever_the_chunks(dask_client, small):
    cols, sigs = small
    g, expected = reference(cols, sigs, GRID)
    assert len(g) == 12
    frames = []
    for chunk in (1, 5, None):
        df = paperlib.sweep(cols, sigs, GRID, config=BASE, client=dask_client, chunk=chunk)
        assert_rows_equal(df, expected, g.params)
        frames.append(df)
    # The frames are identical, not just close: the same values, columns and order.
    for other in frames[1:]:
        pd.testing.assert_frame_equal(frames[0], other, check_exact=True)
    df = frames[0]
    assert list(df.index) == list(range(12))
    assert list(df.columns[:4]) == ["session.tp_pct", "session.sl_pct",
                                    "session.max_hold_minutes", "sharpe_ratio"]
    assert set(df.columns[3:]) == set(paperlib.metrics.KEYS)
    # The best set: the highest Sharpe ratio, the first of equal ones.
    sharpe = [expected[i]["sharpe_ratio"] for i in range(12)]
    best = sharpe.index(max(s for s in sharpe if not np.isnan(s)))
    assert df.attrs["best"] == best and df.attrs["objective"] == "sharpe_ratio"
    assert df["total_trades"].min() > 20  # the grid trades: the comparison means something


def test_results_do_not_depend_on_the_order_sets_finish(dask_client, small, tmp_path):
    # One set per task on 2 workers: they finish in an order of their own. The out file shows
    # it (rows appended as they finish); the table is in grid order regardless.
    cols, sigs = small
    grid = [{"session.tp_pct": 0.25 * (k + 1), "session.max_hold_minutes": 30 * (k % 4 + 1)}
            for k in range(12)]
    g, expected = reference(cols, sigs, grid, base=None)
    out = tmp_path / "order.csv"
    for attempt in range(5):
        finished = []

        def progress(done, total):
            if done == total:  # the file before its rewrite in grid order
                finished.extend(int(line.split(",")[0]) for line in out.read_text().splitlines()[1:])

        df = paperlib.sweep(cols, sigs, grid, client=dask_client, chunk=1, out=out,
                            objective="-max_drawdown", progress=progress)
        assert sorted(finished) == list(range(12))
        assert_rows_equal(df, expected, g.params)
        assert list(df.index) == list(range(12))
        if finished != sorted(finished):
            break
    assert finished != sorted(finished), "the sets always finished in grid order"
    assert df.attrs["higher_is_better"] is False
    dd = [expected[i]["max_drawdown"] for i in range(12)]
    assert df.attrs["best"] == dd.index(min(dd))


def test_local_cluster_by_default(small):
    # client=None: a LocalCluster of `workers` processes, started and closed by the sweep;
    # one worker or two, the same rows to the bit.
    cols, sigs = small
    grid = {"tp": [1.0, 3.0], "sl": [0.5, 1.0]}
    g, expected = reference(cols, sigs, grid)
    frames = [paperlib.sweep(cols, sigs, grid, config=BASE, workers=n, chunk=1) for n in (1, 2)]
    for df in frames:
        assert_rows_equal(df, expected, g.params)
    pd.testing.assert_frame_equal(frames[0], frames[1], check_exact=True)


TRIM_PROBE = """
import logging, os, sys
import distributed
from paperlib.cluster import connect

def trim():
    return os.environ.get("MALLOC_TRIM_THRESHOLD_")

with connect(workers=1) as c:
    ours = list(c.run(trim).values())
with distributed.LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=":0",
                              silence_logs=logging.ERROR) as cl, \\
        distributed.Client(cl, set_as_default=False) as c:
    dasks = list(c.run(trim).values())
print(repr((ours, dasks)))
"""


def test_local_cluster_workers_keep_freed_memory():
    # Dask's MALLOC_TRIM_THRESHOLD_=65536 makes each replay fault its bookkeeping in from
    # fresh pages (a third slower: docs/performance.md); the sweep's own cluster leaves it out.
    # A fresh interpreter: a default LocalCluster earlier in this process leaks the variable
    # into os.environ (Dask's nanny sets it there before spawning), and workers inherit it.
    import ast
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "MALLOC_TRIM_THRESHOLD_"}
    out = subprocess.run([sys.executable, "-c", TRIM_PROBE], env=env, capture_output=True,
                         text=True, timeout=120, check=True).stdout
    ours, dasks = ast.literal_eval(out.strip().splitlines()[-1])
    assert ours == [None]
    assert dasks == ["65536"], "Dask's default changed: check the note in paperlib.cluster"


def test_files_and_the_out_csv(dask_client, small, tmp_path):
    cols, sigs = small
    bars_dir, sig_path = sweepdata.write_csv(cols, sigs, str(tmp_path))
    out = tmp_path / "results.csv"
    lots = {"S0": 0.5}
    df = paperlib.sweep(bars_dir, sig_path, GRID, config=BASE, client=dask_client, chunk=2,
                        out=out, lots=lots)
    g, expected = reference(bars_dir, sig_path, GRID, lots={"S0": (0.5, True)})
    assert_rows_equal(df, expected, g.params)
    # The file: grid order at the end, every float reads back as the same double.
    with open(out, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["set", *df.columns]
    assert [int(r[0]) for r in rows[1:]] == list(range(len(g)))
    for r in rows[1:]:
        i = int(r[0])
        for name, text in zip(rows[0][4:], r[4:]):
            assert bits(float(text)) == bits(expected[i][name]), (i, name)
    back = pd.read_csv(out, index_col="set", float_precision="round_trip")
    pd.testing.assert_frame_equal(back, df, check_exact=True, check_dtype=False)


def test_dataframe_bars_equal_columns(dask_client, small):
    # DataFrames in the shapes and by the rules of paperlib.replay (paperlib.frames): one
    # frame with a symbol column, a {symbol: frame} mapping; naive times are UTC.
    cols, sigs = small
    frame = pd.DataFrame({
        "timestamp": pd.to_datetime(cols["ts"], unit="us", utc=True),
        "symbol": [cols["symbols"][i] for i in cols["symbol"]],
        **{k: cols[k] for k in ("open", "high", "low", "close", "volume")},
    })
    per_symbol = {s: f.drop(columns="symbol").set_index("timestamp")
                  for s, f in frame.groupby("symbol", sort=True)}
    sig_frame = pd.DataFrame({"timestamp": [pd.Timestamp(s.ts * 1000, tz="UTC") for s in sigs],
                              "symbol": [s.symbol for s in sigs],
                              "side": [s.direction for s in sigs],
                              "confidence": [s.confidence for s in sigs]})
    grid = {"tp": [1.0, 2.0]}
    a = paperlib.sweep(cols, sigs, grid, config=BASE, client=dask_client)
    b = paperlib.sweep(frame, sig_frame, grid, config=BASE, client=dask_client)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    c = paperlib.sweep(per_symbol, sigs, grid, config=BASE, client=dask_client)
    g, expected = reference(per_symbol, sigs, grid)
    assert_rows_equal(c, expected, g.params)
    naive = paperlib.sweep(frame.assign(timestamp=frame["timestamp"].dt.tz_localize(None)),
                           sig_frame.assign(timestamp=sig_frame["timestamp"].dt.tz_localize(None)),
                           grid, config=BASE, client=dask_client)
    pd.testing.assert_frame_equal(a, naive, check_exact=True)
    # A bad row is refused with paperlib.replay's message, before anything is scheduled.
    before = scheduler_transitions(dask_client)
    bad = per_symbol["S1"].copy()
    bad.iloc[7, bad.columns.get_loc("close")] = float("nan")
    with pytest.raises(InvalidArgument, match=r"DataFrame 'S1', row 7 .*field 'close'"):
        paperlib.sweep({**per_symbol, "S1": bad}, sigs, grid, client=dask_client)
    assert scheduler_transitions(dask_client) == before


def test_bad_values_are_refused_before_anything_is_scheduled(dask_client, small):
    cols, sigs = small
    before = scheduler_transitions(dask_client)
    with pytest.raises(ConfigError) as e:
        paperlib.sweep(cols, sigs, {"tp": [1.0, -2.0, 2000.0], "sl": [1.0, 150.0]},
                       client=dask_client)
    msg = str(e.value)
    assert "3 problems, nothing was run" in msg
    assert "session.tp_pct = '-2.0': must be in [0, 1000]" in msg
    assert "session.tp_pct = '2000.0'" in msg and "session.sl_pct = '150.0'" in msg
    assert {v.key for v in e.value.violations} == {"session.tp_pct", "session.sl_pct"}
    # A rule that spans keys: named with its parameter set.
    with pytest.raises(ConfigError, match=r"parameter set 1: session.lot_size=0.5, "
                                          r"session.fractional=False"):
        paperlib.sweep(cols, sigs, [{"session.lot_size": 1.0, "session.fractional": False},
                                    {"session.lot_size": 0.5, "session.fractional": False}],
                       client=dask_client)
    with pytest.raises(ConfigError, match="expected an int"):
        paperlib.sweep(cols, sigs, {"hold": [30, 45.5]}, client=dask_client)
    with pytest.raises(ConfigError, match="unknown parameter 'nope'"):
        paperlib.sweep(cols, sigs, {"nope": [1]}, client=dask_client)
    with pytest.raises(ConfigError, match="listed twice"):
        paperlib.sweep(cols, sigs, {"tp": [1.0, 1.0]}, client=dask_client)
    with pytest.raises(ConfigError, match="no values"):
        paperlib.sweep(cols, sigs, {"tp": []}, client=dask_client)
    with pytest.raises(InvalidArgument, match="not a metrics key"):
        paperlib.sweep(cols, sigs, {"tp": [1.0]}, objective="sharp", client=dask_client)
    with pytest.raises(InvalidArgument, match="lot size"):
        paperlib.sweep(cols, sigs, {"tp": [1.0]}, lots={"S0": -1}, client=dask_client)
    assert scheduler_transitions(dask_client) == before  # nothing reached the scheduler
    # And no cluster is even contacted: an address nothing listens on is never dialled.
    with pytest.raises(ConfigError):
        paperlib.sweep(cols, sigs, {"tp": [-1.0]}, client="tcp://127.0.0.1:9")


def test_a_replay_error_names_its_set_and_is_not_retried(dask_client, small, tmp_path):
    cols, sigs = small
    bars_dir, sig_path = sweepdata.write_csv(cols, sigs, str(tmp_path))
    with open(os.path.join(bars_dir, "S1.csv"), "a") as f:
        f.write("not,a,bar,row,at,all\n")
    before = scheduler_transitions(dask_client)
    with pytest.raises(InvalidArgument, match="S1.csv") as e:
        paperlib.sweep(bars_dir, sig_path, {"tp": [1.0]}, client=dask_client, retries=5)
    assert any("while running job 0" in n for n in e.value.__notes__)
    # One task, run once: released -> waiting -> processing -> memory (and forgotten).
    assert scheduler_transitions(dask_client) - before < 12


@pytest.fixture
def own_cluster():
    """A cluster of its own for a test that kills a worker: Debian's distributed 2022.12
    sometimes fails to restart a worker killed by SIGKILL (its nanny closes the new process,
    an AssertionError in the shuffle extension), which must not leak into other tests. The
    sweep itself never needs the restart: the surviving worker takes the lost task."""
    import logging

    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0", silence_logs=logging.CRITICAL) as cl:
        with distributed.Client(cl, set_as_default=False) as c:
            yield c


def kill_a_busy_worker(client, pids, killed):
    """A progress callback: at the first finished chunk, SIGKILL a worker that is running a
    task (both are, with tasks queued); `killed` records which and whether it was busy."""

    def progress(done, total):
        if done and not killed:
            busy = [w for w, keys in client.processing().items() if keys]
            victim = busy[0] if busy else next(iter(pids))
            killed.update(worker=victim, busy=bool(busy), left=total - done)
            os.kill(pids[victim], signal.SIGKILL)

    return progress


def test_a_worker_killed_mid_sweep_loses_nothing(own_cluster):
    # Tasks long enough (data, not sleeps) that both workers are busy when one is killed; the
    # inputs in memory, scattered to both: the survivor has its own copy.
    cols = sweepdata.bars(800_000, n_symbols=4, seed=5)
    sigs = sweepdata.signals(cols, every=2000)
    grid = {"tp": [0.5, 1.0, 1.5, 2.0], "sl": [0.5, 1.0, 2.0]}
    pids = own_cluster.run(os.getpid)
    killed = {}
    df = paperlib.sweep(cols, sigs, grid, client=own_cluster, chunk=1,
                        progress=kill_a_busy_worker(own_cluster, pids, killed))
    assert killed["busy"] and killed["left"] > 2, killed
    g, expected = reference(cols, sigs, grid, base=None)
    assert_rows_equal(df, expected, g.params)
    assert killed["worker"] not in own_cluster.scheduler_info()["workers"]


def test_a_worker_killed_mid_sweep_over_files(own_cluster, tmp_path):
    cols = sweepdata.bars(400_000, n_symbols=4, seed=6)
    sigs = sweepdata.signals(cols, every=1000)
    bars_dir, sig_path = sweepdata.write_csv(cols, sigs, str(tmp_path))
    pids = own_cluster.run(os.getpid)
    killed = {}
    grid = {"tp": [1.0, 2.0, 3.0], "sl": [0.5, 1.5]}
    df = paperlib.sweep(bars_dir, sig_path, grid, client=own_cluster, chunk=1,
                        progress=kill_a_busy_worker(own_cluster, pids, killed))
    assert killed["busy"] and killed["left"] > 2, killed
    g, expected = reference(bars_dir, sig_path, grid, base=None)
    assert_rows_equal(df, expected, g.params)


@pytest.mark.parametrize("inputs", ["files", "memory"])
def test_a_cluster_that_lost_every_worker_gives_up(small, tmp_path, inputs):
    # A local cluster whose workers are all gone (Debian's Dask sometimes fails to restart a
    # killed one) would leave a sweep over files waiting for ever: past the timeout it fails.
    # In-memory inputs die with the last worker holding them: the scheduler cancels the tasks
    # that need them, and the sweep says so.
    import logging

    from paperlib.cluster import NoWorkers, run_jobs

    distributed = pytest.importorskip("distributed")
    cols, sigs = small
    if inputs == "files":
        bars_dir, sig_path = sweepdata.write_csv(cols, sigs, str(tmp_path))
        bars, signals = BarsInput.of(bars_dir), SignalsInput.of(sig_path)
        why = "no worker for 2 s with [1-5] of 6"
    else:
        bars, signals = BarsInput.of(cols), SignalsInput.of(sigs)
        why = "in-memory inputs were lost"
    g = paperlib.grid.Grid.build({"tp": [0.5, 1.0, 1.5, 2.0, 2.5, 3.0]})
    jobs = [(i, g.settings(i), None, None, ()) for i in range(len(g))]
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=":0", silence_logs=logging.CRITICAL) as cl, \
            distributed.Client(cl, set_as_default=False) as c:
        pid = next(iter(c.run(os.getpid).values()))

        def progress(done, total):
            if done:
                for nanny in cl.workers.values():
                    nanny.close_gracefully()  # a nanny that will not restart its worker
                os.kill(pid, signal.SIGKILL)

        results = {}
        with pytest.raises(NoWorkers, match=why):
            run_jobs(c, bars, signals, {}, jobs, results, chunk=1, progress=progress,
                     no_workers_timeout=2.0)
        assert 1 <= len(results) < 6


@pytest.mark.parametrize("how", ["stop", "interrupt"])
def test_a_cancelled_sweep_keeps_its_finished_rows(dask_client, small, tmp_path, how):
    cols, sigs = small
    out = tmp_path / "partial.csv"
    stop = threading.Event()

    def progress(done, total):
        if done >= 2:
            if how == "stop":
                stop.set()
            else:
                raise KeyboardInterrupt()

    with pytest.raises(SweepCancelled) as e:
        paperlib.sweep(cols, sigs, GRID, config=BASE, client=dask_client, chunk=1, out=out,
                       progress=progress, stop=stop)
    c = e.value
    assert isinstance(c, KeyboardInterrupt) and not isinstance(c, Exception)
    assert 2 <= c.done < c.total == 12 and c.out == str(out)
    part = c.results
    assert len(part) == c.done and list(part.index) == sorted(part.index)
    g, expected = reference(cols, sigs, GRID)
    assert_rows_equal(part, {i: expected[i] for i in part.index}, g.params)
    # The file has exactly the finished rows, each whole, readable as they are.
    back = pd.read_csv(out, index_col="set", float_precision="round_trip").sort_index()
    pd.testing.assert_frame_equal(back, part.loc[back.index], check_exact=True, check_dtype=False)
    assert set(back.index) == set(part.index)
    # The cluster is free again: nothing of the cancelled sweep keeps running for long.
    deadline = time.monotonic() + 30
    while any(dask_client.processing().values()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(dask_client.processing().values())


def test_scattered_columns_are_aligned_once_per_worker(small):
    # Dask unpickles scattered columns out of band, over frames at any address: rebuilt
    # misaligned, every replay would copy them (twice the CPU time of a replay). The input
    # realigns them once when it is unpickled; the replay then borrows them as they are.
    import pickle

    from paperlib import _buffers
    from paperlib._paperlib import ffi

    cols, sigs = small
    b = BarsInput.of(cols)
    frames = []
    data = pickle.dumps(b, protocol=5, buffer_callback=frames.append)
    odd = []
    for f in frames:
        raw = f.raw()
        room = bytearray(raw.nbytes + 1)
        room[1:] = raw
        odd.append(memoryview(room)[1:])
    back = pickle.loads(data, buffers=odd)
    (got,) = back.column_sets
    for name in ("ts", "open", "high", "low", "close", "volume", "symbol"):
        assert got[name].flags.aligned, name
        assert (got[name] == cols[name]).all(), name
        with _buffers.Borrowed(got[name], "uint32_t" if name == "symbol" else
                               ("int64_t" if name == "ts" else "double"), name) as (ptr, _):
            assert int(ffi.cast("uintptr_t", ptr)) == got[name].ctypes.data, name  # no copy
    m_back = run_one(back, SignalsInput.of(sigs), {})["metrics"]
    m = run_one(b, SignalsInput.of(sigs), {})["metrics"]
    assert {k: bits(v) for k, v in m_back.items()} == {k: bits(v) for k, v in m.items()}
    assert m["total_trades"] > 0


def test_inputs_are_checked_where_they_run(tmp_path, small):
    # A worker whose copy of a file differs from the client's refuses it.
    cols, sigs = small
    bars_dir, sig_path = sweepdata.write_csv(cols, sigs, str(tmp_path))
    b = BarsInput.of(bars_dir)
    s = SignalsInput.of(sig_path)
    assert run_one(b, s, {})["metrics"]["total_trades"] > 0
    ((path, size, mtime),) = s.paths[0][1]
    seen_by_client = SignalsInput(paths=[(path, ((path, size + 1, mtime),))])
    with pytest.raises(InvalidArgument, match="differs on worker host"):
        run_one(b, seen_by_client, {})
    # A worker running another libpaper refuses to run at all.
    from paperlib.cluster import _versioned_chunk

    with pytest.raises(paperlib.StateError, match="every host of a sweep needs the same version"):
        _versioned_chunk("0.0.0", b, s, {}, [])


def test_signal_frames_carry_risk_and_ref_price():
    # The columns of a signals CSV, ref_price included (a decision's current_price: the entry
    # is sized at it); NaN is "not given".
    frame = pd.DataFrame({"timestamp": pd.to_datetime(["2024-01-02T14:30:00Z"] * 2, utc=True),
                          "symbol": ["X", "Y"], "side": ["LONG", "SHORT"],
                          "confidence": [0.9, 0.7], "risk": [0.5, np.nan],
                          "ref_price": [80.0, np.nan]})
    x, y = SignalsInput.of(frame).records
    assert (x.symbol, x.risk, x.ref_price) == ("X", 0.5, 80.0)
    assert (y.symbol, y.risk, y.ref_price) == ("Y", 0.0, None)
