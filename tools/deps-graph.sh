#!/bin/sh
# The graph of includes and cross-file calls between the source files of
# the sipguard program (loader/ and lib/), and its cycles.  A file uses
# another when it includes it (#include "x.h"), or when it calls or
# names (a command table's function pointer) a function that the other
# defines.  A header stands for declarations only: what uses x.h uses
# x.c only through the calls it makes.  Exit 0 when the graph has no
# cycle, 1 when it has one (each cycle is printed with its edges).
#
#   tools/deps-graph.sh            the cycles, if any, and a summary
#   tools/deps-graph.sh --edges    also every edge, "from -> to (why)"
#   tools/deps-graph.sh DIR...     other source directories
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
exec python3 - "$@" <<'PY'
import os, re, sys

args = [a for a in sys.argv[1:] if not a.startswith('--')]
show_edges = '--edges' in sys.argv
dirs = args or ['loader', 'lib']

files = {}                      # path -> text without comments and strings
for d in dirs:
    for f in sorted(os.listdir(d)):
        if f.endswith(('.c', '.h')):
            p = os.path.join(d, f)
            t = open(p).read()
            t = re.sub(r'/\*.*?\*/', ' ', t, flags=re.S)
            t = re.sub(r'//[^\n]*', ' ', t)
            files[p] = t

def module(p):
    return p

mods = sorted({module(p) for p in files})
byname = {os.path.basename(m): m for m in mods}	# -I loader, -I lib

# Functions defined at file scope, not static: "type name(args)\n{".
defre = re.compile(r'^(?!static\b)[A-Za-z_][^;(){}=\n]*?\b([a-z_][a-z0-9_]*)\s*\([^;{]*?\)\s*\{',
                   re.M)
keywords = {'if', 'for', 'while', 'switch', 'return', 'sizeof', 'else', 'do'}
defs = {}
for p, t in files.items():
    if p.endswith('.c'):
        for name in defre.findall(t):
            if name not in keywords:
                defs.setdefault(name, module(p))

edges = {}
def edge(a, b, why):
    if a != b:
        edges.setdefault((a, b), why)

incre = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
callre = re.compile(r'\b([a-z_][a-z0-9_]*)\b')	# a call or a pointer
for p, t in files.items():
    m = module(p)
    for inc in incre.findall(t):
        target = os.path.normpath(os.path.join(os.path.dirname(p), inc))
        if target in mods:
            edge(m, target, 'includes ' + inc)
        elif os.path.basename(inc) in byname and '/' not in inc:
            edge(m, byname[os.path.basename(inc)], 'includes ' + inc)
    if p.endswith('.c'):
        code = re.sub(r'^\s*#[^\n]*', ' ', t, flags=re.M)
        code = re.sub(r'"(\\.|[^"\\\n])*"', '""', code)
        code = re.sub(r"'(\\.|[^'\\\n])*'", "''", code)
        for name in set(callre.findall(code)):
            if name in defs:
                edge(m, defs[name], 'uses ' + name + '()')

adj = {m: sorted(b for (a, b) in edges if a == m) for m in mods}

# Tarjan's strongly connected components: every one bigger than a node
# is a cycle.
index, low, stack, on, sccs, n = {}, {}, [], set(), [], [0]
def visit(v):
    index[v] = low[v] = n[0]; n[0] += 1
    stack.append(v); on.add(v)
    for w in adj[v]:
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        c = []
        while True:
            w = stack.pop(); on.discard(w); c.append(w)
            if w == v:
                break
        sccs.append(c)
sys.setrecursionlimit(10000)
for v in mods:
    if v not in index:
        visit(v)

if show_edges:
    for (a, b), why in sorted(edges.items()):
        print('%s -> %s (%s)' % (a, b, why))
cycles = [sorted(c) for c in sccs if len(c) > 1]
for c in cycles:
    print('cycle: ' + ' <-> '.join(c))
    for (a, b), why in sorted(edges.items()):
        if a in c and b in c:
            print('    %s -> %s (%s)' % (a, b, why))
print('%d files, %d edges, %d cycle%s' % (len(mods), len(edges), len(cycles),
                                          '' if len(cycles) == 1 else 's'))
sys.exit(1 if cycles else 0)
PY
