"""The background solve runner, without Streamlit: progress snapshots from another
thread, cancel keeps the best plan, failures are reported, not raised."""

from __future__ import annotations

import threading
import time

from apptest_support import tiny_dict

from app.runner import SolveRunner
from logistics.catalog import scenarios_dir
from logistics.plan import Plan
from logistics.scenario import Scenario, load_scenario
from logistics.solve import Progress


def fake_solve(plan: Plan, steps: int = 3, wait: float = 5.0):
    """A solve that reports ``steps`` incumbents, then waits until stopped or ``wait``."""

    def run(scenario, *, time_limit, seed, deterministic, on_progress, stop, **_):
        for k in range(steps):
            on_progress(Progress("undelivered", 0, 2, 100.0 - k, 50.0, 0.01 * k, k + 1))
        on_progress(Progress("lateness", 1, 2, None, 3.0, 0.05, 0))  # a bound-only report
        stop.wait(wait)
        return plan

    return run


def empty_plan(s: Scenario) -> Plan:
    return Plan.from_missions(s, [], status="feasible")


def test_snapshot_follows_progress_and_finishes() -> None:
    s = Scenario.from_dict(tiny_dict())
    plan = empty_plan(s)
    r = SolveRunner(s, time_limit=5, solve_fn=fake_solve(plan, wait=0.0))
    assert r.snapshot().state == "idle"
    r.start()
    assert r.wait(10)
    snap = r.snapshot()
    assert snap.state == "done" and snap.finished and snap.fraction == 1.0
    assert r.plan is plan
    assert snap.stage == "lateness" and snap.stage_index == 1 and snap.n_stages == 2
    assert snap.bound == 3.0 and snap.objective is None  # no incumbent yet in stage 2
    assert snap.solutions == 3  # counted over all stages
    assert snap.stages == (("undelivered", 98.0, 50.0), ("lateness", None, 3.0))
    assert len(snap.history) == 4


def test_cancel_sets_the_stop_event_and_keeps_the_plan() -> None:
    s = Scenario.from_dict(tiny_dict())
    plan = empty_plan(s)
    r = SolveRunner(s, time_limit=60, solve_fn=fake_solve(plan, wait=60.0)).start()
    time.sleep(0.2)
    snap = r.snapshot()
    assert snap.state == "running" and not snap.finished and 0 <= snap.fraction < 1
    t0 = time.perf_counter()
    r.cancel()
    assert r.wait(10)
    assert time.perf_counter() - t0 < 5
    assert r.snapshot().state == "cancelled" and r.plan is plan


def test_a_failing_solve_is_reported() -> None:
    def boom(*_a, **_k):
        raise RuntimeError("no solver here")

    r = SolveRunner(Scenario.from_dict(tiny_dict()), solve_fn=boom).start()
    assert r.wait(10)
    snap = r.snapshot()
    assert snap.state == "failed" and r.plan is None
    assert "RuntimeError: no solver here" in (snap.error or "")


def test_snapshots_are_safe_to_read_while_solving() -> None:
    s = Scenario.from_dict(tiny_dict())
    plan = empty_plan(s)

    def busy(scenario, *, on_progress, stop, **_):
        k = 0
        while not stop.is_set():
            k += 1
            on_progress(Progress("undelivered", 0, 1, float(k), 0.0, 0.0, k))
        return plan

    r = SolveRunner(s, solve_fn=busy).start()
    seen = []
    reader = threading.Thread(target=lambda: [seen.append(r.snapshot().solutions) for _ in range(500)])
    reader.start()
    reader.join()
    r.cancel()
    assert r.wait(10)
    assert seen == sorted(seen)  # monotone: every snapshot is consistent


def test_real_solve_cancelled_still_returns_a_plan() -> None:
    s = load_scenario(scenarios_dir() / "baghdad-embassy-2020.yaml")
    r = SolveRunner(s, time_limit=120).start()
    deadline = time.time() + 60
    while r.snapshot().solutions == 0 and not r.finished and time.time() < deadline:
        time.sleep(0.2)
    r.cancel()
    assert r.wait(60), "cancel did not stop the solve"
    assert r.plan is not None, "the best plan found before cancelling is kept"
    assert r.snapshot().state in ("cancelled", "done")
    assert r.snapshot().elapsed < 100
