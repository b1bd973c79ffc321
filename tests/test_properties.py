"""Properties of solved plans, over generated and random scenarios (Hypothesis).

1. Any plan ``solve`` returns passes the checker, and its objective lists bracket the
   plan's own goal values (``bound <= Plan.objective_values == objective``; bound equal
   too when proven optimal).
2. The same plan, corrupted on purpose one rule at a time, fails the checker with that
   rule's name: each corruption below changes the missions, the reported figures or the
   scenario in one way, and says which rule of SPEC section 3 it breaks.

Scenarios come from ``logistics.generate.generate("S", seed)`` and from a strategy that
builds small random ones (1-4 units, 1-2 aircraft types, random soldiers, cargo classes,
windows, MOGs, beddown) on synthetic equator airfields. Solves use the wall-clock mode
with a short limit: a plan is checked whatever its status.

``test_every_corruption_applies_to_a_solved_plan`` runs every corruption on one fixed
solved plan, so each rule's check is exercised whatever Hypothesis draws.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from logistics.errors import ScenarioError
from logistics.generate import generate
from logistics.geo import distance_nm
from logistics.plan import Leg, Load, Mission, Plan
from logistics.scenario import Scenario, scenario_to_dict
from logistics.solve import solve
from logistics.verify import RULES, Violation, verify

SOLVE_SECONDS = 2.0
PROPS = settings(max_examples=15, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def rules(vs: list[Violation]) -> set[str]:
    return {v.rule for v in vs}


# ----- editing plans and scenarios ------------------------------------------------------
def rebuilt(s: Scenario, plan: Plan, missions: list[Mission]) -> Plan:
    """The plan of these missions with every reported figure recomputed (kept true)."""
    dests = {r.id: r.destination for r in plan.units}
    return Plan.from_missions(s, missions, status=plan.status, solve=plan.solve, destinations=dests)


def replace_mission(plan: Plan, m: Mission, new: Mission | list[Mission]) -> list[Mission]:
    out: list[Mission] = []
    for x in plan.missions:
        if x is m:
            out.extend(new if isinstance(new, list) else [new])
        else:
            out.append(x)
    return out


def shift(m: Mission, hours: float, start: int = 0) -> Mission:
    """Legs from ``start`` on moved by ``hours``."""
    legs = tuple(
        dataclasses.replace(lg, depart_hour=lg.depart_hour + hours, arrive_hour=lg.arrive_hour + hours)
        if i >= start else lg
        for i, lg in enumerate(m.legs)
    )
    return dataclasses.replace(m, legs=legs)


def edited(s: Scenario, **changes: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]) -> Scenario | None:
    """The scenario with some of its lists edited; ``None`` if the result is not valid."""
    data = scenario_to_dict(s)
    for key, fn in changes.items():
        data[key] = fn([dict(x) for x in data.get(key, [])])
    try:
        return Scenario.from_dict(data)
    except ScenarioError:
        return None


def set_airfield(icao: str, **fields: Any) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    def fn(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for e in entries:
            if e["icao"] == icao:
                e.update(fields)
                return entries
        return [*entries, {"icao": icao, **fields}]
    return fn


def set_type(type_: str, **fields: Any) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    def fn(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for e in entries:
            if e["type"] == type_:
                e.update(fields)  # every entry of the type, so overrides agree
        return entries
    return fn


def set_capacity(icao: str, cap: int) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    def fn(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        entries = [e for e in entries if e["airfield"] != icao]
        return [*entries, {"airfield": icao, "capacity_pax": cap}]
    return fn


def loaded(plan: Plan) -> list[Mission]:
    return [m for m in plan.missions if any(not ld.empty for ld in m.loads)]


# ----- the corruptions: each returns (scenario, plan) or None if it does not apply ------
Corrupted = tuple[Scenario, Plan] | None


def too_fast(s: Scenario, plan: Plan) -> Corrupted:
    # the return leg to the origin lands after half its distance / cruise: nothing else
    # changes but the flying hours, recomputed (rule 5)
    m = plan.missions[0]
    lg = m.legs[-1]
    d = distance_nm(s.airfield(lg.frm), s.airfield(lg.to))
    fast = dataclasses.replace(lg, arrive_hour=lg.depart_hour + 0.5 * d / s.aircraft_type(m.aircraft).cruise_kt)
    return s, rebuilt(s, plan, replace_mission(plan, m, dataclasses.replace(m, legs=(*m.legs[:-1], fast))))


def over_seats(s: Scenario, plan: Plan) -> Corrupted:
    # one soldier more than the seats aboard (rule 3; delivery breaks too)
    m = loaded(plan)[0]
    seats = s.aircraft_type(m.aircraft).seats
    extra = Load(m.loads[0].unit, pax=seats + 1 - m.pax)
    return s, rebuilt(s, plan, replace_mission(plan, m, dataclasses.replace(m, loads=(*m.loads, extra))))


def before_ready(s: Scenario, plan: Plan) -> Corrupted:
    # the whole mission an hour before its units are ready and loaded (rule 2): its
    # departure from the origin (after its positioning flight from a home, SPEC 5.1)
    m = loaded(plan)[0]
    onload = s.aircraft_type(m.aircraft).onload_hours
    earliest = max(s.unit(ld.unit).ready_hour for ld in m.loads if not ld.empty) + onload
    return s, rebuilt(s, plan, replace_mission(plan, m, shift(m, earliest - 1.0 - m.departs_origin_hour)))


def wrong_unit(s: Scenario, plan: Plan) -> Corrupted:
    # a load's unit swapped for one from another origin (else one not allowed at the
    # mission's destination, else an unknown id): rule 1
    m = loaded(plan)[0]
    ld = next(x for x in m.loads if not x.empty)
    others = ([u for u in s.units if u.origin != m.origin]
              or [u for u in s.units if m.destination not in u.destinations])
    uid = others[0].id if others else "NO-SUCH-UNIT"
    new = dataclasses.replace(m, loads=tuple(dataclasses.replace(x, unit=uid) if x is ld else x
                                             for x in m.loads))
    return s, rebuilt(s, plan, replace_mission(plan, m, new))


def mog_zero(s: Scenario, plan: Plan) -> Corrupted:
    # the same plan against a scenario where its first destination has MOG 0 (rule 7)
    s2 = edited(s, airfields=set_airfield(plan.missions[0].destination, mog=0))
    return (s2, plan) if s2 else None


def duplicated_for_fleet(s: Scenario, plan: Plan) -> Corrupted:
    # the first mission flown count + 1 times at once, empty: more aircraft held than the
    # type has (rule 8; MOG may break too)
    m = plan.missions[0]
    n = s.fleet_count(m.aircraft) + 1
    copies = [dataclasses.replace(m, id=f"{m.id}-dup{i}", loads=()) for i in range(n)]
    return s, rebuilt(s, plan, replace_mission(plan, m, [m, *copies]))


def duplicated_for_mog(s: Scenario, plan: Plan) -> Corrupted:
    # the first mission duplicated MOG + 1 times at once, empty: more aircraft on the
    # ground at its destination than its MOG (rule 7; fleet may break too)
    m = plan.missions[0]
    n = s.airfield(m.destination).mog + 1
    copies = [dataclasses.replace(m, id=f"{m.id}-dup{i}", loads=()) for i in range(n)]
    return s, rebuilt(s, plan, replace_mission(plan, m, [m, *copies]))


def short_offload(s: Scenario, plan: Plan) -> Corrupted:
    # the return leaves the destination after half the offload time (rule 6)
    m = plan.missions[0]
    off = s.aircraft_type(m.aircraft).offload_hours
    if off <= 0:
        return None
    i = next(i for i, lg in enumerate(m.legs) if lg.to == m.destination)
    return s, rebuilt(s, plan, replace_mission(plan, m, shift(m, -off / 2, start=i + 1)))


def short_range(s: Scenario, plan: Plan) -> Corrupted:
    # the type's range at a maximum payload equal to the mission's payload made 1 nm
    # shorter than its longest loaded leg (rule 4)
    m = loaded(plan)[0]
    p = m.payload_stons(s.pax_weight_stons)
    d = max(distance_nm(s.airfield(m.legs[j].frm), s.airfield(m.legs[j].to)) for j in m.loaded_legs)
    s2 = edited(s, aircraft=set_type(m.aircraft, max_payload_stons=p, range_nm_at_max_payload=d - 1))
    return (s2, plan) if s2 else None


def no_crew(s: Scenario, plan: Plan) -> Corrupted:
    # the type's crews may fly 0.01 h a day per aircraft (rule 9)
    s2 = edited(s, aircraft=set_type(plan.missions[0].aircraft, ute_hours=0.01))
    return (s2, plan) if s2 else None


def short_runway(s: Scenario, plan: Plan) -> Corrupted:
    # the destination's runway 1 ft shorter than the type needs (rule 10); not valid when
    # no aircraft of the fleet could then reach it
    m = next((m for m in plan.missions if (s.aircraft_type(m.aircraft).min_runway_ft or 0) >= 1), None)
    if m is None:
        return None
    need = s.aircraft_type(m.aircraft).min_runway_ft
    s2 = edited(s, airfields=set_airfield(m.destination, runway_ft=need - 1))
    return (s2, plan) if s2 else None


def small_base(s: Scenario, plan: Plan) -> Corrupted:
    # a base's beddown one soldier short of the units the plan sends there (rule 11)
    sent: dict[str, int] = {}
    for r in plan.units:
        if r.destination is not None:
            sent[r.destination] = sent.get(r.destination, 0) + s.unit(r.id).pax
    base = next((b for b, n in sent.items() if n > 0), None)
    if base is None:
        return None
    s2 = edited(s, destinations=set_capacity(base, sent[base] - 1))
    return (s2, plan) if s2 else None


def closure_misreported(s: Scenario, plan: Plan) -> Corrupted:
    # the closure KPI one hour off (rule 12)
    c = plan.kpis["closure_hour"]
    if c is None:
        return None
    return s, dataclasses.replace(plan, kpis={**plan.kpis, "closure_hour": c + 1.0})


def unit_closure_misreported(s: Scenario, plan: Plan) -> Corrupted:
    # a delivered unit's closure_hour half an hour off (rule 12)
    r = next((r for r in plan.units if r.closure_hour is not None), None)
    if r is None:
        return None
    units = [dataclasses.replace(x, closure_hour=x.closure_hour + 0.5) if x is r else x for x in plan.units]
    return s, dataclasses.replace(plan, units=units)


def dropped_load(s: Scenario, plan: Plan) -> Corrupted:
    # a load removed but the unit results kept: carried + reported undelivered no longer
    # equals the requirement (rule 1; the reported figures break too)
    m = loaded(plan)[0]
    ld = next(x for x in m.loads if not x.empty)
    missions = replace_mission(plan, m, dataclasses.replace(m, loads=tuple(x for x in m.loads if x is not ld)))
    return s, dataclasses.replace(plan, missions=missions)


CORRUPTIONS: dict[str, tuple[str, Callable[[Scenario, Plan], Corrupted]]] = {
    "too_fast": ("speed", too_fast),
    "over_seats": ("capacity", over_seats),
    "before_ready": ("windows", before_ready),
    "wrong_unit": ("delivery", wrong_unit),
    "mog_zero": ("mog", mog_zero),
    "duplicated_for_fleet": ("fleet", duplicated_for_fleet),
    "duplicated_for_mog": ("mog", duplicated_for_mog),
    "short_offload": ("ground", short_offload),
    "short_range": ("range", short_range),
    "no_crew": ("crew", no_crew),
    "short_runway": ("runways", short_runway),
    "small_base": ("beddown", small_base),
    "closure_misreported": ("reported", closure_misreported),
    "unit_closure_misreported": ("reported", unit_closure_misreported),
    "dropped_load": ("delivery", dropped_load),
}
# FROZEN needs a previous plan and an hour: its property test is in test_replan.py
assert {rule for rule, _ in CORRUPTIONS.values()} == set(RULES) - {"frozen"}


def check_objective_lists(s: Scenario, plan: Plan) -> None:
    """One objective and one bound per goal searched, in the scenario's order, with
    ``bound <= the plan's value <= objective``; all three equal when proven optimal.

    (``test_objective_list_is_the_plans_values`` checks exact equality.)"""
    n = len(plan.solve.objective)
    assert n >= 1 or plan.status in ("infeasible", "unknown")
    assert len(plan.solve.bound) == n and plan.solve.goals == list(s.objective)[:n]
    actual = plan.objective_values(s)[:n]
    for goal, b, v, o in zip(s.objective, plan.solve.bound, actual, plan.solve.objective, strict=False):
        assert b <= v + 1e-6, f"{goal}: bound {b} above the plan's value {v}"
        assert v <= o + 1e-6, f"{goal}: the plan's value {v} above the reported objective {o}"
    if plan.status == "optimal":
        assert n == len(s.objective)
        assert plan.solve.objective == pytest.approx(actual, abs=1e-6)
        assert plan.solve.bound == pytest.approx(actual, abs=1e-6)


def check_plan_and_corruptions(s: Scenario, plan: Plan, solved: bool = True) -> set[str]:
    """The plan verifies; each applicable corruption fails with its rule. Returns the
    corruptions that applied."""
    assert verify(s, plan) == [], [str(v) for v in verify(s, plan)]
    if solved:
        check_objective_lists(s, plan)
    applied: set[str] = set()
    if not loaded(plan):
        return applied
    for name, (rule, corrupt) in CORRUPTIONS.items():
        out = corrupt(s, plan)
        if out is None:
            continue
        s2, bad = out
        found = rules(verify(s2, bad))
        assert rule in found, f"{name}: expected a {rule!r} violation, got {sorted(found)}"
        applied.add(name)
    return applied


# ----- generated scenarios -----------------------------------------------------------------
@PROPS
@given(seed=st.integers(min_value=0, max_value=100_000))
def test_generated_plans_verify_and_corruptions_fail(seed: int) -> None:
    s = generate("S", seed, homes=seed % 2 == 1)  # odd seeds: the fleet at home bases (SPEC 5.1)
    plan = solve(s, time_limit=SOLVE_SECONDS, seed=seed % 7)
    applied = check_plan_and_corruptions(s, plan)
    for name in sorted(applied):
        event(f"corruption applied: {name}")
    if loaded(plan):
        # these apply to any plan with a load
        assert {"too_fast", "over_seats", "before_ready", "wrong_unit", "duplicated_for_fleet",
                "duplicated_for_mog", "closure_misreported", "dropped_load"} <= applied


# ----- small random scenarios --------------------------------------------------------------
# synthetic airfields on the equator (1 degree = 60.1 nm); BSEB off the equator
FIELDS = {
    "ORGA": (0.0, 0.0), "ORGB": (0.0, -4.0), "BSEA": (0.0, 7.0), "BSEB": (2.0, 12.0),
    "STOP": (0.0, 16.0), "FARA": (0.0, 35.0), "HOMA": (0.0, -9.0),
}
TYPES = {
    "MIX": {"seats": 100, "acl_stons": 40.0, "max_payload_stons": 50.0,
            "cargo_classes": ["bulk", "oversize", "outsize"]},
    "JET": {"seats": 250, "acl_stons": 0.0, "max_payload_stons": 40.0, "cargo_classes": []},
    "SMALL": {"seats": 40, "acl_stons": 15.0, "max_payload_stons": 18.0, "cargo_classes": ["bulk"]},
    "FRT": {"seats": 0, "acl_stons": 60.0, "max_payload_stons": 70.0,
            "cargo_classes": ["bulk", "oversize", "outsize"]},
}
TENTHS = st.integers(min_value=0, max_value=600).map(lambda x: x / 10)


@st.composite
def small_scenarios(draw: st.DrawFn) -> Scenario:
    horizon = 72.0
    airfields = [
        {"icao": code, "lat": lat, "lon": lon, "mog": draw(st.integers(1, 4)),
         "runway_ft": float(draw(st.sampled_from([6000, 8000, 10000])))}
        for code, (lat, lon) in FIELDS.items()
    ]
    types = ["MIX", *draw(st.lists(st.sampled_from(["JET", "SMALL", "FRT"]), max_size=1))]
    aircraft = []
    for t in types:
        aircraft.append({
            "type": t, "count": draw(st.integers(1, 3)),
            # SPEC 5.1: none, the origin itself, or a home to position from
            "home": draw(st.sampled_from([None, None, "ORGA", "HOMA"])),
            "available_hour": float(draw(st.sampled_from([0, 0, 3]))),
            **TYPES[t],
            "range_nm_at_max_payload": float(draw(st.sampled_from([1500, 2500, 4000]))),
            "ferry_range_nm": 5000.0, "cruise_kt": float(draw(st.sampled_from([300, 400, 450]))),
            "onload_hours": draw(st.sampled_from([0.5, 1.0, 2.25])),
            "offload_hours": draw(st.sampled_from([0.5, 1.0, 3.25])),
            "enroute_ground_hours": draw(st.sampled_from([0.5, 1.0])),
            "ute_hours": float(draw(st.sampled_from([8, 12, 24]))),
            "min_runway_ft": float(draw(st.sampled_from([5000, 7000]))),
        })
    units = []
    for i in range(draw(st.integers(1, 4))):
        pax = draw(st.integers(0, 300))
        cargo = {c: draw(TENTHS) if draw(st.booleans()) else 0.0
                 for c in ("bulk_stons", "oversize_stons", "outsize_stons")}
        if pax == 0 and not any(cargo.values()):
            pax = 10
        ready = float(draw(st.integers(0, 12)))
        lad = min(horizon, ready + draw(st.integers(4, 60)))
        u: dict[str, Any] = {
            "id": f"U{i + 1}", "origin": draw(st.sampled_from(["ORGA", "ORGB"])),
            "destinations": draw(st.lists(st.sampled_from(["BSEA", "BSEB", "FARA"]), min_size=1,
                                          max_size=2, unique=True)),
            "pax": pax, **cargo, "ready_hour": ready, "priority": draw(st.integers(1, 9)),
        }
        if draw(st.booleans()):
            u["latest_arrival_hour"] = float(lad)
        if draw(st.booleans()):
            u["required_hour"] = float(draw(st.integers(int(ready), int(lad))))
        if draw(st.booleans()):
            u["earliest_arrival_hour"] = float(draw(st.integers(0, int(lad))))
        units.append(u)
    destinations = [
        {"airfield": b, "capacity_pax": draw(st.sampled_from([100, 250, 600]))}
        for b in ("BSEA", "BSEB") if draw(st.booleans())
    ]
    data = {
        "name": "random", "start": "2020-01-01T00:00:00Z", "horizon_hours": horizon,
        "airfields": airfields, "aircraft": aircraft, "destinations": destinations,
        "enroute": draw(st.sampled_from([[], ["STOP"]])), "units": units,
        "objective": draw(st.sampled_from([
            ["undelivered", "lateness", "closure", "flying_hours"],
            ["undelivered", "closure", "lateness", "flying_hours"],
            ["undelivered", "flying_hours"],
        ])),
    }
    try:
        return Scenario.from_dict(data)
    except ScenarioError:  # e.g. cargo no type carries, a base nobody can reach
        assume(False)
        raise


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(s=small_scenarios())
def test_random_plans_verify_and_corruptions_fail(s: Scenario) -> None:
    plan = solve(s, time_limit=SOLVE_SECONDS)
    event(f"status: {plan.status}")
    for name in sorted(check_plan_and_corruptions(s, plan)):
        event(f"corruption applied: {name}")


# ----- every corruption on one fixed plan -------------------------------------------------
def _mix_and_jet(mix_count: int) -> list[dict]:
    """A mixed-load type that needs a 7,000 ft runway, and one passenger jet."""
    common = {"range_nm_at_max_payload": 2500.0, "ferry_range_nm": 5000.0, "onload_hours": 1.0,
              "offload_hours": 1.0, "enroute_ground_hours": 1.0, "ute_hours": 24.0}
    return [{"type": "MIX", "count": mix_count, **TYPES["MIX"], **common, "cruise_kt": 400.0,
             "min_runway_ft": 7000.0},
            {"type": "JET", "count": 1, **TYPES["JET"], **common, "cruise_kt": 450.0}]


def test_every_corruption_applies_to_a_solved_plan() -> None:
    # two origins (wrong_unit takes a unit from the other one), a base with a beddown
    # limit, and a second type without a runway limit (so a short runway stays valid)
    s = Scenario.from_dict({
        "name": "fixed", "start": "2020-01-01T00:00:00Z", "horizon_hours": 48,
        "airfields": [
            {"icao": "ORGA", "lat": 0.0, "lon": 0.0, "mog": 3, "runway_ft": 10000},
            {"icao": "ORGB", "lat": 0.0, "lon": -4.0, "mog": 3, "runway_ft": 10000},
            {"icao": "BSEA", "lat": 0.0, "lon": 7.0, "mog": 2, "runway_ft": 10000},
            {"icao": "BSEB", "lat": 2.0, "lon": 12.0, "mog": 2, "runway_ft": 10000},
        ],
        "aircraft": _mix_and_jet(2),
        "destinations": [{"airfield": "BSEA", "capacity_pax": 500}],
        "units": [
            {"id": "U1", "origin": "ORGA", "destinations": ["BSEA"], "pax": 150, "bulk_stons": 20},
            {"id": "U2", "origin": "ORGB", "destinations": ["BSEA", "BSEB"], "pax": 60,
             "outsize_stons": 12.5, "ready_hour": 2},
        ],
    })
    plan = solve(s, time_limit=10, deterministic=True)
    applied = check_plan_and_corruptions(s, plan)
    assert applied == set(CORRUPTIONS), set(CORRUPTIONS) - applied


def test_generated_objective_lists_match_the_plan() -> None:
    # a complete solve: one objective and one bound per goal, bound <= value <= objective
    s = generate("S", 4)
    plan = solve(s, time_limit=SOLVE_SECONDS)
    assert verify(s, plan) == []
    assert len(plan.solve.objective) == len(plan.solve.bound) == len(s.objective)
    check_objective_lists(s, plan)


# generate("S", 5) as of this writing, frozen so the reproducer does not move with the
# generator
S5 = {
    "name": "Synthetic S #5", "start": "2020-01-06T00:00:00Z", "horizon_hours": 72.0,
    "aircraft": [{"type": "C-17A", "count": 7}, {"type": "CRAF-B747-PAX", "count": 1}],
    "destinations": [{"airfield": "OTBH", "capacity_pax": 500}, {"airfield": "OJMS", "capacity_pax": 500}],
    "enroute": ["ETAR", "LERT"],
    "units": [
        {"id": "U001", "origin": "KPOB", "destinations": ["OJMS", "OTBH"], "pax": 90, "bulk_stons": 27.8, "oversize_stons": 11.9, "outsize_stons": 0.0, "ready_hour": 8.0, "required_hour": 38.0, "latest_arrival_hour": 55.0, "priority": 3},
        {"id": "U002", "origin": "KPOB", "destinations": ["OJMS", "OTBH"], "pax": 84, "bulk_stons": 24.1, "oversize_stons": 16.0, "outsize_stons": 0.0, "ready_hour": 18.5, "required_hour": 55.5, "latest_arrival_hour": 63.0, "priority": 5},
        {"id": "U003", "origin": "KPOB", "destinations": ["OJMS", "OTBH"], "pax": 77, "bulk_stons": 23.8, "oversize_stons": 10.2, "outsize_stons": 0.0, "ready_hour": 20.5, "latest_arrival_hour": 64.0, "priority": 6},
        {"id": "U004", "origin": "KGTB", "destinations": ["OJMS", "OTBH"], "pax": 139, "bulk_stons": 20.0, "oversize_stons": 13.3, "outsize_stons": 0.0, "ready_hour": 32.5, "priority": 7},
    ],
}


def test_objective_list_is_the_plans_values() -> None:
    s = Scenario.from_dict(S5)
    plan = solve(s, time_limit=0.5, deterministic=True)
    assert verify(s, plan) == []
    assert plan.solve.objective == pytest.approx(plan.objective_values(s), abs=1e-6)


def test_corruptions_on_a_hand_plan() -> None:
    # one hand mission ORGA -> BSEA -> ORGA that every corruption can work on without a
    # solver: guards the corruptions' own arithmetic
    s = Scenario.from_dict({
        "name": "hand", "start": "2020-01-01T00:00:00Z", "horizon_hours": 24,
        "airfields": [{"icao": "ORGA", "lat": 0.0, "lon": 0.0, "mog": 1, "runway_ft": 10000},
                      {"icao": "ORGB", "lat": 0.0, "lon": -4.0, "mog": 1, "runway_ft": 10000},
                      {"icao": "BSEA", "lat": 0.0, "lon": 6.65, "mog": 1, "runway_ft": 10000}],
        "aircraft": _mix_and_jet(1),
        "destinations": [{"airfield": "BSEA", "capacity_pax": 100}],
        "units": [{"id": "U1", "origin": "ORGA", "destinations": ["BSEA"], "pax": 100},
                  {"id": "U2", "origin": "ORGB", "destinations": ["BSEA"], "pax": 0,
                   "bulk_stons": 1}],
    })
    # 399.7 nm at 400 kt = 59.96 min: out 1 -> 2, offload 2 -> 3, back 3 -> 4
    m = Mission("M1", "MIX", "ORGA", "BSEA",
                (Leg("ORGA", "BSEA", 1.0, 2.0), Leg("BSEA", "ORGA", 3.0, 4.0)), (Load("U1", pax=100),))
    plan = Plan.from_missions(s, [m], status="feasible", destinations={"U2": None})
    applied = check_plan_and_corruptions(s, plan, solved=False)
    assert applied == set(CORRUPTIONS), set(CORRUPTIONS) - applied
