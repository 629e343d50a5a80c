"""Drift: a paper account against a backtest of the same signals (``paper_drift_*``).

``paperlib.drift(paper, backtest)`` matches the closed trades of two brokers one to one — by
signal id, then by symbol, direction and the nearest entry time within a tolerance — and
returns the pairs, the missed trades (the backtest's only), the extra ones (the paper
account's only) and the totals, which reconcile exactly (docs/drift.md)::

    paper = ledger.load_broker("main")           # the account
    bt = paperlib.Broker(ledger.account_config("main"))
    paperlib.replay(...)                          # or a Replay on bt over the same bars/signals
    d = paperlib.drift(paper, bt, tolerance=timedelta(minutes=30))
    d.summary.pnl_drift, d.summary.missed, [r.kind for r in d.rows], d.to_json()
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Dict, List, Optional, Union

from ._args import integer
from ._paperlib import ffi, lib
from .broker import Broker
from .enums import Direction, ExitReason
from .errors import ErrorCode, InvalidArgument, check
from .timeutil import Timestamp, to_ts


def _text(p: Any) -> str:
    return ffi.string(p).decode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class DriftRow:
    """One row (``paper_drift_row``): a matched pair, or one side alone. Fields of a side the
    row does not have are 0 (ids, times, quantities, amounts) or NaN (prices, differences);
    differences are paper minus backtest, ``*_drift_bps`` positive when worse on paper."""

    kind: str            #: "matched", "missed" (the backtest's only) or "extra" (paper's only)
    match: str           #: "signal_id", "time" or "none"
    symbol: str
    direction: Direction
    signal_id: str
    paper_trade: int
    backtest_trade: int
    paper_entry_ts: int
    backtest_entry_ts: int
    paper_exit_ts: int
    backtest_exit_ts: int
    paper_entry_price: float
    backtest_entry_price: float
    paper_exit_price: float
    backtest_exit_price: float
    paper_qty: float
    backtest_qty: float
    paper_reason: ExitReason
    backtest_reason: ExitReason
    paper_pnl: float
    backtest_pnl: float
    paper_slippage: float
    backtest_slippage: float
    entry_delay: float   #: seconds
    exit_delay: float
    entry_price_diff: float
    exit_price_diff: float
    entry_drift_bps: float
    exit_drift_bps: float
    qty_diff: float
    pnl_drift: float
    paper_pnl_e8: int
    backtest_pnl_e8: int


@dataclass(frozen=True)
class DriftSummary:
    """The totals (``paper_drift_summary``); means over the matched pairs (NaN without)."""

    paper_trades: int
    backtest_trades: int
    matched: int
    matched_by_signal_id: int
    matched_by_time: int
    missed: int
    extra: int
    exit_reason_changes: int
    paper_pnl: float
    backtest_pnl: float
    pnl_drift: float
    matched_pnl_drift: float
    missed_pnl: float
    extra_pnl: float
    mean_entry_delay: float
    max_entry_delay: float
    mean_exit_delay: float
    max_exit_delay: float
    mean_entry_drift_bps: float
    mean_exit_drift_bps: float
    paper_slippage: float       #: realised
    backtest_slippage: float    #: modelled
    matched_paper_slippage: float
    matched_backtest_slippage: float
    paper_pnl_e8: int
    backtest_pnl_e8: int
    matched_pnl_drift_e8: int
    missed_pnl_e8: int
    extra_pnl_e8: int
    time_tolerance: int         #: microseconds
    match_by_time: bool


_ROW_TEXT = {"symbol", "signal_id"}


def _row(c: Any) -> DriftRow:
    values: Dict[str, Any] = {}
    for name in DriftRow.__dataclass_fields__:
        v = getattr(c, name)
        if name == "kind":
            v = _text(lib.paper_drift_kind_str(v))
        elif name == "match":
            v = _text(lib.paper_drift_match_str(v))
        elif name in _ROW_TEXT:
            v = _text(v)
        elif name == "direction":
            v = Direction(v)
        elif name in ("paper_reason", "backtest_reason"):
            v = ExitReason(v)
        values[name] = v
    return DriftRow(**values)


def _summary(c: Any) -> DriftSummary:
    return DriftSummary(**{name: getattr(c, name) for name in DriftSummary.__dataclass_fields__})


class Drift:
    """The result of :func:`drift`: :attr:`summary`, :attr:`rows`, :meth:`to_json`."""

    __slots__ = ("summary", "rows", "_json", "_d")

    def __init__(self, summary: DriftSummary, rows: List[DriftRow], text: str, handle: Any) -> None:
        self.summary = summary
        self.rows = rows
        self._json = text
        self._d = handle  # the paper_drift, for the dashboard (Broker.report_html(drift=...))

    def to_json(self) -> str:
        """``paper_drift_to_json()``: exact amounts, ISO-8601 times (docs/drift.md)."""
        return self._json

    def as_dict(self) -> Dict[str, Any]:
        """The JSON, parsed."""
        return json.loads(self._json)

    def __repr__(self) -> str:
        s = self.summary
        return (f"<paperlib.Drift matched={s.matched} missed={s.missed} extra={s.extra} "
                f"pnl_drift={s.pnl_drift:+.2f}>")


def _micros(value: Union[timedelta, float, int], what: str) -> int:
    if isinstance(value, timedelta):
        return value // timedelta(microseconds=1)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{what} must be seconds or a timedelta, not {type(value).__name__}")
    if not value == value or value < 0 or value > 1e13:
        raise InvalidArgument(f"{what} must be >= 0 seconds (got {value!r})", ErrorCode.EINVAL)
    return int(round(value * 1_000_000))


def drift(
    paper: Broker,
    backtest: Broker,
    *,
    tolerance: Union[timedelta, float, int] = timedelta(hours=1),
    match_by_time: bool = True,
    start: Optional[Timestamp] = None,
    end: Optional[Timestamp] = None,
) -> Drift:
    """Match the closed trades of ``paper`` (the account) with ``backtest``'s.

    ``tolerance``: the largest entry time difference that pairs two trades by time (seconds
    or a timedelta). ``match_by_time=False``: by signal id only. ``start``/``end``: only
    trades entered in [start, end). Both brokers are only read.
    """
    if not isinstance(paper, Broker) or not isinstance(backtest, Broker):
        raise TypeError("drift() compares two paperlib.Broker objects")
    o = ffi.new("paper_drift_options *")
    lib.paperlib_drift_options_default(o)
    o.time_tolerance = _micros(tolerance, "tolerance")
    o.match_by_time = bool(match_by_time)
    if start is not None:
        setattr(o, "from", integer(to_ts(start), "start", 0, 2**63 - 1))  # a keyword in Python
    if end is not None:
        o.to = integer(to_ts(end), "end", 0, 2**63 - 1)
    out = ffi.new("paper_drift **")
    check(lib.paper_drift_compare(out, paper._ptr(), backtest._ptr(), o))
    d = ffi.gc(out[0], lib.paper_drift_free)
    s = ffi.new("paper_drift_summary *")
    s.version = lib.PAPER_DRIFT_SUMMARY_VERSION
    check(lib.paper_drift_summary_get(d, s))
    rows = []
    r = ffi.new("paper_drift_row *")
    for i in range(lib.paper_drift_row_count(d)):
        r.version = lib.PAPER_DRIFT_ROW_VERSION
        check(lib.paper_drift_row_at(d, i, r))
        rows.append(_row(r))
    text = ffi.new("char **")
    check(lib.paper_drift_to_json(d, text))
    try:
        js = ffi.string(text[0]).decode("utf-8")
    finally:
        lib.paper_string_free(text[0])
    return Drift(_summary(s), rows, js, d)
