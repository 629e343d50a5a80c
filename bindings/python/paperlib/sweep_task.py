"""What a sweep's tasks run on a Dask worker: replays of parameter sets over shared inputs.

:class:`BarsInput` and :class:`SignalsInput` are the inputs of every replay of a sweep, built
once on the client. In-memory inputs (numpy columns, :class:`~paperlib.Signal` records) are
scattered to each worker once and handed to every task there as the same object; CSV paths
are read by libpaper's own reader in each replay, from storage every worker sees under the
same path - each worker checks once that a file has the size and modification time the
client saw, so a host with a stale copy fails loudly instead of giving other numbers.

:func:`run_one` is one parameter set: a new broker with the set's config, a
:class:`~paperlib.Replay` with the inputs, the run, the metrics report - exactly what
``paperlib.replay(bars, signals, config=settings)`` followed by ``broker.metrics()`` does, so
the numbers are the same to the last bit wherever and in whatever order the sets run.
"""

from __future__ import annotations

import os
import threading
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from ._paperlib import ffi, lib
from .broker import Broker
from .errors import ErrorCode, InvalidArgument, PaperError, check
from .frames import is_frame, is_frames
from .replay import Replay
from .session import Signal
from .timeutil import to_ts

__all__ = ["BarsInput", "SignalsInput", "Job", "run_one", "run_chunk", "data_range"]

_PathLike = Union[str, "os.PathLike[str]"]
#: (path, size, whole seconds of mtime) of each file, or of each *.csv of a directory
_Stamp = Tuple[Tuple[str, int, int], ...]
#: One replay to run: (job id, settings, start, end, extras wanted).
Job = Tuple[int, Mapping[str, Any], Optional[int], Optional[int], Tuple[str, ...]]

_checked: Dict[Tuple[str, _Stamp], bool] = {}
_checked_lock = threading.Lock()


def _stamp(path: str) -> _Stamp:
    """What a worker compares with the client: sizes and mtimes (to the second, which
    copies made with ``cp -p`` or ``rsync -a`` keep)."""
    if os.path.isdir(path):
        names = sorted(n for n in os.listdir(path) if n.endswith(".csv"))
        files = [os.path.join(path, n) for n in names]
    else:
        files = [path]
    out = []
    for f in files:
        st = os.stat(f)
        out.append((f, st.st_size, int(st.st_mtime)))
    return tuple(out)


class BarsInput:
    """The bars of a sweep: absolute CSV paths (files or directories) with their stamps, or
    in-memory column sets, each the keywords of one :meth:`Replay.add_bar_columns` call."""

    def __init__(self, paths: Sequence[Tuple[str, _Stamp]] = (),
                 columns: Optional[Mapping[str, Any]] = None,
                 column_sets: Optional[Sequence[Mapping[str, Any]]] = None) -> None:
        self.paths = tuple(paths)
        sets = list(column_sets) if column_sets is not None else []
        if columns is not None:
            sets.append(columns)
        self.column_sets = tuple(dict(c) for c in sets) if sets else None

    def __getstate__(self) -> Dict[str, Any]:
        return {"paths": self.paths, "column_sets": self.column_sets}

    def __setstate__(self, state: Dict[str, Any]) -> None:
        # Dask scatters with pickle protocol 5: a numpy column is rebuilt over the received
        # frame, at whatever address it landed (not a multiple of 8, as measured). libpaper
        # may not read a double there, so every replay would copy it (paperlib._buffers):
        # twice the CPU time of a replay of 200,000 bars. One aligned copy per worker instead.
        self.paths = state["paths"]
        sets = state["column_sets"]
        self.column_sets = None if sets is None else tuple(
            {k: _aligned(v) for k, v in cols.items()} for cols in sets)

    @classmethod
    def of(cls, bars: Any) -> "BarsInput":
        """Normalise what :func:`paperlib.sweep` accepts: a path, a list of paths, a mapping
        of columns, or DataFrames as :func:`paperlib.replay` takes them (a frame with a
        ``symbol`` column, or a ``{symbol: frame}`` mapping: docs/python.md, "DataFrames
        in"), checked here by the same rules, so a bad row fails before anything is
        scheduled."""
        if isinstance(bars, BarsInput):
            return bars
        if isinstance(bars, (str, os.PathLike)):
            bars = [bars]
        if is_frames(bars):
            return cls(column_sets=_frame_column_sets(bars))
        if isinstance(bars, Mapping):
            return cls(columns=bars)
        if isinstance(bars, Iterable):
            paths = []
            for p in bars:
                if not isinstance(p, (str, os.PathLike)):
                    raise TypeError(f"bars: a path, a list of paths, a mapping of columns or a "
                                    f"DataFrame, not a list holding {type(p).__name__}")
                full = os.path.abspath(os.fsdecode(os.fspath(p)))
                try:
                    paths.append((full, _stamp(full)))
                except OSError as e:
                    raise InvalidArgument(f"bars: {full}: {e.strerror}", ErrorCode.EIO) from None
            if not paths:
                raise InvalidArgument("bars: no path given", ErrorCode.EINVAL)
            return cls(paths=paths)
        raise TypeError(f"bars: a path, a list of paths, a mapping of columns or a DataFrame, "
                        f"not {type(bars).__name__}")

    def add_to(self, r: Replay) -> None:
        if self.column_sets is not None:
            for cols in self.column_sets:
                r.add_bar_columns(**cols)
            return
        for path, stamp in self.paths:
            _check_stamp(path, stamp)
            r.add_bars(path)

    @property
    def in_memory(self) -> bool:
        return self.column_sets is not None


def _aligned(column: Any) -> Any:
    """A numpy array at an address aligned for its type (a copy when it is not); anything
    else as it is."""
    flags = getattr(column, "flags", None)
    if flags is not None and not flags.aligned:
        return column.copy()
    return column


def _check_stamp(path: str, stamp: _Stamp) -> None:
    key = (path, stamp)
    with _checked_lock:
        if key in _checked:
            return
    try:
        here = _stamp(path)
    except OSError as e:
        raise InvalidArgument(f"{path}: {e.strerror} on this worker (host {os.uname().nodename}); "
                              f"a sweep's files must be on storage every worker sees under the "
                              f"same path", ErrorCode.EIO) from None
    if here != stamp:
        raise InvalidArgument(
            f"{path} differs on worker host {os.uname().nodename} from what the client saw "
            f"(size or modification time): every worker must read the same data",
            ErrorCode.EIO)
    with _checked_lock:
        _checked[key] = True


def _frame_column_sets(data: Any) -> List[Dict[str, Any]]:
    """DataFrames as :meth:`Replay.add_frames` adds them: one column set per frame, checked
    by the same rules (paperlib.frames, paperlib.barcols). Plain arrays and names only, so
    they pickle (Dask scatters them) without the frames."""
    from .barcols import check as check_rows
    from .frames import bar_sources

    out = []
    for src in bar_sources(data):
        check_rows(src, False)
        out.append({"symbols": list(src.names), "ts": src.ts, "open": src.open,
                    "high": src.high, "low": src.low, "close": src.close,
                    "volume": src.volume, "symbol": src.codes})
    return out


class SignalsInput:
    """The signals of a sweep: CSV paths, or :class:`~paperlib.Signal` records, or none.
    Records are converted to C once per worker process and the array reused by every replay
    there (libpaper copies signals into each replay)."""

    def __init__(self, paths: Sequence[Tuple[str, _Stamp]] = (),
                 records: Optional[Sequence[Signal]] = None) -> None:
        self.paths = tuple(paths)
        self.records = tuple(records) if records is not None else None
        self._c: Any = None
        self._lock = threading.Lock()

    def __getstate__(self) -> Dict[str, Any]:
        return {"paths": self.paths, "records": self.records}

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self.paths = state["paths"]
        self.records = state["records"]
        self._c = None
        self._lock = threading.Lock()

    @classmethod
    def of(cls, signals: Any) -> "SignalsInput":
        """None, a path, a list of paths, :class:`~paperlib.Signal` records, or a pandas
        DataFrame of signals (``timestamp``/``ts`` - datetimes, naive ones UTC, or int
        microseconds -, ``symbol``, ``side``/``direction``, and optionally ``confidence``,
        ``take_profit``, ``stop_loss``, ``risk``, ``signal_id``, ``strategy``, ``ref_price``;
        NaN = not given)."""
        if isinstance(signals, SignalsInput):
            return signals
        if signals is None:
            return cls()
        if isinstance(signals, (str, os.PathLike)):
            signals = [signals]
        if is_frame(signals):
            return cls(records=_frame_signals(signals))
        items = list(signals)
        if all(isinstance(s, Signal) for s in items):
            for i, s in enumerate(items):
                if s.ts is None:
                    raise InvalidArgument(f"signals[{i}] has no ts: a replay needs each signal's "
                                          f"time", ErrorCode.EINVAL)
            return cls(records=items)
        paths = []
        for p in items:
            if not isinstance(p, (str, os.PathLike)):
                raise TypeError(f"signals: paths or paperlib.Signal records, not {type(p).__name__}")
            full = os.path.abspath(os.fsdecode(os.fspath(p)))
            try:
                paths.append((full, _stamp(full)))
            except OSError as e:
                raise InvalidArgument(f"signals: {full}: {e.strerror}", ErrorCode.EIO) from None
        return cls(paths=paths)

    @property
    def in_memory(self) -> bool:
        return bool(self.records)

    def add_to(self, r: Replay) -> None:
        for path, stamp in self.paths:
            _check_stamp(path, stamp)
            r.add_signals_file(path)
        if not self.records:
            return
        with self._lock:
            if self._c is None:
                arr = ffi.new("paper_signal[]", len(self.records))
                keep: List[Any] = []
                for i, s in enumerate(self.records):
                    s.to_c(arr[i], keep)
                self._c = (arr, keep)
        arr, _ = self._c
        check(lib.paper_replay_add_signals(r._ptr(), arr, len(self.records)))


def _frame_signals(df: Any) -> List[Signal]:
    import math

    import pandas as pd

    cols = {c.lower() if isinstance(c, str) else c: c for c in df.columns}
    tcol = cols.get("timestamp", cols.get("ts"))
    dcol = cols.get("side", cols.get("direction"))
    if tcol is None or dcol is None or "symbol" not in cols:
        raise InvalidArgument("signals DataFrame: needs timestamp (or ts), symbol and side (or "
                              "direction) columns", ErrorCode.EINVAL)
    ts = df[tcol]
    if pd.api.types.is_datetime64_any_dtype(ts.dtype):
        # Naive times are UTC, as for bars DataFrames (paperlib.frames).
        if getattr(ts.dt, "tz", None) is not None:
            ts = ts.dt.tz_convert("UTC").dt.tz_localize(None)
        ns = ts.astype("int64")
        if (ns % 1000).any():
            raise InvalidArgument("signals DataFrame: a time with a fraction of a microsecond",
                                  ErrorCode.EINVAL)
        ts = ns // 1000

    def opt(name: str) -> List[Any]:
        if name not in cols:
            return [None] * len(df)
        out = []
        for v in df[cols[name]].tolist():
            missing = v is None or (isinstance(v, float) and math.isnan(v))
            out.append(None if missing else v)
        return out

    fields = {n: opt(n) for n in ("confidence", "take_profit", "stop_loss", "risk",
                                  "signal_id", "strategy", "ref_price")}
    out = []
    for i, (t, sym, side) in enumerate(zip(ts.tolist(), df[cols["symbol"]].tolist(),
                                           df[dcol].tolist())):
        extra = {k: v[i] for k, v in fields.items() if v[i] is not None}
        for k in ("signal_id", "strategy"):
            if k in extra:
                extra[k] = str(extra[k])
        out.append(Signal(str(sym), side, ts=int(t), **extra))
    return out


def _apply_lots(r: Replay, lots: Mapping[str, Tuple[float, bool]]) -> None:
    for symbol, (size, fractional) in lots.items():
        r.session.set_symbol_lot(symbol, size, fractional)


def run_one(bars: BarsInput, signals: SignalsInput, settings: Mapping[str, Any],
            lots: Mapping[str, Tuple[float, bool]] = {}, start: Optional[int] = None,
            end: Optional[int] = None, want: Tuple[str, ...] = ()) -> Dict[str, Any]:
    """One parameter set: a replay on a new broker configured with ``settings``.

    Returns ``{"metrics": {key: value}}`` (the report of ``Broker.metrics()``, every key of
    :data:`paperlib.metrics.KEYS`), plus what ``want`` asks for: ``"curve"`` the report's
    daily equity curve as ``(ts, equity)`` pairs, ``"equity"`` the broker's equity points as
    ``(ts, equity, cash)``, ``"trades"`` the closed :class:`~paperlib.Trade` records.
    """
    with Broker(settings) as broker:
        r = Replay(broker, start=start, end=end)
        try:
            _apply_lots(r, lots)
            bars.add_to(r)
            signals.add_to(r)
            r.run()
            with broker.metrics() as m:
                out: Dict[str, Any] = {"metrics": m.to_dict()}
                if "curve" in want:
                    out["curve"] = [(p.ts, p.equity) for p in m.equity_curve()]
            if "equity" in want:
                out["equity"] = [(p.ts, p.equity, p.cash) for p in broker.equity_curve()]
            if "trades" in want:
                out["trades"] = broker.trades()
            return out
        finally:
            r.close()


def run_chunk(bars: BarsInput, signals: SignalsInput, lots: Mapping[str, Tuple[float, bool]],
              jobs: Sequence[Job]) -> List[Tuple[int, bool, Any]]:
    """Run a chunk of jobs; returns ``(job id, True, result)`` or, when libpaper refused the
    run, ``(job id, False, the PaperError)``: a refusal is the same on every retry, so it is
    returned rather than raised (Dask retries only what a retry can fix: a lost worker)."""
    out: List[Tuple[int, bool, Any]] = []
    for job_id, settings, start, end, want in jobs:
        try:
            out.append((job_id, True, run_one(bars, signals, settings, lots, start, end, want)))
        except PaperError as e:
            out.append((job_id, False, e))
            break
    return out


def data_range(bars: BarsInput) -> Tuple[int, int]:
    """(first, last) bar time of the input, microseconds; InvalidArgument when it is empty."""
    if bars.column_sets is not None:
        seq = []
        for cols in bars.column_sets:
            ts = cols.get("ts")
            seq += [to_ts(t, "ts") for t in (ts.tolist() if hasattr(ts, "tolist") else ts)]
        if not seq:
            raise InvalidArgument("bars: no rows", ErrorCode.EINVAL)
        return min(seq), max(seq)
    with Broker() as broker:
        with Replay(broker) as r:
            bars.add_to(r)
            r.run()
            st = r.stats()
    if st.bars == 0:
        raise InvalidArgument("bars: no rows", ErrorCode.EINVAL)
    return st.first_ts, st.last_ts
