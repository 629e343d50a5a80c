#!/usr/bin/env python3
"""The layout rules a newcomer relies on, checked from the files themselves.

  check-structure.py layers ROOT       every #include of a folder of ROOT names a layer its
                                       README allows ("May include: base/, config/.")
  check-structure.py calls ARCHIVE...  no two objects of a static library call each other in
                                       a circle (read with nm)
  check-structure.py imports PKGDIR    no two modules of a Python package import each other in
                                       a circle, counting imports inside functions

Exits 1 with one line per broken rule.
"""
import ast
import collections
import os
import re
import subprocess
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
LAYER = re.compile(r'layer (\d+)')


def read_layers(root):
    """folder -> (number, set of folders it may include)"""
    layers = {}
    for name in sorted(os.listdir(root)):
        readme = os.path.join(root, name, 'README')
        if not os.path.isfile(readme):
            continue
        text = open(readme, encoding='utf-8').read()
        number = LAYER.search(text.splitlines()[0])
        may = [l for l in text.splitlines() if l.startswith('May include:')]
        if not number or len(may) != 1:
            sys.exit(f'{readme}: needs "layer N" on its first line and one "May include:" line')
        allowed = set(re.findall(r'(?<![<\w])([a-z_]+)/', may[0].split(':', 1)[1]))
        layers[name] = (int(number.group(1)), allowed)
    return layers


def check_layers(root):
    layers = read_layers(root)
    if not layers:
        return [f'{root}: no layer folders (a README with "May include:")']
    bad = []
    for name, (number, allowed) in layers.items():
        for dep in allowed:
            if dep not in layers:
                bad.append(f'{name}/README: allows {dep}/, which is not a layer')
            elif layers[dep][0] >= number:
                bad.append(f'{name}/README: allows {dep}/, which is not below it')
        folder = os.path.join(root, name)
        for f in sorted(os.listdir(folder)):
            if not f.endswith(('.c', '.h')):
                continue
            text = open(os.path.join(folder, f), encoding='utf-8').read()
            for inc in INCLUDE.findall(text):
                layer = inc.split('/')[0] if '/' in inc else None
                if layer is None:
                    bad.append(f'{name}/{f}: #include "{inc}" must name its layer ("{name}/{inc}")')
                elif layer != name and layer not in allowed:
                    bad.append(f'{name}/{f}: includes {inc}, but {name}/ may include only '
                               + (', '.join(sorted(a + '/' for a in allowed)) or 'itself'))
    return bad


def cycles(graph):
    """Strongly connected components of more than one node (Tarjan, iterative)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
    return out


def check_calls(archives):
    defined, used = {}, collections.defaultdict(set)
    for archive in archives:
        nm = subprocess.run(['nm', '-A', archive], capture_output=True, text=True, check=True)
        for line in nm.stdout.splitlines():
            where, _, rest = line.rpartition(':')
            obj = os.path.basename(where.split(':')[-1])
            obj = re.sub(r'\.c\.o$|\.o$', '', obj)
            parts = rest.split()
            if len(parts) == 3 and parts[1] in 'TDBRC':
                defined[parts[2]] = obj
            elif len(parts) == 2 and parts[0] == 'U':
                used[obj].add(parts[1])
    graph = collections.defaultdict(set)
    for obj, syms in used.items():
        for s in syms:
            if s in defined and defined[s] != obj:
                graph[obj].add(defined[s])
    return [f'files call each other in a circle: {" <-> ".join(c)}' for c in cycles(graph)]


def check_imports(pkgdir):
    pkg = os.path.basename(os.path.normpath(pkgdir))
    modules = {f[:-3] for f in os.listdir(pkgdir) if f.endswith('.py')}
    graph = collections.defaultdict(set)
    for mod in modules:
        tree = ast.parse(open(os.path.join(pkgdir, mod + '.py'), encoding='utf-8').read())
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.ImportFrom):
                if node.level == 1 or (node.level == 0 and node.module
                                       and node.module.split('.')[0] == pkg):
                    base = (node.module or '') if node.level else node.module[len(pkg) + 1:]
                    if base:
                        targets.append(base.split('.')[0])
                    else:  # from . import x, y
                        targets += [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                targets += [a.name.split('.')[1] for a in node.names
                            if a.name.startswith(pkg + '.')]
            for t in targets:
                t = t if t in modules else '__init__' if not t else None
                if t and t != mod:
                    graph[mod].add(t)
    return [f'modules import each other in a circle: {" <-> ".join(c)}' for c in cycles(graph)]


def main(argv):
    if len(argv) < 3 or argv[1] not in ('layers', 'calls', 'imports'):
        sys.exit(__doc__)
    if argv[1] == 'layers':
        bad = check_layers(argv[2])
    elif argv[1] == 'calls':
        bad = check_calls(argv[2:])
    else:
        bad = check_imports(argv[2])
    for b in bad:
        print(b)
    if not bad:
        print(f'{argv[1]}: ok ({", ".join(argv[2:])})')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
