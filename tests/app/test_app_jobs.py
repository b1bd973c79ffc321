"""The server's job registry (app/jobs.py): at most N solves at once, the rest queued
first come first served; a job id finds its runner; a reloaded page with ``?job=<id>``
finds its solve and shows its plan."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from apptest_support import make_app, tiny_dict

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
    at.switch_page("pages/solve.py").run()
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
    at.switch_page("pages/solve.py").run()
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
    again.switch_page("pages/solve.py").run()
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
