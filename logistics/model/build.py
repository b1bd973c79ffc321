"""The CP-SAT formulation: one method per constraint family, called in a fixed order.

Variables are keyed by domain ids (group, slot, unit id, airfield) so a solution can
be read back by name and hints carry over between stages.

Families (SPEC section 3 rule in brackets):

* ``_slots``      presence, option (destination + routing) and start of every slot;
                  symmetry breaking among identical slots of a group.
* ``_loads``      pax and cargo per (unit, slot), seats / ACL / mixed load, cargo
                  classes, range-payload of the routing [3, 4].
* ``_assignment`` one destination per unit, loads only to it, beddown [1, 11].
* ``_windows``    ready + onload before departure, EAD/LAD/horizon on arrival [2].
* ``_delivery``   loads + shortfall = requirement, closure, lateness [1, 12].
* ``_fleet``      a cumulative per type over holding intervals with a step profile
                  for ``available_hour`` [8].
* ``_mog``        a cumulative per airfield over ground intervals [7].
* ``_crew``       daily crew hours, exactly: each leg's minutes in its take-off day
                  and the next, in a cumulative over days whose capacity is the
                  day's UTE budget [9]; added for a type when a plan breaks
                  the rule without it.

``held`` missions (other units' missions kept where they are, for a model of some
units only) are constants in the fleet, MOG and crew families: they take aircraft,
parking and crew hours and are not decided. ``reserved`` aircraft-time
(:class:`Reservation`) takes aircraft and crew hours only: what every mission of a
kind that some other units must fly surely holds, for a bound on the model's
own units (:func:`logistics.bounds.proof.prove_flying`).

Speed, ground times and runways [5, 6, 10] are built into the routings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from ..network import Routing
from ..units import CARGO, ticks_down
from .data import Group, ModelData, day_counts, fleet_total, pool_type


@dataclass
class Slot:
    group: int
    k: int
    present: cp_model.IntVar
    start: cp_model.IntVar
    arrive: cp_model.IntVar
    y: list[cp_model.IntVar]  # one per option of the group
    ydest: dict[str, cp_model.IntVar] = field(default_factory=dict)  # destination literals
    carries: dict[int, cp_model.IntVar] = field(default_factory=dict)  # unit idx -> lit
    load: dict[tuple[int, str], cp_model.IntVar] = field(default_factory=dict)


@dataclass
class Variables:
    """Every variable of the model, keyed by domain ids."""

    slots: list[list[Slot]] = field(default_factory=list)  # [group][k]
    dest: dict[tuple[int, str], cp_model.IntVar] = field(default_factory=dict)
    short: dict[tuple[int, str], cp_model.IntVar] = field(default_factory=dict)
    full: dict[int, cp_model.IntVar] = field(default_factory=dict)
    closure: dict[int, cp_model.IntVar] = field(default_factory=dict)
    late: dict[int, cp_model.IntVar] = field(default_factory=dict)
    force_closure: cp_model.IntVar | None = None


@dataclass(frozen=True)
class Reservation:
    """One aircraft of pool ``aircraft`` (a type, or ``TYPE@HOME``) held over minutes ``[start, end)`` and flying at
    least ``day_minutes[k]`` minutes in day ``k`` (rule 9), taken from the model's
    fleet and crew budgets: the least footprint of a mission some other units fly."""

    aircraft: str
    start: int
    end: int
    day_minutes: tuple[tuple[int, int], ...] = ()


class AirliftModel:
    """Builds the CP-SAT model for preprocessed :class:`ModelData`."""

    def __init__(self, data: ModelData, *, crew_types: frozenset[str] = frozenset(),
                 held: Sequence[tuple[Group, Routing, int]] = (), reserved: Sequence[Reservation] = ()):
        self.data = data
        #: (group, routing, start) of missions fixed where they are (module docstring)
        self.held = list(held)
        #: aircraft and crew minutes other units' missions surely take (module docstring)
        self.reserved = list(reserved)
        self.m = cp_model.CpModel()
        self.v = Variables()
        self.crew_types = crew_types
        self._ground: dict[str, list[cp_model.IntervalVar]] = {}
        self._hold: dict[str, list[cp_model.IntervalVar]] = {}
        self._flight: dict[str, list[tuple]] = {}  # type -> (takeoff, minutes, lit, tag)
        self._slots()
        self._loads()
        self._assignment()
        self._windows()
        self._delivery()
        self._fleet()
        self._mog()
        self._crew()
        self.goal_exprs = self._objectives()

    # ------------------------------------------------------------------ slots
    def _slots(self) -> None:
        m, d = self.m, self.data
        for gi, g in enumerate(d.groups):
            row: list[Slot] = []
            arrivals = sorted({r.arrive for r in g.options})
            for k in range(g.k):
                tag = f"{g.name}#{k}"
                present = m.NewBoolVar(f"present[{tag}]")
                start = m.NewIntVar(g.est, g.lst, f"start[{tag}]")
                y = [m.NewBoolVar(f"y[{tag},{r.label}]") for r in g.options]
                m.Add(sum(y) == present)
                arrive = m.NewIntVar(g.est + arrivals[0], g.lst + arrivals[-1], f"arrive[{tag}]")
                m.Add(arrive == start + sum(r.arrive * yy for r, yy in zip(g.options, y, strict=True))).OnlyEnforceIf(present)
                m.Add(arrive <= d.horizon).OnlyEnforceIf(present)
                slot = Slot(gi, k, present, start, arrive, y)
                row.append(slot)
                # intervals: origin onload, ground at stops and destination, holding, flights
                self._ground.setdefault(g.origin, []).append(
                    m.NewOptionalFixedSizeIntervalVar(start + g.lead, g.onload, present, f"onload[{tag}]")
                )
                cycles = sorted({r.cycle for r in g.options})
                size = m.NewIntVarFromDomain(cp_model.Domain.FromValues(cycles), f"cycle[{tag}]")
                m.Add(size == sum(r.cycle * yy for r, yy in zip(g.options, y, strict=True))).OnlyEnforceIf(present)
                end = m.NewIntVar(g.est + cycles[0], g.lst + cycles[-1], f"end[{tag}]")
                self._hold.setdefault(g.pool, []).append(
                    m.NewOptionalIntervalVar(start, size, end, present, f"hold[{tag}]")
                )
                # destination per slot, and one ground interval per distinct
                # (airfield, offset, length) among the options: fewer, tighter intervals
                ydest: dict[str, cp_model.IntVar] = {}
                for dest in dict.fromkeys(r.destination for r in g.options):
                    ys = [yy for r, yy in zip(g.options, y, strict=True) if r.destination == dest]
                    if len(ys) == 1:
                        ydest[dest] = ys[0]
                    else:
                        lit = m.NewBoolVar(f"ydest[{tag},{dest}]")
                        m.Add(lit == sum(ys))
                        ydest[dest] = lit
                slot.ydest = ydest
                seen: dict[tuple[str, int, int], list] = {}
                for r, yy in zip(g.options, y, strict=True):
                    for gr in r.ground:
                        if gr.kind in ("onload", "offload"):
                            continue
                        seen.setdefault((gr.airfield, gr.start, gr.end - gr.start), []).append(yy)
                for (af, st_off, ln), ys in seen.items():
                    if len(ys) == 1:
                        lit = ys[0]
                    else:
                        lit = m.NewBoolVar(f"at[{tag},{af},{st_off}]")
                        m.Add(lit == sum(ys))
                    self._ground.setdefault(af, []).append(
                        m.NewOptionalFixedSizeIntervalVar(start + st_off, ln, lit, f"ground[{tag},{af},{st_off}]")
                    )
                off_len = {r.destination: r.ground[[x.kind for x in r.ground].index("offload")] for r in g.options}
                for dest, lit in ydest.items():
                    gr = off_len[dest]
                    self._ground.setdefault(dest, []).append(
                        m.NewOptionalFixedSizeIntervalVar(arrive, gr.end - gr.start, lit, f"offload[{tag},{dest}]")
                    )
                if g.aircraft in self.crew_types:
                    legs: dict[tuple[int, int], list] = {}
                    for r, yy in zip(g.options, y, strict=True):
                        for leg in r.legs:
                            legs.setdefault((leg.depart, leg.minutes), []).append(yy)
                    for (dep, ln), ys in legs.items():
                        if len(ys) == 1:
                            lit = ys[0]
                        else:
                            lit = m.NewBoolVar(f"flies[{tag},{dep}]")
                            m.Add(lit == sum(ys))
                        x = m.NewIntVar(g.est + dep, g.lst + dep, f"takeoff[{tag},{dep}]")
                        m.Add(x == start + dep)
                        self._flight.setdefault(g.aircraft, []).append((x, ln, lit, f"{tag},{dep}"))
            # identical slots: present ones first, ordered by start
            for a, b in zip(row, row[1:], strict=False):
                m.AddImplication(b.present, a.present)
                m.Add(a.start <= b.start).OnlyEnforceIf(b.present)
            self.v.slots.append(row)

    # ------------------------------------------------------------------ loads
    def _loads(self) -> None:
        m, d = self.m, self.data
        for gi, g in enumerate(d.groups):
            for slot in self.v.slots[gi]:
                tag = f"{g.name}#{slot.k}"
                pax_terms, cargo_terms = [], []
                for ui in g.units:
                    u = d.units[ui]
                    lits = []
                    c = m.NewBoolVar(f"carries[{u.unit.id},{tag}]")
                    for com in g.commodities:
                        dem = u.demand[com]
                        if dem <= 0:
                            continue
                        cap = g.seats if com == "pax" else g.acl
                        ub = min(dem, cap)
                        if ub <= 0:
                            continue
                        x = m.NewIntVar(0, ub, f"load[{u.unit.id},{tag},{com}]")
                        m.Add(x <= ub * c)
                        slot.load[(ui, com)] = x
                        lits.append(x)
                        (pax_terms if com == "pax" else cargo_terms).append(x)
                    if not lits:
                        m.Add(c == 0)
                        continue
                    m.Add(sum(lits) >= 1).OnlyEnforceIf(c)
                    m.AddImplication(c, slot.present)
                    slot.carries[ui] = c
                if slot.carries:
                    # a present mission carries something
                    m.AddBoolOr(list(slot.carries.values())).OnlyEnforceIf(slot.present)
                else:
                    m.Add(slot.present == 0)
                # capacity: seats, ACL, mixed load, payload of the chosen routing
                # (× present: an absent slot carries nothing, and the LP sees it)
                if pax_terms:
                    m.Add(sum(pax_terms) <= g.seats * slot.present)
                if cargo_terms:
                    m.Add(sum(cargo_terms) <= g.acl * slot.present)
                if pax_terms and cargo_terms:
                    m.Add(sum(pax_terms) * g.acl + sum(cargo_terms) * g.seats <= g.seats * g.acl * slot.present)
                pay = [ticks_down(r.payload_stons) for r in g.options]
                if pax_terms or cargo_terms:
                    m.Add(
                        sum(pax_terms) * g.pax_w + sum(cargo_terms)
                        <= sum(p * yy for p, yy in zip(pay, slot.y, strict=True))
                    )

    # ------------------------------------------------------------------ assignment
    def _assignment(self) -> None:
        m, d = self.m, self.data
        for u in d.units:
            lits = []
            for dest in u.dests:
                x = m.NewBoolVar(f"dest[{u.unit.id},{dest}]")
                self.v.dest[(u.idx, dest)] = x
                lits.append(x)
            m.AddAtMostOne(lits)
        for gi, _g in enumerate(d.groups):
            for slot in self.v.slots[gi]:
                for ui, c in slot.carries.items():
                    u = d.units[ui]
                    for dest, yd in slot.ydest.items():
                        if dest in u.dests:
                            m.AddBoolOr([c.Not(), yd.Not(), self.v.dest[(ui, dest)]])
                        else:
                            m.AddBoolOr([c.Not(), yd.Not()])
        for base, cap in d.capacity.items():
            terms = [u.unit.pax * self.v.dest[(u.idx, base)] for u in d.units
                     if (u.idx, base) in self.v.dest and u.unit.pax > 0]
            if terms:
                m.Add(sum(terms) <= cap)

    # ------------------------------------------------------------------ windows
    def _windows(self) -> None:
        m, d = self.m, self.data
        for gi, _g in enumerate(d.groups):
            for slot in self.v.slots[gi]:
                for ui, c in slot.carries.items():
                    u = d.units[ui]
                    if u.ready - _g.lead > _g.est:  # the onload starts ``lead`` after leaving home
                        m.Add(slot.start >= u.ready - _g.lead).OnlyEnforceIf(c)
                    m.Add(slot.arrive <= u.lad).OnlyEnforceIf(c)
                    if u.ead > 0:
                        m.Add(slot.arrive >= u.ead).OnlyEnforceIf(c)

    # ------------------------------------------------------------------ delivery
    def _delivery(self) -> None:
        m, d, v = self.m, self.data, self.v
        H = d.horizon
        loads: dict[tuple[int, str], list] = {}
        arrivals: dict[int, list[tuple]] = {}
        for gi in range(len(d.groups)):
            for slot in v.slots[gi]:
                for (ui, com), x in slot.load.items():
                    loads.setdefault((ui, com), []).append(x)
                for ui, c in slot.carries.items():
                    arrivals.setdefault(ui, []).append((slot.arrive, c))
        force = m.NewIntVar(0, H, "force_closure")
        v.force_closure = force
        for u in d.units:
            shorts = []
            for com in ("pax", *CARGO):
                dem = u.demand[com]
                if dem <= 0:
                    continue
                sh = m.NewIntVar(0, dem, f"short[{u.unit.id},{com}]")
                m.Add(sum(loads.get((u.idx, com), [])) + sh == dem)
                v.short[(u.idx, com)] = sh
                shorts.append(sh)
            full = m.NewBoolVar(f"full[{u.unit.id}]")
            v.full[u.idx] = full
            if shorts:
                m.Add(sum(shorts) == 0).OnlyEnforceIf(full)
                m.Add(sum(shorts) >= 1).OnlyEnforceIf(full.Not())
            else:
                m.Add(full == 1)
            clo = m.NewIntVar(0, H, f"closure[{u.unit.id}]")
            v.closure[u.idx] = clo
            if shorts and u.min_arrival is not None:
                # no load can land before the unit's fastest routing allows
                m.Add(clo >= u.min_arrival).OnlyEnforceIf(full)
                m.Add(force >= clo).OnlyEnforceIf(full)
            for arr, c in arrivals.get(u.idx, []):
                m.Add(clo >= arr).OnlyEnforceIf(c)
                m.Add(force >= arr).OnlyEnforceIf(c)
            late = m.NewIntVar(0, max(0, H - min(u.rdd, H)), f"late[{u.unit.id}]")
            m.Add(late >= clo - u.rdd).OnlyEnforceIf(full)
            v.late[u.idx] = late

    # ------------------------------------------------------------------ fleet
    def _fleet(self) -> None:
        m, d = self.m, self.data
        for t, ivs in self._hold.items():
            steps = d.fleet[t]
            total = fleet_total(steps)
            demands = [1] * len(ivs)
            blockers = [m.NewFixedSizeIntervalVar(st, r.cycle, f"held[{g.name},{st}]")
                        for g, r, st in self.held if g.pool == t]
            blockers += [m.NewFixedSizeIntervalVar(rv.start, rv.end - rv.start, f"reserved[{t},{rv.start}]")
                         for rv in self.reserved if rv.aircraft == t and rv.end > rv.start]
            demands += [1] * len(blockers)
            end = self._end()
            for a, c in steps:  # not there yet before ``a``; gone from ``a`` (SPEC 5.2)
                if c > 0 and a > 0:
                    blockers.append(m.NewFixedSizeIntervalVar(0, a, f"unavailable[{t},{a}]"))
                    demands.append(c)
                elif c < 0 and a < end:
                    blockers.append(m.NewFixedSizeIntervalVar(a, end - a, f"withdrawn[{t},{a}]"))
                    demands.append(-c)
            m.AddCumulative(ivs + blockers, demands, total)

    def _end(self) -> int:
        """A minute after every mission of the model has ended."""
        d = self.data
        return d.horizon + max((r.cycle for g in d.groups for r in g.options), default=0) + 1

    # ------------------------------------------------------------------ MOG
    def _mog(self) -> None:
        m, d = self.m, self.data
        for g, r, st in self.held:  # only where the model's own missions park
            for gr in r.ground:
                if gr.airfield in self._ground:
                    self._ground[gr.airfield].append(
                        m.NewFixedSizeIntervalVar(st + gr.start, gr.end - gr.start, f"held[{g.name},{st},{gr.airfield}]"))
        for a, ivs in self._ground.items():
            cap = d.mog.get(a, 0)
            pieces = [(x, y, mg) for x, y, mg in d.mog_steps.get(a, []) if mg < cap]
            if min([cap] + [mg for _, _, mg in pieces]) >= len(ivs):
                continue
            # a lower MOG over [x, y) is a fixed blocker taking the difference (SPEC 5.2)
            cuts = [m.NewFixedSizeIntervalVar(x, y - x, f"mog_cut[{a},{x}]") for x, y, _ in pieces]
            if cap == 1:
                m.AddNoOverlap(ivs + cuts)
            else:
                m.AddCumulative(ivs + cuts, [1] * len(ivs) + [cap - mg for _, _, mg in pieces], cap)

    # ------------------------------------------------------------------ crew
    def _crew(self) -> None:
        """Daily crew hours (rule 9), exactly, as a cumulative over days.

        A leg starting at minute ``x`` with length ``L`` (< 1 day) flies
        ``L - spill`` minutes in day ``q = x // 1440`` and ``spill = max(0, x + L -
        1440 (q + 1))`` in day ``q + 1``. On a time axis of days, each leg is two
        unit-length intervals at ``q`` and ``q + 1`` with those demands; the capacity of
        day ``k`` is ``UTE × aircraft available that day`` (fixed blockers lower the
        capacity of days with fewer aircraft).
        """
        m, d = self.m, self.data
        for t, legs in self._flight.items():
            ute = d.scenario.aircraft_type(t).ute_hours
            steps = d.crew[t]
            end = max((r.cycle for g in d.groups if g.aircraft == t for r in g.options), default=0)
            n_days = -(-(d.horizon + end) // 1440) + 1
            caps = [int(ute * 60 * c) for c in day_counts(steps, n_days)]
            cmax = max(caps)
            ivs, dem = [], []
            for x, ln, lit, tag in legs:
                q = m.NewIntVar(0, n_days - 1, f"day[{tag}]")
                m.AddDivisionEquality(q, x, 1440)
                spill = m.NewIntVar(0, ln, f"spill[{tag}]")
                m.AddMaxEquality(spill, [0, x + ln - 1440 * q - 1440])
                ivs.append(m.NewOptionalFixedSizeIntervalVar(q, 1, lit, f"fly_day[{tag}]"))
                dem.append(ln - spill)
                ivs.append(m.NewOptionalFixedSizeIntervalVar(q + 1, 1, lit, f"fly_next[{tag}]"))
                dem.append(spill)
            for g, r, st in self.held:
                if g.aircraft == t:
                    for day, dm in r.day_minutes(st).items():
                        ivs.append(m.NewFixedSizeIntervalVar(day, 1, f"held_fly[{g.name},{st},{day}]"))
                        dem.append(dm)
            for rv in self.reserved:
                for day, dm in rv.day_minutes:
                    if pool_type(rv.aircraft) == t and dm > 0:
                        ivs.append(m.NewFixedSizeIntervalVar(day, 1, f"reserved_fly[{t},{rv.start},{day}]"))
                        dem.append(dm)
            for k, c in enumerate(caps):
                if c < cmax:
                    ivs.append(m.NewFixedSizeIntervalVar(k, 1, f"crew_short[{t},{k}]"))
                    dem.append(cmax - c)
            m.AddCumulative(ivs, dem, cmax)

    # ------------------------------------------------------------------ objective
    def _objectives(self) -> dict[str, cp_model.LinearExprT]:
        d, v = self.data, self.v
        und = [
            (u.weight * (100 if com == "pax" else 1), v.short[(u.idx, com)])
            for u in d.units for com in ("pax", *CARGO) if (u.idx, com) in v.short
        ]
        late = [(u.weight, v.late[u.idx]) for u in d.units]
        fly = [
            (r.flight_minutes, yy)
            for gi, g in enumerate(d.groups) for slot in v.slots[gi]
            for r, yy in zip(g.options, slot.y, strict=True)
        ]
        self.goal_terms = {"undelivered": und, "lateness": late, "closure": [(1, v.force_closure)],
                           "flying_hours": fly}
        return {k: sum(c * x for c, x in terms) for k, terms in self.goal_terms.items()}

    def goal_value(self, goal: str, values: dict) -> int:
        """A goal's integer value under an assignment ``{var: value}``."""
        return int(sum(c * values[x] for c, x in self.goal_terms[goal]))

    def trivial_bound(self, goal: str, delivered_all: bool) -> int:
        """A lower bound of the goal that needs no search (0, or per-unit arrivals)."""
        if goal == "closure" and delivered_all:
            return max((u.min_arrival or 0) for u in self.data.units if any(u.demand.values()))
        return 0

