"""logistics.formats: units from TPFDD-like CSV/Excel files (round trips, every row
problem in one pass) and a plan's airfields and routes as GeoJSON and KML (loaded,
positioning and return lines, every time with its DTG and C-day)."""

from __future__ import annotations

import io
import json
import re
from functools import cache
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd
import pytest

import logistics
from logistics.formats import (
    RowProblem,
    import_units,
    plan_geojson,
    plan_kml,
    read_units,
    units_frame,
    with_units,
    write_units,
)
from logistics.scenario import Scenario, load_scenario
from logistics.timefmt import c_day, dtg

ROOT = Path(__file__).resolve().parent.parent
BAGHDAD = ROOT / "data" / "scenarios" / "baghdad-embassy-2020.yaml"
TINY = ROOT / "tests" / "e2e" / "tiny-kuwait.yaml"
EXAMPLE = ROOT / "data" / "examples" / "units-example.csv"


@cache
def baghdad() -> Scenario:
    return load_scenario(BAGHDAD)


@cache
def tiny_solved():
    s = load_scenario(TINY)
    plan = logistics.solve(s, time_limit=1, deterministic=True)
    assert logistics.verify(s, plan) == []
    assert plan.missions
    return s, plan


# ----- units in -------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_of_the_bundled_units(tmp_path: Path, suffix: str) -> None:
    s = baghdad()
    path = write_units(s.units, tmp_path / f"units{suffix}")
    units, problems = read_units(path, s)
    assert problems == []
    assert units == list(s.units)
    assert with_units(s, units) == s
    assert import_units(s, path) == s


def test_bytes_and_file_objects_read_like_paths() -> None:
    s = baghdad()
    raw = units_frame(s.units).to_csv(index=False).encode()
    assert read_units(raw, s, name="up.csv").units == list(s.units)
    assert read_units(io.BytesIO(raw), s, name="up.csv").units == list(s.units)


def test_aliases_days_and_separators() -> None:
    csv = ("Unit Line Number;Unit Name;APOE;POD;Troops;Bulk Tons;Outsize ST;ALD (C-day);EAD;RDD day;LAD;PRI\n"
           "X1;lead company;kpob;OKAS OKBK;120;1,200;5;1;C+2;3;C+4;1\n")
    got = read_units(csv.encode(), name="x.csv")
    assert got.problems == [] and got.notes == []
    u = got.units[0]
    assert (u.id, u.name, u.origin, u.destinations, u.pax) == ("X1", "lead company", "KPOB", ("OKAS", "OKBK"), 120)
    assert (u.bulk_stons, u.outsize_stons, u.oversize_stons) == (1200.0, 5.0, 0.0)
    # C-days: ALD and EAD the day's first hour, RDD and LAD its last
    assert (u.ready_hour, u.earliest_arrival_hour, u.required_hour, u.latest_arrival_hour) == (24, 48, 96, 120)
    assert u.priority == 1


def test_unknown_columns_are_noted_and_defaults_apply() -> None:
    got = read_units(b"ULN,origin,destinations,FRN\nA,KPOB,OKAS,7\n", name="x.csv")
    assert got.problems == []
    assert got.notes == ["column FRN is not a unit field and was not read"]
    u = got.units[0]
    assert (u.pax, u.ready_hour, u.required_hour, u.latest_arrival_hour, u.priority) == (0, 0.0, None, None, 5)


BAD = """ULN,unit,origin,destinations,pax,bulk_st,oversize_st,outsize_st,ALD,EAD,RDD,LAD,priority
GOOD,fine,KPOB,OKAS,100,10,0,0,18,,40,60,2
NEG,negative pax,KPOB,OKAS,-5,10,0,0,18,,40,60,2
UNK,unknown origin,KXXX,OKAS,100,10,0,0,18,,40,60,2
RDD,rdd before ald,KPOB,OKAS,100,10,0,0,36,,30,60,2
TON,bad tons,KPOB,OKAS,100,ten,0,0,18,,40,60,2
,missing uln,KPOB,OKAS,100,10,0,0,18,,40,60,2
MANY,several at once,KPOB,OKAS,-1,x,0,0,18,,40,200,12
"""


def test_a_malformed_file_reports_every_problem_in_one_pass() -> None:
    got = read_units(BAD.encode(), baghdad(), name="bad.csv")
    table = [(p.row, p.uln, p.column) for p in got.problems]
    assert table == [
        (3, "NEG", "pax"),
        (4, "UNK", "origin"),
        (5, "RDD", "RDD"),
        (6, "TON", "bulk_st"),
        (7, None, "ULN"),
        (8, "MANY", "pax"),
        (8, "MANY", "bulk_st"),
        (8, "MANY", "LAD"),
        (8, "MANY", "priority"),
    ]
    assert all(isinstance(p, RowProblem) and p.file == "bad.csv" for p in got.problems)
    text = [str(p) for p in got.problems]
    assert text[0] == "bad.csv: row 3 (ULN NEG), column pax: must be >= 0 (got -5)"
    assert "unknown airfield KXXX" in text[1]
    assert "before the ALD" in text[2]
    assert text[3].endswith("must be a number (got 'ten')")
    assert text[4] == "bad.csv: row 7, column ULN: is required"
    assert "horizon" in text[7] and "<= 9" in text[8]
    assert [u.id for u in got.units] == ["GOOD"]
    with pytest.raises(logistics.ScenarioError) as exc:
        import_units(baghdad(), BAD.encode(), name="bad.csv")
    assert len(exc.value.problems) == len(got.problems)


def test_the_same_file_in_excel_names_the_same_rows(tmp_path: Path) -> None:
    df = pd.read_csv(io.StringIO(BAD), dtype=str, keep_default_na=False)
    path = tmp_path / "bad.xlsx"
    df.to_excel(path, index=False)
    csv = read_units(BAD.encode(), baghdad(), name="bad.csv")
    xls = read_units(path, baghdad())
    assert [(p.row, p.column, p.message) for p in xls.problems] == [
        (p.row, p.column, p.message) for p in csv.problems]


def test_an_excel_date_in_a_time_column_says_what_to_give(tmp_path: Path) -> None:
    path = tmp_path / "dates.xlsx"
    pd.DataFrame({"ULN": ["A"], "origin": ["KPOB"], "destinations": ["OKAS"],
                  "ALD": [pd.Timestamp("2020-01-02")]}).to_excel(path, index=False)
    (p,) = read_units(path).problems
    assert (p.row, p.column) == (2, "ALD") and p.message.startswith("is a date (2020-01-02")


def test_file_level_problems() -> None:
    missing = read_units(b"unit,pax\nA,5\n", name="m.csv").problems
    assert {p.column for p in missing} == {"ULN", "origin", "destinations"}
    assert all(p.row is None and "is missing" in p.message for p in missing)
    twice = read_units(b"ULN,ALD,ready_hour,origin,destinations\nA,1,2,KPOB,OKAS\n", name="t.csv").problems
    assert [(p.column, "keep one" in p.message) for p in twice] == [("ready_hour", True)]
    assert read_units(b"", name="e.csv").problems[0].message == "has no header row and no units"
    assert "no units" in read_units(b"ULN,origin,destinations\n", name="h.csv").problems[0].message
    assert "cannot read file" in read_units(Path("/nonexistent/units.csv")).problems[0].message


def test_scenario_checks_name_rows_too() -> None:
    s = load_scenario(TINY)  # C-17s only: outsize is carried, ORAA is beyond reach without stops
    csv = ("ULN,origin,destinations,pax,ALD,LAD\n"
           "A,KPOB,OKAS OKAS,10,0,200\n"
           "C,KPOB,KPOB,10,0,50\n")
    got = read_units(csv.encode(), s, name="s.csv")
    assert [(p.row, p.column) for p in got.problems] == [(2, "destinations"), (2, "LAD"), (3, "destinations")]
    # appended, an id the scenario has already is named by its row
    dup = read_units(b"ULN,origin,destinations\nA,KPOB,OKAS\n", s, name="d.csv", append=True)
    assert [(p.row, p.column) for p in dup.problems] == [(2, "ULN")]
    assert "duplicate" in dup.problems[0].message
    assert with_units(s, read_units(b"ULN,origin,destinations\nZ,KPOB,OKAS\n", s).units,
                      append=True).units[-1].id == "Z"


def test_the_example_file_loads_against_the_baghdad_airfields() -> None:
    got = read_units(EXAMPLE, baghdad())
    assert got.problems == [] and got.notes == []
    assert len(got.units) >= 3
    s = with_units(baghdad(), got.units)
    assert {u.origin for u in s.units} <= set(s.airfield_codes)


# ----- maps out -------------------------------------------------------------------------
HOMES = ROOT / "data" / "scenarios" / "baghdad-embassy-2020-homes.yaml"


@cache
def homes_solved():
    """The Baghdad operation with the fleet at its home bases (SPEC 5.1), solved briefly."""
    s = load_scenario(HOMES)
    plan = logistics.solve(s, time_limit=3)
    assert logistics.verify(s, plan) == []
    assert any(m.positions for m in plan.missions)
    return s, plan


def _lines(g: dict) -> list[dict]:
    return [f for f in g["features"] if f["geometry"]["type"] == "LineString"]


def _coords(s: Scenario, codes) -> list[list[float]]:
    return [[s.airfield(c).lon, s.airfield(c).lat] for c in codes]


def _leg_codes(m, idx) -> list[str]:
    legs = [m.legs[j] for j in idx]
    return [legs[0].frm, *(lg.to for lg in legs)] if legs else []


def _times_beside(s: Scenario, p: dict, names=("depart", "arrive")) -> None:
    """Each hour of a feature has its UTC, its DTG and the C-day of its departure."""
    for x in names:
        h = p[f"{x}_hour"]
        assert p[f"{x}_dtg"] == dtg(s, h) and re.fullmatch(r"\d{6}Z [A-Z]{3} \d{2}", p[f"{x}_dtg"])
        assert p[f"{x}_utc"].endswith("Z")
    assert p["c_day"] == c_day(p["depart_hour"])


def test_geojson_has_the_loaded_line_and_the_return_of_each_mission() -> None:
    s, plan = tiny_solved()
    g = json.loads(json.dumps(plan_geojson(s, plan)))
    assert g["type"] == "FeatureCollection"
    assert g["properties"]["start_dtg"] == dtg(s, 0.0)
    points = {f["properties"]["icao"]: f for f in g["features"] if f["geometry"]["type"] == "Point"}
    by_mission: dict[str, dict[str, dict]] = {}
    for f in _lines(g):
        by_mission.setdefault(f["properties"]["mission"], {})[f["properties"]["kind"]] = f
    assert list(by_mission) == [m.id for m in plan.missions]
    for m in plan.missions:
        parts = by_mission[m.id]
        assert set(parts) == {"mission", "return"}  # no homes: no positioning
        f, back = parts["mission"], parts["return"]
        p = f["properties"]
        assert f["id"] == m.id and back["id"] == f"{m.id}-return"
        assert (p["mission"], p["aircraft"], p["units"]) == (m.id, m.aircraft, list(m.unit_ids))
        assert p["pax"] == m.pax and p["stons"] == pytest.approx(m.cargo_stons, abs=1e-3)
        assert (p["depart_hour"], p["arrive_hour"], p["end_hour"]) == (m.start_hour, m.arrive_hour, m.end_hour)
        assert p["route"] == "-".join(_leg_codes(m, m.loaded_legs)) and p["routing"] == m.routing
        assert f["geometry"]["coordinates"] == _coords(s, _leg_codes(m, m.loaded_legs))
        assert back["geometry"]["coordinates"][0] == _coords(s, [m.destination])[0]
        assert back["geometry"]["coordinates"][-1] == _coords(s, [m.origin])[0]
        assert (back["properties"]["units"], back["properties"]["pax"], back["properties"]["stons"]) == ([], 0, 0)
        _times_beside(s, p, ("depart", "arrive", "start", "end"))
        _times_beside(s, back["properties"])
        for code in m.route:
            assert points[code]["geometry"]["coordinates"] == _coords(s, [code])[0]
    assert points["KPOB"]["properties"]["role"] == "origin"
    assert points["OKAS"]["properties"]["role"] == "destination"
    assert points["ETAR"]["properties"]["roles"] == ["enroute"]


def test_kml_parses_and_holds_the_same_routes() -> None:
    s, plan = tiny_solved()
    root = ET.fromstring(plan_kml(s, plan).encode())
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    assert root.tag == "{http://www.opengis.net/kml/2.2}kml"
    marks = root.findall(".//k:Placemark", ns)
    lines = {pm.get("id"): pm for pm in marks if pm.find("k:LineString", ns) is not None}
    assert len(lines) == 2 * len(plan.missions)
    for m in plan.missions:
        pm = lines[f"mission-{m.id}"]
        coords = pm.find("k:LineString/k:coordinates", ns).text.split()
        assert coords == [f"{lon},{lat},0" for lon, lat in _coords(s, _leg_codes(m, m.loaded_legs))]
        data = {d.get("name"): d.find("k:value", ns).text for d in pm.findall("k:ExtendedData/k:Data", ns)}
        assert data["kind"] == "mission" and data["depart_dtg"] == dtg(s, m.start_hour)
        assert data["arrive_dtg"] == dtg(s, m.arrive_hour) and data["end_dtg"] == dtg(s, m.end_hour)
        assert data["c_day"] == c_day(m.start_hour)
        text = pm.find("k:description", ns).text
        assert f"{dtg(s, m.arrive_hour)} · {c_day(m.arrive_hour)}" in text
        assert pm.find("k:TimeSpan/k:begin", ns).text.endswith("Z")
        assert lines[f"mission-{m.id}-return"].find("k:styleUrl", ns).text == "#route-return"
    points = {pm.find("k:name", ns).text for pm in marks if pm.find("k:Point", ns) is not None}
    assert {"KPOB", "OKAS", "ETAR"} <= points


def test_positioning_legs_are_their_own_empty_features() -> None:
    """SPEC 5.1: a mission from a home base is drawn home to origin (positioning, empty),
    its loaded legs origin to destination (``Mission.loaded_legs``) and back home; the
    parts join up into the whole route, every leg drawn once."""
    s, plan = homes_solved()
    g = plan_geojson(s, plan)
    parts: dict[str, list[dict]] = {}
    for f in _lines(g):
        parts.setdefault(f["properties"]["mission"], []).append(f)
    homes = {f["properties"]["icao"] for f in g["features"]
             if f["geometry"]["type"] == "Point" and "home" in f["properties"]["roles"]}
    assert homes == {e.home for e in s.aircraft if e.home is not None}
    for m in plan.missions:
        kinds = [f["properties"]["kind"] for f in parts[m.id]]
        assert kinds == (["positioning"] if m.positions else []) + ["mission", "return"]
        by = {f["properties"]["kind"]: f for f in parts[m.id]}
        loaded = by["mission"]
        assert loaded["geometry"]["coordinates"] == _coords(s, _leg_codes(m, m.loaded_legs))
        assert loaded["properties"]["depart_hour"] == m.departs_origin_hour
        assert loaded["properties"]["start_hour"] == m.start_hour and loaded["properties"]["home"] == m.home
        joined = [c for i, f in enumerate(parts[m.id]) for c in f["geometry"]["coordinates"][1 if i else 0:]]
        assert joined == _coords(s, m.route)
        if m.positions:
            pos = by["positioning"]
            p = pos["properties"]
            assert pos["geometry"]["coordinates"] == _coords(s, _leg_codes(m, m.positioning_legs))
            assert pos["geometry"]["coordinates"][0] == _coords(s, [m.home])[0]
            assert pos["geometry"]["coordinates"][-1] == _coords(s, [m.origin])[0]
            assert (p["units"], p["pax"], p["stons"], pos["id"]) == ([], 0, 0, f"{m.id}-positioning")
            assert p["depart_hour"] == m.start_hour and p["arrive_hour"] < loaded["properties"]["depart_hour"]
            _times_beside(s, p)
    kml = ET.fromstring(plan_kml(s, plan).encode())
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    styles = [pm.find("k:styleUrl", ns).text for pm in kml.findall(".//k:Placemark", ns)
              if pm.get("id", "").endswith("-positioning")]
    assert len(styles) == sum(m.positions for m in plan.missions) and set(styles) == {"#route-positioning"}
