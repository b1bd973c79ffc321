"""The doctrinal quick estimate (AFPAM 10-1403) and provable lower bounds on closure.

Two different things live here, and must not be confused:

* :func:`estimate` is what a planner works out on a notepad with the AFPAM 10-1403
  planning factors: airfield throughput (MOG x payload x hours / ground time x 0.85)
  and fleet throughput (aircraft x UTE x payload x block speed / round-trip distance).
  It is a *figure*, not a bound: it may be optimistic or pessimistic, and the
  optimiser's plan should not look worse than it without a stated reason.
* :func:`lower_bound` (and :func:`bounds`, :func:`unit_lower_bounds`) is a *proof*: no
  plan that delivers every unit can close earlier. It only uses relaxations of the
  rules of SPEC section 3, computed from the scenario alone (it does not use the
  solver's candidate routings, which are a heuristic subset).

Worked example (AFPAM 10-1403): one C-17 parking spot (MOG 1) at 45 st and a 3.25 h
ground time gives ``45 x 24 / 3.25 x 0.85 = 282.46``, published as 282.5 st/day; six
spots give ``6 x 282.5 = 1,695`` st/day::

    >>> airfield_throughput_stons_per_day(1, 45, 3.25)
    282.5
    >>> airfield_throughput_stons_per_day(6, 45, 3.25)
    1695.0
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .catalog import AircraftType
from .geo import distance_nm
from .network import Routing, routings
from .scenario import CLASS_OF, COMMODITIES, Scenario, Unit

#: AFPAM 10-1403 queueing efficiency of an airfield (share of the ramp time usable)
QUEUEING_EFFICIENCY = 0.85

__all__ = [
    "QUEUEING_EFFICIENCY",
    "Bounds",
    "DestinationEstimate",
    "Estimate",
    "airfield_throughput_stons_per_day",
    "bounds",
    "estimate",
    "fleet_throughput_stons_per_day",
    "lower_bound",
    "undeliverable",
    "unit_lower_bounds",
]


# ----- AFPAM 10-1403 formulas -------------------------------------------------------------
def _round1(x: float) -> float:
    """Round half up to 0.1, as the pamphlet's tables do (282.46 -> 282.5)."""
    return float(Decimal(repr(x)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def airfield_throughput_stons_per_day(
    mog: float,
    payload_stons: float,
    ground_hours: float,
    hours: float = 24.0,
    queueing: float = QUEUEING_EFFICIENCY,
) -> float:
    """Airfield throughput, short tons per day (AFPAM 10-1403).

    ``MOG x payload x (operating hours / ground time) x queueing efficiency``.

    The pamphlet works the figure out per parking spot (MOG 1), rounds it to 0.1 st
    and multiplies by the MOG; this function does the same, so it reproduces the
    published numbers: MOG 1, C-17 at 45 st, 3.25 h ground time, 24 h operations:
    ``45 x 24 / 3.25 x 0.85 = 282.46``, published 282.5 st/day; MOG 6: ``6 x 282.5 =
    1,695`` st/day (not ``6 x 282.46 = 1,694.8``).

    Parameters
    ----------
    mog
        Maximum on ground (aircraft that may be on the ground at once).
    payload_stons
        Payload per aircraft, short tons.
    ground_hours
        Ground time per aircraft (on- or offload), hours.
    hours
        Operating hours per day.
    queueing
        Queueing efficiency (0.85 in the pamphlet).
    """
    if ground_hours <= 0:
        raise ValueError("ground_hours: must be > 0")
    per_spot = _round1(payload_stons * hours / ground_hours * queueing)
    return _round1(mog * per_spot)


def fleet_throughput_stons_per_day(
    aircraft: float,
    payload_stons: float,
    block_speed_kt: float,
    round_trip_nm: float,
    ute_hours: float,
    cycle_hours: float | None = None,
) -> float:
    """Fleet throughput on one route, short tons per day (AFPAM 10-1403).

    ``aircraft x UTE x payload x block speed / round-trip distance``: each aircraft
    flies ``UTE / (round trip / block speed)`` round trips a day. When the cycle time
    (flying plus every ground time, origin to origin) is given, an aircraft also cannot
    start more than ``24 / cycle`` round trips a day, whatever its UTE.

    Parameters
    ----------
    aircraft
        Aircraft assigned to the route.
    payload_stons
        Payload per sortie, short tons.
    block_speed_kt
        Block speed, knots.
    round_trip_nm
        Distance flown per round trip, nautical miles.
    ute_hours
        Flying hours per aircraft per day.
    cycle_hours
        Round-trip cycle time including ground times, hours (optional).
    """
    if round_trip_nm <= 0 or block_speed_kt <= 0:
        raise ValueError("round_trip_nm and block_speed_kt: must be > 0")
    trips = ute_hours / (round_trip_nm / block_speed_kt)
    if cycle_hours is not None and cycle_hours > 0:
        trips = min(trips, 24.0 / cycle_hours)
    return aircraft * payload_stons * trips


# ----- shared helpers ---------------------------------------------------------------------
class _Facts:
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
            self.mog[icao] = a.mog
        return a


def _facts(s: Scenario) -> _Facts:
    return s.cached("estimate-facts", lambda: _Facts(s))


def _live_types(s: Scenario) -> list[str]:
    return _facts(s).live


def _first_available(s: Scenario, t: str) -> float:
    return _facts(s).avail[t]


def _mog(s: Scenario, icao: str) -> int:
    f = _facts(s)
    if icao not in f.mog:
        f.airfield(s, icao)
    return f.mog[icao]


def _cap(ac: AircraftType, com: str) -> float:
    """What one sortie of the type can take of a commodity alone (seats or ACL)."""
    if not ac.carries(CLASS_OF[com]):
        return 0.0
    return float(ac.seats) if com == "pax" else float(ac.acl_stons)


def _runway_ok(s: Scenario, icao: str, ac: AircraftType) -> bool:
    rw = _facts(s).airfield(s, icao).runway_ft
    return rw is None or ac.min_runway_ft is None or rw >= ac.min_runway_ft


def _fastest_outbound_hours(s: Scenario, origin: str, dest: str, t: str) -> float:
    """Least time from first departure to landing, origin to dest, of any loaded flight.

    Exact (no minute rounding): legs at ``distance / cruise``, ``enroute_ground_hours``
    at each stop, any number of stops from ``enroute``; a leg is allowed when it is
    within the ferry range (the range with an arbitrarily small load, a relaxation of
    rule 4) and both runways are long enough (rule 10). ``inf`` when unreachable.
    """
    F = _facts(s)
    key = (origin, dest, t)
    got = F.fo.get(key)
    if got is None:
        got = F.fo[key] = _fastest_uncached(s, F, origin, dest, t)
    return got


def _fastest_uncached(s: Scenario, F: _Facts, origin: str, dest: str, t: str) -> float:
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


def _demand(u: Unit) -> dict[str, float]:
    return {c: u.amount(c) for c in COMMODITIES if u.amount(c) > 0}


def _usable(s: Scenario, t: str, u: Unit, dests: Iterable[str] | None = None) -> float:
    """Fastest outbound hours of type ``t`` from the unit's origin to one of ``dests``."""
    ds = u.destinations if dests is None else dests
    return min((_fastest_outbound_hours(s, u.origin, d, t) for d in ds), default=math.inf)


# ----- lower bounds -----------------------------------------------------------------------
@dataclass
class Bounds:
    """Lower bounds on closure hours that no plan delivering everything can beat.

    Attributes
    ----------
    force
        The bound on the force closure (the ``closure_hour`` KPI): the largest of
        the parts below.
    units
        Per unit id, a bound on the unit's ``closure_hour`` when it is fully delivered.
    parts
        Each family's best bound: ``unit``, ``origin_mog``, ``destination_mog``,
        ``fleet_crew``.
    binding
        The family that gives ``force``, with its subject (``origin_mog KPOB from h96``).
    """

    force: float
    units: dict[str, float]
    parts: dict[str, float]
    binding: str


def _unit_arrivals(s: Scenario, u: Unit, dests: Iterable[str] | None = None) -> dict[str, float]:
    """Per commodity of the unit, the earliest any of it can land (at ``dests``)."""
    ds = tuple(u.destinations if dests is None else dests)
    return dict(s.cached(("lb-arrivals", u.id, ds), lambda: _unit_arrivals_uncached(s, u, ds)))


def _unit_arrivals_uncached(s: Scenario, u: Unit, ds: tuple[str, ...]) -> dict[str, float]:
    out: dict[str, float] = {}
    for c in _demand(u):
        best = math.inf
        for t in _live_types(s):
            ac = _facts(s).ac[t]
            if not ac.carries(CLASS_OF[c]):
                continue
            fo = _usable(s, t, u, ds)
            if math.isfinite(fo):
                best = min(best, max(u.ready_hour, _first_available(s, t)) + ac.onload_hours + fo)
        out[c] = best
    return out


def _onload_per_amount(s: Scenario, u: Unit, c: str) -> float:
    """Least origin ground hours one soldier / short ton of ``c`` costs (mixed-load rule)."""
    best = math.inf
    for t in _live_types(s):
        ac = _facts(s).ac[t]
        cap = _cap(ac, c)
        if cap > 0 and math.isfinite(_usable(s, t, u)) and _runway_ok(s, u.origin, ac):
            best = min(best, ac.onload_hours / cap)
    return best


def _offload_per_amount(s: Scenario, u: Unit, c: str, dests: Iterable[str]) -> tuple[float, float]:
    """Least destination ground hours per amount of ``c`` into ``dests``, and the
    longest offload among the types that could carry it there."""
    best, longest = math.inf, 0.0
    for t in _live_types(s):
        ac = _facts(s).ac[t]
        cap = _cap(ac, c)
        if cap > 0 and math.isfinite(_usable(s, t, u, dests)):
            best = min(best, ac.offload_hours / cap)
            longest = max(longest, ac.offload_hours)
    return best, longest


def unit_lower_bounds(s: Scenario) -> dict[str, float]:
    """Per unit, a closure hour no plan that delivers the whole unit can beat.

    The largest of:

    * **transit**: every commodity of the unit must land, each on a type that carries
      it: ``max over commodities of min over (type, allowed destination) of
      max(ready, type's first available hour) + onload + fastest outbound flight``
      (rules 2, 5, 6, 8; the flight at cruise speed through any allowed stops within
      ferry range, see :func:`_fastest_outbound_hours`);
    * the unit's ``earliest_arrival_hour`` (rule 2);
    * **origin ramp**: the unit alone needs at least ``Σ amount x onload / capacity``
      (cheapest type per commodity) aircraft-hours on the ground at its origin, which
      holds at most MOG aircraft, from its ready hour until its last departure (rule 7);
    * **destination ramp**: the same with offload hours over the MOG of its allowed
      destinations, from its earliest landing; an aircraft landing at the closure may
      still be offloading, hence minus the longest offload.

    ``inf`` when some commodity cannot be carried to any allowed destination.
    """
    out: dict[str, float] = {}
    for u in s.units:
        out[u.id] = _unit_bound(s, u)
    return out


def _unit_bound(s: Scenario, u: Unit) -> float:
    dem = _demand(u)
    if not dem:
        return 0.0
    arr = _unit_arrivals(s, u)
    lb = max([*arr.values(), u.earliest_arrival_hour])
    if not math.isfinite(lb):
        return math.inf
    first_land = min(arr.values())
    # origin ramp
    mog_o = _mog(s, u.origin)
    e_on = sum(q * _onload_per_amount(s, u, c) for c, q in dem.items())
    carriers = [t for t in _live_types(s) if _can_carry(_facts(s).ac[t], u)]
    fo_min = min(_usable(s, t, u) for t in carriers)
    t0 = max(u.ready_hour, min(_first_available(s, t) for t in carriers))
    lb = max(lb, t0 + (e_on / mog_o if mog_o > 0 else math.inf) + fo_min)
    # destination ramp
    mog_d = sum(_mog(s, d) for d in u.destinations)
    e_off, longest = 0.0, 0.0
    for c, q in dem.items():
        per, lg = _offload_per_amount(s, u, c, u.destinations)
        e_off += q * per
        longest = max(longest, lg)
    lb = max(lb, first_land + (e_off / mog_d if mog_d > 0 else math.inf) - longest)
    return lb


def _origin_bound(s: Scenario) -> tuple[float, str]:
    """Origin MOG energy, for every origin and every ready hour tau of its units.

    Units of origin ``o`` ready at or after ``tau`` need ``E = Σ amount x onload /
    capacity`` (cheapest type per commodity: a sortie's mixed load is ≤ 1 aircraft, so
    its onload covers at most ``1`` of ``Σ load / capacity``) ground hours at ``o``.
    Onloads start no earlier than ``max(tau, first aircraft available)`` and end at the
    first departure, at least the fastest outbound flight ``f`` before the closure; at
    most ``MOG`` at once (rule 7), so ``C ≥ max(tau, a) + E / MOG + f``.
    """
    best, why = 0.0, ""
    live = _live_types(s)
    if not live:
        return 0.0, ""
    a0 = min(_first_available(s, t) for t in live)
    by_origin: dict[str, list[Unit]] = defaultdict(list)
    for u in s.units:
        if _demand(u):
            by_origin[u.origin].append(u)
    for o, us in by_origin.items():
        mog = _mog(s, o)
        rows = []
        for u in us:
            e = sum(q * _onload_per_amount(s, u, c) for c, q in _demand(u).items())
            f = min((_usable(s, t, u) for t in live if _can_carry(_facts(s).ac[t], u)), default=math.inf)
            rows.append((u.ready_hour, e, f))
        rows.sort(key=lambda r: -r[0])
        e_sum, f_min = 0.0, math.inf
        for i, (tau, e, f) in enumerate(rows):
            e_sum += e
            f_min = min(f_min, f)
            if i + 1 < len(rows) and rows[i + 1][0] == tau:
                continue
            if not (math.isfinite(e_sum) and math.isfinite(f_min)):
                continue
            c = max(tau, a0) + (e_sum / mog if mog > 0 else math.inf) + f_min
            if c > best:
                best, why = c, f"origin_mog {o} from h{tau:g}"
    return best, why


def _destination_bound(s: Scenario) -> tuple[float, str]:
    """Destination MOG energy, for every set of bases some unit is confined to.

    For a set ``S`` (each unit's allowed destinations, and all of them), the units
    whose allowed destinations lie in ``S`` and that are ready at or after ``tau`` need
    ``E = Σ amount x offload / capacity`` ground hours in ``S`` (rule 6: at least the
    offload from landing to the next departure). Their first landing is no earlier
    than ``T`` (the least transit bound among them), and an aircraft landing by the
    closure ``C`` has done its offload by ``C + the longest offload L``; at most
    ``Σ MOG`` are on the ground in ``S`` at once (rule 7), so
    ``C ≥ T + E / Σ MOG - L``.
    """
    best, why = 0.0, ""
    units = [u for u in s.units if _demand(u)]
    sets = {frozenset(u.destinations) for u in units}
    sets |= {frozenset([d]) for u in units for d in u.destinations}
    if units:
        sets.add(frozenset(d for u in units for d in u.destinations))
    for S in sets:
        mog = sum(_mog(s, d) for d in S)
        rows = []
        for u in units:
            if not set(u.destinations) <= S:
                continue
            arr = _unit_arrivals(s, u)
            first = min(arr.values())
            e, longest = 0.0, 0.0
            for c, q in _demand(u).items():
                per, lg = _offload_per_amount(s, u, c, u.destinations)
                e += q * per
                longest = max(longest, lg)
            rows.append((u.ready_hour, e, first, longest))
        rows.sort(key=lambda r: -r[0])
        e_sum, t_min, l_max = 0.0, math.inf, 0.0
        for i, (tau, e, first, lg) in enumerate(rows):
            e_sum += e
            t_min = min(t_min, first)
            l_max = max(l_max, lg)
            if i + 1 < len(rows) and rows[i + 1][0] == tau:
                continue
            if not (math.isfinite(e_sum) and math.isfinite(t_min)):
                continue
            c = t_min + (e_sum / mog if mog > 0 else math.inf) - l_max
            if c > best:
                best, why = c, f"destination_mog {'+'.join(sorted(S))} from h{tau:g}"
    return best, why


def _count_integral(steps: list[tuple[float, int]], a: float, b: float) -> float:
    """∫ aircraft available dt over [a, b] (a step function of available hours)."""
    if b <= a:
        return 0.0
    return sum(c * max(0.0, b - max(a, h)) for h, c in steps)


def _crew_capacity(s: Scenario, t: str, lo: float, hi: float) -> float:
    """Flying hours type ``t`` can fly within [lo, hi]: per day ``[24k, 24k+24)``, at most
    ``ute x aircraft available at some instant of the day`` (rule 9) and at most the
    aircraft-hours available in the part of the day within [lo, hi] (rule 8)."""
    if hi <= lo:
        return 0.0
    ac = _facts(s).ac[t]
    steps = [(h, c) for h, c in s.fleet_steps(t) if c > 0]
    tot = 0.0
    for k in range(math.floor(lo / 24), math.ceil(hi / 24)):
        a, b = max(lo, 24.0 * k), min(hi, 24.0 * k + 24)
        if b <= a:
            continue
        n_day = sum(c for h, c in steps if h < 24.0 * k + 24)
        tot += min(ac.ute_hours * n_day, _count_integral(steps, a, b))
    return tot


def _fluid_bound(s: Scenario, max_thresholds: int = 12) -> tuple[float, str]:
    """Fleet and crew fluid bound: a linear program (GLOP), bisected on the closure.

    For a threshold ``tau`` and a candidate closure ``C``, the units ready at or after
    ``tau`` (grouped by origin and allowed destinations, key ``k``) must split each
    commodity among the types that carry it, ``x[k,c,t] ≥ 0``, ``Σ_t x = demand``.
    A sortie carries at most one aircraft-load (``Σ load / capacity ≤ 1``) and its
    outbound flight lasts at least the fastest outbound time ``f[t,k]`` (landing by
    ``C``, departing after ``max(tau, available) + onload``), so per type

    * crew (rule 9): ``Σ x f / cap ≤`` flying hours available in
      ``[max(tau, first available) + onload, C]`` (:func:`_crew_capacity`);
    * fleet (rule 8): ``Σ x (onload + f) / cap ≤ ∫ aircraft available`` over
      ``[tau, C]`` (a mission holds its aircraft from the onload to the landing);

    and per origin (rule 7) ``Σ x onload / cap ≤ MOG x (C - f_min - max(tau, a))``.
    The least ``C`` at which the LP is feasible is a lower bound; the bisection
    stops within a minute, always on the infeasible side.
    """
    from ortools.linear_solver import pywraplp

    live = _live_types(s)
    units = [u for u in s.units if _demand(u)]
    if not live or not units:
        return 0.0, ""
    taus = sorted({u.ready_hour for u in units})
    if len(taus) > max_thresholds:
        idx = sorted({round(i * (len(taus) - 1) / (max_thresholds - 1)) for i in range(max_thresholds)})
        taus = [taus[i] for i in idx]
    best, why = 0.0, ""
    a0 = min(_first_available(s, t) for t in live)
    for tau in taus:
        us = [u for u in units if u.ready_hour >= tau]
        groups: dict[tuple[str, tuple[str, ...]], dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for u in us:
            for c, q in _demand(u).items():
                groups[(u.origin, u.destinations)][c] += q
        solver = pywraplp.Solver.CreateSolver("GLOP")
        if solver is None:  # pragma: no cover - GLOP ships with OR-Tools
            return 0.0, ""
        crew_terms: dict[str, list] = defaultdict(list)
        fleet_terms: dict[str, list] = defaultdict(list)
        origin_terms: dict[str, list] = defaultdict(list)
        origin_f: dict[str, float] = {}
        ok = True
        for (o, ds), dem in groups.items():
            for c, q in dem.items():
                xs = []
                for t in live:
                    ac = _facts(s).ac[t]
                    cap = _cap(ac, c)
                    f = min((_fastest_outbound_hours(s, o, d, t) for d in ds), default=math.inf)
                    if cap <= 0 or not math.isfinite(f):
                        continue
                    x = solver.NumVar(0.0, q, "")
                    xs.append(x)
                    crew_terms[t].append((x, f / cap))
                    fleet_terms[t].append((x, (ac.onload_hours + f) / cap))
                    origin_terms[o].append((x, ac.onload_hours / cap))
                    origin_f[o] = min(origin_f.get(o, math.inf), f)
                if not xs:
                    ok = False
                    break
                solver.Add(solver.Sum(xs) == q)
            if not ok:
                break
        if not ok:
            continue
        cons = []  # (constraint, kind, key)
        for t, terms in crew_terms.items():
            ct = solver.Constraint(-solver.infinity(), 0.0)
            for x, coef in terms:
                ct.SetCoefficient(x, coef)
            cons.append((ct, "crew", t))
        for t, terms in fleet_terms.items():
            ct = solver.Constraint(-solver.infinity(), 0.0)
            for x, coef in terms:
                ct.SetCoefficient(x, coef)
            cons.append((ct, "fleet", t))
        for o, terms in origin_terms.items():
            ct = solver.Constraint(-solver.infinity(), 0.0)
            for x, coef in terms:
                ct.SetCoefficient(x, coef)
            cons.append((ct, "origin", o))

        def feasible(C: float, cons=cons, tau=tau, origin_f=origin_f, solver=solver) -> bool:  # noqa: ANN001
            for ct, kind, key in cons:
                if kind == "crew":
                    ac = _facts(s).ac[key]
                    lo = max(tau, _first_available(s, key)) + ac.onload_hours
                    ub = _crew_capacity(s, key, lo, C)
                elif kind == "fleet":
                    steps = _facts(s).steps[key]
                    ub = _count_integral(steps, tau, C)
                else:
                    ub = _mog(s, key) * max(0.0, C - origin_f[key] - max(tau, a0))
                # a hair of slack so that round-off never makes a feasible C infeasible
                ct.SetUb(ub * (1 + 1e-9) + 1e-9)
            return solver.Solve() == pywraplp.Solver.OPTIMAL

        lo = max(best, tau)
        if feasible(lo):
            continue
        hi = max(lo + 24.0, 2 * lo)
        while not feasible(hi):
            lo, hi = hi, 2 * hi
            if hi > 1e7:  # pragma: no cover - capacities grow with C
                break
        while hi - lo > 1.0 / 60:
            mid = (lo + hi) / 2
            if feasible(mid):
                hi = mid
            else:
                lo = mid
        if lo > best:
            best, why = lo, f"fleet_crew (LP) from h{tau:g}"
    return best, why


def bounds(s: Scenario) -> Bounds:
    """Every lower bound on closure, by family; see :func:`lower_bound`."""
    return s.cached("lower-bounds", lambda: _bounds(s))


def _bounds(s: Scenario) -> Bounds:
    per_unit = unit_lower_bounds(s)
    parts: dict[str, float] = {}
    subject: dict[str, str] = {}
    if per_unit:
        uid = max(per_unit, key=lambda k: per_unit[k])
        parts["unit"], subject["unit"] = per_unit[uid], f"unit {uid}"
    else:
        parts["unit"], subject["unit"] = 0.0, ""
    parts["origin_mog"], subject["origin_mog"] = _origin_bound(s)
    parts["destination_mog"], subject["destination_mog"] = _destination_bound(s)
    parts["fleet_crew"], subject["fleet_crew"] = _fluid_bound(s)
    fam = max(parts, key=lambda k: parts[k])
    return Bounds(force=parts[fam], units=per_unit, parts=parts, binding=subject[fam] or fam)


def lower_bound(s: Scenario) -> float:
    """Force closure hours that no plan delivering every unit can beat.

    Derivation: every part below relaxes the rules of SPEC section 3, so any plan that
    delivers everything satisfies it; the bound is the largest part.

    1. **Per unit** (:func:`unit_lower_bounds`): ready + onload + the fastest outbound
       flight to an allowed destination, per commodity on a type that carries it; the
       unit's EAD; its own origin and destination ramp time. The force closes after
       every unit does.
    2. **Origin MOG energy** (:func:`_origin_bound`): for each origin and each ready
       hour ``tau``, the onload hours of the units ready from ``tau`` (cheapest type
       per commodity, mixed-load rule) ÷ MOG, after ``max(tau, first aircraft)``, plus
       the fastest outbound flight.
    3. **Destination-set MOG energy** (:func:`_destination_bound`): for each set of
       bases that some units are confined to, their offload hours ÷ Σ MOG after their
       earliest landing, minus the longest offload (the last aircraft may still be
       offloading at the closure).
    4. **Fleet and crew** (:func:`_fluid_bound`): per type, flying hours ÷ (aircraft x
       UTE) per day after availability and aircraft-hours held ÷ aircraft, as a
       linear program over which type carries what (GLOP), bisected on the closure.

    Flights are timed exactly (distance / cruise, not the solver's whole minutes),
    stops may be any allowed en-route airfields within ferry range, and payloads are
    limited only by seats and ACL, so the bound does not depend on the solver's
    candidate routings. ``inf`` when some unit cannot be delivered at all.
    """
    return bounds(s).force


def undeliverable(s: Scenario) -> dict[str, dict[str, float]]:
    """What of each unit no plan can deliver: commodities that cannot land by its LAD.

    A commodity whose earliest possible landing (transit bound of
    :func:`unit_lower_bounds`) is after the unit's latest arrival (or the horizon), or
    that no type of the fleet can carry to an allowed destination, cannot be
    delivered by any plan. Units with nothing undeliverable are left out.
    """
    out: dict[str, dict[str, float]] = {}
    for u in s.units:
        lad = s.lad(u)
        arr = _unit_arrivals(s, u)
        bad = {c: u.amount(c) for c, a in arr.items() if a > lad + 1e-9}
        if bad:
            out[u.id] = bad
    return out


# ----- the doctrinal estimate ---------------------------------------------------------------
@dataclass
class DestinationEstimate:
    """The planner's quick figure for one base.

    Attributes
    ----------
    airfield
        The base.
    units
        Units sent there (their first allowed destination).
    pax, cargo_stons, stons
        What goes there: soldiers, cargo, and total weight (soldiers at the scenario's
        planning weight).
    sorties
        Aircraft loads needed (the planner's routing per type, fleet mix).
    throughput
        Short tons per day each limit allows for this base's flows: ``destination``
        (AFPAM airfield formula at the base), ``origin`` and ``enroute`` (the tightest
        origin and stop used, shared with the other flows through them) and ``fleet``
        (AFPAM fleet formula, the base's share of the fleet).
    binding
        The limit with the least throughput.
    transit_hours
        Onload to landing of a typical sortie.
    closure_hour
        The estimated closure at the base.
    """

    airfield: str
    units: list[str]
    pax: int
    cargo_stons: float
    stons: float
    sorties: float
    throughput: dict[str, float]
    binding: str
    transit_hours: float
    closure_hour: float


@dataclass
class Estimate:
    """The doctrinal quick estimate of a scenario (see :func:`estimate`).

    Attributes
    ----------
    closure_hour
        Estimated force closure (the latest base closure).
    binding
        What limits it (``fleet``, ``destination OKAS``, ``origin KPOB`` ...).
    destinations
        One estimate per base that receives units.
    unassigned
        Units no fleet type can carry to any allowed destination.
    lower_bound
        The provable lower bound (:func:`lower_bound`), for comparison.
    notes
        How the figure was made, in words.
    """

    closure_hour: float
    binding: str
    destinations: list[DestinationEstimate]
    unassigned: list[str] = field(default_factory=list)
    lower_bound: float = 0.0
    notes: list[str] = field(default_factory=list)

    def destination(self, icao: str) -> DestinationEstimate:
        """The estimate of one base."""
        for d in self.destinations:
            if d.airfield == icao:
                return d
        raise KeyError(icao)


def _planner_routing(s: Scenario, o: str, d: str, t: str) -> Routing | None:
    """The routing a planner picks: the largest payload, then the fastest."""

    def pick() -> Routing | None:
        rs = routings(s, o, d, t)
        return min(rs, key=lambda r: (-r.payload_stons, r.arrive)) if rs else None

    return s.cached(("planner-routing", o, d, t), pick)


def _sorties(ac: AircraftType, r: Routing, pax: float, cargo: float, w: float) -> float:
    """Sorties of a type to move ``pax`` and ``cargo`` (mixed-load and payload rules)."""
    n = 0.0
    if pax > 0:
        n += pax / ac.seats
    if cargo > 0:
        n += cargo / ac.acl_stons
    if r.payload_stons > 0:
        n = max(n, (pax * w + cargo) / r.payload_stons)
    return n


def estimate(s: Scenario) -> Estimate:
    """The doctrinal quick estimate of closure per base and for the force.

    What a planner does with AFPAM 10-1403 and a calculator:

    1. Each unit goes to its first allowed destination (that the fleet can reach with
       some of its loads).
    2. Per (origin, base) flow and aircraft type, the planner's routing (largest
       payload, then fastest) gives the payload per sortie on the flow's mix (seats,
       ACL and range-payload; soldiers weigh the scenario's planning weight), the
       flying hours and the cycle time. Fleet throughput of a type on the flow is
       :func:`fleet_throughput_stons_per_day` with all its aircraft; the fleet's is
       the sum over the types that can carry the flow, each type carrying a share
       proportional to its throughput.
    3. Every airfield a sortie uses (origin onload, en-route stops, base offload) is
       limited by :func:`airfield_throughput_stons_per_day`: the days of ramp time the
       flows through it need, ``Σ sorties x ground hours / (24 x MOG x 0.85)``.
    4. The fleet is shared by all flows, so the fleet needs ``Σ flows tons / fleet
       throughput`` days for the force. A base closes ``transit + 24 x max(fleet days,
       ramp days of every airfield its flows use)`` after the work can start; with
       readiness waves, the worst over the units' ready hours ``tau`` of
       ``max(tau, first aircraft) + transit + 24 x days(units ready from tau)``.

    Aircraft availability beyond the first hour, windows, crew days and beddown
    capacity are ignored: it is a figure, not a plan. It is a steady-flow figure: for a
    move of a few sorties, which the fleet flies in one wave, it overstates closure by
    up to the time the flow needs for those sorties. Compare with :func:`lower_bound`,
    which is a proof.
    """
    w = s.pax_weight_stons
    live = _live_types(s)
    a0 = min((_first_available(s, t) for t in live), default=0.0)
    # 1. destinations
    dest_of: dict[str, str] = {}
    unassigned: list[str] = []
    for u in s.units:
        if not _demand(u):
            continue
        for d in u.destinations:
            if any(_planner_routing(s, u.origin, d, t) is not None and _can_carry(_facts(s).ac[t], u)
                   for t in live):
                dest_of[u.id] = d
                break
        else:
            unassigned.append(u.id)

    # 2. per flow and type: payload per sortie, trips per day, ground use
    @dataclass
    class _Flow:
        o: str
        d: str
        units: list[Unit]

    flows: dict[tuple[str, str], _Flow] = {}
    for u in s.units:
        if u.id in dest_of:
            flows.setdefault((u.origin, dest_of[u.id]), _Flow(u.origin, dest_of[u.id], [])).units.append(u)

    F = _facts(s)
    # per flow and type, what the planner's routing gives (fixed whatever the mix)
    routes: dict[tuple[str, str], list[tuple]] = {}
    for key, f in flows.items():
        rows = []
        for t in live:
            r = _planner_routing(s, f.o, f.d, t)
            if r is None:
                continue
            ac = F.ac[t]
            ground = tuple((g.airfield, (g.end - g.start) / 60.0, _mog(s, g.airfield)) for g in r.ground)
            rows.append((t, ac, r, sum(leg.dist_nm for leg in r.legs), ground, s.fleet_count(t),
                         ac.carries("pax"), tuple(c for c in COMMODITIES[1:] if ac.carries(CLASS_OF[c]))))
        routes[key] = rows

    def flow_figures(key: tuple[str, str], pax: float, cargo: dict[str, float]) -> dict | None:
        """Tons, sorties, fleet days and ground hours per airfield of moving a mix."""
        tons = pax * w + sum(cargo.values())
        if tons <= 0:
            return None
        per_type = []
        for t, ac, r, rt_nm, ground, count, takes_pax, classes in routes[key]:
            p_t = pax if takes_pax else 0.0
            c_t = sum(cargo[c] for c in classes)
            carried = p_t * w + c_t
            if carried <= 0:
                continue
            n = _sorties(ac, r, p_t, c_t, w)
            payload = carried / n  # short tons per sortie on this mix
            thr = fleet_throughput_stons_per_day(
                count, payload, ac.cruise_kt, rt_nm, ac.ute_hours, r.cycle / 60.0)
            per_type.append((t, (r, ground), payload, thr, carried))
        if not per_type:
            return None
        # each type takes a share of the tons in proportion to its throughput, but no
        # more than the part of the mix it can carry (a passenger jet takes no cargo)
        shares: dict[str, float] = {}
        free = {x[0]: x for x in per_type}
        left = 1.0
        while free and left > 1e-12:
            tot = sum(x[3] for x in free.values())
            capped = {t: x for t, x in free.items() if x[3] / tot * left > x[4] / tons + 1e-12}
            if not capped:
                for t, x in free.items():
                    shares[t] = x[3] / tot * left
                break
            for t, x in capped.items():
                shares[t] = x[4] / tons
                left -= x[4] / tons
                del free[t]
        fleet_days = max((tons * shares.get(t, 0.0) / thr for t, _r, _p, thr, _c in per_type), default=math.inf)
        ground: dict[str, float] = defaultdict(float)  # ramp-days needed per airfield
        sorties = 0.0
        transit = 0.0
        for t, (r, legs_ground), payload, _thr, _carried in per_type:
            share = shares.get(t, 0.0)
            if share <= 0:
                continue
            n = tons * share / payload
            sorties += n
            transit += share * r.arrive / 60.0
            for a, hrs, mog in legs_ground:
                ground[a] += n * hrs / (24.0 * QUEUEING_EFFICIENCY * mog) if mog > 0 else math.inf
        return {"tons": tons, "pax": pax, "cargo": sum(cargo.values()),
                "fleet_days": fleet_days, "ground": dict(ground), "sorties": sorties,
                "transit": transit, "routes": per_type}

    readies = sorted({u.ready_hour for u in s.units if u.id in dest_of})

    # waves: from each ready hour on, what is left to move; updated flow by flow as the
    # threshold walks back through the ready hours (only the flows of units ready at
    # that hour change)
    waves: dict[float, tuple[float, dict[str, float], dict[tuple[str, str], dict]]] = {}
    mix: dict[tuple[str, str], list] = {k: [0.0, dict.fromkeys(COMMODITIES[1:], 0.0)] for k in flows}
    figs: dict[tuple[str, str], dict] = {}
    fleet_days = 0.0
    ramp: dict[str, float] = defaultdict(float)
    by_ready: dict[float, list[Unit]] = defaultdict(list)
    for u in s.units:
        if u.id in dest_of:
            by_ready[u.ready_hour].append(u)
    for tau in sorted(by_ready, reverse=True):
        changed = set()
        for u in by_ready[tau]:
            key = (u.origin, dest_of[u.id])
            mix[key][0] += u.pax
            for c in COMMODITIES[1:]:
                mix[key][1][c] += u.amount(c)
            changed.add(key)
        for key in changed:
            old = figs.pop(key, None)
            if old is not None:
                fleet_days -= old["fleet_days"]
                for a_, dd in old["ground"].items():
                    ramp[a_] -= dd
            ff = flow_figures(key, mix[key][0], dict(mix[key][1]))
            if ff is not None:
                figs[key] = ff
                fleet_days += ff["fleet_days"]
                for a_, dd in ff["ground"].items():
                    ramp[a_] += dd
        waves[tau] = (fleet_days, dict(ramp), dict(figs))
    full_fleet_days, full_ramp, full_figs = waves[readies[0]] if readies else (0.0, {}, {})

    dests: list[DestinationEstimate] = []
    for d in dict.fromkeys(dest_of.values()):
        keys = [k for k in flows if k[1] == d]
        units = [u for k in keys for u in flows[k].units]
        figs = [full_figs[k] for k in keys if k in full_figs]
        if not figs:
            continue
        tons = sum(ff["tons"] for ff in figs)
        transit = sum(ff["transit"] * ff["tons"] for ff in figs) / tons
        airfields = {a for ff in figs for a in ff["ground"]}
        closure, binding = -math.inf, "fleet"
        for tau in sorted({u.ready_hour for u in units}):
            fleet_days, ramp, wf = waves[tau]
            if not any(k in wf for k in keys):
                continue
            limits = {"fleet": fleet_days, **{a: ramp.get(a, 0.0) for a in airfields}}
            lim = max(limits, key=lambda k: limits[k])
            tr = sum(wf[k]["transit"] * wf[k]["tons"] for k in keys if k in wf) / sum(
                wf[k]["tons"] for k in keys if k in wf)
            c = max(tau, a0) + tr + 24.0 * limits[lim]
            if c > closure:
                closure, binding = c, lim
        # throughput figures (st/day) for the base's own flows, whole force from the start
        share = tons / sum(ff["tons"] for ff in full_figs.values())
        thr: dict[str, float] = {"fleet": share * sum(ff["tons"] for ff in full_figs.values()) / full_fleet_days
                                 if full_fleet_days > 0 else math.inf}

        def station(a: str, figs=figs, tons=tons) -> float:  # noqa: ANN001
            # the base's flows get the airfield's throughput in proportion to their ramp use
            own = sum(ff["ground"].get(a, 0.0) for ff in figs)
            return tons / full_ramp[a] if full_ramp.get(a, 0.0) > 0 and own > 0 else math.inf

        thr["destination"] = station(d)
        origins = {k[0] for k in keys}
        thr["origin"] = min(station(o) for o in origins)
        stops = airfields - origins - {d}
        thr["enroute"] = min((station(a) for a in stops), default=math.inf)
        kind = ("fleet" if binding == "fleet" else
                "destination" if binding == d else "origin" if binding in origins else "enroute")
        dests.append(DestinationEstimate(
            airfield=d, units=[u.id for u in units], pax=sum(ff["pax"] for ff in figs),
            cargo_stons=sum(ff["cargo"] for ff in figs), stons=tons,
            sorties=sum(ff["sorties"] for ff in figs),
            throughput={k: (round(v, 1) if math.isfinite(v) else v) for k, v in thr.items()},
            binding=kind if kind == "fleet" else f"{kind} {binding}",
            transit_hours=transit, closure_hour=closure,
        ))
    if dests:
        top = max(dests, key=lambda x: x.closure_hour)
        closure, binding = top.closure_hour, top.binding
    else:
        closure, binding = 0.0, "nothing to move"
    notes = [
        "units to their first allowed destination; planner's routing = largest payload, then fastest",
        "fleet throughput = Σ types aircraft x UTE x payload x block speed / round trip (AFPAM 10-1403), "
        "shared by every flow",
        f"airfield throughput = MOG x payload x 24 / ground time x {QUEUEING_EFFICIENCY} (AFPAM 10-1403)",
        "ignores windows, crew days, beddown capacity and aircraft arriving later than the first",
        "a steady-flow figure: a move of a few sorties flown in one wave closes earlier",
    ]
    return Estimate(closure_hour=closure, binding=binding, destinations=dests, unassigned=unassigned,
                    lower_bound=lower_bound(s), notes=notes)


def _can_carry(ac: AircraftType, u: Unit) -> bool:
    return any(u.amount(c) > 0 and ac.carries(CLASS_OF[c]) for c in COMMODITIES)


# ----- a lower bound on the undelivered goal ---------------------------------------------
@dataclass
class UndeliveredBound:
    """What no plan can deliver, weighted as the ``undelivered`` goal counts it.

    Attributes
    ----------
    value
        Σ priority weight × (soldiers + short tons) that every plan leaves undelivered.
    proven
        Whether the assignment problem below was solved to optimality (if not,
        ``value`` is its proven bound, still valid but weaker).
    destinations
        An assignment reaching ``value``: unit id → base, or ``None`` for a unit that
        is left out (empty when not proven).
    """

    value: float
    proven: bool
    destinations: dict[str, str | None] = field(default_factory=dict)


def undelivered_bound(s: Scenario, time_limit: float = 2.0) -> UndeliveredBound:
    """A lower bound on the ``undelivered`` goal from beds and transit alone.

    Derivation: a plan gives each unit at most one base, and the full strength of every
    unit with a base counts against that base's beds (SPEC rules 1 and 11); a unit
    without a base delivers nothing. Of a unit sent to base ``d``, a commodity whose
    earliest possible landing at ``d`` (ready + onload + fastest outbound flight on a
    type that carries it, as in :func:`unit_lower_bounds`) is after the unit's latest
    arrival or the horizon cannot be delivered either. So every plan leaves at least
    ``min over assignments of Σ weight × (what the assignment cannot deliver)``, a
    small assignment problem (units × allowed bases, beds as knapsacks) that CP-SAT
    solves exactly; its proven bound is used if it runs out of time. Fleet, MOG and
    crew limits are ignored, so a plan may leave more undelivered than this.
    """
    key = ("undelivered-bound", round(time_limit, 3))
    return s.cached(key, lambda: _undelivered_bound(s, time_limit))


def _undelivered_bound(s: Scenario, time_limit: float) -> UndeliveredBound:
    from ortools.sat.python import cp_model

    SC = 100  # short tons to hundredths, soldiers × 100
    m = cp_model.CpModel()
    fixed = 0
    gain_terms = []
    prefer = []  # tie-break: the unit's earlier-listed (preferred) bases
    choice: dict[str, dict[str, Any]] = {}
    per_base: dict[str, list[tuple[int, Any]]] = {}
    for u in s.units:
        dem = _demand(u)
        total = sum(dem.values())
        if total <= 0:
            continue
        fixed += u.weight * math.ceil(total * SC - 1e-7)
        lad = min(s.lad(u), s.horizon_hours)
        lits = {}
        for rank, d in enumerate(u.destinations):
            arr = _unit_arrivals(s, u, (d,))
            ok = sum(q for c, q in dem.items() if arr.get(c, math.inf) <= lad + 1e-9)
            if ok <= 0:
                continue
            x = m.NewBoolVar(f"{u.id}->{d}")
            lits[d] = x
            prefer.append((len(u.destinations) - rank, x))
            # delivered amount rounded up: the bound stays a lower bound
            gain_terms.append((u.weight * math.ceil(ok * SC - 1e-7), x))
            if u.pax > 0:
                per_base.setdefault(d, []).append((u.pax, x))
        if lits:
            m.AddAtMostOne(list(lits.values()))
            choice[u.id] = lits
    for d, terms in per_base.items():
        cap = s.capacity_pax(d)
        if cap is not None and sum(p for p, _ in terms) > cap:
            m.Add(sum(p * x for p, x in terms) <= cap)
    if not gain_terms:
        return UndeliveredBound(fixed / SC, True, {u.id: None for u in s.units})
    big = sum(c for c, _ in prefer) + 1
    m.Maximize(sum(big * c * x for c, x in gain_terms) + sum(c * x for c, x in prefer))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1
    st = solver.Solve(m)
    if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        ub = solver.BestObjectiveBound() / big if st == cp_model.UNKNOWN else sum(c for c, _ in gain_terms)
        return UndeliveredBound(max(0.0, (fixed - math.floor(ub + 1e-9)) / SC), False)
    best_gain = math.floor(solver.BestObjectiveBound() / big + 1e-9)
    dests = {}
    if st == cp_model.OPTIMAL:
        for u in s.units:
            lits = choice.get(u.id, {})
            dests[u.id] = next((d for d, x in lits.items() if solver.Value(x)), None)
    return UndeliveredBound(max(0.0, (fixed - best_gain) / SC), st == cp_model.OPTIMAL, dests)


# ----- a lower bound on flying hours -----------------------------------------------------
def flying_hours_bound(s: Scenario) -> float:
    """Flying hours that no plan delivering everything can go below.

    Derivation: a mission of type ``t`` to base ``d`` flies out and back, at least
    ``2 × distance(origin, d) / cruise`` hours (geodesics obey the triangle inequality,
    so stops only lengthen it; SPEC rule 5). Its loads obey ``pax / S + cargo / A ≤ 1``
    (rule 3), with ``S`` the seats and ``A`` the ACL; a passenger-only type also carries
    at most ``payload / pax weight`` soldiers and a cargo-only type at most its payload
    (rule 4). Charging each soldier ``F / S`` and each short ton ``F / A`` of the
    mission's flying hours ``F`` therefore never charges more than ``F``. So the total
    is at least, summed over every unit and commodity, the amount × the least charge over
    the types that carry it (runways allowing) and the unit's allowed bases.
    ``inf`` when some commodity cannot be carried at all.
    """
    return s.cached("flying-hours-bound", lambda: _flying_hours_bound(s))


def _flying_hours_bound(s: Scenario) -> float:
    F = _facts(s)
    w = s.pax_weight_stons
    total = 0.0
    for u in s.units:
        for c, amount in _demand(u).items():
            best = math.inf
            for t in _live_types(s):
                ac = F.ac[t]
                if not ac.carries(CLASS_OF[c]) or not _runway_ok(s, u.origin, ac):
                    continue
                cargo_type = ac.acl_stons > 0 and bool(ac.cargo_classes)
                if c == "pax":
                    cap = ac.seats if cargo_type else min(ac.seats, ac.max_payload_stons / w if w > 0 else ac.seats)
                else:
                    cap = ac.acl_stons if ac.seats > 0 else min(ac.acl_stons, ac.max_payload_stons)
                if cap <= 0:
                    continue
                for d in u.destinations:
                    if not _runway_ok(s, d, ac) or not math.isfinite(_fastest_outbound_hours(s, u.origin, d, t)):
                        continue
                    dist = distance_nm(F.airfield(s, u.origin), F.airfield(s, d))
                    best = min(best, 2.0 * dist / ac.cruise_kt / cap)
            total += amount * best
    return total
