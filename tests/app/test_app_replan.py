"""Re-planning in the app (issue #22 item 5): the planner's "now" on the Plan page and
its timeline, the "What changed?" events written into the scenario as SPEC 5.2/5.3
edits, "Re-plan from now" in the background runner with the kept / changed /
cancelled / added missions, a conflict shown as missions and rules, and Compare's
mission-by-mission changes. Every plan made here is checked with logistics.verify."""

from __future__ import annotations

import json
import time
from functools import cache
from typing import Any

import yaml
from apptest_support import ROOT, make_app
from streamlit.testing.v1 import AppTest

from app import charts, mission_changes, replan_events
from logistics.plan import Plan
from logistics.replan import replan, split
from logistics.scenario import Scenario
from logistics.solve import solve
from logistics.verify import verify

TINY = ROOT / "tests" / "e2e" / "tiny-kuwait.yaml"
NOW = 8.0  # three missions have started (onload from h2), two have not


def tiny() -> dict[str, Any]:
    return yaml.safe_load(TINY.read_text())


@cache
def flown() -> tuple[Plan, Scenario]:
    """The plan being flown: a short deterministic solve of the tiny Kuwait lift."""
    s = Scenario.from_dict(tiny())
    p = solve(s, time_limit=1, deterministic=True)
    assert verify(s, p) == []
    return p, s


def texts(at: AppTest, kind: str) -> list[str]:
    return [e.value for e in getattr(at, kind)]


def chart_frames(at: AppTest) -> list:
    """The data of the altair charts on the page (sent beside the spec, as Arrow)."""
    import pyarrow as pa

    return [pa.ipc.open_stream(ds.data.data).read_pandas()
            for el in at.get("vega_lite_chart") for ds in el.proto.datasets]


def clean(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def plan_page(now: float | None = None) -> AppTest:
    """The Plan page with the flown plan, deterministic re-plans of 2 s."""
    p, s = flown()
    at = make_app()
    at.session_state["scenario_dict"] = tiny()
    at.session_state["plan"] = p
    at.session_state["plan_scenario"] = s
    at.session_state["_deterministic"] = True
    at.session_state["_replan_time_limit"] = 2
    at.run()
    at.switch_page("views/plan.py").run()
    clean(at)
    if now is not None:
        at.number_input(key="now_hour").set_value(now).run()
        clean(at)
    return at


def add_event(at: AppTest, kind: str, **fields: Any) -> AppTest:
    at.radio(key="ev_kind").set_value(kind).run()
    for key, value in fields.items():
        w = at.text_input(key=key) if key == "ev_u_id" else (
            at.selectbox(key=key) if key in ("ev_w_type", "ev_m_icao", "ev_s_unit", "ev_u_origin") else (
                at.multiselect(key=key) if key == "ev_u_dests" else at.number_input(key=key)))
        w.set_value(value)
    at.button(key="ev_add").click().run()
    return clean(at)


def replan_and_wait(at: AppTest) -> AppTest:
    at.button(key="replan").click().run()
    clean(at)
    r = at.session_state["runner"]
    assert r.replan_from is not None and r.deterministic
    deadline = time.time() + 120
    while not (r.finished and at.session_state["runner_collected"]):
        assert time.time() < deadline, "the re-plan did not finish in time"
        time.sleep(0.5)
        at.run()  # the page's fragment polls the same way
        clean(at)
    at.run()
    return clean(at)


# ----- now ---------------------------------------------------------------------------------------
def test_now_shows_the_dtg_the_rule_and_the_started_missions() -> None:
    p, s = flown()
    at = plan_page()
    assert any("Now: 010000Z JAN 20" in t and "0 of 5 missions started" in t for t in texts(at, "markdown"))
    assert at.number_input(key="now_hour").max == s.horizon_hours
    at.number_input(key="now_hour").set_value(NOW).run()
    clean(at)
    done, _ = split(s, p, NOW)
    assert len(done) == 3
    assert any(f"Now: 010800Z JAN 20** (h8): {len(done)} of 5 missions started" in t for t in texts(at, "markdown"))
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    timeline = [sp for sp in specs if "layer" in sp and any(ly.get("mark", {}).get("type") == "rule"
                                                            and ly["mark"].get("color") == charts.NOW_COLOR
                                                            for ly in sp["layer"])]
    assert timeline, "the timeline shows the now rule"
    bars = timeline[0]["layer"][0]  # a row per airframe, the started missions outlined and labelled
    assert bars["encoding"]["y"]["field"] == "tail" and "stroke" in bars["encoding"]
    labels = next(f for f in chart_frames(at) if "label" in f.columns)
    assert sorted(labels.loc[labels["label"].str.endswith("(started)"), "mission"]) == sorted(m.id for m in done)
    # the value survives a visit to another page
    at.switch_page("views/compare.py").run()
    at.switch_page("views/plan.py").run()
    assert at.number_input(key="now_hour").value == NOW


def test_timeline_without_now_has_no_rule_and_with_now_marks_started() -> None:
    p, s = flown()
    for by, marks in (("aircraft", ["bar", "text", "text"]), ("airfield", ["bar"])):  # by airframe: labels
        plain = charts.timeline_chart(p, s, by).to_dict()
        assert all(ly["mark"]["type"] != "rule" for ly in plain["layer"])
        marked = charts.timeline_chart(p, s, by, now=NOW).to_dict()
        assert [ly["mark"]["type"] for ly in marked["layer"]] == [*marks, "rule", "text"]
        assert "stroke" in marked["layer"][0]["encoding"]
    df = charts.timeline_frame(p, s, NOW)
    assert set(df.loc[df["state"] == charts.STARTED, "mission"]) == {m.id for m in split(s, p, NOW)[0]}


def test_dtg() -> None:
    s = Scenario.from_dict({**tiny(), "start": "2020-01-01T02:00:00+03:00"})  # 2019-12-31 23:00Z
    assert replan_events.dtg(s, 13) == "011200Z JAN 20"
    assert replan_events.local_time(s, 13) == "2020-01-01 15:00 (UTC+0300)"


# ----- events ------------------------------------------------------------------------------------
def test_each_event_kind_writes_its_scenario_edit() -> None:
    at = plan_page(NOW)
    add_event(at, "withdraw", ev_w_type="C-17A", ev_w_count=3, ev_w_from=40.0)
    add_event(at, "mog", ev_m_icao="OKAS", ev_m_from=30.0, ev_m_to=52.0, ev_m_mog=2)
    add_event(at, "slip", ev_s_unit="B", ev_s_ready=20.0)
    add_event(at, "unit", ev_u_id="C", ev_u_origin="KPOB", ev_u_dests=["OKAS"], ev_u_pax=50, ev_u_bulk=10.0,
              ev_u_ready=12.0, ev_u_rdd=40.0)
    assert [e["kind"] for e in at.session_state["replan_events"]] == ["withdraw", "mog", "slip", "unit"]
    listed = [t for t in texts(at, "markdown") if t[:2] in ("1.", "2.", "3.", "4.")]
    assert len(listed) == 4 and "3 C-17A withdrawn from h40" in listed[0]
    # nothing is written before the planner says so
    assert at.session_state["scenario_dict"]["aircraft"] == tiny()["aircraft"]
    at.button(key="ev_apply").click().run()
    clean(at)
    d = at.session_state["scenario_dict"]
    assert d["aircraft"] == [{"type": "C-17A", "count": 1}, {"type": "C-17A", "count": 3, "until_hour": 40.0}]
    okas = next(a for a in d["airfields"] if a["icao"] == "OKAS")
    assert okas["mog_changes"] == [{"from_hour": 30.0, "to_hour": 52.0, "mog": 2}]
    assert next(u for u in d["units"] if u["id"] == "B")["ready_hour"] == 20.0
    c = next(u for u in d["units"] if u["id"] == "C")
    assert (c["origin"], c["destinations"], c["pax"], c["bulk_stons"], c["ready_hour"], c["required_hour"]) == \
        ("KPOB", ["OKAS"], 50, 10.0, 12.0, 40.0)
    assert "latest_arrival_hour" not in c  # blank: the horizon
    s = at.session_state["scenario"]
    assert at.session_state["problems"] == [] and s.fleet_count("C-17A") == 4 and len(s.units) == 3
    assert at.session_state["replan_events"] == []
    # the Scenario page shows the edits (its own tables read the same dict)
    at.switch_page("views/scenario.py").run()
    clean(at)
    frames = [df.value for df in at.dataframe]
    assert any("until_hour" in f.columns and (f["until_hour"] == 40.0).fillna(False).any() for f in frames)
    assert any("from_hour" in f.columns and f["mog"].tolist() == [2] for f in frames)


def test_an_overlapping_mog_change_is_refused_with_the_library_message_and_others_kept() -> None:
    at = plan_page(NOW)
    add_event(at, "withdraw", ev_w_type="C-17A", ev_w_count=2, ev_w_from=40.0)
    add_event(at, "mog", ev_m_icao="OKAS", ev_m_from=30.0, ev_m_to=52.0, ev_m_mog=2)
    add_event(at, "mog", ev_m_icao="OKAS", ev_m_from=50.0, ev_m_to=60.0, ev_m_mog=1)
    errors = texts(at, "error")
    assert any("Not added" in e and "OKAS MOG 1 from h50 to h60" in e
               and "mog_changes[1]: [50, 60) overlaps mog_changes[0] [30, 52)" in e for e in errors), errors
    assert [e["kind"] for e in at.session_state["replan_events"]] == ["withdraw", "mog"]
    # every problem at once: a second bad field is listed beside the first
    add_event(at, "unit", ev_u_id="A", ev_u_origin="KPOB", ev_u_dests=["OKAS"], ev_u_pax=10, ev_u_ready=70.0,
              ev_u_lad=60.0)
    err = next(e for e in texts(at, "error") if "Not added" in e)
    assert "duplicate unit id 'A'" in err and "must be after ready_hour (70)" in err, err
    # an event removed from the list is gone; the others stay
    at.button(key="ev_rm_0").click().run()
    clean(at)
    assert [e["kind"] for e in at.session_state["replan_events"]] == ["mog"]
    assert not [e for e in texts(at, "error") if "Not added" in e]


def test_withdraw_splits_an_entry_and_says_when_the_pool_is_short() -> None:
    d = {**tiny(), "aircraft": [{"type": "C-17A", "count": 4}, {"type": "C-17A", "count": 2, "available_hour": 20}]}
    out, probs = replan_events.apply_events(d, [{"kind": "withdraw", "type": "C-17A", "count": 1,
                                                  "from_hour": 10}])
    assert probs == []
    assert out["aircraft"] == [{"type": "C-17A", "count": 3}, {"type": "C-17A", "count": 1, "until_hour": 10.0},
                               {"type": "C-17A", "count": 2, "available_hour": 20}]
    _, probs = replan_events.apply_events(d, [{"kind": "withdraw", "type": "C-17A", "count": 5, "from_hour": 10}])
    assert [p.message for p in probs] == ["withdraws 5 C-17A from h10, but the pool holds 4 of them then"]


# ----- re-plan -----------------------------------------------------------------------------------
def test_replan_from_now_verifies_and_shows_the_counts_of_the_plan() -> None:
    old, _ = flown()
    at = plan_page(NOW)
    add_event(at, "withdraw", ev_w_type="C-17A", ev_w_count=2, ev_w_from=40.0)
    at = replan_and_wait(at)
    new = at.session_state["plan"]
    s = at.session_state["plan_scenario"]
    assert new is not old and new.replan is not None and new.replan["now_hour"] == NOW
    assert s.fleet_count("C-17A") == 4 and any(e.until_hour == 40.0 for e in s.aircraft)
    assert verify(s, new, previous=old, now_hour=NOW) == []
    assert new.solve.goals[-1] == "changes"
    # the counts on top are the plan's
    shown = {m.label: int(m.value) for m in at.metric if m.label in ("Kept", "Changed", "Cancelled", "Added")}
    assert shown == {k.capitalize(): len(new.replan[k]) for k in ("kept", "changed", "cancelled", "added")}
    assert shown["Kept"] >= 3  # the started missions at least
    # the table: a change per mission, cancelled ones listed from the previous plan
    table = next(df.value for df in at.dataframe if {"change", "mission"} <= set(df.value.columns))
    for k in ("kept", "changed", "cancelled", "added"):
        assert sorted(table.loc[table["change"] == k, "mission"]) == sorted(new.replan[k])
    assert set(table.loc[table["started"], "mission"]) == {m.id for m in split(flown()[1], old, NOW)[0]}
    # the same re-plan as the library's
    want = replan(s, old, NOW, time_limit=2, deterministic=True)
    assert {k: want.replan[k] for k in ("kept", "changed", "cancelled", "added")} == \
        {k: new.replan[k] for k in ("kept", "changed", "cancelled", "added")}
    # the previous plan stays, as a variant, and Compare shows what changed mission by mission
    v = at.session_state["variants"]["before re-plan at h8"]
    assert v.plan is old
    at.switch_page("views/compare.py").run()
    clean(at)
    assert "Missions changed by a re-plan" in texts(at, "subheader")
    assert any("re-plans **before re-plan at h8** at h8" in t for t in texts(at, "markdown"))
    frames = [df.value for df in at.dataframe if {"change", "mission"} <= set(df.value.columns)]
    assert frames and sorted(frames[0]["mission"]) == sorted({m.id for m in old.missions} | {m.id for m in new.missions})


def test_a_conflict_lists_missions_and_rules_and_loses_nothing() -> None:
    old, _ = flown()
    at = plan_page(NOW)
    add_event(at, "withdraw", ev_w_type="C-17A", ev_w_count=2, ev_w_from=10.0)  # under started missions
    at = replan_and_wait(at)
    err = next(e for e in texts(at, "error") if "No re-plan from h8" in e)
    assert "rule **fleet**" in err and "M0001" in err, err
    assert "Traceback" not in err
    assert at.session_state["plan"] is old  # the plan being flown stays current
    assert any(e.get("until_hour") == 10.0 for e in at.session_state["scenario_dict"]["aircraft"])
    assert "before re-plan at h8" not in at.session_state["variants"]


def test_change_frame_without_a_replan_record_compares_by_id() -> None:
    old, s = flown()
    new, _ = flown()
    df = mission_changes.change_frame(old, s, new, s, now_hour=NOW)
    assert set(df["change"]) == {"kept"} and len(df) == len(old.missions)
    assert df["old loads"].str.contains("pax").any()


def test_a_cancelled_replan_stops_and_keeps_the_best_plan_found() -> None:
    from app.runner import ReplanFrom, SolveRunner

    old, s0 = flown()
    d, problems = replan_events.apply_events(tiny(), [{"kind": "withdraw", "type": "C-17A", "count": 2,
                                                         "from_hour": 40.0}])
    assert problems == []
    s = Scenario.from_dict(d)
    r = SolveRunner(s, time_limit=60, solve_fn=lambda sc, **kw: replan(sc, old, NOW, **kw),
                    replan_from=ReplanFrom(old, s0, NOW))
    r.cancel()  # the stop the page's Cancel sets, before the search begins: it stops at once
    r.start()
    assert r.wait(60)
    snap = r.snapshot()
    assert snap.state == "cancelled" and snap.elapsed < 30
    assert r.plan is not None and verify(s, r.plan, previous=old, now_hour=NOW) == []
