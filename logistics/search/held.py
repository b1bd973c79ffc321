"""Re-plan some units' missions *and bases*, every other mission held where it is.

The slot model of a few units alone, the other missions constants that take aircraft,
parking and crew hours (:class:`~logistics.model.build.AirliftModel`'s ``held``) and
the beds the other units take: small against the whole force's model, so CP-SAT
settles it in seconds where the whole model does not move.
"""

from __future__ import annotations

from ..model.build import AirliftModel
from ..model.convert import hint_from_dispatch, missions_from_values
from ..model.data import ModelData
from ..model.dispatch import Dispatch
from ..model.subset import beds_taken, group_flying, into_subset, out_of_subset, subset
from .context import SearchContext

__all__ = ["held_out"]


def held_out(ctx: SearchContext, values: dict, target: int, crit: set[int], cap: float,
             part: dict) -> list[int] | None:
    """Re-plan the units ``crit`` (missions and bases) for fewer flying hours, every
    other mission held where it is; a full solution of the context's model or None.

    The earlier goals hold (the other units' part of them fixed) and everything lands
    by ``target``. It finds what a group's own repairs cannot: on Baghdad, 2-504 saves
    an hour of flying at Ali Al Salem only if 3-504 leaves it its beds by going to
    Kuwait International. ``part`` receives the status, what was found and how the
    result merged back.
    """
    data, am = ctx.data, ctx.am
    missions = missions_from_values(data, am, values)
    mine = [ms for ms in missions if set(ms.loads) & crit]
    others = [ms for ms in missions if not set(ms.loads) & crit]
    sdata = subset(data, crit, beds_taken(data, am, values, crit))
    held = [(data.groups[ms.group], data.groups[ms.group].options[ms.option], ms.start) for ms in others]
    sub = AirliftModel(sdata, crew_types=am.crew_types, held=held)
    m = sub.m
    for goal, val in ctx.fixed.items():
        if goal != "closure" and goal in sub.goal_exprs:
            m.Add(sub.goal_exprs[goal] <= val - _unit_parts(am, goal, values, crit))
    m.Add(sub.v.force_closure <= target)
    m.Add(sub.goal_exprs["flying_hours"] <= group_flying(data, missions, crit) - 1)
    m.Minimize(sub.goal_exprs["flying_hours"])
    hint = into_subset(data, sdata, mine)
    if hint:
        for var, val in hint_from_dispatch(sdata, sub, hint).items():
            m.AddHint(var, val)
    status, s = ctx.run(m, cap)
    part["status"] = status
    if s is None:
        return None
    part["found"] = int(s.ObjectiveValue())
    return _merge(ctx, sdata, sub, s, others, cap, part)


def _unit_parts(am: AirliftModel, goal: str, values: dict, units: set[int]) -> int:
    """The part of an earlier goal's value (undelivered, lateness) that falls on units
    other than ``units``."""
    v = am.v
    owner = {x.Index(): ui for (ui, _), x in v.short.items()}
    owner.update({x.Index(): ui for ui, x in v.late.items()})
    return int(sum(c * values.get(x, 0) for c, x in am.goal_terms[goal] if owner.get(x.Index()) not in units))


def _merge(ctx: SearchContext, sdata: ModelData, sub: AirliftModel, s, others: list[Dispatch], cap: float,
           part: dict) -> list[int] | None:
    """Back to the whole force: its missions, then every variable of the context's
    model (a completion by CP-SAT with the missions fixed)."""
    data, am = ctx.data, ctx.am
    found = {x: s.Value(x) for row in sub.v.slots for sl in row
             for x in (sl.present, sl.start, *sl.y, *sl.load.values())}
    dispatch = [Dispatch(ms.group, ms.option, ms.start, ms.loads) for ms in others]
    dispatch += out_of_subset(data, sdata, missions_from_values(sdata, sub, found))
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
    status, s2 = ctx.run(probe, max(1.0, min(cap, ctx.budget.left())), workers=1)
    part["merge"] = status
    return list(s2.ResponseProto().solution) if s2 is not None else None
