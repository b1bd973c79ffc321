"""Re-plan some units in the slot model restricted to the shape a relaxation chose.

The slot model's search struggles to find the tight packings that the time-indexed
relaxation (:mod:`logistics.bounds.relax`) shows to exist; the relaxation finds them
quickly when only the units that matter are in it, and its missions are nearly a
plan: only the start minute inside each period and the split of a period's loads
between its missions are left open. :func:`repair` takes such a solution as a guide:
the units it re-plans get the relaxation's missions (routing, start period, riders),
every other mission is hinted where it is (or, with ``hold``, kept exactly), and
CP-SAT completes the plan.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from ..bounds.relax import Relaxation
from ..model.convert import missions_from_values
from ..model.data import ModelData
from ..model.dispatch import Dispatch
from ..model.subset import beds_taken, landings, subset
from .context import SearchContext

__all__ = ["guide_fits", "repair"]

#: periods a repaired mission may start after the one the relaxation chose
SLACK_PERIODS = 1
#: times a repair lets go of the held missions in a conflict and tries again
HOLD_RELEASES = 4


def guide_fits(data: ModelData, sdata: ModelData, rel: Relaxation, s, beds: dict[str, int]) -> bool:
    """Whether the bases a relaxation solution ``s`` (of ``sdata``'s units) chooses fit
    the beds left beside ``beds``."""
    use = dict(beds)
    for (ui, d), z in rel._dest.items():
        if s.Value(z):
            use[d] = use.get(d, 0) + sdata.units[ui].unit.pax
    return all(use.get(b, 0) <= c for b, c in data.capacity.items())


def repair(ctx: SearchContext, values: dict, missions: list[Dispatch], crit: set[int], target: int, cap: float,
           check: dict, found: tuple | None = None, *, minimize: tuple[str, int] | None = None,
           hold: bool = False) -> list[int] | None:
    """Re-plan the units ``crit`` to land by ``target``; a full solution of the
    context's model, or None.

    ``found``: (data, relaxation, solver) of a solved relaxation of ``crit`` alone,
    used as the guide if its destinations fit the beds the other units leave; else a
    relaxation is solved here, within ``cap``. ``minimize``: (goal, incumbent value):
    the restriction then looks for the least value of that goal below the
    incumbent's instead of any plan. ``check`` receives what each step did.
    """
    guide = _guide(ctx, values, crit, target, cap, check, found)
    if guide is None:
        return None
    new, dest_of = _guided_missions(ctx.data, *guide)
    check["missions"] = len(new)
    kept = [ms for ms in missions if not (set(ms.loads) & crit)]
    built = _restriction(ctx, values, kept, new, crit, dest_of, target, check, minimize, hold)
    if built is None:
        return None
    probe, held = built
    s2 = _solve_releasing(ctx, probe, held, cap, check, hold)
    if s2 is None:
        return None
    return _tight_closures(ctx, values, list(s2.ResponseProto().solution))


def _guide(ctx: SearchContext, values: dict, crit: set[int], target: int, cap: float, check: dict,
           found: tuple | None) -> tuple | None:
    """The relaxation solution to follow: ``found`` if its bases fit, else one solved
    now with the beds the other units take."""
    beds = beds_taken(ctx.data, ctx.am, values, crit)
    if found is not None:
        sdata, rel, s = found
        if guide_fits(ctx.data, sdata, rel, s, beds):
            check["guide"] = "subset"
            return found
    sdata = subset(ctx.data, crit, beds)
    rel = Relaxation(sdata, ctx.fixed, closure_limit=target)
    st, s = ctx.run(rel.m, cap, linearization=2)
    check["guide"] = st
    return (sdata, rel, s) if s is not None else None


def _guided_missions(data: ModelData, sdata: ModelData, rel: Relaxation, s
                     ) -> tuple[list[tuple[int, int, int, int, set[int]]], dict[int, str]]:
    """The guide's missions in the force's terms, (group, option, lo, hi, riders) each,
    and its bases per unit."""
    group_of = {g.name: gi for gi, g in enumerate(data.groups)}
    unit_of = {u.unit.id: u.idx for u in data.units}
    new: list[tuple[int, int, int, int, set[int]]] = []
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
    return new, dest_of


def _restriction(ctx: SearchContext, values: dict, kept: list[Dispatch], new: list, crit: set[int],
                 dest_of: dict[int, str], target: int, check: dict, minimize: tuple[str, int] | None,
                 hold: bool) -> tuple[cp_model.CpModel, list[cp_model.IntVar]] | None:
    """The slot model restricted to the guide's shape; (model, the literals holding
    the other missions) or None if a group has too few slots."""
    am, data = ctx.am, ctx.data
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
                _place_new(probe, V, slot, x, crit)
            else:
                _place_kept(probe, V, slot, x, crit, hold, held, f"hold[{gi},{k}]")
    for (ui, d), z in am.v.dest.items():
        if ui in crit:
            probe.Add(V(z) == int(dest_of.get(ui) == d))
        else:
            probe.AddHint(V(z), values.get(z, 0))
    probe.Add(V(am.v.force_closure) <= target)
    for goal, val in ctx.fixed.items():  # the earlier goals stay at their values
        if goal in am.goal_terms and goal != "closure":
            probe.Add(sum(c * V(x) for c, x in am.goal_terms[goal]) <= val)
    probe.clear_objective()
    if minimize is not None:
        goal, worse = minimize
        expr = sum(c * V(x) for c, x in am.goal_terms[goal])
        probe.Add(expr <= worse - 1)
        probe.Minimize(expr)
    return probe, held


def _place_new(probe: cp_model.CpModel, V, slot, x: tuple, crit: set[int]) -> None:
    """A slot takes a guided mission: the routing the relaxation chose, a start in its
    period or the next ones (the relaxation samples the ramp once a period), the units
    ``crit`` only."""
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


def _place_kept(probe: cp_model.CpModel, V, slot, ms: Dispatch, crit: set[int], hold: bool,
                held: list[cp_model.IntVar], name: str) -> None:
    """A slot keeps one of the other units' missions: hinted where it is, and with
    ``hold`` exactly as it is while its literal (appended to ``held``) is assumed."""
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
    if hold:
        lit = probe.NewBoolVar(name)
        held.append(lit)
        probe.Add(V(slot.start) == ms.start).OnlyEnforceIf(lit)
        for oi, yy in enumerate(slot.y):
            probe.Add(V(yy) == int(oi == ms.option)).OnlyEnforceIf(lit)
        for ui, c in slot.carries.items():
            probe.Add(V(c) == int(ui in ms.loads)).OnlyEnforceIf(lit)
        for (ui, com), var in slot.load.items():
            probe.Add(V(var) == ms.loads.get(ui, {}).get(com, 0)).OnlyEnforceIf(lit)


def _solve_releasing(ctx: SearchContext, probe: cp_model.CpModel, held: list[cp_model.IntVar], cap: float,
                     check: dict, hold: bool) -> cp_model.CpSolver | None:
    """Solve the restriction. With ``hold``, the other missions stay exactly where they
    are; those in a conflict (a core of held missions that no shape of the new ones
    fits) are let go and re-placed, up to :data:`HOLD_RELEASES` times."""
    budget = ctx.budget
    active = {lit.Index(): lit for lit in held}
    end = budget.left() - max(0.5, min(2 * cap, budget.left()))
    s2 = None
    for _ in range(HOLD_RELEASES + 1 if hold else 1):
        probe.ClearAssumptions()
        probe.AddAssumptions(list(active.values()))
        core: list[int] = []
        # one worker while missions are held: it finds the small core (the portfolio's
        # cores name every assumption) and the held model is small
        status, s2 = ctx.run(probe, max(0.5, budget.left() - end), workers=1 if active else None,
                             probing=0 if ctx.am.crew_types else None, core=core)
        check["restriction"] = status
        if status != "infeasible" or not active:
            break
        freed = [i for i in core if i in active] or list(active)
        check["released"] = check.get("released", 0) + len(freed)
        for i in freed:
            del active[i]
    return s2


def _tight_closures(ctx: SearchContext, values: dict, sol: list[int]) -> list[int]:
    """Closure variables need only bound the landings from above: set them to the
    landings, so that the next stage's "closure <= value" holds for this solution."""
    data, am = ctx.data, ctx.am
    vals = {var: sol[var.Index()] for var in values}
    landed = landings(data, missions_from_values(data, am, vals))
    v = am.v
    for u in data.units:
        if u.idx in landed and sol[v.full[u.idx].Index()]:
            clo = max(landed[u.idx], u.min_arrival or 0)
            sol[v.closure[u.idx].Index()] = clo
            sol[v.late[u.idx].Index()] = max(0, clo - u.rdd)
    sol[v.force_closure.Index()] = max([0, *landed.values(), *(
        sol[v.closure[u.idx].Index()] for u in data.units if sol[v.full[u.idx].Index()] and u.idx in landed)])
    return sol
