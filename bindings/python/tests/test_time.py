"""Timestamps: ints and aware datetimes in, ints and datetimes out, exactly."""

from datetime import date, datetime, timedelta, timezone

import pytest

import paperlib
from paperlib import from_ts, to_ts

from conftest import T0


def test_int_passes_through():
    assert to_ts(T0) == T0
    assert to_ts(0) == 0
    assert to_ts(-1) == -1


def test_aware_datetime_is_exact():
    dt = datetime(2024, 1, 2, 14, 30, 0, 123456, tzinfo=timezone.utc)
    ts = to_ts(dt)
    assert ts == 1704205800_123456
    assert from_ts(ts) == dt
    assert from_ts(ts).tzinfo is timezone.utc


def test_other_zones_convert_to_utc():
    ny = timezone(timedelta(hours=-5))
    assert to_ts(datetime(2024, 1, 2, 9, 30, tzinfo=ny)) == 1704205800_000000


def test_before_the_epoch():
    dt = datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc)
    assert to_ts(dt) == -1
    assert from_ts(-1) == dt


def test_naive_is_refused():
    with pytest.raises(paperlib.InvalidArgument, match="naive datetime"):
        to_ts(datetime(2024, 1, 2, 14, 30))


def test_wrong_types():
    for bad in (True, 1.5, "2024-01-02", date(2024, 1, 2), None):
        with pytest.raises(TypeError):
            to_ts(bad)


def test_range():
    assert to_ts(2**63 - 1) == 2**63 - 1
    with pytest.raises(paperlib.InvalidArgument):
        to_ts(2**63)
    with pytest.raises(paperlib.InvalidArgument):
        to_ts(-(2**63) - 1)


def test_index_types():
    class Idx:
        def __index__(self):
            return 42

    assert to_ts(Idx()) == 42


def test_broker_takes_datetimes_and_reports_both(free_broker):
    t = datetime(2024, 1, 2, 14, 30, tzinfo=timezone.utc)
    free_broker.on_bar("AAPL", t, 100.0, 101.0, 99.0, 100.5, 1000.0)
    acct = free_broker.account()
    assert acct.ts == to_ts(t)
    assert acct.time == t
    with pytest.raises(paperlib.InvalidArgument, match="naive"):
        free_broker.on_bar("AAPL", datetime(2024, 1, 2, 15, 30), 100.0, 101.0, 99.0, 100.5)
