"""Plan files: ``logistics-plan/1`` JSON (read and written), CSV and Excel (written).

The formats are described in :mod:`logistics.plan`. Each function here takes the plan
(or, to read one, the class to build) first; the :class:`~logistics.plan.Plan` methods
of the same names call them. Reading validates the file against the pydantic model of
:mod:`.schema` and raises :class:`~logistics.errors.PlanError` (a :class:`ValueError`)
with every problem found, each naming the entry and field (and the file, from
:func:`load`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import PlanError, Problem
from ..units import CARGO
from .parts import FORMAT
from .schema import parse_json, read_plan

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
             **({"home": m.home} if m.home is not None else {}),  # SPEC 5.1; absent: no home
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
    """Read a plan from JSON types (see :meth:`Plan.from_dict` and :mod:`.schema`)."""
    return read_plan(cls, d)


def from_json(cls: type[Plan], text: str | bytes) -> Plan:
    """Read a plan from ``logistics-plan/1`` JSON text (see :meth:`Plan.from_dict`)."""
    return read_plan(cls, parse_json(text))


def load(cls: type[Plan], path: str | Path) -> Plan:
    """Read a plan from a ``.json`` file; every problem names the file.

    See :meth:`Plan.load`.
    """
    p = Path(path)
    file = str(p)
    if p.suffix.lower() in (".csv", ".xlsx"):
        raise PlanError([Problem("", "only JSON plans can be read back (CSV and Excel are exports)")], file)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise PlanError([Problem("", f"cannot read file: {exc.strerror or exc}")], file) from None
    return read_plan(cls, parse_json(raw, file), file)


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
