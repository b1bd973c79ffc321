"""Opening a plan file on the Plan page (app.plan_upload): every problem of a malformed
file at once, a plan of another scenario refused plainly, a plan of the scenario checked
and made the current plan, its violations listed."""

from __future__ import annotations

import json
from dataclasses import replace

from apptest_support import make_app, tiny_dict, tiny_plan

from app.plan_upload import UPLOAD_KEY, read_plan_upload
from logistics.plan import Leg
from logistics.scenario import Scenario


def _plan_bytes() -> bytes:
    return tiny_plan()[0].to_json().encode()


def _on_plan_page():
    at = make_app()
    at.session_state["scenario_dict"] = tiny_dict()
    at.run()
    at.switch_page("views/plan.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_reading_names_every_problem_of_the_file():
    d = json.loads(_plan_bytes())
    d["status"] = "great"
    d["missions"][0]["legs"][0]["depart_hour"] = "x"
    got = read_plan_upload(json.dumps(d).encode(), "plan.json", tiny_plan()[1])
    assert got.plan is None and got.other is None
    assert [str(p) for p in got.problems] == [
        "plan.json: status: must be one of optimal, feasible, infeasible, unknown (got 'great')",
        "plan.json: missions[0].legs[0].depart_hour: must be a number (got 'x')",
    ]
    bad = read_plan_upload(b"{", "plan.json", tiny_plan()[1])
    assert [str(p) for p in bad.problems] == ["plan.json: not valid JSON: Expecting property name enclosed "
                                              "in double quotes at line 1, column 2"]


def test_reading_checks_the_plan_against_the_scenario():
    plan, s = tiny_plan()
    ok = read_plan_upload(_plan_bytes(), "plan.json", s)
    assert ok.plan == plan and ok.problems == [] and ok.violations == [] and ok.other is None
    other = Scenario.from_dict({**tiny_dict(), "name": "another"})
    got = read_plan_upload(_plan_bytes(), "plan.json", other)
    assert got.plan is None and "plan.json is a plan for another scenario" in got.other
    assert "'tiny app test'" in got.other and "'another'" in got.other
    none = read_plan_upload(_plan_bytes(), "plan.json", None)
    assert none.plan is None and "fix them on the Scenario page" in str(none.problems[0])


def test_a_malformed_file_shows_every_problem_and_keeps_the_plan():
    at = _on_plan_page()
    d = json.loads(_plan_bytes())
    del d["missions"][0]["aircraft"]
    d["units"][0]["delivered"]["pax"] = 1.5
    at.file_uploader(key=UPLOAD_KEY).upload("broken.json", json.dumps(d).encode(), "application/json")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("**2 problems** in broken.json: the plan was not opened" in e.value for e in at.error)
    frame = next(df.value for df in at.dataframe if list(df.value.columns) == ["file", "where", "problem"])
    assert list(frame["where"]) == ["units[0].delivered.pax", "missions[0].aircraft"]
    assert set(frame["file"]) == {"broken.json"}
    assert at.session_state["plan"] is None


def test_a_plan_of_another_scenario_is_refused():
    at = _on_plan_page()
    plan = tiny_plan()[0]
    other = replace(plan, scenario_name="elsewhere", scenario_sha256="0" * 64)
    at.file_uploader(key=UPLOAD_KEY).upload("other.json", other.to_json().encode(), "application/json")
    at.run()
    assert any("other.json is a plan for another scenario" in e.value for e in at.error)
    assert at.session_state["plan"] is None


def test_a_plan_of_the_scenario_becomes_the_current_plan():
    at = _on_plan_page()
    at.file_uploader(key=UPLOAD_KEY).upload("plan.json", _plan_bytes(), "application/json")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Opened plan.json: it keeps every rule" in s.value for s in at.success)
    assert at.session_state["plan"] == tiny_plan()[0]
    assert at.session_state["plan_scenario"].name == "tiny app test"
    assert any(m.label == "Force closure" for m in at.metric)


def test_a_plan_that_breaks_rules_is_opened_with_its_violations():
    plan = tiny_plan()[0]
    m = plan.missions[0]
    fast = replace(m, legs=(Leg(m.legs[0].frm, m.legs[0].to, m.legs[0].depart_hour, m.legs[0].depart_hour + 0.5),
                            *m.legs[1:]))
    broken = replace(plan, missions=[fast, *plan.missions[1:]])
    at = _on_plan_page()
    at.file_uploader(key=UPLOAD_KEY).upload("fast.json", broken.to_json().encode(), "application/json")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Opened fast.json: it breaks" in w.value for w in at.warning)
    frame = next(df.value for df in at.dataframe if list(df.value.columns) == ["rule", "subject", "violation"])
    assert "speed" in set(frame["rule"])
    assert at.session_state["plan"] == broken
