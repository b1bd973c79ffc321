"""Feasible routings per (origin, destination, aircraft type).

A routing is the fixed shape of a mission: the outbound legs (direct, or via one
or two allowed en-route stops), the empty return (fastest feasible), the ground
time at each airfield, and the heaviest payload the outbound legs allow under the
range-payload curve. Times are integer minutes (the rounding policy below), so a
mission is fully described by its routing and its start minute.

Times are whole minutes and weights 0.01 st ticks, by the integer policy of
:mod:`logistics.units`.

The scenario's own validation asks :func:`reachable` whether each destination can be
reached, so this module needs :class:`~logistics.scenario.Scenario` for its type hints
only. :func:`scenario_warnings` names what is legal but probably not meant (a unit
due before it could possibly arrive).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import permutations
from typing import TYPE_CHECKING

from .catalog import AircraftType
from .errors import Problem
from .geo import distance_nm, payload_for_distance
from .units import CLASS_OF, COMMODITIES, TONS_SCALE, ground_minutes, hours, leg_minutes

if TYPE_CHECKING:  # the scenario's validation asks for routings: no import at run time
    from .scenario import Scenario, Unit


@dataclass(frozen=True)
class Leg:
    """One flight of a routing, with offsets in minutes from the mission start."""

    frm: str
    to: str
    dist_nm: float
    depart: int
    arrive: int
    loaded: bool

    @property
    def minutes(self) -> int:
        return self.arrive - self.depart


@dataclass(frozen=True)
class Ground:
    """A ground period of a routing, offsets in minutes from the mission start."""

    airfield: str
    start: int
    end: int
    kind: str  # onload | enroute | offload


@dataclass(frozen=True)
class Routing:
    """The fixed shape of a mission for (origin, destination, type)."""

    origin: str
    destination: str
    aircraft: str
    out_stops: tuple[str, ...]
    ret_stops: tuple[str, ...]
    payload_stons: float
    legs: tuple[Leg, ...]
    ground: tuple[Ground, ...]
    arrive: int  # landing at the destination, minutes after start
    cycle: int  # back at its home (the origin without one), minutes after start
    flight_minutes: int = field(default=0)
    #: SPEC 5.1: the pool's home; ``None`` (or the origin) means no positioning
    home: str | None = None
    #: en-route stops of the positioning flight, home to origin
    pos_stops: tuple[str, ...] = ()
    #: minutes from leaving home to landing at the origin (0 without positioning); the
    #: mission starts when it leaves home, so its onload starts ``lead`` after the start
    lead: int = 0

    @property
    def label(self) -> str:
        """``KPOB-ETAR-OKAS`` style name of the outbound routing (with its home first
        when it positions: ``KCHS-KPOB-ETAR-OKAS``)."""
        head = (self.home, *self.pos_stops) if self.lead else ()
        return "-".join((*head, self.origin, *self.out_stops, self.destination))

    @property
    def full_label(self) -> str:
        """Home (or origin) to home, e.g. ``KPOB-ETAR-OKAS-ETAR-KPOB``."""
        end = self.home if self.lead else self.origin
        return "-".join((self.label, *self.ret_stops, end))

    def day_minutes(self, start: int) -> dict[int, int]:
        """Minutes a mission of this routing started at ``start`` flies in each day
        (day ``k`` is minutes ``[1440 k, 1440 (k + 1))``; SPEC rule 9)."""
        per: dict[int, int] = {}
        for lg in self.legs:
            x0, x1 = start + lg.depart, start + lg.arrive
            for k in range(x0 // 1440, (x1 - 1) // 1440 + 1):
                per[k] = per.get(k, 0) + min(x1, 1440 * (k + 1)) - max(x0, 1440 * k)
        return per


def dist_nm(s: Scenario, a: str, b: str) -> float:
    """Geodesic distance between two airfields of a scenario, memoised per scenario."""
    table = s.cached("distances", dict)
    key = (a, b) if a <= b else (b, a)
    d = table.get(key)
    if d is None:
        d = table[key] = distance_nm(s.airfield(a), s.airfield(b))
    return d


def _runway_ok(s: Scenario, icao: str, ac: AircraftType) -> bool:
    rw = s.airfield(icao).runway_ft
    return rw is None or ac.min_runway_ft is None or rw >= ac.min_runway_ft


def _paths(s: Scenario, a: str, b: str, ac: AircraftType, max_stops: int) -> list[tuple[str, ...]]:
    stops = [e for e in s.enroute if e not in (a, b) and _runway_ok(s, e, ac)]
    out: list[tuple[str, ...]] = [()]
    for k in range(1, max_stops + 1):
        out.extend(permutations(stops, k))
    return out


def _path_payload(s: Scenario, nodes: tuple[str, ...], ac: AircraftType) -> float:
    pay = ac.max_payload_stons
    for x, y in zip(nodes, nodes[1:], strict=False):
        pay = min(pay, payload_for_distance(ac, dist_nm(s, x, y)))
    return pay


def _build(s: Scenario, o: str, d: str, t: str, out_stops: tuple[str, ...],
           ret_stops: tuple[str, ...], payload: float, home: str | None = None,
           pos_stops: tuple[str, ...] | None = None) -> Routing:
    """Legs and ground periods in time order: the positioning flight from ``home``
    (when ``pos_stops`` is given), the onload, out loaded, the offload, back empty to
    ``home`` (the origin without positioning)."""
    ac = s.aircraft_type(t)
    on = ground_minutes(ac.onload_hours)
    off = ground_minutes(ac.offload_hours)
    gr = ground_minutes(ac.enroute_ground_hours)
    legs: list[Leg] = []
    ground: list[Ground] = []
    now = 0
    positions = pos_stops is not None and home is not None
    end = home if positions else o
    flights = [((home, *pos_stops), "pos")] if positions else []  # type: ignore[misc]
    flights += [((o, *out_stops, d), "out"), ((d, *ret_stops, end), "back")]
    lead = arrive = 0
    for nodes, kind in flights:
        if kind == "pos":
            nodes = (*nodes, o)
        elif kind == "out":
            lead = now
            ground.append(Ground(o, now, now + on, "onload"))
            now += on
        for i, (x, y) in enumerate(zip(nodes, nodes[1:], strict=False)):
            dist = dist_nm(s, x, y)
            m = leg_minutes(dist, ac.cruise_kt)
            legs.append(Leg(x, y, dist, now, now + m, kind == "out"))
            now += m
            if y == d and kind == "out":
                arrive = now
                ground.append(Ground(d, now, now + off, "offload"))
                now += off
            elif i < len(nodes) - 2:
                ground.append(Ground(y, now, now + gr, "enroute"))
                now += gr
    return Routing(
        origin=o, destination=d, aircraft=t, out_stops=out_stops, ret_stops=ret_stops,
        payload_stons=max(0.0, min(payload, ac.max_payload_stons)),
        legs=tuple(legs), ground=tuple(ground), arrive=arrive, cycle=now,
        flight_minutes=sum(leg.minutes for leg in legs),
        home=home, pos_stops=tuple(pos_stops or ()) if positions else (), lead=lead,
    )


def _outbound_minutes(s: Scenario, nodes: tuple[str, ...], ac: AircraftType) -> int:
    fl = sum(
        leg_minutes(dist_nm(s, x, y), ac.cruise_kt)
        for x, y in zip(nodes, nodes[1:], strict=False)
    )
    return fl + ground_minutes(ac.enroute_ground_hours) * (len(nodes) - 2)


def _empty_path(s: Scenario, a: str, b: str, ac: AircraftType, max_stops: int) -> tuple[str, ...] | None:
    """The stops of the fastest feasible empty flight from ``a`` to ``b`` (ferry range),
    ``None`` when there is none."""
    best = None
    for path in _paths(s, a, b, ac, max_stops):
        nodes = (a, *path, b)
        if _path_payload(s, nodes, ac) >= 0:
            key = (_outbound_minutes(s, nodes, ac), path)
            best = key if best is None or key < best else best
    return None if best is None else best[1]


def _routings_uncached(s: Scenario, o: str, d: str, t: str, max_stops: int, limit: int,
                       home: str | None = None) -> tuple[Routing, ...]:
    ac = s.aircraft_type(t)
    if not (_runway_ok(s, o, ac) and _runway_ok(s, d, ac)):
        return ()
    positions = home is not None and home != o
    if positions and (d == home or not _runway_ok(s, home, ac)):
        return ()  # SPEC 5.1: a mission's destination is never its home
    pos: tuple[str, ...] | None = None
    if positions:
        pos = _empty_path(s, home, o, ac, max_stops)  # type: ignore[arg-type]
        if pos is None:
            return ()
    # the return flies empty: fastest feasible path at ferry range, to the home
    ret = _empty_path(s, d, home if positions else o, ac, max_stops)  # type: ignore[arg-type]
    if ret is None:
        return ()
    cands = []
    min_useful = min(
        [s.pax_weight_stons] * (ac.seats > 0) + [1.0 / TONS_SCALE] * (ac.acl_stons > 0) or [math.inf]
    )
    for path in _paths(s, o, d, ac, max_stops):
        nodes = (o, *path, d)
        pay = _path_payload(s, nodes, ac)
        if pay + 1e-12 < min_useful:
            continue
        cands.append((_outbound_minutes(s, nodes, ac), -min(pay, ac.max_payload_stons), len(path), path))
    cands.sort()
    # Pareto front on (outbound time, payload)
    front = []
    best_pay = -math.inf
    for tm, npay, ns, path in cands:
        if -npay > best_pay + 1e-9:
            front.append((tm, npay, ns, path))
            best_pay = -npay
    chosen = list(front)
    # alternates through other stops with the best payload and near the best time,
    # so that MOG at one stop can be relieved by another
    top_pay = -front[-1][1] if front else 0
    top_time = front[-1][0] if front else 0
    for c in cands:
        if len(chosen) >= limit:
            break
        if c not in chosen and -c[1] >= top_pay - 1e-9 and c[0] <= top_time * 1.10 and c[2] <= 1:
            chosen.append(c)
    chosen = sorted(chosen[: max(limit, len(front))])
    return tuple(_build(s, o, d, t, c[3], ret, -c[1], home, pos) for c in chosen)


def routings(s: Scenario, origin: str, dest: str, type_code: str, *, max_stops: int = 2,
             limit: int = 4, home: str | None = None) -> list[Routing]:
    """Non-dominated routings for a mission of ``type_code`` from ``origin`` to ``dest``.

    The Pareto front on (outbound time, payload) is always kept; alternates via other
    stops with the best payload and within 10 % of its time are added up to ``limit``.
    The return is the fastest empty routing. Empty when the type cannot fly it.

    ``home`` (SPEC 5.1): the aircraft leave it empty for the origin by the fastest
    feasible flight and return to it; ``None`` or the origin itself: no positioning.
    """
    key = ("routings", origin, dest, type_code, max_stops, limit, home)
    return list(s.cached(key, lambda: _routings_uncached(s, origin, dest, type_code, max_stops, limit, home)))


def pool_routings(s: Scenario, origin: str, dest: str, pool: tuple[str, str | None]) -> list[Routing]:
    """The routings of a fleet pool ``(type, home)`` from ``origin`` to ``dest``."""
    return routings(s, origin, dest, pool[0], home=pool[1])


def positioning_hours(s: Scenario, type_code: str, home: str | None, origin: str) -> float | None:
    """Hours of the fastest feasible empty flight of the type from ``home`` to ``origin``
    (legs at cruise speed, exactly, plus en-route ground times): 0 without a home or at
    it, ``None`` when the type cannot fly it. A lower bound's view of positioning."""
    if home is None or home == origin:
        return 0.0

    def calc() -> float | None:
        ac = s.aircraft_type(type_code)
        if not (_runway_ok(s, home, ac) and _runway_ok(s, origin, ac)):
            return None
        best = None
        for path in _paths(s, home, origin, ac, 2):
            nodes = (home, *path, origin)
            if _path_payload(s, nodes, ac) < 0:
                continue
            h = sum(dist_nm(s, x, y) / ac.cruise_kt for x, y in zip(nodes, nodes[1:], strict=False))
            h += ac.enroute_ground_hours * len(path)
            best = h if best is None else min(best, h)
        return best

    return s.cached(("positioning-hours", type_code, home, origin), calc)


def reachable(s: Scenario, origin: str, dest: str, type_code: str) -> bool:
    """Whether some pool of the type has a routing carrying a useful load from origin to dest."""
    homes = [h for t, h in s.pools if t == type_code] or [None]
    return any(routings(s, origin, dest, type_code, home=h) for h in homes)


def can_carry(ac: AircraftType, u: Unit) -> bool:
    """Whether the type can carry any of the unit's loads."""
    return any(u.amount(c) > 0 and ac.carries(CLASS_OF[c]) for c in COMMODITIES)


def fastest_arrival(s: Scenario, u: Unit) -> float | None:
    """Earliest hour any load of the unit could land at an allowed destination (a pool
    with a home positions first: it may leave home before the unit is ready)."""
    best = None
    for d in u.destinations:
        for t, home in s.pools:
            ac = s.aircraft_type(t)
            if s.fleet_count(t, home=home) == 0 or not can_carry(ac, u):
                continue
            avail = min(h for h, c in s.fleet_steps(t, home) if c > 0)
            for r in routings(s, u.origin, d, t, home=home):
                h = max(u.ready_hour - hours(r.lead), avail) + hours(r.arrive)
                best = h if best is None else min(best, h)
    return best


def scenario_warnings(s: Scenario) -> list[Problem]:
    """Things that are legal but probably not meant (e.g. late whatever happens)."""
    out = []
    for i, u in enumerate(s.units):
        best = fastest_arrival(s, u)
        if best is not None and s.rdd(u) < best - 1e-9:
            out.append(Problem(f"units[{i}].required_hour", f"{s.rdd(u):g} is before the earliest possible arrival ({best:.1f} h): the unit will be late whatever happens"))
        if best is not None and s.lad(u) < best - 1e-9:
            out.append(Problem(f"units[{i}].latest_arrival_hour", f"{s.lad(u):g} is before the earliest possible arrival ({best:.1f} h): the unit cannot be delivered"))
        if best is None and u.pax + u.cargo_stons > 0:
            out.append(Problem(f"units[{i}]", "no routing can deliver any of this unit's loads"))
    return out
