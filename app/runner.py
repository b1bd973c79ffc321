"""A solve in a background thread, with a thread-safe progress snapshot and a stop event.

The page script never solves: it starts a :class:`SolveRunner`, keeps it in the session
state, and a polling fragment reads :meth:`SolveRunner.snapshot`. Cancel sets the stop
event; :func:`logistics.solve.solve` then returns the best plan found so far. Nothing
here imports Streamlit, so tests drive the runner directly.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from logistics.errors import ScenarioError
from logistics.plan import Plan
from logistics.scenario import Scenario
from logistics.solve import Progress, solve

#: Runner states: ``idle`` (not started), ``running``, ``done`` (finished by itself),
#: ``cancelled`` (stopped by :meth:`SolveRunner.cancel`; a plan may still be there),
#: ``failed`` (the solve raised; see ``error``).
STATES = ("idle", "running", "done", "cancelled", "failed")


@dataclass(frozen=True)
class Snapshot:
    """A consistent copy of the runner's progress, safe to read from any thread.

    ``objective``, ``bound``, ``gap`` and ``stage_solutions`` are of the current stage;
    ``solutions`` counts incumbents over all stages; ``stages`` holds the last
    ``(goal, objective, bound)`` of every stage reached so far.
    """

    state: str
    stage: str | None = None
    stage_index: int = 0
    n_stages: int = 0
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    solutions: int = 0
    stage_solutions: int = 0
    stages: tuple[tuple[str, float | None, float | None], ...] = ()
    elapsed: float = 0.0
    time_limit: float = 0.0
    error: str | None = None
    #: ``(elapsed, stage, objective, bound)`` of every progress report, oldest first
    history: tuple[tuple[float, str, float | None, float | None], ...] = ()

    @property
    def finished(self) -> bool:
        """Whether the solve has ended (done, cancelled or failed)."""
        return self.state in ("done", "cancelled", "failed")

    @property
    def fraction(self) -> float:
        """A progress fraction for a progress bar: time used of the limit, 1 when over."""
        if self.finished:
            return 1.0
        if self.time_limit <= 0:
            return 0.0
        return max(0.0, min(0.99, self.elapsed / self.time_limit))


@dataclass(frozen=True)
class ReplanFrom:
    """What a re-plan runner starts from: the plan being flown, the scenario it answers
    and the hour ``now`` (SPEC 5.3)."""

    plan: Plan
    scenario: Scenario
    now_hour: float


@dataclass
class SolveRunner:
    """Solve one scenario in a daemon thread.

    Parameters
    ----------
    scenario
        The validated scenario to solve.
    time_limit
        Seconds for the whole solve (deterministic seconds when ``deterministic``).
    seed
        Random seed of the search.
    deterministic
        Repeatable mode of :func:`logistics.solve.solve` (tests compare the app's
        result with the library's).
    workers
        CP-SAT workers (default: the library's).
    solve_fn
        The solve function (for tests); default :func:`logistics.solve.solve`.
    replan_from
        Set when ``solve_fn`` re-plans a plan being flown (:func:`logistics.replan`):
        that plan, its scenario and ``now``.
    """

    scenario: Scenario
    time_limit: float = 20.0
    seed: int = 0
    deterministic: bool = False
    workers: int | None = None
    solve_fn: Callable[..., Plan] = solve
    label: str = ""
    replan_from: ReplanFrom | None = None

    plan: Plan | None = field(default=None, init=False)
    #: what the solve raised (``None`` unless ``failed``): a page shows a
    #: :class:`~logistics.errors.ScenarioError`'s problems one by one
    exception: BaseException | None = field(default=None, init=False)
    started_at: float | None = field(default=None, init=False)
    finished_at: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._state = "idle"
        self._progress: Progress | None = None
        self._error: str | None = None
        self._history: list[tuple[float, str, float | None, float | None]] = []
        self._stage_solutions: dict[int, int] = {}
        self._stage_last: dict[int, tuple[str, float | None, float | None]] = {}
        self._done = threading.Event()

    # ----- control ------------------------------------------------------------------
    def start(self) -> SolveRunner:
        """Start the solve in a daemon thread (once); a withdrawn runner stays as it is."""
        with self._lock:
            if self._thread is not None:
                raise RuntimeError("this runner has already been started")
            if self._done.is_set():
                return self
            self._state = "running"
            self.started_at = time.perf_counter()
            self._thread = threading.Thread(target=self._run, name="logistics-solve", daemon=True)
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Ask the solve to stop; the best plan found so far is kept (a runner cancelled
        before it starts stops at once when started)."""
        self._stop.set()

    def withdraw(self) -> bool:
        """End a runner that was never started (a solve waiting in :mod:`app.jobs`'s
        queue): cancelled, no plan; ``False`` when it had started already."""
        self._stop.set()
        with self._lock:
            if self._thread is not None:
                return False
            if not self._done.is_set():
                self._state = "cancelled"
                self.started_at = self.finished_at = time.perf_counter()
        self._done.set()
        return True

    @property
    def started(self) -> bool:
        """Whether the solve's thread was started (a queued runner has not)."""
        return self._thread is not None

    @property
    def cancel_requested(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._stop.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the solve to end; ``True`` if it has."""
        return self._done.wait(timeout)

    @property
    def finished(self) -> bool:
        """Whether the solve has ended."""
        return self._done.is_set()

    # ----- reading ------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """The progress so far (a frozen copy)."""
        with self._lock:
            p = self._progress
            end = self.finished_at or time.perf_counter()
            elapsed = 0.0 if self.started_at is None else end - self.started_at
            return Snapshot(
                state=self._state,
                stage=p.stage if p else None,
                stage_index=p.stage_index if p else 0,
                n_stages=p.n_stages if p else len(self.scenario.objective),
                objective=p.objective if p else None,
                bound=p.bound if p else None,
                gap=p.gap if p else None,
                solutions=sum(self._stage_solutions.values()),
                stage_solutions=p.solutions if p else 0,
                stages=tuple(self._stage_last[i] for i in sorted(self._stage_last)),
                elapsed=elapsed,
                time_limit=float(self.time_limit),
                error=self._error,
                history=tuple(self._history),
            )

    # ----- the thread ---------------------------------------------------------------
    def _on_progress(self, p: Progress) -> bool:
        with self._lock:
            prev = self._progress
            # keep the last known incumbent of the stage when a bound-only update comes
            if p.objective is None and prev is not None and prev.stage_index == p.stage_index:
                p = Progress(p.stage, p.stage_index, p.n_stages, prev.objective, p.bound,
                             p.elapsed, max(p.solutions, prev.solutions))
            self._progress = p
            i = p.stage_index
            # a stage that reports an objective has a solution, even if it came from the hint
            found = max(p.solutions, 1 if p.objective is not None else 0)
            self._stage_solutions[i] = max(self._stage_solutions.get(i, 0), found)
            last = self._stage_last.get(i)
            self._stage_last[i] = (p.stage, p.objective if p.objective is not None else (last[1] if last else None),
                                   p.bound)
            self._history.append((p.elapsed, p.stage, p.objective, p.bound))
            if len(self._history) > 2000:
                del self._history[: len(self._history) - 2000]
        return self._stop.is_set()

    def _run(self) -> None:
        plan: Plan | None = None
        error: str | None = None
        exception: BaseException | None = None
        try:
            kwargs: dict[str, Any] = {
                "time_limit": self.time_limit,
                "seed": self.seed,
                "deterministic": self.deterministic,
                "on_progress": self._on_progress,
                "stop": self._stop,
            }
            if self.workers is not None:
                kwargs["workers"] = self.workers
            plan = self.solve_fn(self.scenario, **kwargs)
        except ScenarioError as exc:  # bad input (a re-plan's conflicts): its problems, no traceback
            error, exception = str(exc), exc
        except Exception as exc:  # the page shows it; the thread must not die silently
            error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=6)}"
            exception = exc
        with self._lock:
            self.plan = plan
            self.exception = exception
            self._error = error
            self.finished_at = time.perf_counter()
            if error is not None:
                self._state = "failed"
            elif self._stop.is_set():
                self._state = "cancelled"
            else:
                self._state = "done"
        self._done.set()
