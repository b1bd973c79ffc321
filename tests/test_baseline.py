"""The hand-planning baseline: valid plans everywhere, and a case worked by hand.

Hand case: one unit of 204 soldiers (no cargo) at Pope Field, two C-17As of 102 seats.
Each C-17 takes 102 soldiers (204 / 102 = 2 loads; 102 x 300 lb = 15.3 st, far below the
payload of any routing to Kuwait), so the dispatcher flies exactly two missions, each with
102 soldiers, and nothing is undelivered.
"""

from __future__ import annotations

import pytest
from conftest import make_scenario

from logistics.catalog import scenarios_dir
from logistics.generate import generate
from logistics.peers.greedy import greedy
from logistics.scenario import load_scenario
from logistics.verify import verify


def test_two_c17_loads_by_hand():
    s = make_scenario(
        aircraft=[{"type": "C-17A", "count": 2}],
        units=[{"id": "U1", "origin": "KPOB", "destinations": ["OKAS"], "pax": 204, "ready_hour": 0}],
    )
    plan = greedy(s)
    assert verify(s, plan) == []
    assert plan.status == "feasible"
    assert plan.solve.solver == "greedy"
    assert len(plan.missions) == 2
    assert [ld.pax for m in plan.missions for ld in m.loads] == [102, 102]
    assert plan.kpis["undelivered_pax"] == 0
    assert plan.unit("U1").destination == "OKAS"
    assert plan.solve.objective == plan.objective_values(s)
    assert plan.solve.bound == []


@pytest.mark.parametrize("path", sorted(scenarios_dir().glob("*.yaml")), ids=lambda p: p.stem)
def test_bundled_scenarios_verify(path):
    s = load_scenario(path)
    plan = greedy(s)
    assert verify(s, plan) == []
    assert plan.missions


@pytest.mark.parametrize(("size", "seed"), [("S", 0), ("S", 1), ("S", 2), ("S", 3), ("M", 0), ("M", 1), ("L", 1)])
def test_generated_scenarios_verify(size, seed):
    s = generate(size, seed=seed)
    plan = greedy(s)
    assert verify(s, plan) == []
    assert plan.solve.extra["rule"] == "hand"
    # every unit goes to one allowed base, and what is not carried is reported
    for u, r in zip(s.units, plan.units, strict=True):
        assert r.destination is None or r.destination in u.destinations
        assert r.delivered["pax"] + r.undelivered["pax"] == u.pax
