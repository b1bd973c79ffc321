"""Search-free bounds: proofs from the scenario alone, without planning or searching.

Every function here is a *proof*, not a figure: no plan can do better. Each relaxes the
rules of SPEC section 3 and is computed from the scenario alone (not from the solver's
candidate routings, which are a heuristic subset):

* :func:`lower_bound` (and :func:`bounds`, :func:`unit_lower_bounds`): no plan that
  delivers every unit closes earlier;
* :func:`undeliverable`: what of each unit no plan can deliver by its latest arrival;
* :func:`undelivered_bound`: the least ``undelivered`` goal any plan can reach, from
  beds and transit alone;
* :func:`flying_hours_bound`: the fewest flying hours of any plan that delivers
  everything.

The planner's quick figure, which may be optimistic or pessimistic, is
:func:`logistics.estimate.estimate`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from ..geo import distance_nm
from ..network import can_carry
from ..scenario import CLASS_OF, Scenario, Unit
from ._facts import (
    demand_of,
    facts,
    fastest_outbound_hours,
    first_at,
    first_available,
    live_types,
    load_capacity,
    mog_of,
    outbound_hours,
    runway_ok,
)

__all__ = [
    "Bounds",
    "UndeliveredBound",
    "bounds",
    "flying_hours_bound",
    "lower_bound",
    "undeliverable",
    "undelivered_bound",
    "unit_lower_bounds",
]


# ----- lower bounds on closure ------------------------------------------------------------
@dataclass
class Bounds:
    """Lower bounds on closure hours that no plan delivering everything can beat.

    Attributes
    ----------
    force
        The bound on the force closure (the ``closure_hour`` KPI): the largest of
        the parts below.
    units
        Per unit id, a bound on the unit's ``closure_hour`` when it is fully delivered.
    parts
        Each family's best bound: ``unit``, ``origin_mog``, ``destination_mog``,
        ``fleet_crew``.
    binding
        The family that gives ``force``, with its subject (``origin_mog KPOB from h96``).
    """

    force: float
    units: dict[str, float]
    parts: dict[str, float]
    binding: str


def _unit_arrivals(s: Scenario, u: Unit, dests: Iterable[str] | None = None) -> dict[str, float]:
    """Per commodity of the unit, the earliest any of it can land (at ``dests``)."""
    ds = tuple(u.destinations if dests is None else dests)
    return dict(s.cached(("lb-arrivals", u.id, ds), lambda: _unit_arrivals_uncached(s, u, ds)))


def _unit_arrivals_uncached(s: Scenario, u: Unit, ds: tuple[str, ...]) -> dict[str, float]:
    out: dict[str, float] = {}
    for c in demand_of(u):
        best = math.inf
        for t in live_types(s):
            ac = facts(s).ac[t]
            if not ac.carries(CLASS_OF[c]):
                continue
            fo = outbound_hours(s, t, u, ds)
            if math.isfinite(fo):
                best = min(best, max(u.ready_hour, first_at(s, t, u.origin)) + ac.onload_hours + fo)
        out[c] = best
    return out


def _onload_per_amount(s: Scenario, u: Unit, c: str) -> float:
    """Least origin ground hours one soldier / short ton of ``c`` costs (mixed-load rule)."""
    best = math.inf
    for t in live_types(s):
        ac = facts(s).ac[t]
        cap = load_capacity(ac, c)
        if cap > 0 and math.isfinite(outbound_hours(s, t, u)) and runway_ok(s, u.origin, ac):
            best = min(best, ac.onload_hours / cap)
    return best


def _offload_per_amount(s: Scenario, u: Unit, c: str, dests: Iterable[str]) -> tuple[float, float]:
    """Least destination ground hours per amount of ``c`` into ``dests``, and the
    longest offload among the types that could carry it there."""
    best, longest = math.inf, 0.0
    for t in live_types(s):
        ac = facts(s).ac[t]
        cap = load_capacity(ac, c)
        if cap > 0 and math.isfinite(outbound_hours(s, t, u, dests)):
            best = min(best, ac.offload_hours / cap)
            longest = max(longest, ac.offload_hours)
    return best, longest


def unit_lower_bounds(s: Scenario) -> dict[str, float]:
    """Per unit, a closure hour no plan that delivers the whole unit can beat.

    The largest of:

    * **transit**: every commodity of the unit must land, each on a type that carries
      it: ``max over commodities of min over (type, allowed destination) of
      max(ready, type's first available hour) + onload + fastest outbound flight``
      (rules 2, 5, 6, 8; the flight at cruise speed through any allowed stops within
      ferry range, see :func:`~logistics.bounds._facts.fastest_outbound_hours`);
    * the unit's ``earliest_arrival_hour`` (rule 2);
    * **origin ramp**: the unit alone needs at least ``Σ amount x onload / capacity``
      (cheapest type per commodity) aircraft-hours on the ground at its origin, which
      holds at most MOG aircraft, from its ready hour until its last departure (rule 7);
    * **destination ramp**: the same with offload hours over the MOG of its allowed
      destinations, from its earliest landing; an aircraft landing at the closure may
      still be offloading, hence minus the longest offload.

    ``inf`` when some commodity cannot be carried to any allowed destination.
    """
    out: dict[str, float] = {}
    for u in s.units:
        out[u.id] = _unit_bound(s, u)
    return out


def _unit_bound(s: Scenario, u: Unit) -> float:
    dem = demand_of(u)
    if not dem:
        return 0.0
    arr = _unit_arrivals(s, u)
    lb = max([*arr.values(), u.earliest_arrival_hour])
    if not math.isfinite(lb):
        return math.inf
    first_land = min(arr.values())
    # origin ramp
    mog_o = mog_of(s, u.origin)
    e_on = sum(q * _onload_per_amount(s, u, c) for c, q in dem.items())
    carriers = [t for t in live_types(s) if can_carry(facts(s).ac[t], u)]
    fo_min = min(outbound_hours(s, t, u) for t in carriers)
    t0 = max(u.ready_hour, min(first_at(s, t, u.origin) for t in carriers))
    lb = max(lb, t0 + (e_on / mog_o if mog_o > 0 else math.inf) + fo_min)
    # destination ramp
    mog_d = sum(mog_of(s, d) for d in u.destinations)
    e_off, longest = 0.0, 0.0
    for c, q in dem.items():
        per, lg = _offload_per_amount(s, u, c, u.destinations)
        e_off += q * per
        longest = max(longest, lg)
    lb = max(lb, first_land + (e_off / mog_d if mog_d > 0 else math.inf) - longest)
    return lb


def _origin_bound(s: Scenario) -> tuple[float, str]:
    """Origin MOG energy, for every origin and every ready hour tau of its units.

    Units of origin ``o`` ready at or after ``tau`` need ``E = Σ amount x onload /
    capacity`` (cheapest type per commodity: a sortie's mixed load is ≤ 1 aircraft, so
    its onload covers at most ``1`` of ``Σ load / capacity``) ground hours at ``o``.
    Onloads start no earlier than ``max(tau, first aircraft available)`` and end at the
    first departure, at least the fastest outbound flight ``f`` before the closure; at
    most ``MOG`` at once (rule 7), so ``C ≥ max(tau, a) + E / MOG + f``.
    """
    best, why = 0.0, ""
    live = live_types(s)
    if not live:
        return 0.0, ""
    a0 = min(first_available(s, t) for t in live)
    by_origin: dict[str, list[Unit]] = defaultdict(list)
    for u in s.units:
        if demand_of(u):
            by_origin[u.origin].append(u)
    for o, us in by_origin.items():
        mog = mog_of(s, o)
        rows = []
        for u in us:
            e = sum(q * _onload_per_amount(s, u, c) for c, q in demand_of(u).items())
            f = min((outbound_hours(s, t, u) for t in live if can_carry(facts(s).ac[t], u)), default=math.inf)
            rows.append((u.ready_hour, e, f))
        rows.sort(key=lambda r: -r[0])
        e_sum, f_min = 0.0, math.inf
        for i, (tau, e, f) in enumerate(rows):
            e_sum += e
            f_min = min(f_min, f)
            if i + 1 < len(rows) and rows[i + 1][0] == tau:
                continue
            if not (math.isfinite(e_sum) and math.isfinite(f_min)):
                continue
            c = max(tau, a0) + (e_sum / mog if mog > 0 else math.inf) + f_min
            if c > best:
                best, why = c, f"origin_mog {o} from h{tau:g}"
    return best, why


def _destination_bound(s: Scenario) -> tuple[float, str]:
    """Destination MOG energy, for every set of bases some unit is confined to.

    For a set ``S`` (each unit's allowed destinations, and all of them), the units
    whose allowed destinations lie in ``S`` and that are ready at or after ``tau`` need
    ``E = Σ amount x offload / capacity`` ground hours in ``S`` (rule 6: at least the
    offload from landing to the next departure). Their first landing is no earlier
    than ``T`` (the least transit bound among them), and an aircraft landing by the
    closure ``C`` has done its offload by ``C + the longest offload L``; at most
    ``Σ MOG`` are on the ground in ``S`` at once (rule 7), so
    ``C ≥ T + E / Σ MOG - L``.
    """
    best, why = 0.0, ""
    units = [u for u in s.units if demand_of(u)]
    sets = {frozenset(u.destinations) for u in units}
    sets |= {frozenset([d]) for u in units for d in u.destinations}
    if units:
        sets.add(frozenset(d for u in units for d in u.destinations))
    for S in sets:
        mog = sum(mog_of(s, d) for d in S)
        rows = []
        for u in units:
            if not set(u.destinations) <= S:
                continue
            arr = _unit_arrivals(s, u)
            first = min(arr.values())
            e, longest = 0.0, 0.0
            for c, q in demand_of(u).items():
                per, lg = _offload_per_amount(s, u, c, u.destinations)
                e += q * per
                longest = max(longest, lg)
            rows.append((u.ready_hour, e, first, longest))
        rows.sort(key=lambda r: -r[0])
        e_sum, t_min, l_max = 0.0, math.inf, 0.0
        for i, (tau, e, first, lg) in enumerate(rows):
            e_sum += e
            t_min = min(t_min, first)
            l_max = max(l_max, lg)
            if i + 1 < len(rows) and rows[i + 1][0] == tau:
                continue
            if not (math.isfinite(e_sum) and math.isfinite(t_min)):
                continue
            c = t_min + (e_sum / mog if mog > 0 else math.inf) - l_max
            if c > best:
                best, why = c, f"destination_mog {'+'.join(sorted(S))} from h{tau:g}"
    return best, why


def _count_integral(steps: list[tuple[float, int]], a: float, b: float) -> float:
    """∫ aircraft available dt over [a, b] (a step function of available hours)."""
    if b <= a:
        return 0.0
    return sum(c * max(0.0, b - max(a, h)) for h, c in steps)


def _crew_capacity(s: Scenario, t: str, lo: float, hi: float) -> float:
    """Flying hours type ``t`` can fly within [lo, hi]: per day ``[24k, 24k+24)``, at most
    ``ute x aircraft available at some instant of the day`` (rule 9) and at most the
    aircraft-hours available in the part of the day within [lo, hi] (rule 8)."""
    if hi <= lo:
        return 0.0
    ac = facts(s).ac[t]
    steps = [(h, c) for h, c in s.fleet_steps(t) if c > 0]
    tot = 0.0
    for k in range(math.floor(lo / 24), math.ceil(hi / 24)):
        a, b = max(lo, 24.0 * k), min(hi, 24.0 * k + 24)
        if b <= a:
            continue
        n_day = sum(c for h, c in steps if h < 24.0 * k + 24)
        tot += min(ac.ute_hours * n_day, _count_integral(steps, a, b))
    return tot


def _fluid_bound(s: Scenario, max_thresholds: int = 12) -> tuple[float, str]:
    """Fleet and crew fluid bound: a linear program (GLOP), bisected on the closure.

    For a threshold ``tau`` and a candidate closure ``C``, the units ready at or after
    ``tau`` (grouped by origin and allowed destinations, key ``k``) must split each
    commodity among the types that carry it, ``x[k,c,t] ≥ 0``, ``Σ_t x = demand``.
    A sortie carries at most one aircraft-load (``Σ load / capacity ≤ 1``) and its
    outbound flight lasts at least the fastest outbound time ``f[t,k]`` (landing by
    ``C``, departing after ``max(tau, available) + onload``), so per type

    * crew (rule 9): ``Σ x f / cap ≤`` flying hours available in
      ``[max(tau, first available) + onload, C]`` (:func:`_crew_capacity`);
    * fleet (rule 8): ``Σ x (onload + f) / cap ≤ ∫ aircraft available`` over
      ``[tau, C]`` (a mission holds its aircraft from the onload to the landing);

    and per origin (rule 7) ``Σ x onload / cap ≤ MOG x (C - f_min - max(tau, a))``.
    The least ``C`` at which the LP is feasible is a lower bound; the bisection
    stops within a minute, always on the infeasible side.
    """
    from ortools.linear_solver import pywraplp

    live = live_types(s)
    units = [u for u in s.units if demand_of(u)]
    if not live or not units:
        return 0.0, ""
    taus = sorted({u.ready_hour for u in units})
    if len(taus) > max_thresholds:
        idx = sorted({round(i * (len(taus) - 1) / (max_thresholds - 1)) for i in range(max_thresholds)})
        taus = [taus[i] for i in idx]
    best, why = 0.0, ""
    a0 = min(first_available(s, t) for t in live)
    for tau in taus:
        solver = pywraplp.Solver.CreateSolver("GLOP")
        if solver is None:  # pragma: no cover - GLOP ships with OR-Tools
            return 0.0, ""
        rows = _fluid_rows(s, solver, live, [u for u in units if u.ready_hour >= tau])
        if rows is None:
            continue
        lo = _least_feasible(partial(_fluid_feasible, s, solver, rows, tau, a0), max(best, tau))
        if lo is not None and lo > best:
            best, why = lo, f"fleet_crew (LP) from h{tau:g}"
    return best, why


def _fluid_rows(s: Scenario, solver: Any, live: list[str], us: list[Unit]
                ) -> tuple[list[tuple[Any, str, str]], dict[str, float]] | None:
    """The fluid LP of the units ``us``: the split of each group's commodities among the
    types, and the crew, fleet and origin rows as (constraint, kind, key), their bounds
    left to :func:`_fluid_feasible`; with the fastest outbound flight per origin.
    ``None`` when some commodity has no type to carry it."""
    groups: dict[tuple[str, tuple[str, ...]], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for u in us:
        for c, q in demand_of(u).items():
            groups[(u.origin, u.destinations)][c] += q
    terms: dict[str, dict[str, list]] = {"crew": defaultdict(list), "fleet": defaultdict(list),
                                         "origin": defaultdict(list)}
    origin_f: dict[str, float] = {}
    for (o, ds), dem in groups.items():
        for c, q in dem.items():
            xs = []
            for t in live:
                ac = facts(s).ac[t]
                cap = load_capacity(ac, c)
                f = min((fastest_outbound_hours(s, o, d, t) for d in ds), default=math.inf)
                if cap <= 0 or not math.isfinite(f):
                    continue
                x = solver.NumVar(0.0, q, "")
                xs.append(x)
                terms["crew"][t].append((x, f / cap))
                terms["fleet"][t].append((x, (ac.onload_hours + f) / cap))
                terms["origin"][o].append((x, ac.onload_hours / cap))
                origin_f[o] = min(origin_f.get(o, math.inf), f)
            if not xs:
                return None
            solver.Add(solver.Sum(xs) == q)
    cons = []  # (constraint, kind, key)
    for kind, per_key in terms.items():
        for key, key_terms in per_key.items():
            ct = solver.Constraint(-solver.infinity(), 0.0)
            for x, coef in key_terms:
                ct.SetCoefficient(x, coef)
            cons.append((ct, kind, key))
    return cons, origin_f


def _fluid_feasible(s: Scenario, solver: Any, rows: tuple[list[tuple[Any, str, str]], dict[str, float]],
                    tau: float, a0: float, C: float) -> bool:
    """Whether the fluid LP of :func:`_fluid_rows` is feasible with closure ``C``."""
    from ortools.linear_solver import pywraplp

    cons, origin_f = rows
    for ct, kind, key in cons:
        if kind == "crew":
            ac = facts(s).ac[key]
            lo = max(tau, first_available(s, key)) + ac.onload_hours
            ub = _crew_capacity(s, key, lo, C)
        elif kind == "fleet":
            steps = facts(s).steps[key]
            ub = _count_integral(steps, tau, C)
        else:
            ub = mog_of(s, key) * max(0.0, C - origin_f[key] - max(tau, a0))
        # a hair of slack so that round-off never makes a feasible C infeasible
        ct.SetUb(ub * (1 + 1e-9) + 1e-9)
    return solver.Solve() == pywraplp.Solver.OPTIMAL


def _least_feasible(feasible: Callable[[float], bool], lo: float) -> float | None:
    """Bisection: the largest ``C`` found infeasible, within a minute of the least
    feasible one; ``None`` when ``lo`` is already feasible."""
    if feasible(lo):
        return None
    hi = max(lo + 24.0, 2 * lo)
    while not feasible(hi):
        lo, hi = hi, 2 * hi
        if hi > 1e7:  # pragma: no cover - capacities grow with C
            break
    while hi - lo > 1.0 / 60:
        mid = (lo + hi) / 2
        if feasible(mid):
            hi = mid
        else:
            lo = mid
    return lo


def bounds(s: Scenario) -> Bounds:
    """Every lower bound on closure, by family; see :func:`lower_bound`."""
    return s.cached("lower-bounds", lambda: _bounds(s))


def _bounds(s: Scenario) -> Bounds:
    per_unit = unit_lower_bounds(s)
    parts: dict[str, float] = {}
    subject: dict[str, str] = {}
    if per_unit:
        uid = max(per_unit, key=lambda k: per_unit[k])
        parts["unit"], subject["unit"] = per_unit[uid], f"unit {uid}"
    else:
        parts["unit"], subject["unit"] = 0.0, ""
    parts["origin_mog"], subject["origin_mog"] = _origin_bound(s)
    parts["destination_mog"], subject["destination_mog"] = _destination_bound(s)
    parts["fleet_crew"], subject["fleet_crew"] = _fluid_bound(s)
    fam = max(parts, key=lambda k: parts[k])
    return Bounds(force=parts[fam], units=per_unit, parts=parts, binding=subject[fam] or fam)


def lower_bound(s: Scenario) -> float:
    """Force closure hours that no plan delivering every unit can beat.

    Derivation: every part below relaxes the rules of SPEC section 3, so any plan that
    delivers everything satisfies it; the bound is the largest part.

    1. **Per unit** (:func:`unit_lower_bounds`): ready + onload + the fastest outbound
       flight to an allowed destination, per commodity on a type that carries it; the
       unit's EAD; its own origin and destination ramp time. The force closes after
       every unit does.
    2. **Origin MOG energy** (:func:`_origin_bound`): for each origin and each ready
       hour ``tau``, the onload hours of the units ready from ``tau`` (cheapest type
       per commodity, mixed-load rule) ÷ MOG, after ``max(tau, first aircraft)``, plus
       the fastest outbound flight.
    3. **Destination-set MOG energy** (:func:`_destination_bound`): for each set of
       bases that some units are confined to, their offload hours ÷ Σ MOG after their
       earliest landing, minus the longest offload (the last aircraft may still be
       offloading at the closure).
    4. **Fleet and crew** (:func:`_fluid_bound`): per type, flying hours ÷ (aircraft x
       UTE) per day after availability and aircraft-hours held ÷ aircraft, as a
       linear program over which type carries what (GLOP), bisected on the closure.

    Flights are timed exactly (distance / cruise, not the solver's whole minutes),
    stops may be any allowed en-route airfields within ferry range, and payloads are
    limited only by seats and ACL, so the bound does not depend on the solver's
    candidate routings. ``inf`` when some unit cannot be delivered at all.
    """
    return bounds(s).force


def undeliverable(s: Scenario) -> dict[str, dict[str, float]]:
    """What of each unit no plan can deliver: commodities that cannot land by its LAD.

    A commodity whose earliest possible landing (transit bound of
    :func:`unit_lower_bounds`) is after the unit's latest arrival (or the horizon), or
    that no type of the fleet can carry to an allowed destination, cannot be
    delivered by any plan. Units with nothing undeliverable are left out.
    """
    out: dict[str, dict[str, float]] = {}
    for u in s.units:
        lad = s.lad(u)
        arr = _unit_arrivals(s, u)
        bad = {c: u.amount(c) for c, a in arr.items() if a > lad + 1e-9}
        if bad:
            out[u.id] = bad
    return out



# ----- a lower bound on the undelivered goal ---------------------------------------------
@dataclass
class UndeliveredBound:
    """What no plan can deliver, weighted as the ``undelivered`` goal counts it.

    Attributes
    ----------
    value
        Σ priority weight × (soldiers + short tons) that every plan leaves undelivered.
    proven
        Whether the assignment problem below was solved to optimality (if not,
        ``value`` is its proven bound, still valid but weaker).
    destinations
        An assignment reaching ``value``: unit id → base, or ``None`` for a unit that
        is left out (empty when not proven).
    """

    value: float
    proven: bool
    destinations: dict[str, str | None] = field(default_factory=dict)


def undelivered_bound(s: Scenario, time_limit: float = 2.0) -> UndeliveredBound:
    """A lower bound on the ``undelivered`` goal from beds and transit alone.

    Derivation: a plan gives each unit at most one base, and the full strength of every
    unit with a base counts against that base's beds (SPEC rules 1 and 11); a unit
    without a base delivers nothing. Of a unit sent to base ``d``, a commodity whose
    earliest possible landing at ``d`` (ready + onload + fastest outbound flight on a
    type that carries it, as in :func:`unit_lower_bounds`) is after the unit's latest
    arrival or the horizon cannot be delivered either. So every plan leaves at least
    ``min over assignments of Σ weight × (what the assignment cannot deliver)``, a
    small assignment problem (units × allowed bases, beds as knapsacks) that CP-SAT
    solves exactly; its proven bound is used if it runs out of time. Fleet, MOG and
    crew limits are ignored, so a plan may leave more undelivered than this.
    """
    key = ("undelivered-bound", round(time_limit, 3))
    return s.cached(key, lambda: _undelivered_bound(s, time_limit))


def _undelivered_bound(s: Scenario, time_limit: float) -> UndeliveredBound:
    from ortools.sat.python import cp_model

    SC = 100  # short tons to hundredths, soldiers × 100
    m = cp_model.CpModel()
    fixed = 0
    gain_terms = []
    prefer = []  # tie-break: the unit's earlier-listed (preferred) bases
    choice: dict[str, dict[str, Any]] = {}
    per_base: dict[str, list[tuple[int, Any]]] = {}
    for u in s.units:
        dem = demand_of(u)
        total = sum(dem.values())
        if total <= 0:
            continue
        fixed += u.weight * math.ceil(total * SC - 1e-7)
        lad = min(s.lad(u), s.horizon_hours)
        lits = {}
        for rank, d in enumerate(u.destinations):
            arr = _unit_arrivals(s, u, (d,))
            ok = sum(q for c, q in dem.items() if arr.get(c, math.inf) <= lad + 1e-9)
            if ok <= 0:
                continue
            x = m.NewBoolVar(f"{u.id}->{d}")
            lits[d] = x
            prefer.append((len(u.destinations) - rank, x))
            # delivered amount rounded up: the bound stays a lower bound
            gain_terms.append((u.weight * math.ceil(ok * SC - 1e-7), x))
            if u.pax > 0:
                per_base.setdefault(d, []).append((u.pax, x))
        if lits:
            m.AddAtMostOne(list(lits.values()))
            choice[u.id] = lits
    for d, terms in per_base.items():
        cap = s.capacity_pax(d)
        if cap is not None and sum(p for p, _ in terms) > cap:
            m.Add(sum(p * x for p, x in terms) <= cap)
    if not gain_terms:
        return UndeliveredBound(fixed / SC, True, {u.id: None for u in s.units})
    big = sum(c for c, _ in prefer) + 1
    m.Maximize(sum(big * c * x for c, x in gain_terms) + sum(c * x for c, x in prefer))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1
    st = solver.Solve(m)
    if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        ub = solver.BestObjectiveBound() / big if st == cp_model.UNKNOWN else sum(c for c, _ in gain_terms)
        return UndeliveredBound(max(0.0, (fixed - math.floor(ub + 1e-9)) / SC), False)
    best_gain = math.floor(solver.BestObjectiveBound() / big + 1e-9)
    dests = {}
    if st == cp_model.OPTIMAL:
        for u in s.units:
            lits = choice.get(u.id, {})
            dests[u.id] = next((d for d, x in lits.items() if solver.Value(x)), None)
    return UndeliveredBound(max(0.0, (fixed - best_gain) / SC), st == cp_model.OPTIMAL, dests)


# ----- a lower bound on flying hours -----------------------------------------------------
def flying_hours_bound(s: Scenario) -> float:
    """Flying hours that no plan delivering everything can go below.

    Derivation: a mission of type ``t`` to base ``d`` flies out and back, at least
    ``2 × distance(origin, d) / cruise`` hours (geodesics obey the triangle inequality,
    so stops only lengthen it; SPEC rule 5). Its loads obey ``pax / S + cargo / A ≤ 1``
    (rule 3), with ``S`` the seats and ``A`` the ACL; a passenger-only type also carries
    at most ``payload / pax weight`` soldiers and a cargo-only type at most its payload
    (rule 4). Charging each soldier ``F / S`` and each short ton ``F / A`` of the
    mission's flying hours ``F`` therefore never charges more than ``F``. So the total
    is at least, summed over every unit and commodity, the amount × the least charge over
    the types that carry it (runways allowing) and the unit's allowed bases.
    ``inf`` when some commodity cannot be carried at all.
    """
    return s.cached("flying-hours-bound", lambda: _flying_hours_bound(s))


def _flying_hours_bound(s: Scenario) -> float:
    F = facts(s)
    w = s.pax_weight_stons
    total = 0.0
    for u in s.units:
        for c, amount in demand_of(u).items():
            best = math.inf
            for t in live_types(s):
                ac = F.ac[t]
                if not ac.carries(CLASS_OF[c]) or not runway_ok(s, u.origin, ac):
                    continue
                cargo_type = ac.acl_stons > 0 and bool(ac.cargo_classes)
                if c == "pax":
                    cap = ac.seats if cargo_type else min(ac.seats, ac.max_payload_stons / w if w > 0 else ac.seats)
                else:
                    cap = ac.acl_stons if ac.seats > 0 else min(ac.acl_stons, ac.max_payload_stons)
                if cap <= 0:
                    continue
                for d in u.destinations:
                    if not runway_ok(s, d, ac) or not math.isfinite(fastest_outbound_hours(s, u.origin, d, t)):
                        continue
                    dist = distance_nm(F.airfield(s, u.origin), F.airfield(s, d))
                    best = min(best, 2.0 * dist / ac.cruise_kt / cap)
            total += amount * best
    return total
