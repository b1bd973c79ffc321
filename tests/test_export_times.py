"""Exports give each time as planners read it: beside the hour and its UTC date-time, a
Zulu date-time group (``*_dtg``) and the C-day (``c_day``), after the columns that were
there before, which stay as they were (logistics.plan.frames, docs/plan-exports.md).

The hand plan of test_plan: C-hour 0 is 2020-01-01 00:00Z. M1 departs h4.0
(010400Z JAN 20), lands at OKAS h20.0 (012000Z JAN 20) and is back h39.5 = 1 day
15 h 30 min (021530Z JAN 20); it departs on C-day C+0 (hours 0-24). U2 closes at h20.0;
U1 is not fully delivered, so it has no closure, no DTG and no C-day.
"""

from __future__ import annotations

import pandas as pd
import pytest
from test_plan import CSV_COLUMNS, _rich_plan, hand_plan, scen

#: the flat table with a scenario before DTGs: CSV_COLUMNS with the UTC times after end_hour
FLAT_BEFORE = [*CSV_COLUMNS[:8], "depart_utc", "arrive_utc", "end_utc", *CSV_COLUMNS[8:]]


def test_csv_keeps_its_columns_and_adds_dtgs_and_the_c_day_last(tmp_path) -> None:
    s = scen()
    p = hand_plan(s)
    plain = pd.read_csv(p.save(tmp_path / "plain.csv"))
    assert tuple(plain.columns) == CSV_COLUMNS  # without a scenario: SPEC's columns only
    df = pd.read_csv(p.save(tmp_path / "plan.csv", s), dtype={"c_day": str})
    assert list(df.columns) == [*FLAT_BEFORE, "depart_dtg", "arrive_dtg", "end_dtg", "c_day"]
    m1 = df[df["mission"] == "M1"].iloc[0]
    assert (m1["depart_dtg"], m1["arrive_dtg"], m1["end_dtg"], m1["c_day"]) == (
        "010400Z JAN 20", "012000Z JAN 20", "021530Z JAN 20", "C+0")
    assert m1["depart_hour"] == 4.0 and m1["depart_utc"] == "2020-01-01 04:00:00+00:00"


def test_each_table_adds_a_dtg_per_utc_column_and_a_c_day() -> None:
    s = scen()
    p = hand_plan(s)
    for df, times, day_of in ((p.missions_df(s), ("depart", "arrive", "end"), "depart"),
                              (p.legs_df(s), ("depart", "arrive"), "depart"),
                              (p.loads_df(s), ("arrive",), "arrive"),
                              (p.units_df(s), ("closure",), "closure")):
        new = [f"{t}_dtg" for t in times] + ["c_day"]
        assert list(df.columns[-len(new):]) == new
        assert all(f"{t}_utc" in df.columns for t in times)
        for t in times:  # the DTG says the UTC instant
            for h, utc, d in zip(df[f"{t}_hour"], df[f"{t}_utc"], df[f"{t}_dtg"], strict=True):
                if pd.isna(h):
                    assert pd.isna(d)
                    continue
                assert d == utc.strftime("%d%H%MZ %b %y").upper()
        hours = df[f"{day_of}_hour"]
        assert [None if pd.isna(c) else c for c in df["c_day"]] == [
            None if pd.isna(h) else f"C+{int(h // 24)}" for h in hours]
    units = p.units_df(s).set_index("id")
    assert units.loc["U2", "closure_dtg"] == "012000Z JAN 20" and units.loc["U2", "c_day"] == "C+0"
    assert pd.isna(units.loc["U1", "closure_dtg"]) and pd.isna(units.loc["U1", "c_day"])
    legs = p.legs_df(s)
    last = legs[legs["mission"] == "M1"].iloc[-1]  # ETAR-KPOB 31.0-39.5: departs C+1
    assert (last["depart_dtg"], last["arrive_dtg"], last["c_day"]) == ("020700Z JAN 20", "021530Z JAN 20", "C+1")
    assert "depart_dtg" not in p.missions_df().columns  # no scenario, no times of day


def test_dtgs_are_zulu_whatever_the_zone_of_the_start() -> None:
    # C-hour 0 at 02:00 local (UTC+3) is 2019-12-31 23:00Z: h4.0 is 010300Z JAN 20, and
    # h20.0 = 2020-01-01 19:00Z; C-days count hours from C-hour, not calendar days
    s = scen(start="2020-01-01T02:00:00+03:00")
    df = hand_plan(s).missions_df(s).set_index("id")
    assert (df.loc["M1", "depart_dtg"], df.loc["M1", "arrive_dtg"], df.loc["M1", "c_day"]) == (
        "010300Z JAN 20", "011900Z JAN 20", "C+0")


def test_excel_sheets_carry_the_dtgs(tmp_path) -> None:
    s = scen()
    path = _rich_plan().save(tmp_path / "plan.xlsx", s)
    sheets = pd.read_excel(path, sheet_name=None)
    assert {"depart_dtg", "arrive_dtg", "end_dtg", "c_day"} <= set(sheets["missions"].columns)
    assert {"closure_dtg", "c_day"} <= set(sheets["units"].columns)
    assert {"depart_dtg", "arrive_dtg", "c_day"} <= set(sheets["legs"].columns)
    assert {"arrive_dtg", "c_day"} <= set(sheets["loads"].columns)
    m = sheets["missions"]
    assert m["depart_dtg"].str.fullmatch(r"\d{6}Z [A-Z]{3} \d{2}").all()


@pytest.mark.parametrize("hour, day", [(0.0, "C+0"), (23.99, "C+0"), (24.0, "C+1"), (-0.5, "C-1")])
def test_c_day_boundaries(hour: float, day: str) -> None:
    from logistics.plan.frames import c_days

    assert c_days([hour]) == [day]
