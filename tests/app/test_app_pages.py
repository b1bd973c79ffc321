"""The Solve, Robustness and Compare pages and the findings, as a new user meets them:
the live chart's axes, the sweep's time estimate and plain-word limits, the variants'
edits, order and solver noise, and findings that say what sets the force closure.

Solves are short and deterministic; every plan made here is checked with
``logistics.verify``.
"""

from __future__ import annotations

import concurrent.futures as cf
import copy
import dataclasses
import json
import threading
import time
from functools import cache

import pytest
from apptest_support import make_app, tiny_dict, tiny_plan
from streamlit.testing.v1 import AppTest

from app import page_charts
from app.runner import SolveRunner
from app.state import Variant
from logistics.solve import Progress
from logistics.verify import verify


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def specs(at: AppTest) -> list[dict]:
    """The Vega-Lite specs of the altair charts on the page."""
    out = []
    for el in at.get("vega_lite_chart"):
        out.append(json.loads(el.proto.spec))
    return out


def chart_frames(at: AppTest) -> list:
    """The data of the altair charts on the page (sent beside the spec, as Arrow)."""
    import pyarrow as pa

    out = []
    for el in at.get("vega_lite_chart"):
        for ds in el.proto.datasets:
            out.append(pa.ipc.open_stream(ds.data.data).read_pandas())
    return out


def layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def verified_tiny_plan():
    plan, scen = tiny_plan()
    assert verify(scen, plan) == []
    return plan, scen


# ----- Solve: the live chart -----------------------------------------------------------------------
def test_progress_chart_y_range_is_around_incumbent_and_bound() -> None:
    hist = [(6.4506, "closure", 121.0, 113.0), (6.4544, "closure", 121.0, 113.0)]
    chart = page_charts.progress_chart(hist, "closure", 9.2, "closure (h)")
    enc = chart.to_dict()["encoding"]
    lo, hi = enc["y"]["scale"]["domain"]
    assert 110 < lo < 113 and 121 < hi < 124  # not from 0: the two lines are apart
    assert enc["y"]["scale"]["zero"] is False
    # x: seconds from the first report to now, whole or tenth seconds, not 6.4506-6.4544
    assert enc["x"]["scale"]["domain"] == [6.4506, 9.2]
    assert enc["x"]["axis"]["format"] == ".1f"
    assert page_charts.x_format(30) == ".0f"
    # one report still draws both lines, carried on to now
    df = page_charts.progress_frame(hist[:1], "closure", 9.2)
    assert sorted(df["seconds"].unique()) == [6.4506, 9.2]
    assert page_charts.y_domain([5.0, 5.0]) == (4.5, 5.5)


def test_solve_page_draws_the_live_chart_on_a_range_around_the_values() -> None:
    plan, scen = verified_tiny_plan()
    release = threading.Event()

    def reporting_solve(s, *, on_progress, stop, **kw):  # reports, then waits for Cancel
        on_progress(Progress("closure", 0, 1, 121.0, 113.0, 0.4, 1))
        on_progress(Progress("closure", 0, 1, 121.0, 113.5, 0.9, 1))
        while not (stop.is_set() or release.is_set()):
            time.sleep(0.02)
        return plan

    at = make_app()
    at.session_state["scenario_dict"] = tiny_dict()
    at.run()
    runner = SolveRunner(scen, time_limit=30, solve_fn=reporting_solve, label=scen.name).start()
    try:
        deadline = time.time() + 10
        while len(runner.snapshot().history) < 2:
            assert time.time() < deadline
            time.sleep(0.02)
        at.session_state["runner"] = runner
        at.session_state["runner_collected"] = False
        at.switch_page("views/solve.py").run()
        assert_clean(at)
        charts = [s for s in specs(at) if s.get("encoding", {}).get("y", {}).get("title", "").startswith("closure")]
        assert charts, specs(at)
        lo, hi = charts[0]["encoding"]["y"]["scale"]["domain"]
        assert 112 < lo < 113 and 121 < hi < 122
        assert charts[0]["encoding"]["x"]["title"] == "seconds since the start"
    finally:
        release.set()
        runner.wait(10)
    assert runner.plan is plan


# ----- Robustness: estimate, current plan, plain words ---------------------------------------------
class GatedExecutor(cf.Executor):
    """Runs tasks one at a time in its own thread; the tasks after the first ``free`` wait
    for ``gate``, so a test can look at the page with some samples done."""

    def __init__(self, free: int) -> None:
        self.free, self.gate = free, threading.Event()
        self._n = 0
        self._lock = threading.Lock()

    def submit(self, fn, /, *args, **kwargs) -> cf.Future:
        fut: cf.Future = cf.Future()
        with self._lock:
            k = self._n
            self._n += 1

        def run() -> None:
            if k >= self.free:
                self.gate.wait(60)
            time.sleep(0.05 * k)  # in order
            if fut.set_running_or_notify_cancel():
                try:
                    fut.set_result(fn(*args, **kwargs))
                except BaseException as exc:  # the future carries it
                    fut.set_exception(exc)

        threading.Thread(target=run, daemon=True).start()
        return fut


def progress_texts(at: AppTest) -> list[str]:
    return [el.proto.text for el in at.get("progress")]


def test_sample_time_estimate() -> None:
    # 2 workers: samples finish at 10, 12, 21 s -> times 10, 12, 11 (the third started at 10)
    mean, left = page_charts.sweep_estimate([10, 12, 21], total=11, workers=2)
    assert mean == pytest.approx(11.0) and left == pytest.approx(8 * 11 / 2)
    assert page_charts.sweep_estimate([], 10, 2) is None
    assert page_charts.sweep_estimate([5, 5], total=3, workers=2) == (5.0, 5.0)  # one left: one round
    text = page_charts.sweep_progress_text(3, 11, 25.0, [10, 12, 21], 2)
    assert text.startswith("3 of 11 samples solved, 25 s so far; about 44 s left")
    assert "estimated when the first sample is done" in page_charts.sweep_progress_text(0, 20, 19, [], 2)
    assert page_charts.duration(239) == "3 min 59 s"


def test_robustness_page_estimates_marks_the_plan_and_names_limits() -> None:
    from logistics.sweep import SweepJob

    plan, scen = verified_tiny_plan()
    at = make_app()
    at.session_state["scenario_dict"] = tiny_dict()
    at.session_state["plan"] = plan
    at.session_state["plan_scenario"] = scen
    at.run()
    ex = GatedExecutor(free=2)
    job = SweepJob(scen, samples=4, time_limit=0.3, executor=ex).start()
    try:
        deadline = time.time() + 120
        while job.done < 2:
            assert time.time() < deadline and not job.finished, job.error
            time.sleep(0.05)
        at.session_state["sweep_job"] = job
        at.session_state["sweep_workers"] = 1
        at.switch_page("views/robustness.py").run()
        assert_clean(at)
        texts = progress_texts(at)
        assert texts and texts[0].startswith("2 of 4 samples solved"), texts
        assert " left (" in texts[0] and "a sample on average, 1 at a time" in texts[0], texts
        assert not any("a minute" in m.value for m in at.markdown)
    finally:
        ex.gate.set()
    assert job.wait(120) is not None, job.error
    at.run()
    assert_clean(at)
    res = at.session_state["sweep_result"]
    assert len(res.samples) == 4 and int(res.samples["violations"].sum()) == 0  # verify ran on each
    # the current plan's closure is marked on the histogram, labelled
    frames = chart_frames(at)
    labels = [x for df in frames if "label" in df.columns for x in df["label"]]
    assert f"current plan h{plan.kpis['closure_hour']:.1f}" in labels, labels
    # every unit bar has a label
    units = next(df for df in frames if {"unit", "label"} <= set(df.columns))
    assert set(units["unit"]) == {"U1"} and units["label"].str.len().min() > 0
    # limits in plain words, not codes such as "mog:OKAS"
    lim = next(df.value for df in at.dataframe if "limit" in df.value.columns)
    assert len(lim) and all(":" not in x and " " in x for x in lim["limit"]), list(lim["limit"])
    assert {"limit", "samples", "share of samples"} == set(lim.columns)


# ----- Compare: edits, order, solver noise ---------------------------------------------------------
@cache
def two_variants():
    """The tiny scenario and an edit of it (2 C-17As instead of 3), each solved briefly."""
    from logistics.scenario import Scenario
    from logistics.solve import solve

    base = Scenario.from_dict(tiny_dict())
    edited = copy.deepcopy(tiny_dict())
    edited["aircraft"][0]["count"] = 2
    edited["name"] = "tiny, 2 C-17As"
    other = Scenario.from_dict(edited)
    out = []
    for s in (base, other):
        p = solve(s, time_limit=0.5, deterministic=True)
        assert verify(s, p) == []
        out.append((p, s))
    return out


def test_goal_rows_mark_changes_within_the_gaps() -> None:
    (pa, _), (pb, _) = two_variants()
    goals = pa.solve.goals
    i = goals.index("closure")

    def with_values(p, obj, bnd):
        o, b = list(p.solve.objective), list(p.solve.bound)
        o[i], b[i] = obj, bnd
        return dataclasses.replace(p, solve=dataclasses.replace(p.solve, objective=o, bound=b))

    base = with_values(pa, 121.0, 113.0)  # gap 8
    rows = page_charts.goal_rows({"base": base, "noise": with_values(pb, 118.0, 117.5),
                                  "better": with_values(pb, 110.0, 110.0)}, "base")
    got = rows[rows["goal"] == "closure"].set_index("variant")
    assert got.loc["base", "verdict"] == "baseline" and got.loc["base", "gap"] == 8.0
    assert got.loc["noise", "change"] == -3.0 and got.loc["noise", "verdict"] == "within solver noise"
    assert got.loc["better", "verdict"] == "better"


def test_compare_page_lists_edits_baseline_first_in_saved_order() -> None:
    (pa, sa), (pb, sb) = two_variants()
    at = make_app()
    at.session_state["scenario_dict"] = tiny_dict()
    # saved first: "zulu baseline"; then "alpha edit" (alphabetical order would swap them)
    at.session_state["variants"] = {"alpha edit": Variant("alpha edit", pb, sb, saved_at=2.0),
                                    "zulu baseline": Variant("zulu baseline", pa, sa, saved_at=1.0)}
    at.session_state["plan"] = pb
    at.session_state["plan_scenario"] = sb
    at.run()
    at.switch_page("views/compare.py").run()
    assert_clean(at)
    assert at.selectbox(key="compare_base").value == "zulu baseline"
    assert at.multiselect(key="compare_pick").value == ["alpha edit"]
    md = "\n".join(m.value for m in at.markdown)
    assert "**alpha edit**: 2 edits" in md and "Fleet C-17A: 3 -> 2" in md, md
    assert "Name: tiny app test -> tiny, 2 C-17As" in md
    kpis = at.dataframe[0].value
    assert list(kpis.index) == ["zulu baseline", "alpha edit"]  # baseline first
    assert "scenario" not in kpis.columns and list(kpis["edits"]) == [0, 2]
    goals = next(d.value for d in at.dataframe if "verdict" in d.value.columns)
    assert list(dict.fromkeys(goals["variant"])) == ["zulu baseline", "alpha edit"]
    assert set(goals["verdict"]) <= {"baseline", "same", "better", "worse", "within solver noise", "-"}
    assert "within solver noise" in "\n".join(c.value for c in at.caption)
    assert [s.value for s in at.subheader][:2] == ["KPIs", "Closure per unit against “zulu baseline”"]


# ----- What limits this plan ----------------------------------------------------------------------
def test_plan_page_findings_say_each_limit_once_and_what_sets_the_closure() -> None:
    # the hand case of test_explain: one C-17A (UTE 14 h) flies U1's 80 soldiers, 4 h late;
    # its pool is busy and its crews fly all 14 h of day 0
    from test_plan import Load, Plan, m1, scen

    from logistics.explain import explain

    s = scen(aircraft=[{"type": "C-17A", "count": 1, "ute_hours": 14}],
             units=[{"id": "U1", "origin": "KPOB", "destinations": ["OKAS"], "pax": 80, "ready_hour": 0,
                     "required_hour": 16}])
    p = Plan.from_missions(s, [m1(loads=(Load("U1", pax=80),))], status="feasible")
    assert verify(s, p) == []
    p = p.with_findings(explain(s, p))
    assert {f.kind for f in p.findings} >= {"crew", "fleet", "readiness"}
    at = make_app()
    at.session_state["plan"] = p
    at.session_state["plan_scenario"] = s
    at.run()
    at.switch_page("views/plan.py").run()
    assert_clean(at)
    lines = [x for m in at.markdown for x in m.value.splitlines() if "-badge[" in x]
    assert len(lines) == len(p.findings), lines
    for line in lines:
        label = line.split("-badge[", 1)[1].split("]", 1)[0]
        text = line.split("]", 1)[1].strip()
        assert not text.lower().startswith(label.lower()), line  # not "crew hours crew hours:"
        assert ":" not in text.split(" ", 1)[0], line
    crew = next(x for x in lines if "badge[crew hours]" in x)
    assert "C-17A crews flew 14.0 of 14.0 h on day 0" in crew
    closure = next(x for x in lines if "Force closure" in x)
    assert "Force closure h20.0 is set by" in closure and "U1 closes last" in closure
