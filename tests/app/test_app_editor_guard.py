"""The Scenario page's tables refuse what the scenario schema refuses, and nothing else:
a value typed into a table is kept as typed (no clamp, no sign flip, no rounding), the
scenario is marked invalid (the last valid one stays, no solve starts) and every problem,
in the library's words, appears under the table it names with the row, the entry's name
and the column.

AppTest cannot type into the grid; it seeds a keyed editor's edit state
(``edited_rows``/``added_rows``) as the browser sends it. ``tests/e2e/test_browser_editor.py``
types into the real grid.
"""

from __future__ import annotations

import copy
import json

import pytest
from apptest_support import make_app, tiny_dict
from streamlit.testing.v1 import AppTest

from app import tables
from logistics.errors import ScenarioError
from logistics.scenario import Scenario

#: the tab that shows each editor, as the page labels it (a problem count may follow)
TAB = {"units": "Units", "aircraft": "Fleet", "destinations": "Destinations", "airfields": "Airfields",
       "mog_changes": "Airfields", "enroute": "En-route stops"}


def edit(at: AppTest, section: str, rows: dict[int, dict] | None = None, added: list[dict] | None = None) -> None:
    """Seed the current editor of ``section`` with cell edits, as the grid sends them."""
    key = f"ed_{section}_{at.session_state['_ed'][section]['ver']}"
    at.session_state[key] = {"edited_rows": rows or {}, "added_rows": added or [], "deleted_rows": []}


def library_problems(data: dict) -> list[tuple[str, str]]:
    """What ``Scenario.from_dict`` says of ``data``: (loc, message) of every problem."""
    with pytest.raises(ScenarioError) as exc:
        Scenario.from_dict(copy.deepcopy(data))
    return [(p.loc, p.message) for p in exc.value.problems]


def tab(at: AppTest, section: str):
    return next(t for t in at.tabs if t.label.startswith(TAB[section]))


def lines_after(at: AppTest, section: str) -> list[str]:
    """The error messages that follow the editor of ``section`` in its tab, up to the
    next table (what the planner reads directly under that table)."""
    out, seen = [], False
    for el in tab(at, section).children.values():
        if el.type == "dataframe":
            if seen:
                break
            seen = (el.key or "").startswith(f"ed_{section}_")
        elif seen and el.type == "error":
            out.append(el.value)
    assert seen, f"no editor for {section}"
    return out


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def test_no_editor_column_can_refuse_clamp_or_round_what_is_typed() -> None:
    at = make_app().run()
    assert_clean(at)
    assert {e.key.rsplit("_", 1)[0] for e in at.data_editor} >= {f"ed_{s}" for s in TAB}
    for ed in at.data_editor:
        for col, cfg in json.loads(ed.proto.columns).items():
            typed = cfg.get("type_config") or {}
            limits = {k for k in ("min_value", "max_value", "step", "max_chars") if k in typed}
            assert not limits and not cfg.get("required"), (ed.key, col, cfg)
        # whole-number columns are shown as floats: the grid's integer editor would
        # refuse a decimal point (2.5 typed became 25)
        ints = [c for c, t in ed.value.dtypes.items() if "int" in str(t).lower()]
        assert not ints, (ed.key, ints)
    for box in at.number_input:  # the general fields: the library says what is wrong
        assert box.min is None and box.max is None, box.key


def test_negative_soldiers_are_kept_named_under_the_units_table_and_block_a_solve() -> None:
    at = make_app().run()
    valid = at.session_state["scenario"]
    edit(at, "units", {0: {"pax": -5}})
    at.run()
    assert_clean(at)
    d = at.session_state["scenario_dict"]
    assert d["units"][0]["pax"] == -5  # as typed: not 5, not 0
    assert at.session_state["scenario"] is valid  # the last valid scenario is not replaced
    [(loc, message)] = library_problems(d)
    assert loc == "units[0].pax"
    under = lines_after(at, "units")
    assert under == [f"**units[0].pax** (row 0, 2-504-PIR; column “pax”): {message}"], under
    # the grid keeps its edit (same editor, same key); a new grid is built from the dict
    assert "ed_units_0" in at.session_state and at.session_state["_ed"]["units"]["ver"] == 0
    at.switch_page("views/solve.py").run()
    assert at.button(key="solve").disabled
    at.switch_page("views/robustness.py").run()
    assert any("fix them on the Scenario page" in e.value for e in at.error)
    at.switch_page("views/scenario.py").run()
    assert_clean(at)
    grid = next(e for e in at.data_editor if e.key.startswith("ed_units_"))
    assert grid.value["pax"].iloc[0] == -5
    # fixing the cell makes the scenario valid again, with the value typed
    edit(at, "units", {0: {"pax": 751}})
    at.run()
    assert at.session_state["problems"] == []
    assert at.session_state["scenario"].units[0].pax == 751


def test_every_problem_at_once_each_under_its_own_table() -> None:
    at = make_app().run()
    af = next(e for e in at.data_editor if e.key.startswith("ed_airfields_")).value
    okas = int(af.index[af["icao"] == "OKAS"][0])
    edit(at, "units", {0: {"pax": -5}, 1: {"bulk_stons": -1.5}})
    edit(at, "aircraft", {0: {"count": -1}})
    edit(at, "destinations", {1: {"capacity_pax": -10}})
    edit(at, "airfields", {okas: {"mog": -2}})
    edit(at, "mog_changes", added=[{"icao": "KPOB", "from_hour": 10, "to_hour": 5, "mog": 2}])
    at.run()
    assert_clean(at)
    d = at.session_state["scenario_dict"]
    assert d["units"][1]["bulk_stons"] == -1.5 and d["aircraft"][0]["count"] == -1
    got = library_problems(d)
    assert len(got) == 6, got
    assert [(p.loc, p.message) for p in at.session_state["problems"]] == got
    shown = {s: lines_after(at, s) for s in ("units", "aircraft", "destinations", "airfields", "mog_changes")}
    assert sum(len(v) for v in shown.values()) == 6, shown
    where = {"units[0].pax": ("units", "row 0, 2-504-PIR; column “pax”"),
             "units[1].bulk_stons": ("units", "row 1, 1-504-PIR; column “bulk st”"),
             "aircraft[0].count": ("aircraft", "row 0, C-17A; column “count”"),
             "destinations[1].capacity_pax": ("destinations", "row 1, OKBK; column “capacity (soldiers)”"),
             # the airfields tables are not airfields[]: the code names the entry, no row
             "mog": ("airfields", "OKAS; column “MOG”"),
             "to_hour": ("mog_changes", "KPOB; column “to h”")}
    for loc, message in got:
        section, at_ = where.get(loc) or where[loc.rsplit(".", 1)[1]]
        assert f"**{loc}** ({at_}): {message}" in shown[section], (loc, shown)
    assert [t.label for t in at.tabs][:4] == ["Units :red[(2)]", "Fleet :red[(1)]", "Destinations :red[(1)]",
                                              "Airfields :red[(2)]"]


def test_an_unknown_airfield_typed_as_a_destination_is_kept_and_named() -> None:
    # the code lists of every table grow with it: the grids are rebuilt from the dict,
    # which holds the edit (Streamlit alone would make new grids without it, and loop)
    at = make_app().run()
    edit(at, "units", {0: {"destinations": ["OKAS", "ZZZZ"]}})
    at.run(timeout=30)
    assert_clean(at)
    d = at.session_state["scenario_dict"]
    assert d["units"][0]["destinations"] == ["OKAS", "ZZZZ"]
    [(loc, message)] = library_problems(d)
    assert loc == "units[0].destinations[1]" and "ZZZZ" in message
    assert lines_after(at, "units") == [
        f"**units[0].destinations[1]** (row 0, 2-504-PIR; column “destinations”): {message}"]
    grid = next(e for e in at.data_editor if e.key.startswith("ed_units_"))
    assert list(grid.value["destinations"].iloc[0]) == ["OKAS", "ZZZZ"]


def test_a_value_that_is_not_a_number_is_shown_as_text_and_survives_other_edits() -> None:
    data = tiny_dict()
    data["units"][0]["pax"] = "about 120"
    at = make_app()
    at.session_state["scenario_dict"] = data
    at.run()
    assert_clean(at)
    grid = next(e for e in at.data_editor if e.key.startswith("ed_units_"))
    assert grid.value["pax"].iloc[0] == "about 120"
    assert json.loads(grid.proto.columns)["pax"]["type_config"]["type"] == "text"
    [(loc, message)] = library_problems(data)
    assert lines_after(at, "units") == [f"**units[0].pax** (row 0, U1; column “pax”): {message}"]
    edit(at, "units", {0: {"bulk_stons": 25}})  # another cell of the same row
    at.run()
    unit = at.session_state["scenario_dict"]["units"][0]
    assert unit["pax"] == "about 120" and unit["bulk_stons"] == 25


def test_a_general_field_is_checked_by_the_library_not_clamped() -> None:
    at = make_app().run()
    box = next(b for b in at.number_input if b.key.startswith("gen_horizon_hours_"))
    box.set_value(-5).run()
    assert_clean(at)
    assert at.session_state["scenario_dict"]["horizon_hours"] == -5
    [(loc, message)] = library_problems(at.session_state["scenario_dict"])
    assert loc == "horizon_hours"
    assert f"**horizon_hours**: {message}" in [e.value for e in at.expander[0].error]


def test_editor_frames_show_whole_numbers_as_floats_and_keep_text() -> None:
    d = tiny_dict()
    df = tables.editor_frame(d, "units")
    assert str(df["pax"].dtype) == "Float64" and df["pax"].iloc[0] == 120
    assert tables.normalise_rows("units", df) == tables.normalise_rows("units", tables.section_frame(d, "units"))
    d["units"][0]["priority"] = "high"
    df = tables.section_frame(d, "units")
    assert df["priority"].tolist() == ["high"]
    assert tables.rows_to_section("units", tables.normalise_rows("units", df), d)[0]["priority"] == "high"
