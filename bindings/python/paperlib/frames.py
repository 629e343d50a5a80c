"""pandas in and out: DataFrames of bars to libpaper's columns, result records to DataFrames.

In: :func:`bar_sources` reads OHLCV DataFrames - one per symbol (``{symbol: frame}``, or one
frame with ``symbol=``) or one frame with a ``symbol`` column - into
:class:`~paperlib.barcols.BarColumns` that :meth:`paperlib.Replay.add_frames` hands to
``paper_replay_add_bar_columns`` (float64 columns are borrowed without a copy) and
:func:`paperlib.run` feeds to its loop. The rules (docs/python.md, "DataFrames in"):

- times: a ``DatetimeIndex`` (or a datetime column named timestamp, datetime, date or time);
  naive times are UTC, aware ones are converted to UTC exactly; libpaper counts
  microseconds, so a time with a fraction of a microsecond is refused (``index.floor("us")``);
- columns found by name in any case, spaces and underscores ignored: open, high, low, close,
  volume (optional: 0), symbol; others (``Adj Close``, ``Dividends``) are ignored unless
  ``adjusted=True``, which scales open, high, low and close by ``adj close / close``;
  ``columns={"close": "Last"}`` names a column explicitly;
- values: float64 is used as it is; ints, float32 and nullable dtypes are converted once;
  text and objects are refused;
- rows: each symbol's times increase (a frame not in time order as a whole is reordered by
  a stable sort, a copy); a NaN, a price <= 0, high < low, open or close outside [low, high],
  negative volume or a duplicate time of a symbol is refused with an error naming the symbol,
  the row and its time - or skipped and counted with ``skip_bad_rows=True``, as the replay
  skips bad CSV rows.

Out: :func:`records_frame` turns result records (:class:`~paperlib.Trade`,
:class:`~paperlib.Fill`, ...) into a DataFrame: times (``*_ts`` microseconds) become
``*_time`` columns of dtype ``datetime64[ns, UTC]``, money and quantities float64, exact
``*_e8`` values int64, enumerations categoricals of the library's labels (``"take_profit"``).

pandas is imported only by the functions that need it; without it they raise ImportError
naming the Debian package (python3-pandas). ``import paperlib`` never imports pandas.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence

from . import enums
from .errors import ErrorCode, InvalidArgument

__all__ = ["pandas", "is_frame", "bar_sources", "records_frame", "equity_series",
           "metrics_series"]


def pandas() -> Any:
    """The pandas module, or an ImportError naming the Debian package."""
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("this paperlib function needs pandas (Debian: apt install "
                          "python3-pandas)") from None
    return pd


def is_frame(obj: Any) -> bool:
    """Whether obj is a pandas DataFrame (without importing pandas)."""
    return type(obj).__name__ == "DataFrame" and type(obj).__module__.startswith("pandas")


def is_frames(obj: Any) -> bool:
    """A DataFrame, or a non-empty mapping whose values are all DataFrames."""
    if is_frame(obj):
        return True
    return isinstance(obj, Mapping) and len(obj) > 0 and all(is_frame(v) for v in obj.values())


# ---- DataFrames in ----

_ROLES = ("open", "high", "low", "close", "volume", "symbol", "adj close")
_TIME_NAMES = ("timestamp", "datetime", "date", "time")


def _norm(name: Any) -> str:
    return re.sub(r"[\s_]+", " ", str(name).strip().lower()).replace("adjclose", "adj close")


def _find_columns(df: Any, explicit: Mapping[str, str], what: str) -> Dict[str, Any]:
    """role -> column label (open, high, low, close, volume, symbol, adj close)."""
    found: Dict[str, Any] = {}
    for role, label in explicit.items():
        if role not in _ROLES:
            raise TypeError(f"columns: unknown role {role!r} (one of: {', '.join(_ROLES)})")
        if label not in df.columns:
            raise InvalidArgument(f"{what}: no column {label!r} (columns: "
                                  f"{', '.join(map(str, df.columns))})", ErrorCode.EFORMAT)
        found[role] = label
    for label in df.columns:
        role = _norm(label)
        if role in _ROLES and role not in found and label not in found.values():
            clash = [c for c in df.columns if _norm(c) == role]
            if len(clash) > 1:
                raise InvalidArgument(f"{what}: columns {clash!r} all read as {role!r}; name "
                                      f"one with columns={{{role!r}: ...}}", ErrorCode.EFORMAT)
            found[role] = label
    missing = [r for r in ("open", "high", "low", "close") if r not in found]
    if missing:
        raise InvalidArgument(f"{what}: no {', '.join(missing)} column (columns: "
                              f"{', '.join(map(str, df.columns))}); name them with columns=",
                              ErrorCode.EFORMAT)
    return found


def _values(pd: Any, np: Any, s: Any, what: str) -> Any:
    """A Series' values as float64, contiguous: its own memory when it already is."""
    types = pd.api.types
    if types.is_bool_dtype(s.dtype) or not types.is_numeric_dtype(s.dtype):
        raise TypeError(f"{what} must hold numbers, not {s.dtype} values; convert it first "
                        "(pandas.to_numeric)")
    if s.dtype == np.float64:
        a = s.to_numpy(copy=False)
    else:  # ints, float32, nullable Int64 / Float64 (NA becomes NaN): one conversion
        a = s.to_numpy(dtype=np.float64, na_value=np.nan)
    return np.ascontiguousarray(a)


def _times(pd: Any, np: Any, df: Any, what: str) -> Any:
    """The frame's times as int64 microseconds UTC (see the module doc)."""
    from .barcols import us_from_units

    index = df.index
    if not isinstance(index, pd.DatetimeIndex):
        cols = [c for c in df.columns if _norm(c) in _TIME_NAMES]
        if len(cols) == 1 and pd.api.types.is_datetime64_any_dtype(df[cols[0]].dtype):
            index = pd.DatetimeIndex(df[cols[0]])
        elif len(df.index) == 0 and not cols:
            return np.zeros(0, dtype=np.int64)
        else:
            hint = (f" (column {cols[0]!r} holds {df[cols[0]].dtype} values: parse it, e.g. "
                    f"pandas.read_csv(..., parse_dates=[{cols[0]!r}], index_col={cols[0]!r}))"
                    if len(cols) == 1 else "")
            kind = type(df.index).__name__
            raise TypeError(f"{what}: the times must be a DatetimeIndex, not a {kind}{hint}; "
                            "a MultiIndex needs reset_index() first")
    shown = index
    if index.tz is not None:
        index = index.tz_convert("UTC").tz_localize(None)
    unit = getattr(index, "unit", "ns")
    raw = index.asi8
    return us_from_units(np, raw, unit, what, label=lambda i: f"row {i} ({shown[i]})")


def _label_fn(df: Any, ts: Any) -> Callable[[int], str]:
    """Row i as the user sees it: its position and its time (the index's own text when the
    index holds the times, else UTC)."""
    index = df.index
    own = type(index).__name__ == "DatetimeIndex"

    def label(i: int) -> str:
        if own:
            return f"row {i} ({index[i]})"
        from .timeutil import from_ts

        return f"row {i} ({from_ts(int(ts[i])).isoformat().replace('+00:00', 'Z')})"

    return label


def _one_frame(df: Any, symbol: Optional[str], adjusted: bool, columns: Mapping[str, str],
               what: str) -> Any:
    from .barcols import BarColumns, numpy

    pd = pandas()
    np = numpy()
    if not is_frame(df):
        raise TypeError(f"{what} must be a pandas DataFrame, not {type(df).__name__}")
    if symbol is not None and what == "DataFrame":
        what = f"DataFrame {symbol!r}"
    found = _find_columns(df, columns, what)
    ts = _times(pd, np, df, what)
    vals = {r: _values(pd, np, df[found[r]], f"{what} column {found[r]!r}")
            for r in ("open", "high", "low", "close", "volume") if r in found}
    if adjusted:
        if "adj close" not in found:
            raise InvalidArgument(f"{what}: adjusted=True needs an Adj Close column",
                                  ErrorCode.EFORMAT)
        factor = _values(pd, np, df[found["adj close"]], f"{what} column adj close") \
            / vals["close"]
        for r in ("open", "high", "low", "close"):
            vals[r] = vals[r] * factor
    codes = None
    if "symbol" in found:
        if symbol is not None:
            raise TypeError(f"{what} has a symbol column: symbol= is not needed")
        col = df[found["symbol"]]
        if col.isna().any():
            raise InvalidArgument(f"{what}: row {int(col.isna().to_numpy().argmax())}: the "
                                  "symbol is missing", ErrorCode.EFORMAT)
        codes_i, uniques = pd.factorize(col, sort=False)
        names = [u if isinstance(u, str) else None for u in uniques]
        if None in names:
            raise TypeError(f"{what}: the symbol column must hold str values")
        codes = np.ascontiguousarray(codes_i, dtype=np.uint32)
    else:
        if symbol is None:
            raise TypeError(f"{what} has no symbol column: name its symbol (symbol='AAPL', "
                            "or a dict {symbol: frame})")
        if not isinstance(symbol, str):
            raise TypeError(f"a symbol must be a str, not {type(symbol).__name__}")
        names = [symbol]
    source = f"DataFrame {names[0]!r}" if codes is None else what
    cols = BarColumns(names, codes, ts, vals["open"], vals["high"], vals["low"], vals["close"],
                      vals.get("volume"), source=source, label=_label_fn(df, ts))
    if len(ts) > 1 and codes is not None and (ts[1:] < ts[:-1]).any():
        # A frame grouped by symbol: each symbol's rows must still be in order (checked by
        # barcols), the frame is put in time order, a copy.
        from .barcols import _check_order

        _check_order(np, cols)
        cols = cols.take(np.argsort(ts, kind="stable"))
    return cols


def bar_sources(data: Any, symbol: Optional[str] = None, *, adjusted: bool = False,
                columns: Optional[Mapping[str, str]] = None) -> List[Any]:
    """:class:`~paperlib.barcols.BarColumns` of a DataFrame (with a symbol column, or one
    symbol named by ``symbol``) or of a ``{symbol: DataFrame}`` mapping, one per frame (see
    the module doc for the rules). Values are not checked here (:func:`barcols.check`)."""
    if not isinstance(adjusted, bool):
        raise TypeError(f"adjusted must be a bool, not {type(adjusted).__name__}")
    cols = dict(columns or {})
    if is_frame(data):
        return [_one_frame(data, symbol, adjusted, cols, "DataFrame")]
    if isinstance(data, Mapping):
        if symbol is not None:
            raise TypeError("symbol= names the symbol of one DataFrame; a mapping's keys are "
                            "the symbols")
        out = []
        for name, df in data.items():
            if not isinstance(name, str):
                raise TypeError(f"the keys of a mapping of frames are symbols (str), not "
                                f"{type(name).__name__}")
            out.append(_one_frame(df, name, adjusted, cols, f"DataFrame {name!r}"))
        return out
    raise TypeError(f"expected a pandas DataFrame or a mapping {{symbol: DataFrame}}, not "
                    f"{type(data).__name__}")


# ---- records out ----

def _time_name(field: str) -> Optional[str]:
    if field == "ts":
        return "time"
    if field.endswith("_ts"):
        return field[:-3] + "_time"
    if field == "day":
        return "day"
    return None


def _enum_of(annotation: Any) -> Optional[type]:
    name = str(annotation).replace("Optional[", "").rstrip("]").split("[")[-1].strip()
    cls = getattr(enums, name, None)
    return cls if isinstance(cls, type) and issubclass(cls, enums._PaperEnum) else None


def _times_utc(pd: Any, values: Sequence[Optional[int]]) -> Any:
    from .barcols import numpy

    np = numpy()
    if any(v is None for v in values):
        # None (not yet happened) is NaT; the others stay exact microseconds.
        known = np.asarray([0 if v is None else v for v in values], dtype=np.int64)
        times = pd.DatetimeIndex(pd.to_datetime(known, unit="us", utc=True))
        return times.where([v is not None for v in values], pd.NaT)
    us = np.asarray(values, dtype=np.int64)
    return pd.DatetimeIndex(pd.to_datetime(us, unit="us", utc=True))


def records_frame(cls: type, records: Sequence[Any], index: Optional[str] = None) -> Any:
    """A DataFrame of dataclass records of type ``cls``: one column per field, times as
    ``*_time`` columns of dtype ``datetime64[ns, UTC]``, enumerations as categoricals of their
    labels, optional floats with NaN for None; ``index`` names the field used as the index.
    An empty list gives the same columns and dtypes with no rows."""
    from .barcols import numpy

    pd = pandas()
    np = numpy()
    data: Dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        values = [getattr(r, f.name) for r in records]
        tname = _time_name(f.name)
        kind = str(f.type)
        enum_cls = _enum_of(kind)
        if tname is not None:
            data[tname] = _times_utc(pd, values)
        elif enum_cls is not None:
            labels = [m.label for m in enum_cls]
            extra = sorted({str(v) for v in values
                            if v is not None and not isinstance(v, enum_cls)})
            data[f.name] = pd.Categorical(
                [v.label if isinstance(v, enum_cls) else None if v is None else str(v)
                 for v in values], categories=labels + extra)
        elif kind in ("float", "Optional[float]"):
            data[f.name] = np.array([np.nan if v is None else v for v in values],
                                    dtype=np.float64)
        elif kind == "bool":
            data[f.name] = np.array(values, dtype=bool)
        elif kind in ("int", "FillFlag"):
            ints = [int(v) for v in values]
            big = any(v >= 2**63 for v in ints)  # an oco_group may use all 64 bits
            data[f.name] = np.array(ints, dtype=np.uint64 if big else np.int64)
        else:
            data[f.name] = np.array(values, dtype=object)
    frame = pd.DataFrame(data)
    if index is not None:
        key = _time_name(index) or index
        frame = frame.set_index(key)
    return frame


def equity_series(points: Sequence[Any], field: str = "equity") -> Any:
    """A float64 Series of ``field`` of records with ``ts``, indexed by time (UTC)."""
    from .barcols import numpy

    pd = pandas()
    np = numpy()
    idx = _times_utc(pd, [p.ts for p in points])
    idx.name = "time"
    return pd.Series(np.array([getattr(p, field) for p in points], dtype=np.float64),
                     index=idx, name=field)


def metrics_series(values: Mapping[str, float]) -> Any:
    """A float64 Series of statistics by name."""
    pd = pandas()
    return pd.Series(dict(values), dtype="float64", name="value")
