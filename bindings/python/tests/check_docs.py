# SPDX-License-Identifier: MIT
"""Run the Python examples of the docs exactly as they are written.

    check_docs.py SRCDIR BUILDDIR DOC.md...

From each document it takes
  - every `meson devenv ...` command, in a ```sh block (with its continuation lines) or
    inline in backquotes, and runs it with sh from a scratch directory laid out like the
    source tree (examples/ and build/ are links), with `your_script.py` there;
  - every ```python block that starts with `import` (a complete program; blocks that
    start otherwise list API calls), and runs it with /usr/bin/python3 from that directory;
  - the ```python blocks that follow a line "<!-- doc-test -->", joined in order into one
    program (a walk-through whose blocks build on each other), run the same way.
Commands that name another build (build-asan) or need LD_PRELOAD are left out. Each must
exit 0; the first failure is printed with its output. Exits 1 on a failure, 77 (skipped)
when a document has nothing to run (a test that checks nothing must not pass).
"""
import os
import re
import subprocess
import sys
import tempfile

FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
CHAINED = re.compile(r"^<!-- doc-test -->\n```python\n(.*?)^```", re.M | re.S)
INLINE = re.compile(r"`(meson devenv [^`]+)`")


def examples(text):
    """(kind, code) pairs: kind 'sh' for a command, 'python' for a program."""
    chained = CHAINED.findall(text)
    found = [("python", "\n".join(chained))] if chained else []
    for lang, body in FENCE.findall(text):
        if lang == "sh":
            lines = []
            for line in body.splitlines():
                if lines and lines[-1].endswith("\\"):
                    lines[-1] = lines[-1][:-1] + " " + line.strip()
                else:
                    lines.append(line)
            found += [("sh", re.sub(r"\s+#\s.*$", "", l).strip()) for l in lines
                      if l.strip().startswith("meson devenv")]
        elif lang == "python" and body.startswith("import") and body not in chained:
            found.append(("python", body))
    outside = FENCE.sub("", text)
    found += [("sh", cmd) for cmd in INLINE.findall(outside)]
    return [(k, c) for k, c in found if "build-asan" not in c and "LD_PRELOAD" not in c]


def scratch(srcdir, builddir, where):
    os.symlink(os.path.join(srcdir, "examples"), os.path.join(where, "examples"))
    os.symlink(builddir, os.path.join(where, "build"))
    with open(os.path.join(where, "your_script.py"), "w") as f:
        f.write("import paperlib\nprint('paperlib', paperlib.__version__)\n")


def run(kind, code, cwd, env):
    if kind == "sh":
        argv = ["sh", "-c", code]
    else:
        argv = ["/usr/bin/python3", "-c", code]
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    srcdir, builddir = (os.path.abspath(p) for p in sys.argv[1:3])
    env = dict(os.environ)
    # The python blocks import the build tree's paperlib, as meson devenv would give it.
    env["PYTHONPATH"] = os.path.join(builddir, "bindings", "python")
    failed = 0
    for doc in sys.argv[3:]:
        with open(os.path.join(srcdir, doc), encoding="utf-8") as f:
            todo = examples(f.read())
        if not todo:
            print(f"{doc}: no example to run")
            return 77
        for kind, code in todo:
            with tempfile.TemporaryDirectory(prefix="paper-docs-") as where:
                scratch(srcdir, builddir, where)
                p = run(kind, code, where, env)
            first = code.strip().splitlines()[0]
            if p.returncode != 0:
                failed += 1
                print(f"FAIL {doc}: {first} (exit {p.returncode})\n{p.stdout}{p.stderr}")
            else:
                print(f"ok   {doc}: {first}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
