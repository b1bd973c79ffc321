"""The naive planner: the baseline a planner would use without an optimiser.

:func:`naive` flies each unit on missions of its own (no other unit tops up a
unit's mission), puts each of the unit's loads in the earliest feasible slot (the
mission that lands it first, at the first minute at which the fleet pool, every ramp
(MOG) and the day's crew hours have room), takes the units in three orders (by
priority, by required date, by latest arrival) and keeps the best of the three plans
by the scenario's goals (:func:`logistics.model.dispatch.dispatch_naive`). It is
the floor the optimiser's first plan is measured against (issue 21); what cannot be
moved in a unit's window is reported undelivered.

Every plan it returns is rebuilt with :meth:`Plan.from_missions`, which recomputes its
figures, and satisfies every rule of SPEC section 3.
"""

from __future__ import annotations

from ..model.dispatch import NAIVE_ORDERS, dispatch_naive
from ..plan import Plan
from ..scenario import Scenario
from ._plan import dispatched_plan

__all__ = ["naive"]


def naive(scenario: Scenario) -> Plan:
    """The naive planner's plan for a scenario.

    Parameters
    ----------
    scenario
        A validated scenario.

    Returns
    -------
    Plan
        Status ``feasible`` (a valid plan, not a proven one), solver ``naive``;
        ``solve.objective`` holds the goals' values in the scenario's order and
        ``solve.bound`` is empty (no proof).
    """
    return dispatched_plan(scenario, "naive", dispatch_naive, orders=list(NAIVE_ORDERS))
