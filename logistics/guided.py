"""Relaxation-guided closure search: bounds from the time-indexed relaxation, better
plans from repairs it guides.

The slot model's search struggles to find the tight packings that the relaxation
(:mod:`logistics.relax`) shows to exist: on Baghdad's last wave, whole aircraft loads
on a full Pope ramp within the C-5 and B747 crew budgets of one day. The relaxation
finds such a packing quickly when only the units that matter are in it, and its
missions are nearly a plan: only the start minute inside each 15-minute period and the
split of a period's loads between its missions are left open.

:func:`closure_search` bisects targets ``T`` between a proven bound and the incumbent's
closure. At each, the *critical units* are those the incumbent lands after ``T``, every
unit whose window overlaps theirs (it competes for the same ramp, fleet and crew) and
every unit sharing a mission with one of them. Then

1. the relaxation of the critical units alone: infeasible proves closure > ``T`` for the
   whole force (leaving units out only relaxes);
2. otherwise a repair: a solution of that relaxation (with the beds the other units
   take) fixes the critical units' missions (routing, start period, riders), the other
   missions are hinted where they were, and the slot model restricted to that shape
   finds a plan landing everything by ``T``, the new incumbent;
3. if the repair finds nothing, the relaxation of the whole force decides ``T``.

A repair at the proven bound is an optimal plan of the model.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .model.build import AirliftModel
from .model.convert import hint_from_dispatch, missions_from_values
from .model.data import ModelData, build_data
from .model.dispatch import Dispatch
from .relax import STEP_MINUTES, MipResult, Relaxation, RelaxResult, make_solver, solve_mip, solve_stoppable

__all__ = ["LeastFlying", "SearchResult", "closure_search", "critical_units", "flying_bound", "flying_search",
           "least_flying", "mission_components"]

#: periods a repaired mission may start after the one the relaxation chose
SLACK_PERIODS = 1
#: share of a group's time in :func:`flying_search` for its bound (:func:`least_flying`);
#: the repairs get the rest and whatever the bound leaves
BOUND_SHARE = 0.7
#: :func:`least_flying` branches on the units' destinations when there are at most this
#: many combinations (the beds allowing)
DEST_LEAVES = 512
#: share of :func:`least_flying`'s time for SCIP on the group as a whole
ROOT_SHARE = 0.1
#: rounds over the open leaves in :func:`least_flying`, each giving every open leaf an
#: equal share of the time left (most leaves fall to the cut at once)
LEAF_ROUNDS = 4
#: times a repair lets go of the held missions in a conflict and tries again
HOLD_RELEASES = 4
#: share of :func:`flying_search`'s time kept for re-planning groups two at a time,
#: bases free, every other mission held (:func:`held_out`), after the groups' own steps
HELD_SHARE = 0.25
#: at most this many pairs of groups are tried (smallest first)
HELD_PAIRS = 12
#: time (seconds, or deterministic units) a pair needs at the least: building and
#: presolving Baghdad's 2-504 with the middle group takes about 5 s and the first
#: better plan comes at about 12 s; with 8 s each, its three pairs found nothing in a
#: 600 s solve. Pairs are tried only as many as get this much, none if none does, and
#: then the bounds keep the time
HELD_MIN = 20.0
#: :func:`coupled_flying`: a leaf's first time limit (seconds, or deterministic units),
#: doubled each time the same leaf comes back unsettled
JOINT_LEAF = 20.0

#: :func:`closure_search` gives up (and its time back) when its first checks, this many,
#: are all left unsettled by both relaxations: on generated S the relaxation decides
#: nothing in the time a short solve has, where CP-SAT keeps improving
UNDECIDED_CHECKS = 2


@dataclass
class SearchResult:
    """What :func:`closure_search` proved and found (minutes)."""

    bound: int  # closure proven ≥ this
    value: int  # the best plan's closure
    solution: list[int] | None  # its full assignment, if it improved on the incumbent
    checks: list[dict]
    seconds: float
    spent: float  # solver time: seconds, or deterministic units in repeatable mode
    joint: dict | None = None  # flying_search: the bed-coupled bound over the groups' bases
    held: list[dict] | None = None  # flying_search: the groups re-planned in pairs (:func:`held_out`)


def _latest(data: ModelData, ui: int, target: int, by_rdd: bool) -> int:
    u = data.units[ui]
    t = min(u.lad, target)
    return min(t, u.rdd) if by_rdd else t


def critical_units(data: ModelData, missions: list[Dispatch], closure: dict[int, int], target: int,
                   by_rdd: bool) -> set[int]:
    """Units to re-plan so that everything lands by ``target``.

    Those landing later, then (to a fixed point) every unit whose window
    ``[ready, latest landing]`` overlaps ``[earliest ready of the set, target]`` and every
    unit riding a mission with one of the set.
    """
    crit = {ui for ui, c in closure.items() if c > target}
    if not crit:
        return crit
    while True:
        t0 = min(data.units[ui].ready for ui in crit)
        grown = set(crit)
        for u in data.units:
            if u.idx not in grown and u.ready <= target and _latest(data, u.idx, target, by_rdd) > t0:
                grown.add(u.idx)
        for ms in missions:
            if set(ms.loads) & grown:
                grown |= set(ms.loads)
        if grown == crit:
            return crit
        crit = grown


def _landings(data: ModelData, missions: list[Dispatch]) -> dict[int, int]:
    """Each unit's last landing (the model's own closure variables may be loose)."""
    out: dict[int, int] = {}
    for ms in missions:
        arrive = ms.start + data.groups[ms.group].options[ms.option].arrive
        for ui in ms.loads:
            out[ui] = max(out.get(ui, 0), arrive)
    return out


def _beds_taken(data: ModelData, am: AirliftModel, values: dict, crit: set[int]) -> dict[str, int]:
    """Beds per base that the plan's units outside ``crit`` take."""
    beds: dict[str, int] = {}
    for (ui, d), z in am.v.dest.items():
        if ui not in crit and values.get(z, 0):
            beds[d] = beds.get(d, 0) + data.units[ui].unit.pax
    return beds


def _guide_fits(data: ModelData, sdata: ModelData, rel: Relaxation, s, beds: dict[str, int]) -> bool:
    """Whether the bases a relaxation solution ``s`` (of ``sdata``'s units) chooses fit
    the beds left beside ``beds``."""
    use = dict(beds)
    for (ui, d), z in rel._dest.items():
        if s.Value(z):
            use[d] = use.get(d, 0) + sdata.units[ui].unit.pax
    return all(use.get(b, 0) <= c for b, c in data.capacity.items())


def _subset(data: ModelData, crit: set[int], beds_taken: dict[str, int] | None = None) -> ModelData:
    """The model's data for some units only; bases keep ``beds_taken`` fewer beds."""
    s = data.scenario
    upd: dict = {"units": [data.units[ui].unit for ui in sorted(crit)]}
    if beds_taken:
        upd["destinations"] = [
            d.model_copy(update={"capacity_pax": max(0, d.capacity_pax - beds_taken.get(d.airfield, 0))})
            if d.capacity_pax is not None else d
            for d in s.destinations
        ]
    return build_data(s.model_copy(update=upd))


class _Clock:
    def __init__(self, limit: float, deterministic: bool):
        self.t0 = time.perf_counter()
        self.limit = limit
        self.deterministic = deterministic
        self.spent = 0.0

    def left(self) -> float:
        used = self.spent if self.deterministic else time.perf_counter() - self.t0
        return self.limit - used

    def charge(self, s: cp_model.CpSolver) -> None:
        self.spent += s.deterministic_time if self.deterministic else s.wall_time


def closure_search(data: ModelData, am: AirliftModel, values: dict, fixed: dict[str, int], incumbent: int,
                   lower: int, *, time_limit: float, workers: int = 8, deterministic: bool = False,
                   seed: int = 0, stop: threading.Event | None = None) -> SearchResult:
    """Close the gap between a proven closure bound ``lower`` and the ``incumbent`` plan
    (``values``: a value for every variable of ``am`` the solve reads back).

    A bisection over targets ``T``; at each, in order:

    1. the relaxation of the critical units alone (units the incumbent lands after
       ``T`` and those competing with them): infeasible proves closure > ``T``, since
       leaving units out only relaxes;
    2. otherwise a repair: the same relaxation, with the beds the other units take,
       chooses the critical units' missions and the slot model restricted to them
       finds a plan landing everything by ``T``: the new incumbent;
    3. if the repair finds nothing, the relaxation of the whole force: infeasible
       proves closure > ``T``; otherwise targets at or above ``T`` are left alone.

    Each step gets a share of the time left (``time_limit``: seconds, or deterministic
    units); if neither relaxation settles any of the first :data:`UNDECIDED_CHECKS`
    checks, the search stops and leaves the rest of the time. Returns the bound
    proven, the best closure found and, if it improved, its full assignment of
    ``am``'s variables.
    """
    clock = _Clock(time_limit, deterministic)
    by_rdd = fixed.get("undelivered") == 0 and fixed.get("lateness") == 0
    lo, hi, top = lower, incumbent, incumbent
    res = SearchResult(lower, incumbent, None, [], 0.0, 0.0)
    while lo < top and (stop is None or not stop.is_set()):
        left = clock.left()
        if left <= 0.2 or (len(res.checks) >= UNDECIDED_CHECKS and
                           all(c.get("subset") == c.get("whole") == "unknown" for c in res.checks)):
            break
        probe = (lo + top - 1) // 2
        cap = left if probe == top - 1 else left / 3
        missions = missions_from_values(data, am, values)
        crit = critical_units(data, missions, _landings(data, missions), probe, by_rdd)
        check = {"target": probe, "critical": sorted(data.units[ui].unit.id for ui in crit)}
        res.checks.append(check)
        spent0 = clock.spent
        if not crit:  # the incumbent already lands everything by the probe
            top = probe
            continue
        # 1. the critical units alone
        sdata = _subset(data, crit)
        rel = Relaxation(sdata, fixed, closure_limit=probe)
        st, solver = _run_solver(rel.m, clock, workers, deterministic, seed, cap / 3, stop, linearization=2)
        check["subset"] = st
        if st == "infeasible":
            lo = probe + 1
            check["spent"] = round(clock.spent - spent0, 3)
            continue
        # 2. the repair
        sol = _repair(data, am, values, missions, crit, fixed, probe, clock, workers, deterministic, seed,
                      cap / 3, stop, check, (sdata, rel, solver) if solver is not None else None)
        if sol is not None:
            values = {var: sol[var.Index()] for var in values}
            # the plan's last landing (its closure variable need only be ≤ the probe)
            hi = top = max(_landings(data, missions_from_values(data, am, values)).values())
            res.value, res.solution = hi, sol
            check["spent"] = round(clock.spent - spent0, 3)
            continue
        # 3. the whole force
        rel = Relaxation(data, fixed, closure_limit=probe)
        st, _ = _run_solver(rel.m, clock, workers, deterministic, seed, max(0.1, min(cap / 3, clock.left())), stop,
                            linearization=2)
        check["whole"] = st
        check["spent"] = round(clock.spent - spent0, 3)
        if st == "infeasible":
            lo = probe + 1
        else:
            top = probe
    res.bound = lo
    res.seconds = time.perf_counter() - clock.t0
    res.spent = clock.spent
    return res


def _repair(data: ModelData, am: AirliftModel, values: dict, missions: list[Dispatch], crit: set[int],
            fixed: dict[str, int], target: int, clock: _Clock, workers: int, deterministic: bool, seed: int,
            cap: float, stop: threading.Event | None, check: dict,
            found: tuple | None, *, minimize: tuple[str, int] | None = None, hold: bool = False
            ) -> list[int] | None:
    """Re-plan the critical units to land by ``target``; a full solution of ``am`` or None.

    ``found``: (data, relaxation, solver) of a solved relaxation of the critical units
    alone, used as the guide if its destinations fit the beds the other units leave.
    ``minimize``: (goal, incumbent value): the restriction then looks for the least
    value of that goal below the incumbent's instead of any plan.
    """
    kept = [ms for ms in missions if not (set(ms.loads) & crit)]
    beds = _beds_taken(data, am, values, crit)
    fits = False
    if found is not None:
        sdata, rel, s = found
        fits = _guide_fits(data, sdata, rel, s, beds)
    if fits:
        check["guide"] = "subset"
    else:
        sdata = _subset(data, crit, beds)
        rel = Relaxation(sdata, fixed, closure_limit=target)
        st, s = _run_solver(rel.m, clock, workers, deterministic, seed, cap, stop, linearization=2)
        check["guide"] = st
        if s is None:
            return None
    group_of = {g.name: gi for gi, g in enumerate(data.groups)}
    unit_of = {u.unit.id: u.idx for u in data.units}
    new: list[tuple[int, int, int, int, set[int]]] = []  # (group, option, lo, hi, riders)
    for bi, (b, n) in enumerate(zip(rel.buckets, rel.n, strict=True)):
        k = s.Value(n)
        if k <= 0:
            continue
        g = sdata.groups[b.gi]
        gi = group_of[g.name]
        oi = [r.label for r in data.groups[gi].options].index(g.options[b.oi].label)
        riders = {unit_of[sdata.units[ui].unit.id] for ui in b.units if any(
            x is not None and s.Value(x) > 0 for x in rel.loads.get((ui, bi), (None, None)))}
        new += [(gi, oi, b.lo, b.hi, riders)] * k
    dest_of = {unit_of[sdata.units[ui].unit.id]: d for (ui, d), z in rel._dest.items() if s.Value(z)}
    check["missions"] = len(new)

    # the slot model restricted to that shape
    probe = am.m.Clone()

    def V(var):  # noqa: N802 - the clone's copy of a variable
        return probe.GetIntVarFromProtoIndex(var.Index())

    by_group: dict[int, list[tuple[int, str, object]]] = {}
    for ms in kept:
        by_group.setdefault(ms.group, []).append((ms.start, "held", ms))
    for x in new:
        by_group.setdefault(x[0], []).append((x[2], "new", x))
    probe.ClearHints()
    held: list[cp_model.IntVar] = []
    for gi, row in enumerate(am.v.slots):
        todo = sorted(by_group.get(gi, []), key=lambda t: (t[0], t[1]))
        if len(todo) > len(row):
            check["restriction"] = f"needs {len(todo)} slots of {data.groups[gi].name}, has {len(row)}"
            return None
        for k, slot in enumerate(row):
            if k >= len(todo):
                probe.Add(V(slot.present) == 0)
                continue
            _, kind, x = todo[k]
            probe.Add(V(slot.present) == 1)
            if kind == "new":
                # the routing the relaxation chose, a start in its period or the next
                # ones (the relaxation samples the ramp once a period), critical units only
                _, oi, lo, hi, riders = x
                probe.Add(V(slot.y[oi]) == 1)
                probe.Add(V(slot.start) >= lo)
                probe.Add(V(slot.start) <= hi + SLACK_PERIODS * (hi - lo + 1))
                probe.AddHint(V(slot.start), lo)
                for ui, c in slot.carries.items():
                    if ui not in crit:
                        probe.Add(V(c) == 0)
                    else:
                        probe.AddHint(V(c), int(ui in riders))
            else:
                ms = x
                probe.AddHint(V(slot.start), ms.start)
                for oi, yy in enumerate(slot.y):
                    probe.AddHint(V(yy), int(oi == ms.option))
                for ui, c in slot.carries.items():
                    if ui in crit:
                        probe.Add(V(c) == 0)
                    else:
                        probe.AddHint(V(c), int(ui in ms.loads))
                for (ui, com), var in slot.load.items():
                    if ui not in crit:
                        probe.AddHint(V(var), ms.loads.get(ui, {}).get(com, 0))
                if hold:  # exactly as it is, while its literal is assumed
                    lit = probe.NewBoolVar(f"hold[{gi},{k}]")
                    held.append(lit)
                    probe.Add(V(slot.start) == ms.start).OnlyEnforceIf(lit)
                    for oi, yy in enumerate(slot.y):
                        probe.Add(V(yy) == int(oi == ms.option)).OnlyEnforceIf(lit)
                    for ui, c in slot.carries.items():
                        probe.Add(V(c) == int(ui in ms.loads)).OnlyEnforceIf(lit)
                    for (ui, com), var in slot.load.items():
                        probe.Add(V(var) == ms.loads.get(ui, {}).get(com, 0)).OnlyEnforceIf(lit)
    for (ui, d), z in am.v.dest.items():
        if ui in crit:
            probe.Add(V(z) == int(dest_of.get(ui) == d))
        else:
            probe.AddHint(V(z), values.get(z, 0))
    probe.Add(V(am.v.force_closure) <= target)
    for goal, val in fixed.items():  # the earlier goals stay at their values
        if goal in am.goal_terms and goal != "closure":
            probe.Add(sum(c * V(x) for c, x in am.goal_terms[goal]) <= val)
    probe.clear_objective()
    if minimize is not None:
        goal, worse = minimize
        expr = sum(c * V(x) for c, x in am.goal_terms[goal])
        probe.Add(expr <= worse - 1)
        probe.Minimize(expr)
    # with ``hold``, the other missions stay exactly where they are; those in a conflict
    # (a core of held missions that no shape of the new ones fits) are let go and
    # re-placed, up to HOLD_RELEASES times
    active = {lit.Index(): lit for lit in held}
    end = clock.left() - max(0.5, min(2 * cap, clock.left()))
    for _ in range(HOLD_RELEASES + 1 if hold else 1):
        probe.ClearAssumptions()
        probe.AddAssumptions(list(active.values()))
        core: list[int] = []
        # one worker while missions are held: it finds the small core (the portfolio's
        # cores name every assumption) and the held model is small
        status, s2 = _run_solver(probe, clock, 1 if active else workers, deterministic, seed,
                                 max(0.5, clock.left() - end),
                                 stop, probing=0 if am.crew_types else None, core=core)
        check["restriction"] = status
        if status != "infeasible" or not active:
            break
        freed = [i for i in core if i in active] or list(active)
        check["released"] = check.get("released", 0) + len(freed)
        for i in freed:
            del active[i]
    if s2 is None:
        return None
    sol = list(s2.ResponseProto().solution)
    # closure variables need only bound the landings from above: set them to the
    # landings, so that the next stage's "closure <= value" holds for this solution
    vals = {var: sol[var.Index()] for var in values}
    landed = _landings(data, missions_from_values(data, am, vals))
    v = am.v
    for u in data.units:
        if u.idx in landed and sol[v.full[u.idx].Index()]:
            clo = max(landed[u.idx], u.min_arrival or 0)
            sol[v.closure[u.idx].Index()] = clo
            sol[v.late[u.idx].Index()] = max(0, clo - u.rdd)
    sol[v.force_closure.Index()] = max([0, *landed.values(), *(
        sol[v.closure[u.idx].Index()] for u in data.units if sol[v.full[u.idx].Index()] and u.idx in landed)])
    return sol


def mission_components(data: ModelData, fixed: dict[str, int]) -> list[list[int]]:
    """Groups of units that no mission can carry across, under the earlier goals' values
    ``fixed``.

    Two units are joined when some bucket of the time-indexed relaxation (a routing
    and a 15-minute start period) holds starts that both could ride: its window, the
    required dates when lateness is fixed at 0, and the closure fixed. Units in
    different groups never share a mission of the model, since every mission lies in
    the bucket of its start and every rider is among that bucket's units. On Baghdad
    at the proven closure: the lead battalion; the next two battalions with the
    headquarters (the headquarters and 3-504 may share a B747 starting at h54); the
    last wave.
    """
    rel = Relaxation(data, fixed)
    parent = list(range(len(data.units)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for b in rel.buckets:
        first, *rest = b.units
        for ui in rest:
            parent[find(ui)] = find(first)
    groups: dict[int, list[int]] = {}
    for ui in range(len(data.units)):
        groups.setdefault(find(ui), []).append(ui)
    return sorted(groups.values())


@dataclass
class LeastFlying:
    """A group's least flying hours in the relaxation (:func:`least_flying`; minutes)."""

    status: str  # optimal | feasible (bound below the best) | infeasible | unknown
    bound: int  # proven: every solution flies at least this (``upper`` if none below it)
    value: int | None  # the best solution found below ``upper``, if any
    solution: list[int] | None  # its value per variable of ``rel``
    rel: Relaxation
    leaves: int  # destination combinations branched on (0: SCIP on the group alone)
    open_leaves: int  # those left unproven when time ran out
    spent: float
    #: per combination of bases the beds allow (:func:`_combos`), a proven lower bound
    #: of its least flying hours (infeasible ones left out); when there are too many
    #: combinations to list, one entry ``()`` that takes no beds
    table: dict[tuple, int] = field(default_factory=dict)
    #: the combinations solved to their least: a solution of ``rel`` there
    exact: dict[tuple, list[int]] = field(default_factory=dict)


def _combos(sdata: ModelData, fixed: dict[str, int]) -> list[tuple] | None:
    """The combinations of bases of ``sdata``'s units, each unit's from its list, that
    fit the beds (a unit may go nowhere, ``None``, unless everything must be
    delivered); None if there are more than :data:`DEST_LEAVES` to consider."""
    all_full = fixed.get("undelivered") == 0
    choices = [[(u.idx, d) for d in u.dests] + ([] if all_full else [(u.idx, None)]) for u in sdata.units]
    if math.prod(len(c) for c in choices) > DEST_LEAVES:
        return None
    out = []
    for combo in itertools.product(*choices):
        if all(n <= sdata.capacity.get(d, n) for d, n in _beds_of(sdata, combo).items()):
            out.append(combo)
    return out


def _beds_of(sdata: ModelData, combo: tuple) -> dict[str, int]:
    """Beds per base that a combination of bases takes."""
    beds: dict[str, int] = {}
    for ui, d in combo:
        if d is not None:
            beds[d] = beds.get(d, 0) + sdata.units[ui].unit.pax
    return beds


def _combo_of(rel: Relaxation, sol: list[int]) -> tuple:
    """The combination of bases a solution of ``rel`` chooses."""
    base = {ui: d for (ui, d), z in rel._dest.items() if sol[z.Index()]}
    return tuple((u.idx, base.get(u.idx)) for u in rel.data.units)


def _leaf(rel: Relaxation, combo: tuple | None, cap: float, cutoff: int | None, deterministic: bool,
          stop: threading.Event | None, *, count: tuple[list[int], int, int | None] | None = None,
          first: bool = False) -> MipResult:
    """``rel``'s MIP (its objective set) with the units' bases fixed at ``combo`` (None:
    free) and ``count`` = (indices of count variables, least, most or None) on their
    sum; ``first`` as :func:`~logistics.relax.solve_mip`'s."""
    m = rel.m.Clone()
    if combo is not None:
        base = dict(combo)
        for (ui, d), z in rel._dest.items():
            m.Add(m.GetIntVarFromProtoIndex(z.Index()) == int(base[ui] == d))
    if count is not None:
        idx, lo, hi = count
        total = sum(m.GetIntVarFromProtoIndex(i) for i in idx)
        if lo > 0:
            m.Add(total >= lo)
        if hi is not None:
            m.Add(total <= hi)
    return solve_mip(m, max(0.05, cap), deterministic=deterministic, stop=stop, cutoff=cutoff, first=first)


def least_flying(sdata: ModelData, fixed: dict[str, int], *, time_limit: float, upper: int | None = None,
                 deterministic: bool = False, stop: threading.Event | None = None) -> LeastFlying:
    """The least flying hours (minutes) of the units of ``sdata`` in the time-indexed
    relaxation under the earlier goals ``fixed``, by SCIP, branching on where the units
    go.

    The relaxation ties a unit's loads to its base with a bound ``load ≤ demand × z``;
    its linear relaxation may split a unit between bases, and SCIP's branching
    closes that gap slowly (Baghdad's last wave: 455.6 h proven after 400 s against a
    503.0 h optimum). With every unit's base fixed the same MIP is easy, most
    combinations falling at the root to the cutoff (the best value so far): the last
    wave's 167 combinations that the beds allow take about 4 minutes, one of them 74 s.

    SCIP first gets :data:`ROOT_SHARE` of the time on the whole group; if that does not
    settle it and there are at most :data:`DEST_LEAVES` combinations, each combination
    is a leaf, solved in rounds (every open leaf an equal share of the time left) below
    the best value found. The bound is the least of the best value and the bounds of
    the leaves still open. ``upper``: a value known to be reached (a plan's); only
    solutions below it are looked for, and ``bound == upper`` proves it least.
    """
    clock = _Clock(time_limit, deterministic)
    rel = Relaxation(sdata, fixed, type_counts=True)
    rel.m.Minimize(rel.flying)
    best: dict = {"cut": upper, "value": None, "solution": None}
    combos = _combos(sdata, fixed)
    table: dict[tuple, int] | None = None
    exact: dict[tuple, list[int]] = {}

    def note(r: MipResult | None) -> MipResult | None:
        if r is None:
            return None
        clock.spent += r.spent
        if r.solution is not None and (best["cut"] is None or r.value < best["cut"]):
            best.update(cut=r.value, value=r.value, solution=r.solution)
        return r

    def result(status: str, bound: int | None, leaves: int = 0, open_leaves: int = 0) -> LeastFlying:
        if status == "infeasible":
            tab: dict = {}
        elif table is not None:
            tab = table
        else:  # every combination flies at least the group's bound
            tab = {c: bound or 0 for c in (combos if combos is not None else [()])}
        return LeastFlying(status, bound if bound is not None else 0, best["value"], best["solution"], rel,
                           leaves, open_leaves, clock.spent, tab, dict(exact))

    # the root without the cut: SCIP reports a bound only with a solution in hand
    root = note(solve_mip(rel.m, max(0.05, ROOT_SHARE * time_limit if combos is None or len(combos) > 1
                                     else time_limit), deterministic=deterministic, stop=stop))
    if root is None:  # no SCIP in this OR-Tools build: CP-SAT on the same model
        st, lb = rel.solve(time_limit, deterministic=deterministic, stop=stop)
        clock.spent += rel.spent
        combos = None
        return result(st, lb)
    if root.status == "infeasible":
        return result("infeasible", None)
    if root.status == "optimal":
        exact[_combo_of(rel, root.solution)] = root.solution
        return result("optimal", root.value)
    if root.solution is None and clock.left() > 0.05:
        # no solution in the root's share (Baghdad's middle group, 13,000 variables, needs
        # about 20 s for its first) and so no bound: the leaves would find none
        # either, so SCIP keeps the whole group
        root = note(solve_mip(rel.m, max(0.05, clock.left()), deterministic=deterministic, stop=stop))
        if root.status == "optimal":
            exact[_combo_of(rel, root.solution)] = root.solution
        if root.status in ("infeasible", "optimal"):
            return result(root.status, root.value)
        return result("feasible" if best["value"] is not None else "unknown", root.bound)
    root_lb = root.bound or 0
    if best["cut"] is not None and root_lb >= best["cut"]:
        return result("optimal", best["cut"])
    if combos is None or len(combos) <= 1:
        bnd = min(root_lb, best["cut"]) if best["cut"] is not None else root_lb
        return result("feasible" if best["value"] is not None else "unknown", bnd)
    # every combination a leaf, below the best value so far
    table = {c: root_lb for c in combos}
    open_ = list(combos)
    for _ in range(LEAF_ROUNDS):
        if not open_ or clock.left() <= 0.05 or (stop is not None and stop.is_set()):
            break
        nxt = []
        cap = clock.left() / len(open_)
        for k, combo in enumerate(open_):
            if clock.left() <= 0.05 or (stop is not None and stop.is_set()):
                nxt += open_[k:]
                break
            r = note(_leaf(rel, combo, min(cap, clock.left()), best["cut"], deterministic, stop))
            if r.status == "infeasible":
                del table[combo]
            elif r.status == "cutoff":  # nothing below the cut
                table[combo] = max(table[combo], r.bound)
            elif r.status == "optimal":  # its least, the new cut
                table[combo] = r.value
                exact[combo] = r.solution
            else:
                table[combo] = max(table[combo], r.bound or 0)
                nxt.append(combo)
        open_ = [c for c in nxt if best["cut"] is None or table[c] < best["cut"]]
    if best["cut"] is None and not open_:
        return result("infeasible", None, len(combos))
    bnd = min([table[c] for c in open_] + ([best["cut"]] if best["cut"] is not None else []))
    return result("optimal" if not open_ else "feasible", bnd, len(combos), len(open_))


@dataclass
class _Side:
    """One group of :func:`mission_components` in :func:`coupled_flying`."""

    units: set[int]  # the group's units (indices of the whole force)
    least: LeastFlying  # its own bound; ``table`` and ``exact`` grow as leaves are solved
    tries: dict[tuple, int] = field(default_factory=dict)  # leaves solved without settling

    @property
    def table(self) -> dict[tuple, int]:
        """Per combination of bases, a proven lower bound (``LeastFlying.table``)."""
        return self.least.table


def _joint_least(sides: list[_Side], capacity: dict[str, int], prefer: list[tuple] | None = None
                 ) -> tuple[int | None, list[tuple]]:
    """The least sum over the groups of a combination's lower bound, one combination per
    group, the beds holding for all groups together (a small CP-SAT model); (None, [])
    if no choice fits. Of equal sums, the one that keeps most groups at their
    combination in ``prefer`` (the plan's: fewer units to move)."""
    m = cp_model.CpModel()
    pick: dict[tuple[int, tuple], cp_model.IntVar] = {}
    use: dict[str, list] = {}
    for k, side in enumerate(sides):
        row = []
        for combo in side.table:
            x = pick[(k, combo)] = m.NewBoolVar(f"pick[{k},{len(row)}]")
            row.append(x)
            for d, n in _beds_of(side.least.rel.data, combo).items():
                use.setdefault(d, []).append(n * x)
        m.AddExactlyOne(row)
    for d, terms in use.items():
        if d in capacity:
            m.Add(sum(terms) <= capacity[d])
    moves = [x for (k, combo), x in pick.items() if prefer is not None and combo != prefer[k]]
    m.Minimize((len(sides) + 1) * sum(side.table[combo] * pick[(k, combo)]
                                      for k, side in enumerate(sides) for combo in side.table) + sum(moves))
    s = cp_model.CpSolver()
    s.parameters.num_workers = 1
    s.parameters.max_time_in_seconds = 60.0
    if s.Solve(m) != cp_model.OPTIMAL:
        return None, []
    pickd = [next(c for c in side.table if s.Value(pick[(k, c)])) for k, side in enumerate(sides)]
    return sum(side.table[c] for side, c in zip(sides, pickd, strict=True)), pickd


def coupled_flying(sides: list[_Side], capacity: dict[str, int], upper: int, clock: _Clock, deterministic: bool,
                   stop: threading.Event | None, rec: dict, prefer: list[tuple] | None = None
                   ) -> tuple[int, list[tuple] | None]:
    """A lower bound of the force's flying hours (minutes) that holds the groups of
    :func:`mission_components` to the beds *together*.

    Each group's least flying hours (:func:`least_flying`) are a bound of its own; the
    groups' sum ignores that their bases share the beds. On Baghdad at the proven
    closure the lead battalion's least is at Ali Al Salem and so is the last wave's,
    but with the middle group there too that is more soldiers than beds. A plan's
    flying hours are at least the sum over the groups of the least of the combination
    of bases each group has in it, and those combinations fit the beds together; so
    the least such sum over every choice of one combination per group is a bound
    (:func:`_joint_least`), with each combination's lower bound from the group's
    table.

    That choice is settled lazily against ``upper`` (the plan's hours): while the
    least choice sums below it, one of its combinations not yet solved to its least
    (smallest group first) is solved with the cutoff that would lift the sum to
    ``upper``; it either reaches the cutoff or is solved exactly. Returns the bound
    and, if the least choice is solved exactly in every group and sums below
    ``upper``, that choice (its solutions in the groups' ``exact``) to repair towards;
    else None; of equal sums, the one that moves fewest groups from ``prefer`` (the
    plan's combinations). ``rec`` receives the leaves solved.
    """
    while True:
        total, pick = _joint_least(sides, capacity, prefer)
        if total is None:  # no combination fits: no plan holds the earlier goals (never
            return 0, None  # with a plan in hand; nothing is claimed)
        if total >= upper:
            return upper, None
        todo = [k for k, side in enumerate(sides) if pick[k] not in side.least.exact and pick[k] != ()]
        if not todo:
            if all(pick[k] in side.least.exact for k, side in enumerate(sides)):
                return total, pick
            return total, None  # a group too large to branch on: nothing more to settle
        if clock.left() <= 0.05 or (stop is not None and stop.is_set()):
            return total, None
        k = min(todo, key=lambda j: len(sides[j].units))
        side, combo = sides[k], pick[k]
        lb = side.table[combo]
        cut = upper - (total - lb)
        tries = side.tries.get(combo, 0)
        r = _leaf(side.least.rel, combo, min(clock.left(), JOINT_LEAF * 2**tries), cut, deterministic, stop)
        clock.spent += r.spent
        rec["leaves"] = rec.get("leaves", 0) + 1
        if r.status == "infeasible":
            del side.table[combo]
        elif r.status == "cutoff":
            side.table[combo] = max(lb, cut)
        elif r.status == "optimal":
            side.table[combo] = r.value
            side.least.exact[combo] = r.solution
        else:
            side.table[combo] = max(lb, r.bound or 0)
            side.tries[combo] = tries + 1
            rec["unsettled"] = rec.get("unsettled", 0) + 1


def flying_bound(data: ModelData, fixed: dict[str, int], *, time_limit: float,
                 deterministic: bool = False, stop: threading.Event | None = None) -> RelaxResult:
    """A lower bound of flying hours (minutes) under the earlier goals ``fixed``: the
    sum over :func:`mission_components` of each one's least flying hours in the
    time-indexed relaxation (:func:`least_flying`).

    Every mission of a plan carries a unit of exactly one component, and a plan's
    missions of one component are a solution of that component's relaxation (the
    other units' missions only take aircraft, parking, crew hours and beds), so the
    plan flies at least the sum of the components' optima; a component not solved in
    its share of the time adds the bound proven for it. Components solved one at a
    time are far easier than the whole force: on Baghdad at closure 117.07 h this
    proves 262.8 + 228.3 + 503.0 = 994.1 h.
    """
    res = flying_search(data, fixed, time_limit=time_limit, deterministic=deterministic, stop=stop)
    return RelaxResult("flying_hours", res.bound, None, res.seconds, STEP_MINUTES,
                       {"components": res.checks}, res.spent)


class _Vector:
    """A solution vector read like a solver (``Value``), for :func:`_repair`'s guide."""

    def __init__(self, sol: list[int]):
        self.sol = sol

    def Value(self, var) -> int:  # noqa: N802 - the CpSolver spelling
        return self.sol[var.Index()]


def _group_flying(data: ModelData, missions: list[Dispatch], crit: set[int]) -> int:
    return sum(data.groups[ms.group].options[ms.option].flight_minutes for ms in missions if set(ms.loads) & crit)


def flying_search(data: ModelData, fixed: dict[str, int], *, time_limit: float,
                  am: AirliftModel | None = None, values: dict | None = None, incumbent: int | None = None,
                  workers: int = 8, deterministic: bool = False, seed: int = 0,
                  stop: threading.Event | None = None) -> SearchResult:
    """Bound the flying hours (minutes) under the earlier goals ``fixed`` and, given a
    plan (``am``, ``values``, flying ``incumbent``), improve it group by group.

    For each of the :func:`mission_components` (smaller first; each a share of the
    time left in proportion to its units):

    1. its bound: its least flying hours in the relaxation (:func:`least_flying`),
       looking only below what the plan flies for it;
    2. if the plan flies more, a repair guided by the relaxation's best solution, if
       its bases fit the beds the other groups take: the slot model with the group's
       missions restricted to the relaxation's (routing, start period, riders), the
       other missions held exactly (those in a conflict let go), minimising flying
       hours below the incumbent's;
    3. if the plan still flies more than the bound, a repair guided by the *inner*
       grid (:class:`~logistics.relax.Relaxation` with ``inner``): SCIP minimises the
       group's flying hours with the other missions held where the plan has them and
       the beds they take; any start in a chosen period then fits the aircraft,
       parking and crew hours they leave, so the repair rarely fails where step 2's
       solution does not fit at the minute.

    The bound is the sum of the groups' bounds. Then, with :data:`HELD_SHARE` of the
    time kept for it, pairs of groups are re-planned together, bases free, every other
    mission held (:func:`held_out`, recorded in ``held``), and last the groups' bound is
    held to the beds together (:func:`coupled_flying`). ``time_limit``: seconds, or
    deterministic units. ``checks`` of the result holds, per group, its units, the
    bound and how it was proven, and what the repairs did (minutes).
    """
    clock = _Clock(time_limit, deterministic)
    comps = sorted(mission_components(data, fixed), key=len)
    target = fixed.get("closure", data.horizon)
    have_plan = am is not None and values is not None and incumbent is not None
    res = SearchResult(0, incumbent if incumbent is not None else 0, None, [], 0.0, 0.0)
    parts: list[dict] = [{"units": [data.units[ui].unit.id for ui in comp]} for comp in comps]
    res.checks = parts
    # kept for the pairs of groups after the groups' own steps
    reserve = HELD_SHARE * time_limit if have_plan and len(comps) >= 2 else 0.0
    if reserve < HELD_MIN:
        reserve = 0.0
    sides: list[_Side] = []
    for k, (comp, part) in enumerate(zip(comps, parts, strict=True)):
        crit = set(comp)
        budget = (clock.left() - reserve) * len(comp) / sum(len(c) for c in comps[k:])
        if budget <= 0.05 or (stop is not None and stop.is_set()):
            part.update(status="skipped", bound=0)
            continue
        end = clock.left() - budget  # what the next groups keep
        sdata = data if len(comp) == len(data.units) else _subset(data, crit)
        missions = missions_from_values(data, am, values) if have_plan else []
        plan = _group_flying(data, missions, crit) if have_plan else None
        if plan is not None:
            part["plan"] = plan
        least = least_flying(sdata, fixed, time_limit=budget * (BOUND_SHARE if have_plan else 1), upper=plan,
                             deterministic=deterministic, stop=stop)
        clock.spent += least.spent
        part.update(status=least.status, bound=least.bound)
        if least.leaves:
            part.update(leaves=least.leaves, open_leaves=least.open_leaves)
        if least.status == "infeasible":  # the earlier goals cannot hold: nothing to add
            part["bound"] = 0
        else:
            sides.append(_Side(crit, least))
        res.bound += part["bound"]
        if not have_plan or plan <= least.bound:
            continue
        # 2. the relaxation's best solution as the guide
        sol = None
        if least.solution is not None:
            guide = _Vector(least.solution)
            if _guide_fits(data, sdata, least.rel, guide, _beds_taken(data, am, values, crit)):
                step: dict = {}
                sol = _repair(data, am, values, missions, crit, fixed, target, clock, workers, deterministic, seed,
                              max(0.25, (clock.left() - end) / 4), stop, step, (sdata, least.rel, guide),
                              minimize=("flying_hours", res.value), hold=True)
                part["outer_repair"] = step.get("restriction")
            else:
                part["outer_repair"] = "beds taken"
        if sol is not None:
            values = _take(am, values, sol, res, part)
            plan = _group_flying(data, missions_from_values(data, am, values), crit)
        # 3. the inner grid's guide
        share = clock.left() - end
        if plan > least.bound and share > 0.2 and not (stop is not None and stop.is_set()):
            sol = _flying_repair(data, am, values, fixed, target, crit, res.value, share, clock, workers,
                                 deterministic, seed, stop, part)
            if sol is not None:
                values = _take(am, values, sol, res, part)
    if reserve and res.value > res.bound:
        values = _held_out_pairs(data, am, values, fixed, target, comps, res, clock, reserve, workers,
                                 deterministic, seed, stop)
    if have_plan and len(sides) == len(comps) and res.value > res.bound:
        values = _couple_and_repair(data, am, values, fixed, target, sides, res, clock, workers, deterministic,
                                    seed, stop)
    res.seconds = time.perf_counter() - clock.t0
    res.spent = clock.spent
    return res


def _held_out_pairs(data: ModelData, am: AirliftModel, values: dict, fixed: dict[str, int], target: int,
                    comps: list[list[int]], res: SearchResult, clock: _Clock, share: float, workers: int,
                    deterministic: bool, seed: int, stop: threading.Event | None) -> dict:
    """A step of :func:`flying_search`: each pair of groups re-planned together,
    bases free, every other mission held (:func:`held_out`), in passes while one
    improves and ``share`` of the time lasts. Updates ``res``; the plan's values."""
    pairs = sorted(((a, b) for a, b in itertools.combinations(range(len(comps)), 2)),
                   key=lambda p: len(comps[p[0]]) + len(comps[p[1]]))[:max(1, min(HELD_PAIRS, int(share // HELD_MIN)))]
    res.held = []
    end = clock.left() - share
    better = True
    settled: set[tuple[int, int]] = set()  # solved to the end since the plan last changed
    while better:
        better = False
        for k, (a, b) in enumerate(pairs):
            left = clock.left() - end
            if left <= 0.5 or (stop is not None and stop.is_set()):
                return values
            if (a, b) in settled:
                continue
            crit = set(comps[a]) | set(comps[b])
            part: dict = {"units": [data.units[ui].unit.id for ui in sorted(crit)],
                          "plan": _group_flying(data, missions_from_values(data, am, values), crit)}
            res.held.append(part)
            sol = held_out(data, am, values, fixed, target, crit, clock, workers, deterministic, seed,
                           left / (len(pairs) - k), stop, part)
            done = part.get("status") in ("optimal", "infeasible")
            if sol is not None:
                vals = {var: sol[var.Index()] for var in values}
                if am.goal_value("flying_hours", vals) < res.value and all(
                        am.goal_value(g, vals) <= v for g, v in fixed.items() if g in am.goal_terms):
                    values = _take(am, values, sol, res, part)
                    better = True
                    settled.clear()  # the other pairs' held missions moved
            if done:
                settled.add((a, b))
    return values


def _plan_combo(am: AirliftModel, values: dict, side: _Side) -> tuple:
    """The combination of bases (in the group's own unit indices) that the plan gives a
    group."""
    order = sorted(side.units)
    base = {ui: d for (ui, d), z in am.v.dest.items() if ui in side.units and values.get(z, 0)}
    return tuple((k, base.get(ui)) for k, ui in enumerate(order))


def _couple_and_repair(data: ModelData, am: AirliftModel, values: dict, fixed: dict[str, int], target: int,
                       sides: list[_Side], res: SearchResult, clock: _Clock, workers: int, deterministic: bool,
                       seed: int, stop: threading.Event | None) -> dict:
    """The last step of :func:`flying_search`: the groups' bound held to the beds
    together (:func:`coupled_flying`) against the plan's hours; while that finds a
    choice of bases below them, each group that flies more than its share of it is
    repaired with its solution there as the guide. Updates ``res``; the plan's values."""
    rec: dict = {"start": res.bound}
    res.joint = rec
    while clock.left() > 0.05 and not (stop is not None and stop.is_set()):
        now = [_plan_combo(am, values, side) for side in sides]
        bound, pick = coupled_flying(sides, data.capacity, res.value, clock, deterministic, stop, rec, now)
        if bound > res.bound:
            res.bound = bound
        rec["bound"] = res.bound
        if pick is None:
            break
        # the choice below the plan: repair the groups that fly more than it, those
        # with the most to gain first
        missions = missions_from_values(data, am, values)
        gains = []
        for side, combo in zip(sides, pick, strict=True):
            flies = _group_flying(data, missions, side.units)
            if flies > side.table[combo]:
                gains.append((flies - side.table[combo], side, combo))
        better = False
        for _, side, combo in sorted(gains, key=lambda t: -t[0]):
            if clock.left() <= 0.05 or (stop is not None and stop.is_set()):
                break
            least = side.least
            guide = _Vector(least.exact[combo])
            if not _guide_fits(data, least.rel.data, least.rel, guide, _beds_taken(data, am, values, side.units)):
                continue
            step: dict = {}
            sol = _repair(data, am, values, missions_from_values(data, am, values), side.units, fixed, target, clock, workers,
                          deterministic, seed, max(0.25, clock.left() / 4), stop, step,
                          (least.rel.data, least.rel, guide), minimize=("flying_hours", res.value), hold=True)
            rec["repairs"] = rec.get("repairs", 0) + 1
            if sol is not None:
                values = _take(am, values, sol, res, rec)
                better = True
        if not better:
            break
    return values


def _unit_parts(am: AirliftModel, goal: str, values: dict, units: set[int]) -> int:
    """The part of an earlier goal's value (undelivered, lateness) that falls on units
    other than ``units``."""
    v = am.v
    owner = {x.Index(): ui for (ui, _), x in v.short.items()}
    owner.update({x.Index(): ui for ui, x in v.late.items()})
    return int(sum(c * values.get(x, 0) for c, x in am.goal_terms[goal] if owner.get(x.Index()) not in units))


def held_out(data: ModelData, am: AirliftModel, values: dict, fixed: dict[str, int], target: int, crit: set[int],
             clock: _Clock, workers: int, deterministic: bool, seed: int, cap: float,
             stop: threading.Event | None, part: dict) -> list[int] | None:
    """Re-plan some units' missions *and bases* for fewer flying hours, every other
    mission held where it is; a full solution of ``am`` or None.

    The slot model of the units ``crit`` alone, the other missions constants that take
    aircraft, parking and crew hours (:class:`~logistics.model.build.AirliftModel`'s
    ``held``) and the beds the other units take, the earlier goals held (the other
    units' part of them fixed). Small against the whole force's model, so CP-SAT
    settles it in seconds where the whole model does not move. It finds what the
    groups' own repairs cannot: on Baghdad, 2-504 saves an hour of flying at Ali Al
    Salem only if 3-504 leaves it its beds by going to Kuwait International.
    """
    missions = missions_from_values(data, am, values)
    mine = [ms for ms in missions if set(ms.loads) & crit]
    others = [ms for ms in missions if not set(ms.loads) & crit]
    flies = _group_flying(data, missions, crit)
    sdata = _subset(data, crit, _beds_taken(data, am, values, crit))
    held = [(data.groups[ms.group], data.groups[ms.group].options[ms.option], ms.start) for ms in others]
    sub = AirliftModel(sdata, crew_types=am.crew_types, held=held)
    m = sub.m
    for goal, val in fixed.items():
        if goal != "closure" and goal in sub.goal_exprs:
            m.Add(sub.goal_exprs[goal] <= val - _unit_parts(am, goal, values, crit))
    m.Add(sub.v.force_closure <= target)
    m.Add(sub.goal_exprs["flying_hours"] <= flies - 1)
    m.Minimize(sub.goal_exprs["flying_hours"])
    # the plan's own missions of these units as the hint (groups and units by name: the
    # subset's indices differ from the force's)
    gi_of = {g.name: gi for gi, g in enumerate(sdata.groups)}
    ui_of = {u.unit.id: u.idx for u in sdata.units}
    hint = []
    for ms in mine:
        g = data.groups[ms.group]
        sg = gi_of.get(g.name)
        if sg is None:
            hint = []
            break
        labels = [r.label for r in sdata.groups[sg].options]
        label = g.options[ms.option].label
        if label not in labels:
            hint = []
            break
        hint.append(Dispatch(sg, labels.index(label), ms.start,
                             {ui_of[data.units[ui].unit.id]: dict(q) for ui, q in ms.loads.items()}))
    if hint:
        for var, val in hint_from_dispatch(sdata, sub, hint).items():
            m.AddHint(var, val)
    status, s = _run_solver(m, clock, workers, deterministic, seed, cap, stop)
    part["status"] = status
    if s is None:
        return None
    part["found"] = int(s.ObjectiveValue())
    # back to the whole force: its missions, then every variable of ``am``
    force_g = {g.name: gi for gi, g in enumerate(data.groups)}
    force_u = {u.unit.id: u.idx for u in data.units}
    found = {x: s.Value(x) for row in sub.v.slots for sl in row
             for x in (sl.present, sl.start, *sl.y, *sl.load.values())}
    dispatch = [Dispatch(ms.group, ms.option, ms.start, ms.loads) for ms in others]
    for ms in missions_from_values(sdata, sub, found):
        sg = sdata.groups[ms.group]
        fg = force_g[sg.name]
        oi = [r.label for r in data.groups[fg].options].index(sg.options[ms.option].label)
        dispatch.append(Dispatch(fg, oi, ms.start, {force_u[sdata.units[ui].unit.id]: q for ui, q in ms.loads.items()}))
    count: dict[int, int] = {}
    for dp in dispatch:
        count[dp.group] = count.get(dp.group, 0) + 1
    if any(n > len(am.v.slots[gi]) for gi, n in count.items()):
        part["merge"] = "more missions than the model's slots"
        return None
    full = hint_from_dispatch(data, am, dispatch)
    probe = am.m.Clone()
    for var, val in full.items():
        probe.Add(probe.GetIntVarFromProtoIndex(var.Index()) == val)
    status, s2 = _run_solver(probe, clock, 1, deterministic, seed, max(1.0, min(cap, clock.left())), stop)
    part["merge"] = status
    return list(s2.ResponseProto().solution) if s2 is not None else None


def _take(am: AirliftModel, values: dict, sol: list[int], res: SearchResult, part: dict) -> dict:
    """A repaired plan ``sol`` becomes :func:`flying_search`'s incumbent; its values."""
    values = {var: sol[var.Index()] for var in values}
    res.value, res.solution = am.goal_value("flying_hours", values), sol
    part["repaired"] = res.value
    return values


def _flying_repair(data: ModelData, am: AirliftModel, values: dict, fixed: dict[str, int], target: int,
                   crit: set[int], incumbent: int, share: float, clock: _Clock, workers: int, deterministic: bool,
                   seed: int, stop: threading.Event | None, part: dict) -> list[int] | None:
    """Step 3 of :func:`flying_search`: a repair guided by the inner grid; a full
    solution of ``am`` flying less than ``incumbent``, or None."""
    missions = missions_from_values(data, am, values)
    flies = _group_flying(data, missions, crit)
    held = [(data.groups[ms.group].aircraft, ms.start, data.groups[ms.group].options[ms.option])
            for ms in missions if not set(ms.loads) & crit]
    sdata = _subset(data, crit, _beds_taken(data, am, values, crit))
    rel = Relaxation(sdata, fixed, inner=True, held=held)
    rel.m.Add(rel.flying <= flies - 1)
    rel.m.Minimize(rel.flying)
    mip = solve_mip(rel.m, share * 0.8, deterministic=deterministic, stop=stop)
    if mip is None:
        return None
    clock.spent += mip.spent
    part["guide_status"] = mip.status
    if mip.solution is None:
        return None
    part["guide_value"] = mip.value
    left = share - (mip.spent if deterministic else mip.seconds)
    return _repair(data, am, values, missions, crit, fixed, target, clock, workers, deterministic, seed,
                   max(0.25, min(left, clock.left())) / 2, stop, part, (sdata, rel, _Vector(mip.solution)),
                   minimize=("flying_hours", incumbent), hold=True)


def _run_solver(m: cp_model.CpModel, clock: _Clock, workers: int, deterministic: bool, seed: int,
                limit: float, stop: threading.Event | None, *, linearization: int | None = None,
                probing: int | None = None, core: list[int] | None = None) -> tuple[str, cp_model.CpSolver | None]:
    """Solve with a limit; (status name, the solver if it holds a solution). If the
    model is infeasible under its assumptions, ``core`` receives a subset of them
    that is."""
    s = make_solver(workers, deterministic, limit, seed)
    if linearization is not None:
        s.parameters.linearization_level = linearization
    if probing is not None:
        s.parameters.cp_model_probing_level = probing
    st = solve_stoppable(s, m, stop)
    clock.charge(s)
    name = s.StatusName(st).lower()
    if core is not None and st == cp_model.INFEASIBLE:
        core.extend(s.SufficientAssumptionsForInfeasibility())
    return name, (s if st in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None)
