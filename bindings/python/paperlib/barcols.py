"""Bars in memory as numpy columns, checked up front: :class:`BarColumns`.

The form paperlib's Python-side inputs take before they reach libpaper: one set of columns
per source (a DataFrame, a CSV file, a mapping of arrays), ``ts`` in int64 microseconds since
the epoch (UTC), prices and volume as float64, and per row the index of its symbol in
``names``. :mod:`paperlib.frames` builds them from pandas; :func:`from_mapping` and
:func:`read_csv` from arrays and CSV files; :func:`merge` puts many sources in one time order
for :func:`paperlib.run`.

The bar rules are libpaper's (docs/formats.md) and are checked here as the replay checks them
- on the values rounded to the library's fixed point (1e-8), half away from zero - so that a
problem is reported with its source, row and time before anything runs:
:func:`bad_rows` finds the rows the replay would refuse (or skip with ``skip_bad_rows``).
Rows out of time order within a symbol are always refused: sort the input first.

numpy is imported by the functions that need it, never when paperlib is imported.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from typing import Any, Callable, List, Mapping, Optional, Sequence, Tuple

from .errors import ErrorCode, InvalidArgument

__all__ = ["BarColumns", "BarData", "bad_rows", "from_mapping", "read_csv", "merge", "numpy"]

FIELDS = ("open", "high", "low", "close", "volume")
_MAX_DOUBLE = 9.0e10  # libpaper's largest magnitude from a double (base/fixed.h)
_SCALE = 100_000_000.0


def numpy() -> Any:
    """The numpy module, or an ImportError that names the Debian package."""
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy is a test dependency
        raise ImportError("this paperlib function needs numpy (Debian: apt install "
                          "python3-numpy)") from None
    return np


class BarColumns:
    """One source of bars as columns (see the module doc).

    ``names``: the symbol names; ``codes``: per row the index into ``names`` (uint32), or
    None when there is one name; ``ts``: int64 microseconds; ``open`` ... ``volume``: float64
    (``volume`` may be None: 0). ``source`` names the input in messages; ``label(i)`` tells
    row i the way the user knows it (an index value, a CSV line)."""

    __slots__ = ("names", "codes", "ts", "open", "high", "low", "close", "volume", "source",
                 "_label", "skipped")

    def __init__(self, names: List[str], codes: Any, ts: Any, open: Any, high: Any, low: Any,
                 close: Any, volume: Any, source: str,
                 label: Optional[Callable[[int], str]] = None) -> None:
        self.names = names
        self.codes = codes
        self.ts = ts
        self.open, self.high, self.low, self.close, self.volume = open, high, low, close, volume
        self.source = source
        self._label = label
        self.skipped = 0  # malformed rows skipped while reading (skip_bad_rows)

    def __len__(self) -> int:
        return len(self.ts)

    def label(self, i: int) -> str:
        """How the user finds row i: ``"row 17 (2024-01-02 15:30:00+00:00)"``."""
        if self._label is not None:
            return self._label(i)
        return f"row {i} ({_iso(int(self.ts[i]))})"

    def symbol_of(self, i: int) -> str:
        return self.names[0] if self.codes is None else self.names[int(self.codes[i])]

    def columns(self) -> Tuple[Any, ...]:
        return (self.open, self.high, self.low, self.close, self.volume)

    def take(self, rows: Any) -> "BarColumns":
        """The rows selected by an index array or a boolean mask (copies)."""
        np = numpy()
        pick = np.asarray(rows)
        kept = np.flatnonzero(pick) if pick.dtype == bool else pick
        label = self._label
        return BarColumns(
            self.names, None if self.codes is None else self.codes[pick], self.ts[pick],
            *(None if c is None else c[pick] for c in self.columns()), source=self.source,
            label=None if label is None else (lambda i: label(int(kept[i]))))


def _iso(ts: int) -> str:
    from .timeutil import from_ts

    try:
        return from_ts(ts).isoformat().replace("+00:00", "Z")
    except OverflowError:
        return f"{ts} us"


def _e8(np: Any, x: Any) -> Tuple[Any, Any]:
    """x in units of 1e-8 rounded half away from zero as libpaper does, and a mask of the
    values libpaper refuses (NaN, infinities, magnitudes above 9e10)."""
    bad = ~(np.abs(x) <= _MAX_DOUBLE)
    y = np.where(bad, 0.0, x) * _SCALE
    t = y.astype(np.int64)
    f = y - t
    return t + (f >= 0.5) - (f <= -0.5), bad


def _explain(cols: BarColumns, i: int, why: str, field: Optional[str]) -> str:
    where = f"{cols.source}, {cols.label(i)}"
    if len(cols.names) > 1:
        where += f", symbol {cols.symbol_of(i)}"
    return f"{where}: field '{field}': {why}" if field else f"{where}: {why}"


def bad_rows(cols: BarColumns) -> Tuple[Any, Callable[[int], str]]:
    """The rows libpaper would refuse, as a boolean mask, and a function explaining row i.

    A row is bad when a value is not a finite number of at most 9e10, a price is <= 0, the
    volume is negative, high < low, open or close is outside [low, high], or it repeats the
    time of an earlier good row of its symbol (a duplicate bar: the first one is kept).
    Raises :class:`~paperlib.InvalidArgument` (EFORMAT) for a symbol's rows out of time order.
    """
    np = numpy()
    n = len(cols)
    o, h, lo, cl, vol = (np.zeros(n) if c is None else c for c in cols.columns())
    # Rounding to 1e-8 is monotonic, so rows that pass in doubles (with low at least half a
    # unit) pass in fixed point too; only the others are converted and checked exactly.
    with np.errstate(invalid="ignore"):
        ok = (lo >= 1e-8) & (h <= _MAX_DOUBLE) & (h >= lo) & (o >= lo) & (o <= h) \
            & (cl >= lo) & (cl <= h) & (vol >= 0) & (vol <= _MAX_DOUBLE)
    bad = np.zeros(n, dtype=bool)
    rest = np.flatnonzero(~ok)
    if len(rest):
        bad[rest] = _bad_exact(np, [c[rest] for c in (o, h, lo, cl, vol)])
    _check_order(np, cols)
    bad |= _duplicates(np, cols, ~bad)

    def explain(i: int) -> str:
        values = [None if c is None else float(c[i]) for c in cols.columns()]
        e8 = [0 if x is None else int(_e8(np, np.array([x]))[0][0]) for x in values]
        for k, name in enumerate(FIELDS):
            x = values[k]
            if x is not None and not abs(x) <= _MAX_DOUBLE:
                return _explain(cols, i, f"not a finite number of at most 9e10 (got {x:g})", name)
        for k, name in enumerate(FIELDS[:4]):
            if e8[k] <= 0:
                return _explain(cols, i, f"price must be > 0 (got {values[k]!r})", name)
        if e8[4] < 0:
            return _explain(cols, i, f"negative volume {values[4]!r}", "volume")
        if e8[1] < e8[2]:
            return _explain(cols, i, f"high {values[1]!r} is below low {values[2]!r}", "high")
        if e8[0] < e8[2] or e8[0] > e8[1]:
            return _explain(cols, i, f"open {values[0]!r} is outside [low, high]", "open")
        if e8[3] < e8[2] or e8[3] > e8[1]:
            return _explain(cols, i, f"close {values[3]!r} is outside [low, high]", "close")
        return _explain(cols, i, "duplicate timestamp: the symbol has a bar at this time "
                        "already", "timestamp")

    return bad, explain


def _bad_exact(np: Any, values: List[Any]) -> Any:
    """The replay's row rules on values rounded to 1e-8 (replay_bars.c check_row)."""
    nonfinite = np.zeros(len(values[0]), dtype=bool)
    e8 = []
    for c in values:
        v, b = _e8(np, c)
        e8.append(v)
        nonfinite |= b
    o, h, lo, cl, vol = e8
    return nonfinite | (lo <= 0) | (vol < 0) | (h < lo) | (o < lo) | (o > h) | (cl < lo) \
        | (cl > h)


def _check_order(np: Any, cols: BarColumns) -> None:
    """Refuse a symbol's rows out of time order (naming the first such row)."""
    ts = cols.ts
    if len(ts) < 2:
        return
    if cols.codes is None:
        back = np.flatnonzero(ts[1:] < ts[:-1])
        if len(back):
            i = int(back[0]) + 1
            raise InvalidArgument(_explain(cols, i, f"not sorted: earlier than {cols.label(i - 1)}"
                                           " (sort by time first, e.g. df.sort_index())",
                                           "timestamp"), ErrorCode.EFORMAT)
        return
    if not (ts[1:] < ts[:-1]).any():
        return  # in time order: so is every symbol
    order = np.argsort(cols.codes, kind="stable")
    c, t = cols.codes[order], ts[order]
    back = np.flatnonzero((c[1:] == c[:-1]) & (t[1:] < t[:-1]))
    if len(back):
        i, j = int(order[back[0] + 1]), int(order[back[0]])
        raise InvalidArgument(_explain(cols, i, f"not sorted: earlier than {cols.label(j)} of "
                                       "the same symbol (sort by time first, e.g. "
                                       "df.sort_index(kind='stable'))", "timestamp"),
                              ErrorCode.EFORMAT)


def _duplicates(np: Any, cols: BarColumns, good: Any) -> Any:
    """Rows repeating the (symbol, time) of an earlier good row; bad rows never count."""
    n = len(cols)
    dup = np.zeros(n, dtype=bool)
    idx = np.flatnonzero(good)
    if len(idx) < 2:
        return dup
    t = cols.ts[idx]
    if cols.codes is None:
        same = t[1:] == t[:-1]  # each symbol's times do not go back: repeats are adjacent
        dup[idx[1:][same]] = True
        return dup
    c = cols.codes[idx]
    if not (t[1:] < t[:-1]).any():
        # In time order: number the timestamps; (timestamp, symbol) keys that only increase
        # (each timestamp's symbols in index order, as time-major data has them) hold no
        # repeat, which saves the sort.
        key = np.cumsum(np.concatenate(([0], t[1:] != t[:-1]))) * (int(c.max()) + 1) + c
        if not (key[1:] <= key[:-1]).any():
            return dup
    order = np.lexsort((idx, t, c))  # by symbol, time, then row: the first one stays
    same = (c[order][1:] == c[order][:-1]) & (t[order][1:] == t[order][:-1])
    dup[idx[order[1:][same]]] = True
    return dup


def check(cols: BarColumns, skip_bad_rows: bool) -> Any:
    """Refuse the first bad row (EFORMAT), or return the mask of the bad rows to skip."""
    bad, explain = bad_rows(cols)
    if not skip_bad_rows and bad.any():
        i = int(bad.argmax())
        raise InvalidArgument(explain(i) + "; drop such rows or pass skip_bad_rows=True",
                              ErrorCode.EFORMAT)
    return bad


# ---- from arrays ----

def float_column(np: Any, values: Any, what: str) -> Any:
    """A float64 one-dimensional contiguous array of values: the array itself when it is one
    (no copy), else one conversion (ints, float32, lists). Booleans, text and objects are
    refused (TypeError)."""
    a = np.asarray(values)
    if a.ndim != 1:
        raise TypeError(f"{what} must be one-dimensional (got {a.ndim} dimensions)")
    if a.dtype.kind not in "fiu":
        raise TypeError(f"{what} must hold numbers, not {a.dtype} values; convert it first "
                        "(pandas.to_numeric)")
    if a.dtype != np.float64:
        a = a.astype(np.float64)
    return np.ascontiguousarray(a)


def from_mapping(columns: Mapping[str, Any], source: str = "columns") -> BarColumns:
    """A :class:`BarColumns` from the keywords of :meth:`paperlib.Replay.add_bar_columns`:
    ``symbols``, ``ts`` (int64 microseconds or datetime64), ``open``, ``high``, ``low``,
    ``close``, optional ``volume`` and ``symbol`` (per-row index into ``symbols``)."""
    np = numpy()
    unknown = set(columns) - {"symbols", "ts", "symbol", "fixed_point", *FIELDS}
    if unknown:
        raise TypeError(f"unknown column keys: {', '.join(sorted(unknown))}")
    if columns.get("fixed_point"):
        raise TypeError("fixed_point columns are for Replay.add_bar_columns; give prices as "
                        "floats here")
    missing = [k for k in ("symbols", "ts", "open", "high", "low", "close") if k not in columns]
    if missing:
        raise TypeError(f"bar columns need {', '.join(missing)}")
    symbols = columns["symbols"]
    names = [symbols] if isinstance(symbols, str) else list(symbols)
    for s in names:
        if not isinstance(s, str):
            raise TypeError(f"symbols must be str, not {type(s).__name__}")
    ts = ts_column(np, columns["ts"], "ts")
    vals = [None if columns.get(k) is None else float_column(np, columns[k], k) for k in FIELDS]
    codes = columns.get("symbol")
    if codes is not None:
        codes = np.asarray(codes)
        if codes.dtype.kind not in "iu" or codes.ndim != 1:
            raise TypeError("symbol must be a one-dimensional array of ints")
        if len(codes) and (codes.min() < 0 or codes.max() >= len(names)):
            raise InvalidArgument(f"symbol: an index outside 0 .. {len(names) - 1}",
                                  ErrorCode.EINVAL)
        codes = np.ascontiguousarray(codes, dtype=np.uint32)
    elif len(names) != 1:
        raise InvalidArgument("symbol (the per-row index into symbols) is required with more "
                              "than one symbol", ErrorCode.EINVAL)
    for k, v in zip(("symbol", *FIELDS), (codes, *vals)):
        if v is not None and len(v) != len(ts):
            raise InvalidArgument(f"{k} has {len(v)} rows, ts has {len(ts)}", ErrorCode.EINVAL)
    return BarColumns(names, codes, ts, *vals, source=source)


def ts_column(np: Any, values: Any, what: str) -> Any:
    """Times as int64 microseconds: int arrays as they are, datetime64 converted exactly
    (times with a fraction of a microsecond are refused)."""
    a = np.asarray(values)
    if a.dtype.kind == "M":
        unit = np.datetime_data(a.dtype)[0]
        return us_from_units(np, a.view(np.int64), unit, what)
    if a.dtype.kind not in "iu" or a.ndim != 1:
        from .timeutil import to_ts

        a = np.array([to_ts(x, f"{what}[{i}]") for i, x in enumerate(values)], dtype=np.int64)
    return np.ascontiguousarray(a, dtype=np.int64)


_PER_US = {"ns": 1000}
_US_PER = {"us": 1, "ms": 1000, "s": 1_000_000, "m": 60_000_000, "h": 3_600_000_000,
           "D": 86_400_000_000}
_NAT = -(2**63)


def us_from_units(np: Any, raw: Any, unit: str, what: str,
                  label: Optional[Callable[[int], str]] = None) -> Any:
    """int64 counts of ``unit`` (numpy's datetime units) as microseconds, exactly: NaT and
    times with a fraction of a microsecond are refused, naming the first such row."""
    where = label or (lambda i: f"row {i}")
    nat = np.flatnonzero(raw == _NAT)
    if len(nat):
        raise InvalidArgument(f"{what}: {where(int(nat[0]))}: the time is missing",
                              ErrorCode.EFORMAT)
    if unit in _PER_US:
        d = _PER_US[unit]
        frac = np.flatnonzero(raw % d)
        if len(frac):
            i = int(frac[0])
            raise InvalidArgument(
                f"{what}: {where(i)}: {int(raw[i])} {unit} is not a whole number of "
                "microseconds (libpaper's resolution); round the times first, e.g. "
                "df.index.floor('us')", ErrorCode.EFORMAT)
        return np.ascontiguousarray(raw // d)
    if unit not in _US_PER:
        raise TypeError(f"{what}: datetime64 unit {unit!r} is not supported (use ns, us, ms "
                        "or s)")
    m = _US_PER[unit]
    limit = (2**63 - 1) // m
    far = np.flatnonzero(np.abs(raw) > limit)
    if len(far):
        raise InvalidArgument(f"{what}: {where(int(far[0]))}: outside the 64-bit microsecond "
                              "range", ErrorCode.ETIME)
    return np.ascontiguousarray(raw * m) if m != 1 else np.ascontiguousarray(raw)


# ---- from CSV files ----

_HEADER = ("timestamp", "open", "high", "low", "close", "volume", "symbol")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?\Z")
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})"
                  r"(?:\.([0-9]{1,6}))?Z\Z")
_EPOCH = re.compile(r"(-?[0-9]+)(?:\.([0-9]{1,6}))?\Z")
_SYMBOL = re.compile(r"[A-Za-z0-9._/:^=-]{1,31}\Z")


def _parse_time(text: str) -> Optional[int]:
    m = _ISO.match(text)
    if m:
        y, mo, d, hh, mi, ss = (int(g) for g in m.groups()[:6])
        try:
            dt = datetime(y, mo, d, hh, mi, ss, tzinfo=timezone.utc)
        except ValueError:
            return None
        frac = (m.group(7) or "").ljust(6, "0")
        return int(dt.timestamp()) * 1_000_000 + int(frac)
    m = _EPOCH.match(text)
    if m:
        whole = int(m.group(1))
        frac = int((m.group(2) or "").ljust(6, "0"))
        return whole * 1_000_000 + (-frac if m.group(1).startswith("-") else frac)
    return None


def _number(text: str) -> Optional[float]:
    if not _NUMBER.match(text):
        return None
    if "." in text and len(text.rsplit(".", 1)[1].rstrip("0")) > 8:
        return None
    return float(text)


def read_csv(path: Any, skip_bad_rows: bool = False) -> List[BarColumns]:
    """Bars from a CSV file in libpaper's format (docs/formats.md: a header naming
    timestamp, open, high, low, close, volume and optionally symbol; ISO-8601 UTC times with
    ``Z`` or epoch seconds), or from every ``*.csv`` of a directory in name order. Without a
    symbol column the file name without ``.csv`` is the symbol. Malformed rows are refused
    naming file, line and field, or skipped with ``skip_bad_rows``; value rules are
    :func:`bad_rows`'."""
    p = os.fspath(path)
    if os.path.isdir(p):
        files = sorted(os.path.join(p, f) for f in os.listdir(p) if f.endswith(".csv"))
        return [c for f in files for c in read_csv(f, skip_bad_rows)]
    np = numpy()
    try:
        f = open(p, encoding="utf-8", newline="")
    except OSError as e:
        from .errors import LedgerError

        raise LedgerError(f"{p}: {e.strerror}", ErrorCode.EIO) from None
    with f:
        header = f.readline().rstrip("\r\n").split(",")
        for name in header:
            if name not in _HEADER or header.count(name) > 1:
                raise InvalidArgument(f"{p}:1: unknown or repeated column '{name}' (expected "
                                      f"{','.join(_HEADER[:6])}[,symbol])", ErrorCode.EFORMAT)
        missing = [c for c in _HEADER[:6] if c not in header]
        if missing:
            raise InvalidArgument(f"{p}:1: missing column(s) {', '.join(missing)}",
                                  ErrorCode.EFORMAT)
        where = {name: k for k, name in enumerate(header)}
        file_symbol = os.path.basename(p)[:-4] if p.endswith(".csv") else os.path.basename(p)
        names: List[str] = []
        code_of = {}
        rows: List[Tuple[int, int, float, float, float, float, float, int]] = []
        skipped = 0
        for line_no, line in enumerate(f, start=2):
            line = line.rstrip("\r\n")
            if not line:
                continue
            row = _csv_row(p, line_no, line, header, where)
            if isinstance(row, str):
                if skip_bad_rows:
                    skipped += 1
                    continue
                raise InvalidArgument(row, ErrorCode.EFORMAT)
            sym, values = row
            sym = sym if sym is not None else file_symbol
            code = code_of.get(sym)
            if code is None:
                code = code_of[sym] = len(names)
                names.append(sym)
            rows.append((code, *values, line_no))
    if "symbol" not in where:
        names = [file_symbol]
    n = len(rows)
    arr = np.array(rows, dtype=np.float64).reshape(n, 8) if n else np.zeros((0, 8))
    ts = np.array([r[1] for r in rows], dtype=np.int64)
    lines = np.array([r[7] for r in rows], dtype=np.int64)
    codes = np.ascontiguousarray(arr[:, 0].astype(np.uint32)) if "symbol" in where else None
    vals = [np.ascontiguousarray(arr[:, k]) for k in range(2, 7)]
    out = BarColumns(names, codes, ts, *vals, source=p, label=lambda i: f"line {int(lines[i])}")
    out.skipped = skipped
    return [out]


def _csv_row(p: str, line_no: int, line: str, header: Sequence[str], where: Mapping[str, int]):
    """(symbol or None, (ts, o, h, l, c, v)) or the error text of the line."""
    f = line.split(",")
    if len(f) != len(header):
        return f"{p}:{line_no}: expected {len(header)} comma-separated fields, found {len(f)}"
    ts = _parse_time(f[where["timestamp"]])
    if ts is None:
        return f"{p}:{line_no}: field 'timestamp': bad time '{f[where['timestamp']][:64]}'"
    values = []
    for name in FIELDS:
        x = _number(f[where[name]])
        if x is None:
            return f"{p}:{line_no}: field '{name}': malformed number '{f[where[name]][:64]}'"
        values.append(x)
    sym = None
    if "symbol" in where:
        sym = f[where["symbol"]]
        if not _SYMBOL.match(sym):
            return f"{p}:{line_no}: field 'symbol': '{sym[:64]}' is not a valid symbol"
    return sym, (ts, *values)


# ---- many sources in one time order ----

class BarData:
    """Every bar of many sources in time order (ties in source order, then row order): the
    input of :func:`paperlib.run`. ``names`` are unique; ``codes`` index them per row."""

    __slots__ = ("names", "codes", "ts", "open", "high", "low", "close", "volume",
                 "rows_skipped")

    def __init__(self, names: List[str], codes: Any, ts: Any, cols: Sequence[Any],
                 rows_skipped: int) -> None:
        self.names = names
        self.codes = codes
        self.ts = ts
        self.open, self.high, self.low, self.close, self.volume = cols
        self.rows_skipped = rows_skipped

    def __len__(self) -> int:
        return len(self.ts)


def merge(sources: Sequence[BarColumns], skip_bad_rows: bool = False) -> BarData:
    """Check every source (:func:`check`), drop the bad rows it may skip, and merge them in
    time order. A symbol may come from one source only."""
    np = numpy()
    names: List[str] = []
    owner = {}
    parts = []
    skipped = 0
    for src in sources:
        skipped += src.skipped
        bad = check(src, skip_bad_rows)
        if bad.any():
            skipped += int(bad.sum())
            src = src.take(~bad)
        base = len(names)
        for s in src.names:
            if s in owner:
                raise InvalidArgument(f"{src.source}: symbol {s} already comes from "
                                      f"{owner[s]}", ErrorCode.EFORMAT)
            owner[s] = src.source
            names.append(s)
        codes = (np.full(len(src), base, dtype=np.uint32) if src.codes is None
                 else src.codes.astype(np.uint32) + np.uint32(base))
        vol = src.volume if src.volume is not None else np.zeros(len(src))
        parts.append((codes, src.ts, src.open, src.high, src.low, src.close, vol))
    if not parts:
        z = np.zeros(0)
        return BarData([], np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.int64),
                       [z] * 5, skipped)
    cols = [np.concatenate([p[k] for p in parts]) if len(parts) > 1 else p0
            for k, p0 in enumerate(parts[0])]
    ts = cols[1]
    if len(ts) > 1 and (ts[1:] < ts[:-1]).any():
        order = np.argsort(ts, kind="stable")
        cols = [c[order] for c in cols]
    cols = [np.ascontiguousarray(c) for c in cols]
    return BarData(names, cols[0], cols[1], cols[2:], skipped)
