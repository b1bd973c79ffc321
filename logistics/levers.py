"""What a change buys: each limit that binds a plan, relaxed by one step, re-planned.

For each limit the plan's findings (:func:`logistics.explain`) name as binding, one
*lever* relaxes it by one step:

========== ============================================ =====
kind       the step                                     cost
========== ============================================ =====
mog        the airfield's MOG +1 over the saturated     1
           interval (a ``mog_changes`` entry)
readiness  the unit ready 6 h earlier                   2
crew       the type's crew hours (UTE) +10 %            3
beddown    the base's beds +100                         4
fleet      +2 aircraft of the type, from its first      5
           availability
========== ============================================ =====

The cost is a nominal order (ramp space is found sooner than aircraft), used to list
the cheapest first. Each relaxed scenario is re-planned from the plan
(:func:`logistics.replan` at hour 0: the plan is the start, every mission may move),
and so is the scenario unchanged, with the same time and seed: a lever buys the
difference between the two, so that what the search finds anyway is not credited to
the lever. The re-plans run in parallel on the sweep's executors
(:func:`logistics.sweep.run.run_tasks`: local processes, in process, any
``concurrent.futures`` executor or Dask).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .plan import Plan
from .scenario import Scenario, scenario_to_dict

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Lever", "candidate_levers", "levers", "run_lever"]

#: nominal cost of each kind of step (lowest first)
COST = {"mog": 1, "readiness": 2, "crew": 3, "beddown": 4, "fleet": 5}
#: the steps
MOG_STEP, READY_STEP_H, CREW_STEP, BEDS_STEP, FLEET_STEP = 1, 6.0, 0.10, 100, 2
#: seconds kept for starting the worker processes; the least time a re-plan gets
START_UP, MIN_REPLAN = 4.0, 2.0
#: goal units in words
UNIT = {"undelivered": "", "lateness": " h", "closure": " h", "flying_hours": " h"}
WORD = {"undelivered": "weighted undelivered", "lateness": "weighted lateness", "closure": "closure",
        "flying_hours": "flying"}


@dataclass(frozen=True)
class Lever:
    """One limit relaxed by one step.

    ``kind``: ``mog``, ``readiness``, ``crew``, ``beddown`` or ``fleet``; ``subject``:
    the airfield, unit, type or base; ``change``: the step in words (``KPOB MOG 8 -> 9
    over h96.0-h99.3``); ``start_hour``/``end_hour``: the interval of a MOG step.
    """

    kind: str
    subject: str
    change: str
    start_hour: float | None = None
    end_hour: float | None = None
    units: tuple[str, ...] = ()  # the units the finding names: re-planned first

    @property
    def cost(self) -> int:
        return COST[self.kind]

    def apply(self, s: Scenario) -> Scenario:
        """The scenario with this limit relaxed by one step."""
        d = scenario_to_dict(s)
        if self.kind == "mog":
            _raise_mog(s, d, self.subject, self.start_hour or 0.0, self.end_hour or s.horizon_hours)
        elif self.kind == "readiness":
            for u in d["units"]:
                if u["id"] == self.subject:
                    u["ready_hour"] = max(0.0, float(u.get("ready_hour", 0.0)) - READY_STEP_H)
        elif self.kind == "crew":
            ute = s.aircraft_type(self.subject).ute_hours
            for e in d["aircraft"]:
                if e["type"] == self.subject:
                    e["ute_hours"] = round(min(24.0, ute * (1 + CREW_STEP)), 3)
        elif self.kind == "beddown":
            for e in d["destinations"]:
                if e["airfield"] == self.subject and e.get("capacity_pax") is not None:
                    e["capacity_pax"] = int(e["capacity_pax"]) + BEDS_STEP
        elif self.kind == "fleet":
            same = sorted((float(e.get("available_hour", 0.0)), i) for i, e in enumerate(d["aircraft"])
                          if e["type"] == self.subject)
            first, i = same[0]
            extra = {"type": self.subject, "count": FLEET_STEP, "available_hour": first}
            if d["aircraft"][i].get("home"):  # SPEC 5.1: from the home of its earliest pool
                extra["home"] = d["aircraft"][i]["home"]
            d["aircraft"].append(extra)
        return Scenario.from_dict(d)


def _raise_mog(s: Scenario, d: dict, icao: str, lo: float, hi: float) -> None:
    """MOG +1 at ``icao`` over ``[lo, hi)``, written as ``mog_changes`` of its entry."""
    base = s.airfield(icao).mog
    pieces = []
    for a, b, m in s.mog_pieces(icao):
        for x, y, inside in ((a, min(b, lo), False), (max(a, lo), min(b, hi), True), (max(a, hi), b, False)):
            if y > x:
                pieces.append((x, y, m + MOG_STEP if inside else m))
    changes: list[dict] = []
    for a, b, m in pieces:
        if m == base:
            continue
        if changes and changes[-1]["to_hour"] == a and changes[-1]["mog"] == m:
            changes[-1]["to_hour"] = b
        else:
            changes.append({"from_hour": a, "to_hour": b, "mog": m})
    entries = d.setdefault("airfields", [])
    entry = next((e for e in entries if e["icao"] == icao), None)
    if entry is None:
        entry = {"icao": icao}
        entries.append(entry)
    entry["mog_changes"] = [c for c in changes if math.isfinite(c["to_hour"])]


def candidate_levers(scenario: Scenario, plan: Plan) -> list[Lever]:
    """One lever per binding limit the plan's findings name, cheapest first."""
    out: dict[tuple, Lever] = {}
    for f in plan.findings:
        key: tuple = (f.kind, f.subject)
        if f.kind == "mog" and f.start_hour is not None and f.end_hour is not None:
            lo, hi = math.floor(f.start_hour * 10) / 10, math.ceil(f.end_hour * 10) / 10
            now = scenario.mog_at(f.subject, lo)
            key = (f.kind, f.subject, lo, hi)
            out[key] = Lever("mog", f.subject, f"{f.subject} MOG {now} -> {now + MOG_STEP} over h{lo:.1f}-h{hi:.1f}",
                             lo, hi, tuple(f.units))
        elif f.kind == "readiness" and any(u.id == f.subject for u in scenario.units):
            u = next(u for u in scenario.units if u.id == f.subject)
            if u.ready_hour > 0:
                new = max(0.0, u.ready_hour - READY_STEP_H)
                out[key] = Lever("readiness", f.subject, f"{f.subject} ready h{u.ready_hour:g} -> h{new:g}",
                                 units=tuple(f.units))
        elif f.kind == "crew" and f.subject in scenario.fleet_types:
            ute = scenario.aircraft_type(f.subject).ute_hours
            if ute < 24:
                out[key] = Lever("crew", f.subject, f"{f.subject} crew hours {ute:g} -> "
                                                    f"{min(24.0, ute * (1 + CREW_STEP)):.3g} h a day per aircraft",
                                 units=tuple(f.units))
        elif f.kind == "beddown" and any(d.airfield == f.subject and d.capacity_pax is not None
                                         for d in scenario.destinations):
            cap = next(d.capacity_pax for d in scenario.destinations if d.airfield == f.subject)
            out[key] = Lever("beddown", f.subject, f"{f.subject} beds {cap:,} -> {cap + BEDS_STEP:,}",
                             units=tuple(f.units))
        elif f.kind == "fleet" and f.subject in scenario.fleet_types:
            n = scenario.fleet_count(f.subject)
            out[key] = Lever("fleet", f.subject, f"{f.subject} aircraft {n} -> {n + FLEET_STEP}", units=tuple(f.units))
    return sorted(out.values(), key=lambda lv: (lv.cost, lv.change))


def run_lever(task: dict[str, Any]) -> dict[str, Any]:
    """One re-plan of a lever (or of the unchanged scenario): a sweep-executor task."""
    from .replan import replan
    from .verify import verify

    t0 = time.perf_counter()
    s = Scenario.from_dict(task["scenario"])
    plan = Plan.from_dict(task["plan"])
    new = replan(s, plan, 0.0, time_limit=task["time_limit"], seed=task["seed"], workers=1,
                 deterministic=task["deterministic"], focus=task["focus"])
    return {"index": task["index"], "objective": new.objective_values(s), "kpis": dict(new.kpis),
            "violations": len(verify(s, new)), "seconds": time.perf_counter() - t0,
            "plan": new.to_dict() if task["index"] == 0 else None}


def levers(scenario: Scenario, plan: Plan, *, time_limit: float | None = None, seconds: float = 25.0,
           seed: int = 0, executor: Any = None, max_workers: int | None = None, deterministic: bool = False,
           limit: int | None = None) -> pd.DataFrame:
    """What relaxing each binding limit by one step buys, on every goal, cheapest first.

    Parameters
    ----------
    scenario, plan
        The scenario and a plan of it with its findings (as :func:`logistics.solve`
        returns it).
    time_limit, seed, deterministic
        Of each re-plan (one CP-SAT worker each). ``time_limit=None``: from
        ``seconds``, the time for all of them: the re-plans (the levers and the
        unchanged scenario) run ``max_workers`` at a time, each as long as fits, with
        :data:`START_UP` seconds kept for starting the processes (at least
        :data:`MIN_REPLAN` seconds each).
    seconds
        The wall-clock time all the re-plans should take (local processes).
    executor, max_workers
        Where the re-plans run: as for :func:`logistics.sweep` (default: a local
        process per core).
    limit
        At most this many levers (the cheapest).

    Returns
    -------
    pandas.DataFrame
        One row per lever: ``lever`` (the step in words), ``kind``, ``subject``,
        ``cost``, per goal its value after the step and ``d_<goal>`` (the difference to
        the unchanged scenario re-planned alike; negative is better), ``d_late_units``,
        ``buys`` (the gains in words, or "nothing within this search"),
        ``unchanged_plan`` (the lever's re-plan came out worse than the unchanged
        scenario's, whose plan also keeps the relaxed limits: that plan is counted, so a
        lever never shows a loss) and ``violations`` (0: the re-plan keeps every rule). ``attrs["base"]`` holds the
        unchanged scenario's re-planned goal values.
    """
    import pandas as pd

    from .sweep.run import run_tasks

    found = candidate_levers(scenario, plan)[:limit]
    if time_limit is None:
        import os

        procs = max(1, max_workers or os.cpu_count() or 1)
        rounds = math.ceil((len(found) + 1) / procs)
        time_limit = max(MIN_REPLAN, (seconds - START_UP) / rounds)
    pd_plan = plan.to_dict()
    tasks = [{"index": i, "scenario": scenario_to_dict(lv.apply(scenario) if lv else scenario), "plan": pd_plan,
              "time_limit": float(time_limit), "seed": int(seed), "deterministic": bool(deterministic),
              "focus": list(lv.units) if lv else []}
             for i, lv in enumerate([None, *found])]
    results: dict[int, dict] = {}
    run_tasks(tasks, executor, max_workers, lambda r: results.__setitem__(r["index"], r), None, fn=run_lever)
    goals = list(scenario.objective)
    base = results[0]
    rows = []
    for i, lv in enumerate(found, 1):
        r, same = _at_least_base(scenario, lv, results[i], base)
        row: dict[str, Any] = {"lever": lv.change, "kind": lv.kind, "subject": lv.subject, "cost": lv.cost,
                               "unchanged_plan": same}
        for g, v, b in zip(goals, r["objective"], base["objective"], strict=True):
            row[g] = v
            row[f"d_{g}"] = v - b
        row["d_late_units"] = r["kpis"]["late_units"] - base["kpis"]["late_units"]
        row["buys"] = _buys(goals, row)
        row["violations"] = r["violations"]
        row["seconds"] = round(r["seconds"], 2)
        rows.append(row)
    cols = ["lever", "kind", "subject", "cost", *goals, *(f"d_{g}" for g in goals), "d_late_units", "buys",
            "unchanged_plan", "violations", "seconds"]
    df = pd.DataFrame(rows, columns=cols)
    if len(df):
        gain = [tuple(row[f"d_{g}"] for g in goals) for _, row in df.iterrows()]
        df["_gain"] = gain
        df = df.sort_values(["cost", "_gain"], kind="stable").drop(columns="_gain").reset_index(drop=True)
    df.attrs["base"] = dict(zip(goals, base["objective"], strict=True))
    df.attrs["base_violations"] = base["violations"]
    return df


def _at_least_base(scenario: Scenario, lever: Lever, r: dict, base: dict) -> tuple[dict, bool]:
    """A lever's result, or the unchanged scenario's when that is better: every step
    relaxes a limit, so the unchanged scenario's re-plan is a plan of the relaxed one too
    (checked), and a worse result is the search's noise, not the lever's effect."""
    if not _lex_worse(r["objective"], base["objective"]):
        return r, False
    from .verify import verify

    if verify(lever.apply(scenario), Plan.from_dict(base["plan"])):
        return r, False
    return {**base, "seconds": r["seconds"]}, True


def _lex_worse(a: list[float], b: list[float], tol: float = 1e-6) -> bool:
    """Whether goal values ``a`` are lexicographically worse than ``b``."""
    for x, y in zip(a, b, strict=True):
        if abs(x - y) > tol:
            return x > y
    return False


def _buys(goals: list[str], row: dict) -> str:
    parts = []
    for g in goals:
        d = row[f"d_{g}"]
        if abs(d) > 1e-6:
            parts.append(f"{WORD[g]} {d:+.2f}{UNIT[g]}")
    late = row["d_late_units"]
    if late:
        parts.append(f"{abs(late)} {'fewer' if late < 0 else 'more'} late unit{'s' if abs(late) != 1 else ''}")
    return ", ".join(parts) if parts else "nothing within this search"
