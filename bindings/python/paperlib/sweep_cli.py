"""The Python half of ``paper sweep`` and ``paper report --sweep``.

The C ``paper`` command checks its arguments and the base config with libpaper, then runs
this module with the same inputs spelled canonically (docs/cli.md)::

    python3 -m paperlib.sweep_cli sweep --bars=PATH... [--signals=FILE...] --grid=NAME=VALUES...
        [--config=FILE] [--set=KEY=VALUE]... [--lot=SYMBOL=SIZE]... [--from=TIME] [--to=TIME]
        [--objective=KEY] [--scheduler=ADDRESS | --workers=N] [--chunk=N] --out=FILE
        [--no-progress] [--quiet]
    python3 -m paperlib.sweep_cli report --sweep=FILE --html=FILE [--x=NAME] [--y=NAME]
        [--objective=KEY] [--agg=best|mean] [--title=TEXT]

It can be run by hand the same way. Exit status as the paper command's: 0 done, 1 a libpaper
call failed (or paperlib, pandas or Dask is missing), 2 bad input, 130 cancelled (SIGINT or
SIGTERM; the rows that finished are in the --out file).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import math
import os
import signal
import sys
import threading
import time
from typing import Any, Dict, List, NoReturn, Optional, Sequence

from ._paperlib import ffi, lib
from .config import Config
from .errors import ConfigError, ErrorCode, PaperError
from .grid import parse_grid_spec
from .sweep import SweepCancelled, sweep
from .timeutil import TS_PER_SECOND

__all__ = ["main"]

EXIT_OK, EXIT_LIBRARY, EXIT_INPUT, EXIT_CANCELLED = 0, 1, 2, 130
_INPUT_CODES = (ErrorCode.EFORMAT, ErrorCode.ECONFIG, ErrorCode.ESAFETY, ErrorCode.EIO,
                ErrorCode.EINVAL)


class _Fail(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _Fail(EXIT_INPUT, f"{message} (see {self.prog} --help)")


def _time(text: str, opt: str) -> int:
    """The paper command's times: 2024-03-01, 2024-03-01T14:30:00Z, or epoch seconds."""
    try:
        if text.isdigit():
            return int(text) * TS_PER_SECOND
        if len(text) == 10:
            d = _dt.datetime.strptime(text, "%Y-%m-%d")
        else:
            d = _dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise _Fail(EXIT_INPUT, f"{opt}: {text!r} is not a time (2024-03-01, "
                                f"2024-03-01T14:30:00Z or epoch seconds)") from None
    d = d.replace(tzinfo=_dt.timezone.utc)
    return int(d.timestamp()) * TS_PER_SECOND


def _base_config(args: argparse.Namespace) -> Config:
    """Defaults, then --config FILE, then the environment, then --set: the paper command's
    order (docs/replay.md)."""
    cfg = Config()
    if args.config:
        try:
            cfg.load_file(args.config)
        except PaperError as e:
            raise _Fail(EXIT_INPUT, f"--config: {e.message}") from None
    cfg.load_env()
    for item in args.set:
        key, eq, value = item.partition("=")
        if not eq or not key:
            raise _Fail(EXIT_INPUT, f"--set: {item!r} is not KEY=VALUE")
        try:
            cfg.set(key, value)
        except ConfigError as e:
            raise _Fail(EXIT_INPUT, f"--set: {e.message}") from None
    cfg.validate()
    return cfg


def _lots(items: Sequence[str]) -> Dict[str, float]:
    out = {}
    for item in items:
        sym, eq, size = item.partition("=")
        try:
            out[sym] = float(size)
        except ValueError:
            raise _Fail(EXIT_INPUT, f"--lot: {item!r} is not SYMBOL=SIZE") from None
        if not eq or not sym:
            raise _Fail(EXIT_INPUT, f"--lot: {item!r} is not SYMBOL=SIZE")
    return out


def _sweep_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="paper sweep", description="Replay every parameter set of a grid on Dask.")
    p.add_argument("--bars", nargs="+", action="extend", required=True, default=[])
    p.add_argument("--signals", nargs="+", action="extend", default=[])
    p.add_argument("--grid", action="append", required=True, default=[])
    p.add_argument("--config")
    p.add_argument("--set", action="append", default=[])
    p.add_argument("--lot", action="append", default=[])
    p.add_argument("--from", dest="start")
    p.add_argument("--to", dest="end")
    p.add_argument("--objective", default="sharpe_ratio")
    p.add_argument("--scheduler")
    p.add_argument("--workers", type=int)
    p.add_argument("--chunk", type=int)
    p.add_argument("--out", required=True)
    p.add_argument("--no-progress", action="store_true")
    p.add_argument("--quiet", action="store_true")
    return p


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return "nan" if math.isnan(v) else f"{v:.6g}"
    return str(v)


def _run_sweep(argv: Sequence[str]) -> int:
    args = _sweep_parser().parse_args(argv)
    if args.scheduler and args.workers is not None:
        raise _Fail(EXIT_INPUT, "--workers is for the local cluster; with --scheduler the "
                                "cluster has the workers it has")
    for opt, v in (("--workers", args.workers), ("--chunk", args.chunk)):
        if v is not None and v < 1:
            raise _Fail(EXIT_INPUT, f"{opt} must be >= 1")
    grid: Dict[str, List[Any]] = {}
    for spec in args.grid:
        key, values = parse_grid_spec(spec)
        if key in grid:
            raise _Fail(EXIT_INPUT, f"--grid: {key} is given twice")
        grid[key] = values
    cfg = _base_config(args)
    start = _time(args.start, "--from") if args.start else None
    end = _time(args.end, "--to") if args.end else None
    signals = args.signals or None
    t = time.monotonic()
    df = sweep(args.bars, signals, grid, config=cfg, objective=args.objective,
               client=args.scheduler, workers=args.workers, chunk=args.chunk,
               lots=_lots(args.lot), start=start, end=end, out=args.out,
               progress=not args.no_progress)
    seconds = time.monotonic() - t
    if not args.quiet:
        n = len(df)
        print(f"paper sweep: {n} parameter sets in {seconds:.1f} s "
              f"({n / seconds if seconds > 0 else 0:.1f} sets/s)")
        for key, values in grid.items():
            print(f"  grid:    {key}: {', '.join(_fmt(v) for v in values)}")
        b = df.attrs["best"]
        obj = df.attrs["objective"]
        if b is None:
            print(f"  best:    none ({obj} has no value for any set: no trades?)")
        else:
            params = " ".join(f"{k}={_fmt(df.at[b, k])}" for k in df.attrs["keys"])
            print(f"  best:    set {b}: {params}: {obj} {_fmt(df.at[b, obj])}, "
                  f"total_return {_fmt(df.at[b, 'total_return'])}, "
                  f"trades {_fmt(df.at[b, 'total_trades'])}")
        print(f"  wrote:   {args.out}")
    return EXIT_OK


def _report_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="paper report", description="Write a sweep's heat map as HTML.")
    p.add_argument("--sweep", required=True)
    p.add_argument("--html", required=True)
    p.add_argument("--x")
    p.add_argument("--y")
    p.add_argument("--objective")
    p.add_argument("--agg", choices=("best", "mean"), default="best")
    p.add_argument("--title")
    return p


def _run_report(argv: Sequence[str]) -> int:
    from .heatmap import read_sweep_csv, write_heatmap

    args = _report_parser().parse_args(argv)
    table = read_sweep_csv(args.sweep)
    write_heatmap(table, args.html, x=args.x, y=args.y, objective=args.objective, agg=args.agg,
                  title=args.title)
    print(f"wrote the heat map of {args.sweep} ({len(table.rows)} sets) to {args.html}")
    return EXIT_OK


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt()


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run ``sweep`` or ``report`` (the first argument); returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("sweep", "report"):
        sys.stderr.write("usage: python3 -m paperlib.sweep_cli sweep|report [options]\n")
        return EXIT_INPUT
    cmd, rest = argv[0], argv[1:]
    expected = os.environ.get("PAPER_CLI_LIBPAPER_VERSION")
    version = ffi.string(lib.paper_version()).decode()
    if expected and expected != version:
        sys.stderr.write(f"paper {cmd}: paperlib at {os.path.dirname(__file__)} runs libpaper "
                         f"{version}, the paper command {expected}: point PYTHONPATH at the "
                         f"paperlib of the same build or install\n")
        return EXIT_LIBRARY
    if cmd == "sweep" and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)  # a clean cancel, like Ctrl-C
    try:
        return _run_sweep(rest) if cmd == "sweep" else _run_report(rest)
    except _Fail as e:
        sys.stderr.write(f"paper {cmd}: {e}\n")
        return e.code
    except SweepCancelled as e:
        sys.stderr.write(f"\npaper {cmd}: {e}\n")
        return EXIT_CANCELLED
    except PaperError as e:
        sys.stderr.write(f"paper {cmd}: {e}\n")
        for note in getattr(e, "__notes__", ()):
            sys.stderr.write(f"  ({note})\n")
        return EXIT_INPUT if e.code in _INPUT_CODES else EXIT_LIBRARY
    except ImportError as e:
        sys.stderr.write(f"paper {cmd}: {e}\n")
        return EXIT_LIBRARY


if __name__ == "__main__":
    sys.exit(main())
