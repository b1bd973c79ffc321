"""A re-plan's missions back as a :class:`~logistics.plan.Plan` whose missions keep
their ids where they can (the plan being flown in model terms is
:mod:`logistics.model.from_plan`).

The started missions and every mission left as it was go into the new plan as the very
objects of the plan being flown, so that they are kept byte for byte; only changed and
new missions are built from model terms.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..model.data import ModelData
from ..model.dispatch import Dispatch
from ..model.from_plan import lookups, mission_dispatch
from ..plan import Leg, Load, Mission, Plan
from ..scenario import Scenario
from ..units import CARGO, TONS_SCALE

__all__ = ["assemble"]


def assemble(scenario: Scenario, data: ModelData, previous: Plan, done: list[Mission], rest: list[Mission],
             cur: list[Dispatch]) -> tuple[Plan, dict[str, list[str]]]:
    """The re-plan's :class:`Plan` (for the real ``scenario``) and its mission lists:
    ``started``, ``kept`` (started or unchanged), ``changed``, ``cancelled``, ``added``."""
    same = {}  # a not-started mission of the plan being flown, by its model terms
    look = lookups(data)
    for m in rest:
        dp = mission_dispatch(data, m, _look=look)
        if dp is not None:
            same.setdefault(_key(dp), []).append(m)
    missions: list[Mission] = list(done)
    kept_ids = [m.id for m in done]
    built: list[tuple[Dispatch, Mission]] = []
    for dp in cur:
        if dp.fixed:
            continue
        match = same.get(_key(dp))
        if match:
            m = match.pop(0)
            missions.append(m)
            kept_ids.append(m.id)
        else:
            built.append((dp, _mission(data, dp)))
    built_ms = [m for m in _trim(scenario, missions, [m for _, m in built]) if m.loads]
    # ids: a built mission takes the id of a cancelled one of its type and origin
    # (the same base and the nearest start first): it is that mission, changed
    left = [m for m in rest if m.id not in set(kept_ids)]
    changed, added = [], []
    taken: set[str] = set()
    numbers = [int(x) for m in previous.missions for x in re.findall(r"\d+", m.id)[-1:]]
    nxt = max(numbers, default=0) + 1
    used = {m.id for m in previous.missions}
    final = []
    for m in sorted(built_ms, key=lambda x: x.legs[0].depart_hour):
        pool = [p for p in left if p.id not in taken and p.aircraft == m.aircraft and p.origin == m.origin]
        if pool:
            p = min(pool, key=lambda p: (p.destination != m.destination,
                                         abs(p.legs[0].depart_hour - m.legs[0].depart_hour)))
            taken.add(p.id)
            changed.append(p.id)
            final.append(_with_id(m, p.id))
        else:
            while f"M{nxt:04d}" in used:
                nxt += 1
            mid = f"M{nxt:04d}"
            used.add(mid)
            added.append(mid)
            final.append(_with_id(m, mid))
    missions += final
    missions.sort(key=lambda m: (m.legs[0].depart_hour, m.id))
    cancelled = [m.id for m in left if m.id not in taken]
    dests = {ld.unit: m.destination for m in missions for ld in m.loads if not ld.empty}
    plan = Plan.from_missions(scenario, missions, status="feasible", destinations=dests)
    return plan, {"started": [m.id for m in done], "kept": sorted(kept_ids), "changed": sorted(changed),
                  "cancelled": sorted(cancelled), "added": sorted(added)}


def _key(dp: Dispatch) -> tuple:
    return (dp.group, dp.option, dp.start,
            tuple(sorted((ui, tuple(sorted((c, x) for c, x in q.items() if x))) for ui, q in dp.loads.items())))


def _mission(data: ModelData, dp: Dispatch) -> Mission:
    g = data.groups[dp.group]
    r = g.options[dp.option]
    legs = tuple(Leg(lg.frm, lg.to, (dp.start + lg.depart) / 60.0, (dp.start + lg.arrive) / 60.0) for lg in r.legs)
    loads = tuple(Load(unit=data.units[ui].unit.id, pax=int(q.get("pax", 0)),
                       **{c: q.get(c, 0) / TONS_SCALE for c in CARGO})
                  for ui, q in sorted(dp.loads.items(), key=lambda t: data.units[t[0]].unit.id) if any(q.values()))
    return Mission(id="", aircraft=g.aircraft, origin=g.origin, destination=r.destination, legs=legs, loads=loads,
                   home=g.home)


def _trim(scenario: Scenario, fixed: list[Mission], built: list[Mission]) -> list[Mission]:
    """Demands were rounded up to weight ticks: cut what the built missions carry over a
    unit's requirement from their last loads (the kept ones are as flown)."""
    carried: dict[tuple[str, str], float] = {}
    for m in [*fixed, *built]:
        for ld in m.loads:
            for c in CARGO:
                carried[(ld.unit, c)] = carried.get((ld.unit, c), 0.0) + getattr(ld, c)
    need = {(u.id, c): u.amount(c) for u in scenario.units for c in CARGO}
    excess = {k: v - need.get(k, 0.0) for k, v in carried.items() if v - need.get(k, 0.0) > 1e-12}
    if not excess:
        return built
    out = list(built)
    for i in range(len(out) - 1, -1, -1):
        m = out[i]
        loads = []
        for ld in m.loads:
            upd = {}
            for c in CARGO:
                x = excess.get((ld.unit, c), 0.0)
                if x > 1e-12 and getattr(ld, c) > 0:
                    cut = min(x, getattr(ld, c))
                    upd[c] = getattr(ld, c) - cut
                    excess[(ld.unit, c)] = x - cut
            loads.append(Load(**{**ld.__dict__, **upd}) if upd else ld)
        out[i] = replace(m, loads=tuple(ld for ld in loads if not ld.empty))
    return out


def _with_id(m: Mission, mid: str) -> Mission:
    return replace(m, id=mid)
