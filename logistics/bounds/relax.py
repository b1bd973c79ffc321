"""A time-indexed relaxation of the CP-SAT model, solved exactly to prove stage bounds.

The slot model (:mod:`logistics.model.build`) finds good plans but its own relaxation is
weak: on the bundled Baghdad case its closure bound stays at "ready + fastest transit"
(110.3 h) while the best plans close near 118 h, because the proof needs whole aircraft
loads on a full origin ramp under daily crew budgets, reasoned about together.

This module builds a *relaxation* of the same model (same groups, routings, integer
minutes, ticks and rules) in which missions are counted rather than placed:

* a *bucket* ``(group, routing, period p)`` stands for every mission of that shape whose
  start minute lies in ``[p·Δ, p·Δ + Δ - 1]`` (Δ = ``step`` minutes); ``n[b]`` counts
  them (no slot symmetry, no slot limit);
* loads are aggregated per (unit, bucket): the per-mission rules summed over the bucket's
  missions (seats, ACL, the mixed-load rule and the routing's payload);
* a unit may ride a bucket only if *some* start in it meets the unit's window (ready,
  EAD, LAD, and the earlier goals' limits: required date when lateness is fixed at 0,
  the closure when it is fixed);
* a resource (origin ramp, en-route and destination parking, aircraft of a type) is
  counted at one sample minute per period, and only where *every* start in the bucket
  occupies it; crew minutes per day are the least any start in the bucket flies in that
  day;
* cargo classes keep Hall's condition (the cargo of every set of classes rides on
  buckets whose type takes one of them); beddown, shortfall and the objective
  expressions are the model's.

Every solution of the slot model maps to a solution of this one (each mission to its
bucket) with the same goal values, so the optimum of the relaxation bounds the model's.
It is a pure integer program with no slots to permute, and its linear relaxation already
sees the ramp, fleet and crew budgets, so CP-SAT proves "no landing by T" in seconds
when T lies below the optimum (Baghdad: 117.05 h in 1.6 s); checks just above the
optimum may not finish. :func:`closure_bound` finds the least closure the relaxation allows (a
bisection of feasibility checks). The same model minimises flying hours
(:meth:`Relaxation.solve`), but on Baghdad it takes minutes to beat the search-free
bound, so the solve uses it for closure only.

The bound is for the model: missions keep their minimum ground times and whole-minute
starts (as in the model), so "optimal" means optimal for the model.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from ..model.data import Group, ModelData, fleet_total, pool_type
from ..network import Routing
from ..runtime import Budget, cpsat_solver, solve_cpsat
from ..units import CARGO, ticks_down

__all__ = ["STEP_MINUTES", "RelaxResult", "Relaxation", "closure_bound"]

#: default grid of the relaxation (minutes); the bundled onload times are multiples of it
STEP_MINUTES = 15


@dataclass
class RelaxResult:
    """A lower bound of one goal from the relaxation (model units: minutes)."""

    goal: str
    bound: int | None  # proven lower bound (None: nothing proven)
    proven_optimal_at: int | None  # the bound meets this incumbent
    seconds: float
    step: int
    stats: dict = field(default_factory=dict)
    spent: float = 0.0  # solver time: seconds, or deterministic units in repeatable mode


@dataclass
class _Bucket:
    gi: int
    oi: int
    lo: int  # earliest start minute of a mission here that carries something
    hi: int  # latest
    units: dict[int, tuple[int, int]]  # unit -> its own start range in the bucket


class Relaxation:
    """The relaxation of :class:`~logistics.model.data.ModelData` under fixed goals.

    Parameters
    ----------
    data
        The model's preprocessed data.
    fixed
        Earlier goals' values in model units (``undelivered`` in weighted
        hundredths, times in minutes). ``undelivered`` is imposed as ``≤``;
        ``lateness`` only when it is 0 and ``undelivered`` is fixed at 0 (every unit
        then lands by its required date); ``closure`` as a latest landing;
        ``flying_hours`` as ``≤``. Anything else is left out, which only relaxes.
    closure_limit
        An extra latest landing (minutes) for every load (the closure check).
    step
        Grid in minutes.
    inner
        Count a bucket's missions on aircraft, parking and crew hours wherever in its
        period they may start, instead of where every start surely is: the resource
        rules then hold for *any* starts inside the buckets, so a solution is nearly a
        plan (what is left open is the split of loads between a bucket's missions). A
        restriction of the resources, not a relaxation: it guides repairs and proves
        nothing.
    held
        Missions of other units kept exactly where they are, as (fleet pool, start
        minute, routing): their aircraft, parking and crew minutes are taken first
        (with ``inner``).
    type_counts
        Add each aircraft type's whole count of missions, an integer, with the capacity
        rules on it (rows the buckets imply): for SCIP's flying-hours MIPs
        (:func:`logistics.bounds.flying.least_flying`), whose linear relaxation otherwise
        splits missions across buckets.
    """

    def __init__(self, data: ModelData, fixed: dict[str, int], *, closure_limit: int | None = None,
                 step: int = STEP_MINUTES, inner: bool = False, held: Sequence[tuple[str, int, Routing]] = (),
                 type_counts: bool = False):
        self.data = data
        self.type_counts = type_counts
        self.step = step
        self.inner = inner
        self.held = list(held)
        self.m = cp_model.CpModel()
        self.fixed = dict(fixed)
        all_full = fixed.get("undelivered") == 0
        self.by_rdd = all_full and fixed.get("lateness") == 0
        limit = closure_limit
        if "closure" in fixed:
            limit = fixed["closure"] if limit is None else min(limit, fixed["closure"])
        self.limit = data.horizon if limit is None else min(limit, data.horizon)
        self.buckets = self._enumerate()
        self._build()

    # ------------------------------------------------------------------ buckets
    def _unit_range(self, ui: int, g: Group, r: Routing, lo: int, hi: int) -> tuple[int, int] | None:
        u = self.data.units[ui]
        if r.destination not in u.dests:
            return None
        latest = min(u.lad, self.limit)
        if self.by_rdd:
            latest = min(latest, u.rdd)
        a = max(lo, u.ready - g.lead, u.ead - r.arrive)  # a start leaves home ``lead`` before the onload
        b = min(hi, latest - r.arrive)
        return (a, b) if a <= b else None

    def _enumerate(self) -> list[_Bucket]:
        d, st = self.data, self.step
        out = []
        for gi, g in enumerate(d.groups):
            units = [ui for ui in g.units if any(d.units[ui].demand[c] > 0 for c in g.commodities)]
            for oi, r in enumerate(g.options):
                lst = min(g.lst, self.limit - r.arrive, d.horizon - r.arrive)
                if lst < g.est:
                    continue
                for p in range(g.est // st, lst // st + 1):
                    lo, hi = max(p * st, g.est), min(p * st + st - 1, lst)
                    if lo > hi:
                        continue
                    rng = {}
                    for ui in units:
                        x = self._unit_range(ui, g, r, lo, hi)
                        if x is not None:
                            rng[ui] = x
                    if rng:
                        # a mission that carries nothing is not in the model: the bucket
                        # holds only starts some unit aboard can use
                        out.append(_Bucket(gi, oi, min(a for a, _ in rng.values()),
                                           max(b for _, b in rng.values()), rng))
        return out

    # ------------------------------------------------------------------ model
    def _build(self) -> None:
        d = self.data
        self._fleet_total = {p: fleet_total(steps) for p, steps in d.fleet.items()}  # per pool
        self._type_total = {t: fleet_total(steps) for t, steps in d.crew.items()}
        self.n: list[cp_model.IntVar] = []
        #: (unit, bucket index) -> (soldiers, cargo ticks of the classes the type takes)
        self.loads: dict[tuple[int, int], list] = {}
        self._pax_of: dict[int, list] = defaultdict(list)
        self._cargo_of: dict[int, list[tuple[cp_model.IntVar, frozenset]]] = defaultdict(list)
        self._to_dest: dict[tuple[int, str], tuple[list, list]] = defaultdict(lambda: ([], []))
        # resource events on the sample grid: key -> sample -> [(var, +1/-1)]
        self._events: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))
        self._crew: dict[tuple[str, int], list] = defaultdict(list)
        # per aircraft type (seats, ACL): the buckets' missions, soldiers and cargo
        self._per_type: dict[tuple[str, int, int], tuple[list, list, list]] = defaultdict(lambda: ([], [], []))
        for bi, b in enumerate(self.buckets):
            self._add_bucket(bi, b)
        self.flight_terms = [(d.groups[b.gi].options[b.oi].flight_minutes, n)
                             for b, n in zip(self.buckets, self.n, strict=True)]
        self._add_delivery()
        self._add_occupancy()
        self._add_type_counts()
        self._add_crew()
        self._add_goals()

    def _add_bucket(self, bi: int, b: _Bucket) -> None:
        """A bucket's count, its loads, the per-mission rules summed over its missions,
        and its share of the resources."""
        m, d = self.m, self.data
        g = d.groups[b.gi]
        r = g.options[b.oi]
        ub = self._fleet_total[g.pool]
        n = m.NewIntVar(0, ub, f"n[{bi}]")
        self.n.append(n)
        pax_terms, cargo_terms = self._add_loads(bi, b, g, r, ub)
        # the per-mission capacity rules, summed over the bucket's missions
        if pax_terms:
            m.Add(sum(pax_terms) <= g.seats * n)
        if cargo_terms:
            m.Add(sum(cargo_terms) <= g.acl * n)
        if pax_terms and cargo_terms:
            m.Add(sum(pax_terms) * g.acl + sum(cargo_terms) * g.seats <= g.seats * g.acl * n)
        pay = ticks_down(r.payload_stons)
        if pax_terms or cargo_terms:
            m.Add(sum(pax_terms) * g.pax_w + sum(cargo_terms) <= pay * n)
        if self.type_counts:
            ns, pax, cargo = self._per_type[(g.aircraft, g.seats, g.acl)]
            ns.append(n)
            pax.extend(pax_terms)
            cargo.extend(cargo_terms)
        self._add_events(b, g, r, n)
        self._add_crew_terms(b, g, r, n)

    def _add_loads(self, bi: int, b: _Bucket, g: Group, r: Routing, ub: int) -> tuple[list, list]:
        """Per unit aboard the bucket: its soldiers and its cargo of the classes the
        type takes."""
        m, d = self.m, self.data
        pax_terms, cargo_terms = [], []
        for ui in b.units:
            u = d.units[ui]
            if "pax" in g.commodities and u.demand["pax"] > 0 and g.seats > 0:
                x = m.NewIntVar(0, min(u.demand["pax"], g.seats * ub), f"pax[{ui},{bi}]")
                self.loads.setdefault((ui, bi), [None, None])[0] = x
                pax_terms.append(x)
                self._pax_of[ui].append(x)
                self._to_dest[(ui, r.destination)][0].append(x)
            classes = frozenset(c for c in CARGO if c in g.commodities and u.demand[c] > 0)
            if classes and g.acl > 0:
                tot = sum(u.demand[c] for c in classes)
                x = m.NewIntVar(0, min(tot, g.acl * ub), f"cargo[{ui},{bi}]")
                self.loads.setdefault((ui, bi), [None, None])[1] = x
                cargo_terms.append(x)
                self._cargo_of[ui].append((x, classes))
                self._to_dest[(ui, r.destination)][1].append(x)
        return pax_terms, cargo_terms

    def _add_events(self, b: _Bucket, g: Group, r: Routing, n: cp_model.IntVar) -> None:
        """Resources, where every start in [lo, hi] occupies them (inner: where any may)."""
        st = self.step
        spans = [(f"A:{gr.airfield}", gr.start, gr.end) for gr in r.ground]
        spans.append((f"F:{g.pool}", 0, r.cycle))
        for key, s0, s1 in spans:
            if self.inner:
                a, e = b.lo + s0, b.hi + s1  # possibly occupied during [a, e)
                q0, q1 = a // st, (e - 1) // st  # every period it touches
            else:
                # surely occupied during [a, e); counted at every minute (events keyed
                # by minute), so that overlaps shorter than a period are seen
                a, e = b.hi + s0, b.lo + s1
                q0, q1 = a, e - 1
            if q1 >= q0:
                self._events[key][q0].append((n, 1))
                self._events[key][q1 + 1].append((n, -1))

    def _add_crew_terms(self, b: _Bucket, g: Group, r: Routing, n: cp_model.IntVar) -> None:
        """Crew: the least minutes any start in the bucket flies in each day (inner: the
        most)."""
        days: dict[int, int] = {}
        for s in range(b.lo, b.hi + 1):
            per = r.day_minutes(s)
            if s == b.lo:
                days = dict(per)
            elif self.inner:
                days = {k: max(days.get(k, 0), per.get(k, 0)) for k in days.keys() | per.keys()}
            else:
                days = {k: min(v, per.get(k, 0)) for k, v in days.items()}
        for k, mins in days.items():
            if mins > 0:
                self._crew[(g.aircraft, k)].append((n, mins))

    def _add_delivery(self) -> None:
        """Delivery, classes (Hall's condition), destinations, beddown."""
        m, d = self.m, self.data
        self.short: dict[tuple[int, str], cp_model.IntVar] = {}
        self._dest: dict[tuple[int, str], cp_model.IntVar] = {}
        for u in d.units:
            ui = u.idx
            for com in ("pax", *CARGO):
                if u.demand[com] > 0:
                    self.short[(ui, com)] = m.NewIntVar(0, u.demand[com], f"short[{ui},{com}]")
            if u.demand["pax"] > 0:
                m.Add(sum(self._pax_of[ui]) + self.short[(ui, "pax")] == u.demand["pax"])
            present = [c for c in CARGO if u.demand[c] > 0]
            if present:
                cargo_of = self._cargo_of[ui]
                delivered = {c: u.demand[c] - self.short[(ui, c)] for c in present}
                m.Add(sum(x for x, _ in cargo_of) == sum(delivered.values()))
                for k in range(1, len(present)):
                    for sub in itertools.combinations(present, k):
                        m.Add(sum(x for x, cl in cargo_of if cl & set(sub)) >= sum(delivered[c] for c in sub))
            for dest in u.dests:
                z = self._dest[(ui, dest)] = m.NewBoolVar(f"dest[{ui},{dest}]")
                px, cg = self._to_dest.get((ui, dest), ([], []))
                if px:
                    m.Add(sum(px) <= u.demand["pax"] * z)
                if cg:
                    m.Add(sum(cg) <= sum(u.demand[c] for c in CARGO) * z)
            m.AddAtMostOne(self._dest[(ui, dest)] for dest in u.dests)
        for base, cap in d.capacity.items():
            terms = [u.unit.pax * self._dest[(u.idx, base)] for u in d.units
                     if (u.idx, base) in self._dest and u.unit.pax > 0]
            if terms:
                m.Add(sum(terms) <= cap)

    def _held_use(self) -> tuple[dict[str, list[tuple[int, int]]], dict[tuple[str, int], int]]:
        """What the held missions take: intervals per resource, crew minutes per day."""
        bg: dict[str, list[tuple[int, int]]] = defaultdict(list)
        crew_bg: dict[tuple[str, int], int] = defaultdict(int)
        for t, s0, r in self.held:
            for gr in r.ground:
                bg[f"A:{gr.airfield}"].append((s0 + gr.start, s0 + gr.end))
            bg[f"F:{t}"].append((s0, s0 + r.cycle))
            for k, mins in r.day_minutes(s0).items():
                crew_bg[(pool_type(t), k)] += mins
        return bg, crew_bg

    def _add_occupancy(self) -> None:
        """MOG and fleet on the sample grid: occupancy chains, two terms per bucket."""
        m, d, st = self.m, self.data, self.step
        n_fleet = sum(self._fleet_total.values())
        bg, self._crew_bg = self._held_use()
        for key, ev in self._events.items():
            kind, name = key.split(":", 1)
            if kind == "A":
                cap = d.mog.get(name, 0)
                if cap >= n_fleet:
                    continue

                def cap_at(_q: int, _c: int = cap) -> int:
                    return _c
            else:
                # withdrawals (SPEC 5.2) left out: more aircraft, still a bound
                steps = [x for x in d.fleet[name] if x[1] > 0]

                def cap_at(t: int, _s: list = steps) -> int:  # t: a minute (outer only)
                    return sum(c for a, c in _s if a <= t)
            occ_prev = None
            qs = sorted(ev)
            for j, q in enumerate(qs):
                occ = m.NewIntVar(0, n_fleet, f"occ[{key},{q}]")
                delta = sum(sign * v for v, sign in ev[q])
                m.Add(occ == (delta if occ_prev is None else occ_prev + delta))
                if self.inner:
                    # the held missions' most on the ground (or away) until the next event
                    # and the capacity at the period's first minute
                    x1 = qs[j + 1] * st if j + 1 < len(qs) else q * st + st
                    taken = _most_at_once(bg.get(key, []), q * st, x1)
                    if kind == "F":
                        m.Add(occ <= max(0, sum(c for a, c in steps if a <= q * st) - taken))
                    else:
                        m.Add(occ <= max(0, cap - taken))
                elif any(sign > 0 for _, sign in ev[q]):
                    m.Add(occ <= cap_at(q))
                occ_prev = occ

    def _add_type_counts(self) -> None:
        """The capacity rules once more per aircraft type, on the count of its missions.

        Rows the buckets' imply, but the whole count is an integer, which the buckets'
        own fractional counts hide from the linear relaxation (a B747 load of 364 is not
        4.53 missions): SCIP's rounding cuts and branching on it close the gap much
        faster (Baghdad's middle group with its bases fixed: 82 s against 237 s).
        Empty without ``type_counts``.
        """
        m = self.m
        for (t, seats, acl), (ns, pax, cargo) in self._per_type.items():
            total = m.NewIntVar(0, self._type_total[t] * len(ns), f"missions[{t}]")
            m.Add(total == sum(ns))
            if pax:
                m.Add(sum(pax) <= seats * total)
            if cargo:
                m.Add(sum(cargo) <= acl * total)
            if pax and cargo:
                m.Add(sum(pax) * acl + sum(cargo) * seats <= seats * acl * total)

    def _add_crew(self) -> None:
        """Crew hours per type and day."""
        d = self.data
        for (t, k), terms in self._crew.items():
            ute = d.scenario.aircraft_type(t).ute_hours
            avail = sum(c for a, c in d.crew[t] if c > 0 and a < 1440 * (k + 1))
            self.m.Add(sum(mins * n for n, mins in terms)
                       <= max(0, int(ute * 60 * avail) - self._crew_bg.get((t, k), 0)))

    def _add_goals(self) -> None:
        """The earlier goals' expressions and limits."""
        d, m = self.data, self.m
        self.undelivered = sum(
            u.weight * (100 if com == "pax" else 1) * self.short[(u.idx, com)]
            for u in d.units for com in ("pax", *CARGO) if (u.idx, com) in self.short
        )
        self.flying = sum(c * n for c, n in self.flight_terms)
        if "undelivered" in self.fixed:
            m.Add(self.undelivered <= self.fixed["undelivered"])
        if "flying_hours" in self.fixed:
            m.Add(self.flying <= self.fixed["flying_hours"])

    @property
    def stats(self) -> dict:
        p = self.m.Proto()
        return {"step_minutes": self.step, "buckets": len(self.buckets), "variables": len(p.variables),
                "constraints": len(p.constraints)}

    def solve(self, time_limit: float, *, minimize: str | None = None, workers: int = 8,
              deterministic: bool = False,
              stop: threading.Event | None = None) -> tuple[str, int | None]:
        """Check feasibility, or minimise ``minimize`` (``flying_hours`` or
        ``undelivered``). Returns (status, proven lower bound or None).

        ``deterministic``: one worker and ``time_limit`` in CP-SAT's deterministic
        time, so that a run repeats exactly.
        """
        if minimize is not None:
            self.m.Minimize(self.flying if minimize == "flying_hours" else self.undelivered)
        s = cpsat_solver(time_limit, deterministic=deterministic, workers=None if deterministic else workers)
        p = s.parameters
        # the LP with cuts proves the ramp/fleet/crew infeasibilities (0.2 s instead of
        # > 30 s on Baghdad's last wave at level 1)
        p.linearization_level = 2
        if stop is not None and stop.is_set():
            return "unknown", None
        st = solve_cpsat(s, self.m, stop)
        self.spent = s.deterministic_time if deterministic else s.wall_time
        name = s.StatusName(st).lower()
        if minimize is None or st == cp_model.INFEASIBLE:
            return name, None
        bnd = s.BestObjectiveBound()
        return name, (math.ceil(bnd - 1e-6) if math.isfinite(bnd) else None)


def _most_at_once(spans: list[tuple[int, int]], x0: int, x1: int) -> int:
    """The most of the intervals ``[a, e)`` that overlap at one minute of ``[x0, x1)``."""
    points = [x0] + [a for a, e in spans if x0 < a < x1]
    return max(sum(1 for a, e in spans if a <= x < e) for x in points)


def closure_bound(data: ModelData, fixed: dict[str, int], incumbent: int, lower: int, *,
                  time_limit: float = 30.0, step: int = STEP_MINUTES, workers: int = 8,
                  deterministic: bool = False, stop: threading.Event | None = None) -> RelaxResult:
    """The least closure (minutes) the relaxation allows, between ``lower`` (a bound
    already proven) and ``incumbent`` (a plan's closure).

    A search over feasibility checks: "no landing after ``T``" infeasible proves
    closure > ``T``. Checks below the relaxation's optimum are fast (the LP shows the
    infeasibility), checks above it may not finish (finding a solution is the hard part),
    so the search bisects the open range with a third of the time left per check; a check
    that does not prove infeasibility closes the range above it. The last check is
    ``incumbent - 1``: infeasible proves the incumbent optimal. The result is the best
    bound proven when time is up.
    """
    budget = Budget(time_limit, deterministic, stop)
    lo, hi = lower, incumbent  # closure ≥ lo proven; above hi nothing left to prove
    stats: dict = {"checks": []}
    while lo < hi:
        left = budget.left()
        if left <= 0.1:
            break
        probe, cap = (lo + hi - 1) // 2, left / 3
        if probe == hi - 1:
            cap = left
        rel = Relaxation(data, fixed, closure_limit=probe, step=step)
        stats.update(rel.stats)
        status, _ = rel.solve(cap, workers=workers, deterministic=deterministic, stop=stop)
        if budget.stopped():
            break
        stats["checks"].append((probe, status))
        budget.charge(rel.spent)
        if status == "infeasible":
            lo = probe + 1
        else:
            hi = probe
    return RelaxResult("closure", lo, incumbent if lo >= incumbent else None, budget.elapsed, step, stats,
                       budget.spent)
