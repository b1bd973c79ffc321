"""The benchmark's hard instances: every kind of :mod:`logistics.families`, four seeds each.

The generated S-XL instances are all closure-bound; these are not. Each kind stresses one
limit (``logistics.families.FAMILY_KINDS``): the crew day, one airfield's ramp, required
dates, latest arrivals, beds, cargo classes and runways, late CRAF, a fleet shared by
many origins. Seeds 1-4 of each kind, with unit counts spread over the kind's range
(``UNIT_RANGES``; 6 to 60 over the family), 32 instances in all.

``bench.instances(["family"])`` gives them as :class:`bench.Instance` records (kind
``family:<kind>``, time limit ``TIME_LIMITS["family"]``); ``python benchmarks/family.py``
prints each with its size and the dispatcher's and the naive planner's goals.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import Instance  # noqa: E402

from logistics.families import FAMILY_KINDS, UNIT_RANGES  # noqa: E402

SEEDS = (1, 2, 3, 4)


def family_units(kind: str) -> list[int]:
    """Unit counts of the kind's instances: its range's ends and two points between."""
    lo, hi = UNIT_RANGES[kind]
    return [lo + round(i * (hi - lo) / (len(SEEDS) - 1)) for i in range(len(SEEDS))]


def family_instances(kinds: list[str] | tuple[str, ...] | None = None) -> list[Instance]:
    """The hard instances, kind by kind in :data:`FAMILY_KINDS` order, seeds 1-4."""
    out = []
    for kind in FAMILY_KINDS if kinds is None else kinds:
        for seed, n in zip(SEEDS, family_units(kind), strict=True):
            out.append(Instance(f"{kind}-s{seed}-u{n}", f"family:{kind}", seed=seed, units=n))
    return out


def main() -> int:
    """Print the instances: size, fleet, horizon, and the dispatcher's and naive goals."""
    from logistics.model.convert import plan_from_dispatch
    from logistics.model.data import build_data
    from logistics.model.dispatch import dispatch_best, dispatch_naive
    from logistics.plan import SolveInfo

    print("| instance | units | aircraft | horizon h | dispatcher goals | naive goals |")
    print("|---|---|---|---|---|---|")
    for inst in family_instances():
        s = inst.load()
        d = build_data(s)
        goals = []
        for f in (dispatch_best, dispatch_naive):
            plan = plan_from_dispatch(d, f(d), status="feasible", info=SolveInfo(solver="", goals=list(s.objective)))
            goals.append(", ".join(f"{v:,.1f}" for v in plan.objective_values(s)))
        print(f"| {inst.name} | {len(s.units)} | {sum(e.count for e in s.aircraft)} | {s.horizon_hours:g} "
              f"| {goals[0]} | {goals[1]} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
