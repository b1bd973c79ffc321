"""Times on the pages as planners read them: the C-hour, its Zulu date-time group and
its C-day side by side (the words of :mod:`logistics.timefmt`). No Streamlit here.

* :func:`dtgs` / :func:`c_days`: a column of hours as DTGs or C-days (``None`` for none;
  the library's, :mod:`logistics.plan.frames`, as in the exports);
* :func:`caption`: ``052212Z JAN 20 · C+5``, under an hour on a KPI card;
* :func:`beside_hours`: a plan table (``plan.missions_df(scenario)`` and the others) with
  a DTG column right after each hour column, and the C-day after the first, for the
  Plan page; the UTC date-time columns of the export are left to the export;
* :func:`fit_width`: the pixels a table column needs to show its heading and its
  widest text (a DTG, an id) whole, for ``st.column_config`` ``width``.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from logistics.plan.frames import c_days, dtgs
from logistics.scenario import Scenario
from logistics.timefmt import c_day, dtg

__all__ = ["DTG_OF", "beside_hours", "c_days", "caption", "dtgs", "fit_width"]

#: hour columns of the plan tables -> the name of their DTG column
DTG_OF = {"onload_hour": "onload_dtg", "depart_hour": "depart_dtg", "arrive_hour": "arrive_dtg",
          "end_hour": "end_dtg", "ready_hour": "ready_dtg", "rdd": "rdd_dtg", "lad": "lad_dtg",
          "closure_hour": "closure_dtg"}
#: the hour whose C-day a table shows, in order of preference
DAY_OF = ("closure_hour", "depart_hour", "arrive_hour")
#: pixels of a character in a table cell or heading (14 px sans-serif: narrow punctuation,
#: lower case, capitals and digits) and of the padding either side of a cell
NARROW, LOWER_PX, NARROW_PX, WIDE_PX, CELL_PAD_PX = " .,:;·-()'|", 6.5, 4.0, 8.0, 18


def _hour(h: Any) -> float | None:
    try:
        v = float(h)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def caption(scenario: Scenario, hour: Any) -> str | None:
    """``052212Z JAN 20 · C+5`` for a card showing ``h125.2``; ``None`` for no hour."""
    v = _hour(hour)
    return None if v is None else f"{dtg(scenario, v)} · {c_day(v)}"


def beside_hours(df: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """The table with ``<x>_dtg`` right after each hour column of :data:`DTG_OF` and
    ``c_day`` after the DTG of the first hour of :data:`DAY_OF` it has; ``*_utc`` columns
    dropped (the DTG beside the hour says the same instant)."""
    out = df.drop(columns=[c for c in df.columns if c.endswith("_utc")] + ["c_day"], errors="ignore")
    cols: list[str] = []
    day = next((h for h in DAY_OF if h in out.columns), None)
    data = {c: out[c] for c in out.columns}
    for c in out.columns:
        if c.endswith("_dtg"):
            continue
        cols.append(c)
        if c in DTG_OF:
            name = DTG_OF[c]
            data[name] = pd.Series(dtgs(scenario, out[c]), index=out.index, dtype=object)
            cols.append(name)
            if c == day:
                data["c_day"] = pd.Series(c_days(out[c]), index=out.index, dtype=object)
                cols.append("c_day")
    return pd.DataFrame({c: data[c] for c in cols}, index=out.index)


def fit_width(heading: str, values: Any = ()) -> int:
    """Pixels for a table column that shows ``heading`` and each of ``values`` (as text;
    none and NaN count as empty) whole: ``021254Z JAN 20`` needs 122."""
    def px(text: str) -> float:
        return sum(NARROW_PX if c in NARROW else LOWER_PX if c.islower() else WIDE_PX for c in text)

    texts = [heading, *("" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
                        for v in values)]
    return math.ceil(max(px(t) for t in texts) + CELL_PAD_PX)
