"""The server's job registry (app/jobs.py): at most N slots in use at once, the rest
queued first come first served; a job id finds its runner; a reloaded page with
``?job=<id>`` finds its solve and shows its plan. Robustness sweeps and the levers'
re-plans take slots of the same pool: they queue behind solves, say so, and give their
slots back when they end, fail or leave the queue."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from apptest_support import make_app, tiny_dict
from streamlit.testing.v1 import AppTest

from app import jobs
from app.runner import SolveRunner
from logistics.scenario import Scenario
from logistics.solve import solve


def held_solve(gate: threading.Event, started: list[str], name: str):
    """A solve that waits for ``gate`` (or a cancel) before solving for real, quickly."""

    def fn(s: Scenario, **kw: Any):
        started.append(name)
        while not gate.wait(0.05):
            if kw["stop"].is_set():
                break
        kw["time_limit"] = 0.5
        kw["deterministic"] = True
        return solve(s, **kw)

    return fn


def wait_until(cond, timeout: float = 30.0) -> None:
    deadline = time.time() + timeout
    while not cond():
        assert time.time() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture
def one_slot(monkeypatch: pytest.MonkeyPatch, tmp_path) -> Iterator[jobs.JobRegistry]:
    """The server's registry with one slot (and plans kept in a temporary folder)."""
    monkeypatch.setenv(jobs.ENV_SLOTS, "1")
    monkeypatch.setenv("LOGISTICS_APP_DATA", str(tmp_path / "data"))
    jobs.registry.clear()
    reg = jobs.registry()
    assert reg.slots == 1
    yield reg
    for job in list(reg._jobs.values()):
        job.runner.withdraw() or job.runner.cancel()
    jobs.registry.clear()


def test_one_slot_runs_one_job_and_the_next_starts_when_it_ends() -> None:
    scen = Scenario.from_dict(tiny_dict())
    reg = jobs.JobRegistry(slots=1)
    gate, started = threading.Event(), []
    first = SolveRunner(scen, solve_fn=held_solve(gate, started, "first"))
    second = SolveRunner(scen, solve_fn=held_solve(gate, started, "second"))
    j1, j2 = reg.submit(first, owner="a"), reg.submit(second, owner="b")
    wait_until(lambda: started == ["first"])
    time.sleep(0.3)
    assert started == ["first"] and not second.started and second.snapshot().state == "idle"
    assert reg.ahead(second) == 0 and reg.ahead(first) is None and reg.counts() == (1, 1)
    # a job id finds its runner
    assert j1.id != j2.id and reg.get(j1.id).runner is first and reg.get(j2.id).runner is second
    assert reg.job_of(second) is j2 and reg.get("no-such-job") is None
    gate.set()
    assert first.wait(60) and second.wait(60)
    assert started == ["first", "second"]
    # the second started only after the first had ended
    assert first.finished_at is not None and second.started_at is not None
    assert second.started_at >= first.finished_at
    assert first.plan is not None and second.plan is not None
    wait_until(lambda: reg.counts() == (0, 0))  # the slot is given back just after the end


def test_a_queued_job_withdrawn_leaves_the_queue_at_once() -> None:
    scen = Scenario.from_dict(tiny_dict())
    reg = jobs.JobRegistry(slots=1)
    gate, started = threading.Event(), []
    first = SolveRunner(scen, solve_fn=held_solve(gate, started, "first"))
    second = SolveRunner(scen, solve_fn=held_solve(gate, started, "second"))
    third = SolveRunner(scen, solve_fn=held_solve(gate, started, "third"))
    for r in (first, second, third):
        reg.submit(r)
    wait_until(lambda: started == ["first"])
    assert reg.ahead(third) == 1
    assert second.withdraw()
    assert second.finished and second.snapshot().state == "cancelled" and second.plan is None
    assert reg.ahead(third) == 0
    gate.set()
    assert third.wait(60) and first.wait(60)
    assert started == ["first", "third"] and not second.started


def test_slots_default_to_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.delenv(jobs.ENV_SLOTS, raising=False)
    assert jobs.JobRegistry().slots == max(1, os.cpu_count() or 1)
    monkeypatch.setenv(jobs.ENV_SLOTS, "3")
    assert jobs.JobRegistry().slots == 3
    monkeypatch.setenv(jobs.ENV_SLOTS, "none")
    assert jobs.JobRegistry().slots == max(1, os.cpu_count() or 1)


def test_the_solve_page_queues_behind_another_session_then_solves(one_slot: jobs.JobRegistry) -> None:
    scen = Scenario.from_dict(tiny_dict())
    gate, started = threading.Event(), []
    other = SolveRunner(scen, solve_fn=held_solve(gate, started, "other"))
    one_slot.submit(other, owner="local")  # another planner's solve holds the slot
    wait_until(lambda: started == ["other"])
    at = make_app()
    at.session_state["time_limit"] = 1
    at.session_state["deterministic"] = True
    at.run()
    at.switch_page("views/solve.py").run()
    at.button(key="solve").click().run()
    assert not at.exception, [e.value for e in at.exception]
    r = at.session_state["runner"]
    assert not r.started and one_slot.ahead(r) == 0
    assert any("Queued, 0 ahead" in i.value for i in at.info), [i.value for i in at.info]
    job_id = at.session_state["job_id"]
    assert one_slot.get(job_id).runner is r and at.query_params["job"] == job_id
    # reloaded while it waits: the first page's sidebar says so (AppTest drops the
    # sidebar after switch_page)
    reloaded = make_app()
    reloaded.query_params["job"] = job_id
    reloaded.run()
    side = [c.value for c in reloaded.sidebar.caption]
    assert reloaded.session_state["runner"] is r
    assert any("Your solve is queued, 0 ahead" in c for c in side), side
    gate.set()
    assert r.wait(120)
    at.run()
    assert not at.exception
    assert at.session_state["plan"] is r.plan is not None
    assert any("Finished" in s.value for s in at.success)


def test_a_reloaded_page_with_the_job_in_its_url_finds_the_solve_and_its_plan(
        one_slot: jobs.JobRegistry) -> None:
    scen = Scenario.from_dict(tiny_dict())
    at = make_app()
    at.session_state["time_limit"] = 1
    at.session_state["deterministic"] = True
    at.run()
    at.switch_page("views/solve.py").run()
    # the session solves the tiny scenario
    at.session_state["scenario_dict"] = tiny_dict()
    at.run()
    at.button(key="solve").click().run()
    r = at.session_state["runner"]
    job_id = at.session_state["job_id"]
    assert at.query_params["job"] == job_id
    assert r.wait(120)

    # the page is reloaded: a new session, the same URL
    again = make_app()
    again.query_params["job"] = job_id
    again.run()
    again.switch_page("views/solve.py").run()
    assert not again.exception, [e.value for e in again.exception]
    assert again.session_state["runner"] is r
    assert again.session_state["plan"] is r.plan is not None
    assert again.session_state["scenario"] == scen  # the solve's scenario in the editor
    assert any("Finished" in s.value for s in again.success)
    assert any(m.label == "Force closure" for m in again.metric)

    # a job of someone else (or gone) is not taken up
    stranger = make_app()
    stranger.query_params["job"] = "not-a-job"
    stranger.run()
    assert not stranger.exception and stranger.session_state["runner"] is None


# ----- sweeps and levers take slots of the same pool ---------------------------------------------
class Gated:
    """A job that runs until its gate opens: a stand-in for a sweep holding its processes."""

    def __init__(self, gate: threading.Event) -> None:
        self.gate = gate
        self.started: float | None = None
        self._thread: threading.Thread | None = None
        self._withdrawn = False

    def start(self) -> Gated:
        self.started = time.perf_counter()
        self._thread = threading.Thread(target=self.gate.wait, args=(60,), daemon=True)
        self._thread.start()
        return self

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def finished(self) -> bool:
        return self._withdrawn or (self._thread is not None and not self._thread.is_alive())

    def withdraw(self) -> bool:
        if self._thread is not None:
            return False
        self._withdrawn = True
        return True


def test_a_job_of_several_processes_waits_for_its_slots_and_keeps_its_place() -> None:
    scen = Scenario.from_dict(tiny_dict())
    reg = jobs.JobRegistry(slots=2)
    gate, sweep_gate, started = threading.Event(), threading.Event(), []
    solve1 = SolveRunner(scen, solve_fn=held_solve(gate, started, "solve1"))
    sweep = Gated(sweep_gate)
    solve2 = SolveRunner(scen, solve_fn=held_solve(gate, started, "solve2"))
    reg.submit(solve1)
    wait_until(lambda: started == ["solve1"])
    job = reg.submit(sweep, kind="sweep", slots=5)
    assert job.slots == 2  # at most the server's slots
    reg.submit(solve2)
    # one slot is free, but the sweep needs two and the solve behind it keeps its place
    time.sleep(0.3)
    assert not sweep.started and not solve2.started and reg.in_use() == 1
    assert reg.ahead(sweep) == 0 and reg.ahead(solve2) == 1 and reg.counts() == (1, 2)
    gate.set()
    wait_until(lambda: sweep.started is not None)
    assert solve1.finished and reg.in_use() == 2 and not solve2.started
    sweep_gate.set()
    assert solve2.wait(60) and solve2.plan is not None
    assert solve2.started_at >= sweep.started
    wait_until(lambda: reg.counts() == (0, 0) and reg.in_use() == 0)
    assert reg.get(job.id) is None and reg.get(job.id, kind=None) is job  # a solve's URL never finds a sweep


def test_a_failed_sweep_gives_its_slots_back() -> None:
    from logistics.sweep import SweepJob

    scen = Scenario.from_dict(tiny_dict())
    reg = jobs.JobRegistry(slots=1)
    bad = SweepJob(scen, samples=2, executor=object())  # not an executor: the sweep raises
    reg.submit(bad, kind="sweep")
    bad.wait(60)
    assert bad.finished and bad.result is None and "TypeError" in (bad.error or "")
    wait_until(lambda: reg.counts() == (0, 0) and reg.in_use() == 0)
    after = SolveRunner(scen, time_limit=0.5, deterministic=True)
    reg.submit(after)
    assert after.wait(60) and after.plan is not None


def test_levers_on_local_processes_take_a_slot_per_process() -> None:
    from apptest_support import tiny_plan

    from app.levers_job import LeversJob

    plan, scen = tiny_plan()
    reg = jobs.JobRegistry(slots=2)
    hold = threading.Event()
    reg.submit(Gated(hold), kind="sweep", slots=2)  # the pool is full: nothing below starts
    try:
        on_processes = LeversJob(scen, plan, seconds=5)
        job = on_processes.submit_to(reg, "a")
        assert job.kind == "levers" and job.slots == min(2, os.cpu_count() or 1, on_processes.tasks)
        assert on_processes._kw["max_workers"] == job.slots and not on_processes.started
        inline = LeversJob(scen, plan, seconds=5, executor="inline", max_workers=1)
        assert inline.submit_to(reg, "a").slots == 1
        on_dask = LeversJob(scen, plan, seconds=5, executor="tcp://127.0.0.1:1")
        assert on_dask.submit_to(reg, "a").slots == 1
        for j in (on_processes, inline, on_dask):
            assert j.withdraw() and j.finished and j.result is None
        assert reg.counts() == (1, 0)
    finally:
        hold.set()


def sweep_page(reg: jobs.JobRegistry) -> AppTest:
    """The Robustness page of the tiny scenario, a 5-sample sweep of 0.5 s solves set."""
    at = make_app()
    at.session_state["scenario_dict"] = tiny_dict()
    at.run()
    at.switch_page("views/robustness.py").run()
    at.slider(key="sw_samples").set_value(5)
    at.slider(key="sw_time_limit").set_value(0.5)
    at.button(key="sw_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def hold_the_slot(reg: jobs.JobRegistry) -> tuple[SolveRunner, threading.Event]:
    """Another planner's solve holds the server's only slot until the gate opens."""
    gate, started = threading.Event(), []
    other = SolveRunner(Scenario.from_dict(tiny_dict()), solve_fn=held_solve(gate, started, "other"))
    reg.submit(other, owner="someone else")
    wait_until(lambda: started == ["other"])
    return other, gate


def test_a_sweep_queues_behind_a_running_solve_and_starts_after(one_slot: jobs.JobRegistry) -> None:
    other, gate = hold_the_slot(one_slot)
    at = sweep_page(one_slot)
    job = at.session_state["sweep_job"]
    entry = one_slot.job_of(job)
    assert entry.kind == "sweep" and entry.slots == 1 and at.session_state["sweep_workers"] == 1
    assert not job.started and one_slot.ahead(job) == 0 and one_slot.counts() == (1, 1)
    assert any("Queued, 0 ahead" in i.value for i in at.info), [i.value for i in at.info]
    gate.set()
    assert other.wait(120)
    wait_until(lambda: job.started is not None)  # the registry starts it as the slot frees
    assert job.wait(300) is not None and job.error is None, job.error
    assert job.started >= other.finished_at  # it started once the solve had given the slot back
    wait_until(lambda: one_slot.counts() == (0, 0))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.session_state["sweep_result"].samples) == 5
    assert {"Closure P10", "Closure P50", "Closure P90"} <= {m.label for m in at.metric}


def test_a_queued_sweep_cancelled_leaves_the_queue_and_never_runs(one_slot: jobs.JobRegistry) -> None:
    other, gate = hold_the_slot(one_slot)
    at = sweep_page(one_slot)
    job = at.session_state["sweep_job"]
    at.button(key="sw_cancel").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert job.withdrawn and job.finished and not job.started and job.result is None
    assert one_slot.ahead(job) is None and one_slot.counts() == (1, 0)
    assert not at.slider(key="sw_samples").disabled  # the page is ready for another sweep
    gate.set()
    assert other.wait(120)
    wait_until(lambda: one_slot.counts() == (0, 0))
    assert not job.started


def test_find_out_queues_behind_a_running_solve_then_runs(one_slot: jobs.JobRegistry) -> None:
    from test_app_levers import LEVER, plan_page

    other, gate = hold_the_slot(one_slot)
    at = plan_page()
    at.button(key="levers_find").click().run()
    assert not at.exception, [e.value for e in at.exception]
    job = at.session_state["levers_job"]
    assert one_slot.job_of(job).kind == "levers" and not job.started and one_slot.ahead(job) == 0
    assert any("Queued, 0 ahead" in i.value for i in at.info), [i.value for i in at.info]
    gate.set()
    assert other.wait(120)
    wait_until(lambda: job.started is not None)
    assert job.wait(120) is not None and job.error is None, job.error
    assert job.started >= other.finished_at
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(LEVER in m.value for m in at.markdown)
