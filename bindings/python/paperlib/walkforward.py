"""Walk-forward optimisation: choose parameters in sample, trade them out of sample, fold
after fold, and measure how much of the in-sample result survives.

    >>> wf = paperlib.walk_forward_optimise("bars/", "signals.csv",
    ...                                     {"session.tp_pct": [1, 2, 3]},
    ...                                     train="90D", test="30D", step="30D")
    >>> wf.folds, wf.summary()

Folds (:func:`make_folds`) cut time from the UTC midnight before the first bar: fold k trains
on ``[origin + k*step, origin + k*step + train)`` (from ``origin`` with ``anchored=True``) and
tests on the ``test`` that follows; a fold is kept when its test window ends by the UTC
midnight after the last bar. For each fold every parameter set is replayed over the training
window (a new account each time, positions closed at the window's end), the best by the
objective is chosen (ties: the first in grid order; a fold where no set has a value - no
trades - chooses none and stays flat), and that set is replayed over the test window. The
test windows' equity curves are stitched by compounding: each fold starts from the equity the
previous one ended with, scaled from the account's starting cash; the trades are listed with
their fold.

Alongside, every set is replayed over the whole span once; their daily returns (a T x N
matrix) give the probability of backtest overfitting by CSCV (:mod:`paperlib.overfitting`).
All replays run as one Dask job list (:mod:`paperlib.cluster`), so the folds run in parallel.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import math
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from .cluster import LOCAL_NO_WORKERS_TIMEOUT, Stop, connect, run_jobs
from .config import Config, ConfigValue
from .errors import ErrorCode, InvalidArgument
from .grid import Grid
from .metrics import KEYS
from .metrics import sharpe_ratio as _sharpe_ratio
from .overfitting import PBOResult, choose_splits, pbo
from .sweep import SweepCancelled, require_pandas, best_index, normalise_lots, objective_key
from .sweep_task import BarsInput, SignalsInput, data_range
from .timeutil import TS_PER_SECOND, Timestamp, to_ts

__all__ = ["Fold", "WalkForwardResult", "make_folds", "parse_duration",
           "walk_forward_optimise", "walk_forward_optimize"]

_DAY = 86_400 * TS_PER_SECOND
Duration = Union[str, int, _dt.timedelta, Any]


def parse_duration(value: Duration, what: str = "duration") -> int:
    """A duration in microseconds: an int (microseconds), a ``timedelta``, a pandas
    ``Timedelta`` or a string pandas reads (``"90D"``, ``"12H"``, ``"30min"``, ``"2W"``).

    Raises:
        InvalidArgument: not a duration, or not > 0 (EINVAL).
    """
    if isinstance(value, bool):
        raise TypeError(f"{what} must be a duration, not a bool")
    if isinstance(value, int):
        us = value
    elif isinstance(value, _dt.timedelta):  # pandas.Timedelta is one too
        us = (value // _dt.timedelta(microseconds=1))
    elif isinstance(value, str):
        pd = require_pandas()
        try:
            td = pd.Timedelta(value)
        except ValueError:
            raise InvalidArgument(f"{what}: {value!r} is not a duration (90D, 12H, 30min)",
                                  ErrorCode.EINVAL) from None
        us = td // pd.Timedelta(microseconds=1)
    else:
        raise TypeError(f"{what} must be a str, an int or a timedelta, not {type(value).__name__}")
    if us <= 0:
        raise InvalidArgument(f"{what} must be > 0, not {value!r}", ErrorCode.EINVAL)
    return int(us)


@dataclass(frozen=True)
class Fold:
    """One fold: train on ``[train_start, train_end)``, test on ``[test_start, test_end)``
    (microseconds, UTC; ``test_start == train_end``)."""

    index: int
    train_start: int
    train_end: int
    test_start: int
    test_end: int


def make_folds(first_ts: int, last_ts: int, train: Duration, test: Duration,
               step: Optional[Duration] = None, anchored: bool = False,
               start: Optional[int] = None, end: Optional[int] = None) -> List[Fold]:
    """The folds over data from ``first_ts`` to ``last_ts`` (bar times, microseconds).

    The span runs from ``start`` (default: the UTC midnight at or before ``first_ts``) to
    ``end`` (default: the UTC midnight after ``last_ts``). Fold k trains from ``origin +
    k*step`` (``origin`` itself when ``anchored``) to ``origin + train + k*step`` and tests
    for ``test`` after that; folds whose test window would pass the end are not made.
    ``step`` defaults to ``test`` (test windows that tile the span).
    """
    tr = parse_duration(train, "train")
    te = parse_duration(test, "test")
    st = parse_duration(step, "step") if step is not None else te
    if not isinstance(anchored, bool):
        raise TypeError(f"anchored must be a bool, not {type(anchored).__name__}")
    origin = start if start is not None else first_ts - first_ts % _DAY
    stop = end if end is not None else last_ts - last_ts % _DAY + _DAY
    folds = []
    k = 0
    while True:
        train_end = origin + tr + k * st
        test_end = train_end + te
        if test_end > stop:
            break
        folds.append(Fold(k, origin if anchored else origin + k * st, train_end, train_end,
                          test_end))
        k += 1
    return folds


@dataclass
class WalkForwardResult:
    """What :func:`walk_forward_optimise` found. DataFrames (times as UTC ``Timestamp``):

    - ``folds``: per fold its windows, the chosen ``set`` and its parameters, the objective
      in sample (``in_sample``) and out of sample (``out_of_sample``) and their ``gap``
      (in - out; the difference in the direction that is better, so a positive gap is a
      loss out of sample);
    - ``in_sample``: every set in every fold, all metrics (index: fold, set);
    - ``out_of_sample``: the metrics of each fold's test run (index: fold);
    - ``equity``: the stitched out-of-sample equity (``ts``, ``equity``, ``fold``);
    - ``trades``: every out-of-sample trade (the fields of :class:`~paperlib.Trade`, enums
      by their labels: ``"long"``, ``"take_profit"``), with its ``fold``;
    - ``returns``: the daily returns of every set over the whole span (T x N) behind ``pbo``.

    ``pbo`` is the :class:`~paperlib.overfitting.PBOResult` (None when the span has fewer
    than 4 daily returns).
    """

    folds: Any
    in_sample: Any
    out_of_sample: Any
    equity: Any
    trades: Any
    returns: Any
    pbo: Optional[PBOResult]
    objective: str
    higher_is_better: bool
    starting_cash: float

    def summary(self) -> Dict[str, Any]:
        """The headline numbers: folds, the objective's mean in and out of sample and the
        gap, the walk-forward efficiency (mean out / mean in), the stitched curve's total
        return and daily Sharpe ratio, the number of trades, and the PBO."""
        f = self.folds
        chosen = f[f["set"].notna()] if len(f) else f
        mean_in = float(chosen["in_sample"].mean()) if len(chosen) else math.nan
        mean_out = float(chosen["out_of_sample"].mean()) if len(chosen) else math.nan
        eq = self.equity["equity"].tolist() if len(self.equity) else []
        total = eq[-1] / self.starting_cash - 1.0 if eq else 0.0
        sharpe = math.nan
        if len(self.equity) > 2:
            daily = self.equity.set_index("ts")["equity"].resample("1D").last().dropna()
            vals = daily.tolist()
            if len(vals) > 2:
                rets = [vals[i] / vals[i - 1] - 1.0 for i in range(1, len(vals))]
                sharpe = _sharpe_ratio(rets)
        return {
            "objective": self.objective,
            "folds": int(len(f)),
            "folds_chosen": int(len(chosen)),
            "in_sample_mean": mean_in,
            "out_of_sample_mean": mean_out,
            "gap": (mean_in - mean_out) if self.higher_is_better else (mean_out - mean_in),
            "efficiency": mean_out / mean_in if mean_in != 0 else math.nan,
            "oos_total_return": total,
            "oos_sharpe_ratio": sharpe,
            "oos_trades": int(len(self.trades)),
            "pbo": self.pbo.pbo if self.pbo is not None else math.nan,
        }


def _returns_matrix(curves: Sequence[Sequence[Tuple[int, float]]]) -> Tuple[List[int], List[List[float]]]:
    """Daily returns of each set's curve, aligned on the union of their days (a day a set
    has no point for is a return of 0: its equity did not change)."""
    per_set: List[Dict[int, float]] = []
    days = set()
    for curve in curves:
        r: Dict[int, float] = {}
        for (t0, e0), (t1, e1) in zip(curve, curve[1:]):
            r[t1] = e1 / e0 - 1.0
        per_set.append(r)
        days.update(r)
    ts = sorted(days)
    return ts, [[r.get(t, 0.0) for r in per_set] for t in ts]


def walk_forward_optimise(
    bars: Any,
    signals: Any,
    grid: Union[Mapping[str, Iterable[ConfigValue]], Sequence[Mapping[str, ConfigValue]]],
    *,
    train: Duration = "90D",
    test: Duration = "30D",
    step: Optional[Duration] = None,
    anchored: bool = False,
    objective: str = "sharpe_ratio",
    config: Union[Config, Mapping[str, ConfigValue], None] = None,
    client: Any = None,
    workers: Optional[int] = None,
    chunk: Optional[int] = None,
    lots: Optional[Mapping[str, Any]] = None,
    start: Optional[Timestamp] = None,
    end: Optional[Timestamp] = None,
    n_splits: int = 16,
    progress: Optional[Callable[[int, int], None]] = None,
    stop: Any = None,
    retries: int = 2,
) -> WalkForwardResult:
    """Walk-forward optimisation of ``grid`` over ``bars`` and ``signals``.

    Args:
        bars, signals, grid, config, objective, client, workers, chunk, lots, retries,
            stop: as :func:`paperlib.sweep`.
        train, test, step: window lengths (:func:`parse_duration`; ``step`` defaults to
            ``test``).
        anchored: every training window starts at the origin (expanding) instead of
            sliding.
        start, end: the span to walk (default: the bars' days, :func:`make_folds`).
        n_splits: S of the PBO (fewer when the span has fewer daily returns).
        progress: called with (replays done, total).
    Raises:
        InvalidArgument: no fold fits in the data (EINVAL), a bad duration.
        ConfigError: a grid value libpaper refuses; nothing was run.
        SweepCancelled: Ctrl-C or ``stop`` (``.results`` is None).
    """
    pd = require_pandas()
    key, higher = objective_key(objective)
    g = Grid.build(grid, config)
    lot_map = normalise_lots(lots)
    bars_in = BarsInput.of(bars)
    sig_in = SignalsInput.of(signals)
    t0 = to_ts(start, "start") if start is not None else None
    t1 = to_ts(end, "end") if end is not None else None
    first, last = (t0, t1) if t0 is not None and t1 is not None else data_range(bars_in)
    folds = make_folds(first, last, train, test, step, anchored, t0, t1)
    if not folds:
        raise InvalidArgument(
            f"walk-forward: no fold fits: the data spans {_iso(first)} to {_iso(last)}, a fold "
            f"needs train + test = {_dur(parse_duration(train))} + {_dur(parse_duration(test))}",
            ErrorCode.EINVAL)
    n, nf = len(g), len(folds)
    span = (folds[0].train_start, folds[-1].test_end)
    jobs = [(f.index * n + i, g.settings(i), f.train_start, f.train_end, ())
            for f in folds for i in range(n)]
    jobs += [(nf * n + i, g.settings(i), span[0], span[1], ("curve",)) for i in range(n)]
    total = len(jobs) + nf
    results: Dict[int, Any] = {}
    with Config(g.base) as base_cfg:
        cash = float(base_cfg.get("account.starting_cash"))

    def phase(done_before: int) -> Optional[Callable[[int, int], None]]:
        if progress is None:
            return None
        return lambda done, _total: progress(done_before + done, total)

    try:
        with connect(client, workers) as c:
            lonely = LOCAL_NO_WORKERS_TIMEOUT if client is None else None
            run_jobs(c, bars_in, sig_in, lot_map, jobs, results, chunk=chunk, retries=retries,
                     progress=phase(0), stop=stop, label="wfo-in-sample",
                     no_workers_timeout=lonely)
            chosen: List[Optional[int]] = []
            for f in folds:
                values = [results[f.index * n + i]["metrics"][key] for i in range(n)]
                chosen.append(best_index(values, higher))
            oos_jobs = [(f.index, g.settings(b), f.test_start, f.test_end, ("equity", "trades"))
                        for f, b in zip(folds, chosen) if b is not None]
            oos: Dict[int, Any] = {}
            run_jobs(c, bars_in, sig_in, lot_map, oos_jobs, oos, chunk=1, retries=retries,
                     progress=phase(len(jobs)), stop=stop, label="wfo-out-of-sample",
                     no_workers_timeout=lonely)
    except (Stop, KeyboardInterrupt) as e:
        raise SweepCancelled(None, len(results), total, None) from e

    def ts(us: int) -> Any:
        return pd.Timestamp(us * 1000, tz="UTC")

    # Folds and the in-sample table.
    fold_rows = []
    for f, b in zip(folds, chosen):
        row: Dict[str, Any] = {"fold": f.index, "train_start": ts(f.train_start),
                               "train_end": ts(f.train_end), "test_start": ts(f.test_start),
                               "test_end": ts(f.test_end), "set": b}
        for j, k in enumerate(g.keys):
            row[k] = g.sets[b][j] if b is not None else None
        ins = results[f.index * n + b]["metrics"][key] if b is not None else math.nan
        outs = oos[f.index]["metrics"][key] if b is not None else math.nan
        row.update(in_sample=ins, out_of_sample=outs,
                   gap=(ins - outs) if higher else (outs - ins))
        fold_rows.append(row)
    folds_df = pd.DataFrame(fold_rows)
    if len(folds_df):
        folds_df["set"] = folds_df["set"].astype("Int64")
    metric_cols = [key] + [k for k in KEYS if k != key]
    in_rows = []
    for f in folds:
        for i in range(n):
            m = results[f.index * n + i]["metrics"]
            in_rows.append([f.index, i, *g.sets[i], *(m[c] for c in metric_cols)])
    in_df = pd.DataFrame(in_rows, columns=["fold", "set", *g.keys, *metric_cols]).set_index(
        ["fold", "set"])
    out_df = pd.DataFrame([[fi, *(oos[fi]["metrics"][c] for c in metric_cols)] for fi in sorted(oos)],
                          columns=["fold", *metric_cols]).set_index("fold")

    # Stitched equity and the trades.
    eq_rows: List[Tuple[Any, float, int]] = []
    trade_rows: List[Dict[str, Any]] = []
    capital = cash
    for f in folds:
        if f.index not in oos:
            continue
        scale = capital / cash
        for t, e, _ in oos[f.index]["equity"]:
            eq_rows.append((ts(t), e * scale, f.index))
        if oos[f.index]["equity"]:
            capital = eq_rows[-1][1]
        for tr in oos[f.index]["trades"]:
            d = {k: getattr(v, "label", v) for k, v in dataclasses.asdict(tr).items()}
            d["fold"] = f.index
            trade_rows.append(d)
    equity_df = pd.DataFrame(eq_rows, columns=["ts", "equity", "fold"])
    trades_df = pd.DataFrame(trade_rows)

    # PBO over the whole span.
    days, matrix = _returns_matrix([results[nf * n + i]["curve"] for i in range(n)])
    returns_df = pd.DataFrame(matrix, columns=pd.RangeIndex(n, name="set"),
                              index=pd.DatetimeIndex([ts(d) for d in days], name="ts"))
    splits = choose_splits(len(days), n_splits)
    pbo_result = pbo(matrix, splits) if splits is not None and n >= 2 else None
    return WalkForwardResult(folds_df, in_df, out_df, equity_df, trades_df, returns_df,
                             pbo_result, key, higher, cash)


#: The same, spelled the American way.
walk_forward_optimize = walk_forward_optimise


def _iso(us: int) -> str:
    return _dt.datetime.fromtimestamp(us / TS_PER_SECOND, _dt.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def _dur(us: int) -> str:
    days, rest = divmod(us, _DAY)
    return f"{days}D" if not rest else f"{us / TS_PER_SECOND / 3600:g}H"
