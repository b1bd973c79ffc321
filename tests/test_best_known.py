"""The best-known plans of the benchmarks (``benchmarks/best_known/``) verify, and their
recorded goal values are the plans' own.

``benchmarks/planner_time.py`` keeps, per instance, the best verified plan any run found
and writes ``index.json`` (goal values, the method and limit that made it, the command
that repeats it). This checks every stored plan against its instance, rebuilt from the
same generator and seed, with the independent checker, so a stored "best known" can not
be a plan of another scenario or one that breaks a rule.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

from logistics.plan import Plan
from logistics.verify import verify

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
INDEX = BENCH / "best_known" / "index.json"
ENTRIES = json.loads(INDEX.read_text(encoding="utf-8")) if INDEX.exists() else {}


def _instance(name: str):  # noqa: ANN202 - Scenario
    sys.path.insert(0, str(BENCH))
    try:
        from bench import instances

        return next(i for i in instances(("bundled", "S", "M", "L", "XL", "family")) if i.name == name).load()
    finally:
        sys.path.remove(str(BENCH))


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_best_known_plan_verifies(name: str) -> None:
    entry = ENTRIES[name]
    s = _instance(name)
    with gzip.open(BENCH / "best_known" / f"{name}.json.gz", "rt", encoding="utf-8") as fh:
        plan = Plan.from_json(fh.read())
    assert verify(s, plan) == []
    assert plan.objective_values(s) == pytest.approx(entry["objective"], abs=1e-6)
    assert entry["command"].startswith(("python benchmarks/planner_time.py --only ", "proven optimal: logistics prove"))


def test_the_index_lists_every_stored_plan() -> None:
    stored = {p.name.removesuffix(".json.gz") for p in (BENCH / "best_known").glob("*.json.gz")}
    assert stored == set(ENTRIES)
