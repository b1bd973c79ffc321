"""Running a sweep: :func:`sweep` sends one task per sample to an executor and gathers
the rows; :func:`run_tasks` knows the executors (local process pool, in process, any
``concurrent.futures`` executor, a Dask client or scheduler address).

On Dask, what every task shares (the base scenario, the warm-start plan) is sent to the
cluster once (``client.scatter(..., broadcast=True)``) and each task carries only its
sample's seed and index with a reference to it; a task that raises is run again up to
``retries`` times.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from ..plan import Plan
from ..scenario import Scenario, scenario_to_dict
from .result import SweepResult, _limits_frame, _samples_frame, _units_frame
from .variations import Variations
from .worker import run_sample, run_with_shared

__all__ = ["DEFAULT_RETRIES", "InlineExecutor", "run_tasks", "sweep"]

#: how many times Dask runs a task again after it raised (a worker that dies mid-task is
#: handled by Dask itself, its ``distributed.scheduler.allowed-failures`` setting)
DEFAULT_RETRIES = 2


def sweep(
    scenario: Scenario,
    variations: Variations | Mapping[str, Any] | None = None,
    samples: int = 100,
    seed: int = 0,
    executor: Any = None,
    time_limit: float = 5.0,
    on_sample: Callable[[int, int], Any] | None = None,
    *,
    max_workers: int | None = None,
    stop: threading.Event | None = None,
    start: Plan | None = None,
    retries: int = DEFAULT_RETRIES,
) -> SweepResult:
    """Solve ``samples`` perturbed copies of a scenario and gather the results.

    Parameters
    ----------
    scenario
        The base scenario.
    variations
        The perturbation distributions (a :class:`Variations` or a mapping of its
        fields; default :class:`Variations`).
    samples
        How many samples (indices ``0 .. samples-1``).
    seed
        The sweep's seed: sample ``i`` draws from ``numpy.random.default_rng([seed, i])``.
    executor
        ``None`` (local process pool), ``"inline"``, a ``concurrent.futures.Executor``,
        a ``distributed.Client`` or a Dask scheduler address (``"tcp://host:8786"``).
    time_limit
        Deterministic seconds per solve (each sample is solved with
        ``solve(..., deterministic=True, seed=0, workers=1)``).
    on_sample
        Called as ``on_sample(done, total)`` after each sample completes, on every
        executor (in the calling thread; the caller keeps the clock).
    max_workers
        Processes of the default pool (default ``os.cpu_count()``).
    stop
        Set it (from another thread) to stop early: the samples done so far are kept and
        ``meta["complete"]`` is ``False``.
    start
        A plan of the base scenario: each sample's solve starts from it (a warm
        what-if, :func:`logistics.solve`'s ``start``), so a sample that leaves it
        optimal or nearly so is answered sooner.
    retries
        On Dask: how many times a task that raised is run again (a sample whose solve
        fails does not raise: its status is ``error``). Other executors do not retry.

    Returns
    -------
    SweepResult
        Rows sorted by sample index: the same seed gives the same frames on any
        executor (apart from :data:`VOLATILE_COLUMNS`).
    """
    if samples < 0:
        raise ValueError("samples must be >= 0")
    vdict, shared, tasks = _tasks(scenario, variations, samples, seed, time_limit, start)
    t0 = time.perf_counter()
    results: list[dict[str, Any]] = []

    def collect(res: dict[str, Any]) -> None:
        results.append(res)
        if on_sample is not None:
            on_sample(len(results), samples)

    if tasks:
        run_tasks(tasks, executor, max_workers, collect, stop, fn=run_sample, shared=shared, retries=retries)
    results.sort(key=lambda r: r["sample"]["sample"])
    meta = {
        "scenario": scenario.name, "sha256": scenario.sha256(), "seed": int(seed),
        "samples": samples, "time_limit": float(time_limit), "variations": vdict,
        "complete": len(results) == samples, "seconds": time.perf_counter() - t0,
    }
    return SweepResult(
        samples=_samples_frame([r["sample"] for r in results]),
        units=_units_frame([u for r in results for u in r["units"]]),
        limits=_limits_frame([x for r in results for x in r["limits"]]),
        meta=meta,
    )


def _tasks(scenario: Scenario, variations: Variations | Mapping[str, Any] | None, samples: int, seed: int,
           time_limit: float, start: Plan | None) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """The variations as plain data, what every task shares (the base scenario, its key
    and the warm start) and one task per sample (plain data only)."""
    if isinstance(variations, Mapping):
        variations = Variations(**variations)
    v = variations or Variations()
    for t in scenario.fleet_types:
        v.mission_capable(t)  # fail early on a bad probability
    base = scenario_to_dict(scenario)
    key = scenario.content_sha256()
    vdict = v.model_dump(mode="json")
    warm = start.to_dict() if start is not None else None
    shared = {"scenario": base, "key": key, "start": warm}
    return vdict, shared, [{"variations": vdict, "seed": int(seed), "index": i, "time_limit": float(time_limit)}
                           for i in range(samples)]


class InlineExecutor(cf.Executor):
    """Runs each task at once, in the calling thread (for tests, debugging, small sweeps)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        fut: cf.Future = cf.Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # the future carries it, like any executor
            fut.set_exception(exc)
        return fut


def _is_dask_client(x: Any) -> bool:
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - dask is an optional extra
        return False
    return isinstance(x, Client)


def _dask_client(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover
        raise ImportError(
            "a scheduler address needs Dask: pip install 'logistics[sweep]'") from exc
    return Client(address)


@contextmanager
def _hidden_main() -> Iterator[None]:
    """While worker processes start, the parent's ``__main__`` hidden: a spawned worker
    would otherwise run the parent's main script again (a Streamlit page in the app or in
    its tests, a notebook), and the tasks' functions live in ``logistics`` anyway."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def _mp_context() -> Any:
    """``spawn``: safe beside threads (the app's); the parent's main script is hidden
    while the workers start (:func:`_hidden_main`), so code piped to ``python -`` works
    too."""
    return multiprocessing.get_context("spawn")


def run_tasks(tasks: list[dict[str, Any]], executor: Any, max_workers: int | None,
              on_result: Callable[[dict[str, Any]], None], stop: threading.Event | None,
              fn: Callable[[dict[str, Any]], dict[str, Any]] = run_sample, *,
              shared: Mapping[str, Any] | None = None, retries: int = DEFAULT_RETRIES) -> None:
    """Run ``fn`` on every task on the executor, calling ``on_result`` as each
    completes (``fn`` must be importable by name: a module-level function).

    ``shared`` holds what every task shares: ``fn`` gets ``{**shared, **task}``. On Dask
    it is scattered to the workers once (broadcast) and each task refers to it; a task
    that raises runs again up to ``retries`` times. Other executors get it with each
    task and never retry.
    """
    owned: Any = None
    try:
        if executor is None:
            n = max(1, min(max_workers or os.cpu_count() or 1, len(tasks)))
            executor = owned = cf.ProcessPoolExecutor(max_workers=n, mp_context=_mp_context())
        elif isinstance(executor, str):
            if executor in ("inline", "sequential"):
                executor = InlineExecutor()
            else:
                executor = owned = _dask_client(executor)
        if _is_dask_client(executor):
            _run_on_dask(executor, tasks, fn, dict(shared or {}), retries, on_result, stop)
            return
        if not isinstance(executor, cf.Executor):
            raise TypeError(
                "executor must be None, 'inline', a concurrent.futures.Executor, a "
                f"distributed.Client or a scheduler address, not {type(executor).__name__}")
        if shared:
            tasks = [{**shared, **t} for t in tasks]
        with _hidden_main():  # the worker processes start here
            pending = [executor.submit(fn, t) for t in tasks]
        try:
            for fut in cf.as_completed(pending):
                on_result(fut.result())
                if stop is not None and stop.is_set():
                    break
        finally:
            for f in pending:
                f.cancel()
    finally:
        if owned is not None:
            if isinstance(owned, cf.Executor):
                owned.shutdown(wait=True, cancel_futures=True)
            else:
                owned.close()


def _run_on_dask(client: Any, tasks: list[dict[str, Any]], fn: Callable[[dict[str, Any]], dict[str, Any]],
                 shared: dict[str, Any], retries: int, on_result: Callable[[dict[str, Any]], None],
                 stop: threading.Event | None) -> None:
    """The tasks on a Dask client: ``shared`` scattered once to every worker, each task
    submitted with ``retries``, results handed on as they complete."""
    from distributed import as_completed

    # one future for the whole mapping (a list of one: a dict would be scattered value by
    # value under its own keys), under a key of this sweep's own (hash=False): a key named
    # by the content would be shared with an earlier sweep of the same scenario, and its
    # release could still be under way when this sweep asks for it
    ref = client.scatter([shared], broadcast=True, hash=False)[0] if shared else None
    futs = client.map(run_with_shared, tasks, fn=fn, shared=ref, retries=max(0, int(retries)), pure=False)
    try:
        for fut in as_completed(futs):
            on_result(fut.result())
            if stop is not None and stop.is_set():
                client.cancel(futs)
                break
    finally:
        for f in futs:
            f.release()
        if ref is not None:
            ref.release()
