"""Import units from a TPFDD-like CSV or Excel upload into the scenario being edited.

The file's units replace the ``units`` of the scenario dict and nothing else: the
user's other edits (fleet, destinations, airfields, general fields) stay as they are.
A file with any problem imports nothing; every problem of every row is shown at once,
as a table of row, ULN, column and problem.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from logistics.formats import COLUMNS, UnitsImport, read_units
from logistics.formats.unit_table import RowProblem
from logistics.scenario import Scenario

from . import state

UPLOAD_KEY = "units_upload"
_RESULT = "_units_import"


def check_scenario(data: Mapping[str, Any]) -> Scenario | None:
    """The scenario the rows are checked against: the dict as edited, with its units
    left out (so a problem in the units being replaced does not stop an import);
    ``None`` when the rest of the dict has problems too (then the rows are checked
    alone and the scenario's checks follow in the tables)."""
    try:
        return Scenario.from_dict({**copy.deepcopy(dict(data)), "units": []})
    except Exception:  # any problem outside the units: check the file's rows alone
        return None


def import_upload(raw: bytes, name: str) -> UnitsImport:
    """Read the upload; when it has no problem, its units replace the dict's units."""
    got = read_units(raw, check_scenario(state.scenario_dict()), name=name)
    if not got.problems:
        state.update_dict("units", [u.model_dump(mode="json", exclude_defaults=True) for u in got.units])
    return got


def problems_frame(problems: Sequence[RowProblem]) -> pd.DataFrame:
    """One line per problem: spreadsheet row, ULN, column (as in the file), problem."""
    rows = [{"row": p.row, "ULN": p.uln or "", "column": p.column or "", "problem": p.message}
            for p in problems]
    return pd.DataFrame(rows, columns=["row", "ULN", "column", "problem"]).astype({"row": "Int64"})


def render() -> None:
    """The uploader and what the last import gave (on the Scenario page's Units tab)."""
    ss = st.session_state
    names = ", ".join(c for c, _ in COLUMNS.values())
    up = st.file_uploader(
        "Import units (CSV/Excel)", type=["csv", "tsv", "xlsx"], key=UPLOAD_KEY,
        help=f"One row per unit, TPFDD-like columns: {names}. Destinations separated by ; or "
             "spaces; times in hours from C-hour 0 or as C-days (C+2). The file's units replace "
             "this table; your other edits are kept. See docs/scenarios.md.")
    if up is None:
        return
    if ss.get(_RESULT, {}).get("file_id") != up.file_id:
        got = import_upload(up.getvalue(), up.name)
        ss[_RESULT] = {"file_id": up.file_id, "dv": ss["dict_version"], "got": got}
        if not got.problems:
            st.rerun()
    res = ss[_RESULT]
    if res["dv"] != ss["dict_version"]:
        return  # another scenario was loaded since
    got: UnitsImport = res["got"]
    if got.problems:
        n = len(got.problems)
        st.error(f"**{n} problem{'s' if n != 1 else ''}** in {got.file}: nothing was imported. Fix "
                 "them and upload the file again.", icon=":material/error:")
        st.dataframe(problems_frame(got.problems), hide_index=True, width="stretch")
    else:
        st.success(f"Imported {len(got.units)} units from {got.file}; they replace the units below.",
                   icon=":material/upload_file:")
    for note in got.notes:
        st.caption(f"{got.file}: {note}.")
