"""The dispatcher's rules that land loads by a due minute (:func:`dispatch_greedy` with
``rule="jit"`` or ``rule="frugal"``), on hand cases with the arithmetic. The
ruin-and-recreate moves of the large-neighbourhood search use them on the lateness,
closure and flying-hours goals. Every plan verifies."""

from __future__ import annotations

from conftest import make_scenario

from logistics.model.convert import plan_from_dispatch
from logistics.model.data import build_data
from logistics.model.dispatch import dispatch_greedy, dispatch_objective
from logistics.plan import SolveInfo
from logistics.verify import verify


def _verified(s, data, missions) -> None:
    plan = plan_from_dispatch(data, missions, status="feasible", info=SolveInfo())
    assert verify(s, plan) == []


def _landed(data, missions) -> dict[int, int]:
    out: dict[int, int] = {}
    for ms in missions:
        for ui in ms.loads:
            out[ui] = max(out.get(ui, 0), ms.arrive(data))
    return out


def _one_c17_at_ramstein(slack_hours: float):
    """One C-17 at Ramstein; V (priority 1) and U (priority 9), 100 soldiers each (a
    load each) for Ali Al Salem, ready at 0. U is due at the first landing T, V
    ``slack_hours`` later."""
    probe = build_data(make_scenario(aircraft=[{"type": "C-17A", "count": 1}], units=[
        {"id": "U", "origin": "ETAR", "destinations": ["OKAS"], "pax": 100, "ready_hour": 0}]))
    t = min(r.arrive for r in probe.groups[0].options if r.payload_stons >= 100 * 0.15)
    units = [{"id": i, "origin": "ETAR", "destinations": ["OKAS"], "pax": 100, "ready_hour": 0, "priority": p,
              "required_hour": t / 60 + extra} for i, p, extra in (("V", 1, slack_hours), ("U", 9, 0.0))]
    return make_scenario(aircraft=[{"type": "C-17A", "count": 1}], units=units), t


def test_just_in_time_leaves_the_early_aircraft_to_the_unit_that_needs_it():
    # One C-17: a mission loads for 195 min, flies 291 min out (landing T = 486 min
    # after it starts) and 291 back; the aircraft is back at 972. Units are taken by
    # priority, V first.
    # Earliest landing: V takes the mission at 0 and lands at T, on time. The crew's
    # 12 h of day 0 (720 min) leave 720 - 582 = 138 min, so U's mission starts at
    # 1,107: its first leg flies 1,302-1,440 in day 0 and lands at 1,593, late by
    # 1,593 - 486 = 1,107 min, weighted 1 (priority 9).
    # Just in time: V takes the latest start that lands by its required date T + 72 h
    # (4,320 min): it lands exactly then; U takes the mission at 0 and lands at T.
    # Lateness 0.
    s, t = _one_c17_at_ramstein(72.0)
    d = build_data(s)
    v, u = 0, 1
    assert (d.units[u].rdd, d.units[v].rdd) == (t, t + 4320)
    assert t == 486
    late = d.goals.index("lateness")

    early = dispatch_greedy(d, rule="earliest", order="priority")
    assert _landed(d, early) == {v: 486, u: 1593}
    assert dispatch_objective(d, early)[late] == 1 * (1593 - 486)
    _verified(s, d, early)

    jit = dispatch_greedy(d, rule="jit", order="priority")
    assert _landed(d, jit) == {v: t + 4320, u: t}
    assert dispatch_objective(d, jit)[late] == 0
    _verified(s, d, jit)


def test_just_in_time_lands_a_unit_that_cannot_be_on_time_as_early_as_it_can():
    # V due at T as well (no slack): V goes first by priority and takes the mission
    # at 0 (landing at T, on time: the latest start landing by T is 0);
    # U cannot land by T any more and lands as early as it can, as under the earliest
    # rule: the two rules give the same plan.
    s, t = _one_c17_at_ramstein(0.0)
    d = build_data(s)
    jit = dispatch_greedy(d, rule="jit", order="priority")
    early = dispatch_greedy(d, rule="earliest", order="priority")
    assert _landed(d, jit) == _landed(d, early)
    assert dispatch_objective(d, jit) == dispatch_objective(d, early)
    _verified(s, d, jit)


def test_frugal_flies_the_least_that_lands_by_the_due_minute():
    # 30 soldiers at Ramstein for Ali Al Salem; a C-130J-30 from minute 0, a C-17 only
    # from minute 600. The C-130 flies its routing in 914 min (out and back), more
    # than a 12-hour crew day, so its earliest start is where day 0 takes 12 h of it;
    # it lands at 1,072. The C-17 flies 582 min and lands at 600 + 486 = 1,086.
    # Earliest landing: the C-130 (1,072 < 1,086), 914 flying minutes.
    # Frugal, due at the end of the window: the C-17 (582 / 30 < 914 / 30 per
    # soldier), landing at 1,086.
    # Frugal, due at 1,080: the C-17 cannot land by then; the C-130 can (1,072): 914.
    s = make_scenario(aircraft=[{"type": "C-130J-30", "count": 1}, {"type": "C-17A", "count": 1, "available_hour": 10}],
                      units=[{"id": "A", "origin": "ETAR", "destinations": ["OKAS"], "pax": 30, "ready_hour": 0}])
    d = build_data(s)
    c130, c17 = (next(gi for gi, g in enumerate(d.groups) if g.aircraft == t) for t in ("C-130J-30", "C-17A"))
    fly = d.goals.index("flying_hours")
    f130, f17 = (min(r.flight_minutes for r in d.groups[gi].options) for gi in (c130, c17))
    assert (f130, f17) == (914, 582)

    early = dispatch_greedy(d, rule="earliest")
    assert [(ms.group, ms.arrive(d)) for ms in early] == [(c130, 1072)]
    assert dispatch_objective(d, early)[fly] == 914
    frugal = dispatch_greedy(d, rule="frugal", due={0: d.units[0].lad})
    assert [(ms.group, ms.start, ms.arrive(d)) for ms in frugal] == [(c17, 600, 1086)]
    assert dispatch_objective(d, frugal)[fly] == 582
    tight = dispatch_greedy(d, rule="frugal", due={0: 1080})
    assert [(ms.group, ms.arrive(d)) for ms in tight] == [(c130, 1072)]
    for plan in (early, frugal, tight):
        _verified(s, d, plan)
