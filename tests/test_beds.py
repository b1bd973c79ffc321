"""Beds (SPEC rule 11) as a bound on the undelivered goal and as a dispatcher plan.

A unit with a base takes its full strength of that base's beds, so a first-come choice
of bases can leave a later unit with nowhere to go although a better choice houses
everyone; and where beds are short for everyone, some shortfall is unavoidable and
provable without any search.
"""

from __future__ import annotations

import pytest
from conftest import make_scenario

from logistics.bounds.search_free import undelivered_bound
from logistics.model.data import build_data
from logistics.model.dispatch import dispatch_best, dispatch_greedy, dispatch_objective
from logistics.solve import solve
from logistics.verify import verify

BASES = [{"airfield": "OKAS", "capacity_pax": 300}, {"airfield": "OKBK", "capacity_pax": 300}]


def _first_come() -> object:
    # A (200 soldiers, ready 0) may go to OKAS or OKBK; B (250, ready 10) only to OKAS.
    # A lands first at OKAS (C-17 via ETAR: 18.65 h vs 18.70 h to OKBK), so a first-come
    # dispatcher sends it there and leaves 300 - 200 = 100 beds, too few for B's 250.
    # Sending A to OKBK instead houses both (200 <= 300 and 250 <= 300).
    return make_scenario(
        aircraft=[{"type": "C-17A", "count": 8}],
        destinations=BASES,
        units=[
            {"id": "A", "origin": "KPOB", "destinations": ["OKAS", "OKBK"], "pax": 200, "ready_hour": 0},
            {"id": "B", "origin": "KPOB", "destinations": ["OKAS"], "pax": 250, "ready_hour": 10},
        ],
    )


def test_first_come_bases_strand_a_unit_that_the_bed_plan_houses():
    s = _first_come()
    d = build_data(s)
    plain = dispatch_greedy(d, order="ready")
    # premise: the first-come dispatcher strands B (weight 10 - 5 = 5, 250 soldiers x 100
    # in model units: 5 x 250 x 100 = 125,000)
    assert dispatch_objective(d, plain)[0] == 5 * 250 * 100
    b = undelivered_bound(s)
    assert b.proven and b.value == 0.0
    assert b.destinations == {"A": "OKBK", "B": "OKAS"}
    best = dispatch_best(d)
    assert dispatch_objective(d, best)[0] == 0
    plan = solve(s, time_limit=5, deterministic=True)
    assert verify(s, plan) == []
    assert plan.kpis["undelivered_pax"] == 0
    assert {u.id: u.destination for u in plan.units} == {"A": "OKBK", "B": "OKAS"}


def test_unavoidable_shortfall_is_proven_from_beds_alone():
    # OKAS has 500 beds, OKBK 300. A (400) and B (450) may only go to OKAS, C (200) only
    # to OKBK. A and B together need 850 > 500 beds, so one of them gets no base and
    # delivers nothing; the least loss strands A: weight 5 x 400 soldiers = 2,000
    # (B, priority 4, weighs 6 x 450 = 2,700 if stranded).
    s = make_scenario(
        aircraft=[{"type": "C-17A", "count": 8}],
        destinations=[{"airfield": "OKAS", "capacity_pax": 500}, {"airfield": "OKBK", "capacity_pax": 300}],
        units=[
            {"id": "A", "origin": "KPOB", "destinations": ["OKAS"], "pax": 400, "ready_hour": 0},
            {"id": "B", "origin": "KPOB", "destinations": ["OKAS"], "pax": 450, "ready_hour": 0, "priority": 4},
            {"id": "C", "origin": "KPOB", "destinations": ["OKBK"], "pax": 200, "ready_hour": 0},
        ],
    )
    b = undelivered_bound(s)
    assert b.proven
    assert b.value == pytest.approx(2000.0)
    assert b.destinations == {"A": None, "B": "OKAS", "C": "OKBK"}
    plan = solve(s, time_limit=10, deterministic=True)
    assert verify(s, plan) == []
    # the plan meets the bound, so the undelivered goal is reported as proven
    assert plan.solve.objective[0] == pytest.approx(2000.0)
    assert plan.solve.bound[0] == pytest.approx(2000.0)
    assert plan.kpis["undelivered_pax"] == 400


def test_transit_shortfall_is_counted():
    # The bound times flights exactly and ignores payload-range: U1 can land no earlier
    # than 3.25 h onload + 5,904.7 nm / 450 kt = 3.25 + 13.12 = 16.37 h. With a LAD of
    # 17 h nothing is provably lost; with 16 h all of it is: weight 10 - 5 = 5,
    # 5 x (10 soldiers + 30 st) = 200.
    def one(lad: float):
        return make_scenario(units=[
            {"id": "U1", "origin": "KPOB", "destinations": ["OKAS"], "pax": 10, "bulk_stons": 30,
             "ready_hour": 0, "latest_arrival_hour": lad},
        ])

    assert undelivered_bound(one(17)).value == 0.0
    b = undelivered_bound(one(16))
    assert b.value == pytest.approx(200.0)
    assert b.destinations == {"U1": None}
