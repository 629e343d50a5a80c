"""pandas in and out: DataFrames of bars through the columnar replay API (equal to the CSV and
numpy replays, trade for trade), their rules (times, columns, dtypes, bad rows), and the
DataFrame outputs of brokers, replays, reports and ledgers. pandas stays optional."""

import os
import subprocess
import sys

import pytest

import paperlib
from paperlib import barcols, frames

from conftest import HOUR, SRCDIR, T0

pd = pytest.importorskip("pandas")
np = pytest.importorskip("numpy")

DATA = SRCDIR / "examples" / "data"
CONFIG = {"session.notional": 10000.0, "session.max_hold_minutes": 2880}


def sample_frames():
    """The bundled sample bars, read with pandas as a user would."""
    return {p.stem: pd.read_csv(p, index_col="timestamp", parse_dates=True)
            for p in sorted((DATA / "bars").glob("*.csv"))}


def replay_of(tmp_path, name, add):
    trades = tmp_path / f"{name}.csv"
    with paperlib.Broker(CONFIG) as b, paperlib.Replay(b, trades_path=trades) as r:
        r.session.set_symbol_lot("BTC-USD", 0.0001, fractional=True)
        add(r)
        r.add_signals_file(DATA / "signals.csv")
        r.run()
        return trades.read_text(), r.summary(), r.stats(), b.trades()


def test_frame_replay_equals_csv_and_numpy_replays(tmp_path):
    fr = sample_frames()
    assert str(fr["AAPL"]["volume"].dtype) == "int64"  # converted once; prices borrowed
    long = pd.concat([f.assign(symbol=s) for s, f in fr.items()]).sort_index(kind="stable")
    cols = {"symbols": list(fr), "ts": long.index.asi8 // 1000,
            "symbol": np.array([list(fr).index(s) for s in long["symbol"]], dtype=np.uint32)}
    cols.update({k: long[k].to_numpy(dtype=np.float64) for k in
                 ("open", "high", "low", "close", "volume")})
    runs = {
        "csv": replay_of(tmp_path, "csv", lambda r: r.add_bars(DATA / "bars")),
        "frames": replay_of(tmp_path, "frames", lambda r: r.add_frames(fr)),
        "long": replay_of(tmp_path, "long", lambda r: r.add_frames(long)),
        "numpy": replay_of(tmp_path, "numpy", lambda r: r.add_bar_columns(**cols)),
    }
    base = runs["csv"]
    assert len(base[3]) > 50
    for name, run in runs.items():
        assert run[0] == base[0], name  # the trades files, byte for byte
        assert run[3] == base[3], name  # every Trade record, exact fields included
        s, b = dict(run[1]), dict(base[1])
        # The inputs themselves differ: how many, and how each was read (files or memory).
        s["input"] = {k: v for k, v in s["input"].items() if k not in ("sources", "read")}
        b["input"] = {k: v for k, v in b["input"].items() if k not in ("sources", "read")}
        assert s == b, name
        assert {r["dialect"] for r in run[1]["input"]["read"]} == (
            {"libpaper"} if name == "csv" else {"memory"}), name
        assert (run[2].bars, run[2].symbols) == (4623, 4)


def test_replay_function_takes_frames_and_a_symbol():
    f = sample_frames()["AAPL"]
    r = paperlib.replay(f, symbol="AAPL")
    assert (r.stats().bars, r.stats().symbols) == (len(f), 1)
    with pytest.raises(TypeError, match="symbol"):
        paperlib.replay(f)  # no symbol column, no name
    with pytest.raises(TypeError):
        paperlib.replay(DATA / "bars", symbol="AAPL")


def frame(n=6, tz=None, start="2024-01-02 14:30"):
    idx = pd.date_range(start, periods=n, freq="h", tz=tz)
    base = 100.0 + np.arange(n)
    return pd.DataFrame({"open": base, "high": base + 1.5, "low": base - 1.0,
                         "close": base + 0.5, "volume": np.full(n, 1000.0)}, index=idx)


def source(df, **kw):
    (src,) = frames.bar_sources(df, "X", **kw)
    return src


def test_times_naive_is_utc_aware_converted_exactly():
    utc = source(frame()).ts
    assert utc[0] == T0 and (np.diff(utc) == HOUR).all()
    ny = frame(tz="America/New_York", start="2024-01-02 09:30")
    assert (source(ny).ts == utc).all()
    assert (source(frame(tz="UTC")).ts == utc).all()
    # microseconds are kept exactly, far from the epoch too
    f = frame(2)
    f.index = pd.DatetimeIndex(["2024-01-02 14:30:00.000001", "2262-04-11 23:47:16.854775"])
    assert list(source(f).ts) == [T0 + 1, 9223372036854775]


def test_sub_microsecond_times_and_nat_are_refused():
    f = frame()
    f.index = f.index + pd.Timedelta(1, "ns")
    with pytest.raises(paperlib.InvalidArgument, match=r"DataFrame 'X': row 0 .*floor\('us'\)"):
        source(f)
    g = frame()
    g.index = pd.DatetimeIndex([g.index[0], pd.NaT, *g.index[2:]])
    with pytest.raises(paperlib.InvalidArgument, match=r"row 1 \(NaT\): the time is missing"):
        source(g)


def test_a_time_column_instead_of_the_index():
    f = frame().reset_index(names="Date")
    assert (source(f).ts == source(frame()).ts).all()
    f["Date"] = f["Date"].astype(str)
    with pytest.raises(TypeError, match="parse_dates"):
        source(f)
    with pytest.raises(TypeError, match="DatetimeIndex"):
        source(frame().reset_index(drop=True))


def test_column_names_adjusted_close_and_explicit_columns():
    f = frame()
    yahoo = f.rename(columns=str.title).rename(columns={"Close": "Close"})
    yahoo["Adj Close"] = yahoo["Close"] / 2
    s = source(yahoo)
    assert (s.close == f["close"].to_numpy()).all()  # Adj Close ignored unless asked
    adj = source(yahoo, adjusted=True)
    assert (adj.close == f["close"].to_numpy() / 2).all()
    assert (adj.open == f["open"].to_numpy() / 2).all() and (adj.volume == s.volume).all()
    with pytest.raises(paperlib.InvalidArgument, match="Adj Close"):
        source(f, adjusted=True)
    odd = f.rename(columns={"close": "Last", "open": "OPEN", "volume": "Vol"})
    with pytest.raises(paperlib.InvalidArgument, match="no close column"):
        source(odd)
    s = source(odd, columns={"close": "Last", "volume": "Vol"})
    assert (s.close == f["close"].to_numpy()).all() and (s.volume == 1000.0).all()
    assert source(f.drop(columns="volume")).volume is None  # volume 0
    both = f.assign(Close=f["close"])
    with pytest.raises(paperlib.InvalidArgument, match="all read as 'close'"):
        source(both)
    with pytest.raises(TypeError, match="unknown role"):
        source(f, columns={"closing": "close"})


def test_dtypes_ints_float32_nullable_and_refused_kinds():
    f = frame()
    ref = replay_bars({"X": f})
    ints = f.astype({"open": "int64", "volume": "int32"})  # whole numbers: the same values
    assert replay_bars({"X": ints}) == ref
    assert replay_bars({"X": f.astype({"high": "float32", "volume": "Int64"})}) == ref
    nullable = f.astype({"close": "Float64"})
    nullable.loc[nullable.index[2], "close"] = pd.NA
    with pytest.raises(paperlib.InvalidArgument, match="row 2 .*'close'.*nan"):
        barcols.check(source(nullable), False)
    with pytest.raises(TypeError, match="object"):
        source(f.astype({"close": object}))
    with pytest.raises(TypeError, match="bool"):
        source(f.assign(volume=True))
    with pytest.raises(TypeError, match="str"):
        frames.bar_sources(f.assign(symbol=1))


def replay_bars(data, **options):
    with paperlib.Broker() as b, paperlib.Replay(b, **options) as r:
        r.add_frames(data)
        r.run()
        return b.account(), r.stats()


def test_contiguous_float64_columns_are_borrowed_others_copied():
    f = frame()
    s = source(f)
    assert np.shares_memory(s.close, f["close"].to_numpy())
    with paperlib.Broker() as b, paperlib.Replay(b) as r:
        r.add_frames({"X": f})
        owners = [k.owner for k in r._keep if isinstance(k, paperlib._buffers.Borrowed)]
        assert any(np.shares_memory(o, f["close"].to_numpy()) for o in owners)
    # a frame over a Fortran-order block: its columns are strided, copied once
    block = np.asfortranarray(f[["open", "high", "low", "close"]].to_numpy())
    g = pd.DataFrame(block, index=f.index, columns=["open", "high", "low", "close"])
    col = g["close"].to_numpy()
    s = source(g)
    assert s.close.flags.c_contiguous and (s.close == f["close"].to_numpy()).all()
    assert col.flags.c_contiguous or not np.shares_memory(s.close, col)
    assert replay_bars({"X": g})[1].bars == len(f)


def test_nan_rows_refused_naming_the_row_or_skipped():
    f = frame(8, tz="America/New_York", start="2024-01-02 09:30")
    f.iloc[3, f.columns.get_loc("close")] = np.nan
    f.iloc[5] = np.nan  # a Yahoo "null" row
    with pytest.raises(paperlib.InvalidArgument) as e:
        replay_bars({"AAPL": f})
    msg = str(e.value)
    assert "DataFrame 'AAPL', row 3 (2024-01-02 12:30:00-05:00): field 'close'" in msg
    assert "skip_bad_rows=True" in msg
    acct, st = replay_bars({"AAPL": f}, skip_bad_rows=True)
    assert (st.bars, st.rows_skipped) == (6, 2)
    clean_acct, clean = replay_bars({"AAPL": f.dropna()})
    assert clean.bars == 6 and clean_acct == acct


def test_unsorted_refused_even_when_skipping_duplicates_per_rule():
    f = frame()
    with pytest.raises(paperlib.InvalidArgument, match="row 2 .*not sorted: earlier than row 1"):
        replay_bars({"X": f.iloc[[0, 2, 1, 3]]}, skip_bad_rows=True)
    dup = f.iloc[[0, 1, 1, 2, 3]].copy()
    dup.iloc[2, dup.columns.get_loc("close")] += 0.25  # the second copy differs: first kept
    with pytest.raises(paperlib.InvalidArgument, match="row 2 .*duplicate timestamp"):
        replay_bars({"X": dup})
    acct, st = replay_bars({"X": dup}, skip_bad_rows=True)
    assert (st.bars, st.rows_skipped) == (4, 1)
    assert replay_bars({"X": f.iloc[:4]})[0] == acct
    # a long frame grouped by symbol is put in time order; each symbol's rows must be sorted
    long = pd.concat([f.assign(symbol="A"), f.assign(symbol="B")])
    assert replay_bars(long)[1].bars == 2 * len(f)
    bad = pd.concat([f.assign(symbol="A"), f.iloc[::-1].assign(symbol="B")])
    with pytest.raises(paperlib.InvalidArgument, match="symbol B: field 'timestamp': not sorted"):
        replay_bars(bad)
    with pytest.raises(paperlib.InvalidArgument, match="not sorted"):
        replay_bars(pd.concat([f.assign(symbol="A"), f.iloc[:2].assign(symbol="A")]))
    again = pd.concat([f.assign(symbol="A"), f.assign(symbol="B"), f.iloc[1:2].assign(symbol="A")])
    with pytest.raises(paperlib.InvalidArgument, match="row 4 .*symbol A: .*duplicate"):
        replay_bars(again.sort_index(kind="stable"))
    assert replay_bars(again.sort_index(kind="stable"), skip_bad_rows=True)[1].rows_skipped == 1


def test_price_rules_match_the_replay_rules():
    f = frame()
    f.iloc[1, f.columns.get_loc("high")] = 98.0  # below low
    with pytest.raises(paperlib.InvalidArgument, match="row 1 .*'high': high 98.0 is below low"):
        replay_bars({"X": f})
    g = frame()
    g.iloc[2, g.columns.get_loc("open")] = g["high"].iloc[2] + 1e-9  # equal at 1e-8: fine
    assert replay_bars({"X": g})[1].bars == len(g)
    g.iloc[3, g.columns.get_loc("low")] = 0.0
    g.iloc[4, g.columns.get_loc("volume")] = -1.0
    acct, st = replay_bars({"X": g}, skip_bad_rows=True)
    assert st.rows_skipped == 2


def test_empty_one_row_and_errors_leave_the_replay_usable():
    f = frame()
    assert replay_bars({"X": f.iloc[:0]})[1].bars == 0
    assert replay_bars({"X": f.iloc[:1]})[1].bars == 1
    with paperlib.Broker() as b, paperlib.Replay(b) as r:
        with pytest.raises(paperlib.InvalidArgument):
            r.add_frames({"X": f.iloc[[1, 0]]})
        r.add_frames({"X": f})  # nothing of the refused input was added
        r.run()
        assert r.stats().bars == len(f)
    with pytest.raises(TypeError):
        frames.bar_sources([f])
    with pytest.raises(TypeError):
        frames.bar_sources({1: f})


def many_symbol_frames(k=600, n=40, seed=3):
    """k symbols of hourly bars, some starting an hour or two later than others."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2024-01-02", periods=n, freq="h", tz="UTC")
    out = {}
    for s in range(k):
        m = n - s % 3
        close = np.round(50 + s % 97 + np.cumsum(rng.normal(0, 0.5, m)), 2)
        openp = np.concatenate(([close[0]], close[:-1]))
        out[f"S{s:04d}"] = pd.DataFrame({
            "open": openp, "high": np.maximum(openp, close) + 0.25,
            "low": np.minimum(openp, close) - 0.25, "close": close,
            "volume": rng.integers(1, 1000, m)}, index=idx[s % 3:])
    return out


def test_many_symbols_frames_csv_and_long_frame_agree(tmp_path):
    fr = many_symbol_frames()
    assert len(fr) >= 500
    d = tmp_path / "bars"
    d.mkdir()
    for s, f in fr.items():
        f.rename_axis("timestamp").to_csv(d / f"{s}.csv", date_format="%Y-%m-%dT%H:%M:%SZ",
                                          float_format="%.2f")
    sig = tmp_path / "signals.csv"
    rows = sorted(f"2024-01-02T{5 + k % 7:02d}:30:00Z,{s},{'LONG' if k % 2 else 'SHORT'},0.9"
                  for k, s in enumerate(fr) if k % 5 == 0)
    sig.write_text("\n".join(["timestamp,symbol,side,confidence", *rows]) + "\n")
    long = pd.concat([f.assign(symbol=s) for s, f in fr.items()])

    def run(add):
        with paperlib.Broker({"session.notional": 1000.0, "limits.max_open_positions": 10}) as b, \
                paperlib.Replay(b) as r:
            add(r)
            r.add_signals_file(sig)
            r.run()
            return b.trades(), r.stats()

    csv = run(lambda r: r.add_bars(d))
    fra = run(lambda r: r.add_frames(fr))
    lon = run(lambda r: r.add_frames(long))
    assert csv[1].symbols == 600 and csv[1].bars == sum(len(f) for f in fr.values())
    assert len(csv[0]) > 5
    assert fra[0] == csv[0] and lon[0] == csv[0]
    assert (fra[1].bars, lon[1].bars) == (csv[1].bars, csv[1].bars)


# ---- outputs ----

def busy_broker():
    b = paperlib.Broker(costs__commission_pct=0.1, costs__commission_min=1.0)
    t = T0
    for i in range(30):
        px = 100.0 + (i % 7)
        b.on_bar("AAPL", t + i * HOUR, px, px + 1, px - 1, px + 0.5, 1e6)
        b.on_bar("MSFT", t + i * HOUR, 2 * px, 2 * px + 1, 2 * px - 1, 2 * px, 1e6)
        if i % 4 == 0:
            b.submit("AAPL", "buy", 10, strategy="trend")
        elif i % 4 == 2:
            b.submit("AAPL", "sell", 10, exit_reason="take_profit")
    b.submit("MSFT", "buy", 5)
    b.on_bar("MSFT", t + 31 * HOUR, 210.0, 211.0, 209.0, 210.0, 1e6)
    b.submit("MSFT", "sell", 1, "limit", limit=500.0)
    return b


def test_broker_tables_as_dataframes():
    with busy_broker() as b:
        trades, tdf = b.trades(), b.trades_df()
        assert len(tdf) == len(trades) > 5 and list(tdf.index) == [t.id for t in trades]
        assert str(tdf["entry_time"].dtype) == "datetime64[ns, UTC]"
        assert tdf["exit_time"].iloc[0] == pd.Timestamp(trades[0].exit_ts * 1000, tz="UTC")
        assert tdf["pnl_net"].dtype == np.float64 and tdf["fees_e8"].dtype == np.int64
        assert list(tdf["pnl_net"]) == [t.pnl_net for t in trades]
        assert tdf["exit_reason"].dtype == "category"
        assert tdf["exit_reason"].iloc[0] == "take_profit" and tdf["direction"].iloc[0] == "long"
        assert "manual" in list(tdf["exit_reason"].cat.categories)
        assert tdf["strategy"].iloc[0] == "trend" and np.isnan(tdf["confidence"].iloc[0])
        fdf = b.fills_df()
        assert fdf.index.name == "seq" and len(fdf) == len(b.fills())
        assert list(fdf["side"].iloc[:2]) == ["buy", "sell"]
        assert str(fdf["time"].dtype) == "datetime64[ns, UTC]"
        odf = b.orders_df()
        assert len(odf) == 1 and odf["type"].iloc[0] == "limit" and odf["limit_price"].iloc[0] == 500.0
        pdf = b.positions_df()
        assert sorted(pdf.index) == ["AAPL", "MSFT"] and pdf.loc["MSFT", "qty"] == 5.0
        eq = b.equity_series()
        assert eq.dtype == np.float64 and str(eq.index.dtype) == "datetime64[ns, UTC]"
        assert list(eq) == [p.equity for p in b.equity_curve()] and eq.name == "equity"


def test_empty_tables_keep_columns_and_dtypes():
    with paperlib.Broker() as b, busy_broker() as full:
        for name in ("trades_df", "fills_df", "orders_df", "positions_df"):
            empty, ref = getattr(b, name)(), getattr(full, name)()
            assert len(empty) == 0 and list(empty.columns) == list(ref.columns), name
            assert dict(empty.dtypes) == dict(ref.dtypes), name
        assert len(b.equity_series()) == 0


def test_metrics_replay_and_ledger_tables(tmp_path):
    with busy_broker() as b:
        m = b.metrics()
        s = m.to_series()
        assert s.dtype == np.float64 and list(s.index) == paperlib.metrics.KEYS
        assert s["total_trades"] == m["total_trades"]
        e = m.equity_df()
        assert list(e.columns) == ["equity", "cash", "drawdown"] and len(e) == len(m.equity_curve())
        r = m.returns_series()
        assert list(r) == list(m.returns()) and len(r) == len(e) - 1
        assert (r.index == e.index[1:]).all()
        by = m.by_symbol_df()
        assert list(by.index) == ["AAPL"] and by.loc["AAPL", "total_trades"] > 0
        assert list(m.by_strategy_df().index) == ["trend"]  # the opening orders' tag
    run = paperlib.replay(DATA / "bars", DATA / "signals.csv", daily=True)
    days = run.days_df()
    assert len(days) == len(run.days()) and str(days.index.dtype) == "datetime64[ns, UTC]"
    assert days["trades"].sum() == run.session.stats().trades
    assert len(run.trades_df()) == len(run.broker.trades())
    with paperlib.Ledger(tmp_path / "l.db") as ledger:
        ledger.create_account(account__name="main")
        ledger.add_decision("main", "AAPL", "long", 0.8, take_profit=200.0)
        df = ledger.pending_decisions_df("main")
        assert len(df) == 1 and df["side"].iloc[0] == "buy" and df["status"].iloc[0] == "pending"
        assert df["take_profit"].iloc[0] == 200.0 and np.isnan(df["stop_loss"].iloc[0])
        assert str(df["created_time"].dtype) == "datetime64[ns, UTC]"


# ---- pandas (and numpy) stay optional ----

def run_python(code):
    env = dict(os.environ)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)


def test_import_does_not_import_pandas_or_numpy():
    p = run_python("import sys, paperlib; print(*(m in sys.modules for m in "
                   "('pandas', 'numpy', 'dask', 'distributed')))")
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["False", "False", "False", "False"]


def test_without_dask_everything_else_works_and_sweeps_say_what_is_missing():
    # Dask is optional: without python3-dask and python3-distributed paperlib imports, replays,
    # and a sweep fails with an ImportError naming the package - after checking its grid.
    code = f"""
import sys
sys.modules["dask"] = None
sys.modules["distributed"] = None
import paperlib
assert paperlib.replay({str(DATA / 'bars')!r}, {str(DATA / 'signals.csv')!r}).stats().bars == 4623
try:
    paperlib.sweep({str(DATA / 'bars')!r}, {str(DATA / 'signals.csv')!r}, {{"tp": [-1.0]}})
except paperlib.ConfigError:
    pass
else:
    raise SystemExit("a bad grid value was not refused first")
for call in (lambda: paperlib.sweep({str(DATA / 'bars')!r}, None, {{"tp": [1.0]}}),
             lambda: paperlib.walk_forward_optimise({str(DATA / 'bars')!r}, None, {{"tp": [1.0]}},
                                                    train="5D", test="2D")):
    try:
        call()
    except ImportError as e:
        assert "python3-distributed" in str(e), e
    else:
        raise SystemExit("no ImportError")
print("ok")
"""
    p = run_python(code)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "ok"


def test_without_pandas_everything_else_works_and_tables_say_what_is_missing():
    code = f"""
import sys
sys.modules["pandas"] = None   # as if python3-pandas were not installed
import paperlib
b = paperlib.Broker()
b.on_bar("AAPL", {T0}, 10.0, 11.0, 9.0, 10.5, 100.0)
assert b.trades() == []
for call in (b.trades_df, b.equity_series, b.metrics().to_series):
    try:
        call()
    except ImportError as e:
        assert "python3-pandas" in str(e), e
    else:
        raise SystemExit("no ImportError")
r = paperlib.replay({str(DATA / 'bars')!r}, {str(DATA / 'signals.csv')!r})
assert r.stats().bars == 4623
class S(paperlib.Strategy):
    def on_bar(self, bar):
        pass
res = paperlib.run(S, {str(DATA / 'bars')!r})
assert res.bars == 4623, res.bars
print("ok")
"""
    p = run_python(code)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "ok"
