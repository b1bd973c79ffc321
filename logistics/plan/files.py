"""Plan files: ``logistics-plan/1`` JSON (read and written), CSV and Excel (written).

The formats are described in :mod:`logistics.plan`. Each function here takes the plan
(or, to read one, the class to build) first; the :class:`~logistics.plan.Plan` methods
of the same names call them. Reading checks every JSON type and raises
:class:`ValueError` naming the entry and field.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..units import CARGO, COMMODITIES
from .parts import FORMAT, KPI_KEYS, STATUSES, Finding, Leg, Load, Mission, SolveInfo, UnitResult

if TYPE_CHECKING:  # pragma: no cover
    from ..scenario import Scenario
    from .core import Plan


# ----- JSON -----------------------------------------------------------------------------
def to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as JSON types, per SPEC §4 (plus ``findings``)."""
    sv = plan.solve
    return {
        "format": FORMAT,
        "scenario": {"name": plan.scenario_name, "sha256": plan.scenario_sha256},
        "status": plan.status,
        "solve": {
            "solver": sv.solver, "seconds": float(sv.seconds),
            "objective": [float(x) for x in sv.objective],
            "bound": [float(x) for x in sv.bound],
            "goals": list(sv.goals), "stages": list(sv.stages), **sv.extra,
        },
        "kpis": dict(plan.kpis),
        "units": [
            {"id": r.id, "destination": r.destination, "closure_hour": r.closure_hour,
             "late_hours": r.late_hours, "delivered": _amounts(r.delivered),
             "undelivered": _amounts(r.undelivered)}
            for r in plan.units
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
            for m in plan.missions
        ],
        "findings": [
            {"kind": f.kind, "subject": f.subject, "message": f.message,
             "start_hour": f.start_hour, "end_hour": f.end_hour, "units": list(f.units)}
            for f in plan.findings
        ],
        **({"replan": plan.replan} if plan.replan is not None else {}),
    }


def to_json(plan: Plan, indent: int | None = 2) -> str:
    """The plan as ``logistics-plan/1`` JSON text."""
    return json.dumps(plan.to_dict(), indent=indent, allow_nan=False)


def from_dict(cls: type[Plan], d: Any) -> Plan:
    """Read a plan from JSON types.

    See :meth:`Plan.from_dict`. The parts are read in file order (scenario, status,
    solve, kpis, units, missions, findings), so the first fault found is the first in
    that order.
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
    solve = _read_solve(r, obj)
    kpis = _read_kpis(r, obj)
    units = _read_units(r, obj)
    missions = [_read_mission(r, m, f"missions[{i}]")
                for i, m in enumerate(r.list(r.req(obj, "missions", ""), "missions"))]
    findings = _read_findings(r, obj)
    replan = _read_replan(r, obj)
    return cls(scenario_name=name, scenario_sha256=sha, status=status, missions=missions,
               units=units, kpis=kpis, solve=solve, findings=findings, replan=replan)


def _read_replan(r: _Reader, obj: dict) -> dict | None:
    """The ``replan`` object of a re-plan (SPEC 5.3; optional)."""
    if "replan" not in obj:
        return None
    rp = r.obj(obj["replan"], "replan")
    out: dict[str, Any] = {"now_hour": r.num(r.req(rp, "now_hour", "replan"), "replan.now_hour")}
    prev = r.obj(r.req(rp, "previous", "replan"), "replan.previous")
    out["previous"] = {"sha256": r.str(r.req(prev, "sha256", "replan.previous"), "replan.previous.sha256")}
    for key in ("kept", "changed", "cancelled", "added"):
        out[key] = [r.str(x, f"replan.{key}[{i}]")
                    for i, x in enumerate(r.list(rp.get(key, []), f"replan.{key}"))]
    return out


def _read_solve(r: _Reader, obj: dict) -> SolveInfo:
    """The ``solve`` object (optional; keys it does not know are kept in ``extra``)."""
    sv = r.obj(obj.get("solve", {}), "solve")
    known_solve = ("solver", "seconds", "objective", "bound", "goals", "stages")
    return SolveInfo(
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


def _read_kpis(r: _Reader, obj: dict) -> dict[str, Any]:
    """The ``kpis`` object: counts as whole numbers, the other KPIs as numbers or null."""
    kp = r.obj(r.req(obj, "kpis", ""), "kpis")
    kpis: dict[str, Any] = {}
    for k, v in kp.items():
        if k in ("missions", "late_units", "undelivered_pax"):
            kpis[k] = r.int(v, f"kpis.{k}")
        elif k in KPI_KEYS:
            kpis[k] = r.num_or_none(v, f"kpis.{k}")
        else:
            kpis[k] = v
    return kpis


def _read_units(r: _Reader, obj: dict) -> list[UnitResult]:
    """The ``units`` list."""
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
    return units


def _read_mission(r: _Reader, m: Any, p: str) -> Mission:
    """One entry of the ``missions`` list, at ``p``: its legs, its loads, then its fields."""
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
    return Mission(
        id=r.str(r.req(m, "id", p), f"{p}.id"),
        aircraft=r.str(r.req(m, "aircraft", p), f"{p}.aircraft"),
        origin=r.str(r.req(m, "origin", p), f"{p}.origin"),
        destination=r.str(r.req(m, "destination", p), f"{p}.destination"),
        legs=tuple(legs), loads=tuple(loads),
    )


def _read_findings(r: _Reader, obj: dict) -> list[Finding]:
    """The ``findings`` list (optional)."""
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
    return findings


def from_json(cls: type[Plan], text: str | bytes) -> Plan:
    """Read a plan from ``logistics-plan/1`` JSON text (see :meth:`Plan.from_dict`)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text") from None
    return cls.from_dict(data)


def load(cls: type[Plan], path: str | Path) -> Plan:
    """Read a plan from a ``.json`` file.

    See :meth:`Plan.load`.
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


def save(plan: Plan, path: str | Path, scenario: Scenario | None = None) -> Path:
    """Write the plan as ``.json``, ``.csv`` or ``.xlsx`` (by the file's suffix)."""
    p = Path(path)
    suf = p.suffix.lower()
    if suf == ".json":
        p.write_text(plan.to_json(), encoding="utf-8")
    elif suf == ".csv":
        plan.to_csv(p, scenario)
    elif suf == ".xlsx":
        plan.to_excel(p, scenario)
    else:
        raise ValueError(f"{p}: unknown plan file type {suf!r} (use .json, .csv or .xlsx)")
    return p


# ----- exports ------------------------------------------------------------------------
def to_csv(plan: Plan, path: str | Path, scenario: Scenario | None = None) -> Path:
    """Write the flat table described in :mod:`logistics.plan` (:data:`CSV_COLUMNS`)."""
    plan.flat_df(scenario).to_csv(path, index=False)
    return Path(path)


def to_excel(plan: Plan, path: str | Path, scenario: Scenario | None = None) -> Path:
    """Write sheets ``kpis, units, missions, legs, loads`` (and ``findings``)."""
    import pandas as pd

    sheets = {
        "kpis": plan.kpis_df(),
        "units": plan.units_df(scenario),
        "missions": plan.missions_df(scenario),
        "legs": plan.legs_df(scenario),
        "loads": plan.loads_df(scenario),
    }
    if plan.findings:
        sheets["findings"] = plan.findings_df()
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
