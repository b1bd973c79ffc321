"""Plain-Python facts of a scenario that the estimate and the search-free bounds share.

Memoised on the scenario (pydantic attribute access is slow): the live aircraft types,
their first available hour (at an origin: after positioning from home), the airfields' MOG, what a sortie of a type can take of a
commodity, and the exact fastest loaded flight from one airfield to another.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable

from ..catalog import AircraftType
from ..geo import distance_nm
from ..network import positioning_hours
from ..scenario import CLASS_OF, COMMODITIES, Scenario, Unit

__all__ = [
    "Facts",
    "demand_of",
    "facts",
    "fastest_outbound_hours",
    "first_at",
    "first_available",
    "live_types",
    "load_capacity",
    "mog_of",
    "outbound_hours",
    "runway_ok",
]


class Facts:
    """Plain-Python views of a scenario, memoised (pydantic attribute access is slow)."""

    def __init__(self, s: Scenario):
        self.live = [t for t in s.fleet_types if s.fleet_count(t) > 0]
        self.ac = {t: s.aircraft_type(t) for t in s.fleet_types}
        self.steps = {t: [(h, c) for h, c in s.fleet_steps(t) if c > 0] for t in s.fleet_types}
        self.avail = {t: min(h for h, _ in self.steps[t]) for t in self.live}
        self.fields: dict[str, object] = {}
        self.mog: dict[str, int] = {}
        self.fo: dict[tuple[str, str, str], float] = {}
        self.enroute = tuple(s.enroute)

    def airfield(self, s: Scenario, icao: str):  # noqa: ANN201 - Airfield
        a = self.fields.get(icao)
        if a is None:
            a = self.fields[icao] = s.airfield(icao)
            self.mog[icao] = s.mog_peak(icao)  # the most at any time: still a bound
        return a


def facts(s: Scenario) -> Facts:
    """The scenario's facts, built once per scenario."""
    return s.cached("estimate-facts", lambda: Facts(s))


def live_types(s: Scenario) -> list[str]:
    """Aircraft types with at least one aircraft at some hour."""
    return facts(s).live


def first_available(s: Scenario, t: str) -> float:
    """The first hour an aircraft of live type ``t`` is available."""
    return facts(s).avail[t]


def first_at(s: Scenario, t: str, origin: str) -> float:
    """The first hour an aircraft of live type ``t`` can be at ``origin``: over the
    type's pools, the first available hour plus the fastest flight from its home
    (SPEC 5.1); the type's first available hour when no pool can reach it."""

    def calc() -> float:
        best = math.inf
        for tt, home in s.pools:
            hours = [h for h, c in s.fleet_steps(t, home) if c > 0] if tt == t else []
            p = positioning_hours(s, t, home, origin) if hours else None
            if p is not None:
                best = min(best, min(hours) + p)
        return best if math.isfinite(best) else first_available(s, t)

    return s.cached(("first-at", t, origin), calc)


def mog_of(s: Scenario, icao: str) -> int:
    """The airfield's maximum on ground."""
    f = facts(s)
    if icao not in f.mog:
        f.airfield(s, icao)
    return f.mog[icao]


def load_capacity(ac: AircraftType, com: str) -> float:
    """What one sortie of the type can take of a commodity alone (seats or ACL)."""
    if not ac.carries(CLASS_OF[com]):
        return 0.0
    return float(ac.seats) if com == "pax" else float(ac.acl_stons)


def runway_ok(s: Scenario, icao: str, ac: AircraftType) -> bool:
    """Whether the airfield's runway is long enough for the type (rule 10)."""
    rw = facts(s).airfield(s, icao).runway_ft
    return rw is None or ac.min_runway_ft is None or rw >= ac.min_runway_ft


def fastest_outbound_hours(s: Scenario, origin: str, dest: str, t: str) -> float:
    """Least time from first departure to landing, origin to dest, of any loaded flight.

    Exact (no minute rounding): legs at ``distance / cruise``, ``enroute_ground_hours``
    at each stop, any number of stops from ``enroute``; a leg is allowed when it is
    within the ferry range (the range with an arbitrarily small load, a relaxation of
    rule 4) and both runways are long enough (rule 10). ``inf`` when unreachable.
    """
    F = facts(s)
    key = (origin, dest, t)
    got = F.fo.get(key)
    if got is None:
        got = F.fo[key] = _fastest_uncached(s, F, origin, dest, t)
    return got


def _fastest_uncached(s: Scenario, F: Facts, origin: str, dest: str, t: str) -> float:
    ac = F.ac[t]

    def rw(icao: str) -> bool:
        r = F.airfield(s, icao).runway_ft
        return r is None or ac.min_runway_ft is None or r >= ac.min_runway_ft

    if not (rw(origin) and rw(dest)):
        return math.inf
    stops = [e for e in F.enroute if e not in (origin, dest) and rw(e)]
    nodes = [origin, *stops, dest]
    best = {origin: 0.0}
    heap = [(0.0, origin)]
    while heap:
        h, a = heapq.heappop(heap)
        if h > best.get(a, math.inf):
            continue
        if a == dest:
            return h
        wait = ac.enroute_ground_hours if a != origin else 0.0
        for b in nodes:
            if b == a or b == origin:
                continue
            dist = distance_nm(F.airfield(s, a), F.airfield(s, b))
            if dist > ac.ferry_range_nm:
                continue
            nh = h + wait + dist / ac.cruise_kt
            if nh < best.get(b, math.inf) - 1e-12:
                best[b] = nh
                heapq.heappush(heap, (nh, b))
    return math.inf


def demand_of(u: Unit) -> dict[str, float]:
    """What the unit moves, per commodity (only the commodities it has)."""
    return {c: u.amount(c) for c in COMMODITIES if u.amount(c) > 0}


def outbound_hours(s: Scenario, t: str, u: Unit, dests: Iterable[str] | None = None) -> float:
    """Fastest outbound hours of type ``t`` from the unit's origin to one of ``dests``."""
    ds = u.destinations if dests is None else dests
    return min((fastest_outbound_hours(s, u.origin, d, t) for d in ds), default=math.inf)
