"""Seeded generators of hard operations: the benchmark's family of kinds (issue 21).

``generate_family(kind, seed, units)`` builds a valid :class:`~logistics.scenario.Scenario`
in which one limit of real airlift binds, so that a planner's tool is tested where it
is weak and not only on closure-bound deployments (:mod:`logistics.generate`). The kinds
are listed in :data:`FAMILY_KINDS`; each has a range of unit counts
(:data:`UNIT_RANGES`, within 6-60), and without ``units`` the seed picks one in it.

Every choice comes from one ``random.Random(f"{kind}:{seed}")``, so equal arguments
give equal scenarios. Places and aircraft come from the bundled catalogues; the Pacific
airfields and the forward strips are added in ``airfields[]`` with public coordinates
(runway and MOG are assumptions, marked so in their ``source``). Every unit can land
some of its loads at an allowed base by its latest arrival
(:func:`~logistics.network.fastest_arrival`), and all of them except where the kind says
otherwise (``unreachable-lad``); the windows are set from the fastest routings of the
scenario's own fleet, onload and availability included.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

from .generate import _C17_EQUIV, _START, SizeSpec, _half, _make_unit, c17_loads
from .network import fastest_arrival, routings, scenario_warnings
from .scenario import Scenario, Unit
from .units import CARGO, CLASS_OF, COMMODITIES, hours

#: kind -> what it stresses
FAMILY_KINDS: dict[str, str] = {
    "crew-bound": "long range (4,000-6,000 nm, CONUS to the Gulf or to the western Pacific), few "
                  "aircraft with a short crew day: daily crew hours bind every day; two origins, three "
                  "bases, one with MOG 1",
    "mog-tight": "every mission passes one airfield with MOG 1 or 2: the only destination, or the "
                 "only en-route stop of origins beyond ferry range of the bases",
    "tight-rdd": "required dates a few hours after the fastest possible arrival, priorities 1-9, a "
                 "lean fleet: lateness binds",
    "unreachable-lad": "latest arrivals that some units' cargo cannot make although their soldiers "
                       "can (fast passenger jets), and a scarce fleet trading seats against cargo: "
                       "undelivered binds",
    "beds-forced": "base capacities that house every unit under one assignment of units to bases "
                   "only; first come, first housed strands units",
    "mixed-classes": "oversize and outsize cargo, forward strips only C-130s can use, a base too "
                     "short for airliners, outsize only on C-5 and C-17",
    "craf-late": "CRAF passenger and cargo jets available only late in the window, a small "
                 "organic fleet before them",
    "multi-origin": "4-6 origins sharing one lean fleet",
}
#: kind -> (fewest, most) units
UNIT_RANGES: dict[str, tuple[int, int]] = {
    "crew-bound": (6, 30), "mog-tight": (6, 40), "tight-rdd": (8, 60), "unreachable-lad": (6, 40),
    "beds-forced": (9, 60), "mixed-classes": (8, 48), "craf-late": (6, 40), "multi-origin": (12, 60),
}

_SRC = "assumption: coordinates from public airport data; runway and MOG assumed by logistics.families"
#: Pacific airfields absent from the bundled catalogue: (name, lat, lon, runway ft, MOG)
PACIFIC = {
    "KSUU": ("Travis AFB, CA", 38.2627, -121.9275, 11001, 8),
    "PHIK": ("Hickam AFB, HI", 21.3187, -157.9224, 12300, 8),
    "PAED": ("Elmendorf AFB, AK", 61.2509, -149.8064, 10000, 6),
    "PWAK": ("Wake Island Airfield", 19.2823, 166.6365, 9800, 3),
    "PGUA": ("Andersen AFB, Guam", 13.5840, 144.9300, 11185, 6),
    "RODN": ("Kadena AB, Okinawa", 26.3556, 127.7675, 12100, 6),
    "RKSO": ("Osan AB, Korea", 37.0906, 127.0297, 9000, 4),
    "RJTY": ("Yokota AB, Japan", 35.7485, 139.3485, 11000, 4),
}
PACIFIC_BASES = ("PGUA", "RODN", "RKSO", "RJTY")
PACIFIC_STOPS = ("PHIK", "PAED", "PWAK")
#: CONUS ports 4,000-6,000 nm from the Gulf bases below (great circle)
GULF_NEAR_ORIGINS = ("KPOB", "KDOV", "KGTB")
GULF_NEAR_BASES = ("OKAS", "OKBK", "OKAJ", "ORAA", "ORER", "ORBI", "OJMS")
#: CONUS ports farther than a C-17's ferry range (6,200 nm) from these Gulf bases
FAR_ORIGINS = ("KGRK", "KBIF")
FAR_BASES = ("OKAS", "OKBK", "ORAA", "ORBI", "ORER")
EAST_ORIGINS = ("KPOB", "KCHS", "KDOV", "KHOP", "KSVN", "KGTB")
BASES = ("OKAS", "OKBK", "OKAJ", "OTBH", "ORAA", "ORBI", "ORER", "OJMS")
_PRIORITY_WEIGHTS = (3, 4, 5, 5, 6, 3, 2, 1, 1)


# ----- shared pieces ---------------------------------------------------------------------
def _entry(icao: str, name: str, lat: float, lon: float, runway: float, mog: int,
           source: str = _SRC) -> dict[str, Any]:
    return {"icao": icao, "name": name, "lat": lat, "lon": lon, "runway_ft": float(runway), "mog": mog,
            "source": source}


def _pacific(icao: str, mog: int | None = None) -> dict[str, Any]:
    name, lat, lon, rw, m = PACIFIC[icao]
    return _entry(icao, name, lat, lon, rw, m if mog is None else mog)


def _units(rng: random.Random, n: int, cap: float, *, outsize: bool = True, first: int = 0) -> list[dict[str, Any]]:
    """``n`` units of at most ``cap`` C-17 loads each (kinds of :mod:`logistics.generate`);
    without ``outsize`` their outsize cargo is counted as oversize."""
    spec = SizeSpec(units=n, origins=(1, 1), destinations=1, aircraft_types=1, horizon_hours=1.0,
                    enroute=0, max_loads_per_unit=cap, margin_hours=0.0)
    out = []
    for i in range(first, first + n):
        u = _make_unit(rng, spec, i)
        if not outsize and "outsize_stons" in u:
            u["oversize_stons"] = round(u.get("oversize_stons", 0.0) + u.pop("outsize_stons"), 1)
        out.append(u)
    return out


def _spread(rng: random.Random, units: list[dict[str, Any]], origins: list[str]) -> None:
    """Give every unit an origin (each origin used) and a priority."""
    order = origins + [rng.choice(origins) for _ in range(len(units) - len(origins))]
    rng.shuffle(order)
    for u, o in zip(units, order, strict=True):
        u["origin"] = o
        u["priority"] = rng.choices(range(1, 10), weights=_PRIORITY_WEIGHTS)[0]


def _loads(u: dict[str, Any]) -> float:
    return c17_loads(u["pax"], sum(u.get(c, 0.0) for c in CARGO))


def _draft(base: dict[str, Any], units: list[dict[str, Any]]) -> Scenario:
    """The scenario with the units' ready hours but no dates, for routings and arrivals."""
    keep = ("id", "name", "origin", "destinations", "pax", *CARGO, "ready_hour", "priority")
    return Scenario.from_dict({**base, "horizon_hours": 10_000.0,
                               "units": [{k: u[k] for k in keep if k in u} for u in units]})


def arrivals(s: Scenario, u: Unit) -> dict[str, float]:
    """Per commodity of the unit, the earliest hour a load of it can land at an allowed
    base: ready (or the type's first availability) + the fastest routing of a type that
    carries it (onload included). The unit can close no earlier than the largest."""
    out: dict[str, float] = {}
    for c in COMMODITIES:
        if u.amount(c) <= 0:
            continue
        best = math.inf
        for t in s.fleet_types:
            ac = s.aircraft_type(t)
            avail = [h for h, n in s.fleet_steps(t) if n > 0]
            if not avail or not ac.carries(CLASS_OF[c]):
                continue
            for d in u.destinations:
                for r in routings(s, u.origin, d, t):
                    best = min(best, max(u.ready_hour, avail[0]) + hours(r.arrive))
        out[c] = best
    return out


def _trip_hours(s: Scenario, u: Unit, t: str = "C-17A") -> float:
    """Flying hours of the round trip of type ``t`` that carries the most, fastest first,
    to the unit's allowed bases (of the fleet's first type that flies there if ``t`` does
    not)."""
    for ty in (t, *s.fleet_types):
        rs = [r for d in u.destinations for r in routings(s, u.origin, d, ty)]
        if rs:
            break
    best = min(rs, key=lambda r: (-r.payload_stons, r.arrive))
    return hours(best.flight_minutes)


def _fleet(rng: random.Random, need: float, shares: dict[str, float],
           later: dict[str, float] | None = None, extra: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Aircraft worth ``need`` C-17s, split by ``shares``, at least two of each type (one
    aircraft's crew day is shorter than a transatlantic leg); ``later`` sets an available
    hour per type and ``extra`` adds catalogue overrides to every entry."""
    total = sum(shares.values())
    out = []
    for t, sh in shares.items():
        n = max(2, round(sh / total * need / _C17_EQUIV[t]))
        e: dict[str, Any] = {"type": t, "count": n, **(extra or {})}
        if later and t in later:
            e["available_hour"] = later[t]
        out.append(e)
    return out


def _peak(rows: list[tuple[float, float, float]]) -> float:
    """The largest sum of rates ``r`` over rows ``(from, to, r)`` active at one instant."""
    return max(sum(r for a, b, r in rows if a <= t < b) for t, _, _ in rows)


def _head(kind: str, seed: int, n: int) -> dict[str, Any]:
    return {
        "format": "logistics-scenario/1",
        "name": f"Hard {kind} #{seed}",
        "description": (f"Generated by logistics.families.generate_family({kind!r}, seed={seed}, units={n}): "
                        f"{FAMILY_KINDS[kind]}. Units, sizes, windows and fleet are synthetic; airfields and "
                        "aircraft come from the bundled catalogues, with assumed runways and MOG where "
                        "airfields[] says so."),
        "start": _START,
    }


def _base(kind: str, seed: int, n: int, airfields: list[dict[str, Any]], types: dict[str, float],
          bases: list[str], stops: list[str], **extra: Any) -> dict[str, Any]:
    """The scenario's frame; one aircraft per type until the fleet is sized."""
    return {**_head(kind, seed, n), "airfields": airfields,
            "aircraft": [{"type": t, "count": 1, **extra} for t in types],
            "destinations": [{"airfield": b} for b in bases], "enroute": stops}


def _dated(rng: random.Random, s: Scenario, units: list[dict[str, Any]], rdd: tuple[float, float],
           lad: tuple[float, float] | None) -> list[tuple[float, float, float]]:
    """Required dates ``rdd`` hours after each unit's fastest closure (:func:`arrivals`), and
    latest arrivals ``lad`` hours after it (``None``: the horizon); returns the C-17 crew
    demand of each unit ``(ready, latest, aircraft)`` (its window until ``lad``, or a week)."""
    rows = []
    for u, su in zip(units, s.units, strict=True):
        fa = max(arrivals(s, su).values())
        u["required_hour"] = float(math.ceil(fa + rng.uniform(*rdd)))
        end = fa + 168.0
        if lad is not None:
            end = u["latest_arrival_hour"] = float(math.ceil(u["required_hour"] + rng.uniform(*lad)))
        days = (end - su.ready_hour) / 24.0
        rows.append((su.ready_hour, end, _loads(u) * _trip_hours(s, su) / 12.0 / days))
    return rows


def _horizon(units: list[dict[str, Any]], at_least: float) -> float:
    last = max([at_least, *(u.get("latest_arrival_hour", 0.0) for u in units),
                *(u["required_hour"] for u in units)])
    return 24.0 * math.ceil(last / 24.0 - 1e-9)


# ----- the kinds ---------------------------------------------------------------------------
def _crew_bound(rng: random.Random, kind: str, seed: int, n: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    pacific = rng.random() < 0.5
    if pacific:
        origins, bases, stops = ["KTCM", "KSUU"], rng.sample(PACIFIC_BASES, 3), rng.sample(PACIFIC_STOPS, 2)
    else:
        origins, bases, stops = rng.sample(GULF_NEAR_ORIGINS, 2), rng.sample(GULF_NEAR_BASES, 3), ["ETAR", "LERT"]
    tight = rng.choice(bases)
    if pacific:
        airfields = [_pacific(a, 1 if a == tight else None) for a in ("KSUU", *stops, *bases)]
    else:
        airfields = [{"icao": tight, "mog": 1}]
    ute = float(rng.choice((6, 7, 8)))
    types = {"C-17A": 1.0, **({"C-5M": 0.4} if rng.random() < 0.4 else {})}
    units = _units(rng, n, 2.0)
    _spread(rng, units, origins)
    for u in units:
        u["destinations"] = rng.sample(bases, rng.choice((1, 1, 2)))
        u["ready_hour"] = _half(rng.uniform(0, 24))
    base = _base(kind, seed, n, airfields, types, bases, stops, ute_hours=ute)
    s = _draft(base, units)
    work = sum(_loads(u) * _trip_hours(s, su) for u, su in zip(units, s.units, strict=True))
    days = rng.uniform(4, 6) + n / 8  # the crews of the fleet fly the work in about this
    base["aircraft"] = _fleet(rng, work / (ute * days), types, extra={"ute_hours": ute})
    _dated(rng, s, units, (0.05 * 24 * days, 0.7 * 24 * days), None)
    base["horizon_hours"] = _horizon(units, 24.0 * (days * 1.8 + 2))
    return base, units


def _mog_tight(rng: random.Random, kind: str, seed: int, n: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    via_stop = rng.random() < 0.4
    mog = rng.choice((1, 2))
    if via_stop:  # beyond ferry range: out and back through the one stop
        origins, neck = rng.sample(FAR_ORIGINS, rng.randint(1, 2)), rng.choice(("LERT", "LEMO", "ETAR"))
        bases, stops = rng.sample(FAR_BASES, 2), [neck]
        types = {"C-17A": 1.0, **({"KC-46A": 0.2} if rng.random() < 0.5 else {})}
        ground = 2 * 2.25
    else:
        origins, neck = rng.sample(EAST_ORIGINS, rng.randint(1, 3)), rng.choice(GULF_NEAR_BASES)
        bases, stops = [neck], rng.sample(("ETAR", "LERT", "LICZ"), 2)
        types = {"C-17A": 0.6, "C-5M": 0.25, "CRAF-B747-PAX": 0.15}
        ground = 3.25
    units = _units(rng, n, 2.5)
    _spread(rng, units, origins)
    for u in units:
        u["destinations"] = rng.sample(bases, rng.randint(1, len(bases)))
        u["ready_hour"] = _half(rng.uniform(0, 12))
    if sum(_loads(u) for u in units) < 15:
        mog = 1  # too few loads to keep two parking spots busy
    base = _base(kind, seed, n, [{"icao": neck, "mog": mog}], types, bases, stops)
    s = _draft(base, units)
    per_day = mog * 24 / ground  # missions through the neck a day
    days = sum(_loads(u) for u in units) / per_day
    trip = max(_trip_hours(s, su) for su in s.units)
    base["aircraft"] = _fleet(rng, per_day * trip / 12.0 * rng.uniform(1.2, 1.6), types)
    _dated(rng, s, units, (0.2 * 24 * days, 24 * days + 12), None)
    base["horizon_hours"] = _horizon(units, 24.0 * (days * 1.6 + 2.5))
    return base, units


def _tight_rdd(rng: random.Random, kind: str, seed: int, n: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    origins, bases = rng.sample(EAST_ORIGINS, rng.randint(2, 3)), rng.sample(BASES, rng.randint(2, 3))
    types = {"C-17A": 0.6, "C-5M": 0.2, "CRAF-B747-PAX": 0.2}
    units = _units(rng, n, 2.5)
    _spread(rng, units, origins)
    for u in units:
        u["destinations"] = rng.sample(bases, rng.choice((1, 1, 2)))
        u["ready_hour"] = _half(rng.uniform(0, 72))
        u["priority"] = rng.randint(1, 9)
    base = _base(kind, seed, n, [], types, bases, ["ETAR", "LERT", "LICZ"])
    s = _draft(base, units)
    rows = _dated(rng, s, units, (0.0, 6.0), (48.0, 120.0))
    base["aircraft"] = _fleet(rng, _peak(rows) * rng.uniform(0.9, 1.2), types)
    base["horizon_hours"] = _horizon(units, 0.0)
    return base, units


def _unreachable_lad(rng: random.Random, kind: str, seed: int, n: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    # ports long enough for airliners (Pope Field is not): soldiers fly the fast jets
    origins = rng.sample(("KDOV", "KGTB", "KCHS"), rng.randint(1, 2))
    bases = rng.sample(("OKAS", "OKBK", "ORAA", "ORBI", "OJMS"), rng.randint(1, 2))
    types = {"C-17A": 0.6, "CRAF-B747-PAX": 0.25, **({"C-5M": 0.15} if rng.random() < 0.5 else {})}
    units = _units(rng, n, 2.0)
    _spread(rng, units, origins)
    for u in units:
        u["destinations"] = rng.sample(bases, 1)
        u["ready_hour"] = _half(rng.uniform(0, 36))
    cut = set(rng.sample(range(n), max(1, round(n * rng.uniform(0.25, 0.5)))))
    base = _base(kind, seed, n, [], types, bases, ["ETAR", "LERT"])
    s = _draft(base, units)
    rows = _dated(rng, s, units, (0.0, 12.0), (6.0, 24.0))
    for i, (u, su) in enumerate(zip(units, s.units, strict=True)):
        arr = arrivals(s, su)
        pax, cargo = arr["pax"], min(arr[c] for c in CARGO if c in arr)
        if i in cut and cargo - pax > 0.5:  # soldiers can make it on a fast jet, cargo cannot
            u["latest_arrival_hour"] = u["required_hour"] = round(pax + rng.uniform(0.25, 0.75) * (cargo - pax), 2)
    base["aircraft"] = _fleet(rng, _peak(rows) * rng.uniform(0.5, 0.8), types)
    base["horizon_hours"] = _horizon(units, 0.0)
    return base, units


def _beds_forced(rng: random.Random, kind: str, seed: int, n: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    from .catalog import airfield_catalog
    from .geo import distance_nm

    origins, k = rng.sample(EAST_ORIGINS, rng.randint(2, 3)), rng.randint(3, 4)
    cat = airfield_catalog()
    # farthest first: the other base a unit may use is the next, nearer one, so a unit
    # housed where it lands first takes a bed that the next base's own units need
    bases = sorted(rng.sample(BASES, k), key=lambda b: -distance_nm(cat[origins[0]], cat[b]))
    types = {"C-17A": 0.6, "C-5M": 0.15, "CRAF-B747-PAX": 0.15, "CRAF-B747-F": 0.1}
    units = _units(rng, n, 2.5)
    _spread(rng, units, origins)
    home = list(range(k)) + [rng.randrange(k) for _ in range(n - k)]
    rng.shuffle(home)
    beds = [0] * k
    for u, j in zip(units, home, strict=True):
        # the staircase: base j's beds fit exactly its own units, and only they and the
        # units of base j - 1 may use it, so the only way to house everyone is to fill
        # base 0 with its own units, then base 1 with its own, and so on. Each unit lists
        # its own base first, as a deployment order lists the preferred one.
        u["destinations"] = bases[j:j + 2]
        u["ready_hour"] = _half(rng.uniform(0, 48))
        beds[j] += u["pax"]
    base = _base(kind, seed, n, [], types, bases, ["ETAR", "LERT", "LICZ"])
    base["destinations"] = [{"airfield": b, "capacity_pax": c} for b, c in zip(bases, beds, strict=True)]
    s = _draft(base, units)
    rows = _dated(rng, s, units, (12.0, 48.0), (36.0, 96.0))
    base["aircraft"] = _fleet(rng, _peak(rows) * rng.uniform(1.4, 1.8), types)
    base["horizon_hours"] = _horizon(units, 0.0)
    return base, units


def _mixed_classes(rng: random.Random, kind: str, seed: int, n: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    conus, europe = rng.sample(("KPOB", "KDOV", "KCHS"), rng.randint(1, 2)), rng.sample(("ETAR", "LICZ"), rng.randint(1, 2))
    gulf = rng.sample(("OKAS", "OKBK", "ORAA", "OJMS", "ORBI"), 2)
    # forward strips in the desert west of the Euphrates: too short for all but the C-130J
    strips = [_entry(f"ZF{i + 1:02d}", f"Forward airstrip {i + 1}", round(rng.uniform(32.0, 35.0), 4),
                     round(rng.uniform(38.5, 42.5), 4), rng.choice((3000, 3200, 3400)), 2,
                     "assumption: synthetic forward strip made by logistics.families") for i in range(rng.randint(1, 2))]
    medium = _entry("ZM01", "Expeditionary base (7,500 ft)", round(rng.uniform(29.5, 32.5), 4),
                    round(rng.uniform(44.5, 47.0), 4), 7500, 3, "assumption: synthetic base made by logistics.families")
    strip_codes = [a["icao"] for a in strips]
    types = {"C-17A": 0.35, "C-5M": 0.15, "CRAF-B747-PAX": 0.2, "CRAF-B747-F": 0.15, "KC-46A": 0.05}
    n_eu = max(len(europe), round(n * rng.uniform(0.3, 0.45)))
    units = _units(rng, n_eu, 2.0, outsize=False) + _units(rng, n - n_eu, 2.5, first=n_eu)
    _spread(rng, units[:n_eu], europe)
    _spread(rng, units[n_eu:], conus)
    for i, u in enumerate(units):
        if i < n_eu:  # from Europe: a strip (C-130 only), or a strip and the expeditionary base
            u["destinations"] = rng.sample(strip_codes, 1) + (["ZM01"] if i % 2 else [])
        else:  # from CONUS: Gulf bases or the base too short for airliners
            u["destinations"] = rng.sample([*gulf, "ZM01"], rng.choice((1, 2)))
        u["ready_hour"] = _half(rng.uniform(0, 48))
    stops = ["LERT", "LTAG", "LGSA", *(["ETAR"] if "ETAR" not in europe else [])]
    base = _base(kind, seed, n, [*strips, medium], {**types, "C-130J-30": 0.0}, [*gulf, *strip_codes, "ZM01"], stops)
    s = _draft(base, units)
    rows = _dated(rng, s, units, (12.0, 48.0), (36.0, 96.0))
    c130 = []
    for u, su in zip(units[:n_eu], s.units[:n_eu], strict=True):
        trips = u["pax"] / 128 + sum(u.get(c, 0.0) for c in CARGO) / 18
        days = (u["latest_arrival_hour"] - su.ready_hour) / 24.0
        c130.append((su.ready_hour, u["latest_arrival_hour"], trips * _trip_hours(s, su, "C-130J-30") / 12.0 / days))
    base["aircraft"] = [*_fleet(rng, _peak(rows[n_eu:]) * rng.uniform(1.2, 1.5), types),
                        {"type": "C-130J-30", "count": max(2, math.ceil(_peak(c130) * rng.uniform(0.9, 1.2)))}]
    base["horizon_hours"] = _horizon(units, 0.0)
    return base, units


def _craf_late(rng: random.Random, kind: str, seed: int, n: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    origins, bases = rng.sample(EAST_ORIGINS, rng.randint(1, 3)), rng.sample(BASES, rng.randint(2, 3))
    late = {"CRAF-B747-PAX": _half(rng.uniform(36, 96)), "CRAF-B747-F": _half(rng.uniform(36, 96))}
    organic = {"C-17A": 0.8, **({"C-5M": 0.2} if rng.random() < 0.5 else {})}
    units = _units(rng, n, 3.0)
    _spread(rng, units, origins)
    for u in units:
        u["destinations"] = rng.sample(bases, rng.choice((1, 1, 2)))
        u["ready_hour"] = _half(rng.uniform(0, 24))
    base = _base(kind, seed, n, [], {**organic, **late}, bases, ["ETAR", "LERT"])
    for e in base["aircraft"]:
        if e["type"] in late:
            e["available_hour"] = late[e["type"]]
    s = _draft(base, units)
    rows = _dated(rng, s, units, (12.0, 60.0), None)
    need = _peak(rows)
    base["aircraft"] = [*_fleet(rng, need * rng.uniform(0.25, 0.4), organic),
                        *_fleet(rng, need * rng.uniform(0.8, 1.2), {t: 0.5 for t in late}, later=late)]
    work = sum(_loads(u) * _trip_hours(s, su) for u, su in zip(units, s.units, strict=True))
    days = work / (need * 12.0 * 24 / 24)
    base["horizon_hours"] = _horizon(units, max(late.values()) + 24.0 * (days * 1.5 + 3))
    return base, units


def _multi_origin(rng: random.Random, kind: str, seed: int, n: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    from .generate import CONUS_ORIGINS

    origins, bases = rng.sample(CONUS_ORIGINS, rng.randint(4, 6)), rng.sample(BASES, rng.randint(2, 4))
    types = {"C-17A": 0.6, "C-5M": 0.2, "CRAF-B747-PAX": 0.2}
    units = _units(rng, n, 2.5)
    _spread(rng, units, origins)
    for u in units:
        u["destinations"] = rng.sample(bases, rng.choice((1, 1, 2)))
        u["ready_hour"] = _half(rng.uniform(0, 72))
    base = _base(kind, seed, n, [], types, bases, ["ETAR", "LERT", "LICZ"])
    s = _draft(base, units)
    rows = _dated(rng, s, units, (6.0, 48.0), (36.0, 120.0))
    base["aircraft"] = _fleet(rng, _peak(rows) * rng.uniform(0.9, 1.2), types)
    base["horizon_hours"] = _horizon(units, 0.0)
    return base, units


_BUILDERS: dict[str, Callable[[random.Random, str, int, int], tuple[dict[str, Any], list[dict[str, Any]]]]] = {
    "crew-bound": _crew_bound, "mog-tight": _mog_tight, "tight-rdd": _tight_rdd,
    "unreachable-lad": _unreachable_lad, "beds-forced": _beds_forced, "mixed-classes": _mixed_classes,
    "craf-late": _craf_late, "multi-origin": _multi_origin,
}


def generate_family(kind: str, seed: int = 0, units: int | None = None) -> Scenario:
    """A seeded hard operation of one kind.

    Parameters
    ----------
    kind
        A key of :data:`FAMILY_KINDS`.
    seed
        Seed of the one ``random.Random(f"{kind}:{seed}")`` behind every choice: equal
        arguments give equal scenarios.
    units
        Number of units, within the kind's :data:`UNIT_RANGES`; ``None``: the seed picks it.

    Returns
    -------
    Scenario
        A validated scenario without warnings, every unit of which can land loads at an
        allowed base in its window (all of them, but in ``unreachable-lad``).
    """
    if kind not in FAMILY_KINDS:
        raise ValueError(f"unknown kind {kind!r}: choose one of {', '.join(FAMILY_KINDS)}")
    lo, hi = UNIT_RANGES[kind]
    rng = random.Random(f"{kind}:{seed}")
    n = rng.randint(lo, hi)
    if units is not None:
        if not lo <= units <= hi:
            raise ValueError(f"{kind} takes {lo}-{hi} units, not {units}")
        n = units
    base, us = _BUILDERS[kind](rng, kind, seed, n)
    us.sort(key=lambda u: (u["ready_hour"], u["id"]))
    for i, u in enumerate(us):
        u["id"] = f"U{i + 1:03d}"
    s = Scenario.from_dict({**base, "units": us})
    _check(s, whole=kind != "unreachable-lad")
    return s


def _check(s: Scenario, whole: bool) -> None:
    """Every unit can land some load (``whole``: every load) by its latest arrival."""
    bad = [str(p) for p in scenario_warnings(s)]
    for u in s.units:
        fa = fastest_arrival(s, u)
        if fa is None or fa > s.lad(u) + 1e-9:
            bad.append(f"{u.id}: no load can land by {s.lad(u):g}")
        elif whole and max(arrivals(s, u).values()) > s.lad(u) + 1e-9:
            bad.append(f"{u.id}: some of its cargo cannot land by {s.lad(u):g}")
    if bad:  # pragma: no cover - windows are set from the arrivals
        raise AssertionError(f"{s.name}: " + "; ".join(bad))


__all__ = ["FAMILY_KINDS", "UNIT_RANGES", "arrivals", "generate_family"]
