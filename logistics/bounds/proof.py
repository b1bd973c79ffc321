"""A proof of the least flying hours when groups of units compete for aircraft and crews.

:func:`logistics.bounds.flying.flying_bound` bounds each group of units that no mission can
carry across (:func:`~logistics.bounds.flying.mission_components`) on its own, and the groups'
bounds add up. They fall short when the groups compete for a scarce aircraft type: on
Baghdad the three groups' bounds sum to a few minutes below the optimum, because all
three want the four C-5s and their crews' daily hours. :func:`prove_flying` couples
one group, *C*, with the rest, *R*, given a plan's flying minutes ``upper``:

1. *R alone*: the exact slot model of R's units with every other unit removed (so every
   bed, aircraft, ramp and crew hour is theirs), least flying minutes ``g`` by CP-SAT.
   Removing units only relaxes the model.
2. *C per combination of its bases* ``c``: C's time-indexed relaxation
   (:class:`~logistics.bounds.relax.Relaxation`) with the bases fixed, solved by SCIP below
   ``upper - g``. A combination that reaches it is settled.
3. *A split on a kind of C's missions* for each combination left open. A kind is a set
   of C's routings of one aircraft type whose missions must start within a window short
   enough that each holds an aircraft over one common span and flies at least some
   minutes each day, wherever in the window it starts (:func:`mission_kinds`, from the
   relaxation's own start windows). Every plan flies either fewer than ``N`` missions of
   the kind or at least ``N``:

   - fewer: C's relaxation with that limit, below ``upper - g``;
   - at least ``N``: R's exact model with ``N`` such spans reserved
     (:class:`~logistics.model.build.Reservation`: the aircraft and crew minutes, no
     ramp) and the beds C's combination takes, plus C's relaxation with at least ``N``.

   ``N`` grows while the first case holds; a combination is settled when both hold.

Every plan with C at some combination falls in one case of it, so when every
combination is settled no plan meeting the earlier goals flies fewer than ``upper``
minutes. "Optimal" is for the model, as everywhere in the product: the listed routings,
whole-minute starts, minimum ground times, and R's missions at most the model's slots
per origin and type (or, if fewer, all that a plan below ``upper`` could fly).

Which group is C, which kinds and which ``N`` are found from the data: C is the group
with the most to move (its exact model is the one out of reach), kinds are tried on the
scarcest aircraft type first and, within a type, from the earliest common span.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from dataclasses import dataclass, field

from ..model.build import AirliftModel, Reservation
from ..model.data import ModelData, fleet_total
from ..model.subset import beds_of, subset
from ..runtime import Budget, run_cpsat
from ..units import GOAL_SCALE
from .flying import combos, leaf, mission_components
from .relax import Relaxation

__all__ = ["FlyingProof", "GoalProof", "MissionKind", "PlanProof", "mission_kinds", "prove_flying",
           "prove_plan"]

#: a leaf's first time limit (seconds); an unsettled leaf is retried with 4x, up to 64x
LEAF_SECONDS = 20.0
#: the most time (seconds) one exact model of R gets
EXACT_SECONDS = 300.0
#: leaves are asked for solutions below the target plus this (minutes): a combination
#: whose least is exactly the target is then settled by finding it rather than by
#: proving that nothing lies below
LEAF_MARGIN = 10


@dataclass(frozen=True)
class MissionKind:
    """Routings of one aircraft type whose every mission (of C) surely holds an
    aircraft over ``footprint``'s span and flies its day minutes."""

    aircraft: str
    routings: tuple[tuple[str, str], ...]  # (group name, routing label)
    footprint: Reservation

    def __str__(self) -> str:
        days = ", ".join(f"day {d}: {v} min" for d, v in self.footprint.day_minutes)
        return (f"{self.aircraft} via {' / '.join(lbl for _, lbl in self.routings)} (each holds an aircraft "
                f"over minutes {self.footprint.start}-{self.footprint.end}; flies {days})")


@dataclass
class FlyingProof:
    """What :func:`prove_flying` proved (minutes)."""

    proven: bool  # no plan meeting the earlier goals flies fewer than ``upper``
    bound: int  # every such plan flies at least this (``upper`` when proven)
    upper: int
    steps: list[str] = field(default_factory=list)  # the argument, step by step
    seconds: float = 0.0
    c_units: list[str] = field(default_factory=list)
    r_units: list[str] = field(default_factory=list)


def mission_kinds(rel: Relaxation) -> list[MissionKind]:
    """The kinds of :func:`prove_flying`'s split for the units of ``rel``.

    A mission of routing ``r`` starts, in the relaxation's buckets (which hold every
    mission of the model that carries one of these units under the earlier goals),
    between ``lo`` and ``hi``; if ``hi < lo + cycle`` it holds its aircraft over
    ``[hi, lo + cycle)`` wherever it starts. For each aircraft type and each such
    ``hi`` as a point ``p``, the routings whose spans hold ``p`` form a kind; their
    common span and, per day, the least minutes any of them flies (over every start
    in its window) are its footprint. Ordered by the type's fleet (scarcest first),
    then by ``p``; a kind equal to an earlier one is left out."""
    d = rel.data
    win: dict[tuple[int, int], list[int]] = {}
    for b in rel.buckets:
        w = win.setdefault((b.gi, b.oi), [b.lo, b.hi])
        w[0], w[1] = min(w[0], b.lo), max(w[1], b.hi)
    sure: dict[str, list[tuple[int, int, int, int]]] = {}  # type -> (hi, end, gi, oi)
    for (gi, oi), (lo, hi) in win.items():
        r = d.groups[gi].options[oi]
        if hi < lo + r.cycle:
            sure.setdefault(d.groups[gi].pool, []).append((hi, lo + r.cycle, gi, oi))
    fleet = {t: fleet_total(steps) for t, steps in d.fleet.items()}
    out: list[MissionKind] = []
    seen: set = set()
    least: dict[tuple[int, int], dict[int, int]] = {}
    for t in sorted(sure, key=lambda t: (fleet.get(t, 0), t)):
        for p in sorted({hi for hi, *_ in sure[t]}):
            members = [x for x in sure[t] if x[0] <= p < x[1]]
            key = (t, frozenset((gi, oi) for *_, gi, oi in members))
            if key in seen:
                continue
            seen.add(key)
            a, b = max(x[0] for x in members), min(x[1] for x in members)
            mins: dict[int, int] | None = None
            for *_, gi, oi in members:
                if (gi, oi) not in least:
                    r = d.groups[gi].options[oi]
                    lo, hi = win[(gi, oi)]
                    per = [r.day_minutes(x) for x in range(lo, hi + 1)]
                    days = set().union(*per)
                    least[(gi, oi)] = {k: min(p_.get(k, 0) for p_ in per) for k in days}
                own = least[(gi, oi)]
                mins = dict(own) if mins is None else {k: min(v, own.get(k, 0)) for k, v in mins.items()}
            foot = Reservation(t, a, b, tuple(sorted((k, v) for k, v in (mins or {}).items() if v > 0)))
            routings = tuple(sorted((d.groups[gi].name, d.groups[gi].options[oi].label)
                                    for *_, gi, oi in members))
            out.append(MissionKind(t, routings, foot))
    return out


def _kind_count(rel: Relaxation, kind: MissionKind) -> list[int]:
    """Indices of ``rel``'s bucket counts of missions of ``kind``."""
    names = set(kind.routings)
    d = rel.data
    return [n.Index() for b, n in zip(rel.buckets, rel.n, strict=True)
            if (d.groups[b.gi].name, d.groups[b.gi].options[b.oi].label) in names]


def _at_least(rel: Relaxation, combo, need: int, budget: Budget, count=None,
              trace=None) -> tuple[bool, int]:
    """Does C (at ``combo``, with ``count``) fly at least ``need``? (settled, a proven
    lower bound). SCIP first stops at its first solution below ``need +``
    :data:`LEAF_MARGIN` (one below ``need`` answers no at once); a first solution
    within the margin is followed by a full solve below the margin, retried with more
    time while neither settled nor out of time."""
    cap = LEAF_SECONDS
    lb = 0
    first = True
    while True:
        left = budget.left()
        if left <= 0.05 or budget.stopped():
            return False, lb
        r = leaf(rel, combo, min(cap, left), need + LEAF_MARGIN, False, budget.stop, count=count, first=first)
        budget.charge(r.seconds)
        if trace is not None:
            trace(f"    leaf {combo} {count and count[1:]} need {need}: {r.status} {r.value} {r.bound} "
                  f"{r.seconds:.1f} s")
        if r.status in ("cutoff", "infeasible"):
            return True, max(lb, need + LEAF_MARGIN)
        if r.status == "optimal":
            return r.value >= need, r.value
        lb = max(lb, r.bound or 0)
        if r.value is not None and r.value < need:
            return False, lb
        if lb >= need:
            return True, lb
        if first and r.value is not None:  # within the margin: settle it in full
            first = False
            continue
        if cap >= 64 * LEAF_SECONDS:
            return False, lb
        cap *= 4


def _exact_least(data: ModelData, units: set[int], fixed: dict[str, int], k_cap: dict[str, int],
                 budget: Budget, *, reserved=(),
                 beds_taken: dict[str, int] | None = None) -> tuple[str, int]:
    """R's exact slot model alone (every other unit removed), least flying minutes:
    (status, proven bound). The earlier goals hold for R's part (the other units' part
    is at least 0); slots per group ``k_cap``."""
    sdata = subset(data, units, beds_taken)
    sdata.groups[:] = [dataclasses.replace(g, k=k_cap.get(g.name, g.k)) for g in sdata.groups]
    am = AirliftModel(sdata, crew_types=frozenset(sdata.crew), reserved=list(reserved))
    m = am.m
    for goal, val in fixed.items():
        if goal == "closure":
            m.Add(am.v.force_closure <= val)
        elif goal in am.goal_exprs:
            m.Add(am.goal_exprs[goal] <= val)
    m.Minimize(am.goal_exprs["flying_hours"])
    status, s = run_cpsat(m, budget, max(0.5, min(EXACT_SECONDS, budget.left())), workers=2)
    if status == "infeasible":
        return status, 10**9
    return status, (math.ceil(s.BestObjectiveBound() - 1e-6) if s is not None else 0)


def _weight(data: ModelData, units: list[int]) -> int:
    return sum(sum(data.units[ui].demand.values()) for ui in units)


class _Coupling:
    """One run of :func:`prove_flying`: C, R, C's relaxation and the bounds so far."""

    def __init__(self, data: ModelData, fixed: dict[str, int], upper: int, budget: Budget, say, trace):
        self.data, self.fixed, self.upper, self.budget = data, fixed, upper, budget
        self.say, self.trace = say, trace
        comps = mission_components(data, fixed)
        self.n_groups = len(comps)
        big = max(comps, key=lambda c: (_weight(data, c), len(c)))
        self.c = set(big)
        self.rest = set().union(*[set(c) for c in comps if c is not big])
        self.cdata = subset(data, self.c) if self.rest else data
        self.rel = Relaxation(self.cdata, fixed, type_counts=True)
        self.rel.m.Minimize(self.rel.flying)
        self.k_model = {g.name: g.k for g in data.groups}
        self.lb: dict = {}  # per combination of C's bases: C flies at least this
        self.cache: dict[tuple, int] = {}

    def names(self, units: set[int]) -> list[str]:
        return [self.data.units[u].unit.id for u in sorted(units)]

    def per_combination(self, need: int) -> list:
        """Step 2: C's combinations of bases that do not reach ``need``."""
        combos_: list = combos(self.cdata, self.fixed) or [None]
        if combos_ == [None]:
            self.say("C has too many combinations of bases to branch on: its relaxation as a whole")
        open_: list = []
        for c in combos_:
            ok, b = _at_least(self.rel, c, need, self.budget, trace=self.trace)
            self.lb[c] = b
            if not ok:
                open_.append(c)
        self.say(f"C flies at least {need} = {self.upper} - {self.upper - need} in {len(combos_) - len(open_)} "
                 f"of its {len(combos_)} combinations of bases"
                 + (f"; {len(open_)} open, least {min(self.lb[c] for c in open_)}" if open_ else ""))
        return open_

    def r_held(self, kind: MissionKind, n: int, base: str | None, beds: int, k_cap: dict[str, int]) -> int:
        """R's least with ``n`` spans of ``kind`` reserved and ``beds`` fewer at ``base``."""
        key = (kind, n, base, beds)
        if key not in self.cache:
            st, v = _exact_least(self.data, self.rest, self.fixed, k_cap, self.budget,
                                 reserved=[kind.footprint] * n, beds_taken={base: beds} if base else None)
            self.cache[key] = v
            self.say(f"  R with {n} x [{kind.aircraft} {kind.footprint.start}-{kind.footprint.end}] reserved"
                     + (f" and {beds} fewer beds at {base}" if base else "") + f" flies at least {v} ({st})")
        return self.cache[key]

    def beds_of(self, c) -> dict[str, int]:  # None: C's bases free, no beds known
        return beds_of(self.cdata, c) if c is not None else {}

    def settle(self, c, kind: MissionKind, idx: list[int], need: int, least_beds: dict[str, int],
               k_cap: dict[str, int]) -> bool:
        """Step 3 for one open combination and kind: N = 1, 2, ... until a case fails
        or both hold."""
        upper, lb, budget = self.upper, self.lb, self.budget
        fleet = {t: fleet_total(steps) for t, steps in self.cdata.fleet.items()}
        for n in range(1, fleet.get(kind.aircraft, 0) + 1):
            few, _ = _at_least(self.rel, c, need, budget, (idx, 0, n - 1), self.trace)
            if not few:
                return False
            held = self.r_held(kind, n, None, 0, k_cap)
            for base in sorted(self.beds_of(c)):
                if lb[c] + held >= upper:
                    break
                held = max(held, self.r_held(kind, n, base, least_beds[base], k_cap))
            many = lb[c] + held >= upper or _at_least(self.rel, c, upper - held, budget, (idx, n, None),
                                                      self.trace)[0]
            if many:
                lb[c] = upper
                return True
        return False

    def split(self, open_: list, need: int) -> list:
        """Step 3: the split on kinds of C's missions, per open combination."""
        shortest = min(r.flight_minutes for g in subset(self.data, self.rest).groups for r in g.options)
        k_most = (self.upper - 1 - min(self.lb[c] for c in open_)) // max(1, shortest)
        k_cap = {name: min(k, k_most) for name, k in self.k_model.items()}
        for kind in mission_kinds(self.rel):
            if not open_ or self.budget.left() <= 0.05 or self.budget.stopped():
                break
            idx = _kind_count(self.rel, kind)
            self.say(f"split on C's missions of the kind {kind}, {len(open_)} combinations open")
            # the fewest beds C takes at each base over the open combinations
            least_beds: dict[str, int] = {}
            for c in open_:
                for base, nb in self.beds_of(c).items():
                    least_beds[base] = min(least_beds.get(base, nb), nb)
            still = [c for c in open_ if not self.settle(c, kind, idx, need, least_beds, k_cap)]
            self.say(f"  settled {len(open_) - len(still)} of {len(open_)}")
            open_ = still
        return open_


def prove_flying(data: ModelData, fixed: dict[str, int], upper: int, *, time_limit: float = 1800.0,
                 stop: threading.Event | None = None, log=None, trace=None) -> FlyingProof:
    """Try to prove that no plan meeting the earlier goals ``fixed`` (model units, as
    :class:`~logistics.bounds.relax.Relaxation` takes them) flies fewer than ``upper``
    minutes (module docstring). ``log``: called with each step's line as it is proven;
    ``trace``: with a line per relaxation solved."""
    t0 = time.perf_counter()
    steps: list[str] = []

    def say(line: str) -> None:
        steps.append(line)
        if log is not None:
            log(line)

    run = _Coupling(data, fixed, upper, Budget(time_limit, False, stop), say, trace)
    proof = FlyingProof(False, 0, upper, steps, 0.0, run.names(run.c), run.names(run.rest))
    say(f"C = {', '.join(proof.c_units)}; R = {', '.join(proof.r_units) or '(none)'} "
        f"({run.n_groups} groups that no mission carries across)")
    # 1. R alone
    g_free = 0
    if run.rest:
        st, g_free = _exact_least(data, run.rest, fixed, run.k_model, run.budget)
        say(f"R alone flies at least {g_free} ({st}; the exact model, every other unit removed)")
        if st == "infeasible":
            proof.proven, proof.bound = True, upper
            say("R alone cannot meet the earlier goals: no plan does")
            return _done(proof, t0)
    # 2. C per combination of its bases; 3. the split, per open combination
    need = upper - g_free
    open_ = run.per_combination(need)
    if open_ and run.rest:
        open_ = run.split(open_, need)
    proof.proven = not open_
    proof.bound = upper if proof.proven else min([upper] + [run.lb[c] + g_free for c in open_])
    say(("PROVEN: no plan meeting the earlier goals flies fewer than " if proof.proven else
         "NOT PROVEN: plans meeting the earlier goals fly at least ") + f"{proof.bound} minutes")
    return _done(proof, t0)


def _done(proof: FlyingProof, t0: float) -> FlyingProof:
    proof.seconds = time.perf_counter() - t0
    return proof


@dataclass
class GoalProof:
    """One goal of a plan checked by :func:`prove_plan` (SPEC units)."""

    goal: str
    value: float
    bound: float | None  # proven lower bound, if any
    how: str

    @property
    def proven(self) -> bool:
        return self.bound is not None and self.bound >= self.value - 1e-6


@dataclass
class PlanProof:
    """What :func:`prove_plan` proved about a plan, goal by goal in the scenario's order."""

    goals: list[GoalProof]
    flying: FlyingProof | None
    seconds: float

    @property
    def proven(self) -> bool:
        """Every goal up to and including flying hours proven least (lexicographically)."""
        return bool(self.goals) and all(g.proven for g in self.goals)


def prove_plan(scenario, plan, *, time_limit: float = 1800.0, stop: threading.Event | None = None,
               log=None, trace=None) -> PlanProof:
    """Check, goal by goal in the scenario's order up to ``flying_hours``, that no plan
    does better than ``plan`` (which must pass :func:`logistics.verify.verify`).

    Each goal is least among the plans that equal ``plan`` on the goals before it:
    ``undelivered`` and ``lateness`` at 0, or meeting the search-free bound
    (:func:`logistics.bounds.search_free.undelivered_bound`); ``closure`` when, for some group
    of units that no mission carries across (every other unit removed), the
    relaxation cannot land it one minute sooner; ``flying_hours`` by
    :func:`prove_flying`. Goals after ``flying_hours`` are not checked. ``log`` and
    ``trace`` as :func:`prove_flying`'s. Raises ``ValueError`` if the plan breaks a
    rule."""
    from ..model.data import build_data
    from ..verify import verify
    from .relax import closure_bound
    from .search_free import undelivered_bound

    t0 = time.perf_counter()
    bad = verify(scenario, plan)
    if bad:
        raise ValueError(f"the plan breaks {len(bad)} rule(s), first: {bad[0]}")
    data = build_data(scenario)
    order = list(scenario.objective)
    if "flying_hours" in order:
        order = order[: order.index("flying_hours") + 1]
    vals = dict(zip(scenario.objective, plan.objective_values(scenario), strict=True))
    fixed: dict[str, int] = {}
    goals: list[GoalProof] = []
    flying = None

    def say(line: str) -> None:
        if log is not None:
            log(line)

    for goal in order:
        v = vals[goal]
        left = time_limit - (time.perf_counter() - t0)
        if goal in ("undelivered", "lateness") and v <= 1e-9:
            gp = GoalProof(goal, v, 0.0, "0, the least possible")
        elif goal == "undelivered":
            ub = undelivered_bound(scenario)
            gp = GoalProof(goal, v, ub.value,
                           "the beds-and-transit bound (logistics.bounds.search_free.undelivered_bound)")
        elif goal == "closure":
            target = math.floor(v * GOAL_SCALE[goal] + 1e-6)
            comps = mission_components(data, {**fixed, "closure": target})
            gp = GoalProof(goal, v, None, "not proven: every group's relaxation can land one minute sooner")
            # the group ready last first: the one whose closure binds
            comps.sort(key=lambda c: -max(data.units[u].ready for u in c))
            for comp in comps:
                sub = subset(data, set(comp)) if len(comp) < len(data.units) else data
                r = closure_bound(sub, fixed, target, target - 1, time_limit=max(1.0, min(300.0, left / 2)),
                                  workers=2, stop=stop)
                if r.bound is not None and r.bound >= target:
                    names = ", ".join(data.units[u].unit.id for u in sorted(comp))
                    gp = GoalProof(goal, v, target / GOAL_SCALE[goal],
                                   f"the relaxation of {names} alone (every other unit removed) cannot land "
                                   f"them all by minute {target - 1}")
                    break
        elif goal == "flying_hours":
            upper = round(v * GOAL_SCALE[goal])
            flying = prove_flying(data, fixed, upper, time_limit=max(1.0, left), stop=stop, log=log,
                                  trace=trace)
            gp = GoalProof(goal, v, flying.bound / GOAL_SCALE[goal],
                           "prove_flying: " + ("proven" if flying.proven else "not proven") +
                           f" ({len(flying.steps)} steps)")
        else:
            gp = GoalProof(goal, v, None, "no proof for this goal here")
        goals.append(gp)
        say(f"{goal}: {v:g} " + ("PROVEN least" if gp.proven else "not proven") + f" - {gp.how}")
        fixed[goal] = round(v * GOAL_SCALE[goal])
    return PlanProof(goals, flying, time.perf_counter() - t0)
