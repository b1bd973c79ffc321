"""Scenario sections as editable tables, and back: plain pandas, no Streamlit.

The scenario being edited is a plain dict (the source of truth of the Scenario page).
Each section (``units``, ``aircraft``, ``destinations``, ``airfields``, ``enroute``) is
shown as a DataFrame with typed columns; :func:`rows_to_section` turns an edited table
back into the dict's list. Empty cells mean "not given" (the format's default or the
catalogue's value). The airfields table shows the catalogue merged with the scenario's
``airfields[]`` entries for every code the scenario uses, and an edit becomes an
``airfields[]`` override holding only what differs from the catalogue.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from logistics.catalog import aircraft_catalog, airfield_catalog

SECTIONS = ("units", "aircraft", "destinations", "airfields", "enroute")
GOALS = ("undelivered", "lateness", "closure", "flying_hours")

UNIT_COLUMNS: dict[str, str] = {
    "id": "text", "name": "text", "origin": "code", "destinations": "codes",
    "pax": "int", "bulk_stons": "float", "oversize_stons": "float", "outsize_stons": "float",
    "ready_hour": "float", "earliest_arrival_hour": "float", "required_hour": "float",
    "latest_arrival_hour": "float", "priority": "int",
}
#: catalogue fields a fleet entry may override, and their kinds
AIRCRAFT_OVERRIDES: dict[str, str] = {
    "seats": "int", "acl_stons": "float", "max_payload_stons": "float",
    "range_nm_at_max_payload": "float", "ferry_range_nm": "float", "cruise_kt": "float",
    "cargo_classes": "classes", "onload_hours": "float", "offload_hours": "float",
    "enroute_ground_hours": "float", "ute_hours": "float", "min_runway_ft": "float",
    "name": "text",
}
AIRCRAFT_COLUMNS: dict[str, str] = {"type": "text", "count": "int", "home": "code", "available_hour": "float",
                                    "until_hour": "float", **AIRCRAFT_OVERRIDES}
DESTINATION_COLUMNS: dict[str, str] = {"airfield": "code", "capacity_pax": "int"}
ENROUTE_COLUMNS: dict[str, str] = {"airfield": "code"}
AIRFIELD_COLUMNS: dict[str, str] = {
    "icao": "code", "mog": "int", "runway_ft": "float", "name": "text", "country": "text",
    "lat": "float", "lon": "float",
}
#: the airfields' ``mog_changes`` (SPEC 5.2), one row per change, as a table of their own
MOG_CHANGE_COLUMNS: dict[str, str] = {"icao": "code", "from_hour": "float", "to_hour": "float", "mog": "int"}
COLUMNS: dict[str, dict[str, str]] = {
    "units": UNIT_COLUMNS, "aircraft": AIRCRAFT_COLUMNS, "destinations": DESTINATION_COLUMNS,
    "airfields": AIRFIELD_COLUMNS, "enroute": ENROUTE_COLUMNS, "mog_changes": MOG_CHANGE_COLUMNS,
}
_LOC = re.compile(r"^(?P<section>[a-z_]+)(?:\[(?P<row>\d+)\])?(?:\.(?P<field>.*))?$")


# ----- values ---------------------------------------------------------------------------
def is_blank(v: Any) -> bool:
    """None, NaN, pandas NA or an empty/whitespace string."""
    if v is None:
        return True
    if isinstance(v, str):
        return not v.strip()
    if isinstance(v, list | tuple):
        return False
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _codes(v: Any) -> list[str]:
    if is_blank(v):
        return []
    if isinstance(v, str):
        return [c.strip().upper() for c in re.split(r"[,;\s]+", v) if c.strip()]
    try:
        return [str(c).strip().upper() for c in list(v) if not is_blank(c)]
    except TypeError:
        return [str(v).strip().upper()]


def clean_value(v: Any, kind: str) -> Any:
    """A table cell as a plain JSON value (``None`` when blank).

    A number that does not parse is kept as text so that validation names it instead
    of the edit silently vanishing.
    """
    if kind == "codes":
        return _codes(v) or None
    if kind == "classes":
        out = [str(c).strip().lower() for c in (v if isinstance(v, list | tuple) else _codes(v))
               if not is_blank(c)]
        return out or None
    if is_blank(v):
        return None
    if kind == "code":
        return str(v).strip().upper()
    if kind == "text":
        return str(v).strip()
    if hasattr(v, "item"):  # numpy scalar
        v = v.item()
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int | float):
        f = float(v)
        if math.isfinite(f) and f.is_integer() and abs(f) < 1e15:
            return int(f)  # whole numbers stay whole in the YAML (18, not 18.0)
        return f
    s = str(v).strip()
    try:
        f = float(s)
    except ValueError:
        return s
    return int(f) if math.isfinite(f) and f.is_integer() else f


def _num_equal(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-12)
    except (TypeError, ValueError):
        return a == b


# ----- dict -> table ----------------------------------------------------------------------
def _frame(rows: Sequence[Mapping[str, Any]], columns: Mapping[str, str]) -> pd.DataFrame:
    data: dict[str, Any] = {}
    for col, kind in columns.items():
        vals = [r.get(col) for r in rows]
        if kind in ("int", "float"):
            nums = [None if is_blank(v) else _number(v) for v in vals]
            if any(x is None and not is_blank(v) for x, v in zip(nums, vals, strict=True)):
                # something that is not a number: the column shows it as it stands (as
                # text) so that it is neither lost nor replaced; the validator names it
                data[col] = pd.Series([None if is_blank(v) else str(v) for v in vals], dtype=object)
                continue
            data[col] = pd.array(
                [None if x is None else (int(x) if kind == "int" and x.is_integer() else x)
                 for x in nums],
                dtype="Int64" if kind == "int" and all(x is None or x.is_integer() for x in nums)
                else "Float64",
            )
        elif kind in ("codes", "classes"):
            data[col] = pd.Series([None if is_blank(v) else [str(x) for x in (v if isinstance(v, list | tuple) else [v])]
                                   for v in vals], dtype=object)
        else:
            data[col] = pd.Series([None if is_blank(v) else str(v) for v in vals], dtype=object)
    return pd.DataFrame(data, columns=list(columns))


def _number(v: Any) -> float | None:
    """``v`` as a finite-or-not float, ``None`` when it is not a number (text, a list)."""
    if isinstance(v, str | int | float) or hasattr(v, "item"):
        try:
            return float(v)
        except (TypeError, ValueError):
            return None
    return None


def editor_frame(data: Mapping[str, Any], section: str) -> pd.DataFrame:
    """The table of one section as the page's editors show it: whole-number columns as
    floats too, so that the grid's number editor takes what is typed (a sign, decimals)
    and the scenario's validation, not the grid, says what is wrong with it."""
    df = section_frame(data, section)
    for col in df.columns:
        if str(df[col].dtype) == "Int64":
            df[col] = df[col].astype("Float64")
    return df


def section_frame(data: Mapping[str, Any], section: str) -> pd.DataFrame:
    """The table of one section of a scenario dict."""
    if section == "airfields":
        return airfields_frame(data)
    if section == "mog_changes":
        return _frame([{"icao": a.get("icao"), **c} for a in (data.get("airfields") or []) if isinstance(a, dict)
                       for c in (a.get("mog_changes") or []) if isinstance(c, dict)], MOG_CHANGE_COLUMNS)
    raw = data.get(section) or []
    if not isinstance(raw, list):
        raw = []
    if section == "enroute":
        rows = [{"airfield": e} for e in raw]
    else:
        rows = [r if isinstance(r, Mapping) else {} for r in raw]
    return _frame(rows, COLUMNS[section])


def used_airfields(data: Mapping[str, Any]) -> list[str]:
    """Airfield codes a scenario dict uses: origins, destinations, stops, overrides."""
    seen: dict[str, None] = {}

    def add(c: Any) -> None:
        if isinstance(c, str) and c.strip():
            seen[c.strip().upper()] = None

    for u in data.get("units") or []:
        if isinstance(u, Mapping):
            add(u.get("origin"))
            for d in _codes(u.get("destinations")):
                add(d)
    for d in data.get("destinations") or []:
        if isinstance(d, Mapping):
            add(d.get("airfield"))
    for e in data.get("enroute") or []:
        add(e)
    for a in data.get("airfields") or []:
        if isinstance(a, Mapping):
            add(a.get("icao"))
    return list(seen)


def airfield_overrides(data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The scenario's ``airfields[]`` entries by code (first wins)."""
    out: dict[str, dict[str, Any]] = {}
    for a in data.get("airfields") or []:
        if isinstance(a, Mapping) and isinstance(a.get("icao"), str):
            out.setdefault(a["icao"].strip().upper(), dict(a))
    return out


def airfields_frame(data: Mapping[str, Any]) -> pd.DataFrame:
    """Every airfield the scenario uses: catalogue values with overrides merged."""
    cat = airfield_catalog()
    over = airfield_overrides(data)
    rows = []
    for code in used_airfields(data):
        base = cat[code].model_dump() if code in cat else {"icao": code}
        merged = {**base, **{k: v for k, v in over.get(code, {}).items() if v is not None}}
        merged["icao"] = code
        rows.append(merged)
    return _frame(rows, AIRFIELD_COLUMNS)


# ----- table -> dict ----------------------------------------------------------------------
def frame_rows(df: pd.DataFrame, columns: Mapping[str, str]) -> list[dict[str, Any]]:
    """Rows of an (edited) table as dicts of plain values, blanks left out.

    Rows left wholly blank (a row just added) are dropped.
    """
    out = []
    for rec in df.to_dict("records"):
        row = {}
        for col, kind in columns.items():
            if col in rec:
                v = clean_value(rec[col], kind)
                if v is not None:
                    row[col] = v
        if row:
            out.append(row)
    return out


def rows_to_section(section: str, rows: list[dict[str, Any]], data: Mapping[str, Any]) -> Any:
    """The scenario dict's value for ``section`` from the rows of its table."""
    if section == "enroute":
        return [r["airfield"] for r in rows if "airfield" in r]
    if section == "airfields":
        return airfield_entries(rows, data)
    if section == "mog_changes":
        return mog_change_entries(rows, data)
    if section == "units":
        return [_order(r, UNIT_COLUMNS) for r in rows]
    if section == "aircraft":
        return [_order(r, AIRCRAFT_COLUMNS) for r in rows]
    return [_order(r, COLUMNS[section]) for r in rows]


def _order(row: dict[str, Any], columns: Mapping[str, str]) -> dict[str, Any]:
    return {k: row[k] for k in columns if k in row}


def airfield_entries(rows: list[dict[str, Any]], data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``airfields[]`` from the rows of the airfields table.

    A catalogue airfield gets an entry only for the fields that differ from the
    catalogue (or that the scenario set before); a code unknown to the catalogue keeps
    every field given. Existing entries keep their order; new ones follow.
    """
    cat = airfield_catalog()
    over = airfield_overrides(data)
    entries: dict[str, dict[str, Any]] = {}
    for r in rows:
        code = r.get("icao")
        if not code or code in entries:
            continue
        base = cat[code].model_dump() if code in cat else None
        had = over.get(code, {})
        fields = {}
        for k in AIRFIELD_COLUMNS:
            if k == "icao" or k not in r:
                continue
            v = r[k]
            if base is None or k in had or not _num_equal(v, base.get(k)):
                fields[k] = v
        if base is None or fields or any(k not in AIRFIELD_COLUMNS for k in had):
            entries[code] = {"icao": code, **fields}
    order = [c for c in over if c in entries] + [c for c in entries if c not in over]
    # keep fields of an old entry the table does not show (e.g. source)
    out = []
    for c in order:
        e = entries[c]
        extra = {k: v for k, v in over.get(c, {}).items() if k not in AIRFIELD_COLUMNS}
        out.append({**e, **extra})
    return out


def mog_change_entries(rows: list[dict[str, Any]], data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``airfields[]`` with each airfield's ``mog_changes`` replaced by the table's rows.

    An airfield that gets changes and has no entry gets one holding only them; an entry
    left with nothing but its code is dropped.
    """
    per: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if r.get("icao"):
            per.setdefault(r["icao"], []).append({k: r[k] for k in ("from_hour", "to_hour", "mog") if k in r})
    out = []
    for a in data.get("airfields") or []:
        if not isinstance(a, dict):
            out.append(a)
            continue
        e = {k: v for k, v in a.items() if k != "mog_changes"}
        if per.get(a.get("icao")):
            e["mog_changes"] = per.pop(a["icao"])
        if set(e) - {"icao"}:
            out.append(e)
    out += [{"icao": code, "mog_changes": ch} for code, ch in per.items()]
    return out


def normalise_rows(section: str, df: pd.DataFrame) -> list[dict[str, Any]]:
    """Comparable plain rows of a section's table."""
    return frame_rows(df, COLUMNS[section])


# ----- problems -------------------------------------------------------------------------
def split_loc(loc: str) -> tuple[str, int | None, str]:
    """``units[3].pax`` -> ``("units", 3, "pax")``; anything else -> ``("general", None, loc)``."""
    m = _LOC.match(loc or "")
    if not m or m.group("section") not in SECTIONS:
        return "general", None, loc or ""
    row = m.group("row")
    return m.group("section"), (int(row) if row is not None else None), m.group("field") or ""


def problems_by_section(problems: Sequence[Any]) -> dict[str, list[Any]]:
    """Problems (with ``.loc``) grouped by the table they name (``general`` otherwise)."""
    out: dict[str, list[Any]] = {s: [] for s in ("general", *SECTIONS)}
    for p in problems:
        out[split_loc(getattr(p, "loc", ""))[0]].append(p)
    return out


def aircraft_types_frame(data: Mapping[str, Any]) -> pd.DataFrame:
    """The fleet's aircraft types: catalogue values with the scenario's overrides."""
    cat = aircraft_catalog()
    rows = []
    seen = set()
    for e in data.get("aircraft") or []:
        if not isinstance(e, Mapping) or not isinstance(e.get("type"), str) or e["type"] in seen:
            continue
        seen.add(e["type"])
        base = cat[e["type"]].model_dump() if e["type"] in cat else {"type": e["type"]}
        merged = {**base, **{k: v for k, v in e.items() if k in AIRCRAFT_OVERRIDES and v is not None}}
        merged["type"] = e["type"]
        merged["in catalogue"] = e["type"] in cat
        rows.append(merged)
    cols = ["type", "name", "seats", "acl_stons", "max_payload_stons", "range_nm_at_max_payload",
            "ferry_range_nm", "cruise_kt", "cargo_classes", "onload_hours", "offload_hours",
            "enroute_ground_hours", "ute_hours", "min_runway_ft", "in catalogue"]
    df = pd.DataFrame(rows, columns=cols)
    df["cargo_classes"] = [", ".join(v) if isinstance(v, list | tuple) else v for v in df["cargo_classes"]]
    return df
