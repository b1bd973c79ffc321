"""A proof of the least flying hours when groups of units compete for aircraft and crews.

:func:`logistics.guided.flying_search` bounds each group of units that no mission can
carry across (:func:`~logistics.guided.mission_components`) on its own, and the groups'
bounds add up. They fall short when the groups compete for a scarce aircraft type: on
Baghdad the three groups' bounds sum to a few minutes below the optimum, because all
three want the four C-5s and their crews' daily hours. :func:`prove_flying` couples
one group, *C*, with the rest, *R*, given a plan's flying minutes ``upper``:

1. *R alone*: the exact slot model of R's units with every other unit removed (so every
   bed, aircraft, ramp and crew hour is theirs), least flying minutes ``g`` by CP-SAT.
   Removing units only relaxes the model.
2. *C per combination of its bases* ``c``: C's time-indexed relaxation
   (:class:`~logistics.relax.Relaxation`) with the bases fixed, solved by SCIP below
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

from .guided import _beds_of, _Clock, _combos, _leaf, _run_solver, _subset, mission_components
from .model.build import AirliftModel, Reservation
from .model.data import ModelData
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
            sure.setdefault(d.groups[gi].aircraft, []).append((hi, lo + r.cycle, gi, oi))
    fleet = {t: sum(c for _, c in steps) for t, steps in d.fleet.items()}
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


def _at_least(rel: Relaxation, combo, need: int, clock: _Clock, stop, count=None,
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
        left = clock.left()
        if left <= 0.05 or (stop is not None and stop.is_set()):
            return False, lb
        r = _leaf(rel, combo, min(cap, left), need + LEAF_MARGIN, False, stop, count=count, first=first)
        clock.spent += r.seconds
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
                 clock: _Clock, stop, *, reserved=(),
                 beds_taken: dict[str, int] | None = None) -> tuple[str, int]:
    """R's exact slot model alone (every other unit removed), least flying minutes:
    (status, proven bound). The earlier goals hold for R's part (the other units' part
    is at least 0); slots per group ``k_cap``."""
    sdata = _subset(data, units, beds_taken)
    sdata.groups[:] = [dataclasses.replace(g, k=k_cap.get(g.name, g.k)) for g in sdata.groups]
    am = AirliftModel(sdata, crew_types=frozenset(sdata.fleet), reserved=list(reserved))
    m = am.m
    for goal, val in fixed.items():
        if goal == "closure":
            m.Add(am.v.force_closure <= val)
        elif goal in am.goal_exprs:
            m.Add(am.goal_exprs[goal] <= val)
    m.Minimize(am.goal_exprs["flying_hours"])
    status, s = _run_solver(m, clock, 2, False, 0, max(0.5, min(EXACT_SECONDS, clock.left())), stop)
    if status == "infeasible":
        return status, 10**9
    return status, (math.ceil(s.BestObjectiveBound() - 1e-6) if s is not None else 0)


def _weight(data: ModelData, units: list[int]) -> int:
    return sum(sum(data.units[ui].demand.values()) for ui in units)


def prove_flying(data: ModelData, fixed: dict[str, int], upper: int, *, time_limit: float = 1800.0,
                 stop: threading.Event | None = None, log=None, trace=None) -> FlyingProof:
    """Try to prove that no plan meeting the earlier goals ``fixed`` (model units, as
    :class:`~logistics.relax.Relaxation` takes them) flies fewer than ``upper`` minutes
    (module docstring). ``log``: called with each step's line as it is proven;
    ``trace``: with a line per relaxation solved."""
    t0 = time.perf_counter()
    clock = _Clock(time_limit, False)
    steps: list[str] = []

    def say(line: str) -> None:
        steps.append(line)
        if log is not None:
            log(line)

    comps = mission_components(data, fixed)
    big = max(comps, key=lambda c: (_weight(data, c), len(c)))
    rest = set().union(*[set(c) for c in comps if c is not big])
    proof = FlyingProof(False, 0, upper, steps, 0.0, [data.units[u].unit.id for u in sorted(big)],
                        [data.units[u].unit.id for u in sorted(rest)])
    say(f"C = {', '.join(proof.c_units)}; R = {', '.join(proof.r_units) or '(none)'} "
        f"({len(comps)} groups that no mission carries across)")
    cdata = _subset(data, set(big)) if rest else data
    rel = Relaxation(cdata, fixed, type_counts=True)
    rel.m.Minimize(rel.flying)
    k_model = {g.name: g.k for g in data.groups}

    # 1. R alone
    g_free = 0
    if rest:
        st, g_free = _exact_least(data, rest, fixed, k_model, clock, stop)
        say(f"R alone flies at least {g_free} ({st}; the exact model, every other unit removed)")
        if st == "infeasible":
            proof.proven, proof.bound = True, upper
            say("R alone cannot meet the earlier goals: no plan does")
            return _done(proof, t0)
    # 2. C per combination of its bases
    combos: list = _combos(cdata, fixed) or [None]
    if combos == [None]:
        say("C has too many combinations of bases to branch on: its relaxation as a whole")
    lb: dict = {}
    need = upper - g_free
    open_: list = []
    for c in combos:
        ok, b = _at_least(rel, c, need, clock, stop, trace=trace)
        lb[c] = b
        if not ok:
            open_.append(c)
    say(f"C flies at least {need} = {upper} - {g_free} in {len(combos) - len(open_)} of its "
        f"{len(combos)} combinations of bases" + (f"; {len(open_)} open, least {min(lb[c] for c in open_)}"
                                                  if open_ else ""))
    # 3. the split, per open combination
    if open_ and rest:
        shortest = min(r.flight_minutes for g in _subset(data, rest).groups for r in g.options)
        k_most = (upper - 1 - min(lb[c] for c in open_)) // max(1, shortest)
        k_cap = {name: min(k, k_most) for name, k in k_model.items()}
        cache: dict[tuple, int] = {}

        def r_held(kind: MissionKind, n: int, base: str | None, beds: int) -> int:
            key = (kind, n, base, beds)
            if key not in cache:
                st, v = _exact_least(data, rest, fixed, k_cap, clock, stop, reserved=[kind.footprint] * n,
                                     beds_taken={base: beds} if base else None)
                cache[key] = v
                say(f"  R with {n} x [{kind.aircraft} {kind.footprint.start}-{kind.footprint.end}] reserved"
                    + (f" and {beds} fewer beds at {base}" if base else "") + f" flies at least {v} ({st})")
            return cache[key]

        def beds_of(c) -> dict[str, int]:  # None: C's bases free, no beds known
            return _beds_of(cdata, c) if c is not None else {}

        fleet = {t: sum(c for _, c in steps_) for t, steps_ in cdata.fleet.items()}
        for kind in mission_kinds(rel):
            if not open_ or clock.left() <= 0.05 or (stop is not None and stop.is_set()):
                break
            idx = _kind_count(rel, kind)
            say(f"split on C's missions of the kind {kind}, {len(open_)} combinations open")
            still = []
            # the fewest beds C takes at each base over the open combinations
            least_beds: dict[str, int] = {}
            for c in open_:
                for base, nb in beds_of(c).items():
                    least_beds[base] = min(least_beds.get(base, nb), nb)
            for c in open_:
                settled = False
                for n in range(1, fleet.get(kind.aircraft, 0) + 1):
                    few, _ = _at_least(rel, c, need, clock, stop, (idx, 0, n - 1), trace)
                    if not few:
                        break
                    held = r_held(kind, n, None, 0)
                    for base in sorted(beds_of(c)):
                        if lb[c] + held >= upper:
                            break
                        held = max(held, r_held(kind, n, base, least_beds[base]))
                    many = lb[c] + held >= upper or _at_least(rel, c, upper - held, clock, stop,
                                                              (idx, n, None), trace)[0]
                    if many:
                        settled = True
                        lb[c] = upper
                        break
                if not settled:
                    still.append(c)
            say(f"  settled {len(open_) - len(still)} of {len(open_)}")
            open_ = still
    proof.proven = not open_
    proof.bound = upper if proof.proven else min([upper] + [lb[c] + g_free for c in open_])
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
    (:func:`logistics.estimate.undelivered_bound`); ``closure`` when, for some group
    of units that no mission carries across (every other unit removed), the
    relaxation cannot land it one minute sooner; ``flying_hours`` by
    :func:`prove_flying`. Goals after ``flying_hours`` are not checked. ``log`` and
    ``trace`` as :func:`prove_flying`'s. Raises ``ValueError`` if the plan breaks a
    rule."""
    from .estimate import undelivered_bound
    from .model.data import build_data
    from .relax import closure_bound
    from .units import GOAL_SCALE
    from .verify import verify

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
                           "the beds-and-transit bound (logistics.estimate.undelivered_bound)")
        elif goal == "closure":
            target = math.floor(v * GOAL_SCALE[goal] + 1e-6)
            comps = mission_components(data, {**fixed, "closure": target})
            gp = GoalProof(goal, v, None, "not proven: every group's relaxation can land one minute sooner")
            # the group ready last first: the one whose closure binds
            comps.sort(key=lambda c: -max(data.units[u].ready for u in c))
            for comp in comps:
                sub = _subset(data, set(comp)) if len(comp) < len(data.units) else data
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
