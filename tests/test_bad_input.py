"""Bad input gets a clear error naming the file, the entry and the field (SPEC §2).

Every case is written to a file under ``tmp_path`` and read with ``load_scenario``;
the test asserts the exact location (``units[0].pax``), a key part of the message,
and that the file name appears in ``str(error)``. The files in ``tests/data/bad`` are
also run through ``logistics validate``: exit 2, the entry on stderr, no traceback.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from logistics.cli import main
from logistics.errors import Problem, ScenarioError
from logistics.scenario import Scenario, load_scenario

BAD_DIR = Path(__file__).resolve().parent / "data" / "bad"

BASE: dict[str, Any] = {
    "name": "tiny",
    "start": "2020-01-01T00:00:00Z",
    "horizon_hours": 120,
    "aircraft": [{"type": "C-17A", "count": 4}],
    "destinations": [{"airfield": "OKAS", "capacity_pax": 5000}],
    "enroute": ["ETAR", "LERT"],
    "units": [{"id": "U1", "origin": "KPOB", "destinations": ["OKAS"], "pax": 100,
               "bulk_stons": 20}],
}

FULL_A400M = {
    "type": "A400M", "count": 4, "seats": 116, "acl_stons": 20, "max_payload_stons": 41,
    "range_nm_at_max_payload": 1780, "ferry_range_nm": 4700, "cruise_kt": 420,
    "cargo_classes": ["bulk", "oversize"], "onload_hours": 2, "offload_hours": 2,
    "enroute_ground_hours": 2, "ute_hours": 10,
}


def scen(**over: Any) -> dict[str, Any]:
    """The base scenario with top-level fields replaced (``None`` deletes a field)."""
    d = copy.deepcopy(BASE)
    for k, v in over.items():
        if v is None:
            d.pop(k, None)
        else:
            d[k] = v
    return d


def unit(**over: Any) -> dict[str, Any]:
    """The base unit with fields replaced."""
    return {**BASE["units"][0], **over}


def units(**over: Any) -> dict[str, Any]:
    """The base scenario whose one unit has fields replaced."""
    return scen(units=[unit(**over)])


# (case id, file content: a mapping dumped as YAML, or raw text/bytes, exact loc, message part)
CASES: list[tuple[str, Any, str, str]] = [
    # files that do not parse
    ("malformed-yaml", "name: x\nstart: [2020-01-01T00:00:00Z\nhorizon_hours: 120\n",
     "line 3, column 14", "could not parse YAML/JSON"),
    ("json-syntax-error", b'{"name": "x" "start": "2020-01-01T00:00:00Z"}',
     "line 1, column 14", "could not parse YAML/JSON"),
    ("tab-indent", "name: x\n\tstart: 1\n", "line 2, column 1", "could not parse YAML/JSON"),
    ("top-level-list", "- name: x\n- horizon_hours: 10\n", "", "must be a mapping of scenario fields, got list"),
    ("top-level-text", "just some words\n", "", "must be a mapping of scenario fields, got str"),
    ("empty-file", b"", "", "is empty"),
    ("comments-only", "# nothing but a comment\n", "", "is empty"),
    ("not-utf8", b"name: caf\xe9\nstart: 2020-01-01T00:00:00Z\n", "", "is not UTF-8 text"),
    # top-level fields
    ("missing-name", scen(name=None), "name", "is required"),
    ("empty-name", scen(name=""), "name", "must not be empty"),
    ("missing-start", scen(start=None), "start", "is required"),
    ("naive-datetime", scen(start="2020-01-01T00:00:00"), "start", "with a zone"),
    ("not-a-date", scen(start="new year's eve"), "start", "ISO-8601"),
    ("horizon-zero", scen(horizon_hours=0), "horizon_hours", "must be > 0"),
    ("wrong-format", scen(format="logistics-scenario/2"), "format", "must be one of"),
    ("unknown-field", scen(colour="green"), "colour", "is not a field of this entry"),
    ("units-not-a-list", scen(units={"id": "U1"}), "units", "must be a list"),
    ("unit-not-a-mapping", scen(units=[5]), "units[0]", "must be a mapping of fields"),
    ("enroute-not-a-list", scen(enroute="ETAR"), "enroute", "must be a list"),
    ("unknown-goal", scen(objective=["undelivered", "speed"]), "objective[1]", "must be one of"),
    ("goal-twice", scen(objective=["closure", "closure"]), "objective", "lists a goal more than once"),
    # units: types and ranges
    ("pax-text", units(pax="many"), "units[0].pax", "must be a whole number"),
    ("pax-fraction", units(pax=10.5), "units[0].pax", "must be a whole number"),
    ("negative-pax", units(pax=-1), "units[0].pax", "must be >= 0"),
    ("negative-bulk", units(bulk_stons=-3.5), "units[0].bulk_stons", "must be >= 0"),
    ("negative-outsize", units(outsize_stons=-1), "units[0].outsize_stons", "must be >= 0"),
    ("cargo-text", units(oversize_stons="heavy"), "units[0].oversize_stons", "must be a number"),
    ("priority-0", units(priority=0), "units[0].priority", "must be >= 1"),
    ("priority-10", units(priority=10), "units[0].priority", "must be <= 9"),
    ("negative-ready", units(ready_hour=-2), "units[0].ready_hour", "must be >= 0"),
    ("unknown-unit-field", units(paxx=3), "units[0].paxx", "is not a field of this entry"),
    ("missing-origin", scen(units=[{"id": "U1", "destinations": ["OKAS"], "pax": 1}]),
     "units[0].origin", "is required"),
    ("no-destinations", units(destinations=[]), "units[0].destinations", "must not be empty"),
    # codes
    ("non-icao-origin", units(origin="Pope Field"), "units[0].origin", "ICAO-style code"),
    ("non-icao-destination", units(destinations=["OKAS", "K-1"]), "units[0].destinations[1]",
     "ICAO-style code"),
    ("non-icao-enroute", scen(enroute=["ETAR", "Rota, Spain"]), "enroute[1]", "ICAO-style code"),
    ("unknown-origin", units(origin="KXYZ"), "units[0].origin", "unknown airfield KXYZ (origin)"),
    ("unknown-unit-destination", units(destinations=["OKAS", "OXYZ"]), "units[0].destinations[1]",
     "unknown airfield OXYZ (destination)"),
    ("unknown-enroute", scen(enroute=["ETAR", "EXXX"]), "enroute[1]", "unknown airfield EXXX (en-route stop)"),
    ("unknown-destinations-entry", scen(destinations=[{"airfield": "OXXX", "capacity_pax": 10}]),
     "destinations[0].airfield", "unknown airfield OXXX (destination)"),
    ("destination-listed-twice", units(destinations=["OKAS", "OKAS"]), "units[0].destinations[1]",
     "OKAS is listed twice"),
    ("destination-is-origin", units(destinations=["KPOB"]), "units[0].destinations[0]",
     "KPOB is the unit's origin"),
    # duplicates
    ("duplicate-unit-id", scen(units=[unit(), unit(pax=5)]), "units[1].id", "duplicate unit id 'U1' (also units[0])"),
    ("duplicate-destination", scen(destinations=[{"airfield": "OKAS"}, {"airfield": "okas"}]),
     "destinations[1].airfield", "duplicate destination OKAS"),
    ("duplicate-enroute", scen(enroute=["ETAR", "LERT", "ETAR"]), "enroute[2]", "duplicate en-route stop ETAR"),
    ("duplicate-airfield-entry", scen(airfields=[{"icao": "OKAS", "mog": 2}, {"icao": "OKAS", "mog": 3}]),
     "airfields[1].icao", "duplicate airfield OKAS"),
    # airfields
    ("airfield-without-mog", scen(airfields=[{"icao": "XABC", "lat": 30, "lon": 40}]),
     "airfields[0].mog", "is required for XABC, which is not in the bundled catalogue"),
    ("airfield-without-lat", scen(airfields=[{"icao": "XABC", "lon": 40, "mog": 2}]),
     "airfields[0].lat", "is required for XABC"),
    ("negative-mog", scen(airfields=[{"icao": "OKAS", "mog": -1}]), "airfields[0].mog", "must be >= 0"),
    ("latitude-out-of-range", scen(airfields=[{"icao": "XABC", "lat": 100, "lon": 40, "mog": 2}]),
     "airfields[0].lat", "must be <= 90"),
    ("runway-too-short", scen(airfields=[{"icao": "OKAS", "runway_ft": 2000}]), "units[0].destinations[0]",
     "no aircraft in the fleet can reach OKAS from KPOB"),
    # aircraft
    ("unknown-type-without-fields", scen(aircraft=[{"type": "A400M", "count": 4}]),
     "aircraft[0].seats", "is required for type 'A400M', which is not in the bundled catalogue"),
    ("unknown-type-missing-one-field", scen(aircraft=[{k: v for k, v in FULL_A400M.items() if k != "cruise_kt"}]),
     "aircraft[0].cruise_kt", "is required for type 'A400M'"),
    ("conflicting-overrides", scen(aircraft=[{"type": "C-17A", "count": 2, "seats": 90},
                                             {"type": "C-17A", "count": 2, "seats": 80}]),
     "aircraft[1].seats", "conflicts with aircraft[0].seats = 90 for the same type C-17A"),
    ("conflict-in-later-entries", scen(aircraft=[{"type": "C-17A", "count": 2},
                                                 {"type": "C-17A", "count": 1, "ute_hours": 14},
                                                 {"type": "C-17A", "count": 1, "ute_hours": 16}]),
     "aircraft[2].ute_hours", "16.0 conflicts with aircraft[1].ute_hours = 14.0"),
    ("negative-count", scen(aircraft=[{"type": "C-17A", "count": -2}]), "aircraft[0].count", "must be >= 0"),
    ("ute-over-24", scen(aircraft=[{"type": "C-17A", "count": 2, "ute_hours": 25}]),
     "aircraft[0].ute_hours", "must be <= 24"),
    ("bad-cargo-class", scen(aircraft=[{"type": "C-17A", "count": 2, "cargo_classes": ["huge"]}]),
     "aircraft[0].cargo_classes[0]", "must be one of"),
    ("unknown-aircraft-field", scen(aircraft=[{"type": "C-17A", "count": 2, "wings": 2}]),
     "aircraft[0].wings", "is not a field of this entry"),
    # windows
    ("ready-after-lad", units(ready_hour=50, latest_arrival_hour=40), "units[0].latest_arrival_hour",
     "40 must be after ready_hour (50)"),
    ("ready-equals-lad", units(ready_hour=40, latest_arrival_hour=40), "units[0].latest_arrival_hour",
     "must be after ready_hour"),
    ("lad-after-horizon", units(latest_arrival_hour=500), "units[0].latest_arrival_hour",
     "500 is after the horizon (120 h)"),
    ("ead-after-lad", units(earliest_arrival_hour=100, latest_arrival_hour=90), "units[0].earliest_arrival_hour",
     "100 is after the latest arrival (90)"),
    ("rdd-after-lad", units(required_hour=100, latest_arrival_hour=90), "units[0].required_hour",
     "100 is after the latest arrival (90)"),
    ("ready-at-horizon", units(ready_hour=120), "units[0].ready_hour", "must be before the horizon (120 h)"),
    # cargo the fleet cannot carry, places it cannot reach
    ("outsize-without-outsize-aircraft",
     scen(aircraft=[{"type": "CRAF-B747-F", "count": 2}, {"type": "CRAF-B747-PAX", "count": 2}],
          units=[unit(origin="KDOV", outsize_stons=10)]),
     "units[0].outsize_stons", "no aircraft in the fleet can carry outsize cargo"),
    ("pax-with-cargo-only-fleet", scen(aircraft=[{"type": "CRAF-B747-F", "count": 2}],
                                       units=[unit(origin="KDOV")]),
     "units[0].pax", "no aircraft in the fleet can carry soldiers (fleet: CRAF-B747-F)"),
    ("cargo-with-pax-only-fleet", scen(aircraft=[{"type": "CRAF-B747-PAX", "count": 2}],
                                       units=[unit(origin="KDOV")]),
     "units[0].bulk_stons", "no aircraft in the fleet can carry bulk cargo"),
    ("empty-fleet", scen(aircraft=[{"type": "C-17A", "count": 0}]), "units[0].pax",
     "no aircraft in the fleet can carry soldiers (fleet: none)"),
    ("unreachable-c130", scen(aircraft=[{"type": "C-130J-30", "count": 8}], enroute=[]),
     "units[0].destinations[0]", "no aircraft in the fleet can reach OKAS from KPOB"),
    ("unreachable-without-stops", scen(aircraft=[{"type": "C-130J-30", "count": 8}], enroute=["ETAR"]),
     "units[0].destinations[0]", "can reach OKAS from KPOB"),
]


def _write(tmp_path: Path, case: str, content: Any) -> Path:
    suffix = ".json" if case.startswith("json") else ".yaml"
    path = tmp_path / f"{case}{suffix}"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    return path


def _problems(path: Path) -> tuple[ScenarioError, dict[str, list[str]]]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    err = info.value
    locs: dict[str, list[str]] = {}
    for p in err.problems:
        locs.setdefault(p.loc, []).append(p.message)
    return err, locs


def test_enough_distinct_cases() -> None:
    ids = [c[0] for c in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    assert len(ids) >= 30
    # distinct (location, message) pairs, not the same check under other names
    assert len({(c[2], c[3]) for c in CASES}) >= 30


@pytest.mark.parametrize(("case", "content", "loc", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_names_file_entry_and_field(tmp_path: Path, case: str, content: Any, loc: str,
                                              fragment: str) -> None:
    path = _write(tmp_path, case, content)
    err, locs = _problems(path)
    assert loc in locs, f"expected a problem at {loc!r}, got {locs}"
    msgs = locs[loc]
    assert any(fragment in m for m in msgs), f"{fragment!r} not in {msgs}"
    # the file, the entry and the field in the text a user sees
    text = str(err)
    assert str(path) in text
    assert all(p.file == str(path) for p in err.problems)
    shown = next(str(p) for p in err.problems if p.loc == loc and fragment in p.message)
    assert shown.startswith(f"{path}: {loc}: " if loc else f"{path}: ")
    # no pydantic wording leaks through
    assert "Value error" not in text and "validation error" not in text.lower()


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    data = scen(
        enroute=["ETAR", "EXXX"],
        units=[unit(ready_hour=50, latest_arrival_hour=40), unit(id="U2", origin="KXYZ"),
               unit(id="U1", pax=5)],
    )
    path = _write(tmp_path, "many", data)
    err, locs = _problems(path)
    assert {"enroute[1]", "units[0].latest_arrival_hour", "units[1].origin", "units[2].id"} <= set(locs)
    assert str(err).startswith(f"{len(err.problems)} problems in the scenario")


def test_field_errors_all_reported(tmp_path: Path) -> None:
    data = scen(horizon_hours=-1, units=[unit(pax=-1, priority=12), unit(id="U2", bulk_stons="lots")])
    err, locs = _problems(_write(tmp_path, "fields", data))
    assert {"horizon_hours", "units[0].pax", "units[0].priority", "units[1].bulk_stons"} <= set(locs)


def test_field_and_cross_entry_problems_in_one_pass(tmp_path: Path) -> None:
    # a negative soldier count (a field) and an unknown origin, a window out of order
    # and a duplicate id (across entries): all four in one pass, each at its place in
    # the file although units[1] is left out of the cross-entry check
    data = scen(units=[unit(origin="KXYZ"), unit(id="U2", pax=-5), unit(id="U3", ready_hour=50,
                                                                        latest_arrival_hour=40),
                       unit(id="U3")])
    err, locs = _problems(_write(tmp_path, "both", data))
    assert set(locs) == {"units[0].origin", "units[1].pax", "units[2].latest_arrival_hour", "units[3].id"}
    assert "must be >= 0" in locs["units[1].pax"][0]
    # an aircraft line with a field problem does not make "no aircraft can carry" appear
    data = scen(aircraft=[{"type": "C-17A", "count": -1}], units=[unit(origin="KXYZ")])
    err, locs = _problems(_write(tmp_path, "fleet", data))
    assert set(locs) == {"aircraft[0].count", "units[0].origin"}


def test_an_unknown_home_base_is_named_with_its_entry(tmp_path: Path) -> None:
    # SPEC 5.1: a home must be a known airfield; the file, entry and field are named
    path = _write(tmp_path, "home", scen(aircraft=[{"type": "C-17A", "count": 4, "home": "KCHS"},
                                                   {"type": "C-17A", "count": 2, "home": "ZZZZ"}]))
    err, locs = _problems(path)
    assert list(locs) == ["aircraft[1].home"]
    assert "unknown airfield ZZZZ (home base)" in locs["aircraft[1].home"][0]
    assert str(path) in str(err)


def test_json_file_locations(tmp_path: Path) -> None:
    path = tmp_path / "neg.json"
    path.write_text(json.dumps(units(pax=-7)), encoding="utf-8")
    err, locs = _problems(path)
    assert "units[0].pax" in locs and "must be >= 0 (got -7)" in locs["units[0].pax"][0]
    assert str(path) in str(err)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    for path in (tmp_path / "nope.yaml", tmp_path):
        err, locs = _problems(path)
        assert "" in locs and "cannot read file" in locs[""][0]
        assert str(path) in str(err)


def test_from_dict_raises_scenario_error_not_pydantic() -> None:
    with pytest.raises(ScenarioError) as info:
        Scenario.from_dict(units(origin="KXYZ"))
    assert [p.loc for p in info.value.problems] == ["units[0].origin"]
    assert isinstance(info.value, ValueError)
    with pytest.raises(ScenarioError) as info:
        Scenario.from_dict(["not", "a", "mapping"])  # type: ignore[arg-type]
    assert info.value.problems == [Problem("", "must be a mapping of scenario fields, got list")]


def test_bytes_upload_names_the_upload() -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(yaml.safe_dump(units(pax=-1)).encode(), name="upload.yaml")
    assert str(info.value.problems[0]) == "upload.yaml: units[0].pax: must be >= 0 (got -1)"


def test_valid_base_is_valid() -> None:
    # the cases above fail because of what they change, not because the base is broken
    s = Scenario.from_dict(BASE)
    assert s.units[0].pax == 100


# ----- the files in tests/data/bad through the CLI ----------------------------------------
BAD_FILES = {
    "empty.yaml": ("", "is empty"),
    "malformed.yaml": ("line 3, column 14", "could not parse YAML/JSON"),
    "negative-pax.yaml": ("units[1].pax", "must be >= 0 (got -5)"),
    "not-utf8.yaml": ("", "is not UTF-8 text"),
    "syntax-error.json": ("line 3, column 3", "could not parse YAML/JSON"),
    "top-level-list.yaml": ("", "must be a mapping of scenario fields"),
    "unknown-airfield.yaml": ("units[0].destinations[1]", "unknown airfield OXYZ"),
    "unreachable.yaml": ("units[0].destinations[0]", "no aircraft in the fleet can reach OKAS from KPOB"),
    "windows.yaml": ("units[2].required_hour", "100 is after the latest arrival (90)"),
}


def test_bad_dir_has_expectations() -> None:
    assert sorted(p.name for p in BAD_DIR.iterdir()) == sorted(BAD_FILES)


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_cli_validate_bad_file(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = BAD_DIR / name
    loc, fragment = BAD_FILES[name]
    rc = main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert rc == 2
    expected = f"{path}: {loc}: " if loc else f"{path}: "
    line = next((ln for ln in err.splitlines() if ln.startswith(expected) and fragment in ln), None)
    assert line is not None, err
    assert "Traceback" not in err and "Traceback" not in out
    assert out == ""


def test_cli_windows_file_lists_every_problem(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["validate", str(BAD_DIR / "windows.yaml")])
    err = capsys.readouterr().err
    assert rc == 2
    assert "units[0].latest_arrival_hour: 40 must be after ready_hour (50)" in err
    assert "units[1].latest_arrival_hour: 200 is after the horizon (120 h)" in err
    assert "3 problems found." in err


def test_cli_validate_bad_file_json(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["validate", "--json", str(BAD_DIR / "negative-pax.yaml")])
    out, err = capsys.readouterr()
    assert rc == 2
    doc = json.loads(out)
    assert doc["ok"] is False
    assert doc["problems"] == [{"file": str(BAD_DIR / "negative-pax.yaml"), "loc": "units[1].pax",
                                "message": "must be >= 0 (got -5)"}]


def test_cli_process_has_no_traceback(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad", units(pax=-1, origin="KXYZ"))
    proc = subprocess.run([sys.executable, "-m", "logistics", "validate", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert f"{path}: units[0].pax: must be >= 0" in proc.stderr
    assert "Traceback" not in proc.stderr
