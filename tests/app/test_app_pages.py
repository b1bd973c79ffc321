"""The Solve, Robustness and Compare pages and the findings, as a new user meets them:
the live chart's axes, the sweep's time estimate and plain-word limits, the variants'
edits, order and solver noise, and findings that say what sets the force closure.

Solves are short and deterministic; every plan made here is checked with
``logistics.verify``.
"""

from __future__ import annotations

import json
import threading
import time

from apptest_support import make_app, tiny_dict, tiny_plan
from streamlit.testing.v1 import AppTest

from app import page_charts
from app.runner import SolveRunner
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
        at.switch_page("pages/solve.py").run()
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
