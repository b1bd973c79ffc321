"""Fewer flying hours under the earlier goals, group by group.

:func:`flying_search` improves a plan's flying hours (minutes) and bounds them. For
each group of units that no mission can carry across
(:func:`~logistics.bounds.flying.mission_components`), smaller first, each a share of
the time left in proportion to its units:

1. its bound: its least flying hours in the relaxation
   (:func:`~logistics.bounds.flying.least_flying`), looking only below what the plan
   flies for it;
2. if the plan flies more, a repair guided by the relaxation's best solution, if its
   bases fit the beds the other groups take: the slot model with the group's missions
   restricted to the relaxation's (routing, start period, riders), the other missions
   held exactly (those in a conflict let go), minimising flying hours below the
   incumbent's;
3. if the plan still flies more than the bound, a repair guided by the *inner* grid
   (:class:`~logistics.bounds.relax.Relaxation` with ``inner``): SCIP minimises the
   group's flying hours with the other missions held where the plan has them; any
   start in a chosen period then fits the aircraft, parking and crew hours they leave.

Then, with :data:`HELD_SHARE` of the time kept for it, pairs of groups are re-planned
together, bases free, every other mission held (:func:`held_out`), and last the
groups' bound is held to the beds together
(:func:`~logistics.bounds.flying.coupled_flying`), repairing towards the choice of
bases it finds below the plan.
"""

from __future__ import annotations

import itertools

from ..bounds.flying import LeastFlying, Side, coupled_flying, least_flying, mission_components
from ..bounds.relax import Relaxation
from ..bounds.scip import solve_mip
from ..model.build import AirliftModel
from ..model.convert import missions_from_values
from ..model.subset import beds_taken, group_flying, subset
from .context import SearchContext, SearchResult, Vector
from .held import held_out
from .repair import guide_fits, repair

__all__ = ["flying_search"]

#: share of a group's time in :func:`flying_search` for its bound (least_flying); the
#: repairs get the rest and whatever the bound leaves
BOUND_SHARE = 0.7
#: share of :func:`flying_search`'s time kept for re-planning groups two at a time,
#: bases free, every other mission held (:func:`held_out`), after the groups' own steps
HELD_SHARE = 0.25
#: at most this many pairs of groups are tried (smallest first)
HELD_PAIRS = 12
#: time (seconds, or deterministic units) a pair needs at the least: building and
#: presolving Baghdad's 2-504 with the middle group takes about 5 s and the first
#: better plan comes at about 12 s; with 8 s each, its three pairs found nothing in a
#: 600 s solve. Pairs are tried only as many as get this much, none if none does, and
#: then the bounds keep the time
HELD_MIN = 20.0


class _Run:
    """One :func:`flying_search`: the plan as it improves and what was proven."""

    def __init__(self, ctx: SearchContext, values: dict, incumbent: int):
        self.ctx = ctx
        self.values = values
        self.target = ctx.fixed.get("closure", ctx.data.horizon)
        self.res = SearchResult(0, incumbent, None, [], 0.0, 0.0)

    def missions(self):
        return missions_from_values(self.ctx.data, self.ctx.am, self.values)

    def take(self, sol: list[int], part: dict) -> None:
        """A repaired plan ``sol`` becomes the incumbent."""
        self.values = {var: sol[var.Index()] for var in self.values}
        self.res.value, self.res.solution = self.ctx.am.goal_value("flying_hours", self.values), sol
        part["repaired"] = self.res.value

    def group(self, crit: set[int], part: dict, share: float, end: float) -> Side | None:
        """Steps 1-3 for one group; its side for the coupled bound (None if its earlier
        goals cannot hold)."""
        ctx, res = self.ctx, self.res
        data, budget = ctx.data, ctx.budget
        sdata = data if len(crit) == len(data.units) else subset(data, crit)
        missions = self.missions()
        plan = part["plan"] = group_flying(data, missions, crit)
        least = least_flying(sdata, ctx.fixed, time_limit=share * BOUND_SHARE, upper=plan,
                             deterministic=budget.deterministic, stop=budget.stop)
        budget.charge(least.spent)
        part.update(status=least.status, bound=least.bound)
        if least.leaves:
            part.update(leaves=least.leaves, open_leaves=least.open_leaves)
        side = None
        if least.status == "infeasible":  # the earlier goals cannot hold: nothing to add
            part["bound"] = 0
        else:
            side = Side(crit, least)
        res.bound += part["bound"]
        if plan <= least.bound:
            return side
        # 2. the relaxation's best solution as the guide
        if self._outer_repair(crit, sdata, least, missions, part, end):
            plan = group_flying(data, self.missions(), crit)
        # 3. the inner grid's guide
        share = budget.left() - end
        if plan > least.bound and share > 0.2 and not budget.stopped():
            sol = self._inner_repair(crit, share, part)
            if sol is not None:
                self.take(sol, part)
        return side

    def _outer_repair(self, crit: set[int], sdata, least: LeastFlying, missions, part: dict, end: float) -> bool:
        """Step 2: a repair guided by the group's best relaxation solution."""
        ctx = self.ctx
        if least.solution is None:
            return False
        guide = Vector(least.solution)
        if not guide_fits(ctx.data, sdata, least.rel, guide, beds_taken(ctx.data, ctx.am, self.values, crit)):
            part["outer_repair"] = "beds taken"
            return False
        step: dict = {}
        sol = repair(ctx, self.values, missions, crit, self.target, max(0.25, (ctx.budget.left() - end) / 4), step,
                     (sdata, least.rel, guide), minimize=("flying_hours", self.res.value), hold=True)
        part["outer_repair"] = step.get("restriction")
        if sol is None:
            return False
        self.take(sol, part)
        return True

    def _inner_repair(self, crit: set[int], share: float, part: dict) -> list[int] | None:
        """Step 3: a repair guided by the inner grid; a full solution flying less than
        the incumbent, or None."""
        ctx = self.ctx
        data, am, budget = ctx.data, ctx.am, ctx.budget
        missions = self.missions()
        flies = group_flying(data, missions, crit)
        held = [(data.groups[ms.group].pool, ms.start, data.groups[ms.group].options[ms.option])
                for ms in missions if not set(ms.loads) & crit]
        sdata = subset(data, crit, beds_taken(data, am, self.values, crit))
        rel = Relaxation(sdata, ctx.fixed, inner=True, held=held)
        rel.m.Add(rel.flying <= flies - 1)
        rel.m.Minimize(rel.flying)
        mip = solve_mip(rel.m, share * 0.8, deterministic=budget.deterministic, stop=budget.stop)
        if mip is None:
            return None
        budget.charge(mip.spent)
        part["guide_status"] = mip.status
        if mip.solution is None:
            return None
        part["guide_value"] = mip.value
        left = share - (mip.spent if budget.deterministic else mip.seconds)
        return repair(ctx, self.values, missions, crit, self.target, max(0.25, min(left, budget.left())) / 2, part,
                      (sdata, rel, Vector(mip.solution)), minimize=("flying_hours", self.res.value), hold=True)

    def pairs(self, comps: list[list[int]], share: float) -> None:
        """Each pair of groups re-planned together, bases free, every other mission held
        (:func:`held_out`), in passes while one improves and ``share`` of the time
        lasts."""
        ctx, res = self.ctx, self.res
        am, budget = ctx.am, ctx.budget
        pairs = sorted(((a, b) for a, b in itertools.combinations(range(len(comps)), 2)),
                       key=lambda p: len(comps[p[0]]) + len(comps[p[1]]))
        pairs = pairs[:max(1, min(HELD_PAIRS, int(share // HELD_MIN)))]
        res.held = []
        end = budget.left() - share
        better = True
        settled: set[tuple[int, int]] = set()  # solved to the end since the plan last changed
        while better:
            better = False
            for k, (a, b) in enumerate(pairs):
                left = budget.left() - end
                if left <= 0.5 or budget.stopped():
                    return
                if (a, b) in settled:
                    continue
                crit = set(comps[a]) | set(comps[b])
                part: dict = {"units": [ctx.data.units[ui].unit.id for ui in sorted(crit)],
                              "plan": group_flying(ctx.data, self.missions(), crit)}
                res.held.append(part)
                sol = held_out(ctx, self.values, self.target, crit, left / (len(pairs) - k), part)
                done = part.get("status") in ("optimal", "infeasible")
                if sol is not None:
                    vals = {var: sol[var.Index()] for var in self.values}
                    if am.goal_value("flying_hours", vals) < res.value and all(
                            am.goal_value(g, vals) <= v for g, v in ctx.fixed.items() if g in am.goal_terms):
                        self.take(sol, part)
                        better = True
                        settled.clear()  # the other pairs' held missions moved
                if done:
                    settled.add((a, b))

    def couple(self, sides: list[Side]) -> None:
        """The groups' bound held to the beds together (coupled_flying) against the
        plan's hours; while that finds a choice of bases below them, each group that
        flies more than its share of it is repaired with its solution there as the
        guide."""
        ctx, res = self.ctx, self.res
        budget = ctx.budget
        rec: dict = {"start": res.bound}
        res.joint = rec
        while budget.left() > 0.05 and not budget.stopped():
            now = [_plan_combo(ctx.am, self.values, side) for side in sides]
            bound, pick = coupled_flying(sides, ctx.data.capacity, res.value, budget, rec, now)
            if bound > res.bound:
                res.bound = bound
            rec["bound"] = res.bound
            if pick is None or not self._towards(sides, pick, rec):
                break

    def _towards(self, sides: list[Side], pick: list[tuple], rec: dict) -> bool:
        """Repair the groups that fly more than the choice ``pick``, those with the most
        to gain first; whether one improved the plan."""
        ctx = self.ctx
        budget = ctx.budget
        missions = self.missions()
        gains = []
        for side, combo in zip(sides, pick, strict=True):
            flies = group_flying(ctx.data, missions, side.units)
            if flies > side.table[combo]:
                gains.append((flies - side.table[combo], side, combo))
        better = False
        for _, side, combo in sorted(gains, key=lambda t: -t[0]):
            if budget.left() <= 0.05 or budget.stopped():
                break
            least = side.least
            guide = Vector(least.exact[combo])
            if not guide_fits(ctx.data, least.rel.data, least.rel, guide,
                              beds_taken(ctx.data, ctx.am, self.values, side.units)):
                continue
            step: dict = {}
            sol = repair(ctx, self.values, self.missions(), side.units, self.target, max(0.25, budget.left() / 4),
                         step, (least.rel.data, least.rel, guide), minimize=("flying_hours", self.res.value),
                         hold=True)
            rec["repairs"] = rec.get("repairs", 0) + 1
            if sol is not None:
                self.take(sol, rec)
                better = True
        return better


def flying_search(ctx: SearchContext, values: dict, incumbent: int) -> SearchResult:
    """Bound the flying hours (minutes) of the plan ``values`` (flying ``incumbent``)
    under the context's earlier goals and improve it (module docstring). ``checks`` of
    the result holds, per group, its units, the bound and how it was proven, and what
    the repairs did (minutes); ``held`` the pairs of groups, ``joint`` the coupled
    bound."""
    data, budget = ctx.data, ctx.budget
    run = _Run(ctx, values, incumbent)
    res = run.res
    comps = sorted(mission_components(data, ctx.fixed), key=len)
    parts: list[dict] = [{"units": [data.units[ui].unit.id for ui in comp]} for comp in comps]
    res.checks = parts
    # kept for the pairs of groups after the groups' own steps
    reserve = HELD_SHARE * budget.limit if len(comps) >= 2 else 0.0
    if reserve < HELD_MIN:
        reserve = 0.0
    sides: list[Side] = []
    for k, (comp, part) in enumerate(zip(comps, parts, strict=True)):
        share = (budget.left() - reserve) * len(comp) / sum(len(c) for c in comps[k:])
        if share <= 0.05 or budget.stopped():
            part.update(status="skipped", bound=0)
            continue
        side = run.group(set(comp), part, share, budget.left() - share)  # the next groups keep the rest
        if side is not None:
            sides.append(side)
    if reserve and res.value > res.bound:
        run.pairs(comps, reserve)
    if len(sides) == len(comps) and res.value > res.bound:
        run.couple(sides)
    res.seconds = budget.elapsed
    res.spent = budget.spent
    return res


def _plan_combo(am: AirliftModel, values: dict, side: Side) -> tuple:
    """The combination of bases (in the group's own unit indices) that the plan gives a
    group."""
    order = sorted(side.units)
    base = {ui: d for (ui, d), z in am.v.dest.items() if ui in side.units and values.get(z, 0)}
    return tuple((k, base.get(ui)) for k, ui in enumerate(order))
