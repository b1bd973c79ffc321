"""Troop-deployment airlift planner.

Decide which base each unit deploys to and which aircraft missions move it there,
under real airlift limits (fleet, MOG, crew hours, range, windows), with OR-Tools
CP-SAT. Scenarios are pydantic models; plans give pandas DataFrames.

>>> import logistics
>>> s = logistics.load_scenario("data/scenarios/baghdad-embassy-2020.yaml")  # doctest: +SKIP
>>> plan = logistics.solve(s, time_limit=20)                                 # doctest: +SKIP
>>> logistics.verify(s, plan)                                                # doctest: +SKIP
[]
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from .errors import Problem, ScenarioError

# Functions named like their modules are bound here explicitly, so that
# `logistics.solve(...)` is the function even after `import logistics.solve`.
from .explain import explain
from .generate import generate
from .plan import Plan
from .replan import ReplanError, replan
from .scenario import (
    Scenario,
    Unit,
    dumps_scenario,
    json_schema,
    load_scenario,
    save_scenario,
    scenario_to_dict,
)
from .solve import Progress, SolveOptions, solve
from .verify import Violation, verify

__version__ = "0.1.0"

# optional parts load on first use. Bounds and proofs are imported from
# logistics.bounds, the benchmark peers from logistics.peers, the searches from
# logistics.search: they are not the product's API.
_LAZY = {
    "estimate": ("estimate", "estimate"),
    "sweep": ("sweep", "sweep"),
    "Variations": ("sweep", "Variations"),
    "scenario_diff": ("diff", "scenario_diff"),
}

__all__ = [
    "Problem",
    "Scenario",
    "ScenarioError",
    "Unit",
    "dumps_scenario",
    "json_schema",
    "load_scenario",
    "save_scenario",
    "scenario_to_dict",
    "explain",
    "generate",
    "Plan",
    "Progress",
    "ReplanError",
    "replan",
    "SolveOptions",
    "solve",
    "Violation",
    "verify",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        mod, attr = _LAZY[name]
        return getattr(import_module(f".{mod}", __name__), attr)
    raise AttributeError(f"module 'logistics' has no attribute {name!r}")
