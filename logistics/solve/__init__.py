"""The solve: ``solve(scenario) -> Plan``, its options and its progress reports.

* :mod:`~logistics.solve.options`: :class:`SolveOptions`, :class:`Progress`,
  :class:`StageRecord`;
* :mod:`~logistics.solve.driver`: :func:`solve` (dispatcher, crew rounds, the plan
  returned);
* :mod:`~logistics.solve.stages`: one round, the goals one at a time on one CP-SAT
  model;
* :mod:`~logistics.solve.improve`: per goal, the bound that needs no search and the
  improvement search (:mod:`logistics.search`).
"""

from __future__ import annotations

from .driver import solve
from .options import Progress, ProgressCallback, SolveOptions, StageRecord

__all__ = ["Progress", "ProgressCallback", "SolveOptions", "StageRecord", "solve"]
