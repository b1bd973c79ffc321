"""Shared by the app tests: the repo root on sys.path (``import app``), a tiny scenario
that solves in a second, and helpers the test modules import.

Not a ``conftest.py``: the project's ``tests/conftest.py`` is imported as ``conftest``
by other test modules, and a second one here would shadow it.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MAIN = str(ROOT / "app" / "main.py")


def tiny_dict() -> dict[str, Any]:
    """One company from Pope Field to Ali Al Salem on C-17s."""
    return {
        "name": "tiny app test",
        "start": "2020-01-01T00:00:00Z",
        "horizon_hours": 96,
        "aircraft": [{"type": "C-17A", "count": 3}],
        "destinations": [{"airfield": "OKAS", "capacity_pax": 1000}],
        "enroute": ["ETAR"],
        "units": [
            {"id": "U1", "name": "rifle company", "origin": "KPOB", "destinations": ["OKAS"],
             "pax": 120, "bulk_stons": 20, "ready_hour": 2, "required_hour": 40,
             "latest_arrival_hour": 80, "priority": 1},
        ],
    }


def make_app():
    """An AppTest of ``app/main.py`` (generous timeout: a first run imports the solver
    and validates the bundled scenario)."""
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(MAIN, default_timeout=60)


@cache
def tiny_plan():
    """A plan of the tiny scenario (a short deterministic solve), with its scenario."""
    from logistics.scenario import Scenario
    from logistics.solve import solve

    s = Scenario.from_dict(tiny_dict())
    return solve(s, time_limit=0.5, deterministic=True), s
