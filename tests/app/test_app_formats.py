"""The Scenario page's units import (CSV/Excel) and the Plan page's map downloads,
under ``streamlit.testing.v1.AppTest``."""

from __future__ import annotations

import copy
import io

import pandas as pd
from apptest_support import ROOT, make_app, tiny_plan
from streamlit.testing.v1 import AppTest

from app.units_import import UPLOAD_KEY, problems_frame
from logistics.formats import read_units
from logistics.scenario import load_scenario, scenario_to_dict

BAGHDAD = ROOT / "data" / "scenarios" / "baghdad-embassy-2020.yaml"
EXAMPLE = ROOT / "data" / "examples" / "units-example.csv"
BAD = (b"ULN,unit,origin,destinations,pax,bulk_st,ALD,RDD,LAD\n"
       b"OK,fine,KPOB,OKAS,10,1,0,40,60\n"
       b"NEG,negative,KPOB,OKAS,-5,1,0,40,60\n"
       b"UNK,unknown origin,KXXX,OKAS,10,abc,0,40,60\n"
       b",no uln,KPOB,OKAS,10,1,36,30,60\n")


def edited_baghdad() -> dict:
    """The bundled scenario with edits outside the units, as a user would make them."""
    d = scenario_to_dict(load_scenario(BAGHDAD))
    d["description"] = "edited before the import"
    d["aircraft"][0]["count"] = 30
    return d


def started(data: dict) -> AppTest:
    at = make_app()
    at.session_state["scenario_dict"] = copy.deepcopy(data)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_uploading_a_units_csv_replaces_the_units_and_keeps_other_edits() -> None:
    data = edited_baghdad()
    at = started(data)
    raw = EXAMPLE.read_bytes()
    at.file_uploader(key=UPLOAD_KEY).upload("units-example.csv", raw, "text/csv")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    d = at.session_state["scenario_dict"]
    want = read_units(raw).units
    assert [u["id"] for u in d["units"]] == [u.id for u in want]
    assert d["description"] == "edited before the import"
    assert d["aircraft"] == data["aircraft"]
    assert at.session_state["problems"] == []
    assert list(at.session_state["scenario"].units) == want
    assert any("Imported 5 units from units-example.csv" in s.value for s in at.success)
    # the units table shows the imported rows
    table = at.data_editor[0].value
    assert list(table["id"]) == [u.id for u in want]


def test_a_bad_units_csv_shows_every_problem_and_imports_nothing() -> None:
    data = edited_baghdad()
    at = started(data)
    at.file_uploader(key=UPLOAD_KEY).upload("bad-units.csv", BAD, "text/csv")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["scenario_dict"]["units"] == data["units"]
    assert any("problems** in bad-units.csv: nothing was imported" in e.value for e in at.error)
    frames = [df.value for df in at.dataframe if list(df.value.columns) == ["row", "ULN", "column", "problem"]]
    assert len(frames) == 1
    got = frames[0]
    assert list(zip(got["row"], got["ULN"], got["column"], strict=True)) == [
        (3, "NEG", "pax"), (4, "UNK", "origin"), (4, "UNK", "bulk_st"), (5, "", "ULN"), (5, "", "RDD")]


def test_problems_frame_columns() -> None:
    df = problems_frame(read_units(BAD, name="b.csv").problems)
    assert list(df.columns) == ["row", "ULN", "column", "problem"]
    assert isinstance(df, pd.DataFrame) and len(df) == 4  # without a scenario the origin is not checked


def test_an_excel_upload_imports_too() -> None:
    at = started(edited_baghdad())
    buf = io.BytesIO()
    pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False).to_excel(buf, index=False)
    at.file_uploader(key=UPLOAD_KEY).upload(
        "units.xlsx", buf.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.session_state["scenario_dict"]["units"]) == 5
    assert at.session_state["problems"] == []


def test_the_plan_page_offers_geojson_and_kml() -> None:
    plan, scen = tiny_plan()
    at = make_app()
    at.session_state["plan"] = plan
    at.session_state["plan_scenario"] = scen
    at.run()
    at.switch_page("views/plan.py").run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [b.label for b in at.download_button]
    assert {"JSON", "CSV", "Excel", "GeoJSON", "KML"} <= set(labels)
