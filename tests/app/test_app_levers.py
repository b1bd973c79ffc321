"""What a change buys, on the Plan page (issue 22, item 4): the levers of the binding
limits listed at once, "Find out" running :func:`logistics.levers.levers` in the
background (in process here: ``levers_executor = "inline"``), the table of what each
step buys, "Apply" writing the step into the scenario being edited, the result
dropped when the plan changes; and the sidebar naming a running re-plan."""

from __future__ import annotations

import copy
import threading
import time
from functools import cache
from typing import Any

import pytest
from apptest_support import make_app
from streamlit.testing.v1 import AppTest

from app import levers_job
from app.levers_job import LeversJob, executor_setting, lever_edits, signed
from app.runner import ReplanFrom, SolveRunner
from logistics.levers import Lever
from logistics.plan import Plan
from logistics.scenario import Scenario
from logistics.solve import solve
from logistics.verify import verify

LEVER = "KPOB MOG 1 -> 2 over h0.0-h6.5"


def ramp_dict() -> dict[str, Any]:
    """Pope's MOG 1, two units of 100 soldiers (a C-17 load each) to Ali Al Salem: the
    second onloads after the first, so the force closes at 21.9 h and one more parking
    spot over h0-h6.5 buys 3.25 h (as tests/test_levers.py)."""
    return {
        "name": "ramp bound", "start": "2020-01-01T00:00:00Z", "horizon_hours": 120,
        "aircraft": [{"type": "C-17A", "count": 4}],
        "airfields": [{"icao": "KPOB", "mog": 1}],
        "destinations": [{"airfield": "OKAS", "capacity_pax": 5000}],
        "enroute": ["ETAR", "LERT"],
        "units": [{"id": "A", "origin": "KPOB", "destinations": ["OKAS"], "pax": 100},
                  {"id": "B", "origin": "KPOB", "destinations": ["OKAS"], "pax": 100}],
    }


@cache
def ramp() -> tuple[Plan, Scenario]:
    s = Scenario.from_dict(ramp_dict())
    p = solve(s, time_limit=5, deterministic=True)
    assert verify(s, p) == [] and p.kpis["closure_hour"] == pytest.approx(21.9, abs=0.02)
    return p, s


def clean(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest, kind: str = "markdown") -> list[str]:
    return [e.value for e in getattr(at, kind)]


def plan_page() -> AppTest:
    """The Plan page of the ramp-bound plan; levers re-planned in process, 2 s each."""
    p, s = ramp()
    at = make_app()
    at.session_state["scenario_dict"] = ramp_dict()
    at.session_state["plan"] = p
    at.session_state["plan_scenario"] = s
    at.session_state["_deterministic"] = True
    at.session_state["levers_executor"] = "inline"
    at.session_state["_levers_seconds"] = 8  # inline: the lever and the unchanged one, 2 s each
    at.run()
    at.switch_page("views/plan.py").run()
    return clean(at)


def find_out(at: AppTest) -> LeversJob:
    at.button(key="levers_find").click().run()
    clean(at)
    job = at.session_state["levers_job"]
    if not job.finished:  # the page answered while the re-plans run: the live line
        prog = [el.proto.text for el in at.get("progress")]
        assert any("Re-planning 1 relaxed scenario and the unchanged one" in t and "about 8 s in all" in t
                   for t in prog), prog
    deadline = time.time() + 120
    while not job.finished:
        assert time.time() < deadline, "finding out did not end in time"
        time.sleep(0.5)
        at.run()  # the fragment polls the same way
        clean(at)
    at.run()
    return clean(at) and job


def test_the_levers_are_listed_before_anything_runs() -> None:
    at = plan_page()
    assert "levers_job" not in at.session_state
    exp = [e for e in at.expander if e.label.startswith("What would a change buy?")]
    assert [e.label for e in exp] == ["What would a change buy? (1 lever)"]
    assert any(LEVER in t and "airfield MOG" in t for t in texts(at)), texts(at)
    b = at.button(key="levers_find")
    assert b.label == "Find out" and not b.disabled


def test_find_out_shows_what_each_step_buys_and_apply_writes_it() -> None:
    at = plan_page()
    job = find_out(at)
    assert job.error is None and job.seconds == 8
    assert job.result.attrs["base"]["closure"] == pytest.approx(21.9, abs=0.02)
    shown = texts(at)
    # the table: the lever, what it buys, each goal's difference with its sign and unit
    assert any(LEVER in t for t in shown)
    assert "closure -3.25 h" in shown
    heads = texts(at, "caption")
    assert "-3.25 h" in shown and "**Δ closure**" in heads and "**Δ late units**" in heads
    note = " ".join(heads)
    assert "against the unchanged scenario re-planned the same way" in note
    assert "not a proof" in note and "closure 21.90 h" in note
    # Apply: the step written into the scenario being edited, nothing else moved
    at.button(key="lever_apply_0").click().run()
    clean(at)
    d = at.session_state["scenario_dict"]
    assert d["airfields"] == [{"icao": "KPOB", "mog": 1, "mog_changes": [{"from_hour": 0.0, "to_hour": 6.5,
                                                                          "mog": 2}]}]
    assert {k: v for k, v in d.items() if k != "airfields"} == {k: v for k, v in ramp_dict().items()
                                                              if k != "airfields"}
    s = at.session_state["scenario"]
    assert at.session_state["problems"] == [] and [s.mog_at("KPOB", h) for h in (0, 6.4, 6.5)] == [2, 2, 1]
    ok = texts(at, "success")
    assert any(f"Applied to the scenario being edited: {LEVER} (Airfields tab, MOG changes)" in t
               and "Solve it" in t for t in ok), ok
    b = at.button(key="lever_apply_0")
    assert b.label == "Applied" and b.disabled  # one step per press: not twice by accident
    # the plan answers the scenario as it was: the page says so
    assert any("the scenario has been edited since" in t for t in texts(at, "info"))


def test_the_page_answers_while_the_replans_run(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    p, s = ramp()
    real = levers_job.levers

    def held(*args: Any, **kw: Any) -> Any:
        release.wait(60)
        return real(*args, **kw)

    monkeypatch.setattr(levers_job, "levers", held)
    at = plan_page()
    try:
        at.button(key="levers_find").click().run()
        clean(at)
        job = at.session_state["levers_job"]
        assert not job.finished and job.seconds == 8
        prog = [el.proto.text for el in at.get("progress")]
        assert len(prog) == 1 and "Re-planning 1 relaxed scenario and the unchanged one" in prog[0]
        assert prog[0].endswith("about 8 s in all"), prog
        assert at.button(key="levers_find").disabled
    finally:
        release.set()
    job.wait(120)
    at.run()
    clean(at)
    assert job.error is None and "closure -3.25 h" in texts(at)


def test_the_result_belongs_to_its_plan() -> None:
    at = plan_page()
    find_out(at)
    assert any("closure -3.25 h" == t for t in texts(at))
    p, _ = ramp()
    at.session_state["plan"] = Plan.from_json(p.to_json())  # another plan (a new solve)
    at.run()
    clean(at)
    assert "levers_job" not in at.session_state
    assert not any("closure -3.25 h" == t for t in texts(at))
    assert any(LEVER in t for t in texts(at)) and at.button(key="levers_find").label == "Find out"


def test_the_sidebar_names_a_running_replan_and_levers(monkeypatch: pytest.MonkeyPatch) -> None:
    p, s = ramp()
    release = threading.Event()

    def held(*_: Any, **__: Any) -> None:
        release.wait(30)

    monkeypatch.setattr(levers_job, "levers", held)
    r = SolveRunner(s, solve_fn=held, label="re-plan of ramp bound at h8",
                    replan_from=ReplanFrom(p, s, 8.0)).start()
    at = make_app()  # the sidebar of the first page (AppTest drops it after switch_page)
    at.session_state["scenario_dict"] = ramp_dict()
    at.session_state["plan"] = p
    at.session_state["plan_scenario"] = s
    at.session_state["runner"] = r
    at.session_state["runner_collected"] = False
    at.session_state["levers_job"] = LeversJob(s, p, executor="inline").start()
    try:
        at.run()
        clean(at)
        side = " ".join(texts(at.sidebar, "caption"))
        assert "A re-plan from h8 is running in the background (see the Plan page)" in side, side
        assert "A solve is running" not in side
        assert "Finding out what a change would buy (see the Plan page)" in side
        at.switch_page("views/plan.py").run()
        clean(at)
        assert at.button(key="levers_find").disabled  # one search at a time on this machine
    finally:
        release.set()
        r.wait(10)
    # a solve is still called a solve
    again = threading.Event()
    solving = SolveRunner(s, solve_fn=lambda *_, **__: again.wait(30) and None, label="ramp bound").start()
    at = make_app()
    at.session_state["scenario_dict"] = ramp_dict()
    at.session_state["runner"] = solving
    at.session_state["runner_collected"] = False
    try:
        at.run()
        clean(at)
        side = " ".join(texts(at.sidebar, "caption"))
        assert "A solve is running in the background (see the Solve page)" in side and "re-plan" not in side
    finally:
        again.set()
        solving.wait(10)


def test_every_kind_of_lever_edits_only_its_fields() -> None:
    d = {**ramp_dict(), "airfields": None, "units": [{**u, "ready_hour": 10} for u in ramp_dict()["units"]]}
    d = {k: v for k, v in d.items() if v is not None}
    s = Scenario.from_dict(copy.deepcopy(d))
    mog = lever_edits(d, s, Lever("mog", "KPOB", "", 0.0, 6.5))
    assert mog == {"airfields": [{"icao": "KPOB", "mog_changes": [{"from_hour": 0.0, "to_hour": 6.5,
                                                                   "mog": s.airfield("KPOB").mog + 1}]}]}
    ready = lever_edits(d, s, Lever("readiness", "B", ""))
    assert ready == {"units": [d["units"][0], {**d["units"][1], "ready_hour": 4.0}]}
    crew = lever_edits(d, s, Lever("crew", "C-17A", ""))
    assert list(crew) == ["aircraft"] and crew["aircraft"][0]["ute_hours"] == pytest.approx(
        round(s.aircraft_type("C-17A").ute_hours * 1.1, 3))
    assert lever_edits(d, s, Lever("beddown", "OKAS", "")) == {
        "destinations": [{"airfield": "OKAS", "capacity_pax": 5100}]}
    fleet = lever_edits(d, s, Lever("fleet", "C-17A", ""))
    assert fleet["aircraft"][0] == d["aircraft"][0] and fleet["aircraft"][1]["count"] == 2
    assert d == {k: v for k, v in {**ramp_dict(), "airfields": None,
                                   "units": [{**u, "ready_hour": 10} for u in ramp_dict()["units"]]}.items()
                 if v is not None}  # the edited dict itself is left alone


def test_differences_in_words_and_the_executor_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert [signed("closure", -3.25), signed("lateness", 1.5), signed("flying_hours", 0.001),
            signed("undelivered", -200.0), signed("late_units", -1), signed("late_units", 0)] == \
        ["-3.25 h", "+1.50 h", "0 h", "-200.00", "-1", "0"]
    monkeypatch.delenv("LOGISTICS_LEVERS_EXECUTOR", raising=False)
    assert executor_setting() == (None, None) and executor_setting("inline") == ("inline", 1)
    monkeypatch.setenv("LOGISTICS_LEVERS_EXECUTOR", "inline")
    assert executor_setting() == ("inline", 1) and executor_setting("processes") == (None, None)
    assert executor_setting("tcp://host:8786") == ("tcp://host:8786", None)
