"""Mean gaps of gap.py outputs, and how two of them compare instance by instance.

    python benchmarks/ab/mean.py OLD.txt NEW.txt
"""
import ast
import re
import sys


def rows(path: str) -> dict:
    out = {}
    for line in open(path):
        m = re.match(r"(\S+)\s+([\d.]+)s (\[[^\]]*\]) gap% (\[[^\]]*\])", line)
        if m:
            out[m.group(1)] = (float(m.group(2)), ast.literal_eval(m.group(3)), ast.literal_eval(m.group(4)))
    return out


runs = [rows(p) for p in sys.argv[1:]]
for p, r in zip(sys.argv[1:], runs, strict=True):
    n = len(r)
    print(f"{p}: {n} instances, mean gap % per goal {[round(sum(v[2][i] for v in r.values()) / n, 2) for i in range(4)]}, "
          f"longest wall {max(v[0] for v in r.values())} s")
if len(runs) == 2:
    a, b = runs
    common = [k for k in a if k in b]
    better = [k for k in common if b[k][1] < a[k][1]]
    worse = [k for k in common if b[k][1] > a[k][1]]
    print(f"second against first, lexicographically: better on {len(better)}, worse on {len(worse)}, "
          f"equal on {len(common) - len(better) - len(worse)} of {len(common)}")
    for k in worse:
        print(f"  worse: {k}: {a[k][1]} -> {b[k][1]}")
