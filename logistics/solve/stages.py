"""One round of the staged solve: the goals one at a time on one CP-SAT model.

After each stage the goal is fixed at the best value found (its optimum when proven)
and the solution hints the next stage, so a better value of an earlier goal is never
traded for a later one. A stage whose goal the dispatcher's plan already meets at a
bound needing no search is proven without search; otherwise CP-SAT gets the stage's
share of the time, and for goals with an improver (:mod:`logistics.solve.improve`)
part of it goes to that search, whatever it leaves going back to CP-SAT from the best
plan.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from ..model.build import AirliftModel
from ..model.convert import hint_from_dispatch, missions_from_values, read_vars
from ..model.data import ModelData
from ..model.dispatch import Dispatch
from ..runtime import Budget, cpsat_solver, solve_cpsat
from ..search.lns import improve_goal
from ..units import GOAL_SCALE
from .improve import IMPROVERS, improve, search_free_bound
from .options import CONTINUE_MIN, Progress, ProgressCallback, SolveOptions, StageRecord

__all__ = ["RoundResult", "solve_round"]


@dataclass
class RoundResult:
    """A round's plan as model values, with what each stage proved (SPEC units)."""

    values: dict  # a value per variable of :func:`~logistics.model.convert.read_vars`
    status: str  # optimal | feasible | infeasible | unknown
    objective: list[float] = field(default_factory=list)
    bound: list[float] = field(default_factory=list)
    records: list[StageRecord] = field(default_factory=list)


class _Watch(cp_model.CpSolverSolutionCallback):
    def __init__(self, scale: float, report: Callable[[float | None, float | None, bool], bool]):
        super().__init__()
        self.scale = scale
        self.report = report

    def on_solution_callback(self) -> None:
        # never StopSearch() from here: with interleaved search CP-SAT aborts the
        # process; the stop event is honoured by runtime.solve_cpsat instead
        self.report(self.ObjectiveValue() / self.scale, self.BestObjectiveBound() / self.scale, True)


def _hint_vector(am: AirliftModel, vec: list[int]) -> None:
    """Hint ``am``'s model with a full solution vector (a value per variable)."""
    h = am.m.Proto().solution_hint
    h.vars.extend(range(len(vec)))
    h.values.extend(vec)


def _complete(am: AirliftModel, hint: dict, opts: SolveOptions, limit: float) -> list[int] | None:
    """Complete a partial assignment to every model variable (auxiliary ones too).

    CP-SAT takes a complete feasible hint at once; a partial one it must repair, which
    on a busy machine can take longer than a stage's time.
    """
    probe = am.m.Clone()
    for var, val in hint.items():
        probe.Add(probe.GetIntVarFromProtoIndex(var.Index()) == val)
    solver = cpsat_solver(max(0.5, limit), deterministic=opts.deterministic, workers=1, seed=opts.seed)
    st = solver.Solve(probe)
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return list(solver.ResponseProto().solution)
    return None


class _Round:
    """The state of one round: the model, the plan so far and the time left."""

    def __init__(self, data: ModelData, opts: SolveOptions, crew: frozenset[str],
                 on_progress: ProgressCallback | None, budget: Budget, t0: float, first: list[Dispatch],
                 limit: float):
        self.data, self.opts, self.crew, self.on_progress, self.t0 = data, opts, crew, on_progress, t0
        self.stop = budget.stop
        tb = time.perf_counter()
        # wall clock: building the model and completing the hint count too, and a reserve
        # for stopping a large search, reading the plan back and explaining it
        self.t_end = tb + limit - min(0.25 * limit, 1.0 + 0.004 * data.n_slots)
        self.am = AirliftModel(data, crew_types=crew)
        self.build_s = time.perf_counter() - tb
        self.goals = list(data.goals)
        self.limit = limit
        self.spent = 0.0
        self.out = RoundResult({}, "optimal")
        self.hint: dict | list | None = hint_from_dispatch(data, self.am, first) if first else None
        self.leading = isinstance(self.hint, dict)  # still on the dispatcher's plan
        left = limit if opts.deterministic else max(0.0, self.t_end - time.perf_counter())
        self.full_hint = (_complete(self.am, self.hint, opts, min(5.0, left / 4))
                          if isinstance(self.hint, dict) and left > 1.0 else None)

    def progress(self, p: Progress) -> None:
        if self.on_progress is not None and self.on_progress(p) is True:
            self.stop.set()

    def record(self, i: int, goal: str, status: str, **kw) -> StageRecord:
        rec = StageRecord(goal, status, build_seconds=round(self.build_s, 3) if i == 0 else 0.0,
                          crew_limited=sorted(self.crew), **kw)
        self.out.records.append(rec)
        return rec

    def run(self) -> RoundResult:
        for i, goal in enumerate(self.goals):
            if self.leading and self.hint:
                done = self._dispatcher_meets_bound(i, goal)
                if done is not None:
                    if done:
                        continue
                    break
                self.leading = False
            if not self._search_stage(i, goal):
                break
        out = self.out
        if len(out.objective) < len(self.goals) and out.status == "optimal":
            out.status = "feasible"
        return out

    def _dispatcher_meets_bound(self, i: int, goal: str) -> bool | None:
        """A stage the dispatcher's plan already meets at a bound that needs no search:
        proven. None if it does not; else whether the round goes on."""
        am, goals, hint, out = self.am, self.goals, self.hint, self.out
        val = am.goal_value(goal, hint)
        delivered_all = all(hint[x] == 0 for x in am.v.short.values())
        fixed = delivered_all and "undelivered" in goals[:i]
        lb = max(am.trivial_bound(goal, fixed), search_free_bound(self.data, goal, fixed))
        if val > lb:
            return None
        v = val / GOAL_SCALE[goal]
        out.objective.append(v)
        out.bound.append(v)
        self.record(i, goal, "optimal", objective=v, bound=v, note="dispatcher's plan meets the bound")
        am.m.Add(am.goal_exprs[goal] <= val)
        out.values = dict(hint)
        self.progress(Progress(goal, i, len(goals), v, v, time.perf_counter() - self.t0, 0))
        if self.stop.is_set():
            if i < len(goals) - 1:
                out.status = "feasible"
            return False
        return True

    def _stage_limit(self, i: int) -> float:
        """The stage's time: its share of what is left, earlier stages the larger share
        (unused time carries over)."""
        remaining = max(0.0, self.limit - self.spent)
        if not self.opts.deterministic:
            remaining = min(remaining, max(0.0, self.t_end - time.perf_counter()))
        share = remaining / (len(self.goals) - i)
        return remaining if i == len(self.goals) - 1 else max(share, min(remaining, share * 1.5))

    def _prepare(self, i: int, goal: str) -> int:
        """Bound, hint and objective of stage ``i``; its search-free bound."""
        am, out = self.am, self.out
        expr = am.goal_exprs[goal]
        delivered_fixed = "undelivered" in self.goals[:i] and out.objective[self.goals.index("undelivered")] == 0
        sfb = search_free_bound(self.data, goal, delivered_fixed)
        if sfb > 0:
            am.m.Add(expr >= sfb)  # a proven bound: lets CP-SAT stop as soon as it meets it
        am.m.ClearHints()
        if isinstance(self.hint, dict) and self.full_hint is not None:
            self.hint = self.full_hint
        if isinstance(self.hint, list):  # a full solution vector
            _hint_vector(am, self.hint)
        elif self.hint:
            for var, val in self.hint.items():
                am.m.AddHint(var, val)
        am.m.Minimize(expr)
        return sfb

    def run_cp(self, i: int, goal: str, lim: float, state: dict) -> tuple[cp_model.CpSolver, int, float, float]:
        """CP-SAT on the stage's model for ``lim``; (solver, status, seconds, spent)."""
        opts, scale = self.opts, GOAL_SCALE[goal]

        def report(obj, bnd, sol) -> bool:
            if sol:
                state["n"] += 1
            self.progress(Progress(goal, i, len(self.goals), obj, bnd, time.perf_counter() - self.t0, state["n"]))
            return self.stop.is_set()

        solver = cpsat_solver(lim, deterministic=opts.deterministic, workers=opts.workers, seed=opts.seed,
                              log=opts.log, params=opts.params)
        if self.crew and "cp_model_probing_level" not in opts.params:
            # the crew cumulative's division constraints make probing the bulk of
            # presolve (12.8 s of 13 on Baghdad); without it presolve takes 0.9 s
            solver.parameters.cp_model_probing_level = 0
        if self.on_progress is not None:
            solver.best_bound_callback = lambda b: report(None, b / scale, False)
        ts = time.perf_counter()
        st = solve_cpsat(solver, self.am.m, self.stop, _Watch(scale, report))
        used = solver.wall_time if not opts.deterministic else solver.deterministic_time
        return solver, st, time.perf_counter() - ts, used

    def _search_stage(self, i: int, goal: str) -> bool:
        """Stage ``i`` by search; whether the round goes on."""
        am, opts, out = self.am, self.opts, self.out
        sfb = self._prepare(i, goal)
        limit = self._stage_limit(i)
        self._stage_spent0 = self.spent
        # closure and flying hours: a share of the stage may go to the relaxation-guided
        # improver; of what is left, a share to the large-neighbourhood search
        share = opts.relax_share if goal == "closure" else opts.flying_share
        relax = goal in IMPROVERS and share > 0
        cp_limit = (limit * (1 - share) if relax else limit) * (1 - opts.lns_share)
        state = {"n": 0}
        stage_t0 = time.perf_counter()
        solver, st, secs, used = self.run_cp(i, goal, cp_limit, state)
        self.spent += used
        rec = self.record(i, goal, solver.StatusName(st).lower(), seconds=round(secs, 3), spent=used)
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            val = int(round(solver.ObjectiveValue()))
            bnd = max(math.ceil(solver.BestObjectiveBound() - 1e-9), sfb)
            sol_vec = list(solver.ResponseProto().solution)
            values = {var: solver.Value(var) for var in read_vars(am)}
            if relax and st != cp_model.OPTIMAL and not self.stop.is_set():
                val, bnd, sol_vec, values = self._improve(i, goal, values, val, bnd, sol_vec, limit, used,
                                                          stage_t0, rec, state)
                if bnd >= val:
                    st = cp_model.OPTIMAL
                    rec.status = "optimal"
            if st != cp_model.OPTIMAL and opts.lns_share > 0 and not self.stop.is_set():
                better = self._lns(goal, values, val, bnd, self._left_in_stage(limit, stage_t0), rec)
                if better is not None:
                    val, sol_vec, values = better
                    if bnd >= val:
                        st = cp_model.OPTIMAL
                        rec.status = "optimal"
            self._close(i, goal, val, bnd, rec, optimal=st == cp_model.OPTIMAL, n=state["n"])
            self.hint, out.values = sol_vec, values
            if self.stop.is_set():
                out.status = "feasible" if (st != cp_model.OPTIMAL or i < len(self.goals) - 1) else out.status
                return False
            return True
        if not out.values and st == cp_model.UNKNOWN and self.hint:
            # CP-SAT found no plan in its share of the first stage: the dispatcher's plan
            # (the hint, a complete assignment) is the stage's start, so the searches
            # below still get the stage's time
            out.values = ({var: self.hint[var.Index()] for var in read_vars(am)} if isinstance(self.hint, list)
                          else dict(self.hint))
            rec.note = "CP-SAT found no plan in its share: started from the dispatcher's"
        if out.values and st == cp_model.UNKNOWN:
            # no new solution in time: the previous stage's solution stands, and it is
            # feasible for this stage; report its value and the bound proven so far
            val = am.goal_value(goal, out.values)
            bnd = solver.BestObjectiveBound()
            bnd = max(min(val, math.ceil(bnd - 1e-9)) if math.isfinite(bnd) else 0, min(sfb, val))
            rec.add_note("kept the previous stage's plan")
            if relax and not self.stop.is_set():
                imp = improve(self.data, am, out.values, goal, self._fixed(i), val, bnd, limit - used, opts,
                              self.stop, self.t_end, rec)
                self.spent += imp.spent
                bnd = imp.bound
                if imp.better is not None:
                    val, self.hint = imp.better
                    out.values = {var: self.hint[var.Index()] for var in out.values}
                    rec.note = "repaired by the relaxation-guided search"
            if bnd < val and opts.lns_share > 0 and not self.stop.is_set():
                better = self._lns(goal, out.values, val, bnd, self._left_in_stage(limit, stage_t0), rec)
                if better is not None:
                    val, self.hint, out.values = better
            if bnd >= val:
                rec.status = "optimal"
            self._close(i, goal, val, bnd, rec, optimal=bnd >= val, n=None)
            return not self.stop.is_set()
        if st == cp_model.INFEASIBLE and not out.values:
            out.status = "infeasible"
        else:
            out.status = "feasible" if out.values else "unknown"
        return False

    def _left_in_stage(self, limit: float, stage_t0: float) -> float:
        """What is left of the stage's time (seconds, or deterministic units)."""
        left = limit - (self.spent - self._stage_spent0)
        if not self.opts.deterministic:
            now = time.perf_counter()
            left = min(left, stage_t0 + limit - now, self.t_end - now)
        return max(0.0, left)

    def _lns(self, goal: str, values: dict, val: int, bnd: int, left: float, rec: StageRecord
             ) -> tuple[int, list[int] | dict, dict] | None:
        """The large-neighbourhood search from the stage's plan ``values`` (``val``) for
        ``left``; (value, hint for the next stage, values) if it found a better plan."""
        if left < 0.3:
            return None
        opts, data, am = self.opts, self.data, self.am
        budget = Budget(left, opts.deterministic, self.stop)
        res = improve_goal(data, missions_from_values(data, am, values), goal, budget, seed=opts.seed,
                           workers=opts.workers, max_slots={gi: len(row) for gi, row in enumerate(am.v.slots)},
                           bound=bnd)
        self.spent += budget.spent
        scale = GOAL_SCALE[goal]
        rec.lns = {"tries": res.tries, "better": res.better, "seconds": round(budget.elapsed, 3),
                   "from": val / scale}
        if not res.better:
            return None
        new_values = hint_from_dispatch(data, am, res.missions)
        new_val = am.goal_value(goal, new_values)
        if new_val > val:
            return None  # never: the search holds the goal; later goals may have improved
        rec.lns["to"] = new_val / scale
        rec.add_note(f"large-neighbourhood search: {val / scale:.2f} -> {new_val / scale:.2f}")
        full = _complete(am, new_values, opts, min(2.0, max(0.5, left / 10)))
        values = {var: new_values[var] for var in values} if full is None else \
            {var: full[var.Index()] for var in values}
        return new_val, (full if full is not None else new_values), values

    def _fixed(self, i: int) -> dict[str, int]:
        """The earlier goals' values in model units."""
        return {g: int(round(self.out.objective[j] * GOAL_SCALE[g])) for j, g in enumerate(self.goals[:i])}

    def _close(self, i: int, goal: str, val: int, bnd: int, rec: StageRecord, *, optimal: bool,
               n: int | None) -> None:
        """Fix the stage's goal at ``val`` and report it."""
        out, scale = self.out, GOAL_SCALE[goal]
        out.objective.append(val / scale)
        out.bound.append(min(bnd, val) / scale)
        rec.objective, rec.bound = val / scale, out.bound[-1]
        if not optimal:
            out.status = "feasible"
        if n is not None:
            self.progress(Progress(goal, i, len(self.goals), val / scale, out.bound[-1],
                                   time.perf_counter() - self.t0, n))
        self.am.m.Add(self.am.goal_exprs[goal] <= val)

    def _improve(self, i: int, goal: str, values: dict, val: int, bnd: int, sol_vec: list[int], limit: float,
                 used: float, stage_t0: float, rec: StageRecord, state: dict) -> tuple[int, int, list[int], dict]:
        """The goal's improver on CP-SAT's plan; the time it gives back (its checks
        decided nothing) goes on to CP-SAT from the best plan."""
        opts = self.opts
        imp = improve(self.data, self.am, values, goal, self._fixed(i), val, bnd, limit - used, opts,
                      self.stop, self.t_end, rec)
        self.spent += imp.spent
        bnd = imp.bound
        if imp.better is not None:
            val, sol_vec = imp.better
            values = {var: sol_vec[var.Index()] for var in values}
        if bnd >= val:
            return val, bnd, sol_vec, values
        back = limit - used - imp.spent
        if not opts.deterministic:  # the stage's wall clock (models built too)
            now = time.perf_counter()
            back = min(back, stage_t0 + limit - now, self.t_end - now)
        if back < CONTINUE_MIN or self.stop.is_set():
            return val, bnd, sol_vec, values
        self.am.m.ClearHints()
        _hint_vector(self.am, sol_vec)
        s2, st2, secs2, used2 = self.run_cp(i, goal, back, state)
        self.spent += used2
        rec.seconds = round(rec.seconds + secs2, 3)
        rec.continued = {"seconds": round(secs2, 3), "spent": used2, "status": s2.StatusName(st2).lower()}
        if st2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            bnd = max(bnd, math.ceil(s2.BestObjectiveBound() - 1e-9))
            v2 = int(round(s2.ObjectiveValue()))
            if v2 < val:
                val, sol_vec = v2, list(s2.ResponseProto().solution)
                values = {var: s2.Value(var) for var in values}
                rec.continued["objective"] = val / GOAL_SCALE[goal]
        return val, bnd, sol_vec, values


def solve_round(data: ModelData, opts: SolveOptions, crew: frozenset[str], on_progress: ProgressCallback | None,
                budget: Budget, t0: float, first: list[Dispatch], limit: float) -> tuple[RoundResult, AirliftModel]:
    """Solve the goals one at a time on one model with daily crew hours modelled for the
    types ``crew``, from the dispatcher's plan ``first``, within ``limit`` (seconds, or
    deterministic units); the round's result and the model its values belong to."""
    r = _Round(data, opts, crew, on_progress, budget, t0, first, limit)
    return r.run(), r.am
