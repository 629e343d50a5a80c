#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hold the paper command's documentation to what the command itself says (`--help`).

  check-help-docs.py docs PAPER SRCDIR   docs/cli.md and docs/replay.md: each sub-command of
                                         `paper --help` has a section; every option a section
                                         names is one the command takes; a section mentions
                                         --json exactly when the command takes it; the list
                                         of --json commands under "Output" is exactly those
  check-help-docs.py man PAPER MANDIR    a page per sub-command (paper-COMMAND.1) and paper.1;
                                         every option of `paper COMMAND --help` is in the
                                         page's OPTIONS and every option there is one the
                                         command takes; paper.1 lists every page and the
                                         --json commands

Prints one line per broken rule; exits 1 if there is any.
"""
import os
import re
import subprocess
import sys

OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def help_text(paper, *args):
    p = subprocess.run([paper, *args, "--help"], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{paper} {' '.join(args)} --help: exit status {p.returncode}\n{p.stderr}")
    return p.stdout


def commands(paper):
    """The sub-commands `paper --help` lists, in its order."""
    text = help_text(paper)
    block = text.split("\ncommands:\n", 1)[1].split("\n\n", 1)[0]
    names = [line.split()[0] for line in block.splitlines() if line.startswith("  ")]
    if len(names) < 10:
        sys.exit(f"paper --help lists only {names}: cannot read its command list")
    return names


def options(paper, command):
    """The options `paper COMMAND --help` lists under "options:"."""
    block = help_text(paper, command).split("\noptions:\n", 1)[1].split("\n\n", 1)[0]
    found = {line.split()[0] for line in block.splitlines() if line.startswith("  --")}
    if "--help" not in found:
        sys.exit(f"paper {command} --help: no option list")
    return found


def markdown_sections(path):
    """{command: text of the section whose heading names `paper COMMAND`} (headings inside
    code blocks are not headings)."""
    lines = open(path, encoding="utf-8").read().splitlines(keepends=True)
    heads, fenced = [], False
    for i, line in enumerate(lines):
        if line.startswith("```"):
            fenced = not fenced
        m = None if fenced else re.match(r"(#+) (.*)", line)
        if m:
            heads.append((i, len(m.group(1)), m.group(2)))
    sections = {}
    for n, (start, level, title) in enumerate(heads):
        end = next((i for i, lv, _ in heads[n + 1:] if lv <= level), len(lines))
        for name in re.findall(r"`paper ([a-z-]+)`", title):
            sections[name] = "".join(lines[start:end])
    return sections


def own_options(text, cmd):
    """The options a section names as its command's: not those inside a quoted command line
    of another sub-command (`paper mark --prices FILE` in the section of paper order)."""
    other = re.compile(r"`paper (?!%s`|%s )[a-z-]+[^`]*`" % (re.escape(cmd), re.escape(cmd)))
    return set(OPTION.findall(other.sub("", text)))


def listed_json_commands(text):
    """The commands named in backquotes in the parenthesis after "With `--json`"."""
    m = re.search(r"With `--json`[^(]*\(([^)]*)\)", text)
    if not m:
        return None
    return set(re.findall(r"`([a-z-]+)`", m.group(1).split(";")[0]))


def check_docs(paper, srcdir):
    bad = []
    cmds = commands(paper)
    docs = {}
    for doc in ("docs/cli.md", "docs/replay.md"):
        for name, text in markdown_sections(os.path.join(srcdir, doc)).items():
            docs.setdefault(name, (doc, text))
    with_json = set()
    for cmd in cmds:
        opts = options(paper, cmd)
        if "--json" in opts:
            with_json.add(cmd)
        if cmd not in docs:
            bad.append(f"paper {cmd}: no section in docs/cli.md or docs/replay.md")
            continue
        doc, text = docs[cmd]
        named = own_options(text, cmd)
        for opt in sorted(named - opts):
            bad.append(f"{doc}, paper {cmd}: names {opt}, which paper {cmd} --help does not list")
        if ("--json" in opts) != ("--json" in named):
            says = "takes" if "--json" in opts else "does not take"
            bad.append(f"{doc}, paper {cmd}: the command {says} --json, the section says otherwise")
    cli = open(os.path.join(srcdir, "docs/cli.md"), encoding="utf-8").read()
    listed = listed_json_commands(cli)
    if listed is None:
        bad.append('docs/cli.md: no "With `--json` ... (`cmd`, ...; ...)" list under Output')
    elif listed != with_json:
        bad.append(f"docs/cli.md, Output: --json listed for {sorted(listed)}, "
                   f"taken by {sorted(with_json)}")
    return bad


def roff_text(path):
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"\\f[BIRP]|\\f\(..|\\&|\\e", "", text)
    return text.replace("\\-", "-")


def roff_option_heads(text):
    """Options in the tags (.TP) of the OPTIONS section."""
    m = re.search(r"^\.SH OPTIONS\n(.*?)(?=^\.SH )", text, re.M | re.S)
    if not m:
        return None
    heads = re.findall(r"^\.TP\n(.*)$", m.group(1), re.M)
    return {o for h in heads for o in OPTION.findall(h)}


def check_man(paper, mandir):
    bad = []
    cmds = commands(paper)
    pages = {f[:-2] for f in os.listdir(mandir) if f.endswith(".1")}
    expected = {"paper"} | {f"paper-{c}" for c in cmds}
    for extra in sorted(pages - expected):
        bad.append(f"{extra}.1: no such sub-command in paper --help")
    main = roff_text(os.path.join(mandir, "paper.1")) if "paper" in pages else ""
    if not main:
        bad.append("paper.1: missing")
    with_json = set()
    for cmd in cmds:
        opts = options(paper, cmd)
        if "--json" in opts:
            with_json.add(cmd)
        page = f"paper-{cmd}"
        if page not in pages:
            bad.append(f"paper {cmd}: no manual page {page}.1")
            continue
        text = roff_text(os.path.join(mandir, page + ".1"))
        if not re.search(r"^\.TH %s 1 " % re.escape(page.upper()), text, re.M):
            bad.append(f"{page}.1: its .TH line does not name {page.upper()} in section 1")
        heads = roff_option_heads(text)
        if heads is None:
            bad.append(f"{page}.1: no OPTIONS section")
            continue
        for opt in sorted(opts - heads):
            bad.append(f"{page}.1: paper {cmd} --help lists {opt}, the page's OPTIONS do not")
        for opt in sorted(heads - opts):
            bad.append(f"{page}.1: OPTIONS describe {opt}, which paper {cmd} --help does not list")
        if main and not re.search(r"^\.BR %s \(1\)" % re.escape(page), main, re.M):
            bad.append(f"paper.1: does not refer to {page}(1)")
    if main:
        m = re.search(r"With --json \(([^)]*)\)", main.replace("\n", " "))
        listed = set(re.findall(r"\b([a-z][a-z-]*)\b", m.group(1))) if m else None
        if listed != with_json:
            bad.append(f"paper.1, OUTPUT: --json listed for {sorted(listed or [])}, "
                       f"taken by {sorted(with_json)}")
    return bad


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("docs", "man"):
        sys.exit(__doc__)
    mode, paper, where = sys.argv[1:]
    bad = check_docs(paper, where) if mode == "docs" else check_man(paper, where)
    for line in bad:
        print(line)
    if not bad:
        print(f"{mode}: consistent with paper --help")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
