"""Bounds of the flying hours: per group of units that no mission can carry across,
and those groups held to the beds together.

A plan's missions fall into groups of units (:func:`mission_components`): no mission
of the model carries units of two groups. Each group's least flying hours in the
time-indexed relaxation (:func:`least_flying`, SCIP branching on the units' bases) are
a bound of its own, and the groups' sum bounds the force (:func:`flying_bound`);
:func:`coupled_flying` raises that sum by holding the groups' bases to the beds
together. Nothing here plans: :mod:`logistics.search.flying` repairs plans towards
what these bounds find.
"""

from __future__ import annotations

import itertools
import math
import threading
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from ..model.data import ModelData
from ..model.subset import beds_of, subset
from ..runtime import Budget, cpsat_solver
from .relax import STEP_MINUTES, Relaxation, RelaxResult
from .scip import MipResult, solve_mip

__all__ = ["LeastFlying", "Side", "coupled_flying", "flying_bound", "least_flying", "mission_components"]

#: :func:`least_flying` branches on the units' destinations when there are at most this
#: many combinations (the beds allowing)
DEST_LEAVES = 512
#: share of :func:`least_flying`'s time for SCIP on the group as a whole
ROOT_SHARE = 0.1
#: rounds over the open leaves in :func:`least_flying`, each giving every open leaf an
#: equal share of the time left (most leaves fall to the cut at once)
LEAF_ROUNDS = 4
#: :func:`coupled_flying`: a leaf's first time limit (seconds, or deterministic units),
#: doubled each time the same leaf comes back unsettled
JOINT_LEAF = 20.0


def mission_components(data: ModelData, fixed: dict[str, int]) -> list[list[int]]:
    """Groups of units that no mission can carry across, under the earlier goals' values
    ``fixed``.

    Two units are joined when some bucket of the time-indexed relaxation (a routing
    and a 15-minute start period) holds starts that both could ride: its window, the
    required dates when lateness is fixed at 0, and the closure fixed. Units in
    different groups never share a mission of the model, since every mission lies in
    the bucket of its start and every rider is among that bucket's units. On Baghdad
    at the proven closure: the lead battalion; the next two battalions with the
    headquarters (the headquarters and 3-504 may share a B747 starting at h54); the
    last wave.
    """
    rel = Relaxation(data, fixed)
    parent = list(range(len(data.units)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for b in rel.buckets:
        first, *rest = b.units
        for ui in rest:
            parent[find(ui)] = find(first)
    groups: dict[int, list[int]] = {}
    for ui in range(len(data.units)):
        groups.setdefault(find(ui), []).append(ui)
    return sorted(groups.values())


@dataclass
class LeastFlying:
    """A group's least flying hours in the relaxation (:func:`least_flying`; minutes)."""

    status: str  # optimal | feasible (bound below the best) | infeasible | unknown
    bound: int  # proven: every solution flies at least this (``upper`` if none below it)
    value: int | None  # the best solution found below ``upper``, if any
    solution: list[int] | None  # its value per variable of ``rel``
    rel: Relaxation
    leaves: int  # destination combinations branched on (0: SCIP on the group alone)
    open_leaves: int  # those left unproven when time ran out
    spent: float
    #: per combination of bases the beds allow (:func:`combos`), a proven lower bound
    #: of its least flying hours (infeasible ones left out); when there are too many
    #: combinations to list, one entry ``()`` that takes no beds
    table: dict[tuple, int] = field(default_factory=dict)
    #: the combinations solved to their least: a solution of ``rel`` there
    exact: dict[tuple, list[int]] = field(default_factory=dict)


def combos(sdata: ModelData, fixed: dict[str, int]) -> list[tuple] | None:
    """The combinations of bases of ``sdata``'s units, each unit's from its list, that
    fit the beds (a unit may go nowhere, ``None``, unless everything must be
    delivered); None if there are more than :data:`DEST_LEAVES` to consider."""
    all_full = fixed.get("undelivered") == 0
    choices = [[(u.idx, d) for d in u.dests] + ([] if all_full else [(u.idx, None)]) for u in sdata.units]
    if math.prod(len(c) for c in choices) > DEST_LEAVES:
        return None
    out = []
    for combo in itertools.product(*choices):
        if all(n <= sdata.capacity.get(d, n) for d, n in beds_of(sdata, combo).items()):
            out.append(combo)
    return out


def _combo_of(rel: Relaxation, sol: list[int]) -> tuple:
    """The combination of bases a solution of ``rel`` chooses."""
    base = {ui: d for (ui, d), z in rel._dest.items() if sol[z.Index()]}
    return tuple((u.idx, base.get(u.idx)) for u in rel.data.units)


def leaf(rel: Relaxation, combo: tuple | None, cap: float, cutoff: int | None, deterministic: bool,
          stop: threading.Event | None, *, count: tuple[list[int], int, int | None] | None = None,
          first: bool = False) -> MipResult:
    """``rel``'s MIP (its objective set) with the units' bases fixed at ``combo`` (None:
    free) and ``count`` = (indices of count variables, least, most or None) on their
    sum; ``first`` as :func:`~logistics.bounds.scip.solve_mip`'s."""
    m = rel.m.Clone()
    if combo is not None:
        base = dict(combo)
        for (ui, d), z in rel._dest.items():
            m.Add(m.GetIntVarFromProtoIndex(z.Index()) == int(base[ui] == d))
    if count is not None:
        idx, lo, hi = count
        total = sum(m.GetIntVarFromProtoIndex(i) for i in idx)
        if lo > 0:
            m.Add(total >= lo)
        if hi is not None:
            m.Add(total <= hi)
    return solve_mip(m, max(0.05, cap), deterministic=deterministic, stop=stop, cutoff=cutoff, first=first)


class _Least:
    """The state of one :func:`least_flying` run: the relaxation, the best solution so
    far (the cut) and the table of combinations."""

    def __init__(self, sdata: ModelData, fixed: dict[str, int], budget: Budget, upper: int | None):
        self.budget = budget
        self.rel = Relaxation(sdata, fixed, type_counts=True)
        self.rel.m.Minimize(self.rel.flying)
        self.cut = upper
        self.value: int | None = None
        self.solution: list[int] | None = None
        self.combos = combos(sdata, fixed)
        self.table: dict[tuple, int] | None = None
        self.exact: dict[tuple, list[int]] = {}

    def note(self, r: MipResult | None) -> MipResult | None:
        """Charge a solve and keep its solution if it is the best so far."""
        if r is None:
            return None
        self.budget.charge(r.spent)
        if r.solution is not None and (self.cut is None or r.value < self.cut):
            self.cut, self.value, self.solution = r.value, r.value, r.solution
        return r

    def mip(self, limit: float) -> MipResult | None:
        """SCIP on the group as a whole."""
        return self.note(solve_mip(self.rel.m, max(0.05, limit), deterministic=self.budget.deterministic,
                                   stop=self.budget.stop))

    def result(self, status: str, bound: int | None, leaves: int = 0, open_leaves: int = 0) -> LeastFlying:
        if status == "infeasible":
            tab: dict = {}
        elif self.table is not None:
            tab = self.table
        else:  # every combination flies at least the group's bound
            tab = {c: bound or 0 for c in (self.combos if self.combos is not None else [()])}
        return LeastFlying(status, bound if bound is not None else 0, self.value, self.solution, self.rel,
                           leaves, open_leaves, self.budget.spent, tab, dict(self.exact))

    def leaves(self, root_lb: int) -> LeastFlying:
        """Every combination a leaf, below the best value so far, in rounds."""
        budget, combos_ = self.budget, self.combos
        table = self.table = {c: root_lb for c in combos_}
        open_ = list(combos_)
        for _ in range(LEAF_ROUNDS):
            if not open_ or budget.left() <= 0.05 or budget.stopped():
                break
            nxt = []
            cap = budget.left() / len(open_)
            for k, combo in enumerate(open_):
                if budget.left() <= 0.05 or budget.stopped():
                    nxt += open_[k:]
                    break
                r = self.note(leaf(self.rel, combo, min(cap, budget.left()), self.cut, budget.deterministic,
                                   budget.stop))
                if r.status == "infeasible":
                    del table[combo]
                elif r.status == "cutoff":  # nothing below the cut
                    table[combo] = max(table[combo], r.bound)
                elif r.status == "optimal":  # its least, the new cut
                    table[combo] = r.value
                    self.exact[combo] = r.solution
                else:
                    table[combo] = max(table[combo], r.bound or 0)
                    nxt.append(combo)
            open_ = [c for c in nxt if self.cut is None or table[c] < self.cut]
        if self.cut is None and not open_:
            return self.result("infeasible", None, len(combos_))
        bnd = min([table[c] for c in open_] + ([self.cut] if self.cut is not None else []))
        return self.result("optimal" if not open_ else "feasible", bnd, len(combos_), len(open_))


def least_flying(sdata: ModelData, fixed: dict[str, int], *, time_limit: float, upper: int | None = None,
                 deterministic: bool = False, stop: threading.Event | None = None) -> LeastFlying:
    """The least flying hours (minutes) of the units of ``sdata`` in the time-indexed
    relaxation under the earlier goals ``fixed``, by SCIP, branching on where the units
    go.

    The relaxation ties a unit's loads to its base with a bound ``load ≤ demand × z``;
    its linear relaxation may split a unit between bases, and SCIP's branching
    closes that gap slowly (Baghdad's last wave: 455.6 h proven after 400 s against a
    503.0 h optimum). With every unit's base fixed the same MIP is easy, most
    combinations falling at the root to the cutoff (the best value so far): the last
    wave's 167 combinations that the beds allow take about 4 minutes, one of them 74 s.

    SCIP first gets :data:`ROOT_SHARE` of the time on the whole group; if that does not
    settle it and there are at most :data:`DEST_LEAVES` combinations, each combination
    is a leaf, solved in rounds (every open leaf an equal share of the time left) below
    the best value found. The bound is the least of the best value and the bounds of
    the leaves still open. ``upper``: a value known to be reached (a plan's); only
    solutions below it are looked for, and ``bound == upper`` proves it least.
    """
    run = _Least(sdata, fixed, Budget(time_limit, deterministic, stop), upper)
    rel, combos_ = run.rel, run.combos
    # the root without the cut: SCIP reports a bound only with a solution in hand
    root = run.mip(ROOT_SHARE * time_limit if combos_ is None or len(combos_) > 1 else time_limit)
    if root is None:  # no SCIP in this OR-Tools build: CP-SAT on the same model
        st, lb = rel.solve(time_limit, deterministic=deterministic, stop=stop)
        run.budget.charge(rel.spent)
        run.combos = None
        return run.result(st, lb)
    if root.status == "infeasible":
        return run.result("infeasible", None)
    if root.status == "optimal":
        run.exact[_combo_of(rel, root.solution)] = root.solution
        return run.result("optimal", root.value)
    if root.solution is None and run.budget.left() > 0.05:
        # no solution in the root's share (Baghdad's middle group, 13,000 variables, needs
        # about 20 s for its first) and so no bound: the leaves would find none
        # either, so SCIP keeps the whole group
        root = run.mip(run.budget.left())
        if root.status == "optimal":
            run.exact[_combo_of(rel, root.solution)] = root.solution
        if root.status in ("infeasible", "optimal"):
            return run.result(root.status, root.value)
        return run.result("feasible" if run.value is not None else "unknown", root.bound)
    root_lb = root.bound or 0
    if run.cut is not None and root_lb >= run.cut:
        return run.result("optimal", run.cut)
    if combos_ is None or len(combos_) <= 1:
        bnd = min(root_lb, run.cut) if run.cut is not None else root_lb
        return run.result("feasible" if run.value is not None else "unknown", bnd)
    return run.leaves(root_lb)


@dataclass
class Side:
    """One group of :func:`mission_components` in :func:`coupled_flying`."""

    units: set[int]  # the group's units (indices of the whole force)
    least: LeastFlying  # its own bound; ``table`` and ``exact`` grow as leaves are solved
    tries: dict[tuple, int] = field(default_factory=dict)  # leaves solved without settling

    @property
    def table(self) -> dict[tuple, int]:
        """Per combination of bases, a proven lower bound (``LeastFlying.table``)."""
        return self.least.table


def _joint_least(sides: list[Side], capacity: dict[str, int], prefer: list[tuple] | None = None
                 ) -> tuple[int | None, list[tuple]]:
    """The least sum over the groups of a combination's lower bound, one combination per
    group, the beds holding for all groups together (a small CP-SAT model); (None, [])
    if no choice fits. Of equal sums, the one that keeps most groups at their
    combination in ``prefer`` (the plan's: fewer units to move)."""
    m = cp_model.CpModel()
    pick: dict[tuple[int, tuple], cp_model.IntVar] = {}
    use: dict[str, list] = {}
    for k, side in enumerate(sides):
        row = []
        for combo in side.table:
            x = pick[(k, combo)] = m.NewBoolVar(f"pick[{k},{len(row)}]")
            row.append(x)
            for d, n in beds_of(side.least.rel.data, combo).items():
                use.setdefault(d, []).append(n * x)
        m.AddExactlyOne(row)
    for d, terms in use.items():
        if d in capacity:
            m.Add(sum(terms) <= capacity[d])
    moves = [x for (k, combo), x in pick.items() if prefer is not None and combo != prefer[k]]
    m.Minimize((len(sides) + 1) * sum(side.table[combo] * pick[(k, combo)]
                                      for k, side in enumerate(sides) for combo in side.table) + sum(moves))
    s = cpsat_solver(60.0, deterministic=False, workers=1)  # small: settles in well under a second
    if s.Solve(m) != cp_model.OPTIMAL:
        return None, []
    pickd = [next(c for c in side.table if s.Value(pick[(k, c)])) for k, side in enumerate(sides)]
    return sum(side.table[c] for side, c in zip(sides, pickd, strict=True)), pickd


def coupled_flying(sides: list[Side], capacity: dict[str, int], upper: int, budget: Budget, rec: dict,
                   prefer: list[tuple] | None = None) -> tuple[int, list[tuple] | None]:
    """A lower bound of the force's flying hours (minutes) that holds the groups of
    :func:`mission_components` to the beds *together*.

    Each group's least flying hours (:func:`least_flying`) are a bound of its own; the
    groups' sum ignores that their bases share the beds. On Baghdad at the proven
    closure the lead battalion's least is at Ali Al Salem and so is the last wave's,
    but with the middle group there too that is more soldiers than beds. A plan's
    flying hours are at least the sum over the groups of the least of the combination
    of bases each group has in it, and those combinations fit the beds together; so
    the least such sum over every choice of one combination per group is a bound
    (:func:`_joint_least`), with each combination's lower bound from the group's
    table.

    That choice is settled lazily against ``upper`` (the plan's hours): while the
    least choice sums below it, one of its combinations not yet solved to its least
    (smallest group first) is solved with the cutoff that would lift the sum to
    ``upper``; it either reaches the cutoff or is solved exactly. Returns the bound
    and, if the least choice is solved exactly in every group and sums below
    ``upper``, that choice (its solutions in the groups' ``exact``) to repair towards;
    else None; of equal sums, the one that moves fewest groups from ``prefer`` (the
    plan's combinations). ``rec`` receives the leaves solved.
    """
    while True:
        total, pick = _joint_least(sides, capacity, prefer)
        if total is None:  # no combination fits: no plan holds the earlier goals (never
            return 0, None  # with a plan in hand; nothing is claimed)
        if total >= upper:
            return upper, None
        todo = [k for k, side in enumerate(sides) if pick[k] not in side.least.exact and pick[k] != ()]
        if not todo:
            if all(pick[k] in side.least.exact for k, side in enumerate(sides)):
                return total, pick
            return total, None  # a group too large to branch on: nothing more to settle
        if budget.left() <= 0.05 or budget.stopped():
            return total, None
        k = min(todo, key=lambda j: len(sides[j].units))
        side, combo = sides[k], pick[k]
        lb = side.table[combo]
        cut = upper - (total - lb)
        tries = side.tries.get(combo, 0)
        r = leaf(side.least.rel, combo, min(budget.left(), JOINT_LEAF * 2**tries), cut, budget.deterministic,
                 budget.stop)
        budget.charge(r.spent)
        rec["leaves"] = rec.get("leaves", 0) + 1
        if r.status == "infeasible":
            del side.table[combo]
        elif r.status == "cutoff":
            side.table[combo] = max(lb, cut)
        elif r.status == "optimal":
            side.table[combo] = r.value
            side.least.exact[combo] = r.solution
        else:
            side.table[combo] = max(lb, r.bound or 0)
            side.tries[combo] = tries + 1
            rec["unsettled"] = rec.get("unsettled", 0) + 1



def flying_bound(data: ModelData, fixed: dict[str, int], *, time_limit: float,
                 deterministic: bool = False, stop: threading.Event | None = None) -> RelaxResult:
    """A lower bound of flying hours (minutes) under the earlier goals ``fixed``: the
    sum over :func:`mission_components` of each one's least flying hours in the
    time-indexed relaxation (:func:`least_flying`).

    Every mission of a plan carries a unit of exactly one component, and a plan's
    missions of one component are a solution of that component's relaxation (the
    other units' missions only take aircraft, parking, crew hours and beds), so the
    plan flies at least the sum of the components' optima; a component not solved in
    its share of the time adds the bound proven for it. Components solved one at a
    time are far easier than the whole force: on Baghdad at closure 117.07 h this
    proves 262.8 + 228.3 + 503.0 = 994.1 h. Components go smaller first, each a share
    of the time left in proportion to its units.
    """
    budget = Budget(time_limit, deterministic, stop)
    comps = sorted(mission_components(data, fixed), key=len)
    total = 0
    checks: list[dict] = []
    for k, comp in enumerate(comps):
        part: dict = {"units": [data.units[ui].unit.id for ui in comp]}
        checks.append(part)
        share = budget.left() * len(comp) / sum(len(c) for c in comps[k:])
        if share <= 0.05 or budget.stopped():
            part.update(status="skipped", bound=0)
            continue
        sdata = data if len(comp) == len(data.units) else subset(data, set(comp))
        least = least_flying(sdata, fixed, time_limit=share, deterministic=deterministic, stop=stop)
        budget.charge(least.spent)
        part.update(status=least.status, bound=0 if least.status == "infeasible" else least.bound)
        if least.leaves:
            part.update(leaves=least.leaves, open_leaves=least.open_leaves)
        total += part["bound"]
    return RelaxResult("flying_hours", total, None, budget.elapsed, STEP_MINUTES, {"components": checks},
                       budget.spent)
