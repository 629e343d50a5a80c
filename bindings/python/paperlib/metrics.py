"""Metrics: trade statistics and risk-adjusted returns, computed by libpaper.

Three layers, as in ``<paper/metrics.h>`` (docs/metrics.md defines every number):

* functions over a returns series, named and defined as empyrical's:
  :func:`sharpe_ratio`, :func:`sortino_ratio`, :func:`downside_risk`,
  :func:`annual_volatility`, :func:`annual_return` (= :func:`cagr`), :func:`max_drawdown`,
  :func:`calmar_ratio`, and :func:`simple_returns`;
* :class:`SeriesAccumulator`, a streaming accumulator fed returns or equity points;
* :class:`Metrics`, a report built from a broker or from arrays: trade statistics overall,
  per symbol and per strategy, series statistics over the equity curve, the curve, JSON.

Series arguments take any buffer-protocol float64 sequence without copying (a numpy array,
``array.array('d')``, a memoryview); a list is converted once. See :mod:`paperlib._buffers`.
Values that do not exist are NaN; a ratio over an exact zero is +-inf (docs/metrics.md).
"""

from __future__ import annotations

import array
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Dict, Iterable, List, Optional, Sequence, Union

from . import _buffers
from ._args import INT64_MAX, INT64_MIN, UINT32_MAX, integer, number
from ._paperlib import ffi, lib
from .enums import MetricsGroup, PnlBasis, WinRateBasis, YearsBasis
from .errors import ErrorCode, InvalidArgument, check
from .results import ReportPoint, Trade, report_point_from_c, trade_to_c

__all__ = [
    "sharpe_ratio",
    "sortino_ratio",
    "downside_risk",
    "annual_volatility",
    "annual_return",
    "cagr",
    "max_drawdown",
    "calmar_ratio",
    "simple_returns",
    "alpha_beta",
    "alpha",
    "beta",
    "excess_sharpe",
    "information_ratio",
    "omega_ratio",
    "tail_ratio",
    "value_at_risk",
    "conditional_value_at_risk",
    "stability_of_timeseries",
    "skew",
    "kurtosis",
    "periods_per_year_from_calendar",
    "MetricsOptions",
    "Metrics",
    "SeriesAccumulator",
    "KEYS",
    "TRADE_KEYS",
    "SERIES_KEYS",
    "STREAM_KEYS",
    "PERIODS_PER_YEAR_DAILY",
    "PERIODS_PER_YEAR_HOURLY",
    "PERIODS_PER_YEAR_CRYPTO_DAILY",
    "PERIODS_PER_YEAR_FROM_DATA",
]

#: Trading days per year (``PAPER_PERIODS_PER_YEAR_DAILY``).
PERIODS_PER_YEAR_DAILY: float = lib.PAPER_PERIODS_PER_YEAR_DAILY
#: Trading hours per year (``PAPER_PERIODS_PER_YEAR_HOURLY``).
PERIODS_PER_YEAR_HOURLY: float = lib.PAPER_PERIODS_PER_YEAR_HOURLY
#: Calendar days per year, for crypto (``PAPER_PERIODS_PER_YEAR_CRYPTO_DAILY``).
PERIODS_PER_YEAR_CRYPTO_DAILY: float = lib.PAPER_PERIODS_PER_YEAR_CRYPTO_DAILY
#: ``MetricsOptions(periods_per_year=...)``: from the data (the account's
#: ``metrics.periods_per_year``, else 365 when the data has Saturdays, else 252); the default.
PERIODS_PER_YEAR_FROM_DATA: float = lib.PAPER_PERIODS_PER_YEAR_FROM_DATA

#: Every statistic's name, trade keys first (``paper_metrics_key_name``).
KEYS: List[str] = [
    ffi.string(lib.paper_metrics_key_name(i)).decode() for i in range(lib.paper_metrics_key_count())
]
#: The trade statistics (available per group).
TRADE_KEYS: List[str] = [k for k in KEYS if lib.paper_metrics_key_is_trade(k.encode())]
#: The series statistics of a report.
SERIES_KEYS: List[str] = [k for k in KEYS if not lib.paper_metrics_key_is_trade(k.encode())]


def _streamed(key: str) -> bool:
    acc = ffi.new("paper_series_acc **")
    check(lib.paper_series_acc_new(acc, ffi.NULL))
    try:
        return lib.paper_series_acc_get(acc[0], key.encode(), ffi.new("double *")) == 0
    finally:
        lib.paper_series_acc_free(acc[0])


#: The series statistics a :class:`SeriesAccumulator` has: all but those that need every
#: return at once (skew, value_at_risk, alpha, ...: a report's, or their functions').
STREAM_KEYS: List[str] = [k for k in SERIES_KEYS if _streamed(k)]

_Series = Union[Sequence[float], Any]


def _scalar(value: Any, what: str) -> float:
    return number(value, what, ErrorCode.EINVAL)


def _ppy(value: Any) -> float:
    v = _scalar(value, "periods_per_year")
    if v <= 0:
        raise InvalidArgument(f"periods_per_year must be > 0 (got {v!r})", ErrorCode.EINVAL)
    return v


def _call(fn: Any, returns: _Series, *args: float) -> float:
    out = ffi.new("double *")
    with _buffers.doubles(returns, "returns") as (ptr, n):
        check(fn(out, ptr, n, *args))
    return out[0]


def sharpe_ratio(
    returns: _Series, periods_per_year: float = PERIODS_PER_YEAR_DAILY, risk_free: float = 0.0
) -> float:
    """Annualized Sharpe ratio: mean(r - risk_free) / std(r, ddof=1) * sqrt(periods_per_year).

    NaN for fewer than 2 returns; zero variance gives +-inf by the sign of the mean excess
    return (NaN when it is 0). ``risk_free`` is per period.
    """
    return _call(lib.paper_sharpe_ratio, returns, _scalar(risk_free, "risk_free"), _ppy(periods_per_year))


def sortino_ratio(
    returns: _Series,
    periods_per_year: float = PERIODS_PER_YEAR_DAILY,
    required_return: float = 0.0,
) -> float:
    """Annualized Sortino ratio: mean(r - required_return) * periods_per_year / downside risk.

    NaN for fewer than 2 returns; no period below the target gives +inf (NaN when the mean
    excess is 0).
    """
    return _call(
        lib.paper_sortino_ratio,
        returns,
        _scalar(required_return, "required_return"),
        _ppy(periods_per_year),
    )


def downside_risk(
    returns: _Series,
    periods_per_year: float = PERIODS_PER_YEAR_DAILY,
    required_return: float = 0.0,
) -> float:
    """Annualized downside deviation below ``required_return``, over all periods (those above
    the target count as 0). NaN for no returns."""
    return _call(
        lib.paper_downside_risk,
        returns,
        _scalar(required_return, "required_return"),
        _ppy(periods_per_year),
    )


def annual_volatility(returns: _Series, periods_per_year: float = PERIODS_PER_YEAR_DAILY) -> float:
    """Annualized volatility: std(r, ddof=1) * sqrt(periods_per_year). NaN for n < 2."""
    return _call(lib.paper_annual_volatility, returns, _ppy(periods_per_year))


def annual_return(returns: _Series, periods_per_year: float = PERIODS_PER_YEAR_DAILY) -> float:
    """Compound annual growth rate: prod(1 + r) ** (periods_per_year / n) - 1. NaN for no
    returns or a negative compounded value; -1 when it is exactly 0."""
    return _call(lib.paper_annual_return, returns, _ppy(periods_per_year))


def cagr(returns: _Series, periods_per_year: float = PERIODS_PER_YEAR_DAILY) -> float:
    """Alias of :func:`annual_return`."""
    return _call(lib.paper_cagr, returns, _ppy(periods_per_year))


def max_drawdown(returns: _Series) -> float:
    """Maximum drawdown of the compounded series 1, 1(1 + r0), ...: a negative fraction
    (-0.25 is a 25% fall), 0 if it never falls, NaN for no returns."""
    return _call(lib.paper_max_drawdown, returns)


def calmar_ratio(returns: _Series, periods_per_year: float = PERIODS_PER_YEAR_DAILY) -> float:
    """Calmar ratio: annual return / |max drawdown|. NaN for no returns, for a series with no
    drawdown and for an infinite quotient, as empyrical."""
    return _call(lib.paper_calmar_ratio, returns, _ppy(periods_per_year))


def simple_returns(values: _Series) -> Any:
    """Simple returns of a value series: ``out[i] = values[i + 1] / values[i] - 1``.

    Returns a numpy array when ``values`` is one, else an ``array.array('d')``; n - 1 items
    (none for fewer than 2 values). Every value must be finite and > 0.
    """
    with _buffers.doubles(values, "values") as (ptr, n):
        m = max(n - 1, 0)
        np = _numpy_of(values)
        result: Any = np.empty(m, dtype=np.float64) if np is not None else array.array("d", bytes(8 * m))
        with ffi.from_buffer("double[]", result, require_writable=True) as out:
            check(lib.paper_simple_returns(out, ptr, n))
    return result


# ---- empyrical / quantstats statistics (libpaper 1.1). Leading NaNs are dropped, as
# empyrical does with pct_change()'s first value; a later NaN raises InvalidArgument. ----


def _call2(fn: Any, returns: _Series, benchmark: _Series, *args: float) -> float:
    out = ffi.new("double *")
    with _buffers.doubles(returns, "returns") as (rp, n), _buffers.doubles(benchmark, "benchmark") as (bp, m):
        if n != m:
            raise InvalidArgument(f"returns and benchmark differ in length ({n} and {m})", ErrorCode.EINVAL)
        check(fn(out, rp, bp, n, *args))
    return out[0]


def alpha_beta(
    returns: _Series,
    benchmark: _Series,
    risk_free: float = 0.0,
    periods_per_year: float = PERIODS_PER_YEAR_DAILY,
) -> "tuple[float, float]":
    """``(alpha, beta)`` against a benchmark, as empyrical's ``alpha_beta``: beta =
    cov(r, b) / var(b); alpha = (1 + mean(r - rf - beta (b - rf))) ** periods_per_year - 1.
    The two series are paired by position (align pandas Series first)."""
    a, b = ffi.new("double *"), ffi.new("double *")
    rf, ppy = _scalar(risk_free, "risk_free"), _ppy(periods_per_year)
    with _buffers.doubles(returns, "returns") as (rp, n), _buffers.doubles(benchmark, "benchmark") as (bp, m):
        if n != m:
            raise InvalidArgument(f"returns and benchmark differ in length ({n} and {m})", ErrorCode.EINVAL)
        check(lib.paper_alpha_beta(a, b, rp, bp, n, rf, ppy))
    return a[0], b[0]


def alpha(returns: _Series, benchmark: _Series, risk_free: float = 0.0,
          periods_per_year: float = PERIODS_PER_YEAR_DAILY) -> float:
    """Annualized alpha, as empyrical's ``alpha`` (see :func:`alpha_beta`)."""
    return alpha_beta(returns, benchmark, risk_free, periods_per_year)[0]


def beta(returns: _Series, benchmark: _Series) -> float:
    """Beta, as empyrical's ``beta``: NaN when the benchmark's variance is below 1e-30."""
    return _call2(lib.paper_beta, returns, benchmark)


def excess_sharpe(returns: _Series, benchmark: _Series) -> float:
    """mean(r - b) / std(r - b, ddof=1), not annualized: empyrical's ``excess_sharpe``."""
    return _call2(lib.paper_excess_sharpe, returns, benchmark)


def information_ratio(returns: _Series, benchmark: _Series) -> float:
    """quantstats' ``information_ratio``: the same number as :func:`excess_sharpe`."""
    return _call2(lib.paper_information_ratio, returns, benchmark)


def omega_ratio(returns: _Series, risk_free: float = 0.0, required_return: float = 0.0,
                periods_per_year: float = PERIODS_PER_YEAR_DAILY) -> float:
    """Omega ratio, as empyrical's ``omega_ratio`` (``required_return`` is annual). NaN for
    fewer than 2 returns or no return below the threshold."""
    return _call(lib.paper_omega_ratio, returns, _scalar(risk_free, "risk_free"),
                 _scalar(required_return, "required_return"), _ppy(periods_per_year))


def tail_ratio(returns: _Series) -> float:
    """|95th percentile| / |5th percentile|, as empyrical's ``tail_ratio``."""
    return _call(lib.paper_tail_ratio, returns)


def value_at_risk(returns: _Series, cutoff: float = 0.05) -> float:
    """Historical value at risk: numpy's ``percentile(returns, 100 * cutoff)`` (empyrical)."""
    return _call(lib.paper_value_at_risk, returns, _scalar(cutoff, "cutoff"))


def conditional_value_at_risk(returns: _Series, cutoff: float = 0.05) -> float:
    """Expected shortfall: the mean of the ``int((n - 1) * cutoff) + 1`` lowest returns
    (empyrical's ``conditional_value_at_risk``)."""
    return _call(lib.paper_conditional_value_at_risk, returns, _scalar(cutoff, "cutoff"))


def stability_of_timeseries(returns: _Series) -> float:
    """R squared of a line through the cumulative log returns (empyrical)."""
    return _call(lib.paper_stability_of_timeseries, returns)


def skew(returns: _Series) -> float:
    """Bias-corrected sample skewness, as pandas' ``Series.skew()`` (quantstats' ``skew``)."""
    return _call(lib.paper_skew, returns)


def kurtosis(returns: _Series) -> float:
    """Bias-corrected excess kurtosis, as pandas' ``Series.kurt()`` (quantstats')."""
    return _call(lib.paper_kurtosis, returns)


def probabilistic_sharpe_ratio(returns: _Series, benchmark_sharpe: float = 0.0) -> float:
    """Bailey and Lopez de Prado's PSR: the probability that the true Sharpe ratio exceeds
    ``benchmark_sharpe`` (per period: an annual S over P periods is S / sqrt(P)), from the
    returns' Sharpe ratio, skewness and kurtosis. NaN for fewer than 2 returns or none spread."""
    return _call(lib.paper_probabilistic_sharpe_ratio, returns, _scalar(benchmark_sharpe, "benchmark_sharpe"))


def min_track_record_length(returns: _Series, benchmark_sharpe: float = 0.0,
                            confidence: float = 0.95) -> float:
    """Bailey and Lopez de Prado's MinTRL: the periods needed before the PSR against
    ``benchmark_sharpe`` (per period) reaches ``confidence``; inf when the Sharpe ratio does not
    beat the benchmark."""
    return _call(lib.paper_min_track_record_length, returns,
                 _scalar(benchmark_sharpe, "benchmark_sharpe"), _scalar(confidence, "confidence"))


def periods_per_year_from_calendar(ts: _Series) -> float:
    """365 when Saturdays (UTC) are at least 1 in 14 of the days with a time, else 252."""
    out = ffi.new("double *")
    with _buffers.int64s(ts, "ts") as (tp, n):
        check(lib.paper_periods_per_year_from_calendar(out, tp, n))
    return out[0]


def _index_ts(index: Any) -> Any:
    """Microseconds since the epoch, UTC, of a pandas DatetimeIndex (naive times are UTC)."""
    if getattr(index, "tz", None) is not None:
        index = index.tz_convert("UTC").tz_localize(None)
    return index.as_unit("us").asi8 if hasattr(index, "as_unit") else index.asi8 // 1000


def _numpy_of(obj: Any) -> Any:
    """The numpy module when obj is a numpy array (numpy is never imported otherwise)."""
    mod = type(obj).__module__
    if mod == "numpy":
        import numpy

        return numpy
    return None


@dataclass(frozen=True)
class MetricsOptions:
    """Conventions of a report or an accumulator (``paper_metrics_options``).

    A field left None takes libpaper's default (``paper_metrics_options_init()``; the
    defaults are listed in docs/metrics.md and returned by :meth:`defaults`).
    ``resample_period`` is in microseconds (or a ``timedelta``); 0 keeps every equity point.
    """

    periods_per_year: Optional[float] = None
    risk_free: Optional[float] = None
    required_return: Optional[float] = None
    ddof: Optional[int] = None
    years_basis: Optional[YearsBasis] = None
    resample_period: Union[int, timedelta, None] = None
    breakeven_band: Optional[float] = None
    win_rate_basis: Optional[WinRateBasis] = None
    pnl_basis: Optional[PnlBasis] = None

    @classmethod
    def defaults(cls) -> "MetricsOptions":
        """libpaper's defaults, every field set."""
        o = ffi.new("paper_metrics_options *")
        check(lib.paper_metrics_options_init(o, lib.PAPER_METRICS_OPTIONS_VERSION))
        return _options_from_c(o)

    def to_c(self) -> Any:
        """A new ``paper_metrics_options`` holding these options over the defaults."""
        o = ffi.new("paper_metrics_options *")
        check(lib.paper_metrics_options_init(o, lib.PAPER_METRICS_OPTIONS_VERSION))
        if self.periods_per_year is not None:
            # 0 (PERIODS_PER_YEAR_FROM_DATA) is libpaper's "from the data".
            p = _scalar(self.periods_per_year, "periods_per_year")
            o.periods_per_year = p if p == 0 else _ppy(p)
        if self.risk_free is not None:
            o.risk_free = _scalar(self.risk_free, "risk_free")
        if self.required_return is not None:
            o.required_return = _scalar(self.required_return, "required_return")
        if self.ddof is not None:
            o.ddof = integer(self.ddof, "ddof", 0, UINT32_MAX)
        if self.years_basis is not None:
            o.years_basis = YearsBasis.coerce(self.years_basis, "years_basis")
        if self.resample_period is not None:
            p = self.resample_period
            if isinstance(p, timedelta):
                p = p // timedelta(microseconds=1)
            elif isinstance(p, bool) or not isinstance(p, int):
                raise TypeError(
                    f"resample_period must be an int (microseconds) or a timedelta, not {type(p).__name__}"
                )
            o.resample_period = integer(p, "resample_period", INT64_MIN, INT64_MAX)
        if self.breakeven_band is not None:
            o.breakeven_band = _scalar(self.breakeven_band, "breakeven_band")
        if self.win_rate_basis is not None:
            o.win_rate_basis = WinRateBasis.coerce(self.win_rate_basis, "win_rate_basis")
        if self.pnl_basis is not None:
            o.pnl_basis = PnlBasis.coerce(self.pnl_basis, "pnl_basis")
        return o


def _options_from_c(o: Any) -> MetricsOptions:
    return MetricsOptions(
        periods_per_year=o.periods_per_year,
        risk_free=o.risk_free,
        required_return=o.required_return,
        ddof=o.ddof,
        years_basis=YearsBasis.coerce_known(o.years_basis),
        resample_period=o.resample_period,
        breakeven_band=o.breakeven_band,
        win_rate_basis=WinRateBasis.coerce_known(o.win_rate_basis),
        pnl_basis=PnlBasis.coerce_known(o.pnl_basis),
    )


def _options_arg(options: Optional[MetricsOptions]) -> Any:
    if options is None:
        return ffi.NULL
    if not isinstance(options, MetricsOptions):
        raise TypeError(f"options must be a MetricsOptions, not {type(options).__name__}")
    return options.to_c()


def _key(name: Any, what: str = "key") -> bytes:
    if not isinstance(name, str):
        raise TypeError(f"a metrics {what} must be a str, not {type(name).__name__}")
    data = name.encode("utf-8", "surrogateescape")
    if b"\0" in data:
        raise InvalidArgument(f"{what}: {name!r} holds a NUL character", ErrorCode.EINVAL)
    return data


class Metrics:
    """An immutable report of trade and series statistics (``paper_metrics``).

    Build it with :meth:`from_broker` (or ``Broker.metrics()``) or :meth:`from_arrays`. Read
    statistics by name with :meth:`get` / ``report[name]`` (:data:`KEYS` lists them),
    breakdowns with :meth:`by_symbol` / :meth:`by_strategy`, the whole report with
    :meth:`to_dict` or :meth:`to_json`. The report copies what it needs: it does not keep the
    broker it came from. Closed by :meth:`close`, a ``with`` block, or the garbage collector.
    """

    __slots__ = ("_own", "_m")

    def __init__(self) -> None:
        raise TypeError("build a report with Metrics.from_broker() or Metrics.from_arrays()")

    @classmethod
    def _adopt(cls, raw: Any) -> "Metrics":
        self = object.__new__(cls)
        self._own = ffi.gc(raw, lib.paper_metrics_free)
        self._m = self._own
        return self

    @classmethod
    def from_broker(cls, broker: Any, options: Optional[MetricsOptions] = None) -> "Metrics":
        """A report of a :class:`~paperlib.Broker` now: its closed trades and its equity
        curve followed by the account now (``paper_metrics_from_broker``).

        Raises:
            InvalidArgument: the equity fell to 0 or below (EINVAL).
        """
        # Any object with the broker's handle will do (cffi checks the pointer type), so this
        # module need not import broker.py, which imports it.
        handle = getattr(broker, "_ptr", None)
        if handle is None:
            raise TypeError(f"broker must be a paperlib.Broker, not {type(broker).__name__}")
        opts = _options_arg(options)
        out = ffi.new("paper_metrics **")
        check(lib.paper_metrics_from_broker(out, handle(), opts))
        return cls._adopt(out[0])

    @classmethod
    def from_arrays(
        cls,
        trades: Iterable[Trade] = (),
        ts: _Series = (),
        equity: _Series = (),
        cash: Optional[_Series] = None,
        options: Optional[MetricsOptions] = None,
    ) -> "Metrics":
        """A report from closed trades (in closing order) and an equity curve
        (``paper_metrics_from_arrays``).

        Args:
            trades: :class:`~paperlib.Trade` records (as ``Broker.trades()`` returns them).
            ts: times of the equity points: an int64 buffer (microseconds, UTC), or a list of
                ints / aware datetimes.
            equity: equity at each point, a float64 buffer or a list; finite and > 0.
            cash: cash at each point, or None (unknown: NaN in the curve).
            options: conventions, None for the defaults.
        Raises:
            InvalidArgument: lengths differ, a value is not finite, equity <= 0, an exit
                before its entry (EINVAL), times going backwards (ETIME).
        """
        trade_list = list(trades)
        n_trades = len(trade_list)
        c_trades = ffi.new("paper_trade_info[]", n_trades) if n_trades else ffi.NULL
        for i, t in enumerate(trade_list):
            trade_to_c(t, c_trades[i])
        opts = _options_arg(options)
        out = ffi.new("paper_metrics **")
        with _buffers.int64s(ts, "ts") as (tp, nt), _buffers.doubles(equity, "equity") as (ep, ne):
            if nt != ne:
                raise InvalidArgument(
                    f"ts and equity differ in length ({nt} and {ne})", ErrorCode.EINVAL
                )
            if cash is None:
                check(lib.paper_metrics_from_arrays(out, c_trades, n_trades, tp, ep, ffi.NULL, ne, opts))
            else:
                with _buffers.doubles(cash, "cash") as (cp, nc):
                    if nc != ne:
                        raise InvalidArgument(
                            f"cash and equity differ in length ({nc} and {ne})", ErrorCode.EINVAL
                        )
                    check(lib.paper_metrics_from_arrays(out, c_trades, n_trades, tp, ep, cp, ne, opts))
        return cls._adopt(out[0])

    def _ptr(self) -> Any:
        if self._own is None:
            from .errors import StateError

            raise StateError("the report is closed", ErrorCode.ESTATE)
        return self._m

    def close(self) -> None:
        """Release the report now. Idempotent."""
        own = self._own
        if own is not None:
            self._own = None
            self._m = ffi.NULL
            ffi.release(own)

    def __enter__(self) -> "Metrics":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ---- statistics ----

    def get(self, name: str) -> float:
        """A statistic by name (:data:`KEYS`): ``"sharpe_ratio"``, ``"win_rate"``,
        ``"exit_reasons.stop_loss"``, ... Counts come back as floats; timestamps as
        microseconds; durations in seconds.

        Raises:
            NotFound: unknown name (ENOTFOUND).
        """
        out = ffi.new("double *")
        check(lib.paper_metrics_get(self._ptr(), _key(name), out))
        return out[0]

    def __getitem__(self, name: str) -> float:
        return self.get(name)

    def to_dict(self) -> Dict[str, float]:
        """Every statistic by name (:data:`KEYS` order), NaN and infinities kept."""
        m = self._ptr()
        out = ffi.new("double *")
        result: Dict[str, float] = {}
        for k in KEYS:
            check(lib.paper_metrics_get(m, k.encode(), out))
            result[k] = out[0]
        return result

    def to_json(self, equity_curve: bool = False) -> str:
        """The report as libpaper's JSON object (the contract of docs/metrics.md): every
        statistic, ``exit_reasons``, ``conventions``, ``by_symbol``, ``by_strategy`` and, with
        ``equity_curve=True``, the curve. Non-finite values are ``null``."""
        if not isinstance(equity_curve, bool):
            raise TypeError(f"equity_curve must be a bool, not {type(equity_curve).__name__}")
        flags = lib.PAPER_METRICS_JSON_EQUITY_CURVE if equity_curve else 0
        out = ffi.new("char **")
        check(lib.paper_metrics_to_json(out, self._ptr(), flags))
        try:
            return ffi.string(out[0]).decode("utf-8")
        finally:
            lib.paper_string_free(out[0])

    @property
    def options(self) -> MetricsOptions:
        """The conventions the report was built with."""
        o = ffi.new("paper_metrics_options *")
        o.version = lib.PAPER_METRICS_OPTIONS_VERSION
        check(lib.paper_metrics_options_get(self._ptr(), o))
        return _options_from_c(o)

    def with_benchmark(self, returns: _Series, ts: Optional[_Series] = None) -> "Metrics":
        """A copy of this report with ``alpha``, ``beta`` and ``information_ratio`` against a
        benchmark (``paper_metrics_with_benchmark``). ``returns``: the benchmark's periodic
        returns, a pandas Series with a DatetimeIndex (its times are used) or an array with
        ``ts``, the end time of each return. Returns pair up by resampling period (the same
        UTC day by default); returns without a partner are left out. Leading NaNs are dropped.
        """
        if ts is None:
            index = getattr(returns, "index", None)
            if index is None or not hasattr(index, "asi8"):
                raise TypeError("ts is needed unless returns is a pandas Series with a DatetimeIndex")
            ts = _index_ts(index)
            returns = returns.to_numpy(dtype="float64")
        out = ffi.new("paper_metrics **")
        with _buffers.int64s(ts, "ts") as (tp, nt), _buffers.doubles(returns, "returns") as (rp, nr):
            if nt != nr:
                raise InvalidArgument(f"ts and returns differ in length ({nt} and {nr})", ErrorCode.EINVAL)
            check(lib.paper_metrics_with_benchmark(out, self._ptr(), tp, rp, nr))
        return Metrics._adopt(out[0])

    # ---- breakdowns ----

    def groups(self, group: Union[MetricsGroup, int, str]) -> List[str]:
        """Names of the symbols (``MetricsGroup.BY_SYMBOL``) or strategy tags
        (``BY_STRATEGY``; ``""`` = untagged) that have trades, in byte order."""
        m = self._ptr()
        g = MetricsGroup.coerce(group, "group")
        names = []
        for i in range(lib.paper_metrics_group_count(m, g)):
            p = lib.paper_metrics_group_name(m, g, i)
            if p == ffi.NULL:
                from .errors import error_for

                raise error_for(lib.PAPER_ERANGE)
            names.append(ffi.string(p).decode("utf-8", "surrogateescape"))
        return names

    def group_get(self, group: Union[MetricsGroup, int, str], name: str, key: str) -> float:
        """A trade statistic of one symbol or strategy tag.

        Raises:
            NotFound: no such group, or not a trade key (ENOTFOUND).
        """
        g = MetricsGroup.coerce(group, "group")
        out = ffi.new("double *")
        check(lib.paper_metrics_group_get(self._ptr(), g, _key(name, "group name"), _key(key), out))
        return out[0]

    def _breakdown(self, group: MetricsGroup) -> Dict[str, Dict[str, float]]:
        return {name: {k: self.group_get(group, name, k) for k in TRADE_KEYS} for name in self.groups(group)}

    def by_symbol(self) -> Dict[str, Dict[str, float]]:
        """Every trade statistic per symbol."""
        return self._breakdown(MetricsGroup.BY_SYMBOL)

    def by_strategy(self) -> Dict[str, Dict[str, float]]:
        """Every trade statistic per strategy tag (``""`` for untagged trades)."""
        return self._breakdown(MetricsGroup.BY_STRATEGY)

    # ---- the curve ----

    def equity_curve(self) -> List[ReportPoint]:
        """The (resampled) equity curve, oldest first, with each point's drawdown."""
        m = self._ptr()
        p = ffi.new("paper_equity_point *")
        out = []
        for i in range(lib.paper_metrics_equity_count(m)):
            p.version = lib.PAPER_EQUITY_POINT_VERSION
            check(lib.paper_metrics_equity_at(m, i, p))
            out.append(report_point_from_c(p))
        return out

    def returns(self) -> array.array:
        """The periodic returns between the curve's points, as ``array.array('d')``."""
        m = self._ptr()
        n = lib.paper_metrics_return_count(m)
        result = array.array("d", bytes(8 * n))
        out = ffi.new("double *")
        for i in range(n):
            check(lib.paper_metrics_return_at(m, i, out))
            result[i] = out[0]
        return result

    # ---- as pandas objects (paperlib.frames; pandas is optional) ----

    def to_series(self) -> Any:
        """:meth:`to_dict` as a float64 pandas Series indexed by statistic name."""
        from .frames import metrics_series

        return metrics_series(self.to_dict())

    def equity_df(self) -> Any:
        """:meth:`equity_curve` as a pandas DataFrame (equity, cash, drawdown) indexed by
        time (``datetime64[ns, UTC]``)."""
        from .frames import records_frame

        return records_frame(ReportPoint, self.equity_curve(), index="ts")

    def returns_series(self) -> Any:
        """:meth:`returns` as a float64 pandas Series, each return at the end of its period
        (the time of the curve's later point)."""
        from .frames import equity_series

        points = self.equity_curve()[1:]
        r = self.returns()
        return equity_series([ReportPoint(p.ts, x, 0.0, 0.0) for p, x in zip(points, r)],
                             "equity").rename("returns")

    def by_symbol_df(self) -> Any:
        """:meth:`by_symbol` as a pandas DataFrame: one row per symbol, one column per
        trade statistic."""
        return self._breakdown_df(MetricsGroup.BY_SYMBOL)

    def by_strategy_df(self) -> Any:
        """:meth:`by_strategy` as a pandas DataFrame (``""``: untagged trades)."""
        return self._breakdown_df(MetricsGroup.BY_STRATEGY)

    def _breakdown_df(self, group: MetricsGroup) -> Any:
        from .frames import pandas

        pd = pandas()
        rows = self._breakdown(group)
        frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(TRADE_KEYS),
                                       dtype="float64")
        frame.index.name = "symbol" if group == MetricsGroup.BY_SYMBOL else "strategy"
        return frame

    def __repr__(self) -> str:
        if self._own is None:
            return "<paperlib.Metrics closed>"
        return (
            f"<paperlib.Metrics trades={self.get('total_trades'):.0f} "
            f"sharpe_ratio={self.get('sharpe_ratio'):.4g} max_drawdown={self.get('max_drawdown'):.4g}>"
        )


class SeriesAccumulator:
    """A streaming accumulator of series statistics (``paper_series_acc``): O(1) memory,
    one pass. Feed it returns or equity points (not both); read any series statistic
    (:data:`SERIES_KEYS`) at any time with :meth:`get`.

    ``options`` uses periods_per_year, risk_free, required_return, ddof, years_basis and
    resample_period of a :class:`MetricsOptions` (None: the defaults, which resample equity
    points to daily closes).
    """

    __slots__ = ("_own", "_a")

    def __init__(self, options: Optional[MetricsOptions] = None) -> None:
        opts = _options_arg(options)
        out = ffi.new("paper_series_acc **")
        check(lib.paper_series_acc_new(out, opts))
        self._own = ffi.gc(out[0], lib.paper_series_acc_free)
        self._a = self._own

    def _ptr(self) -> Any:
        if self._own is None:
            from .errors import StateError

            raise StateError("the accumulator is closed", ErrorCode.ESTATE)
        return self._a

    def add_return(self, r: float) -> None:
        """Add one periodic return. Raises :class:`~paperlib.StateError` if it holds equity
        points."""
        check(lib.paper_series_acc_add_return(self._ptr(), _scalar(r, "r")))

    def add_returns(self, returns: _Series) -> None:
        """Add many returns at once (a float64 buffer, no copy). On error nothing is added."""
        a = self._ptr()
        with _buffers.doubles(returns, "returns") as (ptr, n):
            check(lib.paper_series_acc_add_returns(a, ptr, n))

    def add_equity(self, ts: Any, equity: float) -> None:
        """Add one equity point at time ``ts`` (int microseconds or aware datetime)."""
        from .timeutil import to_ts

        check(lib.paper_series_acc_add_equity(self._ptr(), to_ts(ts), _scalar(equity, "equity")))

    def add_equity_array(self, ts: _Series, equity: _Series) -> None:
        """Add many equity points at once: ``ts`` an int64 buffer (or a list of times),
        ``equity`` a float64 buffer (or a list). No copy for buffers; on error nothing is
        added."""
        a = self._ptr()
        with _buffers.int64s(ts, "ts") as (tp, nt), _buffers.doubles(equity, "equity") as (ep, ne):
            if nt != ne:
                raise InvalidArgument(f"ts and equity differ in length ({nt} and {ne})", ErrorCode.EINVAL)
            check(lib.paper_series_acc_add_equity_array(a, tp, ep, ne))

    def get(self, name: str) -> float:
        """A series statistic of everything added so far (:data:`SERIES_KEYS`)."""
        out = ffi.new("double *")
        check(lib.paper_series_acc_get(self._ptr(), _key(name), out))
        return out[0]

    def __getitem__(self, name: str) -> float:
        return self.get(name)

    def to_dict(self) -> Dict[str, float]:
        """Every series statistic the accumulator has by name (:data:`STREAM_KEYS`)."""
        return {k: self.get(k) for k in STREAM_KEYS}

    def reset(self) -> None:
        """Forget everything added, keeping the options."""
        lib.paper_series_acc_reset(self._ptr())

    def close(self) -> None:
        """Release the accumulator now. Idempotent."""
        own = self._own
        if own is not None:
            self._own = None
            self._a = ffi.NULL
            ffi.release(own)

    def __enter__(self) -> "SeriesAccumulator":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

