"""The checker: the hand plan of test_plan passes; each corruption breaks exactly one rule.

The hand plan (M1 C-17A, M2 CRAF-B747-PAX, M3 CRAF-B747-F; arithmetic in test_plan's
docstring) is valid. Each case below changes the scenario or the missions in one way
and rebuilds the plan with ``Plan.from_missions`` (so reported figures stay true), or
edits a reported figure, and the arithmetic in its comment says why one rule breaks.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_plan import (
    C17_TIMES,
    hand_missions,
    hand_plan,
    m1,
    m2,
    m3,
    route,
    scen,
    unit,
)

from logistics.explain import explain
from logistics.plan import FINDING_KINDS, Leg, Load, Mission, Plan
from logistics.scenario import Scenario, save_scenario
from logistics.verify import RULES, Violation, main, verify, verify_summary


def rules(vs: list[Violation]) -> set[str]:
    return {v.rule for v in vs}


def test_hand_plan_is_valid():
    s = scen()
    p = hand_plan(s)
    assert verify(s, p) == []
    # and so after a JSON round trip
    assert verify(s, Plan.from_json(p.to_json())) == []


def test_touching_ground_intervals_are_valid_at_mog_one():
    # M9 = M1 shifted by 3.5 h: lands at OKAS at 23.5 as M1 leaves (half-open intervals).
    # Crew day 0: M1 14 h + M9 (7.5-16 = 8.5, 18.5-23.5 = 5) 13.5 h = 27.5 <= 36.
    s = scen(airfields=[{"icao": "OKAS", "mog": 1}])
    ms = [m1(), m1(id="M9", legs=route(C17_TIMES, shift=3.5), loads=())]
    assert verify(s, Plan.from_missions(s, ms, status="feasible")) == []


def test_crew_hours_clip_legs_at_midnight():
    # C-17A x1 with ute 14: day 0 = 8.5 + 5 + 0.5 (23.5-24 of the 23.5-28.5 leg) = 14.0 <= 14;
    # day 1 = 4.5 + 8.5 = 13 <= 14. At ute 13.9 day 0 breaks.
    ok = scen(aircraft=[{"type": "C-17A", "count": 1, "ute_hours": 14}])
    assert verify(ok, hand_plan(ok, missions=[m1()])) == []
    tight = scen(aircraft=[{"type": "C-17A", "count": 1, "ute_hours": 13.9}])
    vs = verify(tight, hand_plan(tight, missions=[m1()]))
    assert [(v.rule, v.subject) for v in vs] == [("crew", "C-17A")]
    assert "day 0" in vs[0].message and "14.00 h" in vs[0].message


def _with_unit(p: Plan, uid: str, **changes: Any) -> Plan:
    units = [dataclasses.replace(r, **changes) if r.id == uid else r for r in p.units]
    return dataclasses.replace(p, units=units)


def _with_kpi(p: Plan, **kpis: Any) -> Plan:
    return dataclasses.replace(p, kpis={**p.kpis, **kpis})


FLEET_CRAF = [{"type": "CRAF-B747-PAX", "count": 2}, {"type": "CRAF-B747-F", "count": 2}]
Case = tuple[str, Callable[[], Scenario], Callable[[], list[Mission]], Callable[[Plan], Plan] | None]

# (rule, scenario, missions, edit of the built plan)
CASES: dict[str, Case] = {
    # --- rule 1 -------------------------------------------------------------------------
    # U1: 140 carried + 50 reported undelivered != 200
    "delivery-sum": ("delivery", scen, hand_missions,
                     lambda p: _with_unit(p, "U1", undelivered={**p.unit("U1").undelivered, "pax": 50})),
    # a load of a unit the scenario does not have
    "delivery-unknown-unit": ("delivery", scen,
                              lambda: [m1(loads=(*m1().loads, Load("U9", pax=1))), m2(), m3()], None),
    # U1 reported at OTBH, not one of its destinations and not where its loads went
    "delivery-destination": ("delivery", scen, hand_missions,
                             lambda p: _with_unit(p, "U1", destination="OTBH")),
    # --- rule 2 -------------------------------------------------------------------------
    # U1 ready 2: C-17 M1 departs 4.0 < 2 + 3.25; CRAF-F M3 departs 4.0 < 2 + 4
    "windows-ready": ("windows", lambda: scen(units=[unit("U1", ready_hour=2), unit("U2")]),
                      hand_missions, None),
    # U1 LAD 19: M1 lands U1 at 20.0 > 19 (M2, M3 land at 19.0: fine)
    "windows-lad": ("windows", lambda: scen(units=[unit("U1", latest_arrival_hour=19), unit("U2")]),
                    hand_missions, None),
    # U1 EAD 19.5: M2 and M3 land at 19.0
    "windows-ead": ("windows", lambda: scen(units=[unit("U1", earliest_arrival_hour=19.5), unit("U2")]),
                    hand_missions, None),
    # horizon 19.5: M1 lands at 20.0
    "windows-horizon": ("windows", lambda: scen(horizon_hours=19.5), hand_missions, None),
    # --- rule 3 -------------------------------------------------------------------------
    # 95 + 10 = 105 soldiers > 102 seats (U1 carried 95 + 100 = 195 <= 200; payload
    # 105 x 0.15 + 20 = 35.75 st -> range 6,200 - 3,800 x 35.75/85.5 = 4,611 >= 3,733 nm)
    "capacity-seats": ("capacity", scen,
                       lambda: [m1(loads=(Load("U1", pax=95, bulk_stons=20.0), Load("U2", pax=10))), m2(), m3()],
                       None),
    # 40/102 + 10/102 + 30/45 = 0.49 + 0.67 = 1.16 > 1 (bulk 30 + M3 10 = 40 <= 40)
    "capacity-mixed": ("capacity", scen,
                       lambda: [m1(loads=(Load("U1", pax=40, bulk_stons=30.0), Load("U2", pax=10))), m2(),
                                m3(loads=(Load("U1", bulk_stons=10.0, oversize_stons=10.0),))], None),
    # 10 st bulk on the passenger-only CRAF jet (ACL 0, no cargo classes)
    "capacity-class-pax-jet": ("capacity", scen,
                               lambda: [m1(), m2(loads=(Load("U1", pax=100, bulk_stons=10.0),)),
                                        m3(loads=(Load("U1", bulk_stons=10.0, oversize_stons=10.0),))], None),
    # 10 st outsize on the CRAF freighter (bulk and oversize only); 40 st <= ACL 90
    "capacity-class-outsize": ("capacity", scen,
                               lambda: [m1(), m2(), m3(loads=(Load("U1", bulk_stons=20.0, oversize_stons=10.0,
                                                                   outsize_stons=10.0),))], None),
    # --- rule 4 -------------------------------------------------------------------------
    # direct KPOB-OKAS 5,905 nm at 27.5 st: range 4,978 nm. Times 4.0-17.5 (13.5 >= 13.12 h),
    # offload 17.5-21.0, empty return 21.0-34.5 within the 6,200 nm ferry range.
    "range-direct": ("range", scen,
                     lambda: [m1(legs=(Leg("KPOB", "OKAS", 4.0, 17.5), Leg("OKAS", "KPOB", 21.0, 34.5))),
                              m2(), m3()], None),
    # pax weight 3,000 lb = 1.5 st: M1 50 x 1.5 + 20 = 95 > 85.5 st; M2 150 > 54.6 st
    "range-payload": ("range", lambda: scen(pax_weight_lb=3000), hand_missions, None),
    # --- rule 5 -------------------------------------------------------------------------
    # ETAR-OKAS 2,175.6 nm in 4.5 h < 4.83 h at 450 kt (offload 19.5-23.5 still >= 3.25)
    "speed": ("speed", scen,
              lambda: [m1(legs=route([(4.0, 12.5), (15.0, 19.5), (23.5, 28.5), (31.0, 39.5)])), m2(), m3()],
              None),
    # --- rule 6 -------------------------------------------------------------------------
    # 0.5 h at ETAR (12.5-13.0) < 2.25 h en-route ground time
    "ground-enroute": ("ground", scen,
                       lambda: [m1(legs=route([(4.0, 12.5), (13.0, 18.0), (23.5, 28.5), (31.0, 39.5)])),
                                m2(), m3()], None),
    # 1.0 h offload at OKAS (20-21) < 3.25 h
    "ground-offload": ("ground", scen,
                       lambda: [m1(legs=route([(4.0, 12.5), (15.0, 20.0), (21.0, 26.0), (28.5, 37.0)])),
                                m2(), m3()], None),
    # ETAR is not an allowed stop when only LERT is
    "ground-stop-not-enroute": ("ground", lambda: scen(enroute=["LERT"]), hand_missions, None),
    # legs do not chain: lands at ETAR, leaves from LERT
    "ground-chain": ("ground", scen,
                     lambda: [m1(legs=(Leg("KPOB", "ETAR", 4.0, 12.5), Leg("LERT", "OKAS", 15.0, 21.5),
                                       Leg("OKAS", "ETAR", 25.0, 30.0), Leg("ETAR", "KPOB", 32.5, 41.0))),
                              m2(), m3()], None),
    # --- rule 7 -------------------------------------------------------------------------
    # OKAS MOG 1: M2, M3 on the ground 19-23 and M1 20-23.5
    "mog": ("mog", lambda: scen(airfields=[{"icao": "OKAS", "mog": 1}]), hand_missions, None),
    # --- rule 8 -------------------------------------------------------------------------
    # C-17s available from h10 only: M1 holds one from 0.75 (crew day 0: 12 x 3 = 36 >= 14)
    "fleet-available-hour": ("fleet", lambda: scen(aircraft=[{"type": "C-17A", "count": 3, "available_hour": 10},
                                                             *FLEET_CRAF]), hand_missions, None),
    # one C-17 (ute 24): M1 holds it 0.75-39.5 and M4 (= M1 + 35.25 h) from 36.0.
    # Crew: day 1 = M1 13 + M4 8.5 (39.25-47.75) = 21.5 <= 24; day 2 = 5 + 5 + 5.75 = 15.75
    "fleet-count": ("fleet", lambda: scen(aircraft=[{"type": "C-17A", "count": 1, "ute_hours": 24}, *FLEET_CRAF]),
                    lambda: [*hand_missions(), m1(id="M4", legs=route(C17_TIMES, shift=35.25),
                                                  loads=(Load("U1", pax=10),))], None),
    # a type that is not in the fleet
    "fleet-type": ("fleet", scen, lambda: [m1(), m2(), m3(aircraft="C-5M")], None),
    # --- rule 9 -------------------------------------------------------------------------
    # one C-17 at ute 6: day 0 flies 14 h > 6, day 1 13 h > 6
    "crew": ("crew", lambda: scen(aircraft=[{"type": "C-17A", "count": 1, "ute_hours": 6}, *FLEET_CRAF]),
             hand_missions, None),
    # --- rule 10 ------------------------------------------------------------------------
    # ETAR runway 3,000 ft: C-17 needs 3,500, CRAF 9,000 (LERT keeps the scenario valid)
    "runways": ("runways", lambda: scen(airfields=[{"icao": "ETAR", "runway_ft": 3000}]), hand_missions, None),
    # --- rule 11 ------------------------------------------------------------------------
    # OKAS beddown 150 < U1 200 + U2 10 (full strength, though 60 of U1 are undelivered)
    "beddown": ("beddown", lambda: scen(destinations=[{"airfield": "OKAS", "capacity_pax": 150}]),
                hand_missions, None),
    # --- rule 12 ------------------------------------------------------------------------
    # U2 closes at 20.0, RDD 18: late 2.0, not 0
    "reported-late": ("reported", scen, hand_missions, lambda p: _with_unit(p, "U2", late_hours=0.0)),
    # U1 is not fully delivered: closure must be null
    "reported-closure": ("reported", scen, hand_missions, lambda p: _with_unit(p, "U1", closure_hour=20.0)),
    # U1 delivered 140 pax, reported 150 (undelivered 60 still balances rule 1)
    "reported-delivered": ("reported", scen, hand_missions,
                           lambda p: _with_unit(p, "U1", delivered={**p.unit("U1").delivered, "pax": 150})),
    "reported-kpi-closure": ("reported", scen, hand_missions, lambda p: _with_kpi(p, closure_hour=19.0)),
    "reported-kpi-flying": ("reported", scen, hand_missions, lambda p: _with_kpi(p, flying_hours=70.0)),
    "reported-kpi-late-units": ("reported", scen, hand_missions, lambda p: _with_kpi(p, late_units=0)),
    "reported-kpi-undelivered": ("reported", scen, hand_missions,
                                 lambda p: _with_kpi(p, undelivered_pax=0, undelivered_stons=0.0)),
    "reported-missing-unit": ("reported", scen, hand_missions,
                              lambda p: dataclasses.replace(p, units=[p.unit("U1")])),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_corruption_breaks_exactly_its_rule(name):
    rule, make_s, make_ms, edit = CASES[name]
    s = make_s()
    p = Plan.from_missions(s, make_ms(), status="feasible")
    if edit is not None:
        p = edit(p)
    vs = verify(s, p)
    assert vs, f"{name}: no violation found"
    assert rules(vs) == {rule}, verify_summary(vs)


def test_every_rule_has_a_case():
    # FROZEN needs a previous plan and an hour: its cases are in test_replan.py
    assert {c[0] for c in CASES.values()} == set(RULES) - {"frozen"}


def test_messages_name_subject_and_numbers():
    s = scen(airfields=[{"icao": "OKAS", "mog": 1}])
    vs = verify(s, hand_plan(s))
    assert len(vs) == 1
    v = vs[0]
    # M2, M3 land 19.0 (2 > 1); M1 lands 20.0 (3); M2/M3 leave 23.0, leaving M1 alone (1):
    # over MOG 1 from 19.0 to 23.0, peak 3
    assert v.subject == "OKAS"
    assert "3 aircraft on the ground h19.00-h23.00, MOG 1" in v.message
    assert "M1, M2, M3" in v.message
    assert str(v).startswith("[mog] OKAS: ")


def test_range_return_leg_is_empty():
    # Direct return OKAS-KPOB 5,905 nm flies empty (ferry 6,200): fine. Ferry range cut
    # to 5,800 nm makes that return leg too long even empty.
    s = scen(aircraft=[{"type": "C-17A", "count": 3, "ferry_range_nm": 5800}, *FLEET_CRAF])
    legs = (Leg("KPOB", "ETAR", 4.0, 12.5), Leg("ETAR", "OKAS", 15.0, 20.0), Leg("OKAS", "KPOB", 23.5, 37.0))
    vs = verify(s, hand_plan(s, missions=[m1(legs=legs), m2(), m3()]))
    assert rules(vs) == {"range"}
    assert "leg 2 OKAS-KPOB" in vs[0].message and "0.00 st" in vs[0].message
    ok = scen()
    assert verify(ok, hand_plan(ok, missions=[m1(legs=legs), m2(), m3()])) == []


def test_never_reaching_destination():
    s = scen()
    legs = (Leg("KPOB", "ETAR", 4.0, 12.5), Leg("ETAR", "KPOB", 15.0, 23.5))
    vs = verify(s, hand_plan(s, missions=[m1(legs=legs), m2(), m3()]))
    assert {"ground", "windows"} <= rules(vs)
    assert any("never lands at its destination OKAS" in v.message for v in vs)


def test_summary():
    assert verify_summary([]).startswith("OK")
    vs = [Violation("mog", "OKAS", "x"), Violation("mog", "ETAR", "y"), Violation("crew", "C-17A", "z")]
    text = verify_summary(vs)
    assert text.splitlines()[0] == "3 violations (mog 2, crew 1)"
    assert "  [crew] C-17A: z" in text


# ----- command line -----------------------------------------------------------------------
def _files(tmp_path, s: Scenario, p: Plan):
    sp = save_scenario(s, tmp_path / "scenario.yaml")
    pp = p.save(tmp_path / "plan.json")
    return str(sp), str(pp)


def test_cli_valid(tmp_path, capsys):
    s = scen()
    assert main(list(_files(tmp_path, s, hand_plan(s)))) == 0
    assert capsys.readouterr().out.startswith("OK")


def test_cli_violations(tmp_path, capsys):
    bad = scen(airfields=[{"icao": "OKAS", "mog": 1}])
    assert main(list(_files(tmp_path, bad, hand_plan(bad)))) == 1
    assert "[mog] OKAS" in capsys.readouterr().out


def test_cli_unreadable_input(tmp_path, capsys):
    s = scen()
    sp, pp = _files(tmp_path, s, hand_plan(s))
    d = json.loads(open(pp).read())
    d["missions"][0]["legs"][0]["depart_hour"] = "soon"
    (tmp_path / "bad.json").write_text(json.dumps(d))
    assert main([sp, str(tmp_path / "bad.json")]) == 2
    err = capsys.readouterr().err
    assert "missions[0].legs[0].depart_hour: must be a number" in err and "Traceback" not in err
    assert main([str(tmp_path / "nope.yaml"), pp]) == 2
    assert "nope.yaml" in capsys.readouterr().err
    assert main([sp]) == 2


# ----- robustness and cross-checks ---------------------------------------------------------
def test_malformed_missions_are_reported_not_crashed():
    s = scen()
    ms = [
        m1(id="M1", legs=()),                                         # no legs
        m1(id="M2", legs=(Leg("KPOB", "ZZZZ", 4.0, 12.5), Leg("ZZZZ", "OKAS", 15.0, 20.0),
                          Leg("OKAS", "KPOB", 23.5, 37.0)), loads=()),  # unknown airfield
        m1(id="M3", aircraft="C-5M", loads=()),                       # type not in the fleet
    ]
    p = Plan.from_missions(s, ms, status="feasible")
    vs = verify(s, p)
    assert {"ground", "fleet"} <= rules(vs)
    assert any("has no legs" in v.message for v in vs)
    assert any("ZZZZ" in v.message for v in vs)
    assert any(v.subject == "C-5M" for v in vs)
    # the tables and the explanation cope too
    assert not p.ground_occupancy(s).empty and not p.fleet_use(s).empty
    assert all(f.kind in FINDING_KINDS for f in explain(s, p))


def test_duplicate_mission_ids():
    s = scen()
    vs = verify(s, hand_plan(s, missions=[m1(), m2(id="M1"), m3()]))
    assert [v.message for v in vs] == ["mission id used more than once"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shifts=st.lists(st.integers(0, 40).map(lambda q: q * 0.25), min_size=1, max_size=6),
       mog=st.integers(1, 4), count=st.integers(1, 6))
def test_checker_agrees_with_plan_step_series(shifts, mog, count):
    # Empty C-17 missions on the standard route, starting on a quarter-hour grid so that
    # touching ground periods (one leaves as another lands) are frequent. The checker's
    # own sweep line must agree with Plan.ground_occupancy / Plan.fleet_use.
    s = scen(airfields=[{"icao": "OKAS", "mog": mog}],
             aircraft=[{"type": "C-17A", "count": count, "ute_hours": 24}])
    ms = [m1(id=f"M{i}", legs=route(C17_TIMES, shift=x), loads=()) for i, x in enumerate(shifts)]
    p = Plan.from_missions(s, ms, status="feasible")
    vs = verify(s, p)
    occ = p.ground_occupancy(s)
    okas = occ[occ.airfield == "OKAS"]
    assert any(v.rule == "mog" and v.subject == "OKAS" for v in vs) == bool((okas.on_ground > mog).any())
    fu = p.fleet_use(s)
    assert any(v.rule == "fleet" for v in vs) == bool((fu.in_use > fu.pool).any())


def test_the_best_baghdad_plan_on_record_verifies_at_its_kpis(bundled_dir):
    # benchmarks/plans: the 994.45 h Baghdad plan (2-504 and the middle group re-planned
    # together by logistics.search.held.held_out, 3-504 at Kuwait International, 2-504 at Ali
    # Al Salem). 59,667 flying minutes = 994.45 h; everything by minute 7,024 = 117.07 h
    from pathlib import Path

    from logistics.scenario import load_scenario
    from logistics.verify import verify

    s = load_scenario(bundled_dir / "baghdad-embassy-2020.yaml")
    plan = Plan.load(Path(__file__).parent.parent / "benchmarks" / "plans" / "baghdad-embassy-2020-994.45h.json")
    assert verify(s, plan) == []
    assert plan.kpis["flying_hours"] == pytest.approx(59667 / 60)
    assert plan.kpis["closure_hour"] == pytest.approx(7024 / 60)
    assert {u.id: u.destination for u in plan.units}["2-504-PIR"] == "OKAS"
    assert {u.id: u.destination for u in plan.units}["3-504-PIR"] == "OKBK"


@pytest.mark.parametrize("hour", [62.85, 62.35, 10.1, 0.7])
def test_a_mission_may_start_at_the_hour_its_aircraft_becomes_available(hour: float) -> None:
    # the only C-17 is available from `hour`; a mission whose onload starts at that very
    # minute (round(hour x 60)) holds it from then on. In floating point the first
    # departure less the onload time is 62.849999... for h62.85: within the time
    # tolerance, not a minute before the aircraft exists. A minute earlier is refused.
    from conftest import make_scenario

    from logistics.model.convert import plan_from_dispatch
    from logistics.model.data import build_data
    from logistics.model.dispatch import Dispatch
    from logistics.plan import SolveInfo

    s = make_scenario(aircraft=[{"type": "C-17A", "count": 1, "available_hour": hour}])
    d = build_data(s)
    g = d.groups[0]
    oi = max(range(len(g.options)), key=lambda i: g.options[i].payload_stons)
    for start, ok in ((round(hour * 60), True), (round(hour * 60) - 1, False)):
        p = plan_from_dispatch(d, [Dispatch(0, oi, start, {0: {"pax": 100, "bulk_stons": 2000}})],
                               status="feasible", info=SolveInfo())
        fleet = [v for v in verify(s, p) if v.rule == "fleet"]
        assert (fleet == []) is ok, fleet
