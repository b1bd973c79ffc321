"""Warm what-ifs (issue 22, item 3): a solve that starts from the plan made before an
edit, and returns that plan at once when the edit cannot change its optimum."""

from __future__ import annotations

import time

import pytest
from conftest import make_scenario

from logistics.diff import same_optimum
from logistics.solve import solve
from logistics.verify import verify

TWO = [{"id": "A", "origin": "KPOB", "destinations": ["OKAS", "OKBK"], "pax": 100},
       {"id": "B", "origin": "KPOB", "destinations": ["OKAS"], "pax": 100, "ready_hour": 10}]
BEDS = [{"airfield": "OKAS", "capacity_pax": 500}, {"airfield": "OKBK", "capacity_pax": 150}]


def _s(**over):
    return make_scenario(**{"units": TWO, "destinations": BEDS, **over})


def test_same_optimum_only_for_text_and_beds_that_never_bind():
    s = _s()
    # OKAS holds both units (200 <= 500 and <= 900): its beds never bind
    assert same_optimum(s, _s(destinations=[{**BEDS[0], "capacity_pax": 900}, BEDS[1]]))
    assert same_optimum(s, _s(name="renamed", description="another text"))
    # only A (100 soldiers) may go to OKBK: 100 beds or 150, they never bind
    assert same_optimum(s, _s(destinations=[BEDS[0], {**BEDS[1], "capacity_pax": 100}]))
    # OKAS cut to 150 (< 200 soldiers who may go there): it may bind
    assert not same_optimum(s, _s(destinations=[{**BEDS[0], "capacity_pax": 150}, BEDS[1]]))
    # anything else, e.g. a readiness or the fleet
    assert not same_optimum(s, _s(units=[TWO[0], {**TWO[1], "ready_hour": 11}]))
    assert not same_optimum(s, _s(aircraft=[{"type": "C-17A", "count": 5}]))


def test_an_optimal_plan_comes_back_at_once_after_an_edit_that_cannot_change_it():
    s = _s()
    plan = solve(s, time_limit=10, deterministic=True)
    assert plan.status == "optimal" and verify(s, plan) == []
    s2 = _s(destinations=[{**BEDS[0], "capacity_pax": 900}, BEDS[1]])
    t0 = time.perf_counter()
    again = solve(s2, time_limit=10, deterministic=True, start=plan, start_scenario=s)
    assert time.perf_counter() - t0 < 0.5
    assert verify(s2, again) == [] and again.status == "optimal"
    assert again.scenario_sha256 == s2.sha256()
    assert [m.legs for m in again.missions] == [m.legs for m in plan.missions]
    assert again.solve.extra["warm_start"].startswith("unchanged optimum")


def test_a_warm_start_is_never_worse_than_the_plan_it_starts_from():
    # B ready an hour later: the plan made before still keeps every rule except B's
    # window; its other missions are kept and B's re-dispatched. The solve's first plan
    # is that (or better), so the result is no worse than the old plan with B moved.
    s = _s()
    plan = solve(s, time_limit=10, deterministic=True)
    s2 = _s(units=[TWO[0], {**TWO[1], "ready_hour": 11}])
    warm = solve(s2, time_limit=2, deterministic=True, start=plan, start_scenario=s)
    cold = solve(s2, time_limit=2, deterministic=True)
    assert verify(s2, warm) == [] and verify(s2, cold) == []
    assert warm.objective_values(s2) <= cold.objective_values(s2)
    # B's window moved by an hour: the closure moves by at most that hour
    assert warm.kpis["closure_hour"] <= plan.kpis["closure_hour"] + 1 + 1e-6


@pytest.mark.parametrize("edit", ["fleet", "mog"])
def test_a_warm_start_keeps_what_still_holds(edit):
    s = _s(aircraft=[{"type": "C-17A", "count": 4}])
    plan = solve(s, time_limit=10, deterministic=True)
    if edit == "fleet":
        s2 = _s(aircraft=[{"type": "C-17A", "count": 3}])
    else:
        s2 = _s(aircraft=[{"type": "C-17A", "count": 4}],
                airfields=[{"icao": "OKBK", "mog_changes": [{"from_hour": 0, "to_hour": 5, "mog": 0}]}])
    warm = solve(s2, time_limit=3, deterministic=True, start=plan, start_scenario=s)
    assert verify(s2, warm) == []
    if verify(s2, plan) == []:  # still a plan of the edited scenario: never worse than it
        assert warm.objective_values(s2) <= plan.objective_values(s2)
