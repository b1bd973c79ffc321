"""Units from a spreadsheet: TPFDD-like CSV or Excel files read into :class:`Unit`.

One row per unit (a TPFDD line). Column names are case-insensitive; spaces, dashes,
dots and brackets count as ``_`` (``Bulk ST``, ``bulk-st`` and ``bulk_st`` are one
column). The columns and their aliases are in :data:`COLUMNS`; every column but ULN,
origin and destinations may be left out (then the unit field's default applies).

Times. ``ALD``, ``EAD``, ``RDD`` and ``LAD`` (or ``ready_hour`` ...) hold hours from
C-hour 0; the same names ending in ``_day`` (``ALD_day``, ``RDD (C-day)``) hold C-day
numbers. A cell of either may also be a C-day as text, ``C+2``, ``C2``, ``C002`` or
``C``. C-day *n* is ``[24 n, 24 n + 24)``: an ALD or EAD on it means its first hour
(``24 n``), an RDD or LAD its last (``24 n + 24``, the end of the day).

Problems. Every problem of every row is reported at once, as a :class:`RowProblem`
naming the file, the row as a spreadsheet numbers it (the header is row 1), the ULN
and the column as written in the file. With a scenario, airfields must be known to it
(catalogue or its ``airfields[]``), windows must fit its horizon, and the rows read
well are checked as the scenario's units (cargo the fleet can carry, destinations it
can reach). An RDD before the ALD is a problem here (the unit would be late whatever
the plan), although a scenario file may hold one.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pandas as pd
from pydantic import ValidationError

from ..errors import Problem, ScenarioError, pydantic_problems
from ..scenario import Scenario, Unit
from .cells import Bad, hours, icao_list, number, text, whole

#: field -> (the column's name in exports, its aliases); time fields also take the
#: suffixes of :data:`HOUR_SUFFIXES` (hours) and :data:`DAY_SUFFIXES` (C-days)
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "id": ("ULN", ("uln", "id", "unit_id", "unit_line_number", "line_number")),
    "name": ("unit", ("unit", "name", "unit_name", "description", "unit_description")),
    "origin": ("origin", ("origin", "poe", "apoe", "from", "origin_icao")),
    "destinations": ("destinations", ("destinations", "destination", "dest", "dests", "pod", "apod",
                                       "to", "destination_icao")),
    "pax": ("pax", ("pax", "passengers", "personnel", "troops", "soldiers")),
    "bulk_stons": ("bulk_st", ()),
    "oversize_stons": ("oversize_st", ()),
    "outsize_stons": ("outsize_st", ()),
    "ready_hour": ("ALD", ("ald", "ready")),
    "earliest_arrival_hour": ("EAD", ("ead", "earliest_arrival")),
    "required_hour": ("RDD", ("rdd", "required", "required_delivery")),
    "latest_arrival_hour": ("LAD", ("lad", "latest_arrival")),
    "priority": ("priority", ("priority", "pri", "prio")),
}
REQUIRED = ("id", "origin", "destinations")
TIMES = ("ready_hour", "earliest_arrival_hour", "required_hour", "latest_arrival_hour")
#: the times that mean the end of a C-day given as a day
END_OF_DAY = ("required_hour", "latest_arrival_hour")
HOUR_SUFFIXES = ("", "_hour", "_hours", "_h", "_hr", "_hrs")
DAY_SUFFIXES = ("_day", "_days", "_c_day", "_cday", "_d")
_TON_SUFFIXES = ("", "_st", "_stons", "_tons", "_short_tons")


def _lookup() -> dict[str, tuple[str, bool]]:
    """Normalised column name -> (field, whether it holds C-days)."""
    out: dict[str, tuple[str, bool]] = {}
    for f, (_, aliases) in COLUMNS.items():
        if f in TIMES:
            for base in (*aliases, f.removesuffix("_hour")):
                out.update({base + s: (f, False) for s in HOUR_SUFFIXES})
                out.update({base + s: (f, True) for s in DAY_SUFFIXES})
        elif f.endswith("_stons"):
            out.update({f.removesuffix("_stons") + s: (f, False) for s in _TON_SUFFIXES})
        else:
            out.update({a: (f, False) for a in aliases})
    return out


_BY_NAME = _lookup()


def normalise(header: Any) -> str:
    """A column name as looked up: lower case, runs of other characters as one ``_``."""
    return re.sub(r"[^a-z0-9]+", "_", str(header).strip().lower()).strip("_")


@dataclass(frozen=True)
class RowProblem(Problem):
    """A problem of one row (or of the file's columns, ``row`` ``None``).

    ``loc`` reads ``row 4 (ULN 1-504-PIR), column pax``; ``row``, ``uln`` and ``column``
    give its parts (the column as written in the file's header).
    """

    row: int | None = None
    uln: str | None = None
    column: str | None = None


def row_problem(file: str, row: int | None, uln: str | None, column: str | None, message: str) -> RowProblem:
    """A :class:`RowProblem` with its ``loc`` spelled out."""
    parts = [] if row is None else [f"row {row}" + (f" (ULN {uln})" if uln else "")]
    if column:
        parts.append(f"column {column}")
    return RowProblem(", ".join(parts), message, file, row, uln, column)


@dataclass(frozen=True)
class UnitsImport:
    """What :func:`read_units` read. Unpacks as ``units, problems``.

    Attributes
    ----------
    units
        The units of the rows read without a problem, in file order.
    problems
        Every problem of every row (empty: the file is good).
    notes
        What was read but not used (columns no unit field has), in plain words.
    file
        The file's name as the problems give it.
    """

    units: list[Unit]
    problems: list[RowProblem]
    notes: list[str] = field(default_factory=list)
    file: str = "<units>"

    def __iter__(self) -> Iterator[Any]:
        return iter((self.units, self.problems))


# ----- the file -------------------------------------------------------------------------
Source = str | Path | bytes | bytearray | IO[bytes]


def _raw(source: Source, name: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray):
        return bytes(source), name or "<units>"
    if isinstance(source, str | Path):
        try:
            return Path(source).read_bytes(), name or str(source)
        except OSError as exc:
            raise ScenarioError([Problem("", f"cannot read file: {exc.strerror or exc}")], name or str(source)) from None
    data = source.read()
    return (data.encode() if isinstance(data, str) else bytes(data)), name or str(getattr(source, "name", "<units>"))


def _csv_rows(raw: bytes) -> list[list[Any]]:
    try:
        textual = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        textual = raw.decode("cp1252", errors="replace")
    if not textual.strip():
        return []
    first = next((ln for ln in textual.splitlines() if ln.strip()), "")
    sep = max((",", ";", "\t"), key=first.count)
    lead = len(textual) - len(textual.lstrip("\r\n"))
    skipped = textual[:lead].count("\n")
    df = pd.read_csv(io.StringIO(textual[lead:]), header=None, sep=sep, dtype=str,
                     keep_default_na=False, skip_blank_lines=False)
    return [[""] * len(df.columns)] * skipped + df.values.tolist()


def _excel_rows(raw: bytes) -> list[list[Any]]:
    sheets = pd.read_excel(io.BytesIO(raw), sheet_name=None, header=None, dtype=object)
    pick = next((n for n in sheets if str(n).strip().lower() == "units"), next(iter(sheets)))
    return sheets[pick].values.tolist()


def read_rows(source: Source, name: str | None = None) -> tuple[str, list[list[Any]]]:
    """The file's name and its cells, row by row from spreadsheet row 1.

    Raises
    ------
    ScenarioError
        A file that cannot be read or parsed, naming it.
    """
    raw, file = _raw(source, name)
    try:
        if raw[:4] == b"PK\x03\x04":
            return file, _excel_rows(raw)
        if raw[:4] == b"\xd0\xcf\x11\xe0":
            raise ScenarioError([Problem("", "is an old-style .xls workbook: save it as .xlsx or CSV")], file)
        return file, _csv_rows(raw)
    except ScenarioError:
        raise
    except Exception as exc:  # pandas/openpyxl parse errors: name the file, no traceback
        why = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ScenarioError([Problem("", f"could not be read as CSV or Excel: {why}")], file) from None


# ----- columns --------------------------------------------------------------------------
@dataclass
class _Columns:
    at: dict[str, tuple[int, bool]]      # field -> (column index, holds C-days)
    header: dict[str, str]               # field -> the column's name in the file

    def name(self, f: str) -> str:
        return self.header.get(f, COLUMNS[f][0] if f in COLUMNS else f)


def _columns(header: Sequence[Any], file: str) -> tuple[_Columns, list[RowProblem], list[str]]:
    cols = _Columns({}, {})
    problems: list[RowProblem] = []
    ignored: list[str] = []
    for i, h in enumerate(header):
        label = text(h)
        if label is None:
            continue
        hit = _BY_NAME.get(normalise(label))
        if hit is None:
            ignored.append(label)
            continue
        f, per_day = hit
        if f in cols.at:
            problems.append(row_problem(file, None, None, label, f"gives the same field ({f}) as column "
                                        f"{cols.header[f]}: keep one"))
            continue
        cols.at[f], cols.header[f] = (i, per_day), label
    for f in REQUIRED:
        if f not in cols.at:
            names = ", ".join(COLUMNS[f][1])
            problems.append(row_problem(file, None, None, COLUMNS[f][0],
                                        f"is missing: every unit needs it (column names: {names})"))
    notes = [f"column {c} is not a unit field and was not read" for c in ignored]
    return cols, problems, notes


# ----- one row --------------------------------------------------------------------------
def _parse(f: str, v: Any, per_day: bool) -> Any:
    """One cell as the field's value (``None``: empty)."""
    if f in TIMES:
        return hours(v, per_day, end=f in END_OF_DAY)
    if f == "destinations":
        return icao_list(v)
    if f in ("pax", "priority"):
        x = number(v)
        return None if x is None else whole(x, v)
    if f.endswith("_stons"):
        return number(v)
    s = text(v)
    if f == "id" and isinstance(v, float) and s is not None and v.is_integer():
        s = str(int(v))  # a numeric ULN from Excel: 1 not 1.0
    return s.upper() if (s and f == "origin") else s


def _windows(vals: dict[str, Any], horizon: float | None) -> list[tuple[str, str]]:
    """Time windows out of order (or past the horizon): ``(field, message)``."""
    out: list[tuple[str, str]] = []
    ready = vals.get("ready_hour", 0.0)
    lad, ead, rdd = (vals.get(k) for k in ("latest_arrival_hour", "earliest_arrival_hour", "required_hour"))
    if horizon is not None and ready >= horizon:
        out.append(("ready_hour", f"h{ready:g} is not before the scenario's horizon (h{horizon:g})"))
    if horizon is not None and lad is not None and lad > horizon:
        out.append(("latest_arrival_hour", f"h{lad:g} is after the scenario's horizon (h{horizon:g})"))
    last = lad if lad is not None else horizon
    if last is not None and ready < (horizon if horizon is not None else math.inf) and ready >= last:
        out.append(("latest_arrival_hour", f"h{last:g} must be after the ALD (h{ready:g})"))
    if last is not None and ead is not None and ead > last:
        out.append(("earliest_arrival_hour", f"h{ead:g} is after the latest arrival (h{last:g})"))
    if last is not None and rdd is not None and rdd > last:
        out.append(("required_hour", f"h{rdd:g} is after the latest arrival (h{last:g})"))
    if rdd is not None and rdd < ready:
        out.append(("required_hour", f"h{rdd:g} is before the ALD (h{ready:g}): the unit would be late "
                                     "whatever the plan"))
    return out


def _places(vals: dict[str, Any], scenario: Scenario | None) -> list[tuple[str, str]]:
    """Airfields unknown to the scenario, listed twice or equal to the origin."""
    out: list[tuple[str, str]] = []
    origin, dests = vals.get("origin"), vals.get("destinations") or []

    def known(code: str) -> bool:
        try:
            scenario.airfield(code)  # type: ignore[union-attr]
            return True
        except KeyError:
            return False

    where = "in the bundled catalogue nor in the scenario's airfields"
    if scenario is not None and origin and not known(origin):
        out.append(("origin", f"unknown airfield {origin}: not {where}"))
    for j, d in enumerate(dests):
        if d in dests[:j]:
            out.append(("destinations", f"{d} is listed twice"))
        elif d == origin:
            out.append(("destinations", f"{d} is the unit's origin"))
        elif scenario is not None and not known(d):
            out.append(("destinations", f"unknown airfield {d}: not {where}"))
    return out


def _field_of(loc: str) -> str:
    return re.split(r"[.\[]", loc, maxsplit=1)[0]


def _row(cells: Sequence[Any], cols: _Columns, scenario: Scenario | None) -> tuple[Unit | None, list[tuple[str, str]], str | None]:
    """The unit of one row, or its problems as ``(field, message)``, and its ULN."""
    bad: list[tuple[str, str]] = []
    vals: dict[str, Any] = {}
    horizon = scenario.horizon_hours if scenario is not None else None
    for f, (i, per_day) in cols.at.items():
        try:
            v = _parse(f, cells[i] if i < len(cells) else None, per_day)
        except Bad as exc:
            bad.append((f, str(exc)))
            continue
        if v is not None and v != []:
            vals[f] = v
    uln = vals.get("id")
    unreadable = {f for f, _ in bad}
    unit = None
    try:
        unit = Unit.model_validate(vals)
    except ValidationError as exc:
        for p in pydantic_problems(exc):
            f = _field_of(p.loc)
            if f in unreadable or (f in REQUIRED and f not in cols.at):
                continue  # reported already, or the column is missing (one problem for the file)
            bad.append((f, p.message))
    failed = {f for f, _ in bad}
    ok = {k: v for k, v in vals.items() if k not in failed}
    bad += [(f, m) for f, m in _windows(ok, horizon) if f not in failed]
    bad += _places(ok, scenario)
    return (unit if not bad else None), bad, uln


# ----- the reader -----------------------------------------------------------------------
def read_units(source: Source, scenario: Scenario | None = None, *, name: str | None = None,
               append: bool = False) -> UnitsImport:
    """Read units from a CSV or Excel (``.xlsx``) file of TPFDD-like columns.

    Parameters
    ----------
    source
        A path, the file's bytes, or a binary file object (an upload).
    scenario
        When given, airfields are checked against it, windows against its horizon, and
        the units as its units (replacing them, or after them with ``append``).
    name
        The file's name in problems when ``source`` is bytes or a file object.
    append
        Check the units as added to the scenario's instead of replacing them.

    Returns
    -------
    UnitsImport
        Unpacks as ``(units, problems)``: the units of the good rows, and every problem
        of every row, each naming the file, the row, the ULN and the column.
    """
    try:
        file, rows = read_rows(source, name)
    except ScenarioError as exc:
        file = exc.file or name or "<units>"
        return UnitsImport([], [row_problem(file, None, None, None, p.message) for p in exc.problems], [], file)
    start = next((i for i, r in enumerate(rows) if any(text(c) for c in r)), None)
    if start is None:
        return UnitsImport([], [row_problem(file, None, None, None, "has no header row and no units")], [], file)
    cols, problems, notes = _columns(rows[start], file)
    good: list[tuple[int, Unit]] = []
    ulns: dict[str, int] = {}
    data_rows = [i for i in range(start + 1, len(rows)) if any(text(c) for c in rows[i])]
    if not data_rows:
        problems.append(row_problem(file, None, None, None, "has a header row but no units"))
    for i in data_rows:
        unit, bad, uln = _row(rows[i], cols, scenario)
        if uln is not None and uln in ulns:
            bad.append(("id", f"duplicate ULN {uln} (also row {ulns[uln]})"))
            unit = None
        if uln is not None:
            ulns.setdefault(uln, i + 1)
        problems += [row_problem(file, i + 1, uln, cols.name(f), m) for f, m in bad]
        if unit is not None:
            good.append((i + 1, unit))
    if scenario is not None and good:
        problems += _as_scenario_units(scenario, good, cols, file, append, problems)
    bad_rows = {p.row for p in problems}
    units = [u for r, u in good if r not in bad_rows]
    order = {c: k for k, c in enumerate(cols.header.values())}
    problems.sort(key=lambda p: (p.row or 0, order.get(p.column, -1)))
    return UnitsImport(units, problems, notes, file)


def _as_scenario_units(scenario: Scenario, good: list[tuple[int, Unit]], cols: _Columns, file: str,
                       append: bool, seen: list[RowProblem]) -> list[RowProblem]:
    """The scenario's problems with these units (cargo nobody carries, places nobody
    reaches, ids the scenario has already), named by row and column."""
    base = list(scenario.units) if append else []
    try:
        scenario.replace(units=[*base, *(u for _, u in good)])
        return []
    except ScenarioError as exc:
        found = exc.problems
    have = {(p.row, p.column) for p in seen}
    out: list[RowProblem] = []
    for p in found:
        m = re.match(r"^units\[(\d+)\]\.?(.*)$", p.loc)
        if m is None or int(m[1]) < len(base):
            out.append(row_problem(file, None, None, None, f"with these units the scenario has a problem: {p}"))
            continue
        row, unit = good[int(m[1]) - len(base)]
        column = cols.name(_field_of(m[2]) or "id")
        if (row, column) not in have:
            have.add((row, column))
            msg = p.message.replace("(also units[", "(also the scenario's units[")
            out.append(row_problem(file, row, unit.id, column, msg))
    return out


# ----- writing, and the scenario's units ------------------------------------------------
def units_frame(units: Sequence[Unit]) -> pd.DataFrame:
    """Units in the columns :func:`read_units` reads (times in hours, destinations
    separated by spaces, empty RDD and LAD left blank)."""
    rows = []
    for u in units:
        d = u.model_dump()
        d["destinations"] = " ".join(u.destinations)
        rows.append({COLUMNS[f][0]: d[f] for f in COLUMNS})
    return pd.DataFrame(rows, columns=[c for c, _ in COLUMNS.values()])


def write_units(units: Sequence[Unit], path: str | Path) -> Path:
    """Write units as CSV, or as Excel (sheet ``units``) when ``path`` ends in ``.xlsx``."""
    p = Path(path)
    df = units_frame(units)
    if p.suffix.lower() == ".xlsx":
        df.to_excel(p, sheet_name="units", index=False)
    else:
        df.to_csv(p, index=False)
    return p


def with_units(scenario: Scenario, units: Sequence[Unit], *, append: bool = False) -> Scenario:
    """A validated copy of the scenario whose units are ``units`` (or its own and then
    ``units``, with ``append``). Raises :class:`ScenarioError` naming ``units[i]``."""
    return scenario.replace(units=[*(scenario.units if append else ()), *units])


def import_units(scenario: Scenario, source: Source, *, append: bool = False,
                 name: str | None = None) -> Scenario:
    """The scenario with the units of a CSV or Excel file (see :func:`read_units`).

    Raises
    ------
    ScenarioError
        Every problem of every row, each naming the file, row, ULN and column.
    """
    got = read_units(source, scenario, name=name, append=append)
    if got.problems:
        raise ScenarioError(got.problems, got.file)
    return with_units(scenario, got.units, append=append)
