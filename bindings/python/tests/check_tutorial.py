#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run a tutorial page as written: docs/tutorial.md, from a Yahoo CSV to a dashboard.

    check_tutorial.py SRCDIR BUILDDIR DOC [FILE...]

The page's blocks, in order, become one shell script (so a `cd` holds for what follows, as in
the reader's terminal):
  - a ```sh block is a part of the script, as it is;
  - a ```python block whose first line is `# NAME.py...` is the file the page asks to save:
    it is written to NAME.py where the script is at that point;
  - a block without a language that follows a command block shows its output: each of its
    lines must be a line the script printed (the `paper replay:` timing line aside).
It runs with `sh -e` in a scratch directory, with $LIBPAPER the sources, the build's `paper`
and the Python that built paperlib first on PATH. Each FILE (relative to the scratch
directory) must exist and not be empty afterwards. Exits 1 on a failure, 77 when the page
has nothing to run.
"""
import os
import re
import subprocess
import sys
import tempfile

FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.M | re.S)
SAVE = re.compile(r"# ([\w.-]+\.py)\b")
VARYING = re.compile(r"^paper replay: [0-9.]+ s, [0-9.]+ million bars/s$")


def script_of(text):
    """(shell script, [lines of output the page shows])"""
    parts, shown, last = ["set -x"], [], None
    for lang, body in FENCE.findall(text):
        if lang == "sh":
            parts.append(body)
        elif lang == "python":
            m = SAVE.match(body)
            if m is None:
                continue  # a fragment shown, not a file to save
            parts.append(f"cat > {m.group(1)} <<'PAPER_TUTORIAL_EOF'\n{body}PAPER_TUTORIAL_EOF")
        elif lang == "" and last == "sh":
            shown += [line for line in body.splitlines() if not VARYING.match(line)]
        last = lang
    return "\n".join(parts) + "\n", shown


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    srcdir, builddir, doc, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    text = open(os.path.join(srcdir, doc), encoding="utf-8").read()
    script, shown = script_of(text)
    if script.count("\n") < 3:
        print(f"{doc}: nothing to run")
        sys.exit(77)
    env = dict(os.environ, LIBPAPER=srcdir)
    env["PATH"] = os.pathsep.join([os.path.join(builddir, "examples", "paper"),
                                   os.path.dirname(sys.executable), env.get("PATH", "")])
    with tempfile.TemporaryDirectory(prefix="paper-tutorial-") as where:
        p = subprocess.run(["sh", "-e", "-c", script], cwd=where, env=env, capture_output=True,
                           text=True, timeout=600)
        failures = []
        if p.returncode != 0:
            failures.append(f"the page's commands failed (exit {p.returncode})")
        printed = set(p.stdout.splitlines())
        failures += [f"shown but not printed: {line}" for line in shown if line not in printed]
        for f in files:
            path = os.path.join(where, f)
            if not os.path.isfile(path) or os.path.getsize(path) == 0:
                failures.append(f"{f}: not written")
        if failures:
            print("\n".join(failures))
            print("--- standard output\n" + p.stdout[-4000:])
            print("--- standard error (the commands, traced)\n" + p.stderr[-4000:])
            sys.exit(1)
    print(f"{doc}: {script.count(chr(10))} lines run, {len(shown)} lines of output as shown, "
          f"{len(files)} files written")


if __name__ == "__main__":
    main()
