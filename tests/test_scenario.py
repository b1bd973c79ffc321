"""The scenario format: catalogue merge, round trips, JSON Schema, catalogue sources."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import jsonschema
import pytest
from conftest import make_scenario
from pydantic import ValidationError

from logistics.catalog import AIRCRAFT_FIELDS, aircraft_catalog, airfield_catalog, data_dir, scenarios_dir
from logistics.errors import ScenarioError
from logistics.network import scenario_warnings
from logistics.scenario import (
    DEFAULT_OBJECTIVE,
    Scenario,
    dumps_scenario,
    json_schema,
    load_scenario,
    parse_text,
    save_scenario,
)

BUNDLED = sorted(scenarios_dir().glob("*.yaml"))

A400M = {
    "type": "A400M", "count": 4, "name": "Airbus A400M", "seats": 116, "acl_stons": 20,
    "max_payload_stons": 41, "range_nm_at_max_payload": 1780, "ferry_range_nm": 4700,
    "cruise_kt": 420, "cargo_classes": ["bulk", "oversize"], "onload_hours": 2,
    "offload_hours": 2, "enroute_ground_hours": 1.5, "ute_hours": 10, "min_runway_ft": 3000,
}


# ----- catalogue merge ------------------------------------------------------------------
def test_airfield_override_keeps_the_rest_of_the_catalogue_entry() -> None:
    cat = airfield_catalog()["OKAS"]
    s = make_scenario(airfields=[{"icao": "okas", "mog": 2}])
    a = s.airfield("OKAS")
    assert a.mog == 2 and cat.mog != 2
    assert (a.lat, a.lon, a.name, a.runway_ft) == (cat.lat, cat.lon, cat.name, cat.runway_ft)
    # the catalogue itself is untouched
    assert airfield_catalog()["OKAS"].mog == cat.mog
    assert make_scenario().airfield("OKAS").mog == cat.mog


def test_unknown_airfield_with_coordinates_and_mog() -> None:
    s = make_scenario(
        airfields=[{"icao": "X001", "name": "Forward strip", "lat": 29.0, "lon": 47.0, "mog": 2,
                    "runway_ft": 8000}],
        destinations=[{"airfield": "X001", "capacity_pax": 300}],
        units=[{"id": "U1", "origin": "KPOB", "destinations": ["X001"], "pax": 50}],
    )
    x = s.airfield("X001")
    assert (x.lat, x.lon, x.mog, x.runway_ft, x.name) == (29.0, 47.0, 2, 8000, "Forward strip")
    assert "X001" in s.airfield_codes
    assert s.capacity_pax("X001") == 300
    assert s.capacity_pax("OKAS") is None  # not a listed destination: unlimited


def test_unknown_type_with_every_field() -> None:
    s = make_scenario(aircraft=[A400M], enroute=["LICZ", "LTAG", "LPLA", "ETAR"],
                      units=[{"id": "U1", "origin": "KDOV", "destinations": ["OKAS"], "pax": 100,
                              "oversize_stons": 10}])
    t = s.aircraft_type("A400M")
    assert t.seats == 116 and t.acl_stons == 20 and t.cargo_classes == ("bulk", "oversize")
    assert t.carries("pax") and t.carries("oversize") and not t.carries("outsize")
    assert s.fleet_types == ["A400M"] and s.fleet_count("A400M") == 4


def test_type_overrides_merge_over_catalogue() -> None:
    base = aircraft_catalog()["C-17A"]
    s = make_scenario(aircraft=[{"type": "C-17A", "count": 4, "ute_hours": 16, "acl_stons": 40}])
    t = s.aircraft_type("C-17A")
    assert (t.ute_hours, t.acl_stons) == (16, 40)
    assert (t.seats, t.cruise_kt, t.source) == (base.seats, base.cruise_kt, base.source)


def test_several_entries_of_one_type_add_up() -> None:
    s = make_scenario(aircraft=[
        {"type": "C-17A", "count": 8, "available_hour": 12},
        {"type": "C-5M", "count": 2},
        {"type": "C-17A", "count": 4, "available_hour": 30, "ute_hours": 14},
        {"type": "C-17A", "count": 3, "ute_hours": 14},
    ])
    assert s.fleet_types == ["C-17A", "C-5M"]
    assert s.fleet_steps("C-17A") == [(0.0, 3), (12.0, 8), (30.0, 4)]
    assert s.fleet_count("C-17A") == 15
    assert [s.fleet_count("C-17A", h) for h in (0, 11.9, 12, 29, 30, 500)] == [3, 3, 11, 11, 15, 15]
    assert s.fleet_count("C-5M", 0) == 2
    # equal overrides in several entries are one setting, applied to the type
    assert s.aircraft_type("C-17A").ute_hours == 14


# ----- defaults and helpers -------------------------------------------------------------
def test_defaults_and_windows() -> None:
    s = make_scenario(units=[
        {"id": "A", "origin": "KPOB", "destinations": "okas", "pax": 10},
        {"id": "B", "origin": "kpob", "destinations": ["OKAS"], "pax": 10, "latest_arrival_hour": 90,
         "priority": 2},
        {"id": "C", "origin": "KPOB", "destinations": ["OKAS"], "pax": 10, "required_hour": 70},
    ])
    a, b, c = s.units
    assert a.destinations == ("OKAS",) and b.origin == "KPOB"
    assert (s.lad(a), s.rdd(a)) == (120, 120)
    assert (s.lad(b), s.rdd(b)) == (90, 90)
    assert (s.lad(c), s.rdd(c)) == (120, 70)
    assert (a.priority, a.weight, b.weight) == (5, 5, 8)
    assert s.objective == DEFAULT_OBJECTIVE
    assert s.pax_weight_stons == pytest.approx(0.15)
    assert s.unit("B") is b
    with pytest.raises(KeyError):
        s.unit("nope")


def test_scenario_is_immutable_and_replace_validates() -> None:
    s = make_scenario()
    with pytest.raises(ValidationError):
        s.horizon_hours = 10  # type: ignore[misc]
    t = s.replace(horizon_hours=200)
    assert t.horizon_hours == 200 and s.horizon_hours == 120 and t != s
    with pytest.raises(ScenarioError) as info:
        s.replace(horizon_hours=-5)
    assert [p.loc for p in info.value.problems] == ["horizon_hours"]
    with pytest.raises(ScenarioError) as info:
        s.replace(units=[{"id": "U1", "origin": "KPOB", "destinations": ["OKAS"], "pax": -1}])
    assert [p.loc for p in info.value.problems] == ["units[0].pax"]


def test_warning_when_late_whatever_happens() -> None:
    s = make_scenario(units=[{"id": "U1", "origin": "KPOB", "destinations": ["OKAS"], "pax": 100,
                              "ready_hour": 10, "required_hour": 12, "latest_arrival_hour": 14}])
    locs = {p.loc: p.message for p in scenario_warnings(s)}
    assert "will be late whatever happens" in locs["units[0].required_hour"]
    assert "cannot be delivered" in locs["units[0].latest_arrival_hour"]
    assert scenario_warnings(make_scenario()) == []


# ----- round trips ----------------------------------------------------------------------
def _variants() -> list[Scenario]:
    return [
        make_scenario(),
        make_scenario(
            description="all the trimmings",
            airfields=[{"icao": "X001", "lat": 29.5, "lon": 47.25, "mog": 2, "runway_ft": 9000.5},
                       {"icao": "OKAS", "mog": 3}],
            aircraft=[{"type": "C-17A", "count": 4}, {"type": "C-17A", "count": 2, "available_hour": 12.5},
                      A400M],
            destinations=[{"airfield": "OKAS", "capacity_pax": 800}, {"airfield": "X001"}],
            units=[{"id": "U1", "name": "ünïcode ✓", "origin": "KPOB", "destinations": ["OKAS", "X001"],
                    "pax": 100, "bulk_stons": 20.25, "outsize_stons": 3, "ready_hour": 0.5,
                    "earliest_arrival_hour": 20, "required_hour": 40.75, "latest_arrival_hour": 100,
                    "priority": 1}],
            objective=["lateness", "undelivered"],
            start="2019-12-31T21:00:00-05:00",
        ),
    ]


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json"])
def test_load_save_round_trip(tmp_path: Path, suffix: str) -> None:
    for i, s in enumerate(_variants()):
        path = save_scenario(s, tmp_path / f"s{i}{suffix}")
        if suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))  # really JSON
        back = load_scenario(path)
        assert back == s
        assert back.content_sha256() == s.content_sha256()
        assert back.sha256() == hashlib.sha256(path.read_bytes()).hexdigest()
        assert back.source_path == str(path)
        assert back.start == s.start and back.start.utcoffset() == s.start.utcoffset()


@pytest.mark.parametrize("path", BUNDLED, ids=[p.name for p in BUNDLED])
def test_bundled_scenarios_round_trip(tmp_path: Path, path: Path) -> None:
    s = load_scenario(path)
    for fmt in ("yaml", "json"):
        text = dumps_scenario(s, fmt)  # type: ignore[arg-type]
        assert load_scenario(text.encode(), name=f"x.{fmt}") == s
    assert load_scenario(save_scenario(s, tmp_path / "copy.json")) == s


def test_bundled_scenarios_exist_and_validate() -> None:
    names = {p.name for p in BUNDLED}
    assert "gulf-buildup-2019.yaml" in names
    for path in BUNDLED:
        s = load_scenario(path)
        assert s.units and s.aircraft and s.description


def test_gulf_buildup_scenario_facts() -> None:
    s = load_scenario(scenarios_dir() / "gulf-buildup-2019.yaml")
    assert {d.airfield for d in s.destinations} == {"OKAS", "OKBK", "OTBH", "OEPS", "OMAM", "OBBS", "ORAA"}
    assert set(s.enroute) == {"ETAR", "LERT", "LICZ", "LTAG", "LPLA"}
    assert set(s.fleet_types) == {"C-17A", "C-5M", "CRAF-B747-PAX", "CRAF-B747-F"}
    # availability delays on the later aircraft
    assert all(h > 0 for h, _ in s.fleet_steps("CRAF-B747-PAX"))
    assert s.horizon_hours == 14 * 24
    total = sum(u.pax for u in s.units)
    assert 7000 <= total <= 9000  # the airlifted part of the ~14,000
    # ~1,800 in October to Prince Sultan AB, ~3,500 IRF to Kuwait
    assert sum(u.pax for u in s.units if u.id.endswith("-OCT")) == 1800
    assert sum(u.pax for u in s.units if u.id.startswith("IRF")) == 3500
    assert all(u.destinations == ("OEPS",) for u in s.units if u.id.endswith("-OCT"))
    assert {u.origin for u in s.units} <= set(airfield_catalog())
    assert "assumption" in s.description.lower() and "compressed" in s.description.lower()
    assert scenario_warnings(s) == []


# ----- JSON Schema ----------------------------------------------------------------------
def test_json_schema_accepts_bundled_scenarios() -> None:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    assert BUNDLED
    for path in BUNDLED:
        data = parse_text(path.read_text(encoding="utf-8"), str(path))
        errors = sorted(validator.iter_errors(data), key=str)
        assert not errors, f"{path.name}: {errors[0].message}"


def test_json_schema_accepts_dumps_and_rejects_bad_input() -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    for s in _variants():
        assert validator.is_valid(json.loads(dumps_scenario(s, "json")))
    good = json.loads(dumps_scenario(make_scenario(), "json"))
    bad_cases = [
        {k: v for k, v in good.items() if k != "name"},
        {**good, "colour": "green"},
        {**good, "units": [{**good["units"][0], "pax": -1}]},
        {**good, "units": [{**good["units"][0], "priority": 10}]},
        {**good, "units": [{**good["units"][0], "origin": "Pope Field"}]},
        {**good, "enroute": ["ETAR", "not a code"]},
        {**good, "objective": ["speed"]},
        {**good, "aircraft": [{"type": "C-17A", "count": 1, "ute_hours": 25}]},
    ]
    for bad in bad_cases:
        assert not validator.is_valid(bad), bad
    assert json_schema()["$id"] == "logistics-scenario/1"


# ----- catalogues -----------------------------------------------------------------------
def test_every_catalogue_row_has_a_source() -> None:
    for name in ("aircraft.csv", "airfields.csv"):
        with open(data_dir() / name, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert rows
        for row in rows:
            key = row.get("type") or row.get("icao")
            assert row["source"].strip(), f"{name}: {key} has no source"
    assert all(t.source.strip() for t in aircraft_catalog().values())
    assert all(a.source.strip() for a in airfield_catalog().values())


def test_catalogue_is_complete_and_consistent() -> None:
    types = aircraft_catalog()
    assert {"C-17A", "C-5M", "C-130J-30", "KC-46A", "CRAF-B747-PAX", "CRAF-B747-F"} <= set(types)
    for t in types.values():
        assert t.range_nm_at_max_payload <= t.ferry_range_nm
        assert t.acl_stons <= t.max_payload_stons
        assert set(AIRCRAFT_FIELDS) >= {"seats", "acl_stons", "ute_hours"}
    assert types["C-17A"].cargo_classes == ("bulk", "oversize", "outsize")
    assert types["CRAF-B747-PAX"].cargo_classes == () and types["CRAF-B747-F"].seats == 0
    fields = airfield_catalog()
    for code in ("KPOB", "ETAR", "LERT", "LICZ", "LTAG", "LGSA", "OKAS", "OKBK", "OTBH", "ORAA", "ORER", "ORBI"):
        assert code in fields and fields[code].mog > 0
