"""Relaxation-guided closure search: bounds from the time-indexed relaxation, better
plans from repairs it guides.

The slot model's search struggles to find the tight packings that the relaxation
(:mod:`logistics.bounds.relax`) shows to exist: on Baghdad's last wave, whole aircraft
loads on a full Pope ramp within the C-5 and B747 crew budgets of one day.
:func:`closure_search` bisects targets ``T`` between a proven bound and the
incumbent's closure. At each, the *critical units* are those the incumbent lands after
``T``, every unit whose window overlaps theirs (it competes for the same ramp, fleet
and crew) and every unit sharing a mission with one of them. Then

1. the relaxation of the critical units alone: infeasible proves closure > ``T`` for the
   whole force (leaving units out only relaxes);
2. otherwise a repair (:func:`~logistics.search.repair.repair`) guided by a solution of
   that relaxation finds a plan landing everything by ``T``, the new incumbent;
3. if the repair finds nothing, the relaxation of the whole force decides ``T``.

A repair at the proven bound is an optimal plan of the model.
"""

from __future__ import annotations

from ..bounds.relax import Relaxation
from ..model.convert import missions_from_values
from ..model.data import ModelData
from ..model.dispatch import Dispatch
from ..model.subset import landings, subset
from .context import SearchContext, SearchResult
from .repair import repair

__all__ = ["closure_search", "critical_units"]

#: :func:`closure_search` gives up (and its time back) when its first checks, this many,
#: are all left unsettled by both relaxations: on generated S the relaxation decides
#: nothing in the time a short solve has, where CP-SAT keeps improving
UNDECIDED_CHECKS = 2


def closure_search(ctx: SearchContext, values: dict, incumbent: int, lower: int) -> SearchResult:
    """Close the gap between a proven closure bound ``lower`` and the ``incumbent`` plan
    (``values``: a value for every variable of the context's model the solve reads
    back).

    A bisection over targets ``T``; at each, in order:

    1. the relaxation of the critical units alone (units the incumbent lands after
       ``T`` and those competing with them): infeasible proves closure > ``T``, since
       leaving units out only relaxes;
    2. otherwise a repair: the same relaxation, with the beds the other units take,
       chooses the critical units' missions and the slot model restricted to them
       finds a plan landing everything by ``T``: the new incumbent;
    3. if the repair finds nothing, the relaxation of the whole force: infeasible
       proves closure > ``T``; otherwise targets at or above ``T`` are left alone.

    Each step gets a share of the time left in the context's budget; if neither
    relaxation settles any of the first :data:`UNDECIDED_CHECKS` checks, the search
    stops and leaves the rest of the time. Returns the bound proven, the best closure
    found and, if it improved, its full assignment of the model's variables.
    """
    budget = ctx.budget
    lo, top = lower, incumbent
    res = SearchResult(lower, incumbent, None, [], 0.0, 0.0)
    while lo < top and not budget.stopped():
        left = budget.left()
        if left <= 0.2 or (len(res.checks) >= UNDECIDED_CHECKS and
                           all(c.get("subset") == c.get("whole") == "unknown" for c in res.checks)):
            break
        probe = (lo + top - 1) // 2
        check: dict = {"target": probe}
        res.checks.append(check)
        spent0 = budget.spent
        decided, sol = _check(ctx, values, probe, left if probe == top - 1 else left / 3, check)
        if decided == "nothing to do":
            top = probe
            continue
        check["spent"] = round(budget.spent - spent0, 3)
        if sol is not None:
            values = {var: sol[var.Index()] for var in values}
            # the plan's last landing (its closure variable need only be ≤ the probe)
            top = max(landings(ctx.data, missions_from_values(ctx.data, ctx.am, values)).values())
            res.value, res.solution = top, sol
        elif decided == "above":
            lo = probe + 1
        else:
            top = probe
    res.bound = lo
    res.seconds = budget.elapsed
    res.spent = budget.spent
    return res


def _check(ctx: SearchContext, values: dict, probe: int, cap: float, check: dict
           ) -> tuple[str, list[int] | None]:
    """One target: ("above", None) when closure > probe is proven, ("found", a plan
    landing by the probe), ("nothing to do", None) when the plan already does, or
    ("open", None)."""
    data = ctx.data
    by_rdd = ctx.fixed.get("undelivered") == 0 and ctx.fixed.get("lateness") == 0
    missions = missions_from_values(data, ctx.am, values)
    crit = critical_units(data, missions, landings(data, missions), probe, by_rdd)
    check["critical"] = sorted(data.units[ui].unit.id for ui in crit)
    if not crit:  # the incumbent already lands everything by the probe
        return "nothing to do", None
    # 1. the critical units alone
    sdata = subset(data, crit)
    rel = Relaxation(sdata, ctx.fixed, closure_limit=probe)
    st, solver = ctx.run(rel.m, cap / 3, linearization=2)
    check["subset"] = st
    if st == "infeasible":
        return "above", None
    # 2. the repair
    sol = repair(ctx, values, missions, crit, probe, cap / 3, check,
                 (sdata, rel, solver) if solver is not None else None)
    if sol is not None:
        return "found", sol
    # 3. the whole force
    rel = Relaxation(data, ctx.fixed, closure_limit=probe)
    st, _ = ctx.run(rel.m, max(0.1, min(cap / 3, ctx.budget.left())), linearization=2)
    check["whole"] = st
    return ("above" if st == "infeasible" else "open"), None


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


