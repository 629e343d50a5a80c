"""The tear sheet: key figures and charts of a strategy's returns as one self-contained HTML
page, drawn by libpaper (``paper_report_tearsheet_html``), the same sections ``paper report``
puts in the dashboard.

    >>> html = paperlib.tearsheet(broker, path="tearsheet.html")          # a Broker
    >>> html = paperlib.tearsheet(ledger, account="default")              # a stored account
    >>> html = paperlib.tearsheet(prices.pct_change(), benchmark=spy.pct_change())  # pandas

pandas is never imported here: a pandas Series is read through its ``index`` and
``to_numpy()``.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any, Optional

from ._paperlib import ffi, lib
from .errors import ErrorCode, InvalidArgument, check
from .metrics import Metrics, MetricsOptions, _index_ts

__all__ = ["tearsheet"]


def _is_series(obj: Any) -> bool:
    return hasattr(obj, "index") and hasattr(obj, "to_numpy") and hasattr(obj.index, "asi8")


def _from_returns(returns: Any, ts: Any, options: MetricsOptions) -> Metrics:
    """A report over the curve the returns compound to, from 1, one period before the first."""
    if _is_series(returns):
        ts = _index_ts(returns.index)
        returns = returns.to_numpy(dtype="float64")
    if ts is None:
        raise TypeError("returns need times: a pandas Series with a DatetimeIndex, or ts=")
    times = [int(t) for t in ts]
    values = [float(r) for r in returns]
    if len(times) != len(values):
        raise InvalidArgument(f"ts and returns differ in length ({len(times)} and {len(values)})",
                              ErrorCode.EINVAL)
    first = 0
    while first < len(values) and values[first] != values[first]:  # leading NaN
        first += 1
    times, values = times[first:], values[first:]
    if not values:
        return Metrics.from_arrays(options=options)
    step = times[1] - times[0] if len(times) > 1 and times[1] > times[0] else 86_400_000_000
    curve_ts, equity = [times[0] - step], [1.0]
    for t, r in zip(times, values):
        curve_ts.append(t)
        equity.append(equity[-1] * (1.0 + r))
    return Metrics.from_arrays(ts=curve_ts, equity=equity, options=options)


def _report(source: Any, ts: Any, account: Optional[str], options: MetricsOptions) -> Metrics:
    if isinstance(source, Metrics):
        return source
    if hasattr(source, "load_broker"):  # a Ledger
        if account is None:
            raise TypeError("a Ledger needs account=")
        with source.load_broker(account) as broker:
            return Metrics.from_broker(broker, options)
    if hasattr(source, "_ptr") and hasattr(source, "submit"):  # a Broker
        return Metrics.from_broker(source, options)
    return _from_returns(source, ts, options)


def _benchmarked(m: Metrics, benchmark: Any, ts: Any) -> Metrics:
    if benchmark is None:
        return m
    if _is_series(benchmark):
        return m.with_benchmark(benchmark)
    if ts is None:
        raise TypeError("an array benchmark needs ts= (or pass a pandas Series)")
    return m.with_benchmark(benchmark, ts)


def tearsheet(
    source: Any,
    benchmark: Any = None,
    *,
    ts: Any = None,
    account: Optional[str] = None,
    title: Optional[str] = None,
    path: Any = None,
    periods_per_year: Optional[float] = None,
    options: Optional[MetricsOptions] = None,
) -> str:
    """The tear sheet of ``source`` as a self-contained HTML page; also written to ``path``
    (replaced atomically) when given.

    Args:
        source: a :class:`~paperlib.Broker`, a :class:`~paperlib.Ledger` (with ``account``),
            a :class:`~paperlib.metrics.Metrics` report, or periodic returns: a pandas Series
            with a DatetimeIndex (leading NaNs, as ``pct_change()`` gives, are dropped) or a
            sequence with ``ts`` (microseconds or aware datetimes, the end of each period).
            Each return is one period: no resampling.
        benchmark: the benchmark's returns, for alpha, beta and the information ratio: a
            pandas Series, or a sequence over the same ``ts``.
        periods_per_year: annualization; None takes it from the data (365 when it has
            Saturdays, else 252; a broker's ``metrics.periods_per_year`` first).
        options: other :class:`~paperlib.MetricsOptions` (periods_per_year above wins).
    Raises:
        InvalidArgument: a NaN after the first number, lengths that differ.
    """
    opts = options or MetricsOptions()
    if not _is_series(source) and ts is None and not hasattr(source, "_ptr") \
            and not hasattr(source, "load_broker") and not isinstance(source, Metrics):
        raise TypeError("returns need times: a pandas Series with a DatetimeIndex, or ts=")
    fields = {f: getattr(opts, f) for f in opts.__dataclass_fields__}
    if periods_per_year is not None:
        fields["periods_per_year"] = periods_per_year
    if not hasattr(source, "_ptr") and not hasattr(source, "load_broker") \
            and not isinstance(source, Metrics) and fields["resample_period"] is None:
        fields["resample_period"] = 0  # every return is a period
    m = _benchmarked(_report(source, ts, account, MetricsOptions(**fields)), benchmark, ts)
    out = ffi.new("char **")
    n = ffi.new("size_t *")
    t = ffi.NULL if title is None else str(title).encode("utf-8", "surrogateescape")
    check(lib.paper_report_tearsheet_html(out, n, m._ptr(), t))
    try:
        html = ffi.unpack(out[0], n[0]).decode("utf-8", "surrogateescape")
    finally:
        lib.paper_string_free(out[0])
    if path is not None:
        target = os.fspath(path)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(target)), suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(html)
        os.replace(tmp, target)
    return html
