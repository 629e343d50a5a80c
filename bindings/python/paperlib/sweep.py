"""Parameter sweeps: every combination of a grid replayed through libpaper, on Dask.

    >>> df = paperlib.sweep("bars/", "signals.csv",
    ...                     {"session.tp_pct": [1, 2, 3], "session.sl_pct": [0.5, 1]})
    >>> df.loc[df.attrs["best"]]

Each parameter set is one C replay (:func:`paperlib.sweep_task.run_one`: a new broker with
the base config plus the set's values, the bars and signals, ``Broker.metrics()``), run as
tasks on a Dask cluster (:mod:`paperlib.cluster`): a local one of the machine's cores by
default, or yours. The result is a pandas DataFrame, one row per set in grid order, equal to
the bit to running each set alone with :func:`paperlib.replay` whatever the number of
workers and the order they finish. docs/python.md#sweeps and docs/scaling.md say more.
"""

from __future__ import annotations

import math
import os
import tempfile
from typing import IO, Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from .cluster import LOCAL_NO_WORKERS_TIMEOUT, ProgressBar, Stop, connect, run_jobs
from .config import Config, ConfigValue
from .errors import ErrorCode, InvalidArgument
from .grid import Grid
from .metrics import KEYS
from .session import Session
from .sweep_task import BarsInput, SignalsInput
from .timeutil import Timestamp, to_ts

__all__ = ["sweep", "SweepCancelled", "objective_key", "best_index", "format_value",
           "normalise_lots", "require_pandas"]

_PathLike = Union[str, "os.PathLike[str]"]


class SweepCancelled(KeyboardInterrupt):
    """A sweep stopped before its end, by Ctrl-C or its ``stop`` event.

    A ``KeyboardInterrupt`` - as asyncio's ``CancelledError`` is a ``BaseException`` -, so
    ``except Exception`` does not swallow a cancellation while code that handles Ctrl-C
    handles it. Nothing finished is lost:

    Attributes:
        results: the DataFrame of the sets that finished, in grid order (index = set number).
        done: how many sets finished.
        total: how many the grid has.
        out: the ``out`` CSV file (holding the finished rows too), or None.
    """

    def __init__(self, results: Any, done: int, total: int, out: Optional[str]) -> None:
        where = f"; {out} holds them" if out else ""
        super().__init__(f"sweep cancelled after {done} of {total} parameter sets{where}")
        self.results = results
        self.done = done
        self.total = total
        self.out = out


def require_pandas() -> Any:
    """pandas, or an ImportError saying how to get it."""
    try:
        import pandas
    except ImportError as e:
        raise ImportError(f"paperlib.sweep returns a pandas DataFrame: install python3-pandas "
                          f"(Debian) or pandas (pip) ({e})") from e
    return pandas


def objective_key(objective: str) -> Tuple[str, bool]:
    """``(metric key, higher is better)`` of an objective: a metrics key
    (:data:`paperlib.metrics.KEYS`), best when highest, or ``"-key"``, best when lowest.

    Raises:
        InvalidArgument: not a metrics key (EINVAL).
    """
    if not isinstance(objective, str):
        raise TypeError(f"objective must be a str, not {type(objective).__name__}")
    key, higher = (objective[1:], False) if objective.startswith("-") else (objective, True)
    if key not in KEYS:
        raise InvalidArgument(f"objective {objective!r} is not a metrics key (sharpe_ratio, "
                              f"total_return, ...: docs/metrics.md)", ErrorCode.EINVAL)
    return key, higher


def best_index(values: Sequence[float], higher: bool = True) -> Optional[int]:
    """The position of the best value: the highest (or lowest), NaN never best, the first
    of equal values (grid order breaks ties). None when every value is NaN."""
    best: Optional[int] = None
    for i, v in enumerate(values):
        if v is None or math.isnan(v):
            continue
        if best is None or (v > values[best] if higher else v < values[best]):
            best = i
    return best


def normalise_lots(lots: Optional[Mapping[str, Any]]) -> Dict[str, Tuple[float, bool]]:
    """``{symbol: size}`` or ``{symbol: (size, fractional)}`` as ``{symbol: (size,
    fractional)}``; a bare size below one unit or not whole allows fractions, as
    ``paper replay --lot``. Checked by libpaper now (InvalidArgument for a bad size)."""
    if lots is None:
        return {}
    if not isinstance(lots, Mapping):
        raise TypeError(f"lots must be a mapping of symbol to lot size, not {type(lots).__name__}")
    out: Dict[str, Tuple[float, bool]] = {}
    for sym, spec in lots.items():
        if isinstance(spec, tuple):
            size, fractional = spec
        else:
            size = spec
            fractional = isinstance(size, (int, float)) and float(size) != int(size)
        out[sym] = (size, fractional)
    from .broker import Broker

    with Broker() as b:
        s = Session(b)
        for sym, (size, fractional) in out.items():
            s.set_symbol_lot(sym, size, fractional)
    return {k: (float(v[0]), bool(v[1])) for k, v in out.items()}


def format_value(v: Any) -> str:
    """A value as the sweep CSV writes it: floats in the shortest form that reads back as
    the same double (``float(text) == v``, NaN as ``nan``), bools as ``true``/``false``."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


class _Out:
    """The ``out`` CSV: rows appended as chunks finish (each one flushed, so a cancelled or
    crashed sweep leaves whole rows), rewritten in grid order at the end."""

    def __init__(self, path: _PathLike, columns: List[str]) -> None:
        self.path = os.fsdecode(os.fspath(path))
        self.columns = columns
        try:
            self.f: Optional[IO[str]] = open(self.path, "w", encoding="utf-8", newline="")
        except OSError as e:
            raise InvalidArgument(f"out: {self.path}: {e.strerror}", ErrorCode.EIO) from None
        self.f.write(",".join(columns) + "\n")
        self.f.flush()

    def add(self, rows: Iterable[Sequence[Any]]) -> None:
        assert self.f is not None
        self.f.write("".join(",".join(format_value(v) for v in r) + "\n" for r in rows))
        self.f.flush()

    def close(self) -> None:
        if self.f is not None:
            self.f.close()
            self.f = None

    def rewrite(self, rows: Iterable[Sequence[Any]]) -> None:
        """Replace the file atomically with ``rows`` (grid order)."""
        self.close()
        d = os.path.dirname(os.path.abspath(self.path))
        fd, tmp = tempfile.mkstemp(prefix=".sweep-", suffix=".csv", dir=d)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(",".join(self.columns) + "\n")
                f.write("".join(",".join(format_value(v) for v in r) + "\n" for r in rows))
            os.replace(tmp, self.path)
        except BaseException:
            os.unlink(tmp)
            raise


def sweep(
    bars: Any,
    signals: Any,
    grid: Union[Mapping[str, Iterable[ConfigValue]], Sequence[Mapping[str, ConfigValue]]],
    *,
    config: Union[Config, Mapping[str, ConfigValue], None] = None,
    objective: str = "sharpe_ratio",
    client: Any = None,
    chunk: Optional[int] = None,
    workers: Optional[int] = None,
    lots: Optional[Mapping[str, Any]] = None,
    start: Optional[Timestamp] = None,
    end: Optional[Timestamp] = None,
    out: Optional[_PathLike] = None,
    progress: Union[bool, Callable[[int, int], None], None] = None,
    stop: Any = None,
    retries: int = 2,
) -> Any:
    """Replay every parameter set of ``grid`` and return one row of metrics per set.

    Args:
        bars: as :func:`paperlib.replay`: a CSV file or directory or a list of them (on
            storage every worker sees under the same absolute path), or in-memory columns (a
            mapping of :meth:`Replay.add_bar_columns` keywords, numpy arrays) or a pandas
            DataFrame (``timestamp``, ``symbol``, ``open``, ``high``, ``low``, ``close``,
            ``volume``), scattered to each worker once.
        signals: a signals CSV file or a list of them, :class:`~paperlib.Signal` records
            (each with a ``ts``), a DataFrame of signals, or None.
        grid: config keys to the values to try, ``{"session.tp_pct": [1, 2, 3],
            "session__sl_pct": [0.5, 1]}`` (every combination, the first key slowest), or a
            list of mappings (those sets exactly). :class:`~paperlib.grid.Grid`.
        config: the base config of every set (a :class:`~paperlib.Config` or a mapping).
        objective: the metrics key that ranks the sets (``"-key"``: lowest is best); its
            column comes right after the parameters and ``df.attrs["best"]`` is the best
            set (ties: the first in grid order).
        client: None for a local Dask cluster of ``workers`` processes (default: the
            machine's cores), a scheduler address (``"tcp://host:8786"``), a
            ``dask.distributed.Client`` or a cluster.
        chunk: parameter sets per Dask task (default: about four tasks per worker thread).
        workers: worker processes of the local cluster (``client=None`` only).
        lots: per-symbol lot sizes, ``{"BTC-USD": 0.0001}`` (:func:`normalise_lots`).
        start, end: replay only bars and signals in ``[start, end)``.
        out: a CSV file that receives each row as its set finishes - readable at any time,
            and in grid order once the sweep ends (columns: ``set``, the parameters, the
            metrics; floats read back exactly).
        progress: True for a progress bar on standard error (when it is a terminal), or a
            function called with (sets done, total) after each finished task.
        stop: an object with ``is_set()`` (a ``threading.Event``): when it becomes true the
            sweep cancels what has not finished and raises :class:`SweepCancelled`.
        retries: extra attempts Dask makes for a task that failed for another reason than
            libpaper refusing it (a worker lost mid-task is rescheduled regardless).

    Returns:
        A pandas DataFrame indexed by set number: one column per grid key (config key
        names, ``session.tp_pct``), then the objective, then every other key of
        :data:`paperlib.metrics.KEYS`. ``df.attrs`` holds ``objective``, ``higher_is_better``,
        ``best`` (set number, or None when every objective is NaN) and ``keys``.

    Raises:
        ConfigError: a grid value or combination libpaper refuses; nothing was run.
        SweepCancelled: Ctrl-C or ``stop``; ``.results`` holds the sets that finished.
        PaperError: a replay failed (bad data); the exception notes which set.
        ImportError: pandas or Dask (python3-distributed) is missing.
    """
    pd = require_pandas()
    key, higher = objective_key(objective)
    g = Grid.build(grid, config)
    lot_map = normalise_lots(lots)
    bars_in = BarsInput.of(bars)
    sig_in = SignalsInput.of(signals)
    t0 = to_ts(start, "start") if start is not None else None
    t1 = to_ts(end, "end") if end is not None else None
    n = len(g)
    metric_cols = [key] + [k for k in KEYS if k != key]
    columns = list(g.keys) + metric_cols
    jobs = [(i, g.settings(i), t0, t1, ()) for i in range(n)]
    results: Dict[int, Any] = {}

    def row(i: int) -> List[Any]:
        m = results[i]["metrics"]
        return [i, *g.sets[i], *(m[c] for c in metric_cols)]

    writer = _Out(out, ["set"] + columns) if out is not None else None

    def on_chunk(finished: List[Tuple[int, Any]]) -> None:
        if writer is not None:
            writer.add(row(i) for i, _ in finished)

    bar = None
    if progress is True:
        bar = ProgressBar(n)
        progress_fn: Optional[Callable[[int, int], None]] = bar
    elif progress in (None, False):
        progress_fn = None
    elif callable(progress):
        progress_fn = progress
    else:
        raise TypeError(f"progress must be a bool or a function, not {type(progress).__name__}")

    def frame() -> Any:
        done = sorted(results)
        df = pd.DataFrame([row(i)[1:] for i in done], columns=columns,
                          index=pd.Index(done, name="set"))
        values = df[key].tolist()
        b = best_index(values, higher)
        df.attrs.update(objective=key, higher_is_better=higher, keys=list(g.keys),
                        best=None if b is None else done[b])
        return df

    try:
        with connect(client, workers) as c:
            run_jobs(c, bars_in, sig_in, lot_map, jobs, results, chunk=chunk, retries=retries,
                     on_chunk=on_chunk, progress=progress_fn, stop=stop, label="sweep",
                     no_workers_timeout=LOCAL_NO_WORKERS_TIMEOUT if client is None else None)
    except (Stop, KeyboardInterrupt) as e:
        if writer is not None:
            writer.close()
        if bar is not None:
            bar.close()
        raise SweepCancelled(frame(), len(results), n,
                             writer.path if writer is not None else None) from e
    except BaseException:
        if writer is not None:
            writer.close()
        if bar is not None:
            bar.close()
        raise
    if bar is not None:
        bar.close()
    if writer is not None:
        writer.rewrite(row(i) for i in range(n))
    return frame()

