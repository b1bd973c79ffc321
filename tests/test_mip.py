"""The time-indexed MIP peer: its plans verify, and its objective is comparable.

Tiny case (``make_scenario``): one unit of 100 soldiers and 20 st, KPOB -> OKAS, four
C-17As. 100/102 + 20/45 = 1.42 > 1, so two missions; both can leave after the 3.25 h
onload at minute 0 (a grid point), so the MIP's closure equals the CP-SAT optimum, and
no plan can beat the lower bound (ready + onload + the direct flight).
"""

from __future__ import annotations

import pytest
from conftest import make_scenario

from logistics.bounds.search_free import lower_bound
from logistics.generate import generate
from logistics.model.data import build_data
from logistics.peers.mip import _split, solve_mip
from logistics.peers.mip_model import _effective_caps, build_mip
from logistics.solve import solve
from logistics.verify import verify


def test_tiny_matches_the_optimiser():
    s = make_scenario()
    mip = solve_mip(s, time_limit=20)
    assert verify(s, mip) == []
    assert mip.status == "feasible"
    assert mip.solve.extra["mip_status"] == "optimal"
    cp = solve(s, time_limit=5, deterministic=True)
    assert cp.status == "optimal"
    assert mip.solve.objective == mip.objective_values(s)
    assert mip.objective_values(s)[:2] == cp.objective_values(s)[:2] == [0.0, 0.0]
    assert mip.kpis["missions"] == cp.kpis["missions"] == 2
    # the grid start is exact here, so the closure is the optimum
    assert mip.kpis["closure_hour"] == pytest.approx(cp.kpis["closure_hour"])
    assert lower_bound(s) <= mip.kpis["closure_hour"]


def test_small_generated_scenario_verifies():
    s = generate("S", seed=1)
    plan = solve_mip(s, time_limit=10)
    assert verify(s, plan) == []
    assert plan.status == "feasible"
    assert plan.solve.extra["step_minutes"] == 30
    assert plan.solve.objective == plan.objective_values(s)
    # starts on the grid
    for m in plan.missions:
        onload = s.aircraft_type(m.aircraft).onload_hours
        start = round((m.legs[0].depart_hour - onload) * 60)
        assert start % 30 == 0
    full = plan.kpis["undelivered_pax"] == 0 and plan.kpis["undelivered_stons"] <= 1e-9
    if full:
        assert plan.kpis["closure_hour"] >= lower_bound(s) - 1e-9
    # never worse than its own start (the grid greedy it was hinted with)
    start = plan.solve.extra["start"]
    assert plan.objective_values(s)[0] <= start["undelivered"] + 1e-6


def test_weights_are_lexicographically_safe():
    s = generate("S", seed=1)
    mm = build_mip(build_data(s), 30)
    w, r = mm.weights, mm.stats["ranges"]
    goals = list(s.objective)
    for i, g in enumerate(goals):
        later = sum(w[h] * r[h] for h in goals[i + 1:])
        assert w[g] > later  # one unit of goal g outweighs every later goal at its largest


def test_capacity_row_implies_payload():
    # a routing whose payload (20 st) limits a C-17's mixed load: S' = 133 -> min(102, 133),
    # A' = 20; any load with pax/S' + cargo/A' <= 1 weighs at most max(102 x 0.15, 20) = 20 st
    s = make_scenario()
    data = build_data(s)
    g = data.groups[0]
    r = g.options[0]
    from dataclasses import replace
    heavy = replace(r, payload_stons=20.0)
    S, A = _effective_caps(data, g, heavy)
    assert (S, A) == (102, 20.0)
    light = replace(r, payload_stons=10.0)  # 10 / 0.15 = 66 soldiers
    assert _effective_caps(data, g, light) == (66, 10.0)
    full = replace(r, payload_stons=60.0)  # not limiting: seats and ACL
    assert _effective_caps(data, g, full) == (102, 45.0)


def test_split_into_valid_missions():
    # 3 missions, 250 soldiers of two units and 20 st (250/102 + 20/45 = 2.9 <= 3): soldiers
    # 84/83/83, cargo in proportion to the room each has left
    s = make_scenario()
    data = build_data(s)
    mm = build_mip(data, 30)
    b = mm.buckets[0]
    b.seats, b.acl = 102, 45.0
    out = _split(b, 3, {0: 200, 1: 50}, {(0, "bulk_stons"): 15.0, (1, "outsize_stons"): 5.0})
    assert len(out) == 3
    pax = [sum(d.get("pax", 0) for d in m.values()) for m in out]
    assert sorted(pax) == [83, 83, 84] and sum(pax) == 250
    cargo = [sum(q for d in m.values() for c, q in d.items() if c != "pax") for m in out]
    assert sum(cargo) == pytest.approx(20.0)
    for p, c in zip(pax, cargo, strict=True):
        assert p / 102 + c / 45 <= 1 + 1e-9
