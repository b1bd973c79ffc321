"""What a change buys (issue 22, item 4): each binding limit relaxed by one step and
re-planned from the plan, against the unchanged scenario re-planned alike."""

from __future__ import annotations

import json

import pytest
from conftest import make_scenario

from logistics.levers import Lever, candidate_levers, levers
from logistics.solve import solve
from logistics.verify import verify

TWO = [{"id": "A", "origin": "KPOB", "destinations": ["OKAS"], "pax": 100},
       {"id": "B", "origin": "KPOB", "destinations": ["OKAS"], "pax": 100}]


@pytest.fixture(scope="module")
def ramp_bound():
    # Pope's MOG is 1: two units of 100 soldiers (a C-17 load each) cannot onload side
    # by side. The first onloads over [0, 3.25 h), the second after it, so the force
    # closes at 3.25 + 18.65 = 21.9 h (18.65 h: the fastest landing of a full load,
    # via Ramstein). Pope's ramp is saturated h0.0-h6.5, and that sets the closure.
    s = make_scenario(aircraft=[{"type": "C-17A", "count": 4}], airfields=[{"icao": "KPOB", "mog": 1}], units=TWO)
    plan = solve(s, time_limit=5, deterministic=True)
    assert verify(s, plan) == []
    assert plan.kpis["closure_hour"] == pytest.approx(21.9, abs=0.02)
    return s, plan


def test_a_saturated_ramp_gives_a_mog_lever(ramp_bound):
    s, plan = ramp_bound
    (lv,) = candidate_levers(s, plan)
    assert (lv.kind, lv.subject, lv.change) == ("mog", "KPOB", "KPOB MOG 1 -> 2 over h0.0-h6.5")
    relaxed = lv.apply(s)
    assert [relaxed.mog_at("KPOB", h) for h in (0, 6.4, 6.5)] == [2, 2, 1]


def test_the_mog_lever_buys_the_wait_for_the_ramp(ramp_bound):
    # MOG 2 over h0-h6.5: both onload at once and the force closes at 18.65 h, 3.25 h
    # (one onload) sooner; the unchanged scenario re-planned alike stays at 21.9 h.
    s, plan = ramp_bound
    df = levers(s, plan, time_limit=2, deterministic=True, executor="inline")
    assert df.attrs["base"]["closure"] == pytest.approx(21.9, abs=0.02)
    (row,) = df.to_dict(orient="records")
    assert row["closure"] == pytest.approx(18.65, abs=0.02)
    assert row["d_closure"] == pytest.approx(-3.25, abs=0.02)
    assert row["buys"] == "closure -3.25 h" and row["violations"] == 0


def test_each_step_edits_the_scenario_as_it_says():
    s = make_scenario(aircraft=[{"type": "C-17A", "count": 4, "available_hour": 6}],
                      airfields=[{"icao": "KPOB", "mog_changes": [{"from_hour": 10, "to_hour": 20, "mog": 3}]}],
                      destinations=[{"airfield": "OKAS", "capacity_pax": 500}],
                      units=[{**TWO[0], "ready_hour": 10}])
    base = s.airfield("KPOB").mog
    # MOG +1 over h15-h30 on top of the change over h10-h20: 3 -> 4 and base -> base + 1
    m = Lever("mog", "KPOB", "", 15, 30).apply(s)
    assert [m.mog_at("KPOB", h) for h in (5, 12, 16, 25, 31)] == [base, 3, 4, base + 1, base]
    assert Lever("readiness", "A", "").apply(s).units[0].ready_hour == 4
    assert Lever("crew", "C-17A", "").apply(s).aircraft_type("C-17A").ute_hours == pytest.approx(
        s.aircraft_type("C-17A").ute_hours * 1.1)
    assert Lever("beddown", "OKAS", "").apply(s).destinations[0].capacity_pax == 600
    f = Lever("fleet", "C-17A", "").apply(s)
    assert f.fleet_count("C-17A", 6) == 6 and f.fleet_count("C-17A", 5) == 0


def test_the_command_lists_what_each_lever_buys(ramp_bound, tmp_path, capsys):
    from logistics.cli import main
    from logistics.scenario import save_scenario

    s, plan = ramp_bound
    sp = tmp_path / "s.yaml"
    save_scenario(s, sp)
    pp = plan.save(tmp_path / "p.json", s)
    assert main(["levers", str(sp), str(pp), "--time-limit", "3", "--workers", "1", "--json", "--quiet"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["levers"][0]["lever"] == "KPOB MOG 1 -> 2 over h0.0-h6.5"
    assert doc["levers"][0]["d_closure"] == pytest.approx(-3.25, abs=0.02)


def test_a_lever_never_shows_a_loss(ramp_bound):
    # every step relaxes a limit: the unchanged scenario's plan keeps the relaxed limits
    # too, so a lever's re-plan that comes out worse (search noise) is replaced by it
    from logistics.levers import _at_least_base

    s, plan = ramp_bound
    (lv,) = candidate_levers(s, plan)
    base = {"objective": plan.objective_values(s), "kpis": dict(plan.kpis), "violations": 0,
            "seconds": 1.0, "plan": plan.to_dict()}
    worse = {**base, "objective": [0.0, 0.0, 30.0, 60.0], "seconds": 2.0, "plan": None}
    got, same = _at_least_base(s, lv, worse, base)
    assert same and got["objective"] == base["objective"] and got["seconds"] == 2.0
    better = {**worse, "objective": [0.0, 0.0, 18.65, 52.0]}
    assert _at_least_base(s, lv, better, base) == (better, False)
