"""Parts of a force: the model's data for some units only, and what the others take.

The improvement searches and the proofs re-plan or bound a few units at a time. They
build the model's data for those units alone (:func:`subset`), with the beds the
other units' bases take removed, and read a plan's missions per group of units.
"""

from __future__ import annotations

from ..units import CARGO, stons
from .build import AirliftModel
from .data import ModelData, build_data
from .dispatch import Dispatch

__all__ = ["beds_of", "beds_taken", "group_flying", "into_subset", "landings", "out_of_subset", "residual",
           "subset"]

#: scenario caches that depend only on the airfields, the fleet and the unit itself:
#: still right for a scenario with fewer units or fewer beds (the others, such as the
#: search-free bounds, are of the whole force and must not carry over)
SHARED_CACHES = ("distances", "routings", "planner-routing", "lb-arrivals")


def subset(data: ModelData, units: set[int], beds_taken: dict[str, int] | None = None,
           left: dict[int, tuple[dict[str, int], str | None]] | None = None) -> ModelData:
    """The model's data for some units only; bases keep ``beds_taken`` fewer beds.

    ``left``: for units that missions outside the subset partly carry, what is left of
    them (model units) and the base those missions took (:func:`residual`): the
    subset's unit moves only that, and only there.
    """
    s = data.scenario
    upd: dict = {"units": [_rest_of(data.units[ui].unit, *left[ui]) if left and ui in left
                           else data.units[ui].unit for ui in sorted(units)]}
    if beds_taken:
        upd["destinations"] = [
            d.model_copy(update={"capacity_pax": max(0, d.capacity_pax - beds_taken.get(d.airfield, 0))})
            if d.capacity_pax is not None else d
            for d in s.destinations
        ]
    sub = s.model_copy(update=upd)
    # model_copy shares the private cache dict: give the copy its own
    sub._cache = {k: v for k, v in s._cache.items() if (k if isinstance(k, str) else k[0]) in SHARED_CACHES}
    return build_data(sub)


def residual(data: ModelData, carriers: list[Dispatch], units: set[int]
             ) -> dict[int, tuple[dict[str, int], str | None]]:
    """For each of ``units`` that ``carriers`` carry some of: what is left to move
    (model units: pax, weight ticks; zeros left out) and the base the carriers took."""
    got: dict[int, dict[str, int]] = {}
    dest: dict[int, str] = {}
    for ms in carriers:
        for ui, q in ms.loads.items():
            if ui in units and any(x > 0 for x in q.values()):
                acc = got.setdefault(ui, {})
                for c, x in q.items():
                    acc[c] = acc.get(c, 0) + x
                dest.setdefault(ui, data.groups[ms.group].options[ms.option].destination)
    return {ui: ({c: v - acc.get(c, 0) for c, v in data.units[ui].demand.items() if v - acc.get(c, 0) > 0},
                 dest.get(ui)) for ui, acc in got.items()}


def _rest_of(unit, left: dict[str, int], base: str | None):
    """The part of a unit still to move, to its base (a unit model copy)."""
    upd: dict = {c: (left.get(c, 0) if c == "pax" else stons(left.get(c, 0))) for c in ("pax", *CARGO)}
    if base is not None:
        upd["destinations"] = (base,)
    return unit.model_copy(update=upd)


def beds_taken(data: ModelData, am: AirliftModel, values: dict, units: set[int]) -> dict[str, int]:
    """Beds per base that the plan's units outside ``units`` take."""
    beds: dict[str, int] = {}
    for (ui, d), z in am.v.dest.items():
        if ui not in units and values.get(z, 0):
            beds[d] = beds.get(d, 0) + data.units[ui].unit.pax
    return beds


def beds_of(data: ModelData, combo: tuple) -> dict[str, int]:
    """Beds per base that a combination of bases ((unit, base or None), ...) takes."""
    beds: dict[str, int] = {}
    for ui, d in combo:
        if d is not None:
            beds[d] = beds.get(d, 0) + data.units[ui].unit.pax
    return beds


def landings(data: ModelData, missions: list[Dispatch]) -> dict[int, int]:
    """Each unit's last landing (the model's own closure variables may be loose)."""
    out: dict[int, int] = {}
    for ms in missions:
        arrive = ms.start + data.groups[ms.group].options[ms.option].arrive
        for ui in ms.loads:
            out[ui] = max(out.get(ui, 0), arrive)
    return out


def group_flying(data: ModelData, missions: list[Dispatch], units: set[int]) -> int:
    """Flying minutes of the missions that carry any of ``units``."""
    return sum(data.groups[ms.group].options[ms.option].flight_minutes for ms in missions if set(ms.loads) & units)


def into_subset(data: ModelData, sdata: ModelData, missions: list[Dispatch]) -> list[Dispatch] | None:
    """Missions of the whole force's units in a subset's terms (groups, routings and
    units by name: the subset's indices differ); None if one has no counterpart."""
    gi_of = {g.name: gi for gi, g in enumerate(sdata.groups)}
    ui_of = {u.unit.id: u.idx for u in sdata.units}
    out = []
    for ms in missions:
        g = data.groups[ms.group]
        sg = gi_of.get(g.name)
        if sg is None:
            return None
        labels = [r.label for r in sdata.groups[sg].options]
        label = g.options[ms.option].label
        if label not in labels:
            return None
        out.append(Dispatch(sg, labels.index(label), ms.start,
                            {ui_of[data.units[ui].unit.id]: dict(q) for ui, q in ms.loads.items()}))
    return out


def out_of_subset(data: ModelData, sdata: ModelData, missions: list[Dispatch]) -> list[Dispatch]:
    """A subset's missions back in the whole force's terms."""
    force_g = {g.name: gi for gi, g in enumerate(data.groups)}
    force_u = {u.unit.id: u.idx for u in data.units}
    out = []
    for ms in missions:
        sg = sdata.groups[ms.group]
        fg = force_g[sg.name]
        oi = [r.label for r in data.groups[fg].options].index(sg.options[ms.option].label)
        out.append(Dispatch(fg, oi, ms.start, {force_u[sdata.units[ui].unit.id]: q for ui, q in ms.loads.items()}))
    return out
