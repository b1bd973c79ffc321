"""``replan(scenario, previous, now_hour) -> Plan``: re-plan from the current state
(SPEC 5.3).

1. The missions of the plan being flown that have started by ``now`` are kept exactly;
   if they break a rule under the new facts, that is an input conflict
   (:class:`ReplanError` naming the missions and the rule), never a silent violation.
2. The scenario as it now stands is planned from ``now``: every unit's readiness is
   moved to ``now`` at the earliest, so that no new mission starts before it.
3. The other missions of the plan being flown are kept, in start order, while they
   still keep every rule beside what is kept before them
   (:func:`~logistics.model.dispatch.keep_feasible`); what they no longer carry is
   dispatched around them, and the large-neighbourhood search
   (:func:`~logistics.search.lns.improve_goal`) improves the result goal by goal with
   the started missions held, whatever units it frees. A mission moves only when a
   goal gets strictly better, so the re-plan changes what the new facts require.
4. The plan's missions keep their ids where they are unchanged or changed, new ones get
   new ids; :func:`~logistics.verify.verify` checks the result, rule FROZEN included.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Collection
from dataclasses import replace

from ..errors import Problem, ScenarioError
from ..model.data import ModelData, build_data
from ..model.dispatch import (
    BEST_ORDERS,
    Dispatch,
    dispatch_greedy,
    dispatch_objective,
    keep_feasible,
    must_change,
)
from ..model.from_plan import to_dispatch
from ..plan import Plan, SolveInfo
from ..runtime import Budget
from ..scenario import Scenario
from ..search.lns import improve_goal
from ..solve.improve import search_free_value
from ..solve.options import Progress, ProgressCallback
from ..units import GOAL_SCALE
from ..verify import verify
from .assemble import assemble
from .frozen import split

__all__ = ["ReplanError", "replan"]

#: re-plans in a row that find nothing better before a goal's search stops (a re-plan
#: starts from a good plan: it should answer in seconds, not use the whole limit)
REPLAN_FAILS = 12
#: scenario caches that depend only on the airfields and the fleet (not on readiness)
_KEEP_CACHES = ("distances", "routings", "planner-routing")


class ReplanError(ScenarioError):
    """A re-plan that cannot be made: bad input (``now`` outside the horizon, a plan of
    another scenario) or kept missions that break a rule under the new facts."""

    what = "with the re-plan"


def replan(scenario: Scenario, previous: Plan, now_hour: float, *, time_limit: float = 10.0, seed: int = 0,
           workers: int | None = None, deterministic: bool = False, on_progress: ProgressCallback | None = None,
           stop=None, previous_sha256: str | None = None, focus: Collection[str] = ()) -> Plan:
    """Re-plan the airlift at ``now_hour`` for the scenario as it now stands.

    Parameters
    ----------
    scenario
        The scenario with the new facts (``until_hour``, ``mog_changes``, a later
        ``ready_hour``, units added or removed, ...).
    previous
        The plan being flown.
    now_hour
        The hour of the re-plan (hours from C-hour 0, within the horizon).
    time_limit, seed, workers, deterministic, on_progress, stop
        As for :func:`logistics.solve`; the search usually stops well before the limit.
    previous_sha256
        SHA-256 of the previous plan's file (default: of its JSON text).
    focus
        Ids of units the search re-plans first, beside those whose missions the new
        facts broke (what a lever relaxed).

    Returns
    -------
    Plan
        With ``replan``: ``now_hour``, the previous plan's hash and the mission ids
        kept, changed, cancelled and added; ``solve.goals`` ends with ``changes`` (the
        changed and cancelled missions).

    Raises
    ------
    ReplanError
        ``now_hour`` outside the horizon, a previous plan of another scenario, or
        started missions that break a rule under the new facts (named with the rule).
    """
    _check_inputs(scenario, previous, now_hour)
    budget = Budget(time_limit, deterministic, stop)
    done, rest = split(scenario, previous, now_hour)
    _check_started(scenario, done, now_hour)
    data = build_data(_from_now(scenario, now_hour))
    fixed, unmapped = to_dispatch(data, done, fixed=True)
    if unmapped:
        raise ReplanError([Problem(f"missions[{m.id}]", f"started before h{now_hour:g} on a routing or with "
                                   "loads the scenario no longer has") for m in unmapped])
    cands, lost = to_dispatch(data, rest)
    kept = keep_feasible(data, fixed, cands)
    least = must_change(data, fixed, cands) + len(lost)  # missions no re-plan can keep
    cur = _first(data, fixed + kept)
    before = dispatch_objective(data, cur)
    # first re-planned: the units of the missions dropped, and those asked for
    ids = {u.unit.id: u.idx for u in data.units}
    hit = {ui for dp in cands if not any(dp is k for k in kept) for ui in dp.loads}
    hit |= {ids[f] for f in focus if f in ids}
    cur, records = _improve(data, cur, budget, seed, workers, on_progress, hit)
    plan, lists = assemble(scenario, data, previous, done, rest, cur)
    if verify(scenario, plan, previous=previous, now_hour=now_hour):
        # the kept missions of the plan being flown are not a safe start after all:
        # plan everything not started again, around the started missions
        cur = _first(data, list(fixed))
        plan, lists = assemble(scenario, data, previous, done, rest, cur)
        broken = verify(scenario, plan, previous=previous, now_hour=now_hour)
        if broken:
            raise ReplanError([Problem(v.subject, f"{v.rule}: {v.message}") for v in broken])
    return _finish(scenario, plan, previous, now_hour, lists, records, before, budget, previous_sha256, least)


# ----- inputs ---------------------------------------------------------------------------
def _check_inputs(scenario: Scenario, previous: Plan, now_hour: float) -> None:
    problems = []
    if not (isinstance(now_hour, (int, float)) and math.isfinite(now_hour)) \
            or not 0 <= now_hour <= scenario.horizon_hours:
        problems.append(Problem("now", f"must be an hour within the horizon, 0 to {scenario.horizon_hours:g} "
                                       f"(got {now_hour!r})"))
    if previous.scenario_name != scenario.name:
        problems.append(Problem("previous plan", f"answers scenario {previous.scenario_name!r}, not "
                                                 f"{scenario.name!r}: a re-plan starts from a plan of this scenario"))
    if problems:
        raise ReplanError(problems)


def _check_started(scenario: Scenario, done: list, now_hour: float) -> None:
    """Started missions that break a rule under the new facts: an input conflict."""
    if not done:
        return
    alone = Plan.from_missions(scenario, done, status="feasible")
    problems = []
    for v in verify(scenario, alone):
        if v.rule == "reported":
            continue
        ids = [m.id for m in done if _touches(m, v.subject)]
        where = f"missions[{', '.join(ids[:6])}{', ...' if len(ids) > 6 else ''}]" if ids else v.subject
        problems.append(Problem(where, f"started before h{now_hour:g} and kept as flown, but break rule "
                                       f"{v.rule} under the new facts: {v.subject}: {v.message}"))
    if problems:
        raise ReplanError(problems)


def _touches(m, subject: str) -> bool:
    """Whether a violation's subject (mission, airfield, type or unit) concerns ``m``."""
    return subject in (m.id, m.aircraft) or subject in m.route or any(ld.unit == subject for ld in m.loads)


def _from_now(scenario: Scenario, now_hour: float) -> Scenario:
    """The scenario as the re-plan's model sees it: no unit ready before ``now``."""
    units = tuple(u if u.ready_hour >= now_hour else u.model_copy(update={"ready_hour": float(now_hour)})
                  for u in scenario.units)
    out = scenario.model_copy(update={"units": units})
    out._cache = {k: v for k, v in scenario._cache.items() if (k if isinstance(k, str) else k[0]) in _KEEP_CACHES}
    return out


# ----- search ---------------------------------------------------------------------------
def _first(data: ModelData, base: list[Dispatch]) -> list[Dispatch]:
    """``base`` and the rest dispatched around it: the best of the dispatcher's orders
    and the hand-planning rule."""
    best = None
    for rule, order in [("earliest", o) for o in BEST_ORDERS] + [("hand", "ready")]:
        cand = dispatch_greedy(data, rule=rule, order=order, base=base)
        key = dispatch_objective(data, cand)
        if best is None or key < best[0]:
            best = (key, cand)
    return best[1]


def _improve(data: ModelData, cur: list[Dispatch], budget: Budget, seed: int, workers: int | None,
             on_progress: ProgressCallback | None, focus: set[int]) -> tuple[list[Dispatch], list[dict]]:
    """The large-neighbourhood search, goal by goal, the started missions held."""
    goals = list(data.goals)
    records = []
    reserve = 0.0 if budget.deterministic else min(0.5, 0.1 * budget.limit)
    for i, goal in enumerate(goals):
        was = dispatch_objective(data, cur)[i]
        if was == 0:  # nothing undelivered or late: nothing to search
            records.append({"goal": goal, "status": "optimal", "seconds": 0.0, "objective": 0.0, "bound": 0.0,
                            "note": "nothing to improve"})
            continue
        # the first goal left gets the most: later goals only break its ties
        n = len(goals) - i
        share = (budget.left() - reserve) * (2 / (n + 1) if n > 1 else 1.0)
        part = Budget(max(0.0, share), budget.deterministic, budget.stop)
        res = improve_goal(data, cur, goal, part, seed=seed, workers=workers, max_fails=REPLAN_FAILS,
                           focus=focus or None)
        budget.charge(part.spent)
        cur = res.missions
        scale = GOAL_SCALE[goal]
        records.append({"goal": goal, "status": "optimal" if res.proven else "feasible",
                        "seconds": round(part.elapsed, 3), "objective": res.objective[i] / scale,
                        **({"bound": res.objective[i] / scale} if res.proven else {}),
                        "note": f"re-plan search from the plan being flown: {was / scale:.2f} -> "
                                f"{res.objective[i] / scale:.2f}",
                        "lns": {"tries": res.tries, "better": res.better}})
        if on_progress is not None and on_progress(Progress(goal, i, len(goals), res.objective[i] / scale, None,
                                                            budget.elapsed, res.better)) is True:
            budget.stop.set()
        if budget.stopped():
            break
    return cur, records


# ----- the plan -------------------------------------------------------------------------
def _intact(records: list[dict], i: int) -> bool:
    """Whether goal ``i``'s proof stands: it and every goal before it were proven (a
    proof holds the earlier goals at their values)."""
    return len(records) > i and all("bound" in r for r in records[: i + 1])


def _finish(scenario: Scenario, plan: Plan, previous: Plan, now_hour: float, lists: dict, records: list[dict],
            before: tuple, budget: Budget, previous_sha256: str | None, least: int) -> Plan:
    goals = list(scenario.objective)
    values = plan.objective_values(scenario)
    delivered = "undelivered" in goals and values[goals.index("undelivered")] == 0
    # proven by the search (every unit with something to move re-planned exactly, given
    # the started missions), or the search-free bounds (which hold for any plan)
    proven = {r["goal"]: r["bound"] for r in records if "bound" in r}
    bounds = [min(v, max(proven.get(g, -math.inf) if _intact(records, i) else -math.inf,
                         search_free_value(scenario, g, delivered and "undelivered" in goals[:i])))
              for i, (g, v) in enumerate(zip(goals, values, strict=True))]
    changes = len(lists["changed"]) + len(lists["cancelled"])
    # the changes goal's bound: missions that break a rule beside the started ones alone
    # (or that the scenario no longer has) change in every re-plan; it is proven only
    # once the scenario's goals are
    objective, bound = [*values, float(changes)], [*bounds, float(min(least, changes))]
    status = "optimal" if all(abs(o - b) < 1e-6 for o, b in zip(objective, bound, strict=True)) else "feasible"
    info = SolveInfo(solver="re-plan: large-neighbourhood search from the plan being flown",
                     seconds=budget.elapsed, objective=objective, bound=bound, goals=[*goals, "changes"],
                     stages=records, extra={"now_hour": now_hour, "started_missions": len(lists["started"]),
                                            "kept_from_previous": len(lists["kept"]),
                                            "first_objective": [b / GOAL_SCALE[g] for g, b in
                                                                zip(goals, before, strict=True)]})
    sha = previous_sha256 or hashlib.sha256(previous.to_json().encode()).hexdigest()
    record = {"now_hour": now_hour, "previous": {"sha256": sha},
              **{k: lists[k] for k in ("kept", "changed", "cancelled", "added")}}
    plan = replace(plan, status=status, solve=info, replan=record)
    try:
        from ..explain import explain

        return plan.with_findings(explain(scenario, plan))
    except Exception as exc:  # an explanation must never lose a plan
        plan.solve.extra["explain_error"] = repr(exc)
        return plan
