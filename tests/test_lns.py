"""Large-neighbourhood search (:mod:`logistics.search.lns`) on hand cases: a freed unit
re-planned into the gap a plan left, lateness moved onto the unit that weighs least (by
the CP-SAT re-plan and by the ruin-and-recreate move alone). Every plan it returns
verifies."""

from __future__ import annotations

import random

from conftest import make_scenario

from logistics.model.convert import plan_from_dispatch
from logistics.model.data import build_data
from logistics.model.dispatch import Dispatch, dispatch_objective
from logistics.plan import SolveInfo
from logistics.runtime import Budget
from logistics.search.lns import LnsResult, Recreate, improve_goal
from logistics.verify import verify


def _verified(s, data, missions) -> None:
    plan = plan_from_dispatch(data, missions, status="feasible", info=SolveInfo())
    assert verify(s, plan) == []


def _fastest(data, gi: int, stons: float) -> tuple[int, int]:
    """(option index, arrival minutes after the start) of the group's fastest routing
    that carries ``stons`` (the direct leg to Kuwait is beyond a C-17's range with
    more than about 6.6 st; via Ramstein it takes a full load)."""
    return min(((oi, r.arrive) for oi, r in enumerate(data.groups[gi].options) if r.payload_stons >= stons),
               key=lambda t: t[1])


def test_a_freed_unit_is_re_planned_into_the_gap_the_plan_left():
    # two units of 50 soldiers, both ready at 0, two C-17s at Pope. The plan flies A at
    # minute 0 and B at minute 3,000 although the second C-17 stands idle: its closure
    # is 3,000 + T (T: the fastest routing's arrival after the start that carries up to
    # 100 soldiers, 15 st at 300 lb each). Freeing B, it
    # starts at 0 on the idle aircraft (or rides with A: 100 soldiers fit 102 seats):
    # closure T, 3,000 minutes sooner.
    s = make_scenario(aircraft=[{"type": "C-17A", "count": 2}], units=[
        {"id": "A", "origin": "KPOB", "destinations": ["OKAS"], "pax": 50, "ready_hour": 0},
        {"id": "B", "origin": "KPOB", "destinations": ["OKAS"], "pax": 50, "ready_hour": 0},
    ])
    d = build_data(s)
    oi, t = _fastest(d, 0, 100 * 0.15)
    plan = [Dispatch(0, oi, 0, {0: {"pax": 50}}), Dispatch(0, oi, 3000, {1: {"pax": 50}})]
    _verified(s, d, plan)
    assert dispatch_objective(d, plan)[d.goals.index("closure")] == 3000 + t
    res = improve_goal(d, plan, "closure", Budget(20, deterministic=True))
    assert res.objective[d.goals.index("closure")] == t
    assert res.better >= 1
    _verified(s, d, res.missions)


def _crew_bound(due_hour: float | None):
    """One C-17 at Ramstein, U (priority 1) and V (priority 9), 100 soldiers each for
    Ali Al Salem, ready at 0, due at ``due_hour``."""
    units = [{"id": i, "origin": "ETAR", "destinations": ["OKAS"], "pax": 100, "ready_hour": 0, "priority": p}
             for i, p in (("U", 1), ("V", 9))]
    if due_hour is not None:
        for u in units:
            u["required_hour"] = due_hour
    return make_scenario(aircraft=[{"type": "C-17A", "count": 1}], units=units)


def _crew_bound_due_at_first_landing():
    """The crew-bound case with both units due at the fastest arrival T: (scenario, its
    data, the fastest routing's option index, T)."""
    oi, t = _fastest(build_data(_crew_bound(None)), 0, 100 * 0.15)
    s = _crew_bound(t / 60)
    return s, build_data(s), oi, t


def test_lateness_moves_onto_the_unit_that_weighs_least_when_crews_bind():
    # one C-17 at Ramstein, two units of 100 soldiers (a load each) for Ali Al Salem,
    # both ready at 0 and due at the fastest arrival T. A mission flies about 5 h out
    # and 5 h back, and the one aircraft's crew may fly 12 h a day: the second mission
    # cannot fly on day 0 beside the first, so one unit lands late. U (priority 1)
    # weighs 10 - 1 = 9, V (priority 9) weighs 1. The plan flies V at 0 and U at minute
    # 1,440 (the next day): U is late 1,440 min, weighted 9 x 1,440 = 12,960. Re-planned,
    # U flies first and lands on time; V is late by at most the same 1,440 min, weighted
    # 1 x 1,440 at most.
    s, d, oi, t = _crew_bound_due_at_first_landing()
    assert [u.rdd for u in d.units] == [t, t]
    r = d.groups[0].options[oi]
    assert 8 * 60 < r.flight_minutes < 12 * 60 < 2 * r.flight_minutes  # one mission a day fits the crew
    plan = [Dispatch(0, oi, 0, {1: {"pax": 100}}), Dispatch(0, oi, 1440, {0: {"pax": 100}})]
    _verified(s, d, plan)
    late = d.goals.index("lateness")
    before = dispatch_objective(d, plan)[late]
    assert before == 9 * 1440
    res = improve_goal(d, plan, "lateness", Budget(20, deterministic=True))
    after = res.objective[late]
    landed = {ui: ms.start + d.groups[ms.group].options[ms.option].arrive for ms in res.missions for ui in ms.loads}
    assert landed[0] == t  # U on time
    assert after == 1 * (landed[1] - t) <= 1440
    _verified(s, d, res.missions)


def test_the_goals_before_are_held():
    # improving flying hours never costs closure: the closure stage's value stays
    s = make_scenario(aircraft=[{"type": "C-17A", "count": 2}], units=[
        {"id": "A", "origin": "KPOB", "destinations": ["OKAS"], "pax": 40, "ready_hour": 0},
        {"id": "B", "origin": "KPOB", "destinations": ["OKAS"], "pax": 40, "ready_hour": 0},
    ])
    d = build_data(s)
    oi, t = _fastest(d, 0, 80 * 0.15)
    # two half-empty missions at minute 0; one mission carries both (80 of 102 seats)
    plan = [Dispatch(0, oi, 0, {0: {"pax": 40}}), Dispatch(0, oi, 0, {1: {"pax": 40}})]
    res = improve_goal(d, plan, "flying_hours", Budget(20, deterministic=True))
    fly, clo = d.goals.index("flying_hours"), d.goals.index("closure")
    assert res.objective[clo] == t
    assert res.objective[fly] == d.groups[0].options[oi].flight_minutes
    _verified(s, d, res.missions)


def test_a_recreate_move_alone_puts_the_heavier_unit_first():
    # the crew-bound case above, moved by ruin-and-recreate only (no CP-SAT): a move
    # frees both units (the neighbourhood grows to 2 of 2) and dispatches them again,
    # earliest landing first, in an order it draws. The plan flies V first: U late
    # 1,440 min, weighted 9 x 1,440 = 12,960. Dispatched by priority (or by a draw that
    # puts U first), U takes the first mission and lands at T, on time; V takes the
    # aircraft's next mission the crew day allows, at most a day later: lateness
    # 1 x (V's landing - T) <= 1,440. A move that draws V first gives the plan back
    # unchanged, and is not kept.
    s, d, oi, t = _crew_bound_due_at_first_landing()
    late = d.goals.index("lateness")
    plan = [Dispatch(0, oi, 0, {1: {"pax": 100}}), Dispatch(0, oi, 1440, {0: {"pax": 100}})]
    res = LnsResult(list(plan), dispatch_objective(d, plan))
    moves = Recreate(Budget(20, deterministic=True), patience=20)
    rng = random.Random(0)
    while moves.active() and res.better == 0:
        moves.step(d, res, "lateness", rng, None)
    assert res.better == 1 and res.tries <= 20
    landed = {ui: ms.start + d.groups[ms.group].options[ms.option].arrive for ms in res.missions for ui in ms.loads}
    assert landed[0] == t
    assert res.objective[late] == 1 * (landed[1] - t) <= 1440
    _verified(s, d, res.missions)


def test_recreate_moves_never_keep_a_worse_plan_and_stop_when_patience_runs_out():
    # from the better plan of the case above (U first): a move is kept only when the
    # plan gets lexicographically better (it may: V's first soldiers can top up U's
    # mission, 100 + 2 of 102 seats), never worse, and after ``patience`` moves in a
    # row without gain the moves stop (the CP-SAT re-plans take over)
    s, d, oi, t = _crew_bound_due_at_first_landing()
    start = [Dispatch(0, oi, 0, {0: {"pax": 100}}), Dispatch(0, oi, 1440, {1: {"pax": 100}})]
    _verified(s, d, start)
    res = LnsResult(list(start), dispatch_objective(d, start))
    moves = Recreate(Budget(20, deterministic=True), patience=5)
    rng = random.Random(1)
    seen = [res.objective]
    while moves.active():
        moves.step(d, res, "lateness", rng, None)
        seen.append(res.objective)
    assert all(b <= a for a, b in zip(seen, seen[1:], strict=False))
    assert [e["status"].startswith("recreate") for e in res.log] == [True] * res.tries
    assert ["objective" in e for e in res.log[-5:]] == [False] * 5
    assert res.tries == 5 + max((i + 1 for i, e in enumerate(res.log) if "objective" in e), default=0)
    _verified(s, d, res.missions)


def test_recreate_moves_travel_through_plans_near_the_best_and_keep_the_best(monkeypatch):
    # record-to-record travel: a move's plan that is no worse on the goals before and
    # within the tolerance of the best on the goal becomes the plan the next move
    # starts from, while ``res`` keeps the best. From the better plan of the crew-bound
    # case (U first, V a day late: lateness 1 x 1,440), with a tolerance of 20x the
    # best: a move that flies V first again (U late: 9 x 1,440 = 12,960 <= 21 x 1,440)
    # is accepted, and ``res`` never gets worse.
    import logistics.search.lns as lns

    monkeypatch.setattr(lns, "RECREATE_TOLERANCE", 20.0)
    s, d, oi, t = _crew_bound_due_at_first_landing()
    late = d.goals.index("lateness")
    start = [Dispatch(0, oi, 0, {0: {"pax": 100}}), Dispatch(0, oi, 1440, {1: {"pax": 100}})]
    res = LnsResult(list(start), dispatch_objective(d, start))
    best = [res.objective]
    moves = Recreate(Budget(20, deterministic=True), patience=30)
    rng = random.Random(2)
    while moves.active():
        moves.step(d, res, "lateness", rng, None)
        best.append(res.objective)
    assert all(b <= a for a, b in zip(best, best[1:], strict=False))
    accepted = [e["accepted"] for e in res.log if "accepted" in e]
    assert best[0][late] == 1440  # V a day late, weighted 1
    assert accepted and all(a <= 21 * 1440 for a in accepted)
    assert any(a > res.objective[late] for a in accepted)  # a worse plan was travelled through
    _verified(s, d, res.missions)
