"""What-if sweeps: solve many randomly perturbed copies of a scenario, on any executor.

A sweep asks how robust a plan is to the things that go wrong in a real deployment:
aircraft that are not mission-capable, ramps that hold fewer aircraft than planned,
units that are late to load, and a late CRAF activation. :func:`sweep` draws
``samples`` perturbed scenarios from the distributions of a :class:`Variations`
config, solves each one in CP-SAT's deterministic mode, checks the plan with
:func:`~logistics.verify.verify`, and gathers one row per sample and one row per
(sample, unit) into a :class:`SweepResult`.

The perturbations (:func:`draw_sample`)
---------------------------------------
Each sample ``i`` draws from ``numpy.random.default_rng([seed, i])``, split into one
independent child stream per kind of perturbation (``spawn(4)``), so a sample never
depends on which worker runs it or in what order, and switching one kind off leaves the
other kinds' draws unchanged.

* **Aircraft availability** (``available.<type>``): each aircraft of a fleet entry is
  mission-capable with probability ``p`` (default 0.85 for the C-17A, 0.70 for the
  C-5M, 0.90 for every other type), so an entry of ``count`` aircraft keeps
  ``Binomial(count, p)`` of them. A type left with no aircraft at all stays in the
  fleet as one aircraft available only at the horizon (it can deliver nothing, and the
  scenario stays valid when that type was the only one able to carry a cargo class;
  the solver then reports that cargo undelivered).
* **MOG reductions** (``mog.<icao>``): every airfield the scenario uses (origins,
  en-route stops, destinations) independently, with probability ``q`` (default 0.2),
  loses a share ``f ~ U(1 %, 50 %)`` of its MOG: ``mog - max(1, round(f * mog))``,
  never below 1 (an airfield whose MOG is already 0 or 1 keeps it).
* **Readiness delays** (``ready_delay.<unit>``): each unit, with probability 0.3, is
  ready later by an exponential delay of mean 4 h (or, with
  ``delay_distribution="triangular"``, ``Triangular(0, 0, 3 * mean)``, which has the
  same mean and never exceeds 12 h), rounded to 0.01 h. A delay never pushes the ready
  hour to or past the unit's latest arrival (it is cut to 0.01 h before it).
* **CRAF activation delay** (``craf_delay``): every fleet entry whose type starts with
  ``CRAF-`` becomes available ``U(0, 24)`` h later (one draw per sample: CRAF is
  activated as a whole), rounded to 0.01 h.

:meth:`Variations.none` switches every perturbation off (each sample is then the base
scenario).

Executors
---------
Workers receive the base scenario as a plain JSON-able dict
(:func:`~logistics.scenario.scenario_to_dict`) with the sample's seed and index, draw
the sample themselves and return plain rows (:func:`run_sample`), so any executor works:

* ``None``: a local :class:`~concurrent.futures.ProcessPoolExecutor` (``spawn``
  processes, ``max_workers`` default ``os.cpu_count()``), one solve per process;
* ``"inline"``: in this process, one sample after another (:class:`InlineExecutor`);
* any :class:`concurrent.futures.Executor` (including a Dask client's
  ``client.get_executor()``);
* a Dask ``distributed.Client``, or a scheduler address such as
  ``"tcp://host:8786"`` (a client is opened for the sweep and closed after it).

Results come back sorted by sample index, so the same seed gives identical data frames
whatever the executor, apart from the placement columns :data:`VOLATILE_COLUMNS`
(solve seconds, which worker).
"""

from __future__ import annotations

import concurrent.futures as cf
import math
import multiprocessing
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from .errors import ScenarioError
from .scenario import Scenario, scenario_to_dict

__all__ = [
    "InlineExecutor",
    "SweepJob",
    "SweepResult",
    "SweepSummary",
    "VOLATILE_COLUMNS",
    "Variations",
    "draw_sample",
    "perturbation_columns",
    "run_sample",
    "sweep",
]

#: columns that say where and how fast a sample ran, not what it found
VOLATILE_COLUMNS = ("seconds", "cpu_seconds", "worker")
#: the per-sample KPI columns, in order (the perturbation columns follow them)
SAMPLE_COLUMNS = (
    "sample", "status", "closure_hour", "late_units", "undelivered_pax", "undelivered_stons",
    "missions", "flying_hours", "violations", "binding", "error", "seconds", "cpu_seconds", "worker",
)
UNIT_COLUMNS = (
    "sample", "unit", "destination", "closure_hour", "late_hours", "undelivered_pax",
    "undelivered_stons", "late", "undelivered",
)
LIMIT_COLUMNS = ("sample", "kind", "subject")

#: how many base scenarios a worker process keeps validated (keyed by content hash)
_BASE_CACHE_SIZE = 4
_BASE_CACHE: dict[str, Scenario] = {}
_ROUND_HOURS = 2  # perturbed hours are rounded to 0.01 h


# ----- the distributions ----------------------------------------------------------------
class Variations(BaseModel):
    """The distributions a sweep draws its perturbations from.

    Parameters
    ----------
    availability
        Probability that one aircraft of a type is mission-capable, by type
        (default C-17A 0.85, C-5M 0.70).
    availability_default
        The probability for types not in ``availability`` (default 0.90).
    mog_probability
        Probability that an airfield's MOG is reduced in a sample (default 0.2).
    mog_min_cut, mog_max_cut
        A reduced MOG loses a share ``U(mog_min_cut, mog_max_cut)`` of itself, rounded,
        at least one aircraft, never below 1 (default 1 % to 50 %).
    delay_probability
        Probability that a unit is late to be ready (default 0.3).
    delay_mean_hours
        Mean of a readiness delay (default 4 h).
    delay_distribution
        ``exponential`` (default) or ``triangular`` (``Triangular(0, 0, 3 * mean)``).
    craf_delay_max_hours
        CRAF types become available ``U(0, craf_delay_max_hours)`` h later (default 24;
        0 switches it off).
    craf_prefix
        Aircraft types whose code starts with this are CRAF (default ``CRAF-``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    availability: dict[str, float] = Field(default_factory=lambda: {"C-17A": 0.85, "C-5M": 0.70})
    availability_default: float = Field(default=0.90, ge=0, le=1)
    mog_probability: float = Field(default=0.2, ge=0, le=1)
    mog_min_cut: float = Field(default=0.01, ge=0, le=1)
    mog_max_cut: float = Field(default=0.50, ge=0, le=1)
    delay_probability: float = Field(default=0.3, ge=0, le=1)
    delay_mean_hours: float = Field(default=4.0, ge=0)
    delay_distribution: Literal["exponential", "triangular"] = "exponential"
    craf_delay_max_hours: float = Field(default=24.0, ge=0)
    craf_prefix: str = "CRAF-"

    def mission_capable(self, aircraft_type: str) -> float:
        """Probability that one aircraft of this type is mission-capable."""
        p = self.availability.get(aircraft_type, self.availability_default)
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"availability[{aircraft_type!r}] must be within [0, 1] (got {p})")
        return p

    @classmethod
    def none(cls) -> Variations:
        """No perturbation at all: every sample is the base scenario."""
        return cls(availability={}, availability_default=1.0, mog_probability=0.0,
                   delay_probability=0.0, craf_delay_max_hours=0.0)


def _hours(x: float) -> float:
    return round(float(x), _ROUND_HOURS)


def draw_sample(scenario: Scenario, variations: Variations | None = None, seed: int = 0,
                index: int = 0) -> tuple[Scenario, dict[str, Any]]:
    """The perturbed scenario of sample ``index`` and the perturbations drawn.

    Parameters
    ----------
    scenario
        The base scenario.
    variations
        The distributions (default :class:`Variations`).
    seed, index
        The sweep's seed and the sample's index: the draws come from
        ``numpy.random.default_rng([seed, index])`` only.

    Returns
    -------
    (Scenario, dict)
        The perturbed, validated scenario, and the perturbations as flat columns:
        ``available.<type>`` (mission-capable aircraft of the type), ``mog.<icao>``
        (MOG in the sample), ``ready_delay.<unit>`` (hours added to its ready hour)
        and ``craf_delay`` (hours added to every CRAF entry's available hour).
    """
    v = variations or Variations()
    if seed < 0 or index < 0:
        raise ValueError("seed and index must be >= 0")
    r_avail, r_mog, r_delay, r_craf = np.random.default_rng([seed, index]).spawn(4)
    s = scenario
    H = s.horizon_hours
    pert: dict[str, Any] = {}

    # aircraft availability: Binomial(count, p) per fleet entry
    drawn = [int(r_avail.binomial(e.count, v.mission_capable(e.type))) for e in s.aircraft]
    total: dict[str, int] = {}
    for e, n in zip(s.aircraft, drawn, strict=True):
        total[e.type] = total.get(e.type, 0) + n
    # CRAF activation delay: one draw per sample
    craf = _hours(r_craf.uniform(0.0, v.craf_delay_max_hours)) if v.craf_delay_max_hours > 0 else 0.0
    fleet: list[dict[str, Any]] = []
    grounded: set[str] = set()
    for e, n in zip(s.aircraft, drawn, strict=True):
        d = e.model_dump(mode="json", exclude_none=True)
        if total[e.type] == 0:
            # keep the type (it may be the only one carrying a class): one aircraft at the horizon
            if e.type in grounded:
                continue
            grounded.add(e.type)
            d.update(count=1, available_hour=max(H, e.available_hour))
        else:
            d["count"] = n
            if e.type.startswith(v.craf_prefix):
                d["available_hour"] = _hours(e.available_hour + craf)
        fleet.append(d)
    for t, n in total.items():
        pert[f"available.{t}"] = n

    # MOG reductions, per airfield the scenario uses
    codes = s.airfield_codes
    u_event = r_mog.random(len(codes))
    u_cut = r_mog.uniform(v.mog_min_cut, v.mog_max_cut, len(codes))
    entries = {a.icao: a.model_dump(mode="json", exclude_none=True) for a in s.airfields}
    for code, ev, f in zip(codes, u_event, u_cut, strict=True):
        mog = s.airfield(code).mog
        if mog is None:
            continue
        new = mog
        if ev < v.mog_probability and mog > 1:
            new = max(1, mog - max(1, round(f * mog)))
        pert[f"mog.{code}"] = int(new)
        if new != mog:
            entries.setdefault(code, {"icao": code})["mog"] = int(new)

    # readiness delays, per unit
    u_delay = r_delay.random(len(s.units))
    if v.delay_distribution == "exponential":
        size = r_delay.exponential(v.delay_mean_hours, len(s.units))
    else:
        size = r_delay.triangular(0.0, 0.0, 3 * v.delay_mean_hours, len(s.units)) \
            if v.delay_mean_hours > 0 else np.zeros(len(s.units))
    units = []
    for u, ev, dh in zip(s.units, u_delay, size, strict=True):
        d = u.model_dump(mode="json", exclude_none=True)
        delay = _hours(dh) if ev < v.delay_probability else 0.0
        if delay > 0:
            ready = min(u.ready_hour + delay, s.lad(u) - 0.01)
            ready = max(u.ready_hour, _hours(ready))
            delay = _hours(ready - u.ready_hour)
            d["ready_hour"] = ready
        pert[f"ready_delay.{u.id}"] = delay
        units.append(d)
    pert["craf_delay"] = craf if any(t.startswith(v.craf_prefix) for t in total) else 0.0

    out = s.replace(aircraft=fleet, airfields=list(entries.values()), units=units)
    return out, pert


# ----- one sample, on a worker --------------------------------------------------------------
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
        :class:`Variations` fields), ``seed``, ``index`` and ``time_limit``
        (deterministic seconds).

    Returns
    -------
    dict
        ``sample`` (one row: KPIs, status, verify violations, binding-limit kinds, the
        perturbations), ``units`` (one row per unit) and ``limits`` (one row per
        distinct binding limit ``(kind, subject)`` found in the plan). A sample whose
        perturbed scenario is invalid, or whose solve fails, gets status ``invalid`` or
        ``error`` and the message in ``error``, and no unit rows.
    """
    from .solve import solve  # late imports: keep `import logistics.sweep` light
    from .verify import verify

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
        plan = solve(s, time_limit=float(task["time_limit"]), seed=0, workers=1, deterministic=True)
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


# ----- executors ----------------------------------------------------------------------------
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


def _mp_context() -> Any:
    """``spawn`` (safe beside threads, e.g. in the app), unless the main script cannot be
    re-imported by a spawned process (code piped to ``python -``): then ``fork``."""
    path = getattr(sys.modules.get("__main__"), "__file__", None)
    if path is not None and not os.path.exists(path) and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _run(tasks: list[dict[str, Any]], executor: Any, max_workers: int | None,
         on_result: Callable[[dict[str, Any]], None], stop: threading.Event | None) -> None:
    """Run every task on the executor, calling ``on_result`` as each completes."""
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
            from distributed import as_completed as dask_completed

            futs = executor.map(run_sample, tasks, pure=False)
            it = dask_completed(futs)
            try:
                for fut in it:
                    on_result(fut.result())
                    if stop is not None and stop.is_set():
                        executor.cancel(futs)
                        break
            finally:
                for f in futs:
                    f.release()
            return
        if not isinstance(executor, cf.Executor):
            raise TypeError(
                "executor must be None, 'inline', a concurrent.futures.Executor, a "
                f"distributed.Client or a scheduler address, not {type(executor).__name__}")
        pending = [executor.submit(run_sample, t) for t in tasks]
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


# ----- results -----------------------------------------------------------------------------
_INT_COLS = ("late_units", "undelivered_pax", "missions", "violations")
_FLOAT_COLS = ("closure_hour", "undelivered_stons", "flying_hours", "seconds", "cpu_seconds")


def _samples_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    cols = list(SAMPLE_COLUMNS)
    for r in rows:
        for c in r:
            if c not in cols:
                cols.append(c)
    df = pd.DataFrame.from_records(rows, columns=cols)
    for c in _INT_COLS:
        df[c] = pd.array(df[c].tolist(), dtype="Int64")
    for c in _FLOAT_COLS:
        df[c] = df[c].astype("float64")
    for c in cols[len(SAMPLE_COLUMNS):]:
        if c.startswith(("available.", "mog.")):
            df[c] = pd.array(df[c].tolist(), dtype="Int64")
        else:
            df[c] = df[c].astype("float64")
    for c in ("status", "binding", "error", "worker"):
        df[c] = df[c].astype(object)
    return df.reset_index(drop=True)


def _units_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame.from_records(rows, columns=list(UNIT_COLUMNS))
    df["sample"] = df["sample"].astype("int64")
    for c in ("closure_hour", "late_hours", "undelivered_pax", "undelivered_stons"):
        df[c] = df[c].astype("float64")
    for c in ("late", "undelivered"):
        df[c] = df[c].astype(bool)
    for c in ("unit", "destination"):
        df[c] = df[c].astype(object)
    return df.reset_index(drop=True)


def _limits_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame.from_records(rows, columns=list(LIMIT_COLUMNS))
    df["sample"] = df["sample"].astype("int64")
    for c in ("kind", "subject"):
        df[c] = df[c].astype(object)
    return df.reset_index(drop=True)


@dataclass
class SweepSummary:
    """What a sweep found, in a few numbers and two small tables.

    Attributes
    ----------
    samples
        Samples run.
    closure
        Force closure hour percentiles ``P10``, ``P50``, ``P90`` and ``mean`` over the
        samples that delivered anything.
    all_delivered, on_time
        Share of samples delivering every unit; delivering every unit with none late.
    status
        Samples by solver status.
    violations
        Checker violations over all samples (0 for a sound solver).
    units
        Per unit: ``p_late`` (fully delivered but late), ``p_undelivered`` (not fully
        delivered), ``p_late_or_undelivered``, ``mean_late_hours``, ``p90_closure_hour``.
    limits
        The most frequent binding limits: ``kind``, ``subject``, ``samples`` (in how many
        samples the plan's findings name it) and ``share``.
    kinds
        The same by kind of limit only (``mog``, ``fleet``, ``crew`` ...).
    """

    samples: int
    closure: dict[str, float]
    all_delivered: float
    on_time: float
    status: dict[str, int]
    violations: int
    units: pd.DataFrame
    limits: pd.DataFrame
    kinds: pd.DataFrame = field(default_factory=pd.DataFrame)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON types)."""
        return {
            "samples": self.samples, "closure": self.closure,
            "all_delivered": self.all_delivered, "on_time": self.on_time,
            "status": self.status, "violations": self.violations,
            "units": self.units.to_dict(orient="records"),
            "limits": self.limits.to_dict(orient="records"),
        }

    def __str__(self) -> str:
        def h(x: float) -> str:
            return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.1f}"

        c = self.closure
        lines = [
            f"{self.samples} samples; status: "
            + ", ".join(f"{k} {n}" for k, n in sorted(self.status.items())),
            f"force closure (h): P10 {h(c['P10'])}  P50 {h(c['P50'])}  P90 {h(c['P90'])}"
            f"  mean {h(c['mean'])}",
            f"every unit delivered in {self.all_delivered:.0%} of samples, "
            f"and on time in {self.on_time:.0%}",
            f"checker violations: {self.violations}",
        ]
        if len(self.units):
            lines.append("")
            lines.append("unit        P(late)  P(undelivered)  mean late h  P90 closure h")
            for r in self.units.itertuples():
                lines.append(f"{r.unit:<10}  {r.p_late:7.0%}  {r.p_undelivered:14.0%}  "
                             f"{h(r.mean_late_hours):>11}  {h(r.p90_closure_hour):>13}")
        if len(self.limits):
            lines.append("")
            lines.append("most frequent binding limits (share of samples):")
            for r in self.limits.itertuples():
                lines.append(f"  {r.share:5.0%}  {r.kind:<11} {r.subject}")
        return "\n".join(lines)


@dataclass
class SweepResult:
    """The rows of a sweep, sorted by sample index.

    Attributes
    ----------
    samples
        One row per sample: ``sample``, ``status``, the KPIs (``closure_hour``,
        ``late_units``, ``undelivered_pax``, ``undelivered_stons``, ``missions``,
        ``flying_hours``), ``violations`` (checker), ``binding`` (the binding-limit
        kinds, ``;``-separated), ``error``, ``seconds`` (wall), ``cpu_seconds`` (CPU of
        every thread of the worker process while it ran the sample), ``worker``, then the
        perturbations drawn (see :func:`draw_sample`).
    units
        One row per (sample, unit): ``destination``, ``closure_hour``, ``late_hours``,
        ``undelivered_pax``, ``undelivered_stons``, ``late``, ``undelivered``.
    limits
        One row per (sample, binding limit): ``kind``, ``subject``.
    meta
        ``scenario`` name, ``sha256``, ``seed``, ``samples`` requested, ``time_limit``,
        ``variations``, ``complete`` (``False`` when stopped early), ``seconds``.
    """

    samples: pd.DataFrame
    units: pd.DataFrame
    limits: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)

    def summary(self, top: int = 10) -> SweepSummary:
        """Closure percentiles, per-unit lateness probabilities, frequent binding limits."""
        s = self.samples
        n = len(s)
        cl = s["closure_hour"].dropna()
        closure = {
            "P10": float(cl.quantile(0.10)) if len(cl) else math.nan,
            "P50": float(cl.quantile(0.50)) if len(cl) else math.nan,
            "P90": float(cl.quantile(0.90)) if len(cl) else math.nan,
            "mean": float(cl.mean()) if len(cl) else math.nan,
        }
        u = self.units
        if len(u):
            g = u.groupby("unit", sort=False)
            units = pd.DataFrame({
                "p_late": g["late"].mean(),
                "p_undelivered": g["undelivered"].mean(),
                "p_late_or_undelivered": (u["late"] | u["undelivered"]).groupby(u["unit"], sort=False).mean(),
                "mean_late_hours": g["late_hours"].mean(),
                "p90_closure_hour": g["closure_hour"].quantile(0.9),
            }).reset_index()
            per = u.groupby("sample")
            all_del = float((~per["undelivered"].any()).sum()) / n if n else 0.0
            on_time = float((~(per["undelivered"].any() | per["late"].any())).sum()) / n if n else 0.0
        else:
            units = pd.DataFrame(columns=["unit", "p_late", "p_undelivered", "p_late_or_undelivered",
                                          "mean_late_hours", "p90_closure_hour"])
            all_del = on_time = 0.0
        lim = self.limits
        if len(lim):
            counts = (lim.groupby(["kind", "subject"]).size().rename("samples").reset_index()
                      .sort_values(["samples", "kind", "subject"], ascending=[False, True, True]))
            counts["share"] = counts["samples"] / n
            limits = counts.head(top).reset_index(drop=True)
            kinds = (lim.drop_duplicates(["sample", "kind"]).groupby("kind").size()
                     .rename("samples").reset_index()
                     .sort_values(["samples", "kind"], ascending=[False, True]).reset_index(drop=True))
            kinds["share"] = kinds["samples"] / n
        else:
            limits = pd.DataFrame(columns=["kind", "subject", "samples", "share"])
            kinds = pd.DataFrame(columns=["kind", "samples", "share"])
        return SweepSummary(
            samples=n, closure=closure, all_delivered=all_del, on_time=on_time,
            status={str(k): int(c) for k, c in s["status"].value_counts().items()},
            violations=int(s["violations"].fillna(0).sum()),
            units=units, limits=limits, kinds=kinds,
        )

    def frames(self, drop_volatile: bool = True) -> dict[str, pd.DataFrame]:
        """``samples``, ``units`` and ``limits``, without placement columns by default."""
        s = self.samples.drop(columns=list(VOLATILE_COLUMNS)) if drop_volatile else self.samples
        return {"samples": s, "units": self.units, "limits": self.limits}

    @staticmethod
    def _paths(path: str | Path) -> dict[str, Path]:
        p = Path(path)
        stem = p.name[: -len(p.suffix)] if p.suffix else p.name
        return {"samples": p, "units": p.with_name(f"{stem}.units{p.suffix}"),
                "limits": p.with_name(f"{stem}.limits{p.suffix}")}

    def to_parquet(self, path: str | Path) -> list[Path]:
        """Write ``path`` (samples), ``<stem>.units.parquet`` and ``<stem>.limits.parquet``."""
        out = []
        for name, p in self._paths(path).items():
            df = getattr(self, name).copy()
            df.attrs = {"sweep": _jsonable(self.meta)}
            df.to_parquet(p, index=False)
            out.append(p)
        return out

    def to_csv(self, path: str | Path) -> list[Path]:
        """Write ``path`` (samples), ``<stem>.units.csv`` and ``<stem>.limits.csv``."""
        out = []
        for name, p in self._paths(path).items():
            getattr(self, name).to_csv(p, index=False)
            out.append(p)
        return out

    def save(self, path: str | Path) -> list[Path]:
        """Write as Parquet (``.parquet``/``.pq``) or CSV (anything else)."""
        if Path(path).suffix.lower() in (".parquet", ".pq"):
            return self.to_parquet(path)
        return self.to_csv(path)

    @classmethod
    def read_parquet(cls, path: str | Path) -> SweepResult:
        """Read back what :meth:`to_parquet` wrote."""
        ps = cls._paths(path)
        dfs = {k: pd.read_parquet(p) for k, p in ps.items()}
        meta = dict(dfs["samples"].attrs.get("sweep", {}))
        for df in dfs.values():
            df.attrs = {}
        return cls(dfs["samples"], dfs["units"], dfs["limits"], meta)


def _jsonable(x: Any) -> Any:
    if isinstance(x, Mapping):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_jsonable(v) for v in x]
    if isinstance(x, float | int | str | bool) or x is None:
        return x
    return str(x)


# ----- the sweep ----------------------------------------------------------------------------
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
        Called as ``on_sample(done, total)`` after each sample completes (in the
        calling thread).
    max_workers
        Processes of the default pool (default ``os.cpu_count()``).
    stop
        Set it (from another thread) to stop early: the samples done so far are kept and
        ``meta["complete"]`` is ``False``.

    Returns
    -------
    SweepResult
        Rows sorted by sample index: the same seed gives the same frames on any
        executor (apart from :data:`VOLATILE_COLUMNS`).
    """
    if samples < 0:
        raise ValueError("samples must be >= 0")
    if isinstance(variations, Mapping):
        variations = Variations(**variations)
    v = variations or Variations()
    for t in scenario.fleet_types:
        v.mission_capable(t)  # fail early on a bad probability
    base = scenario_to_dict(scenario)
    key = scenario.content_sha256()
    vdict = v.model_dump(mode="json")
    tasks = [{"scenario": base, "key": key, "variations": vdict, "seed": int(seed), "index": i,
              "time_limit": float(time_limit)} for i in range(samples)]
    t0 = time.perf_counter()
    results: list[dict[str, Any]] = []

    def collect(res: dict[str, Any]) -> None:
        results.append(res)
        if on_sample is not None:
            on_sample(len(results), samples)

    if tasks:
        _run(tasks, executor, max_workers, collect, stop)
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


def perturbation_columns(df: pd.DataFrame) -> list[str]:
    """The perturbation columns of a samples frame."""
    return [c for c in df.columns if c.startswith(("available.", "mog.", "ready_delay.")) or c == "craf_delay"]


class SweepJob:
    """A sweep in a background thread, for interactive use (the app, notebooks).

    ``SweepJob(scenario, samples=20, time_limit=1.0).start()`` returns at once; read
    :attr:`done` / :attr:`total` / :attr:`finished`, and :attr:`result` (a
    :class:`SweepResult`) or :attr:`error` once finished. :meth:`cancel` stops it
    after the samples under way (the result then holds the samples done).

    Parameters are those of :func:`sweep`.
    """

    def __init__(self, scenario: Scenario, variations: Variations | Mapping[str, Any] | None = None,
                 samples: int = 20, seed: int = 0, executor: Any = None, time_limit: float = 1.0,
                 max_workers: int | None = None) -> None:
        self.scenario = scenario
        self.samples = samples
        self.seed = seed
        self.time_limit = time_limit
        self._kw = {"variations": variations, "executor": executor, "max_workers": max_workers}
        self.done = 0
        self.total = samples
        self.result: SweepResult | None = None
        self.error: str | None = None
        self.started: float | None = None
        self.elapsed = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> SweepJob:
        """Start the sweep thread (once)."""
        if self._thread is None:
            self.started = time.perf_counter()
            self._thread = threading.Thread(target=self._run, name="sweep", daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        def progress(done: int, total: int) -> None:
            self.done, self.total = done, total
            self.elapsed = time.perf_counter() - (self.started or 0.0)

        try:
            self.result = sweep(self.scenario, samples=self.samples, seed=self.seed,
                                time_limit=self.time_limit, on_sample=progress, stop=self._stop,
                                **self._kw)
        except Exception as exc:  # shown to the user, never lost in a thread
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.elapsed = time.perf_counter() - (self.started or 0.0)

    def cancel(self) -> None:
        """Stop after the samples under way; the samples done are kept."""
        self._stop.set()

    @property
    def cancel_requested(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._stop.is_set()

    @property
    def running(self) -> bool:
        """Whether the sweep thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def finished(self) -> bool:
        """Whether it was started and has ended (result or error)."""
        return self._thread is not None and not self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> SweepResult | None:
        """Block until finished (or ``timeout``); the result, if any."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.result
