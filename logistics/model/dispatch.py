"""A mission-by-mission dispatcher on the model's data, and the solution format
shared by the CP-SAT model, the dispatcher and plan extraction.

:class:`Dispatch` is one mission in the model's terms: a (group, option, start) and
its loads per unit in model units (pax, weight ticks). :func:`dispatch_greedy` builds
a complete schedule that respects every rule of SPEC section 3 (fleet pool and
availability, MOG everywhere, daily crew hours, windows, capacities, beddown), using
the per-minute books of :class:`~logistics.model.timeline.Timeline` to find the first
start of a mission that every limit takes. It serves three purposes: the hand-planning baseline
(``rule="hand"``), the naive planner's baseline (:func:`dispatch_naive`: one unit per
mission, ``top_up=False``) and the first solution that CP-SAT is hinted with
(``rule="earliest"``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..network import Routing
from ..units import CARGO, ticks_down
from .data import Group, ModelData, UnitData
from .timeline import Timeline

FILL_ORDER = ("outsize_stons", "oversize_stons", "bulk_stons")


@dataclass
class Dispatch:
    """One mission in model terms."""

    group: int
    option: int
    start: int
    loads: dict[int, dict[str, int]] = field(default_factory=dict)  # unit idx -> com -> qty
    #: a mission that may not move (a re-plan's started missions, SPEC 5.3): the
    #: improvement search holds it whatever units it frees
    fixed: bool = False

    def arrive(self, data: ModelData) -> int:
        return self.start + data.groups[self.group].options[self.option].arrive


def _fill(data: ModelData, g: Group, r: Routing, rem: dict[str, int],
          used: tuple[int, int] = (0, 0)) -> dict[str, int]:
    """Load as much of one unit's remaining demand as the mission takes (cargo first).

    ``used`` is (pax, cargo ticks) already aboard. Integer forms of the rules: pax ≤ S,
    cargo ≤ A, pax·A + cargo·S ≤ S·A (mixed load), pax·w + cargo ≤ payload.
    """
    S, A, pw = g.seats, g.acl, g.pax_w
    p0, c0 = used
    W = ticks_down(r.payload_stons)
    load: dict[str, int] = {}
    cargo = c0
    if A > 0:
        cap_c = min(A, W - p0 * pw)
        if S > 0:
            cap_c = min(cap_c, (S * A - p0 * A) // S)
        for com in FILL_ORDER:
            if com in g.commodities and rem.get(com, 0) > 0:
                q = min(rem[com], cap_c - cargo)
                if q > 0:
                    load[com] = q
                    cargo += q
    if "pax" in g.commodities and rem.get("pax", 0) > 0 and S > 0:
        p = min(rem["pax"], S - p0, (W - cargo) // pw - p0 if pw else S - p0)
        if A > 0:
            p = min(p, (S * A - cargo * S) // A - p0)
        if p > 0:
            load["pax"] = p
    return load


ORDERS = {
    "ready": lambda u: (u.ready, u.unit.priority, u.idx),
    "priority": lambda u: (u.unit.priority, u.ready, u.idx),
    "rdd": lambda u: (u.rdd, u.unit.priority, u.idx),
    "slack": lambda u: (u.rdd - (u.min_arrival or u.ready), u.unit.priority, u.idx),
    "lad": lambda u: (u.lad, u.unit.priority, u.idx),
}
#: the orders :func:`dispatch_best` tries, in this order (the first of equal plans is kept)
BEST_ORDERS = ("ready", "priority", "rdd", "slack")
#: the orders of the naive planner (:func:`dispatch_naive`): by priority, required date
#: and latest arrival
NAIVE_ORDERS = ("priority", "rdd", "lad")


def dispatch_objective(data: ModelData, plan: list[Dispatch]) -> tuple[int, ...]:
    """The scenario's goals, in order, of a dispatched schedule (model units)."""
    got: dict[tuple[int, str], int] = {}
    arr: dict[int, int] = {}
    fly = 0
    for dp in plan:
        r = data.groups[dp.group].options[dp.option]
        fly += r.flight_minutes
        a = dp.start + r.arrive
        for ui, dct in dp.loads.items():
            arr[ui] = max(arr.get(ui, 0), a)
            for c, q in dct.items():
                got[(ui, c)] = got.get((ui, c), 0) + q
    und = late = 0
    for u in data.units:
        short = {c: max(0, v - got.get((u.idx, c), 0)) for c, v in u.demand.items() if v > 0}
        und += u.weight * sum((100 if c == "pax" else 1) * q for c, q in short.items())
        if not any(short.values()) and u.idx in arr:
            late += u.weight * max(0, arr[u.idx] - u.rdd)
    vals = {"undelivered": und, "lateness": late, "closure": max(arr.values(), default=0),
            "flying_hours": fly}
    return tuple(vals[g] for g in data.goals)


def dispatch_best(data: ModelData, seconds: float | None = None) -> list[Dispatch]:
    """The best of the earliest-landing dispatcher over several unit orders.

    Where beds are short, each order is also tried with every unit held to the base
    of the bed assignment that strands the least (:func:`~logistics.bounds.search_free.undelivered_bound`):
    a first-come choice of bases can leave a later unit with no base that has room.
    With ``seconds``, no further variant is tried once that much time has passed (the
    first always runs).
    """
    import time

    t0 = time.perf_counter()
    beds = _bed_plan(data)
    variants = [(o, b) for o in BEST_ORDERS for b in ((None, beds) if beds is not None else (None,))]
    best: tuple | None = None
    for order, assign in variants:
        if best is not None and seconds is not None and time.perf_counter() - t0 > seconds:
            break
        plan = dispatch_greedy(data, rule="earliest", order=order, beds=assign)
        key = dispatch_objective(data, plan)
        if best is None or key < best[0]:
            best = (key, plan)
    assert best is not None
    return best[1]


def _bed_plan(data: ModelData) -> dict[int, str | None] | None:
    """Unit index -> base of a bed assignment that strands the least, where beds bind."""
    tight = any(
        sum(u.unit.pax for u in data.units if base in u.dests) > cap for base, cap in data.capacity.items()
    )
    if not tight:
        return None
    from ..bounds.search_free import undelivered_bound

    b = undelivered_bound(data.scenario)
    if not b.proven:
        return None
    return {u.idx: b.destinations.get(u.unit.id) for u in data.units}


def dispatch_naive(data: ModelData) -> list[Dispatch]:
    """The naive planner's schedule: the baseline a planner gets without an optimiser.

    One unit per mission (no other unit tops up a unit's mission), each of a unit's
    loads in the earliest feasible slot (``rule="earliest"``), units taken in each of
    :data:`NAIVE_ORDERS` (by priority, by required date, by latest arrival); the best of
    the three by the scenario's goals (:func:`dispatch_objective`) is kept, the first
    of equal ones. No bed plan: each unit takes the first base with room.
    """
    best: tuple | None = None
    for order in NAIVE_ORDERS:
        plan = dispatch_greedy(data, rule="earliest", order=order, top_up=False)
        key = dispatch_objective(data, plan)
        if best is None or key < best[0]:
            best = (key, plan)
    assert best is not None
    return best[1]


@dataclass
class _Books:
    """What a dispatch has used so far: timeline, beds, loads left, bases chosen."""

    tl: Timeline
    room: dict[str, int]  # beds left per base with a limit
    remaining: dict[int, dict[str, int]]  # unit idx -> commodity -> quantity not yet loaded
    dest_of: dict[int, str]  # unit idx -> the base it goes to, once chosen


def dispatch_greedy(data: ModelData, rule: str = "earliest", order: str | Callable[[UnitData], Any] = "ready",
                    beds: dict[int, str | None] | None = None, top_up: bool = True,
                    base: list[Dispatch] | None = None, due: dict[int, int] | None = None) -> list[Dispatch]:
    """Schedule every unit, earliest-ready first, one mission at a time.

    Parameters
    ----------
    rule
        ``"earliest"``: each mission takes the (type, destination, routing) that lands
        its load first. ``"hand"``: the way a planner does it by hand: the nearest
        allowed destination with room, the largest aircraft free first, the fastest
        routing that carries the most. ``"jit"`` and ``"frugal"`` land each load by
        the unit's *due* minute, just in time or on the least flying
        (:func:`_mission_options`).
    order
        Which unit is dispatched first: a key of :data:`ORDERS`, or a sort key of units.
    beds
        If given, unit index -> the only base the unit may go to (``None``: the unit
        is not moved).
    due
        Unit index -> the minute its loads should land by (rules ``"jit"`` and
        ``"frugal"``; a unit without one: its required date).
    top_up
        Whether other units of the origin fill a mission's spare room (mixed loads);
        ``False``: one unit per mission, as the naive planner flies.
    base
        Missions already planned (a re-plan's kept missions): booked first, their loads
        and bases taken as given; the result is ``base`` followed by the new missions.
    """
    s = data.scenario
    due = {u.idx: (due or {}).get(u.idx, u.rdd) for u in data.units} if rule in ("jit", "frugal") else None
    books = _new_books(data)
    for dp in base or ():
        _book_mission(data, books, dp)
    out: list[Dispatch] = []
    units = sorted(data.units, key=ORDERS[order] if isinstance(order, str) else order)
    by_unit = _candidates(data)
    from ..geo import distance_nm

    for u in units:
        cands = by_unit.get(u.idx, [])
        rem = books.remaining[u.idx]
        if not rem or not cands:
            continue
        chosen_dest: str | None = books.dest_of.get(u.idx)
        if beds is not None and beds.get(u.idx) is None:
            continue
        dests = [d for d in u.dests if (beds is None or d == beds[u.idx]) and any(data.groups[gi].options[oi].destination == d for gi, oi in cands)]
        dests = [d for d in dests if d == chosen_dest or books.room.get(d, 10**9) >= u.unit.pax]
        if not dests:
            continue
        o = u.unit.origin
        if rule == "hand" and chosen_dest is None:
            dests.sort(key=lambda d: distance_nm(s.airfield(o), s.airfield(d)))
            dests = dests[:1]
        while rem:
            options = _mission_options(data, books.tl, u, cands, dests, chosen_dest, rem, rule, due)
            if not options:
                break
            _, _, gi, oi, st, load = min(options, key=lambda o: o[0])
            g = data.groups[gi]
            r = g.options[oi]
            books.tl.book(g, r, st)
            loads = {u.idx: load}
            for c, q in load.items():
                rem[c] -= q
                if rem[c] <= 0:
                    del rem[c]
            if chosen_dest is None:
                chosen_dest = books.dest_of[u.idx] = r.destination
                if chosen_dest in books.room:
                    books.room[chosen_dest] -= u.unit.pax
            if top_up:
                _top_up(data, g, r, st, u, load, loads, units, books, beds, due)
            out.append(Dispatch(gi, oi, st, loads))
    out.sort(key=lambda d: (d.group, d.start))
    return list(base or ()) + out


def _candidates(data: ModelData) -> dict[int, list[tuple[int, int]]]:
    """Unit index -> the (group, option) pairs that may carry it to one of its bases."""
    by_unit: dict[int, list[tuple[int, int]]] = {}
    for gi, g in enumerate(data.groups):
        for ui in g.units:
            for oi, r in enumerate(g.options):
                if r.destination in data.units[ui].dests:
                    by_unit.setdefault(ui, []).append((gi, oi))
    return by_unit


def _new_books(data: ModelData) -> _Books:
    return _Books(
        tl=Timeline(data), room=dict(data.capacity),
        remaining={u.idx: {c: v for c, v in u.demand.items() if v > 0} for u in data.units},
        dest_of={},
    )


def _book_mission(data: ModelData, books: _Books, dp: Dispatch) -> None:
    """Book a planned mission: its aircraft, ramps and crew hours, its loads, its
    units' base and beds."""
    g = data.groups[dp.group]
    r = g.options[dp.option]
    books.tl.book(g, r, dp.start)
    for ui, q in dp.loads.items():
        rem = books.remaining[ui]
        for c, x in q.items():
            if c in rem:
                rem[c] -= x
                if rem[c] <= 0:
                    del rem[c]
        if ui not in books.dest_of and any(x > 0 for x in q.values()):
            books.dest_of[ui] = r.destination
            if r.destination in books.room:
                books.room[r.destination] -= data.units[ui].unit.pax


def keep_feasible(data: ModelData, fixed: list[Dispatch], candidates: list[Dispatch]) -> list[Dispatch]:
    """Of ``candidates``, in start order, those that still keep every rule beside
    ``fixed`` (booked first, unchecked) and the candidates kept before them: fleet and
    ramp room, daily crew hours, each unit's window, one base with beds, and no more
    of a unit than it still needs. A re-plan keeps these missions of the plan being
    flown (SPEC 5.3)."""
    books = _new_books(data)
    for dp in fixed:
        _book_mission(data, books, dp)
    kept = []
    for dp in sorted(candidates, key=lambda d: (d.start, d.group, d.option)):
        if _fits(data, books, dp):
            _book_mission(data, books, dp)
            kept.append(dp)
    return kept


def must_change(data: ModelData, fixed: list[Dispatch], candidates: list[Dispatch]) -> int:
    """How many of ``candidates`` break a rule beside ``fixed`` alone: no plan that keeps
    ``fixed`` can keep them as they are (a lower bound on a re-plan's changes)."""
    books = _new_books(data)
    for dp in fixed:
        _book_mission(data, books, dp)
    return sum(1 for dp in candidates if not _fits(data, books, dp))


def _fits(data: ModelData, books: _Books, dp: Dispatch) -> bool:
    g = data.groups[dp.group]
    r = g.options[dp.option]
    st, arrive = dp.start, dp.start + r.arrive
    if not (g.est <= st <= g.lst):
        return False
    beds: dict[str, int] = {}
    for ui, q in dp.loads.items():
        u = data.units[ui]
        if ui not in g.units or r.destination not in u.dests or not (u.ready - g.lead <= st and u.ead <= arrive <= u.lad):
            return False
        rem = books.remaining[ui]
        if any(x > rem.get(c, 0) for c, x in q.items() if x > 0):
            return False
        dest = books.dest_of.get(ui)
        if dest is not None and dest != r.destination:
            return False
        if dest is None:
            beds[r.destination] = beds.get(r.destination, 0) + u.unit.pax
    if any(books.room.get(d, 10**9) < n for d, n in beds.items()):
        return False
    if len(books.tl.feasible_starts(g, r, st, st)) != 1:
        return False
    return books.tl.first_crew_ok(g, r, np.array([st], dtype=np.int64)) is not None


def _mission_options(data: ModelData, tl: Timeline, u: UnitData, cands: list[tuple[int, int]],
                     dests: list[str], chosen_dest: str | None, rem: dict[str, int],
                     rule: str, due: dict[int, int] | None = None
                     ) -> list[tuple[tuple, int, int, int, int, dict[str, int]]]:
    """The next missions unit ``u`` could take: ``(key, size, group, option, start,
    load)``, the best the least ``key``.

    Rules ``"jit"`` and ``"frugal"`` land each load by the unit's ``due`` minute:
    ``"jit"`` (just in time) takes the latest start that does (the largest load first,
    then the least flying), leaving the earlier aircraft, ramps and crew days to units
    that need them; ``"frugal"`` the least flying per load that does, then the earliest
    start. A load that cannot land by then lands as early as it can. Under both, only
    units landing by their own due minute top a mission up (:func:`_top_up`)."""
    options = []
    for gi, oi in cands:
        g = data.groups[gi]
        r = g.options[oi]
        if r.destination not in dests or (chosen_dest and r.destination != chosen_dest):
            continue
        load = _fill(data, g, r, rem)
        if not load:
            continue
        lo = max(g.est, u.ready - g.lead)
        hi = min(g.lst, u.lad - r.arrive)
        lo = max(lo, u.ead - r.arrive)
        size = load.get("pax", 0) * g.pax_w + sum(v for c, v in load.items() if c != "pax")
        if due is not None and min(hi, due[u.idx] - r.arrive) >= lo:
            # landing by the due minute: just in time (the latest start), or frugal
            # (the least flying per load, then the earliest start)
            st = tl.first_start(g, r, lo, min(hi, due[u.idx] - r.arrive), latest=rule == "jit")
            if st is not None:
                key = (0, -size, r.flight_minutes, -st) if rule == "jit" else \
                    (0, r.flight_minutes / size, st + r.arrive)
                options.append((key, size, gi, oi, st, load))
                continue
        st = tl.first_start(g, r, lo, hi)
        if st is None:
            continue
        if rule == "hand":
            key = (st, -(g.seats * g.pax_w + g.acl), -ticks_down(r.payload_stons), r.arrive)
        elif due is not None:
            key = (1, st + r.arrive, -size, r.flight_minutes)
        else:
            key = (st + r.arrive, -size, r.flight_minutes)
        options.append((key, size, gi, oi, st, load))
    if options and rule != "hand":
        # near-full loads only: a token load (e.g. a long direct leg) that lands
        # first wastes an aircraft; compare each load with the most the same
        # type could take of this unit on any routing
        top: dict[int, int] = {}
        for o in options:
            top[o[2]] = max(top.get(o[2], 0), o[1])
        options = [o for o in options if o[1] >= 0.9 * top[o[2]]]
    return options


def _top_up(data: ModelData, g: Group, r: Routing, st: int, u: UnitData, load: dict[str, int],
            loads: dict[int, dict[str, int]], units: list[UnitData], books: _Books,
            beds: dict[int, str | None] | None, due: dict[int, int] | None = None) -> None:
    """Top up the spare room of a mission (booked for ``u`` with ``load``) with other units
    of its origin that are ready, allowed to go there and can land in their windows
    (and by their ``due`` minute, where given) (mixed loads, as planners do): adds their
    loads to ``loads``."""
    room, remaining, dest_of = books.room, books.remaining, books.dest_of
    arrive = st + r.arrive
    used_p = load.get("pax", 0)
    used_c = sum(v for c, v in load.items() if c != "pax")
    for v in units:
        if v.idx == u.idx or v.idx not in g.units or not remaining[v.idx]:
            continue
        if v.ready - g.lead > st or not (v.ead <= arrive <= v.lad) or r.destination not in v.dests:
            continue
        if due is not None and arrive > due[v.idx]:
            continue
        if beds is not None and beds.get(v.idx) != r.destination:
            continue
        dv = dest_of.get(v.idx)
        if dv is None and room.get(r.destination, 10**9) < v.unit.pax:
            continue
        if dv is not None and dv != r.destination:
            continue
        extra = _fill(data, g, r, remaining[v.idx], (used_p, used_c))
        if not extra:
            continue
        loads[v.idx] = extra
        used_p += extra.get("pax", 0)
        used_c += sum(q for c, q in extra.items() if c != "pax")
        for c, q in extra.items():
            remaining[v.idx][c] -= q
            if remaining[v.idx][c] <= 0:
                del remaining[v.idx][c]
        if dv is None:
            dest_of[v.idx] = r.destination
            if r.destination in room:
                room[r.destination] -= v.unit.pax


def dispatch_stats(data: ModelData, plan: list[Dispatch]) -> dict[int, int]:
    """Missions per group."""
    out: dict[int, int] = {}
    for d in plan:
        out[d.group] = out.get(d.group, 0) + 1
    return out


__all__ = ["Dispatch", "dispatch_greedy", "dispatch_naive", "keep_feasible", "must_change", "CARGO"]
