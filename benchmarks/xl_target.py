"""XL target: a 120 s wall-clock solve of generate("XL", 1), as a user runs it.

    python benchmarks/xl_target.py

Prints status, KPIs, objective/bound per goal, stage statuses, checker violations, the
hand-rule greedy for comparison and peak memory.
"""

import resource
import time

import logistics
from logistics.generate import generate
from logistics.peers import greedy


def main() -> None:
    t = time.time()
    s = generate("XL", seed=1)
    t_gen = time.time() - t
    t = time.time()
    p = logistics.solve(s, time_limit=120)
    t_solve = time.time() - t
    violations = logistics.verify(s, p)
    g = greedy(s)
    print("generate s", round(t_gen, 1), "solve wall s", round(t_solve, 1), "status", p.status,
          "solver", p.solve.solver)
    print("kpis", p.kpis)
    print("objective", p.solve.objective, "bound", p.solve.bound)
    print("stages", [(x["goal"], x["status"], round(x["seconds"], 1)) for x in p.solve.stages])
    keys = ("slots", "groups", "greedy_seconds", "greedy_missions", "crew_limited_types")
    print("extra", {k: p.solve.extra.get(k) for k in keys})
    print("violations", len(violations), "| greedy undelivered", g.kpis["undelivered_pax"], "pax",
          g.kpis["undelivered_stons"], "st, closure", g.kpis["closure_hour"],
          "violations", len(logistics.verify(s, g)))
    print("peak RSS GB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6)


if __name__ == "__main__":
    main()
