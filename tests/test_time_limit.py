"""A time limit is a promise: a wall-clock solve returns within it on large cases.

Issue 21 asks for the limit plus 1 s (or 5 %, whichever is larger). The cases are big
enough that no goal is proven early, so the solve has to stop its searches itself:
generated L (40 units, about 950 slots: the full CP-SAT model is built) and a
60-unit multi-origin operation of the hard family (several origins sharing one fleet).
Every plan is checked with ``logistics.verify``.
"""

from __future__ import annotations

import time

import pytest

from logistics.families import generate_family
from logistics.generate import generate
from logistics.solve import solve
from logistics.verify import verify

CASES = {
    "generated L, seed 2": lambda: generate("L", seed=2),
    "multi-origin, 60 units": lambda: generate_family("multi-origin", seed=1, units=60),
}


@pytest.mark.parametrize("limit", [6.0])
@pytest.mark.parametrize("case", list(CASES))
def test_a_wall_clock_solve_returns_within_its_limit(case: str, limit: float) -> None:
    s = CASES[case]()
    t0 = time.perf_counter()
    plan = solve(s, time_limit=limit)
    wall = time.perf_counter() - t0
    # limit + max(1 s, 5 % of the limit) = 6 + 1 = 7 s
    assert wall <= limit + max(1.0, 0.05 * limit), f"{case}: {wall:.1f} s for a {limit:g} s limit"
    assert plan.status in ("feasible", "optimal")
    assert verify(s, plan) == []
    # the plan is a real one, not an empty fallback: every unit is planned
    assert {u.id for u in plan.units} == {u.id for u in s.units}
