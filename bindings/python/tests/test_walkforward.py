"""Walk-forward optimisation: folds cut by hand-checkable rules, the in-sample choice and the
out-of-sample run each equal to replays run alone, the stitched equity, the PBO."""

import datetime as dt
import math

import pytest

pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")
np = pytest.importorskip("numpy")

import paperlib
from paperlib import InvalidArgument, SweepCancelled
from paperlib.overfitting import choose_splits, pbo
from paperlib.walkforward import Fold, make_folds, parse_duration

from conftest import SRCDIR
from sweepdata import alone, bits

DAY = 86_400_000_000
HOUR = 3_600_000_000
DATA = SRCDIR / "examples" / "data"
LOTS = {"BTC-USD": (0.0001, True)}
GRID = {"tp": [1.0, 2.0, 3.0], "sl": [0.5, 1.5]}
BASE = {"session.notional": 10000.0, "session.max_hold_minutes": 2880}


def us(text):
    return int(dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc).timestamp()) * 1_000_000


def test_durations():
    assert parse_duration("90D") == 90 * DAY
    assert parse_duration("12H") == 12 * HOUR
    assert parse_duration("30min") == 30 * 60_000_000
    assert parse_duration(dt.timedelta(days=2)) == 2 * DAY
    assert parse_duration(pd.Timedelta("1W")) == 7 * DAY
    assert parse_duration(5) == 5
    for bad in ("0D", "-3D", 0, "ninety days"):
        with pytest.raises(InvalidArgument):
            parse_duration(bad)
    with pytest.raises(TypeError):
        parse_duration(True)


def test_folds_by_hand():
    # Data from day 0.5 to day 9.2: the span is [day 0, day 10). Train 3 days, test 2.
    first, last = DAY // 2, 9 * DAY + DAY // 5
    assert make_folds(first, last, "3D", "2D") == [
        Fold(0, 0, 3 * DAY, 3 * DAY, 5 * DAY),
        Fold(1, 2 * DAY, 5 * DAY, 5 * DAY, 7 * DAY),
        Fold(2, 4 * DAY, 7 * DAY, 7 * DAY, 9 * DAY),
    ]  # a fourth would test [9, 11): past day 10
    daily = make_folds(first, last, "3D", "2D", step="1D")
    assert [(f.train_start // DAY, f.test_end // DAY) for f in daily] == [
        (k, k + 5) for k in range(6)]
    anchored = make_folds(first, last, "3D", "2D", anchored=True)
    assert [(f.train_start, f.train_end) for f in anchored] == [
        (0, 3 * DAY), (0, 5 * DAY), (0, 7 * DAY)]
    # An explicit span: from its start, up to its end exactly.
    assert make_folds(first, last, "3D", "2D", start=DAY, end=8 * DAY) == [
        Fold(0, DAY, 4 * DAY, 4 * DAY, 6 * DAY), Fold(1, 3 * DAY, 6 * DAY, 6 * DAY, 8 * DAY)]
    assert make_folds(first, last, "9D", "2D") == []


def test_sample_folds():
    # The sample bars: 2024-01-02 14:30 to 2024-04-30 23:00; 2024 is a leap year.
    folds = make_folds(us("2024-01-02T14:30:00"), us("2024-04-30T23:00:00"), "30D", "15D")
    assert [(f.test_start, f.test_end) for f in folds] == [
        (us("2024-02-01T00:00:00"), us("2024-02-16T00:00:00")),
        (us("2024-02-16T00:00:00"), us("2024-03-02T00:00:00")),
        (us("2024-03-02T00:00:00"), us("2024-03-17T00:00:00")),
        (us("2024-03-17T00:00:00"), us("2024-04-01T00:00:00")),
        (us("2024-04-01T00:00:00"), us("2024-04-16T00:00:00")),
        (us("2024-04-16T00:00:00"), us("2024-05-01T00:00:00")),
    ]


@pytest.fixture(scope="module")
def wf(dask_client):
    return paperlib.walk_forward_optimise(
        DATA / "bars", DATA / "signals.csv", GRID, train="30D", test="15D", config=BASE,
        lots={"BTC-USD": 0.0001}, client=dask_client)


def test_choice_and_out_of_sample_equal_replays_alone(wf):
    g = paperlib.grid.Grid.build(GRID, BASE)
    bars, sigs = DATA / "bars", DATA / "signals.csv"
    folds = wf.folds
    assert len(folds) == 6 and list(folds.columns[:6]) == [
        "fold", "train_start", "train_end", "test_start", "test_end", "set"]
    chosen_any = 0
    for f in folds.itertuples(index=False):
        t0, t1 = f.train_start.value // 1000, f.train_end.value // 1000
        ins = [alone(bars, sigs, g.settings(i), LOTS, t0, t1) for i in range(len(g))]
        sharpe = [m["sharpe_ratio"] for m in ins]
        real = [s for s in sharpe if not math.isnan(s)]
        want = sharpe.index(max(real)) if real else None
        # Every in-sample row is the set run alone on the training window.
        for i in range(len(g)):
            row = wf.in_sample.loc[(f.fold, i)]
            assert all(bits(row[k]) == bits(v) for k, v in ins[i].items())
        if want is None:
            assert pd.isna(f.set)
            continue
        chosen_any += 1
        assert f.set == want
        assert (getattr(f, "_6"), getattr(f, "_7")) == g.sets[want]  # the chosen values
        oos = alone(bars, sigs, g.settings(want), LOTS, f.test_start.value // 1000,
                    f.test_end.value // 1000)
        assert all(bits(wf.out_of_sample.loc[f.fold][k]) == bits(v) for k, v in oos.items())
        assert bits(f.in_sample) == bits(sharpe[want])
        assert bits(f.out_of_sample) == bits(oos["sharpe_ratio"])
        assert f.gap == f.in_sample - f.out_of_sample
    assert chosen_any >= 4


def fold_run(settings, start, end):
    with paperlib.Broker(settings) as b, paperlib.Replay(b, start=start, end=end) as r:
        r.session.set_symbol_lot("BTC-USD", 0.0001, True)
        r.add_bars(DATA / "bars")
        r.add_signals_file(DATA / "signals.csv")
        r.run()
        return [(p.ts, p.equity) for p in b.equity_curve()], b.trades()


def test_stitched_equity_and_trades(wf):
    g = paperlib.grid.Grid.build(GRID, BASE)
    cash = 100_000.0
    assert wf.starting_cash == cash
    capital = cash
    expected_eq, n_trades = [], 0
    for f in wf.folds.itertuples(index=False):
        if pd.isna(f.set):
            continue
        curve, trades = fold_run(g.settings(int(f.set)), f.test_start.value // 1000,
                                 f.test_end.value // 1000)
        # Each fold's account starts with `cash`; its curve is scaled to start where the
        # previous fold ended: compounding, as one account carried over would.
        expected_eq += [(t, e * (capital / cash), f.fold) for t, e in curve]
        capital = expected_eq[-1][1]
        n_trades += len(trades)
        got = wf.trades[wf.trades["fold"] == f.fold]
        assert list(got["id"]) == [t.id for t in trades]
        assert list(got["pnl_net"]) == [t.pnl_net for t in trades]
        assert all(f.test_start.value // 1000 <= t <= f.test_end.value // 1000
                   for t in got["exit_ts"])
    eq = wf.equity
    assert [(t.value // 1000, e, k) for t, e, k in eq.itertuples(index=False)] == expected_eq
    assert len(wf.trades) == n_trades > 0
    s = wf.summary()
    assert s["oos_total_return"] == expected_eq[-1][1] / cash - 1
    assert s["oos_trades"] == n_trades and s["folds"] == 6
    chosen = wf.folds[wf.folds["set"].notna()]
    assert s["in_sample_mean"] == chosen["in_sample"].mean()
    assert s["gap"] == s["in_sample_mean"] - s["out_of_sample_mean"]
    assert set(wf.trades["direction"]) <= {"long", "short"}


def test_pbo_over_the_whole_span(wf):
    r = wf.returns
    assert r.shape[1] == 6 and r.shape[0] > 100  # the days from 2024-01-02 to 2024-04-30
    again = pbo(r.to_numpy(), choose_splits(len(r)))
    assert wf.pbo == again and 0.0 <= wf.pbo.pbo <= 1.0
    assert wf.summary()["pbo"] == wf.pbo.pbo


def test_errors_and_cancel(dask_client):
    with pytest.raises(InvalidArgument, match="no fold fits"):
        paperlib.walk_forward_optimise(DATA / "bars", DATA / "signals.csv", GRID, train="200D",
                                       client=dask_client)
    with pytest.raises(paperlib.ConfigError):
        paperlib.walk_forward_optimise(DATA / "bars", DATA / "signals.csv", {"tp": [-1.0]},
                                       client=dask_client)

    class Stop:
        def is_set(self):
            return True

    with pytest.raises(SweepCancelled):
        paperlib.walk_forward_optimise(DATA / "bars", DATA / "signals.csv", GRID, train="30D",
                                       test="15D", client=dask_client, stop=Stop())
    assert paperlib.walk_forward_optimize is paperlib.walk_forward_optimise
