"""The independent checker of SPEC section 3: does a plan satisfy every rule?

:func:`verify` reads only the scenario, the plan's raw missions, legs, loads and
reported figures, and :mod:`logistics.geo`. It uses no solver code, no routings
(:mod:`logistics.network`) and none of the plan's derived properties or recomputed
figures, so that a bug there cannot hide a broken plan.

Each rule of SPEC §3 is one function; a broken rule yields :class:`Violation` objects
named by the rule:

======== ============ ===============================================================
SPEC     ``rule``     checked here
======== ============ ===============================================================
1        delivery     carried + reported undelivered = required, per unit and
                      commodity; nothing over-delivered; loads only of known units,
                      loaded at the unit's origin, to one destination among the unit's
                      ``destinations``, equal to the reported destination
2        windows      first departure ≥ ``ready_hour + onload_hours`` of every unit
                      aboard; landing within [EAD, LAD] and by the horizon
3        capacity     pax ≤ seats, cargo ≤ ACL, pax/seats + cargo/ACL ≤ 1, cargo
                      classes allowed, loads non-negative and whole soldiers
4        range        payload ≤ ``max_payload_stons``; each outbound leg within the range
                      at the payload, each return leg within the ferry range
5        speed        each leg lasts at least distance / ``cruise_kt``
6        ground       the mission's shape (legs chain from the origin to the origin,
                      through the destination once, stops only from ``enroute``, known
                      airfields) and ground times: ≥ ``enroute_ground_hours`` at stops,
                      ≥ ``offload_hours`` at the destination
7        mog          aircraft on the ground ≤ the ``mog`` in force (``mog_changes``)
8        fleet        aircraft held per type ≤ those available (``available_hour`` to
                      ``until_hour``); the type is in the fleet
9        crew         per type and day ``[24k, 24k+24)``: flying hours within the day
                      ≤ ``ute_hours`` × aircraft available at some instant of the day
10       runways      ``runway_ft`` ≥ ``min_runway_ft`` at every airfield used
11       beddown      full strength of the units sent to a base ≤ its ``capacity_pax``
12       reported     unit results and KPIs equal their recomputation from the missions
5.3      frozen       the previous plan's missions started by ``now`` kept unchanged,
                      none other starting before ``now`` (:mod:`logistics.replan.frozen`)
======== ============ ===============================================================

Tolerances: :data:`TIME_TOL` (hours) on times, :data:`WEIGHT_TOL` (st) on weights.
``python -m logistics.verify SCENARIO PLAN.json`` prints them (exit 1 if any, 2 on bad input).
"""

from __future__ import annotations

import math
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .catalog import AircraftType
from .geo import distance_nm, range_at_payload
from .plan import Mission, Plan
from .scenario import Scenario, Unit
from .units import CARGO, COMMODITIES
from .verify_sweep import over_capacity

RULES = ("delivery", "windows", "capacity", "range", "speed", "ground", "mog", "fleet", "crew",
         "runways", "beddown", "reported", "frozen")
TIME_TOL = 1e-6
WEIGHT_TOL = 1e-6
DIST_TOL = 1e-6
CLASS = {"bulk_stons": "bulk", "oversize_stons": "oversize", "outsize_stons": "outsize"}

__all__ = ["RULES", "Violation", "main", "verify", "verify_summary"]


@dataclass(frozen=True)
class Violation:
    """One broken rule.

    Parameters
    ----------
    rule
        One of :data:`RULES`.
    subject
        What breaks it: a mission, unit, airfield, aircraft type or KPI.
    message
        What is wrong, in plain words, with the numbers.
    """

    rule: str
    subject: str
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.subject}: {self.message}"


# ----- what the checker knows about each mission ---------------------------------------
class _M:
    """One mission's raw facts, read from its legs and loads only."""

    def __init__(self, s: Scenario, m: Mission):
        self.m = m
        self.ac: AircraftType | None = (
            s.aircraft_type(m.aircraft) if m.aircraft in s.fleet_types else None
        )
        self.unknown_fields = sorted(
            {c for lg in m.legs for c in (lg.frm, lg.to) if not _known(s, c)}
            | ({m.origin} if not _known(s, m.origin) else set())
        )
        # SPEC 5.1: with a home other than the origin, the legs before ``io`` position the
        # aircraft (empty) and the onload is on the ground at the origin after them
        self.positions = m.home is not None and m.home != m.origin
        self.io = next((i for i, lg in enumerate(m.legs) if lg.frm == m.origin), None) if self.positions else 0
        start = self.io or 0
        self.arr = next((i for i, lg in enumerate(m.legs) if lg.to == m.destination and i >= start), None)
        self.loads = [ld for ld in m.loads
                      if ld.pax > 0 or ld.bulk_stons > 0 or ld.oversize_stons > 0
                      or ld.outsize_stons > 0]
        self.pax = sum(ld.pax for ld in m.loads)
        self.cargo = {c: sum(getattr(ld, c) for ld in m.loads) for c in CARGO}
        self.cargo_total = sum(self.cargo.values())
        self.arrive = m.legs[self.arr].arrive_hour if self.arr is not None else None
        self.first = m.legs[0].depart_hour if m.legs else None
        self.last = m.legs[-1].arrive_hour if m.legs else None
        self.onload = self.ac.onload_hours if self.ac else 0.0
        #: departure from the origin with the loads, and the origin's ground period
        self.loaded_at = m.legs[self.io].depart_hour if m.legs and self.io is not None else None
        self.at_origin: tuple[float, float] | None = None
        if self.loaded_at is not None:
            landed = m.legs[self.io - 1].arrive_hour if self.io else self.loaded_at - self.onload
            self.at_origin = (landed, self.loaded_at)

    def hold(self) -> tuple[float, float]:
        """When it holds its aircraft: first departure (onload start when it starts at
        the origin) to last landing."""
        first = self.m.legs[0].depart_hour
        return (first if self.positions else first - self.onload), self.m.legs[-1].arrive_hour

    def dist(self, s: Scenario, i: int) -> float | None:
        lg = self.m.legs[i]
        if not (_known(s, lg.frm) and _known(s, lg.to)):
            return None
        return distance_nm(s.airfield(lg.frm), s.airfield(lg.to))


def _known(s: Scenario, icao: str) -> bool:
    try:
        s.airfield(icao)
    except KeyError:
        return False
    return True


class _Ctx:
    def __init__(self, s: Scenario, plan: Plan):
        self.s = s
        self.plan = plan
        self.ms = [_M(s, m) for m in plan.missions]
        self.units: dict[str, Unit] = {u.id: u for u in s.units}
        self.reported: dict[str, object] = {}
        for r in plan.units:
            self.reported.setdefault(r.id, r)
        # what was carried of each unit, and where to
        self.carried: dict[str, dict[str, float]] = {
            u: dict.fromkeys(COMMODITIES, 0.0) for u in self.units}
        self.dests: dict[str, dict[str, list[str]]] = defaultdict(dict)
        self.landings: dict[str, list[float]] = defaultdict(list)
        for mm in self.ms:
            for ld in mm.m.loads:
                if ld.unit not in self.units:
                    continue
                for c in COMMODITIES:
                    self.carried[ld.unit][c] += getattr(ld, c)
            for ld in mm.loads:
                if ld.unit in self.units:
                    self.dests[ld.unit].setdefault(mm.m.destination, []).append(mm.m.id)
                    if mm.arrive is not None:
                        self.landings[ld.unit].append(mm.arrive)

    def missing(self, u: Unit) -> dict[str, float]:
        return {c: u.amount(c) - self.carried[u.id][c] for c in COMMODITIES}

    def fully_delivered(self, u: Unit) -> bool:
        return all(v <= WEIGHT_TOL for v in self.missing(u).values())


def _few(names: Sequence[str], k: int = 8) -> str:
    shown = ", ".join(names[:k])
    return shown + (f" and {len(names) - k} more" if len(names) > k else "")


def _h(x: float | None) -> str:
    return "none" if x is None else f"h{x:.2f}"


def _n(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.3f}".rstrip("0")


# ----- rule 1 --------------------------------------------------------------------------
def _delivery(c: _Ctx) -> Iterator[Violation]:
    s = c.s
    for mm in c.ms:
        m = mm.m
        for j, ld in enumerate(m.loads):
            u = c.units.get(ld.unit)
            if u is None:
                yield Violation("delivery", m.id, f"loads[{j}] is for unit {ld.unit!r}, which is not in the scenario")
                continue
            if u.origin != m.origin:
                yield Violation("delivery", m.id, f"carries {u.id}, which loads at {u.origin}, but the mission loads at {m.origin}")
            if m.destination not in u.destinations:
                yield Violation("delivery", m.id, f"takes {u.id} to {m.destination}, not one of its destinations ({', '.join(u.destinations)})")
    for u in s.units:
        dests = c.dests.get(u.id, {})
        if len(dests) > 1:
            where = "; ".join(f"{d} ({', '.join(ms)})" for d, ms in dests.items())
            yield Violation("delivery", u.id, f"loads go to {len(dests)} destinations ({where}); a unit goes to exactly one")
        r = c.reported.get(u.id)
        for k in COMMODITIES:
            carried = c.carried[u.id][k]
            need = u.amount(k)
            if carried > need + WEIGHT_TOL:
                yield Violation("delivery", u.id, f"{_n(carried)} {k} carried, more than the {_n(need)} required")
        if r is None:
            continue  # reported as missing under "reported"
        for k in COMMODITIES:
            carried = c.carried[u.id][k]
            und = r.undelivered.get(k, 0.0)
            if und < -WEIGHT_TOL:
                yield Violation("delivery", u.id, f"undelivered {k} is {_n(und)}: must be >= 0")
            if abs(carried + und - u.amount(k)) > WEIGHT_TOL:
                yield Violation("delivery", u.id, f"{k}: {_n(carried)} carried + {_n(und)} reported undelivered != {_n(u.amount(k))} required")
        if r.destination is not None and r.destination not in u.destinations:
            yield Violation("delivery", u.id, f"reported destination {r.destination} is not one of its destinations ({', '.join(u.destinations)})")
        if len(dests) == 1:
            (d,) = dests
            if r.destination != d:
                yield Violation("delivery", u.id, f"loads go to {d} but the reported destination is {r.destination}")


# ----- rule 2 --------------------------------------------------------------------------
def _windows(c: _Ctx) -> Iterator[Violation]:
    s = c.s
    for mm in c.ms:
        m = mm.m
        if not mm.loads or mm.loaded_at is None:
            continue
        aboard = [c.units[i] for i in dict.fromkeys(ld.unit for ld in mm.loads) if i in c.units]
        for u in aboard:
            earliest = u.ready_hour + mm.onload
            if mm.loaded_at < earliest - TIME_TOL:
                yield Violation("windows", m.id, f"departs {m.origin} {_h(mm.loaded_at)}, before {u.id} is ready and loaded (ready {_h(u.ready_hour)} + onload {mm.onload:g} h = {_h(earliest)})")
        if mm.arrive is None:
            yield Violation("windows", m.id, f"its loads never arrive: no leg lands at its destination {m.destination}")
            continue
        for u in aboard:
            if mm.arrive < u.earliest_arrival_hour - TIME_TOL:
                yield Violation("windows", m.id, f"lands {u.id} at {_h(mm.arrive)}, before its earliest arrival (EAD) {_h(u.earliest_arrival_hour)}")
            if mm.arrive > s.lad(u) + TIME_TOL:
                yield Violation("windows", m.id, f"lands {u.id} at {_h(mm.arrive)}, after its latest arrival (LAD) {_h(s.lad(u))}")
        if mm.arrive > s.horizon_hours + TIME_TOL:
            yield Violation("windows", m.id, f"lands its loads at {_h(mm.arrive)}, after the horizon {_h(s.horizon_hours)}")


# ----- rule 3 --------------------------------------------------------------------------
def _capacity(c: _Ctx) -> Iterator[Violation]:
    for mm in c.ms:
        m, ac = mm.m, mm.ac
        for j, ld in enumerate(m.loads):
            if ld.pax < 0 or ld.pax != int(ld.pax):
                yield Violation("capacity", m.id, f"loads[{j}].pax is {ld.pax}: must be a whole number >= 0")
            for k in CARGO:
                if getattr(ld, k) < 0:
                    yield Violation("capacity", m.id, f"loads[{j}].{k} is {getattr(ld, k)}: must be >= 0")
        if ac is None:
            continue
        if mm.pax > ac.seats:
            yield Violation("capacity", m.id, f"{mm.pax} soldiers aboard a {ac.type} with {ac.seats} seats")
        if mm.cargo_total > ac.acl_stons + WEIGHT_TOL:
            yield Violation("capacity", m.id, f"{_n(mm.cargo_total)} st of cargo aboard a {ac.type} with an ACL of {_n(ac.acl_stons)} st")
        frac = (mm.pax / ac.seats if ac.seats > 0 else 0.0) + (
            mm.cargo_total / ac.acl_stons if ac.acl_stons > 0 else 0.0)
        if frac > 1 + 1e-6 and mm.pax <= ac.seats and mm.cargo_total <= ac.acl_stons + WEIGHT_TOL:
            yield Violation("capacity", m.id, f"mixed load {mm.pax}/{ac.seats} seats + {_n(mm.cargo_total)}/{_n(ac.acl_stons)} st = {frac:.3f} of the aircraft (> 1)")
        for k in CARGO:
            if mm.cargo[k] > WEIGHT_TOL and CLASS[k] not in ac.cargo_classes:
                allowed = ", ".join(ac.cargo_classes) or "none: passengers only"
                yield Violation("capacity", m.id, f"{_n(mm.cargo[k])} st of {CLASS[k]} cargo on a {ac.type}, which carries {allowed}")


# ----- rule 4 --------------------------------------------------------------------------
def _range(c: _Ctx) -> Iterator[Violation]:
    s = c.s
    pw = s.pax_weight_lb / 2000.0
    for mm in c.ms:
        m, ac = mm.m, mm.ac
        if ac is None:
            continue
        payload = mm.cargo_total + mm.pax * pw
        over = payload > ac.max_payload_stons + WEIGHT_TOL
        if over:
            yield Violation("range", m.id, f"payload {payload:.2f} st ({mm.pax} soldiers x {pw:g} st + {_n(mm.cargo_total)} st) exceeds the {ac.type}'s maximum {_n(ac.max_payload_stons)} st")
        last_loaded = mm.arr if mm.arr is not None else len(m.legs) - 1
        first_loaded = mm.io if mm.io is not None else len(m.legs)
        for i, lg in enumerate(m.legs):
            d = mm.dist(s, i)
            if d is None:
                continue
            if first_loaded <= i <= last_loaded:  # positioning and return legs fly empty
                if over:
                    continue
                p = payload
                rng = range_at_payload(ac, min(p, ac.max_payload_stons))
            else:
                p = 0.0
                rng = range_at_payload(ac, 0.0)
            if d > rng + DIST_TOL:
                yield Violation("range", m.id, f"leg {i} {lg.frm}-{lg.to} is {d:,.0f} nm, beyond the {ac.type}'s range of {rng:,.0f} nm at {p:.2f} st")


# ----- rule 5 --------------------------------------------------------------------------
def _speed(c: _Ctx) -> Iterator[Violation]:
    s = c.s
    for mm in c.ms:
        m, ac = mm.m, mm.ac
        if ac is None:
            continue
        for i, lg in enumerate(m.legs):
            d = mm.dist(s, i)
            if d is None:
                continue
            need = d / ac.cruise_kt
            took = lg.arrive_hour - lg.depart_hour
            if took < need - TIME_TOL:
                yield Violation("speed", m.id, f"leg {i} {lg.frm}-{lg.to} ({d:,.0f} nm) takes {took:.3f} h, less than {need:.3f} h at the {ac.type}'s {ac.cruise_kt:g} kt")


# ----- rule 6 --------------------------------------------------------------------------
def _ground(c: _Ctx) -> Iterator[Violation]:
    s = c.s
    enroute = set(s.enroute)
    seen: set[str] = set()
    for mm in c.ms:
        m, ac = mm.m, mm.ac
        if m.id in seen:
            yield Violation("ground", m.id, "mission id used more than once")
        seen.add(m.id)
        legs = m.legs
        for code in mm.unknown_fields:
            yield Violation("ground", m.id, f"uses airfield {code}, which is unknown (not in the catalogue nor the scenario)")
        if not legs:
            yield Violation("ground", m.id, "has no legs")
            continue
        if m.destination == m.origin:
            yield Violation("ground", m.id, f"its destination is its origin {m.origin}")
        yield from _route_ends(mm)
        io = mm.io or 0
        visits = sum(1 for lg in legs[io:] if lg.to == m.destination)
        if visits == 0:
            yield Violation("ground", m.id, f"never lands at its destination {m.destination}")
        elif visits > 1 and m.destination != m.origin:
            yield Violation("ground", m.id, f"lands at its destination {m.destination} {visits} times; a mission offloads once")
        for i in range(len(legs) - 1):
            a, b = legs[i], legs[i + 1]
            if a.to != b.frm:
                yield Violation("ground", m.id, f"leg {i} lands at {a.to} but leg {i + 1} leaves from {b.frm}")
                continue
            is_dest = i == mm.arr
            is_origin = mm.positions and i == io - 1  # landed at the origin from its home
            if not (is_dest or is_origin) and a.to not in enroute:
                way = "to its origin" if i < io - 1 else "out" if mm.arr is None or i < mm.arr else "back"
                yield Violation("ground", m.id, f"stops at {a.to} on the way {way} (after leg {i}), which is not an allowed en-route stop ({', '.join(s.enroute) or 'none'})")
            gap = b.depart_hour - a.arrive_hour
            if ac is None:
                if gap < -TIME_TOL:
                    yield Violation("ground", m.id, f"leaves {a.to} at {_h(b.depart_hour)}, before landing there at {_h(a.arrive_hour)}")
                continue
            need = ac.onload_hours if is_origin else ac.offload_hours if is_dest else ac.enroute_ground_hours
            what = "onload at the origin" if is_origin else "offload at the destination" if is_dest \
                else "en-route ground time"
            if gap < need - TIME_TOL:
                yield Violation("ground", m.id, f"on the ground at {a.to} {gap:.3f} h ({_h(a.arrive_hour)}-{_h(b.depart_hour)}), less than the {ac.type}'s {what} of {need:g} h")


def _route_ends(mm: _M) -> Iterator[Violation]:
    """Where the trip starts and ends: its home (SPEC 5.1), else its origin."""
    m, legs = mm.m, mm.m.legs
    end, what = (m.home, "home") if mm.positions else (m.origin, "origin")
    if mm.positions and m.destination == m.home:
        yield Violation("ground", m.id, f"its destination is its home {m.home}")
    if legs[0].frm != end:
        yield Violation("ground", m.id, f"first leg leaves {legs[0].frm}, not its {what} {end}")
    if mm.io is None:
        yield Violation("ground", m.id, f"never leaves its origin {m.origin}: nothing could be loaded")
    if legs[-1].to != end:
        yield Violation("ground", m.id, f"last leg lands at {legs[-1].to}, not back at its {what} {end}")


# ----- rules 7 and 8 -------------------------------------------------------------------
def _mog(c: _Ctx) -> Iterator[Violation]:
    s = c.s
    per: dict[str, list[tuple[float, float, str]]] = defaultdict(list)
    for mm in c.ms:
        m = mm.m
        if not m.legs:
            continue
        if not mm.positions:  # after positioning, the landing at the origin starts its ground time
            per[m.legs[0].frm].append((mm.first - mm.onload, mm.first, m.id))
        for i in range(len(m.legs) - 1):
            per[m.legs[i].to].append((m.legs[i].arrive_hour, m.legs[i + 1].depart_hour, m.id))
    for af in sorted(per):
        if not _known(s, af):
            continue
        pieces = s.mog_pieces(af)  # SPEC 5.2: the MOG in force at each instant
        steps = [(a if a > 0 else -math.inf, m - (pieces[i - 1][2] if i else 0)) for i, (a, _, m) in enumerate(pieces)]
        for a, b, peak, cap, names in over_capacity(per[af], steps, TIME_TOL):
            b = b + TIME_TOL
            yield Violation("mog", af, f"{peak} aircraft on the ground {_h(a)}-{_h(b)}, MOG {cap:g} (missions {_few(names)})")


def _fleet(c: _Ctx) -> Iterator[Violation]:
    """Per pool (type and home, SPEC 5.1), aircraft held at once within those available."""
    s = c.s
    pools = set(s.pools)
    per: dict[tuple[str, str | None], list[tuple[float, float, str]]] = defaultdict(list)
    stray: dict[str, list[str]] = defaultdict(list)
    for mm in c.ms:
        m = mm.m
        if not m.legs:
            continue
        if mm.ac is None or (m.aircraft, m.home) not in pools:
            stray[_pool(m.aircraft, m.home)].append(m.id)
            continue
        per[(m.aircraft, m.home)].append((*mm.hold(), m.id))
    for t, ids in stray.items():
        yield Violation("fleet", t, f"{'pool' if '@' in t else 'type'} {t} is not in the fleet, yet missions fly it: {_few(ids)}")
    for t, home in sorted(per, key=lambda p: (p[0], p[1] or "")):
        steps = [(h, float(n)) for h, n in s.fleet_steps(t, home)]
        for a, b, peak, cap, names in over_capacity(per[(t, home)], steps, TIME_TOL):
            b = b + TIME_TOL
            yield Violation("fleet", _pool(t, home), f"{peak} aircraft held {_h(a)}-{_h(b)}, only {cap:g} available (missions {_few(names)})")


def _pool(type_code: str, home: str | None) -> str:
    return type_code if home is None else f"{type_code}@{home}"


# ----- rule 9 --------------------------------------------------------------------------
def _crew(c: _Ctx) -> Iterator[Violation]:
    s = c.s
    flown: dict[tuple[str, int], float] = defaultdict(float)
    last = math.ceil(s.horizon_hours / 24) + 1  # days past it are the windows rule's (a malformed plan)
    for mm in c.ms:
        if mm.ac is None:
            continue
        for lg in (lg for lg in mm.m.legs if lg.arrive_hour > lg.depart_hour):
            a, b = lg.depart_hour, lg.arrive_hour
            for k in range(max(math.floor(a / 24), -1), min(math.ceil(b / 24), last)):  # not past the horizon
                x = min(b, 24 * k + 24) - max(a, 24 * k)
                if x > 0:
                    flown[(mm.m.aircraft, k)] += x
    for (t, k), hrs in sorted(flown.items()):
        ac = s.aircraft_type(t)
        avail = s.fleet_day_count(t, k)  # available at some instant of the day
        limit = ac.ute_hours * avail
        if hrs > limit + TIME_TOL:
            yield Violation("crew", t, f"flew {hrs:.2f} h on day {k} (h{24 * k}-h{24 * k + 24}), more than {ac.ute_hours:g} h x {avail} aircraft = {limit:g} h")


# ----- rule 10 -------------------------------------------------------------------------
def _runways(c: _Ctx) -> Iterator[Violation]:
    s = c.s
    for mm in c.ms:
        m, ac = mm.m, mm.ac
        if ac is None or ac.min_runway_ft is None:
            continue
        used = dict.fromkeys([m.origin, *(x for lg in m.legs for x in (lg.frm, lg.to))])
        for af in used:
            if not _known(s, af):
                continue
            rw = s.airfield(af).runway_ft
            if rw is not None and rw < ac.min_runway_ft:
                yield Violation("runways", m.id, f"a {ac.type} (needs {ac.min_runway_ft:,.0f} ft) uses {af}, whose runway is {rw:,.0f} ft")


# ----- rule 11 -------------------------------------------------------------------------
def _beddown(c: _Ctx) -> Iterator[Violation]:
    s = c.s
    at: dict[str, list[Unit]] = defaultdict(list)
    for u in s.units:
        r = c.reported.get(u.id)
        if r is not None:
            d = r.destination
        else:
            ds = list(c.dests.get(u.id, {}))
            d = ds[0] if ds else None
        if d is not None:
            at[d].append(u)
    for d in s.destinations:
        if d.capacity_pax is None:
            continue
        us = at.get(d.airfield, [])
        total = sum(u.pax for u in us)
        if total > d.capacity_pax:
            who = ", ".join(f"{u.id} {u.pax:,}" for u in us)
            yield Violation("beddown", d.airfield, f"{total:,} soldiers sent ({who}), over its capacity of {d.capacity_pax:,}")


# ----- rule 12 -------------------------------------------------------------------------
def _close(a: float | None, b: float | None, tol: float = TIME_TOL) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol


def _reported(c: _Ctx) -> Iterator[Violation]:
    s, plan = c.s, c.plan
    ids = [r.id for r in plan.units]
    for i in sorted({i for i in ids if ids.count(i) > 1}):
        yield Violation("reported", i, "reported more than once in units")
    for i in dict.fromkeys(ids):
        if i not in c.units:
            yield Violation("reported", i, "reported in units but not in the scenario")
    late_strict = late_loose = 0
    und_pax = 0.0
    und_st = 0.0
    for u in s.units:
        missing = c.missing(u)
        und_pax += max(0.0, missing["pax"])
        und_st += sum(max(0.0, missing[k]) for k in CARGO)
        full = c.fully_delivered(u)
        closure = max(c.landings[u.id]) if full and c.landings.get(u.id) else None
        late = max(0.0, closure - s.rdd(u)) if closure is not None else (0.0 if full else None)
        if late is not None:
            late_strict += late > TIME_TOL
            late_loose += late > 0
        r = c.reported.get(u.id)
        if r is None:
            yield Violation("reported", u.id, "no result reported for this unit")
            continue
        for k in COMMODITIES:
            got = r.delivered.get(k, 0.0)
            if abs(got - c.carried[u.id][k]) > WEIGHT_TOL:
                yield Violation("reported", u.id, f"delivered {k} reported {_n(got)}, the loads carry {_n(c.carried[u.id][k])}")
        if full:
            if not _close(r.closure_hour, closure):
                yield Violation("reported", u.id, f"closure_hour reported {_h(r.closure_hour)}, its last load lands at {_h(closure)}")
            if closure is None:
                ok = r.late_hours is None or abs(r.late_hours) <= TIME_TOL
            else:
                ok = _close(r.late_hours, late)
            if not ok:
                yield Violation("reported", u.id, f"late_hours reported {r.late_hours}, should be {late:.3f} (closure {_h(closure)} - required {_h(s.rdd(u))}, at least 0)")
        else:
            if r.closure_hour is not None or r.late_hours is not None:
                yield Violation("reported", u.id, "not fully delivered, so closure_hour and late_hours must be null")
    kp = plan.kpis
    landings = [mm.arrive for mm in c.ms if mm.loads and mm.arrive is not None]
    truth = {
        "closure_hour": max(landings) if landings else None,
        "missions": len(plan.missions),
        "flying_hours": sum(lg.arrive_hour - lg.depart_hour for m in plan.missions for lg in m.legs),
        "undelivered_pax": und_pax,
        "undelivered_stons": und_st,
    }
    n_legs = sum(len(m.legs) for m in plan.missions)
    tol = {"closure_hour": TIME_TOL, "missions": 0.0, "flying_hours": TIME_TOL * max(1, n_legs),
           "undelivered_pax": 0.0, "undelivered_stons": WEIGHT_TOL * max(1, len(s.units))}
    for k, v in truth.items():
        if k not in kp:
            yield Violation("reported", f"kpis.{k}", "is missing")
        elif not _close(kp[k], v, tol[k]):
            yield Violation("reported", f"kpis.{k}", f"reported {kp[k]}, recomputed {v:.6g}" if v is not None else f"reported {kp[k]}, should be null (no load lands)")
    if "late_units" not in kp:
        yield Violation("reported", "kpis.late_units", "is missing")
    elif not (kp["late_units"] is not None and late_strict <= kp["late_units"] <= late_loose):
        yield Violation("reported", "kpis.late_units", f"reported {kp['late_units']}, recomputed {late_strict}")


_CHECKS = (_delivery, _windows, _capacity, _range, _speed, _ground, _mog, _fleet, _crew, _runways,
           _beddown, _reported)


def verify(scenario: Scenario, plan: Plan, *, previous: Plan | None = None,
           now_hour: float | None = None) -> list[Violation]:
    """Check a plan against every rule of SPEC section 3.

    Parameters
    ----------
    scenario
        The scenario the plan answers.
    plan
        The plan, as read from a file or built by a solver.
    previous, now_hour
        A re-plan's plan being flown and hour (SPEC 5.3): checks rule ``frozen``.

    Returns
    -------
    list of Violation
        Empty when the plan satisfies every rule; otherwise in rule order (1 to 12).
    """
    ctx = _Ctx(scenario, plan)
    out: list[Violation] = []
    for check in _CHECKS:
        out.extend(check(ctx))
    if previous is not None and now_hour is not None:  # SPEC 5.3
        from .replan.frozen import frozen_problems
        out += [Violation("frozen", *p) for p in frozen_problems(scenario, plan, previous, now_hour)]
    return out


def verify_summary(violations: Sequence[Violation]) -> str:
    """A short report: a headline with counts per rule, then one line per violation."""
    if not violations:
        return "OK: the plan satisfies every rule (SPEC section 3)"
    counts = Counter(v.rule for v in violations)
    n = len(violations)
    head = f"{n} violation{'s' if n != 1 else ''} (" + ", ".join(f"{r} {k}" for r, k in counts.items()) + ")"
    return "\n".join([head, *(f"  {v}" for v in violations)])


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m logistics.verify SCENARIO PLAN``: ``logistics verify`` (0 valid, 1 violations, 2 bad input)."""
    from .cli.verify import main as command

    return command(argv)


if __name__ == "__main__":
    sys.exit(main())
elif __name__ in sys.orig_argv and sys.orig_argv[sys.orig_argv.index(__name__) - 1] == "-m":
    # `python -m logistics.verify`: the package imported this module before runpy runs the
    # file again as __main__, and runpy warns of the two copies. The script only hands its
    # arguments to the command line, which uses this copy: nothing mixes them.
    import warnings

    warnings.filterwarnings("ignore", category=RuntimeWarning, module="runpy",
                            message=f"'{__name__}' found in sys.modules")
