"""Solves shared by the server's sessions: a bounded pool of :class:`~app.runner.SolveRunner`.

Several planners on one server each start CP-SAT solves that use every core they are
given. The :class:`JobRegistry` (one per server process, :func:`registry`) runs at most
``slots`` of them at once, one per core by default (:data:`ENV_SLOTS` to change it);
the rest wait in a queue, first come first served, and start as a slot frees. Each job
has an id: the page puts it in its URL (``?job=<id>``), so that a reloaded page finds
its solve, running, queued or finished, and its plan.

A queued runner is an ordinary runner not yet started: :meth:`SolveRunner.withdraw`
ends it at once (no plan) and the registry skips it; one cancelled while it waits
(:meth:`SolveRunner.cancel`) starts in its turn and stops at once with the first plan.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from dataclasses import dataclass, field

import streamlit as st

from .runner import SolveRunner

#: solves at once on this server (default: ``os.cpu_count()``)
ENV_SLOTS = "LOGISTICS_APP_SLOTS"
#: finished jobs kept for a reload (the oldest finished go first)
KEEP_FINISHED = 64


def default_slots() -> int:
    """Solves at once: :data:`ENV_SLOTS` when it is a positive whole number, else one
    per core."""
    raw = os.environ.get(ENV_SLOTS, "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    return max(1, os.cpu_count() or 1)


@dataclass
class Job:
    """A solve (or re-plan) submitted by a session: its id, runner and owner (the
    signed-in user's key, else ``local``)."""

    id: str
    runner: SolveRunner
    owner: str = "local"
    submitted_at: float = field(default_factory=time.time)

    @property
    def finished(self) -> bool:
        """Whether the solve has ended (or was withdrawn from the queue)."""
        return self.runner.finished


class JobRegistry:
    """At most ``slots`` solves at once; the rest queue and start as slots free."""

    def __init__(self, slots: int | None = None, keep_finished: int = KEEP_FINISHED) -> None:
        self.slots = max(1, int(slots)) if slots is not None else default_slots()
        self.keep_finished = keep_finished
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}  # by id, oldest first
        self._queue: list[Job] = []
        self._running: set[str] = set()

    # ----- submitting -------------------------------------------------------------
    def submit(self, runner: SolveRunner, owner: str = "local") -> Job:
        """Queue ``runner`` (not started) and start it now if a slot is free."""
        if runner.started:
            raise ValueError("submit a runner that has not been started")
        with self._lock:
            job_id = secrets.token_urlsafe(9)
            while job_id in self._jobs:
                job_id = secrets.token_urlsafe(9)
            job = Job(job_id, runner, owner)
            self._jobs[job_id] = job
            self._queue.append(job)
            self._prune()
        self._dispatch()
        return job

    def _dispatch(self) -> None:
        """Start queued jobs while slots are free (withdrawn ones are dropped)."""
        starting: list[Job] = []
        with self._lock:
            self._queue = [j for j in self._queue if not j.runner.finished]
            while self._queue and len(self._running) < self.slots:
                job = self._queue.pop(0)
                self._running.add(job.id)
                starting.append(job)
        for job in starting:
            job.runner.start()
            threading.Thread(target=self._release_when_done, args=(job,), daemon=True,
                             name=f"logistics-job-{job.id}").start()

    def _release_when_done(self, job: Job) -> None:
        job.runner.wait()
        with self._lock:
            self._running.discard(job.id)
        self._dispatch()

    def _prune(self) -> None:
        finished = [k for k, j in self._jobs.items() if j.runner.finished and k not in self._running]
        for k in finished[: max(0, len(finished) - self.keep_finished)]:
            del self._jobs[k]

    # ----- reading ----------------------------------------------------------------
    def get(self, job_id: str | None) -> Job | None:
        """The job of this id (``None`` when unknown or pruned)."""
        if not job_id:
            return None
        with self._lock:
            return self._jobs.get(job_id)

    def job_of(self, runner: SolveRunner | None) -> Job | None:
        """The job that holds ``runner``."""
        if runner is None:
            return None
        with self._lock:
            return next((j for j in reversed(self._jobs.values()) if j.runner is runner), None)

    def ahead(self, runner: SolveRunner | None) -> int | None:
        """How many queued jobs wait before ``runner``'s; ``None`` when it is not queued
        (running, finished or unknown)."""
        if runner is None:
            return None
        with self._lock:
            waiting = [j for j in self._queue if not j.runner.finished]
        for i, job in enumerate(waiting):
            if job.runner is runner:
                return i
        return None

    def counts(self) -> tuple[int, int]:
        """``(running, queued)`` solves right now."""
        with self._lock:
            return len(self._running), sum(1 for j in self._queue if not j.runner.finished)


@st.cache_resource(show_spinner=False)
def registry() -> JobRegistry:
    """The server's registry, shared by all its sessions."""
    return JobRegistry()
