"""What a worker runs for one sample (:func:`run_sample`): draw it, solve it, check it.

Workers get plain data only and return plain rows, so any executor can run them; a
process pool pickles :func:`run_sample` by its module path, ``logistics.sweep.worker``.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import ScenarioError
from ..scenario import Scenario
from .variations import Variations, draw_sample

__all__ = ["run_sample", "run_with_shared"]

#: how many base scenarios a worker process keeps validated (keyed by content hash)
_BASE_CACHE_SIZE = 4
_BASE_CACHE: dict[str, Scenario] = {}


def _base(base: Mapping[str, Any], key: str | None) -> Scenario:
    if key is not None and key in _BASE_CACHE:
        return _BASE_CACHE[key]
    s = Scenario.from_dict(base)
    if key is not None:
        while len(_BASE_CACHE) >= _BASE_CACHE_SIZE:
            _BASE_CACHE.pop(next(iter(_BASE_CACHE)))
        _BASE_CACHE[key] = s
    return s


def run_sample(task: Mapping[str, Any]) -> dict[str, Any]:
    """Draw, solve and check one sample: what a worker runs.

    Parameters
    ----------
    task
        Plain data only: ``scenario`` (a :func:`scenario_to_dict` mapping), ``key`` (its
        content hash, to validate it once per worker), ``variations`` (a mapping of
        :class:`Variations` fields), ``seed``, ``index``, ``time_limit``
        (deterministic seconds) and ``start`` (a plan of the base scenario as a mapping,
        or None: the warm start of each sample's solve).

    Returns
    -------
    dict
        ``sample`` (one row: KPIs, status, verify violations, binding-limit kinds, the
        perturbations), ``units`` (one row per unit) and ``limits`` (one row per
        distinct binding limit ``(kind, subject)`` found in the plan). A sample whose
        perturbed scenario is invalid, or whose solve fails, gets status ``invalid`` or
        ``error`` and the message in ``error``, and no unit rows.
    """
    from ..solve import solve  # late imports: keep `import logistics.sweep` light
    from ..verify import verify

    t0, c0 = time.perf_counter(), time.process_time()
    i = int(task["index"])
    row: dict[str, Any] = {
        "sample": i, "status": "error", "closure_hour": None, "late_units": None,
        "undelivered_pax": None, "undelivered_stons": None, "missions": None,
        "flying_hours": None, "violations": None, "binding": "", "error": "",
        "seconds": 0.0, "cpu_seconds": 0.0, "worker": f"{socket.gethostname()}:{os.getpid()}",
    }
    units: list[dict[str, Any]] = []
    limits: list[dict[str, Any]] = []
    try:
        base = _base(task["scenario"], task.get("key"))
        v = Variations(**task.get("variations", {}))
        s, pert = draw_sample(base, v, int(task["seed"]), i)
    except ScenarioError as exc:
        row.update(status="invalid", error=str(exc))
        return {"sample": row, "units": units, "limits": limits}
    row.update(pert)
    try:
        warm: dict[str, Any] = {}
        if task.get("start") is not None:  # a warm what-if: from the base scenario's plan
            from ..plan import Plan

            warm = {"start": Plan.from_dict(task["start"]), "start_scenario": base}
        plan = solve(s, time_limit=float(task["time_limit"]), seed=0, workers=1, deterministic=True, **warm)
        viol = verify(s, plan)
    except Exception as exc:  # one failed sample must not lose the sweep
        row.update(status="error", error=f"{type(exc).__name__}: {exc}",
                   seconds=time.perf_counter() - t0, cpu_seconds=time.process_time() - c0)
        return {"sample": row, "units": units, "limits": limits}
    k = plan.kpis
    seen = sorted({(f.kind, f.subject) for f in plan.findings})
    row.update(
        status=plan.status, closure_hour=k.get("closure_hour"), late_units=k.get("late_units"),
        undelivered_pax=k.get("undelivered_pax"), undelivered_stons=k.get("undelivered_stons"),
        missions=k.get("missions"), flying_hours=k.get("flying_hours"), violations=len(viol),
        binding=";".join(sorted({kind for kind, _ in seen})),
        error="; ".join(f"{x.rule}: {x.message}" for x in viol[:3]),
    )
    for r in plan.units:
        pax = float(r.undelivered.get("pax", 0))
        st = float(sum(q for c, q in r.undelivered.items() if c != "pax"))
        units.append({
            "sample": i, "unit": r.id, "destination": r.destination,
            "closure_hour": r.closure_hour, "late_hours": r.late_hours,
            "undelivered_pax": pax, "undelivered_stons": st,
            "late": bool(r.fully_delivered and (r.late_hours or 0.0) > 0),
            "undelivered": not r.fully_delivered,
        })
    limits = [{"sample": i, "kind": kind, "subject": subject} for kind, subject in seen]
    row["seconds"] = time.perf_counter() - t0
    row["cpu_seconds"] = time.process_time() - c0  # all threads of the worker process
    return {"sample": row, "units": units, "limits": limits}


def run_with_shared(task: Mapping[str, Any], *, fn: Callable[[Mapping[str, Any]], dict[str, Any]],
                    shared: Mapping[str, Any] | None) -> dict[str, Any]:
    """``fn({**shared, **task})``: what a Dask worker runs, ``shared`` being the mapping
    every task of the sweep shares, scattered to the workers once
    (:func:`logistics.sweep.run.run_tasks`)."""
    return fn({**(shared or {}), **task})
