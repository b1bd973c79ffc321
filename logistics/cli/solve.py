"""``solve SCENARIO``: plan the airlift, print the plan, write it, verify it."""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from ..errors import Problem
from ..network import scenario_warnings
from ..scenario import Scenario
from .common import (
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_VIOLATIONS,
    PLAN_SUFFIXES,
    add_json,
    add_verbose,
    fmt,
    input_error,
    load,
    plural,
    positive_float,
    positive_int,
    section,
    table,
    utc,
    violations_json,
    write_json,
)


def progress_printer(err: TextIO, quiet: bool = False, every: float = 1.0) -> Callable[[Any], None]:
    """A progress callback printing one line per new incumbent or stage (throttled)."""
    state: dict[str, Any] = {"stage": None, "obj": None, "t": -1e9}

    def cb(p: Any) -> None:
        if quiet:
            return None
        now = time.monotonic()
        new_stage = p.stage != state["stage"]
        new_obj = p.objective != state["obj"]
        if not (new_stage or (new_obj and now - state["t"] >= 0.2) or now - state["t"] >= every):
            return None
        state.update(stage=p.stage, obj=p.objective, t=now)
        gap = getattr(p, "gap", None)
        err.write(
            f"[{p.stage_index + 1}/{p.n_stages} {p.stage}] incumbent {fmt(p.objective, '.2f')}  "
            f"bound {fmt(p.bound, '.2f')}  gap {'-' if gap is None else f'{100 * gap:.1f}%'}  "
            f"{p.elapsed:.1f} s\n"
        )
        err.flush()
        return None

    return cb


def _goal_rows(s: Scenario, plan: Any) -> list[dict[str, Any]]:
    """Each goal in order with its objective, bound and gap (percent)."""
    info = plan.solve
    rows = []
    for i, g in enumerate(list(getattr(info, "goals", None) or s.objective)):
        obj = info.objective[i] if i < len(info.objective) else None
        bnd = info.bound[i] if i < len(info.bound) else None
        gap = None
        if obj is not None and bnd is not None:
            gap = 0.0 if abs(obj) < 1e-9 else max(0.0, (obj - bnd) / abs(obj)) * 100
        rows.append({"goal": g, "objective": obj, "bound": bnd, "gap_percent": gap})
    return rows


def print_plan(s: Scenario, plan: Any, out: TextIO) -> None:
    """The plain-text summary of a plan: goals, KPIs, units, missions, findings."""
    w = out.write
    info = plan.solve
    w(f"Plan for: {s.name}\n")
    w(f"Status: {plan.status}   solver: {info.solver}   {info.seconds:.1f} s\n")

    w(section("Goals (in order)") + "\n")
    w(table(["goal", "objective", "bound", "gap"],
            [[r["goal"], r["objective"], r["bound"], None if r["gap_percent"] is None else f"{r['gap_percent']:.1f}%"]
             for r in _goal_rows(s, plan)]) + "\n")

    k = plan.kpis
    w(section("KPIs") + "\n")
    closure = k.get("closure_hour")
    w(table(["kpi", "value"], [
        ["closure_hour", "-" if closure is None else f"{closure:.1f} ({utc(s, closure)})"],
        ["missions", str(k.get("missions"))],
        ["flying_hours", fmt(k.get("flying_hours"))],
        ["late_units", str(k.get("late_units"))],
        ["undelivered_pax", str(k.get("undelivered_pax"))],
        ["undelivered_stons", fmt(k.get("undelivered_stons"))],
    ]) + "\n")

    w(section("Units") + "\n")
    urows = []
    for u in plan.units:
        und = u.undelivered
        und_pax = int(round(und.get("pax", 0)))
        und_st = sum(v for c, v in und.items() if c != "pax")
        urows.append([u.id, u.destination, u.closure_hour, u.late_hours,
                      "-" if und_pax == 0 and und_st <= 1e-6 else f"{und_pax} pax, {und_st:.1f} st"])
    w(table(["unit", "destination", "closure h", "late h", "undelivered"], urows) + "\n")

    w(section(f"Missions: {len(plan.missions)}") + "\n")
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for m in plan.missions:
        groups[(m.aircraft, m.routing)].append(m)
    mrows = []
    for (t, r), ms in sorted(groups.items()):
        mrows.append([t, r, len(ms), sum(m.pax for m in ms), round(sum(m.cargo_stons for m in ms), 1),
                      round(sum(m.flying_hours for m in ms), 1)])
    if mrows:
        w(table(["aircraft", "routing", "missions", "pax", "cargo st", "flying h"], mrows) + "\n")
    else:
        w("  none\n")

    findings = list(getattr(plan, "findings", []) or [])
    w(section(f"Findings: {len(findings)}") + "\n")
    for f in findings:
        w(f"  - {getattr(f, 'message', f)}\n")
    if not findings:
        w("  none\n")


def plan_json(s: Scenario, plan: Any, path: Path | None, violations: list[Any]) -> dict[str, Any]:
    """``logistics solve --json``: status, goals with objective and bound, KPIs, the file
    written and the checker's violations."""
    info = plan.solve
    rows = _goal_rows(s, plan)
    return {
        "ok": not violations,
        "scenario": s.source_path,
        "status": plan.status,
        "solver": info.solver,
        "seconds": info.seconds,
        "goals": rows,
        "objective": [r["objective"] for r in rows],
        "bound": [r["bound"] for r in rows],
        "kpis": dict(plan.kpis),
        "missions": len(plan.missions),
        "findings": [getattr(f, "message", str(f)) for f in (getattr(plan, "findings", []) or [])],
        "out": None if path is None else str(path),
        "violations": violations_json(violations),
    }


def cmd_solve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.out is not None and Path(args.out).suffix.lower() not in PLAN_SUFFIXES:
        return input_error(args, out, err,
                           [f"{args.out}: unknown plan file type (use {', '.join(PLAN_SUFFIXES)})"])
    s = load(args, args.scenario, out, err)
    if s is None:
        return EXIT_INPUT
    for p in scenario_warnings(s):
        err.write(f"warning: {Problem(p.loc, p.message, args.scenario)}\n")

    from ..solve import solve

    cb = progress_printer(err, quiet=args.quiet)
    try:
        plan = solve(s, time_limit=args.time_limit, seed=args.seed, workers=args.workers, on_progress=cb)
    except KeyboardInterrupt:
        err.write("interrupted\n")
        return EXIT_INTERRUPTED
    if not args.json:
        print_plan(s, plan, out)

    path = None
    if args.out is not None:
        try:
            path = plan.save(args.out, s)
        except (OSError, ValueError) as exc:
            return input_error(args, out, err,
                               [f"{args.out}: cannot write the plan: {getattr(exc, 'strerror', None) or exc}"])
        if not args.json:
            out.write(f"\nplan written to {path}\n")

    from ..verify import verify

    violations = list(verify(s, plan))
    if args.json:
        write_json(out, plan_json(s, plan, path, violations))
    elif not violations:
        out.write("verify: 0 violations\n")
    else:
        out.write(f"verify: {plural(len(violations), 'violation')}\n")
        for v in violations:
            out.write(f"  {v}\n")
    return EXIT_VIOLATIONS if violations else EXIT_OK


def register(sub: Any) -> None:
    """Add ``solve`` to the ``logistics`` command."""
    so = sub.add_parser("solve", help="plan the airlift for a scenario",
                        description="Plan the airlift with CP-SAT, goal by goal, and verify the plan.")
    so.add_argument("scenario", help="scenario file (.yaml, .yml or .json)")
    so.add_argument("--time-limit", type=positive_float, default=30.0, metavar="S",
                    help="seconds for the whole solve (default 30)")
    so.add_argument("--seed", type=int, default=0, metavar="N", help="random seed (default 0)")
    so.add_argument("--workers", type=positive_int, default=None, metavar="N",
                    help="CP-SAT search workers (default: the machine's cores)")
    so.add_argument("--out", default=None, metavar="FILE",
                    help="write the plan: plan.json, plan.csv or plan.xlsx")
    so.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    add_json(so, "status, goals, KPIs, the file written and the checker's violations")
    add_verbose(so)
    so.set_defaults(func=cmd_solve)
