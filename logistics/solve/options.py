"""What a solve is told (:class:`SolveOptions`), what it reports while it runs
(:class:`Progress`) and what it records per stage (:class:`StageRecord`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Progress", "ProgressCallback", "SolveOptions", "StageRecord"]

@dataclass
class Progress:
    """What a progress callback receives: the current stage's incumbent and bound."""

    stage: str
    stage_index: int
    n_stages: int
    objective: float | None
    bound: float | None
    elapsed: float
    solutions: int = 0

    @property
    def gap(self) -> float | None:
        """Relative gap of the current stage (0 when proven)."""
        if self.objective is None or self.bound is None:
            return None
        if abs(self.objective) < 1e-9:
            return 0.0
        return max(0.0, (self.objective - self.bound) / abs(self.objective))


ProgressCallback = Callable[[Progress], Any]

#: above this many demand-sized slots, slots are sized from the dispatched plan
LARGE_MODEL_SLOTS = 2500

#: a stage's time the relaxation-guided search gives back (seconds or deterministic
#: units) goes on to CP-SAT from the best plan when at least this much is left
CONTINUE_MIN = 0.5


@dataclass
class SolveOptions:
    """Solver settings.

    Parameters
    ----------
    time_limit
        Seconds in all (wall clock), or deterministic seconds in deterministic mode.
    seed
        CP-SAT random seed.
    workers
        Search workers (default: 8, or the machine's cores if more).
    deterministic
        Repeatable runs (tests, benchmarks, sweeps): one CP-SAT worker (or interleaved
        workers if ``workers`` > 1) and ``time_limit`` in CP-SAT's deterministic time
        units instead of seconds (on this kind of machine one unit takes roughly 1-5 s
        of wall time, more on a loaded one).
    slack
        Extra mission slots per (origin, type) beyond a full-load estimate.
    log
        Print CP-SAT's search log.
    max_crew_rounds
        Re-solves allowed after adding a crew limit the plan broke.
    slots_from_greedy
        Size each (origin, type)'s slots from the first dispatched plan instead: its
        missions × (1 + this) + 2 (never fewer than it flies). ``None``: from demand,
        switching to the plan with 0.25 once demand would give more than
        ``LARGE_MODEL_SLOTS`` slots (there model size, not search, dominates).
    crew_always
        Model daily crew hours for every type from the start.
    params
        Extra CP-SAT parameters by name (e.g. ``{"cp_model_probing_level": 0}``).
    naive_start
        Try the naive planner's orders (one unit per mission, by priority, required date
        and latest arrival) beside the dispatcher's for the first plan, so that the solve
        never starts from a plan worse than a planner's by hand.
    lns_share
        Share of each stage that CP-SAT has not proven given to the large-neighbourhood
        search (:mod:`logistics.search.lns`) from CP-SAT's plan; 0 turns it off.
    lns_only_slots
        Above this many mission slots (after sizing from the dispatched plan) the whole
        force's CP-SAT model is not built at all: the large-neighbourhood search
        improves the dispatched plan goal by goal (the model would take most of the
        time and gigabytes to build).
    model_slots_per_second
        Wall clock: the whole force's CP-SAT model is built only when the time left
        after the first plan is at least 1 s plus a second per this many slots; with
        less, the large-neighbourhood search improves the dispatched plan instead. At
        20 s on the benchmark family (one run each way) the missions-only search was
        lexicographically better on 11 of the 13 models above 200 slots (worse on 1),
        the whole-force model on 11 of the 21 below (worse on 7): the threshold is
        about 200 slots at 20 s (``benchmarks/ab/NOTES.md``).
    relax_share
        Share of the closure stage given to the relaxation-guided search
        (:func:`logistics.search.closure.closure_search`: bounds from the time-indexed
        relaxation, repairs it guides) when CP-SAT has not proven the
        stage; 0 (the default: at the time limits planners use it gave nothing) turns
        it off.
    flying_share
        Share of the flying-hours stage given to :func:`logistics.search.flying.flying_search`
        when CP-SAT has not proven the stage: the component bound (least flying hours
        per group of units that cannot share a mission, each solved by SCIP) and the
        repairs it guides; 0 (the default) turns it off.
    """

    time_limit: float = 30.0
    seed: int = 0
    workers: int | None = None
    deterministic: bool = False
    slack: float = 0.25
    log: bool = False
    max_crew_rounds: int = 3
    slots_from_greedy: float | None = None
    crew_always: bool = False
    params: dict[str, Any] = field(default_factory=dict)
    naive_start: bool = True
    lns_share: float = 0.8
    lns_only_slots: int = 1500
    model_slots_per_second: float = 12.0
    relax_share: float = 0.0
    flying_share: float = 0.0


@dataclass
class StageRecord:
    """What one stage (one goal, one crew round) did; a plan file's ``solve.stages``
    entry (:meth:`as_dict`).

    ``spent`` is what the stage's solvers used: seconds, or deterministic units in
    repeatable mode. ``relaxation`` is what the goal's relaxation-guided search proved
    and found; ``continued`` the CP-SAT run on the time it gave back; ``lns`` what the
    large-neighbourhood search did.
    """

    goal: str
    status: str
    seconds: float = 0.0
    spent: float = 0.0
    build_seconds: float = 0.0
    crew_limited: list[str] = field(default_factory=list)
    objective: float | None = None
    bound: float | None = None
    note: str = ""
    relaxation: dict | None = None
    continued: dict | None = None
    lns: dict | None = None

    def add_note(self, text: str) -> None:
        self.note = "; ".join(x for x in (self.note, text) if x)

    def as_dict(self) -> dict:
        """The record as JSON types; empty parts left out."""
        return {k: v for k, v in asdict(self).items()
                if not (v is None or (k == "note" and not v))}
