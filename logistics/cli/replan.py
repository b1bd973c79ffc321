"""``replan SCENARIO PLAN --now H --out NEW.json``: re-plan from the current state
(SPEC 5.3) with :func:`logistics.replan`.

The scenario is the one as it now stands (the events written into it); PLAN is the plan
being flown. The missions started by ``H`` are kept exactly, the rest is re-planned from
``H``; the new plan is written, printed with what changed, and checked (rule FROZEN
included). Exit 0 when it keeps every rule, 1 if not, 2 on bad input: an unreadable
file, ``--now`` outside the horizon, a plan of another scenario, or started missions
that break a rule under the new facts (each named with the rule).
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path
from typing import Any, TextIO

from ..errors import Problem
from ..plan import Plan
from ..replan.frozen import differences
from .common import (
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_VIOLATIONS,
    PLAN_SUFFIXES,
    add_json,
    add_verbose,
    input_error,
    load,
    plural,
    positive_float,
    positive_int,
    section,
    table,
    write_json,
)
from .solve import plan_json, print_plan, progress_printer


def cmd_replan(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if Path(args.out).suffix.lower() not in PLAN_SUFFIXES:
        return input_error(args, out, err, [f"{args.out}: unknown plan file type (use {', '.join(PLAN_SUFFIXES)})"])
    s = load(args, args.scenario, out, err)
    if s is None:
        return EXIT_INPUT
    try:
        raw = Path(args.plan).read_bytes()
        previous = Plan.from_json(raw)
    except OSError as exc:
        return input_error(args, out, err, [f"{args.plan}: cannot read file: {exc.strerror or exc}"])
    except ValueError as exc:
        return input_error(args, out, err, [f"{args.plan}: {exc}"])

    from ..replan import ReplanError, replan

    try:
        plan = replan(s, previous, args.now, time_limit=args.time_limit, seed=args.seed, workers=args.workers,
                      on_progress=progress_printer(err, quiet=args.quiet),
                      previous_sha256=hashlib.sha256(raw).hexdigest())
    except ReplanError as exc:
        return input_error(args, out, err, [str(_named(p, args)) for p in exc.problems]
                           + [f"{plural(len(exc.problems), 'problem')} found: no plan made."])
    except KeyboardInterrupt:
        err.write("interrupted\n")
        return EXIT_INTERRUPTED
    try:
        path = plan.save(args.out, s)
    except (OSError, ValueError) as exc:
        return input_error(args, out, err, [f"{args.out}: cannot write the plan: {getattr(exc, 'strerror', None) or exc}"])

    from ..verify import verify

    violations = list(verify(s, plan, previous=previous, now_hour=args.now))
    if args.json:
        doc = plan_json(s, plan, path, violations)
        doc.update(previous=args.plan, replan=plan.replan)
        write_json(out, doc)
        return EXIT_VIOLATIONS if violations else EXIT_OK
    print_plan(s, plan, out)
    out.write(changes_text(previous, plan))
    out.write(f"\nplan written to {path}\n")
    if not violations:
        out.write("verify: 0 violations (rule frozen included)\n")
    else:
        out.write(f"verify: {plural(len(violations), 'violation')}\n" + "".join(f"  {v}\n" for v in violations))
    return EXIT_VIOLATIONS if violations else EXIT_OK


def _named(p: Problem, args: argparse.Namespace) -> Problem:
    """A re-plan problem with the file (or option) it is about."""
    if p.loc == "now":
        return Problem("--now", p.message)
    if p.file:
        return p
    return Problem(p.loc, p.message, args.plan if p.loc.startswith(("previous", "missions")) else args.scenario)


def changes_text(previous: Plan, plan: Plan) -> str:
    """What the re-plan did to the plan being flown, mission by mission."""
    rp = plan.replan or {}
    old = {m.id: m for m in previous.missions}
    new = {m.id: m for m in plan.missions}
    rows: list[list[Any]] = []
    for kind in ("changed", "cancelled", "added"):
        for mid in rp.get(kind, []):
            a, b = old.get(mid), new.get(mid)
            how = "; ".join(differences(a, b)) if a is not None and b is not None else ""
            rows.append([mid, kind, _brief(a), _brief(b), how[:90] + ("..." if len(how) > 90 else "")])
    head = (f"Re-plan at h{rp.get('now_hour', 0):g}: {len(rp.get('kept', []))} kept, {len(rp.get('changed', []))} "
            f"changed, {len(rp.get('cancelled', []))} cancelled, {len(rp.get('added', []))} added")
    body = table(["mission", "what", "was", "now", "how"], rows) + "\n" if rows else "  nothing changed\n"
    return "\n" + section(head) + "\n" + body


def _brief(m: Any) -> str:
    if m is None:
        return "-"
    return f"{m.aircraft} {m.routing} h{m.legs[0].depart_hour:.1f}-h{m.legs[-1].arrive_hour:.1f} " \
           f"{'+'.join(m.unit_ids) or 'empty'}"


def register(sub: Any) -> None:
    """Add ``replan`` to the ``logistics`` command."""
    p = sub.add_parser("replan", help="re-plan from the current state, keeping what has started",
                       description="Re-plan at hour H for the scenario as it now stands: the missions of PLAN "
                                   "started by H are kept exactly, the rest is re-planned from H (SPEC 5.3).")
    p.add_argument("scenario", help="the scenario as it now stands (.yaml, .yml or .json)")
    p.add_argument("plan", help="the plan being flown (.json, logistics-plan/1)")
    p.add_argument("--now", type=float, required=True, metavar="H", help="the hour of the re-plan (from C-hour 0)")
    p.add_argument("--out", required=True, metavar="FILE", help="write the new plan: .json, .csv or .xlsx")
    p.add_argument("--time-limit", type=positive_float, default=10.0, metavar="S",
                   help="seconds at most (default 10; a small event is answered sooner)")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="random seed (default 0)")
    p.add_argument("--workers", type=positive_int, default=None, metavar="N", help="CP-SAT workers")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    add_json(p, "status, goals, KPIs, the replan object (kept/changed/cancelled/added) and violations")
    add_verbose(p)
    p.set_defaults(func=cmd_replan)


__all__ = ["changes_text", "cmd_replan", "register"]
