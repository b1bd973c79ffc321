"""The doctrinal quick estimate of closure (AFPAM 10-1403).

:func:`estimate` is what a planner works out on a notepad with the AFPAM 10-1403
planning factors: airfield throughput (MOG x payload x hours / ground time x 0.85) and
fleet throughput (aircraft x UTE x payload x block speed / round-trip distance). It is
a *figure*, not a bound: it may be optimistic or pessimistic, and the optimiser's plan
should not look worse than it without a stated reason. The proofs (no plan can do
better) are in :mod:`logistics.bounds.search_free`; the estimate reports the closure
bound beside its figure.

Worked example (AFPAM 10-1403): one C-17 parking spot (MOG 1) at 45 st and a 3.25 h
ground time gives ``45 x 24 / 3.25 x 0.85 = 282.46``, published as 282.5 st/day; six
spots give ``6 x 282.5 = 1,695`` st/day::

    >>> airfield_throughput_stons_per_day(1, 45, 3.25)
    282.5
    >>> airfield_throughput_stons_per_day(6, 45, 3.25)
    1695.0
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .bounds._facts import demand_of, facts, first_available, live_types, mog_of
from .bounds.search_free import lower_bound
from .catalog import AircraftType
from .network import Routing, can_carry, routings
from .scenario import CLASS_OF, COMMODITIES, Scenario, Unit

#: AFPAM 10-1403 queueing efficiency of an airfield (share of the ramp time usable)
QUEUEING_EFFICIENCY = 0.85

__all__ = [
    "QUEUEING_EFFICIENCY",
    "DestinationEstimate",
    "Estimate",
    "airfield_throughput_stons_per_day",
    "estimate",
    "fleet_throughput_stons_per_day",
]

#: how the figure is made, in words (``Estimate.notes``)
_NOTES = (
    "units to their first allowed destination; planner's routing = largest payload, then fastest",
    "fleet throughput = Σ types aircraft x UTE x payload x block speed / round trip (AFPAM 10-1403), "
    "shared by every flow",
    f"airfield throughput = MOG x payload x 24 / ground time x {QUEUEING_EFFICIENCY} (AFPAM 10-1403)",
    "ignores windows, crew days, beddown capacity and aircraft arriving later than the first",
    "a steady-flow figure: a move of a few sorties flown in one wave closes earlier",
)

#: a flow: (origin, base)
Flow = tuple[str, str]


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
        The provable lower bound on closure
        (:func:`~logistics.bounds.search_free.lower_bound`), for comparison.
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
    """The routing a planner picks: the largest payload, then the fastest, flown from
    the home of the type's largest pool that can fly it (SPEC 5.1: its positioning and
    return home are in the cycle, its flight from home in the transit)."""

    def pick() -> Routing | None:
        pools = sorted((h for tt, h in s.pools if tt == t), key=lambda h: -s.fleet_count(t, home=h))
        for home in pools or [None]:
            rs = routings(s, o, d, t, home=home)
            if rs:
                return min(rs, key=lambda r: (-r.payload_stons, r.arrive))
        return None

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
    up to the time the flow needs for those sorties. Compare with
    :func:`~logistics.bounds.search_free.lower_bound`, which is a proof.
    """
    w = s.pax_weight_stons
    live = live_types(s)
    a0 = min((first_available(s, t) for t in live), default=0.0)
    dest_of, unassigned = _first_destinations(s, live)
    flows: dict[Flow, list[Unit]] = {}
    for u in s.units:
        if u.id in dest_of:
            flows.setdefault((u.origin, dest_of[u.id]), []).append(u)
    routes = {key: _flow_routes(s, key, live) for key in flows}
    waves = _waves(s, dest_of, routes, w)
    readies = sorted({u.ready_hour for u in s.units if u.id in dest_of})
    full = waves[readies[0]] if readies else (0.0, {}, {})
    dests: list[DestinationEstimate] = []
    for d in dict.fromkeys(dest_of.values()):
        de = _destination_estimate(d, flows, waves, full, a0)
        if de is not None:
            dests.append(de)
    if dests:
        top = max(dests, key=lambda x: x.closure_hour)
        closure, binding = top.closure_hour, top.binding
    else:
        closure, binding = 0.0, "nothing to move"
    return Estimate(closure_hour=closure, binding=binding, destinations=dests, unassigned=unassigned,
                    lower_bound=lower_bound(s), notes=list(_NOTES))


def _first_destinations(s: Scenario, live: list[str]) -> tuple[dict[str, str], list[str]]:
    """Step 1: each unit to its first allowed destination that some type reaches and can
    carry some of its loads to; the units with none are unassigned."""
    dest_of: dict[str, str] = {}
    unassigned: list[str] = []
    for u in s.units:
        if not demand_of(u):
            continue
        for d in u.destinations:
            if any(_planner_routing(s, u.origin, d, t) is not None and can_carry(facts(s).ac[t], u)
                   for t in live):
                dest_of[u.id] = d
                break
        else:
            unassigned.append(u.id)
    return dest_of, unassigned


def _flow_routes(s: Scenario, key: Flow, live: list[str]) -> list[tuple]:
    """Step 2: per type, what the planner's routing of a flow gives (fixed whatever the
    mix): (type, aircraft, routing, round trip nm, ground uses, aircraft, takes soldiers,
    cargo classes)."""
    o, d = key
    F = facts(s)
    rows = []
    for t in live:
        r = _planner_routing(s, o, d, t)
        if r is None:
            continue
        ac = F.ac[t]
        ground = tuple((g.airfield, (g.end - g.start) / 60.0, mog_of(s, g.airfield)) for g in r.ground)
        rows.append((t, ac, r, sum(leg.dist_nm for leg in r.legs), ground, s.fleet_count(t),
                     ac.carries("pax"), tuple(c for c in COMMODITIES[1:] if ac.carries(CLASS_OF[c]))))
    return rows


def _flow_figures(rows: list[tuple], pax: float, cargo: dict[str, float], w: float) -> dict | None:
    """Tons, sorties, fleet days and ground hours per airfield of moving a mix on a flow
    (``rows`` from :func:`_flow_routes`); ``None`` when nothing of it can be moved."""
    tons = pax * w + sum(cargo.values())
    if tons <= 0:
        return None
    per_type = []
    for t, ac, r, rt_nm, ground, count, takes_pax, classes in rows:
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
    shares = _type_shares(per_type, tons)
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


def _type_shares(per_type: list[tuple], tons: float) -> dict[str, float]:
    """Each type's share of a flow's tons: in proportion to its throughput, but no more
    than the part of the mix it can carry (a passenger jet takes no cargo)."""
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
    return shares


def _waves(s: Scenario, dest_of: dict[str, str], routes: dict[Flow, list[tuple]], w: float
           ) -> dict[float, tuple[float, dict[str, float], dict[Flow, dict]]]:
    """Steps 3 and 4, per readiness wave: from each ready hour on, what is left to move,
    as (fleet days, ramp days per airfield, figures per flow).

    Updated flow by flow as the threshold walks back through the ready hours (only the
    flows of units ready at that hour change).
    """
    waves: dict[float, tuple[float, dict[str, float], dict[Flow, dict]]] = {}
    mix: dict[Flow, list] = {k: [0.0, dict.fromkeys(COMMODITIES[1:], 0.0)] for k in routes}
    figs: dict[Flow, dict] = {}
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
            ff = _flow_figures(routes[key], mix[key][0], dict(mix[key][1]), w)
            if ff is not None:
                figs[key] = ff
                fleet_days += ff["fleet_days"]
                for a_, dd in ff["ground"].items():
                    ramp[a_] += dd
        waves[tau] = (fleet_days, dict(ramp), dict(figs))
    return waves


def _destination_estimate(d: str, flows: dict[Flow, list[Unit]], waves: dict, full: tuple,
                          a0: float) -> DestinationEstimate | None:
    """The estimate of one base from the waves (``full``: the wave of the whole force);
    ``None`` when none of its flows moves anything."""
    full_figs = full[2]
    keys = [k for k in flows if k[1] == d]
    units = [u for k in keys for u in flows[k]]
    figs = [full_figs[k] for k in keys if k in full_figs]
    if not figs:
        return None
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
    origins = {k[0] for k in keys}
    kind = ("fleet" if binding == "fleet" else
            "destination" if binding == d else "origin" if binding in origins else "enroute")
    return DestinationEstimate(
        airfield=d, units=[u.id for u in units], pax=sum(ff["pax"] for ff in figs),
        cargo_stons=sum(ff["cargo"] for ff in figs), stons=tons,
        sorties=sum(ff["sorties"] for ff in figs),
        throughput=_throughput(d, origins, airfields, figs, tons, full),
        binding=kind if kind == "fleet" else f"{kind} {binding}",
        transit_hours=transit, closure_hour=closure,
    )


def _throughput(d: str, origins: set[str], airfields: set[str], figs: list[dict], tons: float,
                full: tuple) -> dict[str, float]:
    """Throughput figures (st/day) for a base's own flows, whole force from the start."""
    full_fleet_days, full_ramp, full_figs = full
    share = tons / sum(ff["tons"] for ff in full_figs.values())
    thr: dict[str, float] = {"fleet": share * sum(ff["tons"] for ff in full_figs.values()) / full_fleet_days
                             if full_fleet_days > 0 else math.inf}

    def station(a: str) -> float:
        # the base's flows get the airfield's throughput in proportion to their ramp use
        own = sum(ff["ground"].get(a, 0.0) for ff in figs)
        return tons / full_ramp[a] if full_ramp.get(a, 0.0) > 0 and own > 0 else math.inf

    thr["destination"] = station(d)
    thr["origin"] = min(station(o) for o in origins)
    stops = airfields - origins - {d}
    thr["enroute"] = min((station(a) for a in stops), default=math.inf)
    return {k: (round(v, 1) if math.isfinite(v) else v) for k, v in thr.items()}
