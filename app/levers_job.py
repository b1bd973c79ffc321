"""What a change buys, in the background: :func:`logistics.levers.levers` in a daemon
thread (:class:`LeversJob`), the edit a lever makes written into the scenario being
edited (:func:`lever_edits`) and the differences in words (:func:`signed`).

Like :mod:`app.runner`, nothing here imports Streamlit: the Plan page
(:mod:`app.levers_panel`) keeps the job in the session state and a polling fragment
reads it, and tests drive it directly.
"""

from __future__ import annotations

import copy
import os
import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from logistics.levers import Lever, candidate_levers, levers
from logistics.plan import Plan
from logistics.scenario import Scenario, scenario_to_dict

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: where the re-plans run when the session does not say: ``inline`` (in the app's own
#: process, one after another), ``processes`` (local processes, the default) or a Dask
#: scheduler address
ENV_EXECUTOR = "LOGISTICS_LEVERS_EXECUTOR"
#: goals and their units in the app's words
GOAL_UNIT = {"undelivered": "", "lateness": " h", "closure": " h", "flying_hours": " h"}
#: the sections of a scenario a lever edits, and the field naming an entry of each
SECTION_KEY = {"units": "id", "destinations": "airfield", "airfields": "icao", "aircraft": None}


def executor_setting(value: Any = None) -> tuple[Any, int | None]:
    """``(executor, max_workers)`` for :func:`~logistics.levers.levers` from a setting
    (the session's, else :data:`ENV_EXECUTOR`): ``inline`` runs the re-plans one after
    another in this process (one at a time, so the time is shared out accordingly);
    empty or ``processes``: a local process per core; anything else: a Dask scheduler."""
    v = value if value not in (None, "") else os.environ.get(ENV_EXECUTOR, "")
    v = str(v).strip()
    if v in ("inline", "sequential"):
        return "inline", 1
    if v in ("", "processes", "local"):
        return None, None
    return v, None


class LeversJob:
    """:func:`logistics.levers.levers` of ``plan`` in a daemon thread.

    ``LeversJob(scenario, plan, seconds=25).start()`` returns at once; read
    :attr:`finished`, :attr:`elapsed`, then :attr:`result` (the library's table) or
    :attr:`error`. :attr:`candidates` are the levers, known before anything runs. The
    run is bounded by ``seconds`` (the library shares them out over the re-plans), so
    there is no cancel. Other parameters are those of :func:`~logistics.levers.levers`.
    """

    def __init__(self, scenario: Scenario, plan: Plan, *, seconds: float = 25.0, seed: int = 0,
                 executor: Any = None, max_workers: int | None = None, deterministic: bool = False,
                 time_limit: float | None = None) -> None:
        self.scenario = scenario
        self.plan = plan
        self.seconds = float(seconds)
        self.candidates: list[Lever] = candidate_levers(scenario, plan)
        self._kw = {"seconds": float(seconds), "seed": int(seed), "executor": executor,
                    "max_workers": max_workers, "deterministic": bool(deterministic), "time_limit": time_limit}
        self.result: pd.DataFrame | None = None
        self.error: str | None = None
        self.started: float | None = None
        self.ended: float | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._withdrawn = False
        self._ended = threading.Event()  # set when the re-plans have ended or the job was withdrawn

    @property
    def tasks(self) -> int:
        """Re-plans to run: each lever and the unchanged scenario."""
        return len(self.candidates) + 1

    def submit_to(self, registry: Any, owner: str = "local") -> Any:
        """Queue it in the server's job registry (:class:`app.jobs.JobRegistry`), not
        started: on local processes it takes a slot per process, as many as it asked
        for (one per core by default), one per re-plan at most and at most the server's
        slots, and is limited to that many processes; in this process or on a Dask
        cluster it takes one. Returns the registry's job."""
        slots = 1
        if self._kw["executor"] is None:  # local processes
            slots = registry.local_workers(self._kw["max_workers"], self.tasks)
            self._kw["max_workers"] = slots
        return registry.submit(self, owner, kind="levers", slots=slots)

    def start(self) -> LeversJob:
        """Start the thread (once; a withdrawn job stays as it is)."""
        with self._lock:
            if self._thread is not None or self._withdrawn:
                return self
            self.started = time.perf_counter()
            self._thread = threading.Thread(target=self._run, name="levers", daemon=True)
            self._thread.start()
        return self

    def withdraw(self) -> bool:
        """End a job that has not started (one waiting in the server's queue): finished,
        no result; ``False`` when it had started already."""
        with self._lock:
            if self._thread is not None:
                return False
            self._withdrawn = True
        self._ended.set()
        return True

    def cancel(self) -> None:
        """Withdraw it if it waits in the queue; a running job ends within its time."""
        self.withdraw()

    @property
    def withdrawn(self) -> bool:
        """Whether it was withdrawn before it started."""
        return self._withdrawn

    def _run(self) -> None:
        try:
            self.result = levers(self.scenario, self.plan, **self._kw)
        except Exception as exc:  # shown on the page, never lost in a thread
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.ended = time.perf_counter()
            self._ended.set()

    @property
    def finished(self) -> bool:
        """Whether it was started and has ended (a result or an error), or was withdrawn."""
        return self._ended.is_set()

    @property
    def elapsed(self) -> float:
        """Seconds since the start (to the end once finished)."""
        if self.started is None:
            return 0.0
        return (self.ended or time.perf_counter()) - self.started

    def wait(self, timeout: float | None = None) -> pd.DataFrame | None:
        """Block until finished (or ``timeout``); the result, if any (a job not started
        yet returns at once)."""
        if self.started is not None or self._withdrawn:
            self._ended.wait(timeout)
        return self.result

    def lever(self, change: str) -> Lever | None:
        """The lever a result row names (its ``lever`` column)."""
        return next((lv for lv in self.candidates if lv.change == change), None)


# ----- a lever written into the scenario being edited ------------------------------------------------
def lever_edits(data: Mapping[str, Any], scenario: Scenario, lever: Lever) -> dict[str, list]:
    """The sections of the edited scenario ``data`` (whose validated form is
    ``scenario``) with ``lever``'s step made, by section name; only those it changes.

    The library makes the step (:meth:`Lever.apply`); what it changed is then written
    into ``data`` field by field, entries matched by id (units), airfield
    (destinations), ICAO (airfields) or position (aircraft, new ones appended), so the
    planner's own entries keep their form and nothing else moves.
    """
    before, after = scenario_to_dict(scenario), scenario_to_dict(lever.apply(scenario))
    out: dict[str, list] = {}
    for section, key in SECTION_KEY.items():
        old, new = before.get(section) or [], after.get(section) or []
        if old == new:
            continue
        entries = copy.deepcopy(list(data.get(section) or []))
        for i, entry in enumerate(new):
            prev = _match(old, entry, key, i)
            changed = {f: v for f, v in entry.items() if prev is None or prev.get(f) != v}
            if prev is None:
                changed = {key: entry[key], **changed} if key else dict(entry)
            if not changed:
                continue
            target = _match(entries, entry, key, i) if prev is not None or key else None
            if target is None:
                entries.append(changed)
            else:
                target.update(changed)
        out[section] = entries
    return out


def _match(entries: list[dict], entry: Mapping[str, Any], key: str | None, i: int) -> dict | None:
    if key is None:
        return entries[i] if i < len(entries) else None
    return next((e for e in entries if isinstance(e, dict) and e.get(key) == entry.get(key)), None)


# ----- differences in words --------------------------------------------------------------------------
def signed(goal: str, d: float) -> str:
    """A difference on ``goal`` with its sign and unit: ``-3.25 h``, ``+1`` (``0`` when none)."""
    if goal == "late_units":
        return f"{int(d):+d}" if d else "0"
    unit = GOAL_UNIT.get(goal, "")
    if abs(d) < 5e-3:
        return f"0{unit}"
    return f"{d:+,.2f}{unit}"
