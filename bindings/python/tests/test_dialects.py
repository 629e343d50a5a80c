"""Bars files other tools write, through Replay.add_bars(columns=, time_unit=, tz=, adjusted=)
and Replay.sources(): the same options and reports as ``paper replay`` (docs/formats.md)."""

import pytest

import paperlib
from paperlib import InvalidArgument, Replay

from conftest import SRCDIR

DIALECTS = SRCDIR / "examples" / "data" / "dialects"


def read(path, **options):
    with paperlib.Broker() as b, Replay(b) as r:
        r.add_bars(path, **options)
        r.run()
        return r.stats(), r.sources()


def test_yahoo_reported_and_adjusted():
    st, (src,) = read(DIALECTS / "yahoo-AAPL.csv")
    assert (st.bars, src.dialect, src.rows, src.rows_empty) == (249, "yahoo", 250, 1)
    assert src.report == ("Yahoo Finance daily: dates at 00:00 UTC; Adj Close ignored "
                          "(--adjusted uses it); 1 row without prices (null or empty) skipped")
    st, (src,) = read(DIALECTS / "yahoo-AAPL.csv", adjusted=True, tz="America/New_York")
    assert "adjusted: open, high, low, close scaled by Adj Close / Close" in src.report
    assert st.first_ts == (1672704000 + 5 * 3600) * 1_000_000


def test_options_as_paper_replay_takes_them(tmp_path):
    f = tmp_path / "X.csv"
    f.write_text("when,price,note\n2024-01-02,10.5,a\n2024-01-03,11,b\n")
    with pytest.raises(InvalidArgument, match="unknown column 'when'"):
        read(f)
    for columns in ({"ts": "when", "close": "price"}, "ts=when,close=price"):
        st, (src,) = read(f, columns=columns)
        assert (st.bars, src.dialect) == (2, "columns")
        assert "ignored: note" in src.report
    f.write_text("t,c\n170420580000,1\n")
    with pytest.raises(InvalidArgument, match="--time-unit"):
        read(f)
    st, _ = read(f, time_unit="ms")
    assert st.first_ts == 170420580000 * 1000
    with pytest.raises(InvalidArgument, match="time_unit"):
        read(f, time_unit="h")
    with pytest.raises(InvalidArgument, match="unknown time zone"):
        read(f, tz="Mars/Olympus")
    with pytest.raises(InvalidArgument, match="not ROLE=NAME"):
        read(f, columns={"price": "c"})
    with pytest.raises(TypeError):
        read(f, adjusted="yes")


def test_naive_times_need_a_zone():
    with pytest.raises(InvalidArgument, match="local time without a zone"):
        read(DIALECTS / "pandas-naive-ES.csv")
    st, (src,) = read(DIALECTS / "pandas-naive-ES.csv", tz="America/New_York")
    assert st.bars == 6 and src.report == "pandas DataFrame.to_csv: local times in America/New_York"


def test_columns_are_memory():
    with paperlib.Broker() as b, Replay(b) as r:
        r.add_bar_columns("X", [1_700_000_000_000_000], [1.0], [1.0], [1.0], [1.0])
        r.run()
        (src,) = r.sources()
        assert (src.dialect, src.rows) == ("memory", 1)
