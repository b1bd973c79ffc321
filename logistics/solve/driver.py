"""``solve(scenario) -> Plan``: the staged, stoppable solve.

1. The multi-start dispatcher plans every unit by rules (its plan keeps every rule and
   is the floor any result must beat) and sizes the model's slots.
2. Rounds of the staged CP-SAT solve (:mod:`logistics.solve.stages`): if a round's plan
   breaks the daily crew-hour rule (which the model treats lazily), crew hours are
   modelled for that aircraft type and the round repeats.
3. The plan returned is rebuilt from its missions (:meth:`Plan.from_missions`
   recomputes every figure); its goal values, bounds and status are set once, at the
   end, and :func:`~logistics.explain.explain` gives its findings.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import replace

from ..model.convert import plan_from_dispatch, plan_from_values
from ..model.data import ModelData, build_data
from ..model.dispatch import (
    Dispatch,
    dispatch_best,
    dispatch_greedy,
    dispatch_naive,
    dispatch_objective,
    dispatch_stats,
    keep_feasible,
)
from ..model.from_plan import to_dispatch
from ..plan import Plan, SolveInfo
from ..runtime import Budget
from ..scenario import Scenario
from ..search.lns import improve_goal
from ..units import GOAL_SCALE
from .improve import search_free_bound, search_free_value
from .options import LARGE_MODEL_SLOTS, Progress, ProgressCallback, SolveOptions, StageRecord
from .stages import solve_round

__all__ = ["solve"]


def solve(
    scenario: Scenario,
    time_limit: float = 30.0,
    seed: int = 0,
    *,
    workers: int | None = None,
    deterministic: bool = False,
    on_progress: ProgressCallback | None = None,
    stop: threading.Event | None = None,
    options: SolveOptions | None = None,
    start: Plan | None = None,
    start_scenario: Scenario | None = None,
) -> Plan:
    """Plan the airlift for a scenario.

    Parameters
    ----------
    scenario
        A validated scenario.
    time_limit, seed
        Seconds for the whole solve (all goals); the search's random seed.
    workers, deterministic
        CP-SAT workers (default 8, or the machine's cores if more); repeatable mode
        (same seed, same plan) with a deterministic time limit.
    on_progress
        Called with a :class:`~logistics.solve.Progress` on every incumbent and bound
        change; return ``True`` to stop the search.
    stop
        An event another thread may set to stop it (the best plan found is kept).
    options
        All settings at once (:class:`~logistics.solve.SolveOptions`); replaces
        ``time_limit``, ``seed``, ``workers`` and ``deterministic``.
    start, start_scenario
        A warm start: a plan of ``start_scenario`` (before an edit). What of it still
        keeps every rule, completed by the dispatcher, is the first plan if no worse;
        an optimal one is returned at once when the edit cannot change the optimum
        (:func:`logistics.diff.same_optimum`).

    Returns
    -------
    Plan
        ``optimal`` only when every goal was proven optimal.
    """
    opts = options or SolveOptions(time_limit=time_limit, seed=seed, workers=workers, deterministic=deterministic)
    budget = Budget(opts.time_limit, opts.deterministic, stop)
    if start is not None and start_scenario is not None:
        same = _unchanged_optimum(scenario, start, start_scenario, budget)
        if same is not None:
            return same
    data = build_data(scenario, slack=opts.slack)
    tg = time.perf_counter()
    first = _dispatch(data, opts, start)
    greedy_s = time.perf_counter() - tg
    _search_free_bounds(scenario, data.goals)
    # the dispatcher's plan respects every rule: it is the floor any solve result must beat
    fallback = plan_from_dispatch(data, first, status="feasible", info=SolveInfo(goals=list(data.goals)))
    floor = fallback.objective_values(scenario)
    proven = _report(scenario, fallback, SolveInfo(objective=floor, bound=[0.0] * len(floor),
                                                   goals=list(data.goals)), "feasible")[2] == "optimal"
    plan, records, crew = _search(data, opts, on_progress, budget, first, fallback, proven)
    if plan is not None and not _lex_worse(plan.objective_values(scenario), floor):
        status, done = plan.status, plan.solve
        solver = done.solver
    else:
        status, done = fallback.status, SolveInfo(objective=floor, bound=[0.0] * len(data.goals),
                                                  goals=list(data.goals))
        solver = ("dispatcher (its plan meets a proven bound on every goal)" if proven
                  else "greedy dispatch (CP-SAT found nothing better in time)")
        if records and records[-1].status == "infeasible":
            status = "infeasible"
        plan = fallback
    objective, bound, status = _report(scenario, plan, done, status)
    extra: dict = {} if plan is fallback else {"greedy_objective": floor}
    extra.update(slots=data.n_slots, groups=len(data.groups), greedy_seconds=round(greedy_s, 3),
                 greedy_missions=len(first), crew_limited_types=sorted(crew), seed=opts.seed,
                 deterministic=opts.deterministic, time_limit=opts.time_limit)
    info = SolveInfo(solver=solver, seconds=budget.elapsed, objective=objective, bound=bound, goals=done.goals,
                     stages=[r.as_dict() for r in records], extra=extra)
    plan = replace(plan, status=status, solve=info)
    return _explained(scenario, plan)


def _search(data: ModelData, opts: SolveOptions, on_progress: ProgressCallback | None, budget: Budget,
            first: list[Dispatch], fallback: Plan, proven: bool
            ) -> tuple[Plan | None, list[StageRecord], frozenset[str]]:
    """The search from the first plan: none when it is proven; the missions-only search
    for a large force, or when the time left is short for the whole force's model
    (:attr:`SolveOptions.model_slots_per_second`); the rounds of the staged CP-SAT solve
    otherwise."""
    if proven:
        return None, [], frozenset()
    short = not opts.deterministic and budget.left() < 1.0 + data.n_slots / opts.model_slots_per_second
    if data.n_slots > opts.lns_only_slots or short:
        return _lns_only(data, opts, on_progress, budget, first)
    return _rounds(data, opts, on_progress, budget, first, fallback)


def _search_free_bounds(scenario: Scenario, goals) -> None:
    """The search-free bounds, computed now (and cached) so that they count against
    the time limit."""
    from ..bounds.search_free import lower_bound, undelivered_bound

    if "undelivered" in goals:
        undelivered_bound(scenario)
    if "closure" in goals:
        lower_bound(scenario)


def _unchanged_optimum(scenario: Scenario, start: Plan, before: Scenario, budget: Budget) -> Plan | None:
    """``start`` for ``scenario``, when it was optimal for ``before`` and the edit cannot
    change the optimum (and it keeps every rule): the answer at once."""
    from ..diff import same_optimum
    from ..verify import verify

    if start.status != "optimal" or list(start.solve.goals) != list(scenario.objective):
        return None
    if not same_optimum(before, scenario):
        return None
    plan = Plan.from_missions(scenario, start.missions, status="optimal", findings=start.findings,
                              destinations={u.id: u.destination for u in start.units})
    if verify(scenario, plan):
        return None
    info = replace(start.solve, seconds=budget.elapsed,
                   extra={**start.solve.extra, "warm_start": "unchanged optimum: the edit cannot change it"})
    return replace(plan, solve=info)


def _dispatch(data: ModelData, opts: SolveOptions, start: Plan | None = None) -> list[Dispatch]:
    """The multi-start dispatcher's plan (at most a fifth of the time; repeatable mode:
    all its starts), the naive planner's if it is better, the warm start's if it is no
    worse, and the model's slots sized from it."""
    t0 = time.perf_counter()
    share = None if opts.deterministic else opts.time_limit / 5
    first = dispatch_best(data, share)
    if opts.naive_start:
        # the plans a planner gets without an optimiser, by hand-planning rules and one
        # unit per mission: the start is never worse than either, unless the time
        # limit is too short to make them (started within two fifths of it, a large
        # force's within the dispatcher's fifth)
        until = (share if data.n_slots > opts.lns_only_slots else 2 * share) if share is not None else None
        for other in (lambda: dispatch_greedy(data, rule="hand"), lambda: dispatch_naive(data)):
            if until is not None and time.perf_counter() - t0 >= until:
                break
            plan = other()
            if dispatch_objective(data, plan) < dispatch_objective(data, first):
                first = plan
    if start is not None:
        # the plan made before: what of it still keeps every rule, the rest dispatched
        cands, _ = to_dispatch(data, start.missions)
        warm = dispatch_greedy(data, base=keep_feasible(data, [], cands))
        if dispatch_objective(data, warm) <= dispatch_objective(data, first):
            first = warm
    used = dispatch_stats(data, first)
    from_plan = opts.slots_from_greedy
    if from_plan is None and data.n_slots > LARGE_MODEL_SLOTS:
        from_plan = 0.25
    for gi, g in enumerate(data.groups):
        n = used.get(gi, 0)
        if from_plan is not None:
            g.k = min(g.k, math.ceil(n * (1 + from_plan)) + 2)
        g.k = max(g.k, n)
    return first


def _rounds(data: ModelData, opts: SolveOptions, on_progress: ProgressCallback | None, budget: Budget,
            first: list[Dispatch], fallback: Plan) -> tuple[Plan | None, list[StageRecord], frozenset[str]]:
    """Rounds of the staged solve until a plan keeps the daily crew-hour rule; (that
    plan or None, every stage's record, the types with crew hours modelled)."""
    scenario = data.scenario
    # crew limits where the dispatcher already flies a type's days near its budget
    # (a free solve would break them and cost a second round)
    near = {t for t, u in _crew_use(scenario, fallback).items() if u >= 0.8}
    crew: frozenset[str] = frozenset(data.crew) if opts.crew_always else frozenset(near)
    records: list[StageRecord] = []
    for k in range(opts.max_crew_rounds + 1):
        left = max(0.0, budget.left())
        if k > 0 and left < 0.5:
            break
        res, am = solve_round(data, opts, crew, on_progress, budget, budget.t0, first, left)
        records.extend(res.records)
        budget.charge(sum(r.spent for r in res.records))
        if not res.values:
            break
        info = SolveInfo(solver=f"cp-sat {_ortools_version()}", objective=res.objective, bound=res.bound,
                         goals=list(data.goals)[: len(res.objective)])
        cand = plan_from_values(data, am, res.values, res.status, info)
        broken = _crew_broken(scenario, cand) - crew
        if not broken:
            return cand, records, crew
        crew = crew | broken
        if budget.stopped():
            break
    return None, records, crew


def _lns_only(data: ModelData, opts: SolveOptions, on_progress: ProgressCallback | None, budget: Budget,
              first: list[Dispatch]) -> tuple[Plan, list[StageRecord], frozenset[str]]:
    """A large force: no whole-force model, the large-neighbourhood search improves the
    dispatched plan goal by goal (each an equal share of the time left, a reserve kept
    for building and explaining the plan)."""
    goals = list(data.goals)
    cur = first
    records: list[StageRecord] = []
    reserve = 0.0 if opts.deterministic else min(0.1 * opts.time_limit, 2.0 + 0.002 * len(first))
    for i, goal in enumerate(goals):
        share = (budget.left() - reserve) / (len(goals) - i)
        scale = GOAL_SCALE[goal]
        delivered = "undelivered" in goals[:i] and dispatch_objective(data, cur)[goals.index("undelivered")] == 0
        sfb = search_free_bound(data, goal, delivered)
        before = dispatch_objective(data, cur)[i]
        part = Budget(max(0.0, share), opts.deterministic, budget.stop)
        res = improve_goal(data, cur, goal, part, seed=opts.seed, workers=opts.workers, bound=sfb)
        budget.charge(part.spent)
        cur = res.missions
        val = res.objective[i]
        rec = StageRecord(goal, "optimal" if val <= sfb else "feasible", seconds=round(part.elapsed, 3),
                          spent=part.spent, crew_limited=sorted(data.crew), objective=val / scale,
                          bound=min(sfb, val) / scale,
                          note=f"large-neighbourhood search on missions, no whole-force model ({data.n_slots} slots): "
                               f"{before / scale:.2f} -> {val / scale:.2f}",
                          lns={"tries": res.tries, "better": res.better, "from": before / scale, "to": val / scale})
        records.append(rec)
        if on_progress is not None and on_progress(Progress(goal, i, len(goals), val / scale, min(sfb, val) / scale,
                                                            budget.elapsed, res.better)) is True:
            budget.stop.set()
        if budget.stopped():
            break
    obj = dispatch_objective(data, cur)
    info = SolveInfo(solver=f"large-neighbourhood search (cp-sat {_ortools_version()})",
                     objective=[obj[j] / GOAL_SCALE[g] for j, g in enumerate(goals[: len(records)])],
                     bound=[r.bound for r in records], goals=goals[: len(records)])
    status = "optimal" if records and all(r.status == "optimal" for r in records) and len(records) == len(goals) \
        else "feasible"
    return plan_from_dispatch(data, cur, status=status, info=info), records, frozenset(data.crew)


def _report(scenario: Scenario, plan: Plan, done: SolveInfo, status: str) -> tuple[list[float], list[float], str]:
    """The returned plan's own goal values (recomputed from its missions), bounds and
    status. A stage stopped short of optimality counted loose variables, and later
    stages may have improved an earlier goal under its '<= value' constraint; bounds
    stay below the values."""
    if not done.objective:
        return list(done.objective), list(done.bound), status
    actual = plan.objective_values(scenario)[: len(done.objective)]
    bounds = list(done.bound)
    goals = done.goals
    # the search-free bounds hold for every plan; closure's and flying hours' for plans
    # that deliver everything, once that is fixed by an earlier goal
    delivered = "undelivered" in goals and actual[goals.index("undelivered")] == 0
    for i, g in enumerate(goals):
        fixed = delivered and "undelivered" in goals[:i]
        bounds[i] = max(bounds[i], search_free_value(scenario, g, fixed))
    bound = [min(b, v) for b, v in zip(bounds, actual, strict=True)]
    if status == "feasible" and all(abs(b - v) < 1e-6 for b, v in zip(bound, actual, strict=True)) \
            and len(actual) == len(goals) == len(scenario.objective):
        status = "optimal"  # every goal's value meets a proven bound
    return actual, bound, status


def _explained(scenario: Scenario, plan: Plan) -> Plan:
    """The plan with its findings; an explanation that fails never loses the plan."""
    try:
        from ..explain import explain

        return plan.with_findings(explain(scenario, plan))
    except Exception as exc:  # explanation must never lose a plan
        plan.solve.extra["explain_error"] = repr(exc)
        return plan


def _ortools_version() -> str:
    try:
        from ortools import __version__

        return __version__
    except Exception:  # pragma: no cover
        return "?"


def _lex_worse(a: list[float], b: list[float]) -> bool:
    """Whether objective vector ``a`` is lexicographically worse than ``b``."""
    for x, y in zip(a, b, strict=False):
        if x > y + 1e-6:
            return True
        if x < y - 1e-6:
            return False
    return False


def _crew_broken(s: Scenario, plan: Plan) -> set[str]:
    """Aircraft types whose legs exceed the daily crew-hour rule (SPEC rule 9)."""
    return {t for t, u in _crew_use(s, plan).items() if u > 1 + 1e-9}


def _crew_use(s: Scenario, plan: Plan) -> dict[str, float]:
    """Highest daily share of the crew-hour budget flown, per aircraft type."""
    fly: dict[tuple[str, int], float] = {}
    for m in plan.missions:
        for lg in m.legs:
            a, b = lg.depart_hour, lg.arrive_hour
            k = int(a // 24)
            while k * 24 < b:
                lo, hi = max(a, k * 24), min(b, k * 24 + 24)
                if hi > lo:
                    fly[(m.aircraft, k)] = fly.get((m.aircraft, k), 0.0) + hi - lo
                k += 1
    out: dict[str, float] = {}
    for (t, k), h in fly.items():
        cap = s.aircraft_type(t).ute_hours * s.fleet_day_count(t, k)
        out[t] = max(out.get(t, 0.0), h / cap if cap > 0 else float("inf"))
    return out
