"""The time-indexed MIP of the MIP peer (:mod:`logistics.peers.mip`): grid, buckets, rows.

The same precomputed missions as the CP-SAT model (:func:`logistics.model.data.build_data`:
groups of (origin, aircraft type), each with its routings as *options*) are scheduled
on a time grid of ``step_minutes`` by a mixed-integer program, the NRMO/THRUPUT style
an analyst with a MIP solver would write.

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

    Measured (benchmarks/SCALING.md): safe weights span 8-9 orders of magnitude from
    M size up, and SoPlex (SCIP's LP) does not finish the root LP of the 30-minute
    model within 30 s; GLOP declares it ABNORMAL. With tame, unsafe weights the same
    LP solves. This is the known cost of weighted lexicographic objectives.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..model.data import Group, ModelData, count_at
from ..network import Routing
from ..units import CARGO, TONS_SCALE

__all__ = ["MAX_COLUMNS", "MAX_STEP_MINUTES", "MipModel", "build_mip"]

#: default budget of mission and load variables; the grid coarsens (x2) until the model
#: fits (SCIP's root LP of a 30-minute M model, ~31k variables, already takes > 30 s)
MAX_COLUMNS = 100_000
#: coarsest grid tried before giving up
MAX_STEP_MINUTES = 240


@dataclass
class Bucket:
    """A mission shape (group, routing) started at a grid point, with its variables."""

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
    buckets: list[Bucket]
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
    if r.destination not in u.dests or start + r.lead < u.ready:  # the onload starts ``lead`` after leaving home
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


def _enumerate(data: ModelData, step: int) -> list[Bucket]:
    out: list[Bucket] = []
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
                    out.append(Bucket(gi, oi, s, g, r, fit))
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
                lo = max(p_lo, -(-max(u.ready - r.lead, u.ead - r.arrive) // step))
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


def _columns(data: ModelData, buckets: list[Bucket]) -> int:
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


def _ranges(data: ModelData) -> dict[str, float]:
    """Largest value each goal can take (SPEC units)."""
    s = data.scenario
    H = data.horizon / 60.0
    fly = 0.0
    for t, steps in data.crew.items():
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


@dataclass
class _Rows:
    """What the buckets' variables feed into the model's rows (collected while building)."""

    fleet_total: dict[str, int]  # aircraft type -> every aircraft of the type
    pax_in: dict[int, list] = field(default_factory=lambda: defaultdict(list))  # unit -> vars
    cargo_in: dict[tuple[int, int], list] = field(default_factory=lambda: defaultdict(list))  # (unit, level) -> vars
    to_dest: dict[tuple[int, str], list[tuple[object, float]]] = field(default_factory=lambda: defaultdict(list))
    res_events: dict[str, dict[int, list]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list)))  # resource -> period -> (n, ±1)
    crew: dict[tuple[str, int], dict] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(float)))  # (type, day) -> n -> minutes
    arrivals: dict[int, list] = field(default_factory=lambda: defaultdict(list))  # arrival period -> n vars
    unit_arrivals: dict[tuple[int, int], list] = field(
        default_factory=lambda: defaultdict(list))  # (unit, period) -> (var, 1/demand)


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
    step = _grid_step(data, int(step_minutes), max_columns)
    if step is None:
        return None
    buckets = _enumerate(data, step)
    chain = _class_chain(data)
    if chain is None:  # pragma: no cover - the catalogue's types nest
        raise ValueError("the MIP peer needs the fleet's cargo classes to nest (each type carrying a prefix of bulk < oversize < outsize); this fleet's do not")
    classes = {lvl: cs for cs, lvl in chain.items()}
    m = pywraplp.Solver.CreateSolver(solver)
    if m is None:
        raise RuntimeError(f"MIP solver {solver!r} is not available in this OR-Tools build")
    goals = tuple(data.goals)
    short, dest = _unit_vars(m, data)
    rows = _bucket_vars(m, data, buckets, chain, step, deadline)
    if rows is None:
        return None
    _delivery_rows(m, data, rows, short, dest, classes)
    occ_vars, caps = _resource_rows(m, data, rows, step)
    crew_cap = _crew_rows(m, data, rows)
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
    if "closure" in terms and rows.arrivals:
        lands_from = _closure_chain(m, data, rows, step, terms["closure"])
    if "lateness" in terms:
        late_from = _lateness_chain(m, data, rows, step, terms["lateness"])
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


def _grid_step(data: ModelData, step: int, max_columns: int) -> int | None:
    """The finest grid from ``step`` (doubling) with at most ``max_columns`` variables."""
    while _count_columns(data, step) > max_columns:
        if step * 2 > MAX_STEP_MINUTES:
            return None
        step *= 2
    return step


def _unit_vars(m: Any, data: ModelData) -> tuple[dict[tuple[int, str], object], dict[tuple[int, str], object]]:
    """Per unit: the shortfall of each commodity, and one base at most."""
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
    return short, dest


def _bucket_vars(m: Any, data: ModelData, buckets: list[Bucket], chain: dict[tuple[str, ...], int],
                 step: int, deadline: float | None) -> _Rows | None:
    """Per bucket: missions, loads and the capacity row; what feeds the other rows.
    ``None`` when ``deadline`` passes."""
    inf = m.infinity()
    rows = _Rows(fleet_total={t: sum(c for _, c in steps) for t, steps in data.fleet.items()})
    for b in buckets:
        g, r = b.g, b.r
        ub = min(rows.fleet_total[g.pool], data.mog.get(g.origin, rows.fleet_total[g.pool]))
        tag = f"{g.name},{r.label},{b.start}"
        b.n = m.IntVar(0.0, float(ub), f"n[{tag}]")
        b.seats, b.acl = _effective_caps(data, g, r)
        b.level = chain.get(tuple(c for c in CARGO if c in g.commodities), 0)
        row = m.Constraint(-inf, 0.0)
        row.SetCoefficient(b.n, -1.0)
        kp = (b.arrive - 1) // step  # period of the landing (a landing at a boundary counts before it)
        rows.arrivals[kp].append(b.n)
        for ui in b.units:
            u = data.units[ui]
            if "pax" in g.commodities and u.demand["pax"] > 0 and b.seats > 0:
                x = m.IntVar(0.0, float(min(u.unit.pax, b.seats * ub)), f"x[{u.unit.id},pax,{tag}]")
                b.pax[ui] = x
                row.SetCoefficient(x, 1.0 / b.seats)
                rows.pax_in[ui].append(x)
                rows.to_dest[(ui, r.destination)].append((x, 1.0 / u.unit.pax))
                rows.unit_arrivals[(ui, kp)].append((x, 1.0 / u.unit.pax))
            cg = sum(u.unit.amount(c) for c in CARGO if c in g.commodities)
            if cg > 0 and b.acl > 0:
                x = m.NumVar(0.0, cg, f"x[{u.unit.id},cargo,{tag}]")
                b.cargo[ui] = x
                row.SetCoefficient(x, 1.0 / b.acl)
                rows.cargo_in[(ui, b.level)].append(x)
                tot = u.unit.cargo_stons
                rows.to_dest[(ui, r.destination)].append((x, 1.0 / tot))
                rows.unit_arrivals[(ui, kp)].append((x, 1.0 / tot))
        _bucket_uses(b, step, rows)
        if deadline is not None and time.perf_counter() > deadline:
            return None
    return rows


def _bucket_uses(b: Bucket, step: int, rows: _Rows) -> None:
    """A bucket's resources (origin onload and every ground period, the aircraft
    holding) by period, and its crew minutes by type and day."""
    g, r = b.g, b.r
    spans = [("A:" + gr.airfield, b.start + gr.start, b.start + gr.end) for gr in r.ground]
    spans.append(("F:" + g.pool, b.start, b.start + r.cycle))
    for key, a, e in spans:
        if e > a:
            k0, k1 = a // step, -(-e // step)
            rows.res_events[key][k0].append((b.n, 1))
            rows.res_events[key][k1].append((b.n, -1))
            b.res.append((key, k0, k1))
    for lg in r.legs:
        a, e = b.start + lg.depart, b.start + lg.arrive
        for k in range(a // 1440, (e - 1) // 1440 + 1):
            part = min(e, (k + 1) * 1440) - max(a, k * 1440)
            if part > 0:
                rows.crew[(g.aircraft, k)][b.n] += float(part)
                b.crew[(g.aircraft, k)] = b.crew.get((g.aircraft, k), 0.0) + part


def _delivery_rows(m: Any, data: ModelData, rows: _Rows, short: dict, dest: dict,
                   classes: dict[int, tuple[str, ...]]) -> None:
    """Delivery, loads only to the unit's base, beddown.

    Soldiers; cargo by class on a chain of class sets (outsize only on the types that
    take everything, oversize on those and the next ...): exact for nested sets, and
    the classes are assigned greedily when the plan is read back.
    """
    inf = m.infinity()
    for u in data.units:
        ui = u.idx
        if (ui, "pax") in short:
            m.Add(m.Sum(rows.pax_in.get(ui, [])) + short[(ui, "pax")] == u.unit.pax)
        present = [c for c in CARGO if (ui, c) in short]
        if not present:
            continue
        delivered = {c: u.unit.amount(c) - short[(ui, c)] for c in present}
        levels = sorted({lvl for (uu, lvl) in rows.cargo_in if uu == ui})
        total = m.Sum([x for lvl in levels for x in rows.cargo_in[(ui, lvl)]])
        m.Add(total == m.Sum(list(delivered.values())))
        for lvl in sorted(classes):
            # classes a bucket of this level or below cannot take need higher levels
            higher = [x for lv in levels if lv > lvl for x in rows.cargo_in[(ui, lv)]]
            need = [delivered[c] for c in present if c not in classes[lvl]]
            if need:
                m.Add(m.Sum(higher) >= m.Sum(need))
        for c in present:
            if not any(c in classes[lv] for lv in levels):
                m.Add(short[(ui, c)] == u.unit.amount(c))
    # loads only to the unit's base (Σ share ≤ commodities x dest), beddown
    for (ui, d), xs in rows.to_dest.items():
        ct = m.Constraint(-inf, 0.0)
        for x, coef in xs:
            ct.SetCoefficient(x, coef)
        ct.SetCoefficient(dest[(ui, d)], -2.0)
    for base, cap in data.capacity.items():
        terms = [data.units[ui].unit.pax * z for (ui, d), z in dest.items() if d == base and data.units[ui].unit.pax > 0]
        if terms:
            m.Add(m.Sum(terms) <= cap)


def _resource_rows(m: Any, data: ModelData, rows: _Rows, step: int
                   ) -> tuple[dict[str, list[tuple[int, object, bool]]], dict[str, object]]:
    """MOG and fleet: balance rows over the periods where something enters or leaves.
    Returns the occupancy variables and the capacity per period of each resource."""
    inf = m.infinity()
    fleet_all = sum(rows.fleet_total.values())
    occ_vars: dict[str, list[tuple[int, object, bool]]] = {}
    caps: dict[str, object] = {}
    for key, events in rows.res_events.items():
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
                return count_at(_st, k * step)
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
    return occ_vars, caps


def _crew_rows(m: Any, data: ModelData, rows: _Rows) -> dict[tuple[str, int], float]:
    """Crew hours per type and day (exact); returns the caps in minutes."""
    inf = m.infinity()
    crew_cap: dict[tuple[str, int], float] = {}
    for (t, k), coef in rows.crew.items():
        ute = data.scenario.aircraft_type(t).ute_hours
        avail = sum(c for a, c in data.crew[t] if a < (k + 1) * 1440)
        crew_cap[(t, k)] = ute * 60.0 * avail
        ct = m.Constraint(-inf, ute * 60.0 * avail)
        for v, mins in coef.items():
            ct.SetCoefficient(v, mins)
    return crew_cap


def _closure_chain(m: Any, data: ModelData, rows: _Rows, step: int,
                   terms: list[tuple[object, float]]) -> dict[int, object]:
    """Closure (to the end of the grid period of the last landing) by a monotone chain
    of binaries e[k] = "something lands in period k or later"; its goal terms go to
    ``terms``."""
    H = data.horizon
    arrivals = rows.arrivals
    lands_from: dict[int, object] = {}
    kmin, kmax = min(arrivals), max(arrivals)
    e_prev = None
    big = float(sum(rows.fleet_total.values()))
    for k in range(kmin, kmax + 1):
        e = lands_from[k] = m.BoolVar(f"lands_from[{k}]")
        if e_prev is not None:
            m.Add(e_prev >= e)
        if arrivals.get(k):
            m.Add(m.Sum(arrivals[k]) <= big * e)
        end = min(H, (k + 1) * step) / 60.0
        start = (kmin * step / 60.0) if k == kmin else min(H, k * step) / 60.0
        terms.append((e, end - start if k > kmin else end))
        e_prev = e
    return lands_from


def _lateness_chain(m: Any, data: ModelData, rows: _Rows, step: int,
                    terms: list[tuple[object, float]]) -> dict[tuple[int, int], object]:
    """Lateness per unit by a monotone chain of binaries f[u,k] = "some of the unit
    lands in period k or later", over its periods after the RDD; goal terms to ``terms``."""
    inf = m.infinity()
    H = data.horizon
    late_from: dict[tuple[int, int], object] = {}
    by_unit: dict[int, dict[int, list]] = defaultdict(dict)
    for (ui, k), xs in rows.unit_arrivals.items():
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
            terms.append((f, float(u.weight) * max(0, hi - lo) / 60.0))
            f_prev = f
    return late_from
