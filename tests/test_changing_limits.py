"""Limits that change over time (SPEC 5.2): aircraft leaving the pool at ``until_hour``,
an airfield's MOG changed over ``mog_changes`` intervals. Hand cases with the arithmetic,
the input errors, and the checker refusing plans that ignore the changes. Every plan
the solver returns is verified."""

from __future__ import annotations

import pytest
from conftest import make_scenario
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logistics.errors import ScenarioError
from logistics.generate import generate
from logistics.model.data import build_data, day_counts, minute_pieces
from logistics.scenario import Scenario, scenario_to_dict
from logistics.solve import solve
from logistics.verify import verify

TWO = [{"id": "A", "origin": "KPOB", "destinations": ["OKAS"], "pax": 100, "ready_hour": 0},
       {"id": "B", "origin": "KPOB", "destinations": ["OKAS"], "pax": 100, "ready_hour": 0}]
#: crews that may fly all day, so two missions a day never wait for crew hours (rule 9)
CREW = {"ute_hours": 24}


def _fastest(s) -> tuple[int, int]:  # noqa: ANN001
    """(arrival, cycle) minutes of the fastest routing that carries a full load of 100
    soldiers (15 st: via a stop, as the direct leg is beyond a C-17's range)."""
    d = build_data(s)
    r = min((r for r in d.groups[0].options if r.payload_stons >= 15), key=lambda r: r.arrive)
    return r.arrive, r.cycle


def _closure(s, limit: float = 10) -> float:  # noqa: ANN001
    plan = solve(s, time_limit=limit, deterministic=True)
    assert verify(s, plan) == []
    assert plan.kpis["undelivered_pax"] == 0
    return plan.kpis["closure_hour"]


def test_the_scenario_reads_counts_that_change():
    s = make_scenario(aircraft=[{"type": "C-17A", "count": 3, "until_hour": 40},
                                {"type": "C-17A", "count": 2, "available_hour": 30}],
                      airfields=[{"icao": "OKAS", "mog_changes": [{"from_hour": 10, "to_hour": 20, "mog": 0}]}])
    # +3 at 0, +2 at 30, -3 at 40: 3 until h30, 5 over h30-h40, 2 after
    assert s.fleet_steps("C-17A") == [(0.0, 3), (30.0, 2), (40.0, -3)]
    assert [s.fleet_count("C-17A", h) for h in (0, 35, 40)] == [3, 5, 2]
    assert s.fleet_count("C-17A") == 5  # the most at any instant
    assert s.fleet_day_count("C-17A", 1) == 5  # day 1 is h24-h48: 5 at some instant
    assert s.fleet_day_count("C-17A", 2) == 2
    base = s.airfield("OKAS").mog
    assert s.mog_pieces("OKAS") == [(0.0, 10, base), (10, 20, 0), (20, float("inf"), base)]
    assert (s.mog_at("OKAS", 9.99), s.mog_at("OKAS", 10), s.mog_at("OKAS", 20)) == (base, 0, base)
    # in model minutes: day counts, and a change at h10.5 makes minute 630 the lower one
    assert day_counts([(0, 3), (1800, 2), (2400, -3)], 3) == [3, 5, 2]
    assert minute_pieces([(0, 10.5, 4), (10.5, float("inf"), 2)], 1000) == [(0, 630, 4), (630, 1000, 2)]
    assert minute_pieces([(0, 10.505, 4), (10.505, float("inf"), 2)], 1000) == [(0, 630, 4), (630, 1000, 2)]


def test_every_problem_of_the_new_fields_at_once():
    with pytest.raises(ScenarioError) as e:
        make_scenario(aircraft=[{"type": "C-17A", "count": 2, "available_hour": 12, "until_hour": 12}],
                      airfields=[{"icao": "OKAS", "mog_changes": [
                          {"from_hour": 10, "to_hour": 20, "mog": 1},
                          {"from_hour": 15, "to_hour": 30, "mog": 0},
                          {"from_hour": 40, "to_hour": 35, "mog": 2},
                          ]}, {"icao": "ETAR", "mog_changes": [{"from_hour": 50, "to_hour": 60, "mog": -1}]}])
    locs = {p.loc: p.message for p in e.value.problems}
    assert "must be after available_hour" in locs["aircraft[0].until_hour"]
    assert "overlaps mog_changes[0]" in locs["airfields[0].mog_changes[1]"]
    assert "must be after from_hour" in locs["airfields[0].mog_changes[2].to_hour"]
    assert ">= 0" in locs["airfields[1].mog_changes[0].mog"]


def test_an_aircraft_withdrawn_before_it_could_return_flies_nothing():
    # two units of 100 soldiers (a full C-17 load each), two C-17s. With both for the
    # whole window, both fly at minute 0: closure T (the fastest arrival). Withdraw one
    # at h20, before a round trip of C minutes (C > 20 h) could end: a mission holds its
    # aircraft to its return, so only the other C-17 flies, twice: the second mission
    # leaves when the first is back, closure C + T.
    s = make_scenario(aircraft=[{"type": "C-17A", "count": 2, **CREW}], units=TWO)
    t, cyc = _fastest(s)
    assert cyc > 20 * 60
    assert _closure(s) == pytest.approx(t / 60, abs=0.02)
    s2 = make_scenario(aircraft=[{"type": "C-17A", "count": 1, **CREW}, {"type": "C-17A", "count": 1, "until_hour": 20}],
                       units=TWO)
    assert _closure(s2) == pytest.approx((cyc + t) / 60, abs=0.02)
    # withdrawn only after a round trip ends (C + 1 min): both fly at 0 again
    s3 = make_scenario(aircraft=[{"type": "C-17A", "count": 1, **CREW},
                                 {"type": "C-17A", "count": 1, "until_hour": (cyc + 1) / 60}], units=TWO)
    assert _closure(s3) == pytest.approx(t / 60, abs=0.02)
    # the plan of the full fleet breaks the fleet rule once the aircraft leaves at h20
    plan = solve(s, time_limit=5, deterministic=True)
    assert [v.rule for v in verify(s2, plan)] == ["fleet"]


def test_a_mog_cut_at_the_base_delays_the_landing_by_the_cut():
    # one unit of 20 soldiers (one mission) lands at T at the earliest (the solved,
    # proven closure) and is on the ground from T. Close Ali Al Salem (MOG 0) over
    # [T, T + 5 h): nothing may be on its ground then, so the landing moves to T + 5 h
    # exactly (Pope's ramp is free for a later start; one aircraft of four: no crew limit).
    one = [{**TWO[0], "pax": 20}]
    s = make_scenario(units=one)
    t = _closure(s)
    cut = [{"from_hour": t, "to_hour": t + 5, "mog": 0}]
    s2 = make_scenario(units=one, airfields=[{"icao": "OKAS", "mog_changes": cut}])
    assert _closure(s2) == pytest.approx(t + 5, abs=0.02)
    plan = solve(s, time_limit=5, deterministic=True)
    assert [v.rule for v in verify(s2, plan)] == ["mog"]


def test_a_raised_mog_is_used_only_while_it_lasts():
    # Pope's MOG is 1 for the first 10 h and then back to what the catalogue says: both
    # units' aircraft cannot onload side by side at minute 0, so the plan either puts
    # both units on one mission (200 soldiers exceed 102 seats: no) or staggers the
    # starts by at least the onload. With MOG 2 over [0, 10 h) both start at 0.
    low = [{"from_hour": 0, "to_hour": 10, "mog": 1}]
    s = make_scenario(aircraft=[{"type": "C-17A", "count": 2, **CREW}], units=TWO,
                      airfields=[{"icao": "KPOB", "mog": 1, "mog_changes": [{"from_hour": 0, "to_hour": 10, "mog": 2}]}])
    t, _ = _fastest(s)
    assert _closure(s) == pytest.approx(t / 60, abs=0.02)
    s2 = make_scenario(aircraft=[{"type": "C-17A", "count": 2, **CREW}], units=TWO,
                       airfields=[{"icao": "KPOB", "mog": 1, "mog_changes": low}])
    onload = s2.aircraft_type("C-17A").onload_hours
    assert _closure(s2) == pytest.approx(t / 60 + onload, abs=0.02)


def test_crew_hours_count_an_aircraft_withdrawn_during_the_day():
    # rule 9: aircraft available at some instant of the day. One C-17 all along and one
    # leaving at h30: day 1 (h24-h48) has 2 at h24, so its crew budget is 2 x UTE.
    s = make_scenario(aircraft=[{"type": "C-17A", "count": 1}, {"type": "C-17A", "count": 1, "until_hour": 30}])
    ute = s.aircraft_type("C-17A").ute_hours
    assert s.fleet_day_count("C-17A", 1) == 2
    assert s.fleet_day_count("C-17A", 2) == 1
    d = build_data(s)
    assert day_counts(d.fleet["C-17A"], 3) == [2, 2, 1]
    assert ute > 0


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), data=st.data())
def test_plans_with_random_changes_verify(seed: int, data: st.DataObject) -> None:
    # generated S scenarios with one fleet entry withdrawn at a random hour and one used
    # airfield's MOG changed (cut or raised, closed possibly) over a random interval:
    # whatever the solver returns passes the checker, which applies both changes.
    s = generate("S", seed=seed)
    d = scenario_to_dict(s)
    H = s.horizon_hours
    i = data.draw(st.integers(0, len(d["aircraft"]) - 1), label="entry")
    e = d["aircraft"][i]
    e["until_hour"] = data.draw(st.floats(e.get("available_hour", 0) + 1, H), label="until")
    code = data.draw(st.sampled_from(s.airfield_codes), label="airfield")
    a = data.draw(st.floats(0, H - 1), label="from")
    change = {"from_hour": a, "to_hour": a + data.draw(st.floats(0.5, 48), label="length"),
              "mog": data.draw(st.integers(0, 4), label="mog")}
    entries = d.setdefault("airfields", [])
    entry = next((x for x in entries if x["icao"] == code), None)
    if entry is None:
        entries.append({"icao": code, "mog_changes": [change]})
    else:
        entry["mog_changes"] = [change]
    s2 = Scenario.from_dict(d)
    plan = solve(s2, time_limit=2.0)
    assert verify(s2, plan) == []


def test_the_mip_peer_makes_no_plan_rather_than_a_wrong_one():
    # the peer's rows hold capacities that only rise in time: with a withdrawal it says so
    from logistics.peers.mip import solve_mip

    s = make_scenario(aircraft=[{"type": "C-17A", "count": 1}, {"type": "C-17A", "count": 1, "until_hour": 20}])
    plan = solve_mip(s, time_limit=5)
    assert plan.status == "unknown" and not plan.missions
    assert "not modelled" in plan.solve.extra["mip_status"]
