"""The benchmark's family of hard operations (issue 21): every kind, two seeds.

Each scenario is valid, deterministic and within its kind's unit range; the naive
planner's and the dispatcher's plans verify; and each kind stresses what it says it
does, shown on the dispatcher's plan (``dispatch_best``, the solve's first plan) or on
the search-free bounds.
"""

from __future__ import annotations

import math
from collections import defaultdict
from functools import cache

import pytest

from logistics.bounds.search_free import undelivered_bound
from logistics.families import FAMILY_KINDS, UNIT_RANGES, arrivals, generate_family
from logistics.geo import distance_nm
from logistics.model.convert import plan_from_dispatch
from logistics.model.data import build_data
from logistics.model.dispatch import dispatch_best, dispatch_naive, dispatch_objective
from logistics.network import fastest_arrival, scenario_warnings
from logistics.plan import SolveInfo
from logistics.verify import verify

SEEDS = (1, 2)
#: units per kind for the plan checks: small, so that the file runs in well under a minute
SMALL = {"crew-bound": 8, "mog-tight": 8, "tight-rdd": 10, "unreachable-lad": 8, "beds-forced": 12,
         "mixed-classes": 10, "craf-late": 8, "multi-origin": 12}
CASES = [(k, sd) for k in FAMILY_KINDS for sd in SEEDS]
IDS = [f"{k}-{sd}" for k, sd in CASES]


@cache
def _solved(kind: str, seed: int):
    """The small scenario, its model data, and the dispatcher's and the naive planner's plans."""
    s = generate_family(kind, seed, SMALL[kind])
    d = build_data(s)
    plans = {}
    for name, fn in (("dispatcher", dispatch_best), ("naive", dispatch_naive)):
        info = SolveInfo(solver=name, goals=list(s.objective))
        plans[name] = plan_from_dispatch(d, fn(d), status="feasible", info=info)
    return s, d, plans


def _kind(kind: str) -> list[int]:
    return [sd for k, sd in CASES if k == kind]


def test_eight_kinds_of_6_to_60_units():
    assert list(FAMILY_KINDS) == ["crew-bound", "mog-tight", "tight-rdd", "unreachable-lad", "beds-forced",
                                  "mixed-classes", "craf-late", "multi-origin"]
    assert set(UNIT_RANGES) == set(FAMILY_KINDS)
    assert all(6 <= lo < hi <= 60 for lo, hi in UNIT_RANGES.values())
    with pytest.raises(ValueError, match="unknown kind"):
        generate_family("no-such-kind")
    with pytest.raises(ValueError, match="units"):
        generate_family("crew-bound", 1, units=UNIT_RANGES["crew-bound"][1] + 1)


@pytest.mark.parametrize(("kind", "seed"), CASES, ids=IDS)
def test_valid_deterministic_and_within_range(kind: str, seed: int):
    s = generate_family(kind, seed)
    lo, hi = UNIT_RANGES[kind]
    assert lo <= len(s.units) <= hi
    assert s == generate_family(kind, seed) and s.content_sha256() == generate_family(kind, seed).content_sha256()
    assert s.content_sha256() != generate_family(kind, seed + 10).content_sha256()
    assert len(generate_family(kind, seed, lo).units) == lo
    assert scenario_warnings(s) == []
    for u in s.units:  # some of every unit can land in its window; all of it but where the kind says
        assert fastest_arrival(s, u) <= s.lad(u)
        if kind != "unreachable-lad":
            assert max(arrivals(s, u).values()) <= s.lad(u)


@pytest.mark.parametrize(("kind", "seed"), CASES, ids=IDS)
def test_naive_and_dispatcher_plans_verify(kind: str, seed: int):
    s, _, plans = _solved(kind, seed)
    for plan in plans.values():
        assert plan.missions and verify(s, plan) == []
    assert all(len(m.loads) == 1 for m in plans["naive"].missions)


def _crew_shares(s, plan) -> dict[str, list[float]]:
    """Per type, the share of its crew budget flown on each day before its last flying day."""
    flown: dict[tuple[str, int], float] = defaultdict(float)
    for m in plan.missions:
        for lg in m.legs:
            for k in range(math.floor(lg.depart_hour / 24), math.ceil(lg.arrive_hour / 24)):
                flown[(m.aircraft, k)] += max(0.0, min(lg.arrive_hour, 24 * k + 24) - max(lg.depart_hour, 24 * k))
    out = {}
    for t in s.fleet_types:
        last = max((k for tt, k in flown if tt == t), default=0)
        budget = [s.aircraft_type(t).ute_hours * s.fleet_count(t, 24 * k + 23.99) for k in range(last)]
        out[t] = [flown[(t, k)] / b for k, b in enumerate(budget) if b > 0]
    return out


@pytest.mark.parametrize("seed", _kind("crew-bound"))
def test_crew_bound_flies_the_crew_day_out(seed: int):
    s, _, plans = _solved("crew-bound", seed)
    origins = {u.origin for u in s.units}
    bases = [d.airfield for d in s.destinations]
    assert len(origins) == 2 and len(bases) == 3
    assert [s.airfield(b).mog for b in bases].count(1) == 1
    assert all(4000 <= distance_nm(s.airfield(o), s.airfield(b)) <= 6000 for o in origins for b in bases)
    assert all(s.aircraft_type(t).ute_hours <= 8 for t in s.fleet_types)
    # the dispatcher's plan flies >= 90 % of a type's crew budget on at least 2 days in 3
    shares = _crew_shares(s, plans["dispatcher"])
    assert any(len(v) >= 3 and sum(x >= 0.9 for x in v) >= 2 / 3 * len(v) for v in shares.values()), shares


@pytest.mark.parametrize("seed", _kind("mog-tight"))
def test_mog_tight_saturates_the_airfield_every_mission_passes(seed: int):
    s, _, plans = _solved("mog-tight", seed)
    plan = plans["dispatcher"]
    (neck,) = [a.icao for a in s.airfields if a.mog is not None and a.mog <= 2]
    mog = s.airfield(neck).mog
    assert all(neck in {lg.to for lg in m.legs} for m in plan.missions)
    occ = plan.ground_occupancy(s)
    g = occ[occ.airfield == neck]
    assert g.on_ground.max() == mog
    # full for at least half of the time from its first to its last ground period
    hrs = list(g.hour)
    full = sum(b - a for a, b, n in zip(hrs, hrs[1:], g.on_ground, strict=False) if n >= mog)
    assert full >= 0.5 * (hrs[-1] - hrs[0])


@pytest.mark.parametrize("seed", _kind("tight-rdd"))
def test_tight_rdd_makes_lateness_bind(seed: int):
    s, d, plans = _solved("tight-rdd", seed)
    assert all(s.rdd(u) - max(arrivals(s, u).values()) <= 6 + 1 for u in s.units)
    assert len({u.priority for u in s.units}) >= 3
    plan = plans["dispatcher"]
    assert plan.kpis["late_units"] >= len(s.units) / 3
    assert dispatch_objective(d, dispatch_best(d))[1] > 0  # weighted lateness


@pytest.mark.parametrize("seed", _kind("unreachable-lad"))
def test_unreachable_lad_leaves_cargo_behind(seed: int):
    s, _, plans = _solved("unreachable-lad", seed)
    b = undelivered_bound(s)
    assert b.value > 0  # no plan delivers everything
    cut = [u for u in s.units if arrivals(s, u)["pax"] <= s.lad(u) < min(
        a for c, a in arrivals(s, u).items() if c != "pax")]
    assert cut  # their soldiers can make it, their cargo cannot
    weight = {u.id: u.weight for u in s.units}
    plan = plans["dispatcher"]
    left = sum(weight[r.id] * (r.undelivered["pax"] + sum(v for c, v in r.undelivered.items() if c != "pax"))
               for r in plan.units)
    assert left >= b.value - 1e-6


def _houses_all_otherwise(s, forced: dict[str, str]) -> bool:
    """Whether some assignment other than ``forced`` houses every unit (CP-SAT)."""
    from ortools.sat.python import cp_model

    m = cp_model.CpModel()
    x = {(u.id, d): m.NewBoolVar(f"{u.id}-{d}") for u in s.units for d in u.destinations}
    for u in s.units:
        m.AddExactlyOne(x[(u.id, d)] for d in u.destinations)
    for dst in s.destinations:
        m.Add(sum(u.pax * x[(u.id, dst.airfield)] for u in s.units if dst.airfield in u.destinations)
              <= dst.capacity_pax)
    m.AddBoolOr([x[(uid, d)].Not() for uid, d in forced.items()])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    st = solver.Solve(m)
    assert st in (cp_model.FEASIBLE, cp_model.OPTIMAL, cp_model.INFEASIBLE)
    return st != cp_model.INFEASIBLE


@pytest.mark.parametrize("seed", _kind("beds-forced"))
def test_beds_force_one_assignment(seed: int):
    s, d, plans = _solved("beds-forced", seed)
    cap = {x.airfield: x.capacity_pax for x in s.destinations}
    # bed-tight: some base is wanted by more soldiers than it houses; in all, beds = soldiers
    assert any(sum(u.pax for u in s.units if b in u.destinations) > c for b, c in cap.items())
    assert sum(cap.values()) == sum(u.pax for u in s.units)
    b = undelivered_bound(s)
    assert b.proven and b.value == 0
    assert not _houses_all_otherwise(s, b.destinations)  # the only one
    # the dispatcher holds units to it; first come, first housed strands some
    assert dispatch_objective(d, dispatch_best(d))[0] == 0
    assert {r.id: r.destination for r in plans["dispatcher"].units} == b.destinations
    assert plans["naive"].kpis["undelivered_pax"] > 0


@pytest.mark.parametrize("seed", _kind("mixed-classes"))
def test_mixed_classes_split_the_work_by_type(seed: int):
    s, _, plans = _solved("mixed-classes", seed)
    plan = plans["dispatcher"]
    c17 = s.aircraft_type("C-17A").min_runway_ft
    strips = {a.icao for a in s.airfields if a.runway_ft < c17}
    assert strips and any(set(u.destinations) <= strips for u in s.units)  # C-130J-30 only
    assert any(u.outsize_stons > 0 for u in s.units)
    assert s.airfield("ZM01").runway_ft < s.aircraft_type("CRAF-B747-F").min_runway_ft
    used = {m.aircraft for m in plan.missions}
    assert len(used) >= 4 and "C-130J-30" in used
    for m in plan.missions:
        if m.destination in strips:
            assert m.aircraft == "C-130J-30"
        if m.destination == "ZM01":
            assert not m.aircraft.startswith("CRAF")
        if any(ld.outsize_stons > 0 for ld in m.loads):
            assert m.aircraft in ("C-17A", "C-5M")
    assert sum(ld.outsize_stons for m in plan.missions for ld in m.loads) > 0


@pytest.mark.parametrize("seed", _kind("craf-late"))
def test_craf_late_holds_the_plan_back(seed: int):
    s, d, plans = _solved("craf-late", seed)
    craf = [e for e in s.aircraft if e.type.startswith("CRAF")]
    assert {e.type for e in craf} == {"CRAF-B747-PAX", "CRAF-B747-F"}
    assert all(e.available_hour >= 36 for e in craf)
    assert any(m.aircraft.startswith("CRAF") for m in plans["dispatcher"].missions)
    # the same airline jets from hour 0 would give a better plan
    early = s.replace(aircraft=[{**e.model_dump(exclude_none=True), "available_hour": 0.0}
                                if e.type.startswith("CRAF") else e.model_dump(exclude_none=True)
                                for e in s.aircraft])
    d0 = build_data(early)
    assert dispatch_objective(d0, dispatch_best(d0)) < dispatch_objective(d, dispatch_best(d))


@pytest.mark.parametrize("seed", _kind("multi-origin"))
def test_multi_origin_shares_one_fleet(seed: int):
    s, _, plans = _solved("multi-origin", seed)
    origins = {u.origin for u in s.units}
    assert 4 <= len(origins) <= 6
    plan = plans["dispatcher"]
    assert {m.origin for m in plan.missions} == origins
    use = plan.fleet_use(s)
    assert (use.in_use >= use.pool).any()  # some type's whole pool busy at once


def test_benchmark_lists_every_kind_four_seeds_over_6_to_60_units():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from bench import instances
    from family import family_instances

    insts = family_instances()
    assert len(insts) >= 32 and len({i.name for i in insts}) == len(insts)
    for kind in FAMILY_KINDS:
        mine = [i for i in insts if i.kind == f"family:{kind}"]
        assert sorted(i.seed for i in mine) == [1, 2, 3, 4]
        assert all(UNIT_RANGES[kind][0] <= i.units <= UNIT_RANGES[kind][1] for i in mine)
    assert min(i.units for i in insts) == 6 and max(i.units for i in insts) == 60
    assert [i.name for i in instances(["family"])] == [i.name for i in insts]
    assert insts[0].time_limit > 0 and len(insts[0].load().units) == insts[0].units
    assert {i.kind for i in instances()} == {"bundled", "S", "M", "L", "XL"}  # the default run is unchanged
