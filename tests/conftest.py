"""Shared fixtures: bundled scenario paths and a small-scenario builder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from logistics.catalog import scenarios_dir
from logistics.scenario import Scenario

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _real_main():
    """Streamlit's AppTest leaves the page it ran as ``sys.modules["__main__"]``; a
    process spawned later (a Dask nanny, a process pool) would run that page again.
    Each test ends with the real ``__main__`` back."""
    import sys

    main = sys.modules.get("__main__")
    yield
    if main is not None and sys.modules.get("__main__") is not main:
        sys.modules["__main__"] = main


@pytest.fixture(autouse=True, scope="session")
def _app_data(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The app keeps plans and variants on disk (app/store.py): in tests, in a temporary
    folder, never in the user's home. Servers the browser tests start inherit it."""
    import os

    if "LOGISTICS_APP_DATA" not in os.environ:
        os.environ["LOGISTICS_APP_DATA"] = str(tmp_path_factory.mktemp("app-data"))


def make_scenario(**over: Any) -> Scenario:
    """A tiny valid scenario (one unit KPOB->OKAS on C-17s) with fields replaced."""
    base: dict[str, Any] = {
        "name": "tiny",
        "start": "2020-01-01T00:00:00Z",
        "horizon_hours": 120,
        "aircraft": [{"type": "C-17A", "count": 4}],
        "destinations": [{"airfield": "OKAS", "capacity_pax": 5000}],
        "enroute": ["ETAR", "LERT"],
        "units": [
            {"id": "U1", "origin": "KPOB", "destinations": ["OKAS"], "pax": 100,
             "bulk_stons": 20, "ready_hour": 0}
        ],
    }
    base.update(over)
    return Scenario.from_dict(base)


@pytest.fixture
def tiny() -> Scenario:
    return make_scenario()


@pytest.fixture(scope="session")
def bundled_dir() -> Path:
    return scenarios_dir()
