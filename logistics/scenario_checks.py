"""The scenario's cross-entity checks (SPEC section 2): what pydantic's field checks
cannot see.

:func:`resolve` merges the scenario's entries over the bundled catalogues (airfields
by ICAO code, aircraft by type) and reports, at once, unknown codes, duplicate ids,
windows out of order, home bases no aircraft of the type can use, cargo no aircraft
can carry and destinations no aircraft can reach. It runs inside
:class:`~logistics.scenario.Scenario`'s validation; this module needs the scenario
classes for type hints only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from .catalog import AIRCRAFT_FIELDS, AircraftType, Airfield, aircraft_catalog, airfield_catalog
from .errors import Problem, pydantic_problems
from .network import reachable
from .units import CLASS_OF, COMMODITIES

if TYPE_CHECKING:
    from .scenario import Scenario, Unit


def resolve(s: Scenario) -> list[Problem]:
    """Merge the scenario's entries over the catalogues and check what spans entities,
    in this order: airfields, aircraft, destinations and en-route stops, objective,
    units."""
    problems: list[Problem] = []
    P = problems.append
    merged = s._airfields = _merge_airfields(s, P)

    def known(code: str, loc: str, what: str) -> bool:
        if code in merged:
            return True
        P(Problem(loc, f"unknown airfield {code} ({what}): not in the bundled catalogue nor in airfields[]"))
        return False

    types = s._types = _merge_types(s, P)
    _check_homes(s, types, known, P)
    _check_stops(s, known, P)
    if len(set(s.objective)) != len(s.objective):
        P(Problem("objective", "lists a goal more than once"))
    fleet_live = {t: at for t, at in types.items() if s.fleet_count(t) > 0}
    useen: dict[str, int] = {}
    for i, u in enumerate(s.units):
        if u.id in useen:
            P(Problem(f"units[{i}].id", f"duplicate unit id {u.id!r} (also units[{useen[u.id]}])"))
        useen[u.id] = i
        _check_unit(s, i, u, fleet_live, known, problems)
    return problems


def _merge_airfields(s: Scenario, P: Callable[[Problem], None]) -> dict[str, Airfield]:
    """The catalogue's airfields with the scenario's entries merged over them."""
    cat_af = airfield_catalog()
    merged: dict[str, Airfield] = dict(cat_af)
    seen: dict[str, int] = {}
    for i, a in enumerate(s.airfields):
        if a.icao in seen:
            P(Problem(f"airfields[{i}].icao", f"duplicate airfield {a.icao} (also airfields[{seen[a.icao]}])"))
            continue
        seen[a.icao] = i
        base = cat_af.get(a.icao)
        upd = {k: v for k, v in a.model_dump(exclude={"mog_changes"}).items() if v is not None}
        if base is None:
            missing = [f for f in ("lat", "lon", "mog") if upd.get(f) is None]
            for f in missing:
                P(Problem(f"airfields[{i}].{f}", f"is required for {a.icao}, which is not in the bundled catalogue"))
            if missing:
                continue
            merged[a.icao] = Airfield.model_validate(upd)
        else:
            merged[a.icao] = base.model_copy(update=upd)
    return merged


def _merge_types(s: Scenario, P: Callable[[Problem], None]) -> dict[str, AircraftType]:
    """The fleet's aircraft types, the scenario's overrides merged over the catalogue.

    Several entries of one type add up; their overrides merge (a field set in any entry
    applies to the type, and two different values of it conflict).
    """
    cat_ac = aircraft_catalog()
    types: dict[str, AircraftType] = {}
    first: dict[str, int] = {}
    merged_ov: dict[str, dict[str, Any]] = {}
    set_at: dict[tuple[str, str], int] = {}
    for i, e in enumerate(s.aircraft):
        ov = e.overrides()
        if e.type not in first:
            first[e.type] = i
            merged_ov[e.type] = {}
        prev = merged_ov[e.type]
        for k, v in ov.items():
            if k in prev and prev[k] != v:
                j = set_at[(e.type, k)]
                P(Problem(f"aircraft[{i}].{k}", f"{v!r} conflicts with aircraft[{j}].{k} = {prev[k]!r} for the same type {e.type}"))
            elif k not in prev:
                prev[k] = v
                set_at[(e.type, k)] = i
    for t, i in first.items():
        ov = merged_ov[t]
        base = cat_ac.get(t)
        if base is None:
            required = [
                f for f in AIRCRAFT_FIELDS
                if f not in ("type", "name", "source", "min_runway_ft", "cargo_classes")
                and f not in ov
            ]
            for f in required:
                P(Problem(f"aircraft[{i}].{f}", f"is required for type {t!r}, which is not in the bundled catalogue (known: {', '.join(cat_ac)})"))
            if required:
                continue
            try:
                types[t] = AircraftType.model_validate({"type": t, **ov})
            except ValidationError as exc:
                for p in pydantic_problems(exc):
                    P(Problem(f"aircraft[{i}].{p.loc}", p.message))
        else:
            types[t] = base.model_copy(update=ov)
    return types


def _check_homes(s: Scenario, types: dict[str, AircraftType], known: Callable[[str, str, str], bool],
                 P: Callable[[Problem], None]) -> None:
    """SPEC 5.1: each home is a known airfield whose runway the type can use."""
    for i, e in enumerate(s.aircraft):
        if e.home is None or not known(e.home, f"aircraft[{i}].home", "home base"):
            continue
        ac = types.get(e.type)
        if ac is None:
            continue
        rw = s._airfields[e.home].runway_ft
        if rw is not None and ac.min_runway_ft is not None and rw < ac.min_runway_ft:
            P(Problem(f"aircraft[{i}].home", f"{e.home}'s runway ({rw:g} ft) is shorter than the "
                                             f"{e.type}'s minimum ({ac.min_runway_ft:g} ft)"))


def _check_stops(s: Scenario, known: Callable[[str, str, str], bool], P: Callable[[Problem], None]) -> None:
    """Destinations and en-route stops: known airfields, each listed once."""
    dseen: dict[str, int] = {}
    for i, d in enumerate(s.destinations):
        if d.airfield in dseen:
            P(Problem(f"destinations[{i}].airfield", f"duplicate destination {d.airfield} (also destinations[{dseen[d.airfield]}])"))
        dseen[d.airfield] = i
        known(d.airfield, f"destinations[{i}].airfield", "destination")
    eseen: set[str] = set()
    for i, e in enumerate(s.enroute):
        if e in eseen:
            P(Problem(f"enroute[{i}]", f"duplicate en-route stop {e}"))
        eseen.add(e)
        known(e, f"enroute[{i}]", "en-route stop")


def _check_unit(s: Scenario, i: int, u: Unit, fleet_live: dict[str, AircraftType],
                known: Callable[[str, str, str], bool], problems: list[Problem]) -> None:
    """``units[i]`` (its id checked already): known places, windows in order, cargo the
    fleet can carry, destinations the fleet can reach."""
    P = problems.append
    L = f"units[{i}]"
    origin_ok = known(u.origin, f"{L}.origin", "origin")
    dests_ok = []
    for j, d in enumerate(u.destinations):
        if d in u.destinations[:j]:
            P(Problem(f"{L}.destinations[{j}]", f"{d} is listed twice"))
        elif known(d, f"{L}.destinations[{j}]", "destination"):
            if d == u.origin:
                P(Problem(f"{L}.destinations[{j}]", f"{d} is the unit's origin"))
            else:
                dests_ok.append((j, d))
    _check_windows(s, u, L, P)
    # cargo nobody can carry
    for c in COMMODITIES:
        if u.amount(c) > 0 and not any(t.carries(CLASS_OF[c]) for t in fleet_live.values()):
            what = "soldiers" if c == "pax" else f"{CLASS_OF[c]} cargo"
            P(Problem(f"{L}.{c}", f"no aircraft in the fleet can carry {what} (fleet: {', '.join(fleet_live) or 'none'})"))
    # destinations nobody can reach
    if origin_ok and dests_ok and fleet_live and not problems_block_network(problems):
        for j, d in dests_ok:
            if not any(reachable(s, u.origin, d, t) for t in fleet_live):
                P(Problem(f"{L}.destinations[{j}]", f"no aircraft in the fleet can reach {d} from {u.origin} (range, runways and en-route stops considered)"))


def _check_windows(s: Scenario, u: Unit, L: str, P: Callable[[Problem], None]) -> None:
    """A unit's hours: within the horizon and in order."""
    H = s.horizon_hours
    lad = s.lad(u)
    if u.ready_hour >= H:
        P(Problem(f"{L}.ready_hour", f"{u.ready_hour:g} must be before the horizon ({H:g} h)"))
    if u.latest_arrival_hour is not None and u.latest_arrival_hour > H:
        P(Problem(f"{L}.latest_arrival_hour", f"{u.latest_arrival_hour:g} is after the horizon ({H:g} h)"))
    if u.ready_hour >= lad and u.ready_hour < H:
        P(Problem(f"{L}.latest_arrival_hour", f"{lad:g} must be after ready_hour ({u.ready_hour:g})"))
    if u.earliest_arrival_hour > lad:
        P(Problem(f"{L}.earliest_arrival_hour", f"{u.earliest_arrival_hour:g} is after the latest arrival ({lad:g})"))
    if u.required_hour is not None and u.required_hour > lad:
        P(Problem(f"{L}.required_hour", f"{u.required_hour:g} is after the latest arrival ({lad:g})"))


def problems_block_network(problems: list[Problem]) -> bool:
    """Whether earlier problems make route checks meaningless (unknown codes/types)."""
    return any(p.loc.startswith(("aircraft", "airfields", "enroute")) for p in problems)
