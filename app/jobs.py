"""Work shared by the server's sessions: a bounded pool of solves, sweeps and levers.

Several planners on one server each start CP-SAT solves that use every core they are
given. The :class:`JobRegistry` (one per server process, :func:`registry`) runs at most
``slots`` of them at once, one per core by default (:data:`ENV_SLOTS` to change it);
the rest wait in a queue, first come first served, and start as slots free. Each job
has an id: the page puts a solve's in its URL (``?job=<id>``), so that a reloaded page
finds its solve, running, queued or finished, and its plan.

A solve (:class:`~app.runner.SolveRunner`) takes one slot. A robustness sweep
(:class:`logistics.sweep.SweepJob`) or the levers' re-plans
(:class:`app.levers_job.LeversJob`) on local processes take one slot per process they
start: the page asks for its processes, :meth:`JobRegistry.local_workers` caps them at
the server's slots, and the job is started with that many processes once that many
slots are free. The queue keeps its order: a job waiting for several slots holds back
the jobs behind it, so a sweep is not overtaken for ever by single solves. Work sent to
a Dask cluster takes one slot (the server only waits for it).

A queued job is an ordinary job not yet started: its ``withdraw()`` ends it at once
(no result) and the registry skips it; a solve cancelled while it waits
(:meth:`SolveRunner.cancel`) starts in its turn and stops at once with the first plan.
A job gives its slots back when it ends: done, cancelled or failed.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

import streamlit as st

#: slots of this server: solves (or sweep and levers processes) at once (default: ``os.cpu_count()``)
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


class Runnable(Protocol):
    """What the registry runs: a solve runner, a sweep job or a levers job, each in its
    own thread once started. ``started`` is false until :meth:`start` (a solve runner's
    is a bool, a job's its start time or ``None``)."""

    @property
    def started(self) -> Any: ...

    @property
    def finished(self) -> bool: ...

    def start(self) -> Any: ...

    def wait(self, timeout: float | None = None) -> Any: ...

    def withdraw(self) -> bool: ...


@dataclass
class Job:
    """Work submitted by a session: its id, runner (a :class:`SolveRunner` for a solve
    or re-plan), owner (the signed-in user's key, else ``local``), kind (``solve``,
    ``sweep``, ``levers``) and the slots it takes while it runs."""

    id: str
    runner: Runnable
    owner: str = "local"
    submitted_at: float = field(default_factory=time.time)
    kind: str = "solve"
    slots: int = 1

    @property
    def finished(self) -> bool:
        """Whether the solve has ended (or was withdrawn from the queue)."""
        return self.runner.finished


class JobRegistry:
    """At most ``slots`` slots in use at once (a solve takes one, a sweep or the levers
    one per local process); the rest queue, in order, and start as slots free."""

    def __init__(self, slots: int | None = None, keep_finished: int = KEEP_FINISHED) -> None:
        self.slots = max(1, int(slots)) if slots is not None else default_slots()
        self.keep_finished = keep_finished
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}  # by id, oldest first
        self._queue: list[Job] = []
        self._running: dict[str, int] = {}  # job id: slots taken

    # ----- submitting -------------------------------------------------------------
    def local_workers(self, wanted: int | None, tasks: int | None = None) -> int:
        """Processes for a job on local processes: ``wanted`` (``None`` or 0: one per
        core), at most one per task and at most this server's slots; at least 1."""
        n = int(wanted or 0) or (os.cpu_count() or 1)
        if tasks is not None:
            n = min(n, int(tasks))
        return max(1, min(n, self.slots))

    def submit(self, runner: Runnable, owner: str = "local", *, kind: str = "solve", slots: int = 1) -> Job:
        """Queue ``runner`` (not started), taking ``slots`` slots (at most all of them)
        while it runs, and start it now if they are free."""
        if runner.started:
            raise ValueError("submit a runner that has not been started")
        with self._lock:
            job_id = secrets.token_urlsafe(9)
            while job_id in self._jobs:
                job_id = secrets.token_urlsafe(9)
            job = Job(job_id, runner, owner, kind=kind, slots=max(1, min(int(slots), self.slots)))
            self._jobs[job_id] = job
            self._queue.append(job)
            self._prune()
        self._dispatch()
        return job

    def _dispatch(self) -> None:
        """Start queued jobs, in order, while the first one's slots are free (withdrawn
        ones are dropped)."""
        starting: list[Job] = []
        with self._lock:
            self._queue = [j for j in self._queue if not j.runner.finished]
            while self._queue and self.slots - sum(self._running.values()) >= self._queue[0].slots:
                job = self._queue.pop(0)
                self._running[job.id] = job.slots
                starting.append(job)
        for job in starting:
            job.runner.start()
            threading.Thread(target=self._release_when_done, args=(job,), daemon=True,
                             name=f"logistics-job-{job.id}").start()

    def _release_when_done(self, job: Job) -> None:
        job.runner.wait()
        with self._lock:
            self._running.pop(job.id, None)
        self._dispatch()

    def _prune(self) -> None:
        finished = [k for k, j in self._jobs.items() if j.runner.finished and k not in self._running]
        for k in finished[: max(0, len(finished) - self.keep_finished)]:
            del self._jobs[k]

    # ----- reading ----------------------------------------------------------------
    def get(self, job_id: str | None, kind: str | None = "solve") -> Job | None:
        """The job of this id, of this kind (``None``: any); ``None`` when unknown,
        pruned or of another kind (a page that takes up a solve from its URL never gets
        a sweep)."""
        if not job_id:
            return None
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and (kind is None or job.kind == kind) else None

    def job_of(self, runner: Runnable | None) -> Job | None:
        """The job that holds ``runner``."""
        if runner is None:
            return None
        with self._lock:
            return next((j for j in reversed(self._jobs.values()) if j.runner is runner), None)

    def ahead(self, runner: Runnable | None) -> int | None:
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
        """``(running, queued)`` jobs right now."""
        with self._lock:
            return len(self._running), sum(1 for j in self._queue if not j.runner.finished)

    def in_use(self) -> int:
        """Slots taken by the running jobs."""
        with self._lock:
            return sum(self._running.values())


@st.cache_resource(show_spinner=False)
def registry() -> JobRegistry:
    """The server's registry, shared by all its sessions."""
    return JobRegistry()


def queued_notice(job: Any, ahead: int | None, starts: str, key: str, running: str = "solves and sweeps") -> bool:
    """Whether ``job`` waits in the queue (``ahead`` jobs before it; ``None``: it does
    not). If so, say so (``starts``: when it will start) with a Cancel that withdraws it."""
    if ahead is None:
        return False
    st.info(f"Queued, {ahead} ahead: {starts} (other planners' {running} are running).",
            icon=":material/hourglass_top:")
    if st.button("Cancel", icon=":material/stop_circle:", key=key, help="Leave the queue."):
        job.withdraw()
        st.rerun()
    return True
