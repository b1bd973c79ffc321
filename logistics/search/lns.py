"""Large-neighbourhood search: free a few units' missions, re-plan them exactly.

The state of the art for plans of this shape: keep the plan, choose a *neighbourhood*
(a few units whose missions are freed), re-plan those units with CP-SAT on a small
model in which every other mission is a constant that takes its aircraft, parking,
crew hours and beds (:class:`~logistics.model.build.AirliftModel` with ``held``), and
keep the result when the plan gets lexicographically better on the scenario's goals.

The search works on missions (:class:`~logistics.model.dispatch.Dispatch`), never on
the whole force's model, so it runs on the largest scenarios too. One stage improves
one goal (:func:`improve_goal`): the goals before it may not get worse, the goal is
minimised and the later goals break ties. Neighbourhoods are chosen by what binds the
goal (units with a shortfall, late units, the units landing last, the units flying
most per load), grown with the units that compete with them (same origin or base,
overlapping windows) and every unit sharing a mission with them; random neighbourhoods
keep the search from stalling. Their size adapts: it grows while re-plans come back
proven with nothing better, and shrinks when they run out of time.

Before and between the CP-SAT re-plans, cheap ruin-and-recreate moves (:class:`Recreate`)
dispatch a neighbourhood's units again around the other missions in a random order
(each load as early as it can, or as late as its required date allows, or on the least
flying that lands in time): a move takes milliseconds where a re-plan takes a second or
two (daily crew hours make the re-plans' models slow to settle), so a short search
still tries many.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from ..model.build import AirliftModel
from ..model.convert import hint_from_dispatch, missions_from_values
from ..model.data import ModelData, UnitData
from ..model.dispatch import ORDERS, Dispatch, dispatch_greedy, dispatch_objective
from ..model.subset import into_subset, landings, out_of_subset, residual, subset
from ..runtime import Budget, cpsat_solver, run_cpsat

__all__ = ["LnsResult", "Recreate", "improve_goal"]

#: seconds (or deterministic units) one re-plan gets at most, and at least
STEP_MAX, STEP_MIN = 2.0, 0.2
#: CP-SAT workers of a re-plan in wall-clock mode (the models are small: many short
#: re-plans beat a few long ones)
STEP_WORKERS = 2
#: neighbourhood sizes (units) the search starts from and stays within
SIZE_START, SIZE_MIN, SIZE_MAX = 3, 1, 24
#: share of re-plans on a random neighbourhood rather than one chosen by the goal
RANDOM_SHARE = 0.3
#: slots a re-plan's group has beyond the missions the freed units fly in it now
SLOT_SLACK = 2
#: ruin-and-recreate moves in a row that find nothing better before the CP-SAT re-plans
#: take over (and, after a re-plan that found something, before they take over again)
RECREATE_PATIENCE = 40
#: units a ruin-and-recreate move frees (before riders join), at least and at most
RECREATE_SIZE = (2, 8)
#: share of a search's time the ruin-and-recreate moves may take at most
RECREATE_SHARE = 0.5
#: deterministic units a ruin-and-recreate move is charged per mission it books
RECREATE_COST = 2e-4
#: a move's plan becomes the one the next move starts from while its goal is within
#: this share of the best plan's (record-to-record travel, Dueck 1993)
RECREATE_TOLERANCE = 0.02
#: re-plans in a row that find nothing better before the search gives up
MAX_FAILS = 40
#: the later goals break ties in a re-plan's objective while the weights stay below this
TIE_BREAK_MAX = 2**40


@dataclass
class LnsResult:
    """What :func:`improve_goal` did."""

    missions: list[Dispatch]
    objective: tuple[int, ...]  # the scenario's goals in order, model units
    tries: int = 0
    better: int = 0
    log: list[dict] = field(default_factory=list)
    #: the goal's value is proven optimal: a re-plan of every unit with something to
    #: move came back proven (given the fixed missions and the model's routings and slots)
    proven: bool = False


def improve_goal(data: ModelData, missions: list[Dispatch], goal: str, budget: Budget, *, seed: int = 0,
                 workers: int | None = None, max_slots: dict[int, int] | None = None,
                 bound: int = 0, max_fails: int = MAX_FAILS, focus: set[int] | None = None) -> LnsResult:
    """Improve the plan ``missions`` on ``goal`` (a goal of ``data.goals``) within
    ``budget``, the goals before it held, the later ones breaking ties.

    Stops early when the goal meets ``bound`` (a proven lower bound, model units), when
    a re-plan of every unit is proven, or after :data:`MAX_FAILS` re-plans in a row that
    found nothing better (``max_fails``). ``focus``: units the first re-plan frees (what a
    change touched: a re-plan's event, a lever's limit). ``max_slots``: per group, the most missions the result may
    have (the caller's model has that many slots); None: no limit.
    """
    gi = data.goals.index(goal)
    rng = random.Random(seed)
    res = LnsResult(list(missions), dispatch_objective(data, missions))
    size = SIZE_START
    # units with something to move (a re-plan's fixed missions may carry some whole)
    fixed = [ms for ms in missions if ms.fixed]
    done = {ui for ui, (left, _) in residual(data, fixed, {u.idx for u in data.units}).items() if not left}
    movable = sum(1 for u in data.units if any(u.demand.values()) and u.idx not in done)
    fails = 0
    recreate = Recreate(budget, RECREATE_PATIENCE)
    while budget.left() > STEP_MIN and not budget.stopped() and fails < max_fails:
        if res.objective[gi] <= bound:
            break
        if not focus and recreate.active():
            recreate.step(data, res, goal, rng, max_slots)
            continue
        if focus:
            units, focus = _with_riders(res.missions, set(focus)), None
        else:
            units = _neighbourhood(data, res.missions, goal, size, rng)
        if not units:
            break
        limit = min(STEP_MAX, max(STEP_MIN, budget.left()))
        status, new = _replan(data, res.missions, units, gi, limit, budget, seed + res.tries, workers)
        res.tries += 1
        entry = {"goal": goal, "units": len(units), "status": status}
        if new is not None and (max_slots is None or _fits(new, max_slots)):
            obj = dispatch_objective(data, new)
            if obj < res.objective:
                res.missions, res.objective = new, obj
                res.better += 1
                entry["objective"] = obj[gi]
        res.log.append(entry)
        fails = 0 if "objective" in entry else fails + 1
        if "objective" in entry:
            recreate.patience = recreate.full // 2  # a new plan: the cheap moves may find more
        if status == "optimal" and len(units - done) >= movable:
            res.proven = True  # the whole force re-planned and proven: nothing better exists
            break
        # adapt: proven with nothing better -> look wider; out of time -> narrower
        if status == "optimal" and "objective" not in entry:
            size = min(SIZE_MAX, size + 1)
        elif status in ("unknown", "feasible") and "objective" not in entry:
            size = max(SIZE_MIN, size - 1)
    return res


class Recreate:
    """Ruin-and-recreate moves (Schrimpf et al. 2000; Ropke & Pisinger 2006): free a few
    units' missions and dispatch those units again around the others
    (:func:`~logistics.model.dispatch.dispatch_greedy` with the others as its base), in
    an order drawn at random (by readiness, priority, required date, slack, or none).
    Each load lands as early as it can, except in half the moves of three goals
    (:attr:`RULES`): on lateness each load takes the latest start that still lands by
    the unit's required date (rule ``"jit"``), which leaves the early aircraft, ramps
    and crew days to units that are late; on closure the same, by a minute before the
    plan's closure; on flying hours each load takes the routing and aircraft that fly
    the least per load among those landing before the unit would add lateness or
    closure (rule ``"frugal"``). :func:`_due` gives the minutes of the last two.

    Moves start from the plan of the last move accepted, not always from the best:
    a plan no worse on the goals before and within :data:`RECREATE_TOLERANCE` of the
    best on the goal is accepted (record-to-record travel, Dueck 1993), so the moves
    can leave a plan that no single move improves. The best plan is kept in ``res``.

    A move costs milliseconds where a CP-SAT re-plan costs a second or two, and it
    keeps every rule by construction (daily crew hours included, which make the
    re-plans' models slow to settle). The search runs these moves first, until
    ``patience`` of them in a row find nothing better or they have taken
    :data:`RECREATE_SHARE` of the time, and again after each re-plan that improves the
    plan."""

    #: the dispatcher's orders a move draws from (None: random)
    KINDS = ("ready", "priority", "rdd", "slack", None)
    #: the dispatcher's rules a move draws from, per goal (others: the earliest landing)
    RULES = {"lateness": ("earliest", "jit"), "closure": ("earliest", "jit"), "flying_hours": ("earliest", "frugal")}

    def __init__(self, budget: Budget, patience: int):
        self.budget, self.patience, self.used = budget, patience, 0.0
        self.full = patience
        self.last = 0.0  # what the last move cost
        #: the plan moves start from (missions, objective), and the best they know of
        self.cur: tuple[list[Dispatch], tuple[int, ...]] | None = None
        self.best: tuple[int, ...] | None = None

    def active(self) -> bool:
        """Whether moves go on: patience left, within their share, and (wall clock)
        time left for another move as long as the last one took, twice over."""
        return (self.patience > 0 and self.used < RECREATE_SHARE * self.budget.limit
                and (self.budget.deterministic or self.budget.left() > 2 * self.last))

    def step(self, data: ModelData, res: LnsResult, goal: str, rng: random.Random,
             max_slots: dict[int, int] | None) -> None:
        """One move from the current plan; ``res`` takes its plan when it is
        lexicographically better than ``res``'s."""
        t0 = time.perf_counter()
        if self.cur is None or res.objective != self.best:  # the start, or a re-plan found better
            self.cur, self.best = (res.missions, res.objective), res.objective
        start, now = self.cur
        units = _neighbourhood(data, start, goal, rng.randint(*RECREATE_SIZE), rng)
        others = [ms for ms in start if ms.fixed or not set(ms.loads) & units]
        noise = {ui: rng.random() for ui in units}
        kind = rng.choice(self.KINDS)
        key = _dispatch_key(kind, noise)
        rule = rng.choice(self.RULES[goal]) if goal in self.RULES else "earliest"
        # lateness's jit lands by the required date, the dispatcher's default due minute
        due = _due(data, start, earlier=goal == "closure") if rule != "earliest" and goal != "lateness" else None
        new = dispatch_greedy(data, rule=rule, order=key, base=others, due=due) if units else None
        cost = RECREATE_COST * len(new or ()) if self.budget.deterministic else time.perf_counter() - t0
        self.budget.charge(cost)
        self.used += cost
        self.last = cost
        res.tries += 1
        entry = {"goal": goal, "units": len(units), "status": f"recreate ({rule}, {kind or 'random'})"}
        if new is not None and (max_slots is None or _fits(new, max_slots)):
            obj = dispatch_objective(data, new)
            gi = data.goals.index(goal)
            if obj < res.objective:
                res.missions, res.objective = new, obj
                res.better += 1
                entry["objective"] = obj[gi]
                self.cur, self.best = (new, obj), obj
            elif obj != now and all(a <= b for a, b in zip(obj[:gi], res.objective[:gi], strict=True)) \
                    and obj[gi] <= res.objective[gi] * (1 + RECREATE_TOLERANCE):
                self.cur = (new, obj)
                entry["accepted"] = obj[gi]
        res.log.append(entry)
        if "objective" in entry:
            self.patience = self.full
        else:
            self.patience -= 1


def _dispatch_key(kind: str | None, noise: dict[int, float]) -> Callable[[UnitData], object]:
    """A unit sort key: by ``kind`` (a key of the dispatcher's orders), ties broken by
    ``noise``; ``None``: by ``noise`` alone (units without noise last)."""
    if kind is None:
        return lambda u: noise.get(u.idx, 2.0)
    base = ORDERS[kind]
    return lambda u: (base(u), noise.get(u.idx, 2.0))


def _due(data: ModelData, missions: list[Dispatch], earlier: bool = False) -> dict[int, int]:
    """Per unit, the latest it may land without the plan's closure or its own lateness
    getting worse (where those are goals): its required date or its landing now,
    whichever is later, and the plan's closure (``earlier``: a minute before it)."""
    land = landings(data, missions)
    top = max(land.values(), default=data.horizon) if "closure" in data.goals else data.horizon
    top -= int(earlier)
    if "lateness" not in data.goals:
        return {u.idx: top for u in data.units}
    return {u.idx: min(top, max(u.rdd, land.get(u.idx, u.rdd))) for u in data.units}


def _fits(missions: list[Dispatch], max_slots: dict[int, int]) -> bool:
    count: dict[int, int] = {}
    for ms in missions:
        count[ms.group] = count.get(ms.group, 0) + 1
    return all(n <= max_slots.get(g, 0) for g, n in count.items())


# ----------------------------------------------------------------- neighbourhoods
def _scores(data: ModelData, missions: list[Dispatch], goal: str) -> dict[int, float]:
    """How much each unit contributes to what binds ``goal`` (0: nothing)."""
    land = landings(data, missions)
    if goal == "undelivered":
        got: dict[int, int] = {}
        for ms in missions:
            for ui, q in ms.loads.items():
                got[ui] = got.get(ui, 0) + sum(q.values())
        return {u.idx: float(max(0, sum(u.demand.values()) - got.get(u.idx, 0))) * u.weight for u in data.units}
    if goal == "lateness":
        return {u.idx: float(u.weight * max(0, land.get(u.idx, 0) - u.rdd)) for u in data.units}
    if goal == "closure":
        top = max(land.values(), default=0)
        return {ui: float(a) for ui, a in land.items() if a >= top - 240}
    # flying hours: the minutes a unit's missions fly per load they carry
    fly: dict[int, float] = {}
    for ms in missions:
        r = data.groups[ms.group].options[ms.option]
        total = sum(sum(q.values()) for q in ms.loads.values()) or 1
        for ui, q in ms.loads.items():
            fly[ui] = fly.get(ui, 0.0) + r.flight_minutes * sum(q.values()) / total
    return {ui: f / max(1, sum(data.units[ui].demand.values())) for ui, f in fly.items()}


def _neighbourhood(data: ModelData, missions: list[Dispatch], goal: str, size: int,
                   rng: random.Random) -> set[int]:
    """A seed unit (by what binds the goal, or at random) grown to about ``size`` units
    with the units that compete with it, closed under sharing a mission."""
    scores = {ui: s for ui, s in _scores(data, missions, goal).items() if s > 0}
    pool = [u.idx for u in data.units if any(u.demand.values())]
    fixed = [ms for ms in missions if ms.fixed]
    if fixed:  # a re-plan: only units with something left to move
        done = {ui for ui, (left, _) in residual(data, fixed, set(pool)).items() if not left}
        pool = [ui for ui in pool if ui not in done]
        scores = {ui: s for ui, s in scores.items() if ui not in done}
    if not pool:
        return set()
    if scores and rng.random() >= RANDOM_SHARE:
        ranked = sorted(scores, key=lambda ui: -scores[ui])
        seed_unit = ranked[min(len(ranked) - 1, int(rng.random() ** 2 * len(ranked)))]
    else:
        seed_unit = rng.choice(pool)
    land = landings(data, missions)
    su = data.units[seed_unit]
    lo, hi = su.ready, land.get(seed_unit, su.lad)

    def related(ui: int) -> float:
        u = data.units[ui]
        overlap = min(hi, land.get(ui, u.lad)) - max(lo, u.ready)
        same = (u.unit.origin == su.unit.origin) + bool(set(u.dests) & set(su.dests))
        return same * 10_000 + overlap + rng.random()

    chosen = {seed_unit}
    for ui in sorted((x for x in pool if x != seed_unit), key=related, reverse=True):
        if len(chosen) >= size:
            break
        chosen.add(ui)
    return _with_riders(missions, chosen)


def _with_riders(missions: list[Dispatch], chosen: set[int]) -> set[int]:
    """``chosen`` and every unit sharing a mission with one of them (riders of one
    mission go together)."""
    grown = True
    while grown:
        grown = False
        for ms in missions:
            riders = set(ms.loads)
            if riders & chosen and not riders <= chosen:
                chosen |= riders
                grown = True
    return chosen


# ----------------------------------------------------------------- the re-plan
def _replan(data: ModelData, missions: list[Dispatch], units: set[int], gi: int, limit: float, budget: Budget,
            seed: int, workers: int | None) -> tuple[str, list[Dispatch] | None]:
    """Re-plan ``units`` with every other mission held; (status, the whole plan's
    missions or None)."""
    mine = [ms for ms in missions if set(ms.loads) & units and not ms.fixed]
    others = [ms for ms in missions if not set(ms.loads) & units or ms.fixed]
    # a freed unit that fixed missions (a re-plan's started ones) partly carry: only
    # what they leave is re-planned, to the base they took
    rest = residual(data, [ms for ms in others if ms.fixed], units)
    units = {ui for ui in units if ui not in rest or rest[ui][0]}
    if not units:
        return "nothing to free", None
    beds: dict[str, int] = {}
    seen: set[int] = set()
    for ms in others:
        dest = data.groups[ms.group].options[ms.option].destination
        for ui in ms.loads:
            if ui not in seen:
                seen.add(ui)
                pax = data.units[ui].unit.pax
                # a freed unit's residual part takes its own beds in the re-plan
                beds[dest] = beds.get(dest, 0) + (pax - rest[ui][0].get("pax", 0) if ui in units else pax)
    sdata = subset(data, units, beds, {ui: rest[ui] for ui in units if ui in rest})
    hint = into_subset(data, sdata, mine)
    if hint is None:
        return "unmapped", None
    per_group: dict[int, int] = {}
    for dp in hint:
        per_group[dp.group] = per_group.get(dp.group, 0) + 1
    for g_idx, g in enumerate(sdata.groups):
        have = per_group.get(g_idx, 0)
        g.k = max(min(g.k, have + SLOT_SLACK), have)
    held = [(data.groups[ms.group], data.groups[ms.group].options[ms.option], ms.start) for ms in others]
    sub = AirliftModel(sdata, crew_types=frozenset(sdata.crew), held=held)
    _objective(data, sub, units, others, missions, gi)
    full = _complete(sub, hint_from_dispatch(sdata, sub, hint), min(1.0, limit / 3), budget, seed)
    if full is not None:
        h = sub.m.Proto().solution_hint
        h.vars.extend(range(len(full)))
        h.values.extend(full)
    part = budget.share(limit)
    status, s = run_cpsat(sub.m, part, limit, workers=workers or STEP_WORKERS, seed=seed)
    budget.close(part)
    if s is None:
        return status, None
    found = {x: s.Value(x) for row in sub.v.slots for sl in row for x in (sl.present, sl.start, *sl.y,
                                                                           *sl.load.values())}
    back = out_of_subset(data, sdata, missions_from_values(sdata, sub, found))
    return status, others + back


def _complete(sub: AirliftModel, hint: dict, limit: float, budget: Budget, seed: int) -> list[int] | None:
    """The plan's own missions as a complete solution of the re-plan's model (auxiliary
    variables too): CP-SAT starts from a complete hint at once, where a partial one must
    first be repaired."""
    probe = sub.m.Clone()
    probe.ClearObjective()
    for var, val in hint.items():
        probe.Add(probe.GetIntVarFromProtoIndex(var.Index()) == val)
    s = cpsat_solver(limit, deterministic=budget.deterministic, workers=1, seed=seed)
    st = s.Solve(probe)
    budget.charge_cpsat(s)
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return list(s.ResponseProto().solution)
    return None


def _objective(data: ModelData, sub: AirliftModel, units: set[int], others: list[Dispatch],
               missions: list[Dispatch], gi: int) -> None:
    """The goals before ``gi`` held at the plan's values (the other units' part fixed),
    goal ``gi`` minimised with the later goals as tie-breaks, lexicographically (the
    later goals may grow to twice the plan's value at most, so that the weights hold)."""
    m = sub.m
    goals = list(data.goals)
    now = dispatch_objective(data, missions)
    rest = dispatch_objective(data, others) if others else tuple(0 for _ in goals)
    outside = {u.idx for u in data.units} - units
    terms: list[tuple[cp_model.LinearExprT, int]] = []  # (expression, its upper bound)
    for j, goal in enumerate(goals):
        if goal == "closure":
            expr = m.NewIntVar(0, data.horizon, "closure_all")
            m.AddMaxEquality(expr, [sub.v.force_closure, rest[j]])
            ub = data.horizon
        elif goal == "flying_hours":
            # the others' flying does not move
            expr = sub.goal_exprs[goal] + sum(data.groups[ms.group].options[ms.option].flight_minutes
                                              for ms in others)
            ub = 2 * now[j] + 1
        else:  # undelivered and lateness add up per unit
            expr = sub.goal_exprs[goal] + _unit_sum(data, goal, missions, outside)
            ub = 2 * now[j] + 1
        m.Add(expr <= (now[j] if j <= gi else ub))
        if j >= gi:
            terms.append((expr, ub))
    keep, product = [], 1
    for expr, ub in terms:  # the primary goal always, later ones while the weights fit
        if keep and (product * (ub + 1) > TIE_BREAK_MAX):
            break
        keep.append((expr, ub))
        product *= ub + 1
    weight, total = 1, 0
    for expr, ub in reversed(keep):
        total = total + weight * expr
        weight *= ub + 1
    m.Minimize(total)


def _unit_sum(data: ModelData, goal: str, missions: list[Dispatch], units: set[int]) -> int:
    got: dict[tuple[int, str], int] = {}
    arr: dict[int, int] = {}
    for ms in missions:
        a = ms.start + data.groups[ms.group].options[ms.option].arrive
        for ui, q in ms.loads.items():
            arr[ui] = max(arr.get(ui, 0), a)
            for c, x in q.items():
                got[(ui, c)] = got.get((ui, c), 0) + x
    total = 0
    for u in data.units:
        if u.idx not in units:
            continue
        short = {c: max(0, v - got.get((u.idx, c), 0)) for c, v in u.demand.items() if v > 0}
        if goal == "undelivered":
            total += u.weight * sum((100 if c == "pax" else 1) * q for c, q in short.items())
        elif not any(short.values()) and u.idx in arr:
            total += u.weight * max(0, arr[u.idx] - u.rdd)
    return total
