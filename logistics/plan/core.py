"""The :class:`Plan`: its missions, unit results and KPIs, and the figures that follow.

:meth:`Plan.from_missions` is the canonical constructor: it recomputes every unit
result and KPI from the missions and the scenario and never trusts a solver's numbers
(SPEC rule 12). Reading and writing plan files is in :mod:`.files`, the DataFrame views
are in :mod:`.frames`; the :class:`Plan` methods of those names hand over to them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..units import CARGO
from . import files, frames
from .parts import DELIVERED_TOL, NOISE, STATUSES, Finding, Mission, SolveInfo, UnitResult

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..scenario import Scenario, Unit


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
    replan
        For a re-plan (SPEC 5.3): ``now_hour``, ``previous`` (``{"sha256": ...}`` of the
        plan being flown) and the mission ids ``kept``, ``changed``, ``cancelled`` and
        ``added``; ``None`` for a plan made from scratch.
    """

    scenario_name: str
    scenario_sha256: str
    status: str
    missions: list[Mission]
    units: list[UnitResult]
    kpis: dict
    solve: SolveInfo = field(default_factory=SolveInfo)
    findings: list[Finding] = field(default_factory=list)
    replan: dict | None = None

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
        sums, dest, last, closure, flying = _tally(missions, units)
        results, late_units, und_pax, und_st = _unit_results(scenario, units, sums, dest, last,
                                                             destinations or {})
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
        return files.to_dict(self)

    def to_json(self, indent: int | None = 2) -> str:
        """The plan as ``logistics-plan/1`` JSON text."""
        return files.to_json(self, indent)

    @classmethod
    def from_dict(cls, d: Any) -> Plan:
        """Read a plan from JSON types.

        Raises
        ------
        ValueError
            Naming the entry and field, e.g. ``missions[3].legs[0].depart_hour: must be
            a number``.
        """
        return files.from_dict(cls, d)

    @classmethod
    def from_json(cls, text: str | bytes) -> Plan:
        """Read a plan from ``logistics-plan/1`` JSON text (see :meth:`from_dict`)."""
        return files.from_json(cls, text)

    @classmethod
    def load(cls, path: str | Path) -> Plan:
        """Read a plan from a ``.json`` file.

        Raises
        ------
        ValueError
            On an unreadable or malformed file; the message starts with the path.
        """
        return files.load(cls, path)

    def save(self, path: str | Path, scenario: Scenario | None = None) -> Path:
        """Write the plan as ``.json``, ``.csv`` or ``.xlsx`` (by the file's suffix)."""
        return files.save(self, path, scenario)

    # ----- tables -------------------------------------------------------------------------
    def missions_df(self, scenario: Scenario | None = None) -> pd.DataFrame:
        """One row per mission.

        Columns: ``id, aircraft, origin, destination, routing, stops, depart_hour`` (first
        departure), ``arrive_hour`` (landing at the destination), ``end_hour`` (back at
        the origin), ``flying_hours, pax, bulk_stons, oversize_stons, outsize_stons,
        cargo_stons, units`` (``A;B``); with a scenario also ``onload_hour`` (start of
        the onload), ``payload_stons`` and ``depart_utc, arrive_utc, end_utc``.
        """
        return frames.missions_df(self, scenario)

    def legs_df(self, scenario: Scenario | None = None) -> pd.DataFrame:
        """One row per leg.

        Columns: ``mission, aircraft, seq`` (0-based), ``from, to, depart_hour,
        arrive_hour, hours, loaded`` (outbound, before the landing at the destination);
        with a scenario also ``distance_nm`` and ``depart_utc, arrive_utc``.
        """
        return frames.legs_df(self, scenario)

    def loads_df(self, scenario: Scenario | None = None) -> pd.DataFrame:
        """One row per (mission, load).

        Columns: ``mission, aircraft, origin, destination, unit, pax, bulk_stons,
        oversize_stons, outsize_stons, cargo_stons, arrive_hour``; with a scenario also
        ``arrive_utc``.
        """
        return frames.loads_df(self, scenario)

    def units_df(self, scenario: Scenario | None = None) -> pd.DataFrame:
        """One row per unit result.

        Columns: ``id, destination, closure_hour, late_hours, delivered_<c>,
        undelivered_<c>`` for each commodity ``c``; with a scenario also ``name, origin,
        priority, ready_hour, rdd, lad, required_<c>`` and ``closure_utc``.
        """
        return frames.units_df(self, scenario)

    def kpis_df(self) -> pd.DataFrame:
        """The KPIs as two columns, ``kpi`` and ``value``."""
        return frames.kpis_df(self)

    def findings_df(self) -> pd.DataFrame:
        """The findings: ``kind, subject, message, start_hour, end_hour, units``."""
        return frames.findings_df(self)

    def ground_occupancy(self, scenario: Scenario) -> pd.DataFrame:
        """Aircraft on the ground per airfield, as a step series (SPEC rule 7).

        Columns ``airfield, hour, on_ground, mog``: from ``hour`` until the airfield's
        next row, ``on_ground`` missions are on the ground there. Ground periods are
        the onload at the origin (``onload_hours`` before the first departure) and
        landing to next departure at stops and the destination; half-open, so one
        leaving as another lands does not overlap.
        """
        return frames.ground_occupancy(self, scenario)

    def fleet_use(self, scenario: Scenario) -> pd.DataFrame:
        """Aircraft in use per type, as a step series (SPEC rule 8).

        Columns ``aircraft, hour, in_use, pool``: from ``hour`` until the type's next row,
        ``in_use`` missions hold an aircraft (onload start to return) and ``pool``
        aircraft are available (the fleet's ``available_hour`` steps).
        """
        return frames.fleet_use(self, scenario)

    # ----- exports ------------------------------------------------------------------------
    def to_csv(self, path: str | Path, scenario: Scenario | None = None) -> Path:
        """Write the flat table described in :mod:`logistics.plan` (:data:`CSV_COLUMNS`)."""
        return files.to_csv(self, path, scenario)

    def flat_df(self, scenario: Scenario | None = None) -> pd.DataFrame:
        """The CSV table: one row per (mission, load); see :mod:`logistics.plan`."""
        return frames.flat_df(self, scenario)

    def to_excel(self, path: str | Path, scenario: Scenario | None = None) -> Path:
        """Write sheets ``kpis, units, missions, legs, loads`` (and ``findings``)."""
        return files.to_excel(self, path, scenario)


# ----- the figures of from_missions -----------------------------------------------------
def _tally(missions: Sequence[Mission], units: Sequence[Unit]
           ) -> tuple[dict[str, list[float]], dict[str, str], dict[str, float], float | None, float]:
    """Go through the missions once.

    Returns per known unit the sums of its loads (``pax, bulk, oversize, outsize``), the
    destination of its first load and its last landing; and over all missions the
    closure (latest landing of a non-empty load, known unit or not) and the flying hours.
    """
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
    return sums, dest, last, closure, flying


def _unit_results(scenario: Scenario, units: Sequence[Unit], sums: Mapping[str, list[float]],
                  dest: Mapping[str, str], last: Mapping[str, float],
                  given: Mapping[str, str | None]) -> tuple[list[UnitResult], int, int, float]:
    """One :class:`UnitResult` per unit from the sums of :func:`_tally`.

    Returns the results, the number of late units and the undelivered soldiers and
    short tons (not yet cleared of float noise). ``given`` is the destination of units
    that have no load.
    """
    results: list[UnitResult] = []
    late_units = 0
    und_pax = 0
    und_st = 0.0
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
    return results, late_units, und_pax, und_st
