"""The naive planner (issue 21): one unit per mission, each load in the earliest
feasible slot, units by priority, by required date or by latest arrival, the best of
the three orders kept. It is the baseline a planner would use without an optimiser.
"""

from __future__ import annotations

from conftest import make_scenario

from logistics.generate import generate
from logistics.model.data import build_data
from logistics.model.dispatch import (
    NAIVE_ORDERS,
    ORDERS,
    dispatch_best,
    dispatch_greedy,
    dispatch_naive,
    dispatch_objective,
)
from logistics.peers import greedy, naive
from logistics.verify import verify


def _two_units():
    # One C-17A (crew day widened to 24 h so that crews never bind) at Ramstein (ETAR),
    # both units to Ali Al Salem (OKAS), no en-route stop: the only routing is direct.
    # ETAR-OKAS is 2,175.6 nm: 2,175.6 / 450 kt = 290.08 min, a leg lasts 291 min.
    # Onload 3.25 h = 195 min, so a mission started at minute s lands at s + 195 + 291
    # = s + 486 (8.1 h) and is back at s + 486 + 195 (offload) + 291 (empty return)
    # = s + 972 (16.2 h); it flies 2 x 291 = 582 min (9.7 h).
    # A: 60 soldiers, due at 100 h. B: 30 soldiers, due at 10 h (urgent). Same priority
    # (5, weight 5), both ready at 0, latest arrival the horizon (120 h) for both.
    return make_scenario(
        aircraft=[{"type": "C-17A", "count": 1, "ute_hours": 24}],
        enroute=[],
        units=[
            {"id": "A", "origin": "ETAR", "destinations": ["OKAS"], "pax": 60, "ready_hour": 0,
             "required_hour": 100},
            {"id": "B", "origin": "ETAR", "destinations": ["OKAS"], "pax": 30, "ready_hour": 0,
             "required_hour": 10},
        ],
    )


def test_dispatcher_tops_up_but_the_naive_planner_flies_units_apart():
    s = _two_units()
    d = build_data(s)
    # the dispatcher (order "ready": A first) books A's mission at minute 0 and tops it
    # up with B: 60 + 30 = 90 soldiers <= 102 seats, one mission landing at 486 min,
    # nobody late (B due at 600 min), 582 flying minutes
    topped = dispatch_greedy(d)
    assert len(topped) == 1 and set(topped[0].loads) == {0, 1}
    assert dispatch_objective(d, topped) == (0, 0, 486, 582)
    assert dispatch_objective(d, dispatch_best(d)) == (0, 0, 486, 582)
    # without top-up each unit gets a mission of its own; the one aircraft flies them
    # one after the other: the second starts when the first is back, at 972 min, and
    # lands at 972 + 486 = 1,458 min (24.3 h)
    by_priority = dispatch_greedy(d, order="priority", top_up=False)
    by_rdd = dispatch_greedy(d, order="rdd", top_up=False)
    by_lad = dispatch_greedy(d, order="lad", top_up=False)
    for plan in (by_priority, by_rdd, by_lad):
        assert [len(dp.loads) for dp in plan] == [1, 1]
        assert sorted(dp.start for dp in plan) == [0, 972]
    # by priority (a tie, then the unit's index) and by latest arrival (a tie at 120 h,
    # then priority and index) A goes first and B lands 1,458 - 600 = 858 min late:
    # weighted lateness 5 x 858 = 4,290
    assert dispatch_objective(d, by_priority) == (0, 4290, 1458, 1164)
    assert dispatch_objective(d, by_lad) == (0, 4290, 1458, 1164)
    # by required date the urgent B goes first (lands at 486 <= 600) and A lands at
    # 1,458 <= 6,000: no lateness; 2 x 582 = 1,164 flying minutes
    assert dispatch_objective(d, by_rdd) == (0, 0, 1458, 1164)
    first = {dp.start: next(iter(dp.loads)) for dp in by_rdd}
    assert first == {0: 1, 972: 0}
    # the naive planner keeps the best of its three orders: the one by required date
    assert dispatch_objective(d, dispatch_naive(d)) == (0, 0, 1458, 1164)

    plan = naive(s)
    assert verify(s, plan) == []
    assert plan.solve.solver == "naive"
    assert plan.kpis["missions"] == 2 and plan.kpis["late_units"] == 0
    assert plan.kpis["closure_hour"] == 24.3
    assert abs(plan.kpis["flying_hours"] - 19.4) < 1e-9
    assert [[ld.unit for ld in m.loads] for m in plan.missions] == [["B"], ["A"]]
    assert plan.solve.objective == plan.objective_values(s)


def test_naive_is_the_best_of_its_orders_and_flies_one_unit_per_mission():
    s = generate("S", seed=1)
    d = build_data(s)
    assert NAIVE_ORDERS == ("priority", "rdd", "lad") and set(NAIVE_ORDERS) <= set(ORDERS)
    keys = [dispatch_objective(d, dispatch_greedy(d, order=o, top_up=False)) for o in NAIVE_ORDERS]
    assert dispatch_objective(d, dispatch_naive(d)) == min(keys)
    plan = naive(s)
    assert verify(s, plan) == []
    assert plan.missions and all(len(m.loads) == 1 for m in plan.missions)
    # the default dispatcher still tops up: top_up=True is the default behaviour
    assert [(x.group, x.option, x.start, x.loads) for x in dispatch_greedy(d)] == \
        [(x.group, x.option, x.start, x.loads) for x in dispatch_greedy(d, top_up=True)]
    assert verify(s, greedy(s)) == []
