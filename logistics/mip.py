"""A time-indexed MIP peer of the CP-SAT model, for benchmarks.

The same precomputed missions as the CP-SAT model (:func:`logistics.model.data.build_data`:
groups of (origin, aircraft type), each with its routings as *options*) are scheduled
on a time grid of ``step_minutes`` by a mixed-integer program solved with a MIP solver
that ships with OR-Tools (SCIP by default, through ``pywraplp``; CBC and HiGHS can be
named but do not take the MIP start), the NRMO/THRUPUT style an analyst with a MIP
solver would write.

Formulation
-----------
A *bucket* ``b = (group, option, period p)`` is a mission shape started at minute
``s_b = p x step``; only buckets that can carry some unit inside its window are built
(``s_b ≥ ready``, ``EAD ≤ s_b + arrive ≤ LAD``, ``≤ horizon``). Per base, only the
(arrival, payload) Pareto-optimal routings that carry at least a quarter of the best
one's payload are used (alternates via other stops and token-load direct flights are
left to the CP-SAT model).

Variables
    ``n[b]`` integer: missions started in the bucket; ``pax[u,b]`` integer and
    ``cargo[u,b] ≥ 0`` (short tons, all the classes the type takes): loads;
    ``short[u,c] ≥ 0``; ``dest[u,d]`` binary; ``occ`` (continuous) per resource and
    period; ``lands_from[k]`` and ``late_from[u,k]`` monotone binary chains for
    closure and lateness.

Constraints (SPEC section 3 rule in brackets)
    * delivery [1]: soldiers ``Σ_b pax + short = pax``; cargo by class on the chain of
      the fleet's class sets (bulk ⊂ bulk+oversize ⊂ all three): the cargo delivered
      equals ``Σ_b cargo``, and for every level, the classes a level cannot take ride
      on higher levels (exact for nested sets; classes are assigned greedily, most
      restricted first, when the plan is read back);
    * one base per unit, loads only there, beddown ``Σ pax x dest ≤ capacity`` [1, 11];
    * capacity per bucket [3, 4]: ``Σ pax / S' + Σ cargo / A' ≤ n[b]`` with
      ``S' = min(seats, ⌊payload / soldier weight⌋)`` and ``A' = min(ACL, payload)``
      when the routing's payload limits the load (``payload < max(seats x soldier
      weight, ACL)``), else seats and ACL. One linear row that implies seats, ACL,
      the mixed-load rule *and* the payload per mission, so a bucket's loads can
      always be split into ``n[b]`` valid missions (soldiers as evenly as whole numbers
      allow, cargo in proportion to the room left);
    * MOG per airfield [7] and fleet per type [8] per period: a ground (holding)
      interval ``[a, e)`` counts in every period it touches, ``⌊a/step⌋`` to
      ``⌈e/step⌉ - 1``: conservative, so the rule holds at every instant; the fleet of
      a period is what is available at its start; balance rows (occupancy = previous
      + entering - leaving), two non-zeros per interval; airfields with more parking
      than the whole fleet are left out;
    * crew per type and day [9]: exact (legs are fixed offsets from the start);
    * windows, speed, ground times, runways [2, 5, 6, 10]: by construction.

Objective
    A weighted sum of the scenario's goals in order with *safe* weights: ``W_last = 1``
    and ``W_k = 1 + Σ_{j>k} W_j x range_j``, ranges from the data (flying hours: the
    fewer of missions the fleet could fly x longest flight and the crew-hour cap;
    closure: the horizon; lateness: ``Σ weight x (LAD - RDD)``; undelivered: the force).
    One weighted soldier or short ton outweighs any lateness, one weighted late hour
    any closure, one hour of closure any flying hours. The MIP's closure and lateness
    are counted to the end of the grid period of the landing (never less than the
    plan's). Relative and absolute MIP gaps are 0.

    Measured (benchmarks/RESULTS.md): safe weights span 8-9 orders of magnitude from
    M size up, and SoPlex (SCIP's LP) does not finish the root LP of the 30-minute
    model within 30 s; GLOP declares it ABNORMAL. With tame, unsafe weights the same
    LP solves. This is the known cost of weighted lexicographic objectives.

MIP start
    :func:`_greedy_start` dispatches every unit on the MIP's own grid and counting
    (earliest-ready first, earliest-landing buckets, filling flown missions first), and
    the whole solution is given to SCIP as a hint, so the MIP always has an incumbent.

The plan's times are the grid's (start at ``p x step``, then the routing's exact
offsets); it passes :func:`logistics.verify.verify`. Its status is ``feasible`` even
when the MIP is proven optimal (optimal on its grid and conservative counting, not
for the scenario); the MIP's own status is in ``plan.solve.extra["mip_status"]``.
The grid doubles (up to :data:`MAX_STEP_MINUTES`) while the model has more than
``max_columns`` load and mission variables; beyond that the plan is ``unknown``.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from .model.convert import plan_from_dispatch
from .model.data import CARGO, Group, ModelData, build_data
from .model.dispatch import Dispatch
from .network import TONS_SCALE, Routing
from .plan import Plan, SolveInfo
from .scenario import Scenario

__all__ = ["MipModel", "build_mip", "solve_mip"]

#: default budget of mission and load variables; the grid coarsens (x2) until the model
#: fits (SCIP's root LP of a 30-minute M model, ~31k variables, already takes > 30 s)
MAX_COLUMNS = 100_000
#: coarsest grid tried before giving up
MAX_STEP_MINUTES = 240


@dataclass
class _Bucket:
    gi: int
    oi: int
    start: int  # minutes
    g: Group
    r: Routing
    units: list[int]
    level: int = 0  # rank of the type's cargo classes in the chain (higher carries more)
    res: list[tuple[str, int, int]] = field(default_factory=list)  # (resource, first period, end period)
    crew: dict[tuple[str, int], float] = field(default_factory=dict)  # (type, day) -> minutes
    n: object = None  # solver variable
    pax: dict[int, object] = field(default_factory=dict)  # unit -> var
    cargo: dict[int, object] = field(default_factory=dict)  # unit -> var (all classes aboard)
    seats: int = 0  # S'
    acl: float = 0.0  # A' (st)

    @property
    def arrive(self) -> int:
        return self.start + self.r.arrive


@dataclass
class MipModel:
    """The built MIP: solver, buckets and the variables needed to read a plan back."""

    data: ModelData
    solver: object
    step: int
    buckets: list[_Bucket]
    short: dict[tuple[int, str], object]
    dest: dict[tuple[int, str], object]
    classes: dict[int, tuple[str, ...]]  # level -> cargo classes a bucket of that level takes
    weights: dict[str, float]
    goal_terms: dict[str, list[tuple[object, float]]]
    build_seconds: float = 0.0
    stats: dict = field(default_factory=dict)
    occ: dict[str, list[tuple[int, object, bool]]] = field(default_factory=dict)  # key -> [(period, var, capped)]
    caps: dict[str, object] = field(default_factory=dict)  # key -> period -> capacity
    crew_cap: dict[tuple[str, int], float] = field(default_factory=dict)  # minutes
    lands_from: dict[int, object] = field(default_factory=dict)
    late_from: dict[tuple[int, int], object] = field(default_factory=dict)


def _unit_fits(data: ModelData, ui: int, r: Routing, start: int) -> bool:
    u = data.units[ui]
    if r.destination not in u.dests or start < u.ready:
        return False
    arr = start + r.arrive
    return u.ead <= arr <= u.lad and arr <= data.horizon


def _options(g: Group) -> list[int]:
    """The routings the MIP uses: per base, the (arrival, payload) Pareto front, without
    routings that carry less than a quarter of the best one's payload (a token-load
    direct flight is not worth a mission in an aggregate model)."""
    keep = []
    by_dest: dict[str, list[int]] = defaultdict(list)
    for oi, r in enumerate(g.options):
        by_dest[r.destination].append(oi)
    for ois in by_dest.values():
        best = max(g.options[oi].payload_stons for oi in ois)
        for oi in ois:
            r = g.options[oi]
            if r.payload_stons < 0.25 * best:
                continue
            dominated = any(
                (o.arrive <= r.arrive and o.payload_stons >= r.payload_stons)
                and (o.arrive < r.arrive or o.payload_stons > r.payload_stons or oj < oi)
                for oj in ois if oj != oi for o in [g.options[oj]]
            )
            if not dominated:
                keep.append(oi)
    return sorted(keep)


def _enumerate(data: ModelData, step: int) -> list[_Bucket]:
    out: list[_Bucket] = []
    for gi, g in enumerate(data.groups):
        for oi in _options(g):
            r = g.options[oi]
            lst = min(g.lst, data.horizon - r.arrive)
            units = [ui for ui in g.units if r.destination in data.units[ui].dests
                     and any(data.units[ui].demand[c] > 0 for c in g.commodities)]
            if not units:
                continue
            p0 = -(-g.est // step)
            for p in range(p0, lst // step + 1):
                s = p * step
                fit = [ui for ui in units if _unit_fits(data, ui, r, s)]
                if fit:
                    out.append(_Bucket(gi, oi, s, g, r, fit))
    return out


def _count_columns(data: ModelData, step: int) -> int:
    """Mission and load variables the model would have on a grid (without building it)."""
    n = 0
    for g in data.groups:
        for oi in _options(g):
            r = g.options[oi]
            lst = min(g.lst, data.horizon - r.arrive)
            p_lo, p_hi = -(-g.est // step), lst // step
            spans = []
            for ui in g.units:
                u = data.units[ui]
                if r.destination not in u.dests or not any(u.demand[c] > 0 for c in g.commodities):
                    continue
                lo = max(p_lo, -(-max(u.ready, u.ead - r.arrive) // step))
                hi = min(p_hi, (min(u.lad, data.horizon) - r.arrive) // step)
                if hi >= lo:
                    spans.append((lo, hi))
                    n += (hi - lo + 1) * (("pax" in g.commodities and u.demand["pax"] > 0)
                                          + any(c in g.commodities and u.demand[c] > 0 for c in CARGO))
            end = -1
            for lo, hi in sorted(spans):  # buckets: the union of the units' periods
                if hi > end:
                    n += hi - max(lo, end + 1) + 1
                    end = hi
    return n


def _columns(data: ModelData, buckets: list[_Bucket]) -> int:
    n = 0
    for b in buckets:
        n += 1
        for ui in b.units:
            d = data.units[ui].demand
            n += ("pax" in b.g.commodities and d["pax"] > 0) + any(
                c in b.g.commodities and d[c] > 0 for c in CARGO)
    return n


def _class_chain(data: ModelData) -> dict[tuple[str, ...], int] | None:
    """Cargo-class sets of the fleet's types ranked, when they nest (bulk ⊂ bulk+oversize
    ⊂ all three, as in the catalogue); ``None`` when they do not."""
    sets = sorted({tuple(c for c in CARGO if c in g.commodities) for g in data.groups} - {()}, key=len)
    for a, b in zip(sets, sets[1:], strict=False):
        if not set(a) <= set(b):
            return None
    return {s: i + 1 for i, s in enumerate(sets)}


def _effective_caps(data: ModelData, g: Group, r: Routing) -> tuple[int, float]:
    """(S', A'): seats and ACL of one linear capacity row that implies payload too."""
    w = data.scenario.pax_weight_stons
    S = g.seats
    A = g.acl / TONS_SCALE
    W = r.payload_stons
    if W + 1e-12 >= max(S * w, A):
        return S, A
    return min(S, math.floor(W / w + 1e-9)) if S else 0, min(A, W)


def _fleet_cap(steps: list[tuple[int, int]], minute: int) -> int:
    return sum(c for a, c in steps if a <= minute)


def _ranges(data: ModelData) -> dict[str, float]:
    """Largest value each goal can take (SPEC units)."""
    s = data.scenario
    H = data.horizon / 60.0
    fly = 0.0
    for t, steps in data.fleet.items():
        rs = [r for g in data.groups if g.aircraft == t for r in g.options]
        if not rs:
            continue
        min_cycle = max(1, min(r.cycle for r in rs))
        longest = max(r.flight_minutes for r in rs) / 60.0
        missions = sum(c * ((data.horizon - a) // min_cycle + 1) for a, c in steps if a <= data.horizon)
        # the daily crew-hour rule caps it too: UTE x aircraft, every day a mission may fly
        last_day = (data.horizon + max(r.cycle for r in rs)) // 1440
        ute = s.aircraft_type(t).ute_hours
        crew_cap = sum(ute * sum(c for a, c in steps if a < (k + 1) * 1440) for k in range(last_day + 1))
        fly += min(missions * longest, crew_cap)
    late = sum(u.weight * max(0.0, s.lad(u.unit) - s.rdd(u.unit)) for u in data.units)
    und = sum(u.weight * (u.unit.pax + u.unit.cargo_stons) for u in data.units)
    return {"undelivered": und, "lateness": late, "closure": H, "flying_hours": fly}


def _weights(goals: tuple[str, ...], ranges: dict[str, float]) -> dict[str, float]:
    w: dict[str, float] = {}
    acc = 0.0
    for gname in reversed(goals):
        w[gname] = 1.0 + acc
        acc += w[gname] * ranges[gname]
    return w


def build_mip(data: ModelData, step_minutes: int = 30, *, solver: str = "SCIP",
              max_columns: int = MAX_COLUMNS, deadline: float | None = None) -> MipModel | None:
    """Build the time-indexed MIP for preprocessed data.

    The grid coarsens (doubling ``step_minutes``, up to :data:`MAX_STEP_MINUTES`) until
    the model has at most ``max_columns`` load and mission variables. Returns ``None``
    when it never fits, or when ``deadline`` (a ``time.perf_counter()`` value) passes
    while building.
    """
    from ortools.linear_solver import pywraplp

    t0 = time.perf_counter()
    step = int(step_minutes)
    while _count_columns(data, step) > max_columns:
        if step * 2 > MAX_STEP_MINUTES:
            return None
        step *= 2
    buckets = _enumerate(data, step)
    chain = _class_chain(data)
    if chain is None:  # pragma: no cover - the catalogue's types nest
        raise ValueError("the MIP peer needs the fleet's cargo classes to nest (each type carrying a prefix of bulk < oversize < outsize); this fleet's do not")
    classes = {lvl: cs for cs, lvl in chain.items()}
    m = pywraplp.Solver.CreateSolver(solver)
    if m is None:
        raise RuntimeError(f"MIP solver {solver!r} is not available in this OR-Tools build")
    inf = m.infinity()
    s = data.scenario
    goals = tuple(data.goals)
    H = data.horizon

    # ---- units: shortfall, destination
    short: dict[tuple[int, str], object] = {}
    dest: dict[tuple[int, str], object] = {}
    for u in data.units:
        for c in ("pax", *CARGO):
            dem = u.unit.amount(c)
            if dem > 0:
                short[(u.idx, c)] = m.NumVar(0.0, dem, f"short[{u.unit.id},{c}]")
        if any(u.demand[c] > 0 for c in ("pax", *CARGO)):
            for d in u.dests:
                dest[(u.idx, d)] = m.BoolVar(f"dest[{u.unit.id},{d}]")
            m.Add(m.Sum([dest[(u.idx, d)] for d in u.dests]) <= 1)

    # ---- buckets
    fleet_total = {t: sum(c for _, c in steps) for t, steps in data.fleet.items()}
    pax_in: dict[int, list] = defaultdict(list)
    cargo_in: dict[tuple[int, int], list] = defaultdict(list)  # (unit, level) -> vars
    to_dest: dict[tuple[int, str], list[tuple[object, float]]] = defaultdict(list)
    res_events: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    crew: dict[tuple[str, int], dict] = defaultdict(lambda: defaultdict(float))
    arrivals: dict[int, list] = defaultdict(list)  # arrival period -> n vars
    unit_arrivals: dict[tuple[int, int], list] = defaultdict(list)  # (unit, period) -> (var, 1/demand)
    for b in buckets:
        g, r = b.g, b.r
        ub = min(fleet_total[g.aircraft], data.mog.get(g.origin, fleet_total[g.aircraft]))
        tag = f"{g.name},{r.label},{b.start}"
        b.n = m.IntVar(0.0, float(ub), f"n[{tag}]")
        b.seats, b.acl = _effective_caps(data, g, r)
        b.level = chain.get(tuple(c for c in CARGO if c in g.commodities), 0)
        row = m.Constraint(-inf, 0.0)
        row.SetCoefficient(b.n, -1.0)
        kp = (b.arrive - 1) // step  # period of the landing (a landing at a boundary counts before it)
        arrivals[kp].append(b.n)
        for ui in b.units:
            u = data.units[ui]
            if "pax" in g.commodities and u.demand["pax"] > 0 and b.seats > 0:
                x = m.IntVar(0.0, float(min(u.unit.pax, b.seats * ub)), f"x[{u.unit.id},pax,{tag}]")
                b.pax[ui] = x
                row.SetCoefficient(x, 1.0 / b.seats)
                pax_in[ui].append(x)
                to_dest[(ui, r.destination)].append((x, 1.0 / u.unit.pax))
                unit_arrivals[(ui, kp)].append((x, 1.0 / u.unit.pax))
            cg = sum(u.unit.amount(c) for c in CARGO if c in g.commodities)
            if cg > 0 and b.acl > 0:
                x = m.NumVar(0.0, cg, f"x[{u.unit.id},cargo,{tag}]")
                b.cargo[ui] = x
                row.SetCoefficient(x, 1.0 / b.acl)
                cargo_in[(ui, b.level)].append(x)
                tot = u.unit.cargo_stons
                to_dest[(ui, r.destination)].append((x, 1.0 / tot))
                unit_arrivals[(ui, kp)].append((x, 1.0 / tot))
        # resources: origin onload and every ground period, the aircraft holding
        spans = [("A:" + gr.airfield, b.start + gr.start, b.start + gr.end) for gr in r.ground]
        spans.append(("F:" + g.aircraft, b.start, b.start + r.cycle))
        for key, a, e in spans:
            if e > a:
                k0, k1 = a // step, -(-e // step)
                res_events[key][k0].append((b.n, 1))
                res_events[key][k1].append((b.n, -1))
                b.res.append((key, k0, k1))
        for lg in r.legs:
            a, e = b.start + lg.depart, b.start + lg.arrive
            for k in range(a // 1440, (e - 1) // 1440 + 1):
                part = min(e, (k + 1) * 1440) - max(a, k * 1440)
                if part > 0:
                    crew[(g.aircraft, k)][b.n] += float(part)
                    b.crew[(g.aircraft, k)] = b.crew.get((g.aircraft, k), 0.0) + part
        if deadline is not None and time.perf_counter() > deadline:
            return None

    # ---- delivery: soldiers; cargo by class on a chain of class sets (outsize only on
    # the types that take everything, oversize on those and the next ...): exact for
    # nested sets, and the classes are assigned greedily when the plan is read back
    for u in data.units:
        ui = u.idx
        if (ui, "pax") in short:
            m.Add(m.Sum(pax_in.get(ui, [])) + short[(ui, "pax")] == u.unit.pax)
        present = [c for c in CARGO if (ui, c) in short]
        if not present:
            continue
        delivered = {c: u.unit.amount(c) - short[(ui, c)] for c in present}
        levels = sorted({lvl for (uu, lvl) in cargo_in if uu == ui})
        total = m.Sum([x for lvl in levels for x in cargo_in[(ui, lvl)]])
        m.Add(total == m.Sum(list(delivered.values())))
        for lvl in sorted(classes):
            # classes a bucket of this level or below cannot take need higher levels
            higher = [x for lv in levels if lv > lvl for x in cargo_in[(ui, lv)]]
            need = [delivered[c] for c in present if c not in classes[lvl]]
            if need:
                m.Add(m.Sum(higher) >= m.Sum(need))
        for c in present:
            if not any(c in classes[lv] for lv in levels):
                m.Add(short[(ui, c)] == u.unit.amount(c))
    # loads only to the unit's base (Σ share ≤ commodities x dest), beddown
    for (ui, d), xs in to_dest.items():
        ct = m.Constraint(-inf, 0.0)
        for x, coef in xs:
            ct.SetCoefficient(x, coef)
        ct.SetCoefficient(dest[(ui, d)], -2.0)
    for base, cap in data.capacity.items():
        terms = [data.units[ui].unit.pax * z for (ui, d), z in dest.items() if d == base and data.units[ui].unit.pax > 0]
        if terms:
            m.Add(m.Sum(terms) <= cap)

    # ---- MOG and fleet: balance rows over the periods where something enters or leaves
    fleet_all = sum(fleet_total.values())
    occ_vars: dict[str, list[tuple[int, object, bool]]] = {}
    caps: dict[str, object] = {}
    for key, events in res_events.items():
        kind, name = key.split(":", 1)
        if kind == "A":
            mog = data.mog.get(name, 0)
            if mog >= fleet_all:
                continue  # more parking than aircraft: the rule cannot bind

            def cap_at(_k: int, _m: int = mog) -> int:
                return _m
        else:
            steps = data.fleet[name]

            def cap_at(k: int, _st: list = steps) -> int:
                return _fleet_cap(_st, k * step)
        prev = None
        chain_vars = occ_vars[key] = []
        caps[key] = cap_at
        for k in sorted(events):
            ev = events[k]
            enters = any(sign > 0 for _, sign in ev)
            occ = m.NumVar(0.0, inf, f"occ[{key},{k}]")
            expr = [sign * v for v, sign in ev]
            m.Add(occ == (m.Sum(expr) if prev is None else prev + m.Sum(expr)))
            if enters:
                m.Add(occ <= cap_at(k))
            chain_vars.append((k, occ, enters))
            prev = occ

    # ---- crew hours per type and day (exact)
    crew_cap: dict[tuple[str, int], float] = {}
    for (t, k), coef in crew.items():
        ute = s.aircraft_type(t).ute_hours
        avail = sum(c for a, c in data.fleet[t] if a < (k + 1) * 1440)
        crew_cap[(t, k)] = ute * 60.0 * avail
        ct = m.Constraint(-inf, ute * 60.0 * avail)
        for v, mins in coef.items():
            ct.SetCoefficient(v, mins)

    # ---- goals
    ranges = _ranges(data)
    weights = _weights(goals, ranges)
    terms: dict[str, list[tuple[object, float]]] = {gname: [] for gname in goals}
    if "undelivered" in terms:
        for (ui, _c), sh in short.items():
            terms["undelivered"].append((sh, float(data.units[ui].weight)))
    if "flying_hours" in terms:
        for b in buckets:
            terms["flying_hours"].append((b.n, b.r.flight_minutes / 60.0))
    lands_from: dict[int, object] = {}
    late_from: dict[tuple[int, int], object] = {}
    if "closure" in terms and arrivals:
        # closure (to the end of the grid period of the last landing) by a monotone chain
        # of binaries e[k] = "something lands in period k or later"
        kmin, kmax = min(arrivals), max(arrivals)
        e_prev = None
        big = float(sum(fleet_total.values()))
        for k in range(kmin, kmax + 1):
            e = lands_from[k] = m.BoolVar(f"lands_from[{k}]")
            if e_prev is not None:
                m.Add(e_prev >= e)
            if arrivals.get(k):
                m.Add(m.Sum(arrivals[k]) <= big * e)
            end = min(H, (k + 1) * step) / 60.0
            start = (kmin * step / 60.0) if k == kmin else min(H, k * step) / 60.0
            terms["closure"].append((e, end - start if k > kmin else end))
            e_prev = e
    if "lateness" in terms:
        by_unit: dict[int, dict[int, list]] = defaultdict(dict)
        for (ui, k), xs in unit_arrivals.items():
            by_unit[ui][k] = xs
        for ui, per in by_unit.items():
            u = data.units[ui]
            late_periods = sorted(k for k in per if (k + 1) * step > u.rdd)
            if not late_periods:
                continue
            k0, k1 = late_periods[0], late_periods[-1]
            f_prev = None
            ncom = 2.0  # soldiers and cargo shares, each ≤ 1
            for k in range(k0, k1 + 1):
                f = late_from[(ui, k)] = m.BoolVar(f"late_from[{u.unit.id},{k}]")
                if f_prev is not None:
                    m.Add(f_prev >= f)
                if k in per:
                    ct = m.Constraint(-inf, 0.0)
                    for x, coef in per[k]:
                        ct.SetCoefficient(x, ct.GetCoefficient(x) + coef)
                    ct.SetCoefficient(f, -ncom)
                hi = min(H, (k + 1) * step)
                lo = max(u.rdd, k * step)
                terms["lateness"].append((f, float(u.weight) * max(0, hi - lo) / 60.0))
                f_prev = f
    obj = m.Objective()
    for gname, lst in terms.items():
        for v, coef in lst:
            obj.SetCoefficient(v, obj.GetCoefficient(v) + weights[gname] * coef)
    obj.SetMinimization()
    stats = {"step_minutes": step, "buckets": len(buckets), "variables": m.NumVariables(),
             "constraints": m.NumConstraints(), "weights": weights, "ranges": ranges}
    return MipModel(data=data, solver=m, step=step, buckets=buckets, short=short, dest=dest,
                    classes=classes, weights=weights, goal_terms=terms,
                    build_seconds=time.perf_counter() - t0, stats=stats, occ=occ_vars, caps=caps,
                    crew_cap=crew_cap, lands_from=lands_from, late_from=late_from)


def _greedy_start(mm: MipModel) -> tuple[list, list[float], dict]:
    """A feasible solution of the MIP built by dispatching on its own grid.

    Units in order of readiness (then priority); each to the allowed base whose
    earliest bucket lands first (with beddown room); its loads into the buckets that
    land earliest, filling missions already flown before adding one, and adding one
    only where every period of its fleet holding and ramp use, and its crew day, has
    room under the MIP's own (conservative) counting. What cannot be placed is short.
    Returns the variables, their values (every variable of the model) and a summary.
    """
    data = mm.data
    occ: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    crew_used: dict[tuple[str, int], float] = defaultdict(float)
    n: dict[int, int] = defaultdict(int)
    used: dict[int, float] = defaultdict(float)  # capacity row use per bucket
    pax_l: dict[tuple[int, int], int] = {}
    cargo_l: dict[tuple[int, int], float] = {}
    delivered: dict[tuple[int, str], float] = defaultdict(float)
    last_k: dict[int, int] = {}
    chosen: dict[int, str] = {}
    room = dict(data.capacity)
    by_unit: dict[int, list[int]] = defaultdict(list)
    for bi, b in enumerate(mm.buckets):
        for ui in b.units:
            by_unit[ui].append(bi)
    rank = {c: min((lvl for lvl, cs in mm.classes.items() if c in cs), default=math.inf) for c in CARGO}

    def can_add(b: _Bucket) -> bool:
        for key, k0, k1 in b.res:
            cap = mm.caps.get(key)
            if cap is None:
                continue
            o = occ[key]
            if any(o[k] + 1 > cap(k) for k in range(k0, k1)):
                return False
        return all(crew_used[key] + mins <= mm.crew_cap.get(key, math.inf) + 1e-6 for key, mins in b.crew.items())

    def add(bi: int, b: _Bucket) -> None:
        n[bi] += 1
        for key, k0, k1 in b.res:
            if key in mm.caps:
                for k in range(k0, k1):
                    occ[key][k] += 1
        for key, mins in b.crew.items():
            crew_used[key] += mins

    order = sorted(data.units, key=lambda u: (u.ready, u.unit.priority, u.idx))
    for u in order:
        ui = u.idx
        rem = {c: u.unit.amount(c) for c in ("pax", *CARGO) if (ui, c) in mm.short}
        if not rem or not by_unit.get(ui):
            continue
        dests = [d for d in u.dests if room.get(d, 10**9) >= u.unit.pax]
        first = {}
        for bi in by_unit[ui]:
            d = mm.buckets[bi].r.destination
            if d in dests:
                first[d] = min(first.get(d, math.inf), mm.buckets[bi].arrive)
        for d in sorted(first, key=lambda d: first[d]):
            cand = sorted((bi for bi in by_unit[ui] if mm.buckets[bi].r.destination == d),
                          key=lambda bi: (mm.buckets[bi].arrive, -mm.buckets[bi].acl, -mm.buckets[bi].seats))
            loaded = False
            for bi in cand:
                b = mm.buckets[bi]
                while any(v > 1e-9 for v in rem.values()):
                    takes_cargo = b.acl > 0 and ui in {uu for uu in b.cargo} and any(
                        rem.get(c, 0) > 1e-9 and c in mm.classes.get(b.level, ()) for c in CARGO)
                    takes_pax = b.seats > 0 and ui in b.pax and rem.get("pax", 0) > 0
                    if not (takes_cargo or takes_pax):
                        break
                    if n[bi] - used[bi] < 1e-9 or (
                            not takes_cargo and (n[bi] - used[bi]) * b.seats < 1 - 1e-9):
                        if not can_add(b):
                            break
                        add(bi, b)
                    slack = n[bi] - used[bi]
                    got = False
                    if takes_cargo:
                        for c in sorted(CARGO, key=lambda c: -rank[c]):
                            if c not in mm.classes.get(b.level, ()) or rem.get(c, 0) <= 1e-9:
                                continue
                            q = min(rem[c], slack * b.acl)
                            if q > 1e-9:
                                cargo_l[(ui, bi)] = cargo_l.get((ui, bi), 0.0) + q
                                delivered[(ui, c)] += q
                                rem[c] -= q
                                slack -= q / b.acl
                                used[bi] += q / b.acl
                                got = True
                    if takes_pax and slack > 0:
                        p = min(rem["pax"], math.floor(slack * b.seats + 1e-9))
                        if p > 0:
                            pax_l[(ui, bi)] = pax_l.get((ui, bi), 0) + p
                            delivered[(ui, "pax")] += p
                            rem["pax"] -= p
                            used[bi] += p / b.seats
                            got = True
                    if got:
                        loaded = True
                        last_k[ui] = max(last_k.get(ui, -1), (b.arrive - 1) // mm.step)
                    else:
                        break
                if not any(v > 1e-9 for v in rem.values()):
                    break
            if loaded:
                chosen[ui] = d
                if d in room:
                    room[d] -= u.unit.pax
                break
    # every variable's value
    vals: dict[object, float] = {}
    for bi, b in enumerate(mm.buckets):
        vals[b.n] = float(n.get(bi, 0))
        for ui, x in b.pax.items():
            vals[x] = float(pax_l.get((ui, bi), 0))
        for ui, x in b.cargo.items():
            vals[x] = cargo_l.get((ui, bi), 0.0)
    for (ui, c), x in mm.short.items():
        vals[x] = max(0.0, data.units[ui].unit.amount(c) - delivered.get((ui, c), 0.0))
    for (ui, d), x in mm.dest.items():
        vals[x] = float(chosen.get(ui) == d)
    for key, chain in mm.occ.items():
        for k, var, _capped in chain:
            vals[var] = float(occ[key][k]) if key in occ else 0.0
    top = max(((b.arrive - 1) // mm.step for bi, b in enumerate(mm.buckets) if n.get(bi)), default=-1)
    for k, e in mm.lands_from.items():
        vals[e] = float(k <= top)
    for (ui, k), f in mm.late_from.items():
        vals[f] = float(k <= last_k.get(ui, -1))
    summary = {"missions": sum(n.values()),
               "undelivered": sum(data.units[ui].weight * vals[x] for (ui, _c), x in mm.short.items())}
    return list(vals), list(vals.values()), summary


def _split(b: _Bucket, n: int, pax: dict[int, int], cargo: dict[tuple[int, str], float]
           ) -> list[dict[int, dict[str, float]]]:
    """Loads of ``n`` missions from a bucket's totals (pax whole, cargo in tons)."""
    P = sum(pax.values())
    q, k = divmod(P, n)
    per = [q + 1 if j < k else q for j in range(n)]
    out: list[dict[int, dict[str, float]]] = [{} for _ in range(n)]
    j, room = 0, per[0] if n else 0
    for ui in sorted(pax):
        left = pax[ui]
        while left > 0 and j < n:
            take = min(left, room)
            if take > 0:
                out[j].setdefault(ui, {})["pax"] = out[j].get(ui, {}).get("pax", 0) + take
                left -= take
                room -= take
            if room == 0:
                j += 1
                room = per[j] if j < n else 0
    # cargo: in proportion to the room each mission has left under S'/A'
    rooms = [b.acl * (1.0 - (per[j] / b.seats if b.seats else 0.0)) for j in range(n)]
    tot = sum(rooms)
    for (ui, c), q_ in cargo.items():
        if q_ <= 0 or tot <= 0:
            continue
        for j in range(n):
            part = q_ * rooms[j] / tot
            if part > 0:
                out[j].setdefault(ui, {})[c] = out[j].get(ui, {}).get(c, 0.0) + part
    return out


def _read_loads(mm: MipModel, value: Callable[[object], float] | None = None
                ) -> list[tuple[_Bucket, int, dict[int, int], dict[tuple[int, str], float]]]:
    """Per used bucket: missions, soldiers per unit, cargo per (unit, class).

    Cargo was modelled per unit and class set; the classes are assigned greedily, the
    most restricted class first (outsize, then oversize, then bulk), each into the
    buckets of the lowest level that takes it, then upwards: feasible whenever the
    chain constraints hold.
    """
    data = mm.data
    val = value or (lambda v: v.solution_value())
    used = []
    for b in mm.buckets:
        n = int(round(val(b.n)))
        if n > 0:
            used.append((b, n))
    # cargo per unit per bucket (solver values, clipped to the capacity row)
    cargo_val: dict[int, list[tuple[_Bucket, float]]] = defaultdict(list)
    pax_val: dict[int, dict[int, int]] = {}
    for b, n in used:
        pax = {ui: int(round(val(x))) for ui, x in b.pax.items()}
        pax = {ui: q for ui, q in pax.items() if q > 0}
        pax_val[id(b)] = pax
        cg = {ui: max(0.0, val(x)) for ui, x in b.cargo.items()}
        cg = {ui: q for ui, q in cg.items() if q > 1e-9}
        room = (n - (sum(pax.values()) / b.seats if b.seats else 0.0)) * b.acl
        tot = sum(cg.values())
        scale = min(1.0, room / tot) if tot > 0 else 1.0
        for ui, q in cg.items():
            cargo_val[ui].append((b, q * scale))
    classes = mm.classes
    rank = {c: min((lvl for lvl, cs in classes.items() if c in cs), default=math.inf) for c in CARGO}
    cargo_out: dict[int, dict[tuple[int, str], float]] = defaultdict(dict)
    for ui, lst in cargo_val.items():
        u = data.units[ui].unit
        left = {id(b): q for b, q in lst}
        for c in sorted(CARGO, key=lambda c: -rank[c]):
            short = mm.short.get((ui, c))
            want = u.amount(c) - (val(short) if short is not None else 0.0)
            want = min(u.amount(c), max(0.0, want))
            for b, _q in sorted(lst, key=lambda bq: bq[0].level):
                if want <= 1e-12:
                    break
                if c not in classes.get(b.level, ()):
                    continue
                take = min(want, left[id(b)])
                if take > 1e-12:
                    cargo_out[id(b)][(ui, c)] = cargo_out[id(b)].get((ui, c), 0.0) + take
                    left[id(b)] -= take
                    want -= take
    return [(b, n, pax_val[id(b)], cargo_out.get(id(b), {})) for b, n in used]


def solve_mip(scenario: Scenario, time_limit: float = 60.0, step_minutes: int = 30, *,
              solver: str = "SCIP", max_columns: int = MAX_COLUMNS, warm_start: bool = True,
              log: bool = False) -> Plan:
    """Solve a scenario with the time-indexed MIP peer and return a verified plan.

    Parameters
    ----------
    scenario
        A validated scenario.
    time_limit
        Wall-clock seconds for everything (preprocessing, building and solving).
    step_minutes
        Grid of mission starts; coarsened when the model would exceed
        ``max_columns`` variables.
    solver
        ``SCIP`` (default), ``CBC`` or ``HIGHS`` (through ``pywraplp``).
    warm_start
        Hint the MIP with a schedule dispatched greedily on its own grid (a MIP start).
    log
        Print the MIP solver's log.

    Returns
    -------
    Plan
        ``feasible`` with the MIP's best solution, or ``unknown`` with no missions when
        the model could not be built or solved in time (the reason is in
        ``plan.solve.extra["mip_status"]``).
    """
    from ortools.linear_solver import pywraplp

    t0 = time.perf_counter()
    deadline = t0 + time_limit
    data = build_data(scenario)
    mm = build_mip(data, step_minutes, solver=solver, max_columns=max_columns, deadline=deadline)
    label = f"mip-{solver.lower()} (time-indexed)"
    if mm is None:
        reason = "model too large for the grid budget" if time.perf_counter() < deadline else \
            "time limit reached while building the model"
        info = SolveInfo(solver=label, seconds=time.perf_counter() - t0, goals=list(scenario.objective),
                         extra={"mip_status": reason, "step_minutes": None})
        return Plan.from_missions(scenario, [], status="unknown", solve=info)
    m = mm.solver
    if log:
        m.EnableOutput()
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(params.RELATIVE_MIP_GAP, 0.0)
    if solver.upper() == "SCIP":
        m.SetSolverSpecificParametersAsString("limits/absgap = 0\nlimits/gap = 0\n")
    ts = time.perf_counter()
    start_s = 0.0
    start_values: dict[object, float] | None = None
    if warm_start:
        # MIP start: a feasible schedule dispatched on the MIP's own grid (what a
        # practitioner gives branch and bound before it has an incumbent of its own)
        hv, hx, hs = _greedy_start(mm)
        start_values = dict(zip(hv, hx, strict=True))
        m.SetHint(hv, hx)
        start_s = time.perf_counter() - ts
        mm.stats["start"] = hs
    m.SetTimeLimit(max(1, int((deadline - time.perf_counter()) * 1000)))
    st = m.Solve(params)
    solve_s = time.perf_counter() - ts
    names = {pywraplp.Solver.OPTIMAL: "optimal", pywraplp.Solver.FEASIBLE: "feasible",
             pywraplp.Solver.INFEASIBLE: "infeasible", pywraplp.Solver.NOT_SOLVED: "not solved",
             pywraplp.Solver.UNBOUNDED: "unbounded", pywraplp.Solver.ABNORMAL: "abnormal"}
    mip_status = names.get(st, str(st))
    extra = {"mip_status": mip_status, "step_minutes": mm.step, "build_seconds": round(mm.build_seconds, 3),
             "solve_seconds": round(solve_s, 3), "warm_start_seconds": round(start_s, 3), **{k: v for k, v in mm.stats.items() if k != "step_minutes"}}
    solved = st in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE)
    if not solved and start_values is None:
        info = SolveInfo(solver=label, seconds=time.perf_counter() - t0, goals=list(scenario.objective),
                         extra=extra)
        return Plan.from_missions(scenario, [], status="unknown" if st != pywraplp.Solver.INFEASIBLE else "infeasible",
                                  solve=info)
    if solved:
        extra["weighted_objective"] = m.Objective().Value()
        extra["weighted_bound"] = m.Objective().BestBound()
        plan_loads = _read_loads(mm)
    else:
        # the solver stopped before it read its start: the start is the incumbent
        extra["mip_status"] += " (the MIP start is the plan)"
        plan_loads = _read_loads(mm, start_values.__getitem__)
    dispatch: list[Dispatch] = []
    for b, n, pax, cargo in plan_loads:
        for ld in _split(b, n, pax, cargo):
            if not ld:
                continue  # an empty mission is not flown
            loads = {ui: {c: (q if c == "pax" else q * TONS_SCALE) for c, q in d.items()} for ui, d in ld.items()}
            dispatch.append(Dispatch(b.gi, b.oi, b.start, loads))
    info = SolveInfo(solver=label, seconds=0.0, goals=list(scenario.objective), extra=extra)
    plan = plan_from_dispatch(data, dispatch, status="feasible", info=info)
    plan.solve.objective = plan.objective_values(scenario)
    plan.solve.seconds = time.perf_counter() - t0
    return plan
