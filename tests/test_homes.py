"""Aircraft from their home bases (SPEC 5.1): positioning flights and per-base pools.

Hand cases with the arithmetic, on airfields of our own along the equator so every
distance is known: ``lon`` 0, 5, 15 and 30 degrees. On the WGS-84 equator 15 degrees
is 901.6 nm and 5 degrees 300.6 nm; at 450 kt a leg lasts ``floor(60 d / 450) + 1``
whole minutes (strictly above distance / speed): 901.6 nm -> 121 min, 300.6 nm -> 41
min, 1,803.2 nm -> 241 min. A C-17A onloads and offloads in 3.25 h = 195 min and seats
102. Every plan is verified.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from conftest import make_scenario

from logistics.errors import ScenarioError
from logistics.network import routings
from logistics.plan import Leg, Plan
from logistics.scenario import Scenario, scenario_to_dict
from logistics.solve import solve
from logistics.verify import verify

ON = 195  # C-17A onload (and offload), minutes
P15, P5, P30 = 121, 41, 241  # leg minutes over 15, 5 and 30 degrees of the equator at 450 kt

FIELDS = [
    {"icao": "HOME", "lat": 0.0, "lon": 0.0, "mog": 4, "runway_ft": 10000},
    {"icao": "NEAR", "lat": 0.0, "lon": 10.0, "mog": 4, "runway_ft": 10000},
    {"icao": "ORIG", "lat": 0.0, "lon": 15.0, "mog": 4, "runway_ft": 10000},
    {"icao": "DEST", "lat": 0.0, "lon": 30.0, "mog": 4, "runway_ft": 10000},
]


def _scenario(aircraft: list[dict], units: list[dict] | None = None, **over) -> Scenario:  # noqa: ANN003
    units = units or [{"id": "A", "origin": "ORIG", "destinations": ["DEST"], "pax": 100, "ready_hour": 0}]
    return make_scenario(airfields=FIELDS, aircraft=aircraft, enroute=[], units=units,
                         destinations=[{"airfield": "DEST"}], **over)


def _plan(s: Scenario) -> Plan:
    plan = solve(s, time_limit=10, deterministic=True)
    assert verify(s, plan) == [], verify(s, plan)
    return plan


def _h(minutes: int) -> float:
    return minutes / 60.0


def test_one_aircraft_at_a_home_two_hours_away_loads_after_positioning():
    # HOME -> ORIG is 121 min empty; the onload starts on landing (h2.017) and takes
    # 195 min, so the loaded departure is at 316 min, not at 195 min as without a home.
    # ORIG -> DEST 121 min: lands at 437 min; offload 195; back DEST -> HOME (30
    # degrees) 241 min: home at 873 min.
    s = _scenario([{"type": "C-17A", "count": 1, "home": "HOME"}])
    plan = _plan(s)
    (m,) = plan.missions
    assert m.home == "HOME" and m.positions
    assert [(lg.frm, lg.to) for lg in m.legs] == [("HOME", "ORIG"), ("ORIG", "DEST"), ("DEST", "HOME")]
    assert m.legs[0].depart_hour == pytest.approx(0.0)
    assert m.legs[0].arrive_hour == pytest.approx(_h(P15))
    assert m.departs_origin_hour == pytest.approx(_h(P15 + ON))
    assert m.arrive_hour == pytest.approx(_h(P15 + ON + P15))
    assert m.end_hour == pytest.approx(_h(P15 + ON + P15 + ON + P30))
    assert plan.kpis["closure_hour"] == pytest.approx(_h(437))
    # the aircraft is held from leaving home to landing there; ground at ORIG from landing
    assert m.hold_interval(s) == pytest.approx((0.0, _h(873)))
    assert m.ground_intervals(s)[0] == ("ORIG", pytest.approx(_h(P15)), pytest.approx(_h(P15 + ON)), "onload")
    # without a home: onload at 0, loaded departure at 195 min, closure 316 min
    flat = _plan(_scenario([{"type": "C-17A", "count": 1}]))
    assert flat.kpis["closure_hour"] == pytest.approx(_h(ON + P15))
    assert flat.missions[0].home is None


def test_two_pools_of_one_type_the_nearer_flies_first():
    # one C-17A at HOME (121 min from ORIG) and one at NEAR (41 min): two units of 100
    # soldiers need one aircraft each. NEAR's mission lands at ORIG at 41 min and
    # delivers at 41 + 195 + 121 = 357 min; HOME's at 121 + 195 + 121 = 437 min.
    units = [{"id": u, "origin": "ORIG", "destinations": ["DEST"], "pax": 100, "ready_hour": 0} for u in "AB"]
    s = _scenario([{"type": "C-17A", "count": 1, "home": "HOME"},
                   {"type": "C-17A", "count": 1, "home": "NEAR"}], units)
    assert s.pools == [("C-17A", "HOME"), ("C-17A", "NEAR")]
    assert s.fleet_count("C-17A") == 2 and s.fleet_count("C-17A", home="NEAR") == 1
    plan = _plan(s)
    by_home = {m.home: m for m in plan.missions}
    assert set(by_home) == {"HOME", "NEAR"}
    assert by_home["NEAR"].arrive_hour == pytest.approx(_h(P5 + ON + P15))
    assert by_home["HOME"].arrive_hour == pytest.approx(_h(P15 + ON + P15))
    assert by_home["NEAR"].arrive_hour < by_home["HOME"].arrive_hour
    # one unit only: the nearer pool carries it (closure 357 min, not 437)
    one = _plan(_scenario([{"type": "C-17A", "count": 1, "home": "HOME"},
                           {"type": "C-17A", "count": 1, "home": "NEAR"}]))
    assert [m.home for m in one.missions] == ["NEAR"]
    assert one.kpis["closure_hour"] == pytest.approx(_h(357))


def test_the_return_to_home_holds_the_aircraft_until_it_lands_there():
    # one C-17A at HOME, two units of 100 soldiers: the second mission leaves HOME when
    # the first is back there at 873 min (not when it has left DEST), so it delivers at
    # 873 + 437 = 1,310 min. (Crews may fly all day here: with 12 h a day, the 8.05 h
    # of the first mission and 4.03 h of the second's would pass 12 h on day 0.)
    units = [{"id": u, "origin": "ORIG", "destinations": ["DEST"], "pax": 100, "ready_hour": 0} for u in "AB"]
    s = _scenario([{"type": "C-17A", "count": 1, "home": "HOME", "ute_hours": 24}], units)
    plan = _plan(s)
    first, second = sorted(plan.missions, key=lambda m: m.start_hour)
    assert first.end_hour == pytest.approx(_h(873))
    assert second.start_hour == pytest.approx(_h(873))
    assert plan.kpis["closure_hour"] == pytest.approx(_h(873 + 437))
    # the checker refuses the second leaving home an hour before the first is back
    early = replace(second, legs=tuple(Leg(lg.frm, lg.to, lg.depart_hour - 1, lg.arrive_hour - 1)
                                       for lg in second.legs))
    bad = Plan.from_missions(s, [first, early], status="feasible")
    rules = {v.rule for v in verify(s, bad)}
    assert "fleet" in rules


def test_crew_hours_of_a_day_count_the_positioning_legs():
    # one mission flies 121 + 121 + 241 = 483 min = 8.05 h; without positioning only
    # 121 + 241 = 362 min = 6.03 h. With crews limited to 7 h a day, the plan that flies
    # it all on day 0 breaks rule 9 because of the positioning leg; the solver's plan
    # spreads the legs over two days instead (none of its days above 7 h).
    s = _scenario([{"type": "C-17A", "count": 1, "home": "HOME"}])
    plan = _plan(s)
    tight = Scenario.from_dict({**scenario_to_dict(s),
                                "aircraft": [{"type": "C-17A", "count": 1, "home": "HOME", "ute_hours": 7}]})
    crew = [v for v in verify(tight, plan) if v.rule == "crew"]
    assert crew and "8.05 h on day 0" in crew[0].message
    solved = _plan(tight)
    per_day: dict[int, float] = {}
    for lg in solved.missions[0].legs:
        for k in range(int(lg.depart_hour // 24), int(lg.arrive_hour // 24) + 1):
            x = min(lg.arrive_hour, 24 * k + 24) - max(lg.depart_hour, 24 * k)
            per_day[k] = per_day.get(k, 0.0) + max(0.0, x)
    assert max(per_day.values()) <= 7 + 1e-6
    assert sum(per_day.values()) == pytest.approx(_h(483))


def test_a_home_equal_to_the_origin_is_the_plain_trip_and_writes_its_code():
    s = _scenario([{"type": "C-17A", "count": 1, "home": "ORIG"}])
    plan = _plan(s)
    (m,) = plan.missions
    assert m.home == "ORIG" and not m.positions
    assert plan.kpis["closure_hour"] == pytest.approx(_h(ON + P15))
    d = json.loads(plan.to_json())
    assert d["missions"][0]["home"] == "ORIG"
    again = Plan.from_json(plan.to_json())
    assert again.missions[0].home == "ORIG" and verify(s, again) == []


def test_the_plan_file_carries_the_home_and_reads_back():
    s = _scenario([{"type": "C-17A", "count": 1, "home": "HOME"}])
    plan = _plan(s)
    d = json.loads(plan.to_json())
    assert d["missions"][0]["home"] == "HOME"
    assert d["missions"][0]["legs"][0]["from"] == "HOME" and d["missions"][0]["legs"][-1]["to"] == "HOME"
    again = Plan.from_json(plan.to_json())
    assert again.missions[0].home == "HOME" and verify(s, again) == []
    # a plan without homes leaves the key out (SPEC 5.1: absent means no home)
    flat = _plan(_scenario([{"type": "C-17A", "count": 1}]))
    assert "home" not in json.loads(flat.to_json())["missions"][0]


def test_the_checker_reads_the_route_from_home_to_home():
    s = _scenario([{"type": "C-17A", "count": 1, "home": "HOME"}])
    (m,) = _plan(s).missions
    # a mission that claims the home but starts at the origin
    cut = replace(m, legs=m.legs[1:])
    msgs = [v.message for v in verify(s, Plan.from_missions(s, [cut], status="feasible")) if v.rule == "ground"]
    assert any("not its home HOME" in x for x in msgs)
    # a mission of a pool the scenario does not have
    stray = replace(m, home="NEAR")
    vs = verify(s, Plan.from_missions(s, [stray], status="feasible"))
    assert any(v.rule == "fleet" and "C-17A@NEAR" in v.subject for v in vs)
    # loads on the positioning leg are not allowed: it flies empty, so a leg too long
    # for a loaded C-17 is fine there (range at zero payload)
    assert routings(s, "ORIG", "DEST", "C-17A", home="HOME")[0].lead == P15


def test_every_problem_with_homes_at_once():
    with pytest.raises(ScenarioError) as e:
        make_scenario(aircraft=[{"type": "C-17A", "count": 1, "home": "XXXX"},
                                {"type": "C-17A", "count": 1, "home": "shrt"}],
                      airfields=[{"icao": "SHRT", "lat": 30.0, "lon": -80.0, "mog": 2, "runway_ft": 2000}])
    locs = {p.loc: p.message for p in e.value.problems}
    assert "unknown airfield XXXX (home base)" in locs["aircraft[0].home"]
    assert "shorter than the C-17A's minimum" in locs["aircraft[1].home"]


def test_a_destination_that_is_the_home_is_never_flown_by_that_pool():
    # the only pool lives at DEST: its missions may not end at their home, so nothing
    # can reach DEST and the scenario says so
    with pytest.raises(ScenarioError) as e:
        _scenario([{"type": "C-17A", "count": 1, "home": "DEST"}])
    assert any("no aircraft in the fleet can reach DEST" in p.message for p in e.value.problems)


@pytest.mark.parametrize("name", ["baghdad-embassy-2020-homes", "gulf-buildup-2019-homes"])
def test_the_bundled_operations_at_home_bases_plan_and_verify(bundled_dir, name: str):  # noqa: ANN001
    from logistics.homes import without_homes
    from logistics.scenario import load_scenario

    s = load_scenario(bundled_dir / f"{name}.yaml")
    assert ("C-17A", "KCHS") in s.pools and ("C-5M", "KDOV") in s.pools
    assert all(h is None for t, h in s.pools if t.startswith("CRAF"))
    plan = solve(s, time_limit=4, deterministic=True)
    assert verify(s, plan) == [], [str(v) for v in verify(s, plan)][:5]
    assert plan.kpis["undelivered_pax"] == 0
    assert any(m.positions for m in plan.missions)
    for m in plan.missions:
        assert (m.aircraft, m.home) in s.pools
        assert m.legs[0].frm == (m.home or m.origin) == m.legs[-1].to
    # the same operation without homes is the bundled file of that name
    flat = load_scenario(bundled_dir / f"{name.removesuffix('-homes')}.yaml")
    assert without_homes(s).aircraft != s.aircraft
    assert {(e.type, e.available_hour) for e in without_homes(s).aircraft} == \
        {(e.type, e.available_hour) for e in flat.aircraft}
    assert {t: s.fleet_count(t) for t in s.fleet_types} == {t: flat.fleet_count(t) for t in flat.fleet_types}


def test_generated_scenarios_with_homes_keep_every_count():
    from logistics.generate import generate

    for size in ("S", "M"):
        flat, homed = generate(size, 3), generate(size, 3, homes=True)
        assert homed.units == flat.units
        for t in flat.fleet_types:  # the type's count at every hour it changes
            hours = {h for h, _ in flat.fleet_steps(t)} | {h for h, _ in homed.fleet_steps(t)}
            assert [flat.fleet_count(t, h) for h in sorted(hours)] == [homed.fleet_count(t, h) for h in sorted(hours)]
        assert any(h is not None for _, h in homed.pools)


def test_the_explanation_names_positioning_when_it_sets_the_closure():
    # the unit is ready at 0, its only aircraft leaves HOME at 0 and lands at ORIG at
    # 121 min = h2.0: the load waited 2.0 h for it, and that sets the force closure
    from logistics.explain import explain

    s = _scenario([{"type": "C-17A", "count": 1, "home": "HOME"}])
    plan = _plan(s)
    closing = [f for f in explain(s, plan) if "Force closure" in f.message]
    assert closing, [f.message for f in explain(s, plan)]
    msg = closing[0].message
    assert "positioning" in msg and "the first C-17As from HOME reach ORIG at h2.0" in msg
    assert closing[0].subject == "C-17A@HOME"


def test_the_bounds_and_the_estimate_count_the_flight_from_home():
    # the closure can be no earlier than the flight from HOME (901.6 nm / 450 kt =
    # 2.004 h), the onload (3.25 h) and the flight out (2.004 h): 7.257 h; the plan's
    # 7.283 h is that in whole minutes (121 + 195 + 121 min). Without a home the bound
    # is 5.254 h (no positioning). The doctrinal estimate moves later with homes too.
    from logistics.bounds.search_free import lower_bound
    from logistics.estimate import estimate

    homed = _scenario([{"type": "C-17A", "count": 1, "home": "HOME"}])
    flat = _scenario([{"type": "C-17A", "count": 1}])
    lb_h, lb_f = lower_bound(homed), lower_bound(flat)
    assert lb_h == pytest.approx(2 * 901.6157 / 450 + 3.25, abs=1e-3)
    assert lb_f == pytest.approx(901.6157 / 450 + 3.25, abs=1e-3)
    assert lb_h <= _plan(homed).kpis["closure_hour"] + 1e-9
    assert estimate(homed).closure_hour > estimate(flat).closure_hour


def test_the_peers_plan_from_home_bases_too():
    # the naive planner, the hand-planning greedy and the MIP peer on two pools of one
    # type at different homes: every plan keeps every rule, and each mission flies from
    # the home of a pool the scenario has
    from logistics.peers.greedy import greedy
    from logistics.peers.mip import solve_mip
    from logistics.peers.naive import naive

    units = [{"id": u, "origin": "ORIG", "destinations": ["DEST"], "pax": 100, "ready_hour": 0} for u in "AB"]
    s = _scenario([{"type": "C-17A", "count": 1, "home": "HOME"},
                   {"type": "C-17A", "count": 1, "home": "NEAR"}], units)
    for plan in (naive(s), greedy(s), solve_mip(s, time_limit=5)):
        assert verify(s, plan) == [], [str(v) for v in verify(s, plan)]
        assert plan.kpis["undelivered_pax"] == 0
        assert {m.home for m in plan.missions} <= {"HOME", "NEAR"}


def test_the_legs_table_marks_only_origin_to_destination_loaded():
    s = _scenario([{"type": "C-17A", "count": 1, "home": "HOME"}])
    legs = _plan(s).legs_df(s)
    # HOME-ORIG positions empty, ORIG-DEST carries the load, DEST-HOME returns empty
    assert list(zip(legs["from"], legs["to"], legs["loaded"], strict=True)) == [
        ("HOME", "ORIG", False), ("ORIG", "DEST", True), ("DEST", "HOME", False)]
    missions = _plan(s).missions_df(s)
    assert missions.loc[0, "home"] == "HOME"
    assert missions.loc[0, "onload_hour"] == pytest.approx(_h(P15))
