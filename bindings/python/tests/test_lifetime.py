"""Handles: every C object freed exactly once, nothing leaks over 100k create/free cycles.

libpaper has no allocation counters, so leaks are measured twice: tracemalloc (memory the
Python side keeps) and the process's resident set size (memory anything keeps, C included).
Each loop first warms up (allocator pools, caches), then runs 100,000 cycles; a leak of a
handful of bytes per cycle would show as hundreds of kilobytes.
"""

import gc
import os
import tracemalloc
import weakref

import pytest

import paperlib

from conftest import HOUR, SANITIZED, T0

CYCLES = 100_000
WARMUP = 5_000
# A leak of 8 bytes per cycle is 800 kB over the run; allocator noise stays well below.
RSS_SLACK = 512 * 1024
PY_SLACK = 64 * 1024


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def assert_flat(cycle, cycles=CYCLES, warmup=WARMUP):
    for _ in range(warmup):
        cycle()
    gc.collect()
    tracemalloc.start()
    try:
        py0 = tracemalloc.get_traced_memory()[0]
        rss0 = rss()
        for _ in range(cycles):
            cycle()
        gc.collect()
        py1 = tracemalloc.get_traced_memory()[0]
        rss1 = rss()
    finally:
        tracemalloc.stop()
    assert py1 - py0 < PY_SLACK, f"Python memory grew by {py1 - py0} bytes"
    # Under AddressSanitizer freed memory sits in its quarantine: RSS says nothing there.
    if not SANITIZED:
        assert rss1 - rss0 < RSS_SLACK, f"RSS grew by {rss1 - rss0} bytes"


SMALL = paperlib.Config(engine__order_history=16, engine__fill_history=16)


def test_config_cycles():
    def cycle():
        c = paperlib.Config()
        d = c.copy()
        d.close()

    assert_flat(cycle)


def test_broker_close_cycles():
    def cycle():
        b = paperlib.Broker(SMALL)
        b.close()

    assert_flat(cycle)


def test_broker_garbage_collected_cycles():
    def cycle():
        paperlib.Broker(SMALL)  # freed by ffi.gc when the last reference goes

    assert_flat(cycle)


def test_broker_with_callback_and_activity_cycles():
    def cycle():
        with paperlib.Broker(SMALL, on_event=lambda ev: None) as b:
            b.on_bar("AAPL", T0, 100.0, 101.0, 99.0, 100.0, 1e6)
            b.submit("AAPL", paperlib.Side.BUY, 1, client_id="c", strategy="s")
            b.on_bar("AAPL", T0 + HOUR, 100.0, 101.0, 99.0, 100.0, 1e6)
            b.positions()
            b.fills()

    assert_flat(cycle, 20_000)


def test_error_path_cycles():
    b = paperlib.Broker(SMALL)
    b.on_bar("AAPL", T0, 100.0, 101.0, 99.0, 100.0, 1e6)

    def cycle():
        try:
            b.submit("MSFT", paperlib.Side.BUY, 1)
        except paperlib.OrderRejected:
            pass
        try:
            b.cancel(12345)
        except paperlib.NotFound:
            pass

    assert_flat(cycle)


def test_metrics_cycles():
    def cycle():
        m = paperlib.Metrics.from_arrays(ts=[T0, T0 + 1], equity=[1.0, 2.0])
        m.get("total_return")
        m.close()
        paperlib.SeriesAccumulator().add_return(0.01)

    assert_flat(cycle)


def test_to_json_frees_its_string():
    m = paperlib.Metrics.from_arrays(ts=[T0, T0 + 1], equity=[1.0, 2.0])
    assert_flat(m.to_json, 20_000)


def test_close_then_collect_frees_once():
    # ffi.release runs the destructor now; the gc object then has nothing left to free. A
    # second free would be caught by the sanitizer run of this suite.
    for _ in range(1000):
        b = paperlib.Broker(SMALL)
        b.close()
        b.close()
        del b
        c = paperlib.Config()
        c.close()
        del c
    gc.collect()


def test_cycle_through_the_callback_is_collected():
    b = paperlib.Broker(SMALL)
    holder = [b]
    b.on_event = lambda ev, h=holder: h[0].account()  # broker -> callback -> broker
    ref = weakref.ref(b)
    del b, holder
    gc.collect()
    assert ref() is None


def test_buffers_stay_alive_while_borrowed():
    import array

    from paperlib import _buffers

    a = array.array("d", [1.0, 2.0])
    borrowed = _buffers.doubles(a)
    with pytest.raises(BufferError):
        a.append(3.0)  # exported to C: cannot move while the library may read it
    with borrowed as (ptr, n):
        assert ptr[1] == 2.0
    a.append(3.0)


def test_ledger_cycles(tmp_path):
    # A ledger is a file: 100k opens would measure the disk. 2,000 cycles of open, a broker
    # rebuilt from the log, close - the RSS bound is as tight as for the others.
    path = tmp_path / "p.db"
    with paperlib.Ledger(path) as led:
        led.create_account(engine__order_history=16, engine__fill_history=16)
        with led.open_broker("default") as b:
            b.on_bar("AAPL", T0, 100.0, 101.0, 99.0, 100.0, 1e6)
            b.submit("AAPL", paperlib.Side.BUY, 1)
            b.on_bar("AAPL", T0 + HOUR, 100.0, 101.0, 99.0, 100.0, 1e6)

    def cycle():
        with paperlib.Ledger(path) as led:
            led.open_broker("default").account()

    assert_flat(cycle, 2_000, warmup=500)
