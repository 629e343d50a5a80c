"""The quant statistics against independent references: numpy, pandas and scipy (Debian's
python3-numpy, python3-pandas, python3-scipy; skipped without them) computing the formulas
empyrical and quantstats use, written out here; and the tear sheet from returns."""

import math
import re

import pytest

import paperlib
from paperlib import InvalidArgument, metrics as M

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")
st = pytest.importorskip("scipy.stats")


def close(a, b, rel=1e-9):
    if math.isnan(b):
        return math.isnan(a)
    if math.isinf(b):
        return a == b
    return abs(a - b) <= rel * max(1.0, abs(b))


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(11)
    r = rng.normal(0.0006, 0.012, 1500)
    b = 0.7 * r + rng.normal(0.0001, 0.009, 1500)
    return r, b


def ref_beta(r, b):
    br = b - b.mean()
    return np.mean(br * r) / np.mean(br * br)


def test_against_the_references(data):
    r, b = data
    s = pd.Series(r)
    assert close(M.skew(r), s.skew())
    assert close(M.kurtosis(r), s.kurt(), 1e-8)
    assert close(M.tail_ratio(r), abs(np.percentile(r, 95)) / abs(np.percentile(r, 5)))
    for c in (0.01, 0.05, 0.1):
        assert close(M.value_at_risk(r, c), np.percentile(r, 100 * c))
        k = int((len(r) - 1) * c)
        assert close(M.conditional_value_at_risk(r, c), np.mean(np.partition(r, k)[: k + 1]))
    y = np.log1p(r).cumsum()
    assert close(M.stability_of_timeseries(r), st.linregress(np.arange(len(y)), y).rvalue ** 2)
    t = (1 + 0.08) ** (1 / 252) - 1
    x = r - 0.0001 - t
    assert close(M.omega_ratio(r, 0.0001, 0.08), x[x > 0].sum() / -x[x < 0].sum())
    be = ref_beta(r, b)
    a, bb = M.alpha_beta(r, b, 0.0001, 252)
    assert close(bb, be)
    assert close(a, (1 + np.mean((r - 0.0001) - be * (b - 0.0001))) ** 252 - 1)
    assert close(M.beta(r, b), be)
    assert close(M.alpha(r, b), (1 + np.mean(r - be * b)) ** 252 - 1)
    es = np.mean(r - b) / np.std(r - b, ddof=1)
    assert close(M.excess_sharpe(r, b), es) and close(M.information_ratio(r, b), es)


def test_pct_change_first_nan_is_dropped(data):
    r, b = data
    prices = pd.Series(np.cumprod(1 + r))
    rets = prices.pct_change()  # NaN first
    assert math.isnan(rets.iloc[0])
    assert close(M.sharpe_ratio(rets), M.sharpe_ratio(rets.iloc[1:].to_numpy()))
    assert close(M.skew(rets), rets.skew())  # pandas skips the NaN too
    bench = pd.Series(np.cumprod(1 + b)).pct_change()
    assert close(M.beta(rets, bench), ref_beta(rets.iloc[1:].to_numpy(), bench.iloc[1:].to_numpy()))
    with pytest.raises(InvalidArgument, match=r"returns\[3\]"):
        M.skew([0.01, 0.02, 0.01, float("nan"), 0.03])


def test_edge_cases():
    assert math.isnan(M.skew([])) and math.isnan(M.value_at_risk([]))
    assert math.isnan(M.skew([0.01, 0.02])) and math.isnan(M.kurtosis([0.01, 0.02, 0.03]))
    assert M.skew([0.01] * 6) == 0.0 and M.kurtosis([0.01] * 6) == 0.0
    assert math.isnan(M.omega_ratio([0.01, 0.02, 0.03]))  # no loss: NaN, as empyrical
    assert math.isnan(M.beta([0.01, 0.02, 0.03], [0.01, 0.01, 0.01]))
    assert M.tail_ratio([0, 0, 0, 0, 0.02]) == math.inf
    with pytest.raises(InvalidArgument):
        M.value_at_risk([0.01], 2)
    with pytest.raises(InvalidArgument, match="differ in length"):
        M.beta([0.01, 0.02], [0.01])


def test_calendar():
    days = pd.date_range("2024-01-01", periods=60, freq="D")
    bdays = pd.bdate_range("2024-01-01", periods=60)
    us = lambda idx: [int(t.value // 1000) for t in idx]
    assert M.periods_per_year_from_calendar(us(days)) == 365
    assert M.periods_per_year_from_calendar(us(bdays)) == 252


def test_report_keys_and_benchmark(data):
    r, b = data
    idx = pd.date_range("2020-01-01", periods=len(r) + 1, freq="D")
    eq = 100 * np.concatenate([[1.0], np.cumprod(1 + r)])
    m = M.Metrics.from_arrays(ts=[int(t.value // 1000) for t in idx], equity=eq)
    ret = np.array(m.returns())
    assert close(m["skew"], pd.Series(ret).skew())
    assert close(m["value_at_risk"], np.percentile(ret, 5))
    assert m.options.periods_per_year == 365  # every day: from the calendar
    dd = eq / np.maximum.accumulate(eq) - 1
    assert close(m["ulcer_index"], math.sqrt((dd[1:] ** 2).sum() / (len(r) - 1)))
    assert close(m["recovery_factor"], abs(ret.sum()) / abs(dd.min()))
    assert close(m["exposure"], np.count_nonzero(ret) / len(ret))
    bench = pd.Series(b, index=idx[1:] + pd.Timedelta(hours=16))  # same days, other time
    mb = m.with_benchmark(bench)
    be = ref_beta(ret, b)
    assert close(mb["beta"], be)
    assert close(mb["alpha"], (1 + np.mean(ret - be * b)) ** 365 - 1)
    assert math.isnan(m["beta"])
    assert "skew" not in M.STREAM_KEYS and "sharpe_ratio" in M.STREAM_KEYS
    acc = M.SeriesAccumulator()
    acc.add_returns(r)
    assert set(acc.to_dict()) == set(M.STREAM_KEYS)


def test_tearsheet_from_returns(tmp_path, data):
    r, b = data
    idx = pd.date_range("2021-01-04", periods=len(r), freq="B")  # weekdays: 252
    rets = pd.Series(np.concatenate([[np.nan], r[1:]]), index=idx)
    bench = pd.Series(np.concatenate([[np.nan], b[1:]]), index=idx)
    path = tmp_path / "sheet.html"
    html = paperlib.tearsheet(rets, benchmark=bench, title="Mine", path=path)
    assert path.read_text(encoding="utf-8") == html
    assert "<title>Mine</title>" in html and not re.search(r"https?://", html)
    assert 'data-periods-per-year="252"' in html
    figs = dict(re.findall(r'data-key="([a-z_]+)" data-value="([^"]+)"', html))
    x, y = r[1:], b[1:]
    assert close(float(figs["sharpe_ratio"]), M.sharpe_ratio(x, 252))
    assert close(float(figs["beta"]), ref_beta(x, y))
    months = re.findall(r'data-month="([0-9-]+)" data-return="([^"]+)"', html)
    want = (1 + pd.Series(x, index=idx[1:])).groupby([idx[1:].year, idx[1:].month]).prod() - 1
    assert len(months) == len(want)
    assert all(close(float(v), w) for (_, v), w in zip(months, want.to_numpy()))
    # Arrays with times, and a broker: the same page, no pandas needed.
    ts = [int(t.value // 1000) for t in idx[1:]]
    html2 = paperlib.tearsheet(list(x), ts=ts, periods_per_year=252)
    assert re.findall(r'data-month="[0-9-]+" data-return="[^"]+"', html2) == \
        re.findall(r'data-month="[0-9-]+" data-return="[^"]+"', html)
    with pytest.raises(TypeError, match="times"):
        paperlib.tearsheet(list(x))
    with paperlib.Broker() as broker:
        broker.on_bar("BTC", 1_700_000_000_000_000, 100, 101, 99, 100, 1e6)
        page = paperlib.tearsheet(broker)
        assert "Tear sheet" in page


def test_probabilistic_sharpe_ratio_and_min_track_record():
    r = [0.01, -0.005, 0.004, 0.006, -0.002, 0.003, 0.008, -0.004, 0.005, 0.002, -0.001,
         0.007, 0.003, -0.003]
    assert M.probabilistic_sharpe_ratio(r) == pytest.approx(0.9569247075970444, rel=1e-12)
    assert M.min_track_record_length(r) == pytest.approx(12.943499925468533, rel=1e-12)
    sr = 1.5 / 365 ** 0.5
    assert M.probabilistic_sharpe_ratio(r, sr) == pytest.approx(0.9259753521657438, rel=1e-12)
    assert M.min_track_record_length(r, sr, 0.95) == pytest.approx(17.810758389219195, rel=1e-12)
    assert M.min_track_record_length(r, 0.6) == math.inf
    assert math.isnan(M.probabilistic_sharpe_ratio([0.01]))
    with pytest.raises(paperlib.InvalidArgument):
        M.min_track_record_length(r, 0.0, 1.5)
