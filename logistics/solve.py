"""``solve(scenario) -> Plan``: the staged, stoppable CP-SAT solve.

Goals are optimised one at a time in the scenario's order. After each stage the goal
is fixed at the best value found (its optimum when proven) and the solution hints the
next stage, so a better value of an earlier goal is never traded for a later one.

The plan is read back as missions and rebuilt with :meth:`Plan.from_missions`, which
recomputes every reported figure. If it breaks the daily crew-hour rule (which the
model treats lazily), a crew limit for that aircraft type is added and the solve
repeats.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from .model.build import AirliftModel
from .model.convert import hint_from_dispatch, plan_from_dispatch, plan_from_values, read_vars
from .model.data import ModelData, build_data
from .model.dispatch import Dispatch, dispatch_best, dispatch_stats
from .plan import Plan, SolveInfo
from .scenario import Scenario
from .units import GOAL_SCALE


@dataclass
class Progress:
    """What a progress callback receives: the current stage's incumbent and bound."""

    stage: str
    stage_index: int
    n_stages: int
    objective: float | None
    bound: float | None
    elapsed: float
    solutions: int = 0

    @property
    def gap(self) -> float | None:
        """Relative gap of the current stage (0 when proven)."""
        if self.objective is None or self.bound is None:
            return None
        if abs(self.objective) < 1e-9:
            return 0.0
        return max(0.0, (self.objective - self.bound) / abs(self.objective))


ProgressCallback = Callable[[Progress], Any]

#: goals whose stage bound the time-indexed relaxation (logistics.relax) can raise
RELAX_GOALS = ("closure", "flying_hours")

#: above this many demand-sized slots, slots are sized from the dispatched plan
LARGE_MODEL_SLOTS = 2500

#: a stage's time the relaxation-guided search gives back (seconds or deterministic
#: units) goes on to CP-SAT from the best plan when at least this much is left
CONTINUE_MIN = 0.5


@dataclass
class SolveOptions:
    """Solver settings.

    Parameters
    ----------
    time_limit
        Seconds in all (wall clock), or deterministic seconds in deterministic mode.
    seed
        CP-SAT random seed.
    workers
        Search workers (default: 8, or the machine's cores if more).
    deterministic
        Repeatable runs (tests, benchmarks, sweeps): one CP-SAT worker (or interleaved
        workers if ``workers`` > 1) and ``time_limit`` in CP-SAT's deterministic time
        units instead of seconds (on this kind of machine one unit takes roughly 1-5 s
        of wall time, more on a loaded one).
    slack
        Extra mission slots per (origin, type) beyond a full-load estimate.
    log
        Print CP-SAT's search log.
    max_crew_rounds
        Re-solves allowed after adding a crew limit the plan broke.
    slots_from_greedy
        Size each (origin, type)'s slots from the first dispatched plan instead: its
        missions × (1 + this) + 2 (never fewer than it flies). ``None``: from demand,
        switching to the plan with 0.25 once demand would give more than
        ``LARGE_MODEL_SLOTS`` slots (there model size, not search, dominates).
    crew_always
        Model daily crew hours for every type from the start.
    params
        Extra CP-SAT parameters by name (e.g. ``{"cp_model_probing_level": 0}``).
    relax_share
        Share of the closure stage given to the relaxation-guided search
        (:mod:`logistics.guided`: bounds from the time-indexed relaxation of
        :mod:`logistics.relax`, repairs it guides) when CP-SAT has not proven the
        stage; 0 turns it off.
    flying_share
        Share of the flying-hours stage given to :func:`logistics.guided.flying_search`
        when CP-SAT has not proven the stage: the component bound (least flying hours
        per group of units that cannot share a mission, each solved by SCIP) and the
        repairs it guides; 0 turns it off.
    """

    time_limit: float = 30.0
    seed: int = 0
    workers: int | None = None
    deterministic: bool = False
    slack: float = 0.25
    log: bool = False
    max_crew_rounds: int = 3
    slots_from_greedy: float | None = None
    crew_always: bool = False
    params: dict[str, Any] = field(default_factory=dict)
    relax_share: float = 0.7
    flying_share: float = 0.6


class _Watch(cp_model.CpSolverSolutionCallback):
    def __init__(self, scale: float, report: Callable[[float | None, float | None, bool], bool]):
        super().__init__()
        self.scale = scale
        self.report = report
        self.n = 0

    def on_solution_callback(self) -> None:
        # never StopSearch() from here: with interleaved search CP-SAT aborts the
        # process; the stop event is honoured by the watcher thread instead
        self.n += 1
        self.report(self.ObjectiveValue() / self.scale, self.BestObjectiveBound() / self.scale, True)


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
) -> Plan:
    """Plan the airlift for a scenario.

    Parameters
    ----------
    scenario
        A validated scenario.
    time_limit
        Seconds for the whole solve (all goals).
    seed
        Random seed of the search.
    workers
        CP-SAT workers; default 8 (or the machine's cores if more).
    deterministic
        Repeatable mode (same seed, same plan) with a deterministic time limit.
    on_progress
        Called with a :class:`Progress` on every incumbent and bound change; return
        ``True`` to stop the search (the best plan found is kept).
    stop
        An event another thread may set to stop the search.

    Returns
    -------
    Plan
        Its status is ``optimal`` only when every goal was proven optimal.
    """
    opts = options or SolveOptions(time_limit=time_limit, seed=seed, workers=workers,
                                   deterministic=deterministic)
    t0 = time.perf_counter()
    stop = stop or threading.Event()
    data = build_data(scenario, slack=opts.slack)
    tg = time.perf_counter()
    # the multi-start dispatcher gets at most a fifth of the time (repeatable mode: all)
    first = dispatch_best(data, None if opts.deterministic else opts.time_limit / 5)
    used = dispatch_stats(data, first)
    from_plan = opts.slots_from_greedy
    if from_plan is None and data.n_slots > LARGE_MODEL_SLOTS:
        from_plan = 0.25
    for gi, g in enumerate(data.groups):
        n = used.get(gi, 0)
        if from_plan is not None:
            g.k = min(g.k, math.ceil(n * (1 + from_plan)) + 2)
        g.k = max(g.k, n)
    greedy_s = time.perf_counter() - tg
    # search-free bounds, computed now so that they count against the time limit
    from .estimate import lower_bound, undelivered_bound

    if "undelivered" in data.goals:
        undelivered_bound(scenario)
    if "closure" in data.goals:
        lower_bound(scenario)
    goals = list(data.goals)
    # the dispatcher's plan respects every rule: it is the floor any solve result must beat
    fallback = plan_from_dispatch(
        data, first, status="feasible",
        info=SolveInfo(solver="greedy dispatch (CP-SAT found nothing better in time)", goals=goals),
    )
    fallback.solve.objective = fallback.objective_values(scenario)
    fallback.solve.bound = [0.0] * len(goals)
    # crew limits where the dispatcher already flies a type's days near its budget
    # (a free solve would break them and cost a second round)
    near = {t for t, u in _crew_use(scenario, fallback).items() if u >= 0.8}
    crew: frozenset[str] = frozenset(data.fleet) if opts.crew_always else frozenset(near)
    stages_all: list[dict] = []
    plan = None
    for _round in range(opts.max_crew_rounds + 1):
        used_s = sum(st.get("spent", 0.0) for st in stages_all)
        budget = max(0.0, opts.time_limit - used_s)
        if not opts.deterministic:  # wall clock: preprocessing and rounds count too
            budget = min(budget, opts.time_limit - (time.perf_counter() - t0))
        if _round > 0 and budget < 0.5:
            break
        cand, stages, _sol = _solve_once(data, opts, crew, on_progress, stop, t0, first, budget)
        stages_all.extend(stages)
        if cand is None:
            break
        broken = _crew_broken(scenario, cand) - crew
        if not broken:
            plan = cand
            break
        crew = crew | broken
        if stop.is_set():
            break
    if plan is not None:
        plan.solve.extra["greedy_objective"] = fallback.solve.objective
    if plan is None or _lex_worse(plan.objective_values(scenario), fallback.solve.objective):
        plan = fallback
        if stages_all and stages_all[-1]["status"] == "infeasible":
            plan.status = "infeasible"
    # report the returned plan's own goal values (recomputed from its missions): a stage
    # stopped short of optimality counted loose variables, and later stages may have
    # improved an earlier goal under its '<= value' constraint; bounds stay below them
    if plan.solve.objective:
        actual = plan.objective_values(scenario)[: len(plan.solve.objective)]
        bounds = list(plan.solve.bound)
        goals = plan.solve.goals
        # the search-free bounds (estimate) hold for every plan; closure's and flying
        # hours' for plans that deliver everything, once that is fixed by an earlier goal
        delivered = "undelivered" in goals and actual[goals.index("undelivered")] == 0
        for i, g in enumerate(goals):
            fixed = delivered and "undelivered" in goals[:i]
            bounds[i] = max(bounds[i], _search_free_bound_value(scenario, g, fixed))
        plan.solve.bound = [min(b, v) for b, v in zip(bounds, actual, strict=True)]
        plan.solve.objective = actual
        if plan.status == "feasible" and all(abs(b - v) < 1e-6 for b, v in zip(plan.solve.bound, actual, strict=True)) \
                and len(actual) == len(goals) == len(scenario.objective):
            plan.status = "optimal"  # every goal's value meets a proven bound
    plan.solve.seconds = time.perf_counter() - t0
    plan.solve.stages = stages_all
    plan.solve.extra.update({
        "slots": data.n_slots, "groups": len(data.groups), "greedy_seconds": round(greedy_s, 3),
        "greedy_missions": len(first), "crew_limited_types": sorted(crew),
        "seed": opts.seed, "deterministic": opts.deterministic, "time_limit": opts.time_limit,
    })
    try:
        from .explain import explain

        plan.findings = list(explain(scenario, plan))
    except Exception as exc:  # explanation must never lose a plan
        plan.solve.extra["explain_error"] = repr(exc)
    return plan


def _solver(opts: SolveOptions, limit: float) -> cp_model.CpSolver:
    s = cp_model.CpSolver()
    p = s.parameters
    p.random_seed = opts.seed
    p.log_search_progress = opts.log
    if opts.deterministic:
        # one worker repeats exactly (interleaved portfolios were seen to return other
        # missions of equal value); more workers, if asked for, are interleaved
        n = opts.workers or 1
        p.num_workers = n
        if n > 1:
            p.interleave_search = True
        p.max_deterministic_time = max(0.05, limit)
    else:
        # CP-SAT's portfolio (LNS workers among them) needs ~8 workers to be complete;
        # on fewer cores they time-share, which still beats a thin portfolio
        p.num_workers = opts.workers or max(8, os.cpu_count() or 8)
        p.max_time_in_seconds = max(0.05, limit)
    for k, v in opts.params.items():
        setattr(p, k, v)
    return s


def _solve_once(data: ModelData, opts: SolveOptions, crew: frozenset[str],
                on_progress: ProgressCallback | None, stop: threading.Event, t0: float,
                first: list[Dispatch], budget: float):
    tb = time.perf_counter()
    # wall clock: building the model and completing the hint count too, and a reserve
    # for stopping a large search, reading the plan back and explaining it
    t_end = tb + budget - min(0.25 * budget, 1.0 + 0.004 * data.n_slots)
    am = AirliftModel(data, crew_types=crew)
    build_s = time.perf_counter() - tb
    goals = list(data.goals)
    objective: list[float] = []
    bound: list[float] = []
    stages: list[dict] = []
    hint: dict | None = hint_from_dispatch(data, am, first) if first else None
    best: cp_model.CpSolver | None = None
    values: dict = {}
    status_all = "optimal"
    deadline = budget
    spent = 0.0
    leading = isinstance(hint, dict)  # still on the dispatcher's plan
    left = budget if opts.deterministic else max(0.0, t_end - time.perf_counter())
    full_hint = _complete(am, hint, opts, min(5.0, left / 4)) if isinstance(hint, dict) and left > 1.0 else None
    for i, goal in enumerate(goals):
        expr = am.goal_exprs[goal]
        if leading and hint:
            # the dispatcher's plan already meets a bound that needs no search: proven
            val = am.goal_value(goal, hint)
            delivered_all = all(hint[x] == 0 for x in am.v.short.values())
            lb = max(am.trivial_bound(goal, delivered_all and "undelivered" in goals[:i]),
                     _search_free_bound(data, goal, delivered_all and "undelivered" in goals[:i]))
            if val <= lb:
                scale = GOAL_SCALE[goal]
                objective.append(val / scale)
                bound.append(val / scale)
                stages.append({"goal": goal, "status": "optimal", "seconds": 0.0, "spent": 0.0,
                               "build_seconds": round(build_s, 3) if i == 0 else 0.0,
                               "crew_limited": sorted(crew), "objective": val / scale,
                               "bound": val / scale, "note": "dispatcher's plan meets the bound"})
                am.m.Add(expr <= val)
                values = dict(hint)
                if on_progress is not None and on_progress(
                        Progress(goal, i, len(goals), val / scale, val / scale, time.perf_counter() - t0, 0)) is True:
                    stop.set()
                if stop.is_set():
                    if i < len(goals) - 1:
                        status_all = "feasible"
                    break
                continue
            leading = False
        delivered_fixed = "undelivered" in goals[:i] and objective[goals.index("undelivered")] == 0
        sfb = _search_free_bound(data, goal, delivered_fixed)
        if sfb > 0:
            am.m.Add(expr >= sfb)  # a proven bound: lets CP-SAT stop as soon as it meets it
        am.m.ClearHints()
        if isinstance(hint, dict) and full_hint is not None:
            hint = full_hint
        if isinstance(hint, list):  # a full solution vector
            _hint_vector(am, hint)
        elif hint:
            for var, val in hint.items():
                am.m.AddHint(var, val)
        am.m.Minimize(expr)
        remaining = max(0.0, deadline - spent)
        if not opts.deterministic:
            remaining = min(remaining, max(0.0, t_end - time.perf_counter()))
        share = remaining / (len(goals) - i)
        # earlier stages get the larger share; unused time carries over
        limit = remaining if i == len(goals) - 1 else max(share, min(remaining, share * 1.5))
        # closure: most of the stage's time goes to the relaxation-guided search
        # (logistics.guided), which proves bounds and finds packings the search cannot
        relax_share = opts.relax_share if goal == "closure" else opts.flying_share
        relax = goal in RELAX_GOALS and relax_share > 0
        scale = GOAL_SCALE[goal]
        state = {"n": 0}

        def report(obj, bnd, sol, _i=i, _goal=goal, _state=state):
            if sol:
                _state["n"] += 1
            if on_progress is not None:
                res = on_progress(Progress(_goal, _i, len(goals), obj, bnd, time.perf_counter() - t0, _state["n"]))
                if res is True:
                    stop.set()
            return stop.is_set()

        def run_cp(lim: float, _report=report, _scale=scale) -> tuple[cp_model.CpSolver, int, float, float]:
            solver = _solver(opts, lim)
            if crew and "cp_model_probing_level" not in opts.params:
                # the crew cumulative's division constraints make probing the bulk of
                # presolve (12.8 s of 13 on Baghdad); without it presolve takes 0.9 s
                solver.parameters.cp_model_probing_level = 0
            watch = _Watch(_scale, _report)
            if on_progress is not None:
                solver.best_bound_callback = lambda b: _report(None, b / _scale, False)
            done = threading.Event()

            def stopper():
                while not done.wait(0.05):
                    if stop.is_set():
                        solver.stop_search()
                        return

            th = threading.Thread(target=stopper, daemon=True)
            th.start()
            ts = time.perf_counter()
            st = solver.Solve(am.m, watch)
            done.set()
            th.join()
            used = solver.wall_time if not opts.deterministic else solver.deterministic_time
            return solver, st, time.perf_counter() - ts, used

        stage_t0 = time.perf_counter()
        solver, st, secs, used = run_cp(limit * (1 - relax_share) if relax else limit)
        spent += used
        name = solver.StatusName(st)
        rec = {"goal": goal, "status": name.lower(), "seconds": round(secs, 3), "spent": used,
               "build_seconds": round(build_s, 3) if i == 0 else 0.0,
               "crew_limited": sorted(crew)}
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            val = int(round(solver.ObjectiveValue()))
            bnd = max(math.ceil(solver.BestObjectiveBound() - 1e-9), sfb)
            sol_vec = list(solver.ResponseProto().solution)
            new_values = {var: solver.Value(var) for var in read_vars(am)}
            if relax and st != cp_model.OPTIMAL and not stop.is_set():
                bnd, r_spent, better = _relax_stage(data, am, new_values, goal, goals[:i], objective, val, bnd,
                                                    limit - used, opts, stop, t_end, rec)
                spent += r_spent
                if better is not None:
                    val, sol_vec = better
                    new_values = {var: sol_vec[var.Index()] for var in new_values}
                if bnd < val:
                    # time the relaxation gave back (its checks decided nothing) goes
                    # on to CP-SAT, from the best plan
                    back = limit - used - r_spent
                    if not opts.deterministic:  # the stage's wall clock (models built too)
                        now = time.perf_counter()
                        back = min(back, stage_t0 + limit - now, t_end - now)
                    if back >= CONTINUE_MIN and not stop.is_set():
                        am.m.ClearHints()
                        _hint_vector(am, sol_vec)
                        s2, st2, secs2, used2 = run_cp(back)
                        spent += used2
                        rec["seconds"] = round(secs + secs2, 3)
                        rec["continued"] = {"seconds": round(secs2, 3), "spent": used2,
                                            "status": s2.StatusName(st2).lower()}
                        if st2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                            bnd = max(bnd, math.ceil(s2.BestObjectiveBound() - 1e-9))
                            v2 = int(round(s2.ObjectiveValue()))
                            if v2 < val:
                                val, sol_vec = v2, list(s2.ResponseProto().solution)
                                new_values = {var: s2.Value(var) for var in new_values}
                                rec["continued"]["objective"] = val / scale
                if bnd >= val:
                    st = cp_model.OPTIMAL
                    rec["status"] = "optimal"
            objective.append(val / scale)
            bound.append(min(bnd, val) / scale)
            rec.update(objective=val / scale, bound=bound[-1])
            if st != cp_model.OPTIMAL:
                status_all = "feasible"
            stages.append(rec)
            if on_progress is not None and on_progress(
                    Progress(goal, i, len(goals), val / scale, bound[-1], time.perf_counter() - t0, state["n"])) is True:
                stop.set()
            best = solver
            hint = sol_vec
            values = new_values
            am.m.Add(expr <= val)
            if stop.is_set():
                status_all = "feasible" if (st != cp_model.OPTIMAL or i < len(goals) - 1) else status_all
                break
        elif values and st == cp_model.UNKNOWN:
            # no new solution in time: the previous stage's solution stands, and it is
            # feasible for this stage; report its value and the bound proven so far
            val = am.goal_value(goal, values)
            bnd = solver.BestObjectiveBound()
            bnd = max(min(val, math.ceil(bnd - 1e-9)) if math.isfinite(bnd) else 0, min(sfb, val))
            rec["note"] = "kept the previous stage's plan"
            if relax and not stop.is_set():
                bnd, r_spent, better = _relax_stage(data, am, values, goal, goals[:i], objective, val, bnd,
                                                    limit - used, opts, stop, t_end, rec)
                spent += r_spent
                if better is not None:
                    val, hint = better
                    values = {var: hint[var.Index()] for var in values}
                    rec["note"] = "repaired by the relaxation-guided search"
            objective.append(val / scale)
            bound.append(min(bnd, val) / scale)
            rec.update(objective=val / scale, bound=bound[-1])
            stages.append(rec)
            if bnd >= val:
                rec["status"] = "optimal"
            else:
                status_all = "feasible"
            am.m.Add(expr <= val)
            if stop.is_set():
                break
        else:
            stages.append(rec)
            if st == cp_model.INFEASIBLE and not values:
                status_all = "infeasible"
            else:
                status_all = "feasible" if values else "unknown"
            break
    if best is None and not values:
        return None, stages, None
    info = SolveInfo(solver=f"cp-sat {cp_model.__name__ and _ortools_version()}", seconds=0.0,
                     objective=objective, bound=bound, goals=goals[: len(objective)], stages=stages)
    if len(objective) < len(goals):
        status_all = "feasible"
    plan = plan_from_values(data, am, values, status_all, info)
    return plan, stages, values


def _hint_vector(am: AirliftModel, vec: list[int]) -> None:
    """Hint ``am``'s model with a full solution vector (a value per variable)."""
    h = am.m.Proto().solution_hint
    h.vars.extend(range(len(vec)))
    h.values.extend(vec)


def _relax_stage(data: ModelData, am: AirliftModel, values: dict, goal: str, earlier: list[str],
                 objective: list[float], val: int, bnd: int, limit: float, opts: SolveOptions,
                 stop: threading.Event, t_end: float, rec: dict
                 ) -> tuple[int, float, tuple[int, list[int]] | None]:
    """Close a closure stage's gap with the relaxation-guided search
    (:func:`logistics.guided.closure_search`): proven bounds from the time-indexed
    relaxation, better plans from repairs it guides; a flying-hours stage's with
    :func:`logistics.guided.flying_search` (the component bound, repairs it guides).

    ``values`` is the stage's plan (model units, ``val``), ``limit`` the stage's time
    left (seconds, or deterministic units); in wall-clock mode the solve's own end
    ``t_end`` caps it. Returns the bound, the time spent and, if a repair improved the
    plan, ``(value, full solution vector)``.
    """
    from .guided import closure_search, flying_search

    if not opts.deterministic:
        limit = min(limit, t_end - time.perf_counter())
    if limit < 0.2 or bnd >= val:
        return bnd, 0.0, None
    fixed = {g: int(round(objective[j] * GOAL_SCALE[g])) for j, g in enumerate(earlier)}
    workers = opts.workers or max(8, os.cpu_count() or 8)
    scale = GOAL_SCALE[goal]
    if goal == "flying_hours":
        res = flying_search(data, fixed, time_limit=limit, am=am, values=values, incumbent=val, workers=workers,
                            deterministic=opts.deterministic, seed=opts.seed, stop=stop)
        hours = ("bound", "plan", "guide_value", "repaired")
        detail = {"components": [{k: (v / scale if k in hours else v) for k, v in c.items()} for c in res.checks]}
        if res.held:  # pairs of groups re-planned together, the rest held
            detail["held_out"] = [{k: (v / scale if k in ("plan", "found", "repaired") else v) for k, v in c.items()}
                                  for c in res.held]
        if res.joint is not None:  # the groups held to the beds together
            detail["joint"] = {k: (v / scale if k in ("start", "bound", "repaired") else v)
                               for k, v in res.joint.items()}
        found = (f"groups re-planned in pairs and repairs guided by each group's least flying hours: "
                 f"{val / scale:.1f} -> {res.value / scale:.1f} h")
        proven = "proven by the component bound (SCIP)"
        bounded = "bound: least flying hours of each group of units that cannot share a mission (SCIP)"
    else:
        res = closure_search(data, am, values, fixed, val, bnd, time_limit=limit, workers=workers,
                             deterministic=opts.deterministic, seed=opts.seed, stop=stop)
        detail = {"checks": [{k: v for k, v in c.items() if k != "critical"} for c in res.checks],
                  "critical": sorted({u for c in res.checks for u in c["critical"]})}
        found = f"relaxation-guided repair landed everything by {res.value / scale:.2f} h"
        proven, bounded = "proven by the time-indexed relaxation", "bound from the time-indexed relaxation"
    rec["relaxation"] = {"bound": res.bound / scale, "found": res.value / scale, "seconds": round(res.seconds, 3),
                         **detail}
    notes = [found] if res.solution is not None else []
    if res.bound > bnd:
        bnd = res.bound
        notes.append(proven if bnd >= res.value else bounded)
    if notes:
        rec["note"] = "; ".join(([rec["note"]] if rec.get("note") else []) + notes)
    better = (res.value, res.solution) if res.solution is not None else None
    return bnd, res.spent, better


def _search_free_bound_value(s: Scenario, goal: str, delivered_all: bool) -> float:
    """A goal's bound from :mod:`estimate` (SPEC units), no search; 0 where none applies.

    Closure and flying hours are bounded only for plans that deliver everything
    (``delivered_all``); the undelivered bound holds for every plan.
    """
    from .estimate import flying_hours_bound, lower_bound, undelivered_bound

    if goal == "undelivered":
        return undelivered_bound(s).value
    if goal == "closure" and delivered_all:
        lb = lower_bound(s)
    elif goal == "flying_hours" and delivered_all:
        lb = flying_hours_bound(s)
    else:
        return 0.0
    return lb if math.isfinite(lb) else 0.0


def _search_free_bound(data: ModelData, goal: str, delivered_all: bool) -> int:
    """:func:`_search_free_bound_value` in model units (× GOAL_SCALE, rounded up)."""
    return math.ceil(_search_free_bound_value(data.scenario, goal, delivered_all) * GOAL_SCALE[goal] - 1e-6)


def _complete(am: AirliftModel, hint: dict, opts: SolveOptions, limit: float) -> list[int] | None:
    """Complete a partial assignment to every model variable (auxiliary ones too).

    CP-SAT takes a complete feasible hint at once; a partial one it must repair, which
    on a busy machine can take longer than a stage's time.
    """
    probe = am.m.Clone()
    for var, val in hint.items():
        probe.Add(probe.GetIntVarFromProtoIndex(var.Index()) == val)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = opts.seed
    if opts.deterministic:  # no wall clock in repeatable mode
        solver.parameters.max_deterministic_time = max(0.5, limit)
    else:
        solver.parameters.max_time_in_seconds = max(0.5, limit)
    st = solver.Solve(probe)
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return list(solver.ResponseProto().solution)
    return None


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
        cap = s.aircraft_type(t).ute_hours * s.fleet_count(t, k * 24 + 24 - 1e-9)
        out[t] = max(out.get(t, 0.0), h / cap if cap > 0 else float("inf"))
    return out
