"""Conversions between the model's terms and plans.

A mission is a :class:`~logistics.model.dispatch.Dispatch` in model terms (group,
routing option, start minute, loads in ticks). These functions turn missions into a
:class:`~logistics.plan.Plan` (hours, short tons, ids), a solution of the slot model
(:class:`~logistics.model.build.AirliftModel`) into missions, and missions into a
complete hint of that model. The solve, the improvement searches and the peers share
them, so none of them imports another's module for a conversion.
"""

from __future__ import annotations

from typing import Any

from ..plan import Leg, Load, Mission, Plan, SolveInfo
from ..units import CARGO, TONS_SCALE
from .build import AirliftModel
from .data import ModelData
from .dispatch import Dispatch

__all__ = ["hint_from_dispatch", "missions_from_values", "plan_from_dispatch", "plan_from_values", "read_vars"]


def missions_from_values(data: ModelData, am: AirliftModel, values: dict) -> list[Dispatch]:
    """The missions of a solution of ``am`` (a value per variable of :func:`read_vars`;
    variables missing count as 0)."""
    out = []
    for gi in range(len(data.groups)):
        for slot in am.v.slots[gi]:
            if not values.get(slot.present, 0):
                continue
            oi = next(i for i, yy in enumerate(slot.y) if values.get(yy, 0))
            loads: dict[int, dict[str, int]] = {}
            for (ui, com), x in slot.load.items():
                q = values.get(x, 0)
                if q > 0:
                    loads.setdefault(ui, {})[com] = q
            out.append(Dispatch(gi, oi, values[slot.start], loads))
    return out


def plan_from_values(data: ModelData, am: AirliftModel, values: dict, status: str, info: SolveInfo) -> Plan:
    """A :class:`Plan` from a solution of ``am`` (a dict of variable values)."""
    dests = {}
    for u in data.units:
        chosen = [d for d in u.dests if values.get(am.v.dest[(u.idx, d)], 0)]
        dests[u.unit.id] = chosen[0] if chosen else None
    return plan_from_dispatch(data, missions_from_values(data, am, values), status=status, info=info,
                              destinations=dests)


def plan_from_dispatch(data: ModelData, dispatch: list[Dispatch], *, status: str, info: SolveInfo,
                       destinations: dict[str, str | None] | None = None) -> Plan:
    """Turn missions in model terms into a :class:`Plan` (hours, short tons, ids)."""
    s = data.scenario
    raw: list[tuple[int, Any, Any, dict]] = []  # (start, group, routing, {unit: {com: amount}})
    for dp in dispatch:
        g = data.groups[dp.group]
        loads = {ui: {c: (q if c == "pax" else q / TONS_SCALE) for c, q in dct.items() if q > 0}
                 for ui, dct in dp.loads.items()}
        raw.append((dp.start, g, g.options[dp.option], {ui: d for ui, d in loads.items() if d}))
    raw.sort(key=lambda t: (t[0], t[1].aircraft, t[2].label))
    # rounding policy: demands were rounded up to ticks; trim any excess from the last loads
    total: dict[tuple[int, str], float] = {}
    for _, _, _, loads in raw:
        for ui, dct in loads.items():
            for com, q in dct.items():
                total[(ui, com)] = total.get((ui, com), 0.0) + q
    for (ui, com), tot in total.items():
        req = data.units[ui].unit.amount(com)
        excess = tot - req
        if com == "pax" or excess <= 1e-12:
            continue
        for _, _, _, loads in reversed(raw):
            if excess <= 1e-12:
                break
            if com in loads.get(ui, {}):
                cut = min(excess, loads[ui][com])
                loads[ui][com] -= cut
                excess -= cut
    missions = []
    for n, (start, g, r, loads) in enumerate(raw, 1):
        legs = tuple(Leg(lg.frm, lg.to, (start + lg.depart) / 60.0, (start + lg.arrive) / 60.0) for lg in r.legs)
        lds = []
        for ui in sorted(loads, key=lambda i: data.units[i].unit.id):
            dct = loads[ui]
            lds.append(Load(
                unit=data.units[ui].unit.id,
                pax=int(dct.get("pax", 0)),
                **{c: float(dct.get(c, 0.0)) for c in CARGO},
            ))
        missions.append(Mission(id=f"M{n:04d}", aircraft=g.aircraft, origin=g.origin,
                                destination=r.destination, legs=legs, loads=tuple(lds), home=g.home))
    if destinations is None:
        destinations = {}
        for m in missions:
            for ld in m.loads:
                destinations[ld.unit] = m.destination
    return Plan.from_missions(s, missions, status=status, solve=info, destinations=destinations)


def hint_from_dispatch(data: ModelData, am: AirliftModel, dispatch: list[Dispatch]) -> dict:
    """A complete assignment of the model's variables from a dispatched schedule."""
    v = am.v
    val: dict = {}
    per_group: dict[int, list[Dispatch]] = {}
    for dp in dispatch:
        per_group.setdefault(dp.group, []).append(dp)
    delivered: dict[tuple[int, str], int] = {}
    arr_u: dict[int, int] = {}
    dest_u: dict[int, str] = {}
    force = 0
    for gi, g in enumerate(data.groups):
        dps = sorted(per_group.get(gi, []), key=lambda d: d.start)
        for k, slot in enumerate(v.slots[gi]):
            dp = dps[k] if k < len(dps) else None
            val[slot.present] = int(dp is not None)
            val[slot.start] = dp.start if dp else g.est
            for oi, yy in enumerate(slot.y):
                val[yy] = int(dp is not None and dp.option == oi)
            val[slot.arrive] = dp.arrive(data) if dp else g.est + g.options[0].arrive
            for ui, c in slot.carries.items():
                val[c] = int(dp is not None and ui in dp.loads and any(q > 0 for q in dp.loads[ui].values()))
            for (ui, com), x in slot.load.items():
                q = dp.loads.get(ui, {}).get(com, 0) if dp else 0
                val[x] = q
                delivered[(ui, com)] = delivered.get((ui, com), 0) + q
            if dp is not None:
                a = dp.arrive(data)
                force = max(force, a)
                for ui in dp.loads:
                    arr_u[ui] = max(arr_u.get(ui, 0), a)
                    dest_u[ui] = g.options[dp.option].destination
    for (ui, d), x in v.dest.items():
        val[x] = int(dest_u.get(ui) == d)
    for (ui, com), x in v.short.items():
        val[x] = data.units[ui].demand[com] - delivered.get((ui, com), 0)
    for ui, x in v.full.items():
        val[x] = int(all(val[v.short[k]] == 0 for k in v.short if k[0] == ui))
    for ui, x in v.closure.items():
        val[x] = arr_u.get(ui, 0)
    for ui, x in v.late.items():
        u = data.units[ui]
        val[x] = max(0, arr_u.get(ui, 0) - u.rdd) if val[v.full[ui]] else 0
    if v.force_closure is not None:
        val[v.force_closure] = force
    return val



def read_vars(am: AirliftModel) -> list:
    """The variables a solution is read back from (and a hint gives): each slot's
    mission, the bases, shortfalls, closures, lateness and the force's closure."""
    v = am.v
    out: list = []
    for row in v.slots:
        for s in row:
            out += [s.present, s.start, *s.y, *s.carries.values(), *s.load.values()]
    out += list(v.dest.values()) + list(v.short.values()) + list(v.full.values())
    out += list(v.closure.values()) + list(v.late.values())
    if v.force_closure is not None:
        out.append(v.force_closure)
    return out
