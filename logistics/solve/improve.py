"""Per goal, what a stage adds to CP-SAT's own search: a bound that needs no search,
and an improvement search when CP-SAT has not proven the stage.

* closure: :func:`~logistics.search.closure.closure_search` (bounds from the
  time-indexed relaxation, repairs it guides);
* flying hours: :func:`~logistics.search.flying.flying_search` (each group's least
  flying hours, repairs towards them, groups re-planned in pairs).

Other goals have no improver: CP-SAT's search is theirs.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from ..model.build import AirliftModel
from ..model.data import ModelData
from ..runtime import Budget
from ..scenario import Scenario
from ..search.closure import closure_search
from ..search.context import SearchContext, SearchResult
from ..search.flying import flying_search
from ..units import GOAL_SCALE
from .options import SolveOptions, StageRecord

__all__ = ["IMPROVERS", "Improvement", "improve", "search_free_bound", "search_free_value"]

#: goals with an improvement search
IMPROVERS = ("closure", "flying_hours")


@dataclass
class Improvement:
    """What an improver proved and found for one stage (model units)."""

    bound: int  # the stage's bound, raised if the search proved more
    spent: float  # seconds, or deterministic units
    better: tuple[int, list[int]] | None  # (value, full solution vector) if it improved the plan


def search_free_value(s: Scenario, goal: str, delivered_all: bool) -> float:
    """A goal's bound from :mod:`logistics.bounds.search_free` (SPEC units), no search;
    0 where none applies.

    Closure and flying hours are bounded only for plans that deliver everything
    (``delivered_all``); the undelivered bound holds for every plan.
    """
    from ..bounds.search_free import flying_hours_bound, lower_bound, undelivered_bound

    if goal == "undelivered":
        return undelivered_bound(s).value
    if goal == "closure" and delivered_all:
        lb = lower_bound(s)
    elif goal == "flying_hours" and delivered_all:
        lb = flying_hours_bound(s)
    else:
        return 0.0
    return lb if math.isfinite(lb) else 0.0


def search_free_bound(data: ModelData, goal: str, delivered_all: bool) -> int:
    """:func:`search_free_value` in model units (× GOAL_SCALE, rounded up)."""
    return math.ceil(search_free_value(data.scenario, goal, delivered_all) * GOAL_SCALE[goal] - 1e-6)


def improve(data: ModelData, am: AirliftModel, values: dict, goal: str, fixed: dict[str, int], val: int, bnd: int,
            limit: float, opts: SolveOptions, stop: threading.Event, t_end: float, rec: StageRecord) -> Improvement:
    """Close a stage's gap with the goal's improvement search.

    ``values`` is the stage's plan (model units, ``val``), ``fixed`` the earlier goals'
    values, ``limit`` the stage's time left (seconds, or deterministic units); in
    wall-clock mode the solve's own end ``t_end`` caps it; ``stop`` ends it early.
    ``rec`` receives what the search did.
    """
    if not opts.deterministic:
        limit = min(limit, t_end - time.perf_counter())
    if limit < 0.2 or bnd >= val:
        return Improvement(bnd, 0.0, None)
    ctx = SearchContext(data, am, fixed, Budget(limit, opts.deterministic, stop),
                        workers=opts.workers, seed=opts.seed)
    scale = GOAL_SCALE[goal]
    if goal == "flying_hours":
        res = flying_search(ctx, values, val)
        rec.relaxation = _flying_detail(res, scale)
        found = (f"groups re-planned in pairs and repairs guided by each group's least flying hours: "
                 f"{val / scale:.1f} -> {res.value / scale:.1f} h")
        proven = "proven by the component bound (SCIP)"
        bounded = "bound: least flying hours of each group of units that cannot share a mission (SCIP)"
    else:
        res = closure_search(ctx, values, val, bnd)
        rec.relaxation = {"checks": [{k: v for k, v in c.items() if k != "critical"} for c in res.checks],
                          "critical": sorted({u for c in res.checks for u in c["critical"]})}
        found = f"relaxation-guided repair landed everything by {res.value / scale:.2f} h"
        proven, bounded = "proven by the time-indexed relaxation", "bound from the time-indexed relaxation"
    rec.relaxation = {"bound": res.bound / scale, "found": res.value / scale, "seconds": round(res.seconds, 3),
                      **rec.relaxation}
    notes = [found] if res.solution is not None else []
    if res.bound > bnd:
        bnd = res.bound
        notes.append(proven if bnd >= res.value else bounded)
    for note in notes:
        rec.add_note(note)
    better = (res.value, res.solution) if res.solution is not None else None
    return Improvement(bnd, res.spent, better)


def _flying_detail(res: SearchResult, scale: float) -> dict:
    """The flying search's record in hours."""
    hours = ("bound", "plan", "guide_value", "repaired")
    detail: dict = {"components": [{k: (v / scale if k in hours else v) for k, v in c.items()} for c in res.checks]}
    if res.held:  # pairs of groups re-planned together, the rest held
        detail["held_out"] = [{k: (v / scale if k in ("plan", "found", "repaired") else v) for k, v in c.items()}
                              for c in res.held]
    if res.joint is not None:  # the groups held to the beds together
        detail["joint"] = {k: (v / scale if k in ("start", "bound", "repaired") else v)
                           for k, v in res.joint.items()}
    return detail
