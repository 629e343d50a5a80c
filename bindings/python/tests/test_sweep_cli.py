"""paper sweep and paper report --sweep: the C command checks, paperlib runs; the file equals
paperlib.sweep's; Ctrl-C leaves whole rows; missing pieces are named."""

import csv
import os
import signal
import subprocess
import sys
import time

import pytest

pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")

import paperlib

import sweepdata
from conftest import SRCDIR

PAPER_CLI = os.environ.get("PAPER_CLI")
pytestmark = pytest.mark.skipif(not PAPER_CLI, reason="the paper command is not built")
DATA = SRCDIR / "examples" / "data"
SAMPLE = ["--bars", str(DATA / "bars"), "--signals", str(DATA / "signals.csv"),
          "--lot", "BTC-USD=0.0001", "--size", "10000", "--max-hold", "2880"]


def paper(*args, env=None, timeout=300, cwd=None):
    return subprocess.run([PAPER_CLI, *args], capture_output=True, text=True, env=env,
                          timeout=timeout, cwd=cwd)


def test_the_file_is_paperlib_sweeps(tmp_path, dask_client):
    out = tmp_path / "cli.csv"
    r = paper("sweep", *SAMPLE, "--grid", "tp=1:3:1", "--grid", "sl=0.5,1.5", "--workers", "2",
              "--out", str(out), "--no-progress")
    assert r.returncode == 0, r.stderr
    assert "paper sweep: 6 parameter sets" in r.stdout
    assert "best:    set " in r.stdout and f"wrote:   {out}" in r.stdout
    py_out = tmp_path / "py.csv"
    df = paperlib.sweep(DATA / "bars", DATA / "signals.csv",
                        {"tp": [1.0, 2.0, 3.0], "sl": [0.5, 1.5]},
                        config={"session.sizing": "notional", "session.notional": 10000.0,
                                "session.max_hold_minutes": 2880},
                        lots={"BTC-USD": 0.0001}, client=dask_client, out=py_out)
    assert out.read_bytes() == py_out.read_bytes()  # the same bytes: same rows, same order
    assert df["total_trades"].min() > 50
    # The best set printed is the sweep's.
    b = df.attrs["best"]
    assert f"best:    set {b}: " in r.stdout

    # And its heat map.
    page = tmp_path / "map.html"
    r = paper("report", "--sweep", str(out), "--html", str(page), "--x", "sl", "--y", "tp")
    assert r.returncode == 0, r.stderr
    text = page.read_text()
    assert text.count('class="cell"') == 6
    assert 'data-x-key="session.sl_pct"' in text


def test_arguments_are_checked_before_python(tmp_path):
    out = str(tmp_path / "x.csv")
    cases = [
        (["--grid", "tp=1:3", "--out", out], "a range is START:STOP:STEP"),
        (["--grid", "tp=1:3:0", "--out", out], "the step must be > 0"),
        (["--grid", "tp=1", "--out", out, "--objective", "sharp"], "not a metrics key"),
        (["--grid", "tp=1", "--out", out, "--set", "limits.max_open_positions=5000"],
         "limits.max_open_positions = '5000': must be in [1, 1000]"),
        (["--grid", "tp=1", "--out", out, "--workers", "0"], "--workers: '0' is not a whole"),
        (["--grid", "tp=1", "--out", out, "--workers", "2", "--scheduler", "tcp://h:8786"],
         "--workers is for the local cluster"),
        (["--grid", "tp=1"], "--out are required"),
        (["--grid", "tp=1", "--out", out, "--lot", "BTC-USD=-1"], "--lot"),
    ]
    # PAPER_PYTHON that cannot run proves none of these got as far as Python.
    env = dict(os.environ, PAPER_PYTHON="/nonexistent/python3")
    for extra, why in cases:
        r = paper("sweep", *SAMPLE[:4], *extra, env=env)
        assert r.returncode == 2, (extra, r.stderr)
        assert why in r.stderr, (extra, r.stderr)
    r = paper("sweep", "--bars", str(tmp_path / "none"), "--signals", str(DATA / "signals.csv"),
              "--grid", "tp=1", "--out", out, env=env)
    assert r.returncode == 2 and "No such file" in r.stderr
    assert not os.path.exists(out)
    # Past the checks, the missing interpreter is named.
    r = paper("sweep", *SAMPLE, "--grid", "tp=1", "--out", out, env=env)
    assert r.returncode == 1 and "cannot run /nonexistent/python3" in r.stderr
    assert "python3-distributed" in r.stderr


def test_values_are_checked_by_paperlib_before_scheduling(tmp_path):
    out = tmp_path / "x.csv"
    r = paper("sweep", *SAMPLE, "--grid", "tp=-1,1", "--grid", "hold=30.5", "--out", str(out))
    assert r.returncode == 2
    assert "session.max_hold_minutes=30.5: 30.5 is not a whole number" in r.stderr
    r = paper("sweep", *SAMPLE, "--grid", "tp=-1,1,2000", "--out", str(out))
    assert r.returncode == 2
    assert "invalid grid: 2 problems, nothing was run" in r.stderr
    assert "session.tp_pct = '-1.0': must be in [0, 1000]" in r.stderr
    assert not out.exists()
    r = paper("sweep", *SAMPLE, "--grid", "nope=1", "--out", str(out))
    assert r.returncode == 2 and "unknown parameter 'nope'" in r.stderr


def test_interrupted_sweep_keeps_whole_rows(tmp_path):
    cols = sweepdata.bars(400_000, n_symbols=4, seed=9)
    sigs = sweepdata.signals(cols, every=1000)
    bars_dir, sig_path = sweepdata.write_csv(cols, sigs, str(tmp_path))
    out = tmp_path / "partial.csv"
    proc = subprocess.Popen(
        [PAPER_CLI, "sweep", "--bars", bars_dir, "--signals", sig_path, "--grid",
         "tp=0.5:4:0.5", "--grid", "sl=0.5,1,2", "--workers", "1", "--chunk", "1",
         "--out", str(out), "--no-progress"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if out.exists() and out.read_text().count("\n") >= 3:  # header + 2 rows
            break
        time.sleep(0.05)
    assert proc.poll() is None, proc.communicate()
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert "cancelled after" in stderr and "of 24 parameter sets" in stderr
    with open(out, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:3] == ["set", "session.tp_pct", "session.sl_pct"]
    assert 2 <= len(rows) - 1 < 24
    assert all(len(r) == len(rows[0]) for r in rows)  # whole rows only
    done = [int(r[0]) for r in rows[1:]]
    assert len(set(done)) == len(done)
    # Each finished row is that set run alone.
    g = paperlib.grid.Grid.build({"tp": [0.5 * k for k in range(1, 9)], "sl": [0.5, 1.0, 2.0]})
    for r in rows[1:2]:
        i = int(r[0])
        want = sweepdata.alone(bars_dir, sig_path, g.settings(i))
        assert float(r[3]) == want[rows[0][3]] or r[3] == "nan"


def test_python_side_alone(tmp_path):
    env = dict(os.environ, PAPER_CLI_LIBPAPER_VERSION="0.0.1")
    r = subprocess.run([sys.executable, "-m", "paperlib.sweep_cli", "sweep", "--bars", "x",
                        "--grid", "tp=1", "--out", "y"], capture_output=True, text=True, env=env)
    assert r.returncode == 1 and "the paper command 0.0.1" in r.stderr
    r = subprocess.run([sys.executable, "-m", "paperlib.sweep_cli", "bogus"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "usage:" in r.stderr
    # Without paperlib on the path the C command says where it looked (run from elsewhere
    # than the build tree, whose directory holds the package: python3 -c searches the cwd).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    probe = subprocess.run([sys.executable, "-c", "import paperlib"], env=env,
                           capture_output=True, cwd=tmp_path)
    if probe.returncode == 0:
        pytest.skip("a paperlib is installed system-wide")
    r = paper("sweep", *SAMPLE, "--grid", "tp=1", "--out", str(tmp_path / "z.csv"), env=env,
              cwd=tmp_path)
    assert r.returncode == 1 and "cannot import paperlib.sweep_cli" in r.stderr
