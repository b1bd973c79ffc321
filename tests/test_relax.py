"""The time-indexed relaxation (logistics.bounds.relax): valid, and strong where the ramp binds.

Valid means every plan of the model maps into it: each mission to the bucket of its
(routing, start period), loads summed per bucket. The mapping tests fix the relaxation's
counts and loads to a plan's and ask CP-SAT whether that is feasible; an over-tight rule
(a resource counted where a mission might not be, a crew minute it might not fly, a
window too narrow) would make it infeasible and the bound unsafe.
"""

from __future__ import annotations

import pytest
from conftest import make_scenario
from ortools.sat.python import cp_model

from logistics.bounds.relax import Relaxation, closure_bound
from logistics.generate import generate
from logistics.model.data import build_data
from logistics.model.dispatch import dispatch_best, dispatch_objective
from logistics.scenario import load_scenario
from logistics.solve import solve
from logistics.units import CARGO
from logistics.verify import verify


def _ramp_case(bulk_stons: float = 90):
    # One unit of 90 st of bulk at Pope, whose ramp (MOG) is cut to 1. A C-17 takes at
    # most 45 st (ACL) via Ramstein (payload 55.5 st there) but only 6.6 st direct, so
    # the unit needs two loaded C-17s via ETAR, one after the other on the one ramp spot:
    # onloads [0, 195) and [195, 390) minutes, the second lands at 195 + 1,119 (KPOB-
    # ETAR-OKAS, 18.65 h) = 1,314 min = 21.9 h. Seven direct token flights would take the
    # ramp even longer (7 x 195 min).
    return make_scenario(
        airfields=[{"icao": "KPOB", "mog": 1}],
        units=[{"id": "U1", "origin": "KPOB", "destinations": ["OKAS"], "bulk_stons": bulk_stons, "ready_hour": 0}],
    )


def test_ramp_closure_is_proven_by_the_relaxation():
    d = build_data(_ramp_case())
    via = [r for g in d.groups for r in g.options if r.label == "KPOB-ETAR-OKAS"][0]
    assert via.arrive == 1119 and d.groups[0].onload == 195
    fixed = {"undelivered": 0, "lateness": 0}
    # a landing by minute 1,313 is impossible even in the relaxation; by 1,314 possible
    assert Relaxation(d, fixed, closure_limit=1313).solve(10)[0] == "infeasible"
    assert Relaxation(d, fixed, closure_limit=1314).solve(10)[0] in ("feasible", "optimal")
    res = closure_bound(d, fixed, incumbent=1314, lower=0, time_limit=20)
    assert res.bound == 1314 and res.proven_optimal_at == 1314


def test_the_solve_reaches_and_proves_the_ramp_optimum():
    s = _ramp_case()
    plan = solve(s, time_limit=10, deterministic=True)
    assert verify(s, plan) == []
    assert plan.kpis["closure_hour"] == pytest.approx(1314 / 60)
    i = plan.solve.goals.index("closure")
    assert plan.solve.bound[i] == pytest.approx(1314 / 60)


def _fix_to(rel: Relaxation, data, plan) -> None:
    """Fix the relaxation's counts and loads to a dispatched plan's."""
    count = [0] * len(rel.buckets)
    pax: dict = {}
    cargo: dict = {}
    for dp in plan:
        hits = [bi for bi, b in enumerate(rel.buckets)
                if b.gi == dp.group and b.oi == dp.option and b.lo <= dp.start <= b.hi]
        assert len(hits) == 1, f"mission {dp} has no bucket in the relaxation"
        bi = hits[0]
        count[bi] += 1
        for ui, dct in dp.loads.items():
            pax[(ui, bi)] = pax.get((ui, bi), 0) + dct.get("pax", 0)
            cargo[(ui, bi)] = cargo.get((ui, bi), 0) + sum(dct.get(c, 0) for c in CARGO)
    for n, c in zip(rel.n, count, strict=True):
        rel.m.Add(n == c)
    for key, (px, cg) in rel.loads.items():
        if px is not None:
            rel.m.Add(px == pax.get(key, 0))
        if cg is not None:
            rel.m.Add(cg == cargo.get(key, 0))
    for key in set(pax) | set(cargo):
        px, cg = rel.loads.get(key, (None, None))
        assert pax.get(key, 0) == 0 or px is not None, f"soldiers of {key} have no place in the relaxation"
        assert cargo.get(key, 0) == 0 or cg is not None, f"cargo of {key} has no place in the relaxation"


CASES = [
    ("bundled", "baghdad-embassy-2020.yaml"),
    ("bundled", "gulf-buildup-2019.yaml"),
    ("generated", ("S", 1)),
    ("generated", ("S", 2)),
    ("generated", ("S", 3)),
    ("generated", ("M", 1)),
]


@pytest.mark.parametrize(("kind", "which"), CASES, ids=lambda x: str(x))
def test_every_dispatched_plan_maps_into_the_relaxation(kind, which, bundled_dir):
    s = load_scenario(bundled_dir / which) if kind == "bundled" else generate(*which)
    d = build_data(s)
    plan = dispatch_best(d)
    vals = dict(zip(d.goals, dispatch_objective(d, plan), strict=True))
    # the plan's own goal values as the fixed earlier goals: it must stay feasible
    fixed = {"undelivered": vals["undelivered"], "flying_hours": vals["flying_hours"]}
    if vals["undelivered"] == 0 and vals["lateness"] == 0:
        fixed["lateness"] = 0
    rel = Relaxation(d, fixed, closure_limit=vals["closure"])
    _fix_to(rel, d, plan)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 30
    solver.parameters.num_workers = 2
    assert solver.StatusName(solver.Solve(rel.m)) in ("OPTIMAL", "FEASIBLE")


def test_baghdad_last_wave_cannot_close_before_117_07_h(bundled_dir):
    # The four units ready at 96 h (1,600 soldiers, 680 st of which 380 st oversize and
    # outsize) alone, so every rule is at its loosest. Pope's ramp holds 8; C-5Ms may
    # fly at most 3 loads in day 4 (48 crew h / 13.15 h outbound), B747s carry only
    # soldiers; the cargo needs 9+ C-17 loads besides, so a second round of C-17s starts
    # at 96 + 3.25 = 99.25 h and lands at Al Asad, the nearest base, 17.82 h later:
    # 117.07 h (minute 7,024). The relaxation proves no landing by minute 7,023 works.
    s = load_scenario(bundled_dir / "baghdad-embassy-2020.yaml")
    s = s.model_copy(update={"units": [u for u in s.units if u.ready_hour >= 96]})
    d = build_data(s)
    rel = Relaxation(d, {"undelivered": 0, "lateness": 0}, closure_limit=7023)
    assert rel.solve(60, workers=2)[0] == "infeasible"


def test_the_inner_grid_counts_a_period_wherever_its_starts_may_be():
    # two 45-st loads on one ramp spot. The relaxation counts a mission on the ramp only
    # where every start in its period would be, so the second may start at minute 195,
    # landing at 195 + 1,119 = 1,314 (the optimum). The inner grid counts the first
    # mission, started anywhere in [0, 14], on the ramp until 14 + 195 = 209, so through
    # period 13 ([195, 209]): the second starts in period 14 at the earliest, minute
    # 210, landing at 1,329
    d = build_data(_ramp_case())
    fixed = {"undelivered": 0, "lateness": 0}
    assert Relaxation(d, fixed, closure_limit=1328, inner=True).solve(10)[0] == "infeasible"
    assert Relaxation(d, fixed, closure_limit=1329, inner=True).solve(10)[0] in ("feasible", "optimal")


def test_held_missions_take_the_ramp_first_on_the_inner_grid():
    # the ramp case with one 45-st load (one C-17 via Ramstein), and a held C-17 of
    # other units on Pope's one ramp spot for [h, h + 195).
    # Held at 0: free from minute 195, period 13 ([195, 209]) is open, landing 195 +
    # 1,119 = 1,314. Held at 5: on the ramp until 200, period 13 overlaps it, so the
    # load starts at 210 and lands at 1,329
    d = build_data(_ramp_case(45))
    via = [r for r in d.groups[0].options if r.label == "KPOB-ETAR-OKAS"][0]
    fixed = {"undelivered": 0, "lateness": 0}
    for held_at, first in ((0, 1314), (5, 1329)):
        held = [("C-17A", held_at, via)]
        assert Relaxation(d, fixed, closure_limit=first - 1, inner=True, held=held).solve(10)[0] == "infeasible"
        assert Relaxation(d, fixed, closure_limit=first, inner=True, held=held).solve(10)[0] in (
            "feasible", "optimal")


def test_an_overlap_shorter_than_a_period_is_counted():
    # one unit of 90 st to Ali Al Salem, whose parking (MOG) is cut to 1: two C-17 loads
    # via Ramstein (45 st each), landing 1,119 min after their onload starts and on the
    # ground 195 min (3.25 h offload). The second may land only when the first leaves:
    # s2 + 1,119 >= s1 + 1,119 + 195, so the closure is at least 195 + 1,119 = 1,314.
    # A landing by 1,313 puts the first in period [0, 14] (surely parked [14 + 1,119,
    # 0 + 1,314) = [1,133, 1,314)) and the second in [180, 194] (surely parked from
    # 194 + 1,119 = 1,313): they overlap in minute 1,313 only, which a count once per
    # period (minutes 1,304 and 1,319) misses; counted at every minute it is seen
    d = build_data(make_scenario(
        airfields=[{"icao": "OKAS", "mog": 1}],
        units=[{"id": "U1", "origin": "KPOB", "destinations": ["OKAS"], "bulk_stons": 90, "ready_hour": 0}]))
    fixed = {"undelivered": 0, "lateness": 0}
    assert Relaxation(d, fixed, closure_limit=1313).solve(10)[0] == "infeasible"
    assert Relaxation(d, fixed, closure_limit=1314).solve(10)[0] in ("feasible", "optimal")
