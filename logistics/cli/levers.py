"""``levers SCENARIO PLAN``: what relaxing each binding limit by one step buys
(:func:`logistics.levers.levers`), cheapest first."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from .common import (
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    add_json,
    add_verbose,
    fmt,
    input_error,
    positive_float,
    positive_int,
    section,
    table,
    write_json,
)
from .verify import load_both


def cmd_levers(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    both = load_both(args, out, err)
    if both is None:
        return EXIT_INPUT
    s, plan = both
    if not plan.findings:
        from ..explain import explain

        plan = plan.with_findings(explain(s, plan))
    from ..levers import levers

    if not args.quiet:
        each = f"{args.time_limit:g} s each" if args.time_limit else f"about {args.seconds:g} s in all"
        err.write(f"re-planning each binding limit relaxed, {each} ...\n")
    try:
        df = levers(s, plan, time_limit=args.time_limit, seconds=args.seconds, seed=args.seed,
                    executor=args.scheduler, max_workers=args.workers, limit=args.limit)
    except KeyboardInterrupt:
        err.write("interrupted\n")
        return EXIT_INTERRUPTED
    except (OSError, ImportError, TimeoutError) as exc:
        return input_error(args, out, err, [f"levers: cannot reach the executor: {exc}"])
    if args.json:
        write_json(out, {"ok": True, "scenario": args.scenario, "plan": args.plan, "base": df.attrs.get("base"),
                         "levers": df.to_dict(orient="records")})
        return EXIT_OK
    goals = list(s.objective)
    out.write(section(f"What each binding limit buys, one step relaxed ({len(df)} levers, cheapest first)") + "\n")
    if not len(df):
        out.write("  no binding limit found in the plan's findings\n")
        return EXIT_OK
    base = df.attrs.get("base", {})
    out.write("  without a change, re-planned alike: "
              + ", ".join(f"{g} {fmt(base.get(g), '.2f')}" for g in goals) + "\n")
    rows = [[r["lever"], r["buys"], *(fmt(r[f"d_{g}"], "+.2f") for g in goals), "ok" if r["violations"] == 0
             else f"{r['violations']} violations"] for _, r in df.iterrows()]
    out.write(table(["lever", "buys", *(f"d {g}" for g in goals), "verify"], rows) + "\n")
    return EXIT_OK


def register(sub: Any) -> None:
    """Add ``levers`` to the ``logistics`` command."""
    p = sub.add_parser("levers", help="what relaxing each binding limit by one step buys",
                       description="For each limit that binds the plan (ramp space, readiness, crew hours, beds, "
                                   "fleet), relax it by one step, re-plan from the plan and report what it buys "
                                   "on every goal against the unchanged scenario re-planned alike, cheapest first.")
    p.add_argument("scenario", help="scenario file (.yaml, .yml or .json)")
    p.add_argument("plan", help="a plan of it (.json, logistics-plan/1)")
    p.add_argument("--seconds", type=positive_float, default=25.0, metavar="S",
                   help="wall-clock seconds for all the re-plans together (default 25)")
    p.add_argument("--time-limit", type=positive_float, default=None, metavar="S",
                   help="seconds for each re-plan instead (default: from --seconds)")
    p.add_argument("--limit", type=positive_int, default=None, metavar="N", help="at most N levers (the cheapest)")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="random seed (default 0)")
    p.add_argument("--scheduler", default=None, metavar="ADDR",
                   help="Dask scheduler address (default: local processes)")
    p.add_argument("--workers", type=positive_int, default=None, metavar="N",
                   help="local processes (default: the machine's cores)")
    p.add_argument("--quiet", action="store_true", help="no progress line on stderr")
    add_json(p, "the unchanged scenario's values and one record per lever")
    add_verbose(p)
    p.set_defaults(func=cmd_levers)
