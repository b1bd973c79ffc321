"""The Streamlit app under ``streamlit.testing.v1.AppTest``: pages render, the bundled
scenario loads by default, a bad edit names its entry and is kept, and a solve through
the page's background runner gives the KPIs the library gives."""

from __future__ import annotations

import copy
import time

import pytest
from apptest_support import make_app, tiny_dict, tiny_plan
from streamlit.testing.v1 import AppTest

from app.state import DEFAULT_SCENARIO, Variant
from logistics.scenario import Scenario
from logistics.solve import solve

PAGES = ["views/scenario.py", "views/solve.py", "views/plan.py", "views/compare.py"]


def texts(at: AppTest, kind: str) -> list[str]:
    return [e.value for e in getattr(at, kind)]


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def test_every_page_renders_with_the_default_scenario() -> None:
    at = make_app().run()
    assert_clean(at)
    for page in PAGES:
        at.switch_page(page).run()
        assert_clean(at)
        assert at.title, page


def test_bundled_scenario_is_loaded_on_first_visit() -> None:
    at = make_app().run()
    assert at.session_state["scenario_source"] == DEFAULT_SCENARIO
    s = at.session_state["scenario"]
    assert isinstance(s, Scenario) and s.name.startswith("Baghdad embassy response")
    assert at.session_state["problems"] == []
    assert any("is valid" in t for t in texts(at, "success"))
    # the Solve button is ready for a new user
    at.switch_page("views/solve.py").run()
    assert not at.button(key="solve").disabled


def test_plan_and_compare_pages_render_a_plan_and_variants() -> None:
    plan, scen = tiny_plan()
    at = make_app()
    at.session_state["plan"] = plan
    at.session_state["plan_scenario"] = scen
    other = copy.deepcopy(plan)
    other.kpis["missions"] += 1
    at.session_state["variants"] = {"a": Variant("a", plan, scen), "b": Variant("b", other, scen)}
    at.run()
    at.switch_page("views/plan.py").run()
    assert_clean(at)
    labels = [m.label for m in at.metric]
    for want in ("Force closure", "Late units", "Undelivered soldiers", "Undelivered st", "Missions",
                 "Flying hours", "Status"):
        assert want in labels
    assert len(at.download_button) >= 3
    at.switch_page("views/compare.py").run()
    assert_clean(at)
    assert [s.value for s in at.subheader][:2] == ["KPIs", "Closure per unit against “a”"]


@pytest.mark.parametrize(("field", "value", "loc"), [
    ("pax", -5, "units[0].pax"),
    ("ready_hour", 70, "units[0].latest_arrival_hour"),  # ready after its LAD (60)
])
def test_bad_edit_names_the_entry_and_is_kept(field: str, value: int, loc: str) -> None:
    at = make_app().run()
    valid = at.session_state["scenario"]
    d = at.session_state["scenario_dict"]
    d["units"][0][field] = value  # what the units table writes on an edit
    at.run()
    assert_clean(at)
    errors = texts(at, "error")
    assert any(loc in e for e in errors), errors
    # the message sits with the units table and names the unit's row
    assert any(loc in e and "row 0, 2-504-PIR" in e for e in errors), errors
    # the edit is kept; the last valid scenario is not replaced
    assert at.session_state["scenario_dict"]["units"][0][field] == value
    assert at.session_state["scenario"] is valid
    # the Solve page refuses to solve an invalid scenario
    at.switch_page("views/solve.py").run()
    assert at.button(key="solve").disabled
    # fixing it makes the scenario valid again
    at.switch_page("views/scenario.py")
    at.session_state["scenario_dict"]["units"][0][field] = {"pax": 750, "ready_hour": 18}[field]
    at.run()
    assert at.session_state["problems"] == []


def test_upload_of_a_broken_file_keeps_the_scenario() -> None:
    at = make_app().run()
    before = copy.deepcopy(at.session_state["scenario_dict"])
    at.file_uploader(key="upload").upload("broken.yaml", b"units: [\n  - {id: A\n", "application/x-yaml")
    at.run()
    assert any("broken.yaml" in e and "could not parse" in e for e in texts(at, "error"))
    assert at.session_state["scenario_dict"] == before


def test_upload_of_a_yaml_file_replaces_the_scenario() -> None:
    import yaml

    at = make_app().run()
    raw = yaml.safe_dump(tiny_dict()).encode()
    at.file_uploader(key="upload").upload("tiny.yaml", raw, "application/x-yaml")
    at.run()
    assert_clean(at)
    assert at.session_state["scenario"].name == "tiny app test"
    assert at.session_state["scenario_source"] == "tiny.yaml"


def test_solve_in_the_app_gives_the_library_kpis() -> None:
    data = tiny_dict()
    at = make_app()
    at.session_state["scenario_dict"] = data
    at.run()
    assert at.session_state["scenario"].name == "tiny app test"
    at.switch_page("views/solve.py").run()
    assert_clean(at)
    at.slider(key="time_limit").set_value(1)
    at.checkbox(key="deterministic").check()
    at.button(key="solve").click().run()
    assert_clean(at)
    runner = at.session_state["runner"]
    assert runner is not None and runner.deterministic and runner.time_limit == 1
    deadline = time.time() + 180
    while at.session_state["plan"] is None:  # poll as the page's fragment does
        assert time.time() < deadline, "the solve did not finish in time"
        time.sleep(0.5)
        at.run()
        assert_clean(at)
    got = at.session_state["plan"]
    assert runner.snapshot().state == "done"
    want = solve(Scenario.from_dict(tiny_dict()), time_limit=1, seed=0, deterministic=True)
    assert got.kpis == want.kpis
    assert got.status == want.status
    # the page now offers the plan
    assert any("Finished after" in s for s in texts(at, "success"))
    at.switch_page("views/plan.py").run()
    assert_clean(at)
