"""A time-indexed MIP peer of the CP-SAT model, for benchmarks.

The same precomputed missions as the CP-SAT model (:func:`logistics.model.data.build_data`:
groups of (origin, aircraft type), each with its routings as *options*) are scheduled
on a time grid of ``step_minutes`` by a mixed-integer program solved with a MIP solver
that ships with OR-Tools (SCIP by default, through ``pywraplp``; CBC and HiGHS can be
named but do not take the MIP start), the NRMO/THRUPUT style an analyst with a MIP
solver would write. The model (buckets, variables, constraints, objective) is built by
:func:`logistics.peers.mip_model.build_mip`; this module gives it a start, solves it
and reads the plan back.

MIP start
    :func:`_greedy_start` dispatches every unit on the MIP's own grid and counting
    (earliest-ready first, earliest-landing buckets, filling flown missions first), and
    the whole solution is given to SCIP as a hint, so the MIP always has an incumbent.

The plan's times are the grid's (start at ``p x step``, then the routing's exact
offsets); it passes :func:`logistics.verify.verify`. Its status is ``feasible`` even
when the MIP is proven optimal (optimal on its grid and conservative counting, not
for the scenario); the MIP's own status is in ``plan.solve.extra["mip_status"]``.
The grid doubles (up to :data:`~logistics.peers.mip_model.MAX_STEP_MINUTES`) while
the model has more than ``max_columns`` load and mission variables; beyond that the
plan is ``unknown``.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable

from ..model.convert import plan_from_dispatch
from ..model.data import UnitData, build_data
from ..model.dispatch import Dispatch
from ..plan import Plan, SolveInfo
from ..scenario import Scenario
from ..units import CARGO, TONS_SCALE
from .mip_model import MAX_COLUMNS, Bucket, MipModel, build_mip

__all__ = ["solve_mip"]


class _GridStart:
    """The MIP start's dispatch on the MIP's own grid and (conservative) counting:
    missions per bucket, loads, and every ramp, fleet and crew use so far."""

    def __init__(self, mm: MipModel):
        self.mm = mm
        self.occ: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.crew_used: dict[tuple[str, int], float] = defaultdict(float)
        self.n: dict[int, int] = defaultdict(int)
        self.used: dict[int, float] = defaultdict(float)  # capacity row use per bucket
        self.pax_l: dict[tuple[int, int], int] = {}
        self.cargo_l: dict[tuple[int, int], float] = {}
        self.delivered: dict[tuple[int, str], float] = defaultdict(float)
        self.last_k: dict[int, int] = {}
        self.chosen: dict[int, str] = {}
        self.room = dict(mm.data.capacity)
        self.by_unit: dict[int, list[int]] = defaultdict(list)
        for bi, b in enumerate(mm.buckets):
            for ui in b.units:
                self.by_unit[ui].append(bi)
        self.rank = {c: min((lvl for lvl, cs in mm.classes.items() if c in cs), default=math.inf) for c in CARGO}

    def can_add(self, b: Bucket) -> bool:
        """Whether one more mission of the bucket fits every period of its ramp and fleet
        use, and its crew days."""
        for key, k0, k1 in b.res:
            cap = self.mm.caps.get(key)
            if cap is None:
                continue
            o = self.occ[key]
            if any(o[k] + 1 > cap(k) for k in range(k0, k1)):
                return False
        return all(self.crew_used[key] + mins <= self.mm.crew_cap.get(key, math.inf) + 1e-6
                   for key, mins in b.crew.items())

    def add(self, bi: int, b: Bucket) -> None:
        """Fly one more mission of the bucket."""
        self.n[bi] += 1
        for key, k0, k1 in b.res:
            if key in self.mm.caps:
                for k in range(k0, k1):
                    self.occ[key][k] += 1
        for key, mins in b.crew.items():
            self.crew_used[key] += mins

    def place(self, u: UnitData) -> None:
        """The unit to the allowed base whose earliest bucket lands first (with beddown
        room), its loads into that base's buckets, earliest landing first."""
        mm, ui = self.mm, u.idx
        rem = {c: u.unit.amount(c) for c in ("pax", *CARGO) if (ui, c) in mm.short}
        if not rem or not self.by_unit.get(ui):
            return
        dests = [d for d in u.dests if self.room.get(d, 10**9) >= u.unit.pax]
        first = {}
        for bi in self.by_unit[ui]:
            d = mm.buckets[bi].r.destination
            if d in dests:
                first[d] = min(first.get(d, math.inf), mm.buckets[bi].arrive)
        for d in sorted(first, key=lambda d: first[d]):
            cand = sorted((bi for bi in self.by_unit[ui] if mm.buckets[bi].r.destination == d),
                          key=lambda bi: (mm.buckets[bi].arrive, -mm.buckets[bi].acl, -mm.buckets[bi].seats))
            loaded = False
            for bi in cand:
                if self.fill(ui, bi, rem):
                    loaded = True
                if not any(v > 1e-9 for v in rem.values()):
                    break
            if loaded:
                self.chosen[ui] = d
                if d in self.room:
                    self.room[d] -= u.unit.pax
                break

    def fill(self, ui: int, bi: int, rem: dict[str, float]) -> bool:
        """What is left of the unit (``rem``) into one bucket, filling its missions before
        adding one; whether anything was loaded."""
        b = self.mm.buckets[bi]
        loaded = False
        while any(v > 1e-9 for v in rem.values()):
            takes_cargo = b.acl > 0 and ui in {uu for uu in b.cargo} and any(
                rem.get(c, 0) > 1e-9 and c in self.mm.classes.get(b.level, ()) for c in CARGO)
            takes_pax = b.seats > 0 and ui in b.pax and rem.get("pax", 0) > 0
            if not (takes_cargo or takes_pax):
                break
            if self.n[bi] - self.used[bi] < 1e-9 or (
                    not takes_cargo and (self.n[bi] - self.used[bi]) * b.seats < 1 - 1e-9):
                if not self.can_add(b):
                    break
                self.add(bi, b)
            if not self.load(ui, bi, rem, takes_cargo, takes_pax):
                break
            loaded = True
            self.last_k[ui] = max(self.last_k.get(ui, -1), (b.arrive - 1) // self.mm.step)
        return loaded

    def load(self, ui: int, bi: int, rem: dict[str, float], takes_cargo: bool, takes_pax: bool) -> bool:
        """Cargo (most restricted class first), then soldiers, into the bucket's room
        left; whether anything was loaded."""
        b = self.mm.buckets[bi]
        slack = self.n[bi] - self.used[bi]
        got = False
        if takes_cargo:
            for c in sorted(CARGO, key=lambda c: -self.rank[c]):
                if c not in self.mm.classes.get(b.level, ()) or rem.get(c, 0) <= 1e-9:
                    continue
                q = min(rem[c], slack * b.acl)
                if q > 1e-9:
                    self.cargo_l[(ui, bi)] = self.cargo_l.get((ui, bi), 0.0) + q
                    self.delivered[(ui, c)] += q
                    rem[c] -= q
                    slack -= q / b.acl
                    self.used[bi] += q / b.acl
                    got = True
        if takes_pax and slack > 0:
            p = min(rem["pax"], math.floor(slack * b.seats + 1e-9))
            if p > 0:
                self.pax_l[(ui, bi)] = self.pax_l.get((ui, bi), 0) + p
                self.delivered[(ui, "pax")] += p
                rem["pax"] -= p
                self.used[bi] += p / b.seats
                got = True
        return got

    def values(self) -> tuple[list, list[float], dict]:
        """Every variable of the model with its value, and a summary."""
        mm, data, n = self.mm, self.mm.data, self.n
        vals: dict[object, float] = {}
        for bi, b in enumerate(mm.buckets):
            vals[b.n] = float(n.get(bi, 0))
            for ui, x in b.pax.items():
                vals[x] = float(self.pax_l.get((ui, bi), 0))
            for ui, x in b.cargo.items():
                vals[x] = self.cargo_l.get((ui, bi), 0.0)
        for (ui, c), x in mm.short.items():
            vals[x] = max(0.0, data.units[ui].unit.amount(c) - self.delivered.get((ui, c), 0.0))
        for (ui, d), x in mm.dest.items():
            vals[x] = float(self.chosen.get(ui) == d)
        for key, chain in mm.occ.items():
            for k, var, _capped in chain:
                vals[var] = float(self.occ[key][k]) if key in self.occ else 0.0
        top = max(((b.arrive - 1) // mm.step for bi, b in enumerate(mm.buckets) if n.get(bi)), default=-1)
        for k, e in mm.lands_from.items():
            vals[e] = float(k <= top)
        for (ui, k), f in mm.late_from.items():
            vals[f] = float(k <= self.last_k.get(ui, -1))
        summary = {"missions": sum(n.values()),
                   "undelivered": sum(data.units[ui].weight * vals[x] for (ui, _c), x in mm.short.items())}
        return list(vals), list(vals.values()), summary


def _greedy_start(mm: MipModel) -> tuple[list, list[float], dict]:
    """A feasible solution of the MIP built by dispatching on its own grid.

    Units in order of readiness (then priority); each to the allowed base whose
    earliest bucket lands first (with beddown room); its loads into the buckets that
    land earliest, filling missions already flown before adding one, and adding one
    only where every period of its fleet holding and ramp use, and its crew day, has
    room under the MIP's own (conservative) counting. What cannot be placed is short.
    Returns the variables, their values (every variable of the model) and a summary.
    """
    start = _GridStart(mm)
    for u in sorted(mm.data.units, key=lambda u: (u.ready, u.unit.priority, u.idx)):
        start.place(u)
    return start.values()


def _split(b: Bucket, n: int, pax: dict[int, int], cargo: dict[tuple[int, str], float]
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
                ) -> list[tuple[Bucket, int, dict[int, int], dict[tuple[int, str], float]]]:
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
    cargo_val: dict[int, list[tuple[Bucket, float]]] = defaultdict(list)
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
    # the peer's rows hold capacities fixed or rising in time: limits that fall (SPEC 5.2)
    # are not modelled, so it makes no plan rather than a wrong one
    varying = any(c < 0 for st in data.fleet.values() for _, c in st) or bool(data.mog_steps)
    mm = None if varying else build_mip(data, step_minutes, solver=solver, max_columns=max_columns, deadline=deadline)
    label = f"mip-{solver.lower()} (time-indexed)"
    if mm is None:
        reason = ("limits that change over time (until_hour, mog_changes) are not modelled by the MIP peer"
                  if varying else "model too large for the grid budget" if time.perf_counter() < deadline
                  else "time limit reached while building the model")
        return _no_plan(scenario, label, t0, {"mip_status": reason, "step_minutes": None})
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
        start_values = _hint_start(mm)
        start_s = time.perf_counter() - ts
    m.SetTimeLimit(max(1, int((deadline - time.perf_counter()) * 1000)))
    st = m.Solve(params)
    solve_s = time.perf_counter() - ts
    extra = {"mip_status": _status_name(st), "step_minutes": mm.step, "build_seconds": round(mm.build_seconds, 3),
             "solve_seconds": round(solve_s, 3), "warm_start_seconds": round(start_s, 3),
             **{k: v for k, v in mm.stats.items() if k != "step_minutes"}}
    solved = st in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE)
    if not solved and start_values is None:
        return _no_plan(scenario, label, t0, extra, "unknown" if st != pywraplp.Solver.INFEASIBLE else "infeasible")
    if solved:
        extra["weighted_objective"] = m.Objective().Value()
        extra["weighted_bound"] = m.Objective().BestBound()
        plan_loads = _read_loads(mm)
    else:
        # the solver stopped before it read its start: the start is the incumbent
        extra["mip_status"] += " (the MIP start is the plan)"
        plan_loads = _read_loads(mm, start_values.__getitem__)
    info = SolveInfo(solver=label, seconds=0.0, goals=list(scenario.objective), extra=extra)
    plan = plan_from_dispatch(data, _dispatches(plan_loads), status="feasible", info=info)
    plan.solve.objective = plan.objective_values(scenario)
    plan.solve.seconds = time.perf_counter() - t0
    return plan


def _no_plan(scenario: Scenario, label: str, t0: float, extra: dict, status: str = "unknown") -> Plan:
    """The plan of a MIP run that found none (why: ``extra["mip_status"]``)."""
    info = SolveInfo(solver=label, seconds=time.perf_counter() - t0, goals=list(scenario.objective), extra=extra)
    return Plan.from_missions(scenario, [], status=status, solve=info)


def _hint_start(mm: MipModel) -> dict[object, float]:
    """MIP start: a feasible schedule dispatched on the MIP's own grid (what a
    practitioner gives branch and bound before it has an incumbent of its own), given
    to the solver as a hint; returns every variable's value."""
    hv, hx, hs = _greedy_start(mm)
    start_values = dict(zip(hv, hx, strict=True))
    mm.solver.SetHint(hv, hx)
    mm.stats["start"] = hs
    return start_values


def _status_name(st: int) -> str:
    """The MIP solver's result status in words."""
    from ortools.linear_solver import pywraplp

    names = {pywraplp.Solver.OPTIMAL: "optimal", pywraplp.Solver.FEASIBLE: "feasible",
             pywraplp.Solver.INFEASIBLE: "infeasible", pywraplp.Solver.NOT_SOLVED: "not solved",
             pywraplp.Solver.UNBOUNDED: "unbounded", pywraplp.Solver.ABNORMAL: "abnormal"}
    return names.get(st, str(st))


def _dispatches(plan_loads: list[tuple[Bucket, int, dict[int, int], dict[tuple[int, str], float]]]
                ) -> list[Dispatch]:
    """The missions of the used buckets, split into loads (weights in ticks); an empty
    mission is not flown."""
    dispatch: list[Dispatch] = []
    for b, n, pax, cargo in plan_loads:
        for ld in _split(b, n, pax, cargo):
            if not ld:
                continue  # an empty mission is not flown
            loads = {ui: {c: (q if c == "pax" else q * TONS_SCALE) for c, q in d.items()} for ui, d in ld.items()}
            dispatch.append(Dispatch(b.gi, b.oi, b.start, loads))
    return dispatch
