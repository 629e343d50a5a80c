#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""An installed libpaper, used from the installed files alone.

  check_install.py meson BUILDDIR SRCDIR LD_DIRS [--no-python]
      `DESTDIR=<tmp> meson install` of BUILDDIR, then the checks below on <tmp> (without
      the paperlib ones for a build without the Python bindings).
  check_install.py tree ROOT SRCDIR LD_DIRS --prefix P --libdir L --version V
      the same checks on a tree already staged (the Debian packages, unpacked).
  check_install.py prefixes SRCDIR LD_DIRS
      `meson setup` (no build) with --prefix /usr, /usr/local and /opt/paper-test: where
      paperlib would go, as the placement check below requires.

LD_DIRS: the dynamic linker's own directories, ':'-separated (meson.build computes them).
Checks, each printed as ok/FAIL:
  - paperlib lies where /usr/bin/python3 imports it from for prefixes /usr and /usr/local
    (anywhere under the prefix otherwise), the extension beside its .py files, with a
    paperlib-VERSION.dist-info;
  - `paper` and the extension carry no run path when the library directory is one of
    LD_DIRS, else one relative to themselves ($ORIGIN) that leads to the installed library;
  - with a clean environment (PATH=/usr/bin:/bin; LD_LIBRARY_PATH to the staged library
    only when there is no run path, the documented case of a staged /usr tree): `paper
    --help` runs and loads the staged libpaper.so.1; `import paperlib` from the staged site
    directory loads it too, importlib.metadata knows the version, and a replay of the sample
    data from Python equals the installed `paper replay`, trade for trade;
  - a manual page for `paper` and for every sub-command it lists, version filled in;
  - the README's C example compiles against the staged headers and libpaper.pc and runs.
Environment: PAPER_TEST_PRELOAD (the sanitizer runtimes to preload into python3 in a
sanitizer build), CC (default cc; the compiler and its sanitizer flags). Exits 1 on any failure.
"""
import argparse
import gzip
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

failures = 0


def check(ok, what, detail=""):
    global failures
    print(("ok   " if ok else "FAIL ") + what + (f": {detail}" if detail and not ok else ""))
    if not ok:
        failures += 1
    return ok


def clean_env(home, **extra):
    env = {"PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8"}
    env.update({k: v for k, v in extra.items() if v})
    return env


def runpath(path):
    out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True,
                         check=True).stdout
    found = re.findall(r"\((?:RUNPATH|RPATH)\)\s+Library r(?:un)?path: \[(.*)\]", out)
    return found[0].split(":") if found else []


def check_runpath(path, libdir_staged, system_libdir):
    rp = runpath(path)
    name = os.path.basename(path)
    if system_libdir:
        return check(rp == [], f"{name}: no run path (the library is in the linker's own "
                     "directories)", f"has {rp}")
    if not check(len(rp) == 1 and rp[0].startswith("$ORIGIN/"),
                 f"{name}: one run path relative to itself", f"has {rp}"):
        return False
    target = os.path.normpath(os.path.join(os.path.dirname(path), rp[0][len("$ORIGIN/"):]))
    return check(target == os.path.normpath(libdir_staged),
                 f"{name}: its run path leads to the installed library",
                 f"{rp[0]} -> {target}, not {libdir_staged}")


def interpreter_path():
    out = subprocess.run(["/usr/bin/python3", "-c", "import sys, json; print(json.dumps(sys.path))"],
                         env=clean_env("/nonexistent"), capture_output=True, text=True, check=True)
    return [os.path.normpath(p) for p in json.loads(out.stdout) if p]


def find_site(root):
    for dirpath, dirnames, filenames in os.walk(root):
        if os.path.basename(dirpath) == "paperlib" and "__init__.py" in filenames:
            return os.path.dirname(dirpath)
    return None


def man_page(mandir, name):
    for suffix, opener in ((".1", open), (".1.gz", gzip.open)):
        path = os.path.join(mandir, "man1", name + suffix)
        if os.path.exists(path):
            with opener(path, "rt", encoding="utf-8") as f:
                return f.read()
    return None


def readme_c_example(srcdir):
    text = open(os.path.join(srcdir, "README.md"), encoding="utf-8").read()
    m = re.search(r"^```c\n(.*?)^```", text, re.M | re.S)
    return m.group(1) if m else None


def check_tree(root, srcdir, prefix, libdir, version, ld_dirs, bindir="bin",
               mandir="share/man", python=True):
    with tempfile.TemporaryDirectory(prefix="paper-install-") as work:
        _check_tree(root, srcdir, prefix, libdir, version, ld_dirs, bindir, mandir, python,
                    work)


def _check_tree(root, srcdir, prefix, libdir, version, ld_dirs, bindir, mandir, python, work):
    def staged(path):
        return os.path.normpath(root + "/" + path)

    libdir_abs = os.path.normpath(os.path.join(prefix, libdir))
    libdir_staged = staged(libdir_abs)
    system_libdir = libdir_abs in ld_dirs
    paper = staged(os.path.join(prefix, bindir, "paper"))
    ld_path = libdir_staged if system_libdir else None

    # The library, the command, paperlib: where they belong.
    check(os.path.exists(os.path.join(libdir_staged, "libpaper.so.1")),
          f"libpaper.so.1 in {libdir_abs}")
    if not check(os.access(paper, os.X_OK), f"paper in {os.path.join(prefix, bindir)}"):
        return
    site = find_site(root) if python else None
    if python:
        if not check(site is not None, "paperlib installed"):
            return
        check_site(root, site, prefix, version)

    # Run paths.
    check_runpath(paper, libdir_staged, system_libdir)
    if python:
        for ext in extensions(site):
            check_runpath(os.path.join(site, "paperlib", ext), libdir_staged, system_libdir)

    # The command from the staged tree.
    env = clean_env(work, LD_LIBRARY_PATH=ld_path)
    p = subprocess.run([paper, "--help"], env=env, capture_output=True, text=True)
    check(p.returncode == 0 and p.stdout.startswith("usage: paper"), "paper --help runs",
          f"exit {p.returncode}: {p.stderr}")
    trace = subprocess.run([paper], env=dict(env, LD_TRACE_LOADED_OBJECTS="1"),
                           capture_output=True, text=True).stdout
    loaded = re.findall(r"libpaper\.so\.1 => (\S+)", trace)
    check(len(loaded) == 1 and os.path.realpath(loaded[0]).startswith(root.rstrip("/") + "/"),
          "paper loads the installed libpaper.so.1", f"loads {loaded}")

    # paperlib from the staged tree: the library it loads, its metadata, a replay equal to
    # the installed command's.
    if python:
        check_paperlib(root, site, srcdir, paper, env, ld_path, version, work)

    # Manual pages.
    man = staged(os.path.join(prefix, mandir))
    cmds = help_commands(subprocess.run([paper, "--help"], env=env, capture_output=True,
                                        text=True).stdout)
    check(len(cmds) > 10, "paper --help lists the sub-commands (for their manual pages)",
          str(cmds))
    for name in ["paper"] + [f"paper-{c}" for c in cmds]:
        page = man_page(man, name)
        check(page is not None and f'"libpaper {version}"' in page and "@VERSION@" not in page,
              f"man page {name}(1)")

    check_c_example(root, srcdir, libdir_staged, work)


def check_paperlib(root, site, srcdir, paper, env, ld_path, version, work):
    pkg = os.path.join(site, "paperlib")
    preload = os.environ.get("PAPER_TEST_PRELOAD")
    asan = "detect_leaks=0:abort_on_error=1" if preload else None
    data = os.path.join(srcdir, "examples", "data")
    c_trades, py_trades = os.path.join(work, "c.csv"), os.path.join(work, "py.csv")
    p = subprocess.run([paper, "replay", "--bars", os.path.join(data, "bars"),
                        "--signals", os.path.join(data, "signals.csv"), "--size", "10000",
                        "--lot", "BTC-USD=0.0001", "--trades-out", c_trades,
                        "--summary-out", os.devnull, "--quiet", "--no-progress"],
                       env=env, capture_output=True, text=True)
    check(p.returncode == 0, "paper replay runs", p.stderr)
    script = f"""
import importlib.metadata, json, os, sys
import paperlib
run = paperlib.replay({os.path.join(data, "bars")!r}, {os.path.join(data, "signals.csv")!r},
                      config={{"session.notional": 10_000}}, lots={{"BTC-USD": 0.0001}},
                      trades_path={py_trades!r})
maps = [l.split()[-1] for l in open("/proc/self/maps") if "libpaper.so" in l]
print(json.dumps({{"file": paperlib.__file__, "version": paperlib.__version__,
                   "metadata": importlib.metadata.version("paperlib"),
                   "libs": sorted(set(maps)), "trades": run.summary()["trades"]["closed"]}}))
"""
    pyenv = clean_env(work, PYTHONPATH=site, PYTHONDONTWRITEBYTECODE="1",
                      LD_LIBRARY_PATH=ld_path, LD_PRELOAD=preload, ASAN_OPTIONS=asan)
    p = subprocess.run(["/usr/bin/python3", "-c", script], env=pyenv, capture_output=True,
                       text=True)
    if check(p.returncode == 0, "import paperlib from the installed site directory",
             p.stderr[-2000:]):
        got = json.loads(p.stdout.splitlines()[-1])
        check(got["file"].startswith(pkg + "/"), "paperlib is the installed one", got["file"])
        check(len(got["libs"]) == 1 and got["libs"][0].startswith(root.rstrip("/") + "/"),
              "paperlib loads the installed libpaper.so.1", str(got["libs"]))
        check(got["version"] == got["metadata"] == version,
              f"paperlib.__version__ == importlib.metadata.version('paperlib') == {version}",
              f"{got['version']}, {got['metadata']}")
        check(got["trades"] > 50 and os.path.exists(c_trades)
              and open(py_trades).read() == open(c_trades).read(),
              f"paperlib.replay == paper replay ({got['trades']} trades)")


def check_c_example(root, srcdir, libdir_staged, work):
    """The README's C example against the staged headers and libpaper.pc (built with $CC:
    in a sanitizer build that brings the sanitizer runtime along)."""
    source = readme_c_example(srcdir)
    if check(source is not None, "README.md has a C example"):
        pcdir = os.path.join(libdir_staged, "pkgconfig")
        pc = subprocess.run(["pkg-config", "--cflags", "--libs", "libpaper"],
                            env=dict(os.environ, PKG_CONFIG_PATH=pcdir,
                                     PKG_CONFIG_SYSROOT_DIR=root),
                            capture_output=True, text=True)
        if check(pc.returncode == 0, "pkg-config libpaper", pc.stderr):
            demo = os.path.join(work, "demo")
            with open(demo + ".c", "w") as f:
                f.write(source)
            cc = shlex.split(os.environ.get("CC", "cc"))
            b = subprocess.run(cc + ["-std=c11", "-Wall", "-Werror", "-o", demo, demo + ".c"]
                               + shlex.split(pc.stdout), capture_output=True, text=True)
            if check(b.returncode == 0, "the README's C example compiles against it", b.stderr):
                r = subprocess.run([demo], capture_output=True, text=True,
                                   env=clean_env(work, LD_LIBRARY_PATH=libdir_staged))
                check(r.returncode == 0 and r.stdout.startswith("cash "),
                      "the README's C example runs", r.stdout + r.stderr)


def extensions(site):
    pkg = os.path.join(site, "paperlib")
    return [f for f in os.listdir(pkg) if f.startswith("_paperlib.") and f.endswith(".so")]


def check_site(root, site, prefix, version):
    """paperlib where the interpreter imports it from, in one piece, with its metadata."""
    place_check("/" + os.path.relpath(site, root), prefix)
    exts = extensions(site)
    check(len(exts) == 1, "the extension beside paperlib's .py files", f"found {exts}")
    meta = os.path.join(site, f"paperlib-{version}.dist-info", "METADATA")
    check(os.path.exists(meta) and f"\nVersion: {version}\n" in open(meta).read(),
          f"paperlib-{version}.dist-info/METADATA")


def help_commands(text):
    """The sub-commands `paper --help` lists ([] when it printed no list)."""
    if "\ncommands:\n" not in text:
        return []
    block = text.split("\ncommands:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in block.splitlines() if line.startswith("  ")]


def check_prefixes(srcdir):
    """Where each prefix puts paperlib, from meson's install plan of a configured tree."""
    for prefix in ("/usr", "/usr/local", "/opt/paper-test"):
        with tempfile.TemporaryDirectory(prefix="paper-prefix-") as builddir:
            p = subprocess.run(["meson", "setup", builddir, srcdir, f"--prefix={prefix}",
                                "-Dtests=false"], capture_output=True, text=True)
            if not check(p.returncode == 0, f"meson setup --prefix={prefix}", p.stdout[-2000:]):
                continue
            with open(os.path.join(builddir, "meson-info", "intro-installed.json")) as f:
                dests = json.load(f).values()
            inits = [d for d in dests if d.endswith("/paperlib/__init__.py")]
            if check(len(inits) == 1, f"--prefix={prefix}: paperlib is installed", str(inits)):
                site = os.path.dirname(os.path.dirname(inits[0]))
                place_check(site, prefix)


def place_check(site_abs, prefix):
    if prefix in ("/usr", "/usr/local"):
        path = interpreter_path()
        check(site_abs in path,
              f"paperlib in {site_abs}, on /usr/bin/python3's sys.path for prefix {prefix}",
              f"sys.path is {path}")
    else:
        check(site_abs.startswith(prefix.rstrip("/") + "/"),
              f"paperlib in {site_abs}, under prefix {prefix}", site_abs)


def build_options(builddir):
    with open(os.path.join(builddir, "meson-info", "intro-buildoptions.json")) as f:
        opts = {o["name"]: o["value"] for o in json.load(f)}
    with open(os.path.join(builddir, "meson-info", "intro-projectinfo.json")) as f:
        version = json.load(f)["version"]
    return opts, version


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="mode", required=True)
    m = sub.add_parser("meson")
    m.add_argument("builddir")
    m.add_argument("--no-python", dest="python", action="store_false")
    t = sub.add_parser("tree")
    t.add_argument("root")
    x = sub.add_parser("prefixes")
    for p in (m, t, x):
        p.add_argument("srcdir")
        p.add_argument("ld_dirs")
    t.add_argument("--prefix", required=True)
    t.add_argument("--libdir", required=True)
    t.add_argument("--version", required=True)
    a = ap.parse_args()
    ld_dirs = [os.path.normpath(d) for d in a.ld_dirs.split(":") if d]
    if a.mode == "prefixes":
        check_prefixes(os.path.abspath(a.srcdir))
    elif a.mode == "tree":
        check_tree(os.path.abspath(a.root), a.srcdir, a.prefix, a.libdir, a.version, ld_dirs)
    else:
        opts, version = build_options(a.builddir)
        with tempfile.TemporaryDirectory(prefix="paper-destdir-") as destdir:
            env = dict(os.environ, DESTDIR=destdir)
            env.pop("LD_PRELOAD", None)
            p = subprocess.run(["meson", "install", "-C", a.builddir, "--no-rebuild", "--quiet"],
                               env=env, capture_output=True, text=True)
            if check(p.returncode == 0, "DESTDIR=... meson install", p.stdout + p.stderr):
                check_tree(destdir, a.srcdir, opts["prefix"], opts["libdir"], version, ld_dirs,
                           bindir=opts["bindir"], mandir=opts["mandir"], python=a.python)
    print(f"{failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
