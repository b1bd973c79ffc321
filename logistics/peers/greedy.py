"""The hand-planning baseline: what a planner would do without an optimiser.

:func:`greedy` dispatches one mission at a time the way airlift planners work a
deployment order by hand (:func:`logistics.model.dispatch.dispatch_greedy` with
``rule="hand"``):

* units in order of readiness (earliest ready first; priority breaks ties);
* each unit to the nearest allowed destination that still has beddown room;
* each load on the largest aircraft free first, by the shortest routing that carries
  the most, at the earliest minute at which the fleet pool, every ramp (MOG) and the
  day's crew hours have room;
* what cannot be moved in the unit's window is reported undelivered.

Every plan it returns is rebuilt with :meth:`Plan.from_missions`, which recomputes its
figures, and satisfies every rule of SPEC section 3 (the tests run the independent
checker on the bundled and generated scenarios). It is the reference the optimiser is
benchmarked against (``benchmarks/``), and a fallback that always answers quickly.
"""

from __future__ import annotations

from ..model.dispatch import dispatch_greedy
from ..plan import Plan
from ..scenario import Scenario
from ._plan import dispatched_plan

__all__ = ["greedy"]


def greedy(scenario: Scenario) -> Plan:
    """The hand-planning dispatcher's plan for a scenario.

    Parameters
    ----------
    scenario
        A validated scenario.

    Returns
    -------
    Plan
        Status ``feasible`` (a valid plan, not a proven one; units it could not move
        are undelivered), solver ``greedy``; ``solve.objective`` holds the goals'
        values in the scenario's order and ``solve.bound`` is empty (no proof).
    """
    return dispatched_plan(scenario, "greedy", lambda data: dispatch_greedy(data, rule="hand"), rule="hand")
