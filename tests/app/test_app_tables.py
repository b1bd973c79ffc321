"""Scenario dict <-> editable tables, and problems mapped to the table they name."""

from __future__ import annotations

import copy

import pandas as pd
from apptest_support import tiny_dict

from app import tables
from logistics.catalog import airfield_catalog, scenarios_dir
from logistics.errors import Problem
from logistics.scenario import Scenario, parse_text


def baghdad() -> dict:
    return parse_text((scenarios_dir() / "baghdad-embassy-2020.yaml").read_text())


def round_trip(data: dict, section: str):
    df = tables.section_frame(data, section)
    rows = tables.normalise_rows(section, df)
    return tables.rows_to_section(section, rows, data)


def test_sections_round_trip_unchanged() -> None:
    d = baghdad()
    assert round_trip(d, "units") == d["units"]
    assert round_trip(d, "destinations") == d["destinations"]
    assert round_trip(d, "enroute") == d["enroute"]
    fleet = round_trip(d, "aircraft")
    assert [(e["type"], e["count"], e.get("available_hour")) for e in fleet] == \
        [(e["type"], e["count"], e.get("available_hour")) for e in d["aircraft"]]
    assert fleet[3]["min_runway_ft"] == 7500
    assert round_trip(d, "airfields") == []  # catalogue values only: no override
    # and the round-tripped scenario is the same scenario
    d2 = copy.deepcopy(d)
    for sec in ("units", "destinations", "enroute", "aircraft"):
        d2[sec] = round_trip(d, sec)
    assert Scenario.from_dict(d2) == Scenario.from_dict(d)


def test_whole_numbers_stay_whole_and_blanks_are_left_out() -> None:
    d = tiny_dict()
    df = tables.section_frame(d, "units")
    assert str(df["pax"].dtype) == "Int64"
    df.loc[0, "bulk_stons"] = 25.0
    df.loc[0, "earliest_arrival_hour"] = None
    rows = tables.normalise_rows("units", df)
    assert rows[0]["bulk_stons"] == 25 and isinstance(rows[0]["bulk_stons"], int)
    assert "earliest_arrival_hour" not in rows[0]
    # a row added and left blank is dropped
    blank = pd.concat([df, pd.DataFrame([{c: None for c in df.columns}])], ignore_index=True)
    assert len(tables.normalise_rows("units", blank)) == 1


def test_airfields_table_merges_the_catalogue_and_writes_overrides() -> None:
    d = tiny_dict()
    df = tables.section_frame(d, "airfields")
    assert list(df["icao"]) == ["KPOB", "OKAS", "ETAR"]
    okas = airfield_catalog()["OKAS"]
    assert df.loc[1, "mog"] == okas.mog and df.loc[1, "runway_ft"] == okas.runway_ft
    df.loc[1, "mog"] = 2
    entries = tables.rows_to_section("airfields", tables.normalise_rows("airfields", df), d)
    assert entries == [{"icao": "OKAS", "mog": 2}]
    d["airfields"] = entries
    assert Scenario.from_dict(d).airfield("OKAS").mog == 2
    # the table now shows the override; putting the catalogue value back keeps the entry
    df2 = tables.section_frame(d, "airfields")
    assert df2.loc[1, "mog"] == 2
    df2.loc[1, "mog"] = okas.mog
    assert tables.rows_to_section("airfields", tables.normalise_rows("airfields", df2), d) == \
        [{"icao": "OKAS", "mog": okas.mog}]


def test_a_new_airfield_keeps_every_field() -> None:
    d = tiny_dict()
    df = tables.section_frame(d, "airfields")
    new = {"icao": "xzzz", "mog": 2, "runway_ft": 9000, "name": "Field X", "country": None,
           "lat": 30.5, "lon": 45.25}
    df = pd.concat([df, pd.DataFrame([new])], ignore_index=True)
    entries = tables.rows_to_section("airfields", tables.normalise_rows("airfields", df), d)
    assert entries == [{"icao": "XZZZ", "mog": 2, "runway_ft": 9000, "name": "Field X",
                        "lat": 30.5, "lon": 45.25}]


def test_problem_locations_map_to_tables() -> None:
    assert tables.split_loc("units[3].pax") == ("units", 3, "pax")
    assert tables.split_loc("units[0].destinations[1]") == ("units", 0, "destinations[1]")
    assert tables.split_loc("enroute[2]") == ("enroute", 2, "")
    assert tables.split_loc("airfields[0].mog") == ("airfields", 0, "mog")
    assert tables.split_loc("horizon_hours") == ("general", None, "horizon_hours")
    assert tables.split_loc("line 3, column 1") == ("general", None, "line 3, column 1")
    by = tables.problems_by_section([Problem("units[0].pax", "x"), Problem("aircraft[1].count", "y"),
                                     Problem("", "z")])
    assert [len(by[k]) for k in ("units", "aircraft", "general", "airfields")] == [1, 1, 1, 0]


def test_strings_that_are_not_numbers_reach_the_validator() -> None:
    assert tables.clean_value("12", "int") == 12
    assert tables.clean_value("1.5", "float") == 1.5
    assert tables.clean_value("abc", "float") == "abc"
    assert tables.clean_value("okas, okbk", "codes") == ["OKAS", "OKBK"]
    assert tables.clean_value(float("nan"), "float") is None


def test_limits_that_change_over_time_round_trip_and_survive_other_edits() -> None:
    # SPEC 5.2: a fleet line's until_hour is a column of its own; the airfields'
    # mog_changes are one table (a row per change) written back into airfields[]
    d = tiny_dict()
    d["aircraft"] = [{"type": "C-17A", "count": 4, "until_hour": 40}]
    d["airfields"] = [{"icao": "OKAS", "mog_changes": [{"from_hour": 10, "to_hour": 20, "mog": 0}]}]
    assert round_trip(d, "aircraft") == d["aircraft"]
    assert round_trip(d, "mog_changes") == d["airfields"]
    # the airfields table does not show the changes, and an edit there keeps them
    assert round_trip(d, "airfields") == d["airfields"]
    df = tables.section_frame(d, "airfields")
    df.loc[df["icao"] == "OKAS", "mog"] = 3
    rows = tables.normalise_rows("airfields", df)
    assert tables.rows_to_section("airfields", rows, d) == [
        {"icao": "OKAS", "mog": 3, "mog_changes": [{"from_hour": 10, "to_hour": 20, "mog": 0}]}]
    # a change added for an airfield without an entry makes one; removing the last
    # change of an entry that held nothing else drops the entry
    ch = tables.section_frame(d, "mog_changes")
    ch.loc[1] = ["KPOB", 5.0, 8.0, 2]
    out = tables.rows_to_section("mog_changes", tables.normalise_rows("mog_changes", ch), d)
    assert out == d["airfields"] + [{"icao": "KPOB", "mog_changes": [{"from_hour": 5, "to_hour": 8, "mog": 2}]}]
    Scenario.from_dict({**d, "airfields": out})  # valid
    assert tables.rows_to_section("mog_changes", [], d) == []
