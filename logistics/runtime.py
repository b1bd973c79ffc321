"""The one budget and the one way to run a solver so that it can be stopped.

A :class:`Budget` is the time a piece of work may spend: wall-clock seconds, or (in
deterministic mode) the solvers' own deterministic units, so that a repeatable run
stops at the same point on any machine. Every solver call (CP-SAT in the solve, the
improvement searches and the proofs; SCIP on the relaxation) is charged to a budget,
and every one of them honours the same ``stop`` event, set from another thread (the
app's Stop button, a progress callback's answer).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from ortools.sat.python import cp_model

T = TypeVar("T")

__all__ = ["Budget", "cpsat_solver", "default_workers", "run_stoppable", "solve_cpsat"]


def default_workers() -> int:
    """CP-SAT workers in wall-clock mode: its portfolio (LNS workers among them) needs
    about 8 to be complete; on fewer cores they time-share, which still beats a thin
    portfolio."""
    return max(8, os.cpu_count() or 8)


class Budget:
    """Time that a piece of work may spend.

    Parameters
    ----------
    limit
        Seconds (wall clock), or deterministic units when ``deterministic``.
    deterministic
        Count what solvers report they spent (CP-SAT's deterministic time, SCIP's nodes
        and iterations) instead of the wall clock, so that a run repeats exactly.
    stop
        An event that ends the work early when set.
    """

    def __init__(self, limit: float, deterministic: bool = False, stop: threading.Event | None = None):
        self.t0 = time.perf_counter()
        self.limit = limit
        self.deterministic = deterministic
        self.stop = stop if stop is not None else threading.Event()
        self.spent = 0.0  # what solvers charged: seconds, or deterministic units

    @property
    def elapsed(self) -> float:
        """Wall-clock seconds since the budget was made."""
        return time.perf_counter() - self.t0

    def used(self) -> float:
        """What is used: deterministic units charged, or wall-clock seconds."""
        return self.spent if self.deterministic else self.elapsed

    def left(self) -> float:
        """What is left (may be negative once overrun)."""
        return self.limit - self.used()

    def stopped(self) -> bool:
        """Whether the stop event is set."""
        return self.stop.is_set()

    def charge(self, amount: float) -> None:
        """Count ``amount`` (seconds, or deterministic units) as spent."""
        self.spent += amount

    def charge_cpsat(self, solver: cp_model.CpSolver) -> float:
        """Count what a finished CP-SAT solve used; returns the amount."""
        amount = solver.deterministic_time if self.deterministic else solver.wall_time
        self.spent += amount
        return amount

    def share(self, limit: float) -> Budget:
        """A budget of at most ``limit`` within this one, sharing its stop event and
        mode; charge it with :meth:`close` when done."""
        return Budget(max(0.0, min(limit, self.left())), self.deterministic, self.stop)

    def close(self, part: Budget) -> None:
        """Charge a part made by :meth:`share` to this budget."""
        self.spent += part.spent


def cpsat_solver(limit: float, *, deterministic: bool, workers: int | None = None, seed: int | None = None,
                 log: bool = False, params: dict[str, Any] | None = None) -> cp_model.CpSolver:
    """A CP-SAT solver with a time limit.

    Deterministic mode: one worker (or ``workers`` interleaved, which also repeats) and
    ``limit`` in CP-SAT's deterministic time; otherwise ``workers`` (default
    :func:`default_workers`) and ``limit`` in seconds.
    """
    s = cp_model.CpSolver()
    p = s.parameters
    if seed is not None:
        p.random_seed = seed
    p.log_search_progress = log
    if deterministic:
        n = workers or 1
        p.num_workers = n
        if n > 1:
            p.interleave_search = True
        p.max_deterministic_time = max(0.05, limit)
    else:
        p.num_workers = workers or default_workers()
        p.max_time_in_seconds = max(0.05, limit)
    for k, v in (params or {}).items():
        setattr(p, k, v)
    return s


def run_stoppable(run: Callable[[], T], halt: Callable[[], Any], stop: threading.Event | None) -> T:
    """``run()``, calling ``halt()`` from a watcher thread if ``stop`` is set meanwhile."""
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.05):
            if stop is not None and stop.is_set():
                halt()
                return

    th = threading.Thread(target=watch, daemon=True)
    th.start()
    try:
        return run()
    finally:
        done.set()
        th.join()


def solve_cpsat(solver: cp_model.CpSolver, model: cp_model.CpModel, stop: threading.Event | None,
                callback: cp_model.CpSolverSolutionCallback | None = None) -> int:
    """``solver.Solve(model)``, stopped early when ``stop`` is set (from another thread).

    Never stop from a solution callback instead: with interleaved search CP-SAT aborts
    the process.
    """
    if stop is not None and stop.is_set():
        return cp_model.UNKNOWN
    return run_stoppable(lambda: solver.Solve(model, callback), solver.stop_search, stop)


def run_cpsat(model: cp_model.CpModel, budget: Budget, limit: float, *, workers: int | None = None,
              seed: int = 0, linearization: int | None = None, probing: int | None = None,
              core: list[int] | None = None) -> tuple[str, cp_model.CpSolver | None]:
    """Solve ``model`` within ``limit`` (seconds, or deterministic units: the budget's
    mode), stoppable by the budget's event, and charge the budget.

    Returns (status name in lower case, the solver if it holds a solution). If the model
    is infeasible under its assumptions, ``core`` receives a subset of them that is.
    """
    s = cpsat_solver(limit, deterministic=budget.deterministic, workers=None if budget.deterministic else workers,
                     seed=seed)
    if linearization is not None:
        s.parameters.linearization_level = linearization
    if probing is not None:
        s.parameters.cp_model_probing_level = probing
    st = solve_cpsat(s, model, budget.stop)
    budget.charge_cpsat(s)
    if core is not None and st == cp_model.INFEASIBLE:
        core.extend(s.SufficientAssumptionsForInfeasibility())
    return s.StatusName(st).lower(), (s if st in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None)
