"""Plans and variants kept on disk, per user and scenario, so that a reload or a server
restart loses nothing.

One folder per user and per scenario opened (the *workspace*: the scenario as loaded,
named by :meth:`Scenario.content_sha256`), under :func:`data_root`::

    <root>/<user>/<content sha256>/
        scenario.yaml                 the scenario as opened
        current.plan.json             the current plan (logistics-plan/1) ...
        current.scenario.yaml         ... and the scenario it answers (maybe edited)
        variants/<id>.plan.json       each saved variant: its plan,
        variants/<id>.scenario.yaml   the scenario it answers
        variants/<id>.json            and its name and when it was saved

Files are written whole (a temporary file renamed), so a crash never leaves half a plan.
Nothing here imports Streamlit: :mod:`app.state` decides when to write and restore.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from logistics.plan import Plan
from logistics.scenario import Scenario, dumps_scenario, load_scenario

log = logging.getLogger(__name__)

#: where the folders go (default ``$XDG_DATA_HOME/logistics-app``, else
#: ``~/.local/share/logistics-app``)
ENV_DATA = "LOGISTICS_APP_DATA"


def data_root() -> Path:
    """The folder holding every user's workspaces."""
    env = os.environ.get(ENV_DATA, "").strip()
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "logistics-app"


def folder(user: str, key: str) -> Path:
    """The workspace folder of ``user`` (a safe folder name) and scenario ``key``."""
    if not key or not all(c in "0123456789abcdef" for c in key):
        raise ValueError(f"not a scenario content sha256: {key!r}")
    if not user or "/" in user or "\\" in user or user.strip(".") == "":
        raise ValueError(f"not a user folder name: {user!r}")
    return data_root() / user / key


@dataclass
class Saved:
    """A plan read back from disk, with the scenario it answers."""

    name: str
    plan: Plan
    scenario: Scenario
    saved_at: float


@dataclass
class Workspace:
    """What :func:`load` found: the scenario as opened, the current plan, the variants
    (in the order they were saved)."""

    key: str
    scenario: Scenario
    current: Saved | None
    variants: list[Saved]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _variant_id(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:20]


def _read_scenario(path: Path) -> Scenario:
    return load_scenario(path.read_bytes(), name=path.name)


# ----- writing ---------------------------------------------------------------------------
def write_opened(user: str, key: str, scenario: Scenario) -> Path:
    """Write the scenario as opened (once per workspace); the folder."""
    d = folder(user, key)
    if not (d / "scenario.yaml").exists():
        _write(d / "scenario.yaml", dumps_scenario(scenario))
    return d


def write_current(user: str, key: str, plan: Plan | None, scenario: Scenario | None) -> None:
    """Write the current plan and its scenario (``None``: there is none any more)."""
    d = folder(user, key)
    if plan is None or scenario is None:
        for f in ("current.plan.json", "current.scenario.yaml"):
            (d / f).unlink(missing_ok=True)
        return
    _write(d / "current.scenario.yaml", dumps_scenario(scenario))
    _write(d / "current.plan.json", plan.to_json())


def write_variant(user: str, key: str, name: str, plan: Plan, scenario: Scenario,
                  saved_at: float | None = None) -> None:
    """Write a saved variant (replacing one of that name)."""
    d = folder(user, key) / "variants"
    vid = _variant_id(name)
    _write(d / f"{vid}.scenario.yaml", dumps_scenario(scenario))
    _write(d / f"{vid}.plan.json", plan.to_json())
    _write(d / f"{vid}.json", json.dumps({"name": name, "saved_at": saved_at or time.time()}))


def delete_variant(user: str, key: str, name: str) -> None:
    """Remove a variant's files."""
    d = folder(user, key) / "variants"
    vid = _variant_id(name)
    for suffix in (".json", ".plan.json", ".scenario.yaml"):
        (d / f"{vid}{suffix}").unlink(missing_ok=True)


def forget(user: str, key: str) -> None:
    """Remove a whole workspace."""
    shutil.rmtree(folder(user, key), ignore_errors=True)


# ----- reading ---------------------------------------------------------------------------
def _load_pair(plan_file: Path, scenario_file: Path, name: str, saved_at: float) -> Saved | None:
    try:
        return Saved(name, Plan.from_json(plan_file.read_bytes()), _read_scenario(scenario_file), saved_at)
    except Exception as exc:  # a damaged file costs that plan, not the workspace
        log.warning("could not read %s: %s", plan_file, exc)
        return None


def load(user: str, key: str) -> Workspace | None:
    """The workspace as written (``None`` when there is none or its scenario is unreadable)."""
    d = folder(user, key)
    try:
        opened = _read_scenario(d / "scenario.yaml")
    except Exception as exc:
        if (d / "scenario.yaml").exists():
            log.warning("could not read %s: %s", d / "scenario.yaml", exc)
        return None
    current = None
    if (d / "current.plan.json").exists():
        current = _load_pair(d / "current.plan.json", d / "current.scenario.yaml", "current",
                             (d / "current.plan.json").stat().st_mtime)
    variants: list[Saved] = []
    for meta in sorted((d / "variants").glob("*.json")):
        if meta.name.endswith(".plan.json"):
            continue
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
            name, saved_at = str(info["name"]), float(info["saved_at"])
        except Exception as exc:
            log.warning("could not read %s: %s", meta, exc)
            continue
        stem = meta.name[: -len(".json")]
        v = _load_pair(meta.with_name(f"{stem}.plan.json"), meta.with_name(f"{stem}.scenario.yaml"),
                       name, saved_at)
        if v is not None:
            variants.append(v)
    variants.sort(key=lambda v: v.saved_at)
    return Workspace(key, opened, current, variants)


def summary(user: str, key: str) -> tuple[bool, int]:
    """``(has a current plan, number of variants)`` written, without reading the plans."""
    try:
        d = folder(user, key)
    except ValueError:
        return False, 0
    if not (d / "scenario.yaml").exists():
        return False, 0
    n = sum(1 for f in (d / "variants").glob("*.json") if not f.name.endswith(".plan.json"))
    return (d / "current.plan.json").exists(), n
