"""Session state of the app, in one place.

Keys (all in ``st.session_state``):

``scenario_dict``
    The scenario being edited, a plain dict: the source of truth of every edit. It is
    kept as typed, errors and all, so nothing the user typed is lost.
``scenario``
    The last *validated* :class:`~logistics.scenario.Scenario`; replaced only when the
    dict validates. The Solve page solves this one.
``problems``
    The problems (``.loc``, ``.message``) of the dict as it is now (empty when valid).
``plan`` / ``plan_scenario``
    The current plan and the scenario it answers (a plan is always read against the
    scenario it was solved for, not a later edit).
``variants``
    Saved plans by name: :class:`Variant`.
``runner``
    The current :class:`app.runner.SolveRunner`, if a solve (or a re-plan) was started.
``replan_previous``
    ``(plan, scenario)`` the last re-plan started from (the plan that was being flown);
    it is also saved as the variant ``before re-plan at hN``.
``job_id``
    The id of the runner's job in the server's :mod:`app.jobs` registry (``?job=`` in
    the URL, so that a reload finds the solve).
``workspace`` / ``workspace_scenario``
    The content sha256 of the scenario as opened, and that scenario: where
    :mod:`app.store` keeps the current plan and the variants on disk (``?scenario=`` in
    the URL once something is kept, so that a reload or a server restart restores them).

On a first visit the bundled ``baghdad-embassy-2020.yaml`` is loaded, so a new user
can go straight to Solve and press one button.
"""

from __future__ import annotations

import copy
import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st

from logistics.catalog import scenarios_dir
from logistics.errors import Problem, ScenarioError
from logistics.plan import Plan
from logistics.scenario import Scenario, dumps_scenario, load_scenario, parse_text

from . import auth, jobs, store
from .runner import ReplanFrom, SolveRunner

DEFAULT_SCENARIO = "baghdad-embassy-2020.yaml"


@dataclass
class Variant:
    """A saved plan with the scenario it answers."""

    name: str
    plan: Plan
    scenario: Scenario
    saved_at: float = field(default_factory=time.time)


def ss() -> Any:
    """The session state (a seam for tests)."""
    return st.session_state


# ----- scenarios --------------------------------------------------------------------------
def bundled_scenarios() -> list[Path]:
    """The bundled scenario files, by name."""
    d = scenarios_dir()
    return sorted([*d.glob("*.yaml"), *d.glob("*.yml"), *d.glob("*.json")])


def init() -> None:
    """Create every key; load the default scenario on a first visit. With sign-in
    configured and nobody signed in, show the sign-in and stop: a page Streamlit runs
    without app/main.py (its older multipage mode, when the first visit after a start
    names a page in its URL) must not show anything either."""
    if auth.required():
        auth.sign_in_page()
        st.stop()
    s = ss()
    s.setdefault("variants", {})
    s.setdefault("plan", None)
    s.setdefault("plan_scenario", None)
    s.setdefault("previous_kpis", None)
    s.setdefault("runner", None)
    s.setdefault("replan_previous", None)
    s.setdefault("dict_version", 0)
    if "scenario_dict" not in s:
        s["scenario"] = None
        s["problems"] = []
        path = scenarios_dir() / DEFAULT_SCENARIO
        if path.exists():
            load_file(path)
        else:  # pragma: no cover - the default ships with the package
            paths = bundled_scenarios()
            if paths:
                load_file(paths[0])
            else:
                set_dict({}, source="(empty)")
        restore_from_url()


def load_file(path: Path) -> list[Problem]:
    """Load a bundled scenario file into the editor."""
    return load_bytes(Path(path).read_bytes(), Path(path).name)


def load_bytes(raw: bytes, name: str) -> list[Problem]:
    """Load an uploaded YAML/JSON file into the editor.

    A file that does not parse (or is not a mapping) leaves the current scenario as it
    is and returns the problems; a file that parses replaces the dict even when it has
    problems, so they can be fixed in the tables.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return [Problem("", "is not UTF-8 text", name)]
    try:
        data = parse_text(text, name)
    except ScenarioError as exc:
        return exc.problems
    if not isinstance(data, Mapping):
        kind = "empty" if data is None else f"a {type(data).__name__}, not a mapping of scenario fields"
        return [Problem("", f"is {kind}", name)]
    set_dict(dict(data), source=name, raw=raw)
    return []


def set_dict(data: Mapping[str, Any], source: str, raw: bytes | None = None) -> list[Problem]:
    """Replace the scenario being edited (new tables, new widgets) and validate it."""
    s = ss()
    s["scenario_dict"] = copy.deepcopy(dict(data))
    s["scenario_source"] = source
    s["source_raw"] = raw
    s["source_json"] = _key(data)
    s["dict_version"] = s.get("dict_version", 0) + 1
    s["_validated_key"] = None
    s["workspace"] = s["workspace_scenario"] = None  # a new workspace: its first valid scenario
    return validate()


def _key(data: Any) -> str:
    return json.dumps(data, sort_keys=True, default=str)


def validate() -> list[Problem]:
    """Validate the dict if it changed since the last call; keep the last valid Scenario."""
    s = ss()
    data = s.get("scenario_dict", {})
    key = _key(data)
    if s.get("_validated_key") == key:
        return s.get("problems", [])
    source = s.get("scenario_source") or "<scenario>"
    try:
        if s.get("source_raw") is not None and key == s.get("source_json"):
            # unedited file: keep its sha256 (SPEC: of the file's bytes)
            scen = load_scenario(s["source_raw"], name=source)
        else:
            scen = Scenario.from_dict(copy.deepcopy(data), file=source)
        s["scenario"] = scen
        s["problems"] = []
        if s.get("workspace") is None:
            s["workspace"], s["workspace_scenario"] = scen.content_sha256(), scen
    except ScenarioError as exc:
        s["problems"] = list(exc.problems)
    except Exception as exc:  # never a traceback for bad input
        s["problems"] = [Problem("", f"could not be checked: {type(exc).__name__}: {exc}", source)]
    s["_validated_key"] = key
    return s["problems"]


def scenario_dict() -> dict[str, Any]:
    """The scenario being edited."""
    return ss()["scenario_dict"]


def update_dict(section: str, value: Any) -> list[Problem]:
    """Set one top-level field of the dict (``None`` removes it) and validate."""
    d = scenario_dict()
    if value is None:
        d.pop(section, None)
    else:
        d[section] = value
    return validate()


def problems() -> list[Problem]:
    """Problems of the dict as it is now."""
    return ss().get("problems", [])


def scenario() -> Scenario | None:
    """The last validated scenario."""
    return ss().get("scenario")


def is_valid() -> bool:
    """Whether the dict as it is now is valid (then :func:`scenario` is it)."""
    return not problems() and scenario() is not None


# ----- plans and variants -------------------------------------------------------------------
def set_plan(plan: Plan, scen: Scenario) -> None:
    """Make ``plan`` the current plan; remember the KPIs of the one it replaces when
    both answer the same scenario (by name), for the Plan page's deltas."""
    s = ss()
    old = s.get("plan")
    # KPI deltas only make sense against a plan of the same scenario (maybe edited)
    s["previous_kpis"] = dict(old.kpis) if old is not None and old.scenario_name == plan.scenario_name else None
    s["plan"] = plan
    s["plan_scenario"] = scen


def plan() -> Plan | None:
    """The current plan."""
    return ss().get("plan")


def plan_scenario() -> Scenario | None:
    """The scenario the current plan answers."""
    return ss().get("plan_scenario")


def variants() -> dict[str, Variant]:
    """Saved variants by name."""
    return ss()["variants"]


def save_variant(name: str) -> Variant | None:
    """Save the current plan under ``name`` (replacing a variant of that name)."""
    name = name.strip()
    p, sc = plan(), plan_scenario()
    if not name or p is None or sc is None:
        return None
    v = Variant(name, p, sc)
    variants()[name] = v
    persist()
    return v


def suggest_variant_name() -> str:
    """A fresh default name such as ``variant 3``."""
    names = variants()
    k = len(names) + 1
    while f"variant {k}" in names:
        k += 1
    return f"variant {k}"


# ----- the solve runner -----------------------------------------------------------------
def runner() -> SolveRunner | None:
    """The current (or last) solve runner."""
    return ss().get("runner")


def start_solve(scen: Scenario, time_limit: float, seed: int = 0, deterministic: bool = False,
                workers: int | None = None, warm: bool = False) -> SolveRunner:
    """Start a background solve of ``scen`` (refused while one is running); ``warm``:
    from the current plan, when it answers the same operation (a warm what-if)."""
    from logistics.solve import solve

    r = runner()
    if r is not None and not r.finished:
        return r
    prev, prev_scen = plan(), plan_scenario()
    fn: Any = solve
    if warm and prev is not None and prev_scen is not None and prev_scen.name == scen.name:
        def fn(s: Scenario, **kw: Any) -> Plan:
            return solve(s, start=prev, start_scenario=prev_scen, **kw)
    r = SolveRunner(scen, time_limit=time_limit, seed=seed, deterministic=deterministic,
                    workers=workers, label=scen.name, solve_fn=fn)
    return _submit(r)


def _submit(r: SolveRunner) -> SolveRunner:
    """Hand ``r`` to the server's job registry (it starts when a slot is free)."""
    s = ss()
    s["runner"] = r
    s["runner_collected"] = False
    s["job_id"] = jobs.registry().submit(r, owner=auth.user_key()).id
    return r


def queued_ahead() -> int | None:
    """How many solves wait before this session's in the server's queue; ``None`` when
    it is not waiting."""
    r = runner()
    return None if r is None or r.finished else jobs.registry().ahead(r)


def plan_sha256(p: Plan) -> str:
    """SHA-256 of the plan's JSON text: how a re-plan names the plan it came from."""
    return hashlib.sha256(p.to_json().encode()).hexdigest()


def start_replan(scen: Scenario, now_hour: float, time_limit: float, seed: int = 0,
                 deterministic: bool = False, workers: int | None = None) -> SolveRunner | None:
    """Start a background re-plan (:func:`logistics.replan`) of the current plan from
    ``now_hour`` for ``scen``, the scenario as it now stands (refused while a solve runs;
    ``None`` without a plan)."""
    from logistics.replan import replan

    r = runner()
    if r is not None and not r.finished:
        return r
    prev, prev_scen = plan(), plan_scenario()
    if prev is None or prev_scen is None:
        return None
    sha = plan_sha256(prev)

    def run(s: Scenario, **kw: Any) -> Plan:
        return replan(s, prev, now_hour, previous_sha256=sha, **kw)

    r = SolveRunner(scen, time_limit=time_limit, seed=seed, deterministic=deterministic, workers=workers,
                    solve_fn=run, label=f"re-plan of {scen.name} at h{now_hour:g}",
                    replan_from=ReplanFrom(prev, prev_scen, float(now_hour)))
    return _submit(r)


def replan_variant_name(now_hour: float, p: Plan | None = None) -> str:
    """The name the plan being flown (``p``) is saved under when a re-plan replaces it:
    ``before re-plan at hN``, numbered when that name holds another plan."""
    base = name = f"before re-plan at h{now_hour:g}"
    k = 2
    while name in variants() and variants()[name].plan is not p:
        name, k = f"{base} ({k})", k + 1
    return name


def collect() -> bool:
    """Take the plan of a finished solve into the session (once); ``True`` if new. The
    plan a re-plan started from is kept as a variant (``before re-plan at hN``)."""
    s = ss()
    r = runner()
    if r is None or not r.finished or s.get("runner_collected"):
        persist()  # what a page changed since (a variant deleted, say)
        return False
    s["runner_collected"] = True
    if r.plan is not None:
        if r.replan_from is not None:
            f = r.replan_from
            name = replan_variant_name(f.now_hour, f.plan)
            variants()[name] = Variant(name, f.plan, f.scenario)
            s["replan_previous"] = (f.plan, f.scenario)
        set_plan(r.plan, r.scenario)
        persist()
        return True
    return False


# ----- kept on disk, found again after a reload ------------------------------------------
def _fingerprint() -> dict[str, Any]:
    s = ss()
    p = s.get("plan")
    return {"key": s.get("workspace"), "current": None if p is None else id(p),
            "variants": {n: id(v.plan) for n, v in s.get("variants", {}).items()}}


def persist() -> None:
    """Write what changed since the last call (the current plan, variants saved, replaced
    or deleted) to the workspace's folder (:mod:`app.store`). Plans a session held before
    it opened this scenario stay in the folder they were written to."""
    s = ss()
    key = s.get("workspace")
    if key is None:
        return
    now, before = _fingerprint(), s.get("_stored")
    if before is None or before["key"] != key:
        s["_stored"] = now
        return
    if now == before:
        return
    user = auth.user_key()
    try:
        store.write_opened(user, key, s["workspace_scenario"])
        if now["current"] != before["current"]:
            store.write_current(user, key, plan(), plan_scenario())
        for name, ident in now["variants"].items():
            if before["variants"].get(name) != ident:
                v = variants()[name]
                store.write_variant(user, key, name, v.plan, v.scenario, v.saved_at)
        for name in set(before["variants"]) - set(now["variants"]):
            store.delete_variant(user, key, name)
        s["store_error"] = None
        s["workspace_written"] = key
    except (OSError, ValueError) as exc:
        s["store_error"] = f"{type(exc).__name__}: {exc}"
    s["_stored"] = now


def restore(key: str, open_scenario: bool = True) -> bool:
    """Take up the kept workspace ``key`` of this user: its current plan (unless the
    session has one) and variants, and with ``open_scenario`` its scenario in the editor
    (as the current plan answers it, else as opened); ``False`` if none is kept."""
    s = ss()
    try:
        ws = store.load(auth.user_key(), key)
    except ValueError:
        return False
    if ws is None:
        return False
    if open_scenario:
        shown = ws.current.scenario if ws.current is not None else ws.scenario
        load_bytes(dumps_scenario(shown).encode(), f"{shown.name}.yaml")
        s["workspace"], s["workspace_scenario"] = ws.key, ws.scenario
    if ws.current is not None and plan() is None:
        s["plan"], s["plan_scenario"] = ws.current.plan, ws.current.scenario
    for v in ws.variants:
        variants().setdefault(v.name, Variant(v.name, v.plan, v.scenario, v.saved_at))
    s["_stored"] = _fingerprint()  # what is on disk now (persist runs on every page run)
    s["workspace_written"] = key
    return True


def kept_elsewhere() -> tuple[bool, int]:
    """``(a current plan, variants)`` kept on disk for the scenario open now that this
    session has not restored (a new tab on a scenario planned before)."""
    s = ss()
    key = s.get("workspace")
    if key is None or s.get("workspace_written") == key:
        return False, 0
    return store.summary(auth.user_key(), key)


def attach_job(job_id: str) -> bool:
    """Take up the solve ``job_id`` of the server's registry (this user's): the runner,
    and its scenario in the editor unless a kept workspace was opened."""
    s = ss()
    job = jobs.registry().get(job_id)
    if job is None or job.owner != auth.user_key():
        return False
    r = job.runner
    if s.get("workspace_written") is None:
        load_bytes(dumps_scenario(r.scenario).encode(), f"{r.scenario.name}.yaml")
        if r.replan_from is not None and plan() is None:
            s["plan"], s["plan_scenario"] = r.replan_from.plan, r.replan_from.scenario
    s["runner"], s["job_id"] = r, job.id
    # a finished solve whose plan the workspace kept already was collected before the reload
    p = plan()
    s["runner_collected"] = bool(r.finished and r.plan is not None and p is not None
                                 and p.to_json() == r.plan.to_json())
    return True


def _url() -> Any:
    try:
        return st.query_params
    except Exception:  # no Streamlit session (a test driving the state directly)
        return None


def restore_from_url() -> None:
    """On a session's first run: the workspace of ``?scenario=``, the solve of ``?job=``."""
    qp = _url()
    if qp is None:
        return
    key, job_id = qp.get("scenario"), qp.get("job")
    if key:
        restore(key)
    if job_id:
        attach_job(job_id)


def sync_url() -> None:
    """Name the solve and the kept workspace in the page's URL (``?job=``, ``?scenario=``)."""
    s, qp = ss(), _url()
    if qp is None:
        return
    want = {"job": s.get("job_id") if runner() is not None else None,
            "scenario": s.get("workspace") if s.get("workspace_written") == s.get("workspace") else None}
    for k, v in want.items():
        if v and qp.get(k) != v:
            qp[k] = v
        elif not v and k in qp:
            del qp[k]
