"""A sweep's heat map: two parameters against the objective, as inline SVG in one HTML file.

:func:`read_sweep_csv` reads what :func:`paperlib.sweep` writes (``out=``) or ``paper sweep
--out``; :func:`heatmap_svg` draws one cell per pair of values of the two parameters, coloured
by the objective (a diverging red-white-green scale around 0 when the values have both signs,
a single-hue scale otherwise, grey for no value); when the sweep has more parameters, a cell
shows the best value over the others (``agg="best"``) or their mean (``agg="mean"``).
:func:`heatmap_html` wraps it in a self-contained page - inline CSS and SVG, no script,
nothing fetched - with the best sets in a table. Every cell carries its exact value in
``data-value`` (the shortest text that reads back as the same double), ``data-x`` and
``data-y``; the best cell has ``data-best="true"``.
"""

from __future__ import annotations

import csv
import html
import math
import os
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple, Union

from .errors import ConfigError, ErrorCode, InvalidArgument
from .grid import SHORT_NAMES, parameter_key
from .metrics import KEYS

__all__ = ["SweepTable", "read_sweep_csv", "table_of", "heatmap_svg", "heatmap_html",
           "write_heatmap"]

_PathLike = Union[str, "os.PathLike[str]"]


@dataclass(frozen=True)
class SweepTable:
    """A sweep's results as plain rows: the parameter columns, the metric columns (the
    objective first, as the sweep writes them) and one dict per set."""

    params: Tuple[str, ...]
    metrics: Tuple[str, ...]
    rows: Tuple[Dict[str, Any], ...]


def _cell(text: str) -> Any:
    try:
        return float(text)
    except ValueError:
        return text


def read_sweep_csv(path: _PathLike) -> SweepTable:
    """Read a sweep CSV: ``set``, the parameters, then the metrics (from the first column
    named like a metrics key on). Numbers read back exactly (``float``).

    Raises:
        InvalidArgument: not a sweep CSV (EFORMAT), or unreadable (EIO).
    """
    p = os.fsdecode(os.fspath(path))
    try:
        with open(p, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
    except OSError as e:
        raise InvalidArgument(f"{p}: {e.strerror}", ErrorCode.EIO) from None
    if not rows or not rows[0] or rows[0][0] != "set":
        raise InvalidArgument(f"{p}: not a sweep CSV (its first column must be 'set')",
                              ErrorCode.EFORMAT)
    header = rows[0]
    first_metric = next((i for i, c in enumerate(header) if c in KEYS), None)
    if first_metric is None:
        raise InvalidArgument(f"{p}: no metrics column (sharpe_ratio, ...)", ErrorCode.EFORMAT)
    params = tuple(header[1:first_metric])
    metrics = tuple(header[first_metric:])
    out = []
    for line, r in enumerate(rows[1:], start=2):
        if not r:
            continue
        if len(r) != len(header):
            raise InvalidArgument(f"{p}:{line}: {len(r)} fields, the header has {len(header)}",
                                  ErrorCode.EFORMAT)
        d: Dict[str, Any] = {"set": int(r[0])}
        for c, v in zip(header[1:], r[1:]):
            d[c] = _cell(v)
        out.append(d)
    return SweepTable(params, metrics, tuple(sorted(out, key=lambda d: d["set"])))


def table_of(results: Any) -> SweepTable:
    """A :class:`SweepTable` from a sweep's DataFrame, a CSV path, or a table."""
    if isinstance(results, SweepTable):
        return results
    if isinstance(results, (str, os.PathLike)):
        return read_sweep_csv(results)
    if hasattr(results, "columns") and hasattr(results, "attrs"):
        cols = [str(c) for c in results.columns]
        params = tuple(results.attrs.get("keys") or
                       cols[:next((i for i, c in enumerate(cols) if c in KEYS), len(cols))])
        metrics = tuple(c for c in cols if c not in params)
        rows = []
        for idx, rec in zip(results.index.tolist(), results.to_dict("records")):
            d = {"set": int(idx)}
            d.update({str(k): v for k, v in rec.items()})
            rows.append(d)
        return SweepTable(params, metrics, tuple(rows))
    raise TypeError(f"a sweep DataFrame, a CSV path or a SweepTable, not {type(results).__name__}")


def _param(table: SweepTable, name: Optional[str], fallback: int, what: str) -> str:
    if name is None:
        if len(table.params) <= fallback:
            raise InvalidArgument(f"{what}: the sweep has {len(table.params)} parameter(s); a heat "
                                  f"map needs two", ErrorCode.EINVAL)
        return table.params[fallback]
    if name in table.params:
        return name
    try:
        key = parameter_key(name)
    except ConfigError:
        key = name
    if key not in table.params:
        raise InvalidArgument(f"{what}: {name!r} is not a parameter of this sweep "
                              f"({', '.join(table.params)})", ErrorCode.EINVAL)
    return key


def _sort_key(v: Any) -> Tuple[int, Any]:
    return (0, v) if isinstance(v, (int, float)) else (1, str(v))


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        if math.isnan(v):
            return "n/a"
        if v == int(v) and abs(v) < 1e15:
            return str(int(v))
        return f"{v:.4g}"
    return str(v)


def _short(key: str) -> str:
    for s, k in SHORT_NAMES.items():
        if k == key:
            return f"{s} ({key})"
    return key


def _colour(v: float, lo: float, hi: float) -> str:
    if math.isnan(v):
        return "#d0d0d0"
    if lo < 0 < hi:  # diverging around 0: red - white - green
        m = max(-lo, hi)
        t = v / m
        if t < 0:
            a = -t
            r, g, b = 255, int(255 - 140 * a), int(255 - 140 * a)
        else:
            r, g, b = int(255 - 170 * t), int(255 - 60 * t), int(255 - 150 * t)
        return f"#{r:02x}{g:02x}{b:02x}"
    t = 0.5 if hi == lo else (v - lo) / (hi - lo)
    r, g, b = int(235 - 200 * t), int(242 - 150 * t), int(250 - 70 * t)
    return f"#{r:02x}{g:02x}{b:02x}"


def _dark(colour: str) -> bool:
    """Whether white text reads better than black on this fill (relative luminance)."""
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45


def _grid_values(table: SweepTable, x: str, y: str, objective: str, higher: bool,
                 agg: str) -> Tuple[List[Any], List[Any], Dict[Tuple[Any, Any], float]]:
    cells: Dict[Tuple[Any, Any], List[float]] = {}
    for r in table.rows:
        v = r[objective]
        v = float(v) if isinstance(v, (int, float)) else math.nan
        cells.setdefault((r[x], r[y]), []).append(v)
    xs = sorted({k[0] for k in cells}, key=_sort_key)
    ys = sorted({k[1] for k in cells}, key=_sort_key)
    out: Dict[Tuple[Any, Any], float] = {}
    for k, vals in cells.items():
        real = [v for v in vals if not math.isnan(v)]
        if not real:
            out[k] = math.nan
        elif agg == "mean":
            out[k] = math.fsum(real) / len(real)
        else:
            out[k] = max(real) if higher else min(real)
    return xs, ys, out


def heatmap_svg(results: Any, x: Optional[str] = None, y: Optional[str] = None,
                objective: Optional[str] = None, agg: str = "best") -> str:
    """The heat map of a sweep as an ``<svg>`` element (no XML declaration, no namespace
    URL: it is meant to sit inline in HTML).

    Args:
        results: a sweep DataFrame, a sweep CSV path, or a :class:`SweepTable`.
        x, y: the parameters on the axes (config keys or short names; default: the first
            two of the sweep).
        objective: the metric coloured (default: the sweep's objective, its first metric
            column); ``"-key"`` when lower is better.
        agg: ``"best"`` or ``"mean"`` over the other parameters.
    """
    svg, _ = _render(table_of(results), x, y, objective, agg)
    return svg


def _render(table: SweepTable, x: Optional[str], y: Optional[str], objective: Optional[str],
            agg: str) -> Tuple[str, Dict[str, Any]]:
    if agg not in ("best", "mean"):
        raise InvalidArgument(f"agg must be 'best' or 'mean', not {agg!r}", ErrorCode.EINVAL)
    xk = _param(table, x, 0, "x")
    yk = _param(table, y, 1, "y")
    if xk == yk:
        raise InvalidArgument(f"x and y are the same parameter ({xk})", ErrorCode.EINVAL)
    obj = objective or table.metrics[0]
    higher = not obj.startswith("-")
    obj = obj.lstrip("-")
    if obj not in table.metrics:
        raise InvalidArgument(f"objective {obj!r} is not a column of this sweep", ErrorCode.EINVAL)
    if not table.rows:
        raise InvalidArgument("the sweep has no rows", ErrorCode.EINVAL)
    xs, ys, cells = _grid_values(table, xk, yk, obj, higher, agg)
    real = [v for v in cells.values() if not math.isnan(v)]
    lo, hi = (min(real), max(real)) if real else (0.0, 0.0)
    best = None
    if real:
        target = max(real) if higher else min(real)
        best = next(k for k in ((a, b) for b in ys for a in xs) if cells.get(k) == target)
    cw, ch, left, top, right, bottom = 72, 40, 110, 40, 120, 70
    w = left + cw * len(xs) + right
    h = top + ch * len(ys) + bottom
    e = html.escape
    out = [f'<svg class="heatmap" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
           f'aria-label="{e(obj)} by {e(xk)} and {e(yk)}" data-x-key="{e(xk)}" '
           f'data-y-key="{e(yk)}" data-objective="{e(obj)}" data-agg="{agg}">']
    for j, yv in enumerate(ys):
        row_y = top + ch * (len(ys) - 1 - j)  # the smallest y at the bottom, as on a plot
        out.append(f'<text class="tick" x="{left - 8}" y="{row_y + ch / 2 + 4}" '
                   f'text-anchor="end">{e(_fmt(yv))}</text>')
        for i, xv in enumerate(xs):
            v = cells.get((xv, yv), math.nan)
            cx = left + cw * i
            flag = ' data-best="true"' if best == (xv, yv) else ""
            stroke = ' stroke="#111" stroke-width="3"' if flag else ' stroke="#fff" stroke-width="1"'
            tip = f"{xk} = {_fmt(xv)}, {yk} = {_fmt(yv)}: {obj} = {_fmt(v)}"
            out.append(
                f'<rect class="cell" x="{cx}" y="{row_y}" width="{cw}" height="{ch}" '
                f'fill="{_colour(v, lo, hi)}"{stroke} data-x="{e(_value_text(xv))}" '
                f'data-y="{e(_value_text(yv))}" data-value="{_value_text(v)}"{flag}>'
                f'<title>{e(tip)}</title></rect>')
            fill = _colour(v, lo, hi)
            ink = "#fff" if _dark(fill) else "#222"
            out.append(f'<text class="val" x="{cx + cw / 2}" y="{row_y + ch / 2 + 4}" '
                       f'text-anchor="middle" style="fill:{ink}">{e(_fmt(v))}</text>')
    for i, xv in enumerate(xs):
        out.append(f'<text class="tick" x="{left + cw * i + cw / 2}" y="{top + ch * len(ys) + 18}" '
                   f'text-anchor="middle">{e(_fmt(xv))}</text>')
    out.append(f'<text class="axis" x="{left + cw * len(xs) / 2}" y="{h - 20}" '
               f'text-anchor="middle">{e(_short(xk))}</text>')
    out.append(f'<text class="axis" x="16" y="{top + ch * len(ys) / 2}" text-anchor="middle" '
               f'transform="rotate(-90 16 {top + ch * len(ys) / 2})">{e(_short(yk))}</text>')
    # Legend: the scale from the lowest to the highest value.
    lx = left + cw * len(xs) + 30
    steps = 10
    for s in range(steps):
        v = hi - (hi - lo) * s / (steps - 1) if real else math.nan
        out.append(f'<rect class="legend" x="{lx}" y="{top + s * 14}" width="18" height="14" '
                   f'fill="{_colour(v, lo, hi)}"/>')
    out.append(f'<text class="tick" x="{lx + 24}" y="{top + 10}">{e(_fmt(hi))}</text>')
    out.append(f'<text class="tick" x="{lx + 24}" y="{top + steps * 14}">{e(_fmt(lo))}</text>')
    out.append(f'<text class="tick" x="{lx}" y="{top - 10}">{e(obj)}</text>')
    out.append("</svg>")
    info = {"x": xk, "y": yk, "objective": obj, "higher": higher, "best": best,
            "cells": cells, "xs": xs, "ys": ys}
    return "\n".join(out), info


def _value_text(v: Any) -> str:
    if isinstance(v, float):
        return "nan" if math.isnan(v) else repr(v)
    return str(v)


_CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; background: #fff; }
h1 { font-size: 1.3em; margin: 0 0 .3em; }
p.meta { color: #555; margin: 0 0 1em; }
figure { margin: 0 0 1.5em; overflow-x: auto; }
svg.heatmap text { font: 12px system-ui, sans-serif; fill: #222; }
svg.heatmap text.val { font-size: 11px; }
svg.heatmap text.axis { font-weight: 600; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: .25em .7em; border-bottom: 1px solid #ddd; text-align: right; }
th { background: #f4f4f4; }
"""


def heatmap_html(results: Any, x: Optional[str] = None, y: Optional[str] = None,
                 objective: Optional[str] = None, agg: str = "best",
                 title: Optional[str] = None, top: int = 10) -> str:
    """A self-contained HTML page: the heat map (:func:`heatmap_svg`) and a table of the
    ``top`` best parameter sets by the objective."""
    table = table_of(results)
    svg, info = _render(table, x, y, objective, agg)
    obj, higher = info["objective"], info["higher"]
    e = html.escape
    ttl = title or f"Sweep: {obj} by {info['x']} and {info['y']}"
    ranked = sorted((r for r in table.rows
                     if isinstance(r[obj], (int, float)) and not math.isnan(r[obj])),
                    key=lambda r: (-r[obj] if higher else r[obj], r["set"]))[:top]
    cols = ["set", *table.params, obj]
    head = "".join(f"<th>{e(c)}</th>" for c in cols)
    body = "\n".join("<tr>" + "".join(f"<td>{e(_fmt(r[c]))}</td>" for c in cols) + "</tr>"
                     for r in ranked)
    what = "best" if agg == "best" else "mean"
    others = [p for p in table.params if p not in (info["x"], info["y"])]
    note = (f" Each cell is the {what} over {', '.join(others)}." if others else "")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{e(ttl)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<h1>{e(ttl)}</h1>\n"
        f"<p class=\"meta\">{len(table.rows)} parameter sets; colour: {e(obj)} "
        f"({'higher' if higher else 'lower'} is better; the outlined cell is the best).{e(note)}</p>\n"
        f"<figure>\n{svg}\n</figure>\n"
        f"<h2>Best {len(ranked)} sets by {e(obj)}</h2>\n"
        f"<table class=\"best\">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n"
        "</body>\n</html>\n")


def write_heatmap(results: Any, path: _PathLike, **kwargs: Any) -> None:
    """Write :func:`heatmap_html` to ``path``, replacing it atomically."""
    import tempfile

    text = heatmap_html(results, **kwargs)
    p = os.fsdecode(os.fspath(path))
    d = os.path.dirname(os.path.abspath(p))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".heatmap-", suffix=".html", dir=d)
    except OSError as err:
        raise InvalidArgument(f"{p}: {err.strerror}", ErrorCode.EIO) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, p)
    except BaseException:
        os.unlink(tmp)
        raise
