"""The plan as pandas DataFrames: per mission, leg, load and unit, the KPIs and findings,
the flat CSV table, and the step series of aircraft on the ground and in use.

Each function takes the plan first; the :class:`~logistics.plan.Plan` methods of the same
names call them and document the columns. Given the scenario, times also come as UTC
date-times (``*_utc``), as Zulu date-time groups (``*_dtg``, ``051512Z JAN 20``) and with
their C-day (``c_day``, ``C+5``; :mod:`logistics.timefmt`), after the columns without
it. pandas is imported when a table is made, not with the library.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..timefmt import c_day, dtg
from ..units import COMMODITIES
from .parts import CSV_COLUMNS, Mission

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..scenario import Scenario
    from .core import Plan


# ----- tables ---------------------------------------------------------------------------
def missions_df(plan: Plan, scenario: Scenario | None = None) -> pd.DataFrame:
    """One row per mission.

    See :meth:`Plan.missions_df`.
    """
    import pandas as pd

    rows = []
    for m in plan.missions:
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
    df["home"] = [m.home for m in plan.missions]  # SPEC 5.1: the pool's home (None: none)
    df["arrive_hour"] = df["arrive_hour"].astype(float)
    if scenario is not None:
        df.insert(6, "onload_hour", [_onload_at(scenario, m) for m in plan.missions])
        df.insert(df.columns.get_loc("cargo_stons") + 1, "payload_stons",
                  df["cargo_stons"] + df["pax"] * scenario.pax_weight_stons)
        for c in ("depart", "arrive", "end"):
            df[f"{c}_utc"] = _utc(scenario, df[f"{c}_hour"])
        _add_dtgs(df, scenario, ("depart", "arrive", "end"), "depart_hour")
    return df


def legs_df(plan: Plan, scenario: Scenario | None = None) -> pd.DataFrame:
    """One row per leg.

    See :meth:`Plan.legs_df`.
    """
    import pandas as pd

    rows = []
    for m in plan.missions:
        loaded = m.loaded_legs  # origin to destination: not positioning (SPEC 5.1), not the return
        for j, lg in enumerate(m.legs):
            rows.append((m.id, m.aircraft, j, lg.frm, lg.to, lg.depart_hour, lg.arrive_hour,
                         lg.arrive_hour - lg.depart_hour, j in loaded))
    df = pd.DataFrame.from_records(rows, columns=["mission", "aircraft", "seq", "from", "to",
                                                  "depart_hour", "arrive_hour", "hours",
                                                  "loaded"])
    if scenario is not None:
        from ..geo import distance_nm

        dist = {}
        for a, b in set(zip(df["from"], df["to"], strict=True)):
            try:
                dist[(a, b)] = distance_nm(scenario.airfield(a), scenario.airfield(b))
            except KeyError:
                dist[(a, b)] = math.nan
        df["distance_nm"] = [dist[k] for k in zip(df["from"], df["to"], strict=True)]
        df["depart_utc"] = _utc(scenario, df["depart_hour"])
        df["arrive_utc"] = _utc(scenario, df["arrive_hour"])
        _add_dtgs(df, scenario, ("depart", "arrive"), "depart_hour")
    return df


def loads_df(plan: Plan, scenario: Scenario | None = None) -> pd.DataFrame:
    """One row per (mission, load).

    See :meth:`Plan.loads_df`.
    """
    import pandas as pd

    rows = [(m.id, m.aircraft, m.origin, m.destination, ld.unit, ld.pax, ld.bulk_stons,
             ld.oversize_stons, ld.outsize_stons, ld.cargo_stons, m.arrive_hour)
            for m in plan.missions for ld in m.loads]
    df = pd.DataFrame.from_records(rows, columns=[
        "mission", "aircraft", "origin", "destination", "unit", "pax", "bulk_stons",
        "oversize_stons", "outsize_stons", "cargo_stons", "arrive_hour"])
    df["arrive_hour"] = df["arrive_hour"].astype(float)
    if scenario is not None:
        df["arrive_utc"] = _utc(scenario, df["arrive_hour"])
        _add_dtgs(df, scenario, ("arrive",), "arrive_hour")
    return df


def units_df(plan: Plan, scenario: Scenario | None = None) -> pd.DataFrame:
    """One row per unit result.

    See :meth:`Plan.units_df`.
    """
    import pandas as pd

    rows = []
    for r in plan.units:
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
        _add_dtgs(df, scenario, ("closure",), "closure_hour")
    return df


def kpis_df(plan: Plan) -> pd.DataFrame:
    """The KPIs as two columns, ``kpi`` and ``value``."""
    import pandas as pd

    return pd.DataFrame({"kpi": list(plan.kpis), "value": list(plan.kpis.values())})


def findings_df(plan: Plan) -> pd.DataFrame:
    """The findings: ``kind, subject, message, start_hour, end_hour, units``."""
    import pandas as pd

    return pd.DataFrame(
        [(f.kind, f.subject, f.message, f.start_hour, f.end_hour, ";".join(f.units))
         for f in plan.findings],
        columns=["kind", "subject", "message", "start_hour", "end_hour", "units"])


def ground_occupancy(plan: Plan, scenario: Scenario) -> pd.DataFrame:
    """Aircraft on the ground per airfield, as a step series (SPEC rule 7).

    See :meth:`Plan.ground_occupancy`.
    """
    import pandas as pd

    delta: dict[tuple[str, float], int] = {}
    for m in plan.missions:
        try:
            spans = m.ground_intervals(scenario)
        except KeyError:  # a type not in the fleet: count its stops, not its onload
            spans = [(lg.to, lg.arrive_hour, nxt.depart_hour, "")
                     for lg, nxt in zip(m.legs, m.legs[1:], strict=False)]
        for af, a, b, _ in spans:
            if b > a:
                delta[(af, a)] = delta.get((af, a), 0) + 1
                delta[(af, b)] = delta.get((af, b), 0) - 1
    changing = {k for k, _ in delta if scenario.mog_changes(k)}
    for af in changing:  # a row where the MOG changes (SPEC 5.2), beside the others
        for c in scenario.mog_changes(af):
            delta[(af, c.from_hour)] = delta.get((af, c.from_hour), 0)
            delta[(af, c.to_hour)] = delta.get((af, c.to_hour), 0)
    rows = []
    for af, grp in _group_steps(delta, keep_zero=bool(changing)):
        try:
            scenario.airfield(af)
        except KeyError:
            rows.extend((af, h, n, math.nan) for h, n in grp)
            continue
        rows.extend((af, h, n, scenario.mog_at(af, h)) for h, n in grp)
    return pd.DataFrame.from_records(rows, columns=["airfield", "hour", "on_ground", "mog"])


def fleet_use(plan: Plan, scenario: Scenario) -> pd.DataFrame:
    """Aircraft in use per type, as a step series (SPEC rule 8).

    See :meth:`Plan.fleet_use`.
    """
    import pandas as pd

    delta: dict[tuple[str, float], int] = {}
    for m in plan.missions:
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


# ----- the CSV table --------------------------------------------------------------------
def flat_df(plan: Plan, scenario: Scenario | None = None) -> pd.DataFrame:
    """The CSV table: one row per (mission, load); see :mod:`logistics.plan`."""
    import pandas as pd

    rows = []
    for m in plan.missions:
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
        _add_dtgs(df, scenario, ("depart", "arrive", "end"), "depart_hour")  # last: CSV columns stay put
    return df


def _onload_at(scenario: Scenario, m: Mission) -> float:
    """When the onload at the origin starts: on landing there after positioning (SPEC
    5.1), else ``onload_hours`` before the first departure."""
    try:
        return next(a for _, a, _, kind in m.ground_intervals(scenario) if kind == "onload")
    except (KeyError, StopIteration):  # a type the scenario does not know
        return math.nan


# ----- helpers --------------------------------------------------------------------------
def _utc(scenario: Scenario, hours: Any) -> pd.Series:
    import pandas as pd

    h = pd.to_numeric(pd.Series(hours), errors="coerce").astype(float)
    t = pd.Timestamp(scenario.start).tz_convert("UTC") + pd.to_timedelta(h, unit="h")
    return t.dt.round("s")  # plan times are whole minutes: no float dust in exports


def dtgs(scenario: Scenario, hours: Any) -> list[str | None]:
    """Each hour as a Zulu date-time group (:func:`logistics.timefmt.dtg`); ``None`` for none."""
    return [dtg(scenario, h) or None for h in _hours(hours)]


def c_days(hours: Any) -> list[str | None]:
    """Each hour's C-day (:func:`logistics.timefmt.c_day`); ``None`` for none."""
    return [c_day(h) or None for h in _hours(hours)]


def _hours(hours: Any) -> list[float | None]:
    out: list[float | None] = []
    for h in hours:
        try:
            v = float(h)
        except (TypeError, ValueError):
            v = math.nan
        out.append(v if math.isfinite(v) else None)
    return out


def _add_dtgs(df: pd.DataFrame, scenario: Scenario, names: tuple[str, ...], day_of: str) -> None:
    """Append ``<name>_dtg`` for each ``<name>_hour`` (``closure`` too) and ``c_day``, the
    C-day of column ``day_of``."""
    for c in names:
        df[f"{c}_dtg"] = dtgs(scenario, df[f"{c}_hour"])
    df["c_day"] = c_days(df[day_of])


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

