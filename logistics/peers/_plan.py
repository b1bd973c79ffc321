"""A rule-based dispatcher's schedule as a plan, timed: what the peers return."""

from __future__ import annotations

import time
from collections.abc import Callable

from ..model.convert import plan_from_dispatch
from ..model.data import ModelData, build_data
from ..model.dispatch import Dispatch
from ..plan import Plan, SolveInfo
from ..scenario import Scenario


def dispatched_plan(scenario: Scenario, solver: str, dispatch: Callable[[ModelData], list[Dispatch]],
                    **extra: object) -> Plan:
    """``dispatch``'s schedule for the scenario as a plan: status ``feasible`` (valid, not
    proven), ``solve.objective`` the goals' values in the scenario's order, no bound,
    ``solve.extra`` the build and dispatch times and ``extra``."""
    t0 = time.perf_counter()
    data = build_data(scenario)
    t1 = time.perf_counter()
    missions = dispatch(data)
    t2 = time.perf_counter()
    plan = plan_from_dispatch(data, missions, status="feasible",
                              info=SolveInfo(solver=solver, goals=list(scenario.objective)))
    plan.solve.objective = plan.objective_values(scenario)
    plan.solve.seconds = time.perf_counter() - t0
    plan.solve.extra.update({**extra, "build_seconds": round(t1 - t0, 3), "dispatch_seconds": round(t2 - t1, 3)})
    return plan
