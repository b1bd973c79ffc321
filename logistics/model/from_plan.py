"""A plan's missions in the model's terms (:class:`~logistics.model.dispatch.Dispatch`).

A plan made earlier (the plan being flown of a re-plan, the plan a what-if starts from)
becomes missions of the model's groups and routings, so that the dispatcher, the
checks of :func:`~logistics.model.dispatch.keep_feasible` and the improvement search
can start from it. A mission the model cannot hold in its own groups but that must stay
(a started one) gets a :class:`HeldGroup`.
"""

from __future__ import annotations

from ..network import routings
from ..plan import Mission
from ..units import CARGO, ground_minutes, ticks_up
from .data import Group, ModelData, minute_pieces, pool_key
from .dispatch import Dispatch

__all__ = ["HeldGroup", "lookups", "mission_dispatch", "to_dispatch"]

#: minutes a mission's leg times may differ from its routing's and still be that routing
_SLACK_MIN = 1


def to_dispatch(data: ModelData, missions: list[Mission], *, fixed: bool = False
                ) -> tuple[list[Dispatch], list[Mission]]:
    """Missions in model terms, and those that have none: an unknown (origin, type) or
    routing, units the scenario lacks, or (unless ``fixed``) leg times off the
    routing's by more than a minute. A fixed mission keeps its routing's shape from
    its first departure."""
    look = lookups(data)
    out, lost = [], []
    for m in missions:
        dp = mission_dispatch(data, m, fixed=fixed, _look=look)
        if dp is None:
            lost.append(m)
        else:
            out.append(dp)
    return out, lost


def lookups(data: ModelData) -> tuple[dict, dict]:
    """The model's own groups by (origin, pool) and units by id (for many missions)."""
    groups = {(g.origin, g.pool): gi for gi, g in enumerate(data.groups) if not isinstance(g, HeldGroup)}
    return groups, {u.unit.id: u.idx for u in data.units}


class HeldGroup(Group):
    """Missions of an (origin, type) that the re-plan holds but plans nothing more on
    (no unit left there can use it in time, or the routing serves no base a unit left
    may take): their aircraft, ramps and crew hours are booked all the same."""

    @property
    def name(self) -> str:
        return f"{self.origin}/{self.pool}/held"


def _held_option(data: ModelData, m: Mission) -> tuple[int, int] | None:
    """The held group and routing of a started mission the model's groups lack."""
    s = data.scenario
    if (m.aircraft, m.home) not in s.pools:
        return None
    r = next((r for r in routings(s, m.origin, m.destination, m.aircraft, home=m.home)
              if r.full_label == m.routing), None)
    if r is None:
        return None
    pool = pool_key(m.aircraft, m.home)
    gi = next((i for i, g in enumerate(data.groups)
               if isinstance(g, HeldGroup) and (g.origin, g.pool) == (m.origin, pool)), None)
    if gi is None:
        ac = s.aircraft_type(m.aircraft)
        data.groups.append(HeldGroup(origin=m.origin, aircraft=m.aircraft, ac=ac, options=[], units=[], k=0,
                                     est=0, lst=-1, onload=ground_minutes(ac.onload_hours), seats=0, acl=0,
                                     pax_w=0, commodities=(), home=m.home, lead=r.lead))
        gi = len(data.groups) - 1
    g = data.groups[gi]
    oi = next((i for i, x in enumerate(g.options) if x.full_label == r.full_label), None)
    if oi is None:
        g.options.append(r)
        oi = len(g.options) - 1
        end = data.horizon + max(x.cycle for grp in data.groups for x in grp.options) + 1
        for a in {m.origin, *(gr.airfield for gr in r.ground)} - set(data.mog):
            data.mog[a] = s.mog_peak(a)
            if s.mog_changes(a):
                data.mog_steps[a] = minute_pieces(s.mog_pieces(a), end)
    return gi, oi


def mission_dispatch(data: ModelData, m: Mission, *, fixed: bool = False, _look: tuple | None = None
                     ) -> Dispatch | None:
    """One mission in model terms, or None (see :func:`to_dispatch`)."""
    if not m.legs:
        return None
    groups, units = _look or lookups(data)
    gi = groups.get((m.origin, pool_key(m.aircraft, m.home)))
    oi = None
    if gi is not None:
        oi = next((i for i, r in enumerate(data.groups[gi].options) if r.full_label == m.routing), None)
    if oi is None:
        at = _held_option(data, m) if fixed else None
        if at is None:
            return None
        gi, oi = at
    r = data.groups[gi].options[oi]
    start = round(m.legs[0].depart_hour * 60) - r.legs[0].depart
    if not fixed and any(abs(start + a.depart - b.depart_hour * 60) > _SLACK_MIN
                         or abs(start + a.arrive - b.arrive_hour * 60) > _SLACK_MIN
                         for a, b in zip(r.legs, m.legs, strict=True)):
        return None
    loads: dict[int, dict[str, int]] = {}
    for ld in m.loads:
        if ld.empty:
            continue
        ui = units.get(ld.unit)
        if ui is None:
            return None
        q = loads.setdefault(ui, {})
        if ld.pax:
            q["pax"] = q.get("pax", 0) + ld.pax
        for c in CARGO:
            x = ticks_up(getattr(ld, c))
            if x:
                q[c] = q.get(c, 0) + x
    return Dispatch(gi, oi, start, loads, fixed=fixed)
