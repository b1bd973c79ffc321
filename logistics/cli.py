"""The ``logistics`` command (also ``python -m logistics``).

Subcommands
-----------
``validate FILE [--json]``
    Read a scenario; list every problem (``FILE: units[3].pax: must be >= 0``) on
    stderr and exit 2, or print a summary (units, fleet, airfields, distances,
    warnings) and exit 0.
``schema``
    Print the JSON Schema of ``logistics-scenario/1``.
``solve SCENARIO [--time-limit S] [--seed N] [--workers N] [--out FILE] [--quiet]``
    Plan the airlift, print progress on stderr and a summary on stdout, optionally
    write the plan (``.json``, ``.csv``, ``.xlsx``), then check it with the
    independent verifier (exit 1 if it finds violations).
``generate SIZE [--seed N] [--out FILE]``
    Write a seeded synthetic scenario (sizes S, M, L, XL).
``prove SCENARIO PLAN [--time-limit S]``
    Check, goal by goal, that no plan does better than PLAN (:func:`logistics.bounds.proof.
    prove_plan`): print each step of the argument; exit 0 when every goal up to flying
    hours is proven least, 3 when not (in the time), 1 if the plan breaks a rule.
``sweep SCENARIO [--samples N] [--seed S] [--scheduler ADDR] [--workers N] [--time-limit S] [--out FILE]``
    Solve perturbed copies on local processes or a Dask cluster; print the summary.

Exit codes: 0 success, 1 the plan breaks a rule, 2 bad input (scenario, options or
files), 3 not proven (``prove``), 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any, TextIO

from .errors import Problem, ScenarioError
from .network import scenario_warnings
from .scenario import Scenario, json_schema, load_scenario

EXIT_OK, EXIT_VIOLATIONS, EXIT_INPUT, EXIT_NOT_PROVEN, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
PLAN_SUFFIXES = (".json", ".csv", ".xlsx")


# ----- plain text tables ----------------------------------------------------------------
def _cell(v: Any, whole: bool = False) -> str:
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        if v != v:  # nan
            return "-"
        return f"{v:,.0f}" if whole else f"{v:,.1f}"
    return str(v)


def _numeric(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], indent: str = "  ") -> str:
    """An aligned plain-text table: numbers right-aligned, text left-aligned."""
    rows = [list(r) for r in rows]
    # a column of whole numbers shows no decimals; otherwise one decimal throughout
    whole = [
        all(not isinstance(r[i], float) or r[i] == int(r[i]) for r in rows if r[i] == r[i])
        for i in range(len(headers))
    ]
    cells = [[_cell(v, whole[i]) for i, v in enumerate(r)] for r in rows]
    widths = [len(h) for h in headers]
    for r in cells:
        for i, c in enumerate(r):
            widths[i] = max(widths[i], len(c))
    right = [
        bool(rows) and all(_numeric(r[i]) or r[i] is None for r in rows) for i in range(len(headers))
    ]

    def line(cs: Sequence[str]) -> str:
        return indent + "  ".join(
            c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cs, widths, right, strict=True)
        ).rstrip()

    out = [line(headers), indent + "  ".join("-" * w for w in widths)]
    out.extend(line(r) for r in cells)
    return "\n".join(out)


def _section(title: str) -> str:
    return f"\n{title}\n{'=' * len(title)}"


def _utc(s: Scenario, hour: float | None) -> str:
    if hour is None:
        return "-"
    return (s.start + timedelta(hours=hour)).strftime("%Y-%m-%d %H:%MZ")


# ----- validate ---------------------------------------------------------------------------
def _roles(s: Scenario) -> dict[str, list[str]]:
    roles: dict[str, list[str]] = defaultdict(list)
    for u in s.units:
        if "origin" not in roles[u.origin]:
            roles[u.origin].append("origin")
    for icao in [*(d.airfield for d in s.destinations), *(d for u in s.units for d in u.destinations)]:
        if "destination" not in roles[icao]:
            roles[icao].append("destination")
    for e in s.enroute:
        if "en-route" not in roles[e]:
            roles[e].append("en-route")
    return roles


def _dest_codes(s: Scenario) -> list[str]:
    return list(dict.fromkeys([*(d.airfield for d in s.destinations),
                               *(d for u in s.units for d in u.destinations)]))


def _origin_codes(s: Scenario) -> list[str]:
    return list(dict.fromkeys(u.origin for u in s.units))


def main_legs(s: Scenario) -> list[tuple[str, str, str, float]]:
    """The main legs of a scenario with their geodesic distance (nm).

    Each origin to each destination its units may go to (direct), each origin to each
    en-route stop, and each stop to each destination: ``(kind, from, to, nm)``.
    """
    from .geo import distance_nm

    af = s.airfield
    legs: list[tuple[str, str, str, float]] = []
    pairs = list(dict.fromkeys((u.origin, d) for u in s.units for d in u.destinations))
    for o, d in pairs:
        legs.append(("direct", o, d, distance_nm(af(o), af(d))))
    for o in _origin_codes(s):
        for e in s.enroute:
            if e != o:
                legs.append(("to stop", o, e, distance_nm(af(o), af(e))))
    for e in s.enroute:
        for d in _dest_codes(s):
            if e != d:
                legs.append(("from stop", e, d, distance_nm(af(e), af(d))))
    return legs


def summary(s: Scenario) -> dict[str, Any]:
    """The facts ``logistics validate`` shows, as plain data (also its ``--json`` output)."""
    cargo = {c: sum(getattr(u, f"{c}_stons") for u in s.units) for c in ("bulk", "oversize", "outsize")}
    fleet = []
    for t in s.fleet_types:
        ac = s.aircraft_type(t)
        fleet.append({
            "type": t, "count": s.fleet_count(t),
            "available": [{"hour": h, "count": c} for h, c in s.fleet_steps(t) if c > 0],
            "withdrawn": [{"hour": h, "count": -c} for h, c in s.fleet_steps(t) if c < 0],
            "seats": ac.seats, "acl_stons": ac.acl_stons, "cargo_classes": list(ac.cargo_classes),
            "ute_hours": ac.ute_hours, "min_runway_ft": ac.min_runway_ft,
        })
    roles = _roles(s)
    airfields = []
    for icao, rs in roles.items():
        a = s.airfield(icao)
        airfields.append({"icao": icao, "name": a.name, "roles": rs, "mog": a.mog, "runway_ft": a.runway_ft,
                         "mog_changes": [c.model_dump() for c in s.mog_changes(icao)]})
    dests = []
    for d in _dest_codes(s):
        allowed = [u for u in s.units if d in u.destinations]
        dests.append({"airfield": d, "capacity_pax": s.capacity_pax(d), "units_allowed": len(allowed),
                      "pax_allowed": sum(u.pax for u in allowed)})
    return {
        "name": s.name,
        "file": s.source_path,
        "start": s.start.isoformat(),
        "horizon_hours": s.horizon_hours,
        "units": len(s.units),
        "pax": sum(u.pax for u in s.units),
        "stons": cargo,
        "fleet": fleet,
        "airfields": airfields,
        "destinations": dests,
        "enroute": list(s.enroute),
        "distances_nm": [{"kind": k, "from": a, "to": b, "nm": round(nm, 1)} for k, a, b, nm in main_legs(s)],
        "warnings": [{"loc": p.loc, "message": p.message} for p in scenario_warnings(s)],
        "objective": list(s.objective),
    }


def _print_summary(s: Scenario, out: TextIO) -> None:
    info = summary(s)
    w = out.write
    w(f"Scenario: {s.name}" + (f"  ({s.source_path})" if s.source_path else "") + "\n")
    w(f"Start (C-hour 0): {s.start.isoformat()}   horizon: {s.horizon_hours:g} h "
      f"({s.horizon_hours / 24:.1f} days, to {_utc(s, s.horizon_hours)})\n")
    w(f"Objective: {', '.join(s.objective)}   pax planning weight: {s.pax_weight_lb:g} lb\n")

    st = info["stons"]
    w(_section(f"Units: {len(s.units)}") + "\n")
    w(f"  total pax {info['pax']:,}; cargo {sum(st.values()):,.1f} st "
      f"(bulk {st['bulk']:,.1f}, oversize {st['oversize']:,.1f}, outsize {st['outsize']:,.1f})\n")
    w(table(
        ["id", "origin", "destinations", "pax", "bulk", "oversize", "outsize", "ready", "EAD", "RDD",
         "LAD", "prio", "name"],
        [[u.id, u.origin, "/".join(u.destinations), u.pax, u.bulk_stons, u.oversize_stons,
          u.outsize_stons, u.ready_hour, u.earliest_arrival_hour, s.rdd(u), s.lad(u), u.priority, u.name]
         for u in s.units],
    ) + "\n")

    w(_section("Fleet") + "\n")
    w(table(
        ["type", "count", "available (count@hour)", "seats", "ACL st", "classes", "UTE h/day"],
        [[f["type"], f["count"], ", ".join(f"{a['count']}@{a['hour']:g}h" for a in f["available"]),
          f["seats"], f["acl_stons"], "/".join(f["cargo_classes"]) or "pax only", f["ute_hours"]]
         for f in info["fleet"]],
    ) + "\n")

    w(_section("Airfields used") + "\n")
    w(table(["icao", "role", "MOG", "runway ft", "name"],
            [[a["icao"], "+".join(a["roles"]), a["mog"], a["runway_ft"], a["name"]] for a in info["airfields"]])
      + "\n")

    w(_section("Destinations") + "\n")
    w(table(["airfield", "capacity pax", "units allowed", "pax allowed"],
            [[d["airfield"], d["capacity_pax"] if d["capacity_pax"] is not None else "unlimited",
              d["units_allowed"], d["pax_allowed"]] for d in info["destinations"]]) + "\n")

    w(_section("En-route stops") + "\n")
    w("  " + (", ".join(s.enroute) if s.enroute else "none (direct flights only)") + "\n")

    w(_section("Main legs (geodesic, WGS-84)") + "\n")
    w(table(["leg", "from", "to", "nm"],
            [[d["kind"], d["from"], d["to"], d["nm"]] for d in info["distances_nm"]]) + "\n")

    w(_section(f"Warnings: {len(info['warnings'])}") + "\n")
    for p in info["warnings"]:
        w(f"  {p['loc']}: {p['message']}\n")
    if not info["warnings"]:
        w("  none\n")


def _report_problems(exc: ScenarioError, err: TextIO) -> None:
    for p in exc.problems:
        err.write(f"{p}\n")
    n = len(exc.problems)
    err.write(f"{n} problem{'s' if n != 1 else ''} found.\n")


def _load(path: str, err: TextIO) -> Scenario | None:
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        _report_problems(exc, err)
    except OSError as exc:  # pragma: no cover - load_scenario already turns these into problems
        err.write(f"{path}: cannot read file: {exc.strerror or exc}\n")
    return None


def cmd_validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        s = load_scenario(args.file)
    except ScenarioError as exc:
        _report_problems(exc, err)
        if args.json:
            probs = [{"file": p.file, "loc": p.loc, "message": p.message} for p in exc.problems]
            out.write(json.dumps({"ok": False, "problems": probs}, indent=2) + "\n")
        return EXIT_INPUT
    except OSError as exc:  # pragma: no cover - load_scenario already turns these into problems
        err.write(f"{args.file}: cannot read file: {exc.strerror or exc}\n")
        return EXIT_INPUT
    if args.json:
        out.write(json.dumps({"ok": True, **summary(s)}, indent=2) + "\n")
    else:
        _print_summary(s, out)
        out.write(f"\n{args.file}: valid logistics-scenario/1\n")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    out.write(json.dumps(json_schema(), indent=2) + "\n")
    return EXIT_OK


# ----- solve ----------------------------------------------------------------------------
def _fmt(x: float | None, spec: str = ".1f") -> str:
    return "-" if x is None else format(x, spec)


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
            f"[{p.stage_index + 1}/{p.n_stages} {p.stage}] incumbent {_fmt(p.objective, '.2f')}  "
            f"bound {_fmt(p.bound, '.2f')}  gap {'-' if gap is None else f'{100 * gap:.1f}%'}  "
            f"{p.elapsed:.1f} s\n"
        )
        err.flush()
        return None

    return cb


def _print_plan(s: Scenario, plan: Any, out: TextIO) -> None:
    w = out.write
    info = plan.solve
    w(f"Plan for: {s.name}\n")
    w(f"Status: {plan.status}   solver: {info.solver}   {info.seconds:.1f} s\n")

    goals = list(getattr(info, "goals", None) or s.objective)
    w(_section("Goals (in order)") + "\n")
    rows = []
    for i, g in enumerate(goals):
        obj = info.objective[i] if i < len(info.objective) else None
        bnd = info.bound[i] if i < len(info.bound) else None
        gap = None
        if obj is not None and bnd is not None:
            gap = 0.0 if abs(obj) < 1e-9 else max(0.0, (obj - bnd) / abs(obj)) * 100
        rows.append([g, obj, bnd, None if gap is None else f"{gap:.1f}%"])
    w(table(["goal", "objective", "bound", "gap"], rows) + "\n")

    k = plan.kpis
    w(_section("KPIs") + "\n")
    closure = k.get("closure_hour")
    w(table(["kpi", "value"], [
        ["closure_hour", "-" if closure is None else f"{closure:.1f} ({_utc(s, closure)})"],
        ["missions", str(k.get("missions"))],
        ["flying_hours", _fmt(k.get("flying_hours"))],
        ["late_units", str(k.get("late_units"))],
        ["undelivered_pax", str(k.get("undelivered_pax"))],
        ["undelivered_stons", _fmt(k.get("undelivered_stons"))],
    ]) + "\n")

    w(_section("Units") + "\n")
    urows = []
    for u in plan.units:
        und = u.undelivered
        und_pax = int(round(und.get("pax", 0)))
        und_st = sum(v for c, v in und.items() if c != "pax")
        urows.append([u.id, u.destination, u.closure_hour, u.late_hours,
                      "-" if und_pax == 0 and und_st <= 1e-6 else f"{und_pax} pax, {und_st:.1f} st"])
    w(table(["unit", "destination", "closure h", "late h", "undelivered"], urows) + "\n")

    w(_section(f"Missions: {len(plan.missions)}") + "\n")
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
    w(_section(f"Findings: {len(findings)}") + "\n")
    for f in findings:
        w(f"  - {getattr(f, 'message', f)}\n")
    if not findings:
        w("  none\n")


def cmd_solve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.out is not None and Path(args.out).suffix.lower() not in PLAN_SUFFIXES:
        err.write(f"{args.out}: unknown plan file type (use {', '.join(PLAN_SUFFIXES)})\n")
        return EXIT_INPUT
    s = _load(args.scenario, err)
    if s is None:
        return EXIT_INPUT
    for p in scenario_warnings(s):
        err.write(f"warning: {Problem(p.loc, p.message, args.scenario)}\n")

    from .solve import solve

    cb = progress_printer(err, quiet=args.quiet)
    try:
        plan = solve(s, time_limit=args.time_limit, seed=args.seed, workers=args.workers, on_progress=cb)
    except KeyboardInterrupt:
        err.write("interrupted\n")
        return EXIT_INTERRUPTED
    _print_plan(s, plan, out)

    if args.out is not None:
        try:
            path = plan.save(args.out, s)
        except (OSError, ValueError) as exc:
            err.write(f"{args.out}: cannot write the plan: {getattr(exc, 'strerror', None) or exc}\n")
            return EXIT_INPUT
        out.write(f"\nplan written to {path}\n")

    try:
        from .verify import verify
    except ImportError:  # pragma: no cover - verify ships with the package
        err.write("verify: the checker is not available\n")
        return EXIT_OK
    violations = list(verify(s, plan))
    if not violations:
        out.write("verify: 0 violations\n")
        return EXIT_OK
    out.write(f"verify: {len(violations)} violation{'s' if len(violations) != 1 else ''}\n")
    for v in violations:
        out.write(f"  {v}\n")
    return EXIT_VIOLATIONS


# ----- prove ----------------------------------------------------------------------------
def cmd_prove(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Prove a plan's goals least (:func:`logistics.bounds.proof.prove_plan`)."""
    s = _load(args.scenario, err)
    if s is None:
        return EXIT_INPUT
    from .plan import Plan

    try:
        plan = Plan.load(args.plan)
    except ValueError as exc:  # the message names the file
        err.write(f"{exc}\n")
        return EXIT_INPUT
    from .bounds.proof import prove_plan
    from .verify import verify

    bad = verify(s, plan)
    if bad:
        out.write(f"verify: {len(bad)} violation{'s' if len(bad) != 1 else ''}; nothing to prove\n")
        for v in bad:
            out.write(f"  {v}\n")
        return EXIT_VIOLATIONS
    t0 = time.perf_counter()

    def log(line: str) -> None:
        out.write(f"[{time.perf_counter() - t0:6.0f} s] {line}\n")
        out.flush()

    try:
        proof = prove_plan(s, plan, time_limit=args.time_limit, log=log,
                                  trace=log if args.verbose else None)
    except KeyboardInterrupt:
        err.write("interrupted\n")
        return EXIT_INTERRUPTED
    out.write("\n" + table(["goal", "value", "proven bound", "least?"],
                            [[g.goal, f"{g.value:,.2f}", "-" if g.bound is None else f"{g.bound:,.2f}", g.proven]
                             for g in proof.goals]) + "\n")
    if proof.proven:
        out.write(f"PROVEN: no plan does better than {args.plan} on {', '.join(g.goal for g in proof.goals)} "
                  f"(for the model; {proof.seconds:.0f} s)\n")
        return EXIT_OK
    out.write(f"NOT PROVEN in {proof.seconds:.0f} s\n")
    return EXIT_NOT_PROVEN


# ----- generate -------------------------------------------------------------------------
def cmd_generate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .generate import generate
    from .scenario import dumps_scenario, save_scenario

    s = generate(args.size, args.seed)
    if args.out is None:
        out.write(dumps_scenario(s, "yaml"))
        return EXIT_OK
    try:
        path = save_scenario(s, args.out)
    except OSError as exc:
        err.write(f"{args.out}: cannot write: {exc.strerror or exc}\n")
        return EXIT_INPUT
    out.write(f"{s.name}: {len(s.units)} units written to {path}\n")
    return EXIT_OK


# ----- sweep ----------------------------------------------------------------------------
def _cmd_sweep(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Solve many perturbed copies of a scenario (see :mod:`logistics.sweep`)."""
    suffix = Path(args.out).suffix.lower() if args.out else ""
    if args.out is not None and suffix not in (".parquet", ".pq", ".csv"):
        err.write(f"{args.out}: unknown results file type (use .parquet or .csv)\n")
        return EXIT_INPUT
    s = _load(args.scenario, err)
    if s is None:
        return EXIT_INPUT
    from .sweep import sweep

    bar: Any = None
    if not args.quiet:
        try:
            from tqdm import tqdm

            bar = tqdm(total=args.samples, desc="samples", unit="sample", file=err)
        except ImportError:  # tqdm comes with the [sweep] extra
            bar = None

    def on_sample(done: int, total: int) -> None:
        if bar is not None:
            bar.update(done - bar.n)

    executor: Any = args.scheduler
    try:
        res = sweep(s, samples=args.samples, seed=args.seed, executor=executor,
                    time_limit=args.time_limit, on_sample=on_sample, max_workers=args.workers)
    except (OSError, ImportError, TimeoutError) as exc:
        err.write(f"sweep: cannot reach the executor: {exc}\n")
        return EXIT_INPUT
    finally:
        if bar is not None:
            bar.close()
    out.write(f"{s.name}: {args.samples} samples, seed {args.seed}, "
              f"{args.time_limit:g} s per solve, {res.meta['seconds']:.1f} s in all\n")
    out.write(str(res.summary()) + "\n")
    if args.out is not None:
        try:
            paths = res.save(args.out)
        except (OSError, ImportError, ValueError) as exc:
            err.write(f"{args.out}: cannot write the results: {getattr(exc, 'strerror', None) or exc}\n")
            return EXIT_INPUT
        out.write("results written to " + ", ".join(str(p) for p in paths) + "\n")
    bad = int(res.samples["violations"].fillna(0).sum())
    return EXIT_VIOLATIONS if bad else EXIT_OK


# ----- entry point ----------------------------------------------------------------------
def _positive_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not v > 0:
        raise argparse.ArgumentTypeError(f"must be > 0 (got {text})")
    return v


def _positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1 (got {text})")
    return v


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``logistics`` command."""
    from .generate import SIZES

    ap = argparse.ArgumentParser(
        prog="logistics",
        description="Troop-deployment airlift planner: validate scenarios, plan with CP-SAT, check plans.",
    )
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    v = sub.add_parser("validate", help="check a scenario file and summarise it",
                       description="Check a scenario (YAML or JSON); print every problem, or a summary.")
    v.add_argument("file", help="scenario file (.yaml, .yml or .json)")
    v.add_argument("--json", action="store_true", help="print the summary (or the problems) as JSON")
    v.set_defaults(func=cmd_validate)

    sc = sub.add_parser("schema", help="print the JSON Schema of the scenario format")
    sc.set_defaults(func=cmd_schema)

    so = sub.add_parser("solve", help="plan the airlift for a scenario",
                        description="Plan the airlift with CP-SAT, goal by goal, and verify the plan.")
    so.add_argument("scenario", help="scenario file (.yaml, .yml or .json)")
    so.add_argument("--time-limit", type=_positive_float, default=30.0, metavar="S",
                    help="seconds for the whole solve (default 30)")
    so.add_argument("--seed", type=int, default=0, metavar="N", help="random seed (default 0)")
    so.add_argument("--workers", type=_positive_int, default=None, metavar="N",
                    help="CP-SAT search workers (default: the machine's cores)")
    so.add_argument("--out", default=None, metavar="FILE",
                    help="write the plan: plan.json, plan.csv or plan.xlsx")
    so.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    so.set_defaults(func=cmd_solve)

    pr = sub.add_parser("prove", help="prove that no plan does better than a given one",
                        description="Check, goal by goal up to flying hours, that no plan of the model does "
                                    "better than PLAN; print the argument step by step.")
    pr.add_argument("scenario", help="scenario file (.yaml, .yml or .json)")
    pr.add_argument("plan", help="plan file (.json, logistics-plan/1)")
    pr.add_argument("--time-limit", type=_positive_float, default=1800.0, metavar="S",
                    help="seconds for the whole proof (default 1800)")
    pr.add_argument("--verbose", action="store_true", help="also a line per relaxation solved")
    pr.set_defaults(func=cmd_prove)

    g = sub.add_parser("generate", help="write a seeded synthetic scenario",
                       description="Sizes: " + "; ".join(f"{k}: {v.note}" for k, v in SIZES.items()))
    g.add_argument("size", choices=list(SIZES), help="S, M, L or XL")
    g.add_argument("--seed", type=int, default=0, metavar="N", help="seed (default 0)")
    g.add_argument("--out", "-o", default=None, metavar="FILE",
                   help="write here (.yaml or .json); default: YAML on stdout")
    g.set_defaults(func=cmd_generate)
    sw = sub.add_parser("sweep", help="what-if sweep: solve many randomly perturbed copies",
                        description="Solve perturbed copies of a scenario (aircraft availability, MOG, "
                                    "readiness delays, CRAF activation) on local processes or a Dask "
                                    "cluster, and print closure percentiles, per-unit lateness "
                                    "probabilities and the most frequent binding limits.")
    sw.add_argument("scenario", help="scenario file (.yaml, .yml or .json)")
    sw.add_argument("--samples", type=_positive_int, default=100, metavar="N", help="samples (default 100)")
    sw.add_argument("--seed", type=int, default=0, metavar="S", help="sweep seed (default 0)")
    sw.add_argument("--scheduler", default=None, metavar="ADDR",
                    help="Dask scheduler address, e.g. tcp://host:8786 (default: local processes)")
    sw.add_argument("--workers", type=_positive_int, default=None, metavar="N",
                    help="local processes (default: the machine's cores; ignored with --scheduler)")
    sw.add_argument("--time-limit", type=_positive_float, default=5.0, metavar="S",
                    help="deterministic seconds per solve (default 5)")
    sw.add_argument("--out", default=None, metavar="FILE",
                    help="write results.parquet or results.csv (plus .units and .limits files)")
    sw.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    sw.set_defaults(func=_cmd_sweep)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``logistics`` command; returns the exit code."""
    ap = build_parser()
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code) if isinstance(exc.code, int) else EXIT_INPUT
    try:
        return int(args.func(args, sys.stdout, sys.stderr))
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `logistics schema | head`
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
