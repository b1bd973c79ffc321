"""Sweeps on Dask: the base scenario (and the warm-start plan) scattered to the cluster
once, never pickled per task; a task that raises is retried; progress is reported per
sample, in the library, the background job and ``logistics sweep``'s progress bar.

One in-process LocalCluster (a single worker thread) serves the module: the flaky task
below is this module's own function, and it keeps its count in flag files.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pandas.testing as pdt
import pytest
from conftest import make_scenario

from logistics.plan import Plan
from logistics.scenario import Scenario
from logistics.solve import solve
from logistics.sweep import SweepJob, SweepResult, sweep
from logistics.sweep import run as sweep_run
from logistics.sweep.worker import run_sample

distributed = pytest.importorskip("distributed")

SEED = 5
N = 3
LIMIT = 0.4
#: where the flaky task keeps its flag files (set by the test that uses it)
FLAGS: dict[str, Path] = {}


def _small() -> Scenario:
    return make_scenario(aircraft=[{"type": "C-17A", "count": 8}, {"type": "CRAF-B747-PAX", "count": 1}])


def _same(a: SweepResult, b: SweepResult) -> None:
    for name, df in a.frames().items():
        pdt.assert_frame_equal(df, b.frames()[name], obj=name)


def flaky_sample(task: dict[str, Any]) -> dict[str, Any]:
    """:func:`run_sample`, but sample 1 raises on its first run (a flag file remembers it);
    every call leaves a flag file, so the test counts the runs."""
    d = FLAGS["dir"]
    i = int(task["index"])
    runs = len(list(d.glob(f"run-{i}-*")))
    (d / f"run-{i}-{runs}").touch()
    if i == 1 and runs == 0:
        raise RuntimeError("injected failure: the worker lost its scratch disk")
    return run_sample(task)


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster, distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def warm() -> Plan:
    return solve(_small(), time_limit=LIMIT, deterministic=True)


@pytest.fixture(scope="module")
def on_pool(warm: Plan) -> SweepResult:
    """The reference: the default local process pool (one process: the machine is shared)."""
    return sweep(_small(), samples=N, seed=SEED, time_limit=LIMIT, max_workers=1, start=warm)


def test_same_frames_as_the_process_pool_and_progress_per_sample(client, warm, on_pool) -> None:
    calls: list[tuple[int, int]] = []
    on_dask = sweep(_small(), samples=N, seed=SEED, executor=client, time_limit=LIMIT, start=warm,
                    on_sample=lambda done, total: calls.append((done, total)))
    _same(on_pool, on_dask)
    assert (on_dask.samples["violations"] == 0).all() and on_dask.meta["complete"]
    assert calls == [(k, N) for k in range(1, N + 1)]


def test_the_scenario_and_the_start_plan_are_scattered_once(client, warm, monkeypatch) -> None:
    scattered: list[tuple[list, dict]] = []
    mapped: list[tuple[tuple, dict]] = []
    real_scatter, real_map = client.scatter, client.map

    def scatter(data, **kw):
        scattered.append((data, kw))
        return real_scatter(data, **kw)

    def map_(func, *its, **kw):
        mapped.append((its, kw))
        return real_map(func, *its, **kw)

    monkeypatch.setattr(client, "scatter", scatter)
    monkeypatch.setattr(client, "map", map_)
    res = sweep(_small(), samples=N, seed=SEED, executor=client, time_limit=LIMIT, start=warm)
    assert len(res.samples) == N
    (data, kw), = scattered
    assert kw.get("broadcast") is True and kw.get("hash") is False
    (shared,) = data
    assert set(shared) == {"scenario", "key", "start"} and shared["start"] == warm.to_dict()
    (its, kw), = mapped
    tasks = its[0]
    assert len(tasks) == N and isinstance(kw["shared"], distributed.Future)
    # each task carries its sample only: the scenario and the plan travel once, by reference
    assert all(not {"scenario", "start"} & set(t) for t in tasks)
    assert kw["retries"] == sweep_run.DEFAULT_RETRIES


def test_a_task_that_fails_once_is_retried_and_the_sweep_completes(client, tmp_path, monkeypatch) -> None:
    ref = sweep(_small(), samples=N, seed=SEED, executor="inline", time_limit=LIMIT)
    FLAGS["dir"] = tmp_path
    monkeypatch.setattr(sweep_run, "run_sample", flaky_sample)
    res = sweep(_small(), samples=N, seed=SEED, executor=client, time_limit=LIMIT, retries=1)
    assert res.meta["complete"] and res.samples["sample"].tolist() == list(range(N))
    runs = sorted(p.name for p in tmp_path.iterdir())
    assert runs == ["run-0-0", "run-1-0", "run-1-1", "run-2-0"]  # sample 1 twice, the others once
    _same(ref, res)
    # without retries the injected failure ends the sweep
    for f in tmp_path.iterdir():
        f.unlink()
    with pytest.raises(RuntimeError, match="injected failure"):
        sweep(_small(), samples=N, seed=SEED, executor=client, time_limit=LIMIT, retries=0)


def test_stop_on_dask_keeps_the_samples_done(client) -> None:
    stop = threading.Event()
    res = sweep(_small(), samples=4, seed=SEED, executor=client, time_limit=LIMIT,
                on_sample=lambda done, total: stop.set(), stop=stop)
    assert 1 <= len(res.samples) < 4 and not res.meta["complete"]


def test_a_background_job_on_dask_reports_its_progress(client) -> None:
    seen: list[tuple[int, int, float]] = []
    job = SweepJob(_small(), samples=N, seed=SEED, executor=client, time_limit=LIMIT).start()
    while not job.finished:
        seen.append((job.done, job.total, job.elapsed))
        job.wait(0.05)
    assert job.error is None and job.result is not None and job.done == N == job.total
    assert job.elapsed > 0 and all(t == N for _, t, _ in seen)
    assert [d for d, _, _ in seen] == sorted(d for d, _, _ in seen)  # the count only grows


def test_cli_sweep_on_a_scheduler_shows_progress_on_stderr(client, tmp_path, capsys) -> None:
    from logistics.cli import main
    from logistics.scenario import save_scenario

    path = save_scenario(_small(), tmp_path / "small.yaml")
    rc = main(["sweep", str(path), "--samples", str(N), "--seed", str(SEED), "--time-limit", str(LIMIT),
               "--scheduler", client.scheduler.address, "--out", str(tmp_path / "r.csv")])
    cap = capsys.readouterr()
    assert rc == 0, cap.out + cap.err
    assert "force closure (h): P10" in cap.out
    assert f"{N}/{N}" in cap.err and "samples" in cap.err  # the progress bar, on stderr


def test_a_cluster_without_workers_ends_the_sweep_at_the_client_timeout() -> None:
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=":0") as cluster, \
            distributed.Client(cluster, timeout=1) as c:
        with pytest.raises(TimeoutError):
            sweep(_small(), samples=2, seed=SEED, executor=c, time_limit=LIMIT)
