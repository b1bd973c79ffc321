"""A sweep in a background thread (:class:`SweepJob`), for the app and notebooks."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

from ..plan import Plan
from ..scenario import Scenario
from .result import SweepResult
from .run import sweep
from .variations import Variations

__all__ = ["SweepJob"]


class SweepJob:
    """A sweep in a background thread, for interactive use (the app, notebooks).

    ``SweepJob(scenario, samples=20, time_limit=1.0).start()`` returns at once; read
    :attr:`done` / :attr:`total` / :attr:`finished`, and :attr:`result` (a
    :class:`SweepResult`) or :attr:`error` once finished. :meth:`cancel` stops it
    after the samples under way (the result then holds the samples done).

    A job may wait in a queue before it starts (the app's server runs a bounded number
    of jobs at once): :meth:`withdraw` (or :meth:`cancel`) ends one that has not
    started, with no result, and a withdrawn job never starts.

    Parameters are those of :func:`sweep`.
    """

    def __init__(self, scenario: Scenario, variations: Variations | Mapping[str, Any] | None = None,
                 samples: int = 20, seed: int = 0, executor: Any = None, time_limit: float = 1.0,
                 max_workers: int | None = None, start: Plan | None = None) -> None:
        self.scenario = scenario
        self.samples = samples
        self.seed = seed
        self.time_limit = time_limit
        self._kw = {"variations": variations, "executor": executor, "max_workers": max_workers, "start": start}
        self.done = 0
        self.total = samples
        self.result: SweepResult | None = None
        self.error: str | None = None
        self.started: float | None = None
        self.elapsed = 0.0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._withdrawn = False
        self._ended = threading.Event()  # set when the sweep has ended or the job was withdrawn

    def start(self) -> SweepJob:
        """Start the sweep thread (once; a withdrawn job stays as it is)."""
        with self._lock:
            if self._thread is not None or self._withdrawn:
                return self
            self.started = time.perf_counter()
            self._thread = threading.Thread(target=self._run, name="sweep", daemon=True)
            self._thread.start()
        return self

    def withdraw(self) -> bool:
        """End a job that has not started (one waiting in a queue): finished, no result;
        ``False`` when it had started already."""
        with self._lock:
            if self._thread is not None:
                return False
            self._withdrawn = True
            self._stop.set()
        self._ended.set()
        return True

    @property
    def withdrawn(self) -> bool:
        """Whether it was withdrawn before it started."""
        return self._withdrawn

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
            self._ended.set()

    def cancel(self) -> None:
        """Stop after the samples under way; the samples done are kept (a job that has
        not started is withdrawn)."""
        self._stop.set()
        self.withdraw()

    @property
    def cancel_requested(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._stop.is_set()

    @property
    def running(self) -> bool:
        """Whether it has started and not ended yet."""
        return self.started is not None and not self._ended.is_set()

    @property
    def finished(self) -> bool:
        """Whether it was started and has ended (result or error), or was withdrawn."""
        return self._ended.is_set()

    def wait(self, timeout: float | None = None) -> SweepResult | None:
        """Block until finished (or ``timeout``); the result, if any (a job not started
        yet returns at once)."""
        if self.started is not None or self._withdrawn:
            self._ended.wait(timeout)
        return self.result
