"""scenario_diff: one plain line per changed field of an entry, entries added and removed,
catalogue values standing in for fields a scenario does not override."""

from __future__ import annotations

import copy

from logistics.catalog import scenarios_dir
from logistics.diff import scenario_diff
from logistics.scenario import Scenario, load_scenario, scenario_to_dict


def baghdad() -> Scenario:
    return load_scenario(scenarios_dir() / "baghdad-embassy-2020.yaml")


def test_same_scenario_has_no_edits() -> None:
    s = baghdad()
    assert scenario_diff(s, s) == []
    assert scenario_diff(s, Scenario.from_dict(scenario_to_dict(s))) == []


def test_edits_name_the_entry_and_field() -> None:
    # Baghdad: C-17A 20 from h12 and 8 from h30; KPOB MOG 8 and OKAS MOG 6 in the catalogue
    s = baghdad()
    d = scenario_to_dict(s)
    d2 = copy.deepcopy(d)
    d2["aircraft"][0]["count"] = 16
    d2["airfields"] = [{"icao": "KPOB", "mog": 12}]
    d2["units"][0]["ready_hour"] = 24
    d2["units"] = [u for u in d2["units"] if u["id"] != "1-504-PIR"]
    d2["units"].append({"id": "NEW", "origin": "KPOB", "destinations": ["OKAS"], "pax": 100,
                        "bulk_stons": 5})
    d2["enroute"] = ["ETAR", "LERT"]
    d2["destinations"][0]["capacity_pax"] = 3000
    got = scenario_diff(s, Scenario.from_dict(d2))
    assert got == [
        "Airfield KPOB MOG: 8 -> 12",
        "Fleet C-17A (entry 1 of 2): 20 -> 16",
        "Destination OKAS beds: 2,500 -> 3,000",
        "En-route stop LICZ removed",
        "Unit 2-504-PIR ready hour: 18 -> 24",
        "Unit 1-504-PIR removed",
        "Unit NEW added (100 soldiers, 5 st, KPOB to OKAS)",
    ]
    # and back again
    back = scenario_diff(Scenario.from_dict(d2), s)
    assert "Airfield KPOB MOG: 12 -> 8" in back and "Unit NEW removed" in back


def test_mappings_compare_as_written() -> None:
    a = {"horizon_hours": 120, "aircraft": [{"type": "C-17A", "count": 40}]}
    b = {"horizon_hours": 120.0, "aircraft": [{"type": "C-17A", "count": 32}, {"type": "C-5M", "count": 4,
                                                                               "available_hour": 24}]}
    assert scenario_diff(a, b) == ["Fleet C-17A: 40 -> 32", "Fleet C-5M added (4 aircraft, from h24)"]


def test_top_level_fields_and_goals() -> None:
    a = {"name": "a", "objective": ["undelivered", "lateness", "closure"]}
    b = {"name": "b", "objective": ["undelivered", "closure", "lateness"]}
    assert scenario_diff(a, b) == ["Name: a -> b",
                                   "Goals: undelivered, lateness, closure -> undelivered, closure, lateness"]


def test_exported_lazily() -> None:
    import logistics

    assert logistics.scenario_diff is scenario_diff
