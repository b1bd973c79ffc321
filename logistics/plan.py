"""The plan: missions, unit results and KPIs, in the ``logistics-plan/1`` format (SPEC §4).

A :class:`Plan` is a list of :class:`Mission` objects plus what follows from them: one
:class:`UnitResult` per scenario unit and the KPIs. :meth:`Plan.from_missions` is the
canonical constructor: it recomputes every unit result and KPI from the missions and
the scenario and never trusts a solver's numbers (SPEC rule 12).

Files
-----
* JSON (``.json``): exactly SPEC §4, plus ``"findings"`` (the explanations, see
  :mod:`logistics.explain`) and, inside ``"solve"``, ``"goals"`` and ``"stages"``. Files
  without those extras (written by an outside tool) read fine.
* Excel (``.xlsx``): sheets ``kpis`` (``kpi``, ``value``), ``units``, ``missions``,
  ``legs``, ``loads`` (the columns of :meth:`Plan.units_df`, :meth:`Plan.missions_df`,
  :meth:`Plan.legs_df`, :meth:`Plan.loads_df`), and ``findings`` when there are any.
* CSV (``.csv``): one flat table, one row per (mission, load); a mission without loads
  has one row with empty load columns. Columns, in order (:data:`CSV_COLUMNS`):

  ``mission, aircraft, origin, destination, routing, depart_hour, arrive_hour,
  end_hour, flying_hours, legs, unit, pax, bulk_stons, oversize_stons, outsize_stons``

  where ``routing`` is every airfield in flight order (``KPOB-ETAR-OKAS-ETAR-KPOB``),
  ``depart_hour`` the first departure, ``arrive_hour`` the landing at the destination,
  ``end_hour`` the return to the origin, and ``legs`` a summary of the legs'
  times, ``FROM>TO depart-arrive`` separated by ``; `` (``KPOB>ETAR 10.00-18.30; ...``).
  With a scenario, ``depart_utc``, ``arrive_utc`` and ``end_utc`` follow ``end_hour``.

Times are hours from C-hour 0 (the scenario's ``start``); the DataFrame methods add
UTC date-time columns when given the scenario.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .scenario import COMMODITIES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .scenario import Scenario

FORMAT = "logistics-plan/1"
STATUSES = ("optimal", "feasible", "infeasible", "unknown")
FINDING_KINDS = (
    "mog", "fleet", "crew", "range", "beddown", "window", "readiness", "runway",
    "cargo_class", "horizon",
)
CARGO = COMMODITIES[1:]
KPI_KEYS = ("closure_hour", "missions", "flying_hours", "late_units", "undelivered_pax",
            "undelivered_stons")
CSV_COLUMNS = (
    "mission", "aircraft", "origin", "destination", "routing", "depart_hour", "arrive_hour",
    "end_hour", "flying_hours", "legs", "unit", "pax", "bulk_stons", "oversize_stons",
    "outsize_stons",
)
#: float noise below this is cleared from undelivered amounts and lateness
NOISE = 1e-9
#: a unit is fully delivered when nothing above this is undelivered
DELIVERED_TOL = 1e-6

__all__ = [
    "COMMODITIES", "CSV_COLUMNS", "FINDING_KINDS", "FORMAT", "Finding", "Leg", "Load",
    "Mission", "Plan", "SolveInfo", "UnitResult",
]


# ----- the records ----------------------------------------------------------------------
@dataclass(frozen=True)
class Leg:
    """One flight of a mission.

    Parameters
    ----------
    frm, to
        ICAO codes of the departure and arrival airfields (JSON keys ``from``, ``to``).
    depart_hour, arrive_hour
        Hours from C-hour 0.
    """

    frm: str
    to: str
    depart_hour: float
    arrive_hour: float

    @property
    def hours(self) -> float:
        """Flying time of the leg."""
        return self.arrive_hour - self.depart_hour


@dataclass(frozen=True)
class Load:
    """What one mission carries of one unit.

    Parameters
    ----------
    unit
        The unit's id.
    pax
        Soldiers (whole number).
    bulk_stons, oversize_stons, outsize_stons
        Cargo by air-cargo class, short tons.
    """

    unit: str
    pax: int = 0
    bulk_stons: float = 0.0
    oversize_stons: float = 0.0
    outsize_stons: float = 0.0

    @property
    def cargo_stons(self) -> float:
        """All cargo of the load, short tons."""
        return self.bulk_stons + self.oversize_stons + self.outsize_stons

    @property
    def empty(self) -> bool:
        """Whether the load carries nothing."""
        return self.pax <= 0 and self.cargo_stons <= 0

    def amount(self, commodity: str) -> float:
        """The load's ``pax`` or ``*_stons`` figure."""
        return getattr(self, commodity)


@dataclass(frozen=True)
class Mission:
    """One aircraft's round trip: onload at the origin, out to the destination, back.

    Parameters
    ----------
    id
        Mission id (``M0001``).
    aircraft
        Aircraft type code.
    origin, destination
        ICAO codes.
    legs
        Every flight of the round trip in time order (lists are turned into tuples).
    loads
        What the mission carries, per unit.
    """

    id: str
    aircraft: str
    origin: str
    destination: str
    legs: tuple[Leg, ...]
    loads: tuple[Load, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.legs, tuple):
            object.__setattr__(self, "legs", tuple(self.legs))
        if not isinstance(self.loads, tuple):
            object.__setattr__(self, "loads", tuple(self.loads))

    @cached_property
    def _arrival_index(self) -> int | None:
        # the last leg landing at the destination before the first leg leaving it
        first_out = next((i for i, lg in enumerate(self.legs) if lg.frm == self.destination),
                         len(self.legs))
        for i in range(first_out - 1, -1, -1):
            if self.legs[i].to == self.destination:
                return i
        return None

    @property
    def arrive_hour(self) -> float | None:
        """Landing at the destination (``None`` if the legs never reach it)."""
        i = self._arrival_index
        return None if i is None else self.legs[i].arrive_hour

    @property
    def start_hour(self) -> float:
        """First departure (the onload ends then; it starts ``onload_hours`` earlier)."""
        return self.legs[0].depart_hour if self.legs else math.nan

    @property
    def end_hour(self) -> float:
        """Last arrival: the aircraft is back at its origin and free again."""
        return self.legs[-1].arrive_hour if self.legs else math.nan

    @property
    def stops(self) -> tuple[str, ...]:
        """Outbound en-route stops, in order."""
        i = self._arrival_index
        return tuple(lg.to for lg in self.legs[:i]) if i is not None else ()

    @property
    def return_stops(self) -> tuple[str, ...]:
        """En-route stops of the return flight, in order."""
        i = self._arrival_index
        return tuple(lg.to for lg in self.legs[i + 1:-1]) if i is not None else ()

    @property
    def route(self) -> tuple[str, ...]:
        """Every airfield in flight order, origin to origin."""
        if not self.legs:
            return (self.origin,)
        return (self.legs[0].frm, *(lg.to for lg in self.legs))

    @property
    def routing(self) -> str:
        """The route as text: ``KPOB-ETAR-OKAS-ETAR-KPOB``."""
        return "-".join(self.route)

    @property
    def flying_hours(self) -> float:
        """Hours in the air over all legs."""
        return sum(lg.arrive_hour - lg.depart_hour for lg in self.legs)

    @property
    def pax(self) -> int:
        """Soldiers aboard."""
        return sum(ld.pax for ld in self.loads)

    @property
    def cargo_stons(self) -> float:
        """Cargo aboard, short tons."""
        return sum(ld.cargo_stons for ld in self.loads)

    def payload_stons(self, pax_weight_stons: float) -> float:
        """Payload weight: cargo + pax x planning weight of a soldier."""
        return self.cargo_stons + self.pax * pax_weight_stons

    @property
    def unit_ids(self) -> tuple[str, ...]:
        """Units with a non-empty load aboard, in load order, without repeats."""
        return tuple(dict.fromkeys(ld.unit for ld in self.loads if not ld.empty))

    def ground_intervals(self, scenario: Scenario) -> list[tuple[str, float, float, str]]:
        """Ground periods per SPEC rule 7: ``(airfield, start, end, kind)``.

        ``kind`` is ``onload`` (at the origin, ``onload_hours`` before the first
        departure), ``enroute`` or ``offload`` (landing to next departure). The final
        return to the origin is not a ground period.
        """
        if not self.legs:
            return []
        ac = scenario.aircraft_type(self.aircraft)
        first = self.legs[0].depart_hour
        out = [(self.legs[0].frm, first - ac.onload_hours, first, "onload")]
        ia = self._arrival_index
        for i in range(len(self.legs) - 1):
            lg = self.legs[i]
            out.append((lg.to, lg.arrive_hour, self.legs[i + 1].depart_hour,
                        "offload" if i == ia else "enroute"))
        return out

    def hold_interval(self, scenario: Scenario) -> tuple[float, float]:
        """When the mission holds its aircraft (SPEC rule 8): onload start to return."""
        ac = scenario.aircraft_type(self.aircraft)
        return self.start_hour - ac.onload_hours, self.end_hour


@dataclass(frozen=True)
class UnitResult:
    """What the plan does for one unit.

    Parameters
    ----------
    id
        The unit's id.
    destination
        Where the whole unit goes (``None``: nowhere, nothing delivered).
    closure_hour
        Latest arrival of its loads, when fully delivered; else ``None``.
    late_hours
        ``max(0, closure - required_hour)`` when fully delivered; else ``None``.
    delivered, undelivered
        Amount per commodity (``pax`` as whole numbers).
    """

    id: str
    destination: str | None
    closure_hour: float | None
    late_hours: float | None
    delivered: dict[str, float]
    undelivered: dict[str, float]

    @property
    def fully_delivered(self) -> bool:
        """Whether nothing is undelivered (within :data:`DELIVERED_TOL`)."""
        return all(v <= DELIVERED_TOL for v in self.undelivered.values())


@dataclass
class SolveInfo:
    """How the plan was found.

    Parameters
    ----------
    solver
        ``cp-sat``, ``greedy`` ...
    seconds
        Wall-clock time.
    objective, bound
        One value per goal, in objective order.
    goals
        The goals, in order.
    stages
        One record per solve stage (free form).
    extra
        Any other keys of the file's ``solve`` object (kept on round trip).
    """

    solver: str = "cp-sat"
    seconds: float = 0.0
    objective: list[float] = field(default_factory=list)
    bound: list[float] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    stages: list[dict] = field(default_factory=list)
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """One reason the plan is what it is (see :mod:`logistics.explain`).

    Parameters
    ----------
    kind
        One of :data:`FINDING_KINDS`.
    subject
        What binds: an airfield, an aircraft type, a unit.
    message
        The finding in plain words.
    start_hour, end_hour
        When it binds, if it is an interval.
    units
        Units it affects.
    """

    kind: str
    subject: str
    message: str
    start_hour: float | None = None
    end_hour: float | None = None
    units: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.units, tuple):
            object.__setattr__(self, "units", tuple(self.units))


# ----- the plan -------------------------------------------------------------------------
def _clean(x: float) -> float:
    return 0.0 if abs(x) < NOISE else x


@dataclass
class Plan:
    """A deployment plan (SPEC §4). Build it with :meth:`from_missions`.

    Parameters
    ----------
    scenario_name, scenario_sha256
        The scenario it answers.
    status
        ``optimal``, ``feasible``, ``infeasible`` or ``unknown``.
    missions
        The missions.
    units
        One result per scenario unit.
    kpis
        ``closure_hour``, ``missions``, ``flying_hours``, ``late_units``,
        ``undelivered_pax``, ``undelivered_stons``.
    solve
        Solver information.
    findings
        Explanations (optional).
    """

    scenario_name: str
    scenario_sha256: str
    status: str
    missions: list[Mission]
    units: list[UnitResult]
    kpis: dict
    solve: SolveInfo = field(default_factory=SolveInfo)
    findings: list[Finding] = field(default_factory=list)

    # ----- construction -------------------------------------------------------------------
    @classmethod
    def from_missions(
        cls,
        scenario: Scenario,
        missions: Iterable[Mission],
        *,
        status: str,
        solve: SolveInfo | None = None,
        destinations: Mapping[str, str | None] | None = None,
        findings: Iterable[Finding] = (),
    ) -> Plan:
        """The plan of these missions, every unit result and KPI recomputed.

        Parameters
        ----------
        scenario
            The scenario the missions answer.
        missions
            The missions.
        status
            ``optimal``, ``feasible``, ``infeasible`` or ``unknown``.
        solve
            Solver information.
        destinations
            Destination of units that have no load (their beddown choice); a unit with
            loads goes where its loads go. Units in neither have ``None``.
        findings
            Explanations to attach.

        Notes
        -----
        ``delivered`` sums the loads; ``undelivered = required - delivered`` (float noise
        below 1e-9 cleared). A unit is fully delivered when nothing above 1e-6 is
        undelivered; only then are ``closure_hour`` (latest landing of its non-empty
        loads; ``None`` if it needed nothing) and ``late_hours`` set (SPEC rule 12).
        Loads of units the scenario does not know are left out of unit results (the
        checker reports them) but count in the KPIs' ``closure_hour``.
        """
        if status not in STATUSES:
            raise ValueError(f"status: must be one of {', '.join(STATUSES)} (got {status!r})")
        missions = list(missions)
        units = scenario.units
        known = {u.id for u in units}
        sums: dict[str, list[float]] = {u.id: [0, 0.0, 0.0, 0.0] for u in units}
        dest: dict[str, str] = {}
        last: dict[str, float] = {}
        closure: float | None = None
        flying = 0.0
        for m in missions:
            arr = m.arrive_hour
            flying += m.flying_hours
            for ld in m.loads:
                if ld.empty:
                    continue
                if arr is not None and (closure is None or arr > closure):
                    closure = arr
                if ld.unit not in known:
                    continue
                acc = sums[ld.unit]
                acc[0] += ld.pax
                acc[1] += ld.bulk_stons
                acc[2] += ld.oversize_stons
                acc[3] += ld.outsize_stons
                dest.setdefault(ld.unit, m.destination)
                if arr is not None and arr > last.get(ld.unit, -math.inf):
                    last[ld.unit] = arr
        results: list[UnitResult] = []
        late_units = 0
        und_pax = 0
        und_st = 0.0
        given = destinations or {}
        for u in units:
            acc = sums[u.id]
            delivered = {"pax": int(acc[0]), "bulk_stons": acc[1], "oversize_stons": acc[2],
                         "outsize_stons": acc[3]}
            undelivered = {
                "pax": int(u.pax - acc[0]),
                "bulk_stons": _clean(u.bulk_stons - acc[1]),
                "oversize_stons": _clean(u.oversize_stons - acc[2]),
                "outsize_stons": _clean(u.outsize_stons - acc[3]),
            }
            und_pax += max(0, undelivered["pax"])
            und_st += sum(max(0.0, undelivered[c]) for c in CARGO)
            full = all(v <= DELIVERED_TOL for v in undelivered.values())
            ch = lh = None
            if full:
                ch = last.get(u.id)
                lh = 0.0 if ch is None else _clean(max(0.0, ch - scenario.rdd(u)))
                if lh > 0:
                    late_units += 1
            results.append(UnitResult(
                id=u.id, destination=dest.get(u.id, given.get(u.id)), closure_hour=ch,
                late_hours=lh, delivered=delivered, undelivered=undelivered,
            ))
        kpis = {
            "closure_hour": closure,
            "missions": len(missions),
            "flying_hours": flying,
            "late_units": late_units,
            "undelivered_pax": und_pax,
            "undelivered_stons": _clean(und_st),
        }
        return cls(
            scenario_name=scenario.name, scenario_sha256=scenario.sha256(), status=status,
            missions=missions, units=results, kpis=kpis, solve=solve or SolveInfo(),
            findings=list(findings),
        )

    def with_findings(self, findings: Iterable[Finding]) -> Plan:
        """A copy of the plan with these findings."""
        from dataclasses import replace

        return replace(self, findings=list(findings))

    # ----- look-ups -----------------------------------------------------------------------
    def unit(self, unit_id: str) -> UnitResult:
        """The result of one unit."""
        for r in self.units:
            if r.id == unit_id:
                return r
        raise KeyError(unit_id)

    def mission(self, mission_id: str) -> Mission:
        """The mission with this id."""
        for m in self.missions:
            if m.id == mission_id:
                return m
        raise KeyError(mission_id)

    def objective_values(self, scenario: Scenario) -> list[float]:
        """The value of each goal of ``scenario.objective``, in order (SPEC §3).

        ``undelivered``: Σ weight × (undelivered soldiers + undelivered st);
        ``lateness``: Σ weight × late hours; ``closure``: the ``closure_hour`` KPI
        (0 when nothing lands); ``flying_hours``: the KPI.
        """
        weight = {u.id: u.weight for u in scenario.units}
        und = sum(weight.get(r.id, 0) * sum(max(0.0, v) for v in r.undelivered.values())
                  for r in self.units)
        late = sum(weight.get(r.id, 0) * (r.late_hours or 0.0) for r in self.units)
        vals = {
            "undelivered": float(und),
            "lateness": float(late),
            "closure": float(self.kpis.get("closure_hour") or 0.0),
            "flying_hours": float(self.kpis.get("flying_hours") or 0.0),
        }
        return [vals[g] for g in scenario.objective]

    # ----- JSON ---------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON types, per SPEC §4 (plus ``findings``)."""
        sv = self.solve
        return {
            "format": FORMAT,
            "scenario": {"name": self.scenario_name, "sha256": self.scenario_sha256},
            "status": self.status,
            "solve": {
                "solver": sv.solver, "seconds": float(sv.seconds),
                "objective": [float(x) for x in sv.objective],
                "bound": [float(x) for x in sv.bound],
                "goals": list(sv.goals), "stages": list(sv.stages), **sv.extra,
            },
            "kpis": dict(self.kpis),
            "units": [
                {"id": r.id, "destination": r.destination, "closure_hour": r.closure_hour,
                 "late_hours": r.late_hours, "delivered": _amounts(r.delivered),
                 "undelivered": _amounts(r.undelivered)}
                for r in self.units
            ],
            "missions": [
                {"id": m.id, "aircraft": m.aircraft, "origin": m.origin,
                 "destination": m.destination,
                 "legs": [{"from": lg.frm, "to": lg.to, "depart_hour": float(lg.depart_hour),
                           "arrive_hour": float(lg.arrive_hour)} for lg in m.legs],
                 "loads": [{"unit": ld.unit, "pax": int(ld.pax),
                            "bulk_stons": float(ld.bulk_stons),
                            "oversize_stons": float(ld.oversize_stons),
                            "outsize_stons": float(ld.outsize_stons)} for ld in m.loads]}
                for m in self.missions
            ],
            "findings": [
                {"kind": f.kind, "subject": f.subject, "message": f.message,
                 "start_hour": f.start_hour, "end_hour": f.end_hour, "units": list(f.units)}
                for f in self.findings
            ],
        }

    def to_json(self, indent: int | None = 2) -> str:
        """The plan as ``logistics-plan/1`` JSON text."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    @classmethod
    def from_dict(cls, d: Any) -> Plan:
        """Read a plan from JSON types.

        Raises
        ------
        ValueError
            Naming the entry and field, e.g. ``missions[3].legs[0].depart_hour: must be
            a number``.
        """
        r = _Reader()
        obj = r.obj(d, "")
        fmt = obj.get("format", FORMAT)
        if fmt != FORMAT:
            raise ValueError(f"format: must be {FORMAT!r} (got {fmt!r})")
        sc = r.obj(obj.get("scenario", {}), "scenario")
        name = r.str(sc.get("name", ""), "scenario.name")
        sha = r.str(sc.get("sha256", ""), "scenario.sha256")
        status = r.str(r.req(obj, "status", ""), "status")
        if status not in STATUSES:
            raise ValueError(f"status: must be one of {', '.join(STATUSES)} (got {status!r})")
        sv = r.obj(obj.get("solve", {}), "solve")
        known_solve = ("solver", "seconds", "objective", "bound", "goals", "stages")
        solve = SolveInfo(
            solver=r.str(sv.get("solver", ""), "solve.solver"),
            seconds=r.num(sv.get("seconds", 0.0), "solve.seconds"),
            objective=[r.num(x, f"solve.objective[{i}]")
                       for i, x in enumerate(r.list(sv.get("objective", []), "solve.objective"))],
            bound=[r.num(x, f"solve.bound[{i}]")
                   for i, x in enumerate(r.list(sv.get("bound", []), "solve.bound"))],
            goals=[r.str(x, f"solve.goals[{i}]")
                   for i, x in enumerate(r.list(sv.get("goals", []), "solve.goals"))],
            stages=[r.obj(x, f"solve.stages[{i}]")
                    for i, x in enumerate(r.list(sv.get("stages", []), "solve.stages"))],
            extra={k: v for k, v in sv.items() if k not in known_solve},
        )
        kp = r.obj(r.req(obj, "kpis", ""), "kpis")
        kpis: dict[str, Any] = {}
        for k, v in kp.items():
            if k in ("missions", "late_units", "undelivered_pax"):
                kpis[k] = r.int(v, f"kpis.{k}")
            elif k in KPI_KEYS:
                kpis[k] = r.num_or_none(v, f"kpis.{k}")
            else:
                kpis[k] = v
        units = []
        for i, u in enumerate(r.list(r.req(obj, "units", ""), "units")):
            p = f"units[{i}]"
            u = r.obj(u, p)
            dst = r.req(u, "destination", p)
            units.append(UnitResult(
                id=r.str(r.req(u, "id", p), f"{p}.id"),
                destination=None if dst is None else r.str(dst, f"{p}.destination"),
                closure_hour=r.num_or_none(r.req(u, "closure_hour", p), f"{p}.closure_hour"),
                late_hours=r.num_or_none(r.req(u, "late_hours", p), f"{p}.late_hours"),
                delivered=r.amounts(r.req(u, "delivered", p), f"{p}.delivered"),
                undelivered=r.amounts(r.req(u, "undelivered", p), f"{p}.undelivered"),
            ))
        missions = []
        for i, m in enumerate(r.list(r.req(obj, "missions", ""), "missions")):
            p = f"missions[{i}]"
            m = r.obj(m, p)
            legs = []
            for j, lg in enumerate(r.list(r.req(m, "legs", p), f"{p}.legs")):
                q = f"{p}.legs[{j}]"
                lg = r.obj(lg, q)
                legs.append(Leg(
                    frm=r.str(r.req(lg, "from", q), f"{q}.from"),
                    to=r.str(r.req(lg, "to", q), f"{q}.to"),
                    depart_hour=r.num(r.req(lg, "depart_hour", q), f"{q}.depart_hour"),
                    arrive_hour=r.num(r.req(lg, "arrive_hour", q), f"{q}.arrive_hour"),
                ))
            loads = []
            for j, ld in enumerate(r.list(m.get("loads", []), f"{p}.loads")):
                q = f"{p}.loads[{j}]"
                ld = r.obj(ld, q)
                loads.append(Load(
                    unit=r.str(r.req(ld, "unit", q), f"{q}.unit"),
                    pax=r.int(ld.get("pax", 0), f"{q}.pax"),
                    bulk_stons=r.num(ld.get("bulk_stons", 0.0), f"{q}.bulk_stons"),
                    oversize_stons=r.num(ld.get("oversize_stons", 0.0), f"{q}.oversize_stons"),
                    outsize_stons=r.num(ld.get("outsize_stons", 0.0), f"{q}.outsize_stons"),
                ))
            missions.append(Mission(
                id=r.str(r.req(m, "id", p), f"{p}.id"),
                aircraft=r.str(r.req(m, "aircraft", p), f"{p}.aircraft"),
                origin=r.str(r.req(m, "origin", p), f"{p}.origin"),
                destination=r.str(r.req(m, "destination", p), f"{p}.destination"),
                legs=tuple(legs), loads=tuple(loads),
            ))
        findings = []
        for i, f in enumerate(r.list(obj.get("findings", []), "findings")):
            p = f"findings[{i}]"
            f = r.obj(f, p)
            findings.append(Finding(
                kind=r.str(r.req(f, "kind", p), f"{p}.kind"),
                subject=r.str(f.get("subject", ""), f"{p}.subject"),
                message=r.str(r.req(f, "message", p), f"{p}.message"),
                start_hour=r.num_or_none(f.get("start_hour"), f"{p}.start_hour"),
                end_hour=r.num_or_none(f.get("end_hour"), f"{p}.end_hour"),
                units=tuple(r.str(x, f"{p}.units[{k}]")
                            for k, x in enumerate(r.list(f.get("units", []), f"{p}.units"))),
            ))
        return cls(scenario_name=name, scenario_sha256=sha, status=status, missions=missions,
                   units=units, kpis=kpis, solve=solve, findings=findings)

    @classmethod
    def from_json(cls, text: str | bytes) -> Plan:
        """Read a plan from ``logistics-plan/1`` JSON text (see :meth:`from_dict`)."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
        except UnicodeDecodeError:
            raise ValueError("not UTF-8 text") from None
        return cls.from_dict(data)

    @classmethod
    def load(cls, path: str | Path) -> Plan:
        """Read a plan from a ``.json`` file.

        Raises
        ------
        ValueError
            On an unreadable or malformed file; the message starts with the path.
        """
        p = Path(path)
        if p.suffix.lower() in (".csv", ".xlsx"):
            raise ValueError(f"{p}: only JSON plans can be read back (CSV and Excel are exports)")
        try:
            raw = p.read_bytes()
        except OSError as exc:
            raise ValueError(f"{p}: cannot read file: {exc.strerror or exc}") from None
        try:
            return cls.from_json(raw)
        except ValueError as exc:
            raise ValueError(f"{p}: {exc}") from None

    def save(self, path: str | Path, scenario: Scenario | None = None) -> Path:
        """Write the plan as ``.json``, ``.csv`` or ``.xlsx`` (by the file's suffix)."""
        p = Path(path)
        suf = p.suffix.lower()
        if suf == ".json":
            p.write_text(self.to_json(), encoding="utf-8")
        elif suf == ".csv":
            self.to_csv(p, scenario)
        elif suf == ".xlsx":
            self.to_excel(p, scenario)
        else:
            raise ValueError(f"{p}: unknown plan file type {suf!r} (use .json, .csv or .xlsx)")
        return p

    # ----- tables -------------------------------------------------------------------------
    def missions_df(self, scenario: Scenario | None = None) -> pd.DataFrame:
        """One row per mission.

        Columns: ``id, aircraft, origin, destination, routing, stops, depart_hour`` (first
        departure), ``arrive_hour`` (landing at the destination), ``end_hour`` (back at
        the origin), ``flying_hours, pax, bulk_stons, oversize_stons, outsize_stons,
        cargo_stons, units`` (``A;B``); with a scenario also ``onload_hour`` (start of
        the onload), ``payload_stons`` and ``depart_utc, arrive_utc, end_utc``.
        """
        import pandas as pd

        rows = []
        for m in self.missions:
            b = o = x = 0.0
            pax = 0
            for ld in m.loads:
                pax += ld.pax
                b += ld.bulk_stons
                o += ld.oversize_stons
                x += ld.outsize_stons
            rows.append((m.id, m.aircraft, m.origin, m.destination, m.routing, "-".join(m.stops),
                         m.start_hour, m.arrive_hour, m.end_hour, m.flying_hours, pax, b, o, x,
                         b + o + x, ";".join(m.unit_ids)))
        cols = ["id", "aircraft", "origin", "destination", "routing", "stops", "depart_hour",
                "arrive_hour", "end_hour", "flying_hours", "pax", "bulk_stons",
                "oversize_stons", "outsize_stons", "cargo_stons", "units"]
        df = pd.DataFrame.from_records(rows, columns=cols)
        df["arrive_hour"] = df["arrive_hour"].astype(float)
        if scenario is not None:
            onload = {t: scenario.aircraft_type(t).onload_hours for t in scenario.fleet_types}
            df.insert(6, "onload_hour", df["depart_hour"] - df["aircraft"].map(onload).astype(float))
            df.insert(df.columns.get_loc("cargo_stons") + 1, "payload_stons",
                      df["cargo_stons"] + df["pax"] * scenario.pax_weight_stons)
            for c in ("depart", "arrive", "end"):
                df[f"{c}_utc"] = _utc(scenario, df[f"{c}_hour"])
        return df

    def legs_df(self, scenario: Scenario | None = None) -> pd.DataFrame:
        """One row per leg.

        Columns: ``mission, aircraft, seq`` (0-based), ``from, to, depart_hour,
        arrive_hour, hours, loaded`` (outbound, before the landing at the destination);
        with a scenario also ``distance_nm`` and ``depart_utc, arrive_utc``.
        """
        import pandas as pd

        rows = []
        for m in self.missions:
            ia = m._arrival_index
            for j, lg in enumerate(m.legs):
                rows.append((m.id, m.aircraft, j, lg.frm, lg.to, lg.depart_hour, lg.arrive_hour,
                             lg.arrive_hour - lg.depart_hour, ia is not None and j <= ia))
        df = pd.DataFrame.from_records(rows, columns=["mission", "aircraft", "seq", "from", "to",
                                                      "depart_hour", "arrive_hour", "hours",
                                                      "loaded"])
        if scenario is not None:
            from .geo import distance_nm

            dist = {}
            for a, b in set(zip(df["from"], df["to"], strict=True)):
                try:
                    dist[(a, b)] = distance_nm(scenario.airfield(a), scenario.airfield(b))
                except KeyError:
                    dist[(a, b)] = math.nan
            df["distance_nm"] = [dist[k] for k in zip(df["from"], df["to"], strict=True)]
            df["depart_utc"] = _utc(scenario, df["depart_hour"])
            df["arrive_utc"] = _utc(scenario, df["arrive_hour"])
        return df

    def loads_df(self, scenario: Scenario | None = None) -> pd.DataFrame:
        """One row per (mission, load).

        Columns: ``mission, aircraft, origin, destination, unit, pax, bulk_stons,
        oversize_stons, outsize_stons, cargo_stons, arrive_hour``; with a scenario also
        ``arrive_utc``.
        """
        import pandas as pd

        rows = [(m.id, m.aircraft, m.origin, m.destination, ld.unit, ld.pax, ld.bulk_stons,
                 ld.oversize_stons, ld.outsize_stons, ld.cargo_stons, m.arrive_hour)
                for m in self.missions for ld in m.loads]
        df = pd.DataFrame.from_records(rows, columns=[
            "mission", "aircraft", "origin", "destination", "unit", "pax", "bulk_stons",
            "oversize_stons", "outsize_stons", "cargo_stons", "arrive_hour"])
        df["arrive_hour"] = df["arrive_hour"].astype(float)
        if scenario is not None:
            df["arrive_utc"] = _utc(scenario, df["arrive_hour"])
        return df

    def units_df(self, scenario: Scenario | None = None) -> pd.DataFrame:
        """One row per unit result.

        Columns: ``id, destination, closure_hour, late_hours, delivered_<c>,
        undelivered_<c>`` for each commodity ``c``; with a scenario also ``name, origin,
        priority, ready_hour, rdd, lad, required_<c>`` and ``closure_utc``.
        """
        import pandas as pd

        rows = []
        for r in self.units:
            row: dict[str, Any] = {"id": r.id, "destination": r.destination,
                                   "closure_hour": r.closure_hour, "late_hours": r.late_hours}
            for c in COMMODITIES:
                row[f"delivered_{c}"] = r.delivered.get(c, 0)
            for c in COMMODITIES:
                row[f"undelivered_{c}"] = r.undelivered.get(c, 0)
            rows.append(row)
        cols = ["id", "destination", "closure_hour", "late_hours",
                *(f"delivered_{c}" for c in COMMODITIES),
                *(f"undelivered_{c}" for c in COMMODITIES)]
        df = pd.DataFrame(rows, columns=cols)
        df["closure_hour"] = df["closure_hour"].astype(float)
        df["late_hours"] = df["late_hours"].astype(float)
        if scenario is not None:
            info = {}
            for u in scenario.units:
                info[u.id] = {"name": u.name, "origin": u.origin, "priority": u.priority,
                              "ready_hour": u.ready_hour, "rdd": scenario.rdd(u),
                              "lad": scenario.lad(u),
                              **{f"required_{c}": u.amount(c) for c in COMMODITIES}}
            extra = pd.DataFrame([info.get(i, {}) for i in df["id"]], index=df.index)
            for k, col in enumerate(("name", "origin", "priority", "ready_hour", "rdd", "lad")):
                df.insert(1 + k, col, extra[col] if col in extra else None)
            for c in COMMODITIES:
                df[f"required_{c}"] = extra[f"required_{c}"] if f"required_{c}" in extra else math.nan
            df["closure_utc"] = _utc(scenario, df["closure_hour"])
        return df

    def kpis_df(self) -> pd.DataFrame:
        """The KPIs as two columns, ``kpi`` and ``value``."""
        import pandas as pd

        return pd.DataFrame({"kpi": list(self.kpis), "value": list(self.kpis.values())})

    def findings_df(self) -> pd.DataFrame:
        """The findings: ``kind, subject, message, start_hour, end_hour, units``."""
        import pandas as pd

        return pd.DataFrame(
            [(f.kind, f.subject, f.message, f.start_hour, f.end_hour, ";".join(f.units))
             for f in self.findings],
            columns=["kind", "subject", "message", "start_hour", "end_hour", "units"])

    def ground_occupancy(self, scenario: Scenario) -> pd.DataFrame:
        """Aircraft on the ground per airfield, as a step series (SPEC rule 7).

        Columns ``airfield, hour, on_ground, mog``: from ``hour`` until the airfield's
        next row, ``on_ground`` missions are on the ground there. Ground periods are
        the onload at the origin (``onload_hours`` before the first departure) and
        landing to next departure at stops and the destination; half-open, so one
        leaving as another lands does not overlap.
        """
        import pandas as pd

        delta: dict[tuple[str, float], int] = {}
        for m in self.missions:
            try:
                spans = m.ground_intervals(scenario)
            except KeyError:  # a type not in the fleet: count its stops, not its onload
                spans = [(lg.to, lg.arrive_hour, nxt.depart_hour, "")
                         for lg, nxt in zip(m.legs, m.legs[1:], strict=False)]
            for af, a, b, _ in spans:
                if b > a:
                    delta[(af, a)] = delta.get((af, a), 0) + 1
                    delta[(af, b)] = delta.get((af, b), 0) - 1
        rows = []
        mogs: dict[str, float] = {}
        for af, grp in _group_steps(delta):
            if af not in mogs:
                try:
                    mogs[af] = scenario.airfield(af).mog
                except KeyError:
                    mogs[af] = math.nan
            rows.extend((af, h, n, mogs[af]) for h, n in grp)
        return pd.DataFrame.from_records(rows, columns=["airfield", "hour", "on_ground", "mog"])

    def fleet_use(self, scenario: Scenario) -> pd.DataFrame:
        """Aircraft in use per type, as a step series (SPEC rule 8).

        Columns ``aircraft, hour, in_use, pool``: from ``hour`` until the type's next row,
        ``in_use`` missions hold an aircraft (onload start to return) and ``pool``
        aircraft are available (the fleet's ``available_hour`` steps).
        """
        import pandas as pd

        delta: dict[tuple[str, float], int] = {}
        for m in self.missions:
            if not m.legs:
                continue
            try:
                a, b = m.hold_interval(scenario)
            except KeyError:  # a type not in the fleet: no onload time known
                a, b = m.start_hour, m.end_hour
            if b > a:
                delta[(m.aircraft, a)] = delta.get((m.aircraft, a), 0) + 1
                delta[(m.aircraft, b)] = delta.get((m.aircraft, b), 0) - 1
        for t in scenario.fleet_types:
            for h, _ in scenario.fleet_steps(t):
                delta.setdefault((t, h), 0)
        rows = []
        for t, grp in _group_steps(delta, keep_zero=True):
            steps = scenario.fleet_steps(t)
            for h, n in grp:
                rows.append((t, h, n, sum(c for ah, c in steps if ah <= h)))
        return pd.DataFrame.from_records(rows, columns=["aircraft", "hour", "in_use", "pool"])

    # ----- exports ------------------------------------------------------------------------
    def to_csv(self, path: str | Path, scenario: Scenario | None = None) -> Path:
        """Write the flat table described in the module docstring (:data:`CSV_COLUMNS`)."""
        self.flat_df(scenario).to_csv(path, index=False)
        return Path(path)

    def flat_df(self, scenario: Scenario | None = None) -> pd.DataFrame:
        """The CSV table: one row per (mission, load); see the module docstring."""
        import pandas as pd

        rows = []
        for m in self.missions:
            head = (m.id, m.aircraft, m.origin, m.destination, m.routing, m.start_hour,
                    m.arrive_hour, m.end_hour, m.flying_hours,
                    "; ".join(f"{lg.frm}>{lg.to} {lg.depart_hour:.2f}-{lg.arrive_hour:.2f}"
                              for lg in m.legs))
            if not m.loads:
                rows.append((*head, None, None, None, None, None))
            for ld in m.loads:
                rows.append((*head, ld.unit, ld.pax, ld.bulk_stons, ld.oversize_stons,
                             ld.outsize_stons))
        df = pd.DataFrame.from_records(rows, columns=list(CSV_COLUMNS))
        df["arrive_hour"] = df["arrive_hour"].astype(float)
        if scenario is not None:
            at = df.columns.get_loc("end_hour") + 1
            for k, c in enumerate(("depart", "arrive", "end")):
                df.insert(at + k, f"{c}_utc", _utc(scenario, df[f"{c}_hour"]))
        return df

    def to_excel(self, path: str | Path, scenario: Scenario | None = None) -> Path:
        """Write sheets ``kpis, units, missions, legs, loads`` (and ``findings``)."""
        import pandas as pd

        sheets = {
            "kpis": self.kpis_df(),
            "units": self.units_df(scenario),
            "missions": self.missions_df(scenario),
            "legs": self.legs_df(scenario),
            "loads": self.loads_df(scenario),
        }
        if self.findings:
            sheets["findings"] = self.findings_df()
        with pd.ExcelWriter(path, engine="openpyxl") as xw:
            for name, df in sheets.items():
                df = df.copy()
                for c in df.columns:  # Excel has no time zones: write UTC wall time
                    if isinstance(df[c].dtype, pd.DatetimeTZDtype):
                        df[c] = df[c].dt.tz_localize(None)
                df.to_excel(xw, sheet_name=name, index=False)
        return Path(path)


# ----- helpers --------------------------------------------------------------------------
def _amounts(d: Mapping[str, float]) -> dict[str, float]:
    return {"pax": int(d.get("pax", 0)), **{c: float(d.get(c, 0.0)) for c in CARGO}}


def _utc(scenario: Scenario, hours: Any) -> pd.Series:
    import pandas as pd

    h = pd.to_numeric(pd.Series(hours), errors="coerce").astype(float)
    t = pd.Timestamp(scenario.start).tz_convert("UTC") + pd.to_timedelta(h, unit="h")
    return t.dt.round("s")  # plan times are whole minutes: no float dust in exports


def _group_steps(delta: Mapping[tuple[str, float], int], keep_zero: bool = False
                 ) -> list[tuple[str, list[tuple[float, int]]]]:
    """Per key, the running sum of deltas at each hour (zero deltas dropped unless kept)."""
    out: list[tuple[str, list[tuple[float, int]]]] = []
    cur_key = None
    level = 0
    grp: list[tuple[float, int]] = []
    for (k, h), dv in sorted(delta.items()):
        if k != cur_key:
            if cur_key is not None:
                out.append((cur_key, grp))
            cur_key, level, grp = k, 0, []
        if dv == 0 and not keep_zero:
            continue
        level += dv
        grp.append((h, level))
    if cur_key is not None:
        out.append((cur_key, grp))
    return out


class _Reader:
    """Checks JSON types, raising ValueError naming the field."""

    @staticmethod
    def obj(v: Any, path: str) -> dict:
        if not isinstance(v, dict):
            raise ValueError(f"{path or 'plan'}: must be an object (got {_kind(v)})")
        return v

    @staticmethod
    def list(v: Any, path: str) -> Sequence:
        if not isinstance(v, list):
            raise ValueError(f"{path}: must be a list (got {_kind(v)})")
        return v

    @staticmethod
    def req(d: dict, key: str, path: str) -> Any:
        if key not in d:
            raise ValueError(f"{path + '.' if path else ''}{key}: is required")
        return d[key]

    @staticmethod
    def str(v: Any, path: str) -> str:
        if not isinstance(v, str):
            raise ValueError(f"{path}: must be text (got {_kind(v)})")
        return v

    @staticmethod
    def num(v: Any, path: str) -> float:
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise ValueError(f"{path}: must be a number (got {_kind(v)})")
        if not math.isfinite(v):
            raise ValueError(f"{path}: must be a finite number (got {v})")
        return float(v)

    def num_or_none(self, v: Any, path: str) -> float | None:
        return None if v is None else self.num(v, path)

    def int(self, v: Any, path: str) -> int:
        x = self.num(v, path)
        if x != int(x):
            raise ValueError(f"{path}: must be a whole number (got {v})")
        return int(x)

    def amounts(self, v: Any, path: str) -> dict[str, float]:
        d = self.obj(v, path)
        out: dict[str, float] = {}
        for c in COMMODITIES:
            if c not in d:
                raise ValueError(f"{path}.{c}: is required")
            out[c] = self.int(d[c], f"{path}.{c}") if c == "pax" else self.num(d[c], f"{path}.{c}")
        return out


def _kind(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return f"{str(v).lower()}"
    if isinstance(v, str):
        return repr(v) if len(v) < 40 else "text"
    if isinstance(v, int | float):
        return repr(v)
    return {"dict": "an object", "list": "a list"}.get(type(v).__name__, type(v).__name__)
