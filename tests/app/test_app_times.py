"""Times on the pages (issue #24): the Plan page's closure card gives the Zulu DTG and the
C-day under the hour, its tables a DTG column right after each hour column and a C-day,
the Compare page the closure's DTG, and a re-plan's mission table the old and new
departures' DTGs. Plans are short deterministic solves, checked with logistics.verify.
The Compare page's headings fit, its DTGs keep their year, its empty cells show "—" and
its gaps are percentages as on the Plan page; the Plan page's ids show whole.

The tiny scenario starts 2020-01-01 00:00Z, so an hour h is day 1 + h // 24 of January
at h % 24 o'clock: h20.0 is 012000Z JAN 20 on C+0.
"""

from __future__ import annotations

import re

from apptest_support import make_app, tiny_dict, tiny_plan
from streamlit.testing.v1 import AppTest

from app import charts, mission_changes, times
from app.state import Variant
from logistics.timefmt import c_day, dtg
from logistics.verify import verify

DTG = re.compile(r"\d{6}Z [A-Z]{3} \d{2}")


def clean(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def plan_page() -> AppTest:
    plan, s = tiny_plan()
    assert verify(s, plan) == []
    at = make_app()
    at.session_state["plan"] = plan
    at.session_state["plan_scenario"] = s
    at.run()
    at.switch_page("views/plan.py").run()
    return clean(at)


def test_closure_card_gives_the_dtg_and_c_day_under_the_hour() -> None:
    plan, s = tiny_plan()
    at = plan_page()
    card = next(m for m in at.metric if m.label == "Force closure")
    ch = plan.kpis["closure_hour"]
    assert card.value == f"h{ch:.1f}"
    under = card.proto.delta_description
    assert DTG.fullmatch(under.split(" · ")[0]), under
    assert under == f"{dtg(s, ch)} · {c_day(ch)}"
    assert re.fullmatch(r"\d{6}Z [A-Z]{3} \d{2} · C[+-]\d+", under)


def test_plan_tables_put_a_dtg_beside_each_hour_and_a_c_day() -> None:
    plan, s = tiny_plan()
    at = plan_page()
    want = {"missions": (["onload_hour", "depart_hour", "arrive_hour", "end_hour"], "depart_hour"),
            "units": (["ready_hour", "rdd", "lad", "closure_hour"], "closure_hour"),
            "loads": (["arrive_hour"], "arrive_hour"),
            "legs": (["depart_hour", "arrive_hour"], "depart_hour")}
    for which, (hours, day_of) in want.items():
        at.segmented_control(key="plan_table").set_value(which).run()
        clean(at)
        df = next(d.value for d in at.dataframe if hours[0] in d.value.columns)
        cols = list(df.columns)
        assert not [c for c in cols if c.endswith("_utc")], cols  # the DTG says it
        for h in hours:
            name = times.DTG_OF[h]
            assert cols[cols.index(h) + 1] == name, (which, cols)
            for hour, text in zip(df[h], df[name], strict=True):
                assert text == dtg(s, hour) and DTG.fullmatch(text), (which, h, hour, text)
        assert cols[cols.index(times.DTG_OF[day_of]) + 1] == "c_day", (which, cols)
        assert list(df["c_day"]) == [c_day(h) for h in df[day_of]]
    first = min(m.start_hour for m in plan.missions)
    assert dtg(s, first).startswith("01")  # the tiny lift leaves on 1 Jan


def test_compare_gives_the_closure_as_a_dtg() -> None:
    plan, s = tiny_plan()
    at = make_app()
    at.session_state["scenario_dict"] = tiny_dict()
    at.session_state["variants"] = {"base": Variant("base", plan, s, saved_at=1.0)}
    at.session_state["plan"] = plan
    at.session_state["plan_scenario"] = s
    at.run()
    at.switch_page("views/compare.py").run()
    clean(at)
    kpis = at.dataframe[0].value
    ch = plan.kpis["closure_hour"]
    assert list(kpis["closure_dtg"]) == [f"{dtg(s, ch)} · {c_day(ch)}"] * len(kpis)
    per_unit = next(d.value for d in at.dataframe if "t0" in d.value.columns)
    assert all(DTG.fullmatch(x) for x in per_unit["t0"])


def test_mission_changes_give_old_and_new_departures_as_dtgs() -> None:
    plan, s = tiny_plan()
    df = mission_changes.change_frame(plan, s, plan, s, now_hour=0.0)
    cols = list(df.columns)
    assert cols.index("old depart DTG") == cols.index("old depart h") + 1
    assert cols.index("new depart DTG") == cols.index("new depart h") + 1
    for h, text in zip(df["new depart h"], df["new depart DTG"], strict=True):
        assert text == dtg(s, h)


def test_beside_hours_and_caption_by_hand() -> None:
    _, s = tiny_plan()
    assert times.caption(s, 20.0) == "012000Z JAN 20 · C+0"
    assert times.caption(s, 49.5) == "030130Z JAN 20 · C+2"  # 2 days 1 h 30 min
    assert times.caption(s, None) is None and times.caption(s, float("nan")) is None
    import pandas as pd

    df = pd.DataFrame({"id": ["U1", "U2"], "closure_hour": [20.0, None], "late_hours": [0.0, None],
                       "closure_utc": [None, None], "closure_dtg": ["x", "y"], "c_day": ["x", "y"]})
    out = times.beside_hours(df, s)
    assert list(out.columns) == ["id", "closure_hour", "closure_dtg", "c_day", "late_hours"]
    assert list(out["closure_dtg"]) == ["012000Z JAN 20", None] and list(out["c_day"]) == ["C+0", None]


# ----- Compare that fits (#24) -------------------------------------------------------------------
LONG = "lead battalion 650"


def compare_page() -> tuple[AppTest, list]:
    """The Compare page with the tiny plan as the baseline and a variant with a long name
    (the same plan, its closure goal's bound lowered so that it has a gap)."""
    import copy
    import dataclasses

    plan, s = tiny_plan()
    sv = plan.solve
    i = sv.goals.index("closure")
    bound = list(sv.bound)
    bound[i] = sv.objective[i] * 0.9
    other = dataclasses.replace(copy.deepcopy(plan), solve=dataclasses.replace(sv, bound=bound))
    at = make_app()
    at.session_state["scenario_dict"] = tiny_dict()
    at.session_state["variants"] = {"baseline": Variant("baseline", plan, s, saved_at=1.0),
                                    LONG: Variant(LONG, other, s, saved_at=2.0)}
    at.session_state["plan"] = plan
    at.session_state["plan_scenario"] = s
    at.run()
    at.switch_page("views/compare.py").run()
    clean(at)
    return at, [plan, other]


def columns(df) -> dict:
    """The column configuration a dataframe element sends the browser."""
    import json

    return json.loads(df.proto.columns)


def test_compare_headings_fit_and_dtgs_keep_their_year() -> None:
    at, _ = compare_page()
    _, s = tiny_plan()
    for d in at.dataframe:
        for key, col in columns(d).items():
            if col.get("hidden"):
                continue
            label = col.get("label") or key
            assert "…" not in label and len(label) <= 24, label  # a short heading, never cut by hand
            assert isinstance(col.get("width"), int) and col["width"] >= times.fit_width(label), (label, col)
        assert d.proto.placeholder == "—"  # an empty cell shows a dash, not "None"
    per_unit = next(d for d in at.dataframe if "t1" in d.value.columns)
    cfg = columns(per_unit)
    assert (cfg["c0"]["label"], cfg["t1"]["label"], cfg["d1"]["label"]) == ("B h", "V1 DTG", "Δ V1 h")
    assert LONG in cfg["t1"]["help"] and LONG in "\n".join(m.value for m in at.markdown)
    for t in ("t0", "t1"):  # the whole DTG, year too, in a column wide enough for it
        assert all(DTG.fullmatch(x) for x in per_unit.value[t]), list(per_unit.value[t])
        assert cfg[t]["width"] >= times.fit_width(cfg[t]["label"], per_unit.value[t])
    closure = per_unit.value["c0"].iloc[0]
    assert per_unit.value["t0"].iloc[0] == dtg(s, closure) and dtg(s, closure).endswith(" 20")


def test_compare_baseline_rows_show_no_none_and_gaps_as_on_the_plan_page() -> None:
    at, plans = compare_page()
    goals = next(d for d in at.dataframe if "verdict" in d.value.columns)
    df = goals.value
    base = df[df["variant"] == "baseline"]
    assert base["change"].isna().all()  # no value, shown as the placeholder
    assert not (base.astype(str) == "None").any().any() and not (df.astype(str) == "None").any().any()
    cfg = columns(goals)
    assert cfg["gap_%"]["label"] == "gap" and cfg["gap_%"]["type_config"]["format"] == "%.1f %%"
    assert cfg["gap"]["label"] == "gap (abs.)"
    for name, plan in zip(["baseline", LONG], plans, strict=True):
        rel = {g: gap for g, _, _, gap in charts.goal_gaps(plan)}
        rows = df[df["variant"] == name].set_index("goal")
        for g, gap in rel.items():
            assert rows.loc[g, "gap_%"] == (None if gap is None else 100 * gap) or abs(
                rows.loc[g, "gap_%"] - 100 * gap) < 1e-9
    closure = df[(df["variant"] == LONG) & (df["goal"] == "closure")].iloc[0]
    assert abs(closure["gap_%"] - 10.0) < 1e-6 and closure["gap"] > 0  # 10 % of the value, as the Plan card says
    kpis = at.dataframe[0]
    kcfg = columns(kpis)
    assert kcfg["gap_%"]["type_config"]["format"] == "%.1f %%"
    assert abs(kpis.value.loc[LONG, "gap_%"] - 100 * charts.headline_gap(plans[1])[1]) < 1e-9


def test_plan_tables_fit_their_ids_and_show_no_none() -> None:
    at = plan_page()
    for which, first in (("missions", "id"), ("units", "id"), ("loads", "mission"), ("legs", "mission")):
        at.segmented_control(key="plan_table").set_value(which).run()
        clean(at)
        d = next(d for d in at.dataframe if first in d.value.columns and "c_day" in d.value.columns)
        cfg = columns(d)
        assert cfg[first]["width"] >= times.fit_width(first, d.value[first]) and cfg[first]["pinned"], which
        assert d.proto.placeholder == "—"
