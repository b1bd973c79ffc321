"""The AFPAM 10-1403 quick estimate and the closure lower bounds.

Published figures (AFPAM 10-1403 worked example): MOG 1, C-17 at 45 st, 3.25 h ground
time, 24 h operations: 45 x 24 / 3.25 x 0.85 = 282.46 -> 282.5 st/day; MOG 6:
6 x 282.5 = 1,695 st/day.

Lower bounds are proofs, so they are checked against every plan at hand that delivers
everything (the dispatcher's, the optimiser's, the hand-built plan of test_plan): no
plan may close earlier than the bound, no fully delivered unit before its own bound.
"""

from __future__ import annotations

import math

import pytest
from conftest import make_scenario
from test_plan import hand_plan, scen

from logistics.bounds.search_free import bounds, lower_bound, undeliverable, unit_lower_bounds
from logistics.estimate import airfield_throughput_stons_per_day, estimate, fleet_throughput_stons_per_day
from logistics.generate import generate
from logistics.geo import distance_nm
from logistics.model.convert import plan_from_dispatch
from logistics.model.data import build_data
from logistics.model.dispatch import dispatch_greedy
from logistics.plan import Plan, SolveInfo
from logistics.scenario import load_scenario
from logistics.solve import solve
from logistics.verify import verify


# ----- AFPAM 10-1403 formulas ----------------------------------------------------------------
def test_airfield_throughput_reproduces_the_pamphlet():
    assert airfield_throughput_stons_per_day(1, 45, 3.25) == 282.5
    assert airfield_throughput_stons_per_day(6, 45, 3.25) == 1695.0
    # the pamphlet rounds per parking spot before multiplying (6 x 282.46 would be 1,694.8)
    assert airfield_throughput_stons_per_day(6, 45, 3.25) != round(6 * 45 * 24 / 3.25 * 0.85, 1)


def test_airfield_throughput_arguments():
    # 12 operating hours halve it; no queueing loss: 45 x 24 / 3.25 = 332.3
    assert airfield_throughput_stons_per_day(1, 45, 3.25, hours=12) == pytest.approx(141.2)
    assert airfield_throughput_stons_per_day(1, 45, 3.25, queueing=1.0) == pytest.approx(332.3)
    with pytest.raises(ValueError):
        airfield_throughput_stons_per_day(1, 45, 0)


def test_fleet_throughput_by_hand():
    # 10 C-17s, 45 st, 450 kt, 6,000 nm round trip (13.33 flying hours), UTE 12 h:
    # 12 / 13.33 = 0.9 trips a day each -> 10 x 45 x 0.9 = 405 st/day
    assert fleet_throughput_stons_per_day(10, 45, 450, 6000, 12) == pytest.approx(405.0)
    # a 30 h cycle allows only 0.8 trips a day whatever the UTE
    assert fleet_throughput_stons_per_day(10, 45, 450, 6000, 12, cycle_hours=30) == pytest.approx(360.0)


# ----- lower bounds ----------------------------------------------------------------------------
def _fully_delivered(plan: Plan) -> bool:
    return plan.kpis["undelivered_pax"] == 0 and plan.kpis["undelivered_stons"] <= 1e-9


def _check_plan_against_bounds(s, plan: Plan) -> None:
    b = bounds(s)
    for r in plan.units:
        if r.closure_hour is not None:
            assert r.closure_hour >= b.units[r.id] - 1e-9, (r.id, r.closure_hour, b.units[r.id])
    if _fully_delivered(plan):
        assert plan.kpis["closure_hour"] >= b.force - 1e-9, (plan.kpis["closure_hour"], b.force, b.binding)


def test_tiny_lower_bound_by_hand():
    # one unit, KPOB -> OKAS on C-17s, ready 0: the fastest flight is direct (5,893 nm is
    # within the 6,200 nm ferry range, a relaxation) at 450 kt after a 3.25 h onload
    s = make_scenario()
    direct = distance_nm(s.airfield("KPOB"), s.airfield("OKAS")) / 450.0
    assert unit_lower_bounds(s)["U1"] == pytest.approx(3.25 + direct)
    assert lower_bound(s) == pytest.approx(3.25 + direct)
    plan = solve(s, time_limit=5, deterministic=True)
    assert plan.status == "optimal"
    assert lower_bound(s) <= plan.kpis["closure_hour"]


def test_unit_bound_includes_ready_and_earliest_arrival():
    s = make_scenario(units=[{"id": "U1", "origin": "KPOB", "destinations": ["OKAS"], "pax": 10,
                              "ready_hour": 10, "earliest_arrival_hour": 40}])
    assert unit_lower_bounds(s)["U1"] == pytest.approx(40.0)
    s = make_scenario(units=[{"id": "U1", "origin": "KPOB", "destinations": ["OKAS"], "pax": 10,
                              "ready_hour": 10}])
    direct = distance_nm(s.airfield("KPOB"), s.airfield("OKAS")) / 450.0
    assert unit_lower_bounds(s)["U1"] == pytest.approx(10 + 3.25 + direct)


def test_origin_ramp_bound():
    # 40 full C-17 cargo loads (1,800 st) through a MOG-1 origin: 40 x 3.25 h on the ramp
    # before the last departure, then the flight
    s = make_scenario(
        airfields=[{"icao": "KPOB", "mog": 1}],
        aircraft=[{"type": "C-17A", "count": 60}],
        units=[{"id": "U1", "origin": "KPOB", "destinations": ["OKAS"], "bulk_stons": 1800}],
        horizon_hours=400,
    )
    direct = distance_nm(s.airfield("KPOB"), s.airfield("OKAS")) / 450.0
    b = bounds(s)
    assert b.parts["origin_mog"] == pytest.approx(40 * 3.25 + direct)
    assert b.force >= 40 * 3.25 + direct - 1e-9


def test_fleet_crew_bound_binds_with_few_aircraft():
    # one C-17 and 20 loads: each load needs at least the direct flight (13.1 h) of a
    # 12 h/day crew budget, so at least ~21 days
    s = make_scenario(
        aircraft=[{"type": "C-17A", "count": 1}],
        units=[{"id": "U1", "origin": "KPOB", "destinations": ["OKAS"], "bulk_stons": 900}],
        horizon_hours=1000,
    )
    b = bounds(s)
    direct = distance_nm(s.airfield("KPOB"), s.airfield("OKAS")) / 450.0
    assert b.parts["fleet_crew"] >= 20 * direct / 12 * 24 * 0.95
    assert b.force == max(b.parts.values())


def test_bounds_hold_for_the_hand_plan():
    s = scen()
    _check_plan_against_bounds(s, hand_plan(s))


@pytest.mark.parametrize(("size", "seeds"), [("S", range(6)), ("M", range(3))])
def test_bounds_hold_for_every_dispatched_plan(size, seeds):
    for seed in seeds:
        s = generate(size, seed=seed)
        data = build_data(s)
        for rule in ("hand", "earliest"):
            plan = plan_from_dispatch(data, dispatch_greedy(data, rule=rule), status="feasible",
                                      info=SolveInfo(solver="greedy"))
            assert not verify(s, plan)
            _check_plan_against_bounds(s, plan)


def test_bound_holds_for_the_optimiser():
    # any plan the optimiser returns, optimal or not, satisfies the bound when it
    # delivers everything; when it is proven optimal the bound must be below its closure
    checked = 0
    for seed in (1, 2):
        s = generate("S", seed=seed)
        plan = solve(s, time_limit=3)  # wall clock: the bound holds whatever the plan
        assert not verify(s, plan)
        _check_plan_against_bounds(s, plan)
        if plan.status == "optimal":
            assert lower_bound(s) <= plan.kpis["closure_hour"] + 1e-9
        checked += 1
    assert checked == 2


def test_bundled_scenario_bound_below_dispatch(bundled_dir):
    s = load_scenario(bundled_dir / "baghdad-embassy-2020.yaml")
    data = build_data(s)
    plan = plan_from_dispatch(data, dispatch_greedy(data, rule="earliest"), status="feasible",
                              info=SolveInfo(solver="greedy"))
    assert _fully_delivered(plan)
    b = bounds(s)
    assert 96 < b.force <= plan.kpis["closure_hour"]
    assert set(b.parts) == {"unit", "origin_mog", "destination_mog", "fleet_crew"}


def test_undeliverable_units():
    # LAD before the fastest possible landing: nothing of the unit can be delivered
    s = make_scenario(units=[
        {"id": "U1", "origin": "KPOB", "destinations": ["OKAS"], "pax": 10, "bulk_stons": 5,
         "ready_hour": 0, "latest_arrival_hour": 10},
        {"id": "U2", "origin": "KPOB", "destinations": ["OKAS"], "pax": 10},
    ])
    assert undeliverable(s) == {"U1": {"pax": 10.0, "bulk_stons": 5.0}}


# ----- the estimate ----------------------------------------------------------------------------
def test_estimate_bundled(bundled_dir):
    s = load_scenario(bundled_dir / "baghdad-embassy-2020.yaml")
    e = estimate(s)
    assert e.destinations and not e.unassigned
    assert {d.airfield for d in e.destinations} == {"OKAS"}  # every unit's first choice
    okas = e.destination("OKAS")
    assert okas.pax == sum(u.pax for u in s.units)
    assert okas.stons == pytest.approx(sum(u.pax * 0.15 + u.cargo_stons for u in s.units))
    assert set(okas.throughput) == {"fleet", "destination", "origin", "enroute"}
    assert e.closure_hour == max(d.closure_hour for d in e.destinations)
    assert math.isfinite(e.closure_hour) and e.closure_hour > max(u.ready_hour for u in s.units)
    assert e.lower_bound == lower_bound(s)
    assert e.binding.split()[0] in ("fleet", "destination", "origin", "enroute")


def test_estimate_destination_throughput_is_the_afpam_formula():
    # cargo only, one C-17 type, direct-ish flow: the destination limit in st/day is the
    # AFPAM figure at the planner's payload (each flow alone through OKAS)
    s = make_scenario(units=[{"id": "U1", "origin": "KPOB", "destinations": ["OKAS"], "bulk_stons": 450}],
                      airfields=[{"icao": "OKAS", "mog": 2}])
    d = estimate(s).destination("OKAS")
    # planner's routing carries a full 45 st ACL; offload 3.25 h
    assert d.throughput["destination"] == pytest.approx(2 * 45 * 24 / 3.25 * 0.85, rel=1e-3)
    assert d.sorties == pytest.approx(10.0)


@pytest.mark.parametrize("seed", [0, 1])
def test_estimate_generated(seed):
    s = generate("M", seed=seed)
    e = estimate(s)
    assert e.destinations
    assert all(d.closure_hour >= min(u.ready_hour for u in s.units) for d in e.destinations)
    assert e.lower_bound <= e.closure_hour + 200  # a figure, not a bound: just sane


def test_flying_hours_bound_by_hand():
    # tiny: 100 soldiers + 20 st bulk, KPOB -> OKAS on C-17s (102 seats, ACL 45 st,
    # 450 kt). A round trip is at least 2 x 5,904.7 nm / 450 kt = 26.24 h; each soldier
    # is charged 1/102 of it and each short ton 1/45 (the mixed-load rule keeps the
    # charges of one mission within its flying hours):
    # 26.24 x (100 / 102 + 20 / 45) = 26.24 x 1.4248 = 37.39 h
    from logistics.bounds.search_free import flying_hours_bound

    s = make_scenario()
    rt = 2 * distance_nm(s.airfield("KPOB"), s.airfield("OKAS")) / 450.0
    assert flying_hours_bound(s) == pytest.approx(rt * (100 / 102 + 20 / 45))
    plan = solve(s, time_limit=5, deterministic=True)
    assert verify(s, plan) == []
    assert plan.kpis["flying_hours"] >= flying_hours_bound(s)
    # the solve reports it (or better) as the flying-hours bound
    assert plan.solve.bound[plan.solve.goals.index("flying_hours")] >= flying_hours_bound(s) - 1e-9


@pytest.mark.parametrize("size", ["S", "M"])
def test_flying_hours_bound_holds_for_dispatched_plans(size):
    from logistics.bounds.search_free import flying_hours_bound
    from logistics.model.dispatch import ORDERS

    for seed in (1, 2, 3):
        s = generate(size, seed)
        d = build_data(s)
        for order in ORDERS:
            plan = plan_from_dispatch(d, dispatch_greedy(d, order=order), status="feasible",
                                      info=SolveInfo(solver="test", goals=list(d.goals)))
            if _fully_delivered(plan):
                assert plan.kpis["flying_hours"] >= flying_hours_bound(s) - 1e-9
