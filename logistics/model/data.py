"""Everything the CP-SAT model needs, computed before the model is built.

The model never preprocesses: distances, routings, payload limits, integer
scalings, slot counts and time windows are all fixed here.

Missions are grouped by (origin, fleet pool). A pool is an aircraft type, or a type
and its home base (SPEC 5.1: the pool's key is then ``TYPE@HOME``). Each group has
``K`` identical *slots*; a present slot is one mission that picks one *option*
(destination and routing) and one start minute. A mission starts when it leaves its
home (its onload at the origin starts ``lead`` minutes later; 0 without a home) and
holds its aircraft until it is back there. Loads go from units of that origin to slots.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..catalog import AircraftType
from ..network import Routing, can_carry, routings
from ..scenario import Scenario, Unit
from ..units import (
    CARGO,
    CLASS_OF,
    COMMODITIES,
    ground_minutes,
    minutes_down,
    minutes_up,
    ticks_down,
    ticks_up,
)


@dataclass
class UnitData:
    """A unit's demands (pax and weight ticks) and window in minutes."""

    idx: int
    unit: Unit
    demand: dict[str, int]  # pax count, cargo in ticks
    ready: int
    ead: int
    lad: int
    rdd: int
    weight: int
    dests: tuple[str, ...]
    min_arrival: int | None = None  # earliest landing of any load (minutes)


def pool_key(type_code: str, home: str | None) -> str:
    """The key of a fleet pool: the type, or ``TYPE@HOME`` for a pool with a home."""
    return type_code if home is None else f"{type_code}@{home}"


def pool_type(key: str) -> str:
    """The aircraft type of a pool key."""
    return key.split("@", 1)[0]


@dataclass
class Group:
    """Slots of one (origin, pool): identical missions that pick an option."""

    origin: str
    aircraft: str
    ac: AircraftType
    options: list[Routing]
    units: list[int]  # indices into ModelData.units
    k: int
    est: int  # earliest start minute
    lst: int  # latest start minute
    onload: int
    seats: int
    acl: int  # ticks
    pax_w: int  # ticks per soldier
    commodities: tuple[str, ...]  # what this type carries
    home: str | None = None  # SPEC 5.1: the pool's home base
    #: minutes from leaving home to the onload at the origin (every option alike)
    lead: int = 0

    @property
    def pool(self) -> str:
        """The fleet pool's key in :attr:`ModelData.fleet`."""
        return pool_key(self.aircraft, self.home)

    @property
    def name(self) -> str:
        return f"{self.origin}/{self.pool}"


@dataclass
class ModelData:
    """Preprocessed, integer-scaled inputs of the CP-SAT model."""

    scenario: Scenario
    horizon: int
    units: list[UnitData]
    groups: list[Group]
    fleet: dict[str, list[tuple[int, int]]]  # pool -> count changes [(minute, +n or -n)]
    mog: dict[str, int]  # the most at any time (slot counts and bounds)
    capacity: dict[str, int]  # beddown, only bases with a limit
    goals: tuple[str, ...]
    notes: list[str] = field(default_factory=list)
    #: airfields whose MOG changes over time (SPEC 5.2): ``(start, end, mog)`` minute
    #: pieces covering ``[0, end of the last mission)``, a minute touched by two pieces
    #: taking the lower MOG
    mog_steps: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)
    #: per aircraft type, its pools' count changes together (the crew-hours rule)
    crew: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    @property
    def n_slots(self) -> int:
        return sum(g.k for g in self.groups)


def _missions_needed(u: UnitData, g_seats: int, g_acl: int, g_pax_w: int, best_pay: int,
                     commodities: tuple[str, ...]) -> int:
    pax = u.demand["pax"] if "pax" in commodities else 0
    cargo = sum(u.demand[c] for c in CARGO if c in commodities)
    need = 0.0
    if g_seats and g_acl:
        need = pax / g_seats + cargo / g_acl
    elif g_seats:
        need = pax / g_seats
    elif g_acl:
        need = cargo / g_acl
    wt = pax * g_pax_w + cargo
    if best_pay > 0:
        need = max(need, wt / best_pay)
    return math.ceil(need - 1e-9)


def build_data(s: Scenario, *, slack: float = 0.25, max_slots_per_group: int | None = None) -> ModelData:
    """Preprocess a scenario for the model.

    Parameters
    ----------
    slack
        Extra slots per group beyond the missions the group would need to move all its
        units alone at full loads, as a fraction (plus one per unit). The count is also
        capped by what the group's fleet and origin MOG could fly in the horizon.
    """
    H = minutes_down(s.horizon_hours)
    pw = ticks_up(s.pax_weight_stons)
    units = _unit_data(s, H)

    fleet: dict[str, list[tuple[int, int]]] = {}
    homes: dict[str, tuple[str, str | None]] = {}
    crew: dict[str, list[tuple[int, int]]] = {}
    for t, home in s.pools:
        steps = _minute_steps(s.fleet_steps(t, home))
        if any(c > 0 for _, c in steps):
            fleet[pool_key(t, home)] = steps
            homes[pool_key(t, home)] = (t, home)
            crew[t] = _minute_steps(s.fleet_steps(t))

    groups: list[Group] = []
    origins = list(dict.fromkeys(u.origin for u in s.units))
    for o in origins:
        for key, steps in fleet.items():
            t, home = homes[key]
            g = _group(s, o, t, home, [x for x in steps if x[1] > 0], units, H, pw, slack, max_slots_per_group)
            if g is not None:
                groups.append(g)

    for g in groups:
        for ui in g.units:
            u = units[ui]
            arr = max(g.est, u.ready - g.lead) + min(r.arrive for r in g.options if r.destination in u.dests)
            u.min_arrival = arr if u.min_arrival is None else min(u.min_arrival, arr)
    used = set()
    for g in groups:
        used.add(g.origin)
        for r in g.options:
            used.update(gr.airfield for gr in r.ground)
    mog = {a: s.mog_peak(a) for a in used}
    end = H + max((r.cycle for g in groups for r in g.options), default=0) + 1
    mog_steps = {a: minute_pieces(s.mog_pieces(a), end) for a in used if s.mog_changes(a)}
    capacity = {}
    for d in s.destinations:
        if d.capacity_pax is not None:
            capacity[d.airfield] = d.capacity_pax
    return ModelData(
        scenario=s, horizon=H, units=units, groups=groups, fleet=fleet, mog=mog,
        capacity=capacity, goals=tuple(s.objective), mog_steps=mog_steps, crew=crew,
    )


def _minute_steps(hour_steps: list[tuple[float, int]]) -> list[tuple[int, int]]:
    """Count changes in whole minutes, conservatively: aircraft arrive on the minute
    after, leave on the one before."""
    return sorted((minutes_up(h), c) if c > 0 else (minutes_down(h), c) for h, c in hour_steps if c)


def fleet_total(steps: list[tuple[int, int]]) -> int:
    """Every aircraft a pool ever has (its entries' counts added): the capacity of a
    cumulative whose fixed blockers take away the ones not there yet or gone."""
    return sum(c for _, c in steps if c > 0)


def count_at(steps: list[tuple[int, int]], minute: int) -> int:
    """A pool's aircraft at ``minute``."""
    return sum(c for a, c in steps if a <= minute)


def day_counts(steps: list[tuple[int, int]], n_days: int) -> list[int]:
    """Per day, the aircraft available at some instant of it (the crew-hours rule)."""
    return [max([count_at(steps, 1440 * k)] + [count_at(steps, a) for a, _ in steps if 1440 * k < a < 1440 * k + 1440])
            for k in range(n_days)]


def minute_pieces(pieces: list[tuple[float, float, int]], end: int) -> list[tuple[int, int, int]]:
    """Hour pieces ``(from, to, mog)`` as whole-minute pieces up to ``end``; a minute two
    pieces share takes the lower MOG (conservative both ways)."""
    cuts = {0, end}
    for a, b, _ in pieces:
        for x in (a * 60, b * 60):
            if x < end:
                cuts.update((max(0, math.floor(x + 1e-9)), min(end, math.ceil(x - 1e-9))))
    cuts_l = sorted(cuts)
    out: list[tuple[int, int, int]] = []
    for x, y in zip(cuts_l, cuts_l[1:], strict=False):
        m = min(mg for a, b, mg in pieces if a * 60 < y - 1e-9 and b * 60 > x + 1e-9)
        if out and out[-1][2] == m and out[-1][1] == x:
            out[-1] = (out[-1][0], y, m)
        else:
            out.append((x, y, m))
    return out


def _unit_data(s: Scenario, H: int) -> list[UnitData]:
    """Each unit's demands in model units and its window in minutes (capped at ``H``)."""
    units: list[UnitData] = []
    for i, u in enumerate(s.units):
        dem = {"pax": u.pax}
        dem.update({c: ticks_up(u.amount(c)) for c in CARGO})
        units.append(UnitData(
            idx=i, unit=u, demand=dem, ready=minutes_up(u.ready_hour),
            ead=minutes_up(u.earliest_arrival_hour), lad=min(H, minutes_down(s.lad(u))),
            rdd=round(s.rdd(u) * 60), weight=u.weight, dests=u.destinations,
        ))
    return units


def _group(s: Scenario, o: str, t: str, home: str | None, steps: list[tuple[int, int]],
           units: list[UnitData], H: int, pw: int, slack: float, max_slots: int | None) -> Group | None:
    """The slots of (origin ``o``, pool of type ``t`` at ``home``), or ``None`` when the
    pool has no routing to a unit's base, no unit it can serve in time, or no slot."""
    ac = s.aircraft_type(t)
    comm = tuple(c for c in COMMODITIES if ac.carries(CLASS_OF[c]))
    cand = [ud for ud in units if ud.unit.origin == o and can_carry(ac, ud.unit)]
    dests = list(dict.fromkeys(d for ud in cand for d in ud.dests))
    options = [r for d in dests for r in routings(s, o, d, t, home=home)]
    if not options:
        return None
    served = [ud for ud in cand if any(r.destination in ud.dests for r in options)]
    if not served:
        return None
    lead = options[0].lead
    avail0 = min(a for a, _ in steps)
    est = max(avail0, min(ud.ready for ud in served) - lead)
    lst = max(
        min(ud.lad, H) - min(r.arrive for r in options if r.destination in ud.dests)
        for ud in served if any(r.destination in ud.dests for r in options)
    )
    if lst < est:
        return None
    seats = ac.seats if "pax" in comm else 0
    acl = ticks_down(ac.acl_stons) if any(c in comm for c in CARGO) else 0
    best_pay = max(ticks_down(r.payload_stons) for r in options)
    need = sum(_missions_needed(ud, seats, acl, pw, best_pay, comm) for ud in served)
    k_demand = math.ceil(need * (1 + slack)) + len(served)
    min_cycle = min(r.cycle for r in options)
    k_fleet = sum(c * ((lst - max(a, est)) // max(1, min_cycle) + 1) for a, c in steps if a <= lst)
    onload = ground_minutes(ac.onload_hours)
    mog_o = s.mog_peak(o)
    k_mog = mog_o * ((lst - est) // onload + 1) if onload > 0 else k_demand
    k = max(0, min(k_demand, k_fleet, k_mog))
    if max_slots is not None:
        k = min(k, max_slots)
    if k == 0:
        return None
    return Group(
        origin=o, aircraft=t, ac=ac, options=options, units=[ud.idx for ud in served],
        k=k, est=est, lst=lst, onload=onload, seats=seats, acl=acl, pax_w=pw,
        commodities=comm, home=home, lead=lead,
    )
