"""The coupling proof of the least flying hours (:mod:`logistics.bounds.proof`) on a hand case.

Geometry and aircraft as in ``test_solve`` (AAAA-BBBB is 60 minutes at 400 kt). Two
types: ``A`` (one aircraft, 400 kt, every cargo class) and ``B`` (one aircraft, 200
kt: 120 minutes a leg, bulk and soldiers only). Ground times 1 h everywhere.

- L: 10 st outsize, ready at h10 (minute 600), latest arrival h12 (720). Only A
  carries outsize: its one mission lands at start + 120, so it starts at exactly 600 and
  holds the A over [600, 840) (onload 600-660, out 660-720, offload 720-780, back
  780-840), flying 120 minutes, all in day 0.
- E: 100 soldiers, ready at h7 (420), latest arrival h11 (660). On A it would start in
  [420, 540] and hold the A until 660-780, over L's 600: so E flies B, 240 minutes
  (start in [420, 480], lands at start + 180).

The least flying hours are 120 + 240 = 360 minutes (6 h). E and L can never share a
mission (E's starts end at 540 and L's is 600, in other 15-minute buckets), so the two
groups' separate least flying hours are 120 (L) and 120 (E on the A): 240, two hours
short. The coupling proof closes that: C = L (the larger load: 1,000 cargo ticks
against 100 soldiers), R = E. R alone flies 120; C flies 120 < 360 - 120, so C's only
combination is open. C's missions on A to BBBB are a kind: window [600, 600], so each
holds an A over [600, 840) and flies 120 minutes in day 0. With N = 1: fewer than one
such mission is infeasible for C (outsize); with at least one, R with an A reserved over
[600, 840) flies 240 (B), and 120 + 240 = 360. Proven.
"""

from __future__ import annotations

import json

from test_solve import aircraft, scenario, unit

from logistics.bounds.flying import mission_components
from logistics.bounds.proof import mission_kinds, prove_flying, prove_plan
from logistics.bounds.relax import Relaxation
from logistics.model.build import Reservation
from logistics.model.data import build_data
from logistics.model.subset import subset
from logistics.solve import solve
from logistics.verify import verify

FIXED = {"undelivered": 0, "lateness": 0, "closure": 720}


def _case():
    return scenario(
        [unit("L", outsize_stons=10.0, ready_hour=10.0, latest_arrival_hour=12.0, required_hour=12.0),
         unit("E", pax=100, ready_hour=7.0, latest_arrival_hour=11.0, required_hour=11.0)],
        aircraft_=[aircraft("A", count=1), aircraft("B", count=1, cruise_kt=200.0, cargo_classes=["bulk"])],
        horizon_hours=24)


def test_the_hand_case_flies_six_hours_and_the_groups_alone_say_four() -> None:
    s = _case()
    plan = solve(s, time_limit=20, deterministic=True)
    assert verify(s, plan) == []
    assert plan.status == "optimal"
    assert plan.kpis["closure_hour"] == 12.0
    assert round(plan.kpis["flying_hours"] * 60) == 360
    data = build_data(s)
    comps = mission_components(data, FIXED)
    assert sorted(sorted(data.units[u].unit.id for u in c) for c in comps) == [["E"], ["L"]]


def test_the_kind_of_ls_missions_holds_the_a_over_600_to_840() -> None:
    data = build_data(_case())
    l_only = subset(data, {next(u.idx for u in data.units if u.unit.id == "L")})
    kinds = mission_kinds(Relaxation(l_only, FIXED, type_counts=True))
    assert [(k.aircraft, k.routings) for k in kinds] == [("A", (("AAAA/A", "AAAA-BBBB"),))]
    # start 600 only: hold [600, 600 + 240); out 660-720 and back 780-840 in day 0
    assert kinds[0].footprint == Reservation("A", 600, 840, ((0, 120),))


def test_the_coupling_proves_360_and_refuses_361() -> None:
    data = build_data(_case())
    proof = prove_flying(data, FIXED, 360, time_limit=120)
    assert proof.c_units == ["L"] and proof.r_units == ["E"]
    assert proof.proven and proof.bound == 360, proof.steps
    assert any("R alone flies at least 120" in line for line in proof.steps)
    assert any("flies at least 240" in line and "reserved" in line for line in proof.steps), proof.steps
    # soundness: the 360-minute plan exists, so "nothing below 361" must not be proven
    wrong = prove_flying(data, FIXED, 361, time_limit=120)
    assert not wrong.proven and wrong.bound <= 360, wrong.steps


def test_prove_plan_checks_every_goal_of_the_solved_plan() -> None:
    s = _case()
    plan = solve(s, time_limit=20, deterministic=True)
    # prove_plan is imported from logistics.bounds.proof: the top level exports the
    # product API only (tests/test_layout.py), no longer the proof
    proof = prove_plan(s, plan, time_limit=120)
    assert [(g.goal, g.proven) for g in proof.goals] == [
        ("undelivered", True), ("lateness", True), ("closure", True), ("flying_hours", True)]
    assert proof.proven and proof.flying is not None and proof.flying.bound == 360


def test_the_prove_command_prints_the_argument_and_exits_by_its_outcome(tmp_path, capsys) -> None:
    from logistics.cli import main
    from logistics.scenario import save_scenario

    s = _case()
    scen = save_scenario(s, tmp_path / "hand.yaml")
    plan = solve(s, time_limit=20, deterministic=True)
    good = plan.save(tmp_path / "plan.json", s)
    assert main(["prove", str(scen), str(good), "--time-limit", "120"]) == 0
    out = capsys.readouterr().out
    assert "R with 1 x [A 600-840] reserved flies at least 240" in out
    assert "PROVEN: no plan does better than" in out
    assert "flying_hours  6.00   6.00          yes" in out
    # a plan whose L mission leaves an hour late lands after L's latest arrival: rule broken
    late = tmp_path / "late.json"
    doc = json.loads(good.read_text())
    for ms in doc["missions"]:
        for leg in ms["legs"]:
            leg["depart_hour"] += 1.0
            leg["arrive_hour"] += 1.0
    late.write_text(json.dumps(doc))
    assert main(["prove", str(scen), str(late)]) == 1
    assert "violation" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["prove", str(scen), str(bad)]) == 2
    assert str(bad) in capsys.readouterr().err
