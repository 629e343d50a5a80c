"""Shared fixtures of the paperlib tests (run by `meson test --suite python`)."""

import os
import pathlib

import pytest

import paperlib

#: 2024-01-02T14:30:00Z, a Tuesday (the first bar of the sample data), in microseconds.
T0 = 1_704_205_800_000_000
HOUR = 3_600_000_000
DAY = 24 * HOUR

# Dask's 30 s connect timeouts are short for worker processes of a sanitizer build on a loaded
# 2-core CI machine; spawned workers (and paper sweep's Python) read these from the
# environment.
for _name in ("CONNECT", "TCP"):
    os.environ.setdefault(f"DASK_DISTRIBUTED__COMM__TIMEOUTS__{_name}", "180s")

SRCDIR = pathlib.Path(os.environ.get("PAPER_TEST_SRCDIR", pathlib.Path(__file__).resolve().parents[3]))
SANITIZED = os.environ.get("PAPERLIB_SANITIZED") == "1"


def pytest_report_header(config):
    return (
        f"paperlib {paperlib.__version__} from {os.path.dirname(paperlib.__file__)}"
        + (" (sanitizer build)" if SANITIZED else "")
    )


@pytest.fixture
def broker():
    """A broker with default settings and no slippage jitter surprises: defaults."""
    with paperlib.Broker() as b:
        yield b


@pytest.fixture
def free_broker():
    """A broker without commission and slippage, for exact arithmetic."""
    with paperlib.Broker(
        costs__commission_pct=0.0,
        costs__commission_min=0.0,
        costs__slippage_pct=0.0,
    ) as b:
        yield b


def bar(b, symbol, ts, o, h, low, c, v=1e6):
    """Feed one bar."""
    b.on_bar(symbol, ts, o, h, low, c, v)


@pytest.fixture(scope="session")
def dask_client():
    """A real local Dask cluster for the sweep tests: 2 worker processes, one thread each,
    shared by every test that asks for it (a test that kills a worker waits for its nanny to
    bring it back)."""
    import logging

    distributed = pytest.importorskip("distributed")
    pytest.importorskip("pandas")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=":0", silence_logs=logging.CRITICAL)
    client = distributed.Client(cluster, set_as_default=False)
    try:
        yield client
    finally:
        client.close()
        cluster.close()
