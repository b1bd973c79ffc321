"""One solve per instance at a time limit, and its primal gap to the best known, per goal.

    ROOT=<checkout> PYTHONPATH=<checkout> python benchmarks/ab/gap.py '{}' '{}' 20 crew-bound-s2-u14 ...

Arguments: module attributes to set (JSON, e.g. ``{"search.lns.STEP_MAX": 1.0}``), solve
arguments (JSON; ``{"options": {...}}`` for :class:`~logistics.solve.SolveOptions` fields,
e.g. ``{"options": {"lns_only_slots": 0}}``), the time limit (s, wall clock), instance names of
``benchmarks/planner_time.py``. ``ROOT`` is the checkout whose ``logistics`` and
``benchmarks`` are used (another commit's worktree for an A/B run); the best-known plans
are always this checkout's (``benchmarks/best_known/index.json``). ``SEED``: the solve's
seed (0). Prints one line per instance (wall, goals, gaps in %, violations, and per
stage: seconds of CP-SAT, search tries, tries that found better), then the mean gaps.
"""
import importlib
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, os.environ.get("ROOT", str(HERE.parent.parent)) + "/benchmarks")
from planner_time import _find, primal_gap  # noqa: E402

mods, opts, limit = json.loads(sys.argv[1]), json.loads(sys.argv[2]), float(sys.argv[3])
for k, v in mods.items():
    parts = k.split(".")
    for i in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module("logistics." + ".".join(parts[:i]))
            break
        except ImportError:
            continue
    for a in parts[i:-1]:
        obj = getattr(obj, a)
    setattr(obj, parts[-1], v)
from logistics.solve import SolveOptions, solve  # noqa: E402
from logistics.verify import verify  # noqa: E402

best = json.loads((HERE.parent / "best_known" / "index.json").read_text())
gaps = []
for n in sys.argv[4:]:
    s = _find(n).load()
    t = time.perf_counter()
    seed = int(os.environ.get("SEED", "0"))
    kw = dict(opts)
    if "options" in kw:
        kw["options"] = SolveOptions(time_limit=limit, seed=seed, **kw["options"])
    p = solve(s, time_limit=limit, seed=seed, **kw)
    w = time.perf_counter() - t
    obj = p.objective_values(s)
    g = [primal_gap(v, bb) for v, bb in zip(obj, best[n]["objective"], strict=True)]
    gaps.append(g)
    st = [(r.get("goal")[:4], round(r.get("seconds") or 0, 1), (r.get("lns") or {}).get("tries"),
           (r.get("lns") or {}).get("better")) for r in p.solve.stages]
    print(f"{n:24s} {w:5.1f}s {[round(x, 1) for x in obj]} gap% {[round(100 * x, 1) for x in g]} "
          f"v{len(verify(s, p))} {st}", flush=True)
if gaps:
    print("MEAN gap%", [round(100 * sum(g[i] for g in gaps) / len(gaps), 2) for i in range(len(gaps[0]))])
