"""Metrics: the empyrical-named functions, the report, the accumulator, the bulk paths."""

import array
import json
import math
import statistics
from datetime import datetime, timedelta, timezone

import pytest

import paperlib
from paperlib import InvalidArgument, Metrics, MetricsOptions, NotFound, SeriesAccumulator, metrics
from paperlib import _buffers
from paperlib._paperlib import ffi

from conftest import DAY, HOUR, T0, bar

try:
    import numpy
except ImportError:  # the package works without numpy; these paths are then not exercised
    numpy = None

needs_numpy = pytest.mark.skipif(numpy is None, reason="python3-numpy not installed")

R5 = [0.01, -0.02, 0.03, 0.015, -0.005]
REL = 1e-12


def close(a, b, rel=REL):
    return math.isclose(a, b, rel_tol=rel, abs_tol=0.0)


# ---- the pure functions ----


def test_values_of_the_c_suite():
    # The same inputs and expected values as tests/test-metrics.c.
    assert close(metrics.sharpe_ratio(R5), 4.9684720272649504)
    assert close(metrics.sharpe_ratio(R5, 252, 0.001), 4.1403933560541253)
    assert close(metrics.sharpe_ratio(R5, risk_free=0.001), 4.1403933560541253)
    assert close(metrics.annual_volatility(R5), 0.30431891166997821)
    assert close(metrics.sharpe_ratio(R5, metrics.PERIODS_PER_YEAR_CRYPTO_DAILY), 4.9684720272649504 * math.sqrt(365 / 252))
    assert close(metrics.downside_risk(R5), 0.14635573101180562)
    assert close(metrics.sortino_ratio(R5), 10.330992777303926)
    assert close(metrics.downside_risk(R5, required_return=0.01), 0.23811761799581315)
    assert close(metrics.sortino_ratio(R5, 252, 0.01), -4.2332020977033449)
    assert close(metrics.annual_return(R5, 12), 0.072548928194653723)
    assert close(metrics.cagr(R5, 12), 0.072548928194653723)
    assert close(metrics.annual_return(R5, 252), 3.3527064365220945)
    r = [0.1, -0.2, 0.05, 0.3, -0.5]
    assert close(metrics.max_drawdown(r), -0.5)
    assert close(metrics.max_drawdown(r[:2]), -0.2)
    assert close(metrics.calmar_ratio(r, 12), -1.4116513212012966)
    assert close(metrics.max_drawdown([-0.1]), -0.1)


def test_values_by_hand():
    mean, sd = statistics.fmean(R5), statistics.stdev(R5)
    assert close(metrics.sharpe_ratio(R5), mean / sd * math.sqrt(252), 1e-13)
    assert close(metrics.annual_volatility(R5, 12), sd * math.sqrt(12), 1e-13)
    dd = math.sqrt(sum(min(x, 0.0) ** 2 for x in R5) / len(R5)) * math.sqrt(252)
    assert close(metrics.downside_risk(R5), dd, 1e-13)
    assert close(metrics.sortino_ratio(R5), mean * 252 / dd, 1e-13)
    growth = math.prod(1 + x for x in R5)
    assert close(metrics.annual_return(R5, 252), growth ** (252 / 5) - 1, 1e-12)
    values, peak, worst = 1.0, 1.0, 0.0
    for x in [0.1, -0.2, 0.05, 0.3, -0.5]:
        values *= 1 + x
        peak = max(peak, values)
        worst = min(worst, (values - peak) / peak)
    assert close(metrics.max_drawdown([0.1, -0.2, 0.05, 0.3, -0.5]), worst, 1e-14)


def test_values_that_do_not_exist():
    assert math.isnan(metrics.sharpe_ratio([]))
    assert math.isnan(metrics.sharpe_ratio([0.01]))
    assert math.isnan(metrics.max_drawdown([]))
    assert metrics.sharpe_ratio([0.01, 0.01, 0.01]) == math.inf
    assert metrics.sortino_ratio([0.01, 0.02]) == math.inf
    assert metrics.max_drawdown([0.01, 0.02]) == 0.0
    # As empyrical: a series that never fell has no Calmar ratio.
    assert math.isnan(metrics.calmar_ratio([0.01, 0.02]))


def test_scalar_arguments_are_checked():
    with pytest.raises(InvalidArgument, match="periods_per_year"):
        metrics.sharpe_ratio(R5, 0)
    with pytest.raises(InvalidArgument):
        metrics.sharpe_ratio(R5, math.nan)
    with pytest.raises(InvalidArgument):
        metrics.sharpe_ratio(R5, 252, math.inf)
    with pytest.raises(TypeError):
        metrics.sharpe_ratio(R5, True)
    with pytest.raises(TypeError):
        metrics.sortino_ratio(R5, 252, "0")


def test_series_inputs_of_every_kind():
    expected = metrics.sharpe_ratio(R5)
    assert metrics.sharpe_ratio(tuple(R5)) == expected
    assert metrics.sharpe_ratio(array.array("d", R5)) == expected
    assert metrics.sharpe_ratio(memoryview(array.array("d", R5))) == expected
    with pytest.raises(TypeError, match="format 'B'"):
        metrics.sharpe_ratio(bytearray(array.array("d", R5).tobytes()))  # bytes, not doubles
    assert metrics.sharpe_ratio(memoryview(bytearray(array.array("d", R5).tobytes())).cast("d")) == expected
    assert metrics.sharpe_ratio(x for x in R5) == expected
    assert metrics.sharpe_ratio([1, 2, 3]) == metrics.sharpe_ratio([1.0, 2.0, 3.0])


def test_series_inputs_refused():
    with pytest.raises(TypeError, match="float64"):
        metrics.sharpe_ratio(array.array("f", R5))
    with pytest.raises(TypeError, match="float64"):
        metrics.sharpe_ratio(array.array("q", [1, 2]))
    with pytest.raises(TypeError, match="float64"):
        metrics.sharpe_ratio(b"12345678")
    with pytest.raises(TypeError, match="contiguous"):
        metrics.sharpe_ratio(memoryview(array.array("d", R5))[::2])
    with pytest.raises(TypeError, match="bool"):
        metrics.sharpe_ratio([0.1, True])
    with pytest.raises(TypeError):
        metrics.sharpe_ratio(["0.1", "0.2"])
    with pytest.raises(TypeError):
        metrics.sharpe_ratio("0.1")
    with pytest.raises(TypeError):
        metrics.sharpe_ratio(42)


def test_nan_in_a_buffer_is_refused_by_the_library_naming_the_index():
    with pytest.raises(InvalidArgument, match=r"\[2\]"):
        metrics.sharpe_ratio(array.array("d", [0.1, 0.2, math.nan, 0.3]))
    with pytest.raises(InvalidArgument, match=r"\[1\]"):
        metrics.max_drawdown([0.1, math.inf])


def test_buffers_are_borrowed_not_copied():
    a = array.array("d", R5)
    with _buffers.doubles(a) as (ptr, n):
        assert n == 5
        assert int(ffi.cast("uintptr_t", ptr)) == a.buffer_info()[0]
        a[0] = 0.5  # C sees the change: the same memory
        assert ptr[0] == 0.5
    a.append(1.0)  # released after the call: the array can be resized again
    t = array.array("q", [1, 2, 3])
    with _buffers.int64s(t) as (ptr, n):
        assert int(ffi.cast("uintptr_t", ptr)) == t.buffer_info()[0] and n == 3
    lst = [0.1, 0.2]
    with _buffers.doubles(lst) as (ptr, n):
        assert (ptr[0], ptr[1], n) == (0.1, 0.2, 2)  # a list is copied once


def test_borrowed_buffer_changes_the_result():
    a = array.array("d", R5)
    before = metrics.sharpe_ratio(a)
    a[1] = 0.02
    assert metrics.sharpe_ratio(a) != before
    assert metrics.sharpe_ratio(a) == metrics.sharpe_ratio(list(a))


@needs_numpy
def test_numpy_arrays():
    x = numpy.array(R5)
    assert metrics.sharpe_ratio(x) == metrics.sharpe_ratio(R5)
    with _buffers.doubles(x) as (ptr, n):
        assert int(ffi.cast("uintptr_t", ptr)) == x.ctypes.data and n == 5
    with pytest.raises(TypeError, match="float64"):
        metrics.sharpe_ratio(x.astype(numpy.float32))
    with pytest.raises(TypeError, match="contiguous"):
        metrics.sharpe_ratio(numpy.arange(10.0)[::2])
    with pytest.raises(TypeError, match="one-dimensional"):
        metrics.sharpe_ratio(numpy.ones((2, 2)))
    ts = numpy.array([T0, T0 + DAY], dtype=numpy.int64)
    with _buffers.int64s(ts) as (ptr, n):
        assert int(ffi.cast("uintptr_t", ptr)) == ts.ctypes.data and n == 2
    out = metrics.simple_returns(numpy.array([100.0, 110.0, 99.0]))
    assert isinstance(out, numpy.ndarray) and out.dtype == numpy.float64
    assert numpy.allclose(out, [0.1, -0.1], rtol=0, atol=1e-15)
    big = numpy.random.default_rng(1).normal(0.0005, 0.01, 100_000)
    assert close(metrics.annual_volatility(big), float(big.std(ddof=1)) * math.sqrt(252), 1e-10)


def test_simple_returns():
    out = metrics.simple_returns([100.0, 110.0, 99.0, 99.0])
    assert isinstance(out, array.array) and out.typecode == "d"
    assert list(out) == pytest.approx([0.1, -0.1, 0.0], abs=1e-15)
    assert list(metrics.simple_returns([5.0])) == []
    assert list(metrics.simple_returns([])) == []
    with pytest.raises(InvalidArgument, match=r"values\[1\]"):
        metrics.simple_returns([100.0, 0.0, 3.0])


# ---- the report ----

# The example of docs/metrics.md: two trades (+100, -50) and three daily equity points.
D0 = 1_699_920_000_000_000


def doc_trades():
    def trade(i, sym, pnl, reason, strategy):
        return paperlib.Trade(
            id=i, symbol=sym, direction=paperlib.Direction.LONG, entry_ts=D0, exit_ts=D0 + HOUR,
            qty=1.0, entry_price=100.0, exit_price=100.0 + pnl, pnl_gross=pnl + 1.0, fees=1.0,
            pnl_net=pnl, exit_reason=reason, strategy=strategy, signal_id="", confidence=None,
            pnl_gross_e8=round((pnl + 1.0) * 1e8), fees_e8=100_000_000,
        )

    return [
        trade(1, "AAPL", 100.0, paperlib.ExitReason.TAKE_PROFIT, ""),
        trade(2, "MSFT", -50.0, paperlib.ExitReason.STOP_LOSS, "trend"),
    ]


DOC_TS = [D0, D0 + DAY, D0 + 2 * DAY]
DOC_EQUITY = [100000.0, 100050.0, 99900.0]


def test_report_from_arrays_matches_the_documented_json():
    m = Metrics.from_arrays(doc_trades(), DOC_TS, DOC_EQUITY)
    doc = json.loads(m.to_json())
    assert doc["total_trades"] == 2 and doc["win_rate"] == 0.5 and doc["profit_factor"] == 2
    for key, value in [
        ("sharpe_ratio", -5.610381660933673),
        ("sortino_ratio", -7.481443944854867),
        ("annual_return", -0.11844073025568491),
        ("annual_volatility", 0.022441529798783538),
        ("max_drawdown", -0.0014992503748125937),
        ("calmar_ratio", -78.99996708054184),
    ]:
        assert close(m.get(key), value, 1e-12), key
        assert close(doc[key], value, 1e-12), key
    assert doc["max_drawdown_recovery_ts"] is None and math.isnan(m["max_drawdown_recovery_ts"])
    assert m["exit_reasons.take_profit"] == 1.0 and doc["exit_reasons"]["stop_loss"] == 1
    assert m.groups(paperlib.MetricsGroup.BY_SYMBOL) == ["AAPL", "MSFT"]
    assert m.groups("by_strategy") == ["", "trend"]
    assert m.group_get("by_symbol", "MSFT", "total_pnl") == -50.0
    assert m.by_strategy()["trend"]["losses"] == 1.0
    assert set(m.by_symbol()["AAPL"]) == set(metrics.TRADE_KEYS)
    curve = m.equity_curve()
    assert [p.ts for p in curve] == DOC_TS and [p.equity for p in curve] == DOC_EQUITY
    assert math.isnan(curve[0].cash) and close(curve[2].drawdown, -0.0014992503748125937)
    assert curve[0].time == datetime(2023, 11, 14, tzinfo=timezone.utc)
    assert list(m.returns()) == pytest.approx([100050 / 100000 - 1, 99900 / 100050 - 1], rel=1e-15)
    with_curve = json.loads(m.to_json(equity_curve=True))
    assert len(with_curve["equity_curve"]) == 3
    d = m.to_dict()
    assert list(d) == metrics.KEYS and d["total_trades"] == 2.0
    with pytest.raises(NotFound):
        m.get("no_such_statistic")
    with pytest.raises(NotFound):
        m.group_get("by_symbol", "TSLA", "total_pnl")
    with pytest.raises(TypeError):
        m.to_json(equity_curve=1)
    assert "sharpe_ratio" in repr(m)
    m.close()
    m.close()
    assert repr(m) == "<paperlib.Metrics closed>"
    with pytest.raises(paperlib.StateError):
        m.get("sharpe_ratio")


def test_report_inputs():
    dts = [datetime.fromtimestamp(t / 1e6, timezone.utc) for t in DOC_TS]
    a = Metrics.from_arrays(doc_trades(), dts, array.array("d", DOC_EQUITY), cash=[1.0, 2.0, 3.0])
    assert a.equity_curve()[2].cash == 3.0
    assert a.to_dict().keys() == Metrics.from_arrays(ts=array.array("q", DOC_TS), equity=DOC_EQUITY).to_dict().keys()
    with pytest.raises(InvalidArgument, match="differ in length"):
        Metrics.from_arrays(ts=DOC_TS, equity=DOC_EQUITY[:2])
    with pytest.raises(InvalidArgument, match="differ in length"):
        Metrics.from_arrays(ts=DOC_TS, equity=DOC_EQUITY, cash=[1.0])
    with pytest.raises(InvalidArgument) as info:
        Metrics.from_arrays(ts=list(reversed(DOC_TS)), equity=DOC_EQUITY)
    assert info.value.code is paperlib.ErrorCode.ETIME
    with pytest.raises(InvalidArgument):
        Metrics.from_arrays(ts=DOC_TS, equity=[1.0, -1.0, 2.0])
    with pytest.raises(TypeError):
        Metrics.from_arrays(trades=[{"pnl": 1}])
    with pytest.raises(TypeError):
        Metrics.from_arrays(ts=[1.5], equity=[1.0])
    with pytest.raises(TypeError):
        Metrics()
    empty = Metrics.from_arrays()
    assert empty["total_trades"] == 0.0 and math.isnan(empty["sharpe_ratio"])


def test_options():
    d = MetricsOptions.defaults()
    # periods_per_year 0: from the data (the account's setting, else the calendar).
    assert (d.periods_per_year, d.ddof, d.resample_period) == (0.0, 1, 86_400_000_000)
    assert d.years_basis is paperlib.YearsBasis.PERIODS and d.pnl_basis is paperlib.PnlBasis.NET
    opts = MetricsOptions(periods_per_year=365, resample_period=timedelta(0), ddof=0,
                          pnl_basis="gross", win_rate_basis=paperlib.WinRateBasis.DECIDED,
                          breakeven_band=0.5, years_basis="calendar", risk_free=0.0001,
                          required_return=0.0002)
    m = Metrics.from_arrays(doc_trades(), DOC_TS, DOC_EQUITY, options=opts)
    got = m.options
    assert (got.periods_per_year, got.resample_period, got.ddof, got.pnl_basis) == (365.0, 0, 0, paperlib.PnlBasis.GROSS)
    assert got.years_basis is paperlib.YearsBasis.CALENDAR and got.breakeven_band == 0.5
    assert m["total_pnl"] == 52.0  # gross P&L
    assert json.loads(m.to_json())["conventions"]["periods_per_year"] == 365
    with pytest.raises(InvalidArgument):
        MetricsOptions(periods_per_year=-1).to_c()
    with pytest.raises(TypeError):
        MetricsOptions(ddof=True).to_c()
    with pytest.raises(TypeError):
        MetricsOptions(resample_period=1.5).to_c()
    with pytest.raises(InvalidArgument):
        Metrics.from_arrays(options=MetricsOptions(ddof=7))
    with pytest.raises(TypeError):
        Metrics.from_arrays(options={"ddof": 0})


def test_report_from_broker_equals_report_from_its_arrays(free_broker):
    b = free_broker
    for day in range(5):
        t = T0 + day * DAY
        bar(b, "AAPL", t, 100.0 + day, 102.0 + day, 99.0 + day, 101.0 + day)
        b.submit("AAPL", paperlib.Side.BUY if day % 2 == 0 else paperlib.Side.SELL, 10, strategy="alt")
    bar(b, "AAPL", T0 + 5 * DAY, 106.0, 107.0, 105.0, 106.0)
    m = b.metrics()
    curve = b.equity_curve()
    acct = b.account()
    ts = [p.ts for p in curve] + [acct.ts]
    eq = [p.equity for p in curve] + [acct.equity]
    cash = [p.cash for p in curve] + [acct.cash]
    if ts[-2] == ts[-1]:
        del ts[-2], eq[-2], cash[-2]
    n = Metrics.from_arrays(b.trades(), ts, eq, cash)
    a, c = m.to_dict(), n.to_dict()
    assert a.keys() == c.keys()
    for k in a:
        assert (math.isnan(a[k]) and math.isnan(c[k])) or a[k] == c[k], k
    assert m["total_trades"] == 2.0
    assert m.groups("by_strategy") == ["alt"]


def test_report_from_a_broker_needs_a_broker():
    with pytest.raises(TypeError):
        Metrics.from_broker(object())


# ---- the accumulator ----


def test_accumulator_returns_equal_the_functions():
    acc = SeriesAccumulator()
    for r in R5[:2]:
        acc.add_return(r)
    acc.add_returns(array.array("d", R5[2:]))
    assert close(acc["sharpe_ratio"], metrics.sharpe_ratio(R5))
    assert close(acc.get("max_drawdown"), metrics.max_drawdown(R5))
    assert set(acc.to_dict()) == set(metrics.STREAM_KEYS)
    with pytest.raises(paperlib.StateError):
        acc.add_equity(T0, 1.0)
    with pytest.raises(NotFound):
        acc.get("win_rate")
    acc.reset()
    assert math.isnan(acc["sharpe_ratio"])
    with pytest.raises(InvalidArgument):
        acc.add_return(math.nan)
    with pytest.raises(InvalidArgument, match=r"\[1\]"):
        acc.add_returns([0.1, math.nan])
    assert acc["periods"] == 0.0  # nothing was added by the failed call
    acc.close()
    acc.close()
    with pytest.raises(paperlib.StateError):
        acc.add_return(0.1)


def test_accumulator_equity_equals_the_report():
    with SeriesAccumulator() as acc:
        acc.add_equity(DOC_TS[0], DOC_EQUITY[0])
        acc.add_equity_array(DOC_TS[1:], DOC_EQUITY[1:])
        m = Metrics.from_arrays(ts=DOC_TS, equity=DOC_EQUITY)
        for k in metrics.STREAM_KEYS:
            a, b = acc[k], m[k]
            assert (math.isnan(a) and math.isnan(b)) or close(a, b, 1e-12), k
        with pytest.raises(InvalidArgument, match="differ in length"):
            acc.add_equity_array([1], [])
        with pytest.raises(InvalidArgument) as info:
            acc.add_equity(DOC_TS[0], 1.0)
        assert info.value.code is paperlib.ErrorCode.ETIME
        with pytest.raises(paperlib.StateError):
            acc.add_return(0.1)
    opts = MetricsOptions(resample_period=0)
    acc = SeriesAccumulator(opts)
    acc.add_equity_array([T0, T0 + HOUR, T0 + 2 * HOUR], [100.0, 101.0, 102.0])
    assert acc["equity_points"] == 3.0


def test_key_lists():
    assert metrics.KEYS[: len(metrics.TRADE_KEYS)] == metrics.TRADE_KEYS
    assert set(metrics.KEYS) == set(metrics.TRADE_KEYS) | set(metrics.SERIES_KEYS)
    assert "sharpe_ratio" in metrics.SERIES_KEYS and "win_rate" in metrics.TRADE_KEYS
    assert metrics.PERIODS_PER_YEAR_DAILY == 252.0
    assert metrics.PERIODS_PER_YEAR_HOURLY == 252.0 * 6.5
