"""Tail numbers for a plan's missions (logistics.plan.tails): a hand case worked out
below, and properties on bundled, generated and hand-dispatched plans, each checked
with ``logistics.verify`` first: every mission gets exactly one tail, a tail flies one
mission at a time, and no pool uses more tails at an instant than it has aircraft."""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path
from types import SimpleNamespace

import pytest
from test_plan import Load, Mission, Plan, m1, route, scen

from logistics import generate, load_scenario
from logistics.catalog import scenarios_dir
from logistics.peers.greedy import greedy
from logistics.plan import Leg
from logistics.plan.tails import TAIL_COLUMNS, TOL, _schedule, assign_tails, tail_name
from logistics.verify import verify

C17_TIMES = [(4.0, 12.5), (15.0, 20.0), (23.5, 28.5), (31.0, 39.5)]


def three_missions() -> list[Mission]:
    """M1, M2, M3: the hand C-17A mission of test_plan (onload 0.75-4.0, back 39.5)
    shifted by 0, 10 and 40 hours, 40 soldiers of U1 each."""
    return [m1(id=f"M{i}", legs=route(C17_TIMES, shift=sh), loads=(Load("U1", pax=40),))
            for i, sh in ((1, 0.0), (2, 10.0), (3, 40.0))]


def test_hand_case_two_overlap_the_third_reuses_the_first_tail() -> None:
    # one pool, C-17A x3 (scen()'s fleet); a mission holds its aircraft from its onload
    # start (first departure - 3.25 h) to its last landing:
    #   M1 holds 0.75-39.5                  -> no tail yet: C17A-01
    #   M2 holds 10.75-49.5, M1 still flies -> C17A-02 (a second tail)
    #   M3 holds 40.75-79.5: M1 landed at 39.5 <= 40.75, M2 flies until 49.5
    #                                       -> C17A-01 again (the lowest free number)
    # at most two in the air at once (10.75-39.5 and 40.75-49.5): 2 tails <= 3 aircraft
    s = scen()
    plan = Plan.from_missions(s, three_missions(), status="feasible")
    assert verify(s, plan) == []
    df = assign_tails(plan, s)
    assert list(df.columns) == TAIL_COLUMNS
    got = dict(zip(df["mission"], df["tail"], strict=True))
    assert got == {"M1": "C17A-01", "M2": "C17A-02", "M3": "C17A-01"}
    row = df.set_index("mission").loc["M3"]
    assert (row["start"], row["end"], row["aircraft"]) == (40.75, 79.5, "C-17A")
    assert row["home"] is None
    assert list(df["mission"]) == ["M1", "M3", "M2"]  # by tail, then start


def test_touching_missions_share_a_tail_and_pools_are_type_and_home() -> None:
    s = scen()
    # M2 starts its onload (0.75 + 38.75 = 39.5) as M1 lands: touching, one tail
    a, b = three_missions()[0], m1(id="M2", legs=route(C17_TIMES, shift=38.75), loads=())
    df = assign_tails(Plan.from_missions(s, [a, b], status="feasible"), s)
    assert set(df["tail"]) == {"C17A-01"}

    # SPEC 5.1's pools, (type, home), read as getattr(mission, "home", None): with the
    # mission's own field once it has one, else a subclass that adds it
    if "home" in {f.name for f in dataclasses.fields(Mission)}:
        homed = dataclasses.replace
    else:
        @dataclasses.dataclass(frozen=True)
        class Homed(Mission):
            home: str | None = None

        def homed(m: Mission, home: str | None) -> Mission:
            return Homed(**{f.name: getattr(m, f.name) for f in dataclasses.fields(Mission)}, home=home)
    ms = [homed(m, home=h) for m, h in zip(three_missions(), ("KCHS", "KCHS", None), strict=True)]
    df = assign_tails(SimpleNamespace(missions=ms), s)
    got = dict(zip(df["mission"], zip(df["home"], df["tail"], strict=True), strict=True))
    assert got == {"M1": ("KCHS", "C17A KCHS-01"), "M2": ("KCHS", "C17A KCHS-02"), "M3": (None, "C17A-01")}


def test_tail_names() -> None:
    assert tail_name("C-17A", None, 3) == "C17A-03"
    assert tail_name("C-17A", "KCHS", 3) == "C17A KCHS-03"
    assert tail_name("CRAF-B747-F", None, 12, width=3) == "CRAFB747F-012"


def test_no_legs_no_tail() -> None:
    s = scen()
    empty = Mission(id="M0", aircraft="C-17A", origin="KPOB", destination="OKAS", legs=(), loads=())
    df = assign_tails(SimpleNamespace(missions=[empty, *three_missions()]), s)
    assert "M0" not in set(df["mission"]) and len(df) == 3
    none = assign_tails(SimpleNamespace(missions=[empty]), s)
    assert none.empty and list(none.columns) == TAIL_COLUMNS


# ----- properties ---------------------------------------------------------------------------------
def _peak(spans: list[tuple[float, float]]) -> int:
    """Most intervals in the air at one instant (touching ones do not overlap)."""
    ev = sorted([(a, 1) for a, _ in spans] + [(b - TOL, -1) for _, b in spans], key=lambda e: (e[0], e[1]))
    n = best = 0
    for _, d in ev:
        n += d
        best = max(best, n)
    return best


def test_schedule_uses_as_many_tails_as_the_busiest_instant() -> None:
    # greedy colouring by start is optimal on intervals: tails == peak overlap, and the
    # missions of one tail never overlap
    for seed in range(60):
        rng = random.Random(seed)
        spans = []
        for i in range(rng.randint(1, 40)):
            a = round(rng.uniform(0, 100), 2)
            spans.append((a, a + round(rng.uniform(0.5, 30), 2), f"M{i:02d}"))
        tails = _schedule(spans)
        assert set(tails) == {m for *_, m in spans}
        assert max(tails.values()) == _peak([(a, b) for a, b, _ in spans]), seed
        for k in set(tails.values()):
            own = sorted((a, b) for a, b, m in spans if tails[m] == k)
            assert all(b0 <= a1 + TOL for (_, b0), (a1, _) in zip(own, own[1:], strict=False)), seed


def _recorded(name: str, folder: str):
    make = {"baghdad": lambda: load_scenario(scenarios_dir() / "baghdad-embassy-2020.yaml"),
            "gulf": lambda: load_scenario(scenarios_dir() / "gulf-buildup-2019.yaml"),
            "gen-S-1": lambda: generate("S", seed=1), "gen-M-1": lambda: generate("M", seed=1)}[name]
    s = make()
    d = json.loads((Path(__file__).parent / "data" / folder / f"{name}.json").read_text())
    ms = [Mission(id=m["id"], aircraft=m["aircraft"], origin=m["origin"], destination=m["destination"],
                  legs=tuple(Leg(lg["from"], lg["to"], lg["depart_hour"], lg["arrive_hour"]) for lg in m["legs"]),
                  loads=tuple(Load(x["unit"], x["pax"], x["bulk_stons"], x["oversize_stons"], x["outsize_stons"])
                              for x in m["loads"]))
          for m in d["missions"]]
    return Plan.from_missions(s, ms, status="feasible"), s


def _tight():
    """Baghdad on a small fleet that changes: 5 C-17As, 4 more until h60, 3 more from h30,
    2 C-5Ms (the dispatcher's plan uses every C-17A the pool has at its busiest)."""
    s = load_scenario(scenarios_dir() / "baghdad-embassy-2020.yaml").replace(aircraft=[
        {"type": "C-17A", "count": 5}, {"type": "C-17A", "count": 4, "until_hour": 60},
        {"type": "C-17A", "count": 3, "available_hour": 30}, {"type": "C-5M", "count": 2}])
    return greedy(s), s


PLANS = {
    **{f"{f}/{n}": (lambda n=n, f=f: _recorded(n, f))
       for f in ("same_plans", "same_plans_b64e17e") for n in ("baghdad", "gulf", "gen-S-1", "gen-M-1")},
    **{f"greedy/gen-{size}-{seed}": (lambda size=size, seed=seed: (lambda s: (greedy(s), s))(generate(size, seed=seed)))
       for size, seed in (("S", 2), ("S", 3), ("M", 2), ("M", 4))},
    "greedy/gulf": lambda: (lambda s: (greedy(s), s))(load_scenario(scenarios_dir() / "gulf-buildup-2019.yaml")),
    "greedy/baghdad-tight": _tight,
}


@pytest.mark.parametrize("name", list(PLANS))
def test_tails_never_exceed_the_pool_and_every_mission_gets_one(name: str) -> None:
    plan, s = PLANS[name]()
    assert verify(s, plan) == []
    df = assign_tails(plan, s)
    flown = [m.id for m in plan.missions if m.legs]
    assert sorted(df["mission"]) == sorted(flown) and df["mission"].is_unique
    for (typ, _home), pool in df.groupby(["aircraft", df["home"].fillna("")]):
        assert pool["tail"].str.startswith(tail_name(typ, None, 0).split("-0")[0]).all()
        # a tail flies one mission at a time
        for _, own in pool.sort_values("start").groupby("tail"):
            st, en = list(own["start"]), list(own["end"])
            assert all(b <= a + TOL for b, a in zip(en, st[1:], strict=False)), (name, own)
        # at every instant a mission starts, the tails in the air fit in the aircraft then available
        for t in pool["start"]:
            busy = pool[(pool["start"] <= t + TOL) & (pool["end"] > t + TOL)]
            assert busy["tail"].nunique() == len(busy) <= s.fleet_count(typ, t), (name, typ, t)
        assert pool["tail"].nunique() <= s.fleet_count(typ), (name, typ)
