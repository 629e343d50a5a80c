"""A sweep's heat map: one cell per pair of values with the exact aggregated objective, the
best cell marked, a self-contained page, and the page as Chromium renders it."""

import html.parser
import math
import os
import shutil
import struct
import subprocess

import pytest

from paperlib import InvalidArgument
from paperlib.heatmap import heatmap_html, heatmap_svg, read_sweep_csv, write_heatmap
from paperlib.metrics import KEYS
from paperlib.sweep import format_value

# A 3-parameter sweep: tp x sl x hold, sharpe_ratio the objective (first metric column).
TP = [1.0, 2.0, 3.0]
SL = [0.5, 1.5]
HOLD = [30, 240]


def objective(i, tp, sl, hold):
    if (tp, sl) == (3.0, 1.5):
        return float("nan")  # no trades: no value in any hold
    return round(tp * 0.7 - sl * 0.9 + (0.13 if hold == 240 else -0.21) + i * 1e-3, 6) - 1.0


def write_sweep(path):
    rows = []
    i = 0
    for tp in TP:
        for sl in SL:
            for hold in HOLD:
                rows.append([i, tp, sl, hold, objective(i, tp, sl, hold),
                             *[float(i) for _ in KEYS[1:]]])
                i += 1
    cols = ["set", "session.tp_pct", "session.sl_pct", "session.max_hold_minutes",
            "sharpe_ratio", *[k for k in KEYS if k != "sharpe_ratio"]]
    with open(path, "w") as f:
        f.write(",".join(cols) + "\n")
        for r in reversed(rows):  # completion order need not be grid order
            f.write(",".join(format_value(v) for v in r) + "\n")
    return rows


class Cells(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells, self.tags, self.attrs_seen = [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        self.attrs_seen.extend(attrs)
        if tag == "rect" and a.get("class") == "cell":
            self.cells.append(a)


def parse(text):
    p = Cells()
    p.feed(text)
    return p


def expected_cells(rows, agg):
    out = {}
    for tp in TP:
        for sl in SL:
            vals = [r[4] for r in rows if r[1] == tp and r[2] == sl and not math.isnan(r[4])]
            if not vals:
                out[(tp, sl)] = math.nan
            else:
                out[(tp, sl)] = max(vals) if agg == "best" else math.fsum(vals) / len(vals)
    return out


@pytest.mark.parametrize("agg", ["best", "mean"])
def test_cells_hold_the_exact_values(tmp_path, agg):
    path = tmp_path / "sweep.csv"
    rows = write_sweep(path)
    table = read_sweep_csv(path)
    assert table.params == ("session.tp_pct", "session.sl_pct", "session.max_hold_minutes")
    assert [r["set"] for r in table.rows] == list(range(12))
    page = heatmap_html(path, x="tp", y="sl", agg=agg)
    p = parse(page)
    want = expected_cells(rows, agg)
    assert len(p.cells) == len(TP) * len(SL)
    got = {}
    for c in p.cells:
        v = float(c["data-value"])
        got[(float(c["data-x"]), float(c["data-y"]))] = v
    assert got.keys() == want.keys()
    for k, v in want.items():
        if math.isnan(v):
            assert math.isnan(got[k])
        else:
            assert struct.pack("<d", got[k]) == struct.pack("<d", v), k
    best = [c for c in p.cells if c.get("data-best") == "true"]
    real = {k: v for k, v in want.items() if not math.isnan(v)}
    assert len(best) == 1
    assert (float(best[0]["data-x"]), float(best[0]["data-y"])) == max(real, key=real.get)
    # Grey for no value, and the best sets table ranks by the objective.
    nan_cell = next(c for c in p.cells if c["data-value"] == "nan")
    assert nan_cell["fill"] == "#d0d0d0"
    assert "Each cell is the " + agg + " over session.max_hold_minutes" in page


def test_self_contained(tmp_path):
    path = tmp_path / "sweep.csv"
    write_sweep(path)
    page = heatmap_html(path)
    p = parse(page)
    # Nothing fetched: no script, no link, no image, no URL anywhere, no external reference.
    assert not {"script", "link", "img", "iframe", "object", "embed"} & set(p.tags)
    assert "http:" not in page and "https:" not in page and "url(" not in page
    assert not any(k in ("src", "href", "xlink:href") for k, _ in p.attrs_seen)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    # Defaults: the first two parameters, the sweep's objective.
    svg = heatmap_svg(path)
    assert 'data-x-key="session.tp_pct"' in svg and 'data-y-key="session.sl_pct"' in svg
    assert 'data-objective="sharpe_ratio"' in svg


def test_from_a_dataframe_and_lower_is_better(tmp_path):
    pd = pytest.importorskip("pandas")
    path = tmp_path / "sweep.csv"
    rows = write_sweep(path)
    df = pd.read_csv(path, index_col="set", float_precision="round_trip").sort_index()
    df.attrs["keys"] = ["session.tp_pct", "session.sl_pct", "session.max_hold_minutes"]
    a = parse(heatmap_html(df, objective="-sharpe_ratio"))
    best = [c for c in a.cells if c.get("data-best")]
    lows = {}
    for r in rows:
        if not math.isnan(r[4]):
            lows[(r[1], r[2])] = min(lows.get((r[1], r[2]), math.inf), r[4])
    assert (float(best[0]["data-x"]), float(best[0]["data-y"])) == min(lows, key=lows.get)
    assert float(best[0]["data-value"]) == min(lows.values())


def test_errors(tmp_path):
    path = tmp_path / "sweep.csv"
    write_sweep(path)
    with pytest.raises(InvalidArgument, match="not a parameter"):
        heatmap_html(path, x="trailing")
    with pytest.raises(InvalidArgument, match="same parameter"):
        heatmap_html(path, x="tp", y="session.tp_pct")
    with pytest.raises(InvalidArgument, match="not a column"):
        heatmap_html(path, objective="nope")
    with pytest.raises(InvalidArgument, match="agg"):
        heatmap_html(path, agg="median")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(InvalidArgument, match="not a sweep CSV"):
        read_sweep_csv(bad)
    bad.write_text("set,session.tp_pct,sharpe_ratio\n0,1.0\n")
    with pytest.raises(InvalidArgument, match="2 fields"):
        read_sweep_csv(bad)
    one = tmp_path / "one.csv"
    one.write_text("set,session.tp_pct,sharpe_ratio\n0,1.0,0.5\n")
    with pytest.raises(InvalidArgument, match="needs two"):
        heatmap_html(one)
    with pytest.raises(InvalidArgument, match="EIO|No such file"):
        read_sweep_csv(tmp_path / "missing.csv")


def test_rendered_by_chromium(tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (tests/setup-deps.sh installs it, as root)")
    path = tmp_path / "sweep.csv"
    rows = write_sweep(path)
    page = tmp_path / "map.html"
    write_heatmap(path, page, x="tp", y="sl")
    # The browser is not built with the sanitizers: it must not inherit their runtime.
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "ASAN_OPTIONS")}

    def chrome(*args):
        profile = tmp_path / f"profile-{len(args)}-{args[0][2:8]}"
        return subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", *args, page.as_uri()],
            env=env, capture_output=True, text=True, timeout=90)

    dom = chrome("--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    p = parse(dom.stdout)
    want = expected_cells(rows, "best")
    assert len(p.cells) == len(want)
    for c in p.cells:
        v, w = float(c["data-value"]), want[(float(c["data-x"]), float(c["data-y"]))]
        assert (math.isnan(v) and math.isnan(w)) or v == w
    shot = tmp_path / "map.png"
    r = chrome(f"--screenshot={shot}", "--window-size=900,700")
    assert r.returncode == 0 and shot.exists()
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (900, 700)
