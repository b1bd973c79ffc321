"""Proof that the Baghdad plan on record flies the fewest hours the model allows.

``python benchmarks/prove_baghdad_flying.py`` (about 12 minutes on 2 cores, 10 of them for step 1) checks the
plan in ``benchmarks/plans/baghdad-embassy-2020-994.45h.json`` and proves, step by
step, that no plan of the model with nothing undelivered, nothing late and the force
closed by minute 7,024 (117.07 h, the least closure) flies fewer than its 59,667 minutes.
Exit status 0 when every step holds.

Why ``logistics.solve`` alone does not get there: the flying search bounds each group of
units that no mission can carry across (:func:`logistics.guided.mission_components`:
2-504; 1-504, HQ and 3-504; the last wave) on its own, and those bounds sum to 3-6
minutes below the plan. The groups compete for the four C-5s: their aircraft (a C-5
of the middle group still out when the last wave must leave) and their crews' daily
hours. This proof couples them. Call the last wave *C* and the other two groups *R*:

1. *C flies at least* ``f_C`` (the time-indexed relaxation, :mod:`logistics.relax`,
   solved by SCIP for every combination of C's bases the beds allow).
2. *R flies at least* ``g_free``: the exact slot model of R's units alone (every other
   unit removed, so every bed, aircraft, ramp and crew hour is free for them), solved to
   optimality by CP-SAT. Removing units only relaxes the model. A plan below the
   record has R flying at most 59,666 - ``f_C`` minutes, so at most that many over the
   shortest mission R can fly missions: the slots per (origin, type) are capped at that
   count (or the model's own, if fewer), which loses no such plan.
3. C's C-5 missions via an en-route stop to Ali Al Salem or Kuwait International (the
   kind that carries its outsize loads) must leave between C's ready hour and the latest
   start that lands by minute 7,024; so *each* holds a C-5 over one common span and
   flies at least some minutes in each day (computed below from the routings).
   - If C flies fewer than ``N`` of them: C's relaxation with that limit flies at least
     ``f_few`` and R at least ``g_free``.
   - If C flies ``N`` or more and none of C's units is at Ali Al Salem: C flies at least
     ``f_away`` (its relaxation over those combinations) and R at least ``g_free``.
   - Else: R's exact model with ``N`` such aircraft spans reserved
     (:class:`logistics.model.build.Reservation`: aircraft and crew minutes, no ramp)
     and Ali Al Salem's beds less C's smallest unit flies at least ``g_held``; C at
     least ``f_C``.
   Every plan falls in one case, and each case sums to the record or more.

"Optimal" is for the model, as everywhere in the product (README, Limitations): the
listed routings, whole-minute starts, minimum ground times.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

from logistics.guided import _Clock, _combos, _leaf, _run_solver, _subset, mission_components
from logistics.model.build import AirliftModel, Reservation
from logistics.model.data import build_data
from logistics.plan import Plan
from logistics.relax import Relaxation, _day_minutes, closure_bound
from logistics.scenario import load_scenario
from logistics.verify import verify

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "data" / "scenarios" / "baghdad-embassy-2020.yaml"
PLAN = ROOT / "benchmarks" / "plans" / "baghdad-embassy-2020-994.45h.json"
#: the kind of C's missions that step 3 splits on, and the base of step 3's last case
KIND = ("C-5M", ("KPOB-ETAR-OKAS", "KPOB-ETAR-OKBK"))
BASE = "OKAS"
N = 3
#: the least closure (minutes), checked below
CLOSURE = 7024


def say(*args) -> None:
    print(*args, flush=True)


def leaves_at_least(rel: Relaxation, combos: list, need: int, cap: float) -> tuple[bool, int | None]:
    """Every combination of ``combos`` flies at least ``need`` in ``rel``; (proven, the
    least value found below ``need`` or None). SCIP per combination, asked for
    solutions below ``need + 10`` (a little above, so that a combination whose least is
    exactly ``need`` is settled by finding it rather than by proving nothing is
    below); an open combination is retried with 4x the time, up to 64x."""
    below = None
    for combo in combos:
        c = cap
        while True:
            r = _leaf(rel, combo, c, need + 10, False, None)
            if r.status in ("cutoff", "infeasible") or (r.status == "optimal" and r.value >= need):
                break
            if r.value is not None and r.value < need:
                below = r.value if below is None else min(below, r.value)
                break
            if c >= 64 * cap:
                return False, below
            c *= 4
    return below is None, below


def exact_least(sdata, fleet_types, k_cap: dict[str, int], reserved=(), limit: float = 900.0) -> tuple[str, int]:
    """R's exact slot model alone, least flying minutes: (status, bound). Slots per
    group are ``k_cap`` (not the subset's own count, which is sized from R's demand
    alone and could cut off a plan the whole model allows)."""
    sdata.groups[:] = [dataclasses.replace(g, k=k_cap[g.name]) for g in sdata.groups]
    am = AirliftModel(sdata, crew_types=frozenset(fleet_types), reserved=reserved)
    m = am.m
    m.Add(am.goal_exprs["undelivered"] <= 0)
    m.Add(am.goal_exprs["lateness"] <= 0)
    m.Add(am.v.force_closure <= CLOSURE)
    m.Minimize(am.goal_exprs["flying_hours"])
    status, s = _run_solver(m, _Clock(limit, False), 2, False, 0, limit, None)
    return status, int(s.BestObjectiveBound()) if s is not None else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--leaf-seconds", type=float, default=20.0)
    args = ap.parse_args()
    t0 = time.perf_counter()
    ok = True

    def check(name: str, holds: bool, detail: str) -> None:
        nonlocal ok
        ok &= holds
        say(f"[{'ok' if holds else 'FAILS'}] {name}: {detail}  ({time.perf_counter() - t0:.0f} s)")

    s = load_scenario(SCENARIO)
    plan = Plan.load(PLAN)
    flying = round(plan.kpis["flying_hours"] * 60)
    check("the plan verifies", verify(s, plan) == [], f"{PLAN.name}: flying {flying} min, "
          f"closure {plan.kpis['closure_hour'] * 60:.0f} min, nothing late or undelivered")
    data = build_data(s)
    fixed = {"undelivered": 0, "lateness": 0, "closure": CLOSURE}
    comps = sorted(mission_components(data, fixed), key=len)
    big = comps[-1]
    rest = set().union(*comps[:-1])
    say("C = " + ", ".join(data.units[u].unit.id for u in sorted(big)),
        "; R = " + ", ".join(data.units[u].unit.id for u in sorted(rest)))
    # the closure: C alone (every other unit removed, a relaxation) cannot land by 7,023
    closure = closure_bound(_subset(data, big), {"undelivered": 0, "lateness": 0}, CLOSURE, CLOSURE - 1,
                            time_limit=300, workers=2)
    check("closure 7,024 min is the least", closure.bound >= CLOSURE,
          f"relaxation of C alone: no plan lands it all by minute {CLOSURE - 1}")

    cdata = _subset(data, big)
    combos = _combos(cdata, fixed)
    rel = Relaxation(cdata, fixed, type_counts=True)
    rel.m.Minimize(rel.flying)
    # step 1: C's least over every combination: what the plan's C flies, proven least
    c_ids = {data.units[u].unit.id for u in big}
    plan_c = sum(round(sum((lg.arrive_hour - lg.depart_hour) * 60 for lg in ms.legs)) for ms in plan.missions
                 if {ld.unit for ld in ms.loads} & c_ids)
    proven, below = leaves_at_least(rel, combos, plan_c, args.leaf_seconds)
    check("step 1: C flies at least f_C", proven,
          f"f_C = {plan_c}, what the plan's C flies, over {len(combos)} combinations of bases (below: {below})")
    f_c = plan_c

    # step 2: R alone, exact, slots capped by what a better plan could fly
    rdata = _subset(data, rest)
    shortest = min(r.flight_minutes for g in rdata.groups for r in g.options)
    k_most = (flying - 1 - f_c) // shortest
    k_cap = {g.name: min(g.k, k_most) for g in data.groups}  # the whole model's slots, or fewer
    st, g_free = exact_least(rdata, data.fleet, k_cap)
    check("step 2: R alone flies at least g_free", st == "optimal",
          f"g_free = {g_free} ({st}; slots per origin and type {k_cap})")

    # step 3: C's missions of the kind
    t, labels = KIND
    ready = min(data.units[u].ready for u in big)
    spans, mins = [], {}
    for g in cdata.groups:
        if g.aircraft != t:
            continue
        for r in g.options:
            if r.label not in labels:
                continue
            lo, hi = ready, CLOSURE - r.arrive
            assert lo <= hi, r.label
            spans.append((hi, lo + r.cycle))
            for day in range(lo // 1440, (hi + r.cycle) // 1440 + 1):
                least = min(_day_minutes(r, x).get(day, 0) for x in range(lo, hi + 1))
                mins[day] = min(mins.get(day, least), least)
    a, b = max(x for x, _ in spans), min(y for _, y in spans)
    footprint = Reservation(t, a, b, tuple(sorted((d, v) for d, v in mins.items() if v > 0)))
    check("each of C's missions of the kind holds", a < b,
          f"a {t} over minutes [{a}, {b}) and flies {dict(footprint.day_minutes)} minutes by day")

    few = Relaxation(cdata, fixed, type_counts=True)
    few.m.Minimize(few.flying)
    few_n = [n for bk, n in zip(few.buckets, few.n, strict=True)
             if cdata.groups[bk.gi].aircraft == t and cdata.groups[bk.gi].options[bk.oi].label in labels]
    few.m.Add(sum(few_n) <= N - 1)
    need = flying - g_free
    proven, below = leaves_at_least(few, combos, need, args.leaf_seconds)
    check(f"case: fewer than {N} of them", proven, f"C flies at least {need}, R at least {g_free}: "
          f"{need + g_free} (least below the cut: {below})")
    away = [c for c in combos if all(d != BASE for _, d in c)]
    proven, below = leaves_at_least(rel, away, need, args.leaf_seconds)
    check(f"case: {N} or more, none of C at {BASE}", proven,
          f"C flies at least {need} over {len(away)} combinations, R at least {g_free}: {need + g_free}")
    smallest = min(data.units[u].unit.pax for u in big if BASE in data.units[u].dests)
    hdata = _subset(data, rest, {BASE: smallest})
    st, g_held = exact_least(hdata, data.fleet, k_cap, reserved=[footprint] * N)
    check(f"case: {N} or more, some of C at {BASE}", st == "optimal" and g_held + f_c >= flying,
          f"R with {N} reserved and {smallest} fewer beds at {BASE} flies at least {g_held} ({st}), "
          f"C at least {f_c}: {g_held + f_c}")
    say("PROVEN: no plan of the model flies fewer than", flying, "minutes" if ok else "NOT PROVEN")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
