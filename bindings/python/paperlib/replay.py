"""Replay over history: :class:`Replay`, a ``paper_replay``, and :func:`replay`.

A replay streams OHLCV bars of many symbols, merged in time order, through a session on a
broker, together with signals: from CSV files (one per symbol, or with a symbol column), from
in-memory columns - numpy arrays or ``array.array`` handed to libpaper without a copy - or
from pandas DataFrames, read into such columns by :mod:`paperlib.frames`.
The whole run is one C call; docs/semantics.md has the timing and exit rules, docs/formats.md
the file formats.

Ownership: a replay borrows its broker (kept alive; closing the broker closes the replay
first) and in-memory columns (kept exported, so they cannot be resized, until the replay is
closed); in-memory signals are copied.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, List, Mapping, Optional, Sequence, Union

from . import _buffers
from ._paperlib import ffi, lib
from .broker import Broker, _bytes
from .config import Config, ConfigValue
from .errors import ErrorCode, InvalidArgument, StateError, check
from .frames import is_frames as _is_frames
from .session import Session, Signal
from .timeutil import Timestamp, from_ts, to_ts

__all__ = ["Replay", "ReplayStats", "DayInfo", "replay"]

_NULL = ffi.NULL
_PathLike = Union[str, "os.PathLike[str]"]


def _path(p: Any, what: str) -> bytes:
    if not isinstance(p, (str, os.PathLike)):
        raise TypeError(f"{what} must be a path, not {type(p).__name__}")
    return _bytes(os.fsdecode(os.fspath(p)), what, 1 << 16)


@dataclass(frozen=True)
class ReplayStats:
    """Input counters of a replay (``paper_replay_stats``)."""

    sources: int
    symbols: int
    bars: int
    bars_out_of_range: int
    rows_skipped: int
    signals: int
    signals_skipped: int
    signals_out_of_range: int
    signals_after_data: int
    trades_written: int
    #: first bar replayed (microseconds), 0 if none
    first_ts: int
    last_ts: int


@dataclass(frozen=True)
class SourceInfo:
    """How one bars input was read (``paper_replay_source_info``)."""

    #: the file's path, or "columns #N"
    name: str
    #: libpaper, yahoo, yfinance, stooq, stooq-intraday, stooq-data, binance, alpaca, polygon,
    #: polygon-flat, pandas, columns (given), memory (in-memory columns)
    dialect: str
    #: one line: "Yahoo Finance daily: dates at 00:00 UTC; Adj Close ignored ..."
    report: str
    rows: int
    rows_skipped: int
    #: rows without prices (Yahoo's null, pandas' NaN), skipped by rule
    rows_empty: int
    #: numbers with more than 8 decimals, rounded half away from zero
    values_rounded: int


@dataclass(frozen=True)
class DayInfo:
    """One UTC day of a run with ``daily=True`` (``paper_day_info``)."""

    #: 00:00 UTC of the day
    day: int
    start_equity: float
    end_equity: float
    pnl: float
    fees: float
    trades: int
    wins: int
    losses: int
    bars: int
    signals: int
    entries: int
    open_positions: int
    start_equity_e8: int
    end_equity_e8: int
    fees_e8: int

    @property
    def date(self) -> datetime:
        """``day`` as an aware UTC datetime (midnight)."""
        return from_ts(self.day)


def _free_replay(broker: Broker, keep: List[Any]) -> Any:
    def free(ptr: Any) -> None:
        lib.paper_replay_free(ptr)
        for b in keep:  # the columns C read: released after the replay is gone
            if isinstance(b, _buffers.Borrowed):
                ffi.release(b.ptr)
        keep.clear()
        del holder[:]

    holder = [broker]
    return free


class Replay:
    """A replay on a :class:`~paperlib.Broker` (``paper_replay``), with its own session.

    ``Replay(broker, *, close_at_end=None, skip_bad_rows=None, daily=None, start=None,
    end=None, trades_path=None)``; options left None take libpaper's defaults (close positions
    at the end, fail on a bad row, no daily breakdown, every bar, no trades file).
    ``start`` / ``end`` bound the bars and signals used (``end`` exclusive).

    Add inputs (:meth:`add_bars`, :meth:`add_bar_columns`, :meth:`add_signals_file`,
    :meth:`add_signals`), adjust :attr:`session`, then :meth:`run` (or :meth:`run_until`).
    """

    __slots__ = ("_own", "_r", "_broker", "_keep", "_session", "_skip", "__weakref__")

    def __init__(
        self,
        broker: Broker,
        *,
        close_at_end: Optional[bool] = None,
        skip_bad_rows: Optional[bool] = None,
        daily: Optional[bool] = None,
        start: Optional[Timestamp] = None,
        end: Optional[Timestamp] = None,
        trades_path: Optional[_PathLike] = None,
    ) -> None:
        if not isinstance(broker, Broker):
            raise TypeError(f"broker must be a paperlib.Broker, not {type(broker).__name__}")
        self._own = None
        self._r = _NULL
        self._session: Optional[Session] = None
        self._skip = bool(skip_bad_rows)
        o = ffi.new("paper_replay_options *")
        check(lib.paper_replay_options_init(o, lib.PAPER_REPLAY_OPTIONS_VERSION))
        for name, flag in (("close_at_end", close_at_end), ("skip_bad_rows", skip_bad_rows),
                           ("daily", daily)):
            if flag is None:
                continue
            if not isinstance(flag, bool):
                raise TypeError(f"{name} must be a bool, not {type(flag).__name__}")
            setattr(o, name, flag)
        if start is not None:
            setattr(o, "from", to_ts(start, "start"))  # a Python keyword
        if end is not None:
            o.to = to_ts(end, "end")
        path = None
        if trades_path is not None:
            path = ffi.new("char[]", _path(trades_path, "trades_path"))
            o.trades_path = path  # copied by paper_replay_new()
        out = ffi.new("paper_replay **")
        check(lib.paper_replay_new(out, broker._ptr(), o))
        self._broker = broker
        self._keep: List[Any] = []
        self._own = ffi.gc(out[0], _free_replay(broker, self._keep))
        self._r = self._own
        broker._adopt_child(self)

    # ---- handle ----

    def _ptr(self) -> Any:
        if self._own is None:
            raise StateError("the replay is closed", ErrorCode.ESTATE)
        b = self._broker
        if b._b == _NULL:
            raise b._unusable()
        return self._r

    def _done(self, rc: int) -> None:
        b = self._broker
        if rc or b._disp is not None:
            b._fail(rc)

    def close(self) -> None:
        """Free the replay and its session (not the broker), then release the borrowed
        columns. Idempotent."""
        own = self._own
        if own is not None:
            self._own = None
            self._r = _NULL
            ffi.release(own)

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._own is None

    def __enter__(self) -> "Replay":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def broker(self) -> Broker:
        """The broker the replay trades on."""
        return self._broker

    @property
    def session(self) -> Session:
        """The replay's session (owned by the replay), to adjust before running
        (``set_symbol_lot``, ...) or to read after (``stats()``, ``positions()``)."""
        if self._session is None:
            raw = lib.paper_replay_session(self._ptr())
            self._session = Session._borrowed(raw, self, self._broker)
        return self._session

    # ---- inputs ----

    def add_bars(
        self,
        path: _PathLike,
        *,
        columns: Union[str, Mapping[str, str], None] = None,
        time_unit: Optional[str] = None,
        tz: Optional[str] = None,
        adjusted: bool = False,
    ) -> None:
        """Add bars from a CSV file, or from every ``*.csv`` of a directory (name order).
        Without a symbol column a file holds one symbol, its name without ``.csv``. Files
        other tools write (Yahoo, yfinance, Stooq, Binance, Alpaca, Polygon, pandas'
        ``to_csv``) are read in their dialect, found from the header; :meth:`sources` says how
        each was read (docs/formats.md, "Dialects"). As ``paper replay``'s options:

        Args:
            columns: the columns of these roles, ``{"ts": "Date", "close": "Close"}`` or
                ``"ts=Date,close=Close"`` (roles ts, date, time, symbol, open, high, low,
                close, volume, adj_close); the others found by name, unknown ones ignored.
            time_unit: ``"s"``, ``"ms"``, ``"us"`` or ``"ns"``: the unit of epoch times
                (None: by their digits, 10 s, 13 ms, 16 us, 19 ns).
            tz: the zone of times written without one (``"America/New_York"``, ``"UTC"``,
                ``"+05:30"``); dates start at its midnight.
            adjusted: use the adjusted close (Yahoo's Adj Close), scaling open, high, low.

        Raises:
            LedgerError: cannot read (EIO).
            InvalidArgument: bad header or symbol name, a symbol already added, a column
                ``columns`` names that the header lacks (EFORMAT); an unknown role, zone or
                unit (EINVAL).
        """
        units = {None: lib.PAPER_TIME_UNIT_AUTO, "s": lib.PAPER_TIME_UNIT_S,
                 "ms": lib.PAPER_TIME_UNIT_MS, "us": lib.PAPER_TIME_UNIT_US,
                 "ns": lib.PAPER_TIME_UNIT_NS}
        if time_unit not in units:
            raise InvalidArgument(f"time_unit must be s, ms, us, ns or None, not {time_unit!r}",
                                  ErrorCode.EINVAL)
        if not isinstance(adjusted, bool):
            raise TypeError(f"adjusted must be a bool, not {type(adjusted).__name__}")
        if isinstance(columns, Mapping):
            columns = ",".join(f"{role}={name}" for role, name in columns.items())
        if columns is not None and not isinstance(columns, str):
            raise TypeError(f"columns must be a str or a mapping, not {type(columns).__name__}")
        o = ffi.new("paper_replay_bars_options *")
        check(lib.paper_replay_bars_options_init(o, lib.PAPER_REPLAY_BARS_OPTIONS_VERSION))
        held = []  # the option strings, alive during the call
        if columns is not None:
            held.append(ffi.new("char[]", _bytes(columns, "columns", 1 << 16)))
            o.columns = held[-1]
        if tz is not None:
            held.append(ffi.new("char[]", _bytes(tz, "tz", 256)))
            o.tz = held[-1]
        o.time_unit = units[time_unit]
        o.adjusted = adjusted
        check(lib.paper_replay_add_bars_file_with(self._ptr(), _path(path, "path"), o))

    def add_bar_columns(
        self,
        symbols: Union[str, Sequence[str]],
        ts: Any,
        open: Any,
        high: Any,
        low: Any,
        close: Any,
        volume: Any = None,
        *,
        symbol: Any = None,
        fixed_point: bool = False,
    ) -> None:
        """Add in-memory bars as columns, borrowed without a copy until the replay is closed.

        Args:
            symbols: the symbol names (one name, or a list indexed by ``symbol``).
            ts: bar open times, int64 microseconds (a buffer, or a list of ints/datetimes).
            open, high, low, close: prices, float64 buffers (or int64 in units of 1e-8 with
                ``fixed_point=True``).
            volume: volumes (same type as the prices), or None for 0.
            symbol: per row, the index into ``symbols`` (uint32); None with one symbol.
        Rows must be in time order (ties in any order), each symbol's strictly increasing.

        Raises:
            InvalidArgument: columns of different lengths, missing arrays, a bad symbol name
                or index (EINVAL); a symbol already added (EFORMAT).
        """
        r = self._ptr()
        names = [symbols] if isinstance(symbols, str) else list(symbols)
        if not names:
            raise InvalidArgument("symbols: no symbol name given", ErrorCode.EINVAL)
        if not isinstance(fixed_point, bool):
            raise TypeError(f"fixed_point must be a bool, not {type(fixed_point).__name__}")
        price = _buffers.int64s if fixed_point else _buffers.doubles
        held: List[Any] = []
        try:
            name_c = [ffi.new("char[]", _bytes(n, "symbols", lib.PAPER_SYMBOL_MAX)) for n in names]
            held.extend(name_c)
            name_arr = ffi.new("const char *[]", name_c)
            held.append(name_arr)
            cols = {k: price(v, k) for k, v in
                    (("open", open), ("high", high), ("low", low), ("close", close))}
            t = _buffers.int64s(ts, "ts")
            held.extend([t, *cols.values()])
            vol = price(volume, "volume") if volume is not None else None
            idx = _buffers.uint32s(symbol, "symbol") if symbol is not None else None
            held.extend(x for x in (vol, idx) if x is not None)
            n = t.n
            for name, b in [*cols.items(), ("volume", vol), ("symbol", idx)]:
                if b is not None and b.n != n:
                    raise InvalidArgument(
                        f"{name} has {b.n} rows, ts has {n}", ErrorCode.EINVAL)
            c = ffi.new("paper_bar_columns *")
            c.version = lib.PAPER_BAR_COLUMNS_VERSION
            c.n_rows = n
            c.symbols = name_arr
            c.n_symbols = len(names)
            c.symbol = idx.ptr if idx is not None else _NULL
            c.ts = t.ptr
            suffix = "_e8" if fixed_point else ""
            for k, b in cols.items():
                setattr(c, k + suffix, b.ptr)
            setattr(c, "volume" + suffix, vol.ptr if vol is not None else _NULL)
            rc = lib.paper_replay_add_bar_columns(r, c)
        except BaseException:
            for b in held:
                if isinstance(b, _buffers.Borrowed):
                    ffi.release(b.ptr)
            raise
        if rc:
            for b in held:
                if isinstance(b, _buffers.Borrowed):
                    ffi.release(b.ptr)
            check(rc)
        self._keep.extend(held)

    def add_frames(
        self,
        data: Any,
        symbol: Optional[str] = None,
        *,
        adjusted: bool = False,
        columns: Optional[Mapping[str, str]] = None,
    ) -> None:
        """Add bars from pandas DataFrames through the columnar API (no CSV round trip): one
        frame with a ``symbol`` column, one frame of ``symbol``, or a ``{symbol: frame}``
        mapping. float64 columns are borrowed without a copy until the replay is closed.

        The times are the frame's DatetimeIndex (naive: UTC; aware: converted exactly), the
        columns are found by name in any case (open, high, low, close, volume; ``Adj Close``
        only with ``adjusted=True``, which scales the prices by it); ``columns`` names them
        explicitly (``{"close": "Last"}``). docs/python.md has every rule.

        Raises:
            ImportError: pandas is not installed (python3-pandas).
            TypeError: not a DataFrame, no DatetimeIndex, non-numeric columns.
            InvalidArgument: a missing column, a time with a fraction of a microsecond, a
                symbol's rows out of time order (EFORMAT); a bad row - NaN, a price <= 0,
                high < low, a duplicate time - naming the symbol, the row and its time,
                unless the replay skips bad rows (``skip_bad_rows=True``: skipped and counted
                in ``stats().rows_skipped``, as in CSV files).
        """
        from .barcols import check
        from .frames import bar_sources

        self._ptr()
        for src in bar_sources(data, symbol, adjusted=adjusted, columns=columns):
            check(src, self._skip)
            self.add_bar_columns(src.names, src.ts, src.open, src.high, src.low, src.close,
                                 src.volume, symbol=src.codes)

    def add_signals_file(self, path: _PathLike) -> None:
        """Add signals from a CSV file (timestamp, symbol, side, confidence and optionally
        take_profit, stop_loss, risk, signal_id, strategy, ref_price; rows in time order)."""
        check(lib.paper_replay_add_signals_file(self._ptr(), _path(path, "path")))

    def add_signals(self, signals: Iterable[Signal]) -> None:
        """Add in-memory signals (copied; sorted by time, stably). Each needs a ``ts``."""
        sigs = list(signals)
        if not sigs:
            return
        arr = ffi.new("paper_signal[]", len(sigs))
        keep: List[Any] = []
        for i, s in enumerate(sigs):
            if not isinstance(s, Signal):
                raise TypeError(f"signals[{i}] must be a paperlib.Signal, not {type(s).__name__}")
            s.to_c(arr[i], keep)
        check(lib.paper_replay_add_signals(self._ptr(), arr, len(sigs)))

    # ---- running ----

    def run_until(self, until: Timestamp) -> None:
        """Run every bar and signal stamped before ``until``; call again to continue."""
        rc = lib.paper_replay_run_until(self._ptr(), to_ts(until, "until"))
        self._done(rc)

    def run(self) -> "Replay":
        """Run to the end of the input and finish (close positions at the end with
        close_at_end). Returns the replay.

        Raises:
            InvalidArgument: bad input (EFORMAT: file, line, field).
            StateError: finished or failed before (ESTATE).
        """
        rc = lib.paper_replay_run(self._ptr())
        self._done(rc)
        return self

    # ---- results ----

    def stats(self) -> ReplayStats:
        """The input counters."""
        st = ffi.new("paper_replay_stats *")
        st.version = lib.PAPER_REPLAY_STATS_VERSION
        check(lib.paper_replay_stats_get(self._ptr(), st))
        return ReplayStats(
            st.sources, st.symbols, st.bars, st.bars_out_of_range, st.rows_skipped, st.signals,
            st.signals_skipped, st.signals_out_of_range, st.signals_after_data,
            st.trades_written, st.first_ts, st.last_ts)

    def sources(self) -> List[SourceInfo]:
        """How each bars input was read, in the order added: its dialect (``"yahoo"``,
        ``"binance"``, ... ``"memory"`` for columns) and a one-line report."""
        r = self._ptr()
        si = ffi.new("paper_replay_source_info *")
        out = []
        for i in range(lib.paper_replay_source_count(r)):
            si.version = lib.PAPER_REPLAY_SOURCE_INFO_VERSION
            check(lib.paper_replay_source_get(r, i, si))
            out.append(SourceInfo(
                os.fsdecode(ffi.string(si.name)), ffi.string(si.dialect).decode(),
                ffi.string(si.report).decode("utf-8", "replace"), si.rows, si.rows_skipped,
                si.rows_empty, si.values_rounded))
        return out

    def summary_json(self, equity_curve: bool = False) -> str:
        """The session summary with an ``"input"`` object of the replay's counters, as
        libpaper's JSON (docs/formats.md)."""
        if not isinstance(equity_curve, bool):
            raise TypeError(f"equity_curve must be a bool, not {type(equity_curve).__name__}")
        out = ffi.new("char **")
        check(lib.paper_replay_summary_json(
            self._ptr(), lib.PAPER_SUMMARY_EQUITY_CURVE if equity_curve else 0, out))
        try:
            return ffi.string(out[0]).decode("utf-8")
        finally:
            lib.paper_string_free(out[0])

    def summary(self, equity_curve: bool = False) -> Any:
        """:meth:`summary_json`, parsed."""
        return json.loads(self.summary_json(equity_curve))

    def days_df(self) -> Any:
        """:meth:`days` as a pandas DataFrame indexed by day (``datetime64[ns, UTC]``)."""
        from .frames import records_frame

        return records_frame(DayInfo, self.days(), index="day")

    def trades_df(self) -> Any:
        """The broker's closed trades as a pandas DataFrame (:meth:`Broker.trades_df`)."""
        return self._broker.trades_df()

    def days(self) -> List[DayInfo]:
        """The per-day breakdown of a run with ``daily=True``, oldest first."""
        r = self._ptr()
        d = ffi.new("paper_day_info *")
        out = []
        for i in range(lib.paper_replay_day_count(r)):
            d.version = lib.PAPER_DAY_INFO_VERSION
            check(lib.paper_replay_day_at(r, i, d))
            out.append(DayInfo(
                d.day, d.start_equity, d.end_equity, d.pnl, d.fees, d.trades, d.wins, d.losses,
                d.bars, d.signals, d.entries, d.open_positions, d.start_equity_e8,
                d.end_equity_e8, d.fees_e8))
        return out

    def walk_forward_json(self) -> str:
        """The walk-forward summary of a finished daily run (docs/formats.md).
        Raises :class:`~paperlib.StateError` unless run with ``daily=True``."""
        out = ffi.new("char **")
        check(lib.paper_replay_walk_forward_json(self._ptr(), out))
        try:
            return ffi.string(out[0]).decode("utf-8")
        finally:
            lib.paper_string_free(out[0])

    def walk_forward(self) -> Any:
        """:meth:`walk_forward_json`, parsed."""
        return json.loads(self.walk_forward_json())


def replay(
    bars: Union[_PathLike, Sequence[_PathLike], Mapping[str, Any]],
    signals: Union[_PathLike, Iterable[Signal], None] = None,
    *,
    config: Union[Config, Mapping[str, ConfigValue], None] = None,
    lots: Optional[Mapping[str, float]] = None,
    symbol: Optional[str] = None,
    **options: Any,
) -> Replay:
    """Replay bars (and signals) through a new broker and session, and return the finished
    :class:`Replay` (``.broker``, ``.session``, ``.summary()``, ``.stats()``).

    Args:
        bars: a CSV file or directory, a list of them, in-memory columns as a mapping with
            the keywords of :meth:`Replay.add_bar_columns` (``symbols``, ``ts``, ``open``,
            ...; numpy arrays are borrowed without a copy), or pandas DataFrames as
            :meth:`Replay.add_frames` takes them (a frame with a symbol column, a frame with
            ``symbol=``, or a ``{symbol: frame}`` mapping).
        symbol: the symbol of a single DataFrame without a symbol column.
        signals: a signals CSV file, or :class:`~paperlib.Signal` records, or None.
        config: the broker's config (a :class:`~paperlib.Config` or a mapping).
        lots: lot sizes per symbol, as ``paper replay --lot SYMBOL=SIZE``: entries of the
            symbol round down to multiples of the size, and a size that is not a whole
            number allows fractional quantities (``{"BTC-USD": 0.0001}``); see
            :meth:`Session.set_symbol_lot`.
        options: :class:`Replay` options (``close_at_end``, ``daily``, ``start``, ...).
    """
    if lots is not None and not isinstance(lots, Mapping):
        raise TypeError(f"lots must be a mapping of symbol to lot size, not {type(lots).__name__}")
    broker = Broker(config)
    r = Replay(broker, **options)
    for name, size in (lots or {}).items():
        # Fractional exactly when paper replay --lot makes it so: a size with a fraction.
        try:
            fractional = not float(size).is_integer()
        except (TypeError, ValueError, OverflowError):
            fractional = False  # not a number: set_symbol_lot() says so
        r.session.set_symbol_lot(name, size, fractional=fractional)
    if _is_frames(bars):
        r.add_frames(bars, symbol)
    elif symbol is not None:
        raise TypeError("symbol= names the symbol of a DataFrame")
    elif isinstance(bars, Mapping):
        r.add_bar_columns(**bars)
    elif isinstance(bars, (str, os.PathLike)):
        r.add_bars(bars)
    else:
        for p in bars:
            r.add_bars(p)
    if signals is not None:
        if isinstance(signals, (str, os.PathLike)):
            r.add_signals_file(signals)
        else:
            r.add_signals(signals)
    return r.run()
