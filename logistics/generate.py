"""Seeded synthetic scenarios in four sizes, for tests, benchmarks and demos.

``generate(size, seed)`` builds a valid :class:`~logistics.scenario.Scenario` from
the bundled catalogues: units load at CONUS ports of embarkation, deploy to Gulf
bases and may stage through European en-route stops. The XL size adds synthetic
airfields (codes ``X001``...) spread over CONUS, Europe and the Gulf, with explicit
coordinates, runway and MOG in ``airfields[]``.

Every choice comes from one ``random.Random(seed)``, so a (size, seed) pair always
gives the same scenario. Windows are feasible by construction: the latest arrival of
each unit is at least its ready hour + the fastest transit any aircraft of the fleet
can fly (bounded by the fastest C-17A routing) + a size-dependent margin, and
the required date is never before that fastest arrival. The fleet is sized from the
demand (in C-17 loads), the flying hours per round trip and the crew day, so that
most of the force can be delivered but aircraft, crews and ramps still bind.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any, Literal

from .homes import with_homes
from .network import routings
from .scenario import Scenario
from .units import hours

Size = Literal["S", "M", "L", "XL"]

#: CONUS ports of embarkation in the bundled catalogue
CONUS_ORIGINS = ("KPOB", "KCHS", "KDOV", "KTCM", "KHOP", "KSVN", "KGRK", "KBIF", "KGTB")
#: Gulf bases in the bundled catalogue
GULF_DESTINATIONS = (
    "OKAS", "OKBK", "OTBH", "OEPS", "OMAM", "OBBS", "ORAA", "OKAJ", "ORBI", "ORER", "OJMS",
)
#: European en-route stops in the bundled catalogue, most useful first
EUROPE_ENROUTE = ("ETAR", "LERT", "LICZ", "LTAG", "EGUN", "LEMO", "LGSA", "LPLA", "EINN")
#: aircraft types, in the order sizes add them (C-17A always, it carries every class)
TYPE_ORDER = ("C-17A", "C-5M", "CRAF-B747-PAX", "CRAF-B747-F", "KC-46A", "C-130J-30")

#: C-17 loads one aircraft of a type is worth for fleet sizing (rough, by ACL/seats)
_C17_EQUIV = {
    "C-17A": 1.0, "C-5M": 1.8, "CRAF-B747-PAX": 2.5, "CRAF-B747-F": 1.8,
    "KC-46A": 0.5, "C-130J-30": 0.3,
}
#: share of the lift each type is asked to provide (normalised over the fleet's types);
#: the C-130J-30 only helps units from Europe, so it gets a token share
_SHARE = {
    "C-17A": 0.5, "C-5M": 0.15, "CRAF-B747-PAX": 0.12, "CRAF-B747-F": 0.12,
    "KC-46A": 0.1, "C-130J-30": 0.02,
}


@dataclass(frozen=True)
class SizeSpec:
    """What one generator size produces.

    Attributes
    ----------
    units
        Number of units (deployment-order lines).
    origins
        ``(min, max)`` ports of embarkation.
    destinations
        Gulf bases offered to the units.
    aircraft_types
        Aircraft types in the fleet (C-17A always among them).
    horizon_hours
        Scenario horizon.
    enroute
        En-route stops allowed.
    max_loads_per_unit
        Cap on a unit's size in C-17 loads (``pax/102 + cargo/45``), keeping the
        small sizes quick to solve; ``None`` for no cap.
    margin_hours
        Least slack between a unit's fastest possible arrival and its latest arrival.
    synthetic_origins, synthetic_destinations
        Extra airfields made up for the size (codes ``X001``...), beyond the catalogue.
    note
        One line for people.
    """

    units: int
    origins: tuple[int, int]
    destinations: int
    aircraft_types: int
    horizon_hours: float
    enroute: int
    max_loads_per_unit: float | None
    margin_hours: float
    synthetic_origins: int = 0
    synthetic_destinations: int = 0
    note: str = ""


SIZES: dict[str, SizeSpec] = {
    "S": SizeSpec(
        units=4, origins=(1, 2), destinations=2, aircraft_types=2, horizon_hours=72,
        enroute=2, max_loads_per_unit=2.5, margin_hours=24,
        note="4 small units, 1-2 origins, 2 bases, 2 types, 3 days: at most ~10 C-17 loads; solves in seconds",
    ),
    "M": SizeSpec(
        units=12, origins=(3, 3), destinations=4, aircraft_types=3, horizon_hours=120,
        enroute=3, max_loads_per_unit=3.3, margin_hours=30,
        note="12 units, 3 origins, 4 bases, 3 types, 5 days: at most ~40 C-17 loads",
    ),
    "L": SizeSpec(
        units=40, origins=(6, 6), destinations=8, aircraft_types=4, horizon_hours=240,
        enroute=5, max_loads_per_unit=None, margin_hours=48,
        note="40 units (battalions, batteries, companies), 6 origins, 8 bases, 4 types, 10 days",
    ),
    "XL": SizeSpec(
        units=300, origins=(20, 20), destinations=30, aircraft_types=6, horizon_hours=720,
        enroute=6, max_loads_per_unit=None, margin_hours=72,
        synthetic_origins=11, synthetic_destinations=19,
        note="300 units, 20 origins (11 synthetic, 3 of them in Europe), 30 bases (19 synthetic), 6 types, 30 days",
    ),
}

# kind: (name, pax range, st of cargo per soldier range, (bulk, oversize, outsize) split)
_KINDS: tuple[tuple[str, tuple[int, int], tuple[float, float], tuple[float, float, float]], ...] = (
    ("infantry battalion", (600, 800), (0.12, 0.22), (0.55, 0.35, 0.10)),
    ("airborne infantry company", (120, 180), (0.08, 0.15), (0.75, 0.25, 0.0)),
    ("Patriot battery", (90, 130), (1.0, 1.6), (0.20, 0.30, 0.50)),
    ("engineer company", (120, 200), (0.5, 0.9), (0.30, 0.40, 0.30)),
    ("headquarters element", (50, 120), (0.10, 0.20), (0.80, 0.20, 0.0)),
    ("aviation task force", (200, 400), (0.8, 1.2), (0.30, 0.30, 0.40)),
    ("fighter squadron support", (150, 300), (0.3, 0.5), (0.70, 0.30, 0.0)),
    ("ISR detachment", (50, 90), (0.3, 0.6), (0.60, 0.40, 0.0)),
    ("medical company", (80, 150), (0.3, 0.5), (0.70, 0.30, 0.0)),
    ("military police company", (120, 180), (0.2, 0.4), (0.60, 0.40, 0.0)),
    ("sustainment battalion", (300, 500), (0.4, 0.7), (0.60, 0.35, 0.05)),
    ("armoured company team", (100, 150), (1.8, 2.6), (0.15, 0.25, 0.60)),
)

_START = "2020-01-06T00:00:00Z"


def c17_loads(pax: float, cargo_stons: float) -> float:
    """A unit's size in C-17 loads: ``pax/102 + cargo/45`` (seats and ACL traded linearly)."""
    return pax / 102.0 + cargo_stons / 45.0


def demand_c17_loads(s: Scenario) -> float:
    """The whole force in C-17 loads (a rough size measure, not a bound)."""
    return sum(c17_loads(u.pax, u.cargo_stons) for u in s.units)


def _half(x: float) -> float:
    """Round to the half hour."""
    return round(x * 2) / 2


def _synthetic_airfields(rng: random.Random, spec: SizeSpec) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """Made-up airfields for XL: CONUS and European origins, Gulf destinations."""
    entries: list[dict[str, Any]] = []
    origins: list[str] = []
    dests: list[str] = []
    n = 0

    def add(region: str, lat: tuple[float, float], lon: tuple[float, float], country: str) -> str:
        nonlocal n
        n += 1
        code = f"X{n:03d}"
        entries.append({
            "icao": code,
            "name": f"Synthetic {region} airfield {n}",
            "country": country,
            "lat": round(rng.uniform(*lat), 4),
            "lon": round(rng.uniform(*lon), 4),
            "runway_ft": float(rng.choice((9000, 10000, 11000, 12000, 13000))),
            "mog": rng.randint(3, 8),
            "source": "assumption: synthetic airfield made by logistics.generate",
        })
        return code

    n_europe = min(3, spec.synthetic_origins)
    for _ in range(spec.synthetic_origins - n_europe):
        origins.append(add("CONUS", (30.5, 46.5), (-121.0, -76.0), "US"))
    for _ in range(n_europe):
        origins.append(add("European", (44.5, 50.5), (6.5, 14.5), "DE"))
    for _ in range(spec.synthetic_destinations):
        dests.append(add("Gulf", (23.0, 34.5), (39.0, 56.5), "XX"))
    return entries, origins, dests


def _make_unit(rng: random.Random, spec: SizeSpec, i: int) -> dict[str, Any]:
    """Pax and cargo of one unit, resampled until it fits the size's cap."""
    for _ in range(100):
        name, (p0, p1), (r0, r1), split = rng.choice(_KINDS)
        pax = rng.randint(p0, p1)
        cargo = pax * rng.uniform(r0, r1)
        cap = spec.max_loads_per_unit
        if cap is not None and c17_loads(pax, cargo) > cap:
            # shrink to a detachment of the kind rather than reject outright
            f = cap / c17_loads(pax, cargo) * rng.uniform(0.6, 1.0)
            pax, cargo = max(50, int(pax * f)), cargo * f
            name = f"{name} (detachment)"
        b, o, x = split
        unit: dict[str, Any] = {"id": f"U{i + 1:03d}", "name": name, "pax": pax}
        for field, share in (("bulk_stons", b), ("oversize_stons", o), ("outsize_stons", x)):
            v = round(cargo * share, 1)
            if v > 0:
                unit[field] = v
        rounded = sum(unit.get(f, 0.0) for f in ("bulk_stons", "oversize_stons", "outsize_stons"))
        if cap is not None and c17_loads(pax, rounded) > cap:
            continue  # the floor of 50 soldiers or rounding pushed it over: draw again
        return unit
    raise RuntimeError("could not size a unit")  # pragma: no cover - cap always reachable


def generate(size: Size | str = "S", seed: int = 0, *, homes: bool = False) -> Scenario:
    """A seeded synthetic scenario of the given size.

    Parameters
    ----------
    size
        One of ``S``, ``M``, ``L``, ``XL`` (see :data:`SIZES`).
    seed
        Seed of the one ``random.Random`` behind every choice: equal seeds give equal
        scenarios.
    homes
        Put the C-17As and C-5Ms at their wings' home bases (SPEC 5.1,
        :func:`logistics.homes.with_homes`): the same scenario otherwise, so the
        windows were drawn without positioning and a unit may close later by it.

    Returns
    -------
    Scenario
        A validated scenario whose units can all reach a destination in time.
    """
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}: choose one of {', '.join(SIZES)}")
    spec = SIZES[size]
    # one generator, drawn from in this order: places, units, beds, windows, fleet
    rng = random.Random(f"{size}:{seed}")
    H = float(spec.horizon_hours)

    airfields, origins, dests, enroute, types = _places(rng, spec)
    units, home = _units(rng, spec, origins, dests)
    destinations = _beddown(rng, dests, home)
    base: dict[str, Any] = {
        "format": "logistics-scenario/1",
        "name": f"Synthetic {size} #{seed}",
        "description": (
            f"Generated by logistics.generate(size={size!r}, seed={seed}): {spec.note}. "
            "Units, sizes, windows and fleet are synthetic; airfields and aircraft come from "
            "the bundled catalogues" + (" plus synthetic airfields X001..." if airfields else "") + "."
        ),
        "start": _START,
        "horizon_hours": H,
        "airfields": airfields,
        "aircraft": [{"type": t, "count": 1} for t in types],  # counts follow below
        "destinations": destinations,
        "enroute": enroute,
    }
    # Routings do not depend on the fleet's counts, so a draft without units and with
    # one aircraft per type gives them.
    draft = Scenario.from_dict({**base, "units": []})
    rates = _windows(rng, spec, draft, units)
    base["aircraft"] = _fleet(rng, types, rates, H)

    # in order of readiness, numbered in that order
    units.sort(key=lambda u: (u["ready_hour"], u["id"]))
    for i, u in enumerate(units):
        u["id"] = f"U{i + 1:03d}"
    s = Scenario.from_dict({**base, "units": units})
    if homes:
        s = with_homes(s, seed).replace(name=f"Synthetic {size} #{seed} (fleet at home bases)")
    return s


def _places(rng: random.Random, spec: SizeSpec) -> tuple[list[dict[str, Any]], list[str], list[str], list[str], list[str]]:
    """Synthetic airfields (XL), origins, destinations, en-route stops and aircraft types."""
    airfields, syn_origins, syn_dests = _synthetic_airfields(rng, spec)
    n_orig = rng.randint(*spec.origins)
    n_cat_orig = min(n_orig - len(syn_origins), len(CONUS_ORIGINS))
    origins = rng.sample(CONUS_ORIGINS, n_cat_orig) + syn_origins
    n_cat_dest = min(spec.destinations - len(syn_dests), len(GULF_DESTINATIONS))
    dests = rng.sample(GULF_DESTINATIONS, n_cat_dest) + syn_dests
    enroute = list(EUROPE_ENROUTE[: spec.enroute])
    types = list(TYPE_ORDER[: spec.aircraft_types]) if spec.aircraft_types >= len(TYPE_ORDER) else (
        ["C-17A"] + rng.sample(TYPE_ORDER[1:5], spec.aircraft_types - 1)
    )
    return airfields, origins, dests, enroute, types


def _units(rng: random.Random, spec: SizeSpec, origins: list[str],
           dests: list[str]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Units: kind, size, origin (every origin used), allowed destinations, priority; and
    the soldiers whose first allowed base is each destination."""
    units = [_make_unit(rng, spec, i) for i in range(spec.units)]
    order = origins + [rng.choice(origins) for _ in range(len(units) - len(origins))]
    rng.shuffle(order)
    home: dict[str, int] = {d: 0 for d in dests}
    for u, o in zip(units, order, strict=False):
        k = rng.choices((1, 2, 3), weights=(5, 3, 2))[0]
        allowed = rng.sample(dests, min(k, len(dests)))
        u["origin"] = o
        u["destinations"] = allowed
        u["priority"] = rng.choices(range(1, 10), weights=(3, 4, 5, 5, 6, 3, 2, 1, 1))[0]
        home[allowed[0]] += u["pax"]
    if len(units) < len(origins):  # pragma: no cover - every size has more units than origins
        raise AssertionError("more origins than units")
    return units, home


def _beddown(rng: random.Random, dests: list[str], home: dict[str, int]) -> list[dict[str, Any]]:
    """Beddown: room for every unit at its first allowed base, with some slack."""
    destinations: list[dict[str, Any]] = []
    for d in dests:
        entry: dict[str, Any] = {"airfield": d}
        if rng.random() < 0.8:
            entry["capacity_pax"] = int(math.ceil(home[d] * rng.uniform(1.05, 1.6) / 50.0) * 50) or 500
        destinations.append(entry)
    return destinations


def _windows(rng: random.Random, spec: SizeSpec, draft: Scenario,
             units: list[dict[str, Any]]) -> list[tuple[float, float, float]]:
    """Each unit's ready hour and windows (set in ``units``), and the crew demand it puts
    on the fleet: ``(from hour, to hour, aircraft needed)`` per unit.

    The transit of each unit is the fastest C-17A routing to any allowed base, onload
    included. The C-17A carries every class and is available from hour 0, so this
    bounds the fastest arrival of every load (network.fastest_arrival) from above.
    """
    H = float(spec.horizon_hours)
    rates: list[tuple[float, float, float]] = []  # (from hour, to hour, aircraft needed)
    for u in units:
        rs = [r for d in u["destinations"] for r in routings(draft, u["origin"], d, "C-17A")]
        if not rs:  # pragma: no cover - C-17A reaches every Gulf base via the stops
            raise AssertionError(f"generated unit {u['id']} cannot reach any destination")
        best = min(rs, key=lambda r: (r.arrive, -r.payload_stons))
        fa = hours(best.arrive)
        # crew days the unit needs: C-17 loads x flying hours of a round trip / UTE
        cargo = sum(u.get(f, 0.0) for f in ("bulk_stons", "oversize_stons", "outsize_stons"))
        crew_days = c17_loads(u["pax"], cargo) * hours(best.flight_minutes) / 12.0
        transit = math.ceil(fa * 2) / 2
        margin = spec.margin_hours
        latest_ready = max(0.0, H - transit - margin)
        # readiness waves over the first part of the horizon
        ready = _half(min(latest_ready, rng.uniform(0, latest_ready)))
        earliest = ready + transit
        lad = min(H, math.ceil(earliest + margin + rng.uniform(0, 0.5) * (H - earliest - margin)))
        u["ready_hour"] = ready
        if lad < H and rng.random() < 0.85:
            u["latest_arrival_hour"] = float(lad)
        if rng.random() < 0.8:
            rdd = _half(earliest + rng.uniform(0.2, 0.9) * (lad - earliest))
            u["required_hour"] = float(min(max(math.ceil(earliest), rdd), lad))
            if rng.random() < 0.25:
                u["earliest_arrival_hour"] = max(0.0, _half(u["required_hour"] - rng.uniform(12, 48)))
        # spread over its window, returns included
        window_days = (lad - ready + hours(best.cycle - best.arrive)) / 24.0
        rates.append((ready, lad, crew_days / window_days))
    return rates


def _fleet(rng: random.Random, types: list[str], rates: list[tuple[float, float, float]],
           H: float) -> list[dict[str, Any]]:
    """The fleet, sized from the busiest moment: the crew days of the units whose windows
    overlap then, in C-17 equivalents, with headroom for ramps, loading and uneven days."""
    peak = max(sum(r for a, b, r in rates if a <= t < b) for t, _, _ in rates)
    need = peak * rng.uniform(1.4, 1.8)
    aircraft: list[dict[str, Any]] = []
    total_share = sum(_SHARE[t] for t in types)
    for t in types:
        n = max(1, round(_SHARE[t] / total_share * need / _C17_EQUIV[t]))
        if t != "C-17A" and n >= 3 and rng.random() < 0.5:
            later = max(1, n // 3)
            aircraft.append({"type": t, "count": n - later})
            aircraft.append({"type": t, "count": later, "available_hour": _half(rng.uniform(12, H / 4))})
        else:
            aircraft.append({"type": t, "count": n})
    return aircraft
