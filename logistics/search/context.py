"""What every improvement search shares: the model, the goals fixed so far, one budget.

A search is given a plan as ``values`` (a value per variable of the model that the
solve reads back, :func:`~logistics.model.convert.read_vars`) and returns, if it found
a better one, a full solution vector of the same model.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from ..model.build import AirliftModel
from ..model.data import ModelData
from ..runtime import Budget, run_cpsat

__all__ = ["SearchContext", "SearchResult", "Vector"]


@dataclass
class SearchContext:
    """The model a search improves a plan of, and how it may run.

    ``fixed``: the earlier goals' values (model units) that every plan it returns
    keeps; ``budget``: the time (seconds, or deterministic units) and the stop event;
    ``workers``: CP-SAT workers in wall-clock mode (deterministic runs use one).
    """

    data: ModelData
    am: AirliftModel
    fixed: dict[str, int]
    budget: Budget
    workers: int | None = None
    seed: int = 0

    @property
    def deterministic(self) -> bool:
        return self.budget.deterministic

    def run(self, model: cp_model.CpModel, limit: float, *, workers: int | None = None, **kw
            ) -> tuple[str, cp_model.CpSolver | None]:
        """:func:`~logistics.runtime.run_cpsat` under this context's budget and seed."""
        return run_cpsat(model, self.budget, limit, workers=workers or self.workers, seed=self.seed, **kw)


@dataclass
class SearchResult:
    """What a search proved and found (model units: minutes)."""

    bound: int  # the goal proven ≥ this
    value: int  # the best plan's value
    solution: list[int] | None  # its full assignment, if it improved on the incumbent
    checks: list[dict]
    seconds: float
    spent: float  # solver time: seconds, or deterministic units in repeatable mode
    joint: dict | None = None  # flying_search: the bed-coupled bound over the groups' bases
    held: list[dict] | None = None  # flying_search: the groups re-planned in pairs (held_out)


class Vector:
    """A solution vector read like a solver (``Value``), for a repair's guide."""

    def __init__(self, sol: list[int]):
        self.sol = sol

    def Value(self, var) -> int:  # noqa: N802 - the CpSolver spelling
        return self.sol[var.Index()]
